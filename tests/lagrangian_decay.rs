//! Radioactive decay follows exp(−λt) from each particle's age, not from repeated
//! multiplication, so the airborne activity is exact to rounding at any time.

use crate::lagrangian_support;

use lagrangian_support::*;
use plume::met::turbulence::Turbulence;
use plume::model::lagrangian::{Column, LagrangianConfig};

#[test]
fn airborne_activity_follows_exp_minus_lambda_t_within_1e_6() {
    let half_life_s = 3_600.0;
    let species = [nuclide(half_life_s)];
    let lambda = species[0].decay_constant_per_s();
    let rate_bq_s = 1.0e12;
    let column = Column::homogeneous(Turbulence::homogeneous(0.5, 100.0), [0.0; 3], Some(1_000.0));
    for run_s in [900.0, 7_200.0, 43_200.0] {
        // A 1 s puff, with 10⁴ particles, in a domain nothing leaves.
        let plans = [source(
            [0.0, 0.0, 100.0],
            0.0,
            1.0,
            run_s,
            &[emission(0, rate_bq_s, lambda, no_deposition())],
            10_000,
        )];
        let g = grid(1, 1, 1.0e7, -5.0e6, -5.0e6, &[(0.0, 1_000.0)], &[run_s]);
        let out = run(
            &plans,
            &species,
            &g,
            column.clone(),
            &LagrangianConfig::default(),
            run_s,
        );
        let b = out.fields.species[0].budget.unwrap();
        // ∫₀¹ q e^(−λ(T−t)) dt for the 1 s release.
        let expected = rate_bq_s / lambda * (-lambda * run_s).exp() * (lambda.exp() - 1.0);
        let rel = b.airborne / expected - 1.0;
        eprintln!(
            "T = {run_s} s: airborne {:.9e} Bq, expected {expected:.9e} ({rel:+.2e})",
            b.airborne
        );
        assert!(rel.abs() < 1e-6, "T = {run_s}: {rel:e}");
        assert!((b.decayed + b.airborne - b.released).abs() <= 1e-12 * b.released);
        assert_eq!(b.exited, 0.0);
    }
}
