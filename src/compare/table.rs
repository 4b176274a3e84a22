//! The comparison as a table: its cells, changes and ranks as the terminal, the CSV and the
//! JSON readers see them.

use super::Comparison;
use crate::impact::summary_text::NEGLIGIBLE_DOSE_SV;

/// A value for a table: three significant figures, empty when undefined.
pub(super) fn cell(v: Option<f64>) -> String {
    match v {
        None => String::new(),
        Some(0.0) => "0".into(),
        Some(x) if (1e-2..1e5).contains(&x.abs()) => {
            let digits = (2 - x.abs().log10().floor() as i32).max(0) as usize;
            format!("{x:.digits$}")
        }
        Some(x) => format!("{x:.2e}"),
    }
}

/// Whether `v` is a dose (unit Sv) below [`NEGLIGIBLE_DOSE_SV`], zero included: the table says
/// "not reached" rather than print a Gaussian tail's 3.76e-40 Sv and its change in per cent.
pub(super) fn not_reached(unit: &str, v: Option<f64>) -> bool {
    unit == "Sv" && v.is_some_and(|x| x < NEGLIGIBLE_DOSE_SV)
}

/// The change of `v` from the baseline `base`, in per cent ("+12 %", "−100 %", "-0.04 %",
/// "new"); a change under half a per cent keeps two decimals (found by review: a reach 0.04 %
/// shorter read "-0 %").
pub(super) fn change(base: Option<f64>, v: Option<f64>) -> String {
    match (base, v) {
        (Some(b), Some(x)) if b == x => "=".into(),
        (Some(b), Some(x)) if b != 0.0 => {
            let p = 100.0 * (x - b) / b.abs();
            match p.abs() {
                a if a >= 0.5 => format!("{p:+.0} %"),
                a if a >= 0.005 => format!("{p:+.2} %"),
                _ if p > 0.0 => "+<0.01 %".into(),
                _ => "-<0.01 %".into(),
            }
        }
        (Some(_), Some(_)) => "new".into(),
        _ => String::new(),
    }
}

/// The change of a rank from the baseline ("=", "1→2"): per cent means nothing for a rank.
pub(super) fn rank_change(base: Option<f64>, v: Option<f64>) -> String {
    match (base, v) {
        (Some(b), Some(x)) if b == x => "=".into(),
        (Some(b), Some(x)) => format!("{b}→{x}"),
        _ => String::new(),
    }
}

/// A value for the CSV: at most six significant figures, so that binary noise
/// (`2.7999999999999997e-1`) never shows; plain decimals from 1e-4 to 1e15, else an exponent.
pub(super) fn csv_number(x: f64) -> String {
    let rounded: f64 = format!("{x:.5e}")
        .parse()
        .expect("a formatted number parses");
    if rounded == 0.0 {
        "0".into()
    } else if (1e-4..1e15).contains(&rounded.abs()) {
        format!("{rounded}")
    } else {
        format!("{rounded:e}")
    }
}

impl Comparison {
    /// The options' column names: their scenario names, or, when two options share a name
    /// (a copied file with the wind changed), "name (file)" for every option.
    pub fn column_names(&self) -> Vec<String> {
        let shared = self
            .options
            .iter()
            .enumerate()
            .any(|(k, n)| self.options[..k].contains(n));
        if shared {
            self.options
                .iter()
                .zip(&self.files)
                .map(|(n, f)| format!("{n} ({f})"))
                .collect()
        } else {
            self.options.clone()
        }
    }

    /// The table as CSV: metric, unit, then one column per option.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(vec![]);
        let mut header = vec!["metric".to_string(), "unit".to_string()];
        header.extend(self.column_names());
        w.write_record(&header)
            .expect("writing to memory cannot fail");
        for r in &self.rows {
            let mut rec = vec![r.metric.clone(), r.unit.clone()];
            rec.extend(r.values.iter().map(|v| v.map_or(String::new(), csv_number)));
            w.write_record(&rec).expect("writing to memory cannot fail");
        }
        String::from_utf8(w.into_inner().expect("flushing memory cannot fail"))
            .expect("CSV of UTF-8 strings is UTF-8")
    }

    /// The table for a terminal: each option's value and, after the baseline, its change.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for (k, (name, file)) in self.options.iter().zip(&self.files).enumerate() {
            let role = if k == 0 { "baseline" } else { "option" };
            s.push_str(&format!("[{k}] {role}: {name} ({file})\n"));
        }
        for w in &self.warnings {
            s.push_str(&format!("warning: {w}\n"));
        }
        let width = self
            .rows
            .iter()
            .map(|r| r.metric.chars().count())
            .max()
            .unwrap_or(6);
        s.push_str(&format!("{:width$}  {:6}", "metric", "unit"));
        for k in 0..self.options.len() {
            s.push_str(&format!("  {:>11}", format!("[{k}]")));
            if k > 0 {
                s.push_str(&format!(" {:>8}", "change"));
            }
        }
        s.push('\n');
        for r in &self.rows {
            s.push_str(&format!("{:width$}  {:6}", r.metric, r.unit));
            // A dose not reached compares as zero: both "=", reached by one only "new" or
            // "-100 %".
            let values: Vec<Option<f64>> = r
                .values
                .iter()
                .map(|&v| {
                    if not_reached(&r.unit, v) {
                        Some(0.0)
                    } else {
                        v
                    }
                })
                .collect();
            for (k, (&v, &raw)) in values.iter().zip(&r.values).enumerate() {
                let text = if not_reached(&r.unit, raw) {
                    "not reached".into()
                } else if r.ordinal {
                    // A rank is a whole number: "2", not "2.00".
                    v.map_or(String::new(), |x| format!("{x:.0}"))
                } else {
                    cell(v)
                };
                s.push_str(&format!("  {text:>11}"));
                if k > 0 {
                    let c = if r.ordinal {
                        rank_change(values[0], v)
                    } else {
                        change(values[0], v)
                    };
                    s.push_str(&format!(" {c:>8}"));
                }
            }
            s.push('\n');
        }
        s
    }
}
