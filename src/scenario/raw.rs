//! The scenario file as written: serde types with every user-facing key, units in the names.
//!
//! Required keys are `Option` here so that validation can report every missing key at once;
//! `deny_unknown_fields` turns a misspelt key into an error that lists the keys allowed, which
//! `validate::read` turns into a "did you mean …?". Sections that pick their keys by `kind` are
//! enums whose variants are read one by one (see `MET_KINDS`, `MODEL_KINDS` in `validate`).

use serde::Deserialize;

use crate::geo::LatLon;

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSection {
    pub name: Option<String>,
    /// The name in French, for the French texts of Canadian alerts and zone files.
    pub name_fr: Option<String>,
    /// ISO 8601 UTC start time, e.g. "2026-07-14T06:00:00Z".
    pub start: Option<String>,
    pub duration_s: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DomainSection {
    pub centre: Option<LatLon>,
    pub extent_m: Option<Vec<f64>>,
    pub resolution_m: Option<f64>,
    pub layers_m: Option<Vec<Vec<f64>>>,
    pub output_interval_s: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SourceSection {
    pub name: Option<String>,
    /// The name in French, for the French texts (`reach` sentences of alerts and zone files).
    pub name_fr: Option<String>,
    pub location: Option<LatLon>,
    pub height_m: Option<f64>,
    pub start_s: Option<f64>,
    pub duration_s: Option<f64>,
    pub release: Option<Vec<ReleaseItem>>,
    /// A reactor inventory released with NUREG-1465 fractions (see `source::inventory`).
    pub inventory: Option<crate::source::inventory::InventorySection>,
    pub stack_diameter_m: Option<f64>,
    pub exit_velocity_m_s: Option<f64>,
    pub exit_temperature_k: Option<f64>,
    /// Temperature of the released vapour (K) where it is not the air's: a refrigerated
    /// liquid's boil-off, or a liquefied gas flashing at its boiling point.
    pub release_temperature_k: Option<f64>,
    /// Diameter (m) of the particles released, which then settle (with `particle_density_kg_m3`).
    pub particle_diameter_m: Option<f64>,
    /// Density (kg/m³) of the particles released.
    pub particle_density_kg_m3: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ReleaseItem {
    /// A chemical or agent, released as a mass rate.
    pub substance: Option<String>,
    /// A radionuclide, released as an activity rate.
    pub nuclide: Option<String>,
    pub rate_kg_s: Option<f64>,
    pub rate_bq_s: Option<f64>,
    /// Overrides the library half-life (s).
    pub half_life_s: Option<f64>,
    /// Dry deposition velocity (m/s); default: the nuclide's deposition class
    /// (`substance::deposition`), else 0 (a gas that does not deposit).
    pub dry_deposition_velocity_m_s: Option<f64>,
    /// Scavenging coefficient a in Λ = a·P^b (s⁻¹ at 1 mm/h); default: by class, else 0.
    pub washout_a_per_s: Option<f64>,
    /// Exponent b in Λ = a·P^b; default: by class, else 0.8.
    pub washout_b: Option<f64>,
}

/// `[meteorology]` by its `kind`.
#[derive(Debug, Clone)]
pub enum MeteorologySection {
    Uniform(UniformMetSection),
    Station(StationMetSection),
    Gridded(GriddedMetSection),
}

/// Station time series (CSV, columns documented in `met::station`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct StationMetSection {
    /// Path of the CSV file, relative to the scenario file.
    pub file: Option<String>,
    /// How stations combine in space.
    pub interpolation: Option<StationInterpolation>,
    /// Exponent of inverse-distance weighting (default 2).
    pub idw_power: Option<f64>,
    pub roughness_length_m: Option<f64>,
    pub terrain: Option<Terrain>,
    /// Inhabitants of the city whose night-time heat island the particle model and
    /// turbulence-grown puffs add where `terrain = "urban"` (AERMOD's urban option;
    /// `met::urban`).
    pub urban_population: Option<f64>,
    /// Gaps between valid records longer than this are warned about (default 10800 s).
    pub max_gap_s: Option<f64>,
    /// The record length (s) each σθ in the file is taken over (default 600).
    pub sigma_theta_averaging_s: Option<f64>,
}

/// Spatial interpolation of station values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StationInterpolation {
    #[default]
    InverseDistance,
    Nearest,
}

/// Gridded NWP fields (CF netCDF-4/HDF5 or GRIB2).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct GriddedMetSection {
    /// Path of the file, relative to the scenario file.
    pub file: Option<String>,
    /// File format; by default from the extension (`.nc`, `.nc4`, `.h5` → netcdf; `.grib2`,
    /// `.grb2`, `.grib` → grib2).
    pub format: Option<GriddedFormat>,
    pub vertical_interpolation: Option<crate::met::VerticalInterpolation>,
    /// z0 (m) where the file has no surface_roughness_length.
    pub roughness_length_m: Option<f64>,
    pub terrain: Option<Terrain>,
    /// Inhabitants of the city whose night-time heat island the particle model and
    /// turbulence-grown puffs add where `terrain = "urban"` (AERMOD's urban option;
    /// `met::urban`).
    pub urban_population: Option<f64>,
}

/// Format of a gridded meteorology file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GriddedFormat {
    Netcdf,
    Grib2,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct UniformMetSection {
    pub wind_speed_m_s: Option<f64>,
    pub wind_reference_height_m: Option<f64>,
    pub wind_from_deg: Option<f64>,
    /// Pasquill–Gifford class letter A–F.
    pub stability: Option<String>,
    pub obukhov_length_m: Option<f64>,
    pub friction_velocity_m_s: Option<f64>,
    pub roughness_length_m: Option<f64>,
    pub mixing_height_m: Option<f64>,
    pub terrain: Option<Terrain>,
    /// Inhabitants of the city whose night-time heat island the particle model and
    /// turbulence-grown puffs add where `terrain = "urban"` (AERMOD's urban option;
    /// `met::urban`).
    pub urban_population: Option<f64>,
    pub air_temperature_k: Option<f64>,
    pub precipitation_mm_h: Option<f64>,
    pub sigma_theta_deg: Option<f64>,
    /// The record length (s) `sigma_theta_deg` is taken over (default 600).
    pub sigma_theta_averaging_s: Option<f64>,
}

/// Surface type for the Briggs (1973) σ fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Terrain {
    #[default]
    Rural,
    Urban,
}

/// `[model]` by its `kind`.
#[derive(Debug, Clone)]
pub enum ModelSection {
    GaussianPlume(GaussianPlumeSection),
    Lagrangian(LagrangianSection),
    GaussianPuff(GaussianPuffSection),
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct GaussianPuffSection {
    pub sigma_scheme: Option<SigmaScheme>,
    /// Height (m) at which each layer is reported, instead of its mid-height.
    pub receptor_height_m: Option<f64>,
    /// Model step (s), default 60.
    pub time_step_s: Option<f64>,
    /// Split puffs wider than this σy (m); default: the meteorology's horizontal scale.
    pub split_sigma_y_m: Option<f64>,
    /// Split puffs sheared apart by the wind's change with height (default: for station and
    /// gridded meteorology).
    pub shear_splitting: Option<bool>,
    /// Most puffs in flight (default 20000).
    pub max_puffs: Option<u64>,
    /// How puffs grow: "distance" (σ curves, default) or "turbulence" (Hanna 1982 + Taylor).
    pub growth: Option<crate::model::puff::GrowthMode>,
    /// How a release at grade of a gas heavier than air is modelled near its source.
    pub dense_gas: Option<DenseGas>,
}

/// `[model] kind = "lagrangian"`: the particle model.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LagrangianSection {
    /// Particles released over the run (default 100 000), shared equally among the sources.
    pub particles: Option<i64>,
    /// Random seed (default 0); the CLI's `--seed` overrides it.
    pub seed: Option<i64>,
    /// Longest Langevin step and gridding step Δt_max (s), default 60.
    pub max_time_step_s: Option<f64>,
    /// c in Δt = c·T_Lw (default 0.2).
    pub time_step_factor: Option<f64>,
    /// Longest interval (s) between samples of the particles onto the grid, default 300.
    pub sampling_step_s: Option<f64>,
    /// Vertical velocities in a convective layer: "skewed" (default) or "gaussian".
    pub convective_turbulence: Option<ConvectiveTurbulence>,
    /// Where to run: "cpu", "gpu" or "auto" (default).
    pub backend: Option<Backend>,
    /// σ_m of the wind's slow meander (m/s), default 0.5 (NAME's); 0 turns it off.
    pub meander_sigma_m_s: Option<f64>,
    /// τ of the meander's autocorrelation e^(−|Δ|/τ) (s), default 7200.
    pub meander_time_scale_s: Option<f64>,
    /// The averaging time the particle model's concentrations and exposures stand for (s);
    /// default: the output interval or the release for the maps, the release (or a chemical's
    /// AEGL duration) for the exposures.
    pub meander_averaging_s: Option<f64>,
}

/// The vertical velocity distribution of the particle model in a convective boundary layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ConvectiveTurbulence {
    /// The skewed bi-Gaussian PDF of Luhar, Hibberd & Hurley (1996)
    /// (`model::lagrangian::convective`), as FLEXPART's `CBL` option.
    #[default]
    Skewed,
    /// Gaussian turbulence everywhere (FLEXPART's default).
    Gaussian,
}

/// Which backend runs a model: the one choice of [`crate::backend`].
pub use crate::backend::BackendChoice as Backend;

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct GaussianPlumeSection {
    pub sigma_scheme: Option<SigmaScheme>,
    /// Height (m) at which the Gaussian models report each layer, instead of its mid-height.
    pub receptor_height_m: Option<f64>,
    /// Where the model runs: "cpu", "gpu" or "auto" (default).
    pub backend: Option<Backend>,
    /// How a release of a gas heavier than air is modelled near its source.
    pub dense_gas: Option<DenseGas>,
}

/// How the Gaussian models treat a release at grade of a vapour that slumps under gravity: the
/// plume a continuous release, the puff model an instantaneous or a continuous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DenseGas {
    /// The Britter & McQuaid (1988) workbook near field, then a passive plume
    /// (`model::gaussian::dense`) or puff (`model::puff::dense`).
    #[default]
    BritterMcquaid,
    /// As any other gas (a passive plume from the release point), with a warning.
    Passive,
}

/// Which σy/σz parameterisation the Gaussian models use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SigmaScheme {
    /// Briggs (1973) fits, open-country or urban by `meteorology.terrain`.
    #[default]
    Briggs,
    /// ISC3 closed forms of the Pasquill–Gifford–Turner curves (rural only).
    PasquillGifford,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct OutputSection {
    pub directory: Option<String>,
    pub formats: Option<Vec<OutputFormat>>,
}

/// An output the run writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputFormat {
    /// CF-1.10 netCDF-4/HDF5 grids (`<directory>/fields.nc`).
    Netcdf,
    /// The run summary as JSON (`<directory>/summary.json`).
    Json,
    /// Protective-action and AEGL zones as GeoJSON (`<directory>/zones.geojson`).
    Geojson,
    /// The same zones as KML (`<directory>/zones.kml`).
    Kml,
    /// CAP 1.2 draft alerts for the zones, one per country (`<directory>/alert-CA.cap.xml`,
    /// `alert-US.cap.xml`).
    Cap,
    /// A map of the hazard field and the zones (`<directory>/map.png`).
    Png,
}
