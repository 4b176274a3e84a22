//! The dense-gas near field of the Gaussian plume: a ground-level release of a vapour heavier
//! than air slumps and spreads sideways under gravity, so near its source the cloud is far
//! wider and shallower than a passive plume, and its concentration falls off differently.
//!
//! Where the release screens as dense ([`crate::source::dense_gas`]), its plume follows the
//! Britter & McQuaid (1988) workbook out to the 0.2 % point x_t, then a passive plume:
//!
//! - **Near field (x ≤ x_t).** The cloud is a Gaussian with the workbook's centreline
//!   ground-level concentration C_m(x) and crosswind extent: σy = √(2/π)·L_H(x), the Gaussian
//!   with the same peak and crosswind integral as the workbook's top-hat of half-width L_H; and
//!   σz = q₀/(π·u·σy·C_m/C₀) from continuity, so that the ground-level centreline value
//!   Q/(π·u·σy·σz) is exactly C_m, and the mass flux through every cross-section is the release
//!   rate.
//! - **Far field (x > x_t).** σy and σz of the passive scheme from virtual sources: σy(x) =
//!   σy,passive(x − x_t + x_y), with σy,passive(x_y) = σy(x_t), and likewise for σz, so the
//!   plume leaves the dense phase with its width, depth and concentration, and then spreads as
//!   the atmosphere's turbulence spreads any plume (the virtual-source method of Turner 1970 for
//!   sources of initial size; used for the passive phase of dense-gas screening models such as
//!   the workbook's own hand-over).
//!
//! The workbook's C_m is the ground-level concentration, measured near the ground in the field
//! trials it fits (Thorney Island, Maplin Sands, Burro…), and its cloud is at most a few metres
//! deep near the source. A dense plume is therefore reported at ground level in every layer
//! (its receptor height is 0): the concentration people at the surface breathe. Its release
//! height is taken as 0 (the cloud slumps to the ground). Only releases at grade are treated
//! this way ([`GROUND_RELEASE_MAX_HEIGHT_M`], no stack exit): an elevated dense plume first
//! sinks, which the workbook does not describe.
//!
//! ## References
//! - Britter, R.E., McQuaid, J. (1988) *Workbook on the Dispersion of Dense Gases*, HSE
//!   Contract Research Report 17/1988.
//! - Center for Chemical Process Safety (1999) *Guidelines for Consequence Analysis of Chemical
//!   Releases*, AIChE, §2.1.3 (the correlations and plume dimensions as equations).
//! - Turner, D.B. (1970) *Workbook of Atmospheric Dispersion Estimates*, US EPA AP-26, ch. 4
//!   (virtual point sources).

use std::f64::consts::{FRAC_2_PI, PI};

use super::sigma::{PassiveSigmas, Sigmas, MIN_DISTANCE_M};
use super::PlumeGeometry;
use crate::met::boundary_layer::CALM_WIND_M_S;
use crate::met::UniformMet;
use crate::source::dense_gas::{self, DensePlume, Screening};
use crate::source::Source;
use crate::substance::{AmountUnit, Species};

/// Releases at or below this height (m) without a stack exit are at grade: a leaking tank,
/// rail car or pipe (a rail tank car stands about 4.5 m tall).
pub const GROUND_RELEASE_MAX_HEIGHT_M: f64 = 5.0;

/// σy and σz of a dense-gas plume (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DenseGasSigmas {
    pub plume: DensePlume,
    /// q₀/(π·u) (m²), so that σz = this / (σy · C_m/C₀).
    continuity_m2: f64,
    /// The passive scheme beyond the hand-over.
    pub passive: PassiveSigmas,
    /// x_t (m): the 0.2 % point.
    pub transition_m: f64,
    /// Virtual distances x_y, x_z (m) of the passive σy and σz at the hand-over.
    pub virtual_y_m: f64,
    pub virtual_z_m: f64,
}

impl DenseGasSigmas {
    /// The plume of a release of `volume_rate_m3_s` of vapour carried at `u_m_s` (the
    /// Gaussian model's transport speed), handing over to `passive`.
    pub fn new(
        plume: DensePlume,
        volume_rate_m3_s: f64,
        u_m_s: f64,
        passive: PassiveSigmas,
    ) -> Self {
        let mut s = DenseGasSigmas {
            plume,
            continuity_m2: volume_rate_m3_s / (PI * u_m_s),
            passive,
            transition_m: plume.passive_beyond_m(),
            virtual_y_m: 0.0,
            virtual_z_m: 0.0,
        };
        let (sy, sz) = s.dense_at(s.transition_m);
        s.virtual_y_m = virtual_distance_m(|x| passive.at(x).0, sy);
        s.virtual_z_m = virtual_distance_m(|x| passive.at(x).1, sz);
        s
    }

    /// σy, σz (m) of the gravity-spread cloud at `x_m`.
    fn dense_at(&self, x_m: f64) -> (f64, f64) {
        plume_sigmas(&self.plume, self.continuity_m2, x_m)
    }

    /// (σy, σz) in metres at downwind distance `x_m` (floored at [`MIN_DISTANCE_M`]).
    pub fn at(&self, x_m: f64) -> (f64, f64) {
        let x = x_m.max(MIN_DISTANCE_M);
        if x <= self.transition_m {
            return self.dense_at(x);
        }
        let beyond = x - self.transition_m;
        (
            self.passive.at(beyond + self.virtual_y_m).0,
            self.passive.at(beyond + self.virtual_z_m).1,
        )
    }
}

/// σy, σz (m) of the workbook's gravity-spread `plume` at `x_m` (see the module docs):
/// σy = √(2/π)·L_H(x) and σz = `continuity_m2`/(σy·C_m/C₀) with `continuity_m2` = q₀/(π·u),
/// u the speed the plume is carried at.
pub fn plume_sigmas(plume: &DensePlume, continuity_m2: f64, x_m: f64) -> (f64, f64) {
    let sy = FRAC_2_PI.sqrt() * plume.half_width_m(x_m);
    let sz = continuity_m2 / (sy * plume.centreline_fraction(x_m));
    (sy, sz)
}

/// The distance (m) at which the increasing `sigma(x)` reaches `target_m`, by bisection over
/// [`MIN_DISTANCE_M`, 10⁷ m]; the ends when the target lies outside.
fn virtual_distance_m(sigma: impl Fn(f64) -> f64, target_m: f64) -> f64 {
    let (mut lo, mut hi) = (MIN_DISTANCE_M, 1.0e7);
    if sigma(lo) >= target_m {
        return lo;
    }
    if sigma(hi) <= target_m {
        return hi;
    }
    // Bisection in log x: 60 halvings of a 7-decade bracket leave 10⁻¹⁷ relative.
    for _ in 0..60 {
        let mid = (lo * hi).sqrt();
        if sigma(mid) < target_m {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The chemical vapour of `source` and its screening, in a 10 m wind `wind_10m_m_s` and air
/// at `air_temperature_k` (the vapour at its own temperature,
/// [`Source::vapour_temperature_k`]), when it is heavier than air and slumps at the source;
/// `None` otherwise.
pub fn dense_release(
    source: &Source,
    species: &[Species],
    wind_10m_m_s: f64,
    air_temperature_k: f64,
) -> Option<(ChemicalMixture, Screening)> {
    let mix = chemical_mixture(source, species)?;
    let (rate_kg_s, molar_mass_kg_mol) = effluent(source, &mix);
    let s = dense_gas::screen(
        rate_kg_s,
        molar_mass_kg_mol,
        [
            source.vapour_temperature_k(air_temperature_k),
            air_temperature_k,
        ],
        wind_10m_m_s,
    )?;
    s.is_dense().then_some((mix, s))
}

/// What leaves the source, as (mass rate in kg/s, molar mass in kg/mol): from a stack, the
/// chemicals carried in the flue gas of its exit flow — V = π/4·d²·w at the exit temperature
/// T_s holds pV/(RT_s) moles a second, the chemicals' moles and the rest air — so that a hot
/// stack of sulphur dioxide, whose effluent is lighter than the air, is not screened as the pure
/// gas (which a reviewer's 5 kg/s SO₂ from a 60 m, 450 K stack was: "1.4 × as dense as air"
/// beside its own 98 m of buoyant rise); the chemicals alone without a stack, or where the
/// stack's flow is smaller than their own volume.
pub fn effluent(source: &Source, mix: &ChemicalMixture) -> (f64, f64) {
    let alone = (mix.rate_kg_s, mix.molar_mass_kg_mol);
    let Some(stack) = source.stack else {
        return alone;
    };
    let volume_m3_s = 0.25 * PI * stack.diameter_m.powi(2) * stack.exit_velocity_m_s;
    let moles_per_s = dense_gas::PRESSURE_PA * volume_m3_s
        / (dense_gas::GAS_CONSTANT_J_MOL_K * stack.exit_temperature_k);
    let chemical_moles_per_s = mix.rate_kg_s / mix.molar_mass_kg_mol;
    if moles_per_s <= chemical_moles_per_s {
        return alone;
    }
    let rate_kg_s =
        mix.rate_kg_s + (moles_per_s - chemical_moles_per_s) * dense_gas::AIR_MOLAR_MASS_KG_MOL;
    (rate_kg_s, rate_kg_s / moles_per_s)
}

/// How a dense-gas warning states the vapour's temperature: the scenario's, or the air's (and
/// that a liquefied gas flashing from a rupture or a liquid leak leaves colder and denser). The
/// aerosol of a flashing release is not represented either way.
pub fn vapour_note(source: &Source) -> String {
    match source.release_temperature_k.or(source.stack.map(|s| s.exit_temperature_k)) {
        Some(t) => format!(
            "vapour released at {t:.0} K; the aerosol of a flashing release is not represented, so a real cloud is denser still"
        ),
        None => "vapour released at the air temperature: a liquefied gas that flashes leaves colder and denser (release_temperature_k, its boiling point)".into(),
    }
}

/// The releases of `source` of library chemicals, taken together as one vapour: they leave
/// one point together, so the cloud's volume and density are those of all of them (two
/// releases of chlorine make one cloud twice the size, not two clouds). Other releases
/// (radionuclides, substances not in the library) ride along as traces.
#[derive(Debug, Clone, PartialEq)]
pub struct ChemicalMixture {
    /// The chemicals' names as the scenario spells them, in release order, each once.
    pub names: Vec<String>,
    /// Total release rate (kg/s).
    pub rate_kg_s: f64,
    /// Molar mass of the mixture (kg/mol): Σ rate / Σ (rate/M), the mass per mole of the
    /// released molecules.
    pub molar_mass_kg_mol: f64,
}

impl ChemicalMixture {
    /// The names joined for a warning ("Chlorine", "Chlorine and Phosgene", …).
    pub fn label(&self) -> String {
        self.names.join(" and ")
    }
}

/// The [`ChemicalMixture`] of `source`, `None` when it releases no chemical of the run's library
/// (one with a molar mass, [`Species::molar_mass_kg_mol`]) at a positive rate.
pub fn chemical_mixture(source: &Source, species: &[Species]) -> Option<ChemicalMixture> {
    let mut mix = ChemicalMixture {
        names: vec![],
        rate_kg_s: 0.0,
        molar_mass_kg_mol: 0.0,
    };
    let mut moles_per_s = 0.0;
    for r in &source.releases {
        let sp = &species[r.species];
        if sp.unit != AmountUnit::Kilogram || r.rate_per_s <= 0.0 {
            continue;
        }
        let Some(molar_mass_kg_mol) = sp.molar_mass_kg_mol else {
            continue;
        };
        if !mix.names.contains(&sp.name) {
            mix.names.push(sp.name.clone());
        }
        mix.rate_kg_s += r.rate_per_s;
        moles_per_s += r.rate_per_s / molar_mass_kg_mol;
    }
    (moles_per_s > 0.0).then(|| {
        mix.molar_mass_kg_mol = mix.rate_kg_s / moles_per_s;
        mix
    })
}

/// Whether the Gaussian plume treats `source` as a release at grade (see the module docs).
pub fn at_grade(source: &Source) -> bool {
    source.stack.is_none() && source.height_m <= GROUND_RELEASE_MAX_HEIGHT_M
}

/// Whether the workbook's near field models the dense release `s` of `source`: a release at
/// grade with α within the fitted range's upper end. (Below it the correlations are flat in α,
/// the passive plateau, and hold; above α = 1 — hundreds of kilograms a second in light wind —
/// the source width 8·l_b runs to kilometres and no passive plume can take the cloud over, so
/// the plume stays passive and the warning says so.)
pub fn applies(source: &Source, s: &Screening) -> bool {
    at_grade(source) && s.alpha <= dense_gas::ALPHA_RANGE.1
}

/// The workbook's continuous-release correlations hold at distances x with u·T_release/x at
/// least this (Britter & McQuaid 1988; CCPS 1999 §2.1.3.3); closer to instantaneous, the cloud
/// also dilutes along the wind.
pub const CONTINUOUS_MIN_RATIO: f64 = 2.5;

/// Height (m) of the wind the workbook's correlations use (Britter & McQuaid 1988: u at 10 m).
pub const WORKBOOK_WIND_HEIGHT_M: f64 = 10.0;

/// The screening of the release of `source` whose plume the workbook's near field models under
/// uniform `met` ([`dense_release`] at the 10 m wind, where it [`applies`]); `None` when the
/// plume stays passive.
///
/// A wind below the calm threshold counts as that threshold ([`CALM_WIND_M_S`]): the plume is
/// carried at no less ([`PlumeGeometry::new`]), and its depth comes from continuity at the
/// speed it is carried at, so the correlations must be read at that speed too (the puff model
/// screens its clouds and slices so, [`crate::model::puff::dense`]).
pub fn near_field_release(
    source: &Source,
    species: &[Species],
    met: &UniformMet,
) -> Option<Screening> {
    let wind_10m = met
        .wind_speed_at_m_s(WORKBOOK_WIND_HEIGHT_M)
        .max(CALM_WIND_M_S);
    dense_release(source, species, wind_10m, met.air_temperature_k)
        .map(|(_, s)| s)
        .filter(|s| applies(source, s))
}

/// Makes the plume of every source with a [`near_field_release`] a dense-gas plume (σ of
/// [`DenseGasSigmas`], released and reported at ground level).
pub fn apply(
    plumes: &mut [PlumeGeometry],
    sources: &[Source],
    species: &[Species],
    met: &UniformMet,
) {
    for (p, src) in plumes.iter_mut().zip(sources) {
        let Some(s) = near_field_release(src, species, met) else {
            continue;
        };
        p.sigmas = Sigmas::DenseGas(DenseGasSigmas::new(
            DensePlume::new(&s),
            s.volume_rate_m3_s,
            p.u_m_s,
            p.sigmas.passive(),
        ));
        p.stack_height_m = 0.0;
        p.ground_level = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::met::StabilityClass;
    use crate::scenario::{SigmaScheme, Terrain};
    use crate::source::Stack;

    const CHLORINE_KG_MOL: f64 = 0.0709;

    /// 10 kg/s of chlorine at 15 °C in a 2.5 m/s wind, F stability, urban (the Saint John
    /// rail-car scenario).
    fn rail_car() -> (Screening, DenseGasSigmas) {
        let s = dense_gas::screen(10.0, CHLORINE_KG_MOL, [288.15; 2], 2.5).unwrap();
        let passive = PassiveSigmas::new(SigmaScheme::Briggs, StabilityClass::F, Terrain::Urban);
        let d = DenseGasSigmas::new(DensePlume::new(&s), s.volume_rate_m3_s, 2.5, passive);
        (s, d)
    }

    /// Ground-level centreline concentration (kg/m³) of a ground release of `q_kg_s` at `u`.
    fn ground_centreline(d: &DenseGasSigmas, q_kg_s: f64, u: f64, x: f64) -> f64 {
        let (sy, sz) = d.at(x);
        q_kg_s / (PI * u * sy * sz)
    }

    #[test]
    fn near_field_ground_concentration_is_the_workbook_centreline() {
        let (s, d) = rail_car();
        let p = &d.plume;
        // Each correlation at its own distance: C_m = ratio × C₀.
        for (ratio, table) in dense_gas::CONTINUOUS_CORRELATIONS {
            let x = dense_gas::distance_m(ratio, s.alpha, s.source_length_m).unwrap();
            let c = ground_centreline(&d, 10.0, 2.5, x);
            assert!(
                (c / (ratio * p.source_concentration_kg_m3) - 1.0).abs() < 1e-9,
                "{ratio}: {c} at {x} m ({table:?})"
            );
        }
        // The near field at x = 10 D: 306/(306 + 100).
        let x = 10.0 * s.source_length_m;
        let c = ground_centreline(&d, 10.0, 2.5, x);
        assert!((c / p.source_concentration_kg_m3 - 306.0 / 406.0).abs() < 1e-9);
    }

    #[test]
    fn the_cloud_carries_the_release_rate_through_every_cross_section() {
        // In the dense phase σz is set by continuity, q₀ = π·u·σy·σz·C_m/C₀: checked here
        // against the workbook's own curve and width. Then ∫∫ C u dy dz over the half-space,
        // of the flat-cored crosswind profile and the ground-reflected Gaussian in z,
        // numerically, is the release rate at every distance.
        let (s, d) = rail_car();
        let plume = DensePlume::new(&s);
        for x in [20.0, 100.0, 300.0, 450.0] {
            let (sy, sz) = d.at(x);
            let sy_workbook = (2.0 / PI).sqrt() * plume.half_width_m(x);
            assert!((sy / sy_workbook - 1.0).abs() < 1e-9, "x {x}: σy {sy}");
            let continuity = s.volume_rate_m3_s / (PI * 2.5 * sy * plume.centreline_fraction(x));
            assert!(
                (sz / continuity - 1.0).abs() < 1e-9,
                "x {x}: σz {sz} vs {continuity}"
            );
        }
        for x in [20.0, 100.0, 300.0, 484.0, 600.0, 3000.0] {
            let (sy, sz) = d.at(x);
            let c0 = 10.0 / (PI * 2.5 * sy * sz);
            let n = 4000;
            let (ymax, zmax) = (8.0 * sy, 8.0 * sz);
            let (hy, hz) = (2.0 * ymax / n as f64, zmax / n as f64);
            // The crosswind profile the plume is drawn with: a flat core with edges.
            let profile = super::super::crosswind::at(&Sigmas::DenseGas(d), x);
            assert!(profile.core_m > 0.3 * sy, "x {x}: {profile:?}, σy {sy}");
            let gy: f64 = (0..=n)
                .map(|i| {
                    let y = -ymax + i as f64 * hy;
                    let w = if i == 0 || i == n { 0.5 } else { 1.0 };
                    w * profile.factor(y)
                })
                .sum::<f64>()
                * hy;
            let gz: f64 = (0..=n)
                .map(|i| {
                    let z = i as f64 * hz;
                    let w = if i == 0 || i == n { 0.5 } else { 1.0 };
                    w * (-0.5 * (z / sz).powi(2)).exp()
                })
                .sum::<f64>()
                * hz;
            let flux = c0 * 2.5 * gy * gz;
            assert!((flux / 10.0 - 1.0).abs() < 1e-4, "x {x}: flux {flux} kg/s");
        }
    }

    #[test]
    fn the_plume_leaves_the_dense_phase_continuously_and_thins_ever_after() {
        let (s, d) = rail_car();
        let xt = d.transition_m;
        assert!((xt - s.passive_beyond_m).abs() < 1e-9 * xt);
        let (a, b) = (d.at(xt * (1.0 - 1e-9)), d.at(xt * (1.0 + 1e-9)));
        assert!((a.0 / b.0 - 1.0).abs() < 1e-6 && (a.1 / b.1 - 1.0).abs() < 1e-6);
        // Centreline concentration falls monotonically from the source to 100 km.
        let mut last = f64::INFINITY;
        for k in 0..=400 {
            let x = 2.0 * 10f64.powf(k as f64 / 80.0);
            let c = ground_centreline(&d, 10.0, 2.5, x);
            assert!(c < last, "rises at {x} m: {c} after {last}");
            last = c;
        }
        // Far downwind the plume is the passive one from its virtual sources: still wider than
        // a plume from a point (the gravity spreading) and shallower (the stratified cloud).
        let passive = d.passive;
        let far = 100_000.0;
        let (sy, sz) = d.at(far);
        let (py, pz) = passive.at(far);
        assert!(sy > py && sz < pz, "σy {sy} vs {py}, σz {sz} vs {pz}");
        assert_eq!(
            (sy, sz),
            (
                passive.at(far - xt + d.virtual_y_m).0,
                passive.at(far - xt + d.virtual_z_m).1
            )
        );
    }

    #[test]
    fn every_dense_release_gives_finite_positive_sigmas_and_a_falling_centreline() {
        // Rates from a gram to a tonne a second, winds from 0.5 to 20 m/s, air from −23 to
        // 37 °C, every stability and scheme: no NaN, no zero, no rise (fixed-seed sample) for
        // every release the near field applies to (α ≤ 1).
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut uniform = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let classes = [StabilityClass::A, StabilityClass::D, StabilityClass::F];
        let mut dense = 0;
        for k in 0..300 {
            let rate = 10f64.powf(-3.0 + 6.0 * uniform());
            let wind = 0.5 + 19.5 * uniform();
            let air = 250.0 + 60.0 * uniform();
            let Some(s) = dense_gas::screen(rate, CHLORINE_KG_MOL, [air; 2], wind) else {
                continue;
            };
            if !s.is_dense() || s.alpha > dense_gas::ALPHA_RANGE.1 {
                continue;
            }
            dense += 1;
            let scheme = [SigmaScheme::Briggs, SigmaScheme::PasquillGifford][k % 2];
            let passive = PassiveSigmas::new(scheme, classes[k % 3], Terrain::Rural);
            let d = DenseGasSigmas::new(DensePlume::new(&s), s.volume_rate_m3_s, wind, passive);
            let mut last = f64::INFINITY;
            for j in 0..=250 {
                let x = 10f64.powf(j as f64 / 50.0);
                let (sy, sz) = d.at(x);
                assert!(
                    sy.is_finite() && sz.is_finite() && sy > 0.0 && sz > 0.0,
                    "{s:?} at {x}"
                );
                let c = 1.0 / (sy * sz);
                assert!(c <= last * (1.0 + 1e-12), "{s:?}: rises at {x} m");
                last = c;
            }
        }
        assert!(dense > 100, "{dense} dense cases");
    }

    #[test]
    fn a_hot_stack_carries_its_chemical_in_flue_gas_lighter_than_air() {
        // The review's refinery: 5 kg/s of SO₂ from a 3 m stack at 15 m/s and 450 K. The exit
        // flow is π/4·9·15 = 106.0 m³/s, pV/(RT) = 2 871 mol/s, of which 78.0 are SO₂.
        const SO2_KG_MOL: f64 = 0.064_066;
        let mix = ChemicalMixture {
            names: vec!["Sulphur dioxide".into()],
            rate_kg_s: 5.0,
            molar_mass_kg_mol: SO2_KG_MOL,
        };
        let stack = Stack {
            diameter_m: 3.0,
            exit_velocity_m_s: 15.0,
            exit_temperature_k: 450.0,
        };
        let mut source = Source {
            name: "refinery".into(),
            location: crate::geo::LatLon::new(45.0, -66.0),
            height_m: 60.0,
            start_s: 0.0,
            duration_s: 3600.0,
            releases: vec![],
            stack: Some(stack),
            release_temperature_k: None,
            reactor: false,
            aerosol: None,
        };
        let moles = 101_325.0 * 0.25 * PI * 9.0 * 15.0 / (8.314_462_618 * 450.0);
        let by_hand = (5.0 + (moles - 5.0 / SO2_KG_MOL) * 0.028_964_7) / moles;
        let (rate_kg_s, molar_mass) = effluent(&source, &mix);
        assert!((moles - 2871.0).abs() < 1.0, "{moles}");
        assert!((molar_mass - by_hand).abs() < 1e-12 && (molar_mass - 0.02989).abs() < 1e-4);
        assert!((rate_kg_s - molar_mass * moles).abs() < 1e-9);
        // ρ/ρₐ = (M/Mₐ)(Tₐ/T_s) = 0.66 at 288 K air: buoyant, not screened dense.
        let screen = |(rate, m): (f64, f64)| dense_gas::screen(rate, m, [450.0, 288.15], 3.0);
        assert!(screen((rate_kg_s, molar_mass)).is_none());
        // The pure gas would have been (the review's "1.4 × as dense as air").
        let pure = screen((5.0, SO2_KG_MOL)).unwrap();
        assert!(
            (pure.density_ratio - 1.42).abs() < 0.01,
            "{}",
            pure.density_ratio
        );
        // A stack whose flow is smaller than the chemical's own volume carries the chemical
        // alone, as a release with no stack does.
        source.stack = Some(Stack {
            exit_velocity_m_s: 0.01,
            ..stack
        });
        assert_eq!(effluent(&source, &mix), (5.0, SO2_KG_MOL));
        source.stack = None;
        assert_eq!(effluent(&source, &mix), (5.0, SO2_KG_MOL));
    }

    #[test]
    fn the_near_field_applies_at_grade_within_the_fitted_range_only() {
        let source = |height_m: f64| Source {
            name: "tank".into(),
            location: crate::geo::LatLon::new(45.0, -66.0),
            height_m,
            start_s: 0.0,
            duration_s: 1800.0,
            releases: vec![],
            stack: None,
            release_temperature_k: None,
            reactor: false,
            aerosol: None,
        };
        let rail_car = dense_gas::screen(10.0, CHLORINE_KG_MOL, [288.15; 2], 3.0).unwrap();
        assert!(applies(&source(1.0), &rail_car));
        assert!(applies(&source(GROUND_RELEASE_MAX_HEIGHT_M), &rail_car));
        assert!(!applies(&source(20.0), &rail_car), "an elevated release");
        // 600 kg/s in a 0.6 m/s wind: α = 1.14, beyond the correlations' range.
        let extreme = dense_gas::screen(600.0, CHLORINE_KG_MOL, [288.15; 2], 0.6).unwrap();
        assert!(extreme.alpha > 1.0, "{}", extreme.alpha);
        assert!(!applies(&source(1.0), &extreme));
        // A trickle in a strong wind, barely dense, on the correlations' plateau (α < −0.7;
        // the criterion is 10^(α/1.2), so no dense release has α below −0.99): applies.
        let weak = dense_gas::screen(0.02, CHLORINE_KG_MOL, [288.15; 2], 8.0).unwrap();
        assert!(weak.alpha < -0.7 && weak.is_dense(), "{weak:?}");
        assert!(applies(&source(1.0), &weak));
    }

    #[test]
    fn gravity_spreads_the_cloud_far_wider_than_a_passive_plume() {
        // At the hand-over (~480 m) the cloud is ~200 m wide (σy) but about a metre deep;
        // an F-class urban plume would be ~50 m wide (σy) and ~30 m deep there.
        let (_, d) = rail_car();
        let xt = d.transition_m;
        let (sy, sz) = d.at(xt);
        let (py, _) = d.passive.at(xt);
        assert!(sy > 3.0 * py, "σy {sy} vs passive {py}");
        assert!((0.5..3.0).contains(&sz), "σz {sz}");
    }
}
