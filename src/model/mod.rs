//! Transport models: each turns sources and meteorology into fields on the output grid.

pub mod gaussian;
pub mod lagrangian;
pub mod puff;
