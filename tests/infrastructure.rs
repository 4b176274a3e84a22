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
