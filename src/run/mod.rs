//! The library's front door: run a validated scenario and write its outputs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::backend::BackendChoice;
use crate::field::{Fields, GridSpec};
use crate::geo::TransverseMercator;
use crate::met::ReleaseWind;
use crate::model::lagrangian;
use crate::output::staging::check_output_dir;
use crate::output::summary::RunSummary;
use crate::output::OutputError;
use crate::scenario::{ModelSpec, Scenario, ScenarioError};

mod models;
mod warnings;
mod write;

use models::{open_gpu, run_gaussian_plume, run_gaussian_puffs, run_particles, Setting};

use warnings::{cap_warning, coarse_grid_warning, particle_sample_warning};
pub use write::{
    all_output_names, output_names, stage_outputs, summarise, write_outputs, StagedOutputs,
};

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
    #[error(transparent)]
    Particles(#[from] lagrangian::release::PlanError),
    #[error(transparent)]
    Backend(#[from] crate::backend::BackendError),
    #[cfg(feature = "gpu")]
    #[error(transparent)]
    Gpu(#[from] crate::backend::gpu::GpuError),
    #[cfg(feature = "gpu")]
    #[error(transparent)]
    GpuParticles(#[from] crate::backend::gpu::lagrangian::ScenarioRunError),
}

impl RunError {
    /// Whether the user's input is at fault: a scenario that does not validate, or a weather
    /// file whose content cannot be used (see [`crate::met::MetError::is_invalid_content`]).
    /// The CLI exits with 2 for these and with 1 for the rest (reading or writing failed, no
    /// device, …).
    pub fn is_invalid_input(&self) -> bool {
        match self {
            RunError::Scenario(_) => true,
            RunError::Met(e) => e.is_invalid_content(),
            _ => false,
        }
    }
}

/// How to run, beyond what the scenario says.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Overrides `output.directory`.
    pub output_dir: Option<PathBuf>,
    /// Number of worker threads (default: all cores). Results do not depend on it.
    pub threads: Option<usize>,
    /// Overrides the scenario's random seed (particle models).
    pub seed: Option<u64>,
    /// Overrides the scenario's `model.backend`.
    pub backend: Option<BackendChoice>,
}

/// What the progress callback of [`simulate_with_progress`] is told: the fraction of the run
/// done, in [0, 1].
pub type ProgressFraction = f64;

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
    /// The 10 m wind where and when the first release begins.
    pub release_wind: Option<ReleaseWind>,
}

/// Runs the scenario's model over its grid.
pub fn simulate(scenario: &Scenario, options: &RunOptions) -> Result<Simulation, RunError> {
    simulate_with_progress(scenario, options, &mut |_| {})
}

/// Runs the scenario's model over its grid, reporting the fraction done to `progress` (the
/// particle model calls it after every synchronisation step; physics never prints).
pub fn simulate_with_progress(
    scenario: &Scenario,
    options: &RunOptions,
    progress: &mut (dyn FnMut(ProgressFraction) + Send),
) -> Result<Simulation, RunError> {
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
    let mut warnings = vec![];
    let choice = options.backend.unwrap_or(scenario.backend);
    let setting = Setting {
        scenario,
        options,
        tm: TransverseMercator::new(scenario.domain.centre),
        grid: GridSpec::from_scenario(scenario),
        gpu: open_gpu(choice, &mut warnings)?,
        pool: &pool,
    };
    let model = match &scenario.model {
        ModelSpec::GaussianPlume { .. } => run_gaussian_plume(&setting, &mut warnings)?,
        ModelSpec::GaussianPuff(_) => run_gaussian_puffs(&setting, &mut warnings)?,
        ModelSpec::Lagrangian { .. } => run_particles(&setting, &mut warnings, progress)?,
    };
    let Setting { tm, gpu, .. } = setting;
    let fields = model.fields;
    let release_start_s = scenario.release_start_s();
    let mut consequence = pool.install(|| {
        crate::consequence::assess(
            &scenario.consequence,
            &fields,
            &tm,
            release_start_s,
            scenario.start,
        )
    })?;
    // Each source with the species it releases within the run.
    let sources: Vec<_> = scenario
        .sources
        .iter()
        .zip(&scenario.source_names_fr)
        .map(|(s, name_fr)| {
            let released = s
                .releases
                .iter()
                .filter(|r| r.rate_per_s > 0.0 && s.start_s < scenario.duration_s)
                .map(|r| r.species)
                .collect();
            let source = crate::impact::reach::ReachSource {
                name: s.name.clone(),
                name_fr: name_fr.clone(),
                location: s.location,
            };
            (source, released)
        })
        .collect();
    consequence.add_reach(&fields.grid, &tm, &sources);
    if !matches!(scenario.model, ModelSpec::Lagrangian { .. }) {
        warnings.extend(crate::impact::reach::extrapolation_warning(
            &consequence.summary,
        ));
    }
    if let Some(sigmas) = &model.passive_sigmas {
        warnings.extend(coarse_grid_warning(
            sigmas,
            fields.grid.dx_m,
            &consequence.summary.zones,
        ));
    }
    if let Some(quanta) = &model.sample_quanta {
        warnings.extend(particle_sample_warning(
            &fields,
            &consequence.jurisdictions,
            &consequence.summary.towns,
            quanta,
        ));
    }
    warnings.extend(cap_warning(scenario, &consequence));
    let last = consequence.last_intervals();
    let zones = consequence.outdoor_zones();
    warnings.extend(crate::impact::coverage::warnings(
        scenario, &fields, zones, &last,
    ));
    Ok(Simulation {
        consequence,
        fields,
        projection: tm,
        model: scenario.model.kind_name().to_string(),
        // The adapter only where it ran the model: the puffs and dense plumes run on the CPU.
        backend: match (&gpu, model.on_gpu) {
            #[cfg(feature = "gpu")]
            (Some(ctx), true) => ctx.adapter.to_string(),
            _ => match pool.current_num_threads() {
                1 => "cpu (rayon, 1 thread)".to_string(),
                n => format!("cpu (rayon, {n} threads)"),
            },
        },
        seed: scenario.model.seed().map(|s| options.seed.unwrap_or(s)),
        elapsed_s: started.elapsed().as_secs_f64(),
        warnings,
        release_wind: model.release_wind,
    })
}

/// Loads, runs and writes a scenario file: what `plume run` does.
pub fn run_file(path: &Path, options: &RunOptions) -> Result<RunSummary, RunError> {
    run_file_with_progress(path, options, &mut |_| {})
}

/// [`run_file`], reporting the fraction of the model run done to `progress`.
pub fn run_file_with_progress(
    path: &Path,
    options: &RunOptions,
    progress: &mut (dyn FnMut(ProgressFraction) + Send),
) -> Result<RunSummary, RunError> {
    let scenario = Scenario::load(path)?;
    run_scenario_with_progress(&scenario, options, progress)
}

/// Runs a loaded scenario and writes its outputs ([`run_file_with_progress`] after loading, for
/// callers that show the scenario's warnings before the run), reporting the fraction of the
/// model run done to `progress`. The output directory is created and checked writable first
/// (a file in its place is refused too), so that a directory that cannot take the outputs is
/// reported before the model runs, not after.
pub fn run_scenario_with_progress(
    scenario: &Scenario,
    options: &RunOptions,
    progress: &mut (dyn FnMut(ProgressFraction) + Send),
) -> Result<RunSummary, RunError> {
    let dir = options
        .output_dir
        .clone()
        .unwrap_or_else(|| scenario.output.directory.clone());
    // The folder is this run's until its files are in place (a second run into it is refused).
    let _lock = crate::output::lock::OutputLock::acquire(&dir)?;
    check_output_dir(&dir, &output_names(&scenario.output.formats))?;
    let sim = simulate_with_progress(scenario, options, progress)?;
    let started = std::time::Instant::now();
    let written = write_outputs(scenario, &sim, &dir)?;
    let mut summary = summarise(
        scenario,
        &sim,
        written.iter().map(|p| p.display().to_string()).collect(),
    );
    summary.write_elapsed_s = Some(started.elapsed().as_secs_f64());
    Ok(summary)
}
