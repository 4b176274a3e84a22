//! Consequence assessment of a run: the scenario's `[consequence]` options (`options`),
//! exposure and dose fields, zones and actions by jurisdiction, the summary, and the extra CF
//! variables that the netCDF writer stores beside the model fields (`output`).
//!
//! ```toml
//! [consequence]
//! shelter = { cloudshine = 0.9, groundshine = 0.4, inhalation = 1.0 }  # dose-reduction factors
//! breathing_rate_m3_s = 3.33e-4
//! child_breathing_rate_m3_s = 9.72e-5   # 1-year-old, for the child thyroid dose
//! ground_roughness_factor = 1.0
//! aegl_duration_min = 60            # 10, 30, 60, 240 or 480; unset: the longest chemical
//!                                   # release's (10, 30 or 60)
//! air_exchange_per_h = 0.45         # a closed building, for chemical exposure indoors
//! shelter_exit = "never"            # or "when_cloud_has_passed": air the building then
//! substance_file = "my_substances.toml"   # relative to the scenario file
//! ```

mod options;
mod output;

pub use options::{
    release_matched_aegl_duration_s, validate, ConsequenceSection, ConsequenceSpec, ShelterSection,
    DEFAULT_AEGL_DURATION_S,
};
pub use output::toxic_load_units;

use chrono::{DateTime, Duration, Utc};

use crate::exposure::{self, Exposure, ExposureOptions, DOSE_WINDOWS_S};
use crate::field::Fields;
use crate::geo::jurisdiction::{JurisdictionGrid, Region};
use crate::geo::TransverseMercator;
use crate::impact::arrival::{arrival_interval_s, Arrival};
use crate::impact::reach::ReachSource;
use crate::impact::{
    self, assess_chemical, assess_radiological, radiological_criteria, ChemicalImpact,
    RadiologicalImpact, Summary,
};
use crate::output::local_time;
use crate::substance::{AmountUnit, Library, SubstanceError};

/// Why consequences could not be assessed.
#[derive(Debug, thiserror::Error)]
pub enum ConsequenceError {
    #[error(transparent)]
    Substance(#[from] SubstanceError),
    #[error(transparent)]
    Exposure(#[from] exposure::ExposureError),
    #[error(transparent)]
    Impact(#[from] impact::ImpactError),
}

/// Everything the consequence assessment produced for a run.
#[derive(Debug, Clone)]
pub struct Consequence {
    pub spec: ConsequenceSpec,
    pub exposure: Exposure,
    pub jurisdictions: JurisdictionGrid,
    pub radiological: Option<RadiologicalImpact>,
    pub chemical: Vec<ChemicalImpact>,
    pub summary: Summary,
    /// What each of the run's species is assessed as (in the order of the fields' species), so
    /// that a zone's reach is measured from the sources that release what it is a zone of.
    pub assessed_as: Vec<AssessedAs>,
}

/// What a species is assessed as.
#[derive(Debug, Clone, PartialEq)]
pub enum AssessedAs {
    /// A nuclide: the radiological zones are of its dose.
    Radiological,
    /// A chemical of the library, by its library name: its AEGL zones.
    Chemical(String),
    /// Neither: no zone is of it.
    Unassessed,
}

/// Assesses exposure, dose and protective actions for the fields of a run that starts at
/// `start`.
pub fn assess(
    spec: &ConsequenceSpec,
    fields: &Fields,
    projection: &TransverseMercator,
    release_start_s: f64,
    start: DateTime<Utc>,
) -> Result<Consequence, ConsequenceError> {
    let owned;
    let library = match &spec.substance_file {
        Some(p) => {
            owned = Library::with_user_file(p)?;
            &owned
        }
        None => Library::embedded(),
    };
    let criteria = radiological_criteria();
    let mut windows = DOSE_WINDOWS_S.to_vec();
    windows.extend(criteria.iter().map(|c| c.window_s));
    let opts = ExposureOptions {
        layer: 0,
        breathing_rate_m3_s: spec.breathing_rate_m3_s,
        child_breathing_rate_m3_s: spec.child_breathing_rate_m3_s,
        shelter: spec.shelter,
        ground_roughness_factor: spec.ground_roughness_factor,
        release_start_s,
        windows_s: windows,
        air_exchange_per_s: spec.air_exchange_per_h / 3600.0,
        shelter_exit: spec.shelter_exit,
    };
    let exposure = exposure::compute(fields, library, &opts)?;
    let jurisdictions = Region::embedded().tag_grid(&fields.grid, projection);
    let radiological = match &exposure.radiological {
        Some(d) => Some(assess_radiological(d, &jurisdictions, criteria)?),
        None => None,
    };
    let mut chemical = vec![];
    let mut other_durations = vec![];
    let cell_km2 = fields.grid.dx_m * fields.grid.dx_m * 1e-6;
    for ce in &exposure.chemicals {
        if let Some(ch) = library.chemical(&ce.name) {
            let impact = assess_chemical(ce, ch, spec.aegl_duration_s)?;
            other_durations.extend(impact::beyond_the_chosen_duration(
                ce,
                ch,
                &impact,
                cell_km2,
                spec.aegl_duration_written,
            ));
            other_durations.extend(denser_than_the_pure_gas(ce, ch));
            chemical.push(impact);
        }
    }
    let mut summary = impact::summarise(
        radiological.as_ref().zip(exposure.radiological.as_ref()),
        &chemical,
        &jurisdictions,
        library,
        &exposure.unassessed,
    );
    summary.warnings.extend(other_durations);
    add_arrivals(&mut summary, fields, opts.layer, &jurisdictions, start);
    let zones = radiological.iter().flat_map(|r| &r.zones).chain(
        chemical
            .iter()
            .flat_map(|c| c.zones.iter().chain(&c.sheltered_zones)),
    );
    summary.warnings.extend(impact::outside_region_warning(
        zones,
        &jurisdictions,
        cell_km2,
    ));
    let assessed_as = fields
        .species
        .iter()
        .map(|sf| match sf.species.unit {
            AmountUnit::Becquerel => AssessedAs::Radiological,
            _ => library
                .chemical(&sf.species.name)
                .map_or(AssessedAs::Unassessed, |c| {
                    AssessedAs::Chemical(c.name.clone())
                }),
        })
        .collect();
    Ok(Consequence {
        assessed_as,
        spec: spec.clone(),
        exposure,
        jurisdictions,
        radiological,
        chemical,
        summary,
    })
}

/// Fills in when the plume reaches each town and site the summary lists, on the clocks kept
/// where it stands ([`local_time::zone_at`]; a border crossing both countries'), from the
/// breathing layer `layer` ([`impact::arrival`]).
fn add_arrivals(
    summary: &mut Summary,
    fields: &Fields,
    layer: usize,
    juris: &JurisdictionGrid,
    start: DateTime<Utc>,
) {
    let arrival = |cell: (usize, usize), clocks: Option<chrono_tz::Tz>, shared: bool, zoned| {
        let (from_s, to_s) = arrival_interval_s(fields, layer, cell, zoned)?;
        let at = start + Duration::milliseconds((from_s * 1e3).round() as i64);
        Some(Arrival {
            from_s,
            to_s,
            from_local: if shared {
                local_time::english_on_the_border(at)
            } else {
                local_time::english_in(at, clocks)
            },
        })
    };
    for t in &mut summary.towns {
        if let Some((town, Some(cell))) = juris.towns.iter().find(|(town, _)| town.name == t.town) {
            let clocks = local_time::zone_of(town.tag, town.location);
            let zoned = t.aegl_tiers.iter().any(|(_, tier)| *tier > 0)
                || t.action_level.is_some_and(|a| a > 0);
            t.arrival = arrival(*cell, clocks, false, zoned);
        }
    }
    for x in &mut summary.infrastructure {
        if let Some((site, Some(cell))) = juris.sites.iter().find(|(site, _)| site.name == x.site) {
            let clocks = local_time::zone_at(site.location);
            x.arrival = arrival(*cell, clocks, site.shared, !x.zones.is_empty());
        }
    }
}

/// The outdoor zones of a run: the radiological criteria's, then the chemicals' AEGL tiers.
fn outdoor<'a>(
    radiological: &'a Option<RadiologicalImpact>,
    chemical: &'a [ChemicalImpact],
) -> impl Iterator<Item = &'a impact::Zone> {
    radiological
        .iter()
        .flat_map(|r| &r.zones)
        .chain(chemical.iter().flat_map(|c| &c.zones))
}

impl Consequence {
    /// The outdoor zones: the radiological criteria's, then the chemicals' AEGL tiers.
    pub fn outdoor_zones(&self) -> impl Iterator<Item = &impact::Zone> {
        outdoor(&self.radiological, &self.chemical)
    }

    /// Each assessed chemical's last interval against its lowest threshold at the zones'
    /// duration, for [`impact::coverage::cut_off`].
    pub fn last_intervals(&self) -> Vec<impact::coverage::LastInterval> {
        self.chemical
            .iter()
            .filter_map(|c| {
                let e = self
                    .exposure
                    .chemicals
                    .iter()
                    .find(|e| e.name == c.chemical)?;
                let (level, t) = c
                    .thresholds
                    .iter()
                    .enumerate()
                    .filter_map(|(k, t)| t.as_ref().map(|t| (k, t)))
                    .min_by(|a, b| a.1.value_kg_m3.total_cmp(&b.1.value_kg_m3))?;
                Some(impact::coverage::LastInterval {
                    chemical: c.chemical.clone(),
                    peak_kg_m3: e.last_interval_peak_kg_m3,
                    threshold_kg_m3: t.value_kg_m3,
                    threshold: format!("AEGL-{} ({:.0} min)", level + 1, c.duration_s / 60.0),
                    duration_s: c.duration_s,
                    held_after_gain_cells: c.held_after_gain_cells,
                })
            })
            .collect()
    }

    /// Fills every zone summary's reach (outdoors and sheltered) from `sources` (each with the
    /// indices of the species it releases within the run), which the assessment
    /// itself does not know ([`impact::reach`]): a radiological zone's from the sources of
    /// nuclides, a chemical's AEGL zones from those of that chemical, under any of its names
    /// (found by review: a chlorine zone's reach was measured from an unrelated source nearer
    /// its far end); from every source where none releases it.
    pub fn add_reach(
        &mut self,
        grid: &crate::field::GridSpec,
        tm: &TransverseMercator,
        sources: &[(ReachSource, Vec<usize>)],
    ) {
        let of = |wanted: &dyn Fn(&AssessedAs) -> bool| -> Vec<ReachSource> {
            let releasing = |species: &Vec<usize>| {
                species
                    .iter()
                    .any(|&k| self.assessed_as.get(k).is_some_and(wanted))
            };
            let chosen: Vec<_> = sources
                .iter()
                .filter(|(_, species)| releasing(species))
                .collect();
            let chosen = if chosen.is_empty() {
                sources.iter().collect()
            } else {
                chosen
            };
            chosen.into_iter().map(|(s, _)| s.clone()).collect()
        };
        let mut groups = vec![];
        if let Some(r) = &self.radiological {
            let from = of(&|a| *a == AssessedAs::Radiological);
            groups.extend(r.zones.iter().map(|z| (z, false, from.clone())));
        }
        for c in &self.chemical {
            let from = of(&|a| matches!(a, AssessedAs::Chemical(n) if *n == c.chemical));
            groups.extend(c.zones.iter().map(|z| (z, false, from.clone())));
            groups.extend(c.sheltered_zones.iter().map(|z| (z, true, from.clone())));
        }
        for (zone, sheltered, from) in groups {
            let rows = if sheltered {
                &mut self.summary.sheltered
            } else {
                &mut self.summary.zones
            };
            impact::reach::add_reach(rows, zone, grid, tm, &from, &self.jurisdictions);
        }
    }
}

/// A warning where a chemical's peak 10-min mean in air exceeds the density of the pure gas at
/// 25 °C and 1 atm (M/V_m, [`crate::substance::MOLAR_VOLUME_L_MOL`]): no air holds more of a
/// gas than the gas itself, so the release rate or its unit is wrong (found by review: 10⁹ kg/s
/// from a tank truck ran without a word and put a town at AEGL-3).
fn denser_than_the_pure_gas(
    ce: &exposure::ChemicalExposure,
    ch: &crate::substance::Chemical,
) -> Option<String> {
    let pure_kg_m3 = ch.mw_g_per_mol / crate::substance::MOLAR_VOLUME_L_MOL;
    let peak = ce.peak_mean_kg_m3.iter().copied().fold(0.0, f64::max);
    (peak > pure_kg_m3).then(|| {
        format!(
            "{}: the peak 10-min mean air concentration, {peak:.3e} kg m-3, is above the density of the pure gas ({pure_kg_m3:.3} kg m-3 at 25 °C and 1 atm), which no air can hold: check the release rate and its unit",
            ch.name
        )
    })
}
