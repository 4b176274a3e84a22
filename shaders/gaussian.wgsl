// gaussian.wgsl — the steady Gaussian plume per unit emission rate on the output grid, one
// thread per (plume, receptor height, cell): the twin of src/model/gaussian/{plume,sigma}.rs
// (equations and references there) in f32. Host side: src/backend/gpu/gaussian.rs.

// A plume set up in the local frame (twin: PlumeGeometry), eight 16-byte words.
struct PlumeRec {
    // Source x, y (m) and the unit vector the wind blows towards (east, north).
    geometry: vec4<f32>,
    // Transport speed (m/s), release height (m, less any stack-tip downwash), lid (m; < 0 for
    // none), 1/3.5 for buoyancy-induced dispersion of a rising plume (else 0).
    flow: vec4<f32>,
    // Final rise (m), distance to final rise (m), gradual-rise coefficient c and power p
    // (rise = min(c·x^p, final) before the final distance; c = 0 without rise; p < 0 marks a
    // stable momentum jet, rise = min((c·sin(−p·x))^⅓, final)).
    rise: vec4<f32>,
    // Briggs (a, b, p) of σy and of σz.
    briggs_y: vec4<f32>,
    briggs_z: vec4<f32>,
    // ISC3 σy coefficients (c, d) in degrees, the settling slope v_s/u of the axis, 0.
    isc3_y: vec4<f32>,
    // Scheme (0 Briggs, 1 ISC3), first ISC3 σz segment, segment count, 0.
    scheme: vec4<u32>,
    // The source relative to the grid, split so that no large coordinate is rounded to f32:
    // the nearest cell (i, j) as whole numbers and the source's offset from that cell's centre
    // (m); cell (i′, j′) lies at ((i′ − i)·dx − off_x, (j′ − j)·dx − off_y) from the source.
    cell: vec4<f32>,
}

struct GridParams {
    nx: u32,
    ny: u32,
    n_plumes: u32,
    n_heights: u32,
    x0_m: f32,
    y0_m: f32,
    dx_m: f32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> grid: GridParams;
@group(0) @binding(1) var<storage, read> plumes: array<PlumeRec>;
// ISC3 σz segments: (upper bound of x in km, a, b, 0); the last bound is 3e38.
@group(0) @binding(2) var<storage, read> segments: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> heights: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

// Beyond this exponent of the crosswind Gaussian the concentration is zero.
const CROSSWIND_CUTOFF: f32 = 60.0;
// Below this σz/h the image sum is used, above it the Fourier form.
const FOURIER_SWITCH: f32 = 0.6;
// Smallest downwind distance at which σ is evaluated (m).
const MIN_DISTANCE_M: f32 = 1.0;
const ISC3_SIGMA_Z_CAP_M: f32 = 5000.0;
const PI: f32 = 3.1415927;
const TAU: f32 = 6.2831855;

// σ = a·x·(1 + b·x)^p (twin: BriggsFit::sigma_m), the exponents ±½, −1, 0 without pow.
fn sigma_m(fit: vec4<f32>, x_m: f32) -> f32 {
    let base = 1.0 + fit.y * x_m;
    var f = 1.0;
    if fit.z == -0.5 {
        f = 1.0 / sqrt(base);
    } else if fit.z == 0.5 {
        f = sqrt(base);
    } else if fit.z == -1.0 {
        f = 1.0 / base;
    } else if fit.z != 0.0 {
        f = pow(base, fit.z);
    }
    return fit.x * x_m * f;
}

// ISC3 Pasquill–Gifford σy (twin: sigma::isc3_sigma_y_m).
fn isc3_sigma_y_m(cd: vec4<f32>, x_m: f32) -> f32 {
    let x_km = x_m / 1000.0;
    let th = 0.017453293 * (cd.x - cd.y * log(x_km));
    return 465.11628 * x_km * tan(th);
}

// ISC3 Pasquill–Gifford σz on its segments, capped (twin: sigma::isc3_sigma_z_m).
fn isc3_sigma_z_m(first: u32, count: u32, x_m: f32) -> f32 {
    let x_km = x_m / 1000.0;
    var seg = segments[first + count - 1u];
    for (var i = 0u; i < count; i++) {
        let s = segments[first + i];
        if x_km < s.x {
            seg = s;
            break;
        }
    }
    return min(seg.y * pow(x_km, seg.z), ISC3_SIGMA_Z_CAP_M);
}

// (σy, σz) at downwind distance x, floored at 1 m, with the buoyancy-induced dispersion
// (rise/3.5)² added in quadrature where flow.w = 1/3.5 (twin: Sigmas::at).
fn sigmas_at(p: PlumeRec, x_m: f32) -> vec2<f32> {
    let x = max(x_m, MIN_DISTANCE_M);
    var s: vec2<f32>;
    if p.scheme.x == 0u {
        s = vec2<f32>(sigma_m(p.briggs_y, x), sigma_m(p.briggs_z, x));
    } else {
        s = vec2<f32>(isc3_sigma_y_m(p.isc3_y, x), isc3_sigma_z_m(p.scheme.y, p.scheme.z, x));
    }
    if p.flow.w > 0.0 {
        let b = rise_at_m(p, x_m) * p.flow.w;
        s = sqrt(s * s + vec2<f32>(b * b, b * b));
    }
    return s;
}

// Plume rise at downwind distance x (twin: RiseInputs::rise_at_m).
fn rise_at_m(p: PlumeRec, x_m: f32) -> f32 {
    if x_m <= 0.0 || p.rise.z == 0.0 {
        return 0.0;
    }
    if x_m >= p.rise.y {
        return p.rise.x;
    }
    if p.rise.w < 0.0 {
        return min(pow(p.rise.z * sin(-p.rise.w * x_m), 1.0 / 3.0), p.rise.x);
    }
    return min(p.rise.z * pow(x_m, p.rise.w), p.rise.x);
}

// Effective plume height at downwind distance x: risen, less the particles' settling v_s·x/u
// (twin: PlumeGeometry::effective_height_m).
fn effective_height_m(p: PlumeRec, x_m: f32) -> f32 {
    return max(p.flow.y + rise_at_m(p, x_m) - p.isc3_y.z * max(x_m, 0.0), 0.0);
}

// The height the plume rises to, before settling (twin: PlumeGeometry::final_height_m).
fn final_height_m(p: PlumeRec) -> f32 {
    return p.flow.y + rise_at_m(p, 3.0e38);
}

fn gauss(s: f32, inv2s2: f32) -> f32 {
    return exp(-s * s * inv2s2);
}

// The vertical factor V with ground and lid images or its Fourier form (twin:
// plume::vertical_factor); `lid_m` < 0 means no lid.
fn vertical_factor(z_m: f32, h_eff_m: f32, sigma_z_m: f32, lid_m: f32) -> f32 {
    let inv2s2 = 0.5 / (sigma_z_m * sigma_z_m);
    if lid_m < 0.0 {
        return gauss(z_m - h_eff_m, inv2s2) + gauss(z_m + h_eff_m, inv2s2);
    }
    let h = lid_m;
    if h_eff_m >= h {
        // Penetrated: none below the lid, reflected by it above.
        if z_m >= h {
            return gauss(z_m - h_eff_m, inv2s2) + gauss(z_m + h_eff_m - 2.0 * h, inv2s2);
        }
        return 0.0;
    }
    if z_m > h {
        return 0.0;
    }
    if sigma_z_m < FOURIER_SWITCH * h {
        let reach = 11.0 * sigma_z_m + z_m + h_eff_m;
        let n_max = min(i32(floor(reach / (2.0 * h))), 4);
        var v = gauss(z_m - h_eff_m, inv2s2) + gauss(z_m + h_eff_m, inv2s2);
        for (var n = 1; n <= n_max; n++) {
            let o = 2.0 * f32(n) * h;
            v += gauss(z_m - h_eff_m + o, inv2s2) + gauss(z_m + h_eff_m + o, inv2s2)
                + gauss(z_m - h_eff_m - o, inv2s2) + gauss(z_m + h_eff_m - o, inv2s2);
        }
        return v;
    }
    let a = PI * PI * sigma_z_m * sigma_z_m / (2.0 * h * h);
    var sum = 0.0;
    for (var k = 1; k <= 8; k++) {
        let kf = f32(k);
        let w = exp(-kf * kf * a);
        if w < 1e-17 {
            break;
        }
        sum += w * cos(kf * PI * z_m / h) * cos(kf * PI * h_eff_m / h);
    }
    return sqrt(TAU) * sigma_z_m / h * (1.0 + 2.0 * sum);
}

// Concentration per unit rate (s m⁻³) at downwind x, crosswind y, height z (twin:
// plume::concentration_per_rate).
fn concentration_per_rate(p: PlumeRec, h_eff_m: f32, x_m: f32, y_m: f32, z_m: f32) -> f32 {
    if x_m <= 0.0 {
        return 0.0;
    }
    let s = sigmas_at(p, x_m);
    let e = y_m * y_m / (2.0 * s.x * s.x);
    if e > CROSSWIND_CUTOFF {
        return 0.0;
    }
    return exp(-e) * vertical_factor(z_m, h_eff_m, s.y, p.flow.z) / (TAU * p.flow.x * s.x * s.y);
}

// Downwind and crosswind coordinates of the point (dx, dy) from the source (twin:
// PlumeGeometry::plume_frame).
fn plume_frame(p: PlumeRec, dx: f32, dy: f32) -> vec2<f32> {
    let ex = p.geometry.z;
    let ey = p.geometry.w;
    return vec2<f32>(dx * ex + dy * ey, -dx * ey + dy * ex);
}

// Sub-cell sampling (twin: src/model/gaussian/cell_mean.rs, equations and reasons there).
const SAMPLES_PER_SIGMA: f32 = 3.0;
const MAX_SUBSAMPLES: u32 = 16u;
const LATERAL_REACH_SIGMAS: f32 = 8.0;
const HALF_DIAGONAL: f32 = 0.70710678;

// Sub-samples along each side of a cell of side dx_m centred at plume coordinates f (twin:
// cell_mean::subsamples): 0 wholly upwind, 1 where the centre value stands for the cell.
fn subsamples(p: PlumeRec, f: vec2<f32>, dx_m: f32) -> u32 {
    let reach = HALF_DIAGONAL * dx_m;
    if f.x + reach <= 0.0 {
        return 0u;
    }
    let x_near = f.x - reach;
    if x_near < MIN_DISTANCE_M {
        return MAX_SUBSAMPLES;
    }
    let sy_near = sigmas_at(p, x_near).x;
    let sy_far = sigmas_at(p, f.x + reach).x;
    if abs(f.y) - reach > LATERAL_REACH_SIGMAS * sy_far {
        return 1u;
    }
    let n = ceil(SAMPLES_PER_SIGMA * dx_m / sy_near);
    return u32(clamp(n, 1.0, f32(MAX_SUBSAMPLES)));
}

const PIECES_PER_CELL: f32 = 32.0;
const MAX_PIECE_FRACTION: f32 = 0.1;

// erfc(x) for x ≥ 0, to 1.2e-7 relative (Numerical Recipes' Chebyshev fit, erfcc).
fn erfc_pos(x: f32) -> f32 {
    let t = 1.0 / (1.0 + 0.5 * x);
    return t * exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277)))))))));
}

// The share of a Gaussian of width sigma between a and b, without cancellation in one tail
// (twin: crosswind::gaussian_fraction).
fn gaussian_fraction(a: f32, b: f32, sigma: f32) -> f32 {
    let k = 1.41421356 * sigma;
    let p = clamp(b / k, -10.0, 10.0);
    let q = clamp(a / k, -10.0, 10.0);
    if q > 0.0 {
        return 0.5 * (erfc_pos(q) - erfc_pos(p));
    }
    if p < 0.0 {
        return 0.5 * (erfc_pos(-p) - erfc_pos(-q));
    }
    return 1.0 - 0.5 * (erfc_pos(-q) + erfc_pos(p));
}

// The v with k·v within [m − half, m + half] (all where k = 0 and |m| ≤ half).
fn chord_span(k: f32, m: f32, half: f32) -> vec2<f32> {
    if abs(k) < 1e-12 {
        if abs(m) <= half {
            return vec2<f32>(-1e30, 1e30);
        }
        return vec2<f32>(0.0, 0.0);
    }
    let a = (m - half) / k;
    let b = (m + half) / k;
    return vec2<f32>(min(a, b), max(a, b));
}

// The crosswind chord of a cell of half-side `half` at along-wind offset u from its centre
// (twin: cell_mean::chord).
fn chord(u: f32, half: f32, ex: f32, ey: f32) -> vec2<f32> {
    let s1 = chord_span(-ey, -u * ex, half);
    let s2 = chord_span(ex, -u * ey, half);
    return vec2<f32>(max(s1.x, s2.x), min(s1.y, s2.y));
}

// ∫ of C across the cell's chord at downwind x, times √(2π)·u (twin: the `across` of
// cell_mean::cell_mean); c is the cell's centre in the plume frame.
fn across_chord(p: PlumeRec, c: vec2<f32>, half: f32, x: f32, z_m: f32) -> f32 {
    let v = chord(x - c.x, half, p.geometry.z, p.geometry.w);
    if v.x >= v.y {
        return 0.0;
    }
    let s = sigmas_at(p, x);
    let share = gaussian_fraction(c.y + v.x, c.y + v.y, s.x);
    if share <= 0.0 {
        return 0.0;
    }
    return share * vertical_factor(z_m, effective_height_m(p, x), s.y, p.flow.z) / s.y;
}

// Mean C/Q over the cell of side dx_m centred at (dx, dy) from the source: exact across the
// wind, by two-point Gauss–Legendre along it, each stretch between the along-wind offsets of
// the cell's corners apart (twin: cell_mean::cell_mean).
fn cell_mean(p: PlumeRec, dx: f32, dy: f32, dx_m: f32, z_m: f32) -> f32 {
    let half = 0.5 * dx_m;
    let c = plume_frame(p, dx, dy);
    let ex = abs(p.geometry.z);
    let ey = abs(p.geometry.w);
    let reach = half * (ex + ey);
    let kink = half * abs(ex - ey);
    let bounds = array<f32, 4>(c.x - reach, c.x - kink, c.x + kink, c.x + reach);
    let step = dx_m / PIECES_PER_CELL;
    let gauss_offset = 0.5 / sqrt(3.0);
    var sum = 0.0;
    for (var seg = 0u; seg < 3u; seg++) {
        var a = max(bounds[seg], 0.0);
        let end = max(bounds[seg + 1u], 0.0);
        for (var n = 0u; n < 4096u && a < end; n++) {
            let b = min(a + min(step, max(MAX_PIECE_FRACTION * a, MIN_DISTANCE_M)), end);
            if b <= a {
                break;
            }
            let mid = 0.5 * (a + b);
            let o = gauss_offset * (b - a);
            sum += 0.5 * (b - a)
                * (across_chord(p, c, half, mid - o, z_m) + across_chord(p, c, half, mid + o, z_m));
            a = b;
        }
    }
    return sum / (sqrt(TAU) * p.flow.x * dx_m * dx_m);
}

// out[(plume · n_heights + k) · nx·ny + j·nx + i] = C/Q of the plume at cell (i, j), height k:
// the cell's mean where the plume is narrower than the cell, else its centre value.
@compute @workgroup_size(WORKGROUP_SIZE)
fn steady_grid(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) n_groups: vec3<u32>) {
    let idx = gid.y * n_groups.x * WORKGROUP_SIZE + gid.x;
    let n_cells = grid.nx * grid.ny;
    if idx >= n_cells * grid.n_plumes * grid.n_heights {
        return;
    }
    let cell = idx % n_cells;
    let ph = idx / n_cells;
    let k = ph % grid.n_heights;
    let p = plumes[ph / grid.n_heights];
    // Offsets from the source in whole cells (exact) plus the source's offset within its cell.
    let dx = (f32(cell % grid.nx) - p.cell.x) * grid.dx_m - p.cell.z;
    let dy = (f32(cell / grid.nx) - p.cell.y) * grid.dx_m - p.cell.w;
    // Below a penetrated plume (final height at or above the lid), or above a trapped one:
    // nothing reaches it; above a penetrated one, the cell's centre value (twin:
    // kernel::fill_row_portable). A settling plume's axis may come back through the lid: its
    // cells take each point's own regime below.
    let lid = p.flow.z;
    let f = plume_frame(p, dx, dy);
    if lid >= 0.0 && p.isc3_y.z == 0.0 && (final_height_m(p) >= lid || heights[k] > lid) {
        if final_height_m(p) >= lid && heights[k] >= lid {
            out[idx] = concentration_per_rate(p, effective_height_m(p, f.x), f.x, f.y, heights[k]);
        } else {
            out[idx] = 0.0;
        }
        return;
    }
    let n = subsamples(p, f, grid.dx_m);
    if n > 1u {
        out[idx] = cell_mean(p, dx, dy, grid.dx_m, heights[k]);
    } else {
        out[idx] = concentration_per_rate(p, effective_height_m(p, f.x), f.x, f.y, heights[k]);
    }
}
