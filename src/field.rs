//! The output grid and the fields that accumulate on it.
//!
//! Cells are centred on `x_m[i]`, `y_m[j]` in the local frame; layer `k` spans
//! `layers[k].bottom_m..top_m` above ground. Output time `n` is the *end* of the averaging
//! interval `[times_s[n] − interval, times_s[n]]`; concentrations are means over that interval.

use ndarray::{Array2, Array3, Array4};

use crate::scenario::{Layer, Scenario};
use crate::substance::Species;

/// The geometry of the output grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridSpec {
    pub nx: usize,
    pub ny: usize,
    /// x of the first (westmost) cell centre (m).
    pub x0_m: f64,
    /// y of the first (southmost) cell centre (m).
    pub y0_m: f64,
    /// Cell size (m), the same east–west and south–north.
    pub dx_m: f64,
    pub layers: Vec<Layer>,
    /// End of each averaging interval (s since the scenario start).
    pub times_s: Vec<f64>,
    pub interval_s: f64,
}

/// The number of cells of `resolution_m` that cover `extent_m` (at least one): the grid reaches
/// at least as far as the extent, so every source validated inside the extent is on the grid.
/// (Rounding instead left up to half a cell of the extent off each side: a source 1.8 km east
/// in a 4 km extent of 3 km cells was accepted and fell off a 3 km grid.)
pub fn cells_covering(extent_m: f64, resolution_m: f64) -> usize {
    // The factor keeps an exact multiple, rounded up by a bit, at its count.
    ((extent_m / resolution_m) * (1.0 - 1e-12)).ceil().max(1.0) as usize
}

impl GridSpec {
    /// Builds the grid of a scenario: cells of `resolution_m` covering the extent
    /// ([`cells_covering`]), centred on the domain centre; output times every
    /// `output_interval_s` up to the end (the last interval may be shorter).
    pub fn from_scenario(s: &Scenario) -> Self {
        let d = &s.domain;
        let nx = cells_covering(d.extent_m[0], d.resolution_m);
        let ny = cells_covering(d.extent_m[1], d.resolution_m);
        let mut times_s = vec![];
        let mut t = d.output_interval_s;
        while t < s.duration_s - 1e-9 * s.duration_s {
            times_s.push(t);
            t += d.output_interval_s;
        }
        times_s.push(s.duration_s);
        GridSpec {
            nx,
            ny,
            x0_m: -(nx as f64 - 1.0) / 2.0 * d.resolution_m,
            y0_m: -(ny as f64 - 1.0) / 2.0 * d.resolution_m,
            dx_m: d.resolution_m,
            layers: d.layers.clone(),
            times_s,
            interval_s: d.output_interval_s,
        }
    }

    pub fn nz(&self) -> usize {
        self.layers.len()
    }

    pub fn nt(&self) -> usize {
        self.times_s.len()
    }

    /// Cell-centre x (m) of column `i`.
    pub fn x_m(&self, i: usize) -> f64 {
        self.x0_m + i as f64 * self.dx_m
    }

    /// Cell-centre y (m) of row `j`.
    pub fn y_m(&self, j: usize) -> f64 {
        self.y0_m + j as f64 * self.dx_m
    }

    /// Start of averaging interval `n` (s).
    pub fn interval_start_s(&self, n: usize) -> f64 {
        if n == 0 {
            0.0
        } else {
            self.times_s[n - 1]
        }
    }

    /// The shares of a deposit made at a constant rate from `on_s` to `off_s` that fall in each
    /// output interval, counting only `[0, run_end_s]`: `(interval, share)` for the intervals it
    /// touches, the shares summing to 1 (none when nothing of it is inside the run).
    pub fn interval_shares(&self, on_s: f64, off_s: f64, run_end_s: f64) -> Vec<(usize, f64)> {
        let overlap =
            |a: f64, b: f64| (b.min(off_s).min(run_end_s) - a.max(on_s).max(0.0)).max(0.0);
        let total = overlap(0.0, run_end_s);
        if total <= 0.0 {
            return vec![];
        }
        (0..self.nt())
            .filter_map(|n| {
                let share = overlap(self.interval_start_s(n), self.times_s[n]) / total;
                (share > 0.0).then_some((n, share))
            })
            .collect()
    }

    /// The column and row of the cell holding (x, y), if inside the grid.
    pub fn cell_of(&self, x_m: f64, y_m: f64) -> Option<(usize, usize)> {
        let fi = ((x_m - self.x0_m) / self.dx_m + 0.5).floor();
        let fj = ((y_m - self.y0_m) / self.dx_m + 0.5).floor();
        (fi >= 0.0 && fj >= 0.0 && (fi as usize) < self.nx && (fj as usize) < self.ny)
            .then_some((fi as usize, fj as usize))
    }

    /// Cell area (m²).
    pub fn cell_area_m2(&self) -> f64 {
        self.dx_m * self.dx_m
    }
}

/// The fields of one species.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeciesFields {
    pub species: Species,
    /// Interval-mean air concentration [time, layer, y, x] (unit m⁻³, unit = kg or Bq).
    pub concentration: Array4<f64>,
    /// The interval means again with the plume as wide as the exposure's averaging time sets
    /// it, where that differs from the interval's: the particle model's meander over the
    /// release (or the AEGL duration) rather than the interval
    /// ([`crate::model::lagrangian::meander`]). `None` where `concentration` serves both;
    /// read through [`SpeciesFields::exposure_series`].
    pub exposure_concentration: Option<Array4<f64>>,
    /// Time-integrated air concentration over the run [layer, y, x] (unit s m⁻³), from the
    /// exposure series.
    pub time_integrated: Array3<f64>,
    /// Dry deposition accumulated over the run [y, x] (unit m⁻²); zero for a species that does not deposit.
    pub dry_deposition: Array2<f64>,
    /// Wet deposition accumulated over the run [y, x] (unit m⁻²); zero without washout.
    pub wet_deposition: Array2<f64>,
    /// What was deposited during each output interval, where the model says it (every model
    /// does); `None` in fields built from run totals alone.
    pub deposition_by_interval: Option<IntervalDeposition>,
    /// Where the released amount went, for models that track it.
    pub budget: Option<MassBudget>,
}

impl SpeciesFields {
    /// The interval-mean concentrations that exposures, doses and zones are judged from
    /// [time, layer, y, x]: `exposure_concentration` where the model keeps it, else
    /// `concentration`.
    pub fn exposure_series(&self) -> &Array4<f64> {
        self.exposure_concentration
            .as_ref()
            .unwrap_or(&self.concentration)
    }

    /// Adds a dry and a wet deposit (m⁻²) made during output interval `n` in cell (j, i) to the
    /// run's totals and, where the fields keep them, to the interval's.
    pub fn book_deposit(&mut self, n: usize, j: usize, i: usize, dry: f64, wet: f64) {
        self.dry_deposition[[j, i]] += dry;
        self.wet_deposition[[j, i]] += wet;
        if let Some(by) = &mut self.deposition_by_interval {
            by.dry[[n, j, i]] += dry;
            by.wet[[n, j, i]] += wet;
        }
    }
}

/// Dry and wet deposition of one species during each output interval [time, y, x]
/// (unit m⁻²): interval n holds what reached the ground between `interval_start_s(n)` and
/// `times_s[n]`, so the sum over n is the run's `dry_deposition` and `wet_deposition`.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalDeposition {
    pub dry: Array3<f64>,
    pub wet: Array3<f64>,
}

impl IntervalDeposition {
    /// Zero deposits on `grid`.
    pub fn zeros(grid: &GridSpec) -> Self {
        let shape = (grid.nt(), grid.ny, grid.nx);
        IntervalDeposition {
            dry: Array3::zeros(shape),
            wet: Array3::zeros(shape),
        }
    }
}

/// Where the released amount of one species went by the end of the run (species unit).
///
/// Terms telescope: each process records what it removed as `before − after`, so
/// `released = airborne + dry_deposited + wet_deposited + decayed + exited` holds to rounding.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct MassBudget {
    pub released: f64,
    pub airborne: f64,
    pub dry_deposited: f64,
    pub wet_deposited: f64,
    pub decayed: f64,
    /// Carried out of the domain (horizontally or through the top).
    pub exited: f64,
}

impl MassBudget {
    /// released − (airborne + deposited + decayed + exited), relative to released.
    pub fn relative_imbalance(&self) -> f64 {
        let out =
            self.airborne + self.dry_deposited + self.wet_deposited + self.decayed + self.exited;
        if self.released == 0.0 {
            out.abs()
        } else {
            (self.released - out) / self.released
        }
    }
}

/// Everything a model run produces on the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Fields {
    pub grid: GridSpec,
    pub species: Vec<SpeciesFields>,
}

impl Fields {
    /// Zero fields for each species, with no interval deposits (see [`Fields::zeros_by_interval`]).
    pub fn zeros(grid: GridSpec, species: &[Species]) -> Self {
        let (nt, nz, ny, nx) = (grid.nt(), grid.nz(), grid.ny, grid.nx);
        let species = species
            .iter()
            .map(|s| SpeciesFields {
                species: s.clone(),
                concentration: Array4::zeros((nt, nz, ny, nx)),
                exposure_concentration: None,
                time_integrated: Array3::zeros((nz, ny, nx)),
                dry_deposition: Array2::zeros((ny, nx)),
                wet_deposition: Array2::zeros((ny, nx)),
                deposition_by_interval: None,
                budget: None,
            })
            .collect();
        Fields { grid, species }
    }

    /// Zero fields for each species, with zero deposits for every output interval: what a model
    /// starts from.
    pub fn zeros_by_interval(grid: GridSpec, species: &[Species]) -> Self {
        let mut fields = Fields::zeros(grid, species);
        for f in &mut fields.species {
            f.deposition_by_interval = Some(IntervalDeposition::zeros(&fields.grid));
        }
        fields
    }
}
