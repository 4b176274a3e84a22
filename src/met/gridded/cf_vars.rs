//! The variables of a CF netCDF-4/HDF5 file as the reader sees them: found by standard name
//! or conventional name, read whole or by hyperslab, with fill values, packing, units and
//! dimension order checked, every refusal naming the file and the variable.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use hdf5::types::{FixedAscii, FixedUnicode, TypeDescriptor, VarLenAscii, VarLenUnicode};

use super::cf_dims::order_problem;
use crate::met::error::MetError;
use crate::met::file_kind::{sniff, FileKind};

/// The variables of one open file.
pub(super) struct Vars {
    pub file: PathBuf,
    vars: Vec<Var>,
}

impl Vars {
    /// Opens `path` as netCDF-4/HDF5 and lists its variables; a file of another kind (GRIB2,
    /// netCDF-3, text) is refused with what to do instead.
    pub fn open(path: &Path) -> Result<Vars, MetError> {
        let file = path.to_path_buf();
        let fmt_err = |detail: String| MetError::Format {
            file: file.clone(),
            detail,
        };
        let h5 = hdf5::File::open(path).map_err(|e| {
            if path.exists() {
                fmt_err(match sniff(path) {
                    FileKind::Grib => "is a GRIB2 file, not netCDF-4/HDF5: expected a netCDF-4 file (or meteorology.format = \"grib2\" for this one)".into(),
                    FileKind::NetCdf3 => "is a classic netCDF-3 file, not netCDF-4/HDF5: expected a netCDF-4 file (convert it with `nccopy -k nc4`)".into(),
                    FileKind::Text => "is text, not netCDF-4/HDF5 (a station CSV file takes meteorology.kind = \"station\"): expected a netCDF-4 file".into(),
                    FileKind::Empty => "is empty: expected a netCDF-4 file".into(),
                    _ => format!("cannot open as netCDF-4/HDF5 ({e}): expected a netCDF-4 file"),
                })
            } else {
                MetError::Io {
                    file: file.clone(),
                    source: std::io::Error::new(std::io::ErrorKind::NotFound, e.to_string()),
                }
            }
        })?;
        let datasets = h5
            .datasets()
            .map_err(|e| fmt_err(format!("cannot list variables: {e}")))?;
        let vars = datasets
            .into_iter()
            .map(|ds| Var {
                name: ds.name().trim_start_matches('/').to_string(),
                standard_name: attr_string(&ds, "standard_name"),
                units: attr_string(&ds, "units"),
                ds,
            })
            .collect();
        Ok(Vars { file, vars })
    }

    /// The variable with a standard name in `standard`, else one with a conventional name in
    /// `names` — but never a variable whose own standard name says it is something else (a `u`
    /// that is `x_wind`, relative to a rotated grid; a `shf` that is the downward flux).
    pub fn find(&self, standard: &[&str], names: &[&str]) -> Option<&Var> {
        self.vars
            .iter()
            .find(|v| {
                v.standard_name
                    .as_deref()
                    .is_some_and(|s| standard.contains(&s))
            })
            .or_else(|| {
                self.vars.iter().find(|v| {
                    names.contains(&v.name.as_str())
                        && v.standard_name
                            .as_deref()
                            .is_none_or(|s| standard.is_empty() || standard.contains(&s))
                })
            })
    }

    /// The variable called `name`, whatever its standard name.
    pub fn by_name(&self, name: &str) -> Option<&Var> {
        self.vars.iter().find(|v| v.name == name)
    }

    /// The error for a variable the file lacks.
    pub fn missing(&self, variable: &str, expected: &str) -> MetError {
        MetError::Missing {
            file: self.file.clone(),
            variable: variable.to_string(),
            expected: expected.to_string(),
        }
    }
}

/// One variable: its HDF5 dataset and the attributes the reader finds it by.
pub(super) struct Var {
    pub name: String,
    pub standard_name: Option<String>,
    pub units: Option<String>,
    pub ds: hdf5::Dataset,
}

/// The error for a variable that cannot be read as numbers.
pub(super) fn read_err(v: &Var, e: hdf5::Error, file: &Path) -> MetError {
    MetError::Invalid {
        file: file.to_path_buf(),
        variable: v.name.clone(),
        problem: format!("cannot be read as numbers ({e})"),
    }
}

/// Checks a variable's shape and, where the file names its dimensions, their order: a square
/// grid written (x, y) has the right shape but would be read transposed.
pub(super) fn check_shape(
    v: &Var,
    expected: &[usize],
    dims: &str,
    names: &[Option<String>],
    file: &Path,
) -> Result<(), MetError> {
    let shape = v.ds.shape();
    let problem = if shape != expected {
        Some(format!(
            "has shape {shape:?}: expected {dims} = {expected:?}"
        ))
    } else {
        order_problem(&v.ds, names)
    };
    match problem {
        Some(problem) => Err(MetError::Invalid {
            file: file.to_path_buf(),
            variable: v.name.clone(),
            problem,
        }),
        None => Ok(()),
    }
}

/// The whole variable, cleaned ([`clean`]).
pub(super) fn read_all(v: &Var, file: &Path) -> Result<Vec<f64>, MetError> {
    let data = v.ds.read_raw::<f64>().map_err(|e| read_err(v, e, file))?;
    clean(v, data, file)
}

/// Applies `_FillValue`/`missing_value` (→ NaN) and `scale_factor`/`add_offset`, then rejects
/// any value that is not finite.
pub(super) fn clean(v: &Var, mut data: Vec<f64>, file: &Path) -> Result<Vec<f64>, MetError> {
    let fills: Vec<f64> = ["_FillValue", "missing_value"]
        .iter()
        .filter_map(|k| attr_f64(&v.ds, k))
        .collect();
    let scale = attr_f64(&v.ds, "scale_factor").unwrap_or(1.0);
    let offset = attr_f64(&v.ds, "add_offset").unwrap_or(0.0);
    for x in data.iter_mut() {
        if fills.contains(x) {
            *x = f64::NAN;
        } else {
            *x = *x * scale + offset;
        }
    }
    if let Some(k) = data.iter().position(|x| !x.is_finite()) {
        return Err(MetError::Invalid {
            file: file.to_path_buf(),
            variable: v.name.clone(),
            problem: format!(
                "value at flat index {k} of the part read is NaN, infinite or a fill value: expected finite data"
            ),
        });
    }
    Ok(data)
}

/// Refuses a coordinate that is empty or not strictly monotonic.
pub(super) fn monotonic(v: &Var, xs: &[f64], file: &Path) -> Result<(), MetError> {
    let inc = xs.windows(2).all(|w| w[1] > w[0]);
    let dec = xs.windows(2).all(|w| w[1] < w[0]);
    if xs.is_empty() || !(inc || dec) {
        return Err(MetError::Invalid {
            file: file.to_path_buf(),
            variable: v.name.clone(),
            problem: "coordinate is not strictly monotonic".into(),
        });
    }
    Ok(())
}

/// Refuses a variable whose units are none of `accepted` (compared ignoring case).
pub(super) fn expect_units(v: &Var, accepted: &[&str], file: &Path) -> Result<(), MetError> {
    let found = v.units.as_deref().map(str::trim).unwrap_or("");
    if accepted.iter().any(|a| a.eq_ignore_ascii_case(found)) {
        Ok(())
    } else {
        Err(MetError::Units {
            file: file.to_path_buf(),
            variable: v.name.clone(),
            found: if found.is_empty() {
                "(none)".into()
            } else {
                found.to_string()
            },
            expected: accepted.join(" or "),
        })
    }
}

/// Parses CF time units "<unit> since <reference time>" into seconds per unit and the epoch.
///
/// The `calendar` attribute must be absent or name the Gregorian calendar ("standard",
/// "gregorian", "proleptic_gregorian": the same after 1582): times in a model calendar
/// ("noleap", "360_day", "julian", …) count days that are not the Gregorian ones, and read as
/// Gregorian they would shift the weather by days (found by review).
pub(super) fn time_units(v: &Var, file: &Path) -> Result<(f64, DateTime<Utc>), MetError> {
    if let Some(calendar) = attr_string(&v.ds, "calendar") {
        let gregorian = ["standard", "gregorian", "proleptic_gregorian"];
        if !gregorian.contains(&calendar.trim().to_ascii_lowercase().as_str()) {
            return Err(MetError::Units {
                file: file.to_path_buf(),
                variable: format!("{}:calendar", v.name),
                found: calendar,
                expected: "\"standard\", \"gregorian\" or \"proleptic_gregorian\" (times in a \
                           model calendar cannot be placed on real dates)"
                    .into(),
            });
        }
    }
    let units = v.units.clone().unwrap_or_default();
    let bad = || MetError::Units {
        file: file.to_path_buf(),
        variable: v.name.clone(),
        found: units.clone(),
        expected: "\"<seconds|minutes|hours|days> since <ISO 8601 UTC time>\"".into(),
    };
    let (unit, reference) = units.split_once(" since ").ok_or_else(bad)?;
    let scale = match unit.trim().to_ascii_lowercase().as_str() {
        "seconds" | "second" | "s" | "sec" | "secs" => 1.0,
        "minutes" | "minute" | "min" | "mins" => 60.0,
        "hours" | "hour" | "h" | "hr" | "hrs" => 3600.0,
        "days" | "day" | "d" => 86400.0,
        _ => return Err(bad()),
    };
    let r = reference
        .trim()
        .trim_end_matches("UTC")
        .trim_end_matches('Z')
        .trim_end_matches("+00:00")
        .trim();
    let epoch = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(r, f).ok())
    .or_else(|| {
        chrono::NaiveDate::parse_from_str(r, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    })
    .ok_or_else(bad)?;
    Ok((scale, epoch.and_utc()))
}

/// Reads a string attribute whatever its HDF5 string type (netCDF-4 writes fixed-length ASCII,
/// h5py variable-length UTF-8).
pub(super) fn attr_string(ds: &hdf5::Dataset, name: &str) -> Option<String> {
    let a = ds.attr(name).ok()?;
    let desc = a.dtype().ok()?.to_descriptor().ok()?;
    match desc {
        TypeDescriptor::VarLenUnicode => {
            a.read_scalar::<VarLenUnicode>().ok().map(|s| s.to_string())
        }
        TypeDescriptor::VarLenAscii => a.read_scalar::<VarLenAscii>().ok().map(|s| s.to_string()),
        TypeDescriptor::FixedAscii(_) => a
            .read_scalar::<FixedAscii<1024>>()
            .ok()
            .map(|s| s.to_string()),
        TypeDescriptor::FixedUnicode(_) => a
            .read_scalar::<FixedUnicode<1024>>()
            .ok()
            .map(|s| s.to_string()),
        _ => None,
    }
}

/// Reads a numeric attribute (the first element if it is an array).
pub(super) fn attr_f64(ds: &hdf5::Dataset, name: &str) -> Option<f64> {
    let a = ds.attr(name).ok()?;
    match a.dtype().ok()?.to_descriptor().ok()? {
        TypeDescriptor::Float(_) | TypeDescriptor::Integer(_) | TypeDescriptor::Unsigned(_) => {
            a.read_raw::<f64>().ok()?.first().copied()
        }
        _ => None,
    }
}
