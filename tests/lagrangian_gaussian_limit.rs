//! The Gaussian limit: a continuous point release in homogeneous turbulence and a uniform wind
//! (U/σu = 10, no lid, far from the ground) reproduces the analytic Gaussian plume
//! C = Q/(2πUσyσz)·exp(−y²/2σy²)·exp(−(z−H)²/2σz²), with σy, σz from Taylor (1921) at the travel
//! time x/U, averaged over each output cell, beyond 10·U·T_L downwind (QES-Plume's test).

use crate::lagrangian_support;

use lagrangian_support::*;
use plume::met::turbulence::Turbulence;
use plume::model::lagrangian::{Column, LagrangianConfig};

const SIGMA_M_S: f64 = 0.5;
const T_L_S: f64 = 50.0;
const U_M_S: f64 = 5.0;
const H_M: f64 = 5_000.0;
const Q_KG_S: f64 = 2.0;

fn taylor_sigma_m(t_s: f64) -> f64 {
    (2.0 * SIGMA_M_S * SIGMA_M_S * T_L_S * (t_s - T_L_S * (1.0 - (-t_s / T_L_S).exp()))).sqrt()
}

/// erf by Abramowitz & Stegun (1964) 7.1.26 (|error| < 1.5·10⁻⁷).
fn erf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let y = 1.0
        - t * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))))
            * (-x * x).exp();
    y.copysign(x)
}

/// Fraction of a unit normal with standard deviation `s` between a and b.
fn mass_between(a: f64, b: f64, s: f64) -> f64 {
    0.5 * (erf(b / (s * 2f64.sqrt())) - erf(a / (s * 2f64.sqrt())))
}

/// The analytic plume averaged over the cell [x0, x1] × [y0, y1] × [z0, z1].
fn analytic_cell_mean(x: [f64; 2], y: [f64; 2], z: [f64; 2]) -> f64 {
    let n = 16;
    let mut sum = 0.0;
    for k in 0..n {
        let xm = x[0] + (k as f64 + 0.5) / n as f64 * (x[1] - x[0]);
        let s = taylor_sigma_m(xm / U_M_S);
        sum += Q_KG_S / U_M_S * mass_between(y[0], y[1], s) / (y[1] - y[0])
            * mass_between(z[0] - H_M, z[1] - H_M, s)
            / (z[1] - z[0]);
    }
    sum / n as f64
}

#[test]
fn continuous_release_in_homogeneous_turbulence_matches_the_analytic_plume() {
    let (dx, nx, ny, nz) = (100.0, 50, 12, 10);
    let layers: Vec<(f64, f64)> = (0..nz)
        .map(|k| {
            (
                H_M - 500.0 + k as f64 * 100.0,
                H_M - 400.0 + k as f64 * 100.0,
            )
        })
        .collect();
    let run_s = 2_000.0;
    let g = grid(nx, ny, dx, 0.0, -600.0, &layers, &[1_200.0, run_s]);
    let column = Column::homogeneous(
        Turbulence::homogeneous(SIGMA_M_S, T_L_S),
        [U_M_S, 0.0, 0.0],
        None,
    );
    let mut cfg = LagrangianConfig {
        seed: 1970,
        model_top_m: 1.0e6,
        ..Default::default()
    };
    cfg.step.max_time_step_s = 10.0;
    cfg.sampling_step_s = 10.0;
    let plans = [source(
        [0.0, 0.0, H_M],
        0.0,
        run_s,
        run_s,
        &[emission(0, Q_KG_S, 0.0, no_deposition())],
        1_000_000,
    )];
    let out = run(&plans, &[tracer()], &g, column, &cfg, run_s);
    let conc = &out.fields.species[0].concentration;

    // Steady interval [1200, 2000] s, cells whose centre is at least 10·U·T_L downwind.
    let mut pairs = vec![];
    for k in 0..nz {
        for j in 0..ny {
            for i in 0..nx {
                let xc = g.x_m(i);
                if xc < 10.0 * U_M_S * T_L_S {
                    continue;
                }
                let yc = g.y_m(j);
                let p = analytic_cell_mean(
                    [xc - 50.0, xc + 50.0],
                    [yc - 50.0, yc + 50.0],
                    [layers[k].0, layers[k].1],
                );
                pairs.push((conc[[1, k, j, i]], p));
            }
        }
    }
    let max_p = pairs.iter().map(|&(_, p)| p).fold(0.0, f64::max);
    let kept: Vec<(f64, f64)> = pairs
        .into_iter()
        .filter(|&(_, p)| p > 0.01 * max_p)
        .collect();
    let n = kept.len() as f64;
    let fac2 = kept
        .iter()
        .filter(|&&(o, p)| o >= 0.5 * p && o <= 2.0 * p)
        .count() as f64
        / n;
    let mean_o = kept.iter().map(|&(o, _)| o).sum::<f64>() / n;
    let mean_p = kept.iter().map(|&(_, p)| p).sum::<f64>() / n;
    let nmse = kept.iter().map(|&(o, p)| (o - p).powi(2)).sum::<f64>() / n / (mean_o * mean_p);
    eprintln!(
        "{} cells: FAC2 {fac2:.3}, NMSE {nmse:.4}, mean obs/pred {:.4}",
        kept.len(),
        mean_o / mean_p
    );
    assert!(
        kept.len() > 500,
        "only {} cells above 1 % of the maximum",
        kept.len()
    );
    assert!(fac2 > 0.95, "FAC2 {fac2}");
    assert!(nmse < 0.05, "NMSE {nmse}");
}
