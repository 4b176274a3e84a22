//! Longitude conventions of gridded weather: 0–360° reads like −180–180°, and a global row is
//! read as one across its seam (a run over Greenwich on a 0–360° file).

use plume::geo::TransverseMercator;
use plume::met::gridded::cf::{self, GriddedOptions};
use plume::met::Meteorology;

use crate::common::gridded_fixture::*;
use crate::weather_met_grids::lat_lon_file;

#[test]
fn a_region_across_greenwich_reads_a_global_0_to_360_row_as_one() {
    // A run centred at 0.5° W on a global 0–358.75° file: the region crosses the row's seam
    // between 358.75° and 360°. It must read as a regional file over −2.5…2.5° does (found by
    // review: the table nodes either side of the seam pointed at both ends of the row, and
    // samples between them read the far side of the globe).
    let dir = tempfile::tempdir().unwrap();
    let centre = plume::geo::LatLon::new(45.0, -0.5);
    let lats: Vec<f64> = (0..9).map(|j| 40.0 + 1.25 * j as f64).collect();
    let regional: Vec<f64> = (0..21).map(|i| -2.5 + 0.25 * i as f64).collect();
    let global: Vec<f64> = (0..288).map(|i| 1.25 * i as f64).collect();
    let tm = TransverseMercator::new(centre);
    let read = |name: &str, lons: &[f64]| {
        let path = dir.path().join(name);
        lat_lon_file(&path, &lats, lons);
        let (met, warnings) = cf::read(
            &path,
            start(),
            3600.0,
            &tm,
            region(),
            GriddedOptions::default(),
        )
        .unwrap();
        assert!(
            besides_wind_levels(&warnings).is_empty(),
            "{name}: {warnings:?}"
        );
        met
    };
    let (want, got) = (read("regional.nc", &regional), read("global.nc", &global));
    for n in 0..40 {
        let x = -15_000.0 + 30_000.0 * n as f64 / 39.0;
        for (y, t) in [(-9_000.0, 0.0), (4_000.0, 2400.0)] {
            let (a, b) = (want.sample(x, y, 10.0, t), got.sample(x, y, 10.0, t));
            for (g, w, what, tol) in [
                // Winds turn by each node's meridian convergence: 0.01 m/s, as above.
                (b.wind_u_m_s, a.wind_u_m_s, "u", 0.01),
                (b.wind_v_m_s, a.wind_v_m_s, "v", 0.01),
                (b.air_temperature_k, a.air_temperature_k, "T", 1e-6),
                (
                    b.boundary_layer.mixing_height_m,
                    a.boundary_layer.mixing_height_m,
                    "h",
                    1e-4,
                ),
            ] {
                assert!((g - w).abs() < tol, "{what} at ({x}, {y}, {t}): {g} vs {w}");
            }
        }
    }
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
            assert!(
                besides_wind_levels(&warnings).is_empty(),
                "{name}: {warnings:?}"
            );
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
