//! The nuclide library: half-lives, daughters with branching, deposition class, and the dose
//! coefficients of each pathway, from `data/nuclides.csv`.
//!
//! ## References
//! - ICRP (2008) Publication 107, *Nuclear decay data for dosimetric calculations*, Ann. ICRP
//!   38(3) — half-lives and branching fractions.
//! - ICRP (1996) Publication 72, *Age-dependent doses to members of the public from intake of
//!   radionuclides: Part 5*, Ann. ICRP 26(1); compiled in ICRP (2012) Publication 119, Annexes G
//!   (particulates) and H (soluble or reactive gases and vapours) — committed effective dose per
//!   unit intake by inhalation, adult, 1 µm AMAD.
//! - US EPA (2025) Federal Guidance Report No. 15, *External exposure to radionuclides in air,
//!   water and soil*, EPA 402-R-25-001 (revised July 2025), Tables 4-6 and 4-1 — effective
//!   dose-rate coefficients for submersion in a semi-infinite cloud (Sv m³ Bq⁻¹ s⁻¹) and for an
//!   infinite contaminated ground plane (Sv m² Bq⁻¹ s⁻¹), adult. EPA withdrew the earlier
//!   editions (EPA 402-R-18-001, EPA-402-R-19-002) for errors in their tables.
//!
//! Each row names its sources and lists in `verified_quantities` the quantities that were checked
//! against a primary document (or an authoritative transcription of one); everything else is
//! unverified and reported as such when it decides a protective-action zone.

use serde::{Deserialize, Serialize};

use super::table::{SubstanceError, Table};

/// How a species deposits and which inhalation coefficient applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepositionClass {
    /// Xe, Kr: no deposition, external (cloudshine) dose only.
    NobleGas,
    /// I₂ vapour.
    ElementalIodine,
    /// CH₃I.
    OrganicIodine,
    /// Aerosol-bound nuclides.
    Particulate,
    /// HTO vapour.
    TritiatedWater,
}

impl DepositionClass {
    /// Every class, in the order of the table `data/deposition_defaults.csv`.
    pub const ALL: [DepositionClass; 5] = [
        Self::NobleGas,
        Self::ElementalIodine,
        Self::OrganicIodine,
        Self::Particulate,
        Self::TritiatedWater,
    ];

    /// The name used in the tables and user files (`particulate`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::NobleGas => "noble_gas",
            Self::ElementalIodine => "elemental_iodine",
            Self::OrganicIodine => "organic_iodine",
            Self::Particulate => "particulate",
            Self::TritiatedWater => "tritiated_water",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "noble_gas" => Self::NobleGas,
            "elemental_iodine" => Self::ElementalIodine,
            "organic_iodine" => Self::OrganicIodine,
            "particulate" => Self::Particulate,
            "tritiated_water" => Self::TritiatedWater,
            _ => return None,
        })
    }
}

/// A radioactive daughter and the fraction of parent decays that produce it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Daughter {
    pub name: String,
    pub branching: f64,
}

/// A quantity of a nuclide row, for provenance checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NuclideQuantity {
    HalfLife,
    Daughters,
    InhEffective,
    InhThyroid,
    InhThyroidChild,
    InhVapour,
    Cloudshine,
    Groundshine,
}

impl NuclideQuantity {
    pub const ALL: [NuclideQuantity; 8] = [
        Self::HalfLife,
        Self::Daughters,
        Self::InhEffective,
        Self::InhThyroid,
        Self::InhThyroidChild,
        Self::InhVapour,
        Self::Cloudshine,
        Self::Groundshine,
    ];

    /// The name used in the `verified_quantities` column.
    pub fn name(self) -> &'static str {
        match self {
            Self::HalfLife => "half_life",
            Self::Daughters => "daughters",
            Self::InhEffective => "inh_effective",
            Self::InhThyroid => "inh_thyroid",
            Self::InhThyroidChild => "inh_thyroid_child",
            Self::InhVapour => "inh_vapour",
            Self::Cloudshine => "cloudshine",
            Self::Groundshine => "groundshine",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.name() == s)
    }
}

/// One radionuclide of the library.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nuclide {
    pub name: String,
    pub half_life_s: f64,
    /// Radioactive daughters that are themselves in the library.
    pub daughters: Vec<Daughter>,
    pub deposition_class: DepositionClass,
    /// ICRP lung absorption type of the default coefficient (F, M, S or V).
    pub inh_type: String,
    /// Committed effective dose per unit intake by inhalation, adult (Sv/Bq); `None` for noble
    /// gases.
    pub inh_effective_sv_per_bq: Option<f64>,
    /// Committed equivalent dose to the thyroid per unit intake, adult (Sv/Bq), for iodines.
    pub inh_thyroid_sv_per_bq: Option<f64>,
    /// Committed equivalent dose to the thyroid per unit intake of a 1-year-old child (Sv/Bq),
    /// for iodines: the dose the US potassium-iodide PAG is set on.
    pub inh_thyroid_child_sv_per_bq: Option<f64>,
    /// Committed effective dose per unit intake of the vapour form (Sv/Bq), where ICRP gives one.
    pub inh_vapour_sv_per_bq: Option<f64>,
    /// Effective dose rate per unit air concentration, semi-infinite cloud (Sv m³ Bq⁻¹ s⁻¹).
    pub cloudshine_sv_m3_per_bq_s: f64,
    /// Effective dose rate per unit ground deposit, infinite plane (Sv m² Bq⁻¹ s⁻¹).
    pub groundshine_sv_m2_per_bq_s: f64,
    pub source: String,
    pub verified: Vec<NuclideQuantity>,
    pub verification: String,
}

impl Nuclide {
    /// Decay constant λ = ln 2 / T½ (s⁻¹).
    pub fn decay_constant_per_s(&self) -> f64 {
        std::f64::consts::LN_2 / self.half_life_s
    }

    /// Activity taken in per becquerel inhaled. Tritiated water vapour is also absorbed through
    /// the skin, about half as much again as is inhaled (ICRP Publication 30, Part 1, 1979, on
    /// tritium; the factor 1.5 of US NRC Regulatory Guide 1.109 and CSA N288.1 — recalled, to be
    /// checked against them), so its intake is 1.5 × the inhaled activity; 1 for every other
    /// class.
    pub fn intake_per_inhaled_bq(&self) -> f64 {
        match self.deposition_class {
            DepositionClass::TritiatedWater => 1.5,
            _ => 1.0,
        }
    }

    /// Whether a quantity of this row was checked against a primary document.
    pub fn is_verified(&self, q: NuclideQuantity) -> bool {
        self.verified.contains(&q)
    }
}

/// Parses a nuclide table in the layout of `data/nuclides.csv`.
pub(crate) fn parse_nuclides(file: &str, text: &str) -> Result<Vec<Nuclide>, SubstanceError> {
    let t = Table::parse(file, text)?;
    let c_daughters = t.col("daughters")?;
    let c_class = t.col("deposition_class")?;
    let c_type = t.col("inh_type")?;
    let c_verified = t.col("verified_quantities")?;
    let c_verification = t.col("verification")?;
    let mut out = Vec::with_capacity(t.rows.len());
    for (i, row) in t.rows.iter().enumerate() {
        let name = t.required_text(i, "nuclide")?;
        let class_text = t.text(row, c_class);
        let deposition_class = DepositionClass::parse(class_text).ok_or_else(|| {
            t.invalid(
                i,
                "deposition_class",
                class_text,
                "noble_gas, elemental_iodine, organic_iodine, particulate or tritiated_water",
            )
        })?;
        let daughters = parse_daughters(t.text(row, c_daughters)).ok_or_else(|| {
            t.invalid(
                i,
                "daughters",
                t.text(row, c_daughters),
                "`NAME:BRANCHING` items separated by `;`, branching in (0, 1]",
            )
        })?;
        let verified = t
            .text(row, c_verified)
            .split_whitespace()
            .map(|q| {
                NuclideQuantity::parse(q).ok_or_else(|| {
                    t.invalid(
                        i,
                        "verified_quantities",
                        q,
                        "half_life, daughters, inh_effective, inh_thyroid, inh_thyroid_child, inh_vapour, cloudshine or groundshine",
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.push(Nuclide {
            name,
            half_life_s: t.number(i, "half_life_s", 1e-9, 1e30)?,
            daughters,
            deposition_class,
            inh_type: t.text(row, c_type).to_string(),
            inh_effective_sv_per_bq: t.optional_number(i, "inh_effective_sv_per_bq", 0.0, 1.0)?,
            inh_thyroid_sv_per_bq: t.optional_number(i, "inh_thyroid_sv_per_bq", 0.0, 1.0)?,
            inh_thyroid_child_sv_per_bq: t.optional_number(
                i,
                "inh_thyroid_child_sv_per_bq",
                0.0,
                1.0,
            )?,
            inh_vapour_sv_per_bq: t.optional_number(
                i,
                "inh_vapour_effective_sv_per_bq",
                0.0,
                1.0,
            )?,
            cloudshine_sv_m3_per_bq_s: t.number(i, "cloudshine_sv_m3_per_bq_s", 0.0, 1.0)?,
            groundshine_sv_m2_per_bq_s: t.number(i, "groundshine_sv_m2_per_bq_s", 0.0, 1.0)?,
            source: t.required_text(i, "source")?,
            verified,
            verification: t.text(row, c_verification).to_string(),
        });
    }
    Ok(out)
}

fn parse_daughters(s: &str) -> Option<Vec<Daughter>> {
    s.split(';')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (name, b) = item.split_once(':')?;
            let branching: f64 = b.trim().parse().ok()?;
            (branching > 0.0 && branching <= 1.0).then(|| Daughter {
                name: name.trim().to_string(),
                branching,
            })
        })
        .collect()
}
