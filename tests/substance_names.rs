//! Substance names in scenario files: formulas and common names are the library chemical they
//! name; a name one typing mistake from a library name is an error; any other unknown name runs
//! as an inert gas, with a warning that `plume check` and `plume run` print first.

use std::path::Path;
use std::process::Command;

use plume::scenario::{Scenario, ScenarioError};
use plume::{simulate, RunOptions};

/// A 5 kg/s release at the Calais–St. Stephen crossing (the user test's reference scenario, on a
/// coarser grid).
fn calais(substance: &str) -> String {
    format!(
        r#"
[scenario]
name = "Calais–St. Stephen rail car"
start = "2026-09-10T14:00:00Z"
duration_s = 3600

[domain]
centre = {{ lat = 45.19, lon = -67.28 }}
extent_m = [20000, 20000]
resolution_m = 500
layers_m = [[0, 3]]
output_interval_s = 600

[[source]]
name = "rail car"
location = {{ lat = 45.19, lon = -67.28 }}
height_m = 1.0
duration_s = 1800
release = [{{ substance = "{substance}", rate_kg_s = 5.0 }}]

[meteorology]
kind = "uniform"
wind_speed_m_s = 3.0
wind_from_deg = 270
stability = "D"

[model]
kind = "gaussian_plume"
"#
    )
}

/// The zones and town exposures of a run, as JSON.
fn zones(substance: &str) -> serde_json::Value {
    let s = Scenario::parse(&calais(substance), Path::new("calais.toml"))
        .unwrap_or_else(|e| panic!("{substance}: {e}"));
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    let summary = &sim.consequence.summary;
    serde_json::json!({ "zones": summary.zones, "towns": summary.towns })
}

#[test]
fn formulas_and_common_names_give_the_same_zones_as_the_library_name() {
    let chlorine = zones("Chlorine");
    assert!(
        chlorine["zones"]
            .as_array()
            .unwrap()
            .iter()
            .any(|z| !z["by_jurisdiction"].as_array().unwrap().is_empty()),
        "5 kg/s of chlorine draws AEGL zones: {chlorine}"
    );
    for alias in ["Cl2", "chlorine gas", "CHLORINE"] {
        assert_eq!(zones(alias), chlorine, "{alias}");
    }
    let sulfur_dioxide = zones("Sulfur dioxide");
    for alias in ["SO2", "Sulphur dioxide"] {
        assert_eq!(zones(alias), sulfur_dioxide, "{alias}");
    }
    assert_eq!(zones("GB"), zones("Sarin"));
}

#[test]
fn a_chemical_goes_by_its_library_name_however_it_is_written() {
    // Its output variables then agree with its zones (found by review: "Cl2" wrote
    // air_concentration_Cl2 beside Chlorine_AEGL-… zones).
    for alias in ["Cl2", "chlorine gas", "CHLORINE", "Chlorine"] {
        let s = Scenario::parse(&calais(alias), Path::new("calais.toml")).unwrap();
        assert_eq!(s.species[0].name, "Chlorine", "{alias}");
    }
    // An unknown name runs as given.
    let s = Scenario::parse(&calais("Widget vapour X"), Path::new("calais.toml")).unwrap();
    assert_eq!(s.species[0].name, "Widget vapour X");
}

#[test]
fn a_near_miss_of_a_library_name_is_an_error_naming_the_field_and_the_suggestion() {
    let err = Scenario::parse(&calais("Chlorin"), Path::new("calais.toml")).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains(
            "calais.toml: source[0].release[0].substance = \"Chlorin\": expected a library chemical (did you mean \"Chlorine\"?)"
        ),
        "{msg}"
    );
    assert!(msg.contains("no zones are drawn"), "{msg}");
    let ScenarioError::Invalid { problems, .. } = err else {
        panic!("{msg}")
    };
    assert_eq!(problems.len(), 1, "{problems:#?}");
    // An alias mistyped names the chemical it stands for.
    let msg = Scenario::parse(&calais("Mustrad"), Path::new("calais.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("did you mean \"Mustard\", Sulfur mustard (HD)?"),
        "{msg}"
    );
}

#[test]
fn a_chemical_added_by_a_substance_file_is_no_near_miss() {
    // Ethyl isocyanate is one letter from methyl isocyanate: an error, unless the user's own
    // substance file defines it.
    let dir = tempfile::tempdir().unwrap();
    let text = calais("Ethyl isocyanate");
    assert!(Scenario::parse(&text, &dir.path().join("s.toml")).is_err());
    std::fs::write(
        dir.path().join("mine.toml"),
        "[[chemical]]\nname = \"Ethyl isocyanate\"\nmw_g_per_mol = 71.08\ntoxic_load_n = 1.0\nsource = \"test\"\n",
    )
    .unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(
        &path,
        format!("{text}\n[consequence]\nsubstance_file = \"mine.toml\"\n"),
    )
    .unwrap();
    let s = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    // No near-miss, and no warning: the dense-gas screening reads the file's molar mass
    // (found by review: it read the embedded library only, and the file's heavier-than-air
    // chemical ran passive).
    // (The one warning left is the AEGL-interval note of the 600 s outputs.)
    assert!(
        s.warnings
            .iter()
            .all(|w| w.starts_with("domain.output_interval_s")),
        "{:?}",
        s.warnings
    );
    let m = s.species[0].molar_mass_kg_mol.expect("a molar mass");
    assert!((m - 0.07108).abs() < 1e-12, "{m}");
    let mix = plume::model::gaussian::dense::chemical_mixture(&s.sources[0], &s.species)
        .expect("the file's chemical is screened");
    assert!((mix.molar_mass_kg_mol - 0.07108).abs() < 1e-12);
}

#[test]
fn a_nuclide_of_the_substance_file_is_transported_with_its_own_half_life_and_deposition() {
    // The file adds a particulate Xx-1 and replaces I-131's half-life: both are what the
    // transport uses, as the dose does (found by review: the transport looked only at the
    // embedded library, refusing Xx-1 and running it, with a half-life, as an inert gas).
    let dir = tempfile::tempdir().unwrap();
    let text = calais("Chlorine").replace(
        r#"release = [{ substance = "Chlorine", rate_kg_s = 5.0 }]"#,
        r#"release = [{ nuclide = "Xx-1", rate_bq_s = 1e9 }, { nuclide = "I-131", rate_bq_s = 1e9 }]"#,
    );
    assert!(text.contains("Xx-1"));
    std::fs::write(
        dir.path().join("mine.toml"),
        "[[nuclide]]\nname = \"Xx-1\"\nhalf_life_s = 3600.0\ndeposition_class = \"particulate\"\n\
         cloudshine_sv_m3_per_bq_s = 1e-14\ngroundshine_sv_m2_per_bq_s = 1e-16\nsource = \"test\"\n\
         [[nuclide]]\nname = \"I-131\"\nhalf_life_s = 7200.0\ndeposition_class = \"elemental_iodine\"\n\
         cloudshine_sv_m3_per_bq_s = 1.68e-14\ngroundshine_sv_m2_per_bq_s = 2.43e-16\nsource = \"test\"\n",
    )
    .unwrap();
    let path = dir.path().join("s.toml");
    // Without the file, Xx-1 is not a nuclide the run knows.
    std::fs::write(&path, &text).unwrap();
    let e = Scenario::load(&path).unwrap_err().to_string();
    assert!(
        e.contains("source[0].release[0].nuclide") && e.contains("Xx-1"),
        "{e}"
    );
    std::fs::write(
        &path,
        format!("{text}\n[consequence]\nsubstance_file = \"mine.toml\"\n"),
    )
    .unwrap();
    let s = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.species[0].half_life_s, Some(3600.0));
    assert_eq!(s.species[1].half_life_s, Some(7200.0));
    let class = |c| plume::substance::deposition::class_removal(c);
    let r = &s.sources[0].releases;
    let particulate = class(plume::substance::DepositionClass::Particulate);
    assert_eq!(
        r[0].deposition.dry_velocity_m_s,
        particulate.dry_velocity_m_s
    );
    assert!(particulate.dry_velocity_m_s > 0.0);
    let iodine = class(plume::substance::DepositionClass::ElementalIodine);
    assert_eq!(r[1].deposition.dry_velocity_m_s, iodine.dry_velocity_m_s);
}

/// Runs `plume` with `args` in `dir`: (exit code, stdout, stderr).
fn plume(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_plume"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_unrelated_substance_runs_as_an_inert_gas_with_a_warning_in_check_and_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tracer.toml"), calais("SF6 tracer")).unwrap();
    let warning = "tracer.toml: warning: source[0].release[0].substance = \"SF6 tracer\": \"SF6 tracer\" is not in the chemical library: it is transported as an inert gas with no toxic thresholds, so no zones are drawn for it. Library chemicals: Chlorine, Ammonia,";

    let (code, stdout, stderr) = plume(dir.path(), &["check", "tracer.toml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("tracer.toml: ok"), "{stdout}");
    assert!(stderr.starts_with(warning), "{stderr}");

    let (code, _, stderr) = plume(dir.path(), &["run", "tracer.toml", "-o", "out"]);
    assert_eq!(code, 0, "{stderr}");
    // The first thing said, before the run.
    assert!(stderr.starts_with(warning), "{stderr}");

    // A near miss stops both.
    std::fs::write(dir.path().join("typo.toml"), calais("Amonia")).unwrap();
    for cmd in ["check", "run"] {
        let (code, _, stderr) = plume(dir.path(), &[cmd, "typo.toml"]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("did you mean \"Ammonia\"?"), "{stderr}");
    }
}
