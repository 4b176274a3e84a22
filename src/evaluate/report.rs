//! Scores pairs overall and by stratum, with bootstrap intervals.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::bootstrap::{bootstrap_intervals, Intervals};
use super::measures::{compute, Measures};
use super::{EvaluateError, Pair};

/// How to score.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationOptions {
    /// Lower bound for MG and VG and detection limit for FAC2 and FMS; `None` takes the smallest
    /// positive observed value (the data set's own effective detection limit).
    pub threshold: Option<f64>,
    /// Bootstrap replicates (0 disables intervals).
    pub replicates: usize,
    /// Bootstrap seed.
    pub seed: u64,
    /// Stratum columns to report separately (each column on its own, not crossed).
    pub stratify_by: Vec<String>,
}

impl Default for EvaluationOptions {
    fn default() -> Self {
        Self {
            threshold: None,
            replicates: 1000,
            seed: 20040101,
            stratify_by: Vec::new(),
        }
    }
}

/// The scores of one group of pairs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StratumReport {
    /// Stratum column (`all` for the whole set).
    pub column: String,
    /// Stratum label (`all` for the whole set).
    pub label: String,
    /// Number of pairs.
    pub n_pairs: usize,
    /// Number of distinct runs.
    pub n_runs: usize,
    /// The measures, or why they could not be computed (serialised as the measures, or as
    /// `{"error": "…"}`).
    #[serde(serialize_with = "measures_or_error")]
    pub measures: Result<Measures, String>,
    /// 95 % bootstrap intervals (None with fewer than two runs).
    pub intervals: Option<Intervals>,
}

fn measures_or_error<S: serde::Serializer>(
    value: &Result<Measures, String>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    match value {
        Ok(m) => m.serialize(serializer),
        Err(e) => {
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry("error", e)?;
            map.end()
        }
    }
}

/// A full evaluation: overall and per stratum.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The threshold used.
    pub threshold: f64,
    /// Bootstrap seed.
    pub seed: u64,
    /// Overall scores, then each stratum of each requested column in natural order.
    pub groups: Vec<StratumReport>,
}

impl Report {
    /// The overall group.
    pub fn overall(&self) -> &StratumReport {
        &self.groups[0]
    }
}

/// Scores `pairs` overall and by every column in `options.stratify_by`.
pub fn evaluate(pairs: &[Pair], options: &EvaluationOptions) -> Result<Report, EvaluateError> {
    if pairs.is_empty() {
        return Err(EvaluateError::Invalid("no pairs to evaluate".into()));
    }
    let threshold = match options.threshold {
        Some(t) if t.is_finite() && t > 0.0 => t,
        Some(t) => {
            let why = "must be a finite positive concentration (the floor of the log measures)";
            return Err(EvaluateError::Invalid(format!("threshold {t} {why}")));
        }
        None => pairs
            .iter()
            .map(|p| p.observed)
            .filter(|&o| o > 0.0)
            .min_by(f64::total_cmp)
            .ok_or_else(|| EvaluateError::Invalid("every observed value is zero".into()))?,
    };
    for column in &options.stratify_by {
        if column == "observed" || column == "modelled" {
            return Err(EvaluateError::Invalid(format!(
                "--by {column}: `{column}` holds the values scored, not a stratum: expected `run` or another column of the file"
            )));
        }
        if let Some(p) = pairs.iter().find(|p| stratum(p, column).is_none()) {
            return Err(EvaluateError::Invalid(format!(
                "--by {column}: the file has no column `{column}` (found for run {}: {})",
                p.run,
                ["run"]
                    .into_iter()
                    .chain(p.strata.keys().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let mut groups = vec![score_group("all", "all", pairs, threshold, options)?];
    for column in &options.stratify_by {
        let labels: BTreeSet<&str> = pairs.iter().filter_map(|p| stratum(p, column)).collect();
        let mut labels: Vec<&str> = labels.into_iter().collect();
        labels.sort_by(|a, b| natural_order(a, b));
        for label in labels {
            let subset: Vec<Pair> = pairs
                .iter()
                .filter(|p| stratum(p, column) == Some(label))
                .cloned()
                .collect();
            groups.push(score_group(column, label, &subset, threshold, options)?);
        }
    }
    Ok(Report {
        threshold,
        seed: options.seed,
        groups,
    })
}

/// The stratum of `p` by `column`: its run for `run` (one group per run), else the column's
/// value (found by the fuzz review: `--by run` said the file had no `run` column).
fn stratum<'a>(p: &'a Pair, column: &str) -> Option<&'a str> {
    if column == "run" {
        Some(&p.run)
    } else {
        p.strata.get(column).map(String::as_str)
    }
}

fn score_group(
    column: &str,
    label: &str,
    pairs: &[Pair],
    threshold: f64,
    options: &EvaluationOptions,
) -> Result<StratumReport, EvaluateError> {
    let observed: Vec<f64> = pairs.iter().map(|p| p.observed).collect();
    let modelled: Vec<f64> = pairs.iter().map(|p| p.modelled).collect();
    let measures = compute(&observed, &modelled, threshold).map_err(|e| e.to_string());
    let intervals = if measures.is_ok() {
        bootstrap_intervals(pairs, threshold, options.replicates, options.seed)?
    } else {
        None
    };
    let runs: BTreeSet<&str> = pairs.iter().map(|p| p.run.as_str()).collect();
    Ok(StratumReport {
        column: column.to_string(),
        label: label.to_string(),
        n_pairs: pairs.len(),
        n_runs: runs.len(),
        measures,
        intervals,
    })
}

/// Orders labels: numbers first, by value (ties by text, so "50" and "50.0" stay distinct), then
/// the other labels as text. A total order, whatever mix of labels a column holds.
fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering::{Greater, Less};
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
        (Ok(_), Err(_)) => Less,
        (Err(_), Ok(_)) => Greater,
        _ => a.cmp(b),
    }
}

/// Counts pairs per label of a column (for callers that report stratum sizes).
pub fn label_counts(pairs: &[Pair], column: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for p in pairs {
        if let Some(label) = stratum(p, column) {
            *counts.entry(label.to_string()).or_insert(0) += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(run: &str, distance: &str, o: f64, m: f64) -> Pair {
        Pair {
            run: run.into(),
            strata: BTreeMap::from([("distance_m".to_string(), distance.to_string())]),
            observed: o,
            modelled: m,
        }
    }

    #[test]
    fn strata_are_scored_separately_in_numeric_order() {
        // At 50 m the model is perfect; at 100 m it is twice too high (MG = 0.5 exactly).
        let pairs = vec![
            pair("a", "100", 1.0, 2.0),
            pair("a", "50", 4.0, 4.0),
            pair("b", "100", 0.5, 1.0),
            pair("b", "50", 2.0, 2.0),
        ];
        let options = EvaluationOptions {
            stratify_by: vec!["distance_m".into()],
            replicates: 200,
            ..Default::default()
        };
        let report = evaluate(&pairs, &options).unwrap();
        assert_eq!(report.threshold, 0.5);
        let labels: Vec<&str> = report.groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["all", "50", "100"]);
        let near = report.groups[1].measures.as_ref().unwrap();
        let far = report.groups[2].measures.as_ref().unwrap();
        assert_eq!(near.mg, 1.0);
        assert!((far.mg - 0.5).abs() < 1e-12);
        assert_eq!(report.groups[2].n_runs, 2);
        assert_eq!(label_counts(&pairs, "distance_m")["50"], 2);

        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["groups"][2]["measures"]["mg"], 0.5);
        assert_eq!(json["groups"][0]["label"], "all");
    }

    #[test]
    fn mixed_numeric_and_text_labels_sort_numbers_first_without_panicking() {
        // A comparator that mixed numeric and text order was not a total order: Rust's sort
        // panicked on label sets like these (found by review).
        let labels = [
            "12", "159", "164", "165", "179", "237", "262", "323", "349", "438", "48", "546m",
            "570", "607", "627", "707m", "780", "788", "848", "88", "909", "9", "79",
        ];
        let pairs: Vec<Pair> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| pair(&format!("r{i}"), l, 1.0, 1.0))
            .collect();
        let options = EvaluationOptions {
            stratify_by: vec!["distance_m".into()],
            replicates: 10,
            ..Default::default()
        };
        let report = evaluate(&pairs, &options).unwrap();
        let got: Vec<&str> = report.groups[1..]
            .iter()
            .map(|g| g.label.as_str())
            .collect();
        assert_eq!(&got[..4], ["9", "12", "48", "79"]);
        assert_eq!(&got[got.len() - 2..], ["546m", "707m"]);
    }

    #[test]
    fn a_threshold_that_is_not_positive_is_refused_before_scoring() {
        let pairs = vec![pair("a", "50", 1.0, 1.0)];
        for t in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let options = EvaluationOptions {
                threshold: Some(t),
                ..Default::default()
            };
            let e = evaluate(&pairs, &options).unwrap_err().to_string();
            assert!(e.contains("threshold"), "{t}: {e}");
        }
    }

    #[test]
    fn a_missing_stratum_column_is_an_error() {
        let pairs = vec![pair("a", "50", 1.0, 1.0)];
        let options = EvaluationOptions {
            stratify_by: vec!["stability".into()],
            ..Default::default()
        };
        let err = evaluate(&pairs, &options).unwrap_err().to_string();
        assert!(
            err.contains("no column `stability`") && err.contains("run, distance_m"),
            "{err}"
        );
        let values = EvaluationOptions {
            stratify_by: vec!["observed".into()],
            ..Default::default()
        };
        let err = evaluate(&pairs, &values).unwrap_err().to_string();
        assert!(err.contains("holds the values scored"), "{err}");
    }

    #[test]
    fn by_run_scores_each_run_apart() {
        let pairs = vec![pair("a", "50", 1.0, 1.0), pair("b", "50", 1.0, 2.0)];
        let options = EvaluationOptions {
            stratify_by: vec!["run".into()],
            replicates: 0,
            ..Default::default()
        };
        let r = evaluate(&pairs, &options).unwrap();
        let labels: Vec<&str> = r.groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["all", "a", "b"]);
        assert_eq!(label_counts(&pairs, "run")["b"], 1);
    }
}
