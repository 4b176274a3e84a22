//! f32 transcendentals written out so that the WGSL twin computes the same thing: only
//! `+ − × ÷`, bit casts and integer shifts, no platform `exp`.

/// log₂ e.
const LOG2_E: f32 = std::f32::consts::LOG2_E;
/// ln 2 split so that `n · LN2_HI` is exact for |n| < 2⁸ (Cody & Waite 1980).
const LN2_HI: f32 = 0.693_145_75;
const LN2_LO: f32 = 1.428_606_8e-6;

/// Returns e^x for x ≤ 0 (x below −87 returns 0): x = n·ln 2 + r with |r| ≤ ½ ln 2 and
/// n = round(x·log₂e); e^r by its Taylor series to r⁷ (truncation < 2·10⁻⁸ relative); the
/// result scaled by 2ⁿ through the exponent bits.
///
/// The decay factors of the Langevin update (e^(−dt/T_L)) and the deposition losses use it.
#[inline(always)]
pub fn exp_neg_poly(x: f32) -> f32 {
    if x < -87.0 || x.is_nan() {
        return 0.0;
    }
    let x = x.min(0.0);
    // Round half up: for y − ½ ≤ 0 truncation toward zero is the ceiling (WGSL `i32(f)` too).
    // SAFETY: x ∈ [−87, 0], so x·log₂e − ½ ∈ [−126.1, −0.5] is finite and fits an i32; the
    // unchecked conversion skips the saturation checks of `as`, which cost a third of the time.
    let ni: i32 = unsafe { (x * LOG2_E - 0.5).to_int_unchecked() };
    let n = ni as f32;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0
                    + r * (1.0 / 24.0
                        + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0)))))));
    let scale = f32::from_bits(((ni + 127) as u32) << 23);
    p * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polynomial_exp_matches_libm_to_a_few_ulps() {
        let mut worst = 0.0f64;
        for k in 0..=200_000 {
            let x = -87.0 * k as f32 / 200_000.0;
            let exact = f64::from(x).exp();
            let rel = (f64::from(exp_neg_poly(x)) - exact).abs() / exact;
            worst = worst.max(rel);
        }
        assert!(worst < 5e-7, "worst relative error {worst:e}");
        assert_eq!(exp_neg_poly(0.0), 1.0);
        assert_eq!(exp_neg_poly(-100.0), 0.0);
    }
}
