//! Zones as KML 2.2 (OGC 07-147r2) for Google Earth and most GIS viewers: a Document with one
//! Style per zone (the red/orange/yellow convention of ALOHA threat zones, purple for iodine
//! blocking) and one Placemark per zone holding its polygons (outer and inner boundaries, `lon,lat`
//! tuples, clamped to the ground) and its title and instruction in English and French.
//! [`placemarks_kml`] writes any such set of styled areas (the ensemble's probability outlines
//! are another).

use std::io;

use geo::{LineString, MultiPolygon, Polygon};
use quick_xml::Writer;

use super::alert_text::{fr_number, fr_spaces, two_figures};
use super::local_time;
use super::netcdf::Provenance;
use super::reach_text::reach_text;
use super::xml::{document, text};
use super::zones::MappedZone;
use crate::geo::jurisdiction::Country;
use crate::scenario::Scenario;

/// One styled Placemark: an area with its name and description.
pub struct Placemark<'a> {
    /// Made an XML NCName (`xml_id`); unique within the document.
    pub id: &'a str,
    pub name: String,
    pub description: String,
    /// Fill colour `aabbggrr`; the outline is the same colour, opaque.
    pub kml_colour: &'a str,
    pub geometry: &'a MultiPolygon<f64>,
}

/// The KML document of `zones`.
pub fn zones_kml(scenario: &Scenario, zones: &[MappedZone], prov: &Provenance) -> String {
    let placemarks: Vec<Placemark> = zones
        .iter()
        .map(|z| (z, z.reach.as_ref().map(reach_text)))
        .map(|(z, reach)| Placemark {
            id: &z.id,
            // Both languages: the zone files go to New Brunswick's bilingual services.
            name: format!("{} / {}", z.text.title_en, z.text.title_fr),
            description: format!(
                "{}\n{}\nArea: {} km².{} Threshold: {}. Source: {}{}\n\n{}\n{}\n{}",
                z.text.title_en,
                z.text.instruction_en,
                two_figures(z.area_km2),
                reach
                    .as_ref()
                    .map_or(String::new(), |r| format!(" {}", r.0)),
                z.threshold_words(),
                z.source,
                if z.verified { "" } else { " (UNVERIFIED)" },
                z.text.title_fr,
                z.text.instruction_fr,
                fr_spaces(&format!(
                    "Superficie : {} km².{} Seuil : {}. Source (citée en anglais) : {}{}",
                    fr_number(&two_figures(z.area_km2)),
                    reach
                        .as_ref()
                        .map_or(String::new(), |r| format!(" {}", r.1)),
                    z.threshold_words_fr(),
                    z.source,
                    if z.verified { "" } else { " (NON VÉRIFIÉ)" }
                ))
            ),
            kml_colour: z.text.kml_colour,
            geometry: &z.geometry,
        })
        .collect();
    placemarks_kml(
        &format!("{} — zones", scenario.name),
        &format!(
            "Protective-action and AEGL zones projected by {} ({}) for the scenario \"{}\", \
             release starting {}. Model projection: confirm with field measurements.\n\n{}",
            prov.engine_version,
            prov.model,
            scenario.name,
            local_time::english(scenario.release_start(), Country::Unknown),
            fr_spaces(&format!(
                "Zones de mesures de protection et zones AEGL projetées par {} ({}) pour le \
                 scénario « {} », rejet débutant le {}. Projection de modèle : à confirmer \
                 par des mesures sur le terrain.",
                prov.engine_version,
                prov.model,
                scenario.name_in_french(),
                local_time::french(scenario.release_start(), Country::Unknown)
            ))
        ),
        &placemarks,
    )
}

/// A KML Document named `name` holding one Style and one Placemark per entry of `placemarks`.
pub fn placemarks_kml(name: &str, description: &str, placemarks: &[Placemark]) -> String {
    document(|w| {
        w.create_element("kml")
            .with_attribute(("xmlns", "http://www.opengis.net/kml/2.2"))
            .write_inner_content(|w| {
                w.create_element("Document").write_inner_content(|w| {
                    text(w, "name", name)?;
                    text(w, "description", description)?;
                    for p in placemarks {
                        w.create_element("Style")
                            .with_attribute(("id", style_id(p.id).as_str()))
                            .write_inner_content(|w| {
                                w.create_element("LineStyle").write_inner_content(|w| {
                                    text(w, "color", &format!("ff{}", &p.kml_colour[2..]))?;
                                    text(w, "width", "2")
                                })?;
                                w.create_element("PolyStyle")
                                    .write_inner_content(|w| text(w, "color", p.kml_colour))?;
                                Ok(())
                            })?;
                    }
                    for p in placemarks {
                        placemark(w, p)?;
                    }
                    Ok(())
                })?;
                Ok(())
            })?;
        Ok(())
    })
}

/// `id` as an XML NCName, which KML's `id` (xs:ID) must be: characters other than ASCII
/// letters, digits, `_`, `-` and `.` become `_`, and one that does not start with a letter or
/// `_` gets a leading `_` ("1_3_Test_gas_AEGL-2_60min" → "_1_3_Test_gas_AEGL-2_60min").
fn xml_id(id: &str) -> String {
    let id: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_-.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        id
    } else {
        format!("_{id}")
    }
}

/// The id of a Placemark's Style: distinct from the Placemark's, as xs:ID values must be unique.
fn style_id(id: &str) -> String {
    format!("style_{}", xml_id(id))
}

fn placemark(w: &mut Writer<Vec<u8>>, p: &Placemark) -> io::Result<()> {
    w.create_element("Placemark")
        .with_attribute(("id", xml_id(p.id).as_str()))
        .write_inner_content(|w| {
            text(w, "name", &p.name)?;
            text(w, "description", &p.description)?;
            text(w, "styleUrl", &format!("#{}", style_id(p.id)))?;
            w.create_element("MultiGeometry").write_inner_content(|w| {
                for polygon_ in p.geometry {
                    polygon(w, polygon_)?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(())
}

fn polygon(w: &mut Writer<Vec<u8>>, p: &Polygon<f64>) -> io::Result<()> {
    w.create_element("Polygon").write_inner_content(|w| {
        text(w, "altitudeMode", "clampToGround")?;
        w.create_element("outerBoundaryIs")
            .write_inner_content(|w| ring(w, p.exterior()))?;
        for h in p.interiors() {
            w.create_element("innerBoundaryIs")
                .write_inner_content(|w| ring(w, h))?;
        }
        Ok(())
    })?;
    Ok(())
}

fn ring(w: &mut Writer<Vec<u8>>, r: &LineString<f64>) -> io::Result<()> {
    let coords: Vec<String> = r.coords().map(|c| format!("{},{},0", c.x, c.y)).collect();
    w.create_element("LinearRing")
        .write_inner_content(|w| text(w, "coordinates", &coords.join(" ")))?;
    Ok(())
}
