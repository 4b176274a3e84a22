//! Reads CF-convention netCDF-4/HDF5 meteorology (through the HDF5 library, which every
//! netCDF-4 file is).
//!
//! ## What the file must hold
//! Variables are found by CF `standard_name` (or, where CF defines none, by variable name):
//!
//! | role | standard_name (or name) | dims | units |
//! |---|---|---|---|
//! | time | variable `time` | (time) | `<seconds/minutes/hours/days> since <ISO time>` (UTC, or with an offset such as `-03:00`) |
//! | levels | `height` | (z) or (z, y, x) terrain-following | m above ground |
//! | horizontal | `latitude`, `longitude` | (y), (x), or both (y, x) for a curvilinear grid | degrees_north, degrees_east |
//! | or | `projection_x_coordinate`, `projection_y_coordinate` | (x), (y) | m or km, with a `transverse_mercator` `grid_mapping` |
//! | u, v | `eastward_wind`, `northward_wind` | (time, z, y, x) | m s-1 |
//! | w (optional) | `upward_air_velocity` | (time, z, y, x) | m s-1 |
//! | temperature | `air_temperature` | (time, y, x) | K |
//! | mixing height | `atmosphere_boundary_layer_thickness` | (time, y, x) | m |
//! | u* | name `friction_velocity` or `ustar` | (time, y, x) | m s-1 |
//! | stability | name `obukhov_length` (m), or `surface_upward_sensible_heat_flux` (W m-2) | (time, y, x) | |
//! | precipitation (optional) | `precipitation_flux` (kg m-2 s-1), `lwe_precipitation_rate` (m s-1) or name `precipitation_rate` (mm h-1) | (time, y, x) | |
//! | z0 (optional) | `surface_roughness_length` | (y, x) | m |
//!
//! Longitudes may run from −180° to 180° or from 0° to 360°; a row that goes once round the
//! globe is read from the column opposite the run, so a region across its seam (Greenwich on a
//! 0–360° file) reads both ends of the row as one.
//! Dimensions must come in the order shown; where the file names them (netCDF-4 always does),
//! a variable whose names are in another order is refused, not read transposed.
//! `scale_factor`/`add_offset` are applied; `_FillValue` and `missing_value` become NaN and are
//! then rejected with the variable named. Only the hyperslab covering the run's region and time
//! window is read.

use std::ops::RangeInclusive;
use std::path::Path;

use chrono::{DateTime, Utc};
use ndarray::s;

use super::cf_dims::axis_name;
use super::cf_vars::{
    attr_f64, attr_string, check_shape, clean, expect_units, monotonic, read_all, read_err,
    time_units, Var, Vars,
};
use super::index_map::{file_columns, unwrap_longitudes, HorizontalGrid, LocalBox};
use super::{locate_region, GriddedMet, Levels, RawGrid, StabilityField, VerticalInterpolation};
use crate::geo::{LatLon, TransverseMercator};
use crate::met::error::{MetError, MetWarning};
use crate::met::period;

/// Reader choices the file does not carry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GriddedOptions {
    pub vertical: VerticalInterpolation,
    /// z0 (m) when the file has no `surface_roughness_length`.
    pub default_roughness_length_m: f64,
    /// Largest step (m) of the local → grid-index table.
    pub table_step_m: f64,
    /// Distance (m) read beyond the run's region on every side, so that puffs and particles
    /// near its edge still see the weather there; whether the grid covers the run is judged on
    /// the region alone.
    pub margin_m: f64,
}

impl Default for GriddedOptions {
    fn default() -> Self {
        Self {
            vertical: VerticalInterpolation::Similarity,
            default_roughness_length_m: 0.1,
            table_step_m: 250.0,
            margin_m: 0.0,
        }
    }
}

/// Reads the subdomain covering `region` (the run's output domain, grown by
/// [`GriddedOptions::margin_m`]) and the times covering `[0, run_s]` of a CF file; a region
/// wholly outside the grid is an error, one partly outside a warning.
pub fn read(
    path: &Path,
    start: DateTime<Utc>,
    run_s: f64,
    engine: &TransverseMercator,
    region: LocalBox,
    options: GriddedOptions,
) -> Result<(GriddedMet, Vec<MetWarning>), MetError> {
    let vars = Vars::open(path)?;
    let file = vars.file.clone();
    let find = |standard: &[&str], names: &[&str]| vars.find(standard, names);
    let missing = |variable: &str, expected: &str| vars.missing(variable, expected);
    let mut warnings = vec![];

    let time = vars.by_name("time").ok_or_else(|| {
        missing(
            "time",
            "a 1-D time coordinate with units \"<unit> since <time>\"",
        )
    })?;
    let t_all = read_times(time, start, &file)?;
    let (t0, t1) = time_window(&t_all, start, run_s, &file, &mut warnings)?;
    let times_s = t_all[t0..=t1].to_vec();

    // Horizontal grid, with the names of its (y, x) dimensions where the file records them.
    let (file_grid, y_dim, x_dim) = horizontal_grid(&vars, engine)?;
    let (nx_all, ny_all) = (file_grid.nx(), file_grid.ny());
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
    let (nx, ny) = (i1 - i0 + 1, j1 - j0 + 1);
    let columns = file_columns(i0, i1, roll, nx_all);
    let convergence_rad: Vec<f64> = (j0..=j1)
        .flat_map(|j| (i0..=i1).map(move |i| (i, j)))
        .map(|(i, j)| engine.convergence_deg(grid.node(i, j)).to_radians())
        .collect();

    // Vertical levels.
    let height = find(&["height"], &["height", "z"]).ok_or_else(|| {
        missing(
            "height",
            "a height coordinate (standard_name height, m above ground)",
        )
    })?;
    expect_units(height, &["m", "meter", "metre", "meters", "metres"], &file)?;
    let time_dim = axis_name(&time.ds, 0);
    let z_dim = axis_name(&height.ds, 0);
    let (levels, nz) = match height.ds.ndim() {
        1 => {
            let z = read_all(height, &file)?;
            let nz = z.len();
            (Levels::Fixed(z), nz)
        }
        3 => {
            let shape = height.ds.shape();
            check_shape(
                height,
                &[shape[0], ny_all, nx_all],
                "(z, y, x)",
                &[z_dim.clone(), y_dim.clone(), x_dim.clone()],
                &file,
            )?;
            let a = read_columns(&columns, |c| {
                height
                    .ds
                    .read_slice::<f64, _, ndarray::Ix3>(s![.., j0..=j1, c])
            })
            .map_err(|e| read_err(height, e, &file))?;
            let z = clean(height, a.iter().cloned().collect(), &file)?;
            (Levels::Columns(z), shape[0])
        }
        d => {
            return Err(MetError::Invalid {
                file,
                variable: height.name.clone(),
                problem: format!("{d}-D: expected 1-D (z) or 3-D (z, y, x)"),
            })
        }
    };

    let nt_all = t_all.len();
    let read4 = |v: &Var| -> Result<Vec<f64>, MetError> {
        check_shape(
            v,
            &[nt_all, nz, ny_all, nx_all],
            "(time, height, y, x)",
            &[
                time_dim.clone(),
                z_dim.clone(),
                y_dim.clone(),
                x_dim.clone(),
            ],
            &file,
        )?;
        let a = read_columns(&columns, |c| {
            v.ds.read_slice::<f64, _, ndarray::Ix4>(s![t0..=t1, .., j0..=j1, c])
        })
        .map_err(|e| read_err(v, e, &file))?;
        clean(v, a.iter().cloned().collect(), &file)
    };
    let read3 = |v: &Var| -> Result<Vec<f64>, MetError> {
        check_shape(
            v,
            &[nt_all, ny_all, nx_all],
            "(time, y, x)",
            &[time_dim.clone(), y_dim.clone(), x_dim.clone()],
            &file,
        )?;
        let a = read_columns(&columns, |c| {
            v.ds.read_slice::<f64, _, ndarray::Ix3>(s![t0..=t1, j0..=j1, c])
        })
        .map_err(|e| read_err(v, e, &file))?;
        clean(v, a.iter().cloned().collect(), &file)
    };
    const WIND: [&str; 4] = ["m s-1", "m/s", "m s**-1", "m.s-1"];
    let required = |standard: &str, names: &[&str], units: &[&str], expected: &str| {
        let v = find(&[standard], names).ok_or_else(|| {
            missing(
                standard,
                &format!("a variable with standard_name {standard} ({expected})"),
            )
        })?;
        expect_units(v, units, &file)?;
        Ok::<&Var, MetError>(v)
    };
    let u = required(
        "eastward_wind",
        &["u"],
        &WIND,
        "m s-1, dims (time, height, y, x)",
    )?;
    let v = required(
        "northward_wind",
        &["v"],
        &WIND,
        "m s-1, dims (time, height, y, x)",
    )?;
    let eastward_wind_m_s = read4(u)?;
    let northward_wind_m_s = read4(v)?;
    let upward_wind_m_s = match find(&["upward_air_velocity"], &["w"]) {
        Some(w) => {
            expect_units(w, &WIND, &file)?;
            Some(read4(w)?)
        }
        None => None,
    };
    let t = required(
        "air_temperature",
        &["t2m"],
        &["K", "kelvin"],
        "K, dims (time, y, x)",
    )?;
    let air_temperature_k = read3(t)?;
    let h = required(
        "atmosphere_boundary_layer_thickness",
        &["blh", "pblh"],
        &["m", "meter", "metre", "meters", "metres"],
        "m, dims (time, y, x)",
    )?;
    let mixing_height_m = read3(h)?;
    let us = find(&[], &["friction_velocity", "ustar"]).ok_or_else(|| {
        missing(
            "friction_velocity",
            "a variable named friction_velocity (m s-1, dims (time, y, x))",
        )
    })?;
    expect_units(us, &WIND, &file)?;
    let friction_velocity_m_s = read3(us)?;
    let stability = if let Some(l) = find(&[], &["obukhov_length"]) {
        expect_units(l, &["m", "meter", "metre", "meters", "metres"], &file)?;
        StabilityField::ObukhovLengthM(read3(l)?)
    } else if let Some(hf) = find(&["surface_upward_sensible_heat_flux"], &["shf"]) {
        expect_units(hf, &["W m-2", "W/m2", "W m**-2", "W/m^2"], &file)?;
        StabilityField::SensibleHeatFluxWM2(read3(hf)?)
    } else if let Some(hf) = find(&["surface_downward_sensible_heat_flux"], &[]) {
        // The same flux counted downward (as ECMWF and many land models write it): turned.
        expect_units(hf, &["W m-2", "W/m2", "W m**-2", "W/m^2"], &file)?;
        StabilityField::SensibleHeatFluxWM2(read3(hf)?.iter().map(|v| -v).collect())
    } else {
        return Err(missing(
            "obukhov_length",
            "obukhov_length (m) or surface_upward_sensible_heat_flux (W m-2), dims (time, y, x)",
        ));
    };
    let precipitation_mm_h = if let Some(p) = find(&["precipitation_flux"], &[]) {
        expect_units(p, &["kg m-2 s-1", "kg/m2/s", "kg m**-2 s**-1"], &file)?;
        Some(read3(p)?.iter().map(|v| v * 3600.0).collect())
    } else if let Some(p) = find(&["lwe_precipitation_rate"], &[]) {
        expect_units(p, &["m s-1", "m/s"], &file)?;
        Some(read3(p)?.iter().map(|v| v * 3.6e6).collect())
    } else if let Some(p) = find(&[], &["precipitation_rate"]) {
        expect_units(p, &["mm h-1", "mm/h", "mm hr-1"], &file)?;
        Some(read3(p)?)
    } else {
        None
    };
    let roughness_length_m = match find(&["surface_roughness_length"], &["z0"]) {
        Some(z0) => {
            expect_units(z0, &["m", "meter", "metre", "meters", "metres"], &file)?;
            check_shape(
                z0,
                &[ny_all, nx_all],
                "(y, x)",
                &[y_dim.clone(), x_dim.clone()],
                &file,
            )?;
            let a = read_columns(&columns, |c| {
                z0.ds.read_slice::<f64, _, ndarray::Ix2>(s![j0..=j1, c])
            })
            .map_err(|e| read_err(z0, e, &file))?;
            Some(clean(z0, a.iter().cloned().collect(), &file)?)
        }
        None => None,
    };
    let raw = RawGrid {
        file: file.clone(),
        nx,
        ny,
        nz,
        times_s,
        levels,
        map,
        convergence_rad,
        eastward_wind_m_s,
        northward_wind_m_s,
        upward_wind_m_s,
        air_temperature_k,
        mixing_height_m,
        friction_velocity_m_s,
        stability,
        precipitation_mm_h,
        roughness_length_m,
    };
    warnings.extend(raw.wind_levels_warning(options.vertical));
    let met = GriddedMet::new(raw, options.vertical, options.default_roughness_length_m)?;
    Ok((met, warnings))
}

pub use crate::met::period::MAX_HOLD_OUTSIDE_S;

/// The index window of times covering `[0, run_s]`: the last time at or before 0 to the first
/// at or after `run_s`, warning where the file does not reach, and refusing a file whose times
/// all lie more than [`MAX_HOLD_OUTSIDE_S`] before the run starts or after it ends.
pub(crate) fn time_window(
    t: &[f64],
    start: DateTime<Utc>,
    run_s: f64,
    file: &Path,
    warnings: &mut Vec<MetWarning>,
) -> Result<(usize, usize), MetError> {
    let n = t.len();
    if period::beyond_hold(t[0], t[n - 1], run_s) {
        return Err(MetError::Invalid {
            file: file.to_path_buf(),
            variable: "time".into(),
            problem: format!(
                "the file's times run from {}: expected times within {} h of the run",
                period::both_periods(t[0], t[n - 1], start, run_s),
                MAX_HOLD_OUTSIDE_S / 3600.0
            ),
        });
    }
    let t0 = t.iter().rposition(|&v| v <= 0.0).unwrap_or(0);
    let t1 = t.iter().position(|&v| v >= run_s).unwrap_or(n - 1).max(t0);
    if t[0] > 0.0 {
        warnings.push(MetWarning {
            file: file.to_path_buf(),
            message: format!(
                "the first time is {:.0} s after the run starts; the first fields are held before it",
                t[0]
            ),
        });
    }
    if t[n - 1] < run_s {
        warnings.push(MetWarning {
            file: file.to_path_buf(),
            message: format!(
                "the last time is {:.0} s before the run ends; the last fields are held after it",
                run_s - t[n - 1]
            ),
        });
    }
    Ok((t0, t1))
}

/// The file's times in seconds after the run's `start`, checked finite and strictly increasing.
fn read_times(time: &Var, start: DateTime<Utc>, file: &Path) -> Result<Vec<f64>, MetError> {
    let (scale_s, epoch) = time_units(time, file)?;
    let t_all: Vec<f64> = read_all(time, file)?
        .into_iter()
        .map(|t| t * scale_s + (epoch - start).num_milliseconds() as f64 / 1000.0)
        .collect();
    if t_all.is_empty() {
        return Err(MetError::Invalid {
            file: file.to_path_buf(),
            variable: "time".into(),
            problem: "holds no times: expected at least one".into(),
        });
    }
    if let Some(k) = t_all.iter().position(|v| !v.is_finite()) {
        return Err(MetError::Invalid {
            file: file.to_path_buf(),
            variable: "time".into(),
            problem: format!("value at index {k} is not finite"),
        });
    }
    if let Some(k) = t_all.windows(2).position(|w| w[1] <= w[0]) {
        return Err(MetError::Invalid {
            file: file.to_path_buf(),
            variable: "time".into(),
            problem: format!(
                "not strictly increasing at index {} ({} s then {} s after the run start): expected monotonic times",
                k + 1,
                t_all[k],
                t_all[k + 1]
            ),
        });
    }
    Ok(t_all)
}

/// The horizontal grid: 1-D or 2-D latitude/longitude, or projected x/y with a transverse
/// Mercator `grid_mapping`; with the names of its (y, x) dimensions where the file records them.
type NamedGrid = (HorizontalGrid, Option<String>, Option<String>);

fn horizontal_grid(vars: &Vars, engine: &TransverseMercator) -> Result<NamedGrid, MetError> {
    let file = vars.file.clone();
    let find = |standard: &[&str], names: &[&str]| vars.find(standard, names);
    let missing = |variable: &str, expected: &str| vars.missing(variable, expected);
    let (y_dim, x_dim): (Option<String>, Option<String>);
    let found = if let (Some(lat), Some(lon)) = (
        find(&["latitude"], &["lat", "latitude"]),
        find(&["longitude"], &["lon", "longitude"]),
    ) {
        let two_d = lat.ds.ndim() == 2 && lon.ds.ndim() == 2 && lat.ds.shape() == lon.ds.shape();
        if !two_d && (lat.ds.ndim() != 1 || lon.ds.ndim() != 1) {
            return Err(MetError::Invalid {
                file: file.clone(),
                variable: lat.name.clone(),
                problem: format!(
                    "latitude has shape {:?} and longitude {:?}: expected 1-D coordinates, or 2-D auxiliary coordinates of the same (y, x) shape",
                    lat.ds.shape(),
                    lon.ds.shape()
                ),
            });
        }
        expect_units(
            lat,
            &["degrees_north", "degree_north", "degrees_n", "degrees"],
            &file,
        )?;
        expect_units(
            lon,
            &["degrees_east", "degree_east", "degrees_e", "degrees"],
            &file,
        )?;
        let lat_deg = read_all(lat, &file)?;
        let mut lon_deg = read_all(lon, &file)?;
        (y_dim, x_dim) = if two_d {
            (axis_name(&lat.ds, 0), axis_name(&lat.ds, 1))
        } else {
            (axis_name(&lat.ds, 0), axis_name(&lon.ds, 0))
        };
        if two_d {
            // Auxiliary 2-D coordinates (a curvilinear grid: WRF, rotated or projected NWP
            // written with CF's 2-D latitude/longitude); longitudes taken nearest the centre's.
            let shape = lat.ds.shape();
            let c = engine.origin().lon;
            let lon_deg = lon_deg
                .iter()
                .map(|lo| ((lo - c + 540.0).rem_euclid(360.0) - 180.0) + c)
                .collect();
            HorizontalGrid::Curvilinear {
                nx: shape[1],
                ny: shape[0],
                lat_deg,
                lon_deg,
            }
        } else {
            unwrap_longitudes(&mut lon_deg);
            monotonic(lat, &lat_deg, &file)?;
            monotonic(lon, &lon_deg, &file)?;
            HorizontalGrid::LatLon { lat_deg, lon_deg }
        }
    } else if let (Some(x), Some(y)) = (
        find(&["projection_x_coordinate"], &["x"]),
        find(&["projection_y_coordinate"], &["y"]),
    ) {
        let factor = |v: &Var| match v.units.as_deref().map(str::trim) {
            Some("m") | Some("meter") | Some("metre") | Some("meters") | Some("metres") => Ok(1.0),
            Some("km") => Ok(1000.0),
            other => Err(MetError::Units {
                file: file.clone(),
                variable: v.name.clone(),
                found: other.unwrap_or("(none)").to_string(),
                expected: "m or km".into(),
            }),
        };
        let (fx, fy) = (factor(x)?, factor(y)?);
        let x_m: Vec<f64> = read_all(x, &file)?.iter().map(|v| v * fx).collect();
        let y_m: Vec<f64> = read_all(y, &file)?.iter().map(|v| v * fy).collect();
        monotonic(x, &x_m, &file)?;
        monotonic(y, &y_m, &file)?;
        (y_dim, x_dim) = (axis_name(&y.ds, 0), axis_name(&x.ds, 0));
        let u = find(&["eastward_wind"], &["u"]).ok_or_else(|| {
            missing(
                "eastward_wind",
                "a variable with standard_name eastward_wind (m s-1)",
            )
        })?;
        let gm_name = attr_string(&u.ds, "grid_mapping").ok_or_else(|| {
            missing(
                &format!("{}:grid_mapping", u.name),
                "a grid_mapping attribute naming a transverse_mercator variable",
            )
        })?;
        let gm = vars
            .by_name(gm_name.trim())
            .ok_or_else(|| missing(&gm_name, "the grid_mapping variable"))?;
        let kind = attr_string(&gm.ds, "grid_mapping_name").unwrap_or_default();
        if kind.trim() != "transverse_mercator" {
            return Err(MetError::Invalid {
                file: file.clone(),
                variable: gm.name.clone(),
                problem: format!(
                    "grid_mapping_name {kind:?}: expected \"transverse_mercator\" (or give 1-D latitude/longitude coordinates)"
                ),
            });
        }
        let num = |key: &str, default: Option<f64>| {
            attr_f64(&gm.ds, key).or(default).ok_or_else(|| {
                missing(
                    &format!("{}:{key}", gm.name),
                    "a numeric grid_mapping attribute",
                )
            })
        };
        let origin = LatLon::new(
            num("latitude_of_projection_origin", None)?,
            num("longitude_of_central_meridian", None)?,
        );
        let k0 = num("scale_factor_at_central_meridian", Some(1.0))?;
        let projection = if k0 == 1.0 {
            TransverseMercator::new(origin)
        } else {
            TransverseMercator::with_ellipsoid(
                origin,
                crate::geo::WGS84_A_M,
                crate::geo::WGS84_F,
                k0,
            )
        };
        HorizontalGrid::TransverseMercator {
            x_m,
            y_m,
            projection,
            false_easting_m: num("false_easting", Some(0.0))?,
            false_northing_m: num("false_northing", Some(0.0))?,
        }
    } else {
        return Err(missing(
            "latitude/longitude",
            "1-D latitude and longitude coordinates, or projection_x_coordinate and projection_y_coordinate with a grid_mapping",
        ));
    };
    Ok((found, y_dim, x_dim))
}

/// Reads the file's `columns` (one range, or two across a global row's seam:
/// [`file_columns`]) and joins them along the last axis.
fn read_columns<D: ndarray::RemoveAxis>(
    columns: &[RangeInclusive<usize>],
    read: impl Fn(RangeInclusive<usize>) -> hdf5::Result<ndarray::Array<f64, D>>,
) -> hdf5::Result<ndarray::Array<f64, D>> {
    let mut parts = columns
        .iter()
        .map(|c| read(c.clone()))
        .collect::<hdf5::Result<Vec<_>>>()?;
    if parts.len() == 1 {
        if let Some(one) = parts.pop() {
            return Ok(one);
        }
    }
    let views: Vec<_> = parts.iter().map(|a| a.view()).collect();
    let last = views.first().map_or(0, |v| v.ndim().saturating_sub(1));
    Ok(ndarray::concatenate(ndarray::Axis(last), &views)?)
}
