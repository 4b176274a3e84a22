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
//!   at ground level in every layer (as the dense plume is, [`crate::model::gaussian::dense`]),
//!   before and after the hand-over.
//!   It neither splits nor rises. Its centre moves at 0.4 times the 10 m wind
//!   ([`CLOUD_SPEED_FRACTION`]; the correlations were fitted with the 10 m wind); x counts the
//!   distance it has moved, t its age.
//!   The workbook's C_m(x) is the largest concentration the passing cloud brings to the ground
//!   at x, so no receptor at distance r from the release sees more than C_m(r) while the cloud
//!   is dense ([`Ceiling`]). Without that ceiling the Gaussian, whose slumping radius soon
//!   exceeds the distance its centre has moved (R ≈ 220 m after 60 s and 60 m for 90 t of
//!   chlorine in 2.5 m/s), brings the centre's C_m(x_c) ahead of the cloud: 1.5–5 × the
//!   workbook's C_m at 50–1500 m. The ceiling trims only that excess; the puff keeps its mass.
//! - **Far field (x > x_t).** The puff continues from the virtual distances at which the
//!   passive σ curves reach its width and depth (the virtual-source method, as the puff does
//!   when the stability class changes), or by turbulence from its present σ.
//!
//! A release is treated this way when it is at grade (no stack, at most
//! [`crate::model::gaussian::dense::GROUND_RELEASE_MAX_HEIGHT_M`]), gravity matters for the
//! whole release as one cloud, and it is instantaneous for the correlations: it lasts at most
//! 0.6·x/u, x the 10 % point ([`CloudScreening::is_instantaneous`]).
//!
//! A longer release at grade that the steady plume would follow with the workbook's continuous near
//! field ([`crate::model::gaussian::dense`]) sheds its puffs as slices of that plume instead: each
//! puff has the plume's width σy = √(2/π)·L_H(x) (along the wind too) and the depth σz =
//! q₀/(π·u·σy·C_m/C₀) at its travel x, so that in a steady wind the overlapping puffs add up to the
//! plume, whose ground-level centreline is the workbook's C_m(x) whatever the speed u they are
//! carried at. Across its path a slice is the steady plume's flat core with Gaussian edges
//! ([`slice_core_m`]), before the hand-over and after it. The screening uses the 10 m wind at each
//! puff's release, so the plume follows the weather; past the plume's 0.2 % point each puff is
//! passive. A slice has no along-wind spread of its own (σ along its path is
//! [`super::state::MIN_SIGMA_M`]): the paths of the puffs that follow each other tile the plume,
//! and a round puff as wide as the slumped plume would smear its steep fall-off along the wind (by
//! 50 % at 100 m).

use std::f64::consts::TAU;

use super::{Growth, Puff};
use crate::met::boundary_layer::CALM_WIND_M_S;
use crate::met::StabilityClass;
use crate::model::gaussian::crosswind::Crosswind;
use crate::model::gaussian::dense::{
    applies, at_grade, chemical_mixture, dense_release, plume_sigmas, vapour_note, ChemicalMixture,
};
use crate::source::dense_cloud::{self, CloudScreening, DenseCloud};
use crate::source::dense_gas::{DensePlume, Screening};
use crate::source::Source;
use crate::substance::Species;

/// The speed of a slumping cloud's centre as a fraction of the 10 m wind: x_c = 0.4·u₁₀·t
/// (Britter & McQuaid 1988, as their instantaneous-release model is implemented in
/// GasDispersion.jl's `BritterMcQuaidPuff`; a cloud hugging the ground moves with the slow
/// air near it). After the hand-over the puff moves with the wind.
pub const CLOUD_SPEED_FRACTION: f64 = 0.4;

/// The workbook phase of a dense puff.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DensePhase {
    /// The whole of an instantaneous release: the workbook's cloud.
    Cloud(DenseCloud),
    /// One step's release of a continuous one: a slice of the workbook's plume, with
    /// q₀/(π·u) (m²) for its depth from continuity, u the 10 m wind it is carried by.
    Plume {
        plume: DensePlume,
        continuity_m2: f64,
    },
}

impl DensePhase {
    /// (σ, σz) in metres of the puff after `travel_m` of travel, `age_s` after its release.
    pub fn sigmas(&self, travel_m: f64, age_s: f64) -> (f64, f64) {
        match self {
            DensePhase::Cloud(cloud) => {
                let sigma = cloud.radius_m(age_s) * std::f64::consts::FRAC_1_SQRT_2;
                let fraction = cloud.centreline_fraction(travel_m);
                let sigma_z = 2.0 * cloud.volume_m3 / (TAU.powf(1.5) * sigma * sigma * fraction);
                (sigma, sigma_z)
            }
            DensePhase::Plume {
                plume,
                continuity_m2,
            } => plume_sigmas(plume, *continuity_m2, travel_m),
        }
    }

    /// x_t (m): the travel beyond which the puff is passive.
    pub fn hand_over_m(&self) -> f64 {
        match self {
            DensePhase::Cloud(cloud) => cloud.passive_beyond_m(),
            DensePhase::Plume { plume, .. } => plume.passive_beyond_m(),
        }
    }
}

/// The workbook's ceiling on a dense cloud's concentration: at distance r from the release,
/// at most C_m(r), the largest ground-level concentration the workbook's passing cloud brings
/// there (module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ceiling {
    /// The release point (m, local frame), from which the workbook measures distance.
    pub release_x_m: f64,
    pub release_y_m: f64,
    pub cloud: DenseCloud,
}

impl Ceiling {
    /// The factor (≤ 1) that brings a puff's time-integrated concentration at (x, y) down to
    /// the ceiling over `duration_s`, for `per_unit_mass_s_m3`, its time integral per unit mass
    /// (s m⁻³). The puff of the whole cloud carries M = ρ₀V₀ with its ground-level centre at
    /// ρ₀·C_m/C₀ ([`DensePhase::sigmas`]), so the ceiling ρ₀·C_m(r)/C₀·Δt on M·(that integral)
    /// is C_m(r)/C₀·Δt/(V₀·that integral), in any unit of the species.
    pub fn factor(&self, x_m: f64, y_m: f64, per_unit_mass_s_m3: f64, duration_s: f64) -> f64 {
        if per_unit_mass_s_m3 <= 0.0 {
            return 1.0;
        }
        let r = (x_m - self.release_x_m).hypot(y_m - self.release_y_m);
        let ceiling = self.cloud.centreline_fraction(r) * duration_s;
        (ceiling / (self.cloud.volume_m3 * per_unit_mass_s_m3)).min(1.0)
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
        if let DensePhase::Plume { .. } = d {
            p.along_deficit_m2 = p.sigma_y_m * p.sigma_y_m;
        }
        p.dense = None;
        p.class = class;
        p.virtual_y_m = growth.virtual_distance_m(class, p.sigma_y_m, true);
        p.virtual_z_m = growth.virtual_distance_m(class, p.sigma_z_m, false);
        p.shear_m = 0.0;
    }
    mid
}

/// What the sudden release's cloud does at its edges, which its warning says (found by review:
/// a rupture's AEGL-3 zone reached 1.1 km upwind). The workbook's cloud is a disc of radius R;
/// the round Gaussian with its peak and horizontal integral (σ = R/√2) reaches C_m/k at
/// √(2 ln k)·σ from its centre: 1.5 R at k = 10, 2.1 R at k = 100. Gravity currents have sharp
/// fronts, so the real cloud's edge is nearer R. (A continuous leak's slices have flat cores,
/// [`slice_core_m`].)
pub const CLOUD_EDGE_NOTE: &str = "Its edges are drawn from a round Gaussian with the workbook cloud's peak and horizontal integral: a zone whose threshold is 10–100 times below the cloud's peak reaches about 1.5–2.1 times the slumping cloud's radius from its centre, sideways and upwind, where the real cloud, a gravity current with a sharp front, stops nearer its radius; read the cloud's crosswind and upwind reach as an upper bound";

/// Half-width (m) of the flat core across the path of a puff of width `sigma_y_m` in phase
/// `dense` with [`Puff::along_deficit_m2`] `deficit_m2`: a slice of a dense plume, before its
/// hand-over or after it (deficit > 0), is drawn across as the steady plume is — a flat core
/// whose Gaussian edges have `passive_sigma_y_m`, the passive σy at its travel
/// ([`crate::model::gaussian::crosswind::profile`]) — so that the slices add up to that plume.
/// 0 for every other puff, the sudden release's cloud included (a round Gaussian), and for the
/// daughters of a slice split after its hand-over (their spread stands for the parent's, as a
/// sum of Gaussians: [`super::Puff::along_deficit_m2`] is 0 for them).
pub fn slice_core_m(
    dense: Option<DensePhase>,
    deficit_m2: f64,
    sigma_y_m: f64,
    passive_sigma_y_m: f64,
) -> f64 {
    let slice = matches!(dense, Some(DensePhase::Plume { .. })) || deficit_m2 > 0.0;
    if slice {
        Crosswind::with_edges(sigma_y_m, passive_sigma_y_m).core_m
    } else {
        0.0
    }
}

/// The chemical vapour of `source` as an instantaneous dense cloud — released at grade,
/// heavier than air, dense as one cloud of its whole mass in a 10 m wind `wind_10m_m_s` and
/// air at `air_temperature_k`, and short enough to be instantaneous for the correlations —
/// with its screening; `None` otherwise.
///
/// A wind below the calm threshold counts as that threshold ([`CALM_WIND_M_S`]), as it does for
/// the puffs' growth ([`super::calm_growth_distance_m`]): the correlations need a wind, and a
/// cloud released into calm air is no less dense.
pub fn instantaneous_release(
    source: &Source,
    species: &[Species],
    wind_10m_m_s: f64,
    air_temperature_k: f64,
) -> Option<(ChemicalMixture, CloudScreening)> {
    if !at_grade(source) {
        return None;
    }
    let wind_m_s = wind_10m_m_s.max(CALM_WIND_M_S);
    let mix = chemical_mixture(source, species)?;
    let s = dense_cloud::screen(
        mix.rate_kg_s * source.duration_s,
        mix.molar_mass_kg_mol,
        [
            source.vapour_temperature_k(air_temperature_k),
            air_temperature_k,
        ],
        wind_m_s,
    )?;
    (s.is_dense() && s.is_instantaneous(source.duration_s)).then_some((mix, s))
}

/// The chemical vapour of `source` as a continuous dense plume at grade in a 10 m wind
/// `wind_10m_m_s` (at least [`CALM_WIND_M_S`]) and air at `air_temperature_k`, with its
/// screening: the release the steady plume's near field would follow
/// ([`crate::model::gaussian::dense::near_field_release`]). `None` otherwise.
pub fn continuous_release(
    source: &Source,
    species: &[Species],
    wind_10m_m_s: f64,
    air_temperature_k: f64,
) -> Option<(ChemicalMixture, Screening)> {
    let wind_m_s = wind_10m_m_s.max(CALM_WIND_M_S);
    dense_release(source, species, wind_m_s, air_temperature_k).filter(|(_, s)| applies(source, s))
}

/// The warning that says a release is followed as a dense cloud, and to where.
pub fn warning(source: &Source, mix: &ChemicalMixture, s: &CloudScreening) -> String {
    let species_name = mix.label();
    let mass_kg = mix.rate_kg_s * source.duration_s;
    // Two significant figures: the distance is an estimate.
    let unit = 10f64.powf(s.passive_beyond_m.log10().floor() - 1.0);
    let mut text = format!(
        "{species_name} from '{}' ({mass_kg:.0} kg in {:.0} s) forms a dense gas cloud, {:.1} × as dense as air: model gaussian_puff follows Britter & McQuaid's (1988) instantaneous-release correlations (ground-level maximum and gravity slumping; {}) to about {} m, where it is down to 0.1 % of its source concentration, and a passive puff beyond",
        source.name,
        source.duration_s,
        s.density_ratio,
        vapour_note(source),
        (s.passive_beyond_m / unit).round() * unit,
    );
    if s.outside_fit() {
        text += " (outside the correlations' fitted range of α, −1 to 1)";
    }
    text + ". " + CLOUD_EDGE_NOTE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cloud_edge_note_states_where_the_round_gaussian_reaches_a_tenth_and_a_hundredth() {
        // √(2 ln k)·σ with σ = R/√2.
        let reach = |k: f64| (2.0 * k.ln()).sqrt() * std::f64::consts::FRAC_1_SQRT_2;
        let said = format!(
            "reaches about {:.1}–{:.1} times the slumping cloud's radius",
            reach(10.0),
            reach(100.0)
        );
        assert!(CLOUD_EDGE_NOTE.contains(&said), "{said}");
    }

    #[test]
    fn only_the_slices_of_a_dense_plume_have_a_flat_core() {
        let plume = DensePhase::Plume {
            plume: DensePlume::new(
                &crate::source::dense_gas::screen(10.0, 0.0709, [288.15; 2], 3.0).unwrap(),
            ),
            continuity_m2: 1.0,
        };
        // In the plume phase and past its hand-over: the steady plume's profile.
        let core = Crosswind::with_edges(150.0, 30.0).core_m;
        assert_eq!(slice_core_m(Some(plume), 0.0, 150.0, 30.0), core);
        assert_eq!(slice_core_m(None, 150.0 * 150.0, 150.0, 30.0), core);
        // A passive puff, and edges as wide as the puff.
        assert_eq!(slice_core_m(None, 0.0, 150.0, 30.0), 0.0);
        assert_eq!(slice_core_m(Some(plume), 0.0, 150.0, 200.0), 0.0);
    }

    #[test]
    fn the_dense_puff_has_the_workbook_maximum_at_its_centre_and_carries_the_whole_cloud() {
        let s = dense_cloud::screen(90_000.0, 0.0709, [288.15; 2], 2.5).unwrap();
        let cloud = DenseCloud::new(&s);
        let d = DensePhase::Cloud(cloud);
        let mass = 90_000.0;
        for (x, t) in [(0.0, 0.0), (50.0, 20.0), (264.5, 106.0), (1000.0, 400.0)] {
            let (sy, sz) = d.sigmas(x, t);
            // Ground-level centre of a ground-reflected puff with σx = σy.
            let centre = 2.0 * mass / (TAU.powf(1.5) * sy * sy * sz);
            let cm = cloud.centreline_fraction(x) * s.vapour_density_kg_m3;
            assert!((centre / cm - 1.0).abs() < 1e-12, "x {x}: {centre} vs {cm}");
            // Its width is the slumping disc's, σ = R/√2 with R² = R₀² + 1.2·(g₀′V₀)^½·t
            // (Britter & McQuaid 1988), R₀ = (V₀/2π)^⅓, by hand from the screening.
            let r0 = (s.volume_m3 / TAU).cbrt();
            let r = (r0 * r0 + 1.2 * (s.reduced_gravity_m_s2 * s.volume_m3).sqrt() * t).sqrt();
            assert!(
                (sy * 2f64.sqrt() / r - 1.0).abs() < 1e-12,
                "t {t}: σ {sy} vs R {r}"
            );
        }
        // At release the cloud is the cylinder V₀ = 2πR₀³: σz = 2V₀/((2π)^{3/2}·R₀²/2)
        // = 8πR₀/(2π)^{3/2} = 1.60 R₀.
        let (_, sz0) = d.sigmas(0.0, 0.0);
        let r0 = cloud.initial_radius_m;
        assert!((sz0 / r0 - 8.0 * std::f64::consts::PI / TAU.powf(1.5)).abs() < 1e-12);
        assert!((d.hand_over_m() - s.passive_beyond_m).abs() < 1e-9);
    }
}
