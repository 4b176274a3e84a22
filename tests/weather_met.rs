//! Gridded weather (CF netCDF-4/HDF5 and GRIB2): fields interpolate exactly what they should,
//! winds turn into the local grid, and malformed files are rejected with file and variable named.

mod common;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use common::cf_writer::{write_cf, CfVar};
use plume::geo::{LatLon, TransverseMercator};
use plume::met::gridded::cf::{self, GriddedOptions};
use plume::met::gridded::LocalBox;
use plume::met::{
    BoundaryLayer, MetError, Meteorology, StabilityClass, StationMet, StationOptions, UniformMet,
    VerticalInterpolation,
};

const CENTRE: LatLon = LatLon {
    lat: 45.07,
    lon: -66.75,
};

fn start() -> DateTime<Utc> {
    "2026-07-14T06:00:00Z".parse().unwrap()
}

fn region() -> LocalBox {
    LocalBox {
        x_min_m: -15_000.0,
        x_max_m: 15_000.0,
        y_min_m: -11_000.0,
        y_max_m: 11_000.0,
    }
}

/// A linear function of local position, height and time.
#[derive(Clone, Copy)]
struct Linear([f64; 5]);

impl Linear {
    fn at(&self, x: f64, y: f64, z: f64, t: f64) -> f64 {
        let c = self.0;
        c[0] + c[1] * x + c[2] * y + c[3] * z + c[4] * t
    }
}

const U: Linear = Linear([3.0, 1.0e-4, -5.0e-5, 2.0e-3, 1.0e-4]);
const V: Linear = Linear([-2.0, 4.0e-5, 6.0e-5, -1.0e-3, 2.0e-4]);
const W: Linear = Linear([0.01, 1.0e-6, -2.0e-6, 1.0e-5, 1.0e-7]);
const T_K: Linear = Linear([285.0, 1.0e-4, -2.0e-4, 0.0, 1.0e-4]);
const H_M: Linear = Linear([800.0, 5.0e-3, 3.0e-3, 0.0, 1.0e-2]);
const USTAR: Linear = Linear([0.35, 2.0e-6, -1.0e-6, 0.0, 3.0e-6]);
const INV_L: Linear = Linear([0.004, 1.0e-8, 2.0e-8, 0.0, 1.0e-7]);
const PRECIP: Linear = Linear([1.0, 2.0e-5, 1.0e-5, 0.0, 1.0e-5]);

struct GridSpec {
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// Per-level base heights; terrain-following adds a slope in x and y.
    levels: Vec<f64>,
    terrain_following: bool,
    hours: Vec<f64>,
}

impl GridSpec {
    fn standard(terrain_following: bool) -> Self {
        GridSpec {
            xs: (0..21).map(|i| -20_000.0 + 2000.0 * i as f64).collect(),
            ys: (0..16).map(|j| -15_000.0 + 2000.0 * j as f64).collect(),
            levels: vec![10.0, 50.0, 120.0, 300.0, 700.0, 1500.0],
            terrain_following,
            hours: vec![0.0, 1.0, 2.0, 3.0, 4.0],
        }
    }

    fn level_height(&self, k: usize, x: f64, y: f64) -> f64 {
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
fn linear_vars(g: &GridSpec) -> Vec<CfVar> {
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

fn tm_attrs() -> Vec<(&'static str, &'static str, f64)> {
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

fn write(dir: &Path, name: &str, vars: &[CfVar]) -> PathBuf {
    let p = dir.join(name);
    write_cf(&p, vars, &tm_attrs(), true);
    p
}

fn read(path: &Path, vertical: VerticalInterpolation) -> Result<plume::met::GriddedMet, MetError> {
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

fn check_linear(terrain_following: bool) {
    let dir = tempfile::tempdir().unwrap();
    let g = GridSpec::standard(terrain_following);
    let path = write(dir.path(), "linear.nc", &linear_vars(&g));
    let met = read(&path, VerticalInterpolation::Linear).unwrap();
    // A deterministic spread of points inside the region, between levels, inside the times.
    let mut worst = 0.0f64;
    for n in 0..500 {
        let f = |k: u64| ((n as u64 * k + 7) % 1000) as f64 / 1000.0;
        let x = -14_000.0 + 28_000.0 * f(37);
        let y = -10_000.0 + 20_000.0 * f(61);
        let z = 12.0 + 1400.0 * f(83);
        let t = 4.0 * 3600.0 * f(97);
        let s = met.sample(x, y, z, t);
        let checks = [
            (s.wind_u_m_s, U.at(x, y, z, t), "u"),
            (s.wind_v_m_s, V.at(x, y, z, t), "v"),
            (s.wind_w_m_s, W.at(x, y, z, t), "w"),
            (s.air_temperature_k, T_K.at(x, y, 0.0, t), "T"),
            (s.boundary_layer.mixing_height_m, H_M.at(x, y, 0.0, t), "h"),
            (
                s.boundary_layer.friction_velocity_m_s,
                USTAR.at(x, y, 0.0, t),
                "u*",
            ),
            (
                1.0 / s.boundary_layer.obukhov_length_m,
                INV_L.at(x, y, 0.0, t),
                "1/L",
            ),
            (s.precipitation_mm_h, PRECIP.at(x, y, 0.0, t), "P"),
        ];
        for (got, want, what) in checks {
            let err = (got - want).abs() / want.abs().max(1e-3);
            worst = worst.max(err);
            assert!(
                err < 1e-9,
                "{what} at ({x}, {y}, {z}, {t}): got {got}, want {want}"
            );
        }
    }
    assert!(worst < 1e-9);
}

#[test]
fn gridded_interpolation_is_exact_for_fields_linear_in_space_and_time() {
    check_linear(false);
}

#[test]
fn terrain_following_interpolation_is_exact_for_linear_fields() {
    check_linear(true);
}

#[test]
fn similarity_interpolation_reproduces_a_uniform_profile_between_levels() {
    let dir = tempfile::tempdir().unwrap();
    let g = GridSpec::standard(false);
    let bl = BoundaryLayer {
        friction_velocity_m_s: 0.375,
        obukhov_length_m: 250.0,
        mixing_height_m: 800.0,
        roughness_length_m: 0.125,
        stability: StabilityClass::from_obukhov_length(250.0, 0.125),
    };
    let uniform = UniformMet {
        wind_speed_m_s: bl.wind_speed_m_s(10.0),
        reference_height_m: 10.0,
        wind_from_deg: 250.0,
        boundary_layer: bl,
        precipitation_mm_h: 0.0,
        air_temperature_k: 288.0,
        sigma_theta_deg: None,
    };
    let tm = TransverseMercator::new(CENTRE);
    let mut vars = linear_vars(&g);
    let (nx, ny, nz, nt) = (g.xs.len(), g.ys.len(), g.levels.len(), g.hours.len());
    let mut u = vec![];
    let mut v = vec![];
    for _ in 0..nt {
        for k in 0..nz {
            for &y in &g.ys {
                for &x in &g.xs {
                    let s = uniform.sample(x, y, g.levels[k], 0.0);
                    let gamma = tm.convergence_deg(tm.inverse(x, y)).to_radians();
                    let (sn, c) = gamma.sin_cos();
                    u.push(s.wind_u_m_s * c - s.wind_v_m_s * sn);
                    v.push(s.wind_u_m_s * sn + s.wind_v_m_s * c);
                }
            }
        }
    }
    let const2 = |val: f64| vec![val; nt * ny * nx];
    for var in vars.iter_mut() {
        match var.name.as_str() {
            "u" => var.data = u.clone(),
            "v" => var.data = v.clone(),
            "w" => var.data = vec![0.0; var.data.len()],
            "blh" => var.data = const2(800.0),
            "friction_velocity" => var.data = const2(0.375),
            "obukhov_length" => var.data = const2(250.0),
            _ => {}
        }
    }
    let path = write(dir.path(), "profile.nc", &vars);
    let options = GriddedOptions {
        default_roughness_length_m: 0.125,
        ..GriddedOptions::default()
    };
    let (met, _) = cf::read(&path, start(), 4.0 * 3600.0, &tm, region(), options).unwrap();
    for z in [1.0, 5.0, 10.0, 25.0, 80.0, 200.0, 450.0, 799.0, 1200.0] {
        let (a, b) = (
            met.sample(1234.0, -567.0, z, 5000.0),
            uniform.sample(0.0, 0.0, z, 0.0),
        );
        for (got, want) in [(a.wind_u_m_s, b.wind_u_m_s), (a.wind_v_m_s, b.wind_v_m_s)] {
            assert!(
                (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                "z = {z}: {got} vs {want}"
            );
        }
        assert_eq!(a.boundary_layer.stability, b.boundary_layer.stability);
    }
}

/// Writes the standard file with one change and returns the read error.
fn malformed(change: impl FnOnce(&mut Vec<CfVar>)) -> (PathBuf, MetError, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut vars = linear_vars(&GridSpec::standard(false));
    change(&mut vars);
    let path = write(dir.path(), "bad.nc", &vars);
    let err = read(&path, VerticalInterpolation::Linear).unwrap_err();
    (path, err, dir)
}

fn assert_names(err: &MetError, path: &Path, variable: &str) {
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains(variable), "{msg}");
}

#[test]
fn missing_variable_is_named_with_the_file() {
    let (path, err, _d) = malformed(|v| v.retain(|v| v.name != "v"));
    assert!(matches!(err, MetError::Missing { .. }), "{err}");
    assert_names(&err, &path, "northward_wind");
}

#[test]
fn wrong_units_are_named_with_the_file_and_variable() {
    let (path, err, _d) = malformed(|vars| {
        let t = vars.iter_mut().find(|v| v.name == "t2m").unwrap();
        t.attrs.retain(|a| a.0 != "units");
        t.attrs.push(("units".into(), "degC".into()));
    });
    assert!(matches!(err, MetError::Units { .. }), "{err}");
    assert_names(&err, &path, "t2m");
    assert!(err.to_string().contains("degC"));
}

#[test]
fn non_monotonic_time_is_rejected() {
    let (path, err, _d) = malformed(|vars| {
        let t = vars.iter_mut().find(|v| v.name == "time").unwrap();
        t.data.swap(1, 2);
    });
    assert!(matches!(err, MetError::Invalid { .. }), "{err}");
    assert_names(&err, &path, "time");
    assert!(err.to_string().contains("not strictly increasing"));
}

#[test]
fn an_empty_time_axis_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut vars = linear_vars(&GridSpec::standard(false));
    vars.iter_mut()
        .find(|v| v.name == "time")
        .unwrap()
        .data
        .clear();
    vars.iter_mut().find(|v| v.name == "time").unwrap().shape = vec![0];
    let path = write(dir.path(), "empty.nc", &vars);
    let err = read(&path, VerticalInterpolation::Linear).unwrap_err();
    assert_names(&err, &path, "time");
}

#[test]
fn nan_in_a_field_is_rejected() {
    let (path, err, _d) = malformed(|vars| {
        let b = vars.iter_mut().find(|v| v.name == "blh").unwrap();
        b.data[16 * 21 + 8 * 21 + 10] = f64::NAN;
    });
    assert_names(&err, &path, "blh");
    assert!(err.to_string().contains("NaN"), "{err}");
}

#[test]
fn fill_values_are_rejected_like_nan() {
    let dir = tempfile::tempdir().unwrap();
    let mut vars = linear_vars(&GridSpec::standard(false));
    vars.iter_mut()
        .find(|v| v.name == "friction_velocity")
        .unwrap()
        .data[2 * 16 * 21 + 7 * 21 + 9] = -999.0;
    let path = dir.path().join("fill.nc");
    let mut attrs = tm_attrs();
    attrs.push(("friction_velocity", "_FillValue", -999.0));
    write_cf(&path, &vars, &attrs, true);
    let err = read(&path, VerticalInterpolation::Linear).unwrap_err();
    assert_names(&err, &path, "friction_velocity");
}

#[test]
fn a_file_that_is_not_hdf5_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("text.nc");
    std::fs::write(&path, "not a netCDF file").unwrap();
    let err = read(&path, VerticalInterpolation::Linear).unwrap_err();
    assert!(matches!(err, MetError::Format { .. }), "{err}");
    assert!(err.to_string().contains(&path.display().to_string()));
}

#[test]
fn shipped_netcdf_sample_reads_and_covers_the_border() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data/lepreau_nwp_sample.nc");
    let tm = TransverseMercator::new(CENTRE);
    let region = LocalBox {
        x_min_m: -60_000.0,
        x_max_m: 60_000.0,
        y_min_m: -45_000.0,
        y_max_m: 45_000.0,
    };
    let start: DateTime<Utc> = "2026-03-02T00:00:00Z".parse().unwrap();
    let (met, warnings) = cf::read(
        &path,
        start,
        6.0 * 3600.0,
        &tm,
        region,
        GriddedOptions::default(),
    )
    .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    // The sample holds a nor'easter: winds from the east-north-east, carrying a plume from
    // Point Lepreau towards Maine.
    let s = met.sample(20_000.0, 0.0, 50.0, 3.0 * 3600.0);
    let from = (s.wind_u_m_s.atan2(s.wind_v_m_s).to_degrees() + 180.0).rem_euclid(360.0);
    assert!((45.0..=100.0).contains(&from), "wind from {from}°");
    assert!(s.precipitation_mm_h > 0.0);
}

#[test]
fn values_outside_the_region_and_time_window_are_never_read() {
    // A NaN far outside the run's region and after its end does not matter: it is never read.
    let dir = tempfile::tempdir().unwrap();
    let mut vars = linear_vars(&GridSpec::standard(false));
    let (nx, ny) = (21, 16);
    let u = vars.iter_mut().find(|v| v.name == "u").unwrap();
    u.data[0] = f64::NAN; // t = 0, lowest level, south-west corner (outside the region)
    let path = write(dir.path(), "partial.nc", &vars);
    let tm = TransverseMercator::new(CENTRE);
    let (met, _) = cf::read(
        &path,
        start(),
        2.0 * 3600.0,
        &tm,
        region(),
        GriddedOptions::default(),
    )
    .unwrap();
    assert_eq!(met.times_s().len(), 3);
    let (sx, sy, _) = met.shape();
    assert!(sx < nx && sy < ny, "{sx} × {sy}");
}

/// The grid azimuth (degrees) of a true-north-going step from a point, measured on the
/// projection itself: the oracle for the rotation of winds into the local frame.
fn grid_azimuth_of_true_north_deg(tm: &TransverseMercator, p: LatLon) -> f64 {
    let (x0, y0) = tm.forward(p);
    let (x1, y1) = tm.forward(LatLon::new(p.lat + 1e-4, p.lon));
    (x1 - x0).atan2(y1 - y0).to_degrees()
}

#[test]
fn winds_turn_from_true_north_into_the_local_grid() {
    // Far east of the central meridian, true north leans ~0.9° west of grid north.
    let tm = TransverseMercator::new(CENTRE);
    let site = LatLon::new(45.3, -65.5);
    let (x, y) = tm.forward(site);
    let gamma = grid_azimuth_of_true_north_deg(&tm, site);
    assert!(gamma.abs() > 0.5, "{gamma}");
    // A station with a wind from true south blows towards true north.
    let csv = format!(
        "time,station,lat,lon,wind_speed_m_s,wind_from_deg,stability\n2026-07-14T06:00:00Z,E,{},{},5,180,D\n",
        site.lat, site.lon
    );
    let (met, _) = StationMet::parse(
        &csv,
        Path::new("e.csv"),
        start(),
        0.0,
        &tm,
        StationOptions::default(),
    )
    .unwrap();
    let s = met.sample(x, y, 10.0, 0.0);
    let azimuth = s.wind_u_m_s.atan2(s.wind_v_m_s).to_degrees();
    assert!(
        (azimuth - gamma).abs() < 1e-3,
        "station: {azimuth} vs {gamma}"
    );
    // A gridded northward wind on a lat/lon grid does the same.
    let dir = tempfile::tempdir().unwrap();
    let (lats, lons) = (vec![45.2, 45.3, 45.4], vec![-65.6, -65.5, -65.4]);
    let n2 = 9;
    let wind = [("units", "m s-1")];
    let vars = vec![
        CfVar::new(
            "time",
            &[1],
            vec![0.0],
            &[("units", "seconds since 2026-07-14T06:00:00Z")],
        ),
        CfVar::new(
            "lat",
            &[3],
            lats,
            &[("units", "degrees_north"), ("standard_name", "latitude")],
        ),
        CfVar::new(
            "lon",
            &[3],
            lons,
            &[("units", "degrees_east"), ("standard_name", "longitude")],
        ),
        CfVar::new(
            "height",
            &[1],
            vec![10.0],
            &[("units", "m"), ("standard_name", "height")],
        ),
        CfVar::new(
            "u",
            &[1, 1, 3, 3],
            vec![0.0; n2],
            &[wind[0], ("standard_name", "eastward_wind")],
        ),
        CfVar::new(
            "v",
            &[1, 1, 3, 3],
            vec![5.0; n2],
            &[wind[0], ("standard_name", "northward_wind")],
        ),
        CfVar::new(
            "t2m",
            &[1, 3, 3],
            vec![280.0; n2],
            &[("units", "K"), ("standard_name", "air_temperature")],
        ),
        CfVar::new(
            "blh",
            &[1, 3, 3],
            vec![700.0; n2],
            &[
                ("units", "m"),
                ("standard_name", "atmosphere_boundary_layer_thickness"),
            ],
        ),
        CfVar::new("ustar", &[1, 3, 3], vec![0.3; n2], &[wind[0]]),
        CfVar::new(
            "obukhov_length",
            &[1, 3, 3],
            vec![1e6; n2],
            &[("units", "m")],
        ),
    ];
    let path = dir.path().join("north.nc");
    write_cf(&path, &vars, &[], true);
    let near = LocalBox {
        x_min_m: x - 1000.0,
        x_max_m: x + 1000.0,
        y_min_m: y - 1000.0,
        y_max_m: y + 1000.0,
    };
    let (g, _) = cf::read(&path, start(), 0.0, &tm, near, GriddedOptions::default()).unwrap();
    let s = g.sample(x, y, 10.0, 0.0);
    let azimuth = s.wind_u_m_s.atan2(s.wind_v_m_s).to_degrees();
    assert!(
        (azimuth - gamma).abs() < 1e-3,
        "gridded: {azimuth} vs {gamma}"
    );
    assert!((s.wind_speed_m_s() - 5.0).abs() < 1e-9);
}

#[test]
fn two_d_latitude_longitude_grids_interpolate_linear_fields_exactly() {
    // A grid turned 25° from the local axes, given only by 2-D latitude/longitude (as WRF or a
    // rotated-pole model writes CF files); fields linear in local x, y, z and t.
    let tm = TransverseMercator::new(CENTRE);
    let (nx, ny, nt) = (24usize, 20usize, 3usize);
    let levels = [10.0, 100.0, 1000.0];
    let (c, s) = (25f64.to_radians().cos(), 25f64.to_radians().sin());
    let node = |i: usize, j: usize| {
        let (a, b) = (-33_000.0 + 3000.0 * i as f64, -28_000.0 + 3000.0 * j as f64);
        (a * c - b * s, a * s + b * c)
    };
    let (mut lat, mut lon) = (vec![], vec![]);
    for j in 0..ny {
        for i in 0..nx {
            let p = tm.inverse(node(i, j).0, node(i, j).1);
            lat.push(p.lat);
            lon.push(p.lon);
        }
    }
    let (mut u, mut v) = (vec![], vec![]);
    let (mut t2, mut h2) = (vec![], vec![]);
    for n in 0..nt {
        let t = 3600.0 * n as f64;
        for &z in &levels {
            for j in 0..ny {
                for i in 0..nx {
                    let (x, y) = node(i, j);
                    let (ul, vl) = (U.at(x, y, z, t), V.at(x, y, z, t));
                    let gamma = tm.convergence_deg(tm.inverse(x, y)).to_radians();
                    let (sn, cs) = gamma.sin_cos();
                    u.push(ul * cs - vl * sn);
                    v.push(ul * sn + vl * cs);
                }
            }
        }
        for j in 0..ny {
            for i in 0..nx {
                let (x, y) = node(i, j);
                t2.push(T_K.at(x, y, 0.0, t));
                h2.push(H_M.at(x, y, 0.0, t));
            }
        }
    }
    let wind = ("units", "m s-1");
    let n2 = nt * ny * nx;
    let vars = vec![
        CfVar::new(
            "time",
            &[nt],
            vec![0.0, 1.0, 2.0],
            &[("units", "hours since 2026-07-14 06:00:00")],
        ),
        CfVar::new(
            "lat",
            &[ny, nx],
            lat,
            &[("units", "degrees_north"), ("standard_name", "latitude")],
        ),
        CfVar::new(
            "lon",
            &[ny, nx],
            lon,
            &[("units", "degrees_east"), ("standard_name", "longitude")],
        ),
        CfVar::new(
            "height",
            &[3],
            levels.to_vec(),
            &[("units", "m"), ("standard_name", "height")],
        ),
        CfVar::new(
            "u",
            &[nt, 3, ny, nx],
            u,
            &[wind, ("standard_name", "eastward_wind")],
        ),
        CfVar::new(
            "v",
            &[nt, 3, ny, nx],
            v,
            &[wind, ("standard_name", "northward_wind")],
        ),
        CfVar::new(
            "t2m",
            &[nt, ny, nx],
            t2,
            &[("units", "K"), ("standard_name", "air_temperature")],
        ),
        CfVar::new(
            "blh",
            &[nt, ny, nx],
            h2,
            &[
                ("units", "m"),
                ("standard_name", "atmosphere_boundary_layer_thickness"),
            ],
        ),
        CfVar::new("ustar", &[nt, ny, nx], vec![0.3; n2], &[wind]),
        CfVar::new(
            "obukhov_length",
            &[nt, ny, nx],
            vec![-500.0; n2],
            &[("units", "m")],
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("curvilinear.nc");
    write_cf(&path, &vars, &[], true);
    let options = GriddedOptions {
        vertical: VerticalInterpolation::Linear,
        ..GriddedOptions::default()
    };
    let (met, warnings) = cf::read(&path, start(), 7200.0, &tm, region(), options).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!((met.horizontal_scale_m().unwrap() - 3000.0).abs() < 1.0);
    for (x, y, z, t) in [
        (0.0, 0.0, 50.0, 1800.0),
        (-12_000.0, 8_000.0, 400.0, 5000.0),
        (9_500.0, -7_700.0, 12.0, 7000.0),
    ] {
        let s = met.sample(x, y, z, t);
        for (got, want, what) in [
            (s.wind_u_m_s, U.at(x, y, z, t), "u"),
            (s.wind_v_m_s, V.at(x, y, z, t), "v"),
            (s.air_temperature_k, T_K.at(x, y, 0.0, t), "T"),
            (s.boundary_layer.mixing_height_m, H_M.at(x, y, 0.0, t), "h"),
        ] {
            assert!(
                (got - want).abs() < 1e-6 * want.abs().max(1.0),
                "{what} at ({x}, {y}): {got} vs {want}"
            );
        }
    }
}

/// A 1-D latitude/longitude file whose fields are linear in latitude and in longitude east of
/// the domain centre's meridian, so that the same weather can be written with longitudes in
/// any convention: winds (true east/north), temperature and mixing height.
fn lat_lon_file(path: &Path, lats: &[f64], lons: &[f64]) {
    let (ny, nx, nt) = (lats.len(), lons.len(), 2);
    let east = |lon: f64| (lon - CENTRE.lon + 540.0).rem_euclid(360.0) - 180.0;
    let field = |a: f64, per_lon: f64, per_lat: f64, per_hour: f64| {
        let mut out = vec![];
        for n in 0..nt {
            for &lat in lats {
                for &lon in lons {
                    out.push(
                        a + per_lon * east(lon)
                            + per_lat * (lat - CENTRE.lat)
                            + per_hour * n as f64,
                    );
                }
            }
        }
        out
    };
    let wind = ("units", "m s-1");
    let n2 = nt * ny * nx;
    let vars = vec![
        CfVar::new(
            "time",
            &[nt],
            vec![0.0, 1.0],
            &[("units", "hours since 2026-07-14 06:00:00")],
        ),
        CfVar::new(
            "lat",
            &[ny],
            lats.to_vec(),
            &[("units", "degrees_north"), ("standard_name", "latitude")],
        ),
        CfVar::new(
            "lon",
            &[nx],
            lons.to_vec(),
            &[("units", "degrees_east"), ("standard_name", "longitude")],
        ),
        CfVar::new(
            "height",
            &[1],
            vec![10.0],
            &[("units", "m"), ("standard_name", "height")],
        ),
        CfVar::new(
            "u",
            &[nt, 1, ny, nx],
            field(3.0, 0.5, 0.2, 0.1),
            &[wind, ("standard_name", "eastward_wind")],
        ),
        CfVar::new(
            "v",
            &[nt, 1, ny, nx],
            field(-2.0, 0.1, -0.3, 0.2),
            &[wind, ("standard_name", "northward_wind")],
        ),
        CfVar::new(
            "t2m",
            &[nt, ny, nx],
            field(280.0, 1.0, -0.5, 0.3),
            &[("units", "K"), ("standard_name", "air_temperature")],
        ),
        CfVar::new(
            "blh",
            &[nt, ny, nx],
            field(800.0, 40.0, 20.0, 10.0),
            &[
                ("units", "m"),
                ("standard_name", "atmosphere_boundary_layer_thickness"),
            ],
        ),
        CfVar::new("ustar", &[nt, ny, nx], vec![0.3; n2], &[wind]),
        CfVar::new(
            "obukhov_length",
            &[nt, ny, nx],
            vec![1e6; n2],
            &[("units", "m")],
        ),
    ];
    write_cf(path, &vars, &[], true);
}

#[test]
fn longitudes_from_0_to_360_read_like_longitudes_from_minus_180_to_180() {
    // GFS, ERA5 and many NWP archives give longitudes east from Greenwich (0–360°): the Bay of
    // Fundy lies near 293°E. A regional subset and a global grid must both give the weather of
    // the same file written with −180–180° longitudes.
    let dir = tempfile::tempdir().unwrap();
    let lats: Vec<f64> = (0..9).map(|j| 44.0 + 0.25 * j as f64).collect();
    let west: Vec<f64> = (0..13).map(|i| -68.25 + 0.25 * i as f64).collect();
    let east: Vec<f64> = west.iter().map(|l| l + 360.0).collect();
    let global_lats: Vec<f64> = (0..9).map(|j| 40.0 + 1.25 * j as f64).collect();
    let global: Vec<f64> = (0..288).map(|i| 1.25 * i as f64).collect();
    let files = [
        ("west.nc", &lats, &west),
        ("east.nc", &lats, &east),
        ("global.nc", &global_lats, &global),
    ];
    let mets: Vec<_> = files
        .iter()
        .map(|(name, lats, lons)| {
            let path = dir.path().join(name);
            lat_lon_file(&path, lats, lons);
            let (met, warnings) = cf::read(
                &path,
                start(),
                3600.0,
                &TransverseMercator::new(CENTRE),
                region(),
                GriddedOptions::default(),
            )
            .unwrap();
            assert!(warnings.is_empty(), "{name}: {warnings:?}");
            met
        })
        .collect();
    for (x, y, t) in [
        (0.0, 0.0, 0.0),
        (-12_000.0, 8_000.0, 1800.0),
        (14_000.0, -10_000.0, 3600.0),
    ] {
        let want = mets[0].sample(x, y, 10.0, t);
        for (met, (name, _, _)) in mets.iter().zip(&files).skip(1) {
            let got = met.sample(x, y, 10.0, t);
            for (g, w, what, tol) in [
                (got.wind_u_m_s, want.wind_u_m_s, "u", 0.01),
                (got.wind_v_m_s, want.wind_v_m_s, "v", 0.01),
                (got.air_temperature_k, want.air_temperature_k, "T", 1e-6),
                (
                    got.boundary_layer.mixing_height_m,
                    want.boundary_layer.mixing_height_m,
                    "h",
                    1e-4,
                ),
            ] {
                assert!(
                    (g - w).abs() < tol,
                    "{name}: {what} at ({x}, {y}, {t}): {g} vs {w}"
                );
            }
        }
    }
}

#[test]
fn a_file_for_another_day_is_rejected_with_both_periods_named() {
    // The standard file's hours 0–4 after 2026-07-13 06:00 end a day before the run starts:
    // holding its last field for the whole run would be a wrong answer with a warning.
    let (path, err, _d) = malformed(|vars| {
        let t = vars.iter_mut().find(|v| v.name == "time").unwrap();
        t.attrs.retain(|a| a.0 != "units");
        t.attrs
            .push(("units".into(), "hours since 2026-07-13 06:00:00".into()));
    });
    assert!(matches!(err, MetError::Invalid { .. }), "{err}");
    assert_names(&err, &path, "time");
    let msg = err.to_string();
    assert!(
        msg.contains("2026-07-13T10:00:00") && msg.contains("2026-07-14T06:00:00"),
        "{msg}"
    );
    // A file that ends shortly before the run (within the 3 h a field may be held) still reads.
    let dir = tempfile::tempdir().unwrap();
    let mut vars = linear_vars(&GridSpec::standard(false));
    let t = vars.iter_mut().find(|v| v.name == "time").unwrap();
    t.attrs.retain(|a| a.0 != "units");
    t.attrs
        .push(("units".into(), "hours since 2026-07-14 00:00:00".into()));
    let path = write(dir.path(), "early.nc", &vars);
    read(&path, VerticalInterpolation::Linear).unwrap();
}
