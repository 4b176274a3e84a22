//! `plume evaluate` end to end: arguments, printed tables, summary lines and files.

use std::process::Command;

fn plume() -> Command {
    Command::new(env!("CARGO_BIN_EXE_plume"))
}

#[test]
fn pairs_mode_prints_a_summary_and_writes_reports() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("pairs.csv");
    std::fs::write(
        &csv,
        "run,distance_m,observed,modelled\na,50,1,2\na,100,2,2\nb,50,4,1\nb,100,8,8\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let result = plume()
        .args(["evaluate", "pairs"])
        .arg(&csv)
        .args(["--by", "distance_m", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let stdout = String::from_utf8_lossy(&result.stdout);
    // FB = (3.75 − 3.25)/3.5 = 0.1429 (the hand-worked example of the measures module).
    assert!(
        stdout.contains("SUMMARY model=pairs quantity=value n=4 FB=0.1429"),
        "{stdout}"
    );
    assert!(stdout.contains("distance_m=100"), "{stdout}");
    for f in ["report.csv", "report.json", "report.png"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // `-o` and `--output`, as for every other command (`--out` above, as before).
    for flag in ["-o", "--output"] {
        let dir = dir.path().join(flag.trim_start_matches('-'));
        let result = plume()
            .args(["evaluate", "pairs", "--replicates", "0"])
            .arg(&csv)
            .arg(flag)
            .arg(&dir)
            .output()
            .unwrap();
        assert!(result.status.success(), "{flag}");
        assert!(dir.join("report.csv").is_file(), "{flag}");
    }
}

#[test]
fn a_bad_value_fails_with_file_line_column_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("bad.csv");
    std::fs::write(&csv, "run,observed,modelled\na,1,2\nb,x1,2\n").unwrap();
    let result = plume()
        .args(["evaluate", "pairs"])
        .arg(&csv)
        .output()
        .unwrap();
    // Invalid input exits 2, as for scenarios (found by review: every evaluate error exited 1).
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("bad.csv") && stderr.contains("line 3"),
        "{stderr}"
    );
    // A command that fails leaves no empty output folder behind (found by review).
    let out = dir.path().join("reports").join("bad");
    let result = plume()
        .args(["evaluate", "pairs"])
        .arg(&csv)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    assert!(!dir.path().join("reports").exists());
    assert!(
        stderr.contains("`observed`") && stderr.contains("`x1`"),
        "{stderr}"
    );
    // So does an unknown model on the command line; a missing file is a failure, 1.
    let models = plume()
        .args([
            "evaluate",
            "prairie-grass",
            "tests/data/prairie-grass",
            "--models",
            "foo",
        ])
        .output()
        .unwrap();
    assert_eq!(
        models.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&models.stderr)
    );
    let missing = plume()
        .args(["evaluate", "pairs"])
        .arg(dir.path().join("none.csv"))
        .output()
        .unwrap();
    // A pairs file that is not there is the user's mistake, as a missing scenario file is (found
    // by review: it exited 1).
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("none.csv") && stderr.contains("expected a CSV file"),
        "{stderr}"
    );
    // Data that cannot be scored names its file (found by review).
    let zeros = dir.path().join("zeros.csv");
    std::fs::write(&zeros, "run,observed,modelled\na,0,2\nb,0,1\n").unwrap();
    let result = plume()
        .args(["evaluate", "pairs"])
        .arg(&zeros)
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("zeros.csv") && stderr.contains("zero"),
        "{stderr}"
    );
    // Too many bootstrap replicates or threads are refused by the command line.
    let huge = plume()
        .args(["evaluate", "pairs", "--replicates", "1000000000"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(huge.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&huge.stderr).contains("from 0 to 100000"));
}

#[test]
fn prairie_grass_mode_ends_with_one_summary_line_per_model_and_quantity() {
    let dir = tempfile::tempdir().unwrap();
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/prairie-grass");
    let result = plume()
        .args([
            "evaluate",
            "prairie-grass",
            data,
            "--models",
            "gaussian_briggs",
            "--replicates",
            "200",
            "-o",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let stdout = String::from_utf8_lossy(&result.stdout);
    let summaries: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("SUMMARY "))
        .collect();
    assert_eq!(summaries.len(), 2, "{stdout}");
    assert!(summaries[0].contains("model=gaussian_briggs quantity=cwic_over_q n=245"));
    assert!(stdout.contains("stability=very_stable"));
    assert!(dir.path().join("gaussian_briggs_cwic_over_q.png").is_file());
    // The pairs the suite wrote score the same through `plume evaluate pairs`.
    let pairs = dir.path().join("gaussian_briggs_cwic_over_q_pairs.csv");
    let again = plume()
        .args(["evaluate", "pairs", "--replicates", "0"])
        .arg(&pairs)
        .output()
        .unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let again = String::from_utf8_lossy(&again.stdout);
    let tail = |line: &str| line.split_once(" n=").map(|(_, t)| t.to_string());
    let rescored = again
        .lines()
        .find(|l| l.starts_with("SUMMARY "))
        .and_then(tail);
    assert_eq!(rescored, tail(summaries[0]), "{again}");
    let arcs = std::fs::read_to_string(dir.path().join("observed_arcs.csv")).unwrap();
    assert_eq!(arcs.lines().count(), 1 + 262);
    assert!(
        arcs.lines()
            .nth(1)
            .unwrap()
            .starts_with("5,50,unstable,-28,"),
        "{arcs}"
    );
}
