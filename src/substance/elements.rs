//! Element names in nuclide names: "Caesium-137", "Cesium-137", "Iodine-131", "iode-131" and
//! "tritium" name the library's Cs-137, I-131 and H-3, as responders on both sides of the
//! border write them.
//!
//! Names: IUPAC, *Nomenclature of Inorganic Chemistry* (2005), Table I (with the US spellings
//! cesium and aluminum, and sulphur); the standard French names where they differ (iode,
//! césium, xénon, baryum, …), written here without accents, as [`super::table::normalise`]
//! drops them ("césium" is compared as "csium").

/// (element name as [`super::table::normalise`] leaves it, symbol in lower case).
const ELEMENTS: &[(&str, &str)] = &[
    ("hydrogen", "h"),
    ("helium", "he"),
    ("lithium", "li"),
    ("beryllium", "be"),
    ("boron", "b"),
    ("carbon", "c"),
    ("nitrogen", "n"),
    ("oxygen", "o"),
    ("fluorine", "f"),
    ("neon", "ne"),
    ("sodium", "na"),
    ("magnesium", "mg"),
    ("aluminium", "al"),
    ("aluminum", "al"),
    ("silicon", "si"),
    ("phosphorus", "p"),
    ("sulfur", "s"),
    ("sulphur", "s"),
    ("chlorine", "cl"),
    ("argon", "ar"),
    ("potassium", "k"),
    ("calcium", "ca"),
    ("scandium", "sc"),
    ("titanium", "ti"),
    ("vanadium", "v"),
    ("chromium", "cr"),
    ("manganese", "mn"),
    ("iron", "fe"),
    ("cobalt", "co"),
    ("nickel", "ni"),
    ("copper", "cu"),
    ("zinc", "zn"),
    ("gallium", "ga"),
    ("germanium", "ge"),
    ("arsenic", "as"),
    ("selenium", "se"),
    ("bromine", "br"),
    ("krypton", "kr"),
    ("rubidium", "rb"),
    ("strontium", "sr"),
    ("yttrium", "y"),
    ("zirconium", "zr"),
    ("niobium", "nb"),
    ("molybdenum", "mo"),
    ("technetium", "tc"),
    ("ruthenium", "ru"),
    ("rhodium", "rh"),
    ("palladium", "pd"),
    ("silver", "ag"),
    ("cadmium", "cd"),
    ("indium", "in"),
    ("tin", "sn"),
    ("antimony", "sb"),
    ("tellurium", "te"),
    ("iodine", "i"),
    ("xenon", "xe"),
    ("caesium", "cs"),
    ("cesium", "cs"),
    ("barium", "ba"),
    ("lanthanum", "la"),
    ("cerium", "ce"),
    ("praseodymium", "pr"),
    ("neodymium", "nd"),
    ("promethium", "pm"),
    ("samarium", "sm"),
    ("europium", "eu"),
    ("gadolinium", "gd"),
    ("terbium", "tb"),
    ("dysprosium", "dy"),
    ("holmium", "ho"),
    ("erbium", "er"),
    ("thulium", "tm"),
    ("ytterbium", "yb"),
    ("lutetium", "lu"),
    ("hafnium", "hf"),
    ("tantalum", "ta"),
    ("tungsten", "w"),
    ("rhenium", "re"),
    ("osmium", "os"),
    ("iridium", "ir"),
    ("platinum", "pt"),
    ("gold", "au"),
    ("mercury", "hg"),
    ("thallium", "tl"),
    ("lead", "pb"),
    ("bismuth", "bi"),
    ("polonium", "po"),
    ("astatine", "at"),
    ("radon", "rn"),
    ("francium", "fr"),
    ("radium", "ra"),
    ("actinium", "ac"),
    ("thorium", "th"),
    ("protactinium", "pa"),
    ("uranium", "u"),
    ("neptunium", "np"),
    ("plutonium", "pu"),
    ("americium", "am"),
    ("curium", "cm"),
    ("berkelium", "bk"),
    ("californium", "cf"),
];

/// French names of the elements of common nuclides that differ from the English (the accented
/// letters dropped as [`super::table::normalise`] drops them: "césium" is "csium").
const FRENCH: &[(&str, &str)] = &[
    ("hydrogne", "h"),
    ("iode", "i"),
    ("csium", "cs"),
    ("xnon", "xe"),
    ("baryum", "ba"),
    ("lanthane", "la"),
    ("crium", "ce"),
    ("tellure", "te"),
    ("ruthnium", "ru"),
    ("amricium", "am"),
];

/// The key of a normalised nuclide name whose leading element name is written as its symbol
/// ("caesium137" → "cs137", "tritium" → "h3"); `None` when it does not begin with an element's
/// name.
pub fn symbol_form(key: &str) -> Option<String> {
    if key == "tritium" {
        return Some("h3".into());
    }
    let letters = key
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(key.len());
    let (name, rest) = key.split_at(letters);
    let symbol = ELEMENTS
        .iter()
        .chain(FRENCH)
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)?;
    // A mass number must follow: "iodine" alone names no nuclide.
    rest.starts_with(|c: char| c.is_ascii_digit())
        .then(|| format!("{symbol}{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_names_become_symbols_before_the_mass_number() {
        assert_eq!(symbol_form("caesium137").as_deref(), Some("cs137"));
        assert_eq!(symbol_form("cesium137").as_deref(), Some("cs137"));
        assert_eq!(
            symbol_form("iodine131elemental").as_deref(),
            Some("i131elemental")
        );
        assert_eq!(symbol_form("iode131").as_deref(), Some("i131"));
        assert_eq!(symbol_form("tritium").as_deref(), Some("h3"));
        assert_eq!(symbol_form("ruthnium106").as_deref(), Some("ru106"));
        // A symbol, an element alone or an unknown word is left alone.
        assert_eq!(symbol_form("cs137"), None);
        assert_eq!(symbol_form("iodine"), None);
        assert_eq!(symbol_form("foo1"), None);
        // Every element name is lower-case letters and has a one- or two-letter symbol.
        for (name, symbol) in ELEMENTS.iter().chain(FRENCH) {
            assert!(name.chars().all(|c| c.is_ascii_lowercase()), "{name}");
            assert!((1..=2).contains(&symbol.len()), "{symbol}");
        }
    }
}
