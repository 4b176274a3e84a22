//! From local engine metres to fractional indices of a file's horizontal grid.
//!
//! Converting every sample through latitude/longitude would cost two series evaluations per
//! particle step; instead a table of fractional indices is built once over the region the run
//! covers and interpolated bilinearly. The map from local metres to a latitude/longitude or a
//! foreign projection is smooth (its second derivatives are of order 1/Earth radius), so over a
//! 250 m table step the bilinear error is below a millimetre; for a grid in the engine's own
//! projection the map is affine and reproduced exactly.

use crate::geo::{LatLon, TransverseMercator};

/// A rectangle in local metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalBox {
    pub x_min_m: f64,
    pub x_max_m: f64,
    pub y_min_m: f64,
    pub y_max_m: f64,
}

/// A file's rectilinear horizontal grid.
#[derive(Debug, Clone)]
pub enum HorizontalGrid {
    /// 1-D latitude and longitude coordinates (degrees), each monotonic.
    LatLon {
        lat_deg: Vec<f64>,
        lon_deg: Vec<f64>,
    },
    /// 1-D projection coordinates (m) of a transverse Mercator, each monotonic.
    TransverseMercator {
        x_m: Vec<f64>,
        y_m: Vec<f64>,
        projection: TransverseMercator,
        false_easting_m: f64,
        false_northing_m: f64,
    },
}

/// Fractional position of `v` in monotonic `xs` (increasing or decreasing), unclamped within,
/// and whether it lies outside.
fn fractional(xs: &[f64], v: f64) -> (f64, bool) {
    let n = xs.len();
    if n == 1 {
        return (0.0, v != xs[0]);
    }
    let inc = xs[n - 1] > xs[0];
    let key = |x: f64| if inc { x } else { -x };
    let kv = key(v);
    if kv <= key(xs[0]) {
        return (0.0, kv < key(xs[0]));
    }
    if kv >= key(xs[n - 1]) {
        return ((n - 1) as f64, kv > key(xs[n - 1]));
    }
    let hi = xs.partition_point(|&x| key(x) <= kv);
    let lo = hi - 1;
    (
        lo as f64 + (kv - key(xs[lo])) / (key(xs[hi]) - key(xs[lo])),
        false,
    )
}

fn same_projection(a: &TransverseMercator, b: &TransverseMercator) -> bool {
    a.origin() == b.origin() && a.k0() == b.k0()
}

impl HorizontalGrid {
    pub fn nx(&self) -> usize {
        match self {
            Self::LatLon { lon_deg, .. } => lon_deg.len(),
            Self::TransverseMercator { x_m, .. } => x_m.len(),
        }
    }

    pub fn ny(&self) -> usize {
        match self {
            Self::LatLon { lat_deg, .. } => lat_deg.len(),
            Self::TransverseMercator { y_m, .. } => y_m.len(),
        }
    }

    /// Latitude/longitude of node (i, j).
    pub fn node(&self, i: usize, j: usize) -> LatLon {
        match self {
            Self::LatLon { lat_deg, lon_deg } => LatLon::new(lat_deg[j], lon_deg[i]),
            Self::TransverseMercator {
                x_m,
                y_m,
                projection,
                false_easting_m,
                false_northing_m,
            } => projection.inverse(x_m[i] - false_easting_m, y_m[j] - false_northing_m),
        }
    }

    /// Fractional (i, j) of a local point, and whether it lies outside the grid.
    fn locate(&self, engine: &TransverseMercator, x_m: f64, y_m: f64) -> (f64, f64, bool) {
        let (fi, fj, oi, oj) = match self {
            Self::LatLon { lat_deg, lon_deg } => {
                let p = engine.inverse(x_m, y_m);
                let (fi, oi) = fractional(lon_deg, p.lon);
                let (fj, oj) = fractional(lat_deg, p.lat);
                (fi, fj, oi, oj)
            }
            Self::TransverseMercator {
                x_m: xs,
                y_m: ys,
                projection,
                false_easting_m,
                false_northing_m,
            } => {
                let (px, py) = if same_projection(projection, engine) {
                    (x_m, y_m)
                } else {
                    projection.forward(engine.inverse(x_m, y_m))
                };
                let (fi, oi) = fractional(xs, px + false_easting_m);
                let (fj, oj) = fractional(ys, py + false_northing_m);
                (fi, fj, oi, oj)
            }
        };
        (fi, fj, oi || oj)
    }
}

/// A table of fractional grid indices over a local rectangle.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexMap {
    x0_m: f64,
    y0_m: f64,
    step_m: f64,
    nx: usize,
    ny: usize,
    fi: Vec<f64>,
    fj: Vec<f64>,
    /// Some table node fell outside the file's grid (its values are held at the edge).
    pub outside: bool,
}

impl IndexMap {
    /// Builds the table over `region` with nodes at most `max_step_m` apart (and at most
    /// 2000 × 2000 nodes), in the full file's index space.
    pub fn build(
        grid: &HorizontalGrid,
        engine: &TransverseMercator,
        region: LocalBox,
        max_step_m: f64,
    ) -> IndexMap {
        let wx = (region.x_max_m - region.x_min_m).max(1.0);
        let wy = (region.y_max_m - region.y_min_m).max(1.0);
        let step_m = max_step_m.max(wx.max(wy) / 1999.0);
        let nx = (wx / step_m).ceil() as usize + 1;
        let ny = (wy / step_m).ceil() as usize + 1;
        let mut fi = Vec::with_capacity(nx * ny);
        let mut fj = Vec::with_capacity(nx * ny);
        let mut outside = false;
        for j in 0..ny {
            for i in 0..nx {
                let x = region.x_min_m + i as f64 * step_m;
                let y = region.y_min_m + j as f64 * step_m;
                let (a, b, o) = grid.locate(engine, x, y);
                fi.push(a);
                fj.push(b);
                outside |= o;
            }
        }
        IndexMap {
            x0_m: region.x_min_m,
            y0_m: region.y_min_m,
            step_m,
            nx,
            ny,
            fi,
            fj,
            outside,
        }
    }

    /// The inclusive index ranges (i, j) of file nodes that the table touches, one node of margin.
    pub fn index_range(&self, nx: usize, ny: usize) -> ((usize, usize), (usize, usize)) {
        let span = |f: &[f64], n: usize| {
            let lo = f.iter().cloned().fold(f64::INFINITY, f64::min).floor() - 1.0;
            let hi = f.iter().cloned().fold(f64::NEG_INFINITY, f64::max).ceil() + 1.0;
            (
                lo.max(0.0) as usize,
                (hi.max(0.0) as usize).min(n.saturating_sub(1)),
            )
        };
        (span(&self.fi, nx), span(&self.fj, ny))
    }

    /// The same table for a subdomain starting at node (i0, j0).
    pub fn shifted(mut self, i0: usize, j0: usize) -> IndexMap {
        self.fi.iter_mut().for_each(|f| *f -= i0 as f64);
        self.fj.iter_mut().for_each(|f| *f -= j0 as f64);
        self
    }

    /// The size (m) of the file's grid cells near the table's centre: the smaller of the
    /// distances over which i and j change by one.
    pub fn cell_size_m(&self) -> f64 {
        let (i, j) = (self.nx / 2, self.ny / 2);
        let (i1, j1) = ((i + 1).min(self.nx - 1), (j + 1).min(self.ny - 1));
        let at = |f: &[f64], i: usize, j: usize| f[j * self.nx + i];
        let grad = |f: &[f64]| {
            let gx = (at(f, i1, j) - at(f, i, j)) / self.step_m;
            let gy = (at(f, i, j1) - at(f, i, j)) / self.step_m;
            gx.hypot(gy)
        };
        let g = grad(&self.fi).max(grad(&self.fj));
        if g > 0.0 {
            1.0 / g
        } else {
            f64::INFINITY
        }
    }

    /// Fractional file indices (i, j) at a local point, held at the table's edge outside it.
    #[inline]
    pub fn lookup(&self, x_m: f64, y_m: f64) -> (f64, f64) {
        let gx = ((x_m - self.x0_m) / self.step_m).clamp(0.0, (self.nx - 1) as f64);
        let gy = ((y_m - self.y0_m) / self.step_m).clamp(0.0, (self.ny - 1) as f64);
        let i = (gx.floor() as usize).min(self.nx.saturating_sub(2));
        let j = (gy.floor() as usize).min(self.ny.saturating_sub(2));
        let (i1, j1) = ((i + 1).min(self.nx - 1), (j + 1).min(self.ny - 1));
        let (a, b) = (gx - i as f64, gy - j as f64);
        let at = |f: &[f64]| {
            let r0 = f[j * self.nx + i] + a * (f[j * self.nx + i1] - f[j * self.nx + i]);
            let r1 = f[j1 * self.nx + i] + a * (f[j1 * self.nx + i1] - f[j1 * self.nx + i]);
            r0 + b * (r1 - r0)
        };
        (at(&self.fi), at(&self.fj))
    }
}
