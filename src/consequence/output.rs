//! The consequence fields as extra CF variables, and the global attributes naming the criteria
//! sets and exposure assumptions.

use ndarray::{s, Array2};

use super::Consequence;
use crate::exposure::indoor::ShelterExit;
use crate::exposure::{self, DAY_S};
use crate::impact::ACTION_LEGEND;
use crate::output::netcdf::{variable_name, ExtraField, GlobalAttr};
use crate::substance::AEGL_DURATIONS_S;

fn window_label(w_s: f64) -> String {
    if (w_s - exposure::YEAR_S).abs() < 1.0 {
        "1y".into()
    } else {
        format!("{}d", (w_s / DAY_S).round())
    }
}

/// The CF `units` of a toxic load ∫Cⁿ dt in (mg m-3)ⁿ min: that unit in UDUNITS form when n is
/// a whole number ("mg m-3 min", "(mg m-3)^2 min"); "1" otherwise, the value then being the
/// dimensionless ∫(C / 1 mg m-3)ⁿ d(t / 1 min), because UDUNITS has no fractional powers (it
/// reads "(mg m-3)^2.75" as 0.75 (mg m-3)^2).
pub fn toxic_load_units(n: f64) -> String {
    if n.fract() != 0.0 || !(1.0..=100.0).contains(&n) {
        "1".into()
    } else if n == 1.0 {
        "mg m-3 min".into()
    } else {
        format!("(mg m-3)^{n} min")
    }
}

/// CF §3.5 flags and numeric attributes (stored as numbers, of the data's type) on a field.
fn with_numbers(
    mut f: ExtraField,
    flags: Option<(&[f64], &str)>,
    numbers: &[(&str, f64)],
) -> ExtraField {
    if let Some((values, meanings)) = flags {
        f.numeric_attributes
            .push(("flag_values".into(), values.to_vec()));
        f.attributes.push(("flag_meanings".into(), meanings.into()));
    }
    f.numeric_attributes
        .extend(numbers.iter().map(|(k, v)| (k.to_string(), vec![*v])));
    f
}

/// The AEGL tier fields' flags.
const AEGL_TIER_FLAGS: (&[f64], &str) = (&[0.0, 1.0, 2.0, 3.0], "none AEGL_1 AEGL_2 AEGL_3");

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
        numeric_attributes: vec![],
    }
}

impl Consequence {
    /// Global attributes naming the criteria sets and exposure assumptions.
    pub fn global_attributes(&self) -> Vec<(String, GlobalAttr)> {
        let f = self.spec.shelter;
        vec![
            (
                "protective_action_criteria".into(),
                GlobalAttr::Text(
                    "US cells: US EPA PAG Manual 2017 (EPA-400/R-17/001); CA cells: Health Canada \
                     2018 (H129-86/2018E-PDF); chemicals: AEGL (US EPA / National Academies)"
                        .into(),
                ),
            ),
            (
                "exposure_assumptions".into(),
                GlobalAttr::Text(format!(
                    "adult breathing rate {} m3 s-1; 1-year-old child breathing rate {} m3 s-1; shelter dose-reduction factors cloudshine {}, \
                     groundshine {}, inhalation {}; ground roughness factor {}; breathing layer 0; \
                     groundshine from each output interval's deposit, from the middle of its interval to the end of each window, \
                     decayed with ingrowth of daughters and without weathering; deposition variables hold the activity as deposited, not decayed",
                    self.spec.breathing_rate_m3_s,
                    self.spec.child_breathing_rate_m3_s,
                    f.cloudshine,
                    f.groundshine,
                    f.inhalation,
                    self.spec.ground_roughness_factor
                )),
            ),
        ]
    }

    /// The exposure, dose, zone and action fields as extra CF variables.
    pub fn extra_fields(&self) -> Vec<ExtraField> {
        let mut out = vec![];
        let tags = &self.jurisdictions;
        let jur = Array2::from_shape_fn((tags.ny, tags.nx), |(j, i)| tags.tag(i, j).code() as f64);
        let mut jurisdiction = field2(
            "jurisdiction".into(),
            "jurisdiction of the cell centre".into(),
            "1",
            jur,
            vec![
                (
                    "flag_meanings".into(),
                    "outside_region US CA US_Maine CA_New_Brunswick".into(),
                ),
                (
                    "source".into(),
                    "Natural Earth v4.0.0 1:10m boundary and 1:50m provinces (public domain), with hand-drawn, unverified outlines of Campobello and Deer Island and a hand-drawn, unverified boundary line through Passamaquoddy Bay (Lubec Narrows, Friar Roads, Western Passage) replacing the indicator line there (data/corrections.geojson)".into(),
                ),
            ],
        );
        // CF §3.5: flag_values has the variable's own type (double), not text.
        jurisdiction.numeric_attributes =
            vec![("flag_values".into(), vec![0.0, 1.0, 2.0, 11.0, 12.0])];
        out.push(jurisdiction);
        let land = Array2::from_shape_fn((tags.ny, tags.nx), |(j, i)| {
            if tags.tag(i, j).land {
                1.0
            } else {
                0.0
            }
        });
        out.push(with_numbers(
            field2(
                "land".into(),
                "land (1) or sea (0) at the cell centre".into(),
                "1",
                land,
                vec![(
                    "source".into(),
                    "OpenStreetMap land polygons (npm @geo-maps/earth-lands-10m 0.6.0), simplified at 0.001 deg; (c) OpenStreetMap contributors, ODbL 1.0; no land is known outside the region box".into(),
                )],
            ),
            Some((&[0.0, 1.0], "sea land")),
            &[],
        ));
        if let (Some(d), Some(imp)) = (&self.exposure.radiological, &self.radiological) {
            for (w, &ws) in d.windows_s.iter().enumerate() {
                let lab = window_label(ws);
                let period = format!(
                    "over the first {} after the release start",
                    if lab == "1y" {
                        "year".to_string()
                    } else {
                        format!("{} days", lab.trim_end_matches('d'))
                    }
                );
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
                        "thyroid_child",
                        "committed equivalent dose to the thyroid of a 1-year-old child from inhalation",
                        d.thyroid_child_sv.slice(s![w, .., ..]).to_owned(),
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
                    out.push(with_numbers(
                        field2(
                            format!("dose_{name}_{lab}"),
                            format!("{what} {period}"),
                            "Sv",
                            arr,
                            vec![],
                        ),
                        None,
                        &[("dose_window_s", ws)],
                    ));
                }
            }
            // Level 1 is shelter-in-place or evacuation under the US PAG, shelter in Canada.
            out.push(with_numbers(
                field2(
                    "protective_action".into(),
                    "recommended early-phase protective action under the cell's own country's criteria"
                        .into(),
                    "1",
                    imp.action_level.mapv(f64::from),
                    vec![
                        ("criteria_set_US".into(), ACTION_LEGEND.us.into()),
                        ("criteria_set_CA".into(), ACTION_LEGEND.ca.into()),
                    ],
                ),
                Some((
                    &[-1.0, 0.0, 1.0, 2.0],
                    "outside_region none shelter_CA_or_shelter_or_evacuate_US evacuate_CA",
                )),
                &[],
            ));
            for (c, z) in imp.criteria.iter().zip(&imp.zones) {
                out.push(with_numbers(
                    field2(
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
                            ("source".into(), c.source.clone()),
                            ("verification".into(), c.verification.clone()),
                        ],
                    ),
                    Some((&[0.0, 1.0], "not_met met")),
                    &[("threshold_Sv", c.threshold_sv), ("window_s", c.window_s)],
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
            // A toxic load field, outdoors or indoors: its unit says n where UDUNITS can.
            let toxic_load = |name: String,
                              where_: &str,
                              data: &Array2<f64>,
                              attrs: Vec<(String, String)>,
                              numbers: &[(&str, f64)]| {
                with_numbers(
                    field2(
                        name,
                        format!(
                            "toxic load of {}{where_} in (mg m-3)^n min, n = {}",
                            ce.name, ce.toxic_load_n
                        ),
                        &toxic_load_units(ce.toxic_load_n),
                        data.clone(),
                        attrs,
                    ),
                    None,
                    numbers,
                )
            };
            out.push(toxic_load(
                format!("{v}_toxic_load"),
                "",
                &ce.toxic_load,
                vec![("toxic_load_units".into(), "(mg m-3)^n min".into())],
                &[("toxic_load_exponent_n", ce.toxic_load_n)],
            ));
            let ach = [(
                "shelter_exit".to_string(),
                ce.shelter_exit.name().to_string(),
            )];
            let air_exchange = [("air_exchange_per_hour", ce.air_exchange_per_s * 3600.0)];
            let exit = match ce.shelter_exit {
                ShelterExit::Never => "people staying in",
                ShelterExit::WhenCloudHasPassed => {
                    "then the outdoor air once the indoor air is dirtier than the outdoor air will be again"
                }
            };
            for (d, &dur) in AEGL_DURATIONS_S.iter().enumerate() {
                out.push(with_numbers(
                    field2(
                        format!("{v}_indoor_peak_mean_{}min", dur / 60.0),
                        format!(
                            "peak {}-min running mean concentration of {} indoors, in a closed building (single-zone air exchange), {exit}, over the run and 8 h after",
                            dur / 60.0,
                            ce.name
                        ),
                        "kg m-3",
                        ce.indoor_peak_mean_kg_m3.slice(s![d, .., ..]).to_owned(),
                        ach.to_vec(),
                    ),
                    None,
                    &air_exchange,
                ));
            }
            out.push(toxic_load(
                format!("{v}_indoor_toxic_load"),
                &format!(" indoors ({exit}, over the run and 8 h after)"),
                &ce.indoor_toxic_load,
                ach.to_vec(),
                &air_exchange,
            ));
            out.push(with_numbers(
                field2(
                    format!("{v}_aegl_tier_sheltered"),
                    format!(
                        "highest AEGL level exceeded indoors by the peak {}-min mean of {} (0 none)",
                        ci.duration_s / 60.0,
                        ce.name
                    ),
                    "1",
                    ci.sheltered_tier.mapv(f64::from),
                    ach.to_vec(),
                ),
                Some(AEGL_TIER_FLAGS),
                &[
                    ("air_exchange_per_hour", ce.air_exchange_per_s * 3600.0),
                    ("exposure_duration_s", ci.duration_s),
                ],
            ));
            out.push(with_numbers(
                field2(
                    format!("{v}_aegl_tier"),
                    format!(
                        "highest AEGL level exceeded by the peak {}-min mean of {} (0 none)",
                        ci.duration_s / 60.0,
                        ce.name
                    ),
                    "1",
                    ci.tier.mapv(f64::from),
                    vec![(
                        "criteria_set".into(),
                        "AEGL (US EPA / National Academies), both countries".into(),
                    )],
                ),
                Some(AEGL_TIER_FLAGS),
                &[("exposure_duration_s", ci.duration_s)],
            ));
        }
        out
    }
}
