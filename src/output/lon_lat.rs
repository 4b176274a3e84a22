//! Outlines of grid cells in longitude and latitude, as GeoJSON (RFC 7946), KML and CAP carry
//! them: exact along the cells' edges (segments short enough that the grid lines' curvature
//! stays under 0.1 m), cut at the antimeridian, and coarsened to at most 100 points for alerts.

use geo::orient::{Direction, Orient};
use geo::{BooleanOps, Coord, LineString, MapCoords, MultiPolygon, Polygon, Rect};
use ndarray::Array2;

use crate::geo::outline::{outline, CellLattice};
use crate::geo::TransverseMercator;

/// Coordinates are rounded to this many decimal degrees (1e-7° ≈ 1 cm).
const COORDINATE_DECIMALS: i32 = 7;

/// Most points (the closing one included) of one alert polygon: alerting gateways limit
/// polygon size (the US IPAWS/WEA limit is commonly given as 100 points).
pub const MAX_ALERT_POLYGON_POINTS: usize = 100;

/// The outline of `mask` coarsened until every ring has at most [`MAX_ALERT_POLYGON_POINTS`]
/// points: cells are grouped in k × k blocks, a block is marked when any of its cells is, and
/// k grows from 1 until the outline is small enough. Every marked cell stays inside, so an
/// alert may reach a little beyond the zone but never leaves part of it out — but for the
/// curvature of the grid lines in longitude and latitude: to spare points, the segments are
/// not cut to [`MAX_SEGMENT_M`], so a straight run of 20 blocks of length L is off its blocks'
/// edge by up to L²·tan φ/(8R) in its middle (8 m for 1 km blocks at 45° N). Returns the
/// outline and the block size (m).
pub fn alert_outline(
    mask: &Array2<bool>,
    lattice: CellLattice,
    projection: &TransverseMercator,
) -> (MultiPolygon<f64>, f64) {
    let (ny, nx) = mask.dim();
    let mut k = 1;
    loop {
        let (by, bx) = (ny.div_ceil(k), nx.div_ceil(k));
        let blocks = Array2::from_shape_fn((by, bx), |(bj, bi)| {
            (bj * k..((bj + 1) * k).min(ny))
                .any(|j| (bi * k..((bi + 1) * k).min(nx)).any(|i| mask[[j, i]]))
        });
        // Block (bi, bj) is centred on the middle of its k × k cells.
        let coarse = CellLattice {
            x0_m: lattice.x0_m + 0.5 * (k as f64 - 1.0) * lattice.dx_m,
            y0_m: lattice.y0_m + 0.5 * (k as f64 - 1.0) * lattice.dx_m,
            dx_m: k as f64 * lattice.dx_m,
        };
        let outline = lon_lat_cut(&blocks, coarse, projection, f64::INFINITY);
        let small = outline
            .iter()
            .all(|p| p.exterior().0.len() <= MAX_ALERT_POLYGON_POINTS);
        if small || k >= nx.max(ny) {
            return (outline, coarse.dx_m);
        }
        k += 1;
    }
}

/// Longest segment (m) of a zone outline in longitude and latitude. A grid line is straight on
/// the projected grid but curves in longitude and latitude, by about L²·tan φ/(8R) over a
/// segment of length L (R the Earth's radius): 8 m over 20 km at 45° N, 1 km over the 220 km
/// of twenty 11 km cells. Segments of at most 2 km stay within 0.1 m of the cells' edges up
/// to 50° N.
pub const MAX_SEGMENT_M: f64 = 2000.0;

/// `ring` (m) with points added along every segment longer than `max_segment_m`, evenly.
fn densified(ring: &LineString<f64>, max_segment_m: f64) -> Vec<Coord<f64>> {
    let mut out = vec![];
    for w in ring.0.windows(2) {
        let (a, b) = (w[0], w[1]);
        let pieces = ((b.x - a.x).hypot(b.y - a.y) / max_segment_m)
            .ceil()
            .max(1.0) as usize;
        for k in 0..pieces {
            let t = k as f64 / pieces as f64;
            out.push(Coord {
                x: a.x + t * (b.x - a.x),
                y: a.y + t * (b.y - a.y),
            });
        }
    }
    out.extend(ring.0.last());
    out
}

/// The outline of the marked cells in longitude and latitude (exteriors counter-clockwise, holes
/// clockwise, coordinates rounded to `COORDINATE_DECIMALS` (7) decimals), with no segment
/// longer than [`MAX_SEGMENT_M`], so that its straight lines in longitude and latitude (RFC
/// 7946 §3.1.1) follow the cells' edges.
pub fn lon_lat(
    mask: &Array2<bool>,
    lattice: CellLattice,
    projection: &TransverseMercator,
) -> MultiPolygon<f64> {
    lon_lat_cut(mask, lattice, projection, MAX_SEGMENT_M)
}

/// [`lon_lat`] with segments of at most `max_segment_m` (infinite: the outline's own).
fn lon_lat_cut(
    mask: &Array2<bool>,
    lattice: CellLattice,
    projection: &TransverseMercator,
    max_segment_m: f64,
) -> MultiPolygon<f64> {
    let scale = 10f64.powi(COORDINATE_DECIMALS);
    let to_geo = |ring: &LineString<f64>| -> LineString<f64> {
        densified(ring, max_segment_m)
            .into_iter()
            .map(|c| {
                let p = projection.inverse(c.x, c.y);
                Coord {
                    x: (p.lon * scale).round() / scale,
                    y: (p.lat * scale).round() / scale,
                }
            })
            .collect()
    };
    split_at_antimeridian(MultiPolygon(
        outline(mask, lattice)
            .iter()
            .map(|p| {
                Polygon::new(
                    to_geo(p.exterior()),
                    p.interiors().iter().map(to_geo).collect(),
                )
            })
            .collect(),
    ))
}

/// `mp` with every longitude in [−180°, 180°]: polygons that cross the antimeridian (a domain
/// centred near 180° projects to longitudes beyond it) are cut there and their parts moved by
/// ±360° (RFC 7946 §3.1.9), exteriors counter-clockwise and holes clockwise. Geometry that does
/// not cross is returned as it is.
pub fn split_at_antimeridian(mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    let crosses = mp
        .iter()
        .flat_map(|p| p.exterior().coords())
        .any(|c| !(-180.0..=180.0).contains(&c.x));
    if !crosses {
        return mp;
    }
    let scale = 10f64.powi(COORDINATE_DECIMALS);
    let mut parts = vec![];
    for (west, east, shift) in [
        (-540.0, -180.0, 360.0),
        (-180.0, 180.0, 0.0),
        (180.0, 540.0, -360.0),
    ] {
        let window = MultiPolygon(vec![Rect::new((west, -90.0), (east, 90.0)).to_polygon()]);
        for p in mp.intersection(&window) {
            parts.push(p.map_coords(|c| {
                let x = ((c.x + shift) * scale).round() / scale;
                // The clipping works on a snapped integer grid: the cut lands within 1e-6° of
                // the meridian, and is put back on it.
                let x = if (x.abs() - 180.0).abs() < 1e-6 {
                    180f64.copysign(x)
                } else {
                    x
                };
                Coord { x, y: c.y }
            }));
        }
    }
    MultiPolygon(parts).orient(Direction::Default)
}

/// The planar area (km²) of a lon/lat geometry on the local projection (for tests).
#[cfg(test)]
pub(crate) fn projected_area_km2(
    geometry: &MultiPolygon<f64>,
    projection: &TransverseMercator,
) -> f64 {
    use geo::Area;
    let to_xy = |ring: &LineString<f64>| -> LineString<f64> {
        ring.coords()
            .map(|c| {
                let (x, y) = projection.forward(crate::geo::LatLon { lat: c.y, lon: c.x });
                Coord { x, y }
            })
            .collect()
    };
    geometry
        .iter()
        .map(|p| {
            Polygon::new(
                to_xy(p.exterior()),
                p.interiors().iter().map(to_xy).collect(),
            )
            .signed_area()
        })
        .sum::<f64>()
        * 1e-6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::LatLon;

    #[test]
    fn a_zone_across_the_antimeridian_is_cut_there_into_two_parts() {
        // 4 × 2 cells of 1 km centred on 180°: two cells each side (RFC 7946 §3.1.9).
        let projection = TransverseMercator::new(LatLon {
            lat: 52.0,
            lon: 180.0,
        });
        let lattice = CellLattice {
            x0_m: -1500.0,
            y0_m: 500.0,
            dx_m: 1000.0,
        };
        let geometry = lon_lat(&Array2::from_elem((2, 4), true), lattice, &projection);
        assert_eq!(geometry.0.len(), 2, "{geometry:?}");
        let lons: Vec<f64> = geometry
            .iter()
            .flat_map(|p| p.exterior().coords().map(|c| c.x))
            .collect();
        assert!(
            lons.iter().all(|x| (-180.0..=180.0).contains(x)),
            "{lons:?}"
        );
        assert!(lons.contains(&180.0) && lons.contains(&-180.0), "{lons:?}");
        // Put back on one side of the meridian, the parts are the 8 km² of the cells, with
        // counter-clockwise exteriors (a positive signed area).
        let unwrapped = geometry.map_coords(|c| Coord {
            x: if c.x < 0.0 { c.x + 360.0 } else { c.x },
            y: c.y,
        });
        let area = projected_area_km2(&unwrapped, &projection);
        assert!((area - 8.0).abs() < 1e-3, "{area} km²");
        // Geometry away from the meridian is untouched.
        let east = TransverseMercator::new(LatLon {
            lat: 45.0,
            lon: -66.0,
        });
        assert_eq!(
            lon_lat(&Array2::from_elem((2, 4), true), lattice, &east)
                .0
                .len(),
            1
        );
    }

    #[test]
    fn an_alert_outline_covers_every_cell_in_at_most_100_points() {
        // A ragged 120 × 90 blob whose exact outline has hundreds of corners.
        let mask = Array2::from_shape_fn((90, 120), |(j, i)| {
            let (x, y) = (i as f64 - 60.0, j as f64 - 45.0);
            let r = 40.0 + 6.0 * ((x.atan2(y) * 17.0).sin());
            x * x / 1.6 + y * y < r * r * 0.6 && (i * 7 + j * 3) % 11 != 0
        });
        let lattice = CellLattice {
            x0_m: -30_000.0,
            y0_m: -22_000.0,
            dx_m: 500.0,
        };
        let tm = TransverseMercator::new(LatLon {
            lat: 45.1,
            lon: -66.8,
        });
        let exact = lon_lat(&mask, lattice, &tm);
        assert!(exact.iter().map(|p| p.exterior().0.len()).sum::<usize>() > 100);
        let (alert, block_m) = alert_outline(&mask, lattice, &tm);
        assert!(block_m > lattice.dx_m);
        for p in &alert {
            assert!(p.exterior().0.len() <= MAX_ALERT_POLYGON_POINTS);
        }
        use geo::Contains;
        for ((j, i), _) in mask.indexed_iter().filter(|(_, &m)| m) {
            let c = tm.inverse(
                lattice.x0_m + i as f64 * lattice.dx_m,
                lattice.y0_m + j as f64 * lattice.dx_m,
            );
            let covered = alert.iter().any(|p| {
                Polygon::new(p.exterior().clone(), vec![]).contains(&geo::Point::new(c.lon, c.lat))
            });
            assert!(covered, "cell ({i}, {j}) left out of the alert area");
        }
    }
}
