//! Grid cells hold the mean concentration over the cell, not the value at its centre.
//!
//! Near a source the plume is narrower than a cell: with σy = 40 m in a 200 m cell the centre
//! value swings from the centreline concentration to almost nothing as the source moves by half
//! a cell, and a zone drawn from centre values appears or vanishes with the grid's alignment (a
//! user test: the AEGL-3 zone of a chlorine release was 0.18 km² at 150 m resolution and none
//! at 200 m). The mean over the cell does not depend on alignment, and it is what a cell of a
//! particle model holds.
//!
//! Where the plume is narrow ([`subsamples`] > 1: σy below 3Δ at the cell's upwind corner, or
//! the cell reaching back to the source) the mean is integrated: across the wind exactly — the
//! share of the crosswind profile within the cell's chord at each along-wind distance (erf, or
//! the dense gas's flat-cored profile's exact share, [`super::crosswind`]) — and along it by
//! two-point Gauss–Legendre on pieces at most Δ/[`PIECES_PER_CELL`] long and, near the source,
//! at most [`MAX_PIECE_FRACTION`] of their distance from it (from 1 m), where σy, σz and the
//! plume's height change fastest, each stretch between the along-wind offsets of the cell's
//! corners (where the chord's ends turn) apart:
//!
//! C̄ = 1/Δ² ∫ f(x)·V(z; H(x), σz(x)) / (√(2π)·u·σz(x)) dx, f(x) the profile's share of the
//! chord at x, V the vertical factor with its images.
//!
//! A sampled mean (n × n points) is wrong by ×0.2–4.6 in the cell holding the source, where σy
//! is metres against a sample spacing of tens (found by review: the peak cell of a ground
//! release moved by ×10 with the source's place in its cell). Where σy ≥ 3Δ the centre value is
//! within 0.5 % of the mean and is kept; a cell more than [`LATERAL_REACH_SIGMAS`] σy beside
//! the plume is left as it is (its mean is below e⁻³² of the centreline). The same rule runs
//! on the GPU (`shaders/gaussian.wgsl`, `cell_mean`).

use std::f64::consts::TAU;

use super::crosswind;
use super::plume::vertical_factor;
use super::sigma::MIN_DISTANCE_M;
use super::PlumeGeometry;

/// Sub-samples per σy across a cell: a cell is integrated where σy < Δ·this.
pub const SAMPLES_PER_SIGMA: f64 = 3.0;
/// What [`subsamples`] returns for a cell reaching back to the source.
pub const MAX_SUBSAMPLES: u32 = 16;
/// Along-wind pieces per cell side in the integrated mean.
pub const PIECES_PER_CELL: f64 = 32.0;
/// Near the source an along-wind piece is at most this fraction of its distance from it.
pub const MAX_PIECE_FRACTION: f64 = 0.1;
/// Cells whose nearest point lies this many σy beside the plume are not refined.
pub const LATERAL_REACH_SIGMAS: f64 = 8.0;
/// Half the diagonal of a unit square: how far a cell's corners lie from its centre.
const HALF_DIAGONAL: f64 = std::f64::consts::FRAC_1_SQRT_2;

/// Sub-samples along each side of the cell of side `dx_m` whose centre lies at downwind `xd_m`
/// and crosswind `yd_m` from the source of `p`: 1 where the centre value stands for the cell, 0
/// where the whole cell lies upwind of the source.
pub fn subsamples(p: &PlumeGeometry, xd_m: f64, yd_m: f64, dx_m: f64) -> u32 {
    let reach = HALF_DIAGONAL * dx_m;
    if xd_m + reach <= 0.0 {
        return 0;
    }
    let x_near = xd_m - reach;
    if x_near < MIN_DISTANCE_M {
        return MAX_SUBSAMPLES;
    }
    let near = crosswind::at(&p.sigmas, x_near);
    let far = crosswind::at(&p.sigmas, xd_m + reach);
    if yd_m.abs() - reach > near.core_m.max(far.core_m) + LATERAL_REACH_SIGMAS * far.edge_m {
        return 1;
    }
    let n = (SAMPLES_PER_SIGMA * dx_m / near.edge_m).ceil();
    n.clamp(1.0, MAX_SUBSAMPLES as f64) as u32
}

/// Downwind distance (m) beyond which every cell of side `dx_m` keeps its centre value: where σy (a
/// dense gas's edge width) one half-diagonal upwind of the cell's centre reaches
/// [`SAMPLES_PER_SIGMA`]·Δ (σy grows with distance in every scheme). Found once per plume by
/// bisection, it spares the grid two σ evaluations per cell (they made the 1000 × 1000 grid bench
/// 2.5× slower).
pub fn wide_beyond_m(p: &PlumeGeometry, dx_m: f64) -> f64 {
    let reach = HALF_DIAGONAL * dx_m;
    let wide = |x: f64| crosswind::at(&p.sigmas, x - reach).edge_m >= SAMPLES_PER_SIGMA * dx_m;
    let (mut lo, mut hi) = (reach + MIN_DISTANCE_M, reach + MIN_DISTANCE_M + dx_m);
    while !wide(hi) {
        if hi > 1e7 {
            return f64::INFINITY;
        }
        (lo, hi) = (hi, 2.0 * hi);
    }
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if wide(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// The crosswind chord (v_lo, v_hi), offsets from the centre, of a square cell of half-side
/// `half_m` at along-wind offset `u_m` from its centre, for a wind whose plume frame is
/// (`ex`, `ey`) ([`PlumeGeometry::downwind`]): the v with |u·ex − v·ey| ≤ half (the grid's x)
/// and |u·ey + v·ex| ≤ half (its y). Empty (v_lo ≥ v_hi) beyond the cell.
pub fn chord(u_m: f64, half_m: f64, (ex, ey): (f64, f64)) -> (f64, f64) {
    // k·v within [m − half, m + half]: every v where k = 0 and |m| ≤ half, none where |m| > half.
    let span = |k: f64, m: f64| {
        if k.abs() < 1e-12 {
            if m.abs() <= half_m {
                (f64::NEG_INFINITY, f64::INFINITY)
            } else {
                (0.0, 0.0)
            }
        } else {
            let (p, q) = ((m - half_m) / k, (m + half_m) / k);
            (p.min(q), p.max(q))
        }
    };
    let (l1, h1) = span(-ey, -u_m * ex);
    let (l2, h2) = span(ex, -u_m * ey);
    (l1.max(l2), h1.min(h2))
}

/// Mean concentration per unit rate (s m⁻³) over the square cell of side `dx_m` centred at
/// (`x_m`, `y_m`) (local frame), at height `z_m`: exact across the wind, by Gauss–Legendre
/// along it (see the module docs).
pub fn cell_mean(p: &PlumeGeometry, x_m: f64, y_m: f64, dx_m: f64, z_m: f64) -> f64 {
    let z_m = p.receptor_height_m(z_m);
    let half = 0.5 * dx_m;
    let (xc, yc) = p.plume_frame(x_m, y_m);
    let (ex, ey) = (p.downwind.0.abs(), p.downwind.1.abs());
    // The chord's ends are linear in x between the corners' along-wind offsets: ±half·(ex + ey)
    // (the cell's ends) and ±half·|ex − ey|; each stretch between them is integrated apart.
    let (reach, kink) = (half * (ex + ey), half * (ex - ey).abs());
    let step = dx_m / PIECES_PER_CELL;
    // ∫ over the chord at x of C, times √(2π)·u.
    let across = |x: f64| {
        let (v_lo, v_hi) = chord(x - xc, half, p.downwind);
        if v_lo >= v_hi {
            return 0.0;
        }
        let (sy, sz) = p.sigmas.at(x);
        let share = crosswind::profile(&p.sigmas, x, sy).fraction(yc + v_lo, yc + v_hi);
        if share > 0.0 {
            share * vertical_factor(z_m, p.effective_height_m(x), sz, p.lid_m) / sz
        } else {
            0.0
        }
    };
    let mut sum = 0.0;
    for (start, end) in [
        (xc - reach, xc - kink),
        (xc - kink, xc + kink),
        (xc + kink, xc + reach),
    ] {
        let (mut a, end) = (start.max(0.0), end.max(0.0));
        while a < end {
            let b = (a + step.min((MAX_PIECE_FRACTION * a).max(MIN_DISTANCE_M))).min(end);
            // Two-point Gauss–Legendre: exact for cubics.
            let (mid, offset) = (0.5 * (a + b), 0.5 * (b - a) / 3f64.sqrt());
            sum += 0.5 * (b - a) * (across(mid - offset) + across(mid + offset));
            a = b;
        }
    }
    sum / (TAU.sqrt() * p.u_m_s * dx_m * dx_m)
}

/// Replaces each value of `out` (a row of cells centred at (x0 + i·dx, y), filled with centre
/// values by [`PlumeGeometry::fill_row`]) by the cell mean where the plume is narrow;
/// `wide_beyond` is [`wide_beyond_m`] of the plume and the cell size.
pub fn refine_row(
    p: &PlumeGeometry,
    wide_beyond: f64,
    y_m: f64,
    x0_m: f64,
    dx_m: f64,
    z_m: f64,
    out: &mut [f64],
) {
    let z_m = p.receptor_height_m(z_m);
    // (A settling plume's regime changes along it where its axis crosses the lid: its cells
    // are all refined, each sample in its own regime.)
    let penetrated = p.settling_velocity_m_s == 0.0
        && p.lid_m.is_some_and(|h| p.final_height_m() >= h || z_m > h);
    if penetrated {
        return;
    }
    // Downwind distance is linear along the row, xd = a + b·i: only the cells with
    // xd < `wide_beyond` need a look, a contiguous run of the row.
    let a = p.plume_frame(x0_m, y_m).0;
    let b = p.plume_frame(x0_m + dx_m, y_m).0 - a;
    let len = out.len() as f64;
    let (lo, hi) = if b > 0.0 {
        (0.0, ((wide_beyond - a) / b).ceil().clamp(0.0, len))
    } else if b < 0.0 {
        (((wide_beyond - a) / b).floor().clamp(0.0, len), len)
    } else if a < wide_beyond {
        (0.0, len)
    } else {
        (0.0, 0.0)
    };
    let (lo, hi) = (lo as usize, hi as usize);
    for (i, o) in out.iter_mut().enumerate().take(hi).skip(lo) {
        let x = x0_m + i as f64 * dx_m;
        let (xd, yd) = p.plume_frame(x, y_m);
        if xd >= wide_beyond {
            continue;
        }
        if subsamples(p, xd, yd, dx_m) > 1 {
            *o = cell_mean(p, x, y_m, dx_m, z_m);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::f64::consts::FRAC_1_SQRT_2;

    use super::super::plume::concentration_per_rate;
    use super::*;
    use crate::model::gaussian::sigma::{BriggsFit, Sigmas};

    /// A ground-level plume towards +x from the origin with σy = 0.1x, σz = 0.05x, u = 2 m/s.
    fn plume() -> PlumeGeometry {
        let fit = |a| BriggsFit { a, b: 0.0, p: 0.0 };
        PlumeGeometry {
            x_m: 0.0,
            y_m: 0.0,
            downwind: (1.0, 0.0),
            u_m_s: 2.0,
            sigmas: Sigmas::Briggs {
                y: fit(0.1),
                z: fit(0.05),
            },
            lid_m: None,
            stack_height_m: 0.0,
            rise: None,
            ground_level: false,
            settling_velocity_m_s: 0.0,
        }
    }

    /// The exact mean over a cell of a plume that is narrow across it: ∫C dy over the cell's
    /// width is the crosswind integral (erf), then averaged along x by a fine midpoint rule.
    fn reference_mean(p: &PlumeGeometry, x_m: f64, y_m: f64, dx: f64, z: f64) -> f64 {
        let m = 4000;
        let mut sum = 0.0;
        for a in 0..m {
            let x = x_m - 0.5 * dx + (a as f64 + 0.5) * dx / m as f64;
            let (sy, _) = p.sigmas.at(x);
            let centre = concentration_per_rate(&p.sigmas, p.u_m_s, 0.0, None, x, 0.0, z);
            let s2 = sy * std::f64::consts::SQRT_2;
            let frac = 0.5 * (erf((y_m + 0.5 * dx) / s2) - erf((y_m - 0.5 * dx) / s2));
            sum += centre * sy * (2.0 * std::f64::consts::PI).sqrt() * frac / dx;
        }
        sum / m as f64
    }

    /// The mean over the cell by the midpoint rule on n × n points: the sampled mean this module
    /// replaced, converged where n is large.
    fn midpoint_mean(p: &PlumeGeometry, x_m: f64, y_m: f64, dx_m: f64, z_m: f64, n: u32) -> f64 {
        let z_m = p.receptor_height_m(z_m);
        let h = dx_m / n as f64;
        let mut sum = 0.0;
        for b in 0..n {
            let y = y_m + (b as f64 + 0.5) * h - 0.5 * dx_m;
            for a in 0..n {
                let x = x_m + (a as f64 + 0.5) * h - 0.5 * dx_m;
                let (xd, yd) = p.plume_frame(x, y);
                sum += concentration_per_rate(
                    &p.sigmas,
                    p.u_m_s,
                    p.effective_height_m(xd),
                    p.lid_m,
                    xd,
                    yd,
                    z_m,
                );
            }
        }
        sum / (n * n) as f64
    }

    #[test]
    fn the_cell_holding_the_source_holds_its_mean_wherever_the_source_sits_in_it() {
        // A ground release in a 500 m cell, the wind along the grid and at 45°, the source at
        // the cell's centre and off it: a 16 × 16 sampled mean was 0.38, 4.6, 2.2 and 0.57 of
        // the converged one here (found by review). Also the cell just downwind of the source.
        let mut p = plume();
        for downwind in [(1.0, 0.0), (FRAC_1_SQRT_2, FRAC_1_SQRT_2), (0.94, 0.342)] {
            p.downwind = downwind;
            for (x, y) in [(0.0, 0.0), (-125.0, -46.25), (80.0, 210.0), (500.0, 0.0)] {
                let mean = cell_mean(&p, x, y, 500.0, 1.5);
                let fine = midpoint_mean(&p, x, y, 500.0, 1.5, 2000);
                assert!(
                    (mean / fine - 1.0).abs() < 0.002,
                    "wind {downwind:?}, cell at ({x}, {y}): {mean} vs {fine}"
                );
            }
        }
    }

    /// erf to 1.2e-7 (Numerical Recipes erfc by Chebyshev fit), enough for a 1 % check.
    fn erf(x: f64) -> f64 {
        let z = x.abs();
        let t = 1.0 / (1.0 + 0.5 * z);
        let r = t
            * (-z * z - 1.265_512_23
                + t * (1.000_023_68
                    + t * (0.374_091_96
                        + t * (0.096_784_18
                            + t * (-0.186_288_06
                                + t * (0.278_868_07
                                    + t * (-1.135_203_98
                                        + t * (1.488_515_87
                                            + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
                .exp();
        if x >= 0.0 {
            1.0 - r
        } else {
            r - 1.0
        }
    }

    #[test]
    fn a_narrow_plume_cell_holds_its_mean_within_a_thousandth() {
        let p = plume();
        // 200 m cells 1 km downwind (σy = 100 m): on the axis and straddling the plume's edge.
        for (x, y) in [(1000.0, 0.0), (1000.0, 100.0), (1100.0, 250.0)] {
            let (xd, yd) = p.plume_frame(x, y);
            let n = subsamples(&p, xd, yd, 200.0);
            assert!(n > 1, "{n}");
            let mean = cell_mean(&p, x, y, 200.0, 1.5);
            let exact = reference_mean(&p, x, y, 200.0, 1.5);
            assert!(
                (mean / exact - 1.0).abs() < 0.001,
                "({x}, {y}): {mean} vs {exact}"
            );
        }
    }

    #[test]
    fn the_cell_mean_does_not_depend_on_where_the_plume_crosses_the_cell() {
        // A plume along the edge between two cells and one through a cell's centre put the same
        // amount across a row of cells (σy = 200 m at 2 km; the rows reach beyond ±4σy).
        let p = plume();
        let dx = 200.0;
        let row = |offset: f64| -> f64 {
            (-5..=5)
                .map(|k| {
                    let y = offset + k as f64 * dx;
                    let (xd, yd) = p.plume_frame(2000.0, y);
                    match subsamples(&p, xd, yd, dx) {
                        1 => concentration_per_rate(&p.sigmas, 2.0, 0.0, None, xd, yd, 1.5),
                        _ => cell_mean(&p, 2000.0, y, dx, 1.5),
                    }
                })
                .sum()
        };
        let (on_edge, through) = (row(100.0), row(0.0));
        assert!(
            (on_edge / through - 1.0).abs() < 0.005,
            "{on_edge} vs {through}"
        );
        // Centre values instead miss that: the edge row's peak cell is e^(−1/8) of the other's.
        let centre = |y: f64| concentration_per_rate(&p.sigmas, 2.0, 0.0, None, 2000.0, y, 1.5);
        assert!(centre(100.0) / centre(0.0) < 0.9);
    }

    #[test]
    fn beyond_the_wide_distance_no_cell_is_refined_and_just_before_it_one_is() {
        let p = plume();
        // σy = 0.1x: σy(x − 141.4 m) = 600 m at x = 6141.4 m for 200 m cells.
        let x = wide_beyond_m(&p, 200.0);
        assert!((x - 6141.42).abs() < 0.01, "{x}");
        assert_eq!(subsamples(&p, x + 1e-6, 0.0, 200.0), 1);
        assert_eq!(subsamples(&p, x - 1.0, 0.0, 200.0), 2);
    }

    #[test]
    fn a_cell_across_a_dense_plumes_sharp_edge_holds_its_mean() {
        // 10 kg/s of chlorine in 2 m/s, class D: at 300 m the slumped cloud's σy is several
        // cells, but its flat core ends in edges of the passive σy (24 m), so the 100 m cell
        // across that edge is sampled by the edges' width.
        use crate::model::gaussian::dense::DenseGasSigmas;
        use crate::source::dense_gas::{screen, DensePlume};
        let s = screen(10.0, 0.0709, [288.15; 2], 2.0).unwrap();
        let mut p = plume();
        p.sigmas = Sigmas::DenseGas(DenseGasSigmas::new(
            DensePlume::new(&s),
            s.volume_rate_m3_s,
            2.0,
            super::super::sigma::PassiveSigmas::new(
                crate::scenario::SigmaScheme::Briggs,
                crate::met::StabilityClass::D,
                crate::scenario::Terrain::Rural,
            ),
        ));
        let edge = super::super::crosswind::at(&p.sigmas, 300.0);
        let (sy, _) = p.sigmas.at(300.0);
        assert!(sy > 150.0 && edge.edge_m < 30.0, "{sy} {edge:?}");
        let y = edge.core_m;
        let n = subsamples(&p, 300.0, y, 100.0);
        assert!(n >= 10, "{n}");
        let mean = cell_mean(&p, 300.0, y, 100.0, 1.5);
        let fine = midpoint_mean(&p, 300.0, y, 100.0, 1.5, 400);
        assert!((mean / fine - 1.0).abs() < 0.005, "{mean} vs {fine}");
        // Sampled by σy, as a Gaussian would be (2 × 2), the cell is 3.7 % low.
        let by_sigma_y = (SAMPLES_PER_SIGMA * 100.0 / sy).ceil() as u32;
        let coarse = midpoint_mean(&p, 300.0, y, 100.0, 1.5, by_sigma_y);
        assert!((coarse / fine - 1.0).abs() > 0.03, "{coarse} vs {fine}");
    }

    #[test]
    fn wide_plumes_far_cells_and_upwind_cells_keep_the_centre_value() {
        let p = plume();
        // σy = 1 km ≥ 3 × 200 m: the centre stands for the cell.
        assert_eq!(subsamples(&p, 10_000.0, 0.0, 200.0), 1);
        // 20 σy beside a narrow plume.
        assert_eq!(subsamples(&p, 1000.0, 2500.0, 200.0), 1);
        // Wholly upwind, and the cell holding the source.
        assert_eq!(subsamples(&p, -500.0, 0.0, 200.0), 0);
        assert_eq!(subsamples(&p, 0.0, 0.0, 200.0), MAX_SUBSAMPLES);
    }
}
