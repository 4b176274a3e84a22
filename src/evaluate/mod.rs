//! Model evaluation: scores a model against observations the way the dispersion field does.
//!
//! A set of [`Pair`]s (one observed and one modelled value, the run they belong to and any
//! strata such as distance or stability) is scored with the measures of Chang & Hanna (2004) and
//! the DATEM measures of Draxler (2006) ([`measures`]), with 95 % bootstrap intervals that
//! resample whole runs ([`bootstrap`]), overall and by stratum ([`report`]). Reports are written
//! as CSV and JSON ([`write`](mod@write)) and as a scatter plot ([`plot`]). [`prairie_grass`] builds the
//! pairs for the Project Prairie Grass experiment (Barad 1958) by running plume's models;
//! [`observations`] builds them from plume output files ([`gridded`]) read at observation points.
//!
//! The library never prints; the CLI (`plume evaluate`) reads, calls and writes.

pub mod bootstrap;
pub mod cli;
mod csv_table;
pub mod gridded;
pub mod measures;
pub mod observations;
pub mod pairs;
pub mod plot;
pub mod prairie_grass;
pub mod report;
pub mod write;

pub use bootstrap::{bootstrap_intervals, Interval, SplitMix64};
pub use measures::{compute, Measures};
pub use observations::{pair_outputs, read_observations, PointPair, PointPairs};
pub use pairs::{read_pairs_csv, Pair};
pub use report::{evaluate, EvaluationOptions, Report, StratumReport};

/// Everything that can go wrong while evaluating.
#[derive(Debug, thiserror::Error)]
pub enum EvaluateError {
    /// An input file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A CSV value or header is wrong; names the file, line, column and value.
    #[error("{path}, line {line}, column `{column}`: {message} (value `{value}`)")]
    Csv {
        path: String,
        line: u64,
        column: String,
        value: String,
        message: String,
    },
    /// The data cannot be scored (empty, negative, mismatched, zero means).
    #[error("{0}")]
    Invalid(String),
    /// A model run needed for the evaluation failed.
    #[error("model {model}, run {run}: {message}")]
    Model {
        model: String,
        run: String,
        message: String,
    },
    /// A model output file is not what was expected (not a plume output, no such variable).
    #[error("{path}: {message}")]
    Gridded { path: String, message: String },
    /// The plot could not be drawn.
    #[error("plot {path}: {message}")]
    Plot { path: String, message: String },
    /// The output directory or a file in it could not be written.
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
}

impl EvaluateError {
    /// Whether the input is at fault (a bad value, column or option, data that cannot be
    /// scored, a file that is not a plume output): the CLI exits 2 for these, 1 otherwise.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            EvaluateError::Csv { .. } | EvaluateError::Invalid(_) | EvaluateError::Gridded { .. }
        )
    }
}
