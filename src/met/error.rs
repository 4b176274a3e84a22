//! Errors and warnings of the meteorology readers, each naming the file and the variable.

use std::fmt;
use std::path::PathBuf;

/// Why a meteorology file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum MetError {
    #[error("cannot read meteorology file {}: {source}", file.display())]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A value in a station file is unreadable or out of range.
    #[error("{}:{line}: column {column} = {value:?}: expected {expected}", file.display())]
    Value {
        file: PathBuf,
        /// 1-based line in the file.
        line: u64,
        column: String,
        value: String,
        expected: String,
    },
    /// Several values of a station file are unreadable or out of range: each row's first
    /// problem, up to [`MAX_ROW_PROBLEMS`] rows (found by review: `plume check` named one
    /// bad row at a time).
    #[error("{}", rows.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Rows { rows: Vec<MetError> },
    /// A required column, variable or attribute is absent.
    #[error("{}: variable {variable} is missing: expected {expected}", file.display())]
    Missing {
        file: PathBuf,
        variable: String,
        expected: String,
    },
    /// A variable carries units the reader does not accept.
    #[error("{}: variable {variable} has units {found:?}: expected {expected}", file.display())]
    Units {
        file: PathBuf,
        variable: String,
        found: String,
        expected: String,
    },
    /// A variable's shape, order or values are wrong (non-monotonic coordinate, NaN, …).
    #[error("{}: variable {variable}: {problem}", file.display())]
    Invalid {
        file: PathBuf,
        variable: String,
        problem: String,
    },
    /// The file format library failed (not HDF5, truncated, …).
    #[error("{}: {detail}", file.display())]
    Format { file: PathBuf, detail: String },
}

impl MetError {
    /// Whether the file's content is at fault — its format, columns or variables, units, values,
    /// order, or coverage of the run's period and region — which is the user's input to fix
    /// (`plume` exits with 2), rather than reading it (permissions, a failing disk: exit 1).
    pub fn is_invalid_content(&self) -> bool {
        !matches!(self, MetError::Io { .. })
    }
}

/// The most bad rows of a station file reported together ([`MetError::Rows`]).
pub const MAX_ROW_PROBLEMS: usize = 20;

/// Something in a meteorology file that the reader worked around, reported once to the caller
/// (the library never prints).
#[derive(Debug, Clone, PartialEq)]
pub struct MetWarning {
    pub file: PathBuf,
    pub message: String,
}

impl fmt::Display for MetWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_content_is_invalid_input_and_unreadable_files_are_not() {
        let file = PathBuf::from("met.csv");
        let content = MetError::Format {
            file: file.clone(),
            detail: "is text".into(),
        };
        assert!(content.is_invalid_content());
        let io = MetError::Io {
            file,
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        assert!(!io.is_invalid_content());
    }
}
