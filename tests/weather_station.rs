//! Station time series: linear in time, directions along the shorter arc, inverse-distance or
//! nearest in space, and malformed files named by file, line and column.

use std::path::Path;

use chrono::{DateTime, Utc};
use plume::geo::{LatLon, TransverseMercator};
use plume::met::{Meteorology, StationMet, StationOptions};
use proptest::prelude::*;

const CENTRE: LatLon = LatLon {
    lat: 45.07,
    lon: -66.75,
};

fn start() -> DateTime<Utc> {
    "2026-07-14T06:00:00Z".parse().unwrap()
}

const STATIONS: &str = "\
# two stations: Point Lepreau and Saint John airport (illustrative values)
time,station,lat,lon,wind_height_m,wind_speed_m_s,wind_from_deg,stability,mixing_height_m,precipitation_mm_h,air_temperature_k
2026-07-14T06:00:00Z,PLNGS,45.068,-66.455,10,4.0,225,D,800,0.0,285.0
2026-07-14T07:00:00Z,PLNGS,45.068,-66.455,10,5.0,135,D,900,2.0,287.0
2026-07-14T08:00:00Z,PLNGS,45.068,-66.455,10,,90,D,1000,,289.0
2026-07-14T09:00:00Z,PLNGS,45.068,-66.455,10,6.0,80,D,1100,1.0,291.0
2026-07-14T06:00:00Z,CYSJ,45.316,-65.890,10,3.0,200,C,1200,0.0,290.0
2026-07-14T09:00:00Z,CYSJ,45.316,-65.890,10,3.0,200,C,1200,0.0,296.0
";

fn stations(weighting: plume::met::SpatialWeighting) -> (StationMet, Vec<plume::met::MetWarning>) {
    let tm = TransverseMercator::new(CENTRE);
    let options = StationOptions {
        weighting,
        ..StationOptions::default()
    };
    StationMet::parse(
        STATIONS,
        Path::new("stations.csv"),
        start(),
        3.0 * 3600.0,
        &tm,
        options,
    )
    .unwrap()
}

fn from_deg(u: f64, v: f64) -> f64 {
    (u.atan2(v).to_degrees() + 180.0).rem_euclid(360.0)
}

/// The error of reading `text` as the station file `file` for a run of `duration_s` from
/// [`start`].
fn parse_error(text: &str, file: &str, duration_s: f64) -> plume::met::MetError {
    let tm = TransverseMercator::new(CENTRE);
    StationMet::parse(
        text,
        Path::new(file),
        start(),
        duration_s,
        &tm,
        StationOptions::default(),
    )
    .unwrap_err()
}

#[test]
fn station_series_interpolate_linearly_in_time_and_along_the_shorter_arc() {
    let (met, warnings) = stations(plume::met::SpatialWeighting::Nearest);
    let s = &met.stations[0];
    let (x, y) = (s.x_m, s.y_m);
    // Temperature is linear in time: exact between records.
    for t in [0.0, 600.0, 1800.0, 3600.0, 5400.0, 9000.0] {
        let want = 285.0 + 2.0 * t / 3600.0;
        let got = met.sample(x, y, 10.0, t).air_temperature_k;
        assert!((got - want).abs() < 1e-9, "t = {t}: {got} vs {want}");
    }
    // 225° backing to 135° passes through 180° (not 0°); speed 4.5 m/s at 10 m.
    let m = met.sample(x, y, 10.0, 1800.0);
    assert!((from_deg(m.wind_u_m_s, m.wind_v_m_s) - 180.0).abs() < 0.6);
    assert!((m.wind_speed_m_s() - 4.5).abs() < 1e-9);
    // The missing speed at 08:00 is bridged from 07:00 and 09:00 (5.5 m/s), with a warning.
    let g = met.sample(x, y, 10.0, 7200.0);
    assert!((g.wind_speed_m_s() - 5.5).abs() < 1e-9);
    assert!(warnings
        .iter()
        .any(|w| w.message.contains("PLNGS") && w.message.contains("wind_speed_m_s")));
    assert!(warnings
        .iter()
        .any(|w| w.message.contains("precipitation_mm_h")));
}

#[test]
fn inverse_distance_weighting_honours_stations_and_averages_between_them() {
    let (met, _) = stations(plume::met::SpatialWeighting::InverseDistance { power: 2.0 });
    let (a, b) = (&met.stations[0], &met.stations[1]);
    let at_a = met.sample(a.x_m, a.y_m, 10.0, 3600.0);
    assert!((at_a.air_temperature_k - 287.0).abs() < 1e-9);
    let (mx, my) = (0.5 * (a.x_m + b.x_m), 0.5 * (a.y_m + b.y_m));
    let mid = met.sample(mx, my, 10.0, 3600.0);
    assert!((mid.air_temperature_k - 0.5 * (287.0 + 292.0)).abs() < 1e-9);
    assert!((mid.boundary_layer.mixing_height_m - 0.5 * (900.0 + 1200.0)).abs() < 1e-9);
}

#[test]
fn station_errors_name_file_line_and_column() {
    let bad_time = STATIONS.replace("2026-07-14T09:00:00Z,PLNGS", "2026-07-14T07:30:00Z,PLNGS");
    let err = parse_error(&bad_time, "met/stations.csv", 0.0);
    let msg = err.to_string();
    assert!(
        msg.contains("met/stations.csv:6") && msg.contains("time"),
        "{msg}"
    );
    let bad_speed = STATIONS.replace(",5.0,135,", ",fast,135,");
    let msg = parse_error(&bad_speed, "s.csv", 0.0).to_string();
    assert!(
        msg.contains("wind_speed_m_s") && msg.contains("fast"),
        "{msg}"
    );
    let no_dir =
        "time,station,lat,lon,wind_speed_m_s,stability\n2026-07-14T06:00:00Z,A,45,-66,3,D\n";
    let msg = parse_error(no_dir, "s.csv", 0.0).to_string();
    assert!(msg.contains("wind_from_deg"), "{msg}");
}

#[test]
fn a_calm_record_has_no_direction_and_does_not_turn_the_wind() {
    // Found by review: a calm written as 0 m/s from 0° (METAR 00000KT) was read as a north
    // wind, and interpolation turned the next hour's west wind north-west.
    let text = "time,station,lat,lon,wind_speed_m_s,wind_from_deg,stability\n\
                2026-07-14T06:00:00Z,A,45.068,-66.455,0,0,D\n\
                2026-07-14T07:00:00Z,A,45.068,-66.455,5,270,D\n\
                2026-07-14T08:00:00Z,A,45.068,-66.455,5,270,D\n";
    let tm = TransverseMercator::new(CENTRE);
    let (met, _) = StationMet::parse(
        text,
        Path::new("calm.csv"),
        start(),
        2.0 * 3600.0,
        &tm,
        StationOptions::default(),
    )
    .unwrap();
    let s = &met.stations[0];
    for t in [1800.0, 3600.0, 5400.0] {
        let m = met.sample(s.x_m, s.y_m, 10.0, t);
        // From the west (270°) throughout: blowing east, no north–south component (but for
        // the meridian convergence, 0.2° here).
        assert!(
            m.wind_speed_m_s() > 0.1 && m.wind_v_m_s.abs() < 0.01 * m.wind_speed_m_s(),
            "t {t}: u {} v {}",
            m.wind_u_m_s,
            m.wind_v_m_s
        );
    }
}

#[test]
fn a_column_named_twice_is_refused_not_read_from_its_first_copy() {
    // Found by review: a second wind_speed_m_s column was silently ignored.
    let header = STATIONS.lines().find(|l| l.starts_with("time")).unwrap();
    let twice = STATIONS.replacen(header, &format!("{header},wind_speed_m_s"), 1);
    let twice = twice
        .lines()
        .map(|l| {
            if l.starts_with("20") {
                format!("{l},40")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let msg = parse_error(&twice, "s.csv", 0.0).to_string();
    assert!(
        msg.contains("s.csv:1") && msg.contains("wind_speed_m_s") && msg.contains("twice"),
        "{msg}"
    );
}

#[test]
fn a_semicolon_separated_file_is_asked_for_commas() {
    let semicolons = STATIONS.replace(',', ";");
    let msg = parse_error(&semicolons, "s.csv", 0.0).to_string();
    assert!(
        msg.contains("s.csv:") && msg.contains("separated by commas"),
        "{msg}"
    );
}

/// Found by the fuzz review: a quote left open swallowed the following rows into one field and
/// was reported as a station named by several rows with a time-range complaint.
#[test]
fn an_unclosed_quote_is_named_at_its_line() {
    let unclosed = STATIONS.replace(
        "2026-07-14T07:00:00Z,PLNGS,",
        "2026-07-14T07:00:00Z,\"PLNGS,",
    );
    let msg = parse_error(&unclosed, "s.csv", 0.0).to_string();
    assert!(
        msg.contains("s.csv:4:") && msg.contains("not closed"),
        "{msg}"
    );
}

#[test]
fn a_station_file_for_another_period_is_rejected_with_both_periods_named() {
    // The two-station file dated a year early: holding its last records for the whole run
    // would be a wrong answer with a warning, as for a gridded file (3 h rule).
    let year_early = STATIONS.replace("2026-07-14", "2025-07-14");
    let err = parse_error(&year_early, "met/stations.csv", 3.0 * 3600.0);
    assert!(matches!(err, plume::met::MetError::Invalid { .. }), "{err}");
    let msg = err.to_string();
    for fragment in [
        "met/stations.csv",
        "time",
        "2025-07-14T06:00:00Z",
        "2025-07-14T09:00:00Z",
        "2026-07-14T06:00:00Z",
        "2026-07-14T09:00:00Z",
        "3 h",
    ] {
        assert!(msg.contains(fragment), "missing {fragment:?} in: {msg}");
    }
    // A year late is refused alike.
    let year_late = STATIONS.replace("2026-07-14", "2027-07-14");
    let msg = parse_error(&year_late, "s.csv", 3.0 * 3600.0).to_string();
    assert!(msg.contains("2027-07-14T06:00:00Z"), "{msg}");
}

#[test]
fn station_records_within_three_hours_of_the_run_are_held_with_a_warning() {
    // Records from 06:00 to 09:00 for a run from 10:00 to 12:00: the last record is 3 h before
    // the run ends, within the 3 h a value may be held, so it reads and warns.
    let tm = TransverseMercator::new(CENTRE);
    let later: DateTime<Utc> = "2026-07-14T10:00:00Z".parse().unwrap();
    let (met, warnings) = StationMet::parse(
        STATIONS,
        Path::new("s.csv"),
        later,
        2.0 * 3600.0,
        &tm,
        StationOptions::default(),
    )
    .unwrap();
    assert_eq!(met.stations.len(), 2);
    assert!(
        warnings
            .iter()
            .any(|w| w.message.contains("last record") && w.message.contains("held")),
        "{warnings:?}"
    );
}

/// The two-station file with a σθ column: Point Lepreau's tower measures it (12° then 6°),
/// Saint John airport does not.
fn stations_with_sigma_theta(
    weighting: plume::met::SpatialWeighting,
) -> Result<StationMet, plume::met::MetError> {
    let text = STATIONS
        .replace("air_temperature_k\n", "air_temperature_k,sigma_theta_deg\n")
        .replace("285.0\n", "285.0,12\n")
        .replace("287.0\n", "287.0,NA\n")
        .replace("289.0\n", "289.0,6\n")
        .replace("291.0\n", "291.0,6\n")
        .replace("290.0\n", "290.0,\n")
        .replace("296.0\n", "296.0,\n");
    let options = StationOptions {
        weighting,
        ..StationOptions::default()
    };
    let tm = TransverseMercator::new(CENTRE);
    StationMet::parse(
        &text,
        Path::new("s.csv"),
        start(),
        3.0 * 3600.0,
        &tm,
        options,
    )
    .map(|(met, _)| met)
}

#[test]
fn a_towers_sigma_theta_sets_sigma_v_and_is_weighted_between_stations() {
    use plume::met::turbulence::hanna;
    let idw = plume::met::SpatialWeighting::InverseDistance { power: 2.0 };
    let met = stations_with_sigma_theta(idw).unwrap();
    let (a, b) = (&met.stations[0], &met.stations[1]);
    // At the tower at 06:00: σv = 12° (rad) × 4 m/s over the parameterised σv at 10 m.
    let bl = met.sample(a.x_m, a.y_m, 10.0, 0.0).boundary_layer;
    let ratio_a = 12f64.to_radians() * 4.0 / hanna(&bl, 10.0).sigma_v_m_s;
    let got = met.sigma_v_scale(a.x_m, a.y_m, 0.0);
    assert!((got / ratio_a - 1.0).abs() < 1e-12, "{got} vs {ratio_a}");
    // 07:00 is a gap: σθ is interpolated between 12° at 06:00 and 6° at 08:00, i.e. 9°.
    let bl = met.sample(a.x_m, a.y_m, 10.0, 3600.0).boundary_layer;
    let ratio_gap = 9f64.to_radians() * 5.0 / hanna(&bl, 10.0).sigma_v_m_s;
    let got = met.sigma_v_scale(a.x_m, a.y_m, 3600.0);
    assert!(
        (got / ratio_gap - 1.0).abs() < 1e-12,
        "{got} vs {ratio_gap}"
    );
    // Saint John has no σθ (ratio 1); half way, the weights are equal.
    assert_eq!(met.sigma_v_scale(b.x_m, b.y_m, 0.0), 1.0);
    let (mx, my) = (0.5 * (a.x_m + b.x_m), 0.5 * (a.y_m + b.y_m));
    let mid = met.sigma_v_scale(mx, my, 0.0);
    assert!((mid - 0.5 * (ratio_a + 1.0)).abs() < 1e-12, "{mid}");
    // Nearest-station weighting takes the tower's value near the tower.
    let near = stations_with_sigma_theta(plume::met::SpatialWeighting::Nearest).unwrap();
    assert_eq!(
        near.sigma_v_scale(a.x_m + 500.0, a.y_m, 0.0),
        got_at(&near, 0.0)
    );
    // The particle model's flow column carries it: σv at 10 m is the measured one.
    let column = plume::model::lagrangian::column::Column::from_met(&met, a.x_m, a.y_m, 0.0);
    let sv = f64::from(column.at(10.0).sigma[1]);
    assert!((sv / (12f64.to_radians() * 4.0) - 1.0).abs() < 1e-5, "{sv}");
    // A zero or over-60° σθ is refused with the column named.
    for bad in ["0", "75"] {
        let text = STATIONS
            .replace("air_temperature_k\n", "air_temperature_k,sigma_theta_deg\n")
            .replace("285.0\n", &format!("285.0,{bad}\n"));
        let tm = TransverseMercator::new(CENTRE);
        let err = StationMet::parse(
            &text,
            Path::new("s.csv"),
            start(),
            0.0,
            &tm,
            StationOptions::default(),
        );
        let msg = err.map(|_| ()).unwrap_err().to_string();
        assert!(
            msg.contains("sigma_theta_deg") && msg.contains(bad),
            "{msg}"
        );
    }
}

fn got_at(met: &StationMet, t_s: f64) -> f64 {
    let a = &met.stations[0];
    met.sigma_v_scale(a.x_m, a.y_m, t_s)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn station_parser_never_panics_on_arbitrary_text(text in "\\PC{0,400}") {
        let tm = TransverseMercator::new(CENTRE);
        let _ = StationMet::parse(&text, Path::new("p.csv"), start(), 3600.0, &tm, StationOptions::default());
    }

    #[test]
    fn station_parser_never_panics_on_mangled_rows(
        cells in proptest::collection::vec(
            prop_oneof![
                Just(String::new()), Just("NA".to_string()), Just("nan".to_string()),
                Just("2026-07-14T06:00:00Z".to_string()), Just("-1e308".to_string()),
                Just("F".to_string()), Just("Z".to_string()), "[-0-9.e]{0,8}", "\\PC{0,6}",
            ],
            0..40,
        ),
        width in 1usize..12,
    ) {
        let header = "time,station,lat,lon,wind_height_m,wind_speed_m_s,wind_from_deg,stability,obukhov_length_m,friction_velocity_m_s,mixing_height_m";
        let mut text = String::from(header);
        for row in cells.chunks(width) {
            text.push('\n');
            text.push_str(&row.join(","));
        }
        let tm = TransverseMercator::new(CENTRE);
        if let Ok((met, _)) = StationMet::parse(&text, Path::new("p.csv"), start(), 3600.0, &tm, StationOptions::default()) {
            // Anything accepted samples to finite values.
            let s = met.sample(0.0, 0.0, 10.0, 1800.0);
            prop_assert!(s.wind_u_m_s.is_finite() && s.wind_v_m_s.is_finite());
            prop_assert!(s.boundary_layer.mixing_height_m.is_finite());
        }
    }
}
