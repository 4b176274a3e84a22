//! The `[ensemble]` section of a scenario: as written, validated, and each member's draw.

use serde::Deserialize;

use crate::met::MetPerturbation;
use crate::rng::StreamKey;

/// Default number of members.
pub const DEFAULT_MEMBERS: usize = 50;
/// Fewest and most members.
pub const MEMBERS_RANGE: (usize, usize) = (2, 1000);

/// Default standard deviation of the additive wind-direction perturbation (degrees).
///
/// Hanna & Yang (2001, J. Appl. Meteor. 40:1095–1104,
/// doi:10.1175/1520-0450(2001)040<1095:EOMMSO>2.0.CO;2) found the rms error of hourly surface
/// wind direction of four mesoscale models to be about 50° at 3–4 m/s, and larger in lighter
/// winds; part of it is hour-to-hour meander at a point, which a model's own σy already
/// spreads, so the coherent error of a whole run's transport direction is smaller. 30° is our
/// judgement within that bound, not a fit; set `wind_from_sd_deg` from local verification.
pub const DEFAULT_WIND_FROM_SD_DEG: f64 = 30.0;
/// Default standard deviation of ln(wind speed factor) (median factor 1).
///
/// Hanna & Yang (2001): rms error of hourly surface wind speed about 2–3 m/s over a wide range
/// of speeds; 0.4 in ln is ±2 m/s at 5 m/s.
pub const DEFAULT_WIND_SPEED_LOG_SD: f64 = 0.4;
/// Default standard deviation of ln(mixing height factor).
///
/// Hanna & Yang (2001): modelled daytime mixing depths often within 20 % of observed; Seibert
/// et al. (2000, Atmos. Environ. 34:1001–1027, doi:10.1016/S1352-2310(99)00349-0) find larger
/// uncertainties in stable and transitional conditions. 0.3 in ln (±35 %) covers both.
pub const DEFAULT_MIXING_HEIGHT_LOG_SD: f64 = 0.3;
/// Default standard deviation of the stability-class shift (classes; rounded per member).
///
/// Schemes estimating the Pasquill–Gifford class from routine observations disagree by one
/// class in a large fraction of hours (Mohan & Siddiqui 1998, Atmos. Environ. 32:3775–3781,
/// doi:10.1016/S1352-2310(98)00109-5). With 0.5, a member is shifted by one class (or more)
/// with probability 0.32.
pub const DEFAULT_STABILITY_CLASS_SD: f64 = 0.5;
/// Default standard deviation of the additive 1/L perturbation (m⁻¹).
///
/// Half a class near neutral: Golder's (1972) class centres at z0 = 0.1 m lie about 0.02 m⁻¹
/// apart around D (C −0.020, D 0, E +0.022), so 0.01 m⁻¹ matches the class perturbation.
pub const DEFAULT_INVERSE_OBUKHOV_LENGTH_SD_PER_M: f64 = 0.01;

/// The `[ensemble]` section as written.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EnsembleSection {
    pub members: Option<i64>,
    pub seed: Option<i64>,
    pub wind_from_sd_deg: Option<f64>,
    pub wind_speed_log_sd: Option<f64>,
    pub mixing_height_log_sd: Option<f64>,
    pub stability_class_sd: Option<f64>,
    pub inverse_obukhov_length_sd_per_m: Option<f64>,
}

/// Validated ensemble options (defaults filled in).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EnsembleSpec {
    pub members: usize,
    pub seed: u64,
    /// σ of the additive wind-direction offset (degrees).
    pub wind_from_sd_deg: f64,
    /// σ of ln(wind speed factor).
    pub wind_speed_log_sd: f64,
    /// σ of ln(mixing height factor).
    pub mixing_height_log_sd: f64,
    /// σ of the class shift before rounding (classes), for stability given as a class.
    pub stability_class_sd: f64,
    /// σ of the additive 1/L offset (m⁻¹), for stability given as an Obukhov length and for
    /// station files and gridded fields.
    pub inverse_obukhov_length_sd_per_m: f64,
}

impl Default for EnsembleSpec {
    fn default() -> Self {
        EnsembleSpec {
            members: DEFAULT_MEMBERS,
            seed: 0,
            wind_from_sd_deg: DEFAULT_WIND_FROM_SD_DEG,
            wind_speed_log_sd: DEFAULT_WIND_SPEED_LOG_SD,
            mixing_height_log_sd: DEFAULT_MIXING_HEIGHT_LOG_SD,
            stability_class_sd: DEFAULT_STABILITY_CLASS_SD,
            inverse_obukhov_length_sd_per_m: DEFAULT_INVERSE_OBUKHOV_LENGTH_SD_PER_M,
        }
    }
}

/// Philox particle word reserved for the ensemble's weather draws, apart from every particle.
const PERTURBATION_STREAM: u32 = u32::MAX;

impl EnsembleSpec {
    /// No perturbation at all: every member is the scenario's own weather.
    pub fn unperturbed(members: usize, seed: u64) -> Self {
        EnsembleSpec {
            members,
            seed,
            wind_from_sd_deg: 0.0,
            wind_speed_log_sd: 0.0,
            mixing_height_log_sd: 0.0,
            stability_class_sd: 0.0,
            inverse_obukhov_length_sd_per_m: 0.0,
        }
    }

    /// Member `k`'s weather: four standard normals from Philox4x32-10 keyed by (seed, member k),
    /// a pure function of both, whatever the threads or the order of the members.
    pub fn member(&self, k: usize) -> MetPerturbation {
        let key = StreamKey {
            seed: self.seed,
            member: k as u32,
        };
        let z = key.normals4(PERTURBATION_STREAM, 0, 0).map(f64::from);
        MetPerturbation {
            wind_from_offset_deg: self.wind_from_sd_deg * z[0],
            wind_speed_factor: (self.wind_speed_log_sd * z[1]).exp(),
            mixing_height_factor: (self.mixing_height_log_sd * z[2]).exp(),
            stability_class_shift: (self.stability_class_sd * z[3]).round() as i32,
            inverse_obukhov_offset_per_m: self.inverse_obukhov_length_sd_per_m * z[3],
        }
    }
}

/// Validates the section; each problem is reported as (path, value, expected).
pub fn validate(
    raw: EnsembleSection,
    problem: &mut dyn FnMut(String, String, String),
) -> EnsembleSpec {
    let mut spec = EnsembleSpec::default();
    if let Some(m) = raw.members {
        let (lo, hi) = MEMBERS_RANGE;
        if m >= lo as i64 && m <= hi as i64 {
            spec.members = m as usize;
        } else {
            problem(
                "ensemble.members".into(),
                m.to_string(),
                format!("a count from {lo} to {hi}"),
            );
        }
    }
    if let Some(s) = raw.seed {
        if s >= 0 {
            spec.seed = s as u64;
        } else {
            problem(
                "ensemble.seed".into(),
                s.to_string(),
                "an integer ≥ 0".into(),
            );
        }
    }
    let mut sd = |name: &str, v: Option<f64>, hi: f64, unit: &str, out: &mut f64| {
        if let Some(v) = v {
            if v.is_finite() && (0.0..=hi).contains(&v) {
                *out = v;
            } else {
                problem(
                    format!("ensemble.{name}"),
                    v.to_string(),
                    format!("a standard deviation ≥ 0 and ≤ {hi} {unit}")
                        .trim_end()
                        .to_string(),
                );
            }
        }
    };
    sd(
        "wind_from_sd_deg",
        raw.wind_from_sd_deg,
        180.0,
        "degrees",
        &mut spec.wind_from_sd_deg,
    );
    sd(
        "wind_speed_log_sd",
        raw.wind_speed_log_sd,
        2.0,
        "(natural log)",
        &mut spec.wind_speed_log_sd,
    );
    sd(
        "mixing_height_log_sd",
        raw.mixing_height_log_sd,
        2.0,
        "(natural log)",
        &mut spec.mixing_height_log_sd,
    );
    sd(
        "stability_class_sd",
        raw.stability_class_sd,
        3.0,
        "classes",
        &mut spec.stability_class_sd,
    );
    sd(
        "inverse_obukhov_length_sd_per_m",
        raw.inverse_obukhov_length_sd_per_m,
        1.0,
        "m-1",
        &mut spec.inverse_obukhov_length_sd_per_m,
    );
    spec
}
