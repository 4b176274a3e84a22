//! The consequence summary as text for a terminal: zones by jurisdiction with their reach and
//! towns, the criteria no cell met and how close the run came, towns' doses and actions in
//! words, then the warnings.

use super::summary::{Summary, ZoneSummary};

impl Summary {
    /// The summary as text for a terminal: zones with area, land area and population per
    /// jurisdiction, then what was not assessed and the warnings (those also where no species
    /// has a zone to judge: found by review, a run of substances outside the library printed
    /// nothing of why).
    pub fn to_text(&self) -> String {
        let mut s = self.zones_text();
        for u in &self.unassessed {
            s += &format!("  not assessed: {u}\n");
        }
        for w in &self.warnings {
            s += &format!("  WARNING: {w}\n");
        }
        s
    }

    /// The zones, towns and infrastructure of [`Summary::to_text`]; empty without zones.
    fn zones_text(&self) -> String {
        let mut s = String::new();
        if self.zones.is_empty() {
            return s;
        }
        s += "  protective-action zones (each cell judged by its own country's criteria):\n";
        s += &zone_rows(&self.zones, "no criterion is met anywhere on the grid");
        if !self.sheltered.is_empty() {
            s += "  while sheltering in place (closed buildings; each zone says when people leave):\n";
            s += &zone_rows(
                &self.sheltered,
                "no AEGL level is met indoors anywhere on the grid",
            );
        }
        for t in &self.towns {
            let mut parts = vec![];
            if let (Some(e4), Some(e7)) = (t.effective_4d_sv, t.effective_7d_sv) {
                parts.push(format!("{} (4 d), {} (7 d)", dose_text(e4), dose_text(e7)));
            }
            if let Some(e) = t.effective_7d_sheltered_sv {
                parts.push(format!("{} (7 d sheltered)", dose_text(e)));
            }
            if let Some(th) = t.thyroid_7d_sv {
                parts.push(format!("thyroid {}", dose_text(th)));
            }
            if let Some(th) = t.thyroid_child_7d_sv {
                parts.push(format!("child thyroid {}", dose_text(th)));
            }
            if let Some(a) = t.action_level {
                parts.push(action_words(a, t.jurisdiction).to_string());
            }
            parts.extend(
                t.supplementary_actions
                    .iter()
                    .map(|l| supplementary_words(l)),
            );
            for (c, tier) in &t.aegl_tiers {
                let indoors = t
                    .aegl_tiers_indoors
                    .iter()
                    .find(|(ci, _)| ci == c)
                    .map_or(0, |&(_, k)| k);
                parts.push(format!("{c} AEGL tier {tier} (indoors {indoors})"));
            }
            if let Some(a) = &t.arrival {
                parts.push(format!("plume arrives {}", a.from_local));
            }
            s += &format!(
                "  town {} ({}, pop. {:.0}): {}\n",
                t.town,
                t.jurisdiction,
                t.population,
                parts.join(", ")
            );
        }
        if !self.towns_not_reached.is_empty() {
            s += &format!(
                "  towns on the grid with no dose and no AEGL level: {}\n",
                self.towns_not_reached.join(", ")
            );
        }
        for x in &self.infrastructure {
            s += &format!(
                "  infrastructure {} ({}, {}): {}{}\n",
                x.site,
                x.kind.replace('_', " "),
                x.jurisdiction,
                x.zones.join(", "),
                x.arrival.as_ref().map_or(String::new(), |a| format!(
                    "; plume arrives {}",
                    a.from_local
                ))
            );
        }
        s
    }
}

/// What a town's early-phase action level means under its own country's criteria
/// ([`super::ACTION_LEGEND`]), in words: the codes differ between the countries.
fn action_words(level: i8, jurisdiction: &str) -> &'static str {
    match (jurisdiction.starts_with("US"), level) {
        (_, l) if l < 0 => "outside the region's criteria",
        (_, 0) => "no shelter or evacuation",
        (true, _) => "shelter-in-place or evacuation (US EPA PAG 2017)",
        (false, 1) => "shelter (Health Canada 2018)",
        (false, _) => "evacuate (Health Canada 2018)",
    }
}

/// A supplementary action's criterion label ("HC_2018 iodine_thyroid_blocking") in words:
/// "iodine thyroid blocking (Health Canada 2018)".
fn supplementary_words(label: &str) -> String {
    let (set, action) = label.split_once(' ').unwrap_or(("", label));
    let set = match set {
        "US_EPA_PAG_2017" => "US EPA PAG 2017",
        "HC_2018" => "Health Canada 2018",
        other => other,
    };
    let action = match action {
        "temporary_relocation" => "temporary relocation, first-year dose".to_string(),
        other => other.replace('_', " "),
    };
    match set {
        "" => action,
        set => format!("{action} ({set})"),
    }
}

/// The active zones of `zones` as indented rows by jurisdiction, or `none` when none is,
/// then one line naming the criteria no cell met with the largest value each reached.
fn zone_rows(zones: &[ZoneSummary], none: &str) -> String {
    let mut s = String::new();
    let active: Vec<&ZoneSummary> = zones
        .iter()
        .filter(|z| !z.by_jurisdiction.is_empty())
        .collect();
    if active.is_empty() {
        s += &format!("    {none}\n");
    }
    for z in active {
        // In the units of the map and the zone files (mg m-3, mSv), to three figures.
        let ppm = z.threshold_ppm.map_or(String::new(), |p| {
            format!(", {}", super::criteria::ppm_text(p))
        });
        s += &format!(
            "    {} (≥ {}{ppm})",
            z.zone,
            super::criteria::threshold_text(z.threshold, z.unit)
        );
        match &z.reach {
            Some(r) => {
                let sectors = match r.sectors.len() {
                    0 => String::new(),
                    16 => ", all sectors".to_string(),
                    _ => format!(", sectors {}", r.sectors.join(" ")),
                };
                s += &format!(
                    ", reaches {:.1} km {} ({:.0}°) of {}{sectors}:\n",
                    r.distance_m / 1000.0,
                    crate::geo::compass_point(r.bearing_deg),
                    r.bearing_deg,
                    r.source,
                )
            }
            None => s += ":\n",
        }
        for r in &z.by_jurisdiction {
            // A count of listed towns only: "0" read as "nobody" over a populated countryside.
            let towns = match (r.towns.is_empty(), r.land_area_km2 > 0.0) {
                (false, _) => format!(
                    "listed towns {} (population {:.0})",
                    r.towns.join(", "),
                    r.population
                ),
                (true, true) => "no listed town (its land may still be inhabited)".to_string(),
                (true, false) => "no listed town".to_string(),
            };
            s += &format!(
                "      {:<14} {:>9.2} km² ({:.2} km² land), {towns}\n",
                r.jurisdiction, r.area_km2, r.land_area_km2,
            );
        }
    }
    // The criteria no cell met, with how close the run came: "not met" alone leaves a
    // responder guessing whether it missed by a little or by a thousandfold.
    let missed: Vec<String> = zones
        .iter()
        .filter(|z| z.by_jurisdiction.is_empty())
        .map(|z| {
            let text = |v: f64| super::criteria::threshold_text(v, z.unit);
            if let Some(why) = z.not_assessed {
                format!("{} (not assessed: {why})", z.zone)
            } else if z.largest > 0.0 {
                // A country's criterion is taken on its own side alone: said, so that a US
                // reader does not take the largest US dose for the run's (found by review).
                let side = if z.zone.starts_with("US_") {
                    " on the US side"
                } else if z.zone.starts_with("HC_") {
                    " on the Canadian side"
                } else {
                    ""
                };
                format!(
                    "{} (largest {}{side}, of {})",
                    z.zone,
                    text(z.largest),
                    text(z.threshold)
                )
            } else {
                format!("{} (zero where it applies)", z.zone)
            }
        })
        .collect();
    if !missed.is_empty() {
        s += &format!("    not met anywhere: {}\n", missed.join("; "));
    }
    s
}

/// Doses below this (Sv) are printed as "< 1e-9 Sv" (`plume compare`: "not reached"): a
/// nanosievert is far below any criterion (the lowest, 10 mSv, is 10⁷ times more) and the
/// Gaussian tails give values like 1e-40 that only distract a reader. The JSON summary keeps
/// the computed values.
pub const NEGLIGIBLE_DOSE_SV: f64 = 1e-9;

/// A dose for the printed summary: three significant figures, or "< 1e-9 Sv".
fn dose_text(sv: f64) -> String {
    if sv < NEGLIGIBLE_DOSE_SV {
        format!("< {NEGLIGIBLE_DOSE_SV:e} Sv")
    } else {
        format!("{sv:.2e} Sv")
    }
}

#[cfg(test)]
mod tests {
    use super::{action_words, dose_text, supplementary_words, zone_rows, ZoneSummary};
    use crate::impact::summary::JurisdictionRow;

    #[test]
    fn a_summary_without_zones_still_says_what_was_not_assessed_and_warns() {
        let s = crate::impact::Summary {
            unassessed: vec!["Foo: not in the library".into()],
            warnings: vec!["something to know".into()],
            ..Default::default()
        };
        assert_eq!(
            s.to_text(),
            "  not assessed: Foo: not in the library\n  WARNING: something to know\n"
        );
    }

    #[test]
    fn action_levels_read_in_words_under_each_countrys_criteria() {
        assert_eq!(action_words(0, "US-ME"), "no shelter or evacuation");
        assert_eq!(
            action_words(1, "US-ME"),
            "shelter-in-place or evacuation (US EPA PAG 2017)"
        );
        assert_eq!(action_words(1, "CA-NB"), "shelter (Health Canada 2018)");
        assert_eq!(
            action_words(2, "CA (other)"),
            "evacuate (Health Canada 2018)"
        );
        assert_eq!(
            action_words(-1, "outside region"),
            "outside the region's criteria"
        );
    }

    #[test]
    fn supplementary_actions_read_in_words_with_their_criteria() {
        assert_eq!(
            supplementary_words("US_EPA_PAG_2017 potassium_iodide"),
            "potassium iodide (US EPA PAG 2017)"
        );
        assert_eq!(
            supplementary_words("HC_2018 iodine_thyroid_blocking"),
            "iodine thyroid blocking (Health Canada 2018)"
        );
        assert_eq!(
            supplementary_words("HC_2018 temporary_relocation"),
            "temporary relocation, first-year dose (Health Canada 2018)"
        );
    }

    #[test]
    fn a_zone_without_a_listed_town_does_not_read_as_empty_of_people() {
        let row = |land_area_km2: f64, towns: Vec<String>| JurisdictionRow {
            jurisdiction: "CA-NB",
            cells: 4,
            area_km2: 1.0,
            land_area_km2,
            population: if towns.is_empty() { 0.0 } else { 4510.0 },
            towns,
        };
        let zone = |rows| ZoneSummary {
            zone: "HC_2018 evacuate".into(),
            threshold: 0.1,
            unit: "Sv",
            by_jurisdiction: rows,
            reach: None,
            reach_by_country: vec![],
            largest: 0.2,
            threshold_ppm: None,
            not_assessed: None,
            decided_by_unverified: vec![],
        };
        let text = zone_rows(&[zone(vec![row(0.8, vec![])])], "none");
        assert!(
            text.contains("no listed town (its land may still be inhabited)"),
            "{text}"
        );
        let text = zone_rows(&[zone(vec![row(0.0, vec![])])], "none");
        assert!(text.trim_end().ends_with("no listed town"), "{text}");
        let text = zone_rows(&[zone(vec![row(0.8, vec!["St. Stephen".into()])])], "none");
        assert!(
            text.contains("listed towns St. Stephen (population 4510)"),
            "{text}"
        );
    }

    #[test]
    fn negligible_doses_print_as_below_a_nanosievert_and_others_with_three_figures() {
        assert_eq!(dose_text(3.76e-40), "< 1e-9 Sv");
        assert_eq!(dose_text(0.0), "< 1e-9 Sv");
        assert_eq!(dose_text(4.7e-10), "< 1e-9 Sv");
        assert_eq!(dose_text(8.48e-9), "8.48e-9 Sv");
        assert_eq!(dose_text(0.1234), "1.23e-1 Sv");
    }
}
