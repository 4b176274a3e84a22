//! Radiological dose by pathway against hand calculations and analytic integrals (Bateman
//! ingrowth itself: `consequence_bateman`).

use plume::exposure::{compute, ExposureOptions, ShelterFactors};
use plume::field::{Fields, GridSpec};
use plume::scenario::Layer;
use plume::substance::bateman::daughter_activity;
use plume::substance::{AmountUnit, Library, Species};

const DAY: f64 = 86_400.0;

/// A one-cell grid, one ground layer, output intervals ending at `times_s`.
pub(crate) fn one_cell(times_s: Vec<f64>, species: &[&str]) -> Fields {
    one_column(times_s, species, &[3.0])
}

/// A one-cell grid with layers up to each of `tops_m`, output intervals ending at `times_s`.
fn one_column(times_s: Vec<f64>, species: &[&str], tops_m: &[f64]) -> Fields {
    let grid = GridSpec {
        nx: 1,
        ny: 1,
        x0_m: 0.0,
        y0_m: 0.0,
        dx_m: 100.0,
        layers: tops_m
            .iter()
            .enumerate()
            .map(|(k, &top_m)| Layer {
                bottom_m: if k == 0 { 0.0 } else { tops_m[k - 1] },
                top_m,
            })
            .collect(),
        interval_s: times_s[0],
        times_s,
    };
    let sp: Vec<Species> = species
        .iter()
        .map(|n| Species {
            name: n.to_string(),
            unit: AmountUnit::Becquerel,
            half_life_s: Library::embedded().nuclide(n).map(|x| x.half_life_s),
            molar_mass_kg_mol: None,
        })
        .collect();
    Fields::zeros(grid, &sp)
}

fn options(windows_s: Vec<f64>) -> ExposureOptions {
    ExposureOptions {
        breathing_rate_m3_s: 3.33e-4,
        windows_s,
        ..ExposureOptions::default()
    }
}

#[test]
fn iodine_131_doses_by_pathway_match_hand_calculation() {
    // 1 h of 1000 Bq/m3 of I-131 depositing 1e5 Bq/m2, which falls with the air concentration
    // (here uniformly over the hour, so as if at its middle, t = 1800 s).
    let mut f = one_cell(vec![3600.0], &["I-131"]);
    f.species[0].concentration.fill(1000.0);
    f.species[0].dry_deposition.fill(6.0e4);
    f.species[0].wet_deposition.fill(4.0e4);
    let e = compute(&f, Library::embedded(), &options(vec![2.0 * DAY])).unwrap();
    let d = e.radiological.unwrap();
    let tic = 1000.0 * 3600.0; // Bq s m-3
                               // ICRP 72 adult type F 7.4e-9 Sv/Bq; thyroid bound 7.4e-9 / 0.05;
                               // FGR-15 (2025) Table 4-6 adult cloud 1.68e-14.
    let inh = 3.33e-4 * tic * 7.4e-9;
    let thy = 3.33e-4 * tic * 7.4e-9 / 0.05;
    let cloud = tic * 1.68e-14;
    // FGR-15 (2025) Table 4-1 adult ground 2.43e-16 Sv m2/(Bq s), decaying over the 47.5 h left in
    // the window.
    let lambda = std::f64::consts::LN_2 / 692_988.0;
    let tau = 2.0 * DAY - 1800.0;
    let ground = 1.0e5 * 2.43e-16 * (1.0 - (-lambda * tau).exp()) / lambda;
    let rel = |a: f64, b: f64| ((a - b) / b).abs();
    assert!(
        rel(d.inhalation_sv[[0, 0, 0]], inh) < 1e-12,
        "{}",
        d.inhalation_sv[[0, 0, 0]]
    );
    assert!(
        rel(d.thyroid_sv[[0, 0, 0]], thy) < 1e-9,
        "{}",
        d.thyroid_sv[[0, 0, 0]]
    );
    assert!(rel(d.cloudshine_sv[[0, 0, 0]], cloud) < 1e-12);
    assert!(rel(d.groundshine_sv[[0, 0, 0]], ground) < 1e-12);
    assert!(rel(d.effective_sv(0)[[0, 0]], inh + cloud + ground) < 1e-12);
    // Sheltered with the default house: no inhalation credit, 0.9 cloud, 0.4 ground.
    let averted = 0.1 * cloud + 0.6 * ground;
    assert!(rel(d.averted_sv(0)[[0, 0]], averted) < 1e-12);
}

#[test]
fn a_one_year_olds_thyroid_dose_uses_the_childs_coefficient_and_breathing_rate() {
    // 1 h of 1000 Bq/m3 of I-131, and of Te-132 whose I-132 grows in: the child's thyroid dose
    // is B_child × TIC × h_T(1 y), and the daughter's share follows the same ingrowth as the
    // adult's (so child / adult is the ratio of B × h_T for I-132 alone).
    let mut f = one_cell(vec![3600.0], &["I-131", "Te-132"]);
    for s in &mut f.species {
        s.concentration.fill(1000.0);
    }
    let child_rate = 1.0e-4;
    let opts = ExposureOptions {
        child_breathing_rate_m3_s: child_rate,
        ..options(vec![2.0 * DAY])
    };
    let lib = Library::embedded();
    let only = |name: &str| {
        let mut g = f.clone();
        g.species.retain(|s| s.species.name == name);
        compute(&g, lib, &opts).unwrap().radiological.unwrap()
    };
    let tic = 1000.0 * 3600.0;
    // ICRP 71 1-year-old thyroid coefficient of I-131 (type F), 1.4e-6 Sv/Bq.
    let i131 = only("I-131");
    let want = child_rate * tic * 1.4e-6;
    let got = i131.thyroid_child_sv[[0, 0, 0]];
    assert!((got / want - 1.0).abs() < 1e-12, "{got} vs {want}");
    assert_eq!(
        i131.thyroid_child_projected_sv(0)[[0, 0]],
        got,
        "the criterion reads the same field"
    );
    // Te-132 has no thyroid coefficient of its own: all of it comes from the I-132 in the air.
    let te = only("Te-132");
    let ratio = te.thyroid_child_sv[[0, 0, 0]] / te.thyroid_sv[[0, 0, 0]];
    let want = (child_rate * 1.6e-8) / (3.33e-4 * 1.88e-9);
    assert!(te.thyroid_sv[[0, 0, 0]] > 0.0);
    assert!((ratio / want - 1.0).abs() < 1e-12, "{ratio} vs {want}");
    // With the default rates (0.35 and 1.2 m3/h) the 1-year-old's I-131 thyroid dose is
    // (0.35 × 1.4e-6) / (1.2 × 1.48e-7) = 2.76 × the adult's.
    let d = compute(&f, lib, &options(vec![2.0 * DAY]))
        .unwrap()
        .radiological
        .unwrap();
    assert!(d.thyroid_child_sv[[0, 0, 0]] > 2.0 * d.thyroid_sv[[0, 0, 0]]);
    let mut g = f.clone();
    g.species.truncate(1);
    let d = compute(&g, lib, &ExposureOptions::default())
        .unwrap()
        .radiological
        .unwrap();
    let r = d.thyroid_child_sv[[0, 0, 0]] / d.thyroid_sv[[0, 0, 0]];
    assert!((r - 0.35 * 1.4e-6 / (1.2 * 1.48e-7)).abs() < 1e-9, "{r}");
}

#[test]
fn krypton_88_and_iodine_135_clouds_carry_the_gamma_of_their_short_lived_daughters() {
    // 2 h of 1000 Bq/m3, released at t = 0, in one interval whose middle is 1 h old. In the air
    // a daughter d of parent p stands at A_d/A_p = b·λd/(λd − λp)·(1 − e^{−(λd−λp)t}) (Bateman):
    // Rb-88 (17.78 min, FGR 15 cloud 3.38e-14) under Kr-88 (2.84 h, 9.73e-14) is near its
    // transient equilibrium 1.12; Xe-135m (15.29 min, 1.88e-14) under I-135 (6.57 h, 7.58e-14)
    // takes its 16.6 % branch, and Xe-135 (9.14 h, 1.08e-14) the rest, folded with what the
    // Xe-135m makes.
    let ratio = |tp: f64, td: f64, b: f64, t: f64| {
        let (lp, ld) = (std::f64::consts::LN_2 / tp, std::f64::consts::LN_2 / td);
        b * ld / (ld - lp) * (1.0 - (-(ld - lp) * t).exp())
    };
    let t = 3600.0;
    let tic = 1000.0 * 7200.0;
    for (name, own, daughters, least_gain) in [
        ("Kr-88", 9.73e-14, vec![(1066.8, 1.0, 3.38e-14)], 1.3),
        (
            "I-135",
            7.58e-14,
            vec![(32904.0, 0.99901, 1.08e-14), (917.4, 0.16568, 1.88e-14)],
            1.04,
        ),
    ] {
        let mut f = one_cell(vec![7200.0], &[name]);
        f.species[0].concentration.fill(1000.0);
        let d = compute(&f, Library::embedded(), &options(vec![2.0 * DAY]))
            .unwrap()
            .radiological
            .unwrap();
        let tp = Library::embedded().nuclide(name).unwrap().half_life_s;
        let want = tic
            * (own
                + daughters
                    .iter()
                    .map(|&(td, b, c)| ratio(tp, td, b, t) * c)
                    .sum::<f64>());
        let got = d.cloudshine_sv[[0, 0, 0]];
        assert!((got / want - 1.0).abs() < 1e-9, "{name}: {got} vs {want}");
        // At one hour the daughters add a third (Kr-88) and a twentieth (I-135, mostly its
        // Xe-135m) to the parent's own gamma.
        let gain = got / (tic * own);
        assert!(gain > least_gain, "{name}: {gain}");
    }
}

#[test]
fn tritiated_water_adds_skin_absorption_to_what_is_inhaled() {
    // 1 h of 1e6 Bq/m3 of HTO: intake 1.5 × B × TIC (the skin takes in half as much again as
    // the lungs), at ICRP 119's 1.8e-11 Sv/Bq for HTO vapour.
    let mut f = one_cell(vec![3600.0], &["H-3"]);
    f.species[0].concentration.fill(1.0e6);
    let e = compute(&f, Library::embedded(), &options(vec![2.0 * DAY])).unwrap();
    let d = e.radiological.unwrap();
    let want = 1.5 * 3.33e-4 * 1.0e6 * 3600.0 * 1.8e-11;
    let got = d.inhalation_sv[[0, 0, 0]];
    assert!((got / want - 1.0).abs() < 1e-12, "{got} vs {want}");
}

#[test]
fn a_short_lived_parent_of_a_long_lived_daughter_never_poisons_the_dose() {
    // A user's 32 s parent feeding Cs-137: after a day its ingrowth ratio has overflowed
    // (e^{λt} beyond 1e308) while the parent itself is long gone. The dose stays finite and
    // the cells keep their other nuclide's dose (found by review: ∞ × 0 made whole rows NaN,
    // and the zones silently empty).
    let lib = Library::embedded()
        .clone()
        .with_user_text(
            "short.toml",
            "[[nuclide]]\nname = \"Xx-90\"\nhalf_life_s = 32.0\n\
             daughters = [{ name = \"Cs-137\", branching = 1.0 }]\n\
             deposition_class = \"noble_gas\"\ncloudshine_sv_m3_per_bq_s = 1e-14\n\
             groundshine_sv_m2_per_bq_s = 1e-16\nsource = \"test\"\n",
        )
        .unwrap();
    let times: Vec<f64> = (1..=8).map(|k| f64::from(k) * 6.0 * 3600.0).collect();
    let grid = one_cell(times, &["Cs-137"]).grid;
    let sp = ["Xx-90", "Cs-137"].map(|n| Species {
        name: n.to_string(),
        unit: AmountUnit::Becquerel,
        half_life_s: lib.nuclide(n).map(|x| x.half_life_s),
        molar_mass_kg_mol: None,
    });
    let mut f = Fields::zeros(grid, &sp);
    f.species[0].concentration.fill(1e-300);
    f.species[0].concentration[[7, 0, 0, 0]] = 0.0;
    f.species[1].concentration.fill(10.0);
    f.species[1].dry_deposition.fill(1e3);
    let e = compute(&f, &lib, &options(vec![2.0 * DAY])).unwrap();
    let d = e.radiological.unwrap();
    for w in 0..d.windows_s.len() {
        let total = d.effective_sv(w)[[0, 0]];
        assert!(total.is_finite() && total > 0.0, "window {w}: {total}");
    }
}

#[test]
fn dose_windows_cut_the_air_series_and_stretch_the_ground_exposure() {
    // Two intervals of 1 day: the 2-d window sees both, a 1.5-d window half of the second.
    let mut f = one_cell(vec![DAY, 2.0 * DAY], &["Cs-134"]);
    f.species[0].concentration.fill(10.0);
    let e = compute(
        &f,
        Library::embedded(),
        &options(vec![1.5 * DAY, 2.0 * DAY]),
    )
    .unwrap();
    let d = e.radiological.unwrap();
    let c = d.cloudshine_sv[[0, 0, 0]] / d.cloudshine_sv[[1, 0, 0]];
    assert!((c - 0.75).abs() < 1e-12, "{c}");
}

#[test]
fn dose_windows_count_from_the_release_start() {
    // The same day of Cs-137 in the air and on the ground, released at the scenario start or
    // 6 h into it (the first interval clean): each window sees the same exposure after the
    // release, so the doses agree.
    let dose = |start_s: f64| {
        let (times, k) = if start_s > 0.0 {
            (vec![start_s, start_s + DAY, start_s + 4.0 * DAY], 1)
        } else {
            (vec![DAY, 4.0 * DAY], 0)
        };
        let mut f = one_cell(times, &["Cs-137"]);
        f.species[0].concentration[[k, 0, 0, 0]] = 100.0;
        f.species[0].dry_deposition.fill(1.0e5);
        let opts = ExposureOptions {
            release_start_s: start_s,
            ..options(vec![2.0 * DAY])
        };
        let d = compute(&f, Library::embedded(), &opts)
            .unwrap()
            .radiological
            .unwrap();
        (d.cloudshine_sv[[0, 0, 0]], d.groundshine_sv[[0, 0, 0]])
    };
    let (at_start, later) = (dose(0.0), dose(6.0 * 3600.0));
    assert!(
        (later.0 / at_start.0 - 1.0).abs() < 1e-12,
        "{later:?} vs {at_start:?}"
    );
    assert!(
        (later.1 / at_start.1 - 1.0).abs() < 1e-3,
        "{later:?} vs {at_start:?}"
    );
}

/// Groundshine dose rate of deposited Cs-137 with its Ba-137m, and of Te-132 with its I-132,
/// integrated numerically (composite Simpson on the Bateman activities) over the window.
fn numeric_groundshine(parent: &str, deposit: f64, age_at_deposit_s: f64, tau_s: f64) -> f64 {
    let lib = Library::embedded();
    let p = lib.nuclide(parent).unwrap();
    let dd = &p.daughters[0];
    let d = lib.nuclide(&dd.name).unwrap();
    let (lp, ld) = (p.decay_constant_per_s(), d.decay_constant_per_s());
    // Daughter present at deposition: Ba-137m (2.55 min) in equilibrium with Cs-137 from the
    // release on; the others grown in from a parent born pure `age_at_deposit_s` earlier.
    let d0 = if parent == "Cs-137" {
        deposit * dd.branching * ld / (ld - lp)
    } else {
        daughter_activity(deposit, 0.0, lp, ld, dd.branching, age_at_deposit_s)
            * (lp * age_at_deposit_s).exp()
    };
    let rate = |t: f64| {
        p.groundshine_sv_m2_per_bq_s * deposit * (-lp * t).exp()
            + d.groundshine_sv_m2_per_bq_s * daughter_activity(deposit, d0, lp, ld, dd.branching, t)
    };
    let n = 200_000;
    let h = tau_s / n as f64;
    let mut s = rate(0.0) + rate(tau_s);
    for k in 1..n {
        s += rate(k as f64 * h) * if k % 2 == 1 { 4.0 } else { 2.0 };
    }
    s * h / 3.0
}

#[test]
fn decay_weighted_groundshine_equals_the_analytic_integral() {
    for (parent, window) in [
        ("Cs-137", 7.0 * DAY),
        ("Te-132", 4.0 * DAY),
        ("Ba-140", 7.0 * DAY),
    ] {
        // Two half-hour intervals with air activity 1 : 3, so a quarter of the deposit falls at
        // 900 s and three quarters at 2700 s, each then decaying (with ingrowth) to the window end.
        let mut f = one_cell(vec![1800.0, 3600.0], &[parent]);
        f.species[0].concentration[[0, 0, 0, 0]] = 1.0;
        f.species[0].concentration[[1, 0, 0, 0]] = 3.0;
        f.species[0].dry_deposition.fill(1.0e6);
        let e = compute(&f, Library::embedded(), &options(vec![window])).unwrap();
        let g = e.radiological.unwrap().groundshine_sv[[0, 0, 0]];
        let numeric = numeric_groundshine(parent, 0.25e6, 900.0, window - 900.0)
            + numeric_groundshine(parent, 0.75e6, 2700.0, window - 2700.0);
        assert!(
            ((g - numeric) / numeric).abs() < 1e-8,
            "{parent}: {g} vs {numeric}"
        );
        // A deposit with no air activity above it (e.g. fed from a higher layer) is taken to fall
        // at the end of the run.
        let mut f0 = one_cell(vec![1800.0, 3600.0], &[parent]);
        f0.species[0].dry_deposition.fill(1.0e6);
        let e0 = compute(&f0, Library::embedded(), &options(vec![window])).unwrap();
        let g0 = e0.radiological.unwrap().groundshine_sv[[0, 0, 0]];
        let numeric0 = numeric_groundshine(parent, 1.0e6, 3600.0, window - 3600.0);
        assert!(
            ((g0 - numeric0) / numeric0).abs() < 1e-8,
            "{parent}: {g0} vs {numeric0}"
        );
    }
}

#[test]
fn sheltering_reduces_each_pathway_by_its_factor() {
    let mut f = one_cell(vec![3600.0], &["Cs-137"]);
    f.species[0].concentration.fill(500.0);
    f.species[0].dry_deposition.fill(1.0e5);
    let mut o = options(vec![2.0 * DAY]);
    o.shelter = ShelterFactors {
        cloudshine: 0.5,
        groundshine: 0.25,
        inhalation: 0.8,
    };
    let d = compute(&f, Library::embedded(), &o)
        .unwrap()
        .radiological
        .unwrap();
    let want = 0.8 * d.inhalation_sv[[0, 0, 0]]
        + 0.5 * d.cloudshine_sv[[0, 0, 0]]
        + 0.25 * d.groundshine_sv[[0, 0, 0]];
    assert!((d.sheltered_effective_sv(0)[[0, 0]] - want).abs() < 1e-15 * want.max(1e-30));
    assert!(d.averted_sv(0)[[0, 0]] > 0.0);
    // Out-of-range factors are refused with the field named.
    o.shelter.groundshine = 1.5;
    let err = compute(&f, Library::embedded(), &o)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("shelter.groundshine") && err.contains("1.5"),
        "{err}"
    );
}

#[test]
fn caesium_137_cloudshine_includes_its_barium_137m_in_equilibrium_from_the_release() {
    // 100 Bq/m3 Cs-137 released at t = 0, in 1-minute intervals: Ba-137m (T½ = 2.552 min) stands
    // at its equilibrium b·λd/(λd − λp) ≈ 0.944 of the parent in every interval, the first
    // included. (Grown from none it had been at 0.12 in the first: found by review.)
    let bounds: Vec<f64> = (1..=60).map(|k| 60.0 * k as f64).collect();
    let mut f = one_cell(bounds, &["Cs-137"]);
    f.species[0].concentration.fill(100.0);
    let d = compute(&f, Library::embedded(), &options(vec![2.0 * DAY]))
        .unwrap()
        .radiological
        .unwrap();
    let lp = std::f64::consts::LN_2 / 9.51981e8;
    let ld = std::f64::consts::LN_2 / 153.12;
    let ratio = 0.94399 * ld / (ld - lp);
    // FGR-15 (2025) Table 4-6 adult: Cs-137 9.37e-17, Ba-137m 2.68e-14 Sv m3/(Bq s).
    let want = 100.0 * 3600.0 * (9.37e-17 + ratio * 2.68e-14);
    let got = d.cloudshine_sv[[0, 0, 0]];
    assert!(((got - want) / want).abs() < 1e-9, "{got} vs {want}");
    // Without the daughter the cloudshine would be some 270 times smaller.
    assert!(got / (100.0 * 3600.0 * 9.37e-17) > 250.0);
    // A one-minute release's cloud in its first minute carries the full gamma too.
    let mut g = one_cell(vec![60.0], &["Cs-137"]);
    g.species[0].concentration.fill(100.0);
    let first = compute(&g, Library::embedded(), &options(vec![2.0 * DAY]))
        .unwrap()
        .radiological
        .unwrap()
        .cloudshine_sv[[0, 0, 0]];
    let want = 100.0 * 60.0 * (9.37e-17 + ratio * 2.68e-14);
    assert!(((first - want) / want).abs() < 1e-9, "{first} vs {want}");
}

#[test]
fn only_short_lived_daughters_of_long_lived_parents_start_in_equilibrium() {
    use plume::exposure::dose::daughter_ratio;
    let l = |half_life_s: f64| std::f64::consts::LN_2 / half_life_s;
    // Cs-137 → Ba-137m: equilibrium at any age.
    let eq = 0.944 * l(153.12) / (l(153.12) - l(9.51981e8));
    assert_eq!(daughter_ratio(l(9.51981e8), l(153.12), 0.944, 0.0), eq);
    // Sr-90 → Y-90 (64 h): grows in from none.
    assert_eq!(daughter_ratio(l(9.1e8), l(230_400.0), 1.0, 0.0), 0.0);
    // Kr-88 (2.84 h) → Rb-88 (17.8 min), only ten times shorter-lived: grows in.
    assert_eq!(daughter_ratio(l(10_224.0), l(1066.8), 1.0, 0.0), 0.0);
    let grown = daughter_ratio(l(10_224.0), l(1066.8), 1.0, 3600.0);
    assert!(grown > 0.8 && grown < 1.12, "{grown}");
}

#[test]
fn per_nuclide_doses_add_up_to_the_effective_dose() {
    let mut f = one_cell(vec![1800.0, 3600.0], &["I-131", "Cs-137", "Te-132"]);
    for (s, c) in f.species.iter_mut().zip([1e3, 1e2, 5e2]) {
        s.concentration.fill(c);
        s.wet_deposition.fill(c * 50.0);
    }
    let d = compute(
        &f,
        Library::embedded(),
        &options(vec![2.0 * DAY, 7.0 * DAY]),
    )
    .unwrap()
    .radiological
    .unwrap();
    assert_eq!(d.by_nuclide.len(), 3);
    for w in 0..2 {
        let sum: f64 = d.by_nuclide.iter().map(|(_, a)| a[[w, 0, 0]]).sum();
        let e = d.effective_sv(w)[[0, 0]];
        assert!(((sum - e) / e).abs() < 1e-12, "window {w}: {sum} vs {e}");
    }
}

/// A deposit of I-133 shines with its own gamma only: the Xe-133 it decays to is a noble gas
/// that leaves the ground as it is born. Found by review: the xenon was counted as deposited
/// (+4 % on I-133's groundshine, +17 % on I-135's).
#[test]
fn noble_gas_daughters_of_a_deposit_add_no_groundshine() {
    let lib = Library::embedded();
    for parent in ["I-133", "I-135"] {
        let p = lib.nuclide(parent).unwrap();
        assert!(
            p.daughters.iter().any(|d| {
                lib.nuclide(&d.name).is_some_and(|n| {
                    n.deposition_class == plume::substance::DepositionClass::NobleGas
                })
            }),
            "{parent} has a noble-gas daughter in the library"
        );
        let mut f = one_cell(vec![1800.0, 3600.0], &[parent]);
        f.species[0].dry_deposition.fill(1.0e6);
        let window = 4.0 * DAY;
        let e = compute(&f, lib, &options(vec![window])).unwrap();
        let g = e.radiological.unwrap().groundshine_sv[[0, 0, 0]];
        // With no air above it the deposit falls at the run's end (3600 s) and decays alone.
        let lp = p.decay_constant_per_s();
        let tau = window - 3600.0;
        let own = p.groundshine_sv_m2_per_bq_s * 1.0e6 * (1.0 - (-lp * tau).exp()) / lp;
        let roughness = ExposureOptions::default().ground_roughness_factor;
        let want = roughness * own;
        assert!(((g - want) / want).abs() < 1e-9, "{parent}: {g} vs {want}");
    }
}

#[test]
fn elemental_and_organic_iodine_are_inhaled_with_their_vapour_coefficients() {
    // 1 h of 1000 Bq/m3 of I-131 in Regulatory Guide 1.183's forms: 95 % aerosol, 4.85 % I₂,
    // 0.15 % CH₃I (ICRP 72 type F 7.4e-9; ICRP 119 Annex H I₂ 2.0e-8, CH₃I 1.5e-8 Sv/Bq).
    let forms = ["I-131", "I-131 elemental", "I-131 organic"];
    let shares = [0.95, 0.0485, 0.0015];
    let mut f = one_cell(vec![3600.0], &forms);
    for (s, share) in f.species.iter_mut().zip(shares) {
        s.concentration.fill(1000.0 * share);
    }
    let e = compute(&f, Library::embedded(), &options(vec![DAY])).unwrap();
    let d = e.radiological.unwrap();
    let intake = 3.33e-4 * 1000.0 * 3600.0;
    let per_bq = 0.95 * 7.4e-9 + 0.0485 * 2.0e-8 + 0.0015 * 1.5e-8;
    let rel = |a: f64, b: f64| ((a - b) / b).abs();
    assert!(rel(d.inhalation_sv[[0, 0, 0]], intake * per_bq) < 1e-12);
    // 8.4 % more than the same activity as aerosol alone; the thyroid bound e / w_T likewise.
    assert!((per_bq / 7.4e-9 - 1.0841).abs() < 1e-4);
    assert!(rel(d.thyroid_sv[[0, 0, 0]], intake * per_bq / 0.05) < 1e-3);
    // The cloud's gamma does not depend on the chemical form.
    assert!(rel(d.cloudshine_sv[[0, 0, 0]], 1000.0 * 3600.0 * 1.68e-14) < 1e-12);
}

#[test]
fn a_wet_deposit_is_timed_by_the_columns_air_and_a_dry_one_by_the_grounds() {
    // Two layers, 0–3 m and 3–200 m. The I-131 passes aloft in the first hour and reaches the
    // breathing layer only in the third. Rain washes out the whole column (Λ·∫C dz), so the wet
    // deposit falls in the first hour; dry deposition takes the ground air (v_d·C), so the dry
    // deposit falls in the third. (Found by review: a deposit under air that never reached the
    // breathing layer was timed at the run's end.)
    let mut f = one_column(vec![3600.0, 7200.0, 10800.0], &["I-131"], &[3.0, 200.0]);
    f.species[0].concentration[[0, 1, 0, 0]] = 1000.0;
    f.species[0].concentration[[2, 0, 0, 0]] = 10.0;
    let (dry, wet) = (6.0e4, 4.0e4);
    f.species[0].dry_deposition.fill(dry);
    f.species[0].wet_deposition.fill(wet);
    let window = 4.0 * 3600.0;
    let e = compute(&f, Library::embedded(), &options(vec![window])).unwrap();
    let d = e.radiological.unwrap();
    let lambda = std::f64::consts::LN_2 / 692_988.0;
    let plane = |t_dep: f64| 2.43e-16 * (1.0 - (-lambda * (window - t_dep)).exp()) / lambda;
    // The column's air: 1000 Bq/m3 over 197 m in the first hour, 10 over 3 m in the third.
    let (aloft, low) = (1000.0 * 197.0, 10.0 * 3.0);
    let by_column = (aloft * plane(1800.0) + low * plane(9000.0)) / (aloft + low);
    let want = dry * plane(9000.0) + wet * by_column;
    let got = d.groundshine_sv[[0, 0, 0]];
    assert!(((got - want) / want).abs() < 1e-12, "{got} against {want}");
    // Timed by the breathing layer alone, the wet deposit would have irradiated 2 h less.
    let ground_only = (dry + wet) * plane(9000.0);
    assert!(got / ground_only > 1.2, "{got} against {ground_only}");
}

/// Fields that keep each interval's deposit are timed by it: here 4·10⁴ Bq/m² of I-131 falls in
/// the second of three hours under air that never reaches the breathing layer (a wet deposit
/// from an elevated plume), and groundshine runs from that hour's middle — not from the run's
/// end, where the run totals alone would put it.
#[test]
fn a_deposit_kept_by_interval_irradiates_from_its_own_interval() {
    use plume::field::IntervalDeposition;
    let mut f = one_column(vec![3600.0, 7200.0, 10800.0], &["I-131"], &[3.0, 200.0]);
    let deposit = 4.0e4;
    let mut by = IntervalDeposition::zeros(&f.grid);
    by.wet[[1, 0, 0]] = deposit;
    let window = 4.0 * 3600.0;
    let lambda = std::f64::consts::LN_2 / 692_988.0;
    let plane = |t_dep: f64| 2.43e-16 * (1.0 - (-lambda * (window - t_dep)).exp()) / lambda;
    let groundshine = |f: &Fields| {
        let e = compute(f, Library::embedded(), &options(vec![window])).unwrap();
        e.radiological.unwrap().groundshine_sv[[0, 0, 0]]
    };
    f.species[0].wet_deposition.fill(deposit);
    let at_end = groundshine(&f);
    f.species[0].deposition_by_interval = Some(by);
    let got = groundshine(&f);
    let want = deposit * plane(5400.0);
    assert!(((got - want) / want).abs() < 1e-12, "{got} against {want}");
    let want_at_end = deposit * plane(10800.0);
    assert!(
        ((at_end - want_at_end) / want_at_end).abs() < 1e-12,
        "{at_end}"
    );
}
