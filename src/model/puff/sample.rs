//! Puffs onto the grid: the time integral of a Gaussian puff that moves along a straight segment
//! during a step (CALPUFF's integrated puff: Scire, Strimaitis & Yamartino 2000, §2.2.1).
//!
//! A circular puff of mass M and width σ moving at constant velocity from p₀ to p₁ = p₀ + L·ê
//! during Δt leaves at a receptor whose along-path and cross-path coordinates from p₀ are (a, c)
//! the time-integrated concentration
//!
//!   ∫C dt = M·Δt/(2π σ²) · exp(−c²/(2σ²)) · σ√(π/2)/L · [erf(a/(√2σ)) − erf((a−L)/(√2σ))]
//!           · V(z)/(√(2π) σz),
//!
//! exact for constant σ; V is the Gaussian plume's vertical factor with ground and lid images
//! ([`crate::model::gaussian::vertical_factor`]). As L → 0 the bracket tends to the stationary
//! puff exp(−(a²+c²)/(2σ²)). A puff may be narrower along its path than across it (σ_a < σ):
//! the along-path factor then has σ_a, the normalisation 1/(2π σ_a σ) — a slice of a steady
//! dense plume is one ([`super::dense`]), and across its path it is flat-cored: the Gaussian
//! exp(−c²/(2σ²)) becomes [`crate::model::gaussian::crosswind::Crosswind`]'s profile, with
//! the same integral. A stationary puff is taken as circular (σ). Steps are cut so that σ grows
//! by at most a few per cent along one segment, so a steady puff train reproduces the steady
//! plume.

use crate::model::gaussian::crosswind::Crosswind;

/// Puffs narrower than this many cells give each cell its mean, wider ones the centre value
/// (within 0.5 % of the mean: (Δ/σ)²/24 at σ = 3Δ).
pub const NARROW_CELLS: f64 = 3.0;

/// erf(p) − erf(q) for p ≥ q, in the form without cancellation.
fn erf_difference(p: f64, q: f64) -> f64 {
    if q > 0.0 {
        libm::erfc(q) - libm::erfc(p)
    } else if p < 0.0 {
        libm::erfc(-p) - libm::erfc(-q)
    } else {
        libm::erf(p) - libm::erf(q)
    }
}

/// Horizontal reach of a puff in σ (exp(−18) ≈ 1.5e-8 of the centre value is dropped).
pub const REACH_SIGMA: f64 = 6.0;

/// One puff's path during one (sub)step, ready to sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub x0_m: f64,
    pub y0_m: f64,
    /// Displacement over the step (m).
    pub dx_m: f64,
    pub dy_m: f64,
    pub duration_s: f64,
    /// σ across the path (and along it, for a circular puff) (m).
    pub sigma_y_m: f64,
    /// σ along the path (m), at most `sigma_y_m`.
    pub sigma_along_m: f64,
    /// Half-width (m) of a flat core across the path, 0 for a Gaussian puff: a slice of a dense
    /// plume is flat to it and Gaussian beyond, with σy's crosswind integral
    /// ([`crate::model::gaussian::crosswind`], [`super::dense::slice_core_m`]).
    pub core_m: f64,
    /// V(z_k)/(√(2π)σz) at each output layer's reference height (m⁻¹).
    pub vertical_per_m: Vec<f64>,
    /// Mass of each species (species unit).
    pub mass: Vec<f64>,
    /// Amount of each species deposited dry and wet during the step, spread on the ground
    /// like the puff's time-integrated horizontal density.
    pub dry: Vec<f64>,
    pub wet: Vec<f64>,
    /// The workbook's ceiling while the puff is a dense cloud ([`super::dense::Ceiling`]).
    pub ceiling: Option<super::dense::Ceiling>,
}

impl Segment {
    /// Time-integrated horizontal density (s m⁻²) per unit mass at (x, y).
    pub fn horizontal_s_m2(&self, x_m: f64, y_m: f64) -> f64 {
        Sampler::points(self, self.sigma_along_m, self.sigma_y_m).value(x_m, y_m)
    }

    /// Mean of [`Segment::horizontal_s_m2`] over a square of side `d` centred at (x, y)
    /// ([`Sampler::cells`]).
    pub fn cell_mean_s_m2(&self, x_m: f64, y_m: f64, d: f64) -> f64 {
        Sampler::cells(self, d).value(x_m, y_m)
    }

    /// Whether the segment deposits anything.
    pub fn deposits(&self) -> bool {
        self.dry.iter().chain(&self.wet).any(|d| *d > 0.0)
    }
}

/// One segment's time-integrated horizontal density, either at points or as means over
/// cells, with everything that does not depend on the receptor worked out once: a segment is
/// sampled at up to ~10⁵ cells (a slumped dense slice σ = 2.5 km wide on 100 m cells).
///
/// Beyond [`REACH_SIGMA`] of the path on either axis — across it, or before its start and past
/// its end — it gives nothing, so a slice narrow along its path touches only a strip of its
/// bounding box, and [`Sampler::row_span`] gives the cells of a row that it can reach.
#[derive(Debug, Clone, Copy)]
pub struct Sampler {
    x0_m: f64,
    y0_m: f64,
    /// Path length (m) and unit vector along it; `None` for a stationary (circular) puff.
    path: Option<(f64, f64, f64)>,
    sigma_along_m: f64,
    sigma_m: f64,
    /// The profile across the path: the Gaussian of σ, or a dense slice's flat core.
    across: Crosswind,
    /// Δt/(2π σ_a σ) (s m⁻²).
    norm_s_m2: f64,
    /// The side of the cells averaged over (m); `None` for point values.
    cell_m: Option<f64>,
    /// How far from the path (across) and beyond its ends (along) anything arrives (m).
    reach_along_m: f64,
    reach_cross_m: f64,
    /// For the cell means of a round puff that moves: the number of round sub-puffs its path is
    /// cut into and their spacing (m) ([`Sampler::cells`]).
    subpuffs: Option<(usize, f64)>,
    /// For the cell means of a slice: the widths (m) its cells' sides project to across its
    /// path, d·|ey| and d·|ex| ([`Sampler::cells`]).
    cross_widths: Option<(f64, f64)>,
}

/// Most round sub-puffs one segment's cell means are taken over; beyond, they are widened.
pub const MAX_SUBPUFFS: usize = 64;

impl Sampler {
    /// Point values of `seg` with widths `sa` along its path and `s` across it:
    ///
    ///   ∫C dt/M = Δt/(2π σ_a σ) · exp(−c²/(2σ²)) · σ_a√(π/2)/L · [erf(a/(√2σ_a)) − erf((a−L)/(√2σ_a))]
    ///
    /// (module docs), and the stationary circular puff when L → 0.
    pub fn points(seg: &Segment, sa: f64, s: f64) -> Self {
        Self::new(seg, sa, s, None)
    }

    /// Means over the cells of side `d` of a grid, in closed form, so that the cells of a puff
    /// narrower than a cell hold exactly its integral wherever it lies and whichever way it
    /// moves:
    ///
    /// - A round puff (σ along its path = σ across) is the product of its x and y factors,
    ///   each averaged over the cell by a difference of erf. One that moves is cut into n
    ///   round sub-puffs at the middles of n equal parts of its path, spaced h ≤ σ/4 apart
    ///   (at most [`MAX_SUBPUFFS`], widened to σ ≥ h/2 beyond), each carrying Δt/n: the sum
    ///   is the path's integral to ~1e-4 near it (the spacing leaves out h²/12 of
    ///   its along-path variance) and every sub-puff's cell means add up to exactly its share,
    ///   at any angle to the grid. (Found by review: the square turned along the path, which
    ///   the cells do not tile, put 0.31–1.05 of a narrow puff's integral on the grid for
    ///   paths at 45°, and a third of the calm air of a wind from the south-west.)
    /// - A slice narrower along its path than across it (a dense plume's, [`super::dense`])
    ///   takes the product of two means: across its path the profile's mean over the cell's
    ///   projection on that axis (the trapezoid box(d·|ey|) ⊛ box(d·|ex|),
    ///   [`Crosswind::mean_over_projected_square`]), along it the bracket's mean over the
    ///   square turned along the path, by differences of its antiderivative
    ///   G(u) = u·erf(u) + e^(−u²)/√π. It is widened along its path to at least ~0.6 of a
    ///   cell: the product does not tile the grid, and only a spread along the path makes
    ///   the means add up to the slice's integral (to ~2e-3 while it is at least half a cell
    ///   wide, measured at 10–45°; a flat-cored slice's sharper edges, to ~1e-2 half a cell wide
    ///   and 5e-3 a cell wide, half what the turned square's cross-path mean gave; a 45°
    ///   segment with σ along it of 0.1 m put 0.76–1.18 of its mass on a grid of 100 m cells
    ///   without the widening).
    pub fn cells(seg: &Segment, d: f64) -> Self {
        let s = seg.sigma_y_m;
        if seg.sigma_along_m >= s {
            let len = seg.dx_m.hypot(seg.dy_m);
            let n = ((4.0 * len / s).ceil() as usize).clamp(1, MAX_SUBPUFFS);
            let h = len / n as f64;
            let mut sampler = Self::new(seg, s, s.max(0.5 * h), Some(d));
            if let Some((_, ex, ey)) = sampler.path {
                let s = sampler.sigma_m;
                sampler.sigma_along_m = s;
                sampler.across = Crosswind::gaussian(s);
                sampler.norm_s_m2 = seg.duration_s / (std::f64::consts::TAU * s * s);
                // The cells are squares on the grid's axes, reaching (d/2)(|ex| + |ey|) along
                // the path and across it (up to half their diagonal).
                let reach = REACH_SIGMA * s + 0.5 * d * (ex.abs() + ey.abs());
                (sampler.reach_along_m, sampler.reach_cross_m) = (reach, reach);
                sampler.subpuffs = Some((n, h));
            }
            return sampler;
        }
        let sa = seg.sigma_along_m.hypot(0.6 * d).min(s);
        let mut sampler = Self::new(seg, sa, s, Some(d));
        if let Some((_, ex, ey)) = sampler.path {
            let widths = (d * ey.abs(), d * ex.abs());
            sampler.cross_widths = Some(widths);
            sampler.reach_cross_m = REACH_SIGMA * s + 0.5 * (widths.0 + widths.1);
        }
        sampler
    }

    fn new(seg: &Segment, sa: f64, s: f64, cell_m: Option<f64>) -> Self {
        let len = seg.dx_m.hypot(seg.dy_m);
        let path = (len >= 1e-9 * s).then(|| (len, seg.dx_m / len, seg.dy_m / len));
        // A stationary puff is circular (σ on both axes).
        let sa = if path.is_some() { sa } else { s };
        // Only a moving slice has a flat core across its path (a stationary puff is round),
        // judged by the segment, not by `sa`, which a coarse grid widens to σ (found by review).
        let slice = path.is_some() && seg.sigma_along_m < seg.sigma_y_m && s == seg.sigma_y_m;
        let core_m = if slice { seg.core_m } else { 0.0 };
        let half_cell = 0.5 * cell_m.unwrap_or(0.0);
        Sampler {
            x0_m: seg.x0_m,
            y0_m: seg.y0_m,
            path,
            sigma_along_m: sa,
            sigma_m: s,
            // The core keeps the crosswind integral √(2π)·σ, so the norm is unchanged.
            across: Crosswind::with_core(s, core_m),
            norm_s_m2: seg.duration_s / (std::f64::consts::TAU * sa * s),
            cell_m,
            reach_along_m: REACH_SIGMA * sa + half_cell,
            reach_cross_m: REACH_SIGMA * s + half_cell,
            subpuffs: None,
            cross_widths: None,
        }
    }

    /// The time-integrated density per unit mass (s m⁻²) at (x, y), or the mean over the cell
    /// centred there.
    #[inline]
    pub fn value(&self, x_m: f64, y_m: f64) -> f64 {
        let (rx, ry) = (x_m - self.x0_m, y_m - self.y0_m);
        let Some((len, ex, ey)) = self.path else {
            if rx.abs() > self.reach_cross_m || ry.abs() > self.reach_cross_m {
                return 0.0;
            }
            return self.norm_s_m2 * self.cross(rx) * self.cross(ry);
        };
        let a = rx * ex + ry * ey;
        let c = -rx * ey + ry * ex;
        if c.abs() > self.reach_cross_m || a < -self.reach_along_m || a > len + self.reach_along_m {
            return 0.0;
        }
        if let (Some((n, h)), Some(d)) = (self.subpuffs, self.cell_m) {
            let reach = REACH_SIGMA * self.sigma_m + 0.5 * d;
            let sum: f64 = (0..n)
                .map(|k| {
                    let along = (k as f64 + 0.5) * h;
                    let (px, py) = (rx - along * ex, ry - along * ey);
                    if px.abs() > reach || py.abs() > reach {
                        0.0
                    } else {
                        self.cross(px) * self.cross(py)
                    }
                })
                .sum();
            return self.norm_s_m2 * sum / n as f64;
        }
        let sa = self.sigma_along_m;
        let ka = std::f64::consts::SQRT_2 * sa;
        let root_half_pi = (std::f64::consts::PI / 2.0).sqrt();
        let along = match self.cell_m {
            None => erf_difference(a / ka, (a - len) / ka),
            Some(d) => {
                let g = |u: f64| u * libm::erf(u) + (-u * u).exp() / std::f64::consts::PI.sqrt();
                // Differences of G may round below zero beyond the segment's ends.
                (ka / d
                    * ((g((a + 0.5 * d) / ka) - g((a - 0.5 * d) / ka))
                        - (g((a + 0.5 * d - len) / ka) - g((a - 0.5 * d - len) / ka))))
                .max(0.0)
            }
        };
        self.norm_s_m2 * self.cross(c) * sa * root_half_pi / len * along
    }

    /// The profile across the path at u (exp(−u²/(2σ²)), or a dense slice's flat core); for
    /// cells of side d, a slice's mean over the cell's projection across its path, or a round
    /// sub-puff's mean over [u − d/2, u + d/2] on a grid axis.
    #[inline]
    fn cross(&self, u: f64) -> f64 {
        let s = self.sigma_m;
        if let Some((w1, w2)) = self.cross_widths {
            return self.across.mean_over_projected_square(u, w1, w2);
        }
        match self.cell_m {
            None => self.across.factor(u),
            Some(d) => {
                let k = std::f64::consts::SQRT_2 * s;
                s * (std::f64::consts::PI / 2.0).sqrt() / d
                    * erf_difference((u + 0.5 * d) / k, (u - 0.5 * d) / k)
            }
        }
    }

    /// The x range (m) outside which [`Sampler::value`] is zero on the row at `y_m`, or
    /// `None` where the whole row is.
    pub fn row_span(&self, y_m: f64) -> Option<(f64, f64)> {
        let ry = y_m - self.y0_m;
        let (ra, rc) = (self.reach_along_m, self.reach_cross_m);
        let Some((len, ex, ey)) = self.path else {
            return (ry.abs() <= rc).then_some((self.x0_m - rc, self.x0_m + rc));
        };
        // a = rx·ex + ry·ey in [−ra, len + ra] and c = −rx·ey + ry·ex in [−rc, rc].
        let mut span = (f64::NEG_INFINITY, f64::INFINITY);
        let mut within = |lo: f64, hi: f64, k: f64, offset: f64| {
            // k·rx + offset in [lo, hi].
            if k.abs() < 1e-12 {
                return (lo..=hi).contains(&offset);
            }
            let (p, q) = ((lo - offset) / k, (hi - offset) / k);
            span = (span.0.max(p.min(q)), span.1.min(p.max(q)));
            true
        };
        let inside = within(-ra, len + ra, ex, ry * ey) && within(-rc, rc, -ey, ry * ex);
        (inside && span.0 <= span.1).then_some((self.x0_m + span.0, self.x0_m + span.1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::puff::Accumulator;

    /// A segment of unit mass of one species and one layer (V = 1 m⁻¹), depositing nothing,
    /// from (x0, y0) moving by (dx, dy) in 60 s.
    fn segment(x0_m: f64, y0_m: f64, dx_m: f64, dy_m: f64, sigma_y_m: f64) -> Segment {
        Segment {
            x0_m,
            y0_m,
            dx_m,
            dy_m,
            duration_s: 60.0,
            sigma_y_m,
            sigma_along_m: sigma_y_m,
            core_m: 0.0,
            vertical_per_m: vec![1.0],
            mass: vec![1.0],
            dry: vec![0.0],
            wet: vec![0.0],
            ceiling: None,
        }
    }

    #[test]
    fn a_segment_integrates_to_its_duration_over_the_plane() {
        let seg = segment(3.0, -2.0, 120.0, 50.0, 25.0);
        let h = 2.0;
        let mut sum = 0.0;
        for j in -200..=200 {
            for i in -200..=300 {
                sum += seg.horizontal_s_m2(i as f64 * h, j as f64 * h) * h * h;
            }
        }
        assert!((sum - 60.0).abs() < 1e-6 * 60.0, "{sum}");
        // Narrower along the path than across it: the same integral, on the grid too; and a
        // dense plume's slice, flat across its path to 20 m (edges of 9 m), the same again.
        let mut thin = seg.clone();
        thin.sigma_along_m = 0.5;
        let mut flat = thin.clone();
        flat.core_m = 20.0;
        for s in [&thin, &flat] {
            let (mut sum, mut cells) = (0.0, 0.0);
            for j in -200..=200 {
                for i in -200..=300 {
                    let (x, y) = (i as f64 * h, j as f64 * h);
                    sum += s.horizontal_s_m2(x, y) * h * h;
                    cells += s.cell_mean_s_m2(x, y, h) * h * h;
                }
            }
            assert!((sum - 60.0).abs() < 1e-3 * 60.0, "{sum}");
            assert!((cells - 60.0).abs() < 1e-6 * 60.0, "{cells}");
        }
        // The flat slice has the same value on the axis, and that value out to the core's edge.
        // The path's middle, and 19.5 m across it (the path runs along (120, 50)/130).
        let (mx, my) = (3.0 + 60.0, -2.0 + 25.0);
        let (cx, cy) = (-50.0 / 130.0 * 19.5, 120.0 / 130.0 * 19.5);
        let axis = thin.horizontal_s_m2(mx, my);
        assert!((flat.horizontal_s_m2(mx, my) / axis - 1.0).abs() < 1e-12);
        assert!((flat.horizontal_s_m2(mx + cx, my + cy) / axis - 1.0).abs() < 1e-12);
        assert!(thin.horizontal_s_m2(mx + cx, my + cy) < 0.8 * axis);
    }

    /// A segment narrow along its path, at 45° to a coarse grid: its cell means keep its
    /// integral, for narrow and wide puffs.
    #[test]
    fn an_oblique_slice_keeps_its_integral_on_a_coarse_grid() {
        let d = 100.0;
        for sigma in [50.0, 300.0] {
            // Gaussian across, and a dense slice's flat core of half its σ.
            for core in [0.0, 0.5 * sigma] {
                let mut seg = segment(13.0, -7.0, 21.2, 21.2, sigma);
                seg.sigma_along_m = 0.1;
                seg.core_m = core;
                let mut sum = 0.0;
                for j in -40..=40 {
                    for i in -40..=40 {
                        sum += seg.cell_mean_s_m2(i as f64 * d, j as f64 * d, d) * d * d;
                    }
                }
                // Measured: 2.1e-3 (Gaussian) and 6e-3 (flat-cored) at σ 50 m, 1e-4 at 300 m.
                let tolerance = if core > 0.0 { 1e-2 } else { 3e-3 };
                let error = (sum / 60.0 - 1.0).abs();
                assert!(error < tolerance, "σ {sigma}, core {core}: {error:e}");
            }
        }
    }

    /// Found by review: a slice no wider than 0.6 of a cell, widened along its path to σ for
    /// the cell means, lost its flat core. The axis row keeps the core's share of the crosswind
    /// integral (0.80 for σy 50 m with 5 m edges on 100 m cells; the Gaussian's is 0.68).
    #[test]
    fn a_slice_narrower_than_a_cell_keeps_its_flat_core() {
        let d = 100.0;
        let mut seg = segment(0.0, 0.0, 1000.0, 0.0, 50.0);
        seg.sigma_along_m = 0.1;
        let profile = Crosswind::with_edges(50.0, 5.0);
        seg.core_m = profile.core_m;
        let column: Vec<f64> = (-4..=4)
            .map(|j| seg.cell_mean_s_m2(500.0, j as f64 * d, d))
            .collect();
        let share = column[4] / column.iter().sum::<f64>();
        let want = profile.fraction(-50.0, 50.0);
        assert!((share / want - 1.0).abs() < 1e-9, "{share} vs {want}");
        assert!((want - 0.80).abs() < 0.01, "{want}");
    }

    /// A puff much narrower than a cell: the grid keeps its whole time integral wherever it
    /// lies in the cell, and the cell holding it gets the same value for any position inside.
    #[test]
    fn a_narrow_puff_keeps_its_integral_on_a_coarse_grid_wherever_it_lies() {
        let dx = 200.0;
        let peaks: Vec<f64> = [(0.0, 0.0), (60.0, -80.0), (99.0, 99.0)]
            .iter()
            .map(|&(px, py)| {
                let seg = segment(px, py, 0.0, 0.0, 10.0);
                let mut acc = Accumulator::new(5, 5, 1, 1, -400.0, -400.0, dx);
                acc.add(std::slice::from_ref(&seg));
                let total: f64 = acc.data.iter().sum::<f64>() * dx * dx;
                assert!((total - 60.0).abs() < 0.01 * 60.0, "({px}, {py}): {total}");
                acc.data[acc.index(0, 0, 2, 2)]
            })
            .collect();
        // σ = 10 m in a 200 m cell: the centre cell holds the puff's integral over its area,
        // 60 s / (200 m)² times the fraction inside: all of it at the centre, Φ(4)·Φ(2) of it
        // 40 m and 20 m from two edges, Φ(0.1)² of it 1 m from a corner.
        let phi = |u: f64| 0.5 * libm::erfc(-u / std::f64::consts::SQRT_2);
        assert!((peaks[0] * dx * dx / 60.0 - 1.0).abs() < 1e-6, "{peaks:?}");
        assert!(
            (peaks[1] / peaks[0] / (phi(4.0) * phi(2.0)) - 1.0).abs() < 1e-6,
            "{peaks:?}"
        );
        let corner = phi(0.1).powi(2);
        assert!(
            (peaks[2] / peaks[0] / corner - 1.0).abs() < 1e-6,
            "{peaks:?}"
        );
    }

    /// A puff much narrower than a cell deposits in the cells its air is in, in proportion to
    /// the air there: dry deposition is v_d times the cell's time-integrated concentration,
    /// not spread into neighbours the puff never reached.
    #[test]
    fn a_narrow_puff_deposits_where_its_air_is() {
        let dx = 200.0;
        let mut seg = segment(30.0, -20.0, 0.0, 0.0, 5.0);
        seg.dry = vec![0.5];
        let mut acc = Accumulator::new(5, 5, 1, 1, -400.0, -400.0, dx);
        acc.add(std::slice::from_ref(&seg));
        let centre = acc.ground[acc.ground_index(0, 0, 2, 2)];
        assert!((centre * dx * dx / 0.5 - 1.0).abs() < 1e-9, "{centre}");
        for j in 0..5 {
            for i in 0..5 {
                let dep = acc.ground[acc.ground_index(0, 0, j, i)];
                let air = acc.data[acc.index(0, 0, j, i)];
                assert!(
                    (dep - 0.5 / 60.0 * air).abs() <= 1e-12 * centre,
                    "({i}, {j})"
                );
            }
        }
    }

    /// Brute-force mean of the point values over the square cell of side `d` at (x, y).
    fn brute_cell_mean(seg: &Segment, x: f64, y: f64, d: f64) -> f64 {
        let m = 400;
        let mut sum = 0.0;
        for b in 0..m {
            for a in 0..m {
                let px = x - 0.5 * d + (a as f64 + 0.5) * d / m as f64;
                let py = y - 0.5 * d + (b as f64 + 0.5) * d / m as f64;
                sum += seg.horizontal_s_m2(px, py);
            }
        }
        sum / (m * m) as f64
    }

    /// The cell means of a moving round puff are its sub-puffs' exact cell means: the brute
    /// mean of its point values over each cell within 2e-4 of the largest (the sub-puffs,
    /// σ/4 apart, leave out 1/192 of σ² along the path), along a grid axis and across the
    /// diagonal alike.
    #[test]
    fn a_moving_narrow_puff_gives_each_cell_its_mean() {
        let seg = |dx_m: f64, dy_m: f64| segment(-130.0, 20.0, dx_m, dy_m, 30.0);
        for path in [seg(300.0, 0.0), seg(250.0, 250.0), seg(-90.0, 170.0)] {
            let cells = [
                (0.0, 0.0),
                (200.0, 0.0),
                (0.0, 200.0),
                (200.0, -200.0),
                (-200.0, 200.0),
            ];
            let scale = cells
                .iter()
                .map(|&(x, y)| path.cell_mean_s_m2(x, y, 200.0))
                .fold(0.0, f64::max);
            for (x, y) in cells {
                let closed = path.cell_mean_s_m2(x, y, 200.0);
                let brute = brute_cell_mean(&path, x, y, 200.0);
                assert!(
                    (closed - brute).abs() < 2e-4 * scale,
                    "{path:?} ({x}, {y}): {closed} vs {brute}"
                );
            }
        }
    }

    /// Found by review: a puff much narrower than a cell, moving at an angle to the grid, put
    /// 0.31–1.05 of its integral on the grid (the squares turned along its path, which the
    /// cells do not tile). Its cell means now add up to its integral at any angle, wherever
    /// the path lies, for puffs 1 % to 2 of a cell wide.
    #[test]
    fn a_narrow_puff_keeps_its_integral_at_any_angle_to_the_grid() {
        let d = 1000.0;
        for sigma in [10.0, 50.0, 150.0, 400.0, 2000.0] {
            for deg in [0.0f64, 17.0, 30.0, 45.0, 60.0, 135.0, 225.0] {
                for (x0, y0) in [(0.0, 0.0), (500.0, 500.0), (230.0, -410.0)] {
                    let (dx, dy) = (
                        3000.0 * deg.to_radians().cos(),
                        3000.0 * deg.to_radians().sin(),
                    );
                    let seg = segment(x0, y0, dx, dy, sigma);
                    let mut acc = Accumulator::new(41, 41, 1, 1, -20_000.0, -20_000.0, d);
                    acc.add(std::slice::from_ref(&seg));
                    let total: f64 = acc.data.iter().sum::<f64>() * d * d / 60.0;
                    assert!(
                        (total - 1.0).abs() < 1e-6,
                        "σ {sigma} at {deg}° from ({x0}, {y0}): {total}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_short_segment_tends_to_the_stationary_puff() {
        let mk = |len: f64| segment(0.0, 0.0, len, 0.0, 10.0);
        for (x, y) in [(0.0, 0.0), (7.0, -4.0), (25.0, 12.0)] {
            let a = mk(1e-3).horizontal_s_m2(x, y);
            let b = mk(0.0).horizontal_s_m2(x, y);
            assert!((a - b).abs() < 2e-4 * b.max(1e-12), "{a} vs {b}");
        }
    }
}
