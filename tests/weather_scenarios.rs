//! Scenario files with station and gridded meteorology and the puff model: every problem is
//! reported with its field, value and expectation; met files that fail to read name themselves.

use std::path::{Path, PathBuf};

use plume::scenario::{MetSpec, ModelSpec, Scenario};
use plume::{simulate, RunError, RunOptions};

fn text(met: &str, model: &str) -> String {
    format!(
        r#"
[scenario]
name = "weather scenario test"
start = "2026-07-14T12:00:00Z"
duration_s = 3600
[domain]
centre = {{ lat = 45.07, lon = -66.75 }}
extent_m = [60000, 30000]
resolution_m = 1000
output_interval_s = 1800
[[source]]
location = {{ lat = 45.0680, lon = -66.4550 }}
height_m = 40
release = [{{ substance = "chlorine", rate_kg_s = 1.0 }}]
[meteorology]
{met}
[model]
{model}
"#
    )
}

/// Parses as if the file sat in `scenarios/`, so relative met paths resolve to the samples.
fn parse(t: &str) -> Result<Scenario, String> {
    let at = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/test.toml");
    Scenario::parse(t, &at).map_err(|e| e.to_string())
}

#[test]
fn station_and_gridded_kinds_parse_with_defaults() {
    let s = parse(&text(
        "kind = \"station\"\nfile = \"data/lepreau_backing_wind_stations.csv\"",
        "kind = \"gaussian_puff\"",
    ))
    .unwrap();
    assert!(matches!(s.meteorology, MetSpec::Station(_)));
    let ModelSpec::GaussianPuff(p) = &s.model else {
        panic!("puff expected")
    };
    assert_eq!(p.time_step_s, 60.0);
    let g = parse(&text(
        "kind = \"gridded\"\nfile = \"data/lepreau_nwp_sample.grib2\"",
        "kind = \"gaussian_puff\"\ntime_step_s = 120",
    ))
    .unwrap();
    let MetSpec::Gridded(spec) = &g.meteorology else {
        panic!("gridded expected")
    };
    assert_eq!(spec.format, plume::scenario::GriddedFormat::Grib2);
}

#[test]
fn every_weather_problem_names_field_value_and_expectation() {
    let err = parse(&text(
        "kind = \"station\"\nfile = \"data/no_such.csv\"\nidw_power = 40",
        "kind = \"gaussian_puff\"\ntime_step_s = 0\nmax_puffs = 3",
    ))
    .unwrap_err();
    for fragment in [
        "meteorology.file = \"data/no_such.csv\": expected an existing station CSV file",
        "meteorology.idw_power = 40",
        "model.time_step_s = 0",
        "model.max_puffs = 3",
    ] {
        assert!(err.contains(fragment), "missing {fragment:?} in:\n{err}");
    }
    let err = parse(&text(
        "kind = \"gridded\"\nfile = \"data/lepreau_backing_wind_stations.csv\"",
        "kind = \"gaussian_plume\"",
    ))
    .unwrap_err();
    assert!(err.contains("meteorology.format"), "{err}");
    let err = parse(&text(
        "kind = \"station\"\nfile = \"data/lepreau_backing_wind_stations.csv\"",
        "kind = \"gaussian_plume\"",
    ))
    .unwrap_err();
    assert!(
        err.contains("model.kind = \"gaussian_plume\": expected \"gaussian_puff\""),
        "{err}"
    );
    let err = parse(&text(
        "kind = \"gridded\"\nfiel = \"x.nc\"",
        "kind = \"gaussian_puff\"",
    ))
    .unwrap_err();
    assert!(err.contains("fiel"), "{err}");
}

#[test]
fn a_malformed_met_file_fails_the_run_naming_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("bad.csv");
    std::fs::write(
        &csv,
        "time,station,lat,lon,wind_speed_m_s,wind_from_deg,stability\n\
         2026-07-14T12:00:00Z,A,45.07,-66.5,3.0,200,D\n\
         2026-07-14T13:00:00Z,A,45.07,-66.5,3.0,north,D\n",
    )
    .unwrap();
    let t = text(
        &format!("kind = \"station\"\nfile = {:?}", csv.display().to_string()),
        "kind = \"gaussian_puff\"",
    );
    let s = Scenario::parse(&t, &PathBuf::from("weather.toml")).unwrap();
    let err = simulate(&s, &RunOptions::default()).unwrap_err();
    assert!(matches!(err, RunError::Met(_)), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("bad.csv:3") && msg.contains("wind_from_deg") && msg.contains("north"),
        "{msg}"
    );
}

#[test]
fn puff_on_uniform_met_runs_through_the_pipeline() {
    let s = parse(&text(
        "kind = \"uniform\"\nwind_speed_m_s = 5\nwind_from_deg = 80\nstability = \"D\"",
        "kind = \"gaussian_puff\"",
    ))
    .unwrap();
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    assert_eq!(sim.model, "gaussian_puff");
    let b = sim.fields.species[0].budget.unwrap();
    assert!(b.relative_imbalance().abs() < 1e-12);
    assert!(sim.fields.species[0].time_integrated.sum() > 0.0);
}
