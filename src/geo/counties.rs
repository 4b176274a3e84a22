//! US counties of the region, for the geocodes of US alerts.
//!
//! IPAWS, the US gateway for CAP alerts, routes an alert to the Emergency Alert System by the
//! SAME geocodes of its `area` (OASIS *CAP v1.2 USA IPAWS Profile* v1.0, 2009): `PSSCCC`, a
//! subdivision digit P (0 for the whole county), then the FIPS state and county codes (the EAS
//! protocol, 47 CFR § 11.31). The counties are the US Census Bureau's 2017 cartographic boundaries at
//! 1:10,000,000 (`data/us_counties_census2017.geojson`, rebuilt by `data/make_us_counties.py`):
//! Maine and the New Hampshire counties that meet the region box.
//!
//! At that scale a county line or the coast is placed to within a few kilometres (Calais, on the
//! St. Croix, and Eastport, on Moose Island, fall just outside the generalised Washington
//! County), so a point belongs to every county that contains it or lies within
//! [`COUNTY_TOLERANCE_DEG`] of it: an alert may name a neighbouring county too, never miss the
//! one it is in — the rule the alert polygons already follow
//! ([`crate::output::lon_lat::alert_outline`]).

use std::sync::OnceLock;

use geojson::GeoJson;

use super::jurisdiction::RegionError;
use super::polygon_index::PolygonIndex;
use super::LatLon;

const COUNTIES: &str = include_str!("data/us_counties_census2017.geojson");
const FILE: &str = "us_counties_census2017.geojson";

/// How far (degrees, about 4–5 km) outside a generalised county a point still counts as in it.
pub const COUNTY_TOLERANCE_DEG: f64 = 0.05;

/// One county.
#[derive(Debug, Clone)]
pub struct County {
    /// Five-digit FIPS code (state and county), e.g. "23029".
    pub fips: String,
    pub name: String,
    pub state: String,
    outline: PolygonIndex,
}

impl County {
    /// The six-digit SAME code of the whole county: "0" and the FIPS code.
    pub fn same_code(&self) -> String {
        format!("0{}", self.fips)
    }
}

/// The counties of the region.
#[derive(Debug, Clone)]
pub struct Counties {
    pub counties: Vec<County>,
}

impl Counties {
    /// Parses the embedded county outlines.
    pub fn parse() -> Result<Counties, RegionError> {
        let err = |message: String| RegionError {
            file: FILE,
            message,
        };
        let GeoJson::FeatureCollection(fc) = COUNTIES
            .parse::<GeoJson>()
            .map_err(|e| err(e.to_string()))?
        else {
            return Err(err("not a FeatureCollection".into()));
        };
        let mut counties = vec![];
        for f in &fc.features {
            let text = |key: &str| {
                f.property(key)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
                    .ok_or_else(|| err(format!("a feature without a text property {key}")))
            };
            let fips = text("fips")?;
            if fips.len() != 5 || !fips.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err(format!("FIPS code {fips:?} is not five digits")));
            }
            let geometry = f
                .geometry
                .as_ref()
                .ok_or_else(|| err(format!("county {fips} has no geometry")))?;
            let outline = match geo::Geometry::<f64>::try_from(&geometry.value) {
                Ok(geo::Geometry::MultiPolygon(m)) => m,
                Ok(geo::Geometry::Polygon(p)) => geo::MultiPolygon::new(vec![p]),
                _ => return Err(err(format!("county {fips} is not a (multi)polygon"))),
            };
            counties.push(County {
                name: text("name")?,
                state: text("state")?,
                fips,
                outline: PolygonIndex::new(outline),
            });
        }
        Ok(Counties { counties })
    }

    /// The embedded counties (parsed once).
    pub fn embedded() -> &'static Counties {
        static C: OnceLock<Counties> = OnceLock::new();
        C.get_or_init(|| Counties::parse().expect("embedded county data parse (checked by tests)"))
    }

    /// The indices of the counties `p` may be in: every county containing it or within
    /// [`COUNTY_TOLERANCE_DEG`] of it (none far from any county: at sea, or outside the US).
    /// Near a generalised county line the point's own county may be the neighbour, so the
    /// neighbour is named too (found by review: the first containing county alone was taken).
    pub fn at(&self, p: LatLon) -> Vec<usize> {
        (0..self.counties.len())
            .filter(|&k| {
                let c = &self.counties[k].outline;
                c.contains(p.lon, p.lat) || c.within(p.lon, p.lat, COUNTY_TOLERANCE_DEG)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(c: &Counties, lat: f64, lon: f64) -> Vec<String> {
        c.at(LatLon::new(lat, lon))
            .into_iter()
            .map(|k| format!("{} {}", c.counties[k].fips, c.counties[k].name))
            .collect()
    }

    #[test]
    fn every_county_of_maine_is_there_with_its_same_code() {
        let c = Counties::parse().unwrap();
        let maine: Vec<&County> = c.counties.iter().filter(|k| k.state == "Maine").collect();
        // Maine has 16 counties, FIPS 23001 (Androscoggin) to 23031 (York), odd numbers.
        assert_eq!(maine.len(), 16);
        for (k, county) in maine.iter().enumerate() {
            assert_eq!(county.fips, format!("23{:03}", 2 * k + 1));
        }
        let washington = c.counties.iter().find(|k| k.fips == "23029").unwrap();
        assert_eq!(washington.name, "Washington");
        assert_eq!(washington.same_code(), "023029");
    }

    #[test]
    fn towns_fall_in_their_counties_even_beyond_the_generalised_shore() {
        let c = Counties::parse().unwrap();
        assert_eq!(names(&c, 44.8016, -68.7712), ["23019 Penobscot"]); // Bangor
        assert_eq!(names(&c, 46.1262, -67.8403), ["23003 Aroostook"]); // Houlton
        assert_eq!(names(&c, 44.3876, -68.2039), ["23009 Hancock"]); // Bar Harbor
        assert_eq!(names(&c, 44.8606, -66.9850), ["23029 Washington"]); // Lubec
                                                                        // Calais (on the border river) and Eastport (Moose Island) lie just outside the
                                                                        // generalised outline: within the tolerance of Washington County and of no other.
        assert_eq!(names(&c, 45.1838, -67.2766), ["23029 Washington"]);
        assert_eq!(names(&c, 44.9045, -66.9844), ["23029 Washington"]);
        // Saint John, New Brunswick, and the open Gulf of Maine are in no county.
        assert!(names(&c, 45.2708, -66.0562).is_empty());
        assert!(names(&c, 43.5, -67.5).is_empty());
        // 0.02° inside generalised Kennebec, by the Androscoggin line: the point may be in
        // either, and both are named (found by review: Kennebec alone).
        assert_eq!(
            names(&c, 44.1805, -69.9733),
            ["23001 Androscoggin", "23011 Kennebec"]
        );
    }
}
