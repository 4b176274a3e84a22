//! The particle model follows horizontal variation of the meteorology: each particle reads the
//! column nearest to it, on the CPU and the GPU alike.

#[cfg(feature = "gpu")]
use crate::support;

use std::path::Path;

#[cfg(feature = "gpu")]
use plume::backend::gpu::lagrangian::{simulate as gpu_simulate, GpuRunOptions};
use plume::field::GridSpec;
use plume::geo::{LatLon, TransverseMercator};
use plume::met::{BoundaryLayer, MetSample, Meteorology, StabilityClass};
use plume::model::lagrangian::scenario::{plan_sources, run_scenario};
#[cfg(feature = "gpu")]
use plume::model::lagrangian::Flow;
use plume::model::lagrangian::{ColumnGrid, LagrangianConfig, Particle};
use plume::scenario::Scenario;

const CENTRE: LatLon = LatLon {
    lat: 45.07,
    lon: -66.75,
};
const SPEED_M_S: f64 = 5.0;

/// A wind towards the east west of x = 0 and towards the north east of it, at every height.
struct SplitWind {
    boundary_layer: BoundaryLayer,
}

impl Meteorology for SplitWind {
    fn sample(&self, x_m: f64, _y_m: f64, _z_m: f64, _t_s: f64) -> MetSample {
        let (u, v) = if x_m < 0.0 {
            (SPEED_M_S, 0.0)
        } else {
            (0.0, SPEED_M_S)
        };
        MetSample {
            wind_u_m_s: u,
            wind_v_m_s: v,
            wind_w_m_s: 0.0,
            boundary_layer: self.boundary_layer,
            precipitation_mm_h: 0.0,
            air_temperature_k: 288.0,
        }
    }

    fn horizontal_scale_m(&self) -> Option<f64> {
        Some(5000.0)
    }
}

fn split_wind() -> SplitWind {
    SplitWind {
        boundary_layer: BoundaryLayer {
            friction_velocity_m_s: 0.3,
            obukhov_length_m: f64::INFINITY,
            mixing_height_m: 800.0,
            roughness_length_m: 0.1,
            stability: StabilityClass::D,
        },
    }
}

const DURATION_S: f64 = 3600.0;

/// A one-minute 10 m release at local (x, y) in a 100 km domain.
fn scenario(x_m: f64, y_m: f64) -> Scenario {
    let at = TransverseMercator::new(CENTRE).inverse(x_m, y_m);
    let text = format!(
        r#"
[scenario]
name = "split wind"
start = "2026-07-14T06:00:00Z"
duration_s = {DURATION_S}
[domain]
centre = {{ lat = {}, lon = {} }}
extent_m = [100000, 100000]
resolution_m = 2000
layers_m = [[0, 3], [3, 50]]
output_interval_s = 1800
[[source]]
location = {{ lat = {}, lon = {} }}
height_m = 10
duration_s = 60
release = [{{ substance = "chlorine", rate_kg_s = 1.0 }}]
[meteorology]
kind = "uniform"
wind_speed_m_s = 5
wind_from_deg = 0
stability = "D"
[model]
kind = "lagrangian"
particles = 5000
seed = 3
"#,
        CENTRE.lat, CENTRE.lon, at.lat, at.lon
    );
    Scenario::parse(&text, Path::new("split_wind.toml")).unwrap()
}

/// Mean position of the airborne particles.
fn centroid(particles: &[Particle]) -> (f64, f64) {
    let airborne: Vec<_> = particles.iter().filter(|p| p.is_airborne()).collect();
    assert!(
        airborne.len() > particles.len() * 9 / 10,
        "most stay airborne"
    );
    let n = airborne.len() as f64;
    let cx = airborne.iter().map(|p| f64::from(p.x_m())).sum::<f64>() / n;
    let cy = airborne.iter().map(|p| f64::from(p.y_m())).sum::<f64>() / n;
    (cx, cy)
}

/// Checks that a release at x0 moved by the expected (dx, dy) within 10 %.
fn check(case: &str, x0_m: f64, (cx, cy): (f64, f64), east: bool) {
    let travel = SPEED_M_S * (DURATION_S - 30.0);
    let (dx, dy) = if east { (travel, 0.0) } else { (0.0, travel) };
    let err = (cx - x0_m - dx).hypot(cy - dy);
    assert!(
        err < 0.1 * travel,
        "{case}: centroid ({cx:.0}, {cy:.0}) from ({x0_m:.0}, 0); expected a move of ({dx:.0}, {dy:.0})"
    );
}

/// Night turning to day at `TURN_S`: class F in a 1 m/s wind, then class D in 8 m/s.
struct TurningWeather;

const TURN_S: f64 = 1800.0;

impl Meteorology for TurningWeather {
    fn sample(&self, _x_m: f64, _y_m: f64, _z_m: f64, t_s: f64) -> MetSample {
        let (speed, stability, l) = if t_s < TURN_S {
            (1.0, StabilityClass::F, 20.0)
        } else {
            (8.0, StabilityClass::D, f64::INFINITY)
        };
        MetSample {
            wind_u_m_s: speed,
            wind_v_m_s: 0.0,
            wind_w_m_s: 0.0,
            boundary_layer: BoundaryLayer {
                friction_velocity_m_s: 0.05 * speed,
                obukhov_length_m: l,
                mixing_height_m: 800.0,
                roughness_length_m: 0.1,
                stability,
            },
            precipitation_mm_h: 0.0,
            air_temperature_k: 288.0,
        }
    }
}

#[test]
fn a_stack_rises_in_the_weather_of_the_moment_each_particle_leaves_it() {
    // A one-hour hot-stack release through a change from night to day: the particles released
    // in the night start at the stable Briggs rise, those of the day at the neutral one (found
    // by review: every particle took the rise of the release start).
    let text = scenario(0.0, 0.0).text.replace(
        "height_m = 10\nduration_s = 60",
        "height_m = 50\nduration_s = 3600\nstack_diameter_m = 3\nexit_velocity_m_s = 15\nexit_temperature_k = 400",
    );
    assert!(text.contains("stack_diameter_m"));
    let s = Scenario::parse(&text, Path::new("turning.toml")).unwrap();
    let tm = TransverseMercator::new(s.domain.centre);
    let plans = plan_sources(&s, &TurningWeather, &tm, 2000).unwrap();
    let rise = |t_s: f64| {
        let m = TurningWeather.sample(0.0, 0.0, 50.0, t_s);
        plume::source::plume_rise::RiseInputs {
            stack: s.sources[0].stack.unwrap(),
            air_temperature_k: m.air_temperature_k,
            wind_m_s: m.wind_speed_m_s(),
            stability: m.boundary_layer.stability,
        }
        .final_rise_m()
    };
    let (night, day) = (rise(0.0), rise(TURN_S));
    assert!((night - day).abs() > 10.0, "{night} vs {day}");
    let plan = &plans[0];
    assert_eq!(plan.release_height_m(100.0), 50.0 + night);
    assert_eq!(plan.release_height_m(TURN_S + 100.0), 50.0 + day);
    // Each particle starts about its risen centre with the rise's own spread, Δh/3.5
    // (buoyancy-induced dispersion): the mean and spread of each group's heights show which
    // rise it took.
    let key = plume::rng::StreamKey { seed: 7, member: 0 };
    let mut groups = [(0.0f64, 0.0f64, 0usize); 2];
    for p in plume::model::lagrangian::release::create_particles(&plans, key) {
        let t = f64::from(p.release_time_s());
        if (t - TURN_S).abs() < 1.0 {
            continue; // the f32 release time may round across the turn
        }
        let g = &mut groups[usize::from(t >= TURN_S)];
        g.0 += f64::from(p.z_m());
        g.1 += f64::from(p.z_m()).powi(2);
        g.2 += 1;
    }
    for ((sum, sum2, n), rise) in groups.into_iter().zip([night, day]) {
        assert!(n > 500, "{n} particles");
        let mean = sum / n as f64;
        let sd = (sum2 / n as f64 - mean * mean).sqrt();
        let spread = rise / 3.5;
        assert!(
            (mean - (50.0 + rise)).abs() < 4.0 * spread / (n as f64).sqrt(),
            "mean {mean} m against {} m",
            50.0 + rise
        );
        assert!(
            (sd / spread - 1.0).abs() < 0.1,
            "spread {sd} m against {spread} m"
        );
    }
}

#[test]
fn particles_follow_the_wind_of_their_own_half_of_the_domain() {
    let met = split_wind();
    let cfg = LagrangianConfig {
        seed: 3,
        ..Default::default()
    };
    // West: 18 km east from −35 km stays in the west half, so the plume goes east.
    // East: from +20 km the plume goes north.
    for (x0, east) in [(-35_000.0, true), (20_000.0, false)] {
        let s = scenario(x0, 0.0);
        let run = run_scenario(
            &s,
            &met,
            &TransverseMercator::new(s.domain.centre),
            5000,
            &cfg,
            &mut |_| {},
        )
        .unwrap();
        check("CPU", x0, centroid(&run.particles), east);
    }
}

#[test]
fn column_grid_spans_the_domain_at_the_met_scale() {
    let met = split_wind();
    let s = scenario(0.0, 0.0);
    let grid = GridSpec::from_scenario(&s);
    let half = 0.5 * grid.dx_m;
    let bounds = [
        grid.x0_m - half,
        grid.x_m(grid.nx - 1) + half,
        grid.y0_m - half,
        grid.y_m(grid.ny - 1) + half,
    ];
    let columns = ColumnGrid::from_met(&met, bounds, 0.0);
    // 100 km at 5 km: 21 columns a side.
    assert_eq!((columns.nx, columns.ny), (21, 21));
    let wind = |x: f32| columns.at(x, 0.0).at(10.0).wind;
    assert_eq!(wind(-30_000.0)[0], SPEED_M_S as f32);
    assert_eq!(wind(30_000.0)[1], SPEED_M_S as f32);
    // Beyond the grid: the edge columns.
    assert_eq!(wind(-1e7)[0], SPEED_M_S as f32);
    assert_eq!(wind(1e7)[1], SPEED_M_S as f32);
}

#[cfg(feature = "gpu")]
#[test]
fn gpu_particles_follow_the_wind_of_their_own_half_of_the_domain() {
    let Some(ctx) = support::gpu_or_skip("gpu split wind") else {
        return;
    };
    let met = split_wind();
    let cfg = LagrangianConfig {
        seed: 3,
        ..Default::default()
    };
    for (x0, east) in [(-35_000.0, true), (20_000.0, false)] {
        let s = scenario(x0, 0.0);
        let tm = TransverseMercator::new(s.domain.centre);
        let plans = plan_sources(&s, &met, &tm, 5000).unwrap();
        let grid = GridSpec::from_scenario(&s);
        let run = gpu_simulate(
            &ctx,
            &plans,
            &s.species,
            &grid,
            &Flow::Met(&met),
            &cfg,
            s.duration_s,
            GpuRunOptions::default(),
            &mut |_| {},
        )
        .unwrap();
        check("GPU", x0, centroid(&run.particles), east);
    }
}

/// Rain over the east half of the domain only, and a wind that turns from west to south-west
/// over the hour while it strengthens: the GPU re-uploads its columns each step and washes out
/// by each column's own rain, as the CPU does (found by review: only the centroid of a split
/// wind was compared on the GPU, never a grid under rain that varies in space and time).
#[cfg(feature = "gpu")]
struct EastRainTurningWind {
    boundary_layer: BoundaryLayer,
}

#[cfg(feature = "gpu")]
impl Meteorology for EastRainTurningWind {
    fn sample(&self, x_m: f64, _y_m: f64, _z_m: f64, t_s: f64) -> MetSample {
        let turn = (t_s / DURATION_S).clamp(0.0, 1.0);
        let speed = 4.0 + 2.0 * turn;
        let towards = turn * std::f64::consts::FRAC_PI_4;
        MetSample {
            wind_u_m_s: speed * towards.cos(),
            wind_v_m_s: speed * towards.sin(),
            wind_w_m_s: 0.0,
            boundary_layer: self.boundary_layer,
            precipitation_mm_h: if x_m > 0.0 { 4.0 } else { 0.0 },
            air_temperature_k: 288.0,
        }
    }

    fn horizontal_scale_m(&self) -> Option<f64> {
        Some(2000.0)
    }
}

#[cfg(feature = "gpu")]
#[test]
fn gpu_grids_match_the_cpu_under_rain_in_half_the_domain_and_a_turning_wind() {
    use plume::model::lagrangian::{DepositionParams, Emission, SourcePlan};
    use support::{nmse_fac2, Backend};
    let Some(ctx) = support::gpu_or_skip("gpu east rain") else {
        return;
    };
    let met = EastRainTurningWind {
        boundary_layer: split_wind().boundary_layer,
    };
    let emissions = [Emission {
        species: 0,
        rate_per_s: 1.0e9,
        decay_per_s: 0.0,
        deposition: DepositionParams {
            dry_velocity_m_s: 0.0,
            washout_a_per_s: 8.0e-5,
            washout_b: 0.8,
        },
    }];
    let plans = [SourcePlan::new(
        [-8000.0, -2000.0, 20.0],
        0.0,
        1800.0,
        DURATION_S,
        &emissions,
        20_000,
    )
    .unwrap()];
    let species = [support::gas("tracer")];
    let grid = support::grid(40, 500.0, &[(0.0, 50.0), (50.0, 400.0)], 900.0, DURATION_S);
    let cfg = LagrangianConfig {
        seed: 41,
        ..Default::default()
    };
    let flow = Flow::Met(&met);
    let run = |backend, ctx| {
        support::run(
            backend, ctx, &plans, &species, &grid, &flow, &cfg, DURATION_S,
        )
    };
    let (cpu, gpu) = (run(Backend::Cpu, None), run(Backend::Gpu, Some(&ctx)));
    let (c, g) = (&cpu.fields.species[0], &gpu.fields.species[0]);
    // Wet deposit only under the rain: none in the dry west half (x < 0, the columns' edge
    // at the 2 km scale allowing one column of overlap).
    for f in [c, g] {
        let dry_west: f64 = (0..grid.nx)
            .filter(|&i| grid.x_m(i) < -2000.0)
            .map(|i| f.wet_deposition.column(i).sum())
            .sum();
        assert_eq!(dry_west, 0.0, "wet deposit where it does not rain");
        assert!(f.wet_deposition.sum() > 0.0, "the plume reaches the rain");
    }
    let grids: [(&str, Vec<f64>, Vec<f64>); 2] = [
        (
            "time-integrated",
            c.time_integrated.iter().cloned().collect(),
            g.time_integrated.iter().cloned().collect(),
        ),
        (
            "wet deposition",
            c.wet_deposition.iter().cloned().collect(),
            g.wet_deposition.iter().cloned().collect(),
        ),
    ];
    for (what, r, m) in grids {
        let (nmse, fac2, n) = nmse_fac2(&r, &m, 0.01);
        eprintln!("east rain {what}: NMSE {nmse:.2e} FAC2 {fac2:.4} over {n} cells");
        assert!(n > 20, "{what}: only {n} cells");
        assert!(
            nmse < 1e-3 && fac2 > 0.99,
            "{what}: NMSE {nmse} FAC2 {fac2}"
        );
    }
    let (bc, bg) = (c.budget.unwrap(), g.budget.unwrap());
    assert_eq!(bg.released, bc.released);
    assert!(bc.wet_deposited > 0.05 * bc.released, "{bc:?}");
    assert!(
        (bg.wet_deposited - bc.wet_deposited).abs() <= 1e-3 * bc.released,
        "wet GPU {} CPU {}",
        bg.wet_deposited,
        bc.wet_deposited
    );
}
