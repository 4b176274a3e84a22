//! Every embedded table value has a source; the parsers refuse rows without one.

use plume::impact::criteria::parse_criteria;
use plume::impact::{radiological_criteria, Status};
use plume::substance::{embedded_tables, parse_nuclide_table, Library, NuclideQuantity};

#[test]
fn every_row_of_every_embedded_table_names_its_source() {
    for (file, text, column) in embedded_tables() {
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let h = rdr.headers().unwrap().clone();
        let c = h
            .iter()
            .position(|x| x == column)
            .unwrap_or_else(|| panic!("{file}: no `{column}` column"));
        let mut rows = 0;
        for (i, r) in rdr.records().enumerate() {
            let r = r.unwrap();
            assert!(
                r.get(c).is_some_and(|s| s.trim().len() > 3),
                "{file}: row {} has no source",
                i + 2
            );
            rows += 1;
        }
        assert!(rows > 0, "{file} is empty");
    }
}

#[test]
fn a_nuclide_row_without_a_source_is_refused_with_its_location() {
    let text = plume::substance::embedded_tables()[0].1;
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    // Blank the `source` field of the first data row.
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let source_col = rdr.headers().unwrap().iter().position(|h| h == "source");
    let first = rdr.records().next().unwrap().unwrap();
    let src = first.get(source_col.unwrap()).unwrap().to_string();
    lines[1] = lines[1].replacen(&format!("\"{src}\""), "\"\"", 1);
    let err = parse_nuclide_table("edited.csv", &lines.join("\n"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("edited.csv") && err.contains("row 2") && err.contains("source"),
        "{err}"
    );
}

#[test]
fn a_criterion_without_a_source_is_refused() {
    let text = "set,country,action,level,quantity,window_s,threshold_sv,applies_to,source,status,verification\n\
                X,US,shelter,1,effective_projected,3600,0.01,public,,unverified,none\n";
    let err = parse_criteria("c.csv", text).unwrap_err();
    assert!(err.contains("row 2") && err.contains("source"), "{err}");
}

#[test]
fn library_values_carry_provenance_and_unverified_ones_are_marked() {
    let lib = Library::embedded();
    assert!(lib.nuclides.len() >= 20 && lib.chemicals.len() >= 10);
    for n in &lib.nuclides {
        assert!(
            n.source.contains("ICRP") && n.source.contains("Federal Guidance Report 15"),
            "{}",
            n.name
        );
        // A row says UNVERIFIED exactly when a quantity it carries was not checked.
        let mut carried = vec![
            NuclideQuantity::HalfLife,
            NuclideQuantity::Cloudshine,
            NuclideQuantity::Groundshine,
        ];
        for (q, present) in [
            (NuclideQuantity::Daughters, !n.daughters.is_empty()),
            (
                NuclideQuantity::InhEffective,
                n.inh_effective_sv_per_bq.is_some(),
            ),
            (
                NuclideQuantity::InhThyroid,
                n.inh_thyroid_sv_per_bq.is_some(),
            ),
            (
                NuclideQuantity::InhThyroidChild,
                n.inh_thyroid_child_sv_per_bq.is_some(),
            ),
            (NuclideQuantity::InhVapour, n.inh_vapour_sv_per_bq.is_some()),
        ] {
            if present {
                carried.push(q);
            }
        }
        let unchecked = carried.iter().any(|q| !n.is_verified(*q));
        assert_eq!(
            n.verification.contains("UNVERIFIED"),
            unchecked,
            "{}: {}",
            n.name,
            n.verification
        );
    }
    for c in &lib.chemicals {
        for t in c.aegl.iter().flatten().flatten() {
            assert!(!t.source.is_empty());
            let v = t.verification.to_ascii_lowercase();
            assert_eq!(
                t.verified,
                v.starts_with("verified") || v.starts_with("checked")
            );
        }
    }
    // Both countries' early-phase criteria are present with their numbers.
    let c = radiological_criteria();
    let find = |set: &str, action: &str| {
        c.iter()
            .find(|k| k.set == set && k.action == action)
            .unwrap_or_else(|| panic!("{set} {action}"))
    };
    assert_eq!(
        find("US_EPA_PAG_2017", "shelter_or_evacuate").threshold_sv,
        0.010
    );
    assert_eq!(
        find("US_EPA_PAG_2017", "shelter_or_evacuate").window_s,
        4.0 * 86400.0
    );
    assert_eq!(find("HC_2018", "shelter").threshold_sv, 0.010);
    assert_eq!(find("HC_2018", "shelter").window_s, 2.0 * 86400.0);
    assert_eq!(find("HC_2018", "evacuate").threshold_sv, 0.100);
    assert_eq!(find("HC_2018", "evacuate").window_s, 7.0 * 86400.0);
    assert_eq!(find("HC_2018", "evacuate").status, Status::Verified);
    assert_ne!(
        find("US_EPA_PAG_2017", "temporary_relocation").status,
        Status::Verified
    );
}

/// ICRP 72 (1996) Table A.2 (compiled in ICRP 119 Annex G): committed effective dose per unit
/// intake by inhalation, adult member of the public, 1 µm AMAD, absorption type as listed.
const ICRP72_ADULT_INHALATION: [(&str, &str, f64); 18] = [
    ("Co-60", "M", 1.0e-8),
    ("Rb-88", "F", 1.6e-11),
    ("Sr-90", "M", 3.6e-8),
    ("Y-90", "M", 1.4e-9),
    ("Ru-103", "M", 2.4e-9),
    ("Rh-103m", "M", 2.5e-12),
    ("Ru-106", "M", 2.8e-8),
    ("Te-132", "M", 2.0e-9),
    ("I-131", "F", 7.4e-9),
    ("I-132", "F", 9.4e-11),
    ("I-133", "F", 1.5e-9),
    ("I-135", "F", 3.2e-10),
    ("Cs-134", "F", 6.6e-9),
    ("Cs-137", "F", 4.6e-9),
    ("Ba-140", "M", 5.1e-9),
    ("La-140", "M", 1.1e-9),
    ("Pu-239", "M", 5.0e-5),
    ("Am-241", "M", 4.2e-5),
];

#[test]
fn particulate_inhalation_coefficients_are_icrp72_adult_1um_of_the_listed_type() {
    let lib = Library::embedded();
    for (name, ty, e) in ICRP72_ADULT_INHALATION {
        let n = lib.nuclide(name).unwrap();
        assert_eq!(n.inh_type, ty, "{name}");
        assert_eq!(n.inh_effective_sv_per_bq, Some(e), "{name}");
        assert!(n.is_verified(NuclideQuantity::InhEffective), "{name}");
    }
}

#[test]
fn i131_inhalation_coefficient_is_icrp72_type_f() {
    let i = Library::embedded().nuclide("I-131").unwrap();
    assert_eq!(
        (i.inh_type.as_str(), i.inh_effective_sv_per_bq),
        ("F", Some(7.4e-9))
    );
}

/// US EPA Federal Guidance Report 15, EPA 402-R-25-001 (revised July 2025), adult: Table 4-6, air
/// submersion (Sv m³ Bq⁻¹ s⁻¹) and Table 4-1, ground surface (Sv m² Bq⁻¹ s⁻¹). Parent only. EPA
/// withdrew the 2018 and 2019 editions for errors in their tables. `None`: no transcription of
/// the ground-surface value was reachable (the row stays unverified).
const FGR15_2025_ADULT: [(&str, f64, Option<f64>); 27] = [
    ("H-3", 2.55e-24, Some(8.97e-28)),
    ("Co-60", 1.19e-13, None),
    ("Kr-85", 2.40e-16, Some(9.62e-18)),
    ("Kr-88", 9.73e-14, Some(1.17e-15)),
    ("Rb-88", 3.38e-14, None),
    ("Sr-90", 9.79e-17, Some(1.50e-18)),
    ("Y-90", 7.87e-16, None),
    ("Ru-103", 2.20e-14, None),
    ("Rh-103m", 4.13e-18, None),
    ("Ru-106", 2.63e-22, None),
    ("Rh-106", 1.06e-14, None),
    ("Te-132", 9.10e-15, None),
    ("I-131", 1.68e-14, Some(2.43e-16)),
    ("I-132", 1.04e-13, Some(1.47e-15)),
    ("I-133", 2.77e-14, Some(4.27e-16)),
    ("I-135", 7.58e-14, Some(9.95e-16)),
    ("Xe-133", 1.22e-15, Some(1.85e-17)),
    ("Xe-133m", 1.23e-15, Some(1.68e-17)),
    ("Xe-135", 1.08e-14, Some(1.73e-16)),
    ("Xe-135m", 1.88e-14, Some(2.77e-16)),
    ("Cs-134", 7.06e-14, Some(9.87e-16)),
    ("Cs-137", 9.37e-17, Some(3.01e-18)),
    ("Ba-137m", 2.68e-14, Some(3.87e-16)),
    ("Ba-140", 8.01e-15, None),
    ("La-140", 1.11e-13, None),
    ("Pu-239", 3.41e-18, None),
    ("Am-241", 5.73e-16, None),
];

#[test]
fn external_coefficients_are_those_of_fgr15_2025_adult() {
    let lib = Library::embedded();
    // The iodine form rows (`I-131 elemental`, …) repeat their nuclide's coefficients (checked
    // in `substance`); every nuclide is in the table.
    let nuclides = lib.nuclides.iter().filter(|n| !n.name.contains(' '));
    assert_eq!(nuclides.count(), FGR15_2025_ADULT.len());
    for (name, cloud, ground) in FGR15_2025_ADULT {
        let n = lib.nuclide(name).unwrap();
        assert_eq!(n.cloudshine_sv_m3_per_bq_s, cloud, "{name} cloudshine");
        assert!(n.is_verified(NuclideQuantity::Cloudshine), "{name}");
        assert!(n.source.contains("402-R-25-001"), "{name}: {}", n.source);
        match ground {
            Some(g) => {
                assert_eq!(n.groundshine_sv_m2_per_bq_s, g, "{name} groundshine");
                assert!(n.is_verified(NuclideQuantity::Groundshine), "{name}");
            }
            None => assert!(!n.is_verified(NuclideQuantity::Groundshine), "{name}"),
        }
    }
}

#[test]
fn caesium_137_alone_gives_little_external_dose_its_barium_137m_the_most() {
    // FGR 15 excludes progeny: Cs-137 itself is a beta emitter, so its own coefficients are some
    // 130 to 290 times below those of Ba-137m, which emits the 662 keV gamma.
    let lib = Library::embedded();
    let (cs, ba) = (
        lib.nuclide("Cs-137").unwrap(),
        lib.nuclide("Ba-137m").unwrap(),
    );
    assert!(ba.cloudshine_sv_m3_per_bq_s / cs.cloudshine_sv_m3_per_bq_s > 250.0);
    assert!(ba.groundshine_sv_m2_per_bq_s / cs.groundshine_sv_m2_per_bq_s > 100.0);
}

#[test]
fn hydrogen_cyanide_aegls_are_those_of_nrc_2002() {
    // NRC AEGL Vol. 2 (2002), ppm at 10 min, 30 min, 1 h, 4 h, 8 h; the 30-min AEGL-1 equals the
    // 10-min one (2.5 ppm).
    let hcn = Library::embedded().chemical("Hydrogen cyanide").unwrap();
    let want = [
        [2.5, 2.5, 2.0, 1.3, 1.0],
        [17.0, 10.0, 7.1, 3.5, 2.5],
        [27.0, 21.0, 15.0, 8.6, 6.6],
    ];
    for (level, row) in want.iter().enumerate() {
        for (k, ppm) in row.iter().enumerate() {
            let t = hcn.aegl[level][k].as_ref().unwrap();
            let got = hcn.kg_m3_to_ppm(t.value_kg_m3);
            assert!(
                (got - ppm).abs() < 0.005 * ppm,
                "AEGL-{} at {} s: {got} ppm, want {ppm}",
                level + 1,
                plume::substance::AEGL_DURATIONS_S[k]
            );
            assert!(t.verified, "AEGL-{} {k}", level + 1);
        }
    }
}
