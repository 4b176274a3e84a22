//! Zones leave a run as GeoJSON, KML, a map and CAP 1.2 draft alerts (checked in full by
//! `tests/cap_alerts.rs`): polygons that cover exactly the cells the summary counts, in
//! longitude/latitude with the right-hand rule, styled and identified as the formats require,
//! and alert texts in both languages.

use crate::common;

use std::path::Path;

use common::zones::{border_scenario, check_cap, chlorine_scenario, run};
use plume::{simulate, write_outputs, RunOptions, Scenario};
use serde_json::Value;

/// Twice the signed area of a lon/lat ring (positive counter-clockwise).
fn ring_area2(ring: &[Value]) -> f64 {
    ring.windows(2)
        .map(|w| {
            let (a, b) = (&w[0], &w[1]);
            a[0].as_f64().unwrap() * b[1].as_f64().unwrap()
                - b[0].as_f64().unwrap() * a[1].as_f64().unwrap()
        })
        .sum()
}

/// The summary's area (km²) of a zone label, over all jurisdictions.
fn summary_area_km2(summary: &Value, zone_label: &str) -> f64 {
    summary["consequence"]["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["zone"] == zone_label)
        .unwrap_or_else(|| panic!("no summary zone {zone_label}"))["by_jurisdiction"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["area_km2"].as_f64().unwrap())
        .sum()
}

#[test]
fn geojson_zones_follow_rfc_7946_and_cover_the_summary_areas() {
    let w = run(&chlorine_scenario());
    let g = &w.geojson;
    assert_eq!(g["type"], "FeatureCollection");
    let features = g["features"].as_array().unwrap();
    let ids: Vec<&str> = features.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "Chlorine_AEGL-1_30min",
            "Chlorine_AEGL-2_30min",
            "Chlorine_AEGL-3_30min"
        ]
    );
    for f in features {
        assert_eq!(f["type"], "Feature");
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
        let mut area2_deg = 0.0;
        for polygon in f["geometry"]["coordinates"].as_array().unwrap() {
            for (k, ring) in polygon.as_array().unwrap().iter().enumerate() {
                let ring = ring.as_array().unwrap();
                assert!(ring.len() >= 4);
                assert_eq!(ring.first(), ring.last(), "rings are closed");
                for p in ring {
                    let (lon, lat) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
                    assert!((-66.3..-65.7).contains(&lon) && (45.1..45.5).contains(&lat));
                }
                let a = ring_area2(ring);
                // Right-hand rule: exteriors counter-clockwise, holes clockwise.
                assert_eq!(a > 0.0, k == 0, "ring {k} of {}", f["id"]);
                area2_deg += a;
            }
        }
        // Degrees² to km² at 45.3° N: the polygons hold exactly the zone's cells.
        let km_per_deg_lat = 111.13;
        let km_per_deg_lon = 111.32 * 45.33f64.to_radians().cos();
        let area_km2 = 0.5 * area2_deg * km_per_deg_lat * km_per_deg_lon;
        let p = &f["properties"];
        let label = format!(
            "Chlorine AEGL-{} 30 min",
            &f["id"].as_str().unwrap()["Chlorine_AEGL-".len()..][..1]
        );
        let expected = summary_area_km2(&w.summary, &label);
        assert!((p["area_km2"].as_f64().unwrap() - expected).abs() < 1e-9);
        assert!(
            (area_km2 / expected - 1.0).abs() < 0.01,
            "{label}: polygons {area_km2} km², summary {expected} km²"
        );
        assert!(p["title_fr"]
            .as_str()
            .unwrap()
            .starts_with("Chlore\u{a0}: seuil AEGL-"));
        // Where it lies, in both languages: the rail-car zones are all in New Brunswick.
        assert_eq!(p["jurisdictions"][0], "New Brunswick, Canada");
        assert_eq!(p["jurisdictions_fr"][0], "Nouveau-Brunswick, Canada");
        assert_eq!(p["threshold_unit"], "kg m-3");
        // And in the unit the AEGL tables publish chlorine's in: 0.50, 2.8 and 28 ppm at 30 min (the
        // rail car's 30-min release maps the 30-min AEGLs).
        let ppm = [0.5, 2.8, 28.0][label["Chlorine AEGL-".len()..][..1]
            .parse::<usize>()
            .unwrap()
            - 1];
        assert!(
            p["threshold_ppm"].as_f64().unwrap() == ppm,
            "{label}: {}",
            p["threshold_ppm"]
        );
        // Its reach is the summary's, from the one source.
        let reach = w.summary["consequence"]["zones"]
            .as_array()
            .unwrap()
            .iter()
            .find(|z| z["zone"] == label.as_str())
            .unwrap()["reach"]["distance_m"]
            .as_f64()
            .unwrap();
        assert!((p["reach_km"].as_f64().unwrap() - reach / 1000.0).abs() < 1e-9);
        assert_eq!(p["reach_from"], "chlorine tank car");
    }
}

#[test]
fn kml_holds_one_styled_placemark_per_zone_with_lon_lat_rings() {
    let w = run(&chlorine_scenario());
    let doc = roxmltree::Document::parse(&w.kml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "kml");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.opengis.net/kml/2.2")
    );
    let placemarks: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("Placemark"))
        .collect();
    assert_eq!(placemarks.len(), 3);
    // Each threshold in mg m-3 and in ppm, French with decimal commas (AEGL-2: 2.0 ppm).
    assert!(
        w.kml.contains("Threshold: 8.12 mg m-3 (2.80 ppm)."),
        "{}",
        w.kml
    );
    assert!(
        w.kml
            .contains("Seuil\u{a0}: 8,12\u{a0}mg m-3 (2,80\u{a0}ppm)."),
        "{}",
        w.kml
    );
    // The CAP alert carries it as a parameter of its own.
    let ppm: Vec<&str> = w
        .cap
        .split("<valueName>threshold_ppm</valueName>")
        .skip(1)
        .map(|after| {
            after[after.find("<value>").unwrap() + 7..after.find("</value>").unwrap()].trim()
        })
        .collect();
    // English and French blocks of AEGL-3, -2 and -1.
    assert_eq!(ppm.len(), 6, "{}", w.cap);
    assert!(ppm.contains(&"2.80 ppm"), "{ppm:?}");
    for p in placemarks {
        let style = p
            .children()
            .find(|n| n.has_tag_name("styleUrl"))
            .unwrap()
            .text()
            .unwrap();
        let id = &style[1..];
        assert!(root
            .descendants()
            .any(|n| n.has_tag_name("Style") && n.attribute("id") == Some(id)));
        for c in p.descendants().filter(|n| n.has_tag_name("coordinates")) {
            let tuples: Vec<&str> = c.text().unwrap().split_whitespace().collect();
            assert!(tuples.len() >= 4);
            assert_eq!(tuples.first(), tuples.last());
            let lon: f64 = tuples[0].split(',').next().unwrap().parse().unwrap();
            assert!(
                (-66.3..-65.7).contains(&lon),
                "lon,lat order: {}",
                tuples[0]
            );
        }
    }
}

#[test]
fn the_map_shows_the_field_and_each_zone_outline_in_its_colour() {
    let s = chlorine_scenario();
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_outputs(&s, &sim, dir.path()).unwrap();
    let file = std::fs::File::open(dir.path().join("map.png")).unwrap();
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.height, 900);
    assert!(
        info.width > 900,
        "the square domain is as wide as high, plus the colour bar"
    );
    let pixels: Vec<[u8; 3]> = buf[..info.buffer_size()]
        .chunks(3)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    let count = |rgb: [u8; 3]| pixels.iter().filter(|&&p| p == rgb).count();
    // AEGL-2 orange and AEGL-1 yellow outlines, the land colour and the sea colour.
    for (what, rgb) in [
        ("AEGL-2 outline", [255, 165, 0]),
        ("AEGL-1 outline", [255, 255, 0]),
        ("land", [242, 239, 230]),
        ("sea", [214, 234, 248]),
    ] {
        assert!(count(rgb) > 200, "{what}: {} pixels", count(rgb));
    }
    // The concentration field in viridis: many distinct blue-green shades.
    let shades: std::collections::HashSet<[u8; 3]> = pixels
        .iter()
        .filter(|p| p[1] > p[0] && p[2] > p[0] && p[0] < 80)
        .copied()
        .collect();
    assert!(shades.len() > 50, "{} field shades", shades.len());
}

/// A chlorine-like release of a user substance whose name starts with a digit, on a small grid.
fn digit_named_chemical_scenario(dir: &Path) -> Scenario {
    std::fs::write(
        dir.join("substances.toml"),
        r#"
[[chemical]]
name = "1,3-Test gas"
mw_g_per_mol = 70.9
toxic_load_n = 2.0
aegl1_mg_m3 = [1.45, 1.45, 1.45, 1.45, 1.45]
aegl2_mg_m3 = [8.12, 8.12, 5.8, 2.9, 2.06]
aegl3_mg_m3 = [145.0, 81.2, 58.0, 29.0, 20.6]
source = "test values (chlorine's)"
"#,
    )
    .unwrap();
    let path = dir.join("digit.toml");
    Scenario::parse(
        r#"
[scenario]
name = "Digit-named gas"
start = "2026-08-02T03:00:00Z"
duration_s = 3600
[domain]
centre = { lat = 45.30, lon = -66.0 }
extent_m = [8000, 8000]
resolution_m = 200
layers_m = [[0, 3]]
output_interval_s = 600
[[source]]
name = "tank"
location = { lat = 45.2789, lon = -66.0125 }
height_m = 1.0
start_s = 0
duration_s = 1800
release = [{ substance = "1,3-Test gas", rate_kg_s = 10.0 }]
[meteorology]
kind = "uniform"
wind_speed_m_s = 2.5
wind_from_deg = 225
stability = "F"
[consequence]
substance_file = "substances.toml"
"#,
        &path,
    )
    .unwrap()
}

/// Whether `s` is an XML NCName in the ASCII range the ids use: a letter or `_` first, then
/// letters, digits, `_`, `-` or `.`.
fn is_ascii_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

#[test]
fn kml_ids_are_unique_ncnames_and_every_style_url_resolves() {
    // KML 2.2 types `id` as xs:ID: an NCName, unique in the document (OGC 07-147r2 §6.4; the
    // schema rejects a Style and a Placemark sharing one, and an id that starts with a digit).
    let dir = tempfile::tempdir().unwrap();
    for s in [
        chlorine_scenario(),
        border_scenario(),
        digit_named_chemical_scenario(dir.path()),
    ] {
        let w = run(&s);
        let doc = roxmltree::Document::parse(&w.kml).unwrap();
        let ids: Vec<&str> = doc
            .descendants()
            .filter_map(|n| n.attribute("id"))
            .collect();
        assert!(!ids.is_empty(), "{}", s.name);
        for id in &ids {
            assert!(
                is_ascii_ncname(id),
                "{}: id {id:?} is not an NCName",
                s.name
            );
        }
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "{}: duplicate ids {ids:?}", s.name);
        for url in doc.descendants().filter(|n| n.has_tag_name("styleUrl")) {
            let target = &url.text().unwrap()[1..];
            assert!(
                doc.descendants()
                    .any(|n| n.has_tag_name("Style") && n.attribute("id") == Some(target)),
                "{}: styleUrl #{target} names no Style",
                s.name
            );
        }
    }
}

#[test]
fn french_alert_texts_write_decimals_with_a_comma() {
    // French (and the Translation Bureau's and OQLF's usage for fr-CA) separates decimals with a
    // comma: "2,6 km²", never "2.6 km²".
    let w = run(&chlorine_scenario());
    let doc = roxmltree::Document::parse(&w.cap).unwrap();
    let mut french = 0;
    let mut decimals = 0;
    for info in doc.descendants().filter(|n| n.has_tag_name("info")) {
        let lang = info
            .children()
            .find(|n| n.has_tag_name("language"))
            .and_then(|n| n.text())
            .unwrap();
        let description = info
            .children()
            .find(|n| n.has_tag_name("description"))
            .and_then(|n| n.text())
            .unwrap();
        // French ties the unit to its number with a non-breaking space.
        let before_km2 = description.split("km²").next().unwrap().trim_end();
        let area = before_km2.rsplit(' ').next().unwrap();
        if lang.starts_with("fr") {
            french += 1;
            assert!(
                !area.contains('.'),
                "French area {area:?} in: {description}"
            );
        } else {
            assert!(
                !area.contains(','),
                "English area {area:?} in: {description}"
            );
        }
        decimals += usize::from(area.contains([',', '.']));
    }
    assert!(french > 0 && decimals > 0);
}

/// A chlorine release at sea off Nova Scotia, beyond the boundary data: every zone cell lies
/// outside the mapped jurisdictions, so both countries' alerts carry the zones.
fn chlorine_at_sea() -> Scenario {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/saint_john_chlorine_railcar.toml"),
    )
    .unwrap()
    .replace("lat = 45.33, lon = -65.98", "lat = 43.0, lon = -62.0")
    .replace("lat = 45.2789, lon = -66.0125", "lat = 43.0, lon = -62.0")
    .replace("extent_m = [30000, 30000]", "extent_m = [12000, 12000]")
    .replace("resolution_m = 100", "resolution_m = 200");
    Scenario::parse(&text, Path::new("at_sea.toml")).unwrap()
}

#[test]
fn alert_texts_give_areas_to_two_figures_thresholds_in_mg_m3_and_sea_cells_as_outside() {
    let w = run(&chlorine_at_sea());
    let mut checked = 0;
    for cap in [&w.cap, &w.cap_us] {
        let doc = roxmltree::Document::parse(cap).unwrap();
        for info in doc.descendants().filter(|n| n.has_tag_name("info")) {
            let child = |name: &str| {
                info.descendants()
                    .find(|n| n.has_tag_name(name))
                    .and_then(|n| n.text())
                    .unwrap()
                    .to_string()
            };
            let description = child("description");
            if child("language").starts_with("fr") {
                assert!(
                    description.contains("\u{a0}km² (hors des territoires cartographiés)."),
                    "{description}"
                );
            } else {
                assert!(
                    description.contains(" km² (outside the mapped jurisdictions)."),
                    "{description}"
                );
            }
            // "0.04", "2.6", "12": at most two significant figures, and never zero.
            let area = description
                .split("km²")
                .next()
                .unwrap()
                .trim_end()
                .rsplit(' ')
                .next()
                .unwrap();
            let digits = area
                .trim_start_matches(['0', '.', ','])
                .replace([',', '.'], "");
            assert!(
                !digits.is_empty() && digits.trim_end_matches('0').len() <= 2,
                "area {area:?} in: {description}"
            );
            let threshold = info
                .children()
                .filter(|n| n.has_tag_name("parameter"))
                .find(|p| p.children().any(|c| c.text() == Some("threshold")))
                .and_then(|p| p.children().find(|c| c.has_tag_name("value")))
                .and_then(|v| v.text())
                .unwrap();
            let number = threshold.strip_suffix(" mg m-3").unwrap_or_else(|| {
                panic!("threshold {threshold:?} in mg m-3");
            });
            let digits = number.trim_start_matches(['0', '.']).replace('.', "");
            assert_eq!(digits.len(), 3, "three significant figures: {threshold}");
            checked += 1;
        }
    }
    // AEGL-1, -2 and -3 in English and French (Canada) and English (US).
    assert_eq!(checked, 9);
}

#[test]
fn control_characters_in_a_scenario_name_leave_the_kml_and_cap_well_formed() {
    // TOML accepts "\u0001" or "\u000B" in a name; XML 1.0 admits no control character but
    // tab, line feed and carriage return, and a receiver rejects a document that holds one.
    let mut s = chlorine_scenario();
    s.name = "Drill\u{b} 3\u{1}: chlorine\ttest".into();
    let w = run(&s);
    roxmltree::Document::parse(&w.kml).expect("zones.kml is well-formed XML");
    let infos = check_cap(&w.cap);
    assert!(!infos.is_empty());
    assert!(w.kml.contains("Drill 3: chlorine\ttest"));
}

/// A chlorine release in the Aleutians just west of 180° under a west wind, so the zones cross
/// the antimeridian (RFC 7946 §3.1.9).
fn chlorine_across_the_antimeridian() -> Scenario {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/saint_john_chlorine_railcar.toml"),
    )
    .unwrap()
    .replace("lat = 45.33, lon = -65.98", "lat = 51.8, lon = 179.98")
    .replace("lat = 45.2789, lon = -66.0125", "lat = 51.8, lon = 179.95")
    .replace("extent_m = [30000, 30000]", "extent_m = [16000, 8000]")
    .replace("resolution_m = 100", "resolution_m = 200")
    .replace("wind_from_deg = 225", "wind_from_deg = 270");
    Scenario::parse(&text, Path::new("antimeridian.toml")).unwrap()
}

#[test]
fn zones_across_the_antimeridian_are_cut_there_with_every_longitude_in_range() {
    let w = run(&chlorine_across_the_antimeridian());
    let features = w.geojson["features"].as_array().unwrap();
    assert!(!features.is_empty());
    let (mut east, mut west) = (0, 0);
    for f in features {
        let g = &f["geometry"];
        assert_eq!(g["type"], "MultiPolygon");
        for polygon in g["coordinates"].as_array().unwrap() {
            let rings = polygon.as_array().unwrap();
            assert!(
                ring_area2(rings[0].as_array().unwrap()) > 0.0,
                "exterior ccw"
            );
            for ring in rings {
                for p in ring.as_array().unwrap() {
                    let lon = p[0].as_f64().unwrap();
                    assert!((-180.0..=180.0).contains(&lon), "longitude {lon}");
                    east += usize::from(lon > 179.0);
                    west += usize::from(lon < -179.0);
                }
            }
        }
    }
    assert!(
        east > 0 && west > 0,
        "parts on both sides: {east} east, {west} west"
    );
    for coordinates in w.kml.split("<coordinates>").skip(1) {
        let block = coordinates.split("</coordinates>").next().unwrap();
        for tuple in block.split_whitespace() {
            let lon: f64 = tuple.split(',').next().unwrap().parse().unwrap();
            assert!((-180.0..=180.0).contains(&lon), "KML longitude {lon}");
        }
    }
    for cap in [&w.cap, &w.cap_us] {
        for polygon in cap.split("<polygon>").skip(1) {
            let block = polygon.split("</polygon>").next().unwrap();
            for pair in block.split_whitespace() {
                let lon: f64 = pair.split(',').nth(1).unwrap().parse().unwrap();
                assert!((-180.0..=180.0).contains(&lon), "CAP longitude {lon}");
            }
        }
    }
}

/// A grid line is straight on the projected grid and curves in longitude and latitude, where
/// GeoJSON's edges are straight: a zone's outline must be cut finely enough to follow its cells.
/// A strip of twenty 1 km cells at 45° N, and one 11 km cell at 48° N: the midpoint of every
/// outline segment, taken back to the grid, lies within 0.2 m of the cells' edge (found by
/// review: 7.9 m and about 200 m, the runs being kept whole over 20 cells).
#[test]
fn zone_outlines_follow_the_cell_edges_in_longitude_and_latitude() {
    use ndarray::Array2;
    use plume::geo::outline::CellLattice;
    use plume::geo::{LatLon, TransverseMercator};
    use plume::output::lon_lat::lon_lat;
    for (centre, nx, dx_m) in [
        (LatLon::new(45.0, -67.0), 20, 1000.0),
        (LatLon::new(48.0, -67.0), 1, 11_000.0),
    ] {
        let tm = TransverseMercator::new(centre);
        let mask = Array2::from_elem((1, nx), true);
        let lattice = CellLattice {
            x0_m: 5000.0,
            y0_m: 20_000.0,
            dx_m,
        };
        let (west, east) = (5000.0 - dx_m / 2.0, 5000.0 + (nx as f64 - 0.5) * dx_m);
        let (south, north) = (20_000.0 - dx_m / 2.0, 20_000.0 + dx_m / 2.0);
        let outline = lon_lat(&mask, lattice, &tm);
        let ring = &outline.0[0].exterior().0;
        let mut worst = 0.0f64;
        for w in ring.windows(2) {
            let mid = LatLon::new(0.5 * (w[0].y + w[1].y), 0.5 * (w[0].x + w[1].x));
            let (x, y) = tm.forward(mid);
            // Its distance from the nearest edge of the cells' rectangle.
            let off = [
                (x - west).abs(),
                (x - east).abs(),
                (y - south).abs(),
                (y - north).abs(),
            ]
            .into_iter()
            .fold(f64::INFINITY, f64::min);
            worst = worst.max(off);
        }
        assert!(worst < 0.2, "{dx_m} m cells: {worst} m off the edge");
    }
}
