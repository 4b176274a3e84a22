//! The `plume` command line: parse arguments, call the library, print a summary, pick an exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plume::{RunOptions, Scenario};

/// Atmospheric dispersion of chemical, biological, radiological and nuclear releases.
#[derive(Parser)]
#[command(name = "plume", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where and on how many threads the models run (run, ensemble, compare).
#[derive(clap::Args)]
struct Execution {
    /// Worker threads (default: all cores; at most 1024); results are identical for any number.
    #[arg(long, value_parser = parse_threads)]
    threads: Option<usize>,
    /// Where the models run: cpu, gpu or auto (overrides the scenario's model.backend).
    #[arg(long)]
    backend: Option<plume::backend::BackendChoice>,
}

/// Most worker threads: far above any machine's cores, and below the thousands of threads
/// whose start-up alone took minutes.
const MAX_THREADS: usize = 1024;

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    plume::cli_args::part_of(s, plume::ensemble::MEMBERS_RANGE.1)
}

fn parse_threads(s: &str) -> Result<usize, String> {
    // Leave --threads out to use every core.
    plume::cli_args::whole_number_in(s, "threads", 1..=MAX_THREADS)
}

#[derive(Subcommand)]
enum Command {
    /// Validate scenario files and report every problem at once.
    Check {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run a scenario and write its outputs.
    Run {
        /// Scenario file (TOML).
        file: PathBuf,
        /// Write outputs here instead of the scenario's `output.directory`.
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        exec: Execution,
        /// Print the summary as JSON on standard output.
        #[arg(long)]
        json: bool,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// Random seed of the particle model (overrides `model.seed`).
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Run a weather ensemble of a scenario: probability of each zone, mean and 90th percentile.
    Ensemble {
        /// Scenario file (TOML); its optional [ensemble] section sets members and perturbations.
        /// With --merge it may also come after the shard paths.
        file: Option<PathBuf>,
        /// Number of members, 2–1000 (overrides `ensemble.members`, default 50).
        #[arg(long)]
        members: Option<usize>,
        /// Seed of the weather perturbations (overrides `ensemble.seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Write outputs here instead of the scenario's `output.directory`.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// For a cluster: run only shard K of N of the members (K/N, e.g. 3/10) and write
        /// ensemble_shard_K_of_N.nc into the output folder; merge the N shards with --merge.
        #[arg(long, value_name = "K/N", value_parser = parse_shard, conflicts_with = "merge")]
        shard: Option<(usize, usize)>,
        /// Run no member: write the ensemble's outputs from shard files (or folders of them)
        /// that `--shard` wrote, with the same scenario file, --members and --seed.
        #[arg(long, value_name = "PATH", num_args = 1..)]
        merge: Vec<PathBuf>,
        #[command(flatten)]
        exec: Execution,
        /// Print the summary as JSON on standard output.
        #[arg(long)]
        json: bool,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run a baseline scenario and its options and tabulate what each option changes: zone
    /// areas and populations per jurisdiction, doses and actions at towns, peaks.
    Compare {
        /// Scenario files (TOML): the baseline first, then the options.
        #[arg(required = true, num_args = 2..)]
        files: Vec<PathBuf>,
        /// Folder for compare.csv, compare.json, compare.png (the options' maps side by side)
        /// and each option's outputs (in a subfolder named after its file).
        #[arg(long, short, default_value = "out/compare")]
        output: PathBuf,
        #[command(flatten)]
        exec: Execution,
        /// Print the comparison as JSON on standard output.
        #[arg(long)]
        json: bool,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Score a model against observations (Chang & Hanna 2004 and DATEM measures).
    Evaluate {
        #[command(subcommand)]
        what: plume::evaluate::cli::EvaluateCommand,
    },
}

/// A progress bar on standard error when it is a terminal and the user wants output; `None`
/// in pipes, with `--quiet` or with `--json`. `what` says what runs ("running", "members").
fn progress_bar(silent: bool, what: &str) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if silent || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(1000);
    if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
        "{{spinner}} {what} [{{bar:40}}] {{percent:>3}}% ({{elapsed}}, {{eta}} left)"
    )) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

/// Prints a scenario's warnings on standard error, before anything else is done with it, so
/// that they are seen before the run and not lost under its output.
fn print_warnings(scenario: &Scenario) {
    for w in &scenario.warnings {
        eprintln!("{}: warning: {w}", scenario.path.display());
    }
}

/// `value` as indented JSON (the `--json` of every command).
fn json_text(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("plume's summaries serialise to JSON")
}

/// Writes to standard output like `print!`; when that fails (a full disk, a closed pipe) the
/// command ends there with [`stdout_failed`]'s exit code rather than a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = write!(std::io::stdout().lock(), $($arg)*) {
            return stdout_failed(e);
        }
    }};
}

/// [`say!`] with a line end.
macro_rules! sayln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            return stdout_failed(e);
        }
    }};
}

/// The exit of a command whose standard output cannot be written: quietly 0 when the reader
/// has gone (`plume … | head`: it has read what it wanted), else 1 with the reason.
fn stdout_failed(e: std::io::Error) -> ExitCode {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return ExitCode::SUCCESS;
    }
    eprintln!("plume: cannot write to standard output: {e}");
    ExitCode::FAILURE
}

/// Exit code for invalid input: a scenario that does not validate, a weather file whose content
/// cannot be used, or a bad command line (clap's own).
const EXIT_INVALID: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Ctrl-C or SIGTERM: remove this run's staging folders (its half-written files) and say
    // that the output folders hold what they held before. 130 = 128 + SIGINT, as shells report.
    let _ = ctrlc::set_handler(|| {
        eprintln!("plume: interrupted: no new outputs were written; the output folders hold what they held before");
        plume::output::staging::remove_live_and_exit(130)
    });
    match cli.command {
        Command::Evaluate { what } => match plume::evaluate::cli::execute(&what) {
            Ok(out) => {
                say!("{}", out.text);
                for f in &out.files {
                    sayln!("wrote {}", f.display());
                }
                for line in &out.summary_lines {
                    sayln!("{line}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("plume evaluate: {e}");
                if e.is_invalid_input() {
                    ExitCode::from(EXIT_INVALID)
                } else {
                    ExitCode::FAILURE
                }
            }
        },
        Command::Ensemble {
            file,
            members,
            seed,
            output,
            shard,
            merge,
            exec: Execution { threads, backend },
            json,
            quiet,
        } => {
            use plume::ensemble::EnsembleOptions;
            let (file, merge) = match plume::cli_args::scenario_and_shards(file, merge) {
                Ok(both) => both,
                Err(e) => {
                    eprintln!("plume ensemble: {e}");
                    return ExitCode::from(EXIT_INVALID);
                }
            };
            // The scenario's warnings before the members run (its errors come from the run).
            if let (Ok(s), false) = (Scenario::load(&file), quiet) {
                print_warnings(&s);
            }
            let options = EnsembleOptions {
                output_dir: output,
                members,
                seed,
                threads,
                backend,
                shard,
                merge,
            };
            // Members run one after another: the bar moves once per member (a merge runs none).
            let bar = progress_bar(quiet || json || !options.merge.is_empty(), "members");
            let result = plume::ensemble::run_file_with_progress(&file, &options, &mut |done| {
                if let Some(b) = &bar {
                    b.set_position((done * 1000.0).round() as u64);
                }
            });
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            match result {
                Ok(summary) => {
                    if json {
                        sayln!("{}", json_text(&summary));
                    } else if !quiet {
                        say!("{}", summary.to_text());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) if e.is_invalid_input() => {
                    eprintln!("{e}");
                    ExitCode::from(EXIT_INVALID)
                }
                Err(e) => {
                    eprintln!("plume ensemble: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Compare {
            files,
            output,
            exec: Execution { threads, backend },
            json,
            quiet,
        } => {
            let options = RunOptions {
                output_dir: None,
                threads,
                seed: None,
                backend,
            };
            // Each option's warnings before the runs (their errors come from the comparison).
            for f in files.iter().filter(|_| !quiet) {
                if let Ok(s) = Scenario::load(f) {
                    print_warnings(&s);
                }
            }
            match plume::compare::compare_files(&files, &output, &options) {
                Ok(c) => {
                    if json {
                        sayln!("{}", json_text(&c));
                    } else if !quiet {
                        say!("{}", c.to_text());
                        sayln!("wrote {}", output.join("compare.csv").display());
                        sayln!("wrote {}", output.join("compare.json").display());
                        if let Some(sheet) = &c.map_sheet {
                            sayln!("wrote {sheet}");
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) if e.is_invalid_scenario() => {
                    eprintln!("{e}");
                    ExitCode::from(EXIT_INVALID)
                }
                Err(e) => {
                    eprintln!("plume compare: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check { files } => {
            // Each scenario, then the weather file it names, read as a run would read it.
            let (mut invalid, mut failed) = (false, false);
            for f in &files {
                let s = match Scenario::load(f) {
                    Ok(s) => {
                        print_warnings(&s);
                        s
                    }
                    Err(e) => {
                        invalid = true;
                        eprintln!("{e}");
                        continue;
                    }
                };
                match plume::met::load::check(&s) {
                    Ok(warnings) => {
                        sayln!("{}: ok — {}", f.display(), s.name);
                        for w in warnings {
                            sayln!("  warning: {w}");
                        }
                    }
                    Err(e) => {
                        invalid |= e.is_invalid_content();
                        failed |= !e.is_invalid_content();
                        eprintln!("{}: meteorology.file: {e}", f.display());
                    }
                }
            }
            if invalid {
                ExitCode::from(EXIT_INVALID)
            } else if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Run {
            file,
            output,
            exec: Execution { threads, backend },
            json,
            quiet,
            seed,
        } => {
            let options = RunOptions {
                output_dir: output,
                threads,
                seed,
                backend,
            };
            let scenario = match Scenario::load(&file) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::from(EXIT_INVALID);
                }
            };
            if !quiet {
                print_warnings(&scenario);
            }
            let bar = progress_bar(quiet || json, "running");
            let result = plume::run_scenario_with_progress(&scenario, &options, &mut |done| {
                if let Some(b) = &bar {
                    b.set_position((done * 1000.0).round() as u64);
                }
            });
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            match result {
                Ok(summary) => {
                    if json {
                        sayln!("{}", json_text(&summary));
                    } else if !quiet {
                        say!("{}", summary.to_text());
                    }
                    // A seed only matters to a model that draws random numbers (the summary
                    // has one exactly then): say so rather than let the user think it acted.
                    if let (Some(s), None, false) = (seed, summary.seed, quiet) {
                        eprintln!(
                            "note: --seed {s} is ignored: model {} draws no random numbers",
                            summary.model
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(e) if e.is_invalid_input() => {
                    eprintln!("{e}");
                    ExitCode::from(EXIT_INVALID)
                }
                Err(e) => {
                    eprintln!("plume: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
