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

use crate::field::MassBudget;

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
    /// Dry deposition over the run, indexed `[species][y][x]`.
    pub dry: Vec<i64>,
    /// Wet deposition over the run, indexed `[species][y][x]`.
    pub wet: Vec<i64>,
    pub budget: Vec<FixedBudget>,
    /// Langevin sub-steps taken.
    pub sub_steps: u64,
}

impl Tally {
    /// Zero accumulators for `n_species` on a grid of `n_layers × n_cells` cells.
    pub fn new(n_species: usize, n_layers: usize, n_cells: usize) -> Self {
        Tally {
            exposure: vec![0; n_species * n_layers * n_cells],
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
        add(&mut self.dry, &other.dry);
        add(&mut self.wet, &other.wet);
        self.budget
            .iter_mut()
            .zip(&other.budget)
            .for_each(|(a, b)| a.add(b));
        self.sub_steps += other.sub_steps;
    }

    /// Sums the exposure of `tallies` and zeroes it there (end of an output interval).
    pub fn take_exposure(tallies: &mut [Tally]) -> Vec<i64> {
        let mut sum = vec![0i64; tallies.first().map_or(0, |t| t.exposure.len())];
        for t in tallies.iter_mut() {
            sum.iter_mut().zip(&t.exposure).for_each(|(a, b)| *a += b);
            t.exposure.fill(0);
        }
        sum
    }
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
