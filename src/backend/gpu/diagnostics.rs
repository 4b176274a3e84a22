//! The WGSL random-number streams brought back to the host, so tests can compare them with
//! [`crate::rng`] word for word (`shaders/diagnostics.wgsl`).

use bytemuck::{Pod, Zeroable};

use super::context::{GpuContext, GpuError};
use super::shaders;
use crate::rng::StreamKey;

#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
struct DrawParams {
    key: [u32; 2],
    member: u32,
    step: u32,
    count: u32,
    first_particle: u32,
    block: u32,
    pad: u32,
}

/// Philox blocks and their normals as the GPU draws them.
#[derive(Debug, Clone, PartialEq)]
pub struct Draws {
    /// Block i: `philox4x32_10([first_particle + i, step, member, block], key)`.
    pub words: Vec<[u32; 4]>,
    /// `normals_from_bits` of each block.
    pub normals: Vec<[f32; 4]>,
}

/// Draws `count` blocks of `stream` on the GPU for particles `first_particle..` at `step`,
/// draw block `block` (the counter layout of [`crate::rng`]).
pub fn philox_blocks(
    ctx: &GpuContext,
    stream: StreamKey,
    step: u32,
    block: u32,
    first_particle: u32,
    count: u32,
) -> Result<Draws, GpuError> {
    let pipeline = ctx.pipeline("diagnostics", shaders::DIAGNOSTICS, "philox_blocks")?;
    let params = DrawParams {
        key: stream.key(),
        member: stream.member,
        step,
        count,
        first_particle,
        block,
        pad: 0,
    };
    let uniform = ctx.uniform_init("draw params", bytemuck::bytes_of(&params));
    let bytes = u64::from(count) * 16;
    let words = ctx.storage_zeroed("philox words", bytes);
    let normals = ctx.storage_zeroed("normals", bytes);
    let bind = ctx.bind_at(&pipeline, &[(0, &uniform), (1, &words), (2, &normals)]);
    let mut enc = ctx.device.create_command_encoder(&Default::default());
    GpuContext::dispatch(&mut enc, &pipeline, &bind, count);
    ctx.queue.submit([enc.finish()]);
    let w = ctx.read_back(&words, 0, bytes)?;
    let n = ctx.read_back(&normals, 0, bytes)?;
    Ok(Draws {
        words: bytemuck::pod_collect_to_vec(&w[..bytes as usize]),
        normals: bytemuck::pod_collect_to_vec(&n[..bytes as usize]),
    })
}

/// `exp_neg_poly(x)` and `fixed_from_units(v)` as the GPU computes them, for each `(x, v)`.
pub fn math_twins(ctx: &GpuContext, inputs: &[[f32; 2]]) -> Result<Vec<(f32, [u32; 2])>, GpuError> {
    let pipeline = ctx.pipeline("diagnostics", shaders::DIAGNOSTICS, "math_twins")?;
    let count = inputs.len() as u32;
    let params = DrawParams {
        key: [0; 2],
        member: 0,
        step: 0,
        count,
        first_particle: 0,
        block: 0,
        pad: 0,
    };
    let uniform = ctx.uniform_init("draw params", bytemuck::bytes_of(&params));
    let input = ctx.storage_init("math inputs", bytemuck::cast_slice(inputs));
    let bytes = u64::from(count) * 16;
    let output = ctx.storage_zeroed("math outputs", bytes);
    let bind = ctx.bind_at(&pipeline, &[(0, &uniform), (3, &input), (4, &output)]);
    let mut enc = ctx.device.create_command_encoder(&Default::default());
    GpuContext::dispatch(&mut enc, &pipeline, &bind, count);
    ctx.queue.submit([enc.finish()]);
    let out = ctx.read_back(&output, 0, bytes)?;
    let words: Vec<[u32; 4]> = bytemuck::pod_collect_to_vec(&out[..bytes as usize]);
    Ok(words
        .iter()
        .map(|w| (f32::from_bits(w[0]), [w[1], w[2]]))
        .collect())
}
