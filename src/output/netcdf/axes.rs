//! The netCDF file's axes: `time`, `z`, `y`, `x` and their bounds, the scalar `run_time` and
//! `exposure_height` coordinates, the `crs` grid mapping and the 2-D `lat`/`lon` of every cell
//! centre (see the parent module for the conventions they follow).

use hdf5::{Dataset, Group};
use ndarray::Array2;

use super::ExtraField;
use super::{chunk, coord, num_attr, text, DEFLATE_LEVEL, EXPOSURE_HEIGHT, RUN_TIME};
use crate::field::Fields;
use crate::geo::{TransverseMercator, WGS84_A_M, WGS84_F};
use crate::output::strings::{attach_scale, set_scale};
use crate::scenario::Scenario;

/// The dimension scales the data variables attach to.
pub(super) struct Axes {
    pub time: Dataset,
    pub z: Dataset,
    pub y: Dataset,
    pub x: Dataset,
    /// Whether `exposure_height` was written: fields on (y, x) read from the lowest layer.
    pub exposure_layer: bool,
}

impl Axes {
    /// The scale of dimension `d` ("time", "z", "y" or "x").
    pub fn scale(&self, d: &str) -> &Dataset {
        match d {
            "time" => &self.time,
            "z" => &self.z,
            "y" => &self.y,
            _ => &self.x,
        }
    }
}

/// Writes the axes, the grid mapping and the cell centres' latitude and longitude.
pub(super) fn write(
    root: &Group,
    scenario: &Scenario,
    fields: &Fields,
    tm: &TransverseMercator,
    extra: &[ExtraField],
) -> hdf5::Result<Axes> {
    let grid = &fields.grid;
    let (nt, nz, ny, nx) = (grid.nt(), grid.nz(), grid.ny, grid.nx);
    // Fractional seconds of the start are kept (`%.f` writes none for a whole second), so that
    // every time is where the scenario puts it.
    let start = scenario.start.format("%Y-%m-%d %H:%M:%S%.f").to_string();
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
    Ok(Axes {
        time: t,
        z,
        y,
        x,
        exposure_layer: exposure_layer.is_some(),
    })
}

/// OGC WKT of the local transverse Mercator (read by QGIS and GDAL).
fn crs_wkt(lat0: f64, lon0: f64, k0: f64) -> String {
    format!(
        "PROJCS[\"plume local transverse Mercator\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",{lat0}],PARAMETER[\"central_meridian\",{lon0}],PARAMETER[\"scale_factor\",{k0}],PARAMETER[\"false_easting\",0],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]"
    )
}
