//! Advancing particles over a stretch of time, eight lanes at a time ([`LANES`]): each lane
//! takes Langevin sub-steps ([`super::step`]) until its particle's time is used up, then the
//! next particle is loaded; a particle that leaves the domain stops there. Each sub-step takes
//! dry and wet deposition from the particle's class shares and reports them as loss events,
//! where the particle is or at its meander image ([`super::meander`]).
//!
//! **Dry deposition** (the FLEXPART scheme, Stohl et al. 2005 §8, with δ = 2 m:
//! [`super::driver::DEPOSITION_LAYER_M`]): a particle whose path spends τ of a step below the
//! deposition layer depth δ ([`super::step::time_below`]) loses the fraction `1 − e^(−v_d·τ/δ)`
//! of each class share, which is the surface flux v_d·C of a layer of depth δ whose
//! concentration is the particle's mass spread over it. Under a mixing height h < δ (scenarios
//! allow 10 m; FLEXPART's h ≥ 100 m never meets this) the mass is spread over h instead: δ is
//! replaced by h, so a well-mixed shallow layer loses v_d/h per second, not v_d/δ, and
//! particles above such a lid, cut off from the ground, do not deposit. **Wet deposition**: at
//! every height (rain falls through the whole column, the lid included), `1 − e^(−ΛΔt)` with
//! `Λ = a·P^b` (P in mm/h; e.g. Maryon et al. 1991 for the form and typical a, b).
//!
//! ## References
//! - Stohl, A. et al. (2005) Atmos. Chem. Phys. 5:2461, doi:10.5194/acp-5-2461-2005.

use super::column::ColumnGrid;
use super::loss::{flush, report, LanePending};
use super::mathf::exp_neg_poly;
use super::meander::{meander_normals, MeanderTable};
use super::particle::{Particle, MAX_CLASSES, STATUS_EXITED, STATUS_SPENT};
use super::step::{sub_step, Bounds, Lanes, StepConfig, LANES};
use crate::rng::StreamKey;

/// The deposition events a step reports, and the rates it takes them at.
pub use super::loss::{ClassLoss, Loss, LossCells, LossKind};

/// What the sub-steps read besides the particles.
#[derive(Debug, Clone, Copy)]
pub struct StepInputs<'a> {
    /// The columns; each sub-step reads the one nearest the particle at its start.
    pub columns: &'a ColumnGrid,
    pub config: &'a StepConfig,
    /// Loss rates by source.
    pub losses: &'a [ClassLoss],
    pub bounds: &'a Bounds,
    pub key: StreamKey,
    /// Merge deposition events by these cells ([`LossCells`]); `None` reports every event.
    pub loss_cells: Option<&'a LossCells>,
    /// The meander's spread and the stretch's end time t1 (s): each deposition event is then
    /// reported at the particle's meander image at the event's age, f32(t1) − t_rel − (time
    /// still to go) ([`super::meander`]); `None` reports it where the particle is.
    pub meander: Option<(&'a MeanderTable, f32)>,
}

/// Advances every particle `i` with `duration_s[i] > 0` by that time, in sub-steps, eight at a
/// time; reports each deposition to `on_loss(i, loss)` and returns the sub-steps taken. A
/// particle that leaves the domain is marked [`STATUS_EXITED`] and stops there; one whose
/// shares deposition has taken below [`StepConfig::min_share`] is marked [`STATUS_SPENT`], its
/// rest reported as deposited, and stops there.
///
/// Each particle's arithmetic is the same whichever lane and whichever companions it has, so
/// the result does not depend on how particles are grouped (threads, chunks, lanes).
///
/// On x86-64 CPUs with AVX2 the same code is compiled a second time for 256-bit registers and
/// chosen at run time. No fused multiply-adds are enabled (Rust never contracts `a * b + c`), so
/// both versions round every operation alike and give bit-identical particles.
pub fn advance_all(
    particles: &mut [Particle],
    duration_s: &[f32],
    inputs: &StepInputs,
    on_loss: &mut impl FnMut(usize, Loss),
) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { advance_all_avx2(particles, duration_s, inputs, on_loss) };
    }
    advance_all_dispatch(particles, duration_s, inputs, on_loss)
}

/// [`advance_all_portable`] compiled for AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn advance_all_avx2(
    particles: &mut [Particle],
    duration_s: &[f32],
    inputs: &StepInputs,
    on_loss: &mut impl FnMut(usize, Loss),
) -> u64 {
    advance_all_dispatch(particles, duration_s, inputs, on_loss)
}

/// Picks the kernel for one column or a column grid: with one column the compiler hoists the
/// column out of the lanes (the grid lookup cost the FLEXPART case 27 % when left in).
#[inline(always)]
fn advance_all_dispatch(
    particles: &mut [Particle],
    duration_s: &[f32],
    inputs: &StepInputs,
    on_loss: &mut impl FnMut(usize, Loss),
) -> u64 {
    if inputs.columns.columns.len() == 1 {
        advance_all_portable::<true>(particles, duration_s, inputs, on_loss)
    } else {
        advance_all_portable::<false>(particles, duration_s, inputs, on_loss)
    }
}

/// The kernel of [`advance_all`], inlined into each instruction-set version; `SINGLE` when
/// `inputs.columns` holds one column.
#[inline(always)]
fn advance_all_portable<const SINGLE: bool>(
    particles: &mut [Particle],
    duration_s: &[f32],
    inputs: &StepInputs,
    on_loss: &mut impl FnMut(usize, Loss),
) -> u64 {
    let StepInputs {
        columns: grid,
        config: cfg,
        losses,
        bounds,
        key,
        loss_cells,
        meander,
    } = *inputs;
    let raining = grid.raining();
    let skewed = grid.columns.iter().any(|c| c.convective_w3_m3_s3 > 0.0);
    // Whether any class of any source deposits at all: without, the per-lane loss lookups are
    // skipped (most dispersion runs of a tracer or a gas).
    let wet_anywhere = raining && losses.iter().any(ClassLoss::any_wet);
    let dry_anywhere = losses.iter().any(ClassLoss::any_dry);
    // `losses` holds one record per source for each column in turn (washout follows the
    // column's precipitation).
    let n_sources = losses.len() / grid.columns.len();
    let mut s = Lanes::default();
    // Each lane's meander normals and its age at the stretch's end (s): its deposition is
    // booked at its meander image ([`super::meander`]).
    let mut xi = [[0.0f32; 2]; LANES];
    let mut age1_s = [0.0f32; LANES];
    let mut slot = [usize::MAX; LANES];
    let mut pending: [LanePending; LANES] = [[None; 2 * MAX_CLASSES]; LANES];
    let mut next = 0;
    let mut steps = 0u64;
    loop {
        let mut busy = false;
        for l in 0..LANES {
            if s.left[l] <= 0.0 {
                if slot[l] != usize::MAX {
                    store(&s, l, &mut particles[slot[l]]);
                    flush(&mut pending[l], slot[l], on_loss);
                    slot[l] = usize::MAX;
                }
                while next < particles.len() && duration_s[next] <= 0.0 {
                    next += 1;
                }
                if next < particles.len() {
                    let settle = losses[particles[next].source as usize].settling_velocity_m_s;
                    load(&mut s, l, &particles[next], duration_s[next], settle);
                    if let Some((_, t1_s)) = meander {
                        xi[l] = meander_normals(key, s.id[l]);
                        age1_s[l] = t1_s - particles[next].pos[3];
                    }
                    slot[l] = next;
                    next += 1;
                }
            }
            busy |= slot[l] != usize::MAX;
        }
        if !busy {
            return steps;
        }
        let (dt, ci, below) = sub_step::<SINGLE>(&mut s, grid, cfg, key, skewed);
        for l in 0..LANES {
            if dt[l] <= 0.0 {
                continue;
            }
            steps += 1;
            let inside = s.x[l] >= bounds.x_min_m
                && s.x[l] <= bounds.x_max_m
                && s.y[l] >= bounds.y_min_m
                && s.y[l] <= bounds.y_max_m
                && s.z[l] <= bounds.top_m;
            if !(dry_anywhere || wet_anywhere) && inside {
                continue;
            }
            let p = &mut particles[slot[l]];
            let loss = &losses[ci[l] * n_sources + p.source as usize];
            // Under a lid lower than δ the particle's mass is spread over the lid height, and
            // a particle under it is in the layer the whole step; else for the time its path
            // spent below δ.
            let lid = grid.columns[ci[l]].lid_m;
            // Where a loss is booked: the particle, or its meander image at the event's age.
            let (x_m, y_m) = match meander {
                None => (s.x[l], s.y[l]),
                Some((table, _)) => {
                    let spread = table.spread_at_m(age1_s[l] - s.left[l]);
                    (s.x[l] + xi[l][0] * spread, s.y[l] + xi[l][1] * spread)
                }
            };
            let (depth, time_in) = if lid < cfg.deposition_layer_m {
                (lid, if s.z[l] < lid { dt[l] } else { 0.0 })
            } else {
                (cfg.deposition_layer_m, below[l])
            };
            // A particle that has left the domain deposits nothing (its loss would be booked in
            // the edge cell and counted as deposited rather than exited). Rain falls through the
            // whole column below its cloud, above the mixing height as well (FLEXPART's
            // below-cloud scavenging; the cloud base is not known here). Each class loses
            // e^(−rate·time/depth) of its share: dry v_d over its time in the layer of depth δ,
            // wet Λ over the step (depth 1, an exact division).
            let takes = [
                (
                    LossKind::Dry,
                    inside && loss.any_dry() && time_in > 0.0,
                    loss.dry_velocity_m_s,
                    time_in,
                    depth,
                ),
                (
                    LossKind::Wet,
                    inside && wet_anywhere && loss.any_wet(),
                    loss.washout_per_s,
                    dt[l],
                    1.0,
                ),
            ];
            let (source, release_time_s, index) = (p.source, p.pos[3], slot[l]);
            let lane_pending = &mut pending[l];
            let mut book = |kind, class, before, after| {
                let loss = Loss {
                    kind,
                    source,
                    release_time_s,
                    x_m,
                    y_m,
                    class,
                    before,
                    after,
                };
                report(
                    lane_pending,
                    loss_cells,
                    meander.is_some(),
                    index,
                    loss,
                    on_loss,
                );
            };
            // The process that took from each class last in this sub-step, and from any.
            let mut took = [None; MAX_CLASSES];
            let mut took_any = None;
            for (kind, on, rates, time, depth) in takes {
                if !on {
                    continue;
                }
                took_any = Some(kind);
                for (k, &rate) in rates.iter().enumerate() {
                    if rate > 0.0 && p.mass[k] > 0.0 {
                        let before = p.mass[k];
                        p.mass[k] = before * exp_neg_poly(-rate * time / depth);
                        book(kind, k, before, p.mass[k]);
                        took[k] = Some(kind);
                    }
                }
            }
            // Deposition took every share below the threshold: the particle is spent, the rest
            // of each class booked as the process that took from it last took it (one that did
            // not act on it in this sub-step: as its own process, dry before wet).
            if let Some(kind) = took_any {
                if p.mass.iter().all(|&m| m < cfg.min_share) {
                    for (k, m) in p.mass.iter_mut().enumerate() {
                        if *m > 0.0 {
                            let own = if loss.dry_velocity_m_s[k] > 0.0 {
                                LossKind::Dry
                            } else if loss.washout_per_s[k] > 0.0 {
                                LossKind::Wet
                            } else {
                                kind
                            };
                            book(took[k].unwrap_or(own), k, *m, 0.0);
                            *m = 0.0;
                        }
                    }
                    p.status = STATUS_SPENT;
                    s.left[l] = 0.0;
                }
            }
            if !inside {
                p.status = STATUS_EXITED;
                s.left[l] = 0.0;
            }
        }
    }
}

fn load(s: &mut Lanes, l: usize, p: &Particle, duration_s: f32, settle_m_s: f32) {
    [s.x[l], s.y[l], s.z[l]] = [p.pos[0], p.pos[1], p.pos[2]];
    s.settle[l] = settle_m_s;
    [s.up[l], s.vp[l], s.wn[l]] = p.vel;
    s.left[l] = duration_s;
    s.id[l] = p.id;
    s.step[l] = p.step;
}

fn store(s: &Lanes, l: usize, p: &mut Particle) {
    p.pos[0] = s.x[l];
    p.pos[1] = s.y[l];
    p.pos[2] = s.z[l];
    p.vel = [s.up[l], s.vp[l], s.wn[l]];
    p.step = s.step[l];
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;
    use crate::met::{BoundaryLayer, StabilityClass};
    use crate::model::lagrangian::column::Column;
    use crate::model::lagrangian::meander::MeanderConfig;
    use crate::model::lagrangian::particle::STATUS_AIRBORNE;

    #[test]
    fn avx2_and_baseline_kernels_give_bit_identical_particles() {
        // The doc's promise, in a convective column (the skewed update in every lane) with
        // particles at every height, some above the lid, and dry deposition, reported where
        // the particles are and at their meander images.
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        let bl = BoundaryLayer {
            friction_velocity_m_s: 0.4,
            obukhov_length_m: -15.0,
            mixing_height_m: 1100.0,
            roughness_length_m: 0.1,
            stability: StabilityClass::B,
        };
        let column = Column::from_boundary_layer(&bl, 0.0, |z| [3.0 + 0.002 * z, -1.0, 0.0]);
        assert!(column.convective_w3_m3_s3 > 0.0);
        let grid = ColumnGrid::single(column);
        let key = StreamKey {
            seed: 77,
            member: 1,
        };
        let start: Vec<Particle> = (0..4099u32)
            .map(|i| {
                let u = key.normals4(i, 9, 9);
                Particle {
                    pos: [10.0 * u[0], 10.0 * u[1], (i as f32 + 0.5) * 0.28, 0.0],
                    vel: [0.5 * u[2], 0.5 * u[3], u[0]],
                    step: 1,
                    mass: [1.0, 0.5, 0.0, 0.0],
                    id: i,
                    source: 0,
                    status: STATUS_AIRBORNE,
                    reserved: 0,
                }
            })
            .collect();
        let config = StepConfig {
            time_step_factor: 0.2,
            min_time_step_s: 0.1,
            max_time_step_s: 60.0,
            drift: true,
            deposition_layer_m: 30.0,
            min_share: 1e-6,
        };
        let losses = [ClassLoss {
            dry_velocity_m_s: [0.01, 0.003, 0.0, 0.0],
            washout_per_s: [0.0; MAX_CLASSES],
            settling_velocity_m_s: 0.01,
        }];
        let bounds = Bounds::unbounded();
        let meander = MeanderConfig {
            sigma_m_s: 0.5,
            time_scale_s: 7200.0,
            averaging_s: 3600.0,
            resolved_s: 0.0,
            exposure_averaging_s: 3600.0,
        };
        let table = MeanderTable::new(&meander, 3600.0).expect("meander on");
        let durations: Vec<f32> = (0..start.len()).map(|i| 60.0 + (i % 7) as f32).collect();
        // Cells of 20 m over ±200 m: events merge by cell, some images beyond the grid.
        let cells = LossCells {
            x0_m: -200.0,
            y0_m: -200.0,
            inv_dx_per_m: 0.05,
            nx: 21,
            ny: 21,
        };
        let images = Some((&table, 1800.0f32));
        for (images, loss_cells) in [(None, None), (images, None), (images, Some(&cells))] {
            let inputs = StepInputs {
                columns: &grid,
                config: &config,
                losses: &losses,
                bounds: &bounds,
                key,
                loss_cells,
                meander: images,
            };
            let (mut a, mut b) = (start.clone(), start.clone());
            let (mut la, mut lb) = (Vec::new(), Vec::new());
            // SAFETY: the CPU supports AVX2, checked above.
            let sa = unsafe {
                advance_all_avx2(&mut a, &durations, &inputs, &mut |i, l| la.push((i, l)))
            };
            let sb = advance_all_dispatch(&mut b, &durations, &inputs, &mut |i, l| lb.push((i, l)));
            let case = match (images.is_some(), loss_cells.is_some()) {
                (false, _) => "particles",
                (true, false) => "images",
                (true, true) => "images merged by cell",
            };
            assert_eq!(sa, sb, "{case}: sub-steps");
            assert!(sa > 3 * a.len() as u64, "{case}: {sa} sub-steps");
            assert!(la.len() > 500, "{case}: {} deposition events", la.len());
            assert!(la == lb, "{case}: deposition events differ");
            for (i, (x, y)) in a.iter().zip(&b).enumerate() {
                assert_eq!(
                    bytemuck::bytes_of(x),
                    bytemuck::bytes_of(y),
                    "{case}: particle {i}: AVX2 {x:?}, baseline {y:?}"
                );
            }
        }
    }
}
