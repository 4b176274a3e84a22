//! Lagrangian particle dispersion: particles released from the sources follow the mean wind
//! plus boundary-layer turbulence (a Langevin model satisfying Thomson's 1987 well-mixed
//! criterion), reflect at the ground and the mixing height, decay, deposit dry and wet, and are
//! counted onto the output grid in integer fixed point.
//!
//! | file | what |
//! |---|---|
//! | [`particle`] | the 64-byte particle record shared with the GPU backend |
//! | [`column`] | wind and Hanna (1982) turbulence tabulated by height |
//! | [`step`] | the Langevin sub-step, boundaries, deposition |
//! | [`release`] | particles per source, release times, composition tables |
//! | [`tally`] | fixed-point accumulators and the mass budget |
//! | [`driver`] | the time loop, parallel over particles |
//! | [`scenario`] | builds a run from a validated [`crate::scenario::Scenario`] |
//!
//! Random numbers come from [`crate::rng`] keyed by (seed, member, particle, step, draw), so a
//! run is bit-identical for any number of threads.

pub mod column;
pub mod driver;
mod mathf;
pub mod particle;
pub mod release;
pub mod scenario;
pub mod step;
pub mod tally;

pub use column::Column;
pub use driver::{simulate, Flow, LagrangianConfig, LagrangianRun, Progress, RunStats};
pub use mathf::exp_neg_poly;
pub use particle::{Particle, BYTES_PER_PARTICLE};
pub use release::{DepositionParams, Emission, SourcePlan};
pub use step::{Bounds, StepConfig};
