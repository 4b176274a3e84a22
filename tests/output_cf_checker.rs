//! Every kind of netCDF file plume writes passes the IOOS compliance checker's CF 1.10 suite with
//! nothing to report: the Gaussian plume with doses and zones, a dense gas with its toxic load,
//! the puff model on station weather, the particle model, and an ensemble. `.ci/setup` installs
//! the checker (pinned) in `.ci/venv`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The checker `.ci/setup` installs, or `None` (with a note) outside CI when it is missing.
fn checker() -> Option<PathBuf> {
    let path = root().join(".ci/venv/bin/compliance-checker");
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is required in CI: run .ci/setup",
        path.display()
    );
    eprintln!("skipping the CF checker: run .ci/setup to install it");
    None
}

fn plume(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_plume"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "plume {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs the CF 1.10 suite on `file` and fails with its report unless it passes everything.
fn assert_cf_clean(checker: &Path, file: &Path) {
    let out = Command::new(checker)
        .args(["--test", "cf:1.10", "--criteria", "strict"])
        .arg(file)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && report.contains("All tests passed!"),
        "{} is not CF 1.10 clean:\n{report}\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_kind_of_output_file_passes_the_cf_1_10_checker() {
    let Some(checker) = checker() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name);
    let run = |scenario: &str, name: &str| {
        plume(&[
            "run",
            scenario,
            "-q",
            "--backend",
            "cpu",
            "-o",
            out(name).to_str().unwrap(),
        ]);
        out(name).join("fields.nc")
    };
    let mut files = vec![
        run("scenarios/lepreau_stack_east_wind.toml", "gaussian"),
        run("scenarios/saint_john_chlorine_railcar.toml", "dense"),
        run("scenarios/lepreau_backing_wind.toml", "puff"),
    ];
    // The particle model: the FLEXPART case with fewer particles.
    let text = std::fs::read_to_string(root().join("scenarios/flexpart_benchmark.toml")).unwrap();
    let small = text.replace("particles = 1_000_000", "particles = 20_000");
    assert_ne!(
        small, text,
        "the benchmark scenario sets its particle count"
    );
    let scenario = out("lagrangian.toml");
    std::fs::write(&scenario, small).unwrap();
    files.push(run(scenario.to_str().unwrap(), "lagrangian"));
    plume(&[
        "ensemble",
        "scenarios/lepreau_stack_east_wind.toml",
        "--members",
        "4",
        "--backend",
        "cpu",
        "-o",
        out("ensemble").to_str().unwrap(),
    ]);
    files.push(out("ensemble").join("ensemble.nc"));
    for f in &files {
        assert_cf_clean(&checker, f);
    }
}
