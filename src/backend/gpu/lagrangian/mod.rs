//! The particle model on the GPU: the same time loop as the CPU driver
//! ([`crate::model::lagrangian::driver`]), with the particles resident on the device for the
//! whole run and the per-particle work in `shaders/lagrangian.wgsl`.
//!
//! Per synchronisation step the host writes one small uniform (times, the count of released
//! particles) and, only when the meteorology changes, the columns and the source loss rates
//! (once per met time); it dispatches one thread per particle. Each sub-step reads the column
//! nearest the particle (`column_index`, the twin of
//! [`crate::model::lagrangian::ColumnGrid::index`]), so the rule is the CPU's exactly. Only the exposure grid comes
//! back, at output times; the budget, deposition grids and (when asked) the particles come
//! back once at the end. All sums are 64-bit fixed point at the CPU's scales ([`super::fixed`]),
//! and a particle's full release is the same integer on both backends, so released totals
//! agree exactly and the GPU budget closes exactly.
//!
//! Particles that do not fit one storage binding are split over several buffers, each with
//! its own bind group, dispatched one after another.
//!
//! ## Speed
//! A thread runs a particle's sub-steps with its state in registers, so the 64-byte record is
//! read and written once per round, not once per sub-step: the sub-steps are fused and memory
//! traffic is not the limit. What remains per sub-step is arithmetic: Philox4x32-10 (ten rounds
//! of two 32×32→64-bit products, each emulated with four 16-bit products because WGSL has no
//! wide multiply), the polynomial log and sine/cosine, three polynomial exponentials and two
//! column look-ups (96 bytes from a table that stays in cache).
//!
//! And the balance of the lanes: Δt follows T_Lw down to 0.1 s by the ground, so in a 60 s step
//! the median particle takes 3 sub-steps and a few take hundreds, and a warp of 32 threads
//! runs as long as its slowest particle. Moving every particle to the end of the step in one
//! dispatch left 8.5 % of lane-iterations doing work in the GPU bench's convective layer. So a
//! step runs in rounds (`shaders/lagrangian.wgsl`): a capped number of sub-steps, then the
//! unfinished particles packed into full warps for the next round, with the cap doubling; the
//! bench's model of that schedule puts a warp 66 % busy.
//!
//! Measured with `benches/gpu.rs` on an NVIDIA H200 (driver 580.159, Vulkan) before the rounds:
//! 5.6·10⁸ particle-steps/s at 10⁶ particles, 6.4·10⁸ at 10⁷, 6.1·10⁸ at 5·10⁷, and 2.2·10⁸
//! Gaussian cells/s. On Mesa's lavapipe (2 CPU cores, 8-wide SIMD) at 2·10⁵ particles the
//! rounds took it from 5.5·10⁶ to 1.0·10⁷ particle-steps/s. (lavapipe ends all of an
//! invocation's loops after 65535 iterations in all, gallivm's `LP_MAX_TGSI_LOOP_ITERATIONS`:
//! a thread there must not move many particles in one dispatch, which is why the rounds repack
//! particles rather than having a thread take particle after particle. A particle the last,
//! uncapped round leaves short of the step's end means the driver cut a loop short: the run
//! is refused with [`GpuError::Unfinished`].)
use bytemuck::Zeroable;

use super::context::{GpuContext, GpuError};
use super::fixed::{pairs_to_i64, to_i64};
use super::{
    BUDGET_TERMS, EXITED_COUNTER, MAX_GPU_SPECIES, SATURATED_WORD, SUB_STEPS_COUNTER,
    UNFINISHED_WORD,
};
use crate::field::{Fields, GridSpec};
use crate::geo::TransverseMercator;
use crate::met::Meteorology;
use crate::model::lagrangian::advance::StepInputs;
use crate::model::lagrangian::column::ColumnGrid;
use crate::model::lagrangian::driver::{
    grid_bounds_m, sampled_parts, sampling_step_s, sync_schedule,
};
use crate::model::lagrangian::meander::{MeanderConfig, MeanderTable};
use crate::model::lagrangian::particle::{Particle, BYTES_PER_PARTICLE};
use crate::model::lagrangian::release::{create_particles, PlanError, SourcePlan};
use crate::model::lagrangian::scenario::plan_sources;
use crate::model::lagrangian::tally::{
    close_interval, close_run, DepositsSoFar, FixedBudget, Scales,
};
use crate::model::lagrangian::{Flow, LagrangianConfig, LagrangianRun, Progress, RunStats};
use crate::rng::StreamKey;
use crate::scenario::Scenario;
use crate::substance::Species;

mod records;
mod resident;

use records::{column_records, column_source_records, entry_records};
pub use records::{EntryRec, SourceRec, StepParams};
use resident::Resident;
pub use resident::{FIRST_ROUND_SUB_STEPS, LAST_ROUND, WORK_QUEUE};

/// Words at the head of the accumulator: the budget counters, the saturation and unfinished
/// flags.
const HEAD_WORDS: usize = UNFINISHED_WORD + 1;

/// What a GPU particle run returns beyond the CPU's [`LagrangianRun`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GpuRunOptions {
    /// Copy the particles back at the end (640 MB for 10⁷); otherwise `particles` is empty.
    pub return_particles: bool,
    /// Caps the particles per storage binding below the device's limit (tests of the split).
    pub max_particles_per_binding: Option<usize>,
    /// Sub-steps a particle may take in the first round of a synchronisation step (default
    /// [`FIRST_ROUND_SUB_STEPS`]); results do not depend on it.
    pub first_round_sub_steps: u32,
}

impl Default for GpuRunOptions {
    fn default() -> Self {
        GpuRunOptions {
            return_particles: true,
            max_particles_per_binding: None,
            first_round_sub_steps: FIRST_ROUND_SUB_STEPS,
        }
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
    let key = StreamKey {
        seed: cfg.seed,
        member: cfg.member,
    };
    let particles = create_particles(plans, key);
    let release_times: Vec<f32> = particles.iter().map(|p| p.pos[3]).collect();
    let extent = grid_bounds_m(grid);
    let rebuild = flow.varies();
    let mut columns = flow.columns_at(extent, 0.0, cfg.skewed_convection);
    let exposure_offset = HEAD_WORDS;
    let dry_offset = exposure_offset + 2 * ns * nz * n_cells;
    let wet_offset = dry_offset + 2 * ns * n_cells;
    let airborne_offset = wet_offset + 2 * ns * n_cells;
    // The exposure tally's words, where the run keeps one, after the airborne block.
    let exposure_meander = cfg.meander.exposure();
    let long_offset = airborne_offset + 2 * MAX_GPU_SPECIES;
    let long_words = if exposure_meander.is_some() {
        2 * ns * nz * n_cells
    } else {
        0
    };
    let acc_words = long_offset + long_words;
    let layers: Vec<[f32; 2]> = grid
        .layers
        .iter()
        .map(|l| [l.bottom_m as f32, l.top_m as f32])
        .collect();
    let entries = entry_records(plans, &scales);
    let res = Resident::new(
        ctx,
        &particles,
        &columns,
        &column_source_records(plans, &columns),
        &entries,
        &layers,
        acc_words,
        options.max_particles_per_binding,
        options.first_round_sub_steps,
    )?;
    drop(particles);
    let half = 0.5 * grid.dx_m;
    let base = StepParams {
        precipitation: u32::from(columns.raining()),
        time_step_factor: cfg.step.time_step_factor,
        min_time_step_s: cfg.step.min_time_step_s,
        max_time_step_s: cfg.step.max_time_step_s,
        drift: u32::from(cfg.step.drift),
        deposition_layer_m: cfg.step.deposition_layer_m,
        min_share: cfg.step.min_share,
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
        sample_weight_s: 0.0,
        ..meander_params(
            &cfg.meander,
            exposure_meander.as_ref(),
            duration_s,
            long_offset as u32,
            column_params(&columns, plans.len()),
        )
    };
    // The CPU driver's sampling step.
    let schedule = sync_schedule(grid, sampling_step_s(cfg, plans));
    let mut fields = Fields::zeros_by_interval(grid.clone(), species);
    let mut deposited = DepositsSoFar::new(ns * n_cells);
    let mut exposure_total = vec![0i64; ns * nz * n_cells];
    let mut params = base;
    let mut n_active = 0;
    let mut t0 = 0.0;
    for &(t1, closes) in &schedule {
        if rebuild {
            // A new met time: upload its columns and loss rates (the column grid is the same
            // at every time, so the buffers keep their sizes).
            columns = flow.columns_at(extent, 0.5 * (t0 + t1), cfg.skewed_convection);
            ctx.queue.write_buffer(
                &res.column,
                0,
                bytemuck::cast_slice(&column_records(&columns)),
            );
            let recs = column_source_records(plans, &columns);
            ctx.queue
                .write_buffer(&res.sources, 0, bytemuck::cast_slice(&recs));
            params.precipitation = u32::from(columns.raining());
        }
        // The CPU driver's parts of the step under fast deposition.
        for (a, b, weight) in sampled_parts(plans, &columns, cfg, t0, t1) {
            while n_active < release_times.len() && f64::from(release_times[n_active]) < b {
                n_active += 1;
            }
            params.t0_s = a as f32;
            params.t1_s = b as f32;
            params.sync_duration_s = (b - a) as f32;
            params.sample_weight_s = weight as f32;
            res.run(ctx, false, &params, n_active);
        }
        if let Some(n) = closes {
            let sum = take_words(ctx, &res.acc, exposure_offset, 2 * ns * nz * n_cells)?;
            let long = match long_words {
                0 => None,
                words => Some(take_words(ctx, &res.acc, long_offset, words)?),
            };
            close_interval(
                &mut fields,
                &scales,
                n,
                &sum,
                long.as_deref(),
                &mut exposure_total,
            );
            // The deposits so far (dry then wet, each species × cell, adjacent).
            let words = 2 * 2 * ns * n_cells;
            let bytes = ctx.read_back(&res.acc, (dry_offset * 4) as u64, (words * 4) as u64)?;
            let pairs: &[u32] = bytemuck::cast_slice(&bytes[..words * 4]);
            let (dry, wet) = pairs.split_at(2 * ns * n_cells);
            deposited.close_interval(
                &mut fields,
                &scales,
                n,
                pairs_to_i64(dry),
                pairs_to_i64(wet),
            );
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
    if words[UNFINISHED_WORD] != 0 {
        return Err(GpuError::Unfinished);
    }
    let counter = |c: usize| to_i64([words[2 * c], words[2 * c + 1]]);
    let dry = pairs_to_i64(&words[dry_offset..wet_offset]);
    let wet = pairs_to_i64(&words[wet_offset..airborne_offset]);
    let airborne = pairs_to_i64(&words[airborne_offset..long_offset]);
    close_run(&mut fields, &scales, &exposure_total, &dry, &wet);
    for (s, f) in fields.species.iter_mut().enumerate() {
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

/// The column-grid words of [`StepParams`] for `columns` and `n_sources` sources (the rest
/// zero).
fn column_params(columns: &ColumnGrid, n_sources: usize) -> StepParams {
    StepParams {
        n_levels: columns.columns[0].levels().len() as u32,
        columns_inv_spacing_per_m: columns.inv_spacing_per_m,
        n_sources: n_sources as u32,
        columns_nx: columns.nx as u32,
        columns_ny: columns.ny as u32,
        columns_x0_m: columns.x0_m,
        columns_y0_m: columns.y0_m,
        ..Zeroable::zeroed()
    }
}

/// Reads the fixed-point sums in the `words` words of `acc` from `offset` (pairs of `u32`)
/// and zeroes them there: an output interval's exposure.
fn take_words(
    ctx: &GpuContext,
    acc: &wgpu::Buffer,
    offset: usize,
    words: usize,
) -> Result<Vec<i64>, GpuError> {
    let bytes = ctx.read_back(acc, (offset * 4) as u64, (words * 4) as u64)?;
    let sum = pairs_to_i64(bytemuck::cast_slice(&bytes[..words * 4]));
    let mut enc = ctx.device.create_command_encoder(&Default::default());
    enc.clear_buffer(acc, (offset * 4) as u64, Some((words * 4) as u64));
    ctx.queue.submit([enc.finish()]);
    Ok(sum)
}

/// `params` with the meander's tables of a run `duration_s` long (the CPU driver's
/// [`MeanderTable::new`]): the interval's from `cfg` (off when the meander is), and the
/// exposure tally's from `exposure` where the run keeps one, its words at `long_offset`.
fn meander_params(
    cfg: &MeanderConfig,
    exposure: Option<&MeanderConfig>,
    duration_s: f64,
    long_offset: u32,
    params: StepParams,
) -> StepParams {
    let table = |cfg: &MeanderConfig| {
        MeanderTable::new(cfg, duration_s).map(|table| {
            let mut spread = [[0.0f32; 4]; 17];
            for (k, s) in table.spread_m.iter().enumerate() {
                spread[k / 4][k % 4] = *s;
            }
            (table.inv_dln, spread)
        })
    };
    let mut params = params;
    if let Some((inv_dln, spread)) = table(cfg) {
        params.meander_on = 1;
        params.meander_inv_dln = inv_dln;
        params.meander_spread_m = spread;
    }
    if let Some((inv_dln, spread)) = exposure.and_then(table) {
        params.long_on = 1;
        params.long_inv_dln = inv_dln;
        params.long_spread_m = spread;
        params.exposure_long_offset = long_offset;
    }
    params
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
    met: &dyn Meteorology,
    particles: usize,
    cfg: &LagrangianConfig,
    progress: &mut dyn FnMut(&Progress),
) -> Result<LagrangianRun, ScenarioRunError> {
    let tm = TransverseMercator::new(scenario.domain.centre);
    let plans = plan_sources(scenario, met, &tm, particles)?;
    let grid = GridSpec::from_scenario(scenario);
    let flow = Flow::Met(met);
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

/// Advances `particles` (all airborne) by `duration_s` with `inputs` on the GPU — the kernel's
/// `advance` alone, with no release, decay or gridding: the GPU side of the one-step parity
/// test against [`crate::model::lagrangian::advance::advance_all`] with the same arguments.
/// Nothing is gridded here, so `inputs.meander` (where losses are booked) plays no part.
pub fn advance_particles(
    ctx: &GpuContext,
    particles: &[Particle],
    inputs: &StepInputs,
    duration_s: f32,
) -> Result<Vec<Particle>, GpuError> {
    let StepInputs {
        columns,
        config: step,
        losses,
        bounds,
        key,
        loss_cells: _,
        meander: _,
    } = *inputs;
    let n_sources = losses.len() / columns.columns.len();
    let sources: Vec<SourceRec> = losses
        .iter()
        .map(|l| SourceRec {
            dry_velocity_m_s: l.dry_velocity_m_s,
            washout_per_s: l.washout_per_s,
            entries: [0; 2],
            settling_velocity_m_s: l.settling_velocity_m_s,
            pad: 0,
        })
        .collect();
    if particles.iter().any(|p| p.source as usize >= n_sources) {
        return Err(GpuError::TooLarge {
            needed: "a loss record for every particle's source".into(),
            allowed: format!("{} records", sources.len()),
        });
    }
    let res = Resident::new(
        ctx,
        particles,
        columns,
        &sources,
        &[],
        &[],
        HEAD_WORDS + 2 * 4,
        None,
        FIRST_ROUND_SUB_STEPS,
    )?;
    let params = StepParams {
        t0_s: 0.0,
        t1_s: duration_s,
        sync_duration_s: duration_s,
        precipitation: u32::from(columns.raining()),
        time_step_factor: step.time_step_factor,
        min_time_step_s: step.min_time_step_s,
        max_time_step_s: step.max_time_step_s,
        drift: u32::from(step.drift),
        deposition_layer_m: step.deposition_layer_m,
        min_share: step.min_share,
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
        sample_weight_s: 0.0,
        ..column_params(columns, n_sources)
    };
    res.run(ctx, false, &params, particles.len());
    let out = res.read_particles(ctx, particles.len())?;
    ctx.check("the Langevin step")?;
    let flag = ctx.read_back(&res.acc, (UNFINISHED_WORD * 4) as u64, 4)?;
    if flag[..4] != [0; 4] {
        return Err(GpuError::Unfinished);
    }
    Ok(out)
}
