//! Reads a Prairie Grass data directory and reduces each sampling arc to the two quantities the
//! suite scores: the crosswind-integrated concentration and the arc maximum, both per unit
//! release rate.
//!
//! A data directory holds two CSV files (see `tests/data/prairie-grass/README.md`):
//!
//! `runs.csv`, one line per run: `run`, `source_rate_g_s`, `source_height_m`, `sampler_height_m`,
//! `obukhov_length_m`, `wind_speed_2m_m_s`, `roughness_length_m`, `averaging_time_s`, and
//! optionally `mixing_height_m` (empty when not observed), `friction_velocity_m_s` (as
//! tabulated; informational), `sigma_azimuth_deg` (the measured standard deviation of the wind
//! direction over the run, σθ; empty when not measured) and any other columns, which are ignored.
//! A run whose `obukhov_length_m` or `wind_speed_2m_m_s` is empty has no meteorology: it is
//! listed in [`Dataset::excluded`] and its arcs are not scored (the full experiment lists every
//! release, with or without meteorology).
//!
//! `samplers.csv`, one line per sampler: `run`, `arc_distance_m`, `azimuth_deg`,
//! `concentration_mg_m3` (10-minute mean at the sampler; empty when the sampler has no value).
//!
//! Missing samplers are bridged by the trapezoid. An arc with more than
//! [`MAX_MISSING_FRACTION`] of its samplers missing is left out of the comparison (its integral
//! and maximum may have lost the plume) and listed in [`Dataset::excluded`].
//!
//! For an arc of radius R with samplers at azimuths θᵢ (ordered along the arc) and concentrations
//! Cᵢ, the crosswind-integrated concentration is the trapezoid sum along the arc,
//! CWIC = Σ ½ (Cᵢ + Cᵢ₊₁) · R (θᵢ₊₁ − θᵢ), with no extrapolation beyond the end samplers (the
//! observed plume edges fall to the detection limit), and the arc maximum is max Cᵢ. Both are
//! divided by the release rate Q: CWIC/Q in s m⁻², Cmax/Q in s m⁻³ (Barad 1958; the same
//! reduction as van Ulden 1978 and the ASTM D6589 Prairie Grass evaluation).
//!
//! ## References
//! - Barad, M.L. (ed.) (1958): Project Prairie Grass, a field program in diffusion, vols. I–II.
//!   Geophysical Research Papers 59, AFCRC-TR-58-235, Air Force Cambridge Research Center.
//! - van Ulden, A.P. (1978): Simple estimates for vertical diffusion from sources near the ground.
//!   *Atmos. Environ.* 12, 2125–2129. doi:10.1016/0004-6981(78)90167-1

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::evaluate::csv_table::Table;
use crate::evaluate::EvaluateError;

/// Largest fraction of an arc's samplers that may be missing before the arc is left out.
pub const MAX_MISSING_FRACTION: f64 = 0.1;

/// Largest concentration at either end of an arc, as a fraction of the arc's maximum, for its
/// crosswind integral to be scored: above it the arc ends inside the plume, so the observed
/// integral misses a tail that the modelled one (over ±90°) includes. Its maximum is still
/// scored.
pub const MAX_EDGE_FRACTION: f64 = 0.1;

/// The meteorology and source of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct PgRun {
    /// Run number as written in the file.
    pub run: String,
    /// Release rate (g/s).
    pub source_rate_g_s: f64,
    /// Release height (m).
    pub source_height_m: f64,
    /// Sampler height (m).
    pub sampler_height_m: f64,
    /// Obukhov length (m).
    pub obukhov_length_m: f64,
    /// Mean wind speed at 2 m (m/s).
    pub wind_speed_2m_m_s: f64,
    /// Roughness length (m).
    pub roughness_length_m: f64,
    /// Mixing height (m), when observed.
    pub mixing_height_m: Option<f64>,
    /// Friction velocity as tabulated (m/s), when given.
    pub friction_velocity_m_s: Option<f64>,
    /// Measured σθ of the wind direction over the run (degrees), when given.
    pub sigma_theta_deg: Option<f64>,
    /// Sampling (averaging) time (s).
    pub averaging_time_s: f64,
}

/// The observed arc quantities of one run at one distance.
#[derive(Debug, Clone, PartialEq)]
pub struct ArcObservation {
    /// Run number.
    pub run: String,
    /// Arc radius (m).
    pub distance_m: f64,
    /// Number of samplers with a value.
    pub samplers: usize,
    /// Number of samplers without a value.
    pub missing: usize,
    /// Crosswind-integrated concentration per unit release rate (s m⁻²).
    pub cwic_over_q_s_m2: f64,
    /// Arc-maximum concentration per unit release rate (s m⁻³).
    pub max_over_q_s_m3: f64,
    /// The larger of the two end samplers' concentrations over the arc maximum (0 for an arc
    /// with nothing on it).
    pub edge_fraction: f64,
}

impl ArcObservation {
    /// Whether the arc spans the plume, so that its crosswind integral is scored
    /// ([`MAX_EDGE_FRACTION`]).
    pub fn spans_the_plume(&self) -> bool {
        self.edge_fraction <= MAX_EDGE_FRACTION
    }
}

/// A data directory, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Runs with meteorology, in file order.
    pub runs: Vec<PgRun>,
    /// Arc observations of those runs, by run then distance.
    pub arcs: Vec<ArcObservation>,
    /// Arcs left out, with the reason.
    pub excluded: Vec<String>,
}

/// The stability strata of the Prairie Grass report, from the Obukhov length L (m).
pub fn stability_stratum(l_m: f64) -> &'static str {
    if l_m.is_infinite() || l_m.abs() >= 100.0 {
        "neutral"
    } else if l_m < 0.0 {
        "unstable"
    } else if l_m >= 10.0 {
        "stable"
    } else {
        "very_stable"
    }
}

/// Reads `runs.csv` and `samplers.csv` from `dir` and reduces the arcs.
pub fn load_dir(dir: &Path) -> Result<Dataset, EvaluateError> {
    let (runs, without_met) = read_runs(&dir.join("runs.csv"))?;
    let listed: Vec<&str> = runs
        .iter()
        .map(|r| r.run.as_str())
        .chain(without_met.iter().map(String::as_str))
        .collect();
    let samplers = read_samplers(&dir.join("samplers.csv"), &listed)?;
    let q_by_run: HashMap<&str, f64> = runs
        .iter()
        .map(|r| (r.run.as_str(), r.source_rate_g_s))
        .collect();
    // Keyed by (numeric run order, run, distance in mm) so arcs come out by run, then distance.
    type ArcKey = (u64, String, u64);
    /// Arc radius (m), (azimuth, concentration) of samplers with a value, count of missing ones.
    type ArcSamplers = (f64, Vec<(f64, f64)>, usize);
    let mut by_arc: BTreeMap<ArcKey, ArcSamplers> = BTreeMap::new();
    for s in &samplers {
        // Arcs of runs without meteorology are ignored: they cannot be modelled.
        if !q_by_run.contains_key(s.run.as_str()) {
            continue;
        }
        let key = (
            run_order(&s.run),
            s.run.clone(),
            (s.distance_m * 1000.0).round() as u64,
        );
        let entry = by_arc.entry(key).or_insert((s.distance_m, Vec::new(), 0));
        match s.concentration_mg_m3 {
            Some(c) => entry.1.push((s.azimuth_deg, c)),
            None => entry.2 += 1,
        }
    }
    let mut arcs = Vec::new();
    let mut excluded: Vec<String> = without_met
        .iter()
        .map(|run| {
            format!("run {run}: no meteorology (obukhov_length_m or wind_speed_2m_m_s empty)")
        })
        .collect();
    for ((_, run, _), (distance_m, points, missing)) in by_arc {
        let total = points.len() + missing;
        if missing as f64 > MAX_MISSING_FRACTION * total as f64 {
            excluded.push(format!(
                "run {run}, {distance_m} m arc: {missing} of {total} samplers missing"
            ));
            continue;
        }
        if spans_one_azimuth(&points) {
            // A crosswind integral needs an arc: samplers at one azimuth give 0 whatever they
            // read (the fuzz review's "every observed value is zero").
            excluded.push(format!(
                "run {run}, {distance_m} m arc: every sampler at one azimuth (an arc needs two or more)"
            ));
            continue;
        }
        let q_mg_s = q_by_run[run.as_str()] * 1000.0;
        let (cwic_mg_m2, max_mg_m3) = reduce_arc(distance_m, &points);
        let ends = arc_order(&points);
        let edge = match (ends.first(), ends.last()) {
            (Some(a), Some(b)) if max_mg_m3 > 0.0 => a.1.max(b.1) / max_mg_m3,
            _ => 0.0,
        };
        arcs.push(ArcObservation {
            run,
            distance_m,
            samplers: points.len(),
            missing,
            cwic_over_q_s_m2: cwic_mg_m2 / q_mg_s,
            max_over_q_s_m3: max_mg_m3 / q_mg_s,
            edge_fraction: edge,
        });
    }
    if arcs.is_empty() {
        // Say why (found by the fuzz review: arcs whose every concentration was empty were
        // reported as samplers that belong to no run).
        let why = if excluded.is_empty() {
            "no sampler belongs to a run with meteorology in runs.csv".to_string()
        } else {
            format!(
                "no arc is left to score: {}",
                excluded
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
                    + if excluded.len() > 3 { "; …" } else { "" }
            )
        };
        return Err(EvaluateError::Invalid(format!("{}: {why}", dir.display())));
    }
    Ok(Dataset {
        runs,
        arcs,
        excluded,
    })
}

/// Crosswind integral (trapezoid along the arc) and maximum of one arc's samplers, given as
/// (azimuth in degrees, concentration). Azimuths may wrap through north; the arc is taken to be
/// the circle minus its largest empty gap.
pub fn reduce_arc(distance_m: f64, points: &[(f64, f64)]) -> (f64, f64) {
    let pts = arc_order(points);
    let max = pts.iter().map(|p| p.1).fold(0.0, f64::max);
    let integral = pts
        .windows(2)
        .map(|w| {
            let dtheta = (w[1].0 - w[0].0).rem_euclid(360.0).to_radians();
            0.5 * (w[0].1 + w[1].1) * distance_m * dtheta
        })
        .sum();
    (integral, max)
}

/// The samplers (azimuth in degrees, concentration) in order along the arc, which is the circle
/// minus its largest empty gap (azimuths may wrap through north).
fn arc_order(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = points
        .iter()
        .map(|&(a, c)| (a.rem_euclid(360.0), c))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = pts.len();
    if n < 2 {
        return pts;
    }
    // Start the arc just after the largest circular gap between neighbouring samplers.
    let gap = |i: usize| (pts[(i + 1) % n].0 - pts[i].0).rem_euclid(360.0);
    let widest = (0..n)
        .max_by(|&a, &b| gap(a).total_cmp(&gap(b)))
        .unwrap_or(n - 1);
    let start = (widest + 1) % n;
    (0..n).map(|k| pts[(start + k) % n]).collect()
}

/// Whether the samplers with a value stand at fewer than two distinct azimuths.
fn spans_one_azimuth(points: &[(f64, f64)]) -> bool {
    let mut azimuths = points.iter().map(|p| p.0.rem_euclid(360.0));
    match azimuths.next() {
        None => false,
        Some(first) => azimuths.all(|a| a == first),
    }
}

/// Numeric runs sort numerically; others after them in text order.
fn run_order(run: &str) -> u64 {
    run.parse::<u64>().unwrap_or(u64::MAX)
}

struct SamplerRow {
    run: String,
    distance_m: f64,
    azimuth_deg: f64,
    concentration_mg_m3: Option<f64>,
}

/// Reads the runs with meteorology, and the ids of those listed without it (an empty Obukhov
/// length or wind speed: the full experiment lists every release, met or not).
fn read_runs(path: &Path) -> Result<(Vec<PgRun>, Vec<String>), EvaluateError> {
    let t = Table::read(path)?;
    let c = |name: &str| t.column(name);
    let (run, q, hs, hr, l, u, z0, avg) = (
        c("run")?,
        c("source_rate_g_s")?,
        c("source_height_m")?,
        c("sampler_height_m")?,
        c("obukhov_length_m")?,
        c("wind_speed_2m_m_s")?,
        c("roughness_length_m")?,
        c("averaging_time_s")?,
    );
    let h = t.column("mixing_height_m").ok();
    let us = t.column("friction_velocity_m_s").ok();
    let st = t.column("sigma_azimuth_deg").ok();
    let mut runs = Vec::new();
    let mut without_met: Vec<String> = Vec::new();
    for row in &t.rows {
        let id = row.1[run].clone();
        if id.is_empty() {
            return Err(t.error(row.0, run, "", "the run id is empty"));
        }
        if runs.iter().any(|r: &PgRun| r.run == id) || without_met.contains(&id) {
            return Err(t.error(row.0, run, &id, "run listed twice"));
        }
        if row.1[l].is_empty() || row.1[u].is_empty() {
            without_met.push(id);
            continue;
        }
        let l_m = t.number(row, l, (-1e9, 1e9))?;
        if l_m.abs() < 1.0 {
            // The scenario's own limit, said here rather than in the scenario built from it.
            return Err(t.error(
                row.0,
                l,
                &row.1[l],
                "expected |L| ≥ 1 m (negative unstable, positive stable)",
            ));
        }
        runs.push(PgRun {
            run: id,
            source_rate_g_s: t.number(row, q, (1e-9, 1e9))?,
            source_height_m: t.number(row, hs, (0.0, 1000.0))?,
            // Above the ground: the sampled layer is centred on it (found by the fuzz review:
            // 0 passed here and failed inside the run's scenario, named after no file of yours).
            sampler_height_m: t.number(row, hr, (0.01, 1000.0))?,
            obukhov_length_m: l_m,
            wind_speed_2m_m_s: t.number(row, u, (0.1, 100.0))?,
            roughness_length_m: t.number(row, z0, (1e-6, 10.0))?,
            mixing_height_m: t.optional(row, h, (1.0, 10_000.0))?,
            friction_velocity_m_s: t.optional(row, us, (0.0, 10.0))?,
            sigma_theta_deg: t.optional(row, st, (0.01, 60.0))?,
            averaging_time_s: t.number(row, avg, (1.0, 86_400.0))?,
        });
    }
    if runs.is_empty() {
        return Err(EvaluateError::Invalid(format!(
            "{}: no runs with meteorology",
            t.path
        )));
    }
    Ok((runs, without_met))
}

/// Reads the samplers; each must belong to a run of `listed` (a typo such as "07" for "7" would
/// otherwise drop the run's arcs without a word).
fn read_samplers(path: &Path, listed: &[&str]) -> Result<Vec<SamplerRow>, EvaluateError> {
    let t = Table::read(path)?;
    let (run, d, az, conc) = (
        t.column("run")?,
        t.column("arc_distance_m")?,
        t.column("azimuth_deg")?,
        t.column("concentration_mg_m3")?,
    );
    t.rows
        .iter()
        .map(|row| {
            let id = &row.1[run];
            if !listed.contains(&id.as_str()) {
                return Err(t.error(row.0, run, id, "a run listed in runs.csv"));
            }
            Ok(SamplerRow {
                run: id.clone(),
                distance_m: t.number(row, d, (0.1, 1e6))?,
                azimuth_deg: t.number(row, az, (0.0, 360.0))?,
                concentration_mg_m3: t.optional(row, Some(conc), (0.0, 1e9))?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `runs.csv` into `dir`: the header, then `rows` (lines ending in \n).
    fn write_runs(dir: &Path, rows: &str) {
        std::fs::write(
            dir.join("runs.csv"),
            format!(
                "run,source_rate_g_s,source_height_m,sampler_height_m,obukhov_length_m,\
                 wind_speed_2m_m_s,roughness_length_m,averaging_time_s\n{rows}"
            ),
        )
        .unwrap();
    }

    #[test]
    fn arc_integral_is_a_trapezoid_along_the_arc_through_north() {
        // Samplers at 358°, 0° (written 360), 2°: 2° steps on a 100 m arc → spacing 100·π/90 m.
        // Trapezoid: ½(1+3)·s + ½(3+1)·s = 4 s.
        let s = 100.0 * 2f64.to_radians();
        let (cwic, max) = reduce_arc(100.0, &[(2.0, 1.0), (358.0, 1.0), (360.0, 3.0)]);
        assert!((cwic - 4.0 * s).abs() < 1e-12, "{cwic}");
        assert_eq!(max, 3.0);
    }

    #[test]
    fn missing_samplers_are_bridged_not_extrapolated() {
        // 10°, 12°, 16° on a 50 m arc with C = 2, 2, 2 → 2 · 50 · 6° in radians.
        let (cwic, _) = reduce_arc(50.0, &[(10.0, 2.0), (12.0, 2.0), (16.0, 2.0)]);
        assert!((cwic - 2.0 * 50.0 * 6f64.to_radians()).abs() < 1e-12);
    }

    #[test]
    fn arcs_missing_over_a_tenth_of_their_samplers_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        write_runs(dir.path(), "1,100,0.46,1.5,-20,4,0.006,600\n");
        // 50 m arc: 1 of 10 missing (kept); 100 m arc: 2 of 10 missing (left out).
        let mut samplers = String::from("run,arc_distance_m,azimuth_deg,concentration_mg_m3\n");
        for k in 0..10 {
            let c50 = if k == 4 { String::new() } else { "1.0".into() };
            let c100 = if k < 2 { String::new() } else { "0.5".into() };
            samplers.push_str(&format!("1,50,{},{c50}\n1,100,{},{c100}\n", 2 * k, 2 * k));
        }
        std::fs::write(dir.path().join("samplers.csv"), samplers).unwrap();
        let data = load_dir(dir.path()).unwrap();
        assert_eq!(data.arcs.len(), 1);
        assert_eq!(data.arcs[0].distance_m, 50.0);
        assert_eq!(data.arcs[0].missing, 1);
        // The gap at 8° is bridged: 1 mg/m3 over 18° of a 50 m arc, per 100 g/s.
        let expected = 50.0 * 18f64.to_radians() / 100_000.0;
        assert!((data.arcs[0].cwic_over_q_s_m2 - expected).abs() < 1e-15);
        assert_eq!(data.excluded.len(), 1);
        assert!(data.excluded[0].contains("2 of 10"), "{:?}", data.excluded);
    }

    #[test]
    fn an_arc_at_one_azimuth_is_left_out_and_named() {
        let dir = tempfile::tempdir().unwrap();
        write_runs(
            dir.path(),
            "1,100,0.46,1.5,-20,4,0.006,600
",
        );
        // 50 m: five samplers all at 360° (= 0°); 100 m: a real arc.
        let mut samplers = String::from("run,arc_distance_m,azimuth_deg,concentration_mg_m3\n");
        for k in 0..5 {
            let at = if k % 2 == 0 { 0 } else { 360 };
            samplers.push_str(&format!("1,50,{at},2.0\n1,100,{},1.0\n", 2 * k));
        }
        std::fs::write(dir.path().join("samplers.csv"), samplers).unwrap();
        let data = load_dir(dir.path()).unwrap();
        assert_eq!(data.arcs.len(), 1);
        assert_eq!(data.arcs[0].distance_m, 100.0);
        assert_eq!(data.excluded.len(), 1, "{:?}", data.excluded);
        assert!(
            data.excluded[0].contains("50 m arc: every sampler at one azimuth"),
            "{:?}",
            data.excluded
        );
    }

    #[test]
    fn runs_listed_without_meteorology_are_left_out_and_named() {
        // The full experiment lists every release; runs 2 and 3 have no L or no wind.
        let dir = tempfile::tempdir().unwrap();
        write_runs(
            dir.path(),
            "1,90,0.46,1.5,-20,4,0.006,600\n2,90,0.46,1.5,,4,0.006,600\n\
             3,90,0.46,1.5,-20,,0.006,600\n",
        );
        let mut samplers = String::from("run,arc_distance_m,azimuth_deg,concentration_mg_m3\n");
        for run in 1..=3 {
            for k in 0..5 {
                samplers.push_str(&format!("{run},50,{},1.0\n", 2 * k));
            }
        }
        std::fs::write(dir.path().join("samplers.csv"), samplers).unwrap();
        let data = load_dir(dir.path()).unwrap();
        assert_eq!(data.runs.len(), 1);
        assert!(data.arcs.iter().all(|a| a.run == "1"));
        assert_eq!(data.excluded.len(), 2, "{:?}", data.excluded);
        assert!(data.excluded[0].starts_with("run 2: no meteorology"));
        assert!(data.excluded[1].starts_with("run 3: no meteorology"));
    }

    #[test]
    fn arcs_without_a_concentration_are_named_as_such_not_as_samplers_without_a_run() {
        let dir = tempfile::tempdir().unwrap();
        write_runs(dir.path(), "1,90,0.46,1.5,-20,4,0.006,600\n");
        let mut samplers = String::from("run,arc_distance_m,azimuth_deg,concentration_mg_m3\n");
        for k in 0..5 {
            samplers.push_str(&format!("1,50,{},\n", 2 * k));
        }
        std::fs::write(dir.path().join("samplers.csv"), samplers).unwrap();
        let err = load_dir(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("no arc is left to score") && err.contains("5 of 5 samplers missing"),
            "{err}"
        );
    }

    #[test]
    fn strata_follow_the_obukhov_length_bounds() {
        assert_eq!(stability_stratum(-99.0), "unstable");
        assert_eq!(stability_stratum(-100.0), "neutral");
        assert_eq!(stability_stratum(f64::INFINITY), "neutral");
        assert_eq!(stability_stratum(150.0), "neutral");
        assert_eq!(stability_stratum(10.0), "stable");
        assert_eq!(stability_stratum(99.9), "stable");
        assert_eq!(stability_stratum(9.99), "very_stable");
    }

    #[test]
    fn bad_values_name_file_line_column_and_value() {
        let dir = tempfile::tempdir().unwrap();
        write_runs(
            dir.path(),
            "1,90,0.46,1.5,-20,4,0.006,600\n2,90,0.46,1.5,-20,fast,0.006,600\n",
        );
        std::fs::write(
            dir.path().join("samplers.csv"),
            "run,arc_distance_m,azimuth_deg,concentration_mg_m3\n",
        )
        .unwrap();
        let err = load_dir(dir.path()).unwrap_err().to_string();
        assert!(err.contains("runs.csv") && err.contains("line 3"), "{err}");
        assert!(
            err.contains("wind_speed_2m_m_s") && err.contains("`fast`"),
            "{err}"
        );
        // Values the run's own scenario would refuse are refused here, in runs.csv's terms.
        for (bad, column) in [
            ("1,90,0.46,0,-20,4,0.006,600", "sampler_height_m"),
            ("1,90,0.46,1.5,1e-320,4,0.006,600", "obukhov_length_m"),
        ] {
            write_runs(dir.path(), &format!("{bad}\n"));
            let err = load_dir(dir.path()).unwrap_err().to_string();
            assert!(
                err.contains("runs.csv") && err.contains("line 2") && err.contains(column),
                "{err}"
            );
        }
    }

    #[test]
    fn a_sampler_of_a_run_not_in_runs_csv_is_an_error_naming_its_line() {
        let dir = tempfile::tempdir().unwrap();
        write_runs(dir.path(), "7,90,0.46,1.5,-20,4,0.006,600\n");
        std::fs::write(
            dir.path().join("samplers.csv"),
            "run,arc_distance_m,azimuth_deg,concentration_mg_m3\n7,50,180,1.0\n07,50,182,2.0\n",
        )
        .unwrap();
        let err = load_dir(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("samplers.csv") && err.contains("line 3") && err.contains("`07`"),
            "{err}"
        );
    }
}
