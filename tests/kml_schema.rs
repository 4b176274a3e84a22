//! The zone files validate against the OGC KML 2.2 schema (`tests/data/kml`): a run's zones on
//! both sides of the border, a chemical's AEGL zones, and an ensemble's probability outlines.

use std::path::Path;
use std::process::{Command, Output};

use crate::common;

use common::zones::{border_scenario, chlorine_scenario, run};

/// `xmllint` against the KML 2.2 schema, offline; `None` outside CI when xmllint is missing.
fn xmllint(path: &Path) -> Option<Output> {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/kml/ogckml22.xsd");
    let args = [
        "--noout",
        "--nonet",
        "--schema",
        schema.to_str().unwrap(),
        path.to_str().unwrap(),
    ];
    common::external("xmllint", &args)
}

fn validate_file(path: &Path) {
    if let Some(out) = xmllint(path) {
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn validate(kml_text: &str, name: &str, dir: &Path) {
    let path = dir.join(name);
    std::fs::write(&path, kml_text).unwrap();
    validate_file(&path);
}

#[test]
fn zone_files_validate_against_the_ogc_kml_2_2_schema() {
    let dir = tempfile::tempdir().unwrap();
    let border = run(&border_scenario());
    assert!(
        border.kml.contains("<Placemark"),
        "the border run has zones"
    );
    validate(&border.kml, "border.kml", dir.path());
    let chlorine = run(&chlorine_scenario());
    assert!(
        chlorine.kml.contains("<Placemark"),
        "the chlorine run has zones"
    );
    validate(&chlorine.kml, "chlorine.kml", dir.path());

    let out = dir.path().join("ensemble");
    let status = Command::new(env!("CARGO_BIN_EXE_plume"))
        .args(["ensemble", "scenarios/lepreau_stack_east_wind.toml"])
        .args(["--members", "4", "--backend", "cpu", "-o"])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    validate_file(&out.join("ensemble_zones.kml"));
}

#[test]
fn a_kml_file_with_an_element_out_of_place_fails_the_schema() {
    // The check can fail: a Placemark's name after its geometry breaks KML 2.2's sequence.
    let dir = tempfile::tempdir().unwrap();
    let bad = r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>
<Point><coordinates>-66.45,45.07</coordinates></Point><name>late</name>
</Placemark></Document></kml>"#;
    let path = dir.path().join("bad.kml");
    std::fs::write(&path, bad).unwrap();
    let Some(out) = xmllint(&path) else {
        return;
    };
    assert!(!out.status.success(), "an out-of-order element validated");
}
