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

use std::cell::RefCell;

use serde::Deserialize;

use super::chemical::{Chemical, Threshold};
use super::names;
use super::nuclide::{Daughter, DepositionClass, Nuclide, NuclideQuantity};
use super::table::{normalise, SubstanceError};

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

/// Where a value sits in the file, and the list its problems go to.
struct Check<'a> {
    file: &'a str,
    location: String,
    problems: &'a RefCell<Vec<SubstanceError>>,
}

impl Check<'_> {
    fn problem(&self, field: &str, value: String, expected: String) {
        self.problems.borrow_mut().push(SubstanceError::Field {
            file: self.file.to_string(),
            location: self.location.clone(),
            field: field.to_string(),
            value,
            expected,
        });
    }

    /// `v` when it lies in [min, max]; else a problem, and `min` stands in for it so that the
    /// rest of the entry is still checked.
    fn range(&self, field: &str, v: f64, min: f64, max: f64) -> f64 {
        if v.is_finite() && v >= min && v <= max {
            v
        } else {
            self.problem(
                field,
                v.to_string(),
                format!("a number in [{min:e}, {max:e}]"),
            );
            min
        }
    }

    fn text(&self, field: &str, v: &str) -> String {
        if v.trim().is_empty() {
            self.problem(field, v.to_string(), "a non-empty value".to_string());
        }
        v.trim().to_string()
    }
}

/// Reads entry `i` of the array `kind` (`nuclide`, `chemical`) as a `T`; a value of the wrong
/// type, a missing or an unknown key becomes a problem naming the key. An unknown key (a typo)
/// is reported and the entry read again without it, so that it hides nothing else.
fn entry<T: serde::de::DeserializeOwned>(
    file: &str,
    kind: &str,
    i: usize,
    mut value: toml::Value,
    problems: &RefCell<Vec<SubstanceError>>,
) -> Option<T> {
    loop {
        let e = match serde_path_to_error::deserialize::<_, T>(value.clone()) {
            Ok(v) => return Some(v),
            Err(e) => e,
        };
        let field = e.path().to_string();
        let key = field.split(['.', '[']).next().unwrap_or("").to_string();
        let shown = match value.get(&key) {
            Some(toml::Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => "(missing)".to_string(),
        };
        let message = e
            .into_inner()
            .message()
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .replace('`', "");
        let unknown = message.starts_with("unknown field");
        // serde names a missing key only in its message ("missing field half_life_s").
        let field = match message.strip_prefix("missing field ") {
            Some(missing) => missing.trim().to_string(),
            None => field,
        };
        problems.borrow_mut().push(SubstanceError::Field {
            file: file.to_string(),
            location: format!("{kind}[{i}]"),
            field: if field == "." { "?".to_string() } else { field },
            value: shown,
            expected: format!("a valid entry ({message})"),
        });
        let removed = value.as_table_mut().and_then(|t| t.remove(&key)).is_some();
        if !(unknown && removed) {
            return None;
        }
    }
}

/// Parses a user substance file's text; `file` names it in errors. Every problem is reported
/// ([`SubstanceError::Several`] when there are more than one): a wrong type or an unknown key in
/// one entry does not hide the others, nor a value out of range the next one.
pub(crate) fn parse_user_file(file: &str, text: &str) -> Result<UserSubstances, SubstanceError> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| SubstanceError::Parse {
            file: file.to_string(),
            message: syntax_message(text, &e),
        })?;
    let problems = RefCell::new(vec![]);
    let top = Check {
        file,
        location: "(top level)".to_string(),
        problems: &problems,
    };
    for key in table
        .keys()
        .filter(|k| !["nuclide", "chemical"].contains(&k.as_str()))
    {
        top.problem(
            key,
            table[key].to_string(),
            "only [[nuclide]] and [[chemical]] tables".to_string(),
        );
    }
    let entries = |kind: &str| -> Vec<toml::Value> {
        match table.get(kind) {
            None => vec![],
            Some(toml::Value::Array(list)) => list.clone(),
            Some(other) => {
                top.problem(
                    kind,
                    other.to_string(),
                    format!("an array of tables, each written [[{kind}]]"),
                );
                vec![]
            }
        }
    };
    // A file that adds nothing is the wrong file, or one not yet written: said, rather than
    // running on the embedded library as if it had been read (found by review).
    let listed = |kind: &str| match table.get(kind) {
        Some(toml::Value::Array(list)) => list.len(),
        // Not a list: reported below.
        Some(_) => 1,
        None => 0,
    };
    let unknown_key = table
        .keys()
        .any(|k| !["nuclide", "chemical"].contains(&k.as_str()));
    if listed("nuclide") + listed("chemical") == 0 && !unknown_key {
        top.problem(
            "(file)",
            if text.trim().is_empty() {
                "(empty)".to_string()
            } else {
                "(no substances)".to_string()
            },
            "at least one [[nuclide]] or [[chemical]] table".to_string(),
        );
    }
    let mut nuclides = vec![];
    for (i, value) in entries("nuclide").into_iter().enumerate() {
        let Some(n) = entry::<UserNuclide>(file, "nuclide", i, value, &problems) else {
            continue;
        };
        let c = Check {
            file,
            location: format!("nuclide[{i}]"),
            problems: &problems,
        };
        for (k, d) in n.daughters.iter().enumerate() {
            c.range(
                &format!("daughters[{k}].branching"),
                d.branching,
                1e-12,
                1.0,
            );
            // A nuclide listed as its own daughter would grow itself in the inventory
            // (+69 % I-131 eight days after shutdown).
            if normalise(&d.name) == normalise(&n.name) {
                c.problem(
                    &format!("daughters[{k}].name"),
                    d.name.clone(),
                    format!("a nuclide other than {} itself", n.name),
                );
            }
        }
        // Branchings are the shares of the decays that make each daughter: they add up to at
        // most one (a sum of 2.5 would make 2.5 daughters a decay).
        let branching: f64 = n.daughters.iter().map(|d| d.branching).sum();
        if branching > 1.0 + 1e-9 {
            c.problem(
                "daughters",
                format!("branchings adding up to {branching}"),
                "branchings that add up to at most 1 (the share of decays making each daughter)"
                    .to_string(),
            );
        }
        let opt = |field: &str, v: Option<f64>| v.map(|v| c.range(field, v, 0.0, 1.0));
        nuclides.push(Nuclide {
            name: c.text("name", &n.name),
            half_life_s: c.range("half_life_s", n.half_life_s, 1e-9, 1e30),
            daughters: n.daughters,
            deposition_class: n.deposition_class,
            inh_type: "user".to_string(),
            inh_effective_sv_per_bq: opt("inh_effective_sv_per_bq", n.inh_effective_sv_per_bq),
            inh_thyroid_sv_per_bq: opt("inh_thyroid_sv_per_bq", n.inh_thyroid_sv_per_bq),
            inh_thyroid_child_sv_per_bq: opt(
                "inh_thyroid_child_sv_per_bq",
                n.inh_thyroid_child_sv_per_bq,
            ),
            inh_vapour_sv_per_bq: None,
            cloudshine_sv_m3_per_bq_s: c.range(
                "cloudshine_sv_m3_per_bq_s",
                n.cloudshine_sv_m3_per_bq_s,
                0.0,
                1.0,
            ),
            groundshine_sv_m2_per_bq_s: c.range(
                "groundshine_sv_m2_per_bq_s",
                n.groundshine_sv_m2_per_bq_s,
                0.0,
                1.0,
            ),
            source: c.text("source", &n.source),
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
    for (i, value) in entries("chemical").into_iter().enumerate() {
        let Some(ch) = entry::<UserChemical>(file, "chemical", i, value, &problems) else {
            continue;
        };
        let c = Check {
            file,
            location: format!("chemical[{i}]"),
            problems: &problems,
        };
        let source = c.text("source", &ch.source);
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
                c.problem(
                    &field,
                    format!("{values:?}"),
                    "five values: 10 min, 30 min, 1 h, 4 h, 8 h".to_string(),
                );
                continue;
            }
            for (k, &v) in values.iter().enumerate() {
                // A threshold of 0 would put every cell the gas reaches in the zone; a level
                // without a value is left out of the list instead.
                let mg = c.range(&format!("{field}[{k}]"), v, 1e-9, 1e9);
                aegl[level][k] = Some(Threshold {
                    value_kg_m3: mg * 1e-6,
                    source: source.clone(),
                    verification: verification.clone(),
                    verified: ch.verified,
                });
            }
        }
        // A more severe effect has the higher threshold: AEGL-1 ≤ AEGL-2 ≤ AEGL-3 at each
        // duration (found by review: an AEGL-3 zone wider than the AEGL-1 one ran).
        const DURATIONS: [&str; 5] = ["10 min", "30 min", "1 h", "4 h", "8 h"];
        for (k, duration) in DURATIONS.iter().enumerate() {
            let given: Vec<(usize, f64)> = [&ch.aegl1_mg_m3, &ch.aegl2_mg_m3, &ch.aegl3_mg_m3]
                .iter()
                .enumerate()
                .filter_map(|(level, v)| {
                    Some((level, *v.as_ref().filter(|v| v.len() == 5)?.get(k)?))
                })
                .collect();
            for pair in given.windows(2) {
                let ((lower, below), (level, value)) = (pair[0], pair[1]);
                if value < below {
                    c.problem(
                        &format!("aegl{}_mg_m3[{k}]", level + 1),
                        format!("{value}"),
                        format!(
                            "at least aegl{}_mg_m3[{k}] = {below} (the {} threshold of a more \
                             severe effect is the higher)",
                            lower + 1,
                            duration
                        ),
                    );
                }
            }
        }
        let name = c.text("name", &ch.name);
        chemicals.push(Chemical {
            // A name written as a formula ("CO", "CoCl2") keeps its case, as the library's do.
            formulas: names::is_formula(&name)
                .then(|| name.clone())
                .into_iter()
                .collect(),
            name,
            aliases: vec![],
            cas: ch.cas,
            mw_g_per_mol: c.range("mw_g_per_mol", ch.mw_g_per_mol, 1.0, 1e4),
            toxic_load_n: c.range("toxic_load_n", ch.toxic_load_n, 0.1, 10.0),
            aegl,
            erpg: Default::default(),
            source,
            verification,
            properties_verified: ch.verified,
        });
    }
    let names = |kind: &str, list: Vec<&str>| {
        for (i, name) in list.iter().enumerate() {
            if let Some(j) = list[..i]
                .iter()
                .position(|o| normalise(o) == normalise(name))
            {
                problems.borrow_mut().push(SubstanceError::Field {
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
    };
    names(
        "nuclide",
        nuclides.iter().map(|n| n.name.as_str()).collect(),
    );
    names(
        "chemical",
        chemicals.iter().map(|c| c.name.as_str()).collect(),
    );
    if let Err(e) = decay_loops(file, &nuclides) {
        problems.borrow_mut().push(e);
    }
    let mut problems = problems.into_inner();
    match problems.len() {
        0 => Ok(UserSubstances {
            nuclides,
            chemicals,
        }),
        1 => Err(problems.remove(0)),
        _ => Err(SubstanceError::Several(problems)),
    }
}

/// A TOML syntax error as "line L, column C (`the line`): what is wrong".
fn syntax_message(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim();
    let Some(span) = e.span() else {
        return message.to_string();
    };
    let start = span.start.min(text.len());
    let line = text[..start].matches('\n').count() + 1;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..start].chars().count() + 1;
    let line_text = text[line_start..].lines().next().unwrap_or("").trim();
    format!("line {line}, column {column} ({line_text:?}): {message}")
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
