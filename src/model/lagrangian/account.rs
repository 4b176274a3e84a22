//! Per-particle accounting of a synchronisation step: release, decay, deposition, exit and
//! gridding, all booked in fixed point into a chunk's [`Tally`].
//!
//! Budget terms are booked as `fixed(before) − fixed(after)` of each process, in this order
//! within a step: decay of the shares held at the start (from the start to the end of the step),
//! then each deposition at the end-of-step decay factor, then exit or gridding with the final
//! shares — so they telescope exactly (see [`super::tally`]).

use super::advance::{advance_all, ClassLoss, Loss, LossCells, LossKind, StepInputs};
use super::column::ColumnGrid;
use super::meander::{meander_normals, MeanderTable};
use super::particle::{Particle, STATUS_AIRBORNE, STATUS_EXITED, STATUS_WAITING};
use super::release::SourcePlan;
use super::step::{Bounds, StepConfig};
use super::tally::{fixed, Scales, Tally};
use crate::rng::StreamKey;

/// Everything a particle step reads.
pub(super) struct Ctx<'a> {
    pub(super) plans: &'a [SourcePlan],
    pub(super) columns: &'a ColumnGrid,
    /// Loss rates by source, for each column in turn.
    pub(super) losses: &'a [ClassLoss],
    pub(super) step: StepConfig,
    pub(super) bounds: Bounds,
    pub(super) key: StreamKey,
    pub(super) layers: Vec<(f32, f32)>,
    pub(super) scales: &'a Scales,
    pub(super) n_cells: usize,
    /// The output grid's cells, which also merge deposition events.
    pub(super) cells: LossCells,
    /// The meander's spread by age, where particles are tallied at offset images
    /// ([`super::meander`]); `None` tallies them where they are.
    pub(super) meander: Option<MeanderTable>,
    /// The spread of the exposure tally's images, where the run keeps one
    /// ([`super::meander::MeanderConfig::exposure`]): the airborne particles are tallied a
    /// second time there, and the deposits (run totals, like the exposures) only there.
    pub(super) exposure_meander: Option<MeanderTable>,
}

impl Ctx<'_> {
    /// The cell holding (x, y), clamped to the grid (particles beyond it have exited).
    fn cell(&self, x_m: f32, y_m: f32) -> usize {
        self.cells.cell(x_m, y_m)
    }

    /// Decay factors exp(−λ·age) of each of the particle's source entries at `t_s`, into `out`.
    fn decay_factors(&self, p: &Particle, t_s: f64, out: &mut Vec<f64>) {
        self.decay_factors_of(p.source, p.pos[3], t_s, out);
    }

    /// Decay factors at `t_s` of a particle of `source` released at `release_time_s`.
    fn decay_factors_of(&self, source: u32, release_time_s: f32, t_s: f64, out: &mut Vec<f64>) {
        let age = t_s - f64::from(release_time_s);
        out.clear();
        out.extend(self.plans[source as usize].entries.iter().map(|e| {
            if e.decay_per_s > 0.0 {
                (-e.decay_per_s * age).exp()
            } else {
                1.0
            }
        }));
    }

    /// The table of the images deposits are booked at: the exposure tally's where the run
    /// keeps one, else the interval's (`None`: where the particle is).
    pub(super) fn deposit_meander(&self) -> Option<&MeanderTable> {
        self.exposure_meander.as_ref().or(self.meander.as_ref())
    }

    /// Releases the particle if its time has come and books decay over [t0, t1]; returns how
    /// long it is airborne in the step, `None` for particles not airborne (waiting, or gone).
    /// A particle released at the very end of the step is airborne for 0 s, and still `Some`.
    fn begin(
        &self,
        p: &mut Particle,
        t0: f64,
        t1: f64,
        tally: &mut Tally,
        d0: &mut Vec<f64>,
        d1: &mut Vec<f64>,
    ) -> Option<f64> {
        let t_rel = f64::from(p.pos[3]);
        let plan = &self.plans[p.source as usize];
        let sa = &self.scales.amount;
        let released_now = p.status == STATUS_WAITING && t_rel < t1;
        let t_from = match p.status {
            STATUS_WAITING if t_rel < t1 => {
                p.status = STATUS_AIRBORNE;
                let column = self.columns.at(p.pos[0], p.pos[1]);
                let lv = column.at(p.pos[2]);
                let xi = self.key.normals4(p.id, 0, 1);
                let wn = column.initial_wn(p.pos[2], xi);
                p.vel = [lv.sigma[0] * xi[0], lv.sigma[1] * xi[1], wn];
                for e in &plan.entries {
                    tally.budget[e.species].released += fixed(
                        f64::from(p.mass[e.class]) * e.amount_per_particle,
                        sa[e.species],
                    );
                }
                t_rel
            }
            STATUS_AIRBORNE => t0,
            _ => return None,
        };
        // A particle released in this step is airborne f32(t1) − t_rel, both in f32, as the GPU
        // kernel computes it (`process` in lagrangian.wgsl), not f32(t1 − t_rel): where t1 is no
        // f32 (steps of 900/59 s) the two differ in the last bit, so one backend could take a
        // sub-step, and draw a random number, that the other does not (found by review).
        let airborne = if released_now {
            f64::from((t1 as f32 - p.pos[3]).max(0.0))
        } else {
            t1 - t_from
        };
        if !plan.decays() {
            return Some(airborne);
        }
        self.decay_factors(p, t_from, d0);
        self.decay_factors(p, t1, d1);
        for (i, e) in plan.entries.iter().enumerate() {
            if e.decay_per_s > 0.0 {
                let w = f64::from(p.mass[e.class]) * e.amount_per_particle;
                let s = sa[e.species];
                tally.budget[e.species].decayed += fixed(w * d0[i], s) - fixed(w * d1[i], s);
            }
        }
        Some(airborne)
    }

    /// Books a deposition of the particle at the end-of-step decay factors `d1`: in the budget,
    /// and on the grid unless the event's meander image fell off it.
    fn book_loss(&self, l: &Loss, d1: &[f64], tally: &mut Tally) {
        let cell = if self.deposit_meander().is_some() {
            self.cells.image_cell(l.x_m, l.y_m)
        } else {
            Some(self.cell(l.x_m, l.y_m))
        };
        let sa = &self.scales.amount;
        for (i, e) in self.plans[l.source as usize].entries.iter().enumerate() {
            if e.class == l.class {
                let (q, s) = (e.amount_per_particle * d1[i], sa[e.species]);
                let a = fixed(f64::from(l.before) * q, s) - fixed(f64::from(l.after) * q, s);
                let b = &mut tally.budget[e.species];
                let grid = match l.kind {
                    LossKind::Dry => {
                        b.dry += a;
                        &mut tally.dry
                    }
                    LossKind::Wet => {
                        b.wet += a;
                        &mut tally.wet
                    }
                };
                if let Some(cell) = cell {
                    grid[e.species * self.n_cells + cell] += a;
                }
            }
        }
    }

    /// Books a particle that left the domain, or grids one airborne at the end of the stretch
    /// `t1_s` as standing for `weight_s` (the cell it samples; 0 grids nothing), at its meander
    /// image when there is a meander (none when the image is off the grid), and again at its
    /// exposure tally's image where the run keeps one.
    fn finish(&self, p: &Particle, t1_s: f64, weight_s: f64, d1: &[f64], tally: &mut Tally) {
        let plan = &self.plans[p.source as usize];
        if p.status == STATUS_EXITED {
            for (i, e) in plan.entries.iter().enumerate() {
                let w = f64::from(p.mass[e.class]) * e.amount_per_particle * d1[i];
                tally.budget[e.species].exited += fixed(w, self.scales.amount[e.species]);
            }
            return;
        }
        // A spent particle has nothing left to grid.
        if weight_s == 0.0 || p.status != STATUS_AIRBORNE {
            return;
        }
        // The age as the GPU computes it, f32(t1) − t_rel in f32.
        let age_s = t1_s as f32 - p.pos[3];
        let cell_at = |table: Option<&MeanderTable>| match table {
            None => Some(self.cell(p.pos[0], p.pos[1])),
            Some(table) => {
                let [x, y] = image(p, table, age_s, self.key);
                self.cells.image_cell(x, y)
            }
        };
        let Some(k) = self
            .layers
            .iter()
            .position(|&(bottom, top)| p.pos[2] >= bottom && p.pos[2] < top)
        else {
            return;
        };
        let nz = self.layers.len();
        let book = |grid: &mut Vec<i64>, cell: usize| {
            for (i, e) in plan.entries.iter().enumerate() {
                let w = f64::from(p.mass[e.class]) * e.amount_per_particle * d1[i] * weight_s;
                grid[(e.species * nz + k) * self.n_cells + cell] +=
                    fixed(w, self.scales.exposure[e.species]);
            }
        };
        if let Some(cell) = cell_at(self.meander.as_ref()) {
            book(&mut tally.exposure, cell);
        }
        if let Some(table) = &self.exposure_meander {
            if let Some(cell) = cell_at(Some(table)) {
                book(&mut tally.exposure_long, cell);
            }
        }
    }

    /// Advances a chunk of particles over [t0, t1] and books everything they did into `tally`,
    /// gridding each particle airborne at t1 as standing for `weight_s`.
    pub(super) fn process_chunk(
        &self,
        ps: &mut [Particle],
        t0: f64,
        t1: f64,
        weight_s: f64,
        tally: &mut Tally,
    ) {
        let (mut d0, mut d1) = (Vec::new(), Vec::new());
        let alive: Vec<Option<f64>> = ps
            .iter_mut()
            .map(|p| self.begin(p, t0, t1, tally, &mut d0, &mut d1))
            .collect();
        let duration: Vec<f32> = alive.iter().map(|a| a.unwrap_or(0.0) as f32).collect();
        let mut d_loss = Vec::new();
        // Deposition is valued with the particle's own decay factors at t1; the event carries
        // its source and release time, which fix them.
        let steps = advance_all(
            ps,
            &duration,
            &StepInputs {
                columns: self.columns,
                config: &self.step,
                losses: self.losses,
                bounds: &self.bounds,
                key: self.key,
                // Every loss of a call is valued at t1, so merged events book the same sums.
                loss_cells: Some(&self.cells),
                meander: self.deposit_meander().map(|table| (table, t1 as f32)),
            },
            &mut |_, l| {
                self.decay_factors_of(l.source, l.release_time_s, t1, &mut d_loss);
                self.book_loss(&l, &d_loss, tally);
            },
        );
        tally.sub_steps += steps;
        // Snapshot sampling (as FLEXPART, at the middle of each part: [`super::driver::
        // sampled_parts`]): every particle airborne at the snapshot stands for the whole part,
        // including one released during it. The particles present then are an unbiased sample
        // of the plume, so weighting each by the part estimates ∫C dt without bias everywhere;
        // weighting a new particle by its own airborne time instead would under-count the
        // cells within one step's travel of the source by ~x/(u·Δt). That holds for a particle
        // released at t1 itself too (airborne 0 s where t1 rounds to its f32 release time):
        // it is gridded at its release point, as the GPU kernel grids it.
        for (p, a) in ps.iter().zip(&alive) {
            if a.is_some() {
                self.decay_factors(p, t1, &mut d1);
                self.finish(p, t1, weight_s, &d1, tally);
            }
        }
    }

    /// The fixed-point amount of each species a particle carries at time `t_s`.
    pub(super) fn airborne(&self, p: &Particle, t_s: f64, out: &mut [i64]) {
        let plan = &self.plans[p.source as usize];
        let age = t_s - f64::from(p.pos[3]);
        for e in &plan.entries {
            let d = if e.decay_per_s > 0.0 {
                (-e.decay_per_s * age).exp()
            } else {
                1.0
            };
            let w = f64::from(p.mass[e.class]) * e.amount_per_particle;
            out[e.species] += fixed(w * d, self.scales.amount[e.species]);
        }
    }
}

/// Where particle `p`, `age_s` old, is tallied: its position offset by its meander normals
/// times the spread at that age ([`super::meander`]; twin: the image in `finish` in
/// shaders/lagrangian.wgsl).
fn image(p: &Particle, table: &MeanderTable, age_s: f32, key: crate::rng::StreamKey) -> [f32; 2] {
    let [xi_x, xi_y] = meander_normals(key, p.id);
    let s = table.spread_at_m(age_s);
    [p.pos[0] + xi_x * s, p.pos[1] + xi_y * s]
}
