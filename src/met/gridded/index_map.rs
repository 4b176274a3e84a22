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

impl LocalBox {
    /// The rectangle grown by `margin_m` on every side.
    pub fn grown(self, margin_m: f64) -> LocalBox {
        LocalBox {
            x_min_m: self.x_min_m - margin_m,
            x_max_m: self.x_max_m + margin_m,
            y_min_m: self.y_min_m - margin_m,
            y_max_m: self.y_max_m + margin_m,
        }
    }
}

/// How much of a rectangle lies outside a file's grid, counted on the lookup table's nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    /// Table nodes in the rectangle.
    pub nodes: usize,
    /// Those of them outside the grid, where the values at the grid's edge are held.
    pub outside: usize,
}

/// A file's horizontal grid.
#[derive(Debug, Clone)]
pub enum HorizontalGrid {
    /// Any grid given by the latitude/longitude (degrees) of every node, `[j][i]` (Lambert
    /// conformal, polar stereographic, rotated latitude/longitude, …): the map from local
    /// metres to indices is found by inverting the bilinear map of each cell (Newton's method).
    Curvilinear {
        nx: usize,
        ny: usize,
        lat_deg: Vec<f64>,
        lon_deg: Vec<f64>,
    },
    /// 1-D latitude and longitude coordinates (degrees), each monotonic; longitudes in any
    /// convention (−180–180°, 0–360°, a global row), points looked up a whole turn away.
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

/// The file's columns that hold columns `i0..=i1` of a grid rolled by `roll`
/// ([`HorizontalGrid::rolled_about`]) from a row of `nx` columns: one range, or two where
/// they pass the row's end, in the rolled grid's order.
pub(crate) fn file_columns(
    i0: usize,
    i1: usize,
    roll: usize,
    nx: usize,
) -> Vec<std::ops::RangeInclusive<usize>> {
    let (a, b) = ((i0 + roll) % nx, (i1 + roll) % nx);
    if roll == 0 || a <= b {
        vec![a..=b]
    } else {
        vec![a..=nx - 1, 0..=b]
    }
}

/// Makes a row of longitudes (degrees) continuous, each within half a turn of the one before,
/// so that a row crossing the antimeridian or Greenwich (170°, 180°, −170° or 350°, 0°, 10°) is
/// monotonic.
pub(crate) fn unwrap_longitudes(lon_deg: &mut [f64]) {
    for k in 1..lon_deg.len() {
        let step = (lon_deg[k] - lon_deg[k - 1] + 540.0).rem_euclid(360.0) - 180.0;
        lon_deg[k] = lon_deg[k - 1] + step;
    }
}

/// `lon` moved by whole turns to the one nearest the middle of the monotonic row `lon_deg`.
fn longitude_into(lon_deg: &[f64], lon: f64) -> f64 {
    let middle = 0.5 * (lon_deg[0] + lon_deg[lon_deg.len() - 1]);
    lon + 360.0 * ((middle - lon) / 360.0).round()
}

fn same_projection(a: &TransverseMercator, b: &TransverseMercator) -> bool {
    a.origin() == b.origin() && a.k0() == b.k0()
}

impl HorizontalGrid {
    pub fn nx(&self) -> usize {
        match self {
            Self::Curvilinear { nx, .. } => *nx,
            Self::LatLon { lon_deg, .. } => lon_deg.len(),
            Self::TransverseMercator { x_m, .. } => x_m.len(),
        }
    }

    pub fn ny(&self) -> usize {
        match self {
            Self::Curvilinear { ny, .. } => *ny,
            Self::LatLon { lat_deg, .. } => lat_deg.len(),
            Self::TransverseMercator { y_m, .. } => y_m.len(),
        }
    }

    /// The latitudes and longitudes (degrees) the grid spans, `((south, north), (west, east))`,
    /// from the nodes on its edge (a grid's extremes lie there for any map projection in use).
    pub fn lat_lon_extent(&self) -> ((f64, f64), (f64, f64)) {
        let (nx, ny) = (self.nx(), self.ny());
        let edge = (0..nx)
            .flat_map(|i| [(i, 0), (i, ny - 1)])
            .chain((0..ny).flat_map(|j| [(0, j), (nx - 1, j)]));
        let mut lat = (f64::INFINITY, f64::NEG_INFINITY);
        let mut lon = lat;
        for (i, j) in edge {
            let p = self.node(i, j);
            lat = (lat.0.min(p.lat), lat.1.max(p.lat));
            lon = (lon.0.min(p.lon), lon.1.max(p.lon));
        }
        (lat, lon)
    }

    /// Latitude/longitude of node (i, j).
    pub fn node(&self, i: usize, j: usize) -> LatLon {
        match self {
            Self::Curvilinear {
                nx,
                lat_deg,
                lon_deg,
                ..
            } => LatLon::new(lat_deg[j * nx + i], lon_deg[j * nx + i]),
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

    /// A latitude/longitude grid whose rows go once round the globe (GFS, ERA5: 0–359.75°)
    /// started at the column opposite `centre_lon_deg`, so that the row's seam (between its
    /// last and first columns) lies half a turn from the run; and that column, the roll:
    /// column i of the rolled grid is column (i + roll) mod nx of the file. Any other grid
    /// comes back as it is, with roll 0. Without it a region across the seam (a run over
    /// Greenwich on a 0–360° file) read the far side of the globe between the seam's table
    /// nodes (found by review).
    pub fn rolled_about(&self, centre_lon_deg: f64) -> (HorizontalGrid, usize) {
        let Self::LatLon { lat_deg, lon_deg } = self else {
            return (self.clone(), 0);
        };
        let n = lon_deg.len();
        if n < 3 {
            return (self.clone(), 0);
        }
        let step = (lon_deg[n - 1] - lon_deg[0]) / (n - 1) as f64;
        let turn = (n as f64 * step).abs();
        if (turn - 360.0).abs() > 0.01 * step.abs() {
            return (self.clone(), 0);
        }
        let opposite = centre_lon_deg + 180.0;
        let roll = (0..n)
            .min_by(|&a, &b| {
                let gap = |k: usize| ((lon_deg[k] - opposite) / 360.0).fract().abs();
                let gap = |k: usize| gap(k).min(1.0 - gap(k));
                gap(a).total_cmp(&gap(b))
            })
            .unwrap_or(0);
        let mut rolled: Vec<f64> = (0..n).map(|k| lon_deg[(k + roll) % n]).collect();
        unwrap_longitudes(&mut rolled);
        let grid = Self::LatLon {
            lat_deg: lat_deg.clone(),
            lon_deg: rolled,
        };
        (grid, roll)
    }

    /// Fractional (i, j) of a local point, and whether it lies outside the grid.
    fn locate(&self, engine: &TransverseMercator, x_m: f64, y_m: f64) -> (f64, f64, bool) {
        let (fi, fj, oi, oj) = match self {
            Self::Curvilinear { .. } => unreachable!("curvilinear grids are located by Newton"),
            Self::LatLon { lat_deg, lon_deg } => {
                let p = engine.inverse(x_m, y_m);
                let (fi, oi) = fractional(lon_deg, longitude_into(lon_deg, p.lon));
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

/// The nodes of a curvilinear grid in local metres, for inverting its cells.
struct Cells {
    nx: usize,
    ny: usize,
    x_m: Vec<f64>,
    y_m: Vec<f64>,
}

impl Cells {
    fn new(grid: &HorizontalGrid, nx: usize, ny: usize, engine: &TransverseMercator) -> Cells {
        let mut x_m = Vec::with_capacity(nx * ny);
        let mut y_m = Vec::with_capacity(nx * ny);
        for j in 0..ny {
            for i in 0..nx {
                let (x, y) = engine.forward(grid.node(i, j));
                x_m.push(x);
                y_m.push(y);
            }
        }
        Cells { nx, ny, x_m, y_m }
    }

    /// The node nearest to a local point, as fractional indices (a start for Newton).
    fn nearest(&self, x: f64, y: f64) -> (f64, f64) {
        let k = (0..self.x_m.len())
            .min_by(|&a, &b| {
                let da = (self.x_m[a] - x).hypot(self.y_m[a] - y);
                let db = (self.x_m[b] - x).hypot(self.y_m[b] - y);
                da.total_cmp(&db)
            })
            .unwrap_or(0);
        ((k % self.nx) as f64, (k / self.nx) as f64)
    }

    /// Fractional (i, j) whose bilinear position is (x, y), by Newton's method walking from
    /// `guess` across cells; held at the grid's edge (and flagged) outside it.
    fn invert(&self, x: f64, y: f64, guess: (f64, f64)) -> (f64, f64, bool) {
        let (nx, ny) = (self.nx, self.ny);
        if nx < 2 || ny < 2 {
            return (0.0, 0.0, true);
        }
        let (mut fi, mut fj) = guess;
        for _ in 0..60 {
            let i0 = (fi.floor().max(0.0) as usize).min(nx - 2);
            let j0 = (fj.floor().max(0.0) as usize).min(ny - 2);
            let (a, b) = (fi - i0 as f64, fj - j0 as f64);
            let at = |di: usize, dj: usize| {
                let k = (j0 + dj) * nx + i0 + di;
                (self.x_m[k], self.y_m[k])
            };
            let (p00, p10, p01, p11) = (at(0, 0), at(1, 0), at(0, 1), at(1, 1));
            let px = (1.0 - a) * (1.0 - b) * p00.0
                + a * (1.0 - b) * p10.0
                + (1.0 - a) * b * p01.0
                + a * b * p11.0;
            let py = (1.0 - a) * (1.0 - b) * p00.1
                + a * (1.0 - b) * p10.1
                + (1.0 - a) * b * p01.1
                + a * b * p11.1;
            let (dxa, dya) = (
                (1.0 - b) * (p10.0 - p00.0) + b * (p11.0 - p01.0),
                (1.0 - b) * (p10.1 - p00.1) + b * (p11.1 - p01.1),
            );
            let (dxb, dyb) = (
                (1.0 - a) * (p01.0 - p00.0) + a * (p11.0 - p10.0),
                (1.0 - a) * (p01.1 - p00.1) + a * (p11.1 - p10.1),
            );
            let det = dxa * dyb - dxb * dya;
            if det == 0.0 || !det.is_finite() {
                break;
            }
            let (rx, ry) = (x - px, y - py);
            let da = (rx * dyb - ry * dxb) / det;
            let db = (dxa * ry - dya * rx) / det;
            fi = (fi + da).clamp(-1.0, nx as f64);
            fj = (fj + db).clamp(-1.0, ny as f64);
            let inside_cell = (-1e-9..=1.0 + 1e-9).contains(&(fi - i0 as f64))
                && (-1e-9..=1.0 + 1e-9).contains(&(fj - j0 as f64));
            if da.abs() + db.abs() < 1e-10 && inside_cell {
                break;
            }
        }
        let max_i = (nx - 1) as f64;
        let max_j = (ny - 1) as f64;
        let outside = fi < -1e-9 || fj < -1e-9 || fi > max_i + 1e-9 || fj > max_j + 1e-9;
        (fi.clamp(0.0, max_i), fj.clamp(0.0, max_j), outside)
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
    /// Per node, whether it fell outside the file's grid (its values are held at the edge).
    outside: Vec<bool>,
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
        let mut outside = Vec::with_capacity(nx * ny);
        let curvilinear = match grid {
            HorizontalGrid::Curvilinear { nx, ny, .. } => Some(Cells::new(grid, *nx, *ny, engine)),
            _ => None,
        };
        let mut guess = None;
        for j in 0..ny {
            for i in 0..nx {
                let x = region.x_min_m + i as f64 * step_m;
                let y = region.y_min_m + j as f64 * step_m;
                let (a, b, o) = match &curvilinear {
                    Some(cells) => {
                        let g = guess.unwrap_or_else(|| cells.nearest(x, y));
                        let r = cells.invert(x, y, g);
                        guess = Some((r.0, r.1));
                        r
                    }
                    None => grid.locate(engine, x, y),
                };
                fi.push(a);
                fj.push(b);
                outside.push(o);
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

    /// How many of the table's nodes in `within` lie outside the file's grid. Nodes within half a
    /// table step of `within` count, so that a rectangle narrower than a step still has one.
    pub fn coverage(&self, within: LocalBox) -> Coverage {
        let half = 0.5 * self.step_m;
        let mut c = Coverage {
            nodes: 0,
            outside: 0,
        };
        for j in 0..self.ny {
            let y = self.y0_m + j as f64 * self.step_m;
            if y < within.y_min_m - half || y > within.y_max_m + half {
                continue;
            }
            for i in 0..self.nx {
                let x = self.x0_m + i as f64 * self.step_m;
                if x < within.x_min_m - half || x > within.x_max_m + half {
                    continue;
                }
                c.nodes += 1;
                c.outside += usize::from(self.outside[j * self.nx + i]);
            }
        }
        c
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_global_row_is_rolled_to_put_its_seam_opposite_the_run() {
        let row = |lons: Vec<f64>| HorizontalGrid::LatLon {
            lat_deg: vec![44.0, 45.0, 46.0],
            lon_deg: lons,
        };
        let global = row((0..288).map(|i| 1.25 * i as f64).collect());
        let (rolled, roll) = global.rolled_about(-0.5);
        // The column nearest 179.5° starts the row: 180° (column 144).
        assert_eq!(roll, 144);
        let HorizontalGrid::LatLon { lon_deg, .. } = &rolled else {
            panic!("still a latitude/longitude grid")
        };
        assert_eq!(lon_deg[0], 180.0);
        assert_eq!(lon_deg[287], 180.0 + 1.25 * 287.0);
        assert!(lon_deg
            .windows(2)
            .all(|w| (w[1] - w[0] - 1.25).abs() < 1e-9));
        // Regional rows, and rows short of a turn, are left as they are.
        let regional = row((0..21).map(|i| -2.5 + 0.25 * i as f64).collect());
        let (same, roll) = regional.rolled_about(-0.5);
        assert_eq!(roll, 0);
        assert_eq!(same.lat_lon_extent(), regional.lat_lon_extent());
        let short = row((0..280).map(|i| 1.25 * i as f64).collect());
        assert_eq!(short.rolled_about(-0.5).1, 0);
        // The file's columns of a rolled range, in one piece or two.
        assert_eq!(file_columns(2, 5, 0, 10), vec![2..=5]);
        assert_eq!(file_columns(0, 2, 7, 10), vec![7..=9]);
        assert_eq!(file_columns(2, 5, 7, 10), vec![9..=9, 0..=2]);
    }

    #[test]
    fn curvilinear_table_inverts_a_rotated_stretched_grid() {
        // Nodes of a grid rotated by 20° and stretched, given by latitude/longitude.
        let engine = TransverseMercator::new(LatLon::new(45.0, -66.0));
        let (nx, ny) = (30, 25);
        let (c, s) = (20f64.to_radians().cos(), 20f64.to_radians().sin());
        let pos = |fi: f64, fj: f64| {
            let (u, w) = (-40_000.0 + 3000.0 * fi, -30_000.0 + 2500.0 * fj);
            (u * c - w * s, u * s + w * c)
        };
        let (mut lat_deg, mut lon_deg) = (vec![], vec![]);
        for j in 0..ny {
            for i in 0..nx {
                let (x, y) = pos(i as f64, j as f64);
                let p = engine.inverse(x, y);
                lat_deg.push(p.lat);
                lon_deg.push(p.lon);
            }
        }
        let grid = HorizontalGrid::Curvilinear {
            nx,
            ny,
            lat_deg,
            lon_deg,
        };
        let region = LocalBox {
            x_min_m: -20_000.0,
            x_max_m: 20_000.0,
            y_min_m: -15_000.0,
            y_max_m: 15_000.0,
        };
        let map = IndexMap::build(&grid, &engine, region, 250.0);
        assert_eq!(map.coverage(region).outside, 0);
        for (fi, fj) in [(10.3, 7.9), (14.0, 12.5), (8.71, 15.2)] {
            let (x, y) = pos(fi, fj);
            let (gi, gj) = map.lookup(x, y);
            assert!(
                (gi - fi).abs() < 1e-6 && (gj - fj).abs() < 1e-6,
                "({fi}, {fj}) → ({gi}, {gj})"
            );
        }
        // The grid is 3 km by 2.5 km: the met's scale is the smaller.
        assert!(
            (map.cell_size_m() - 2500.0).abs() < 1.0,
            "{}",
            map.cell_size_m()
        );
    }
}
