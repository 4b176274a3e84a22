//! Default removal parameters of each nuclide deposition class: the dry deposition velocity and
//! the scavenging coefficient Λ = a·P^b that a nuclide release takes when the scenario does not
//! give its own (`dry_deposition_velocity_m_s`, `washout_a_per_s`, `washout_b`).
//!
//! The values are the deposition presets of HYSPLIT (I131g, I131p, Cs137, HTO) and the
//! RIMPUFF/JRODOS rain-rate exponents, each row with its source in `data/deposition_defaults.csv`.
//! A transport model that deposits (the particle and puff models) then deposits a nuclide
//! release as HYSPLIT, RASCAL or JRODOS would by default, so groundshine and the deposition grids
//! exist without the user knowing the parameters.

use super::nuclide::DepositionClass;
use super::table::{SubstanceError, Table};

pub(crate) const DEPOSITION_DEFAULTS_FILE: &str = "data/deposition_defaults.csv";
pub(crate) const DEPOSITION_DEFAULTS_CSV: &str = include_str!("data/deposition_defaults.csv");

/// The removal parameters of one deposition class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassRemoval {
    /// Dry deposition velocity v_d (m/s).
    pub dry_velocity_m_s: f64,
    /// Scavenging coefficient a (s⁻¹ at 1 mm/h) of Λ = a·P^b.
    pub washout_a_per_s: f64,
    /// Rain-rate exponent b of Λ = a·P^b.
    pub washout_b: f64,
}

/// Parses a table in the layout of `data/deposition_defaults.csv`; every class must appear once.
pub(crate) fn parse_defaults(
    file: &str,
    text: &str,
) -> Result<Vec<(DepositionClass, ClassRemoval)>, SubstanceError> {
    let t = Table::parse(file, text)?;
    let c_class = t.col("deposition_class")?;
    let mut out: Vec<(DepositionClass, ClassRemoval)> = Vec::new();
    for (i, row) in t.rows.iter().enumerate() {
        let text = t.text(row, c_class);
        let class = DepositionClass::parse(text)
            .filter(|c| out.iter().all(|(seen, _)| seen != c))
            .ok_or_else(|| {
                t.invalid(
                    i,
                    "deposition_class",
                    text,
                    "a class not listed before: noble_gas, elemental_iodine, organic_iodine, particulate or tritiated_water",
                )
            })?;
        t.required_text(i, "source")?;
        out.push((
            class,
            ClassRemoval {
                dry_velocity_m_s: t.number(i, "dry_deposition_velocity_m_s", 0.0, 1.0)?,
                washout_a_per_s: t.number(i, "washout_a_per_s", 0.0, 0.01)?,
                washout_b: t.number(i, "washout_b", 0.0, 2.0)?,
            },
        ));
    }
    if let Some(missing) = DepositionClass::ALL
        .iter()
        .find(|c| out.iter().all(|(seen, _)| seen != *c))
    {
        return Err(SubstanceError::Parse {
            file: file.to_string(),
            message: format!("no row for deposition class `{}`", missing.name()),
        });
    }
    Ok(out)
}

/// The embedded default removal parameters of `class`.
pub fn class_removal(class: DepositionClass) -> ClassRemoval {
    use std::sync::OnceLock;
    static DEFAULTS: OnceLock<Vec<(DepositionClass, ClassRemoval)>> = OnceLock::new();
    DEFAULTS
        .get_or_init(|| {
            parse_defaults(DEPOSITION_DEFAULTS_FILE, DEPOSITION_DEFAULTS_CSV)
                .expect("embedded deposition defaults parse (checked by tests)")
        })
        .iter()
        .find(|(c, _)| *c == class)
        .map(|(_, r)| *r)
        .expect("every class has a row (checked when parsed)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_its_documented_default() {
        let cs = class_removal(DepositionClass::Particulate);
        assert_eq!(cs.dry_velocity_m_s, 0.001);
        assert_eq!(cs.washout_a_per_s, 8e-5);
        assert_eq!(
            class_removal(DepositionClass::ElementalIodine).dry_velocity_m_s,
            0.01
        );
        assert_eq!(
            class_removal(DepositionClass::TritiatedWater).dry_velocity_m_s,
            4e-4
        );
        let xe = class_removal(DepositionClass::NobleGas);
        assert_eq!((xe.dry_velocity_m_s, xe.washout_a_per_s), (0.0, 0.0));
    }

    #[test]
    fn a_table_missing_a_class_or_repeating_one_is_refused() {
        let header = "deposition_class,dry_deposition_velocity_m_s,washout_a_per_s,washout_b,source,verification\n";
        let missing = format!("{header}noble_gas,0,0,0.8,x,y\n");
        let e = parse_defaults("d.csv", &missing).unwrap_err().to_string();
        assert!(e.contains("elemental_iodine"), "{e}");
        let twice = format!("{header}noble_gas,0,0,0.8,x,y\nnoble_gas,0,0,0.8,x,y\n");
        let e = parse_defaults("d.csv", &twice).unwrap_err().to_string();
        assert!(e.contains("row 3") && e.contains("noble_gas"), "{e}");
        let fast = format!("{header}noble_gas,5,0,0.8,x,y\n");
        let e = parse_defaults("d.csv", &fast).unwrap_err().to_string();
        assert!(e.contains("dry_deposition_velocity_m_s"), "{e}");
    }
}
