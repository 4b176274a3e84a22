//! Scenario files: TOML in, a validated [`Scenario`] out.
//!
//! Loading is two passes. Each top-level section (and each `[[source]]`) is deserialised on its
//! own, and again after each unknown key or wrongly typed value, so that no mistake hides another
//! (`validate::read`); then `validate` checks every value's range and the relations between
//! values. Every problem names the file, the field path, the bad value and what was expected, and
//! all of them are reported together. What is valid but probably unmeant (a substance outside the
//! chemical library) is a warning in [`Scenario::warnings`].

mod raw;
mod validate;

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

pub use raw::{
    Backend, ConvectiveTurbulence, DenseGas, GriddedFormat, OutputFormat, SigmaScheme,
    StationInterpolation, Terrain,
};

use crate::geo::LatLon;
use crate::met::StabilityClass;
pub use crate::model::lagrangian::meander::SIGMA_THETA_AVERAGING_S;
use crate::source::Source;
use crate::substance::Species;

/// One thing wrong with a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Dotted path of the field, e.g. `source[1].height_m` (`(syntax)` for TOML syntax errors).
    pub path: String,
    /// The offending value as written, or `(missing)`.
    pub value: String,
    /// What was expected instead.
    pub expected: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} = {}: expected {}",
            self.path, self.value, self.expected
        )
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("cannot read scenario file {}: {source}", file.display())]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} has {} problem(s):\n{}{}", file.display(), problems.len(), list(file, problems), notes(file, warnings))]
    Invalid {
        file: PathBuf,
        problems: Vec<Problem>,
        /// The warnings the checks gave beside the problems: a hint such as a swapped lat and
        /// lon may explain a problem (found by review: a zero extent hid the swapped centre).
        warnings: Vec<String>,
    },
}

fn notes(file: &Path, warnings: &[String]) -> String {
    warnings
        .iter()
        .map(|w| format!("\n  {}: warning: {w}", file.display()))
        .collect()
}

fn list(file: &Path, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {}: {p}", file.display()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A horizontal output layer between two heights above ground.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Layer {
    pub bottom_m: f64,
    pub top_m: f64,
}

impl Layer {
    pub fn mid_m(&self) -> f64 {
        0.5 * (self.bottom_m + self.top_m)
    }
}

/// The output domain.
#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    pub centre: LatLon,
    /// Extent east–west and south–north (m).
    pub extent_m: [f64; 2],
    pub resolution_m: f64,
    pub layers: Vec<Layer>,
    pub output_interval_s: f64,
}

/// How stability is specified.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StabilitySpec {
    Class(StabilityClass),
    /// Obukhov length, with the friction velocity if given (else derived from the wind).
    Obukhov {
        obukhov_length_m: f64,
        friction_velocity_m_s: Option<f64>,
    },
}

/// Uniform meteorology as given in the file (defaults filled in).
#[derive(Debug, Clone, PartialEq)]
pub struct UniformMetSpec {
    pub wind_speed_m_s: f64,
    pub wind_reference_height_m: f64,
    pub wind_from_deg: f64,
    pub stability: StabilitySpec,
    pub roughness_length_m: f64,
    pub mixing_height_m: Option<f64>,
    pub terrain: Terrain,
    /// Inhabitants of the city whose night-time heat island the particle model and
    /// turbulence-grown puffs add (only with [`Terrain::Urban`]; `met::urban`).
    pub urban_population: Option<f64>,
    pub air_temperature_k: f64,
    pub precipitation_mm_h: f64,
    /// Measured standard deviation of the horizontal wind direction (degrees) at the wind's
    /// reference height over the averaging time, if any.
    pub sigma_theta_deg: Option<f64>,
    /// The record length (s) the σθ is taken over, as given: it holds the wind's swings up to
    /// that long, which the particle model's meander then leaves out
    /// ([`SIGMA_THETA_AVERAGING_S`] when `None`).
    pub sigma_theta_averaging_s: Option<f64>,
}

/// Station time series as given in the file (defaults filled in, path resolved).
#[derive(Debug, Clone, PartialEq)]
pub struct StationMetSpec {
    pub file: PathBuf,
    pub weighting: crate::met::SpatialWeighting,
    pub roughness_length_m: f64,
    pub terrain: Terrain,
    /// Inhabitants of the city whose night-time heat island the particle model and
    /// turbulence-grown puffs add (only with [`Terrain::Urban`]; `met::urban`).
    pub urban_population: Option<f64>,
    pub max_gap_s: f64,
    /// The record length (s) each σθ of the file is taken over (as
    /// [`UniformMetSpec::sigma_theta_averaging_s`]).
    pub sigma_theta_averaging_s: Option<f64>,
    /// An ensemble member's perturbation of every record (never set by the file; see
    /// [`crate::ensemble`]).
    pub perturbation: Option<crate::met::MetPerturbation>,
}

/// Gridded fields as given in the file (defaults filled in, path resolved).
#[derive(Debug, Clone, PartialEq)]
pub struct GriddedMetSpec {
    pub file: PathBuf,
    pub format: GriddedFormat,
    pub vertical_interpolation: crate::met::VerticalInterpolation,
    pub roughness_length_m: f64,
    pub terrain: Terrain,
    /// Inhabitants of the city whose night-time heat island the particle model and
    /// turbulence-grown puffs add (only with [`Terrain::Urban`]; `met::urban`).
    pub urban_population: Option<f64>,
    /// An ensemble member's perturbation of every node, level and time (never set by the file;
    /// see [`crate::ensemble`]).
    pub perturbation: Option<crate::met::MetPerturbation>,
}

/// Meteorology choice.
#[derive(Debug, Clone, PartialEq)]
pub enum MetSpec {
    Uniform(UniformMetSpec),
    Station(StationMetSpec),
    Gridded(GriddedMetSpec),
}

impl MetSpec {
    /// The name used in files and summaries.
    pub fn kind_name(&self) -> &'static str {
        match self {
            MetSpec::Uniform(_) => "uniform",
            MetSpec::Station(_) => "station",
            MetSpec::Gridded(_) => "gridded",
        }
    }

    /// The record length (s) the scenario gives for a measured σθ of this weather, if any
    /// ([`SIGMA_THETA_AVERAGING_S`] is taken without one).
    pub fn sigma_theta_averaging_s(&self) -> Option<f64> {
        match self {
            MetSpec::Uniform(u) => u.sigma_theta_averaging_s,
            MetSpec::Station(s) => s.sigma_theta_averaging_s,
            MetSpec::Gridded(_) => None,
        }
    }

    /// The population of the city whose night-time heat island the particle model and
    /// turbulence-grown puffs add, if
    /// the terrain is urban and one is given.
    pub fn urban_population(&self) -> Option<f64> {
        match self {
            MetSpec::Uniform(u) => u.urban_population,
            MetSpec::Station(s) => s.urban_population,
            MetSpec::Gridded(g) => g.urban_population,
        }
    }

    /// The surface type for the Briggs σ fits.
    pub fn terrain(&self) -> Terrain {
        match self {
            MetSpec::Uniform(u) => u.terrain,
            MetSpec::Station(s) => s.terrain,
            MetSpec::Gridded(g) => g.terrain,
        }
    }
}

/// Transport model choice.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelSpec {
    GaussianPlume {
        sigma_scheme: SigmaScheme,
        receptor_height_m: Option<f64>,
        dense_gas: DenseGas,
    },
    /// Lagrangian particles (see `model::lagrangian`).
    Lagrangian {
        particles: usize,
        seed: u64,
        max_time_step_s: f64,
        time_step_factor: f64,
        sampling_step_s: f64,
        convective_turbulence: ConvectiveTurbulence,
        backend: Backend,
        /// σ_m (m/s, 0: none) and τ (s) of the wind's slow meander
        /// (`model::lagrangian::meander`).
        meander_sigma_m_s: f64,
        meander_time_scale_s: f64,
        /// The averaging time (s) the meander widens the plume for, of the interval maps and
        /// the exposures alike; `None`: the output interval or the release, whichever is
        /// shorter, for the maps, and the release (or a chemical's AEGL duration) for the
        /// exposures, a second tally (`model::lagrangian::meander`).
        meander_averaging_s: Option<f64>,
    },
    GaussianPuff(PuffSpec),
}

/// The Gaussian puff model's settings (defaults filled in where they do not depend on the met).
#[derive(Debug, Clone, PartialEq)]
pub struct PuffSpec {
    pub sigma_scheme: SigmaScheme,
    pub receptor_height_m: Option<f64>,
    pub time_step_s: f64,
    pub split_sigma_y_m: Option<f64>,
    pub shear_splitting: Option<bool>,
    pub max_puffs: usize,
    pub growth: crate::model::puff::GrowthMode,
    pub dense_gas: DenseGas,
}

/// Default number of particles of the Lagrangian model.
pub const DEFAULT_PARTICLES: i64 = 100_000;
/// Most particles a run may use (ids are `u32`; 64 bytes each, so 6.4 GB at this limit).
pub const MAX_PARTICLES: i64 = 100_000_000;
pub use crate::model::lagrangian::driver::{
    DEFAULT_MAX_TIME_STEP_S, DEFAULT_SAMPLING_STEP_S, DEFAULT_TIME_STEP_FACTOR,
};
pub use crate::model::lagrangian::meander::{
    DEFAULT_MEANDER_SIGMA_M_S, DEFAULT_MEANDER_TIME_SCALE_S,
};

impl ModelSpec {
    /// The name used in files and summaries.
    pub fn kind_name(&self) -> &'static str {
        match self {
            ModelSpec::GaussianPlume { .. } => "gaussian_plume",
            ModelSpec::Lagrangian { .. } => "lagrangian",
            ModelSpec::GaussianPuff(_) => "gaussian_puff",
        }
    }

    /// The random seed, for models that draw random numbers.
    pub fn seed(&self) -> Option<u64> {
        match self {
            ModelSpec::GaussianPlume { .. } | ModelSpec::GaussianPuff(_) => None,
            ModelSpec::Lagrangian { seed, .. } => Some(*seed),
        }
    }
}

/// Where and what to write.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSpec {
    pub directory: PathBuf,
    pub formats: Vec<OutputFormat>,
}

/// A validated scenario: every value in range, units SI, defaults applied.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file it came from.
    pub path: PathBuf,
    /// The file's text, kept for provenance in every output.
    pub text: String,
    pub name: String,
    /// The name in French (`name_fr`), where the file gives it.
    pub name_fr: Option<String>,
    pub start: DateTime<Utc>,
    pub duration_s: f64,
    pub domain: Domain,
    /// Every transported species, in order of first appearance among the sources.
    pub species: Vec<Species>,
    pub sources: Vec<Source>,
    /// Each source's name in French (`name_fr`) where the file gives it, in the order of
    /// `sources`: a display name for French texts, which the physics does not read.
    pub source_names_fr: Vec<Option<String>>,
    pub meteorology: MetSpec,
    pub model: ModelSpec,
    /// `model.backend`: where the model runs (the CLI's `--backend` overrides it).
    pub backend: crate::backend::BackendChoice,
    pub output: OutputSpec,
    /// Exposure and protective-action options (`[consequence]`, all optional).
    pub consequence: crate::consequence::ConsequenceSpec,
    /// Ensemble options (`[ensemble]`, optional; used by `plume ensemble` only).
    pub ensemble: Option<crate::ensemble::EnsembleSpec>,
    /// What is valid but probably not what was meant (a substance outside the chemical
    /// library), each naming its field; the CLI prints them before it runs.
    pub warnings: Vec<String>,
}

impl Scenario {
    /// The name for French texts: `name_fr`, else the name as given.
    pub fn name_in_french(&self) -> &str {
        self.name_fr.as_deref().unwrap_or(&self.name)
    }

    /// Reads and validates a scenario file.
    pub fn load(path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            file: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Validates scenario text; `path` names it in errors and sets the default output directory.
    pub fn parse(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
        validate::parse(text, path).map_err(|(problems, warnings)| ScenarioError::Invalid {
            file: path.to_path_buf(),
            problems,
            warnings,
        })
    }

    /// The end of the run (s since start).
    pub fn end_s(&self) -> f64 {
        self.duration_s
    }

    /// When the first release begins (s since start; the run's end where nothing releases).
    pub fn release_start_s(&self) -> f64 {
        self.sources
            .iter()
            .map(|s| s.start_s)
            .fold(f64::INFINITY, f64::min)
            .min(self.duration_s)
    }

    /// When the first release begins: what alerts and maps call the release's start, which is
    /// later than the scenario's start where the sources start late.
    pub fn release_start(&self) -> DateTime<Utc> {
        self.start + chrono::Duration::milliseconds((self.release_start_s() * 1e3).round() as i64)
    }
}
