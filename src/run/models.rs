//! The three models' runs over a scenario's grid: the steady Gaussian plume, the puffs and the
//! particles, each from one [`Setting`] to one [`ModelRun`], and the GPU they may use.

use super::warnings::{
    any_dense_at_grade, dense_gas_warnings, particle_sample_quanta, sigma_theta_record_warning,
    stable_lid_warning, stable_particle_warning, urban_particle_warning,
};
use super::{ProgressFraction, RunError, RunOptions};
use crate::backend::{self, BackendChoice};
use crate::field::{Fields, GridSpec};
use crate::geo::TransverseMercator;
use crate::met::{ReleaseWind, UniformMet};
use crate::model::{gaussian, lagrangian, puff};
use crate::scenario::ConvectiveTurbulence;
use crate::scenario::{DenseGas, MetSpec, ModelSpec, Scenario};
use crate::source::Source;

/// The GPU a run may use: a device with the `gpu` feature, nothing without it.
#[cfg(feature = "gpu")]
pub(super) type Gpu = crate::backend::gpu::GpuContext;
#[cfg(not(feature = "gpu"))]
pub(super) type Gpu = std::convert::Infallible;

/// What every model's run starts from.
pub(super) struct Setting<'a> {
    pub(super) scenario: &'a Scenario,
    pub(super) options: &'a RunOptions,
    pub(super) tm: TransverseMercator,
    pub(super) grid: GridSpec,
    /// The GPU when the backend resolved to it.
    pub(super) gpu: Option<Gpu>,
    pub(super) pool: &'a rayon::ThreadPool,
}

/// What a model's run gives back to [`simulate_with_progress`].
pub(super) struct ModelRun {
    pub(super) fields: Fields,
    /// The 10 m wind where and when the first release begins.
    pub(super) release_wind: Option<ReleaseWind>,
    /// Whether the model ran on the GPU (when one is open).
    pub(super) on_gpu: bool,
    /// The particle model's breathing-layer sample of each species
    /// ([`particle_sample_quanta`]); `None` for the other models.
    pub(super) sample_quanta: Option<Vec<f64>>,
    /// The passive σ curves of a steady Gaussian plume of passive releases, by which its zones'
    /// reach is checked against the grid ([`coarse_grid_warning`]); `None` otherwise.
    pub(super) passive_sigmas: Option<gaussian::sigma::PassiveSigmas>,
}

/// The steady Gaussian plume over uniform weather, with the workbook's dense near field for a
/// dense release at grade (CPU only); passive plumes on the GPU when one is open.
pub(super) fn run_gaussian_plume(
    setting: &Setting,
    warnings: &mut Vec<String>,
) -> Result<ModelRun, RunError> {
    let Setting {
        scenario, tm, grid, ..
    } = setting;
    let ModelSpec::GaussianPlume {
        sigma_scheme,
        receptor_height_m,
        dense_gas,
    } = &scenario.model
    else {
        unreachable!("run_gaussian_plume is called for a Gaussian plume")
    };
    let MetSpec::Uniform(met_spec) = &scenario.meteorology else {
        return Err(RunError::Unsupported {
            model: scenario.model.kind_name().into(),
            met: scenario.meteorology.kind_name().into(),
            reason: "a steady Gaussian plume needs uniform meteorology".into(),
        });
    };
    let met = UniformMet::from_spec(met_spec, scenario.domain.centre.lat);
    let release_wind = crate::met::release_wind::release_wind(scenario, &met, tm);
    let near_field = *dense_gas == DenseGas::BritterMcquaid;
    warnings.extend(dense_gas_warnings(
        scenario,
        &met,
        tm,
        near_field,
        |_, _, _| false,
        crate::met::boundary_layer::CALM_WIND_M_S,
    ));
    warnings.extend(stable_lid_warning(met_spec.mixing_height_m, &met));
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
        tm,
    ));
    // The GPU kernel has the passive σ schemes only: dense-gas plumes run on the CPU.
    let dense_here = near_field && any_dense_at_grade(scenario, &met);
    if dense_here && setting.gpu.is_some() {
        warnings.push(
            "the dense-gas plume is computed on the CPU (the GPU kernel has the passive σ schemes only)"
                .into(),
        );
    }
    let fields = match &setting.gpu {
        #[cfg(feature = "gpu")]
        Some(ctx) if !dense_here => crate::backend::gpu::gaussian::run(
            ctx,
            &scenario.sources,
            &scenario.species,
            &met,
            grid,
            tm,
            &setup,
            scenario.duration_s,
        )?,
        _ => setting.pool.install(|| {
            gaussian::run(
                &scenario.sources,
                &scenario.species,
                &met,
                grid,
                tm,
                &setup,
                scenario.duration_s,
            )
        }),
    };
    Ok(ModelRun {
        fields,
        release_wind,
        on_gpu: !dense_here,
        sample_quanta: None,
        // A dense near field is wider than the passive curves: its zones are not checked.
        passive_sigmas: (!dense_here).then(|| {
            gaussian::sigma::PassiveSigmas::new(
                *sigma_scheme,
                met.boundary_layer.stability,
                met_spec.terrain,
            )
        }),
    })
}

/// Gaussian puffs over any weather, with Britter & McQuaid's dense clouds and plumes where the
/// scenario asks; always on the CPU.
pub(super) fn run_gaussian_puffs(
    setting: &Setting,
    warnings: &mut Vec<String>,
) -> Result<ModelRun, RunError> {
    let Setting {
        scenario, tm, grid, ..
    } = setting;
    let ModelSpec::GaussianPuff(spec) = &scenario.model else {
        unreachable!("run_gaussian_puffs is called for Gaussian puffs")
    };
    if setting.gpu.is_some() {
        warnings.push("the Gaussian puff model runs on the CPU; the GPU was not used".into());
    }
    let (met, met_warnings) = crate::met::load::load(scenario, tm)?;
    warnings.extend(met_warnings.iter().map(|w| w.to_string()));
    let release_wind = crate::met::release_wind::release_wind(scenario, met.as_ref(), tm);
    // Puffs grown by turbulence take a city's night layer as particles do; puffs grown along
    // the urban Briggs curves have the city's night in the curves already.
    let met = urban_weather(
        met,
        scenario
            .meteorology
            .urban_population()
            .filter(|_| spec.growth == puff::GrowthMode::Turbulence),
    );
    if let (MetSpec::Uniform(u), puff::GrowthMode::Distance) = (&scenario.meteorology, spec.growth)
    {
        let uniform = UniformMet::from_spec(u, scenario.domain.centre.lat);
        warnings.extend(stable_lid_warning(u.mixing_height_m, &uniform));
    }
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
        tm,
        dense_clouds,
        skip,
        floor,
    ));
    let growth = puff::Growth {
        scheme: spec.sigma_scheme,
        terrain: scenario.meteorology.terrain(),
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
    if let MetSpec::Uniform(u) = &scenario.meteorology {
        setup.transport_height_floor_m = u.wind_reference_height_m;
        // A plume that rises through the lid is above it alone, as the steady plume's is, and
        // says so as that one does (found by review: the puff run was silent).
        let uniform = UniformMet::from_spec(u, scenario.domain.centre.lat);
        let plume_setup = gaussian::Setup {
            scheme: spec.sigma_scheme,
            terrain: u.terrain,
            receptor_height_m: spec.receptor_height_m,
            dense_gas: false,
        };
        warnings.extend(gaussian::penetration_warnings(
            &scenario.sources,
            &uniform,
            &plume_setup,
            tm,
        ));
    }
    let out = setting.pool.install(|| {
        puff::run(
            &scenario.sources,
            &scenario.species,
            met.as_ref(),
            grid,
            tm,
            &setup,
            scenario.duration_s,
        )
    });
    warnings.extend(out.warnings);
    Ok(ModelRun {
        fields: out.fields,
        release_wind,
        on_gpu: false,
        sample_quanta: None,
        passive_sigmas: None,
    })
}

/// The averaging time (s) of a particle run's exposures, doses, zones and deposits without
/// `[model] meander_averaging_s`: the release's length `release_s` (someone downwind is
/// swept by the swings within it), or the AEGL duration the zones judge where a chemical of
/// the library is released and that is shorter (its running mean holds the swings within it;
/// a kg tracer is not judged), and never below the output interval (a mean over an interval
/// holds that interval's swings).
fn exposure_averaging_s(scenario: &Scenario, release_s: f64) -> f64 {
    let judged_s = if scenario.consequence.judges_chemicals {
        scenario.consequence.aegl_duration_s
    } else {
        f64::INFINITY
    };
    release_s.min(judged_s.max(scenario.domain.output_interval_s))
}

/// The weather over a city of `population` at night (`met::urban`), or `met` as it is without
/// one.
fn urban_weather(
    met: Box<dyn crate::met::Meteorology>,
    population: Option<f64>,
) -> Box<dyn crate::met::Meteorology> {
    match population {
        Some(population) => Box::new(crate::met::UrbanMet::new(met, population)),
        None => met,
    }
}

/// Lagrangian particles over any weather, on the GPU when one is open.
pub(super) fn run_particles(
    setting: &Setting,
    warnings: &mut Vec<String>,
    progress: &mut (dyn FnMut(ProgressFraction) + Send),
) -> Result<ModelRun, RunError> {
    let Setting { scenario, tm, .. } = setting;
    let ModelSpec::Lagrangian {
        particles,
        seed,
        max_time_step_s,
        time_step_factor,
        sampling_step_s,
        convective_turbulence,
        backend: _,
        meander_sigma_m_s,
        meander_time_scale_s,
        meander_averaging_s,
    } = &scenario.model
    else {
        unreachable!("run_particles is called for the Lagrangian model")
    };
    let (met, met_warnings) = crate::met::load::load(scenario, tm)?;
    warnings.extend(met_warnings.iter().map(|w| w.to_string()));
    let release_wind = crate::met::release_wind::release_wind(scenario, met.as_ref(), tm);
    warnings.extend(dense_gas_warnings(
        scenario,
        met.as_ref(),
        tm,
        false,
        |_, _, _| false,
        0.0,
    ));
    // Over a city with a population, the night's stable layer gives way to the urban one
    // (the release wind, reported with the run, stays the weather's own).
    let urban_population = scenario.meteorology.urban_population();
    let weather_measures_sigma_theta = met.measures_sigma_theta();
    let met = urban_weather(met, urban_population);
    let release_s = lagrangian::meander::release_stretch_s(
        scenario.sources.iter().map(|s| (s.start_s, s.end_s())),
        scenario.duration_s,
    );
    let mut cfg = lagrangian::LagrangianConfig {
        seed: setting.options.seed.unwrap_or(*seed),
        ..Default::default()
    };
    cfg.step.max_time_step_s = *max_time_step_s as f32;
    cfg.step.time_step_factor = *time_step_factor as f32;
    cfg.sampling_step_s = *sampling_step_s;
    cfg.skewed_convection = *convective_turbulence == ConvectiveTurbulence::Skewed;
    cfg.meander = lagrangian::meander::MeanderConfig {
        sigma_m_s: *meander_sigma_m_s,
        time_scale_s: *meander_time_scale_s,
        // The output's means hold the swings within an interval, or within the release
        // where that is shorter (unless the scenario gives its own averaging time); a measured
        // σθ holds them up to its own record (`sigma_theta_averaging_s`, 10 minutes unless
        // given).
        averaging_s: meander_averaging_s
            .unwrap_or(release_s.min(scenario.domain.output_interval_s)),
        exposure_averaging_s: meander_averaging_s
            .unwrap_or_else(|| exposure_averaging_s(scenario, release_s)),
        resolved_s: if met.measures_sigma_theta() {
            scenario
                .meteorology
                .sigma_theta_averaging_s()
                .unwrap_or(lagrangian::meander::SIGMA_THETA_AVERAGING_S)
        } else {
            0.0
        },
    };
    if urban_population.is_none() {
        warnings.extend(stable_particle_warning(release_wind.as_ref(), &cfg.meander));
    }
    warnings.extend(urban_particle_warning(
        scenario,
        weather_measures_sigma_theta,
    ));
    warnings.extend(sigma_theta_record_warning(
        scenario.meteorology.sigma_theta_averaging_s(),
        met.measures_sigma_theta(),
        &cfg.meander,
    ));
    let plans = lagrangian::scenario::plan_sources(scenario, met.as_ref(), tm, *particles)?;
    let sample_quanta = particle_sample_quanta(
        &plans,
        &setting.grid,
        scenario.species.len(),
        lagrangian::driver::sampling_step_s(&cfg, &plans),
    );
    let mut report = |p: &lagrangian::Progress| progress(p.time_s / p.duration_s);
    let on_cpu = |report: &mut (dyn FnMut(&lagrangian::Progress) + Send)| {
        setting.pool.install(|| {
            lagrangian::scenario::run_scenario(scenario, met.as_ref(), tm, *particles, &cfg, report)
        })
    };
    let (run, on_gpu) = match &setting.gpu {
        #[cfg(feature = "gpu")]
        Some(ctx) => match crate::backend::gpu::lagrangian::run_scenario(
            ctx,
            scenario,
            met.as_ref(),
            *particles,
            &cfg,
            &mut report,
        ) {
            Ok(run) => (run, true),
            Err(e) if cpu_takes_over(setting.options.backend.unwrap_or(scenario.backend), &e) => {
                warnings.push(format!(
                    "backend \"auto\": the GPU could not take this run ({e}); ran on the CPU"
                ));
                (on_cpu(&mut report)?, false)
            }
            Err(e) => return Err(e.into()),
        },
        // `on_gpu` is read only where a GPU is open.
        _ => (on_cpu(&mut report)?, true),
    };
    Ok(ModelRun {
        fields: run.fields,
        release_wind,
        on_gpu,
        sample_quanta: Some(sample_quanta),
        passive_sigmas: None,
    })
}

/// Whether the CPU runs what the GPU refused: under `auto` a run too large for the device
/// (grids beyond its storage binding, more species than its budget holds) is no reason to
/// fail; a run that asked for the GPU gets the error.
#[cfg(feature = "gpu")]
fn cpu_takes_over(
    choice: BackendChoice,
    e: &crate::backend::gpu::lagrangian::ScenarioRunError,
) -> bool {
    use crate::backend::gpu::{lagrangian::ScenarioRunError, GpuError};
    choice == BackendChoice::Auto && matches!(e, ScenarioRunError::Gpu(GpuError::TooLarge { .. }))
}

/// The GPU device when `choice` resolves to the GPU on this machine (see [`crate::backend`]);
/// `None` for the CPU. Under `auto` a GPU that fails to open is a warning and the CPU runs.
#[cfg(feature = "gpu")]
pub(super) fn open_gpu(
    choice: BackendChoice,
    warnings: &mut Vec<String>,
) -> Result<Option<Gpu>, RunError> {
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
pub(super) fn open_gpu(
    choice: BackendChoice,
    _warnings: &mut Vec<String>,
) -> Result<Option<Gpu>, RunError> {
    backend::resolve(choice, backend::GpuAvailability::NotBuilt)?;
    Ok(None)
}

#[cfg(all(test, feature = "gpu"))]
mod tests {
    use super::*;
    use crate::backend::gpu::{lagrangian::ScenarioRunError, GpuError};

    #[test]
    fn under_auto_the_cpu_takes_over_a_run_too_large_for_the_gpu_and_only_then() {
        let too_large = ScenarioRunError::Gpu(GpuError::TooLarge {
            needed: "70 species".into(),
            allowed: "64 per GPU run".into(),
        });
        let saturated = ScenarioRunError::Gpu(GpuError::Saturated);
        assert!(cpu_takes_over(BackendChoice::Auto, &too_large));
        assert!(!cpu_takes_over(BackendChoice::Gpu, &too_large));
        assert!(!cpu_takes_over(BackendChoice::Auto, &saturated));
    }
}
