//! The slow lateral meander of the wind that a u*-scaled turbulence profile leaves out.
//!
//! Hanna's (1982) σv = 1.3u* (stable, neutral) is the small-scale turbulence of the surface
//! layer. In light winds, and above all at night, the wind direction also swings slowly through
//! tens of degrees: mesoscale meanders, gravity waves, drainage (Etling 1990; Mahrt 2014).
//! Hanna (1983) analysed 17 nights of anemometer data at Cinder Cone Butte: the meanders'
//! dominant period was about two hours, and even in the lightest winds the hourly σv was
//! typically 0.5 m/s and never observed below about 0.2 m/s, against 1.3u* ≈ 0.1 m/s in a 2 m/s
//! class F wind. AERMOD takes that 0.2 m/s as its lower limit on lateral turbulence (Cimorelli
//! et al. 2004, EPA-454/R-03-004, §4.1.6); CALPUFF's default is 0.5 m/s (SVMIN).
//!
//! Without a measured σθ the lateral velocity is therefore the turbulence and an independent
//! meander: σm² = max(0, σmin² − σv²) with σmin = [`MIN_HOURLY_SIGMA_V_M_S`], the lowest value
//! Hanna observed (the other choices are larger), and a time scale Tm = P/2π, the time the
//! meander's phase takes to turn through one radian at Hanna's period P =
//! [`MEANDER_PERIOD_S`]. The floor adds nothing where the turbulence alone reaches 0.2 m/s
//! (u* ≳ 0.15 m/s: most daytime and windy weather). A measured σθ already holds the meander of
//! its averaging time, so weather with σθ is not given this one
//! ([`crate::met::Meteorology::sigma_v_scale`]); the Prairie Grass runs, all with their
//! 10-minute σθ, are scored without it.
//!
//! The particle model carries one lateral velocity per particle, so the two processes enter it
//! as one Ornstein–Uhlenbeck process with their summed variance σ² = σv² + σm² and their summed
//! lateral diffusivity σ²T = σv²T_v + σm²Tm: its spread is theirs exactly while t ≪ T_v
//! (σy = σ·t) and when t ≫ Tm (σy² = 2σ²T·t), and at most 13 % wider between (tested). The puff model
//! grows σy by Taylor's formula with the same σ and T, so the two agree.
//!
//! In a 2 m/s class F wind (u* 0.07 m/s) a 1 m release spreads to σy ≈ 340 m at 5 km, an
//! hourly spread; without the meander it was 33 m, against 163 m by Briggs's (1973) class F
//! curve, which rests on 3–10-minute samples (Gifford 1976 scales σy by the averaging time to
//! the power 0.2, ×1.4 from 10 minutes to an hour), 95 m by Draxler's (1976) f_y with σv =
//! 1.3u* and 75 m by AERMOD.
//!
//! ## References
//! - Hanna, S.R. (1983) "Lateral turbulence intensity and plume meandering during stable
//!   conditions", J. Climate Appl. Meteor. 22:1424–1430,
//!   doi:10.1175/1520-0450(1983)022<1424:LTIAPM>2.0.CO;2.
//! - Cimorelli, A.J. et al. (2004) *AERMOD: Description of Model Formulation*, US EPA,
//!   EPA-454/R-03-004, §4.1.6 — the 0.2 m/s lower limit, after Hanna (1983).
//! - Etling, D. (1990) "On plume meandering under stable stratification", Atmos. Environ.
//!   24A:1979–1985, doi:10.1016/0960-1686(90)90232-C.
//! - Mahrt, L. (2014) "Stably stratified atmospheric boundary layers", Annu. Rev. Fluid Mech.
//!   46:23–45, doi:10.1146/annurev-fluid-010313-141354.
//! - Gifford, F.A. (1976) "Turbulent diffusion-typing schemes: a review", Nucl. Saf.
//!   17:68–86.

use super::turbulence::Turbulence;

/// The lowest hourly σv (m/s) that Hanna (1983) observed in the lightest stable winds, AERMOD's
/// lower limit on lateral turbulence.
pub const MIN_HOURLY_SIGMA_V_M_S: f64 = 0.2;
/// The meanders' dominant period (s): about two hours (Hanna 1983).
pub const MEANDER_PERIOD_S: f64 = 7200.0;
/// The meander's time scale (s): P/2π, the time its phase turns through one radian.
pub const MEANDER_TIME_SCALE_S: f64 = MEANDER_PERIOD_S / std::f64::consts::TAU;

/// The meander's σ (m/s) beside a turbulent σv: √(σmin² − σv²), or 0 where σv ≥ σmin.
pub fn meander_sigma_m_s(turbulent_sigma_v_m_s: f64) -> f64 {
    (MIN_HOURLY_SIGMA_V_M_S.powi(2) - turbulent_sigma_v_m_s.powi(2))
        .max(0.0)
        .sqrt()
}

/// `t` with the meander folded into its lateral component: σv² + σm² and the same summed
/// diffusivity σv²T_v + σm²Tm (module docs). Unchanged where σv ≥ [`MIN_HOURLY_SIGMA_V_M_S`].
pub fn with_meander(t: Turbulence) -> Turbulence {
    let sigma_m = meander_sigma_m_s(t.sigma_v_m_s);
    if sigma_m == 0.0 {
        return t;
    }
    let variance = t.sigma_v_m_s.powi(2) + sigma_m.powi(2);
    let diffusivity =
        t.sigma_v_m_s.powi(2) * t.time_scale_v_s + sigma_m.powi(2) * MEANDER_TIME_SCALE_S;
    Turbulence {
        sigma_v_m_s: variance.sqrt(),
        time_scale_v_s: diffusivity / variance,
        ..t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Taylor's (1921) σ² for an Ornstein–Uhlenbeck velocity of σ and time scale T.
    fn taylor_variance(sigma: f64, t_l: f64, t: f64) -> f64 {
        2.0 * sigma * sigma * t_l * (t - t_l * (1.0 - (-t / t_l).exp()))
    }

    fn night() -> Turbulence {
        // Hanna's stable σv in a 2 m/s class F wind, at its 10 s time-scale floor.
        Turbulence::homogeneous(0.1, 10.0)
    }

    #[test]
    fn the_meander_fills_the_lateral_turbulence_up_to_hannas_lowest_hourly_value() {
        let t = with_meander(night());
        assert!((t.sigma_v_m_s - MIN_HOURLY_SIGMA_V_M_S).abs() < 1e-12);
        // The summed diffusivity: 0.1²·10 + (0.2² − 0.1²)·7200/2π.
        let want = (0.01 * 10.0 + 0.03 * 7200.0 / std::f64::consts::TAU) / 0.04;
        assert!((t.time_scale_v_s / want - 1.0).abs() < 1e-12);
        assert!(
            (t.time_scale_v_s - 862.0).abs() < 1.0,
            "{}",
            t.time_scale_v_s
        );
        // Nothing else changes.
        let n = night();
        assert_eq!(
            (
                t.sigma_u_m_s,
                t.sigma_w_m_s,
                t.time_scale_u_s,
                t.time_scale_w_s
            ),
            (
                n.sigma_u_m_s,
                n.sigma_w_m_s,
                n.time_scale_u_s,
                n.time_scale_w_s
            )
        );
    }

    #[test]
    fn turbulence_at_or_above_the_floor_has_no_meander() {
        for sigma in [0.2, 0.35, 1.5] {
            let t = Turbulence::homogeneous(sigma, 40.0);
            assert_eq!(with_meander(t), t);
            assert_eq!(meander_sigma_m_s(sigma), 0.0);
        }
        // Just below the floor the meander is small and the scale moves only a little of the way.
        let t = with_meander(Turbulence::homogeneous(0.199, 40.0));
        assert!(t.time_scale_v_s < 60.0, "{}", t.time_scale_v_s);
    }

    #[test]
    fn one_process_spreads_as_the_turbulence_and_the_meander_together() {
        // The spread of the two independent processes against that of the single one the
        // particles carry, from 1 s to 10 h: exact at both ends, at most 13 % wider between.
        let n = night();
        let sigma_m = meander_sigma_m_s(n.sigma_v_m_s);
        let one = with_meander(n);
        let mut worst = 0.0f64;
        for k in 0..=45 {
            let t = 10f64.powf(k as f64 / 10.0);
            let two = taylor_variance(n.sigma_v_m_s, n.time_scale_v_s, t)
                + taylor_variance(sigma_m, MEANDER_TIME_SCALE_S, t);
            let ratio = (taylor_variance(one.sigma_v_m_s, one.time_scale_v_s, t) / two).sqrt();
            worst = worst.max((ratio - 1.0).abs());
            if !(1.5..=30_000.0).contains(&t) {
                assert!((ratio - 1.0).abs() < 0.04, "t {t}: {ratio}");
            }
        }
        assert!(worst < 0.13 && worst > 0.05, "{worst}");
    }
}
