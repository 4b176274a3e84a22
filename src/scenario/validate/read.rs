//! Reading one TOML section into its serde type ([`super::raw`]), so that every mistake in it
//! becomes one problem in the scenario format, `section.key = value: expected …`, and none hides
//! another.
//!
//! serde stops at the first mistake, so a section is read again after each one, without the key
//! that held it: an unknown key is reported with the closest known key ("did you mean
//! wind_speed_m_s?"); a value of the wrong type in plain words ("expected a number in m/s, got
//! the text "3 m/s""). Either way the key is marked unread, so that validation does not then call
//! it missing. The wording is translated from serde's standard messages (`unknown field …`,
//! `invalid type: …, expected …`), the unit from the key's name (`_m_s` is m/s).

use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use super::Problems;

/// Most reads of one section (each drops a key), a bound that no real file reaches.
const MAX_READS: usize = 64;

/// Reads `value` as a `T`, reporting each mistake under `path`; `None` when the section as a
/// whole is unreadable (not a table), and then everything under `path` is marked unread.
pub(super) fn section<T: DeserializeOwned>(
    mut value: toml::Value,
    path: &str,
    p: &mut Problems,
) -> Option<T> {
    for _ in 0..MAX_READS {
        let err = match serde_path_to_error::deserialize::<_, T>(value.clone()) {
            Ok(v) => return Some(v),
            Err(e) => e,
        };
        let mut at: Vec<Segment> = err.path().iter().cloned().collect();
        let inner = err.into_inner();
        let message = inner.message().lines().next().unwrap_or("").trim();
        match Mistake::parse(message) {
            Mistake::UnknownKey { key, known } => {
                // The path may or may not end at the unknown key itself.
                if matches!(at.last(), Some(Segment::Map { key: k }) if *k == key) {
                    at.pop();
                }
                let table = join(path, &at);
                let written = lookup(&value, &at).and_then(|t| t.get(&key));
                let mut expected = format!("a key of {}", table_name(&table));
                match closest(&key, &known) {
                    Some(guess) => {
                        expected += &format!(" (did you mean {guess}?)");
                        // Its value is the unknown key's, so it is not also missing.
                        p.unread(format!("{table}.{guess}"));
                    }
                    None => expected += &format!(": {}", known.join(", ")),
                }
                // Found by review: rate_ci_s was pointed at rate_kg_s, wind_to_deg at
                // wind_from_deg without a word on the 180° between them.
                if key.starts_with("rate_") && known.iter().any(|k| k == "rate_bq_s") {
                    expected += "; rate_kg_s is a chemical's (kg/s), rate_bq_s a nuclide's (Bq/s; 1 Ci = 3.7e10 Bq)";
                }
                if key.starts_with("wind_to") && known.iter().any(|k| k == "wind_from_deg") {
                    expected +=
                        "; wind_from_deg is where the wind blows from, 180° from where it blows to";
                }
                if is_total_amount(&key) && known.iter().any(|k| k.starts_with("rate_")) {
                    expected += "; a release is a rate: rate_kg_s or rate_bq_s = the total ÷ the source's duration_s (a sudden release: a short duration_s, such as 60 s, with model.kind = \"gaussian_puff\")";
                }
                p.push(
                    format!("{table}.{key}"),
                    written.map_or_else(|| "?".to_string(), show),
                    expected,
                );
                at.push(Segment::Map { key });
            }
            Mistake::MissingKey(key) => {
                p.missing(
                    format!("{}.{key}", join(path, &at)),
                    "a value (this key is required)",
                );
            }
            Mistake::UnknownName { name, known } => {
                let listed: Vec<String> = known.iter().map(|k| format!("{k:?}")).collect();
                let mut expected = format!("one of {}", listed.join(", "));
                if let Some(guess) = closest(&name, &known) {
                    expected += &format!(" (did you mean {guess:?}?)");
                }
                p.push(join(path, &at), format!("{name:?}"), expected);
            }
            Mistake::WrongType { expected } => {
                let written = lookup(&value, &at);
                let wanted = plain_expectation(&expected, last_key(&at));
                p.push(
                    join(path, &at),
                    written.map_or_else(|| "?".to_string(), show),
                    match written {
                        Some(v) => format!("{wanted}, got {}", got(v, &wanted)),
                        None => wanted,
                    },
                );
            }
            Mistake::Other(message) => {
                p.push(join(path, &at), "?", message.replace('`', "\""));
            }
        }
        // Carry on without the innermost key that holds the mistake.
        let Some(k) = at.iter().rposition(|s| matches!(s, Segment::Map { .. })) else {
            p.unread(path);
            return None;
        };
        p.unread(join(path, &at[..=k]));
        if !remove(&mut value, &at[..=k]) {
            p.unread(path);
            return None;
        }
    }
    p.unread(path);
    None
}

/// Splits a section that chooses its keys by `kind = "…"` into its kind, one of `kinds`, and
/// its other keys.
pub(super) fn kind(
    value: toml::Value,
    path: &str,
    kinds: &[&'static str],
    p: &mut Problems,
) -> Option<(&'static str, toml::Value)> {
    let listed: Vec<String> = kinds.iter().map(|k| format!("{k:?}")).collect();
    let expected = format!("one of {}", listed.join(", "));
    let at = format!("{path}.kind");
    let mut table = match value {
        toml::Value::Table(t) => t,
        other => {
            p.push(
                path,
                show(&other),
                format!("a table, got {}", got(&other, "")),
            );
            p.unread(path);
            return None;
        }
    };
    let found = match table.remove("kind") {
        None => {
            p.missing(at, &expected);
            None
        }
        Some(toml::Value::String(k)) => {
            let found = kinds.iter().copied().find(|c| *c == k);
            if found.is_none() {
                let guess = closest(&k, kinds)
                    .map(|g| format!(" (did you mean {g:?}?)"))
                    .unwrap_or_default();
                p.push(at, format!("{k:?}"), format!("{expected}{guess}"));
            }
            found
        }
        Some(other) => {
            p.push(
                at,
                show(&other),
                format!("{expected}, got {}", got(&other, "")),
            );
            None
        }
    };
    match found {
        Some(k) => Some((k, toml::Value::Table(table))),
        None => {
            // Which keys belong here depends on the kind: none can be checked.
            p.unread(path);
            None
        }
    }
}

/// The candidate closest to `word` if it is close enough to be what was meant: within a third
/// of the word's length in edits (at least 2), or a longer form of it (`resolution` →
/// `resolution_m`).
pub(super) fn closest<'a>(word: &str, candidates: &'a [impl AsRef<str>]) -> Option<&'a str> {
    let word = word.to_lowercase();
    let max = (word.chars().count() / 3).max(2);
    candidates
        .iter()
        .map(AsRef::as_ref)
        .filter_map(|c| {
            let d = strsim::osa_distance(&word, &c.to_lowercase());
            let longer = word.len() >= 4 && c.starts_with(word.as_str());
            (d <= max || longer).then_some((d, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// One of serde's standard messages, parsed.
#[derive(Debug, PartialEq)]
enum Mistake {
    UnknownKey { key: String, known: Vec<String> },
    MissingKey(String),
    UnknownName { name: String, known: Vec<String> },
    WrongType { expected: String },
    Other(String),
}

impl Mistake {
    fn parse(message: &str) -> Mistake {
        // serde quotes names in backticks: "unknown field `x`, expected one of `a`, `b`".
        let quoted: Vec<String> = message
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        let (first, rest) = match quoted.split_first() {
            Some((f, r)) => (f.clone(), r.to_vec()),
            None => (String::new(), vec![]),
        };
        if message.starts_with("unknown field `") {
            Mistake::UnknownKey {
                key: first,
                known: rest,
            }
        } else if message.starts_with("unknown variant `") {
            Mistake::UnknownName {
                name: first,
                known: rest,
            }
        } else if message.starts_with("missing field `") {
            Mistake::MissingKey(first)
        } else if message.starts_with("invalid type: ") || message.starts_with("invalid value: ") {
            match message.rsplit_once(", expected ") {
                Some((_, expected)) => Mistake::WrongType {
                    expected: expected.to_string(),
                },
                None => Mistake::Other(message.to_string()),
            }
        } else {
            Mistake::Other(message.to_string())
        }
    }
}

/// What serde expected, in the words of the scenario format, with the unit of `key`.
fn plain_expectation(expected: &str, key: &str) -> String {
    let in_unit = unit_of(key).map_or(String::new(), |u| format!(" in {u}"));
    match expected {
        "f64" | "f32" => format!("a number{in_unit}"),
        "i64" | "i32" | "i16" | "i8" | "isize" => format!("a whole number{in_unit}"),
        "u64" | "u32" | "u16" | "u8" | "usize" => format!("a whole number ≥ 0{in_unit}"),
        "a string" => "text in quotes".into(),
        "a boolean" => "true or false".into(),
        "a sequence" => "a list [ … ]".into(),
        "struct LatLon" => "{ lat = …, lon = … } in decimal degrees".into(),
        e if e.starts_with("struct ") || e == "a map" => "a table { … }".into(),
        // toml's own wording for an enum written as something other than text.
        e if e.starts_with("enum ") || e == "variant identifier" || e == "string only" => {
            "a name in quotes".into()
        }
        other => other.replace('`', "\""),
    }
}

/// What was written instead, in words; with a hint when a whole number was written with a
/// decimal point.
fn got(v: &toml::Value, wanted: &str) -> String {
    match v {
        toml::Value::String(s) => format!("the text {s:?}"),
        toml::Value::Integer(_) => "a whole number".into(),
        toml::Value::Float(f) if wanted.starts_with("a whole number") && f.fract() == 0.0 => {
            format!("a number with a decimal point (write {f:.0})")
        }
        toml::Value::Float(_) => "a number with a decimal point".into(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(_) => "a date and time".into(),
        toml::Value::Array(_) => "a list".into(),
        toml::Value::Table(_) => "a table".into(),
    }
}

/// Most characters of a value a problem echoes: a pasted page stays out of the message.
const SHOWN_CHARS: usize = 120;

/// A value as written in the file, on one line: a number too large or small for plain digits
/// in exponent form (1e308, not its 309 digits), and a long value cut to [`SHOWN_CHARS`].
pub(super) fn show(v: &toml::Value) -> String {
    fn plain(v: &toml::Value) -> String {
        match v {
            toml::Value::String(s) => format!("{s:?}"),
            toml::Value::Table(_) => "{ … }".into(),
            toml::Value::Array(items) => {
                let items: Vec<String> = items.iter().map(plain).collect();
                format!("[{}]", items.join(", "))
            }
            toml::Value::Float(f)
                if f.is_finite() && *f != 0.0 && !(1e-5..1e16).contains(&f.abs()) =>
            {
                super::fmt_num(*f)
            }
            other => other.to_string(),
        }
    }
    let text = plain(v);
    let n = text.chars().count();
    if n <= SHOWN_CHARS {
        return text;
    }
    let cut: String = text.chars().take(SHOWN_CHARS).collect();
    format!("{cut}… ({n} characters)")
}

/// The unit that a key's name ends in (`wind_speed_m_s` → m/s), if any.
fn unit_of(key: &str) -> Option<&'static str> {
    const SUFFIXES: [(&str, &str); 12] = [
        ("_m_s", "m/s"),
        ("_kg_s", "kg/s"),
        ("_bq_s", "Bq/s"),
        ("_mm_h", "mm/h"),
        ("_m3_s", "m³/s"),
        ("_per_s", "s⁻¹"),
        ("_per_m", "m⁻¹"),
        ("_deg", "degrees"),
        ("_min", "min"),
        ("_k", "K"),
        ("_m", "m"),
        ("_s", "s"),
    ];
    if key == "lat" || key == "lon" {
        return Some("degrees");
    }
    SUFFIXES
        .iter()
        .find(|(suffix, _)| key.ends_with(suffix))
        .map(|(_, unit)| *unit)
}

/// The dotted path of `at` under `path`: `source[0].location.lat`.
/// Whether `key` names a total amount (`mass_kg`, `activity_bq`, `total_kg`, …) where a rate
/// is expected.
fn is_total_amount(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    let total = [
        "mass",
        "amount",
        "total",
        "quantity",
        "activity",
        "inventory",
    ]
    .iter()
    .any(|w| k.starts_with(w));
    total && !k.contains("rate") && !k.contains("_s")
}

fn join(path: &str, at: &[Segment]) -> String {
    let mut s = path.to_string();
    for seg in at {
        match seg {
            Segment::Seq { index } => s += &format!("[{index}]"),
            Segment::Map { key } | Segment::Enum { variant: key } => s += &format!(".{key}"),
            Segment::Unknown => s += ".?",
        }
    }
    s
}

/// The last key named in `at` (`extent_m` for `extent_m[1]`).
fn last_key(at: &[Segment]) -> &str {
    at.iter()
        .rev()
        .find_map(|s| match s {
            Segment::Map { key } => Some(key.as_str()),
            _ => None,
        })
        .unwrap_or("")
}

/// `[domain]` for a section, the path itself for a nested table.
fn table_name(path: &str) -> String {
    if path.contains(['.', '[']) {
        path.to_string()
    } else {
        format!("[{path}]")
    }
}

fn lookup<'a>(value: &'a toml::Value, at: &[Segment]) -> Option<&'a toml::Value> {
    at.iter().try_fold(value, |v, seg| match seg {
        Segment::Seq { index } => v.get(*index),
        Segment::Map { key } => v.get(key.as_str()),
        _ => None,
    })
}

/// Removes the key that `at` ends in; false when there is none.
fn remove(value: &mut toml::Value, at: &[Segment]) -> bool {
    let Some((Segment::Map { key }, parent)) = at.split_last() else {
        return false;
    };
    let mut v = value;
    for seg in parent {
        let next = match seg {
            Segment::Seq { index } => v.get_mut(*index),
            Segment::Map { key } => v.get_mut(key.as_str()),
            _ => None,
        };
        match next {
            Some(n) => v = n,
            None => return false,
        }
    }
    v.as_table_mut().and_then(|t| t.remove(key)).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_are_parsed_into_mistakes() {
        assert_eq!(
            Mistake::parse("unknown field `wind_sped_m_s`, expected one of `a`, `b`"),
            Mistake::UnknownKey {
                key: "wind_sped_m_s".into(),
                known: vec!["a".into(), "b".into()]
            }
        );
        assert_eq!(
            Mistake::parse("invalid type: string \"3 m/s\", expected f64"),
            Mistake::WrongType {
                expected: "f64".into()
            }
        );
        assert_eq!(
            Mistake::parse("missing field `lon`"),
            Mistake::MissingKey("lon".into())
        );
    }

    #[test]
    fn the_closest_key_is_suggested_only_when_close() {
        let keys = ["wind_speed_m_s", "wind_from_deg", "resolution_m"];
        assert_eq!(closest("wind_sped_m_s", &keys), Some("wind_speed_m_s"));
        assert_eq!(closest("wind_speed_km_h", &keys), Some("wind_speed_m_s"));
        assert_eq!(closest("resolution", &keys), Some("resolution_m"));
        assert_eq!(closest("colour", &keys), None);
    }

    #[test]
    fn values_are_shown_short() {
        // Found by review: `name = 1e308` was echoed as 309 digits.
        assert_eq!(show(&toml::Value::Float(1e308)), "1e308");
        assert_eq!(show(&toml::Value::Float(2.5)), "2.5");
        assert_eq!(show(&toml::Value::Float(-1e-9)), "-1e-9");
        let long = show(&toml::Value::String("x".repeat(5000)));
        assert!(long.ends_with("… (5002 characters)"), "{long}");
        assert_eq!(
            long.chars().count(),
            120 + "… (5002 characters)".chars().count()
        );
        let list = toml::Value::Array(vec![toml::Value::Float(1e300); 3]);
        assert_eq!(show(&list), "[1e300, 1e300, 1e300]");
    }

    #[test]
    fn units_come_from_key_names() {
        assert_eq!(unit_of("wind_speed_m_s"), Some("m/s"));
        assert_eq!(unit_of("extent_m"), Some("m"));
        assert_eq!(unit_of("duration_s"), Some("s"));
        assert_eq!(unit_of("wind_from_sd_deg"), Some("degrees"));
        assert_eq!(unit_of("particles"), None);
    }
}
