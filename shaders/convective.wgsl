// Skewed vertical turbulence of the convective boundary layer: the bi-Gaussian PDF of Luhar,
// Hibberd & Hurley (1996) and its well-mixed drift. Twin of src/model/lagrangian/convective.rs
// (the equations and references are there); the same operations in the same order, and the
// same constants (checked by tests/gpu_shaders.rs).

const THIRD_MOMENT_COEFF: f32 = 1.2;
const SPREAD_TO_MEAN: f32 = 0.6666667;
const REDRAW_SPREADS: f32 = 6.0;
const MAX_EXPLICIT_STEP: f32 = 0.5;
const STEP_FRACTION: f32 = 0.5;
const MIN_SKEWNESS: f32 = 0.05;
const INV_SQRT_2PI: f32 = 0.3989423;
const INV_SQRT_2: f32 = 0.70710677;

// ⟨w³⟩ and ∂⟨w³⟩/∂z at z in a layer of depth lid with scale w3 (twin: convective::third_moment).
fn third_moment(z_m: f32, lid_m: f32, w3: f32) -> vec2<f32> {
    let zeta = clamp(z_m / lid_m, 0.0, 1.0);
    let root = sqrt(1.0 - zeta);
    let m3 = THIRD_MOMENT_COEFF * w3 * zeta * (1.0 - zeta) * root;
    let dm3 = THIRD_MOMENT_COEFF * w3 / lid_m * root * (1.0 - 2.5 * zeta);
    return vec2<f32>(m3, dm3);
}

// x^(1/3) for a positive normal f32: Kahan's bit estimate, three Newton steps (twin: cbrt_poly).
fn cbrt_poly(x: f32) -> f32 {
    var y = bitcast<f32>(bitcast<u32>(x) / 3u + 709921077u);
    for (var i = 0; i < 3; i++) {
        y = (2.0 * y + x / (y * y)) / 3.0;
    }
    return y;
}

// The standard normal tail ½·erfc(x/√2), Press et al. (1992) §6.2 (twin: normal_tail).
fn normal_tail(x: f32) -> f32 {
    let z = abs(x) * INV_SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -1.2655122 + t * (1.0000237 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
        + t * (0.27886807 + t * (-1.135204 + t * (1.4885159 + t * (-0.8221522 + t * 0.17087277))))))));
    let upper = 0.5 * t * exp_neg_poly(poly - z * z);
    return select(upper, 1.0 - upper, x < 0.0);
}

// The bi-Gaussian and its z-derivatives (twin: BiGaussian).
struct BiGaussian {
    a: f32, wa: f32, wb: f32, sa: f32, sb: f32,
    da: f32, dwa: f32, dwb: f32, dsa: f32, dsb: f32,
}

fn bi_gaussian(sw: f32, dsw: f32, m3: f32, dm3: f32) -> BiGaussian {
    let sw3 = sw * sw * sw;
    let s_raw = m3 / sw3;
    let low = s_raw < MIN_SKEWNESS;
    let s = select(s_raw, MIN_SKEWNESS, low);
    let ds = select(dm3 / sw3 - 3.0 * s * dsw / sw, 0.0, low);
    let m = SPREAD_TO_MEAN * cbrt_poly(s);
    let dm = m * ds / (3.0 * s);
    let m2 = m * m;
    let dm2 = 2.0 * m * dm;
    let p = 1.0 + m2;
    let q = 3.0 + m2;
    let x = p * sqrt(p) * s / (q * m);
    let dx = x * (1.5 * dm2 / p + ds / s - dm2 / q - dm / m);
    let r = x * x;
    let sq = sqrt(4.0 + r);
    let dsq = x * dx / sq;
    let a = 0.5 * (1.0 - x / sq);
    let da = -0.5 * (dx - x * dsq / sq) / sq;
    let b = 1.0 - a;
    let db = -da;
    let sa = sw * sqrt(b / (a * p));
    let sb = sw * sqrt(a / (b * p));
    let dsa = sa * (dsw / sw + 0.5 * (db / b - da / a - dm2 / p));
    let dsb = sb * (dsw / sw + 0.5 * (da / a - db / b - dm2 / p));
    return BiGaussian(a, m * sa, m * sb, sa, sb, da, dm * sa + m * dsa, dm * sb + m * dsb, dsa, dsb);
}

// A velocity drawn from P (twin: BiGaussian::draw).
fn bi_gaussian_draw(g: BiGaussian, value: f32, branch: f32) -> f32 {
    return select(-g.wb + g.sb * value, g.wa + g.sa * value, normal_tail(-branch) < g.a);
}

// The new normalised vertical velocity, dlnrho = ∂lnρ/∂z (twin: convective::update).
fn skewed_update(wn: f32, sw: f32, dsw: f32, inv_t: f32, m3: f32, dm3: f32, dlnrho: f32, dt_s: f32, xi: vec4<f32>, drift: bool) -> f32 {
    let g = bi_gaussian(sw, dsw, m3, dm3);
    let w = sw * wn;
    let b = 1.0 - g.a;
    let sa2 = g.sa * g.sa;
    let sb2 = g.sb * g.sb;
    let dwa = w - g.wa;
    let dwb = w + g.wb;
    if (abs(dwa) > REDRAW_SPREADS * g.sa && abs(dwb) > REDRAW_SPREADS * g.sb) || dt_s * inv_t > MAX_EXPLICIT_STEP {
        return bi_gaussian_draw(g, xi.z, xi.w) / sw;
    }
    let ua = dwa / g.sa;
    let ub = dwb / g.sb;
    let pa = INV_SQRT_2PI / g.sa * exp_neg_poly(-0.5 * ua * ua);
    let pb = INV_SQRT_2PI / g.sb * exp_neg_poly(-0.5 * ub * ub);
    let p = g.a * pa + b * pb;
    let q = g.a * dwa / sa2 * pa + b * dwb / sb2 * pb;
    // Φ over the tail on w's side (see BiGaussian::q_phi).
    let s = select(-1.0, 1.0, w > 0.0);
    let ta = normal_tail(s * ua);
    let tb = normal_tail(s * ub);
    let ma = g.wa * ta + s * sa2 * pa;
    let mb = -g.wb * tb + s * sb2 * pb;
    let dma = g.dwa * ta + s * pa * (w * (g.dwa + ua * g.dsa) + g.sa * g.dsa);
    let dmb = -g.dwb * tb + s * pb * (w * (-g.dwb + ub * g.dsb) + g.sb * g.dsb);
    let phi = s * (g.da * (ma - mb) + g.a * dma + b * dmb);
    let rw = exp_neg_poly(-dt_s * inv_t);
    let noise = sqrt(max(1.0 - rw * rw, 0.0)) * xi.z;
    if !drift {
        return rw * wn + noise;
    }
    // The upper partial moment M = ∫_w^∞ w′P dw′ carries the density drift ∂lnρ/∂z·M/P.
    let moment = s * (g.a * ma + b * mb);
    let gr = sw * sw * inv_t * (w / (sw * sw) - q / p) + (phi + dlnrho * moment) / p;
    return rw * wn + (gr / sw - wn * wn * dsw) * dt_s + noise;
}
