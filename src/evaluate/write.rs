//! Renders reports: CSV and JSON files, a text table and a summary line.
//!
//! The command stages the files in its output directory and moves them into place together
//! (`cli`), so a reader never sees half a report and an interrupted run leaves the previous set
//! intact.

use std::fmt::Write as _;

use super::measures::Measures;
use super::report::Report;
use super::Pair;

/// Renders a report as CSV: one row per group, each measure with its interval.
pub fn report_csv(report: &Report, label: &str) -> String {
    let mut out = String::from("evaluation,column,stratum,n_pairs,n_runs");
    for name in Measures::NAMES {
        let _ = write!(out, ",{name},{name}_low,{name}_high");
    }
    out.push_str(",meets_chang_hanna,error\n");
    for g in &report.groups {
        let _ = write!(
            out,
            "{},{},{},{},{}",
            csv_field(label),
            csv_field(&g.column),
            csv_field(&g.label),
            g.n_pairs,
            g.n_runs
        );
        for name in Measures::NAMES {
            let value = g.measures.as_ref().ok().and_then(|m| m.get(name));
            let interval = g.intervals.as_ref().and_then(|i| i.by_measure.get(name));
            let _ = write!(
                out,
                ",{},{},{}",
                number(value),
                number(interval.map(|i| i.low)),
                number(interval.map(|i| i.high))
            );
        }
        let (meets, error) = match &g.measures {
            Ok(m) => (m.meets_criteria().to_string(), String::new()),
            Err(e) => (String::new(), e.clone()),
        };
        let _ = writeln!(out, ",{meets},{}", csv_field(&error));
    }
    out
}

/// Renders a report as a fixed-width text table for a terminal.
pub fn report_table(report: &Report, title: &str) -> String {
    let mut out = format!("{title} (threshold {:.3e})\n", report.threshold);
    let _ = writeln!(
        out,
        "{:<22} {:>5} {:>4} {:>16} {:>7} {:>16} {:>7} {:>16} {:>6} {:>6} {:>6} {:>5}",
        "stratum",
        "n",
        "runs",
        "FB [95% CI]",
        "NMSE",
        "MG [95% CI]",
        "VG",
        "FAC2 [95% CI]",
        "R",
        "FMS",
        "KS",
        "RANK"
    );
    for g in &report.groups {
        let name = if g.column == "all" {
            "all".to_string()
        } else {
            format!("{}={}", g.column, g.label)
        };
        match &g.measures {
            Ok(m) => {
                let ci = |n: &str, v: f64| match g
                    .intervals
                    .as_ref()
                    .and_then(|i| i.by_measure.get(n))
                {
                    Some(i) => format!("{v:.2} [{:.2},{:.2}]", i.low, i.high),
                    None => format!("{v:.2}"),
                };
                let _ = writeln!(
                    out,
                    "{:<22} {:>5} {:>4} {:>16} {:>7.2} {:>16} {:>7.2} {:>16} {:>6.2} {:>6.1} {:>6.1} {:>5.2}{}",
                    name,
                    g.n_pairs,
                    g.n_runs,
                    ci("fb", m.fb),
                    m.nmse,
                    ci("mg", m.mg),
                    m.vg,
                    ci("fac2", m.fac2),
                    m.r,
                    m.fms,
                    m.ks,
                    m.rank,
                    if m.meets_criteria() { "  meets C&H" } else { "" }
                );
            }
            Err(e) => {
                let _ = writeln!(
                    out,
                    "{name:<22} {:>5} {:>4} not scored: {e}",
                    g.n_pairs, g.n_runs
                );
            }
        }
    }
    out
}

/// One machine-readable line: `SUMMARY model=… quantity=… n=… FB=… NMSE=… MG=… VG=… FAC2=…`.
pub fn summary_line(model: &str, quantity: &str, m: &Measures) -> String {
    format!(
        "SUMMARY model={model} quantity={quantity} n={} FB={:.4} NMSE={:.4} MG={:.4} VG={:.4} FAC2={:.4}",
        m.n, m.fb, m.nmse, m.mg, m.vg, m.fac2
    )
}

/// Renders pairs as the CSV that `plume evaluate pairs` reads: `run`, the stratum columns (those
/// of the first pair), `observed`, `modelled`.
pub fn pairs_csv(pairs: &[Pair]) -> String {
    let columns: Vec<&String> = pairs.first().map_or(vec![], |p| p.strata.keys().collect());
    let mut out = String::from("run");
    for c in &columns {
        let _ = write!(out, ",{}", csv_field(c));
    }
    out.push_str(",observed,modelled\n");
    for p in pairs {
        out.push_str(&csv_field(&p.run));
        for c in &columns {
            let label = p.strata.get(*c).map_or("", String::as_str);
            let _ = write!(out, ",{}", csv_field(label));
        }
        let _ = writeln!(out, ",{:e},{:e}", p.observed, p.modelled);
    }
    out
}

fn number(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x}"),
        _ => String::new(),
    }
}

pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::pairs::read_pairs;
    use crate::evaluate::report::{evaluate, EvaluationOptions};
    use crate::evaluate::Pair;
    use std::collections::BTreeMap;

    fn report() -> Report {
        let pairs: Vec<Pair> = (0..4)
            .map(|i| Pair {
                run: format!("r{i}"),
                strata: BTreeMap::new(),
                observed: 1.0 + i as f64,
                modelled: 2.0 + i as f64,
            })
            .collect();
        evaluate(
            &pairs,
            &EvaluationOptions {
                replicates: 50,
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn csv_has_a_row_per_group_and_a_column_per_bound() {
        let csv = report_csv(&report(), "x");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2);
        let header: Vec<&str> = lines[0].split(',').collect();
        let row: Vec<&str> = lines[1].split(',').collect();
        assert_eq!(header.len(), row.len());
        let fb = header.iter().position(|h| *h == "fb").unwrap();
        // C̄o = 2.5, C̄p = 3.5 → FB = −1/3.
        assert!((row[fb].parse::<f64>().unwrap() + 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn summary_line_carries_the_five_measures() {
        let r = report();
        let line = summary_line("gaussian", "cwic", r.overall().measures.as_ref().unwrap());
        for key in ["FB=", "NMSE=", "MG=", "VG=", "FAC2="] {
            assert!(line.contains(key), "{line}");
        }
        assert!(line.starts_with("SUMMARY model=gaussian quantity=cwic n=4 "));
    }

    #[test]
    fn pairs_csv_reads_back_as_the_same_pairs() {
        let pairs: Vec<Pair> = (0..3)
            .map(|i| Pair {
                run: format!("trial {i}"),
                strata: BTreeMap::from([
                    ("site".to_string(), format!("s,{i}")),
                    ("arc".to_string(), String::new()),
                ]),
                observed: 0.1 * i as f64,
                modelled: 1.0 / 3.0 + i as f64,
            })
            .collect();
        let csv = pairs_csv(&pairs);
        assert!(csv.starts_with("run,arc,site,observed,modelled\n"), "{csv}");
        assert_eq!(read_pairs(csv.as_bytes(), "p.csv").unwrap(), pairs);
    }
}
