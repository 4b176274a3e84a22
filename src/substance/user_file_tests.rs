//! Tests of user substance files: entries added and replaced, and every mistake refused with
//! its entry and key.

use super::*;

/// The embedded library with the user file `text` (named mine.toml).
fn with_user(text: &str) -> Result<Library, SubstanceError> {
    Library::embedded()
        .clone()
        .with_user_text("mine.toml", text)
}

/// A user file's nuclide `name` that decays wholly to `daughter`.
fn user_nuclide(name: &str, daughter: &str) -> String {
    format!(
        r#"
        [[nuclide]]
        name = "{name}"
        half_life_s = 1000.0
        deposition_class = "particulate"
        cloudshine_sv_m3_per_bq_s = 1.0e-14
        groundshine_sv_m2_per_bq_s = 1.0e-16
        daughters = [{{ name = "{daughter}", branching = 1.0 }}]
        source = "test"
    "#
    )
}

/// The error the user file `text` gives, as text.
fn user_error(text: &str) -> String {
    with_user(text).unwrap_err().to_string()
}

#[test]
fn user_file_overrides_and_adds_with_located_errors() {
    let text = r#"
        [[nuclide]]
        name = "i131"
        half_life_s = 692988.0
        deposition_class = "elemental_iodine"
        inh_effective_sv_per_bq = 2.0e-8
        cloudshine_sv_m3_per_bq_s = 1.68e-14
        groundshine_sv_m2_per_bq_s = 2.43e-16
        source = "ICRP 119 Annex H"
        [[chemical]]
        name = "Acrolein"
        mw_g_per_mol = 56.06
        toxic_load_n = 1.0
        aegl3_mg_m3 = [14.0, 5.7, 3.2, 0.83, 0.46]
        source = "test"
    "#;
    let lib = with_user(text).unwrap();
    let i = lib.nuclide("I-131").unwrap();
    assert_eq!(i.inh_effective_sv_per_bq, Some(2.0e-8));
    assert!(i.verified.is_empty());
    // The file's I-131 replaces the embedded row and takes its vapour forms with it: they
    // would keep the embedded half-life and coefficients (found by review).
    assert_eq!(lib.nuclides.len(), Library::embedded().nuclides.len() - 2);
    assert!(lib.nuclide("I-131 elemental").is_none());
    assert!(lib.nuclide("I-133 elemental").is_some());
    assert!(lib.chemical("acrolein").unwrap().aegl[2][2].is_some());

    let bad = text.replace("2.0e-8", "-1.0");
    let err = user_error(&bad);
    assert!(
        err.contains("mine.toml") && err.contains("nuclide[0]"),
        "{err}"
    );
    assert!(
        err.contains("inh_effective_sv_per_bq") && err.contains("-1"),
        "{err}"
    );
}

/// Found by review: AEGLs out of order (an AEGL-3 zone wider than the AEGL-1 one),
/// branchings adding up to 2.5, and a new chemical taking chlorine's CAS number (which then
/// resolved to the library's chlorine) were all accepted.
#[test]
fn user_file_refuses_disordered_aegls_branchings_over_one_and_another_chemicals_cas() {
    let foo = |aegl1: &str, aegl3: &str, cas: &str| {
        format!(
            r#"
            [[chemical]]
            name = "Foo"
            cas = "{cas}"
            mw_g_per_mol = 50.0
            toxic_load_n = 1.0
            aegl1_mg_m3 = [{aegl1}]
            aegl3_mg_m3 = [{aegl3}]
            source = "test"
        "#
        )
    };
    let ordered = foo("1, 1, 1, 1, 1", "10, 10, 10, 10, 10", "");
    assert!(with_user(&ordered).is_ok());
    let err = user_error(&foo("1, 1, 1, 1, 1", "10, 10, 0.1, 10, 10", ""));
    for part in [
        "chemical[0]",
        "aegl3_mg_m3[2]",
        "0.1",
        "aegl1_mg_m3[2] = 1",
        "1 h",
    ] {
        assert!(err.contains(part), "{part:?} not in: {err}");
    }
    let err = user_error(&foo("1, 1, 1, 1, 1", "10, 10, 10, 10, 10", "7782-50-5"));
    for part in ["chemical[0]", "cas", "7782-50-5", "Chlorine's"] {
        assert!(err.contains(part), "{part:?} not in: {err}");
    }
    // Its own CAS number, or chlorine's own when it replaces chlorine, is fine.
    assert!(with_user(&foo("1, 1, 1, 1, 1", "10, 10, 10, 10, 10", "50-00-0")).is_ok());
    let chlorine = foo("1, 1, 1, 1, 1", "10, 10, 10, 10, 10", "7782-50-5")
        .replace("name = \"Foo\"", "name = \"Chlorine\"");
    assert!(with_user(&chlorine).is_ok());

    let two = user_nuclide("Zz-1", "Cs-137").replace(
        r#"daughters = [{ name = "Cs-137", branching = 1.0 }]"#,
        r#"daughters = [{ name = "Cs-137", branching = 1.0 }, { name = "Sr-90", branching = 1.0 }]"#,
    );
    let err = user_error(&two);
    for part in ["nuclide[0]", "daughters", "adding up to 2", "at most 1"] {
        assert!(err.contains(part), "{part:?} not in: {err}");
    }
    let halves = two.replace("branching = 1.0 }", "branching = 0.5 }");
    assert!(with_user(&halves).is_ok(), "{halves}");
}

/// Found by review: a replaced chemical lost its CAS number when the file gave none, so a
/// scenario naming it by CAS ran it as an inert gas with no zones; a zero AEGL was taken
/// (every cell the gas reaches in the zone); a nuclide could be its own daughter (it grew
/// itself in the inventory).
#[test]
fn user_file_keeps_a_replaced_chemicals_cas_and_refuses_zero_thresholds_and_self_daughters() {
    let chlorine = r#"
        [[chemical]]
        name = "Chlorine"
        mw_g_per_mol = 70.9
        toxic_load_n = 2.0
        aegl2_mg_m3 = [8.1, 8.1, 5.8, 2.9, 2.0]
        source = "test"
    "#;
    let lib = with_user(chlorine).unwrap();
    let by_cas = lib.chemical("7782-50-5").expect("found by its CAS number");
    assert_eq!(by_cas.name, "Chlorine");
    assert!(
        by_cas.aegl[0][0].is_none(),
        "the user's entry, not the library's"
    );
    let zero = chlorine.replace("[8.1, 8.1, 5.8", "[0.0, 8.1, 5.8");
    let err = user_error(&zero);
    assert!(
        err.contains("aegl2_mg_m3[0]") && err.contains("chemical[0]"),
        "{err}"
    );
    let err = user_error(&user_nuclide("Xx-1", "xx1"));
    assert!(
        err.contains("daughters[0].name") && err.contains("Xx-1"),
        "{err}"
    );
}

/// Found by review: a substance file's "CO" answered "Co" (cobalt), since only the
/// library's formulas kept their case.
#[test]
fn a_user_chemical_named_by_its_formula_keeps_the_formulas_case() {
    let co = r#"
        [[chemical]]
        name = "CO"
        mw_g_per_mol = 28.0
        toxic_load_n = 1.0
        aegl2_mg_m3 = [480.0, 170.0, 95.0, 38.0, 31.0]
        source = "test"
    "#;
    let lib = with_user(co).unwrap();
    for written in ["CO", "co", "CO gas"] {
        assert_eq!(lib.chemical(written).map(|c| c.name.as_str()), Some("CO"));
    }
    assert!(lib.chemical("Co").is_none());
    assert!(matches!(
        lib.chemical_name("Co"),
        names::ChemicalName::Typo { like: "CO", .. }
    ));
}

/// Found by the fuzz review: a substance file reported only its first mistake, and a value
/// of the wrong type as the TOML parser's raw text. Every mistake is now a problem of its
/// own naming its entry and key — a wrong type, a typo'd key (the entry is read again
/// without it), values out of range in one entry.
#[test]
fn user_file_reports_every_mistake_naming_its_entry_and_key() {
    let text = r#"
        [[chemical]]
        name = "X"
        mw_g_per_mol = "seventy"
        toxic_load_n = 2.0
        source = "me"
        [[chemical]]
        name = "Y"
        mw_g_per_mol = 0.5
        toxic_load_n = 20.0
        source = "me"
        [[nuclide]]
        name = "Q-1"
        half_life_s = 10.0
        deposition_class = "particulate"
        cloudshine_sv_m3_per_bq_s = 1e-14
        groundshine_sv_m2_per_bq_s = 1e-16
        source = "me"
        colour = "blue"
    "#;
    let err = Library::embedded()
        .clone()
        .with_user_text("mine.toml", text)
        .unwrap_err();
    let problems: Vec<String> = err.problems().iter().map(|e| e.to_string()).collect();
    assert_eq!(problems.len(), 4, "{problems:#?}");
    let has = |needles: &[&str]| {
        problems
            .iter()
            .any(|p| needles.iter().all(|n| p.contains(n)))
    };
    assert!(
        has(&["mine.toml", "chemical[0]", "`mw_g_per_mol`", "seventy"]),
        "{problems:#?}"
    );
    assert!(
        has(&["chemical[1]", "`mw_g_per_mol`", "0.5"]),
        "{problems:#?}"
    );
    assert!(
        has(&["chemical[1]", "`toxic_load_n`", "20"]),
        "{problems:#?}"
    );
    assert!(
        has(&["nuclide[0]", "`colour`", "blue", "unknown field"]),
        "{problems:#?}"
    );
    // A syntax error names its line and column.
    let err = user_error("[[chemical]\nname = 1\n");
    assert!(err.contains("line 1, column"), "{err}");
}

/// Found by the fuzz review: two chemicals of one name (which one would a run use?) and a
/// decay loop through two nuclides (A → B → A) were taken without a word.
#[test]
fn user_file_refuses_a_name_given_twice_and_a_decay_loop() {
    let chain = user_nuclide("Aa-1", "Bb-1")
        + &user_nuclide("Bb-1", "Cc-1")
        + &user_nuclide("Cc-1", "Xe-133");
    assert!(with_user(&chain).is_ok(), "a chain without a loop");
    let looped =
        user_nuclide("Aa-1", "Bb-1") + &user_nuclide("Bb-1", "Cc-1") + &user_nuclide("Cc-1", "aa1");
    let err = user_error(&looped);
    assert!(
        err.contains("nuclide[0]") && err.contains("Aa-1 → Bb-1 → Cc-1 → Aa-1"),
        "{err}"
    );
    let twice = user_nuclide("Aa-1", "Xe-133") + &user_nuclide("aa1", "Xe-133");
    let err = user_error(&twice);
    assert!(
        err.contains("nuclide[1]") && err.contains("nuclide[0]"),
        "{err}"
    );
    let chemical = |mw: f64| {
        format!(
            "[[chemical]]\nname = \"Foo\"\nmw_g_per_mol = {mw}\ntoxic_load_n = 2.0\nsource = \"test\"\n"
        )
    };
    let err = user_error(&(chemical(50.0) + &chemical(60.0)));
    assert!(
        err.contains("chemical[1]") && err.contains("Foo") && err.contains("chemical[0]"),
        "{err}"
    );
}

#[test]
fn an_empty_user_file_is_refused() {
    for text in [
        "",
        "# my substances\n",
        "nuclide = []\n",
        "chemical = []\nnuclide = []\n",
    ] {
        let e = user_error(text);
        assert!(
            e.contains("at least one [[nuclide]] or [[chemical]] table"),
            "{e}"
        );
    }
    // A misspelt table is reported as such, not also as "no substances".
    let e = user_error("[[nuclides]]\nname = \"X\"\n");
    assert!(!e.contains("at least one [[nuclide]]"), "{e}");
}
