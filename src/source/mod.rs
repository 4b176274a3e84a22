//! Release terms: where, when, how much of what, and how high the plume rises.

pub mod aerosol;
pub mod dense_cloud;
pub mod dense_gas;
pub mod inventory;
pub mod inventory_table;
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
    /// How the released species deposits (used by the Lagrangian model).
    pub deposition: Deposition,
}

/// How a released species is removed from the air: a dry deposition velocity and a
/// scavenging coefficient Λ = a·P^b (P the precipitation rate in mm/h).
///
/// Defaults are those of an inert gas: no deposition (v_d = 0, a = 0), with b = 0.8, the
/// exponent RIMPUFF/JRODOS use for aerosols (shared data `rad_deposition.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Deposition {
    /// Dry deposition velocity v_d (m/s).
    pub dry_velocity_m_s: f64,
    /// Scavenging coefficient a (s⁻¹ at 1 mm/h).
    pub washout_a_per_s: f64,
    /// Exponent b of the precipitation rate.
    pub washout_b: f64,
}

impl Default for Deposition {
    fn default() -> Self {
        Deposition {
            dry_velocity_m_s: 0.0,
            washout_a_per_s: 0.0,
            washout_b: DEFAULT_WASHOUT_B,
        }
    }
}

/// Default exponent b in Λ = a·P^b.
pub const DEFAULT_WASHOUT_B: f64 = 0.8;

impl Deposition {
    /// Λ = a·P^b (s⁻¹) at precipitation `p_mm_h`; zero without precipitation.
    pub fn washout_per_s(&self, p_mm_h: f64) -> f64 {
        if p_mm_h > 0.0 {
            self.washout_a_per_s * p_mm_h.powf(self.washout_b)
        } else {
            0.0
        }
    }
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
    /// Temperature of the released vapour (K) when the scenario gives it
    /// (`release_temperature_k`, or a stack's exit temperature); `None`: the air's. It sets the
    /// density of a dense-gas release ([`Source::vapour_temperature_k`]).
    pub release_temperature_k: Option<f64>,
    /// Whether it releases a reactor core's inventory (an `inventory` table): a nuclear power
    /// plant accident, which US alerts code NUW (Nuclear Power Plant Warning) rather than RHW.
    pub reactor: bool,
    /// The particles it releases, where the scenario gives their size (`particle_diameter_m`,
    /// `particle_density_kg_m3`): they settle at [`aerosol::Aerosol::settling_velocity_m_s`], which the
    /// releases' dry deposition velocities already include. `None`: a gas or an aerosol too
    /// fine to settle.
    pub aerosol: Option<aerosol::Aerosol>,
}

impl Source {
    /// Release end, seconds after the scenario start.
    pub fn end_s(&self) -> f64 {
        self.start_s + self.duration_s
    }

    /// The temperature (K) of the released vapour where it enters air at `air_temperature_k`:
    /// the scenario's, else the stack's exit temperature, else the air's (an isothermal
    /// release).
    pub fn vapour_temperature_k(&self, air_temperature_k: f64) -> f64 {
        self.release_temperature_k
            .or(self.stack.map(|s| s.exit_temperature_k))
            .unwrap_or(air_temperature_k)
    }

    /// The settling velocity (m/s, downward) of the particles it releases in the standard air
    /// at the ground; 0 for a gas.
    pub fn settling_velocity_m_s(&self) -> f64 {
        self.aerosol.map_or(0.0, |a| a.settling_velocity_m_s())
    }

    /// The settling velocity (m/s, downward) of the particles it releases in air at
    /// `air_temperature_k` (the weather's at the source when the release starts); 0 for a gas.
    pub fn settling_velocity_in_m_s(&self, air_temperature_k: f64) -> f64 {
        self.aerosol
            .map_or(0.0, |a| a.settling_velocity_in_m_s(air_temperature_k))
    }

    /// `deposition`, a release's of this source (its dry velocity holds the settling velocity
    /// in the standard air, added when the scenario was validated), with the settling
    /// velocity `settling_velocity_m_s` of the air it is released into instead.
    pub fn deposition_settling_at(
        &self,
        deposition: &Deposition,
        settling_velocity_m_s: f64,
    ) -> Deposition {
        let change = settling_velocity_m_s - self.settling_velocity_m_s();
        Deposition {
            dry_velocity_m_s: (deposition.dry_velocity_m_s + change).max(0.0),
            ..*deposition
        }
    }

    /// Seconds of release that fall inside `[t0, t1]`.
    pub fn overlap_s(&self, t0_s: f64, t1_s: f64) -> f64 {
        (self.end_s().min(t1_s) - self.start_s.max(t0_s)).max(0.0)
    }
}
