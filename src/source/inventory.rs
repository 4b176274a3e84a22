//! Source terms: what a release puts into the air, per species, as a rate.
//!
//! Three forms: a nuclide mixture given directly in Bq/s; a reactor inventory × release
//! fractions, decayed **from shutdown** to the release (not from the release start, a trap of
//! codes that decay from release), with daughter ingrowth in the core by the Bateman equations
//! (a library daughter the inventory leaves out starts at shutdown at the rate its parents decay
//! into it, [`unlisted_daughters`]),
//! its iodine split into aerosol, I₂ and CH₃I species ([`crate::substance::iodine`]); and a
//! chemical mass rate.
//!
//! ## References
//! - Soffer, L. et al. (1995) *Accident Source Terms for Light-Water Nuclear Power Plants*,
//!   NUREG-1465, US NRC, Table 3.13 (PWR release fractions into containment by element group).
//! - Bateman, H. (1910), see [`crate::substance::bateman`].

use serde::Serialize;

pub use super::inventory_table::{
    inventory_at_shutdown_bq, inventory_problems, inventory_release_rates, InventorySection,
};

use crate::substance::bateman::{
    daughter_activity, daughter_activity_integral, parent_activity, parent_activity_integral,
};
use crate::substance::iodine::{IodineForm, IodineForms};
use crate::substance::{normalise, AmountUnit, Library, SubstanceError};

/// Why a source term could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SourceTermError {
    #[error("{field} = {value:?}: expected {expected}")]
    Invalid {
        field: String,
        value: String,
        expected: String,
    },
    #[error(transparent)]
    Table(#[from] SubstanceError),
}

/// A release phase of NUREG-1465 (Table 3.13 columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleasePhase {
    GapRelease,
    EarlyInVessel,
    ExVessel,
    LateInVessel,
}

impl ReleasePhase {
    pub(super) fn column(self) -> &'static str {
        match self {
            Self::GapRelease => "gap_release",
            Self::EarlyInVessel => "early_in_vessel",
            Self::ExVessel => "ex_vessel",
            Self::LateInVessel => "late_in_vessel",
        }
    }
}

/// How a release is specified.
#[derive(Debug, Clone, PartialEq)]
pub enum ReleaseTerm {
    /// Activity rates per nuclide (Bq/s), constant over the release.
    NuclideMixture { rates_bq_s: Vec<(String, f64)> },
    /// A core inventory at shutdown (Bq per nuclide; library daughters it leaves out are added,
    /// [`unlisted_daughters`]), the release phases whose NUREG-1465 fractions apply, the time
    /// from shutdown to the start of the release, the release duration over which the released
    /// fraction is spread evenly, and the shares of released iodine in each chemical form.
    ReactorInventory {
        inventory_bq: Vec<(String, f64)>,
        phases: Vec<ReleasePhase>,
        time_since_shutdown_s: f64,
        release_duration_s: f64,
        iodine_forms: IodineForms,
    },
    /// A chemical released at a constant mass rate.
    ChemicalMassRate { chemical: String, rate_kg_s: f64 },
}

/// A species' mean release rate over the release.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeciesRate {
    /// Library name of the nuclide or chemical.
    pub name: String,
    pub unit: AmountUnit,
    /// Mean rate over the release (Bq/s or kg/s).
    pub rate_per_s: f64,
}

const SOURCE_TERM_CSV: &str = include_str!("../substance/data/rad_source_term.csv");
const INVENTORY_CSV: &str = include_str!("../substance/data/candu6_inventory_estimate.csv");

/// The CANDU-6 saturation inventory estimate embedded from
/// `substance/data/candu6_inventory_estimate.csv` (an order-of-magnitude estimate, ±30–50 %,
/// not a published inventory; see the file's `status` column).
pub fn candu6_inventory_estimate_bq() -> Result<Vec<(String, f64)>, SourceTermError> {
    let mut rdr = csv::Reader::from_reader(INVENTORY_CSV.as_bytes());
    let mut out = vec![];
    for r in rdr.records() {
        let r = r.map_err(|e| SubstanceError::Parse {
            file: "candu6_inventory_estimate.csv".into(),
            message: e.to_string(),
        })?;
        let a: f64 = r[2].parse().map_err(|_| SourceTermError::Invalid {
            field: "candu6_inventory_estimate.csv: saturation_activity_Bq".into(),
            value: r[2].to_string(),
            expected: "a number".into(),
        })?;
        out.push((r[0].to_string(), a));
    }
    Ok(out)
}

/// The NUREG-1465 fraction of the core inventory of `element` released in `phases` (summed).
pub fn release_fraction(element: &str, phases: &[ReleasePhase]) -> Result<f64, SourceTermError> {
    let mut rdr = csv::Reader::from_reader(SOURCE_TERM_CSV.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| SubstanceError::Parse {
            file: "rad_source_term.csv".into(),
            message: e.to_string(),
        })?
        .clone();
    let col = |n: &str| headers.iter().position(|h| h == n);
    let (Some(c_table), Some(c_elem)) = (col("table"), col("elements")) else {
        return Err(SubstanceError::MissingColumn {
            file: "rad_source_term.csv".into(),
            column: "table/elements".into(),
        }
        .into());
    };
    for r in rdr.records().flatten() {
        if !r[c_table].contains("core-inventory fraction") {
            continue;
        }
        if r[c_elem].split(',').any(|e| e.trim() == element) {
            let mut f = 0.0;
            for p in phases {
                let c = col(p.column()).ok_or_else(|| SubstanceError::MissingColumn {
                    file: "rad_source_term.csv".into(),
                    column: p.column().into(),
                })?;
                f += r[c].parse::<f64>().unwrap_or(0.0);
            }
            return Ok(f);
        }
    }
    Err(SourceTermError::Invalid {
        field: "nuclide element".into(),
        value: element.into(),
        expected: "an element of a NUREG-1465 group (Xe, Kr, I, Br, Cs, Rb, Te, Sb, Se, Ba, Sr, \
                   Ru, Rh, Pd, Mo, Tc, Co, La, Zr, Nd, Eu, Nb, Pm, Pr, Sm, Y, Cm, Am, Ce, Pu, Np)"
            .into(),
    })
}

pub(super) fn positive(field: &str, v: f64, allow_zero: bool) -> Result<f64, SourceTermError> {
    if v.is_finite() && (v > 0.0 || (allow_zero && v == 0.0)) {
        Ok(v)
    } else {
        // As an activity is written: -2.78e18, not nineteen digits.
        let value = if v.is_finite() && v != 0.0 && !(1e-3..1e6).contains(&v.abs()) {
            format!("{v:e}")
        } else {
            v.to_string()
        };
        Err(SourceTermError::Invalid {
            field: field.into(),
            value,
            expected: if allow_zero {
                "a finite number ≥ 0"
            } else {
                "a finite number > 0"
            }
            .into(),
        })
    }
}

/// The error for a nuclide name the library does not hold, listing those it does.
pub(super) fn unknown_nuclide(library: &Library, field: String, name: &str) -> SourceTermError {
    SourceTermError::Invalid {
        field,
        value: name.into(),
        expected: format!(
            "a nuclide of the library ({})",
            library
                .nuclides
                .iter()
                .map(|n| n.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Turns a release term into mean release rates per species.
pub fn release_rates(
    term: &ReleaseTerm,
    library: &Library,
) -> Result<Vec<SpeciesRate>, SourceTermError> {
    let unknown = |field: String, name: &str| unknown_nuclide(library, field, name);
    match term {
        ReleaseTerm::NuclideMixture { rates_bq_s } => rates_bq_s
            .iter()
            .enumerate()
            .map(|(i, (name, rate))| {
                let n = library
                    .nuclide(name)
                    .ok_or_else(|| unknown(format!("release[{i}].nuclide"), name))?;
                Ok(SpeciesRate {
                    name: n.name.clone(),
                    unit: AmountUnit::Becquerel,
                    rate_per_s: positive(&format!("release[{i}].rate_bq_s"), *rate, true)?,
                })
            })
            .collect(),
        ReleaseTerm::ChemicalMassRate {
            chemical,
            rate_kg_s,
        } => {
            let c = library
                .chemical(chemical)
                .ok_or_else(|| SourceTermError::Invalid {
                    field: "substance".into(),
                    value: chemical.clone(),
                    expected: format!(
                        "a chemical of the library ({})",
                        library
                            .chemicals
                            .iter()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                })?;
            Ok(vec![SpeciesRate {
                name: c.name.clone(),
                unit: AmountUnit::Kilogram,
                rate_per_s: positive("rate_kg_s", *rate_kg_s, true)?,
            }])
        }
        ReleaseTerm::ReactorInventory {
            inventory_bq,
            phases,
            time_since_shutdown_s,
            release_duration_s,
            iodine_forms,
        } => {
            if let Some((field, value, expected)) = iodine_forms.mistake() {
                return Err(SourceTermError::Invalid {
                    field: format!("iodine_forms.{field}"),
                    value,
                    expected,
                });
            }
            let iodine_forms = iodine_forms.normalised();
            let t_sd = positive("time_since_shutdown_s", *time_since_shutdown_s, true)?;
            let dur = positive("release_duration_s", *release_duration_s, false)?;
            let mut nuclides = vec![];
            for (i, (name, a)) in inventory_bq.iter().enumerate() {
                let n = library
                    .nuclide(name)
                    .ok_or_else(|| unknown(format!("inventory[{i}].nuclide"), name))?;
                nuclides.push((
                    n,
                    positive(&format!("inventory[{i}].activity_bq"), *a, true)?,
                ));
            }
            for (name, a0) in unlisted_daughters(inventory_bq, library) {
                let n = library.nuclide(&name).expect("a library daughter");
                nuclides.push((n, a0));
            }
            let mut out = vec![];
            for &(n, a0) in &nuclides {
                let ln = n.decay_constant_per_s();
                // Activity of n at the release start and its integral over the release, decayed
                // from shutdown, plus ingrowth from every inventory parent that feeds it.
                let mut a_start = parent_activity(a0, ln, t_sd);
                let mut parents = vec![];
                for &(p, ap0) in &nuclides {
                    if let Some(d) = p
                        .daughters
                        .iter()
                        .find(|d| normalise(&d.name) == normalise(&n.name))
                    {
                        let lp = p.decay_constant_per_s();
                        a_start += daughter_activity(ap0, 0.0, lp, ln, d.branching, t_sd);
                        parents.push((parent_activity(ap0, lp, t_sd), lp, d.branching));
                    }
                }
                let own = parent_activity_integral(a_start, ln, dur);
                let grown: f64 = parents
                    .iter()
                    .map(|&(ap, lp, b)| daughter_activity_integral(ap, 0.0, lp, ln, b, dur))
                    .sum();
                let element = n.name.split('-').next().unwrap_or(&n.name);
                let f = release_fraction(element, phases)?;
                let rate = f * (own + grown) / dur / dur;
                if element == "I" {
                    out.extend(split_iodine(&n.name, rate, &iodine_forms, library));
                } else {
                    out.push(SpeciesRate {
                        name: n.name.clone(),
                        unit: AmountUnit::Becquerel,
                        rate_per_s: rate,
                    });
                }
            }
            Ok(out)
        }
    }
}

/// The library daughters of an inventory's nuclides that it does not list, each with its
/// activity at shutdown: b·A_p of its parent, the largest where several are listed.
///
/// A core at saturation makes each daughter as fast as its parent decays into it and holds
/// it at that production rate, b·A_p; its own fission yield would add to it (the embedded
/// CANDU-6 estimate, A = Y_cum × fission rate, makes the same assumption), and burn-out by
/// neutron capture at power takes from it: Xe-135 keeps λ/(λ + σ_a φ) of it, a fifth or less
/// at a power reactor's 3·10¹³ n cm⁻² s⁻¹ and more, so it is overstated in the first hours
/// after shutdown. The largest parent's share is taken, not the sum: the library folds a
/// short-lived intermediate into its parent's branch (I-135 → Xe-135 holds the path through
/// Xe-135m), which a sum over I-135 and Xe-135m would count twice; a true second route (Xe-133
/// of Xe-133m beside I-133's) is then missed, 3 % at most here. Daughters the dose carries in
/// equilibrium with their parent (Ba-137m of Cs-137,
/// [`crate::exposure::dose::equilibrium_ratio`]) are not added, nor are those whose element has
/// no NUREG-1465 release fraction. One generation: a daughter's own daughters are not added.
pub fn unlisted_daughters(inventory_bq: &[(String, f64)], library: &Library) -> Vec<(String, f64)> {
    let listed: Vec<&str> = inventory_bq
        .iter()
        .filter_map(|(name, _)| library.nuclide(name).map(|n| n.name.as_str()))
        .collect();
    let mut out: Vec<(String, f64)> = vec![];
    for (name, a) in inventory_bq {
        let Some(p) = library.nuclide(name) else {
            continue;
        };
        for d in &p.daughters {
            let Some(dn) = library.nuclide(&d.name) else {
                continue;
            };
            let (lp, ld) = (p.decay_constant_per_s(), dn.decay_constant_per_s());
            let element = dn.name.split('-').next().unwrap_or(&dn.name);
            if listed.contains(&dn.name.as_str())
                || crate::exposure::dose::equilibrium_ratio(lp, ld, d.branching).is_some()
                || release_fraction(element, &[ReleasePhase::GapRelease]).is_err()
            {
                continue;
            }
            match out.iter_mut().find(|(n, _)| *n == dn.name) {
                Some((_, a0)) => *a0 = a0.max(d.branching * a),
                None => out.push((dn.name.clone(), d.branching * a)),
            }
        }
    }
    out
}

/// The rates of each chemical form of an iodine released at `rate_bq_s`: the particulate row
/// (`I-131`) first, then the vapour forms, each where its share is above zero. A form the library
/// has no row for (a user's own iodine nuclide) stays with the particulate row
/// ([`iodine_without_forms`] says which).
fn split_iodine(
    nuclide: &str,
    rate_bq_s: f64,
    forms: &IodineForms,
    library: &Library,
) -> Vec<SpeciesRate> {
    let mut particulate = rate_bq_s * forms.particulate;
    let mut vapours = vec![];
    for form in [IodineForm::Elemental, IodineForm::Organic] {
        let share = forms.share(form);
        if share == 0.0 {
            continue;
        }
        match library.nuclide(&form.species_name(nuclide)) {
            Some(row) => vapours.push(SpeciesRate {
                name: row.name.clone(),
                unit: AmountUnit::Becquerel,
                rate_per_s: rate_bq_s * share,
            }),
            None => particulate += rate_bq_s * share,
        }
    }
    let mut out = vec![];
    // The aerosol row stays where nothing is released at all (an inventory decayed away): its
    // forms are then listed at zero beside it, not alone (found by review).
    if particulate > 0.0 || vapours.is_empty() || rate_bq_s == 0.0 {
        out.push(SpeciesRate {
            name: nuclide.to_string(),
            unit: AmountUnit::Becquerel,
            rate_per_s: particulate,
        });
    }
    out.extend(vapours);
    out
}

/// The iodines among `rates` whose library rows lack a vapour form that `forms` gives a share
/// (a substance file's own iodine): their whole release goes as aerosol.
pub fn iodine_without_forms(
    rates: &[SpeciesRate],
    forms: &IodineForms,
    library: &Library,
) -> Vec<String> {
    rates
        .iter()
        .filter(|r| r.name.split('-').next() == Some("I") && IodineForm::of_row(&r.name).is_none())
        .filter(|r| {
            [IodineForm::Elemental, IodineForm::Organic]
                .iter()
                .any(|&f| {
                    forms.share(f) > 0.0 && library.nuclide(&f.species_name(&r.name)).is_none()
                })
        })
        .map(|r| r.name.clone())
        .collect()
}
