//! Counter-based random numbers: Philox4x32-10 keyed by (seed, member, particle, step, draw),
//! uniform and standard-normal variates by explicit polynomials that WGSL reproduces.
//!
//! A counter-based generator is a pure function from a counter and a key to random bits, so a
//! particle's numbers depend only on who it is and how far it has come — never on which thread
//! ran it, in what order, or on which backend. Results are therefore identical for 1 and N
//! threads, and the GPU shaders (`shaders/common.wgsl`) draw the same integers as this module.
//!
//! ## Bit layout
//! One call of [`philox4x32_10`] maps a 128-bit counter and a 64-bit key to four `u32`:
//!
//! | word | holds |
//! |---|---|
//! | `key[0]` | seed, bits 0–31 |
//! | `key[1]` | seed, bits 32–63 |
//! | `counter[0]` | particle id (index in the particle array, `u32`) |
//! | `counter[1]` | the particle's own step counter (one per Langevin sub-step, `u32`) |
//! | `counter[2]` | ensemble member (`u32`, 0 for a single run) |
//! | `counter[3]` | draw block within the step (each block gives four `u32`) |
//!
//! Uniforms use the top 24 bits of a word: `u = ((x >> 8) + 1) · 2⁻²⁴ ∈ (0, 1]`, exact in f32
//! on every platform (no rounding of a `u32 → f32` conversion is involved).
//!
//! Normals come from the Box–Muller transform `z₀ = r cos 2πt, z₁ = r sin 2πt, r = √(−2 ln u)`
//! with the logarithm and the sine/cosine written out as polynomials over exactly reduced
//! arguments ([`ln_poly`], [`sincos_turns_poly`]); only `+ − × ÷ √` and bit operations remain,
//! so WGSL agrees up to f32 rounding of those operations. With 24-bit uniforms the largest
//! |z| is √(2·24 ln 2) ≈ 5.77, a truncation of the normal tails at probability 8·10⁻⁹.
//!
//! ## References
//! - Salmon, J.K., Moraes, M.A., Dror, R.O., Shaw, D.E. (2011) "Parallel random numbers: as easy
//!   as 1, 2, 3", SC'11, doi:10.1145/2063384.2063405 — Philox4x32 and its constants; the
//!   known-answer vectors are those distributed with Random123 (`kat_vectors`).
//! - Box, G.E.P., Muller, M.E. (1958) Ann. Math. Stat. 29:610 — the normal transform.

/// Philox multiplier for words 0/1.
pub const PHILOX_M0: u32 = 0xD251_1F53;
/// Philox multiplier for words 2/3.
pub const PHILOX_M1: u32 = 0xCD9E_8D57;
/// Weyl key increment for key word 0 (golden ratio).
pub const PHILOX_W0: u32 = 0x9E37_79B9;
/// Weyl key increment for key word 1 (√3 − 1).
pub const PHILOX_W1: u32 = 0xBB67_AE85;

/// Returns the high and low 32 bits of the 64-bit product `a · b`.
#[inline(always)]
pub fn mulhilo(a: u32, b: u32) -> (u32, u32) {
    let p = u64::from(a) * u64::from(b);
    ((p >> 32) as u32, p as u32)
}

/// Applies ten Philox4x32 rounds to `counter` under `key` (Salmon et al. 2011).
#[inline(always)]
pub fn philox4x32_10(counter: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let mut c = counter;
    let mut k = key;
    for round in 0..10 {
        if round > 0 {
            k[0] = k[0].wrapping_add(PHILOX_W0);
            k[1] = k[1].wrapping_add(PHILOX_W1);
        }
        let (hi0, lo0) = mulhilo(PHILOX_M0, c[0]);
        let (hi1, lo1) = mulhilo(PHILOX_M1, c[2]);
        c = [hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0];
    }
    c
}

/// What identifies one stream of random numbers: the run's seed and the ensemble member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamKey {
    pub seed: u64,
    pub member: u32,
}

impl StreamKey {
    /// The Philox key words of this stream.
    #[inline(always)]
    pub fn key(self) -> [u32; 2] {
        [self.seed as u32, (self.seed >> 32) as u32]
    }

    /// Returns the four random words of draw block `block` of `particle` at its step `step`.
    #[inline(always)]
    pub fn block(self, particle: u32, step: u32, block: u32) -> [u32; 4] {
        philox4x32_10([particle, step, self.member, block], self.key())
    }

    /// Returns four standard normals for `particle` at its step `step` (draw block `block`).
    #[inline(always)]
    pub fn normals4(self, particle: u32, step: u32, block: u32) -> [f32; 4] {
        normals_from_bits(self.block(particle, step, block))
    }
}

/// 2⁻²⁴.
const TWO_POW_M24: f32 = 1.0 / 16_777_216.0;

/// Maps the top 24 bits of `x` to a uniform in (0, 1], exactly.
#[inline(always)]
pub fn uniform_open_closed(x: u32) -> f32 {
    ((x >> 8) + 1) as f32 * TWO_POW_M24
}

/// ln 2 split so that `e · LN2_HI` is exact for |e| < 2¹² (Cody & Waite 1980).
const LN2_HI: f32 = 0.693_145_75;
const LN2_LO: f32 = 1.428_606_8e-6;
const SQRT_2: f32 = std::f32::consts::SQRT_2;

/// Natural logarithm of a positive normal f32 by exact exponent extraction and the atanh series.
///
/// `u = m·2ᵉ` with `m ∈ [√½, √2)` taken from the bits; `ln m = 2·atanh(s)`, `s = (m−1)/(m+1)`,
/// |s| ≤ 0.1716, summed to s⁹ (truncation < 4·10⁻¹⁰); `ln u = e·ln 2 + ln m`. Absolute error
/// stays within a few f32 ulps of ln u over (0, 1] (see the tests).
#[inline(always)]
pub fn ln_poly(u: f32) -> f32 {
    let bits = u.to_bits();
    let mut e = ((bits >> 23) & 0xff) as i32 - 127;
    let mut m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    if m > SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let series = 1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0))));
    let ef = e as f32;
    ef * LN2_HI + (ef * LN2_LO + 2.0 * s * series)
}

/// Sine and cosine of the angle `2π·k/2²⁴` for the 24-bit integer `k = x >> 8`, by exact
/// octant reduction and Taylor polynomials on [0, π/4].
///
/// The top three bits pick the octant o; the other 21 give the offset f inside it, mirrored
/// to `2²¹ − f` in odd octants, so the reduced angle φ = f'·(π/4)/2²¹ ∈ [0, π/4] is exact
/// before the one rounding of the multiply. sin φ to φ⁹ (truncation < 2·10⁻⁹) and cos φ to φ⁸
/// (< 3·10⁻⁸); the octant then swaps them when `(o + 1) & 2 ≠ 0` and negates the sine for
/// o ≥ 4 and the cosine for 2 ≤ o ≤ 5 — selects and sign flips, no branches. Returns (sin, cos).
#[inline(always)]
pub fn sincos_turns_poly(x: u32) -> (f32, f32) {
    let k = x >> 8;
    let octant = k >> 21;
    let f = k & 0x001f_ffff;
    let f = if octant & 1 == 1 { 0x0020_0000 - f } else { f };
    let a = f as f32 * (std::f32::consts::FRAC_PI_4 / 2_097_152.0);
    let a2 = a * a;
    let s = a
        * (1.0
            + a2 * (-1.0 / 6.0
                + a2 * (1.0 / 120.0 + a2 * (-1.0 / 5040.0 + a2 * (1.0 / 362_880.0)))));
    let c = 1.0 + a2 * (-0.5 + a2 * (1.0 / 24.0 + a2 * (-1.0 / 720.0 + a2 * (1.0 / 40_320.0))));
    let swap = (octant + 1) & 2 != 0;
    let (sin, cos) = if swap { (c, s) } else { (s, c) };
    let sin_sign = (octant >> 2) << 31;
    let cos_sign = u32::from((2..=5).contains(&octant)) << 31;
    (
        f32::from_bits(sin.to_bits() ^ sin_sign),
        f32::from_bits(cos.to_bits() ^ cos_sign),
    )
}

/// Returns two standard normals from two random words by Box–Muller (`x0` radius, `x1` angle).
#[inline(always)]
pub fn box_muller(x0: u32, x1: u32) -> (f32, f32) {
    let r = (-2.0 * ln_poly(uniform_open_closed(x0))).sqrt();
    let (s, c) = sincos_turns_poly(x1);
    (r * c, r * s)
}

/// Returns four standard normals from one Philox block.
#[inline(always)]
pub fn normals_from_bits(b: [u32; 4]) -> [f32; 4] {
    let (z0, z1) = box_muller(b[0], b[1]);
    let (z2, z3) = box_muller(b[2], b[3]);
    [z0, z1, z2, z3]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn philox_matches_random123_known_answers() {
        // Random123 kat_vectors, "philox4x32 10": counter, key, expected output.
        let cases: [([u32; 4], [u32; 2], [u32; 4]); 3] = [
            (
                [0, 0, 0, 0],
                [0, 0],
                [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8],
            ),
            (
                [0xffff_ffff; 4],
                [0xffff_ffff; 2],
                [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd],
            ),
            (
                [0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344],
                [0xa409_3822, 0x299f_31d0],
                [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1],
            ),
        ];
        for (ctr, key, want) in cases {
            assert_eq!(
                philox4x32_10(ctr, key),
                want,
                "counter {ctr:08x?} key {key:08x?}"
            );
        }
    }

    #[test]
    fn uniforms_cover_the_half_open_unit_interval_exactly() {
        assert_eq!(uniform_open_closed(0), TWO_POW_M24);
        assert_eq!(uniform_open_closed(u32::MAX), 1.0);
        assert_eq!(uniform_open_closed(0x8000_0000), 0.5 + TWO_POW_M24);
    }

    #[test]
    fn polynomial_log_agrees_with_libm_over_the_uniform_range() {
        let mut worst = 0.0f64;
        for k in (1u32..=(1 << 24)).step_by(97).chain([1, 2, 3, 1 << 24]) {
            let u = k as f32 * TWO_POW_M24;
            let err = (f64::from(ln_poly(u)) - f64::from(u).ln()).abs();
            // Relative to |ln u| where it is large; absolute near u = 1 where ln u → 0.
            worst = worst.max(err / f64::from(u).ln().abs().max(1.0e-2));
        }
        assert!(worst < 2.0e-6, "worst relative error {worst:e}");
        assert_eq!(ln_poly(1.0), 0.0);
    }

    #[test]
    fn polynomial_sincos_agrees_with_libm_on_every_quadrant() {
        let mut worst = 0.0f64;
        for k in (0u32..(1 << 24)).step_by(61) {
            let (s, c) = sincos_turns_poly(k << 8);
            let ang = std::f64::consts::TAU * f64::from(k) / 16_777_216.0;
            worst = worst
                .max((f64::from(s) - ang.sin()).abs())
                .max((f64::from(c) - ang.cos()).abs());
        }
        assert!(worst < 1.0e-6, "worst absolute error {worst:e}");
    }

    #[test]
    fn normals_have_unit_variance_zero_mean_and_gaussian_kurtosis() {
        let key = StreamKey {
            seed: 20_260_714,
            member: 0,
        };
        let n_blocks = 250_000u32; // 10⁶ normals
        let (mut s1, mut s2, mut s3, mut s4) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        for p in 0..n_blocks {
            for z in key.normals4(p, 7, 0) {
                let z = f64::from(z);
                s1 += z;
                s2 += z * z;
                s3 += z * z * z;
                s4 += z * z * z * z;
            }
        }
        let n = f64::from(n_blocks) * 4.0;
        let mean = s1 / n;
        let var = s2 / n - mean * mean;
        let skew = s3 / n / var.powf(1.5);
        let kurt = s4 / n / (var * var);
        // Standard errors at n = 10⁶: mean 0.001, variance 0.0014, skewness 0.0024, kurtosis 0.0049.
        assert!(mean.abs() < 0.004, "mean {mean}");
        assert!((var - 1.0).abs() < 0.005, "variance {var}");
        assert!(skew.abs() < 0.01, "skewness {skew}");
        assert!((kurt - 3.0).abs() < 0.02, "kurtosis {kurt}");
    }

    #[test]
    fn normals_fill_the_gaussian_quantiles() {
        // P(|z| > 1.96) = 0.05 and P(|z| > 3) = 0.0027 for a standard normal.
        let key = StreamKey { seed: 1, member: 3 };
        let (mut n196, mut n3, mut n) = (0u32, 0u32, 0u32);
        for p in 0..100_000u32 {
            for z in key.normals4(p, 0, 0) {
                n += 1;
                n196 += u32::from(z.abs() > 1.96);
                n3 += u32::from(z.abs() > 3.0);
            }
        }
        let f196 = f64::from(n196) / f64::from(n);
        let f3 = f64::from(n3) / f64::from(n);
        assert!((f196 - 0.05).abs() < 0.002, "{f196}");
        assert!((f3 - 0.0027).abs() < 0.0004, "{f3}");
    }

    #[test]
    fn neighbouring_counters_are_uncorrelated() {
        // Consecutive particles, steps and members must not share structure.
        let key = StreamKey {
            seed: 99,
            member: 0,
        };
        let other = StreamKey {
            seed: 99,
            member: 1,
        };
        let n = 200_000u32;
        let (mut c_particle, mut c_step, mut c_member) = (0.0f64, 0.0f64, 0.0f64);
        for p in 0..n {
            let a = f64::from(key.normals4(p, 5, 0)[0]);
            c_particle += a * f64::from(key.normals4(p + 1, 5, 0)[0]);
            c_step += a * f64::from(key.normals4(p, 6, 0)[0]);
            c_member += a * f64::from(other.normals4(p, 5, 0)[0]);
        }
        let tol = 5.0 / f64::from(n).sqrt();
        for (what, c) in [
            ("particle", c_particle),
            ("step", c_step),
            ("member", c_member),
        ] {
            assert!(
                (c / f64::from(n)).abs() < tol,
                "{what}: {}",
                c / f64::from(n)
            );
        }
    }
}
