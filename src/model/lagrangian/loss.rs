//! Deposition events of the Langevin step: the loss rates of a source's classes, the events a
//! sub-step reports (a class share of one particle falling from `before` to `after`), and their
//! merging by output cell so that a particle's many small losses in one cell cost one booking.

use super::particle::MAX_CLASSES;

/// Loss rates of a source's deposition classes at the current met time.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ClassLoss {
    /// Dry deposition velocity v_d of each class (m/s).
    pub dry_velocity_m_s: [f32; MAX_CLASSES],
    /// Scavenging coefficient Λ = a·P^b of each class (s⁻¹).
    pub washout_per_s: [f32; MAX_CLASSES],
    /// The settling velocity v_s of the source's particles (m/s, downward; 0 for a gas): not a
    /// loss rate but the source's own, kept in the record the step reads per source (the GPU's
    /// `SourceRec` mirrors it). The dry velocities above already include it.
    pub settling_velocity_m_s: f32,
}

impl ClassLoss {
    pub(super) fn any_dry(&self) -> bool {
        self.dry_velocity_m_s.iter().any(|&v| v > 0.0)
    }
    pub(super) fn any_wet(&self) -> bool {
        self.washout_per_s.iter().any(|&v| v > 0.0)
    }
}

/// Which process removed a share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LossKind {
    Dry,
    Wet,
}

/// A deposition event: class `class` of a particle at (x, y) went from share `before` to `after`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Loss {
    pub kind: LossKind,
    /// The particle's source and release time (s), which fix its decay.
    pub source: u32,
    pub release_time_s: f32,
    pub x_m: f32,
    pub y_m: f32,
    pub class: usize,
    pub before: f32,
    pub after: f32,
}

/// The cells of the output grid, by which deposition events are merged: consecutive losses of
/// one particle, class and process in one cell are reported as one event whose `before` is the
/// first event's and `after` the last's. Books that value a particle's losses with one factor
/// per call (as the CPU driver does, at the end of the synchronisation step) and round each
/// event as fixed(before) − fixed(after) get exactly the same sums, since those telescope.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LossCells {
    /// Centre of cell (0, 0) (m, local frame).
    pub x0_m: f64,
    pub y0_m: f64,
    /// 1 / cell size (m⁻¹).
    pub inv_dx_per_m: f64,
    pub nx: usize,
    pub ny: usize,
}

impl LossCells {
    /// The row-major index of the cell holding (x, y), clamped to the grid.
    #[inline]
    pub fn cell(&self, x_m: f32, y_m: f32) -> usize {
        // Offsets from the grid's west/south edge are ≥ 0 inside, so truncation is the floor.
        let fi = ((f64::from(x_m) - self.x0_m) * self.inv_dx_per_m + 0.5).max(0.0) as usize;
        let fj = ((f64::from(y_m) - self.y0_m) * self.inv_dx_per_m + 0.5).max(0.0) as usize;
        fj.min(self.ny - 1) * self.nx + fi.min(self.nx - 1)
    }

    /// The row-major index of the cell holding (x, y), or `None` off the grid: where a meander
    /// image ([`super::meander`]) is tallied, which may fall outside the domain its particle
    /// is in (clamping would pile such images into the edge cells).
    #[inline]
    pub fn image_cell(&self, x_m: f32, y_m: f32) -> Option<usize> {
        let fi = (f64::from(x_m) - self.x0_m) * self.inv_dx_per_m + 0.5;
        let fj = (f64::from(y_m) - self.y0_m) * self.inv_dx_per_m + 0.5;
        let on_grid = fi >= 0.0 && fj >= 0.0 && fi < self.nx as f64 && fj < self.ny as f64;
        on_grid.then(|| fj as usize * self.nx + fi as usize)
    }
}

/// A loss being merged: the event so far and the cell it fell in.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pending {
    loss: Loss,
    cell: usize,
}

/// The pending losses of one lane, one per class and process.
pub(super) type LanePending = [Option<Pending>; 2 * MAX_CLASSES];

/// Reports `loss` of particle `index`, merged with the lane's pending loss of the same class
/// and process when both fell in one cell and follow each other; `images` when the losses are
/// at meander images (booked only on the grid), else at particles (booked in the clamped cell).
#[inline(always)]
pub(super) fn report(
    pending: &mut LanePending,
    cells: Option<&LossCells>,
    images: bool,
    index: usize,
    loss: Loss,
    on_loss: &mut impl FnMut(usize, Loss),
) {
    let Some(cells) = cells else {
        on_loss(index, loss);
        return;
    };
    // Off-grid meander images merge with each other (their grid booking is dropped); a
    // particle's loss merges by the clamped cell it is booked in.
    let cell = if images {
        cells.image_cell(loss.x_m, loss.y_m).unwrap_or(usize::MAX)
    } else {
        cells.cell(loss.x_m, loss.y_m)
    };
    let slot = &mut pending[loss.class + MAX_CLASSES * usize::from(loss.kind == LossKind::Wet)];
    match slot {
        Some(p) if p.cell == cell && p.loss.after == loss.before => p.loss.after = loss.after,
        _ => {
            if let Some(p) = slot.take() {
                on_loss(index, p.loss);
            }
            *slot = Some(Pending { loss, cell });
        }
    }
}

/// Reports and clears every pending loss of a lane whose particle was `index`.
pub(super) fn flush(
    pending: &mut LanePending,
    index: usize,
    on_loss: &mut impl FnMut(usize, Loss),
) {
    for p in pending.iter_mut().filter_map(Option::take) {
        on_loss(index, p.loss);
    }
}
