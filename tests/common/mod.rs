//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod cf_writer;
pub mod gridded_fixture;
pub mod zones;

/// Runs an external checker, or explains why not: CI installs it, so there it must exist.
pub fn external(cmd: &str, args: &[&str]) -> Option<std::process::Output> {
    match std::process::Command::new(cmd).args(args).output() {
        Ok(o) => Some(o),
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("skipping the {cmd} check: {e} (CI installs it; run .ci/run to include it)");
            None
        }
        Err(e) => panic!("{cmd} is required in CI: {e}"),
    }
}

/// A release at Calais (ME) on the St. Croix, across the river from St. Stephen (NB), under a
/// north wind: the plume runs south into Maine while the grid also covers New Brunswick.
pub fn st_croix_border_scenario(consequence: &str) -> String {
    format!(
        r#"
[scenario]
name = "St. Croix border release"
start = "2026-05-01T00:00:00Z"
duration_s = 7200
[domain]
centre = {{ lat = 45.26, lon = -67.33 }}
extent_m = [20000, 24000]
resolution_m = 500
layers_m = [[0, 3]]
output_interval_s = 900
[[source]]
name = "border"
location = {{ lat = 45.183, lon = -67.277 }}
height_m = 10
start_s = 0
duration_s = 3600
release = [{{ nuclide = "I-131", rate_bq_s = 2.0e12 }}, {{ nuclide = "Cs-137", rate_bq_s = 2.0e11 }}]
[meteorology]
kind = "uniform"
wind_speed_m_s = 3
wind_from_deg = 10
stability = "D"
mixing_height_m = 800
{consequence}
"#
    )
}

/// A ground-level chlorine release for 30 min at the Calais–St. Stephen crossing (45.19 N,
/// 67.28 W; the source `lat_deg` north of it when moved) at the centre of a square domain of
/// `extent_m`, 200 m cells, under a neutral 3 m/s west wind.
pub struct CalaisChlorine<'a> {
    pub extent_m: f64,
    pub duration_s: f64,
    pub layers_m: &'a str,
    pub rate_kg_s: f64,
    pub source_lat_deg: f64,
}

impl Default for CalaisChlorine<'_> {
    fn default() -> Self {
        CalaisChlorine {
            extent_m: 20_000.0,
            duration_s: 3600.0,
            layers_m: "[[0, 3]]",
            rate_kg_s: 5.0,
            source_lat_deg: 45.19,
        }
    }
}

impl CalaisChlorine<'_> {
    /// The scenario file text.
    pub fn text(&self) -> String {
        let CalaisChlorine {
            extent_m,
            duration_s,
            layers_m,
            rate_kg_s,
            source_lat_deg,
        } = self;
        format!(
            r#"
[scenario]
name = "Calais chlorine"
start = "2026-09-10T14:00:00Z"
duration_s = {duration_s}
[domain]
centre = {{ lat = 45.19, lon = -67.28 }}
extent_m = [{extent_m}, {extent_m}]
resolution_m = 200
layers_m = {layers_m}
output_interval_s = 300
[[source]]
name = "rail car"
location = {{ lat = {source_lat_deg}, lon = -67.28 }}
height_m = 1.0
duration_s = 1800
release = [{{ substance = "Chlorine", rate_kg_s = {rate_kg_s} }}]
[meteorology]
kind = "uniform"
wind_speed_m_s = 3.0
wind_from_deg = 270
stability = "D"
mixing_height_m = 800
"#
        )
    }
}

/// A text attribute of an HDF5/netCDF object, stored as variable- or fixed-length UTF-8.
pub fn text_attr(loc: &hdf5::Location, name: &str) -> String {
    let attr = loc.attr(name).unwrap();
    attr.read_scalar::<hdf5::types::VarLenUnicode>()
        .map(|s| s.as_str().to_string())
        .or_else(|_| {
            attr.read_scalar::<hdf5::types::FixedUnicode<1024>>()
                .map(|s| s.as_str().to_string())
        })
        .unwrap()
}
