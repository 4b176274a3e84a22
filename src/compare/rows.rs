//! The rows of a comparison: from each option's run summary, every zone's area, land area,
//! population and reach (in total and per jurisdiction), each town's dose, action level and
//! AEGL tiers outdoors and indoors, and each species' peaks, one row a quantity with a value
//! per option.

use super::{Comparison, Row};
use crate::output::summary::RunSummary;

/// Collects, in first-seen order, the keys `keys` gives for each run.
fn union<'a>(runs: &'a [RunSummary], keys: impl Fn(&'a RunSummary) -> Vec<String>) -> Vec<String> {
    let mut seen = vec![];
    for r in runs {
        for k in keys(r) {
            if !seen.contains(&k) {
                seen.push(k);
            }
        }
    }
    seen
}

/// Which of a town's AEGL tiers a row compares.
#[derive(Clone, Copy)]
enum TownTiers {
    Outdoors,
    Indoors,
}

/// The unit of a rank (action level, AEGL tier): dimensionless, compared as "1→2".
pub(super) const RANK: &str = "1";

/// The name under which a zone is compared across options: its label, with the building and
/// the shelter exit of a zone for people sheltering indoors left out ("…, indoors at 0.45 air
/// changes/h, staying in" → "…, indoors"), since options that change them must still meet in
/// one row.
pub(super) fn zone_key(label: &str) -> String {
    match label.find(", indoors at ") {
        Some(k) => format!("{}, indoors", &label[..k]),
        None => label.to_string(),
    }
}

/// The rows comparing `runs` (already run; the first is the baseline).
pub fn compare(runs: Vec<RunSummary>) -> Comparison {
    let mut rows = vec![];
    let consequence = |r: &RunSummary| r.consequence.clone().unwrap_or_default();
    let zone_labels = union(&runs, |r| {
        r.consequence
            .iter()
            .flat_map(|c| c.zones.iter().chain(&c.sheltered))
            .filter(|z| z.area_km2() > 0.0)
            .map(|z| zone_key(&z.zone))
            .collect()
    });
    for label in &zone_labels {
        // Outdoor zones, then the chemicals' zones for people sheltering indoors.
        let zone = |r: &RunSummary| {
            let c = consequence(r);
            c.zones
                .into_iter()
                .chain(c.sheltered)
                .find(|z| &zone_key(&z.zone) == label)
        };
        let total = |f: &dyn Fn(&crate::impact::JurisdictionRow) -> f64| -> Vec<Option<f64>> {
            runs.iter()
                // fold from +0: an empty f64 sum is -0, which the CSV would print as "-0e0".
                .map(|r| {
                    Some(zone(r).map_or(0.0, |z| {
                        z.by_jurisdiction.iter().map(f).fold(0.0, |s, v| s + v)
                    }))
                })
                .collect()
        };
        rows.push(Row {
            metric: format!("zone {label}: area"),
            unit: "km2".into(),
            values: total(&|j| j.area_km2),
            ordinal: false,
        });
        rows.push(Row {
            metric: format!("zone {label}: land area"),
            unit: "km2".into(),
            values: total(&|j| j.land_area_km2),
            ordinal: false,
        });
        rows.push(Row {
            metric: format!("zone {label}: population"),
            unit: "1".into(),
            values: total(&|j| j.population),
            ordinal: false,
        });
        // How far it reaches from the nearest source (0 where an option has no such zone).
        rows.push(Row {
            metric: format!("zone {label}: reach"),
            unit: "km".into(),
            values: runs
                .iter()
                .map(|r| {
                    Some(
                        zone(r)
                            .and_then(|z| z.reach)
                            .map_or(0.0, |reach| reach.distance_m / 1000.0),
                    )
                })
                .collect(),
            ordinal: false,
        });
        let places = union(&runs, |r| {
            zone(r)
                .map(|z| {
                    z.by_jurisdiction
                        .iter()
                        .map(|j| j.jurisdiction.to_string())
                        .collect()
                })
                .unwrap_or_default()
        });
        for place in places {
            rows.push(Row {
                metric: format!("zone {label}: area in {place}"),
                unit: "km2".into(),
                values: runs
                    .iter()
                    .map(|r| {
                        Some(zone(r).map_or(0.0, |z| {
                            z.by_jurisdiction
                                .iter()
                                .filter(|j| j.jurisdiction == place)
                                .map(|j| j.area_km2)
                                .fold(0.0, |s, v| s + v)
                        }))
                    })
                    .collect(),
                ordinal: false,
            });
        }
    }
    let towns = union(&runs, |r| {
        consequence(r).towns.into_iter().map(|t| t.town).collect()
    });
    for town in &towns {
        let at = |r: &RunSummary| consequence(r).towns.into_iter().find(|t| &t.town == town);
        let mut push =
            |what: &str, unit: &str, f: &dyn Fn(&crate::impact::TownExposure) -> Option<f64>| {
                let listed: Vec<Option<crate::impact::TownExposure>> =
                    runs.iter().map(at).collect();
                let values: Vec<Option<f64>> =
                    listed.iter().map(|t| t.as_ref().and_then(f)).collect();
                if values.iter().any(Option::is_some) {
                    // A run's summary lists only the towns it exposed: one that does not list
                    // the town gave it no dose, no action and no AEGL tier (found by review: the
                    // row was left blank, with no change).
                    let values = listed
                        .iter()
                        .zip(values)
                        .map(|(t, v)| if t.is_none() { Some(0.0) } else { v })
                        .collect();
                    rows.push(Row {
                        metric: format!("town {town}: {what}"),
                        unit: unit.into(),
                        values,
                        // Action levels and AEGL tiers are ranks.
                        ordinal: unit == RANK,
                    });
                }
            };
        push("effective dose 4 d", "Sv", &|t| t.effective_4d_sv);
        push("effective dose 7 d", "Sv", &|t| t.effective_7d_sv);
        push("effective dose 7 d sheltered", "Sv", &|t| {
            t.effective_7d_sheltered_sv
        });
        push("thyroid dose 7 d", "Sv", &|t| t.thyroid_7d_sv);
        push("child thyroid dose 7 d", "Sv", &|t| t.thyroid_child_7d_sv);
        push("action level", RANK, &|t| t.action_level.map(f64::from));
        let chemicals = union(&runs, |r| {
            at(r)
                .map(|t| t.aegl_tiers.iter().map(|(c, _)| c.clone()).collect())
                .unwrap_or_default()
        });
        for chem in chemicals {
            for (what, tiers) in [
                ("AEGL tier", TownTiers::Outdoors),
                ("AEGL tier indoors", TownTiers::Indoors),
            ] {
                push(&format!("{chem} {what}"), RANK, &|t| {
                    let list = match tiers {
                        TownTiers::Outdoors => &t.aegl_tiers,
                        TownTiers::Indoors => &t.aegl_tiers_indoors,
                    };
                    Some(
                        list.iter()
                            .find(|(c, _)| *c == chem)
                            .map_or(0.0, |(_, tier)| f64::from(*tier)),
                    )
                });
            }
        }
    }
    let species = union(&runs, |r| {
        r.species.iter().map(|s| s.name.clone()).collect()
    });
    for name in &species {
        for (what, pick) in [
            ("peak concentration", 0usize),
            ("peak time-integrated concentration", 1),
        ] {
            let peak = |r: &RunSummary| {
                r.species.iter().find(|s| &s.name == name).and_then(|s| {
                    if pick == 0 {
                        s.peak_concentration.clone()
                    } else {
                        s.peak_time_integrated.clone()
                    }
                })
            };
            let unit = runs
                .iter()
                .find_map(|r| peak(r).map(|p| p.units))
                .unwrap_or_default();
            rows.push(Row {
                ordinal: false,
                metric: format!("{name}: {what}"),
                unit,
                values: runs.iter().map(|r| peak(r).map(|p| p.value)).collect(),
            });
        }
    }
    Comparison {
        options: runs.iter().map(|r| r.scenario.clone()).collect(),
        files: runs.iter().map(|r| r.scenario_file.clone()).collect(),
        rows,
        runs,
        map_sheet: None,
        warnings: vec![],
    }
}
