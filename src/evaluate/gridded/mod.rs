//! Reads a plume output file (CF-1.10 netCDF-4/HDF5, as `output::netcdf` writes it) and
//! interpolates one of its gridded variables to points (`variable` says which).
//!
//! ## Where and when
//! A point's value is the bilinear interpolation, in the projection's x and y, of the four cell
//! centres around it; points outside the rectangle of cell centres (by more than a millimetre)
//! are refused (no extrapolation). A height selects the lowest layer whose `z_bnds` hold it
//! (bounds included), and a time the averaging interval whose `time_bnds` hold it, start
//! included, end excluded. Latitude and longitude are projected with the file's own `crs`
//! (transverse Mercator, [`crate::geo::TransverseMercator`] with its origin, scale factor,
//! ellipsoid and false easting/northing).

mod variable;

use std::path::Path;

use chrono::{DateTime, NaiveDateTime, Utc};
use hdf5::types::{FixedUnicode, VarLenUnicode};

use super::EvaluateError;
use crate::geo::{LatLon, TransverseMercator};

pub use variable::{Dims, GriddedVariable, CONCENTRATION_PREFIX, TIME_INTEGRATED_PREFIX};

/// An open plume output: its grid, projection, layers and averaging intervals.
pub struct GriddedOutput {
    /// The file as shown in messages.
    pub path: String,
    file: hdf5::File,
    projection: TransverseMercator,
    false_origin_m: (f64, f64),
    x_m: Vec<f64>,
    y_m: Vec<f64>,
    layers_m: Vec<[f64; 2]>,
    epoch: DateTime<Utc>,
    intervals_s: Vec<[f64; 2]>,
}

/// A point inside the grid: the lower-left cell centre of its four and the weights of the
/// upper-right neighbours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stencil {
    pub i: usize,
    pub j: usize,
    pub wx: f64,
    pub wy: f64,
}

impl GriddedOutput {
    /// Opens `path` and reads its coordinates and grid mapping.
    pub fn open(path: &Path) -> Result<Self, EvaluateError> {
        let shown = path.display().to_string();
        std::fs::metadata(path).map_err(|source| EvaluateError::Io {
            path: shown.clone(),
            source,
        })?;
        let bad = |what: String| gridded_error(&shown, what);
        let file = hdf5::File::with_options()
            .with_fapl(|p| p.file_locking(false))
            .open(path)
            .map_err(|e| {
                bad(format!(
                    "cannot open as netCDF-4/HDF5 ({e}); expected a plume output"
                ))
            })?;
        let read = |name: &str| -> Result<Vec<f64>, EvaluateError> {
            let ds = file.dataset(name).map_err(|_| {
                bad(format!(
                    "no `{name}` variable; expected a plume output (plume run)"
                ))
            })?;
            ds.read_raw::<f64>()
                .map_err(|e| bad(format!("cannot read `{name}`: {e}")))
        };
        let x_m = ascending(read("x")?, "x", &bad)?;
        let y_m = ascending(read("y")?, "y", &bad)?;
        let layers_m = bounds(read("z_bnds")?, "z_bnds", &bad)?;
        let intervals_s = bounds(read("time_bnds")?, "time_bnds", &bad)?;
        let units = file
            .dataset("time")
            .ok()
            .and_then(|t| text_attr(&t, "units"))
            .unwrap_or_default();
        let epoch = time_epoch(&units).ok_or_else(|| {
            bad(format!(
                "`time` units `{units}`; expected \"seconds since YYYY-MM-DD HH:MM:SS\" (UTC)"
            ))
        })?;
        let crs = file
            .dataset("crs")
            .map_err(|_| bad("no `crs` variable; expected a plume output (plume run)".into()))?;
        let mapping = text_attr(&crs, "grid_mapping_name").unwrap_or_default();
        if mapping != "transverse_mercator" {
            return Err(bad(format!(
                "`crs` grid_mapping_name `{mapping}`; expected transverse_mercator"
            )));
        }
        let number = |name: &str| -> Result<f64, EvaluateError> {
            crs.attr(name)
                .and_then(|a| a.read_scalar::<f64>())
                .map_err(|_| bad(format!("`crs` lacks the number `{name}`")))
        };
        let origin = LatLon::new(
            number("latitude_of_projection_origin")?,
            number("longitude_of_central_meridian")?,
        );
        let projection = TransverseMercator::with_ellipsoid(
            origin,
            number("semi_major_axis")?,
            1.0 / number("inverse_flattening")?,
            number("scale_factor_at_central_meridian")?,
        );
        Ok(GriddedOutput {
            false_origin_m: (number("false_easting")?, number("false_northing")?),
            path: shown,
            file,
            projection,
            x_m,
            y_m,
            layers_m,
            epoch,
            intervals_s,
        })
    }

    /// Projects a latitude/longitude to the file's x, y (m).
    pub fn project(&self, p: LatLon) -> (f64, f64) {
        let (x, y) = self.projection.forward(p);
        (x + self.false_origin_m.0, y + self.false_origin_m.1)
    }

    /// Locates a point among the cell centres, or says where the centres lie.
    pub fn stencil(&self, x_m: f64, y_m: f64) -> Result<Stencil, String> {
        match (locate(&self.x_m, x_m), locate(&self.y_m, y_m)) {
            (Some((i, wx)), Some((j, wy))) => Ok(Stencil { i, j, wx, wy }),
            _ => Err(format!(
                "({x_m:.1}, {y_m:.1}) m lies outside the grid of {}: cell centres span x {:.1} to {:.1} m, y {:.1} to {:.1} m",
                self.path,
                self.x_m[0],
                self.x_m[self.x_m.len() - 1],
                self.y_m[0],
                self.y_m[self.y_m.len() - 1]
            )),
        }
    }

    /// The lowest layer whose bounds hold `height_m` (the lowest layer when `None`).
    pub fn layer(&self, height_m: Option<f64>) -> Result<usize, String> {
        let Some(h) = height_m else { return Ok(0) };
        self.layers_m
            .iter()
            .position(|&[bottom, top]| bottom <= h && h <= top)
            .ok_or_else(|| {
                let layers: Vec<String> = self
                    .layers_m
                    .iter()
                    .map(|[b, t]| format!("{b}–{t}"))
                    .collect();
                format!(
                    "no layer of {} holds it: layers are {} m",
                    self.path,
                    layers.join(", ")
                )
            })
    }

    /// The averaging interval that holds `time`: its end included and its start excluded, as
    /// the file's own `time` labels each interval by its end (so a time copied from it reads
    /// that interval); the run's start belongs to the first.
    pub fn interval(&self, time: DateTime<Utc>) -> Result<usize, String> {
        let s = (time - self.epoch).num_milliseconds() as f64 / 1000.0;
        let first = self.intervals_s[0][0];
        let last = self.intervals_s[self.intervals_s.len() - 1][1];
        self.intervals_s
            .iter()
            .position(|&[start, end]| (start < s || s == first) && s <= end)
            .ok_or_else(|| {
                // A bound far outside chrono's range is printed in seconds, not panicked on.
                let at = |s: f64| {
                    chrono::Duration::try_milliseconds((s * 1000.0).round() as i64)
                        .and_then(|d| self.epoch.checked_add_signed(d))
                        .map_or_else(
                            || format!("{s} s from the epoch"),
                            |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        )
                };
                format!(
                    "no averaging interval of {} holds it: they cover {} to {}",
                    self.path,
                    at(first),
                    at(last)
                )
            })
    }
}

fn gridded_error(path: &str, message: String) -> EvaluateError {
    EvaluateError::Gridded {
        path: path.to_string(),
        message,
    }
}

/// How far (m) beyond the outermost centres a point still counts as on them: a latitude and
/// longitude taken from the file's own `lat`/`lon` round-trip to within nanometres, not exactly.
const EDGE_TOLERANCE_M: f64 = 1e-3;

/// The lower index and upper weight of `v` among ascending `centres`, if it lies among them.
fn locate(centres: &[f64], v: f64) -> Option<(usize, f64)> {
    let (first, last) = (centres[0], centres[centres.len() - 1]);
    if !(v >= first - EDGE_TOLERANCE_M && v <= last + EDGE_TOLERANCE_M) {
        return None;
    }
    let v = v.clamp(first, last);
    if centres.len() == 1 {
        return Some((0, 0.0));
    }
    let i = (centres.partition_point(|&c| c <= v).max(1) - 1).min(centres.len() - 2);
    Some((i, (v - centres[i]) / (centres[i + 1] - centres[i])))
}

fn ascending(
    v: Vec<f64>,
    name: &str,
    bad: &impl Fn(String) -> EvaluateError,
) -> Result<Vec<f64>, EvaluateError> {
    if v.is_empty() || v.iter().any(|c| !c.is_finite()) || v.windows(2).any(|w| w[1] <= w[0]) {
        return Err(bad(format!(
            "`{name}` must be finite, non-empty and ascending"
        )));
    }
    Ok(v)
}

fn bounds(
    v: Vec<f64>,
    name: &str,
    bad: &impl Fn(String) -> EvaluateError,
) -> Result<Vec<[f64; 2]>, EvaluateError> {
    if v.is_empty() || !v.len().is_multiple_of(2) || v.iter().any(|c| !c.is_finite()) {
        return Err(bad(format!("`{name}` must hold finite (start, end) pairs")));
    }
    let pairs: Vec<[f64; 2]> = v.chunks(2).map(|c| [c[0], c[1]]).collect();
    // A point is looked up by the first pair that holds it, so the pairs must be proper
    // intervals, in order and apart: an empty, reversed or overlapping pair would read the
    // wrong interval or layer without a word.
    if let Some(k) = pairs.iter().position(|&[start, end]| end <= start) {
        return Err(bad(format!(
            "`{name}` pair {k} is ({}, {}); expected a start below its end",
            pairs[k][0], pairs[k][1]
        )));
    }
    if let Some(k) = pairs.windows(2).position(|w| w[1][0] < w[0][1]) {
        return Err(bad(format!(
            "`{name}` pair {} starts at {}, before pair {k} ends at {}; expected ascending pairs that do not overlap",
            k + 1,
            pairs[k + 1][0],
            pairs[k][1]
        )));
    }
    Ok(pairs)
}

/// The reference time of CF units `seconds since YYYY-MM-DD HH:MM:SS` (UTC).
fn time_epoch(units: &str) -> Option<DateTime<Utc>> {
    let reference = units
        .strip_prefix("seconds since ")?
        .trim()
        .trim_end_matches('Z');
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(reference, f).ok())
        .map(|t| t.and_utc())
}

/// A text attribute as plume writes it (fixed-length UTF-8), or variable-length.
fn text_attr(loc: &hdf5::Location, name: &str) -> Option<String> {
    let a = loc.attr(name).ok()?;
    a.read_scalar::<FixedUnicode<1024>>()
        .map(|s| s.to_string())
        .or_else(|_| a.read_scalar::<VarLenUnicode>().map(|s| s.to_string()))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_gives_exact_weights_at_centres_and_refuses_outside() {
        let c = [0.0, 10.0, 20.0];
        assert_eq!(locate(&c, 0.0), Some((0, 0.0)));
        assert_eq!(locate(&c, 10.0), Some((1, 0.0)));
        assert_eq!(locate(&c, 20.0), Some((1, 1.0)));
        assert_eq!(locate(&c, 20.0 + 1e-9), Some((1, 1.0)));
        assert_eq!(locate(&c, 12.5), Some((1, 0.25)));
        assert_eq!(locate(&c, -0.1), None);
        assert_eq!(locate(&c, 20.1), None);
        assert_eq!(locate(&c, f64::NAN), None);
    }

    #[test]
    fn bounds_must_be_proper_intervals_in_order() {
        let bad = |m: String| EvaluateError::Gridded {
            path: "run.nc".into(),
            message: m,
        };
        let ok = bounds(vec![0.0, 600.0, 600.0, 1200.0], "time_bnds", &bad).unwrap();
        assert_eq!(ok, vec![[0.0, 600.0], [600.0, 1200.0]]);
        for (v, says) in [
            (vec![0.0, 600.0, 600.0, f64::NAN], "finite"),
            (vec![600.0, 600.0], "pair 0 is (600, 600)"),
            (vec![0.0, 600.0, 1200.0, 600.0], "pair 1 is (1200, 600)"),
            (vec![0.0, 600.0, 300.0, 900.0], "pair 1 starts at 300"),
            (vec![600.0, 1200.0, 0.0, 600.0], "pair 1 starts at 0"),
        ] {
            let e = bounds(v, "time_bnds", &bad).unwrap_err().to_string();
            assert!(e.contains(says) && e.contains("time_bnds"), "{e}");
        }
    }

    #[test]
    fn time_units_give_the_epoch() {
        let t = time_epoch("seconds since 2026-07-14 06:00:00").unwrap();
        let half = time_epoch("seconds since 2026-07-14 06:00:00.5").unwrap();
        assert_eq!((half - t).num_milliseconds(), 500);
        assert_eq!(t.to_rfc3339(), "2026-07-14T06:00:00+00:00");
        assert!(time_epoch("hours since 2026-07-14").is_none());
    }
}
