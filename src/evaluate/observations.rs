//! Observation points, read from CSV and paired with the values of plume output files there.
//!
//! The CSV has a header line and one observation per line. Columns (any order, names
//! case-sensitive):
//!
//! | column | meaning |
//! |---|---|
//! | `run` | the run (trial) the observation belongs to; bootstrap resamples runs. With several output files it names one by its stem (`trial07` for `trial07.nc`) |
//! | `lat`, `lon` or `x_m`, `y_m` | the position: degrees on WGS84, or metres in the file's projection |
//! | `height_m` (optional) | height above ground (m); empty or absent: the lowest layer |
//! | `time` (optional) | ISO 8601 time (`2026-11-28T06:00:00Z`), matched to the averaging interval that holds it; absent: the time-integrated variable |
//! | `observed` | the observed value (≥ 0, in the unit of the variable read) |
//! | anything else | a stratum label, kept as text |
//!
//! With a `time` column every line needs a time. Every error names the file, line, column and
//! value. How a point's model value is found is in [`super::gridded`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::csv_table::Table;
use super::gridded::{GriddedOutput, GriddedVariable};
use super::{EvaluateError, Pair};
use crate::geo::LatLon;

/// Where an observation was taken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Position {
    /// Degrees on WGS84.
    LatLon(LatLon),
    /// Metres in the output file's projection.
    Projected { x_m: f64, y_m: f64 },
}

/// One observed value and where and when it was taken.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Line in the CSV file.
    pub line: u64,
    pub run: String,
    pub position: Position,
    pub height_m: Option<f64>,
    pub time: Option<DateTime<Utc>>,
    pub observed: f64,
    /// Stratum labels by column name.
    pub strata: BTreeMap<String, String>,
}

/// An observation file read whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Observations {
    /// The file as shown in messages.
    pub path: String,
    /// Whether the file has a `time` column (then every observation has a time).
    pub timed: bool,
    pub rows: Vec<Observation>,
}

/// A pair made at an observation point, with where the model was read.
#[derive(Debug, Clone, PartialEq)]
pub struct PointPair {
    pub pair: Pair,
    /// The observation's line in its CSV file.
    pub line: u64,
    /// The point in the file's projection (m).
    pub x_m: f64,
    pub y_m: f64,
    /// The layer read (0 for a surface variable).
    pub layer: usize,
    /// The averaging interval read (`None` for a variable without time).
    pub interval: Option<usize>,
}

impl PointPair {
    /// The pair with where it came from as extra columns, for `pairs.csv`: the observation's
    /// line in its file, and the point, layer and interval (0-based; empty without time) the
    /// model was read at (found by review: with repeated stations or times a pair could not be
    /// traced to its observation). `plume evaluate pairs` reads them as labels it stratifies
    /// by only when asked; a stratum column of the same name keeps its own value.
    pub fn traced(&self) -> Pair {
        let mut pair = self.pair.clone();
        let mut put = |k: &str, v: String| {
            pair.strata.entry(k.to_string()).or_insert(v);
        };
        put("observation_line", self.line.to_string());
        put("model_x_m", format!("{}", self.x_m));
        put("model_y_m", format!("{}", self.y_m));
        put("model_layer", self.layer.to_string());
        put(
            "model_interval",
            self.interval.map_or(String::new(), |k| k.to_string()),
        );
        pair
    }
}

/// The pairs made from output files and observations.
#[derive(Debug, Clone, PartialEq)]
pub struct PointPairs {
    /// The variable read and its units.
    pub variable: String,
    pub units: String,
    /// The model that wrote the files (their `model` attribute; `mixed` when they differ).
    pub model: String,
    pub points: Vec<PointPair>,
}

/// Reads an observation CSV laid out as the module documentation describes.
pub fn read_observations(path: &Path) -> Result<Observations, EvaluateError> {
    let table = Table::read(path)?;
    let has = |c: &str| table.headers.iter().any(|h| h == c);
    let position_columns = match (has("lat") || has("lon"), has("x_m") || has("y_m")) {
        (true, true) => {
            return Err(EvaluateError::Csv {
                path: table.path.clone(),
                line: 1,
                column: "(header)".into(),
                value: table.headers.join(","),
                message: "give the position as `lat`, `lon` or as `x_m`, `y_m`, not both".into(),
            })
        }
        (false, true) => ["x_m", "y_m"],
        _ => ["lat", "lon"],
    };
    let (i_run, i_obs) = (table.column("run")?, table.column("observed")?);
    let (i_a, i_b) = (
        table.column(position_columns[0])?,
        table.column(position_columns[1])?,
    );
    let i_height = table.column("height_m").ok();
    let i_time = table.column("time").ok();
    let known = [
        Some(i_run),
        Some(i_obs),
        Some(i_a),
        Some(i_b),
        i_height,
        i_time,
    ];
    let (lat_range, lon_range, any) = ((-90.0, 90.0), (-360.0, 360.0), (f64::MIN, f64::MAX));
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let line = row.0;
        if row.1[i_run].is_empty() {
            return Err(table.error(line, i_run, "", "the run id is empty"));
        }
        let position = if position_columns[0] == "lat" {
            let lat = table.number(row, i_a, lat_range)?;
            Position::LatLon(LatLon::new(lat, table.number(row, i_b, lon_range)?))
        } else {
            Position::Projected {
                x_m: table.number(row, i_a, any)?,
                y_m: table.number(row, i_b, any)?,
            }
        };
        let time = match i_time {
            None => None,
            Some(c) => Some(
                DateTime::parse_from_rfc3339(&row.1[c])
                    .map_err(|_| {
                        table.error(
                            line,
                            c,
                            &row.1[c],
                            "not an ISO 8601 time like 2026-11-28T06:00:00Z",
                        )
                    })?
                    .with_timezone(&Utc),
            ),
        };
        rows.push(Observation {
            line,
            run: row.1[i_run].clone(),
            position,
            height_m: table.optional(row, i_height, (0.0, f64::MAX))?,
            time,
            observed: table.number(row, i_obs, (0.0, f64::MAX))?,
            strata: table
                .headers
                .iter()
                .enumerate()
                .filter(|&(i, _)| !known.contains(&Some(i)))
                .map(|(i, h)| (h.clone(), row.1[i].clone()))
                .collect(),
        });
    }
    if rows.is_empty() {
        return Err(EvaluateError::Invalid(format!(
            "{}: no observations",
            table.path
        )));
    }
    Ok(Observations {
        path: table.path,
        timed: i_time.is_some(),
        rows,
    })
}

/// Reads `variable` (see [`GriddedOutput::variable`]) of the output `files` at every observation
/// of the file `observations`. With one file every run reads it; with several, each run reads
/// the file whose stem it names.
pub fn pair_outputs(
    files: &[PathBuf],
    observations: &Path,
    variable: Option<&str>,
) -> Result<PointPairs, EvaluateError> {
    let obs = read_observations(observations)?;
    let mut by_stem: HashMap<String, usize> = HashMap::new();
    for (k, f) in files.iter().enumerate() {
        let stem = f
            .file_stem()
            .map_or(String::new(), |s| s.to_string_lossy().into());
        if by_stem.insert(stem.clone(), k).is_some() {
            return Err(EvaluateError::Invalid(format!(
                "two output files have the stem `{stem}`; runs name files by their stems"
            )));
        }
    }
    let outputs = files
        .iter()
        .map(|f| GriddedOutput::open(f))
        .collect::<Result<Vec<_>, _>>()?;
    let mut variables = outputs
        .iter()
        .map(|o| o.variable(variable, obs.timed))
        .collect::<Result<Vec<GriddedVariable>, _>>()?;
    if let Some(k) = variables.iter().position(|v| v.name != variables[0].name) {
        return Err(EvaluateError::Invalid(format!(
            "{} reads `{}` but {} reads `{}`; name one variable with --variable",
            outputs[0].path, variables[0].name, outputs[k].path, variables[k].name
        )));
    }
    let at = |o: &Observation, column: &str, value: String, message: String| EvaluateError::Csv {
        path: obs.path.clone(),
        line: o.line,
        column: column.into(),
        value,
        message,
    };
    let mut points = Vec::with_capacity(obs.rows.len());
    for o in &obs.rows {
        let k = if files.len() == 1 {
            0
        } else {
            *by_stem.get(&o.run).ok_or_else(|| {
                let mut stems: Vec<&String> = by_stem.keys().collect();
                stems.sort();
                let stems: Vec<&str> = stems.into_iter().map(String::as_str).collect();
                at(
                    o,
                    "run",
                    o.run.clone(),
                    format!("names no output file; their stems are {}", stems.join(", ")),
                )
            })?
        };
        let (output, var) = (&outputs[k], &mut variables[k]);
        let (column, value, (x_m, y_m)) = match o.position {
            Position::LatLon(p) => ("lat,lon", format!("{},{}", p.lat, p.lon), output.project(p)),
            Position::Projected { x_m, y_m } => ("x_m,y_m", format!("{x_m},{y_m}"), (x_m, y_m)),
        };
        let stencil = output
            .stencil(x_m, y_m)
            .map_err(|m| at(o, column, value, m))?;
        let height = || o.height_m.map_or(String::new(), |h| h.to_string());
        let layer = match var.dims {
            d if d.is_surface() && o.height_m.is_some() => Err(format!(
                "`{}` is a surface field; leave height_m empty",
                var.name
            )),
            d if d.is_surface() => Ok(0),
            _ => output.layer(o.height_m),
        }
        .map_err(|m| at(o, "height_m", height(), m))?;
        let interval = match o.time {
            Some(t) if var.dims.has_time() => Some(
                output
                    .interval(t)
                    .map_err(|m| at(o, "time", t.to_rfc3339(), m))?,
            ),
            _ => None,
        };
        let modelled = var.value(output, stencil, layer, interval.unwrap_or(0))?;
        points.push(PointPair {
            pair: Pair {
                run: o.run.clone(),
                strata: o.strata.clone(),
                observed: o.observed,
                modelled,
            },
            line: o.line,
            x_m,
            y_m,
            layer,
            interval,
        });
    }
    let models: Vec<String> = outputs
        .iter()
        .map(|o| o.global_text("model").unwrap_or_default())
        .collect();
    Ok(PointPairs {
        variable: variables[0].name.clone(),
        units: variables[0].units.clone(),
        model: if models.iter().all(|m| *m == models[0]) && !models[0].is_empty() {
            models[0].clone()
        } else {
            "mixed".into()
        },
        points,
    })
}
