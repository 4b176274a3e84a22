//! Side-by-side comparison of options for planners: several scenario files — a baseline and its
//! variants (shelter or evacuate, a filtered vent, a shorter release, another stack) — each run
//! as `plume run` runs it, then one table of what each option changes: every zone's area, land
//! area, population and reach (km from the nearest source), in total and per jurisdiction; the dose, action level and AEGL tier at
//! every town; and each species' peak concentration and peak time-integrated concentration.
//!
//! Each option's own outputs (grids, zones, alerts, map) are written to `<dir>/<file stem>/`,
//! the table to `<dir>/compare.csv` and `<dir>/compare.json`, and, when two or more options
//! draw a map, those maps side by side on one sheet, `<dir>/compare.png` (`map_sheet`). A metric an option does not
//! have (a zone it never reaches) is 0 where it is an area, population or reach, and empty
//! otherwise.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::output::map_sheet::{sheet_png, Panel};
use crate::output::staging::{check_output_dir, Staging};
use crate::output::summary::RunSummary;
use crate::output::{write_bytes_atomically, OutputError};
use crate::run::{
    all_output_names, output_names, simulate_with_progress, stage_outputs, summarise, RunError,
    RunOptions, StagedOutputs,
};
use crate::scenario::{Scenario, ScenarioError};

/// Why a comparison could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("a comparison needs at least two scenario files (a baseline and an option), got {0}")]
    TooFew(usize),
    #[error("two options would write to the same folder {}: give the files different names", dir.display())]
    SameStem { dir: PathBuf },
    /// Every scenario file that does not validate (each error names its file).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<ScenarioError>),
    #[error("{}: {source}", file.display())]
    Run {
        file: PathBuf,
        #[source]
        source: Box<RunError>,
    },
    #[error(transparent)]
    Output(#[from] OutputError),
}

impl CompareError {
    /// Whether an option's scenario did not validate or its weather file cannot be used (the
    /// CLI's exit code 2).
    pub fn is_invalid_scenario(&self) -> bool {
        matches!(self, CompareError::Run { source, .. } if source.is_invalid_input())
            || matches!(
                self,
                CompareError::TooFew(_) | CompareError::SameStem { .. } | CompareError::Invalid(_)
            )
    }
}

pub mod comparable;
mod rows;
mod table;

pub use rows::compare;
#[cfg(test)]
use rows::{zone_key, RANK};
#[cfg(test)]
use table::{cell, change, csv_number};

/// What `plume compare` writes into its directory, beside the options' subfolders; the sheet
/// of maps only when two or more options draw a map.
const COMPARE_OUTPUTS: [&str; 3] = ["compare.csv", "compare.json", "compare.png"];

/// One compared quantity across the options.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// "zone HC_2018 evacuate: area", "town Calais: effective dose 7 d", …
    pub metric: String,
    /// UDUNITS unit ("km2", "Sv", "1").
    pub unit: String,
    /// One value per option, in the order given (`None`: not defined for that option).
    pub values: Vec<Option<f64>>,
    /// Whether the values are ranks (action level, AEGL tier), whose changes are shown as
    /// "1→2", not in per cent.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ordinal: bool,
}

/// The comparison of a baseline (first) with its options.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Each option's scenario name.
    pub options: Vec<String>,
    /// Each option's scenario file.
    pub files: Vec<String>,
    pub rows: Vec<Row>,
    /// Each option's run summary (its outputs, warnings and full consequence summary).
    pub runs: Vec<RunSummary>,
    /// The sheet of the options' maps side by side (`compare.png`), where two or more draw one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map_sheet: Option<String>,
    /// Each way an option differs from the baseline other than by its option: another start,
    /// run duration, grid, output interval, AEGL duration or model; then the options' own run
    /// warnings, each wording once with the options that gave it ([`comparable`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Each option's output folder, `dir/<file stem>`; two files of the same stem are an error.
fn option_dirs(files: &[PathBuf], dir: &Path) -> Result<Vec<PathBuf>, CompareError> {
    let mut stems = BTreeSet::new();
    let mut dirs = vec![];
    for file in files {
        let stem = file
            .file_stem()
            .map_or_else(|| "option".into(), |s| s.to_string_lossy().into_owned());
        let out = dir.join(&stem);
        if !stems.insert(stem) {
            return Err(CompareError::SameStem { dir: out });
        }
        dirs.push(out);
    }
    Ok(dirs)
}

/// Runs every scenario of `files` (the first is the baseline) and compares them; each run's
/// outputs go to `dir/<file stem>/`, the comparison to `dir/compare.{csv,json}`. Every file is
/// validated, and every output folder created and checked writable, before anything runs: a
/// bad last option is reported at once, not after the runs before it. Nothing is put in place
/// until every option has run and its outputs are written (staged in each folder): an option
/// that fails, at any point before that, leaves every folder and the earlier comparison as
/// they were.
pub fn compare_files(
    files: &[PathBuf],
    dir: &Path,
    options: &RunOptions,
) -> Result<Comparison, CompareError> {
    if files.len() < 2 {
        return Err(CompareError::TooFew(files.len()));
    }
    let mut scenarios = vec![];
    let mut invalid = vec![];
    for file in files {
        match Scenario::load(file) {
            Ok(s) => scenarios.push(s),
            Err(e) => invalid.push(e),
        }
    }
    if !invalid.is_empty() {
        return Err(CompareError::Invalid(invalid));
    }
    let aligned = comparable::align_aegl_durations(&mut scenarios);
    let dirs = option_dirs(files, dir)?;
    let stale: Vec<PathBuf> = earlier_option_dirs(dir)
        .into_iter()
        .filter(|d| !dirs.contains(d))
        .collect();
    // Every folder is this comparison's until its files are in place.
    let mut locks = crate::output::lock::OutputLocks::default();
    locks.acquire(dir)?;
    for (scenario, out) in scenarios.iter().zip(&dirs) {
        locks.acquire(out)?;
        check_output_dir(out, &output_names(&scenario.output.formats))?;
    }
    check_output_dir(dir, &COMPARE_OUTPUTS)?;
    // Every option is run and its outputs staged before any is put in place: an option that
    // fails leaves every folder, and the earlier comparison, as they were.
    let mut runs = vec![];
    let mut staged = vec![];
    for ((file, scenario), out) in files.iter().zip(&scenarios).zip(dirs) {
        let failed = |source: RunError| CompareError::Run {
            file: file.clone(),
            source: Box::new(source),
        };
        let sim = simulate_with_progress(scenario, options, &mut |_| {}).map_err(failed)?;
        let outputs = stage_outputs(scenario, &sim, &out).map_err(failed)?;
        let paths = outputs.final_paths();
        runs.push(summarise(
            scenario,
            &sim,
            paths.iter().map(|p| p.display().to_string()).collect(),
        ));
        staged.push(outputs);
    }
    let mut comparison = compare(runs);
    comparison.warnings = comparable::comparability_warnings(&scenarios);
    comparison.warnings.extend(aligned);
    comparison
        .warnings
        .extend(comparable::option_warnings(&comparison.runs));
    let mut staging = Staging::new(dir)?;
    write_bytes_atomically(
        &staging.stage(COMPARE_OUTPUTS[0]),
        comparison.to_csv().as_bytes(),
    )?;
    let panels = map_panels(files, &comparison, &staged)?;
    if panels.len() >= 2 {
        comparison.map_sheet = Some(dir.join(COMPARE_OUTPUTS[2]).display().to_string());
    }
    let json = serde_json::to_vec_pretty(&comparison).expect("a comparison serialises");
    write_bytes_atomically(&staging.stage(COMPARE_OUTPUTS[1]), &json)?;
    if panels.len() >= 2 {
        let of = if panels.len() < files.len() {
            format!("{} of the {} options draw a map", panels.len(), files.len())
        } else {
            format!("{} options", panels.len())
        };
        let title = format!("{of}; each map keeps its own colour bar and extent");
        let png = sheet_png(&title, &panels).map_err(|message| OutputError::Image {
            path: dir.join(COMPARE_OUTPUTS[2]),
            message,
        })?;
        write_bytes_atomically(&staging.stage(COMPARE_OUTPUTS[2]), &png)?;
    }
    for outputs in staged {
        outputs.commit()?;
    }
    staging.commit(&COMPARE_OUTPUTS)?;
    // The option folders of an earlier comparison here that this one did not write lose their
    // run outputs, and go once empty (anything else in them stays): they had stayed beside a
    // table that no longer lists them (found by review).
    for old in stale {
        for name in all_output_names() {
            let _ = std::fs::remove_file(old.join(name));
        }
        let _ = std::fs::remove_dir(&old);
    }
    Ok(comparison)
}

/// The option folders the comparison already in `dir` wrote, from its `compare.json` (none
/// when there is none, or it cannot be read).
fn earlier_option_dirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read(dir.join(COMPARE_OUTPUTS[1])) else {
        return vec![];
    };
    let Ok(earlier) = serde_json::from_slice::<serde_json::Value>(&text) else {
        return vec![];
    };
    let files: Vec<PathBuf> = earlier["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str().map(PathBuf::from))
        .collect();
    option_dirs(&files, dir).unwrap_or_default()
}

/// The map of every option that draws one, read back from its staging folder, each named by
/// its place as the terminal table gives it ("[0] baseline", "[1] option", …), file and
/// scenario name.
fn map_panels(
    files: &[PathBuf],
    comparison: &Comparison,
    staged: &[StagedOutputs],
) -> Result<Vec<Panel>, CompareError> {
    let mut panels = vec![];
    for (k, (outputs, file)) in staged.iter().zip(files).enumerate() {
        let Some(path) = outputs.staged_path("map.png") else {
            continue;
        };
        // Numbered as the terminal table numbers them.
        let place = if k == 0 { "baseline" } else { "option" };
        let stem = file
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        let name = format!("[{k}] {place}: {stem} — {}", comparison.options[k]);
        let bytes = std::fs::read(&path).map_err(|e| OutputError::Image {
            path: path.clone(),
            message: e.to_string(),
        })?;
        panels.push(
            Panel::from_png(&name, &bytes)
                .map_err(|message| OutputError::Image { path, message })?,
        );
    }
    Ok(panels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_keep_three_figures_and_changes_read_as_percentages() {
        assert_eq!(cell(Some(12.345)), "12.3");
        assert_eq!(cell(Some(0.5)), "0.500");
        assert_eq!(cell(Some(2.0e-6)), "2.00e-6");
        assert_eq!(cell(None), "");
        assert_eq!(change(Some(10.0), Some(5.0)), "-50 %");
        assert_eq!(change(Some(10.0), Some(10.0)), "=");
        assert_eq!(change(Some(0.0), Some(3.0)), "new");
        assert_eq!(change(None, Some(3.0)), "");
        assert_eq!(change(Some(16.4369), Some(16.431)), "-0.04 %");
        assert_eq!(change(Some(1.0), Some(1.000_01)), "+<0.01 %");
        assert_eq!(change(Some(1.0), Some(0.996)), "-0.40 %");
        assert_eq!(change(Some(1.0), Some(0.99)), "-1 %");
    }

    fn town_rows(values: [[f64; 2]; 3]) -> Comparison {
        let row = |metric: &str, unit: &str, v: [f64; 2]| Row {
            metric: metric.into(),
            unit: unit.into(),
            values: v.iter().map(|&x| Some(x)).collect(),
            ordinal: false,
        };
        Comparison {
            options: vec!["base".into(), "vent".into()],
            files: vec!["base.toml".into(), "vent.toml".into()],
            rows: vec![
                row("town Calais: effective dose 7 d", "Sv", values[0]),
                row("town Lubec: effective dose 7 d", "Sv", values[1]),
                row("zone x: area", "km2", values[2]),
            ],
            runs: vec![],
            map_sheet: None,
            warnings: vec![],
        }
    }

    /// The line of `text` that names `what`, without trailing blanks.
    fn line_of(text: &str, what: &str) -> String {
        text.lines()
            .find(|l| l.contains(what))
            .unwrap()
            .trim_end()
            .to_string()
    }

    #[test]
    fn a_dose_below_a_nanosievert_reads_not_reached_and_changes_only_when_reached() {
        let text = town_rows([[3.76e-40, 0.0], [2.0e-3, 4.7e-10], [0.28, 0.0]]).to_text();
        let calais = line_of(&text, "Calais");
        assert_eq!(calais.matches("not reached").count(), 2, "{calais}");
        assert!(
            calais.ends_with('=') && !calais.contains("e-40"),
            "{calais}"
        );
        let lubec = line_of(&text, "Lubec");
        assert!(lubec.contains("2.00e-3") && lubec.contains("not reached"));
        assert!(lubec.ends_with("-100 %"), "{lubec}");
        // An area of zero is a number, not a dose.
        assert!(!line_of(&text, "zone x").contains("not reached"));
        let reached_by_the_option = town_rows([[0.0, 5.0e-3], [0.0, 0.0], [0.0, 0.0]]).to_text();
        assert!(line_of(&reached_by_the_option, "Calais").ends_with("new"));
    }

    #[test]
    fn csv_values_keep_at_most_six_significant_figures() {
        assert_eq!(csv_number(0.27999999999999997), "0.28");
        assert_eq!(csv_number(3.759999999e-40), "3.76e-40");
        assert_eq!(csv_number(1234.5678901), "1234.57");
        assert_eq!(csv_number(7.643210987e-5), "7.64321e-5");
        assert_eq!(csv_number(0.0), "0");
        let csv = town_rows([
            [3.76e-40, 0.0],
            [2.0e-3, 4.7e-10],
            [0.27999999999999997, 0.0],
        ])
        .to_csv();
        assert!(csv.contains("zone x: area,km2,0.28,0\n"), "{csv}");
    }

    #[test]
    fn ranks_change_as_arrows_and_shared_names_get_their_files() {
        // Found by review: an action level going from shelter to evacuate read "+100 %".
        let mut c = town_rows([[0.1, 0.1], [0.1, 0.1], [1.0, 1.0]]);
        c.rows.push(Row {
            metric: "town Calais: action level".into(),
            unit: RANK.into(),
            values: vec![Some(1.0), Some(2.0)],
            ordinal: true,
        });
        let text = c.to_text();
        let level = line_of(&text, "action level");
        assert!(level.ends_with("1→2") && !level.contains('%'), "{level}");
        assert!(
            !level.contains("1.00") && !level.contains("2.00"),
            "{level}"
        );
        // Two options of one scenario name are told apart by their files.
        assert!(c.to_csv().starts_with("metric,unit,base,vent\n"));
        c.options[1] = "base".into();
        assert!(c
            .to_csv()
            .starts_with("metric,unit,base (base.toml),base (vent.toml)\n"));
    }

    #[test]
    fn a_sheltered_zone_is_compared_whatever_the_building_and_the_exit() {
        // Found by review: the building's air changes were part of the name, so an option that
        // changed them showed two zones, one "new" and one "-100 %".
        let a = zone_key("Chlorine AEGL-2 60 min, indoors at 0.45 air changes/h, staying in");
        let b = zone_key(
            "Chlorine AEGL-2 60 min, indoors at 0.2 air changes/h, aired once the cloud has passed",
        );
        assert_eq!(a, b);
        assert_eq!(a, "Chlorine AEGL-2 60 min, indoors");
        assert_eq!(zone_key("HC_2018 evacuate"), "HC_2018 evacuate");
    }
}
