//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod cf_writer;
pub mod gridded_fixture;

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
