//! Dense gases by the Britter & McQuaid (1988) workbook: the screening of a continuous release —
//! whether a gas heavier than air slumps and spreads under gravity near the source, where a
//! passive model (the Gaussian puff, the Lagrangian particles) does not apply, and to about
//! what distance — and the workbook's plume itself ([`DensePlume`]: centreline concentration
//! and cloud width with distance), which the Gaussian plume model follows near a release at
//! grade ([`crate::model::gaussian::dense`]).
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
//! **The source gas.** The gas is released as pure vapour at its own temperature T₀ — the air's
//! unless the scenario gives another (`release_temperature_k`: a refrigerated liquid's
//! boil-off, or a liquefied gas flashing at its boiling point) — so ρ₀ = pM/(RT₀) and
//! ρ₀/ρₐ = (M/Mₐ)(Tₐ/T₀) ([`vapour`]). A cold release is denser (chlorine at its boiling point,
//! 239 K, is 2.95 × as dense as air at 288 K; at 288 K, 2.45 ×) and occupies less volume.
//! **Cold releases.** The correlations are written in the source's own volume V₀ (or rate q₀)
//! and density, and give the dilution C_m/C₀ by volume as if the mixing were isothermal; the
//! workbook turns that into a volume fraction with the non-isothermal correction
//! C = C*/(C* + (1 − C*)·T₀/Tₐ) (CCPS 1999 §2.1.3). For mixtures with equal molar heat
//! capacities the volumes of gas and air add (the entrained air cools exactly as the gas warms),
//! so the mass concentration is C*·ρ₀ with ρ₀ at T₀ — no correction is needed for it, and this
//! model works in mass. The aerosol of a flashing release (its liquid fraction) is not
//! represented: it would make the cloud denser and colder still as it evaporates, so the
//! screening still understates such a cloud's dense behaviour. A gas lighter than air at its
//! release temperature (ammonia at 240 K is 0.71 × as dense as air) is screened out. The
//! correlations hold for ground-level releases of continuous plumes (u·T_release/x ≥ 2.5) and
//! −1 ≤ α ≤ 1; α outside is held at the nearest end and said so.
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

/// The pressure (Pa) at which the vapour and the air are compared: one standard atmosphere.
pub const PRESSURE_PA: f64 = 101_325.0;

/// The molar gas constant R (J mol⁻¹ K⁻¹; CODATA 2018, exact).
pub const GAS_CONSTANT_J_MOL_K: f64 = 8.314_462_618;

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
    /// ρ₀, the density of the pure vapour at its release temperature (kg/m³): the source
    /// concentration C₀.
    pub vapour_density_kg_m3: f64,
    /// q₀ = Q/ρ₀ (m³/s).
    pub volume_rate_m3_s: f64,
    /// g₀′ = g(ρ₀ − ρₐ)/ρₐ (m/s²).
    pub reduced_gravity_m_s2: f64,
    /// The 10 m wind u (m/s) the correlations used.
    pub wind_speed_m_s: f64,
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

/// C_m/C₀ at x/L = `x_over_l` on a workbook curve: 1 at and upwind of the source, `near(x/L)`
/// up to the first knot, straight lines between the knots (log₁₀ x/L, log₁₀ C_m/C₀) as the
/// workbook draws them on log–log axes, and x⁻² beyond the last, its far-field form.
pub fn workbook_curve(knots: &[(f64, f64)], near: fn(f64) -> f64, x_over_l: f64) -> f64 {
    if x_over_l <= 0.0 {
        return 1.0;
    }
    let lx = x_over_l.log10();
    if lx <= knots[0].0 {
        return near(x_over_l);
    }
    let last = knots[knots.len() - 1];
    if lx >= last.0 {
        return 10f64.powf(last.1 - 2.0 * (lx - last.0));
    }
    let k = knots.partition_point(|&(x, _)| x <= lx);
    let ((x0, c0), (x1, c1)) = (knots[k - 1], knots[k]);
    10f64.powf(c0 + (lx - x0) / (x1 - x0) * (c1 - c0))
}

/// A vapour of molar mass `molar_mass_kg_mol` at `vapour_temperature_k` entering air at
/// `air_temperature_k`: (ρ₀/ρₐ, ρ₀ in kg/m³, g₀′ = g(ρ₀ − ρₐ)/ρₐ in m/s²). Ideal gases at one
/// pressure, p = 101 325 Pa: ρ = pM/(RT), so ρ₀/ρₐ = (M/Mₐ)(Tₐ/T₀).
pub fn vapour(
    molar_mass_kg_mol: f64,
    vapour_temperature_k: f64,
    air_temperature_k: f64,
) -> (f64, f64, f64) {
    let density = |m: f64, t: f64| PRESSURE_PA * m / (GAS_CONSTANT_J_MOL_K * t);
    let rho_gas = density(molar_mass_kg_mol, vapour_temperature_k);
    let density_ratio = rho_gas / density(AIR_MOLAR_MASS_KG_MOL, air_temperature_k);
    (density_ratio, rho_gas, GRAVITY_M_S2 * (density_ratio - 1.0))
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
/// at `vapour_temperature_k` into air at `air_temperature_k` under a 10 m wind
/// `wind_speed_m_s`; `None` when the vapour is not heavier than the air or the rate or wind is
/// not positive.
pub fn screen(
    rate_kg_s: f64,
    molar_mass_kg_mol: f64,
    [vapour_temperature_k, air_temperature_k]: [f64; 2],
    wind_speed_m_s: f64,
) -> Option<Screening> {
    let (density_ratio, rho_gas, g_reduced) =
        vapour(molar_mass_kg_mol, vapour_temperature_k, air_temperature_k);
    if !(rate_kg_s > 0.0 && wind_speed_m_s > 0.0 && density_ratio > 1.0) {
        return None;
    }
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
        vapour_density_kg_m3: rho_gas,
        volume_rate_m3_s: q0,
        reduced_gravity_m_s2: g_reduced,
        wind_speed_m_s: u,
    })
}

/// The near-field correlation of the workbook, C_m/C₀ = 306/(306 + (x/D)²), for x/D up to
/// [`NEAR_FIELD_END`] (Britter & McQuaid 1988 §3.3; CCPS 1999 §2.1.3).
pub fn near_field_fraction(x_over_d: f64) -> f64 {
    306.0 / (306.0 + x_over_d * x_over_d)
}

/// x/D up to which the near-field correlation holds.
pub const NEAR_FIELD_END: f64 = 30.0;

/// Where the workbook's 10 % point comes early, the near field ends this factor before it:
/// near-field C_m/C₀ at 30 D (0.25) is 2.5 × the 10 %, which the near-field curve falls through
/// over about this factor in x.
pub const NEAR_FIELD_MARGIN: f64 = 2.3;

/// Knots of the centreline curve: the end of the near field and the six correlations.
const KNOTS: usize = 1 + CONTINUOUS_CORRELATIONS.len();

/// The Britter–McQuaid continuous plume of one release: the centreline (maximum) ground-level
/// concentration and the crosswind extent of the gravity-spread cloud with distance, out to the
/// 0.2 % point where the workbook hands over to passive dispersion.
///
/// - **Centreline.** C_m/C₀ follows the near-field correlation to x/D = 30, then the six
///   correlations of [`CONTINUOUS_CORRELATIONS`], read as the workbook draws them: straight
///   lines between the tabulated points on log–log axes (its Fig. 3.6). When the 10 % point
///   comes before x/D = [`NEAR_FIELD_MARGIN`] × 30 (α > 0.5, a very dense release in light
///   wind), the near field ends that factor before it (not before x/D = 1) and the curve runs
///   straight from there to the 10 % point, so that the curve changes continuously with α.
///   (Ending it at x/D = 1 as soon as the 10 % point came before 30 D made the concentration
///   at 20 m jump 3.5 × between 15.8 and 15.9 kg/s of chlorine in a 1 m/s wind.)
/// - **Width.** The cloud's crosswind half-width is L_H = L_H0 + 2.5·l_b^⅓·x^⅔, with
///   L_H0 = D + 8l_b at the source and the buoyancy length l_b = g₀′q₀/u³ (the workbook's
///   plume-dimension relations, as tabulated in CCPS 1999 §2.1.3.3).
///
/// Concentrations are those of an isothermal release (see the module's assumptions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DensePlume {
    /// D (m).
    pub source_length_m: f64,
    /// l_b = g₀′q₀/u³ (m).
    pub buoyancy_length_m: f64,
    /// C₀ (kg/m³).
    pub source_concentration_kg_m3: f64,
    /// (log₁₀(x/D), log₁₀(C_m/C₀)) at the end of the near field and at each correlation.
    knots: [(f64, f64); KNOTS],
}

impl DensePlume {
    /// The plume of a screened release.
    pub fn new(s: &Screening) -> Self {
        let a = s.alpha.clamp(ALPHA_RANGE.0, ALPHA_RANGE.1);
        let first = 10f64.powf(beta(CONTINUOUS_CORRELATIONS[0].1, a));
        let near_end = (first / NEAR_FIELD_MARGIN).clamp(1.0, NEAR_FIELD_END);
        let mut knots = [(0.0, 0.0); KNOTS];
        knots[0] = (near_end.log10(), near_field_fraction(near_end).log10());
        for (k, (ratio, table)) in CONTINUOUS_CORRELATIONS.iter().enumerate() {
            knots[k + 1] = (beta(table, a), ratio.log10());
        }
        DensePlume {
            source_length_m: s.source_length_m,
            buoyancy_length_m: s.reduced_gravity_m_s2 * s.volume_rate_m3_s
                / s.wind_speed_m_s.powi(3),
            source_concentration_kg_m3: s.vapour_density_kg_m3,
            knots,
        }
    }

    /// Distance (m) of the last correlation (C_m/C₀ = 0.2 %), beyond which the cloud is passive.
    pub fn passive_beyond_m(&self) -> f64 {
        self.source_length_m * 10f64.powf(self.knots[KNOTS - 1].0)
    }

    /// C_m/C₀ at downwind distance `x_m` (1 at and upwind of the source); beyond the 0.2 %
    /// point it falls as x⁻², the workbook's far-field form.
    pub fn centreline_fraction(&self, x_m: f64) -> f64 {
        workbook_curve(&self.knots, near_field_fraction, x_m / self.source_length_m)
    }

    /// Crosswind half-width L_H (m) of the cloud at downwind distance `x_m` (L_H0 at and upwind
    /// of the source).
    pub fn half_width_m(&self, x_m: f64) -> f64 {
        let lb = self.buoyancy_length_m;
        self.source_length_m + 8.0 * lb + 2.5 * lb.cbrt() * x_m.max(0.0).powf(2.0 / 3.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHLORINE_KG_MOL: f64 = 0.0709;

    /// The same release flashing at chlorine's boiling point, 239.11 K (NIST Chemistry
    /// WebBook), into the same air, by hand: ρ₀ = pM/(RT₀) = 3.6135 kg/m³, ρ₀/ρₐ = 2.9498
    /// (= 2.4478 · 288.15/239.11), g₀′ = 19.121 m/s², q₀ = 2.7674 m³/s, D = 0.96045 m,
    /// criterion = 1.2684, α = 0.12390; β(0.1) = 1.85 − 0.5·(0.12390 + 0.14) → 50.18 m,
    /// β(0.002) = 2.77 − (0.56/1.13)·(0.12390 + 0.13) → 423.3 m.
    #[test]
    fn a_cold_release_is_denser_and_smaller_by_the_temperature_ratio() {
        let s = screen(10.0, CHLORINE_KG_MOL, [239.11, 288.15], 3.0).unwrap();
        assert!((s.vapour_density_kg_m3 - 3.6135).abs() < 1e-3, "{s:?}");
        assert!((s.density_ratio - 2.9498).abs() < 1e-3, "{s:?}");
        assert!((s.reduced_gravity_m_s2 - 19.121).abs() < 1e-2, "{s:?}");
        assert!((s.source_length_m - 0.96045).abs() < 1e-4, "{s:?}");
        assert!((s.criterion - 1.2684).abs() < 1e-3, "{s:?}");
        assert!((s.alpha - 0.12390).abs() < 1e-4, "{s:?}");
        assert!((s.ten_percent_m - 50.18).abs() < 0.1, "{s:?}");
        assert!((s.passive_beyond_m - 423.3).abs() < 0.5, "{s:?}");
        // Warm enough, the heavy molecule makes a vapour lighter than the air: not screened.
        assert_eq!(screen(10.0, CHLORINE_KG_MOL, [720.0, 288.15], 3.0), None);
        // Refrigerated ammonia at its boiling point (239.8 K) is still lighter than the air.
        assert_eq!(screen(10.0, 0.017_03, [239.8, 288.15], 3.0), None);
    }

    #[test]
    fn a_vapour_no_heavier_than_air_is_not_screened() {
        assert_eq!(screen(10.0, 0.017, [288.15; 2], 3.0), None); // ammonia
        assert_eq!(screen(10.0, AIR_MOLAR_MASS_KG_MOL, [288.15; 2], 3.0), None);
        assert_eq!(screen(0.0, CHLORINE_KG_MOL, [288.15; 2], 3.0), None);
    }

    /// 10 kg/s of chlorine vapour at 15 °C in a 3 m/s wind, by hand: ρₐ = 1.2250 kg/m³,
    /// ρ₀ = 2.9985 kg/m³, g₀′ = 14.198 m/s², q₀ = 3.3350 m³/s, D = 1.0543 m,
    /// criterion = (14.198·3.3350/(27·1.0543))^⅓ = 1.1848, α = ⅕·log₁₀(14.198²·3.3350/243)
    /// = 0.08839; β(0.1) = 1.85 − 0.5·(0.08839 + 0.14) = 1.7358 → 57.4 m;
    /// β(0.002) = 2.77 − (0.56/1.13)·(0.08839 + 0.13) = 2.6618 → 484 m.
    #[test]
    fn chlorine_rail_car_rate_is_dense_to_about_half_a_kilometre() {
        let s = screen(10.0, CHLORINE_KG_MOL, [288.15; 2], 3.0).unwrap();
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
        let a = screen(0.001, CHLORINE_KG_MOL, [288.15; 2], 8.0).unwrap();
        let b = screen(0.004, CHLORINE_KG_MOL, [288.15; 2], 8.0).unwrap();
        assert!(a.alpha < -1.0 && !a.is_dense(), "{a:?}");
        assert!((a.passive_beyond_m / a.source_length_m - 10f64.powf(2.6)).abs() < 1e-9);
        assert!((b.passive_beyond_m / a.passive_beyond_m - 2.0).abs() < 1e-9);
        assert!(a.outside_fit());
    }

    #[test]
    fn the_centreline_falls_continuously_from_the_source_through_every_regime() {
        // A moderate release (α ≈ 0.09, near field to 30 D), a very dense one in light wind
        // (α > 0.6: the 10 % point comes before 30 D) and a weak one (α < −0.7, the plateau).
        for (rate, wind) in [(10.0, 3.0), (200.0, 1.0), (0.01, 8.0)] {
            let s = screen(rate, CHLORINE_KG_MOL, [288.15; 2], wind).unwrap();
            let p = DensePlume::new(&s);
            let d = s.source_length_m;
            assert_eq!(p.centreline_fraction(0.0), 1.0);
            assert!((p.passive_beyond_m() - s.passive_beyond_m).abs() < 1e-9 * d);
            assert!((p.centreline_fraction(s.ten_percent_m) - 0.1).abs() < 1e-12);
            let mut last = 1.0;
            for k in 1..=3000 {
                let x = d * 10f64.powf(k as f64 / 1000.0 - 0.5);
                let c = p.centreline_fraction(x);
                assert!(c < last, "α {}: rises at x/D {}", s.alpha, x / d);
                // No jump: adjacent samples 0.23 % apart in x differ by well under 5 %.
                assert!(
                    c > 0.95 * last || k == 1,
                    "α {}: jumps at x/D {}",
                    s.alpha,
                    x / d
                );
                last = c;
            }
            // Beyond the 0.2 % point, the workbook's x⁻² far field.
            let xt = p.passive_beyond_m();
            let ratio = p.centreline_fraction(2.0 * xt) / p.centreline_fraction(xt);
            assert!((ratio - 0.25).abs() < 1e-12);
        }
        // Across the rate where the 10 % point passes 30 D the curve changes continuously
        // (found by review: 15.8 and 15.9 kg/s differed 3.5 × at 20 m).
        let at = |rate: f64, x: f64| {
            let s = screen(rate, CHLORINE_KG_MOL, [288.15; 2], 1.0).unwrap();
            DensePlume::new(&s).centreline_fraction(x)
        };
        for rate in [8.0, 15.8, 30.0, 60.0] {
            for x in [20.0, 50.0, 70.0] {
                let (a, b) = (at(rate, x), at(rate * 1.01, x));
                assert!(
                    (a / b - 1.0).abs() < 0.05,
                    "{rate} kg/s at {x} m: {a} vs {b}"
                );
            }
        }
        let s = screen(200.0, CHLORINE_KG_MOL, [288.15; 2], 1.0).unwrap();
        assert!(s.alpha > 0.6, "{}", s.alpha);
        // The near field still holds at x = D: 306/307.
        let p = DensePlume::new(&s);
        let at_d = p.centreline_fraction(s.source_length_m);
        assert!((at_d - 306.0 / 307.0).abs() < 1e-12);
    }

    #[test]
    fn the_cloud_is_wider_than_its_source_by_eight_buoyancy_lengths_and_spreads_as_x_to_two_thirds()
    {
        // 10 kg/s at 3 m/s: l_b = g₀′q₀/u³ = 14.198 · 3.3350 / 27 = 1.7537 m.
        let s = screen(10.0, CHLORINE_KG_MOL, [288.15; 2], 3.0).unwrap();
        let p = DensePlume::new(&s);
        assert!(
            (p.buoyancy_length_m - 1.7537).abs() < 1e-3,
            "{}",
            p.buoyancy_length_m
        );
        let l0 = s.source_length_m + 8.0 * p.buoyancy_length_m;
        assert!((p.half_width_m(0.0) - l0).abs() < 1e-12);
        let grow = |x: f64| p.half_width_m(x) - l0;
        assert!((grow(800.0) / grow(100.0) - 4.0).abs() < 1e-9);
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
