//! Weather ensembles on real weather files: gridded NWP fields and station records are
//! perturbed coherently (every station and record alike), and their members run.

use std::path::Path;

use plume::ensemble;
use plume::scenario::Scenario;
use plume::simulate;

use crate::ensemble::{ens_options, out_dir, run_options};

#[test]
fn gridded_members_perturb_the_nwp_fields_and_the_ensemble_runs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let text = std::fs::read_to_string(dir.join("lepreau_noreaster_gridded.toml")).unwrap();
    let base = Scenario::parse(&text, &dir.join("gridded_ensemble.toml")).unwrap();
    let plain = simulate(&base, &run_options(2)).unwrap();
    let same = ensemble::member_scenario(&base, &plume::met::MetPerturbation::IDENTITY).unwrap();
    assert_eq!(
        simulate(&same, &run_options(2)).unwrap().fields,
        plain.fields
    );
    let veered = plume::met::MetPerturbation {
        wind_from_offset_deg: 30.0,
        ..plume::met::MetPerturbation::IDENTITY
    };
    let member = ensemble::member_scenario(&base, &veered).unwrap();
    assert_ne!(
        simulate(&member, &run_options(2)).unwrap().fields,
        plain.fields
    );

    let with_section = format!(
        "{text}\n[ensemble]\nmembers = 4\nseed = 3\nwind_from_sd_deg = 20\nwind_speed_log_sd = 0.3\n"
    );
    let s = Scenario::parse(&with_section, &dir.join("gridded_ensemble.toml")).unwrap();
    let e = ensemble::run(&s, &ens_options(2)).unwrap();
    assert_eq!(e.members.len(), 4);
    let areas: Vec<Vec<f64>> = e.zones.iter().map(|z| z.member_area_km2.clone()).collect();
    assert!(!areas.is_empty(), "the scenario has zones");
    assert!(
        areas.iter().any(|a| a
            .iter()
            .any(|x| (x - a[0]).abs() > 1e-9 * a[0].abs().max(1.0))),
        "members give the same zone areas: {areas:?}"
    );
}

/// A station file perturbed by a member equals the same file with every direction, speed and
/// 1/L changed by hand: every station and every record get the same offset.
#[test]
fn station_members_perturb_every_station_and_record_alike() {
    let dir = out_dir("station");
    std::fs::create_dir_all(&dir).unwrap();
    let rows = [
        (
            "2026-07-14T06:00:00Z",
            "A",
            45.28,
            -66.08,
            4.0,
            250.0,
            0.004,
        ),
        (
            "2026-07-14T07:00:00Z",
            "A",
            45.28,
            -66.08,
            5.0,
            260.0,
            0.010,
        ),
        (
            "2026-07-14T06:00:00Z",
            "B",
            45.33,
            -65.92,
            3.0,
            240.0,
            -0.002,
        ),
        (
            "2026-07-14T07:00:00Z",
            "B",
            45.33,
            -65.92,
            6.0,
            275.0,
            0.006,
        ),
    ];
    let p = plume::met::MetPerturbation {
        wind_from_offset_deg: 15.0,
        wind_speed_factor: 1.3,
        mixing_height_factor: 1.0,
        stability_class_shift: 0,
        inverse_obukhov_offset_per_m: 0.005,
    };
    let csv = |perturbed: bool| {
        let mut s =
            "time,station,lat,lon,wind_speed_m_s,wind_from_deg,obukhov_length_m,mixing_height_m\n"
                .to_string();
        for (t, id, lat, lon, u, d, inv_l) in rows {
            let (u, d, inv_l) = if perturbed {
                (
                    p.speed(u),
                    p.direction_deg(d),
                    p.inverse_obukhov_per_m(inv_l),
                )
            } else {
                (u, d, inv_l)
            };
            s += &format!("{t},{id},{lat},{lon},{u},{d},{},800\n", 1.0 / inv_l);
        }
        s
    };
    std::fs::write(dir.join("met.csv"), csv(false)).unwrap();
    std::fs::write(dir.join("met_by_hand.csv"), csv(true)).unwrap();
    let text = |file: &str| {
        format!(
            r#"
[scenario]
name = "station ensemble test"
start = "2026-07-14T06:00:00Z"
duration_s = 3600
[domain]
centre = {{ lat = 45.30, lon = -66.00 }}
extent_m = [16000, 16000]
resolution_m = 800
output_interval_s = 900
[[source]]
location = {{ lat = 45.30, lon = -66.00 }}
height_m = 10
release = [{{ substance = "Chlorine", rate_kg_s = 1.0 }}]
[meteorology]
kind = "station"
file = "{file}"
[model]
kind = "gaussian_puff"
time_step_s = 120
"#
        )
    };
    let base = Scenario::parse(&text("met.csv"), &dir.join("a.toml")).unwrap();
    let by_hand = Scenario::parse(&text("met_by_hand.csv"), &dir.join("b.toml")).unwrap();
    let member = ensemble::member_scenario(&base, &p).unwrap();
    let sim = simulate(&member, &run_options(2)).unwrap();
    let expected = simulate(&by_hand, &run_options(2)).unwrap();
    let plain = simulate(&base, &run_options(2)).unwrap();
    assert_eq!(sim.fields, expected.fields);
    assert_ne!(sim.fields, plain.fields);
    // The identity perturbation leaves a station run as it was.
    let same = ensemble::member_scenario(&base, &plume::met::MetPerturbation::IDENTITY).unwrap();
    assert_eq!(
        simulate(&same, &run_options(2)).unwrap().fields,
        plain.fields
    );
    let _ = std::fs::remove_dir_all(&dir);
}
