//! `plume compare`: a baseline and its options run as `plume run` runs them, and one table of
//! what each option changes — checked against the linearity of the Gaussian plume, where a
//! release at half the rate halves every dose and peak exactly.

use crate::common;

use std::path::PathBuf;

use plume::compare::{compare_files, CompareError};
use plume::RunOptions;

/// The St. Croix border release at `scale` × its rates, as a scenario file in `dir`, with the
/// wind from 79° so that the plume crosses St. Stephen (1.5 km west-south-west of the source)
/// and the towns' doses enter the table.
fn option_file(dir: &std::path::Path, stem: &str, scale: f64) -> PathBuf {
    let text = common::st_croix_border_scenario("[output]\nformats = [\"json\"]\n")
        .replace("wind_from_deg = 10", "wind_from_deg = 79")
        .replace(
            "rate_bq_s = 2.0e12",
            &format!("rate_bq_s = {:e}", 2.0e12 * scale),
        )
        .replace(
            "rate_bq_s = 2.0e11",
            &format!("rate_bq_s = {:e}", 2.0e11 * scale),
        )
        .replace(
            "name = \"St. Croix border release\"",
            &format!("name = \"{stem}\""),
        );
    let path = dir.join(format!("{stem}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn halving_the_release_halves_every_dose_and_peak_and_never_grows_a_zone() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        option_file(dir.path(), "baseline", 1.0),
        option_file(dir.path(), "half", 0.5),
    ];
    let out = dir.path().join("cmp");
    let c = compare_files(&files, &out, &RunOptions::default()).unwrap();
    assert_eq!(c.options, ["baseline", "half"]);
    let mut doses = 0;
    let mut peaks = 0;
    let mut zones = 0;
    for r in &c.rows {
        let (Some(base), Some(half)) = (r.values[0], r.values[1]) else {
            continue;
        };
        if r.unit == "Sv" || r.metric.contains(": peak") {
            if base > 0.0 {
                assert!(
                    (half / base - 0.5).abs() < 1e-12,
                    "{}: {half} vs {base}",
                    r.metric
                );
                if r.unit == "Sv" {
                    doses += 1;
                } else {
                    peaks += 1;
                }
            }
        } else if r.metric.starts_with("zone ") {
            assert!(half <= base, "{}: {half} > {base}", r.metric);
            zones += 1;
        }
    }
    assert!(
        doses >= 3 && peaks == 4 && zones >= 3,
        "{doses} {peaks} {zones}"
    );
    // What sheltering changes at each town is a row too (and halves with the rest, above).
    assert!(c
        .rows
        .iter()
        .any(|r| r.metric.ends_with(": effective dose 7 d sheltered") && r.values[0] > Some(0.0)));
    // The US PAG zone (Maine) is reached by the baseline.
    assert!(c.rows.iter().any(|r| r.metric
        == "zone US_EPA_PAG_2017 shelter_or_evacuate: area in US-ME"
        && r.values[0].unwrap() > 0.0));
    // How far it reaches, in km from the source: no farther at half the release (above).
    assert!(c.rows.iter().any(
        |r| r.metric == "zone US_EPA_PAG_2017 shelter_or_evacuate: reach"
            && r.unit == "km"
            && r.values[0].unwrap() > 0.5
    ));
    // Each option's own outputs, and the table as CSV and JSON.
    for stem in ["baseline", "half"] {
        assert!(out.join(stem).join("summary.json").is_file());
    }
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), "metric,unit,baseline,half");
    assert_eq!(lines.count(), c.rows.len());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
    assert_eq!(json["rows"].as_array().unwrap().len(), c.rows.len());
    let text = c.to_text();
    assert!(text.contains("-50 %"), "{text}");
}

/// Found by review: a planner had one map per option, in as many folders, and no picture of
/// the options side by side.
#[test]
fn the_options_maps_are_side_by_side_on_one_sheet_until_they_draw_none() {
    use plume::output::map_sheet::{layout, Panel};
    let dir = tempfile::tempdir().unwrap();
    let with_maps = |stem: &str, scale: f64| {
        let path = option_file(dir.path(), stem, scale);
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("formats = [\"json\"]", "formats = [\"json\", \"png\"]");
        std::fs::write(&path, text).unwrap();
        path
    };
    let files = [with_maps("baseline", 1.0), with_maps("half", 0.5)];
    let out = dir.path().join("cmp");
    let c = compare_files(&files, &out, &RunOptions::default()).unwrap();
    assert_eq!(
        c.map_sheet.as_deref(),
        Some(out.join("compare.png").to_str().unwrap())
    );
    let read = |path: PathBuf| Panel::from_png("", &std::fs::read(path).unwrap()).unwrap();
    let maps = [
        read(out.join("baseline").join("map.png")),
        read(out.join("half").join("map.png")),
    ];
    let sheet = read(out.join("compare.png"));
    let (origins, w, h) = layout(&maps);
    assert_eq!((sheet.width, sheet.height), (w, h));
    assert_eq!(w, 12 + 2 * (maps[0].width.max(maps[1].width) + 12));
    // Each option's map, pixel for pixel, in its place: the baseline left, the option right.
    for (m, &(x, y)) in maps.iter().zip(&origins) {
        let row = (m.width * 3) as usize;
        for r in (0..m.height).step_by(7) {
            let at = (((y + r) * w + x) * 3) as usize;
            assert!(
                sheet.rgb[at..at + row] == m.rgb[r as usize * row..(r as usize + 1) * row],
                "row {r} at ({x}, {y})"
            );
        }
    }
    assert!(origins[1].0 > origins[0].0 && origins[1].1 == origins[0].1);
    // Options that draw no map leave no sheet behind, not an older one.
    let files = [
        option_file(dir.path(), "baseline", 1.0),
        option_file(dir.path(), "half", 0.5),
    ];
    let c = compare_files(&files, &out, &RunOptions::default()).unwrap();
    assert_eq!(c.map_sheet, None);
    assert!(!out.join("compare.png").exists());
    assert!(out.join("compare.csv").is_file());
}

#[test]
fn a_comparison_needs_two_files_with_different_names() {
    let dir = tempfile::tempdir().unwrap();
    let one = option_file(dir.path(), "baseline", 1.0);
    let out = dir.path().join("cmp");
    let e = compare_files(std::slice::from_ref(&one), &out, &RunOptions::default()).unwrap_err();
    assert!(matches!(e, CompareError::TooFew(1)));
    assert!(e.is_invalid_scenario());
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let twin = option_file(&sub, "baseline", 0.5);
    let e = compare_files(&[one, twin], &out, &RunOptions::default()).unwrap_err();
    assert!(matches!(e, CompareError::SameStem { .. }), "{e}");
    assert!(!out.exists(), "nothing runs before the names are checked");
}

#[test]
fn every_invalid_option_is_reported_with_its_file_and_field_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let good = option_file(dir.path(), "baseline", 1.0);
    let text = std::fs::read_to_string(&good).unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        text.replace("wind_speed_m_s = 3", "wind_speed_m_s = -3"),
    )
    .unwrap();
    let worse = dir.path().join("worse.toml");
    std::fs::write(&worse, text.replace("duration_s = 7200", "duration_s = -1")).unwrap();
    let out = dir.path().join("cmp");
    let e = compare_files(&[good, bad.clone(), worse], &out, &RunOptions::default()).unwrap_err();
    assert!(e.is_invalid_scenario());
    assert!(!out.exists(), "the baseline did not run");
    let msg = e.to_string();
    assert!(
        msg.contains("bad.toml") && msg.contains("wind_speed_m_s"),
        "{msg}"
    );
    assert!(
        msg.contains("worse.toml") && msg.contains("scenario.duration_s"),
        "{msg}"
    );
    let bad = bad.display().to_string();
    assert!(
        !msg.contains(&format!("{bad}: {bad}")),
        "the file is named once per line: {msg}"
    );
}

/// Options that differ from the baseline in more than their option — another start (other
/// weather), another grid — are compared, with a warning for each difference (found by review:
/// nothing said so).
#[test]
fn an_option_on_another_date_or_grid_is_compared_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = option_file(dir.path(), "baseline", 1.0);
    let same = option_file(dir.path(), "same", 0.5);
    let text = std::fs::read_to_string(&same).unwrap();
    let start = text.lines().find(|l| l.starts_with("start = ")).unwrap();
    let resolution = text
        .lines()
        .find(|l| l.starts_with("resolution_m = "))
        .unwrap();
    let other = dir.path().join("other.toml");
    std::fs::write(
        &other,
        text.replace(start, "start = \"2026-07-15T06:00:00Z\"")
            .replace(resolution, "resolution_m = 250.0"),
    )
    .unwrap();
    let out = dir.path().join("cmp");
    let differences = |w: &[String]| -> Vec<String> {
        w.iter()
            .filter(|w| w.starts_with("option ["))
            .cloned()
            .collect()
    };
    let c = compare_files(&[baseline.clone(), same], &out, &RunOptions::default()).unwrap();
    assert!(differences(&c.warnings).is_empty(), "{:?}", c.warnings);
    // Found by review: the options' own run warnings were in compare.json's runs alone; the
    // comparison now leads with them, each wording once with the options that gave it.
    assert!(
        c.warnings
            .iter()
            .any(|w| w.starts_with("[0], [1]: I-131 is still over the grid")),
        "{:?}",
        c.warnings
    );
    let baseline_copy = baseline.clone();
    let c = compare_files(&[baseline, other], &out, &RunOptions::default()).unwrap();
    let d = differences(&c.warnings);
    assert_eq!(d.len(), 2, "{:?}", c.warnings);
    assert!(
        d[0].starts_with("option [1] (") && d[0].contains("starts at 2026-07-15 06:00 UTC"),
        "{}",
        d[0]
    );
    assert!(
        d[1].contains("another grid (250 m cells, the baseline 500 m)"),
        "{}",
        d[1]
    );
    let text = c.to_text();
    assert!(text.contains("warning: option [1]"), "{text}");
    // Found by review: AEGL zones mapped for another exposure duration compared silently.
    let thirty = dir.path().join("thirty.toml");
    std::fs::write(
        &thirty,
        format!(
            "{}\n[consequence]\naegl_duration_min = 30\n",
            std::fs::read_to_string(&baseline_copy).unwrap()
        ),
    )
    .unwrap();
    let c = compare_files(&[baseline_copy, thirty], &out, &RunOptions::default()).unwrap();
    let d = differences(&c.warnings);
    assert!(
        d.len() == 1
            && d[0].contains("maps its AEGL zones for 30 min exposures, the baseline for 60 min"),
        "{:?}",
        c.warnings
    );
    let json = std::fs::read_to_string(out.join("compare.json")).unwrap();
    assert!(json.contains("\"warnings\""), "{json}");
}

#[test]
fn a_zone_an_option_never_reaches_counts_zero_not_minus_zero() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        option_file(dir.path(), "baseline", 1.0),
        option_file(dir.path(), "negligible", 1e-9),
    ];
    let out = dir.path().join("cmp");
    let c = compare_files(&files, &out, &RunOptions::default()).unwrap();
    let zone_rows: Vec<_> = c
        .rows
        .iter()
        .filter(|r| r.metric.starts_with("zone "))
        .collect();
    assert!(!zone_rows.is_empty());
    for r in zone_rows {
        let v = r.values[1].unwrap();
        assert!(v == 0.0 && v.is_sign_positive(), "{}: {v:?}", r.metric);
    }
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    assert!(!csv.contains(",-0e0"), "{csv}");
}

/// A town that an option's plume misses is not in that run's summary: the table gives it zero
/// ("not reached", −100 %), not a blank (found by review).
#[test]
fn a_town_an_option_no_longer_reaches_reads_not_reached_and_minus_100_percent() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = option_file(dir.path(), "baseline", 1.0);
    let away = dir.path().join("away.toml");
    std::fs::write(
        &away,
        std::fs::read_to_string(&baseline)
            .unwrap()
            .replace("wind_from_deg = 79", "wind_from_deg = 259")
            .replace("name = \"baseline\"", "name = \"away\""),
    )
    .unwrap();
    let out = dir.path().join("cmp");
    let c = compare_files(&[baseline, away], &out, &RunOptions::default()).unwrap();
    let row = c
        .rows
        .iter()
        .find(|r| r.metric == "town St. Stephen: effective dose 7 d")
        .expect("the baseline exposes St. Stephen");
    assert!(row.values[0].is_some_and(|v| v > 1e-9), "{:?}", row.values);
    assert_eq!(row.values[1], Some(0.0));
    let text = c.to_text();
    let line = text
        .lines()
        .find(|l| l.contains("St. Stephen: effective dose 7 d"))
        .unwrap();
    assert!(
        line.contains("not reached") && line.ends_with("-100 %"),
        "{line}"
    );
}

/// A puff-model option at `rate_kg_s` of chlorine whose weather is the station file `csv`,
/// written as `dir/<stem>.toml`.
fn station_option(dir: &std::path::Path, stem: &str, rate_kg_s: f64, csv: &str) -> PathBuf {
    let text = format!(
        r#"
[scenario]
name = "{stem}"
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
release = [{{ substance = "chlorine", rate_kg_s = {rate_kg_s} }}]
[meteorology]
kind = "station"
file = "{csv}"
[model]
kind = "gaussian_puff"
[output]
formats = ["json", "geojson"]
"#
    );
    let path = dir.join(format!("{stem}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// Every file under `dir`, with its bytes, hidden ones included.
fn tree(dir: &std::path::Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(tree(&path));
        } else {
            out.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    out
}

/// An option whose run fails (its weather file turns out to be in km/h) leaves every output
/// folder and the earlier comparison byte for byte as they were, and no staging folder behind.
/// Found by review: the options before it were run and put in place one by one, so the new
/// baseline stood beside the old comparison.
#[test]
fn an_option_that_fails_while_it_runs_changes_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let station = |speed_column: &str, speeds: [f64; 2]| {
        format!(
            "time,station,lat,lon,{speed_column},wind_from_deg,stability\n\
             2026-07-14T12:00:00Z,PLNGS,45.068,-66.455,{},225,D\n\
             2026-07-14T13:00:00Z,PLNGS,45.068,-66.455,{},200,D\n",
            speeds[0], speeds[1]
        )
    };
    std::fs::write(
        dir.path().join("a.csv"),
        station("wind_speed_m_s", [4.0, 5.0]),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.csv"),
        station("wind_speed_m_s", [4.0, 5.0]),
    )
    .unwrap();
    let out = dir.path().join("cmp");
    let files = [
        station_option(dir.path(), "baseline", 1.0, "a.csv"),
        station_option(dir.path(), "option", 0.5, "b.csv"),
    ];
    compare_files(&files, &out, &RunOptions::default()).unwrap();
    let before = tree(&out);
    assert!(before.keys().any(|p| p.ends_with("baseline/zones.geojson")));
    assert!(before.keys().any(|p| p.ends_with("compare.csv")));
    // A new baseline, and an option whose weather now fails when the run reads it.
    station_option(dir.path(), "baseline", 2.0, "a.csv");
    std::fs::write(
        dir.path().join("b.csv"),
        station("wind_speed_km_h", [14.4, 18.0]),
    )
    .unwrap();
    let err = compare_files(&files, &out, &RunOptions::default()).unwrap_err();
    let CompareError::Run { file, .. } = &err else {
        panic!("a run error, got {err}")
    };
    assert_eq!(file, &files[1]);
    let after = tree(&out);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    assert!(before == after, "an output changed");
}

/// A scenario's own warnings (here: a substance outside the library, which runs with no zones)
/// reach the user of `compare` on standard error and every script through `compare.json`
/// (found by review: only `plume run` printed them, and no JSON kept them).
#[test]
fn each_options_scenario_warnings_are_printed_and_kept_in_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let weather = "time,station,lat,lon,wind_speed_m_s,wind_from_deg,stability\n\
                   2026-07-14T12:00:00Z,PLNGS,45.068,-66.455,4,225,D\n\
                   2026-07-14T13:00:00Z,PLNGS,45.068,-66.455,5,200,D\n";
    std::fs::write(dir.path().join("a.csv"), weather).unwrap();
    let base = station_option(dir.path(), "baseline", 1.0, "a.csv");
    let tracer = station_option(dir.path(), "tracer", 1.0, "a.csv");
    let text = std::fs::read_to_string(&tracer)
        .unwrap()
        .replace("substance = \"chlorine\"", "substance = \"SF6 tracer\"");
    std::fs::write(&tracer, text).unwrap();
    let out_dir = dir.path().join("cmp");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_plume"))
        .arg("compare")
        .args([&base, &tracer])
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("tracer.toml") && stderr.contains("warning") && stderr.contains("SF6"),
        "{stderr}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("compare.json")).unwrap()).unwrap();
    let kept = json["runs"][1]["scenario_warnings"].as_array().unwrap();
    assert!(
        kept.iter().any(|w| w.as_str().unwrap().contains("SF6")),
        "{kept:?}"
    );
    // The baseline keeps its own warnings only (its 1800 s intervals are too coarse for the
    // 10-min AEGL means), not the tracer's.
    let baseline = json["runs"][0]["scenario_warnings"].as_array().unwrap();
    assert!(
        !baseline.iter().any(|w| w.as_str().unwrap().contains("SF6")),
        "{baseline:?}"
    );
    // `-q`, as for `run`: nothing but errors, the files still written (found by review: only
    // `run` took it).
    let quiet_dir = dir.path().join("quiet");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_plume"))
        .arg("compare")
        .args([&base, &tracer])
        .args(["-q", "-o"])
        .arg(&quiet_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
    assert!(quiet_dir.join("compare.csv").is_file());
}

#[test]
fn a_comparison_clears_the_option_folders_of_an_earlier_one_it_does_not_write() {
    // Found by review: `compare a b c -o out` then `compare a b -o out` left out/c beside a
    // table without it.
    let dir = tempfile::tempdir().unwrap();
    let files = [
        option_file(dir.path(), "baseline", 1.0),
        option_file(dir.path(), "half", 0.5),
        option_file(dir.path(), "third", 1.0 / 3.0),
    ];
    let out = dir.path().join("cmp");
    compare_files(&files, &out, &RunOptions::default()).unwrap();
    assert!(out.join("third").join("summary.json").is_file());
    assert!(out.join("half").join("summary.json").is_file());
    // A note of the user's in an old option folder is kept, with its folder.
    std::fs::write(out.join("half").join("notes.txt"), "mine").unwrap();
    compare_files(
        &[files[0].clone(), files[2].clone()],
        &out,
        &RunOptions::default(),
    )
    .unwrap();
    assert!(out.join("baseline").join("summary.json").is_file());
    assert!(out.join("third").join("summary.json").is_file());
    assert!(!out.join("half").join("summary.json").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("half").join("notes.txt")).unwrap(),
        "mine"
    );
    std::fs::remove_file(out.join("half").join("notes.txt")).unwrap();
    compare_files(&files[..2], &out, &RunOptions::default()).unwrap();
    assert!(!out.join("third").exists(), "an emptied option folder goes");
    assert!(out.join("half").join("summary.json").is_file());
}

/// Options that leave `aegl_duration_min` unwritten map one AEGL duration, the longest their
/// releases would choose: each scenario's own would follow its release (a 10-min release the 10-min AEGLs), and a shorter
/// release would be compared against other thresholds.
#[test]
fn options_without_a_written_aegl_duration_are_judged_at_one_duration() {
    let dir = tempfile::tempdir().unwrap();
    let file = |stem: &str, release_s: u32| {
        let text = common::CalaisChlorine {
            duration_s: 7200.0,
            ..Default::default()
        }
        .text()
        .replace(
            "duration_s = 1800\n",
            &format!("duration_s = {release_s}\n"),
        ) + "[output]\nformats = [\"json\"]\n";
        let path = dir.path().join(format!("{stem}.toml"));
        std::fs::write(&path, text).unwrap();
        path
    };
    let files = [file("hour", 3600), file("ten_minutes", 600)];
    let c = compare_files(&files, &dir.path().join("cmp"), &RunOptions::default()).unwrap();
    assert!(
        c.warnings
            .iter()
            .any(|w| w.starts_with("[1] (10 min): their releases would map")
                && w.contains("maps the 60 min AEGLs")),
        "{:?}",
        c.warnings
    );
    assert!(
        !c.warnings
            .iter()
            .any(|w| w.contains("maps its AEGL zones for")),
        "{:?}",
        c.warnings
    );
    let zones: Vec<&str> = c
        .rows
        .iter()
        .filter(|r| r.metric.contains("Chlorine AEGL-"))
        .map(|r| r.metric.as_str())
        .collect();
    assert!(!zones.is_empty());
    assert!(zones.iter().all(|m| m.contains("60 min")), "{zones:?}");
    // A 10-min baseline is not the measure of an hour's release: both map the hour's.
    let files = [file("ten_minutes", 600), file("hour", 3600)];
    let c = compare_files(&files, &dir.path().join("cmp2"), &RunOptions::default()).unwrap();
    assert!(
        c.warnings
            .iter()
            .any(|w| w.starts_with("[0] (10 min): their releases would map")),
        "{:?}",
        c.warnings
    );
}
