//! The zones as a Common Alerting Protocol 1.2 message (OASIS CAP-V1.2, 2010): a `Draft` alert
//! for the alerting authority to review, complete and issue through its own system (NAADS in
//! Canada, IPAWS in the United States), with one `info` block per zone, country and language —
//! English and French for Canadian cells (the Official Languages Act; the CAP-CP profile), English
//! for US cells — each with its response type, urgency, severity, instruction and the zone's
//! polygons.
//!
//! The US alert follows the OASIS *CAP v1.2 USA IPAWS Profile* v1.0: `<code>IPAWSv1.0</code>`,
//! a SAME `eventCode` in each block (NUW, Nuclear Power Plant Warning, for a dose zone of a
//! reactor's release, RHW, Radiological Hazard Warning, for another dose zone; HMW,
//! Hazardous Materials Warning, for an AEGL zone; 47 CFR § 11.31(e)), and in each area the SAME
//! geocode of every county its cells are in ([`crate::geo::counties`]), by which IPAWS routes it
//! to the Emergency Alert System; and the Wireless Emergency Alert texts `CMAMtext` (at most 90
//! characters) and `CMAMlongtext` (title and instruction, whole sentences to 360 characters).
//!
//! The Canadian alert follows the Canadian profile, CAP-CP, that the National Alert Aggregation
//! and Dissemination (NAAD) System of Alert Ready reads: `<code>profile:CAP-CP:0.4</code>`, in
//! each block the CAP-CP event code (`profile:CAP-CP:Event:0.4`: `radiological` for a dose zone,
//! `chemical` for an AEGL zone), and in each area the CAP-CP location geocode
//! (`profile:CAP-CP:Location:0.3`) of every province its cells are in, as its Statistics Canada
//! SGC code (13, New Brunswick). The profile also takes census division and subdivision codes;
//! their boundaries are not bundled, so the authority narrows the geocodes if its system wants
//! them (the polygons already bound the area).
//!
//! CAP conventions kept: elements in the schema's order; times as `YYYY-MM-DDThh:mm:ss-00:00`
//! for UTC (CAP 1.2 §3.3.2 forbids `Z`); polygons as closed rings of at least four `lat,lon`
//! pairs (§3.2.4). A CAP polygon has no holes, so each one is the exterior of a zone polygon: an
//! alert area may include a hole that the zone leaves out, never the reverse. Relocation zones,
//! a later-phase decision, are mapped but not alerted.

use std::io;

use chrono::{DateTime, Duration, Utc};
use quick_xml::Writer;

use super::alert_text::{fr_number, fr_spaces, threshold_text, two_figures, wea_long_en};
use super::local_time;
use super::netcdf::Provenance;
use super::reach_text::reach_text;
use super::xml::{document, text};
use super::zones::{MappedZone, ZonePart};
use crate::geo::jurisdiction::{Country, Region};
use crate::impact::criteria::ppm_text;
use crate::scenario::Scenario;
use crate::source::Source;
use crate::substance::AmountUnit;

/// The CAP 1.2 namespace.
pub const CAP_NAMESPACE: &str = "urn:oasis:names:tc:emergency:cap:1.2";

/// The CAP-CP profile (version 0.4) a Canadian alert declares in its `code`.
pub const CAP_CP_PROFILE: &str = "profile:CAP-CP:0.4";
/// The `valueName` of a CAP-CP event code (the CAP-CP event list, version 0.4).
pub const CAP_CP_EVENT: &str = "profile:CAP-CP:Event:0.4";
/// The `valueName` of a CAP-CP location geocode (an SGC code, location list version 0.3).
pub const CAP_CP_LOCATION: &str = "profile:CAP-CP:Location:0.3";

/// A CAP date-time: UTC written with the `-00:00` offset CAP 1.2 requires.
pub fn cap_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S-00:00").to_string()
}

/// The alerts a run writes, one per country, so each country's authority issues its own
/// (NAADS takes Canadian alerts, IPAWS US ones): file name and country.
pub const ALERTS: [(&str, Country); 2] = [
    ("alert-CA.cap.xml", Country::Ca),
    ("alert-US.cap.xml", Country::Us),
];

/// `country`'s alert for `zones` as XML: the zones' parts in that country and those outside
/// the mapped jurisdictions (sea beyond the boundary data, which either country may warn), in
/// the country's languages; `None` when no alerted zone reaches the country. An alert without
/// an `info` block tells nobody to do anything, and the IPAWS profile refuses it (it requires
/// at least one `info`; CAP 1.2 §3.2.1 allows none).
pub fn zones_cap(
    scenario: &Scenario,
    zones: &[MappedZone],
    prov: &Provenance,
    country: Country,
) -> Option<String> {
    let alerted = alerted_parts(zones, country);
    (!alerted.is_empty()).then(|| document(|w| write(w, scenario, &alerted, prov, country)))
}

/// The alerted zones' parts that `country` warns, the gravest zones first (Extreme, Severe,
/// Moderate; stable within a severity).
fn alerted_parts(zones: &[MappedZone], country: Country) -> Vec<(&MappedZone, &ZonePart)> {
    let mut alerted: Vec<&MappedZone> = zones.iter().filter(|z| z.text.alert).collect();
    alerted.sort_by_key(|z| severity_rank(z.text.severity));
    alerted
        .into_iter()
        .flat_map(|z| {
            z.parts
                .iter()
                .filter(move |p| p.country == country || p.country == Country::Unknown)
                .map(move |p| (z, p))
        })
        .collect()
}

/// An identifier CAP accepts (no spaces, commas, `<` or `&`):
/// "plume-<scenario>-<country>-<time>".
fn identifier(scenario: &Scenario, sent: DateTime<Utc>, country: &str) -> String {
    let slug: String = scenario
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("plume-{slug}-{country}-{}", sent.format("%Y%m%dT%H%M%SZ"))
}

fn write(
    w: &mut Writer<Vec<u8>>,
    scenario: &Scenario,
    alerted: &[(&MappedZone, &ZonePart)],
    prov: &Provenance,
    country: Country,
) -> io::Result<()> {
    let sent = prov.created;
    w.create_element("alert")
        .with_attribute(("xmlns", CAP_NAMESPACE))
        .write_inner_content(|w| {
            text(w, "identifier", &identifier(scenario, sent, country.code()))?;
            text(w, "sender", "plume")?;
            text(w, "sent", &cap_time(sent))?;
            text(w, "status", "Draft")?;
            text(w, "msgType", "Alert")?;
            text(
                w,
                "source",
                &format!("{} ({})", prov.engine_version, prov.model),
            )?;
            text(w, "scope", "Public")?;
            match country {
                // The IPAWS profile's identifier, which IPAWS-OPEN requires of every alert.
                Country::Us => text(w, "code", "IPAWSv1.0")?,
                // The Canadian profile's, which NAADS reads.
                Country::Ca => text(w, "code", CAP_CP_PROFILE)?,
                Country::Unknown => {}
            }
            // In the alert's languages: English, and French in a Canadian alert.
            let french = match country {
                Country::Us => String::new(),
                _ => fr_spaces(&format!(
                    " Ébauche produite par {} à partir du scénario « {} » (projection de \
                     modèle). L'autorité d'alerte la révise, précise l'expéditeur et le statut, \
                     puis la diffuse.",
                    prov.engine_version,
                    scenario.name_in_french()
                )),
            };
            text(
                w,
                "note",
                &format!(
                    "Draft generated by {} from the scenario \"{}\": model projection. The \
                     alerting authority reviews it, sets sender and status, and issues it.{french}",
                    prov.engine_version, scenario.name
                ),
            )?;
            for (z, part) in alerted {
                for lang in languages(country) {
                    info(w, scenario, z, part, lang, country, prov)?;
                }
            }
            Ok(())
        })?;
    Ok(())
}

/// CAP severities from the gravest.
fn severity_rank(severity: &str) -> usize {
    ["Extreme", "Severe", "Moderate", "Minor"]
        .iter()
        .position(|s| *s == severity)
        .unwrap_or(4)
}

/// The languages of the info blocks for a country's cells.
fn languages(country: Country) -> &'static [&'static str] {
    match country {
        Country::Ca => &["en-CA", "fr-CA"],
        Country::Us => &["en-US"],
        Country::Unknown => &["en", "fr"],
    }
}

fn info(
    w: &mut Writer<Vec<u8>>,
    scenario: &Scenario,
    z: &MappedZone,
    part: &ZonePart,
    lang: &str,
    country: Country,
    prov: &Provenance,
) -> io::Result<()> {
    let french = lang.starts_with("fr");
    // The hazard begins with the first release, not with the scenario's clock.
    let onset = scenario.release_start();
    // Expiry: from the later of the onset and the time it is sent (a replayed past scenario
    // still gives a live alert), the longer of the criterion's window and the modelled period.
    // The window is the exposure the action guards against (7 days of dose, an AEGL's 60 min);
    // the modelled period is how long the projection says the hazard may be there. An alert
    // must not lapse while either still holds: the AEGL-2 60 min zone of a 3 h release is
    // alerted for 3 h, not 1.
    // The modelled period runs from the onset (the release's start) to the run's end.
    let modelled_s = (scenario.duration_s - scenario.release_start_s()).max(0.0);
    let expires = onset.max(prov.created)
        + Duration::milliseconds((z.window_s.max(modelled_s) * 1e3).round() as i64);
    let (event, headline, instruction, sender_name) = match (french, z.radiological) {
        (false, true) => (
            "Radiological release",
            &z.text.title_en,
            z.text.instruction_en,
            "plume dispersion model (draft for review)",
        ),
        (false, false) => (
            "Hazardous chemical release",
            &z.text.title_en,
            z.text.instruction_en,
            "plume dispersion model (draft for review)",
        ),
        (true, true) => (
            "Rejet radiologique",
            &z.text.title_fr,
            z.text.instruction_fr,
            "modèle de dispersion plume (ébauche à réviser)",
        ),
        (true, false) => (
            "Rejet de produit chimique dangereux",
            &z.text.title_fr,
            z.text.instruction_fr,
            "modèle de dispersion plume (ébauche à réviser)",
        ),
    };
    // How far the zone's cells in this country reach (responders give actions as distances),
    // as a sentence.
    let (reach_en, reach_fr) = part
        .reach
        .as_ref()
        .map(reach_text)
        .map_or((String::new(), String::new()), |(en, fr)| {
            (format!(" {en}"), format!(" {fr}"))
        });
    // The release start in the local time of the people alerted, with UTC.
    let description = if french {
        fr_spaces(&format!(
            "{headline}. Projection de {} ({}) pour le scénario « {} », début du rejet : {}. \
             Superficie : {} km² ({}).{reach_fr} Source du critère (citée en anglais) : {}{}. \
             Il s'agit d'une projection de modèle : à confirmer par des mesures sur le terrain.",
            prov.engine_version,
            prov.model,
            scenario.name_in_french(),
            local_time::french(scenario.release_start(), country),
            fr_number(&two_figures(part.area_km2)),
            part.area_desc_fr,
            z.source,
            if z.verified {
                ""
            } else {
                " (valeur non vérifiée)"
            }
        ))
    } else {
        format!(
            "{headline}. Projected by {} ({}) for the scenario \"{}\", release starting {}. \
             Area: {} km² ({}).{reach_en} Criterion source: {}{}. This is a model projection: \
             confirm with field measurements.",
            prov.engine_version,
            prov.model,
            scenario.name,
            local_time::english(scenario.release_start(), country),
            two_figures(part.area_km2),
            part.area_desc_en,
            z.source,
            if z.verified {
                ""
            } else {
                " (value not verified)"
            }
        )
    };
    // The Wireless Emergency Alert texts of the IPAWS profile, for US phones.
    let wea: Vec<(&str, String)> = if lang == "en-US" {
        std::iter::once(("CMAMtext", z.text.wea_en.clone()))
            .chain(wea_long_en(&z.text).map(|t| ("CMAMlongtext", t)))
            .collect()
    } else {
        vec![]
    };
    w.create_element("info").write_inner_content(|w| {
        text(w, "language", lang)?;
        text(w, "category", "CBRNE")?;
        text(w, "event", event)?;
        for r in z.text.response {
            text(w, "responseType", r)?;
        }
        text(w, "urgency", z.text.urgency)?;
        text(w, "severity", z.text.severity)?;
        text(w, "certainty", "Likely")?;
        if lang == "en-US" {
            // The EAS event code IPAWS needs (47 CFR § 11.31(e)): Nuclear Power Plant Warning
            // for a dose zone of a reactor's release, Radiological Hazard Warning for any other
            // dose zone, Hazardous Materials Warning for a chemical one.
            let code = match (z.radiological, from_a_nuclear_power_plant(scenario)) {
                (true, true) => "NUW",
                (true, false) => "RHW",
                (false, _) => "HMW",
            };
            w.create_element("eventCode").write_inner_content(|w| {
                text(w, "valueName", "SAME")?;
                text(w, "value", code)
            })?;
        }
        if lang.ends_with("-CA") {
            // The CAP-CP event by which NAADS classes the alert.
            w.create_element("eventCode").write_inner_content(|w| {
                text(w, "valueName", CAP_CP_EVENT)?;
                text(
                    w,
                    "value",
                    if z.radiological {
                        "radiological"
                    } else {
                        "chemical"
                    },
                )
            })?;
        }
        text(w, "effective", &cap_time(prov.created))?;
        text(w, "onset", &cap_time(onset))?;
        text(w, "expires", &cap_time(expires))?;
        text(w, "senderName", sender_name)?;
        text(w, "headline", headline)?;
        text(w, "description", &description)?;
        text(w, "instruction", instruction)?;
        for (name, value) in [
            ("criterion", z.id.clone()),
            ("threshold", threshold_text(z.threshold, z.unit)),
            ("window_s", format!("{}", z.window_s)),
            (
                "threshold_ppm",
                z.threshold_ppm.map_or(String::new(), ppm_text),
            ),
            ("area_km2", format!("{:.3}", part.area_km2)),
            ("threshold_verified", format!("{}", z.verified)),
            // A verified threshold reached through unverified dose coefficients says so (found
            // by review: `threshold_verified=true` alone read as a checked zone).
            ("decided_by_unverified", z.decided_by_unverified.join("; ")),
            ("polygon_block_m", format!("{}", part.alert_block_m)),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .chain(wea)
        {
            w.create_element("parameter").write_inner_content(|w| {
                text(w, "valueName", name)?;
                text(w, "value", &value)
            })?;
        }
        w.create_element("area").write_inner_content(|w| {
            let mut desc = if french {
                part.area_desc_fr.clone()
            } else {
                part.area_desc_en.clone()
            };
            if !part.us_counties.is_empty() {
                let names: Vec<String> = part
                    .us_counties
                    .iter()
                    .map(|c| format!("{} County, {}", c.name, c.state))
                    .collect();
                desc = format!("{desc}: {}", names.join("; "));
            }
            text(w, "areaDesc", &desc)?;
            for p in &part.alert_geometry {
                let pairs: Vec<String> = p
                    .exterior()
                    .coords()
                    .map(|c| format!("{},{}", c.y, c.x))
                    .collect();
                text(w, "polygon", &pairs.join(" "))?;
            }
            // IPAWS routes an alert to the Emergency Alert System by its SAME codes.
            for c in &part.us_counties {
                w.create_element("geocode").write_inner_content(|w| {
                    text(w, "valueName", "SAME")?;
                    text(w, "value", &c.same_code())
                })?;
            }
            // NAADS locates a Canadian alert by its CAP-CP geocodes (and polygons).
            if lang.ends_with("-CA") {
                for code in &part.ca_sgc_codes {
                    w.create_element("geocode").write_inner_content(|w| {
                        text(w, "valueName", CAP_CP_LOCATION)?;
                        text(w, "value", code)
                    })?;
                }
            }
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(())
}

/// How near a listed nuclear power plant (m) a release counts as the plant's: its site
/// boundary (Point Lepreau's exclusion zone reaches about 1 km) and the ±0.3 km of the site
/// table's coordinates.
const PLANT_SITE_RADIUS_M: f64 = 2000.0;

/// Whether a run's radioactive releases are a nuclear power plant's: a source releasing a
/// reactor core's inventory, or a source of nuclides within [`PLANT_SITE_RADIUS_M`] of a plant
/// in the region's site table (a chemical tank at the plant does not make a laboratory's
/// release elsewhere a plant's: found by review).
fn from_a_nuclear_power_plant(scenario: &Scenario) -> bool {
    let radioactive = |s: &&Source| {
        s.releases
            .iter()
            .any(|r| scenario.species[r.species].unit == AmountUnit::Becquerel)
    };
    at_a_nuclear_power_plant(scenario.sources.iter().filter(radioactive))
}

/// Whether any of `sources` releases a reactor inventory or stands at a listed plant.
fn at_a_nuclear_power_plant<'a>(sources: impl IntoIterator<Item = &'a Source>) -> bool {
    let plants: Vec<_> = Region::embedded()
        .sites
        .iter()
        .filter(|site| site.kind == "nuclear_power_plant")
        .collect();
    sources.into_iter().any(|s| {
        s.reactor
            || plants.iter().any(|p| {
                crate::geo::geodesic_distance_m(p.location, s.location) <= PLANT_SITE_RADIUS_M
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::LatLon;

    fn source_at(lat: f64, lon: f64, reactor: bool) -> Source {
        Source {
            name: "s".into(),
            location: LatLon::new(lat, lon),
            height_m: 40.0,
            start_s: 0.0,
            duration_s: 3600.0,
            releases: vec![],
            stack: None,
            release_temperature_k: None,
            reactor,
            aerosol: None,
        }
    }

    /// A run with an ammonia tank at Point Lepreau and a caesium source at `lab`.
    fn two_sources(lab: (f64, f64)) -> Scenario {
        let text = format!(
            r#"
[scenario]
name = "two sources"
start = "2026-05-01T00:00:00Z"
duration_s = 3600
[domain]
centre = {{ lat = 45.07, lon = -66.5 }}
extent_m = [30000, 30000]
resolution_m = 500
output_interval_s = 900
[[source]]
name = "ammonia tank"
location = {{ lat = 45.068, lon = -66.455 }}
height_m = 1
duration_s = 600
release = [{{ substance = "Ammonia", rate_kg_s = 1.0 }}]
[[source]]
name = "lab"
location = {{ lat = {}, lon = {} }}
height_m = 10
duration_s = 600
release = [{{ nuclide = "Cs-137", rate_bq_s = 1e9 }}]
[meteorology]
kind = "uniform"
wind_speed_m_s = 5
wind_from_deg = 80
stability = "D"
"#,
            lab.0, lab.1
        );
        Scenario::parse(&text, std::path::Path::new("two.toml")).unwrap()
    }

    #[test]
    fn only_a_radioactive_release_at_the_plant_makes_a_dose_zone_the_plants() {
        // Found by review: a chemical tank at the plant made a laboratory's caesium NUW.
        assert!(!from_a_nuclear_power_plant(&two_sources((45.03, -66.42))));
        assert!(from_a_nuclear_power_plant(&two_sources((45.0685, -66.456))));
    }

    #[test]
    fn a_release_at_point_lepreau_or_of_a_reactor_inventory_is_a_nuclear_power_plants() {
        // The reactor building stack, 0.1 km from the listed point.
        assert!(at_a_nuclear_power_plant(&[source_at(
            45.0689, -66.4550, false
        )]));
        // 5 km away in the Bay of Fundy: no plant, unless it releases a core inventory.
        assert!(!at_a_nuclear_power_plant(&[source_at(
            45.03, -66.42, false
        )]));
        assert!(at_a_nuclear_power_plant(&[source_at(45.03, -66.42, true)]));
        // A hospital's source in Saint John is not a plant's.
        assert!(!at_a_nuclear_power_plant(&[source_at(
            45.27, -66.06, false
        )]));
    }
}
