//! `plume evaluate output`: a real plume output read at observation points (cell centres,
//! between centres, by latitude/longitude, in time), scored, refused with named errors, and run
//! end to end through the binary.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use ndarray::{Array2, Array3, Array4};
use plume::evaluate::{evaluate, pair_outputs, EvaluationOptions, Pair, PointPairs};
use plume::scenario::Scenario;
use plume::{simulate, write_outputs, RunOptions};

const TIC: &str = "time_integrated_air_concentration_I_131";
const CONC: &str = "air_concentration_I_131";

/// Runs tests/data/evaluate-output/points.toml with its release list replaced by `releases`
/// and returns its `fields.nc`, moved to `dir/<stem>.nc`.
fn output(dir: &Path, stem: &str, releases: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/evaluate-output/points.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace(
        r#"release = [{ nuclide = "I-131", rate_bq_s = 1e9 }]"#,
        &format!("release = [{releases}]"),
    );
    let s = Scenario::parse(&text, &path).unwrap();
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    let run_dir = dir.join(format!("run-{stem}"));
    write_outputs(&s, &sim, &run_dir).unwrap();
    let nc = dir.join(format!("{stem}.nc"));
    std::fs::rename(run_dir.join("fields.nc"), &nc).unwrap();
    nc
}

fn iodine(dir: &Path) -> PathBuf {
    output(dir, "trial07", r#"{ nuclide = "I-131", rate_bq_s = 1e9 }"#)
}

/// The file's coordinates and the variables the tests compare with.
struct Grid {
    x: Vec<f64>,
    y: Vec<f64>,
    lat: Array2<f64>,
    lon: Array2<f64>,
    tic: Array3<f64>,
    conc: Array4<f64>,
}

fn grid(path: &Path) -> Grid {
    let f = hdf5::File::open(path).unwrap();
    let read = |n: &str| f.dataset(n).unwrap();
    Grid {
        x: read("x").read_raw().unwrap(),
        y: read("y").read_raw().unwrap(),
        lat: read("lat").read().unwrap(),
        lon: read("lon").read().unwrap(),
        tic: read(TIC).read().unwrap(),
        conc: read(CONC).read().unwrap(),
    }
}

impl Grid {
    /// Cells (j, i) of layer 0 whose time-integrated value is positive and differs from each
    /// neighbour's, spread along the plume.
    fn plume_cells(&self) -> Vec<(usize, usize)> {
        let mid = self.y.len() / 2;
        (10..self.x.len() - 10)
            .step_by(17)
            .flat_map(|i| [(mid, i), (mid + 1, i + 1), (mid - 2, i + 3)])
            .filter(|&(j, i)| self.tic[[0, j, i]] > 0.0)
            .collect()
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn pair(files: &[PathBuf], obs: &Path, variable: Option<&str>) -> PointPairs {
    pair_outputs(files, obs, variable).unwrap_or_else(|e| panic!("{e}"))
}

fn error(files: &[PathBuf], obs: &Path, variable: Option<&str>) -> String {
    match pair_outputs(files, obs, variable) {
        Ok(p) => panic!("expected an error, got {} pairs", p.points.len()),
        Err(e) => e.to_string(),
    }
}

fn assert_close(got: f64, want: f64, rel: f64, what: &str) {
    assert!(
        (got - want).abs() <= rel * want.abs(),
        "{what}: got {got:e}, want {want:e}"
    );
}

fn assert_mentions(message: &str, parts: &[&str]) {
    for p in parts {
        assert!(message.contains(p), "`{p}` missing from: {message}");
    }
}

#[test]
fn points_at_cell_centres_read_the_cell_values_of_the_layer_and_interval() {
    let dir = tempfile::tempdir().unwrap();
    let nc = iodine(dir.path());
    let g = grid(&nc);
    let cells = g.plume_cells();
    assert!(cells.len() >= 10, "{} plume cells", cells.len());
    let mut csv = String::from("run,x_m,y_m,height_m,observed\n");
    for (n, &(j, i)) in cells.iter().enumerate() {
        let height = if n % 2 == 0 { "" } else { "20" };
        let _ = writeln!(csv, "r{},{},{},{height},1", n % 3, g.x[i], g.y[j]);
    }
    let obs = write(dir.path(), "obs.csv", &csv);
    let paired = pair(std::slice::from_ref(&nc), &obs, None);
    assert_eq!(paired.variable, TIC);
    assert_eq!(paired.units, "Bq s m-3");
    assert_eq!(paired.model, "gaussian_plume");
    assert_eq!(paired.points.len(), cells.len());
    for (n, (p, &(j, i))) in paired.points.iter().zip(&cells).enumerate() {
        let k = n % 2;
        assert_eq!(p.layer, k);
        assert_close(p.pair.modelled, g.tic[[k, j, i]], 1e-12, "cell value");
    }
    // The same points in time: the interval that holds the time, its end included as the
    // file's `time` labels it (found by review: a time copied from the file read the next
    // interval), and the run's start in the first.
    let mut csv = String::from("run,time,x_m,y_m,observed\n");
    let times = [
        ("2026-11-28T00:00:00Z", 0),
        ("2026-11-28T00:15:00Z", 0),
        ("2026-11-28T00:15:01Z", 1),
        ("2026-11-28T01:07:30+00:00", 4),
        ("2026-11-28T03:20:00+02:00", 5),
    ];
    for (n, &(j, i)) in cells.iter().enumerate() {
        let _ = writeln!(csv, "r,{},{},{},1", times[n % 5].0, g.x[i], g.y[j]);
    }
    let obs = write(dir.path(), "timed.csv", &csv);
    let paired = pair(std::slice::from_ref(&nc), &obs, None);
    assert_eq!(paired.variable, CONC);
    for (n, (p, &(j, i))) in paired.points.iter().zip(&cells).enumerate() {
        let t = times[n % 5].1;
        assert_eq!(p.interval, Some(t), "{}", times[n % 5].0);
        assert_close(
            p.pair.modelled,
            g.conc[[t, 0, j, i]],
            1e-12,
            "interval mean",
        );
    }
}

/// Each interval's deposit, on (time, y, x), is read at the interval holding the observation's
/// time and refuses a height (it is a surface field).
#[test]
fn an_intervals_deposit_is_read_at_the_interval_holding_the_time() {
    let dir = tempfile::tempdir().unwrap();
    let nc = iodine(dir.path());
    let g = grid(&nc);
    let name = "interval_dry_deposition_I_131";
    let by: Array3<f64> = hdf5::File::open(&nc)
        .unwrap()
        .dataset(name)
        .unwrap()
        .read()
        .unwrap();
    let cells = g.plume_cells();
    let times = [("2026-11-28T00:15:00Z", 0), ("2026-11-28T01:07:30Z", 4)];
    let mut csv = String::from("run,time,x_m,y_m,observed\n");
    for (n, &(j, i)) in cells.iter().enumerate() {
        let _ = writeln!(csv, "r,{},{},{},1", times[n % 2].0, g.x[i], g.y[j]);
    }
    let obs = write(dir.path(), "deposits.csv", &csv);
    let paired = pair(std::slice::from_ref(&nc), &obs, Some(name));
    assert_eq!(paired.units, "Bq m-2");
    let mut nonzero = 0;
    for (n, (p, &(j, i))) in paired.points.iter().zip(&cells).enumerate() {
        let t = times[n % 2].1;
        assert_eq!(p.interval, Some(t));
        assert_close(p.pair.modelled, by[[t, j, i]], 1e-12, "interval deposit");
        nonzero += usize::from(p.pair.modelled > 0.0);
    }
    assert!(nonzero > 5, "{nonzero}");
    let high = write(
        dir.path(),
        "high.csv",
        &format!(
            "run,time,x_m,y_m,height_m,observed\nr,{},{},{},2,1\n",
            times[0].0, g.x[20], g.y[5]
        ),
    );
    let e = error(std::slice::from_ref(&nc), &high, Some(name));
    assert_mentions(&e, &["surface field", "height_m"]);
}

#[test]
fn points_between_centres_read_the_bilinear_value_of_the_four_neighbours() {
    let dir = tempfile::tempdir().unwrap();
    let nc = iodine(dir.path());
    let g = grid(&nc);
    let (wx, wy) = (0.3, 0.75);
    let cells = g.plume_cells();
    let mut csv = String::from("observed,y_m,run,x_m\n");
    for &(j, i) in &cells {
        let x = g.x[i] + wx * (g.x[i + 1] - g.x[i]);
        let y = g.y[j] + wy * (g.y[j + 1] - g.y[j]);
        let _ = writeln!(csv, "1,{y},r,{x}");
    }
    let obs = write(dir.path(), "obs.csv", &csv);
    let paired = pair(&[nc], &obs, Some(TIC));
    for (p, &(j, i)) in paired.points.iter().zip(&cells) {
        let v = |dj: usize, di: usize| g.tic[[0, j + dj, i + di]];
        let want = (1.0 - wy) * ((1.0 - wx) * v(0, 0) + wx * v(0, 1))
            + wy * ((1.0 - wx) * v(1, 0) + wx * v(1, 1));
        assert_close(p.pair.modelled, want, 1e-12, "bilinear value");
    }
    // The points are not at a corner's value, so nearest-cell or cell-edge reading would fail.
    let differs = paired
        .points
        .iter()
        .zip(&cells)
        .filter(|(p, &(j, i))| (p.pair.modelled / g.tic[[0, j, i]] - 1.0).abs() > 1e-3)
        .count();
    assert!(differs * 2 > cells.len(), "{differs} of {}", cells.len());
}

#[test]
fn lat_lon_from_the_files_own_arrays_map_to_the_same_cells() {
    let dir = tempfile::tempdir().unwrap();
    let nc = iodine(dir.path());
    let g = grid(&nc);
    let mut cells = g.plume_cells();
    // Corners too, where a wrong origin, scale or axis order would show most.
    let (ny, nx) = (g.y.len(), g.x.len());
    cells.extend([(0, 0), (0, nx - 1), (ny - 1, 0), (ny - 1, nx - 1)]);
    let mut csv = String::from("run,lat,lon,observed,site\n");
    for &(j, i) in &cells {
        let _ = writeln!(csv, "r,{},{},1,c{j}_{i}", g.lat[[j, i]], g.lon[[j, i]]);
    }
    let obs = write(dir.path(), "obs.csv", &csv);
    let paired = pair(&[nc], &obs, None);
    for (p, &(j, i)) in paired.points.iter().zip(&cells) {
        assert!(
            (p.x_m - g.x[i]).abs() < 1e-6 && (p.y_m - g.y[j]).abs() < 1e-6,
            "cell ({j}, {i}) at ({}, {}) read at ({}, {})",
            g.x[i],
            g.y[j],
            p.x_m,
            p.y_m
        );
        // Bilinear weights at a cell centre are exact only to rounding (~1e-16), which a
        // neighbour 10¹⁹ times larger (the source cell, beside a cell the plume barely touches)
        // turns into a visible share.
        let neighbours = [
            g.tic[[0, j, i.saturating_sub(1)]],
            g.tic[[0, j, (i + 1).min(nx - 1)]],
            g.tic[[0, j.saturating_sub(1), i]],
            g.tic[[0, (j + 1).min(ny - 1), i]],
        ];
        let rounding = 1e-15 * neighbours.iter().cloned().fold(0.0, f64::max);
        let want = g.tic[[0, j, i]];
        assert!(
            (p.pair.modelled - want).abs() <= 1e-6 * want + rounding,
            "cell ({j}, {i}): got {:e}, want {want:e}",
            p.pair.modelled
        );
        assert_eq!(p.pair.strata["site"], format!("c{j}_{i}"));
    }
}

/// Scores observations that are `factor` times the model at plume cells, over three runs.
fn score_scaled(factor: f64) -> plume::evaluate::Measures {
    let dir = tempfile::tempdir().unwrap();
    let nc = iodine(dir.path());
    let g = grid(&nc);
    let mut csv = String::from("run,x_m,y_m,observed\n");
    for (n, &(j, i)) in g.plume_cells().iter().enumerate() {
        let observed = factor * g.tic[[0, j, i]];
        let _ = writeln!(csv, "r{},{},{},{observed}", n % 3, g.x[i], g.y[j]);
    }
    let obs = write(dir.path(), "obs.csv", &csv);
    let pairs: Vec<Pair> = pair(&[nc], &obs, None)
        .points
        .into_iter()
        .map(|p| p.pair)
        .collect();
    let options = EvaluationOptions {
        threshold: Some(1e-30),
        replicates: 0,
        ..Default::default()
    };
    evaluate(&pairs, &options)
        .unwrap()
        .overall()
        .measures
        .clone()
        .unwrap()
}

#[test]
fn observations_twice_the_model_score_fb_two_thirds_and_mg_two() {
    // FB = (C̄o − C̄p) / (0.5 (C̄o + C̄p)) and MG = exp(mean ln(Co/Cp)): positive FB and MG > 1
    // mean under-prediction (measures.rs), so Co = 2 Cp gives FB = 2/3, MG = 2.
    let m = score_scaled(2.0);
    assert_close(m.fb, 2.0 / 3.0, 1e-12, "FB");
    assert_close(m.mg, 2.0, 1e-12, "MG");
    assert_eq!(m.fac2, 1.0);
    assert_close(m.r, 1.0, 1e-12, "R");
    // And half the model: FB = −2/3, MG = 0.5.
    let m = score_scaled(0.5);
    assert_close(m.fb, -2.0 / 3.0, 1e-12, "FB");
    assert_close(m.mg, 0.5, 1e-12, "MG");
    assert_eq!(m.fac2, 1.0);
}

#[test]
fn several_files_are_matched_to_runs_by_their_stems() {
    let dir = tempfile::tempdir().unwrap();
    let a = iodine(dir.path());
    let b = output(
        dir.path(),
        "trial08",
        r#"{ nuclide = "I-131", rate_bq_s = 3e9 }"#,
    );
    let g = grid(&a);
    let (j, i) = g.plume_cells()[2];
    let csv = format!(
        "run,x_m,y_m,observed\ntrial08,{x},{y},1\ntrial07,{x},{y},1\n",
        x = g.x[i],
        y = g.y[j]
    );
    let obs = write(dir.path(), "obs.csv", &csv);
    let paired = pair(&[a, b], &obs, None);
    let want = g.tic[[0, j, i]];
    assert_close(paired.points[0].pair.modelled, 3.0 * want, 1e-9, "trial08");
    assert_close(paired.points[1].pair.modelled, want, 1e-12, "trial07");
}

#[test]
fn bad_points_are_refused_with_file_line_column_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let nc = iodine(dir.path());
    let g = grid(&nc);
    let (x_far, x_max, y0) = (g.x[g.x.len() - 1] + 1.0, g.x[g.x.len() - 1], g.y[0]);
    let far = format!("run,x_m,y_m,observed\nr,0,0,1\nr,{x_far},{y0},1\n");
    let far_value = format!("`{x_far},{y0}`");
    let extent = format!("x {:.1} to {x_max:.1} m", g.x[0]);
    let nc_name = nc.display().to_string();
    let cases: [(&str, &str, &[&str]); 8] = [
        ("far.csv", &far, &["line 3", "`x_m,y_m`", &far_value, "outside the grid", &nc_name, &extent]),
        (
            "bad_time.csv",
            "run,time,lat,lon,observed\nr,2026-11-28T00:00:00Z,45,-66,1\nr,2026-13-01T00:00:00Z,45,-66,1\n",
            &["line 3", "`time`", "`2026-13-01T00:00:00Z`", "ISO 8601"],
        ),
        (
            "late.csv",
            "run,time,lat,lon,observed\nr,2026-11-28T02:00:01Z,45,-66,1\n",
            &["line 2", "`time`", "`2026-11-28T02:00:01", "no averaging interval", "to 2026-11-28T02:00:00Z"],
        ),
        (
            "high.csv",
            "run,height_m,lat,lon,observed\nr,5,45,-66,1\n",
            &["line 2", "`height_m`", "`5`", "no layer", "0–2, 10–30 m"],
        ),
        (
            "no_obs.csv",
            "run,lat,lon,value\nr,45,-66,1\n",
            &["line 1", "`observed`", "missing column", "run,lat,lon,value"],
        ),
        ("no_pos.csv", "run,lat,observed\nr,45,1\n", &["missing column", "`lon`"]),
        ("neg.csv", "run,lat,lon,observed\nr,45,-66,-1\n", &["line 2", "`observed`", "`-1`"]),
        (
            "inf.csv",
            "run,lat,lon,observed\nr,45,-66,inf\n",
            &["line 2", "`observed`", "finite number ≥ 0", "`inf`"],
        ),
    ];
    for (name, text, parts) in cases {
        let e = error(
            std::slice::from_ref(&nc),
            &write(dir.path(), name, text),
            None,
        );
        assert_mentions(&e, &[name]);
        assert_mentions(&e, parts);
    }
}

#[test]
fn bad_files_and_variables_are_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let nc = iodine(dir.path());
    let nc_name = nc.display().to_string();
    let obs = write(
        dir.path(),
        "obs.csv",
        "run,lat,lon,observed\ntrial07,45,-66,1\n",
    );

    let e = error(
        std::slice::from_ref(&nc),
        &obs,
        Some("air_concentration_Xe_133"),
    );
    assert_mentions(
        &e,
        &[
            &nc_name,
            "no variable `air_concentration_Xe_133`",
            TIC,
            CONC,
        ],
    );

    let two = output(
        dir.path(),
        "two",
        r#"{ nuclide = "I-131", rate_bq_s = 1e9 }, { nuclide = "Cs-137", rate_bq_s = 1e8 }"#,
    );
    let e = error(std::slice::from_ref(&two), &obs, None);
    assert_mentions(
        &e,
        &[
            "two.nc",
            "2 concentration variables",
            CONC,
            "air_concentration_Cs_137",
            "--variable",
        ],
    );
    // A variable named is read as named: interval means are not scored against observations
    // without a time, nor quietly replaced by their integral (Bq s m-3 against Bq m-3).
    let e = error(
        std::slice::from_ref(&two),
        &obs,
        Some("air_concentration_Cs_137"),
    );
    assert_mentions(
        &e,
        &[
            "`air_concentration_Cs_137` varies in time",
            "`time` column",
            "--variable time_integrated_air_concentration_Cs_137",
        ],
    );
    let cs = pair(
        &[two],
        &obs,
        Some("time_integrated_air_concentration_Cs_137"),
    );
    assert_eq!(cs.variable, "time_integrated_air_concentration_Cs_137");

    let other = dir.path().join("trial08.nc");
    std::fs::copy(&nc, &other).unwrap();
    let stray = write(
        dir.path(),
        "stray.csv",
        "run,lat,lon,observed\ntrial07,45,-66,1\ntrial09,45,-66,1\n",
    );
    let e = error(&[nc.clone(), other], &stray, None);
    assert_mentions(
        &e,
        &[
            "stray.csv",
            "line 3",
            "`run`",
            "`trial09`",
            "trial07, trial08",
        ],
    );

    let text = write(dir.path(), "text.nc", "not HDF5\n");
    let e = error(&[text], &obs, None);
    assert_mentions(&e, &["text.nc", "expected a plume output"]);
    let missing = dir.path().join("missing.nc");
    let e = error(&[missing], &obs, None);
    assert_mentions(&e, &["missing.nc"]);
    let foreign = dir.path().join("foreign.nc");
    hdf5::File::create(&foreign).unwrap();
    let e = error(&[foreign], &obs, None);
    assert_mentions(
        &e,
        &["foreign.nc", "no `x` variable", "expected a plume output"],
    );
}

fn plume() -> Command {
    Command::new(env!("CARGO_BIN_EXE_plume"))
}

#[test]
fn cli_scores_an_output_writes_reports_and_pairs_that_pairs_mode_rescores() {
    let dir = tempfile::tempdir().unwrap();
    let nc = iodine(dir.path());
    let g = grid(&nc);
    let mut csv = String::from("run,x_m,y_m,observed,distance\n");
    for (n, &(j, i)) in g.plume_cells().iter().enumerate() {
        let far = if i > g.x.len() / 2 { "far" } else { "near" };
        let _ = writeln!(
            csv,
            "r{},{},{},{:e},{far}",
            n % 4,
            g.x[i],
            g.y[j],
            2.0 * g.tic[[0, j, i]]
        );
    }
    let obs = write(dir.path(), "obs.csv", &csv);
    let out = dir.path().join("report");
    let result = plume()
        .args(["evaluate", "output"])
        .arg(&nc)
        .arg("--observations")
        .arg(&obs)
        .args([
            "--by",
            "distance",
            "--replicates",
            "100",
            "--threshold",
            "1e-30",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let summary = stdout.lines().last().unwrap();
    assert!(
        summary.starts_with(&format!("SUMMARY model=gaussian_plume quantity={TIC} n=")),
        "{stdout}"
    );
    assert_mentions(summary, &["FB=0.6667", "MG=2.0000", "FAC2=1.0000"]);
    assert_mentions(&stdout, &["distance=far", "distance=near", "Bq s m-3"]);
    for f in ["report.csv", "report.json", "report.png", "pairs.csv"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // Each pair traces back to its observation: its line in obs.csv, and where the model was
    // read (found by review: pairs.csv held only run, strata and the two values).
    let written = std::fs::read_to_string(out.join("pairs.csv")).unwrap();
    let mut rows = written.lines().map(|l| l.split(',').collect::<Vec<_>>());
    let header = rows.next().unwrap();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (line, x) = (col("observation_line"), col("model_x_m"));
    let obs_lines: Vec<&str> = csv.lines().collect();
    let mut n = 0;
    for row in rows {
        let k: usize = row[line].parse().unwrap();
        let observed_x = obs_lines[k - 1].split(',').nth(1).unwrap();
        let (a, b): (f64, f64) = (row[x].parse().unwrap(), observed_x.parse().unwrap());
        assert_eq!(a, b, "line {k}");
        n += 1;
    }
    assert_eq!(n, obs_lines.len() - 1);
    let again = plume()
        .args([
            "evaluate",
            "pairs",
            "--threshold",
            "1e-30",
            "--replicates",
            "0",
        ])
        .arg(out.join("pairs.csv"))
        .output()
        .unwrap();
    let again = String::from_utf8_lossy(&again.stdout);
    let tail = |s: &str| {
        s.lines()
            .last()
            .and_then(|l| l.split_once(" n="))
            .map(|t| t.1.to_string())
    };
    assert_eq!(tail(&again), tail(&stdout), "{again}");

    let bad = plume()
        .args(["evaluate", "output"])
        .arg(&nc)
        .arg("--observations")
        .arg(&obs)
        .args(["--variable", "nope"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_mentions(
        &stderr,
        &["plume evaluate:", "trial07.nc", "no variable `nope`"],
    );
}
