// lagrangian.wgsl — one synchronisation step of the particle model: release, the rounds of
// Langevin sub-steps (`advance`, in langevin.wgsl), decay booking, and gridding of exposure,
// deposition and the mass budget in 64-bit fixed point.
//
// Twin of `Ctx::begin`/`process_chunk`/`finish` in src/model/lagrangian/account.rs (equations
// and references there); the host side is src/backend/gpu/lagrangian/. One thread per
// particle; particles stay resident in `particles` for the whole run.

// Most species a run may have on the GPU (the workgroup budget is sized by it);
// equals `plume::backend::gpu::MAX_GPU_SPECIES`.
const MAX_GPU_SPECIES: u32 = 64u;
// Budget terms per species: released, dry, wet, decayed, exited.
const BUDGET_TERMS: u32 = 5u;
// 64-bit counters in the budget block: the species terms, the sub-step count and the count
// of particles that left the domain.
const BUDGET_COUNTERS: u32 = 322u; // MAX_GPU_SPECIES * BUDGET_TERMS + 2
// Counter indices of the sub-steps and the exited particles.
const SUB_STEPS_COUNTER: u32 = 320u;
const EXITED_COUNTER: u32 = 321u;
// Word index (in `acc`) of the saturation flag, after the budget counters.
const SATURATED_WORD: u32 = 644u; // 2 * BUDGET_COUNTERS
// Word set when the last round ends with a particle short of t1 (a driver cutting loops short).
const UNFINISHED_WORD: u32 = 645u;

struct StepParams {
    // Start and end of the synchronisation step (s since the scenario start).
    t0_s: f32,
    t1_s: f32,
    // (t1 − t0) rounded once from f64, as the CPU driver does.
    sync_duration_s: f32,
    // Particles [0, n_active) are released by t1 (the array is ordered by release time).
    n_active: u32,
    // Columns, each n_levels levels at z_k = (k / s)², then the above-lid record, then a header
    // (sigma = s the level index per √m, lid, precipitation); the column grid's 1 / spacing.
    n_levels: u32,
    columns_inv_spacing_per_m: f32,
    // Source records per column (`sources` holds one run of them per column).
    n_sources: u32,
    // Whether any column has precipitation.
    precipitation: u32,
    time_step_factor: f32,
    min_time_step_s: f32,
    max_time_step_s: f32,
    drift: u32,
    deposition_layer_m: f32,
    x_min_m: f32,
    x_max_m: f32,
    y_min_m: f32,
    y_max_m: f32,
    top_m: f32,
    grid_x0_m: f32,
    grid_y0_m: f32,
    grid_dx_m: f32,
    nx: u32,
    ny: u32,
    nz: u32,
    n_species: u32,
    member: u32,
    key: vec2<u32>,
    // Word offsets of the grids in `acc`.
    exposure_offset: u32,
    dry_offset: u32,
    wet_offset: u32,
    // Seconds a particle airborne at t1 stands for in the grid: the whole part at a part's
    // middle, 0 at its end and in the bare Langevin parity test (twin: sampled_parts).
    sample_weight_s: f32,
    // The column grid: columns_nx × columns_ny columns, column (0, 0) at (x0, y0).
    columns_nx: u32,
    columns_ny: u32,
    columns_x0_m: f32,
    columns_y0_m: f32,
    // The meander's spread s (m) at MEANDER_NODES ages e^(k / inv_dln) s, four to a vec4;
    // meander_on = 0 tallies particles where they are (twin: meander::MeanderTable).
    meander_on: u32,
    meander_inv_dln: f32,
    // A particle whose every class share deposition has taken below this is spent (twin:
    // StepConfig::min_share); it sits here to keep the vec4 alignment.
    min_share: f32,
    meander_pad: u32,
    meander_spread_m: array<vec4<f32>, 17>,
    // The exposure tally, where the run keeps one (long_on = 1): each airborne particle is
    // gridded a second time, into the words at exposure_long_offset, at its image spread by
    // the second table, and deposits are booked there (twin: Ctx::exposure_meander).
    long_on: u32,
    long_inv_dln: f32,
    exposure_long_offset: u32,
    long_pad: u32,
    long_spread_m: array<vec4<f32>, 17>,
}

// Per source: loss rates of its classes, its entries [entries.x, entries.x + entries.y) and
// its particles' settling velocity (m/s, downward; twin: ClassLoss).
struct SourceRec {
    dry_velocity_m_s: vec4<f32>,
    washout_per_s: vec4<f32>,
    entries: vec2<u32>,
    settling_velocity_m_s: f32,
    pad: u32,
}

// One species a source emits (twin: release::Entry, with the fixed-point scales applied).
struct EntryRec {
    class_index: u32,
    species: u32,
    decay_per_s: f32,
    // amount_per_particle × amount scale (fixed-point units of a full particle).
    amount_units: f32,
    // amount_per_particle × exposure scale (units per second airborne).
    exposure_units: f32,
    // fixed(amount_per_particle, amount scale) as the CPU computes it in f64: a particle's
    // exact amount at release.
    released_lo: u32,
    released_hi: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> params: StepParams;
@group(0) @binding(1) var<storage, read_write> particles: array<Particle>;
@group(0) @binding(2) var<storage, read> column: array<ColumnLevel>;
@group(0) @binding(3) var<storage, read> sources: array<SourceRec>;
@group(0) @binding(4) var<storage, read> entries: array<EntryRec>;
@group(0) @binding(5) var<storage, read> layers: array<vec2<f32>>;
@group(0) @binding(6) var<storage, read_write> acc: array<atomic<u32>>;
// The rounds of a synchronisation step: the two queues' lengths, the round number, the
// sub-steps a particle may take in round 0 (the host's choice, 4 by default), then the queues
// (each n_active long) of particles still to move.
@group(0) @binding(7) var<storage, read_write> work: array<atomic<u32>>;
// The indirect dispatch size of the next round.
@group(0) @binding(8) var<storage, read_write> round_args: array<u32, 4>;

// Words of `work`: the round number, round 0's cap, and the first queue (the lengths are
// words 0 and 1).
const WORK_ROUND: u32 = 2u;
const WORK_FIRST_CAP: u32 = 3u;
const WORK_QUEUE: u32 = 4u;
// The round in which the cap on sub-steps, doubled each round, is lifted (with 4 in round 0,
// after 4·(2⁸ − 1) = 1020 sub-steps: the few particles that need more, by the ground in a long
// step, finish together in it).
const LAST_ROUND: u32 = 8u;
// Largest workgroup count along one dispatch dimension (twin: MAX_GROUPS_PER_DIMENSION).
const MAX_GROUPS_PER_DIMENSION: u32 = 65535u;

// Budget counters of this workgroup, flushed to `acc` once at the end.
var<workgroup> wg_budget: array<atomic<u32>, 644>; // 2 * BUDGET_COUNTERS

// Adds the two's-complement 64-bit `v` to the counter at words (i, i + 1) of `acc`; a carry
// out of the low word goes to the high word. Flags a signed overflow of a non-negative sum.
fn acc_add(i: u32, v: vec2<u32>) {
    if v.x == 0u && v.y == 0u {
        return;
    }
    var carry = 0u;
    if v.x != 0u {
        let old = atomicAdd(&acc[i], v.x);
        carry = select(0u, 1u, old > 0xFFFFFFFFu - v.x);
    }
    let add_hi = v.y + carry;
    if add_hi != 0u {
        let old_hi = atomicAdd(&acc[i + 1u], add_hi);
        let new_hi = old_hi + add_hi;
        if add_hi < 0x80000000u && old_hi < 0x80000000u && new_hi >= 0x80000000u {
            atomicStore(&acc[SATURATED_WORD], 1u);
        }
    }
}

// The same for counter `c` of the workgroup budget.
fn wg_add(c: u32, v: vec2<u32>) {
    if v.x == 0u && v.y == 0u {
        return;
    }
    var carry = 0u;
    if v.x != 0u {
        let old = atomicAdd(&wg_budget[2u * c], v.x);
        carry = select(0u, 1u, old > 0xFFFFFFFFu - v.x);
    }
    let add_hi = v.y + carry;
    if add_hi != 0u {
        atomicAdd(&wg_budget[2u * c + 1u], add_hi);
    }
}

// Output cell (row-major j·nx + i) nearest to (x, y), clamped to the grid (twin: Ctx::cell).
fn cell_index(x_m: f32, y_m: f32) -> u32 {
    let fi = clamp(floor((x_m - params.grid_x0_m) / params.grid_dx_m + 0.5), 0.0, f32(params.nx - 1u));
    let fj = clamp(floor((y_m - params.grid_y0_m) / params.grid_dx_m + 0.5), 0.0, f32(params.ny - 1u));
    return u32(fj) * params.nx + u32(fi);
}

// Fixed-point amount of entry `e` for a particle with class share m and decay factor d.
// The full undecayed share is the exact integer the CPU books at release, so the GPU budget
// telescopes to the CPU's released total exactly.
fn entry_units(e: EntryRec, m: f32, d: f32) -> vec2<u32> {
    if m == 1.0 && d == 1.0 {
        return vec2<u32>(e.released_lo, e.released_hi);
    }
    return fixed_from_units(m * e.amount_units * d);
}

// Decay factor exp(−λ·age) of entry `e` (1 for a stable species).
fn decay_factor(e: EntryRec, age_s: f32) -> f32 {
    if e.decay_per_s > 0.0 {
        return exp_neg_poly(-e.decay_per_s * age_s);
    }
    return 1.0;
}

// Books the share `before → after` of class `class_index` lost at (x, y) by dry (wet = false) or
// wet deposition, for every entry of the source in that class, valued at the decay of age
// `age1_s` (the end of the synchronisation step, as the CPU does).
// A meander image off the grid books the budget alone (twin: Ctx::book_loss).
fn book_loss(src: SourceRec, age1_s: f32, class_index: u32, x_m: f32, y_m: f32, before: f32, after: f32, wet: bool) {
    let cell = cell_index(x_m, y_m);
    let gridded = !deposit_images() || on_grid(x_m, y_m);
    let n_cells = params.nx * params.ny;
    for (var i = 0u; i < src.entries.y; i++) {
        let e = entries[src.entries.x + i];
        if e.class_index != class_index {
            continue;
        }
        let d = decay_factor(e, age1_s);
        let a = fixed_sub(entry_units(e, before, d), entry_units(e, after, d));
        let grid_word = 2u * (e.species * n_cells + cell);
        if wet {
            if gridded {
                acc_add(params.wet_offset + grid_word, a);
            }
            wg_add(e.species * BUDGET_TERMS + 2u, a);
        } else {
            if gridded {
                acc_add(params.dry_offset + grid_word, a);
            }
            wg_add(e.species * BUDGET_TERMS + 1u, a);
        }
    }
}

// Grids particle p (of source `src`, age `age1_s` at t1) into layer k, cell `cell` of the
// exposure words at `offset`. Snapshot sampling: every particle airborne at t1 stands for the
// part it samples (twin of the CPU's Ctx::process_chunk and finish).
fn tally_airborne(p: Particle, src: SourceRec, age1_s: f32, k: u32, cell: u32, offset: u32) {
    let n_cells = params.nx * params.ny;
    for (var i = 0u; i < src.entries.y; i++) {
        let e = entries[src.entries.x + i];
        let w = p.mass[e.class_index] * e.exposure_units * decay_factor(e, age1_s) * params.sample_weight_s;
        let word = 2u * ((e.species * params.nz + k) * n_cells + cell);
        acc_add(offset + word, fixed_from_units(w));
    }
}

// Books where particle p (of source `src`, age `age1_s` at t1) ended the step and stores it at
// `index` (twin: Ctx::finish).
fn finish(index: u32, p: Particle, src: SourceRec, age1_s: f32) {
    if p.status == STATUS_EXITED {
        wg_add(EXITED_COUNTER, vec2<u32>(1u, 0u));
        for (var i = 0u; i < src.entries.y; i++) {
            let e = entries[src.entries.x + i];
            wg_add(e.species * BUDGET_TERMS + 4u, entry_units(e, p.mass[e.class_index], decay_factor(e, age1_s)));
        }
    } else if params.sample_weight_s > 0.0 && p.status == STATUS_AIRBORNE {
        // A spent particle has nothing left to grid. The layer it is in (layers do not
        // overlap), then its meander image when there is a meander (an image off the grid is
        // not tallied), and its exposure tally's image.
        var layer_k = params.nz;
        for (var k = 0u; k < params.nz; k++) {
            let layer = layers[k];
            if p.pos.z >= layer.x && p.pos.z < layer.y {
                layer_k = k;
                break;
            }
        }
        if layer_k < params.nz {
            var image = p.pos.xy;
            if params.meander_on != 0u {
                image = image + meander_normals(p.id) * table_spread(false, age1_s);
            }
            if params.meander_on == 0u || on_grid(image.x, image.y) {
                tally_airborne(p, src, age1_s, layer_k, cell_index(image.x, image.y), params.exposure_offset);
            }
            if params.long_on != 0u {
                let long_image = p.pos.xy + meander_normals(p.id) * table_spread(true, age1_s);
                if on_grid(long_image.x, long_image.y) {
                    tally_airborne(p, src, age1_s, layer_k, cell_index(long_image.x, long_image.y), params.exposure_long_offset);
                }
            }
        }
    }
    particles[index] = p;
}

// Sub-steps a particle may take in round r of a synchronisation step: round 0's cap, doubling
// each round (saturating), and no limit in the last.
fn round_cap(round: u32) -> u32 {
    if round >= LAST_ROUND {
        return 0xFFFFFFFFu;
    }
    return min(atomicLoad(&work[WORK_FIRST_CAP]), 0xFFFFFFFFu >> round) << round;
}

// Advances particle `index` by up to the round's cap of sub-steps from the time `left_s` still
// to go; when done books it, else parks the time left in its `reserved` word and queues it for
// the next round.
fn advance_and_queue(index: u32, p_in: Particle, src: SourceRec, age1_s: f32, left_s: f32, round: u32) {
    var p = p_in;
    var left = left_s;
    let steps = advance(&p, src, age1_s, &left, round_cap(round));
    wg_add(SUB_STEPS_COUNTER, vec2<u32>(steps, 0u));
    if left > 0.0 && p.status == STATUS_AIRBORNE {
        p.reserved = bitcast<u32>(left);
        particles[index] = p;
        if round >= LAST_ROUND {
            // The last round has no cap: only a driver that cuts loops short (lavapipe, after
            // 65535 iterations) leaves a particle here. The host refuses the run.
            atomicStore(&acc[UNFINISHED_WORD], 1u);
            return;
        }
        let next = (round + 1u) & 1u;
        let slot = atomicAdd(&work[next], 1u);
        atomicStore(&work[WORK_QUEUE + next * params.n_active + slot], index);
    } else {
        p.reserved = 0u;
        finish(index, p, src, age1_s);
    }
}

// Round 0 for one particle: release, decay booking over [t0, t1], then its first sub-steps
// (twin: Ctx::begin, then advance_all, then Ctx::finish).
fn process(index: u32) {
    var p = particles[index];
    let t_rel = p.pos.w;
    var just_released = false;
    // The host released exactly the particles [0, n_active), deciding t_rel < t1 in f64 as the
    // CPU does; the f32 t1 here could round either way, so it does not decide again.
    if p.status == STATUS_WAITING {
        just_released = true;
    } else if p.status != STATUS_AIRBORNE {
        return;
    }
    let src = sources[p.source];
    var t_from = params.t0_s;
    var duration = params.sync_duration_s;
    if just_released {
        t_from = t_rel;
        duration = max(params.t1_s - t_rel, 0.0);
        p.status = STATUS_AIRBORNE;
        let c0 = column_index(p.pos.x, p.pos.y);
        let lv = column_at(c0, p.pos.z);
        let xi = normals4(params.key, params.member, p.id, 0u, 1u);
        p.vel = vec3<f32>(lv.sigma.x * xi.x, lv.sigma.y * xi.y, initial_wn(c0, p.pos.z, xi));
        for (var i = 0u; i < src.entries.y; i++) {
            let e = entries[src.entries.x + i];
            wg_add(e.species * BUDGET_TERMS, entry_units(e, p.mass[e.class_index], 1.0));
        }
    }
    // Decay over the step, booked from the factors at its start and end.
    let age1 = params.t1_s - t_rel;
    for (var i = 0u; i < src.entries.y; i++) {
        let e = entries[src.entries.x + i];
        if e.decay_per_s > 0.0 {
            let m = p.mass[e.class_index];
            let d0 = decay_factor(e, t_from - t_rel);
            let d1 = decay_factor(e, age1);
            wg_add(e.species * BUDGET_TERMS + 3u, fixed_sub(entry_units(e, m, d0), entry_units(e, m, d1)));
        }
    }
    advance_and_queue(index, p, src, age1, duration, 0u);
}

// Index of this thread's particle in a dispatch folded over two dimensions.
fn thread_index(gid: vec3<u32>, n_groups: vec3<u32>) -> u32 {
    return gid.y * n_groups.x * WORKGROUP_SIZE + gid.x;
}

// Adds this workgroup's budget counters to `acc`.
fn flush_budget(lid: u32) {
    workgroupBarrier();
    for (var c = lid; c < BUDGET_COUNTERS; c += WORKGROUP_SIZE) {
        let v = vec2<u32>(atomicLoad(&wg_budget[2u * c]), atomicLoad(&wg_budget[2u * c + 1u]));
        acc_add(2u * c, v);
    }
}

// A synchronisation step runs in rounds. Sub-step counts differ a hundredfold between a
// particle by the ground (Δt down to 0.1 s) and one aloft, and a warp runs as long as its
// slowest particle: with every particle moved to the end in one dispatch, 32-wide warps were
// 8.5 % busy (benches/gpu.rs). So round 0 (a thread per released particle) takes a capped
// number of sub-steps per particle and queues the unfinished ones; each later round (an
// indirect dispatch sized by `prepare_round`) moves the queue with twice the cap, in warps
// packed with particles that still have work (66 % busy in the bench's model). Rounds change
// nothing but the schedule: the random numbers are keyed by the particle's own step count, the
// time left is carried bit for bit (in the particle's spare word), the sums are integers.
@compute @workgroup_size(WORKGROUP_SIZE)
fn step_particles(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) n_groups: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let i = thread_index(gid, n_groups);
    if i < params.n_active {
        process(i);
    }
    flush_budget(lid);
}

// Round r ≥ 1: the particles queued by round r − 1.
@compute @workgroup_size(WORKGROUP_SIZE)
fn continue_particles(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) n_groups: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let round = atomicLoad(&work[WORK_ROUND]);
    let queue = round & 1u;
    let i = thread_index(gid, n_groups);
    if i < atomicLoad(&work[queue]) {
        let index = atomicLoad(&work[WORK_QUEUE + queue * params.n_active + i]);
        let p = particles[index];
        let src = sources[p.source];
        advance_and_queue(index, p, src, params.t1_s - p.pos.w, bitcast<f32>(p.reserved), round);
    }
    flush_budget(lid);
}

// Between rounds (one thread of one workgroup): the indirect dispatch size of the next round
// from its queue's length, that round's number, and an empty queue for what it leaves.
@compute @workgroup_size(WORKGROUP_SIZE)
fn prepare_round(@builtin(local_invocation_index) lid: u32) {
    if lid != 0u {
        return;
    }
    let round = atomicLoad(&work[WORK_ROUND]) + 1u;
    let queue = round & 1u;
    let groups = (atomicLoad(&work[queue]) + WORKGROUP_SIZE - 1u) / WORKGROUP_SIZE;
    let x = min(groups, MAX_GROUPS_PER_DIMENSION);
    round_args[0] = x;
    round_args[1] = select(0u, (groups + x - 1u) / x, x > 0u);
    round_args[2] = 1u;
    atomicStore(&work[(round + 1u) & 1u], 0u);
    atomicStore(&work[WORK_ROUND], round);
}

// Fixed-point amount of every species still airborne at time t1 (twin: Ctx::airborne),
// one counter per species at word `params.exposure_offset` (the host points it at the
// airborne block).
@compute @workgroup_size(WORKGROUP_SIZE)
fn airborne_amounts(
    @builtin(global_invocation_id) gid: vec3<u32>,
    @builtin(num_workgroups) n_groups: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let i = thread_index(gid, n_groups);
    if i < params.n_active {
        let p = particles[i];
        if p.status == STATUS_AIRBORNE {
            let src = sources[p.source];
            for (var i = 0u; i < src.entries.y; i++) {
                let e = entries[src.entries.x + i];
                let d = decay_factor(e, params.t1_s - p.pos.w);
                wg_add(e.species, entry_units(e, p.mass[e.class_index], d));
            }
        }
    }
    workgroupBarrier();
    for (var c = lid; c < MAX_GPU_SPECIES; c += WORKGROUP_SIZE) {
        let v = vec2<u32>(atomicLoad(&wg_budget[2u * c]), atomicLoad(&wg_budget[2u * c + 1u]));
        acc_add(params.exposure_offset + 2u * c, v);
    }
}
