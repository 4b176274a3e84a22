//! Shared helpers of the GPU integration tests: the device (or a reasoned skip), particle
//! runs on either backend, and the Chang & Hanna (2004) agreement measures.
#![allow(dead_code)]

#[cfg(feature = "gpu")]
use plume::backend::gpu::lagrangian::{self as gpu_lagrangian, GpuRunOptions};
#[cfg(feature = "gpu")]
use plume::backend::gpu::GpuContext;
use plume::field::GridSpec;
#[cfg(feature = "gpu")]
use plume::model::lagrangian::{simulate, Flow, LagrangianConfig, LagrangianRun, SourcePlan};
use plume::scenario::Layer;
use plume::substance::Species;

/// Opens the GPU. Without an adapter the test is skipped (with the reason printed) unless the
/// environment variable `CI` is set: CI installs lavapipe, so there a missing adapter fails.
#[cfg(feature = "gpu")]
pub fn gpu_or_skip(test: &str) -> Option<GpuContext> {
    match GpuContext::new() {
        Ok(ctx) => {
            eprintln!("{test}: running on {}", ctx.adapter);
            Some(ctx)
        }
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "{test}: SKIPPED — {e}; CI is unset (install mesa-vulkan-drivers for lavapipe)"
            );
            None
        }
        Err(e) => panic!("{test}: no GPU adapter in CI: {e}"),
    }
}

/// The backend a test body runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Cpu,
    Gpu,
}

/// Runs the particle model on `backend` (the GPU context must be given for the GPU).
#[allow(clippy::too_many_arguments)]
#[cfg(feature = "gpu")]
pub fn run(
    backend: Backend,
    ctx: Option<&GpuContext>,
    plans: &[SourcePlan],
    species: &[Species],
    grid: &GridSpec,
    flow: &Flow,
    cfg: &LagrangianConfig,
    duration_s: f64,
) -> LagrangianRun {
    match backend {
        Backend::Cpu => simulate(plans, species, grid, flow, cfg, duration_s, &mut |_| {}),
        Backend::Gpu => gpu_lagrangian::simulate(
            ctx.expect("a GPU context"),
            plans,
            species,
            grid,
            flow,
            cfg,
            duration_s,
            GpuRunOptions::default(),
            &mut |_| {},
        )
        .expect("GPU run"),
    }
}

/// A stable gas species.
pub fn gas(name: &str) -> Species {
    Species {
        name: name.into(),
        unit: plume::substance::AmountUnit::Kilogram,
        half_life_s: None,
        molar_mass_kg_mol: plume::substance::Library::embedded()
            .chemical(name)
            .map(|c| c.mw_g_per_mol * 1e-3),
    }
}

/// A grid of `n × n` cells of `dx_m` centred on the origin, with `layers` and output every
/// `interval_s` to `duration_s`.
pub fn grid(
    n: usize,
    dx_m: f64,
    layers: &[(f64, f64)],
    interval_s: f64,
    duration_s: f64,
) -> GridSpec {
    let mut times_s = vec![];
    let mut t = interval_s;
    while t < duration_s - 1e-9 {
        times_s.push(t);
        t += interval_s;
    }
    times_s.push(duration_s);
    GridSpec {
        nx: n,
        ny: n,
        x0_m: -(n as f64 - 1.0) / 2.0 * dx_m,
        y0_m: -(n as f64 - 1.0) / 2.0 * dx_m,
        dx_m,
        layers: layers
            .iter()
            .map(|&(b, t)| Layer {
                bottom_m: b,
                top_m: t,
            })
            .collect(),
        times_s,
        interval_s,
    }
}

/// Normalised mean square error and fraction within a factor of two of `model` against
/// `reference` over the cells where the reference exceeds `floor_fraction` of its maximum
/// (Chang & Hanna 2004); also returns the number of cells compared.
pub fn nmse_fac2(reference: &[f64], model: &[f64], floor_fraction: f64) -> (f64, f64, usize) {
    let max = reference.iter().cloned().fold(0.0, f64::max);
    let pairs: Vec<(f64, f64)> = reference
        .iter()
        .zip(model)
        .filter(|(r, _)| **r > floor_fraction * max)
        .map(|(&r, &m)| (r, m))
        .collect();
    let n = pairs.len() as f64;
    let (mr, mm) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let nmse = pairs.iter().map(|(r, m)| (r - m) * (r - m)).sum::<f64>() / n / (mr * mm);
    let fac2 = pairs
        .iter()
        .filter(|(r, m)| *m >= 0.5 * r && *m <= 2.0 * r)
        .count() as f64
        / n;
    (nmse, fac2, pairs.len())
}
