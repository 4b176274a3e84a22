//! Skewed vertical turbulence of the convective boundary layer.
//!
//! In a convective layer narrow, strong updrafts cover less than half the area and broad, weak
//! downdrafts the rest, so the vertical velocity is positively skewed (S = ⟨w³⟩/σw³ ≈ 0.6–1 in
//! mid-layer). A Gaussian Langevin model ignores this, and an elevated plume then comes down
//! too late: in Willis & Deardorff's (1981) water tank the centreline of a release at a quarter
//! of the layer reached the ground within one convective time scale, carried by the
//! downdrafts, where Gaussian turbulence keeps it aloft.
//!
//! ## The PDF
//! Luhar, Hibberd & Hurley (1996) take P(w) as two Gaussians, updrafts (fraction A, mean w_A,
//! spread σ_A) and downdrafts (B = 1 − A, mean −w_B, spread σ_B), with w_A = m·σ_A and
//! w_B = m·σ_B, m = ⅔·S^⅓ (FLEXPART's `cbl.f90` convention, which the r-closure below assumes). With r = (1 + m²)³S²/((3 + m²)²m²) the zero mean, the variance σw²
//! and the third moment ⟨w³⟩ give
//!
//! `A = ½(1 − √(r/(4 + r)))`, `σ_A = σw·√(B/(A(1 + m²)))`, `σ_B = σw·√(A/(B(1 + m²)))`.
//!
//! The third moment follows Luhar, Hibberd & Borgas (2000), `⟨w³⟩ = 1.2·ζ(1 − ζ)^(3/2)·w*³`
//! with ζ = z/h, which vanishes at the ground and the lid (where the particles reflect, a
//! symmetric PDF is needed) and peaks at 0.22 w*³ at ζ = 0.4. It is scaled by Cassiani, Stohl &
//! Brioude's (2015) transition from neutral to convective, 0 for −h/L ≤ 5 rising on a sine to 1
//! at −h/L ≥ 15.
//!
//! ## The drift
//! Thomson's (1987) well-mixed condition in one dimension fixes the drift of
//! `dw = a(w, z)dt + √(2σw²/T_Lw)·dW`:
//!
//! `a = (−(σw²/T_Lw)·Q + Φ)/P`, `Q = −∂P/∂w`, `Φ = −∫₋∞^w w′·∂P/∂z dw′`,
//!
//! which for the bi-Gaussian P has a closed form (Luhar, Hibberd & Hurley 1996), written out in
//! [`BiGaussian::q_phi`] and checked in the tests against the integral by quadrature. Since the
//! mean velocity is zero at every height, Φ is also `∫_w^∞ w′·∂P/∂z dw′`; for w > 0 that form
//! is used, because in the updraft tail the integral from −∞ is a difference of O(1) numbers
//! that leaves the tiny Φ to rounding (in f32, 5 % of the drift at ŵ = 8). The
//! z-derivatives of A, w_A, w_B, σ_A, σ_B follow from those of σw and ⟨w³⟩ by the chain rule
//! ([`bi_gaussian`]).
//!
//! ## In the normalised variable
//! The particles carry ŵ = w/σw(z) ([`super::step`]). Since dz = w·dt carries no noise,
//! `dŵ = (a/σw − ŵ²·∂σw/∂z)dt + √(2/T_Lw)·dW`. Splitting a = −w/T_Lw + g, the linear part is
//! integrated exactly as the Gaussian scheme does (r = e^(−Δt/T_Lw)) and the rest explicitly:
//!
//! `ŵ ← r·ŵ + (g/σw − ŵ²·∂σw/∂z)·Δt + √(1 − r²)·ξ`.
//!
//! For S → 0 the PDF is Gaussian, g = σw·∂σw/∂z·(1 + ŵ²), and the update is the Gaussian
//! scheme's `r·ŵ + ∂σw/∂z·Δt + √(1 − r²)·ξ` exactly. (S is held at 0.05 or more, with no
//! gradient below that: the closure's S^⅓ makes the drift singular where S → 0.)
//!
//! A particle further than six spreads from both Gaussians (P < 10⁻⁸ of its peak, where a is
//! a ratio of underflowing numbers) draws a new velocity from P instead, as FLEXPART does
//! (Cassiani et al. 2015); so does one whose step exceeds half of T_Lw ([`MAX_EXPLICIT_STEP`];
//! only where the minimum step binds), where the explicit drift would overshoot and the new
//! velocity has forgotten the old one anyway.
//!
//! Everything is f32 with `+ − × ÷`, square roots and bit casts only, so that the WGSL twin in
//! `shaders/lagrangian.wgsl` computes the same numbers.
//!
//! ## References
//! - Luhar, A.K., Hibberd, M.F., Hurley, P.J. (1996) Atmos. Environ. 30:1407–1418,
//!   doi:10.1016/1352-2310(95)00464-5 — the bi-Gaussian PDF, its closure and the drift.
//! - Luhar, A.K., Britter, R.E. (1989) Atmos. Environ. 23:1911–1924 — the skewed CBL Langevin
//!   model.
//! - Luhar, A.K., Hibberd, M.F., Borgas, M.S. (2000) Atmos. Environ. 34:3599–3616 — the
//!   ⟨w³⟩ profile.
//! - Cassiani, M., Stohl, A., Brioude, J. (2015) Boundary-Layer Meteorol. 154:367–390,
//!   doi:10.1007/s10546-014-9976-5 — the scheme in FLEXPART, the stability transition.
//! - Thomson, D.J. (1987) J. Fluid Mech. 180:529–556 — the well-mixed condition.
//! - Willis, G.E., Deardorff, J.W. (1981) Atmos. Environ. 15:109–117 — elevated release in a
//!   convective tank.
//! - Press, W.H., Teukolsky, S.A., Vetterling, W.T., Flannery, B.P. (1992) Numerical Recipes,
//!   2nd ed., §6.2 — the Chebyshev fit of erfc with a fractional error < 1.2·10⁻⁷.

use super::mathf::exp_neg_poly;
use crate::met::turbulence::convective_transition;
use crate::met::BoundaryLayer;

// The constants below are `pub` so that tests/gpu_shaders.rs can check the WGSL twin's.

/// ⟨w³⟩ = this·ζ(1 − ζ)^(3/2)·w*³ (Luhar, Hibberd & Borgas 2000).
pub const THIRD_MOMENT_COEFF: f32 = 1.2;
/// Smallest skewness the PDF takes. The closure's m ∝ S^⅓ makes the PDF's z-derivatives, and
/// with them the drift, grow like S^(−⅓)·∂S/∂z where S → 0 with a finite gradient (at the ground,
/// S ∝ z): one step from ŵ = 6 at the ground of a layer with −h/L = 10³ gave ŵ = 24. Holding S at
/// this floor, with no gradient, removes the singularity; it binds only in the lowest thousandth
/// or so of a convective layer (S ≈ 25ζ there), where particles reflect off the ground.
pub const MIN_SKEWNESS: f32 = 0.05;
/// m = w_A/σ_A = w_B/σ_B = this·S^⅓ (Luhar, Hibberd & Hurley 1996).
pub const SPREAD_TO_MEAN: f32 = 2.0 / 3.0;
/// A velocity this many spreads from both Gaussians is drawn anew from P.
pub const REDRAW_SPREADS: f32 = 6.0;
/// Longest step, in units of T_Lw, taken with the explicit drift; a longer one (only where the
/// 0.1 s minimum step exceeds T_Lw, within tens of centimetres of the ground) draws the velocity
/// anew from P, its distribution once the step has forgotten the old one.
pub const MAX_EXPLICIT_STEP: f32 = 0.5;
/// Inside a skewed layer a sub-step is this fraction of the Gaussian scheme's c·T_Lw. The
/// explicit part of the update is first order: at c·T_Lw with c = 0.2 a convective layer
/// started uniform drifts out of uniform (χ² 36 on 19 degrees of freedom, p < 0.01; 23 and 16
/// at c = 0.1 for two seeds), and its dry deposit moves by 4 % when Δt_max halves from 60 s.
pub const STEP_FRACTION: f32 = 0.5;
/// 1/√(2π) and 1/√2.
pub const INV_SQRT_2PI: f32 = 0.398_942_3;
pub const INV_SQRT_2: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// The column's w*³ times the convective transition (m³ s⁻³): 0 unless −h/L > 5, w*³ from
/// −h/L ≥ 15 ([`convective_transition`], Cassiani, Stohl & Brioude 2015).
pub fn third_moment_scale_m3_s3(bl: &BoundaryLayer) -> f64 {
    bl.convective_velocity_m_s().powi(3) * convective_transition(bl)
}

/// ⟨w³⟩ (m³ s⁻³) and ∂⟨w³⟩/∂z (m² s⁻³) at `z_m` in a layer of depth `lid_m` with scale `w3`
/// ([`third_moment_scale_m3_s3`]); ζ is clamped to [0, 1].
#[inline(always)]
pub fn third_moment(z_m: f32, lid_m: f32, w3: f32) -> (f32, f32) {
    let zeta = (z_m / lid_m).clamp(0.0, 1.0);
    let root = (1.0 - zeta).sqrt();
    let m3 = THIRD_MOMENT_COEFF * w3 * zeta * (1.0 - zeta) * root;
    let dm3 = THIRD_MOMENT_COEFF * w3 / lid_m * root * (1.0 - 2.5 * zeta);
    (m3, dm3)
}

/// The bi-Gaussian PDF at one height and the z-derivatives of its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BiGaussian {
    /// Updraft fraction A (B = 1 − A).
    pub a: f32,
    /// Updraft mean w_A > 0 and downdraft mean magnitude w_B > 0 (m/s).
    pub wa: f32,
    pub wb: f32,
    /// Spreads σ_A, σ_B (m/s).
    pub sa: f32,
    pub sb: f32,
    /// ∂A/∂z, ∂w_A/∂z, ∂w_B/∂z, ∂σ_A/∂z, ∂σ_B/∂z.
    pub da: f32,
    pub dwa: f32,
    pub dwb: f32,
    pub dsa: f32,
    pub dsb: f32,
}

/// x^⅓ for a positive normal f32: Kahan's bit estimate, then three Newton steps.
#[inline(always)]
pub fn cbrt_poly(x: f32) -> f32 {
    let mut y = f32::from_bits(x.to_bits() / 3 + 709_921_077);
    for _ in 0..3 {
        y = (2.0 * y + x / (y * y)) / 3.0;
    }
    y
}

/// The standard normal tail ∫ₓ^∞ e^(−t²/2)/√(2π) dt = ½·erfc(x/√2), with a relative error
/// under 4·10⁻⁷ + 1.5·10⁻⁷·x² (mostly f32 rounding of x²/2) at every x: far in the tail too,
/// where 1 − C(x) from an erf would be all rounding.
/// erfc(z) = t·exp(−z² − 1.26551223 + t·(1.00002368 + …)), t = 1/(1 + z/2), for z ≥ 0 (Press
/// et al. 1992, §6.2: fractional error < 1.2·10⁻⁷), and 2 − erfc(−z) below.
#[inline(always)]
pub fn normal_tail(x: f32) -> f32 {
    let z = x.abs() * INV_SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -1.265_512_2
        + t * (1.000_023_7
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_204
                                + t * (1.488_515_9 + t * (-0.822_152_2 + t * 0.170_872_77))))))));
    let upper = 0.5 * t * exp_neg_poly(poly - z * z);
    if x < 0.0 {
        1.0 - upper
    } else {
        upper
    }
}

/// The bi-Gaussian of Luhar, Hibberd & Hurley (1996) with standard deviation `sw` (σw) and
/// third moment `m3` (⟨w³⟩ > 0), and its parameters' z-derivatives from `dsw` (∂σw/∂z) and
/// `dm3` (∂⟨w³⟩/∂z).
#[inline(always)]
pub fn bi_gaussian(sw: f32, dsw: f32, m3: f32, dm3: f32) -> BiGaussian {
    let sw3 = sw * sw * sw;
    let s_raw = m3 / sw3;
    // Below MIN_SKEWNESS the PDF keeps that skewness with no gradient (see the constant).
    let low = s_raw < MIN_SKEWNESS;
    let s = if low { MIN_SKEWNESS } else { s_raw };
    let ds = if low {
        0.0
    } else {
        dm3 / sw3 - 3.0 * s * dsw / sw
    };
    let m = SPREAD_TO_MEAN * cbrt_poly(s);
    let dm = m * ds / (3.0 * s);
    let m2 = m * m;
    let dm2 = 2.0 * m * dm;
    let p = 1.0 + m2;
    let q = 3.0 + m2;
    // x = √r; every factor is positive, so d ln x is the sum of the factors' d ln.
    let x = p * p.sqrt() * s / (q * m);
    let dx = x * (1.5 * dm2 / p + ds / s - dm2 / q - dm / m);
    let r = x * x;
    let sq = (4.0 + r).sqrt();
    let dsq = x * dx / sq;
    let a = 0.5 * (1.0 - x / sq);
    let da = -0.5 * (dx - x * dsq / sq) / sq;
    let b = 1.0 - a;
    let db = -da;
    let sa = sw * (b / (a * p)).sqrt();
    let sb = sw * (a / (b * p)).sqrt();
    let dsa = sa * (dsw / sw + 0.5 * (db / b - da / a - dm2 / p));
    let dsb = sb * (dsw / sw + 0.5 * (da / a - db / b - dm2 / p));
    BiGaussian {
        a,
        wa: m * sa,
        wb: m * sb,
        sa,
        sb,
        da,
        dwa: dm * sa + m * dsa,
        dwb: dm * sb + m * dsb,
        dsa,
        dsb,
    }
}

impl BiGaussian {
    /// P(w) (s/m).
    pub fn pdf(&self, w: f32) -> f32 {
        let (pa, pb) = self.parts(w);
        self.a * pa + (1.0 - self.a) * pb
    }

    /// The two Gaussians' densities at w.
    #[inline(always)]
    fn parts(&self, w: f32) -> (f32, f32) {
        let (ua, ub) = ((w - self.wa) / self.sa, (w + self.wb) / self.sb);
        (
            INV_SQRT_2PI / self.sa * exp_neg_poly(-0.5 * ua * ua),
            INV_SQRT_2PI / self.sb * exp_neg_poly(-0.5 * ub * ub),
        )
    }

    /// Whether w is more than six spreads from both Gaussians, where P underflows and the
    /// velocity is drawn anew.
    #[inline(always)]
    pub fn beyond(&self, w: f32) -> bool {
        (w - self.wa).abs() > REDRAW_SPREADS * self.sa
            && (w + self.wb).abs() > REDRAW_SPREADS * self.sb
    }

    /// P, Q = −∂P/∂w, Φ = −∫₋∞^w w′·∂P/∂z dw′ and the upper partial moment
    /// M = ∫_w^∞ w′P dw′ at w (meaningful where not [`BiGaussian::beyond`]).
    #[inline(always)]
    pub fn q_phi(&self, w: f32) -> (f32, f32, f32, f32) {
        let (a, b) = (self.a, 1.0 - self.a);
        let (sa2, sb2) = (self.sa * self.sa, self.sb * self.sb);
        let (dwa, dwb) = (w - self.wa, w + self.wb);
        let (pa, pb) = self.parts(w);
        let p = a * pa + b * pb;
        let q = a * dwa / sa2 * pa + b * dwb / sb2 * pb;
        // Φ = −∂/∂z ∫₋∞^w w′P dw′ = ∂/∂z ∫_w^∞ w′P dw′ (the mean is zero at every height).
        // Each is taken over the tail on w's side (s = ∓1 below and above zero): the other
        // would, far in the updraft tail, be a difference of O(1) numbers whose rounding, divided
        // by the tiny P there, swamps the drift. For each Gaussian (weight α, mean μ, spread σ,
        // u = (w − μ)/σ, density N, T the normal tail beyond s·u),
        // Φ = s·∂/∂z [A·M_A + B·M_B], M = μT + sσ²N, ∂M/∂z = μ′T + sN·(w(μ′ + uσ′) + σσ′),
        // ∂B/∂z = −∂A/∂z.
        let s = if w > 0.0 { 1.0 } else { -1.0 };
        let (ua, ub) = (dwa / self.sa, dwb / self.sb);
        let (ta, tb) = (normal_tail(s * ua), normal_tail(s * ub));
        let ma = self.wa * ta + s * sa2 * pa;
        let mb = -self.wb * tb + s * sb2 * pb;
        let dma = self.dwa * ta + s * pa * (w * (self.dwa + ua * self.dsa) + self.sa * self.dsa);
        let dmb = -self.dwb * tb + s * pb * (w * (-self.dwb + ub * self.dsb) + self.sb * self.dsb);
        let phi = s * (self.da * (ma - mb) + a * dma + b * dmb);
        (p, q, phi, s * (a * ma + b * mb))
    }

    /// A velocity drawn from P: the updraft Gaussian when C(`branch`) < A (C the standard normal
    /// distribution function), else the downdraft one, at `value` standard normals from its mean.
    #[inline(always)]
    pub fn draw(&self, value: f32, branch: f32) -> f32 {
        if normal_tail(-branch) < self.a {
            self.wa + self.sa * value
        } else {
            -self.wb + self.sb * value
        }
    }
}

/// The new normalised vertical velocity ŵ after Δt = `dt_s` at a height where the column
/// gives σw = `sw`, ∂σw/∂z = `dsw`, 1/T_Lw = `inv_t`, ⟨w³⟩, ∂⟨w³⟩/∂z = `m3`, `dm3`, and
/// ∂lnρ/∂z = `dlnrho` (whose drift, with ρ(z)·P(w, z) in the well-mixed condition, is
/// ∂lnρ/∂z·M/P, M = ∫_w^∞ w′P dw′: σw²·∂lnρ/∂z for a Gaussian, Stohl & Thomson 1999);
/// `xi` are the sub-step's normals (the third drives the velocity, the fourth picks the
/// Gaussian when a velocity is drawn anew). `drift` false drops the well-mixed drift, as the
/// Gaussian scheme's negative control does.
#[inline(always)]
#[allow(clippy::too_many_arguments)] // the column's numbers at one height, as the lanes hold them
pub fn update(
    wn: f32,
    sw: f32,
    dsw: f32,
    inv_t: f32,
    m3: f32,
    dm3: f32,
    dlnrho: f32,
    dt_s: f32,
    xi: [f32; 4],
    drift: bool,
) -> f32 {
    // Without branches (both outcomes computed, one selected), so that the lanes vectorise.
    let pdf = bi_gaussian(sw, dsw, m3, dm3);
    let w = sw * wn;
    let (p, q, phi, moment) = pdf.q_phi(w);
    let rw = exp_neg_poly(-dt_s * inv_t);
    let noise = (1.0 - rw * rw).max(0.0).sqrt() * xi[2];
    // g = a + w/T_Lw = (σw²/T_Lw)(w/σw² − Q/P) + (Φ + ∂lnρ/∂z·M)/P.
    let g = sw * sw * inv_t * (w / (sw * sw) - q / p) + (phi + dlnrho * moment) / p;
    let drift_term = if drift {
        (g / sw - wn * wn * dsw) * dt_s
    } else {
        0.0
    };
    let kept = rw * wn + drift_term + noise;
    let drawn = pdf.draw(xi[2], xi[3]) / sw;
    if pdf.beyond(w) || dt_s * inv_t > MAX_EXPLICIT_STEP {
        drawn
    } else {
        kept
    }
}

/// ŵ of a particle released at a height with σw = `sw` and ⟨w³⟩ = `m3`, drawn from P with
/// the normals `value` and `branch`.
#[inline(always)]
pub fn initial(sw: f32, m3: f32, value: f32, branch: f32) -> f32 {
    bi_gaussian(sw, 0.0, m3, 0.0).draw(value, branch) / sw
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A convective column's numbers at ζ = `zeta` of a 1000 m layer, w* = 2 m/s: σw and its
    /// gradient from a smooth profile, ⟨w³⟩ from the module's.
    fn at(zeta: f32) -> (f32, f32, f32, f32) {
        let h = 1000.0;
        let sw = 0.6 + 0.9 * (std::f32::consts::PI * zeta).sin();
        let dsw = 0.9 * std::f32::consts::PI / h * (std::f32::consts::PI * zeta).cos();
        let (m3, dm3) = third_moment(zeta * h, h, 8.0);
        (sw, dsw, m3, dm3)
    }

    #[test]
    fn bi_gaussian_has_zero_mean_and_the_given_variance_and_third_moment() {
        for zeta in [0.02, 0.1, 0.3, 0.5, 0.8, 0.97] {
            let (sw, dsw, m3, dm3) = at(zeta);
            let g = bi_gaussian(sw, dsw, m3, dm3);
            let (a, b) = (f64::from(g.a), 1.0 - f64::from(g.a));
            let (wa, wb, sa, sb) = (g.wa as f64, g.wb as f64, g.sa as f64, g.sb as f64);
            let mean = a * wa - b * wb;
            let var = a * (wa * wa + sa * sa) + b * (wb * wb + sb * sb);
            let third =
                a * (wa.powi(3) + 3.0 * wa * sa * sa) - b * (wb.powi(3) + 3.0 * wb * sb * sb);
            let sw = f64::from(sw);
            assert!(mean.abs() < 1e-6 * sw, "ζ {zeta}: mean {mean}");
            assert!((var / (sw * sw) - 1.0).abs() < 1e-5, "ζ {zeta}: var {var}");
            assert!(
                (third / f64::from(m3) - 1.0).abs() < 1e-4,
                "ζ {zeta}: third {third} vs {m3}"
            );
            assert!(g.a < 0.5 && wa > wb, "updrafts narrower and stronger");
        }
    }

    #[test]
    fn derivatives_match_finite_differences_of_the_parameters() {
        for zeta in [0.05, 0.2, 0.45, 0.7, 0.9] {
            let (sw, dsw, m3, dm3) = at(zeta);
            let g = bi_gaussian(sw, dsw, m3, dm3);
            let dz = 0.5; // m, in a 1000 m layer
            let up = at(zeta + dz / 1000.0);
            let dn = at(zeta - dz / 1000.0);
            let gu = bi_gaussian(up.0, up.1, up.2, up.3);
            let gd = bi_gaussian(dn.0, dn.1, dn.2, dn.3);
            let fd = |u: f32, d: f32| (f64::from(u) - f64::from(d)) / (2.0 * f64::from(dz));
            for (name, analytic, numeric, scale) in [
                ("A", g.da, fd(gu.a, gd.a), 1e-3),
                ("w_A", g.dwa, fd(gu.wa, gd.wa), 2e-3),
                ("w_B", g.dwb, fd(gu.wb, gd.wb), 2e-3),
                ("σ_A", g.dsa, fd(gu.sa, gd.sa), 2e-3),
                ("σ_B", g.dsb, fd(gu.sb, gd.sb), 2e-3),
            ] {
                let err = (f64::from(analytic) - numeric).abs();
                assert!(
                    err < 2e-2 * numeric.abs() + 1e-2 * scale,
                    "ζ {zeta} ∂{name}/∂z: analytic {analytic}, numeric {numeric}"
                );
            }
        }
    }

    #[test]
    fn phi_is_minus_the_integral_of_the_vertical_flux_divergence_and_q_is_minus_dp_dw() {
        // Φ(w) = −∫₋∞^w w′·∂P/∂z dw′ by the trapezoid rule on central differences in z.
        for zeta in [0.1, 0.4, 0.75] {
            let (sw, dsw, m3, dm3) = at(zeta);
            let g = bi_gaussian(sw, dsw, m3, dm3);
            let dz = 0.5f32;
            let up = at(zeta + dz / 1000.0);
            let dn = at(zeta - dz / 1000.0);
            let (gu, gd) = (
                bi_gaussian(up.0, up.1, up.2, up.3),
                bi_gaussian(dn.0, dn.1, dn.2, dn.3),
            );
            let flux =
                |w: f32| f64::from(w) * (f64::from(gu.pdf(w)) - f64::from(gd.pdf(w))) / (2.0 * 0.5);
            let (lo, hw) = (-6.0 * sw, 1.0e-3 * sw);
            let mut integral = 0.0f64;
            let mut w = lo;
            let mut worst = 0.0f64;
            let mut scale = 0.0f64;
            while w < 5.0 * sw {
                integral += 0.5 * f64::from(hw) * (flux(w) + flux(w + hw));
                w += hw;
                if !g.beyond(w) {
                    let (_, q, phi, _) = g.q_phi(w);
                    worst = worst.max((f64::from(phi) + integral).abs());
                    scale = scale.max(integral.abs());
                    let dpdw = (f64::from(g.pdf(w + 1e-3)) - f64::from(g.pdf(w - 1e-3))) / 2e-3;
                    assert!(
                        (f64::from(q) + dpdw).abs() < 1e-3 * f64::from(g.pdf(0.0)) / f64::from(sw),
                        "ζ {zeta}, w {w}: Q {q} vs −∂P/∂w {}",
                        -dpdw
                    );
                }
            }
            assert!(scale > 0.0);
            assert!(
                worst < 2e-2 * scale,
                "ζ {zeta}: Φ differs from −∫∂P/∂z by {worst} (scale {scale})"
            );
        }
    }

    #[test]
    fn upper_moment_is_the_partial_first_moment_by_quadrature() {
        for zeta in [0.1, 0.4, 0.75] {
            let (sw, dsw, m3, dm3) = at(zeta);
            let g = bi_gaussian(sw, dsw, m3, dm3);
            let hw = 1.0e-3 * f64::from(sw);
            for k in -40..=40 {
                let w = k as f32 * 0.1 * sw;
                if g.beyond(w) {
                    continue;
                }
                let mut integral = 0.0f64;
                let mut x = f64::from(w);
                while x < 9.0 * f64::from(sw) {
                    let f = |v: f64| v * f64::from(g.pdf(v as f32));
                    integral += 0.5 * hw * (f(x) + f(x + hw));
                    x += hw;
                }
                let (_, _, _, m) = g.q_phi(w);
                let scale = f64::from(sw * sw * g.pdf(0.0));
                assert!(
                    (f64::from(m) - integral).abs() < 1e-3 * scale,
                    "ζ {zeta}, w {w}: M {m} vs ∫_w^∞ w′P dw′ {integral}"
                );
            }
        }
    }

    /// Q/P and Φ/P in f64 for the PDF's own (f32) parameters, by the same closed form: Φ as the
    /// integral over the tail on the side of w away from the mean (zero), erfc from libm.
    fn ratios_f64(g: &BiGaussian, w: f64) -> (f64, f64) {
        let f = f64::from;
        let (a, b) = (f(g.a), 1.0 - f(g.a));
        let (wa, wb, sa, sb) = (f(g.wa), f(g.wb), f(g.sa), f(g.sb));
        let (dwa, dwb, dsa, dsb) = (f(g.dwa), f(g.dwb), f(g.dsa), f(g.dsb));
        let (ua, ub) = ((w - wa) / sa, (w + wb) / sb);
        let density =
            |u: f64, s: f64| (-0.5 * u * u).exp() / (s * (2.0 * std::f64::consts::PI).sqrt());
        let (pa, pb) = (density(ua, sa), density(ub, sb));
        let s = if w > 0.0 { 1.0 } else { -1.0 };
        let tail = |u: f64| 0.5 * libm::erfc(s * u / std::f64::consts::SQRT_2);
        let (ta, tb) = (tail(ua), tail(ub));
        let p = a * pa + b * pb;
        let q = a * (w - wa) / (sa * sa) * pa + b * (w + wb) / (sb * sb) * pb;
        let ma = wa * ta + s * sa * sa * pa;
        let mb = -wb * tb + s * sb * sb * pb;
        let dma = dwa * ta + s * pa * (w * (dwa + ua * dsa) + sa * dsa);
        let dmb = -dwb * tb + s * pb * (w * (-dwb + ub * dsb) + sb * dsb);
        let phi = s * (f(g.da) * (ma - mb) + a * dma + b * dmb);
        (q / p, phi / p)
    }

    #[test]
    fn drift_keeps_f32_precision_far_into_both_tails() {
        // In the updraft tail Φ and P are both tiny; Φ as the integral from −∞ would be the
        // difference of two O(1) numbers there, its f32 rounding divided by P.
        for zeta in [0.1, 0.4, 0.75, 0.92] {
            let (sw, dsw, m3, dm3) = at(zeta);
            let g = bi_gaussian(sw, dsw, m3, dm3);
            let mut worst = (0.0f64, 0.0f32);
            let mut w = -8.0 * sw;
            while w < 8.0 * sw {
                w += 1e-3 * sw;
                if g.beyond(w) {
                    continue;
                }
                let (p, q, phi, _) = g.q_phi(w);
                let (q_ref, phi_ref) = ratios_f64(&g, f64::from(w));
                // Natural scale of Φ/P: σw·∂σw/∂z·(1 + ŵ²), its Gaussian-limit value.
                let ŵ = f64::from(w / sw);
                let scale = f64::from(sw * dsw.abs()) * (1.0 + ŵ * ŵ);
                let err_phi = (f64::from(phi / p) - phi_ref).abs() / (phi_ref.abs() + scale);
                let err_q = (f64::from(q / p) - q_ref).abs() / (q_ref.abs() + f64::from(1.0 / sw));
                assert!(err_q < 1e-5, "ζ {zeta}, ŵ {ŵ}: Q/P {} vs {q_ref}", q / p);
                if err_phi > worst.0 {
                    worst = (err_phi, w / sw);
                }
            }
            eprintln!(
                "ζ {zeta}: worst relative Φ/P error {:.2e} at ŵ {}",
                worst.0, worst.1
            );
            assert!(
                worst.0 < 1e-4,
                "ζ {zeta}: Φ/P off by {:e} at ŵ {}",
                worst.0,
                worst.1
            );
        }
    }

    #[test]
    fn without_skewness_the_update_is_the_gaussian_scheme() {
        // A vanishing third moment leaves a nearly Gaussian PDF (S at its floor of 0.05, with
        // no gradient): the drift is ∂σw/∂z within the floor's effect.
        // With a density gradient its drift is σw·∂lnρ/∂z (M/P = σw² for a Gaussian).
        let (sw, dsw, inv_t, dt) = (0.8f32, 1.0e-3f32, 1.0 / 50.0f32, 2.0f32);
        let dlnrho = -2.0e-3f32;
        for wn in [-2.0f32, -0.5, 0.0, 0.7, 2.5] {
            let xi = [0.0, 0.0, 0.3, 0.1];
            let skewed = update(wn, sw, dsw, inv_t, 1.0e-9, 0.0, dlnrho, dt, xi, true);
            let rw = exp_neg_poly(-dt * inv_t);
            let gaussian = rw * wn + (dsw + sw * dlnrho) * dt + (1.0 - rw * rw).sqrt() * xi[2];
            assert!(
                (skewed - gaussian).abs() < 2e-3 * (1.0 + dsw * dt * 1e3),
                "ŵ {wn}: skewed {skewed}, Gaussian {gaussian}"
            );
        }
    }

    #[test]
    fn transition_runs_from_neutral_to_convective() {
        let bl = |l: f64| BoundaryLayer {
            friction_velocity_m_s: 0.3,
            obukhov_length_m: l,
            mixing_height_m: 1000.0,
            roughness_length_m: 0.1,
            stability: crate::met::boundary_layer::StabilityClass::B,
        };
        assert_eq!(third_moment_scale_m3_s3(&bl(-300.0)), 0.0); // −h/L = 3.3
        assert_eq!(third_moment_scale_m3_s3(&bl(50.0)), 0.0);
        let w_star3 = bl(-50.0).convective_velocity_m_s().powi(3);
        assert!((third_moment_scale_m3_s3(&bl(-50.0)) / w_star3 - 1.0).abs() < 1e-12);
        let mid = bl(-100.0); // −h/L = 10: half way
        let half = mid.convective_velocity_m_s().powi(3) * 0.5;
        assert!((third_moment_scale_m3_s3(&mid) / half - 1.0).abs() < 1e-12);
    }

    #[test]
    fn normal_tail_and_cube_root_match_libm() {
        for k in -900..=900 {
            let x = k as f32 / 100.0;
            let exact = 0.5 * libm::erfc(f64::from(x) / std::f64::consts::SQRT_2);
            let e = (f64::from(normal_tail(x)) / exact - 1.0).abs();
            // f32 rounding of x²/2 in the exponent alone costs up to x²·6·10⁻⁸.
            let bound = 4e-7 + 1.5e-7 * f64::from(x * x);
            assert!(e < bound, "normal tail beyond {x}: relative error {e}");
        }
        for k in 1..2000 {
            let x = 1.0e-7f32 * 1.02f32.powi(k);
            let c = cbrt_poly(x) as f64;
            assert!(
                (c / (x as f64).cbrt() - 1.0).abs() < 3e-7,
                "cbrt({x}) = {c}"
            );
        }
    }
}
