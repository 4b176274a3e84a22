//! Per-jurisdiction summary of every zone: area, land area and population (town points) above
//! each criterion, and warnings naming the unverified values that decide a zone.

use std::collections::BTreeMap;

use serde::Serialize;

use ndarray::Array2;

use super::arrival::Arrival;
use super::{ChemicalImpact, Criterion, RadiologicalImpact, Status, Zone};
use crate::exposure::RadiologicalDose;
use crate::geo::jurisdiction::JurisdictionGrid;
use crate::substance::{Library, Nuclide, NuclideQuantity};

/// Share of a cell's dose above which a nuclide counts as deciding the cell's zone.
pub const DECIDING_SHARE: f64 = 0.1;

/// One jurisdiction's part of a zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JurisdictionRow {
    /// "US-ME", "CA-NB", "US (other)", "CA (other)", "US (waters)", "CA (waters)", "outside
    /// region".
    pub jurisdiction: &'static str,
    pub cells: usize,
    pub area_km2: f64,
    pub land_area_km2: f64,
    /// Sum of the populations of the towns whose cell is in the zone.
    pub population: f64,
    pub towns: Vec<String>,
}

/// One zone, by jurisdiction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneSummary {
    pub zone: String,
    pub threshold: f64,
    pub unit: &'static str,
    pub by_jurisdiction: Vec<JurisdictionRow>,
    /// How far the zone reaches from the sources (filled by the run, which knows them).
    pub reach: Option<super::reach::Reach>,
    /// Where the zone's cells lie in more than one country, how far each country's cells
    /// reach (each country's alert gives its own); empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reach_by_country: Vec<super::reach::CountryReach>,
    /// The largest value of the zone's quantity where its criterion applies (in `unit`).
    pub largest: f64,
    /// A chemical zone's threshold in ppm by volume (25 °C, 1 atm): the unit the AEGL tables
    /// and hazmat teams' meters use beside mg m-3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold_ppm: Option<f64>,
    /// Why the zone's quantity was not computed, where it was not: a thyroid criterion when no
    /// released nuclide has a thyroid coefficient (its `largest` of 0 then means nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_assessed: Option<&'static str>,
    /// The unverified values that decide a radiological zone — each nuclide whose dose decides
    /// some cell, with the quantities of it and of the daughters its dose carries that were not
    /// checked against their primary document ("I-131 (inh_thyroid)", "Te-132 (→ I-132
    /// inh_thyroid)") — so that an alert can say its verified threshold rests on them. Empty
    /// when every deciding value is verified.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decided_by_unverified: Vec<String>,
}

impl ZoneSummary {
    /// Total area of the zone (km²).
    pub fn area_km2(&self) -> f64 {
        self.by_jurisdiction.iter().map(|r| r.area_km2).sum()
    }
}

/// Exposure at one town point (only towns inside the grid with some exposure are listed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TownExposure {
    pub town: String,
    pub jurisdiction: &'static str,
    pub population: f64,
    /// Projected outdoor effective dose over 4 and 7 days (Sv), if nuclides were released.
    pub effective_4d_sv: Option<f64>,
    pub effective_7d_sv: Option<f64>,
    /// The same over 7 days for someone sheltering indoors the whole time, with the run's
    /// shelter factors (`consequence.shelter`), so that a planner sees what sheltering
    /// changes at the town (Sv).
    pub effective_7d_sheltered_sv: Option<f64>,
    /// Committed adult thyroid dose from inhalation over 7 days (Sv); none where no assessed
    /// nuclide has a thyroid coefficient (a Cs-137 release).
    pub thyroid_7d_sv: Option<f64>,
    /// Committed thyroid dose of a 1-year-old child from inhalation over 7 days (Sv); none as
    /// the adult's.
    pub thyroid_child_7d_sv: Option<f64>,
    /// Early-phase action under the town's own country's criteria (see `protective_action`).
    pub action_level: Option<i8>,
    /// The supplementary actions of the town's own country whose criteria its cell meets
    /// (iodine blocking, relocation: level 0 in the criteria table), as their labels
    /// ("US_EPA_PAG_2017 potassium_iodide"): the action level speaks only of shelter and
    /// evacuation (found by review: Lubec, in the KI zone, read "no early-phase action").
    pub supplementary_actions: Vec<String>,
    /// Highest AEGL tier exceeded, per chemical.
    pub aegl_tiers: Vec<(String, u8)>,
    /// Highest AEGL tier exceeded indoors (closed buildings, the run's air change rate and
    /// shelter exit), per chemical of `aegl_tiers`, 0 where none is.
    pub aegl_tiers_indoors: Vec<(String, u8)>,
    /// When the plume reaches the town ([`super::arrival`]; filled in by the consequence run).
    pub arrival: Option<Arrival>,
}

/// A site of shared infrastructure or a hazardous facility inside one or more zones.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteExposure {
    pub site: String,
    /// The `kind` of `data/sites.csv` (`land_port_of_entry`, `electric_tie_border_crossing`, …).
    pub kind: String,
    pub jurisdiction: &'static str,
    /// The zones its cell lies in, in the order of the summary's zones.
    pub zones: Vec<String>,
    /// When the plume reaches it ([`super::arrival`]; filled in by the consequence run).
    pub arrival: Option<Arrival>,
}

/// The run's consequence summary.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Summary {
    pub zones: Vec<ZoneSummary>,
    /// The chemicals' AEGL zones for people sheltering indoors in closed buildings.
    pub sheltered: Vec<ZoneSummary>,
    /// Exposure at the town points of the grid.
    pub towns: Vec<TownExposure>,
    /// The towns on the grid that are not in `towns`: no dose there and no AEGL level met (a
    /// responder looks for the town they answer for; silence could mean "not modelled").
    pub towns_not_reached: Vec<String>,
    /// Ports of entry, border crossings of pipelines and power lines, substations, plants and
    /// terminals that lie in a zone.
    pub infrastructure: Vec<SiteExposure>,
    /// Unverified values that decide a zone, and other caveats, once each.
    pub warnings: Vec<String>,
    /// Species that could not be assessed.
    pub unassessed: Vec<String>,
}

/// The zone's area, land area and population by jurisdiction. The cells count where they lie;
/// town `k` counts, in its own jurisdiction, where `town_in_zone(k)` (its own country's
/// criterion met at its cell, which may lie across the border).
fn zone_summary(
    zone: &Zone,
    juris: &JurisdictionGrid,
    town_in_zone: impl Fn(usize) -> bool,
) -> ZoneSummary {
    let km2 = juris.cell_area_m2 / 1e6;
    let mut rows: BTreeMap<&'static str, JurisdictionRow> = BTreeMap::new();
    for ((j, i), &e) in zone.exceeded.indexed_iter() {
        if !e {
            continue;
        }
        let tag = juris.tag(i, j);
        let row = rows.entry(tag.label()).or_insert_with(|| JurisdictionRow {
            jurisdiction: tag.label(),
            cells: 0,
            area_km2: 0.0,
            land_area_km2: 0.0,
            population: 0.0,
            towns: vec![],
        });
        row.cells += 1;
        // Counted in cells here, turned into km² below (no rounding drift from repeated sums).
        if tag.land {
            row.land_area_km2 += 1.0;
        }
    }
    for row in rows.values_mut() {
        row.area_km2 = row.cells as f64 * km2;
        row.land_area_km2 *= km2;
    }
    for (k, (town, cell)) in juris.towns.iter().enumerate() {
        if cell.is_none() || !town_in_zone(k) {
            continue;
        }
        let label = town.tag.place_label();
        let row = rows.entry(label).or_insert_with(|| JurisdictionRow {
            jurisdiction: label,
            cells: 0,
            area_km2: 0.0,
            land_area_km2: 0.0,
            population: 0.0,
            towns: vec![],
        });
        row.population += town.population;
        row.towns.push(town.name.clone());
    }
    ZoneSummary {
        zone: zone.label.clone(),
        threshold: zone.threshold,
        unit: zone.unit,
        by_jurisdiction: rows.into_values().collect(),
        reach: None,
        reach_by_country: vec![],
        largest: zone.largest,
        threshold_ppm: None,
        not_assessed: None,
        decided_by_unverified: vec![],
    }
}

/// Nuclides whose dose is at least [`DECIDING_SHARE`] of the cell's total in some cell of the
/// zone, with the unverified quantities their dose used — their own and those of the daughters
/// the dose carries with them ("Te-132 (→ I-132 inh_thyroid)"; found by review: a Te-132
/// release's iodine-blocking zone, all I-132's thyroid dose, was said to rest on checked
/// values). `thyroid` is the thyroid coefficient of a thyroid criterion (adult or child),
/// `None` for an effective-dose one.
fn deciding_nuclides(
    zone: &Zone,
    dose: &RadiologicalDose,
    w: usize,
    thyroid: Option<NuclideQuantity>,
    library: &Library,
) -> Vec<String> {
    let total = dose.effective_sv(w);
    let mut out = vec![];
    for (name, by) in &dose.by_nuclide {
        let Some(n) = library.nuclide(name) else {
            continue;
        };
        let daughters: Vec<&Nuclide> = n
            .daughters
            .iter()
            .filter_map(|d| library.nuclide(&d.name))
            .collect();
        let has_thyroid = |m: &Nuclide| match thyroid {
            Some(NuclideQuantity::InhThyroidChild) => m.inh_thyroid_child_sv_per_bq.is_some(),
            Some(_) => m.inh_thyroid_sv_per_bq.is_some(),
            None => true,
        };
        if !has_thyroid(n) && !daughters.iter().any(|d| has_thyroid(d)) {
            continue;
        }
        let decides = zone.exceeded.indexed_iter().any(|((j, i), &e)| {
            e && (thyroid.is_some() || by[[w, j, i]] >= DECIDING_SHARE * total[[j, i]])
                && by[[w, j, i]] > 0.0
        });
        if !decides {
            continue;
        }
        // The quantities of `m`'s own dose that the criterion reads.
        let used_by = |m: &Nuclide| -> Vec<NuclideQuantity> {
            let mut used = vec![NuclideQuantity::HalfLife];
            match thyroid {
                Some(q) if has_thyroid(m) => used.push(q),
                Some(_) => {}
                None => {
                    if m.inh_effective_sv_per_bq.is_some() {
                        used.push(NuclideQuantity::InhEffective);
                    }
                    used.extend([NuclideQuantity::Cloudshine, NuclideQuantity::Groundshine]);
                }
            }
            used.retain(|q| !m.is_verified(*q));
            used
        };
        let mut unverified: Vec<String> = used_by(n).iter().map(|q| q.name().to_string()).collect();
        if !daughters.is_empty() && !n.is_verified(NuclideQuantity::Daughters) {
            unverified.push(NuclideQuantity::Daughters.name().to_string());
        }
        for d in &daughters {
            unverified.extend(
                used_by(d)
                    .iter()
                    .map(|q| format!("→ {} {}", d.name, q.name())),
            );
        }
        if !unverified.is_empty() {
            out.push(format!("{} ({})", n.name, unverified.join(", ")));
        }
    }
    out
}

/// Summarises the zones by jurisdiction and collects the warnings.
pub fn summarise(
    radiological: Option<(&RadiologicalImpact, &RadiologicalDose)>,
    chemical: &[ChemicalImpact],
    juris: &JurisdictionGrid,
    library: &Library,
    unassessed: &[String],
) -> Summary {
    let mut zones = vec![];
    let mut warnings = vec![];
    // Each criterion's dose, for the towns, which are judged by their own country's criteria.
    let criterion_doses: Vec<Option<Array2<f64>>> = radiological.map_or(vec![], |(imp, dose)| {
        imp.criteria
            .iter()
            .map(|c| super::dose_for(dose, c).ok())
            .collect()
    });
    let thyroid = radiological.map_or([false; 2], |(_, d)| {
        [false, true].map(|child| thyroid_assessed(d, library, child))
    });
    if let Some((imp, dose)) = radiological {
        for ((c, z), d) in imp.criteria.iter().zip(&imp.zones).zip(&criterion_doses) {
            let mut s = zone_summary(z, juris, |k| town_meets(c, d.as_ref(), juris, k));
            let assessed = match c.quantity {
                super::DoseQuantity::ThyroidProjected => thyroid[0],
                super::DoseQuantity::ThyroidChildProjected => thyroid[1],
                _ => true,
            };
            if !assessed {
                s.not_assessed = Some(NO_THYROID_COEFFICIENT);
            }
            if s.by_jurisdiction.is_empty() {
                zones.push(s);
                continue;
            }
            if c.status != Status::Verified {
                warnings.push(format!(
                    "zone '{}' uses a threshold that is {:?}: {}",
                    z.label, c.status, c.verification
                ));
            }
            if let Some(w) = dose.window_index(c.window_s) {
                let thyroid = match c.quantity {
                    super::DoseQuantity::ThyroidProjected => Some(NuclideQuantity::InhThyroid),
                    super::DoseQuantity::ThyroidChildProjected => {
                        Some(NuclideQuantity::InhThyroidChild)
                    }
                    _ => None,
                };
                let nuclides = deciding_nuclides(z, dose, w, thyroid, library);
                if !nuclides.is_empty() {
                    warnings.push(format!(
                        "zone '{}' is decided by unverified values: {}",
                        z.label,
                        nuclides.join("; ")
                    ));
                }
                s.decided_by_unverified = nuclides;
            }
            zones.push(s);
        }
    }
    let in_ppm = |ci: &ChemicalImpact, z: &Zone| {
        library
            .chemical(&ci.chemical)
            .map(|c| c.kg_m3_to_ppm(z.threshold))
    };
    for ci in chemical {
        for (z, t) in ci.zones.iter().zip(ci.thresholds.iter().flatten()) {
            let mut s = zone_summary(z, juris, |k| cell_in_zone(z, juris, k));
            s.threshold_ppm = in_ppm(ci, z);
            if !s.by_jurisdiction.is_empty() && !t.verified {
                warnings.push(format!(
                    "zone '{}' uses an unverified threshold ({} mg/m3): {}",
                    z.label,
                    t.value_kg_m3 * 1e6,
                    t.verification
                ));
            }
            zones.push(s);
        }
    }
    let all_zones = radiological
        .iter()
        .flat_map(|(imp, _)| imp.zones.iter())
        .chain(chemical.iter().flat_map(|c| c.zones.iter()));
    let sheltered = chemical
        .iter()
        .flat_map(|c| c.sheltered_zones.iter().map(move |z| (c, z)))
        .map(|(c, z)| ZoneSummary {
            threshold_ppm: in_ppm(c, z),
            ..zone_summary(z, juris, |k| cell_in_zone(z, juris, k))
        })
        .collect();
    let towns = town_exposures(radiological, &criterion_doses, chemical, juris, thyroid);
    let towns_not_reached = juris
        .towns
        .iter()
        .filter(|(town, cell)| cell.is_some() && !towns.iter().any(|t| t.town == town.name))
        .map(|(town, _)| town.name.clone())
        .collect();
    Summary {
        zones,
        sheltered,
        towns,
        towns_not_reached,
        infrastructure: site_exposures(all_zones, juris),
        warnings,
        unassessed: unassessed.to_vec(),
    }
}

/// Whether town `k` lies in a zone drawn for both countries alike (an AEGL zone): its cell does.
fn cell_in_zone(zone: &Zone, juris: &JurisdictionGrid, k: usize) -> bool {
    juris.towns[k].1.is_some_and(|(i, j)| zone.exceeded[[j, i]])
}

/// Whether town `k` lies in the zone of criterion `c`, whose dose is `dose`: a town of the
/// criterion's country whose cell's dose meets it.
fn town_meets(
    c: &Criterion,
    dose: Option<&Array2<f64>>,
    juris: &JurisdictionGrid,
    k: usize,
) -> bool {
    let (town, cell) = &juris.towns[k];
    match (cell, dose) {
        (Some((i, j)), Some(d)) => town.tag.country == c.country && d[[*j, *i]] >= c.threshold_sv,
        _ => false,
    }
}

/// The sites inside the grid whose cell lies in at least one zone, with those zones.
fn site_exposures<'a>(
    zones: impl Iterator<Item = &'a Zone> + Clone,
    juris: &JurisdictionGrid,
) -> Vec<SiteExposure> {
    juris
        .sites
        .iter()
        .filter_map(|(site, cell)| {
            let (i, j) = (*cell)?;
            let inside: Vec<String> = zones
                .clone()
                .filter(|z| z.exceeded[[j, i]])
                .map(|z| z.label.clone())
                .collect();
            (!inside.is_empty()).then(|| SiteExposure {
                site: site.name.clone(),
                kind: site.kind.clone(),
                jurisdiction: site.jurisdiction(juris.tag(i, j)),
                zones: inside,
                arrival: None,
            })
        })
        .collect()
}

/// Which dose a town's line reports: effective (all pathways), adult or child thyroid.
#[derive(Clone, Copy)]
enum Of {
    Effective,
    ShelteredEffective,
    Thyroid,
    ChildThyroid,
}

/// Why a thyroid criterion was not assessed ([`ZoneSummary::not_assessed`]).
const NO_THYROID_COEFFICIENT: &str = "no released nuclide has a thyroid coefficient";

/// Whether some assessed nuclide, or a daughter it carries, has an adult (`child` false) or a
/// 1-year-old's thyroid coefficient: without one the thyroid dose is not computed, and a town
/// is given none rather than zero (found by review: a Cs-137 release printed "thyroid < 1e-9
/// Sv", though caesium irradiates the thyroid about as much as the whole body).
fn thyroid_assessed(dose: &RadiologicalDose, library: &Library, child: bool) -> bool {
    let has = |n: &crate::substance::Nuclide| match child {
        true => n.inh_thyroid_child_sv_per_bq.is_some(),
        false => n.inh_thyroid_sv_per_bq.is_some(),
    };
    dose.by_nuclide
        .iter()
        .filter_map(|(name, _)| library.nuclide(name))
        .any(|n| {
            has(n)
                || n.daughters
                    .iter()
                    .filter_map(|d| library.nuclide(&d.name))
                    .any(has)
        })
}

/// Dose, action and AEGL tier at each town point inside the grid that sees any exposure.
/// The action level is the highest of the town's own country's criteria that its cell's dose
/// (`criterion_doses`, one per criterion) meets. The adult and child thyroid doses are given
/// where `thyroid` says they were assessed ([`thyroid_assessed`]).
fn town_exposures(
    radiological: Option<(&RadiologicalImpact, &RadiologicalDose)>,
    criterion_doses: &[Option<Array2<f64>>],
    chemical: &[ChemicalImpact],
    juris: &JurisdictionGrid,
    thyroid: [bool; 2],
) -> Vec<TownExposure> {
    let day = 86_400.0;
    let mut out = vec![];
    for (k, (town, cell)) in juris.towns.iter().enumerate() {
        let Some((i, j)) = *cell else { continue };
        let dose_at = |window_s: f64, of: Of| {
            radiological.and_then(|(_, d)| {
                d.window_index(window_s).map(|w| match of {
                    Of::Thyroid => d.thyroid_sv[[w, j, i]],
                    Of::ChildThyroid => d.thyroid_child_sv[[w, j, i]],
                    Of::Effective => {
                        d.inhalation_sv[[w, j, i]]
                            + d.cloudshine_sv[[w, j, i]]
                            + d.groundshine_sv[[w, j, i]]
                    }
                    Of::ShelteredEffective => {
                        let f = d.shelter;
                        d.inhalation_sv[[w, j, i]] * f.inhalation
                            + d.cloudshine_sv[[w, j, i]] * f.cloudshine
                            + d.groundshine_sv[[w, j, i]] * f.groundshine
                    }
                })
            })
        };
        let t = TownExposure {
            town: town.name.clone(),
            jurisdiction: town.tag.place_label(),
            population: town.population,
            effective_4d_sv: dose_at(4.0 * day, Of::Effective),
            effective_7d_sv: dose_at(7.0 * day, Of::Effective),
            effective_7d_sheltered_sv: dose_at(7.0 * day, Of::ShelteredEffective),
            thyroid_7d_sv: dose_at(7.0 * day, Of::Thyroid).filter(|_| thyroid[0]),
            thyroid_child_7d_sv: dose_at(7.0 * day, Of::ChildThyroid).filter(|_| thyroid[1]),
            action_level: radiological.map(|(imp, _)| {
                imp.criteria
                    .iter()
                    .zip(criterion_doses)
                    .filter(|(c, d)| c.level > 0 && town_meets(c, d.as_ref(), juris, k))
                    .map(|(c, _)| c.level as i8)
                    .fold(0, i8::max)
            }),
            supplementary_actions: radiological.map_or(vec![], |(imp, _)| {
                imp.criteria
                    .iter()
                    .zip(criterion_doses)
                    .filter(|(c, d)| c.level == 0 && town_meets(c, d.as_ref(), juris, k))
                    .map(|(c, _)| c.label())
                    .collect()
            }),
            aegl_tiers: chemical
                .iter()
                .filter(|c| c.tier[[j, i]] > 0)
                .map(|c| (c.chemical.clone(), c.tier[[j, i]]))
                .collect(),
            aegl_tiers_indoors: chemical
                .iter()
                .filter(|c| c.tier[[j, i]] > 0)
                .map(|c| (c.chemical.clone(), c.sheltered_tier[[j, i]]))
                .collect(),
            arrival: None,
        };
        let exposed = t.effective_7d_sv.is_some_and(|e| e > 0.0) || !t.aegl_tiers.is_empty();
        if exposed {
            out.push(t);
        }
    }
    out
}
