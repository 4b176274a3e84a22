//! A source's particles: their diameter and density, and the gravitational settling velocity
//! these give in air.
//!
//! A sphere of diameter d and density ρp falls at the velocity where its weight less buoyancy
//! balances the drag:
//!
//! `(π/6)·d³·(ρp − ρa)·g = C_D·(π/8)·ρa·v²·d² / C_c`,
//!
//! with the Schiller–Naumann drag coefficient `C_D = 24/Re·(1 + 0.15·Re^0.687)`, Re = ρa·v·d/μ
//! (Clift, Grace & Weber 1978, Table 5.2; within about 5 % of the standard drag curve for
//! Re < 800), and the Cunningham slip correction `C_c = 1 + Kn·(1.257 + 0.4·e^(−1.1/Kn))`,
//! Kn = 2λ/d (Seinfeld & Pandis 2006, eq. 9.34), which matters below a few µm where the air is
//! no longer a continuum to the particle. At small Re this is Stokes's law,
//! `v = ρp·d²·g·C_c/(18μ)` (Seinfeld & Pandis eq. 9.42); the 0.15·Re^0.687 term slows particles
//! above ~30 µm (a 100 µm water droplet falls at 0.25 m/s, not Stokes's 0.30). The balance is
//! solved by bisection, since the drag rises monotonically with v.
//!
//! The air is the weather's air temperature at the source when its release starts (each
//! puff's when it is released; the standard atmosphere's 288.15 K for the scenario checks) at the standard ground pressure
//! (101 325 Pa): the dynamic viscosity by Sutherland's law (μ = 1.716·10⁻⁵ Pa·s at 273.15 K,
//! S = 110.4 K; White 2006, eq. 1-36), the mean free path λ = 2μ/(p·√(8M/(πRT))) (Seinfeld &
//! Pandis eq. 9.6; 0.0665 µm at 298 K with Sutherland's μ). Over the −30 to +35 °C of the
//! Maine–New Brunswick year the viscosity changes a small particle's v by +14 % to −5 %
//! (+8.5 % to −3.3 % at 100 µm) against the standard air's; the transport models take one v
//! per source, with no change over the release or with height.
//!
//! ## References
//! - Seinfeld, J.H., Pandis, S.N. (2006) *Atmospheric Chemistry and Physics*, 2nd ed., Wiley,
//!   ch. 9 (eqs. 9.6, 9.34, 9.42; Tables 9.3 and 9.4).
//! - Clift, R., Grace, J.R., Weber, M.E. (1978) *Bubbles, Drops, and Particles*, Academic Press,
//!   ch. 5 (the Schiller–Naumann correlation, Table 5.2).
//! - White, F.M. (2006) *Viscous Fluid Flow*, 3rd ed., McGraw-Hill, eq. 1-36 (Sutherland).
//! - Gunn, R., Kinzer, G.D. (1949) "The terminal velocity of fall for water droplets in stagnant
//!   air", J. Meteorol. 6:243–248 — the measured fall speeds the tests compare with.

use serde::Serialize;

use crate::met::boundary_layer::GRAVITY_M_S2;
use crate::source::dense_gas::{AIR_MOLAR_MASS_KG_MOL, GAS_CONSTANT_J_MOL_K};

/// Air temperature (K) at which the settling velocity is evaluated: the standard atmosphere's
/// at sea level.
pub const SETTLING_AIR_TEMPERATURE_K: f64 = 288.15;
/// Air pressure (Pa) at which the settling velocity is evaluated.
pub const SETTLING_AIR_PRESSURE_PA: f64 = 101_325.0;
/// Largest particle Reynolds number of the Schiller–Naumann drag correlation.
pub const MAX_REYNOLDS_NUMBER: f64 = 800.0;

/// The particles a source releases: spheres of one diameter and density.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Aerosol {
    /// Particle diameter (m).
    pub diameter_m: f64,
    /// Particle density (kg/m³); 1000 for water droplets and most spores, ~1900 for soil and
    /// ash, ~3900 for caesium chloride.
    pub density_kg_m3: f64,
}

impl Aerosol {
    /// The terminal settling velocity (m/s, downward) in the standard air at the ground.
    pub fn settling_velocity_m_s(&self) -> f64 {
        self.settling_velocity_in_m_s(SETTLING_AIR_TEMPERATURE_K)
    }

    /// The terminal settling velocity (m/s, downward) in air at `air_temperature_k` and the
    /// standard ground pressure.
    pub fn settling_velocity_in_m_s(&self, air_temperature_k: f64) -> f64 {
        settling_velocity_m_s(
            self.diameter_m,
            self.density_kg_m3,
            air_temperature_k,
            SETTLING_AIR_PRESSURE_PA,
        )
    }

    /// The particle Reynolds number ρa·v·d/μ at that settling velocity.
    pub fn reynolds_number(&self) -> f64 {
        let (t, p) = (SETTLING_AIR_TEMPERATURE_K, SETTLING_AIR_PRESSURE_PA);
        air_density_kg_m3(t, p) * self.settling_velocity_m_s() * self.diameter_m
            / air_viscosity_pa_s(t)
    }
}

/// Dynamic viscosity of air (Pa·s) at `temperature_k`, by Sutherland's law.
pub fn air_viscosity_pa_s(temperature_k: f64) -> f64 {
    const MU_REF_PA_S: f64 = 1.716e-5;
    const T_REF_K: f64 = 273.15;
    const SUTHERLAND_K: f64 = 110.4;
    MU_REF_PA_S * (temperature_k / T_REF_K).powf(1.5) * (T_REF_K + SUTHERLAND_K)
        / (temperature_k + SUTHERLAND_K)
}

/// Density of dry air (kg/m³) by the ideal gas law.
pub fn air_density_kg_m3(temperature_k: f64, pressure_pa: f64) -> f64 {
    pressure_pa * AIR_MOLAR_MASS_KG_MOL / (GAS_CONSTANT_J_MOL_K * temperature_k)
}

/// Mean free path of air molecules (m): λ = 2μ/(p·√(8M/(πRT))) (Seinfeld & Pandis eq. 9.6).
pub fn mean_free_path_m(temperature_k: f64, pressure_pa: f64) -> f64 {
    let root = (8.0 * AIR_MOLAR_MASS_KG_MOL
        / (std::f64::consts::PI * GAS_CONSTANT_J_MOL_K * temperature_k))
        .sqrt();
    2.0 * air_viscosity_pa_s(temperature_k) / (pressure_pa * root)
}

/// Cunningham's slip correction C_c for a particle of `diameter_m` (Seinfeld & Pandis eq. 9.34).
pub fn slip_correction(diameter_m: f64, temperature_k: f64, pressure_pa: f64) -> f64 {
    let kn = 2.0 * mean_free_path_m(temperature_k, pressure_pa) / diameter_m;
    1.0 + kn * (1.257 + 0.4 * (-1.1 / kn).exp())
}

/// The terminal settling velocity (m/s) of a sphere of `diameter_m` and `density_kg_m3` in air
/// at `temperature_k` and `pressure_pa` (see the module's equations). Zero for a particle no
/// denser than the air.
pub fn settling_velocity_m_s(
    diameter_m: f64,
    density_kg_m3: f64,
    temperature_k: f64,
    pressure_pa: f64,
) -> f64 {
    let mu = air_viscosity_pa_s(temperature_k);
    let rho_a = air_density_kg_m3(temperature_k, pressure_pa);
    let cc = slip_correction(diameter_m, temperature_k, pressure_pa);
    let excess = density_kg_m3 - rho_a;
    if !(excess > 0.0 && diameter_m > 0.0) {
        return 0.0;
    }
    let stokes = excess * diameter_m * diameter_m * GRAVITY_M_S2 * cc / (18.0 * mu);
    // The balance reads v·(1 + 0.15·Re(v)^0.687) = v_Stokes; its left side rises with v, so
    // the root lies in (0, v_Stokes].
    let residual = |v: f64| v * (1.0 + 0.15 * (rho_a * v * diameter_m / mu).powf(0.687)) - stokes;
    let (mut lo, mut hi) = (0.0, stokes);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if residual(mid) > 0.0 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T25: f64 = 298.15;
    const P: f64 = 101_325.0;

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b
    }

    #[test]
    fn air_properties_are_the_textbook_ones() {
        // White (2006) Table A.2: μ(20 °C) = 1.80·10⁻⁵ Pa·s; Seinfeld & Pandis: λ(298 K) =
        // 0.0651 µm; ρ(15 °C) = 1.225 kg/m³ (standard atmosphere).
        assert!(rel(air_viscosity_pa_s(293.15), 1.80e-5) < 0.01);
        // (The table's λ takes μ = 1.80·10⁻⁵ Pa·s; Sutherland's 1.84·10⁻⁵ at 298 K gives 0.0665 µm.)
        assert!(rel(mean_free_path_m(T25, P), 0.0651e-6) < 0.025);
        assert!(rel(air_density_kg_m3(288.15, P), 1.225) < 0.001);
    }

    #[test]
    fn slip_correction_matches_seinfeld_and_pandis_table_9_3() {
        for (d_um, cc) in [(0.01, 22.2), (0.1, 2.85), (1.0, 1.164), (10.0, 1.016)] {
            let got = slip_correction(d_um * 1e-6, T25, P);
            assert!(rel(got, cc) < 0.025, "{d_um} µm: C_c {got} against {cc}");
        }
    }

    #[test]
    fn small_particles_settle_by_stokes_law() {
        // Seinfeld & Pandis Table 9.4 (ρp = 1000 kg/m³, 298 K): 0.1 µm 8.65·10⁻⁷ m/s, 1 µm
        // 3.5·10⁻⁵ m/s, 10 µm 3.06·10⁻³ m/s (the table's μ is 2 % below Sutherland's).
        for (d_um, v) in [(0.1, 8.65e-7), (1.0, 3.5e-5), (10.0, 3.06e-3)] {
            let got = settling_velocity_m_s(d_um * 1e-6, 1000.0, T25, P);
            assert!(rel(got, v) < 0.03, "{d_um} µm: {got} m/s against {v}");
        }
        // v ∝ ρp·d² where the slip correction is near 1 (10 and 20 µm).
        let v10 = settling_velocity_m_s(10e-6, 2000.0, T25, P);
        let v20 = settling_velocity_m_s(20e-6, 2000.0, T25, P);
        let v10_light = settling_velocity_m_s(10e-6, 1000.0, T25, P);
        assert!(rel(v10, 2.0 * v10_light) < 0.001);
        assert!(rel(v20 / v10, 4.0) < 0.02, "{}", v20 / v10);
    }

    #[test]
    fn droplets_fall_as_gunn_and_kinzer_measured() {
        // Gunn & Kinzer (1949), distilled water in air at 20 °C, 1013 hPa: diameter (mm) and
        // terminal velocity (m/s). Above 1 mm drops flatten and the sphere's drag no longer holds.
        // Within 5 % (the correlation's own scatter about the standard drag curve), 9 % at
        // 0.1 mm; Stokes's law alone is 11 % off at 0.1 mm, 66 % at 0.2 mm and ×7 at 1 mm.
        for (d_mm, v, tol) in [
            (0.1, 0.27, 0.09),
            (0.2, 0.72, 0.05),
            (0.4, 1.62, 0.05),
            (0.6, 2.47, 0.05),
            (1.0, 4.03, 0.05),
        ] {
            let got = settling_velocity_m_s(d_mm * 1e-3, 998.0, 293.15, P);
            assert!(rel(got, v) < tol, "{d_mm} mm: {got} m/s against {v}");
        }
    }

    #[test]
    fn a_particle_no_denser_than_air_does_not_settle() {
        assert_eq!(settling_velocity_m_s(1e-5, 1.0, T25, P), 0.0);
        assert_eq!(settling_velocity_m_s(0.0, 1000.0, T25, P), 0.0);
    }

    #[test]
    fn an_aerosol_settles_in_the_standard_air_at_the_ground() {
        let a = Aerosol {
            diameter_m: 10e-6,
            density_kg_m3: 1000.0,
        };
        let v = a.settling_velocity_m_s();
        // 15 °C air is 3 % less viscous than 25 °C air: the particle falls that much faster.
        let v25 = settling_velocity_m_s(10e-6, 1000.0, T25, P);
        assert!(v > 1.02 * v25 && v < 1.04 * v25, "{v} against {v25}");
        assert!(a.reynolds_number() < 0.01, "{}", a.reynolds_number());
    }
}
