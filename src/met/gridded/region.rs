//! The part of a file's grid a run reads: its region located on the grid, refused when wholly
//! outside, warned of when partly.

use std::path::Path;

use super::index_map::{Coverage, HorizontalGrid, IndexMap, LocalBox};
use crate::geo::TransverseMercator;
use crate::met::error::{MetError, MetWarning};

/// The index map of `grid` over the run's `region` grown by `margin_m`, checked for coverage
/// ([`check_coverage`]) and cut to the columns i0..=i1 and rows j0..=j1 it reads: returns the
/// map shifted to them, and ((i0, i1), (j0, j1)).
#[allow(clippy::type_complexity)]
pub(crate) fn locate_region(
    file: &Path,
    grid: &HorizontalGrid,
    engine: &TransverseMercator,
    region: LocalBox,
    margin_m: f64,
    table_step_m: f64,
    warnings: &mut Vec<MetWarning>,
) -> Result<(IndexMap, (usize, usize), (usize, usize)), MetError> {
    let map = IndexMap::build(grid, engine, region.grown(margin_m), table_step_m);
    check_coverage(file, grid, &map, engine, region, warnings)?;
    let ((i0, i1), (j0, j1)) = map.index_range(grid.nx(), grid.ny());
    Ok((map.shifted(i0, j0), (i0, i1), (j0, j1)))
}

/// Refuses a run whose `region` lies wholly outside the file's grid (a file for another place,
/// or a domain centred elsewhere than meant): holding the grid's edge values over all of it
/// would be a wrong answer with a warning. Where only part of the region lies outside, warns
/// how much: the values at the grid's edge are held there.
fn check_coverage(
    file: &Path,
    grid: &HorizontalGrid,
    map: &IndexMap,
    engine: &TransverseMercator,
    region: LocalBox,
    warnings: &mut Vec<MetWarning>,
) -> Result<(), MetError> {
    let Coverage { nodes, outside } = map.coverage(region);
    if outside == 0 {
        return Ok(());
    }
    if outside == nodes {
        // The region's extent from its corners and edge midpoints.
        let xs = [region.x_min_m, region.x_max_m];
        let ys = [region.y_min_m, region.y_max_m];
        let (x_mid, y_mid) = (0.5 * (xs[0] + xs[1]), 0.5 * (ys[0] + ys[1]));
        let mut lat = (f64::INFINITY, f64::NEG_INFINITY);
        let mut lon = lat;
        for x in [xs[0], x_mid, xs[1]] {
            for y in [ys[0], y_mid, ys[1]] {
                let p = engine.inverse(x, y);
                lat = (lat.0.min(p.lat), lat.1.max(p.lat));
                lon = (lon.0.min(p.lon), lon.1.max(p.lon));
            }
        }
        let (grid_lat, grid_lon) = grid.lat_lon_extent();
        return Err(MetError::Invalid {
            file: file.to_path_buf(),
            variable: "latitude/longitude".into(),
            problem: format!(
                "the grid spans {}, the run's region {}: expected a file whose grid covers the region (or the domain's centre where meant)",
                lat_lon_span(grid_lat, grid_lon),
                lat_lon_span(lat, lon)
            ),
        });
    }
    let percent = 100.0 * outside as f64 / nodes as f64;
    let share = if percent < 1.0 {
        "less than 1 %".to_string()
    } else {
        format!("{:.0} %", percent.min(99.0))
    };
    warnings.push(MetWarning {
        file: file.to_path_buf(),
        message: format!(
            "the run's region reaches beyond the grid: {share} of it ({outside} of {nodes} lookup-table nodes) lies outside, where the values at the grid's edge are held"
        ),
    });
    Ok(())
}

/// "latitude S° to N°, longitude W° to E°", longitudes from −180° to 180°.
fn lat_lon_span(lat: (f64, f64), lon: (f64, f64)) -> String {
    let east = |l: f64| (l + 540.0).rem_euclid(360.0) - 180.0;
    format!(
        "latitude {:.2}° to {:.2}°, longitude {:.2}° to {:.2}°",
        lat.0,
        lat.1,
        east(lon.0),
        east(lon.1)
    )
}
