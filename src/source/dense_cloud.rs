//! Dense gas clouds of instantaneous releases by the Britter & McQuaid (1988) workbook: the
//! screening of a sudden release (a tank car or storage vessel that ruptures), and the
//! workbook's cloud — its maximum ground-level concentration with distance, and its radius as
//! it slumps under gravity — which the Gaussian puff model follows near a release at grade
//! ([`crate::model::puff::dense`]). The continuous release is [`super::dense_gas`].
//!
//! A cloud of V₀ m³ of gas of density ρ₀ released into air of density ρₐ under a wind u (at
//! 10 m) has the reduced gravity g₀′ = g(ρ₀ − ρₐ)/ρₐ and the source length V₀^⅓. Gravity
//! matters where
//!
//! `(g₀′ V₀^⅓)^½ / u ≥ 0.2`  (Britter & McQuaid 1988, §3.2; CCPS 1999, §2.1.3).
//!
//! Their workbook correlations then give the distance at which the maximum ground-level
//! concentration of the passing cloud has fallen to a fraction C_m/C₀ of the source
//! concentration: x = V₀^⅓·10^β, with β a piecewise-linear function of
//! α = ½·log₁₀(g₀′ V₀^⅓ / u²), tabulated for C_m/C₀ = 0.1, 0.05, 0.02, 0.01, 0.005, 0.002 and
//! 0.001 ([`INSTANTANEOUS_CORRELATIONS`]). Below the lowest α of each β is the passive
//! plateau. Beyond the last fraction (0.1 %) the workbook returns to passive dispersion.
//!
//! A release of duration T is instantaneous for the correlations at distances x where
//! u·T/x ≤ 0.6 (continuous where ≥ 2.5; Britter & McQuaid 1988, §2.2). Here a release counts
//! as instantaneous when that holds where the correlations begin, at the 10 % point.
//!
//! The cloud spreads radially under gravity as R² = R₀² + 1.2·(g₀′V₀)^½·t (the workbook's
//! slumping relation, as tabulated in CCPS 1999 §2.1.3), from a cylinder as tall as it is
//! wide (H₀ = 2R₀, R₀ = (V₀/2π)^⅓) — the shape of the Thorney Island trials' release
//! containers (about 14 m across and 13 m tall), on whose clouds the correlations rest.
//!
//! **Assumptions.** As in [`super::dense_gas`]: the gas is released as pure vapour at its own
//! temperature T₀ (the air's unless the scenario gives another: a liquefied gas flashing at its
//! boiling point), ρ₀ = pM/(RT₀), V₀ = M/ρ₀; the mass concentration is C_m/C₀·ρ₀, cold or not;
//! the aerosol of a flashing release is not represented. The correlations hold for releases at
//! ground level and −1 ≤ α ≤ 1; α outside is held at the nearest end and said so.
//!
//! ## References
//! - Britter, R.E., McQuaid, J. (1988) *Workbook on the Dispersion of Dense Gases*. HSE
//!   Contract Research Report No. 17/1988, Health and Safety Executive, Sheffield — the
//!   criterion, the instantaneous-release correlations (their Fig. 3.7) and the slumping
//!   relation.
//! - Center for Chemical Process Safety (1999) *Guidelines for Consequence Analysis of
//!   Chemical Releases*, AIChE, §2.1.3 — the correlations as piecewise-linear fits of β(α);
//!   the knots below are the ends of those fits, which meet to within 0.01 in β
//!   (cross-checked against the table of the open-source GasDispersion.jl,
//!   `src/utils/britter_mcquaid_correls.jl`).

use super::dense_gas::{beta, vapour, workbook_curve, ALPHA_RANGE};

/// The criterion above which gravity spreading of a cloud matters (Britter & McQuaid 1988).
pub const CRITERION_THRESHOLD: f64 = 0.2;

/// A release is instantaneous for the correlations at distances x with u·T_release/x at most
/// this (Britter & McQuaid 1988).
pub const INSTANTANEOUS_MAX_RATIO: f64 = 0.6;

/// The Britter–McQuaid instantaneous-release correlations: for each C_m/C₀, the knots (α, β)
/// of β(α), linear between knots and constant outside them (see the module docs for the
/// source).
pub const INSTANTANEOUS_CORRELATIONS: [(f64, &[(f64, f64)]); 7] = [
    (0.1, &[(-0.44, 0.70), (0.43, 0.93), (1.0, 0.93)]),
    (0.05, &[(-0.56, 0.85), (0.31, 1.08), (1.0, 1.00)]),
    (0.02, &[(-0.66, 0.95), (0.32, 1.30), (1.0, 1.12)]),
    (0.01, &[(-0.71, 1.15), (0.37, 1.52), (1.0, 1.28)]),
    (0.005, &[(-0.52, 1.48), (0.24, 1.68), (1.0, 1.45)]),
    (0.002, &[(0.27, 1.83), (1.0, 1.60)]),
    (0.001, &[(-0.10, 2.075), (1.0, 1.78)]),
];

/// The workbook's near-field form for a cloud, C_m/C₀ = 3.24/(3.24 + x′²), x′ = x/V₀^⅓
/// (Britter & McQuaid 1988; CCPS 1999 §2.1.3).
pub fn near_field_fraction(x_prime: f64) -> f64 {
    3.24 / (3.24 + x_prime * x_prime)
}

/// x′ up to which the near-field form is used: where it has fallen to a quarter, as the
/// continuous plume's near field has at its end (x/D = 30: 306/(306 + 900) = 0.254).
pub const NEAR_FIELD_END: f64 = 3.117_691_453_623_979; // √(3·3.24)

/// Coefficient of the slumping relation R² = R₀² + 1.2·(g₀′V₀)^½·t.
pub const SLUMPING_COEFFICIENT: f64 = 1.2;

/// The screening of one instantaneous release.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CloudScreening {
    /// ρ₀/ρₐ.
    pub density_ratio: f64,
    /// (g₀′ V₀^⅓)^½ / u; gravity spreading matters at or above [`CRITERION_THRESHOLD`].
    pub criterion: f64,
    /// α = ½·log₁₀(g₀′ V₀^⅓ / u²).
    pub alpha: f64,
    /// V₀ = M/ρ₀ (m³).
    pub volume_m3: f64,
    /// V₀^⅓ (m).
    pub source_length_m: f64,
    /// Distance (m) at which the maximum concentration is 10 % of the source's.
    pub ten_percent_m: f64,
    /// Distance (m) at which it is 0.1 %, where the workbook returns to passive dispersion.
    pub passive_beyond_m: f64,
    /// ρ₀, the density of the pure vapour at its release temperature (kg/m³): C₀.
    pub vapour_density_kg_m3: f64,
    /// g₀′ (m/s²).
    pub reduced_gravity_m_s2: f64,
    /// The 10 m wind u (m/s) the correlations used.
    pub wind_speed_m_s: f64,
}

impl CloudScreening {
    /// Whether gravity spreading matters near the source.
    pub fn is_dense(&self) -> bool {
        self.criterion >= CRITERION_THRESHOLD
    }

    /// Whether α lay outside the fitted range (the distances then use the nearest end).
    pub fn outside_fit(&self) -> bool {
        !(ALPHA_RANGE.0..=ALPHA_RANGE.1).contains(&self.alpha)
    }

    /// Whether a release lasting `duration_s` is instantaneous for the correlations where they
    /// begin: u·T ≤ 0.6·x at the 10 % point.
    pub fn is_instantaneous(&self, duration_s: f64) -> bool {
        self.wind_speed_m_s * duration_s <= INSTANTANEOUS_MAX_RATIO * self.ten_percent_m
    }
}

/// Screens an instantaneous release of `mass_kg` of a vapour of molar mass
/// `molar_mass_kg_mol` at `vapour_temperature_k` into air at `air_temperature_k` under a 10 m
/// wind `wind_speed_m_s` (the vapour's density as for a continuous release,
/// [`super::dense_gas`]); `None` when the vapour is not heavier than the air or the mass or
/// wind is not positive.
pub fn screen(
    mass_kg: f64,
    molar_mass_kg_mol: f64,
    [vapour_temperature_k, air_temperature_k]: [f64; 2],
    wind_speed_m_s: f64,
) -> Option<CloudScreening> {
    let (density_ratio, rho_gas, g_reduced) =
        vapour(molar_mass_kg_mol, vapour_temperature_k, air_temperature_k);
    if !(mass_kg > 0.0 && wind_speed_m_s > 0.0 && density_ratio > 1.0) {
        return None;
    }
    let volume = mass_kg / rho_gas;
    let length = volume.cbrt();
    let u = wind_speed_m_s;
    let alpha = 0.5 * (g_reduced * length / (u * u)).log10();
    let a = alpha.clamp(ALPHA_RANGE.0, ALPHA_RANGE.1);
    let at = |k: usize| length * 10f64.powf(beta(INSTANTANEOUS_CORRELATIONS[k].1, a));
    Some(CloudScreening {
        density_ratio,
        criterion: (g_reduced * length).sqrt() / u,
        alpha,
        volume_m3: volume,
        source_length_m: length,
        ten_percent_m: at(0),
        passive_beyond_m: at(INSTANTANEOUS_CORRELATIONS.len() - 1),
        vapour_density_kg_m3: rho_gas,
        reduced_gravity_m_s2: g_reduced,
        wind_speed_m_s: u,
    })
}

/// Knots of the maximum-concentration curve: the end of the near field and the correlations.
const KNOTS: usize = 1 + INSTANTANEOUS_CORRELATIONS.len();

/// The Britter–McQuaid cloud of one instantaneous release: its maximum ground-level
/// concentration with distance and its radius with time, out to the 0.1 % point where the
/// workbook hands over to passive dispersion.
///
/// C_m/C₀ follows the near-field form to x′ = [`NEAR_FIELD_END`], then the seven correlations
/// of [`INSTANTANEOUS_CORRELATIONS`], read as the workbook draws them: straight lines between
/// the tabulated points on log–log axes. C_m/C₀ is the dilution by volume as if the mixing were
/// isothermal, so C_m/C₀·ρ₀ is the mass concentration of a cold release too
/// ([`super::dense_gas`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DenseCloud {
    /// V₀ (m³).
    pub volume_m3: f64,
    /// V₀^⅓ (m).
    pub source_length_m: f64,
    /// R₀ = (V₀/2π)^⅓ (m).
    pub initial_radius_m: f64,
    /// (g₀′V₀)^½ (m²/s).
    pub spreading_m2_s: f64,
    /// C₀ (kg/m³).
    pub source_concentration_kg_m3: f64,
    /// (log₁₀ x′, log₁₀ C_m/C₀) at the end of the near field and at each correlation.
    knots: [(f64, f64); KNOTS],
}

impl DenseCloud {
    /// The cloud of a screened release.
    pub fn new(s: &CloudScreening) -> Self {
        let a = s.alpha.clamp(ALPHA_RANGE.0, ALPHA_RANGE.1);
        let mut knots = [(0.0, 0.0); KNOTS];
        knots[0] = (
            NEAR_FIELD_END.log10(),
            near_field_fraction(NEAR_FIELD_END).log10(),
        );
        for (k, (ratio, table)) in INSTANTANEOUS_CORRELATIONS.iter().enumerate() {
            knots[k + 1] = (beta(table, a), ratio.log10());
        }
        DenseCloud {
            volume_m3: s.volume_m3,
            source_length_m: s.source_length_m,
            initial_radius_m: (s.volume_m3 / std::f64::consts::TAU).cbrt(),
            spreading_m2_s: (s.reduced_gravity_m_s2 * s.volume_m3).sqrt(),
            source_concentration_kg_m3: s.vapour_density_kg_m3,
            knots,
        }
    }

    /// Distance (m) of the last correlation (C_m/C₀ = 0.1 %), beyond which the cloud is
    /// passive.
    pub fn passive_beyond_m(&self) -> f64 {
        self.source_length_m * 10f64.powf(self.knots[KNOTS - 1].0)
    }

    /// C_m/C₀ at downwind distance `x_m` (1 at the source); beyond the 0.1 % point it falls
    /// as x⁻², the workbook's far-field form.
    pub fn centreline_fraction(&self, x_m: f64) -> f64 {
        workbook_curve(&self.knots, near_field_fraction, x_m / self.source_length_m)
    }

    /// Radius R (m) of the slumping cloud `age_s` after the release.
    pub fn radius_m(&self, age_s: f64) -> f64 {
        (self.initial_radius_m.powi(2)
            + SLUMPING_COEFFICIENT * self.spreading_m2_s * age_s.max(0.0))
        .sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHLORINE_KG_MOL: f64 = 0.0709;

    /// 90 t of chlorine vapour at 15 °C in a 2.5 m/s wind, by hand: ρ₀ = 2.9985 kg/m³ (as in
    /// the continuous screening's test), V₀ = 90 000/2.9985 = 30 015 m³, V₀^⅓ = 31.077 m,
    /// g₀′ = 14.198 m/s²; criterion = (14.198·31.077)^½/2.5 = 8.402; α = ½·log₁₀(14.198 ·
    /// 31.077/6.25) = 0.92440; β(0.1) = 0.93 → 264.5 m; β(0.001) = 2.075 − (0.295/1.1)·1.02440
    /// = 1.80028 → 1962 m.
    #[test]
    fn a_ruptured_chlorine_tank_car_is_dense_to_about_two_kilometres() {
        let s = screen(90_000.0, CHLORINE_KG_MOL, [288.15; 2], 2.5).unwrap();
        assert!((s.vapour_density_kg_m3 - 2.9985).abs() < 1e-3, "{s:?}");
        assert!((s.volume_m3 - 30_015.0).abs() < 10.0, "{s:?}");
        assert!((s.source_length_m - 31.077).abs() < 1e-2, "{s:?}");
        assert!((s.criterion - 8.402).abs() < 1e-2, "{s:?}");
        assert!((s.alpha - 0.92440).abs() < 1e-4, "{s:?}");
        assert!((s.ten_percent_m - 264.5).abs() < 0.5, "{s:?}");
        assert!((s.passive_beyond_m - 1962.0).abs() < 3.0, "{s:?}");
        assert!(s.is_dense() && !s.outside_fit());
        // Instantaneous for the correlations if it empties within 0.6·264.5/2.5 = 63.5 s.
        assert!(s.is_instantaneous(60.0) && !s.is_instantaneous(70.0));
    }

    #[test]
    fn a_vapour_no_heavier_than_air_or_nothing_at_all_is_not_screened() {
        assert_eq!(screen(1000.0, 0.017, [288.15; 2], 3.0), None); // ammonia
        assert_eq!(screen(0.0, CHLORINE_KG_MOL, [288.15; 2], 3.0), None);
        assert_eq!(screen(1000.0, CHLORINE_KG_MOL, [288.15; 2], 0.0), None);
        // A kilogram of chlorine in a gale is barely dense: criterion (14.198·0.69347)^½/15
        // = 0.2092.
        let s = screen(1.0, CHLORINE_KG_MOL, [288.15; 2], 15.0).unwrap();
        assert!((s.criterion - 0.2092).abs() < 1e-3, "{s:?}");
        assert!(screen(1.0, CHLORINE_KG_MOL, [288.15; 2], 20.0).is_some_and(|s| !s.is_dense()));
    }

    #[test]
    fn every_correlation_passes_through_its_knots_and_dilution_needs_distance() {
        for (_, knots) in INSTANTANEOUS_CORRELATIONS {
            for &(a, b) in knots {
                assert!((beta(knots, a) - b).abs() < 1e-12);
            }
        }
        for i in 0..=200 {
            let alpha = -1.0 + 0.01 * f64::from(i);
            let b: Vec<f64> = INSTANTANEOUS_CORRELATIONS
                .iter()
                .map(|(_, k)| beta(k, alpha))
                .collect();
            assert!(b.windows(2).all(|w| w[1] > w[0]), "α = {alpha}: {b:?}");
            // The near field ends before the 10 % point.
            assert!(NEAR_FIELD_END.log10() < b[0], "α = {alpha}");
        }
        assert!((near_field_fraction(NEAR_FIELD_END) - 0.25).abs() < 1e-12);
    }

    #[test]
    fn the_cloud_concentration_falls_continuously_and_passes_through_each_correlation() {
        for (mass, wind) in [(90_000.0, 2.5), (500.0, 6.0), (20.0, 12.0)] {
            let s = screen(mass, CHLORINE_KG_MOL, [288.15; 2], wind).unwrap();
            let c = DenseCloud::new(&s);
            let l = s.source_length_m;
            assert_eq!(c.centreline_fraction(0.0), 1.0);
            assert!((c.passive_beyond_m() - s.passive_beyond_m).abs() < 1e-9 * l);
            assert!((c.centreline_fraction(s.ten_percent_m) - 0.1).abs() < 1e-12);
            assert!((c.centreline_fraction(s.passive_beyond_m) - 0.001).abs() < 1e-12);
            let mut last = 1.0;
            for k in 1..=3000 {
                let x = l * 10f64.powf(f64::from(k) / 1000.0 - 1.0);
                let f = c.centreline_fraction(x);
                assert!(f < last, "α {}: rises at x′ {}", s.alpha, x / l);
                assert!(
                    f > 0.95 * last || k == 1,
                    "α {}: jumps at x′ {}",
                    s.alpha,
                    x / l
                );
                last = f;
            }
        }
    }

    #[test]
    fn the_cloud_slumps_from_a_cylinder_as_the_square_root_of_time() {
        let s = screen(90_000.0, CHLORINE_KG_MOL, [288.15; 2], 2.5).unwrap();
        let c = DenseCloud::new(&s);
        // V₀ = πR₀²·2R₀: a cylinder as tall as it is wide.
        let r0 = c.initial_radius_m;
        assert!((std::f64::consts::TAU * r0.powi(3) - s.volume_m3).abs() < 1e-6 * s.volume_m3);
        assert_eq!(c.radius_m(0.0), r0);
        // R² − R₀² grows linearly in time at 1.2·(g₀′V₀)^½ = 1.2·652.8 m²/s.
        let grow = |t: f64| c.radius_m(t).powi(2) - r0 * r0;
        assert!(
            (grow(100.0) / 100.0 - 1.2 * 652.8).abs() < 0.5,
            "{}",
            grow(100.0)
        );
        assert!((grow(400.0) / grow(100.0) - 4.0).abs() < 1e-9);
    }
}
