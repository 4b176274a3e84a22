//! Shared set-up of the Lagrangian tests: grids, species, sources, runs.
#![allow(dead_code)]

use plume::field::GridSpec;
use plume::model::lagrangian::{
    simulate, Column, DepositionParams, Emission, Flow, LagrangianConfig, LagrangianRun, SourcePlan,
};
use plume::scenario::Layer;
use plume::substance::{AmountUnit, Species};

/// A stable tracer counted in kilograms.
pub fn tracer() -> Species {
    Species {
        name: "tracer".into(),
        unit: AmountUnit::Kilogram,
        half_life_s: None,
    }
}

/// A radionuclide with the given half-life.
pub fn nuclide(half_life_s: f64) -> Species {
    Species {
        name: "nuclide".into(),
        unit: AmountUnit::Becquerel,
        half_life_s: Some(half_life_s),
    }
}

/// A grid of `nx × ny` cells of `dx_m` whose south-west corner is at (x_west_m, y_south_m),
/// with the given layers and output times (equal intervals ending at `times_s`).
pub fn grid(
    nx: usize,
    ny: usize,
    dx_m: f64,
    x_west_m: f64,
    y_south_m: f64,
    layers: &[(f64, f64)],
    times_s: &[f64],
) -> GridSpec {
    GridSpec {
        nx,
        ny,
        x0_m: x_west_m + 0.5 * dx_m,
        y0_m: y_south_m + 0.5 * dx_m,
        dx_m,
        layers: layers
            .iter()
            .map(|&(b, t)| Layer {
                bottom_m: b,
                top_m: t,
            })
            .collect(),
        times_s: times_s.to_vec(),
        interval_s: times_s[0],
    }
}

/// One emission of species 0 at `rate` with deposition `dep`.
pub fn emission(
    species: usize,
    rate_per_s: f64,
    decay_per_s: f64,
    dep: DepositionParams,
) -> Emission {
    Emission {
        species,
        rate_per_s,
        decay_per_s,
        deposition: dep,
    }
}

/// No deposition at all.
pub fn no_deposition() -> DepositionParams {
    DepositionParams {
        dry_velocity_m_s: 0.0,
        washout_a_per_s: 0.0,
        washout_b: 0.8,
    }
}

/// A source at `pos` emitting `emissions` over [start, start + duration] with `n` particles.
pub fn source(
    pos: [f64; 3],
    start_s: f64,
    duration_s: f64,
    run_s: f64,
    emissions: &[Emission],
    n: usize,
) -> SourcePlan {
    SourcePlan::new(pos, start_s, duration_s, run_s, emissions, n).expect("at most four classes")
}

/// Runs silently.
pub fn run(
    plans: &[SourcePlan],
    species: &[Species],
    grid: &GridSpec,
    column: Column,
    cfg: &LagrangianConfig,
    duration_s: f64,
) -> LagrangianRun {
    simulate(
        plans,
        species,
        grid,
        &Flow::Column(column),
        cfg,
        duration_s,
        &mut |_| {},
    )
}

/// `n` instantaneous sources at t = 0 spread evenly over heights (0, top) at (0, 0): a
/// vertically uniform initial distribution of `n · per_level` particles.
pub fn uniform_column_release(
    top_m: f64,
    levels: usize,
    per_level: usize,
    run_s: f64,
) -> Vec<SourcePlan> {
    (0..levels)
        .map(|k| {
            let z = (k as f64 + 0.5) / levels as f64 * top_m;
            source(
                [0.0, 0.0, z],
                0.0,
                0.0,
                run_s,
                &[emission(0, 1.0, 0.0, no_deposition())],
                per_level,
            )
        })
        .collect()
}
