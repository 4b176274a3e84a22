//! How numbers and units are written for readers, in English and in French (Canadian federal
//! style): areas to two significant figures, doses in mSv or Sv, time windows in days or hours,
//! a decimal comma, digits grouped by three and non-breaking spaces where French typography
//! keeps a unit or a colon on the line of what it belongs to.

/// Units (and the per cent sign) that French keeps on the line of the number before them.
const FR_UNITS: [&str; 14] = [
    "km²", "km", "m", "mSv", "Sv", "mg", "min", "h", "jour", "jours", "an", "%", "UTC", "ppm",
];

/// French typography (Canadian federal style): a non-breaking space (U+00A0) before a colon,
/// inside guillemets and between a number and its unit, so that none is left alone at a line
/// break. No space is added before ; ! ?, which that style leaves unspaced.
pub fn fr_spaces(text: &str) -> String {
    const NBSP: char = '\u{a0}';
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (k, &c) in chars.iter().enumerate() {
        if c != ' ' {
            out.push(c);
            continue;
        }
        let before = k.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(k + 1).copied();
        let word: String = chars[k + 1..]
            .iter()
            .take_while(|c| c.is_alphanumeric() || **c == '²' || **c == '%')
            .collect();
        let unit_follows =
            before.is_some_and(|b| b.is_ascii_digit()) && FR_UNITS.contains(&word.as_str());
        let tie = matches!(after, Some(':' | '»')) || before == Some('«') || unit_follows;
        out.push(if tie { NBSP } else { ' ' });
    }
    out
}

/// A decimal number, or a number followed by its unit ("58.0 mg m-3"), written for French
/// readers: a decimal comma, and the digits of a number of five figures or more grouped by
/// three with non-breaking spaces ("0,85", "1200", "12 000", "58,0 mg m-3").
pub fn fr_number(number: &str) -> String {
    let (int, frac) = match number.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (number, None),
    };
    let digits: Vec<char> = int.chars().collect();
    let mut grouped = String::new();
    let group = digits.len() >= 5 && digits.iter().all(|c| c.is_ascii_digit());
    for (k, c) in digits.iter().enumerate() {
        if group && k > 0 && (digits.len() - k).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(*c);
    }
    match frac {
        Some(f) => format!("{grouped},{f}"),
        None => grouped,
    }
}

/// "10 mSv", "0.5 mSv", "1.2 Sv".
pub(super) fn dose_text(sv: f64) -> String {
    if sv >= 1.0 {
        format!("{} Sv", trim(sv))
    } else {
        format!("{} mSv", trim(sv * 1e3))
    }
}

/// A number without trailing zeros.
pub(super) fn trim(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "2 days" / "2 jours", "1 year" / "1 an", else hours.
pub(super) fn window_text(window_s: f64) -> (String, String) {
    let days = window_s / 86_400.0;
    if (window_s - 31_557_600.0).abs() < 1.0 {
        ("the first year".into(), "la première année".into())
    } else if (days - days.round()).abs() < 1e-9 && days >= 1.0 {
        let d = days.round();
        (
            format!("{d} day{}", if d == 1.0 { "" } else { "s" }),
            format!("{d} jour{}", if d == 1.0 { "" } else { "s" }),
        )
    } else {
        let h = trim(window_s / 3600.0);
        (format!("{h} h"), format!("{} h", h.replace('.', ",")))
    }
}

/// `x` to two significant figures without trailing zeros ("0.04", "3.3", "12", "120"): an
/// area of one 200 m cell reads 0.04 km², never 0.0 km².
pub fn two_figures(x: f64) -> String {
    if x <= 0.0 || !x.is_finite() {
        return "0".into();
    }
    let decimals = 1 - x.log10().floor() as i32;
    let scale = 10f64.powi(decimals);
    let rounded = (x * scale).round() / scale;
    let text = format!("{rounded:.*}", decimals.max(0) as usize);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_keeps_units_colons_and_guillemets_on_the_line_of_what_they_belong_to() {
        let nb = |s: &str| s.replace(' ', "_").replace('\u{a0}', "~");
        assert_eq!(
            nb(&fr_spaces(
                "Superficie : 48 km² à 3 h, « Lepreau », 10 % de 2026 à Saint-Jean"
            )),
            "Superficie~:_48~km²_à_3~h,_«~Lepreau~»,_10~%_de_2026_à_Saint-Jean"
        );
        // A number before an ordinary word, and semicolons, keep ordinary spaces.
        assert_eq!(nb(&fr_spaces("7 zones; 2 villes")), "7_zones;_2_villes");
        assert_eq!(fr_number("0.85"), "0,85");
        assert_eq!(fr_number("1200"), "1200");
        assert_eq!(nb(&fr_number("12000")), "12~000");
        assert_eq!(nb(&fr_number("123456.5")), "123~456,5");
    }

    #[test]
    fn areas_keep_two_significant_figures_so_a_single_cell_is_not_zero() {
        assert_eq!(two_figures(0.04), "0.04");
        assert_eq!(two_figures(0.12), "0.12");
        assert_eq!(two_figures(2.6), "2.6");
        assert_eq!(two_figures(3.28), "3.3");
        assert_eq!(two_figures(3.0), "3");
        assert_eq!(two_figures(12.44), "12");
        assert_eq!(two_figures(123.4), "120");
    }
}
