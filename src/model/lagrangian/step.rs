//! The Langevin sub-step of one particle: turbulent velocities, advection, reflection at the
//! ground and the lid, and the time its path spends in the deposition layer (domain exit and
//! the deposition itself are taken by [`super::advance`]).
//!
//! ## Equations
//! Horizontal velocities are Ornstein–Uhlenbeck processes updated exactly over the step
//! (Gillespie 1996; FLEXPART treats horizontal turbulence as homogeneous at the particle height):
//!
//! `u′ ← r_u·u′ + σu·√(1−r_u²)·ξ₁`, `r_u = e^(−Δt/T_Lu)`, and likewise for v′.
//!
//! The vertical velocity satisfies Thomson's (1987) well-mixed criterion for Gaussian
//! inhomogeneous turbulence, `dw = −w/T_Lw dt + ½ ∂σw²/∂z (1 + w²/σw²) dt + √(2σw²/T_Lw) dW`,
//! whose mean drift ½∂σw²/∂z is the term of Legg & Raupach (1982). Written for the normalised
//! velocity ŵ = w/σw(z) (Wilson, Legg & Thurtell 1983; Stohl et al. 2005 eq. 10) the w² term
//! cancels exactly (dz = w dt carries no noise, so Itô's rule adds nothing):
//!
//! `ŵ ← r_w·ŵ + (∂σw/∂z + σw·∂lnρ/∂z)·Δt + √(1−r_w²)·ξ₃`, `Δz = σw·ŵ·Δt`,
//!
//! which is the form integrated here: it stays stable where σw is small. The term σw·∂lnρ/∂z
//! is Stohl & Thomson's (1999) density correction (FLEXPART's `rhoaux`): the well-mixed state
//! of air whose density ρ falls with height has the particles in proportion to ρ, not uniform
//! (the criterion with the density in the Eulerian PDF, ρ(z)·g(w, z); the column gives
//! ∂lnρ/∂z, zero in the analytic cases). Inside a convective
//! layer the vertical velocity is skewed instead ([`super::convective`]): the same update with
//! the bi-Gaussian PDF's drift in place of ∂σw/∂z. The particle record
//! stores ŵ in `vel[2]`, u′ and v′ in m/s. u′ is along the local mean wind and v′ across it
//! (to its left), as σu, σv and T_Lu, T_Lv are defined (Hanna 1982: σu = 2.0u* and σv = 1.3u*
//! in neutral air; a measured σθ sets σv, the crosswind part): positions advance by
//! `Δx = (U + u′·e_x − v′·e_y)Δt`, `Δy = (V + u′·e_y + v′·e_x)Δt` with e the unit vector
//! of the horizontal wind ([`wind_frame`]; east where the wind is below 10⁻⁶ m/s). Applying
//! u′ and v′ along the grid's east and north instead, as FLEXPART does, gives a plume
//! travelling north the along-wind σu as its crosswind spread — 1.5× Hanna's σv in neutral
//! and stable air — and puts a measured σθ along the wind: the width of a plume depended on
//! the wind direction.
//!
//! The height advances by a symmetric splitting (Leimkuhler & Matthews 2013): half a step
//! `Δz/2 = σw ŵ Δt/2` with the old velocity, the velocity update with the turbulence at that
//! midpoint, then the other half with the new velocity. The plain explicit update (FLEXPART's,
//! `Δz = σw(z)·ŵ_new·Δt`) left a 12 % excess in the lowest twentieth of a convective layer at
//! c = 0.2 in the well-mixed test; the splitting stays within 3.5 % for one more table read.
//!
//! **Settling**: particles of a source that releases an aerosol
//! ([`crate::source::aerosol`]) fall through the air at their terminal velocity v_s, which is
//! subtracted from the mean vertical wind in both halves of the split,
//! `Δz = (W − v_s + σw·ŵ)·Δt/2`, as FLEXPART settles its particles (Stohl et al. 2005). The
//! crossing-trajectories effect, which shortens a heavy particle's time scales by
//! √(1 + (v_s/σw)²) (Csanady 1963), is left out: under 5 % while v_s < 0.3σw (a 30 µm
//! unit-density particle in σw = 0.1 m/s). They still reflect at
//! the ground, but fall through the lid from above (only the turbulent part of a move is
//! mirrored at the lid: a fall is no excursion for it to turn back), and fall at most their
//! height, or the deposition layer's depth, in a step (so that they land rather than bounce
//! out of the layer); the deposition that stops them at the ground is the dry loss of
//! [`super::advance`],
//! whose velocity includes v_s, so that the flux to the ground is the settling flux v_s·C where
//! the surface takes nothing else (Seinfeld & Pandis 2006 eq. 19.7).
//!
//! **Time step**: Δt = c·T_Lw(z), c/2 where the velocity is skewed
//! ([`convective::STEP_FRACTION`]), bounded to [Δt_min, Δt_max] and to the time left in the
//! synchronisation step ([`StepConfig`]).
//!
//! **Boundaries**: perfect reflection (z → −z, ŵ → −ŵ) at the ground and at the mixing
//! height, which keeps a Gaussian well-mixed state well mixed (Wilson & Flesch 1993); a
//! particle beyond the horizontal bounds or above the model top leaves the domain.
//!
//! **Deposition** is taken per sub-step by [`super::advance`], on the time the step's path
//! spends in the deposition layer ([`time_below`]).
//!
//! ## References
//! - Thomson, D.J. (1987) J. Fluid Mech. 180:529–556, doi:10.1017/S0022112087001940.
//! - Legg, B.J., Raupach, M.R. (1982) Boundary-Layer Meteorol. 24:3–13, doi:10.1007/BF00121796.
//! - Wilson, J.D., Legg, B.J., Thurtell, G.W. (1983) Boundary-Layer Meteorol. 27:163–169.
//! - Wilson, J.D., Flesch, T.K. (1993) Boundary-Layer Meteorol. 63:403–416.
//! - Wilson, J.D., Sawford, B.L. (1996) Boundary-Layer Meteorol. 78:191–210 (review).
//! - Leimkuhler, B., Matthews, C. (2013) Appl. Math. Res. Express 2013:34–56 — splittings of
//!   Langevin dynamics and their equilibrium accuracy.
//! - Gillespie, D.T. (1996) Phys. Rev. E 54:2084 — the exact Ornstein–Uhlenbeck update.
//! - Csanady, G.T. (1963) "Turbulent diffusion of heavy particles in the atmosphere",
//!   J. Atmos. Sci. 20:201–208 — the crossing-trajectories effect.
//! - Seinfeld, J.H., Pandis, S.N. (2006) *Atmospheric Chemistry and Physics*, 2nd ed., Wiley,
//!   ch. 19 — dry deposition with settling.
//! - Stohl, A. et al. (2005) Atmos. Chem. Phys. 5:2461, doi:10.5194/acp-5-2461-2005.
//! - Stohl, A., Thomson, D.J. (1999) Boundary-Layer Meteorol. 90:155–167,
//!   doi:10.1023/A:1001741110696 — the density correction.

use super::column::{Column, ColumnGrid};
use super::convective;
use super::mathf::exp_neg_poly;
use crate::rng::StreamKey;

/// How the sub-steps are taken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepConfig {
    /// c in Δt = c·T_Lw.
    pub time_step_factor: f32,
    /// Δt_min (s).
    pub min_time_step_s: f32,
    /// Δt_max (s).
    pub max_time_step_s: f32,
    /// Whether the well-mixed drift ∂σw/∂z is applied; `false` only for negative-control tests.
    pub drift: bool,
    /// Depth δ (m) of the layer whose particles deposit dry.
    pub deposition_layer_m: f32,
    /// A particle whose every class share deposition has taken below this is spent
    /// ([`super::particle::STATUS_SPENT`]): the rest is booked as deposited and the particle
    /// stops. 0 keeps every particle to the end. See [`super::driver::DEFAULT_MIN_SHARE`].
    pub min_share: f32,
}

/// Where particles may be: beyond these they have left the domain.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub x_min_m: f32,
    pub x_max_m: f32,
    pub y_min_m: f32,
    pub y_max_m: f32,
    /// Model top (m above ground).
    pub top_m: f32,
}

impl Bounds {
    /// No bounds at all (analytic tests).
    pub fn unbounded() -> Self {
        Bounds {
            x_min_m: f32::NEG_INFINITY,
            x_max_m: f32::INFINITY,
            y_min_m: f32::NEG_INFINITY,
            y_max_m: f32::INFINITY,
            top_m: f32::INFINITY,
        }
    }
}

/// The unit vector (e_x, e_y) of the horizontal wind (u, v), along which u′ acts (v′ across
/// it); east where the wind is below 10⁻⁶ m/s and has no direction. Twin: `wind_frame` in
/// `shaders/langevin.wgsl`.
#[inline(always)]
pub fn wind_frame(u: f32, v: f32) -> [f32; 2] {
    let speed2 = u * u + v * v;
    let calm = speed2 <= 1.0e-12;
    let inv = 1.0 / speed2.max(1.0e-12).sqrt();
    if calm {
        [1.0, 0.0]
    } else {
        [u * inv, v * inv]
    }
}

/// Reflects a particle that moved from `z_from` to `z` perfectly at the lid (from either side)
/// and at the ground: the height is mirrored and the normalised vertical velocity reversed.
/// For a particle that settled `settled_m` in the move only the rest of the move, the
/// turbulent one, is mirrored at the lid, and the fall is taken after: the lid reflects
/// turbulent excursions (it stands for the jump in σw between the mixed layer and the air
/// above), not a fall, so settling particles pass down through it at v_s·C (mirroring the whole
/// move let about half that through where the turbulence above the lid is strong).
#[inline(always)]
fn reflect(z: f32, mut wn: f32, lid_m: f32, z_from: f32, settled_m: f32) -> (f32, f32) {
    let mut zt = z + settled_m;
    if (z_from > lid_m) != (zt > lid_m) {
        zt = 2.0 * lid_m - zt;
        wn = -wn;
    }
    let mut z = zt - settled_m;
    if z < 0.0 {
        z = -z;
        wn = -wn;
    }
    (z, wn)
}

/// Time (s) a particle drifting from height `z_from_m` by `dz_m` in `duration_s`, mirrored at
/// the ground, spends below `depth_m`: the share of its unmirrored path z_from + dz·t/τ inside
/// (−δ, δ). Dry deposition is booked on this time, not on where a step ends, so that a layer
/// thinner than one step's travel is still sampled without bias (twin: `time_below` in
/// langevin.wgsl).
#[inline(always)]
pub fn time_below(z_from_m: f32, dz_m: f32, duration_s: f32, depth_m: f32) -> f32 {
    if dz_m == 0.0 {
        return if z_from_m < depth_m { duration_s } else { 0.0 };
    }
    let (lo, hi) = if dz_m > 0.0 {
        (z_from_m, z_from_m + dz_m)
    } else {
        (z_from_m + dz_m, z_from_m)
    };
    let overlap = (hi.min(depth_m) - lo.max(-depth_m)).max(0.0);
    duration_s * (overlap / dz_m.abs()).min(1.0)
}

/// Particles advanced side by side. Eight f32 lanes fill one AVX register (two SSE ones); the
/// random numbers, Box–Muller and the velocity updates compile to SIMD across the lanes.
pub const LANES: usize = 8;

/// The state of the particles in the lanes, one array per quantity.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Lanes {
    pub(super) x: [f32; LANES],
    pub(super) y: [f32; LANES],
    pub(super) z: [f32; LANES],
    pub(super) up: [f32; LANES],
    pub(super) vp: [f32; LANES],
    pub(super) wn: [f32; LANES],
    /// Time each lane still has to go (s); ≤ 0 for an idle lane.
    pub(super) left: [f32; LANES],
    pub(super) id: [u32; LANES],
    pub(super) step: [u32; LANES],
    /// The settling velocity of each lane's particles (m/s, downward).
    pub(super) settle: [f32; LANES],
}

/// Takes one sub-step in every lane with time left and returns each lane's Δt (0 for idle
/// lanes, which are left exactly as they were: Δt = 0 makes every update the identity) and the
/// index of the column it read (the one nearest the lane's position at the start). `skewed`
/// when some column is convective (its lanes then take the skewed vertical update).
#[inline(always)]
#[allow(clippy::needless_range_loop)] // lanes are indexed in lockstep across several arrays
pub(super) fn sub_step<const SINGLE: bool>(
    s: &mut Lanes,
    grid: &ColumnGrid,
    cfg: &StepConfig,
    key: StreamKey,
    skewed: bool,
) -> ([f32; LANES], [usize; LANES], [f32; LANES]) {
    let mut dt = [0.0f32; LANES];
    let mut w0 = [0.0f32; LANES];
    // Time each lane spends in the deposition layer during the step (s).
    let mut below = [0.0f32; LANES];
    let mut ci = [0usize; LANES];
    if !SINGLE {
        for l in 0..LANES {
            ci[l] = grid.index(s.x[l], s.y[l]);
        }
    }
    let col0 = &grid.columns[0];
    // The lane's column: with one column the same for every lane, which keeps the lanes' loops
    // vectorised.
    let col = |l: usize| -> &Column {
        if SINGLE {
            col0
        } else {
            &grid.columns[ci[l]]
        }
    };
    for l in 0..LANES {
        let [t_lw, sigma_w, wind_w] = col(l).vertical_at(s.z[l]);
        // The skewed update takes half the Gaussian one's step ([`convective::STEP_FRACTION`]).
        let c = col(l);
        let factor = if c.convective_w3_m3_s3 > 0.0 && s.z[l] < c.lid_m {
            convective::STEP_FRACTION * cfg.time_step_factor
        } else {
            cfg.time_step_factor
        };
        // Clamped so that a NaN T_Lw (no input is known to give one) takes the minimum step
        // and the lane still finishes, rather than a zero step forever.
        let raw = factor * t_lw;
        let d = if raw >= cfg.min_time_step_s {
            raw.min(cfg.max_time_step_s)
        } else {
            cfg.min_time_step_s
        };
        // A settling particle falls at most its height (or the deposition layer's depth) in a
        // step, so that it lands rather than bouncing off the ground out of the layer.
        let d = if s.settle[l] > 0.0 {
            let fall_s = s.z[l].max(cfg.deposition_layer_m) / s.settle[l];
            d.min(fall_s.max(cfg.min_time_step_s))
        } else {
            d
        };
        // Take the rest of the synchronisation step when it is under half a minimum step more.
        let d = if s.left[l] - d < 0.5 * cfg.min_time_step_s {
            s.left[l]
        } else {
            d
        };
        dt[l] = d.max(0.0);
        w0[l] = wind_w - s.settle[l] + sigma_w * s.wn[l];
    }
    let mut xi = [[0.0f32; 4]; LANES];
    for l in 0..LANES {
        xi[l] = key.normals4(s.id[l], s.step[l], 0);
    }
    // Half a vertical drift with the old velocity, the velocity update at the midpoint, the
    // other half with the new velocity (the symmetric "ABA" splitting).
    for l in 0..LANES {
        s.step[l] = s.step[l].wrapping_add(u32::from(dt[l] > 0.0));
        let dz = 0.5 * dt[l] * w0[l];
        below[l] = time_below(s.z[l], dz, 0.5 * dt[l], cfg.deposition_layer_m);
        let settled = 0.5 * dt[l] * s.settle[l];
        (s.z[l], s.wn[l]) = reflect(s.z[l] + dz, s.wn[l], col(l).lid_m, s.z[l], settled);
    }
    let mut mid = [col0.above_lid; LANES];
    for l in 0..LANES {
        mid[l] = col(l).at(s.z[l]);
    }
    let wn_mid = s.wn;
    for l in 0..LANES {
        let lv = &mid[l];
        let [su, sv, sw, dsw_dz] = lv.sigma;
        let [iu, iv, iw, _] = lv.inv_time_scale;
        let dlnrho_dz = lv.wind[3];
        let d = dt[l];
        let ru = exp_neg_poly(-d * iu);
        let rv = exp_neg_poly(-d * iv);
        let rw = exp_neg_poly(-d * iw);
        s.up[l] = ru * s.up[l] + su * (1.0 - ru * ru).max(0.0).sqrt() * xi[l][0];
        s.vp[l] = rv * s.vp[l] + sv * (1.0 - rv * rv).max(0.0).sqrt() * xi[l][1];
        let drift = if cfg.drift {
            (dsw_dz + sw * dlnrho_dz) * d
        } else {
            0.0
        };
        s.wn[l] = rw * s.wn[l] + drift + (1.0 - rw * rw).max(0.0).sqrt() * xi[l][2];
    }
    // Inside a convective layer the vertical velocity is skewed: its update replaces the
    // Gaussian one. A separate pass, computed in every lane and selected, so that both loops
    // vectorise; skipped when no column is convective.
    if skewed {
        for l in 0..LANES {
            let c = col(l);
            let lv = &mid[l];
            let (m3, dm3) = convective::third_moment(s.z[l], c.lid_m, c.convective_w3_m3_s3);
            let skewed_wn = convective::update(
                wn_mid[l],
                lv.sigma[2],
                lv.sigma[3],
                lv.inv_time_scale[2],
                m3,
                dm3,
                lv.wind[3],
                dt[l],
                xi[l],
                cfg.drift,
            );
            let inside = c.convective_w3_m3_s3 > 0.0 && s.z[l] < c.lid_m && dt[l] > 0.0;
            s.wn[l] = if inside { skewed_wn } else { s.wn[l] };
        }
    }
    for l in 0..LANES {
        let lv = &mid[l];
        let sw = lv.sigma[2];
        let d = dt[l];
        let [ex, ey] = wind_frame(lv.wind[0], lv.wind[1]);
        s.x[l] += (lv.wind[0] + s.up[l] * ex - s.vp[l] * ey) * d;
        s.y[l] += (lv.wind[1] + s.up[l] * ey + s.vp[l] * ex) * d;
        let z = s.z[l];
        let dz = 0.5 * d * (lv.wind[2] - s.settle[l] + sw * s.wn[l]);
        below[l] += time_below(z, dz, 0.5 * d, cfg.deposition_layer_m);
        let settled = 0.5 * d * s.settle[l];
        (s.z[l], s.wn[l]) = reflect(z + dz, s.wn[l], col(l).lid_m, z, settled);
        s.left[l] -= d;
    }
    (dt, ci, below)
}
