//! Source terms: nuclide mixtures, reactor inventory × release fractions decayed from shutdown
//! (with in-core ingrowth), and chemical mass rates.

use plume::source::inventory::{
    candu6_inventory_estimate_bq, release_fraction, release_rates, ReleasePhase, ReleaseTerm,
};
use plume::substance::iodine::IodineForms;
use plume::substance::{AmountUnit, Library};

const DAY: f64 = 86_400.0;

/// The rates of a reactor inventory released with Regulatory Guide 1.183's iodine forms.
fn reactor_rates(
    inventory_bq: Vec<(String, f64)>,
    phases: Vec<ReleasePhase>,
    time_since_shutdown_s: f64,
    release_duration_s: f64,
) -> Vec<plume::source::inventory::SpeciesRate> {
    release_rates(
        &ReleaseTerm::ReactorInventory {
            inventory_bq,
            phases,
            time_since_shutdown_s,
            release_duration_s,
            iodine_forms: IodineForms::regulatory_guide_1_183(),
        },
        Library::embedded(),
    )
    .unwrap()
}

#[test]
fn inventory_release_decays_from_shutdown_not_from_release_start() {
    let a0 = 1.86e18; // CANDU-6 I-131 estimate (Bq)
    let phases = vec![ReleasePhase::GapRelease, ReleasePhase::EarlyInVessel];
    let (t_sd, dur) = (2.0 * DAY, 3600.0);
    let r = reactor_rates(vec![("I-131".into(), a0)], phases.clone(), t_sd, dur);
    // NUREG-1465 halogens: gap 0.05 + early in-vessel 0.35.
    let f = release_fraction("I", &phases).unwrap();
    assert!((f - 0.40).abs() < 1e-12);
    // Hand calculation: mean of f·A0·e^{−λ(t_sd+s)}/dur over the release.
    let l = std::f64::consts::LN_2 / 692_988.0;
    let want = f * a0 * (-l * t_sd).exp() * (1.0 - (-l * dur).exp()) / (l * dur) / dur;
    let released = all_forms_bq_s(&r, "I-131");
    assert!(((released - want) / want).abs() < 1e-12);
    // Decaying from the release start instead would overstate it by e^{λ t_sd} (19 % here).
    let from_release_start = f * a0 * (1.0 - (-l * dur).exp()) / (l * dur) / dur;
    assert!(from_release_start / released > 1.18, "{released}");
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
            iodine_forms: IodineForms::regulatory_guide_1_183(),
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
    let i132 = all_forms_bq_s(&r, "I-132");
    assert!(((i132 - want) / want).abs() < 2e-3, "{i132} vs {want}");
    // Te-132 itself is released with the tellurium-group fraction (0 + 0.05).
    let te = r.iter().find(|s| s.name == "Te-132").unwrap();
    let want_te = 0.05 * a_te / dur;
    assert!(((te.rate_per_s - want_te) / want_te).abs() < 1e-3);
}

/// The release rate of an iodine in all its chemical forms (`I-131`, `I-131 elemental`, …).
fn all_forms_bq_s(rates: &[plume::source::inventory::SpeciesRate], nuclide: &str) -> f64 {
    rates
        .iter()
        .filter(|s| s.name == nuclide || s.name.starts_with(&format!("{nuclide} ")))
        .map(|s| s.rate_per_s)
        .sum()
}

#[test]
fn reactor_iodine_is_released_as_aerosol_elemental_and_organic_species() {
    let lib = Library::embedded();
    let term = |iodine_forms| ReleaseTerm::ReactorInventory {
        inventory_bq: vec![("I-131".into(), 1.9e18), ("Cs-137".into(), 1.0e17)],
        phases: vec![ReleasePhase::GapRelease],
        time_since_shutdown_s: 3600.0,
        release_duration_s: 7200.0,
        iodine_forms,
    };
    let rg = release_rates(&term(IodineForms::regulatory_guide_1_183()), lib).unwrap();
    let names: Vec<&str> = rg.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["I-131", "I-131 elemental", "I-131 organic", "Cs-137"]
    );
    let all = |p: f64, e: f64, o: f64| IodineForms {
        particulate: p,
        elemental: e,
        organic: o,
    };
    let aerosol = release_rates(&term(all(1.0, 0.0, 0.0)), lib).unwrap();
    assert_eq!(aerosol.len(), 2, "no zero-rate forms: {aerosol:?}");
    let total = aerosol[0].rate_per_s;
    // Regulatory Guide 1.183: 95 % CsI, 4.85 % I₂, 0.15 % CH₃I, the total unchanged.
    for (k, share) in [0.95, 0.0485, 0.0015].into_iter().enumerate() {
        assert!((rg[k].rate_per_s / total - share).abs() < 1e-12, "{k}");
    }
    assert!((all_forms_bq_s(&rg, "I-131") / total - 1.0).abs() < 1e-12);
    assert_eq!(rg[3].rate_per_s, aerosol[1].rate_per_s);
    // An iodine of no activity keeps its aerosol row beside its forms, all at zero.
    let none = ReleaseTerm::ReactorInventory {
        inventory_bq: vec![("I-131".into(), 0.0)],
        phases: vec![ReleasePhase::GapRelease],
        time_since_shutdown_s: 3600.0,
        release_duration_s: 7200.0,
        iodine_forms: IodineForms::regulatory_guide_1_183(),
    };
    let zero = release_rates(&none, lib).unwrap();
    let names: Vec<&str> = zero.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["I-131", "I-131 elemental", "I-131 organic"]);
    assert!(zero.iter().all(|s| s.rate_per_s == 0.0));
    // Shares that do not add up are refused, naming the field.
    let err = release_rates(&term(all(0.9, 0.05, 0.01)), lib)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("iodine_forms.particulate + elemental + organic") && err.contains("0.96"),
        "{err}"
    );
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
    // A core inventory's release is a nuclear power plant's (US alerts: NUW).
    assert!(s.sources[0].reactor);
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
            iodine_forms: IodineForms::regulatory_guide_1_183(),
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

/// An inventory released over a tiny duration_s gives impossible rates: the problem names the
/// duration and a least duration that is enough, not the nuclides' rates (found by review);
/// an inventory no duration could release is named instead.
#[test]
fn an_inventory_over_a_tiny_duration_is_refused_at_the_duration() {
    // The inventory scenario with `activities` released over `duration`.
    let scenario = |activities: &str, duration: &str| {
        inventory_scenario(&format!(
            r#"{{ activities_bq = {{ {activities} }}, phases = ["gap_release"], time_since_shutdown_s = 0 }}"#
        ))
        .replace("duration_s = 3600\ninventory", &format!("duration_s = {duration}\ninventory"))
    };
    let refusal = |text: &str| {
        plume::Scenario::parse(text, std::path::Path::new("inv.toml"))
            .unwrap_err()
            .to_string()
    };
    // Following the least duration it names, the file is accepted.
    let least_is_enough = |activities: &str, err: &str| {
        let from = err.find("at least ").expect(err) + "at least ".len();
        let least = err[from..].split(' ').next().unwrap();
        plume::Scenario::parse(
            &scenario(activities, least),
            std::path::Path::new("inv.toml"),
        )
        .unwrap_or_else(|e| panic!("at least {least} s: {e}"));
    };

    let err = refusal(&scenario(r#""I-131" = 1e20"#, "1e-9"));
    assert!(err.contains("source[0].duration_s = 1e-9"), "{err}");
    assert!(
        err.contains("at most 1e25 Bq/s a species: at least"),
        "{err}"
    );
    assert!(!err.contains("rate_bq_s"), "{err}");
    assert_eq!(err.matches("inv.toml:").count(), 1, "{err}");
    // Rounded up, not to the nearest.
    let odd = r#""I-131" = 1.2345678e24"#;
    least_is_enough(odd, &refusal(&scenario(odd, "1e-9")));
    // A short-lived nuclide whose mean activity falls over a long duration is told the
    // duration, not refused as impossible.
    let short_lived = r#""I-132" = 1e37"#;
    let err = refusal(&scenario(short_lived, "1"));
    assert!(err.contains("source[0].duration_s = 1:"), "{err}");
    least_is_enough(short_lived, &err);
    // An activity no duration could hold is named, without an infinity on overflow, and by
    // its nuclide rather than its last iodine form.
    let err = refusal(&scenario(r#""I-131" = 1e300"#, "3600"));
    assert!(
        err.contains("source[0].inventory = I-131 releasing"),
        "{err}"
    );
    assert!(err.contains("none can, not even the longest"), "{err}");
    let err = refusal(&scenario(r#""I-131" = 1.7e308"#, "1e-9"));
    assert!(
        err.contains("I-131 releasing more Bq than can be computed"),
        "{err}"
    );
    assert!(!err.contains("inf"), "{err}");
}

#[test]
fn a_scenario_sets_the_iodine_forms_and_a_core_holds_no_chemical_form() {
    let parse = |inv: &str| {
        plume::Scenario::parse(&inventory_scenario(inv), std::path::Path::new("inv.toml"))
    };
    let s = parse(
        r#"{ activities_bq = { "I-131" = 1e18 }, phases = ["gap_release"], time_since_shutdown_s = 0, iodine_forms = { particulate = 0.5, elemental = 0.5, organic = 0 } }"#,
    )
    .unwrap();
    let names: Vec<&str> = s.species.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["I-131", "I-131 elemental"]);
    let r = &s.sources[0].releases;
    assert_eq!(r[0].rate_per_s, r[1].rate_per_s);
    // Each form deposits as its class: I₂ ten times faster than the aerosol.
    assert_eq!(r[0].deposition.dry_velocity_m_s, 0.001);
    assert_eq!(r[1].deposition.dry_velocity_m_s, 0.01);

    let err = parse(
        r#"{ activities_bq = { "I-131 elemental" = 1e18 }, phases = ["gap_release"], time_since_shutdown_s = 0 }"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("activities_bq.I-131 elemental") && err.contains("not a chemical form"),
        "{err}"
    );
    let err = parse(
        r#"{ reactor = "candu6_estimate", phases = ["gap_release"], time_since_shutdown_s = 0, iodine_forms = { particulate = 1.0, elemental = 0.1, organic = 0 } }"#,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("iodine_forms") && err.contains("1.1"), "{err}");
}

#[test]
fn the_default_iodine_split_is_said_and_an_iodine_without_forms_goes_as_aerosol() {
    let dir = tempfile::tempdir().unwrap();
    let load = |inv: &str, substances: Option<&str>| {
        let mut text = inventory_scenario(inv);
        if let Some(s) = substances {
            std::fs::write(dir.path().join("mine.toml"), s).unwrap();
            text.push_str("[consequence]\nsubstance_file = \"mine.toml\"\n");
        }
        let path = dir.path().join("s.toml");
        std::fs::write(&path, text).unwrap();
        plume::Scenario::load(&path)
    };
    // Regulatory Guide 1.183's split is an LWR containment assumption: said when it is used.
    let s = load(
        r#"{ activities_bq = { "I-131" = 1e18 }, phases = ["gap_release"], time_since_shutdown_s = 0 }"#,
        None,
    )
    .unwrap();
    let said = |s: &plume::Scenario, what: &str| s.warnings.iter().any(|w| w.contains(what));
    assert!(said(&s, "Regulatory Guide 1.183"), "{:?}", s.warnings);
    let s = load(
        r#"{ activities_bq = { "I-131" = 1e18 }, phases = ["gap_release"], time_since_shutdown_s = 0, iodine_forms = { particulate = 0, elemental = 0.9, organic = 0.1 } }"#,
        None,
    )
    .unwrap();
    assert!(!said(&s, "Regulatory Guide 1.183"), "{:?}", s.warnings);
    // No aerosol share: no aerosol species.
    let names: Vec<&str> = s.species.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["I-131 elemental", "I-131 organic"]);

    // A substance file's own iodine, even one that deposits as elemental iodine, is a core
    // nuclide (found by review: the class alone refused it); without form rows it goes as
    // aerosol, and the user is told.
    let i129 = r#"
[[nuclide]]
name = "I-129"
half_life_s = 4.95e14
deposition_class = "elemental_iodine"
inh_effective_sv_per_bq = 9.6e-8
cloudshine_sv_m3_per_bq_s = 3.0e-16
groundshine_sv_m2_per_bq_s = 1.0e-17
source = "test"
"#;
    let s = load(
        r#"{ activities_bq = { "I-129" = 1e12 }, phases = ["gap_release"], time_since_shutdown_s = 0 }"#,
        Some(i129),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.species.len(), 1);
    assert!(
        said(&s, "I-129 has no elemental or organic rows"),
        "{:?}",
        s.warnings
    );
    // ... and not also that it is split as RG 1.183 (found by review: both were said).
    assert!(!said(&s, "Regulatory Guide 1.183"), "{:?}", s.warnings);
    let r = &s.sources[0].releases[0];
    assert_eq!(r.deposition.dry_velocity_m_s, 0.01);
}

#[test]
fn a_blank_source_name_takes_the_default_name() {
    // Found by review: `name = "   "` was taken, leaving an empty label on maps and alerts.
    for blank in ["\"\"", "\"   \""] {
        let text =
            crate::scenario_files::VALID.replace("name = \"stack\"", &format!("name = {blank}"));
        let s =
            plume::scenario::Scenario::parse(&text, std::path::Path::new("blank.toml")).unwrap();
        assert_eq!(s.sources[0].name, "source 1", "{blank}");
    }
    let text = crate::scenario_files::VALID.replace("name = \"stack\"", "name = \"  stack  \"");
    let s = plume::scenario::Scenario::parse(&text, std::path::Path::new("blank.toml")).unwrap();
    assert_eq!(s.sources[0].name, "stack");
}

fn mixture_scenario(releases: &str) -> String {
    inventory_scenario("{ reactor = \"candu6_estimate\" }").replace(
        "inventory = { reactor = \"candu6_estimate\" }",
        &format!("release = [{releases}]"),
    )
}

/// Ba-137m listed beside Cs-137 (as RASCAL's source terms list it) is the daughter the dose
/// already carries in equilibrium with its parent: released again, it doubled the cloudshine
/// of the cloud's first minutes. It is folded into the parent's, by name and with a warning; only an excess over the
/// carried rate is released on its own, and a daughter that grows in (Rb-88 of Kr-88) or one
/// without its parent is released as listed.
#[test]
fn a_daughter_carried_in_equilibrium_with_its_parent_is_not_released_twice() {
    let parse = |releases: &str| {
        plume::Scenario::parse(
            &mixture_scenario(releases),
            std::path::Path::new("mix.toml"),
        )
        .unwrap()
    };
    let cs = r#"{ nuclide = "Cs-137", rate_bq_s = 1e10 }"#;
    let rate_of = |s: &plume::Scenario, name: &str| {
        let k = s.species.iter().position(|x| x.name == name)?;
        let r = s.sources[0].releases.iter().find(|r| r.species == k)?;
        Some(r.rate_per_s)
    };
    let alone = parse(cs);
    assert!(alone.warnings.iter().all(|w| !w.contains("Ba-137m")));
    let listed = parse(&format!(
        r#"{cs}, {{ nuclide = "Ba-137m", rate_bq_s = 9.44e9 }}"#
    ));
    assert_eq!(rate_of(&listed, "Ba-137m"), None, "{:?}", listed.species);
    assert!(
        listed
            .warnings
            .iter()
            .any(|w| w.contains("source[0].release[1]")
                && w.contains("Ba-137m")
                && w.contains("Cs-137 (source[0].release[0])")
                && w.contains("not released a second time")),
        "{:?}",
        listed.warnings
    );
    // The same dose as Cs-137 alone, cell by cell.
    let dose = |s: &plume::Scenario| {
        let sim = plume::simulate(s, &plume::RunOptions::default()).unwrap();
        let d = sim.consequence.exposure.radiological.unwrap();
        d.effective_sv(d.window_index(4.0 * DAY).unwrap())
    };
    let (d_alone, d_listed) = (dose(&alone), dose(&listed));
    // The summary states the source term as run: Cs-137 alone, 1e10 Bq/s for the hour.
    let sim = plume::simulate(&listed, &plume::RunOptions::default()).unwrap();
    let summary = plume::run::summarise(&listed, &sim, vec![]);
    let names: Vec<&str> = summary.species.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["Cs-137"]);
    let r = &summary.species[0].releases;
    assert_eq!((r.len(), r[0].rate_per_s, r[0].total), (1, 1e10, 3.6e13));
    assert!(summary
        .to_text()
        .contains("released by lepreau: 1.0000e10 Bq/s for 3600 s from 0 s (3.6000e13 Bq)"));
    assert!(d_alone.sum() > 0.0);
    assert_eq!(d_alone, d_listed);
    // Twice the carried rate: the excess, 1e10 · (2 − 0.94399 λd/(λd − λp)), goes on its own.
    let twice = parse(&format!(
        r#"{cs}, {{ nuclide = "Ba-137m", rate_bq_s = 2e10 }}"#
    ));
    let lib = Library::embedded();
    let l = |n: &str| lib.nuclide(n).unwrap().decay_constant_per_s();
    let carried = 1e10 * 0.94399 * l("Ba-137m") / (l("Ba-137m") - l("Cs-137"));
    let excess = rate_of(&twice, "Ba-137m").unwrap();
    assert!(
        (excess - (2e10 - carried)).abs() <= 1e-9 * excess,
        "{excess}"
    );
    assert!(twice.warnings.iter().any(|w| w.contains("beyond it")));
    // Within a table's 1 % rounding of the carried rate, or by another spelling, or beside a
    // parent given its own half-life (the dose takes the library's row by name), it is folded.
    for releases in [
        format!(r#"{cs}, {{ nuclide = "Ba-137m", rate_bq_s = 9.5e9 }}"#),
        format!(r#"{cs}, {{ nuclide = "ba137m", rate_bq_s = 9.44e9 }}"#),
        r#"{ nuclide = "Cs-137", rate_bq_s = 1e10, half_life_s = 9.5e8 },
           { nuclide = "Ba-137m", rate_bq_s = 9.44e9 }"#
            .to_string(),
    ] {
        let s = parse(&releases);
        assert_eq!(rate_of(&s, "Ba-137m"), None, "{releases}");
    }
    // 1.7 % over it is not rounding.
    let over = parse(&format!(
        r#"{cs}, {{ nuclide = "Ba-137m", rate_bq_s = 9.6e9 }}"#
    ));
    assert!(rate_of(&over, "Ba-137m").is_some_and(|r| (r - (9.6e9 - carried)).abs() < 1.0));
    // Without its parent, or as a daughter that grows in, it is released as listed.
    let own = parse(r#"{ nuclide = "Ba-137m", rate_bq_s = 5e9 }"#);
    assert_eq!(rate_of(&own, "Ba-137m"), Some(5e9));
    let kr = parse(
        r#"{ nuclide = "Kr-88", rate_bq_s = 1e12 }, { nuclide = "Rb-88", rate_bq_s = 1e12 }"#,
    );
    assert_eq!(rate_of(&kr, "Rb-88"), Some(1e12));
    assert!(kr.warnings.iter().all(|w| !w.contains("equilibrium")));
}

/// An inventory of Te-132 alone still releases I-132: a core at saturation holds each daughter
/// at least at the rate its parent decays into it (b·A_p), from which it decays and grows in
/// after shutdown. Checked against Bateman's solution summed over the release by the midpoint
/// rule, an hour after shutdown, when the daughter held at shutdown is most of it (e^{−λd t} = 0.74).
#[test]
fn a_daughter_the_inventory_leaves_out_is_held_at_its_parents_decay_rate_at_shutdown() {
    let lib = Library::embedded();
    let phases = vec![ReleasePhase::GapRelease, ReleasePhase::EarlyInVessel];
    let (a_te, t_sd, dur) = (2.78e18, 3600.0, 1800.0);
    let r = reactor_rates(vec![("Te-132".into(), a_te)], phases.clone(), t_sd, dur);
    let lp = std::f64::consts::LN_2 / 276_826.0;
    let ld = std::f64::consts::LN_2 / 8262.0;
    let a_i = |t: f64| {
        a_te * (-ld * t).exp() + ld * a_te * ((-lp * t).exp() - (-ld * t).exp()) / (ld - lp)
    };
    let n = 20_000;
    let mean: f64 = (0..n)
        .map(|k| a_i(t_sd + (k as f64 + 0.5) * dur / n as f64))
        .sum::<f64>()
        / n as f64;
    let want = release_fraction("I", &phases).unwrap() * mean / dur;
    let i132 = all_forms_bq_s(&r, "I-132");
    assert!(((i132 - want) / want).abs() < 1e-6, "{i132} vs {want}");
    // Taken as none at shutdown, it would lose the decaying rest of b·A_p.
    let held = a_te * (-ld * t_sd).exp() * (1.0 - (-ld * dur).exp()) / (ld * dur);
    let grown_only = want - release_fraction("I", &phases).unwrap() * held / dur;
    assert!(i132 / grown_only > 2.5, "{}", i132 / grown_only);
    // Ba-137m, carried with Cs-137 in the dose, is not added; Y-90 of Sr-90 is.
    let r = release_rates(
        &ReleaseTerm::ReactorInventory {
            inventory_bq: vec![("Cs-137".into(), 1e17), ("Sr-90".into(), 1e17)],
            phases,
            time_since_shutdown_s: t_sd,
            release_duration_s: dur,
            iodine_forms: IodineForms::regulatory_guide_1_183(),
        },
        lib,
    )
    .unwrap();
    let names: Vec<&str> = r.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Cs-137", "Sr-90", "Y-90"]);
    // With several listed parents, the largest share: I-135's branch to Xe-135 already holds
    // the path through Xe-135m, which a sum would count twice.
    let a_i135 = 4.04e18;
    let added = plume::source::inventory::unlisted_daughters(
        &[
            ("I-135".into(), a_i135),
            ("Xe-135m".into(), 0.16568 * a_i135),
        ],
        lib,
    );
    assert_eq!(added, [("Xe-135".to_string(), 0.99901 * a_i135)]);
    // A daughter the source also gives under `release` adds to the core's, as any nuclide does.
    let own = inventory_scenario(
        r#"{ reactor = "candu6_estimate", phases = ["gap_release"], time_since_shutdown_s = 3600 }
release = [{ nuclide = "xe135", rate_bq_s = 1e12 }]"#,
    );
    let s = plume::Scenario::parse(&own, std::path::Path::new("inv.toml")).unwrap();
    let k = s.species.iter().position(|x| x.name == "Xe-135").unwrap();
    let xe: Vec<f64> = s.sources[0]
        .releases
        .iter()
        .filter(|r| r.species == k)
        .map(|r| r.rate_per_s)
        .collect();
    assert_eq!(xe.len(), 2);
    assert!(xe[0] == 1e12 && xe[1] > 1e12, "{xe:?}");
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("the source's own release of Xe-135 adds to the core's")),
        "{:?}",
        s.warnings
    );
    // The scenario names what it added, of what the phases release.
    let added = |phase: &str| {
        let s = plume::Scenario::parse(
            &inventory_scenario(&format!(
                r#"{{ reactor = "candu6_estimate", phases = ["{phase}"], time_since_shutdown_s = 3600 }}"#
            )),
            std::path::Path::new("inv.toml"),
        )
        .unwrap();
        let said = s
            .warnings
            .iter()
            .find(|w| w.contains("not in the inventory"))
            .unwrap_or_else(|| panic!("{:?}", s.warnings))
            .clone();
        (s, said)
    };
    let (s, said) = added("gap_release");
    // The estimate's missing long-lived nuclides are said too.
    assert!(s
        .warnings
        .iter()
        .any(|w| w.contains("inventory.reactor") && w.contains("Cs-134, Cs-137 and Sr-90")));
    for d in ["Rb-88", "Xe-133m", "Xe-135", "Xe-135m"] {
        assert!(said.contains(d), "{said}");
        assert!(s.species.iter().any(|x| x.name == d), "{d}");
    }
    // Late in-vessel releases no noble gas: the warning names only what the phases release.
    let (_, said) = added("late_in_vessel");
    assert!(said.contains("Rb-88") && !said.contains("Xe-135"), "{said}");
}
