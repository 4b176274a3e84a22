//! Dry deposition: in a steady near-ground case the deposited flux equals v_d times the
//! concentration at the surface (the lowest output layer, 0–3 m).

use crate::lagrangian_support;

use lagrangian_support::*;
use plume::met::{BoundaryLayer, StabilityClass};
use plume::model::lagrangian::{Column, DepositionParams, LagrangianConfig};

#[test]
fn deposition_flux_equals_deposition_velocity_times_surface_concentration() {
    let v_d = 0.01;
    let bl = BoundaryLayer {
        friction_velocity_m_s: 0.4,
        obukhov_length_m: f64::INFINITY,
        mixing_height_m: 500.0,
        roughness_length_m: 0.1,
        stability: StabilityClass::D,
    };
    let column = Column::from_boundary_layer(&bl, 0.0, |_| [0.0; 3]);
    let run_s = 3_600.0;
    let dep = DepositionParams {
        dry_velocity_m_s: v_d,
        washout_a_per_s: 0.0,
        washout_b: 0.8,
    };
    // Particles start well mixed through the boundary layer (1000 heights × 100, each height a
    // 1 s release of 100 kg), so the near-ground concentration is steady apart from the slow
    // loss to the ground.
    let plans: Vec<_> = (0..1000)
        .map(|k| {
            let z = (k as f64 + 0.5) / 1000.0 * 500.0;
            source(
                [0.0, 0.0, z],
                0.0,
                1.0,
                run_s,
                &[emission(0, 100.0, 0.0, dep)],
                100,
            )
        })
        .collect();
    let g = grid(1, 1, 1.0e7, -5.0e6, -5.0e6, &[(0.0, 3.0)], &[run_s]);
    let out = run(
        &plans,
        &[tracer()],
        &g,
        column,
        &LagrangianConfig {
            seed: 11,
            ..Default::default()
        },
        run_s,
    );
    let f = &out.fields.species[0];
    let deposited_kg_m2 = f.dry_deposition[[0, 0]];
    let surface_tic_kg_s_m3 = f.time_integrated[[0, 0, 0]];
    let ratio = deposited_kg_m2 / (v_d * surface_tic_kg_s_m3);
    let b = f.budget.unwrap();
    eprintln!(
        "deposited {:.4} of the release; flux / (v_d·C₀₋₃ₘ) = {ratio:.4}",
        b.dry_deposited / b.released
    );
    assert!(
        b.dry_deposited > 0.01 * b.released,
        "too little deposition to test"
    );
    assert!((ratio - 1.0).abs() < 0.10, "flux / (v_d·C) = {ratio}");
}
