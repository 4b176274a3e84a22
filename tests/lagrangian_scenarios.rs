//! Every ready-made scenario also runs with `model.kind = "lagrangian"`, and the particle
//! model's keys are validated like every other key.

use std::path::{Path, PathBuf};

use plume::scenario::{ModelSpec, Scenario};
use plume::{simulate, RunOptions};

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("scenarios folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// The scenario text with its `[model]` table replaced by `model`.
fn with_model(path: &Path, model: &str) -> String {
    let text = std::fs::read_to_string(path).expect("readable scenario");
    let mut table: toml::Table = text.parse().expect("valid TOML");
    table.insert(
        "model".into(),
        toml::Value::Table(model.parse().expect("model table")),
    );
    toml::to_string(&table).expect("serialises")
}

#[test]
fn every_scenario_runs_with_the_particle_model_and_closes_its_budget() {
    let files = scenario_files();
    assert!(files.len() >= 2, "{files:?}");
    for path in files {
        let text = with_model(&path, "kind = \"lagrangian\"\nparticles = 20000\nseed = 5");
        let s = Scenario::parse(&text, &path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(matches!(
            s.model,
            ModelSpec::Lagrangian {
                particles: 20_000,
                seed: 5,
                ..
            }
        ));
        let sim = simulate(
            &s,
            &RunOptions {
                threads: Some(2),
                ..Default::default()
            },
        )
        .expect("runs");
        assert_eq!(sim.model, "lagrangian");
        assert_eq!(sim.seed, Some(5));
        for f in &sim.fields.species {
            let b = f.budget.expect("budget");
            assert!(b.released > 0.0, "{}: nothing released", path.display());
            assert!(
                b.relative_imbalance().abs() < 1e-9,
                "{}: {b:?}",
                path.display()
            );
            let peak = f.concentration.iter().copied().fold(0.0, f64::max);
            assert!(
                peak > 0.0,
                "{}: {} never reaches the grid",
                path.display(),
                f.species.name
            );
        }
    }
}

#[test]
fn cli_seed_overrides_the_scenario_seed() {
    let path = &scenario_files()[0];
    let text = with_model(path, "kind = \"lagrangian\"\nparticles = 2000\nseed = 5");
    let s = Scenario::parse(&text, path).expect("valid");
    let a = simulate(
        &s,
        &RunOptions {
            seed: Some(9),
            ..Default::default()
        },
    )
    .expect("runs");
    let b = simulate(
        &s,
        &RunOptions {
            seed: Some(9),
            ..Default::default()
        },
    )
    .expect("runs");
    let c = simulate(&s, &RunOptions::default()).expect("runs");
    assert_eq!(a.seed, Some(9));
    assert_eq!(a.fields, b.fields);
    assert_ne!(
        a.fields.species[0].concentration,
        c.fields.species[0].concentration
    );
}

#[test]
fn out_of_range_particle_model_keys_are_all_reported() {
    let path = &scenario_files()[0];
    let text = with_model(
        path,
        "kind = \"lagrangian\"\nparticles = 0\nseed = -1\nmax_time_step_s = 0.0\ntime_step_factor = 2.0\nsampling_step_s = 0.5\nbackend = \"gpu\"",
    );
    let err = Scenario::parse(&text, path)
        .expect_err("invalid")
        .to_string();
    for key in [
        "model.particles",
        "model.seed",
        "model.max_time_step_s",
        "model.time_step_factor",
    ] {
        assert!(err.contains(key), "{key} not reported in:\n{err}");
    }
    let typo = with_model(path, "kind = \"lagrangian\"\nparticle = 10");
    let err = Scenario::parse(&typo, path)
        .expect_err("unknown key")
        .to_string();
    assert!(err.contains("particle"), "{err}");
}

#[test]
fn deposition_keys_have_gas_defaults_and_are_range_checked() {
    let base = "[scenario]\nname = \"d\"\nstart = \"2026-01-01T00:00:00Z\"\nduration_s = 3600\n\
        [domain]\ncentre = { lat = 45.0, lon = -66.0 }\nextent_m = [10000, 10000]\nresolution_m = 500\n\
        layers_m = [[0, 3]]\noutput_interval_s = 900\n\
        [meteorology]\nkind = \"uniform\"\nwind_speed_m_s = 4\nwind_reference_height_m = 10\nwind_from_deg = 270\n\
        stability = \"D\"\nroughness_length_m = 0.1\n\
        [model]\nkind = \"lagrangian\"\nparticles = 1000\n";
    let good = format!(
        "{base}[[source]]\nname = \"s\"\nlocation = {{ lat = 45.0, lon = -66.01 }}\nheight_m = 10\n\
         release = [{{ substance = \"gas\", rate_kg_s = 1.0 }}, \
         {{ nuclide = \"Cs-137\", rate_bq_s = 1e9, dry_deposition_velocity_m_s = 0.001, washout_a_per_s = 8e-5 }}]\n"
    );
    let s = Scenario::parse(&good, Path::new("good.toml")).expect("valid");
    let gas = s.sources[0].releases[0].deposition;
    assert_eq!(
        (gas.dry_velocity_m_s, gas.washout_a_per_s, gas.washout_b),
        (0.0, 0.0, 0.8)
    );
    let cs = s.sources[0].releases[1].deposition;
    assert_eq!(
        (cs.dry_velocity_m_s, cs.washout_a_per_s, cs.washout_b),
        (0.001, 8e-5, 0.8)
    );
    let bad = good.replace(
        "dry_deposition_velocity_m_s = 0.001",
        "dry_deposition_velocity_m_s = -0.1, washout_b = 7",
    );
    let err = Scenario::parse(&bad, Path::new("bad.toml"))
        .expect_err("invalid")
        .to_string();
    assert!(
        err.contains("source[0].release[1].dry_deposition_velocity_m_s"),
        "{err}"
    );
    assert!(err.contains("source[0].release[1].washout_b"), "{err}");
}

#[test]
fn progress_is_reported_from_start_to_finish_in_order() {
    let path = &scenario_files()[0];
    let text = with_model(path, "kind = \"lagrangian\"\nparticles = 2000");
    let s = Scenario::parse(&text, path).expect("valid");
    let mut seen = vec![];
    plume::simulate_with_progress(&s, &RunOptions::default(), &mut |f| seen.push(f)).expect("runs");
    assert!(
        seen.len() >= s.duration_s as usize / 300,
        "{} reports",
        seen.len()
    );
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert!(
        seen[0] > 0.0 && (seen[seen.len() - 1] - 1.0).abs() < 1e-12,
        "{seen:?}"
    );
}

#[test]
fn a_particle_run_in_stable_air_without_a_meander_says_its_plume_is_too_narrow() {
    // The rail-car leak is class F at night; the sunny afternoon is class B. With the wind's
    // meander (the default) the night plume is widened and nothing is said.
    let run = |file: &str, keys: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(file);
        let text = with_model(
            &path,
            &format!("kind = \"lagrangian\"\nparticles = 2000\n{keys}"),
        );
        let s = Scenario::parse(&text, &path).expect("valid");
        simulate(&s, &RunOptions::default()).expect("runs").warnings
    };
    let night = run("saint_john_chlorine_railcar.toml", "meander_sigma_m_s = 0");
    assert!(
        night
            .iter()
            .any(|w| w.starts_with("stable air at the release (class F)")),
        "{night:?}"
    );
    let meandering = run("saint_john_chlorine_railcar.toml", "");
    assert!(
        !meandering.iter().any(|w| w.contains("stable air")),
        "{meandering:?}"
    );
    // Its city is no city to the particles, and that is said; its one-minute means no longer
    // need a word (its exposures are averaged over the half-hour release, a second tally).
    let says = |w: &[String], what: &str| w.iter().any(|w| w.contains(what));
    assert!(!says(&meandering, "meander_averaging_s"), "{meandering:?}");
    assert!(
        says(
            &meandering,
            "meteorology.terrain = \"urban\" sets the Gaussian models'"
        ),
        "{meandering:?}"
    );
    let day = run("lepreau_sunny_afternoon.toml", "meander_sigma_m_s = 0");
    assert!(!day.iter().any(|w| w.contains("stable air")), "{day:?}");
    assert!(
        !says(&day, "meander_averaging_s") && !says(&day, "terrain"),
        "{day:?}"
    );
}

/// A release 5 km west of Calais under a west wind, with `particles` particles.
fn calais_run(particles: usize) -> plume::Simulation {
    let text = format!(
        r#"
[scenario]
name = "upwind of Calais"
start = "2026-05-01T12:00:00Z"
duration_s = 3600
[domain]
centre = {{ lat = 45.184, lon = -67.30 }}
extent_m = [12000, 8000]
resolution_m = 500
layers_m = [[0, 3], [3, 50]]
output_interval_s = 1800
[[source]]
name = "west"
location = {{ lat = 45.184, lon = -67.34 }}
height_m = 10
duration_s = 3600
release = [{{ nuclide = "I-131", rate_bq_s = 1.0e12 }}]
[meteorology]
kind = "uniform"
wind_speed_m_s = 5
wind_from_deg = 270
stability = "D"
mixing_height_m = 800
[model]
kind = "lagrangian"
particles = {particles}
seed = 1
backend = "cpu"
"#
    );
    let s = Scenario::parse(&text, Path::new("calais.toml")).unwrap();
    simulate(&s, &RunOptions::default()).unwrap()
}

#[test]
fn towns_whose_breathing_layer_holds_few_particle_samples_are_named_in_a_warning() {
    // Found by review: a 20 000-particle stack run gave towns no inhalation dose at all while
    // the air above them and their deposit showed the plume had passed, and said nothing.
    let few = calais_run(300);
    let warning = few
        .warnings
        .iter()
        .find(|w| w.contains("few particle samples"))
        .expect("a warning");
    assert!(
        // Each town with its count in brackets (found by review: "Saint John 1:" read as a
        // name).
        warning.contains("Calais (")
            && warning.contains("(samples in brackets)")
            && warning.contains("(0–3 m)")
            && warning.contains("1/√N"),
        "{warning}"
    );
    let many = calais_run(40_000);
    assert!(
        !many
            .warnings
            .iter()
            .any(|w| w.contains("few particle samples") && w.contains("Calais")),
        "{:?}",
        many.warnings
    );
    // Calais is exposed in both: the warning is about the count, not the dose.
    for sim in [&few, &many] {
        assert!(sim
            .consequence
            .summary
            .towns
            .iter()
            .any(|t| t.town == "Calais"));
    }
}
