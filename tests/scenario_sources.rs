//! Scenario files' sources: where a source lies, what it releases (nuclides, substances, a
//! reactor inventory) and how, each mistake named by its path, its value and what was expected.

use std::path::Path;

use crate::scenario_files::{fails_with, problems, VALID};
use plume::scenario::Scenario;

#[test]
fn source_outside_the_domain() {
    fails_with(
        &VALID.replace("lon = -66.70", "lon = -66.00"),
        &["source[0].location", "inside the domain"],
    );
}

#[test]
fn an_empty_source_list_is_refused() {
    // A top-level key, before the first table.
    let without = VALID.replace(
        &VALID[VALID.find("[[source]]").unwrap()..VALID.find("[meteorology]").unwrap()],
        "",
    );
    assert_eq!(
        problems(&format!("source = []\n{without}")),
        ["source = []: expected one or more [[source]] tables"]
    );
}

#[test]
fn a_single_source_table_asks_for_double_brackets() {
    assert_eq!(
        problems(&VALID.replace("[[source]]", "[source]")),
        ["source = [source]: expected one or more [[source]] tables, in double brackets; got a single table"]
    );
}

#[test]
fn unknown_nuclide() {
    fails_with(
        &VALID.replace("I-131", "I-999"),
        &["source[0].release[0].nuclide", "I-999", "in the library"],
    );
    fails_with(
        &VALID.replace("I-131", "Cs-317"),
        &["\"Cs-317\"", "did you mean \"Cs-137\"?"],
    );
    // With a half-life of its own it runs, but no dose is made of it: the user is told so
    // (found by review: the run ended without zones or a word why).
    let own = VALID.replace(
        r#"{ nuclide = "I-131", rate_bq_s = 1e12 }"#,
        r#"{ nuclide = "Cs-317", rate_bq_s = 1e12, half_life_s = 9.5e8 }"#,
    );
    let s = Scenario::parse(&own, Path::new("own.toml")).unwrap();
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("source[0].release[0].nuclide = \"Cs-317\"")
                && w.contains("did you mean \"Cs-137\"?")
                && w.contains("no dose, zone or alert")),
        "{:?}",
        s.warnings
    );
}

/// Responders write the element's name: in English (either spelling), in French, or
/// "tritium"; each is the library's nuclide, under the library's name.
#[test]
fn an_element_written_by_name_is_the_library_nuclide() {
    for (written, library) in [
        ("Caesium-137", "Cs-137"),
        ("Cesium 137", "Cs-137"),
        ("césium-137", "Cs-137"),
        ("Iodine-131 elemental", "I-131 elemental"),
        ("iode-131", "I-131"),
        ("tritium", "H-3"),
    ] {
        let text = VALID.replace("\"I-131\"", &format!("{written:?}"));
        let s = Scenario::parse(&text, Path::new("names.toml")).unwrap();
        let names: Vec<&str> = s.species.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, [library], "{written}");
    }
    // An element alone is no nuclide.
    fails_with(&VALID.replace("\"I-131\"", "\"Iodine\""), &["\"Iodine\""]);
}

#[test]
fn mass_rate_for_a_nuclide() {
    fails_with(
        &VALID.replace("rate_bq_s = 1e12", "rate_kg_s = 1.0"),
        &["source[0].release[0].rate_kg_s", "rate_bq_s for a nuclide"],
    );
}

#[test]
fn release_temperature_out_of_range_or_against_the_stacks() {
    fails_with(
        &VALID.replace(
            "height_m = 40",
            "height_m = 40\nrelease_temperature_k = -34",
        ),
        &["source[0].release_temperature_k = -34", "K"],
    );
    // 25 (°C meant) would make chlorine 11.5 × too dense (found by review).
    fails_with(
        &VALID.replace("height_m = 40", "height_m = 40\nrelease_temperature_k = 25"),
        &["source[0].release_temperature_k = 25", "25 °C is 298.15 K"],
    );
    let stack =
        "height_m = 40\nstack_diameter_m = 3\nexit_velocity_m_s = 10\nexit_temperature_k = 400";
    fails_with(
        &VALID.replace(
            "height_m = 40",
            &format!("{stack}\nrelease_temperature_k = 239"),
        ),
        &[
            "source[0].release_temperature_k = 239",
            "exit_temperature_k (400 K)",
        ],
    );
    let same = format!("{stack}\nrelease_temperature_k = 400");
    assert!(problems(&VALID.replace("height_m = 40", &same)).is_empty());
}

#[test]
fn partial_stack_parameters() {
    fails_with(
        &VALID.replace("height_m = 40", "height_m = 40\nstack_diameter_m = 3"),
        &["source[0].stack_diameter_m", "all three"],
    );
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
fn two_spellings_of_one_library_substance_are_one_species() {
    // A library chemical or nuclide goes by the library's name however it is written, so two
    // spellings are one species and one set of netCDF variables (two would be the same
    // variable, which HDF5 refuses only after the whole run).
    let text = VALID.replace(
        r#"{ nuclide = "I-131", rate_bq_s = 1e12 }"#,
        r#"{ substance = "Chlorine gas", rate_kg_s = 1.0 }"#,
    );
    let text = text.replace(
        "[meteorology]",
        "[[source]]\nlocation = { lat = 45.07, lon = -66.72 }\nrelease = [{ substance = \"Cl2\", rate_kg_s = 1.0 }]\n\n[meteorology]",
    );
    let s = Scenario::parse(&text, Path::new("two.toml")).unwrap();
    let names: Vec<&str> = s.species.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["Chlorine"]);
    let s = Scenario::parse(
        &with_second_release(r#"{ nuclide = "i131", rate_bq_s = 1e12 }"#),
        Path::new("two.toml"),
    )
    .unwrap();
    let names: Vec<&str> = s.species.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["I-131"]);
    // Two spellings of a name outside the library would share an output variable: refused.
    let widget = text
        .replace("\"Chlorine gas\"", "\"Widget vapour\"")
        .replace("\"Cl2\"", "\"widget-vapour\"");
    fails_with(
        &widget,
        &[
            "source[1].release[0].substance",
            "\"widget-vapour\"",
            "\"Widget vapour\"",
        ],
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
        &["source[0].inventory.activities_bq.I-131 = -1e18", "≥ 0"],
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
        &[
            "source[0].inventory = I-131 releasing 4.75e298 Bq",
            "at no more than 1e25 Bq/s a species: none can",
        ],
    );
    // Found by review: a repeated phase released its fraction twice (Xe 1.9 of the core), an
    // empty table was reported as `release = []`, and tritium under a key that is not one.
    fails_with(
        &inventory(r#"activities_bq = { "I-131" = 1e18 }, time_since_shutdown_s = 0"#).replace(
            r#"phases = ["gap_release"]"#,
            r#"phases = ["gap_release", "early_in_vessel", "gap_release"]"#,
        ),
        &[
            "source[0].inventory.phases[2] = \"gap_release\"",
            "each release phase once",
        ],
    );
    // Found by review: another spelling of a nuclide already listed released it twice.
    fails_with(
        &inventory(
            r#"activities_bq = { "I-131" = 1e18, "i131" = 1e18 }, time_since_shutdown_s = 0"#,
        ),
        &[
            "source[0].inventory.activities_bq.i131 = \"i131\"",
            "each nuclide once",
            "already given as \"I-131\"",
        ],
    );
    // Both keys at once: the value says what was written.
    fails_with(
        &inventory(
            r#"reactor = "candu6_estimate", activities_bq = { "I-131" = 1e18 }, time_since_shutdown_s = 0"#,
        ),
        &[
            "source[0].inventory.reactor = \"candu6_estimate\" (with activities_bq as well)",
            "exactly one of",
        ],
    );
    fails_with(
        &inventory(r#"activities_bq = {}, time_since_shutdown_s = 0"#),
        &[
            "source[0].inventory.activities_bq = \"{}\"",
            "at least one nuclide",
        ],
    );
    let ps = problems(&inventory(
        r#"activities_bq = { "H-3" = 1e15 }, time_since_shutdown_s = 0"#,
    ));
    assert!(
        ps.len() == 1
            && ps[0].contains("source[0].inventory.activities_bq.H-3")
            && ps[0].contains("NUREG-1465"),
        "{ps:#?}"
    );
    // Found by review: only the first mistake of a table was named, so each fix met the next.
    let ps = problems(
        &inventory(
            r#"activities_bq = { "Foo-1" = 1e15, "I-131" = -1e18, "Cs-137" = 1e17 }, time_since_shutdown_s = -5, iodine_forms = { particulate = 0.5, elemental = 0.2, organic = 0.2 }"#,
        )
        .replace(
            r#"phases = ["gap_release"]"#,
            r#"phases = ["gap_release", "gap_release"]"#,
        ),
    );
    let expected = [
        "source[0].inventory.activities_bq.Foo-1 = \"Foo-1\"",
        "source[0].inventory.activities_bq.I-131 = -1e18",
        "source[0].inventory.phases[1] = \"gap_release\"",
        "source[0].inventory.time_since_shutdown_s = -5",
        "source[0].inventory.iodine_forms.particulate + elemental + organic = 0.9",
    ];
    assert_eq!(ps.len(), expected.len(), "{ps:#?}");
    for (p, e) in ps.iter().zip(expected) {
        assert!(p.contains(e), "{p} should name {e}");
    }
    // A scenario without a duration has one problem, not a second one under the inventory.
    let ps = problems(
        &inventory(r#"activities_bq = { "I-131" = 1e18 }, time_since_shutdown_s = 0"#)
            .replace("duration_s = 3600\n", ""),
    );
    assert!(
        ps.len() == 1 && ps[0].contains("scenario.duration_s"),
        "{ps:#?}"
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

/// The grid covers the whole extent, so a source validated inside the extent is on the grid
/// (found by review: 8 km of 5.5 km cells rounded to one cell, ±2.75 km, and the source 3.9 km
/// east was accepted and fell off the grid); an extent under half a cell is refused.
#[test]
fn a_source_inside_the_extent_lies_on_the_grid_whatever_the_resolution() {
    let text = VALID
        .replace("extent_m = [20000, 10000]", "extent_m = [8000, 8000]")
        .replace("resolution_m = 500", "resolution_m = 5500");
    let s = Scenario::parse(&text, Path::new("coarse.toml")).unwrap();
    let grid = plume::field::GridSpec::from_scenario(&s);
    assert_eq!((grid.nx, grid.ny), (2, 2));
    let tm = plume::geo::TransverseMercator::new(s.domain.centre);
    let (x, y) = tm.forward(s.sources[0].location);
    assert!(x > 2750.0, "{x}");
    assert!(grid.cell_of(x, y).is_some());
    // Exact multiples keep their count.
    assert_eq!(plume::field::cells_covering(30_000.0, 100.0), 300);
    assert_eq!(plume::field::cells_covering(0.3, 0.1), 3);
    fails_with(
        &VALID.replace("resolution_m = 500", "resolution_m = 25000"),
        &["domain.resolution_m", "25000", "at most twice the extent"],
    );
}

#[test]
fn a_source_may_have_a_french_name_but_not_a_blank_one() {
    let named = VALID.replace(
        "name = \"stack\"\n",
        "name = \"stack\"\nname_fr = \" la cheminée \"\n",
    );
    let s = Scenario::parse(&named, Path::new("fr.toml")).unwrap();
    assert_eq!(s.source_names_fr, [Some("la cheminée".to_string())]);
    fails_with(
        &VALID.replace("name = \"stack\"\n", "name = \"stack\"\nname_fr = \"  \"\n"),
        &["source[0].name_fr", "\"  \"", "a non-empty name, or no key"],
    );
}

/// A source of particles: both their diameter and density, and only particulate releases.
fn aerosol_source(release: &str, particle: &str) -> String {
    VALID.replace(
        r#"release = [{ nuclide = "I-131", rate_bq_s = 1e12 }]"#,
        &format!("release = [{release}]\n{particle}"),
    )
}

#[test]
fn a_source_of_settling_particles_deposits_at_its_settling_velocity_and_more() {
    let cs = r#"{ nuclide = "Cs-137", rate_bq_s = 1e12 }"#;
    let text = aerosol_source(
        cs,
        "particle_diameter_m = 20e-6\nparticle_density_kg_m3 = 2600",
    );
    let s = Scenario::parse(&text, Path::new("aerosol.toml")).unwrap();
    let a = s.sources[0].aerosol.expect("an aerosol");
    let v_s = a.settling_velocity_m_s();
    // Stokes: 2600 kg/m³ × (20 µm)² × g / (18 × 1.79·10⁻⁵ Pa·s) = 3.2 cm/s.
    assert!((0.030..0.033).contains(&v_s), "{v_s}");
    // Cs-137's class default (the particulate 1 mm/s) is the surface uptake beside settling.
    let v_d = s.sources[0].releases[0].deposition.dry_velocity_m_s;
    assert!((v_d - (0.001 + v_s)).abs() < 1e-12, "{v_d}");
    // Fine particles barely settle, and a gas source is untouched.
    let fine = aerosol_source(
        cs,
        "particle_diameter_m = 1e-6\nparticle_density_kg_m3 = 1000",
    );
    let s = Scenario::parse(&fine, Path::new("fine.toml")).unwrap();
    let v_d = s.sources[0].releases[0].deposition.dry_velocity_m_s;
    assert!(v_d > 0.001 && v_d < 0.00104, "{v_d}");
    let gas = Scenario::parse(VALID, Path::new("gas.toml")).unwrap();
    assert_eq!(gas.sources[0].aerosol, None);
}

#[test]
fn a_particle_size_needs_its_density_and_stays_in_the_drag_laws_range() {
    let cs = r#"{ nuclide = "Cs-137", rate_bq_s = 1e12 }"#;
    fails_with(
        &aerosol_source(cs, "particle_diameter_m = 1e-5"),
        &["source[0].particle_density_kg_m3", "(missing)", "both"],
    );
    fails_with(
        &aerosol_source(cs, "particle_density_kg_m3 = 1000"),
        &["source[0].particle_diameter_m", "(missing)", "both"],
    );
    // A diameter in µm is named as such even before its density is given.
    fails_with(
        &aerosol_source(cs, "particle_diameter_m = 10"),
        &["source[0].particle_diameter_m = 10", "10 µm is 1e-5"],
    );
    // 10 µm written as 10: a value in µm.
    fails_with(
        &aerosol_source(
            cs,
            "particle_diameter_m = 10\nparticle_density_kg_m3 = 1000",
        ),
        &["source[0].particle_diameter_m = 10", "10 µm is 1e-5"],
    );
    // A 1 mm lead shot falls at ~17 m/s (Re ≈ 1170): beyond the drag law.
    fails_with(
        &aerosol_source(
            cs,
            "particle_diameter_m = 1e-3\nparticle_density_kg_m3 = 11300",
        ),
        &[
            "source[0].particle_diameter_m = 0.001",
            "Reynolds number",
            "m/s",
        ],
    );
}

#[test]
fn a_gas_cannot_ride_on_a_sources_particles() {
    let mixed =
        r#"{ nuclide = "Cs-137", rate_bq_s = 1e12 }, { nuclide = "Xe-133", rate_bq_s = 1e14 }"#;
    fails_with(
        &aerosol_source(
            mixed,
            "particle_diameter_m = 1e-5\nparticle_density_kg_m3 = 1000",
        ),
        &[
            "source[0].particle_diameter_m",
            "Xe-133",
            "noble_gas",
            "[[source]] of its own",
        ],
    );
    // A reactor inventory brings its noble gases and iodine vapour: the message says how to
    // split it.
    let reactor = VALID.replace(
        r#"release = [{ nuclide = "I-131", rate_bq_s = 1e12 }]"#,
        "inventory = { reactor = \"candu6_estimate\", phases = [\"gap_release\"], time_since_shutdown_s = 3600 }\nparticle_diameter_m = 1e-5\nparticle_density_kg_m3 = 1000",
    );
    fails_with(
        &reactor,
        &[
            "source[0].particle_diameter_m = 0.00001",
            "a reactor inventory releases its gases",
        ],
    );
    // A chemical agent is the user's to call an aerosol (droplets of a nerve agent).
    let drops = VALID.replace(
        r#"release = [{ nuclide = "I-131", rate_bq_s = 1e12 }]"#,
        "release = [{ substance = \"Sarin\", rate_kg_s = 1.0 }]\nparticle_diameter_m = 5e-5\nparticle_density_kg_m3 = 1100",
    );
    let s = Scenario::parse(&drops, Path::new("drops.toml")).unwrap();
    assert!(s.sources[0].releases[0].deposition.dry_velocity_m_s > 0.05);
}
