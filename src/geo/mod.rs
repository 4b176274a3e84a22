//! Geodesy: WGS84 latitude/longitude ↔ the engine's local metres, and geodesic distances.
//!
//! Inside the engine every position is metres in a local frame at the domain centre (x east,
//! y north), obtained from a transverse Mercator projection on the WGS84 ellipsoid whose central
//! meridian and origin latitude are the domain centre, with scale factor 1 on the central meridian.
//! Distances reported to users are geodesic (on the ellipsoid), never planar.

mod boundary;
pub mod counties;
pub mod jurisdiction;
pub mod outline;
pub mod polygon_index;
mod tmerc;

pub use tmerc::TransverseMercator;

use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};

/// A geographic position in decimal degrees on WGS84.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatLon {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
}

impl LatLon {
    pub fn new(lat: f64, lon: f64) -> Self {
        Self { lat, lon }
    }
}

/// WGS84 semi-major axis (m).
pub const WGS84_A_M: f64 = 6_378_137.0;
/// WGS84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;

/// Returns the geodesic distance between two points on WGS84 in metres (Karney 2013, via
/// geographiclib-rs; accurate to a few nanometres).
pub fn geodesic_distance_m(a: LatLon, b: LatLon) -> f64 {
    let g = Geodesic::wgs84();
    let s12_m: f64 = g.inverse(a.lat, a.lon, b.lat, b.lon);
    s12_m
}

/// Returns the initial geodesic azimuth from `a` to `b`, degrees clockwise from north in [0, 360).
pub fn geodesic_azimuth_deg(a: LatLon, b: LatLon) -> f64 {
    let g = Geodesic::wgs84();
    let (_s12, azi1, _azi2, _a12): (f64, f64, f64, f64) = g.inverse(a.lat, a.lon, b.lat, b.lon);
    azi1.rem_euclid(360.0)
}

/// Returns the point `distance_m` from `a` along the geodesic that leaves it at `azimuth_deg`
/// (degrees clockwise from north): Karney's direct problem.
pub fn geodesic_destination(a: LatLon, azimuth_deg: f64, distance_m: f64) -> LatLon {
    let g = Geodesic::wgs84();
    let (lat, lon): (f64, f64) = g.direct(a.lat, a.lon, azimuth_deg, distance_m);
    LatLon::new(lat, lon)
}

/// Names the compass point (16 winds) of an azimuth in degrees, for human summaries.
pub fn compass_point(azimuth_deg: f64) -> &'static str {
    COMPASS_POINTS[compass_index(azimuth_deg)]
}

/// The 16 points of the compass, clockwise from north: also the names of the 22.5° sectors
/// centred on them (N covers 348.75°–11.25°), as US nuclear emergency plans name them.
pub const COMPASS_POINTS: [&str; 16] = [
    "N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW",
    "NNW",
];

/// The index in [`COMPASS_POINTS`] of the sector holding `azimuth_deg`.
pub fn compass_index(azimuth_deg: f64) -> usize {
    ((azimuth_deg.rem_euclid(360.0) / 22.5) + 0.5).floor() as usize % 16
}
