//! The `[consequence]` section of a scenario: as written, and validated.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::exposure::indoor::ShelterExit;
use crate::exposure::{ExposureOptions, ShelterFactors};
use crate::substance::{Library, AEGL_DURATIONS_S};

/// The `[consequence]` section as written.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ConsequenceSection {
    pub shelter: Option<ShelterSection>,
    pub breathing_rate_m3_s: Option<f64>,
    pub child_breathing_rate_m3_s: Option<f64>,
    pub ground_roughness_factor: Option<f64>,
    pub aegl_duration_min: Option<f64>,
    /// Air changes per hour of a closed building, for chemical exposure indoors.
    pub air_exchange_per_h: Option<f64>,
    /// When people sheltering end it: "never" or "when_cloud_has_passed".
    pub shelter_exit: Option<String>,
    pub substance_file: Option<String>,
}

/// Dose-reduction factors of a shelter as written; a factor left out keeps its default
/// ([`ShelterFactors::default`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShelterSection {
    pub cloudshine: Option<f64>,
    pub groundshine: Option<f64>,
    pub inhalation: Option<f64>,
}

/// Validated consequence options.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsequenceSpec {
    pub shelter: ShelterFactors,
    pub breathing_rate_m3_s: f64,
    /// Breathing rate of the 1-year-old child whose thyroid dose is projected.
    pub child_breathing_rate_m3_s: f64,
    pub ground_roughness_factor: f64,
    /// The AEGL duration the zones judge: `aegl_duration_min` where written, else
    /// [`release_matched_aegl_duration_s`] of the scenario's chemical releases.
    pub aegl_duration_s: f64,
    /// Whether `aegl_duration_min` was written (else the releases chose the duration).
    pub aegl_duration_written: bool,
    /// Whether some species is a chemical of the library, whose exposures the AEGL zones
    /// judge over `aegl_duration_s` (set when the scenario is validated).
    pub judges_chemicals: bool,
    /// Air changes per hour of a closed building (indoor chemical exposure).
    pub air_exchange_per_h: f64,
    /// When people sheltering in it end sheltering.
    pub shelter_exit: ShelterExit,
    /// Absolute path of the user substance file, if any.
    pub substance_file: Option<PathBuf>,
}

impl Default for ConsequenceSpec {
    fn default() -> Self {
        let o = ExposureOptions::default();
        ConsequenceSpec {
            shelter: o.shelter,
            breathing_rate_m3_s: o.breathing_rate_m3_s,
            child_breathing_rate_m3_s: o.child_breathing_rate_m3_s,
            ground_roughness_factor: o.ground_roughness_factor,
            aegl_duration_s: DEFAULT_AEGL_DURATION_S,
            aegl_duration_written: false,
            judges_chemicals: false,
            air_exchange_per_h: o.air_exchange_per_s * 3600.0,
            shelter_exit: o.shelter_exit,
            substance_file: None,
        }
    }
}

/// The AEGL duration of a scenario without chemical releases, or with one lasting an hour or
/// more: 60 min, ALOHA's default and the AEGL programme's reference duration.
pub const DEFAULT_AEGL_DURATION_S: f64 = 3600.0;

/// The AEGL duration that matches releases of `longest_release_s` (the longest chemical
/// release; infinite for one still running when the run ends): the shortest AEGL duration that
/// covers it, at most 60 min.
///
/// Each AEGL holds for exposures of its own length (NRC 2001, *Standing Operating Procedures
/// for Developing AEGLs*, §2.7); someone downwind of a ten-minute release breathes its cloud for
/// about ten minutes, and its 60-min mean dilutes that exposure with the clean air of the rest
/// of the hour, so judging it against the 60-min AEGL draws zones a third as long (found by
/// review: a 10-min ammonia release's AEGL-2 zone 2.7 km at 60 min, 9.0 km at 10 min). Releases
/// longer than an hour keep the 60-min AEGL: a 4-h running mean inside a shorter run counts
/// the air after its end as clean. `None` without a chemical release.
pub fn release_matched_aegl_duration_s(longest_release_s: Option<f64>) -> Option<f64> {
    let d = longest_release_s?;
    Some(
        AEGL_DURATIONS_S
            .iter()
            .copied()
            .filter(|&a| a <= DEFAULT_AEGL_DURATION_S)
            .find(|&a| d <= a + 1e-9)
            .unwrap_or(DEFAULT_AEGL_DURATION_S),
    )
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
        // Each factor on its own, so that one problem hides no other (found by review: a
        // missing factor was the only problem reported, an out-of-range one beside it not).
        let d = ShelterFactors::default();
        let mut factor = |name: &str, v: Option<f64>, default: f64| {
            let v = v.unwrap_or(default);
            range(
                &format!("shelter.{name}"),
                v,
                0.0,
                true,
                1.0,
                "a dose-reduction factor",
            )
            .then_some(v)
        };
        let factors = (
            factor("cloudshine", sh.cloudshine, d.cloudshine),
            factor("groundshine", sh.groundshine, d.groundshine),
            factor("inhalation", sh.inhalation, d.inhalation),
        );
        if let (Some(cloudshine), Some(groundshine), Some(inhalation)) = factors {
            spec.shelter = ShelterFactors {
                cloudshine,
                groundshine,
                inhalation,
            };
        }
    }
    if let Some(v) = raw.breathing_rate_m3_s {
        if range("breathing_rate_m3_s", v, 0.0, false, 0.01, "a rate (m3/s)") {
            spec.breathing_rate_m3_s = v;
        }
    }
    if let Some(v) = raw.child_breathing_rate_m3_s {
        if range(
            "child_breathing_rate_m3_s",
            v,
            0.0,
            false,
            0.01,
            "a rate (m3/s)",
        ) {
            spec.child_breathing_rate_m3_s = v;
        }
    }
    if let Some(v) = raw.ground_roughness_factor {
        if range("ground_roughness_factor", v, 0.0, true, 1.0, "a factor") {
            spec.ground_roughness_factor = v;
        }
    }
    if let Some(v) = raw.air_exchange_per_h {
        if range(
            "air_exchange_per_h",
            v,
            0.0,
            true,
            50.0,
            "air changes per hour",
        ) {
            spec.air_exchange_per_h = v;
        }
    }
    if let Some(name) = raw.shelter_exit {
        let exits = [ShelterExit::Never, ShelterExit::WhenCloudHasPassed];
        match exits.into_iter().find(|e| e.name() == name) {
            Some(e) => spec.shelter_exit = e,
            None => problem(
                "consequence.shelter_exit".into(),
                format!("{name:?}"),
                "\"never\" (stay in the closed building) or \"when_cloud_has_passed\" (air it once the indoor air is dirtier than the outdoor air will be again)".into(),
            ),
        }
    }
    if let Some(m) = raw.aegl_duration_min {
        if AEGL_DURATIONS_S
            .iter()
            .any(|&d| (d - m * 60.0).abs() < 1e-9)
        {
            spec.aegl_duration_s = m * 60.0;
            spec.aegl_duration_written = true;
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
            // One problem per mistake in the file, each naming its entry and key.
            Err(e) => {
                for one in e.problems() {
                    problem(
                        "consequence.substance_file".into(),
                        format!("{f:?}"),
                        format!("a valid substance file ({one})"),
                    );
                }
            }
        }
    }
    spec
}

#[cfg(test)]
mod tests {
    use super::release_matched_aegl_duration_s as matched;

    #[test]
    fn the_aegl_duration_covers_the_longest_chemical_release_up_to_an_hour() {
        assert_eq!(matched(None), None);
        assert_eq!(matched(Some(10.0)), Some(600.0));
        assert_eq!(matched(Some(600.0)), Some(600.0));
        assert_eq!(matched(Some(601.0)), Some(1800.0));
        assert_eq!(matched(Some(1800.0)), Some(1800.0));
        assert_eq!(matched(Some(2400.0)), Some(3600.0));
        assert_eq!(matched(Some(7200.0)), Some(3600.0));
        assert_eq!(matched(Some(f64::INFINITY)), Some(3600.0));
    }
}
