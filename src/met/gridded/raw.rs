//! Fields as a reader hands them over ([`RawGrid`]): the subdomain and times a run needs, on
//! the file's levels, before [`super::GriddedMet::new`] checks them.

use std::path::PathBuf;

use super::{IndexMap, VerticalInterpolation};
use crate::met::error::MetWarning;

/// Heights above ground (m) of the levels.
#[derive(Debug, Clone, PartialEq)]
pub enum Levels {
    /// The same heights in every column, increasing.
    Fixed(Vec<f64>),
    /// Terrain-following: heights per column, `[k][j][i]`, increasing with k in each column.
    Columns(Vec<f64>),
}

/// Fields as read from a file, subdomain and time window only, before checking.
///
/// 3-D fields are `[t][k][j][i]`, 2-D fields `[t][j][i]`, with i along the file's x (or
/// longitude) and j along y (or latitude). Winds are eastward/northward (true) in m/s.
#[derive(Debug, Clone)]
pub struct RawGrid {
    pub file: PathBuf,
    pub nx: usize,
    pub ny: usize,
    pub nz: usize,
    /// Seconds since the scenario start, strictly increasing.
    pub times_s: Vec<f64>,
    pub levels: Levels,
    /// Horizontal map for the subdomain (indices relative to it).
    pub map: IndexMap,
    /// Meridian convergence (rad) at each node `[j][i]`: true north's angle east of grid north.
    pub convergence_rad: Vec<f64>,
    pub eastward_wind_m_s: Vec<f64>,
    pub northward_wind_m_s: Vec<f64>,
    pub upward_wind_m_s: Option<Vec<f64>>,
    pub air_temperature_k: Vec<f64>,
    pub mixing_height_m: Vec<f64>,
    pub friction_velocity_m_s: Vec<f64>,
    pub stability: StabilityField,
    pub precipitation_mm_h: Option<Vec<f64>>,
    /// Roughness length per node `[j][i]`, if the file has it.
    pub roughness_length_m: Option<Vec<f64>>,
}

/// How the file states stability.
#[derive(Debug, Clone)]
pub enum StabilityField {
    ObukhovLengthM(Vec<f64>),
    /// Upward sensible heat flux (W m⁻²).
    SensibleHeatFluxWM2(Vec<f64>),
}

impl RawGrid {
    /// A warning where the boundary layer reaches above the file's highest wind level (GFS and
    /// HRRR surface files give winds at 10–100 m only): above that level the wind is held
    /// (linear interpolation) or carried up the surface-layer profile (similarity), without the
    /// turning and speed-up of the upper boundary layer, so an elevated plume or a particle
    /// mixed up to the lid moves with the surface wind (found by review).
    pub(crate) fn wind_levels_warning(
        &self,
        vertical: VerticalInterpolation,
    ) -> Option<MetWarning> {
        let top_m = match &self.levels {
            Levels::Fixed(z) => z.last().copied()?,
            Levels::Columns(z) => {
                let n2 = self.nx * self.ny;
                z[z.len().checked_sub(n2)?..]
                    .iter()
                    .copied()
                    .fold(f64::INFINITY, f64::min)
            }
        };
        let deepest_m = self
            .mixing_height_m
            .iter()
            .copied()
            .filter(|h| h.is_finite())
            .fold(f64::NEG_INFINITY, f64::max);
        // Within twice the top level the profile above it is a small part of the layer.
        if deepest_m <= 2.0 * top_m {
            return None;
        }
        let above = match vertical {
            VerticalInterpolation::Linear => "held at that level's",
            VerticalInterpolation::Similarity => "carried up the surface-layer profile",
        };
        Some(MetWarning {
            file: self.file.clone(),
            message: format!(
                "the file's winds stop at {top_m:.0} m above ground while its boundary layer reaches {deepest_m:.0} m: above {top_m:.0} m the wind is {above}, without the turning and speed-up of the upper boundary layer (a file with winds on more levels would give them)"
            ),
        })
    }
}
