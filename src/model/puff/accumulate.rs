//! The grid the puffs are sampled onto: each output interval's time-integrated concentration
//! and deposits, summed segment by segment ([`super::sample`]).

use rayon::prelude::*;

use super::sample::{Sampler, Segment, NARROW_CELLS};

/// Time-integrated concentration accumulated over one output interval, `[j][species][k][i]`.
#[derive(Debug, Clone)]
pub struct Accumulator {
    pub nx: usize,
    pub ny: usize,
    pub nz: usize,
    pub nsp: usize,
    pub x0_m: f64,
    pub y0_m: f64,
    pub dx_m: f64,
    pub data: Vec<f64>,
    /// Deposition density over the interval, `[j][species][dry, wet][i]` (species unit m⁻²).
    pub ground: Vec<f64>,
}

impl Accumulator {
    pub fn new(
        nx: usize,
        ny: usize,
        nz: usize,
        nsp: usize,
        x0_m: f64,
        y0_m: f64,
        dx_m: f64,
    ) -> Self {
        Accumulator {
            nx,
            ny,
            nz,
            nsp,
            x0_m,
            y0_m,
            dx_m,
            data: vec![0.0; nx * ny * nz * nsp],
            ground: vec![0.0; nx * ny * 2 * nsp],
        }
    }

    /// Index of (species, layer, row, column).
    #[inline]
    pub fn index(&self, s: usize, k: usize, j: usize, i: usize) -> usize {
        ((j * self.nsp + s) * self.nz + k) * self.nx + i
    }

    /// Adds the segments, rows in parallel and segments in order within each row, so the sums do
    /// not depend on the number of threads.
    pub fn add(&mut self, segments: &[Segment]) {
        let (nx, nz, nsp) = (self.nx, self.nz, self.nsp);
        let (x0, y0, dx) = (self.x0_m, self.y0_m, self.dx_m);
        // A concentration is the cell's mean where the puff is narrower than [`NARROW_CELLS`]
        // cells ([`Sampler::cells`]), else the value at the centre. Deposits are laid down the
        // same way, so that a cell's deposit is where the air it came from was (dry deposition
        // ∝ the cell's time-integrated concentration) and their sum over cells keeps their
        // mass (exactly for a stationary puff, to ~1e-3 for a moving one narrower than a cell).
        // Each row visits only the cells a segment can reach ([`Sampler::row_span`]).
        let samplers: Vec<Sampler> = segments
            .iter()
            .map(|seg| {
                if seg.sigma_along_m.min(seg.sigma_y_m) < NARROW_CELLS * dx {
                    Sampler::cells(seg, dx)
                } else {
                    Sampler::points(seg, seg.sigma_along_m, seg.sigma_y_m)
                }
            })
            .collect();
        self.data
            .par_chunks_mut(nsp * nz * nx)
            .zip(self.ground.par_chunks_mut(nsp * 2 * nx))
            .enumerate()
            .for_each(|(j, (row, ground))| {
                let y = y0 + j as f64 * dx;
                for (seg, sampler) in segments.iter().zip(&samplers) {
                    let Some((xa, xb)) = sampler.row_span(y) else {
                        continue;
                    };
                    let i0 = ((xa - x0) / dx).ceil().max(0.0) as usize;
                    let i1 = (((xb - x0) / dx).floor().min(nx as f64 - 1.0)).max(-1.0);
                    if i1 < 0.0 {
                        continue;
                    }
                    let deposits = seg.deposits();
                    for i in i0..=(i1 as usize) {
                        let x = x0 + i as f64 * dx;
                        let hz = sampler.value(x, y);
                        if hz == 0.0 {
                            continue;
                        }
                        for (k, &v) in seg.vertical_per_m.iter().enumerate() {
                            let cap = seg
                                .ceiling
                                .map_or(1.0, |c| c.factor(x, y, hz * v, seg.duration_s));
                            for (s, &m) in seg.mass.iter().enumerate() {
                                if m != 0.0 {
                                    row[(s * nz + k) * nx + i] += m * hz * v * cap;
                                }
                            }
                        }
                        if deposits {
                            let per_m2 = hz / seg.duration_s;
                            for s in 0..nsp {
                                ground[(s * 2) * nx + i] += seg.dry[s] * per_m2;
                                ground[(s * 2 + 1) * nx + i] += seg.wet[s] * per_m2;
                            }
                        }
                    }
                }
            });
    }

    pub fn clear(&mut self) {
        self.data.iter_mut().for_each(|v| *v = 0.0);
        self.ground.iter_mut().for_each(|v| *v = 0.0);
    }

    /// Index of (species, dry 0 / wet 1, row, column) in `ground`.
    #[inline]
    pub fn ground_index(&self, s: usize, wet: usize, j: usize, i: usize) -> usize {
        ((j * self.nsp + s) * 2 + wet) * self.nx + i
    }
}
