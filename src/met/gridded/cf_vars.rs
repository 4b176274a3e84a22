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
    let bad = || {
        MetError::Units {
        file: file.to_path_buf(),
        variable: v.name.clone(),
        found: units.clone(),
        expected: "\"<seconds|minutes|hours|days> since <ISO 8601 time>\" (UTC, or with an offset such as -03:00)".into(),
    }
    };
    let (unit, reference) = units.split_once(" since ").ok_or_else(bad)?;
    let scale = match unit.trim().to_ascii_lowercase().as_str() {
        "seconds" | "second" | "s" | "sec" | "secs" => 1.0,
        "minutes" | "minute" | "min" | "mins" => 60.0,
        "hours" | "hour" | "h" | "hr" | "hrs" => 3600.0,
        "days" | "day" | "d" => 86400.0,
        _ => return Err(bad()),
    };
    let epoch = reference_time(reference).ok_or_else(bad)?;
    Ok((scale, epoch))
}

/// The reference time of CF time units: an ISO 8601 date, optionally a time (with or without
/// seconds, `T` or a space between), and optionally a time zone — `Z`, `UTC`, or an offset
/// from UTC such as `-03:00`, `+0530` or `-3` (UDUNITS, which CF follows, allows one:
/// "1992-10-8 15:15:42.5 -6:00"); a local reference time is moved to UTC.
fn reference_time(reference: &str) -> Option<DateTime<Utc>> {
    let r = reference.trim();
    let (r, named_utc) = match r.strip_suffix("UTC").or_else(|| r.strip_suffix('Z')) {
        Some(rest) => (rest.trim(), true),
        None => (r, false),
    };
    // An offset's sign comes after the time: the date's own hyphens (and a negative year's
    // sign) come before the space or `T` that ends it.
    let time_from = r
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == ' ' || c == 'T');
    let sign = time_from.and_then(|(t, _)| r[t..].rfind(['+', '-']).map(|i| t + i));
    let (local, offset_s) = match sign {
        Some(i) => (r[..i].trim(), utc_offset_s(&r[i..])?),
        None => (r, 0),
    };
    // "+03:00 UTC" says two things.
    if named_utc && offset_s != 0 {
        return None;
    }
    let naive = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(local, f).ok())
    .or_else(|| {
        chrono::NaiveDate::parse_from_str(local, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    })?;
    // Checked: an offset past chrono's last representable year would overflow (found by
    // review: "-262143-01-01 00:00:00 +01:00" panicked).
    naive
        .and_utc()
        .checked_sub_signed(chrono::TimeDelta::seconds(offset_s))
}

/// An offset from UTC in seconds: a sign, then hours (one or two digits), with or without a
/// colon before two digits of minutes (`-3`, `+05:30`, `-0300`); within ±14 h.
fn utc_offset_s(text: &str) -> Option<i64> {
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits = text[1..].trim();
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() > 2 => digits.split_at(digits.len() - 2),
        None => (digits, "0"),
    };
    let all_digits =
        |t: &str| !t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(h) || !all_digits(m) {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn reference_times_in_utc_read_as_written() {
        for r in [
            "2026-07-14 06:00:00",
            "2026-07-14T06:00:00Z",
            "2026-07-14 06:00:00 UTC",
            "2026-07-14T06:00:00+00:00",
            "2026-07-14 06:00",
            " 2026-7-14 6:00:00.0 ",
        ] {
            assert_eq!(reference_time(r), Some(utc("2026-07-14T06:00:00Z")), "{r}");
        }
        assert_eq!(
            reference_time("2026-07-14"),
            Some(utc("2026-07-14T00:00:00Z"))
        );
    }

    #[test]
    fn a_reference_time_with_an_offset_is_moved_to_utc() {
        // Found by review: CF (through UDUNITS) allows an offset, which was refused.
        for r in [
            "2026-07-14 03:00:00 -03:00",
            "2026-07-14T03:00:00-03:00",
            "2026-07-14 03:00:00 -0300",
            "2026-07-14 03:00 -3",
            "2026-07-14 11:30:00 +05:30",
        ] {
            assert_eq!(reference_time(r), Some(utc("2026-07-14T06:00:00Z")), "{r}");
        }
        // A negative year's sign and the date's hyphens are not offsets (found by review).
        assert_eq!(
            reference_time("-4712-01-01 12:00:00").map(|t| t.to_rfc3339()),
            Some("-4712-01-01T12:00:00+00:00".to_string())
        );
        assert!(reference_time("-0001-01-01").is_some());
        assert_eq!(
            reference_time("2026-07-14T03:00:00.5-03:00"),
            Some(utc("2026-07-14T06:00:00.5Z"))
        );
        for bad in [
            "-262143-01-01 00:00:00 +01:00",
            "2026-07-14 03:00:00 +03:00 UTC",
            "2026-07-14 03:00:00 -25:00",
            "2026-07-14 03:00:00 -03:75",
            "2026-07-14 03:00:00 +x",
            "2026-07-14 03:00:00 -",
            "yesterday",
        ] {
            assert_eq!(reference_time(bad), None, "{bad}");
        }
    }
}
