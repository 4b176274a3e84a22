//! Substances and nuclides: what is transported, in which unit, and how it decays.
//!
//! The tables in `data/` are embedded in the binary; each row names its source (copied from the
//! project's shared reference data, which records where every value comes from).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;

/// The unit a species is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AmountUnit {
    /// A chemical or agent, by mass.
    Kilogram,
    /// A radionuclide, by activity.
    Becquerel,
}

impl AmountUnit {
    /// UDUNITS symbol of the amount.
    pub fn symbol(self) -> &'static str {
        match self {
            AmountUnit::Kilogram => "kg",
            AmountUnit::Becquerel => "Bq",
        }
    }
}

/// One transported species.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Species {
    pub name: String,
    pub unit: AmountUnit,
    /// Radioactive half-life (s); `None` for stable substances.
    pub half_life_s: Option<f64>,
}

impl Species {
    /// Decay constant λ = ln 2 / T½ (s⁻¹), zero for stable species.
    pub fn decay_constant_per_s(&self) -> f64 {
        self.half_life_s.map_or(0.0, |t| std::f64::consts::LN_2 / t)
    }
}

const NUCLIDES_CSV: &str = include_str!("data/rad_nuclides.csv");

/// Nuclide half-lives (s) by name, from `data/rad_nuclides.csv` (column `half_life_s`; sources
/// in that file and in the shared data README: ICRP 107 nuclear decay data).
fn half_lives() -> &'static BTreeMap<String, f64> {
    static TABLE: OnceLock<BTreeMap<String, f64>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut rdr = csv::Reader::from_reader(NUCLIDES_CSV.as_bytes());
        let headers = rdr.headers().expect("embedded table has a header").clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .expect("embedded column")
        };
        let (c_name, c_half) = (col("nuclide"), col("half_life_s"));
        rdr.records()
            .map(|r| r.expect("embedded table parses"))
            .filter_map(|r| Some((r[c_name].to_string(), r[c_half].parse::<f64>().ok()?)))
            .collect()
    })
}

/// Returns the half-life (s) of a nuclide in the library, by name such as "I-131" (case and
/// hyphen insensitive: "i131" also matches).
pub fn nuclide_half_life_s(name: &str) -> Option<f64> {
    let key = normalise(name);
    half_lives()
        .iter()
        .find(|(k, _)| normalise(k) == key)
        .map(|(_, v)| *v)
}

/// Names of the nuclides in the library.
pub fn nuclide_names() -> Vec<&'static str> {
    half_lives().keys().map(|k| k.as_str()).collect()
}

fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_has_iodine_and_caesium_half_lives() {
        // ICRP 107: I-131 8.0207 d, Cs-137 30.1671 y.
        let i131 = nuclide_half_life_s("I-131").unwrap();
        assert!((i131 / 86400.0 - 8.0207).abs() < 1e-3, "{i131}");
        let cs = nuclide_half_life_s("cs137").unwrap();
        assert!((cs / (365.25 * 86400.0) - 30.17).abs() < 0.05, "{cs}");
        assert!(nuclide_half_life_s("Xx-999").is_none());
    }
}
