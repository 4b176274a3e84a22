//! The zones of a run as map geometry: every protective-action and AEGL zone the consequence
//! assessment found, outlined exactly along the cells it counts ([`crate::geo::outline`]) and
//! carried to longitude and latitude, with its public texts (`alert_text`) and its parts
//! by country — what the GeoJSON, KML and CAP writers share.

use geo::MultiPolygon;
use ndarray::Array2;

use super::alert_text::{self, ZoneText};
use super::lon_lat::{alert_outline, lon_lat};
use crate::consequence::Consequence;
use crate::field::GridSpec;
use crate::geo::counties::Counties;
use crate::geo::jurisdiction::{Country, JurisdictionGrid, CA_WATERS, US_WATERS};
use crate::geo::outline::CellLattice;
use crate::geo::TransverseMercator;
use crate::impact::criteria::{ppm_text, threshold_text};
use crate::impact::{Status, Zone};
use crate::substance::MOLAR_VOLUME_L_MOL;

/// One zone on the map.
#[derive(Debug, Clone)]
pub struct MappedZone {
    /// A stable identifier: "HC_2018_evacuate", "Chlorine_AEGL-2_60min".
    pub id: String,
    /// A radiological criterion's zone (else a chemical's AEGL zone).
    pub radiological: bool,
    pub text: ZoneText,
    /// The country whose criterion defines it (`None` for AEGL zones, which apply everywhere).
    pub country: Option<Country>,
    pub threshold: f64,
    /// Unit of `threshold` ("Sv", "kg m-3").
    pub unit: &'static str,
    /// A chemical zone's threshold as a mixing ratio (ppm by volume, 25 °C and 1 atm): the unit
    /// the AEGL tables and US responders use.
    pub threshold_ppm: Option<f64>,
    /// Dose window of a radiological criterion, or the AEGL exposure duration (s).
    pub window_s: f64,
    /// Where the threshold comes from, and whether it was checked against its primary document.
    pub source: String,
    pub verified: bool,
    /// Area of its cells (km², on the projected grid).
    pub area_km2: f64,
    /// The whole zone (longitude, latitude; exteriors counter-clockwise, holes clockwise).
    pub geometry: MultiPolygon<f64>,
    /// The zone split by the country of its cells, for alerts addressed by jurisdiction.
    pub parts: Vec<ZonePart>,
    /// How far it reaches from the nearest source (the run summary's).
    pub reach: Option<crate::impact::reach::Reach>,
    /// The unverified values that decide a radiological zone (the run summary's
    /// `decided_by_unverified`); empty for a chemical zone, whose threshold is its only value.
    pub decided_by_unverified: Vec<String>,
}

/// The cells of a zone in one country.
#[derive(Debug, Clone)]
pub struct ZonePart {
    pub country: Country,
    /// The jurisdictions its cells lie in, in English and French ("New Brunswick, Canada").
    pub area_desc_en: String,
    pub area_desc_fr: String,
    pub area_km2: f64,
    pub geometry: MultiPolygon<f64>,
    /// A covering of `geometry` whose rings have at most [`MAX_ALERT_POLYGON_POINTS`](super::lon_lat::MAX_ALERT_POLYGON_POINTS) points,
    /// for alerts ([`alert_outline`]).
    pub alert_geometry: MultiPolygon<f64>,
    /// Block size (m) of the cells `alert_geometry` outlines (the grid's cell when no
    /// coarsening was needed).
    pub alert_block_m: f64,
    /// For a US part, the counties its cells are in ([`crate::geo::counties`]), by FIPS code:
    /// the SAME geocodes of its alert area. Empty elsewhere, and for US cells far from any
    /// county (the open Gulf of Maine).
    pub us_counties: Vec<PartCounty>,
    /// For a Canadian part, the SGC codes of the provinces its cells are in
    /// ([`crate::geo::jurisdiction::Subdivision::sgc_code`]): the CAP-CP location geocodes of
    /// its alert area. The bundled boundaries place Canadian cells in New Brunswick or in "Canada
    /// outside New Brunswick", so cells only in the latter (Quebec, Nova Scotia) add none, and
    /// their alert area is its polygons alone.
    pub ca_sgc_codes: Vec<&'static str>,
    /// How far its cells reach from the nearest source: the whole zone's where the zone lies
    /// in one country, else the run summary's `reach_by_country` for this one.
    pub reach: Option<crate::impact::reach::Reach>,
}

/// A county a zone part reaches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartCounty {
    /// Five-digit FIPS code.
    pub fips: String,
    pub name: String,
    pub state: String,
}

impl PartCounty {
    /// The six-digit SAME code of the whole county.
    pub fn same_code(&self) -> String {
        format!("0{}", self.fips)
    }
}

/// The counties of the marked cells of `mask` (cell centres looked up in
/// [`Counties::embedded`]), in FIPS order.
fn counties_of(
    mask: &Array2<bool>,
    lattice: CellLattice,
    projection: &TransverseMercator,
) -> Vec<PartCounty> {
    let counties = Counties::embedded();
    let mut found = vec![false; counties.counties.len()];
    for ((j, i), _) in mask.indexed_iter().filter(|(_, &m)| m) {
        let p = projection.inverse(
            lattice.x0_m + i as f64 * lattice.dx_m,
            lattice.y0_m + j as f64 * lattice.dx_m,
        );
        for k in counties.at(p) {
            found[k] = true;
        }
    }
    counties
        .counties
        .iter()
        .zip(found)
        .filter(|(_, f)| *f)
        .map(|(c, _)| PartCounty {
            fips: c.fips.clone(),
            name: c.name.clone(),
            state: c.state.clone(),
        })
        .collect()
}

/// The zones of a run with at least one cell, radiological first, in criteria order.
pub fn mapped_zones(
    consequence: &Consequence,
    grid: &GridSpec,
    projection: &TransverseMercator,
) -> Vec<MappedZone> {
    let lattice = CellLattice::of_grid(grid);
    let cell_km2 = grid.dx_m * grid.dx_m * 1e-6;
    let juris = &consequence.jurisdictions;
    let summary_of = |z: &Zone| consequence.summary.zones.iter().find(|s| s.zone == z.label);
    let reach = |z: &Zone| summary_of(z).and_then(|s| s.reach.clone());
    let parts = |z: &Zone| {
        let mut parts = parts(z, juris, lattice, projection, cell_km2);
        let by_country = summary_of(z).map_or(&[][..], |s| &s.reach_by_country[..]);
        for part in &mut parts {
            part.reach = if by_country.is_empty() {
                reach(z)
            } else {
                by_country
                    .iter()
                    .find(|r| r.country == part.country)
                    .map(|r| r.reach.clone())
            };
        }
        parts
    };
    let mut out = vec![];
    if let Some(rad) = &consequence.radiological {
        for (c, z) in rad.criteria.iter().zip(&rad.zones) {
            if !z.exceeded.iter().any(|&e| e) {
                continue;
            }
            out.push(MappedZone {
                id: format!("{}_{}", c.set, c.action),
                radiological: true,
                text: alert_text::radiological(c),
                country: z.country,
                threshold: z.threshold,
                unit: z.unit,
                threshold_ppm: None,
                window_s: c.window_s,
                source: c.source.clone(),
                verified: c.status == Status::Verified,
                area_km2: count(&z.exceeded) as f64 * cell_km2,
                geometry: lon_lat(&z.exceeded, lattice, projection),
                parts: parts(z),
                reach: reach(z),
                decided_by_unverified: summary_of(z)
                    .map_or_else(Vec::new, |s| s.decided_by_unverified.clone()),
            });
        }
    }
    for ch in &consequence.chemical {
        let levels = ch
            .thresholds
            .iter()
            .enumerate()
            .filter_map(|(k, t)| t.as_ref().map(|t| (k as u8 + 1, t)));
        for ((level, t), z) in levels.zip(&ch.zones) {
            if !z.exceeded.iter().any(|&e| e) {
                continue;
            }
            let minutes = ch.duration_s / 60.0;
            out.push(MappedZone {
                id: format!(
                    "{}_AEGL-{level}_{minutes}min",
                    ch.chemical
                        .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
                ),
                radiological: false,
                text: alert_text::chemical(&ch.chemical, level, minutes),
                country: None,
                threshold: z.threshold,
                unit: z.unit,
                // To 12 figures: 2.0, not the conversion's 1.9999999999999996 (found by review).
                threshold_ppm: format!(
                    "{:.11e}",
                    z.threshold * 1e6 * MOLAR_VOLUME_L_MOL / ch.mw_g_per_mol
                )
                .parse()
                .ok(),
                window_s: ch.duration_s,
                source: t.source.clone(),
                verified: t.verified,
                area_km2: count(&z.exceeded) as f64 * cell_km2,
                geometry: lon_lat(&z.exceeded, lattice, projection),
                parts: parts(z),
                reach: reach(z),
                decided_by_unverified: vec![],
            });
        }
    }
    out
}

impl MappedZone {
    /// The threshold as a reader takes it: "3.98 mg m-3 (2.00 ppm)" for a chemical, "100 mSv"
    /// for a dose.
    pub fn threshold_words(&self) -> String {
        self.threshold_written(|n| n.to_string())
    }

    /// [`MappedZone::threshold_words`] for French readers ("3,98 mg m-3 (2,00 ppm)").
    pub fn threshold_words_fr(&self) -> String {
        self.threshold_written(alert_text::fr_number)
    }

    fn threshold_written(&self, number: impl Fn(&str) -> String) -> String {
        let text = number(&threshold_text(self.threshold, self.unit));
        match self.threshold_ppm {
            Some(ppm) => format!("{text} ({})", number(&ppm_text(ppm))),
            None => text,
        }
    }
}

fn count(mask: &Array2<bool>) -> usize {
    mask.iter().filter(|&&e| e).count()
}

/// The zone's cells in each country that has any.
fn parts(
    z: &Zone,
    juris: &JurisdictionGrid,
    lattice: CellLattice,
    projection: &TransverseMercator,
    cell_km2: f64,
) -> Vec<ZonePart> {
    [Country::Ca, Country::Us, Country::Unknown]
        .into_iter()
        .filter_map(|country| {
            let mut labels: Vec<&'static str> = vec![];
            let mut sgc: Vec<&'static str> = vec![];
            let mask = Array2::from_shape_fn(z.exceeded.raw_dim(), |(j, i)| {
                let tag = juris.tag(i, j);
                let inside = z.exceeded[[j, i]] && tag.country == country;
                // A country's sea outside its state or province is named as its waters.
                let label = tag.label();
                if inside && !labels.contains(&label) {
                    labels.push(label);
                }
                let code = tag.subdivision.and_then(|s| s.sgc_code());
                if let Some(code) = code.filter(|c| inside && !sgc.contains(c)) {
                    sgc.push(code);
                }
                inside
            });
            let n = count(&mask);
            (n > 0).then(|| {
                let (alert_geometry, alert_block_m) = alert_outline(&mask, lattice, projection);
                let (area_desc_en, area_desc_fr) = place_names(&labels);
                ZonePart {
                    country,
                    area_desc_en,
                    area_desc_fr,
                    area_km2: n as f64 * cell_km2,
                    geometry: lon_lat(&mask, lattice, projection),
                    alert_geometry,
                    alert_block_m,
                    us_counties: if country == Country::Us {
                        counties_of(&mask, lattice, projection)
                    } else {
                        vec![]
                    },
                    ca_sgc_codes: {
                        sgc.sort_unstable();
                        sgc
                    },
                    reach: None,
                }
            })
        })
        .collect()
}

/// English and French names of the places that jurisdiction labels of
/// [`crate::geo::jurisdiction::CellTag`] cover in one country: "New Brunswick, Canada",
/// "Canada outside New Brunswick", both together "New Brunswick and elsewhere in Canada"; a
/// country's sea outside its province or state alone is its waters ("Canadian waters", "New
/// Brunswick and Canadian waters"), not "elsewhere" (found by review: a zone wholly over the
/// Bay of Fundy read "Canada outside New Brunswick").
fn place_names(labels: &[&str]) -> (String, String) {
    struct Country<'a> {
        state: &'a str,
        other: &'a str,
        waters: &'a str,
        alone: (&'a str, &'a str),
        rest: (&'a str, &'a str),
        both: (&'a str, &'a str),
        sea: (&'a str, &'a str),
        state_and_sea: (&'a str, &'a str),
    }
    let has = |l: &str| labels.contains(&l);
    let mut names: Vec<(&str, &str)> = vec![];
    for c in [
        Country {
            state: "CA-NB",
            other: "CA (other)",
            waters: CA_WATERS,
            alone: ("New Brunswick, Canada", "Nouveau-Brunswick, Canada"),
            rest: (
                "Canada outside New Brunswick",
                "Canada, hors du Nouveau-Brunswick",
            ),
            both: (
                "New Brunswick and elsewhere in Canada",
                "Nouveau-Brunswick et ailleurs au Canada",
            ),
            sea: ("Canadian waters", "eaux canadiennes"),
            state_and_sea: (
                "New Brunswick and Canadian waters",
                "Nouveau-Brunswick et eaux canadiennes",
            ),
        },
        Country {
            state: "US-ME",
            other: "US (other)",
            waters: US_WATERS,
            alone: ("Maine, United States", "Maine, États-Unis"),
            rest: ("United States outside Maine", "États-Unis, hors du Maine"),
            both: (
                "Maine and elsewhere in the United States",
                "Maine et ailleurs aux États-Unis",
            ),
            sea: ("United States waters", "eaux des États-Unis"),
            state_and_sea: (
                "Maine and United States waters",
                "Maine et eaux des États-Unis",
            ),
        },
    ] {
        // Land elsewhere in the country names the rest, its waters included.
        match (has(c.state), has(c.other), has(c.waters)) {
            (true, true, _) => names.push(c.both),
            (true, false, false) => names.push(c.alone),
            (true, false, true) => names.push(c.state_and_sea),
            (false, true, _) => names.push(c.rest),
            (false, false, true) => names.push(c.sea),
            (false, false, false) => {}
        }
    }
    let known = [
        "CA-NB",
        "CA (other)",
        CA_WATERS,
        "US-ME",
        "US (other)",
        US_WATERS,
    ];
    if labels.iter().any(|l| !known.contains(l)) {
        names.push((
            "outside the mapped jurisdictions",
            "hors des territoires cartographiés",
        ));
    }
    let (en, fr): (Vec<&str>, Vec<&str>) = names.into_iter().unzip();
    (en.join("; "), fr.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::jurisdiction::{CellTag, Subdivision};
    use crate::geo::LatLon;
    use crate::output::lon_lat::projected_area_km2;

    #[test]
    fn a_zone_across_the_border_splits_into_one_part_per_country() {
        // 4 × 2 cells of 1 km: the west half New Brunswick, the east half Maine; the zone
        // covers three cells of the bottom row.
        let tag = |i: usize| CellTag {
            country: if i < 2 { Country::Ca } else { Country::Us },
            subdivision: Some(if i < 2 {
                Subdivision::NewBrunswick
            } else {
                Subdivision::Maine
            }),
            land: true,
        };
        let juris = JurisdictionGrid {
            nx: 4,
            ny: 2,
            cell_area_m2: 1e6,
            tags: (0..8).map(|k| tag(k % 4)).collect(),
            towns: vec![],
            sites: vec![],
        };
        let zone = Zone {
            label: "test".into(),
            country: None,
            threshold: 1.0,
            unit: "kg m-3",
            exceeded: Array2::from_shape_fn((2, 4), |(j, i)| j == 0 && i >= 1),
            largest: 2.0,
        };
        let lattice = CellLattice {
            x0_m: 500.0,
            y0_m: 500.0,
            dx_m: 1000.0,
        };
        let tm = TransverseMercator::new(LatLon {
            lat: 45.2,
            lon: -67.3,
        });
        let parts = parts(&zone, &juris, lattice, &tm, 1.0);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].country, Country::Ca);
        assert_eq!(parts[0].area_km2, 1.0);
        assert_eq!(parts[0].area_desc_fr, "Nouveau-Brunswick, Canada");
        assert_eq!(parts[1].country, Country::Us);
        assert_eq!(parts[1].area_km2, 2.0);
        assert_eq!(parts[1].area_desc_en, "Maine, United States");
        // The lon/lat polygons hold the parts' areas (to the 1e-7° rounding of the vertices,
        // about 1 cm on a 1 km edge).
        for p in &parts {
            let a = projected_area_km2(&p.geometry, &tm);
            assert!((a / p.area_km2 - 1.0).abs() < 1e-5, "{a}");
        }
    }

    #[test]
    fn a_province_and_the_rest_of_its_country_read_as_one_place() {
        assert_eq!(
            place_names(&["CA (other)", "CA-NB"]),
            (
                "New Brunswick and elsewhere in Canada".to_string(),
                "Nouveau-Brunswick et ailleurs au Canada".to_string()
            )
        );
        assert_eq!(
            place_names(&["US (other)"]).0,
            "United States outside Maine"
        );
        assert_eq!(
            place_names(&["US-ME", "unknown"]).1,
            "Maine, États-Unis; hors des territoires cartographiés"
        );
    }

    #[test]
    fn a_countrys_sea_outside_its_province_or_state_reads_as_its_waters() {
        assert_eq!(
            place_names(&[CA_WATERS]),
            (
                "Canadian waters".to_string(),
                "eaux canadiennes".to_string()
            )
        );
        assert_eq!(
            place_names(&["CA-NB", CA_WATERS]).1,
            "Nouveau-Brunswick et eaux canadiennes"
        );
        assert_eq!(
            place_names(&[US_WATERS, "US-ME"]).0,
            "Maine and United States waters"
        );
        // Land elsewhere in the country names the rest, its waters with it.
        assert_eq!(
            place_names(&[CA_WATERS, "CA (other)"]).0,
            "Canada outside New Brunswick"
        );
        // A sea cell of New Brunswick is New Brunswick's.
        let juris = JurisdictionGrid {
            nx: 2,
            ny: 1,
            cell_area_m2: 1e6,
            tags: vec![
                CellTag {
                    country: Country::Ca,
                    subdivision: Some(Subdivision::NewBrunswick),
                    land: false,
                },
                CellTag {
                    country: Country::Ca,
                    subdivision: None,
                    land: false,
                },
            ],
            towns: vec![],
            sites: vec![],
        };
        let zone = |cells: [bool; 2]| Zone {
            label: "test".into(),
            country: None,
            threshold: 1.0,
            unit: "kg m-3",
            exceeded: Array2::from_shape_fn((1, 2), |(_, i)| cells[i]),
            largest: 2.0,
        };
        let lattice = CellLattice {
            x0_m: 500.0,
            y0_m: 500.0,
            dx_m: 1000.0,
        };
        let tm = TransverseMercator::new(LatLon {
            lat: 45.0,
            lon: -66.3,
        });
        let name = |cells| {
            parts(&zone(cells), &juris, lattice, &tm, 1.0)[0]
                .area_desc_en
                .clone()
        };
        assert_eq!(name([false, true]), "Canadian waters");
        assert_eq!(name([true, true]), "New Brunswick and Canadian waters");
        assert_eq!(name([true, false]), "New Brunswick, Canada");
    }
}
