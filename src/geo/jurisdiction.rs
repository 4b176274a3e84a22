//! Jurisdictions of the Maine–New Brunswick region: which country, state or province, and
//! whether land or sea, for any point or every grid cell.
//!
//! The country side comes from the Canada–US boundary (Natural Earth 1:10m land boundary plus
//! the maritime indicator lines), chained from the west edge of the region box to its south edge
//! and closed along the box's east and north edges into the Canadian side. Maine and New
//! Brunswick come from the Natural Earth 1:50m admin-1 polygons, widened on their own country's
//! side ([`SUBDIVISION_TOLERANCE_DEG`], [`NB_TOLERANCE_DEG`], [`MAINE_WEST_LIMIT_LON`], the Fundy
//! Isles' [`FUNDY_ISLES_WEST_OF_LON`]) because the coarse outlines miss shore towns and islands; land/sea from OpenStreetMap land polygons simplified to
//! about 100 m; every polygon is tested through a [`PolygonIndex`]. Campobello and
//! Deer Island, which the maritime indicator line leaves on the US side, are corrected to New
//! Brunswick by rough outlines in `data/corrections.geojson` (approximate, unverified), and the
//! indicator line's course through Passamaquoddy Bay — east of Deer Island and Campobello and
//! across the bay — is replaced there by a hand-drawn line through the channels the treaty
//! boundary follows (Lubec Narrows, Friar Roads, Western Passage; about 0.5–1 km, unverified).
//! Points outside the box (lon −71.2…−64.0, lat 43.0…48.2) have no country.

use std::sync::OnceLock;

use geo::{LineString, MultiPolygon};
use serde::Serialize;

use super::boundary::{
    border_lines, canada_side, err, features, multipolygon, named, replace_lines,
};
use super::polygon_index::PolygonIndex;
use super::{LatLon, TransverseMercator};
use crate::field::GridSpec;

const BOUNDARY: &str = include_str!("data/me_nb_boundary_ne10m.geojson");
const PROVINCES: &str = include_str!("data/me_nb_provinces_ne50m.geojson");
const LAND: &str = include_str!("data/land_osm_simplified.geojson");
const SITES: &str = include_str!("data/sites.csv");
const CORRECTIONS: &str = include_str!("data/corrections.geojson");

/// The region box (lon min, lat min, lon max, lat max), degrees.
pub const REGION_BOX: [f64; 4] = [-71.2, 43.0, -64.0, 48.2];

/// US sea cells within this distance (degrees, about 3–4 km) of the 1:50m Maine outline are in
/// Maine: state waters reach 3 nautical miles and the coarse outline cuts off riverbank and
/// island towns such as Calais and Eastport.
pub const SUBDIVISION_TOLERANCE_DEG: f64 = 0.04;

/// Canadian cells within this distance (degrees, about 6–9 km) of the 1:50m New Brunswick outline
/// are in New Brunswick: the outline misses much of the Passamaquoddy shore (Saint Andrews lies
/// 0.074° outside it). Cells of Quebec or Nova Scotia this close to the outline are mislabelled.
pub const NB_TOLERANCE_DEG: f64 = 0.08;

/// US land east of this longitude is in Maine: the only other state in the region box, New
/// Hampshire, lies wholly west of it (its border with Maine runs from about 70.7° W to 71.1° W).
pub const MAINE_WEST_LIMIT_LON: f64 = -70.6;

/// US cells east of [`MAINE_WEST_LIMIT_LON`] within this distance (degrees, about 12–17 km) of
/// the 1:50m Maine outline are in Maine, land or sea: island and shore towns such as Eastport
/// (on Moose Island) and Lubec lie beyond [`SUBDIVISION_TOLERANCE_DEG`] of the coarse outline,
/// and the state's waters around them with them, while the open Gulf of Maine, further out,
/// stays US without a state.
pub const MAINE_SHORE_TOLERANCE_DEG: f64 = 0.15;

/// Canadian land west of this longitude and south of [`FUNDY_ISLES_NORTH_LAT`] is New
/// Brunswick's: the Fundy Isles (Grand Manan, Deer Island, Campobello, the Wolves), which the
/// 1:50m outline and the rough corrections miss in part (found by review: a land cell of Deer
/// Island at 44.984° N, 66.998° W read "CA (other)", and its alert "elsewhere in Canada");
/// Nova Scotia's westernmost land, Brier Island, lies east of 66.4° W.
pub const FUNDY_ISLES_WEST_OF_LON: f64 = -66.6;

/// The north limit of the Fundy Isles rule ([`FUNDY_ISLES_WEST_OF_LON`]); Deer Island's north
/// tip is at about 45.03° N, and the mainland shore north of it is within the outline's reach.
pub const FUNDY_ISLES_NORTH_LAT: f64 = 45.2;

/// A country, or none outside the region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Country {
    #[serde(rename = "US")]
    Us,
    #[serde(rename = "CA")]
    Ca,
    #[serde(rename = "unknown")]
    Unknown,
}

impl Country {
    /// ISO 3166-1 alpha-2 code, or "unknown".
    pub fn code(self) -> &'static str {
        match self {
            Country::Us => "US",
            Country::Ca => "CA",
            Country::Unknown => "unknown",
        }
    }
}

/// A state or province where known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Subdivision {
    #[serde(rename = "US-ME")]
    Maine,
    #[serde(rename = "CA-NB")]
    NewBrunswick,
}

impl Subdivision {
    /// The province's Statistics Canada Standard Geographical Classification code (SGC 2021:
    /// 13 is New Brunswick), which the Canadian alerting profile takes as a location geocode
    /// (`profile:CAP-CP:Location:0.3`: a province's two digits, a census division's four or a
    /// census subdivision's seven). None for a US state.
    pub fn sgc_code(self) -> Option<&'static str> {
        match self {
            Subdivision::NewBrunswick => Some("13"),
            Subdivision::Maine => None,
        }
    }
}

/// The label of Canadian sea outside New Brunswick ([`CellTag::label`]).
pub const CA_WATERS: &str = "CA (waters)";
/// The label of US sea outside Maine.
pub const US_WATERS: &str = "US (waters)";

/// What a point or cell belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct CellTag {
    pub country: Country,
    pub subdivision: Option<Subdivision>,
    pub land: bool,
}

impl CellTag {
    /// A label such as "US-ME", "CA (other)", "CA (waters)" or "outside region": a country's
    /// sea outside its state or province is its waters, not "other" land (found by review: the
    /// summary's rows said "CA (other)" where the zone files and alerts said Canadian waters).
    pub fn label(&self) -> &'static str {
        match (self.country, self.subdivision, self.land) {
            (_, Some(Subdivision::Maine), _) => "US-ME",
            (_, Some(Subdivision::NewBrunswick), _) => "CA-NB",
            (Country::Us, None, true) => "US (other)",
            (Country::Us, None, false) => US_WATERS,
            (Country::Ca, None, true) => "CA (other)",
            (Country::Ca, None, false) => CA_WATERS,
            (Country::Unknown, None, _) => "outside region",
        }
    }

    /// The label of a town or site in this cell: its country's land, even where the cell is
    /// sea (a harbour town's point may fall offshore of the land mask).
    pub fn place_label(&self) -> &'static str {
        CellTag {
            land: true,
            ..*self
        }
        .label()
    }

    /// Integer code for gridded output: 0 outside, 1 US, 2 CA; +10 for Maine / New Brunswick.
    pub fn code(&self) -> i8 {
        let c = match self.country {
            Country::Unknown => 0,
            Country::Us => 1,
            Country::Ca => 2,
        };
        c + if self.subdivision.is_some() { 10 } else { 0 }
    }
}

/// A town with its population (from `data/sites.csv`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Town {
    pub name: String,
    pub location: LatLon,
    pub population: f64,
    /// What the town itself belongs to: the tag of its own point, with the country of the
    /// `country` column. A cell may hold towns of both countries (Van Buren and
    /// Saint-Léonard are 1 km apart), so a town is judged and counted as its own country's,
    /// not as its cell's.
    pub tag: CellTag,
    /// The row's source and notes, for provenance.
    pub source: String,
}

/// A piece of shared infrastructure or a hazardous facility from `data/sites.csv`: a port of
/// entry, a pipeline or power-line border crossing, a substation, a plant or terminal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Site {
    pub name: String,
    /// The `kind` column (`land_port_of_entry`, `gas_pipeline_border_crossing`, …).
    pub kind: String,
    pub location: LatLon,
    /// Whether it belongs to both countries (`country` "CA/US": a port of entry, a pipeline or
    /// power line crossing the border).
    pub shared: bool,
    /// The row's source and notes, for provenance.
    pub source: String,
}

impl Site {
    /// The jurisdiction a summary gives the site in cell tag `tag`: both sides of the border for
    /// a shared site (found by review: the Calais and Houlton ports of entry read "CA-NB" alone,
    /// and a Maine officer filtering on US-ME missed them), else the cell's.
    pub fn jurisdiction(&self, tag: CellTag) -> &'static str {
        match (self.shared, tag.subdivision) {
            (true, Some(_)) => "CA-NB/US-ME",
            (true, None) => "CA/US",
            (false, _) => tag.place_label(),
        }
    }
}

/// A stretch of the Canada–US boundary (lon/lat), for maps.
#[derive(Debug, Clone)]
pub struct BorderLine {
    pub line: LineString<f64>,
    /// Natural Earth's maritime indicator line: a cartographic indication at sea, not a legal
    /// delimitation.
    pub maritime: bool,
}

/// The region's polygons.
#[derive(Debug, Clone)]
pub struct Region {
    canada_side: PolygonIndex,
    maine: PolygonIndex,
    new_brunswick: PolygonIndex,
    land: PolygonIndex,
    /// Islands that the maritime indicator line puts on the wrong side (Canadian, NB), one
    /// index each: a point in two of them (their outlines overlap) is in both, not in neither
    /// as one even-odd polygon would have it (found by review: Wilson's Beach read "CA (other)").
    corrections_ca_nb: Vec<PolygonIndex>,
    border: Vec<BorderLine>,
    pub towns: Vec<Town>,
    /// Every row of `data/sites.csv` that is not a town.
    pub sites: Vec<Site>,
}

/// Why region data could not be read (embedded data: a build defect caught by tests).
#[derive(Debug, thiserror::Error)]
#[error("region data {file}: {message}")]
pub struct RegionError {
    pub file: &'static str,
    pub message: String,
}

/// The towns and the other sites of `data/sites.csv`.
fn towns_and_sites() -> Result<(Vec<Town>, Vec<Site>), RegionError> {
    const FILE: &str = "sites.csv";
    let mut rdr = csv::Reader::from_reader(SITES.as_bytes());
    let h = rdr.headers().map_err(|e| err(FILE, e.to_string()))?.clone();
    let col = |n: &str| {
        h.iter()
            .position(|x| x == n)
            .ok_or_else(|| err(FILE, format!("no column {n}")))
    };
    let (c_name, c_kind, c_lat, c_lon, c_pop) = (
        col("name")?,
        col("kind")?,
        col("lat")?,
        col("lon")?,
        col("population")?,
    );
    let c_country = col("country")?;
    let (c_src, c_notes) = (col("source")?, col("notes")?);
    let (mut towns, mut sites) = (vec![], vec![]);
    for r in rdr.records() {
        let r = r.map_err(|e| err(FILE, e.to_string()))?;
        let num = |c: usize| {
            r[c].parse::<f64>()
                .map_err(|_| err(FILE, format!("{}: {:?} is not a number", &r[c_name], &r[c])))
        };
        let location = LatLon::new(num(c_lat)?, num(c_lon)?);
        let source = format!("{}; {}", &r[c_src], &r[c_notes]);
        if &r[c_kind] == "town" {
            let country = match &r[c_country] {
                "US" => Country::Us,
                "CA" => Country::Ca,
                other => {
                    return Err(err(
                        FILE,
                        format!("{}: country {other:?} is not US or CA", &r[c_name]),
                    ))
                }
            };
            towns.push(Town {
                name: r[c_name].to_string(),
                location,
                population: num(c_pop)?,
                // The subdivision is filled in from the outlines once they are read.
                tag: CellTag {
                    country,
                    subdivision: None,
                    land: true,
                },
                source,
            });
        } else {
            sites.push(Site {
                name: r[c_name].to_string(),
                kind: r[c_kind].to_string(),
                location,
                shared: &r[c_country] == "CA/US",
                source,
            });
        }
    }
    Ok((towns, sites))
}

impl Region {
    /// Parses the embedded region data.
    pub fn parse() -> Result<Region, RegionError> {
        let mut b = features("me_nb_boundary_ne10m.geojson", BOUNDARY)?;
        let fixes = features("corrections.geojson", CORRECTIONS)?;
        replace_lines(&mut b, &fixes)?;
        let p = features("me_nb_provinces_ne50m.geojson", PROVINCES)?;
        let l = features("land_osm_simplified.geojson", LAND)?;
        let (towns, sites) = towns_and_sites()?;
        let mut land = vec![];
        for f in &l {
            land.extend(multipolygon("land_osm_simplified.geojson", f)?.0);
        }
        let mut corrections = vec![];
        for f in fixes.iter().filter(|f| f.property("replaces").is_none()) {
            corrections.push(PolygonIndex::new(multipolygon("corrections.geojson", f)?));
        }
        let index = PolygonIndex::new;
        let mut region = Region {
            corrections_ca_nb: corrections,
            canada_side: index(MultiPolygon::new(vec![canada_side(&b)?])),
            maine: index(named("me_nb_provinces_ne50m.geojson", &p, "Maine")?),
            new_brunswick: index(named("me_nb_provinces_ne50m.geojson", &p, "New Brunswick")?),
            land: index(MultiPolygon::new(land)),
            border: border_lines(&b),
            towns: vec![],
            sites,
        };
        for mut town in towns {
            let own = region.tag(town.location);
            let country = town.tag.country;
            // The outlines are 1:50m and 1:10m: where they put a town across the border, its
            // country is the table's and the subdivision unknown.
            town.tag = if own.country == country {
                own
            } else {
                CellTag {
                    country,
                    subdivision: None,
                    land: own.land,
                }
            };
            region.towns.push(town);
        }
        Ok(region)
    }

    /// The embedded region (parsed once).
    pub fn embedded() -> &'static Region {
        static R: OnceLock<Region> = OnceLock::new();
        R.get_or_init(|| Region::parse().expect("embedded region data parse (checked by tests)"))
    }

    /// The Canada–US boundary in the region's box, for maps.
    pub fn border(&self) -> &[BorderLine] {
        &self.border
    }

    /// The land mask (lon/lat), for maps.
    pub fn land(&self) -> &MultiPolygon<f64> {
        self.land.polygons()
    }

    /// Tags one point.
    pub fn tag(&self, p: LatLon) -> CellTag {
        let [west, south, east, north] = REGION_BOX;
        let (x, y) = (p.lon, p.lat);
        let inside = x >= west && x <= east && y >= south && y <= north;
        let land = self.land.contains(x, y);
        let corrected = inside && self.corrections_ca_nb.iter().any(|c| c.contains(x, y));
        let country = if !inside {
            Country::Unknown
        } else if corrected || self.canada_side.contains(x, y) {
            Country::Ca
        } else {
            Country::Us
        };
        let subdivision = match country {
            Country::Us
                if (x > MAINE_WEST_LIMIT_LON
                    && (land || self.maine.within(x, y, MAINE_SHORE_TOLERANCE_DEG)))
                    || self.maine.within(x, y, SUBDIVISION_TOLERANCE_DEG) =>
            {
                Some(Subdivision::Maine)
            }
            Country::Ca
                if corrected
                    || (land && x < FUNDY_ISLES_WEST_OF_LON && y < FUNDY_ISLES_NORTH_LAT)
                    || self.new_brunswick.within(x, y, NB_TOLERANCE_DEG) =>
            {
                Some(Subdivision::NewBrunswick)
            }
            _ => None,
        };
        CellTag {
            country,
            subdivision,
            land,
        }
    }

    /// Tags every cell centre of a grid whose local frame is `projection`.
    pub fn tag_grid(&self, grid: &GridSpec, projection: &TransverseMercator) -> JurisdictionGrid {
        let mut tags = Vec::with_capacity(grid.nx * grid.ny);
        for j in 0..grid.ny {
            for i in 0..grid.nx {
                tags.push(self.tag(projection.inverse(grid.x_m(i), grid.y_m(j))));
            }
        }
        let cell = |p: LatLon| {
            let (x, y) = projection.forward(p);
            grid.cell_of(x, y)
        };
        JurisdictionGrid {
            nx: grid.nx,
            ny: grid.ny,
            cell_area_m2: grid.cell_area_m2(),
            tags,
            towns: self
                .towns
                .iter()
                .map(|t| (t.clone(), cell(t.location)))
                .collect(),
            sites: self
                .sites
                .iter()
                .map(|s| (s.clone(), cell(s.location)))
                .collect(),
        }
    }
}

/// The tag of every cell of a grid, and the cell of every town.
#[derive(Debug, Clone, PartialEq)]
pub struct JurisdictionGrid {
    pub nx: usize,
    pub ny: usize,
    pub cell_area_m2: f64,
    /// Row-major, index `j * nx + i`.
    pub tags: Vec<CellTag>,
    /// Each town and its (column, row) if inside the grid.
    pub towns: Vec<(Town, Option<(usize, usize)>)>,
    /// Each other site and its (column, row) if inside the grid.
    pub sites: Vec<(Site, Option<(usize, usize)>)>,
}

impl JurisdictionGrid {
    /// The tag of cell (i, j).
    pub fn tag(&self, i: usize, j: usize) -> CellTag {
        self.tags[j * self.nx + i]
    }
}
