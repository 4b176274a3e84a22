//! Deposition against the analytic removal of a well-mixed layer: dry deposition from a layer
//! of depth h removes 1 − e^(−v_d·t/h) when mixing is fast (whether h is deeper or shallower
//! than the deposition layer), independently of the time step; washout removes 1 − e^(−Λt)
//! below the lid and above it alike (rain falls through the whole column).

use crate::lagrangian_support;

use lagrangian_support::*;
use plume::met::{BoundaryLayer, StabilityClass};
use plume::model::lagrangian::{Column, DepositionParams, LagrangianConfig, StepConfig};

fn neutral(h_m: f64, u_star: f64) -> BoundaryLayer {
    BoundaryLayer {
        friction_velocity_m_s: u_star,
        obukhov_length_m: f64::INFINITY,
        mixing_height_m: h_m,
        roughness_length_m: 0.1,
        stability: StabilityClass::D,
    }
}

/// Fraction of the release deposited dry (or wet) after `run_s` from particles spread evenly
/// over heights (0, top_m) in the first second.
fn deposited_fraction(
    column: Column,
    top_m: f64,
    dep: DepositionParams,
    run_s: f64,
    cfg: &LagrangianConfig,
) -> (f64, f64) {
    let plans = uniform_column_release_with(top_m, 200, 200, 1.0, run_s, dep);
    let g = grid(1, 1, 1.0e7, -5.0e6, -5.0e6, &[(0.0, 3.0)], &[run_s]);
    let out = run(&plans, &[tracer()], &g, column, cfg, run_s);
    let b = out.fields.species[0].budget.unwrap();
    assert!(b.relative_imbalance().abs() < 1e-9);
    (b.dry_deposited / b.released, b.wet_deposited / b.released)
}

fn dry(v_d: f64) -> DepositionParams {
    DepositionParams {
        dry_velocity_m_s: v_d,
        washout_a_per_s: 0.0,
        washout_b: 0.8,
    }
}

#[test]
fn dry_deposition_from_a_well_mixed_layer_removes_one_minus_exp_of_vd_t_over_h() {
    // v_d small against the surface layer's conductance κu*/ln(h/δ) ≈ 0.06 m/s, so the layer
    // stays close to well mixed (with v_d = 0.01 m/s the 0–30 m layer is 10 % below the mean and
    // the deposit 5 % below the formula).
    assert_well_mixed_deposition(500.0, 0.5, 0.002, 7_200.0, 3);
}

/// Asserts that a neutral layer of depth `h` (friction velocity `u_star`) loses the fraction
/// 1 − e^(−v_d·t/h) of particles spread evenly through it, within 5 %.
fn assert_well_mixed_deposition(h: f64, u_star: f64, v_d: f64, t: f64, seed: u64) {
    let column = Column::from_boundary_layer(&neutral(h, u_star), 0.0, |_| [0.0; 3]);
    let cfg = LagrangianConfig {
        seed,
        ..Default::default()
    };
    let (got, _) = deposited_fraction(column, h, dry(v_d), t, &cfg);
    let expected = 1.0 - (-v_d * t / h).exp();
    eprintln!("h {h} m: deposited {got:.5}, 1 − e^(−v_d t/h) = {expected:.5}");
    assert!((got / expected - 1.0).abs() < 0.05, "{got} vs {expected}");
}

#[test]
fn halving_the_longest_time_step_leaves_the_dry_deposited_fraction_unchanged() {
    let (h, v_d, t) = (800.0, 0.01, 3_600.0);
    let bl = BoundaryLayer {
        friction_velocity_m_s: 0.35,
        obukhov_length_m: -30.0,
        mixing_height_m: h,
        roughness_length_m: 0.1,
        stability: StabilityClass::B,
    };
    let column = Column::from_boundary_layer(&bl, 0.0, |_| [0.0; 3]);
    let with_max = |max_s: f32| {
        let base = LagrangianConfig::default();
        let cfg = LagrangianConfig {
            seed: 5,
            step: StepConfig {
                max_time_step_s: max_s,
                ..base.step
            },
            ..base
        };
        deposited_fraction(column.clone(), h, dry(v_d), t, &cfg).0
    };
    let (a, b) = (with_max(60.0), with_max(30.0));
    let expected = 1.0 - (-v_d * t / h).exp();
    eprintln!("Δt_max 60 s: {a:.5}, 30 s: {b:.5}, 1 − e^(−v_d t/h) = {expected:.5}");
    assert!((a / b - 1.0).abs() < 0.01, "{a} vs {b}");
    // Below the well-mixed formula, as the air by the ground is depleted: the 2 m layer
    // deposits v_d·C(~1 m), and C(1 m) lies below the layer's mean by the aerodynamic
    // resistance r_a between them, at most the neutral ln(h/1 m)/(κu*) in this unstable layer
    // (K larger than neutral), so the fraction is at least that of v_d/(1 + v_d·r_a)
    // (0.030 here; measured 0.038 against the well-mixed 0.044).
    let r_a = (h / 1.0f64).ln() / (0.4 * 0.35);
    let v_eff = v_d / (1.0 + v_d * r_a);
    let floor = 1.0 - (-v_eff * t / h).exp();
    assert!(
        a < expected && a > floor,
        "{a} outside ({floor}, {expected})"
    );
}

#[test]
fn dry_deposition_under_a_lid_lower_than_the_deposition_layer_is_vd_over_the_lid_height() {
    // A 10 m nocturnal lid (scenarios allow 10 m): the particles' mass is spread over 10 m, not
    // over the 30 m deposition layer, so the surface flux v_d·C removes v_d/h per second.
    assert_well_mixed_deposition(10.0, 0.3, 0.002, 3_600.0, 9);
}

#[test]
fn washout_removes_one_minus_exp_of_lambda_t_below_the_lid_and_above_it() {
    let (h, t, p_mm_h) = (600.0, 3_600.0, 3.0);
    let dep = DepositionParams {
        dry_velocity_m_s: 0.0,
        washout_a_per_s: 1.0e-4,
        washout_b: 0.8,
    };
    let lambda = 1.0e-4 * f64::powf(p_mm_h, 0.8);
    let expected = 1.0 - (-lambda * t).exp();
    let cfg = LagrangianConfig {
        seed: 4,
        ..Default::default()
    };
    let column = || Column::from_boundary_layer(&neutral(h, 0.4), p_mm_h, |_| [0.0; 3]);
    let (_, below) = deposited_fraction(column(), h, dep, t, &cfg);
    eprintln!("below the lid: washed out {below:.5}, 1 − e^(−Λt) = {expected:.5}");
    assert!(
        (below / expected - 1.0).abs() < 1e-3,
        "{below} vs {expected}"
    );
    // Released in the free troposphere 200–400 m above the lid: it stays there, and the rain
    // falling through it washes it out as below (found by review: rain was applied below the
    // mixing height only, so a stack plume over the night boundary layer kept all its mass).
    let plans: Vec<_> = (0..50)
        .map(|k| {
            let z = h + 200.0 + 4.0 * k as f64;
            source(
                [0.0, 0.0, z],
                0.0,
                1.0,
                t,
                &[emission(0, 1.0, 0.0, dep)],
                100,
            )
        })
        .collect();
    let g = grid(1, 1, 1.0e7, -5.0e6, -5.0e6, &[(0.0, 3.0)], &[t]);
    let out = run(&plans, &[tracer()], &g, column(), &cfg, t);
    let b = out.fields.species[0].budget.unwrap();
    assert!(
        b.dry_deposited == 0.0 && b.exited == 0.0,
        "it stays aloft: {b:?}"
    );
    let above = b.wet_deposited / b.released;
    eprintln!("above the lid: washed out {above:.5}, 1 − e^(−Λt) = {expected:.5}");
    assert!(
        (above / expected - 1.0).abs() < 1e-3,
        "{above} vs {expected}"
    );
}
