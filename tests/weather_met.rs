//! Gridded weather (CF netCDF-4/HDF5): fields interpolate exactly what they should, only the
//! region and times a run needs are read, and malformed files are rejected with file and
//! variable named. (Grid geometry — winds turned into the local grid, 2-D latitude/longitude
//! grids, 0–360° longitudes — is in `weather_met_grids.rs`.)

use crate::common;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use common::cf_writer::{write_cf, CfVar};
use common::gridded_fixture::*;
use plume::geo::TransverseMercator;
use plume::met::gridded::cf::{self, GriddedOptions};
use plume::met::gridded::LocalBox;
use plume::met::{
    BoundaryLayer, MetError, Meteorology, StabilityClass, UniformMet, VerticalInterpolation,
};

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
fn similarity_interpolation_returns_a_wind_that_is_the_same_at_every_node() {
    // 5 m/s at every node and level while the Obukhov length alternates between 0.6 m (a calm
    // evening) and 100 m from column to column and from hour to hour: at a level's height the
    // wind is 5 m/s everywhere between nodes and times, whatever their stability (found by
    // review: the ratios to each node's shape, multiplied by one shape of the interpolated L,
    // gave up to 2.9 × the nodes' wind).
    let dir = tempfile::tempdir().unwrap();
    let g = GridSpec::standard(false);
    let mut vars = linear_vars(&g);
    let (nx, ny, nt) = (g.xs.len(), g.ys.len(), g.hours.len());
    let l_m: Vec<f64> = (0..nt * ny * nx)
        .map(|n| {
            let (t, i) = (n / (ny * nx), n % nx);
            if (t + i) % 2 == 0 {
                0.6
            } else {
                100.0
            }
        })
        .collect();
    for var in vars.iter_mut() {
        match var.name.as_str() {
            "u" => var.data = vec![5.0; var.data.len()],
            "v" | "w" => var.data = vec![0.0; var.data.len()],
            "blh" => var.data = vec![800.0; nt * ny * nx],
            "friction_velocity" => var.data = vec![0.2; nt * ny * nx],
            "obukhov_length" => var.data = l_m.clone(),
            _ => {}
        }
    }
    let path = write(dir.path(), "stability.nc", &vars);
    let met = read(&path, VerticalInterpolation::Similarity).unwrap();
    for (n, &z) in [10.0, 50.0, 120.0].iter().enumerate() {
        for (fx, ft) in [(0.1, 0.5), (0.5, 0.25), (0.9, 0.9), (0.5, 0.0)] {
            let x = -8_000.0 + 2000.0 * fx;
            let t = 3600.0 * (1.0 + ft);
            let s = met.sample(x, 1000.0 * n as f64, z, t);
            let speed = s.wind_u_m_s.hypot(s.wind_v_m_s);
            assert!(
                (speed - 5.0).abs() < 1e-6,
                "z = {z} m, {fx} of a column and {ft} of an hour across: {speed} m/s"
            );
        }
    }
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
fn a_file_in_another_format_says_what_it_is() {
    // A GRIB2 file or a station CSV given as netCDF: the message says what the file is.
    let grib2 =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data/lepreau_nwp_sample.grib2");
    let err = read(&grib2, VerticalInterpolation::Linear).unwrap_err();
    assert!(matches!(err, MetError::Format { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("GRIB") && msg.contains("grib2"), "{msg}");
    let csv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/data/lepreau_backing_wind_stations.csv");
    let msg = read(&csv, VerticalInterpolation::Linear)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("text") && msg.contains("station"), "{msg}");
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
