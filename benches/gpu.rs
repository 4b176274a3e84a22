//! GPU throughput: Lagrangian particle-steps per second for 10⁶ and 10⁷ particles, and
//! Gaussian plume grid cells per second, on the adapter the GPU backend picks (printed).
//!
//! Particle case: an instantaneous release at 100 m into a convective (Hanna 1982) boundary
//! layer, 600 s in 60 s synchronisation steps with gridding on a 100 × 100 × 2 grid, c = 0.2
//! (Δt = 0.2·T_Lw, 0.1 s ≤ Δt ≤ 60 s). Timed end to end (upload, steps, one read-back of
//! grids and budget at each output); the particles themselves are not read back. The first
//! run warms up the pipelines and is not counted.
//!
//! `PLUME_BENCH_PARTICLES` (comma-separated, default `1000000,10000000`) sets the sizes.
//! On a software adapter (lavapipe) the figures measure correctness plumbing, not a GPU.
//!
//! First, on the CPU and with or without a GPU, what bounds the kernel's lanes: the particles
//! of one 60 s step in this layer need very different numbers of sub-steps (Δt follows T_Lw
//! down to 0.1 s by the ground), and a warp of 32 threads with a particle each runs as long as
//! its slowest. Printed as the share of lane-iterations doing work, for a warp that moves its
//! particles to the end of the step and for the kernel's rounds (a capped number of sub-steps,
//! then the unfinished particles packed into full warps for the next round).

use std::time::Instant;

use plume::backend::gpu::gaussian::steady_grids;
use plume::backend::gpu::lagrangian::{simulate, GpuRunOptions, FIRST_ROUND_SUB_STEPS, LAST_ROUND};
use plume::backend::gpu::GpuContext;
use plume::field::GridSpec;
use plume::geo::{LatLon, TransverseMercator};
use plume::met::{BoundaryLayer, StabilityClass, UniformMet};
use plume::model::gaussian::PlumeGeometry;
use plume::model::lagrangian::advance::{advance_all, ClassLoss, StepInputs};
use plume::model::lagrangian::particle::STATUS_AIRBORNE;
use plume::model::lagrangian::{
    Bounds, Column, ColumnGrid, DepositionParams, Emission, Flow, LagrangianConfig, Particle,
    SourcePlan,
};
use plume::rng::StreamKey;
use plume::scenario::{Layer, SigmaScheme, Terrain};
use plume::source::Source;
use plume::substance::{AmountUnit, Species};

fn boundary_layer() -> BoundaryLayer {
    BoundaryLayer {
        friction_velocity_m_s: 0.35,
        obukhov_length_m: -30.0,
        mixing_height_m: 1200.0,
        roughness_length_m: 0.1,
        stability: StabilityClass::B,
    }
}

/// Sub-steps of 2¹⁶ particles spread evenly through the bench's layer over one 60 s step (on
/// the CPU), and the share of lane-iterations that do work when each of 32 threads in lockstep
/// moves one particle and waits for the slowest.
fn warp_balance() {
    let column =
        Column::from_boundary_layer(&boundary_layer(), 0.0, |z| [4.0 + 0.001 * z, 1.0, 0.0]);
    let key = StreamKey { seed: 1, member: 0 };
    let n = 1u32 << 16;
    let mut particles: Vec<Particle> = (0..n)
        .map(|i| Particle {
            // Heights by the golden-ratio sequence through the layer; ŵ a standard normal.
            pos: [0.0, 0.0, (i as f32 * 0.618_034).fract() * column.lid_m, 0.0],
            vel: [0.0, 0.0, key.normals4(i, 1000, 3)[2]],
            step: 0,
            mass: [1.0, 0.0, 0.0, 0.0],
            id: i,
            source: 0,
            status: STATUS_AIRBORNE,
            reserved: 0,
        })
        .collect();
    let cfg = LagrangianConfig::default();
    let columns = ColumnGrid::single(column);
    let loss = [ClassLoss {
        dry_velocity_m_s: [0.0; 4],
        washout_per_s: [0.0; 4],
        settling_velocity_m_s: 0.0,
    }];
    let inputs = StepInputs {
        columns: &columns,
        config: &cfg.step,
        losses: &loss,
        bounds: &Bounds::unbounded(),
        key,
        loss_cells: None,
        meander: None,
    };
    advance_all(
        &mut particles,
        &vec![60.0; n as usize],
        &inputs,
        &mut |_, _| {},
    );
    let mut steps: Vec<f64> = particles.iter().map(|p| f64::from(p.step)).collect();
    let mean = steps.iter().sum::<f64>() / steps.len() as f64;
    let warp_max = steps
        .chunks(32)
        .map(|w| w.iter().cloned().fold(0.0, f64::max))
        .sum::<f64>()
        / (steps.len() / 32) as f64;
    // The kernel's rounds: round r lets each particle take FIRST_ROUND_SUB_STEPS·2^r more
    // sub-steps (any number from LAST_ROUND on), and the unfinished ones are packed into full
    // warps for the next round.
    let mut left = steps.clone();
    let (mut iterations, mut round) = (0.0, 0);
    while !left.is_empty() {
        let cap = if round >= LAST_ROUND as i32 {
            f64::INFINITY
        } else {
            f64::from(FIRST_ROUND_SUB_STEPS) * 2f64.powi(round)
        };
        iterations += left
            .chunks(32)
            .map(|w| w.iter().cloned().fold(0.0, f64::max).min(cap))
            .sum::<f64>();
        left = left.iter().map(|s| s - cap).filter(|s| *s > 0.0).collect();
        round += 1;
    }
    let in_rounds = steps.iter().sum::<f64>() / (32.0 * iterations);
    steps.sort_by(f64::total_cmp);
    println!(
        "sub-steps per particle in one 60 s step: mean {mean:.1}, median {}, 99th percentile {}, \
         max {}; a 32-wide warp busy {:.1} % moving each particle to the end, {:.1} % in rounds",
        steps[steps.len() / 2],
        steps[steps.len() * 99 / 100],
        steps[steps.len() - 1],
        100.0 * mean / warp_max,
        100.0 * in_rounds
    );
}

fn particle_steps_per_s(ctx: &GpuContext, n: usize) -> (u64, f64) {
    let duration_s = 600.0;
    let column =
        Column::from_boundary_layer(&boundary_layer(), 0.0, |z| [4.0 + 0.001 * z, 1.0, 0.0]);
    let species = [Species {
        name: "tracer".into(),
        unit: AmountUnit::Kilogram,
        half_life_s: None,
        molar_mass_kg_mol: None,
    }];
    let dep = DepositionParams {
        dry_velocity_m_s: 0.0,
        washout_a_per_s: 0.0,
        washout_b: 0.8,
    };
    let emission = Emission {
        species: 0,
        rate_per_s: 1.0,
        decay_per_s: 0.0,
        deposition: dep,
    };
    let plans = [SourcePlan::new([0.0, 0.0, 100.0], 0.0, 0.0, duration_s, &[emission], n).unwrap()];
    let grid = GridSpec {
        nx: 100,
        ny: 100,
        x0_m: -9_900.0,
        y0_m: -9_900.0,
        dx_m: 200.0,
        layers: vec![
            Layer {
                bottom_m: 0.0,
                top_m: 50.0,
            },
            Layer {
                bottom_m: 50.0,
                top_m: 500.0,
            },
        ],
        times_s: vec![300.0, 600.0],
        interval_s: 300.0,
    };
    let cfg = LagrangianConfig {
        seed: 1,
        ..Default::default()
    };
    let flow = Flow::Column(column);
    let start = Instant::now();
    let run = simulate(
        ctx,
        &plans,
        &species,
        &grid,
        &flow,
        &cfg,
        duration_s,
        GpuRunOptions {
            return_particles: false,
            ..Default::default()
        },
        &mut |_| {},
    )
    .expect("GPU particle run");
    (run.stats.sub_steps, start.elapsed().as_secs_f64())
}

fn grid_cells_per_s(ctx: &GpuContext) -> (usize, f64) {
    let tm = TransverseMercator::new(LatLon {
        lat: 45.07,
        lon: -66.75,
    });
    let met = UniformMet {
        wind_speed_m_s: 5.0,
        reference_height_m: 10.0,
        wind_from_deg: 250.0,
        boundary_layer: BoundaryLayer {
            friction_velocity_m_s: 0.35,
            obukhov_length_m: f64::INFINITY,
            mixing_height_m: 800.0,
            roughness_length_m: 0.1,
            stability: StabilityClass::D,
        },
        precipitation_mm_h: 0.0,
        air_temperature_k: 288.15,
        sigma_theta_deg: None,
    };
    let src = Source {
        name: "s".into(),
        location: tm.inverse(-20_000.0, -5_000.0),
        height_m: 40.0,
        start_s: 0.0,
        duration_s: 3600.0,
        releases: vec![],
        stack: None,
        release_temperature_k: None,
        reactor: false,
        aerosol: None,
    };
    let plumes = [PlumeGeometry::new(
        &src,
        &met,
        SigmaScheme::Briggs,
        Terrain::Rural,
        &tm,
    )];
    let n = 1000;
    let start = Instant::now();
    let out =
        steady_grids(ctx, &plumes, n, n, -25_000.0, -25_000.0, 50.0, &[1.5]).expect("GPU grid");
    assert_eq!(out.len(), n * n);
    (n * n, start.elapsed().as_secs_f64())
}

fn main() {
    warp_balance();
    let ctx = match GpuContext::new() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("gpu bench: no GPU ({e}); nothing to measure");
            return;
        }
    };
    println!("adapter: {} [{}]", ctx.adapter, ctx.adapter.driver);
    println!(
        "limits: storage binding {} MiB, buffer {} MiB",
        ctx.limits.max_storage_buffer_binding_size >> 20,
        ctx.limits.max_buffer_size >> 20
    );
    let sizes: Vec<usize> = std::env::var("PLUME_BENCH_PARTICLES")
        .unwrap_or_else(|_| "1000000,10000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    particle_steps_per_s(&ctx, 1000); // warm-up: pipelines, driver caches
    for n in sizes {
        let (steps, secs) = particle_steps_per_s(&ctx, n);
        println!(
            "lagrangian {n:>9} particles: {steps} particle-steps in {secs:.3} s = {:.3e} particle-steps/s",
            steps as f64 / secs
        );
    }
    grid_cells_per_s(&ctx);
    let best = (0..3)
        .map(|_| grid_cells_per_s(&ctx))
        .map(|(c, s)| c as f64 / s)
        .fold(0.0, f64::max);
    println!("gaussian grid 1000 × 1000, 1 plume, 1 height: {best:.3e} cells/s (best of 3, incl. read-back)");
}
