//! The Gaussian puff model (RIMPUFF/CALPUFF-style): each source sheds a puff every step; each
//! puff is carried by the wind at its own centre and height, grows along the Gaussian plume's
//! σ curves by the distance it travels, splits where one Gaussian can no longer represent it,
//! and is sampled onto the grid by integrating it along its path.
//!
//! Step by step, for `[t, t + Δt]`:
//! 1. every active source releases one puff carrying rate × (release time inside the step), at
//!    the source, with its clock at the middle of that release time;
//! 2. every puff moves by the midpoint rule, Δx = V(x + V(x, t)·τ/2, t + τ/2)·τ (second order,
//!    so a wind that turns at a constant rate keeps puffs on its circle to O(Δt²));
//! 3. it grows over the distance travelled in the class at its midpoint ([`state`]) — or, with
//!    [`GrowthMode::Turbulence`], by Taylor's dispersion in the Hanna (1982) turbulence at its
//!    height — in sub-steps short enough that σ grows by at most [`MAX_SIGMA_GROWTH`] per
//!    sub-step, each sub-step sampled as an integrated puff ([`sample`]). In calm air a puff
//!    grows as in a [`CALM_WIND_M_S`] wind however little it moves ([`calm_growth_distance_m`],
//!    [`calm_boundary_layers`]; CALPUFF's calm threshold), so it does not stay a point;
//! 4. radioactive species decay, exp(−λτ), the loss booked as decayed; species with a dry
//!    deposition velocity lose v_d·(ground-level density)·Δt and, in precipitation, a washout
//!    fraction 1 − exp(−a·P^b·Δt) (the source's `Deposition`), laid on the ground under the
//!    puff's path;
//! 5. puffs that have left the grid by more than their reach are dropped, their mass booked as
//!    exited — as is what a puff lays on the ground beyond the grid's edge
//!    ([`Bounds::share_inside`]), so that the budget's deposits are the grid's, and, in the
//!    budget a run reports, the share of a puff in flight that lies beyond the edge
//!    ([`PuffRun::budget`]), so that its airborne mass is the grid's; the rest may
//!    split: horizontally once σy exceeds the met's horizontal scale, and vertically once the
//!    crosswind (directional) shear between z ± σz has displaced the puff's top from its
//!    bottom by more than σy.
//!
//! A release at grade of a gas heavier than air follows the Britter & McQuaid (1988)
//! workbook until it is passive ([`dense`]): an instantaneous one as one puff, the workbook's
//! cloud; a continuous one as puffs that are slices of the workbook's plume.
//!
//! Concentrations are interval means at each layer's reference height (as for the Gaussian
//! plume), and the mass budget telescopes:
//! released = airborne + dry + wet deposited + decayed + exited.
//!
//! ## References
//! - Mikkelsen, T., Larsen, S.E. & Thykier-Nielsen, S. (1984) "Description of the Risø puff
//!   diffusion model", Nuclear Technology 67:56–65, doi:10.13182/NT84-A33526 (RIMPUFF).
//! - Scire, J.S., Strimaitis, D.G. & Yamartino, R.J. (2000) *A User's Guide for the CALPUFF
//!   Dispersion Model (Version 5)*, Earth Tech — integrated puff sampling, virtual distances,
//!   puff splitting.
//! - Ludwig, F.L., Gasiorek, L.S. & Ruff, R.E. (1977) "Simplification of a Gaussian puff model
//!   for real-time minicomputer use", Atmos. Environ. 11:431–436 — puffs as a steady plume's
//!   superposition.

pub mod accumulate;
mod bounds;
pub mod dense;
mod grid_run;
mod release;
pub mod sample;
pub mod state;

use std::f64::consts::TAU;

use crate::field::MassBudget;
use crate::geo::TransverseMercator;
use crate::met::boundary_layer::{calm_boundary_layers, CALM_WIND_M_S};
use crate::met::Meteorology;
use crate::model::gaussian::crosswind::Crosswind;
use crate::model::gaussian::dense::WORKBOOK_WIND_HEIGHT_M;
use crate::model::gaussian::sigma::BID_RISE_RATIO;
use crate::model::gaussian::vertical_factor;
use crate::source::Source;
use crate::substance::Species;
pub use accumulate::Accumulator;
pub use bounds::Bounds;
pub use grid_run::{run, PuffOutput};
use release::Emitter;
pub use sample::Segment;
pub use state::{calm_growth_distance_m, Growth, GrowthMode, Puff};

/// Largest relative growth of σ within one sampled sub-step.
pub const MAX_SIGMA_GROWTH: f64 = 0.02;
/// Most sub-steps one puff takes in one step.
pub const MAX_SUBSTEPS: usize = 400;

/// The beginning of the warning issued when calm air slowed puffs below [`CALM_WIND_M_S`].
pub const CALM_WARNING: &str = "calm air (wind below";

/// Choices of the puff model.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    pub growth: Growth,
    /// Report every layer at this height instead of its mid-height.
    pub receptor_height_m: Option<f64>,
    /// Model step (s); steps are also cut at output times.
    pub time_step_s: f64,
    /// Puffs are carried by the wind at max(centre height, this) (m): the σ curves were fit
    /// with winds measured near 10 m.
    pub transport_height_floor_m: f64,
    /// Split a puff horizontally once σy exceeds this (m); `None` never splits.
    pub split_sigma_y_m: Option<f64>,
    /// Split a puff vertically when the crosswind shear across ±σz has carried its top and
    /// bottom apart by more than its width.
    pub shear_splitting: bool,
    /// No more splitting beyond this many puffs (a warning says so).
    pub max_puffs: usize,
    /// Whether a dense release at grade follows the workbook's cloud or plume ([`dense`]);
    /// else it is passive.
    pub dense_gas: bool,
}

impl Setup {
    /// The defaults for a met whose horizontal variation scale is `met_scale_m`.
    pub fn new(growth: Growth, met_scale_m: Option<f64>) -> Self {
        Setup {
            growth,
            receptor_height_m: None,
            time_step_s: 60.0,
            transport_height_floor_m: 10.0,
            split_sigma_y_m: met_scale_m,
            shear_splitting: met_scale_m.is_some(),
            max_puffs: 20_000,
            dense_gas: true,
        }
    }
}

/// The puffs in flight and their bookkeeping.
pub struct PuffRun<'a> {
    setup: Setup,
    met: &'a dyn Meteorology,
    emitters: Vec<Emitter>,
    species: Vec<Species>,
    lambda_per_s: Vec<f64>,
    heights_m: Vec<f64>,
    bounds: Bounds,
    puffs: Vec<Puff>,
    t_s: f64,
    budget: Vec<MassBudget>,
    warnings: Vec<String>,
}

impl<'a> PuffRun<'a> {
    /// Sets up the sources; `heights_m` are the layers' reference heights; puffs beyond
    /// `bounds` by their reach leave the run.
    pub fn new(
        sources: &[Source],
        species: &[Species],
        met: &'a dyn Meteorology,
        tm: &TransverseMercator,
        setup: Setup,
        heights_m: Vec<f64>,
        bounds: Bounds,
    ) -> Self {
        let emitters = sources
            .iter()
            .map(|s| Emitter::new(s, species.len(), tm))
            .collect();
        PuffRun {
            setup,
            met,
            emitters,
            species: species.to_vec(),
            lambda_per_s: species.iter().map(|s| s.decay_constant_per_s()).collect(),
            heights_m,
            bounds,
            puffs: vec![],
            t_s: 0.0,
            budget: vec![MassBudget::default(); species.len()],
            warnings: vec![],
        }
    }

    /// The puffs in flight.
    pub fn puffs(&self) -> &[Puff] {
        &self.puffs
    }

    /// The run's clock (s).
    pub fn time_s(&self) -> f64 {
        self.t_s
    }

    /// Mass-weighted centre (x, y, height) of all puffs, if any carry mass.
    pub fn centroid(&self) -> Option<(f64, f64, f64)> {
        let m: f64 = self.puffs.iter().map(Puff::total_mass).sum();
        (m > 0.0).then(|| {
            let f = |g: &dyn Fn(&Puff) -> f64| {
                self.puffs
                    .iter()
                    .map(|p| p.total_mass() * g(p))
                    .sum::<f64>()
                    / m
            };
            (f(&|p| p.x_m), f(&|p| p.y_m), f(&|p| p.effective_height_m()))
        })
    }

    /// The budget of each species so far: airborne is what the puffs in flight hold over the
    /// grid, and what they hold beyond its edges has exited, as in the particle model, which
    /// drops a particle that leaves the domain. A puff is kept in flight until it is
    /// [`sample::REACH_SIGMA`]·σy beyond the grid, so that its tail is still sampled there;
    /// counted whole, a wide puff mostly past the edge read as "still over the domain" (found in
    /// an end-to-end check: Point Lepreau's class B afternoon, 7 h, reported 66 % of its
    /// release airborne while the particle model had every particle out). Each puff's share is
    /// its footprint's, round with σy ([`Bounds::share_inside`]; a dense slice's core is not
    /// drawn, so its share is approximate near an edge).
    pub fn budget(&self) -> Vec<MassBudget> {
        let mut b = self.budget.clone();
        let inside: Vec<f64> = self
            .puffs
            .iter()
            .map(|p| {
                let (at, sigma) = ((p.x_m, p.y_m), p.sigma_y_m);
                self.bounds
                    .share_inside(at, (0.0, 0.0), sigma, Crosswind::gaussian(sigma))
            })
            .collect();
        for (s, bs) in b.iter_mut().enumerate() {
            // Folds from +0: an empty sum of f64 is −0, printed "-0.0000e0".
            let (over, beyond) = self
                .puffs
                .iter()
                .zip(&inside)
                .fold((0.0, 0.0), |(o, e), (p, f)| {
                    (o + f * p.mass[s], e + (1.0 - f) * p.mass[s])
                });
            bs.airborne = over;
            bs.exited += beyond;
        }
        b
    }

    /// Warnings collected so far.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Advances the run by `dt_s`: releases, moves, grows, decays, drops and splits puffs, and
    /// returns the sampled segments of the step.
    pub fn step(&mut self, dt_s: f64) -> Vec<Segment> {
        let (t0, t1) = (self.t_s, self.t_s + dt_s);
        self.release(t0, t1);
        let mut segments = vec![];
        let mut puffs = std::mem::take(&mut self.puffs);
        for p in puffs.iter_mut() {
            self.advance(p, t1, &mut segments);
        }
        // Drop puffs that can no longer touch the grid.
        let b = self.bounds;
        let mut kept = Vec::with_capacity(puffs.len());
        for p in puffs {
            let r = sample::REACH_SIGMA * p.sigma_y_m;
            let outside = p.x_m < b.x_min_m - r
                || p.x_m > b.x_max_m + r
                || p.y_m < b.y_min_m - r
                || p.y_m > b.y_max_m + r;
            if outside {
                for (s, m) in p.mass.iter().enumerate() {
                    self.budget[s].exited += m;
                }
            } else {
                kept.push(p);
            }
        }
        self.puffs = self.split(kept, t1);
        self.t_s = t1;
        segments
    }

    /// Moves one puff from its clock to `t_end`, appending its sampled sub-steps.
    fn advance(&mut self, p: &mut Puff, t_end: f64, segments: &mut Vec<Segment>) {
        let tau = t_end - p.t_s;
        if tau <= 0.0 {
            return;
        }
        // A dense puff is carried by the 10 m wind, the wind its correlations were fitted with
        // (a slumping cloud at a fraction of it, below).
        let floor = if p.dense.is_some() {
            WORKBOOK_WIND_HEIGHT_M
        } else {
            self.setup.transport_height_floor_m
        };
        let zt = p.effective_height_m().max(floor);
        let start = self.met.sample(p.x_m, p.y_m, zt, p.t_s);
        // A slumping dense cloud moves slower than the wind ([`dense::CLOUD_SPEED_FRACTION`]).
        let speed = match p.dense {
            Some(dense::DensePhase::Cloud(_)) => dense::CLOUD_SPEED_FRACTION,
            _ => 1.0,
        };
        let (xm, ym) = (
            p.x_m + 0.5 * tau * speed * start.wind_u_m_s,
            p.y_m + 0.5 * tau * speed * start.wind_v_m_s,
        );
        let mid = self.met.sample(xm, ym, zt, p.t_s + 0.5 * tau);
        let (mut dx, mut dy) = (speed * mid.wind_u_m_s * tau, speed * mid.wind_v_m_s * tau);
        // A slice of a dense plume was screened in at least the calm-threshold wind and takes
        // its depth from continuity at that speed ([`dense::continuous_release`]); it moves at
        // least that fast too, as the slumping gas spreads on its own, or slower slices would
        // pile up while their workbook distance ran ahead of them. Dead calm has no direction
        // to move in.
        let moved = dx.hypot(dy);
        if matches!(p.dense, Some(dense::DensePhase::Plume { .. }))
            && moved > 0.0
            && moved < CALM_WIND_M_S * tau
        {
            let k = CALM_WIND_M_S * tau / moved;
            (dx, dy) = (dx * k, dy * k);
        }
        // Calm treatment (see [`calm_growth_distance_m`]): a puff grows at least as it would
        // in the calm-threshold wind, however little it travels. Plume rise follows the same
        // distance (the puff's `travel_m`), so a buoyant calm puff still rises with time.
        // The calm floor applies to the wind, not to a slower slumping cloud's own speed.
        let ds = dx.hypot(dy) / speed;
        let ds_growth = speed * calm_growth_distance_m(ds, tau);
        if ds < ds_growth / speed {
            self.note_calm(p.t_s);
        }
        let (bl, calm_bl) = calm_boundary_layers(&mid.boundary_layer, floor);
        if self.setup.shear_splitting {
            let top = self.met.sample(xm, ym, zt + p.sigma_z_m, p.t_s + 0.5 * tau);
            let low_z = (zt - p.sigma_z_m).max(floor);
            let low = self.met.sample(xm, ym, low_z, p.t_s + 0.5 * tau);
            // Only the crosswind part of the shear tears a puff apart; the along-wind part
            // stretches it along its own track, which the integrated sampling spreads anyway.
            let speed = mid.wind_speed_m_s();
            if speed > 0.0 {
                let (ex, ey) = (mid.wind_u_m_s / speed, mid.wind_v_m_s / speed);
                let (du, dv) = (
                    top.wind_u_m_s - low.wind_u_m_s,
                    top.wind_v_m_s - low.wind_v_m_s,
                );
                p.shear_m += (-du * ey + dv * ex).abs() * tau;
            }
        }
        // Sub-steps: σ grows by at most MAX_SIGMA_GROWTH in each (a dense cloud's σ follows
        // its travel and age, which the sub-steps advance by at most that fraction, and so
        // does a puff grown by turbulence, whose σ grows at most in proportion to its age —
        // σ = σv·t while t ≪ T_L, as √t beyond. Its virtual distances stay where it was
        // released, and sub-steps counted from them were 250 in every minute of its life:
        // a 2 h convective run took 100 × as long as the same puffs grown along the curves.)
        let x0 = if p.dense.is_some() || self.setup.growth.mode == GrowthMode::Turbulence {
            p.travel_m.max(1.0)
        } else {
            p.virtual_y_m.min(p.virtual_z_m).max(1.0)
        };
        let n = (((x0 + ds_growth) / x0).ln() / MAX_SIGMA_GROWTH.ln_1p()).ceil();
        let n = (n as usize).clamp(1, MAX_SUBSTEPS);
        let (sub_t, sub_dx, sub_dy, sub_ds) = (
            tau / n as f64,
            dx / n as f64,
            dy / n as f64,
            ds_growth / n as f64,
        );
        let precipitation_mm_h = mid.precipitation_mm_h;
        // Measured lateral turbulence (σθ) scales σv as it does for the particle model.
        let sigma_v_scale = self.met.sigma_v_scale(xm, ym, p.t_s + 0.5 * tau);
        for _ in 0..n {
            // A dense cloud stands on the ground and is reported there in every layer.
            let ground_level = p.ground_level;
            // A slice of a steady dense plume has no along-wind spread of its own: the paths
            // of the puffs that follow each other tile the plume ([`state::sigma_along_m`]).
            let along_state = (p.dense, p.along_deficit_m2);
            // The workbook's ceiling holds while the puff is the dense cloud.
            let ceiling = match p.dense {
                Some(dense::DensePhase::Cloud(cloud)) => Some(dense::Ceiling {
                    release_x_m: self.emitters[p.source].x_m,
                    release_y_m: self.emitters[p.source].y_m,
                    cloud,
                }),
                _ => None,
            };
            let (sy, sz) = match (p.dense, self.setup.growth.mode) {
                (Some(d), _) => dense::grow(p, d, &self.setup.growth, bl.stability, sub_t, sub_ds),
                (None, GrowthMode::Distance) => p.grow(&self.setup.growth, bl.stability, sub_ds),
                (None, GrowthMode::Turbulence) => {
                    let z = p.effective_height_m().max(floor);
                    let mut t = crate::met::turbulence::hanna(&bl, z);
                    // A measured σθ scales the σv of the layer it was measured in (not the
                    // floored one, which would overstate it in light winds); a measured
                    // σv = σθ·u goes to zero with the wind, and calm air keeps at least the
                    // calm-threshold turbulence.
                    if sigma_v_scale != 1.0 {
                        let measured =
                            crate::met::turbulence::hanna(&mid.boundary_layer, z).sigma_v_m_s;
                        t.sigma_v_m_s = sigma_v_scale * measured;
                    }
                    let calm_sigma_v = crate::met::turbulence::hanna(&calm_bl, z).sigma_v_m_s;
                    t.sigma_v_m_s = t.sigma_v_m_s.max(calm_sigma_v);
                    p.grow_turbulent(&t, sub_t, sub_ds)
                }
            };
            // Plume rise at the middle of the sub-step, and the spread the rise itself makes:
            // buoyancy-induced dispersion, (Δh/3.5)² added to each σ² as in the steady plume
            // (`Sigmas::Rising`); the puff's own σ, which the next step grows, is the ambient one.
            let rise_m = p
                .rise
                .map_or(0.0, |r| r.rise_at_m(p.travel_m - 0.5 * sub_ds));
            // Less what the particles have settled by the middle of the sub-step (the tilted
            // axis of `Puff::effective_height_m`).
            let settled_m = p.settled_m + 0.5 * p.settling_velocity_m_s * sub_t;
            let h_eff = if settled_m > 0.0 {
                (p.z_m + rise_m - settled_m).max(0.0)
            } else {
                p.z_m + rise_m
            };
            let bid_m = rise_m / BID_RISE_RATIO;
            let (sy, sz) = (sy.hypot(bid_m), sz.hypot(bid_m));
            let norm = 1.0 / ((TAU).sqrt() * sz);
            let lid = bl.gaussian_lid_m();
            let vertical_per_m: Vec<f64> = self
                .heights_m
                .iter()
                .map(|&z| {
                    let z = if ground_level { 0.0 } else { z };
                    vertical_factor(z, h_eff, sz, lid) * norm
                })
                .collect();
            // Half the decay, the deposition from the mass at the middle of the sub-step (the
            // mass the air is sampled with), the other half: deposits from the end-of-step mass
            // fell short of v_d × the sampled ground-level exposure by λΔt/2 (found by review:
            // 5 % for a 200 s half-life at the 60 s step).
            self.decay(&mut p.mass, 0.5 * sub_t);
            let mid_mass = p.mass.clone();
            let sigma_along = state::sigma_along_m(along_state.0, along_state.1, sy);
            let edge_m = self
                .setup
                .growth
                .at(bl.stability, p.travel_m - 0.5 * sub_ds)
                .0;
            let core_m = dense::slice_core_m(along_state.0, along_state.1, sy, edge_m);
            let across = Crosswind::with_core(sy, core_m);
            // Dry deposition at v_d times the ground-level density, wet at Λ = a·P^b; each
            // loss is booked as before − after, so the budget telescopes.
            let ground_per_m = vertical_factor(0.0, h_eff, sz, lid) * norm;
            let emitter = &self.emitters[p.source];
            let deposition = &emitter.deposition;
            // What lands off the grid was carried out of the domain first (module docs); only
            // a puff that deposits needs its share on the grid.
            let deposits_here = deposition
                .iter()
                .any(|d| d.dry_velocity_m_s > 0.0 || d.washout_per_s(precipitation_mm_h) > 0.0);
            let inside = if deposits_here {
                let at = (p.x_m, p.y_m);
                self.bounds
                    .share_inside(at, (sub_dx, sub_dy), sigma_along, across)
            } else {
                1.0
            };
            let (mut dry, mut wet) = (vec![0.0; p.mass.len()], vec![0.0; p.mass.len()]);
            for (s, m) in p.mass.iter_mut().enumerate() {
                // The release's dry velocity with the settling of the air the puff was
                // released into.
                let d = emitter
                    .source
                    .deposition_settling_at(&deposition[s], p.settling_velocity_m_s);
                let lam_wet = d.washout_per_s(precipitation_mm_h);
                if d.dry_velocity_m_s == 0.0 && lam_wet == 0.0 {
                    continue;
                }
                let after_dry = *m * (-d.dry_velocity_m_s * ground_per_m * sub_t).exp();
                let after_wet = after_dry * (-lam_wet * sub_t).exp();
                dry[s] = *m - after_dry;
                wet[s] = after_dry - after_wet;
                self.budget[s].dry_deposited += inside * dry[s];
                self.budget[s].wet_deposited += inside * wet[s];
                self.budget[s].exited += (1.0 - inside) * (*m - after_wet);
                *m = after_wet;
            }
            self.decay(&mut p.mass, 0.5 * sub_t);
            let deposits = dry.iter().chain(&wet).any(|d| *d > 0.0);
            if deposits || vertical_per_m.iter().any(|v| *v > 0.0) {
                segments.push(Segment {
                    x0_m: p.x_m,
                    y0_m: p.y_m,
                    dx_m: sub_dx,
                    dy_m: sub_dy,
                    duration_s: sub_t,
                    sigma_y_m: sy,
                    sigma_along_m: sigma_along,
                    core_m,
                    vertical_per_m,
                    mass: mid_mass,
                    dry,
                    wet,
                    ceiling,
                });
            }
            p.x_m += sub_dx;
            p.y_m += sub_dy;
            p.settled_m += p.settling_velocity_m_s * sub_t;
        }
        p.t_s = t_end;
    }

    /// Decays the species amounts `mass` over `dt_s`, booking the loss.
    fn decay(&mut self, mass: &mut [f64], dt_s: f64) {
        for (s, m) in mass.iter_mut().enumerate() {
            let lam = self.lambda_per_s[s];
            if lam > 0.0 {
                let after = *m * (-lam * dt_s).exp();
                self.budget[s].decayed += *m - after;
                *m = after;
            }
        }
    }

    /// Warns, once, that calm air slowed some puffs below the calm threshold.
    fn note_calm(&mut self, t_s: f64) {
        if self.warnings.iter().any(|w| w.starts_with(CALM_WARNING)) {
            return;
        }
        self.warnings.push(format!(
            "{CALM_WARNING} {CALM_WIND_M_S} m/s at a puff from {t_s:.0} s after the start): puffs hardly moved and grew with time as in a {CALM_WIND_M_S} m/s wind (CALPUFF's calm threshold); concentrations near the source depend on that assumption and wind direction in calm air is uncertain"
        ));
    }

    /// Splits puffs that have outgrown the met's scale or been sheared apart.
    fn split(&mut self, puffs: Vec<Puff>, t_s: f64) -> Vec<Puff> {
        let mut out = Vec::with_capacity(puffs.len());
        let mut count = puffs.len();
        let mut capped = false;
        for p in puffs {
            // A dense cloud is one body on the ground until it turns passive.
            if p.dense.is_some() {
                out.push(p);
                continue;
            }
            let wide = self
                .setup
                .split_sigma_y_m
                .is_some_and(|limit| p.sigma_y_m > limit);
            let sheared = self.setup.shear_splitting && p.shear_m > p.sigma_y_m;
            let extra = if wide {
                4
            } else if sheared {
                2
            } else {
                0
            };
            if extra == 0 {
                out.push(p);
                continue;
            }
            if count + extra > self.setup.max_puffs {
                capped = true;
                out.push(p);
                continue;
            }
            count += extra;
            let s = self
                .met
                .sample(p.x_m, p.y_m, p.effective_height_m().max(10.0), t_s);
            if wide {
                let speed = s.wind_speed_m_s();
                let along = if speed > 0.0 {
                    (s.wind_u_m_s / speed, s.wind_v_m_s / speed)
                } else {
                    (1.0, 0.0)
                };
                out.extend(p.split_horizontal(&self.setup.growth, along));
            } else {
                let lid = s.boundary_layer.gaussian_lid_m();
                out.extend(p.split_vertical(&self.setup.growth, lid));
            }
        }
        if capped && !self.warnings.iter().any(|w| w.contains("puff limit")) {
            self.warnings.push(format!(
                "puff limit of {} reached: puffs stopped splitting, so very wide puffs smooth the flow's variation",
                self.setup.max_puffs
            ));
        }
        out
    }
}
