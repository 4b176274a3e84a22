//! The WGSL Philox4x32-10 and polynomial normals against `plume::rng`, draw by draw.
#![cfg(feature = "gpu")]

mod support;

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
