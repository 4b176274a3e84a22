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
    assert!(
        arrival.from_local.contains("10 September 2026 at")
            && arrival.from_local.contains("(14:00 UTC)"),
        "{arrival:?}"
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
