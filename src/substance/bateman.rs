//! Decay and parent → daughter ingrowth by the Bateman equations, in closed form.
//!
//! For a parent P (decay constant λp) feeding a daughter D (λd) with branching fraction b,
//! activities A = λN obey dA_p/dt = −λp A_p and dA_d/dt = λd (b A_p − A_d), whose solution is
//! (Bateman 1910):
//!
//! A_d(t) = A_d(0) e^{−λd t} + b λd A_p(0) (e^{−λp t} − e^{−λd t}) / (λd − λp).
//!
//! The difference of exponentials is evaluated as e^{−λ_min t} · (−expm1(−|λd − λp| t))/|λd − λp|,
//! λ_min the smaller constant, so that it stays accurate when λd ≈ λp (its limit is
//! b λ A_p(0) t e^{−λt}) and finite at any age: with the larger constant outside, a short-lived
//! parent of a long-lived daughter (Xe-135m → Xe-135) gave 0 × ∞ = NaN once (λp − λd)t > 710.
//!
//! ## References
//! - Bateman, H. (1910) Solution of a system of differential equations occurring in the theory of
//!   radioactive transformations, Proc. Cambridge Philos. Soc. 15:423–427.

/// (1 − e^{−k t}) / k, the integral of e^{−k s} over [0, t], with its limit t at k → 0.
pub fn decay_integral_s(k_per_s: f64, t_s: f64) -> f64 {
    let x = k_per_s * t_s;
    if x.abs() < 1e-12 {
        t_s * (1.0 - 0.5 * x)
    } else {
        -(-x).exp_m1() / k_per_s
    }
}

/// Parent activity after `t_s` of decay.
pub fn parent_activity(a_parent0: f64, lambda_p_per_s: f64, t_s: f64) -> f64 {
    a_parent0 * (-lambda_p_per_s * t_s).exp()
}

/// Daughter activity at `t_s` from initial parent and daughter activities.
pub fn daughter_activity(
    a_parent0: f64,
    a_daughter0: f64,
    lambda_p_per_s: f64,
    lambda_d_per_s: f64,
    branching: f64,
    t_s: f64,
) -> f64 {
    let slower = lambda_p_per_s.min(lambda_d_per_s);
    let ingrowth = branching
        * lambda_d_per_s
        * a_parent0
        * (-slower * t_s).exp()
        * decay_integral_s((lambda_d_per_s - lambda_p_per_s).abs(), t_s);
    a_daughter0 * (-lambda_d_per_s * t_s).exp() + ingrowth
}

/// Ratio A_d / A_p at age `t_s` of a parent that started pure (no daughter).
pub fn ingrowth_ratio(lambda_p_per_s: f64, lambda_d_per_s: f64, branching: f64, t_s: f64) -> f64 {
    branching * lambda_d_per_s * decay_integral_s(lambda_d_per_s - lambda_p_per_s, t_s)
}

/// ∫₀ᵀ A_p dt (Bq s).
pub fn parent_activity_integral(a_parent0: f64, lambda_p_per_s: f64, t_s: f64) -> f64 {
    a_parent0 * decay_integral_s(lambda_p_per_s, t_s)
}

/// ∫₀ᵀ A_d dt (Bq s) from initial parent and daughter activities.
///
/// The ingrowth term is b λd A_p(0) ∫₀ᵀ e^{−λp s}(1 − e^{−Δ s})/Δ ds with Δ = λd − λp, which is
/// b λd A_p(0) [I(λp) − I(λd)] / Δ with I(k) = (1 − e^{−kT})/k; near Δ = 0 the limit
/// b λd A_p(0) (1 − e^{−λT}(1 + λT)) / λ² with λ = (λp + λd)/2 is used, as its Taylor series
/// T²·Σ (−1)ⁿ (n−1)/n!·(λT)ⁿ⁻² (n ≥ 2) where λT < 0.1, since the closed form loses digits to
/// cancellation there (2·10⁻⁴ relative at λT = 10⁻⁶).
pub fn daughter_activity_integral(
    a_parent0: f64,
    a_daughter0: f64,
    lambda_p_per_s: f64,
    lambda_d_per_s: f64,
    branching: f64,
    t_s: f64,
) -> f64 {
    let delta = lambda_d_per_s - lambda_p_per_s;
    let own = a_daughter0 * decay_integral_s(lambda_d_per_s, t_s);
    let scale = lambda_p_per_s.max(lambda_d_per_s);
    let ingrowth = if (delta * t_s).abs() < 1e-4 {
        // e^{−λp s}(1 − e^{−Δs})/Δ = s e^{−(λp + Δ/2) s} (1 + O(Δ²s²)): with λ the mean of the
        // two constants the error is below (ΔT)²/24 < 1e-9, where the direct difference would
        // lose digits to cancellation.
        let l = 0.5 * (lambda_p_per_s + lambda_d_per_s);
        let x = l * t_s;
        let base = if x < 0.1 {
            // Terms to n = 9: the first dropped one is below 3·10⁻⁶·x⁸ < 10⁻¹³.
            let mut term = 0.5;
            let mut sum = 0.5;
            for n in 3..=9 {
                let n = f64::from(n);
                // Ratio of consecutive terms (−1)ⁿ(n−1)/n!·xⁿ⁻² over its predecessor.
                term *= -x * (n - 1.0) / ((n - 2.0) * n);
                sum += term;
            }
            t_s * t_s * sum
        } else {
            (1.0 - (-x).exp() * (1.0 + x)) / (l * l)
        };
        branching * lambda_d_per_s * a_parent0 * base
    } else if scale * t_s < 1e-12 {
        branching * lambda_d_per_s * a_parent0 * t_s * t_s / 2.0
    } else {
        branching
            * lambda_d_per_s
            * a_parent0
            * (decay_integral_s(lambda_p_per_s, t_s) - decay_integral_s(lambda_d_per_s, t_s))
            / delta
    };
    own + ingrowth
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::LN_2;

    /// Xe-135m (15.3 min) feeds Xe-135 (9.14 h): two weeks on, the closed form
    /// b λd A_p(0) (e^{−λp t} − e^{−λd t})/(λd − λp) is b λd/(λp − λd)·e^{−λd t} to 1e-300, and
    /// the code must give it, not 0 × ∞ = NaN (found by review).
    #[test]
    fn a_short_lived_parent_of_a_long_lived_daughter_stays_finite_at_any_age() {
        let (lp, ld, b) = (LN_2 / 917.4, LN_2 / 32_904.0, 0.994);
        for t in [1.0e3, 1.0e5, 1.0e6, 1.0e7] {
            let got = daughter_activity(1.0, 0.0, lp, ld, b, t);
            let want = b * ld / (lp - ld) * ((-ld * t).exp() - (-lp * t).exp());
            assert!(got.is_finite(), "t {t}: {got}");
            assert!(
                (got - want).abs() <= 1e-12 * want.abs().max(f64::MIN_POSITIVE),
                "t {t}: {got} vs {want}"
            );
        }
        // And the other way round, a long-lived parent of a short-lived daughter.
        let got = daughter_activity(1.0, 0.0, ld, lp, 1.0, 1.0e6);
        let want = lp / (lp - ld) * ((-ld * 1.0e6).exp() - (-lp * 1.0e6).exp());
        assert!((got / want - 1.0).abs() < 1e-12, "{got} vs {want}");
    }

    /// Equal constants with λT just above 10⁻⁶, where 1 − e^{−x}(1 + x) cancels to 2·10⁻⁴
    /// (found by review): the integral is b λ A_p(0) ∫₀ᵀ s e^{−λs} ds, by Simpson's rule.
    #[test]
    fn the_ingrowth_integral_of_equal_constants_keeps_its_digits_at_small_lambda_t() {
        for (l, t) in [
            (1.0e-3, 1.01e-3),
            (1.0e-3, 20.0),
            (1.0e-5, 3600.0),
            (1.0e-3, 80.0),
        ] {
            let got = daughter_activity_integral(1.0, 0.0, l, l, 1.0, t);
            let n = 2000;
            let h = t / f64::from(n);
            let f = |s: f64| s * (-l * s).exp();
            let mut sum = f(0.0) + f(t);
            for k in 1..n {
                sum += f(f64::from(k) * h) * if k % 2 == 1 { 4.0 } else { 2.0 };
            }
            let want = l * sum * h / 3.0;
            assert!(
                (got / want - 1.0).abs() < 1e-11,
                "λ {l}, T {t}: {got} vs {want}"
            );
        }
    }
}
