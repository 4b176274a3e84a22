//! Gridded weather geometry: winds turn from true north into the local grid as the projection
//! says, 2-D latitude/longitude grids interpolate linear fields exactly, and regions partly or
//! wholly outside a grid are warned of or refused (longitude conventions and global rows:
//! `weather_longitudes`).

use crate::common;

use std::path::Path;

use common::cf_writer::{name_dimensions, write_cf, CfVar};
use common::gridded_fixture::*;
use plume::geo::{LatLon, TransverseMercator};
use plume::met::gridded::cf::{self, GriddedOptions};
use plume::met::gridded::LocalBox;
use plume::met::{Meteorology, StationMet, StationOptions, VerticalInterpolation};

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
pub(crate) fn lat_lon_file(path: &Path, lats: &[f64], lons: &[f64]) {
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
fn a_square_grid_written_x_before_y_is_refused_by_its_dimension_names() {
    // On a square grid a variable stored (lon, lat) has the shape of one stored (lat, lon), and
    // read by shape its weather would be mirrored about the diagonal. netCDF-4 names every
    // dimension; the reader compares the names with its coordinates'.
    let dir = tempfile::tempdir().unwrap();
    let lats: Vec<f64> = (0..9).map(|j| 44.90 + 0.05 * j as f64).collect();
    let lons: Vec<f64> = (0..9).map(|i| -67.00 + 0.075 * i as f64).collect();
    let scales = ["time", "height", "lat", "lon"];
    let four: &[&str] = &["time", "height", "lat", "lon"];
    let three: &[&str] = &["time", "lat", "lon"];
    let named_as = |name: &str, u_dims: &[&str]| {
        let path = dir.path().join(name);
        lat_lon_file(&path, &lats, &lons);
        let dims = [
            ("u", u_dims),
            ("v", four),
            ("t2m", three),
            ("blh", three),
            ("ustar", three),
            ("obukhov_length", three),
        ];
        name_dimensions(&path, &scales, &dims);
        path
    };
    let plain = dir.path().join("plain.nc");
    lat_lon_file(&plain, &lats, &lons);
    let named = named_as("named.nc", four);
    let swapped = named_as("swapped.nc", &["time", "height", "lon", "lat"]);

    let (a, _) = read_for(&plain, region(), GriddedOptions::default()).unwrap();
    let (b, _) = read_for(&named, region(), GriddedOptions::default()).unwrap();
    for (x, y) in [(0.0, 0.0), (-12_000.0, 8_000.0), (14_000.0, -10_000.0)] {
        let (p, q) = (a.sample(x, y, 10.0, 1800.0), b.sample(x, y, 10.0, 1800.0));
        assert_eq!((p.wind_u_m_s, p.wind_v_m_s), (q.wind_u_m_s, q.wind_v_m_s));
    }

    let err = read_for(&swapped, region(), GriddedOptions::default())
        .unwrap_err()
        .to_string();
    for part in [
        "swapped.nc",
        "u",
        "has dimensions (time, height, lon, lat)",
        "expected (time, height, lat, lon)",
        "ncpdq -a time,height,lat,lon",
    ] {
        assert!(err.contains(part), "{part:?} not in: {err}");
    }
}

/// A small latitude/longitude file around the domain centre: 44.90–45.25°N, 67.00–66.50°W.
fn small_lat_lon_file(dir: &Path) -> std::path::PathBuf {
    let lats: Vec<f64> = (0..8).map(|j| 44.90 + 0.05 * j as f64).collect();
    let lons: Vec<f64> = (0..11).map(|i| -67.00 + 0.05 * i as f64).collect();
    let path = dir.join("small.nc");
    lat_lon_file(&path, &lats, &lons);
    path
}

/// The band 10 km either side of the centre's parallel from `x_min_m` to `x_max_m` east.
fn band_east(x_min_m: f64, x_max_m: f64) -> LocalBox {
    LocalBox {
        x_min_m,
        x_max_m,
        y_min_m: -10_000.0,
        y_max_m: 10_000.0,
    }
}

/// Reads `path` for a one-hour run over `region`.
fn read_for(
    path: &Path,
    region: LocalBox,
    options: GriddedOptions,
) -> Result<(plume::met::GriddedMet, Vec<plume::met::MetWarning>), plume::met::MetError> {
    cf::read(
        path,
        start(),
        3600.0,
        &TransverseMercator::new(CENTRE),
        region,
        options,
    )
}

#[test]
fn a_region_wholly_outside_the_grid_is_rejected_naming_both_extents() {
    // A domain 100–130 km east of a grid that ends 20 km east of the centre: holding the
    // grid's edge values over all of it would be a wrong answer with a warning.
    let dir = tempfile::tempdir().unwrap();
    let path = small_lat_lon_file(dir.path());
    let tm = TransverseMercator::new(CENTRE);
    let far_east = band_east(100_000.0, 130_000.0);
    let err = read_for(&path, far_east, GriddedOptions::default())
        .map(|_| ())
        .unwrap_err();
    assert!(matches!(err, plume::met::MetError::Invalid { .. }), "{err}");
    let msg = err.to_string();
    let region_west = tm.inverse(far_east.x_min_m, 0.0).lon;
    let region_south = tm.inverse(
        0.5 * (far_east.x_min_m + far_east.x_max_m),
        far_east.y_min_m,
    );
    for fragment in [
        path.display().to_string(),
        "latitude 44.90° to 45.25°".into(),
        "longitude -67.00° to -66.50°".into(),
        "the run's region".into(),
        format!("longitude {region_west:.2}°"),
        format!("latitude {:.2}°", region_south.lat),
    ] {
        assert!(msg.contains(&fragment), "missing {fragment:?} in: {msg}");
    }
}

/// The share of the region (%) a coverage warning reports, if one was given.
fn outside_percent(warnings: &[plume::met::MetWarning]) -> Option<f64> {
    let w = warnings
        .iter()
        .find(|w| w.message.contains("beyond the grid"))?;
    let head = w.message.split(" %").next()?;
    head.rsplit(' ').next()?.parse().ok()
}

#[test]
fn a_region_partly_outside_the_grid_warns_how_much_of_it_lies_outside() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_lat_lon_file(dir.path());
    // 0–40 km east of the centre; the grid ends about 19.7 km east: about half lies outside.
    let (_, warnings) =
        read_for(&path, band_east(0.0, 40_000.0), GriddedOptions::default()).unwrap();
    let percent = outside_percent(&warnings).unwrap_or_else(|| panic!("{warnings:?}"));
    assert!(
        (45.0..=55.0).contains(&percent),
        "{percent} %: {warnings:?}"
    );
    // The margin read around the region for puffs near its edge may leave the grid without a
    // warning: no value inside the region is held.
    let options = GriddedOptions {
        margin_m: 10_000.0,
        ..GriddedOptions::default()
    };
    let (_, warnings) = read_for(&path, region(), options).unwrap();
    assert!(besides_wind_levels(&warnings).is_empty(), "{warnings:?}");
}

/// A heat flux counted downward (CF `surface_downward_sensible_heat_flux`, as ECMWF and many
/// land models write it) is the upward flux turned: the same Obukhov length. A variable named
/// `shf` whose own standard name says it is downward is read as downward, not taken as upward by
/// its name (found by review).
#[test]
fn a_downward_heat_flux_reads_as_the_upward_one_turned() {
    let dir = tempfile::tempdir().unwrap();
    let g = GridSpec::standard(false);
    let flux = |name: &str, standard: &str, value: f64| {
        let mut vars: Vec<CfVar> = linear_vars(&g)
            .into_iter()
            .filter(|v| v.name != "obukhov_length")
            .collect();
        let shape = vars
            .iter()
            .find(|v| v.name == "ustar" || v.name == "friction_velocity")
            .map(|v| v.shape.clone())
            .expect("a u* field");
        let n: usize = shape.iter().product();
        vars.push(CfVar::new(
            name,
            &shape,
            vec![value; n],
            &[("units", "W m-2"), ("standard_name", standard)],
        ));
        let path = write(dir.path(), &format!("{name}-{standard}.nc"), &vars);
        let met = read(&path, VerticalInterpolation::Linear).unwrap();
        met.sample(0.0, 0.0, 10.0, 1800.0)
            .boundary_layer
            .obukhov_length_m
    };
    let upward = flux("hfss", "surface_upward_sensible_heat_flux", 150.0);
    assert!(upward < 0.0 && upward > -1e4, "convective: L = {upward}");
    for name in ["hfds", "shf"] {
        let downward = flux(name, "surface_downward_sensible_heat_flux", -150.0);
        assert!(
            (downward / upward - 1.0).abs() < 1e-9,
            "{name}: {downward} vs {upward}"
        );
    }
}

#[test]
fn times_in_a_model_calendar_are_refused_and_gregorian_ones_read() {
    // Found by review: "days since …" in a 360-day calendar read as Gregorian days, shifting
    // the weather by days without a word.
    let dir = tempfile::tempdir().unwrap();
    let g = GridSpec::standard(false);
    let with_calendar = |calendar: &str| {
        let vars: Vec<CfVar> = linear_vars(&g)
            .into_iter()
            .map(|mut v| {
                if v.name == "time" {
                    v.attrs.push(("calendar".into(), calendar.into()));
                }
                v
            })
            .collect();
        let path = write(dir.path(), &format!("{calendar}.nc"), &vars);
        read(&path, VerticalInterpolation::Linear)
    };
    for calendar in ["standard", "gregorian", "proleptic_gregorian", "Standard"] {
        assert!(with_calendar(calendar).is_ok(), "{calendar}");
    }
    for calendar in ["360_day", "noleap", "365_day", "julian", "all_leap"] {
        let err = with_calendar(calendar).unwrap_err();
        assert!(err.is_invalid_content(), "{calendar}");
        let text = err.to_string();
        for part in ["time:calendar", calendar, "\"standard\""] {
            assert!(text.contains(part), "{part:?} not in: {text}");
        }
    }
}
