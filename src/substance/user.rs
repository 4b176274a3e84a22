//! Substances from the user's own file: a TOML file of `[[nuclide]]` and `[[chemical]]` tables
//! that add to the embedded library or replace entries of the same name.
//!
//! ```toml
//! [[nuclide]]
//! name = "I-131"
//! half_life_s = 692988.0
//! daughters = [{ name = "Xe-131m", branching = 0.01176 }]   # optional; only library nuclides matter
//! deposition_class = "particulate"   # noble_gas | elemental_iodine | organic_iodine | particulate | tritiated_water
//! inh_effective_sv_per_bq = 7.4e-9   # optional (omit for noble gases)
//! inh_thyroid_sv_per_bq = 1.5e-7     # optional
//! inh_thyroid_child_sv_per_bq = 1.4e-6   # optional: 1-year-old child (the US KI PAG's dose)
//! cloudshine_sv_m3_per_bq_s = 1.68e-14
//! groundshine_sv_m2_per_bq_s = 2.43e-16
//! source = "ICRP 119 Annex G; FGR 15 (2025) Tables 4-6, 4-1"   # required: where the values come from
//! verified = true                    # optional, default false: were they checked?
//!
//! [[chemical]]
//! name = "Chlorine"
//! mw_g_per_mol = 70.9
//! toxic_load_n = 2.0
//! # AEGL-1/2/3 at 10 min, 30 min, 1 h, 4 h, 8 h in mg/m3; omit a level that is not recommended
//! aegl1_mg_m3 = [1.45, 1.45, 1.45, 1.45, 1.45]
//! aegl2_mg_m3 = [8.12, 8.12, 5.8, 2.9, 2.06]
//! aegl3_mg_m3 = [145.0, 81.2, 58.0, 29.0, 20.6]
//! source = "NRC AEGL Vol. 4 (2004)"
//! ```

use serde::Deserialize;

use super::chemical::{Chemical, Threshold};
use super::nuclide::{Daughter, DepositionClass, Nuclide, NuclideQuantity};
use super::table::{normalise, SubstanceError};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserFile {
    #[serde(default)]
    nuclide: Vec<UserNuclide>,
    #[serde(default)]
    chemical: Vec<UserChemical>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserNuclide {
    name: String,
    half_life_s: f64,
    #[serde(default)]
    daughters: Vec<Daughter>,
    deposition_class: DepositionClass,
    inh_effective_sv_per_bq: Option<f64>,
    inh_thyroid_sv_per_bq: Option<f64>,
    inh_thyroid_child_sv_per_bq: Option<f64>,
    cloudshine_sv_m3_per_bq_s: f64,
    groundshine_sv_m2_per_bq_s: f64,
    source: String,
    #[serde(default)]
    verified: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserChemical {
    name: String,
    #[serde(default)]
    cas: String,
    mw_g_per_mol: f64,
    toxic_load_n: f64,
    aegl1_mg_m3: Option<Vec<f64>>,
    aegl2_mg_m3: Option<Vec<f64>>,
    aegl3_mg_m3: Option<Vec<f64>>,
    source: String,
    #[serde(default)]
    verified: bool,
}

/// Substances read from a user file.
pub(crate) struct UserSubstances {
    pub nuclides: Vec<Nuclide>,
    pub chemicals: Vec<Chemical>,
}

struct Check<'a> {
    file: &'a str,
    location: String,
}

impl Check<'_> {
    fn range(&self, field: &str, v: f64, min: f64, max: f64) -> Result<f64, SubstanceError> {
        if v.is_finite() && v >= min && v <= max {
            Ok(v)
        } else {
            Err(SubstanceError::Field {
                file: self.file.to_string(),
                location: self.location.clone(),
                field: field.to_string(),
                value: v.to_string(),
                expected: format!("a number in [{min:e}, {max:e}]"),
            })
        }
    }

    fn text(&self, field: &str, v: &str) -> Result<String, SubstanceError> {
        if v.trim().is_empty() {
            Err(SubstanceError::Field {
                file: self.file.to_string(),
                location: self.location.clone(),
                field: field.to_string(),
                value: v.to_string(),
                expected: "a non-empty value".to_string(),
            })
        } else {
            Ok(v.trim().to_string())
        }
    }
}

/// Parses a user substance file's text; `file` names it in errors.
pub(crate) fn parse_user_file(file: &str, text: &str) -> Result<UserSubstances, SubstanceError> {
    let raw: UserFile = toml::from_str(text).map_err(|e| SubstanceError::Parse {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    let mut nuclides = vec![];
    for (i, n) in raw.nuclide.into_iter().enumerate() {
        let c = Check {
            file,
            location: format!("nuclide[{i}]"),
        };
        for (k, d) in n.daughters.iter().enumerate() {
            c.range(
                &format!("daughters[{k}].branching"),
                d.branching,
                1e-12,
                1.0,
            )?;
            // A nuclide listed as its own daughter would grow itself in the inventory
            // (+69 % I-131 eight days after shutdown).
            if normalise(&d.name) == normalise(&n.name) {
                return Err(SubstanceError::Field {
                    file: file.to_string(),
                    location: c.location.clone(),
                    field: format!("daughters[{k}].name"),
                    value: d.name.clone(),
                    expected: format!("a nuclide other than {} itself", n.name),
                });
            }
        }
        let opt = |field: &str, v: Option<f64>| v.map(|v| c.range(field, v, 0.0, 1.0)).transpose();
        nuclides.push(Nuclide {
            name: c.text("name", &n.name)?,
            half_life_s: c.range("half_life_s", n.half_life_s, 1e-9, 1e30)?,
            daughters: n.daughters,
            deposition_class: n.deposition_class,
            inh_type: "user".to_string(),
            inh_effective_sv_per_bq: opt("inh_effective_sv_per_bq", n.inh_effective_sv_per_bq)?,
            inh_thyroid_sv_per_bq: opt("inh_thyroid_sv_per_bq", n.inh_thyroid_sv_per_bq)?,
            inh_thyroid_child_sv_per_bq: opt(
                "inh_thyroid_child_sv_per_bq",
                n.inh_thyroid_child_sv_per_bq,
            )?,
            inh_vapour_sv_per_bq: None,
            cloudshine_sv_m3_per_bq_s: c.range(
                "cloudshine_sv_m3_per_bq_s",
                n.cloudshine_sv_m3_per_bq_s,
                0.0,
                1.0,
            )?,
            groundshine_sv_m2_per_bq_s: c.range(
                "groundshine_sv_m2_per_bq_s",
                n.groundshine_sv_m2_per_bq_s,
                0.0,
                1.0,
            )?,
            source: c.text("source", &n.source)?,
            verified: if n.verified {
                NuclideQuantity::ALL.to_vec()
            } else {
                vec![]
            },
            verification: format!(
                "user file {file}: {}",
                if n.verified {
                    "marked verified by the user"
                } else {
                    "UNVERIFIED"
                }
            ),
        });
    }
    let mut chemicals = vec![];
    for (i, ch) in raw.chemical.into_iter().enumerate() {
        let c = Check {
            file,
            location: format!("chemical[{i}]"),
        };
        let source = c.text("source", &ch.source)?;
        let verification = format!(
            "user file {file}: {}",
            if ch.verified {
                "marked verified by the user"
            } else {
                "UNVERIFIED"
            }
        );
        let mut aegl: [[Option<Threshold>; 5]; 3] = Default::default();
        for (level, values) in [&ch.aegl1_mg_m3, &ch.aegl2_mg_m3, &ch.aegl3_mg_m3]
            .into_iter()
            .enumerate()
        {
            let Some(values) = values else { continue };
            let field = format!("aegl{}_mg_m3", level + 1);
            if values.len() != 5 {
                return Err(SubstanceError::Field {
                    file: file.to_string(),
                    location: c.location.clone(),
                    field,
                    value: format!("{values:?}"),
                    expected: "five values: 10 min, 30 min, 1 h, 4 h, 8 h".to_string(),
                });
            }
            for (k, &v) in values.iter().enumerate() {
                // A threshold of 0 would put every cell the gas reaches in the zone; a level
                // without a value is left out of the list instead.
                let mg = c.range(&format!("{field}[{k}]"), v, 1e-9, 1e9)?;
                aegl[level][k] = Some(Threshold {
                    value_kg_m3: mg * 1e-6,
                    source: source.clone(),
                    verification: verification.clone(),
                    verified: ch.verified,
                });
            }
        }
        chemicals.push(Chemical {
            name: c.text("name", &ch.name)?,
            aliases: vec![],
            cas: ch.cas,
            mw_g_per_mol: c.range("mw_g_per_mol", ch.mw_g_per_mol, 1.0, 1e4)?,
            toxic_load_n: c.range("toxic_load_n", ch.toxic_load_n, 0.1, 10.0)?,
            aegl,
            erpg: Default::default(),
            source,
            verification,
            properties_verified: ch.verified,
        });
    }
    let names = |kind: &str, list: Vec<&str>| -> Result<(), SubstanceError> {
        for (i, name) in list.iter().enumerate() {
            if let Some(j) = list[..i]
                .iter()
                .position(|o| normalise(o) == normalise(name))
            {
                return Err(SubstanceError::Field {
                    file: file.to_string(),
                    location: format!("{kind}[{i}]"),
                    field: "name".into(),
                    value: name.to_string(),
                    expected: format!(
                        "a name not already given to {kind}[{j}] (which would the run use?)"
                    ),
                });
            }
        }
        Ok(())
    };
    names(
        "nuclide",
        nuclides.iter().map(|n| n.name.as_str()).collect(),
    )?;
    names(
        "chemical",
        chemicals.iter().map(|c| c.name.as_str()).collect(),
    )?;
    decay_loops(file, &nuclides)?;
    Ok(UserSubstances {
        nuclides,
        chemicals,
    })
}

/// Refuses a decay chain among the file's nuclides that comes back to where it started
/// (A → B → A): the inventory would grow without end (found by the fuzz review; a nuclide
/// that is its own daughter was already refused).
fn decay_loops(file: &str, nuclides: &[Nuclide]) -> Result<(), SubstanceError> {
    let index = |name: &str| {
        nuclides
            .iter()
            .position(|n| normalise(&n.name) == normalise(name))
    };
    for (start, n) in nuclides.iter().enumerate() {
        // Depth-first from each nuclide along its daughters in this file.
        let mut stack: Vec<Vec<usize>> = vec![vec![start]];
        while let Some(path) = stack.pop() {
            let last = *path.last().expect("non-empty path");
            for d in &nuclides[last].daughters {
                let Some(k) = index(&d.name) else { continue };
                if k == start {
                    let chain: Vec<&str> = path
                        .iter()
                        .chain([&start])
                        .map(|&i| nuclides[i].name.as_str())
                        .collect();
                    return Err(SubstanceError::Field {
                        file: file.to_string(),
                        location: format!("nuclide[{start}]"),
                        field: "daughters".into(),
                        value: chain.join(" → "),
                        expected: format!("a decay chain that does not come back to {}", n.name),
                    });
                }
                if !path.contains(&k) {
                    let mut longer = path.clone();
                    longer.push(k);
                    stack.push(longer);
                }
            }
        }
    }
    Ok(())
}
