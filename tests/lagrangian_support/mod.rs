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
        molar_mass_kg_mol: None,
    }
}

/// A radionuclide with the given half-life.
pub fn nuclide(half_life_s: f64) -> Species {
    Species {
        name: "nuclide".into(),
        unit: AmountUnit::Becquerel,
        half_life_s: Some(half_life_s),
        molar_mass_kg_mol: None,
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
    uniform_column_release_with(top_m, levels, per_level, 0.0, run_s, no_deposition())
}

/// As [`uniform_column_release`], each level releasing over `duration_s` with deposition `dep`.
pub fn uniform_column_release_with(
    top_m: f64,
    levels: usize,
    per_level: usize,
    duration_s: f64,
    run_s: f64,
    dep: DepositionParams,
) -> Vec<SourcePlan> {
    (0..levels)
        .map(|k| {
            let z = (k as f64 + 0.5) / levels as f64 * top_m;
            source(
                [0.0, 0.0, z],
                0.0,
                duration_s,
                run_s,
                &[emission(0, 1.0, 0.0, dep)],
                per_level,
            )
        })
        .collect()
}

/// A neutral boundary layer: u* 0.4 m/s, h 600 m, z0 0.1 m.
pub fn neutral_layer() -> plume::met::BoundaryLayer {
    plume::met::BoundaryLayer {
        friction_velocity_m_s: 0.4,
        obukhov_length_m: f64::INFINITY,
        mixing_height_m: 600.0,
        roughness_length_m: 0.1,
        stability: plume::met::StabilityClass::D,
    }
}

/// The [`neutral_layer`] in a 4 m/s wind along x with 3 mm/h of rain.
pub fn rainy_neutral_column() -> Column {
    Column::from_boundary_layer(&neutral_layer(), 3.0, |_| [4.0, 0.0, 0.0])
}

/// Every process at once: a 1 h release from 20 m of a stable gas (no deposition), a nuclide
/// with a 30 min half-life that deposits dry and wet, and a stable aerosol in a third class,
/// on a 10 km × 5 km grid the plume leaves from the first hour on. Returns (plans, species, grid, run length).
pub fn all_processes_case(particles: usize) -> (Vec<SourcePlan>, Vec<Species>, GridSpec, f64) {
    let run_s = 4_800.0;
    let species = vec![
        tracer(),
        nuclide(1_800.0),
        Species {
            name: "aerosol".into(),
            unit: AmountUnit::Kilogram,
            half_life_s: None,
            molar_mass_kg_mol: None,
        },
    ];
    let iodine = DepositionParams {
        dry_velocity_m_s: 0.01,
        washout_a_per_s: 1.0e-4,
        washout_b: 0.8,
    };
    let aerosol = DepositionParams {
        dry_velocity_m_s: 0.005,
        washout_a_per_s: 5.0e-5,
        washout_b: 0.6,
    };
    let emissions = [
        emission(0, 1.5, 0.0, no_deposition()),
        emission(1, 1.0e9, species[1].decay_constant_per_s(), iodine),
        emission(2, 0.3, 0.0, aerosol),
    ];
    let plans = vec![source(
        [-4_000.0, 0.0, 20.0],
        0.0,
        3_600.0,
        run_s,
        &emissions,
        particles,
    )];
    let g = grid(
        20,
        10,
        500.0,
        -5_000.0,
        -2_500.0,
        &[(0.0, 3.0), (3.0, 50.0), (50.0, 200.0)],
        &[1_200.0, 2_400.0, 3_600.0, run_s],
    );
    (plans, species, g, run_s)
}
