//! Positions: latitude and longitude in range, and a source inside the domain; with a hint when
//! lat and lon look swapped, the commonest slip in writing `{ lat = …, lon = … }` (the user test
//! got "lies -4965685 m east, 19783395 m north of the centre" and no clue why).

use super::*;

/// Most |latitude| the transverse Mercator grid accepts (degrees).
const MAX_LAT_DEG: f64 = 80.0;

fn swapped(l: LatLon) -> LatLon {
    LatLon {
        lat: l.lon,
        lon: l.lat,
    }
}

fn in_range(l: LatLon) -> bool {
    l.lat.abs() <= MAX_LAT_DEG && l.lon.abs() <= 180.0
}

/// Checks that `l` is a valid position; `path` names it (`domain.centre`).
pub(super) fn position(path: &str, l: LatLon, p: &mut Problems) -> Option<LatLon> {
    let hint = if !in_range(l) && in_range(swapped(l)) {
        " (lat and lon swapped?)"
    } else {
        ""
    };
    let lat = Bounds::new(-MAX_LAT_DEG, true, MAX_LAT_DEG, true, "degrees");
    let lon = Bounds::new(-180.0, true, 180.0, true, "degrees");
    let mut ok = true;
    for (key, v, b) in [("lat", l.lat, lat), ("lon", l.lon, lon)] {
        if !b.contains(v) {
            p.push(
                format!("{path}.{key}"),
                fmt_num(v),
                format!("{}{hint}", b.describe()),
            );
            ok = false;
        }
    }
    ok.then_some(l)
}

/// Whether `l` lies in the Maine–New Brunswick box that plume carries a border and coastline for
/// ([`crate::geo::jurisdiction::REGION_BOX`]).
fn in_region(l: LatLon) -> bool {
    let [west, south, east, north] = crate::geo::jurisdiction::REGION_BOX;
    (west..=east).contains(&l.lon) && (south..=north).contains(&l.lat)
}

/// A warning for a domain centre outside the region that would lie inside it with lat and lon
/// swapped or a sign restored: the slip made alike in the centre and every source passes the
/// checks of each against the other (found by review: a swapped Calais ran at 67° S and wrote
/// alerts "outside the mapped jurisdictions"). A warning, not an error: plume runs anywhere.
pub(super) fn far_from_region_warning(centre: LatLon) -> Option<String> {
    if in_region(centre) {
        return None;
    }
    let hint = if in_region(swapped(centre)) {
        "lat and lon swapped (here and in the sources)?"
    } else if in_region(LatLon::new(centre.lat, -centre.lon)) {
        "the sign of lon dropped (here and in the sources)? West is negative"
    } else if in_region(LatLon::new(-centre.lat, centre.lon)) {
        "a minus sign on lat (here and in the sources)? North is positive"
    } else {
        return None;
    };
    Some(format!(
        "domain.centre {{ lat = {}, lon = {} }} lies outside Maine–New Brunswick, the only region plume knows the border, coast and criteria of, and would lie inside it were it written otherwise: {hint}",
        fmt_num(centre.lat),
        fmt_num(centre.lon)
    ))
}

/// Where `l` lies relative to a domain centred on `centre` with `extent_m`: east and north
/// offsets (m), and whether it is inside.
fn offset(l: LatLon, centre: LatLon, extent_m: [f64; 2]) -> (f64, f64, bool) {
    let (x, y) = crate::geo::TransverseMercator::new(centre).forward(l);
    let inside = x.abs() <= extent_m[0] / 2.0 && y.abs() <= extent_m[1] / 2.0;
    (x, y, inside)
}

/// Whether `l` lies inside the domain or within one domain width of its edge.
fn near(l: LatLon, centre: LatLon, extent_m: [f64; 2]) -> bool {
    let (x, y, _) = offset(l, centre, extent_m);
    in_range(l) && in_range(centre) && x.abs() <= 1.5 * extent_m[0] && y.abs() <= 1.5 * extent_m[1]
}

/// Checks that the source at `l` lies inside the domain; `path` names it.
pub(super) fn inside_domain(
    path: &str,
    l: LatLon,
    centre: LatLon,
    extent_m: [f64; 2],
    p: &mut Problems,
) {
    let (x, y, inside) = offset(l, centre, extent_m);
    if inside {
        return;
    }
    // Swapping the source or swapping the centre brings them together alike: say both. A
    // dropped minus sign (66.45 for 66.45° W, the likeliest slip in the western hemisphere)
    // likewise, on either.
    let swapped_one = near(swapped(l), centre, extent_m) || near(l, swapped(centre), extent_m);
    let negated = |l: LatLon, lat: bool| LatLon {
        lat: if lat { -l.lat } else { l.lat },
        lon: if lat { l.lon } else { -l.lon },
    };
    let sign_of = |lat: bool| {
        near(negated(l, lat), centre, extent_m) || near(l, negated(centre, lat), extent_m)
    };
    let hint = if swapped_one {
        "; lat and lon swapped here or in domain.centre?"
    } else if sign_of(false) {
        "; the sign of lon dropped here or in domain.centre? (west is negative)"
    } else if sign_of(true) {
        "; the sign of lat dropped here or in domain.centre? (south is negative)"
    } else {
        ""
    };
    p.push(
        path,
        format!("{{ lat = {}, lon = {} }}", l.lat, l.lon),
        format!(
            "a point inside the domain (it lies {x:.0} m east, {y:.0} m north of the centre; the domain reaches ±{:.0} m, ±{:.0} m{hint})",
            extent_m[0] / 2.0,
            extent_m[1] / 2.0
        ),
    );
}
