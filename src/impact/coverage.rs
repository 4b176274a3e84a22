//! Whether a run covers what its zones and doses need: warnings when a zone reaches the edge of
//! the domain (it may continue beyond), when the cloud of a release that has stopped is still
//! over the grid at the end of the run (zones and doses may still grow), when the layer the consequences are read from misses
//! breathing height, and when nothing at all reached the grid.
//!
//! Each warning names the setting that would fix it, so that a user in a hurry can act on it.

use super::Zone;
use crate::field::Fields;
use crate::scenario::Scenario;

/// Height (m) at which people breathe: the layer the consequences use should contain it.
pub const BREATHING_HEIGHT_M: f64 = 1.5;

/// A lowest layer holding more than this fraction of its largest amount in the last interval
/// means the cloud is still over the grid when the run ends.
pub const STILL_AIRBORNE_FRACTION: f64 = 0.01;

/// The warnings for a run's `fields`, the `zones` drawn from them and its chemicals' `last`
/// intervals.
pub fn warnings<'a>(
    scenario: &Scenario,
    fields: &Fields,
    zones: impl IntoIterator<Item = &'a Zone>,
    last: &[LastInterval],
) -> Vec<String> {
    let mut out = vec![];
    for z in zones {
        if touches_edge(z) {
            out.push(format!(
                "zone '{}' reaches the edge of the domain and may continue beyond it: enlarge domain.extent_m",
                z.label
            ));
        }
    }
    if let Some(cut) = cut_off(scenario, fields, last) {
        out.push(cut.warning());
    }
    if released_until_s(scenario) >= scenario.duration_s {
        let cell_km2 = fields.grid.dx_m * fields.grid.dx_m * 1e-6;
        let written = scenario.consequence.aegl_duration_written;
        out.extend(
            last.iter()
                .filter_map(|l| held_after_warning(l, cell_km2, written)),
        );
    }
    if let Some(l) = fields.grid.layers.first() {
        if !(l.bottom_m..=l.top_m).contains(&BREATHING_HEIGHT_M) {
            out.push(format!(
                "zones and doses are read from the lowest output layer, {}–{} m above ground, which does not contain breathing height ({BREATHING_HEIGHT_M} m): add a ground layer such as [0, 3] first in domain.layers_m",
                l.bottom_m, l.top_m
            ));
        }
    }
    if fields
        .species
        .iter()
        .all(|s| s.time_integrated.iter().all(|v| *v == 0.0))
    {
        out.push(nothing_reached(scenario));
    }
    out
}

/// Whether any cell on the outer ring of the grid is in the zone.
fn touches_edge(z: &Zone) -> bool {
    let (ny, nx) = z.exceeded.dim();
    if ny == 0 || nx == 0 {
        return false;
    }
    let row = |j: usize| z.exceeded.row(j).iter().any(|e| *e);
    let column = |i: usize| z.exceeded.column(i).iter().any(|e| *e);
    row(0) || row(ny - 1) || column(0) || column(nx - 1)
}

/// A chemical's last interval against its lowest threshold, for [`cut_off`].
#[derive(Debug, Clone, PartialEq)]
pub struct LastInterval {
    pub chemical: String,
    /// The highest concentration of the run's last interval (kg m⁻³).
    pub peak_kg_m3: f64,
    /// Its lowest threshold (kg m⁻³) and that threshold's name ("AEGL-1 (60 min)").
    pub threshold_kg_m3: f64,
    pub threshold: String,
    /// The AEGL duration its zones are drawn for (s).
    pub duration_s: f64,
    /// Cells each AEGL level's zone would gain were the last interval's air to stay for that
    /// duration after the run ([`super::ChemicalImpact::held_after_gain_cells`]).
    pub held_after_gain_cells: [usize; 3],
}

/// A cloud still over the grid when the run ends: its zones and doses may still grow.
#[derive(Debug, Clone, PartialEq)]
pub struct CutOff {
    /// The species still there.
    pub species: String,
    /// How much is still there (per cent): of what was released, by the model's budget
    /// (`of_release`), else of the most the lowest layer held after the releases stopped;
    /// 100 × the last interval's peak over the threshold where `above` is that threshold.
    pub percent: f64,
    pub of_release: bool,
    /// Where the last interval's peak still exceeds the chemical's lowest threshold: that
    /// threshold (found by review: on a 200 m grid a dense cloud's near field right after the
    /// release put so much in the ground layer that a cloud still over AEGL-1 at the end held
    /// under 1 % of it, and no warning was given).
    pub above: Option<LastInterval>,
}

impl CutOff {
    /// The run's warning, naming the setting that fixes it.
    pub fn warning(&self) -> String {
        let how_much = if let Some(a) = &self.above {
            format!(
                "its last interval still reaches {:.3} mg m-3, above its {} of {:.3} mg m-3",
                a.peak_kg_m3 * 1e6,
                a.threshold,
                a.threshold_kg_m3 * 1e6
            )
        } else if self.of_release {
            format!(
                "{:.0} % of what was released is still in the air over the domain",
                self.percent
            )
        } else {
            format!(
                "its last interval holds {:.0} % of the most it held in the lowest layer after the release stopped",
                self.percent
            )
        };
        format!(
            "{} is still over the grid when the run ends ({how_much}): zones and doses may still grow; lengthen scenario.duration_s",
            self.species
        )
    }

    /// The note a map carries, so that a plume that ends in a straight front is not read as
    /// the whole hazard.
    pub fn map_note(&self) -> String {
        let what = if let Some(a) = &self.above {
            format!(
                "{} still in the air over the map, above its {} in the last interval",
                self.species, a.threshold
            )
        } else if self.of_release {
            format!(
                "{:.0} % of the {} released still in the air over the map",
                self.percent, self.species
            )
        } else {
            format!(
                "{} still in the air over the map ({:.0} % of the most the ground layer held after the release stopped)",
                self.species, self.percent
            )
        };
        format!(
            "The run ends with {what}: the hazard is drawn only as far as the cloud had gone, and zones may still grow. Lengthen the run."
        )
    }
}

/// The note a map of the run carries, so that a hazard the run's end cut short is not read as
/// the whole: the cut-off's ([`CutOff::map_note`]), or, while a release still runs at the end,
/// that its chemical's AEGL zones may be larger (as the run's warning says).
pub fn map_note(scenario: &Scenario, fields: &Fields, last: &[LastInterval]) -> Option<String> {
    if let Some(cut) = cut_off(scenario, fields, last) {
        return Some(cut.map_note());
    }
    if released_until_s(scenario) < scenario.duration_s {
        return None;
    }
    let l = last
        .iter()
        .find(|l| l.held_after_gain_cells.iter().any(|&n| n > 0))?;
    Some(format!(
        "{} is still released when the run ends: its {:.0}-min zones count the air after the end as clean and may be larger. Lengthen the run.",
        l.chemical,
        l.duration_s / 60.0
    ))
}

/// When the last release stops (s after the scenario start).
fn released_until_s(scenario: &Scenario) -> f64 {
    scenario
        .sources
        .iter()
        .map(|s| s.end_s())
        .fold(0.0, f64::max)
}

/// The warning for a chemical whose AEGL zones a release still running at the end of the run
/// cut short: a running mean over the AEGL's duration counts the air after the run as clean,
/// so a cell the plume reached less than that duration before the end is judged on part of its
/// exposure (found by review: a steady 7 mg m-3 of chlorine arriving half-way through a
/// one-hour run has a 60-min mean of 3.5, under the 5.8 of AEGL-2, and nothing said so). The
/// cells each zone would gain were the last interval's air to stay say by how much; `None` when
/// no zone would.
fn held_after_warning(l: &LastInterval, cell_km2: f64, duration_written: bool) -> Option<String> {
    let gains: Vec<String> = l
        .held_after_gain_cells
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, &n)| n > 0)
        .map(|(level, &n)| format!("AEGL-{} by {:.2} km²", level + 1, n as f64 * cell_km2))
        .collect();
    if gains.is_empty() {
        return None;
    }
    let minutes = l.duration_s / 60.0;
    // Unwritten, the AEGL duration follows the release: one that then ends within the run maps
    // the AEGLs of its own length (found by review).
    let then = match duration_written {
        true => "",
        false => " (a release that then ends within the run maps the AEGLs of its own length, 10 or 30 min if shorter than an hour, unless consequence.aegl_duration_min is written)",
    };
    Some(format!(
        "{} is still released when the run ends, so its {minutes:.0} min means over the run's last {minutes:.0} minutes count the air after the end as clean and its zones are lower bounds: were the last interval's air to stay, the zones would grow ({}); lengthen scenario.duration_s by {minutes:.0} min, or give the source the duration_s its release will have{then}",
        l.chemical,
        gains.join(", ")
    ))
}

/// Whether the cloud of a release that has stopped is still over the grid when the run ends
/// (by its budget or its ground-layer amount, or a chemical of `last` whose last interval
/// still exceeds its lowest threshold somewhere); never while a release is still running at
/// the end (that is the period the user asked about, and its plume may be steady).
pub fn cut_off(scenario: &Scenario, fields: &Fields, last: &[LastInterval]) -> Option<CutOff> {
    let released_until_s = released_until_s(scenario);
    if released_until_s >= scenario.duration_s {
        return None;
    }
    still_airborne(fields, released_until_s).or_else(|| {
        last.iter()
            .find(|l| l.threshold_kg_m3 > 0.0 && l.peak_kg_m3 > l.threshold_kg_m3)
            .map(|l| CutOff {
                species: l.chemical.clone(),
                percent: 100.0 * l.peak_kg_m3 / l.threshold_kg_m3,
                of_release: false,
                above: Some(l.clone()),
            })
    })
}

/// The cut-off when, for some species, more than [`STILL_AIRBORNE_FRACTION`] of what was released
/// is still in the air over the grid when the run ends (by the model's budget, where it keeps
/// one: found by review, a 90 t chlorine rupture cut off 17 km out by a 2 h run, all of it
/// still airborne, gave no warning, because its slumped dense cloud had put far more in the
/// ground layer early on than the diluted cloud held at the end), or when the amount in the
/// lowest layer over the grid (the sum of its interval-mean concentrations) in the last
/// interval exceeds that fraction of its largest once every release has stopped (at
/// `released_until_s`). An amount, not a peak:
/// the near-source peak of a plume would hide a cloud that has drifted kilometres away. And
/// after the releases, not over the run: while a dense gas is released its slumped near field
/// puts a hundred times the later amount into the ground layer (found by review: a night-time
/// chlorine cloud cut short 14 km out by the run's end held 0.9 % of the run's largest).
fn still_airborne(fields: &Fields, released_until_s: f64) -> Option<CutOff> {
    let grid = &fields.grid;
    for s in &fields.species {
        if let Some(b) = s.budget.as_ref().filter(|b| b.released > 0.0) {
            let share = b.airborne / b.released;
            if share > STILL_AIRBORNE_FRACTION {
                return Some(CutOff {
                    species: s.species.name.clone(),
                    percent: 100.0 * share,
                    of_release: true,
                    above: None,
                });
            }
        }
        let c = &s.concentration;
        let (nt, nz) = (c.dim().0, c.dim().1);
        if nt == 0 || nz == 0 {
            continue;
        }
        let amounts: Vec<f64> = (0..nt)
            .map(|n| c.slice(ndarray::s![n, 0, .., ..]).sum())
            .collect();
        // The intervals that start once the releases have stopped; the whole run when the last
        // one ends inside the final interval.
        let first_after = (0..nt)
            .find(|&n| grid.interval_start_s(n) >= released_until_s)
            .unwrap_or(0);
        let most = amounts[first_after..].iter().cloned().fold(0.0, f64::max);
        let last = amounts[nt - 1];
        if most > 0.0 && last > STILL_AIRBORNE_FRACTION * most {
            return Some(CutOff {
                species: s.species.name.clone(),
                percent: 100.0 * last / most,
                of_release: false,
                above: None,
            });
        }
    }
    None
}

/// Why a run may have left every field at zero, from its sources.
fn nothing_reached(scenario: &Scenario) -> String {
    let mut reasons = vec![];
    for s in &scenario.sources {
        if s.releases.iter().all(|r| r.rate_per_s == 0.0) {
            reasons.push(format!("source '{}' releases at a rate of 0", s.name));
        }
        if s.duration_s == 0.0 {
            reasons.push(format!("source '{}' has duration_s = 0", s.name));
        }
    }
    let mut text = "every concentration is zero: nothing released reached the grid".to_string();
    if reasons.is_empty() {
        text += " (check each source's start_s and duration_s against the run, and its height against the mixing height: a plume above the lid does not reach the ground)";
    } else {
        text += &format!(" ({})", reasons.join("; "));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn zone(cells: &[(usize, usize)]) -> Zone {
        let mut exceeded = Array2::from_elem((5, 6), false);
        for &(j, i) in cells {
            exceeded[[j, i]] = true;
        }
        Zone {
            label: "test".into(),
            country: None,
            threshold: 1.0,
            unit: "kg m-3",
            exceeded,
            largest: 1.0,
        }
    }

    #[test]
    fn a_zone_on_the_outer_ring_touches_the_edge_and_one_inside_does_not() {
        assert!(!touches_edge(&zone(&[(2, 3), (1, 1), (3, 4)])));
        for edge in [(0, 3), (4, 2), (2, 0), (3, 5)] {
            assert!(touches_edge(&zone(&[(2, 3), edge])), "{edge:?}");
        }
        assert!(!touches_edge(&zone(&[])));
    }
}
