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
//! (1.3·u*·√(1 − z/z_iu)); and the urban Obukhov length L = −T·u*ᵤ³/(κ·g·H/(ρcp)) is negative.
//! The layer is max(z_iuc, the rural mixing height) deep, as AERMOD's ZI for an urban source.
//! The particle model then takes this layer's turbulence from the same Hanna (1982) unstable
//! profiles as any convective layer — the mechanical and convective variances added, as
//! AERMOD adds its urban convective σ to the rural mechanical one — so that a ground release in
//! a city at night mixes through the urban layer instead of staying in a stable layer tens of
//! metres deep. In the day (L < 0) and in neutral air (L infinite) the rural layer is kept, as
//! in AERMOD. The wind is the weather's own: like AERMOD, only the turbulence and the layer
//! change.
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

use super::boundary_layer::{BoundaryLayer, StabilityClass, GRAVITY_M_S2, KARMAN};
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

/// The boundary layer over a city of `population` at night: the urban layer of the module docs
/// where `rural` is stable (finite L > 0), `rural` itself otherwise (day, neutral, no wind).
pub fn urban_boundary_layer(
    rural: &BoundaryLayer,
    population: f64,
    air_temperature_k: f64,
) -> BoundaryLayer {
    let l = rural.obukhov_length_m;
    let heat_flux_k_m_s =
        HEAT_FLUX_COEFFICIENT * heat_island_k(population) * rural.friction_velocity_m_s;
    if !(l > 0.0 && l.is_finite() && heat_flux_k_m_s > 0.0) {
        return *rural;
    }
    let t = air_temperature_k;
    let z_iuc = urban_layer_depth_m(population);
    let depth = z_iuc.max(rural.mixing_height_m);
    let w_star = (GRAVITY_M_S2 / t * heat_flux_k_m_s * z_iuc).cbrt();
    // Where the convective σw matches the mechanical one, at 7·z0 (AERMOD's URBCALC).
    let z = (7.0 * rural.roughness_length_m).min(0.5 * depth);
    let matched =
        w_star * (1.6 * (z / z_iuc).powf(2.0 / 3.0)).sqrt() / (1.3 * (1.0 - z / depth).sqrt());
    let u_star = rural.friction_velocity_m_s.max(matched);
    let obukhov_length_m = -t * u_star.powi(3) / (KARMAN * GRAVITY_M_S2 * heat_flux_k_m_s);
    BoundaryLayer {
        friction_velocity_m_s: u_star,
        obukhov_length_m,
        mixing_height_m: depth,
        roughness_length_m: rural.roughness_length_m,
        stability: StabilityClass::from_obukhov_length(obukhov_length_m, rural.roughness_length_m),
    }
}

/// Weather over a city at night: `rural` weather whose stable boundary layer is replaced by the
/// urban one of a city of `population` wherever and whenever it is stable.
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

    /// True where the urban layer replaces the rural one at (x, y, t).
    fn applies(&self, x_m: f64, y_m: f64, t_s: f64) -> bool {
        let l = self
            .rural
            .sample(x_m, y_m, 10.0, t_s)
            .boundary_layer
            .obukhov_length_m;
        l > 0.0 && l.is_finite()
    }
}

impl Meteorology for UrbanMet {
    fn sample(&self, x_m: f64, y_m: f64, z_m: f64, t_s: f64) -> MetSample {
        let mut s = self.rural.sample(x_m, y_m, z_m, t_s);
        s.boundary_layer =
            urban_boundary_layer(&s.boundary_layer, self.population, s.air_temperature_k);
        s
    }

    fn is_uniform(&self) -> bool {
        self.rural.is_uniform()
    }

    fn horizontal_scale_m(&self) -> Option<f64> {
        self.rural.horizontal_scale_m()
    }

    /// A measured σθ scales the rural profile it was compared with; where the urban layer
    /// replaces that profile, the urban layer's own σv stands (the run warns).
    fn sigma_v_scale(&self, x_m: f64, y_m: f64, t_s: f64) -> f64 {
        if self.applies(x_m, y_m, t_s) {
            1.0
        } else {
            self.rural.sigma_v_scale(x_m, y_m, t_s)
        }
    }

    fn measures_sigma_theta(&self) -> bool {
        self.rural.measures_sigma_theta()
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
    fn a_deeper_rural_layer_sets_the_urban_depth() {
        let mut rural = rural_night(200.0);
        rural.mixing_height_m = 500.0;
        let urban = urban_boundary_layer(&rural, 1.3e5, 283.0);
        assert_eq!(urban.mixing_height_m, 500.0);
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
        assert!(urban.measures_sigma_theta());
        // The measured σθ scaled the rural profile; the urban layer has its own.
        assert!(rural.sigma_v_scale(0.0, 0.0, 0.0) != 1.0);
        assert_eq!(urban.sigma_v_scale(0.0, 0.0, 0.0), 1.0);
    }
}
