//! plume: atmospheric dispersion of chemical, biological, radiological and nuclear releases.
//!
//! A scenario file goes in; a validated [`scenario::Scenario`] drives a transport model through a
//! meteorology onto an output grid ([`field::Fields`]); outputs are written in the formats the
//! field already uses. The README's "Layout" section maps the modules, and "The physics, and
//! how it is checked" each model.

pub mod backend;
pub mod cli_args;
pub mod compare;
pub mod consequence;
pub mod ensemble;
pub mod evaluate;
pub mod exposure;
pub mod field;
pub mod geo;
pub mod impact;
pub mod met;
pub mod model;
pub mod output;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod source;
pub mod substance;

pub use run::{
    run_file, run_file_with_progress, run_scenario_with_progress, simulate, simulate_with_progress,
    write_outputs, RunError, RunOptions, Simulation,
};
pub use scenario::Scenario;
