//! Which variable of a plume output is read, and reading it a (time, layer) plane at a time.
//!
//! A plume output holds, per species `<s>` (the netCDF-safe species name), the interval means
//! `air_concentration_<s>` (time, z, y, x), their time integral
//! `time_integrated_air_concentration_<s>` (z, y, x), `dry_/wet_deposition_<s>` (y, x) and
//! each interval's deposit `interval_dry_/wet_deposition_<s>` (time, y, x), known by its
//! prefix [`INTERVAL_PREFIX`] (a (time, y, x) shape alone can be a (z, y, x) one).
//! [`GriddedOutput::variable`] takes the variable named, as named, or else the one
//! `air_concentration_*` of a single-species file — its time-integrated twin where the
//! observations carry no time. Any other data variable on (time, z, y, x), (z, y, x) or
//! (y, x) is read as it is.

use std::collections::HashMap;

use hdf5::Dataset;
use ndarray::{s, Array2};

use super::{gridded_error, text_attr, GriddedOutput, Stencil};
use crate::evaluate::EvaluateError;
use crate::output::netcdf::INTERVAL_PREFIX;

/// Prefix of the interval-mean concentration variables.
pub const CONCENTRATION_PREFIX: &str = "air_concentration_";
/// Prefix that turns a concentration variable's name into its time integral's.
pub const TIME_INTEGRATED_PREFIX: &str = "time_integrated_";

/// The dimensions of a data variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dims {
    TimeZYX,
    ZYX,
    TimeYX,
    YX,
}

impl Dims {
    /// Whether the variable varies over the output intervals.
    pub fn has_time(self) -> bool {
        matches!(self, Dims::TimeZYX | Dims::TimeYX)
    }

    /// Whether the variable has no layers (a surface field).
    pub fn is_surface(self) -> bool {
        matches!(self, Dims::TimeYX | Dims::YX)
    }
}

/// One data variable of an output, read a (time, layer) plane at a time.
pub struct GriddedVariable {
    pub name: String,
    pub units: String,
    pub dims: Dims,
    dataset: Dataset,
    planes: HashMap<(usize, usize), Array2<f64>>,
}

impl GriddedOutput {
    /// The names of the `air_concentration_*` variables.
    pub fn concentration_variables(&self) -> Vec<String> {
        self.data_variables()
            .into_iter()
            .filter(|n| n.starts_with(CONCENTRATION_PREFIX))
            .collect()
    }

    /// The names of the variables on the grid (those with a `grid_mapping`), in file order.
    pub fn data_variables(&self) -> Vec<String> {
        let names = self.file.member_names().unwrap_or_default();
        names
            .into_iter()
            .filter(|n| {
                self.file
                    .dataset(n)
                    .is_ok_and(|d| d.attr("grid_mapping").is_ok() && n != "lat" && n != "lon")
            })
            .collect()
    }

    /// The global attribute `name` as text, if present.
    pub fn global_text(&self, name: &str) -> Option<String> {
        text_attr(&self.file, name)
    }

    /// Opens the variable to read as the module documentation describes: `requested`, or the
    /// file's only concentration, as interval means when `time_resolved`, else integrated.
    pub fn variable(
        &self,
        requested: Option<&str>,
        time_resolved: bool,
    ) -> Result<GriddedVariable, EvaluateError> {
        let bad = |what: String| gridded_error(&self.path, what);
        // A variable named is read as named; only the default turns into its time integral.
        let name = match requested {
            Some(n) => n.to_string(),
            None => match self.concentration_variables().as_slice() {
                [one] if time_resolved => one.clone(),
                [one] => format!("{TIME_INTEGRATED_PREFIX}{one}"),
                many => {
                    return Err(bad(format!(
                        "{} concentration variables ({}); name one with --variable",
                        many.len(),
                        many.join(", ")
                    )))
                }
            },
        };
        let candidates = self.data_variables();
        if !candidates.contains(&name) {
            return Err(bad(format!(
                "no variable `{name}`; expected one of: {}",
                candidates.join(", ")
            )));
        }
        let dataset = self
            .file
            .dataset(&name)
            .map_err(|e| bad(format!("cannot open `{name}`: {e}")))?;
        let (nt, nz, ny, nx) = (
            self.intervals_s.len(),
            self.layers_m.len(),
            self.y_m.len(),
            self.x_m.len(),
        );
        let shape = dataset.shape();
        let dims = if shape == [nt, nz, ny, nx] {
            Dims::TimeZYX
        } else if name.starts_with(INTERVAL_PREFIX) && shape == [nt, ny, nx] {
            Dims::TimeYX
        } else if shape == [nz, ny, nx] {
            Dims::ZYX
        } else if shape == [ny, nx] {
            Dims::YX
        } else {
            return Err(bad(format!(
                "`{name}` has shape {shape:?}; expected (time, z, y, x) = ({nt}, {nz}, {ny}, {nx}), (z, y, x) or (y, x)"
            )));
        };
        match (dims.has_time(), time_resolved) {
            (false, true) => Err(bad(format!(
                "`{name}` has no time dimension; leave the observations' `time` column out"
            ))),
            (true, false) => Err(bad(format!(
                "`{name}` varies in time; the observations need a `time` column{}",
                match name.strip_prefix(CONCENTRATION_PREFIX) {
                    Some(species) => format!(
                        " (or score time-integrated observations with --variable {TIME_INTEGRATED_PREFIX}{CONCENTRATION_PREFIX}{species})"
                    ),
                    None => String::new(),
                }
            ))),
            _ => Ok(GriddedVariable {
                units: text_attr(&dataset, "units").unwrap_or_default(),
                name,
                dims,
                dataset,
                planes: HashMap::new(),
            }),
        }
    }
}

impl GriddedVariable {
    /// The bilinear value at `at` in `layer` and `interval` (those a variable lacks are ignored).
    pub fn value(
        &mut self,
        output: &GriddedOutput,
        at: Stencil,
        layer: usize,
        interval: usize,
    ) -> Result<f64, EvaluateError> {
        let key = match self.dims {
            Dims::TimeZYX => (interval, layer),
            Dims::ZYX => (0, layer),
            Dims::TimeYX => (interval, 0),
            Dims::YX => (0, 0),
        };
        if !self.planes.contains_key(&key) {
            let (t, k) = key;
            let plane = match self.dims {
                Dims::TimeZYX => self.dataset.read_slice_2d(s![t, k, .., ..]),
                Dims::ZYX => self.dataset.read_slice_2d(s![k, .., ..]),
                Dims::TimeYX => self.dataset.read_slice_2d(s![t, .., ..]),
                Dims::YX => self.dataset.read_2d(),
            }
            .map_err(|e| {
                gridded_error(&output.path, format!("cannot read `{}`: {e}", self.name))
            })?;
            self.planes.insert(key, plane);
        }
        let p = &self.planes[&key];
        let (nx, ny) = (output.x_m.len(), output.y_m.len());
        let (i1, j1) = ((at.i + 1).min(nx - 1), (at.j + 1).min(ny - 1));
        let (i, j, wx, wy) = (at.i, at.j, at.wx, at.wy);
        let value = (1.0 - wy) * ((1.0 - wx) * p[[j, i]] + wx * p[[j, i1]])
            + wy * ((1.0 - wx) * p[[j1, i]] + wx * p[[j1, i1]]);
        if !value.is_finite() {
            return Err(gridded_error(
                &output.path,
                format!("`{}` is not finite near cell (x {i}, y {j})", self.name),
            ));
        }
        Ok(value)
    }
}
