// common.wgsl — shared by every plume compute shader (prepended to each module by
// src/backend/gpu/shaders.rs).
//
// Holds the particle and column records (mirrors of the `#[repr(C)]` Pod types in
// src/model/lagrangian/{particle,column}.rs), the counter-based Philox4x32-10 generator with
// the polynomial Box–Muller normals of src/rng.rs, the polynomial exp of
// src/model/lagrangian/mathf.rs, and the 64-bit fixed-point accumulation emulated with two
// u32 atomics and a carry (src/backend/gpu/fixed.rs). Every function here has a Rust twin of
// the same name; the twin is the test oracle (tests/gpu_*.rs).
//
// Float constants are written as the shortest decimal that round-trips to the f32 the Rust
// twin computes (e.g. `1.0f32 / 5040.0`), so both sides start from the same bits.

// Threads per workgroup of every particle and grid kernel; equals
// `plume::backend::gpu::WORKGROUP_SIZE` (checked by tests/gpu_shaders.rs through naga).
const WORKGROUP_SIZE: u32 = 64u;

// ---- records ------------------------------------------------------------------------------

// 64 bytes; field order and offsets as `Particle` (pos 0, vel 16, step 28, mass 32, id 48).
struct Particle {
    pos: vec4<f32>,
    vel: vec3<f32>,
    step: u32,
    mass: vec4<f32>,
    id: u32,
    source: u32,
    status: u32,
    reserved: u32,
}

const STATUS_WAITING: u32 = 0u;
const STATUS_AIRBORNE: u32 = 1u;
const STATUS_EXITED: u32 = 2u;
const STATUS_SPENT: u32 = 3u;

// 48 bytes, as `ColumnLevel`: σu σv σw ∂σw/∂z | 1/T_Lu 1/T_Lv 1/T_Lw T_Lw | U V W ∂lnρ/∂z.
struct ColumnLevel {
    sigma: vec4<f32>,
    inv_time_scale: vec4<f32>,
    wind: vec4<f32>,
}

// ---- Philox4x32-10 (Salmon et al. 2011), twin of src/rng.rs -----------------------------

const PHILOX_M0: u32 = 0xD2511F53u;
const PHILOX_M1: u32 = 0xCD9E8D57u;
const PHILOX_W0: u32 = 0x9E3779B9u;
const PHILOX_W1: u32 = 0xBB67AE85u;

// Returns (hi, lo) of the 64-bit product a·b from four 16×16-bit partial products
// (WGSL has no 64-bit integers).
fn mulhilo(a: u32, b: u32) -> vec2<u32> {
    let a_lo = a & 0xFFFFu;
    let a_hi = a >> 16u;
    let b_lo = b & 0xFFFFu;
    let b_hi = b >> 16u;
    let ll = a_lo * b_lo;
    let lh = a_lo * b_hi;
    let hl = a_hi * b_lo;
    let hh = a_hi * b_hi;
    let mid = (ll >> 16u) + (lh & 0xFFFFu) + (hl & 0xFFFFu);
    let lo = (ll & 0xFFFFu) | (mid << 16u);
    let hi = hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
    return vec2<u32>(hi, lo);
}

// Ten Philox4x32 rounds of `counter` under `key`.
fn philox4x32_10(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
    var c = counter;
    var k = key;
    for (var round = 0u; round < 10u; round++) {
        if round > 0u {
            k = k + vec2<u32>(PHILOX_W0, PHILOX_W1);
        }
        let p0 = mulhilo(PHILOX_M0, c.x);
        let p1 = mulhilo(PHILOX_M1, c.z);
        c = vec4<u32>(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
    }
    return c;
}

// 2⁻²⁴.
const TWO_POW_M24: f32 = 5.9604645e-08;

// The top 24 bits of x as a uniform in (0, 1], exactly.
fn uniform_open_closed(x: u32) -> f32 {
    return f32((x >> 8u) + 1u) * TWO_POW_M24;
}

const LN2_HI: f32 = 0.69314575;
const LN2_LO: f32 = 1.4286068e-06;
const SQRT_2: f32 = 1.4142135;

// ln u by exact exponent extraction and the atanh series to s⁹ (twin: rng::ln_poly).
fn ln_poly(u: f32) -> f32 {
    let bits = bitcast<u32>(u);
    var e = i32((bits >> 23u) & 0xFFu) - 127;
    var m = bitcast<f32>((bits & 0x007FFFFFu) | 0x3F800000u);
    if m > SQRT_2 {
        m = m * 0.5;
        e = e + 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let series = 1.0 + s2 * (0.33333334 + s2 * (0.2 + s2 * (0.14285715 + s2 * 0.11111111)));
    let ef = f32(e);
    return ef * LN2_HI + (ef * LN2_LO + 2.0 * s * series);
}

// (sin, cos) of 2π·(x >> 8)/2²⁴ by exact octant reduction to [0, π/4] and Taylor polynomials
// there, the signs and the swap of sin and cos set by the octant's bits (twin:
// rng::sincos_turns_poly, the same arithmetic).
fn sincos_turns_poly(x: u32) -> vec2<f32> {
    let k = x >> 8u;
    let octant = k >> 21u;
    var f = k & 0x001FFFFFu;
    if (octant & 1u) == 1u {
        f = 0x00200000u - f;
    }
    let a = f32(f) * (0.7853981633974483 / 2097152.0);
    let a2 = a * a;
    let s = a * (1.0 + a2 * (-1.0 / 6.0 + a2 * (1.0 / 120.0 + a2 * (-1.0 / 5040.0
        + a2 * (1.0 / 362880.0)))));
    let c = 1.0 + a2 * (-0.5 + a2 * (1.0 / 24.0 + a2 * (-1.0 / 720.0 + a2 * (1.0 / 40320.0))));
    var sn = s;
    var cs = c;
    if ((octant + 1u) & 2u) != 0u {
        sn = c;
        cs = s;
    }
    let sin_sign = (octant >> 2u) << 31u;
    let cos_sign = select(0u, 1u << 31u, octant >= 2u && octant <= 5u);
    return vec2<f32>(bitcast<f32>(bitcast<u32>(sn) ^ sin_sign), bitcast<f32>(bitcast<u32>(cs) ^ cos_sign));
}

// Two standard normals by Box–Muller: x0 gives the radius, x1 the angle (twin: rng::box_muller).
fn box_muller(x0: u32, x1: u32) -> vec2<f32> {
    let r = sqrt(-2.0 * ln_poly(uniform_open_closed(x0)));
    let sc = sincos_turns_poly(x1);
    return vec2<f32>(r * sc.y, r * sc.x);
}

// Four standard normals from one Philox block (twin: rng::normals_from_bits).
fn normals_from_bits(b: vec4<u32>) -> vec4<f32> {
    let z01 = box_muller(b.x, b.y);
    let z23 = box_muller(b.z, b.w);
    return vec4<f32>(z01, z23);
}

// Four normals for (particle, step, block) of the stream (seed, member)
// (twin: rng::StreamKey::normals4). Counter words: particle, step, member, block.
fn normals4(key: vec2<u32>, member: u32, particle: u32, step: u32, block: u32) -> vec4<f32> {
    return normals_from_bits(philox4x32_10(vec4<u32>(particle, step, member, block), key));
}

// ---- polynomial exp (twin: model::lagrangian::exp_neg_poly) --------------------------------

const LOG2_E: f32 = 1.442695;

// e^x for x ≤ 0 (0 below −87 and for NaN): x = n ln 2 + r, e^r by Taylor to r⁷, 2ⁿ through
// the exponent. NaN is recognised from the bits: WGSL lets a compiler assume `x != x` false.
fn exp_neg_poly(x_in: f32) -> f32 {
    if x_in < -87.0 || (bitcast<u32>(x_in) & 0x7FFFFFFFu) > 0x7F800000u {
        return 0.0;
    }
    let x = min(x_in, 0.0);
    let n = ceil(x * LOG2_E - 0.5);
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let p = 1.0 + r * (1.0 + r * (0.5 + r * (0.16666667 + r * (0.041666668 + r * (0.008333334
        + r * (0.0013888889 + r * 0.0001984127))))));
    let scale = bitcast<f32>(u32(i32(n) + 127) << 23u);
    return p * scale;
}

// ---- 64-bit fixed point as (lo, hi) u32 pairs (twin: backend::gpu::fixed) -----------------

// 2³².
const TWO_POW_32: f32 = 4294967296.0;

// round(v) of a non-negative f32 as a 64-bit integer (lo, hi); v ≥ 2⁶³ saturates to
// 2⁶³ − 1 (twin: fixed::fixed_from_units).
fn fixed_from_units(v: f32) -> vec2<u32> {
    if !(v < 9.223372e18) {
        return vec2<u32>(0xFFFFFFFFu, 0x7FFFFFFFu);
    }
    if v < 16777216.0 {
        return vec2<u32>(u32(floor(v + 0.5)), 0u);
    }
    // v ≥ 2²⁴ is an integer; both parts are exact.
    let hi = floor(v / TWO_POW_32);
    let lo = v - hi * TWO_POW_32;
    return vec2<u32>(u32(lo), u32(hi));
}

// a − b modulo 2⁶⁴ (two's complement), as (lo, hi).
fn fixed_sub(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    let borrow = select(0u, 1u, a.x < b.x);
    return vec2<u32>(a.x - b.x, a.y - b.y - borrow);
}
