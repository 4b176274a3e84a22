//! The run summary: what an emergency manager reads first (peak, where, how far), in text for
//! terminals and JSON for machines.

use serde::Serialize;

use super::local_time;
use crate::field::{Fields, MassBudget};
use crate::geo::{self, TransverseMercator};
use crate::scenario::Scenario;

/// Where and when a field peaks.
#[derive(Debug, Clone, Serialize)]
pub struct Peak {
    pub value: f64,
    pub units: String,
    /// End of the averaging interval of the peak (s since start), for time-resolved fields.
    pub time_s: Option<f64>,
    pub time_utc: Option<String>,
    /// The same time on the clocks where the peak is (Atlantic in New Brunswick, Eastern in
    /// Maine), with UTC beside it: "14 July 2026 at 03:00 ADT (06:00 UTC)".
    pub time_local: Option<String>,
    pub layer_bottom_m: f64,
    pub layer_top_m: f64,
    pub lat: f64,
    pub lon: f64,
    /// Nearest source to the peak cell.
    pub source: String,
    /// Geodesic distance from that source (m).
    pub distance_m: f64,
    /// Geodesic bearing from that source (degrees from north).
    pub bearing_deg: f64,
}

/// What one source releases of a species: the source term as the run took it (an inventory's
/// after decay from shutdown, ingrowth, release fractions and the iodine split).
#[derive(Debug, Clone, Serialize)]
pub struct SpeciesRelease {
    pub source: String,
    /// Mean rate (the species' unit per second, `unit`/s).
    pub rate_per_s: f64,
    /// kg or Bq.
    pub unit: String,
    /// Start and duration of the release (s after the scenario start).
    pub start_s: f64,
    pub duration_s: f64,
    /// rate × duration, in `unit`.
    pub total: f64,
}

/// Per-species summary.
#[derive(Debug, Clone, Serialize)]
pub struct SpeciesSummary {
    pub name: String,
    /// Each source's release of it.
    pub releases: Vec<SpeciesRelease>,
    /// Highest interval-mean concentration in the lowest layer.
    pub peak_concentration: Option<Peak>,
    /// Highest time-integrated concentration in the lowest layer.
    pub peak_time_integrated: Option<Peak>,
    pub budget: Option<MassBudget>,
}

/// The whole run, machine-readable.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub scenario: String,
    pub scenario_file: String,
    pub model: String,
    pub backend: String,
    pub seed: Option<u64>,
    pub grid_nx: usize,
    pub grid_ny: usize,
    pub grid_layers: usize,
    pub grid_times: usize,
    pub resolution_m: f64,
    /// Seconds of the model and the consequence assessment.
    pub elapsed_s: f64,
    /// Seconds spent writing the outputs (the grids' compression most of it) up to this
    /// summary; `None` where not measured. A batch scheduler sees both together.
    pub write_elapsed_s: Option<f64>,
    pub species: Vec<SpeciesSummary>,
    pub outputs: Vec<String>,
    /// The scenario file's own warnings (a substance outside the library runs with no zones,
    /// …), which `plume run` prints before the run; here so that `--json`, `summary.json` and
    /// `compare.json` keep them.
    pub scenario_warnings: Vec<String>,
    /// The run's warnings.
    pub warnings: Vec<String>,
    /// Protective-action zones by jurisdiction, with warnings on unverified deciding values.
    pub consequence: Option<crate::impact::Summary>,
    /// The 10 m wind where and when the first release begins.
    pub release_wind: Option<crate::met::ReleaseWind>,
}

fn peak(
    scenario: &Scenario,
    tm: &TransverseMercator,
    values: impl Iterator<Item = (f64, Option<usize>, usize, usize)>,
    fields: &Fields,
    units: String,
) -> Option<Peak> {
    let best = values.fold(
        None::<(f64, Option<usize>, usize, usize)>,
        |best, v| match best {
            Some(b) if b.0 >= v.0 => Some(b),
            _ => Some(v),
        },
    )?;
    if best.0 <= 0.0 {
        return None;
    }
    let (value, n, j, i) = best;
    let g = &fields.grid;
    let p = tm.inverse(g.x_m(i), g.y_m(j));
    let (src, dist) = scenario
        .sources
        .iter()
        .map(|s| (s, geo::geodesic_distance_m(s.location, p)))
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    let time_s = n.map(|n| g.times_s[n]);
    let at = time_s.map(|t| scenario.start + chrono::Duration::milliseconds((t * 1000.0) as i64));
    let clocks = local_time::zone_at(p);
    Some(Peak {
        value,
        units,
        time_s,
        time_utc: at.map(|t| t.to_rfc3339()),
        time_local: at.map(|t| local_time::english_in(t, clocks)),
        layer_bottom_m: g.layers[0].bottom_m,
        layer_top_m: g.layers[0].top_m,
        lat: p.lat,
        lon: p.lon,
        source: src.name.clone(),
        distance_m: dist,
        bearing_deg: geo::geodesic_azimuth_deg(src.location, p),
    })
}

/// Summarises each species' peaks in the lowest layer and its mass budget.
pub fn species_summaries(
    scenario: &Scenario,
    fields: &Fields,
    tm: &TransverseMercator,
) -> Vec<SpeciesSummary> {
    fields
        .species
        .iter()
        .map(|sf| {
            let u = sf.species.unit.symbol();
            let c = &sf.concentration;
            let (nt, _, ny, nx) = c.dim();
            let conc = (0..nt).flat_map(|n| {
                (0..ny).flat_map(move |j| (0..nx).map(move |i| (c[[n, 0, j, i]], Some(n), j, i)))
            });
            let tic = &sf.time_integrated;
            let tics = (0..ny).flat_map(|j| (0..nx).map(move |i| (tic[[0, j, i]], None, j, i)));
            let k = scenario
                .species
                .iter()
                .position(|x| x.name == sf.species.name);
            let releases = scenario
                .sources
                .iter()
                .flat_map(|src| {
                    src.releases
                        .iter()
                        .filter(move |r| Some(r.species) == k)
                        .map(move |r| SpeciesRelease {
                            source: src.name.clone(),
                            rate_per_s: r.rate_per_s,
                            unit: u.to_string(),
                            start_s: src.start_s,
                            duration_s: src.duration_s,
                            total: r.rate_per_s * src.duration_s,
                        })
                })
                .collect();
            SpeciesSummary {
                name: sf.species.name.clone(),
                releases,
                peak_concentration: peak(scenario, tm, conc, fields, format!("{u} m-3")),
                peak_time_integrated: peak(scenario, tm, tics, fields, format!("{u} s m-3")),
                budget: sf.budget,
            }
        })
        .collect()
}

impl RunSummary {
    /// Human-readable lines for a terminal.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{}\n  model {} on {}, grid {} × {} × {} layers × {} times at {} m, {:.2} s{}\n",
            self.scenario,
            self.model,
            self.backend,
            self.grid_nx,
            self.grid_ny,
            self.grid_layers,
            self.grid_times,
            self.resolution_m,
            self.elapsed_s,
            self.write_elapsed_s
                .map_or(String::new(), |w| format!(", outputs written in {w:.2} s"))
        );
        if let Some(w) = &self.release_wind {
            s += &format!(
                "  wind at the release: {} at {}, {}{}\n",
                w.describe(),
                w.source,
                w.time_local,
                w.turn_text().map_or(String::new(), |t| format!("; it {t}"))
            );
        }
        // What to do and where first, with what may make it wrong; the physics after.
        if let Some(c) = &self.consequence {
            s += &c.to_text();
        }
        for w in &self.warnings {
            s += &format!("  warning: {w}\n");
        }
        for sp in &self.species {
            s += &format!("  {}\n", sp.name);
            for r in &sp.releases {
                s += &format!(
                    "    released by {}: {:.4e} {}/s for {} s from {} s ({:.4e} {})\n",
                    r.source, r.rate_per_s, r.unit, r.duration_s, r.start_s, r.total, r.unit
                );
            }
            for (what, p) in [
                ("peak concentration", &sp.peak_concentration),
                ("peak time-integrated", &sp.peak_time_integrated),
            ] {
                match p {
                    Some(p) => {
                        s += &format!(
                            "    {what}: {:.3e} {} at {:.4}°, {:.4}° — {:.1} km {} of {}",
                            p.value,
                            p.units,
                            p.lat,
                            p.lon,
                            p.distance_m / 1000.0,
                            geo::compass_point(p.bearing_deg),
                            p.source
                        );
                        if let Some(t) = p.time_local.as_ref().or(p.time_utc.as_ref()) {
                            s += &format!(", interval ending {t}");
                        }
                        s += &format!(" (layer {}–{} m)\n", p.layer_bottom_m, p.layer_top_m);
                    }
                    None => s += &format!("    {what}: zero everywhere on the grid\n"),
                }
            }
            if let Some(b) = &sp.budget {
                s += &format!(
                    "    budget: released {:.4e}, airborne {:.4e}, dry {:.4e}, wet {:.4e}, decayed {:.4e}, left domain {:.4e} (imbalance {:.1e})\n",
                    b.released, b.airborne, b.dry_deposited, b.wet_deposited, b.decayed, b.exited, b.relative_imbalance()
                );
            }
        }
        for o in &self.outputs {
            s += &format!("  wrote {o}\n");
        }
        s
    }
}
