//! The dense-gas near field of the puff model: an instantaneous release at grade of a vapour
//! heavier than air (a ruptured tank car) forms a cloud that slumps and spreads under gravity,
//! far wider and shallower than a passive puff, and dilutes as the Britter & McQuaid (1988)
//! workbook's instantaneous-release correlations say ([`crate::source::dense_cloud`]).
//!
//! Such a release becomes one puff carrying the whole release, which follows the workbook out
//! to the 0.1 % point x_t and is a passive puff beyond:
//!
//! - **Near field (travel x ≤ x_t).** The puff is the Gaussian with the workbook cloud's
//!   ground-level maximum C_m(x) and horizontal extent: σ = R(t)/√2, the circular Gaussian with
//!   the same peak and horizontal integral as a disc of radius R slumping as
//!   R² = R₀² + 1.2·(g₀′V₀)^½·t; and σz = 2V₀/((2π)^{3/2}·σ²·C_m/C₀) from continuity, so that
//!   the ground-level centre 2M/((2π)^{3/2}σ²σz) of the ground-reflected puff is exactly C_m,
//!   and the puff carries the whole mass M = ρ₀V₀. It stands on the ground, and is reported
//!   at ground level in every layer (as the dense plume is, [`crate::model::gaussian::dense`]).
//!   It neither splits nor rises. x counts the distance the puff travels with the 10 m wind,
//!   the wind the correlations were fitted with; t its age.
//! - **Far field (x > x_t).** The puff continues from the virtual distances at which the
//!   passive σ curves reach its width and depth (the virtual-source method, as the puff does
//!   when the stability class changes), or by turbulence from its present σ.
//!
//! A release is treated this way when it is at grade (no stack, at most
//! [`crate::model::gaussian::dense::GROUND_RELEASE_MAX_HEIGHT_M`]), gravity matters for the
//! whole release as one cloud, and it is instantaneous for the correlations: it lasts at most
//! 0.6·x/u, x the 10 % point ([`CloudScreening::is_instantaneous`]).

use std::f64::consts::TAU;

use super::{Growth, Puff};
use crate::met::boundary_layer::CALM_WIND_M_S;
use crate::met::StabilityClass;
use crate::model::gaussian::dense::{at_grade, chemical_releases};
use crate::source::dense_cloud::{self, CloudScreening, DenseCloud};
use crate::source::Source;
use crate::substance::Species;

/// The workbook phase of a dense puff.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DensePhase {
    pub cloud: DenseCloud,
}

impl DensePhase {
    /// (σ, σz) in metres of the cloud after `travel_m` of travel, `age_s` after the release.
    pub fn sigmas(&self, travel_m: f64, age_s: f64) -> (f64, f64) {
        let sigma = self.cloud.radius_m(age_s) * std::f64::consts::FRAC_1_SQRT_2;
        let fraction = self.cloud.centreline_fraction(travel_m);
        let sigma_z = 2.0 * self.cloud.volume_m3 / (TAU.powf(1.5) * sigma * sigma * fraction);
        (sigma, sigma_z)
    }

    /// x_t (m): the travel beyond which the puff is passive.
    pub fn hand_over_m(&self) -> f64 {
        self.cloud.passive_beyond_m()
    }
}

/// Grows the dense cloud `d` of puff `p` over a sub-step of `sub_t` and `sub_ds` of travel
/// along the workbook ([`DensePhase::sigmas`]); past the hand-over it turns passive, from the
/// virtual distances of its σ on `class`'s curves of `growth`. Returns (σ, σz) at mid-step.
pub fn grow(
    p: &mut Puff,
    d: DensePhase,
    growth: &Growth,
    class: StabilityClass,
    sub_t: f64,
    sub_ds: f64,
) -> (f64, f64) {
    let mid = d.sigmas(p.travel_m + 0.5 * sub_ds, p.age_s + 0.5 * sub_t);
    p.travel_m += sub_ds;
    p.age_s += sub_t;
    (p.sigma_y_m, p.sigma_z_m) = d.sigmas(p.travel_m, p.age_s);
    if p.travel_m >= d.hand_over_m() {
        p.dense = None;
        p.class = class;
        p.virtual_y_m = growth.virtual_distance_m(class, p.sigma_y_m, true);
        p.virtual_z_m = growth.virtual_distance_m(class, p.sigma_z_m, false);
        p.shear_m = 0.0;
    }
    mid
}

/// The release of `source` that makes an instantaneous dense cloud — released at grade,
/// heavier than air, dense as one cloud of its whole mass in a 10 m wind `wind_10m_m_s` and
/// air at `air_temperature_k`, and short enough to be instantaneous for the correlations —
/// with its screening; of several, the one that stays dense furthest. `None` otherwise.
///
/// A wind below the calm threshold counts as that threshold ([`CALM_WIND_M_S`]), as it does for
/// the puffs' growth ([`super::calm_growth_distance_m`]): the correlations need a wind, and a
/// cloud released into calm air is no less dense.
pub fn instantaneous_release(
    source: &Source,
    species: &[Species],
    wind_10m_m_s: f64,
    air_temperature_k: f64,
) -> Option<(usize, CloudScreening)> {
    if !at_grade(source) {
        return None;
    }
    let wind_m_s = wind_10m_m_s.max(CALM_WIND_M_S);
    chemical_releases(source, species)
        .filter_map(|(k, rate_kg_s, molar_mass_kg_mol)| {
            let s = dense_cloud::screen(
                rate_kg_s * source.duration_s,
                molar_mass_kg_mol,
                air_temperature_k,
                wind_m_s,
            )?;
            (s.is_dense() && s.is_instantaneous(source.duration_s)).then_some((k, s))
        })
        .max_by(|a, b| a.1.passive_beyond_m.total_cmp(&b.1.passive_beyond_m))
}

/// The warning that says a release is followed as a dense cloud, and to where.
pub fn warning(source: &Source, species_name: &str, mass_kg: f64, s: &CloudScreening) -> String {
    // Two significant figures: the distance is an estimate.
    let unit = 10f64.powf(s.passive_beyond_m.log10().floor() - 1.0);
    let mut text = format!(
        "{species_name} from '{}' ({mass_kg:.0} kg in {:.0} s) forms a dense gas cloud, {:.1} × as dense as air: model gaussian_puff follows Britter & McQuaid's (1988) instantaneous-release correlations (ground-level maximum and gravity slumping; vapour released at the air temperature, so a cold flashing release is denser than modelled) to about {} m, where it is down to 0.1 % of its source concentration, and a passive puff beyond",
        source.name,
        source.duration_s,
        s.density_ratio,
        (s.passive_beyond_m / unit).round() * unit,
    );
    if s.outside_fit() {
        text += " (outside the correlations' fitted range of α, −1 to 1)";
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dense_puff_has_the_workbook_maximum_at_its_centre_and_carries_the_whole_cloud() {
        let s = dense_cloud::screen(90_000.0, 0.0709, 288.15, 2.5).unwrap();
        let d = DensePhase {
            cloud: DenseCloud::new(&s),
        };
        let mass = 90_000.0;
        for (x, t) in [(0.0, 0.0), (50.0, 20.0), (264.5, 106.0), (1000.0, 400.0)] {
            let (sy, sz) = d.sigmas(x, t);
            // Ground-level centre of a ground-reflected puff with σx = σy.
            let centre = 2.0 * mass / (TAU.powf(1.5) * sy * sy * sz);
            let cm = d.cloud.centreline_fraction(x) * s.vapour_density_kg_m3;
            assert!((centre / cm - 1.0).abs() < 1e-12, "x {x}: {centre} vs {cm}");
            // The disc of radius R and the Gaussian hold the same mass per unit area at the
            // centre: πR²·(peak) = 2πσ²·(peak).
            let r = d.cloud.radius_m(t);
            assert!((std::f64::consts::PI * r * r / (TAU * sy * sy) - 1.0).abs() < 1e-12);
        }
        // At release the cloud is the squat cylinder: σz = 2V₀/((2π)^{3/2}·R₀²/2) = 0.80 R₀.
        let (_, sz0) = d.sigmas(0.0, 0.0);
        let r0 = d.cloud.initial_radius_m;
        assert!((sz0 / r0 - 4.0 * std::f64::consts::PI / TAU.powf(1.5)).abs() < 1e-12);
        assert!((d.hand_over_m() - s.passive_beyond_m).abs() < 1e-9);
    }
}
