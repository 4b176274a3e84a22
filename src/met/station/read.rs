//! Reading station CSV files (the format is in the parent module's documentation): every
//! problem names the file, the line, the column, the value and what was expected.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{Series, Station, StationMet, StationOptions, MAX_STATION_DISTANCE_M};
use crate::geo::{LatLon, TransverseMercator};
use crate::met::error::{MetError, MetWarning, MAX_ROW_PROBLEMS};
use crate::met::file_kind::{sniff, FileKind};
use crate::met::period::{self, MAX_HOLD_OUTSIDE_S};
use crate::met::StabilityClass;

/// What a row holds for one numeric cell.
enum Cell {
    Absent,
    Gap,
    Value(f64),
}

/// Per-station accumulation while reading.
struct Draft {
    id: String,
    location: LatLon,
    wind_height_m: f64,
    first_line: u64,
    times: Vec<f64>,
    last_line: u64,
    speed: Series,
    from_deg: Series,
    /// The directions written beside calms: used only by a station that is calm throughout.
    calm_from_deg: Series,
    inv_l: Series,
    u_star: Series,
    mixing: Series,
    precip: Series,
    temp: Series,
    sigma_theta: Series,
    gaps: Vec<(&'static str, f64)>,
}

const COLUMNS: [&str; 14] = [
    "time",
    "station",
    "lat",
    "lon",
    "wind_height_m",
    "wind_speed_m_s",
    "wind_from_deg",
    "stability",
    "obukhov_length_m",
    "friction_velocity_m_s",
    "mixing_height_m",
    "precipitation_mm_h",
    "air_temperature_k",
    "sigma_theta_deg",
];

impl StationMet {
    /// Reads a station CSV file; times become seconds since `start`, positions local metres of
    /// `projection`. `run_s` is the span the run needs, to warn when the series do not cover it.
    pub fn from_path(
        path: &Path,
        start: DateTime<Utc>,
        run_s: f64,
        projection: &TransverseMercator,
        options: StationOptions,
    ) -> Result<(StationMet, Vec<MetWarning>), MetError> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::InvalidData {
                // Not UTF-8: the file's content, not its reading, is at fault.
                let detail = match sniff(path) {
                    kind @ (FileKind::Hdf5 | FileKind::NetCdf3 | FileKind::Grib) => format!(
                        "is {}, not CSV text (a gridded file takes meteorology.kind = \"gridded\"): expected a station CSV file",
                        kind.describe().unwrap_or_default()
                    ),
                    _ => "is not UTF-8 text: expected a station CSV file in UTF-8".into(),
                };
                MetError::Format {
                    file: path.to_path_buf(),
                    detail,
                }
            } else {
                MetError::Io {
                    file: path.to_path_buf(),
                    source,
                }
            }
        })?;
        Self::parse(&text, path, start, run_s, projection, options)
    }

    /// Parses station CSV text; `file` names it in errors and warnings.
    pub fn parse(
        text: &str,
        file: &Path,
        start: DateTime<Utc>,
        run_s: f64,
        projection: &TransverseMercator,
        options: StationOptions,
    ) -> Result<(StationMet, Vec<MetWarning>), MetError> {
        let file_buf = file.to_path_buf();
        let bad = |line: u64, column: &str, value: &str, expected: &str| MetError::Value {
            file: file_buf.clone(),
            line,
            column: column.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        };
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .flexible(false)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| bad(1, "(header)", "", &format!("a CSV header line ({e})")))?
            .clone();
        let col = |name: &str| headers.iter().position(|h| h == name);
        if let (1, Some(h)) = (headers.len(), headers.get(0)) {
            if h.contains(';') || h.contains('\t') {
                // A spreadsheet's export in a locale whose list separator is not the comma.
                return Err(bad(
                    1,
                    "(header)",
                    h,
                    "columns separated by commas, not semicolons or tabs",
                ));
            }
        }
        for (i, h) in headers.iter().enumerate() {
            if headers.iter().take(i).any(|earlier| earlier == h) {
                return Err(bad(1, h, h, "each column once (this one is named twice)"));
            }
            if !COLUMNS.contains(&h) {
                return Err(bad(
                    1,
                    h,
                    h,
                    &format!("one of the documented columns {}", COLUMNS.join(", ")),
                ));
            }
        }
        for required in [
            "time",
            "station",
            "lat",
            "lon",
            "wind_speed_m_s",
            "wind_from_deg",
        ] {
            if col(required).is_none() {
                return Err(MetError::Missing {
                    file: file_buf.clone(),
                    variable: required.into(),
                    expected: "a column of that name in the header".into(),
                });
            }
        }
        if col("stability").is_none() && col("obukhov_length_m").is_none() {
            return Err(MetError::Missing {
                file: file_buf.clone(),
                variable: "stability".into(),
                expected: "a stability (A–F) or obukhov_length_m column".into(),
            });
        }
        let z0 = options.roughness_length_m;
        let mut drafts: Vec<Draft> = vec![];
        // Each row's values are checked on their own: a bad row is noted and the next read,
        // so that one check names every bad row (up to MAX_ROW_PROBLEMS); a row that breaks
        // the CSV itself (an unclosed quote) ends the reading, as the rows after it are
        // garbled.
        let mut read_row = |record: &csv::StringRecord, line: u64| -> Result<(), MetError> {
            let cell = |name: &str| col(name).and_then(|i| record.get(i)).unwrap_or("");
            let num = |name: &str, lo: f64, hi: f64, unit: &str| -> Result<Cell, MetError> {
                let Some(i) = col(name) else {
                    return Ok(Cell::Absent);
                };
                let s = record.get(i).unwrap_or("");
                if s.is_empty() || s.eq_ignore_ascii_case("na") {
                    return Ok(Cell::Gap);
                }
                match s.parse::<f64>() {
                    Ok(v) if v.is_finite() && v >= lo && v <= hi => Ok(Cell::Value(v)),
                    _ => Err(bad(
                        line,
                        name,
                        s,
                        &format!(
                            "a number from {lo} to {hi} {unit}, or an empty cell / NA for a gap"
                        ),
                    )),
                }
            };
            let time_s = cell("time");
            let t = DateTime::parse_from_rfc3339(time_s)
                .map_err(|_| {
                    bad(
                        line,
                        "time",
                        time_s,
                        "an ISO 8601 UTC time such as 2026-07-14T06:00:00Z",
                    )
                })?
                .with_timezone(&Utc);
            let t_s = (t - start).num_milliseconds() as f64 / 1000.0;
            let id = cell("station").to_string();
            if id.is_empty() {
                return Err(bad(line, "station", "", "a station identifier"));
            }
            let need = |c: Cell, name: &str, what: &str| match c {
                Cell::Value(v) => Ok(v),
                _ => Err(bad(line, name, cell(name), what)),
            };
            let lat = need(
                num("lat", -90.0, 90.0, "degrees")?,
                "lat",
                "a latitude in degrees",
            )?;
            let lon = need(
                num("lon", -180.0, 180.0, "degrees")?,
                "lon",
                "a longitude in degrees",
            )?;
            let wind_height_m = match num("wind_height_m", 0.0, 1000.0, "m")? {
                Cell::Value(v) if v > z0 => v,
                Cell::Value(v) => {
                    return Err(bad(
                        line,
                        "wind_height_m",
                        &v.to_string(),
                        &format!("a height above the roughness length {z0} m"),
                    ))
                }
                _ => 10.0,
            };
            let distance_m =
                crate::geo::geodesic_distance_m(projection.origin(), LatLon::new(lat, lon));
            if distance_m > MAX_STATION_DISTANCE_M {
                return Err(bad(
                    line,
                    "lat/lon",
                    &format!("{lat}, {lon}"),
                    &format!(
                        "a station within {:.0} km of the domain centre (it is {:.0} km away)",
                        MAX_STATION_DISTANCE_M / 1000.0,
                        distance_m / 1000.0
                    ),
                ));
            }
            let k = match drafts.iter().position(|d| d.id == id) {
                Some(k) => k,
                None => {
                    drafts.push(Draft {
                        id: id.clone(),
                        location: LatLon::new(lat, lon),
                        wind_height_m,
                        first_line: line,
                        times: vec![],
                        last_line: line,
                        speed: Series::default(),
                        from_deg: Series::default(),
                        calm_from_deg: Series::default(),
                        inv_l: Series::default(),
                        u_star: Series::default(),
                        mixing: Series::default(),
                        precip: Series::default(),
                        temp: Series::default(),
                        sigma_theta: Series::default(),
                        gaps: vec![],
                    });
                    drafts.len() - 1
                }
            };
            let d = &mut drafts[k];
            if d.location != LatLon::new(lat, lon) || d.wind_height_m != wind_height_m {
                return Err(bad(
                    line,
                    "lat/lon/wind_height_m",
                    &format!("{lat}, {lon}, {wind_height_m}"),
                    &format!(
                        "the same position and anemometer height as station {id}'s first record (line {})",
                        d.first_line
                    ),
                ));
            }
            if let Some(&prev) = d.times.last() {
                if t_s <= prev {
                    return Err(bad(
                        line,
                        "time",
                        time_s,
                        &format!(
                            "a time after station {id}'s previous record (line {}): records must increase in time",
                            d.last_line
                        ),
                    ));
                }
            }
            d.times.push(t_s);
            d.last_line = line;
            let put = |series: &mut Series,
                       c: Cell,
                       name: &'static str,
                       gaps: &mut Vec<(&'static str, f64)>| match c {
                Cell::Value(v) => {
                    series.t_s.push(t_s);
                    series.v.push(v);
                }
                Cell::Gap => gaps.push((name, t_s)),
                Cell::Absent => {}
            };
            let speed = num("wind_speed_m_s", 0.0, 100.0, "m/s")?;
            let from_deg = num("wind_from_deg", 0.0, 360.0, "degrees")?;
            // A calm (WMO dd = 00, METAR 00000KT) has no direction: its 0° is not north, and the
            // direction is interpolated across it from the records either side (found by
            // review: a calm at 0° turned a west wind's first hour into a north-west one).
            let calm = matches!(speed, Cell::Value(v) if v == 0.0);
            put(&mut d.speed, speed, "wind_speed_m_s", &mut d.gaps);
            if calm {
                put(&mut d.calm_from_deg, from_deg, "wind_from_deg", &mut d.gaps);
            } else {
                put(&mut d.from_deg, from_deg, "wind_from_deg", &mut d.gaps);
            }
            let class = match col("stability").map(|i| record.get(i).unwrap_or("")) {
                None | Some("") => None,
                Some(s) if s.eq_ignore_ascii_case("na") => None,
                Some(s) => Some(
                    StabilityClass::from_letter(s)
                        .ok_or_else(|| bad(line, "stability", s, "a class letter A to F"))?,
                ),
            };
            let l = num("obukhov_length_m", -1e9, 1e9, "m")?;
            let inv_l = match (class, l) {
                (Some(_), Cell::Value(_)) => {
                    return Err(bad(
                        line,
                        "stability/obukhov_length_m",
                        &format!("{}, {}", cell("stability"), cell("obukhov_length_m")),
                        "a stability class or an Obukhov length, not both",
                    ))
                }
                (Some(c), _) => Cell::Value(c.inverse_obukhov_length_per_m(z0)),
                (None, Cell::Value(l)) if l.abs() >= 1.0 => Cell::Value(1.0 / l),
                (None, Cell::Value(l)) => {
                    return Err(bad(
                        line,
                        "obukhov_length_m",
                        &l.to_string(),
                        "a length with |L| ≥ 1 m",
                    ))
                }
                (None, _) => Cell::Gap,
            };
            put(&mut d.inv_l, inv_l, "stability", &mut d.gaps);
            let us = num("friction_velocity_m_s", 0.0, 5.0, "m/s")?;
            if let Cell::Value(v) = us {
                if v <= 0.0 {
                    return Err(bad(
                        line,
                        "friction_velocity_m_s",
                        &v.to_string(),
                        "a positive friction velocity",
                    ));
                }
            }
            put(&mut d.u_star, us, "friction_velocity_m_s", &mut d.gaps);
            let h = num("mixing_height_m", 10.0, 10_000.0, "m")?;
            put(&mut d.mixing, h, "mixing_height_m", &mut d.gaps);
            let p = num("precipitation_mm_h", 0.0, 500.0, "mm/h")?;
            put(&mut d.precip, p, "precipitation_mm_h", &mut d.gaps);
            let tk = num("air_temperature_k", 180.0, 340.0, "K")?;
            put(&mut d.temp, tk, "air_temperature_k", &mut d.gaps);
            let st = num("sigma_theta_deg", 0.0, 60.0, "degrees")?;
            if let Cell::Value(v) = st {
                if v <= 0.0 {
                    return Err(bad(
                        line,
                        "sigma_theta_deg",
                        &v.to_string(),
                        "a positive standard deviation of the wind direction",
                    ));
                }
            }
            put(&mut d.sigma_theta, st, "sigma_theta_deg", &mut d.gaps);
            Ok(())
        };
        let mut bad_rows: Vec<MetError> = vec![];
        for record in reader.records() {
            let record = match record.map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                let text_line = text.lines().nth((line as usize).saturating_sub(1));
                let hint = match text_line {
                    Some(l) if l.matches('"').count() % 2 == 1 => {
                        ": a quote (\") opened on this line is not closed"
                    }
                    _ => "",
                };
                bad(
                    line,
                    "(row)",
                    text_line.unwrap_or(""),
                    &format!("a well-formed CSV row{hint} ({e})"),
                )
            }) {
                Ok(record) => record,
                Err(e) => {
                    bad_rows.push(e);
                    break;
                }
            };
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            // A quote left open swallows the rows after it into one field (found by the fuzz
            // review: the "station" named several whole rows, reported as a time-range error).
            if let Some((i, f)) = record.iter().enumerate().find(|(_, f)| f.contains('\n')) {
                let column = headers.get(i).unwrap_or("(row)").to_string();
                let first = f.lines().next().unwrap_or("");
                bad_rows.push(bad(
                    line,
                    &column,
                    first,
                    "a field on one line: a quote (\") opened here is not closed before the next row",
                ));
                break;
            }
            if let Err(e) = read_row(&record, line) {
                bad_rows.push(e);
                if bad_rows.len() == MAX_ROW_PROBLEMS {
                    break;
                }
            }
        }
        match bad_rows.len() {
            0 => {}
            1 => return Err(bad_rows.remove(0)),
            _ => return Err(MetError::Rows { rows: bad_rows }),
        }
        if drafts.is_empty() {
            return Err(MetError::Invalid {
                file: file_buf,
                variable: "(rows)".into(),
                problem: "the file has no records: expected at least one station record".into(),
            });
        }
        let mut warnings = vec![];
        let mut stations = vec![];
        for d in drafts {
            stations.push(finish(
                d,
                file,
                projection,
                start,
                run_s,
                &options,
                &mut warnings,
            )?);
        }
        Ok((
            StationMet {
                stations,
                options,
                centre_lat_deg: projection.origin().lat,
                mixing_height_factor: 1.0,
            },
            warnings,
        ))
    }
}

/// Turns one station's draft into a station, checking coverage and gaps: a station whose
/// records all lie more than [`MAX_HOLD_OUTSIDE_S`] outside the run is refused, as a gridded
/// file is (holding a last value for a day would be a wrong answer with a warning).
fn finish(
    d: Draft,
    file: &Path,
    projection: &TransverseMercator,
    start: DateTime<Utc>,
    run_s: f64,
    options: &StationOptions,
    warnings: &mut Vec<MetWarning>,
) -> Result<Station, MetError> {
    let warn = |warnings: &mut Vec<MetWarning>, message: String| {
        warnings.push(MetWarning {
            file: PathBuf::from(file),
            message,
        })
    };
    let id = d.id.clone();
    let (first, last) = (d.times[0], d.times[d.times.len() - 1]);
    if period::beyond_hold(first, last, run_s) {
        return Err(MetError::Invalid {
            file: file.to_path_buf(),
            variable: "time".into(),
            problem: format!(
                "station {id}'s records run from {}: expected records within {} h of the run",
                period::both_periods(first, last, start, run_s),
                MAX_HOLD_OUTSIDE_S / 3600.0
            ),
        });
    }
    let required = |s: Series, name: &str| -> Result<Series, MetError> {
        if s.v.is_empty() {
            Err(MetError::Invalid {
                file: file.to_path_buf(),
                variable: name.to_string(),
                problem: format!("station {id} has no valid value: expected at least one"),
            })
        } else {
            Ok(s)
        }
    };
    let speed = required(d.speed, "wind_speed_m_s")?;
    // A station calm throughout keeps the directions written (they move nothing).
    let directions = if d.from_deg.v.is_empty() {
        d.calm_from_deg
    } else {
        d.from_deg
    };
    let from_deg = required(directions, "wind_from_deg")?;
    let inv_l = required(d.inv_l, "stability")?;
    let optional = |s: Series, name: &str, warnings: &mut Vec<MetWarning>| {
        if s.v.is_empty() {
            if d.gaps.iter().any(|g| g.0 == name) {
                warn(
                    warnings,
                    format!("station {id}: {name} has no valid value; using the default"),
                );
            }
            None
        } else {
            Some(s)
        }
    };
    let friction_velocity = optional(d.u_star, "friction_velocity_m_s", warnings);
    let mixing_height = optional(d.mixing, "mixing_height_m", warnings);
    let precipitation = optional(d.precip, "precipitation_mm_h", warnings);
    let temperature = optional(d.temp, "air_temperature_k", warnings);
    let sigma_theta_deg = optional(d.sigma_theta, "sigma_theta_deg", warnings);
    // Gaps: one warning per station and variable.
    let mut names: Vec<&str> = d.gaps.iter().map(|g| g.0).collect();
    names.dedup();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let n = d.gaps.iter().filter(|g| g.0 == name).count();
        warn(
            warnings,
            format!(
                "station {id}: {n} record(s) without {name}; interpolated linearly in time from the neighbouring records"
            ),
        );
    }
    for (name, s) in [
        ("wind_speed_m_s", Some(&speed)),
        ("wind_from_deg", Some(&from_deg)),
        ("stability", Some(&inv_l)),
        ("mixing_height_m", mixing_height.as_ref()),
    ] {
        let Some(s) = s else { continue };
        let longest = s.t_s.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
        if longest > options.max_gap_s {
            warn(
                warnings,
                format!(
                    "station {id}: {name} has a {:.1} h gap between valid records (more than {:.1} h); the interpolation across it is uncertain",
                    longest / 3600.0,
                    options.max_gap_s / 3600.0
                ),
            );
        }
    }
    if first > 0.0 {
        warn(
            warnings,
            format!(
                "station {id}: first record is {:.0} s after the run starts; its first values are held before it",
                first
            ),
        );
    }
    if last < run_s {
        warn(
            warnings,
            format!(
                "station {id}: last record is {:.0} s before the run ends; its last values are held after it",
                run_s - last
            ),
        );
    }
    let (x_m, y_m) = projection.forward(d.location);
    Ok(Station {
        id: d.id,
        location: d.location,
        x_m,
        y_m,
        wind_height_m: d.wind_height_m,
        convergence_rad: projection.convergence_deg(d.location).to_radians(),
        speed,
        from_deg,
        inverse_obukhov_per_m: inv_l,
        friction_velocity,
        mixing_height,
        precipitation,
        temperature,
        sigma_theta_deg,
    })
}
