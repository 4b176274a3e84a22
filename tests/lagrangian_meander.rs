//! The wind's meander added at the tally (`model::lagrangian::meander`): the tallied plume's
//! variance is the turbulence's plus the meander's band-passed s²(age) of each particle's own
//! age, its centre does not move, deposits follow the same images, images off the grid are
//! dropped rather than piled into the edge cells, and results stay the same on any number of
//! threads.

use crate::lagrangian_support;

use lagrangian_support::*;
use plume::field::GridSpec;
use plume::met::turbulence::Turbulence;
use plume::model::lagrangian::meander::{meander_spread_m, MeanderConfig};
use plume::model::lagrangian::{Column, DepositionParams, LagrangianConfig, LagrangianRun};
use plume::scenario::Layer;

/// NAME's meander over hour-long means, with no measured σθ.
const HOURLY: MeanderConfig = MeanderConfig {
    sigma_m_s: 0.5,
    time_scale_s: 7200.0,
    averaging_s: 3600.0,
    resolved_s: 0.0,
    exposure_averaging_s: 3600.0,
};

/// Weak homogeneous turbulence (σ 0.1 m/s, T_L 100 s) in a 2 m/s wind along x.
fn calm_column() -> Column {
    Column::homogeneous(Turbulence::homogeneous(0.1, 100.0), [2.0, 0.0, 0.0], None)
}

/// A grid of `nx × ny` cells of `dx_m` centred on (x, y), one layer through the whole column,
/// 60 s intervals up to `run_s` (each sampled once, at its middle, with a 60 s sampling step).
fn fine_grid(nx: usize, ny: usize, dx_m: f64, centre: [f64; 2], run_s: f64) -> GridSpec {
    let half = |n: usize| 0.5 * (n - 1) as f64 * dx_m;
    GridSpec {
        nx,
        ny,
        x0_m: centre[0] - half(nx),
        y0_m: centre[1] - half(ny),
        dx_m,
        layers: vec![Layer {
            bottom_m: 0.0,
            top_m: 1.0e6,
        }],
        times_s: (1..=(run_s / 60.0) as usize)
            .map(|k| 60.0 * k as f64)
            .collect(),
        interval_s: 60.0,
    }
}

fn config(meander: MeanderConfig) -> LagrangianConfig {
    let mut cfg = LagrangianConfig {
        seed: 1998,
        model_top_m: 1.0e9,
        sampling_step_s: 60.0,
        meander,
        ..Default::default()
    };
    cfg.step.max_time_step_s = 20.0;
    cfg
}

/// (mean, variance) along x and along y of grid `g`'s cell-centre values weighted by `values`
/// ([y, x]).
fn moments(g: &GridSpec, values: impl Fn(usize, usize) -> f64) -> [(f64, f64); 2] {
    let (mut w, mut sx, mut sy, mut sxx, mut syy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for j in 0..g.ny {
        for i in 0..g.nx {
            let v = values(j, i);
            let (x, y) = (g.x_m(i), g.y_m(j));
            w += v;
            sx += v * x;
            sy += v * y;
            sxx += v * x * x;
            syy += v * y * y;
        }
    }
    let (mx, my) = (sx / w, sy / w);
    [(mx, sxx / w - mx * mx), (my, syy / w - my * my)]
}

/// The last interval's concentration moments of a 1-second release from (0, 0, 50 km)
/// at `start_s`, run to `run_s` (at most 2500 s: 5 km downwind, the grid's far end).
fn puff_moments(meander: MeanderConfig, start_s: f64, run_s: f64) -> [(f64, f64); 2] {
    let n = 60_000;
    let g = fine_grid(300, 240, 20.0, [2000.0, 0.0], run_s);
    let plans = [source(
        [0.0, 0.0, 50_000.0],
        start_s,
        1.0,
        run_s,
        &[emission(0, 1.0, 0.0, no_deposition())],
        n,
    )];
    let out = run(
        &plans,
        &[tracer()],
        &g,
        calm_column(),
        &config(meander),
        run_s,
    );
    let c = &out.fields.species[0].concentration;
    let last = g.nt() - 1;
    moments(&g, |j, i| c[[last, 0, j, i]])
}

#[test]
fn the_tallied_puff_spreads_by_the_turbulence_and_the_meander_of_its_own_age_together() {
    // The same seed moves every particle alike with and without the meander, so the variances
    // differ by the images' offsets alone: s²(age) each way, age at the last interval's
    // middle (30 s before the run's end; its six snapshots, 10 s apart, span ±25 s about it),
    // counted from each puff's own release.
    let run_s = 1800.0;
    for start_s in [0.0, 1200.0] {
        let off = puff_moments(MeanderConfig::OFF, start_s, run_s);
        let on = puff_moments(HOURLY, start_s, run_s);
        let age_s = run_s - 30.0 - start_s;
        let s2 = meander_spread_m(&HOURLY, age_s).powi(2);
        for (axis, (a, b)) in ["x", "y"].iter().zip(off.iter().zip(&on)) {
            let added = b.1 - a.1;
            eprintln!(
                "start {start_s} s, {axis}: turbulence {:.0} m², with meander {:.0} m², s² {s2:.0} m²",
                a.1, b.1
            );
            assert!(
                (added / s2 - 1.0).abs() < 0.03,
                "start {start_s} s, {axis}: variance grew by {added:.0} m², s²({age_s} s) = {s2:.0} m²"
            );
            // The images scatter about the particles: the centre stays (3 standard errors).
            let tolerance = 3.0 * (b.1 / 60_000.0).sqrt();
            assert!(
                (b.0 - a.0).abs() < tolerance,
                "start {start_s} s, {axis}: centre moved {} m",
                b.0 - a.0
            );
        }
    }
}

/// A 10-minute ground-level release depositing at 1 cm/s, run for `run_s` on a grid of 150
/// cells of 40 m along the wind and `ny` across.
fn depositing_run(meander: MeanderConfig, ny: usize, run_s: f64) -> (LagrangianRun, GridSpec) {
    let column = Column::homogeneous(Turbulence::homogeneous(0.3, 30.0), [2.0, 0.0, 0.0], None);
    let g = fine_grid(150, ny, 40.0, [1200.0, 0.0], run_s);
    let dep = DepositionParams {
        dry_velocity_m_s: 0.01,
        ..no_deposition()
    };
    let plans = [source(
        [0.0, 0.0, 1.0],
        0.0,
        600.0,
        run_s,
        &[emission(0, 1.0, 0.0, dep)],
        40_000,
    )];
    let out = run(&plans, &[tracer()], &g, column, &config(meander), run_s);
    (out, g)
}

#[test]
fn deposits_land_at_the_meander_images_and_keep_their_total_on_a_wide_grid() {
    let run_s = 1200.0;
    let (off, g) = depositing_run(MeanderConfig::OFF, 150, run_s);
    let (on, _) = depositing_run(HOURLY, 150, run_s);
    let cell_area = g.dx_m * g.dx_m;
    for out in [&off, &on] {
        let s = &out.fields.species[0];
        let b = s.budget.unwrap();
        let on_grid = s.dry_deposition.sum() * cell_area;
        assert!(b.dry_deposited > 0.05 * b.released, "{b:?}");
        assert!(
            (on_grid / b.dry_deposited - 1.0).abs() < 1e-9,
            "grid {on_grid}, budget {}",
            b.dry_deposited
        );
    }
    // The meander moves no particle: the budgets are the same to the last unit.
    assert_eq!(off.fields.species[0].budget, on.fields.species[0].budget);
    let d = |r: &LagrangianRun| r.fields.species[0].dry_deposition.clone();
    let (d_off, d_on) = (d(&off), d(&on));
    let [_, (y_off, v_off)] = moments(&g, |j, i| d_off[[j, i]]);
    let [_, (y_on, v_on)] = moments(&g, |j, i| d_on[[j, i]]);
    // Deposits 0–1200 s old: s² between s²(60 s) and s²(1200 s) of the hourly band.
    let (lo, hi) = (
        meander_spread_m(&HOURLY, 60.0).powi(2),
        meander_spread_m(&HOURLY, 1200.0).powi(2),
    );
    eprintln!("deposit crosswind variance {v_off:.0} → {v_on:.0} m² (s² {lo:.0}–{hi:.0} m²)");
    assert!(v_on - v_off > lo && v_on - v_off < hi, "{v_off} → {v_on}");
    assert!(
        (y_on - y_off).abs() < 3.0 * (v_on / 40_000.0).sqrt(),
        "{y_off} → {y_on}"
    );
}

#[test]
fn each_deposit_lands_at_the_image_of_its_own_age_not_the_runs() {
    // A 1-second ground release at 300 s deposits in every later interval. The same seed moves
    // every particle alike with and without the meander, so each interval's deposit spreads
    // across the wind by the images' s² at the deposits' ages: within the s² of the
    // interval's two ends counted from the release (ages t − 360 s to t − 300 s), and over
    // all intervals, weighted by their deposits, on the mean s² of those ages within 4 %.
    // Ages counted from the run's start (300 s more) fail both.
    let (run_s, start_s) = (1500.0, 300.0);
    let n = 40_000;
    let column = Column::homogeneous(Turbulence::homogeneous(0.3, 30.0), [2.0, 0.0, 0.0], None);
    let g = fine_grid(150, 150, 40.0, [1200.0, 0.0], run_s);
    let dep = DepositionParams {
        dry_velocity_m_s: 0.01,
        ..no_deposition()
    };
    let plans = [source(
        [0.0, 0.0, 1.0],
        start_s,
        1.0,
        run_s,
        &[emission(0, 1.0, 0.0, dep)],
        n,
    )];
    let by_interval = |meander| {
        let out = run(
            &plans,
            &[tracer()],
            &g,
            column.clone(),
            &config(meander),
            run_s,
        );
        let s = &out.fields.species[0];
        s.deposition_by_interval
            .clone()
            .expect("interval deposits")
            .dry
    };
    let (off, on) = (by_interval(MeanderConfig::OFF), by_interval(HOURLY));
    let (mut pooled_added, mut pooled_expected) = (0.0, 0.0);
    for (k, &t_s) in g.times_s.iter().enumerate() {
        if t_s < start_s + 120.0 {
            continue;
        }
        let [_, (_, v_off)] = moments(&g, |j, i| off[[k, j, i]]);
        let [_, (_, v_on)] = moments(&g, |j, i| on[[k, j, i]]);
        let band = |age_s: f64| meander_spread_m(&HOURLY, age_s).powi(2);
        let (lo, hi) = (band(t_s - start_s - 60.0), band(t_s - start_s));
        // Three standard errors of the added variance over the interval's depositing
        // particles (a few thousand): s²·√(2/N) from ξ², 2·√(v·s²/N) from its cross term.
        let slack = 3.0 * (hi * (2.0 / 2000.0_f64).sqrt() + 2.0 * (v_off * hi / 2000.0).sqrt());
        let added = v_on - v_off;
        let weight = off.index_axis(ndarray::Axis(0), k).sum();
        let mean_band = (0..=60)
            .map(|a| band(t_s - start_s - a as f64))
            .sum::<f64>()
            / 61.0;
        pooled_added += weight * added;
        pooled_expected += weight * mean_band;
        eprintln!("{t_s} s: added {added:.0} m², s² {lo:.0}–{hi:.0} m², mean {mean_band:.0} m²");
        assert!(
            added > lo - slack && added < hi + slack,
            "interval ending {t_s} s: variance added {added:.0} m², s² of its ages {lo:.0}–{hi:.0} m²"
        );
    }
    let pooled = pooled_added / pooled_expected;
    assert!(
        (pooled - 1.0).abs() < 0.04,
        "deposit-weighted variance added {pooled:.4} × the mean s² of the deposits' ages"
    );
}

#[test]
fn images_off_the_grid_are_dropped_not_piled_into_the_edge_cells() {
    // A grid 8 cells (320 m) across the wind against a meander of ~100–300 m: many images fall
    // off (and some particles leave the domain across its sides).
    let run_s = 1200.0;
    let (on, g) = depositing_run(HOURLY, 8, run_s);
    let s = &on.fields.species[0];
    let b = s.budget.unwrap();
    let on_grid = s.dry_deposition.sum() * g.dx_m * g.dx_m;
    assert!(
        on_grid < 0.99 * b.dry_deposited,
        "grid {on_grid}, budget {}",
        b.dry_deposited
    );
    // Across the wind the deposit falls off from the middle row to the edge rows, as a
    // Gaussian does; clamped images would make the edge rows the largest.
    let row = |j: usize| s.dry_deposition.row(j).sum();
    let (edge, inner, middle) = (row(0) + row(7), row(1) + row(6), row(3) + row(4));
    assert!(
        edge < inner && inner < middle,
        "rows {edge} {inner} {middle}"
    );
    let c = &s.concentration;
    let last = g.nt() - 1;
    let air_row = |j: usize| (0..g.nx).map(|i| c[[last, 0, j, i]]).sum::<f64>();
    assert!(air_row(0) + air_row(7) < air_row(3) + air_row(4));
}

#[test]
fn a_meandering_run_is_the_same_on_one_and_three_threads() {
    let (plans, species, g, run_s) = all_processes_case(20_000);
    let cfg = LagrangianConfig {
        seed: 7,
        meander: MeanderConfig {
            averaging_s: 1200.0,
            ..HOURLY
        },
        ..Default::default()
    };
    let with = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        pool.install(|| run(&plans, &species, &g, rainy_neutral_column(), &cfg, run_s))
    };
    let (one, three) = (with(1), with(3));
    assert_eq!(one.fields, three.fields);
    assert_eq!(one.particles, three.particles);
    assert!(one.fields.species[1].dry_deposition.sum() > 0.0);
    assert!(one.fields.species[1].wet_deposition.sum() > 0.0);
    let plain = run(
        &plans,
        &species,
        &g,
        rainy_neutral_column(),
        &LagrangianConfig {
            meander: MeanderConfig::OFF,
            ..cfg
        },
        run_s,
    );
    assert_eq!(
        plain.particles, one.particles,
        "the meander moves no particle"
    );
    assert_ne!(
        plain.fields.species[0].concentration,
        one.fields.species[0].concentration
    );
}

/// A 1 m release in a class F night wind of 2 m/s with 15-minute means, the meander's keys
/// `keys` added to `[model]`.
pub(crate) fn night_scenario(keys: &str) -> String {
    format!(
        r#"
[scenario]
name = "night release"
start = "2026-07-01T04:00:00Z"
duration_s = 3600
[domain]
centre = {{ lat = 45.2, lon = -66.5 }}
extent_m = [6000, 3000]
resolution_m = 25
layers_m = [[0, 10]]
output_interval_s = 900
[[source]]
name = "valve"
location = {{ lat = 45.2, lon = -66.535 }}
height_m = 1
start_s = 0
duration_s = 3600
release = [{{ substance = "tracer", rate_kg_s = 1.0 }}]
[meteorology]
kind = "uniform"
wind_speed_m_s = 2.0
wind_from_deg = 270
stability = "F"
roughness_length_m = 0.1
[model]
kind = "lagrangian"
particles = 40000
backend = "cpu"
{keys}"#
    )
}

#[test]
fn scenarios_take_names_meander_by_default_and_check_its_keys() {
    use plume::scenario::{ModelSpec, Scenario};
    use std::path::Path;
    let meander = |keys: &str| {
        let s = Scenario::parse(&night_scenario(keys), Path::new("night.toml")).unwrap();
        match s.model {
            ModelSpec::Lagrangian {
                meander_sigma_m_s,
                meander_time_scale_s,
                ..
            } => (meander_sigma_m_s, meander_time_scale_s),
            _ => unreachable!(),
        }
    };
    assert_eq!(meander(""), (0.5, 7200.0));
    assert_eq!(
        meander("meander_sigma_m_s = 0.2\nmeander_time_scale_s = 3600"),
        (0.2, 3600.0)
    );
    let err = Scenario::parse(
        &night_scenario("meander_sigma_m_s = -1\nmeander_time_scale_s = 5"),
        Path::new("night.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("model.meander_sigma_m_s = -1")
            && err.contains("model.meander_time_scale_s = 5"),
        "{err}"
    );
    let err = Scenario::parse(
        &night_scenario("meander_averaging_s = 0.5"),
        Path::new("night.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("model.meander_averaging_s = 0.5"), "{err}");
}

#[test]
fn a_night_plume_widens_with_the_meander_and_warns_of_its_narrowness_without_it() {
    use plume::scenario::Scenario;
    use plume::{simulate, RunOptions};
    use std::path::Path;
    let run = |keys: &str| {
        let s = Scenario::parse(&night_scenario(keys), Path::new("night.toml")).unwrap();
        simulate(&s, &RunOptions::default()).unwrap()
    };
    let (on, off) = (run(""), run("meander_sigma_m_s = 0"));
    // Crosswind σ of the ground-level time integral of the quarter-hour maps on the column
    // 2 km downwind (the exposures, averaged over the hour-long release, are wider still).
    let tm = plume::geo::TransverseMercator::new(plume::geo::LatLon::new(45.2, -66.5));
    let (source_x_m, _) = tm.forward(plume::geo::LatLon::new(45.2, -66.535));
    let sigma_y = |sim: &plume::Simulation| {
        let f = &sim.fields.species[0];
        let g = &sim.fields.grid;
        let off = |i: usize| (g.x_m(i) - source_x_m - 2000.0).abs();
        let i = (0..g.nx)
            .min_by(|&a, &b| off(a).total_cmp(&off(b)))
            .unwrap();
        let (w, m2) = (0..g.ny).fold((0.0, 0.0), |(w, m2), j| {
            let v: f64 = (0..g.nt()).map(|n| f.concentration[[n, 0, j, i]]).sum();
            (w + v, m2 + v * g.y_m(j).powi(2))
        });
        (m2 / w).sqrt()
    };
    let (wide, narrow) = (sigma_y(&on), sigma_y(&off));
    eprintln!("σy at 2 km: {narrow:.0} m without the meander, {wide:.0} m with it");
    // Briggs F (about 10 min) gives 73 m at 2 km, AERMOD (1 h) 40 m, Irwin's f_y 56 m; the
    // turbulence alone about 24 m.
    assert!(
        narrow < 35.0 && (45.0..110.0).contains(&wide),
        "{narrow} {wide}"
    );
    let warns = |sim: &plume::Simulation| sim.warnings.iter().any(|w| w.contains("no meander"));
    assert!(warns(&off) && !warns(&on), "{:?}", off.warnings);
}

/// The night scenario with `met` added to `[meteorology]` and `keys` to `[model]`.
fn night_scenario_with(met: &str, keys: &str) -> String {
    night_scenario(keys).replace(
        "roughness_length_m = 0.1\n",
        &format!("roughness_length_m = 0.1\n{met}\n"),
    )
}

#[test]
fn a_sigma_theta_over_the_whole_output_interval_leaves_no_meander_to_add() {
    use plume::scenario::Scenario;
    use plume::{simulate, RunOptions};
    use std::path::Path;
    let parse = |met: &str, keys: &str| {
        Scenario::parse(&night_scenario_with(met, keys), Path::new("night.toml"))
    };
    let run = |met: &str, keys: &str| {
        let sim = simulate(&parse(met, keys).unwrap(), &RunOptions::default()).unwrap();
        let f = &sim.fields.species[0];
        (
            (f.concentration.clone(), f.time_integrated.clone()),
            sim.warnings,
        )
    };
    // σθ 8° over 15 minutes, the output's interval: its record holds every swing the means
    // hold, the band is empty, and the interval maps are the meander-off run's to the bit
    // (the exposures, averaged over the hour-long release, still gain its 15–60 minute
    // swings). Taken as a 10-minute σθ (the default) the 10–15 minute swings are added.
    let quarter_hour = "sigma_theta_deg = 8\nsigma_theta_averaging_s = 900";
    let (held, held_warnings) = run(quarter_hour, "");
    let (off, _) = run(quarter_hour, "meander_sigma_m_s = 0");
    let (ten_minutes, _) = run("sigma_theta_deg = 8", "");
    assert_eq!(held.0, off.0);
    assert_ne!(held.1, off.1);
    assert_ne!(ten_minutes.0, off.0);
    // The measured σθ sets the width: no warning of Hanna's turbulence alone, nor of its
    // record; an hourly σθ under 15-minute means is warned of.
    assert!(
        !held_warnings
            .iter()
            .any(|w| w.contains("no meander") || w.contains("σθ is taken over")),
        "{held_warnings:?}"
    );
    let (_, hourly_warnings) = run("sigma_theta_deg = 8\nsigma_theta_averaging_s = 3600", "");
    assert!(
        hourly_warnings
            .iter()
            .any(|w| w
                .contains("σθ is taken over 3600 s, longer than the 900 s the particle model's")),
        "{hourly_warnings:?}"
    );
    // A record under a minute or over a day, or one without a σθ, is refused by name.
    for (met, expected) in [
        (
            "sigma_theta_deg = 8\nsigma_theta_averaging_s = 30",
            "meteorology.sigma_theta_averaging_s = 30",
        ),
        (
            "sigma_theta_averaging_s = 900",
            "no averaging time without a measured sigma_theta_deg",
        ),
    ] {
        let err = parse(met, "").unwrap_err().to_string();
        assert!(err.contains(expected), "{met}: {err}");
    }
    // Station weather takes the key for its file's σθ column.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let text = std::fs::read_to_string(root.join("lepreau_backing_wind.toml")).unwrap();
    let with_key = text.replace(
        "interpolation = \"inverse_distance\"\n",
        "interpolation = \"inverse_distance\"\nsigma_theta_averaging_s = 3600\n",
    );
    assert_ne!(with_key, text);
    let path = root.join("lepreau_backing_wind.toml");
    let s = Scenario::parse(&with_key, &path).unwrap();
    assert_eq!(s.meteorology.sigma_theta_averaging_s(), Some(3600.0));
    let plain = Scenario::parse(&text, &path).unwrap();
    assert_eq!(plain.meteorology.sigma_theta_averaging_s(), None);
}
