//! Protective actions by jurisdiction across the Maine–New Brunswick border, AEGL running-mean
//! peaks and toxic load on synthetic series, and zone areas of an analytic Gaussian plume.

use ndarray::Array3;
use plume::exposure::chemical::{peak_running_mean, toxic_load_mg_m3_n_min};
use plume::exposure::indoor::{ShelterExit, DEFAULT_AIR_EXCHANGE_PER_H};
use plume::exposure::{chemical_exposure, RadiologicalDose, ShelterFactors};
use plume::field::{Fields, GridSpec};
use plume::geo::jurisdiction::{CellTag, Country, JurisdictionGrid, Region, Subdivision};
use plume::geo::{LatLon, TransverseMercator};
use plume::impact::{
    assess_chemical, assess_radiological, radiological_criteria, summarise, RadiologicalImpact,
    Zone,
};
use plume::scenario::Layer;
use plume::substance::{AmountUnit, Library, Species, AEGL_DURATIONS_S};

const DAY: f64 = 86_400.0;

fn grid(nx: usize, ny: usize, dx_m: f64, x0_m: f64, y0_m: f64, times_s: Vec<f64>) -> GridSpec {
    GridSpec {
        nx,
        ny,
        x0_m,
        y0_m,
        dx_m,
        layers: vec![Layer {
            bottom_m: 0.0,
            top_m: 3.0,
        }],
        interval_s: times_s[0],
        times_s,
    }
}

/// Two cells 1 km apart straddling the due-north line near Houlton/Woodstock (46.30 N):
/// the west one in Maine, the east one in New Brunswick.
fn border_pair() -> JurisdictionGrid {
    let g = grid(2, 1, 1000.0, -500.0, 0.0, vec![3600.0]);
    let tm = TransverseMercator::new(LatLon::new(46.30, -67.791));
    let j = Region::embedded().tag_grid(&g, &tm);
    assert_eq!(j.tag(0, 0).subdivision, Some(Subdivision::Maine));
    assert_eq!(j.tag(1, 0).subdivision, Some(Subdivision::NewBrunswick));
    j
}

/// The same outdoor dose `e_sv` in both cells over every window, all from cloudshine so
/// that a house with cloudshine factor `f` averts (1 − f)·e.
fn uniform_dose(e_sv: f64, cloud_factor: f64) -> RadiologicalDose {
    let windows = vec![2.0 * DAY, 4.0 * DAY, 7.0 * DAY, 365.25 * DAY];
    let z = Array3::zeros((4, 1, 2));
    RadiologicalDose {
        windows_s: windows,
        inhalation_sv: z.clone(),
        cloudshine_sv: Array3::from_elem((4, 1, 2), e_sv),
        groundshine_sv: z.clone(),
        thyroid_sv: z.clone(),
        thyroid_child_sv: z,
        by_nuclide: vec![],
        shelter: ShelterFactors {
            cloudshine: cloud_factor,
            groundshine: 1.0,
            inhalation: 1.0,
        },
    }
}

/// The zone of `imp` labelled `label`.
fn zone<'a>(imp: &'a RadiologicalImpact, label: &str) -> &'a Zone {
    imp.zones
        .iter()
        .find(|z| z.label == label)
        .unwrap_or_else(|| panic!("{label}"))
}

#[test]
fn same_dose_on_both_sides_of_the_border_gets_each_countrys_action() {
    let j = border_pair();
    let c = radiological_criteria();
    // 150 mSv: above the PAG (10 mSv / 4 d) and above Health Canada's evacuation (100 mSv / 7 d).
    let imp = assess_radiological(&uniform_dose(0.150, 0.6), &j, c).unwrap();
    assert_eq!(
        imp.action_level[[0, 0]],
        1,
        "Maine: shelter-in-place or evacuation (PAG)"
    );
    assert_eq!(
        imp.action_level[[0, 1]],
        2,
        "New Brunswick: evacuate (HC 2018)"
    );
}

#[test]
fn a_dose_between_the_two_countries_thresholds_triggers_action_on_one_side_only() {
    let j = border_pair();
    let c = radiological_criteria();
    // 20 mSv projected, 2 mSv averted by sheltering (factor 0.9): the US PAG (10 mSv projected)
    // applies, Health Canada's shelter (10 mSv averted) and evacuation (100 mSv) do not.
    let imp = assess_radiological(&uniform_dose(0.020, 0.9), &j, c).unwrap();
    assert_eq!(imp.action_level[[0, 0]], 1);
    assert_eq!(imp.action_level[[0, 1]], 0);
    // The relocation criteria differ too: 20 mSv first-year is at the US level, not the CA one
    // — but the US level is on the dose from the deposit, and this one is all from the cloud.
    assert!(!zone(&imp, "US_EPA_PAG_2017 temporary_relocation").exceeded[[0, 0]]);
    assert!(!zone(&imp, "HC_2018 temporary_relocation").exceeded[[0, 1]]);
    let mut deposited = uniform_dose(0.0, 0.9);
    deposited.groundshine_sv.fill(0.020);
    let after = assess_radiological(&deposited, &j, c).unwrap();
    assert!(zone(&after, "US_EPA_PAG_2017 temporary_relocation").exceeded[[0, 0]]);
    assert!(!zone(&after, "HC_2018 temporary_relocation").exceeded[[0, 1]]);
    // The US zone is decided by a criterion confirmed only by a secondary source: warned.
    let s = summarise(
        Some((&imp, &uniform_dose(0.020, 0.9))),
        &[],
        &j,
        Library::embedded(),
        &[],
    );
    assert!(s
        .warnings
        .iter()
        .any(|w| w.contains("US_EPA_PAG_2017 shelter_or_evacuate")));
    assert!(
        !s.warnings.iter().any(|w| w.contains("HC_2018")),
        "{:?}",
        s.warnings
    );
    let us = s
        .zones
        .iter()
        .find(|z| z.zone == "US_EPA_PAG_2017 shelter_or_evacuate")
        .unwrap();
    assert_eq!(us.by_jurisdiction.len(), 1);
    assert_eq!(us.by_jurisdiction[0].jurisdiction, "US-ME");
    assert!((us.by_jurisdiction[0].area_km2 - 1.0).abs() < 1e-12);
}

#[test]
fn the_us_iodide_zone_follows_the_child_thyroid_dose_and_canadas_the_adult_one() {
    let j = border_pair();
    let c = radiological_criteria();
    // 30 mSv to an adult's thyroid, 80 mSv to a 1-year-old's, over every window: the US KI PAG
    // (50 mSv to the child thyroid) is met; Health Canada's iodine blocking (50 mSv projected
    // thyroid dose, the adult's here) is not.
    let mut d = uniform_dose(0.0, 1.0);
    d.thyroid_sv.fill(0.030);
    d.thyroid_child_sv.fill(0.080);
    let imp = assess_radiological(&d, &j, c).unwrap();
    assert!(zone(&imp, "US_EPA_PAG_2017 potassium_iodide").exceeded[[0, 0]]);
    assert!(!zone(&imp, "HC_2018 iodine_thyroid_blocking").exceeded[[0, 1]]);
    // A child dose under the PAG leaves the US cell out, whatever the adult's.
    d.thyroid_sv.fill(0.060);
    d.thyroid_child_sv.fill(0.040);
    let imp = assess_radiological(&d, &j, c).unwrap();
    assert!(!zone(&imp, "US_EPA_PAG_2017 potassium_iodide").exceeded[[0, 0]]);
    assert!(zone(&imp, "HC_2018 iodine_thyroid_blocking").exceeded[[0, 1]]);
}

#[test]
fn running_mean_peaks_of_a_synthetic_series_match_brute_force() {
    // 10-min output intervals over 8 h; a triangular pulse peaking at 2 h plus a short spike.
    let dt = 600.0;
    let n = 48;
    let bounds: Vec<f64> = (0..=n).map(|k| k as f64 * dt).collect();
    let values: Vec<f64> = (0..n)
        .map(|k| {
            let t = (k as f64 + 0.5) * dt;
            (1.0 - (t - 7200.0).abs() / 5400.0).max(0.0) + if k == 30 { 3.0 } else { 0.0 }
        })
        .collect();
    for &window in &AEGL_DURATIONS_S {
        // Brute force: slide the window 1 s at a time over the piecewise-constant series,
        // including positions that run past either end (zero there).
        let conc = |t: f64| {
            if t < 0.0 || t >= n as f64 * dt {
                0.0
            } else {
                values[(t / dt) as usize]
            }
        };
        let mut best = 0.0f64;
        let mut start = -window;
        while start <= n as f64 * dt {
            let mut s = 0.0;
            let mut t = start;
            while t < start + window {
                s += conc(t + 0.5);
                t += 1.0;
            }
            best = best.max(s / window);
            start += 60.0;
        }
        let got = peak_running_mean(&bounds, &values, window);
        assert!(
            (got - best).abs() < 1e-9 * best.max(1.0),
            "{window}: {got} vs {best}"
        );
    }
    // 10 min: the spike interval alone.
    assert!((peak_running_mean(&bounds, &values, 600.0) - values[30]).abs() < 1e-12);
}

/// The largest mean of `curve` over `window_s` seconds starting at any whole second before
/// `starts`, second by second (midpoints).
fn best_running_mean(curve: &dyn Fn(f64) -> f64, window_s: f64, starts: u32) -> f64 {
    (0..starts)
        .map(|start| {
            (0..window_s as usize)
                .map(|k| curve(f64::from(start) + k as f64 + 0.5))
                .sum::<f64>()
                / window_s
        })
        .fold(0.0f64, f64::max)
}

#[test]
fn toxic_load_of_a_step_release_is_c_to_the_n_times_duration() {
    // 45 min at 20 mg/m3 then clean air, in 15-min intervals over 2 h.
    let bounds: Vec<f64> = (0..=8).map(|k| k as f64 * 900.0).collect();
    let values: Vec<f64> = (0..8).map(|k| if k < 3 { 20e-6 } else { 0.0 }).collect();
    for n in [1.0, 2.0, 2.75] {
        let load = toxic_load_mg_m3_n_min(&bounds, &values, n);
        let want = 20f64.powf(n) * 45.0;
        assert!(
            ((load - want) / want).abs() < 1e-12,
            "n={n}: {load} vs {want}"
        );
    }
    // Through the field path: chlorine (n = 2) on a one-cell grid.
    let g = grid(1, 1, 100.0, 0.0, 0.0, bounds[1..].to_vec());
    let sp = Species {
        name: "Chlorine".into(),
        unit: AmountUnit::Kilogram,
        half_life_s: None,
        molar_mass_kg_mol: None,
    };
    let mut f = Fields::zeros(g, &[sp]);
    for (k, v) in values.iter().enumerate() {
        f.species[0].concentration[[k, 0, 0, 0]] = *v;
    }
    let lambda = DEFAULT_AIR_EXCHANGE_PER_H / 3600.0;
    let closed = (lambda, ShelterExit::Never);
    let e = chemical_exposure("Chlorine", 2.0, &f.species[0], 0, &bounds, closed);
    assert!((e.toxic_load[[0, 0]] - 400.0 * 45.0).abs() < 1e-9);
    assert!((e.tic_kg_s_m3[[0, 0]] - 20e-6 * 2700.0).abs() < 1e-15);
    // 1-h peak mean: 45 min of 20 in a 60-min window = 15 mg/m3.
    assert!((e.peak_mean_kg_m3[[2, 0, 0]] - 15e-6).abs() < 1e-15);
    // Indoors (0.45 air changes per hour) the air follows 20·(1 − e^{−λt}) for 45 min and
    // then clears as e^{−λ(t − 2700 s)}: its best 1-h mean, found here second by second on
    // that curve, is what the indoor series gives within 1 %, and likewise the best 10-min
    // mean, near the 5.73 mg/m3 of the air as the cloud leaves, 20·(1 − e^{−λ·2700 s}).
    let indoor = |t: f64| {
        let top = 20e-6 * (1.0 - (-lambda * t.min(2700.0)).exp());
        top * (-lambda * (t - 2700.0).max(0.0)).exp()
    };
    let best_mean = |window: f64| best_running_mean(&indoor, window, 20_000);
    let got = e.indoor_peak_mean_kg_m3[[2, 0, 0]];
    let want = best_mean(3600.0);
    assert!(
        (got / want - 1.0).abs() < 0.01,
        "1 h indoors: {got} vs {want}"
    );
    assert!(
        got < 0.5 * e.peak_mean_kg_m3[[2, 0, 0]],
        "sheltering halves the hour's mean at least: {got}"
    );
    let got10 = e.indoor_peak_mean_kg_m3[[0, 0, 0]];
    let want10 = best_mean(600.0);
    assert!(
        (got10 / want10 - 1.0).abs() < 0.01,
        "10 min indoors: {got10} vs {want10}"
    );
    assert!(
        got10 < indoor(2700.0) && got10 > 0.96 * indoor(2700.0),
        "{got10}"
    );
    // The toxic load indoors is far below the outdoor 400·45 (mg/m3)² min.
    assert!(
        e.indoor_toxic_load[[0, 0]] < 0.2 * 400.0 * 45.0,
        "{}",
        e.indoor_toxic_load[[0, 0]]
    );
    // Aired once the cloud has passed: at 2700 s the indoor air is dirtier than the outdoor
    // air will ever be again, so from then on the occupants breathe the clean outdoor air. Their
    // load is that of the rising indoor curve alone, ∫₀^2700 (20(1 − e^{−λt}))² dt, in closed
    // form 400·[T − 2(1 − e^{−λT})/λ + (1 − e^{−2λT})/(2λ)] with T = 2700 s, in minutes.
    let aired = chemical_exposure(
        "Chlorine",
        2.0,
        &f.species[0],
        0,
        &bounds,
        (lambda, ShelterExit::WhenCloudHasPassed),
    );
    let t = 2700.0;
    let rising = 400.0
        * (t - 2.0 * (1.0 - (-lambda * t).exp()) / lambda
            + (1.0 - (-2.0 * lambda * t).exp()) / (2.0 * lambda))
        / 60.0;
    // The load is taken from the series' 5-min means, whose squares are a little below the
    // mean square of the curve (0.3 % here).
    let got = aired.indoor_toxic_load[[0, 0]];
    assert!(got <= rising && got > 0.99 * rising, "{got} vs {rising}");
    assert!(got < 0.5 * e.indoor_toxic_load[[0, 0]]);
    // Its best hour and best 10 minutes are those of that curve cut to zero at 2700 s (the
    // best 10 minutes now end as the cloud leaves; in the closed building they straddle it).
    let cut = |t: f64| if t < 2700.0 { indoor(t) } else { 0.0 };
    let best_cut = |window: f64| best_running_mean(&cut, window, 6000);
    for (d, window, closed_ratio) in [(2, 3600.0, 0.9), (0, 600.0, 1.0)] {
        let got = aired.indoor_peak_mean_kg_m3[[d, 0, 0]];
        let want = best_cut(window);
        assert!(
            (got / want - 1.0).abs() < 0.01,
            "{window} s: {got} vs {want}"
        );
        assert!(got < closed_ratio * e.indoor_peak_mean_kg_m3[[d, 0, 0]]);
    }
}

/// Ground-level concentration of a ground-level point source with σy = a x, σz = b x
/// (Turner 1970, eq. 3.1 with H = 0 and reflection): C = Q / (π u σy σz) · exp(−y² / 2σy²).
/// Its contour C = C_t encloses the area A = Q / (√(2π) u b C_t), since with
/// K = Q / (π u a b C_t) the half-width is a x √(2 ln(K/x²)) and
/// ∫₀^√K 2 a x √(2 ln(K/x²)) dx = a K √(π/2).
#[test]
fn zone_area_of_an_analytic_gaussian_plume_matches_the_closed_form() {
    let (q_kg_s, u_m_s, a, b) = (1.0, 5.0, 0.08, 0.06);
    let ct = 5.0e-7; // kg/m3
    let area_analytic = q_kg_s / ((2.0 * std::f64::consts::PI).sqrt() * u_m_s * b * ct);
    let dx = 20.0;
    let (nx, ny) = (360, 160); // x from 10 m to 7.2 km, y ±1.6 km
    let g = grid(
        nx,
        ny,
        dx,
        10.0,
        -(ny as f64 - 1.0) / 2.0 * dx,
        vec![3600.0],
    );
    let sp = Species {
        name: "Plumeine".into(),
        unit: AmountUnit::Kilogram,
        half_life_s: None,
        molar_mass_kg_mol: None,
    };
    let mut f = Fields::zeros(g.clone(), &[sp]);
    for j in 0..ny {
        for i in 0..nx {
            let (x, y) = (g.x_m(i), g.y_m(j));
            let (sy, sz) = (a * x, b * x);
            let c = q_kg_s / (std::f64::consts::PI * u_m_s * sy * sz)
                * (-y * y / (2.0 * sy * sy)).exp();
            f.species[0].concentration[[0, 0, j, i]] = c;
        }
    }
    // A chemical whose AEGL-2 at 60 min is exactly C_t (a user-file substance).
    let mg = ct * 1e6;
    let lib = Library::embedded()
        .clone()
        .with_user_text(
            "test.toml",
            &format!(
                "[[chemical]]\nname = \"Plumeine\"\nmw_g_per_mol = 50.0\ntoxic_load_n = 1.0\n\
                 aegl2_mg_m3 = [{mg}, {mg}, {mg}, {mg}, {mg}]\nsource = \"test\"\n"
            ),
        )
        .unwrap();
    let chem = lib.chemical("Plumeine").unwrap();
    let e = chemical_exposure(
        &chem.name,
        1.0,
        &f.species[0],
        0,
        &[0.0, 3600.0],
        (DEFAULT_AIR_EXCHANGE_PER_H / 3600.0, ShelterExit::Never),
    );
    let imp = assess_chemical(&e, chem, 3600.0).unwrap();
    let tags = vec![
        CellTag {
            country: Country::Us,
            subdivision: None,
            land: true,
        };
        nx * ny
    ];
    let j = JurisdictionGrid {
        nx,
        ny,
        cell_area_m2: dx * dx,
        tags,
        towns: vec![],
        sites: vec![],
    };
    let s = summarise(None, std::slice::from_ref(&imp), &j, &lib, &[]);
    let area_m2 = s.zones[0].area_km2() * 1e6;
    let rel = (area_m2 - area_analytic) / area_analytic;
    assert!(
        rel.abs() < 0.02,
        "area {area_m2} vs analytic {area_analytic} ({rel})"
    );
    // The tier map agrees with the zone, and the user threshold is flagged as unverified.
    let tier2 = imp.tier.iter().filter(|&&t| t >= 2).count();
    assert!(((tier2 as f64 * dx * dx) - area_m2).abs() < 1e-6);
    assert!(s.warnings.iter().any(|w| w.contains("Plumeine AEGL-2")));
}

#[test]
fn one_chemical_released_under_two_spellings_is_assessed_on_its_combined_concentration() {
    // Two sources write "Chlorine" and "chlorine": the same library chemical, so the AEGL
    // comparison and the toxic load (non-linear in C) must see the sum, once.
    let bounds: Vec<f64> = (0..=4).map(|k| k as f64 * 900.0).collect();
    let g = grid(1, 1, 100.0, 0.0, 0.0, bounds[1..].to_vec());
    let sp = |name: &str| Species {
        name: name.into(),
        unit: AmountUnit::Kilogram,
        half_life_s: None,
        molar_mass_kg_mol: None,
    };
    let mut f = Fields::zeros(g, &[sp("Chlorine"), sp("chlorine")]);
    f.species[0].concentration.fill(4e-6);
    f.species[1].concentration.fill(3e-6);
    let e = plume::exposure::compute(
        &f,
        Library::embedded(),
        &plume::exposure::ExposureOptions::default(),
    )
    .unwrap();
    assert_eq!(e.chemicals.len(), 1, "{:?}", e.chemicals);
    let c = &e.chemicals[0];
    assert_eq!(c.name, "Chlorine");
    // 7 mg/m3 for the whole hour: above the 60-min AEGL-2 (5.8 mg/m3), which neither part is.
    assert!((c.peak_mean_kg_m3[[2, 0, 0]] - 7e-6).abs() < 1e-15);
    assert!((c.toxic_load[[0, 0]] - 49.0 * 60.0).abs() < 1e-9);
    let ch = Library::embedded().chemical("Chlorine").unwrap();
    let imp = assess_chemical(c, ch, 3600.0).unwrap();
    assert_eq!(imp.tier[[0, 0]], 2);
}

/// The one 4 km cell that holds Van Buren (Maine) and Saint-Leonard (New Brunswick).
fn van_buren_cell() -> JurisdictionGrid {
    let g = grid(1, 1, 4000.0, 0.0, 0.0, vec![3600.0]);
    let tm = TransverseMercator::new(LatLon::new(47.160, -67.930));
    Region::embedded().tag_grid(&g, &tm)
}

/// A one-cell dose, the same in every window: inhalation, cloudshine, groundshine, adult and
/// child thyroid (Sv).
fn one_cell_dose(sv: [f64; 5], shelter: ShelterFactors) -> RadiologicalDose {
    let e = |v: f64| Array3::from_elem((4, 1, 1), v);
    RadiologicalDose {
        windows_s: vec![2.0 * DAY, 4.0 * DAY, 7.0 * DAY, 365.25 * DAY],
        inhalation_sv: e(sv[0]),
        cloudshine_sv: e(sv[1]),
        groundshine_sv: e(sv[2]),
        thyroid_sv: e(sv[3]),
        thyroid_child_sv: e(sv[4]),
        by_nuclide: vec![],
        shelter,
    }
}

/// Van Buren (Maine) and Saint-Leonard (New Brunswick) face each other 1 km apart across the
/// Saint John River: one 4 km cell holds both. Each town is judged by its own country's
/// criteria and counted in its own jurisdiction, whatever its cell's country (found by review:
/// both took the cell's, so one was booked under the wrong country and given the other
/// country's action).
#[test]
fn towns_sharing_a_border_cell_are_each_judged_and_counted_as_their_own_country() {
    let j = van_buren_cell();
    let cell = |name: &str| j.towns.iter().find(|(t, _)| t.name == name).unwrap().1;
    assert_eq!(cell("Van Buren"), Some((0, 0)));
    assert_eq!(cell("Saint-Leonard"), Some((0, 0)));
    // 20 mSv projected, 2 mSv averted: the US PAG is met, no Health Canada criterion is.
    let shelter = ShelterFactors {
        cloudshine: 0.9,
        groundshine: 1.0,
        inhalation: 1.0,
    };
    let dose = one_cell_dose([0.0, 0.020, 0.0, 0.0, 0.0], shelter);
    let imp = assess_radiological(&dose, &j, radiological_criteria()).unwrap();
    let s = summarise(Some((&imp, &dose)), &[], &j, Library::embedded(), &[]);
    let town = |name: &str| s.towns.iter().find(|t| t.town == name).unwrap();
    assert_eq!(town("Van Buren").jurisdiction, "US-ME");
    assert_eq!(town("Van Buren").action_level, Some(1));
    assert_eq!(town("Saint-Leonard").jurisdiction, "CA-NB");
    assert_eq!(town("Saint-Leonard").action_level, Some(0));
    let us = s
        .zones
        .iter()
        .find(|z| z.zone == "US_EPA_PAG_2017 shelter_or_evacuate")
        .unwrap();
    let counted: Vec<(&str, &String)> = us
        .by_jurisdiction
        .iter()
        .flat_map(|r| r.towns.iter().map(move |t| (r.jurisdiction, t)))
        .collect();
    assert_eq!(counted, [("US-ME", &"Van Buren".to_string())]);
}

/// A town in an iodine-blocking zone says so, under its own country's criterion, whether or
/// not shelter or evacuation is called for (found by review: Lubec and Campobello, in the KI
/// and ITB zones, read "no early-phase action").
#[test]
fn a_towns_line_names_the_iodine_blocking_its_thyroid_dose_calls_for() {
    let j = van_buren_cell();
    // 2 mSv effective (no shelter or evacuation), 60 mSv to the adult and child thyroid.
    let shelter = ShelterFactors {
        cloudshine: 0.9,
        groundshine: 1.0,
        inhalation: 1.0,
    };
    let dose = one_cell_dose([0.002, 0.0, 0.0, 0.060, 0.060], shelter);
    let imp = assess_radiological(&dose, &j, radiological_criteria()).unwrap();
    let s = summarise(Some((&imp, &dose)), &[], &j, Library::embedded(), &[]);
    let town = |name: &str| s.towns.iter().find(|t| t.town == name).unwrap();
    assert_eq!(town("Van Buren").action_level, Some(0));
    assert_eq!(
        town("Van Buren").supplementary_actions,
        ["US_EPA_PAG_2017 potassium_iodide"]
    );
    assert_eq!(town("Saint-Leonard").action_level, Some(0));
    assert_eq!(
        town("Saint-Leonard").supplementary_actions,
        ["HC_2018 iodine_thyroid_blocking"]
    );
    let text = s.to_text();
    let line = |name: &str| {
        text.lines()
            .find(|l| l.contains(&format!("town {name} ")))
            .unwrap()
            .to_string()
    };
    assert!(
        line("Van Buren").contains("no shelter or evacuation, potassium iodide (US EPA PAG 2017)"),
        "{text}"
    );
    assert!(
        line("Saint-Leonard").contains("iodine thyroid blocking (Health Canada 2018)"),
        "{text}"
    );
    assert!(!text.contains("no early-phase action"), "{text}");
}

/// A town's line says what sheltering changes there: its 7-day dose indoors takes each
/// pathway's own shelter factor, and its AEGL tier indoors stands beside the outdoor one.
#[test]
fn a_towns_sheltered_dose_and_indoor_aegl_tier_stand_beside_the_outdoor_ones() {
    let j = van_buren_cell();
    let shelter = ShelterFactors {
        cloudshine: 0.6,
        groundshine: 0.3,
        inhalation: 0.5,
    };
    let dose = one_cell_dose([0.002, 0.010, 0.004, 0.0, 0.0], shelter);
    let imp = assess_radiological(&dose, &j, radiological_criteria()).unwrap();
    let lib = Library::embedded();
    let chlorine = lib.chemical("Chlorine").unwrap();
    let tier = |k: u8| ndarray::Array2::from_elem((1, 1), k);
    let chem = plume::impact::ChemicalImpact {
        chemical: chlorine.name.clone(),
        mw_g_per_mol: chlorine.mw_g_per_mol,
        duration_s: 3600.0,
        thresholds: [None, None, None],
        tier: tier(3),
        zones: vec![],
        sheltered_tier: tier(1),
        sheltered_zones: vec![],
        held_after_gain_cells: [0; 3],
    };
    let s = summarise(Some((&imp, &dose)), &[chem], &j, lib, &[]);
    let town = s.towns.iter().find(|t| t.town == "Van Buren").unwrap();
    assert!((town.effective_7d_sv.unwrap() - 0.016).abs() < 1e-15);
    // 0.5 × 2 + 0.6 × 10 + 0.3 × 4 mSv.
    assert!((town.effective_7d_sheltered_sv.unwrap() - 0.0082).abs() < 1e-15);
    assert_eq!(town.aegl_tiers, [("Chlorine".to_string(), 3)]);
    assert_eq!(town.aegl_tiers_indoors, [("Chlorine".to_string(), 1)]);
    let text = s.to_text();
    let line = text.lines().find(|l| l.contains("town Van Buren")).unwrap();
    assert!(line.contains("(7 d sheltered)"), "{line}");
    assert!(line.contains("Chlorine AEGL tier 3 (indoors 1)"), "{line}");
}

/// Every town of `sites.csv` lies, by the bundled outlines, in the country its row names, and in
/// Maine or New Brunswick.
#[test]
fn every_town_lies_in_the_country_its_row_names() {
    let r = Region::embedded();
    let towns: Vec<_> = r
        .tag_grid(
            &grid(1, 1, 1000.0, 0.0, 0.0, vec![3600.0]),
            &TransverseMercator::new(LatLon::new(46.0, -67.5)),
        )
        .towns;
    assert!(towns.len() >= 10, "{}", towns.len());
    for (t, _) in &towns {
        let own = r.tag(t.location);
        assert_eq!(own, t.tag, "{}", t.name);
        assert!(
            matches!(t.tag.label(), "US-ME" | "CA-NB"),
            "{}: {}",
            t.name,
            t.tag.label()
        );
    }
}

/// Cells outside the bundled region have no known country or coastline; only a radiological
/// zone there is judged by both countries' criteria, and only its warning says so (found by
/// review: a chemical run's warning spoke of radiological criteria).
#[test]
fn zones_outside_the_region_are_warned_of_in_the_terms_of_their_kind() {
    let g = grid(2, 1, 1000.0, -500.0, 0.0, vec![3600.0]);
    let j = Region::embedded().tag_grid(&g, &TransverseMercator::new(LatLon::new(40.0, -75.0)));
    assert_eq!(j.tag(0, 0).country, Country::Unknown);
    let zone = |country: Option<Country>| Zone {
        label: "z".into(),
        country,
        threshold: 1.0,
        unit: "Sv",
        exceeded: ndarray::Array2::from_elem((1, 2), true),
        largest: 2.0,
    };
    let chemical = plume::impact::outside_region_warning([&zone(None)], &j, 1.0).unwrap();
    assert!(
        chemical.starts_with("2.00 km² of the zones lie outside")
            && chemical.contains("no coastline is known")
            && !chemical.contains("radiological"),
        "{chemical}"
    );
    let dose = plume::impact::outside_region_warning([&zone(Some(Country::Us))], &j, 1.0).unwrap();
    assert!(
        dose.contains("the US and the Canadian radiological criteria both apply"),
        "{dose}"
    );
    let inside = border_pair();
    assert!(plume::impact::outside_region_warning([&zone(None)], &inside, 1.0).is_none());
}
