//! Scenario files: every shipped scenario runs, and broken ones say precisely what is wrong.

use std::path::{Path, PathBuf};

use plume::scenario::{Scenario, ScenarioError};
use proptest::prelude::*;

const VALID: &str = r#"
[scenario]
name = "test"
start = "2026-07-14T06:00:00Z"
duration_s = 3600

[domain]
centre = { lat = 45.07, lon = -66.75 }
extent_m = [20000, 10000]
resolution_m = 500
layers_m = [[0, 3], [3, 50]]
output_interval_s = 900

[[source]]
name = "stack"
location = { lat = 45.07, lon = -66.70 }
height_m = 40
release = [{ nuclide = "I-131", rate_bq_s = 1e12 }]

[meteorology]
kind = "uniform"
wind_speed_m_s = 5.0
wind_from_deg = 80
stability = "D"

[model]
kind = "gaussian_plume"
"#;

fn problems(text: &str) -> Vec<String> {
    match Scenario::parse(text, Path::new("broken.toml")) {
        Ok(_) => vec![],
        Err(ScenarioError::Invalid { problems, .. }) => {
            problems.iter().map(|p| p.to_string()).collect()
        }
        Err(e) => vec![e.to_string()],
    }
}

/// Asserts that the text fails with a problem mentioning every fragment.
fn fails_with(text: &str, fragments: &[&str]) {
    let ps = problems(text);
    assert!(
        ps.iter().any(|p| fragments.iter().all(|f| p.contains(f))),
        "expected a problem containing {fragments:?}, got {ps:#?}"
    );
}

#[test]
fn the_reference_scenario_is_valid() {
    assert_eq!(problems(VALID), Vec::<String>::new());
}

#[test]
fn every_shipped_scenario_parses_validates_and_runs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 2,
        "scenarios/ should hold the regional scenarios"
    );
    for f in files {
        let s = Scenario::load(&f).unwrap_or_else(|e| panic!("{e}"));
        let sim = plume::simulate(&s, &plume::RunOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let out = tempfile::tempdir().unwrap();
        let written = plume::write_outputs(&s, &sim, out.path()).unwrap();
        assert!(!written.is_empty());
        let total: f64 = sim
            .fields
            .species
            .iter()
            .map(|sp| sp.time_integrated.sum())
            .sum();
        assert!(total > 0.0, "{} produced an empty field", f.display());
    }
}

#[test]
fn misspelt_key_names_the_field_and_the_allowed_keys() {
    fails_with(
        &VALID.replace("wind_speed_m_s", "wind_sped_m_s"),
        &["meteorology", "wind_sped_m_s", "expected one of"],
    );
}

#[test]
fn unknown_stability_class() {
    fails_with(
        &VALID.replace("stability = \"D\"", "stability = \"G\""),
        &["meteorology.stability", "\"G\"", "\"A\" to \"F\""],
    );
}

#[test]
fn stability_and_obukhov_length_together() {
    fails_with(
        &VALID.replace(
            "stability = \"D\"",
            "stability = \"D\"\nobukhov_length_m = -50",
        ),
        &["obukhov_length_m", "-50", "not both"],
    );
}

#[test]
fn sigma_theta_out_of_range() {
    fails_with(
        &VALID.replace(
            "stability = \"D\"",
            "stability = \"D\"\nsigma_theta_deg = 75",
        ),
        &["meteorology.sigma_theta_deg = 75", "degrees"],
    );
    fails_with(
        &VALID.replace(
            "stability = \"D\"",
            "stability = \"D\"\nsigma_theta_deg = 0",
        ),
        &["meteorology.sigma_theta_deg = 0", "degrees"],
    );
}

#[test]
fn negative_wind_speed() {
    fails_with(
        &VALID.replace("wind_speed_m_s = 5.0", "wind_speed_m_s = -2.0"),
        &["meteorology.wind_speed_m_s = -2", "> 0"],
    );
}

#[test]
fn missing_start_time() {
    fails_with(
        &VALID.replace("start = \"2026-07-14T06:00:00Z\"\n", ""),
        &["scenario.start", "(missing)", "ISO 8601"],
    );
}

#[test]
fn malformed_start_time() {
    fails_with(
        &VALID.replace("2026-07-14T06:00:00Z", "yesterday at six"),
        &["scenario.start", "yesterday", "any UTC offset", "-03:00"],
    );
}

#[test]
fn source_outside_the_domain() {
    fails_with(
        &VALID.replace("lon = -66.70", "lon = -66.00"),
        &["source[0].location", "inside the domain"],
    );
}

#[test]
fn layer_with_bottom_above_top() {
    fails_with(
        &VALID.replace("[3, 50]", "[50, 3]"),
        &["domain.layers_m[1]", "bottom < top"],
    );
}

#[test]
fn misspelt_model_kind() {
    fails_with(
        &VALID.replace("kind = \"gaussian_plume\"", "kind = \"gausian_plume\""),
        &["model", "unknown variant `gausian_plume`", "gaussian_plume"],
    );
}

#[test]
fn unknown_nuclide() {
    fails_with(
        &VALID.replace("I-131", "I-999"),
        &["source[0].release[0].nuclide", "I-999", "in the library"],
    );
}

#[test]
fn mass_rate_for_a_nuclide() {
    fails_with(
        &VALID.replace("rate_bq_s = 1e12", "rate_kg_s = 1.0"),
        &["source[0].release[0].rate_kg_s", "rate_bq_s for a nuclide"],
    );
}

#[test]
fn output_interval_longer_than_the_run() {
    fails_with(
        &VALID.replace("output_interval_s = 900", "output_interval_s = 7200"),
        &[
            "domain.output_interval_s = 7200",
            "at most scenario.duration_s",
        ],
    );
}

#[test]
fn toml_syntax_error_gives_the_line() {
    fails_with(
        &VALID.replace("height_m = 40", "height_m = = 40"),
        &["(syntax) line 17", "height_m = = 40", "valid TOML"],
    );
}

#[test]
fn partial_stack_parameters() {
    fails_with(
        &VALID.replace("height_m = 40", "height_m = 40\nstack_diameter_m = 3"),
        &["source[0].stack_diameter_m", "all three"],
    );
}

#[test]
fn unknown_section() {
    fails_with(
        &format!("{VALID}\n[weather]\nwind = 3\n"),
        &["weather", "unknown section"],
    );
}

#[test]
fn wrong_type() {
    fails_with(
        &VALID.replace("duration_s = 3600", "duration_s = \"an hour\""),
        &["scenario.duration_s", "invalid type"],
    );
}

#[test]
fn all_problems_are_reported_at_once_with_the_file_name() {
    let text = VALID
        .replace("wind_speed_m_s = 5.0", "wind_speed_m_s = -2.0")
        .replace("I-131", "I-999")
        .replace("[3, 50]", "[50, 3]")
        .replace("duration_s = 3600", "duration_s = 0");
    let err = Scenario::parse(&text, Path::new("scenarios/bad.toml")).unwrap_err();
    let msg = err.to_string();
    for f in [
        "scenarios/bad.toml: meteorology.wind_speed_m_s",
        "scenarios/bad.toml: source[0].release[0].nuclide",
        "domain.layers_m[1]",
        "scenario.duration_s = 0",
    ] {
        assert!(msg.contains(f), "{f:?} missing from:\n{msg}");
    }
    let ScenarioError::Invalid { problems, .. } = err else {
        panic!()
    };
    assert!(problems.len() >= 4, "{problems:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// No input, however mangled, makes the parser panic.
    #[test]
    fn parser_never_panics_on_mutated_scenarios(cut in 0usize..VALID.len(), insert in "[ -~\\n]{0,12}", keep in 0usize..VALID.len()) {
        let mut text: String = VALID.chars().take(cut).collect();
        text.push_str(&insert);
        text.extend(VALID.chars().skip(keep));
        let _ = Scenario::parse(&text, Path::new("fuzz.toml"));
    }

    #[test]
    fn parser_never_panics_on_numbers(v in prop::num::f64::ANY) {
        let text = VALID.replace("wind_speed_m_s = 5.0", &format!("wind_speed_m_s = {v:?}")).replace("height_m = 40", &format!("height_m = {v:?}"));
        let _ = Scenario::parse(&text, Path::new("fuzz.toml"));
    }
}

#[test]
fn library_nuclides_deposit_by_their_class_unless_the_release_says_otherwise() {
    let text = VALID.replace(
        r#"release = [{ nuclide = "I-131", rate_bq_s = 1e12 }]"#,
        r#"release = [
  { nuclide = "Cs-137", rate_bq_s = 1e11 },
  { nuclide = "Xe-133", rate_bq_s = 1e14 },
  { nuclide = "H-3", rate_bq_s = 1e12 },
  { nuclide = "I-131", rate_bq_s = 1e12, dry_deposition_velocity_m_s = 0.01, washout_a_per_s = 0 },
  { substance = "Chlorine", rate_kg_s = 1.0 },
]"#,
    );
    let s = Scenario::parse(&text, Path::new("deposition.toml")).unwrap();
    let dep: Vec<(f64, f64, f64)> = s.sources[0]
        .releases
        .iter()
        .map(|r| {
            let d = r.deposition;
            (d.dry_velocity_m_s, d.washout_a_per_s, d.washout_b)
        })
        .collect();
    // Particulate (HYSPLIT's Cs137 preset), noble gas, tritiated water (HTO preset).
    assert_eq!(dep[0], (0.001, 8e-5, 0.8));
    assert_eq!(dep[1], (0.0, 0.0, 0.8));
    assert_eq!(dep[2], (4e-4, 8e-5, 0.8));
    // What the release gives wins; what it leaves out keeps the class default.
    assert_eq!(dep[3], (0.01, 0.0, 0.8));
    // A chemical is an inert gas unless told otherwise.
    assert_eq!(dep[4], (0.0, 0.0, 0.8));
}

/// `VALID` with a second source releasing `release`.
fn with_second_release(release: &str) -> String {
    VALID.replace(
        "[meteorology]",
        &format!(
            "[[source]]\nname = \"second\"\nlocation = {{ lat = 45.07, lon = -66.72 }}\nrelease = [{release}]\n\n[meteorology]"
        ),
    )
}

#[test]
fn two_spellings_of_one_substance_are_rejected_before_the_run() {
    // Both would be written as the same netCDF variable (or the same library chemical's
    // consequence fields), which HDF5 refuses only after the whole run.
    let text = VALID.replace(
        r#"{ nuclide = "I-131", rate_bq_s = 1e12 }"#,
        r#"{ substance = "Chlorine gas", rate_kg_s = 1.0 }"#,
    );
    let text = text.replace(
        "[meteorology]",
        "[[source]]\nlocation = { lat = 45.07, lon = -66.72 }\nrelease = [{ substance = \"Chlorine-gas\", rate_kg_s = 1.0 }]\n\n[meteorology]",
    );
    fails_with(
        &text,
        &[
            "source[1].release[0].substance",
            "\"Chlorine-gas\"",
            "\"Chlorine gas\"",
        ],
    );
    fails_with(
        &with_second_release(r#"{ nuclide = "i131", rate_bq_s = 1e12 }"#),
        &["source[1].release[0].nuclide", "\"i131\"", "\"I-131\""],
    );
    let chlorine = VALID.replace(
        r#"{ nuclide = "I-131", rate_bq_s = 1e12 }"#,
        r#"{ substance = "Chlorine", rate_kg_s = 1.0 }"#,
    );
    fails_with(
        &chlorine.replace(
            "[meteorology]",
            "[[source]]\nlocation = { lat = 45.07, lon = -66.72 }\nrelease = [{ substance = \"chlorine\", rate_kg_s = 1.0 }]\n\n[meteorology]",
        ),
        &["source[1].release[0].substance", "\"chlorine\"", "\"Chlorine\""],
    );
    // The same name in two sources is one species.
    assert_eq!(
        problems(&with_second_release(
            r#"{ nuclide = "I-131", rate_bq_s = 1e12 }"#
        )),
        Vec::<String>::new()
    );
}

#[test]
fn lagrangian_run_needs_at_least_one_particle_per_source() {
    // With one particle and two sources, the second source would release nothing at all.
    let text = with_second_release(r#"{ nuclide = "Cs-137", rate_bq_s = 1e12 }"#).replace(
        "kind = \"gaussian_plume\"",
        "kind = \"lagrangian\"\nparticles = 1",
    );
    fails_with(
        &text,
        &[
            "model.particles = 1",
            "at least one particle per source",
            "2",
        ],
    );
    assert_eq!(
        problems(&text.replace("particles = 1", "particles = 2")),
        Vec::<String>::new()
    );
}

#[test]
fn a_grid_too_large_to_hold_in_memory_is_a_validation_error() {
    // 25 million cells per layer and 10000 output times each pass on their own, but together
    // they are 5×10¹¹ values (4 TB): the run aborted allocating them.
    let text = VALID
        .replace("extent_m = [20000, 10000]", "extent_m = [1000000, 1000000]")
        .replace("resolution_m = 500", "resolution_m = 200")
        .replace("output_interval_s = 900", "output_interval_s = 1")
        .replace("duration_s = 3600", "duration_s = 10000");
    fails_with(
        &text,
        &[
            "domain",
            "5000 × 5000 cells × 2 layers × 10000 times × 1 species",
            "at most 1000000000 values",
        ],
    );
}

#[test]
fn inventory_problems_name_the_field_the_value_and_what_was_expected() {
    let inventory = |table: &str| {
        VALID.replace(
            r#"release = [{ nuclide = "I-131", rate_bq_s = 1e12 }]"#,
            &format!("inventory = {{ {table}, phases = [\"gap_release\"] }}"),
        )
    };
    fails_with(
        &inventory(
            r#"activities_bq = { "I-131" = 1e18, "Foo-1" = 1e15 }, time_since_shutdown_s = 0"#,
        ),
        &[
            "source[0].inventory.activities_bq.Foo-1 = \"Foo-1\"",
            "a nuclide of the library",
        ],
    );
    fails_with(
        &inventory(r#"activities_bq = { "I-131" = -1e18 }, time_since_shutdown_s = 0"#),
        &[
            "source[0].inventory.activities_bq.I-131 = -1000000000000000000",
            "≥ 0",
        ],
    );
    fails_with(
        &inventory(r#"activities_bq = { "I-131" = 1e18 }, time_since_shutdown_s = nan"#),
        &["source[0].inventory.time_since_shutdown_s = NaN", "≥ 0"],
    );
    fails_with(
        &inventory(r#"activities_bq = { "I-131" = 1e18 }, time_since_shutdown_s = 0"#)
            .replace("height_m = 40", "height_m = 40\nduration_s = 0"),
        &["source[0].duration_s = 0", "> 0", "inventory"],
    );
    fails_with(
        &inventory(r#"activities_bq = { "I-131" = 1e300 }, time_since_shutdown_s = 0"#),
        &["source[0].inventory.I-131.rate_bq_s = ", "Bq/s"],
    );
}

#[test]
fn huge_and_tiny_values_are_quoted_as_written_not_as_hundreds_of_digits() {
    fails_with(
        &VALID.replace("wind_speed_m_s = 5.0", "wind_speed_m_s = 1e300"),
        &["meteorology.wind_speed_m_s = 1e300: expected"],
    );
    fails_with(
        &VALID.replace("wind_speed_m_s = 5.0", "wind_speed_m_s = -1e-300"),
        &["meteorology.wind_speed_m_s = -1e-300: expected"],
    );
}

#[test]
fn one_name_released_twice_as_different_things_says_which_and_how() {
    // A substance and a nuclide of one name.
    let chlorine = VALID.replace(
        r#"{ nuclide = "I-131", rate_bq_s = 1e12 }"#,
        r#"{ substance = "Chlorine", rate_kg_s = 1.0 }"#,
    );
    fails_with(
        &chlorine.replace(
            "[meteorology]",
            "[[source]]\nlocation = { lat = 45.07, lon = -66.72 }\nrelease = [{ nuclide = \"Chlorine\", rate_bq_s = 1.0, half_life_s = 5 }]\n\n[meteorology]",
        ),
        &["source[1].release[0].nuclide = \"Chlorine\"", "substance ="],
    );
    // One nuclide with two half-lives.
    fails_with(
        &with_second_release(r#"{ nuclide = "I-131", rate_bq_s = 1e12, half_life_s = 5 }"#),
        &["source[1].release[0].half_life_s = 5: expected", "692"],
    );
}

#[test]
fn a_half_life_of_zero_asks_for_a_positive_number_without_an_upper_bound() {
    let ps = problems(&VALID.replace("rate_bq_s = 1e12 }", "rate_bq_s = 1e12, half_life_s = 0 }"));
    assert_eq!(
        ps,
        ["source[0].release[0].half_life_s = 0: expected a number > 0 s"]
    );
}
