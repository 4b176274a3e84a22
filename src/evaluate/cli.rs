//! The `plume evaluate` command: its arguments and what it does, returning the text for `main`
//! to print (the library itself never prints).
//!
//! ```text
//! plume evaluate pairs FILE.csv [--by COLUMN]... [-o|--out DIR] [--threshold T] [--seed S]
//! plume evaluate output RUN.nc [RUN2.nc ...] --observations OBS.csv [--variable NAME]
//!                       [--by COLUMN]... [-o|--out DIR] [--threshold T] [--seed S]
//! plume evaluate prairie-grass DATA_DIR [-o|--out DIR] [--seed S]
//! ```
//!
//! `pairs` scores given pairs; `output` first reads the model's value at each observation point
//! of plume output files (see [`super::observations`] and [`super::gridded`]) and also writes
//! those pairs as `pairs.csv`, which `pairs` reads back.

use std::path::{Path, PathBuf};

use super::observations::pair_outputs;
use super::plot::{scatter_png, Series};
use super::prairie_grass::data::MAX_EDGE_FRACTION;
use super::prairie_grass::suite::{observed_arcs_csv, pair_model, pairs_csv};
use super::prairie_grass::{load_dir, SuiteModel};
use super::report::{evaluate, EvaluationOptions, Report};
use super::write::{self, report_csv, report_table, summary_line};
use super::{read_pairs_csv, EvaluateError, Pair};
use crate::output::staging::{check_output_dir, Staging};
use crate::output::write_bytes_atomically;

/// What to evaluate.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum EvaluateCommand {
    /// Score paired values from a CSV with columns `run`, `observed`, `modelled` and any stratum
    /// columns.
    Pairs {
        /// The CSV of pairs.
        file: PathBuf,
        #[command(flatten)]
        scoring: Scoring,
    },
    /// Read plume output files (netCDF-4/HDF5) at observation points and score them: the CSV
    /// has `run`, `lat`,`lon` or `x_m`,`y_m`, optional `height_m` and `time`, `observed` and any
    /// stratum columns.
    Output {
        /// The output files (`fields.nc` of `plume run`); with several, each run names a file by
        /// its stem.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The CSV of observation points.
        #[arg(long, value_name = "OBS.csv")]
        observations: PathBuf,
        /// The variable to read (default: the one `air_concentration_*`; without a `time`
        /// column its `time_integrated_*` twin).
        #[arg(long, value_name = "NAME")]
        variable: Option<String>,
        #[command(flatten)]
        scoring: Scoring,
    },
    /// Run plume's models on a Project Prairie Grass data directory (runs.csv, samplers.csv)
    /// and score CWIC/Q and the arc maximum, overall, by stability and by distance.
    PrairieGrass {
        /// The data directory.
        data_dir: PathBuf,
        /// Write reports, pairs and scatter plots here.
        #[arg(short, long = "output", visible_alias = "out")]
        out: Option<PathBuf>,
        /// Models to score, comma-separated: gaussian_briggs, lagrangian.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "gaussian_briggs,lagrangian"
        )]
        models: Vec<String>,
        /// Particles per run for the Lagrangian model.
        #[arg(long, default_value_t = 50_000, value_parser = parse_particles)]
        particles: usize,
        /// Bootstrap seed.
        #[arg(long, default_value_t = 20040101)]
        seed: u64,
        /// Bootstrap replicates (0: no intervals; at most 100000).
        #[arg(long, default_value_t = 1000, value_parser = parse_replicates)]
        replicates: usize,
    },
}

/// How pairs are scored and where the report goes.
#[derive(Debug, Clone, clap::Args)]
pub struct Scoring {
    /// Also report each value of this column separately (repeatable).
    #[arg(long = "by", value_name = "COLUMN")]
    pub by: Vec<String>,
    /// Write report.csv, report.json and report.png here.
    #[arg(short, long = "output", visible_alias = "out")]
    pub out: Option<PathBuf>,
    /// Lower bound for MG/VG and detection limit for FAC2/FMS (default: the smallest positive
    /// observed value).
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Bootstrap seed (intervals are reproducible for a seed).
    #[arg(long, default_value_t = 20040101)]
    pub seed: u64,
    /// Bootstrap replicates (0: no intervals; at most 100000).
    #[arg(long, default_value_t = 1000, value_parser = parse_replicates)]
    pub replicates: usize,
}

/// Most bootstrap replicates: 10⁵ already fixes a 95 % interval's ends to ~0.1 % of its width;
/// more only costs memory (10⁹ asked for 2 GB at once).
pub const MAX_REPLICATES: usize = 100_000;

fn parse_replicates(s: &str) -> Result<usize, String> {
    crate::cli_args::whole_number_in(s, "replicates", 0..=MAX_REPLICATES)
}

fn parse_particles(s: &str) -> Result<usize, String> {
    crate::cli_args::whole_number_in(s, "particles per run", 1..=MAX_SUITE_PARTICLES)
}

/// Most particles per Prairie Grass run (2·10⁵ moves the scores by ≤ 0.01; 10⁷ takes hours).
pub const MAX_SUITE_PARTICLES: usize = 10_000_000;

/// What an evaluation produced.
#[derive(Debug, Clone, Default)]
pub struct EvaluateOutput {
    /// The human-readable tables.
    pub text: String,
    /// One machine-readable summary line per model and quantity (print these last).
    pub summary_lines: Vec<String>,
    /// Files written.
    pub files: Vec<PathBuf>,
}

/// The files of one evaluate command, staged in its output directory and moved into place
/// together once every one is written ([`Staging`], as `plume run` does): a command that fails
/// or is killed leaves the earlier set whole, never a new report beside an old plot.
/// The directory is checked up front and its staging folder opened at the first file, so a
/// command that fails before writing leaves no empty output folder.
struct Files {
    dir: Option<PathBuf>,
    staging: Option<Staging>,
}

impl Files {
    fn new(dir: Option<&Path>) -> Result<Self, EvaluateError> {
        if let Some(dir) = dir {
            check_output_dir(dir, &[])?;
        }
        Ok(Files {
            dir: dir.map(Path::to_path_buf),
            staging: None,
        })
    }

    /// Stages `name` with `bytes` (nothing without an output directory).
    fn write(&mut self, name: &str, bytes: &[u8]) -> Result<(), EvaluateError> {
        if let Some(path) = self.stage(name)? {
            write_bytes_atomically(&path, bytes)?;
        }
        Ok(())
    }

    /// Where to write `name` now, if there is an output directory.
    fn stage(&mut self, name: &str) -> Result<Option<PathBuf>, EvaluateError> {
        let Some(dir) = self.dir.as_deref() else {
            return Ok(None);
        };
        let staging = match &mut self.staging {
            Some(s) => s,
            empty => empty.insert(Staging::new(dir)?),
        };
        Ok(Some(staging.stage(name)))
    }

    /// Moves every staged file into place; returns their paths.
    fn commit(self) -> Result<Vec<PathBuf>, EvaluateError> {
        Ok(match self.staging {
            Some(staging) => staging.commit(&[])?,
            None => vec![],
        })
    }
}

/// Executes an evaluate command.
pub fn execute(command: &EvaluateCommand) -> Result<EvaluateOutput, EvaluateError> {
    let out = match command {
        EvaluateCommand::Pairs { scoring, .. } | EvaluateCommand::Output { scoring, .. } => {
            scoring.out.as_deref()
        }
        EvaluateCommand::PrairieGrass { out, .. } => out.as_deref(),
    };
    let mut files = Files::new(out)?;
    let mut output = run_command(command, &mut files)?;
    output.files = files.commit()?;
    Ok(output)
}

fn run_command(
    command: &EvaluateCommand,
    staged: &mut Files,
) -> Result<EvaluateOutput, EvaluateError> {
    match command {
        EvaluateCommand::Pairs { file, scoring } => {
            let pairs = read_pairs_csv(file)?;
            let title = file.display().to_string();
            score(&pairs, scoring, &title, ("pairs", "value", ""), staged)
                .map_err(|e| naming(e, file))
        }
        EvaluateCommand::Output {
            files,
            observations,
            variable,
            scoring,
        } => {
            let paired = pair_outputs(files, observations, variable.as_deref())?;
            let pairs: Vec<Pair> = paired.points.iter().map(|p| p.pair.clone()).collect();
            let traced: Vec<Pair> = paired.points.iter().map(|p| p.traced()).collect();
            let title = format!(
                "{} ({}) at {} observation points of {}",
                paired.variable,
                paired.units,
                pairs.len(),
                observations.display()
            );
            let label = (
                paired.model.as_str(),
                paired.variable.as_str(),
                paired.units.as_str(),
            );
            let output = score(&pairs, scoring, &title, label, staged)
                .map_err(|e| naming(e, observations))?;
            staged.write("pairs.csv", write::pairs_csv(&traced).as_bytes())?;
            Ok(output)
        }
        EvaluateCommand::PrairieGrass {
            data_dir,
            models,
            particles,
            seed,
            replicates,
            ..
        } => {
            let models = models
                .iter()
                .map(|m| {
                    SuiteModel::from_name(m, *particles).ok_or_else(|| {
                        EvaluateError::Invalid(format!(
                            "unknown model `{m}`; expected gaussian_briggs or lagrangian"
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            prairie_grass(data_dir, staged, &models, *seed, *replicates)
        }
    }
}

/// Data that cannot be scored, said with the file it came from (found by review: "every
/// observed value is zero" named no file).
fn naming(e: EvaluateError, file: &Path) -> EvaluateError {
    match e {
        EvaluateError::Invalid(message) => {
            EvaluateError::Invalid(format!("{}: {message}", file.display()))
        }
        other => other,
    }
}

/// Scores `pairs`: the table under `title`, a summary line for `(model, quantity, unit)` and,
/// with `--out`, `report.csv`, `report.json` and `report.png`.
fn score(
    pairs: &[Pair],
    scoring: &Scoring,
    title: &str,
    (model, quantity, unit): (&str, &str, &str),
    files: &mut Files,
) -> Result<EvaluateOutput, EvaluateError> {
    let options = EvaluationOptions {
        threshold: scoring.threshold,
        replicates: scoring.replicates,
        seed: scoring.seed,
        stratify_by: scoring.by.clone(),
    };
    let report = evaluate(pairs, &options)?;
    let mut output = EvaluateOutput {
        text: report_table(&report, title),
        ..Default::default()
    };
    if let Ok(m) = &report.overall().measures {
        output.summary_lines.push(summary_line(model, quantity, m));
    }
    write_report(
        files,
        "report",
        &report,
        pairs,
        title,
        unit,
        scoring.by.first(),
    )?;
    Ok(output)
}

fn prairie_grass(
    data_dir: &Path,
    files: &mut Files,
    models: &[SuiteModel],
    seed: u64,
    replicates: usize,
) -> Result<EvaluateOutput, EvaluateError> {
    let data = load_dir(data_dir)?;
    let mut output = EvaluateOutput::default();
    output.text.push_str(&format!(
        "Prairie Grass: {} runs, {} arcs from {}\n\n",
        data.runs.len(),
        data.arcs.len(),
        data_dir.display()
    ));
    for e in &data.excluded {
        output.text.push_str(&format!("left out: {e}\n"));
    }
    let open: Vec<String> = data
        .arcs
        .iter()
        .filter(|a| !a.spans_the_plume())
        .map(|a| {
            format!(
                "run {} at {} m ({:.0} %)",
                a.run,
                a.distance_m,
                100.0 * a.edge_fraction
            )
        })
        .collect();
    if !open.is_empty() {
        output.text.push_str(&format!(
            "crosswind integral left out (an end sampler above {:.0} % of the arc maximum: the arc ends inside the plume; its maximum is scored): {}\n",
            100.0 * MAX_EDGE_FRACTION,
            open.join(", ")
        ));
    }
    if !data.excluded.is_empty() || !open.is_empty() {
        output.text.push('\n');
    }
    files.write("observed_arcs.csv", observed_arcs_csv(&data).as_bytes())?;
    let options = EvaluationOptions {
        threshold: None,
        replicates,
        seed,
        stratify_by: vec!["stability".into(), "distance_m".into()],
    };
    for &model in models {
        let paired = pair_model(&data, model)?;
        for (quantity, pairs) in &paired.by_quantity {
            let report = evaluate(pairs, &options)?;
            let title = format!(
                "{} — {} ({})",
                model.name(),
                quantity.name(),
                quantity.unit()
            );
            output.text.push_str(&report_table(&report, &title));
            output.text.push('\n');
            if let Ok(m) = &report.overall().measures {
                output
                    .summary_lines
                    .push(summary_line(model.name(), quantity.name(), m));
            }
            let stem = format!("{}_{}", model.name(), quantity.name());
            write_report(
                files,
                &stem,
                &report,
                pairs,
                &title,
                quantity.unit(),
                Some(&"stability".to_string()),
            )?;
            files.write(&format!("{stem}_pairs.csv"), pairs_csv(pairs).as_bytes())?;
        }
    }
    Ok(output)
}

/// Stages `<stem>.csv`, `<stem>.json` and `<stem>.png` (points coloured by `colour_by`), when
/// there is an output directory.
fn write_report(
    files: &mut Files,
    stem: &str,
    report: &Report,
    pairs: &[Pair],
    title: &str,
    unit: &str,
    colour_by: Option<&String>,
) -> Result<(), EvaluateError> {
    if files.dir.is_none() {
        return Ok(());
    }
    files.write(&format!("{stem}.csv"), report_csv(report, stem).as_bytes())?;
    let json = serde_json::to_string_pretty(report)
        .map_err(|e| EvaluateError::Invalid(format!("cannot serialise the report: {e}")))?;
    files.write(&format!("{stem}.json"), json.as_bytes())?;
    let mut series: Vec<Series> = Vec::new();
    for p in pairs {
        let label = colour_by
            .and_then(|c| p.strata.get(c))
            .cloned()
            .unwrap_or_else(|| "all".into());
        match series.iter_mut().find(|s| s.label == label) {
            Some(s) => s.points.push((p.observed, p.modelled)),
            None => series.push(Series {
                label,
                points: vec![(p.observed, p.modelled)],
            }),
        }
    }
    if let Some(png_path) = files.stage(&format!("{stem}.png"))? {
        scatter_png(&png_path, title, unit, &series, report.threshold)?;
    }
    Ok(())
}
