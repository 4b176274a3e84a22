//! Gravitational settling of an aerosol's particles. In the particle model, in homogeneous
//! turbulence the cloud's centre falls at exactly v_s while its spread stays Taylor's, and
//! between a reflecting ground and lid the particles settle into the equilibrium of settling
//! against diffusion, C ∝ e^(−v_s·z/K) with K = σw²·T_L (the diffusion limit, σw·T_L ≪ K/v_s);
//! a scenario's particle size reaches the particles, and they and the Gaussian plume settle and
//! deposit at the settling velocity of the day's air. The puffs of a settling source converge to
//! the tilted Gaussian plume (its own deposit is tested in `gaussian_deposition`).

use std::path::Path;

use crate::lagrangian_support;

use lagrangian_support::*;
use plume::met::turbulence::Turbulence;
use plume::model::lagrangian::scenario::plan_sources;
use plume::model::lagrangian::{Column, LagrangianConfig, SourcePlan};

#[test]
fn a_settling_cloud_falls_at_its_settling_velocity_and_spreads_as_taylor_says() {
    let (sigma_m_s, t_l_s, v_s, t_s) = (0.5, 10.0, 0.3, 1000.0);
    let column = Column::homogeneous(Turbulence::homogeneous(sigma_m_s, t_l_s), [0.0; 3], None);
    // Far above any ground, which the cloud (σz ≈ 70 m) never reaches.
    let z0 = 50_000.0;
    let n = 20_000;
    let cfg = LagrangianConfig {
        seed: 1963,
        model_top_m: 1.0e9,
        ..Default::default()
    };
    let g = grid(1, 1, 1.0e6, -5.0e5, -5.0e5, &[(0.0, 1.0e6)], &[t_s]);
    let plans = [source(
        [0.0, 0.0, z0],
        0.0,
        0.0,
        t_s,
        &[emission(0, 1.0, 0.0, no_deposition())],
        n,
    )
    .with_settling(v_s)];
    let out = run(&plans, &[tracer()], &g, column, &cfg, t_s);
    let z: Vec<f64> = out.particles.iter().map(|p| f64::from(p.pos[2])).collect();
    let mean = z.iter().sum::<f64>() / n as f64;
    let var = z.iter().map(|z| (z - mean).powi(2)).sum::<f64>() / n as f64;
    let taylor = 2.0 * sigma_m_s.powi(2) * t_l_s * (t_s - t_l_s * (1.0 - (-t_s / t_l_s).exp()));
    let fall = z0 - mean;
    eprintln!(
        "fell {fall:.2} m (v_s·t = {} m), σz² {:+.2} % from Taylor's",
        v_s * t_s,
        100.0 * (var / taylor - 1.0)
    );
    // The mean's standard error is σz/√n = 0.5 m; the f32 height's spacing 4 mm.
    assert!((fall - v_s * t_s).abs() < 2.0, "fell {fall} m");
    assert!(
        (var / taylor - 1.0).abs() < 0.03,
        "σz² {var} against {taylor}"
    );
}

/// The equilibrium's share of the particles in each of `layers` equal layers of [0, h], for
/// the scale height `scale_m` = K/v_s.
fn exponential_shares(h: f64, layers: usize, scale_m: f64) -> Vec<f64> {
    let total = 1.0 - (-h / scale_m).exp();
    (0..layers)
        .map(|k| {
            let (a, b) = (
                k as f64 * h / layers as f64,
                (k + 1) as f64 * h / layers as f64,
            );
            ((-a / scale_m).exp() - (-b / scale_m).exp()) / total
        })
        .collect()
}

/// Per-layer counts of the particles' heights in `layers` layers of [0, h].
fn counts(plans: &[SourcePlan], column: Column, h: f64, layers: usize, t_s: f64) -> Vec<f64> {
    let cfg = LagrangianConfig {
        seed: 1999,
        ..Default::default()
    };
    let g = grid(1, 1, 1.0e7, -5.0e6, -5.0e6, &[(0.0, h)], &[t_s]);
    let out = run(plans, &[tracer()], &g, column, &cfg, t_s);
    let mut c = vec![0.0; layers];
    for p in &out.particles {
        let k = (f64::from(p.pos[2]) / h * layers as f64) as usize;
        c[k.min(layers - 1)] += 1.0;
    }
    c
}

#[test]
fn settling_particles_reach_the_exponential_equilibrium_between_ground_and_lid() {
    // K = σ²T_L = 0.25 m²/s and v_s = 0.025 m/s: a scale height of 10 m, 20 × σT_L, in a
    // 50 m layer. The slowest mode relaxes at v_s²/4K + π²K/h² = 1.6·10⁻³ s⁻¹: 4000 s is
    // 6.5 e-foldings from the uniform start.
    let (sigma_m_s, t_l_s, v_s, h, t_s) = (0.5, 1.0, 0.025, 50.0, 4000.0);
    let column = Column::homogeneous(Turbulence::homogeneous(sigma_m_s, t_l_s), [0.0; 3], Some(h));
    let plans: Vec<SourcePlan> = uniform_column_release(h, 1000, 20, t_s)
        .into_iter()
        .map(|p| p.with_settling(v_s))
        .collect();
    let layers = 20;
    let c = counts(&plans, column, h, layers, t_s);
    let n: f64 = c.iter().sum();
    assert_eq!(n, 20_000.0, "no particle may leave the column");
    let scale_m = sigma_m_s * sigma_m_s * t_l_s / v_s;
    let expected: Vec<f64> = exponential_shares(h, layers, scale_m)
        .iter()
        .map(|s| s * n)
        .collect();
    let chi2: f64 = c
        .iter()
        .zip(&expected)
        .map(|(o, e)| (o - e).powi(2) / e)
        .sum();
    // The mean height of the truncated exponential, H − h/(e^(h/H) − 1) = 9.66 m.
    let mean_expected = scale_m - h / ((h / scale_m).exp() - 1.0);
    let mean = c
        .iter()
        .enumerate()
        .map(|(k, c)| c * (k as f64 + 0.5) * h / layers as f64)
        .sum::<f64>()
        / n;
    let mean_binned: f64 = expected
        .iter()
        .enumerate()
        .map(|(k, e)| e * (k as f64 + 0.5) * h / layers as f64)
        .sum::<f64>()
        / n;
    eprintln!(
        "counts {c:?}\nexpected {expected:.0?}\nχ² = {chi2:.1}, mean height {mean:.3} m \
         (binned {mean_binned:.3}, exact {mean_expected:.3})"
    );
    // χ² with 19 degrees of freedom exceeds 36.19 with probability 0.01. The mean height's
    // standard error is ~0.07 m; without settling it would be 25 m.
    assert!(chi2 < 36.19, "χ² = {chi2}");
    assert!(
        (mean / mean_binned - 1.0).abs() < 0.025,
        "mean height {mean} m"
    );
    // The lowest layer holds e^(−1/4)… of its share: 22 % of all particles.
    assert!(
        (c[0] / expected[0] - 1.0).abs() < 0.05,
        "{} against {}",
        c[0],
        expected[0]
    );
}

/// A dust source (50 µm, soil density) and an iodine-vapour source at the same place.
const DUST_AND_VAPOUR: &str = r#"
[scenario]
name = "settling"
start = "2026-07-14T12:00:00Z"
duration_s = 3600
[domain]
centre = { lat = 45.0, lon = -66.5 }
extent_m = [4000, 4000]
resolution_m = 100
layers_m = [[0, 2]]
output_interval_s = 3600
[[source]]
name = "dust"
location = { lat = 45.0, lon = -66.5 }
height_m = 10
release = [{ nuclide = "Cs-137", rate_bq_s = 1e9 }]
particle_diameter_m = 5e-5
particle_density_kg_m3 = 2600
[[source]]
name = "vapour"
location = { lat = 45.0, lon = -66.5 }
height_m = 10
release = [{ nuclide = "I-131 elemental", rate_bq_s = 1e9 }]
[meteorology]
kind = "uniform"
wind_speed_m_s = 5.0
wind_from_deg = 270
stability = "D"
[model]
kind = "lagrangian"
particles = 1000
"#;

#[test]
fn a_scenarios_particle_size_sets_its_particles_settling() {
    let text = DUST_AND_VAPOUR;
    let s = plume::scenario::Scenario::parse(text, Path::new("settling.toml")).unwrap();
    let tm = plume::geo::TransverseMercator::new(s.domain.centre);
    let (met, _) = plume::met::load::load(&s, &tm).unwrap();
    let plans = plan_sources(&s, met.as_ref(), &tm, 1000).unwrap();
    let v_s = s.sources[0].aerosol.unwrap().settling_velocity_m_s();
    // 50 µm of soil density: Stokes's 0.20 m/s slowed by the drag of Re ≈ 0.6 to ~0.18 m/s.
    assert!((0.16..0.20).contains(&v_s), "{v_s}");
    assert_eq!(plans[0].settling_velocity_m_s, v_s);
    assert_eq!(plans[1].settling_velocity_m_s, 0.0);
    // The particles' dry deposition takes settling as well as the class's uptake (1 mm/s).
    assert!((plans[0].classes[0].dry_velocity_m_s - (0.001 + v_s)).abs() < 1e-12);
    // They settle in the air of the day: air at −30 °C is less viscous (Sutherland), and the
    // same dust falls faster than in the standard 15 °C air, at +35 °C slower — by nearly the
    // ratio of the viscosities (Stokes's law), a little less since the drag of Re ≈ 0.6 grows
    // with the speed.
    let v_in = |air_k: f64| {
        let text = text.replace(
            "stability = \"D\"",
            &format!("stability = \"D\"\nair_temperature_k = {air_k}"),
        );
        let s = plume::scenario::Scenario::parse(&text, Path::new("settling.toml")).unwrap();
        let (met, _) = plume::met::load::load(&s, &tm).unwrap();
        let plan = &plan_sources(&s, met.as_ref(), &tm, 1000).unwrap()[0];
        // Deposited at the same settling velocity they fall at.
        let v = plan.settling_velocity_m_s;
        assert!((plan.classes[0].dry_velocity_m_s - (0.001 + v)).abs() < 1e-12);
        v
    };
    let mu = plume::source::aerosol::air_viscosity_pa_s;
    for air_k in [243.15, 308.15] {
        let ratio = v_in(air_k) / v_s;
        let stokes = mu(288.15) / mu(air_k);
        eprintln!("{air_k} K: v_s × {ratio:.4}, Stokes × {stokes:.4}");
        let between = if stokes > 1.0 {
            1.0 < ratio && ratio < stokes
        } else {
            stokes < ratio && ratio < 1.0
        };
        assert!(
            between && (ratio - 1.0) / (stokes - 1.0) > 0.7,
            "{air_k} K: v_s × {ratio}, Stokes × {stokes}"
        );
    }
}

#[test]
fn the_puffs_of_settling_particles_converge_to_the_tilted_plume() {
    // 30 µm droplets from 40 m settle at 2.7 cm/s: in the 5 m/s wind the axis reaches the
    // ground 7.4 km downwind, inside the compared stretch (1.5 to 18 km).
    let s = crate::weather_puff::scenario(
        "[[0, 3], [3, 50], [50, 200]]",
        r#"{ nuclide = "Cs-137", rate_bq_s = 1.0e9 }"#,
        10_800.0,
        1800.0,
        "particle_diameter_m = 3e-5\nparticle_density_kg_m3 = 1000",
    );
    let v_s = s.sources[0].aerosol.unwrap().settling_velocity_m_s();
    assert!((0.025..0.03).contains(&v_s), "{v_s}");
    // A puff moves in the wind at its own height, which falls as it settles (at 10 m it is
    // 0.8 of the 40 m wind, and the air 1.25 × as concentrated), where the steady plume keeps
    // the wind at its release height: held at that height, the puffs must match the plume.
    let mut setup = crate::weather_puff::steady_setup();
    setup.transport_height_floor_m = 40.0;
    let (compared, worst, out) = crate::weather_puff::puffs_against_plume_with(&s, &setup);
    eprintln!("compared {compared} cells, worst relative difference {worst:.4}");
    assert!(compared > 2000, "only {compared} cells compared");
    assert!(worst < 0.05, "worst relative difference {worst}");
    let b = out.fields.species[0].budget.unwrap();
    assert!(b.relative_imbalance().abs() < 1e-9, "{b:?}");
    assert!(b.dry_deposited > 0.2 * b.released, "{b:?}");
}

/// The lid turns back turbulent excursions, not a fall: particles released above a 100 m lid
/// settle through it, on either backend; without settling they stay above it.
#[test]
fn settling_particles_fall_through_the_lid_to_the_ground() {
    let (h, v_s, t_s) = (100.0, 0.5, 1200.0);
    let column = Column::homogeneous(Turbulence::homogeneous(0.1, 1.0), [0.0; 3], Some(h));
    // Two intervals: by the second the settling particles (100 m below their 200 m start
    // after 200 s) are all under the lid.
    let g = grid(
        1,
        1,
        1.0e6,
        -5.0e5,
        -5.0e5,
        &[(0.0, h), (h, 1000.0)],
        &[0.5 * t_s, t_s],
    );
    let plans = |v: f64| {
        [source(
            [0.0, 0.0, 200.0],
            0.0,
            1.0,
            t_s,
            &[emission(0, 1.0, 0.0, no_deposition())],
            2000,
        )
        .with_settling(v)]
    };
    let cfg = LagrangianConfig {
        seed: 7,
        ..Default::default()
    };
    // Air below and above the lid over the second interval (kg m⁻³ in the one cell).
    let layers = |run: &plume::model::lagrangian::LagrangianRun| {
        let c = &run.fields.species[0].concentration;
        (c[[1, 0, 0, 0]], c[[1, 1, 0, 0]])
    };
    let settled = run(&plans(v_s), &[tracer()], &g, column.clone(), &cfg, t_s);
    let (below, above) = layers(&settled);
    assert!(below > 0.0 && above == 0.0, "below {below}, above {above}");
    assert!(settled.particles.iter().all(|p| p.pos[2] < h as f32));
    let floating = run(&plans(0.0), &[tracer()], &g, column.clone(), &cfg, t_s);
    let (below, above) = layers(&floating);
    assert!(below == 0.0 && above > 0.0, "below {below}, above {above}");
    #[cfg(feature = "gpu")]
    if let Some(ctx) = crate::support::gpu_or_skip("settling_particles_fall_through_the_lid") {
        let flow = plume::model::lagrangian::Flow::Column(column);
        let gpu = crate::support::run(
            crate::support::Backend::Gpu,
            Some(&ctx),
            &plans(v_s),
            &[tracer()],
            &g,
            &flow,
            &cfg,
            t_s,
        );
        let (below, above) = layers(&gpu);
        assert!(
            below > 0.0 && above == 0.0,
            "GPU: below {below}, above {above}"
        );
    }
}

/// A heavy particle falls at most its height, or the deposition layer's depth, in one step:
/// 1 mm-class drops (2 m/s) in long-lived, weak turbulence (60 s steps) land and stay in the
/// 2 m deposition layer instead of bouncing off the ground up to a step's fall (120 m).
#[test]
fn heavy_particles_land_rather_than_bounce_off_the_ground() {
    let column = Column::homogeneous(Turbulence::homogeneous(0.01, 300.0), [0.0; 3], None);
    let t_s = 1000.0;
    let g = grid(1, 1, 1.0e6, -5.0e5, -5.0e5, &[(0.0, 1000.0)], &[t_s]);
    let plans = [source(
        [0.0, 0.0, 500.0],
        0.0,
        1.0,
        t_s,
        &[emission(0, 1.0, 0.0, no_deposition())],
        500,
    )
    .with_settling(2.0)];
    let cfg = LagrangianConfig {
        seed: 11,
        ..Default::default()
    };
    let out = run(&plans, &[tracer()], &g, column, &cfg, t_s);
    let highest = out
        .particles
        .iter()
        .map(|p| p.pos[2])
        .fold(0.0f32, f32::max);
    assert!(highest < 2.5, "a particle is {highest} m up after landing");
}

/// Through the lid from above the particles pass at the settling flux v_s·C, however strong the
/// turbulence above it: 2·10⁴ particles spread evenly over 1 km above a 100 m lid (20 per
/// metre), settling at 5 cm/s in σw = 0.5 m/s, put v_s·t·20 = 200 below it in 200 s
/// (mirroring the whole move at the lid let about half of them through).
#[test]
fn settling_particles_cross_the_lid_at_the_settling_flux() {
    let (h, v_s, t_s) = (100.0, 0.05, 200.0);
    let column = Column::homogeneous(Turbulence::homogeneous(0.5, 1.0), [0.0; 3], Some(h));
    let g = grid(1, 1, 1.0e6, -5.0e5, -5.0e5, &[(0.0, 2000.0)], &[t_s]);
    let plans: Vec<SourcePlan> = (0..1000)
        .map(|k| {
            source(
                [0.0, 0.0, h + (k as f64 + 0.5)],
                0.0,
                1.0,
                t_s,
                &[emission(0, 1.0, 0.0, no_deposition())],
                20,
            )
            .with_settling(v_s)
        })
        .collect();
    let cfg = LagrangianConfig {
        seed: 2000,
        ..Default::default()
    };
    let out = run(&plans, &[tracer()], &g, column, &cfg, t_s);
    let below = out.particles.iter().filter(|p| p.pos[2] < h as f32).count() as f64;
    let expected = v_s * t_s * 20.0;
    eprintln!("{below} particles below the lid, {expected} expected");
    // Poisson noise √200 ≈ 14.
    assert!(
        (below / expected - 1.0).abs() < 0.2,
        "{below} below, {expected} expected"
    );
}

/// The Gaussian plume settles and deposits its particles at the settling velocity of the air of
/// the day (the weather's temperature), as the particle model does: its axis tilts at that v_s
/// and its deposition velocity is that v_s plus the uptake.
#[test]
fn the_gaussian_plume_settles_and_deposits_in_the_air_of_the_day() {
    use plume::model::gaussian::{removals, PlumeGeometry};
    let mut speeds = vec![];
    for air_k in [243.15, 288.15, 308.15] {
        let text = DUST_AND_VAPOUR.replace(
            "stability = \"D\"",
            &format!("stability = \"D\"\nair_temperature_k = {air_k}"),
        );
        let s = plume::scenario::Scenario::parse(&text, Path::new("settling.toml")).unwrap();
        let tm = plume::geo::TransverseMercator::new(s.domain.centre);
        let plume::scenario::MetSpec::Uniform(spec) = &s.meteorology else {
            panic!("uniform weather");
        };
        let met = plume::met::UniformMet::from_spec(spec, s.domain.centre.lat);
        let dust = &s.sources[0];
        let v_s = dust.aerosol.unwrap().settling_velocity_in_m_s(air_k);
        speeds.push(v_s);
        let p = PlumeGeometry::new(dust, &met, Default::default(), Default::default(), &tm);
        assert_eq!(p.settling_velocity_m_s, v_s, "{air_k} K");
        let grid = plume::field::GridSpec::from_scenario(&s);
        let removal = removals(&[p], &s.sources[..1], &met, &grid)[0][0]
            .clone()
            .expect("the dust deposits");
        // Cs-137's particulate uptake, 1 mm/s, plus the day's settling.
        assert!(
            (removal.dry_velocity_m_s - (0.001 + v_s)).abs() < 1e-12,
            "{air_k} K: v_d {} against v_s {v_s}",
            removal.dry_velocity_m_s
        );
    }
    // The days differ: the cold day's dust falls fastest.
    assert!(speeds[0] > speeds[1] && speeds[1] > speeds[2], "{speeds:?}");
}
