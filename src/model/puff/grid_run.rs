//! The puff model's run over a grid: steps a [`PuffRun`] through each output interval and
//! accumulates its sampled segments into interval-mean and time-integrated fields.

use super::{Accumulator, Bounds, PuffRun, Setup};
use crate::field::{Fields, GridSpec};
use crate::geo::TransverseMercator;
use crate::met::Meteorology;
use crate::source::Source;
use crate::substance::Species;

/// The result of a puff run.
#[derive(Debug, Clone)]
pub struct PuffOutput {
    pub fields: Fields,
    pub warnings: Vec<String>,
}

/// Runs the puff model over the grid: interval-mean and time-integrated concentrations of
/// every species and their mass budgets.
pub fn run(
    sources: &[Source],
    species: &[Species],
    met: &dyn Meteorology,
    grid: &GridSpec,
    tm: &TransverseMercator,
    setup: &Setup,
    run_end_s: f64,
) -> PuffOutput {
    let heights: Vec<f64> = grid
        .layers
        .iter()
        .map(|l| setup.receptor_height_m.unwrap_or(l.mid_m()))
        .collect();
    let half = 0.5 * grid.dx_m;
    let bounds = Bounds {
        x_min_m: grid.x0_m - half,
        x_max_m: grid.x_m(grid.nx - 1) + half,
        y_min_m: grid.y0_m - half,
        y_max_m: grid.y_m(grid.ny - 1) + half,
    };
    let mut puff_run = PuffRun::new(sources, species, met, tm, setup.clone(), heights, bounds);
    let (nz, nsp) = (grid.nz(), species.len());
    let mut acc = Accumulator::new(grid.nx, grid.ny, nz, nsp, grid.x0_m, grid.y0_m, grid.dx_m);
    let mut fields = Fields::zeros_by_interval(grid.clone(), species);
    for n in 0..grid.nt() {
        let (a, b) = (grid.interval_start_s(n), grid.times_s[n].min(run_end_s));
        acc.clear();
        let mut t = a;
        while t < b - 1e-9 * b.max(1.0) {
            let dt = setup.time_step_s.min(b - t);
            let segments = puff_run.step(dt);
            acc.add(&segments);
            t += dt;
        }
        let width = grid.times_s[n] - a;
        for (s, f) in fields.species.iter_mut().enumerate() {
            for k in 0..nz {
                for j in 0..grid.ny {
                    for i in 0..grid.nx {
                        let v = acc.data[acc.index(s, k, j, i)];
                        f.concentration[[n, k, j, i]] = v / width;
                        f.time_integrated[[k, j, i]] += v;
                    }
                }
            }
            for j in 0..grid.ny {
                for i in 0..grid.nx {
                    let dry = acc.ground[acc.ground_index(s, 0, j, i)];
                    let wet = acc.ground[acc.ground_index(s, 1, j, i)];
                    f.book_deposit(n, j, i, dry, wet);
                }
            }
        }
    }
    for (f, b) in fields.species.iter_mut().zip(puff_run.budget()) {
        f.budget = Some(b);
    }
    PuffOutput {
        fields,
        warnings: puff_run.warnings().to_vec(),
    }
}
