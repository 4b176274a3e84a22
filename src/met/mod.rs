//! Meteorology: what every model samples — wind vector, boundary-layer scales, precipitation and
//! temperature at (x, y, z, t) in the local frame.
//!
//! Directions follow the meteorological convention in scenario files (`wind_from_deg`, degrees
//! clockwise from north that the wind blows *from*); inside the engine the wind is a vector
//! (u east, v north) in the local transverse Mercator frame, whose grid north equals true north
//! on the central meridian through the domain centre.

pub mod boundary_layer;
pub mod error;
pub mod gridded;
pub mod station;

pub use boundary_layer::{BoundaryLayer, StabilityClass};
pub use error::{MetError, MetWarning};
pub use gridded::{GriddedMet, VerticalInterpolation};
pub use station::{SpatialWeighting, StationMet, StationOptions};

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
}

impl UniformMet {
    /// Wind speed (m/s) at height `z_m` from the similarity profile, scaled through the measured
    /// wind at the reference height.
    pub fn wind_speed_at_m_s(&self, z_m: f64) -> f64 {
        self.boundary_layer.wind_speed_m_s(z_m)
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
}
