//! The night-time urban boundary layer: a city's heat island turns the stable rural night into
//! a shallow convective-like layer, after AERMOD's urban option (Cimorelli et al. 2005; US EPA
//! 2004, EPA-454/R-03-004, §5.8).
//!
//! Where the rural air is stable (L > 0), the city is warmer than the country around it by
//! ΔT = ΔT_max·(0.1·ln(P/P₀) + 1) with ΔT_max = 12 K and P₀ = 2·10⁶ inhabitants — AERMOD's
//! rounded fit to Oke's (1973, 1982) observations in Canadian cities of 10³ to 2·10⁶ — and the
//! surface gives up an upward kinematic heat flux H/(ρcp) = 0.03·ΔT·u* (the rural u*) into a
//! layer z_iuc = 400 m·(P/P₀)^¼ deep. Its convective velocity is
//! w*ᵤ = ((g/T)·(H/ρcp)·z_iuc)^⅓; the urban friction velocity is the rural one, or more where
//! the convective σw at 7·z0 (σw² = 1.6·(z/z_iuc)^⅔·w*ᵤ²) exceeds the mechanical one there
//! (1.3·u*·√(1 − z/z_iu)). The layer is max(z_iuc, the rural mixing height) deep, as AERMOD's
//! ZI for an urban source, and its Obukhov length L = −u*ᵤ³·h/(κ·w*ᵤ³) is negative and keeps
//! w*ᵤ (over z_iuc) where the layer is deeper; where it is z_iuc deep, that is AERMOD's
//! L = −T·u*ᵤ³/(κ·g·H/(ρcp)). The particle model then takes this layer's turbulence from the
//! same Hanna (1982) unstable profiles as any convective layer — the mechanical variance from the urban u* and the convective one from
//! w*, added, as AERMOD adds its urban convective σ to the mechanical one — so that a ground
//! release in a city at night mixes through the urban layer instead of staying in a stable
//! layer tens of metres deep. In the day (L < 0) and in neutral air (L infinite) the rural
//! layer is kept, as in AERMOD's formulation document; AERMOD's code also keeps the urban layer
//! in the morning transition while the convective layer is shallower than z_iuc, which is not
//! done here. The wind is the weather's own: like AERMOD, only the turbulence and the layer
//! change. A plume's rise follows the layer it rises in, so over the city at night it rises as
//! in unstable air. A measured σθ is not used with a population: it would scale the rural
//! profile it was compared with.
//!
//! The parameterisation stands for a city as a whole (AERMOD asks for the population of the
//! metropolitan area, not of a corridor). Retter et al. (2025) find its night-time heat fluxes
//! often well above those measured in cities, so the urban layer is, if anything, on the
//! well-mixed side; the urban Briggs curves of the Gaussian models rest on St. Louis data of
//! the same kind.
//!
//! ## References
//! - Cimorelli, A.J. et al. (2005) "AERMOD: A dispersion model for industrial source
//!   applications. Part I", J. Appl. Meteorol. 44:682–693, doi:10.1175/JAM2227.1; US EPA (2004)
//!   *AERMOD: Description of Model Formulation*, EPA-454/R-03-004, §5.8 (its code: `URBCALC`).
//! - Oke, T.R. (1973) "City size and the urban heat island", Atmos. Environ. 7:769–779,
//!   doi:10.1016/0004-6981(73)90140-6.
//! - Retter, J.E. et al. (2025) "Revisiting the convective like boundary layer assumption in the
//!   urban option of AERMOD", Atmosphere 16:1342, doi:10.3390/atmos16121342.

use super::boundary_layer::{
    calm_boundary_layers, BoundaryLayer, StabilityClass, CALM_REFERENCE_HEIGHT_M, GRAVITY_M_S2,
    KARMAN,
};
use super::{MetSample, Meteorology};

/// The population P₀ (inhabitants) at which the heat island reaches [`MAX_HEAT_ISLAND_K`].
pub const REFERENCE_POPULATION: f64 = 2.0e6;
/// ΔT_max (K): the urban–rural temperature difference of a city of [`REFERENCE_POPULATION`].
pub const MAX_HEAT_ISLAND_K: f64 = 12.0;
/// The depth (m) of the urban layer of a city of [`REFERENCE_POPULATION`].
pub const REFERENCE_URBAN_LAYER_M: f64 = 400.0;
/// α in H/(ρcp) = α·ΔT·u*: the heat-island flux coefficient.
pub const HEAT_FLUX_COEFFICIENT: f64 = 0.03;
/// The smallest population the fit holds for: ΔT reaches zero near 91 inhabitants (AERMOD
/// refuses fewer than 100).
pub const MIN_POPULATION: f64 = 100.0;

/// The night-time urban–rural temperature difference ΔT (K) of a city of `population`.
pub fn heat_island_k(population: f64) -> f64 {
    MAX_HEAT_ISLAND_K * (0.1 * (population / REFERENCE_POPULATION).ln() + 1.0)
}

/// The depth z_iuc (m) of the convective-like urban layer of a city of `population`.
pub fn urban_layer_depth_m(population: f64) -> f64 {
    REFERENCE_URBAN_LAYER_M * (population / REFERENCE_POPULATION).powf(0.25)
}

/// The heat island's upward kinematic heat flux H/(ρcp) = 0.03·ΔT·u* (K m/s) over `rural`
/// where its layer is stable (finite L > 0) and has a friction velocity; `None` where the
/// rural layer stands (day, neutral, no wind).
fn heat_island_flux_k_m_s(rural: &BoundaryLayer, population: f64) -> Option<f64> {
    let l = rural.obukhov_length_m;
    let flux = HEAT_FLUX_COEFFICIENT * heat_island_k(population) * rural.friction_velocity_m_s;
    (l > 0.0 && l.is_finite() && flux > 0.0).then_some(flux)
}

/// The boundary layer over a city of `population` at night: the urban layer of the module docs
/// where `rural` is stable (finite L > 0), `rural` itself otherwise (day, neutral, no wind).
pub fn urban_boundary_layer(
    rural: &BoundaryLayer,
    population: f64,
    air_temperature_k: f64,
) -> BoundaryLayer {
    let Some(heat_flux_k_m_s) = heat_island_flux_k_m_s(rural, population) else {
        return *rural;
    };
    let z_iuc = urban_layer_depth_m(population);
    let depth = z_iuc.max(rural.mixing_height_m);
    let w_star = (GRAVITY_M_S2 / air_temperature_k * heat_flux_k_m_s * z_iuc).cbrt();
    // Where the convective σw matches the mechanical one, at 7·z0 (AERMOD's URBCALC).
    let z = (7.0 * rural.roughness_length_m).min(0.5 * depth);
    let matched =
        w_star * (1.6 * (z / z_iuc).powf(2.0 / 3.0)).sqrt() / (1.3 * (1.0 - z / depth).sqrt());
    let u_star = rural.friction_velocity_m_s.max(matched);
    convective_layer(rural.roughness_length_m, u_star, w_star, depth)
}

/// The unstable layer `depth_m` deep with friction velocity `u_star_m_s` and convective
/// velocity `w_star_m_s`: L = −u*³·h/(κ·w*³), so that the w* the turbulence profiles take from
/// (u*, L, h) ([`BoundaryLayer::convective_velocity_m_s`]) is the heat island's, computed over
/// z_iuc as AERMOD does, also where the layer is deeper than z_iuc. Where it is z_iuc deep,
/// L = −T·u*³/(κ·g·H/(ρcp)), AERMOD's urban Obukhov length.
fn convective_layer(
    roughness_length_m: f64,
    u_star_m_s: f64,
    w_star_m_s: f64,
    depth_m: f64,
) -> BoundaryLayer {
    let obukhov_length_m = -u_star_m_s.powi(3) * depth_m / (KARMAN * w_star_m_s.powi(3));
    BoundaryLayer {
        friction_velocity_m_s: u_star_m_s,
        obukhov_length_m,
        mixing_height_m: depth_m,
        roughness_length_m,
        stability: StabilityClass::from_obukhov_length(obukhov_length_m, roughness_length_m),
    }
}

/// Weather over a city at night: `rural` weather whose stable boundary layer is replaced by the
/// urban one of a city of `population` wherever and whenever it is stable. A measured σθ is
/// not used: it scales the rural profile it was compared with, and the urban layer has its own.
pub struct UrbanMet {
    rural: Box<dyn Meteorology>,
    population: f64,
}

impl UrbanMet {
    /// Wraps `rural` weather for a city of `population` (at least [`MIN_POPULATION`]).
    pub fn new(rural: Box<dyn Meteorology>, population: f64) -> Self {
        UrbanMet {
            rural,
            population: population.max(MIN_POPULATION),
        }
    }

    /// The layer over the city where the weather's is `rural`. The particle model never lets
    /// the turbulence fall below that of a calm-threshold wind ([`calm_boundary_layers`]), so
    /// the heat island draws its flux from the rural layer so floored, and where the floor
    /// would raise the urban u* as well, it is raised here with the heat island's w* kept (the
    /// floor applied later then changes nothing): raising u* alone would raise w* with it.
    fn night_layer(&self, rural: &BoundaryLayer, air_temperature_k: f64) -> BoundaryLayer {
        let (floored, _) = calm_boundary_layers(rural, CALM_REFERENCE_HEIGHT_M);
        if heat_island_flux_k_m_s(&floored, self.population).is_none() {
            return *rural;
        }
        let urban = urban_boundary_layer(&floored, self.population, air_temperature_k);
        let (calm, _) = calm_boundary_layers(&urban, CALM_REFERENCE_HEIGHT_M);
        if calm.friction_velocity_m_s > urban.friction_velocity_m_s {
            convective_layer(
                urban.roughness_length_m,
                calm.friction_velocity_m_s,
                urban.convective_velocity_m_s(),
                urban.mixing_height_m,
            )
        } else {
            urban
        }
    }
}

impl Meteorology for UrbanMet {
    fn sample(&self, x_m: f64, y_m: f64, z_m: f64, t_s: f64) -> MetSample {
        let mut s = self.rural.sample(x_m, y_m, z_m, t_s);
        s.boundary_layer = self.night_layer(&s.boundary_layer, s.air_temperature_k);
        s
    }

    fn is_uniform(&self) -> bool {
        self.rural.is_uniform()
    }

    fn horizontal_scale_m(&self) -> Option<f64> {
        self.rural.horizontal_scale_m()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rural_night(l_m: f64) -> BoundaryLayer {
        BoundaryLayer {
            friction_velocity_m_s: 0.2,
            obukhov_length_m: l_m,
            mixing_height_m: 60.0,
            roughness_length_m: 1.0,
            stability: StabilityClass::F,
        }
    }

    #[test]
    fn heat_island_and_layer_follow_aermods_population_fits() {
        assert!((heat_island_k(REFERENCE_POPULATION) - 12.0).abs() < 1e-12);
        // A tenth of P₀: 12·(1 − 0.1·ln 10) = 9.2369 K, 400·0.1^¼ = 224.94 m.
        assert!((heat_island_k(2.0e5) - 9.236_898).abs() < 1e-6);
        assert!((urban_layer_depth_m(2.0e5) - 224.936_5).abs() < 1e-4);
        // The fit falls to zero at P₀·e⁻¹⁰, about 91 inhabitants.
        assert!(heat_island_k(2.0e6 * (-10.0f64).exp()).abs() < 1e-12);
        assert!(heat_island_k(MIN_POPULATION) > 0.0);
    }

    #[test]
    fn a_stable_rural_night_becomes_a_convective_urban_layer() {
        let (p, t) = (1.3e5, 283.0);
        let rural = rural_night(14.0);
        let urban = urban_boundary_layer(&rural, p, t);
        let heat_flux = 0.03 * heat_island_k(p) * 0.2;
        let z_iuc = urban_layer_depth_m(p);
        assert!(urban.obukhov_length_m < 0.0);
        assert_eq!(urban.mixing_height_m, z_iuc.max(60.0));
        // L = −T·u*³/(κ g H/ρcp) with the urban u*, so the layer's w* (from u*, L, h) is the
        // heat island's ((g/T)·H/ρcp·z_iuc)^⅓.
        let u = urban.friction_velocity_m_s;
        let l = -t * u.powi(3) / (KARMAN * GRAVITY_M_S2 * heat_flux);
        assert!((urban.obukhov_length_m - l).abs() < 1e-9 * l.abs());
        let w_star = (GRAVITY_M_S2 / t * heat_flux * z_iuc).cbrt();
        assert!((urban.convective_velocity_m_s() - w_star).abs() < 1e-12);
        // u* is the rural one or the σw match at 7 z0, whichever is larger.
        let matched = w_star * (1.6 * (7.0 / z_iuc).powf(2.0 / 3.0)).sqrt()
            / (1.3 * (1.0 - 7.0 / z_iuc).sqrt());
        assert!((u - matched.max(0.2)).abs() < 1e-12);
        assert!(u >= 0.2);
        assert!(urban.stability < StabilityClass::D, "{:?}", urban.stability);
    }

    #[test]
    fn a_deeper_rural_layer_sets_the_urban_depth_and_keeps_the_heat_islands_w_star() {
        let (p, t) = (1.3e5, 283.0);
        let mut rural = rural_night(200.0);
        rural.mixing_height_m = 500.0;
        let urban = urban_boundary_layer(&rural, p, t);
        assert_eq!(urban.mixing_height_m, 500.0);
        // w* over z_iuc (AERMOD's), not over the 500 m layer (13 % more).
        let heat_flux = 0.03 * heat_island_k(p) * 0.2;
        let w_star = (GRAVITY_M_S2 / t * heat_flux * urban_layer_depth_m(p)).cbrt();
        assert!((urban.convective_velocity_m_s() - w_star).abs() < 1e-12);
        // The σw match at 7 z0 uses the layer's depth under the root.
        let matched = w_star * (1.6 * (7.0 / urban_layer_depth_m(p)).powf(2.0 / 3.0)).sqrt()
            / (1.3 * (1.0 - 7.0 / 500.0f64).sqrt());
        assert!((urban.friction_velocity_m_s - matched.max(0.2)).abs() < 1e-12);
    }

    #[test]
    fn a_near_calm_night_takes_the_calm_floor_before_the_heat_island() {
        use crate::met::UniformMet;
        let mut bl = rural_night(14.0);
        bl.friction_velocity_m_s = 1e-3;
        let rural = UniformMet {
            wind_speed_m_s: 0.01,
            reference_height_m: 10.0,
            wind_from_deg: 270.0,
            boundary_layer: bl,
            precipitation_mm_h: 0.0,
            air_temperature_k: 268.0,
            sigma_theta_deg: None,
        };
        let urban = UrbanMet::new(Box::new(rural), 1.3e5)
            .sample(0.0, 0.0, 2.0, 0.0)
            .boundary_layer;
        // The heat island's flux comes from the floored rural u* …
        let (floored, _) = calm_boundary_layers(&bl, CALM_REFERENCE_HEIGHT_M);
        assert!(floored.friction_velocity_m_s > 0.03);
        let heat_flux = 0.03 * heat_island_k(1.3e5) * floored.friction_velocity_m_s;
        let w_star = (GRAVITY_M_S2 / 268.0 * heat_flux * urban_layer_depth_m(1.3e5)).cbrt();
        assert!((urban.convective_velocity_m_s() - w_star).abs() < 1e-9);
        // … and the particle model's own calm floor, applied after, changes nothing.
        let (again, _) = calm_boundary_layers(&urban, CALM_REFERENCE_HEIGHT_M);
        assert!(
            (again.friction_velocity_m_s - urban.friction_velocity_m_s).abs()
                < 1e-12 * urban.friction_velocity_m_s
        );
    }

    #[test]
    fn day_neutral_and_calm_layers_stay_rural() {
        for l in [-30.0, f64::INFINITY] {
            let rural = rural_night(l);
            assert_eq!(urban_boundary_layer(&rural, 1.0e6, 283.0), rural);
        }
        let mut calm = rural_night(14.0);
        calm.friction_velocity_m_s = 0.0;
        assert_eq!(urban_boundary_layer(&calm, 1.0e6, 283.0), calm);
    }

    #[test]
    fn urban_weather_keeps_the_wind_and_replaces_the_night_layer() {
        use crate::met::UniformMet;
        let rural = UniformMet {
            wind_speed_m_s: 2.5,
            reference_height_m: 10.0,
            wind_from_deg: 270.0,
            boundary_layer: rural_night(14.0),
            precipitation_mm_h: 0.0,
            air_temperature_k: 283.0,
            sigma_theta_deg: Some(10.0),
        };
        let urban = UrbanMet::new(Box::new(rural.clone()), 1.3e5);
        for z in [2.0, 30.0, 150.0] {
            let (r, u) = (
                rural.sample(0.0, 0.0, z, 0.0),
                urban.sample(0.0, 0.0, z, 0.0),
            );
            assert_eq!((r.wind_u_m_s, r.wind_v_m_s), (u.wind_u_m_s, u.wind_v_m_s));
            assert_eq!(
                u.boundary_layer,
                urban_boundary_layer(&r.boundary_layer, 1.3e5, 283.0)
            );
        }
        assert!(urban.is_uniform());
        // The measured σθ scaled the rural profile; the urban weather has its own.
        assert!(rural.measures_sigma_theta());
        assert!(rural.sigma_v_scale(0.0, 0.0, 0.0) != 1.0);
        assert!(!urban.measures_sigma_theta());
        assert_eq!(urban.sigma_v_scale(0.0, 0.0, 0.0), 1.0);
    }
}
