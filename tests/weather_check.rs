//! `plume check` opens the weather files a scenario names and reports what is wrong in them as it
//! reports scenario problems (file, column or variable, value, what was expected), exiting 2;
//! `plume run` exits 2 on the same files, keeping 1 for failures that are not the input's.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn plume() -> Command {
    Command::new(env!("CARGO_BIN_EXE_plume"))
}

/// A scenario with the given `[meteorology]` body, written beside its weather files.
fn scenario(dir: &Path, name: &str, met: &str) -> PathBuf {
    let text = format!(
        r#"
[scenario]
name = "weather file check"
start = "2026-07-14T12:00:00Z"
duration_s = 3600
[domain]
centre = {{ lat = 45.07, lon = -66.75 }}
extent_m = [20000, 20000]
resolution_m = 1000
output_interval_s = 1800
[[source]]
location = {{ lat = 45.0680, lon = -66.7550 }}
height_m = 40
release = [{{ substance = "chlorine", rate_kg_s = 1.0 }}]
[meteorology]
{met}
[model]
kind = "gaussian_puff"
"#
    );
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A station file like the shipped one, but with the wind speed in km/h.
fn km_h_station_scenario(dir: &Path) -> (PathBuf, PathBuf) {
    let csv = dir.join("kmh.csv");
    std::fs::write(
        &csv,
        "time,station,lat,lon,wind_speed_km_h,wind_from_deg,stability\n\
         2026-07-14T12:00:00Z,PLNGS,45.068,-66.455,14.4,225,D\n\
         2026-07-14T13:00:00Z,PLNGS,45.068,-66.455,18.0,200,D\n",
    )
    .unwrap();
    let toml = scenario(dir, "kmh.toml", "kind = \"station\"\nfile = \"kmh.csv\"");
    (toml, csv)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn check_rejects_a_station_file_with_a_column_in_unknown_units() {
    let dir = tempfile::tempdir().unwrap();
    let (toml, csv) = km_h_station_scenario(dir.path());
    let out = plume().arg("check").arg(&toml).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let msg = stderr(&out);
    for fragment in [
        toml.display().to_string(),
        "meteorology.file".into(),
        format!("{}:1", csv.display()),
        "wind_speed_km_h".into(),
        "expected one of the documented columns".into(),
        "wind_speed_m_s".into(),
    ] {
        assert!(msg.contains(&fragment), "missing {fragment:?} in:\n{msg}");
    }
}

#[test]
fn check_rejects_a_csv_file_renamed_nc() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake.nc");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/data/lepreau_backing_wind_stations.csv"),
        &fake,
    )
    .unwrap();
    let toml = scenario(
        dir.path(),
        "fake.toml",
        "kind = \"gridded\"\nfile = \"fake.nc\"",
    );
    let out = plume().arg("check").arg(&toml).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let msg = stderr(&out);
    for fragment in [
        toml.display().to_string(),
        fake.display().to_string(),
        "text".into(),
        "expected a netCDF-4".into(),
    ] {
        assert!(msg.contains(&fragment), "missing {fragment:?} in:\n{msg}");
    }
}

#[test]
fn check_passes_every_shipped_scenario() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let out = plume().arg("check").args(&files).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches(": ok").count(), files.len(), "{stdout}");
}

#[test]
fn run_exits_2_on_a_bad_weather_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (toml, csv) = km_h_station_scenario(dir.path());
    let out_dir = dir.path().join("out");
    let out = plume()
        .arg("run")
        .arg(&toml)
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let msg = stderr(&out);
    assert!(
        msg.contains(&csv.display().to_string()) && msg.contains("wind_speed_km_h"),
        "{msg}"
    );
    // The output directory is made and checked writable before the model runs; nothing is
    // written into it.
    let written: Vec<_> = std::fs::read_dir(&out_dir)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(written.is_empty(), "{written:?}");
}

/// Standard output that cannot be written (a full disk) ends the command with exit code 1 and
/// the reason, not a panic (found by review: exit 101 and "failed printing to stdout").
#[test]
fn a_full_standard_output_exits_1_with_the_reason() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("no /dev/full here: skipped");
        return;
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lepreau_stack_east_wind.toml");
    let out = plume()
        .arg("check")
        .arg(&path)
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write to standard output"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_names_every_bad_row_of_a_station_file_not_only_the_first() {
    // Found by review: each run of `plume check` named one bad row.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("rows.csv");
    std::fs::write(
        &csv,
        "time,station,lat,lon,wind_speed_m_s,wind_from_deg,stability\n\
         2026-07-14T12:00:00Z,PLNGS,45.068,-66.455,-4.0,225,D\n\
         2026-07-14T13:00:00Z,PLNGS,45.068,-66.455,5.0,200,Z\n\
         2026-07-14T14:00:00Z,PLNGS,45.068,-66.455,5.0,200,D\n",
    )
    .unwrap();
    let toml = scenario(
        dir.path(),
        "rows.toml",
        "kind = \"station\"\nfile = \"rows.csv\"",
    );
    let out = plume().arg("check").arg(&toml).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let msg = stderr(&out);
    for fragment in [
        format!("{}:2: column wind_speed_m_s = \"-4.0\"", csv.display()),
        format!("{}:3: column stability = \"Z\"", csv.display()),
    ] {
        assert!(msg.contains(&fragment), "missing {fragment:?} in:\n{msg}");
    }
}
