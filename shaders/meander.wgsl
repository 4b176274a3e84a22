// meander.wgsl — the wind's meander added where the particle kernel tallies
// (twin of src/model/lagrangian/meander.rs; equations and references there): each particle is
// gridded at its position offset by its own two normals times the spread s(age), read from
// the table in `params` (lagrangian.wgsl), and an image off the grid is not gridded.

// Nodes of the meander table (twin: meander::MEANDER_NODES) and its draw block (MEANDER_BLOCK).
const MEANDER_NODES: u32 = 65u;
const MEANDER_BLOCK: u32 = 3u;

// Whether (x, y) is on the output grid: where a meander image is tallied, which may fall off it
// (twin: LossCells::image_cell).
fn on_grid(x_m: f32, y_m: f32) -> bool {
    let fi = floor((x_m - params.grid_x0_m) / params.grid_dx_m + 0.5);
    let fj = floor((y_m - params.grid_y0_m) / params.grid_dx_m + 0.5);
    return fi >= 0.0 && fj >= 0.0 && fi < f32(params.nx) && fj < f32(params.ny);
}

// The meander's spread s (m) at `age_s`: linear in ln age between nodes, proportional to age
// below 1 s, the last node beyond the table (twin: MeanderTable::spread_at_m).
fn meander_spread(age_s: f32) -> f32 {
    if age_s <= 0.0 {
        return 0.0;
    }
    if age_s < 1.0 {
        return params.meander_spread_m[0].x * age_s;
    }
    let k = ln_poly(age_s) * params.meander_inv_dln;
    let last = MEANDER_NODES - 1u;
    if k >= f32(last) {
        return params.meander_spread_m[last / 4u][last % 4u];
    }
    let i = u32(k);
    let w = k - f32(i);
    let a = params.meander_spread_m[i / 4u][i % 4u];
    let b = params.meander_spread_m[(i + 1u) / 4u][(i + 1u) % 4u];
    return a + w * (b - a);
}

// Particle `id`'s meander normals (ξx, ξy), fixed for its life (twin: meander_normals).
fn meander_normals(id: u32) -> vec2<f32> {
    return normals4(params.key, params.member, id, 0u, MEANDER_BLOCK).xy;
}
