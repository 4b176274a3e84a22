//! Dense-gas screening of a continuous release (Britter & McQuaid 1988): whether a gas heavier
//! than air slumps and spreads under gravity near the source, where the passive models of this
//! engine (Gaussian plume and puff, Lagrangian particles) do not apply, and to about what
//! distance.
//!
//! A release of q₀ = Q/ρ₀ m³/s of gas of density ρ₀ into air of density ρₐ under a wind u
//! (at 10 m) has the reduced gravity g₀′ = g(ρ₀ − ρₐ)/ρₐ and the source length D = (q₀/u)^½.
//! Gravity matters where
//!
//! `(g₀′ q₀ / (u³ D))^⅓ ≥ 0.15`  (Britter & McQuaid 1988, §3.2; CCPS 2000, §2.1.3.3).
//!
//! Their workbook correlations then give the distance at which the centreline (maximum) ground
//! concentration has fallen to a fraction C_m/C₀ of the source concentration:
//! x = D·10^β, with β a piecewise-linear function of α = ⅕·log₁₀(g₀′² q₀ / u⁵), tabulated for
//! C_m/C₀ = 0.1, 0.05, 0.02, 0.01, 0.005 and 0.002 ([`CONTINUOUS_CORRELATIONS`]). Below
//! α ≈ −0.7 each β is constant: the passive limit, where the cloud dilutes as a neutral one
//! would. Beyond the last fraction (0.2 %) the workbook itself returns to passive dispersion,
//! so the 0.2 % distance is the extent of the region the passive models misrepresent.
//!
//! **Assumptions.** The gas is released as pure vapour at the air temperature (isothermal,
//! ρ₀ = pM/(RT)). A liquefied gas that flashes (chlorine, ammonia) forms a colder cloud laden
//! with aerosol, denser than this, so the screening understates its dense behaviour; a gas
//! lighter than air (ammonia, M = 17) is screened out even though a refrigerated ammonia
//! release can be denser than air. The correlations hold for ground-level releases of
//! continuous plumes (u·T_release/x ≥ 2.5) and −1 ≤ α ≤ 1; α outside is held at the nearest
//! end and said so.
//!
//! ## References
//! - Britter, R.E., McQuaid, J. (1988) *Workbook on the Dispersion of Dense Gases*. HSE
//!   Contract Research Report No. 17/1988, Health and Safety Executive, Sheffield — the
//!   criterion and the continuous-release correlations (their Fig. 3.6).
//! - Center for Chemical Process Safety (2000) *Guidelines for Chemical Process Quantitative
//!   Risk Analysis*, 2nd ed., AIChE, §2.1.3.3 and its table of the Britter–McQuaid
//!   correlations (the knots below; cross-checked against the table of the open-source
//!   GasDispersion.jl, `src/models/britter_mcquaid_plume.jl`).

use crate::met::boundary_layer::GRAVITY_M_S2;

/// The criterion above which gravity spreading matters (Britter & McQuaid 1988).
pub const CRITERION_THRESHOLD: f64 = 0.15;

/// Molar mass of dry air (kg/mol).
pub const AIR_MOLAR_MASS_KG_MOL: f64 = 0.028_964_7;

/// The Britter–McQuaid continuous-release correlations: for each C_m/C₀, the knots (α, β) of
/// β(α), linear between knots and constant outside them (see the module docs for the source).
pub const CONTINUOUS_CORRELATIONS: [(f64, &[(f64, f64)]); 6] = [
    (0.1, &[(-0.55, 1.75), (-0.14, 1.85), (1.0, 1.28)]),
    (
        0.05,
        &[(-0.68, 1.92), (-0.29, 2.06), (-0.18, 2.06), (1.0, 1.40)],
    ),
    (
        0.02,
        &[(-0.69, 2.08), (-0.31, 2.25), (-0.16, 2.25), (1.0, 1.62)],
    ),
    (
        0.01,
        &[(-0.70, 2.25), (-0.29, 2.45), (-0.20, 2.45), (1.0, 1.83)],
    ),
    (
        0.005,
        &[(-0.67, 2.40), (-0.28, 2.63), (-0.15, 2.63), (1.0, 2.07)],
    ),
    (
        0.002,
        &[(-0.69, 2.60), (-0.25, 2.77), (-0.13, 2.77), (1.0, 2.21)],
    ),
];

/// Range of α over which the correlations were fitted.
pub const ALPHA_RANGE: (f64, f64) = (-1.0, 1.0);

/// The screening of one continuous release.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Screening {
    /// ρ₀/ρₐ, the density of the released vapour relative to the air.
    pub density_ratio: f64,
    /// (g₀′ q₀ / (u³ D))^⅓; gravity spreading matters at or above [`CRITERION_THRESHOLD`].
    pub criterion: f64,
    /// α = ⅕·log₁₀(g₀′² q₀ / u⁵).
    pub alpha: f64,
    /// D = (q₀/u)^½ (m).
    pub source_length_m: f64,
    /// Distance (m) at which the centreline concentration is 10 % of the source's.
    pub ten_percent_m: f64,
    /// Distance (m) at which it is 0.2 %, where the workbook returns to passive dispersion.
    pub passive_beyond_m: f64,
}

impl Screening {
    /// Whether gravity spreading matters near the source.
    pub fn is_dense(&self) -> bool {
        self.criterion >= CRITERION_THRESHOLD
    }

    /// Whether α lay outside the fitted range (the distances then use the nearest end).
    pub fn outside_fit(&self) -> bool {
        !(ALPHA_RANGE.0..=ALPHA_RANGE.1).contains(&self.alpha)
    }
}

/// β(α) of one correlation: linear between knots, constant beyond the ends.
pub fn beta(knots: &[(f64, f64)], alpha: f64) -> f64 {
    let (first, last) = (knots[0], knots[knots.len() - 1]);
    if alpha <= first.0 {
        return first.1;
    }
    if alpha >= last.0 {
        return last.1;
    }
    let k = knots.partition_point(|&(a, _)| a <= alpha);
    let ((a0, b0), (a1, b1)) = (knots[k - 1], knots[k]);
    b0 + (alpha - a0) / (a1 - a0) * (b1 - b0)
}

/// The distance (m) at which the centreline concentration of a release with source length `d_m`
/// and parameter `alpha` is the fraction `ratio` of the source concentration, for a tabulated
/// `ratio`; α is held within [`ALPHA_RANGE`].
pub fn distance_m(ratio: f64, alpha: f64, d_m: f64) -> Option<f64> {
    let (_, knots) = CONTINUOUS_CORRELATIONS.iter().find(|(r, _)| *r == ratio)?;
    let a = alpha.clamp(ALPHA_RANGE.0, ALPHA_RANGE.1);
    Some(d_m * 10f64.powf(beta(knots, a)))
}

/// Screens a continuous release of `rate_kg_s` of a vapour of molar mass `molar_mass_kg_mol`
/// into air at `air_temperature_k` under a 10 m wind `wind_speed_m_s`; `None` when the vapour
/// is not heavier than air or the rate or wind is not positive.
pub fn screen(
    rate_kg_s: f64,
    molar_mass_kg_mol: f64,
    air_temperature_k: f64,
    wind_speed_m_s: f64,
) -> Option<Screening> {
    if !(rate_kg_s > 0.0 && wind_speed_m_s > 0.0 && molar_mass_kg_mol > AIR_MOLAR_MASS_KG_MOL) {
        return None;
    }
    // Ideal gases at the same pressure and temperature: ρ₀/ρₐ = M/Mₐ, and ρₐ = pMₐ/(RT).
    let rho_air = 101_325.0 * AIR_MOLAR_MASS_KG_MOL / (8.314_462_618 * air_temperature_k);
    let density_ratio = molar_mass_kg_mol / AIR_MOLAR_MASS_KG_MOL;
    let rho_gas = density_ratio * rho_air;
    let g_reduced = GRAVITY_M_S2 * (density_ratio - 1.0);
    let q0 = rate_kg_s / rho_gas;
    let u = wind_speed_m_s;
    let d = (q0 / u).sqrt();
    let criterion = (g_reduced * q0 / (u.powi(3) * d)).cbrt();
    let alpha = 0.2 * (g_reduced * g_reduced * q0 / u.powi(5)).log10();
    Some(Screening {
        density_ratio,
        criterion,
        alpha,
        source_length_m: d,
        ten_percent_m: distance_m(0.1, alpha, d)?,
        passive_beyond_m: distance_m(0.002, alpha, d)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHLORINE_KG_MOL: f64 = 0.0709;

    #[test]
    fn a_vapour_no_heavier_than_air_is_not_screened() {
        assert_eq!(screen(10.0, 0.017, 288.15, 3.0), None); // ammonia
        assert_eq!(screen(10.0, AIR_MOLAR_MASS_KG_MOL, 288.15, 3.0), None);
        assert_eq!(screen(0.0, CHLORINE_KG_MOL, 288.15, 3.0), None);
    }

    /// 10 kg/s of chlorine vapour at 15 °C in a 3 m/s wind, by hand: ρₐ = 1.2250 kg/m³,
    /// ρ₀ = 2.9985 kg/m³, g₀′ = 14.198 m/s², q₀ = 3.3350 m³/s, D = 1.0543 m,
    /// criterion = (14.198·3.3350/(27·1.0543))^⅓ = 1.1848, α = ⅕·log₁₀(14.198²·3.3350/243)
    /// = 0.08839; β(0.1) = 1.85 − 0.5·(0.08839 + 0.14) = 1.7358 → 57.4 m;
    /// β(0.002) = 2.77 − (0.56/1.13)·(0.08839 + 0.13) = 2.6618 → 484 m.
    #[test]
    fn chlorine_rail_car_rate_is_dense_to_about_half_a_kilometre() {
        let s = screen(10.0, CHLORINE_KG_MOL, 288.15, 3.0).unwrap();
        assert!((s.density_ratio - 2.4478).abs() < 1e-3, "{s:?}");
        assert!((s.source_length_m - 1.0544).abs() < 1e-3, "{s:?}");
        assert!((s.criterion - 1.1848).abs() < 1e-3, "{s:?}");
        assert!((s.alpha - 0.08839).abs() < 1e-4, "{s:?}");
        assert!((s.ten_percent_m - 57.4).abs() < 0.2, "{s:?}");
        assert!((s.passive_beyond_m - 483.9).abs() < 1.0, "{s:?}");
        assert!(s.is_dense() && !s.outside_fit());
    }

    #[test]
    fn a_weakly_dense_release_follows_the_passive_plateau_and_scales_with_the_source_length() {
        // A heavy vapour trickling out in a strong wind: α far below −0.7, so β is the
        // plateau of each correlation and x ∝ D = (q₀/u)^½: four times the rate, twice the
        // distances.
        let a = screen(0.001, CHLORINE_KG_MOL, 288.15, 8.0).unwrap();
        let b = screen(0.004, CHLORINE_KG_MOL, 288.15, 8.0).unwrap();
        assert!(a.alpha < -1.0 && !a.is_dense(), "{a:?}");
        assert!((a.passive_beyond_m / a.source_length_m - 10f64.powf(2.6)).abs() < 1e-9);
        assert!((b.passive_beyond_m / a.passive_beyond_m - 2.0).abs() < 1e-9);
        assert!(a.outside_fit());
    }

    #[test]
    fn every_correlation_passes_through_its_knots_and_dilution_needs_distance() {
        for (_, knots) in CONTINUOUS_CORRELATIONS {
            for &(a, b) in knots {
                assert!((beta(knots, a) - b).abs() < 1e-12);
            }
        }
        // At every α a lower concentration is reached further away.
        for i in 0..=200 {
            let alpha = -1.0 + 0.01 * i as f64;
            let x: Vec<f64> = CONTINUOUS_CORRELATIONS
                .iter()
                .map(|(r, _)| distance_m(*r, alpha, 1.0).unwrap())
                .collect();
            assert!(x.windows(2).all(|w| w[1] > w[0]), "α = {alpha}: {x:?}");
        }
        assert_eq!(distance_m(0.3, 0.0, 1.0), None);
    }
}
