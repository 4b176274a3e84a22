//! Whole particle runs on the GPU against the CPU backend: the same grids (NMSE < 10⁻³ and
//! FAC2 > 0.99 over cells above 1 % of the maximum), the same released total to the last
//! fixed-point unit and a GPU budget that closes exactly — for a neutral and a convective
//! boundary layer, and a stable one tallied with the wind's meander (with and without a second
//! tally for the exposures), with decay and dry and wet deposition switched on.
#![cfg(feature = "gpu")]

use crate::support;

use plume::backend::gpu::lagrangian::{
    simulate as gpu_simulate, GpuRunOptions, FIRST_ROUND_SUB_STEPS,
};
use plume::backend::gpu::GpuError;
use plume::field::Fields;
use plume::met::boundary_layer::{friction_velocity_from_wind, BoundaryLayer, StabilityClass};
use plume::model::lagrangian::meander::MeanderConfig;
use plume::model::lagrangian::{
    Column, DepositionParams, Emission, Flow, LagrangianConfig, SourcePlan,
};
use plume::substance::{AmountUnit, Species};
use support::{nmse_fac2, Backend};

fn boundary_layer(class: StabilityClass, h_m: f64) -> BoundaryLayer {
    let z0 = 0.1;
    let inv = class.inverse_obukhov_length_per_m(z0);
    let l = if inv == 0.0 { f64::INFINITY } else { 1.0 / inv };
    BoundaryLayer {
        friction_velocity_m_s: friction_velocity_from_wind(5.0, 10.0, z0, l),
        obukhov_length_m: l,
        mixing_height_m: h_m,
        roughness_length_m: z0,
        stability: class,
    }
}

fn compare(case: &str, class: StabilityClass, mixing_height_m: f64, meander: MeanderConfig) {
    let Some(ctx) = support::gpu_or_skip(case) else {
        return;
    };
    let bl = boundary_layer(class, mixing_height_m);
    let column = Column::from_boundary_layer(&bl, 1.5, |z| [4.0 + 0.001 * z, 1.5, 0.0]);
    let species = vec![
        Species {
            name: "I-131".into(),
            unit: AmountUnit::Becquerel,
            half_life_s: Some(8.02 * 86_400.0),
            molar_mass_kg_mol: None,
        },
        Species {
            name: "short".into(),
            unit: AmountUnit::Becquerel,
            half_life_s: Some(1800.0),
            molar_mass_kg_mol: None,
        },
        support::gas("SF6"),
    ];
    let dep = |vd: f64, a: f64| DepositionParams {
        dry_velocity_m_s: vd,
        washout_a_per_s: a,
        washout_b: 0.8,
    };
    let emissions = [
        Emission {
            species: 0,
            rate_per_s: 1.0e10,
            decay_per_s: species[0].decay_constant_per_s(),
            deposition: dep(0.01, 1e-4),
        },
        Emission {
            species: 1,
            rate_per_s: 3.0e9,
            decay_per_s: species[1].decay_constant_per_s(),
            deposition: dep(0.0, 0.0),
        },
        Emission {
            species: 2,
            rate_per_s: 0.5,
            decay_per_s: 0.0,
            deposition: dep(0.002, 0.0),
        },
    ];
    let duration_s = 3600.0;
    let plans = vec![
        SourcePlan::new(
            [-3000.0, -500.0, 30.0],
            0.0,
            2400.0,
            duration_s,
            &emissions,
            30_000,
        )
        .unwrap(),
        SourcePlan::new(
            [-1000.0, 1500.0, 2.0],
            600.0,
            1800.0,
            duration_s,
            &emissions[2..],
            10_000,
        )
        .unwrap()
        // An aerosol of ~25 µm that settles at 2 cm/s.
        .with_settling(0.02),
    ];
    let grid = support::grid(40, 250.0, &[(0.0, 50.0), (50.0, 300.0)], 900.0, duration_s);
    let cfg = LagrangianConfig {
        seed: 2026,
        meander,
        ..LagrangianConfig::default()
    };
    let flow = Flow::Column(column);
    let cpu = support::run(
        Backend::Cpu,
        None,
        &plans,
        &species,
        &grid,
        &flow,
        &cfg,
        duration_s,
    );
    let gpu = support::run(
        Backend::Gpu,
        Some(&ctx),
        &plans,
        &species,
        &grid,
        &flow,
        &cfg,
        duration_s,
    );
    assert_eq!(gpu.stats.particles, cpu.stats.particles);
    assert!(
        gpu.stats.exited > 0,
        "{case}: the domain edge should be reached"
    );
    let rel_steps = (gpu.stats.sub_steps as f64 - cpu.stats.sub_steps as f64).abs()
        / cpu.stats.sub_steps as f64;
    // The GPU's f32 arithmetic is not bit-identical (fused multiply-adds, its square root), and
    // one rounding difference in a step length shifts a particle onto another random stream;
    // so the sub-step count agrees statistically: different CPU seeds spread it by up to 1 %.
    assert!(
        rel_steps < 1e-2,
        "{case}: sub-steps GPU {} CPU {}",
        gpu.stats.sub_steps,
        cpu.stats.sub_steps
    );
    for s in 0..species.len() {
        check_species(case, s, &cpu.fields, &gpu.fields);
    }
}

fn check_species(case: &str, s: usize, cpu: &Fields, gpu: &Fields) {
    let (c, g) = (&cpu.species[s], &gpu.species[s]);
    let name = &c.species.name;
    let (cb, gb) = (
        c.deposition_by_interval.as_ref().unwrap(),
        g.deposition_by_interval.as_ref().unwrap(),
    );
    assert_eq!(
        c.exposure_concentration.is_some(),
        g.exposure_concentration.is_some(),
        "{case} {name}: one backend kept an exposure tally, the other not"
    );
    let grids: [(&str, Vec<f64>, Vec<f64>); 7] = [
        (
            "concentration",
            c.concentration.iter().cloned().collect(),
            g.concentration.iter().cloned().collect(),
        ),
        (
            "exposure series",
            c.exposure_series().iter().cloned().collect(),
            g.exposure_series().iter().cloned().collect(),
        ),
        (
            "time-integrated",
            c.time_integrated.iter().cloned().collect(),
            g.time_integrated.iter().cloned().collect(),
        ),
        (
            "dry deposition",
            c.dry_deposition.iter().cloned().collect(),
            g.dry_deposition.iter().cloned().collect(),
        ),
        (
            "wet deposition",
            c.wet_deposition.iter().cloned().collect(),
            g.wet_deposition.iter().cloned().collect(),
        ),
        (
            "dry deposition by interval",
            cb.dry.iter().cloned().collect(),
            gb.dry.iter().cloned().collect(),
        ),
        (
            "wet deposition by interval",
            cb.wet.iter().cloned().collect(),
            gb.wet.iter().cloned().collect(),
        ),
    ];
    for (what, r, m) in grids {
        if r.iter().all(|v| *v == 0.0) {
            assert!(
                m.iter().all(|v| *v == 0.0),
                "{case} {name} {what}: GPU has values where the CPU has none"
            );
            continue;
        }
        let (nmse, fac2, n) = nmse_fac2(&r, &m, 0.01);
        eprintln!("{case} {name} {what}: NMSE {nmse:.2e} FAC2 {fac2:.4} over {n} cells");
        assert!(n > 20, "{case} {name} {what}: only {n} cells");
        // Measured on lavapipe: NMSE ≤ 5·10⁻⁵ (convective deposits by interval), ≤ 2·10⁻⁹
        // in neutral and stable air, FAC2 1.0000 on every grid; on an H200 (session 16) the
        // time-integrated concentration of whole scenarios came within NMSE 3·10⁻⁵: the
        // particles one rounding moves onto another random stream. These cases have not run
        // on a hardware GPU at this bound (scripts/gpu_device_run.sh would).
        assert!(
            nmse < 1e-3 && fac2 > 0.99,
            "{case} {name} {what}: NMSE {nmse} FAC2 {fac2}"
        );
    }
    let (bc, bg) = (c.budget.unwrap(), g.budget.unwrap());
    // Both backends book a particle's release as the same integer: the totals are equal.
    assert_eq!(bg.released, bc.released, "{case} {name}: released");
    let closing = bg.airborne + bg.dry_deposited + bg.wet_deposited + bg.decayed + bg.exited;
    assert!(
        (closing - bg.released).abs() <= 1e-12 * bg.released,
        "{case} {name}: GPU budget {bg:?}"
    );
    // Each term as on the CPU, up to f32 rounding of each particle's share.
    for (term, a, b) in [
        ("airborne", bg.airborne, bc.airborne),
        ("dry", bg.dry_deposited, bc.dry_deposited),
        ("wet", bg.wet_deposited, bc.wet_deposited),
        ("decayed", bg.decayed, bc.decayed),
        ("exited", bg.exited, bc.exited),
    ] {
        assert!(
            (a - b).abs() <= 1e-3 * bc.released,
            "{case} {name} {term}: GPU {a} CPU {b}"
        );
    }
}

/// A tracer released from (0, 0, `z_m`) by `n` particles over [0, `duration_s`] of a run of
/// `run_s`, depositing at `dry_velocity_m_s` and washed out at `washout_a_per_s`.
fn tracer_source(
    z_m: f64,
    duration_s: f64,
    run_s: f64,
    n: usize,
    dry_velocity_m_s: f64,
    washout_a_per_s: f64,
) -> SourcePlan {
    let deposition = DepositionParams {
        dry_velocity_m_s,
        washout_a_per_s,
        washout_b: 0.8,
    };
    let e = [Emission {
        species: 0,
        rate_per_s: 1.0,
        decay_per_s: 0.0,
        deposition,
    }];
    SourcePlan::new([0.0, 0.0, z_m], 0.0, duration_s, run_s, &e, n).unwrap()
}

#[test]
fn neutral_run_on_the_gpu_matches_the_cpu() {
    compare("neutral", StabilityClass::D, 800.0, MeanderConfig::OFF);
}

#[test]
fn convective_run_on_the_gpu_matches_the_cpu() {
    compare("convective", StabilityClass::B, 1500.0, MeanderConfig::OFF);
}

#[test]
fn a_meandering_stable_run_on_the_gpu_matches_the_cpu() {
    // Exposure and deposits tallied at the particles' meander images (NAME's σ_m and τ over
    // the 15-minute intervals), some of them beyond the grid's edge.
    let meander = MeanderConfig {
        sigma_m_s: 0.5,
        time_scale_s: 7200.0,
        averaging_s: 900.0,
        resolved_s: 0.0,
        exposure_averaging_s: 900.0,
    };
    compare("stable, meandering", StabilityClass::F, 200.0, meander);
}

#[test]
fn a_meandering_run_with_an_exposure_tally_on_the_gpu_matches_the_cpu() {
    // The exposures averaged over the 40-minute release, the interval maps over 15 minutes:
    // every airborne particle is gridded twice and deposits at the second images.
    let meander = MeanderConfig {
        sigma_m_s: 0.5,
        time_scale_s: 7200.0,
        averaging_s: 900.0,
        resolved_s: 0.0,
        exposure_averaging_s: 2400.0,
    };
    compare("stable, exposure tally", StabilityClass::F, 200.0, meander);
    // A σθ over the interval: the maps have no meander to add (particles gridded where they
    // are), the exposures the swings from the interval to the release.
    let held = MeanderConfig {
        resolved_s: 900.0,
        ..meander
    };
    compare(
        "stable, exposure tally alone",
        StabilityClass::F,
        200.0,
        held,
    );
}

#[test]
fn results_do_not_depend_on_bindings_or_on_the_rounds_of_a_step() {
    let Some(ctx) =
        support::gpu_or_skip("results_do_not_depend_on_bindings_or_on_the_rounds_of_a_step")
    else {
        return;
    };
    let bl = boundary_layer(StabilityClass::C, 1000.0);
    let flow = Flow::Column(Column::from_boundary_layer(&bl, 0.0, |_| [3.0, 0.5, 0.0]));
    let species = [support::gas("tracer")];
    let plans = [tracer_source(10.0, 1200.0, 1800.0, 5_000, 0.005, 0.0)];
    let grid = support::grid(30, 200.0, &[(0.0, 100.0)], 900.0, 1800.0);
    let cfg = LagrangianConfig {
        seed: 3,
        ..LagrangianConfig::default()
    };
    let run = |cap: Option<usize>, first_round_sub_steps: u32| {
        let opts = GpuRunOptions {
            return_particles: true,
            max_particles_per_binding: cap,
            first_round_sub_steps,
        };
        gpu_simulate(
            &ctx,
            &plans,
            &species,
            &grid,
            &flow,
            &cfg,
            1800.0,
            opts,
            &mut |_| {},
        )
        .expect("GPU run")
    };
    let whole = run(None, FIRST_ROUND_SUB_STEPS);
    // 5 000 particles in bindings of 1 024: five buffers, the last one partly released; then
    // one sub-step in round 0 (so that most particles go through several rounds, and those with
    // over 255 sub-steps through all), and every particle done in round 0.
    for (cap, first) in [
        (Some(1024), FIRST_ROUND_SUB_STEPS),
        (None, 1),
        (None, 1 << 20),
    ] {
        let other = run(cap, first);
        let case = format!("{cap:?} per binding, {first} sub-steps in round 0");
        assert_eq!(whole.particles, other.particles, "{case}");
        let (a, b) = (&whole.fields.species[0], &other.fields.species[0]);
        assert_eq!(a.concentration, b.concentration, "{case}");
        assert_eq!(a.time_integrated, b.time_integrated, "{case}");
        assert_eq!(a.dry_deposition, b.dry_deposition, "{case}");
        assert_eq!(a.deposition_by_interval, b.deposition_by_interval, "{case}");
        assert_eq!(a.budget, b.budget, "{case}");
        assert_eq!(whole.stats, other.stats, "{case}");
    }
}

#[test]
fn gpu_runs_are_bit_identical_for_a_seed_and_differ_between_seeds() {
    let Some(ctx) =
        support::gpu_or_skip("gpu_runs_are_bit_identical_for_a_seed_and_differ_between_seeds")
    else {
        return;
    };
    let bl = boundary_layer(StabilityClass::B, 1200.0);
    let flow = Flow::Column(Column::from_boundary_layer(&bl, 1.0, |_| [2.0, 2.0, 0.0]));
    let species = [support::gas("tracer")];
    let plans = [tracer_source(5.0, 900.0, 1800.0, 20_000, 0.01, 1e-4)];
    let grid = support::grid(20, 300.0, &[(0.0, 30.0), (30.0, 500.0)], 900.0, 1800.0);
    let run = |seed: u64| {
        let cfg = LagrangianConfig {
            seed,
            ..LagrangianConfig::default()
        };
        support::run(
            Backend::Gpu,
            Some(&ctx),
            &plans,
            &species,
            &grid,
            &flow,
            &cfg,
            1800.0,
        )
    };
    let (a, b, c) = (run(11), run(11), run(12));
    // Integer sums do not depend on the order in which threads add them.
    assert_eq!(a.particles, b.particles);
    assert_eq!(
        a.fields.species[0].concentration,
        b.fields.species[0].concentration
    );
    assert_eq!(
        a.fields.species[0].dry_deposition,
        b.fields.species[0].dry_deposition
    );
    assert_eq!(
        a.fields.species[0].wet_deposition,
        b.fields.species[0].wet_deposition
    );
    assert_eq!(a.fields.species[0].budget, b.fields.species[0].budget);
    assert_ne!(
        a.fields.species[0].concentration,
        c.fields.species[0].concentration
    );
}

#[test]
fn a_driver_that_cuts_loops_short_gives_an_error_not_a_wrong_answer() {
    let Some(ctx) =
        support::gpu_or_skip("a_driver_that_cuts_loops_short_gives_an_error_not_a_wrong_answer")
    else {
        return;
    };
    // Steps of a thousandth of T_Lw (down to 1 ms by the ground): 64 particles take 4.7·10⁶
    // sub-steps in a 300 s step, past lavapipe's 65535 loop iterations per invocation. Without
    // the check lavapipe returned 65 280 sub-steps and no error.
    let bl = boundary_layer(StabilityClass::D, 800.0);
    let flow = Flow::Column(Column::from_boundary_layer(&bl, 0.0, |_| [1.0, 0.0, 0.0]));
    let species = [support::gas("tracer")];
    let plans = [tracer_source(2.0, 0.0, 300.0, 64, 0.0, 0.0)];
    let grid = support::grid(20, 200.0, &[(0.0, 50.0)], 300.0, 300.0);
    let mut cfg = LagrangianConfig {
        seed: 7,
        ..LagrangianConfig::default()
    };
    cfg.step.time_step_factor = 1e-3;
    cfg.step.min_time_step_s = 1e-3;
    let cpu = support::run(
        Backend::Cpu,
        None,
        &plans,
        &species,
        &grid,
        &flow,
        &cfg,
        300.0,
    );
    let opts = GpuRunOptions {
        return_particles: true,
        ..Default::default()
    };
    match gpu_simulate(
        &ctx,
        &plans,
        &species,
        &grid,
        &flow,
        &cfg,
        300.0,
        opts,
        &mut |_| {},
    ) {
        Err(e) => assert_eq!(e, GpuError::Unfinished, "{e}"),
        Ok(gpu) => {
            eprintln!("{}: the run completed", ctx.adapter);
            let rel = (gpu.stats.sub_steps as f64 / cpu.stats.sub_steps as f64 - 1.0).abs();
            assert!(
                rel < 0.02,
                "sub-steps GPU {} CPU {}",
                gpu.stats.sub_steps,
                cpu.stats.sub_steps
            );
            assert!(gpu.particles.iter().all(|p| p.reserved == 0));
        }
    }
}

/// Above a 100 m night layer the wind veers from west at 4 m/s (the lid) to south-west at
/// 10 m/s (3 km). A release at 600 m stays above the lid and travels with the wind there
/// (4.52, 1.21) m/s, 15° left of the lid's wind, on both backends — the column's wind above
/// the lid, not the lid's (twins `Column::above_wind` and `above_wind` in WGSL).
#[test]
fn above_the_lid_the_gpu_follows_the_wind_profile_as_the_cpu() {
    let Some(ctx) = support::gpu_or_skip("above_the_lid_the_gpu_follows_the_wind_profile") else {
        return;
    };
    let bl = boundary_layer(StabilityClass::E, 100.0);
    let wind = |z: f64| {
        let t = ((z - 100.0) / 2900.0).clamp(0.0, 1.0);
        [4.0 + 3.0 * t, 7.0 * t, 0.0]
    };
    let flow = Flow::Column(Column::from_boundary_layer(&bl, 0.0, wind));
    let species = [support::gas("tracer")];
    let plans = [tracer_source(600.0, 1800.0, 1800.0, 5_000, 0.0, 0.0)];
    let grid = support::grid(40, 250.0, &[(400.0, 800.0)], 900.0, 1800.0);
    let cfg = LagrangianConfig {
        seed: 11,
        ..LagrangianConfig::default()
    };
    let direction = |backend, ctx| {
        let run = support::run(backend, ctx, &plans, &species, &grid, &flow, &cfg, 1800.0);
        let tic = &run.fields.species[0].time_integrated;
        let (mut sx, mut sy, mut s) = (0.0, 0.0, 0.0);
        for ((_, j, i), &v) in tic.indexed_iter() {
            sx += v * grid.x_m(i);
            sy += v * grid.y_m(j);
            s += v;
        }
        assert!(s > 0.0);
        (sy / s).atan2(sx / s).to_degrees()
    };
    let want = 1.21f64.atan2(4.52).to_degrees();
    let (cpu, gpu) = (
        direction(Backend::Cpu, None),
        direction(Backend::Gpu, Some(&ctx)),
    );
    assert!((cpu - want).abs() < 1.0, "CPU {cpu}° vs {want}°");
    assert!((gpu - cpu).abs() < 0.2, "GPU {gpu}° vs CPU {cpu}°");
}

/// A particle released in the last f32 step before a step end that is no f32 (t1 = 100/3 s,
/// whose f32 rounds down to 33.333332 s, the particle's release time): the GPU kernel, which
/// has t1 only in f32, gives it no time in that step, and the CPU took f32(t1 − t_rel) =
/// 1.3 µs, one sub-step and one random draw more, so the particle's whole path then differed
/// between backends (found by review). Both now take f32(t1) − t_rel: the same sub-steps, and
/// the same particle to rounding.
#[test]
fn a_particle_released_at_a_step_end_that_is_no_f32_moves_alike_on_both_backends() {
    let Some(ctx) = support::gpu_or_skip("a_particle_released_at_a_step_end_that_is_no_f32") else {
        return;
    };
    let t1 = 100.0 / 3.0;
    let t_rel = f64::from(t1 as f32);
    assert!(t_rel < t1, "f32(100/3) rounds down");
    let bl = boundary_layer(StabilityClass::D, 800.0);
    let flow = Flow::Column(Column::from_boundary_layer(&bl, 0.0, |_| [3.0, 0.5, 0.0]));
    let species = [support::gas("tracer")];
    let mut plan = tracer_source(10.0, 1.0, 100.0, 1, 0.0, 0.0);
    plan.start_s = t_rel;
    plan.duration_s = 1e-7;
    assert_eq!(plan.release_time_s(0) as f32, t1 as f32);
    let plans = [plan];
    let grid = support::grid(20, 200.0, &[(0.0, 100.0)], t1, 100.0);
    let cfg = LagrangianConfig {
        seed: 11,
        ..LagrangianConfig::default()
    };
    let run =
        |backend, ctx| support::run(backend, ctx, &plans, &species, &grid, &flow, &cfg, 100.0);
    let (cpu, gpu) = (run(Backend::Cpu, None), run(Backend::Gpu, Some(&ctx)));
    let (c, g) = (&cpu.particles[0], &gpu.particles[0]);
    assert_eq!(c.step, g.step, "sub-steps CPU {} GPU {}", c.step, g.step);
    for k in 0..3 {
        assert!(
            (c.pos[k] - g.pos[k]).abs() < 1e-2,
            "{:?} vs {:?}",
            c.pos,
            g.pos
        );
    }
}

/// A particle whose release time, in f32, equals a snapshot that is no f32 (t_rel = f32(b) <
/// b): it is released in the stretch ending at b, airborne 0 s, and both backends grid it there,
/// standing for the snapshot's whole part. The CPU skipped gridding a particle with no airborne
/// time while the GPU gridded it, so that part's cells differed between them (found by
/// review). The one particle of a release over a run of T = 200/3 s (one sampling step) leaves
/// at T/2, the snapshot standing for all of [0, T]: the time-integrated amount is amount × T on
/// both backends, where the CPU had 0.
#[test]
fn a_particle_released_at_a_snapshot_that_is_no_f32_is_gridded_alike_on_both_backends() {
    let Some(ctx) = support::gpu_or_skip("a_particle_released_at_a_snapshot_that_is_no_f32") else {
        return;
    };
    let run_s = 200.0 / 3.0;
    let plan = tracer_source(10.0, run_s, run_s, 1, 0.0, 0.0);
    let snapshot_s = 0.5 * run_s;
    assert_eq!(plan.release_time_s(0) as f32, snapshot_s as f32);
    assert!(
        f64::from(snapshot_s as f32) < snapshot_s,
        "f32(100/3) rounds down"
    );
    let bl = boundary_layer(StabilityClass::D, 800.0);
    let flow = Flow::Column(Column::from_boundary_layer(&bl, 0.0, |_| [3.0, 0.5, 0.0]));
    let species = [support::gas("tracer")];
    let plans = [plan];
    let grid = support::grid(20, 200.0, &[(0.0, 1000.0)], run_s, run_s);
    let cfg = LagrangianConfig {
        seed: 5,
        ..LagrangianConfig::default()
    };
    let run =
        |backend, ctx| support::run(backend, ctx, &plans, &species, &grid, &flow, &cfg, run_s);
    let cell_volume_m3 = grid.cell_area_m2() * 1000.0;
    let expected = run_s * run_s;
    for (name, r) in [
        ("CPU", run(Backend::Cpu, None)),
        ("GPU", run(Backend::Gpu, Some(&ctx))),
    ] {
        assert_eq!(r.stats.sync_steps, 1, "{name}: one sampling step");
        let got = r.fields.species[0].time_integrated.sum() * cell_volume_m3;
        assert!(
            (got - expected).abs() <= 1e-6 * expected,
            "{name}: ∫ airborne dt {got}, expected {expected} (amount × T)"
        );
    }
}
