//! Meteorology: what every model samples — wind vector, boundary-layer scales, precipitation and
//! temperature at (x, y, z, t) in the local frame.
//!
//! Directions follow the meteorological convention in scenario files (`wind_from_deg`, degrees
//! clockwise from north that the wind blows *from*); inside the engine the wind is a vector
//! (u east, v north) in the local transverse Mercator frame, whose grid north equals true north
//! on the central meridian through the domain centre.

pub mod atmosphere;
pub mod boundary_layer;
pub mod error;
mod file_kind;
pub mod gridded;
pub mod load;
pub mod period;
pub mod perturbation;
pub mod release_wind;
pub mod station;
pub mod turbulence;
pub mod urban;

pub use boundary_layer::{BoundaryLayer, StabilityClass};
pub use error::{MetError, MetWarning};
pub use gridded::{GriddedMet, VerticalInterpolation};
pub use perturbation::MetPerturbation;
pub use release_wind::ReleaseWind;
pub use station::{SpatialWeighting, StationMet, StationOptions};
pub use urban::UrbanMet;

/// Meteorology at one point and time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetSample {
    /// Wind towards the east (m/s).
    pub wind_u_m_s: f64,
    /// Wind towards the north (m/s).
    pub wind_v_m_s: f64,
    /// Vertical wind (m/s).
    pub wind_w_m_s: f64,
    /// Boundary-layer scales.
    pub boundary_layer: BoundaryLayer,
    /// Precipitation rate (mm/h).
    pub precipitation_mm_h: f64,
    /// Air temperature near the surface (K).
    pub air_temperature_k: f64,
}

impl MetSample {
    /// Horizontal wind speed (m/s).
    pub fn wind_speed_m_s(&self) -> f64 {
        self.wind_u_m_s.hypot(self.wind_v_m_s)
    }
}

/// A source of meteorology that models sample. Implementations are plain data behind a trait so
/// that uniform, station and gridded inputs plug into every model and backend alike.
pub trait Meteorology: Send + Sync {
    /// Samples the meteorology at local position (m) and time since the scenario start (s).
    fn sample(&self, x_m: f64, y_m: f64, z_m: f64, t_s: f64) -> MetSample;

    /// True when the field is the same everywhere and always (lets models hoist it).
    fn is_uniform(&self) -> bool {
        false
    }

    /// The horizontal distance (m) over which the fields change appreciably (the grid spacing
    /// of gridded input, the closest station spacing of station input), or `None` where they
    /// are the same everywhere. Puff models split puffs that grow wider than this.
    fn horizontal_scale_m(&self) -> Option<f64> {
        None
    }

    /// The factor by which measured lateral turbulence scales the parameterised σv profile at
    /// (x, y, t): 1 without a measurement. Where the wind-direction fluctuation σθ was measured
    /// over the averaging time, σv = σθ·u at the measurement height (σθ in radians), and the
    /// profile keeps the Hanna (1982) shape through it — the preference of measured over
    /// parameterised turbulence that AERMOD makes (Cimorelli et al. 2005, J. Appl. Meteorol.
    /// 44:682, §4) and that the classic σθ-based lateral dispersion rests on (Draxler 1976,
    /// Atmos. Environ. 10:99; Irwin 1983, Atmos. Environ. 17:2245). The measurement carries the
    /// averaging time with it: a 10-minute σθ leaves out the slower meanders that a
    /// parameterisation fitted to hour-long records includes.
    fn sigma_v_scale(&self, _x_m: f64, _y_m: f64, _t_s: f64) -> f64 {
        1.0
    }

    /// Whether a measured σθ sets the lateral turbulence anywhere ([`Self::sigma_v_scale`]):
    /// the turbulence then holds the wind's swings up to the σθ's averaging time, which the
    /// particle model's meander leaves out (`model::lagrangian::meander`).
    fn measures_sigma_theta(&self) -> bool {
        false
    }
}

/// One wind, one boundary layer, everywhere and always.
#[derive(Debug, Clone, PartialEq)]
pub struct UniformMet {
    /// Wind speed (m/s) at `reference_height_m`.
    pub wind_speed_m_s: f64,
    /// Height of the wind measurement (m).
    pub reference_height_m: f64,
    /// Direction the wind blows from, degrees clockwise from north.
    pub wind_from_deg: f64,
    /// Boundary-layer scales (u* consistent with the measured wind).
    pub boundary_layer: BoundaryLayer,
    /// Precipitation rate (mm/h).
    pub precipitation_mm_h: f64,
    /// Air temperature (K).
    pub air_temperature_k: f64,
    /// Measured σθ (degrees) at `reference_height_m`, which sets the lateral turbulence
    /// ([`Meteorology::sigma_v_scale`]).
    pub sigma_theta_deg: Option<f64>,
}

impl UniformMet {
    /// Wind speed (m/s) at height `z_m` from the similarity profile anchored on the measured wind:
    /// u(z) = u_ref·S(z)/S(z_ref), S the profile shape of [`boundary_layer::profile_shape`]. When
    /// u* is derived from the wind the two are the same profile; when u* is given separately it
    /// drives turbulence while the measured wind keeps its value at its height.
    pub fn wind_speed_at_m_s(&self, z_m: f64) -> f64 {
        let bl = &self.boundary_layer;
        let z0 = bl.roughness_length_m;
        let z = z_m.min(bl.mixing_height_m.max(2.0 * z0));
        if z <= z0 {
            return 0.0;
        }
        let shape = |h: f64| boundary_layer::profile_shape(h, z0, bl.obukhov_length_m);
        self.wind_speed_m_s * shape(z) / shape(self.reference_height_m)
    }

    /// Builds uniform meteorology from its scenario specification at latitude `lat_deg` (for the
    /// Coriolis parameter of the default mixing height).
    pub fn from_spec(spec: &crate::scenario::UniformMetSpec, lat_deg: f64) -> Self {
        use crate::scenario::StabilitySpec;
        let z0 = spec.roughness_length_m;
        let (l_m, class, u_star_given) = match spec.stability {
            StabilitySpec::Class(c) => {
                let inv = c.inverse_obukhov_length_per_m(z0);
                (if inv == 0.0 { f64::INFINITY } else { 1.0 / inv }, c, None)
            }
            StabilitySpec::Obukhov {
                obukhov_length_m,
                friction_velocity_m_s,
            } => (
                obukhov_length_m,
                StabilityClass::from_obukhov_length(obukhov_length_m, z0),
                friction_velocity_m_s,
            ),
        };
        let u_star = u_star_given.unwrap_or_else(|| {
            boundary_layer::friction_velocity_from_wind(
                spec.wind_speed_m_s,
                spec.wind_reference_height_m,
                z0,
                l_m,
            )
        });
        let h = spec.mixing_height_m.unwrap_or_else(|| {
            boundary_layer::default_mixing_height_m(class, u_star, l_m, lat_deg)
        });
        UniformMet {
            wind_speed_m_s: spec.wind_speed_m_s,
            reference_height_m: spec.wind_reference_height_m,
            wind_from_deg: spec.wind_from_deg,
            boundary_layer: BoundaryLayer {
                friction_velocity_m_s: u_star,
                obukhov_length_m: l_m,
                mixing_height_m: h,
                roughness_length_m: z0,
                stability: class,
            },
            precipitation_mm_h: spec.precipitation_mm_h,
            air_temperature_k: spec.air_temperature_k,
            sigma_theta_deg: spec.sigma_theta_deg,
        }
    }

    /// Unit vector (east, north) the wind blows towards.
    pub fn wind_direction_unit(&self) -> (f64, f64) {
        let to = (self.wind_from_deg + 180.0).to_radians();
        (to.sin(), to.cos())
    }
}

impl Meteorology for UniformMet {
    fn sample(&self, _x_m: f64, _y_m: f64, z_m: f64, _t_s: f64) -> MetSample {
        let speed = self.wind_speed_at_m_s(z_m);
        let (ex, ey) = self.wind_direction_unit();
        MetSample {
            wind_u_m_s: speed * ex,
            wind_v_m_s: speed * ey,
            wind_w_m_s: 0.0,
            boundary_layer: self.boundary_layer,
            precipitation_mm_h: self.precipitation_mm_h,
            air_temperature_k: self.air_temperature_k,
        }
    }

    fn is_uniform(&self) -> bool {
        true
    }

    fn measures_sigma_theta(&self) -> bool {
        self.sigma_theta_deg.is_some()
    }

    /// σv at the reference height is the measured σθ (rad) × the measured wind.
    fn sigma_v_scale(&self, _x_m: f64, _y_m: f64, _t_s: f64) -> f64 {
        let Some(sigma_theta_deg) = self.sigma_theta_deg else {
            return 1.0;
        };
        let measured = sigma_theta_deg.to_radians() * self.wind_speed_m_s;
        turbulence::sigma_v_scale(&self.boundary_layer, measured, self.reference_height_m)
    }
}
