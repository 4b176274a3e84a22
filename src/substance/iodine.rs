//! The chemical forms of released radioiodine: particulate (CsI aerosol), elemental (I₂ vapour)
//! and organic (CH₃I). They are transported as species of their own because they differ where
//! it matters: I₂ deposits about ten times faster than the aerosol (v_d 10 against 1 mm/s,
//! HYSPLIT's I131g and I131p presets) and CH₃I hardly at all, and inhaled I₂ and CH₃I give
//! 2.7 and 2.0 times the committed dose of the aerosol (ICRP 119 Annex H against Annex G for
//! I-131: 2.0·10⁻⁸, 1.5·10⁻⁸ and 7.4·10⁻⁹ Sv/Bq, adult). A filtered vent holds back the aerosol
//! but not the organic form.
//!
//! The library holds a row per form (`I-131`, `I-131 elemental`, `I-131 organic`); a
//! reactor-inventory release splits each iodine's rate among them by the shares of
//! the source's `iodine_forms = { … }` or, by default, of `data/iodine_chemical_forms.csv` (US
//! NRC Regulatory Guide 1.183: 95 % CsI, 4.85 % I₂, 0.15 % CH₃I, its assumption for iodine
//! entering a light-water reactor's containment with the sump at pH ≥ 7; the scenario check
//! warns when the default is used, since no containment or filter removal follows).

use serde::{Deserialize, Serialize};

use super::table::{SubstanceError, Table};

pub(crate) const IODINE_FORMS_FILE: &str = "data/iodine_chemical_forms.csv";
pub(crate) const IODINE_FORMS_CSV: &str = include_str!("data/iodine_chemical_forms.csv");

/// One chemical form of iodine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IodineForm {
    /// Caesium iodide and other iodide aerosol: the library's plain row (`I-131`).
    Particulate,
    /// I₂ vapour: the row `I-131 elemental`.
    Elemental,
    /// Methyl iodide CH₃I: the row `I-131 organic`.
    Organic,
}

impl IodineForm {
    pub const ALL: [IodineForm; 3] = [Self::Particulate, Self::Elemental, Self::Organic];

    /// The name in tables and scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Particulate => "particulate",
            Self::Elemental => "elemental",
            Self::Organic => "organic",
        }
    }

    /// The library name of this form of an iodine nuclide: `I-131`, `I-131 elemental`, …
    pub fn species_name(self, nuclide: &str) -> String {
        match self {
            Self::Particulate => nuclide.to_string(),
            _ => format!("{nuclide} {}", self.name()),
        }
    }

    /// The nuclide and vapour form a library row is named for (`I-131 elemental` →
    /// `("I-131", Elemental)`); `None` for every other name.
    pub fn of_row(name: &str) -> Option<(&str, IodineForm)> {
        let (base, suffix) = name.trim().rsplit_once(' ')?;
        let form = [Self::Elemental, Self::Organic]
            .into_iter()
            .find(|f| f.name() == suffix)?;
        Some((base.trim_end(), form))
    }

    /// Another name of a form (normalised, as [`super::normalise`] writes it) — `i131i2`,
    /// `i131ch3i`, `i131methyliodide`, `i131aerosol`, `i131particulate` — as the normalised
    /// name of its library row (`i131elemental`, `i131organic`, `i131`).
    pub fn alias(key: &str) -> Option<String> {
        const ALIASES: [(&str, IodineForm); 5] = [
            ("particulate", IodineForm::Particulate),
            ("aerosol", IodineForm::Particulate),
            ("methyliodide", IodineForm::Organic),
            ("ch3i", IodineForm::Organic),
            ("i2", IodineForm::Elemental),
        ];
        ALIASES.iter().find_map(|(suffix, form)| {
            let base = key.strip_suffix(suffix)?;
            // The base must itself be a nuclide's name: letters, then a mass number.
            base.ends_with(|c: char| c.is_ascii_digit())
                .then(|| form.species_name(base).replace(' ', ""))
        })
    }
}

/// The shares of released iodine in each chemical form (fractions of the activity, summing to 1).
///
/// ```toml
/// iodine_forms = { particulate = 0.95, elemental = 0.0485, organic = 0.0015 }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IodineForms {
    pub particulate: f64,
    pub elemental: f64,
    pub organic: f64,
}

impl IodineForms {
    /// The embedded shares of `data/iodine_chemical_forms.csv` (Regulatory Guide 1.183).
    pub fn regulatory_guide_1_183() -> IodineForms {
        use std::sync::OnceLock;
        static FORMS: OnceLock<IodineForms> = OnceLock::new();
        *FORMS.get_or_init(|| {
            parse_forms(IODINE_FORMS_FILE, IODINE_FORMS_CSV)
                .expect("embedded iodine forms parse (checked by tests)")
        })
    }

    /// The share of `form`.
    pub fn share(&self, form: IodineForm) -> f64 {
        match form {
            IodineForm::Particulate => self.particulate,
            IodineForm::Elemental => self.elemental,
            IodineForm::Organic => self.organic,
        }
    }

    /// The first mistake, as (field, value, expected): each share a number in [0, 1], the
    /// three summing to 1 within [`SUM_TOLERANCE`] (thirds written to six places pass).
    pub fn mistake(&self) -> Option<(String, String, String)> {
        for f in IodineForm::ALL {
            let v = self.share(f);
            if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
                return Some((
                    f.name().into(),
                    v.to_string(),
                    "a fraction in [0, 1]".into(),
                ));
            }
        }
        let sum = self.particulate + self.elemental + self.organic;
        ((sum - 1.0).abs() > SUM_TOLERANCE).then(|| {
            (
                "particulate + elemental + organic".into(),
                // As written, not 0.9600000000000001.
                format!("{}", (sum * 1e9).round() / 1e9),
                "1: the shares of all the released iodine".into(),
            )
        })
    }

    /// The shares scaled to sum to exactly 1 (they are within [`SUM_TOLERANCE`] of it once
    /// checked), so no iodine is made or lost by rounding in the file.
    pub fn normalised(&self) -> IodineForms {
        let sum = self.particulate + self.elemental + self.organic;
        IodineForms {
            particulate: self.particulate / sum,
            elemental: self.elemental / sum,
            organic: self.organic / sum,
        }
    }
}

/// How far from 1 the shares of [`IodineForms`] may sum.
pub const SUM_TOLERANCE: f64 = 1e-3;

/// Parses a table in the layout of `data/iodine_chemical_forms.csv`: each form once, the
/// fractions summing to 1.
pub(crate) fn parse_forms(file: &str, text: &str) -> Result<IodineForms, SubstanceError> {
    let t = Table::parse(file, text)?;
    let c_form = t.col("form")?;
    let mut shares: [Option<f64>; 3] = [None; 3];
    for (i, row) in t.rows.iter().enumerate() {
        let name = t.text(row, c_form);
        let k = IodineForm::ALL
            .iter()
            .position(|f| f.name() == name)
            .filter(|&k| shares[k].is_none())
            .ok_or_else(|| {
                t.invalid(
                    i,
                    "form",
                    name,
                    "a form not listed before: particulate, elemental or organic",
                )
            })?;
        t.required_text(i, "source")?;
        shares[k] = Some(t.number(i, "fraction", 0.0, 1.0)?);
    }
    let get = |k: usize| {
        shares[k].ok_or_else(|| SubstanceError::Parse {
            file: file.to_string(),
            message: format!("no row for iodine form `{}`", IodineForm::ALL[k].name()),
        })
    };
    let forms = IodineForms {
        particulate: get(0)?,
        elemental: get(1)?,
        organic: get(2)?,
    };
    match forms.mistake() {
        Some((field, value, expected)) => Err(SubstanceError::Parse {
            file: file.to_string(),
            message: format!("{field} = {value}: expected {expected}"),
        }),
        None => Ok(forms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_split_is_regulatory_guide_1_183() {
        let f = IodineForms::regulatory_guide_1_183();
        assert_eq!(
            (f.particulate, f.elemental, f.organic),
            (0.95, 0.0485, 0.0015)
        );
    }

    #[test]
    fn a_split_that_does_not_sum_to_one_is_refused() {
        let text = "form,fraction,source\nparticulate,0.9,x\nelemental,0.05,x\norganic,0.01,x\n";
        let e = parse_forms("f.csv", text).unwrap_err().to_string();
        assert!(e.contains("= 0.96:") && e.contains("expected 1"), "{e}");
        let text = "form,fraction,source\nparticulate,0.9,x\nparticulate,0.1,x\norganic,0,x\n";
        let e = parse_forms("f.csv", text).unwrap_err().to_string();
        assert!(
            e.contains("row 3") && e.contains("not listed before"),
            "{e}"
        );
        let bad = IodineForms {
            particulate: 1.2,
            elemental: -0.2,
            organic: 0.0,
        };
        assert_eq!(bad.mistake().unwrap().0, "particulate");
    }

    #[test]
    fn form_rows_are_named_after_their_nuclide() {
        assert_eq!(IodineForm::Particulate.species_name("I-131"), "I-131");
        assert_eq!(IodineForm::Organic.species_name("I-133"), "I-133 organic");
        assert_eq!(
            IodineForm::of_row("I-133 organic"),
            Some(("I-133", IodineForm::Organic))
        );
        assert_eq!(IodineForm::of_row("I-131"), None);
        assert_eq!(IodineForm::of_row("Xe-133 metastable"), None);
        assert_eq!(
            IodineForm::alias("i131i2").as_deref(),
            Some("i131elemental")
        );
        assert_eq!(
            IodineForm::alias("i135ch3i").as_deref(),
            Some("i135organic")
        );
        assert_eq!(IodineForm::alias("i131aerosol").as_deref(), Some("i131"));
        assert_eq!(IodineForm::alias("i132"), None);
        assert_eq!(IodineForm::alias("chlorinei2"), None);
    }

    #[test]
    fn thirds_to_six_places_pass_and_are_scaled_to_one() {
        let t = IodineForms {
            particulate: 0.333333,
            elemental: 0.333333,
            organic: 0.333333,
        };
        assert!(t.mistake().is_none());
        let n = t.normalised();
        assert!((n.particulate + n.elemental + n.organic - 1.0).abs() < 1e-15);
    }
}
