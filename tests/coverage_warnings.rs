//! A run says when it does not cover what its zones need: a zone cut by the domain edge, a
//! cloud still over the grid when the run ends, consequences read from a layer above people's
//! heads, and a run where nothing reached the grid.

use crate::common;

use std::path::Path;

use plume::scenario::Scenario;
use plume::{simulate, RunOptions};

/// Chlorine released for 30 min at the centre of a square domain under a 3 m/s west wind.
fn warnings(extent_m: f64, duration_s: f64, layers: &str, rate_kg_s: f64) -> Vec<String> {
    let text = common::CalaisChlorine {
        extent_m,
        duration_s,
        layers_m: layers,
        rate_kg_s,
        ..Default::default()
    }
    .text();
    let s = Scenario::parse(&text, Path::new("coverage.toml")).unwrap();
    simulate(&s, &RunOptions::default()).unwrap().warnings
}

fn any(w: &[String], needle: &str) -> bool {
    w.iter().any(|x| x.contains(needle))
}

#[test]
fn a_zone_cut_by_the_domain_edge_is_reported_and_a_contained_one_is_not() {
    let small = warnings(4000.0, 10_800.0, "[[0, 3]]", 5.0);
    assert!(
        any(&small, "'Chlorine AEGL-1 60 min' reaches the edge"),
        "{small:?}"
    );
    let large = warnings(40_000.0, 10_800.0, "[[0, 3]]", 5.0);
    assert!(!any(&large, "reaches the edge"), "{large:?}");
}

#[test]
fn a_cloud_still_over_the_grid_at_the_end_is_reported() {
    // The release stops at 30 min; after 40 min the cloud is 2–7 km out, still on the grid.
    let short = warnings(40_000.0, 2400.0, "[[0, 3]]", 5.0);
    assert!(
        any(&short, "still over the grid when the run ends"),
        "{short:?}"
    );
    // After 3 h it has long left the 40 km domain.
    let long = warnings(40_000.0, 10_800.0, "[[0, 3]]", 5.0);
    assert!(!any(&long, "still over the grid"), "{long:?}");
}

#[test]
fn consequences_from_a_layer_aloft_and_an_empty_run_are_reported() {
    let aloft = warnings(20_000.0, 3600.0, "[[100, 200]]", 5.0);
    assert!(
        any(&aloft, "does not contain breathing height"),
        "{aloft:?}"
    );
    let ground = warnings(20_000.0, 3600.0, "[[0, 3], [100, 200]]", 5.0);
    assert!(!any(&ground, "breathing height"), "{ground:?}");
    let empty = warnings(20_000.0, 3600.0, "[[0, 3]]", 0.0);
    assert!(
        any(&empty, "every concentration is zero") && any(&empty, "rate of 0"),
        "{empty:?}"
    );
}
