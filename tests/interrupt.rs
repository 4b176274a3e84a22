//! Commands in batches. An interrupted command (Ctrl-C, SIGTERM from a batch scheduler) says
//! so, exits 130 and leaves no half-written files: found by review, an interrupted run left a
//! 41 MB temporary netCDF file in a staging folder that only a later run, a day on, removed.
//! A second command into a folder another one is writing is refused, not silently overwritten.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn an_interrupted_run_exits_130_and_leaves_no_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // A million particles: many seconds on two cores, interrupted after one.
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/flexpart_benchmark.toml");
    let child = Command::new(env!("CARGO_BIN_EXE_plume"))
        .arg("run")
        .arg(&scenario)
        .arg("-o")
        .arg(&out)
        .args(["--backend", "cpu"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let result = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("plume: interrupted"), "{stderr}");
    assert!(!out.exists(), "an interrupted run leaves no output folder");
}

#[test]
fn a_run_into_a_folder_another_command_holds_is_refused_and_the_folder_kept() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("fields.nc"), "an earlier run's").unwrap();
    let held = plume::output::lock::OutputLock::acquire(&out).unwrap();
    let scenario =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lepreau_stack_east_wind.toml");
    let result = Command::new(env!("CARGO_BIN_EXE_plume"))
        .arg("run")
        .arg(&scenario)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("another plume command is writing into"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(out.join("fields.nc")).unwrap(),
        b"an earlier run's"
    );
    drop(held);
    let again = Command::new(env!("CARGO_BIN_EXE_plume"))
        .arg("run")
        .arg(&scenario)
        .args(["-q", "-o"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(again.success());
    assert!(!out.join(plume::output::lock::LOCK_FILE).exists());
}
