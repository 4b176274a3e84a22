//! When the plume reaches a place: the first output interval in which the air of the place's
//! cell, in the breathing layer, holds a noticeable share of what it will hold at its worst.
//!
//! A place's arrival is the first interval in which some species' interval-mean concentration
//! there reaches [`ARRIVAL_FRACTION`] of that species' own peak interval mean there — the
//! leading edge of that place's plume, not of a far-off trace; a species whose peak there is
//! under [`TRACE_FRACTION`] of its peak anywhere does not count. Intervals are the output
//! intervals, so the arrival is known to within one of them: it is reported as the interval.
//! The series are those the zones are judged from ([`crate::field::SpeciesFields::exposure_series`]):
//! a particle run's plume averaged over the release's swings of the wind, which reaches every
//! zoned cell, not the narrower interval maps (found by review: half the cells of a night
//! chlorine zone had no arrival in the interval maps).

use serde::Serialize;

use crate::field::Fields;

/// The share of a species' peak interval-mean concentration at a place that marks the plume's
/// arrival there (the first interval at or above it).
pub const ARRIVAL_FRACTION: f64 = 0.01;

/// A species reaches a place only where its peak there is at least this share of its peak on
/// the whole layer: below it lie the far tails of a Gaussian or a stray particle, not a plume
/// (a town 10⁻²⁰ of the peak would otherwise have an "arrival").
pub const TRACE_FRACTION: f64 = 1e-6;

/// The output interval in which the plume arrives at a place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Arrival {
    /// The interval's start and end (s since the scenario start).
    pub from_s: f64,
    pub to_s: f64,
    /// Its start as a clock time for the people there: local time with UTC
    /// ("14 July 2026 at 02:15 EDT (06:15 UTC)").
    pub from_local: String,
}

/// The interval (start, end; s since the scenario start) in which the plume arrives at cell
/// (`i`, `j`) in `layer`, or `None` if no species reaches it. A place `in_a_zone` has every
/// species counted, however small a share of its peak elsewhere (found by review: a nerve
/// agent's AEGL-1, some 10⁻⁶ of a few kilograms' near-source peak, zoned towns that then had
/// no arrival).
pub fn arrival_interval_s(
    fields: &Fields,
    layer: usize,
    (i, j): (usize, usize),
    in_a_zone: bool,
) -> Option<(f64, f64)> {
    let trace = if in_a_zone { 0.0 } else { TRACE_FRACTION };
    let g = &fields.grid;
    fields
        .species
        .iter()
        .filter_map(|f| {
            let layer_peak = f
                .exposure_series()
                .slice(ndarray::s![.., layer, .., ..])
                .iter()
                .cloned()
                .fold(0.0, f64::max);
            let series = f.exposure_series().slice(ndarray::s![.., layer, j, i]);
            let peak = series.iter().cloned().fold(0.0, f64::max);
            (peak > 0.0 && peak >= trace * layer_peak)
                .then(|| series.iter().position(|&c| c >= ARRIVAL_FRACTION * peak))
                .flatten()
        })
        .min()
        .map(|n| (g.interval_start_s(n), g.times_s[n]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::{Fields, GridSpec};
    use crate::scenario::Layer;
    use crate::substance::{AmountUnit, Species};

    /// Cell 0 holds `series` (one per species), cell 1 the value `elsewhere` in the first
    /// interval.
    fn fields(series: &[&[f64]], elsewhere: f64) -> Fields {
        let nt = series[0].len();
        let grid = GridSpec {
            nx: 2,
            ny: 1,
            x0_m: 0.0,
            y0_m: 0.0,
            dx_m: 100.0,
            layers: vec![Layer {
                bottom_m: 0.0,
                top_m: 3.0,
            }],
            times_s: (1..=nt).map(|n| 900.0 * n as f64).collect(),
            interval_s: 900.0,
        };
        let species: Vec<Species> = (0..series.len())
            .map(|k| Species {
                name: format!("s{k}"),
                unit: AmountUnit::Kilogram,
                half_life_s: None,
                molar_mass_kg_mol: None,
            })
            .collect();
        let mut f = Fields::zeros(grid, &species);
        for (s, values) in series.iter().enumerate() {
            for (n, &v) in values.iter().enumerate() {
                f.species[s].concentration[[n, 0, 0, 0]] = v;
            }
            f.species[s].concentration[[0, 0, 0, 1]] = elsewhere;
        }
        f
    }

    #[test]
    fn the_plume_arrives_in_the_first_interval_at_one_percent_of_its_peak() {
        // A trace in the first interval (0.5 % of the peak) is not the arrival; 2 % is.
        let f = fields(&[&[0.05, 2.0, 10.0, 4.0]], 0.0);
        assert_eq!(
            arrival_interval_s(&f, 0, (0, 0), false),
            Some((900.0, 1800.0))
        );
        // Of two species, the earlier arrival counts, each judged against its own peak.
        let f = fields(&[&[0.0, 0.0, 1e-3], &[5.0, 100.0, 0.0]], 0.0);
        assert_eq!(arrival_interval_s(&f, 0, (0, 0), false), Some((0.0, 900.0)));
        // No air, no arrival.
        let f = fields(&[&[0.0, 0.0]], 1.0);
        assert_eq!(arrival_interval_s(&f, 0, (0, 0), false), None);
        // Nor where the air holds a Gaussian tail, 10⁻⁹ of the peak next door.
        let f = fields(&[&[0.0, 1e-9]], 1.0);
        assert_eq!(arrival_interval_s(&f, 0, (0, 0), false), None);
        let f = fields(&[&[0.0, 1e-5]], 1.0);
        assert_eq!(
            arrival_interval_s(&f, 0, (0, 0), false),
            Some((900.0, 1800.0))
        );
        // A place in a zone has its arrival, however far below the peak elsewhere: a nerve
        // agent's AEGL-1 lies near 10⁻⁶ of a release's near-source peak.
        let f = fields(&[&[0.0, 1e-9]], 1.0);
        assert_eq!(
            arrival_interval_s(&f, 0, (0, 0), true),
            Some((900.0, 1800.0))
        );
    }
}
