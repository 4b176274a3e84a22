//! The time loop: synchronisation steps, release, parallel particle advance, gridding.
//!
//! Time advances in synchronisation (sampling) steps of at most [`LagrangianConfig::sampling_step_s`]
//! (default 300 s) that divide every output interval exactly. In each, every airborne particle (and each one whose release time falls in the
//! step, from that time) takes Langevin sub-steps in stretches that end at the middle of each
//! cell of the step (the step itself, or its parts under fast deposition and where a release
//! starts or ends; [`sampled_parts`]), where its amount × the cell's length is added to the
//! cells of every output layer holding it (snapshot sampling, as FLEXPART, at the middle: the
//! midpoint rule, exact for an airborne amount changing linearly over the cell, and unbiased
//! near the source too, where particles released within the step are all young); a last
//! stretch takes it to the step's end. Decay is booked over each stretch. The interval-mean
//! concentration of a cell is
//! that exposure over (interval × cell area × layer depth): the **layer mean** (DESIGN.md), so a
//! "ground-level" value is the mean over the lowest layer the scenario gives (e.g. 0–3 m).
//!
//! Particles are split over a fixed number of chunks per thread, each with its own integer
//! accumulators ([`super::tally`]); the chunks' sums are order-independent, so the result does
//! not depend on the number of threads or on scheduling.
//!
//! Decay factors `exp(−λ·age)` are evaluated at the end of each stretch (the snapshot's time
//! for the air), and the deposition inside it is valued with that factor: a deposit decays on
//! the ground until the end of the stretch in which it lands (booked as decay), and not
//! afterwards. The sampling
//! step is shortened so that λ·Δt ≤ 1 % for the shortest-lived species released, which bounds
//! that approximation (I-131 at 300 s: 3·10⁻⁴).
//!
//! Sampling every 300 s rather than every Langevin step cut the CPU time of the FLEXPART
//! benchmark case by a third (per-step release, decay and gridding work is amortised over the
//! sub-steps); the interval means then average three snapshots per 900 s output step
//! (FLEXPART's default samples once per 900 s). The midpoint snapshot adds one stretch, and so
//! one shortened sub-step per particle, to each step.

use rayon::prelude::*;

use super::account::Ctx;
use super::advance::ClassLoss;
use super::column::{Column, ColumnGrid};
use super::meander::{MeanderConfig, MeanderTable};
use super::particle::{Particle, BYTES_PER_PARTICLE, STATUS_AIRBORNE, STATUS_EXITED};
use super::release::{create_particles, SourcePlan};
use super::step::{Bounds, StepConfig};
use super::tally::{close_interval, close_run, DepositsSoFar, Scales, Tally};
use crate::field::{Fields, GridSpec};
use crate::met::Meteorology;
use crate::rng::StreamKey;
use crate::substance::Species;

/// Run settings of the particle model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LagrangianConfig {
    /// Random seed (Philox key).
    pub seed: u64,
    /// Ensemble member (Philox counter word 2).
    pub member: u32,
    pub step: StepConfig,
    /// Particles above this height (m) leave the domain.
    pub model_top_m: f64,
    /// Chunks (each with its own accumulators) per worker thread; more balance the load better.
    pub chunks_per_thread: usize,
    /// Longest synchronisation step (s): particles are sampled onto the grid, released and
    /// their decay booked once per step.
    pub sampling_step_s: f64,
    /// Whether the vertical velocity is skewed in convective columns ([`super::convective`]);
    /// `false` keeps every column Gaussian.
    pub skewed_convection: bool,
    /// The wind's slow meander, added where particles are tallied ([`super::meander`]);
    /// [`MeanderConfig::OFF`] by default.
    pub meander: MeanderConfig,
}

/// Default longest synchronisation (sampling) step (s).
pub const DEFAULT_SAMPLING_STEP_S: f64 = 300.0;

/// The shortest sampling step a short release brings about (s).
pub const MIN_RELEASE_SAMPLING_STEP_S: f64 = 10.0;

/// The synchronisation (sampling) step of a run: at most `cfg.sampling_step_s`; at most the
/// shortest release, but not below [`MIN_RELEASE_SAMPLING_STEP_S`] — particles are sampled
/// where they are once per step ([`sampled_parts`]), so a cloud released in T seconds, a segment U·T long,
/// would show as blots U·Δt apart along its track if Δt exceeded T (a 10 s rupture sampled every
/// 300 s: most cells on its track empty, the rest 30 times too high); short enough that decay
/// changes the shortest-lived species by at most 1 % per step (λ·Δt ≤ 0.01); at least 1 s. The
/// CPU and GPU drivers share it.
pub fn sampling_step_s(cfg: &LagrangianConfig, plans: &[SourcePlan]) -> f64 {
    let max_decay_per_s = plans
        .iter()
        .flat_map(|p| p.entries.iter().map(|e| e.decay_per_s))
        .fold(0.0, f64::max);
    let shortest_release_s = plans
        .iter()
        .filter(|p| p.particles > 0)
        .map(|p| p.duration_s.max(MIN_RELEASE_SAMPLING_STEP_S))
        .fold(f64::INFINITY, f64::min);
    cfg.sampling_step_s
        .min(shortest_release_s)
        .min(0.01 / max_decay_per_s.max(1e-300))
        .max(1.0)
}

/// Most a deposition process may take from a particle in one sampled part (k·Δt): the
/// midpoint snapshot of a share decaying as e^(−kt) biases the part's mean by
/// x/(2·sinh(x/2)) ≈ 1 − x²/24, 4·10⁻⁴ at x = 0.1.
pub const MAX_LOSS_PER_SAMPLING_STEP: f64 = 0.1;
/// Most parts a sampling step is cut into for fast deposition.
pub const MAX_LOSS_SUBSTEPS: usize = 64;

/// Into how many equal parts the sampling step [t0, t0 + `dt_s`] is cut so that the fastest
/// deposition in `columns` takes at most [`MAX_LOSS_PER_SAMPLING_STEP`] of a particle's share
/// per part: washout Λ = a·P^b, which takes every particle in the rain at that rate, and dry
/// deposition at v_d/h, the rate at which it takes a column mixed through its depth h (the
/// mixing height, at least the deposition layer `deposition_layer_m`). A particle sampled in
/// a part stands for the whole part with the share it has then: sampled at the part's end, a
/// loss x = k·Δt biased the interval means by x·e^(−x)/(1 − e^(−x)) ≈ 1 − x/2 (found by
/// review: 0.75 of the air in a 50 mm/h rain sampled every 300 s, the deposit itself exact);
/// at its middle the bias is second order ([`MAX_LOSS_PER_SAMPLING_STEP`]). The CPU and GPU
/// drivers share it.
pub fn loss_substeps(
    plans: &[SourcePlan],
    columns: &ColumnGrid,
    dt_s: f64,
    deposition_layer_m: f64,
) -> usize {
    let fastest_per_s = columns
        .columns
        .iter()
        .flat_map(|col| {
            let p_mm_h = f64::from(col.precipitation_mm_h);
            let depth_m = f64::from(col.lid_m).max(deposition_layer_m).max(1e-3);
            plans
                .iter()
                .flat_map(|p| p.classes.iter())
                .map(move |c| c.washout_per_s(p_mm_h).max(c.dry_velocity_m_s / depth_m))
        })
        .fold(0.0, f64::max);
    let parts = (fastest_per_s * dt_s / MAX_LOSS_PER_SAMPLING_STEP).ceil();
    if parts.is_finite() && parts > 1.0 {
        (parts as usize).min(MAX_LOSS_SUBSTEPS)
    } else {
        1
    }
}

/// Default c in Δt = c·T_Lw: 0.2 (FLEXPART's `ctl` = 5).
pub const DEFAULT_TIME_STEP_FACTOR: f64 = 0.2;
/// Default Δt_max (s), the longest Langevin sub-step.
pub const DEFAULT_MAX_TIME_STEP_S: f64 = 60.0;
/// Default Δt_min (s).
pub const DEFAULT_MIN_TIME_STEP_S: f64 = 0.1;
/// Depth δ (m) of the dry-deposition layer: twice the ~1 m height at which the library's
/// deposition velocities hold (HYSPLIT's presets, measured near the surface), so that the
/// layer's flux v_d·C̄(0–δ) is v_d times the air by the ground, as the plume and puff models
/// deposit (v_d·C(z = 0)). FLEXPART's 2·h_ref = 30 m goes with its v_d computed at h_ref =
/// 15 m; with these v_d it deposited v_d times the mean over 0–30 m, 0.13 of v_d·C(0–2 m) within
/// 100 m of a ground release and 0.57 at 300–500 m (found by review). A particle's loss is
/// booked for the time its path spends below δ ([`super::step::time_below`]), not for where a
/// step ends, so a layer thinner than a step's travel is sampled without bias (the deposited
/// fraction is the same at Δt_max 60 s and 30 s). A thinner layer holds fewer particles: the
/// deposit of 10⁵ particles 8–11 km downwind varies ~10 % cell to cell (~1 % at 30 m).
pub const DEPOSITION_LAYER_M: f64 = 2.0;
/// The class share below which deposition ends a particle ([`StepConfig::min_share`]): a
/// millionth. A heavy aerosol settles into the deposition layer and stays there, where the
/// shortest sub-steps are, long after its share is gone: a 50 µm particle keeps e⁻¹ of it
/// after δ/v_d ≈ 13 s in the layer but was moved for the rest of a 7-hour run (62 × the run time of a 1 µm
/// aerosol). HYSPLIT drops particles for the same reason (PUFMIN: those holding a negligible
/// part of the mass). The error is bounded by the threshold: in the layer a share falls as
/// e^(−t/τ), so the air a particle still stands for once it is below s — its near-ground
/// exposure from then on — is s of all it stands for there (∫ₜ∞ e^(−t/τ) dt = s·τ), and the
/// rest is booked as deposited where the particle is, so the budget still closes exactly.
pub const DEFAULT_MIN_SHARE: f64 = 1e-6;

impl Default for LagrangianConfig {
    fn default() -> Self {
        LagrangianConfig {
            seed: 0,
            member: 0,
            step: StepConfig {
                time_step_factor: DEFAULT_TIME_STEP_FACTOR as f32,
                min_time_step_s: DEFAULT_MIN_TIME_STEP_S as f32,
                max_time_step_s: DEFAULT_MAX_TIME_STEP_S as f32,
                drift: true,
                deposition_layer_m: DEPOSITION_LAYER_M as f32,
                min_share: DEFAULT_MIN_SHARE as f32,
            },
            model_top_m: 20_000.0,
            // 8 balanced two threads better than 4 (FLEXPART case +15 % in wall time) while the
            // Lepreau grid copies (2 MB each) still cost little CPU; 16 cost 4 % more CPU there.
            chunks_per_thread: 8,
            sampling_step_s: DEFAULT_SAMPLING_STEP_S,
            skewed_convection: true,
            meander: MeanderConfig::OFF,
        }
    }
}

/// Where the wind and turbulence come from.
pub enum Flow<'a> {
    /// One fixed column (analytic tests, benches).
    Column(Column),
    /// The meteorology's columns over the output grid ([`ColumnGrid::from_met`]), rebuilt every
    /// step unless the met is uniform.
    Met(&'a dyn Meteorology),
}

impl Flow<'_> {
    /// The columns at time `t_s` over the rectangle `bounds_m` (x min, x max, y min, y max),
    /// with Gaussian vertical turbulence everywhere unless `skewed` (which keeps convective
    /// columns skewed, [`super::convective`]).
    pub fn columns_at(&self, bounds_m: [f64; 4], t_s: f64, skewed: bool) -> ColumnGrid {
        let mut grid = match self {
            Flow::Column(c) => ColumnGrid::single(c.clone()),
            Flow::Met(met) => ColumnGrid::from_met(*met, bounds_m, t_s),
        };
        if !skewed {
            for c in &mut grid.columns {
                c.convective_w3_m3_s3 = 0.0;
            }
        }
        grid
    }

    /// True when the columns change with time.
    pub fn varies(&self) -> bool {
        matches!(self, Flow::Met(met) if !met.is_uniform())
    }
}

/// Loss rates of every source in every column of `columns`, column by column (washout follows
/// each column's precipitation).
pub fn column_losses(plans: &[SourcePlan], columns: &ColumnGrid) -> Vec<ClassLoss> {
    columns
        .columns
        .iter()
        .flat_map(|col| {
            plans.iter().map(move |p| {
                let mut l = ClassLoss {
                    settling_velocity_m_s: p.settling_velocity_m_s as f32,
                    ..ClassLoss::default()
                };
                for (k, c) in p.classes.iter().enumerate() {
                    l.dry_velocity_m_s[k] = c.dry_velocity_m_s as f32;
                    l.washout_per_s[k] = c.washout_per_s(f64::from(col.precipitation_mm_h)) as f32;
                }
                l
            })
        })
        .collect()
}

/// The equal parts (a, b) that the sampling step [t0, t1] is cut into under fast deposition
/// ([`loss_substeps`]), the last ending exactly at t1. The CPU and GPU drivers share them.
pub fn loss_parts(
    plans: &[SourcePlan],
    columns: &ColumnGrid,
    cfg: &LagrangianConfig,
    t0: f64,
    t1: f64,
) -> Vec<(f64, f64)> {
    let parts = loss_substeps(
        plans,
        columns,
        t1 - t0,
        f64::from(cfg.step.deposition_layer_m),
    );
    let at = |i: usize| {
        if i == parts {
            t1
        } else {
            t0 + (t1 - t0) * i as f64 / parts as f64
        }
    };
    (0..parts).map(|k| (at(k), at(k + 1))).collect()
}

/// The stretches (a, b, weight) a sampling step [t0, t1] is advanced in, each ending with a
/// snapshot in which a particle stands for `weight` seconds. The step is cut into cells — the
/// parts of [`loss_parts`], cut again wherever a release starts or ends — and each cell is
/// sampled at its middle, standing for the whole cell; the last stretch runs from the last
/// middle to t1 and grids nothing. The midpoint rule ∫C dt ≈ Δt·C(t_mid) is exact for an
/// airborne amount changing linearly over the cell, which the cut at each release's start and
/// end makes it (no loss); the end-point snapshot before counted the whole step with the plume
/// as it is at its end — a release's first interval over-counted (×2 for a 300 s release over
/// its own 300 s step), its last under-counted and every arrival early by Δt/2 — and a cell
/// holding a release's start missed up to q·Δt²/8 (found by review: a release starting 100 s
/// into a 300 s step showed 0.75 of its first interval). n cells take n + 1 stretches. The CPU
/// and GPU drivers share it.
pub fn sampled_parts(
    plans: &[SourcePlan],
    columns: &ColumnGrid,
    cfg: &LagrangianConfig,
    t0: f64,
    t1: f64,
) -> Vec<(f64, f64, f64)> {
    let close = 1e-6 * (t1 - t0);
    let mut cuts: Vec<f64> = loss_parts(plans, columns, cfg, t0, t1)
        .into_iter()
        .map(|(a, _)| a)
        .chain(
            plans
                .iter()
                .flat_map(|p| [p.start_s, p.start_s + p.duration_s])
                .filter(|&t| t > t0 + close && t < t1 - close),
        )
        .collect();
    cuts.sort_by(f64::total_cmp);
    cuts.dedup_by(|later, earlier| *later - *earlier <= close);
    cuts.push(t1);
    let mut from = t0;
    let mut out: Vec<(f64, f64, f64)> = cuts
        .windows(2)
        .map(|cell| {
            let mid = cell[0] + 0.5 * (cell[1] - cell[0]);
            let stretch = (from, mid, cell[1] - cell[0]);
            from = mid;
            stretch
        })
        .collect();
    out.push((from, t1, 0.0));
    out
}

/// The rectangle (x min, x max, y min, y max) of the cells of `grid` (m).
pub fn grid_bounds_m(grid: &GridSpec) -> [f64; 4] {
    let half = 0.5 * grid.dx_m;
    [
        grid.x0_m - half,
        grid.x_m(grid.nx - 1) + half,
        grid.y0_m - half,
        grid.y_m(grid.ny - 1) + half,
    ]
}

/// How far a run has come, reported after every synchronisation step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub time_s: f64,
    pub duration_s: f64,
    pub released: usize,
    pub total: usize,
}

/// Counts of what a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunStats {
    pub particles: usize,
    pub sub_steps: u64,
    pub sync_steps: usize,
    pub exited: usize,
    pub bytes_per_particle: usize,
}

/// A finished particle run.
#[derive(Debug, Clone)]
pub struct LagrangianRun {
    pub fields: Fields,
    pub stats: RunStats,
    /// The particles at the end of the run.
    pub particles: Vec<Particle>,
}

/// Synchronisation step ends and the output interval each closes (if any).
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

/// Runs the particle model: releases `plans`, transports through `flow`, fills fields on
/// `grid` for `species` over `[0, duration_s]`, calling `progress` after every step.
pub fn simulate(
    plans: &[SourcePlan],
    species: &[Species],
    grid: &GridSpec,
    flow: &Flow,
    cfg: &LagrangianConfig,
    duration_s: f64,
    progress: &mut dyn FnMut(&Progress),
) -> LagrangianRun {
    let ns = species.len();
    let nz = grid.nz();
    let n_cells = grid.nx * grid.ny;
    let mut released = vec![0.0; ns];
    plans.iter().for_each(|p| p.add_released(&mut released));
    let scales = Scales::new(&released, duration_s);
    let key = StreamKey {
        seed: cfg.seed,
        member: cfg.member,
    };
    let mut particles = create_particles(plans, key);
    let n_chunks = rayon::current_num_threads().max(1) * cfg.chunks_per_thread.max(1);
    let exposure_meander = cfg
        .meander
        .exposure()
        .and_then(|e| MeanderTable::new(&e, duration_s));
    let mut tallies = vec![Tally::new(ns, nz, n_cells, exposure_meander.is_some()); n_chunks];
    let mut exposure_total = vec![0i64; ns * nz * n_cells];
    let mut fields = Fields::zeros_by_interval(grid.clone(), species);
    let mut deposited = DepositsSoFar::new(ns * n_cells);
    let half = 0.5 * grid.dx_m;
    let bounds = Bounds {
        x_min_m: (grid.x0_m - half) as f32,
        x_max_m: (grid.x_m(grid.nx - 1) + half) as f32,
        y_min_m: (grid.y0_m - half) as f32,
        y_max_m: (grid.y_m(grid.ny - 1) + half) as f32,
        top_m: cfg.model_top_m as f32,
    };
    let layers: Vec<(f32, f32)> = grid
        .layers
        .iter()
        .map(|l| (l.bottom_m as f32, l.top_m as f32))
        .collect();
    let schedule = sync_schedule(grid, sampling_step_s(cfg, plans));
    let extent = grid_bounds_m(grid);
    let rebuild = flow.varies();
    let mut columns = flow.columns_at(extent, 0.0, cfg.skewed_convection);
    let meander = MeanderTable::new(&cfg.meander, duration_s);
    let mut n_active = 0;
    let mut t0 = 0.0;
    for &(t1, closes) in &schedule {
        if rebuild {
            columns = flow.columns_at(extent, 0.5 * (t0 + t1), cfg.skewed_convection);
        }
        let losses = column_losses(plans, &columns);
        let ctx = Ctx {
            plans,
            columns: &columns,
            losses: &losses,
            step: cfg.step,
            bounds,
            key,
            layers: layers.clone(),
            scales: &scales,
            n_cells,
            cells: loss_cells(grid),
            meander,
            exposure_meander,
        };
        for (a, b, weight) in sampled_parts(plans, &columns, cfg, t0, t1) {
            while n_active < particles.len() && f64::from(particles[n_active].pos[3]) < b {
                n_active += 1;
            }
            let chunk = n_active.div_ceil(n_chunks).max(1);
            particles[..n_active]
                .par_chunks_mut(chunk)
                .zip(tallies.par_iter_mut())
                .for_each(|(ps, tally)| ctx.process_chunk(ps, a, b, weight, tally));
        }
        if let Some(n) = closes {
            let (sum, long) = Tally::take_exposure(&mut tallies);
            close_interval(
                &mut fields,
                &scales,
                n,
                &sum,
                long.as_deref(),
                &mut exposure_total,
            );
            let (dry, wet) = Tally::deposits(&tallies);
            deposited.close_interval(&mut fields, &scales, n, dry, wet);
        }
        progress(&Progress {
            time_s: t1,
            duration_s,
            released: n_active,
            total: particles.len(),
        });
        t0 = t1;
    }
    // Reduce the chunks and close the budget.
    let mut total = Tally::new(ns, 0, n_cells, false);
    for t in &tallies {
        total.absorb(&Tally {
            exposure: vec![],
            exposure_long: vec![],
            ..t.clone()
        });
    }
    let ctx = Ctx {
        plans,
        columns: &columns,
        losses: &[],
        step: cfg.step,
        bounds,
        key,
        layers,
        scales: &scales,
        n_cells,
        cells: loss_cells(grid),
        meander,
        exposure_meander,
    };
    let airborne = particles
        .par_iter()
        .filter(|p| p.status == STATUS_AIRBORNE)
        .fold(
            || vec![0i64; ns],
            |mut acc, p| {
                ctx.airborne(p, duration_s, &mut acc);
                acc
            },
        )
        .reduce(
            || vec![0i64; ns],
            |a, b| a.iter().zip(&b).map(|(x, y)| x + y).collect(),
        );
    close_run(
        &mut fields,
        &scales,
        &exposure_total,
        &total.dry,
        &total.wet,
    );
    for (s, f) in fields.species.iter_mut().enumerate() {
        f.budget = Some(total.budget[s].to_budget(airborne[s], scales.amount[s]));
    }
    let stats = RunStats {
        particles: particles.len(),
        sub_steps: total.sub_steps,
        sync_steps: schedule.len(),
        exited: particles
            .iter()
            .filter(|p| p.status == STATUS_EXITED)
            .count(),
        bytes_per_particle: BYTES_PER_PARTICLE,
    };
    LagrangianRun {
        fields,
        stats,
        particles,
    }
}

/// The output grid's cells as the step merges deposition events by them.
fn loss_cells(grid: &GridSpec) -> super::advance::LossCells {
    super::advance::LossCells {
        x0_m: grid.x0_m,
        y0_m: grid.y0_m,
        inv_dx_per_m: 1.0 / grid.dx_m,
        nx: grid.nx,
        ny: grid.ny,
    }
}
