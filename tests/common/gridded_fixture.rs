//! The standard gridded-weather test file: a CF netCDF-4 file on a transverse Mercator grid
//! around Point Lepreau whose every field is linear in position, height and time, so that any
//! interpolation the reader does is exact and checkable; and the reader call the tests use.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use plume::geo::{LatLon, TransverseMercator};
use plume::met::gridded::cf::{self, GriddedOptions};
use plume::met::gridded::LocalBox;
use plume::met::{MetError, MetWarning, VerticalInterpolation};

use super::cf_writer::{write_cf, CfVar};

pub const CENTRE: LatLon = LatLon {
    lat: 45.07,
    lon: -66.75,
};

pub fn start() -> DateTime<Utc> {
    "2026-07-14T06:00:00Z".parse().unwrap()
}

pub fn region() -> LocalBox {
    LocalBox {
        x_min_m: -15_000.0,
        x_max_m: 15_000.0,
        y_min_m: -11_000.0,
        y_max_m: 11_000.0,
    }
}

/// A linear function of local position, height and time.
#[derive(Clone, Copy)]
pub struct Linear(pub [f64; 5]);

impl Linear {
    pub fn at(&self, x: f64, y: f64, z: f64, t: f64) -> f64 {
        let c = self.0;
        c[0] + c[1] * x + c[2] * y + c[3] * z + c[4] * t
    }
}

pub const U: Linear = Linear([3.0, 1.0e-4, -5.0e-5, 2.0e-3, 1.0e-4]);
pub const V: Linear = Linear([-2.0, 4.0e-5, 6.0e-5, -1.0e-3, 2.0e-4]);
pub const W: Linear = Linear([0.01, 1.0e-6, -2.0e-6, 1.0e-5, 1.0e-7]);
pub const T_K: Linear = Linear([285.0, 1.0e-4, -2.0e-4, 0.0, 1.0e-4]);
pub const H_M: Linear = Linear([800.0, 5.0e-3, 3.0e-3, 0.0, 1.0e-2]);
pub const USTAR: Linear = Linear([0.35, 2.0e-6, -1.0e-6, 0.0, 3.0e-6]);
pub const INV_L: Linear = Linear([0.004, 1.0e-8, 2.0e-8, 0.0, 1.0e-7]);
pub const PRECIP: Linear = Linear([1.0, 2.0e-5, 1.0e-5, 0.0, 1.0e-5]);

pub struct GridSpec {
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    /// Per-level base heights; terrain-following adds a slope in x and y.
    pub levels: Vec<f64>,
    pub terrain_following: bool,
    pub hours: Vec<f64>,
}

impl GridSpec {
    pub fn standard(terrain_following: bool) -> Self {
        GridSpec {
            xs: (0..21).map(|i| -20_000.0 + 2000.0 * i as f64).collect(),
            ys: (0..16).map(|j| -15_000.0 + 2000.0 * j as f64).collect(),
            levels: vec![10.0, 50.0, 120.0, 300.0, 700.0, 1500.0],
            terrain_following,
            hours: vec![0.0, 1.0, 2.0, 3.0, 4.0],
        }
    }

    pub fn level_height(&self, k: usize, x: f64, y: f64) -> f64 {
        if self.terrain_following {
            self.levels[k] * (1.0 + 2.0e-6 * x - 1.0e-6 * y)
        } else {
            self.levels[k]
        }
    }
}

/// Builds the variables of a CF file in the engine's own transverse Mercator, holding the
/// linear fields above (winds written in true east/north, so that the local-frame winds are
/// linear once rotated by the convergence).
pub fn linear_vars(g: &GridSpec) -> Vec<CfVar> {
    let tm = TransverseMercator::new(CENTRE);
    let (nx, ny, nz, nt) = (g.xs.len(), g.ys.len(), g.levels.len(), g.hours.len());
    let mut u = vec![];
    let mut v = vec![];
    let mut w = vec![];
    for &h in &g.hours {
        for k in 0..nz {
            for &y in &g.ys {
                for &x in &g.xs {
                    let z = g.level_height(k, x, y);
                    let t = h * 3600.0;
                    let (ul, vl) = (U.at(x, y, z, t), V.at(x, y, z, t));
                    let gamma = tm.convergence_deg(tm.inverse(x, y)).to_radians();
                    let (s, c) = gamma.sin_cos();
                    u.push(ul * c - vl * s);
                    v.push(ul * s + vl * c);
                    w.push(W.at(x, y, z, t));
                }
            }
        }
    }
    let field2 = |f: Linear| -> Vec<f64> {
        let mut out = vec![];
        for &h in &g.hours {
            for &y in &g.ys {
                for &x in &g.xs {
                    out.push(f.at(x, y, 0.0, h * 3600.0));
                }
            }
        }
        out
    };
    let l: Vec<f64> = field2(INV_L).iter().map(|v| 1.0 / v).collect();
    let wind = [("units", "m s-1")];
    let mut vars = vec![
        CfVar::new(
            "time",
            &[nt],
            g.hours.clone(),
            &[
                ("units", "hours since 2026-07-14 06:00:00"),
                ("standard_name", "time"),
            ],
        ),
        CfVar::new(
            "x",
            &[nx],
            g.xs.clone(),
            &[("units", "m"), ("standard_name", "projection_x_coordinate")],
        ),
        CfVar::new(
            "y",
            &[ny],
            g.ys.clone(),
            &[("units", "m"), ("standard_name", "projection_y_coordinate")],
        ),
        CfVar::new(
            "transverse_mercator",
            &[1],
            vec![0.0],
            &[("grid_mapping_name", "transverse_mercator")],
        ),
        CfVar::new(
            "u",
            &[nt, nz, ny, nx],
            u,
            &[
                wind[0],
                ("standard_name", "eastward_wind"),
                ("grid_mapping", "transverse_mercator"),
            ],
        ),
        CfVar::new(
            "v",
            &[nt, nz, ny, nx],
            v,
            &[wind[0], ("standard_name", "northward_wind")],
        ),
        CfVar::new(
            "w",
            &[nt, nz, ny, nx],
            w,
            &[wind[0], ("standard_name", "upward_air_velocity")],
        ),
        CfVar::new(
            "t2m",
            &[nt, ny, nx],
            field2(T_K),
            &[("units", "K"), ("standard_name", "air_temperature")],
        ),
        CfVar::new(
            "blh",
            &[nt, ny, nx],
            field2(H_M),
            &[
                ("units", "m"),
                ("standard_name", "atmosphere_boundary_layer_thickness"),
            ],
        ),
        CfVar::new(
            "friction_velocity",
            &[nt, ny, nx],
            field2(USTAR),
            &[wind[0]],
        ),
        CfVar::new("obukhov_length", &[nt, ny, nx], l, &[("units", "m")]),
        CfVar::new(
            "precipitation_rate",
            &[nt, ny, nx],
            field2(PRECIP),
            &[("units", "mm h-1")],
        ),
    ];
    if g.terrain_following {
        let mut z = vec![];
        for k in 0..nz {
            for &y in &g.ys {
                for &x in &g.xs {
                    z.push(g.level_height(k, x, y));
                }
            }
        }
        vars.push(CfVar::new(
            "height",
            &[nz, ny, nx],
            z,
            &[
                ("units", "m"),
                ("standard_name", "height"),
                ("positive", "up"),
            ],
        ));
    } else {
        vars.push(CfVar::new(
            "height",
            &[nz],
            g.levels.clone(),
            &[
                ("units", "m"),
                ("standard_name", "height"),
                ("positive", "up"),
            ],
        ));
    }
    vars
}

pub fn tm_attrs() -> Vec<(&'static str, &'static str, f64)> {
    vec![
        (
            "transverse_mercator",
            "latitude_of_projection_origin",
            CENTRE.lat,
        ),
        (
            "transverse_mercator",
            "longitude_of_central_meridian",
            CENTRE.lon,
        ),
        (
            "transverse_mercator",
            "scale_factor_at_central_meridian",
            1.0,
        ),
    ]
}

pub fn write(dir: &Path, name: &str, vars: &[CfVar]) -> PathBuf {
    let p = dir.join(name);
    write_cf(&p, vars, &tm_attrs(), true);
    p
}

pub fn read(
    path: &Path,
    vertical: VerticalInterpolation,
) -> Result<plume::met::GriddedMet, MetError> {
    let options = GriddedOptions {
        vertical,
        ..GriddedOptions::default()
    };
    cf::read(
        path,
        start(),
        4.0 * 3600.0,
        &TransverseMercator::new(CENTRE),
        region(),
        options,
    )
    .map(|(m, _)| m)
}

/// The warnings other than the one that a file's winds stop below its boundary layer's top
/// (the fixtures give winds at 10 m only).
pub fn besides_wind_levels(warnings: &[MetWarning]) -> Vec<&MetWarning> {
    warnings
        .iter()
        .filter(|w| !w.message.contains("winds stop at"))
        .collect()
}
