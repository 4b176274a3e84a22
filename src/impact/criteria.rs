//! Protective-action criteria as data (`substance/data/criteria.csv`): each row a country, an
//! action, the dose quantity and window it applies to, a threshold, its source and whether it
//! was checked.
//!
//! ## References
//! - US EPA (2017) *PAG Manual: Protective Action Guides and Planning Guidance for Radiological
//!   Incidents*, EPA-400/R-17/001, Table 1-1.
//! - Health Canada (2018) *Generic Criteria and Operational Intervention Levels for Nuclear
//!   Emergency Planning and Response*, H129-86/2018E-PDF.
//! - AEGL tiers: see [`crate::substance::Chemical`].

use std::sync::OnceLock;

use serde::Serialize;

use crate::geo::jurisdiction::Country;

const CRITERIA_CSV: &str = include_str!("../substance/data/criteria.csv");

/// The dose a criterion is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DoseQuantity {
    /// Outdoor effective dose from inhalation, cloudshine and groundshine over the window.
    EffectiveProjected,
    /// Effective dose averted by sheltering over the window.
    EffectiveAverted,
    /// Committed adult thyroid dose from inhalation over the window.
    ThyroidProjected,
    /// Committed thyroid dose of a 1-year-old child from inhalation over the window (the US
    /// potassium-iodide PAG's dose).
    ThyroidChildProjected,
    /// Outdoor effective dose from the deposit (groundshine) over the window: the US PAG's
    /// relocation dose, an intermediate-phase dose from deposited material that leaves out what
    /// the passing plume gave (US EPA 2017 PAG Manual, ch. 3; resuspension is not modelled).
    GroundProjected,
}

impl DoseQuantity {
    /// Whether the quantity is a thyroid dose (inhalation of iodines only).
    pub fn is_thyroid(self) -> bool {
        matches!(
            self,
            DoseQuantity::ThyroidProjected | DoseQuantity::ThyroidChildProjected
        )
    }
}

/// How far a value was checked against its primary document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Checked against the primary document or an official reproduction of it.
    Verified,
    /// Confirmed only by a secondary summary.
    Secondary,
    /// Recalled, not checked.
    Unverified,
}

/// One protective-action criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion {
    /// Criteria set, e.g. `US_EPA_PAG_2017`, `HC_2018`.
    pub set: String,
    pub country: Country,
    pub action: String,
    /// Rank among the set's early-phase actions (1 shelter, 2 evacuate; 0 for supplementary
    /// actions such as iodine blocking and relocation, which are mapped separately).
    pub level: u8,
    pub quantity: DoseQuantity,
    pub window_s: f64,
    pub threshold_sv: f64,
    pub applies_to: String,
    pub source: String,
    pub status: Status,
    pub verification: String,
}

impl Criterion {
    /// "HC_2018 evacuate".
    pub fn label(&self) -> String {
        format!("{} {}", self.set, self.action)
    }
}

/// Parses a criteria table; errors name the row and column.
pub fn parse_criteria(file: &str, text: &str) -> Result<Vec<Criterion>, String> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let h = rdr.headers().map_err(|e| format!("{file}: {e}"))?.clone();
    let col = |n: &str| {
        h.iter()
            .position(|x| x == n)
            .ok_or_else(|| format!("{file}: missing column `{n}`"))
    };
    let names = [
        "set",
        "country",
        "action",
        "level",
        "quantity",
        "window_s",
        "threshold_sv",
        "applies_to",
        "source",
        "status",
        "verification",
    ];
    let c: Vec<usize> = names.iter().map(|n| col(n)).collect::<Result<_, _>>()?;
    let mut out = vec![];
    for (i, r) in rdr.records().enumerate() {
        let r = r.map_err(|e| format!("{file}: {e}"))?;
        let bad = |k: usize, expected: &str| {
            format!(
                "{file}: row {}: `{}` = {:?}: expected {expected}",
                i + 2,
                names[k],
                &r[c[k]]
            )
        };
        let num = |k: usize| {
            r[c[k]]
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
                .ok_or_else(|| bad(k, "a positive number"))
        };
        out.push(Criterion {
            set: r[c[0]].to_string(),
            country: match &r[c[1]] {
                "US" => Country::Us,
                "CA" => Country::Ca,
                _ => return Err(bad(1, "US or CA")),
            },
            action: r[c[2]].to_string(),
            level: r[c[3]].parse().map_err(|_| bad(3, "0, 1 or 2"))?,
            quantity: match &r[c[4]] {
                "effective_projected" => DoseQuantity::EffectiveProjected,
                "effective_averted" => DoseQuantity::EffectiveAverted,
                "thyroid_projected" => DoseQuantity::ThyroidProjected,
                "thyroid_child_projected" => DoseQuantity::ThyroidChildProjected,
                "ground_projected" => DoseQuantity::GroundProjected,
                _ => {
                    return Err(bad(
                        4,
                        "effective_projected, effective_averted, thyroid_projected, \
                         thyroid_child_projected or ground_projected",
                    ))
                }
            },
            window_s: num(5)?,
            threshold_sv: num(6)?,
            applies_to: r[c[7]].to_string(),
            source: if r[c[8]].trim().is_empty() {
                return Err(bad(8, "a source"));
            } else {
                r[c[8]].to_string()
            },
            status: match &r[c[9]] {
                "verified" => Status::Verified,
                "secondary" => Status::Secondary,
                "unverified" => Status::Unverified,
                _ => return Err(bad(9, "verified, secondary or unverified")),
            },
            verification: r[c[10]].to_string(),
        });
    }
    Ok(out)
}

/// The embedded criteria of both countries.
pub fn radiological_criteria() -> &'static [Criterion] {
    static C: OnceLock<Vec<Criterion>> = OnceLock::new();
    C.get_or_init(|| {
        parse_criteria("data/criteria.csv", CRITERIA_CSV)
            .expect("embedded criteria table parses (checked by tests)")
    })
}

/// A criterion's threshold to three significant figures in the unit a reader knows: a
/// concentration (kg m-3) in mg m-3, the unit of the AEGL tables, and a dose (Sv) in mSv
/// below 1 Sv ("5.80 mg m-3", "100 mSv"), never `0.0000057999999999999995 kg m-3`.
pub fn threshold_text(value: f64, unit: &str) -> String {
    let (v, unit) = match unit {
        "kg m-3" => (value * 1e6, "mg m-3"),
        "Sv" if value < 1.0 => (value * 1e3, "mSv"),
        other => (value, other),
    };
    if v != 0.0 && (1e-3..1e6).contains(&v.abs()) {
        // Decimals from the value rounded to three figures, so that 0.9999999999999998 (a
        // ppm back from mg m-3) and 9.9996 read "1.00" and "10.0", not "1.000" and "10.00".
        let rounded: f64 = format!("{v:.2e}").parse().unwrap_or(v);
        let decimals = (2 - rounded.abs().log10().floor() as i32).max(0) as usize;
        format!("{v:.decimals$} {unit}")
    } else {
        format!("{v:.2e} {unit}")
    }
}

/// A mixing ratio in ppm to three significant figures ("2.00 ppm", "0.500 ppm").
pub fn ppm_text(ppm: f64) -> String {
    threshold_text(ppm, "ppm")
}

#[cfg(test)]
mod tests {
    use super::{ppm_text, threshold_text};

    #[test]
    fn ppm_reads_with_three_significant_figures() {
        // A conversion's noise below a power of ten keeps three figures (found by review).
        assert_eq!(ppm_text(0.9999999999999998), "1.00 ppm");
        assert_eq!(ppm_text(9.9996), "10.0 ppm");
        assert_eq!(ppm_text(0.4999999999999999), "0.500 ppm");
        assert_eq!(ppm_text(2.0000001), "2.00 ppm");
        assert_eq!(ppm_text(0.5), "0.500 ppm");
        assert_eq!(ppm_text(20.0), "20.0 ppm");
    }

    #[test]
    fn thresholds_read_with_three_significant_figures_in_familiar_units() {
        assert_eq!(
            threshold_text(5.7999999999999995e-6, "kg m-3"),
            "5.80 mg m-3"
        );
        assert_eq!(
            threshold_text(1.4499999999999999e-6, "kg m-3"),
            "1.45 mg m-3"
        );
        assert_eq!(threshold_text(0.1, "Sv"), "100 mSv");
        assert_eq!(threshold_text(0.01, "Sv"), "10.0 mSv");
        assert_eq!(threshold_text(1.0, "Sv"), "1.00 Sv");
    }
}
