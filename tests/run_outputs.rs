//! What a run leaves in its output directory: the directory holds one run's files and never
//! mixes two — a run that fails while writing leaves the earlier run's outputs exactly as they
//! were, a run with fewer formats leaves no file of the earlier run and touches nothing plume
//! did not write — and a directory that cannot take the outputs is reported before the model
//! runs, by `run`, `ensemble` and `compare` alike. A `--seed` that cannot act is said to be
//! ignored.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use plume::{simulate, write_outputs, RunOptions, Scenario};

/// A ground-level chlorine release on a coarse grid, wind from `wind_from_deg`, writing
/// `formats`; `met` replaces the uniform meteorology when given.
fn chlorine(wind_from_deg: f64, formats: &str, met: Option<&str>) -> String {
    let uniform = format!(
        "kind = \"uniform\"\nwind_speed_m_s = 4\nwind_from_deg = {wind_from_deg}\nstability = \"D\"\n"
    );
    format!(
        r#"
[scenario]
name = "output directory test"
start = "2026-07-14T06:00:00Z"
duration_s = 3600
[domain]
centre = {{ lat = 45.30, lon = -66.00 }}
extent_m = [12000, 12000]
resolution_m = 400
output_interval_s = 900
[[source]]
location = {{ lat = 45.30, lon = -66.00 }}
height_m = 1
release = [{{ substance = "Chlorine", rate_kg_s = 5.0 }}]
[meteorology]
{}
[model]
kind = "gaussian_plume"
backend = "cpu"
[output]
formats = {formats}
"#,
        met.unwrap_or(&uniform)
    )
}

const ALL: &str = r#"["netcdf", "json", "geojson", "kml", "cap", "png"]"#;

fn parse(text: &str) -> Scenario {
    Scenario::parse(text, Path::new("output_dir_test.toml")).unwrap()
}

fn cpu() -> RunOptions {
    RunOptions {
        threads: Some(2),
        backend: Some(plume::backend::BackendChoice::Cpu),
        ..Default::default()
    }
}

/// Every entry of `dir`: a file's bytes, or `None` for a directory.
fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            let bytes = e
                .file_type()
                .unwrap()
                .is_file()
                .then(|| std::fs::read(e.path()).unwrap());
            (name, bytes)
        })
        .collect()
}

fn plume(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plume"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn a_run_that_fails_while_writing_leaves_the_earlier_outputs_exactly_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let first = parse(&chlorine(270.0, ALL, None));
    write_outputs(&first, &simulate(&first, &cpu()).unwrap(), dir.path()).unwrap();
    // The user's case: map.png turned into a directory, then a run under another wind.
    std::fs::remove_file(dir.path().join("map.png")).unwrap();
    std::fs::create_dir(dir.path().join("map.png")).unwrap();
    let before = snapshot(dir.path());
    let second = parse(&chlorine(180.0, ALL, None));
    let sim = simulate(&second, &cpu()).unwrap();
    let e = write_outputs(&second, &sim, dir.path()).unwrap_err();
    assert!(
        e.to_string()
            .contains("map.png: a directory of that name is in the way"),
        "{e}"
    );
    assert_eq!(
        snapshot(dir.path()),
        before,
        "no file replaced, none added, no staging folder left"
    );
}

#[test]
fn a_run_with_fewer_formats_leaves_no_file_of_the_earlier_run_and_nothing_else_changes() {
    let dir = tempfile::tempdir().unwrap();
    let all = parse(&chlorine(270.0, ALL, None));
    write_outputs(&all, &simulate(&all, &cpu()).unwrap(), dir.path()).unwrap();
    // Files plume did not write with these formats: the user's, and an ensemble's.
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    std::fs::write(dir.path().join("ensemble.nc"), "an ensemble's").unwrap();
    std::fs::create_dir(dir.path().join("figures")).unwrap();
    let json = parse(&chlorine(180.0, r#"["json"]"#, None));
    let written = write_outputs(&json, &simulate(&json, &cpu()).unwrap(), dir.path()).unwrap();
    assert_eq!(written, vec![dir.path().join("summary.json")]);
    let names: Vec<String> = snapshot(dir.path()).into_keys().collect();
    assert_eq!(
        names,
        ["ensemble.nc", "figures", "notes.txt", "summary.json"]
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["outputs"].as_array().unwrap().len(), 1);
}

#[test]
fn an_output_directory_that_cannot_take_the_outputs_is_reported_before_any_model_runs() {
    let dir = tempfile::tempdir().unwrap();
    // A station file without records: the model would fail at once on reading it, so an
    // output error in its place shows the directory was checked first.
    std::fs::write(dir.path().join("stations.csv"), "time,station\n").unwrap();
    let station = "kind = \"station\"\nfile = \"stations.csv\"\n";
    std::fs::write(
        dir.path().join("a.toml"),
        chlorine(270.0, ALL, Some(station)).replace(
            "kind = \"gaussian_plume\"\nbackend = \"cpu\"",
            "kind = \"gaussian_puff\"",
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("b.toml"), chlorine(180.0, ALL, None)).unwrap();
    // A station file without records is invalid input (exit 2) once the model reads it.
    let model_error = plume(&["run", "a.toml", "-o", "out"], dir.path());
    assert_eq!(model_error.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&model_error.stderr).contains("stations.csv"));
    let fails_first = |args: &[&str], message: &str| {
        let out = plume(args, dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(message) && !stderr.contains("stations.csv"),
            "{args:?}: {stderr}"
        );
    };
    // A directory where an output goes.
    std::fs::create_dir_all(dir.path().join("out/map.png")).unwrap();
    fails_first(
        &["run", "a.toml", "-o", "out"],
        "out/map.png: a directory of that name is in the way",
    );
    // A directory that cannot be made (under a file, which stops root too).
    std::fs::write(dir.path().join("afile"), "").unwrap();
    for args in [
        &["run", "a.toml", "-o", "afile/out"][..],
        &["ensemble", "a.toml", "-o", "afile/out"],
        &["compare", "a.toml", "b.toml", "-o", "afile/out"],
    ] {
        fails_first(args, "afile/out");
    }
    // A read-only directory, for a user whom permissions bind (root writes anyway).
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    if std::fs::metadata(&ro).unwrap().uid() != 0 {
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        for args in [
            &["run", "a.toml", "-o", "ro"][..],
            &["ensemble", "a.toml", "-o", "ro"],
            &["compare", "a.toml", "b.toml", "-o", "ro"],
        ] {
            fails_first(args, "cannot write");
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn a_seed_given_to_a_model_without_random_numbers_is_said_to_be_ignored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("b.toml"),
        chlorine(180.0, r#"["json"]"#, None),
    )
    .unwrap();
    let out = plume(&["run", "b.toml", "--seed", "7", "-o", "out"], dir.path());
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let notes: Vec<&str> = stderr.lines().filter(|l| l.contains("--seed")).collect();
    assert_eq!(
        notes,
        ["note: --seed 7 is ignored: model gaussian_plume draws no random numbers"]
    );
    let quiet = plume(
        &["run", "b.toml", "--seed", "7", "-q", "-o", "out"],
        dir.path(),
    );
    assert!(quiet.status.success() && quiet.stderr.is_empty());
}

#[cfg(unix)]
#[test]
fn outputs_take_the_users_umask_like_any_new_file() {
    // Found by review: outputs were forced to 0644, world-readable even under a umask of 077.
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), chlorine(180.0, ALL, None)).unwrap();
    let out = std::process::Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "umask 077 && exec '{}' run a.toml -o out --backend cpu",
            env!("CARGO_BIN_EXE_plume")
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut n = 0;
    for e in std::fs::read_dir(dir.path().join("out")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            let mode = e.metadata().unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", e.path().display());
            n += 1;
        }
    }
    assert!(n >= 6, "{n} files");
}

#[test]
fn the_summary_states_the_wind_the_release_began_in() {
    // The second source starts first (at 06:15): the wind is reported there, at 10 m.
    let second = r#"
[[source]]
name = "first tank"
location = { lat = 45.31, lon = -66.01 }
start_s = 900
duration_s = 600
release = [{ substance = "Chlorine", rate_kg_s = 1.0 }]
[meteorology]"#;
    let text = chlorine(225.0, r#"["json"]"#, None)
        .replace(
            "[[source]]",
            "[[source]]\nname = \"later tank\"\nstart_s = 1800",
        )
        .replace("\n[meteorology]", second);
    let scenario = parse(&text);
    let sim = simulate(&scenario, &cpu()).unwrap();
    let w = sim.release_wind.as_ref().expect("a wind at the release");
    assert_eq!(w.source, "first tank");
    assert_eq!(w.time_utc.to_rfc3339(), "2026-07-14T06:15:00+00:00");
    // Saint John keeps Atlantic daylight time in July.
    assert_eq!(w.time_local, "14 July 2026 at 03:15 ADT (06:15 UTC)");
    // Hourly after the release begins to the run's end; a uniform wind never turns.
    let hours: Vec<f64> = w.hourly.iter().map(|h| h.time_s).collect();
    let expected: Vec<f64> = (1..)
        .map(|k| 900.0 + 3600.0 * f64::from(k))
        .take_while(|&t| t <= scenario.duration_s)
        .collect();
    assert_eq!(hours, expected);
    assert!(w.hourly.iter().all(|h| h.from_deg == w.from_deg));
    assert_eq!(w.turn_text(), None);
    assert!((w.from_deg - 225.0).abs() < 1e-9, "{}", w.from_deg);
    assert!(
        (w.speed_m_s - 4.0).abs() < 1e-9,
        "the scenario's wind is at 10 m"
    );
    assert_eq!(w.stability, 'D');
    let summary = plume::run::summarise(&scenario, &sim, vec![]);
    let expected =
        "wind at the release: from SW (225°), 4.0 m/s at 10 m, class D at first tank, 14 July 2026 at 03:15 ADT (06:15 UTC)";
    let text = summary.to_text();
    assert!(text.contains(expected), "{text}");
    // What to act on comes first: the zones before the physics' peaks.
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle}: {text}"))
    };
    assert!(
        at("wind at the release") < at("protective-action zones"),
        "{text}"
    );
    assert!(
        // The AEGL in ppm too, as the tables and meters give it (NRC AEGL vol. 4: 2.0 ppm).
        at("Chlorine AEGL-2 60 min (≥ 5.80 mg m-3, 2.00 ppm)") < at("peak concentration"),
        "{text}"
    );
    let json = serde_json::to_value(&summary).unwrap();
    assert_eq!(json["release_wind"]["from_deg"], 225.0);
    let ppm = json["consequence"]["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["zone"] == "Chlorine AEGL-2 60 min")
        .map(|z| z["threshold_ppm"].as_f64().unwrap());
    assert!(ppm.is_some_and(|p| (p - 2.0).abs() < 0.01), "{ppm:?}");
}

#[test]
fn a_criterion_no_cell_meets_says_how_close_the_run_came() {
    // 5 kg/s of chlorine for an hour meets every AEGL; 50 g/s meets none of AEGL-3 (58 mg m-3).
    let weak = chlorine(270.0, r#"["json"]"#, None).replace("rate_kg_s = 5.0", "rate_kg_s = 0.05");
    let scenario = parse(&weak);
    let sim = simulate(&scenario, &cpu()).unwrap();
    let zones = &sim.consequence.summary.zones;
    let aegl3 = zones
        .iter()
        .find(|z| z.zone == "Chlorine AEGL-3 60 min")
        .expect("an AEGL-3 row");
    assert!(aegl3.by_jurisdiction.is_empty());
    // The largest 60-min mean is below the threshold and is the map's peak.
    assert!(
        aegl3.largest > 0.0 && aegl3.largest < aegl3.threshold,
        "{}",
        aegl3.largest
    );
    let peak = sim.consequence.exposure.chemicals[0]
        .peak_mean_kg_m3
        .iter()
        .cloned()
        .fold(0.0, f64::max);
    assert!(
        aegl3.largest <= peak && aegl3.largest > 0.2 * peak,
        "{} {peak}",
        aegl3.largest
    );
    let text = plume::run::summarise(&scenario, &sim, vec![]).to_text();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("not met anywhere:"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("Chlorine AEGL-3 60 min (largest "), "{line}");
    assert!(line.contains(" mg m-3, of 58.0 mg m-3)"), "{line}");
}
