//! Spent particles: a particle whose every class share deposition has taken below
//! `StepConfig::min_share` (10⁻⁶ by default) stops, its rest booked as deposited where it is.
//! Against the same run that keeps every particle to the end, the budget still closes exactly,
//! the deposit and the air change by about the threshold, the other particles move bit for bit
//! alike, and a heavy aerosol's run takes a fraction of the sub-steps. Dry and wet alike, and on
//! the GPU as on the CPU.

use crate::support;

use plume::field::{Fields, MassBudget};
use plume::met::boundary_layer::{BoundaryLayer, StabilityClass};
use plume::model::lagrangian::particle::STATUS_SPENT;
use plume::model::lagrangian::{
    simulate, Column, DepositionParams, Emission, Flow, LagrangianConfig, LagrangianRun, SourcePlan,
};
#[cfg(feature = "gpu")]
use support::Backend;

fn neutral(precipitation_mm_h: f64) -> Flow<'static> {
    let bl = BoundaryLayer {
        friction_velocity_m_s: 0.35,
        obukhov_length_m: f64::INFINITY,
        mixing_height_m: 800.0,
        roughness_length_m: 0.1,
        stability: StabilityClass::D,
    };
    Flow::Column(Column::from_boundary_layer(&bl, precipitation_mm_h, |z| {
        [3.0 + 0.002 * z, 0.5, 0.0]
    }))
}

/// A source of a kg tracer at `pos` over the first half hour, with deposition `dep`.
fn plan(pos: [f64; 3], dep: DepositionParams, duration_s: f64, n: usize) -> SourcePlan {
    let e = Emission {
        species: 0,
        rate_per_s: 1.0,
        decay_per_s: 0.0,
        deposition: dep,
    };
    SourcePlan::new(pos, 0.0, 1800.0, duration_s, &[e], n).expect("one class")
}

/// Dry deposition velocity (m/s) and washout coefficient a (s⁻¹ at 1 mm/h; b = 0.8).
fn deposition(dry_m_s: f64, washout_a_per_s: f64) -> DepositionParams {
    DepositionParams {
        dry_velocity_m_s: dry_m_s,
        washout_a_per_s,
        washout_b: 0.8,
    }
}

/// 50 µm-class dust released at 2 m (v_s = v_d = 0.15 m/s), 4000 particles.
fn settled_dust(duration_s: f64) -> [SourcePlan; 1] {
    [plan([0.0, 0.0, 2.0], deposition(0.15, 0.0), duration_s, 4000).with_settling(0.15)]
}

fn spent(run: &LagrangianRun) -> usize {
    run.particles
        .iter()
        .filter(|p| p.status == STATUS_SPENT)
        .count()
}

fn budget(fields: &Fields) -> MassBudget {
    fields.species[0].budget.expect("a budget")
}

/// Σ|a − b| over Σ|b|.
fn relative_change<'a>(
    a: impl IntoIterator<Item = &'a f64>,
    b: impl IntoIterator<Item = &'a f64>,
) -> f64 {
    let (mut diff, mut total) = (0.0, 0.0);
    for (x, y) in a.into_iter().zip(b) {
        diff += (x - y).abs();
        total += y.abs();
    }
    diff / total
}

/// Runs `plans` with the default threshold and with none; checks what the threshold may
/// change and returns both runs (with, without).
fn with_and_without(
    case: &str,
    plans: &[SourcePlan],
    flow: &Flow,
    duration_s: f64,
) -> (LagrangianRun, LagrangianRun) {
    let species = [support::gas("tracer")];
    let grid = support::grid(40, 250.0, &[(0.0, 50.0), (50.0, 1000.0)], 900.0, duration_s);
    let on = LagrangianConfig {
        seed: 1883,
        ..LagrangianConfig::default()
    };
    assert_eq!(on.step.min_share, 1e-6, "the default threshold");
    let mut off = on;
    off.step.min_share = 0.0;
    let cpu = |cfg| simulate(plans, &species, &grid, flow, cfg, duration_s, &mut |_| {});
    let (a, b) = (cpu(&on), cpu(&off));
    assert_eq!(spent(&b), 0, "{case}: no threshold, no spent particle");
    let n = a.particles.len();
    eprintln!(
        "{case}: {} of {n} particles spent; sub-steps {} against {} ({:.1}×)",
        spent(&a),
        a.stats.sub_steps,
        b.stats.sub_steps,
        b.stats.sub_steps as f64 / a.stats.sub_steps as f64
    );
    // A spent particle holds nothing; every other one moved exactly as without the threshold.
    for (p, q) in a.particles.iter().zip(&b.particles) {
        if p.status == STATUS_SPENT {
            assert_eq!(p.mass, [0.0; 4], "{case}: a spent particle's shares");
            assert!(q.mass.iter().all(|&m| m < 1e-6), "{case}: spent early");
        } else {
            assert_eq!(
                p, q,
                "{case}: a particle that was not spent moved otherwise"
            );
        }
    }
    // The budget closes exactly in both; the rests went to the ground, not out of the domain.
    let (ba, bb) = (budget(&a.fields), budget(&b.fields));
    for (name, b) in [("with", &ba), ("without", &bb)] {
        assert!(b.relative_imbalance().abs() < 1e-12, "{case} {name}: {b:?}");
    }
    assert_eq!(ba.released, bb.released);
    let deposited = |b: &MassBudget| b.dry_deposited + b.wet_deposited;
    let moved = (deposited(&ba) - deposited(&bb)).abs() / ba.released;
    assert!(
        moved < 2e-6,
        "{case}: {moved:e} of the release changed place"
    );
    // The maps change by about the threshold: the rests land a little earlier than they
    // would have, and the air loses what a particle at under 10⁻⁶ still stood for.
    let (fa, fb) = (&a.fields.species[0], &b.fields.species[0]);
    for (what, change) in [
        (
            "dry deposit",
            relative_change(&fa.dry_deposition, &fb.dry_deposition),
        ),
        (
            "wet deposit",
            relative_change(&fa.wet_deposition, &fb.wet_deposition),
        ),
        (
            "time-integrated air",
            relative_change(&fa.time_integrated, &fb.time_integrated),
        ),
    ] {
        eprintln!("{case}: {what} changed by {change:.2e}");
        assert!(
            change.is_nan() || change < 1e-5,
            "{case}: {what} changed by {change:e}"
        );
    }
    (a, b)
}

/// A 50 µm-class dust released at 2 m settles into the deposition layer within a minute and
/// stays there, where the sub-steps are shortest: nearly all its particles are spent within
/// the run, which then takes under a third of the sub-steps (a quarter here, where the
/// release lasts a quarter of the run; a 7-hour run's 2 m release took 1/88 of the time).
#[test]
fn settled_dust_is_spent_at_a_millionth_and_the_run_changes_by_no_more() {
    let duration_s = 7200.0;
    let plans = settled_dust(duration_s);
    let (a, b) = with_and_without("settled dust", &plans, &neutral(0.0), duration_s);
    let n = a.particles.len();
    assert!(spent(&a) > 9 * n / 10, "{} of {n} spent", spent(&a));
    assert!(
        3 * a.stats.sub_steps < b.stats.sub_steps,
        "sub-steps {} against {}",
        a.stats.sub_steps,
        b.stats.sub_steps
    );
    assert_eq!(budget(&a.fields).wet_deposited, 0.0);
}

/// In rain a gas that only washes out is spent aloft; its rest is booked as rain, not as dry
/// deposit (the dry map stays empty).
#[test]
fn particles_washed_out_aloft_are_spent_as_rain() {
    let wet = deposition(0.0, 1e-2);
    let duration_s = 3600.0;
    let plans = [plan([0.0, 0.0, 300.0], wet, duration_s, 2000)];
    let (a, _) = with_and_without("washout", &plans, &neutral(5.0), duration_s);
    let n = a.particles.len();
    assert!(spent(&a) > n / 4, "{} of {n} spent", spent(&a));
    let b = budget(&a.fields);
    assert_eq!(b.dry_deposited, 0.0, "{b:?}");
    assert!(a.fields.species[0].dry_deposition.iter().all(|&d| d == 0.0));
}

/// The GPU spends the same particles: its run of the settled dust has the CPU's deposit (NMSE
/// < 10⁻³ over cells of 40 m above 0.1 % of the maximum), spends as many particles within 1 %
/// and takes as many sub-steps within 2 %, and its budget closes exactly.
#[cfg(feature = "gpu")]
#[test]
fn the_gpu_spends_settled_dust_as_the_cpu_does() {
    let Some(ctx) = support::gpu_or_skip("the_gpu_spends_settled_dust_as_the_cpu_does") else {
        return;
    };
    let duration_s = 3600.0;
    let plans = settled_dust(duration_s);
    let species = [support::gas("tracer")];
    let grid = support::grid(100, 40.0, &[(0.0, 50.0)], 900.0, duration_s);
    let flow = neutral(0.0);
    let cfg = LagrangianConfig {
        seed: 1883,
        ..LagrangianConfig::default()
    };
    let run = |backend, ctx| {
        support::run(
            backend, ctx, &plans, &species, &grid, &flow, &cfg, duration_s,
        )
    };
    let (cpu, gpu) = (run(Backend::Cpu, None), run(Backend::Gpu, Some(&ctx)));
    let (sc, sg) = (spent(&cpu) as f64, spent(&gpu) as f64);
    eprintln!("spent: CPU {sc}, GPU {sg}");
    assert!(sc > 0.8 * cpu.particles.len() as f64, "{sc} spent");
    assert!((sg / sc - 1.0).abs() < 0.01, "spent: CPU {sc}, GPU {sg}");
    let steps = gpu.stats.sub_steps as f64 / cpu.stats.sub_steps as f64;
    assert!((steps - 1.0).abs() < 0.02, "sub-steps GPU/CPU {steps}");
    let bg = budget(&gpu.fields);
    assert!(bg.relative_imbalance().abs() < 1e-12, "{bg:?}");
    let flat = |f: &Fields| {
        f.species[0]
            .dry_deposition
            .iter()
            .copied()
            .collect::<Vec<_>>()
    };
    let (nmse, fac2, n) = support::nmse_fac2(&flat(&cpu.fields), &flat(&gpu.fields), 1e-3);
    assert!(
        n > 20 && nmse < 1e-3 && fac2 > 0.99,
        "deposit: NMSE {nmse}, FAC2 {fac2}, {n} cells"
    );
}

/// A source of two species, one washed out only and one deposited dry only (both settle), in
/// rain: each species' rest goes to its own process, also where the particle is spent in a
/// sub-step in which the other process acted last (the dry one's share then booked as rain
/// before the fix). On the GPU as on the CPU.
#[test]
fn each_class_is_spent_by_its_own_process() {
    let duration_s = 3600.0;
    let emissions = [
        Emission {
            species: 0,
            rate_per_s: 1.0,
            decay_per_s: 0.0,
            deposition: deposition(0.0, 2e-3),
        },
        Emission {
            species: 1,
            rate_per_s: 1.0,
            decay_per_s: 0.0,
            deposition: deposition(0.15, 0.0),
        },
    ];
    let plans = [
        SourcePlan::new([0.0, 0.0, 2.0], 0.0, 1800.0, duration_s, &emissions, 2000)
            .expect("two classes")
            .with_settling(0.15),
    ];
    let species = [support::gas("washed"), support::gas("dry")];
    let grid = support::grid(100, 150.0, &[(0.0, 50.0)], 900.0, duration_s);
    let flow = neutral(5.0);
    let cfg = LagrangianConfig {
        seed: 7,
        ..LagrangianConfig::default()
    };
    let check = |run: &LagrangianRun, backend: &str| {
        let n = run.particles.len();
        assert!(spent(run) > n / 2, "{backend}: {} of {n} spent", spent(run));
        let (washed, dry) = (&run.fields.species[0], &run.fields.species[1]);
        for (name, f, process) in [("washed", washed, "dry"), ("dry", dry, "wet")] {
            let b = f.budget.expect("a budget");
            let (other, map) = match process {
                "dry" => (b.dry_deposited, &f.dry_deposition),
                _ => (b.wet_deposited, &f.wet_deposition),
            };
            assert_eq!(
                other, 0.0,
                "{backend}: {name} has a {process} deposit: {b:?}"
            );
            assert!(
                map.iter().all(|&v| v == 0.0),
                "{backend}: {name}'s {process} map"
            );
            assert!(b.relative_imbalance().abs() < 1e-12, "{backend}: {b:?}");
        }
    };
    let cpu = simulate(
        &plans,
        &species,
        &grid,
        &flow,
        &cfg,
        duration_s,
        &mut |_| {},
    );
    check(&cpu, "CPU");
    #[cfg(feature = "gpu")]
    if let Some(ctx) = support::gpu_or_skip("each_class_is_spent_by_its_own_process") {
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
        check(&gpu, "GPU");
    }
}
