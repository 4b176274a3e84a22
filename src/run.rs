//! The library's front door: run a validated scenario and write its outputs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::field::{Fields, GridSpec};
use crate::geo::TransverseMercator;
use crate::met::UniformMet;
use crate::model::{gaussian, puff};
use crate::output::netcdf::{self, Provenance};
use crate::output::summary::{species_summaries, RunSummary};
use crate::output::{ensure_dir, write_bytes_atomically, OutputError};
use crate::scenario::{MetSpec, ModelSpec, OutputFormat, Scenario, ScenarioError};

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Met(#[from] crate::met::MetError),
    #[error("model.kind = {model} cannot run on meteorology.kind = {met}: {reason}")]
    Unsupported {
        model: String,
        met: String,
        reason: String,
    },
    #[error("consequence assessment: {0}")]
    Consequence(#[from] crate::consequence::ConsequenceError),
    #[error("cannot start a thread pool of {threads} threads: {message}")]
    Threads { threads: usize, message: String },
}

/// How to run, beyond what the scenario says.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Overrides `output.directory`.
    pub output_dir: Option<PathBuf>,
    /// Number of worker threads (default: all cores). Results do not depend on it.
    pub threads: Option<usize>,
}

/// A finished model run, before anything is written.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub fields: Fields,
    pub projection: TransverseMercator,
    /// Which model and backend ran.
    pub model: String,
    pub backend: String,
    pub seed: Option<u64>,
    pub elapsed_s: f64,
    pub warnings: Vec<String>,
    /// Exposure, dose, zones and protective actions (see [`crate::consequence`]).
    pub consequence: crate::consequence::Consequence,
}

/// Runs the scenario's model over its grid.
pub fn simulate(scenario: &Scenario, options: &RunOptions) -> Result<Simulation, RunError> {
    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(n) = options.threads {
            b = b.num_threads(n);
        }
        b.build().map_err(|e| RunError::Threads {
            threads: options.threads.unwrap_or(0),
            message: e.to_string(),
        })?
    };
    let started = Instant::now();
    let tm = TransverseMercator::new(scenario.domain.centre);
    let grid = GridSpec::from_scenario(scenario);
    let mut warnings = vec![];
    let fields = match (&scenario.model, &scenario.meteorology) {
        (
            ModelSpec::GaussianPlume {
                sigma_scheme,
                receptor_height_m,
            },
            MetSpec::Uniform(met_spec),
        ) => {
            let met = UniformMet::from_spec(met_spec, scenario.domain.centre.lat);
            if met.wind_speed_at_m_s(met.reference_height_m) < 1.0 {
                warnings.push(format!(
                    "wind speed {:.2} m/s is below 1 m/s: a steady Gaussian plume is unreliable in near-calm air",
                    met.wind_speed_m_s
                ));
            }
            let setup = gaussian::Setup {
                scheme: *sigma_scheme,
                terrain: met_spec.terrain,
                receptor_height_m: *receptor_height_m,
            };
            pool.install(|| {
                gaussian::run(
                    &scenario.sources,
                    &scenario.species,
                    &met,
                    &grid,
                    &tm,
                    &setup,
                    scenario.duration_s,
                )
            })
        }
        (ModelSpec::GaussianPlume { .. }, other) => {
            return Err(RunError::Unsupported {
                model: scenario.model.kind_name().into(),
                met: other.kind_name().into(),
                reason: "a steady Gaussian plume needs uniform meteorology".into(),
            })
        }
        (ModelSpec::GaussianPuff(spec), met_spec) => {
            let (met, met_warnings) = crate::met::load::load(scenario, &tm)?;
            warnings.extend(met_warnings.iter().map(|w| w.to_string()));
            let growth = puff::Growth {
                scheme: spec.sigma_scheme,
                terrain: met_spec.terrain(),
            };
            let mut setup = puff::Setup::new(growth, met.horizontal_scale_m());
            setup.receptor_height_m = spec.receptor_height_m;
            setup.time_step_s = spec.time_step_s;
            setup.max_puffs = spec.max_puffs;
            if let Some(v) = spec.split_sigma_y_m {
                setup.split_sigma_y_m = Some(v);
            }
            if let Some(v) = spec.shear_splitting {
                setup.shear_splitting = v;
            }
            if let MetSpec::Uniform(u) = met_spec {
                setup.transport_height_floor_m = u.wind_reference_height_m;
            }
            let out = pool.install(|| {
                puff::run(
                    &scenario.sources,
                    &scenario.species,
                    met.as_ref(),
                    &grid,
                    &tm,
                    &setup,
                    scenario.duration_s,
                )
            });
            warnings.extend(out.warnings);
            out.fields
        }
    };
    let release_start_s = scenario
        .sources
        .iter()
        .map(|s| s.start_s)
        .fold(f64::INFINITY, f64::min)
        .min(scenario.duration_s);
    let consequence = pool.install(|| {
        crate::consequence::assess(&scenario.consequence, &fields, &tm, release_start_s)
    })?;
    Ok(Simulation {
        consequence,
        fields,
        projection: tm,
        model: scenario.model.kind_name().to_string(),
        backend: format!("cpu (rayon, {} threads)", pool.current_num_threads()),
        seed: scenario.model.seed(),
        elapsed_s: started.elapsed().as_secs_f64(),
        warnings,
    })
}

/// Summarises a simulation.
pub fn summarise(scenario: &Scenario, sim: &Simulation, outputs: Vec<String>) -> RunSummary {
    let g = &sim.fields.grid;
    RunSummary {
        scenario: scenario.name.clone(),
        scenario_file: scenario.path.display().to_string(),
        model: sim.model.clone(),
        backend: sim.backend.clone(),
        seed: sim.seed,
        grid_nx: g.nx,
        grid_ny: g.ny,
        grid_layers: g.nz(),
        grid_times: g.nt(),
        resolution_m: g.dx_m,
        elapsed_s: sim.elapsed_s,
        species: species_summaries(scenario, &sim.fields, &sim.projection),
        outputs,
        warnings: sim.warnings.clone(),
        consequence: Some(sim.consequence.summary.clone()),
    }
}

/// Writes the scenario's requested outputs into `dir` and returns their paths.
pub fn write_outputs(
    scenario: &Scenario,
    sim: &Simulation,
    dir: &Path,
) -> Result<Vec<PathBuf>, RunError> {
    ensure_dir(dir)?;
    let mut written = vec![];
    if scenario.output.formats.contains(&OutputFormat::Netcdf) {
        let path = dir.join("fields.nc");
        let prov = Provenance::now(&sim.model, sim.seed, &sim.backend);
        netcdf::write(
            &path,
            scenario,
            &sim.fields,
            &sim.projection,
            &prov,
            &sim.consequence.global_attributes(),
            &sim.consequence.extra_fields(),
        )?;
        written.push(path);
    }
    if scenario.output.formats.contains(&OutputFormat::Json) {
        let path = dir.join("summary.json");
        let mut names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        names.push(path.display().to_string());
        let summary = summarise(scenario, sim, names);
        let json = serde_json::to_vec_pretty(&summary).expect("summary serialises");
        write_bytes_atomically(&path, &json)?;
        written.push(path);
    }
    Ok(written)
}

/// Loads, runs and writes a scenario file: what `plume run` does.
pub fn run_file(path: &Path, options: &RunOptions) -> Result<RunSummary, RunError> {
    let scenario = Scenario::load(path)?;
    let sim = simulate(&scenario, options)?;
    let dir = options
        .output_dir
        .clone()
        .unwrap_or_else(|| scenario.output.directory.clone());
    let written = write_outputs(&scenario, &sim, &dir)?;
    Ok(summarise(
        &scenario,
        &sim,
        written.iter().map(|p| p.display().to_string()).collect(),
    ))
}
