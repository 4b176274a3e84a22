//! The steady Gaussian plume from one point source, with ground and mixing-lid reflection.
//!
//! C(x, y, z) = Q/(2π·u·σy·σz) · exp(−y²/(2σy²)) · V(z; H, h, σz)   (Turner 1970, eq 3.1)
//!
//! (A dense gas replaces exp(−y²/(2σy²)) by a flat core with Gaussian edges of the same peak
//! and crosswind integral, [`super::crosswind`].)
//!
//! V sums the source and its images in the ground and in the lid at height h:
//! V = Σₙ [g(z − H + 2nh) + g(z + H + 2nh)], g(s) = exp(−s²/(2σz²)). The sum is evaluated in the
//! form that converges fastest: directly while σz < 0.6·h (only the images within 11 σz of the
//! receptor, at most |n| ≤ 4; the rest contribute less than e⁻⁶⁰), and through its Poisson-summed (Fourier) form once σz ≥ 0.6·h:
//! V = (√(2π)·σz/h)·[1 + 2·Σₖ exp(−k²π²σz²/(2h²))·cos(kπz/h)·cos(kπH/h)],
//! which tends to the well-mixed limit C = Q/(√(2π)·u·σy·h)·exp(−y²/(2σy²)) far downwind
//! (both forms are exact; they agree to 1e-12 at the switch). Without a lid only the ground image
//! is kept. A plume whose effective height is at or above the lid has penetrated it and gives no
//! concentration below (the ISC3 convention, EPA-454/B-95-003b §1.1.6); above the lid it is the
//! Gaussian reflected by the lid from above, V = g(z − H) + g(z + H − 2h) for z ≥ h, which holds
//! the whole release (its flux through the air above the lid is Q), so the plume stays in the
//! layers above the lid and in the budget (found by review: it vanished from every layer while
//! the puff model's budget still held it airborne).

use std::f64::consts::{PI, TAU};

use super::sigma::Sigmas;

/// Beyond this exponent of the crosswind Gaussian the concentration is set to zero
/// (e⁻⁶⁰ ≈ 9e-27 of the centreline value).
pub const CROSSWIND_CUTOFF: f64 = 60.0;

/// Below this σz/h the image sum is used, above it the Fourier form.
pub const FOURIER_SWITCH: f64 = 0.6;

/// The vertical factor V (dimensionless, see the module doc) at receptor height `z_m` for a
/// plume centred at `h_eff_m` with spread `sigma_z_m` under an optional lid at `lid_m`.
#[inline(always)]
pub fn vertical_factor(z_m: f64, h_eff_m: f64, sigma_z_m: f64, lid_m: Option<f64>) -> f64 {
    let inv2s2 = 0.5 / (sigma_z_m * sigma_z_m);
    let g = |s: f64| (-s * s * inv2s2).exp();
    let Some(h) = lid_m else {
        return g(z_m - h_eff_m) + g(z_m + h_eff_m);
    };
    if h_eff_m >= h {
        // Penetrated: none below the lid, reflected by it above.
        return if z_m >= h {
            g(z_m - h_eff_m) + g(z_m + h_eff_m - 2.0 * h)
        } else {
            0.0
        };
    }
    if z_m > h {
        return 0.0;
    }
    if sigma_z_m < FOURIER_SWITCH * h {
        // Images 2nh away matter only while |2nh| − (z + H) < ~11 σz (e⁻⁶⁰ beyond); near the
        // source that is n = 0 alone, so most cells pay for two exponentials, not eighteen.
        let reach = 11.0 * sigma_z_m + z_m + h_eff_m;
        let n_max = ((reach / (2.0 * h)).floor() as i32).min(4);
        let mut v = g(z_m - h_eff_m) + g(z_m + h_eff_m);
        for n in 1..=n_max {
            let o = 2.0 * n as f64 * h;
            v += g(z_m - h_eff_m + o)
                + g(z_m + h_eff_m + o)
                + g(z_m - h_eff_m - o)
                + g(z_m + h_eff_m - o);
        }
        v
    } else {
        let a = PI * PI * sigma_z_m * sigma_z_m / (2.0 * h * h);
        let mut sum = 0.0;
        for k in 1..=8 {
            let kf = k as f64;
            let w = (-kf * kf * a).exp();
            if w < 1e-17 {
                break;
            }
            sum += w * (kf * PI * z_m / h).cos() * (kf * PI * h_eff_m / h).cos();
        }
        TAU.sqrt() * sigma_z_m / h * (1.0 + 2.0 * sum)
    }
}

/// Concentration per unit emission rate (s m⁻³) at downwind distance `x_m`, crosswind `y_m`,
/// height `z_m`; zero at and upwind of the source.
#[inline(always)]
pub fn concentration_per_rate(
    sigmas: &Sigmas,
    u_m_s: f64,
    h_eff_m: f64,
    lid_m: Option<f64>,
    x_m: f64,
    y_m: f64,
    z_m: f64,
) -> f64 {
    if x_m <= 0.0 {
        return 0.0;
    }
    let (sy, sz) = sigmas.at(x_m);
    // exp(−y²/(2σy²)), or a dense gas's flat core with Gaussian edges ([`super::crosswind`]).
    let e = super::crosswind::profile(sigmas, x_m, sy).exponent(y_m);
    if e > CROSSWIND_CUTOFF {
        return 0.0;
    }
    (-e).exp() * vertical_factor(z_m, h_eff_m, sz, lid_m) / (TAU * u_m_s * sy * sz)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_and_fourier_forms_agree_at_the_switch() {
        let h = 800.0;
        for (z, he) in [(1.5, 0.0), (1.5, 120.0), (400.0, 50.0), (790.0, 700.0)] {
            let sz = FOURIER_SWITCH * h;
            let below = vertical_factor(z, he, sz * (1.0 - 1e-12), Some(h));
            let above = vertical_factor(z, he, sz, Some(h));
            assert!(
                (below - above).abs() < 1e-9 * above,
                "{z} {he}: {below} vs {above}"
            );
        }
    }

    #[test]
    fn a_penetrated_plume_holds_its_whole_flux_above_the_lid_and_none_below() {
        let (h, sz) = (60.0, 25.0);
        for he in [60.0, 100.0, 180.0] {
            assert_eq!(vertical_factor(0.0, he, sz, Some(h)), 0.0);
            assert_eq!(vertical_factor(59.9, he, sz, Some(h)), 0.0);
            // ∫_h^∞ V dz / (√(2π) σz) = 1, by the midpoint rule over 40 σz.
            let dz = 0.01;
            let flux: f64 = (0..(40.0 * sz / dz) as usize)
                .map(|k| vertical_factor(h + (k as f64 + 0.5) * dz, he, sz, Some(h)) * dz)
                .sum::<f64>()
                / (TAU.sqrt() * sz);
            assert!((flux - 1.0).abs() < 1e-9, "{he}: {flux}");
        }
        // A plume below the lid keeps nothing above it.
        assert_eq!(vertical_factor(70.0, 40.0, sz, Some(h)), 0.0);
    }

    #[test]
    fn ground_level_centreline_matches_turner_hand_value() {
        // Ground release, receptor at ground: C/Q = 1/(π u σy σz). σy = 10 m, σz = 5 m, u = 2 m/s → 1/(100π).
        let s = Sigmas::Briggs {
            y: super::super::sigma::BriggsFit {
                a: 0.1,
                b: 0.0,
                p: 0.0,
            },
            z: super::super::sigma::BriggsFit {
                a: 0.05,
                b: 0.0,
                p: 0.0,
            },
        };
        let c = concentration_per_rate(&s, 2.0, 0.0, None, 100.0, 0.0, 0.0);
        assert!((c - 1.0 / (100.0 * PI)).abs() < 1e-15);
    }
}
