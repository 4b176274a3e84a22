//! The WGSL Philox4x32-10 and polynomial normals against `plume::rng`, draw by draw.
#![cfg(feature = "gpu")]

use crate::support;

use plume::backend::gpu::diagnostics::philox_blocks;
use plume::rng::{normals_from_bits, philox4x32_10, StreamKey};

#[test]
fn wgsl_philox_integer_stream_equals_rust_for_a_million_draws() {
    let Some(ctx) =
        support::gpu_or_skip("wgsl_philox_integer_stream_equals_rust_for_a_million_draws")
    else {
        return;
    };
    // 250 000 blocks of four words = 10⁶ 32-bit draws; a seed with both key words busy.
    let stream = StreamKey {
        seed: 0xDEAD_BEEF_0BAD_F00D,
        member: 3,
    };
    let (step, block, first) = (77u32, 1u32, 4_000_000_000u32);
    let n = 250_000u32;
    let gpu = philox_blocks(&ctx, stream, step, block, first, n).expect("GPU draws");
    assert_eq!(gpu.words.len(), n as usize);
    let mut mismatches = 0;
    let mut worst = 0.0f32;
    for (i, (w, z)) in gpu.words.iter().zip(&gpu.normals).enumerate() {
        let particle = first.wrapping_add(i as u32);
        let want = philox4x32_10([particle, step, stream.member, block], stream.key());
        if *w != want {
            mismatches += 1;
        }
        // The normals: same polynomials on both sides, so only f32 rounding of + − × ÷ √
        // (and fused multiply-adds) may differ.
        for (g, c) in z.iter().zip(normals_from_bits(want)) {
            worst = worst.max((g - c).abs() / (c.abs() + 1.0));
        }
    }
    assert_eq!(mismatches, 0, "{mismatches} of {n} blocks differ");
    assert!(worst < 1e-5, "worst relative normal difference {worst:e}");
    eprintln!("worst relative normal difference GPU vs CPU: {worst:e}");
}

#[test]
fn wgsl_polynomial_exp_and_fixed_point_conversion_equal_their_rust_twins() {
    use plume::backend::gpu::diagnostics::math_twins;
    use plume::backend::gpu::fixed::fixed_from_units;
    use plume::model::lagrangian::exp_neg_poly;
    let Some(ctx) = support::gpu_or_skip(
        "wgsl_polynomial_exp_and_fixed_point_conversion_equal_their_rust_twins",
    ) else {
        return;
    };
    // x over the whole range of exp_neg_poly and beyond; v over every regime of the conversion
    // (below 2²⁴, rounding; exact integers up to 2⁶³; saturation).
    let n = 200_000;
    let inputs: Vec<[f32; 2]> = (0..n)
        .map(|k| {
            let t = k as f32 / n as f32;
            [-90.0 * t, 2f32.powf(70.0 * t - 4.0) * (1.0 + 0.37 * t)]
        })
        .chain([
            [0.0, 0.5],
            [-87.0, 2.5],
            [-87.5, 9.3e18],
            [f32::NAN, f32::NAN],
            [-1e-30, 16_777_215.6],
        ])
        .collect();
    let gpu = math_twins(&ctx, &inputs).expect("GPU math");
    let mut worst_exp = 0.0f64;
    for (&[x, v], &(e, f)) in inputs.iter().zip(&gpu) {
        assert_eq!(f, fixed_from_units(v), "fixed_from_units({v:e})");
        let want = exp_neg_poly(x);
        // The same polynomial: equal up to f32 rounding of + − × (fused multiply-adds).
        let rel = (f64::from(e) - f64::from(want)).abs() / f64::from(want).max(f64::MIN_POSITIVE);
        worst_exp = worst_exp.max(rel);
        assert!(
            rel <= 4.0 * f64::from(f32::EPSILON),
            "exp_neg_poly({x}): GPU {e:e} CPU {want:e}"
        );
    }
    eprintln!("worst relative exp_neg_poly difference {worst_exp:e}");
}
