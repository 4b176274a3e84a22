//! A CSV file read into rows of text with named columns, whose parse errors name the file, line,
//! column and value.

use std::path::Path;

use super::EvaluateError;

/// A CSV file with named columns and errors that name file, line, column and value.
pub(crate) struct Table {
    /// The file name as shown in errors.
    pub(crate) path: String,
    /// Column names.
    pub(crate) headers: Vec<String>,
    /// (line number, fields) of every non-empty record.
    pub(crate) rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    /// Reads a whole file.
    pub(crate) fn read(path: &Path) -> Result<Table, EvaluateError> {
        let shown = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|source| EvaluateError::Io {
            path: shown.clone(),
            source,
        })?;
        let mut csv = csv::ReaderBuilder::new()
            // Values are trimmed after the one-line check (a trailing line break is a quote
            // left open).
            .trim(csv::Trim::Headers)
            .from_reader(file);
        let csv_err = |e: csv::Error| EvaluateError::Csv {
            path: shown.clone(),
            line: e.position().map_or(0, |p| p.line()),
            column: "(record)".into(),
            value: String::new(),
            message: e.to_string(),
        };
        let headers: Vec<String> = csv
            .headers()
            .map_err(csv_err)?
            .iter()
            .map(String::from)
            .collect();
        if let Some(twice) = duplicate(headers.iter().map(String::as_str)) {
            return Err(EvaluateError::Csv {
                path: shown,
                line: 1,
                column: twice.into(),
                value: headers.join(","),
                message: "a column named twice (which one is meant?)".into(),
            });
        }
        let mut rows = Vec::new();
        for record in csv.records() {
            let mut record = record.map_err(csv_err)?;
            let line = record.position().map_or(0, |p| p.line());
            on_one_line(&record, &headers, &shown, line)?;
            record.trim();
            if record.iter().all(str::is_empty) {
                continue;
            }
            rows.push((line, record.iter().map(String::from).collect()));
        }
        Ok(Table {
            path: shown,
            headers,
            rows,
        })
    }

    /// Index of the column `name`, or an error naming the file and the columns present.
    pub(crate) fn column(&self, name: &str) -> Result<usize, EvaluateError> {
        self.headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| EvaluateError::Csv {
                path: self.path.clone(),
                line: 1,
                column: name.into(),
                value: self.headers.join(","),
                message: "missing column".into(),
            })
    }

    /// An error at a row and column.
    pub(crate) fn error(&self, line: u64, col: usize, value: &str, message: &str) -> EvaluateError {
        EvaluateError::Csv {
            path: self.path.clone(),
            line,
            column: self.headers[col].clone(),
            value: value.into(),
            message: message.into(),
        }
    }

    /// Parses a number in `range` (inclusive) at column `col` of a row.
    pub(crate) fn number(
        &self,
        row: &(u64, Vec<String>),
        col: usize,
        range: (f64, f64),
    ) -> Result<f64, EvaluateError> {
        let text = &row.1[col];
        let v: f64 = text
            .parse()
            .map_err(|_| self.error(row.0, col, text, "not a number"))?;
        if !(v.is_finite() && v >= range.0 && v <= range.1) {
            return Err(self.error(
                row.0,
                col,
                text,
                &match range {
                    (f64::MIN, f64::MAX) => "must be a finite number".to_string(),
                    (lo, f64::MAX) => format!("must be a finite number ≥ {lo}"),
                    (lo, hi) => format!("must lie in [{lo}, {hi}]"),
                },
            ));
        }
        Ok(v)
    }

    /// Parses an optional number: an absent column or an empty field is `None`.
    pub(crate) fn optional(
        &self,
        row: &(u64, Vec<String>),
        col: Option<usize>,
        range: (f64, f64),
    ) -> Result<Option<f64>, EvaluateError> {
        match col {
            Some(c) if !row.1[c].is_empty() => self.number(row, c, range).map(Some),
            _ => Ok(None),
        }
    }
}

/// The first name that occurs twice in a header, if any.
pub(crate) fn duplicate<'a>(names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut seen = std::collections::HashSet::new();
    names.into_iter().find(|n| !seen.insert(*n))
}

/// Refuses a record with a value across lines: a quote left open joins the lines up to the
/// next quote into one value, and the records in between are lost without a word (found by
/// review).
pub(crate) fn on_one_line(
    record: &csv::StringRecord,
    headers: &[String],
    path: &str,
    line: u64,
) -> Result<(), EvaluateError> {
    let Some((k, v)) = record
        .iter()
        .enumerate()
        .find(|(_, v)| v.contains(['\n', '\r']))
    else {
        return Ok(());
    };
    let start: String = v.chars().take(60).collect();
    Err(EvaluateError::Csv {
        path: path.to_string(),
        line,
        column: headers
            .get(k)
            .cloned()
            .unwrap_or_else(|| (k + 1).to_string()),
        value: format!("{start:?}"),
        message: "a value on one line (a quote left open joins the lines that follow into it)"
            .into(),
    })
}
