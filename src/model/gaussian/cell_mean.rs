//! Grid cells hold the mean concentration over the cell, not the value at its centre.
//!
//! Near a source the plume is narrower than a cell: with σy = 40 m in a 200 m cell the centre
//! value swings from the centreline concentration to almost nothing as the source moves by half
//! a cell, and a zone drawn from centre values appears or vanishes with the grid's alignment (a
//! user test: the AEGL-3 zone of a chlorine release was 0.18 km² at 150 m resolution and none
//! at 200 m). The mean over the cell does not depend on alignment, and it is what a cell of a
//! particle model holds.
//!
//! Where the plume is narrow the cell is split into n × n equal squares and the concentration
//! averaged over their centres (the midpoint rule), with n = ⌈[`SAMPLES_PER_SIGMA`]·Δ/σy⌉
//! for the narrowest σy in the cell (at its upwind corner), at most [`MAX_SUBSAMPLES`]; the
//! rule's relative error on a Gaussian of width σy sampled every Δ/n ≤ σy/3 is below
//! (Δ/nσy)²/24 ≈ 0.5 %. Where σy ≥ 3Δ the centre value is already within 0.5 % of the mean
//! and is kept; a cell more than [`LATERAL_REACH_SIGMAS`] σy beside the plume is left as it is
//! (its mean is below e⁻³² of the centreline). The same rule runs on the GPU
//! (`shaders/gaussian.wgsl`, `cell_mean`). A dense gas's flat-cored profile
//! ([`super::crosswind`]) is sampled by the width of its edges, σe for σy, and a cell is left
//! as it is beyond the core's half-width plus that many σe.

use super::crosswind;
use super::plume::concentration_per_rate;
use super::sigma::MIN_DISTANCE_M;
use super::PlumeGeometry;

/// Sub-samples per σy across a cell.
pub const SAMPLES_PER_SIGMA: f64 = 3.0;
/// Most sub-samples along each side of a cell.
pub const MAX_SUBSAMPLES: u32 = 16;
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

/// Mean concentration per unit rate (s m⁻³) over the square cell of side `dx_m` centred at
/// (`x_m`, `y_m`) (local frame), at height `z_m`, by the midpoint rule on `n` × `n` squares.
pub fn cell_mean(p: &PlumeGeometry, x_m: f64, y_m: f64, dx_m: f64, z_m: f64, n: u32) -> f64 {
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
        let n = subsamples(p, xd, yd, dx_m);
        if n > 1 {
            *o = cell_mean(p, x, y_m, dx_m, z_m, n);
        }
    }
}

#[cfg(test)]
mod tests {
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
    fn a_narrow_plume_cell_holds_its_mean_within_one_percent() {
        let p = plume();
        // 200 m cells 1 km downwind (σy = 100 m): on the axis and straddling the plume's edge.
        for (x, y) in [(1000.0, 0.0), (1000.0, 100.0), (1100.0, 250.0)] {
            let (xd, yd) = p.plume_frame(x, y);
            let n = subsamples(&p, xd, yd, 200.0);
            assert!(n > 1, "{n}");
            let mean = cell_mean(&p, x, y, 200.0, 1.5, n);
            let exact = reference_mean(&p, x, y, 200.0, 1.5);
            assert!(
                (mean / exact - 1.0).abs() < 0.01,
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
                    cell_mean(&p, 2000.0, y, dx, 1.5, subsamples(&p, xd, yd, dx))
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
        let mean = cell_mean(&p, 300.0, y, 100.0, 1.5, n);
        let fine = cell_mean(&p, 300.0, y, 100.0, 1.5, 400);
        assert!((mean / fine - 1.0).abs() < 0.01, "{mean} vs {fine}");
        // Sampled by σy, as a Gaussian would be (2 × 2), the cell is 3.7 % low.
        let by_sigma_y = (SAMPLES_PER_SIGMA * 100.0 / sy).ceil() as u32;
        let coarse = cell_mean(&p, 300.0, y, 100.0, 1.5, by_sigma_y);
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
