// diagnostics.wgsl — exposes the shared random-number functions of common.wgsl to the host,
// so tests compare the GPU's integer streams and normals with src/rng.rs draw by draw
// (host side: src/backend/gpu/diagnostics.rs).

struct DrawParams {
    key: vec2<u32>,
    member: u32,
    step: u32,
    // Draw blocks wanted; block i is (particle = first_particle + i, step, member, block).
    count: u32,
    first_particle: u32,
    block: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> draw: DrawParams;
@group(0) @binding(1) var<storage, read_write> words: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> normals: array<vec4<f32>>;

fn draw_index(gid: vec3<u32>, n_groups: vec3<u32>) -> u32 {
    return gid.y * n_groups.x * WORKGROUP_SIZE + gid.x;
}

// Writes Philox block i and its four normals for every i < count.
@compute @workgroup_size(WORKGROUP_SIZE)
fn philox_blocks(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) n_groups: vec3<u32>) {
    let i = draw_index(gid, n_groups);
    if i >= draw.count {
        return;
    }
    let bits = philox4x32_10(vec4<u32>(draw.first_particle + i, draw.step, draw.member, draw.block), draw.key);
    words[i] = bits;
    normals[i] = normals_from_bits(bits);
}

// Inputs of `math_twins`: values for exp_neg_poly (x) and fixed_from_units (v).
@group(0) @binding(3) var<storage, read> math_in: array<vec2<f32>>;
// Per input: bits of exp_neg_poly(x), fixed_from_units(v) as (lo, hi), and 0.
@group(0) @binding(4) var<storage, read_write> math_out: array<vec4<u32>>;

// Evaluates the shared polynomial exp and the fixed-point conversion for every input i < count,
// so tests compare them bit for bit with their Rust twins.
@compute @workgroup_size(WORKGROUP_SIZE)
fn math_twins(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) n_groups: vec3<u32>) {
    let i = draw_index(gid, n_groups);
    if i >= draw.count {
        return;
    }
    let v = math_in[i];
    let f = fixed_from_units(v.y);
    math_out[i] = vec4<u32>(bitcast<u32>(exp_neg_poly(v.x)), f.x, f.y, 0u);
}
