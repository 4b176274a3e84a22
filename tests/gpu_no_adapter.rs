//! Without any GPU adapter the CLI says so clearly and exits with an error under
//! `--backend gpu`, and runs on the CPU under `--backend auto` — never a panic. The machine's
//! adapters are hidden from wgpu by `WGPU_BACKEND=metal` (no Metal on Linux or Windows).
#![cfg(all(feature = "gpu", not(target_os = "macos")))]

use std::path::Path;
use std::process::Command;

fn plume_run(backend: &str, out: &Path) -> std::process::Output {
    let scenario =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lepreau_stack_east_wind.toml");
    Command::new(env!("CARGO_BIN_EXE_plume"))
        .args(["run", "--backend", backend, "--output"])
        .arg(out)
        .arg(&scenario)
        .env("WGPU_BACKEND", "metal")
        .output()
        .expect("the plume binary runs")
}

#[test]
fn no_adapter_is_a_clear_error_under_gpu_and_the_cpu_under_auto() {
    let dir = tempfile::tempdir().unwrap();
    let gpu = plume_run("gpu", dir.path());
    let stderr = String::from_utf8_lossy(&gpu.stderr);
    assert!(
        !gpu.status.success(),
        "--backend gpu without an adapter must fail"
    );
    assert_ne!(gpu.status.code(), Some(101), "panicked: {stderr}");
    assert!(stderr.contains("no GPU adapter"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let auto = plume_run("auto", dir.path());
    let stdout = String::from_utf8_lossy(&auto.stdout);
    assert!(
        auto.status.success(),
        "{}",
        String::from_utf8_lossy(&auto.stderr)
    );
    assert!(stdout.contains("on cpu"), "{stdout}");
}
