//! How people name the library's chemicals: the aliases of `data/chem_aliases.csv` (formulas,
//! common names, British spellings, military codes), and which unknown names are probably a
//! library chemical mistyped.
//!
//! A written name matches a chemical when its letters and digits, ignoring case, equal those of
//! the chemical's name, of that name before a parenthesis (`Sarin` for `Sarin (GB)`) or of one of
//! its aliases; a trailing "gas" or "vapour" is ignored ("chlorine gas"), subscript digits count
//! as digits ("Cl₂"), and the CAS number matches too. A formula's case carries meaning (CoCl₂ is
//! cobalt chloride, COCl₂ phosgene), so a name written in mixed case matches a formula alias only
//! letter for letter; one written all in capitals or all in small letters ("CL2", "cocl2")
//! matches it ignoring case. A formula in other mixed capitals ("Nh3", "Cocl2") is refused as a
//! typo of the formula, since a toxic gas must not run as an inert one for a slip of the shift
//! key; cobalt chloride, CoCl₂, is added with a substance file.
//!
//! An unknown name is a *typo* when it is one edit (a letter added, dropped, changed, or two
//! neighbours swapped) from a name or alias of five or more letters and digits. Shorter names and
//! formulas are never compared this way: CO2, NO2 and HCl are one letter from SO2 and HCN, and
//! CH3NCS (methyl isothiocyanate) one from CH3NCO, but they are other chemicals.

use super::chemical::Chemical;
use super::table::{SubstanceError, Table};
use super::Library;

pub(crate) const ALIASES_FILE: &str = "data/chem_aliases.csv";
pub(crate) const ALIASES_CSV: &str = include_str!("data/chem_aliases.csv");

/// Shortest name (letters and digits) that a typo is looked for in.
const MIN_TYPO_KEY_LEN: usize = 5;
/// Shortest name that is looked for as a word inside an unknown name.
const MIN_WORD_KEY_LEN: usize = 3;
/// Trailing words that do not change which chemical is meant.
const STATE_WORDS: [&str; 3] = ["gas", "vapour", "vapor"];

/// The words of a name: runs of letters and digits, lower case, subscript digits as digits.
fn words(name: &str) -> Vec<String> {
    cased_words(name)
        .into_iter()
        .map(|w| w.to_ascii_lowercase())
        .collect()
}

/// The words of a name as written: runs of letters and digits, subscript digits as digits.
fn cased_words(name: &str) -> Vec<String> {
    let mut out = vec![];
    let mut word = String::new();
    for c in name.chars() {
        let c = match c {
            '₀'..='₉' => char::from(b'0' + (c as u32 - '₀' as u32) as u8),
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// The letters and digits of a name, lower case ("Cl₂ gas" → "cl2gas").
pub(crate) fn key(name: &str) -> String {
    words(name).concat()
}

/// The keys a written name may match: as written, and without a trailing "gas" or "vapour".
pub(crate) fn written_keys(name: &str) -> Vec<String> {
    let mut w = words(name);
    let mut keys = vec![w.concat()];
    if w.len() > 1 && STATE_WORDS.contains(&w[w.len() - 1].as_str()) {
        w.pop();
        keys.push(w.concat());
    }
    keys
}

/// Whether a written name that has a formula's letters and digits, ignoring case and a trailing
/// "gas", also has its case: always for a name written all in capitals or all in small letters
/// ("CL2", "cocl2"), letter for letter for one in mixed case ("COCl2" yes, "CoCl2" no).
pub(crate) fn same_formula(written: &str, formula: &str) -> bool {
    let mut w = cased_words(written);
    if w.len() > 1 && STATE_WORDS.contains(&w[w.len() - 1].to_ascii_lowercase().as_str()) {
        w.pop();
    }
    let w = w.concat();
    let mixed =
        w.chars().any(|c| c.is_ascii_uppercase()) && w.chars().any(|c| c.is_ascii_lowercase());
    !mixed || w == cased_words(formula).concat()
}

/// Whether a name is written as a molecular formula: element symbols (a capital, perhaps a
/// small letter) each with an optional count, and more than one capital or a digit ("CO",
/// "CoCl2", "Cl2", "SF6"; not "Ammonia", "Ar" or "Tracer").
pub(crate) fn is_formula(name: &str) -> bool {
    let b = name.as_bytes();
    let mut k = 0;
    while k < b.len() {
        if !b[k].is_ascii_uppercase() {
            return false;
        }
        k += 1;
        if k < b.len() && b[k].is_ascii_lowercase() {
            k += 1;
        }
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
    }
    let capitals = b.iter().filter(|c| c.is_ascii_uppercase()).count();
    !b.is_empty() && (capitals > 1 || b.iter().any(u8::is_ascii_digit))
}

impl Chemical {
    /// Every name this chemical answers to: its name, that name before a parenthesis, and its
    /// aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let short = self.name.split('(').next().unwrap_or(&self.name).trim();
        [self.name.as_str(), short]
            .into_iter()
            .chain(self.aliases.iter().map(String::as_str))
    }
}

/// Attaches the aliases of the alias table to the chemicals they name; an alias that names no
/// chemical, or that another chemical already answers to, is an error.
pub(crate) fn attach_aliases(
    file: &str,
    text: &str,
    chemicals: &mut [Chemical],
) -> Result<(), SubstanceError> {
    let t = Table::parse(file, text)?;
    let c_chem = t.col("chemical")?;
    let c_kind = t.col("kind")?;
    for (i, row) in t.rows.iter().enumerate() {
        let alias = t.required_text(i, "alias")?;
        t.required_text(i, "source")?;
        let name = t.text(row, c_chem);
        let formula = t.text(row, c_kind) == "formula";
        if let Some(other) = chemicals.iter().find(|c| c.matches(&alias)) {
            return Err(t.invalid(
                i,
                "alias",
                &alias,
                &format!("a name no other chemical answers to ({} does)", other.name),
            ));
        }
        let Some(chem) = chemicals.iter_mut().find(|c| c.name == name) else {
            return Err(t.invalid(
                i,
                "chemical",
                name,
                "a chemical listed in the properties table",
            ));
        };
        if formula {
            chem.formulas.push(alias.clone());
        }
        chem.aliases.push(alias);
    }
    Ok(())
}

/// What the library makes of a substance name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChemicalName<'a> {
    /// A library chemical, by name, alias or CAS number.
    Known(&'a Chemical),
    /// Not in the library, but one typing mistake from `like`, a name of `chemical`, or one of
    /// its formulas in other capitals ("Nh3" for NH3).
    Typo {
        like: &'a str,
        chemical: &'a Chemical,
    },
    /// Not in the library; `mentions` is a chemical whose name is a word of it ("chlorine" in
    /// "chlorine dioxide"), if any.
    Unknown { mentions: Option<&'a Chemical> },
}

impl Library {
    /// Looks a substance name up among the chemicals, saying how close an unknown name comes.
    pub fn chemical_name(&self, name: &str) -> ChemicalName<'_> {
        if let Some(c) = self.chemical(name) {
            return ChemicalName::Known(c);
        }
        let written = written_keys(name);
        // A library formula in other capitals ("Nh3", "Cocl2") is far likelier a slip than
        // another substance: it is refused with the formula, never run as an inert gas.
        for c in &self.chemicals {
            if let Some(f) = c.formulas.iter().find(|f| written.contains(&key(f))) {
                return ChemicalName::Typo {
                    like: f,
                    chemical: c,
                };
            }
        }
        for c in &self.chemicals {
            for n in c.names().filter(|n| !c.formulas.iter().any(|f| f == n)) {
                let k = key(n);
                if k.len() >= MIN_TYPO_KEY_LEN
                    && written.iter().any(|w| strsim::osa_distance(w, &k) == 1)
                {
                    return ChemicalName::Typo {
                        like: n,
                        chemical: c,
                    };
                }
            }
        }
        let w = words(name);
        let mentions = self.chemicals.iter().find(|c| {
            c.names().any(|n| {
                let nw = words(n);
                key(n).len() >= MIN_WORD_KEY_LEN
                    && w.windows(nw.len()).enumerate().any(|(i, s)| {
                        s == nw
                            && (!c.formulas.iter().any(|f| f == n)
                                || same_formula(&cased_words(name)[i..i + nw.len()].join(" "), n))
                    })
            })
        });
        ChemicalName::Unknown { mentions }
    }

    /// The names of the library's chemicals, each with its aliases in parentheses:
    /// `Chlorine (Cl2), Ammonia (NH3, Anhydrous ammonia, …), …`.
    pub fn chemical_names_with_aliases(&self) -> String {
        self.chemicals
            .iter()
            .map(|c| match c.aliases.as_slice() {
                [] => c.name.clone(),
                a => format!("{} ({})", c.name, a.join(", ")),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// "Base (Inner)" as (`Base`, `Inner`), both trimmed and non-empty; `None` for any other text.
pub fn bracketed(name: &str) -> Option<(&str, &str)> {
    let rest = name.trim().strip_suffix(')')?;
    let (base, inner) = rest.rsplit_once('(')?;
    let (base, inner) = (base.trim(), inner.trim());
    (!base.is_empty() && !inner.is_empty()).then_some((base, inner))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(name: &str) -> Option<&'static str> {
        Library::embedded().chemical(name).map(|c| c.name.as_str())
    }

    /// Found by review: "Chlorine (Cl2)" was three edits from any name, so it ran as an inert
    /// gas with no zones and a "did you mean" warning.
    #[test]
    fn a_name_with_its_formula_in_brackets_names_the_chemical_but_not_another() {
        assert_eq!(canonical("Chlorine (Cl2)"), Some("Chlorine"));
        assert_eq!(
            canonical("Hydrogen sulfide (H2S)"),
            Some("Hydrogen sulfide")
        );
        assert_eq!(canonical(" ammonia ( NH3 ) "), Some("Ammonia"));
        assert_eq!(canonical("Chlorine (dioxide)"), None);
        assert_eq!(canonical("Chlorine (NH3)"), None);
    }

    #[test]
    fn formulas_common_names_and_spellings_name_library_chemicals() {
        for (written, chemical) in [
            ("Cl2", "Chlorine"),
            ("cl₂", "Chlorine"),
            ("chlorine gas", "Chlorine"),
            ("NH3", "Ammonia"),
            ("anhydrous ammonia", "Ammonia"),
            ("H2S", "Hydrogen sulfide"),
            ("hydrogen sulphide", "Hydrogen sulfide"),
            ("SO2", "Sulfur dioxide"),
            ("Sulphur dioxide", "Sulfur dioxide"),
            ("HCN", "Hydrogen cyanide"),
            ("COCl2", "Phosgene"),
            ("carbonyl chloride", "Phosgene"),
            ("HF", "Hydrogen fluoride"),
            ("MIC", "Methyl isocyanate"),
            ("CH3NCO", "Methyl isocyanate"),
            ("GB", "Sarin (GB)"),
            ("sarin", "Sarin (GB)"),
            ("vx", "VX"),
            ("HD", "Sulfur mustard (HD)"),
            ("mustard", "Sulfur mustard (HD)"),
            ("Mustard gas", "Sulfur mustard (HD)"),
        ] {
            assert_eq!(canonical(written), Some(chemical), "{written}");
        }
        // "gas" alone is no chemical, nor is a name that merely contains one.
        for other in ["gas", "SF6 tracer", "chlorine dioxide", "CO2", "NO2", "HCl"] {
            assert_eq!(canonical(other), None, "{other}");
        }
    }

    /// Found by review: "CoCl2" (cobalt chloride) named phosgene, COCl2, since names were
    /// compared ignoring case.
    #[test]
    fn a_formula_in_mixed_case_names_a_chemical_only_letter_for_letter() {
        for (written, chemical) in [
            ("COCl2", Some("Phosgene")),
            ("COCL2", Some("Phosgene")),
            ("cocl2", Some("Phosgene")),
            ("COCl2 gas", Some("Phosgene")),
            ("CL2 gas", Some("Chlorine")),
            ("CoCl2", None),
            ("CoCl2 gas", None),
            ("Cl2", Some("Chlorine")),
            ("CL2", Some("Chlorine")),
            ("cl2", Some("Chlorine")),
            ("cL2", None),
            ("Nh3", None),
            ("Hcn", None),
            // Names, codes and spellings still ignore case.
            ("CHLORINE", Some("Chlorine")),
            ("cHlOrInE", Some("Chlorine")),
            ("Gb", Some("Sarin (GB)")),
        ] {
            assert_eq!(canonical(written), chemical, "{written}");
        }
        // Not run as an inert gas either: refused as a slip, naming the formula.
        let lib = Library::embedded();
        for (written, like, chemical) in [
            ("CoCl2", "COCl2", "Phosgene"),
            ("Nh3", "NH3", "Ammonia"),
            ("H2s gas", "H2S", "Hydrogen sulfide"),
            ("cL2", "Cl2", "Chlorine"),
        ] {
            match lib.chemical_name(written) {
                ChemicalName::Typo {
                    like: l,
                    chemical: c,
                } => {
                    assert_eq!((l, c.name.as_str()), (like, chemical), "{written}")
                }
                other => panic!("{written}: {other:?}"),
            }
        }
        let ChemicalName::Unknown { mentions } = lib.chemical_name("COCl2 in nitrogen") else {
            panic!()
        };
        assert_eq!(mentions.map(|c| c.name.as_str()), Some("Phosgene"));
        // A formula one letter from another is another chemical, not a typo.
        assert!(matches!(
            lib.chemical_name("CH3NCS"),
            ChemicalName::Unknown { .. }
        ));
    }

    #[test]
    fn one_typing_mistake_in_a_long_name_is_a_typo_but_short_formulas_are_not_compared() {
        let lib = Library::embedded();
        for (written, like) in [
            ("Chlorin", "Chlorine"),
            ("Clorine", "Chlorine"),
            ("Chlroine", "Chlorine"),
            ("Amonia", "Ammonia"),
            ("Phosgen", "Phosgene"),
            ("Sulfer dioxide", "Sulfur dioxide"),
            ("Mustrad", "Mustard"),
        ] {
            match lib.chemical_name(written) {
                ChemicalName::Typo { like: l, .. } => assert_eq!(l, like, "{written}"),
                other => panic!("{written}: {other:?}"),
            }
        }
        for other in [
            "CO2",
            "NO2",
            "HCl",
            "SF6 tracer",
            "Ammonium",
            "Sulfur trioxide",
        ] {
            assert!(
                matches!(lib.chemical_name(other), ChemicalName::Unknown { .. }),
                "{other}"
            );
        }
        let ChemicalName::Unknown { mentions } = lib.chemical_name("chlorine dioxide") else {
            panic!()
        };
        assert_eq!(mentions.map(|c| c.name.as_str()), Some("Chlorine"));
        let ChemicalName::Unknown { mentions } = lib.chemical_name("SF6 tracer") else {
            panic!()
        };
        assert_eq!(mentions, None);
    }

    #[test]
    fn names_written_as_formulas_are_told_from_words() {
        for f in ["CO", "CoCl2", "Cl2", "SF6", "CH3NCO", "H2S", "NH3", "COCl2"] {
            assert!(is_formula(f), "{f}");
        }
        for w in [
            "Ammonia",
            "Ar",
            "Tracer",
            "",
            "co",
            "Cl 2",
            "SF6 tracer",
            "2CO",
        ] {
            assert!(!is_formula(w), "{w}");
        }
    }

    #[test]
    fn every_alias_names_exactly_one_chemical() {
        let lib = Library::embedded();
        for c in &lib.chemicals {
            for n in c.names() {
                let all: Vec<&str> = lib
                    .chemicals
                    .iter()
                    .filter(|d| d.matches(n))
                    .map(|d| d.name.as_str())
                    .collect();
                assert_eq!(all, [c.name.as_str()], "{n}");
            }
        }
        let bad = "alias,chemical,kind,source\nCl2,Ammonia,formula,test\n";
        let mut chems = lib.chemicals.clone();
        let err = attach_aliases("x.csv", bad, &mut chems).unwrap_err();
        assert!(err.to_string().contains("Chlorine does"), "{err}");
    }
}
