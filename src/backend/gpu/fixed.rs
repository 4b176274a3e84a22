//! 64-bit fixed point as two `u32` words: the Rust twins of the WGSL functions of the same
//! names in `shaders/common.wgsl` and `shaders/lagrangian.wgsl`.
//!
//! WGSL core has neither 64-bit integers nor float atomics, so each accumulator of the CPU
//! backend's `i64` ([`crate::model::lagrangian::tally`]) is a pair `(lo, hi)` of `atomic<u32>`
//! words: an addition adds the low word atomically, and when the low word wraps (the value
//! returned by `atomicAdd` plus the addend exceeds 2³² − 1) adds one more to the high word.
//! Addition modulo 2⁶⁴ is commutative, so the final pair equals the CPU's two's-complement
//! `i64` sum at the same scale whatever the order of the threads, and a negative addend
//! (two's complement) works too. A non-negative sum whose high word crosses 2³¹ has overflowed
//! the `i64` range: the shader then sets a saturation flag that the host reports.

/// A 64-bit value as `[lo, hi]` words.
pub type Pair = [u32; 2];

/// 2³² as f32.
const TWO_POW_32: f32 = 4_294_967_296.0;

/// Returns `round(v)` of a non-negative f32 as a 64-bit pair; v ≥ 2⁶³ saturates to 2⁶³ − 1.
///
/// Below 2²⁴ the rounding is `floor(v + ½)`; above, v is already an integer and its high and
/// low words are exact in f32 (v/2³² only moves the exponent).
pub fn fixed_from_units(v: f32) -> Pair {
    if v.is_nan() || v >= 9.223_372e18 {
        return [u32::MAX, 0x7FFF_FFFF];
    }
    if v < 16_777_216.0 {
        return [(v + 0.5).floor() as u32, 0];
    }
    let hi = (v / TWO_POW_32).floor();
    let lo = v - hi * TWO_POW_32;
    [lo as u32, hi as u32]
}

/// `a − b` modulo 2⁶⁴.
pub fn fixed_sub(a: Pair, b: Pair) -> Pair {
    let borrow = u32::from(a[0] < b[0]);
    [
        a[0].wrapping_sub(b[0]),
        a[1].wrapping_sub(b[1]).wrapping_sub(borrow),
    ]
}

/// Adds `v` into the pair at words `(i, i + 1)` of `acc` the way the shader's two atomic adds
/// do (low word, then the carry with the high word); returns whether a non-negative sum
/// overflowed the `i64` range (the shader's saturation flag).
pub fn acc_add(acc: &mut [u32], i: usize, v: Pair) -> bool {
    let old = acc[i];
    acc[i] = old.wrapping_add(v[0]);
    let carry = u32::from(old > u32::MAX - v[0]);
    let add_hi = v[1].wrapping_add(carry);
    let old_hi = acc[i + 1];
    let new_hi = old_hi.wrapping_add(add_hi);
    acc[i + 1] = new_hi;
    add_hi < 0x8000_0000 && old_hi < 0x8000_0000 && new_hi >= 0x8000_0000
}

/// The pair as the CPU's `i64` (two's complement).
pub fn to_i64(p: Pair) -> i64 {
    ((u64::from(p[1]) << 32) | u64::from(p[0])) as i64
}

/// Splits an `i64` into a pair (two's complement).
pub fn from_i64(v: i64) -> Pair {
    let u = v as u64;
    [u as u32, (u >> 32) as u32]
}

/// Reads the pairs of `words` (`[lo, hi, lo, hi, …]`) as `i64`s.
pub fn pairs_to_i64(words: &[u32]) -> Vec<i64> {
    words
        .chunks_exact(2)
        .map(|w| to_i64([w[0], w[1]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_rounds_to_nearest_and_is_exact_above_two_to_the_24() {
        assert_eq!(fixed_from_units(0.0), [0, 0]);
        assert_eq!(fixed_from_units(2.49), [2, 0]);
        assert_eq!(fixed_from_units(2.5), [3, 0]);
        for v in [1.7e7f32, 4.3e9, 1.0e15, 1.152_921_5e18, 9.0e18] {
            assert_eq!(to_i64(fixed_from_units(v)), v as i64, "{v}");
        }
        assert_eq!(to_i64(fixed_from_units(1.0e19)), i64::MAX);
        assert_eq!(to_i64(fixed_from_units(f32::NAN)), i64::MAX);
    }

    #[test]
    fn pair_subtraction_is_i64_subtraction_including_negative_results() {
        let vals = [
            0i64,
            1,
            7,
            u32::MAX as i64,
            1 << 40,
            (1 << 60) + 12345,
            -5,
            -(1 << 35),
        ];
        for &a in &vals {
            for &b in &vals {
                assert_eq!(
                    to_i64(fixed_sub(from_i64(a), from_i64(b))),
                    a.wrapping_sub(b)
                );
            }
        }
    }

    #[test]
    fn carried_accumulation_matches_i64_sums_in_any_order() {
        let addends: Vec<i64> = (0..2000i64)
            .map(|k| (k * 2_654_435_761) % (1 << 45) - if k % 7 == 0 { 1 << 30 } else { 0 })
            .collect();
        let want: i64 = addends.iter().sum();
        let mut fwd = [0u32; 2];
        let mut rev = [0u32; 2];
        for &a in &addends {
            assert!(!acc_add(&mut fwd, 0, from_i64(a)));
        }
        for &a in addends.iter().rev() {
            acc_add(&mut rev, 0, from_i64(a));
        }
        assert_eq!(to_i64(fwd), want);
        assert_eq!(fwd, rev);
    }

    #[test]
    fn overflow_past_the_i64_range_is_flagged() {
        let mut acc = from_i64(i64::MAX - 10).to_vec();
        assert!(!acc_add(&mut acc, 0, from_i64(10)));
        assert!(acc_add(&mut acc, 0, from_i64(1)));
    }
}
