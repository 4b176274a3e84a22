//! Without any GPU adapter a run under backend "gpu" is a clear error, never a panic, and a run
//! under "auto" goes to the CPU. The machine's adapters are hidden from wgpu by
//! `WGPU_BACKEND=metal` (no Metal outside macOS); this file holds a single test so that setting
//! the variable touches no other test of the binary.
#![cfg(feature = "gpu")]
#![cfg(all(feature = "gpu", not(target_os = "macos")))]

use std::path::Path;

use plume::backend::{BackendChoice, BackendError};
use plume::{simulate, RunError, RunOptions, Scenario};

#[test]
fn no_adapter_is_a_clear_error_under_gpu_and_the_cpu_under_auto() {
    std::env::set_var("WGPU_BACKEND", "metal");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lepreau_stack_east_wind.toml");
    let s = Scenario::load(path).unwrap();
    let gpu = RunOptions {
        backend: Some(BackendChoice::Gpu),
        ..Default::default()
    };
    match simulate(&s, &gpu) {
        Err(e @ RunError::Backend(BackendError::NoAdapter)) => {
            let message = e.to_string();
            assert!(
                message.contains("no GPU adapter") && message.contains("mesa-vulkan-drivers"),
                "{message}"
            );
        }
        other => panic!(
            "expected the no-adapter error, got {:?}",
            other.map(|s| s.backend)
        ),
    }
    let auto = RunOptions {
        backend: Some(BackendChoice::Auto),
        ..Default::default()
    };
    let sim = simulate(&s, &auto).expect("auto falls back to the CPU");
    assert!(sim.backend.starts_with("cpu"), "{}", sim.backend);
}
