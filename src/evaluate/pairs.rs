//! Paired model and observed values, and the CSV that carries them.
//!
//! The CSV has a header line and one pair per line. Columns (any order, names case-sensitive):
//!
//! | column | meaning |
//! |---|---|
//! | `run` | the run (trial, release, experiment) the pair belongs to; bootstrap resamples runs |
//! | `observed` | the observed value (≥ 0, any unit shared with `modelled`) |
//! | `modelled` | the modelled value (≥ 0) |
//! | anything else | a stratum label (for example `distance_m`, `stability`), kept as text |
//!
//! Empty lines are skipped. Every error names the file, line, column and value.

use std::collections::BTreeMap;
use std::path::Path;

use super::EvaluateError;

/// One observed value and the model's value for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The run the pair belongs to.
    pub run: String,
    /// Stratum labels by column name.
    pub strata: BTreeMap<String, String>,
    /// Observed value.
    pub observed: f64,
    /// Modelled value.
    pub modelled: f64,
}

/// Reads pairs from a CSV file laid out as the module documentation describes.
pub fn read_pairs_csv(path: &Path) -> Result<Vec<Pair>, EvaluateError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| match source.kind() {
        // A file that is not there is the user's mistake, like a scenario file that is not
        // (exit 2): found by review.
        std::io::ErrorKind::NotFound => EvaluateError::Invalid(format!(
            "{shown}: no such file: expected a CSV file of observed/modelled pairs"
        )),
        _ => EvaluateError::Io {
            path: shown.clone(),
            source,
        },
    })?;
    read_pairs(file, &shown)
}

/// Reads pairs from any reader; `name` is the file name used in error messages.
pub fn read_pairs(reader: impl std::io::Read, name: &str) -> Result<Vec<Pair>, EvaluateError> {
    let mut csv = csv::ReaderBuilder::new()
        // Values are trimmed after the one-line check (a trailing line break is a quote
        // left open).
        .trim(csv::Trim::Headers)
        .flexible(false)
        .from_reader(reader);
    let header_error = |message: String, value: String| EvaluateError::Csv {
        path: name.to_string(),
        line: 1,
        column: "(header)".into(),
        value,
        message,
    };
    let headers = csv
        .headers()
        .map_err(|e| header_error(e.to_string(), String::new()))?
        .clone();
    let find = |col: &str| {
        headers.iter().position(|h| h == col).ok_or_else(|| {
            header_error(
                format!("missing column `{col}`; need `run`, `observed` and `modelled`"),
                headers.iter().collect::<Vec<_>>().join(","),
            )
        })
    };
    if let Some(twice) = super::csv_table::duplicate(headers.iter()) {
        return Err(header_error(
            format!("column `{twice}` named twice (which one is meant?)"),
            headers.iter().collect::<Vec<_>>().join(","),
        ));
    }
    let (i_run, i_obs, i_mod) = (find("run")?, find("observed")?, find("modelled")?);
    let names: Vec<String> = headers.iter().map(String::from).collect();

    let mut pairs = Vec::new();
    for record in csv.records() {
        let record = record.map_err(|e| EvaluateError::Csv {
            path: name.to_string(),
            line: e.position().map_or(0, |p| p.line()),
            column: "(record)".into(),
            value: String::new(),
            message: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        super::csv_table::on_one_line(&record, &names, name, line)?;
        let mut record = record;
        record.trim();
        if record.iter().all(str::is_empty) {
            continue;
        }
        let number = |i: usize| -> Result<f64, EvaluateError> {
            let text = &record[i];
            let bad = |message: &str| EvaluateError::Csv {
                path: name.to_string(),
                line,
                column: headers[i].to_string(),
                value: text.to_string(),
                message: message.to_string(),
            };
            let v: f64 = text.parse().map_err(|_| bad("not a number"))?;
            if !v.is_finite() || v < 0.0 {
                return Err(bad("must be a finite, non-negative number"));
            }
            Ok(v)
        };
        let run = record[i_run].to_string();
        if run.is_empty() {
            return Err(EvaluateError::Csv {
                path: name.to_string(),
                line,
                column: "run".into(),
                value: String::new(),
                message: "the run id is empty".into(),
            });
        }
        let strata = headers
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != i_run && i != i_obs && i != i_mod)
            .map(|(i, h)| (h.to_string(), record[i].to_string()))
            .collect();
        pairs.push(Pair {
            run,
            strata,
            observed: number(i_obs)?,
            modelled: number(i_mod)?,
        });
    }
    if pairs.is_empty() {
        return Err(EvaluateError::Invalid(format!("{name}: no pairs")));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pairs_with_strata_in_any_column_order() {
        let text = "observed,distance_m,run,modelled\n1.5,50,r1,2\n\n0.25,100,r2,0.5\n";
        let pairs = read_pairs(text.as_bytes(), "t.csv").unwrap();
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[1].run, "r2");
        assert_eq!(pairs[1].observed, 0.25);
        assert_eq!(pairs[1].modelled, 0.5);
        assert_eq!(pairs[0].strata["distance_m"], "50");
    }

    #[test]
    fn a_column_named_twice_is_refused() {
        // Found by review: the second `observed` column was silently ignored.
        let text = "run,observed,modelled,observed\nr1,1,2,40\n";
        let err = read_pairs(text.as_bytes(), "obs.csv")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("obs.csv") && err.contains("`observed` named twice"),
            "{err}"
        );
    }

    #[test]
    fn errors_name_file_line_column_and_value() {
        let text = "run,observed,modelled\nr1,1,2\nr2,abc,2\n";
        let err = read_pairs(text.as_bytes(), "obs.csv")
            .unwrap_err()
            .to_string();
        assert!(err.contains("obs.csv"), "{err}");
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("`observed`"), "{err}");
        assert!(err.contains("`abc`"), "{err}");

        let neg = "run,observed,modelled\nr1,1,-2\n";
        let err = read_pairs(neg.as_bytes(), "obs.csv")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2") && err.contains("`modelled`") && err.contains("`-2`"));

        let missing = "run,observed\nr1,1\n";
        let err = read_pairs(missing.as_bytes(), "obs.csv")
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing column `modelled`"), "{err}");

        let ragged = "run,observed,modelled\nr1,1\n";
        assert!(read_pairs(ragged.as_bytes(), "obs.csv").is_err());
    }
}
