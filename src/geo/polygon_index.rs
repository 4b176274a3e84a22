//! Point-in-polygon and near-polygon tests for every cell of a grid, against polygons of tens of
//! thousands of vertices: the region's land mask (the shore to about 100 m, some 22 000 vertices,
//! `data/README.md`), the Canadian side of the border, Maine and New Brunswick.
//!
//! Testing each cell of a 600 × 600 grid against such rings one edge at a time costs ~10⁹–10¹⁰
//! edge tests (and a distance to every edge for the "within a tolerance" tests). Here the edges
//! are bucketed by latitude band once. A point is inside when a ray from it towards the east
//! crosses an odd number of the edges of its band (the even–odd rule, which holds for exteriors
//! and holes alike; Haines 1994); an edge counts for latitudes in [y_low, y_high), so a ray
//! through a vertex crosses exactly one of the two edges meeting there, and a horizontal edge
//! never. A point is within a distance d of the polygons when it is inside or some edge of the
//! bands within d of its latitude is within d of it. Distances are in degrees (longitude and
//! latitude taken as plane coordinates), as the tolerances of [`super::jurisdiction`] are.
//!
//! ## References
//! - Haines, E. (1994) "Point in polygon strategies", in *Graphics Gems IV*, Academic Press,
//!   pp. 24–46 — the crossings test and its half-open vertex rule.

use geo::MultiPolygon;

/// Height (degrees of latitude) of the bands the edges are bucketed in: about 550 m, so a band
/// of the land mask holds a few tens of edges on average.
const BAND_DEG: f64 = 0.005;

/// One polygon edge, oriented upwards.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Edge {
    /// Latitudes of its lower and upper ends (y_low ≤ y_high).
    y_low: f64,
    y_high: f64,
    /// Longitudes at `y_low` and `y_high`.
    x_low: f64,
    x_high: f64,
    /// Change of longitude per degree of latitude (0 for a horizontal edge, which no ray
    /// crosses).
    dx_dy: f64,
}

impl Edge {
    /// Whether a ray from (x, y) towards +x crosses the edge.
    #[inline]
    fn crossed_by_ray_from(&self, x: f64, y: f64) -> bool {
        y >= self.y_low && y < self.y_high && self.x_low + (y - self.y_low) * self.dx_dy > x
    }

    /// Squared distance from (x, y) to the segment.
    #[inline]
    fn distance2(&self, x: f64, y: f64) -> f64 {
        let (ex, ey) = (self.x_high - self.x_low, self.y_high - self.y_low);
        let (px, py) = (x - self.x_low, y - self.y_low);
        let len2 = ex * ex + ey * ey;
        let t = if len2 > 0.0 {
            ((px * ex + py * ey) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (dx, dy) = (px - t * ex, py - t * ey);
        dx * dx + dy * dy
    }
}

/// Polygons with their edge index.
#[derive(Debug, Clone)]
pub struct PolygonIndex {
    polygons: MultiPolygon<f64>,
    /// Latitude of the bottom of band 0.
    lat0: f64,
    /// The edges overlapping each band, south to north.
    bands: Vec<Vec<Edge>>,
}

impl PolygonIndex {
    /// Indexes the rings (exteriors and holes) of `polygons`.
    pub fn new(polygons: MultiPolygon<f64>) -> Self {
        let edges: Vec<Edge> = polygons
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(|ring| ring.lines())
            .map(|l| {
                let (a, b) = if l.start.y < l.end.y {
                    (l.start, l.end)
                } else {
                    (l.end, l.start)
                };
                Edge {
                    y_low: a.y,
                    y_high: b.y,
                    x_low: a.x,
                    x_high: b.x,
                    dx_dy: if b.y > a.y {
                        (b.x - a.x) / (b.y - a.y)
                    } else {
                        0.0
                    },
                }
            })
            .collect();
        let lat0 = edges.iter().map(|e| e.y_low).fold(f64::INFINITY, f64::min);
        let top = edges
            .iter()
            .map(|e| e.y_high)
            .fold(f64::NEG_INFINITY, f64::max);
        let n_bands = if edges.is_empty() {
            0
        } else {
            ((top - lat0) / BAND_DEG).floor() as usize + 1
        };
        let mut bands = vec![vec![]; n_bands];
        for e in edges {
            let first = ((e.y_low - lat0) / BAND_DEG).floor() as usize;
            let last = (((e.y_high - lat0) / BAND_DEG).floor() as usize).min(n_bands - 1);
            for band in &mut bands[first..=last] {
                band.push(e);
            }
        }
        PolygonIndex {
            polygons,
            lat0,
            bands,
        }
    }

    /// The polygons, for maps.
    pub fn polygons(&self) -> &MultiPolygon<f64> {
        &self.polygons
    }

    /// Whether (lon, lat) is inside the polygons (inside an odd number of rings).
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        let f = (lat - self.lat0) / BAND_DEG;
        if !(f >= 0.0 && f < self.bands.len() as f64) {
            return false;
        }
        let crossings = self.bands[f as usize]
            .iter()
            .filter(|e| e.crossed_by_ray_from(lon, lat))
            .count();
        crossings % 2 == 1
    }

    /// Whether (lon, lat) is inside the polygons or within `tolerance_deg` of their boundary.
    pub fn within(&self, lon: f64, lat: f64, tolerance_deg: f64) -> bool {
        if self.contains(lon, lat) {
            return true;
        }
        if self.bands.is_empty() {
            return false;
        }
        let band = |y: f64| ((y - self.lat0) / BAND_DEG).floor();
        let last = (self.bands.len() - 1) as f64;
        let (first, end) = (
            band(lat - tolerance_deg).max(0.0),
            band(lat + tolerance_deg).min(last),
        );
        if first > end {
            return false;
        }
        let d2 = tolerance_deg * tolerance_deg;
        self.bands[first as usize..=end as usize]
            .iter()
            .flatten()
            .any(|e| e.distance2(lon, lat) <= d2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, LineString, Point, Polygon};

    fn ring(points: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(points.to_vec())
    }

    /// A unit square island with a square lake, and a triangle beside it.
    fn island_with_a_lake_and_a_triangle() -> MultiPolygon<f64> {
        let lake = ring(&[(0.3, 0.3), (0.3, 0.6), (0.6, 0.6), (0.6, 0.3), (0.3, 0.3)]);
        MultiPolygon(vec![
            Polygon::new(
                ring(&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]),
                vec![lake],
            ),
            Polygon::new(
                ring(&[(1.2, 0.1), (1.9, 0.2), (1.5, 0.93), (1.2, 0.1)]),
                vec![],
            ),
        ])
    }

    /// Uniform numbers in [0, 1) from a 64-bit linear congruential generator.
    fn uniforms(seed: u64) -> impl FnMut() -> f64 {
        let mut state = seed;
        move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn agrees_with_the_polygon_test_away_from_edges() {
        // A square island with a square lake, and a triangle: 20 000 pseudo-random points.
        let polygons = island_with_a_lake_and_a_triangle();
        let mask = PolygonIndex::new(polygons.clone());
        let mut next = uniforms(0x9e37_79b9_7f4a_7c15);
        let mut inside = 0;
        for _ in 0..20_000 {
            let (x, y) = (-0.2 + 2.4 * next(), -0.2 + 1.4 * next());
            let expected = polygons.contains(&Point::new(x, y));
            assert_eq!(mask.contains(x, y), expected, "({x}, {y})");
            inside += usize::from(expected);
        }
        assert!(inside > 5_000, "{inside} points inside");
    }

    #[test]
    fn within_a_tolerance_agrees_with_geos_distance() {
        use geo::{Distance, Euclidean};
        let polygons = island_with_a_lake_and_a_triangle();
        let index = PolygonIndex::new(polygons.clone());
        let mut next = uniforms(12345);
        for tolerance in [0.003, 0.04, 0.15] {
            for _ in 0..5_000 {
                let (x, y) = (-0.3 + 2.6 * next(), -0.3 + 1.6 * next());
                let p = Point::new(x, y);
                let d = Euclidean.distance(&polygons, &p);
                // geo's distance is 0 inside (the lake is outside).
                if (d - tolerance).abs() < 1e-9 {
                    continue;
                }
                assert_eq!(
                    index.within(x, y, tolerance),
                    d <= tolerance,
                    "({x}, {y}) d {d}"
                );
            }
        }
    }

    #[test]
    fn a_ray_through_a_vertex_counts_one_crossing() {
        // The ray from (0, 1) passes through the diamond's east and west vertices.
        let diamond = MultiPolygon(vec![Polygon::new(
            ring(&[(2.0, 0.0), (3.0, 1.0), (2.0, 2.0), (1.0, 1.0), (2.0, 0.0)]),
            vec![],
        )]);
        let mask = PolygonIndex::new(diamond);
        assert!(!mask.contains(0.0, 1.0));
        assert!(mask.contains(2.0, 1.0));
        assert!(!mask.contains(3.5, 1.0));
        assert!(!mask.contains(2.0, 5.0), "north of every band");
        assert!(!PolygonIndex::new(MultiPolygon(vec![])).contains(0.0, 0.0));
        assert!(!PolygonIndex::new(MultiPolygon(vec![])).within(0.0, 0.0, 1.0));
    }
}
