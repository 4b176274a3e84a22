//! The particle model on the GPU: the same time loop as the CPU driver
//! ([`crate::model::lagrangian::driver`]), with the particles resident on the device for the
//! whole run and the per-particle work in `shaders/lagrangian.wgsl`.
//!
//! Per synchronisation step the host writes one small uniform (times, the count of released
//! particles) and, only when the meteorology changes, the column and the source loss rates
//! (once per met time); it dispatches one thread per particle. Only the exposure grid comes
//! back, at output times; the budget, deposition grids and (when asked) the particles come
//! back once at the end. All sums are 64-bit fixed point at the CPU's scales ([`super::fixed`]),
//! and a particle's full release is the same integer on both backends, so released totals
//! agree exactly and the GPU budget closes exactly.
//!
//! Particles that do not fit one storage binding are split over several buffers, each with
//! its own bind group, dispatched one after another.

use bytemuck::{Pod, Zeroable};

use super::context::{GpuContext, GpuError};
use super::fixed::{pairs_to_i64, to_i64};
use super::{
    shaders, BUDGET_TERMS, EXITED_COUNTER, MAX_GPU_SPECIES, SATURATED_WORD, SUB_STEPS_COUNTER,
};
use crate::field::{Fields, GridSpec};
use crate::geo::TransverseMercator;
use crate::met::UniformMet;
use crate::model::lagrangian::column::{Column, ColumnLevel};
use crate::model::lagrangian::particle::{Particle, BYTES_PER_PARTICLE, MAX_CLASSES};
use crate::model::lagrangian::release::{create_particles, PlanError, SourcePlan};
use crate::model::lagrangian::scenario::plan_sources;
use crate::model::lagrangian::step::{Bounds, ClassLoss, StepConfig};
use crate::model::lagrangian::tally::{fixed, FixedBudget, Scales};
use crate::model::lagrangian::{Flow, LagrangianConfig, LagrangianRun, Progress, RunStats};
use crate::rng::StreamKey;
use crate::scenario::Scenario;
use crate::substance::Species;

/// The uniform of one dispatch: a mirror of `StepParams` in `shaders/lagrangian.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct StepParams {
    pub t0_s: f32,
    pub t1_s: f32,
    pub sync_duration_s: f32,
    pub n_active: u32,
    pub n_levels: u32,
    pub dz_m: f32,
    pub lid_m: f32,
    pub precipitation: u32,
    pub time_step_factor: f32,
    pub min_time_step_s: f32,
    pub max_time_step_s: f32,
    pub drift: u32,
    pub deposition_layer_m: f32,
    pub x_min_m: f32,
    pub x_max_m: f32,
    pub y_min_m: f32,
    pub y_max_m: f32,
    pub top_m: f32,
    pub grid_x0_m: f32,
    pub grid_y0_m: f32,
    pub grid_dx_m: f32,
    pub nx: u32,
    pub ny: u32,
    pub nz: u32,
    pub n_species: u32,
    pub member: u32,
    pub key: [u32; 2],
    pub exposure_offset: u32,
    pub dry_offset: u32,
    pub wet_offset: u32,
    pub grid_exposure: u32,
    pub pad: [u32; 4],
}
const _: () = assert!(std::mem::size_of::<StepParams>() == 144);

/// A source's loss rates and entry range: a mirror of `SourceRec`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct SourceRec {
    pub dry_velocity_m_s: [f32; 4],
    pub washout_per_s: [f32; 4],
    /// First entry, entry count, 0, 0.
    pub entries: [u32; 4],
}
const _: () = assert!(std::mem::size_of::<SourceRec>() == 48);

/// One emitted species at the run's fixed-point scales: a mirror of `EntryRec`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct EntryRec {
    pub class_index: u32,
    pub species: u32,
    pub decay_per_s: f32,
    pub amount_units: f32,
    pub exposure_units: f32,
    pub released_lo: u32,
    pub released_hi: u32,
    pub pad: u32,
}
const _: () = assert!(std::mem::size_of::<EntryRec>() == 32);

/// Words at the head of the accumulator: the budget counters, the saturation flag, padding.
const HEAD_WORDS: usize = SATURATED_WORD + 2;

/// What a GPU particle run returns beyond the CPU's [`LagrangianRun`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GpuRunOptions {
    /// Copy the particles back at the end (640 MB for 10⁷); otherwise `particles` is empty.
    pub return_particles: bool,
    /// Caps the particles per storage binding below the device's limit (tests of the split).
    pub max_particles_per_binding: Option<usize>,
}

impl Default for GpuRunOptions {
    fn default() -> Self {
        GpuRunOptions {
            return_particles: true,
            max_particles_per_binding: None,
        }
    }
}

/// Loss rates of each source at precipitation `p_mm_h`, with their entry ranges.
fn source_records(plans: &[SourcePlan], precipitation_mm_h: f64) -> Vec<SourceRec> {
    let mut first = 0u32;
    plans
        .iter()
        .map(|p| {
            let mut r = SourceRec {
                entries: [first, p.entries.len() as u32, 0, 0],
                ..Zeroable::zeroed()
            };
            for (k, c) in p.classes.iter().enumerate().take(MAX_CLASSES) {
                r.dry_velocity_m_s[k] = c.dry_velocity_m_s as f32;
                r.washout_per_s[k] = c.washout_per_s(precipitation_mm_h) as f32;
            }
            first += p.entries.len() as u32;
            r
        })
        .collect()
}

/// The entries of every source at the run's scales.
fn entry_records(plans: &[SourcePlan], scales: &Scales) -> Vec<EntryRec> {
    plans
        .iter()
        .flat_map(|p| p.entries.iter())
        .map(|e| {
            let released = fixed(e.amount_per_particle, scales.amount[e.species]) as u64;
            EntryRec {
                class_index: e.class as u32,
                species: e.species as u32,
                decay_per_s: e.decay_per_s as f32,
                amount_units: (e.amount_per_particle * scales.amount[e.species]) as f32,
                exposure_units: (e.amount_per_particle * scales.exposure[e.species]) as f32,
                released_lo: released as u32,
                released_hi: (released >> 32) as u32,
                pad: 0,
            }
        })
        .collect()
}

/// The column as uploaded: its levels followed by the above-lid record.
fn column_records(c: &Column) -> Vec<ColumnLevel> {
    let mut v = c.levels.clone();
    v.push(c.above_lid);
    v
}

/// Synchronisation step ends and the output interval each closes: the CPU driver's schedule
/// (steps of at most Δt_max that divide every output interval exactly).
pub fn sync_schedule(grid: &GridSpec, max_step_s: f64) -> Vec<(f64, Option<usize>)> {
    let mut out = vec![];
    for n in 0..grid.nt() {
        let (a, b) = (grid.interval_start_s(n), grid.times_s[n]);
        let m = ((b - a) / max_step_s).ceil().max(1.0) as usize;
        for j in 1..=m {
            let t = if j == m {
                b
            } else {
                a + (b - a) * j as f64 / m as f64
            };
            out.push((t, (j == m).then_some(n)));
        }
    }
    out
}

/// Everything the kernels read and write, resident for the run.
struct Resident {
    step: wgpu::ComputePipeline,
    airborne: wgpu::ComputePipeline,
    particles: Vec<wgpu::Buffer>,
    chunk: usize,
    params: Vec<wgpu::Buffer>,
    step_binds: Vec<wgpu::BindGroup>,
    airborne_binds: Vec<wgpu::BindGroup>,
    column: wgpu::Buffer,
    sources: wgpu::Buffer,
    acc: wgpu::Buffer,
}

impl Resident {
    #[allow(clippy::too_many_arguments)]
    fn new(
        ctx: &GpuContext,
        particles: &[Particle],
        column: &Column,
        sources: &[SourceRec],
        entries: &[EntryRec],
        layers: &[[f32; 2]],
        acc_words: usize,
        max_per_binding: Option<usize>,
    ) -> Result<Self, GpuError> {
        let step = ctx.pipeline("lagrangian", shaders::LAGRANGIAN, "step_particles")?;
        let airborne = ctx.pipeline("lagrangian", shaders::LAGRANGIAN, "airborne_amounts")?;
        let per_binding = (ctx
            .max_particles_per_binding(BYTES_PER_PARTICLE as u64)
            .min(u64::from(u32::MAX)) as usize)
            .min(max_per_binding.unwrap_or(usize::MAX));
        let acc_bytes = (acc_words * 4) as u64;
        if acc_bytes > ctx.limits.max_storage_buffer_binding_size || per_binding == 0 {
            return Err(GpuError::TooLarge {
                needed: format!("{acc_bytes} bytes of grids"),
                allowed: format!(
                    "{} bytes per storage binding",
                    ctx.limits.max_storage_buffer_binding_size
                ),
            });
        }
        let chunk = per_binding.min(particles.len().max(1));
        let column_buf = ctx.storage_init("column", bytemuck::cast_slice(&column_records(column)));
        let sources_buf = ctx.storage_init("sources", bytemuck::cast_slice(sources));
        let entry_data: Vec<EntryRec> = if entries.is_empty() {
            vec![Zeroable::zeroed()]
        } else {
            entries.to_vec()
        };
        let entries_buf = ctx.storage_init("entries", bytemuck::cast_slice(&entry_data));
        let layer_data: Vec<[f32; 2]> = if layers.is_empty() {
            vec![[0.0; 2]]
        } else {
            layers.to_vec()
        };
        let layers_buf = ctx.storage_init("layers", bytemuck::cast_slice(&layer_data));
        let acc = ctx.storage_zeroed("accumulators", acc_bytes);
        let mut r = Resident {
            step,
            airborne,
            particles: vec![],
            chunk,
            params: vec![],
            step_binds: vec![],
            airborne_binds: vec![],
            column: column_buf,
            sources: sources_buf,
            acc,
        };
        for ps in particles.chunks(chunk) {
            let pb = ctx.storage_init("particles", bytemuck::cast_slice(ps));
            let ub = ctx.uniform_init("step params", bytemuck::bytes_of(&StepParams::zeroed()));
            r.step_binds.push(ctx.bind_at(
                &r.step,
                &[
                    (0, &ub),
                    (1, &pb),
                    (2, &r.column),
                    (3, &r.sources),
                    (4, &entries_buf),
                    (5, &layers_buf),
                    (6, &r.acc),
                ],
            ));
            r.airborne_binds.push(ctx.bind_at(
                &r.airborne,
                &[
                    (0, &ub),
                    (1, &pb),
                    (3, &r.sources),
                    (4, &entries_buf),
                    (6, &r.acc),
                ],
            ));
            r.particles.push(pb);
            r.params.push(ub);
        }
        ctx.check("uploading the particle run")?;
        Ok(r)
    }

    /// Dispatches `pipeline` over the first `n_active` particles with `params` (chunk by chunk).
    fn run(&self, ctx: &GpuContext, airborne: bool, params: &StepParams, n_active: usize) {
        let mut enc = ctx.device.create_command_encoder(&Default::default());
        for (c, ub) in self.params.iter().enumerate() {
            let local = n_active.saturating_sub(c * self.chunk).min(self.chunk);
            if local == 0 {
                break;
            }
            // Each chunk has its own uniform, so all writes land before the one submit.
            let p = StepParams {
                n_active: local as u32,
                ..*params
            };
            ctx.queue.write_buffer(ub, 0, bytemuck::bytes_of(&p));
            let (pipeline, bind) = if airborne {
                (&self.airborne, &self.airborne_binds[c])
            } else {
                (&self.step, &self.step_binds[c])
            };
            GpuContext::dispatch(&mut enc, pipeline, bind, local as u32);
        }
        ctx.queue.submit([enc.finish()]);
    }

    fn read_particles(&self, ctx: &GpuContext, n: usize) -> Result<Vec<Particle>, GpuError> {
        let mut out = Vec::with_capacity(n);
        for (c, b) in self.particles.iter().enumerate() {
            let len = n.saturating_sub(c * self.chunk).min(self.chunk);
            let bytes = ctx.read_back(b, 0, (len * BYTES_PER_PARTICLE) as u64)?;
            out.extend(bytemuck::pod_collect_to_vec::<u8, Particle>(
                &bytes[..len * BYTES_PER_PARTICLE],
            ));
        }
        Ok(out)
    }
}

/// Runs the particle model on the GPU: the twin of [`crate::model::lagrangian::simulate`] with
/// the same arguments, plus the device and what to copy back.
#[allow(clippy::too_many_arguments)]
pub fn simulate(
    ctx: &GpuContext,
    plans: &[SourcePlan],
    species: &[Species],
    grid: &GridSpec,
    flow: &Flow,
    cfg: &LagrangianConfig,
    duration_s: f64,
    options: GpuRunOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<LagrangianRun, GpuError> {
    let ns = species.len();
    if ns > MAX_GPU_SPECIES {
        return Err(GpuError::TooLarge {
            needed: format!("{ns} species"),
            allowed: format!("{MAX_GPU_SPECIES} per GPU run"),
        });
    }
    let nz = grid.nz();
    let n_cells = grid.nx * grid.ny;
    let mut released = vec![0.0; ns];
    plans.iter().for_each(|p| p.add_released(&mut released));
    let scales = Scales::new(&released, duration_s);
    let particles = create_particles(plans);
    let release_times: Vec<f32> = particles.iter().map(|p| p.pos[3]).collect();
    let column_at = |t: f64| match flow {
        Flow::Column(c) => c.clone(),
        Flow::Met { met, x_m, y_m } => Column::from_met(*met, *x_m, *y_m, t),
    };
    let rebuild = matches!(flow, Flow::Met { met, .. } if !met.is_uniform());
    let mut column = column_at(0.0);
    let exposure_offset = HEAD_WORDS;
    let dry_offset = exposure_offset + 2 * ns * nz * n_cells;
    let wet_offset = dry_offset + 2 * ns * n_cells;
    let airborne_offset = wet_offset + 2 * ns * n_cells;
    let acc_words = airborne_offset + 2 * MAX_GPU_SPECIES;
    let layers: Vec<[f32; 2]> = grid
        .layers
        .iter()
        .map(|l| [l.bottom_m as f32, l.top_m as f32])
        .collect();
    let entries = entry_records(plans, &scales);
    let res = Resident::new(
        ctx,
        &particles,
        &column,
        &source_records(plans, f64::from(column.precipitation_mm_h)),
        &entries,
        &layers,
        acc_words,
        options.max_particles_per_binding,
    )?;
    drop(particles);
    let half = 0.5 * grid.dx_m;
    let key = StreamKey {
        seed: cfg.seed,
        member: cfg.member,
    };
    let base = StepParams {
        n_levels: column.levels.len() as u32,
        dz_m: column.dz_m,
        lid_m: column.lid_m,
        precipitation: u32::from(column.precipitation_mm_h > 0.0),
        time_step_factor: cfg.step.time_step_factor,
        min_time_step_s: cfg.step.min_time_step_s,
        max_time_step_s: cfg.step.max_time_step_s,
        drift: u32::from(cfg.step.drift),
        deposition_layer_m: cfg.step.deposition_layer_m,
        x_min_m: (grid.x0_m - half) as f32,
        x_max_m: (grid.x_m(grid.nx - 1) + half) as f32,
        y_min_m: (grid.y0_m - half) as f32,
        y_max_m: (grid.y_m(grid.ny - 1) + half) as f32,
        top_m: cfg.model_top_m as f32,
        grid_x0_m: grid.x0_m as f32,
        grid_y0_m: grid.y0_m as f32,
        grid_dx_m: grid.dx_m as f32,
        nx: grid.nx as u32,
        ny: grid.ny as u32,
        nz: nz as u32,
        n_species: ns as u32,
        member: cfg.member,
        key: key.key(),
        exposure_offset: exposure_offset as u32,
        dry_offset: dry_offset as u32,
        wet_offset: wet_offset as u32,
        grid_exposure: 1,
        ..Zeroable::zeroed()
    };
    let schedule = sync_schedule(grid, f64::from(cfg.step.max_time_step_s));
    let mut fields = Fields::zeros(grid.clone(), species);
    let mut exposure_total = vec![0i64; ns * nz * n_cells];
    let mut params = base;
    let mut n_active = 0;
    let mut t0 = 0.0;
    for &(t1, closes) in &schedule {
        if rebuild {
            // A new met time: upload its column and loss rates (nothing else changes).
            column = column_at(0.5 * (t0 + t1));
            ctx.queue.write_buffer(
                &res.column,
                0,
                bytemuck::cast_slice(&column_records(&column)),
            );
            let recs = source_records(plans, f64::from(column.precipitation_mm_h));
            ctx.queue
                .write_buffer(&res.sources, 0, bytemuck::cast_slice(&recs));
            params.lid_m = column.lid_m;
            params.dz_m = column.dz_m;
            params.precipitation = u32::from(column.precipitation_mm_h > 0.0);
        }
        while n_active < release_times.len() && f64::from(release_times[n_active]) < t1 {
            n_active += 1;
        }
        params.t0_s = t0 as f32;
        params.t1_s = t1 as f32;
        params.sync_duration_s = (t1 - t0) as f32;
        res.run(ctx, false, &params, n_active);
        if let Some(n) = closes {
            let words = 2 * ns * nz * n_cells;
            let bytes =
                ctx.read_back(&res.acc, (exposure_offset * 4) as u64, (words * 4) as u64)?;
            let sum = pairs_to_i64(bytemuck::cast_slice(&bytes[..words * 4]));
            let mut enc = ctx.device.create_command_encoder(&Default::default());
            enc.clear_buffer(
                &res.acc,
                (exposure_offset * 4) as u64,
                Some((words * 4) as u64),
            );
            ctx.queue.submit([enc.finish()]);
            let len_s = grid.times_s[n] - grid.interval_start_s(n);
            for s in 0..ns {
                for k in 0..nz {
                    let depth = grid.layers[k].top_m - grid.layers[k].bottom_m;
                    let norm = 1.0 / (scales.exposure[s] * len_s * grid.cell_area_m2() * depth);
                    let mut view =
                        fields.species[s]
                            .concentration
                            .slice_mut(ndarray::s![n, k, .., ..]);
                    for (c, v) in view.iter_mut().enumerate() {
                        *v = sum[(s * nz + k) * n_cells + c] as f64 * norm;
                    }
                }
            }
            exposure_total
                .iter_mut()
                .zip(&sum)
                .for_each(|(a, b)| *a += b);
        }
        ctx.check("a particle step")?;
        progress(&Progress {
            time_s: t1,
            duration_s,
            released: n_active,
            total: release_times.len(),
        });
        t0 = t1;
    }
    // What is still airborne at the end, then everything else in one read.
    let end = StepParams {
        t1_s: duration_s as f32,
        exposure_offset: airborne_offset as u32,
        ..params
    };
    res.run(ctx, true, &end, release_times.len());
    let bytes = ctx.read_back(&res.acc, 0, (acc_words * 4) as u64)?;
    let words: &[u32] = bytemuck::cast_slice(&bytes[..acc_words * 4]);
    if words[SATURATED_WORD] != 0 {
        return Err(GpuError::Saturated);
    }
    let counter = |c: usize| to_i64([words[2 * c], words[2 * c + 1]]);
    let dry = pairs_to_i64(&words[dry_offset..wet_offset]);
    let wet = pairs_to_i64(&words[wet_offset..airborne_offset]);
    let airborne = pairs_to_i64(&words[airborne_offset..acc_words]);
    let area = grid.cell_area_m2();
    for (s, f) in fields.species.iter_mut().enumerate() {
        for k in 0..nz {
            let depth = grid.layers[k].top_m - grid.layers[k].bottom_m;
            let norm = 1.0 / (scales.exposure[s] * area * depth);
            let mut view = f.time_integrated.slice_mut(ndarray::s![k, .., ..]);
            for (c, v) in view.iter_mut().enumerate() {
                *v = exposure_total[(s * nz + k) * n_cells + c] as f64 * norm;
            }
        }
        let norm = 1.0 / (scales.amount[s] * area);
        for (c, v) in f.dry_deposition.iter_mut().enumerate() {
            *v = dry[s * n_cells + c] as f64 * norm;
        }
        for (c, v) in f.wet_deposition.iter_mut().enumerate() {
            *v = wet[s * n_cells + c] as f64 * norm;
        }
        let t = |k: usize| counter(s * BUDGET_TERMS + k);
        let budget = FixedBudget {
            released: t(0),
            dry: t(1),
            wet: t(2),
            decayed: t(3),
            exited: t(4),
        };
        f.budget = Some(budget.to_budget(airborne[s], scales.amount[s]));
    }
    let out_particles = if options.return_particles {
        res.read_particles(ctx, release_times.len())?
    } else {
        vec![]
    };
    let stats = RunStats {
        particles: release_times.len(),
        sub_steps: counter(SUB_STEPS_COUNTER) as u64,
        sync_steps: schedule.len(),
        exited: counter(EXITED_COUNTER) as usize,
        bytes_per_particle: BYTES_PER_PARTICLE,
    };
    Ok(LagrangianRun {
        fields,
        stats,
        particles: out_particles,
    })
}

/// Why a scenario cannot run on the GPU particle model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioRunError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Gpu(#[from] GpuError),
}

/// Runs `scenario` with the particle model on the GPU: the twin of
/// [`crate::model::lagrangian::scenario::run_scenario`] (same source plans, grid and flow).
pub fn run_scenario(
    ctx: &GpuContext,
    scenario: &Scenario,
    met: &UniformMet,
    particles: usize,
    cfg: &LagrangianConfig,
    progress: &mut dyn FnMut(&Progress),
) -> Result<LagrangianRun, ScenarioRunError> {
    let tm = TransverseMercator::new(scenario.domain.centre);
    let plans = plan_sources(scenario, met, &tm, particles)?;
    let grid = GridSpec::from_scenario(scenario);
    let flow = Flow::Met {
        met,
        x_m: 0.0,
        y_m: 0.0,
    };
    let options = GpuRunOptions {
        return_particles: false,
        ..Default::default()
    };
    Ok(simulate(
        ctx,
        &plans,
        &scenario.species,
        &grid,
        &flow,
        cfg,
        scenario.duration_s,
        options,
        progress,
    )?)
}

/// Advances `particles` (all airborne) by `duration_s` through `column` on the GPU — the
/// kernel's `advance` alone, with no release, decay or gridding: the GPU side of the one-step
/// parity test against [`crate::model::lagrangian::step::advance`].
#[allow(clippy::too_many_arguments)]
pub fn advance_particles(
    ctx: &GpuContext,
    particles: &[Particle],
    column: &Column,
    step: &StepConfig,
    loss: &ClassLoss,
    bounds: &Bounds,
    key: StreamKey,
    duration_s: f32,
) -> Result<Vec<Particle>, GpuError> {
    let n_sources = particles
        .iter()
        .map(|p| p.source as usize + 1)
        .max()
        .unwrap_or(1);
    let sources = vec![
        SourceRec {
            dry_velocity_m_s: loss.dry_velocity_m_s,
            washout_per_s: loss.washout_per_s,
            entries: [0; 4]
        };
        n_sources
    ];
    let res = Resident::new(
        ctx,
        particles,
        column,
        &sources,
        &[],
        &[],
        HEAD_WORDS + 2 * 4,
        None,
    )?;
    let params = StepParams {
        t0_s: 0.0,
        t1_s: duration_s,
        sync_duration_s: duration_s,
        n_levels: column.levels.len() as u32,
        dz_m: column.dz_m,
        lid_m: column.lid_m,
        precipitation: u32::from(column.precipitation_mm_h > 0.0),
        time_step_factor: step.time_step_factor,
        min_time_step_s: step.min_time_step_s,
        max_time_step_s: step.max_time_step_s,
        drift: u32::from(step.drift),
        deposition_layer_m: step.deposition_layer_m,
        x_min_m: bounds.x_min_m,
        x_max_m: bounds.x_max_m,
        y_min_m: bounds.y_min_m,
        y_max_m: bounds.y_max_m,
        top_m: bounds.top_m,
        grid_dx_m: 1.0,
        nx: 1,
        ny: 1,
        nz: 0,
        member: key.member,
        key: key.key(),
        exposure_offset: HEAD_WORDS as u32,
        dry_offset: HEAD_WORDS as u32,
        wet_offset: HEAD_WORDS as u32,
        grid_exposure: 0,
        ..Zeroable::zeroed()
    };
    res.run(ctx, false, &params, particles.len());
    let out = res.read_particles(ctx, particles.len())?;
    ctx.check("the Langevin step")?;
    Ok(out)
}
