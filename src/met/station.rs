//! Station time series: observed wind, stability, mixing height, precipitation and temperature at
//! one or more surface stations, interpolated linearly in time and by inverse distance (or nearest
//! station) in space.
//!
//! ## File format (CSV, UTF-8, one header line, `#` starts a comment line)
//! | column | required | unit / form | meaning |
//! |---|---|---|---|
//! | `time` | yes | ISO 8601 / RFC 3339, e.g. `2026-07-14T06:00:00Z` | valid time of the record |
//! | `station` | yes | text | station identifier |
//! | `lat`, `lon` | yes | decimal degrees WGS84 | station position (constant per station) |
//! | `wind_height_m` | no (10) | m above ground | anemometer height (constant per station) |
//! | `wind_speed_m_s` | yes | m/s | mean wind speed at `wind_height_m` |
//! | `wind_from_deg` | yes | degrees clockwise from true north | direction the wind blows from |
//! | `stability` | one of these two | `A`–`F` | Pasquill–Gifford class |
//! | `obukhov_length_m` | one of these two | m | Obukhov length L |
//! | `friction_velocity_m_s` | no | m/s | u*; derived from the wind profile when absent |
//! | `mixing_height_m` | no | m | boundary-layer depth; Hanna/Zilitinkevich default when absent |
//! | `precipitation_mm_h` | no (0) | mm/h | precipitation rate |
//! | `air_temperature_k` | no (288.15) | K | air temperature near the surface |
//!
//! Columns may come in any order. An empty cell or `NA` is a gap: the variable is interpolated
//! across it from the neighbouring records of the same station, and a warning says so. Records of
//! a station must be in strictly increasing time. Before a station's first record and after its
//! last, values are held constant (with a warning when the run needs them).
//!
//! ## Interpolation
//! In time, each variable is linear between the two bracketing valid records; wind direction is
//! interpolated along the shorter arc (a backing wind from 225° to 135° passes through 180°, not
//! through 0°), and speed separately, so a wind turning at a constant rate stays on its circle.
//! Stability is interpolated as 1/L, which is smooth through neutral (1/L = 0).
//!
//! In the vertical, each station's wind is carried from its anemometer height to the sampled
//! height along the Monin–Obukhov profile (see [`super::boundary_layer`]).
//!
//! In space, wind vectors (east, north) and scalars are weighted by inverse distance to the power
//! p (Shepard 1968; p = 2 by default), or taken from the nearest station.
//!
//! ## References
//! - Shepard, D. (1968) "A two-dimensional interpolation function for irregularly-spaced data",
//!   Proc. 23rd ACM National Conference, pp. 517–524, doi:10.1145/800186.810616.
//! - Golder, D. (1972) Boundary-Layer Meteorol. 3:47–58 — class ↔ L (via
//!   [`StabilityClass::inverse_obukhov_length_per_m`]).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::boundary_layer::{
    default_mixing_height_m, friction_velocity_from_wind, profile_shape, BoundaryLayer,
};
use super::error::{MetError, MetWarning};
use super::{MetSample, Meteorology, StabilityClass};
use crate::geo::{LatLon, TransverseMercator};

/// How station values are combined in space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SpatialWeighting {
    /// Inverse-distance weights 1/d^power (Shepard 1968).
    InverseDistance { power: f64 },
    /// The nearest station's values.
    Nearest,
}

/// Choices the file does not carry.
#[derive(Debug, Clone, PartialEq)]
pub struct StationOptions {
    /// Roughness length z0 (m) used for every station's profile and for class → L.
    pub roughness_length_m: f64,
    pub weighting: SpatialWeighting,
    /// Gaps between valid records longer than this (s) are warned about.
    pub max_gap_s: f64,
}

impl Default for StationOptions {
    fn default() -> Self {
        Self {
            roughness_length_m: 0.1,
            weighting: SpatialWeighting::InverseDistance { power: 2.0 },
            max_gap_s: 3.0 * 3600.0,
        }
    }
}

/// Valid (time, value) pairs of one variable of one station, in increasing time.
#[derive(Debug, Clone, PartialEq, Default)]
struct Series {
    t_s: Vec<f64>,
    v: Vec<f64>,
}

impl Series {
    /// The bracketing records and the weight of the later one; held at the ends.
    fn bracket(&self, t_s: f64) -> (usize, usize, f64) {
        let n = self.t_s.len();
        if n == 1 || t_s <= self.t_s[0] {
            return (0, 0, 0.0);
        }
        if t_s >= self.t_s[n - 1] {
            return (n - 1, n - 1, 0.0);
        }
        let k = self.t_s.partition_point(|&x| x <= t_s);
        let (t0, t1) = (self.t_s[k - 1], self.t_s[k]);
        (k - 1, k, (t_s - t0) / (t1 - t0))
    }

    fn at(&self, t_s: f64) -> f64 {
        let (a, b, w) = self.bracket(t_s);
        self.v[a] + w * (self.v[b] - self.v[a])
    }

    /// Interpolates an angle in degrees along the shorter arc.
    fn angle_at(&self, t_s: f64) -> f64 {
        let (a, b, w) = self.bracket(t_s);
        let d = (self.v[b] - self.v[a] + 540.0).rem_euclid(360.0) - 180.0;
        (self.v[a] + w * d).rem_euclid(360.0)
    }
}

/// One station's series, positions in the local frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Station {
    pub id: String,
    pub location: LatLon,
    pub x_m: f64,
    pub y_m: f64,
    pub wind_height_m: f64,
    /// Grid convergence (rad) at the station: true north's angle east of grid north.
    convergence_rad: f64,
    speed: Series,
    from_deg: Series,
    inverse_obukhov_per_m: Series,
    friction_velocity: Option<Series>,
    mixing_height: Option<Series>,
    precipitation: Option<Series>,
    temperature: Option<Series>,
}

/// Meteorology from station time series.
#[derive(Debug, Clone, PartialEq)]
pub struct StationMet {
    pub stations: Vec<Station>,
    options: StationOptions,
    /// Latitude of the domain centre, for the default mixing height.
    centre_lat_deg: f64,
}

/// Farthest a station may lie from the domain centre (m): beyond, it says nothing about the
/// domain's weather, and the local projection loses accuracy.
pub const MAX_STATION_DISTANCE_M: f64 = 1_000_000.0;

/// Default air temperature (K) when the file has no temperature column.
pub const DEFAULT_AIR_TEMPERATURE_K: f64 = 288.15;

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
    inv_l: Series,
    u_star: Series,
    mixing: Series,
    precip: Series,
    temp: Series,
    gaps: Vec<(&'static str, f64)>,
}

const COLUMNS: [&str; 13] = [
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
        let text = std::fs::read_to_string(path).map_err(|source| MetError::Io {
            file: path.to_path_buf(),
            source,
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
        for h in headers.iter() {
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
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                bad(line, "(row)", "", &format!("a well-formed CSV row ({e})"))
            })?;
            let line = record.position().map(|p| p.line()).unwrap_or(0);
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
                        inv_l: Series::default(),
                        u_star: Series::default(),
                        mixing: Series::default(),
                        precip: Series::default(),
                        temp: Series::default(),
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
            put(
                &mut d.speed,
                num("wind_speed_m_s", 0.0, 100.0, "m/s")?,
                "wind_speed_m_s",
                &mut d.gaps,
            );
            put(
                &mut d.from_deg,
                num("wind_from_deg", 0.0, 360.0, "degrees")?,
                "wind_from_deg",
                &mut d.gaps,
            );
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
            stations.push(finish(d, file, projection, run_s, &options, &mut warnings)?);
        }
        Ok((
            StationMet {
                stations,
                options,
                centre_lat_deg: projection.origin().lat,
            },
            warnings,
        ))
    }

    /// The options the series were read with.
    pub fn options(&self) -> &StationOptions {
        &self.options
    }

    /// One station's wind (east, north, m/s, in the local grid frame) at height `z_m` and its
    /// boundary layer at time `t_s`, plus precipitation and temperature.
    fn station_state(
        &self,
        s: &Station,
        z_m: f64,
        t_s: f64,
    ) -> (f64, f64, BoundaryLayer, f64, f64) {
        let z0 = self.options.roughness_length_m;
        let speed_ref = s.speed.at(t_s);
        let from = s.from_deg.angle_at(t_s);
        let inv_l = s.inverse_obukhov_per_m.at(t_s);
        let l_m = if inv_l == 0.0 {
            f64::INFINITY
        } else {
            1.0 / inv_l
        };
        let u_star = match &s.friction_velocity {
            Some(series) => series.at(t_s),
            None => friction_velocity_from_wind(speed_ref, s.wind_height_m, z0, l_m).max(1e-3),
        };
        let class = StabilityClass::from_obukhov_length(l_m, z0);
        let h = match &s.mixing_height {
            Some(series) => series.at(t_s),
            None => default_mixing_height_m(class, u_star, l_m, self.centre_lat_deg),
        };
        let bl = BoundaryLayer {
            friction_velocity_m_s: u_star,
            obukhov_length_m: l_m,
            mixing_height_m: h,
            roughness_length_m: z0,
            stability: class,
        };
        let z = z_m.min(h.max(2.0 * z0));
        let speed = if z <= z0 {
            0.0
        } else {
            speed_ref * profile_shape(z, z0, l_m) / profile_shape(s.wind_height_m, z0, l_m)
        };
        // Towards = from + 180°, a true azimuth; true north lies at the grid azimuth γ, so the
        // grid azimuth is the true one plus γ.
        let to = (from + 180.0).to_radians() + s.convergence_rad;
        let precip = s.precipitation.as_ref().map_or(0.0, |p| p.at(t_s));
        let temp = s
            .temperature
            .as_ref()
            .map_or(DEFAULT_AIR_TEMPERATURE_K, |p| p.at(t_s));
        (speed * to.sin(), speed * to.cos(), bl, precip, temp)
    }
}

/// Turns one station's draft into a station, checking coverage and gaps.
fn finish(
    d: Draft,
    file: &Path,
    projection: &TransverseMercator,
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
    let from_deg = required(d.from_deg, "wind_from_deg")?;
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
    let (first, last) = (d.times[0], d.times[d.times.len() - 1]);
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
    })
}

impl Meteorology for StationMet {
    fn horizontal_scale_m(&self) -> Option<f64> {
        let mut closest = f64::INFINITY;
        for (k, a) in self.stations.iter().enumerate() {
            for b in &self.stations[k + 1..] {
                closest = closest.min((a.x_m - b.x_m).hypot(a.y_m - b.y_m));
            }
        }
        (closest.is_finite() && closest > 0.0).then_some(closest)
    }

    fn sample(&self, x_m: f64, y_m: f64, z_m: f64, t_s: f64) -> MetSample {
        let nearest = || {
            self.stations
                .iter()
                .min_by(|a, b| {
                    let da = (a.x_m - x_m).hypot(a.y_m - y_m);
                    let db = (b.x_m - x_m).hypot(b.y_m - y_m);
                    da.total_cmp(&db)
                })
                .expect("a station met has at least one station")
        };
        let one = |s: &Station| {
            let (u, v, bl, p, tk) = self.station_state(s, z_m, t_s);
            MetSample {
                wind_u_m_s: u,
                wind_v_m_s: v,
                wind_w_m_s: 0.0,
                boundary_layer: bl,
                precipitation_mm_h: p,
                air_temperature_k: tk,
            }
        };
        let power = match self.options.weighting {
            SpatialWeighting::Nearest => return one(nearest()),
            SpatialWeighting::InverseDistance { power } => power,
        };
        if self.stations.len() == 1 {
            return one(&self.stations[0]);
        }
        // Within 1 m of a station, that station's values (the weight would diverge).
        let closest = nearest();
        if (closest.x_m - x_m).hypot(closest.y_m - y_m) < 1.0 {
            return one(closest);
        }
        let (mut wsum, mut u, mut v, mut us, mut inv_l, mut h, mut p, mut tk) =
            (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        for s in &self.stations {
            let w = (s.x_m - x_m).hypot(s.y_m - y_m).powf(-power);
            let (su, sv, bl, sp, st) = self.station_state(s, z_m, t_s);
            wsum += w;
            u += w * su;
            v += w * sv;
            us += w * bl.friction_velocity_m_s;
            inv_l += w * if bl.obukhov_length_m.is_infinite() {
                0.0
            } else {
                1.0 / bl.obukhov_length_m
            };
            h += w * bl.mixing_height_m;
            p += w * sp;
            tk += w * st;
        }
        let inv_l = inv_l / wsum;
        let l_m = if inv_l == 0.0 {
            f64::INFINITY
        } else {
            1.0 / inv_l
        };
        let z0 = self.options.roughness_length_m;
        MetSample {
            wind_u_m_s: u / wsum,
            wind_v_m_s: v / wsum,
            wind_w_m_s: 0.0,
            boundary_layer: BoundaryLayer {
                friction_velocity_m_s: us / wsum,
                obukhov_length_m: l_m,
                mixing_height_m: h / wsum,
                roughness_length_m: z0,
                stability: StabilityClass::from_obukhov_length(l_m, z0),
            },
            precipitation_mm_h: p / wsum,
            air_temperature_k: tk / wsum,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(points: &[(f64, f64)]) -> Series {
        Series {
            t_s: points.iter().map(|p| p.0).collect(),
            v: points.iter().map(|p| p.1).collect(),
        }
    }

    #[test]
    fn direction_interpolates_along_the_shorter_arc() {
        let s = series(&[(0.0, 350.0), (100.0, 10.0)]);
        assert!((s.angle_at(50.0) - 0.0).abs() < 1e-9 || (s.angle_at(50.0) - 360.0).abs() < 1e-9);
        assert!((s.angle_at(25.0) - 355.0).abs() < 1e-9);
        let backing = series(&[(0.0, 225.0), (100.0, 135.0)]);
        assert!((backing.angle_at(50.0) - 180.0).abs() < 1e-9);
    }

    #[test]
    fn series_is_held_beyond_its_ends_and_linear_inside() {
        let s = series(&[(0.0, 1.0), (10.0, 3.0), (30.0, 4.0)]);
        assert_eq!(s.at(-5.0), 1.0);
        assert_eq!(s.at(40.0), 4.0);
        assert!((s.at(5.0) - 2.0).abs() < 1e-12);
        assert!((s.at(20.0) - 3.5).abs() < 1e-12);
    }
}
