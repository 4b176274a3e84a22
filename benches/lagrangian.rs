//! Particle-steps per second of the Lagrangian model with boundary-layer turbulence and
//! gridding, for 10⁵ and 10⁶ particles, neutral (with and without the meander) and convective,
//! on 1 and 2 threads; a heavy aerosol settled by the ground, with its spent particles stopped
//! and kept; and the scenario-level timings: the FLEXPART benchmark case and a Point
//! Lepreau-style 12 h run.

use std::path::Path;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use plume::field::GridSpec;
use plume::geo::TransverseMercator;
use plume::met::{BoundaryLayer, StabilityClass, UniformMet};
use plume::model::lagrangian::meander::MeanderConfig;
use plume::model::lagrangian::{
    self, Column, DepositionParams, Emission, Flow, LagrangianConfig, SourcePlan,
};
use plume::scenario::{Layer, MetSpec, Scenario};
use plume::substance::{AmountUnit, Species};

fn boundary_layer(convective: bool) -> BoundaryLayer {
    if convective {
        BoundaryLayer {
            friction_velocity_m_s: 0.3,
            obukhov_length_m: -20.0,
            mixing_height_m: 1200.0,
            roughness_length_m: 0.1,
            stability: StabilityClass::B,
        }
    } else {
        BoundaryLayer {
            friction_velocity_m_s: 0.35,
            obukhov_length_m: f64::INFINITY,
            mixing_height_m: 800.0,
            roughness_length_m: 0.1,
            stability: StabilityClass::D,
        }
    }
}

/// `n` particles spread over 100 release heights in the mixed layer, all airborne from t = 0,
/// in a 5 m/s wind over a 200 × 200 × 3 grid of 500 m cells.
fn setup(n: usize, convective: bool) -> (Vec<SourcePlan>, GridSpec, Column) {
    let bl = boundary_layer(convective);
    let h = bl.mixing_height_m;
    let column =
        Column::from_boundary_layer(&bl, 0.0, |z| [bl.wind_speed_m_s(z.max(1.0)), 0.0, 0.0]);
    let em = [Emission {
        species: 0,
        rate_per_s: 1.0,
        decay_per_s: 0.0,
        deposition: DepositionParams::default(),
    }];
    let plans = (0..100)
        .map(|k| {
            let z = (k as f64 + 0.5) / 100.0 * h;
            SourcePlan::new([-40_000.0, 0.0, z], 0.0, 0.0, 600.0, &em, n / 100).expect("one class")
        })
        .collect();
    let grid = GridSpec {
        nx: 200,
        ny: 200,
        x0_m: -49_750.0,
        y0_m: -49_750.0,
        dx_m: 500.0,
        layers: vec![
            Layer {
                bottom_m: 0.0,
                top_m: 3.0,
            },
            Layer {
                bottom_m: 3.0,
                top_m: 50.0,
            },
            Layer {
                bottom_m: 50.0,
                top_m: 200.0,
            },
        ],
        times_s: vec![600.0],
        interval_s: 600.0,
    };
    (plans, grid, column)
}

fn tracer() -> Species {
    Species {
        name: "tracer".into(),
        unit: AmountUnit::Kilogram,
        half_life_s: None,
        molar_mass_kg_mol: None,
    }
}

fn particle_steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("lagrangian_particle_steps");
    group.sample_size(10);
    for n in [100_000usize, 1_000_000] {
        for kind in [
            "neutral",
            "neutral_meander",
            "neutral_meander_exposure",
            "convective_gaussian",
            "convective_skewed",
        ] {
            for threads in [1usize, 2] {
                let (plans, grid, mut column) = setup(n, kind.starts_with("convective"));
                if kind == "convective_gaussian" {
                    // The same layer with Gaussian vertical turbulence: the cost of the skew.
                    column.convective_w3_m3_s3 = 0.0;
                }
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .expect("pool");
                // The meander's cost: one more Philox block and table read per gridded particle;
                // with an exposure tally (averaged over an hour), a second image and grid.
                let meander = if kind.starts_with("neutral_meander") {
                    MeanderConfig {
                        sigma_m_s: 0.5,
                        time_scale_s: 7200.0,
                        averaging_s: 600.0,
                        resolved_s: 0.0,
                        exposure_averaging_s: if kind.ends_with("exposure") {
                            3600.0
                        } else {
                            600.0
                        },
                    }
                } else {
                    MeanderConfig::OFF
                };
                let cfg = LagrangianConfig {
                    meander,
                    ..Default::default()
                };
                let flow = Flow::Column(column);
                let species = [tracer()];
                let once = || {
                    pool.install(|| {
                        lagrangian::simulate(
                            &plans,
                            &species,
                            &grid,
                            &flow,
                            &cfg,
                            600.0,
                            &mut |_| {},
                        )
                    })
                };
                let steps = once().stats.sub_steps;
                group.throughput(Throughput::Elements(steps));
                let name = format!("{kind}_{n}");
                group.bench_function(BenchmarkId::new(name, format!("{threads}_threads")), |b| {
                    b.iter(once)
                });
            }
        }
    }
    group.finish();
}

/// Times a scenario file end to end (without writing outputs) with `particles` particles.
fn time_scenario(path: &str, particles: usize) -> (f64, u64) {
    let scenario =
        Scenario::load(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).expect("scenario loads");
    let MetSpec::Uniform(spec) = &scenario.meteorology else {
        panic!("{path}: the bench scenarios use uniform meteorology");
    };
    let met = UniformMet::from_spec(spec, scenario.domain.centre.lat);
    let tm = TransverseMercator::new(scenario.domain.centre);
    let cfg = LagrangianConfig {
        seed: 42,
        ..Default::default()
    };
    let t = Instant::now();
    let out =
        lagrangian::scenario::run_scenario(&scenario, &met, &tm, particles, &cfg, &mut |_| {})
            .expect("plans");
    (t.elapsed().as_secs_f64(), out.stats.sub_steps)
}

fn scenarios(c: &mut Criterion) {
    let mut group = c.benchmark_group("lagrangian_scenarios");
    group.sample_size(10);
    for (name, path) in [
        (
            "flexpart_benchmark_1e6",
            "scenarios/flexpart_benchmark.toml",
        ),
        ("lepreau_12h_1e6", "scenarios/lepreau_stack_east_wind.toml"),
    ] {
        let (secs, steps) = time_scenario(path, 1_000_000);
        eprintln!(
            "{name}: {secs:.2} s, {steps} particle-steps, {:.3e} steps/s",
            steps as f64 / secs
        );
        group.throughput(Throughput::Elements(steps));
        group.bench_function(name, |b| b.iter(|| time_scenario(path, 1_000_000)));
    }
    group.finish();
}

/// A heavy aerosol by the ground: 50 µm-class dust (v_s = v_d = 0.15 m/s) released at 2 m
/// over half an hour, followed for two hours, 10⁴ particles, neutral; the particles settle into
/// the deposition layer, where the sub-steps are shortest. With the default threshold spent
/// particles stop ([`plume::model::lagrangian::driver::DEFAULT_MIN_SHARE`]); without it they
/// are moved to the end. Throughput is each variant's own sub-steps.
fn settled_dust(c: &mut Criterion) {
    let mut group = c.benchmark_group("lagrangian_settled_dust");
    group.sample_size(10);
    // The neutral column and grid of the other cases.
    let (_, mut grid, column) = setup(100, false);
    let em = [Emission {
        species: 0,
        rate_per_s: 1.0,
        decay_per_s: 0.0,
        deposition: DepositionParams {
            dry_velocity_m_s: 0.15,
            ..DepositionParams::default()
        },
    }];
    let duration_s = 7200.0;
    let plans = [
        SourcePlan::new([-40_000.0, 0.0, 2.0], 0.0, 1800.0, duration_s, &em, 10_000)
            .expect("one class")
            .with_settling(0.15),
    ];
    grid.times_s = vec![3600.0, duration_s];
    grid.interval_s = 3600.0;
    let flow = Flow::Column(column);
    let species = [tracer()];
    for (name, min_share) in [("spent_at_1e-6", 1e-6f32), ("kept_to_the_end", 0.0)] {
        let mut cfg = LagrangianConfig::default();
        cfg.step.min_share = min_share;
        let once = || {
            lagrangian::simulate(
                &plans,
                &species,
                &grid,
                &flow,
                &cfg,
                duration_s,
                &mut |_| {},
            )
        };
        let t = Instant::now();
        let steps = once().stats.sub_steps;
        eprintln!(
            "settled dust, {name}: {steps} particle-steps in {:.2} s",
            t.elapsed().as_secs_f64()
        );
        group.throughput(Throughput::Elements(steps));
        group.bench_function(name, |b| b.iter(once));
    }
    group.finish();
}

criterion_group!(benches, particle_steps, settled_dust, scenarios);
criterion_main!(benches);
