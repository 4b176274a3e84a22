//! The grid kernel: the Gaussian plume over one row of receptors, written as branch-free passes
//! over small blocks so the compiler vectorises them.
//!
//! Per block of cells: (1) downwind/crosswind coordinates — a block wholly upwind stops here;
//! (2) 1/σy and the crosswind exponent (a dense gas's flat core with Gaussian edges,
//! [`super::crosswind`]) — a block wholly beside the plume stops here; (3) 1/σz and
//! the vertical factor, in one of two exact forms of the same image sum: the source and its ground
//! image while the lid images lie beyond 11 σz (two exponentials), else the Fourier form (one
//! exponential and a few multiplications per cell); (4) the product. While a stack plume is still
//! rising, cells are recomputed by [`super::plume::concentration_per_rate`]. The exponential
//! [`exp_neg`] is accurate to < 4e-16 relative, so the grid equals the pointwise formula to
//! rounding (tested against it).

use std::f64::consts::{LOG2_E, PI, TAU};

use super::crosswind;
use super::plume::{concentration_per_rate, CROSSWIND_CUTOFF};
use super::sigma::{Sigmas, MIN_DISTANCE_M};
use super::PlumeGeometry;

/// Cells per block: small enough for the block's arrays to stay in L1.
const BLOCK: usize = 32;

/// e^x for x ≤ 0 (0 below −708), branch-free so that loops over it vectorise.
///
/// Cody–Waite reduction x = n·ln 2 + r with |r| ≤ ln 2/2, then e^r by its Taylor series to r¹³
/// (truncation below 4e-18) and 2ⁿ built in the exponent bits. n is rounded by adding and
/// subtracting 1.5·2⁵², whose low mantissa bits then hold n.
#[inline(always)]
pub fn exp_neg(x: f64) -> f64 {
    const MAGIC: f64 = 6_755_399_441_055_744.0;
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    let xc = x.max(-708.0);
    let t = xc * LOG2_E + MAGIC;
    let n = t - MAGIC;
    let r = (xc - n * LN2_HI) - n * LN2_LO;
    // Horner form of Σ r^k/k!, k = 0..13.
    let mut p = 1.0 / 6_227_020_800.0;
    for c in [
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = p * r + c;
    }
    let scale = f64::from_bits(t.to_bits().wrapping_add(1023) << 52);
    let v = p * scale;
    if x < -708.0 {
        0.0
    } else {
        v
    }
}

/// Fills `out[i]` with the steady concentration per unit rate at (x0 + i·dx, y, z) for `p`.
///
/// On x86-64 CPUs with AVX2 the same code is compiled 4 doubles wide (without FMA, so every
/// operation rounds exactly as in the 2-wide SSE2 build and results are bit-identical).
pub fn fill_row(p: &PlumeGeometry, y_m: f64, x0_m: f64, dx_m: f64, z_m: f64, out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { fill_row_avx2(p, y_m, x0_m, dx_m, z_m, out) };
        }
    }
    fill_row_portable(p, y_m, x0_m, dx_m, z_m, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn fill_row_avx2(
    p: &PlumeGeometry,
    y_m: f64,
    x0_m: f64,
    dx_m: f64,
    z_m: f64,
    out: &mut [f64],
) {
    fill_row_portable(p, y_m, x0_m, dx_m, z_m, out)
}

#[inline(always)]
fn fill_row_portable(p: &PlumeGeometry, y_m: f64, x0_m: f64, dx_m: f64, z_m: f64, out: &mut [f64]) {
    let (ex, ey) = p.downwind;
    let dy = y_m - p.y_m;
    let xd0 = (x0_m - p.x_m) * ex + dy * ey;
    let yd0 = -(x0_m - p.x_m) * ey + dy * ex;
    let (sxd, syd) = (dx_m * ex, -dx_m * ey);
    let lid = p.lid_m;
    if p.settling_velocity_m_s > 0.0 {
        // A settling plume's axis descends everywhere, and one that penetrated the lid comes
        // back through it where the axis falls below: cell by cell, exactly (the vertical
        // factor takes the regime at each cell's height of the axis).
        for (i, o) in out.iter_mut().enumerate() {
            let (x, y) = (xd0 + i as f64 * sxd, yd0 + i as f64 * syd);
            *o =
                concentration_per_rate(&p.sigmas, p.u_m_s, p.effective_height_m(x), lid, x, y, z_m);
        }
        return;
    }
    let h_final = p.final_height_m();
    if let Some(h) = lid.filter(|&h| h_final >= h || z_m > h) {
        if h_final >= h && z_m >= h {
            // A penetrated plume above the lid (rare rows): cell by cell, exactly.
            for (i, o) in out.iter_mut().enumerate() {
                let (x, y) = (xd0 + i as f64 * sxd, yd0 + i as f64 * syd);
                *o = concentration_per_rate(
                    &p.sigmas,
                    p.u_m_s,
                    p.effective_height_m(x),
                    lid,
                    x,
                    y,
                    z_m,
                );
            }
        } else {
            // Below a penetrated plume, or above a trapped one: nothing reaches it.
            out.fill(0.0);
        }
        return;
    }
    if lid.is_some_and(|h| z_m + h_final > 1.5 * h) {
        // Receptor and plume both near the lid: the Fourier form would need more than
        // FOURIER_TERMS terms between the regimes, so evaluate these rare rows cell by cell.
        for (i, o) in out.iter_mut().enumerate() {
            let (x, y) = (xd0 + i as f64 * sxd, yd0 + i as f64 * syd);
            *o =
                concentration_per_rate(&p.sigmas, p.u_m_s, p.effective_height_m(x), lid, x, y, z_m);
        }
        return;
    }
    // A stack still rising inside the grid needs H(x) per cell: take the exact path there.
    let rise_done_m = p.rise.map_or(0.0, |r| r.distance_to_final_rise_m());
    let inv_2pi_u = 1.0 / (TAU * p.u_m_s);
    // Two terms (source and ground image) suffice while the lid images lie beyond 11 σz:
    // 2h − (z + H) > 11 σz. Past that, the Fourier form of the image sum takes over.
    let sz_two_term = lid.map_or(f64::INFINITY, |h| (2.0 * h - z_m - h_final) / 11.0);
    let fourier = lid.map(|h| FourierRow::new(h, z_m, h_final));
    let (zm, zp) = (z_m - h_final, z_m + h_final);

    let (mut xd, mut yd) = ([0.0; BLOCK], [0.0; BLOCK]);
    let (mut isy, mut isz) = ([0.0; BLOCK], [0.0; BLOCK]);
    let (mut ay, mut a1, mut a2, mut v) = ([0.0; BLOCK], [0.0; BLOCK], [0.0; BLOCK], [0.0; BLOCK]);
    for (b, chunk) in out.chunks_mut(BLOCK).enumerate() {
        let n = chunk.len();
        let i0 = (b * BLOCK) as f64;
        let mut downwind = false;
        for k in 0..n {
            xd[k] = xd0 + (i0 + k as f64) * sxd;
            yd[k] = yd0 + (i0 + k as f64) * syd;
            downwind |= xd[k] > 0.0;
        }
        if !downwind {
            chunk.fill(0.0);
            continue;
        }
        fill_inverse_sigma_y(&p.sigmas, &xd[..n], &mut isy[..n]);
        // The crosswind exponent: a dense gas's flat core with Gaussian edges, or the
        // Gaussian's, in its own loop so that the passive one stays branch-free.
        if matches!(p.sigmas, Sigmas::DenseGas(_)) {
            for k in 0..n {
                ay[k] = crosswind::profile(&p.sigmas, xd[k], 1.0 / isy[k]).exponent(yd[k]);
            }
        } else {
            for k in 0..n {
                ay[k] = yd[k] * yd[k] * 0.5 * isy[k] * isy[k];
            }
        }
        let mut any = false;
        for k in 0..n {
            let e = ay[k];
            let inside = xd[k] > 0.0 && e <= CROSSWIND_CUTOFF;
            ay[k] = if inside { -e } else { -1000.0 };
            any |= inside;
        }
        // Most blocks of a row lie upwind or beside the plume: nothing more to compute there.
        if !any {
            chunk.fill(0.0);
            continue;
        }
        fill_inverse_sigma_z(&p.sigmas, &xd[..n], &mut isz[..n]);
        let (mut two_term, mut far) = (false, false);
        for k in 0..n {
            if ay[k] > -1000.0 {
                let near = isz[k] * sz_two_term > 1.0;
                two_term |= near;
                far |= !near;
            }
        }
        for e in &mut ay[..n] {
            *e = exp_neg(*e);
        }
        if two_term {
            for k in 0..n {
                let s = 0.5 * isz[k] * isz[k];
                a1[k] = exp_neg(-zm * zm * s);
                a2[k] = exp_neg(-zp * zp * s);
                // V·/σz, so that C = e_y·V/(2π u σy σz) below.
                v[k] = (a1[k] + a2[k]) * isz[k];
            }
        }
        if let (true, Some(f)) = (far, &fourier) {
            f.fill(&isz[..n], sz_two_term, &mut v[..n]);
        }
        for k in 0..n {
            chunk[k] = ay[k] * v[k] * inv_2pi_u * isy[k];
        }
        // Exact pass while the plume is still rising.
        if xd[0].min(xd[n - 1]) < rise_done_m {
            for k in 0..n {
                if ay[k] > 0.0 && xd[k] < rise_done_m {
                    chunk[k] = concentration_per_rate(
                        &p.sigmas,
                        p.u_m_s,
                        p.effective_height_m(xd[k]),
                        lid,
                        xd[k],
                        yd[k],
                        z_m,
                    );
                }
            }
        }
    }
}

/// The lid's image sum in Fourier form for one receptor height and plume height:
/// V/σz = (√(2π)/h)·[1 + 2·Σₖ w^(k²)·cos(kπz/h)·cos(kπH/h)], w = exp(−π²σz²/(2h²)).
/// The powers w^(k²) come by multiplication (w^((k+1)²) = w^(k²)·w^(2k+1)), so a cell costs one
/// exponential however many terms it needs.
struct FourierRow {
    h_m: f64,
    /// cos(kπz/h)·cos(kπH/h) for k = 1…
    c: [f64; FOURIER_TERMS],
}

/// Most Fourier terms a cell may need: w^(k²) < e⁻³⁹ once k² > 39/a. Past the two-term limit
/// σz ≥ (2h − z − H)/11 ≥ h/22 (rows with z + H > 1.5 h go cell by cell), so a ≥ π²/(2·22²) =
/// 0.0102 and k ≤ 62.
const FOURIER_TERMS: usize = 64;

impl FourierRow {
    fn new(h_m: f64, z_m: f64, h_eff_m: f64) -> Self {
        // cos(kθ) by the Chebyshev recurrence cos((k+1)θ) = 2 cos θ cos kθ − cos((k−1)θ):
        // two cosines per row instead of 2·FOURIER_TERMS (error grows ~k ulp, < 1e-14 here).
        let cos_series = |theta: f64| {
            let mut c = [0.0; FOURIER_TERMS + 1];
            c[0] = 1.0;
            c[1] = theta.cos();
            for k in 1..FOURIER_TERMS {
                c[k + 1] = 2.0 * c[1] * c[k] - c[k - 1];
            }
            c
        };
        let (cz, ch) = (cos_series(PI * z_m / h_m), cos_series(PI * h_eff_m / h_m));
        let mut c = [0.0; FOURIER_TERMS];
        for (k, ck) in c.iter_mut().enumerate() {
            *ck = cz[k + 1] * ch[k + 1];
        }
        FourierRow { h_m, c }
    }

    /// Writes V/σz into `v[k]` for cells whose σz is past the two-term limit `sz_two_term`.
    #[inline(always)]
    fn fill(&self, isz: &[f64], sz_two_term: f64, v: &mut [f64]) {
        let n = isz.len();
        let h = self.h_m;
        let k_a = PI * PI / (2.0 * h * h);
        let (mut a, mut wk, mut q, mut w2, mut sum) = (
            [0.0; BLOCK],
            [0.0; BLOCK],
            [0.0; BLOCK],
            [0.0; BLOCK],
            [0.0; BLOCK],
        );
        let mut a_min = f64::INFINITY;
        for k in 0..n {
            a[k] = k_a / (isz[k] * isz[k]);
            if isz[k] * sz_two_term <= 1.0 {
                a_min = a_min.min(a[k]);
            }
        }
        let terms = ((39.0 / a_min).sqrt().ceil() as usize).clamp(1, FOURIER_TERMS);
        for k in 0..n {
            let w = exp_neg(-a[k]);
            w2[k] = w * w;
            wk[k] = w;
            q[k] = w2[k] * w;
        }
        for c in &self.c[..terms] {
            for k in 0..n {
                sum[k] += c * wk[k];
                wk[k] *= q[k];
                q[k] *= w2[k];
            }
        }
        let scale = TAU.sqrt() / h;
        for k in 0..n {
            if isz[k] * sz_two_term <= 1.0 {
                v[k] = scale * (1.0 + 2.0 * sum[k]).max(0.0);
            }
        }
    }
}

/// 1/σy for a block of downwind distances (floored at 1 m); the Briggs branch vectorises.
#[inline(always)]
fn fill_inverse_sigma_y(s: &Sigmas, xd: &[f64], isy: &mut [f64]) {
    match s {
        // Briggs σy always has p = −½ (both terrains): 1/σy = √(1 + b·x)/(a·x).
        Sigmas::Briggs { y, .. } if y.p == -0.5 => {
            let (a, b) = (y.a, y.b);
            for (o, &x) in isy.iter_mut().zip(xd) {
                let x = x.max(MIN_DISTANCE_M);
                *o = (1.0 + b * x).sqrt() / (a * x);
            }
        }
        _ => {
            for (o, &x) in isy.iter_mut().zip(xd) {
                *o = 1.0 / s.at(x).0;
            }
        }
    }
}

/// 1/σz for a block of downwind distances (floored at 1 m); the Briggs exponents ±½, −1 and 0
/// each get a loop that vectorises.
#[inline(always)]
fn fill_inverse_sigma_z(s: &Sigmas, xd: &[f64], isz: &mut [f64]) {
    let Sigmas::Briggs { z, .. } = s else {
        for (o, &x) in isz.iter_mut().zip(xd) {
            *o = 1.0 / s.at(x).1;
        }
        return;
    };
    let (a, b) = (z.a, z.b);
    let it = isz.iter_mut().zip(xd.iter().map(|x| x.max(MIN_DISTANCE_M)));
    if z.p == -0.5 {
        it.for_each(|(o, x)| *o = (1.0 + b * x).sqrt() / (a * x));
    } else if z.p == 0.5 {
        it.for_each(|(o, x)| *o = 1.0 / (a * x * (1.0 + b * x).sqrt()));
    } else if z.p == -1.0 {
        it.for_each(|(o, x)| *o = (1.0 + b * x) / (a * x));
    } else if z.p == 0.0 {
        it.for_each(|(o, x)| *o = 1.0 / (a * x));
    } else {
        it.for_each(|(o, x)| *o = 1.0 / z.sigma_m(x));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::LN_2;

    #[test]
    fn exp_neg_matches_std_exp_to_a_few_ulp() {
        let mut worst: f64 = 0.0;
        let mut x = 0.0;
        while x > -708.0 {
            let (a, b) = (exp_neg(x), x.exp());
            worst = worst.max(((a - b) / b).abs());
            x -= 0.013_7;
        }
        assert!(worst < 4e-16, "worst relative error {worst:e}");
        assert_eq!(exp_neg(0.0), 1.0);
        assert_eq!(exp_neg(-1000.0), 0.0);
        assert_eq!(exp_neg(f64::NEG_INFINITY), 0.0);
    }

    #[test]
    fn vector_widths_give_bit_identical_rows() {
        use crate::geo::{LatLon, TransverseMercator};
        use crate::met::{BoundaryLayer, StabilityClass, UniformMet};
        use crate::scenario::{SigmaScheme, Terrain};
        let tm = TransverseMercator::new(LatLon::new(45.0, -66.0));
        let met = UniformMet {
            wind_speed_m_s: 4.0,
            reference_height_m: 10.0,
            wind_from_deg: 235.0,
            boundary_layer: BoundaryLayer {
                friction_velocity_m_s: 0.3,
                obukhov_length_m: f64::INFINITY,
                mixing_height_m: 300.0,
                roughness_length_m: 0.1,
                stability: StabilityClass::C,
            },
            precipitation_mm_h: 0.0,
            air_temperature_k: 288.0,
            sigma_theta_deg: None,
        };
        let src = crate::source::Source {
            name: "s".into(),
            location: tm.inverse(-3000.0, -2000.0),
            height_m: 30.0,
            start_s: 0.0,
            duration_s: 1.0,
            releases: vec![],
            stack: None,
            release_temperature_k: None,
            reactor: false,
            aerosol: None,
        };
        let p = PlumeGeometry::new(&src, &met, SigmaScheme::Briggs, Terrain::Rural, &tm);
        // Only a CPU with AVX2 has a second kernel to compare (elsewhere `fill_row` is the
        // portable one itself); say so rather than pass by comparing it with itself.
        #[cfg(target_arch = "x86_64")]
        let avx2 = std::arch::is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        let avx2 = false;
        if !avx2 {
            eprintln!("skipping the AVX2 comparison: this CPU has no AVX2");
            return;
        }
        let (mut a, mut b) = (vec![0.0; 777], vec![0.0; 777]);
        for j in 0..40 {
            let y = -4000.0 + 250.0 * j as f64;
            fill_row(&p, y, -5000.0, 37.0, 1.5, &mut a);
            fill_row_portable(&p, y, -5000.0, 37.0, 1.5, &mut b);
            assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
        }
        assert!(a.iter().any(|&v| v > 0.0) || b.iter().any(|&v| v > 0.0));
    }

    #[test]
    fn ln2_split_is_exact_enough() {
        assert!((6.931_471_803_691_238e-1 + 1.908_214_929_270_587_7e-10 - LN_2).abs() < 1e-17);
    }
}
