//! The Gaussian plume model: steady plumes from each source under uniform meteorology, switched
//! on and off along each receptor's travel time, superposed over sources, and decayed along the
//! travel time.
//!
//! Each output value is the mean over its averaging interval: a receptor at downwind distance x
//! sees the plume released between `start` and `end` during `[start + x/u, end + x/u]`, so the
//! interval mean is the steady value times the overlap fraction, and the time integral is the
//! steady value times the whole overlap with the run. Radioactive species are multiplied by
//! exp(−λ·x/u). The transport speed u is the wind at max(H, z_ref): the Pasquill–Gifford and
//! Briggs curves were fit with the wind measured near the surface (Turner 1970), and an elevated
//! plume moves with the wind at its own height.
//!
//! A release that deposits (a dry deposition velocity, or washout in rain) is depleted along the
//! plume by what it has deposited, and its dry and wet deposition are accumulated over the run
//! ([`removal`]).

pub mod cell_mean;
pub mod crosswind;
pub mod dense;
pub mod kernel;
pub mod plume;
pub mod removal;
pub mod sigma;

use rayon::prelude::*;

use crate::field::{Fields, GridSpec};
use crate::geo::TransverseMercator;
use crate::met::boundary_layer::CALM_WIND_M_S;
use crate::met::UniformMet;
use crate::scenario::{SigmaScheme, Terrain};
use crate::source::plume_rise::RiseInputs;
use crate::source::Source;
use crate::substance::Species;
pub use plume::{concentration_per_rate, vertical_factor};
pub use sigma::Sigmas;

/// One source's plume, set up for evaluation in the local frame.
#[derive(Debug, Clone, PartialEq)]
pub struct PlumeGeometry {
    /// Source position (m, local frame).
    pub x_m: f64,
    pub y_m: f64,
    /// Unit vector the wind blows towards (east, north).
    pub downwind: (f64, f64),
    /// Transport speed (m/s).
    pub u_m_s: f64,
    pub sigmas: Sigmas,
    /// Mixing height (m), reflecting the plume.
    pub lid_m: Option<f64>,
    /// Physical release height (m).
    pub stack_height_m: f64,
    /// Plume-rise inputs for stacks with exit conditions.
    pub rise: Option<RiseInputs>,
    /// Reported at ground level in every layer (a dense-gas plume, [`dense`]).
    pub ground_level: bool,
    /// Settling velocity of the source's particles (m/s; 0 for a gas): the plume's axis
    /// descends by v_s·x/u ([`Self::effective_height_m`]).
    pub settling_velocity_m_s: f64,
}

impl PlumeGeometry {
    /// Sets up the plume of `source` in `met`, located through `tm`.
    pub fn new(
        source: &Source,
        met: &UniformMet,
        scheme: SigmaScheme,
        terrain: Terrain,
        tm: &TransverseMercator,
    ) -> Self {
        let (x_m, y_m) = tm.forward(source.location);
        let bl = met.boundary_layer;
        let rise = source.stack.map(|stack| RiseInputs {
            stack,
            air_temperature_k: met.air_temperature_k,
            wind_m_s: met.wind_speed_at_m_s(source.height_m.max(met.reference_height_m.min(10.0))),
            stability: bl.stability,
        });
        // The rise starts from the stack height lowered by any stack-tip downwash.
        let stack_height_m =
            source.height_m + rise.map_or(0.0, |r| r.stack_tip_downwash_m(source.height_m));
        let h_final = stack_height_m + rise.map_or(0.0, |r| r.final_rise_m());
        let u_m_s = met
            .wind_speed_at_m_s(h_final.max(met.reference_height_m))
            .max(CALM_WIND_M_S);
        PlumeGeometry {
            x_m,
            y_m,
            downwind: met.wind_direction_unit(),
            u_m_s,
            sigmas: match rise {
                // A plume that rises spreads by its own buoyancy as well (BID).
                Some(rise) if rise.final_rise_m() > 0.0 => Sigmas::Rising {
                    passive: Sigmas::new(scheme, bl.stability, terrain).passive(),
                    rise,
                },
                _ => Sigmas::new(scheme, bl.stability, terrain),
            },
            lid_m: bl.gaussian_lid_m(),
            stack_height_m,
            rise,
            ground_level: false,
            settling_velocity_m_s: source.settling_velocity_in_m_s(met.air_temperature_k),
        }
    }

    /// The height (m) at which this plume is evaluated for a layer reported at `z_m`.
    #[inline(always)]
    pub fn receptor_height_m(&self, z_m: f64) -> f64 {
        if self.ground_level {
            0.0
        } else {
            z_m
        }
    }

    /// Effective plume height (m) at downwind distance `x_m`: the gradual, then final Briggs
    /// rise, less the settling of the source's particles over their travel time, v_s·x/u —
    /// the tilted plume of ISC3 and AERMOD for particles (US EPA 1995, ISC3 User's Guide
    /// vol. II §1.3.2; Csanady 1973 §7), which reaches the ground at x = u·h/v_s and then
    /// stays on it. With the dry deposition velocity, which includes v_s, the ground's flux
    /// v_d·C(x, y, 0) takes the settled mass out of the plume ([`removal`]).
    #[inline(always)]
    pub fn effective_height_m(&self, x_m: f64) -> f64 {
        let risen = self.stack_height_m + self.rise.map_or(0.0, |r| r.rise_at_m(x_m));
        if self.settling_velocity_m_s > 0.0 {
            (risen - self.settling_velocity_m_s * x_m.max(0.0) / self.u_m_s).max(0.0)
        } else {
            risen
        }
    }

    /// The height (m) the plume rises to, before any settling: whether it has penetrated the
    /// lid is judged on it.
    #[inline(always)]
    pub fn final_height_m(&self) -> f64 {
        self.stack_height_m + self.rise.map_or(0.0, |r| r.final_rise_m())
    }

    /// Downwind and crosswind coordinates (m) of a local point relative to the source.
    #[inline(always)]
    pub fn plume_frame(&self, x_m: f64, y_m: f64) -> (f64, f64) {
        let (dx, dy) = (x_m - self.x_m, y_m - self.y_m);
        let (ex, ey) = self.downwind;
        (dx * ex + dy * ey, -dx * ey + dy * ex)
    }

    /// Steady concentration per unit emission rate (s m⁻³) at a local point and height.
    #[inline(always)]
    pub fn concentration_per_rate(&self, x_m: f64, y_m: f64, z_m: f64) -> f64 {
        let (xd, yd) = self.plume_frame(x_m, y_m);
        concentration_per_rate(
            &self.sigmas,
            self.u_m_s,
            self.effective_height_m(xd),
            self.lid_m,
            xd,
            yd,
            self.receptor_height_m(z_m),
        )
    }

    /// Travel time (s) from the source to downwind distance `x_m`.
    #[inline(always)]
    pub fn travel_time_s(&self, x_m: f64) -> f64 {
        x_m / self.u_m_s
    }

    /// Steady concentration per unit rate (s m⁻³) of a species with decay constant `lambda_per_s`,
    /// decayed along the travel time: C·exp(−λ·x/u).
    pub fn decayed_concentration_per_rate(
        &self,
        x_m: f64,
        y_m: f64,
        z_m: f64,
        lambda_per_s: f64,
    ) -> f64 {
        let (xd, _) = self.plume_frame(x_m, y_m);
        self.concentration_per_rate(x_m, y_m, z_m)
            * decay_factor(lambda_per_s, self.travel_time_s(xd))
    }

    /// Fills `out[i]` with the steady concentration per unit rate at (x0 + i·dx, y, z): the hot
    /// loop, vectorised in [`kernel::fill_row`].
    pub fn fill_row(&self, y_m: f64, x0_m: f64, dx_m: f64, z_m: f64, out: &mut [f64]) {
        kernel::fill_row(self, y_m, x0_m, dx_m, self.receptor_height_m(z_m), out)
    }
}

/// Fills `out` (row-major, `ny` rows of `nx` cells centred at x0 + i·dx, y0 + j·dx) with the
/// steady concentration per unit rate summed over `plumes`, at height `z_m`, each cell's mean
/// over its area ([`cell_mean`]). Rows run in
/// parallel; each cell is computed on its own, so the result does not depend on threads.
pub fn steady_field(
    plumes: &[PlumeGeometry],
    nx: usize,
    x0_m: f64,
    y0_m: f64,
    dx_m: f64,
    z_m: f64,
    out: &mut [f64],
) {
    let wide: Vec<f64> = plumes
        .iter()
        .map(|p| cell_mean::wide_beyond_m(p, dx_m))
        .collect();
    out.par_chunks_mut(nx).enumerate().for_each_init(
        || vec![0.0; nx],
        |row, (j, dst)| {
            let y = y0_m + j as f64 * dx_m;
            dst.fill(0.0);
            for (p, &w) in plumes.iter().zip(&wide) {
                p.fill_row(y, x0_m, dx_m, z_m, row);
                cell_mean::refine_row(p, w, y, x0_m, dx_m, z_m, row);
                for (d, r) in dst.iter_mut().zip(row.iter()) {
                    *d += r;
                }
            }
        },
    );
}

/// Fraction exp(−λ·τ) of a species left after travel time `tau_s`.
#[inline(always)]
pub fn decay_factor(lambda_per_s: f64, tau_s: f64) -> f64 {
    if lambda_per_s == 0.0 {
        1.0
    } else {
        (-lambda_per_s * tau_s).exp()
    }
}

/// Length of the overlap of `[a0, a1]` and `[b0, b1]` (s).
#[inline(always)]
fn overlap_s(a0: f64, a1: f64, b0: f64, b1: f64) -> f64 {
    (a1.min(b1) - a0.max(b0)).max(0.0)
}

/// The removal of every release of every plume (`[plume][release]`), `None` for releases that do
/// not deposit; each depletion table reaches the farthest point of `grid` from its source — the
/// outer corner of a corner cell, not its centre (a table that stopped at the centres held the
/// plume undepleted across the outer half of the last cells, which got half their deposit).
pub fn removals(
    plumes: &[PlumeGeometry],
    sources: &[Source],
    met: &UniformMet,
    grid: &GridSpec,
) -> Vec<Vec<Option<removal::PlumeRemoval>>> {
    plumes
        .iter()
        .zip(sources)
        .map(|(p, src)| {
            let half = 0.5 * grid.dx_m;
            let (west, east) = (grid.x_m(0) - half, grid.x_m(grid.nx - 1) + half);
            let (south, north) = (grid.y_m(0) - half, grid.y_m(grid.ny - 1) + half);
            let corners = [(west, south), (east, south), (west, north), (east, north)];
            let x_max = corners
                .iter()
                .map(|&(x, y)| p.plume_frame(x, y).0)
                .fold(0.0, f64::max);
            src.releases
                .iter()
                .map(|r| {
                    let deposition =
                        src.deposition_settling_at(&r.deposition, p.settling_velocity_m_s);
                    removal::PlumeRemoval::new(p, &deposition, met.precipitation_mm_h, x_max)
                })
                .collect()
        })
        .collect()
}

/// Adds what plume `p` of `src` deposits over the run in the square cell of side `cell_m`
/// centred at (x, y) (local frame) to `dry[species]` and `wet[species]` (per m²): per release,
/// rate × the fraction lost over the cell ([`removal::PlumeRemoval::cell_losses`]) × decay ×
/// the time the plume is over the cell ÷ the cell's area. `add` also gets the window
/// `(on, off)` (s) over which the plume deposits there, at a constant rate (split it over the
/// output intervals with [`GridSpec::interval_shares`]).
#[allow(clippy::too_many_arguments)]
pub fn deposit_at(
    p: &PlumeGeometry,
    src: &Source,
    removals: &[Option<removal::PlumeRemoval>],
    lambdas: &[f64],
    (x_m, y_m): (f64, f64),
    cell_m: f64,
    run_end_s: f64,
    mut add: impl FnMut(usize, f64, f64, (f64, f64)),
) {
    let (xd, yd) = p.plume_frame(x_m, y_m);
    // A cell turned against the wind reaches half·(|ex| + |ey|) downwind of its centre.
    let (ex, ey) = p.downwind;
    if xd + 0.5 * cell_m * (ex.abs() + ey.abs()) <= 0.0 {
        return;
    }
    let tau = p.travel_time_s(xd.max(0.0));
    let time_s = overlap_s(0.0, run_end_s, src.start_s + tau, src.end_s() + tau);
    if time_s <= 0.0 {
        return;
    }
    let per_m2 = time_s / (cell_m * cell_m);
    let window = (src.start_s + tau, src.end_s() + tau);
    for (r, removal) in src.releases.iter().zip(removals) {
        let Some(removal) = removal else { continue };
        let (dry, wet) = removal.cell_losses(p, xd, yd, cell_m);
        if dry > 0.0 || wet > 0.0 {
            let amount = r.rate_per_s * decay_factor(lambdas[r.species], tau) * per_m2;
            add(r.species, dry * amount, wet * amount, window);
        }
    }
}

/// The fraction of release `r` of a plume still airborne at downwind distance `x_m`.
#[inline]
pub fn airborne_fraction(removals: &[Option<removal::PlumeRemoval>], r: usize, x_m: f64) -> f64 {
    removals[r].as_ref().map_or(1.0, |rm| rm.factor(x_m))
}

/// Choices of the Gaussian model beyond the meteorology.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setup {
    pub scheme: SigmaScheme,
    pub terrain: Terrain,
    /// Report every layer at this height instead of its mid-height.
    pub receptor_height_m: Option<f64>,
    /// Model the dense releases at grade with the Britter–McQuaid near field ([`dense`]).
    pub dense_gas: bool,
}

/// A warning for each source whose plume rises to or above the mixing lid (classes A–D; E and F
/// have none, [`crate::met::boundary_layer::BoundaryLayer::gaussian_lid_m`]): by the ISC3
/// convention the model then puts none of it below the lid, where the real plume may still
/// fumigate down.
pub fn penetration_warnings(
    sources: &[Source],
    met: &UniformMet,
    setup: &Setup,
    tm: &TransverseMercator,
) -> Vec<String> {
    sources
        .iter()
        .filter_map(|s| {
            let p = PlumeGeometry::new(s, met, setup.scheme, setup.terrain, tm);
            let (lid, h) = (p.lid_m?, p.final_height_m());
            (h >= lid).then(|| {
                if p.settling_velocity_m_s > 0.0 {
                    // Its particles settle back through the lid where the axis falls below it.
                    let back_m = p.u_m_s * (h - lid) / p.settling_velocity_m_s;
                    return format!(
                        "the plume of '{}' rises to {h:.0} m, at or above the {lid:.0} m mixing height (class {}): it has penetrated the lid, and the Gaussian plume and puffs put none of it below until its particles, settling at {:.3} m/s, bring its axis back under the lid {:.1} km downwind, where the real plume may mix down sooner",
                        s.name,
                        met.boundary_layer.stability.letter(),
                        p.settling_velocity_m_s,
                        back_m / 1000.0
                    );
                }
                format!(
                    "the plume of '{}' rises to {h:.0} m, at or above the {lid:.0} m mixing height (class {}): it has penetrated the lid, and the Gaussian plume and puffs put none of it below (the ISC3 convention; it stays in the layers above the lid), where the real plume may still mix down",
                    s.name,
                    met.boundary_layer.stability.letter()
                )
            })
        })
        .collect()
}

/// Runs the Gaussian plume model over the grid: interval-mean concentration and time-integrated
/// concentration for every species, summed over sources. Rows are computed in parallel, each
/// cell independently, so the result does not depend on the number of threads.
pub fn run(
    sources: &[Source],
    species: &[Species],
    met: &UniformMet,
    grid: &GridSpec,
    tm: &TransverseMercator,
    setup: &Setup,
    run_end_s: f64,
) -> Fields {
    let mut plumes: Vec<PlumeGeometry> = sources
        .iter()
        .map(|s| PlumeGeometry::new(s, met, setup.scheme, setup.terrain, tm))
        .collect();
    if setup.dense_gas {
        dense::apply(&mut plumes, sources, species, met);
    }
    let heights: Vec<f64> = grid
        .layers
        .iter()
        .map(|l| setup.receptor_height_m.unwrap_or(l.mid_m()))
        .collect();
    let (nt, nz, nx, nsp) = (grid.nt(), grid.nz(), grid.nx, species.len());
    let lambdas: Vec<f64> = species.iter().map(|s| s.decay_constant_per_s()).collect();
    let removals = removals(&plumes, sources, met, grid);
    let wide: Vec<f64> = plumes
        .iter()
        .map(|p| cell_mean::wide_beyond_m(p, grid.dx_m))
        .collect();

    // Per row: conc [species][t][z][x], tic [species][z][x], dry and wet [species][t][x].
    type Row = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>);
    let rows: Vec<Row> = (0..grid.ny)
        .into_par_iter()
        .map(|j| {
            let y = grid.y_m(j);
            let mut conc = vec![0.0; nsp * nt * nz * nx];
            let mut tic = vec![0.0; nsp * nz * nx];
            let (mut dry, mut wet) = (vec![0.0; nsp * nt * nx], vec![0.0; nsp * nt * nx]);
            let mut steady = vec![0.0; nx];
            for (((p, src), rm), &w) in plumes.iter().zip(sources).zip(&removals).zip(&wide) {
                if rm.iter().any(Option::is_some) {
                    for i in 0..nx {
                        let at = (grid.x_m(i), y);
                        let add = |s: usize, d: f64, w: f64, (on, off)| {
                            for (n, share) in grid.interval_shares(on, off, run_end_s) {
                                dry[(s * nt + n) * nx + i] += share * d;
                                wet[(s * nt + n) * nx + i] += share * w;
                            }
                        };
                        deposit_at(p, src, rm, &lambdas, at, grid.dx_m, run_end_s, add);
                    }
                }
                for (k, &z) in heights.iter().enumerate() {
                    p.fill_row(y, grid.x0_m, grid.dx_m, z, &mut steady);
                    cell_mean::refine_row(p, w, y, grid.x0_m, grid.dx_m, z, &mut steady);
                    for (i, &c) in steady.iter().enumerate() {
                        if c == 0.0 {
                            continue;
                        }
                        // The cell holding the source may have its centre upwind of it.
                        let xd = p.plume_frame(grid.x_m(i), y).0.max(0.0);
                        let tau = p.travel_time_s(xd);
                        let (on, off) = (src.start_s + tau, src.end_s() + tau);
                        for (ri, r) in src.releases.iter().enumerate() {
                            let s = r.species;
                            let amp = r.rate_per_s
                                * c
                                * decay_factor(lambdas[s], tau)
                                * airborne_fraction(rm, ri, xd);
                            tic[(s * nz + k) * nx + i] += amp * overlap_s(0.0, run_end_s, on, off);
                            for n in 0..nt {
                                let (a, b) = (grid.interval_start_s(n), grid.times_s[n]);
                                let f = overlap_s(a, b, on, off) / (b - a);
                                if f > 0.0 {
                                    conc[((s * nt + n) * nz + k) * nx + i] += amp * f;
                                }
                            }
                        }
                    }
                }
            }
            (conc, tic, dry, wet)
        })
        .collect();

    let mut fields = Fields::zeros_by_interval(grid.clone(), species);
    for (j, (conc, tic, dry, wet)) in rows.into_iter().enumerate() {
        for (s, f) in fields.species.iter_mut().enumerate() {
            for n in 0..nt {
                for i in 0..nx {
                    let (d, w) = (dry[(s * nt + n) * nx + i], wet[(s * nt + n) * nx + i]);
                    f.book_deposit(n, j, i, d, w);
                }
            }
            for k in 0..nz {
                for i in 0..nx {
                    f.time_integrated[[k, j, i]] = tic[(s * nz + k) * nx + i];
                    for n in 0..nt {
                        f.concentration[[n, k, j, i]] = conc[((s * nt + n) * nz + k) * nx + i];
                    }
                }
            }
        }
    }
    fields
}
