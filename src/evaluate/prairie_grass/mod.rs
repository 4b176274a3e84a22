//! The Project Prairie Grass validation suite (Barad 1958).
//!
//! Sixty-eight 10-minute SO₂ releases from 0.46 m over flat prairie grass (z0 ≈ 0.6–0.8 cm) at
//! O'Neill, Nebraska, in July–August 1956, sampled at 1.5 m on arcs at 50, 100, 200, 400 and
//! 800 m. For each run with meteorology the suite builds a scenario from the run's wind at 2 m,
//! Obukhov length, mixing height and roughness, runs plume's models, and compares the
//! crosswind-integrated concentration and the arc maximum (both per unit release rate) on each
//! arc, overall and by stability (unstable −100 < L < 0, neutral abs(L) ≥ 100, stable
//! 10 ≤ L < 100, very stable 0 < L < 10; L in m).

pub mod data;
pub mod grid;
pub mod kernel;
pub mod models;
pub mod suite;

pub use data::{load_dir, stability_stratum, ArcObservation, Dataset, PgRun};
pub use models::{predict, predict_arcs, scenario, SuiteModel};
pub use suite::{pair_model, Quantity};
