//! The Gaussian plume against conservation laws and analytic limits.

use std::f64::consts::TAU;

use plume::geo::{LatLon, TransverseMercator};
use plume::met::boundary_layer::{BoundaryLayer, StabilityClass};
use plume::met::UniformMet;
use plume::model::gaussian::{PlumeGeometry, Sigmas};
use plume::scenario::{SigmaScheme, Terrain};
use plume::source::Source;

const CENTRE: LatLon = LatLon {
    lat: 45.0,
    lon: -66.0,
};

fn met(class: StabilityClass, mixing_height_m: f64) -> UniformMet {
    UniformMet {
        wind_speed_m_s: 5.0,
        reference_height_m: 10.0,
        wind_from_deg: 270.0,
        boundary_layer: BoundaryLayer {
            friction_velocity_m_s: 0.4,
            obukhov_length_m: f64::INFINITY,
            mixing_height_m,
            roughness_length_m: 0.1,
            stability: class,
        },
        precipitation_mm_h: 0.0,
        air_temperature_k: 288.15,
        sigma_theta_deg: None,
    }
}

/// A one-hour point source at the centre, with no release, stack or temperature.
fn point_source(name: &str, height_m: f64) -> Source {
    Source {
        name: name.into(),
        location: CENTRE,
        height_m,
        start_s: 0.0,
        duration_s: 3600.0,
        releases: vec![],
        stack: None,
        release_temperature_k: None,
        reactor: false,
        aerosol: None,
    }
}

fn plume(class: StabilityClass, height_m: f64, lid_m: Option<f64>) -> PlumeGeometry {
    let tm = TransverseMercator::new(CENTRE);
    let src = point_source("test", height_m);
    let mut p = PlumeGeometry::new(
        &src,
        &met(class, lid_m.unwrap_or(1e4)),
        SigmaScheme::Briggs,
        Terrain::Rural,
        &tm,
    );
    p.lid_m = lid_m;
    p
}

/// Composite Simpson's rule of f over [a, b] with n (even) intervals.
fn simpson(a: f64, b: f64, n: usize, f: impl Fn(f64) -> f64) -> f64 {
    let h = (b - a) / n as f64;
    let mut s = f(a) + f(b);
    for i in 1..n {
        s += f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    s * h / 3.0
}

/// ∫∫ u·C dy dz over the plume cross-section at downwind distance x, per unit emission rate.
fn mass_flux_per_rate(p: &PlumeGeometry, x_m: f64, lambda: f64) -> f64 {
    let (sy, sz) = p.sigmas.at(x_m);
    let y_max = 9.0 * sy;
    let z_top = p.lid_m.unwrap_or(p.effective_height_m(x_m) + 10.0 * sz);
    // The plume lies along +x from the origin (wind from the west).
    p.u_m_s
        * simpson(0.0, z_top, 2000, |z| {
            simpson(-y_max, y_max, 400, |y| {
                p.decayed_concentration_per_rate(x_m + p.x_m, y + p.y_m, z, lambda)
            })
        })
}

#[test]
fn mass_flux_equals_emission_rate_with_ground_reflection() {
    for class in [StabilityClass::B, StabilityClass::D, StabilityClass::F] {
        let p = plume(class, 50.0, None);
        for x in [200.0, 1000.0, 5000.0, 20_000.0] {
            let flux = mass_flux_per_rate(&p, x, 0.0);
            assert!(
                (flux - 1.0).abs() < 1e-3,
                "{class:?} x = {x}: flux/Q = {flux}"
            );
        }
    }
}

#[test]
fn mass_flux_equals_emission_rate_under_a_mixing_lid() {
    for class in [
        StabilityClass::A,
        StabilityClass::C,
        StabilityClass::D,
        StabilityClass::E,
    ] {
        let p = plume(class, 50.0, Some(400.0));
        for x in [200.0, 1000.0, 5000.0, 20_000.0, 60_000.0] {
            let flux = mass_flux_per_rate(&p, x, 0.0);
            assert!(
                (flux - 1.0).abs() < 1e-3,
                "{class:?} x = {x}: flux/Q = {flux}"
            );
        }
    }
}

#[test]
fn mass_flux_with_decay_equals_q_times_exp_minus_lambda_x_over_u() {
    let lambda = std::f64::consts::LN_2 / 1800.0; // a 30-minute half-life shows clearly over 20 km
    for lid in [None, Some(600.0)] {
        let p = plume(StabilityClass::D, 30.0, lid);
        for x in [1000.0, 5000.0, 20_000.0] {
            let flux = mass_flux_per_rate(&p, x, lambda);
            let expected = (-lambda * x / p.u_m_s).exp();
            assert!(
                (flux / expected - 1.0).abs() < 1e-3,
                "lid {lid:?} x = {x}: {flux} vs {expected}"
            );
        }
    }
}

#[test]
fn far_downwind_under_a_lid_the_profile_is_well_mixed() {
    let h = 500.0;
    for class in [StabilityClass::A, StabilityClass::B, StabilityClass::C] {
        let p = plume(class, 60.0, Some(h));
        // Far enough that σz exceeds 1.3 h.
        let x = (1..400)
            .map(|k| k as f64 * 500.0)
            .find(|&x| p.sigmas.at(x).1 > 1.3 * h)
            .unwrap();
        let (sy, _) = p.sigmas.at(x);
        let mixed = 1.0 / (p.u_m_s * h * TAU.sqrt() * sy);
        for z in [0.0, 1.5, 100.0, 250.0, 400.0, 499.0] {
            let c = p.concentration_per_rate(p.x_m + x, p.y_m, z);
            assert!(
                (c / mixed - 1.0).abs() < 0.01,
                "{class:?} x = {x} z = {z}: {c} vs well-mixed {mixed}"
            );
        }
    }
}

#[test]
fn plume_above_the_lid_gives_nothing_below() {
    let p = plume(StabilityClass::D, 900.0, Some(800.0));
    assert_eq!(p.concentration_per_rate(p.x_m + 2000.0, p.y_m, 1.5), 0.0);
}

/// ISC3 (EPA-454/B-95-003b vol. II §1.1.6) assumes unlimited vertical mixing in the stable
/// classes E and F: a release above the shallow night boundary layer still reaches the ground,
/// as the plain ground-reflected plume C = Q/(π u σy σz)·exp(−H²/(2σz²)) says; in class D
/// above the lid it has penetrated and gives nothing below (and the run says so). A stable
/// plume inside the layer keeps its lid.
#[test]
fn stable_plumes_above_the_night_boundary_layer_are_not_dropped() {
    let tm = TransverseMercator::new(CENTRE);
    let src = point_source("stack", 80.0);
    for (class, reaches) in [(StabilityClass::F, true), (StabilityClass::D, false)] {
        // A 50 m boundary layer under an 80 m release.
        let m = met(class, 50.0);
        let p = PlumeGeometry::new(&src, &m, SigmaScheme::Briggs, Terrain::Rural, &tm);
        assert_eq!(p.lid_m.is_none(), reaches, "{class:?}");
        let x = 3000.0;
        let (sy, sz) = p.sigmas.at(x);
        let want = (-(80.0f64 * 80.0) / (2.0 * sz * sz)).exp()
            / (std::f64::consts::PI * p.u_m_s * sy * sz);
        let got = p.concentration_per_rate(p.x_m + x, p.y_m, 0.0);
        if reaches {
            assert!(
                want > 1e-9 && (got / want - 1.0).abs() < 1e-12,
                "{got} vs {want}"
            );
        } else {
            assert_eq!(got, 0.0);
        }
        let setup = plume::model::gaussian::Setup {
            scheme: SigmaScheme::Briggs,
            terrain: Terrain::Rural,
            receptor_height_m: None,
            dense_gas: false,
        };
        let warnings = plume::model::gaussian::penetration_warnings(
            std::slice::from_ref(&src),
            &m,
            &setup,
            &tm,
        );
        assert_eq!(warnings.len(), usize::from(!reaches), "{warnings:?}");
        assert!(warnings
            .iter()
            .all(|w| w.contains("penetrated") && w.contains("80 m")));
    }
    // Inside the night layer no lid either: Briggs's stable σz already levels off (ISC3).
    let low = Source {
        height_m: 10.0,
        ..src
    };
    let m = met(StabilityClass::F, 50.0);
    let p = PlumeGeometry::new(&low, &m, SigmaScheme::Briggs, Terrain::Rural, &tm);
    assert_eq!(p.lid_m, None);
    let p = PlumeGeometry::new(
        &low,
        &met(StabilityClass::D, 50.0),
        SigmaScheme::Briggs,
        Terrain::Rural,
        &tm,
    );
    assert_eq!(p.lid_m, Some(50.0));
}

/// A ground release in urban class F under the 68 m night layer of the railcar scenario: far
/// downwind the centreline is the plain ground-reflected plume C = Q/(π u σy σz) with the
/// McElroy–Pooler σz (≈ 200 m at 10 km), not the plume trapped under the layer, which would
/// be √(π/2)·σz/h ≈ 3.7 × higher there.
#[test]
fn a_ground_release_in_urban_class_f_is_not_trapped_under_the_night_layer() {
    let tm = TransverseMercator::new(CENTRE);
    let src = point_source("railcar", 1.0);
    let m = met(StabilityClass::F, 68.0);
    let p = PlumeGeometry::new(&src, &m, SigmaScheme::Briggs, Terrain::Urban, &tm);
    for x in [2000.0, 10000.0, 30000.0] {
        let (sy, sz) = p.sigmas.at(x);
        let want = (-1.0 / (2.0 * sz * sz)).exp() / (std::f64::consts::PI * p.u_m_s * sy * sz);
        let got = p.concentration_per_rate(p.x_m + x, p.y_m, 0.0);
        assert!((got / want - 1.0).abs() < 1e-9, "x = {x}: {got} vs {want}");
    }
    let sz = p.sigmas.at(10000.0).1;
    assert!(sz > 2.5 * 68.0, "the urban σz {sz} passes the layer");
}

#[test]
fn upwind_receptors_see_nothing() {
    let p = plume(StabilityClass::D, 10.0, None);
    assert_eq!(p.concentration_per_rate(p.x_m - 100.0, p.y_m, 1.0), 0.0);
    assert!(p.concentration_per_rate(p.x_m + 100.0, p.y_m, 1.0) > 0.0);
}

#[test]
fn grid_row_fill_matches_pointwise_evaluation() {
    let mut p = plume(StabilityClass::C, 20.0, Some(700.0));
    p.downwind = (0.6, 0.8); // a wind not aligned with the grid
    let mut row = vec![0.0; 3000];
    let (y, x0, dx) = (850.0, -2000.0, 25.0);
    p.fill_row(y, x0, dx, 1.5, &mut row);
    for (i, &c) in row.iter().enumerate() {
        let expected = p.concentration_per_rate(x0 + i as f64 * dx, y, 1.5);
        assert!(
            (c - expected).abs() <= 1e-12 * expected.abs(),
            "cell {i}: {c} vs {expected}"
        );
    }
    assert!(row.iter().any(|&c| c > 0.0));
}

#[test]
fn isc3_scheme_is_selectable() {
    let s = Sigmas::new(
        SigmaScheme::PasquillGifford,
        StabilityClass::D,
        Terrain::Rural,
    );
    let b = Sigmas::new(SigmaScheme::Briggs, StabilityClass::D, Terrain::Rural);
    assert_ne!(s.at(1000.0), b.at(1000.0));
}

/// Stack-tip downwash (Briggs 1974; ISC3 eq 1-7): a cold 3 m stack venting at 5 m/s into a
/// 10 m/s wind starts its rise 6 m below its top, and its final height is the lowered stack
/// plus the momentum rise 3·d·v_s/u = 4.5 m. Found by review: the rise started at the top.
#[test]
fn a_slow_exit_in_a_strong_wind_is_drawn_down_before_it_rises() {
    let tm = TransverseMercator::new(CENTRE);
    let src = |exit_velocity_m_s| Source {
        name: "vent".into(),
        location: CENTRE,
        height_m: 50.0,
        start_s: 0.0,
        duration_s: 3600.0,
        releases: vec![],
        stack: Some(plume::source::Stack {
            diameter_m: 3.0,
            exit_velocity_m_s,
            exit_temperature_k: 288.15,
        }),
        release_temperature_k: None,
        reactor: false,
        aerosol: None,
    };
    let mut m = met(StabilityClass::D, 1000.0);
    m.wind_speed_m_s = 10.0;
    m.reference_height_m = 50.0;
    let p = PlumeGeometry::new(&src(5.0), &m, SigmaScheme::Briggs, Terrain::Rural, &tm);
    let final_m = p.effective_height_m(1.0e5);
    assert!((final_m - (50.0 - 6.0 + 4.5)).abs() < 1e-9, "{final_m}");
    assert!((p.effective_height_m(0.0) - 44.0).abs() < 1e-9);
    // A fast exit (v_s ≥ 1.5 u) is not drawn down.
    let fast = PlumeGeometry::new(&src(20.0), &m, SigmaScheme::Briggs, Terrain::Rural, &tm);
    assert_eq!(fast.effective_height_m(0.0), 50.0);
}

/// Buoyancy-induced dispersion (Pasquill 1976; ISC3's default): a rising plume's σy and σz are
/// (σ² + (Δh(x)/3.5)²)^½ with Δh(x) its rise at x. A 50 m stack, F_b = 92.7 m⁴/s³, class D,
/// 5 m/s: Δh = 117 m from 730 m on; at 1 km σz = 38 m becomes 51 m, and the ground-level
/// centreline concentration is the image pair with those σ. Found by review: it was ×47 too
/// low at 1 km.
#[test]
fn a_rising_plume_spreads_by_its_own_rise_as_well() {
    use plume::source::plume_rise::RiseInputs;
    use plume::source::Stack;
    let tm = TransverseMercator::new(CENTRE);
    let stack = Stack {
        diameter_m: 3.0,
        exit_velocity_m_s: 15.0,
        exit_temperature_k: 400.0,
    };
    let src = Source {
        name: "stack".into(),
        location: CENTRE,
        height_m: 50.0,
        start_s: 0.0,
        duration_s: 3600.0,
        releases: vec![],
        stack: Some(stack),
        release_temperature_k: None,
        reactor: false,
        aerosol: None,
    };
    let mut m = met(StabilityClass::D, 5000.0);
    m.wind_speed_m_s = 5.0;
    m.reference_height_m = 50.0;
    let p = PlumeGeometry::new(&src, &m, SigmaScheme::Briggs, Terrain::Rural, &tm);
    let rise = RiseInputs {
        stack,
        air_temperature_k: m.air_temperature_k,
        wind_m_s: 5.0,
        stability: StabilityClass::D,
    };
    let ambient = Sigmas::new(SigmaScheme::Briggs, StabilityClass::D, Terrain::Rural);
    for x in [300.0, 1000.0, 3000.0, 20_000.0] {
        let dh = rise.rise_at_m(x);
        let (sy0, sz0) = ambient.at(x);
        let (sy, sz) = p.sigmas.at(x);
        assert!((sy - (sy0 * sy0 + (dh / 3.5).powi(2)).sqrt()).abs() < 1e-9 * sy);
        assert!((sz - (sz0 * sz0 + (dh / 3.5).powi(2)).sqrt()).abs() < 1e-9 * sz);
        let h = 50.0 + dh;
        let want = 2.0 * (-(h * h) / (2.0 * sz * sz)).exp() / (TAU * p.u_m_s * sy * sz);
        let got = p.concentration_per_rate(p.x_m + x, p.y_m, 0.0);
        assert!(
            (got / want - 1.0).abs() < 1e-9,
            "x {x}: {got:e} vs {want:e}"
        );
    }
    // The rise makes the difference near the stack, little far away.
    let (_, sz0) = ambient.at(1000.0);
    assert!(p.sigmas.at(1000.0).1 > 1.2 * sz0);
}
