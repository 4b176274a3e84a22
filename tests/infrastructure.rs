//! Shared infrastructure in the zones: a chlorine release at the Calais–St. Stephen crossing
//! puts the Ferry Point bridge (a port of entry) in its zones, and not the pipeline and power
//! crossings 7 km upwind.

use crate::common;

use std::path::Path;

use plume::scenario::Scenario;
use plume::{simulate, RunOptions};

#[test]
fn a_port_of_entry_in_a_zone_is_listed_with_its_zones_and_upwind_crossings_are_not() {
    let text = common::CalaisChlorine::default().text();
    let s = Scenario::parse(&text, Path::new("infrastructure.toml")).unwrap();
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    let listed = &sim.consequence.summary.infrastructure;
    let bridge = listed
        .iter()
        .find(|x| x.site.contains("Ferry Point"))
        .unwrap_or_else(|| panic!("{listed:?}"));
    assert_eq!(bridge.kind, "land_port_of_entry");
    // A port of entry belongs to both sides (found by review: it read "CA-NB" alone).
    assert_eq!(bridge.jurisdiction, "CA-NB/US-ME");
    // The release is at the bridge: the plume is there in the first 5-minute interval, given as
    // a clock time (found by review: no output said when the plume arrives anywhere).
    let arrival = bridge.arrival.as_ref().expect("an arrival time");
    assert_eq!((arrival.from_s, arrival.to_s), (0.0, 300.0));
    // On both clocks, as the crossing keeps them (found by review: its cell's side's alone).
    assert_eq!(
        arrival.from_local,
        "10 September 2026 at 11:00 ADT, 10:00 EDT (14:00 UTC)"
    );
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
    assert!(sim
        .consequence
        .summary
        .to_text()
        .contains("; plume arrives 10 September 2026"));
}

/// A town downwind hears of the plume when it gets there: Eastport, 5 km downwind of a release
/// that starts 600 s into the run in a 3 m/s west wind, first sees it in the 5-minute interval
/// holding 600 + 5 000/3 ≈ 2 270 s (the Gaussian plume carries no along-wind spread).
#[test]
fn a_downwind_town_sees_the_plume_arrive_after_its_travel_time() {
    let text = r#"
[scenario]
name = "Eastport arrival"
start = "2026-09-10T14:00:00Z"
duration_s = 5400
[domain]
centre = { lat = 44.9045, lon = -67.02 }
extent_m = [12000, 6000]
resolution_m = 250
layers_m = [[0, 3]]
output_interval_s = 300
[[source]]
name = "upwind"
location = { lat = 44.9045, lon = -67.0478 }
height_m = 10
start_s = 600
duration_s = 1800
release = [{ substance = "Chlorine", rate_kg_s = 5.0 }]
[meteorology]
kind = "uniform"
wind_speed_m_s = 3.0
wind_reference_height_m = 10
wind_from_deg = 270
stability = "D"
mixing_height_m = 800
[model]
kind = "gaussian_plume"
"#;
    let s = Scenario::parse(text, Path::new("arrival.toml")).unwrap();
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    let towns = &sim.consequence.summary.towns;
    let eastport = towns
        .iter()
        .find(|t| t.town == "Eastport")
        .unwrap_or_else(|| panic!("{towns:?}"));
    let a = eastport.arrival.as_ref().expect("an arrival time");
    assert_eq!((a.from_s, a.to_s), (2100.0, 2400.0), "{a:?}");
    // 14:35 UTC is 10:35 EDT in Maine.
    assert!(a.from_local.contains("10:35 EDT (14:35 UTC)"), "{a:?}");
}
