//! The CF-1.10 netCDF-4/HDF5 output: read back by the crate, opened by ncdump and xarray, and
//! written atomically.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common;

use common::external;
use hdf5::types::FixedUnicode;
use plume::output::{write_atomically, OutputError};
use plume::scenario::Scenario;
use plume::{simulate, write_outputs, RunOptions, Simulation};

fn run_lepreau(dir: &Path) -> (Scenario, Simulation, PathBuf) {
    let s = Scenario::load(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lepreau_stack_east_wind.toml"),
    )
    .unwrap();
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    write_outputs(&s, &sim, dir).unwrap();
    (s, sim, dir.join("fields.nc"))
}

fn text_attr(loc: &hdf5::Location, name: &str) -> String {
    loc.attr(name)
        .unwrap()
        .read_scalar::<FixedUnicode<256>>()
        .unwrap()
        .as_str()
        .to_string()
}

#[test]
fn hdf5_file_reads_back_with_cf_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let (s, sim, path) = run_lepreau(dir.path());
    let f = hdf5::File::open(&path).unwrap();
    assert_eq!(text_attr(&f, "Conventions"), "CF-1.10");
    assert!(text_attr(&f, "engine_version").starts_with("plume "));
    assert_eq!(text_attr(&f, "model"), "gaussian_plume");
    assert!(text_attr(&f, "history").contains(" run "));
    let g = &sim.fields.grid;
    let c = f.dataset("air_concentration_I_131").unwrap();
    assert_eq!(c.shape(), vec![g.nt(), g.nz(), g.ny, g.nx]);
    assert_eq!(text_attr(&c, "units"), "Bq m-3");
    assert_eq!(text_attr(&c, "grid_mapping"), "crs");
    assert!(
        c.filters()
            .iter()
            .any(|f| matches!(f, hdf5::filters::Filter::Deflate(_))),
        "data variables are compressed"
    );
    let data: ndarray::Array4<f64> = c.read().unwrap();
    assert_eq!(data, sim.fields.species[0].concentration);
    let crs = f.dataset("crs").unwrap();
    assert_eq!(text_attr(&crs, "grid_mapping_name"), "transverse_mercator");
    let lon0: f64 = crs
        .attr("longitude_of_central_meridian")
        .unwrap()
        .read_scalar()
        .unwrap();
    assert_eq!(lon0, s.domain.centre.lon);
    for v in [
        "time",
        "z",
        "y",
        "x",
        "lat",
        "lon",
        "time_integrated_air_concentration_Cs_137",
        "dry_deposition_I_131",
    ] {
        let d = f.dataset(v).unwrap();
        assert!(d.attr("units").is_ok(), "{v} has units");
    }
    let lat: ndarray::Array2<f64> = f.dataset("lat").unwrap().read().unwrap();
    assert!((lat[[g.ny / 2, g.nx / 2]] - s.domain.centre.lat).abs() < 0.01);
}

#[test]
fn grid_mapping_that_names_its_ellipsoid_also_names_its_datum_prime_meridian_and_geographic_crs() {
    // CF §5.6: reference_ellipsoid_name, prime_meridian_name, horizontal_datum_name and
    // geographic_crs_name must all be given if any one is (cfchecks and the IOOS checker
    // report an error otherwise).
    let dir = tempfile::tempdir().unwrap();
    let (_, _, path) = run_lepreau(dir.path());
    let f = hdf5::File::open(&path).unwrap();
    let crs = f.dataset("crs").unwrap();
    assert_eq!(text_attr(&crs, "reference_ellipsoid_name"), "WGS 84");
    assert_eq!(text_attr(&crs, "prime_meridian_name"), "Greenwich");
    assert_eq!(text_attr(&crs, "horizontal_datum_name"), "WGS_1984");
    assert_eq!(text_attr(&crs, "geographic_crs_name"), "WGS 84");
}

#[test]
fn bounds_take_their_units_from_their_coordinates_and_nv_is_a_dimension_without_a_variable() {
    // CF §7.1: boundary variables should not repeat their coordinate's units; the bound index
    // `nv` is a bare netCDF dimension, not a coordinate variable lacking units.
    let dir = tempfile::tempdir().unwrap();
    let (_, _, path) = run_lepreau(dir.path());
    let f = hdf5::File::open(&path).unwrap();
    for (b, c) in [("time_bnds", "time"), ("z_bnds", "z")] {
        assert!(
            f.dataset(b).unwrap().attr("units").is_err(),
            "{b} has units"
        );
        assert_eq!(text_attr(&f.dataset(c).unwrap(), "bounds"), b);
    }
    let Some(out) = external("ncdump", &["-h", path.to_str().unwrap()]) else {
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("nv = 2 ;"), "{text}");
    assert!(text.contains("time_bnds(time, nv)"), "{text}");
    assert!(!text.contains(" nv(nv)"), "{text}");
}

#[test]
fn run_totals_name_a_scalar_time_coordinate_for_their_sum_over_time() {
    // CF §7.3: "time: sum" on a variable without a time dimension names the standard name; a
    // scalar coordinate with that standard name, listed in `coordinates`, says when the sum
    // ends (the IOOS checker flagged the totals for naming nothing they have).
    let dir = tempfile::tempdir().unwrap();
    let (s, sim, path) = run_lepreau(dir.path());
    let f = hdf5::File::open(&path).unwrap();
    let rt = f.dataset("run_time").unwrap();
    assert_eq!(rt.shape(), Vec::<usize>::new(), "run_time is a scalar");
    assert_eq!(rt.read_scalar::<f64>().unwrap(), s.duration_s);
    assert_eq!(text_attr(&rt, "standard_name"), "time");
    assert_eq!(
        text_attr(&rt, "units"),
        text_attr(&f.dataset("time").unwrap(), "units")
    );
    let start: f64 = rt.attr("run_start").unwrap().read_scalar().unwrap();
    assert_eq!(start, sim.fields.grid.interval_start_s(0));
    for (v, methods) in [
        (
            "time_integrated_air_concentration_I_131",
            "time: sum area: mean z: point",
        ),
        ("dry_deposition_I_131", "time: sum"),
        ("wet_deposition_Cs_137", "time: sum"),
    ] {
        let d = f.dataset(v).unwrap();
        assert_eq!(text_attr(&d, "cell_methods"), methods, "{v}");
        assert_eq!(text_attr(&d, "coordinates"), "lat lon run_time", "{v}");
    }
    // Interval means have the time dimension and do not list the run's end.
    let c = f.dataset("air_concentration_I_131").unwrap();
    assert_eq!(text_attr(&c, "coordinates"), "lat lon");
    // So do each interval's deposits, which add up to the run's.
    for kind in ["dry", "wet"] {
        let d = f
            .dataset(&format!("interval_{kind}_deposition_Cs_137"))
            .unwrap();
        assert_eq!(text_attr(&d, "cell_methods"), "time: sum");
        assert_eq!(text_attr(&d, "coordinates"), "lat lon");
        let by: ndarray::Array3<f64> = d.read().unwrap();
        let total: ndarray::Array2<f64> = f
            .dataset(&format!("{kind}_deposition_Cs_137"))
            .unwrap()
            .read()
            .unwrap();
        assert_eq!(by.dim().0, sim.fields.grid.nt());
        let summed = by.sum_axis(ndarray::Axis(0));
        for (a, b) in summed.iter().zip(&total) {
            assert!((a - b).abs() <= 1e-12 * b.abs(), "{kind}: {a} against {b}");
        }
    }
    // Doses carry no cell method; they are read from the lowest layer, whose height their
    // coordinates name (a scalar coordinate, CF §5.7), as the deposits on the ground do not.
    let d = f.dataset("dose_effective_projected_2d").unwrap();
    assert_eq!(text_attr(&d, "coordinates"), "lat lon exposure_height");
    let h = f.dataset("exposure_height").unwrap();
    assert_eq!(
        h.shape(),
        Vec::<usize>::new(),
        "exposure_height is a scalar"
    );
    let z: Vec<f64> = f.dataset("z").unwrap().read_raw().unwrap();
    assert_eq!(h.read_scalar::<f64>().unwrap(), z[0]);
    assert_eq!(text_attr(&h, "standard_name"), "height");
    let layer = &sim.fields.grid.layers[0];
    for (name, want) in [("layer_bottom", layer.bottom_m), ("layer_top", layer.top_m)] {
        assert_eq!(h.attr(name).unwrap().read_scalar::<f64>().unwrap(), want);
    }
    let Some(out) = external("ncdump", &["-h", path.to_str().unwrap()]) else {
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("double run_time ;"), "{text}");
}

#[test]
fn toxic_load_units_are_its_udunits_unit_for_a_whole_exponent_and_1_for_a_fractional_one() {
    use plume::consequence::toxic_load_units;
    assert_eq!(toxic_load_units(1.0), "mg m-3 min");
    assert_eq!(toxic_load_units(2.0), "(mg m-3)^2 min");
    assert_eq!(toxic_load_units(4.0), "(mg m-3)^4 min");
    // UDUNITS has no fractional powers: the stored value is then the dimensionless
    // ∫(C / 1 mg m-3)^n d(t / 1 min), and toxic_load_units/toxic_load_exponent_n say so.
    assert_eq!(toxic_load_units(2.75), "1");
    assert_eq!(toxic_load_units(3.95), "1");

    // Chlorine (n = 2) in the Saint John railcar scenario: the file states its real unit.
    let dir = tempfile::tempdir().unwrap();
    let s = Scenario::load(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/saint_john_chlorine_railcar.toml"),
    )
    .unwrap();
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    write_outputs(&s, &sim, dir.path()).unwrap();
    let f = hdf5::File::open(dir.path().join("fields.nc")).unwrap();
    let v = f.dataset("Chlorine_toxic_load").unwrap();
    assert_eq!(text_attr(&v, "units"), "(mg m-3)^2 min");
    let numbers = |v: &hdf5::Dataset, name: &str| v.attr(name).unwrap().read_raw::<f64>().unwrap();
    assert_eq!(numbers(&v, "toxic_load_exponent_n"), [2.0]);
    // Categorical fields say what their values mean (CF §3.5), numbers are stored as numbers.
    for name in ["Chlorine_aegl_tier", "Chlorine_aegl_tier_sheltered"] {
        let tier = f.dataset(name).unwrap();
        assert_eq!(numbers(&tier, "flag_values"), [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(
            text_attr(&tier, "flag_meanings"),
            "none AEGL_1 AEGL_2 AEGL_3"
        );
        // The rail car's 30-min release maps the 30-min AEGLs.
        assert_eq!(numbers(&tier, "exposure_duration_s"), [1800.0]);
    }
}

#[test]
fn dose_zones_and_actions_carry_cf_flags_and_numeric_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, path) = run_lepreau(dir.path());
    let f = hdf5::File::open(path).unwrap();
    let numbers = |v: &hdf5::Dataset, name: &str| v.attr(name).unwrap().read_raw::<f64>().unwrap();
    let action = f.dataset("protective_action").unwrap();
    assert_eq!(numbers(&action, "flag_values"), [-1.0, 0.0, 1.0, 2.0]);
    assert_eq!(
        text_attr(&action, "flag_meanings").split(' ').count(),
        4,
        "one meaning per value"
    );
    let zone = f.dataset("zone_HC_2018_iodine_thyroid_blocking").unwrap();
    assert_eq!(numbers(&zone, "flag_values"), [0.0, 1.0]);
    assert_eq!(text_attr(&zone, "flag_meanings"), "not_met met");
    assert_eq!(numbers(&zone, "threshold_Sv"), [0.05]);
    assert_eq!(numbers(&zone, "window_s"), [7.0 * 86400.0]);
    let dose = f.dataset("dose_thyroid_7d").unwrap();
    assert_eq!(numbers(&dose, "dose_window_s"), [7.0 * 86400.0]);
}

#[test]
fn ncdump_sees_named_dimensions() {
    let dir = tempfile::tempdir().unwrap();
    let (_, sim, path) = run_lepreau(dir.path());
    let Some(out) = external("ncdump", &["-h", path.to_str().unwrap()]) else {
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let g = &sim.fields.grid;
    for d in [
        format!("time = {}", g.nt()),
        format!("x = {}", g.nx),
        format!("y = {}", g.ny),
        format!("z = {}", g.nz()),
    ] {
        assert!(text.contains(&d), "{d} missing:\n{text}");
    }
    assert!(
        text.contains("air_concentration_I_131(time, z, y, x)"),
        "{text}"
    );
    assert!(!text.contains("phony_dim"), "{text}");
    assert!(text.contains(":Conventions = \"CF-1.10\""), "{text}");
}

#[test]
fn xarray_opens_the_file_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (_, sim, path) = run_lepreau(dir.path());
    let script = format!(
        "import xarray as xr\nfor engine in ('netcdf4', 'h5netcdf'):\n    ds = xr.open_dataset(r'{}', engine=engine)\n    c = ds['air_concentration_I_131']\n    assert c.dims == ('time', 'z', 'y', 'x'), c.dims\n    assert c.attrs['units'] == 'Bq m-3'\n    assert str(ds.time.dtype).startswith('datetime64'), ds.time.dtype\n    print(engine, float(c.max()))\n",
        path.display()
    );
    let Some(out) = external("python3", &["-c", &script]) else {
        return;
    };
    assert!(
        out.status.success(),
        "xarray failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = sim.fields.species[0]
        .concentration
        .iter()
        .cloned()
        .fold(0.0, f64::max);
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: f64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert!((v / expected - 1.0).abs() < 1e-12, "{line} vs {expected}");
    }
}

#[test]
fn a_scenario_text_over_64_kib_is_stored_whole_and_opens_everywhere() {
    // Found by review: HDF5's earliest file format refuses an attribute over 64 KiB, so a long
    // scenario file ran its whole model and then failed to write.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lepreau_stack_east_wind.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let comment: String = (0..700)
        .map(|k| format!("# note {k:03} {}\n", "x".repeat(100)))
        .collect();
    let long = format!("{comment}{text}");
    assert!(long.len() > 70_000);
    let s = Scenario::parse(&long, &path).unwrap();
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_outputs(&s, &sim, dir.path()).unwrap();
    let nc = dir.path().join("fields.nc");
    let script = format!(
        "import netCDF4, xarray as xr\nn = netCDF4.Dataset(r'{0}')\nd = xr.open_dataset(r'{0}', engine='h5netcdf')\nprint(len(n.scenario_text), len(d.attrs['scenario_text']))\n",
        nc.display()
    );
    let Some(out) = external("python3", &["-c", &script]) else {
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want = long.chars().count().to_string();
    let got = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        got.split_whitespace().collect::<Vec<_>>(),
        [&want, &want],
        "{got}"
    );
}

#[test]
fn failed_write_leaves_the_old_file_and_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("fields.nc");
    std::fs::write(&target, b"previous complete output").unwrap();
    let r: Result<(), OutputError> = write_atomically(&target, |tmp| {
        std::fs::write(tmp, b"half-writ").unwrap();
        Err(OutputError::Io {
            path: tmp.to_path_buf(),
            source: std::io::Error::other("disk full"),
        })
    });
    assert!(r.is_err());
    assert_eq!(std::fs::read(&target).unwrap(), b"previous complete output");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn successful_write_leaves_only_final_files() {
    let dir = tempfile::tempdir().unwrap();
    run_lepreau(dir.path());
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "alert-CA.cap.xml",
            "alert-US.cap.xml",
            "fields.nc",
            "map.png",
            "summary.json",
            "zones.geojson",
            "zones.kml"
        ]
    );
}

#[test]
fn cli_prints_a_summary_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let exe = env!("CARGO_BIN_EXE_plume");
    let scen = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lepreau_stack_east_wind.toml");
    let out = Command::new(exe)
        .args(["run", scen.to_str().unwrap(), "--json", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let peak = &v["species"][0]["peak_concentration"];
    assert!(peak["value"].as_f64().unwrap() > 0.0);
    let d = peak["distance_m"].as_f64().unwrap();
    assert!(d > 100.0 && d < 60_000.0, "{d}");
    // The peak's time on local clocks beside UTC (found by review: UTC only), Atlantic time
    // in New Brunswick or Eastern in Maine, whichever side the peak is on.
    let utc = peak["time_utc"].as_str().unwrap();
    let local = peak["time_local"].as_str().unwrap();
    assert!(
        local.ends_with(&format!("({} UTC)", &utc[11..16])),
        "{local} / {utc}"
    );
    assert!(
        ["ADT", "AST", "EDT", "EST"]
            .iter()
            .any(|z| local.contains(z)),
        "{local}"
    );
    // The time the outputs took, beside the model's (found by review: a scheduler saw 153 s
    // where the summary said 38): in the printed summary and, up to its own writing, in the file.
    assert!(v["write_elapsed_s"].as_f64().unwrap() > 0.0, "{v}");
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    assert!(file["write_elapsed_s"].as_f64().unwrap() > 0.0);
    let text = Command::new(exe)
        .args(["run", scen.to_str().unwrap(), "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    let t = String::from_utf8_lossy(&text.stdout);
    assert!(t.contains("peak concentration") && t.contains("km"), "{t}");
    assert!(t.contains(&format!(", interval ending {local}")), "{t}");
    assert!(t.contains(", outputs written in "), "{t}");
    let bad = Command::new(exe)
        .args(["check", "Cargo.toml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Cargo.toml"));
}

/// A receptor height evaluates the layer there, and `z` says so (found by review: it said the
/// layer's middle, and with several layers each copy claimed its own height); a receptor height
/// with several layers is refused.
#[test]
fn z_is_the_receptor_height_where_the_gaussian_model_evaluates_the_layer() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lepreau_stack_east_wind.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "kind = \"gaussian_plume\"\n",
        "kind = \"gaussian_plume\"\nreceptor_height_m = 2\n",
    );
    let err = Scenario::parse(&text, &path).unwrap_err().to_string();
    assert!(
        err.contains("model.receptor_height_m") && err.contains("3 layers"),
        "{err}"
    );
    let one = text.replace(
        "layers_m = [[0, 3], [3, 50], [50, 200]]",
        "layers_m = [[0, 3]]",
    );
    let s = Scenario::parse(&one, &path).unwrap();
    let sim = simulate(&s, &RunOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_outputs(&s, &sim, dir.path()).unwrap();
    let f = hdf5::File::open(dir.path().join("fields.nc")).unwrap();
    let z: Vec<f64> = f.dataset("z").unwrap().read_raw().unwrap();
    assert_eq!(z, [2.0]);
    let bounds: Vec<f64> = f.dataset("z_bnds").unwrap().read_raw().unwrap();
    assert_eq!(bounds, [0.0, 3.0]);
    assert!(text_attr(&f.dataset("z").unwrap(), "long_name").contains("receptor_height_m"));
}
