//! Clock times as the people alerted read them: the local time where they are, with its
//! abbreviation, and UTC beside it. New Brunswick keeps Atlantic time (`America/Moncton`),
//! Maine Eastern time (`America/New_York`), and a place elsewhere in the region its province's
//! ([`zone_at`]: Quebec Eastern, Nova Scotia Atlantic); all observe North American daylight saving time
//! (IANA tz database, through chrono-tz). French follows the Canadian federal style: 24-hour
//! clock with "h" ("3 h", "14 h 30"), "1er" for the first of the month, and the French
//! abbreviations (HAA heure avancée de l'Atlantique, HNA normale; HAE/HNE for Eastern).

use chrono::{DateTime, Datelike, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use crate::geo::jurisdiction::{CellTag, Country, Region};
use crate::geo::LatLon;

/// The time zone of the people a country's alert reaches in the region: Atlantic for New
/// Brunswick, Eastern for Maine; `None` (UTC only) elsewhere.
pub fn zone(country: Country) -> Option<Tz> {
    match country {
        Country::Ca => Some(chrono_tz::America::Moncton),
        Country::Us => Some(chrono_tz::America::New_York),
        Country::Unknown => None,
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// The time zone kept at `p`: Eastern in Maine and the rest of the US, Atlantic in New
/// Brunswick, and elsewhere in Canada by province — Quebec Eastern, Nova Scotia, Prince
/// Edward Island and the Canadian waters of the Bay of Fundy Atlantic; `None` (UTC) outside
/// the region. Canada outside New Brunswick is Quebec north of 47.8° N (the Gaspé shore),
/// north of 45.5° N and west of 66.5° W (Témiscouata, the Restigouche valley, the Beauce), or
/// west of 70° W (the Eastern Townships down to the 45th parallel); south of 45.5° N east of
/// 70° W it is the Fundy and Passamaquoddy waters, whose islands and shores keep New
/// Brunswick's Atlantic time. Found by review: a Quebec source read Atlantic time, then a
/// release in Passamaquoddy Bay Eastern time in the terminal while Canada's alert said
/// Atlantic.
pub fn zone_at(p: LatLon) -> Option<Tz> {
    zone_of(Region::embedded().tag(p), p)
}

/// [`zone_at`] for a point whose country is known apart from the outline (a town of the site
/// table, by its `country` column: Calais's point lies a few hundred metres off the generalised
/// border).
pub fn zone_of(tag: CellTag, p: LatLon) -> Option<Tz> {
    match (tag.country, tag.subdivision) {
        (Country::Ca, None) if p.lat > 47.8 || (p.lat > 45.5 && p.lon < -66.5) || p.lon < -70.0 => {
            Some(chrono_tz::America::Toronto)
        }
        (Country::Ca, None) => Some(chrono_tz::America::Halifax),
        (country, _) => zone(country),
    }
}

/// "14 July" of an English date.
fn day_en(d: &NaiveDateTime) -> String {
    format!("{} {}", d.day(), MONTHS_EN[d.month0() as usize])
}

/// "03:00" of an English (24-hour) clock.
fn clock_en(d: &NaiveDateTime) -> String {
    format!("{:02}:{:02}", d.hour(), d.minute())
}

/// "14 July 2026 at 03:00 ADT (06:00 UTC)"; the UTC date is added when it differs
/// ("1 March 2026 at 20:00 AST (00:00 UTC, 2 March)").
pub fn english(t: DateTime<Utc>, country: Country) -> String {
    english_in(t, zone(country))
}

/// [`english`] on the clocks of `tz` (UTC alone for `None`).
pub fn english_in(t: DateTime<Utc>, tz: Option<Tz>) -> String {
    let u = t.naive_utc();
    let Some(tz) = tz else {
        return format!("{} {} at {} UTC", day_en(&u), t.year(), clock_en(&u));
    };
    let local = tz.from_utc_datetime(&u);
    let l = local.naive_local();
    let utc_day = if l.date() == u.date() {
        String::new()
    } else {
        format!(", {}", day_en(&u))
    };
    format!(
        "{} {} at {} {} ({} UTC{utc_day})",
        day_en(&l),
        l.year(),
        clock_en(&l),
        local.format("%Z"),
        clock_en(&u)
    )
}

/// The clock alone, for a label: "03:00 ADT" (Atlantic in New Brunswick, Eastern in Maine),
/// "06:00 UTC" elsewhere.
pub fn clock_english(t: DateTime<Utc>, tz: Option<Tz>) -> String {
    match tz {
        Some(tz) => tz
            .from_utc_datetime(&t.naive_utc())
            .format("%H:%M %Z")
            .to_string(),
        None => t.format("%H:%M UTC").to_string(),
    }
}

/// For a place on the border itself (a port of entry, a shared crossing), where both clocks
/// are kept: "14 July 2026 at 03:00 ADT, 02:00 EDT (06:00 UTC)", Atlantic time first, the
/// Eastern date added when it differs ("1 March 2026 at 00:30 AST, 23:30 EST on 28 February
/// (04:30 UTC)").
pub fn english_on_the_border(t: DateTime<Utc>) -> String {
    let u = t.naive_utc();
    let (Some(ca), Some(us)) = (zone(Country::Ca), zone(Country::Us)) else {
        return english(t, Country::Unknown);
    };
    let (a, e) = (ca.from_utc_datetime(&u), us.from_utc_datetime(&u));
    let (al, el) = (a.naive_local(), e.naive_local());
    let eastern_day = if el.date() == al.date() {
        String::new()
    } else {
        format!(" on {}", day_en(&el))
    };
    let utc_day = if u.date() == al.date() {
        String::new()
    } else {
        format!(", {}", day_en(&u))
    };
    format!(
        "{} {} at {} {}, {} {}{eastern_day} ({} UTC{utc_day})",
        day_en(&al),
        al.year(),
        clock_en(&al),
        a.format("%Z"),
        clock_en(&el),
        e.format("%Z"),
        clock_en(&u)
    )
}

/// "14 juillet 2026 à 3 h HAA (6 h UTC)"; the UTC date is added when it differs
/// ("1er mars 2026 à 20 h HNA (le 2 mars à 0 h UTC)"). Spaces inside are non-breaking.
pub fn french(t: DateTime<Utc>, country: Country) -> String {
    const NBSP: char = '\u{a0}';
    let day = |d: &NaiveDateTime| {
        let n = if d.day() == 1 {
            "1er".to_string()
        } else {
            d.day().to_string()
        };
        format!("{n}{NBSP}{}", MONTHS_FR[d.month0() as usize])
    };
    let clock = |d: &NaiveDateTime| match d.minute() {
        0 => format!("{}{NBSP}h", d.hour()),
        m => format!("{}{NBSP}h{NBSP}{m:02}", d.hour()),
    };
    let u = t.naive_utc();
    let Some(tz) = zone(country) else {
        return format!("{} {} à {}{NBSP}UTC", day(&u), u.year(), clock(&u));
    };
    let local = tz.from_utc_datetime(&u);
    let l = local.naive_local();
    let abbreviation = match local.format("%Z").to_string().as_str() {
        "ADT" => "HAA",
        "AST" => "HNA",
        "EDT" => "HAE",
        "EST" => "HNE",
        other => return format!("{} (UTC {other})", english(t, country)),
    };
    let utc = if l.date() == u.date() {
        format!("{}{NBSP}UTC", clock(&u))
    } else {
        format!("le {} à {}{NBSP}UTC", day(&u), clock(&u))
    };
    format!(
        "{} {} à {}{NBSP}{abbreviation} ({utc})",
        day(&l),
        l.year(),
        clock(&l)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn summer_times_are_daylight_times_on_both_sides_of_the_border() {
        let t = at("2026-07-14T06:00:00Z");
        assert_eq!(
            english(t, Country::Ca),
            "14 July 2026 at 03:00 ADT (06:00 UTC)"
        );
        assert_eq!(
            english(t, Country::Us),
            "14 July 2026 at 02:00 EDT (06:00 UTC)"
        );
        assert_eq!(
            french(t, Country::Ca).replace('\u{a0}', " "),
            "14 juillet 2026 à 3 h HAA (6 h UTC)"
        );
        assert_eq!(english(t, Country::Unknown), "14 July 2026 at 06:00 UTC");
    }

    #[test]
    fn a_winter_evening_in_new_brunswick_is_the_next_day_in_utc() {
        let t = at("2026-03-02T00:00:00Z");
        assert_eq!(
            english(t, Country::Ca),
            "1 March 2026 at 20:00 AST (00:00 UTC, 2 March)"
        );
        assert_eq!(
            french(t, Country::Ca).replace('\u{a0}', " "),
            "1er mars 2026 à 20 h HNA (le 2 mars à 0 h UTC)"
        );
        assert_eq!(
            french(at("2026-11-29T14:30:00Z"), Country::Us).replace('\u{a0}', " "),
            "29 novembre 2026 à 9 h 30 HNE (14 h 30 UTC)"
        );
    }

    #[test]
    fn a_label_clock_is_local_where_the_region_knows_it() {
        let t = at("2026-07-14T06:00:00Z");
        assert_eq!(clock_english(t, zone(Country::Ca)), "03:00 ADT");
        assert_eq!(clock_english(t, zone(Country::Us)), "02:00 EDT");
        assert_eq!(clock_english(t, None), "06:00 UTC");
    }

    #[test]
    fn each_place_keeps_its_own_provinces_clock() {
        let t = at("2026-07-14T06:00:00Z");
        let clock = |lat: f64, lon: f64| clock_english(t, zone_at(LatLon::new(lat, lon)));
        assert_eq!(clock(45.27, -66.06), "03:00 ADT", "Saint John, NB");
        assert_eq!(clock(44.72, -67.46), "02:00 EDT", "Machias, ME");
        assert_eq!(clock(47.68, -68.88), "02:00 EDT", "Témiscouata, QC");
        assert_eq!(clock(48.10, -66.13), "02:00 EDT", "Carleton-sur-Mer, QC");
        assert_eq!(clock(44.62, -65.76), "03:00 ADT", "Digby, NS");
        assert_eq!(clock(45.40, -70.90), "02:00 EDT", "Chartierville, QC");
        // Canada's waters west of 66.5° W are New Brunswick's, not Quebec's.
        assert_eq!(clock(44.95, -66.85), "03:00 ADT", "off Campobello");
        assert_eq!(clock(44.62, -66.68), "03:00 ADT", "Grand Manan Channel");
        // Each tested point is Canadian without a province in the outline (else the test
        // would not exercise the rule).
        for (lat, lon) in [(44.95, -66.85), (44.62, -66.68), (47.68, -68.88)] {
            let tag = Region::embedded().tag(LatLon::new(lat, lon));
            assert_eq!(
                (tag.country, tag.subdivision),
                (Country::Ca, None),
                "{lat} {lon}"
            );
        }
    }

    #[test]
    fn a_border_crossing_reads_both_clocks() {
        assert_eq!(
            english_on_the_border(at("2026-07-14T06:00:00Z")),
            "14 July 2026 at 03:00 ADT, 02:00 EDT (06:00 UTC)"
        );
        assert_eq!(
            english_on_the_border(at("2026-03-01T04:30:00Z")),
            "1 March 2026 at 00:30 AST, 23:30 EST on 28 February (04:30 UTC)"
        );
        assert_eq!(
            english_on_the_border(at("2026-03-02T00:00:00Z")),
            "1 March 2026 at 20:00 AST, 19:00 EST (00:00 UTC, 2 March)"
        );
    }

    #[test]
    fn daylight_time_begins_on_the_second_sunday_of_march() {
        // 8 March 2026, 02:00 AST becomes 03:00 ADT (06:00 UTC).
        assert!(english(at("2026-03-08T05:59:00Z"), Country::Ca).contains("01:59 AST"));
        assert!(english(at("2026-03-08T06:00:00Z"), Country::Ca).contains("03:00 ADT"));
    }
}
