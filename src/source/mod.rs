//! Release terms: where, when, how much of what, and how high the plume rises.

pub mod inventory;
pub mod plume_rise;

use serde::Serialize;

use crate::geo::LatLon;

/// A release of one species at a constant rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Release {
    /// Index into the scenario's species list.
    pub species: usize,
    /// Rate in the species' unit per second (kg/s or Bq/s).
    pub rate_per_s: f64,
}

/// Stack exit conditions that drive plume rise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stack {
    pub diameter_m: f64,
    pub exit_velocity_m_s: f64,
    pub exit_temperature_k: f64,
}

/// A point source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub name: String,
    pub location: LatLon,
    /// Release height above ground (m), before plume rise.
    pub height_m: f64,
    /// Release start, seconds after the scenario start.
    pub start_s: f64,
    /// Release duration (s).
    pub duration_s: f64,
    pub releases: Vec<Release>,
    pub stack: Option<Stack>,
}

impl Source {
    /// Release end, seconds after the scenario start.
    pub fn end_s(&self) -> f64 {
        self.start_s + self.duration_s
    }

    /// Seconds of release that fall inside `[t0, t1]`.
    pub fn overlap_s(&self, t0_s: f64, t1_s: f64) -> f64 {
        (self.end_s().min(t1_s) - self.start_s.max(t0_s)).max(0.0)
    }
}
