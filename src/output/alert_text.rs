//! What each zone tells the public, in English and French: the title, the instruction and how a
//! CAP 1.2 alert classifies it (response type, urgency, severity).
//!
//! The radiological texts follow the action each criterion names: Health Canada (2018) §3
//! (shelter, evacuate, iodine thyroid blocking, temporary relocation) and the US EPA PAG Manual
//! (2017) Table 1-1 (shelter-in-place or evacuation, potassium iodide, relocation). The chemical
//! texts follow the AEGL tier definitions (US EPA/NRC AEGL programme: AEGL-1 notable discomfort
//! and irritation, AEGL-2 irreversible or serious long-lasting effects or an impaired ability to
//! escape, AEGL-3 life-threatening effects or death) with shelter-in-place as the first public
//! action for a short toxic-gas release (US DHS/FEMA and Public Safety Canada guidance; the
//! incident commander may order evacuation instead). The French texts are the developers'
//! translations, not official wording; an alerting authority reviews every message before it is
//! issued (the alert is written with status `Draft`).
//!
//! Numbers in these texts are written for readers: areas to two significant figures, thresholds
//! to three in mg m-3 or mSv ([`two_figures`], [`threshold_text`]; the wording of numbers is
//! [`super::wording`]'s).

use crate::geo::jurisdiction::Country;
pub use crate::impact::criteria::threshold_text;
use crate::impact::Criterion;
use crate::output::wording::{dose_text, trim, window_text};
pub use crate::output::wording::{fr_number, fr_spaces, two_figures};

/// The CAP 1.2 classification and the public texts of one zone.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneText {
    /// CAP `responseType` values, in order.
    pub response: &'static [&'static str],
    /// CAP `urgency`.
    pub urgency: &'static str,
    /// CAP `severity`.
    pub severity: &'static str,
    /// Whether the zone belongs in a public alert (relocation is a later-phase decision).
    pub alert: bool,
    /// KML/map colour as `aabbggrr` (KML's order).
    pub kml_colour: &'static str,
    pub title_en: String,
    pub title_fr: String,
    pub instruction_en: &'static str,
    pub instruction_fr: &'static str,
    /// The Wireless Emergency Alert text for US phones, at most [`WEA_SHORT_CHARS`] characters
    /// (the IPAWS profile's `CMAMtext`); without it IPAWS makes up a generic one.
    pub wea_en: String,
}

/// The most characters of a WEA message every phone shows (`CMAMtext`; 47 CFR § 10.430).
pub const WEA_SHORT_CHARS: usize = 90;
/// The most characters of the long WEA message newer phones show (`CMAMlongtext`).
pub const WEA_LONG_CHARS: usize = 360;

/// The long WEA text of a zone: `title. instruction`, or where that is longer than
/// [`WEA_LONG_CHARS`], as many of its whole sentences from the start as fit (a cut sentence
/// could turn an instruction around); `None` only if not even the first fits.
pub fn wea_long_en(text: &ZoneText) -> Option<String> {
    let long = format!("{}. {}", text.title_en, text.instruction_en);
    let mut kept = String::new();
    for sentence in long.split_inclusive(". ") {
        if (kept.clone() + sentence).trim_end().chars().count() > WEA_LONG_CHARS {
            break;
        }
        kept.push_str(sentence);
    }
    let kept = kept.trim_end();
    (!kept.is_empty()).then(|| kept.to_string())
}

/// Health Canada's shelter (averted dose over 2 days) may lie inside its evacuation zone
/// (projected dose over 7 days) in one alert: its instruction says which comes first (found by
/// review: the Lepreau alert said both "go indoors" and "leave" inside 26 km).
const SHELTER_EN: &str = "Go indoors now and stay inside. Close windows and doors, turn off \
fans and ventilation that draw in outside air, and follow local media for instructions. Where \
this alert also tells you to leave the area, leave: evacuation comes first.";
const SHELTER_FR: &str =
    "Rendez-vous à l'intérieur maintenant et restez-y. Fermez les portes et les \
fenêtres, arrêtez les ventilateurs et la ventilation qui aspirent l'air extérieur, et suivez les \
médias locaux pour connaître les directives. Là où la présente alerte vous demande aussi de \
quitter la zone, partez\u{a0}: l'évacuation passe en premier.";
const EVACUATE_EN: &str = "Leave the area now as directed by local authorities, by the routes \
they give. Go to a reception centre for monitoring. Take only essential items.";
const EVACUATE_FR: &str = "Quittez la zone maintenant selon les directives des autorités locales, \
par les itinéraires indiqués. Rendez-vous à un centre d'accueil pour y subir un contrôle de la \
contamination radioactive. N'emportez que l'essentiel.";
const SHELTER_OR_EVACUATE_EN: &str = "Shelter in place or evacuate as state and local officials \
direct. Until told otherwise, stay indoors with windows and doors closed and ventilation off.";
const SHELTER_OR_EVACUATE_FR: &str = "Mettez-vous à l'abri ou évacuez selon les directives des \
autorités de l'État et des autorités locales. Jusqu'à nouvel ordre, restez à l'intérieur, portes \
et fenêtres fermées et ventilation arrêtée.";
const IODINE_EN: &str = "Take potassium iodide (KI) tablets only when public health authorities \
tell you to, at the dose they give.";
const IODINE_FR: &str = "Prenez des comprimés d'iodure de potassium (KI) uniquement lorsque les \
autorités de santé publique vous le demandent, à la dose indiquée.";
const RELOCATION_EN: &str = "Authorities may ask residents to relocate temporarily; no immediate \
action is needed. Follow local media.";
const RELOCATION_FR: &str = "Les autorités pourraient demander aux résidents de quitter \
temporairement leur domicile (réinstallation temporaire); aucune mesure immédiate n'est requise. \
Suivez les médias locaux.";
const CHEMICAL_SHELTER_EN: &str = "Shelter in place now: go indoors, close windows and doors, \
turn off ventilation, and stay inside until told it is safe. Evacuate only if emergency \
officials direct you to.";
const CHEMICAL_SHELTER_FR: &str = "Mettez-vous à l'abri sur place maintenant\u{a0}: \
rendez-vous à l'intérieur, fermez portes et fenêtres, arrêtez la ventilation et restez à l'intérieur jusqu'à \
avis contraire. N'évacuez que sur ordre des autorités.";
const CHEMICAL_MONITOR_EN: &str = "Stay indoors if you notice a smell or irritation of the \
eyes, nose or throat, and follow local media for instructions.";
const CHEMICAL_MONITOR_FR: &str = "Restez à l'intérieur si vous sentez une odeur ou ressentez \
une irritation des yeux, du nez ou de la gorge, et suivez les médias locaux pour connaître les \
directives.";

/// The texts of a radiological criterion's zone.
pub fn radiological(c: &Criterion) -> ZoneText {
    // French writes decimals with a comma ("0,5 mSv").
    let dose_fr = dose_text(c.threshold_sv).replace('.', ",");
    // US criteria are written in rem, so their texts give both ("10 mSv (1 rem)").
    let dose = match c.country {
        Country::Us => format!(
            "{} ({} rem)",
            dose_text(c.threshold_sv),
            trim(c.threshold_sv * 100.0)
        ),
        _ => dose_text(c.threshold_sv),
    };
    let (win_en, win_fr) = window_text(c.window_s);
    let (authority_en, authority_fr) = match c.set.as_str() {
        "HC_2018" => ("Health Canada 2018", "Santé Canada 2018"),
        "US_EPA_PAG_2017" => ("US EPA PAG 2017", "EPA des États-Unis, PAG 2017"),
        other => (other, other),
    };
    let basis_en;
    let basis_fr;
    match c.quantity {
        crate::impact::DoseQuantity::EffectiveProjected => {
            basis_en = format!("projected dose at least {dose} over {win_en}");
            basis_fr = format!("dose projetée d'au moins {dose_fr} sur {win_fr}");
        }
        crate::impact::DoseQuantity::EffectiveAverted => {
            basis_en = format!("sheltering averts at least {dose} over {win_en}");
            basis_fr = format!("dose évitée d'au moins {dose_fr} sur {win_fr}");
        }
        crate::impact::DoseQuantity::ThyroidProjected => {
            basis_en = format!("projected thyroid dose at least {dose} over {win_en}");
            basis_fr = format!("dose projetée à la thyroïde d'au moins {dose_fr} sur {win_fr}");
        }
        crate::impact::DoseQuantity::GroundProjected => {
            basis_en = format!("projected dose from the deposit at least {dose} over {win_en}");
            basis_fr = format!("dose projetée due aux dépôts d'au moins {dose_fr} sur {win_fr}");
        }
        crate::impact::DoseQuantity::ThyroidChildProjected => {
            basis_en = format!("projected child thyroid dose at least {dose} over {win_en}");
            basis_fr = format!(
                "dose projetée à la thyroïde d'un enfant d'au moins {dose_fr} sur {win_fr}"
            );
        }
    }
    let wea_en = match c.action.as_str() {
        "evacuate" => "leave the area now as local officials direct",
        "shelter" => "go indoors now, close windows, turn off fans",
        "shelter_or_evacuate" => "go indoors or leave as officials direct",
        "iodine_thyroid_blocking" | "potassium_iodide" => {
            "take potassium iodide (KI) only if health officials say so"
        }
        "temporary_relocation" => "officials may ask you to relocate later",
        _ => "follow the directions of local officials",
    };
    let wea_en = format!("Radiation release: {wea_en}.");
    // Where it still fits on every phone.
    let wea_en = match format!("{wea_en} Follow local media.") {
        long if long.chars().count() <= WEA_SHORT_CHARS => long,
        _ => wea_en,
    };
    let (action_en, action_fr, response, severity, alert, colour, i_en, i_fr): (
        &str,
        &str,
        &'static [&'static str],
        &'static str,
        bool,
        &'static str,
        &'static str,
        &'static str,
    ) = match c.action.as_str() {
        "evacuate" => (
            "Evacuate",
            "Évacuation",
            &["Evacuate"],
            "Severe",
            true,
            "a00000ff",
            EVACUATE_EN,
            EVACUATE_FR,
        ),
        "shelter" => (
            "Shelter in place",
            "Mise à l'abri",
            &["Shelter"],
            "Severe",
            true,
            "a000a5ff",
            SHELTER_EN,
            SHELTER_FR,
        ),
        "shelter_or_evacuate" => (
            "Shelter in place or evacuate",
            "Mise à l'abri ou évacuation",
            &["Shelter", "Evacuate"],
            "Severe",
            true,
            "a00045ff",
            SHELTER_OR_EVACUATE_EN,
            SHELTER_OR_EVACUATE_FR,
        ),
        // Health Canada names the measure; the US PAG names the drug (EPA 2017 Table 1-1).
        "iodine_thyroid_blocking" | "potassium_iodide" => (
            if c.action == "potassium_iodide" {
                "Potassium iodide (KI)"
            } else {
                "Iodine thyroid blocking"
            },
            if c.action == "potassium_iodide" {
                "Iodure de potassium (KI)"
            } else {
                "Blocage de la thyroïde par l'iode"
            },
            &["Execute"],
            "Moderate",
            true,
            "a0d30094",
            IODINE_EN,
            IODINE_FR,
        ),
        "temporary_relocation" => (
            "Temporary relocation",
            "Réinstallation temporaire",
            &["Prepare"],
            "Moderate",
            false,
            "a000ffff",
            RELOCATION_EN,
            RELOCATION_FR,
        ),
        _ => (
            c.action.as_str(),
            c.action.as_str(),
            &["Monitor"],
            "Moderate",
            false,
            "a0808080",
            RELOCATION_EN,
            RELOCATION_FR,
        ),
    };
    ZoneText {
        response,
        urgency: if alert { "Immediate" } else { "Expected" },
        severity,
        alert,
        kml_colour: colour,
        title_en: format!("{action_en}: {basis_en} ({authority_en})"),
        title_fr: fr_spaces(&format!("{action_fr} : {basis_fr} ({authority_fr})")),
        instruction_en: i_en,
        instruction_fr: i_fr,
        wea_en,
    }
}

/// The French name of a library chemical (the developers' translation of the IUPAC/common name),
/// or the name as given.
pub fn chemical_name_fr(name: &str) -> String {
    match name {
        "Chlorine" => "Chlore",
        "Ammonia" => "Ammoniac",
        "Hydrogen sulfide" => "Sulfure d'hydrogène",
        "Sulfur dioxide" => "Dioxyde de soufre",
        "Hydrogen cyanide" => "Cyanure d'hydrogène",
        "Phosgene" => "Phosgène",
        "Hydrogen fluoride" => "Fluorure d'hydrogène",
        "Methyl isocyanate" => "Isocyanate de méthyle",
        "Sarin (GB)" => "Sarin (GB)",
        "VX" => "VX",
        "Sulfur mustard (HD)" => "Ypérite (moutarde au soufre, HD)",
        other => other,
    }
    .to_string()
}

/// The texts of a chemical's AEGL-`level` zone at `duration_min`.
pub fn chemical(name: &str, level: u8, duration_min: f64) -> ZoneText {
    let fr = chemical_name_fr(name);
    let d = trim(duration_min);
    let (effect_en, effect_fr, severity, colour) = match level {
        3 => (
            "life-threatening health effects possible",
            "risque d'effets mettant la vie en danger",
            "Extreme",
            "a00000ff",
        ),
        2 => (
            "serious or lasting health effects, or impaired ability to escape, possible",
            "effets graves ou durables sur la santé, ou capacité réduite de quitter les lieux, \
             possibles",
            "Severe",
            "a000a5ff",
        ),
        _ => (
            "notable discomfort and irritation possible",
            "inconfort notable et irritation possibles",
            "Moderate",
            "a000ffff",
        ),
    };
    let (response, i_en, i_fr): (&'static [&'static str], _, _) = if level >= 2 {
        (&["Shelter"], CHEMICAL_SHELTER_EN, CHEMICAL_SHELTER_FR)
    } else {
        (&["Monitor"], CHEMICAL_MONITOR_EN, CHEMICAL_MONITOR_FR)
    };
    let act = if level >= 2 {
        "go indoors now, close windows and doors, turn off fans"
    } else {
        "stay indoors if you smell it or your eyes sting"
    };
    // The chemical named where the text still fits on every phone.
    let wea_en = [
        format!("{name} release: {act}."),
        format!("Toxic gas release: {act}."),
    ]
    .into_iter()
    .find(|t| t.chars().count() <= WEA_SHORT_CHARS)
    .unwrap_or_else(|| {
        format!(
            "Toxic gas release: {}.",
            &act[..act.find(',').unwrap_or(act.len())]
        )
    });
    ZoneText {
        response,
        urgency: "Immediate",
        severity,
        alert: true,
        kml_colour: colour,
        title_en: format!("{name}: AEGL-{level} ({d} min) exceeded, {effect_en}"),
        title_fr: fr_spaces(&format!(
            "{fr} : seuil AEGL-{level} ({} min) dépassé, {effect_fr}",
            d.replace('.', ",")
        )),
        instruction_en: i_en,
        instruction_fr: i_fr,
        wea_en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::impact::radiological_criteria;

    #[test]
    fn every_wea_text_fits_on_every_phone() {
        let chemicals = &crate::substance::Library::embedded().chemicals;
        let texts = radiological_criteria()
            .iter()
            .map(radiological)
            .chain(
                chemicals
                    .iter()
                    .flat_map(|c| (1..=3).map(|l| chemical(&c.name, l, 60.0))),
            )
            .chain([chemical(
                "A very long user chemical name beyond every phone",
                3,
                10.0,
            )]);
        for t in texts {
            let n = t.wea_en.chars().count();
            assert!(n <= WEA_SHORT_CHARS && n > 40, "{n}: {}", t.wea_en);
            assert!(!t.wea_en.contains("odour"), "{}", t.wea_en);
        }
        let cl = chemical("Chlorine", 3, 60.0);
        assert_eq!(
            cl.wea_en,
            "Chlorine release: go indoors now, close windows and doors, turn off fans."
        );
        assert!(wea_long_en(&cl).is_some_and(|t| t.chars().count() <= WEA_LONG_CHARS));
    }

    #[test]
    fn a_long_wea_text_keeps_whole_sentences_that_fit() {
        let chemicals = &crate::substance::Library::embedded().chemicals;
        let texts = radiological_criteria().iter().map(radiological).chain(
            chemicals
                .iter()
                .flat_map(|c| (1..=3).map(|l| chemical(&c.name, l, 60.0))),
        );
        for t in texts {
            let long = wea_long_en(&t).expect("every shipped zone has a long WEA text");
            assert!(long.chars().count() <= WEA_LONG_CHARS, "{long}");
            assert!(long.starts_with(&t.title_en), "{long}");
        }
        // Past 360 characters the last sentences go, whole.
        let mut t = chemical("Chlorine", 3, 60.0);
        t.instruction_en = "Go indoors now. Close every window and door. \
Turn off fans, furnaces and air conditioners that draw in outside air, and tape the gaps \
around doors and windows where you can do so quickly and safely. Stay away from windows. \
Follow local radio, television and official social media for instructions from officials. \
Do not call 911 unless you have an emergency; lines must stay open for those who do.";
        let long = wea_long_en(&t).unwrap();
        assert!(long.chars().count() <= WEA_LONG_CHARS, "{long}");
        assert!(long.ends_with("Stay away from windows."), "{long}");
        t.title_en = "x".repeat(WEA_LONG_CHARS + 1);
        assert_eq!(wea_long_en(&t), None);
    }

    #[test]
    fn every_embedded_criterion_has_its_own_bilingual_text() {
        for c in radiological_criteria() {
            let t = radiological(c);
            assert!(!t.title_en.contains('_'), "{}", t.title_en);
            assert_ne!(t.title_en, t.title_fr);
            assert_ne!(t.instruction_en, t.instruction_fr);
            assert!(
                !t.response.contains(&"Monitor"),
                "{} has no action text",
                c.label()
            );
        }
    }

    #[test]
    fn health_canada_evacuation_reads_as_its_criterion() {
        let c = radiological_criteria()
            .iter()
            .find(|c| c.set == "HC_2018" && c.action == "evacuate")
            .unwrap();
        let t = radiological(c);
        assert_eq!(
            t.title_en,
            "Evacuate: projected dose at least 100 mSv over 7 days (Health Canada 2018)"
        );
        assert_eq!(
            t.title_fr,
            "Évacuation\u{a0}: dose projetée d'au moins 100\u{a0}mSv sur 7\u{a0}jours (Santé Canada 2018)"
        );
        assert_eq!(t.response, &["Evacuate"]);
        // Its shelter zone may lie inside the evacuation zone: the shelter instruction yields.
        let shelter = radiological_criteria()
            .iter()
            .find(|c| c.set == "HC_2018" && c.action == "shelter")
            .unwrap();
        let t = radiological(shelter);
        assert!(t.instruction_en.ends_with("leave: evacuation comes first."));
        assert!(t
            .instruction_fr
            .ends_with("partez\u{a0}: l'évacuation passe en premier."));
    }

    #[test]
    fn each_country_names_iodine_blocking_its_own_way() {
        let title = |set: &str| {
            let c = radiological_criteria()
                .iter()
                .find(|c| c.set == set && c.level == 0 && c.quantity.is_thyroid())
                .unwrap();
            radiological(c).title_en
        };
        assert!(title("US_EPA_PAG_2017").starts_with("Potassium iodide (KI):"));
        assert!(title("HC_2018").starts_with("Iodine thyroid blocking:"));
        // The US PAG is set on the child's thyroid dose, Health Canada's on the thyroid's.
        assert!(title("US_EPA_PAG_2017")
            .contains("projected child thyroid dose at least 50 mSv (5 rem) over 4 days"));
        assert!(title("HC_2018").contains("projected thyroid dose at least 50 mSv"));
    }

    #[test]
    fn aegl_tiers_rank_by_severity() {
        assert_eq!(chemical("Chlorine", 3, 60.0).severity, "Extreme");
        assert_eq!(chemical("Chlorine", 2, 60.0).severity, "Severe");
        assert_eq!(chemical("Chlorine", 1, 60.0).severity, "Moderate");
        assert!(chemical("Chlorine", 2, 60.0)
            .title_fr
            .starts_with("Chlore\u{a0}: seuil AEGL-2 (60\u{a0}min)"));
        assert!(chemical("Chlorine", 2, 7.5)
            .title_fr
            .starts_with("Chlore\u{a0}: seuil AEGL-2 (7,5\u{a0}min)"));
        assert_eq!(window_text(5400.0).1, "1,5 h");
    }
}
