//! Zones as a GeoJSON FeatureCollection (RFC 7946): one Feature per zone, a MultiPolygon in
//! WGS 84 longitude/latitude with counter-clockwise exteriors and clockwise holes (§3.1.6), and
//! its criterion, threshold, window, area, source and public texts in both languages as
//! properties — what QGIS, ArcGIS, Leaflet and most alerting front-ends read directly.

use geojson::{Feature, FeatureCollection, Geometry, GeometryValue, JsonObject, JsonValue};

use super::netcdf::Provenance;
use super::zones::{MappedZone, ZonePart};
use crate::scenario::Scenario;

/// The FeatureCollection of `zones`, as pretty-printed JSON.
pub fn zones_geojson(scenario: &Scenario, zones: &[MappedZone], prov: &Provenance) -> String {
    let features = zones
        .iter()
        .map(|z| {
            let mut p = JsonObject::new();
            let mut put = |k: &str, v: JsonValue| {
                p.insert(k.to_string(), v);
            };
            put("id", z.id.clone().into());
            put("title_en", z.text.title_en.clone().into());
            put("title_fr", z.text.title_fr.clone().into());
            put("instruction_en", z.text.instruction_en.into());
            put("instruction_fr", z.text.instruction_fr.into());
            put(
                "country",
                z.country.map_or(JsonValue::Null, |c| c.code().into()),
            );
            put("threshold", z.threshold.into());
            put("threshold_unit", z.unit.into());
            if let Some(ppm) = z.threshold_ppm {
                put("threshold_ppm", ppm.into());
            }
            put("window_s", z.window_s.into());
            put("area_km2", z.area_km2.into());
            // How far it reaches: distance and bearing of its farthest cell from the source.
            if let Some(r) = &z.reach {
                put("reach_km", (r.distance_m / 1000.0).into());
                put("reach_bearing_deg", r.bearing_deg.into());
                put("reach_from", r.source.clone().into());
                put(
                    "reach_sectors",
                    r.sectors
                        .iter()
                        .map(|s| JsonValue::from(*s))
                        .collect::<Vec<_>>()
                        .into(),
                );
            }
            put(
                "cap_response_type",
                z.text
                    .response
                    .iter()
                    .map(|r| JsonValue::from(*r))
                    .collect::<Vec<_>>()
                    .into(),
            );
            put("cap_severity", z.text.severity.into());
            put("source", z.source.clone().into());
            put("verified", z.verified.into());
            let places = |name: fn(&ZonePart) -> &String| -> JsonValue {
                z.parts
                    .iter()
                    .map(|part| JsonValue::from(name(part).clone()))
                    .collect::<Vec<_>>()
                    .into()
            };
            put("jurisdictions", places(|p| &p.area_desc_en));
            put("jurisdictions_fr", places(|p| &p.area_desc_fr));
            let mut same: Vec<String> = z
                .parts
                .iter()
                .flat_map(|part| part.us_counties.iter().map(|c| c.same_code()))
                .collect();
            same.sort_unstable();
            same.dedup();
            put(
                "us_same_geocodes",
                same.into_iter()
                    .map(JsonValue::from)
                    .collect::<Vec<_>>()
                    .into(),
            );
            let mut sgc: Vec<&str> = z
                .parts
                .iter()
                .flat_map(|part| part.ca_sgc_codes.iter().copied())
                .collect();
            sgc.sort_unstable();
            sgc.dedup();
            put(
                "ca_sgc_geocodes",
                sgc.into_iter()
                    .map(JsonValue::from)
                    .collect::<Vec<_>>()
                    .into(),
            );
            Feature {
                bbox: None,
                geometry: Some(Geometry::new(GeometryValue::from(&z.geometry))),
                id: Some(geojson::feature::Id::String(z.id.clone())),
                properties: Some(p),
                foreign_members: None,
            }
        })
        .collect();
    let mut members = JsonObject::new();
    members.insert("name".into(), format!("{} — zones", scenario.name).into());
    members.insert("scenario_start".into(), scenario.start.to_rfc3339().into());
    members.insert("generator".into(), prov.engine_version.clone().into());
    members.insert("model".into(), prov.model.clone().into());
    members.insert("created".into(), prov.created.to_rfc3339().into());
    let fc = FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(members),
    };
    serde_json::to_string_pretty(&fc).expect("a feature collection serialises")
}
