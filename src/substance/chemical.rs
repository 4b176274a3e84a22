//! The chemical library: molecular weight, AEGL-1/2/3 at the five AEGL exposure durations, ERPG
//! where published, and the toxic-load exponent n, from `data/chem_properties.csv` and
//! `data/chem_aegl_erpg.csv`.
//!
//! ## References
//! - National Research Council (2000–2014) *Acute Exposure Guideline Levels for Selected Airborne
//!   Chemicals*, Vols. 1–18; US EPA final AEGL values — thresholds at 10 min, 30 min, 1 h, 4 h, 8 h.
//! - AIHA, *Emergency Response Planning Guidelines* — 1-h ERPG-1/2/3.
//! - ten Berge, W.F., Zwart, A., Appelman, L.M. (1986) Concentration–time mortality response
//!   relationship of irritant and systemically acting vapours and gases, J. Hazard. Mater.
//!   13:301–309, doi:10.1016/0304-3894(86)85003-8 — the toxic load Cⁿ t.

use serde::Serialize;

use super::names;
use super::table::{SubstanceError, Table};

/// The AEGL exposure durations (s): 10 min, 30 min, 1 h, 4 h, 8 h.
pub const AEGL_DURATIONS_S: [f64; 5] = [600.0, 1800.0, 3600.0, 14_400.0, 28_800.0];

/// One threshold value with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Threshold {
    /// Threshold concentration (kg m⁻³).
    pub value_kg_m3: f64,
    pub source: String,
    pub verification: String,
    pub verified: bool,
}

/// One chemical of the library.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chemical {
    pub name: String,
    /// Other names it answers to: formulas, common names, spellings, military codes
    /// (`data/chem_aliases.csv`).
    pub aliases: Vec<String>,
    /// Those of `aliases` that are molecular formulas (`COCl2`): a spelling in mixed case must
    /// match them letter for letter, since CoCl₂ (cobalt chloride) is not COCl₂ (phosgene).
    #[serde(skip)]
    pub formulas: Vec<String>,
    pub cas: String,
    pub mw_g_per_mol: f64,
    /// Toxic-load exponent n in ∫Cⁿ dt.
    pub toxic_load_n: f64,
    /// `aegl[level − 1][duration]`, `None` where not recommended.
    pub aegl: [[Option<Threshold>; 5]; 3],
    /// ERPG-1/2/3 (1 h), `None` where not published.
    pub erpg: [Option<Threshold>; 3],
    pub source: String,
    pub verification: String,
    /// Whether `toxic_load_n` and `mw_g_per_mol` were checked against a primary document.
    pub properties_verified: bool,
}

impl Chemical {
    /// Converts a concentration (kg m⁻³) to ppm by volume at 25 °C and 1 atm
    /// (molar volume 24.45 L mol⁻¹).
    pub fn kg_m3_to_ppm(&self, c_kg_m3: f64) -> f64 {
        c_kg_m3 * 1e6 * MOLAR_VOLUME_L_MOL / self.mw_g_per_mol
    }

    /// Whether `name` names this chemical: the same letters and digits, ignoring case and a
    /// trailing "gas", as its name, its name before a parenthesis (`Sarin` for `Sarin (GB)`) or
    /// an alias (`Cl2`), where a formula written in mixed case must keep the formula's case
    /// (`CoCl2` is not `COCl2`); or its CAS number (rules in `substance/names.rs`).
    pub fn matches(&self, name: &str) -> bool {
        let written = names::written_keys(name);
        name.trim() == self.cas
            || self.names().any(|n| {
                written.contains(&names::key(n))
                    && (!self.formulas.iter().any(|f| f == n) || names::same_formula(name, n))
            })
    }
}

/// Molar volume of an ideal gas at 25 °C and 1 atm (L mol⁻¹), the AEGL programme's basis for
/// converting ppm to mg m⁻³: mg m⁻³ = ppm × M / 24.45.
pub const MOLAR_VOLUME_L_MOL: f64 = 24.45;

/// True when a verification note records a check against a document.
fn is_checked(note: &str) -> bool {
    let n = note.trim_start().to_ascii_lowercase();
    n.starts_with("verified") || n.starts_with("checked")
}

/// Parses the two chemical tables.
pub(crate) fn parse_chemicals(
    properties_file: &str,
    properties: &str,
    thresholds_file: &str,
    thresholds: &str,
) -> Result<Vec<Chemical>, SubstanceError> {
    let p = Table::parse(properties_file, properties)?;
    let c_cas = p.col("cas")?;
    let c_ver = p.col("verification")?;
    let c_vq = p.col("verified_quantities")?;
    let mut out = vec![];
    for (i, row) in p.rows.iter().enumerate() {
        out.push(Chemical {
            name: p.required_text(i, "chemical")?,
            aliases: vec![],
            formulas: vec![],
            cas: p.text(row, c_cas).to_string(),
            mw_g_per_mol: p.number(i, "mw_g_per_mol", 1.0, 10_000.0)?,
            toxic_load_n: p.number(i, "toxic_load_n", 0.1, 10.0)?,
            aegl: Default::default(),
            erpg: Default::default(),
            source: p.required_text(i, "source")?,
            verification: p.text(row, c_ver).to_string(),
            properties_verified: !p.text(row, c_vq).is_empty(),
        });
    }
    let t = Table::parse(thresholds_file, thresholds)?;
    let (c_chem, c_guide, c_level) = (t.col("chemical")?, t.col("guideline")?, t.col("level")?);
    let c_ver = t.col("verification")?;
    for (i, row) in t.rows.iter().enumerate() {
        let name = t.text(row, c_chem);
        let Some(chem) = out.iter_mut().find(|c| c.name == name) else {
            return Err(t.invalid(
                i,
                "chemical",
                name,
                "a chemical listed in the properties table",
            ));
        };
        let source = t.required_text(i, "source")?;
        let verification = t.text(row, c_ver).to_string();
        let level_text = t.text(row, c_level);
        let level = level_text
            .rsplit('-')
            .next()
            .and_then(|d| d.parse::<usize>().ok())
            .filter(|l| (1..=3).contains(l))
            .ok_or_else(|| t.invalid(i, "level", level_text, "AEGL-1..3 or ERPG-1..3"))?;
        // A value published in ppm is converted with the chemical's molar mass: the mg m-3
        // column of such a row is a conversion rounded to three figures (found by review:
        // ammonia's 60-min AEGL-2 of 160 ppm read 111 mg m-3, shown back as 159 ppm).
        let published_ppm = match (t.col("primary_unit"), t.col("value_ppm")) {
            (Ok(unit), Ok(_)) if t.text(row, unit).eq_ignore_ascii_case("ppm") => {
                t.optional_number(i, "value_ppm", 0.0, 1e9)?
            }
            _ => None,
        };
        let mg_m3 = match published_ppm {
            Some(ppm) => Some(ppm * chem.mw_g_per_mol / MOLAR_VOLUME_L_MOL),
            None => t.optional_number(i, "value_mg_m3", 0.0, 1e9)?,
        };
        let value = mg_m3.map(|mg| Threshold {
            value_kg_m3: mg * 1e-6,
            source,
            verified: is_checked(&verification),
            verification,
        });
        match t.text(row, c_guide) {
            "AEGL" => {
                let d_min = t.number(i, "duration_min", 1.0, 1e4)?;
                let Some(k) = AEGL_DURATIONS_S
                    .iter()
                    .position(|&d| (d - d_min * 60.0).abs() < 1e-9)
                else {
                    return Err(t.invalid(
                        i,
                        "duration_min",
                        &d_min.to_string(),
                        "10, 30, 60, 240 or 480",
                    ));
                };
                chem.aegl[level - 1][k] = value;
            }
            "ERPG" => chem.erpg[level - 1] = value,
            other => return Err(t.invalid(i, "guideline", other, "AEGL or ERPG")),
        }
    }
    Ok(out)
}
