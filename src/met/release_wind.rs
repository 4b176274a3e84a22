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
    /// The time zone the source keeps ([`crate::output::local_time::zone_at`]).
    #[serde(skip)]
    pub clocks: Option<chrono_tz::Tz>,
    /// The 10 m wind at the same source every hour after the release begins, to the run's end:
    /// a wind that turns sends the plume away from the start wind's arrow.
    pub hourly: Vec<WindAt>,
}

/// The 10 m wind at the first source at one time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindAt {
    /// Seconds after the scenario start.
    pub time_s: f64,
    pub time_utc: DateTime<Utc>,
    pub speed_m_s: f64,
    /// Direction it blows from, degrees clockwise from north in [0, 360).
    pub from_deg: f64,
}

/// A wind turn worth telling a reader: more than one compass sector (22.5°).
pub const REPORTED_TURN_DEG: f64 = 22.5;

/// Below this speed (m/s) a wind is reported calm and has no direction: under 1 knot, the
/// "00000KT" of a METAR (WMO-No. 306, FM 15; WMO-No. 8 Guide, §5.1: calm below 0.5 m/s).
pub const CALM_M_S: f64 = 0.5;

impl WindAt {
    /// Whether the wind is calm ([`CALM_M_S`]): its direction means nothing.
    pub fn is_calm(&self) -> bool {
        self.speed_m_s < CALM_M_S
    }
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
    let at_s = |t: f64| scenario.start + chrono::Duration::milliseconds((t * 1e3) as i64);
    let wind_at = |t: f64| {
        let m = met.sample(x_m, y_m, REPORT_HEIGHT_M, t);
        let w = WindAt {
            time_s: t,
            time_utc: at_s(t),
            // Rounded as a report gives them (0.01 m/s, 0.1°): the vector round trip leaves
            // 224.99999999999997° of a 225° wind.
            speed_m_s: (m.wind_speed_m_s() * 100.0).round() / 100.0,
            from_deg: ((wind_from_deg(m.wind_u_m_s, m.wind_v_m_s) * 10.0).round() / 10.0) % 360.0,
        };
        (w, m.boundary_layer.stability.letter())
    };
    let (start, stability) = wind_at(first.start_s);
    let hourly = (1..)
        .map(|k| first.start_s + 3600.0 * f64::from(k))
        .take_while(|&t| t <= scenario.duration_s)
        .take(MAX_HOURLY_WINDS)
        .map(|t| wind_at(t).0)
        .collect();
    let clocks = crate::output::local_time::zone_at(first.location);
    Some(ReleaseWind {
        source: first.name.clone(),
        time_s: first.start_s,
        time_utc: start.time_utc,
        time_local: crate::output::local_time::english_in(start.time_utc, clocks),
        height_m: REPORT_HEIGHT_M,
        speed_m_s: start.speed_m_s,
        from_deg: start.from_deg,
        stability,
        clocks,
        hourly,
    })
}

/// The most hourly winds kept (a month): a summary lists them, a map names one.
const MAX_HOURLY_WINDS: usize = 744;

impl ReleaseWind {
    /// Whether the wind at the release is calm ([`CALM_M_S`]): its direction means nothing.
    pub fn is_calm(&self) -> bool {
        self.speed_m_s < CALM_M_S
    }

    /// "from SW (225°), 5.0 m/s at 10 m, class D" — the wind as a weather report gives it;
    /// "calm (0.2 m/s) at 10 m, class F" without a direction.
    pub fn describe(&self) -> String {
        if self.is_calm() {
            return format!(
                "calm ({:.1} m/s) at {:.0} m, class {}",
                self.speed_m_s, self.height_m, self.stability
            );
        }
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

    /// The hour and minute on the source's clocks: "03:00 ADT".
    pub fn clock_local(&self) -> String {
        crate::output::local_time::clock_english(self.time_utc, self.clocks)
    }

    /// The hourly wind that has turned farthest from the start wind, if it turned by more
    /// than [`REPORTED_TURN_DEG`] (the first of equals); after a calm start, the first hour
    /// with a wind. A calm hour has no direction and is no turn (found by review: a station's
    /// calm hour read as a turn to "N (0°)" and hid the real turn after it).
    pub fn largest_turn(&self) -> Option<&WindAt> {
        let mut blowing = self.hourly.iter().filter(|w| !w.is_calm());
        if self.is_calm() {
            return blowing.next();
        }
        let turn = |w: &WindAt| {
            let d = (w.from_deg - self.from_deg).rem_euclid(360.0);
            d.min(360.0 - d)
        };
        blowing
            .filter(|w| turn(w) > REPORTED_TURN_DEG)
            .reduce(|a, b| if turn(b) > turn(a) { b } else { a })
    }

    /// "turns to blow from E (90°), 6.0 m/s, by 15:00 ADT" ("picks up from E …" after a
    /// calm start): the [`ReleaseWind::largest_turn`] as a reader takes it; `None` for a
    /// steady wind.
    pub fn turn_text(&self) -> Option<String> {
        let verb = if self.is_calm() {
            "picks up"
        } else {
            "turns to blow"
        };
        self.largest_turn().map(|w| {
            format!(
                "{verb} from {} ({:.0}°), {:.1} m/s, by {}",
                crate::geo::compass_point(w.from_deg),
                w.from_deg,
                w.speed_m_s,
                crate::output::local_time::clock_english(w.time_utc, self.clocks)
            )
        })
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

    fn wind(from_deg: f64, hourly: &[f64]) -> ReleaseWind {
        let t0 = DateTime::parse_from_rfc3339("2026-07-14T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |h: usize| WindAt {
            time_s: 3600.0 * h as f64,
            time_utc: t0 + chrono::Duration::hours(h as i64),
            speed_m_s: 4.0 + h as f64,
            from_deg: hourly[h - 1],
        };
        ReleaseWind {
            source: "stack".into(),
            time_s: 0.0,
            time_utc: t0,
            time_local: String::new(),
            height_m: REPORT_HEIGHT_M,
            speed_m_s: 4.0,
            from_deg,
            stability: 'D',
            clocks: Some(chrono_tz::America::Moncton),
            hourly: (1..=hourly.len()).map(at).collect(),
        }
    }

    #[test]
    fn a_wind_that_turns_past_a_compass_sector_is_told_by_its_farthest_hour() {
        // Veering within a sector, across north: 350° → 10° is 20°, not 340°.
        assert_eq!(wind(350.0, &[355.0, 10.0, 0.0]).turn_text(), None);
        // Backing from SW to E: the farthest hour, not the last, and on local clocks.
        let backing = wind(225.0, &[200.0, 150.0, 90.0, 120.0]);
        assert_eq!(backing.largest_turn().unwrap().from_deg, 90.0);
        assert_eq!(
            backing.turn_text().unwrap(),
            "turns to blow from E (90°), 7.0 m/s, by 12:00 ADT"
        );
        assert_eq!(backing.clock_local(), "09:00 ADT");
    }

    #[test]
    fn a_calm_hour_has_no_direction_and_turns_nothing() {
        // A station's calm hour (0 m/s, read as 0°) is no turn to the north, and does not
        // hide the real turn after it.
        let mut w = wind(225.0, &[0.0, 230.0, 120.0]);
        w.hourly[0].speed_m_s = 0.0;
        assert_eq!(w.largest_turn().unwrap().from_deg, 120.0);
        let mut calm_only = wind(225.0, &[0.0, 230.0]);
        calm_only.hourly[0].speed_m_s = 0.3;
        assert_eq!(calm_only.turn_text(), None);
        // A calm start has no direction either: the report says so, and names the first wind.
        let mut start_calm = wind(0.0, &[0.0, 90.0]);
        start_calm.speed_m_s = 0.2;
        start_calm.hourly[0].speed_m_s = 0.1;
        assert_eq!(start_calm.describe(), "calm (0.2 m/s) at 10 m, class D");
        assert_eq!(
            start_calm.turn_text().unwrap(),
            "picks up from E (90°), 6.0 m/s, by 11:00 ADT"
        );
    }
}
