//! Shared infrastructure in the zones: a chlorine release at the Calais–St. Stephen crossing
//! puts the Ferry Point bridge (a port of entry) in its zones, and not the pipeline and power
//! crossings 7 km upwind.

use std::path::Path;

use plume::scenario::Scenario;
use plume::{simulate, RunOptions};

#[test]
fn a_port_of_entry_in_a_zone_is_listed_with_its_zones_and_upwind_crossings_are_not() {
    let text = r#"
[scenario]
name = "infrastructure"
start = "2026-09-10T14:00:00Z"
duration_s = 3600
[domain]
centre = { lat = 45.19, lon = -67.28 }
extent_m = [20000, 20000]
resolution_m = 200
layers_m = [[0, 3]]
output_interval_s = 300
[[source]]
name = "rail car"
location = { lat = 45.19, lon = -67.28 }
height_m = 1.0
duration_s = 1800
release = [{ substance = "Chlorine", rate_kg_s = 5.0 }]
[meteorology]
kind = "uniform"
wind_speed_m_s = 3.0
wind_from_deg = 270
stability = "D"
mixing_height_m = 800
"#;
    let s = Scenario::parse(text, Path::new("infrastructure.toml")).unwrap();
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    let listed = &sim.consequence.summary.infrastructure;
    let bridge = listed
        .iter()
        .find(|x| x.site.contains("Ferry Point"))
        .unwrap_or_else(|| panic!("{listed:?}"));
    assert_eq!(bridge.kind, "land_port_of_entry");
    assert!(
        bridge.zones.iter().any(|z| z.contains("AEGL-3")),
        "{bridge:?}"
    );
    assert!(
        !listed
            .iter()
            .any(|x| x.kind.contains("pipeline") || x.kind.contains("electric")),
        "{listed:?}"
    );
    assert!(sim
        .consequence
        .summary
        .to_text()
        .contains("infrastructure Calais-St. Stephen: Ferry Point"));
}
