//! Decay and parent → daughter ingrowth by the Bateman equations, in closed form.
//!
//! For a parent P (decay constant λp) feeding a daughter D (λd) with branching fraction b,
//! activities A = λN obey dA_p/dt = −λp A_p and dA_d/dt = λd (b A_p − A_d), whose solution is
//! (Bateman 1910):
//!
//! A_d(t) = A_d(0) e^{−λd t} + b λd A_p(0) (e^{−λp t} − e^{−λd t}) / (λd − λp).
//!
//! The difference of exponentials is evaluated as e^{−λp t} · (−expm1(−(λd − λp) t)) so that it
//! stays accurate when λd ≈ λp (its limit is b λ A_p(0) t e^{−λt}) and when λd t is large.
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
    let ingrowth = branching
        * lambda_d_per_s
        * a_parent0
        * (-lambda_p_per_s * t_s).exp()
        * decay_integral_s(lambda_d_per_s - lambda_p_per_s, t_s);
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
/// b λd A_p(0) (1 − e^{−λT}(1 + λT)) / λ² with λ = (λp + λd)/2 is used.
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
        let base = if x < 1e-6 {
            t_s * t_s / 2.0
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
