//! The library's front door: run a validated scenario and write its outputs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::backend::{self, BackendChoice};
use crate::field::{Fields, GridSpec};
use crate::geo::TransverseMercator;
use crate::met::{ReleaseWind, UniformMet};
use crate::model::gaussian::dense;
use crate::model::{gaussian, lagrangian, puff};
use crate::output::cap::{zones_cap, ALERTS};
use crate::output::geojson::zones_geojson;
use crate::output::kml::zones_kml;
use crate::output::map::map_png;
use crate::output::netcdf::{self, Provenance};
use crate::output::staging::{check_output_dir, Staging};
use crate::output::summary::{species_summaries, RunSummary};
use crate::output::zones::{mapped_zones, MappedZone};
use crate::output::{write_bytes_atomically, OutputError};
use crate::scenario::ConvectiveTurbulence;
use crate::scenario::{DenseGas, MetSpec, ModelSpec, OutputFormat, Scenario, ScenarioError};
use crate::source::Source;

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
    let tm = TransverseMercator::new(scenario.domain.centre);
    let grid = GridSpec::from_scenario(scenario);
    let mut warnings = vec![];
    let choice = options.backend.unwrap_or(scenario.backend);
    let gpu = open_gpu(choice, &mut warnings)?;
    // Whether the model that runs uses the GPU when one is open (set by the model's arm).
    let mut on_gpu = false;
    // Set by the model's arm, which holds the weather.
    let release_wind;
    let fields = match (&scenario.model, &scenario.meteorology) {
        (
            ModelSpec::GaussianPlume {
                sigma_scheme,
                receptor_height_m,
                dense_gas,
            },
            MetSpec::Uniform(met_spec),
        ) => {
            let met = UniformMet::from_spec(met_spec, scenario.domain.centre.lat);
            release_wind = crate::met::release_wind::release_wind(scenario, &met, &tm);
            let near_field = *dense_gas == DenseGas::BritterMcquaid;
            warnings.extend(dense_gas_warnings(
                scenario,
                &met,
                &tm,
                near_field,
                |_, _, _| false,
                crate::met::boundary_layer::CALM_WIND_M_S,
            ));
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
                dense_gas: near_field,
            };
            warnings.extend(gaussian::penetration_warnings(
                &scenario.sources,
                &met,
                &setup,
                &tm,
            ));
            // The GPU kernel has the passive σ schemes only: dense-gas plumes run on the CPU.
            let dense_here = near_field && any_dense_at_grade(scenario, &met);
            if dense_here && gpu.is_some() {
                warnings.push(
                    "the dense-gas plume is computed on the CPU (the GPU kernel has the passive σ schemes only)"
                        .into(),
                );
            }
            on_gpu = !dense_here;
            match &gpu {
                #[cfg(feature = "gpu")]
                Some(ctx) if !dense_here => crate::backend::gpu::gaussian::run(
                    ctx,
                    &scenario.sources,
                    &scenario.species,
                    &met,
                    &grid,
                    &tm,
                    &setup,
                    scenario.duration_s,
                )?,
                _ => pool.install(|| {
                    gaussian::run(
                        &scenario.sources,
                        &scenario.species,
                        &met,
                        &grid,
                        &tm,
                        &setup,
                        scenario.duration_s,
                    )
                }),
            }
        }
        (ModelSpec::GaussianPlume { .. }, other) => {
            return Err(RunError::Unsupported {
                model: scenario.model.kind_name().into(),
                met: other.kind_name().into(),
                reason: "a steady Gaussian plume needs uniform meteorology".into(),
            })
        }
        (ModelSpec::GaussianPuff(spec), met_spec) => {
            if gpu.is_some() {
                warnings
                    .push("the Gaussian puff model runs on the CPU; the GPU was not used".into());
            }
            let (met, met_warnings) = crate::met::load::load(scenario, &tm)?;
            warnings.extend(met_warnings.iter().map(|w| w.to_string()));
            release_wind = crate::met::release_wind::release_wind(scenario, met.as_ref(), &tm);
            let dense_clouds = spec.dense_gas == DenseGas::BritterMcquaid;
            // The puff model says itself which releases it follows as dense clouds.
            let skip = |source: &Source, wind_m_s: f64, air_temperature_k: f64| {
                dense_clouds
                    && puff::dense::instantaneous_release(
                        source,
                        &scenario.species,
                        wind_m_s,
                        air_temperature_k,
                    )
                    .is_some()
            };
            // Continuous dense releases at grade: the puffs follow the workbook's plume.
            let floor = crate::met::boundary_layer::CALM_WIND_M_S;
            warnings.extend(dense_gas_warnings(
                scenario,
                met.as_ref(),
                &tm,
                dense_clouds,
                skip,
                floor,
            ));
            let growth = puff::Growth {
                scheme: spec.sigma_scheme,
                terrain: met_spec.terrain(),
                mode: spec.growth,
            };
            let mut setup = puff::Setup::new(growth, met.horizontal_scale_m());
            setup.receptor_height_m = spec.receptor_height_m;
            setup.time_step_s = spec.time_step_s;
            setup.max_puffs = spec.max_puffs;
            setup.dense_gas = dense_clouds;
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
        (
            ModelSpec::Lagrangian {
                particles,
                seed,
                max_time_step_s,
                time_step_factor,
                sampling_step_s,
                convective_turbulence,
                backend: _,
            },
            _,
        ) => {
            let (met, met_warnings) = crate::met::load::load(scenario, &tm)?;
            warnings.extend(met_warnings.iter().map(|w| w.to_string()));
            release_wind = crate::met::release_wind::release_wind(scenario, met.as_ref(), &tm);
            if let Some(w) = release_wind
                .as_ref()
                .filter(|w| matches!(w.stability, 'E' | 'F'))
            {
                warnings.push(format!(
                    "stable air at the release (class {}): the particle model's crosswind spread \
                     is Hanna's (1982) turbulence alone, with no slow meander of the wind, so at \
                     night its plume is narrower and its centreline higher than observed far \
                     out (in a reviewed class F case at 2 m/s, σy 33 m at 5 km against 75–160 m \
                     by Briggs, Irwin and AERMOD; README, Lagrangian particles): compare the \
                     Gaussian plume's zones before narrowing an evacuation",
                    w.stability
                ));
            }
            warnings.extend(dense_gas_warnings(
                scenario,
                met.as_ref(),
                &tm,
                false,
                |_, _, _| false,
                0.0,
            ));
            let mut cfg = lagrangian::LagrangianConfig {
                seed: options.seed.unwrap_or(*seed),
                ..Default::default()
            };
            cfg.step.max_time_step_s = *max_time_step_s as f32;
            cfg.step.time_step_factor = *time_step_factor as f32;
            cfg.sampling_step_s = *sampling_step_s;
            cfg.skewed_convection = *convective_turbulence == ConvectiveTurbulence::Skewed;
            let mut report = |p: &lagrangian::Progress| progress(p.time_s / p.duration_s);
            on_gpu = true;
            let run = match &gpu {
                #[cfg(feature = "gpu")]
                Some(ctx) => crate::backend::gpu::lagrangian::run_scenario(
                    ctx,
                    scenario,
                    met.as_ref(),
                    *particles,
                    &cfg,
                    &mut report,
                )?,
                _ => pool.install(|| {
                    lagrangian::scenario::run_scenario(
                        scenario,
                        met.as_ref(),
                        &tm,
                        *particles,
                        &cfg,
                        &mut report,
                    )
                })?,
            };
            run.fields
        }
    };
    let release_start_s = scenario
        .sources
        .iter()
        .map(|s| s.start_s)
        .fold(f64::INFINITY, f64::min)
        .min(scenario.duration_s);
    let mut consequence = pool.install(|| {
        crate::consequence::assess(
            &scenario.consequence,
            &fields,
            &tm,
            release_start_s,
            scenario.start,
        )
    })?;
    let sources: Vec<_> = scenario
        .sources
        .iter()
        .map(|s| (s.name.clone(), s.location))
        .collect();
    consequence.add_reach(&fields.grid, &tm, &sources);
    if !matches!(
        scenario.model,
        crate::scenario::ModelSpec::Lagrangian { .. }
    ) {
        warnings.extend(crate::impact::reach::extrapolation_warning(
            &consequence.summary,
        ));
    }
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
        backend: match (&gpu, on_gpu) {
            #[cfg(feature = "gpu")]
            (Some(ctx), true) => ctx.adapter.to_string(),
            _ => format!("cpu (rayon, {} threads)", pool.current_num_threads()),
        },
        seed: scenario.model.seed().map(|s| options.seed.unwrap_or(s)),
        elapsed_s: started.elapsed().as_secs_f64(),
        warnings,
        release_wind,
    })
}

/// Whether some source of `scenario` is at grade with a dense release under uniform `met`: the
/// Gaussian plume then models it with the workbook's near field.
fn any_dense_at_grade(scenario: &Scenario, met: &UniformMet) -> bool {
    scenario
        .sources
        .iter()
        .any(|s| dense::near_field_release(s, &scenario.species, met).is_some())
}

/// A warning for each release of a vapour heavier than air that slumps under gravity near its
/// source ([`crate::source::dense_gas`]) over at least half a grid cell. With `near_field` (the
/// Gaussian plume's default) a release at grade is modelled by the workbook's near field and
/// the warning says so; otherwise the model treats it as passive, and within the distance given
/// the real cloud is wider and shallower than modelled. (By the criterion almost any chlorine
/// release is dense at the source, but a gram a second is passive within 4 m, which no grid
/// resolves.) Sources for which `skip(source, wind, air temperature)` holds get none; the 10 m
/// wind is taken as at least `wind_floor_m_s`, as the model screens it.
fn dense_gas_warnings(
    scenario: &Scenario,
    met: &dyn crate::met::Meteorology,
    tm: &TransverseMercator,
    near_field: bool,
    skip: impl Fn(&Source, f64, f64) -> bool,
    wind_floor_m_s: f64,
) -> Vec<String> {
    let mut out = vec![];
    for source in &scenario.sources {
        let (x, y) = tm.forward(source.location);
        let m = met.sample(x, y, dense::WORKBOOK_WIND_HEIGHT_M, source.start_s);
        let wind_m_s = m.wind_u_m_s.hypot(m.wind_v_m_s).max(wind_floor_m_s);
        if skip(source, wind_m_s, m.air_temperature_k) {
            continue;
        }
        let Some((mix, s)) =
            dense::dense_release(source, &scenario.species, wind_m_s, m.air_temperature_k)
                .filter(|(_, s)| s.passive_beyond_m >= 0.5 * scenario.domain.resolution_m)
        else {
            continue;
        };
        // Two significant figures, so that ensemble members under slightly different winds
        // give the same warning (the distance barely depends on the wind).
        let round2 = |x: f64| {
            let unit = 10f64.powf(x.log10().floor() - 1.0);
            (x / unit).round() * unit
        };
        let what = format!(
            "{} from '{}' ({} kg/s) is a dense gas, {:.1} × as dense as air: by Britter & McQuaid's (1988) correlations it slumps and spreads under gravity to about {} m, where it is down to 0.2 % of its source concentration",
            mix.label(),
            source.name,
            mix.rate_kg_s,
            s.density_ratio,
            round2(s.passive_beyond_m),
        );
        let workbook = near_field && dense::applies(source, &s);
        let mut text = if workbook {
            let beyond = match scenario.model {
                ModelSpec::GaussianPuff(_) => "passive puffs",
                _ => "a passive plume from virtual sources",
            };
            format!(
                "{what}; model {} follows their workbook there (ground-level centreline concentration and gravity-spread width; {}) and {beyond} beyond",
                scenario.model.kind_name(),
                dense::vapour_note(source),
            )
        } else {
            format!(
                "{what}; model {} treats it as passive, so within that distance the real cloud is wider and shallower than modelled",
                scenario.model.kind_name(),
            )
        };
        if s.outside_fit() {
            text += " (outside the correlations' fitted range of α, −1 to 1)";
        }
        out.push(text);
        // The continuous-release correlations hold where u·T_release/x ≥ 2.5. Its own warning,
        // not a clause at the end of the one above: it says the numbers are too high.
        let continuous_to_m = wind_m_s * source.duration_s / dense::CONTINUOUS_MIN_RATIO;
        if workbook && continuous_to_m < s.passive_beyond_m {
            let puff = match scenario.model {
                ModelSpec::GaussianPuff(_) => String::new(),
                _ => " (model.kind = \"gaussian_puff\" follows a short release as a cloud)".into(),
            };
            out.push(format!(
                "{} from '{}' is a dense gas released for {:.0} s, continuous for Britter & McQuaid's correlations (u·T/x ≥ 2.5) only to about {} m: beyond, the real cloud is a puff that dilutes faster, so concentrations there are overstated{puff}",
                mix.label(),
                source.name,
                source.duration_s,
                round2(continuous_to_m),
            ));
        }
    }
    out
}

/// The GPU device when `choice` resolves to the GPU on this machine (see [`crate::backend`]);
/// `None` for the CPU. Under `auto` a GPU that fails to open is a warning and the CPU runs.
#[cfg(feature = "gpu")]
fn open_gpu(
    choice: BackendChoice,
    warnings: &mut Vec<String>,
) -> Result<Option<crate::backend::gpu::GpuContext>, RunError> {
    use crate::backend::gpu::GpuContext;
    if choice == BackendChoice::Cpu {
        return Ok(None);
    }
    match backend::resolve(choice, backend::gpu_availability())? {
        backend::Resolved::Cpu => Ok(None),
        backend::Resolved::Gpu => match GpuContext::new() {
            Ok(ctx) => Ok(Some(ctx)),
            Err(e) if choice == BackendChoice::Auto => {
                warnings.push(format!(
                    "backend \"auto\": the GPU could not be opened ({e}); ran on the CPU"
                ));
                Ok(None)
            }
            Err(e) => Err(e.into()),
        },
    }
}

/// Without the `gpu` feature only the CPU runs; `gpu` is refused with a clear message.
#[cfg(not(feature = "gpu"))]
fn open_gpu(
    choice: BackendChoice,
    _warnings: &mut Vec<String>,
) -> Result<Option<std::convert::Infallible>, RunError> {
    backend::resolve(choice, backend::GpuAvailability::NotBuilt)?;
    Ok(None)
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
        write_elapsed_s: None,
        species: species_summaries(scenario, &sim.fields, &sim.projection),
        outputs,
        scenario_warnings: scenario.warnings.clone(),
        warnings: sim.warnings.clone(),
        consequence: Some(sim.consequence.summary.clone()),
        release_wind: sim.release_wind.clone(),
    }
}

/// A writer of the zones in one format.
type ZoneWriter = fn(&Scenario, &[MappedZone], &Provenance) -> String;

/// Every output format, in the order a run writes them (the summary last, as it lists the
/// others).
const ALL_FORMATS: [OutputFormat; 6] = [
    OutputFormat::Netcdf,
    OutputFormat::Geojson,
    OutputFormat::Kml,
    OutputFormat::Cap,
    OutputFormat::Png,
    OutputFormat::Json,
];

/// The files a run with `formats` writes into its output directory, in writing order.
pub fn output_names(formats: &[OutputFormat]) -> Vec<&'static str> {
    let mut names = vec![];
    for format in ALL_FORMATS.iter().filter(|f| formats.contains(f)) {
        match format {
            OutputFormat::Netcdf => names.push("fields.nc"),
            OutputFormat::Geojson => names.push("zones.geojson"),
            OutputFormat::Kml => names.push("zones.kml"),
            OutputFormat::Cap => names.extend(ALERTS.iter().map(|(name, _)| *name)),
            OutputFormat::Png => names.push("map.png"),
            OutputFormat::Json => names.push("summary.json"),
        }
    }
    names
}

/// Writes the scenario's requested outputs into `dir` and returns their paths. All are written
/// first into a staging folder in `dir` and moved into place together, and the files of an
/// earlier run that this one does not write are removed ([`crate::output::staging`]): the
/// directory holds one run's outputs, and a failed write leaves the earlier run's as they were.
pub fn write_outputs(
    scenario: &Scenario,
    sim: &Simulation,
    dir: &Path,
) -> Result<Vec<PathBuf>, RunError> {
    Ok(stage_outputs(scenario, sim, dir)?.commit()?)
}

/// A run's outputs written into a staging folder of their directory but not yet in place:
/// [`StagedOutputs::commit`] moves them there; dropped, they are removed and the directory is
/// as it was. `plume compare` stages every option before it commits any.
pub struct StagedOutputs {
    staging: Staging,
}

impl StagedOutputs {
    /// The paths the outputs will have once committed, in the order they were written.
    pub fn final_paths(&self) -> Vec<PathBuf> {
        self.staging.final_paths()
    }

    /// Where the output `name` is until the commit, if this run wrote it.
    pub fn staged_path(&self, name: &str) -> Option<PathBuf> {
        self.staging.staged_path(name)
    }

    /// Moves the outputs into place and removes the earlier run's that this one did not write
    /// ([`Staging::commit`]); returns their paths.
    pub fn commit(self) -> Result<Vec<PathBuf>, OutputError> {
        self.staging.commit(&output_names(&ALL_FORMATS))
    }
}

/// [`write_outputs`] without the last step: the outputs are written into a staging folder in
/// `dir` and wait there for [`StagedOutputs::commit`].
pub fn stage_outputs(
    scenario: &Scenario,
    sim: &Simulation,
    dir: &Path,
) -> Result<StagedOutputs, RunError> {
    let started = std::time::Instant::now();
    let mut staging = Staging::new(dir)?;
    let formats = &scenario.output.formats;
    let prov = Provenance::now(&sim.model, sim.seed, &sim.backend);
    if formats.contains(&OutputFormat::Netcdf) {
        netcdf::write(
            &staging.stage("fields.nc"),
            scenario,
            &sim.fields,
            &sim.projection,
            &prov,
            &sim.consequence.global_attributes(),
            &sim.consequence.extra_fields(),
        )?;
    }
    let wants_zones = [
        OutputFormat::Geojson,
        OutputFormat::Kml,
        OutputFormat::Cap,
        OutputFormat::Png,
    ]
    .iter()
    .any(|f| formats.contains(f));
    if wants_zones {
        let zones = mapped_zones(&sim.consequence, &sim.fields.grid, &sim.projection);
        let writers: [(OutputFormat, &str, ZoneWriter); 2] = [
            (OutputFormat::Geojson, "zones.geojson", zones_geojson),
            (OutputFormat::Kml, "zones.kml", zones_kml),
        ];
        for (format, name, write) in writers {
            if formats.contains(&format) {
                let text = write(scenario, &zones, &prov);
                write_bytes_atomically(&staging.stage(name), text.as_bytes())?;
            }
        }
        if formats.contains(&OutputFormat::Cap) {
            // One alert per country that a zone reaches; an earlier run's alert for a country
            // this run does not reach is removed with the commit.
            for (name, country) in ALERTS {
                if let Some(xml) = zones_cap(scenario, &zones, &prov, country) {
                    write_bytes_atomically(&staging.stage(name), xml.as_bytes())?;
                }
            }
        }
        if formats.contains(&OutputFormat::Png) {
            let path = staging.stage("map.png");
            let png = map_png(
                scenario,
                &sim.fields,
                &sim.projection,
                &sim.consequence,
                &zones,
                sim.release_wind.as_ref(),
            )
            .map_err(|message| OutputError::Image {
                path: staging.final_path("map.png"),
                message,
            })?;
            write_bytes_atomically(&path, &png)?;
        }
    }
    if formats.contains(&OutputFormat::Json) {
        let names = staging
            .final_paths()
            .into_iter()
            .chain([staging.final_path("summary.json")])
            .map(|p| p.display().to_string())
            .collect();
        let mut summary = summarise(scenario, sim, names);
        summary.write_elapsed_s = Some(started.elapsed().as_secs_f64());
        let json = serde_json::to_vec_pretty(&summary).expect("summary serialises");
        write_bytes_atomically(&staging.stage("summary.json"), &json)?;
    }
    Ok(StagedOutputs { staging })
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
