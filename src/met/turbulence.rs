//! Boundary-layer turbulence by height: velocity standard deviations σu, σv, σw, Lagrangian
//! time scales T_Lu, T_Lv, T_Lw and the vertical gradient ∂σw²/∂z, from the scales
//! (u*, L, h, w*) of a [`BoundaryLayer`] — so every stability class has a turbulence profile.
//!
//! The parameterisation is Hanna (1982) as FLEXPART implements it (`hanna.f90`, Stohl et al.
//! 2005 §6): the regime is neutral when h/|L| < 1, else unstable (L < 0) or stable (L > 0).
//! With ζ = z/h and f the Coriolis parameter (FLEXPART's fixed 10⁻⁴ s⁻¹):
//!
//! | | σu | σv | σw | T_Lu | T_Lv | T_Lw |
//! |---|---|---|---|---|---|---|
//! | neutral | 2.0u*·e^(−3fz/u*) | 1.3u*·e^(−2fz/u*) | 1.3u*·e^(−2fz/u*) | 0.5z/σw/(1+15fz/u*) | = T_Lu | = T_Lu |
//! | unstable | u*(12+0.5h/\|L\|)^⅓ | = σu | √(1.2w*²(1−0.9ζ)ζ^⅔ + (1.8−1.4ζ)u*²) | 0.15h/σu | = T_Lu | see below |
//! | stable | 2.0u*(1−ζ) | 1.3u*(1−ζ) | 1.3u*(1−ζ) | 0.15h/σu·ζ^½ | 0.07h/σv·ζ^½ | 0.1h/σw·ζ^0.8 |
//!
//! Unstable T_Lw: 0.1z/(σw(0.55−0.38z/|L|)) for z < |L|; else 0.59z/σw for ζ < 0.1; else
//! 0.15h/σw·(1−e^(−5ζ)). As in FLEXPART, 0.01 m/s is added to every σ, and T_Lu, T_Lv ≥ 10 s.
//! One departure: the stable T_Lv is Hanna's own 0.07h/σv·ζ^½, where FLEXPART's `hanna.f90`
//! takes 0.467·T_Lu (about 1.5 × shorter for these σ).
//!
//! **Convective mixed layer (ζ ≥ 0.1).** There T_Lw is Luhar & Britter's (1989)
//! `2σw²/(C0·ε)` with `ε = (w*³/h)(1.5 − 1.2ζ^⅓)` and C0 = 2, the time scale that goes with
//! the skewed velocity PDF of Luhar, Hibberd & Hurley (1996) in the particle model. Hanna's
//! 0.15h/σw·(1 − e^(−5ζ)) is 3–4× shorter: updrafts then forget their velocity before they
//! have crossed the layer, and a plume released near the ground stays on the ground where
//! Willis & Deardorff's (1976) tank shows it lifting off (its maximum above the ground, the
//! ground-level concentration below the well-mixed value by X = x·w*/(U·h) ≈ 1.5; tested in
//! `tests/lagrangian_convective.rs`). It is phased in from Hanna's by the same transition as the
//! skewness ([`convective_transition`]: −h/L from 5 to 15), so weakly unstable layers keep
//! Hanna's scale and nothing jumps between regimes. T_Lw does not enter the well-mixed
//! condition; only the spread in time changes.
//!
//! **Surface layer (z < 0.1h, every regime).** There T_Lw = K/σw² with K = κu*z/φh(z/L), the
//! Monin–Obukhov eddy diffusivity of a scalar (Businger–Dyer φh, the family of the wind profile's
//! ψm), so that the far-field diffusivity of the Langevin model, σw²T_Lw, is the one surface-layer
//! similarity and K-theory give (Wilson, Thurtell & Kidd 1981; Rodean 1996 §8; Wilson & Sawford
//! 1996). Hanna's surface-layer T_Lw does not have that property: its unstable form gives
//! σw²T_Lw ≈ 0.24u*z as L → −∞ (his neutral form gives 0.65u*z) and falls further below
//! κu*z/φh as the air grows more unstable — a factor 3–5 too little vertical mixing at
//! z ≈ |L| — so ground-level concentrations from surface releases in daytime air were too high
//! and the excess grew with distance (the Prairie Grass suite showed it, ×1.8 on the unstable
//! runs). σw keeps Hanna's form (its gradient drives the well-mixed drift); only the time scale,
//! which does not enter the well-mixed condition, changes.
//! Unlike FLEXPART, T_Lw is not floored at 30 s: that floor is a numerical convenience for
//! mesoscale grids, and near the ground it makes a surface plume spread ballistically
//! (σz = σw·t) for its first 30 s, far faster than the surface-layer diffusion that
//! T_Lw ∝ z gives (the Prairie Grass 50–200 m arcs show it); the time step follows T_Lw
//! instead. Heights are evaluated at z clamped to [`MIN_PROFILE_HEIGHT_M`, h], so T_Lw ∝ z holds
//! down to 1 m and is constant below (there the 0.1 s minimum step rarely binds); below that
//! floor the profile is constant, so ∂σw²/∂z = 0 there and the profile stays differentiable
//! wherever the drift uses it. Above the mixing height the free troposphere has FLEXPART's
//! constant diffusivities (horizontal 50 m² s⁻¹, vertical 0.1 m² s⁻¹) with
//! [`FREE_TROPOSPHERE_TIME_SCALE_S`].
//!
//! ## References
//! - Wilson, J.D., Thurtell, G.W., Kidd, G.E. (1981) "Numerical simulation of particle
//!   trajectories in inhomogeneous turbulence, III", Boundary-Layer Meteorol. 21:443–463,
//!   doi:10.1007/BF00119284 — T_L from the surface-layer diffusivity.
//! - Rodean, H.C. (1996) *Stochastic Lagrangian Models of Turbulent Diffusion*, AMS Meteorol.
//!   Monogr. 26(48), doi:10.1007/978-1-935704-11-9 — K = σw²T_L in the diffusion limit.
//! - Wilson, J.D., Sawford, B.L. (1996) "Review of Lagrangian stochastic models for trajectories
//!   in the turbulent atmosphere", Boundary-Layer Meteorol. 78:191–210, doi:10.1007/BF00122492.
//! - Dyer, A.J. (1974) "A review of flux-profile relationships", Boundary-Layer Meteorol.
//!   7:363–372, doi:10.1007/BF00240838 — φh.
//! - Luhar, A.K., Britter, R.E. (1989) "A random walk model for dispersion in inhomogeneous
//!   turbulence in a convective boundary layer", Atmos. Environ. 23:1911–1924,
//!   doi:10.1016/0004-6981(89)90516-7 — T_Lw = 2σw²/(C0ε), the mixed-layer ε profile.
//! - Willis, G.E., Deardorff, J.W. (1976) "A laboratory model of diffusion into the convective
//!   planetary boundary layer", Q. J. R. Meteorol. Soc. 102:427–445,
//!   doi:10.1002/qj.49710243212 — the lift-off of a near-ground plume.
//! - Cassiani, M., Stohl, A., Brioude, J. (2015) Boundary-Layer Meteorol. 154:367–390,
//!   doi:10.1007/s10546-014-9976-5 — the neutral-to-convective transition.
//! - Hanna, S.R. (1982) "Applications in air pollution modeling", in Nieuwstadt & van Dop (eds.)
//!   *Atmospheric Turbulence and Air Pollution Modelling*, Reidel, ch. 7, pp. 275–310,
//!   doi:10.1007/978-94-010-9112-1_7 — eqs. for σ and T_L in the three regimes.
//! - Stohl, A., Forster, C., Frank, A., Seibert, P., Wotawa, G. (2005) "Technical note: The
//!   Lagrangian particle dispersion model FLEXPART version 6.2", Atmos. Chem. Phys. 5:2461–2474,
//!   doi:10.5194/acp-5-2461-2005, §6 — the same profiles, the floors, the free troposphere.

use super::boundary_layer::{phi_h, BoundaryLayer, KARMAN};

/// The Coriolis parameter FLEXPART uses in the neutral profiles (s⁻¹).
pub const NEUTRAL_CORIOLIS_PER_S: f64 = 1.0e-4;
/// Added to every σ (m/s), as FLEXPART does, so no σ reaches zero.
pub const SIGMA_FLOOR_M_S: f64 = 0.01;
/// Smallest horizontal Lagrangian time scale (s) (FLEXPART).
pub const MIN_HORIZONTAL_TIME_SCALE_S: f64 = 10.0;
/// Kolmogorov's constant C0 of the Lagrangian structure function in the convective mixed
/// layer, where T_Lw = 2σw²/(C0·ε) (Luhar & Britter 1989; Luhar, Hibberd & Hurley 1996).
pub const CONVECTIVE_KOLMOGOROV_C0: f64 = 2.0;
/// The surface layer, where T_Lw follows Monin–Obukhov similarity, is z < this × h (the usual
/// one tenth of the boundary layer; Stull 1988 §1.3, Garratt 1992 §1.1).
pub const SURFACE_LAYER_FRACTION: f64 = 0.1;
/// Heights below this (m) use the profile value at this height.
pub const MIN_PROFILE_HEIGHT_M: f64 = 1.0;
/// Horizontal eddy diffusivity above the mixing height (m² s⁻¹) (FLEXPART `d_trop`).
pub const FREE_TROPOSPHERE_HORIZONTAL_DIFFUSIVITY_M2_S: f64 = 50.0;
/// Vertical eddy diffusivity above the mixing height (m² s⁻¹) (FLEXPART `d_trop` vertical).
pub const FREE_TROPOSPHERE_VERTICAL_DIFFUSIVITY_M2_S: f64 = 0.1;
/// Lagrangian time scale above the mixing height (s); σ² = K / T_L.
pub const FREE_TROPOSPHERE_TIME_SCALE_S: f64 = 300.0;

/// The turbulence regime of Hanna (1982).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regime {
    Neutral,
    Unstable,
    Stable,
}

/// Returns the regime: neutral when h/|L| < 1 (FLEXPART), else by the sign of L.
pub fn regime(bl: &BoundaryLayer) -> Regime {
    let l = bl.obukhov_length_m;
    if !l.is_finite() || bl.mixing_height_m / l.abs() < 1.0 {
        Regime::Neutral
    } else if l < 0.0 {
        Regime::Unstable
    } else {
        Regime::Stable
    }
}

/// Turbulence statistics at one height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Turbulence {
    pub sigma_u_m_s: f64,
    pub sigma_v_m_s: f64,
    pub sigma_w_m_s: f64,
    pub time_scale_u_s: f64,
    pub time_scale_v_s: f64,
    pub time_scale_w_s: f64,
    /// ∂σw²/∂z (m s⁻²), the gradient that drives the well-mixed drift.
    pub dsigma_w2_dz_m_s2: f64,
}

impl Turbulence {
    /// Homogeneous turbulence: the same σ and T_L in every direction, no gradient.
    pub fn homogeneous(sigma_m_s: f64, time_scale_s: f64) -> Self {
        Turbulence {
            sigma_u_m_s: sigma_m_s,
            sigma_v_m_s: sigma_m_s,
            sigma_w_m_s: sigma_m_s,
            time_scale_u_s: time_scale_s,
            time_scale_v_s: time_scale_s,
            time_scale_w_s: time_scale_s,
            dsigma_w2_dz_m_s2: 0.0,
        }
    }
}

/// The factor that scales the Hanna σv profile so that it passes through a measured σv (σθ × the
/// measured wind) at the anemometer height `z_ref_m`.
///
/// The profile is compared at most half-way up the mixing layer: a stable profile falls to its
/// 0.01 m/s floor at h, and above h the free-troposphere value applies, so an anemometer at or
/// above a shallow nocturnal lid (a 10 m mast in a 10 m layer) would otherwise scale the whole
/// layer by a factor of tens — or by the ratio to free-tropospheric turbulence.
pub fn sigma_v_scale(bl: &BoundaryLayer, measured_sigma_v_m_s: f64, z_ref_m: f64) -> f64 {
    let z = z_ref_m.min(0.5 * bl.mixing_height_m);
    measured_sigma_v_m_s / hanna(bl, z).sigma_v_m_s
}

/// Returns the Hanna (1982) turbulence at height `z_m` above ground (see the module table).
pub fn hanna(bl: &BoundaryLayer, z_m: f64) -> Turbulence {
    let h = bl.mixing_height_m;
    if z_m > h {
        return free_troposphere();
    }
    let u_star = bl.friction_velocity_m_s.max(1.0e-4);
    let z = z_m.clamp(MIN_PROFILE_HEIGHT_M.min(0.5 * h), h);
    // Inside the floor the profile is flat; its gradient is zero there.
    let below_floor = z_m < z;
    let zeta = z / h;
    let f = NEUTRAL_CORIOLIS_PER_S;
    let (su, sv, sw, tu, tv, tw, dsw_dz);
    match regime(bl) {
        Regime::Neutral => {
            su = SIGMA_FLOOR_M_S + 2.0 * u_star * (-3.0 * f * z / u_star).exp();
            let sw_raw = 1.3 * u_star * (-2.0 * f * z / u_star).exp();
            sw = SIGMA_FLOOR_M_S + sw_raw;
            sv = sw;
            dsw_dz = -2.0 * f / u_star * sw_raw;
            let t = 0.5 * z / sw / (1.0 + 15.0 * f * z / u_star);
            (tu, tv, tw) = (t, t, t);
        }
        Regime::Unstable => {
            let l = bl.obukhov_length_m;
            let w_star = bl.convective_velocity_m_s();
            su = SIGMA_FLOOR_M_S + u_star * (12.0 - 0.5 * h / l).cbrt();
            sv = su;
            let s2 = 1.2 * w_star * w_star * (1.0 - 0.9 * zeta) * zeta.powf(2.0 / 3.0)
                + (1.8 - 1.4 * zeta) * u_star * u_star;
            let ds2_dz =
                (w_star * w_star * (0.8 * zeta.powf(-1.0 / 3.0) - 1.8 * zeta.powf(2.0 / 3.0))
                    - 1.4 * u_star * u_star)
                    / h;
            let root = s2.max(1.0e-12).sqrt();
            sw = SIGMA_FLOOR_M_S + root;
            dsw_dz = ds2_dz / (2.0 * root);
            tu = 0.15 * h / su;
            tv = tu;
            tw = if z < l.abs() {
                0.1 * z / (sw * (0.55 - 0.38 * z / l.abs()))
            } else if zeta < 0.1 {
                0.59 * z / sw
            } else {
                // Hanna's mixed-layer scale, turning into Luhar & Britter's as the layer turns
                // convective (module docs).
                let hanna = 0.15 * h / sw * (1.0 - (-5.0 * zeta).exp());
                let epsilon = convective_dissipation_m2_s3(w_star, h, zeta);
                let s = convective_transition(bl);
                // No convection (w* = 0: no friction velocity) leaves Hanna's scale alone
                // rather than blending in an infinite one.
                if s > 0.0 && epsilon > 0.0 {
                    let kolmogorov = 2.0 * sw * sw / (CONVECTIVE_KOLMOGOROV_C0 * epsilon);
                    (1.0 - s) * hanna + s * kolmogorov
                } else {
                    hanna
                }
            };
        }
        Regime::Stable => {
            su = SIGMA_FLOOR_M_S + 2.0 * u_star * (1.0 - zeta);
            sv = SIGMA_FLOOR_M_S + 1.3 * u_star * (1.0 - zeta);
            sw = sv;
            dsw_dz = -1.3 * u_star / h;
            tu = 0.15 * h / su * zeta.sqrt();
            tv = 0.07 * h / sv * zeta.sqrt();
            tw = 0.1 * h / sw * zeta.powf(0.8);
        }
    }
    // In the surface layer T_Lw carries the Monin–Obukhov scalar diffusivity (module docs).
    let tw = if z < SURFACE_LAYER_FRACTION * h {
        surface_layer_diffusivity_m2_s(bl, z) / (sw * sw)
    } else {
        tw
    };
    Turbulence {
        sigma_u_m_s: su,
        sigma_v_m_s: sv,
        sigma_w_m_s: sw,
        time_scale_u_s: tu.max(MIN_HORIZONTAL_TIME_SCALE_S),
        time_scale_v_s: tv.max(MIN_HORIZONTAL_TIME_SCALE_S),
        time_scale_w_s: tw,
        dsigma_w2_dz_m_s2: if below_floor { 0.0 } else { 2.0 * sw * dsw_dz },
    }
}

/// How convective a layer is, from 0 to 1 (Cassiani, Stohl & Brioude 2015): 0 unless
/// −h/L > 5 (no L or h, neutral, stable or weakly unstable), 1 from −h/L ≥ 15,
/// `½ + ½·sin(π(−h/L + 10)/10)` between. It scales the skewness of the vertical velocity
/// ([`crate::model::lagrangian::convective`]) and turns Hanna's mixed-layer T_Lw into the
/// convective one.
pub fn convective_transition(bl: &BoundaryLayer) -> f64 {
    let instability = -bl.mixing_height_m / bl.obukhov_length_m;
    // NaN (no L or no h) and every non-convective layer fall in the first branch.
    if !instability.is_finite() || instability <= 5.0 {
        0.0
    } else if instability >= 15.0 {
        1.0
    } else {
        0.5 + 0.5 * (std::f64::consts::PI * (instability + 10.0) / 10.0).sin()
    }
}

/// Dissipation rate of turbulent kinetic energy in the convective mixed layer (m² s⁻³),
/// ε = (w*³/h)·(1.5 − 1.2ζ^⅓) (Luhar & Britter 1989), with ζ = z/h.
pub fn convective_dissipation_m2_s3(w_star_m_s: f64, h_m: f64, zeta: f64) -> f64 {
    w_star_m_s.powi(3) / h_m * (1.5 - 1.2 * zeta.clamp(0.0, 1.0).cbrt())
}

/// Monin–Obukhov eddy diffusivity of a scalar at height `z_m` in the surface layer,
/// K = κu*z/φh(z/L) (Businger–Dyer φh, [`phi_h`]).
pub fn surface_layer_diffusivity_m2_s(bl: &BoundaryLayer, z_m: f64) -> f64 {
    let u_star = bl.friction_velocity_m_s.max(1.0e-4);
    let zeta = if bl.obukhov_length_m.is_finite() {
        z_m / bl.obukhov_length_m
    } else {
        0.0
    };
    KARMAN * u_star * z_m / phi_h(zeta)
}

/// Weak constant turbulence above the mixing height (FLEXPART's free-troposphere diffusivities).
pub fn free_troposphere() -> Turbulence {
    let t = FREE_TROPOSPHERE_TIME_SCALE_S;
    let sh = (FREE_TROPOSPHERE_HORIZONTAL_DIFFUSIVITY_M2_S / t).sqrt();
    let sw = (FREE_TROPOSPHERE_VERTICAL_DIFFUSIVITY_M2_S / t).sqrt();
    Turbulence {
        sigma_u_m_s: sh,
        sigma_v_m_s: sh,
        sigma_w_m_s: sw,
        time_scale_u_s: t,
        time_scale_v_s: t,
        time_scale_w_s: t,
        dsigma_w2_dz_m_s2: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::met::boundary_layer::{friction_velocity_from_wind, StabilityClass};

    fn layer(class: StabilityClass, h_m: f64) -> BoundaryLayer {
        let z0 = 0.1;
        let inv = class.inverse_obukhov_length_per_m(z0);
        let l = if inv == 0.0 { f64::INFINITY } else { 1.0 / inv };
        BoundaryLayer {
            friction_velocity_m_s: friction_velocity_from_wind(5.0, 10.0, z0, l),
            obukhov_length_m: l,
            mixing_height_m: h_m,
            roughness_length_m: z0,
            stability: class,
        }
    }

    #[test]
    fn a_measured_sigma_v_scales_the_profile_at_the_anemometer_or_half_way_up_a_shallow_layer() {
        let measured = 5f64.to_radians() * 2.0;
        // Deep layer: the profile passes through the measurement at the 10 m anemometer.
        let deep = layer(StabilityClass::F, 800.0);
        let scale = sigma_v_scale(&deep, measured, 10.0);
        assert!((scale * hanna(&deep, 10.0).sigma_v_m_s / measured - 1.0).abs() < 1e-12);
        // A 10 m mast at or above a 10 m lid: compared at 5 m, not at the 0.01 m/s floor at h
        // (a factor ~17 before) or with free-tropospheric turbulence above it.
        let shallow = layer(StabilityClass::F, 10.0);
        for z_ref in [10.0, 20.0] {
            let scale = sigma_v_scale(&shallow, measured, z_ref);
            assert!((scale * hanna(&shallow, 5.0).sigma_v_m_s / measured - 1.0).abs() < 1e-12);
            let at_ground = scale * hanna(&shallow, 0.5).sigma_v_m_s;
            assert!(
                at_ground < 2.0 * measured,
                "{z_ref} m: σv {at_ground} near the ground"
            );
        }
    }

    #[test]
    fn every_stability_class_has_a_positive_finite_profile() {
        for class in StabilityClass::ALL {
            let bl = layer(class, 800.0);
            for z in [
                0.0, 0.5, 2.0, 10.0, 50.0, 200.0, 500.0, 799.0, 800.0, 2000.0,
            ] {
                let t = hanna(&bl, z);
                for v in [
                    t.sigma_u_m_s,
                    t.sigma_v_m_s,
                    t.sigma_w_m_s,
                    t.time_scale_u_s,
                    t.time_scale_v_s,
                    t.time_scale_w_s,
                ] {
                    assert!(v.is_finite() && v > 0.0, "{class:?} z {z}: {t:?}");
                }
                assert!(t.dsigma_w2_dz_m_s2.is_finite());
            }
        }
    }

    #[test]
    fn regimes_follow_the_sign_and_size_of_the_obukhov_length() {
        assert_eq!(regime(&layer(StabilityClass::A, 1000.0)), Regime::Unstable);
        assert_eq!(regime(&layer(StabilityClass::D, 1000.0)), Regime::Neutral);
        assert_eq!(regime(&layer(StabilityClass::F, 200.0)), Regime::Stable);
    }

    #[test]
    fn sigma_w_gradient_matches_finite_differences_in_every_regime() {
        for class in [StabilityClass::B, StabilityClass::D, StabilityClass::E] {
            let bl = layer(class, 900.0);
            for z in [3.0, 20.0, 100.0, 300.0, 600.0, 880.0] {
                let dz = 1.0e-3;
                let s2 = |z: f64| hanna(&bl, z).sigma_w_m_s.powi(2);
                let fd = (s2(z + dz) - s2(z - dz)) / (2.0 * dz);
                let an = hanna(&bl, z).dsigma_w2_dz_m_s2;
                assert!(
                    (fd - an).abs() <= 1.0e-5 * an.abs().max(1.0e-4),
                    "{class:?} z {z}: analytic {an} finite difference {fd}"
                );
            }
        }
    }

    #[test]
    fn surface_layer_diffusivity_is_monin_obukhov_in_every_regime() {
        // σw²·T_Lw = κu*z/φh(z/L) below 0.1h: Dyer's φh by hand at z/L = −0.5 is 1/3.
        for class in StabilityClass::ALL {
            let bl = layer(class, 1000.0);
            let (u, l) = (bl.friction_velocity_m_s, bl.obukhov_length_m);
            for z in [1.0, 3.0, 10.0, 50.0, 99.0] {
                let t = hanna(&bl, z);
                let k = t.sigma_w_m_s.powi(2) * t.time_scale_w_s;
                let zeta = if l.is_finite() { z / l } else { 0.0 };
                let phi = if zeta < 0.0 {
                    (1.0 - 16.0 * zeta).powf(-0.5)
                } else {
                    1.0 + 5.0 * zeta.min(1.0)
                };
                let expected = 0.4 * u * z / phi;
                assert!(
                    (k / expected - 1.0).abs() < 1e-12,
                    "{class:?} z {z}: K {k} expected {expected}"
                );
            }
        }
        assert!((phi_h(-0.5) - 1.0 / 3.0).abs() < 1e-15);
        // Above the surface layer of a weakly unstable layer (−h/L = 3.3) Hanna's time scale
        // applies again.
        let bl = BoundaryLayer {
            obukhov_length_m: -300.0,
            ..layer(StabilityClass::B, 1000.0)
        };
        let t = hanna(&bl, 300.0);
        let hanna_tw = 0.15 * 1000.0 / t.sigma_w_m_s * (1.0 - (-5.0f64 * 0.3).exp());
        assert!((t.time_scale_w_s / hanna_tw - 1.0).abs() < 1e-12);
    }

    #[test]
    fn unstable_surface_layer_mixes_faster_than_neutral_at_the_same_friction_velocity() {
        let neutral = layer(StabilityClass::D, 1000.0);
        let unstable = BoundaryLayer {
            obukhov_length_m: -20.0,
            ..neutral
        };
        for z in [2.0, 10.0, 40.0] {
            let k = |bl: &BoundaryLayer| {
                let t = hanna(bl, z);
                t.sigma_w_m_s.powi(2) * t.time_scale_w_s
            };
            assert!(k(&unstable) > 1.5 * k(&neutral), "z {z}");
        }
    }

    #[test]
    fn neutral_surface_values_match_hanna() {
        // Near the ground σu → 2.0u*, σw → 1.3u* (Hanna 1982), each plus FLEXPART's 0.01 m/s.
        let bl = layer(StabilityClass::D, 800.0);
        let t = hanna(&bl, 1.0);
        let u = bl.friction_velocity_m_s;
        assert!((t.sigma_u_m_s - 0.01 - 2.0 * u).abs() < 3.0e-3 * u);
        assert!((t.sigma_w_m_s - 0.01 - 1.3 * u).abs() < 3.0e-3 * u);
    }

    #[test]
    fn convective_sigma_w_peaks_in_the_lower_half_of_the_mixed_layer() {
        let bl = layer(StabilityClass::A, 1500.0);
        let w_star = bl.convective_velocity_m_s();
        let (mut best_z, mut best) = (0.0, 0.0);
        for k in 1..150 {
            let z = k as f64 * 10.0;
            let s = hanna(&bl, z).sigma_w_m_s;
            if s > best {
                (best_z, best) = (z, s);
            }
        }
        assert!(
            best_z > 0.2 * 1500.0 && best_z < 0.5 * 1500.0,
            "peak at {best_z}"
        );
        // Hanna's profile peaks near 0.6 w* in strong convection.
        assert!(
            best / w_star > 0.5 && best / w_star < 0.8,
            "{}",
            best / w_star
        );
    }

    #[test]
    fn convective_mixed_layer_time_scale_is_luhar_and_britters() {
        // u* = 0.3 m/s, h = 1000 m; at z = 500 m.
        let bl = |l: f64| BoundaryLayer {
            friction_velocity_m_s: 0.3,
            obukhov_length_m: l,
            mixing_height_m: 1000.0,
            roughness_length_m: 0.1,
            stability: StabilityClass::A,
        };
        let hanna_scale = |b: &BoundaryLayer| {
            0.15 * 1000.0 / hanna(b, 500.0).sigma_w_m_s * (1.0 - (-2.5f64).exp())
        };
        // −h/L = 100: T_Lw = 2σw²/(C0·ε), ε = (w*³/h)(1.5 − 1.2·0.5^⅓), C0 = 2.
        let convective = bl(-10.0);
        let w_star = 0.3 * (1000.0f64 / (0.4 * 10.0)).cbrt();
        let t = hanna(&convective, 500.0);
        let epsilon = w_star.powi(3) / 1000.0 * (1.5 - 1.2 * 0.5f64.cbrt());
        let expected = 2.0 * t.sigma_w_m_s.powi(2) / (2.0 * epsilon);
        assert!((t.time_scale_w_s / expected - 1.0).abs() < 1e-12);
        // By hand: w* = 1.890 m/s, ε = 3.697·10⁻³ m² s⁻³, σw = 1.2686 m/s: 435 s, 4.0× Hanna's
        // 0.15h/σw·(1 − e^(−5ζ)) = 108.5 s.
        assert!(
            (t.time_scale_w_s - 435.3).abs() < 0.5,
            "{}",
            t.time_scale_w_s
        );
        assert!((hanna_scale(&convective) - 108.5).abs() < 0.1);
        // −h/L = 3.3: not convective, Hanna's scale.
        let weak = bl(-300.0);
        let t = hanna(&weak, 500.0).time_scale_w_s;
        assert!((t / hanna_scale(&weak) - 1.0).abs() < 1e-12);
        // −h/L = 10: half way between the two.
        let mid = bl(-100.0);
        let sw = hanna(&mid, 500.0).sigma_w_m_s;
        let eps = convective_dissipation_m2_s3(mid.convective_velocity_m_s(), 1000.0, 0.5);
        let half_way = 0.5 * hanna_scale(&mid) + 0.5 * sw * sw / eps;
        let t = hanna(&mid, 500.0).time_scale_w_s;
        assert!((t / half_way - 1.0).abs() < 1e-12);
        // No friction velocity, so no w*: Hanna's (finite) scale, not 2σw²/(C0·0).
        let still = BoundaryLayer {
            friction_velocity_m_s: 0.0,
            ..convective
        };
        let t = hanna(&still, 500.0).time_scale_w_s;
        assert!(
            t.is_finite() && (t / hanna_scale(&still) - 1.0).abs() < 1e-12,
            "{t}"
        );
        // The surface layer keeps its Monin–Obukhov scale.
        let t = hanna(&convective, 50.0);
        let k = surface_layer_diffusivity_m2_s(&convective, 50.0);
        assert!((t.time_scale_w_s * t.sigma_w_m_s.powi(2) / k - 1.0).abs() < 1e-12);
    }

    #[test]
    fn convective_transition_runs_from_neutral_to_convective() {
        let bl = |l: f64| BoundaryLayer {
            friction_velocity_m_s: 0.3,
            obukhov_length_m: l,
            mixing_height_m: 1000.0,
            roughness_length_m: 0.1,
            stability: StabilityClass::B,
        };
        assert_eq!(convective_transition(&bl(-300.0)), 0.0); // −h/L = 3.3
        assert_eq!(convective_transition(&bl(50.0)), 0.0);
        assert_eq!(convective_transition(&bl(f64::INFINITY)), 0.0);
        assert_eq!(convective_transition(&bl(-50.0)), 1.0); // −h/L = 20
        assert!((convective_transition(&bl(-100.0)) - 0.5).abs() < 1e-12); // −h/L = 10
        assert!(
            (convective_transition(&bl(-1000.0 / 7.5)) - 0.5 + 0.5f64.sqrt() / 2.0).abs() < 1e-12
        );
    }

    #[test]
    fn stable_turbulence_decays_to_the_floor_at_the_mixing_height() {
        let bl = layer(StabilityClass::F, 150.0);
        let top = hanna(&bl, 150.0);
        assert!((top.sigma_w_m_s - SIGMA_FLOOR_M_S).abs() < 1e-12);
        assert!(hanna(&bl, 10.0).sigma_w_m_s > 10.0 * top.sigma_w_m_s);
        assert_eq!(hanna(&bl, 151.0), free_troposphere());
    }
}
