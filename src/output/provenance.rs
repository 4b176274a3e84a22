//! Who made an output, with what and how: the provenance every file of a run records (the
//! netCDF global attributes and `history`, the GeoJSON, KML and CAP metadata).

use std::path::Path;

use chrono::{DateTime, Utc};

/// Who made the file, with what, and how.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub engine_version: String,
    pub model: String,
    pub seed: Option<u64>,
    /// The backend and adapter that ran the model (e.g. "cpu (rayon, 2 threads)").
    pub backend: String,
    pub created: DateTime<Utc>,
    /// The plume command that made the file ("run", "ensemble"), for the `history` attribute.
    pub command: &'static str,
    /// The settings of that command that shaped the file beyond the scenario file
    /// ("members = 50, seed = 0, …"); empty for a plain run.
    pub settings: String,
}

impl Provenance {
    /// Provenance of `plume run` for this build of plume, now.
    pub fn now(model: &str, seed: Option<u64>, backend: &str) -> Self {
        Provenance {
            engine_version: format!("plume {}", env!("CARGO_PKG_VERSION")),
            model: model.to_string(),
            seed,
            backend: backend.to_string(),
            created: Utc::now(),
            command: "run",
            settings: String::new(),
        }
    }

    /// The same provenance for another command and its settings.
    pub fn of_command(self, command: &'static str, settings: String) -> Self {
        Provenance {
            command,
            settings,
            ..self
        }
    }

    /// The CF `history` line: when, which plume, which command on which file, with what.
    pub fn history(&self, scenario_file: &Path) -> String {
        let mut line = format!(
            "{} {} {} {}",
            self.created.to_rfc3339(),
            self.engine_version,
            self.command,
            scenario_file.display()
        );
        if !self.settings.is_empty() {
            line += &format!(" with {}", self.settings);
        }
        line
    }
}
