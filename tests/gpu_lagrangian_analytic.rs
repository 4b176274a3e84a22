//! The analytic tests of the particle model with one body for both backends: each body runs
//! on the CPU and on the GPU (`cpu` and `gpu` tests of one module), so the GPU must pass the
//! same physics checks, not only agree with the CPU.
//!
//! - Taylor (1921): displacement variance in homogeneous turbulence, 0.1–100 T_L, within 3 %.
//! - Thomson (1987) well-mixed: 10⁵ particles uniform in a convective and a stable layer stay
//!   uniform after 20 T_L (each of 20 layers within 5 %, χ² p > 0.01); without the drift term
//!   they do not (≥ 20 % deviation).
//! - Gaussian limit: a continuous release in homogeneous turbulence and uniform wind
//!   (U/σ = 10, no lid) reproduces the cell-averaged analytic plume with Taylor's σ at
//!   x ≥ 10·U·T_L: FAC2 > 0.95, NMSE < 0.05 over cells above 1 % of the maximum.
//! - Mass balance: released = airborne + dry + wet + decayed + exited to 1e-9 relative.
//! - Dry deposition under a 10 m lid (below the 30 m deposition layer): 1 − e^(−v_d·t/h)
//!   within 5 %.
#![cfg(feature = "gpu")]

use crate::lagrangian_support;
use crate::support;

use lagrangian_support::{
    emission, no_deposition, nuclide, source, tracer, uniform_column_release,
};
use plume::backend::gpu::GpuContext;
use plume::met::turbulence::{hanna, Turbulence};
use plume::met::{BoundaryLayer, StabilityClass};
use plume::model::lagrangian::{
    Column, DepositionParams, Flow, LagrangianConfig, LagrangianRun, SourcePlan,
};
use plume::substance::Species;
use support::Backend;

/// Generates `cpu` and `gpu` tests running `$body(backend, ctx)`.
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn cpu() {
                $body(Backend::Cpu, None)
            }
            #[test]
            fn gpu() {
                if let Some(ctx) = support::gpu_or_skip(concat!(stringify!($name), "::gpu")) {
                    $body(Backend::Gpu, Some(&ctx))
                }
            }
        }
    };
}

#[allow(clippy::too_many_arguments)]
fn run(
    b: Backend,
    ctx: Option<&GpuContext>,
    plans: &[SourcePlan],
    species: &[Species],
    grid: &plume::field::GridSpec,
    column: Column,
    cfg: &LagrangianConfig,
    t_s: f64,
) -> LagrangianRun {
    support::run(
        b,
        ctx,
        plans,
        species,
        grid,
        &Flow::Column(column),
        cfg,
        t_s,
    )
}

// ---- Taylor (1921) --------------------------------------------------------------------------

const SIGMA_M_S: f64 = 1.0;
const T_L_S: f64 = 100.0;

fn taylor_variance_m2(sigma_m_s: f64, t_l_s: f64, t_s: f64) -> f64 {
    2.0 * sigma_m_s * sigma_m_s * t_l_s * (t_s - t_l_s * (1.0 - (-t_s / t_l_s).exp()))
}

fn taylor(b: Backend, ctx: Option<&GpuContext>) {
    let n = 100_000;
    let column = Column::homogeneous(Turbulence::homogeneous(SIGMA_M_S, T_L_S), [0.0; 3], None);
    let z0 = 50_000.0; // far above the ground: no reflection
    for t_over_tl in [0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0] {
        let t_s = t_over_tl * T_L_S;
        // At least 50 sub-steps per run, Δt ≤ 0.2 T_L: discretisation error below 1 %.
        let mut cfg = LagrangianConfig {
            seed: 1921,
            model_top_m: 1.0e9,
            ..Default::default()
        };
        cfg.step.time_step_factor = (t_over_tl / 50.0).min(0.2) as f32;
        cfg.step.min_time_step_s = 1.0e-3;
        cfg.step.max_time_step_s = t_s as f32;
        let g = lagrangian_support::grid(1, 1, 1.0e6, -5.0e5, -5.0e5, &[(0.0, 1.0e6)], &[t_s]);
        let plans = [source(
            [0.0, 0.0, z0],
            0.0,
            0.0,
            t_s,
            &[emission(0, 1.0, 0.0, no_deposition())],
            n,
        )];
        let out = run(b, ctx, &plans, &[tracer()], &g, column.clone(), &cfg, t_s);
        let (mut sx, mut sy, mut sz) = (0.0f64, 0.0f64, 0.0f64);
        for p in &out.particles {
            sx += f64::from(p.pos[0]).powi(2);
            sy += f64::from(p.pos[1]).powi(2);
            sz += (f64::from(p.pos[2]) - z0).powi(2);
        }
        let expected = taylor_variance_m2(SIGMA_M_S, T_L_S, t_s);
        for (axis, s) in [("x", sx), ("y", sy), ("z", sz)] {
            let rel = s / n as f64 / expected - 1.0;
            assert!(
                rel.abs() < 0.03,
                "{b:?} t = {t_over_tl} T_L, {axis}: {:+.2} % from Taylor",
                rel * 100.0
            );
        }
    }
}
both_backends!(taylor_1921, taylor);

// ---- well-mixed (Thomson 1987) --------------------------------------------------------------

const LAYERS: usize = 20;
/// χ² with 19 degrees of freedom exceeds 36.191 with probability 0.01.
const CHI2_19_P01: f64 = 36.191;

fn convective() -> BoundaryLayer {
    BoundaryLayer {
        friction_velocity_m_s: 0.3,
        obukhov_length_m: -20.0,
        mixing_height_m: 1000.0,
        roughness_length_m: 0.1,
        stability: StabilityClass::A,
    }
}

fn stable() -> BoundaryLayer {
    BoundaryLayer {
        friction_velocity_m_s: 0.25,
        obukhov_length_m: 50.0,
        mixing_height_m: 300.0,
        roughness_length_m: 0.1,
        stability: StabilityClass::E,
    }
}

/// Largest relative deviation from uniform over 20 layers, and χ², after 20 T_Lw(h/2).
fn mixing(b: Backend, ctx: Option<&GpuContext>, bl: &BoundaryLayer, drift: bool) -> (f64, f64) {
    let h = bl.mixing_height_m;
    let t_s = 20.0 * hanna(bl, 0.5 * h).time_scale_w_s;
    let column = Column::from_boundary_layer(bl, 0.0, |_| [0.0; 3]);
    let mut cfg = LagrangianConfig {
        seed: 1987,
        ..Default::default()
    };
    cfg.step.drift = drift;
    let g = lagrangian_support::grid(1, 1, 1.0e7, -5.0e6, -5.0e6, &[(0.0, h)], &[t_s]);
    let plans = uniform_column_release(h, 1000, 100, t_s);
    let out = run(b, ctx, &plans, &[tracer()], &g, column, &cfg, t_s);
    let mut counts = [0.0f64; LAYERS];
    for p in &out.particles {
        counts[((f64::from(p.pos[2]) / h * LAYERS as f64) as usize).min(LAYERS - 1)] += 1.0;
    }
    assert_eq!(
        counts.iter().sum::<f64>(),
        100_000.0,
        "{b:?}: no particle may leave the column"
    );
    let expected = 100_000.0 / LAYERS as f64;
    let dev = counts
        .iter()
        .map(|c| (c / expected - 1.0).abs())
        .fold(0.0, f64::max);
    let chi2 = counts
        .iter()
        .map(|c| (c - expected).powi(2) / expected)
        .sum();
    (dev, chi2)
}

fn well_mixed(b: Backend, ctx: Option<&GpuContext>) {
    for (what, bl) in [("convective", convective()), ("stable", stable())] {
        let (dev, chi2) = mixing(b, ctx, &bl, true);
        eprintln!(
            "{b:?} {what}: largest deviation {:.2} %, χ² {chi2:.1}",
            dev * 100.0
        );
        assert!(
            dev < 0.05,
            "{b:?} {what}: a layer deviates {:.1} %",
            dev * 100.0
        );
        assert!(chi2 < CHI2_19_P01, "{b:?} {what}: χ² {chi2:.1} (p < 0.01)");
        // Negative control: without the drift the same test fails.
        let (dev, _) = mixing(b, ctx, &bl, false);
        eprintln!(
            "{b:?} {what} without drift: largest deviation {:.2} %",
            dev * 100.0
        );
        assert!(
            dev >= 0.20,
            "{b:?} {what} without drift: only {:.1} %",
            dev * 100.0
        );
    }
}
both_backends!(well_mixed_thomson_1987, well_mixed);

// ---- Gaussian limit -------------------------------------------------------------------------

/// Probability mass of a centred normal of spread `s` between a and b.
fn mass_between(a: f64, b: f64, s: f64) -> f64 {
    0.5 * (erf(b / (s * std::f64::consts::SQRT_2)) - erf(a / (s * std::f64::consts::SQRT_2)))
}

/// erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7).
fn erf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-x * x).exp();
    y.copysign(x)
}

fn gaussian_limit(b: Backend, ctx: Option<&GpuContext>) {
    let (sigma, t_l, u) = (0.5, 20.0, 5.0); // U/σ = 10
    let (h, rate, run_s) = (1000.0, 1.0, 3600.0);
    // 2·10⁵ particles keep the GPU run to seconds on a 2-core software driver; the statistical
    // noise of the cells compared stays below 10 %.
    let n = 200_000;
    let column = Column::homogeneous(Turbulence::homogeneous(sigma, t_l), [u, 0.0, 0.0], None);
    let mut cfg = LagrangianConfig {
        seed: 1958,
        model_top_m: 1.0e5,
        ..Default::default()
    };
    cfg.step.max_time_step_s = 10.0;
    let layer = (h - 150.0, h + 150.0);
    let g = lagrangian_support::grid(50, 24, 100.0, -500.0, -1200.0, &[layer], &[1800.0, 3600.0]);
    let plans = [source(
        [0.0, 0.0, h],
        0.0,
        run_s,
        run_s,
        &[emission(0, rate, 0.0, no_deposition())],
        n,
    )];
    let out = run(b, ctx, &plans, &[tracer()], &g, column, &cfg, run_s);
    let c = &out.fields.species[0].concentration;
    let (mut model, mut analytic) = (vec![], vec![]);
    for j in 0..g.ny {
        for i in 0..g.nx {
            let x = g.x_m(i);
            // Steady by t = 1800 s out to 4000 m (travel 800 s); x ≥ 10·U·T_L.
            if !(10.0 * u * t_l..=4000.0).contains(&x) {
                continue;
            }
            let s = taylor_variance_m2(sigma, t_l, x / u).sqrt();
            let y = g.y_m(j);
            let fy = mass_between(y - 50.0, y + 50.0, s) / 100.0;
            let fz = mass_between(layer.0 - h, layer.1 - h, s) / (layer.1 - layer.0);
            analytic.push(rate / u * fy * fz);
            model.push(c[[1, 0, j, i]]);
        }
    }
    let (nmse, fac2, cells) = support::nmse_fac2(&analytic, &model, 0.01);
    eprintln!("{b:?}: NMSE {nmse:.2e} FAC2 {fac2:.4} over {cells} cells");
    assert!(cells > 60, "{b:?}: only {cells} cells");
    assert!(fac2 > 0.95 && nmse < 0.05, "{b:?}: NMSE {nmse} FAC2 {fac2}");
}
both_backends!(gaussian_limit_taylor_sigma, gaussian_limit);

// ---- mass balance ---------------------------------------------------------------------------

fn mass_balance(b: Backend, ctx: Option<&GpuContext>) {
    let bl = convective();
    let column = Column::from_boundary_layer(&bl, 2.0, |z| [6.0 + 0.002 * z, 2.0, 0.0]);
    let run_s = 3600.0;
    let dep = DepositionParams {
        dry_velocity_m_s: 0.02,
        washout_a_per_s: 2e-4,
        washout_b: 0.8,
    };
    let species = [nuclide(900.0), tracer()];
    let plans = [
        source(
            [-3000.0, 0.0, 20.0],
            0.0,
            3000.0,
            run_s,
            &[
                emission(0, 1.0e9, (2f64).ln() / 900.0, dep),
                emission(1, 3.0, 0.0, no_deposition()),
            ],
            20_000,
        ),
        source(
            [0.0, -2000.0, 1.0],
            300.0,
            600.0,
            run_s,
            &[emission(1, 0.2, 0.0, dep)],
            5_000,
        ),
    ];
    // A grid smaller than the plume's reach, so particles leave the domain too.
    let g = lagrangian_support::grid(
        30,
        30,
        300.0,
        -4500.0,
        -4500.0,
        &[(0.0, 100.0)],
        &[1800.0, 3600.0],
    );
    let out = run(
        b,
        ctx,
        &plans,
        &species,
        &g,
        column,
        &LagrangianConfig {
            seed: 7,
            ..Default::default()
        },
        run_s,
    );
    assert!(out.stats.exited > 0, "{b:?}: the test needs exits");
    for f in &out.fields.species {
        let m = f.budget.expect("budget");
        for (term, v) in [
            ("airborne", m.airborne),
            ("dry", m.dry_deposited),
            ("decayed", m.decayed),
            ("exited", m.exited),
        ] {
            assert!(
                v > 0.0 || (term == "decayed" && f.species.half_life_s.is_none()),
                "{b:?} {}: no {term}",
                f.species.name
            );
        }
        let closing = m.airborne + m.dry_deposited + m.wet_deposited + m.decayed + m.exited;
        let rel = (closing - m.released).abs() / m.released;
        eprintln!("{b:?} {}: {m:?}, imbalance {rel:e}", f.species.name);
        assert!(rel <= 1e-9, "{b:?} {}: imbalance {rel:e}", f.species.name);
    }
}
both_backends!(mass_balance_closes, mass_balance);

// ---- dry deposition under a shallow lid -----------------------------------------------------

/// A well-mixed 10 m layer (a lid below the 30 m deposition layer) loses 1 − e^(−v_d·t/h).
fn shallow_lid_deposition(b: Backend, ctx: Option<&GpuContext>) {
    let (h, v_d, run_s) = (10.0, 0.002, 3_600.0);
    let bl = BoundaryLayer {
        friction_velocity_m_s: 0.3,
        obukhov_length_m: f64::INFINITY,
        mixing_height_m: h,
        roughness_length_m: 0.1,
        stability: StabilityClass::D,
    };
    let column = Column::from_boundary_layer(&bl, 0.0, |_| [0.0; 3]);
    let dep = DepositionParams {
        dry_velocity_m_s: v_d,
        washout_a_per_s: 0.0,
        washout_b: 0.8,
    };
    let plans = lagrangian_support::uniform_column_release_with(h, 100, 200, 1.0, run_s, dep);
    let g = lagrangian_support::grid(1, 1, 1.0e7, -5.0e6, -5.0e6, &[(0.0, 3.0)], &[run_s]);
    let cfg = LagrangianConfig {
        seed: 9,
        ..Default::default()
    };
    let out = run(b, ctx, &plans, &[tracer()], &g, column, &cfg, run_s);
    let m = out.fields.species[0].budget.expect("budget");
    let got = m.dry_deposited / m.released;
    let expected = 1.0 - (-v_d * run_s / h).exp();
    eprintln!("{b:?}: deposited {got:.5}, 1 − e^(−v_d t/h) = {expected:.5}");
    assert!(
        (got / expected - 1.0).abs() < 0.05,
        "{b:?}: {got} vs {expected}"
    );
}
both_backends!(shallow_lid_dry_deposition, shallow_lid_deposition);
