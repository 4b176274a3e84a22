//! Thomson's (1987) well-mixed criterion: particles that start uniformly distributed in an
//! inhomogeneous boundary layer stay uniform. Without the drift term ∂σw/∂z they gather where
//! σw is small — the negative control that shows the test can fail. In air whose density
//! falls with height the well-mixed state has the particles in proportion to ρ (Stohl &
//! Thomson 1999), which the density drift σw·∂lnρ/∂z keeps.

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
    let counts = layer_histogram(&out.particles, h);
    assert_eq!(
        counts.iter().sum::<f64>(),
        100_000.0,
        "no particle may leave the column"
    );
    counts
}

/// The largest relative deviation from uniform and Pearson's χ² against uniform.
fn deviation_and_chi2(counts: &[f64]) -> (f64, f64) {
    let uniform = counts.iter().sum::<f64>() / counts.len() as f64;
    deviation_and_chi2_from(counts, &vec![uniform; counts.len()])
}

/// χ² with 19 degrees of freedom exceeds 36.191 with probability 0.01.
const CHI2_19_P01: f64 = 36.191;

fn assert_stays_well_mixed(bl: &BoundaryLayer, what: &str) {
    let counts = layer_counts(bl, true);
    eprintln!("{what}: {counts:?}");
    let uniform = counts.iter().sum::<f64>() / counts.len() as f64;
    assert_matches_profile(&counts, &vec![uniform; counts.len()], what);
}

/// Asserts that no layer deviates 5 % from `expected` and that χ² against it is not
/// significant at p = 0.01.
fn assert_matches_profile(counts: &[f64], expected: &[f64], what: &str) {
    let (dev, chi2) = deviation_and_chi2_from(counts, expected);
    eprintln!(
        "{what}: largest deviation {:.2} %, χ² = {chi2:.1}",
        dev * 100.0
    );
    assert!(
        dev < 0.05,
        "{what}: a layer deviates {:.1} % from the expected profile",
        dev * 100.0
    );
    assert!(chi2 < CHI2_19_P01, "{what}: χ² = {chi2:.1} (p < 0.01)");
}

/// Particles per layer of [0, h] in [`LAYERS`] equal layers.
fn layer_histogram(particles: &[plume::model::lagrangian::Particle], h: f64) -> Vec<f64> {
    let mut counts = vec![0.0; LAYERS];
    for p in particles {
        let k = ((f64::from(p.pos[2]) / h * LAYERS as f64) as usize).min(LAYERS - 1);
        counts[k] += 1.0;
    }
    counts
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

/// A density scale height (m) ten times shorter than the air's (10.4 km), so that the profile
/// ∝ ρ differs from uniform by 40 % across a 1000 m layer, far beyond the sampling noise.
const TEST_SCALE_HEIGHT_M: f64 = 2000.0;

/// Counts per layer and the counts expected ∝ ρ = e^(−z/H), after 20 T_Lw(h/2), for ~10⁵
/// particles released in proportion to ρ over [0, h], in a column whose air density falls
/// with scale height H (`density`) or is constant.
fn density_layer_counts(bl: &BoundaryLayer, density: bool) -> (Vec<f64>, Vec<f64>) {
    let h = bl.mixing_height_m;
    let t_s = 20.0 * hanna(bl, 0.5 * h).time_scale_w_s;
    let column = Column::from_boundary_layer(bl, 0.0, |_| [0.0; 3]);
    let column = if density {
        column.with_air_density(|_| -1.0 / TEST_SCALE_HEIGHT_M)
    } else {
        column
    };
    let cfg = LagrangianConfig {
        seed: 1999,
        ..Default::default()
    };
    let g = grid(1, 1, 1.0e7, -5.0e6, -5.0e6, &[(0.0, h)], &[t_s]);
    let rho = |z: f64| (-(z - 0.5 * h) / TEST_SCALE_HEIGHT_M).exp();
    let levels = 1000;
    let plans: Vec<_> = (0..levels)
        .map(|k| {
            let z = (k as f64 + 0.5) / levels as f64 * h;
            let n = (100.0 * rho(z)).round() as usize;
            source(
                [0.0, 0.0, z],
                0.0,
                0.0,
                t_s,
                &[emission(0, 1.0, 0.0, no_deposition())],
                n,
            )
        })
        .collect();
    let out = run(&plans, &[tracer()], &g, column, &cfg, t_s);
    let counts = layer_histogram(&out.particles, h);
    let total: f64 = counts.iter().sum();
    // ∫ρ over each layer, normalised to the particles that stayed in the column.
    let layer = h / LAYERS as f64;
    let mass: Vec<f64> = (0..LAYERS)
        .map(|k| {
            let (lo, hi) = (k as f64 * layer, (k + 1) as f64 * layer);
            TEST_SCALE_HEIGHT_M * (rho(lo) - rho(hi))
        })
        .collect();
    let sum: f64 = mass.iter().sum();
    let expected = mass.iter().map(|m| total * m / sum).collect();
    (counts, expected)
}

/// The largest relative deviation from `expected` and Pearson's χ² against it.
fn deviation_and_chi2_from(counts: &[f64], expected: &[f64]) -> (f64, f64) {
    let dev = counts
        .iter()
        .zip(expected)
        .map(|(c, e)| (c / e - 1.0).abs())
        .fold(0.0, f64::max);
    let chi2 = counts
        .iter()
        .zip(expected)
        .map(|(c, e)| (c - e).powi(2) / e)
        .sum();
    (dev, chi2)
}

#[test]
fn particles_stay_in_proportion_to_the_air_density() {
    for (what, bl) in [("convective", convective()), ("stable", stable())] {
        let (counts, expected) = density_layer_counts(&bl, true);
        assert_matches_profile(&counts, &expected, &format!("{what}, ∝ρ"));
    }
}

#[test]
fn without_the_density_drift_a_convective_layer_mixes_to_uniform() {
    // The negative control: the same particles in air of constant density leave the profile
    // ∝ ρ for uniform (the upper layers gain ~20 %).
    let (counts, expected) = density_layer_counts(&convective(), false);
    let (dev, chi2) = deviation_and_chi2_from(&counts, &expected);
    eprintln!(
        "constant density: deviation from ∝ρ {:.1} %, χ² = {chi2:.0}",
        dev * 100.0
    );
    assert!(dev > 0.12, "only {:.1} % from ∝ρ", dev * 100.0);
}
