//! CF-1.10 netCDF-4–compatible HDF5 output.
//!
//! Dimensions `time`, `z`, `y`, `x` (and `nv` for bounds, a dimension without a variable) are
//! HDF5 dimension scales, so netCDF
//! readers (ncdump, xarray, Panoply, QGIS) see named dimensions. `x`/`y` are
//! `projection_x/y_coordinate` in metres on the transverse Mercator described by the `crs`
//! variable; 2-D `lat`/`lon` give every cell centre on WGS84. `time` is the end of each
//! averaging interval (`time_bnds` gives the interval) and `z` the layer's reference height
//! (`z_bnds` its bottom and top). Every data variable has `units`, `long_name`, `grid_mapping`
//! and `coordinates`; the file records the scenario text, engine version, model, seed and
//! creation time.

use std::path::Path;

use hdf5::file::LibraryVersion;
use hdf5::{Dataset, File, Group};
use ndarray::{Array1, Array2, ArrayD};

pub use super::provenance::Provenance;
use super::strings::{attach_scale, set_scale, write_text_attr};
use super::{write_atomically, OutputError};
use crate::field::Fields;
use crate::geo::{TransverseMercator, WGS84_A_M, WGS84_F};
use crate::scenario::Scenario;

/// Scalar time coordinate of the run totals (time-integrated air concentration, deposition).
/// Their `cell_methods` say "time: sum" but they have no `time` dimension, so they list this
/// coordinate (`standard_name = "time"`, value the end of the run, attribute `run_start` the
/// start) in `coordinates` (CF §7.3, §5.7). Two other forms each fail one checker: a bounds
/// variable (the IOOS checker rejects one-dimensional bounds of a scalar) and naming
/// `run_time` itself in `cell_methods` (the NCAS cfchecks rejects that).
const RUN_TIME: &str = "run_time";
/// Scalar height coordinate of the fields on (y, x) that are read from the lowest output layer
/// (exposures, doses, zones, ensemble statistics): its value is the height at which that layer
/// is evaluated, as on the `z` axis, and its `layer_bottom` and `layer_top` attributes give the
/// layer (CF §5.7; no bounds variable, which the IOOS checker rejects on a scalar).
pub const EXPOSURE_HEIGHT: &str = "exposure_height";
/// Prefix of the variables holding each averaging interval's deposit, on (time, y, x):
/// `interval_dry_deposition_<s>` and `interval_wet_deposition_<s>`.
pub const INTERVAL_PREFIX: &str = "interval_";

/// zlib level of every gridded variable (after byte shuffling). Writing is a large part of a
/// big run and zlib most of it (found by review: half the samples of a 9-species, 800 × 600
/// run). Measured on the quick-start scenario at 150 m (800 × 600 × 3 layers × 48 times), two
/// runs each on 2 cores: 9.8–10.5 s of CPU for the whole run at level 1 against 11.9–12.4 s
/// at level 4, for a file 8 % larger (107 MB against 99 MB). The `netcdf` bench's sparser
/// fields write at the same 10.9 million values/s either way.
const DEFLATE_LEVEL: u8 = 1;

/// A further gridded field to store beside the model's own (exposure, dose, actions…).
#[derive(Debug, Clone)]
pub struct ExtraField {
    /// Variable name (letters, digits, underscores).
    pub name: String,
    pub long_name: String,
    /// UDUNITS string ("Sv", "kg s m-3", "1").
    pub units: String,
    /// Dimensions, each one of "time", "z", "y", "x"; the data's shape must match the grid.
    pub dims: Vec<&'static str>,
    pub data: ArrayD<f64>,
    /// Extra text attributes (e.g. the criteria set that defined it).
    pub attributes: Vec<(String, String)>,
    /// Extra numeric attributes, stored as arrays of the data's type (double), as CF requires
    /// of `flag_values`, `valid_range` and the like.
    pub numeric_attributes: Vec<(String, Vec<f64>)>,
}

/// Returns a netCDF-safe variable-name fragment for a species name ("I-131" → "I_131").
pub fn variable_name(species: &str) -> String {
    let s: String = species
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("s_{s}")
    } else {
        s
    }
}

fn h5(path: &Path) -> impl Fn(hdf5::Error) -> OutputError + '_ {
    move |source| OutputError::Hdf5 {
        path: path.to_path_buf(),
        source,
    }
}

/// A global attribute's value: text, or a number (a double, so that a reader gets
/// `ensemble_members = 10`, not the string "10").
#[derive(Debug, Clone, PartialEq)]
pub enum GlobalAttr {
    Text(String),
    Number(f64),
    /// An unsigned 64-bit integer (a count, a seed).
    Count(u64),
}

/// Writes `fields` to `path` (atomically), with `global` added to the global attributes.
pub fn write(
    path: &Path,
    scenario: &Scenario,
    fields: &Fields,
    tm: &TransverseMercator,
    provenance: &Provenance,
    global: &[(String, GlobalAttr)],
    extra: &[ExtraField],
) -> Result<(), OutputError> {
    write_atomically(path, |tmp| {
        write_file(tmp, scenario, fields, tm, provenance, global, extra).map_err(h5(path))
    })
}

fn text(obj_id: hdf5_sys::h5i::hid_t, pairs: &[(&str, &str)]) -> hdf5::Result<()> {
    for (k, v) in pairs {
        write_text_attr(obj_id, k, v)?;
    }
    Ok(())
}

fn num_attr(ds: &hdf5::Location, name: &str, v: f64) -> hdf5::Result<()> {
    ds.new_attr::<f64>().create(name)?.write_scalar(&v)
}

fn coord(g: &Group, name: &str, values: &[f64], attrs: &[(&str, &str)]) -> hdf5::Result<Dataset> {
    let ds = g
        .new_dataset_builder()
        .with_data(&Array1::from(values.to_vec()))
        .create(name)?;
    set_scale(&ds, name)?;
    text(ds.id(), attrs)?;
    Ok(ds)
}

fn write_file(
    path: &Path,
    scenario: &Scenario,
    fields: &Fields,
    tm: &TransverseMercator,
    prov: &Provenance,
    global: &[(String, GlobalAttr)],
    extra: &[ExtraField],
) -> hdf5::Result<()> {
    let grid = &fields.grid;
    let (nt, nz, ny, nx) = (grid.nt(), grid.nz(), grid.ny, grid.nx);
    // No HDF5 file lock: the file is written under a temporary name and renamed when complete,
    // and HDF5's descriptor lacks close-on-exec, so a child process spawned meanwhile (by any
    // thread) would inherit it and keep the lock, making readers fail with EAGAIN (seen in the
    // parallel CLI test about one run in two).
    //
    // The HDF5 1.8 file format (as netCDF-4 writes it) lets an attribute over 64 KiB — the
    // scenario text of a long file — go to dense storage; the earliest format refuses it, after
    // the whole run. Objects are written no newer than 1.8, so any netCDF-4 reader opens them.
    let file = File::with_options()
        .with_fapl(|p| {
            p.file_locking(false)
                .libver_bounds(LibraryVersion::V18, LibraryVersion::V18)
        })
        .create(path)?;
    let root: &Group = &file;

    // Global attributes.
    // Fractional seconds of the start are kept (`%.f` writes none for a whole second), so that
    // every time is where the scenario puts it.
    let start = scenario.start.format("%Y-%m-%d %H:%M:%S%.f").to_string();
    let seed = prov.seed.map_or_else(
        || "none (deterministic model)".to_string(),
        |s| s.to_string(),
    );
    let created = prov.created.to_rfc3339();
    let history = prov.history(&scenario.path);
    text(
        file.id(),
        &[
            ("Conventions", "CF-1.10"),
            ("title", &scenario.name),
            ("institution", "plume open-source dispersion engine"),
            (
                "source",
                &format!("{} ({} model)", prov.engine_version, prov.model),
            ),
            ("history", &history),
            ("engine_version", &prov.engine_version),
            ("model", &prov.model),
            ("backend", &prov.backend),
            ("seed", &seed),
            ("creation_time", &created),
            ("scenario_start", &scenario.start.to_rfc3339()),
            ("scenario_file", &scenario.path.display().to_string()),
            ("scenario_text", &scenario.text),
        ],
    )?;
    for (k, v) in global {
        match v {
            GlobalAttr::Text(v) => write_text_attr(file.id(), k, v)?,
            GlobalAttr::Number(v) => num_attr(&file, k, *v)?,
            GlobalAttr::Count(v) => file.new_attr::<u64>().create(k.as_str())?.write_scalar(v)?,
        }
    }

    // Coordinates.
    let time_units = format!("seconds since {start}");
    let t = coord(
        root,
        "time",
        &grid.times_s,
        &[
            ("standard_name", "time"),
            ("long_name", "end of averaging interval"),
            ("units", &time_units),
            ("calendar", "standard"),
            ("axis", "T"),
            ("bounds", "time_bnds"),
        ],
    )?;
    // The Gaussian models evaluate the (single) layer at `receptor_height_m` when one is given
    // (validation allows it with one layer only), else every layer at its middle.
    let receptor_m = match &scenario.model {
        crate::scenario::ModelSpec::GaussianPlume {
            receptor_height_m, ..
        } => *receptor_height_m,
        crate::scenario::ModelSpec::GaussianPuff(spec) => spec.receptor_height_m,
        _ => None,
    };
    let zs: Vec<f64> = grid
        .layers
        .iter()
        .map(|l| receptor_m.unwrap_or(l.mid_m()))
        .collect();
    let z = coord(
        root,
        "z",
        &zs,
        &[
            ("standard_name", "height"),
            (
                "long_name",
                if receptor_m.is_some() {
                    "height above ground at which the layer is evaluated (model.receptor_height_m)"
                } else {
                    "height above ground of the layer's middle"
                },
            ),
            ("units", "m"),
            ("positive", "up"),
            ("axis", "Z"),
            ("bounds", "z_bnds"),
        ],
    )?;
    let ys: Vec<f64> = (0..ny).map(|j| grid.y_m(j)).collect();
    let y = coord(
        root,
        "y",
        &ys,
        &[
            ("standard_name", "projection_y_coordinate"),
            (
                "long_name",
                "northing of cell centre in the local transverse Mercator",
            ),
            ("units", "m"),
            ("axis", "Y"),
        ],
    )?;
    let xs: Vec<f64> = (0..nx).map(|i| grid.x_m(i)).collect();
    let x = coord(
        root,
        "x",
        &xs,
        &[
            ("standard_name", "projection_x_coordinate"),
            (
                "long_name",
                "easting of cell centre in the local transverse Mercator",
            ),
            ("units", "m"),
            ("axis", "X"),
        ],
    )?;
    // `nv` is a netCDF dimension without a variable, marked as netCDF-C marks one: a bound index
    // has no coordinate values, and as a variable it would be a coordinate without units.
    let nv = root.new_dataset::<f32>().shape(2).create("nv")?;
    set_scale(
        &nv,
        &format!(
            "This is a netCDF dimension but not a netCDF variable.{:10}",
            2
        ),
    )?;

    let mut tb = Array2::<f64>::zeros((nt, 2));
    for n in 0..nt {
        tb[[n, 0]] = grid.interval_start_s(n);
        tb[[n, 1]] = grid.times_s[n];
    }
    let tbd = root
        .new_dataset_builder()
        .with_data(&tb)
        .create("time_bnds")?;
    attach_scale(&tbd, &t, 0)?;
    attach_scale(&tbd, &nv, 1)?;
    // CF §7.1: bounds inherit units (and calendar) from their coordinate and should not repeat them.
    let mut zb = Array2::<f64>::zeros((nz, 2));
    for (k, l) in grid.layers.iter().enumerate() {
        zb[[k, 0]] = l.bottom_m;
        zb[[k, 1]] = l.top_m;
    }
    let zbd = root.new_dataset_builder().with_data(&zb).create("z_bnds")?;
    attach_scale(&zbd, &z, 0)?;
    attach_scale(&zbd, &nv, 1)?;
    let run_start_s = if nt > 0 {
        grid.interval_start_s(0)
    } else {
        0.0
    };
    let run_end_s = grid.times_s.last().copied().unwrap_or(0.0);
    let rt = root.new_dataset::<f64>().shape(()).create(RUN_TIME)?;
    rt.write_scalar(&run_end_s)?;
    text(
        rt.id(),
        &[
            ("standard_name", "time"),
            (
                "long_name",
                "end of the run: run totals are summed from run_start to here",
            ),
            ("units", &time_units),
            ("calendar", "standard"),
        ],
    )?;
    num_attr(&rt, "run_start", run_start_s)?;
    // The lowest layer, for the extra fields on (y, x) that are read from it.
    let exposure_layer = grid.layers.first().filter(|_| {
        extra.iter().any(|e| e.dims == ["y", "x"])
            || fields
                .species
                .iter()
                .any(|f| f.exposure_concentration.is_some())
    });
    if let (Some(l), Some(h)) = (exposure_layer, zs.first()) {
        let ds = root
            .new_dataset::<f64>()
            .shape(())
            .create(EXPOSURE_HEIGHT)?;
        ds.write_scalar(h)?;
        text(
            ds.id(),
            &[
                ("standard_name", "height"),
                (
                    "long_name",
                    "height of the lowest output layer (as on z), from which the exposure, dose, zone and ensemble fields on (y, x) and the exposure series are read",
                ),
                ("units", "m"),
                ("positive", "up"),
            ],
        )?;
        num_attr(&ds, "layer_bottom", l.bottom_m)?;
        num_attr(&ds, "layer_top", l.top_m)?;
    }

    // Grid mapping.
    let crs = root.new_dataset::<i32>().shape(()).create("crs")?;
    crs.write_scalar(&0)?;
    let o = tm.origin();
    text(
        crs.id(),
        &[
            ("grid_mapping_name", "transverse_mercator"),
            (
                "long_name",
                "local transverse Mercator on WGS84 centred on the domain",
            ),
            // CF §5.6: naming any of the ellipsoid, prime meridian or datum requires all three
            // (and the geographic CRS), as in `crs_wkt`.
            ("geographic_crs_name", "WGS 84"),
            ("horizontal_datum_name", "WGS_1984"),
            ("reference_ellipsoid_name", "WGS 84"),
            ("prime_meridian_name", "Greenwich"),
            ("crs_wkt", &crs_wkt(o.lat, o.lon, tm.k0())),
        ],
    )?;
    num_attr(&crs, "scale_factor_at_central_meridian", tm.k0())?;
    num_attr(&crs, "longitude_of_central_meridian", o.lon)?;
    num_attr(&crs, "latitude_of_projection_origin", o.lat)?;
    num_attr(&crs, "false_easting", 0.0)?;
    num_attr(&crs, "false_northing", 0.0)?;
    num_attr(&crs, "semi_major_axis", WGS84_A_M)?;
    num_attr(&crs, "inverse_flattening", 1.0 / WGS84_F)?;

    let mut lat = Array2::<f64>::zeros((ny, nx));
    let mut lon = Array2::<f64>::zeros((ny, nx));
    for j in 0..ny {
        for i in 0..nx {
            let p = tm.inverse(grid.x_m(i), grid.y_m(j));
            lat[[j, i]] = p.lat;
            lon[[j, i]] = p.lon;
        }
    }
    let dims_yx = [&y, &x];
    for (name, data, sn, units) in [
        ("lat", &lat, "latitude", "degrees_north"),
        ("lon", &lon, "longitude", "degrees_east"),
    ] {
        let ds = root
            .new_dataset_builder()
            .with_data(data)
            .chunk(chunk(&[ny, nx]))
            .shuffle()
            .deflate(DEFLATE_LEVEL)
            .create(name)?;
        for (i, s) in dims_yx.iter().enumerate() {
            attach_scale(&ds, s, i as u32)?;
        }
        text(
            ds.id(),
            &[("standard_name", sn), ("long_name", sn), ("units", units)],
        )?;
    }

    let scales = |d: &str| -> &Dataset {
        match d {
            "time" => &t,
            "z" => &z,
            "y" => &y,
            _ => &x,
        }
    };
    // `in_layer`: read from the lowest layer, at [`EXPOSURE_HEIGHT`].
    let put = |name: &str,
               dims: &[&str],
               data: ArrayD<f64>,
               attrs: &[(&str, &str)],
               in_layer: bool|
     -> hdf5::Result<Dataset> {
        let shape: Vec<usize> = data.shape().to_vec();
        let ds = root
            .new_dataset_builder()
            .with_data(&data)
            .chunk(chunk(&shape))
            .shuffle()
            .deflate(DEFLATE_LEVEL)
            .create(name)?;
        for (i, d) in dims.iter().enumerate() {
            attach_scale(&ds, scales(d), i as u32)?;
        }
        let over_run = !dims.contains(&"time")
            && attrs
                .iter()
                .any(|(k, v)| *k == "cell_methods" && v.contains("time: sum"));
        let mut coordinates = "lat lon".to_string();
        if over_run {
            coordinates += &format!(" {RUN_TIME}");
        }
        if in_layer {
            coordinates += &format!(" {EXPOSURE_HEIGHT}");
        }
        text(
            ds.id(),
            &[("grid_mapping", "crs"), ("coordinates", &coordinates)],
        )?;
        text(ds.id(), attrs)?;
        Ok(ds)
    };

    // Every model gives cell means across the grid; particles are counted through the whole
    // layer, while the Gaussian models evaluate the layer at one height (its mid-height or
    // `receptor_height_m`).
    let (conc_methods, tic_methods) = if prov.model == "lagrangian" {
        (
            "time: mean area: mean z: mean",
            "time: sum area: mean z: mean",
        )
    } else {
        (
            "time: mean area: mean z: point",
            "time: sum area: mean z: point",
        )
    };
    for sf in &fields.species {
        let v = variable_name(&sf.species.name);
        let u = sf.species.unit.symbol();
        let name = &sf.species.name;
        // Where the particle model kept an exposure tally the interval means and the run's
        // totals stand for different averaging times; each says which.
        let (conc_comment, total_comment) = match sf.exposure_concentration {
            Some(_) => (
                "the plume as wide as the wind's swings within the interval make it; the \
                 time-integrated concentration, deposits, zones and doses take those within the \
                 release (or the AEGL duration), a wider plume",
                "the plume as wide as the wind's swings within the release (or the AEGL \
                 duration) make it: wider and lower on its axis than the sum of the interval \
                 means",
            ),
            None => ("", ""),
        };
        let ds = put(
            &format!("air_concentration_{v}"),
            &["time", "z", "y", "x"],
            sf.concentration.clone().into_dyn(),
            &with_comment(
                &[
                    (
                        "long_name",
                        &format!("air concentration of {name}, mean over the averaging interval"),
                    ),
                    ("units", &format!("{u} m-3")),
                    ("cell_methods", conc_methods),
                    ("species", name),
                ],
                conc_comment,
            ),
            false,
        )?;
        if let Some(h) = sf.species.half_life_s {
            num_attr(&ds, "half_life_s", h)?;
        }
        if let Some(b) = sf.budget {
            for (k, val) in [
                ("mass_budget_released", b.released),
                ("mass_budget_airborne", b.airborne),
                ("mass_budget_dry_deposited", b.dry_deposited),
                ("mass_budget_wet_deposited", b.wet_deposited),
                ("mass_budget_decayed", b.decayed),
                ("mass_budget_exited", b.exited),
            ] {
                num_attr(&ds, k, val)?;
            }
            write_text_attr(ds.id(), "mass_budget_units", u)?;
        }
        put(
            &format!("time_integrated_air_concentration_{v}"),
            &["z", "y", "x"],
            sf.time_integrated.clone().into_dyn(),
            &with_comment(
                &[
                    (
                        "long_name",
                        &format!("time-integrated air concentration of {name} over the run"),
                    ),
                    ("units", &format!("{u} s m-3")),
                    ("cell_methods", tic_methods),
                    ("species", name),
                ],
                total_comment,
            ),
            false,
        )?;
        if let Some(exposure) = &sf.exposure_concentration {
            // The series the exposures are read from, in the layer they are read from.
            put(
                &format!("exposure_air_concentration_{v}"),
                &["time", "y", "x"],
                exposure
                    .slice(ndarray::s![.., 0, .., ..])
                    .to_owned()
                    .into_dyn(),
                &[
                    (
                        "long_name",
                        &format!(
                            "air concentration of {name} in the lowest layer, mean over the \
                             averaging interval, as the exposures take it"
                        ),
                    ),
                    ("units", &format!("{u} m-3")),
                    (
                        "cell_methods",
                        "time: mean area: mean exposure_height: mean",
                    ),
                    ("species", name),
                    (
                        "comment",
                        "the plume as wide as the wind's swings within the release (or the AEGL \
                         duration) make it: the series the exposures, running means, toxic \
                         loads, zones, doses and arrival times are read from; its interval means \
                         times the interval add up to the lowest layer of the time-integrated \
                         concentration",
                    ),
                ],
                true,
            )?;
        }
        for (kind, data) in [("dry", &sf.dry_deposition), ("wet", &sf.wet_deposition)] {
            put(
                &format!("{kind}_deposition_{v}"),
                &["y", "x"],
                data.clone().into_dyn(),
                &[
                    (
                        "long_name",
                        &format!("{kind} deposition of {name} accumulated over the run"),
                    ),
                    ("units", &format!("{u} m-2")),
                    ("cell_methods", "time: sum"),
                    ("species", name),
                ],
                false,
            )?;
        }
        if let Some(by) = &sf.deposition_by_interval {
            for (kind, data) in [("dry", &by.dry), ("wet", &by.wet)] {
                put(
                    &format!("{INTERVAL_PREFIX}{kind}_deposition_{v}"),
                    &["time", "y", "x"],
                    data.clone().into_dyn(),
                    &[
                        (
                            "long_name",
                            &format!("{kind} deposition of {name} during the averaging interval"),
                        ),
                        ("units", &format!("{u} m-2")),
                        ("cell_methods", "time: sum"),
                        ("species", name),
                    ],
                    false,
                )?;
            }
        }
    }
    for e in extra {
        // All text attributes go through `put`, which reads `cell_methods` for the coordinates.
        let mut attrs = vec![("long_name", e.long_name.as_str()), ("units", &e.units)];
        attrs.extend(e.attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let in_layer = exposure_layer.is_some() && e.dims == ["y", "x"];
        let ds = put(&e.name, &e.dims, e.data.clone(), &attrs, in_layer)?;
        for (k, v) in &e.numeric_attributes {
            ds.new_attr::<f64>()
                .shape(v.len())
                .create(k.as_str())?
                .write_raw(v)?;
        }
    }
    file.flush()?;
    Ok(())
}

/// Chunk shape: whole planes up to 256 × 256 cells, one time and layer at a time.
fn chunk(shape: &[usize]) -> Vec<usize> {
    let n = shape.len();
    shape
        .iter()
        .enumerate()
        .map(|(i, &s)| if i + 2 >= n { s.clamp(1, 256) } else { 1 })
        .collect()
}

/// OGC WKT of the local transverse Mercator (read by QGIS and GDAL).
fn crs_wkt(lat0: f64, lon0: f64, k0: f64) -> String {
    format!(
        "PROJCS[\"plume local transverse Mercator\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",{lat0}],PARAMETER[\"central_meridian\",{lon0}],PARAMETER[\"scale_factor\",{k0}],PARAMETER[\"false_easting\",0],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]"
    )
}

/// `attrs` with a `comment` attribute added, unless `comment` is empty.
fn with_comment<'a>(attrs: &[(&'a str, &'a str)], comment: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut attrs = attrs.to_vec();
    if !comment.is_empty() {
        attrs.push(("comment", comment));
    }
    attrs
}
