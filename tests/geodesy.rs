//! Geodesy: projection round trips, agreement with an independent transverse Mercator, and
//! geodesic distances against published values.

use plume::geo::{geodesic_distance_m, LatLon, TransverseMercator};

fn csv(text: &str) -> Vec<Vec<f64>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect()
}

#[test]
fn projection_matches_independent_transverse_mercator_within_1_m() {
    let tm = TransverseMercator::new(LatLon::new(45.07, -66.75));
    let rows = csv(include_str!("data/tmerc_reference.csv"));
    assert!(rows.len() >= 40);
    let mut worst: f64 = 0.0;
    for r in rows {
        let (x, y) = tm.forward(LatLon::new(r[0], r[1]));
        let err = (x - r[2]).hypot(y - r[3]);
        worst = worst.max(err);
        assert!(
            err < 1.0,
            "({}, {}): ({x:.4}, {y:.4}) vs ({}, {}), {err} m",
            r[0],
            r[1],
            r[2],
            r[3]
        );
    }
    // Krüger's series to n⁶ and PROJ's algorithm agree far better than the 1 m requirement.
    assert!(worst < 1e-3, "worst disagreement {worst} m");
}

#[test]
fn projection_round_trip_is_below_1_mm_within_200_km() {
    let centre = LatLon::new(45.07, -66.75);
    let tm = TransverseMercator::new(centre);
    for i in -20..=20 {
        for j in -20..=20 {
            let (x, y) = (i as f64 * 10_000.0, j as f64 * 10_000.0);
            let p = tm.inverse(x, y);
            let (x2, y2) = tm.forward(p);
            assert!(
                (x2 - x).hypot(y2 - y) < 1e-3,
                "({x}, {y}) → {p:?} → ({x2}, {y2})"
            );
            let q = tm.forward(p);
            let back = tm.inverse(q.0, q.1);
            assert!(geodesic_distance_m(p, back) < 1e-3);
        }
    }
}

#[test]
fn geodesic_distances_match_published_values_within_1_m() {
    let rows = csv(include_str!("data/geodesic_reference.csv"));
    assert!(rows.len() >= 5);
    for r in rows {
        let d = geodesic_distance_m(LatLon::new(r[0], r[1]), LatLon::new(r[2], r[3]));
        assert!((d - r[4]).abs() < 1.0, "{r:?}: {d}");
    }
}

#[test]
fn planar_and_geodesic_distances_differ_far_from_the_centre() {
    // Why users get geodesic distances: on the projection the scale grows away from the central
    // meridian (k ≈ 1 + x²/(2R²)), so planar distances drift.
    let tm = TransverseMercator::new(LatLon::new(45.07, -66.75));
    let a = tm.inverse(150_000.0, 0.0);
    let b = tm.inverse(190_000.0, 0.0);
    let planar = 40_000.0;
    let geodesic = geodesic_distance_m(a, b);
    assert!((planar - geodesic).abs() > 5.0, "{planar} vs {geodesic}");
}
