//! Fixed-point accumulation of concentrations, deposition and the mass budget.
//!
//! Every amount is added as an `i64` in units of `1/scale`, so sums do not depend on the
//! order of addition: any split of the particles over threads (or over GPU workgroups, whose
//! 64-bit sums are two `u32` atomics with a carry) gives bit-identical totals. Per species s:
//!
//! - amounts (deposition, budget): `scale_amount = 2⁶⁰ / R_s`, with R_s the amount of s the
//!   sources release during the run, so a full release is 2⁶⁰ units (2⁶³ is the `i64` limit) and
//!   one unit is R_s·8.7·10⁻¹⁹;
//! - exposures (amount × seconds, summed into concentrations): `scale_exposure = 2⁶⁰ / (R_s·T)`
//!   with T the run duration, the most any cell can collect.
//!
//! Each particle's contribution is rounded to the nearest unit once, `round(x · scale)`. Budget
//! terms book what a process removed as `fx(before) − fx(after)`, so they telescope exactly in
//! integers: released = airborne + dry + wet + decayed + exited to the last unit.
//!
//! At the end of each output interval and of the run, [`close_interval`], [`DepositsSoFar`]
//! and [`close_run`] turn the sums into fields, alike for the CPU driver and the GPU backend.

use crate::field::{Fields, MassBudget};

/// 2⁶⁰: the number of units a species' whole release is worth.
pub const FULL_SCALE: f64 = 1_152_921_504_606_846_976.0;

/// Converts a non-negative amount to fixed point: `round(v · scale)`.
#[inline(always)]
pub fn fixed(v: f64, scale: f64) -> i64 {
    (v * scale + 0.5) as i64
}

/// The fixed-point scales of each species.
#[derive(Debug, Clone, PartialEq)]
pub struct Scales {
    /// Units per species unit (kg or Bq).
    pub amount: Vec<f64>,
    /// Units per species unit × second.
    pub exposure: Vec<f64>,
}

impl Scales {
    /// Scales for species releasing `released[s]` over a run of `duration_s`.
    pub fn new(released: &[f64], duration_s: f64) -> Self {
        let amount: Vec<f64> = released
            .iter()
            .map(|&r| if r > 0.0 { FULL_SCALE / r } else { 1.0 })
            .collect();
        let exposure = amount.iter().map(|a| a / duration_s.max(1.0)).collect();
        Scales { amount, exposure }
    }
}

/// The mass budget of one species in fixed-point units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FixedBudget {
    pub released: i64,
    pub dry: i64,
    pub wet: i64,
    pub decayed: i64,
    pub exited: i64,
}

impl FixedBudget {
    fn add(&mut self, o: &FixedBudget) {
        self.released += o.released;
        self.dry += o.dry;
        self.wet += o.wet;
        self.decayed += o.decayed;
        self.exited += o.exited;
    }

    /// The budget in species units, with the airborne amount `airborne` (fixed point).
    pub fn to_budget(&self, airborne: i64, scale: f64) -> MassBudget {
        MassBudget {
            released: self.released as f64 / scale,
            airborne: airborne as f64 / scale,
            dry_deposited: self.dry as f64 / scale,
            wet_deposited: self.wet as f64 / scale,
            decayed: self.decayed as f64 / scale,
            exited: self.exited as f64 / scale,
        }
    }
}

/// One worker's accumulators.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// Exposure in the current output interval, indexed `[species][layer][y][x]`.
    pub exposure: Vec<i64>,
    /// The same exposure at the images of the exposure tally (the meander over the release,
    /// [`super::meander::MeanderConfig::exposure`]); empty where the run keeps one tally.
    pub exposure_long: Vec<i64>,
    /// Dry deposition over the run, indexed `[species][y][x]`.
    pub dry: Vec<i64>,
    /// Wet deposition over the run, indexed `[species][y][x]`.
    pub wet: Vec<i64>,
    pub budget: Vec<FixedBudget>,
    /// Langevin sub-steps taken.
    pub sub_steps: u64,
}

impl Tally {
    /// Zero accumulators for `n_species` on a grid of `n_layers × n_cells` cells, with the
    /// exposure tally's grid where `long` says.
    pub fn new(n_species: usize, n_layers: usize, n_cells: usize, long: bool) -> Self {
        let n = n_species * n_layers * n_cells;
        Tally {
            exposure: vec![0; n],
            exposure_long: vec![0; if long { n } else { 0 }],
            dry: vec![0; n_species * n_cells],
            wet: vec![0; n_species * n_cells],
            budget: vec![FixedBudget::default(); n_species],
            sub_steps: 0,
        }
    }

    /// Adds `other` into `self`, element by element.
    pub fn absorb(&mut self, other: &Tally) {
        let add = |a: &mut [i64], b: &[i64]| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        add(&mut self.exposure, &other.exposure);
        add(&mut self.exposure_long, &other.exposure_long);
        add(&mut self.dry, &other.dry);
        add(&mut self.wet, &other.wet);
        self.budget
            .iter_mut()
            .zip(&other.budget)
            .for_each(|(a, b)| a.add(b));
        self.sub_steps += other.sub_steps;
    }

    /// The dry and the wet deposits of `tallies` so far, summed (species × cell).
    pub fn deposits(tallies: &[Tally]) -> (Vec<i64>, Vec<i64>) {
        let n = tallies.first().map_or(0, |t| t.dry.len());
        let (mut dry, mut wet) = (vec![0i64; n], vec![0i64; n]);
        for t in tallies {
            dry.iter_mut().zip(&t.dry).for_each(|(a, b)| *a += b);
            wet.iter_mut().zip(&t.wet).for_each(|(a, b)| *a += b);
        }
        (dry, wet)
    }

    /// Sums the exposure of `tallies`, and of their exposure tally (`None` where there is
    /// none), and zeroes both there (end of an output interval).
    pub fn take_exposure(tallies: &mut [Tally]) -> (Vec<i64>, Option<Vec<i64>>) {
        let take = |tallies: &mut [Tally], grid: fn(&mut Tally) -> &mut Vec<i64>| {
            let mut sum = vec![0i64; tallies.first_mut().map_or(0, |t| grid(t).len())];
            for t in tallies.iter_mut() {
                let g = grid(t);
                sum.iter_mut().zip(g.iter()).for_each(|(a, b)| *a += b);
                g.fill(0);
            }
            sum
        };
        let sum = take(tallies, |t| &mut t.exposure);
        let long = take(tallies, |t| &mut t.exposure_long);
        (sum, (!long.is_empty()).then_some(long))
    }
}

/// Closes the run: turns the fixed-point totals — exposure (species × layer × cell) and dry and
/// wet deposits (species × cell) — into time-integrated layer-mean concentrations and deposits
/// per unit area. Shared by the CPU driver and the GPU backend so both normalise identically.
pub fn close_run(
    fields: &mut Fields,
    scales: &Scales,
    exposure_total: &[i64],
    dry: &[i64],
    wet: &[i64],
) {
    let grid = &fields.grid;
    let (nz, n_cells, area) = (grid.nz(), grid.nx * grid.ny, grid.cell_area_m2());
    let depths: Vec<f64> = grid.layers.iter().map(|l| l.top_m - l.bottom_m).collect();
    for (s, f) in fields.species.iter_mut().enumerate() {
        for (k, depth) in depths.iter().enumerate() {
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
    }
}

/// The fixed-point dry and wet deposits (species × cell) up to the last output interval closed.
/// Shared by the CPU driver and the GPU backend so both book the intervals identically.
pub struct DepositsSoFar {
    dry: Vec<i64>,
    wet: Vec<i64>,
}

impl DepositsSoFar {
    /// Nothing deposited yet on `n` species × cells.
    pub fn new(n: usize) -> Self {
        DepositsSoFar {
            dry: vec![0; n],
            wet: vec![0; n],
        }
    }

    /// Closes output interval `n` given the deposits up to its end, `dry` and `wet`: books
    /// their growth since the last interval as the interval's deposit per unit area.
    pub fn close_interval(
        &mut self,
        fields: &mut Fields,
        scales: &Scales,
        n: usize,
        dry: Vec<i64>,
        wet: Vec<i64>,
    ) {
        let n_cells = fields.grid.nx * fields.grid.ny;
        let area = fields.grid.cell_area_m2();
        for (s, f) in fields.species.iter_mut().enumerate() {
            let Some(by) = &mut f.deposition_by_interval else {
                continue;
            };
            let norm = 1.0 / (scales.amount[s] * area);
            let cells = s * n_cells..(s + 1) * n_cells;
            for (out, (now, before)) in [
                (&mut by.dry, (&dry, &self.dry)),
                (&mut by.wet, (&wet, &self.wet)),
            ] {
                let mut view = out.slice_mut(ndarray::s![n, .., ..]);
                for (v, (a, b)) in view
                    .iter_mut()
                    .zip(now[cells.clone()].iter().zip(&before[cells.clone()]))
                {
                    *v = (a - b) as f64 * norm;
                }
            }
        }
        (self.dry, self.wet) = (dry, wet);
    }
}

/// Closes output interval `n`: turns the fixed-point exposure sums of the interval
/// (species × layer × cell) into interval-mean concentrations (layer mean: exposure over
/// interval × cell area × layer depth), and those of the exposure tally, where the run keeps
/// one (`long`), into the exposure series
/// ([`crate::field::SpeciesFields::exposure_concentration`]); adds the exposure tally's sums,
/// or the interval's where there is none, to the run's total exposure. Shared by the CPU
/// driver and the GPU backend so both normalise identically.
pub fn close_interval(
    fields: &mut Fields,
    scales: &Scales,
    n: usize,
    sum: &[i64],
    long: Option<&[i64]>,
    exposure_total: &mut [i64],
) {
    let grid = &fields.grid;
    let (nz, n_cells) = (grid.nz(), grid.nx * grid.ny);
    let len_s = grid.times_s[n] - grid.interval_start_s(n);
    let norms: Vec<f64> = (0..fields.species.len())
        .flat_map(|s| {
            grid.layers.iter().map(move |l| {
                1.0 / (scales.exposure[s] * len_s * grid.cell_area_m2() * (l.top_m - l.bottom_m))
            })
        })
        .collect();
    let dim = (grid.nt(), nz, grid.ny, grid.nx);
    for (s, f) in fields.species.iter_mut().enumerate() {
        let mut series = [Some(&mut f.concentration), None];
        if long.is_some() {
            series[1] = Some(
                f.exposure_concentration
                    .get_or_insert_with(|| ndarray::Array4::zeros(dim)),
            );
        }
        for (out, sums) in series.into_iter().zip([Some(sum), long]) {
            let (Some(out), Some(sums)) = (out, sums) else {
                continue;
            };
            for k in 0..nz {
                let norm = norms[s * nz + k];
                let mut view = out.slice_mut(ndarray::s![n, k, .., ..]);
                for (c, v) in view.iter_mut().enumerate() {
                    *v = sums[(s * nz + k) * n_cells + c] as f64 * norm;
                }
            }
        }
    }
    exposure_total
        .iter_mut()
        .zip(long.unwrap_or(sum))
        .for_each(|(a, b)| *a += b);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_release_is_two_to_the_sixty_units_at_any_magnitude() {
        for released in [1.0e-9, 1.0, 3.7e12, 1.0e20] {
            let scales = Scales::new(&[released], 43_200.0);
            let full = fixed(released, scales.amount[0]);
            // f64 carries 53 bits, so 2⁶⁰ is reached to within 2⁸ units.
            assert!(
                (full as f64 / FULL_SCALE - 1.0).abs() < 1e-15,
                "{released}: {full}"
            );
            // Exposure over the whole run also fits: R·T is again 2⁶⁰ units.
            let e = fixed(released * 43_200.0, scales.exposure[0]) as f64;
            assert!((e / FULL_SCALE - 1.0).abs() < 1e-15);
        }
    }
}
