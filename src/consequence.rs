//! Consequence assessment of a run: the scenario's `[consequence]` options, exposure and dose
//! fields, zones and actions by jurisdiction, the summary, and the extra CF variables that the
//! netCDF writer stores beside the model fields.
//!
//! ```toml
//! [consequence]
//! shelter = { cloudshine = 0.9, groundshine = 0.4, inhalation = 1.0 }  # dose-reduction factors
//! breathing_rate_m3_s = 3.33e-4
//! ground_roughness_factor = 1.0
//! aegl_duration_min = 60            # 10, 30, 60, 240 or 480
//! substance_file = "my_substances.toml"   # relative to the scenario file
//! ```

use std::path::{Path, PathBuf};

use ndarray::{s, Array2};
use serde::Deserialize;

use crate::exposure::{self, Exposure, ExposureOptions, ShelterFactors, DAY_S, DOSE_WINDOWS_S};
use crate::field::Fields;
use crate::geo::jurisdiction::{JurisdictionGrid, Region};
use crate::geo::TransverseMercator;
use crate::impact::{
    self, assess_chemical, assess_radiological, radiological_criteria, ChemicalImpact,
    RadiologicalImpact, Summary, ACTION_LEGEND,
};
use crate::output::netcdf::{variable_name, ExtraField};
use crate::substance::{Library, SubstanceError, AEGL_DURATIONS_S};

/// The `[consequence]` section as written.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ConsequenceSection {
    pub shelter: Option<ShelterSection>,
    pub breathing_rate_m3_s: Option<f64>,
    pub ground_roughness_factor: Option<f64>,
    pub aegl_duration_min: Option<f64>,
    pub substance_file: Option<String>,
}

/// Dose-reduction factors of a shelter as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShelterSection {
    pub cloudshine: f64,
    pub groundshine: f64,
    pub inhalation: f64,
}

/// Validated consequence options.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsequenceSpec {
    pub shelter: ShelterFactors,
    pub breathing_rate_m3_s: f64,
    pub ground_roughness_factor: f64,
    pub aegl_duration_s: f64,
    /// Absolute path of the user substance file, if any.
    pub substance_file: Option<PathBuf>,
}

impl Default for ConsequenceSpec {
    fn default() -> Self {
        let o = ExposureOptions::default();
        ConsequenceSpec {
            shelter: o.shelter,
            breathing_rate_m3_s: o.breathing_rate_m3_s,
            ground_roughness_factor: o.ground_roughness_factor,
            aegl_duration_s: 3600.0,
            substance_file: None,
        }
    }
}

/// Validates the section; each problem is reported as (path, value, expected).
pub fn validate(
    raw: ConsequenceSection,
    scenario_file: &Path,
    problem: &mut dyn FnMut(String, String, String),
) -> ConsequenceSpec {
    let mut spec = ConsequenceSpec::default();
    let mut range = |path: &str, v: f64, lo: f64, lo_incl: bool, hi: f64, what: &str| -> bool {
        let ok = v.is_finite() && (v > lo || (lo_incl && v == lo)) && v <= hi;
        if !ok {
            problem(
                format!("consequence.{path}"),
                v.to_string(),
                format!("{what} in {}{lo}, {hi}]", if lo_incl { "[" } else { "(" }),
            );
        }
        ok
    };
    if let Some(sh) = raw.shelter {
        let a = range(
            "shelter.cloudshine",
            sh.cloudshine,
            0.0,
            true,
            1.0,
            "a dose-reduction factor",
        );
        let b = range(
            "shelter.groundshine",
            sh.groundshine,
            0.0,
            true,
            1.0,
            "a dose-reduction factor",
        );
        let c = range(
            "shelter.inhalation",
            sh.inhalation,
            0.0,
            true,
            1.0,
            "a dose-reduction factor",
        );
        if a && b && c {
            spec.shelter = ShelterFactors {
                cloudshine: sh.cloudshine,
                groundshine: sh.groundshine,
                inhalation: sh.inhalation,
            };
        }
    }
    if let Some(v) = raw.breathing_rate_m3_s {
        if range("breathing_rate_m3_s", v, 0.0, false, 0.01, "a rate (m3/s)") {
            spec.breathing_rate_m3_s = v;
        }
    }
    if let Some(v) = raw.ground_roughness_factor {
        if range("ground_roughness_factor", v, 0.0, true, 1.0, "a factor") {
            spec.ground_roughness_factor = v;
        }
    }
    if let Some(m) = raw.aegl_duration_min {
        if AEGL_DURATIONS_S
            .iter()
            .any(|&d| (d - m * 60.0).abs() < 1e-9)
        {
            spec.aegl_duration_s = m * 60.0;
        } else {
            problem(
                "consequence.aegl_duration_min".into(),
                m.to_string(),
                "one of the AEGL durations 10, 30, 60, 240, 480 (min)".into(),
            );
        }
    }
    if let Some(f) = raw.substance_file {
        let base = scenario_file.parent().unwrap_or(Path::new("."));
        let path = base.join(&f);
        match Library::with_user_file(&path) {
            Ok(_) => spec.substance_file = Some(path),
            Err(e) => problem(
                "consequence.substance_file".into(),
                format!("{f:?}"),
                format!("a readable substance file ({e})"),
            ),
        }
    }
    spec
}

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
}

/// Assesses exposure, dose and protective actions for the fields of a run.
pub fn assess(
    spec: &ConsequenceSpec,
    fields: &Fields,
    projection: &TransverseMercator,
    release_start_s: f64,
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
        shelter: spec.shelter,
        ground_roughness_factor: spec.ground_roughness_factor,
        release_start_s,
        windows_s: windows,
    };
    let exposure = exposure::compute(fields, library, &opts)?;
    let jurisdictions = Region::embedded().tag_grid(&fields.grid, projection);
    let radiological = match &exposure.radiological {
        Some(d) => Some(assess_radiological(d, &jurisdictions, criteria)?),
        None => None,
    };
    let mut chemical = vec![];
    for ce in &exposure.chemicals {
        if let Some(ch) = library.chemical(&ce.name) {
            chemical.push(assess_chemical(ce, ch, spec.aegl_duration_s)?);
        }
    }
    let summary = impact::summarise(
        radiological.as_ref().zip(exposure.radiological.as_ref()),
        &chemical,
        &jurisdictions,
        library,
        &exposure.unassessed,
    );
    Ok(Consequence {
        spec: spec.clone(),
        exposure,
        jurisdictions,
        radiological,
        chemical,
        summary,
    })
}

fn window_label(w_s: f64) -> String {
    if (w_s - exposure::YEAR_S).abs() < 1.0 {
        "1y".into()
    } else {
        format!("{}d", (w_s / DAY_S).round())
    }
}

fn field2(
    name: String,
    long_name: String,
    units: &str,
    data: Array2<f64>,
    attributes: Vec<(String, String)>,
) -> ExtraField {
    ExtraField {
        name,
        long_name,
        units: units.into(),
        dims: vec!["y", "x"],
        data: data.into_dyn(),
        attributes,
    }
}

impl Consequence {
    /// Global attributes naming the criteria sets and exposure assumptions.
    pub fn global_attributes(&self) -> Vec<(String, String)> {
        let f = self.spec.shelter;
        vec![
            (
                "protective_action_criteria".into(),
                "US cells: US EPA PAG Manual 2017 (EPA-400/R-17/001); CA cells: Health Canada 2018 \
                 (H129-86/2018E-PDF); chemicals: AEGL (US EPA / National Academies)"
                    .into(),
            ),
            (
                "exposure_assumptions".into(),
                format!(
                    "adult breathing rate {} m3 s-1; shelter dose-reduction factors cloudshine {}, \
                     groundshine {}, inhalation {}; ground roughness factor {}; breathing layer 0; \
                     groundshine from the end-of-run deposit to the end of each window",
                    self.spec.breathing_rate_m3_s,
                    f.cloudshine,
                    f.groundshine,
                    f.inhalation,
                    self.spec.ground_roughness_factor
                ),
            ),
        ]
    }

    /// The exposure, dose, zone and action fields as extra CF variables.
    pub fn extra_fields(&self) -> Vec<ExtraField> {
        let mut out = vec![];
        let tags = &self.jurisdictions;
        let jur = Array2::from_shape_fn((tags.ny, tags.nx), |(j, i)| tags.tag(i, j).code() as f64);
        out.push(field2(
            "jurisdiction".into(),
            "jurisdiction of the cell centre".into(),
            "1",
            jur,
            vec![
                ("flag_values".into(), "0 1 2 11 12".into()),
                (
                    "flag_meanings".into(),
                    "outside_region US CA US_Maine CA_New_Brunswick".into(),
                ),
                (
                    "source".into(),
                    "Natural Earth v4.0.0 boundaries (public domain)".into(),
                ),
            ],
        ));
        let land = Array2::from_shape_fn((tags.ny, tags.nx), |(j, i)| {
            if tags.tag(i, j).land {
                1.0
            } else {
                0.0
            }
        });
        out.push(field2(
            "land".into(),
            "land (1) or sea (0) at the cell centre".into(),
            "1",
            land,
            vec![(
                "source".into(),
                "Natural Earth v4.0.0 1:10m land (public domain)".into(),
            )],
        ));
        if let (Some(d), Some(imp)) = (&self.exposure.radiological, &self.radiological) {
            for (w, &ws) in d.windows_s.iter().enumerate() {
                let lab = window_label(ws);
                let period = format!("over the first {lab} after the scenario start");
                for (name, what, arr) in [
                    (
                        "inhalation",
                        "committed effective dose from inhalation",
                        d.inhalation_sv.slice(s![w, .., ..]).to_owned(),
                    ),
                    (
                        "cloudshine",
                        "effective dose from cloud submersion",
                        d.cloudshine_sv.slice(s![w, .., ..]).to_owned(),
                    ),
                    (
                        "groundshine",
                        "effective dose from the ground deposit",
                        d.groundshine_sv.slice(s![w, .., ..]).to_owned(),
                    ),
                    (
                        "thyroid",
                        "committed equivalent dose to the thyroid from inhalation (adult)",
                        d.thyroid_sv.slice(s![w, .., ..]).to_owned(),
                    ),
                    (
                        "effective_projected",
                        "projected effective dose outdoors, all pathways",
                        d.effective_sv(w),
                    ),
                    (
                        "effective_sheltered",
                        "effective dose while sheltered",
                        d.sheltered_effective_sv(w),
                    ),
                    (
                        "effective_averted",
                        "effective dose averted by sheltering",
                        d.averted_sv(w),
                    ),
                ] {
                    out.push(field2(
                        format!("dose_{name}_{lab}"),
                        format!("{what} {period}"),
                        "Sv",
                        arr,
                        vec![("dose_window_s".into(), ws.to_string())],
                    ));
                }
            }
            out.push(field2(
                "protective_action".into(),
                "recommended early-phase protective action under the cell's own country's criteria"
                    .into(),
                "1",
                imp.action_level.mapv(f64::from),
                vec![
                    ("criteria_set_US".into(), ACTION_LEGEND.us.into()),
                    ("criteria_set_CA".into(), ACTION_LEGEND.ca.into()),
                ],
            ));
            for (c, z) in imp.criteria.iter().zip(&imp.zones) {
                out.push(field2(
                    format!("zone_{}_{}", c.set, c.action),
                    format!(
                        "cells where {} is met ({} cells only)",
                        c.label(),
                        c.country.code()
                    ),
                    "1",
                    z.exceeded.mapv(|e| if e { 1.0 } else { 0.0 }),
                    vec![
                        ("criteria_set".into(), c.set.clone()),
                        ("threshold_Sv".into(), c.threshold_sv.to_string()),
                        ("window_s".into(), c.window_s.to_string()),
                        ("source".into(), c.source.clone()),
                        ("verification".into(), c.verification.clone()),
                    ],
                ));
            }
        }
        for (ce, ci) in self.exposure.chemicals.iter().zip(&self.chemical) {
            let v = variable_name(&ce.name);
            for (d, &dur) in AEGL_DURATIONS_S.iter().enumerate() {
                out.push(field2(
                    format!("{v}_peak_mean_{}min", dur / 60.0),
                    format!(
                        "peak {}-min running mean concentration of {}",
                        dur / 60.0,
                        ce.name
                    ),
                    "kg m-3",
                    ce.peak_mean_kg_m3.slice(s![d, .., ..]).to_owned(),
                    vec![],
                ));
            }
            out.push(field2(
                format!("{v}_tic"),
                format!("time-integrated concentration of {}", ce.name),
                "kg s m-3",
                ce.tic_kg_s_m3.clone(),
                vec![],
            ));
            out.push(field2(
                format!("{v}_toxic_load"),
                format!("toxic load of {} in (mg m-3)^n min", ce.name),
                "1",
                ce.toxic_load.clone(),
                vec![
                    ("toxic_load_exponent_n".into(), ce.toxic_load_n.to_string()),
                    ("toxic_load_units".into(), "(mg m-3)^n min".into()),
                ],
            ));
            out.push(field2(
                format!("{v}_aegl_tier"),
                format!(
                    "highest AEGL level exceeded by the peak {}-min mean of {} (0 none)",
                    ci.duration_s / 60.0,
                    ce.name
                ),
                "1",
                ci.tier.mapv(f64::from),
                vec![
                    (
                        "criteria_set".into(),
                        "AEGL (US EPA / National Academies), both countries".into(),
                    ),
                    ("exposure_duration_s".into(), ci.duration_s.to_string()),
                ],
            ));
        }
        out
    }
}
