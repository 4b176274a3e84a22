//! Reads GRIB2 meteorology (the format HRDPS and HRRR publish) with the pure-Rust `grib` crate.
//!
//! ## What the file must hold (WMO GRIB2 code table 4.2, discipline 0)
//! | role | category/number | level (code table 4.5) |
//! |---|---|---|
//! | u, v | 2/2, 2/3 (m s-1, true east/north) | 103 height above ground, several heights |
//! | w (optional) | 2/9 geometric vertical velocity (m s-1) | 103, the same heights |
//! | temperature | 0/0 (K) | 103, the lowest height given (e.g. 2 m) |
//! | mixing height | 3/18 planetary boundary layer height (m), or NCEP's (centre 7) local 3/196 HPBL | any single level |
//! | u* | 2/30 friction velocity (m s-1) | any single level |
//! | stability | 0/11 sensible heat net flux (W m-2; upward positive as NCEP writes it, downward positive from ECMWF, centre 98, whose sign is turned) | any single level |
//! | precipitation (optional) | 1/7 precipitation rate (kg m-2 s-1); an accumulated 1/8 alone is not read, with a warning | any single level |
//!
//! Each time must hold every field. A message is valid at its reference time + forecast time,
//! or, for a statistically processed product (templates 4.8, 4.11, 4.12: an average over the
//! last hours, as GFS writes its fluxes), at the end of its overall time interval — the
//! forecast time of those templates is the interval's start (WMO Manual on Codes, vol. I.2,
//! product definition templates 4.8, 4.11, 4.12). An accumulated heat flux (J m-2, ECMWF's
//! `sshf`) is refused: the reader needs a flux in W m-2. Grids: regular
//! latitude/longitude (template 3.0) directly; rotated latitude/longitude (3.1, HRDPS), Mercator
//! (3.10), polar stereographic (3.20), Lambert conformal (3.30, HRRR) and Gaussian (3.40/3.41)
//! through the latitude/longitude of every node, which the crate computes. Winds flagged as
//! relative to the grid (flag table 3.3, bit 5, as HRRR writes them) are turned by the angle of
//! the grid's axes. Messages are decoded only for the times the run needs, and only the
//! subdomain over the run's region is kept. Missing points (bitmap) decode to NaN and are
//! rejected with the parameter named.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use grib::LatLons;

use super::cf::{time_window, GriddedOptions};
use super::index_map::{unwrap_longitudes, HorizontalGrid, LocalBox};
use super::{locate_region, GriddedMet, Levels, RawGrid, StabilityField};
use crate::geo::TransverseMercator;
use crate::met::error::{MetError, MetWarning};
use crate::met::file_kind::{sniff, FileKind};

use super::grib2_index::{
    format_error, index_messages, Entry, Grib2File, MessageIndex, Role, ECMWF_CENTRE,
};

/// Reads the subdomain covering `region` (the run's output domain, grown by
/// [`GriddedOptions::margin_m`]) and the times covering `[0, run_s]` of a GRIB2 file; a region
/// wholly outside the grid is an error, one partly outside a warning.
pub fn read(
    path: &Path,
    start: DateTime<Utc>,
    run_s: f64,
    engine: &TransverseMercator,
    region: LocalBox,
    options: GriddedOptions,
) -> Result<(GriddedMet, Vec<MetWarning>), MetError> {
    let file = path.to_path_buf();
    let fmt = format_error(path);
    let mut f = std::fs::File::open(path).map_err(|source| MetError::Io {
        file: file.clone(),
        source,
    })?;
    let other = match sniff(path) {
        FileKind::Hdf5 => Some("is a netCDF-4/HDF5 file, not GRIB2: expected a GRIB2 file (or meteorology.format = \"netcdf\" for this one)"),
        FileKind::NetCdf3 => Some("is a classic netCDF-3 file, not GRIB2: expected a GRIB2 file"),
        FileKind::Text => Some("is text, not GRIB2 (a station CSV file takes meteorology.kind = \"station\"): expected a GRIB2 file"),
        FileKind::Empty => Some("is empty: expected a GRIB2 file"),
        _ => None,
    };
    if let Some(detail) = other {
        return Err(fmt(detail.into()));
    }
    // The sections' lengths before the decoder trusts them (a damaged one made it panic).
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    super::grib2_sections::check(&mut f, len).map_err(&fmt)?;
    std::io::Seek::rewind(&mut f).map_err(|source| MetError::Io {
        file: file.clone(),
        source,
    })?;
    let grib2 = grib::from_reader(std::io::BufReader::new(f))
        .map_err(|e| fmt(format!("not a readable GRIB2 file ({})", plain(&e))))?;
    let missing = |variable: String, expected: &str| MetError::Missing {
        file: file.clone(),
        variable,
        expected: expected.to_string(),
    };

    // Pass 1: what is where.
    let MessageIndex {
        entries,
        shape,
        grid_kind,
        accumulated_precipitation,
    } = index_messages(&grib2, &file)?;
    let (ni, nj) = shape.ok_or_else(|| {
        missing(
            Role::U.name().into(),
            "GRIB2 messages of wind, temperature and boundary-layer fields",
        )
    })?;

    // Times and levels.
    let mut valid_times: Vec<DateTime<Utc>> = entries.iter().map(|e| e.valid).collect();
    valid_times.sort();
    valid_times.dedup();
    let t_all: Vec<f64> = valid_times
        .iter()
        .map(|t| (*t - start).num_milliseconds() as f64 / 1000.0)
        .collect();
    let mut warnings = vec![];
    if accumulated_precipitation && !entries.iter().any(|e| e.role == Role::Precipitation) {
        warnings.push(MetWarning {
            file: file.clone(),
            message: "the file has total precipitation accumulated since the forecast start (0/1/8) but no precipitation rate (0/1/7): the reader takes only a rate, so nothing is washed out; add the rate (e.g. PRATE) to the file".into(),
        });
    }
    let (t0, t1) = time_window(&t_all, start, run_s, &file, &mut warnings)?;
    let times = &valid_times[t0..=t1];
    let mut heights: Vec<f64> = entries
        .iter()
        .filter(|e| e.role == Role::U)
        .filter_map(|e| e.height_m)
        .collect();
    heights.sort_by(f64::total_cmp);
    heights.dedup();
    if heights.is_empty() {
        return Err(missing(
            Role::U.name().into(),
            "u and v on height-above-ground levels (code table 4.5 type 103)",
        ));
    }

    // Grid coordinates from the first message's latitudes/longitudes.
    // `relative`: Some(i runs towards −x) for winds relative to the grid, None otherwise.
    let (template, relative) = grid_kind.unwrap_or((0, None));
    let file_grid = node_grid(&grib2, entries[0].index, (ni, nj), template, engine, &file)?;
    // A global row is read from the column opposite the run, its seam away from the region.
    let (grid, roll) = file_grid.rolled_about(engine.origin().lon);
    let (map, (i0, i1), (j0, j1)) = locate_region(
        &file,
        &grid,
        engine,
        region,
        options.margin_m,
        options.table_step_m,
        &mut warnings,
    )?;
    let (nx, ny, nz, nt) = (i1 - i0 + 1, j1 - j0 + 1, heights.len(), times.len());
    // Winds relative to the grid turn by the angle of the grid's i axis in the local frame;
    // winds relative to true east/north by the meridian convergence.
    let convergence_rad: Vec<f64> = (j0..=j1)
        .flat_map(|j| (i0..=i1).map(move |i| (i, j)))
        .map(|(i, j)| {
            if let Some(negative_i) = relative {
                let (a, b) = if i + 1 < ni { (i, i + 1) } else { (i - 1, i) };
                let (xa, ya) = engine.forward(grid.node(a, j));
                let (xb, yb) = engine.forward(grid.node(b, j));
                grid_wind_turn_rad((yb - ya).atan2(xb - xa), negative_i)
            } else {
                engine.convergence_deg(grid.node(i, j)).to_radians()
            }
        })
        .collect();

    let wanted = slots(&entries, times, &heights);

    // Pass 2: decode the wanted messages into the subdomain.
    let sub = Subdomain {
        i: i0..=i1,
        j: j0..=j1,
        roll,
        ni,
        nt,
        nz,
    };
    let (fields, filled) = decode(&grib2, &wanted, &sub, &file)?;
    let take = |role: Role, levels: usize| -> Result<Vec<f64>, MetError> {
        for (t, time) in times.iter().enumerate() {
            for (k, height) in heights.iter().enumerate().take(levels) {
                if !filled.contains_key(&(role, t, k)) {
                    let at = if levels > 1 {
                        format!(" at {height} m")
                    } else {
                        String::new()
                    };
                    return Err(missing(
                        format!("{}{at}", role.name()),
                        &format!("a message valid at {}", time.to_rfc3339()),
                    ));
                }
            }
        }
        Ok(fields.get(&role).cloned().unwrap_or_default())
    };
    let nan_check = |role: Role, data: Vec<f64>| -> Result<Vec<f64>, MetError> {
        match data.iter().position(|v| !v.is_finite()) {
            Some(k) => Err(MetError::Invalid {
                file: file.clone(),
                variable: role.name().into(),
                problem: format!(
                    "missing or non-finite value at flat index {k} of the part read: expected finite data"
                ),
            }),
            None => Ok(data),
        }
    };
    let u = nan_check(Role::U, take(Role::U, nz)?)?;
    let v = nan_check(Role::V, take(Role::V, nz)?)?;
    let w = if fields.contains_key(&Role::W) {
        Some(nan_check(Role::W, take(Role::W, nz)?)?)
    } else {
        None
    };
    let temperature = nan_check(Role::Temperature, take(Role::Temperature, 1)?)?;
    let mixing = nan_check(Role::MixingHeight, take(Role::MixingHeight, 1)?)?;
    let u_star = nan_check(Role::FrictionVelocity, take(Role::FrictionVelocity, 1)?)?;
    let heat_flux = nan_check(Role::HeatFlux, take(Role::HeatFlux, 1)?)?;
    let precipitation = if fields.contains_key(&Role::Precipitation) {
        let p = nan_check(Role::Precipitation, take(Role::Precipitation, 1)?)?;
        Some(p.iter().map(|v| v * 3600.0).collect())
    } else {
        None
    };
    let raw = RawGrid {
        file: file.clone(),
        nx,
        ny,
        nz,
        times_s: t_all[t0..=t1].to_vec(),
        levels: Levels::Fixed(heights),
        map,
        convergence_rad,
        eastward_wind_m_s: u,
        northward_wind_m_s: v,
        upward_wind_m_s: w,
        air_temperature_k: temperature,
        mixing_height_m: mixing,
        friction_velocity_m_s: u_star,
        stability: StabilityField::SensibleHeatFluxWM2(heat_flux),
        precipitation_mm_h: precipitation,
        roughness_length_m: None,
    };
    warnings.extend(raw.wind_levels_warning(options.vertical));
    let met = GriddedMet::new(raw, options.vertical, options.default_roughness_length_m)?;
    Ok((met, warnings))
}

/// The grid of the file's messages, from the latitude/longitude of every node of message
/// `first` (`shape` is (ni, nj)): a regular latitude/longitude grid (template 3.0) as its
/// axes, any other as the nodes' coordinates, longitudes kept within 180° of the run's centre.
fn node_grid(
    grib2: &Grib2File,
    first: usize,
    (ni, nj): (usize, usize),
    template: u16,
    engine: &TransverseMercator,
    file: &Path,
) -> Result<HorizontalGrid, MetError> {
    let fmt = format_error(file);
    let (lat2, lon2) = {
        let (_, msg) = grib2
            .iter()
            .nth(first)
            .ok_or_else(|| fmt("message vanished".into()))?;
        let ij: Vec<(usize, usize)> = msg
            .ij()
            .map_err(|e| fmt(format!("message {first}: {}", plain(&e))))?
            .collect();
        let ll: Vec<(f64, f64)> = msg
            .latlons()
            .map_err(|e| fmt(format!("message {first}: {}", plain(&e))))?
            .collect();
        let centre_lon = engine.origin().lon;
        let mut lat = vec![f64::NAN; ni * nj];
        let mut lon = vec![f64::NAN; ni * nj];
        for (&(i, j), &(la, lo)) in ij.iter().zip(&ll) {
            if i < ni && j < nj {
                lat[j * ni + i] = la;
                lon[j * ni + i] =
                    ((lo - centre_lon + 540.0).rem_euclid(360.0) - 180.0) + centre_lon;
            }
        }
        if lat.iter().chain(&lon).any(|v| !v.is_finite()) {
            return Err(fmt(format!(
                "grid template 3.{template}: the grid points' latitudes/longitudes do not cover the {ni} × {nj} grid"
            )));
        }
        (lat, lon)
    };
    Ok(if template == 0 {
        // A row of a global grid spans every longitude: kept continuous, not folded around
        // the centre.
        let mut lon_deg = lon2[..ni].to_vec();
        unwrap_longitudes(&mut lon_deg);
        HorizontalGrid::LatLon {
            lat_deg: (0..nj).map(|j| lat2[j * ni]).collect(),
            lon_deg,
        }
    } else {
        HorizontalGrid::Curvilinear {
            nx: ni,
            ny: nj,
            lat_deg: lat2,
            lon_deg: lon2,
        }
    })
}

/// Which message fills which slot: message index → (quantity, time index, level index) for
/// the run's `times`; winds on each of `heights`, temperature at the lowest height above
/// ground of each time, the single-level fields at level 0.
fn slots(
    entries: &[Entry],
    times: &[DateTime<Utc>],
    heights: &[f64],
) -> BTreeMap<usize, (Role, usize, usize)> {
    let time_index: BTreeMap<DateTime<Utc>, usize> =
        times.iter().enumerate().map(|(k, t)| (*t, k)).collect();
    let mut wanted: BTreeMap<usize, (Role, usize, usize)> = BTreeMap::new();
    let mut temperature_height: BTreeMap<usize, f64> = BTreeMap::new();
    for e in entries {
        let Some(&t) = time_index.get(&e.valid) else {
            continue;
        };
        let k = match e.role {
            Role::U | Role::V | Role::W => match e
                .height_m
                .and_then(|h| heights.iter().position(|&z| z == h))
            {
                Some(k) => k,
                None => continue,
            },
            Role::Temperature => {
                // The lowest height-above-ground temperature of each time; a temperature on
                // any other level (a pressure level, the skin) is not the air near the ground.
                let Some(h) = e.height_m else {
                    continue;
                };
                match temperature_height.get(&t) {
                    Some(&best) if best <= h => continue,
                    _ => {
                        wanted.retain(|_, v| !(v.0 == Role::Temperature && v.1 == t));
                        temperature_height.insert(t, h);
                    }
                }
                0
            }
            _ => 0,
        };
        wanted.insert(e.index, (e.role, t, k));
    }
    wanted
}

/// The part of the file's grid the run reads: nodes `i` × `j`, `nt` times, `nz` wind levels.
struct Subdomain {
    /// Columns of the grid rolled by `roll` ([`HorizontalGrid::rolled_about`]): the file's
    /// column i is the rolled grid's (i + ni − roll) mod ni.
    i: std::ops::RangeInclusive<usize>,
    j: std::ops::RangeInclusive<usize>,
    roll: usize,
    ni: usize,
    nt: usize,
    nz: usize,
}

/// Each quantity's values over the subdomain (winds time × level × row × column, the rest time
/// × row × column; NaN where no message gave one), and which (quantity, time, level) slots a
/// message filled.
type Decoded = (
    BTreeMap<Role, Vec<f64>>,
    BTreeMap<(Role, usize, usize), bool>,
);

/// Decodes the `wanted` messages into the subdomain; ECMWF's downward heat fluxes are turned
/// upward.
fn decode(
    grib2: &Grib2File,
    wanted: &BTreeMap<usize, (Role, usize, usize)>,
    sub: &Subdomain,
    file: &Path,
) -> Result<Decoded, MetError> {
    let fmt = format_error(file);
    let (i0, i1, j0, j1) = (*sub.i.start(), *sub.i.end(), *sub.j.start(), *sub.j.end());
    let (nt, nz) = (sub.nt, sub.nz);
    let (nx, n2) = (i1 - i0 + 1, (i1 - i0 + 1) * (j1 - j0 + 1));
    let mut fields: BTreeMap<Role, Vec<f64>> = BTreeMap::new();
    let mut filled: BTreeMap<(Role, usize, usize), bool> = BTreeMap::new();
    for (n, (_, msg)) in grib2.iter().enumerate() {
        let Some(&(role, t, k)) = wanted.get(&n) else {
            continue;
        };
        let ij: Vec<(usize, usize)> = msg
            .ij()
            .map_err(|e| fmt(format!("message {n}: {}", plain(&e))))?
            .collect();
        // ECMWF's fluxes are positive downward; the reader's upward.
        let sign = if role == Role::HeatFlux && msg.identification().centre_id() == ECMWF_CENTRE {
            -1.0
        } else {
            1.0
        };
        let decoder = grib::Grib2SubmessageDecoder::from(msg)
            .map_err(|e| fmt(format!("message {n} ({}): {}", role.name(), plain(&e))))?;
        let values = decoder
            .dispatch()
            .map_err(|e| fmt(format!("message {n} ({}): {}", role.name(), plain(&e))))?;
        let layers = matches!(role, Role::U | Role::V | Role::W);
        let len = if layers { nt * nz * n2 } else { nt * n2 };
        let out = fields.entry(role).or_insert_with(|| vec![f64::NAN; len]);
        let base = if layers { (t * nz + k) * n2 } else { t * n2 };
        for (&(i, j), value) in ij.iter().zip(values) {
            let i = (i + sub.ni - sub.roll) % sub.ni;
            if (i0..=i1).contains(&i) && (j0..=j1).contains(&j) {
                out[base + (j - j0) * nx + (i - i0)] = sign * value as f64;
            }
        }
        filled.insert((role, t, k), true);
    }
    Ok((fields, filled))
}

/// The angle (rad, in [−π, π)) by which winds relative to the grid turn into the local frame,
/// for nodes i → i + 1 that step at `step_angle_rad` (east of the local x axis, anticlockwise):
/// the grid's +x axis is that step, or its reverse where i runs towards −x (`negative_i`), since
/// grid-relative winds are along +x whichever way the rows are stored.
fn grid_wind_turn_rad(step_angle_rad: f64, negative_i: bool) -> f64 {
    use std::f64::consts::{PI, TAU};
    let along = step_angle_rad + if negative_i { PI } else { 0.0 };
    (-along + PI).rem_euclid(TAU) - PI
}

/// A decoder error as one plain line: the grib crate's messages are Debug text
/// (`UnclassifiedError(\n    "inconsistent bitmap",\n)`), which reads as a crash.
fn plain(e: &impl std::fmt::Display) -> String {
    let s = e
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match s.split_once('(') {
        Some((name, rest)) if name.ends_with("Error") && rest.ends_with(')') => rest
            [..rest.len() - 1]
            .trim()
            .trim_end_matches(',')
            .trim()
            .trim_matches('"')
            .to_string(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_relative_winds_turn_by_the_grids_x_axis_whichever_way_i_runs() {
        use std::f64::consts::{FRAC_PI_4, PI};
        // Rows stored along +x turned 45° anticlockwise: winds turn back by 45°.
        assert!((grid_wind_turn_rad(FRAC_PI_4, false) + FRAC_PI_4).abs() < 1e-12);
        // The same grid stored from east to west: the step points the other way, the turn
        // is the same (found by review: it came out 180° off, u and v reversed).
        assert!((grid_wind_turn_rad(FRAC_PI_4 + PI, true) + FRAC_PI_4).abs() < 1e-12);
        // A polar-stereographic grid far from its orientation longitude turns by more than a
        // right angle, and the angle stays in [−π, π).
        let t = grid_wind_turn_rad(-2.5, false);
        assert!((t - 2.5).abs() < 1e-12);
        assert!((-PI..PI).contains(&grid_wind_turn_rad(PI, false)));
    }
}
