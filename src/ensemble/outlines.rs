//! The ensemble's zone probabilities as outlines: for every zone criterion and every level of
//! [`PROBABILITY_LEVELS_PERCENT`] that some cell reaches, the cells exceeded in at least that
//! fraction of the members — the nested "10 %, 50 %, 90 %" contours an analyst overlays in QGIS
//! or a web map (a GeoJSON FeatureCollection, RFC 7946) or in Google Earth (KML 2.2). The
//! outlines follow the cells exactly, as the zones of `plume run` do
//! ([`crate::output::lon_lat::lon_lat`]): WGS 84 longitude/latitude, exteriors counter-clockwise
//! and holes clockwise (§3.1.6).

use super::Ensemble;
use crate::geo::outline::CellLattice;
use crate::output::alert_text::{fr_number, fr_spaces, threshold_text, two_figures};
use crate::output::kml::{placemarks_kml, Placemark};
use crate::output::lon_lat::lon_lat;
use crate::output::netcdf::Provenance;
use crate::scenario::Scenario;
use geojson::{Feature, FeatureCollection, Geometry, GeometryValue, JsonObject, JsonValue};

/// The probability levels (per cent of members) the ensemble reports: areas in the summary,
/// outlines in the GeoJSON.
pub const PROBABILITY_LEVELS_PERCENT: [u32; 3] = [10, 50, 90];

/// One probability outline: zone `zone`'s cells exceeded in at least `percent` % of the members.
struct Level<'a> {
    zone: &'a super::ZoneProbability,
    percent: u32,
    id: String,
    geometry: geo::MultiPolygon<f64>,
    area_km2: f64,
}

/// Every zone's outline at every level that some cell reaches, zone by zone, lowest level first.
fn levels(e: &Ensemble) -> Vec<Level<'_>> {
    let members = e.spec.members;
    let lattice = CellLattice::of_grid(&e.grid);
    let cell_km2 = e.grid.cell_area_m2() / 1e6;
    let mut out = vec![];
    for z in &e.zones {
        for percent in PROBABILITY_LEVELS_PERCENT {
            let mask = z.at_least(percent, members);
            if !mask.iter().any(|&m| m) {
                continue;
            }
            out.push(Level {
                zone: z,
                percent,
                id: format!("{}_ge_{percent}", z.variable),
                geometry: lon_lat(&mask, lattice, &e.projection),
                area_km2: z.area_km2_at_least(percent, members, cell_km2),
            });
        }
    }
    out
}

fn title_en(l: &Level) -> String {
    format!(
        "{}, in at least {} % of the weathers",
        l.zone.title_en, l.percent
    )
}

fn title_fr(l: &Level) -> String {
    fr_spaces(&format!(
        "{}, dans au moins {} % des scénarios météorologiques",
        l.zone.title_fr, l.percent
    ))
}

/// The FeatureCollection of the ensemble's zone probabilities, as pretty-printed JSON.
pub fn probability_geojson(scenario: &Scenario, e: &Ensemble, prov: &Provenance) -> String {
    let members = e.spec.members;
    let features = levels(e)
        .into_iter()
        .map(|l| {
            let z = l.zone;
            let mut p = JsonObject::new();
            let mut put = |k: &str, v: JsonValue| {
                p.insert(k.to_string(), v);
            };
            put("id", l.id.clone().into());
            put("zone", z.label.clone().into());
            put("variable", z.variable.clone().into());
            put(
                "probability_at_least",
                (f64::from(l.percent) / 100.0).into(),
            );
            put("title_en", title_en(&l).into());
            put("title_fr", title_fr(&l).into());
            put("country", z.country.map_or(JsonValue::Null, Into::into));
            put("threshold", z.threshold.into());
            put("threshold_unit", z.unit.into());
            put("area_km2", l.area_km2.into());
            put("ensemble_members", members.into());
            Feature {
                bbox: None,
                geometry: Some(Geometry::new(GeometryValue::from(&l.geometry))),
                id: Some(geojson::feature::Id::String(l.id)),
                properties: Some(p),
                foreign_members: None,
            }
        })
        .collect();
    let mut fm = JsonObject::new();
    fm.insert(
        "name".into(),
        format!("{} — ensemble zone probabilities", scenario.name).into(),
    );
    fm.insert("scenario_start".into(), scenario.start.to_rfc3339().into());
    fm.insert("generator".into(), prov.engine_version.clone().into());
    fm.insert("model".into(), prov.model.clone().into());
    fm.insert("created".into(), prov.created.to_rfc3339().into());
    fm.insert("ensemble_members".into(), members.into());
    fm.insert("ensemble_seed".into(), e.spec.seed.into());
    let fc = FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(fm),
    };
    serde_json::to_string_pretty(&fc).expect("a feature collection serialises")
}

/// KML fill colour (`aabbggrr`, a quarter opaque) of a level: orange, black and red for 10, 50
/// and 90 %, as on `ensemble_map.png`.
fn kml_colour(percent: u32) -> &'static str {
    match percent {
        p if p >= 90 => "400000dc",
        p if p >= 50 => "40000000",
        _ => "40008cff",
    }
}

/// The same outlines as [`probability_geojson`], as a KML document for Google Earth.
pub fn probability_kml(scenario: &Scenario, e: &Ensemble, prov: &Provenance) -> String {
    let levels = levels(e);
    let placemarks: Vec<Placemark> = levels
        .iter()
        .map(|l| Placemark {
            id: &l.id,
            name: format!("{} / {}", title_en(l), title_fr(l)),
            description: format!(
                "{}\nArea: {} km². Threshold: {}. {} members.\n\n{}\n{}",
                title_en(l),
                two_figures(l.area_km2),
                threshold_text(l.zone.threshold, l.zone.unit),
                e.spec.members,
                title_fr(l),
                fr_spaces(&format!(
                    "Superficie : {} km². Seuil : {}. {} membres.",
                    fr_number(&two_figures(l.area_km2)),
                    fr_number(&threshold_text(l.zone.threshold, l.zone.unit)),
                    e.spec.members
                ))
            ),
            kml_colour: kml_colour(l.percent),
            geometry: &l.geometry,
        })
        .collect();
    placemarks_kml(
        &format!("{} — ensemble zone probabilities", scenario.name),
        &format!(
            "Share of {} perturbed weathers (seed {}) in which each zone is exceeded, by {} ({}).\n\n{}",
            e.spec.members,
            e.spec.seed,
            prov.engine_version,
            prov.model,
            fr_spaces(&format!(
                "Proportion des {} scénarios météorologiques perturbés (graine {}) où chaque \
                 seuil est dépassé, par {} ({}).",
                e.spec.members, e.spec.seed, prov.engine_version, prov.model
            ))
        ),
        &placemarks,
    )
}

#[cfg(test)]
mod tests {
    use super::super::ZoneProbability;
    use ndarray::Array2;

    fn zone(count: Array2<u32>) -> ZoneProbability {
        ZoneProbability {
            label: "Chlorine AEGL-2 60 min".into(),
            variable: "probability_Chlorine_AEGL_2_60_min".into(),
            title_en: "Chlorine AEGL-2".into(),
            title_fr: "Chlore AEGL-2".into(),
            country: None,
            threshold: 2.0e-6,
            unit: "kg m-3",
            count,
            member_area_km2: vec![],
        }
    }

    #[test]
    fn a_level_holds_the_cells_reached_by_at_least_that_share_of_members() {
        // 10 members: counts 0, 1, 5, 9, 10 → ≥10 %: 4 cells, ≥50 %: 3, ≥90 %: 2.
        let z = zone(Array2::from_shape_vec((1, 5), vec![0, 1, 5, 9, 10]).unwrap());
        let n = |p| z.at_least(p, 10).iter().filter(|&&m| m).count();
        assert_eq!((n(10), n(50), n(90)), (4, 3, 2));
        // 3 members: one member is 33 %, under 50 %; two are 67 %, under 90 %.
        let z = zone(Array2::from_shape_vec((1, 3), vec![1, 2, 3]).unwrap());
        let m = |p| z.at_least(p, 3).iter().filter(|&&m| m).count();
        assert_eq!((m(10), m(50), m(90)), (3, 2, 1));
    }
}
