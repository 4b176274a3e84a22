//! Gridding by snapshot is unbiased near the source: the time-integrated concentration within
//! one sampling step's travel of a continuous source does not depend on the sampling step.
//! (Weighting each new particle by its own airborne time instead under-counts those cells by
//! about x/(u·Δt): ×0.13 at 200 m for u = 5 m/s and Δt = 300 s.)

use std::path::Path;

use plume::scenario::Scenario;
use plume::{simulate, RunOptions};

/// Crosswind sums of the time-integrated concentration of a release of `duration_s` seconds,
/// per 100 m cell from `from_m` to `to_m` downwind, sampled every `sampling_step_s` at most.
fn along_track_tic(sampling_step_s: f64, duration_s: f64, from_m: f64, to_m: f64) -> Vec<f64> {
    let text = format!(
        r#"
[scenario]
name = "sampling"
start = "2026-07-14T12:00:00Z"
duration_s = 3600
[domain]
centre = {{ lat = 45.0, lon = -66.0 }}
extent_m = [3000, 1000]
resolution_m = 100
layers_m = [[0, 10]]
output_interval_s = 3600
[[source]]
name = "ground"
location = {{ lat = 45.0, lon = -66.0 }}
height_m = 2
duration_s = {duration_s}
release = [{{ substance = "tracer", rate_kg_s = 1.0 }}]
[meteorology]
kind = "uniform"
wind_speed_m_s = 5
wind_from_deg = 270
stability = "D"
mixing_height_m = 800
[model]
kind = "lagrangian"
particles = 200000
seed = 3
sampling_step_s = {sampling_step_s}
backend = "cpu"
"#
    );
    let s = Scenario::parse(&text, Path::new("sampling.toml")).unwrap();
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    let g = &sim.fields.grid;
    let tic = &sim.fields.species[0].time_integrated;
    (0..g.nx)
        .filter(|&i| (from_m..=to_m).contains(&g.x_m(i)))
        .map(|i| (0..g.ny).map(|j| tic[[0, j, i]]).sum())
        .collect()
}

fn near_source_tic(sampling_step_s: f64) -> Vec<f64> {
    // The cells 100–600 m downwind of a continuous source.
    along_track_tic(sampling_step_s, 3600.0, 100.0, 600.0)
}

#[test]
fn a_short_release_leaves_no_gaps_along_its_track() {
    // A 10 s release in a 5 m/s wind is a cloud some 50 m long. Sampled every 300 s it would be
    // seen every 1500 m: most 100 m cells along its track empty, the rest 30 × too high (found
    // by review). The sampling step follows the release down to 10 s, 50 m of travel, so every
    // cell from 200 m to 1400 m downwind sees it, and about equally: the integral along the track
    // of a passing cloud, Q/(u·√(2π)σy·…), changes slowly with distance.
    let tic = along_track_tic(300.0, 10.0, 200.0, 1400.0);
    assert!(tic.len() >= 12, "{}", tic.len());
    for w in tic.windows(2) {
        assert!(w[0] > 0.0 && w[1] > 0.0, "{tic:?}");
        assert!((w[1] / w[0] - 1.0).abs() < 0.5, "{tic:?}");
    }
}

#[test]
fn near_source_concentration_does_not_depend_on_the_sampling_step() {
    let coarse = near_source_tic(300.0);
    let fine = near_source_tic(15.0);
    assert!(coarse.len() >= 5);
    for (c, f) in coarse.iter().zip(&fine) {
        assert!(*f > 0.0);
        assert!(
            (c / f - 1.0).abs() < 0.15,
            "300 s vs 15 s sampling: {coarse:?} vs {fine:?}"
        );
    }
}

/// Found by review: a particle sampled at the end of a step stands for the whole step with the
/// share it has left then, so in a 50 mm/h rain (Λ = 1.8·10⁻³ s⁻¹) sampled every 300 s the
/// interval means of the air came out 0.75 of the exact x·e^(−x)/(1 − e^(−x)) (x = ΛΔt), while
/// the deposit was exact. Fast deposition now cuts the step (ΛΔt ≤ 0.1 per part), each part
/// sampled at its middle: the airborne amount over each 10-min interval of a 300 s release in
/// that rain is within 1 % of exact, its integral ∫M dt computed in closed form.
#[test]
fn air_in_heavy_rain_is_sampled_without_the_washout_bias() {
    let lambda = 8.0e-5 * 50.0f64.powf(0.8);
    let text = r#"
[scenario]
name = "rain"
start = "2026-07-14T12:00:00Z"
duration_s = 3600
[domain]
centre = { lat = 45.0, lon = -66.5 }
extent_m = [100000, 40000]
resolution_m = 1000
layers_m = [[0, 1000], [1000, 5000]]
output_interval_s = 600
[[source]]
name = "low"
location = { lat = 45.0, lon = -67.008 }
height_m = 10
duration_s = 300
release = [{ substance = "tracer", rate_kg_s = 1.0, washout_a_per_s = 8.0e-5, washout_b = 0.8 }]
[meteorology]
kind = "uniform"
wind_speed_m_s = 2.0
wind_from_deg = 270
stability = "D"
mixing_height_m = 800
precipitation_mm_h = 50.0
[model]
kind = "lagrangian"
particles = 20000
seed = 3
backend = "cpu"
"#;
    let s = Scenario::parse(text, Path::new("rain.toml")).unwrap();
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    let g = &sim.fields.grid;
    let c = &sim.fields.species[0].concentration;
    // Airborne mass M(t) of 1 kg/s released over [0, R] and washed out at Λ everywhere.
    let r = 300.0;
    let airborne = |t: f64| {
        if t < r {
            (1.0 - (-lambda * t).exp()) / lambda
        } else {
            (1.0 - (-lambda * r).exp()) / lambda * (-lambda * (t - r)).exp()
        }
    };
    // ∫ M dt over [a, b] for b > a ≥ R, and over the release [0, R].
    let integral = |a: f64, b: f64| airborne(a) * (1.0 - (-lambda * (b - a)).exp()) / lambda;
    let during_release = (r - (1.0 - (-lambda * r).exp()) / lambda) / lambda;
    let cell_m2 = g.dx_m * g.dx_m;
    for n in 0..g.nt() {
        let (a, b) = (g.interval_start_s(n), g.times_s[n]);
        let mut mean_kg = 0.0;
        for (k, layer) in g.layers.iter().enumerate() {
            let depth = layer.top_m - layer.bottom_m;
            for j in 0..g.ny {
                for i in 0..g.nx {
                    mean_kg += c[[n, k, j, i]] * depth * cell_m2;
                }
            }
        }
        let exact = if n == 0 {
            (during_release + integral(r, b)) / (b - a)
        } else {
            integral(a, b) / (b - a)
        };
        assert!(
            (mean_kg / exact - 1.0).abs() < 0.01,
            "interval {n}: {mean_kg} kg against {exact}"
        );
    }
}

/// The airborne mass of a tracer released at 1 kg/s over [S, S + 300 s], in every output
/// interval of 300 s, summed over the grid from the interval-mean concentrations.
fn interval_mass_kg(backend: &str, start_s: f64) -> Vec<f64> {
    let text = format!(
        r#"
[scenario]
name = "ramp"
start = "2026-07-14T12:00:00Z"
duration_s = 1200
[domain]
centre = {{ lat = 45.0, lon = -66.9 }}
extent_m = [40000, 20000]
resolution_m = 500
layers_m = [[0, 5000]]
output_interval_s = 300
[[source]]
name = "low"
location = {{ lat = 45.0, lon = -67.008 }}
height_m = 10
start_s = {start_s}
duration_s = 300
release = [{{ substance = "tracer", rate_kg_s = 1.0 }}]
[meteorology]
kind = "uniform"
wind_speed_m_s = 3.0
wind_from_deg = 270
stability = "D"
mixing_height_m = 800
[model]
kind = "lagrangian"
particles = 4000
seed = 5
backend = "{backend}"
"#
    );
    let s = Scenario::parse(&text, Path::new("ramp.toml")).unwrap();
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    let g = &sim.fields.grid;
    let c = &sim.fields.species[0].concentration;
    let cell_m3 = g.dx_m * g.dx_m * 5000.0;
    (0..g.nt())
        .map(|n| c.index_axis(ndarray::Axis(0), n).sum() * cell_m3)
        .collect()
}

/// Found by review: a snapshot at the end of a step stood for the whole step with the plume as
/// it is at the end, so a release's first interval came out ×2 (all 300 kg counted for the
/// 300 s in which, on average, half of it was out) and every arrival Δt/2 early. Sampled at
/// the middle of each step, the interval means are exact for the linear ramp of a release
/// starting (150 kg mean over its first 300 s) and for the steady mass after it (300 kg).
#[test]
fn a_releases_first_interval_is_not_over_counted() {
    let mass = interval_mass_kg("cpu", 0.0);
    assert_eq!(mass.len(), 4);
    assert!((mass[0] / 150.0 - 1.0).abs() < 1e-3, "{mass:?}");
    for m in &mass[1..] {
        assert!((m / 300.0 - 1.0).abs() < 1e-3, "{mass:?}");
    }
}

/// Found by review: a release starting inside a sampling step is a kink in the airborne mass
/// that the step's midpoint snapshot missed (a start 100 s into a 300 s step showed 0.75 of its
/// first interval). The step is now cut where a release starts or ends: a release over
/// [100 s, 400 s] has means of 66.7, 283.3 and 300 kg over its first three 300 s intervals.
#[test]
fn a_release_starting_inside_a_sampling_step_is_counted_from_its_start() {
    let mass = interval_mass_kg("cpu", 100.0);
    let exact = [
        200.0 * 200.0 / 2.0 / 300.0,
        (25_000.0 + 60_000.0) / 300.0,
        300.0,
    ];
    for (m, e) in mass.iter().zip(exact) {
        assert!((m / e - 1.0).abs() < 2e-3, "{mass:?} against {exact:?}");
    }
}

#[cfg(feature = "gpu")]
#[test]
fn a_releases_first_interval_is_not_over_counted_on_the_gpu() {
    if crate::support::gpu_or_skip("first interval on the GPU").is_none() {
        return;
    }
    let mass = interval_mass_kg("gpu", 0.0);
    assert!((mass[0] / 150.0 - 1.0).abs() < 1e-3, "{mass:?}");
    for m in &mass[1..] {
        assert!((m / 300.0 - 1.0).abs() < 1e-3, "{mass:?}");
    }
}

/// A particle whose release time, in f32, equals a snapshot that is no f32 (t_rel = f32(b) <
/// b) is released in the stretch ending at b, airborne 0 s, and gridded there, standing for the
/// snapshot's whole part (the GPU kernel does the same: `gpu_runs`). The one particle of a
/// release over a run of T = 200/3 s leaves at T/2, the snapshot standing for all of [0, T]:
/// the time-integrated amount is amount × T (the CPU gave 0, found by review).
#[test]
fn a_particle_released_at_a_snapshot_that_is_no_f32_is_gridded_from_it() {
    use crate::support;
    use plume::met::boundary_layer::{BoundaryLayer, StabilityClass};
    use plume::model::lagrangian::{
        simulate, Column, DepositionParams, Emission, Flow, LagrangianConfig, SourcePlan,
    };
    let run_s = 200.0 / 3.0;
    let e = [Emission {
        species: 0,
        rate_per_s: 1.0,
        decay_per_s: 0.0,
        deposition: DepositionParams {
            dry_velocity_m_s: 0.0,
            washout_a_per_s: 0.0,
            washout_b: 0.8,
        },
    }];
    let plans = [SourcePlan::new([0.0, 0.0, 10.0], 0.0, run_s, run_s, &e, 1).unwrap()];
    assert!(
        f64::from((0.5 * run_s) as f32) < 0.5 * run_s,
        "f32(100/3) rounds down"
    );
    let bl = BoundaryLayer {
        friction_velocity_m_s: 0.3,
        obukhov_length_m: f64::INFINITY,
        mixing_height_m: 800.0,
        roughness_length_m: 0.1,
        stability: StabilityClass::D,
    };
    let flow = Flow::Column(Column::from_boundary_layer(&bl, 0.0, |_| [3.0, 0.5, 0.0]));
    let grid = support::grid(20, 200.0, &[(0.0, 1000.0)], run_s, run_s);
    let cfg = LagrangianConfig {
        seed: 5,
        ..LagrangianConfig::default()
    };
    let species = [support::gas("tracer")];
    let r = simulate(&plans, &species, &grid, &flow, &cfg, run_s, &mut |_| {});
    assert_eq!(r.stats.sync_steps, 1, "one sampling step");
    let got = r.fields.species[0].time_integrated.sum() * grid.cell_area_m2() * 1000.0;
    let expected = run_s * run_s;
    assert!(
        (got - expected).abs() <= 1e-6 * expected,
        "∫ airborne dt {got}, expected {expected} (amount × T)"
    );
}
