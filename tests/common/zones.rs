//! What the zone-output tests share: a run written to a temporary directory, its scenarios,
//! and a checker of CAP 1.2 alerts.

use std::path::Path;

use plume::{simulate, write_outputs, RunOptions, Scenario};
use serde_json::Value;

/// CAP 1.2 `alert` children in schema order (OASIS CAP-V1.2 §3.2.1).
pub const ALERT_ORDER: [&str; 14] = [
    "identifier",
    "sender",
    "sent",
    "status",
    "msgType",
    "source",
    "scope",
    "restriction",
    "addresses",
    "code",
    "note",
    "references",
    "incidents",
    "info",
];
/// CAP 1.2 `info` children in schema order (§3.2.2).
pub const INFO_ORDER: [&str; 21] = [
    "language",
    "category",
    "event",
    "responseType",
    "urgency",
    "severity",
    "certainty",
    "audience",
    "eventCode",
    "effective",
    "onset",
    "expires",
    "senderName",
    "headline",
    "description",
    "instruction",
    "web",
    "contact",
    "parameter",
    "resource",
    "area",
];
/// CAP 1.2 `area` children in schema order (§3.2.4).
pub const AREA_ORDER: [&str; 6] = [
    "areaDesc", "polygon", "circle", "geocode", "altitude", "ceiling",
];
/// One `info` block as [`check_cap`] reads it: language, headline, responseTypes, polygons and
/// SAME geocodes.
/// An info block: language, headline, response types, polygons, SAME geocodes (US blocks) and
/// CAP-CP location geocodes (Canadian blocks).
pub type CapInfo = (
    String,
    String,
    Vec<String>,
    Vec<String>,
    Vec<String>,
    Vec<String>,
);
pub const RESPONSE_TYPES: [&str; 9] = [
    "Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None",
];

pub fn chlorine_scenario() -> Scenario {
    Scenario::load(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/saint_john_chlorine_railcar.toml"),
    )
    .unwrap()
}

/// The iodine release at Calais of `tests/consequence_run.rs`: zones on both sides of the border.
pub fn border_scenario() -> Scenario {
    Scenario::parse(
        &super::st_croix_border_scenario(
            "[output]\nformats = [\"json\", \"geojson\", \"kml\", \"cap\"]\n",
        ),
        Path::new("border.toml"),
    )
    .unwrap()
}

pub struct Written {
    pub _dir: tempfile::TempDir,
    pub geojson: Value,
    pub summary: Value,
    pub kml: String,
    /// The Canadian alert.
    pub cap: String,
    /// The US alert (empty when no zone reaches the US: none is written).
    pub cap_us: String,
}

pub fn run(s: &Scenario) -> Written {
    let sim = simulate(s, &RunOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_outputs(s, &sim, dir.path()).unwrap();
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    Written {
        geojson: serde_json::from_str(&read("zones.geojson")).unwrap(),
        summary: serde_json::from_str(&read("summary.json")).unwrap(),
        kml: read("zones.kml"),
        cap: read("alert-CA.cap.xml"),
        cap_us: std::fs::read_to_string(dir.path().join("alert-US.cap.xml")).unwrap_or_default(),
        _dir: dir,
    }
}

/// Checks one alert against CAP 1.2's structure and value lists; returns its info blocks as
/// (language, headline, responseTypes, polygons, SAME geocodes).
pub fn check_cap(xml: &str) -> Vec<CapInfo> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let alert = doc.root_element();
    assert_eq!(alert.tag_name().name(), "alert");
    assert_eq!(
        alert.tag_name().namespace(),
        Some("urn:oasis:names:tc:emergency:cap:1.2")
    );
    let in_order = |node: roxmltree::Node, order: &[&str]| {
        let names: Vec<&str> = node
            .children()
            .filter(|n| n.is_element())
            .map(|n| n.tag_name().name())
            .collect();
        let ranks: Vec<usize> = names
            .iter()
            .map(|n| {
                order
                    .iter()
                    .position(|o| o == n)
                    .unwrap_or_else(|| panic!("unknown element {n}"))
            })
            .collect();
        assert!(ranks.windows(2).all(|r| r[0] <= r[1]), "order: {names:?}");
        names.into_iter().map(str::to_string).collect::<Vec<_>>()
    };
    let child = |node: roxmltree::Node, name: &str| -> String {
        node.children()
            .find(|n| n.has_tag_name(name))
            .and_then(|n| n.text())
            .unwrap_or_else(|| panic!("missing {name}"))
            .to_string()
    };
    let names = in_order(alert, &ALERT_ORDER);
    for required in ["identifier", "sender", "sent", "status", "msgType", "scope"] {
        assert!(names.iter().any(|n| n == required), "missing {required}");
    }
    let id = child(alert, "identifier");
    assert!(!id.contains([' ', ',', '<', '&']), "{id}");
    assert_eq!(child(alert, "status"), "Draft");
    let is_cap_time = |t: &str| {
        let b = t.as_bytes();
        t.len() == 25
            && chrono::DateTime::parse_from_rfc3339(t).is_ok()
            && (b[19] == b'-' || b[19] == b'+')
            && !t.contains('Z')
    };
    assert!(is_cap_time(&child(alert, "sent")));
    let mut infos = vec![];
    for info in alert.children().filter(|n| n.has_tag_name("info")) {
        in_order(info, &INFO_ORDER);
        assert_eq!(child(info, "category"), "CBRNE");
        assert!(["Immediate", "Expected"].contains(&child(info, "urgency").as_str()));
        assert!(
            ["Extreme", "Severe", "Moderate", "Minor"].contains(&child(info, "severity").as_str())
        );
        assert_eq!(child(info, "certainty"), "Likely");
        for t in ["effective", "onset", "expires"] {
            assert!(is_cap_time(&child(info, t)), "{t}: {}", child(info, t));
        }
        let responses: Vec<String> = info
            .children()
            .filter(|n| n.has_tag_name("responseType"))
            .map(|n| n.text().unwrap().to_string())
            .collect();
        assert!(responses
            .iter()
            .all(|r| RESPONSE_TYPES.contains(&r.as_str())));
        // Event codes by profile: the EAS code for IPAWS, the CAP-CP event for NAADS.
        let language = child(info, "language");
        let canadian = language.ends_with("-CA");
        for e in info.children().filter(|n| n.has_tag_name("eventCode")) {
            let (name, value) = (child(e, "valueName"), child(e, "value"));
            match name.as_str() {
                "SAME" => assert!(
                    language == "en-US" && ["NUW", "RHW", "HMW"].contains(&value.as_str()),
                    "{language}: SAME event {value}"
                ),
                "profile:CAP-CP:Event:0.4" => assert!(
                    canadian && ["radiological", "chemical"].contains(&value.as_str()),
                    "{language}: CAP-CP event {value}"
                ),
                other => panic!("unknown event code list {other}"),
            }
        }
        let area = info.children().find(|n| n.has_tag_name("area")).unwrap();
        in_order(area, &AREA_ORDER);
        assert!(!child(area, "areaDesc").is_empty());
        let digits = |code: &str, n: &[usize]| {
            n.contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
        };
        let (mut same, mut sgc) = (vec![], vec![]);
        for g in area.children().filter(|n| n.has_tag_name("geocode")) {
            let code = child(g, "value");
            match child(g, "valueName").as_str() {
                "SAME" => {
                    assert!(!canadian && digits(&code, &[6]), "SAME code {code}");
                    same.push(code);
                }
                "profile:CAP-CP:Location:0.3" => {
                    // An SGC province (2 digits), census division (4) or subdivision (7).
                    assert!(canadian && digits(&code, &[2, 4, 7]), "SGC code {code}");
                    sgc.push(code);
                }
                other => panic!("unknown geocode list {other}"),
            }
        }
        let polygons: Vec<String> = area
            .children()
            .filter(|n| n.has_tag_name("polygon"))
            .map(|n| n.text().unwrap().to_string())
            .collect();
        assert!(!polygons.is_empty());
        for p in &polygons {
            let pairs: Vec<&str> = p.split(' ').collect();
            assert!(pairs.len() >= 4, "a CAP polygon has at least 4 pairs");
            assert!(
                pairs.len() <= 100,
                "{} pairs: too many for gateways",
                pairs.len()
            );
            assert_eq!(pairs.first(), pairs.last(), "closed");
            let lat: f64 = pairs[0].split(',').next().unwrap().parse().unwrap();
            assert!((44.0..46.5).contains(&lat), "lat,lon order: {}", pairs[0]);
        }
        infos.push((
            language,
            child(info, "headline"),
            responses,
            polygons,
            same,
            sgc,
        ));
    }
    infos
}
