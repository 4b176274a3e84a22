//! The horizontal grid of flow columns a met time is tabulated on: spatially varying weather
//! (stations, gridded fields) gives each particle the [`Column`] nearest to it; uniform weather
//! one column for all.

use rayon::prelude::*;

use super::column::Column;
use crate::met::Meteorology;

/// Spacing limits (m) of the column grid: finer than 2 km adds columns the met cannot resolve
/// (station and gridded inputs are tens of km apart); coarser than 50 km misses fronts.
pub const COLUMN_SPACING_RANGE_M: (f64, f64) = (2_000.0, 50_000.0);
/// At most this many columns along each axis (32 × 32 × 1025 levels × 48 B = 50 MB).
pub const MAX_COLUMNS_PER_AXIS: usize = 32;

/// A horizontal grid of columns (row-major, `j · nx + i`) at `(x0 + i·s, y0 + j·s)`: each
/// particle sub-step reads the column nearest to the particle, the edge column beyond the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnGrid {
    pub columns: Vec<Column>,
    pub nx: usize,
    pub ny: usize,
    /// Position (m) of column (0, 0).
    pub x0_m: f32,
    pub y0_m: f32,
    /// 1 / column spacing (m⁻¹); 0 for a single column.
    pub inv_spacing_per_m: f32,
}

impl ColumnGrid {
    /// One column used everywhere.
    pub fn single(column: Column) -> Self {
        ColumnGrid {
            columns: vec![column],
            nx: 1,
            ny: 1,
            x0_m: 0.0,
            y0_m: 0.0,
            inv_spacing_per_m: 0.0,
        }
    }

    /// The columns of `met` at time `t_s` over the rectangle `[x_min, x_max] × [y_min, y_max]`
    /// (m): spaced at `met.horizontal_scale_m()` within [`COLUMN_SPACING_RANGE_M`], at most
    /// [`MAX_COLUMNS_PER_AXIS`] a side; the single column above (0, 0) for uniform met or met
    /// without a horizontal scale.
    pub fn from_met(met: &dyn Meteorology, bounds_m: [f64; 4], t_s: f64) -> Self {
        let [x_min, x_max, y_min, y_max] = bounds_m;
        let scale = match met.horizontal_scale_m() {
            Some(s) if !met.is_uniform() && s.is_finite() && s > 0.0 => s,
            _ => return ColumnGrid::single(Column::from_met(met, 0.0, 0.0, t_s)),
        };
        let spacing = scale.clamp(COLUMN_SPACING_RANGE_M.0, COLUMN_SPACING_RANGE_M.1);
        let count =
            |extent: f64| ((extent / spacing).ceil() as usize + 1).clamp(1, MAX_COLUMNS_PER_AXIS);
        let extent = (x_max - x_min).max(y_max - y_min).max(0.0);
        let n = count(extent);
        if n == 1 {
            return ColumnGrid::single(Column::from_met(met, 0.0, 0.0, t_s));
        }
        let spacing = extent / (n - 1) as f64;
        let (cx, cy) = (0.5 * (x_min + x_max), 0.5 * (y_min + y_max));
        let half = 0.5 * extent;
        let (x0, y0) = (cx - half, cy - half);
        let columns = (0..n * n)
            .into_par_iter()
            .map(|c| {
                let (i, j) = (c % n, c / n);
                Column::from_met(met, x0 + i as f64 * spacing, y0 + j as f64 * spacing, t_s)
            })
            .collect();
        ColumnGrid {
            columns,
            nx: n,
            ny: n,
            x0_m: x0 as f32,
            y0_m: y0 as f32,
            inv_spacing_per_m: (1.0 / spacing) as f32,
        }
    }

    /// Index of the column nearest to (x, y), clamped to the grid (twin: `column_index` in
    /// `shaders/langevin.wgsl`).
    #[inline(always)]
    pub fn index(&self, x_m: f32, y_m: f32) -> usize {
        let axis = |v: f32, v0: f32, n: usize| -> usize {
            // `max` before `min` maps NaN to 0 as well; the value is then exact as an integer.
            let f = ((v - v0) * self.inv_spacing_per_m + 0.5)
                .max(0.0)
                .min((n - 1) as f32);
            f as usize
        };
        axis(y_m, self.y0_m, self.ny) * self.nx + axis(x_m, self.x0_m, self.nx)
    }

    /// The column nearest to (x, y).
    #[inline(always)]
    pub fn at(&self, x_m: f32, y_m: f32) -> &Column {
        &self.columns[self.index(x_m, y_m)]
    }

    /// True when any column has precipitation.
    pub fn raining(&self) -> bool {
        self.columns.iter().any(|c| c.precipitation_mm_h > 0.0)
    }
}
