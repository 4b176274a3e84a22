//! Scenario limits: what a run can hold in memory, how long a release must last, how fine
//! the output intervals must be for the AEGL means, and ranges that depend on one another (the
//! wind's reference height above the roughness length) — each refused or warned before the run.

use std::path::Path;

use crate::scenario_files::{fails_with, problems, VALID};
use plume::scenario::Scenario;

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
            "at most 12 GB",
        ],
    );
}

#[test]
fn a_grid_whose_dose_fields_would_not_fit_is_refused_before_the_run() {
    // Found by review: 25 million cells with one output time and two nuclides passed (5 % of
    // the concentration-value limit) and the run aborted at 15.6 GB on its dose fields.
    let text = VALID
        .replace("extent_m = [20000, 10000]", "extent_m = [500000, 500000]")
        .replace("resolution_m = 500", "resolution_m = 100")
        .replace("layers_m = [[0, 3], [3, 50]]", "layers_m = [[0, 3]]")
        .replace("output_interval_s = 900", "output_interval_s = 3600")
        .replace(
            r#"release = [{ nuclide = "I-131", rate_bq_s = 1e12 }]"#,
            r#"release = [{ nuclide = "I-131", rate_bq_s = 1e12 }, { nuclide = "Cs-137", rate_bq_s = 1e11 }]"#,
        );
    fails_with(
        &text,
        &[
            "domain",
            "5000 × 5000 cells × 1 layers × 1 times × 2 species",
            "GB",
        ],
    );
    // A tenth of the cells fits.
    let fits = text.replace("resolution_m = 100", "resolution_m = 320");
    assert_eq!(problems(&fits), Vec::<String>::new());
    // Particles are held beside the grids (found by review: 10⁸ particles, 8 GB, were not
    // counted): 6 GB of grids and 10⁸ particles together are refused, 10⁷ fit.
    let particles = |n: &str| {
        text.replace("resolution_m = 100", "resolution_m = 200")
            .replace(
                "kind = \"gaussian_plume\"",
                &format!("kind = \"lagrangian\"\nparticles = {n}"),
            )
    };
    fails_with(
        &particles("100000000"),
        &[
            "model.particles = 100000000",
            "about 8.0 GB (80 B each)",
            "at most 12 GB together",
        ],
    );
    assert_eq!(problems(&particles("10000000")), Vec::<String>::new());
}

/// AEGL peak means are taken over whole output intervals: a chemical run whose interval is
/// longer than a tenth of the 10-min AEGL window says how low they can come out, found by
/// review (the 10-min AEGL-1 zone of a 10-min leak was 2.5 km² at 1800 s, 11.9 km² at 60 s).
#[test]
fn a_chemical_run_with_coarse_output_intervals_warns_that_aegl_means_are_low() {
    let chemical = VALID.replace(
        r#"release = [{ nuclide = "I-131", rate_bq_s = 1e12 }]"#,
        r#"release = [{ substance = "Chlorine", rate_kg_s = 3.0 }]"#,
    );
    let warned = |text: &str| {
        Scenario::parse(text, Path::new("chlorine.toml"))
            .expect("valid")
            .warnings
            .iter()
            .find(|w| w.contains("domain.output_interval_s"))
            .cloned()
    };
    let w = warned(&chemical).expect("a 900 s interval warns");
    assert!(
        w.contains("900") && w.contains("33 %") && w.contains("60 s"),
        "{w}"
    );
    let fine = chemical.replace("output_interval_s = 900", "output_interval_s = 60");
    assert_eq!(warned(&fine), None);
    // Radionuclides have no AEGL to judge.
    assert_eq!(warned(VALID), None);
}

/// A release of zero length releases nothing; it was accepted, printed NaN in the dense-gas
/// warning and ran an empty scenario (found by review).
#[test]
fn a_release_of_zero_duration_is_refused() {
    fails_with(
        &VALID.replace("height_m = 40", "height_m = 40\nduration_s = 0"),
        &["source[0].duration_s = 0", "> 0", "rupture"],
    );
}

#[test]
fn a_roughness_length_out_of_range_is_one_problem_not_two() {
    // Found by review: z0 = 10 m was refused, and the default 10 m reference height beside
    // it too, a key the user never wrote.
    let rough = |z0: &str| {
        VALID.replace(
            "stability = \"D\"",
            &format!("stability = \"D\"\nroughness_length_m = {z0}"),
        )
    };
    assert_eq!(
        problems(&rough("10")),
        ["meteorology.roughness_length_m = 10: expected a number > 0 and ≤ 3 m"]
    );
    // A valid z0 above the default reference height still is refused, and says it is the default.
    let tall = rough("2").replace(
        "kind = \"uniform\"",
        "kind = \"uniform\"\nwind_reference_height_m = 1.5",
    );
    assert_eq!(
        problems(&tall),
        ["meteorology.wind_reference_height_m = 1.5: expected a height above the roughness length (2 m)"]
    );
}

#[test]
fn a_french_name_is_optional_but_not_empty() {
    let with = |name_fr: &str| {
        VALID.replacen(
            "[scenario]\n",
            &format!("[scenario]\nname_fr = {name_fr}\n"),
            1,
        )
    };
    let named = Scenario::parse(&with("\"Essai\""), Path::new("fr.toml")).unwrap();
    assert_eq!(named.name_in_french(), "Essai");
    let unnamed = Scenario::parse(VALID, Path::new("en.toml")).unwrap();
    assert_eq!(unnamed.name_in_french(), unnamed.name);
    fails_with(
        &with("\" \""),
        &["scenario.name_fr", "a non-empty name, or no key"],
    );
}

/// Found by the fuzz review: a start in the year 0 ran without a word.
#[test]
fn a_start_year_far_from_any_weather_warns_but_runs() {
    let warnings = |text: &str| {
        Scenario::parse(text, Path::new("start.toml"))
            .expect("valid")
            .warnings
    };
    assert!(warnings(VALID)
        .iter()
        .all(|w| !w.contains("scenario.start")));
    let year0 = VALID.replace("2026-07-14T06:00:00Z", "0000-01-01T00:00:00Z");
    let w = warnings(&year0);
    assert!(
        w.iter()
            .any(|w| w.contains("scenario.start") && w.contains("year 0")),
        "{w:?}"
    );
}

/// A subnormal wind (1e-310 m/s) ran a dense puff scenario that put nothing on the grid while
/// its budget kept all of it airborne over the domain (found by a fuzz review): a uniform wind
/// below 1 mm/s is refused, naming the calm floor; 1 mm/s itself runs as a calm.
#[test]
fn a_wind_lighter_than_a_millimetre_a_second_is_refused() {
    for light in ["1e-310", "0.0005"] {
        fails_with(
            &VALID.replace("wind_speed_m_s = 5.0", &format!("wind_speed_m_s = {light}")),
            &["meteorology.wind_speed_m_s", light, "≥ 0.001"],
        );
    }
    let calm = VALID.replace("wind_speed_m_s = 5.0", "wind_speed_m_s = 0.001");
    assert!(Scenario::parse(&calm, Path::new("calm.toml")).is_ok());
}

#[test]
fn one_mistake_does_not_hide_another() {
    // Found by review: a negative rate hid a misspelt substance, and a zero extent hid a
    // centre with its lat and lon swapped, each until the first was fixed.
    let text = VALID.replace(
        "release = [{ nuclide = \"I-131\", rate_bq_s = 1e12 }]",
        "release = [{ substance = \"Chlorin\", rate_kg_s = -10 }]",
    );
    let ps = problems(&text);
    assert!(
        ps.iter().any(|p| p.contains("rate_kg_s = -10"))
            && ps.iter().any(|p| p.contains("\"Chlorin\"")),
        "{ps:#?}"
    );
    let text = VALID
        .replace("extent_m = [20000, 10000]", "extent_m = [0, 10000]")
        .replace(
            "centre = { lat = 45.07, lon = -66.75 }",
            "centre = { lat = -66.75, lon = 45.07 }",
        )
        .replace(
            "location = { lat = 45.07, lon = -66.70 }",
            "location = { lat = -66.70, lon = 45.07 }",
        );
    let err = Scenario::parse(&text, Path::new("swapped.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("domain.extent_m[0] = 0")
            && err.contains("swapped.toml: warning:")
            && err.contains("lat and lon swapped"),
        "{err}"
    );
}
