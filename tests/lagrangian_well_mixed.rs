//! Thomson's (1987) well-mixed criterion: particles that start uniformly distributed in an
//! inhomogeneous boundary layer stay uniform. Without the drift term ∂σw/∂z they gather where
//! σw is small — the negative control that shows the test can fail.

use crate::lagrangian_support;

use lagrangian_support::*;
use plume::met::turbulence::hanna;
use plume::met::{BoundaryLayer, StabilityClass};
use plume::model::lagrangian::{Column, LagrangianConfig};

const LAYERS: usize = 20;

fn convective() -> BoundaryLayer {
    BoundaryLayer {
        friction_velocity_m_s: 0.3,
        obukhov_length_m: -20.0,
        mixing_height_m: 1000.0,
        roughness_length_m: 0.1,
        stability: StabilityClass::A,
    }
}

fn stable() -> BoundaryLayer {
    BoundaryLayer {
        friction_velocity_m_s: 0.25,
        obukhov_length_m: 50.0,
        mixing_height_m: 300.0,
        roughness_length_m: 0.1,
        stability: StabilityClass::E,
    }
}

/// Counts per layer after 20 T_Lw(h/2) for 10⁵ particles started uniform in [0, h].
fn layer_counts(bl: &BoundaryLayer, drift: bool) -> Vec<f64> {
    let h = bl.mixing_height_m;
    let t_s = 20.0 * hanna(bl, 0.5 * h).time_scale_w_s;
    let column = Column::from_boundary_layer(bl, 0.0, |_| [0.0; 3]);
    let mut cfg = LagrangianConfig {
        seed: 1987,
        ..Default::default()
    };
    cfg.step.drift = drift;
    let g = grid(1, 1, 1.0e7, -5.0e6, -5.0e6, &[(0.0, h)], &[t_s]);
    let plans = uniform_column_release(h, 1000, 100, t_s);
    let out = run(&plans, &[tracer()], &g, column, &cfg, t_s);
    let mut counts = vec![0.0; LAYERS];
    for p in &out.particles {
        let k = ((f64::from(p.pos[2]) / h * LAYERS as f64) as usize).min(LAYERS - 1);
        counts[k] += 1.0;
    }
    assert_eq!(
        counts.iter().sum::<f64>(),
        100_000.0,
        "no particle may leave the column"
    );
    counts
}

/// The largest relative deviation from uniform and Pearson's χ² against uniform.
fn deviation_and_chi2(counts: &[f64]) -> (f64, f64) {
    let expected = counts.iter().sum::<f64>() / counts.len() as f64;
    let dev = counts
        .iter()
        .map(|c| (c / expected - 1.0).abs())
        .fold(0.0, f64::max);
    let chi2 = counts
        .iter()
        .map(|c| (c - expected).powi(2) / expected)
        .sum();
    (dev, chi2)
}

/// χ² with 19 degrees of freedom exceeds 36.191 with probability 0.01.
const CHI2_19_P01: f64 = 36.191;

fn assert_stays_well_mixed(bl: &BoundaryLayer, what: &str) {
    let counts = layer_counts(bl, true);
    eprintln!("{what}: {counts:?}");
    let (dev, chi2) = deviation_and_chi2(&counts);
    eprintln!(
        "{what}: largest deviation {:.2} %, χ² = {chi2:.1}",
        dev * 100.0
    );
    assert!(
        dev < 0.05,
        "{what}: a layer deviates {:.1} % from uniform",
        dev * 100.0
    );
    assert!(chi2 < CHI2_19_P01, "{what}: χ² = {chi2:.1} (p < 0.01)");
}

fn assert_drift_is_needed(bl: &BoundaryLayer, what: &str) {
    let counts = layer_counts(bl, false);
    eprintln!("{what} without drift: {counts:?}");
    let (dev, _) = deviation_and_chi2(&counts);
    assert!(
        dev >= 0.20,
        "{what} without drift: only {:.1} % deviation",
        dev * 100.0
    );
}

#[test]
fn convective_layer_stays_well_mixed() {
    assert_stays_well_mixed(&convective(), "convective");
}

#[test]
fn stable_layer_stays_well_mixed() {
    assert_stays_well_mixed(&stable(), "stable");
}

#[test]
fn convective_layer_unmixes_without_the_drift_term() {
    assert_drift_is_needed(&convective(), "convective");
}

#[test]
fn stable_layer_unmixes_without_the_drift_term() {
    assert_drift_is_needed(&stable(), "stable");
}
