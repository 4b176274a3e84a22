//! Briggs plume rise for buoyant and momentum-dominated stack releases.
//!
//! F_b = g·v_s·d²·(T_s − T_a)/(4·T_s) (m⁴ s⁻³), F_m = v_s²·d²·T_a/(4·T_s) (m⁴ s⁻²).
//! Neutral/unstable (classes A–D) final rise: Δh = 21.425·F_b^¾/u for F_b < 55,
//! 38.71·F_b^⅗/u otherwise; momentum Δh = 3·d·v_s/u. Stable (E, F; s = g/T_a·∂θ/∂z with
//! ∂θ/∂z = 0.020 and 0.035 K/m): buoyant Δh = 2.6·(F_b/(u·s))^⅓, momentum
//! Δh = 1.5·(F_m/(u·√s))^⅓ capped by the neutral momentum rise. The buoyant/momentum choice uses
//! the crossover temperature difference. Before the final rise is reached, the "two-thirds law"
//! Δh(x) = 1.6·F_b^⅓·x^⅔/u applies (buoyant; momentum: (3·F_m·x/(β_j²·u²))^⅓, β_j = ⅓ + u/v_s,
//! reached at x_f = 4·d·(v_s+3u)²/(v_s·u); a stable momentum jet oscillates in the stratification,
//! Δh(x) = (3·F_m·sin(x·√s/u)/(β_j²·u·√s))^⅓ up to x_f = ½π·u/√s, ISC3 eqs 1-16 to 1-18).
//!
//! **Stack-tip downwash** (Briggs 1974; ISC3 eq 1-7, applied by default there and in AERMOD):
//! a slow exit in a strong wind is drawn down into the stack's wake, and the rise starts from
//! h_s′ = h_s + 2d·(v_s/u − 1.5) for v_s < 1.5u ([`RiseInputs::stack_tip_downwash_m`]).
//!
//! ## References
//! - Briggs, G.A. (1975) "Plume rise predictions", in *Lectures on Air Pollution and Environmental
//!   Impact Analyses*, AMS, pp. 59–111.
//! - Briggs, G.A. (1974) "Diffusion estimation for small emissions", in *ERL, ARL USAEC Report
//!   ATDL-106*, NOAA — stack-tip downwash.
//! - US EPA (1995) *User's Guide for the ISC3 Dispersion Models*, EPA-454/B-95-003b, Vol. II,
//!   §1.1.4, eqs 1-7 to 1-24 (the same relations with the crossover rules).

use super::Stack;
use crate::met::boundary_layer::GRAVITY_M_S2;
use crate::met::StabilityClass;

/// Smallest wind speed used in plume rise (m/s), as in ISC3: rise diverges as u → 0.
pub const MIN_RISE_WIND_M_S: f64 = 1.0;

/// Stack fluxes and the stability they meet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiseInputs {
    pub stack: Stack,
    pub air_temperature_k: f64,
    /// Wind at stack top (m/s).
    pub wind_m_s: f64,
    pub stability: StabilityClass,
}

impl RiseInputs {
    /// Buoyancy flux F_b (m⁴ s⁻³), zero for a stack colder than the air.
    pub fn buoyancy_flux(&self) -> f64 {
        let s = &self.stack;
        (GRAVITY_M_S2 * s.exit_velocity_m_s * s.diameter_m.powi(2) / 4.0
            * (s.exit_temperature_k - self.air_temperature_k)
            / s.exit_temperature_k)
            .max(0.0)
    }

    /// Momentum flux F_m (m⁴ s⁻²).
    pub fn momentum_flux(&self) -> f64 {
        let s = &self.stack;
        (s.exit_velocity_m_s * s.diameter_m).powi(2) / 4.0 * self.air_temperature_k
            / s.exit_temperature_k
    }

    /// Stability parameter s = g/T_a·∂θ/∂z (s⁻²) for classes E and F, else `None`.
    pub fn stability_parameter(&self) -> Option<f64> {
        let dtheta_dz = match self.stability {
            StabilityClass::E => 0.020,
            StabilityClass::F => 0.035,
            _ => return None,
        };
        Some(GRAVITY_M_S2 / self.air_temperature_k * dtheta_dz)
    }

    fn u(&self) -> f64 {
        self.wind_m_s.max(MIN_RISE_WIND_M_S)
    }

    /// True when the rise is buoyancy-dominated (ΔT ≥ the crossover ΔT_c).
    pub fn is_buoyant(&self) -> bool {
        let st = &self.stack;
        let dt = st.exit_temperature_k - self.air_temperature_k;
        if dt <= 0.0 {
            return false;
        }
        let (ts, vs, d) = (st.exit_temperature_k, st.exit_velocity_m_s, st.diameter_m);
        let crossover = match self.stability_parameter() {
            Some(s) => 0.019582 * ts * vs * s.sqrt(),
            None if self.buoyancy_flux() < 55.0 => 0.0297 * ts * vs.cbrt() / d.powf(2.0 / 3.0),
            None => 0.00575 * ts * vs.powf(2.0 / 3.0) / d.cbrt(),
        };
        dt >= crossover
    }

    /// Stack-tip downwash (m, zero or negative): 2d·(v_s/u − 1.5) for an exit velocity below
    /// 1.5 times the stack-top wind u (Briggs 1974; ISC3 eq 1-7), added to the stack height
    /// before the rise; `stack_height_m` bounds it so that the plume starts at or above the
    /// ground.
    pub fn stack_tip_downwash_m(&self, stack_height_m: f64) -> f64 {
        let (d, vs) = (self.stack.diameter_m, self.stack.exit_velocity_m_s);
        (2.0 * d * (vs / self.u() - 1.5))
            .min(0.0)
            .max(-stack_height_m.max(0.0))
    }

    /// Final plume rise Δh (m).
    pub fn final_rise_m(&self) -> f64 {
        let u = self.u();
        let fb = self.buoyancy_flux();
        let fm = self.momentum_flux();
        let (d, vs) = (self.stack.diameter_m, self.stack.exit_velocity_m_s);
        let neutral_momentum = 3.0 * d * vs / u;
        match (self.stability_parameter(), self.is_buoyant()) {
            (None, true) if fb < 55.0 => 21.425 * fb.powf(0.75) / u,
            (None, true) => 38.71 * fb.powf(0.6) / u,
            (None, false) => neutral_momentum,
            (Some(s), true) => 2.6 * (fb / (u * s)).cbrt(),
            (Some(s), false) => (1.5 * (fm / (u * s.sqrt())).cbrt()).min(neutral_momentum),
        }
    }

    /// Distance to final rise x_f (m): 49·F_b^⅝ (F_b < 55) or 119·F_b^⅖ for neutral/unstable
    /// buoyant plumes, 2.0715·u/√s for stable ones, 4·d·(v_s+3u)²/(v_s·u) for neutral/unstable
    /// momentum jets and ½π·u/√s for stable ones (a quarter period of the jet's oscillation).
    pub fn distance_to_final_rise_m(&self) -> f64 {
        let u = self.u();
        let fb = self.buoyancy_flux();
        let (d, vs) = (self.stack.diameter_m, self.stack.exit_velocity_m_s);
        match (self.stability_parameter(), self.is_buoyant()) {
            (None, true) if fb < 55.0 => 49.0 * fb.powf(0.625),
            (None, true) => 119.0 * fb.powf(0.4),
            (Some(s), true) => 2.0715 * u / s.sqrt(),
            (Some(s), false) if vs > 0.0 => 0.5 * std::f64::consts::PI * u / s.sqrt(),
            (None, false) if vs > 0.0 => 4.0 * d * (vs + 3.0 * u).powi(2) / (vs * u),
            _ => 0.0,
        }
    }

    /// Plume rise (m) at downwind distance `x_m`: the gradual two-thirds law, never above the
    /// final rise.
    pub fn rise_at_m(&self, x_m: f64) -> f64 {
        let fin = self.final_rise_m();
        if x_m <= 0.0 {
            return 0.0;
        }
        if x_m >= self.distance_to_final_rise_m() {
            return fin;
        }
        let u = self.u();
        let gradual = if let Some((a, k)) = self.stable_jet() {
            // x < x_f = ½π/k here, so the sine is still rising.
            (a * (k * x_m).sin()).cbrt()
        } else if self.is_buoyant() {
            1.6 * self.buoyancy_flux().cbrt() * x_m.powf(2.0 / 3.0) / u
        } else {
            let beta_j = self.jet_entrainment();
            (3.0 * self.momentum_flux() * x_m / (beta_j * beta_j * u * u)).cbrt()
        };
        gradual.min(fin)
    }

    /// The jet entrainment coefficient β_j = ⅓ + u/v_s (Briggs 1975).
    fn jet_entrainment(&self) -> f64 {
        1.0 / 3.0 + self.u() / self.stack.exit_velocity_m_s.max(1e-9)
    }

    /// A momentum jet in stable air rises as Δh(x) = (a·sin(k·x))^⅓ with
    /// a = 3·F_m/(β_j²·u·√s) and k = √s/u (ISC3 eq 1-18): `Some((a, k))` for such a jet.
    pub fn stable_jet(&self) -> Option<(f64, f64)> {
        let s = self.stability_parameter().filter(|_| !self.is_buoyant())?;
        let (u, n, beta_j) = (self.u(), s.sqrt(), self.jet_entrainment());
        Some((
            3.0 * self.momentum_flux() / (beta_j * beta_j * u * n),
            n / u,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack() -> Stack {
        Stack {
            diameter_m: 3.0,
            exit_velocity_m_s: 15.0,
            exit_temperature_k: 400.0,
        }
    }

    #[test]
    fn stack_tip_downwash_lowers_a_slow_exit_in_a_strong_wind() {
        // Found by review: ISC3 eq 1-7 was cited but not applied. d = 3 m, v_s = 5 m/s,
        // u = 10 m/s: h_s′ − h_s = 2·3·(5/10 − 1.5) = −6 m.
        let r = |vs: f64, u: f64| RiseInputs {
            stack: Stack {
                exit_velocity_m_s: vs,
                ..stack()
            },
            air_temperature_k: 288.0,
            wind_m_s: u,
            stability: StabilityClass::D,
        };
        assert!((r(5.0, 10.0).stack_tip_downwash_m(50.0) + 6.0).abs() < 1e-12);
        // None once the exit is 1.5 times the wind, or faster.
        assert_eq!(r(15.0, 10.0).stack_tip_downwash_m(50.0), 0.0);
        assert_eq!(r(25.0, 10.0).stack_tip_downwash_m(50.0), 0.0);
        // Never below the ground: a 4 m vent loses at most its height.
        assert_eq!(r(0.5, 10.0).stack_tip_downwash_m(4.0), -4.0);
    }

    #[test]
    fn briggs_final_rise_neutral_buoyant_stack_by_hand() {
        // d = 3 m, v_s = 15 m/s, T_s = 400 K, T_a = 288 K, u = 5 m/s, class D.
        // F_b = 9.80665·15·9/4·112/400 = 92.6728 m⁴/s³ (≥ 55), ΔT_c = 0.00575·400·15^⅔/3^⅓ = 9.67 K < 112 K.
        // Δh = 38.71·92.6728^0.6/5 = 38.71·15.1416/5 = 117.23 m.
        let r = RiseInputs {
            stack: stack(),
            air_temperature_k: 288.0,
            wind_m_s: 5.0,
            stability: StabilityClass::D,
        };
        assert!((r.buoyancy_flux() - 92.6728).abs() < 1e-3);
        assert!(r.is_buoyant());
        let hand = 38.71 * 92.6728f64.powf(0.6) / 5.0;
        assert!(
            (r.final_rise_m() - hand).abs() < 1e-3,
            "{} vs {hand}",
            r.final_rise_m()
        );
        assert!((hand - 117.23).abs() < 0.05, "{hand}");
        // Final rise is reached at x_f = 119·F_b^0.4 = 119·6.1192 = 728 m, and the gradual rise joins it.
        let xf = r.distance_to_final_rise_m();
        assert!((xf - 119.0 * r.buoyancy_flux().powf(0.4)).abs() < 1e-9);
        assert!(r.rise_at_m(0.5 * xf) < r.final_rise_m());
        assert_eq!(r.rise_at_m(2.0 * xf), r.final_rise_m());
    }

    #[test]
    fn briggs_final_rise_stable_buoyant_stack_by_hand() {
        // Class F: s = 9.80665/288·0.035 = 1.19178e-3 s⁻²; Δh = 2.6·(92.6728/(5·1.19178e-3))^⅓ = 2.6·24.963 = 64.90 m.
        let r = RiseInputs {
            stack: stack(),
            air_temperature_k: 288.0,
            wind_m_s: 5.0,
            stability: StabilityClass::F,
        };
        let s: f64 = 9.80665 / 288.0 * 0.035;
        let hand = 2.6 * (92.6728 / (5.0 * s)).cbrt();
        assert!((r.final_rise_m() - hand).abs() < 1e-3);
        assert!((hand - 64.90).abs() < 0.05, "{hand}");
    }

    #[test]
    fn cold_jet_rises_by_momentum() {
        let cold = Stack {
            diameter_m: 1.0,
            exit_velocity_m_s: 10.0,
            exit_temperature_k: 280.0,
        };
        let r = RiseInputs {
            stack: cold,
            air_temperature_k: 288.0,
            wind_m_s: 4.0,
            stability: StabilityClass::C,
        };
        assert!(!r.is_buoyant());
        assert!((r.final_rise_m() - 3.0 * 1.0 * 10.0 / 4.0).abs() < 1e-12);
    }

    #[test]
    fn a_stable_cold_jet_rises_along_the_isc3_sine_to_a_quarter_period() {
        // d = 1 m, v_s = 10 m/s, T_s = 280 K, T_a = 288 K, u = 4 m/s, class F.
        // s = 9.80665/288·0.035 = 1.19178e-3 s⁻², √s = 0.0345222 s⁻¹: x_f = ½π·4/√s = 182.0 m
        // (the neutral jet's 4·d·(v_s+3u)²/(v_s·u) would be 48.4 m).
        // F_m = 10²·1²/4·288/280 = 25.714 m⁴/s²; β_j = ⅓ + 0.4 = 0.7333.
        // Final: min(1.5·(F_m/(u·√s))^⅓, 3·d·v_s/u) = min(1.5·5.7096, 7.5) = 7.5 m.
        let r = RiseInputs {
            stack: Stack {
                diameter_m: 1.0,
                exit_velocity_m_s: 10.0,
                exit_temperature_k: 280.0,
            },
            air_temperature_k: 288.0,
            wind_m_s: 4.0,
            stability: StabilityClass::F,
        };
        let n = (9.80665f64 / 288.0 * 0.035).sqrt();
        assert!(!r.is_buoyant());
        let xf = r.distance_to_final_rise_m();
        assert!(
            (xf - 0.5 * std::f64::consts::PI * 4.0 / n).abs() < 1e-9,
            "{xf}"
        );
        assert!((xf - 182.0).abs() < 0.1, "{xf}");
        let fm: f64 = 25.0 * 288.0 / 280.0;
        assert!((r.momentum_flux() - fm).abs() < 1e-12);
        assert!((r.final_rise_m() - 7.5).abs() < 1e-12);
        // At 20 m, before the cap: (3·F_m·sin(20·√s/4)/(β_j²·u·√s))^⅓.
        let beta = 1.0 / 3.0 + 0.4;
        let want = (3.0 * fm * (20.0 * n / 4.0).sin() / (beta * beta * 4.0 * n)).cbrt();
        assert!(want < 7.5);
        assert!(
            (r.rise_at_m(20.0) - want).abs() < 1e-9,
            "{}",
            r.rise_at_m(20.0)
        );
        assert_eq!(r.rise_at_m(xf), r.final_rise_m());
    }
}
