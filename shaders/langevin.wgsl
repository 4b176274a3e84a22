// langevin.wgsl — the particle model's Langevin sub-steps on the GPU: the column a particle
// reads, the wind frame, reflection at the ground and the lid, the time a path spends in the
// deposition layer, and `advance`, which takes one particle through its sub-steps with its
// dry and wet deposition and domain exit. Twin of one lane of `advance_all` in
// src/model/lagrangian/advance.rs with its sub-step in step.rs (equations and references
// there). Concatenated after lagrangian.wgsl's bindings and accounting (src/backend/gpu/
// shaders.rs), whose `params`, `column` and `book_loss` it reads.

// Index of the column nearest to (x, y), clamped to the column grid (twin: ColumnGrid::index).
fn column_index(x_m: f32, y_m: f32) -> u32 {
    let fi = min(max((x_m - params.columns_x0_m) * params.columns_inv_spacing_per_m + 0.5, 0.0), f32(params.columns_nx - 1u));
    let fj = min(max((y_m - params.columns_y0_m) * params.columns_inv_spacing_per_m + 0.5, 0.0), f32(params.columns_ny - 1u));
    return u32(fj) * params.columns_nx + u32(fi);
}

// The lid (m) of column c.
fn column_lid(c: u32) -> f32 {
    return column[c * (params.n_levels + 2u) + params.n_levels + 1u].sigma.y;
}

// The scale of ⟨w³⟩ (m³ s⁻³) of column c; 0 where the turbulence is Gaussian.
fn column_w3(c: u32) -> f32 {
    return column[c * (params.n_levels + 2u) + params.n_levels + 1u].sigma.w;
}

// ŵ of a particle released at z in column c (twin: Column::initial_wn).
fn initial_wn(c: u32, z_m: f32, xi: vec4<f32>) -> f32 {
    let w3 = column_w3(c);
    let lid = column_lid(c);
    if w3 > 0.0 && z_m < lid {
        let sw = column_at(c, z_m).sigma.z;
        let m = third_moment(z_m, lid, w3);
        return bi_gaussian_draw(bi_gaussian(sw, 0.0, m.x, 0.0), xi.z, xi.w) / sw;
    }
    return xi.z;
}

// The wind above the lid of a column whose above-lid record is `above` and header `header`:
// linear in z from the lid's to the header's (at the height in its w), that one beyond
// (twin: Column::above_wind).
fn above_wind(above: ColumnLevel, header: ColumnLevel, z_m: f32) -> vec4<f32> {
    let lid = header.sigma.y;
    let span = header.wind.w - lid;
    var t = 0.0;
    if span > 0.0 {
        t = clamp((z_m - lid) / span, 0.0, 1.0);
    }
    return vec4<f32>(above.wind.xyz + t * (header.wind.xyz - above.wind.xyz), above.wind.w);
}

// The level of column c at height z (twin: Column::at): linear interpolation in √z between
// the tabulated levels; above the lid, the above-lid record with the wind of above_wind.
fn column_at(c: u32, z_m: f32) -> ColumnLevel {
    let n = params.n_levels;
    let base = c * (n + 2u);
    let header = column[base + n + 1u];
    if z_m > header.sigma.y {
        let above = column[base + n];
        return ColumnLevel(above.sigma, above.inv_time_scale, above_wind(above, header, z_m));
    }
    let last = n - 1u;
    let f = min(sqrt(max(z_m, 0.0)) * header.sigma.x, f32(last));
    let k = min(u32(f), last - 1u);
    let w = f - f32(k);
    let a = column[base + k];
    let b = column[base + k + 1u];
    return ColumnLevel(
        a.sigma + w * (b.sigma - a.sigma),
        a.inv_time_scale + w * (b.inv_time_scale - a.inv_time_scale),
        a.wind + w * (b.wind - a.wind),
    );
}

// The unit vector of the horizontal wind (u, v), along which u′ acts (v′ across it); east
// where the wind is below 10⁻⁶ m/s (twin: `wind_frame` in step.rs).
fn wind_frame(u: f32, v: f32) -> vec2<f32> {
    let speed2 = u * u + v * v;
    let inv = 1.0 / sqrt(max(speed2, 1.0e-12));
    return select(vec2<f32>(u * inv, v * inv), vec2<f32>(1.0, 0.0), speed2 <= 1.0e-12);
}

// Reflects a particle that moved from z_from to z perfectly at the lid (from either side)
// and at the ground; returns (z, ŵ). Of a move that settled `settled_m` only the rest is
// mirrored at the lid, the fall taken after (twin: step::reflect).
fn reflect(z_in: f32, wn_in: f32, lid_m: f32, z_from: f32, settled_m: f32) -> vec2<f32> {
    var zt = z_in + settled_m;
    var wn = wn_in;
    if (z_from > lid_m) != (zt > lid_m) {
        zt = 2.0 * lid_m - zt;
        wn = -wn;
    }
    var z = zt - settled_m;
    if z < 0.0 {
        z = -z;
        wn = -wn;
    }
    return vec2<f32>(z, wn);
}

// Time (s) a particle drifting from height `z_from` by `dz` in `duration`, mirrored at the
// ground, spends below `depth`: the share of its unmirrored path inside (−δ, δ) (twin:
// step::time_below).
fn time_below(z_from: f32, dz: f32, duration: f32, depth: f32) -> f32 {
    if dz == 0.0 {
        return select(0.0, duration, z_from < depth);
    }
    var lo = z_from;
    var hi = z_from + dz;
    if dz < 0.0 {
        lo = z_from + dz;
        hi = z_from;
    }
    let overlap = max(min(hi, depth) - max(lo, -depth), 0.0);
    return duration * min(overlap / abs(dz), 1.0);
}

// Advances particle p by the time `left_s` in Langevin sub-steps (twin: one lane of
// advance::advance_all), at most `cap` of them, booking deposition; returns the sub-steps taken
// and leaves in `left_s` the time still to go. A particle leaving the domain is marked exited,
// one whose shares deposition has taken below `min_share` spent.
fn advance(p: ptr<function, Particle>, src: SourceRec, age1_s: f32, left_s: ptr<function, f32>, cap: u32) -> u32 {
    var left = *left_s;
    var steps = 0u;
    var x = (*p).pos.x;
    var y = (*p).pos.y;
    var z = (*p).pos.z;
    var up = (*p).vel.x;
    var vp = (*p).vel.y;
    var wn = (*p).vel.z;
    // Deposition is booked at the meander image, at the event's age (twin: the lanes' xi and
    // age1_s in advance.rs), of the exposure tally's table where the run keeps one.
    var xi_m = vec2<f32>(0.0);
    if deposit_images() {
        xi_m = meander_normals((*p).id);
    }
    while left > 0.0 && steps < cap {
        let c = column_index(x, y);
        let lid = column_lid(c);
        let lv0 = column_at(c, z);
        let w3 = column_w3(c);
        // The skewed update takes half the Gaussian one's step (STEP_FRACTION).
        var factor = params.time_step_factor;
        if w3 > 0.0 && z < lid {
            factor = STEP_FRACTION * factor;
        }
        // NaN-safe clamp (twin of the CPU's): a NaN T_Lw takes the minimum step.
        let raw_dt = factor * lv0.inv_time_scale.w;
        var dt = select(params.min_time_step_s, min(raw_dt, params.max_time_step_s), raw_dt >= params.min_time_step_s);
        // A settling particle falls at most its height or the deposition layer's depth in a
        // step (twin: step.rs).
        if src.settling_velocity_m_s > 0.0 {
            let fall_s = max(z, params.deposition_layer_m) / src.settling_velocity_m_s;
            dt = min(dt, max(fall_s, params.min_time_step_s));
        }
        if left - dt < 0.5 * params.min_time_step_s {
            dt = left;
        }
        let xi = normals4(params.key, params.member, (*p).id, (*p).step, 0u);
        (*p).step = (*p).step + 1u;
        steps = steps + 1u;
        // Half a vertical drift with the old velocity, the velocity update at the midpoint,
        // the other half with the new velocity (the symmetric "ABA" splitting).
        // Particles of an aerosol settle at v_s (twin: the lanes' `settle` in step.rs).
        let dz0 = 0.5 * dt * (lv0.wind.z - src.settling_velocity_m_s + lv0.sigma.z * wn);
        var below = time_below(z, dz0, 0.5 * dt, params.deposition_layer_m);
        let half0 = reflect(z + dz0, wn, lid, z, 0.5 * dt * src.settling_velocity_m_s);
        z = half0.x;
        wn = half0.y;
        let lv = column_at(c, z);
        let ru = exp_neg_poly(-dt * lv.inv_time_scale.x);
        let rv = exp_neg_poly(-dt * lv.inv_time_scale.y);
        let rw = exp_neg_poly(-dt * lv.inv_time_scale.z);
        up = ru * up + lv.sigma.x * sqrt(max(1.0 - ru * ru, 0.0)) * xi.x;
        vp = rv * vp + lv.sigma.y * sqrt(max(1.0 - rv * rv, 0.0)) * xi.y;
        var drift = 0.0;
        if params.drift != 0u {
            // ∂σw/∂z and the density correction σw·∂lnρ/∂z (twin: step.rs).
            drift = (lv.sigma.w + lv.sigma.z * lv.wind.w) * dt;
        }
        if w3 > 0.0 && z < lid && dt > 0.0 {
            // Inside a convective layer the skewed update replaces the Gaussian one.
            let m = third_moment(z, lid, w3);
            wn = skewed_update(wn, lv.sigma.z, lv.sigma.w, lv.inv_time_scale.z, m.x, m.y, lv.wind.w, dt, xi, params.drift != 0u);
        } else {
            wn = rw * wn + drift + sqrt(max(1.0 - rw * rw, 0.0)) * xi.z;
        }
        // u′ along the mean wind, v′ across it (twin: step.rs).
        let e = wind_frame(lv.wind.x, lv.wind.y);
        x = x + (lv.wind.x + up * e.x - vp * e.y) * dt;
        y = y + (lv.wind.y + up * e.y + vp * e.x) * dt;
        let dz1 = 0.5 * dt * (lv.wind.z - src.settling_velocity_m_s + lv.sigma.z * wn);
        below = below + time_below(z, dz1, 0.5 * dt, params.deposition_layer_m);
        let half1 = reflect(z + dz1, wn, lid, z, 0.5 * dt * src.settling_velocity_m_s);
        z = half1.x;
        wn = half1.y;
        left = left - dt;
        // The loss rates of the column read at the start of the sub-step (twin: the CPU's
        // `losses[ci · n_sources + source]`), for dry and wet deposition alike.
        let loss = sources[c * params.n_sources + (*p).source];
        // Under a lid lower than δ the particle's mass is spread over the lid height, and a
        // particle under it is in the layer the whole step; else for the time its path spent
        // below δ (twin of the CPU's step).
        var depth = params.deposition_layer_m;
        var time_in = below;
        if lid < params.deposition_layer_m {
            depth = lid;
            time_in = select(0.0, dt, z < lid);
        }
        let inside = x >= params.x_min_m && x <= params.x_max_m && y >= params.y_min_m
            && y <= params.y_max_m && z <= params.top_m;
        // A particle that has left the domain deposits nothing (twin: advance.rs).
        let any_dry = any(loss.dry_velocity_m_s > vec4<f32>(0.0));
        let washout = loss.washout_per_s;
        let any_wet = any(washout > vec4<f32>(0.0)) && params.precipitation != 0u;
        // Where a loss is booked: the particle, or its meander image at the event's age
        // (read only when something may deposit, as the CPU does).
        var image = vec2<f32>(x, y);
        if deposit_images() && inside && ((any_dry && time_in > 0.0) || any_wet) {
            image = image + xi_m * deposit_spread(age1_s - left);
        }
        // The process that took from each class last in this sub-step (1 dry, 2 wet), and
        // from any (twin: advance.rs).
        var took = vec4<u32>(0u);
        var took_any = 0u;
        if inside && any_dry && time_in > 0.0 {
            took_any = 1u;
            for (var k = 0u; k < 4u; k++) {
                let vd = loss.dry_velocity_m_s[k];
                if vd > 0.0 && (*p).mass[k] > 0.0 {
                    let before = (*p).mass[k];
                    (*p).mass[k] = before * exp_neg_poly(-vd * time_in / depth);
                    book_loss(src, age1_s, k, image.x, image.y, before, (*p).mass[k], false);
                    took[k] = 1u;
                }
            }
        }
        // Rain washes out at every height (below-cloud scavenging; no cloud base is known).
        if inside && any_wet {
            took_any = 2u;
            for (var k = 0u; k < 4u; k++) {
                let lambda = washout[k];
                if lambda > 0.0 && (*p).mass[k] > 0.0 {
                    let before = (*p).mass[k];
                    (*p).mass[k] = before * exp_neg_poly(-lambda * dt);
                    book_loss(src, age1_s, k, image.x, image.y, before, (*p).mass[k], true);
                    took[k] = 2u;
                }
            }
        }
        (*p).pos = vec4<f32>(x, y, z, (*p).pos.w);
        // Deposition took every share below the threshold: the particle is spent, the rest
        // of each class booked as the process that took from it last took it (one that did
        // not act on it in this sub-step: as its own process, dry before wet; twin:
        // advance.rs, StepConfig::min_share).
        if took_any != 0u && all((*p).mass < vec4<f32>(params.min_share)) {
            for (var k = 0u; k < 4u; k++) {
                if (*p).mass[k] > 0.0 {
                    var own = took_any;
                    if loss.dry_velocity_m_s[k] > 0.0 {
                        own = 1u;
                    } else if washout[k] > 0.0 {
                        own = 2u;
                    }
                    let kind = select(own, took[k], took[k] != 0u);
                    book_loss(src, age1_s, k, image.x, image.y, (*p).mass[k], 0.0, kind == 2u);
                    (*p).mass[k] = 0.0;
                }
            }
            (*p).status = STATUS_SPENT;
            left = 0.0;
            break;
        }
        if !inside {
            (*p).status = STATUS_EXITED;
            break;
        }
    }
    (*p).vel = vec3<f32>(up, vp, wn);
    *left_s = left;
    return steps;
}
