//! The slow lateral meander of the night wind (`met::meander`): weather without a measured σθ
//! gives the particle model's lateral velocity σv ≥ 0.2 m/s with Hanna's (1983) two-hour
//! meander, so a night plume spreads as Taylor's theory says for that velocity; a measured σθ
//! replaces it.

use crate::lagrangian_support;

use lagrangian_support::*;
use plume::met::boundary_layer::friction_velocity_from_wind;
use plume::met::meander::{MEANDER_TIME_SCALE_S, MIN_HOURLY_SIGMA_V_M_S};
use plume::met::turbulence;
use plume::met::{BoundaryLayer, Meteorology, StabilityClass, UniformMet};
use plume::model::lagrangian::{Column, LagrangianConfig};

const X_M: f64 = 5_000.0;

/// A 2 m/s class F night at 10 m over 0.1 m roughness (L = 15 m, a 100 m layer).
fn night(sigma_theta_deg: Option<f64>) -> UniformMet {
    let (z0, l) = (0.1, 15.0);
    UniformMet {
        wind_speed_m_s: 2.0,
        reference_height_m: 10.0,
        wind_from_deg: 270.0,
        boundary_layer: BoundaryLayer {
            friction_velocity_m_s: friction_velocity_from_wind(2.0, 10.0, z0, l),
            obukhov_length_m: l,
            mixing_height_m: 100.0,
            roughness_length_m: z0,
            stability: StabilityClass::F,
        },
        precipitation_mm_h: 0.0,
        air_temperature_k: 283.15,
        sigma_theta_deg,
    }
}

/// Taylor's (1921) σy for an Ornstein–Uhlenbeck velocity of σ and time scale T after time t.
fn taylor_sigma_m(sigma: f64, t_l: f64, t: f64) -> f64 {
    (2.0 * sigma * sigma * t_l * (t - t_l * (1.0 - (-t / t_l).exp()))).sqrt()
}

/// σy (m) of the time-integrated 0–3 m concentration on the 100 m column of cells at 5 km
/// downwind of a 1 m release lasting an hour, from 3 000 particles.
fn sigma_y_at_5_km(column: Column) -> f64 {
    let (dx, nx, ny) = (100.0, 60, 80);
    let run_s = 4.0 * 3600.0;
    let g = grid(
        nx,
        ny,
        dx,
        -500.0,
        -4_000.0,
        &[(0.0, 3.0)],
        &[3600.0, 7200.0, 10800.0, run_s],
    );
    let mut cfg = LagrangianConfig {
        seed: 1983,
        ..Default::default()
    };
    cfg.sampling_step_s = 10.0;
    let plans = [source(
        [0.0, 0.0, 1.0],
        0.0,
        3600.0,
        run_s,
        &[emission(0, 1.0, 0.0, no_deposition())],
        3_000,
    )];
    let out = run(&plans, &[tracer()], &g, column, &cfg, run_s);
    let conc = &out.fields.species[0].concentration;
    let i = ((X_M + 500.0) / dx) as usize;
    assert!((g.x_m(i) - X_M - 50.0).abs() < 1e-9);
    let (mut m0, mut m1, mut m2) = (0.0, 0.0, 0.0);
    for j in 0..ny {
        let c: f64 = (0..g.times_s.len()).map(|t| conc[[t, 0, j, i]]).sum();
        let y = g.y_m(j);
        (m0, m1, m2) = (m0 + c, m1 + c * y, m2 + c * y * y);
    }
    assert!(m0 > 0.0, "nothing reached 5 km");
    let edge: f64 = (0..g.times_s.len())
        .map(|t| conc[[t, 0, 0, i]] + conc[[t, 0, ny - 1, i]])
        .sum();
    assert!(edge < 1e-3 * m0, "the plume reaches the grid's edge");
    (m2 / m0 - (m1 / m0).powi(2)).sqrt()
}

#[test]
fn a_night_plume_without_sigma_theta_spreads_with_the_meander_as_taylor_says() {
    let met = night(None);
    assert_eq!(met.sigma_v_scale(0.0, 0.0, 0.0), None);
    let column = Column::from_met(&met, 0.0, 0.0, 0.0);
    // Hanna's σv (1.3u*(1 − z/h) ≤ 0.14 m/s) is below 0.2 m/s at every height: the meander
    // fills it up, and the lateral time scale is that of the two together, σ²T = σv²T_v + σm²Tm.
    for z in [1.0f32, 2.0, 10.0, 50.0, 95.0] {
        let level = column.at(z);
        assert!(
            (f64::from(level.sigma[1]) - MIN_HOURLY_SIGMA_V_M_S).abs() < 1e-6,
            "σv at {z} m: {}",
            level.sigma[1]
        );
        let hanna = turbulence::hanna(&met.boundary_layer, f64::from(z));
        let (sv2, floor2) = (hanna.sigma_v_m_s.powi(2), MIN_HOURLY_SIGMA_V_M_S.powi(2));
        let want = (sv2 * hanna.time_scale_v_s + (floor2 - sv2) * MEANDER_TIME_SCALE_S) / floor2;
        let t_l = 1.0 / f64::from(level.inv_time_scale[1]);
        assert!(
            (t_l / want - 1.0).abs() < 1e-3,
            "T_Lv at {z} m: {t_l} vs {want}"
        );
        assert!(t_l > 0.5 * MEANDER_TIME_SCALE_S, "T_Lv at {z} m: {t_l}");
    }
    let t_l = 1.0 / f64::from(column.at(2.0).inv_time_scale[1]);
    let sigma_y = sigma_y_at_5_km(column);
    // Taylor's spread for that velocity, at the travel times of the wind at 20 m and at 2 m:
    // the plume near the ground travels between them.
    let speed = |z: f64| {
        let s = met.sample(0.0, 0.0, z, 0.0);
        s.wind_u_m_s.hypot(s.wind_v_m_s)
    };
    let low = taylor_sigma_m(MIN_HOURLY_SIGMA_V_M_S, t_l, X_M / speed(20.0));
    let high = taylor_sigma_m(MIN_HOURLY_SIGMA_V_M_S, t_l, X_M / speed(2.0));
    eprintln!("σy at 5 km {sigma_y:.0} m; Taylor {low:.0}–{high:.0} m");
    assert!(
        sigma_y > 0.95 * low && sigma_y < 1.05 * high,
        "σy {sigma_y} against Taylor {low}–{high}"
    );
    // Wider than Briggs's (1973) class F curve, 0.04x/√(1 + 0.0001x) = 163 m at 5 km, which
    // rests on 3–10-minute samples; Hanna's turbulence alone spread it to a fifth of that.
    assert!(sigma_y > 163.0, "{sigma_y}");
    let hanna_only = sigma_y_at_5_km(Column::from_boundary_layer(&met.boundary_layer, 0.0, |z| {
        let s = met.sample(0.0, 0.0, z, 0.0);
        [s.wind_u_m_s, s.wind_v_m_s, 0.0]
    }));
    eprintln!("σy at 5 km by Hanna's turbulence alone {hanna_only:.0} m");
    assert!(hanna_only < 0.25 * sigma_y, "{hanna_only} vs {sigma_y}");
}

#[test]
fn a_measured_sigma_theta_holds_the_meander_and_replaces_it() {
    // 3° at 2 m/s is σv = 0.10 m/s at 10 m: below the floor, and kept as measured.
    let met = night(Some(3.0));
    let column = Column::from_met(&met, 0.0, 0.0, 0.0);
    let measured = 3f64.to_radians() * 2.0;
    let sv = f64::from(column.at(10.0).sigma[1]);
    assert!((sv / measured - 1.0).abs() < 1e-5, "{sv} vs {measured}");
    let t_l = 1.0 / f64::from(column.at(10.0).inv_time_scale[1]);
    assert!(
        t_l < 60.0,
        "Hanna's turbulent time scale, not the meander's: {t_l}"
    );
}
