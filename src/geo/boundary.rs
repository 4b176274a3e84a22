//! Reading the bundled boundary data into geometry: the GeoJSON files' features and their
//! (multi)polygons by name, the corrections' splices into Natural Earth's boundary lines
//! ([`replace_lines`]), the boundary chained into the polygon of the Canadian side
//! ([`canada_side`]) and its stretches for maps ([`border_lines`]). The jurisdictions built
//! from them are in [`super::jurisdiction`].

use geo::{Coord, LineString, MultiPolygon, Polygon};
use geojson::{GeoJson, GeometryValue};

use super::jurisdiction::{BorderLine, RegionError, REGION_BOX};

/// A [`RegionError`] of `file`.
pub(super) fn err(file: &'static str, message: impl Into<String>) -> RegionError {
    RegionError {
        file,
        message: message.into(),
    }
}

pub(super) fn features(
    file: &'static str,
    text: &str,
) -> Result<Vec<geojson::Feature>, RegionError> {
    match text.parse::<GeoJson>() {
        Ok(GeoJson::FeatureCollection(fc)) => Ok(fc.features),
        Ok(_) => Err(err(file, "not a FeatureCollection")),
        Err(e) => Err(err(file, e.to_string())),
    }
}

pub(super) fn multipolygon(
    file: &'static str,
    f: &geojson::Feature,
) -> Result<MultiPolygon<f64>, RegionError> {
    let g = f
        .geometry
        .as_ref()
        .ok_or_else(|| err(file, "feature without geometry"))?;
    match geo::Geometry::<f64>::try_from(&g.value) {
        Ok(geo::Geometry::MultiPolygon(m)) => Ok(m),
        Ok(geo::Geometry::Polygon(p)) => Ok(MultiPolygon::new(vec![p])),
        Ok(_) => Err(err(file, "expected a (multi)polygon")),
        Err(e) => Err(err(file, e.to_string())),
    }
}

pub(super) fn named(
    file: &'static str,
    fs: &[geojson::Feature],
    name: &str,
) -> Result<MultiPolygon<f64>, RegionError> {
    let f = fs
        .iter()
        .find(|f| f.property("name").and_then(|v| v.as_str()) == Some(name))
        .ok_or_else(|| err(file, format!("no feature named {name}")))?;
    multipolygon(file, f)
}

/// Puts the lines of `fixes` in place of Natural Earth's, keeping each replaced line's name, so
/// the chain and the maps take them alike:
/// - a fix with `replaces_from` (a vertex of the line it `replaces`) keeps that line up to the
///   vertex and follows the fix from there to the fix's own end, which becomes the line's end
///   (the St. Croix at Calais);
/// - a fix with `replaces` alone takes the whole line's place; its ends must be that line's,
///   as moved by the splices above, or the chain would break.
pub(super) fn replace_lines(
    boundary: &mut [geojson::Feature],
    fixes: &[geojson::Feature],
) -> Result<(), RegionError> {
    const FILE: &str = "corrections.geojson";
    let points = |f: &geojson::Feature| match f.geometry.as_ref().map(|g| &g.value) {
        Some(GeometryValue::LineString { coordinates }) if coordinates.len() >= 2 => Some(
            coordinates
                .iter()
                .map(|p| p.as_slice().to_vec())
                .collect::<Vec<Vec<f64>>>(),
        ),
        _ => None,
    };
    let same = |a: &[f64], b: &[f64]| (a[0] - b[0]).abs() < 1e-6 && (a[1] - b[1]).abs() < 1e-6;
    let replaced = |fix: &geojson::Feature| {
        fix.property("replaces")
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let line = |boundary: &[geojson::Feature], name: &str| {
        boundary
            .iter()
            .position(|f| f.property("name").and_then(|v| v.as_str()) == Some(name))
            .ok_or_else(|| err(FILE, format!("no boundary line named {name:?} to replace")))
    };
    // Ends moved by splices: (old end, new end).
    let mut moved: Vec<(Vec<f64>, Vec<f64>)> = vec![];
    for fix in fixes
        .iter()
        .filter(|f| f.property("replaces_from").is_some())
    {
        let name = replaced(fix).ok_or_else(|| err(FILE, "replaces_from without replaces"))?;
        let k = line(boundary, &name)?;
        let from: Vec<f64> = fix
            .property("replaces_from")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .filter(|v: &Vec<f64>| v.len() == 2)
            .ok_or_else(|| err(FILE, "replaces_from must be a [lon, lat] vertex"))?;
        let (Some(old), Some(new)) = (points(&boundary[k]), points(fix)) else {
            return Err(err(
                FILE,
                format!("the splice into {name:?} must be a line"),
            ));
        };
        let Some(at) = old.iter().position(|p| same(p, &from)) else {
            return Err(err(
                FILE,
                format!("replaces_from {from:?} is not a vertex of {name:?}"),
            ));
        };
        if !same(&new[0], &from) {
            return Err(err(
                FILE,
                format!("the splice into {name:?} must start at its replaces_from vertex"),
            ));
        }
        moved.push((old[old.len() - 1].clone(), new[new.len() - 1].clone()));
        let spliced: Vec<Vec<f64>> = old[..at].iter().chain(&new).cloned().collect();
        boundary[k].geometry = Some(geojson::Geometry::new(GeometryValue::LineString {
            coordinates: spliced.into_iter().map(geojson::Position::from).collect(),
        }));
    }
    let moved_to = |p: Vec<f64>| {
        moved
            .iter()
            .find(|(old, _)| same(old, &p))
            .map_or(p, |(_, new)| new.clone())
    };
    for fix in fixes
        .iter()
        .filter(|f| f.property("replaces_from").is_none())
    {
        let Some(name) = replaced(fix) else {
            continue;
        };
        let k = line(boundary, &name)?;
        match (points(&boundary[k]), points(fix)) {
            (Some(a), Some(b))
                if same(&moved_to(a[0].clone()), &b[0])
                    && same(&moved_to(a[a.len() - 1].clone()), &b[b.len() - 1]) =>
            {
                boundary[k].geometry = fix.geometry.clone();
            }
            _ => {
                return Err(err(
                    FILE,
                    format!("the line replacing {name:?} must start and end where it does"),
                ))
            }
        }
    }
    Ok(())
}

/// Chains the boundary lines end to end from the west edge of the box to its south edge and
/// closes them along the box into the polygon of the Canadian side.
pub(super) fn canada_side(fs: &[geojson::Feature]) -> Result<Polygon<f64>, RegionError> {
    const FILE: &str = "me_nb_boundary_ne10m.geojson";
    let mut lines: Vec<Vec<Coord<f64>>> = vec![];
    for f in fs {
        let Some(g) = &f.geometry else { continue };
        if let GeometryValue::LineString { coordinates } = &g.value {
            lines.push(
                coordinates
                    .iter()
                    .map(|p| Coord { x: p[0], y: p[1] })
                    .collect(),
            );
        }
    }
    let [west, south, east, north] = REGION_BOX;
    let close = |a: Coord<f64>, b: Coord<f64>| (a.x - b.x).abs() < 1e-6 && (a.y - b.y).abs() < 1e-6;
    let start = lines
        .iter()
        .position(|l| (l[0].x - west).abs() < 1e-6 || (l[l.len() - 1].x - west).abs() < 1e-6)
        .ok_or_else(|| err(FILE, "no boundary line starts on the west edge of the box"))?;
    let mut first = lines.swap_remove(start);
    if (first[0].x - west).abs() >= 1e-6 {
        first.reverse();
    }
    let mut chain = first;
    while (chain[chain.len() - 1].y - south).abs() >= 1e-6 {
        let end = chain[chain.len() - 1];
        let next = lines
            .iter()
            .position(|l| close(l[0], end) || close(l[l.len() - 1], end))
            .ok_or_else(|| err(FILE, format!("boundary chain breaks at {end:?}")))?;
        let mut l = lines.swap_remove(next);
        if !close(l[0], end) {
            l.reverse();
        }
        chain.extend_from_slice(&l[1..]);
    }
    chain.extend([
        Coord { x: east, y: south },
        Coord { x: east, y: north },
        Coord { x: west, y: north },
    ]);
    Ok(Polygon::new(LineString::new(chain), vec![]))
}

/// The stretches of the boundary file: its features named "Maritime…" are the indicator lines.
pub(super) fn border_lines(fs: &[geojson::Feature]) -> Vec<BorderLine> {
    fs.iter()
        .filter_map(|f| {
            let GeometryValue::LineString { coordinates } = &f.geometry.as_ref()?.value else {
                return None;
            };
            let name = f.property("name").and_then(|v| v.as_str()).unwrap_or("");
            Some(BorderLine {
                line: coordinates
                    .iter()
                    .map(|p| Coord { x: p[0], y: p[1] })
                    .collect(),
                maritime: name.starts_with("Maritime"),
            })
        })
        .collect()
}
