//! The Gaussian model on the scenario grid: travel-time windows, superposition, decay, and
//! identical results for any number of threads.

use crate::common;

use std::path::Path;

use plume::geo::TransverseMercator;
use plume::met::UniformMet;
use plume::model::gaussian::PlumeGeometry;
use plume::scenario::{MetSpec, Scenario, SigmaScheme};
use plume::{simulate, RunOptions};

fn scenario(extra_source: &str, nuclide: &str) -> Scenario {
    let text = format!(
        r#"
[scenario]
name = "grid test"
start = "2026-01-01T00:00:00Z"
duration_s = 7200
[domain]
centre = {{ lat = 45.0, lon = -66.0 }}
extent_m = [30000, 8000]
resolution_m = 250
layers_m = [[0, 2], [10, 30]]
output_interval_s = 900
[[source]]
name = "a"
location = {{ lat = 45.0, lon = -66.15 }}
height_m = 10
start_s = 0
duration_s = 900
release = [{{ nuclide = "{nuclide}", rate_bq_s = 1e9 }}]
{extra_source}
[meteorology]
kind = "uniform"
wind_speed_m_s = 5
wind_from_deg = 270
stability = "C"
mixing_height_m = 1000
"#
    );
    Scenario::parse(&text, Path::new("grid.toml")).unwrap()
}

#[test]
fn one_thread_and_many_threads_give_bit_identical_grids() {
    let s = Scenario::load(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lepreau_stack_east_wind.toml"),
    )
    .unwrap();
    let one = simulate(
        &s,
        &RunOptions {
            threads: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    for n in [2, 3, 8] {
        let many = simulate(
            &s,
            &RunOptions {
                threads: Some(n),
                ..Default::default()
            },
        )
        .unwrap();
        for (a, b) in one.fields.species.iter().zip(&many.fields.species) {
            assert!(a
                .concentration
                .iter()
                .zip(b.concentration.iter())
                .all(|(x, y)| x.to_bits() == y.to_bits()));
            assert!(a
                .time_integrated
                .iter()
                .zip(b.time_integrated.iter())
                .all(|(x, y)| x.to_bits() == y.to_bits()));
        }
    }
}

/// The model's transport speed for the scenario's first source.
fn transport_speed_m_s(s: &Scenario) -> f64 {
    let MetSpec::Uniform(spec) = &s.meteorology else {
        panic!("the test scenario has uniform meteorology")
    };
    let met = UniformMet::from_spec(spec, s.domain.centre.lat);
    let tm = TransverseMercator::new(s.domain.centre);
    PlumeGeometry::new(&s.sources[0], &met, SigmaScheme::Briggs, spec.terrain, &tm).u_m_s
}

#[test]
fn release_start_and_stop_travel_with_the_wind() {
    // A release during [0, 900] s reaches a receptor x metres downwind during [x/u, 900 + x/u];
    // each interval mean is the steady value times the fraction of the interval inside that window.
    let s = scenario("", "Cs-137");
    let u = transport_speed_m_s(&s);
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    let g = &sim.fields.grid;
    let f = &sim.fields.species[0];
    let (sx, sy) = sim.projection.forward(s.sources[0].location);
    for dx in [3000.0, 9000.0, 14000.0] {
        let (i, j) = g.cell_of(sx + dx, sy).unwrap();
        let tau = (g.x_m(i) - sx) / u;
        let fractions: Vec<f64> = (0..g.nt())
            .map(|n| {
                let (a, b) = (g.interval_start_s(n), g.times_s[n]);
                ((b.min(900.0 + tau) - a.max(tau)).max(0.0)) / (b - a)
            })
            .collect();
        let steady = f.time_integrated[[0, j, i]] / 900.0;
        for (n, fr) in fractions.iter().enumerate() {
            let c = f.concentration[[n, 0, j, i]];
            assert!(
                (c - steady * fr).abs() <= 1e-12 * steady,
                "x = {dx}, interval {n}: {c} vs {}",
                steady * fr
            );
        }
        // Nothing arrives before the front, nothing stays after the tail.
        assert!(fractions.iter().filter(|&&x| x > 0.0).count() <= 2);
    }
}

#[test]
fn short_lived_nuclide_decays_along_travel_time() {
    let stable = scenario("", "Cs-137");
    let mut short = stable.clone();
    short.species[0].half_life_s = Some(600.0);
    let u = transport_speed_m_s(&stable);
    let a = simulate(&stable, &RunOptions::default()).unwrap();
    let b = simulate(&short, &RunOptions::default()).unwrap();
    let g = &a.fields.grid;
    let (sx, sy) = a.projection.forward(stable.sources[0].location);
    let dl = std::f64::consts::LN_2 / 600.0 - stable.species[0].decay_constant_per_s();
    for dx in [2000.0, 8000.0, 15000.0] {
        let (i, j) = g.cell_of(sx + dx, sy).unwrap();
        let ratio = b.fields.species[0].time_integrated[[0, j, i]]
            / a.fields.species[0].time_integrated[[0, j, i]];
        let expected = (-dl * (g.x_m(i) - sx) / u).exp();
        assert!(
            (ratio / expected - 1.0).abs() < 1e-9,
            "x = {dx}: {ratio} vs {expected}"
        );
    }
}

#[test]
fn sources_superpose() {
    let one = simulate(&scenario("", "Cs-137"), &RunOptions::default()).unwrap();
    let dup = r#"
[[source]]
name = "b"
location = { lat = 45.0, lon = -66.15 }
height_m = 10
start_s = 0
duration_s = 900
release = [{ nuclide = "Cs-137", rate_bq_s = 1e9 }]
"#;
    let two = simulate(&scenario(dup, "Cs-137"), &RunOptions::default()).unwrap();
    let a = &one.fields.species[0].time_integrated;
    let b = &two.fields.species[0].time_integrated;
    for (x, y) in a.iter().zip(b.iter()) {
        assert!((2.0 * x - y).abs() <= 1e-12 * y.abs());
    }
}

/// A user test found the AEGL-3 zone of a chlorine release vanish at 200 m resolution because
/// the plume ran along the edge between two rows of cells, whose centre values missed it; with
/// the source moved 100 m it covered 0.28 km². Cells now hold their mean: the zone no longer
/// depends on where the grid lines fall.
#[test]
fn a_zone_near_the_source_does_not_depend_on_the_grid_alignment() {
    let zone_cells = |lat: f64| -> [usize; 3] {
        let text = common::CalaisChlorine {
            source_lat_deg: lat,
            ..Default::default()
        }
        .text();
        let s = Scenario::parse(&text, Path::new("alignment.toml")).unwrap();
        let sim = simulate(&s, &RunOptions::default()).unwrap();
        let ch = &sim.consequence.chemical[0];
        std::array::from_fn(|k| ch.zones[k].exceeded.iter().filter(|e| **e).count())
    };
    // On the edge between two rows of cells (the domain centre), and 100 m north of it.
    let (edge, centred) = (zone_cells(45.19), zone_cells(45.1909));
    for k in 0..3 {
        assert!(
            edge[k] > 0 && centred[k] > 0,
            "AEGL-{}: {edge:?} {centred:?}",
            k + 1
        );
        let ratio = edge[k] as f64 / centred[k] as f64;
        assert!(
            (0.75..=1.33).contains(&ratio),
            "AEGL-{}: {edge:?} {centred:?}",
            k + 1
        );
    }
}

/// Ammonia, 5 kg/s for 30 min from a ground source in class F at 2 m/s, on `resolution_m`
/// cells.
fn ammonia_night(resolution_m: f64) -> plume::Simulation {
    let text = format!(
        r#"
[scenario]
name = "ammonia at night"
start = "2026-01-15T04:00:00Z"
duration_s = 3600
[domain]
centre = {{ lat = 46.00, lon = -67.60 }}
extent_m = [4000, 1600]
resolution_m = {resolution_m}
output_interval_s = 600
[[source]]
name = "truck"
location = {{ lat = 46.00, lon = -67.625 }}
height_m = 1
duration_s = 1800
release = [{{ substance = "Ammonia", rate_kg_s = 5.0 }}]
[meteorology]
kind = "uniform"
wind_speed_m_s = 2
wind_from_deg = 270
stability = "F"
[model]
kind = "gaussian_plume"
backend = "cpu"
dense_gas = "passive"
"#
    );
    let s = Scenario::parse(&text, Path::new("ammonia.toml")).unwrap();
    simulate(&s, &RunOptions::default()).unwrap()
}

#[test]
fn zones_ending_where_the_plume_is_narrower_than_the_cells_are_named_in_a_warning() {
    // Found by review: the AEGL-3 reach was 0.78 km on 100 m cells and 1.02 km on 25 m ones;
    // σy ≈ 38 m there makes a 100 m cell on the axis 0.77 of the centreline.
    let coarse = ammonia_night(100.0);
    let warning = coarse
        .warnings
        .iter()
        .find(|w| w.contains("narrower than the 100 m cells"))
        .unwrap_or_else(|| panic!("{:?}", coarse.warnings));
    assert!(warning.contains("Ammonia AEGL-3"), "{warning}");
    let fine = ammonia_night(25.0);
    assert!(
        !fine.warnings.iter().any(|w| w.contains("narrower than")),
        "{:?}",
        fine.warnings
    );
    let reach = |sim: &plume::Simulation| {
        sim.consequence
            .summary
            .zones
            .iter()
            .find(|z| z.zone.starts_with("Ammonia AEGL-3"))
            .and_then(|z| z.reach.as_ref())
            .map(|r| r.distance_m)
            .unwrap()
    };
    assert!(
        reach(&fine) > 1.15 * reach(&coarse),
        "{} vs {}",
        reach(&fine),
        reach(&coarse)
    );
}

/// Found by review: a plume whose height is above the lid vanished from every layer, the one
/// holding its centre too, and the run said "nothing released reached the grid", while the
/// puff model's budget held it airborne. Now it is in the layers above the lid, in both models
/// alike, and nowhere below; both warn of it (the puffs were silent).
#[test]
fn a_plume_above_the_lid_stays_in_the_layers_above_it_in_plume_and_puffs() {
    let text = |model: &str| {
        format!(
            r#"
[scenario]
name = "above the lid"
start = "2026-07-14T12:00:00Z"
duration_s = 10800
[domain]
centre = {{ lat = 45.19, lon = -67.28 }}
extent_m = [24000, 6000]
resolution_m = 200
layers_m = [[0, 10], [10, 60], [80, 150], [150, 500]]
output_interval_s = 3600
[[source]]
name = "stack"
location = {{ lat = 45.19, lon = -67.41 }}
height_m = 100
release = [{{ nuclide = "Cs-137", rate_bq_s = 1e12 }}]
[meteorology]
kind = "uniform"
wind_speed_m_s = 5
wind_from_deg = 270
stability = "D"
mixing_height_m = 60
[model]
kind = "{model}"
"#
        )
    };
    let run = |model: &str| {
        let s = Scenario::parse(&text(model), Path::new("lid.toml")).unwrap();
        simulate(&s, &RunOptions::default()).unwrap()
    };
    let plume = run("gaussian_plume");
    let puff = run("gaussian_puff");
    for sim in [&plume, &puff] {
        let tic = &sim.fields.species[0].time_integrated;
        assert!(tic
            .index_axis(ndarray::Axis(0), 0)
            .iter()
            .all(|&v| v == 0.0));
        assert!(tic
            .index_axis(ndarray::Axis(0), 1)
            .iter()
            .all(|&v| v == 0.0));
        assert!(tic.index_axis(ndarray::Axis(0), 2).iter().any(|&v| v > 0.0));
        assert!(
            !sim.warnings
                .iter()
                .any(|w| w.contains("nothing released reached"))
                && sim
                    .warnings
                    .iter()
                    .any(|w| w.contains("it has penetrated the lid")),
            "{:?}",
            sim.warnings
        );
    }
    // Their crosswind integrals in the layer that holds the plume agree 2–10 km downwind (the
    // source stands 10.28 km west of the grid's centre).
    let cwi = |sim: &plume::Simulation, x_m: f64| {
        let g = &sim.fields.grid;
        let i = (0..g.nx)
            .min_by(|&a, &b| {
                (g.x_m(a) + 10_280.0 - x_m)
                    .abs()
                    .total_cmp(&(g.x_m(b) + 10_280.0 - x_m).abs())
            })
            .unwrap();
        sim.fields.species[0]
            .time_integrated
            .slice(ndarray::s![2, .., i])
            .sum()
    };
    for x in [2000.0, 5000.0, 10_000.0] {
        let (a, b) = (cwi(&plume, x), cwi(&puff, x));
        assert!(
            a > 0.0 && (b / a - 1.0).abs() < 0.02,
            "{x} m: plume {a}, puffs {b}"
        );
    }
}

#[test]
fn a_mixing_height_given_in_stable_air_is_warned_of_as_no_lid_for_the_gaussian_curves() {
    // ISC3's stable curves take no lid: an inversion entered for a class F night would be
    // silently ignored by the plume and curve-grown puffs; in class D it is their lid.
    let run = |stability: &str, model: &str| {
        let text = format!(
            r#"
[scenario]
name = "stable lid"
start = "2026-01-01T00:00:00Z"
duration_s = 3600
[domain]
centre = {{ lat = 45.0, lon = -66.0 }}
extent_m = [8000, 4000]
resolution_m = 250
output_interval_s = 1800
[[source]]
name = "a"
location = {{ lat = 45.0, lon = -66.03 }}
height_m = 10
release = [{{ nuclide = "Cs-137", rate_bq_s = 1e9 }}]
[meteorology]
kind = "uniform"
wind_speed_m_s = 3
wind_from_deg = 270
stability = "{stability}"
mixing_height_m = 100
[model]
kind = "{model}"
"#
        );
        let s = Scenario::parse(&text, Path::new("stable-lid.toml")).unwrap();
        simulate(&s, &RunOptions::default()).unwrap().warnings
    };
    let warns = |w: &[String]| {
        w.iter()
            .any(|w| w.contains("is no lid for the Gaussian curves"))
    };
    for model in ["gaussian_plume", "gaussian_puff"] {
        let stable = run("F", model);
        assert!(warns(&stable), "{model}: {stable:?}");
        let neutral = run("D", model);
        assert!(!warns(&neutral), "{model}: {neutral:?}");
    }
}
