//! Substances and nuclides: what is transported, in which unit, how it decays, and the data that
//! turn its concentration into exposure (thresholds, toxic-load exponents, dose coefficients).
//!
//! The tables in `data/` are embedded in the binary; every row names its source and records what
//! was checked (see `data/README.md`). Users add or replace substances with their own TOML file
//! ([`Library::with_user_file`], format in [`user`]).

pub mod bateman;
mod chemical;
pub mod deposition;
pub mod elements;
pub mod iodine;
mod names;
mod nuclide;
mod table;
pub mod user;

use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;

use iodine::IodineForm;

pub use chemical::{Chemical, Threshold, AEGL_DURATIONS_S, MOLAR_VOLUME_L_MOL};
pub use names::ChemicalName;
pub use nuclide::{Daughter, DepositionClass, Nuclide, NuclideQuantity};
pub use table::{normalise, SubstanceError};

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
    /// Molar mass (kg/mol) of a chemical of the run's library (the embedded one or a substance
    /// file's), which the dense-gas screening reads; `None` for nuclides and substances
    /// outside the library.
    pub molar_mass_kg_mol: Option<f64>,
}

impl Species {
    /// Decay constant λ = ln 2 / T½ (s⁻¹), zero for stable species.
    pub fn decay_constant_per_s(&self) -> f64 {
        self.half_life_s.map_or(0.0, |t| std::f64::consts::LN_2 / t)
    }
}

pub(crate) const NUCLIDES_FILE: &str = "data/nuclides.csv";
pub(crate) const NUCLIDES_CSV: &str = include_str!("data/nuclides.csv");
pub(crate) const CHEM_PROPERTIES_FILE: &str = "data/chem_properties.csv";
pub(crate) const CHEM_PROPERTIES_CSV: &str = include_str!("data/chem_properties.csv");
pub(crate) const CHEM_THRESHOLDS_FILE: &str = "data/chem_aegl_erpg.csv";
pub(crate) const CHEM_THRESHOLDS_CSV: &str = include_str!("data/chem_aegl_erpg.csv");

/// Every embedded data table as (file name, CSV text, the column that names each row's source),
/// so tests and tools can check that no row lacks a source.
pub fn embedded_tables() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        (NUCLIDES_FILE, NUCLIDES_CSV, "source"),
        (CHEM_PROPERTIES_FILE, CHEM_PROPERTIES_CSV, "source"),
        (CHEM_THRESHOLDS_FILE, CHEM_THRESHOLDS_CSV, "source"),
        (names::ALIASES_FILE, names::ALIASES_CSV, "source"),
        (
            "data/criteria.csv",
            include_str!("data/criteria.csv"),
            "source",
        ),
        (
            "data/rad_source_term.csv",
            include_str!("data/rad_source_term.csv"),
            "source",
        ),
        (
            "data/candu6_inventory_estimate.csv",
            include_str!("data/candu6_inventory_estimate.csv"),
            "assumptions",
        ),
        (
            iodine::IODINE_FORMS_FILE,
            iodine::IODINE_FORMS_CSV,
            "source",
        ),
        (
            deposition::DEPOSITION_DEFAULTS_FILE,
            deposition::DEPOSITION_DEFAULTS_CSV,
            "source",
        ),
        (
            "data/rad_deposition.csv",
            include_str!("data/rad_deposition.csv"),
            "source",
        ),
        (
            "data/protective_action_criteria.csv",
            include_str!("data/protective_action_criteria.csv"),
            "source",
        ),
    ]
}

/// Parses a nuclide table in the layout of `data/nuclides.csv` (for checking user-edited copies).
pub fn parse_nuclide_table(file: &str, text: &str) -> Result<Vec<Nuclide>, SubstanceError> {
    nuclide::parse_nuclides(file, text)
}

/// The substance library: nuclides and chemicals.
#[derive(Debug, Clone, PartialEq)]
pub struct Library {
    pub nuclides: Vec<Nuclide>,
    pub chemicals: Vec<Chemical>,
}

impl Library {
    /// The library embedded in the binary (parsed once).
    pub fn embedded() -> &'static Library {
        static LIB: OnceLock<Library> = OnceLock::new();
        LIB.get_or_init(|| {
            Library::from_tables().expect("embedded substance tables parse (checked by tests)")
        })
    }

    fn from_tables() -> Result<Library, SubstanceError> {
        let mut chemicals = chemical::parse_chemicals(
            CHEM_PROPERTIES_FILE,
            CHEM_PROPERTIES_CSV,
            CHEM_THRESHOLDS_FILE,
            CHEM_THRESHOLDS_CSV,
        )?;
        names::attach_aliases(names::ALIASES_FILE, names::ALIASES_CSV, &mut chemicals)?;
        Ok(Library {
            nuclides: nuclide::parse_nuclides(NUCLIDES_FILE, NUCLIDES_CSV)?,
            chemicals,
        })
    }

    /// The embedded library with the substances of a user file added or replacing entries of
    /// the same name.
    pub fn with_user_file(path: impl AsRef<Path>) -> Result<Library, SubstanceError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| SubstanceError::Io {
            file: file.clone(),
            source,
        })?;
        Self::embedded().clone().with_user_text(&file, &text)
    }

    /// Adds or replaces substances from user-file text; `file` names it in errors.
    pub fn with_user_text(mut self, file: &str, text: &str) -> Result<Library, SubstanceError> {
        let user = user::parse_user_file(file, text)?;
        let given: Vec<String> = user.nuclides.iter().map(|n| normalise(&n.name)).collect();
        for n in user.nuclides {
            let key = normalise(&n.name);
            match self.nuclides.iter_mut().find(|m| normalise(&m.name) == key) {
                Some(slot) => {
                    // A replaced iodine takes its vapour forms with it, unless the file gives
                    // them too: the embedded forms would keep the old half-life and coefficients
                    // for 5 % of the released iodine (found by review).
                    let old_forms: Vec<String> = [IodineForm::Elemental, IodineForm::Organic]
                        .iter()
                        .map(|f| normalise(&f.species_name(&slot.name)))
                        .filter(|f| !given.contains(f))
                        .collect();
                    *slot = n;
                    self.nuclides
                        .retain(|m| !old_forms.contains(&normalise(&m.name)));
                }
                None => self.nuclides.push(n),
            }
        }
        for (i, c) in user.chemicals.into_iter().enumerate() {
            // A CAS number names one substance: another chemical's would make "7782-50-5"
            // resolve to the library's chlorine, not the file's (found by review).
            let cas = c.cas.trim();
            let owner = self
                .chemicals
                .iter()
                .find(|m| !cas.is_empty() && m.cas.trim() == cas && !m.matches(&c.name));
            if let Some(owner) = owner {
                return Err(SubstanceError::Field {
                    file: file.to_string(),
                    location: format!("chemical[{i}]"),
                    field: "cas".into(),
                    value: c.cas.clone(),
                    expected: format!(
                        "a CAS number of {}'s own: {cas} is {}'s (name the chemical {:?} to \
                         replace that one)",
                        c.name, owner.name, owner.name
                    ),
                });
            }
            match self.chemicals.iter_mut().find(|m| m.matches(&c.name)) {
                // A replaced chemical keeps its aliases, and its CAS number unless the file
                // gives one: "Cl2" and "7782-50-5" still mean the user's chlorine.
                Some(slot) => {
                    let aliases = std::mem::take(&mut slot.aliases);
                    let formulas = std::mem::take(&mut slot.formulas);
                    let cas = std::mem::take(&mut slot.cas);
                    *slot = c;
                    slot.aliases = aliases;
                    slot.formulas = formulas;
                    if slot.cas.is_empty() {
                        slot.cas = cas;
                    }
                }
                None => self.chemicals.push(c),
            }
        }
        Ok(self)
    }

    /// The nuclide of that name ("I-131", "i131", "Iodine-131": [`elements`]), if any; an
    /// iodine's forms also by their other names ("I-131 I2", "I-131 CH3I", "I-131 aerosol": [`IodineForm::alias`]).
    pub fn nuclide(&self, name: &str) -> Option<&Nuclide> {
        let key = normalise(name);
        let find = |key: &str| self.nuclides.iter().find(|n| normalise(&n.name) == key);
        let find_form = |key: &str| find(key).or_else(|| find(&IodineForm::alias(key)?));
        // The element by its name too ("Caesium-137", "iode-131", "tritium").
        find_form(&key).or_else(|| find_form(&elements::symbol_form(&key)?))
    }

    /// The chemical of that name, alias or CAS number, if any (see [`Chemical::matches`]).
    ///
    /// A name followed by another of the same chemical in brackets, as the library writes its
    /// own (`Sarin (GB)`), names it too: `Chlorine (Cl2)`, `Hydrogen sulfide (H2S)`. Both parts
    /// must name the one chemical: `Chlorine (dioxide)` is not chlorine.
    pub fn chemical(&self, name: &str) -> Option<&Chemical> {
        if let Some(c) = self.chemicals.iter().find(|c| c.matches(name)) {
            return Some(c);
        }
        let (base, inner) = names::bracketed(name)?;
        let c = self.chemicals.iter().find(|c| c.matches(base))?;
        c.matches(inner).then_some(c)
    }
}

/// Returns the half-life (s) of a nuclide in the embedded library, by name such as "I-131" (case
/// and hyphen insensitive: "i131" also matches).
pub fn nuclide_half_life_s(name: &str) -> Option<f64> {
    Library::embedded().nuclide(name).map(|n| n.half_life_s)
}

/// The default removal parameters of a nuclide in the embedded library, from its deposition
/// class ([`deposition::class_removal`]).
pub fn nuclide_removal(name: &str) -> Option<deposition::ClassRemoval> {
    Library::embedded()
        .nuclide(name)
        .map(|n| deposition::class_removal(n.deposition_class))
}

/// Names of the nuclides in the embedded library.
pub fn nuclide_names() -> Vec<&'static str> {
    Library::embedded()
        .nuclides
        .iter()
        .map(|n| n.name.as_str())
        .collect()
}

#[cfg(test)]
mod user_file_tests;

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

    #[test]
    fn caesium_feeds_barium_137m_and_tellurium_feeds_iodine_132() {
        let lib = Library::embedded();
        let cs = lib.nuclide("Cs-137").unwrap();
        assert_eq!(cs.daughters[0].name, "Ba-137m");
        assert!((cs.daughters[0].branching - 0.94399).abs() < 1e-9);
        let te = lib.nuclide("Te-132").unwrap();
        assert_eq!(te.daughters[0].name, "I-132");
        for n in &lib.nuclides {
            for d in &n.daughters {
                assert!(lib.nuclide(&d.name).is_some(), "{} → {}", n.name, d.name);
            }
        }
    }

    #[test]
    fn every_iodine_has_an_elemental_and_an_organic_form_of_its_own_class() {
        use iodine::IodineForm;
        let lib = Library::embedded();
        let iodines: Vec<&Nuclide> = lib
            .nuclides
            .iter()
            .filter(|n| n.name.starts_with("I-") && !n.name.contains(' '))
            .collect();
        assert_eq!(iodines.len(), 4);
        for base in iodines {
            assert_eq!(base.deposition_class, DepositionClass::Particulate);
            for (form, class, e) in [
                (
                    IodineForm::Elemental,
                    DepositionClass::ElementalIodine,
                    base.inh_vapour_sv_per_bq,
                ),
                (IodineForm::Organic, DepositionClass::OrganicIodine, None),
            ] {
                let name = form.species_name(&base.name);
                let f = lib.nuclide(&name).unwrap_or_else(|| panic!("{name}"));
                assert_eq!(f.deposition_class, class, "{name}");
                // The same nuclide: decay, daughters and external dose are the particulate row's.
                assert_eq!(f.half_life_s, base.half_life_s, "{name}");
                assert_eq!(f.daughters, base.daughters, "{name}");
                assert_eq!(f.cloudshine_sv_m3_per_bq_s, base.cloudshine_sv_m3_per_bq_s);
                assert_eq!(
                    f.groundshine_sv_m2_per_bq_s,
                    base.groundshine_sv_m2_per_bq_s
                );
                // Inhaled vapour: I₂ takes the row's vapour coefficient; both exceed the
                // aerosol's, I₂ more than CH₃I (ICRP 119 Annex H: 100 % against 70 % deposited).
                let fe = f.inh_effective_sv_per_bq.unwrap();
                if let Some(e) = e {
                    assert_eq!(fe, e, "{name}");
                }
                assert!(fe > base.inh_effective_sv_per_bq.unwrap(), "{name}");
                let thyroid = f.inh_thyroid_sv_per_bq.unwrap();
                assert!((thyroid - fe / 0.05).abs() < 1e-3 * thyroid, "{name}");
                assert!(f.inh_thyroid_child_sv_per_bq.unwrap() > thyroid, "{name}");
            }
            let el = lib.nuclide(&format!("{} elemental", base.name)).unwrap();
            let org = lib.nuclide(&format!("{} organic", base.name)).unwrap();
            assert!(el.inh_effective_sv_per_bq > org.inh_effective_sv_per_bq);
        }
        // Spelled with brackets, as RASCAL's lists do, or by formula, the name still finds
        // the row.
        for (name, row) in [
            ("I-131 (elemental)", "I-131 elemental"),
            ("I-131 I2", "I-131 elemental"),
            ("i133 CH3I", "I-133 organic"),
            ("I-135 methyl iodide", "I-135 organic"),
            ("I-131 aerosol", "I-131"),
            ("I-132 (particulate)", "I-132"),
        ] {
            assert_eq!(
                lib.nuclide(name).map(|n| n.name.as_str()),
                Some(row),
                "{name}"
            );
        }
    }

    #[test]
    fn chemicals_match_short_names_and_cas() {
        let lib = Library::embedded();
        assert_eq!(lib.chemical("sarin").unwrap().name, "Sarin (GB)");
        assert_eq!(lib.chemical("7782-50-5").unwrap().name, "Chlorine");
        let cl = lib.chemical("Chlorine").unwrap();
        // NRC AEGL Vol. 4: chlorine AEGL-2 60 min = 2 ppm = 5.8 mg/m3; the published ppm is
        // the value, and reads back exactly.
        let a2 = cl.aegl[1][2].as_ref().unwrap();
        assert!((a2.value_kg_m3 / 5.8e-6 - 1.0).abs() < 1e-3);
        assert!((cl.kg_m3_to_ppm(a2.value_kg_m3) - 2.0).abs() < 1e-12);
        // Ammonia's 60-min AEGL-2 is 160 ppm, not the 159 ppm of its rounded 111 mg/m3.
        let nh3 = lib.chemical("ammonia").unwrap();
        let a2 = nh3.aegl[1][2].as_ref().unwrap();
        assert!((nh3.kg_m3_to_ppm(a2.value_kg_m3) - 160.0).abs() < 1e-9);
        assert!(lib.chemical("Phosgene").unwrap().aegl[0][0].is_none());
    }
}
