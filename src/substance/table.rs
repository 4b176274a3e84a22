//! Reading the embedded and user-supplied substance tables: a CSV helper that names the file,
//! row and column in every error.

use std::collections::HashMap;

/// Why a substance table or user substance file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SubstanceError {
    #[error("cannot read substance file {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: cannot parse: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: missing column `{column}`")]
    MissingColumn { file: String, column: String },
    #[error("{file}: {location}: `{field}` = {value:?}: expected {expected}")]
    Field {
        file: String,
        /// `row 3` for CSV, `nuclide[2]` for TOML.
        location: String,
        field: String,
        value: String,
        expected: String,
    },
    /// Every problem of a file, none hiding another.
    #[error("{} problems: {}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Several(Vec<SubstanceError>),
}

impl SubstanceError {
    /// The problems it holds, one per mistake.
    pub fn problems(&self) -> Vec<&SubstanceError> {
        match self {
            SubstanceError::Several(list) => list.iter().collect(),
            other => vec![other],
        }
    }
}

/// A parsed CSV table with named columns.
pub(crate) struct Table {
    pub file: String,
    header: HashMap<String, usize>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Parses CSV text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Table, SubstanceError> {
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let parse_err = |e: csv::Error| SubstanceError::Parse {
            file: file.to_string(),
            message: e.to_string(),
        };
        let header = rdr
            .headers()
            .map_err(parse_err)?
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().to_string(), i))
            .collect();
        let rows = rdr
            .records()
            .map(|r| r.map(|r| r.iter().map(|s| s.trim().to_string()).collect()))
            .collect::<Result<Vec<Vec<String>>, _>>()
            .map_err(parse_err)?;
        Ok(Table {
            file: file.to_string(),
            header,
            rows,
        })
    }

    /// The index of a column, or an error naming it.
    pub fn col(&self, name: &str) -> Result<usize, SubstanceError> {
        self.header
            .get(name)
            .copied()
            .ok_or_else(|| SubstanceError::MissingColumn {
                file: self.file.clone(),
                column: name.to_string(),
            })
    }

    /// The text of a cell (empty when the row is short).
    pub fn text<'a>(&self, row: &'a [String], col: usize) -> &'a str {
        row.get(col).map_or("", |s| s.as_str())
    }

    fn field_error(
        &self,
        row_index: usize,
        name: &str,
        value: &str,
        expected: &str,
    ) -> SubstanceError {
        SubstanceError::Field {
            file: self.file.clone(),
            location: format!("row {}", row_index + 2),
            field: name.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        }
    }

    /// A required finite number in `[min, max]`.
    pub fn number(
        &self,
        row_index: usize,
        name: &str,
        min: f64,
        max: f64,
    ) -> Result<f64, SubstanceError> {
        let col = self.col(name)?;
        let s = self.text(&self.rows[row_index], col);
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= min && v <= max => Ok(v),
            _ => Err(self.field_error(
                row_index,
                name,
                s,
                &format!("a number in [{min:e}, {max:e}]"),
            )),
        }
    }

    /// An optional finite number in `[min, max]`: empty or `NR` (not recommended) give `None`.
    pub fn optional_number(
        &self,
        row_index: usize,
        name: &str,
        min: f64,
        max: f64,
    ) -> Result<Option<f64>, SubstanceError> {
        let col = self.col(name)?;
        let s = self.text(&self.rows[row_index], col);
        if s.is_empty() || s.eq_ignore_ascii_case("nr") {
            return Ok(None);
        }
        self.number(row_index, name, min, max).map(Some)
    }

    /// A required non-empty text cell.
    pub fn required_text(&self, row_index: usize, name: &str) -> Result<String, SubstanceError> {
        let col = self.col(name)?;
        let s = self.text(&self.rows[row_index], col);
        if s.is_empty() {
            Err(self.field_error(row_index, name, s, "a non-empty value"))
        } else {
            Ok(s.to_string())
        }
    }

    /// An error for a cell whose text is not one of the accepted values.
    pub fn invalid(
        &self,
        row_index: usize,
        name: &str,
        value: &str,
        expected: &str,
    ) -> SubstanceError {
        self.field_error(row_index, name, value, expected)
    }
}

/// Lower-case alphanumerics only, so "I-131", "i131" and "I 131" compare equal.
pub fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}
