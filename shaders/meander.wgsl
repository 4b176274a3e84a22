// meander.wgsl — the wind's meander added where the particle kernel tallies
// (twin of src/model/lagrangian/meander.rs; equations and references there): each particle is
// gridded at its position offset by its own two normals times the spread s(age), read from
// the table in `params` (lagrangian.wgsl), and an image off the grid is not gridded. A run
// that keeps an exposure tally grids each particle a second time at images spread by the
// second table (`long_on`), and books its deposits there.

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

// Node i of the interval's table (`long` false) or of the exposure tally's (true).
fn spread_node(long: bool, i: u32) -> f32 {
    if long {
        return params.long_spread_m[i / 4u][i % 4u];
    }
    return params.meander_spread_m[i / 4u][i % 4u];
}

// The spread s (m) at `age_s` of the interval's table (`long` false) or of the exposure
// tally's (true): linear in ln age between nodes, proportional to age below 1 s, the last
// node beyond the table (twin: MeanderTable::spread_at_m).
fn table_spread(long: bool, age_s: f32) -> f32 {
    if age_s <= 0.0 {
        return 0.0;
    }
    if age_s < 1.0 {
        return spread_node(long, 0u) * age_s;
    }
    let k = ln_poly(age_s) * select(params.meander_inv_dln, params.long_inv_dln, long);
    let last = MEANDER_NODES - 1u;
    if k >= f32(last) {
        return spread_node(long, last);
    }
    let i = u32(k);
    let w = k - f32(i);
    let a = spread_node(long, i);
    let b = spread_node(long, i + 1u);
    return a + w * (b - a);
}

// Whether deposits are booked at meander images, and which table spreads them: the exposure
// tally's where the run keeps one, else the interval's (twin: Ctx::deposit_meander).
fn deposit_images() -> bool {
    return params.meander_on != 0u || params.long_on != 0u;
}

fn deposit_spread(age_s: f32) -> f32 {
    return table_spread(params.long_on != 0u, age_s);
}

// Particle `id`'s meander normals (ξx, ξy), fixed for its life (twin: meander_normals).
fn meander_normals(id: u32) -> vec2<f32> {
    return normals4(params.key, params.member, id, 0u, MEANDER_BLOCK).xy;
}
