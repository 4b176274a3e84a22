//! How far each zone reaches: the geodesic distance and bearing, from the nearest source, of
//! the zone's farthest cell centre. Responders give protective actions in these terms (the
//! Emergency Response Guidebook's protective-action distances, "shelter 5 km downwind"), which
//! a zone's area alone does not say.

use serde::Serialize;

use super::summary::{Summary, ZoneSummary};
use super::Zone;
use crate::field::GridSpec;
use crate::geo::jurisdiction::{Country, JurisdictionGrid};
use crate::geo::{self, LatLon, TransverseMercator};

/// The farthest point of a zone from the sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reach {
    /// The source nearest that point.
    pub source: String,
    /// Its name in French, where the scenario gives one (`name_fr`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_fr: Option<String>,
    /// Geodesic distance (m) from that source to the centre of the zone's farthest cell.
    pub distance_m: f64,
    /// Geodesic bearing (degrees from true north) from the source to that cell.
    pub bearing_deg: f64,
    /// The 22.5° compass sectors around that source that the zone's cells lie in beyond the
    /// cells next to it, clockwise from the first after the widest gap ("WSW", "W"): the
    /// sectors by which US nuclear emergency plans give protective actions (NUREG-0654 /
    /// FEMA-REP-1; "evacuate sectors N, NNE and NE to 10 miles"), and the shape a single reach
    /// hides.
    pub sectors: Vec<&'static str>,
}

/// A source as a zone's reach is measured from.
#[derive(Debug, Clone, PartialEq)]
pub struct ReachSource {
    pub name: String,
    /// Its name in French (`name_fr`), where the scenario gives one: carried with the source,
    /// not looked up by its name, which two sources may share.
    pub name_fr: Option<String>,
    pub location: LatLon,
}

/// The reach of `zone` on `grid` from `sources`: the cell whose nearest
/// source is farthest away. The farthest cell is found on the local grid (distances within
/// 0.1 % of geodesic ones over a regional domain), then measured geodesically. `None` for an
/// empty zone or no source.
pub fn reach(
    zone: &Zone,
    grid: &GridSpec,
    tm: &TransverseMercator,
    sources: &[ReachSource],
) -> Option<Reach> {
    let local: Vec<(f64, f64)> = sources.iter().map(|s| tm.forward(s.location)).collect();
    let nearest = |x: f64, y: f64| {
        local
            .iter()
            .enumerate()
            .map(|(k, &(sx, sy))| (k, (x - sx).hypot(y - sy)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    };
    let (_, k, (i, j)) = zone
        .exceeded
        .indexed_iter()
        .filter(|(_, &e)| e)
        .filter_map(|((j, i), _)| nearest(grid.x_m(i), grid.y_m(j)).map(|(k, d)| (d, k, (i, j))))
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    let cell = tm.inverse(grid.x_m(i), grid.y_m(j));
    let (s, from) = (&sources[k], sources[k].location);
    Some(Reach {
        source: s.name.clone(),
        source_fr: s.name_fr.clone(),
        distance_m: geo::geodesic_distance_m(from, cell),
        bearing_deg: geo::geodesic_azimuth_deg(from, cell),
        sectors: sectors(zone, grid, tm, from),
    })
}

/// The compass sectors around `from` that the zone's cells lie in, by the true bearing of each
/// cell's centre (the grid's bearing turned by its convergence at `from`). Cells whose centre
/// lies within [`NEAR_SOURCE_CELLS`] cells of `from` are left out: there a grid cannot tell a
/// direction (the cells touching the source's own point every way, so a north-east plume read
/// "every sector" at 500 m cells and 15 at 200 m: found by review). Listed clockwise from the
/// first sector after the widest run of empty ones; empty for a zone about the source alone.
fn sectors(
    zone: &Zone,
    grid: &GridSpec,
    tm: &TransverseMercator,
    from: LatLon,
) -> Vec<&'static str> {
    let (sx, sy) = tm.forward(from);
    // True bearing of grid north at the source (a fraction of a degree in the region).
    let convergence_deg = geo::geodesic_azimuth_deg(from, tm.inverse(sx, sy + 1000.0));
    let near_m = NEAR_SOURCE_CELLS * grid.dx_m;
    let mut hit = [false; 16];
    for ((j, i), _) in zone.exceeded.indexed_iter().filter(|(_, &e)| e) {
        let (x, y) = (grid.x_m(i) - sx, grid.y_m(j) - sy);
        if x.hypot(y) > near_m {
            hit[geo::compass_index(x.atan2(y).to_degrees() + convergence_deg)] = true;
        }
    }
    let Some(start) = (0..16).find(|&k| hit[k] && !hit[(k + 15) % 16]) else {
        // All sixteen, or none.
        return if hit[0] {
            geo::COMPASS_POINTS.to_vec()
        } else {
            vec![]
        };
    };
    // Clockwise from the sector after the widest gap.
    let gap_before = |k: usize| (1..=16).take_while(|d| !hit[(k + 16 - d) % 16]).count();
    let start = (0..16)
        .filter(|&k| hit[k] && !hit[(k + 15) % 16])
        .max_by_key(|&k| (gap_before(k), usize::MAX - k))
        .unwrap_or(start);
    (0..16)
        .map(|d| (start + d) % 16)
        .filter(|&k| hit[k])
        .map(|k| geo::COMPASS_POINTS[k])
        .collect()
}

/// How many cells (centre to point) around a source say nothing of a zone's direction
/// ([`Reach::sectors`]): the cells next to the source's own, whose centres lie 1–1.41 cells away.
pub const NEAR_SOURCE_CELLS: f64 = 1.5;

/// The reach of a zone's cells in one country.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountryReach {
    pub country: Country,
    #[serde(flatten)]
    pub reach: Reach,
}

/// Sets the reach of `zone` on its row of `rows` (by label), measured from `sources`, and,
/// where its cells lie in more than one country, the reach of each country's cells: what that
/// country's alert says (found by review: a Canadian alert gave the 12.6 km a chlorine zone
/// reached in Maine, where its Canadian cells reached 5.5 km).
pub fn add_reach(
    rows: &mut [ZoneSummary],
    zone: &Zone,
    grid: &GridSpec,
    tm: &TransverseMercator,
    sources: &[ReachSource],
    juris: &JurisdictionGrid,
) {
    let Some(row) = rows.iter_mut().find(|r| r.zone == zone.label) else {
        return;
    };
    row.reach = reach(zone, grid, tm, sources);
    let mut countries: Vec<Country> = zone
        .exceeded
        .indexed_iter()
        .filter(|(_, &e)| e)
        .map(|((j, i), _)| juris.tag(i, j).country)
        .collect();
    countries.sort_unstable();
    countries.dedup();
    row.reach_by_country = if countries.len() < 2 {
        vec![]
    } else {
        countries
            .into_iter()
            .filter_map(|country| {
                let part = Zone {
                    exceeded: ndarray::Array2::from_shape_fn(zone.exceeded.raw_dim(), |(j, i)| {
                        zone.exceeded[[j, i]] && juris.tag(i, j).country == country
                    }),
                    ..zone.clone()
                };
                let reach = reach(&part, grid, tm, sources)?;
                Some(CountryReach { country, reach })
            })
            .collect()
    };
}

/// The farthest distance (m) the Briggs (1973) σ curves were fitted to (their data reach
/// 10 km; Pasquill–Gifford's likewise); beyond it the Gaussian plume and puff models
/// extrapolate them, and ALOHA draws no threat zone at all.
pub const SIGMA_FIT_RANGE_M: f64 = 10_000.0;

/// For a Gaussian plume or puff run: one warning naming the zones of `summary` that reach past
/// [`SIGMA_FIT_RANGE_M`], with their reach, or none (found by an ALOHA-minded review: a class F
/// AEGL-1 zone reached 280 km by the fits as written).
pub fn extrapolation_warning(summary: &Summary) -> Option<String> {
    let far: Vec<String> = summary
        .zones
        .iter()
        .filter_map(|z| {
            let r = z.reach.as_ref()?;
            (r.distance_m > SIGMA_FIT_RANGE_M)
                .then(|| format!("{} ({:.1} km)", z.zone, r.distance_m / 1000.0))
        })
        .collect();
    (!far.is_empty()).then(|| {
        format!(
            "zones reach beyond {:.0} km, where the Briggs and Pasquill–Gifford spreads are extrapolated from their fits (ALOHA draws no zone there): {}; read their outer parts as indicative, and confirm with a particle run on real weather or with field measurements",
            SIGMA_FIT_RANGE_M / 1000.0,
            far.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Layer;
    use ndarray::Array2;

    /// 41 × 41 cells of 1 km centred on 45.07 N 66.75 W: the centre, its projection, the grid.
    fn km_grid() -> (LatLon, TransverseMercator, GridSpec) {
        let centre = LatLon::new(45.07, -66.75);
        let grid = GridSpec {
            nx: 41,
            ny: 41,
            x0_m: -20_000.0,
            y0_m: -20_000.0,
            dx_m: 1000.0,
            layers: vec![Layer {
                bottom_m: 0.0,
                top_m: 3.0,
            }],
            times_s: vec![3600.0],
            interval_s: 3600.0,
        };
        (centre, TransverseMercator::new(centre), grid)
    }

    /// A zone of the cells of [`km_grid`] at (x, y) km from its centre.
    fn km_zone(cells: &[(i32, i32)]) -> Zone {
        let mut exceeded = Array2::from_elem((41, 41), false);
        for &(x, y) in cells {
            exceeded[[(y + 20) as usize, (x + 20) as usize]] = true;
        }
        Zone {
            label: "z".into(),
            country: None,
            threshold: 1.0,
            unit: "Sv",
            exceeded,
            largest: 1.0,
        }
    }

    #[test]
    fn the_reach_is_the_farthest_cell_from_its_nearest_source_measured_geodesically() {
        // 1 km cells centred on 45.07 N 66.75 W; two sources 20 km apart east–west; a zone of
        // three cells: 5 km east of the east source, 12 km north of the west one, and one
        // between them. The farthest from its nearest source is the northern one.
        let (_, tm, grid) = km_grid();
        let at = |x: f64, y: f64| tm.inverse(x, y);
        let source = |name: &str, x: f64| ReachSource {
            name: name.into(),
            name_fr: None,
            location: at(x, 0.0),
        };
        let sources = vec![source("west", -10_000.0), source("east", 10_000.0)];
        let zone = km_zone(&[(15, 0), (-10, 12), (0, 1)]);
        let r = reach(&zone, &grid, &tm, &sources).unwrap();
        assert_eq!(r.source, "west");
        let want = geo::geodesic_distance_m(sources[0].location, at(-10_000.0, 12_000.0));
        assert!((r.distance_m - want).abs() < 1e-6, "{r:?}");
        assert!((r.distance_m - 12_000.0).abs() < 15.0, "{r:?}");
        assert!(r.bearing_deg.abs() < 0.5 || r.bearing_deg > 359.5, "{r:?}");
        let empty = Zone {
            exceeded: Array2::from_elem((41, 41), false),
            ..zone
        };
        assert!(reach(&empty, &grid, &tm, &sources).is_none());
    }

    #[test]
    fn a_reach_gives_the_french_name_of_its_own_source_when_two_share_a_name() {
        // Two tanks of one name, each with its own French name: the zone's farthest cell is
        // nearest the east one, whose name_fr the reach takes (it took the first's).
        let (_, tm, grid) = km_grid();
        let tank = |fr: &str, x: f64| ReachSource {
            name: "tank".into(),
            name_fr: Some(fr.into()),
            location: tm.inverse(x, 0.0),
        };
        let sources = [
            tank("le réservoir ouest", -10_000.0),
            tank("le réservoir est", 10_000.0),
        ];
        let r = reach(&km_zone(&[(18, 0), (-9, 0)]), &grid, &tm, &sources).unwrap();
        assert_eq!(r.source, "tank");
        assert_eq!(r.source_fr.as_deref(), Some("le réservoir est"));
    }

    /// A zone of the given cells (x, y in km on a 1 km grid centred on the source) and its
    /// sectors from the source.
    fn sectors_of(cells: &[(i32, i32)]) -> Vec<&'static str> {
        let (centre, tm, grid) = km_grid();
        let s = ReachSource {
            name: "s".into(),
            name_fr: None,
            location: centre,
        };
        reach(&km_zone(cells), &grid, &tm, &[s]).unwrap().sectors
    }

    #[test]
    fn a_zone_names_the_compass_sectors_its_cells_lie_in() {
        // A row of cells due west, 5 to 15 km out.
        let west: Vec<(i32, i32)> = (5..=15).map(|x| (-x, 0)).collect();
        assert_eq!(sectors_of(&west), ["W"]);
        // The source's cell and the eight around it say nothing of a direction (found by
        // review: the cells beside a north-east plume's source put it in every sector).
        let block: Vec<(i32, i32)> = (-1..=1)
            .flat_map(|x| (-1..=1).map(move |y| (x, y)))
            .collect();
        assert_eq!(sectors_of(&block), Vec::<&str>::new());
        let keyhole: Vec<(i32, i32)> = block
            .iter()
            .copied()
            .chain([(2, 2), (3, 3), (3, 2)])
            .collect();
        assert_eq!(sectors_of(&keyhole), ["NE", "ENE"]);
        // Across north, listed clockwise from the widest gap: 10 km out at −29° … +29°.
        let arc: Vec<(i32, i32)> = [-5, 0, 5].iter().map(|&x| (x, 9)).collect();
        assert_eq!(sectors_of(&arc), ["NNW", "N", "NNE"]);
        // Two apart lobes, W and E: the larger gap decides where the list starts.
        assert_eq!(sectors_of(&[(10, 0), (-10, 0)]), ["E", "W"]);
        // A ring all around, 6 km out.
        let ring: Vec<(i32, i32)> = (-6i32..=6)
            .flat_map(|x| (-6i32..=6).map(move |y| (x, y)))
            .filter(|&(x, y)| x.abs() == 6 || y.abs() == 6)
            .collect();
        assert_eq!(sectors_of(&ring).len(), 16);
    }

    #[test]
    fn zones_past_the_ten_kilometres_of_the_sigma_fits_are_named_in_one_warning() {
        let row = |zone: &str, km: Option<f64>| ZoneSummary {
            zone: zone.into(),
            threshold: 1.0,
            unit: "kg m-3",
            by_jurisdiction: vec![],
            reach: km.map(|km| Reach {
                source: "railcar".into(),
                source_fr: None,
                distance_m: km * 1000.0,
                bearing_deg: 45.0,
                sectors: vec!["NE"],
            }),
            reach_by_country: vec![],
            largest: 1.0,
            threshold_ppm: None,
            not_assessed: None,
            decided_by_unverified: vec![],
        };
        let mut summary = Summary {
            zones: vec![row("AEGL-3", Some(1.3)), row("AEGL-2", None)],
            ..Default::default()
        };
        assert_eq!(extrapolation_warning(&summary), None);
        summary.zones.push(row("AEGL-1", Some(39.24)));
        summary.zones.push(row("edge", Some(10.0)));
        let w = extrapolation_warning(&summary).unwrap();
        assert!(
            w.contains("beyond 10 km") && w.contains("AEGL-1 (39.2 km)"),
            "{w}"
        );
        assert!(!w.contains("AEGL-3") && !w.contains("edge"), "{w}");
    }
}
