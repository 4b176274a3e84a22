//! Validation of `[[source]]` tables and their releases.

use super::aerosol::{aerosol, no_gas_on_particles};
use super::daughters::fold_equilibrium_daughters;
use super::inventory::{inventory_releases, MAX_RATE_BQ_S, MAX_RELEASE_DURATION_S};
use super::*;
use crate::substance::{ChemicalName, Library};

/// What a source is checked against: the run's duration and the domain, where valid.
#[derive(Debug, Clone, Copy)]
pub(super) struct Site {
    pub duration_s: Option<f64>,
    pub centre: Option<LatLon>,
    pub extent_m: Option<[f64; 2]>,
}

/// Validates one `[[source]]`; `library` (the embedded one plus any `substance_file`) names the
/// chemicals its releases may refer to.
pub(super) fn source(
    raw: SourceSection,
    i: usize,
    site: Site,
    library: &Library,
    species: &mut Vec<Species>,
    p: &mut Problems,
) -> Option<Source> {
    let Site {
        duration_s,
        centre,
        extent_m,
    } = site;
    let at = |k: &str| format!("source[{i}].{k}");
    let n0 = p.count();
    // A blank name is no name (found by review: `name = "  "` printed an empty label on the
    // map and in alerts).
    let name = raw
        .name
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("source {}", i + 1));
    let location = match raw.location {
        None => {
            p.missing(at("location"), "{ lat = …, lon = … } in decimal degrees");
            None
        }
        Some(l) => location::position(&at("location"), l, p),
    };
    if let (Some(l), Some(c), Some(e)) = (location, centre, extent_m) {
        location::inside_domain(&at("location"), l, c, e, p);
    }
    let height_m = p.opt(
        &at("height_m"),
        raw.height_m,
        0.0,
        Bounds::new(0.0, true, 2000.0, true, "m"),
    );
    let d = duration_s.unwrap_or(f64::INFINITY);
    let timing_problems = p.count();
    let start_s = p.opt(
        &at("start_s"),
        raw.start_s,
        0.0,
        Bounds::new(0.0, true, d, false, "s (before the scenario ends)"),
    );
    let rel_duration_s = p.opt(
        &at("duration_s"),
        raw.duration_s,
        (d - start_s).max(0.0),
        // A release of zero length releases nothing (rate × duration_s, or an inventory spread
        // evenly over it); a rupture is a few seconds.
        Bounds::new(
            0.0,
            false,
            MAX_RELEASE_DURATION_S,
            true,
            "s (rate × duration_s is released, an inventory evenly over it; a rupture takes a few seconds)",
        ),
    );
    // The release's duration is known only when the scenario's and the source's timing are valid;
    // otherwise an inventory spread over it would repeat their problem under another key.
    let timing_known = duration_s.is_some() && p.count() == timing_problems;
    let stack = match (
        raw.stack_diameter_m,
        raw.exit_velocity_m_s,
        raw.exit_temperature_k,
    ) {
        (None, None, None) => None,
        (Some(dm), Some(v), Some(t)) => {
            p.range(
                &at("stack_diameter_m"),
                dm,
                Bounds::new(0.0, false, 100.0, true, "m"),
            );
            p.range(
                &at("exit_velocity_m_s"),
                v,
                Bounds::new(0.0, true, 200.0, true, "m/s"),
            );
            p.range(
                &at("exit_temperature_k"),
                t,
                Bounds::new(150.0, true, 2000.0, true, "K"),
            );
            Some(Stack {
                diameter_m: dm,
                exit_velocity_m_s: v,
                exit_temperature_k: t,
            })
        }
        _ => {
            p.push(at("stack_diameter_m"), "(partly given)", "all three of stack_diameter_m, exit_velocity_m_s, exit_temperature_k, or none (no plume rise)");
            None
        }
    };
    // The vapour's own temperature: one value, so a stack's exit temperature is the release's.
    let release_temperature_k = raw.release_temperature_k.filter(|&t| {
        p.range(
            &at("release_temperature_k"),
            t,
            // No gas heavier than air has a vapour below ~77 K (nitrogen boils at 77 K, LNG at
            // 112 K), so a value under 60 K is a temperature in °C or °F.
            Bounds::new(60.0, true, 2000.0, true, "K (kelvin: 25 °C is 298.15 K)"),
        );
        if let Some(s) = stack.filter(|s| s.exit_temperature_k != t) {
            p.push(
                at("release_temperature_k"),
                fmt_num(t),
                format!(
                    "the stack's exit_temperature_k ({} K), or no release_temperature_k: a stack's release leaves at its exit temperature",
                    s.exit_temperature_k
                ),
            );
        }
        true
    });
    let aerosol = aerosol(raw.particle_diameter_m, raw.particle_density_kg_m3, &at, p);
    let mut releases = vec![];
    let reactor = raw.inventory.is_some();
    // An `inventory` table becomes nuclide releases (crate::source::inventory).
    let mut release_items = raw.release;
    // Releases after the file's own come from the inventory and are named by nuclide.
    let written = release_items.as_ref().map_or(0, Vec::len);
    if let Some(inv) = raw.inventory.as_ref().filter(|_| timing_known) {
        let written_duration = raw.duration_s.is_some();
        let own = release_items.as_deref().unwrap_or(&[]);
        let items = inventory_releases(inv, own, rel_duration_s, written_duration, library, &at, p);
        if let Some(items) = items {
            release_items.get_or_insert_with(Vec::new).extend(items);
        }
    }
    match release_items {
        None if raw.inventory.is_some() => {}
        // An inventory table that could not be read is reported already.
        None if p.is_unread(&at("inventory")) => {}
        None => p.missing(
            at("release"),
            "a list of { substance = …, rate_kg_s = … } or { nuclide = …, rate_bq_s = … }",
        ),
        Some(items) if items.is_empty() => p.push(
            at("release"),
            "[]",
            "at least one released substance or nuclide",
        ),
        Some(items) => {
            let named = items
                .into_iter()
                .enumerate()
                .map(|(j, item)| {
                    let path = match &item.nuclide {
                        Some(n) if j >= written => format!("source[{i}].inventory.{n}"),
                        _ => format!("source[{i}].release[{j}]"),
                    };
                    (path, item)
                })
                .collect();
            for (path, item) in fold_equilibrium_daughters(named, library, p) {
                if let Some(r) = release(item, &path, library, species, p) {
                    releases.push(r);
                }
            }
        }
    }
    if raw.particle_diameter_m.is_some() || raw.particle_density_kg_m3.is_some() {
        let given = raw.particle_diameter_m.map_or("(missing)".into(), fmt_num);
        no_gas_on_particles(
            &releases,
            species,
            library,
            (&at("particle_diameter_m"), &given),
            reactor,
            p,
        );
    }
    if let Some(a) = aerosol {
        // v_d = v_s + 1/(r_a + r_b): the velocity a release gives, or its class's, is the
        // surface's uptake apart from settling (the resistance sum without its small
        // r_a·r_b·v_s term; Seinfeld & Pandis 2006 eq. 19.7).
        let v_s = a.settling_velocity_m_s();
        for r in &mut releases {
            r.deposition.dry_velocity_m_s += v_s;
        }
    }
    (p.count() == n0).then(|| Source {
        name,
        location: location.expect("checked"),
        height_m,
        start_s,
        duration_s: rel_duration_s,
        releases,
        stack,
        release_temperature_k,
        reactor,
        aerosol,
    })
}

fn release(
    item: ReleaseItem,
    path: &str,
    library: &Library,
    species: &mut Vec<Species>,
    p: &mut Problems,
) -> Option<Release> {
    let at = |k: &str| format!("{path}.{k}");
    // A bad rate is reported and the release's name still checked (found by review: a
    // negative rate hid a misspelt substance until the rate was fixed).
    let (name, unit, rate) = match (&item.substance, &item.nuclide) {
        (Some(s), None) => {
            if item.rate_bq_s.is_some() {
                p.push(
                    at("rate_bq_s"),
                    fmt_num(item.rate_bq_s.unwrap_or(0.0)),
                    "rate_kg_s for a substance (rate_bq_s is for nuclides)",
                );
                return None;
            }
            (
                s.trim().to_string(),
                AmountUnit::Kilogram,
                p.req(
                    &at("rate_kg_s"),
                    item.rate_kg_s,
                    Bounds::new(0.0, true, 1e9, true, "kg/s"),
                ),
            )
        }
        (None, Some(n)) => {
            if item.rate_kg_s.is_some() {
                p.push(
                    at("rate_kg_s"),
                    fmt_num(item.rate_kg_s.unwrap_or(0.0)),
                    "rate_bq_s for a nuclide (rate_kg_s is for substances)",
                );
                return None;
            }
            (
                n.trim().to_string(),
                AmountUnit::Becquerel,
                p.req(
                    &at("rate_bq_s"),
                    item.rate_bq_s,
                    Bounds::new(0.0, true, MAX_RATE_BQ_S, true, "Bq/s"),
                ),
            )
        }
        _ => {
            p.push(
                path,
                "(substance and nuclide both given, or neither)",
                "exactly one of substance = \"…\" or nuclide = \"…\"",
            );
            return None;
        }
    };
    if name.is_empty() {
        p.push(
            at(if unit == AmountUnit::Kilogram {
                "substance"
            } else {
                "nuclide"
            }),
            "\"\"",
            "a name",
        );
        return None;
    }
    // A library nuclide or chemical goes by the library's name, however written ("cs137" is
    // Cs-137, "Cl2" chlorine): its output variables, warnings and alerts then agree on one name
    // (found by review: "Cl2" gave air_concentration_Cl2 beside Chlorine_… zones).
    let name = match unit {
        AmountUnit::Becquerel => library.nuclide(&name).map(|n| n.name.clone()),
        AmountUnit::Kilogram => library.chemical(&name).map(|c| c.name.clone()),
    }
    .unwrap_or(name);
    if unit == AmountUnit::Becquerel
        && item.half_life_s.is_some()
        && library.nuclide(&name).is_none()
    {
        let names: Vec<&str> = library.nuclides.iter().map(|n| n.name.as_str()).collect();
        let guess = read::closest(&name, &names)
            .map(|c| format!(" (did you mean {c:?}?)"))
            .unwrap_or_default();
        p.warnings.push(format!(
            "{} = {name:?}: not in the nuclide library{guess}: it is carried and decays with its \
             half_life_s, but without dose coefficients no dose, zone or alert is made for it; \
             consequence.substance_file adds a nuclide with its coefficients",
            at("nuclide")
        ));
    }
    let half_life_s = match item.half_life_s {
        Some(h) => p
            .range(
                &at("half_life_s"),
                h,
                Bounds::new(0.0, false, f64::MAX, true, "s"),
            )
            .then_some(Some(h))?,
        None if unit == AmountUnit::Becquerel => match library.nuclide(&name) {
            Some(n) => Some(n.half_life_s),
            None => {
                let names: Vec<&str> = library.nuclides.iter().map(|n| n.name.as_str()).collect();
                let guess = read::closest(&name, &names)
                    .map(|c| format!("did you mean {c:?}? It holds "))
                    .unwrap_or_default();
                p.push(
                    at("nuclide"),
                    format!("{name:?}"),
                    format!(
                        "a nuclide in the library ({guess}{}; consequence.substance_file adds others) or an explicit half_life_s",
                        names.join(", ")
                    ),
                );
                return None;
            }
        },
        None => None,
    };
    let idx = match species.iter().position(|s| s.name == name) {
        Some(k) => {
            let kind = |u: AmountUnit| match u {
                AmountUnit::Kilogram => "substance",
                AmountUnit::Becquerel => "nuclide",
            };
            if species[k].unit != unit {
                p.push(
                    at(kind(unit)),
                    format!("{name:?}"),
                    format!(
                        "{} = {name:?} as in the earlier release of this name, or another name",
                        kind(species[k].unit)
                    ),
                );
                return None;
            }
            if species[k].half_life_s != half_life_s {
                let show = |h: Option<f64>| h.map_or("(missing)".to_string(), fmt_num);
                p.push(
                    at("half_life_s"),
                    show(half_life_s),
                    format!(
                        "the half-life of the earlier release of {name} ({}), or another name",
                        half_life_s_text(species[k].half_life_s)
                    ),
                );
                return None;
            }
            k
        }
        None => {
            // Another spelling of an earlier species would be the same library substance and the
            // same output variables, which the netCDF writer refuses only after the run.
            if let Some(earlier) = species
                .iter()
                .find(|s| same_substance(s, &name, unit, library))
            {
                p.push(
                    at(if unit == AmountUnit::Kilogram {
                        "substance"
                    } else {
                        "nuclide"
                    }),
                    format!("{name:?}"),
                    format!(
                        "exactly the name {:?} of the earlier release of the same substance ({}), or a different substance",
                        earlier.name,
                        why_same(&earlier.name, &name, unit, library)
                    ),
                );
                return None;
            }
            if unit == AmountUnit::Kilogram && !chemical_known(&name, &at("substance"), library, p)
            {
                return None;
            }
            let molar_mass_kg_mol = (unit == AmountUnit::Kilogram)
                .then(|| library.chemical(&name))
                .flatten()
                .map(|c| c.mw_g_per_mol * 1e-3);
            species.push(Species {
                name,
                unit,
                half_life_s,
                molar_mass_kg_mol,
            });
            species.len() - 1
        }
    };
    // A library nuclide (the embedded library's or the substance file's) deposits by its class
    // unless the release says otherwise; substances and other nuclides are treated as an inert
    // gas.
    let d = match library
        .nuclide(&species[idx].name)
        .filter(|_| unit == AmountUnit::Becquerel)
        .map(|n| substance::deposition::class_removal(n.deposition_class))
    {
        Some(r) => Deposition {
            dry_velocity_m_s: r.dry_velocity_m_s,
            washout_a_per_s: r.washout_a_per_s,
            washout_b: r.washout_b,
        },
        None => Deposition::default(),
    };
    let deposition = Deposition {
        dry_velocity_m_s: p.opt(
            &at("dry_deposition_velocity_m_s"),
            item.dry_deposition_velocity_m_s,
            d.dry_velocity_m_s,
            Bounds::new(0.0, true, 1.0, true, "m/s"),
        ),
        washout_a_per_s: p.opt(
            &at("washout_a_per_s"),
            item.washout_a_per_s,
            d.washout_a_per_s,
            Bounds::new(0.0, true, 0.01, true, "s⁻¹"),
        ),
        washout_b: p.opt(
            &at("washout_b"),
            item.washout_b,
            d.washout_b,
            Bounds::new(0.0, true, 2.0, true, ""),
        ),
    };
    Some(Release {
        species: idx,
        rate_per_s: rate?,
        deposition,
    })
}

/// True when `name` (in `unit`) is another spelling of the species `s`: the same library
/// substance, the same name up to case and punctuation, or the same netCDF variable name.
fn same_substance(s: &Species, name: &str, unit: AmountUnit, library: &Library) -> bool {
    use crate::output::netcdf::variable_name;
    let key = |n: &str, u: AmountUnit| {
        match u {
            AmountUnit::Kilogram => library.chemical(n).map(|c| substance::normalise(&c.name)),
            AmountUnit::Becquerel => library.nuclide(n).map(|c| substance::normalise(&c.name)),
        }
        .unwrap_or_else(|| substance::normalise(n))
    };
    variable_name(&s.name) == variable_name(name)
        || (s.unit == unit && key(&s.name, s.unit) == key(name, unit))
}

/// Why `name` is the earlier species `earlier`: the same library entry, or the same output
/// variable (as [`same_substance`] decides).
fn why_same(earlier: &str, name: &str, unit: AmountUnit, library: &Library) -> String {
    use crate::output::netcdf::variable_name;
    let entry = match unit {
        AmountUnit::Kilogram => library.chemical(name).map(|c| c.name.clone()),
        AmountUnit::Becquerel => library.nuclide(name).map(|n| n.name.clone()),
    };
    match entry {
        Some(e) => format!("both name the library's {e}"),
        None => format!(
            "the two spellings would share the output variable air_concentration_{}",
            variable_name(earlier)
        ),
    }
}

fn half_life_s_text(h: Option<f64>) -> String {
    h.map_or("none: it does not decay".to_string(), |h| {
        format!("{} s", fmt_num(h))
    })
}

/// What a substance outside the chemical library becomes, said in both its error and warning.
const INERT: &str =
    "it is transported as an inert gas with no toxic thresholds, so no zones are drawn for it";

/// Checks a substance name against the chemical library: a library chemical passes; a name one
/// typing mistake from a library name is an error (an emergency manager who types "Chlorin" must
/// not get an empty map); any other name passes with a warning, since tracers and chemicals
/// outside the library are legitimate releases. False for the error.
fn chemical_known(name: &str, path: &str, library: &Library, p: &mut Problems) -> bool {
    match library.chemical_name(name) {
        ChemicalName::Known(_) => true,
        ChemicalName::Typo { like, chemical } => {
            let which = if like == chemical.name {
                String::new()
            } else {
                format!(", {}", chemical.name)
            };
            p.push(
                path,
                format!("{name:?}"),
                format!(
                    "a library chemical (did you mean {like:?}{which}?) or one added with consequence.substance_file; outside the library, {INERT}"
                ),
            );
            false
        }
        ChemicalName::Unknown { mentions } => {
            let guess = mentions
                .map(|c| format!(" (did you mean {:?}?)", c.name))
                .unwrap_or_default();
            let names: Vec<&str> = library.chemicals.iter().map(|c| c.name.as_str()).collect();
            p.warnings.push(format!(
                "{path} = {name:?}: {name:?} is not in the chemical library{guess}: {INERT}. Library chemicals: {}; formulas and common names such as Cl2 or \"mustard gas\" are accepted, and consequence.substance_file adds others",
                names.join(", ")
            ));
            true
        }
    }
}
