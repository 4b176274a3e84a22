//! The `plume` command line: parse arguments, call the library, print a summary, pick an exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plume::{RunError, RunOptions, Scenario};

/// Atmospheric dispersion of chemical, biological, radiological and nuclear releases.
#[derive(Parser)]
#[command(name = "plume", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
        /// Worker threads (default: all cores); results are identical for any number.
        #[arg(long)]
        threads: Option<usize>,
        /// Print the summary as JSON on standard output.
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

/// Exit code for a scenario that does not validate.
const EXIT_INVALID: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Evaluate { what } => match plume::evaluate::cli::execute(&what) {
            Ok(out) => {
                print!("{}", out.text);
                for f in &out.files {
                    println!("wrote {}", f.display());
                }
                for line in &out.summary_lines {
                    println!("{line}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("plume evaluate: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Check { files } => {
            let mut bad = false;
            for f in &files {
                match Scenario::load(f) {
                    Ok(s) => println!("{}: ok — {}", f.display(), s.name),
                    Err(e) => {
                        bad = true;
                        eprintln!("{e}");
                    }
                }
            }
            if bad {
                ExitCode::from(EXIT_INVALID)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Run {
            file,
            output,
            threads,
            json,
            quiet,
        } => {
            let options = RunOptions {
                output_dir: output,
                threads,
            };
            match plume::run_file(&file, &options) {
                Ok(summary) => {
                    if json {
                        println!(
                            "{}",
                            serde_json::to_string_pretty(&summary).expect("summary serialises")
                        );
                    } else if !quiet {
                        print!("{}", summary.to_text());
                    }
                    ExitCode::SUCCESS
                }
                Err(e @ RunError::Scenario(_)) => {
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
