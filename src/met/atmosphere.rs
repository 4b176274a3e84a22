//! The dry air's thermodynamic profile: how its density falls with height.
//!
//! A particle model whose turbulence keeps particles well mixed in *number* leaves a well-mixed
//! tracer's concentration uniform in height, while a well-mixed tracer's mixing ratio is
//! uniform and its concentration falls with the air density — by 9 % over a 1 km boundary
//! layer. Stohl & Thomson (1999) add the drift that keeps the particles in proportion to ρ;
//! the Lagrangian model takes its ∂lnρ/∂z from here ([`density_log_gradient_per_m`]).
//!
//! ## References
//! - Stohl, A., Thomson, D.J. (1999) Boundary-Layer Meteorol. 90:155–167,
//!   doi:10.1023/A:1001741110696 — a density correction for Lagrangian particle dispersion
//!   models.
//! - NOAA/NASA/USAF (1976) *U.S. Standard Atmosphere, 1976*, NOAA-S/T 76-1562: lapse rate
//!   6.5 K/km below 11 km, R = 287.053 J kg⁻¹ K⁻¹, g₀ = 9.80665 m s⁻².

use super::boundary_layer::GRAVITY_M_S2;

/// Gas constant of dry air (J kg⁻¹ K⁻¹), U.S. Standard Atmosphere (1976).
pub const R_DRY_J_KG_K: f64 = 287.053;
/// Temperature lapse rate of the U.S. Standard Atmosphere (1976) troposphere (K/m).
pub const STANDARD_LAPSE_RATE_K_M: f64 = 0.0065;

/// ∂lnρ/∂z (m⁻¹) of dry air at `z_m` above a surface at `surface_temperature_k`: hydrostatic
/// ideal gas with the standard lapse rate Γ, T = T_s − Γz, so that p ∝ T^(g/RΓ),
/// ρ ∝ T^(g/RΓ − 1) and
///
/// `∂lnρ/∂z = −(g/R − Γ)/T`,
///
/// −9.60 × 10⁻⁵ m⁻¹ at 288.15 K (a density scale height of 10.4 km). Inside a convective
/// mixed layer the lapse rate is the dry adiabatic 9.8 K/km and the gradient 12 % smaller;
/// the standard lapse rate is kept at every height, as the met carries no temperature
/// profile. Above the troposphere's 11 km, where T would fall below 216.65 K, T is held there.
pub fn density_log_gradient_per_m(surface_temperature_k: f64, z_m: f64) -> f64 {
    let t_k = (surface_temperature_k - STANDARD_LAPSE_RATE_K_M * z_m.max(0.0)).max(216.65);
    -(GRAVITY_M_S2 / R_DRY_J_KG_K - STANDARD_LAPSE_RATE_K_M) / t_k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn density_gradient_matches_the_standard_atmosphere_table() {
        // U.S. Standard Atmosphere (1976) densities: 1.2250 kg/m³ at 0 m, 1.1117 at 1000 m,
        // 1.0066 at 2000 m. ln(ρ₀/ρ₂) = 0.19640 over 2 km.
        let steps = 2000;
        let dz = 2000.0 / steps as f64;
        let integral: f64 = (0..steps)
            .map(|k| density_log_gradient_per_m(288.15, (k as f64 + 0.5) * dz) * dz)
            .sum();
        let table = (1.0066f64 / 1.2250).ln();
        assert!(
            (integral - table).abs() < 2e-4,
            "∫∂lnρ/∂z dz = {integral:.5}, table {table:.5}"
        );
        let at_1000 = (1.1117f64 / 1.2250).ln();
        let half: f64 = (0..steps / 2)
            .map(|k| density_log_gradient_per_m(288.15, (k as f64 + 0.5) * dz) * dz)
            .sum();
        assert!((half - at_1000).abs() < 2e-4, "{half:.5} vs {at_1000:.5}");
    }

    #[test]
    fn density_gradient_is_steeper_in_colder_air() {
        let cold = density_log_gradient_per_m(253.15, 0.0);
        let warm = density_log_gradient_per_m(303.15, 0.0);
        assert!(cold < warm && warm < 0.0);
        assert!((cold / warm - 303.15 / 253.15).abs() < 1e-12);
    }
}
