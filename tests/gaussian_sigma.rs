//! σy and σz for every class and scheme against the independent check values
//! (tests/data/sigma_check_values.csv, from shared/data/reference; see its README).

use plume::met::StabilityClass;
use plume::model::gaussian::sigma::{self, Sigmas};
use plume::scenario::{SigmaScheme, Terrain};

fn rows() -> Vec<(String, String, StabilityClass, String, f64, f64)> {
    let text = include_str!("data/sigma_check_values.csv");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_string(),
                f[1].to_string(),
                StabilityClass::from_letter(f[2]).unwrap(),
                f[3].to_string(),
                f[4].parse().unwrap(),
                f[6].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn sigmas_match_independent_check_values_to_1e5_relative() {
    let rows = rows();
    assert!(rows.len() >= 60, "check file has {} rows", rows.len());
    let mut seen = std::collections::BTreeSet::new();
    for (scheme, terrain, class, quantity, x_m, expected) in rows {
        let s = match (scheme.as_str(), terrain.as_str()) {
            ("briggs", "rural") => Sigmas::new(SigmaScheme::Briggs, class, Terrain::Rural),
            ("briggs", "urban") => Sigmas::new(SigmaScheme::Briggs, class, Terrain::Urban),
            ("isc3", "rural") => Sigmas::new(SigmaScheme::PasquillGifford, class, Terrain::Rural),
            other => panic!("unknown scheme {other:?}"),
        };
        let (sy, sz) = s.at(x_m);
        let got = if quantity == "sigma_y" { sy } else { sz };
        let rel = (got - expected).abs() / expected;
        assert!(rel < 1e-5, "{scheme} {terrain} {class:?} {quantity} at {x_m} m: {got} vs {expected} (rel {rel:.2e})");
        seen.insert((scheme, terrain, class));
    }
    // Every class of every scheme is covered by the file.
    assert_eq!(
        seen.len(),
        6 * 3 - 2,
        "briggs urban pairs A/B and E/F share fits"
    );
}

/// Equal to machine precision (the order of multiplications may differ by one rounding).
fn same(a: (f64, f64), b: (f64, f64)) {
    assert!(
        (a.0 - b.0).abs() <= 4e-16 * b.0 && (a.1 - b.1).abs() <= 4e-16 * b.1,
        "{a:?} vs {b:?}"
    );
}

#[test]
fn briggs_formulas_are_the_published_ones_exactly() {
    // Spot values computed from Briggs (1973) as printed in Hanna, Briggs & Hosker (1982).
    let x: f64 = 1234.5;
    let rural = |c| Sigmas::new(SigmaScheme::Briggs, c, Terrain::Rural).at(x);
    let urban = |c| Sigmas::new(SigmaScheme::Briggs, c, Terrain::Urban).at(x);
    use StabilityClass::*;
    same(rural(A), (0.22 * x / (1.0 + 0.0001 * x).sqrt(), 0.20 * x));
    same(rural(B), (0.16 * x / (1.0 + 0.0001 * x).sqrt(), 0.12 * x));
    same(
        (1.0, rural(C).1),
        (1.0, 0.08 * x / (1.0 + 0.0002 * x).sqrt()),
    );
    same(
        (1.0, rural(D).1),
        (1.0, 0.06 * x / (1.0 + 0.0015 * x).sqrt()),
    );
    same((1.0, rural(E).1), (1.0, 0.03 * x / (1.0 + 0.0003 * x)));
    same(
        rural(F),
        (
            0.04 * x / (1.0 + 0.0001 * x).sqrt(),
            0.016 * x / (1.0 + 0.0003 * x),
        ),
    );
    same(
        urban(A),
        (
            0.32 * x / (1.0 + 0.0004 * x).sqrt(),
            0.24 * x * (1.0 + 0.001 * x).sqrt(),
        ),
    );
    same(urban(C), (0.22 * x / (1.0 + 0.0004 * x).sqrt(), 0.20 * x));
    same(
        (1.0, urban(D).1),
        (1.0, 0.14 * x / (1.0 + 0.0003 * x).sqrt()),
    );
    same(
        (1.0, urban(F).1),
        (1.0, 0.08 * x / (1.0 + 0.0015 * x).sqrt()),
    );
}

#[test]
fn isc3_sigma_z_is_capped_and_segments_join() {
    use StabilityClass::*;
    assert_eq!(sigma::isc3_sigma_z_m(A, 5000.0), sigma::ISC3_SIGMA_Z_CAP_M);
    for c in StabilityClass::ALL {
        for x_km in [
            0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7, 1.0, 2.0, 3.0, 4.0, 7.0, 10.0, 15.0, 20.0,
            30.0, 40.0, 60.0,
        ] {
            let below = sigma::isc3_sigma_z_m(c, x_km * 1000.0 * (1.0 - 1e-9));
            let above = sigma::isc3_sigma_z_m(c, x_km * 1000.0);
            assert!(
                (below - above).abs() / above < 0.005,
                "{c:?} at {x_km} km: {below} vs {above}"
            );
        }
    }
}

#[test]
fn sigmas_below_one_metre_use_the_one_metre_value() {
    let s = Sigmas::new(SigmaScheme::Briggs, StabilityClass::D, Terrain::Rural);
    assert_eq!(s.at(0.2), s.at(sigma::MIN_DISTANCE_M));
    assert!(s.at(2.0).0 > s.at(1.0).0);
}
