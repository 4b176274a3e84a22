//! The zones as CAP 1.2 draft alerts: elements, values, times and polygons that follow the CAP
//! 1.2 specification and its schema, in English and French for Canadian cells and English for
//! US cells; the US alert with the IPAWS profile's code, event codes and the SAME geocodes of the
//! counties it reaches, the Canadian one with the CAP-CP profile's code, event codes and the SGC
//! geocodes of the provinces it reaches.

use crate::common;

use std::path::Path;

use common::zones::{border_scenario, check_cap, chlorine_scenario, run};
use plume::{simulate, write_outputs, RunOptions};
use serde_json::Value;

#[test]
fn the_cap_alert_follows_cap_1_2_and_speaks_both_languages_in_canada() {
    let w = run(&chlorine_scenario());
    let infos = check_cap(&w.cap);
    // Three AEGL tiers, all in New Brunswick: English and French for each, gravest first.
    let langs: Vec<&str> = infos.iter().map(|i| i.0.as_str()).collect();
    assert_eq!(langs, ["en-CA", "fr-CA"].repeat(3));
    assert!(infos[0].1.starts_with("Chlorine: AEGL-3"));
    assert!(infos[1].1.starts_with("Chlore\u{a0}: seuil AEGL-3"));
    assert_eq!(infos[0].2, ["Shelter"]);
    assert_eq!(infos[0].3, infos[1].3, "both languages alert the same area");
}

#[test]
fn an_alert_expires_after_the_longer_of_the_criterion_window_and_the_modelled_period() {
    // The AEGL zones' window is 30 min (the rail car's release); the scenario models 2 h, which
    // is what counts.
    let s = chlorine_scenario();
    assert_eq!(s.duration_s, 7200.0);
    let w = run(&s);
    let doc = roxmltree::Document::parse(&w.cap).unwrap();
    for info in doc.descendants().filter(|n| n.has_tag_name("info")) {
        let time = |name: &str| {
            let t = info.children().find(|n| n.has_tag_name(name)).unwrap();
            chrono::DateTime::parse_from_rfc3339(t.text().unwrap()).unwrap()
        };
        let from = time("onset").max(time("effective"));
        assert_eq!(time("expires") - from, chrono::Duration::hours(2));
    }
}

#[test]
fn across_the_border_each_country_is_alerted_in_its_own_languages() {
    let w = run(&border_scenario());
    let mut infos = check_cap(&w.cap);
    let us_infos = check_cap(&w.cap_us);
    // Each country's alert speaks only its languages.
    assert!(infos.iter().all(|i| i.0 == "en-CA" || i.0 == "fr-CA"));
    assert!(!us_infos.is_empty());
    assert!(us_infos.iter().all(|i| i.0 == "en-US"));
    infos.extend(us_infos);
    let features = w.geojson["features"].as_array().unwrap();
    let us = features
        .iter()
        .find(|f| f["id"] == "US_EPA_PAG_2017_shelter_or_evacuate")
        .expect("the plume runs into Maine above the PAG");
    assert_eq!(us["properties"]["country"], "US");
    let us_info: Vec<_> = infos
        .iter()
        .filter(|i| i.1.starts_with("Shelter in place or evacuate"))
        .collect();
    assert_eq!(us_info.len(), 1);
    assert_eq!(us_info[0].0, "en-US");
    assert_eq!(us_info[0].2, ["Shelter", "Evacuate"]);
    // Every Canadian info block comes as an English and French pair; no US one in French.
    let ca_en = infos.iter().filter(|i| i.0 == "en-CA").count();
    let ca_fr = infos.iter().filter(|i| i.0 == "fr-CA").count();
    assert_eq!(ca_en, ca_fr);
    assert!(infos.iter().all(|i| i.0 != "fr-US"));
    // Relocation is mapped but not alerted.
    assert!(infos
        .iter()
        .all(|i| !i.1.to_lowercase().contains("relocation")));
}

#[test]
fn alerts_validate_against_the_cap_1_2_schema_and_the_us_one_against_the_ipaws_profile() {
    let s = border_scenario();
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_outputs(&s, &sim, dir.path()).unwrap();
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cap");
    let checks = [
        ("CAP-v1.2.xsd", "alert-CA.cap.xml"),
        ("CAP-v1.2.xsd", "alert-US.cap.xml"),
        ("capv1.2-ipaws-profile-v1.0-pr02.xsd", "alert-US.cap.xml"),
    ];
    for (schema, alert) in checks {
        let (schema, alert) = (schemas.join(schema), dir.path().join(alert));
        let args = [
            "--noout",
            "--schema",
            schema.to_str().unwrap(),
            alert.to_str().unwrap(),
        ];
        let Some(out) = common::external("xmllint", &args) else {
            return;
        };
        assert!(
            out.status.success(),
            "{}: {}",
            alert.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The IPAWS profile's code and an EAS event code: Radiological Hazard Warning.
    let us = std::fs::read_to_string(dir.path().join("alert-US.cap.xml")).unwrap();
    let ca = std::fs::read_to_string(dir.path().join("alert-CA.cap.xml")).unwrap();
    assert!(us.contains("<code>IPAWSv1.0</code>"));
    assert!(us.contains("<eventCode>"), "{us}");
    assert!(us.contains("<value>RHW</value>"));
    // Every US block carries its phone text, within the 90 characters every phone shows.
    let blocks = us.matches("<info>").count();
    assert_eq!(
        us.matches("<valueName>CMAMtext</valueName>").count(),
        blocks,
        "{us}"
    );
    let mut texts = 0;
    for after in us.split("<valueName>CMAMtext</valueName>").skip(1) {
        let text = &after[after.find("<value>").unwrap() + 7..after.find("</value>").unwrap()];
        texts += 1;
        assert!(
            text.chars().count() <= 90 && text.starts_with("Radiation release: "),
            "{text}"
        );
    }
    assert!(texts == blocks && texts > 0, "{texts} of {blocks}");
    assert!(!ca.contains("CMAMtext"));
    // The Canadian one, the CAP-CP profile's code and a CAP-CP event code, and no US codes.
    assert!(ca.contains("<code>profile:CAP-CP:0.4</code>"), "{ca}");
    assert!(ca.contains("<value>radiological</value>"), "{ca}");
    assert!(!ca.contains("IPAWS") && !ca.contains("<valueName>SAME</valueName>"));
    // The note speaks the alert's languages: French in the Canadian one only.
    assert!(ca.contains("Ébauche produite par plume"));
    assert!(!us.contains("Ébauche"), "{us}");
}

#[test]
fn us_areas_carry_the_same_code_of_each_county_and_canadian_ones_the_sgc_code_of_each_province() {
    // The plume crosses from Calais into Washington County, Maine (FIPS 23029).
    let w = run(&border_scenario());
    let us_infos = check_cap(&w.cap_us);
    assert!(!us_infos.is_empty());
    for info in &us_infos {
        assert!(info.4.contains(&"023029".to_string()), "{:?}", info.4);
        let mut sorted = info.4.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, info.4, "each county once, in FIPS order");
    }
    // The Canadian areas carry no SAME code, and the New Brunswick ones the province's SGC code
    // (the plume leaves from St. Stephen, New Brunswick), as CAP-CP location geocodes.
    let ca_infos = check_cap(&w.cap);
    assert!(ca_infos.iter().all(|i| i.4.is_empty()));
    assert!(us_infos.iter().all(|i| i.5.is_empty()));
    let in_nb: Vec<_> = ca_infos.iter().filter(|i| !i.5.is_empty()).collect();
    assert!(!in_nb.is_empty(), "{ca_infos:?}");
    assert!(in_nb.iter().all(|i| i.5 == ["13"]), "{in_nb:?}");
    let doc = roxmltree::Document::parse(&w.cap_us).unwrap();
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("areaDesc"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(desc.contains("Washington County, Maine"), "{desc}");
    let features = w.geojson["features"].as_array().unwrap();
    let us = features
        .iter()
        .find(|f| f["id"] == "US_EPA_PAG_2017_shelter_or_evacuate")
        .unwrap();
    let codes = us["properties"]["us_same_geocodes"].as_array().unwrap();
    assert!(codes.contains(&Value::from("023029")), "{codes:?}");
    assert_eq!(us["properties"]["ca_sgc_geocodes"], serde_json::json!([]));
    let nb = features
        .iter()
        .find(|f| f["properties"]["country"] == "CA")
        .expect("a Canadian zone");
    assert_eq!(
        nb["properties"]["ca_sgc_geocodes"],
        serde_json::json!(["13"])
    );
}

#[test]
fn a_country_no_zone_reaches_gets_no_alert_and_an_earlier_runs_alert_is_removed() {
    // An alert without an info block tells nobody anything and fails the IPAWS profile (at
    // least one info); the border run writes both alerts, the chlorine run in Saint John only
    // the Canadian one, and its outputs replace the border run's.
    let dir = tempfile::tempdir().unwrap();
    let (us, ca) = (
        dir.path().join("alert-US.cap.xml"),
        dir.path().join("alert-CA.cap.xml"),
    );
    let border = border_scenario();
    write_outputs(
        &border,
        &simulate(&border, &RunOptions::default()).unwrap(),
        dir.path(),
    )
    .unwrap();
    assert!(us.exists() && ca.exists());

    let chlorine = chlorine_scenario();
    let sim = simulate(&chlorine, &RunOptions::default()).unwrap();
    let written = write_outputs(&chlorine, &sim, dir.path()).unwrap();
    assert!(!us.exists(), "the border run's US alert is left over");
    assert!(ca.exists() && !written.contains(&us) && written.contains(&ca));
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();
    let listed: Vec<&str> = summary["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), written.len(), "{listed:?}");
    assert!(listed.iter().all(|o| !o.ends_with("alert-US.cap.xml")));
}

#[test]
fn a_canadian_alert_gives_the_release_in_atlantic_time_and_the_scenario_its_french_name() {
    // The rail-car leak starts 2026-08-02T03:00Z: midnight Atlantic daylight time.
    let w = run(&chlorine_scenario());
    let doc = roxmltree::Document::parse(&w.cap).unwrap();
    let description = |lang: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name("info"))
            .find(|i| i.children().any(|c| c.text() == Some(lang)))
            .and_then(|i| i.children().find(|c| c.has_tag_name("description")))
            .and_then(|d| d.text())
            .unwrap()
            .to_string()
    };
    let en = description("en-CA");
    assert!(
        en.contains("release starting 2 August 2026 at 00:00 ADT (03:00 UTC)"),
        "{en}"
    );
    let fr = description("fr-CA").replace('\u{a0}', " ");
    assert!(
        fr.contains("début du rejet : 2 août 2026 à 0 h HAA (3 h UTC)"),
        "{fr}"
    );
    assert!(
        fr.contains("« Saint John — fuite de chlore d'un wagon-citerne, nuit stable »"),
        "{fr}"
    );
    assert!(
        !fr.contains("chlorine rail car leak"),
        "no English name: {fr}"
    );
    // How far the zone reaches, as the summary says it.
    let reach = w.summary["consequence"]["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|z| z["reach"]["distance_m"].as_f64())
        .unwrap();
    assert!(reach > 1000.0, "{reach}");
    assert!(en.contains(" km NE ("), "{en}");
    assert!(en.contains("The zone reaches "), "{en}");
    assert!(fr.contains("La zone s'étend jusqu'à "), "{fr}");
    assert!(fr.contains(" km au nord-est ("), "{fr}");
    // The source by its French name (`name_fr`), its article contracted (found by review: "de
    // chlorine tank car").
    assert!(fr.contains("du wagon-citerne de chlore"), "{fr}");
    assert!(!fr.contains("chlorine tank car"), "{fr}");
    assert!(w.kml.contains("The zone reaches "), "{}", w.kml);
    // And which compass sectors it covers, as the summary lists them (found by review: one
    // reach and bearing hid a zone's shape).
    let sectors: Vec<&str> = w.summary["consequence"]["zones"][0]["reach"]["sectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(sectors.contains(&"NE"), "{sectors:?}");
    assert!(en.contains(" sector"), "{en}");
    assert!(fr.contains(" secteur"), "{fr}");
    // KML names carry both languages.
    assert!(
        w.kml.contains("possible / Chlore\u{a0}: seuil AEGL-"),
        "{}",
        w.kml
    );
}

/// The shipped Point Lepreau stack release reaches Maine: its US alert is coded as a Nuclear
/// Power Plant Warning (found by review: RHW, the generic radiological code, for a release at a
/// power plant).
#[test]
fn a_release_at_point_lepreau_is_a_nuclear_power_plant_warning_in_the_us_alert() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lepreau_stack_east_wind.toml");
    let s = plume::Scenario::load(&path).unwrap();
    let w = run(&s);
    assert!(
        !w.cap_us.is_empty(),
        "the east wind carries a zone into Maine"
    );
    check_cap(&w.cap_us);
    assert!(w.cap_us.contains("<value>NUW</value>"), "{}", w.cap_us);
    assert!(!w.cap_us.contains("<value>RHW</value>"), "{}", w.cap_us);
    // Saint John, upwind on the grid, is named as not reached rather than left out (found by
    // review: a town missing from the list could as well be one the run never looked at).
    let not_reached: Vec<&str> = w.summary["consequence"]["towns_not_reached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        not_reached.iter().any(|t| t.starts_with("Saint John")),
        "{not_reached:?}"
    );
    let listed = w.summary["consequence"]["towns"].as_array().unwrap();
    assert!(listed
        .iter()
        .all(|t| !not_reached.contains(&t["town"].as_str().unwrap())));
}

/// A release that starts an hour into the scenario: the alerts, their onset and the KML give the
/// release's start, not the scenario's (found by review: "release starting 03:00 UTC" for a
/// leak that began at 04:00).
#[test]
fn alerts_give_the_start_of_a_late_release_not_of_the_scenario() {
    let mut s = chlorine_scenario();
    s.sources[0].start_s = 3600.0;
    let w = run(&s);
    let doc = roxmltree::Document::parse(&w.cap).unwrap();
    let infos: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("info"))
        .collect();
    assert!(!infos.is_empty());
    for info in infos {
        let child = |name: &str| {
            info.children()
                .find(|n| n.has_tag_name(name))
                .and_then(|n| n.text())
                .unwrap()
                .replace('\u{a0}', " ")
        };
        assert_eq!(
            chrono::DateTime::parse_from_rfc3339(&child("onset")).unwrap(),
            chrono::DateTime::parse_from_rfc3339("2026-08-02T04:00:00Z").unwrap()
        );
        let description = child("description");
        assert!(
            description.contains("2 August 2026 at 01:00 ADT (04:00 UTC)")
                || description.contains("2 août 2026 à 1 h HAA (4 h UTC)"),
            "{description}"
        );
    }
    assert!(w.kml.contains("04:00 UTC"), "{}", w.kml);
    assert!(!w.kml.contains("03:00 UTC"), "{}", w.kml);
}

/// A chlorine leak at the Calais–St. Stephen crossing, the wind carrying the cloud along the
/// border: an AEGL zone with cells in both countries gives each country's alert the reach of
/// that country's cells (found by review: the Canadian alert said a zone reached 12.6 km, which
/// its Maine cells did; its Canadian ones reached 5.5 km).
#[test]
fn each_countrys_alert_gives_the_reach_of_its_own_part_of_a_zone() {
    let text = r#"
[scenario]
name = "Calais–St. Stephen chlorine leak"
start = "2026-01-15T14:00:00Z"
duration_s = 5400

[domain]
centre = { lat = 45.16, lon = -67.22 }
extent_m = [20000, 20000]
resolution_m = 200
output_interval_s = 300

[[source]]
name = "tanker truck at Ferry Point bridge"
location = { lat = 45.1894, lon = -67.2786 }
height_m = 1.0
duration_s = 1200
release = [{ substance = "chlorine", rate_kg_s = 5.0 }]

[meteorology]
kind = "uniform"
wind_speed_m_s = 3.0
wind_from_deg = 300
stability = "E"
roughness_length_m = 0.3

[model]
kind = "gaussian_plume"

[output]
formats = ["json", "geojson", "kml", "cap"]
"#;
    let s = plume::Scenario::parse(text, Path::new("border_chlorine.toml")).unwrap();
    let w = run(&s);
    let zones = w.summary["consequence"]["zones"].as_array().unwrap();
    // The description of the English block of a zone's info in an alert, found by the zone's
    // criterion parameter ("Chlorine_AEGL-2_30min"; the summary's label reads "Chlorine
    // AEGL-2 30 min").
    let description = |alert: &str, label: &str| -> Option<String> {
        let id = format!(
            "<value>{}min</value>",
            label.replace(' ', "_").replace("_min", "")
        );
        let doc = roxmltree::Document::parse(alert).ok()?;
        let info = doc
            .descendants()
            .filter(|n| n.has_tag_name("info"))
            .find(|i| {
                let xml = &alert[i.range()];
                xml.contains(&id) && xml.contains("<language>en-")
            })?;
        let d = info.children().find(|c| c.has_tag_name("description"))?;
        d.text().map(str::to_string)
    };
    let mut split = 0;
    for z in zones {
        let Some(by_country) = z["reach_by_country"].as_array() else {
            continue;
        };
        split += 1;
        let label = z["zone"].as_str().unwrap();
        let whole = z["reach"]["distance_m"].as_f64().unwrap();
        let km = |r: &Value| r["distance_m"].as_f64().unwrap();
        let farthest = by_country.iter().map(km).fold(0.0, f64::max);
        assert_eq!(farthest, whole, "{z}");
        for r in by_country {
            let alert = match r["country"].as_str().unwrap() {
                "CA" => &w.cap,
                "US" => &w.cap_us,
                // Unmapped cells (open sea outside both countries' waters) go to both alerts.
                _ => continue,
            };
            let text = description(alert, label).expect(label);
            let said = format!("The zone reaches {:.1} km", km(r) / 1000.0);
            assert!(text.contains(&said), "{label}: {said} in {text}");
            if km(r) < whole {
                let whole_said = format!("The zone reaches {:.1} km", whole / 1000.0);
                assert!(!text.contains(&whole_said), "{label}: {text}");
            }
        }
    }
    assert!(split > 0, "a zone spans the border: {zones:?}");
}

#[test]
fn a_run_asked_for_alerts_it_has_none_to_write_says_why() {
    // Found by review: a tracer run with formats = ["cap"] wrote nothing and said nothing.
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/saint_john_chlorine_railcar.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let with = |from: &str, to: &str| {
        let t = text
            .replace(from, to)
            .replace("[output]\n", "[output]\nformats = [\"json\", \"cap\"]\n");
        assert_ne!(t, text);
        let s = plume::scenario::Scenario::parse(&t, &path).unwrap();
        let sim = simulate(&s, &RunOptions::default()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let written = write_outputs(&s, &sim, dir.path()).unwrap();
        let alerts = written
            .iter()
            .filter(|p| p.to_string_lossy().ends_with(".cap.xml"))
            .count();
        (sim.warnings, alerts)
    };
    let says = |w: &[String], what: &str| w.iter().any(|w| w.contains(what));
    let (tracer, alerts) = with("substance = \"Chlorine\"", "substance = \"tracer\"");
    assert_eq!(alerts, 0);
    assert!(
        says(
            &tracer,
            "no substance of the run (tracer) has protective-action criteria"
        ),
        "{tracer:?}"
    );
    let (faint, alerts) = with("rate_kg_s = 10.0", "rate_kg_s = 1e-9");
    assert_eq!(alerts, 0);
    assert!(says(&faint, "no zone's threshold is reached"), "{faint:?}");
    let (alerted, alerts) = with("rate_kg_s = 10.0", "rate_kg_s = 10.0 ");
    assert_eq!(alerts, 1);
    assert!(!says(&alerted, "\"cap\""), "{alerted:?}");
}
