//! How far a zone reaches, in words, in English and French: the distance and compass point
//! from its source and the sectors it covers, for alerts, KML and summaries (French
//! typography and elision applied).

use crate::output::wording::{fr_number, fr_spaces};

/// How far a zone reaches, in English and French: "The zone reaches 16.4 km NE (45°) of
/// chlorine tank car." / "La zone s'étend jusqu'à 16,4 km au nord-est (45°) de chlorine tank
/// car." (French typography applied).
pub fn reach_text(r: &crate::impact::reach::Reach) -> (String, String) {
    const FR: [&str; 16] = [
        "au nord",
        "au nord-nord-est",
        "au nord-est",
        "à l'est-nord-est",
        "à l'est",
        "à l'est-sud-est",
        "au sud-est",
        "au sud-sud-est",
        "au sud",
        "au sud-sud-ouest",
        "au sud-ouest",
        "à l'ouest-sud-ouest",
        "à l'ouest",
        "à l'ouest-nord-ouest",
        "au nord-ouest",
        "au nord-nord-ouest",
    ];
    /// French abbreviations of [`crate::geo::COMPASS_POINTS`] (O for ouest).
    const FR_POINTS: [&str; 16] = [
        "N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSO", "SO", "OSO", "O", "ONO",
        "NO", "NNO",
    ];
    let km = format!("{:.1}", r.distance_m / 1000.0);
    let sector = crate::geo::compass_index(r.bearing_deg);
    let list = |names: Vec<&str>, and: &str| match names.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    };
    let (sectors_en, sectors_fr) = match r.sectors.len() {
        0 => (String::new(), String::new()),
        1 => (
            format!(", in the {} sector", r.sectors[0]),
            format!(
                ", dans le secteur {}",
                french_point(r.sectors[0], &FR_POINTS)
            ),
        ),
        16 => (
            ", in every sector around it".to_string(),
            ", dans tous les secteurs autour".to_string(),
        ),
        _ => (
            format!(", in the {} sectors", list(r.sectors.clone(), "and")),
            format!(
                ", dans les secteurs {}",
                list(
                    r.sectors
                        .iter()
                        .map(|s| french_point(s, &FR_POINTS))
                        .collect(),
                    "et"
                )
            ),
        ),
    };
    (
        format!(
            "The zone reaches {km} km {} ({:.0}°) of {}{sectors_en}.",
            crate::geo::compass_point(r.bearing_deg),
            r.bearing_deg,
            r.source
        ),
        fr_spaces(&format!(
            "La zone s'étend jusqu'à {} km {} ({:.0}°) {}{sectors_fr}.",
            fr_number(&km),
            FR[sector],
            r.bearing_deg,
            fr_de(r.source_fr.as_deref().unwrap_or(&r.source))
        )),
    )
}

/// "de" before a name, elided before a vowel or an h ("d'ammonia tank truck", found by review:
/// "de ammonia tank truck"); not before a y ("de Yarmouth"); contracted with an article that
/// starts a French name ("le wagon-citerne" gives "du wagon-citerne", "les réservoirs" "des
/// réservoirs").
fn fr_de(name: &str) -> String {
    for (article, contracted) in [
        ("le ", "du "),
        ("Le ", "du "),
        ("les ", "des "),
        ("Les ", "des "),
    ] {
        if let Some(rest) = name.strip_prefix(article) {
            return format!("{contracted}{rest}");
        }
    }
    let elided = name
        .chars()
        .next()
        .is_some_and(|c| "aeiouhàâäéèêëîïôöùûüœAEIOUHÀÂÄÉÈÊËÎÏÔÖÙÛÜŒ".contains(c));
    match elided {
        true => format!("d'{name}"),
        false => format!("de {name}"),
    }
}

/// The French abbreviation of an English compass point.
fn french_point<'a>(point: &str, french: &[&'a str; 16]) -> &'a str {
    crate::geo::COMPASS_POINTS
        .iter()
        .position(|p| *p == point)
        .map_or("?", |k| french[k])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reach_reads_as_distance_and_direction_in_both_languages() {
        let r = crate::impact::reach::Reach {
            source: "tank car".into(),
            source_fr: None,
            distance_m: 16_420.0,
            bearing_deg: 44.6,
            sectors: vec!["NNE", "NE", "ENE"],
        };
        let (en, fr) = reach_text(&r);
        assert_eq!(
            en,
            "The zone reaches 16.4 km NE (45°) of tank car, in the NNE, NE and ENE sectors."
        );
        assert_eq!(
            fr.replace('\u{a0}', "~"),
            "La zone s'étend jusqu'à 16,4~km au nord-est (45°) de tank car, dans les secteurs NNE, NE et ENE."
        );
        let west = crate::impact::reach::Reach {
            bearing_deg: 268.0,
            sectors: vec!["WSW"],
            ..r.clone()
        };
        assert!(reach_text(&west).1.contains("km à l'ouest (268°)"));
        assert!(reach_text(&west).1.contains("dans le secteur OSO."));
        assert!(reach_text(&west).0.ends_with("in the WSW sector."));
        let all = crate::impact::reach::Reach {
            sectors: crate::geo::COMPASS_POINTS.to_vec(),
            ..r
        };
        assert!(reach_text(&all).0.ends_with(", in every sector around it."));
        let ammonia = crate::impact::reach::Reach {
            source: "ammonia tank truck".into(),
            source_fr: None,
            ..all
        };
        assert!(reach_text(&ammonia)
            .1
            .contains("(45°) d'ammonia tank truck"));
        // A French name, where the scenario gives one, with its article contracted.
        let french = crate::impact::reach::Reach {
            source_fr: Some("le wagon-citerne de chlore".into()),
            ..ammonia.clone()
        };
        assert!(reach_text(&french)
            .1
            .contains("(45°) du wagon-citerne de chlore"));
        assert!(reach_text(&french).0.contains("of ammonia tank truck"));
    }
}
