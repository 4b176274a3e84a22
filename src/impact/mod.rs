//! From exposure to decisions: which cells exceed each protective-action criterion of their own
//! jurisdiction, the recommended early-phase action per cell, AEGL tiers for chemicals, and a
//! per-jurisdiction summary (area, land area, population above each criterion) that names the
//! unverified values deciding a zone.

pub mod arrival;
pub mod coverage;
pub mod criteria;
pub mod reach;
pub mod summary;
pub mod summary_text;

use ndarray::Array2;
use serde::Serialize;

pub use criteria::{radiological_criteria, Criterion, DoseQuantity, Status};
pub use summary::{summarise, JurisdictionRow, Summary, TownExposure, ZoneSummary};

use crate::exposure::indoor::ShelterExit;
use crate::exposure::{ChemicalExposure, RadiologicalDose};
use crate::geo::jurisdiction::{Country, JurisdictionGrid};
use crate::substance::{Chemical, Threshold, AEGL_DURATIONS_S};

/// Why impact could not be assessed.
#[derive(Debug, thiserror::Error)]
pub enum ImpactError {
    #[error(
        "criterion {criterion}: window {window_s} s was not computed (windows: {available:?})"
    )]
    MissingWindow {
        criterion: String,
        window_s: f64,
        available: Vec<f64>,
    },
    #[error("grid mismatch: dose fields are {dose_ny}×{dose_nx}, jurisdiction grid {ny}×{nx}")]
    GridMismatch {
        dose_ny: usize,
        dose_nx: usize,
        ny: usize,
        nx: usize,
    },
    #[error("AEGL duration {value} s: expected one of 600, 1800, 3600, 14400, 28800")]
    Duration { value: f64 },
}

/// The cells where one criterion is exceeded.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// "HC_2018 evacuate", "Chlorine AEGL-2 60 min".
    pub label: String,
    /// The country whose cells it applies to; `None` for AEGL tiers (both countries).
    pub country: Option<Country>,
    pub threshold: f64,
    /// "Sv" or "kg m-3".
    pub unit: &'static str,
    /// [y, x]
    pub exceeded: Array2<bool>,
    /// The largest value of the zone's quantity over the cells its criterion judges (in
    /// `unit`): an empty zone says how far below its threshold the run stayed.
    pub largest: f64,
}

/// The radiological zones and the action map.
#[derive(Debug, Clone, PartialEq)]
pub struct RadiologicalImpact {
    pub criteria: Vec<Criterion>,
    /// One zone per criterion, in the same order.
    pub zones: Vec<Zone>,
    /// Highest early-phase action level of the cell's own country's criteria [y, x]:
    /// 0 none; US: 1 shelter-in-place or evacuation (PAG); CA: 1 shelter, 2 evacuate;
    /// −1 outside the region.
    pub action_level: Array2<i8>,
}

/// The dose a criterion compares with, for its window.
pub(crate) fn dose_for(dose: &RadiologicalDose, c: &Criterion) -> Result<Array2<f64>, ImpactError> {
    let w = dose
        .window_index(c.window_s)
        .ok_or_else(|| ImpactError::MissingWindow {
            criterion: c.label(),
            window_s: c.window_s,
            available: dose.windows_s.clone(),
        })?;
    Ok(match c.quantity {
        DoseQuantity::EffectiveProjected => dose.effective_sv(w),
        DoseQuantity::EffectiveAverted => dose.averted_sv(w),
        DoseQuantity::ThyroidProjected => dose.thyroid_projected_sv(w),
        DoseQuantity::ThyroidChildProjected => dose.thyroid_child_projected_sv(w),
        DoseQuantity::GroundProjected => {
            dose.groundshine_sv.slice(ndarray::s![w, .., ..]).to_owned()
        }
    })
}

/// Evaluates every criterion on the cells of its own country, and on the cells outside the
/// bundled region, whose country is unknown.
pub fn assess_radiological(
    dose: &RadiologicalDose,
    juris: &JurisdictionGrid,
    criteria: &[Criterion],
) -> Result<RadiologicalImpact, ImpactError> {
    let (_, ny, nx) = dose.inhalation_sv.dim();
    if ny != juris.ny || nx != juris.nx {
        return Err(ImpactError::GridMismatch {
            dose_ny: ny,
            dose_nx: nx,
            ny: juris.ny,
            nx: juris.nx,
        });
    }
    let mut action = Array2::<i8>::zeros((ny, nx));
    for j in 0..ny {
        for i in 0..nx {
            if juris.tag(i, j).country == Country::Unknown {
                action[[j, i]] = -1;
            }
        }
    }
    let mut zones = vec![];
    for c in criteria {
        let d = dose_for(dose, c)?;
        // A cell outside the bundled region has no known country: every country's criteria
        // judge it, so that no dose goes unzoned there ([`outside_region_warning`]).
        let judged = |i: usize, j: usize| {
            let country = juris.tag(i, j).country;
            country == c.country || country == Country::Unknown
        };
        let exceeded = Array2::from_shape_fn((ny, nx), |(j, i)| {
            judged(i, j) && d[[j, i]] >= c.threshold_sv
        });
        let largest = d
            .indexed_iter()
            .filter(|((j, i), _)| judged(*i, *j))
            .map(|(_, &v)| v)
            .fold(0.0, f64::max);
        if c.level > 0 {
            for ((j, i), &e) in exceeded.indexed_iter() {
                // The action levels of the two countries mean different things: a cell of
                // neither keeps −1.
                if e && juris.tag(i, j).country == c.country {
                    action[[j, i]] = action[[j, i]].max(c.level as i8);
                }
            }
        }
        zones.push(Zone {
            label: c.label(),
            country: Some(c.country),
            threshold: c.threshold_sv,
            unit: "Sv",
            exceeded,
            largest,
        });
    }
    Ok(RadiologicalImpact {
        criteria: criteria.to_vec(),
        zones,
        action_level: action,
    })
}

/// The warning for zones that reach cells outside the bundled Maine–New Brunswick region, the
/// only border and coastline plume carries: there a cell's land is unknown, so it counts as
/// sea in the land areas, and its country is unknown, so, where a radiological zone reaches
/// it, every country's radiological criteria judge it (it lies in the US and the Canadian
/// zones and both alerts) and its action level is −1 (an AEGL zone is the same in both
/// countries, so for a chemical only the land is said; found by review: a chemical run read of
/// radiological criteria). `None` when no zone reaches outside the region.
pub fn outside_region_warning<'a>(
    zones: impl IntoIterator<Item = &'a Zone>,
    juris: &JurisdictionGrid,
    cell_km2: f64,
) -> Option<String> {
    let mut outside = Array2::<bool>::default((juris.ny, juris.nx));
    let mut radiological = false;
    for z in zones {
        for ((j, i), &e) in z.exceeded.indexed_iter() {
            if e && juris.tag(i, j).country == Country::Unknown {
                outside[[j, i]] = true;
                radiological |= z.country.is_some();
            }
        }
    }
    let cells = outside.iter().filter(|o| **o).count();
    let criteria = if radiological {
        "no country is known, so the US and the Canadian radiological criteria both apply (those cells are in both countries' zones and alerts, with action level −1 in the netCDF), and "
    } else {
        ""
    };
    (cells > 0).then(|| {
        format!(
            "{:.2} km² of the zones lie outside the Maine–New Brunswick region, the only border and coastline plume carries: there {criteria}no coastline is known, so the land areas count those cells as sea",
            cells as f64 * cell_km2
        )
    })
}

/// AEGL tiers of one chemical at one exposure duration.
#[derive(Debug, Clone, PartialEq)]
pub struct ChemicalImpact {
    pub chemical: String,
    /// Its molar mass (g mol⁻¹), for mixing ratios in ppm (25 °C, 1 atm).
    pub mw_g_per_mol: f64,
    pub duration_s: f64,
    /// AEGL-1/2/3 at that duration (`None` where not recommended).
    pub thresholds: [Option<Threshold>; 3],
    /// Highest AEGL level exceeded [y, x] (0 none).
    pub tier: Array2<u8>,
    /// One zone per AEGL level with a threshold.
    pub zones: Vec<Zone>,
    /// The same for people sheltering indoors ([`crate::exposure::indoor`]): the highest
    /// level their indoor air exceeds, and its zones.
    pub sheltered_tier: Array2<u8>,
    pub sheltered_zones: Vec<Zone>,
    /// Cells each AEGL level's zone would gain were the run's last interval to hold for the
    /// AEGL's window after the run ends ([`ChemicalExposure::held_after_peak_mean_kg_m3`]): a
    /// release still running then has zones the run cut short ([`coverage::warnings`]).
    pub held_after_gain_cells: [usize; 3],
}

/// Compares the peak running mean at `duration_s` with the chemical's AEGL-1/2/3.
pub fn assess_chemical(
    exposure: &ChemicalExposure,
    chemical: &Chemical,
    duration_s: f64,
) -> Result<ChemicalImpact, ImpactError> {
    let d = AEGL_DURATIONS_S
        .iter()
        .position(|&x| (x - duration_s).abs() < 1e-9)
        .ok_or(ImpactError::Duration { value: duration_s })?;
    let thresholds = [
        chemical.aegl[0][d].clone(),
        chemical.aegl[1][d].clone(),
        chemical.aegl[2][d].clone(),
    ];
    let label = |level: usize| {
        format!(
            "{} AEGL-{} {} min",
            chemical.name,
            level + 1,
            duration_s / 60.0
        )
    };
    let (tier, zones) = aegl_zones(
        exposure.peak_mean_kg_m3.index_axis(ndarray::Axis(0), d),
        &thresholds,
        label,
    );
    let (held_tier, _) = aegl_zones(
        exposure
            .held_after_peak_mean_kg_m3
            .index_axis(ndarray::Axis(0), d),
        &thresholds,
        label,
    );
    // Levels without an AEGL (phosgene's AEGL-1 is not recommended) have no zone to gain.
    let held_after_gain_cells = [1u8, 2, 3].map(|level| match thresholds[usize::from(level) - 1] {
        Some(_) => held_tier
            .iter()
            .zip(&tier)
            .filter(|(&held, &now)| held >= level && now < level)
            .count(),
        None => 0,
    });
    let ach = exposure.air_exchange_per_s * 3600.0;
    let (sheltered_tier, sheltered_zones) = aegl_zones(
        exposure
            .indoor_peak_mean_kg_m3
            .index_axis(ndarray::Axis(0), d),
        &thresholds,
        |level| {
            let exit = match exposure.shelter_exit {
                ShelterExit::Never => "staying in",
                ShelterExit::WhenCloudHasPassed => "aired once the cloud has passed",
            };
            format!("{}, indoors at {ach} air changes/h, {exit}", label(level))
        },
    );
    Ok(ChemicalImpact {
        chemical: chemical.name.clone(),
        mw_g_per_mol: chemical.mw_g_per_mol,
        duration_s,
        thresholds,
        tier,
        zones,
        sheltered_tier,
        sheltered_zones,
        held_after_gain_cells,
    })
}

/// A warning for each AEGL level that the peak mean at another AEGL duration exceeds beyond the
/// zone of the chosen duration: the zones judge one duration (by default the release's, 10, 30
/// or 60 min), but each AEGL holds for exposures of its own length, so a cloud that passes in
/// ten minutes can exceed the 10-min AEGL well outside the 60-min zone (its hour's mean is
/// diluted by the clean air around it), and one that lingers the 60-min AEGL outside the
/// 10-min zone. Says where, how much and which durations, so the user can choose
/// `aegl_duration_min` knowingly.
pub fn beyond_the_chosen_duration(
    exposure: &ChemicalExposure,
    chemical: &Chemical,
    impact: &ChemicalImpact,
    cell_km2: f64,
    duration_written: bool,
) -> Vec<String> {
    let chosen = match duration_written {
        true => String::new(),
        false => format!(
            "the zones map {} min, chosen from the release's length as aegl_duration_min is unset; ",
            impact.duration_s / 60.0
        ),
    };
    let mut out = vec![];
    for level in 0..3 {
        let mut beyond = Array2::<bool>::from_elem(impact.tier.raw_dim(), false);
        let mut durations = vec![];
        for (d, &dur) in AEGL_DURATIONS_S.iter().enumerate() {
            let Some(t) = &chemical.aegl[level][d] else {
                continue;
            };
            if (dur - impact.duration_s).abs() < 1e-9 {
                continue;
            }
            let peak = exposure.peak_mean_kg_m3.index_axis(ndarray::Axis(0), d);
            let mut any = false;
            for ((cell, &c), &tier) in beyond.iter_mut().zip(peak.iter()).zip(&impact.tier) {
                if c >= t.value_kg_m3 && usize::from(tier) <= level {
                    *cell = true;
                    any = true;
                }
            }
            if any {
                durations.push(format!("{} min", dur / 60.0));
            }
        }
        let n = beyond.iter().filter(|&&b| b).count();
        if n > 0 {
            // The chosen duration may have no AEGL at this level ("not recommended").
            let outside = if impact.thresholds[level].is_some() {
                format!(
                    "outside the {} min AEGL-{} zone",
                    impact.duration_s / 60.0,
                    level + 1
                )
            } else {
                format!(
                    "where the {} min duration has no AEGL-{} to map",
                    impact.duration_s / 60.0,
                    level + 1
                )
            };
            out.push(format!(
                "{} AEGL-{} at {} is exceeded over {:.2} km² {outside} (each AEGL holds for exposures of its own length; {chosen}set [consequence] aegl_duration_min to map another)",
                chemical.name,
                level + 1,
                durations.join(", "),
                n as f64 * cell_km2,
            ));
        }
    }
    out
}

/// The highest AEGL level that `peak` meets in each cell (0 none), and one zone per level
/// with a threshold, labelled by `label(level)` (0-based).
fn aegl_zones(
    peak: ndarray::ArrayView2<f64>,
    thresholds: &[Option<Threshold>; 3],
    label: impl Fn(usize) -> String,
) -> (Array2<u8>, Vec<Zone>) {
    let mut tier = Array2::<u8>::zeros(peak.raw_dim());
    let mut zones = vec![];
    for (level, t) in thresholds.iter().enumerate() {
        let Some(t) = t else { continue };
        let exceeded = peak.mapv(|c| c >= t.value_kg_m3);
        for ((j, i), &e) in exceeded.indexed_iter() {
            if e {
                tier[[j, i]] = tier[[j, i]].max(level as u8 + 1);
            }
        }
        zones.push(Zone {
            label: label(level),
            country: None,
            threshold: t.value_kg_m3,
            unit: "kg m-3",
            exceeded,
            largest: peak.iter().cloned().fold(0.0, f64::max),
        });
    }
    (tier, zones)
}

/// Serialisable description of an action-level code, for outputs.
#[derive(Debug, Clone, Serialize)]
pub struct ActionLegend {
    pub us: &'static str,
    pub ca: &'static str,
}

/// The meaning of `action_level` values.
pub const ACTION_LEGEND: ActionLegend = ActionLegend {
    us: "US cells, US EPA PAG Manual 2017: 0 none, 1 shelter-in-place or evacuation (>= 10 mSv projected over 4 d)",
    ca: "CA cells, Health Canada 2018: 0 none, 1 shelter (>= 10 mSv averted over 2 d), 2 evacuate (>= 100 mSv projected over 7 d); -1 outside the region",
};
