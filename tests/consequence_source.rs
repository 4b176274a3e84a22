//! Source terms: nuclide mixtures, reactor inventory × release fractions decayed from shutdown
//! (with in-core ingrowth), and chemical mass rates.

use plume::source::inventory::{
    candu6_inventory_estimate_bq, release_fraction, release_rates, ReleasePhase, ReleaseTerm,
};
use plume::substance::{AmountUnit, Library};

const DAY: f64 = 86_400.0;

#[test]
fn inventory_release_decays_from_shutdown_not_from_release_start() {
    let lib = Library::embedded();
    let a0 = 1.86e18; // CANDU-6 I-131 estimate (Bq)
    let phases = vec![ReleasePhase::GapRelease, ReleasePhase::EarlyInVessel];
    let (t_sd, dur) = (2.0 * DAY, 3600.0);
    let r = release_rates(
        &ReleaseTerm::ReactorInventory {
            inventory_bq: vec![("I-131".into(), a0)],
            phases: phases.clone(),
            time_since_shutdown_s: t_sd,
            release_duration_s: dur,
        },
        lib,
    )
    .unwrap();
    // NUREG-1465 halogens: gap 0.05 + early in-vessel 0.35.
    let f = release_fraction("I", &phases).unwrap();
    assert!((f - 0.40).abs() < 1e-12);
    // Hand calculation: mean of f·A0·e^{−λ(t_sd+s)}/dur over the release.
    let l = std::f64::consts::LN_2 / 692_988.0;
    let want = f * a0 * (-l * t_sd).exp() * (1.0 - (-l * dur).exp()) / (l * dur) / dur;
    assert!(((r[0].rate_per_s - want) / want).abs() < 1e-12);
    // Decaying from the release start instead would overstate it by e^{λ t_sd} (19 % here).
    let from_release_start = f * a0 * (1.0 - (-l * dur).exp()) / (l * dur) / dur;
    assert!(
        from_release_start / r[0].rate_per_s > 1.18,
        "{}",
        r[0].rate_per_s
    );
}

#[test]
fn iodine_132_after_shutdown_is_supported_by_tellurium_132() {
    let lib = Library::embedded();
    let inv = candu6_inventory_estimate_bq().unwrap();
    let get = |n: &str| inv.iter().find(|(k, _)| k == n).unwrap().1;
    let phases = vec![ReleasePhase::GapRelease, ReleasePhase::EarlyInVessel];
    let t_sd = 2.0 * DAY;
    let dur = 60.0;
    let r = release_rates(
        &ReleaseTerm::ReactorInventory {
            inventory_bq: vec![
                ("Te-132".into(), get("Te-132")),
                ("I-132".into(), get("I-132")),
            ],
            phases: phases.clone(),
            time_since_shutdown_s: t_sd,
            release_duration_s: dur,
        },
        lib,
    )
    .unwrap();
    let lp = std::f64::consts::LN_2 / lib.nuclide("Te-132").unwrap().half_life_s;
    let ld = std::f64::consts::LN_2 / lib.nuclide("I-132").unwrap().half_life_s;
    // Two days after shutdown I-132's own inventory is gone (21 half-lives); it is in transient
    // equilibrium with Te-132: A_I ≈ A_Te(t) λd/(λd − λp).
    let a_te = get("Te-132") * (-lp * t_sd).exp();
    let want = release_fraction("I", &phases).unwrap() * a_te * ld / (ld - lp) / dur;
    let i132 = r.iter().find(|s| s.name == "I-132").unwrap();
    assert!(
        ((i132.rate_per_s - want) / want).abs() < 2e-3,
        "{} vs {want}",
        i132.rate_per_s
    );
    // Te-132 itself is released with the tellurium-group fraction (0 + 0.05).
    let te = r.iter().find(|s| s.name == "Te-132").unwrap();
    let want_te = 0.05 * a_te / dur;
    assert!(((te.rate_per_s - want_te) / want_te).abs() < 1e-3);
}

#[test]
fn mixtures_and_chemicals_are_checked_against_the_library() {
    let lib = Library::embedded();
    let r = release_rates(
        &ReleaseTerm::NuclideMixture {
            rates_bq_s: vec![("i131".into(), 1e12), ("Cs-137".into(), 1e11)],
        },
        lib,
    )
    .unwrap();
    assert_eq!(r[0].name, "I-131");
    assert_eq!(r[1].unit, AmountUnit::Becquerel);
    let err = release_rates(
        &ReleaseTerm::NuclideMixture {
            rates_bq_s: vec![("I-131".into(), 1e12), ("Xx-1".into(), 1.0)],
        },
        lib,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("release[1].nuclide") && err.contains("Xx-1") && err.contains("Cs-137"),
        "{err}"
    );
    let c = release_rates(
        &ReleaseTerm::ChemicalMassRate {
            chemical: "chlorine".into(),
            rate_kg_s: 5.0,
        },
        lib,
    )
    .unwrap();
    assert_eq!(
        (c[0].name.as_str(), c[0].unit, c[0].rate_per_s),
        ("Chlorine", AmountUnit::Kilogram, 5.0)
    );
    let bad = release_rates(
        &ReleaseTerm::ChemicalMassRate {
            chemical: "chlorine".into(),
            rate_kg_s: -1.0,
        },
        lib,
    )
    .unwrap_err()
    .to_string();
    assert!(bad.contains("rate_kg_s") && bad.contains("-1"), "{bad}");
}

fn inventory_scenario(inventory: &str) -> String {
    format!(
        r#"
[scenario]
name = "inventory"
start = "2026-05-01T00:00:00Z"
duration_s = 7200
[domain]
centre = {{ lat = 45.07, lon = -66.5 }}
extent_m = [10000, 10000]
resolution_m = 500
output_interval_s = 900
[[source]]
name = "lepreau"
location = {{ lat = 45.068, lon = -66.455 }}
height_m = 40
duration_s = 3600
inventory = {inventory}
[meteorology]
kind = "uniform"
wind_speed_m_s = 5
wind_from_deg = 80
stability = "D"
"#
    )
}

#[test]
fn a_scenario_source_can_release_a_reactor_inventory() {
    let s = plume::Scenario::parse(
        &inventory_scenario(
            r#"{ reactor = "candu6_estimate", phases = ["gap_release", "early_in_vessel"], time_since_shutdown_s = 86400 }"#,
        ),
        std::path::Path::new("inv.toml"),
    )
    .unwrap();
    let names: Vec<&str> = s.species.iter().map(|x| x.name.as_str()).collect();
    let inventory = candu6_inventory_estimate_bq().unwrap();
    assert!(inventory.len() >= 9);
    for (n, _) in &inventory {
        assert!(names.contains(&n.as_str()), "{n} in {names:?}");
    }
    let want = release_rates(
        &ReleaseTerm::ReactorInventory {
            inventory_bq: candu6_inventory_estimate_bq().unwrap(),
            phases: vec![ReleasePhase::GapRelease, ReleasePhase::EarlyInVessel],
            time_since_shutdown_s: 86400.0,
            release_duration_s: 3600.0,
        },
        Library::embedded(),
    )
    .unwrap();
    for r in &s.sources[0].releases {
        let sp = &s.species[r.species];
        let w = want.iter().find(|w| w.name == sp.name).unwrap();
        assert_eq!(r.rate_per_s, w.rate_per_s, "{}", sp.name);
    }
    let err = plume::Scenario::parse(
        &inventory_scenario(r#"{ reactor = "pwr_1000", phases = [], time_since_shutdown_s = 0 }"#),
        std::path::Path::new("inv.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("source[0].inventory") && err.contains("pwr_1000"),
        "{err}"
    );
}
