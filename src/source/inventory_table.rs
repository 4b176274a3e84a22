//! A `[[source]]`'s `inventory = { … }` table: the reactor core it names (the built-in CANDU-6
//! estimate, or its own activities at shutdown), its release phases and shutdown time, every
//! mistake in it named at once, and the release rates it gives
//! ([`super::inventory::release_rates`]).

use super::inventory::{
    candu6_inventory_estimate_bq, positive, release_fraction, release_rates, unknown_nuclide,
    ReleasePhase, ReleaseTerm, SourceTermError, SpeciesRate,
};
use crate::substance::iodine::{IodineForm, IodineForms};
use crate::substance::Library;

/// A `[[source]]`'s `inventory = { … }` table as written: a reactor inventory released with
/// NUREG-1465 fractions over the source's duration, decayed from shutdown.
///
/// ```toml
/// inventory = { reactor = "candu6_estimate", phases = ["gap_release", "early_in_vessel"], time_since_shutdown_s = 86400 }
/// # or an explicit inventory at shutdown (Bq):
/// inventory = { activities_bq = { "I-131" = 1.9e18, "Cs-137" = 1.0e17 }, phases = ["gap_release"], time_since_shutdown_s = 3600 }
/// # the released iodine's chemical forms (Regulatory Guide 1.183's shares when not given):
/// inventory = { reactor = "candu6_estimate", phases = ["gap_release"], time_since_shutdown_s = 3600,
///               iodine_forms = { particulate = 0.95, elemental = 0.0485, organic = 0.0015 } }
/// ```
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventorySection {
    /// A built-in inventory: `"candu6_estimate"`.
    pub reactor: Option<String>,
    /// Activity of each nuclide at shutdown (Bq).
    pub activities_bq: Option<std::collections::BTreeMap<String, f64>>,
    pub phases: Vec<ReleasePhase>,
    pub time_since_shutdown_s: f64,
    /// Shares of the released iodine as aerosol, I₂ and CH₃I; Regulatory Guide 1.183's 95 %,
    /// 4.85 % and 0.15 % when not given.
    #[serde(default)]
    pub iodine_forms: Option<IodineForms>,
}

/// The nuclide release rates (Bq/s) of an `inventory` table released over `release_duration_s`;
/// errors name the field within the table (`reactor`, `activities_bq.I-131`, …), the first
/// of [`inventory_problems`] where the table has any.
pub fn inventory_release_rates(
    section: &InventorySection,
    release_duration_s: f64,
    library: &Library,
) -> Result<Vec<SpeciesRate>, SourceTermError> {
    if let Some(first) = inventory_problems(section, library).into_iter().next() {
        return Err(first);
    }
    // Without problems the activities are there (an `Err` holds at least one problem).
    let inventory_bq = inventory_at_shutdown_bq(section, library).map_err(|mut e| e.remove(0))?;
    release_rates(
        &ReleaseTerm::ReactorInventory {
            inventory_bq,
            phases: section.phases.clone(),
            time_since_shutdown_s: section.time_since_shutdown_s,
            release_duration_s,
            iodine_forms: section
                .iodine_forms
                .unwrap_or_else(IodineForms::regulatory_guide_1_183),
        },
        library,
    )
}

/// Every mistake in an `inventory` table, in the order of its fields (each error names its
/// field within the table), so that one `plume check` lists them all; empty when the table can
/// be released (its duration is the source's, checked by the caller).
pub fn inventory_problems(section: &InventorySection, library: &Library) -> Vec<SourceTermError> {
    let mut problems = inventory_at_shutdown_bq(section, library)
        .err()
        .unwrap_or_default();
    if section.phases.is_empty() {
        problems.push(SourceTermError::Invalid {
            field: "phases".into(),
            value: "[]".into(),
            expected: "at least one of gap_release, early_in_vessel, ex_vessel, late_in_vessel"
                .into(),
        });
    }
    // Each phase releases its fraction once: a repeated phase would release more than the core.
    for (k, p) in section.phases.iter().enumerate() {
        if section.phases[..k].contains(p) {
            problems.push(SourceTermError::Invalid {
                field: format!("phases[{k}]"),
                value: p.column().into(),
                expected: "each release phase once (their fractions add up)".into(),
            });
        }
    }
    if let Err(e) = positive("time_since_shutdown_s", section.time_since_shutdown_s, true) {
        problems.push(e);
    }
    if let Some((field, value, expected)) = section.iodine_forms.and_then(|f| f.mistake()) {
        problems.push(SourceTermError::Invalid {
            field: format!("iodine_forms.{field}"),
            value,
            expected,
        });
    }
    problems
}

/// The activities at shutdown (Bq) an `inventory` table gives: the built-in reactor's, or
/// its `activities_bq`, each checked; the errors name the field within the table, every
/// mistaken nuclide of `activities_bq` in turn.
pub fn inventory_at_shutdown_bq(
    section: &InventorySection,
    library: &Library,
) -> Result<Vec<(String, f64)>, Vec<SourceTermError>> {
    let invalid = |field: String, value: String, expected: String| SourceTermError::Invalid {
        field,
        value,
        expected,
    };
    match (&section.reactor, &section.activities_bq) {
        (Some(r), None) if r == "candu6_estimate" => {
            candu6_inventory_estimate_bq().map_err(|e| vec![e])
        }
        (Some(r), None) => Err(vec![invalid(
            "reactor".into(),
            r.clone(),
            "\"candu6_estimate\" (or give activities_bq)".into(),
        )]),
        (None, Some(a)) if a.is_empty() => Err(vec![invalid(
            "activities_bq".into(),
            "{}".into(),
            "at least one nuclide and its activity at shutdown (Bq)".into(),
        )]),
        (None, Some(a)) => {
            // The library name each key resolved to: "i131" after "I-131" would release the
            // nuclide twice.
            let mut named: Vec<(&str, &str)> = vec![];
            let mut problems = vec![];
            for (k, &v) in a {
                let field = format!("activities_bq.{k}");
                let Some(n) = library.nuclide(k) else {
                    problems.push(unknown_nuclide(library, field, k));
                    continue;
                };
                if let Some((earlier, _)) = named.iter().find(|(_, name)| *name == n.name) {
                    problems.push(invalid(
                        field,
                        k.clone(),
                        format!(
                            "each nuclide once: {k:?} is {}, already given as {earlier:?}",
                            n.name
                        ),
                    ));
                    continue;
                }
                named.push((k, &n.name));
                if let Err(e) = positive(&field, v, true) {
                    problems.push(e);
                }
                // A core holds nuclides; their chemical form is set on release (iodine_forms).
                // Named, not classed: a user's I-129 may deposit as elemental iodine.
                if IodineForm::of_row(&n.name).is_some() {
                    problems.push(invalid(
                        field,
                        k.clone(),
                        "a nuclide of the core (\"I-131\"), not a chemical form: the released \
                         iodine is split into its forms by iodine_forms"
                            .into(),
                    ));
                    continue;
                }
                // Only elements of a NUREG-1465 group have a release fraction.
                let element = n.name.split('-').next().unwrap_or(&n.name);
                if let Err(SourceTermError::Invalid { expected, .. }) =
                    release_fraction(element, &[ReleasePhase::GapRelease])
                {
                    problems.push(invalid(
                        field,
                        k.clone(),
                        format!(
                            "a nuclide whose element has NUREG-1465 release fractions: {expected} \
                             (release it with its own rate_bq_s instead)"
                        ),
                    ));
                }
            }
            if problems.is_empty() {
                Ok(a.iter().map(|(k, v)| (k.clone(), *v)).collect())
            } else {
                Err(problems)
            }
        }
        (reactor, _) => Err(vec![invalid(
            "reactor".into(),
            // What was written: both keys, or neither.
            reactor.as_ref().map_or_else(
                || "(neither reactor nor activities_bq given)".into(),
                |r| format!("{r:?} (with activities_bq as well)"),
            ),
            "exactly one of reactor = \"candu6_estimate\" or activities_bq = { … }".into(),
        )]),
    }
}
