//! The wind a release starts in, as a responder reads it off a weather report: speed and the
//! direction it blows from at 10 m, with the Pasquill–Gifford class, at the source whose release
//! begins first, when it begins. The map draws it as an arrow and the summaries state it, so
//! that whoever acts on a run can check the weather it used against the weather outside.
//!
//! The direction is the model's: degrees clockwise from grid north of the run's transverse
//! Mercator frame, which is true north on the domain's central meridian (within a degree at
//! 100 km from it; [`crate::met`]). For uniform weather it is the scenario's `wind_from_deg`.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Meteorology;
use crate::geo::TransverseMercator;
use crate::scenario::Scenario;
use crate::source::Source;

/// Height (m) of the reported wind: the WMO standard anemometer height.
pub const REPORT_HEIGHT_M: f64 = 10.0;

/// The 10 m wind where and when the first release begins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseWind {
    /// The source whose release begins first.
    pub source: String,
    /// When its release begins, seconds after the scenario start.
    pub time_s: f64,
    /// The same time, UTC (RFC 3339 in JSON).
    pub time_utc: DateTime<Utc>,
    /// The same time on the clocks at the source, with UTC beside it: "14 July 2026 at 03:15
    /// ADT (06:15 UTC)".
    pub time_local: String,
    /// Height of the wind (m).
    pub height_m: f64,
    pub speed_m_s: f64,
    /// Direction the wind blows from, degrees clockwise from north in [0, 360).
    pub from_deg: f64,
    /// Pasquill–Gifford stability class (A–F).
    pub stability: char,
}

/// The source of `scenario` whose release begins first (the first listed among equals).
pub fn first_source(scenario: &Scenario) -> Option<&Source> {
    scenario
        .sources
        .iter()
        .reduce(|a, b| if b.start_s < a.start_s { b } else { a })
}

/// The 10 m wind of `met` at the [`first_source`] of `scenario`, when its release begins;
/// `None` for a scenario without sources.
pub fn release_wind(
    scenario: &Scenario,
    met: &dyn Meteorology,
    tm: &TransverseMercator,
) -> Option<ReleaseWind> {
    let first = first_source(scenario)?;
    let (x_m, y_m) = tm.forward(first.location);
    let m = met.sample(x_m, y_m, REPORT_HEIGHT_M, first.start_s);
    let time_utc = scenario.start + chrono::Duration::milliseconds((first.start_s * 1e3) as i64);
    let country = crate::geo::jurisdiction::Region::embedded()
        .tag(first.location)
        .country;
    Some(ReleaseWind {
        source: first.name.clone(),
        time_s: first.start_s,
        time_utc,
        time_local: crate::output::local_time::english(time_utc, country),
        height_m: REPORT_HEIGHT_M,
        // Rounded as a report gives them (0.01 m/s, 0.1°): the vector round trip leaves
        // 224.99999999999997° of a 225° wind.
        speed_m_s: (m.wind_speed_m_s() * 100.0).round() / 100.0,
        from_deg: ((wind_from_deg(m.wind_u_m_s, m.wind_v_m_s) * 10.0).round() / 10.0) % 360.0,
        stability: m.boundary_layer.stability.letter(),
    })
}

impl ReleaseWind {
    /// "from SW (225°), 5.0 m/s at 10 m, class D" — the wind as a weather report gives it.
    pub fn describe(&self) -> String {
        format!(
            "from {} ({:.0}°), {:.1} m/s at {:.0} m, class {}",
            crate::geo::compass_point(self.from_deg),
            self.from_deg,
            self.speed_m_s,
            self.height_m,
            self.stability
        )
    }

    /// The hour and minute of [`ReleaseWind::time_utc`]: "03:00 UTC".
    pub fn clock_utc(&self) -> String {
        self.time_utc.format("%H:%M UTC").to_string()
    }
}

/// The direction (degrees clockwise from north, in [0, 360)) that a wind of eastward
/// component `u` and northward component `v` blows from; 0 for a calm.
pub fn wind_from_deg(u_m_s: f64, v_m_s: f64) -> f64 {
    if u_m_s == 0.0 && v_m_s == 0.0 {
        return 0.0;
    }
    let deg = (-u_m_s).atan2(-v_m_s).to_degrees().rem_euclid(360.0);
    // rem_euclid of a tiny negative angle rounds to 360.
    if deg >= 360.0 {
        0.0
    } else {
        deg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wind_from_names_where_the_air_comes_from() {
        // A south-west wind blows towards the north-east: u > 0, v > 0.
        let s = std::f64::consts::FRAC_1_SQRT_2;
        assert!((wind_from_deg(s, s) - 225.0).abs() < 1e-9);
        assert!((wind_from_deg(0.0, -1.0) - 0.0).abs() < 1e-9); // northerly
        assert!((wind_from_deg(-1.0, 0.0) - 90.0).abs() < 1e-9); // easterly
        assert!((wind_from_deg(0.0, 1.0) - 180.0).abs() < 1e-9); // southerly
        assert!((wind_from_deg(1.0, 0.0) - 270.0).abs() < 1e-9); // westerly
        assert_eq!(wind_from_deg(0.0, 0.0), 0.0);
        assert!(wind_from_deg(1e-18, -1.0) < 360.0);
    }
}
