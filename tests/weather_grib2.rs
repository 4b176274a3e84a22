//! GRIB2 weather (what HRDPS and HRRR publish): the shipped samples agree with the netCDF
//! sample, grid-relative winds on a Lambert grid turn to true north, and malformed files are
//! named with the parameter.

use std::path::Path;

use chrono::{DateTime, Utc};
use plume::geo::{LatLon, TransverseMercator};
use plume::met::gridded::cf::{self, GriddedOptions};
use plume::met::gridded::LocalBox;
use plume::met::{MetError, Meteorology};

const CENTRE: LatLon = LatLon {
    lat: 45.07,
    lon: -66.75,
};

fn region() -> LocalBox {
    LocalBox {
        x_min_m: -15_000.0,
        x_max_m: 15_000.0,
        y_min_m: -11_000.0,
        y_max_m: 11_000.0,
    }
}

#[test]
fn grib2_sample_agrees_with_the_netcdf_sample() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data");
    let tm = TransverseMercator::new(CENTRE);
    let region = LocalBox {
        x_min_m: -60_000.0,
        x_max_m: 60_000.0,
        y_min_m: -45_000.0,
        y_max_m: 45_000.0,
    };
    let start: DateTime<Utc> = "2026-03-02T00:00:00Z".parse().unwrap();
    let run_s = 6.0 * 3600.0;
    let options = GriddedOptions::default();
    let (nc, _) = cf::read(
        &dir.join("lepreau_nwp_sample.nc"),
        start,
        run_s,
        &tm,
        region,
        options,
    )
    .unwrap();
    let (gb, warnings) = plume::met::gridded::grib2::read(
        &dir.join("lepreau_nwp_sample.grib2"),
        start,
        run_s,
        &tm,
        region,
        options,
    )
    .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(nc.shape(), gb.shape());
    assert_eq!(nc.times_s(), gb.times_s());
    for (x, y, z, t) in [
        (0.0, 0.0, 10.0, 0.0),
        (-41_000.0, 23_000.0, 75.0, 5000.0),
        (52_000.0, -30_000.0, 600.0, 20_000.0),
        (12_345.0, 6_789.0, 3.0, 21_600.0),
    ] {
        let (a, b) = (nc.sample(x, y, z, t), gb.sample(x, y, z, t));
        let close = |p: f64, q: f64, what: &str| {
            assert!(
                (p - q).abs() <= 1e-4 * p.abs().max(1.0),
                "{what}: {p} vs {q}"
            );
        };
        close(a.wind_u_m_s, b.wind_u_m_s, "u");
        close(a.wind_v_m_s, b.wind_v_m_s, "v");
        close(a.air_temperature_k, b.air_temperature_k, "T");
        close(
            a.boundary_layer.mixing_height_m,
            b.boundary_layer.mixing_height_m,
            "h",
        );
        close(
            a.boundary_layer.friction_velocity_m_s,
            b.boundary_layer.friction_velocity_m_s,
            "u*",
        );
        close(a.precipitation_mm_h, b.precipitation_mm_h, "P");
        close(
            1.0 / a.boundary_layer.obukhov_length_m,
            1.0 / b.boundary_layer.obukhov_length_m,
            "1/L",
        );
    }
}

#[test]
fn lambert_conformal_grib2_with_grid_relative_winds_agrees_with_the_latlon_sample() {
    // The same analytic weather on an HRRR-like Lambert conformal grid (LoV 97.5° W, so the grid
    // is turned ~19° from true north here, and its winds are relative to the grid).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data");
    let tm = TransverseMercator::new(CENTRE);
    let region = LocalBox {
        x_min_m: -60_000.0,
        x_max_m: 60_000.0,
        y_min_m: -45_000.0,
        y_max_m: 45_000.0,
    };
    let start: DateTime<Utc> = "2026-03-02T00:00:00Z".parse().unwrap();
    let options = GriddedOptions::default();
    let (nc, _) = cf::read(
        &dir.join("lepreau_nwp_sample.nc"),
        start,
        21_600.0,
        &tm,
        region,
        options,
    )
    .unwrap();
    let (lcc, warnings) = plume::met::gridded::grib2::read(
        &dir.join("lepreau_nwp_sample_lcc.grib2"),
        start,
        21_600.0,
        &tm,
        region,
        options,
    )
    .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    // 6 km cells: the grid spacing is the met's horizontal scale.
    assert!((lcc.horizontal_scale_m().unwrap() - 6000.0).abs() < 300.0);
    for (x, y, z, t) in [
        (0.0, 0.0, 10.0, 0.0),
        (-41_000.0, 23_000.0, 75.0, 5000.0),
        (52_000.0, -30_000.0, 600.0, 20_000.0),
        (12_345.0, 6_789.0, 25.0, 10_800.0),
    ] {
        let (a, b) = (nc.sample(x, y, z, t), lcc.sample(x, y, z, t));
        let dv = (a.wind_u_m_s - b.wind_u_m_s).hypot(a.wind_v_m_s - b.wind_v_m_s);
        assert!(
            dv < 0.02 * a.wind_speed_m_s(),
            "at ({x}, {y}, {z}, {t}): |ΔV| = {dv}"
        );
        assert!((a.air_temperature_k - b.air_temperature_k).abs() < 0.01);
        assert!((a.boundary_layer.mixing_height_m - b.boundary_layer.mixing_height_m).abs() < 0.1);
    }
}

/// Splits a GRIB2 file into its messages (section 0 holds each message's total length).
fn grib_messages(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = vec![];
    let mut at = 0;
    while at + 16 <= bytes.len() {
        assert_eq!(&bytes[at..at + 4], b"GRIB");
        let len = u64::from_be_bytes(bytes[at + 8..at + 16].try_into().unwrap()) as usize;
        out.push(&bytes[at..at + len]);
        at += len;
    }
    out
}

/// The shipped GRIB2 sample's path and its messages.
fn sample_messages() -> (std::path::PathBuf, Vec<u8>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data/lepreau_nwp_sample.grib2");
    let bytes = std::fs::read(&src).unwrap();
    (src, bytes)
}

/// Reads a GRIB2 file for the sample's six hours over the test region.
fn read_sample_period(
    path: &Path,
) -> Result<(plume::met::GriddedMet, Vec<plume::met::MetWarning>), MetError> {
    let start: DateTime<Utc> = "2026-03-02T00:00:00Z".parse().unwrap();
    plume::met::gridded::grib2::read(
        path,
        start,
        21_600.0,
        &TransverseMercator::new(CENTRE),
        region(),
        GriddedOptions::default(),
    )
}

#[test]
fn malformed_grib2_files_name_the_file_and_the_parameter() {
    let (_, bytes) = sample_messages();
    let messages = grib_messages(&bytes);
    assert_eq!(messages.len(), 7 * 19);
    let read = |path: &Path| read_sample_period(path).map(|_| ()).unwrap_err();
    let dir = tempfile::tempdir().unwrap();
    // The last message is the precipitation rate at 06:00.
    let cut = dir.path().join("cut.grib2");
    std::fs::write(&cut, messages[..messages.len() - 1].concat()).unwrap();
    let err = read(&cut);
    assert!(matches!(err, MetError::Missing { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("cut.grib2") && msg.contains("precipitation rate") && msg.contains("06:00"),
        "{msg}"
    );
    // Not GRIB at all.
    let junk = dir.path().join("junk.grib2");
    std::fs::write(&junk, b"GRIB but not really").unwrap();
    let err = read(&junk);
    assert!(err.to_string().contains("junk.grib2"), "{err}");
}

/// The global file at `path` read for the first hour over the test region about `tm`'s
/// origin, with no warning but that its winds stop at 10 m.
fn read_global(path: &Path, tm: &TransverseMercator) -> plume::met::GriddedMet {
    let start: DateTime<Utc> = "2026-07-14T06:00:00Z".parse().unwrap();
    let (met, warnings) = plume::met::gridded::grib2::read(
        path,
        start,
        3600.0,
        tm,
        region(),
        GriddedOptions::default(),
    )
    .unwrap();
    assert!(
        warnings.iter().all(|w| w.message.contains("winds stop at")),
        "{warnings:?}"
    );
    met
}

#[test]
fn a_global_grib2_grid_with_longitudes_from_0_to_360_is_read_at_the_site() {
    // GFS-style global latitude/longitude grid, 0°–357.5°E: the Bay of Fundy is near 293°E.
    // Temperature and mixing height are linear in latitude and longitude (see the data README).
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/global_latlon_0_360.grib2");
    let tm = TransverseMercator::new(CENTRE);
    let met = read_global(&path, &tm);
    for (x, y, t) in [(0.0, 0.0, 0.0), (14_000.0, -10_000.0, 1800.0)] {
        let p = tm.inverse(x, y);
        let (east, north, hours) = (p.lon - CENTRE.lon, p.lat - CENTRE.lat, t / 3600.0);
        let s = met.sample(x, y, 10.0, t);
        let t_want = 280.0 + east - 0.5 * north + 0.3 * hours;
        let h_want = 800.0 + 40.0 * east + 20.0 * north + 10.0 * hours;
        assert!(
            (s.air_temperature_k - t_want).abs() < 1e-3,
            "T at ({x}, {y}): {} vs {t_want}",
            s.air_temperature_k
        );
        assert!(
            (s.boundary_layer.mixing_height_m - h_want).abs() < 0.01,
            "h at ({x}, {y}): {} vs {h_want}",
            s.boundary_layer.mixing_height_m
        );
    }
}

#[test]
fn a_region_across_greenwich_reads_a_global_grib2_row_as_one() {
    // The same global file, for a run centred at 0.5° W: its region crosses the row's seam
    // between 357.5° and 360°, where the fields (linear in longitude east of 66.75° W) run on
    // without a break. Every sample is the linear field (found by review: samples between the
    // seam's table nodes read the far side of the globe).
    // Its temperatures there (~347 K, linear in longitude east of 66.75° W) are lowered by
    // 60 K through each temperature message's reference value, to pass the reader's range check.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/global_latlon_0_360.grib2");
    let bytes = std::fs::read(&src).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("greenwich.grib2");
    std::fs::write(&path, temperatures_lowered(&grib_messages(&bytes), 60.0)).unwrap();
    let centre = plume::geo::LatLon::new(45.07, -0.5);
    let tm = TransverseMercator::new(centre);
    let met = read_global(&path, &tm);
    for n in 0..40 {
        let x = -15_000.0 + 30_000.0 * n as f64 / 39.0;
        for (y, t) in [(-9_000.0, 0.0), (4_000.0, 1800.0)] {
            let p = tm.inverse(x, y);
            let (east, north, hours) = (p.lon + 66.75, p.lat - CENTRE.lat, t / 3600.0);
            let s = met.sample(x, y, 10.0, t);
            let t_want = 220.0 + east - 0.5 * north + 0.3 * hours;
            assert!(
                (s.air_temperature_k - t_want).abs() < 1e-3,
                "T at ({x}, {y}): {} vs {t_want}",
                s.air_temperature_k
            );
        }
    }
}

#[test]
fn a_region_wholly_outside_a_grib2_grid_is_rejected() {
    // The sample covers the Bay of Fundy; a domain centred 150 km north-west of it does not
    // overlap the grid at all.
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data/lepreau_nwp_sample.grib2");
    let tm = TransverseMercator::new(LatLon::new(46.5, -68.5));
    let start: DateTime<Utc> = "2026-03-02T00:00:00Z".parse().unwrap();
    let err = plume::met::gridded::grib2::read(
        &path,
        start,
        3600.0,
        &tm,
        region(),
        GriddedOptions::default(),
    )
    .map(|_| ())
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("lepreau_nwp_sample.grib2")
            && msg.contains("the run's region")
            && msg.contains("latitude 46."),
        "{msg}"
    );
}

/// Rewrites every message of `messages` whose parameter (discipline 0) is `category`/`from` to
/// `category`/`to`, and sets every message's originating centre to `centre`.
fn rewritten(messages: &[&[u8]], category: u8, from: u8, to: u8, centre: u16) -> Vec<u8> {
    let mut out = vec![];
    for m in messages {
        let mut m = m.to_vec();
        m[21..23].copy_from_slice(&centre.to_be_bytes());
        // Walk the sections from section 1 to the product definition (section 4).
        let mut at = 16;
        while at + 5 <= m.len() {
            let len = u32::from_be_bytes(m[at..at + 4].try_into().unwrap()) as usize;
            if m[at + 4] == 4 && m[6] == 0 && m[at + 9] == category && m[at + 10] == from {
                m[at + 10] = to;
            }
            at += len;
        }
        out.extend(m);
    }
    out
}

#[test]
fn ncep_boundary_layer_height_and_accumulated_precipitation_are_understood() {
    // Found by review: GFS, NAM and HRRR write the boundary-layer height as NCEP's local 3/196
    // (HPBL), which was refused as "missing"; an accumulated precipitation (1/8) without a
    // rate was ignored without a word.
    let (src, bytes) = sample_messages();
    let messages = grib_messages(&bytes);
    let read = read_sample_period;
    let dir = tempfile::tempdir().unwrap();
    let (reference, _) = read(&src).unwrap();
    let ncep = dir.path().join("ncep.grib2");
    std::fs::write(&ncep, rewritten(&messages, 3, 18, 196, 7)).unwrap();
    let (met, _) = read(&ncep).unwrap();
    for t in [0.0, 7_200.0, 21_600.0] {
        let (a, b) = (
            met.sample(0.0, 0.0, 10.0, t),
            reference.sample(0.0, 0.0, 10.0, t),
        );
        assert_eq!(
            a.boundary_layer.mixing_height_m,
            b.boundary_layer.mixing_height_m
        );
    }
    // Another centre's 3/196 is not the boundary-layer height.
    let other = dir.path().join("other.grib2");
    std::fs::write(&other, rewritten(&messages, 3, 18, 196, 54)).unwrap();
    let err = read(&other).map(|_| ()).unwrap_err();
    assert!(err.to_string().contains("boundary layer height"), "{err}");
    // Precipitation only as an amount: read, with a warning that nothing is washed out.
    let amount = dir.path().join("amount.grib2");
    std::fs::write(&amount, rewritten(&messages, 1, 7, 8, 54)).unwrap();
    let (_, warnings) = read(&amount).unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.message.contains("0/1/8") && w.message.contains("nothing is washed out")),
        "{warnings:?}"
    );
}

/// The messages with every temperature (discipline 0, category 0, number 0) lowered by
/// `kelvin`: the simple packing's reference value R (section 5, octets 12–15) less
/// kelvin·10^D, D the decimal scale factor (octets 18–19, sign and magnitude).
fn temperatures_lowered(messages: &[&[u8]], kelvin: f64) -> Vec<u8> {
    let mut out = vec![];
    for m in messages {
        let mut m = m.to_vec();
        let mut temperature = false;
        let mut at = 16;
        while at + 5 <= m.len() && &m[at..at + 4] != b"7777" {
            let len = u32::from_be_bytes(m[at..at + 4].try_into().unwrap()) as usize;
            match m[at + 4] {
                4 => temperature = m[6] == 0 && m[at + 9] == 0 && m[at + 10] == 0,
                5 if temperature => {
                    let r = f32::from_be_bytes(m[at + 11..at + 15].try_into().unwrap());
                    let d = u16::from_be_bytes(m[at + 17..at + 19].try_into().unwrap());
                    let d = if d & 0x8000 != 0 {
                        -((d & 0x7fff) as i32)
                    } else {
                        d as i32
                    };
                    let lowered = (f64::from(r) - kelvin * 10f64.powi(d)) as f32;
                    m[at + 11..at + 15].copy_from_slice(&lowered.to_be_bytes());
                }
                _ => {}
            }
            at += len;
        }
        out.extend(m);
    }
    out
}
