//! Every embedded table value has a source; the parsers refuse rows without one.

use plume::impact::criteria::parse_criteria;
use plume::impact::{radiological_criteria, Status};
use plume::substance::{embedded_tables, parse_nuclide_table, Library};

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
    // Blank the `source` field of the first data row (quoted field after the 10th comma).
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let first = rdr.records().next().unwrap().unwrap();
    let src = first.get(10).unwrap().to_string();
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
        // Particulate inhalation and external coefficients could not be checked: they must say so.
        assert!(n.verification.contains("UNVERIFIED"), "{}", n.name);
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
