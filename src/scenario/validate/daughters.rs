//! A short-lived daughter released beside its parent.
//!
//! The dose carries a daughter of at most an hour's half-life under a parent a hundred times
//! longer-lived (in the library: Ba-137m of Cs-137, Rh-106 of Ru-106, Rh-103m of Ru-103) in
//! equilibrium with the parent from the release on
//! ([`crate::exposure::dose::daughter_ratio`]). Source terms such as RASCAL's list that
//! daughter beside its parent, at that ratio; released again as a species of its own it is
//! counted twice while the cloud is young (Ba-137m carries nearly all of a Cs-137 cloud's
//! gamma, so the cloudshine of its first minutes doubled; in a 4-day effective dose on a 500 m
//! grid, mostly inhaled Cs-137, that was +0.9 % at the highest cell). A listed daughter is
//! therefore released only by what it exceeds the parents of the same source carry, and its
//! listing is warned of.

use super::inventory::MAX_RATE_BQ_S;
use super::*;
use crate::exposure::dose::equilibrium_ratio;
use crate::substance::{Library, Nuclide};

/// Share of a listed daughter's rate within which it counts as the carried one: the rounding
/// of a table that prints two or three significant figures (0.94 for Ba-137m's 0.944).
const ROUNDING: f64 = 0.01;

/// The items of one source, each with its path, with every daughter the source's parents carry
/// in equilibrium reduced by that carried rate, or dropped when nothing is left of it.
pub(super) fn fold_equilibrium_daughters(
    items: Vec<(String, ReleaseItem)>,
    library: &Library,
    p: &mut Problems,
) -> Vec<(String, ReleaseItem)> {
    // A library nuclide with a valid rate (a bad rate is reported by the release's own check).
    // A half-life of the file's own does not matter: the dose takes the library's row by name.
    let row = |item: &ReleaseItem| -> Option<(&Nuclide, f64)> {
        if item.substance.is_some() {
            return None;
        }
        let n = library.nuclide(item.nuclide.as_deref()?.trim())?;
        let rate = item
            .rate_bq_s
            .filter(|r| r.is_finite() && (0.0..=MAX_RATE_BQ_S).contains(r))?;
        Some((n, rate))
    };
    let rows: Vec<Option<(&Nuclide, f64)>> = items.iter().map(|(_, item)| row(item)).collect();
    // What the parents carry of each daughter still to be set against its listings (Bq/s).
    let mut carried: Vec<(String, f64, Vec<String>)> = vec![];
    for (path, parent) in items
        .iter()
        .zip(&rows)
        .filter_map(|((path, _), r)| Some((path, (*r)?)))
    {
        let (pn, rate) = parent;
        for d in &pn.daughters {
            let Some(dn) = library.nuclide(&d.name) else {
                continue;
            };
            let lp = pn.decay_constant_per_s();
            let Some(ratio) = equilibrium_ratio(lp, dn.decay_constant_per_s(), d.branching) else {
                continue;
            };
            let by = format!("{} ({path})", pn.name);
            match carried.iter_mut().find(|(name, ..)| *name == dn.name) {
                Some((_, c, parents)) => {
                    *c += ratio * rate;
                    parents.push(by);
                }
                None => carried.push((dn.name.clone(), ratio * rate, vec![by])),
            }
        }
    }
    let mut out = vec![];
    for ((path, mut item), r) in items.into_iter().zip(rows) {
        let Some((n, rate)) = r else {
            out.push((path, item));
            continue;
        };
        let Some((_, left, parents)) = carried.iter_mut().find(|(name, ..)| *name == n.name) else {
            out.push((path, item));
            continue;
        };
        if *left <= 0.0 {
            out.push((path, item));
            continue;
        }
        let taken = left.min(rate);
        *left -= taken;
        let excess = rate - taken;
        let by = parents.join(" and ");
        if excess <= ROUNDING * rate {
            p.warnings.push(format!(
                "{path}: {} at {rate:.4e} Bq/s is carried by {by} in equilibrium (the dose adds \
                 it to its parent's air and ground), so it is not released a second time",
                n.name
            ));
        } else {
            p.warnings.push(format!(
                "{path}: {} at {rate:.4e} Bq/s is more than {by} carries in equilibrium \
                 ({taken:.4e} Bq/s, which the dose adds to its parent's air and ground); only \
                 the {excess:.4e} Bq/s beyond it is released as {} of its own",
                n.name, n.name
            ));
            item.rate_bq_s = Some(excess);
            out.push((path, item));
        }
    }
    out
}
