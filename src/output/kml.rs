//! Zones as KML 2.2 (OGC 07-147r2) for Google Earth and most GIS viewers: a Document with one
//! Style per zone (the red/orange/yellow convention of ALOHA threat zones, purple for iodine
//! blocking) and one Placemark per zone holding its polygons (outer and inner boundaries, `lon,lat`
//! tuples, clamped to the ground) and its title and instruction in English and French.

use std::io;

use geo::{LineString, Polygon};
use quick_xml::Writer;

use super::alert_text::{threshold_text, two_figures};
use super::netcdf::Provenance;
use super::xml::{document, text};
use super::zones::MappedZone;
use crate::scenario::Scenario;

/// The KML document of `zones`.
pub fn zones_kml(scenario: &Scenario, zones: &[MappedZone], prov: &Provenance) -> String {
    document(|w| write(w, scenario, zones, prov))
}

fn write(
    w: &mut Writer<Vec<u8>>,
    scenario: &Scenario,
    zones: &[MappedZone],
    prov: &Provenance,
) -> io::Result<()> {
    w.create_element("kml")
        .with_attribute(("xmlns", "http://www.opengis.net/kml/2.2"))
        .write_inner_content(|w| {
            w.create_element("Document").write_inner_content(|w| {
                text(w, "name", &format!("{} — zones", scenario.name))?;
                text(
                    w,
                    "description",
                    &format!(
                        "Protective-action and AEGL zones projected by {} ({}) for a release \
                         starting {}. Zones de mesures de protection et d'AEGL projetées par le \
                         modèle. Model projection: confirm with field measurements.",
                        prov.engine_version,
                        prov.model,
                        scenario.start.to_rfc3339()
                    ),
                )?;
                for z in zones {
                    w.create_element("Style")
                        .with_attribute(("id", style_id(z).as_str()))
                        .write_inner_content(|w| {
                            w.create_element("LineStyle").write_inner_content(|w| {
                                text(w, "color", &format!("ff{}", &z.text.kml_colour[2..]))?;
                                text(w, "width", "2")
                            })?;
                            w.create_element("PolyStyle")
                                .write_inner_content(|w| text(w, "color", z.text.kml_colour))?;
                            Ok(())
                        })?;
                }
                for z in zones {
                    placemark(w, z)?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(())
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

/// The id of a zone's Style: distinct from its Placemark's, as xs:ID values must be unique.
fn style_id(z: &MappedZone) -> String {
    format!("style_{}", xml_id(&z.id))
}

fn placemark(w: &mut Writer<Vec<u8>>, z: &MappedZone) -> io::Result<()> {
    w.create_element("Placemark")
        .with_attribute(("id", xml_id(&z.id).as_str()))
        .write_inner_content(|w| {
            text(w, "name", &z.text.title_en)?;
            text(
                w,
                "description",
                &format!(
                    "{}\n{}\n\n{}\n{}\n\nArea / superficie: {} km². Threshold / seuil: {}. \
                     Source: {}{}",
                    z.text.title_en,
                    z.text.instruction_en,
                    z.text.title_fr,
                    z.text.instruction_fr,
                    two_figures(z.area_km2),
                    threshold_text(z.threshold, z.unit),
                    z.source,
                    if z.verified {
                        ""
                    } else {
                        " (UNVERIFIED / NON VÉRIFIÉ)"
                    }
                ),
            )?;
            text(w, "styleUrl", &format!("#{}", style_id(z)))?;
            w.create_element("MultiGeometry").write_inner_content(|w| {
                for p in &z.geometry {
                    polygon(w, p)?;
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
