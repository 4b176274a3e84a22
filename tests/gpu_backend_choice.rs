//! The backend choice end to end: `model.backend` in the scenario and the `--backend` override,
//! the adapter named in the run summary and the output file, typos refused at load time.
#![cfg(feature = "gpu")]

use crate::support;

use std::path::Path;

use plume::backend::BackendChoice;
use plume::{simulate, RunOptions, Scenario};

fn lepreau(backend_line: &str) -> Result<Scenario, plume::scenario::ScenarioError> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lepreau_stack_east_wind.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace(
        "kind = \"gaussian_plume\"\n",
        &format!("kind = \"gaussian_plume\"\n{backend_line}\n"),
    );
    Scenario::parse(&text, &path)
}

/// `s` run with `--backend cpu`.
fn on_the_cpu(s: &Scenario) -> plume::Simulation {
    let cpu = RunOptions {
        backend: Some(BackendChoice::Cpu),
        ..Default::default()
    };
    simulate(s, &cpu).unwrap()
}

#[test]
fn scenario_backend_parses_and_a_typo_names_the_choices() {
    assert_eq!(lepreau("").unwrap().backend, BackendChoice::Auto);
    assert_eq!(
        lepreau("backend = \"gpu\"").unwrap().backend,
        BackendChoice::Gpu
    );
    assert_eq!(
        lepreau("backend = \"cpu\"").unwrap().backend,
        BackendChoice::Cpu
    );
    let err = lepreau("backend = \"gpuu\"").unwrap_err().to_string();
    assert!(
        err.contains("gpuu") && err.contains("cpu") && err.contains("auto"),
        "{err}"
    );
}

#[test]
fn gpu_backend_runs_names_the_adapter_and_agrees_with_the_cpu() {
    if support::gpu_or_skip("gpu_backend_runs_names_the_adapter_and_agrees_with_the_cpu").is_none()
    {
        return;
    }
    let s = lepreau("backend = \"gpu\"").unwrap();
    let gpu = simulate(&s, &RunOptions::default()).expect("GPU run");
    assert!(gpu.backend.starts_with("gpu ("), "{}", gpu.backend);
    let cpu = on_the_cpu(&s);
    assert!(cpu.backend.starts_with("cpu"), "{}", cpu.backend);
    for (g, c) in gpu.fields.species.iter().zip(&cpu.fields.species) {
        let (tg, tc) = (g.time_integrated.sum(), c.time_integrated.sum());
        assert!(
            (tg - tc).abs() <= 1e-4 * tc,
            "{}: {tg} vs {tc}",
            g.species.name
        );
    }
    // The output file records which adapter ran.
    let dir = tempfile::tempdir().unwrap();
    let written = plume::write_outputs(&s, &gpu, dir.path()).unwrap();
    let nc = written
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "nc"))
        .expect("a netCDF file");
    let file = hdf5::File::open(nc).unwrap();
    let attr: hdf5::types::FixedUnicode<256> = file.attr("backend").unwrap().read_scalar().unwrap();
    assert_eq!(attr.as_str(), gpu.backend);
}

#[test]
fn auto_passes_over_a_software_adapter() {
    let s = lepreau("backend = \"auto\"").unwrap();
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    match plume::backend::gpu_availability() {
        plume::backend::GpuAvailability::Hardware => assert!(sim.backend.starts_with("gpu")),
        other => assert!(sim.backend.starts_with("cpu"), "{other:?}: {}", sim.backend),
    }
}

/// A model that runs on the CPU names the CPU, even with a GPU open: the puffs of the rupture
/// scenario (found by review: the summary named the adapter).
#[test]
fn a_puff_run_with_the_gpu_chosen_names_the_cpu_that_ran_it() {
    if support::gpu_or_skip("a_puff_run_with_the_gpu_chosen_names_the_cpu_that_ran_it").is_none() {
        return;
    }
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/saint_john_chlorine_rupture.toml");
    let s = Scenario::load(&path).unwrap();
    let sim = simulate(
        &s,
        &RunOptions {
            backend: Some(BackendChoice::Gpu),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(sim.backend.starts_with("cpu"), "{}", sim.backend);
    assert!(sim
        .warnings
        .iter()
        .any(|w| w.contains("runs on the CPU; the GPU was not used")));
}

/// A reactor inventory releases 22 nuclides and iodine forms, more than the 16 species the GPU
/// budget once held (the run was refused, and under `auto` on a hardware GPU every such run
/// failed): the particle model runs them on the GPU as on the CPU.
#[test]
fn a_reactor_inventory_runs_on_the_gpu_as_on_the_cpu() {
    if support::gpu_or_skip("a_reactor_inventory_runs_on_the_gpu_as_on_the_cpu").is_none() {
        return;
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lepreau_sunny_afternoon.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(
            "release = [",
            "inventory = { reactor = \"candu6_estimate\", phases = [\"gap_release\"], \
             time_since_shutdown_s = 3600 }\nrelease = [",
        )
        .replace(
            "particles = 400_000",
            "particles = 4_000\nbackend = \"gpu\"",
        );
    let s = Scenario::parse(&text, &path).unwrap();
    let gpu = simulate(&s, &RunOptions::default()).expect("GPU run");
    assert!(gpu.backend.starts_with("gpu ("), "{}", gpu.backend);
    let cpu = on_the_cpu(&s);
    let n = gpu.fields.species.len();
    assert!(n > 16, "{n} species");
    for (g, c) in gpu.fields.species.iter().zip(&cpu.fields.species) {
        let name = &g.species.name;
        let (bg, bc) = (g.budget.unwrap(), c.budget.unwrap());
        assert!(
            (bg.released - bc.released).abs() <= 1e-9 * bc.released,
            "{name}: released {} vs {}",
            bg.released,
            bc.released
        );
        assert!(bg.relative_imbalance().abs() < 1e-12, "{name}: {bg:?}");
        let (tg, tc) = (g.time_integrated.sum(), c.time_integrated.sum());
        assert!((tg - tc).abs() <= 1e-2 * tc, "{name}: {tg} vs {tc}");
    }
}
