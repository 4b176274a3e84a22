//! Surface-layer similarity: stability class ↔ Obukhov length, the wind profile, and the
//! boundary-layer scales (u*, L, h, w*) that every model derives its turbulence from.
//!
//! ## References
//! - Golder, D. (1972) "Relations among stability parameters in the surface layer",
//!   Boundary-Layer Meteorol. 3:47–58, doi:10.1007/BF00769106 — the class ↔ L nomogram, in the
//!   linear fit 1/L = a + b·log10(z0) tabulated by Seinfeld & Pandis (2016), *Atmospheric
//!   Chemistry and Physics*, 3rd ed., Table 18.5.
//! - Businger, J.A. et al. (1971) J. Atmos. Sci. 28:181; Dyer, A.J. (1974) Boundary-Layer
//!   Meteorol. 7:363 — the stability functions φm, ψm (Paulson 1970 integral form for ψm).
//! - Zilitinkevich, S.S. (1972) Boundary-Layer Meteorol. 3:141 — stable h = 0.4·√(u*·L/f).
//! - Hanna, S.R. (1982) *Handbook on Atmospheric Diffusion*, DOE/TIC-11223, §2 — neutral
//!   h = 0.3·u*/f, and w* = (g/T·H/(ρ cp)·h)^(1/3) = u*·(−h/(κL))^(1/3).

use serde::{Deserialize, Serialize};

/// Von Kármán's constant.
pub const KARMAN: f64 = 0.4;
/// Standard gravity (m s⁻²).
pub const GRAVITY_M_S2: f64 = 9.80665;
/// Smallest wind speed the Gaussian models accept (m/s); below it a steady plume is meaningless.
pub const CALM_WIND_M_S: f64 = 0.5;
/// Height (m) of the calm-threshold wind whose turbulence the particle model never goes below:
/// the standard anemometer height, at which CALPUFF's calm threshold is defined.
pub const CALM_REFERENCE_HEIGHT_M: f64 = 10.0;

/// Pasquill–Gifford stability class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StabilityClass {
    A,
    B,
    C,
    D,
    E,
    F,
}

impl StabilityClass {
    pub const ALL: [StabilityClass; 6] = [Self::A, Self::B, Self::C, Self::D, Self::E, Self::F];

    /// Returns the class letter.
    pub fn letter(self) -> char {
        b"ABCDEF"[self as usize] as char
    }

    /// Parses a class letter (case-insensitive).
    pub fn from_letter(s: &str) -> Option<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "A" => Some(Self::A),
            "B" => Some(Self::B),
            "C" => Some(Self::C),
            "D" => Some(Self::D),
            "E" => Some(Self::E),
            "F" => Some(Self::F),
            _ => None,
        }
    }

    /// Golder (1972) coefficients (a, b) of 1/L = a + b·log10(z0), L in m, z0 in m.
    fn golder_coefficients(self) -> (f64, f64) {
        match self {
            Self::A => (-0.096, 0.029),
            Self::B => (-0.037, 0.029),
            Self::C => (-0.002, 0.018),
            Self::D => (0.0, 0.0),
            Self::E => (0.004, -0.018),
            Self::F => (0.035, -0.036),
        }
    }

    /// Returns 1/L (m⁻¹) at the centre of this class for roughness `z0_m` (Golder 1972).
    ///
    /// The fit is drawn for 0.01 m ≤ z0 ≤ 0.5 m; outside, z0 is clamped to that range so the
    /// class keeps its sign and ordering (a short grass z0 of 0.006 m uses 0.01 m).
    pub fn inverse_obukhov_length_per_m(self, z0_m: f64) -> f64 {
        let (a, b) = self.golder_coefficients();
        a + b * z0_m.clamp(0.01, 0.5).log10()
    }

    /// Returns the class whose Golder centre line is nearest to 1/L for roughness `z0_m`
    /// (boundaries midway between adjacent centres, in 1/L).
    pub fn from_obukhov_length(l_m: f64, z0_m: f64) -> Self {
        let inv_l = if l_m.is_infinite() { 0.0 } else { 1.0 / l_m };
        let mut best = Self::D;
        let mut best_d = f64::INFINITY;
        for c in Self::ALL {
            let d = (c.inverse_obukhov_length_per_m(z0_m) - inv_l).abs();
            if d < best_d {
                best_d = d;
                best = c;
            }
        }
        best
    }
}

/// Businger–Dyer integrated stability function for momentum ψm(ζ), ζ = z/L.
///
/// Unstable (Paulson 1970): ψm = 2 ln((1+x)/2) + ln((1+x²)/2) − 2 atan x + π/2, x = (1−16ζ)^¼.
/// Stable: ψm = −5ζ for ζ ≤ 1, continued as −5 − 5 ln ζ beyond (the log-linear limit of
/// Holtslag 1984 keeps the wind finite in very stable air).
pub fn psi_m(zeta: f64) -> f64 {
    if zeta < 0.0 {
        let x = (1.0 - 16.0 * zeta).powf(0.25);
        2.0 * ((1.0 + x) / 2.0).ln() + ((1.0 + x * x) / 2.0).ln() - 2.0 * x.atan()
            + std::f64::consts::FRAC_PI_2
    } else if zeta <= 1.0 {
        -5.0 * zeta
    } else {
        -5.0 - 5.0 * zeta.ln()
    }
}

/// Businger–Dyer dimensionless temperature (scalar) gradient φh(ζ), ζ = z/L, the family of
/// [`psi_m`]: (1 − 16ζ)^(−½) unstable, 1 + 5ζ stable up to ζ = 1 and 6 beyond (Dyer 1974; the
/// log-linear limit of Holtslag 1984 as in `psi_m`). The eddy diffusivity of a scalar in the
/// surface layer is then K = κu*z/φh(z/L).
pub fn phi_h(zeta: f64) -> f64 {
    if zeta < 0.0 {
        1.0 / (1.0 - 16.0 * zeta).sqrt()
    } else {
        1.0 + 5.0 * zeta.min(1.0)
    }
}

/// The boundary-layer scales at one place and time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BoundaryLayer {
    /// Friction velocity u* (m/s).
    pub friction_velocity_m_s: f64,
    /// Obukhov length L (m); `f64::INFINITY` for exactly neutral.
    pub obukhov_length_m: f64,
    /// Mixing (boundary-layer) height h (m).
    pub mixing_height_m: f64,
    /// Roughness length z0 (m).
    pub roughness_length_m: f64,
    /// Pasquill–Gifford class (given, or derived from L by Golder 1972).
    pub stability: StabilityClass,
}

impl BoundaryLayer {
    /// The lid that reflects a Gaussian plume or puff: the mixing height in classes A–D, none
    /// in the stable classes E and F, where ISC3 assumes unlimited vertical mixing (US EPA
    /// 1995, *User's Guide for the ISC3 Dispersion Models*, EPA-454/B-95-003b, vol. II §1.1.6).
    ///
    /// The lid goes with the σz curves these models use. The Briggs (1973) and
    /// Pasquill–Gifford stable σz are fits to night-time data and already hold the stable
    /// layer's limit on vertical growth (Briggs rural F, 0.016x/(1 + 0.0003x), levels off at
    /// 53 m); a lid at the night layer's depth on top of them counts it twice, and with the
    /// urban curves (McElroy–Pooler, which grow as √x) it traps the plume: the Saint John
    /// railcar's AEGL-2 zone reached beyond 98 km under the 68 m default layer against 10 km
    /// without it and 11 km by a hand Briggs and Britter–McQuaid estimate (found by an
    /// ALOHA-minded review; ALOHA too applies no lid unless an inversion is entered). AERMOD's
    /// stable plume does reflect at its mechanical mixing height (US EPA 2004,
    /// EPA-454/R-03-004, §5.2.1), but with its own σz, not these curves. A stack plume that
    /// rises past the shallow night layer thus still reaches the ground downwind, as in ISC3,
    /// instead of being dropped as penetrated, as in classes A–D. The particle model keeps the
    /// stable layer: its turbulence profile, not a fitted σz, sets its vertical spread.
    pub fn gaussian_lid_m(&self) -> Option<f64> {
        match self.stability {
            StabilityClass::E | StabilityClass::F => None,
            _ => Some(self.mixing_height_m),
        }
    }

    /// Wind speed (m/s) at height `z_m` by Monin–Obukhov similarity:
    /// u(z) = u*/κ·[ln(z/z0) − ψm(z/L) + ψm(z0/L)]. Heights below z0 return 0; heights above
    /// the mixing height use the value at h (the profile is not extended into the free atmosphere).
    pub fn wind_speed_m_s(&self, z_m: f64) -> f64 {
        let z0 = self.roughness_length_m;
        let z = z_m.min(self.mixing_height_m.max(z0 * 2.0));
        if z <= z0 {
            return 0.0;
        }
        self.friction_velocity_m_s / KARMAN * profile_shape(z, z0, self.obukhov_length_m)
    }

    /// Convective velocity scale w* = u*·(h/(κ|L|))^⅓ for L < 0, else 0 (Hanna 1982).
    pub fn convective_velocity_m_s(&self) -> f64 {
        if self.obukhov_length_m < 0.0 {
            self.friction_velocity_m_s
                * (self.mixing_height_m / (KARMAN * -self.obukhov_length_m)).cbrt()
        } else {
            0.0
        }
    }
}

/// ln(z/z0) − ψm(z/L) + ψm(z0/L): the dimensionless profile shape κ·u/u*.
pub fn profile_shape(z_m: f64, z0_m: f64, l_m: f64) -> f64 {
    let inv_l = if l_m.is_infinite() { 0.0 } else { 1.0 / l_m };
    (z_m / z0_m).ln() - psi_m(z_m * inv_l) + psi_m(z0_m * inv_l)
}

/// The boundary layer whose turbulence grows puffs in turbulence mode and moves particles:
/// `bl`, its friction velocity floored at that of a [`CALM_WIND_M_S`] wind at `z_ref_m` in the
/// same stability and roughness; and that calm-threshold boundary layer itself (its σv bounds a
/// measured σv from below).
///
/// Hanna's (1982) σv, σw scale with u*, which falls to zero with the wind, so in calm air a
/// turbulence-grown puff would hardly grow either (σ at the 0.01 m/s floor), and a measured
/// σv = σθ·u vanishes with u as well. Flooring u* at the calm-threshold wind's is the
/// turbulence-mode counterpart of the puff model's calm growth distance (CALPUFF's calm treatment with
/// minimum turbulence: Scire et al. 2000, Input Group 12): a calm puff grows as in a 0.5 m/s
/// wind, continuously in u*, and any boundary layer with a larger u* is left as it is.
pub fn calm_boundary_layers(bl: &BoundaryLayer, z_ref_m: f64) -> (BoundaryLayer, BoundaryLayer) {
    let z0 = bl.roughness_length_m;
    let calm = BoundaryLayer {
        friction_velocity_m_s: friction_velocity_from_wind(
            CALM_WIND_M_S,
            z_ref_m.max(2.0 * z0),
            z0,
            bl.obukhov_length_m,
        ),
        ..*bl
    };
    let floored = BoundaryLayer {
        friction_velocity_m_s: bl.friction_velocity_m_s.max(calm.friction_velocity_m_s),
        ..*bl
    };
    (floored, calm)
}

/// Friction velocity (m/s) from a wind speed measured at a reference height, by inverting the
/// similarity profile.
pub fn friction_velocity_from_wind(wind_m_s: f64, z_ref_m: f64, z0_m: f64, l_m: f64) -> f64 {
    KARMAN * wind_m_s / profile_shape(z_ref_m, z0_m, l_m)
}

/// Coriolis parameter f = 2Ω sin φ (s⁻¹), floored at its value at 10° so the neutral and stable
/// mixing-height formulas stay finite near the equator.
pub fn coriolis_per_s(lat_deg: f64) -> f64 {
    let omega = 7.292_115e-5;
    2.0 * omega
        * lat_deg
            .to_radians()
            .sin()
            .abs()
            .max(10f64.to_radians().sin())
}

/// Default mixing height (m) when the scenario gives none.
///
/// Neutral: h = 0.3·u*/f (Hanna 1982); stable (L > 0, in classes D–F): h = 0.4·√(u*·L/f)
/// (Zilitinkevich 1972), never above the neutral value; unstable classes take typical afternoon convective depths
/// (A 1600 m, B 1200 m, C 1000 m; Stull 1988, *An Introduction to Boundary Layer Meteorology*,
/// §1.3, where mid-latitude convective layers reach 1–2 km). The result is bounded to 50–3000 m.
pub fn default_mixing_height_m(
    class: StabilityClass,
    u_star_m_s: f64,
    l_m: f64,
    lat_deg: f64,
) -> f64 {
    let f = coriolis_per_s(lat_deg);
    let neutral = 0.3 * u_star_m_s / f;
    let h = match class {
        StabilityClass::A => 1600.0,
        StabilityClass::B => 1200.0,
        StabilityClass::C => 1000.0,
        // Class D spans slightly stable air (Prairie Grass's measured L of 120–250 m): a
        // positive L takes the stable depth too, which tends to the neutral one as L grows, so
        // that the layer the turbulence profiles call stable (h/L > 1) is not 1.3 km deep
        // (found by review).
        StabilityClass::D | StabilityClass::E | StabilityClass::F => {
            if l_m > 0.0 && l_m.is_finite() {
                (0.4 * (u_star_m_s * l_m / f).sqrt()).min(neutral)
            } else {
                neutral
            }
        }
    };
    h.clamp(50.0, 3000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_mixing_height_is_zilitinkevichs_wherever_l_is_positive() {
        let f = coriolis_per_s(45.0);
        let stable = 0.4 * (0.3 * 200.0 / f).sqrt();
        for class in [StabilityClass::D, StabilityClass::E] {
            let h = default_mixing_height_m(class, 0.3, 200.0, 45.0);
            assert!((h - stable).abs() < 1e-9, "{class:?}: {h} vs {stable}");
        }
        // Neutral and slightly unstable class D air keeps 0.3·u*/f.
        for l in [f64::INFINITY, -500.0] {
            let h = default_mixing_height_m(StabilityClass::D, 0.3, l, 45.0);
            assert!((h - 0.3 * 0.3 / f).abs() < 1e-9, "L {l}: {h}");
        }
        // A large L tends to the neutral depth, never above it.
        let h = default_mixing_height_m(StabilityClass::D, 0.3, 1e7, 45.0);
        assert!((h - 0.3 * 0.3 / f).abs() < 1e-9);
    }

    #[test]
    fn gaussian_plumes_have_no_lid_in_the_stable_classes_as_in_isc3() {
        let bl = |stability| BoundaryLayer {
            friction_velocity_m_s: 0.2,
            obukhov_length_m: 20.0,
            mixing_height_m: 60.0,
            roughness_length_m: 0.1,
            stability,
        };
        for class in StabilityClass::ALL {
            let stable = matches!(class, StabilityClass::E | StabilityClass::F);
            let want = if stable { None } else { Some(60.0) };
            assert_eq!(bl(class).gaussian_lid_m(), want, "{class:?}");
        }
    }

    #[test]
    fn golder_classes_order_from_unstable_to_stable() {
        for z0 in [0.01, 0.1, 0.5] {
            let inv: Vec<f64> = StabilityClass::ALL
                .iter()
                .map(|c| c.inverse_obukhov_length_per_m(z0))
                .collect();
            assert!(inv.windows(2).all(|w| w[0] < w[1]), "{inv:?}");
            assert_eq!(StabilityClass::D.inverse_obukhov_length_per_m(z0), 0.0);
        }
        // Golder's centre line for class F at z0 = 0.1 m: 1/L = 0.035 + 0.036 = 0.071 (L ≈ 14 m).
        let l_f = 1.0 / StabilityClass::F.inverse_obukhov_length_per_m(0.1);
        assert!((l_f - 14.0845).abs() < 1e-3);
    }

    #[test]
    fn class_round_trips_through_obukhov_length() {
        for z0 in [0.01, 0.03, 0.1, 0.3] {
            for c in StabilityClass::ALL {
                let inv = c.inverse_obukhov_length_per_m(z0);
                let l = if inv == 0.0 { f64::INFINITY } else { 1.0 / inv };
                assert_eq!(StabilityClass::from_obukhov_length(l, z0), c);
            }
        }
    }

    #[test]
    fn neutral_profile_is_logarithmic() {
        let bl = BoundaryLayer {
            friction_velocity_m_s: 0.4,
            obukhov_length_m: f64::INFINITY,
            mixing_height_m: 1000.0,
            roughness_length_m: 0.1,
            stability: StabilityClass::D,
        };
        let expected = 0.4 / KARMAN * (10.0f64 / 0.1).ln();
        assert!((bl.wind_speed_m_s(10.0) - expected).abs() < 1e-12);
        let u_star = friction_velocity_from_wind(expected, 10.0, 0.1, f64::INFINITY);
        assert!((u_star - 0.4).abs() < 1e-12);
    }

    #[test]
    fn stable_wind_grows_faster_with_height_than_unstable() {
        let ratio = |l: f64| profile_shape(100.0, 0.1, l) / profile_shape(10.0, 0.1, l);
        assert!(ratio(50.0) > ratio(f64::INFINITY));
        assert!(ratio(f64::INFINITY) > ratio(-50.0));
    }

    #[test]
    fn unstable_psi_m_matches_paulson_at_a_hand_value() {
        // ζ = −1: x = 17^¼ = 2.030543, ψ = 2 ln(1.5152715) + ln(2.5615528) − 2·atan(2.030543) + π/2.
        let x: f64 = 17f64.powf(0.25);
        let hand = 2.0 * ((1.0 + x) / 2.0).ln() + ((1.0 + x * x) / 2.0).ln() - 2.0 * x.atan()
            + std::f64::consts::FRAC_PI_2;
        assert!((psi_m(-1.0) - hand).abs() < 1e-14);
        assert!((psi_m(-1.0) - 1.116_232).abs() < 1e-6);
    }
}
