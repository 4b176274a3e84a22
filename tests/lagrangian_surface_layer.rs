//! A near-ground release in the surface layer: the particle model against the diffusion equation.
//!
//! Far from the source (travel time ≫ T_Lw, which near the ground is a fraction of a second)
//! the well-mixed Langevin model tends to the advection–diffusion equation with K = σw²·T_Lw
//! (Rodean 1996; Wilson & Sawford 1996). In the surface layer plume sets T_Lw so that this K is
//! the Monin–Obukhov scalar diffusivity κu*z/φh(z/L), and the wind follows the log-linear profile.
//! The steady crosswind-integrated equation
//!
//! `u(z) ∂C/∂x = ∂/∂z (K(z) ∂C/∂z)`, no flux through the ground, `∫u·C dz = Q`,
//!
//! is solved here independently of the particle code (implicit marching in x on a grid
//! stretched towards the ground) and compared with the particle model's crosswind-integrated
//! concentration in the 1–2 m layer on arcs at 50–800 m from a 0.46 m release — the Prairie
//! Grass geometry, read through the same path as the validation suite.
//!
//! Measured agreement: in neutral air 8 % high at 50 m, where the travel time is only some tens
//! of T_Lw (7 % without the meander that the run's 10-minute means add, which re-draws where
//! the particles on that arc's ±2.5 m band are tallied), and within 2 % on the 100–800 m
//! arcs; in unstable air within 7 % on every arc. What this catches, as
//! measured: Hanna's (1982) surface-layer T_Lw (σw²T_Lw ≈ 0.65u*z in neutral air instead of
//! 0.4u*z) puts the neutral 400–800 m arcs 33–35 % low and the unstable ones 2.4–2.9× high;
//! column levels evenly spaced in z (too little wind below the first level) put the neutral
//! 50 m arc 15 % high.

use plume::evaluate::prairie_grass::{predict, PgRun, SuiteModel};

/// von Kármán's constant of the similarity relations below.
const KARMAN: f64 = 0.4;
const Z0_M: f64 = 0.006;
const SOURCE_HEIGHT_M: f64 = 0.46;
const WIND_2M_M_S: f64 = 6.0;
const ARCS_M: [f64; 5] = [50.0, 100.0, 200.0, 400.0, 800.0];

/// ψm of Paulson (1970) (unstable) and Businger–Dyer (stable) for ζ = z/L.
fn psi_m(zeta: f64) -> f64 {
    if zeta < 0.0 {
        let x = (1.0 - 16.0 * zeta).powf(0.25);
        2.0 * ((1.0 + x) / 2.0).ln() + ((1.0 + x * x) / 2.0).ln() - 2.0 * x.atan()
            + std::f64::consts::FRAC_PI_2
    } else {
        -5.0 * zeta
    }
}

/// φh of Dyer (1974) for ζ = z/L.
fn phi_h(zeta: f64) -> f64 {
    if zeta < 0.0 {
        (1.0 - 16.0 * zeta).powf(-0.5)
    } else {
        1.0 + 5.0 * zeta
    }
}

/// Solves the tridiagonal system a_i x_{i−1} + b_i x_i + c_i x_{i+1} = d_i in place of `d`.
fn tridiagonal(a: &[f64], b: &[f64], c: &[f64], d: &mut [f64]) {
    let n = b.len();
    let mut cp = vec![0.0; n];
    cp[0] = c[0] / b[0];
    d[0] /= b[0];
    for i in 1..n {
        let m = b[i] - a[i] * cp[i - 1];
        cp[i] = c[i] / m;
        d[i] = (d[i] - a[i] * d[i - 1]) / m;
    }
    for i in (0..n - 1).rev() {
        d[i] -= cp[i] * d[i + 1];
    }
}

/// Crosswind-integrated concentration per unit rate (s m⁻²), averaged over 1–2 m, at each of
/// [`ARCS_M`], from the steady diffusion equation with K = κu*z/φh and the log-linear wind; with
/// each, the flux ∫u·C dz through the arc per unit rate (1 when nothing is lost).
fn k_theory(l_m: f64) -> Vec<(f64, f64)> {
    let u_star = KARMAN * WIND_2M_M_S / ((2.0 / Z0_M).ln() - psi_m(2.0 / l_m));
    let wind = |z: f64| {
        let z = z.max(1.01 * Z0_M);
        u_star / KARMAN * ((z / Z0_M).ln() - psi_m(z / l_m))
    };
    // Cell faces at top·(i/n)²: 1.25 mm apart at the ground, 1 m at the 200 m top, which the
    // plume does not reach by 800 m.
    let (n, top_m) = (400usize, 200.0);
    let faces: Vec<f64> = (0..=n)
        .map(|i| top_m * (i as f64 / n as f64).powi(2))
        .collect();
    let dz: Vec<f64> = faces.windows(2).map(|f| f[1] - f[0]).collect();
    let centre: Vec<f64> = faces.windows(2).map(|f| 0.5 * (f[0] + f[1])).collect();
    let u: Vec<f64> = centre.iter().map(|&z| wind(z)).collect();
    // K on interior faces; none through the ground or the top.
    let k: Vec<f64> = faces
        .iter()
        .enumerate()
        .map(|(i, &z)| {
            if i == 0 || i == n {
                0.0
            } else {
                KARMAN * u_star * z / phi_h(z / l_m)
            }
        })
        .collect();
    let mut c = vec![0.0; n];
    let s = faces.partition_point(|&f| f <= SOURCE_HEIGHT_M) - 1;
    c[s] = 1.0 / (u[s] * dz[s]);
    let (mut x, mut out) = (0.0, Vec::new());
    for &arc in &ARCS_M {
        while x < arc {
            let dx = (0.01 * x.max(1.0)).min(arc - x);
            // Backward Euler in x: u·C_new − dx·∂z(K ∂z C_new) = u·C.
            let (mut a, mut b, mut cc) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
            for i in 0..n {
                b[i] = u[i];
                if i > 0 {
                    let g = dx * k[i] / (0.5 * (dz[i] + dz[i - 1])) / dz[i];
                    a[i] = -g;
                    b[i] += g;
                }
                if i + 1 < n {
                    let g = dx * k[i + 1] / (0.5 * (dz[i] + dz[i + 1])) / dz[i];
                    cc[i] = -g;
                    b[i] += g;
                }
            }
            let mut rhs: Vec<f64> = u.iter().zip(&c).map(|(u, c)| u * c).collect();
            tridiagonal(&a, &b, &cc, &mut rhs);
            c = rhs;
            x += dx;
        }
        // The mean over 1–2 m of the piecewise-constant profile.
        let mean: f64 = (0..n)
            .map(|i| {
                let overlap = (faces[i + 1].min(2.0) - faces[i].max(1.0)).max(0.0);
                c[i] * overlap
            })
            .sum();
        let flux: f64 = (0..n).map(|i| u[i] * c[i] * dz[i]).sum();
        out.push((mean, flux));
    }
    out
}

fn particle_cwic(l_m: f64, mixing_height_m: f64) -> Vec<f64> {
    let run = PgRun {
        run: format!("L={l_m}"),
        source_rate_g_s: 100.0,
        source_height_m: SOURCE_HEIGHT_M,
        sampler_height_m: 1.5,
        obukhov_length_m: l_m,
        wind_speed_2m_m_s: WIND_2M_M_S,
        roughness_length_m: Z0_M,
        mixing_height_m: Some(mixing_height_m),
        friction_velocity_m_s: None,
        sigma_theta_deg: None,
        averaging_time_s: 600.0,
    };
    predict(&run, SuiteModel::Lagrangian { particles: 50_000 }, &ARCS_M)
        .unwrap()
        .iter()
        .map(|p| p.cwic_over_q_s_m2)
        .collect()
}

/// Particle and K-theory CWIC/Q agree within `near` at 50 m and within `far` beyond.
fn assert_agree(l_m: f64, mixing_height_m: f64, near: f64, far: f64) {
    let k: Vec<f64> = k_theory(l_m).iter().map(|&(c, _)| c).collect();
    let p = particle_cwic(l_m, mixing_height_m);
    let ratios: Vec<f64> = p.iter().zip(&k).map(|(p, k)| p / k).collect();
    for ((arc, k), (p, r)) in ARCS_M.iter().zip(&k).zip(p.iter().zip(&ratios)) {
        eprintln!("L = {l_m} m, {arc} m: particles {p:.4e}, K-theory {k:.4e}, ratio {r:.3}");
    }
    assert!(
        ratios
            .iter()
            .enumerate()
            .all(|(k, r)| (r - 1.0).abs() < if k == 0 { near } else { far }),
        "L = {l_m} m: particle / K-theory CWIC/Q on the {ARCS_M:?} m arcs = {ratios:.3?}"
    );
}

#[test]
fn surface_release_matches_k_theory_in_neutral_air() {
    // h = 1500 m keeps the plume (≲ 40 m deep at 800 m) inside the surface layer z < 0.1h.
    assert_agree(1.0e6, 1500.0, 0.1, 0.04);
}

#[test]
fn surface_release_matches_k_theory_in_unstable_air() {
    assert_agree(-30.0, 1500.0, 0.12, 0.1);
}

#[test]
fn the_diffusion_solution_conserves_the_flux_and_matches_the_neutral_similarity_slope() {
    // The reference itself: far from the source the ground-level CWIC of a neutral surface
    // plume falls off nearly as 1/x (Lagrangian similarity: z̄ ∝ x/ln x, C ∝ 1/(ū z̄)), so the
    // local slope between 400 and 800 m lies between −1 and −0.75.
    let solution = k_theory(1.0e6);
    for (arc, (_, flux)) in ARCS_M.iter().zip(&solution) {
        assert!((flux - 1.0).abs() < 1e-9, "{arc} m: flux {flux}");
    }
    let c: Vec<f64> = solution.iter().map(|&(c, _)| c).collect();
    let slope = (c[4] / c[3]).ln() / 2f64.ln();
    assert!((-1.0..-0.75).contains(&slope), "slope {slope}");
    assert!(c.windows(2).all(|w| w[1] < w[0]));
}
