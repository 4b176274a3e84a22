//! Taylor (1921): in homogeneous stationary turbulence the variance of particle displacements
//! is σ²(t) = 2σ²T_L[t − T_L(1 − e^(−t/T_L))], from the ballistic (σ²t²) to the diffusive
//! (2σ²T_L·t) limit.

use crate::lagrangian_support;

use lagrangian_support::*;
use plume::met::turbulence::Turbulence;
use plume::model::lagrangian::{Column, LagrangianConfig};

const SIGMA_M_S: f64 = 1.0;
const T_L_S: f64 = 100.0;

fn taylor_variance_m2(t_s: f64) -> f64 {
    2.0 * SIGMA_M_S * SIGMA_M_S * T_L_S * (t_s - T_L_S * (1.0 - (-t_s / T_L_S).exp()))
}

#[test]
fn displacement_variance_follows_taylor_from_a_tenth_to_a_hundred_time_scales() {
    let n = 100_000;
    let column = Column::homogeneous(Turbulence::homogeneous(SIGMA_M_S, T_L_S), [0.0; 3], None);
    let z0 = 50_000.0; // far above any ground: no reflection in this homogeneous case
    for t_over_tl in [0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0] {
        let t_s = t_over_tl * T_L_S;
        // Velocities are updated exactly; positions integrate end-of-step velocities, whose
        // long-time diffusivity is σ²Δt(1+r)/(2(1−r)), r = e^(−Δt/T_L): +0.33 % at Δt = 0.2 T_L.
        // At least 50 sub-steps per run keep the short-time (ballistic) error below 1 % too.
        let mut cfg = LagrangianConfig {
            seed: 1921,
            model_top_m: 1.0e9,
            ..Default::default()
        };
        cfg.step.time_step_factor = (t_over_tl / 50.0).min(0.2) as f32;
        cfg.step.min_time_step_s = 1.0e-3;
        cfg.step.max_time_step_s = t_s as f32;
        let g = grid(1, 1, 1.0e6, -5.0e5, -5.0e5, &[(0.0, 1.0e6)], &[t_s]);
        let plans = [source(
            [0.0, 0.0, z0],
            0.0,
            0.0,
            t_s,
            &[emission(0, 1.0, 0.0, no_deposition())],
            n,
        )];
        let out = run(&plans, &[tracer()], &g, column.clone(), &cfg, t_s);
        let (mut sx, mut sy, mut sz) = (0.0f64, 0.0f64, 0.0f64);
        for p in &out.particles {
            sx += f64::from(p.pos[0]).powi(2);
            sy += f64::from(p.pos[1]).powi(2);
            sz += (f64::from(p.pos[2]) - z0).powi(2);
        }
        let expected = taylor_variance_m2(t_s);
        for (axis, s) in [("x", sx), ("y", sy), ("z", sz)] {
            let var = s / n as f64;
            let rel = var / expected - 1.0;
            eprintln!("t = {t_over_tl} T_L, {axis}: {:+.2} %", rel * 100.0);
            assert!(rel.abs() < 0.03, "t = {t_over_tl} T_L, {axis}: variance {var:.4e} vs Taylor {expected:.4e} ({:+.2} %)", rel * 100.0);
        }
    }
}

#[test]
fn along_and_crosswind_spreads_follow_the_wind_whatever_its_direction() {
    // σu = 2σv along and across a 5 m/s wind blowing east, north, north-east and
    // south-south-west: the along-wind and crosswind displacement variances are Taylor's for
    // σu and σv in every direction (they were swapped for a wind blowing north, when u′ was
    // applied along the grid's east).
    let (sigma_u, sigma_v, t_l, t_s, n) = (1.0, 0.5, 20.0, 200.0, 40_000);
    let turbulence = Turbulence {
        sigma_u_m_s: sigma_u,
        sigma_v_m_s: sigma_v,
        ..Turbulence::homogeneous(0.1, t_l)
    };
    let taylor = |sigma: f64| 2.0 * sigma * sigma * t_l * (t_s - t_l * (1.0 - (-t_s / t_l).exp()));
    for to_deg in [90.0f64, 0.0, 45.0, 200.0] {
        // Blowing towards `to_deg`, clockwise from north.
        let (ex, ey) = (to_deg.to_radians().sin(), to_deg.to_radians().cos());
        let column = Column::homogeneous(turbulence, [5.0 * ex, 5.0 * ey, 0.0], None);
        let mut cfg = LagrangianConfig {
            seed: 1982,
            model_top_m: 1.0e9,
            ..Default::default()
        };
        cfg.step.time_step_factor = 0.05;
        cfg.step.min_time_step_s = 1.0e-3;
        cfg.step.max_time_step_s = 1.0;
        let g = grid(1, 1, 1.0e6, -5.0e5, -5.0e5, &[(0.0, 1.0e6)], &[t_s]);
        let plans = [source(
            [0.0, 0.0, 50_000.0],
            0.0,
            0.0,
            t_s,
            &[emission(0, 1.0, 0.0, no_deposition())],
            n,
        )];
        let out = run(&plans, &[tracer()], &g, column, &cfg, t_s);
        let (mut along, mut across) = (0.0f64, 0.0f64);
        for p in &out.particles {
            let (dx, dy) = (
                f64::from(p.pos[0]) - 5.0 * ex * t_s,
                f64::from(p.pos[1]) - 5.0 * ey * t_s,
            );
            along += (dx * ex + dy * ey).powi(2);
            across += (-dx * ey + dy * ex).powi(2);
        }
        for (name, var, sigma) in [("along", along, sigma_u), ("across", across, sigma_v)] {
            let rel = var / n as f64 / taylor(sigma) - 1.0;
            eprintln!("to {to_deg}°, {name}: {:+.2} %", rel * 100.0);
            assert!(
                rel.abs() < 0.04,
                "wind to {to_deg}°, {name}-wind variance {:+.2} % from Taylor",
                rel * 100.0
            );
        }
    }
}
