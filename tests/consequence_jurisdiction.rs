//! Jurisdiction tagging of points and grid cells in the Maine–New Brunswick region.

use plume::geo::jurisdiction::{Country, Region, Subdivision};
use plume::geo::LatLon;

fn tag(lat: f64, lon: f64) -> (Country, Option<Subdivision>, bool) {
    let t = Region::embedded().tag(LatLon::new(lat, lon));
    (t.country, t.subdivision, t.land)
}

#[test]
fn towns_on_both_sides_of_the_border_get_their_country() {
    // Houlton (ME) and Woodstock (NB), ~20 km apart across the due-north line.
    assert_eq!(
        tag(46.1262, -67.8403),
        (Country::Us, Some(Subdivision::Maine), true)
    );
    assert_eq!(
        tag(46.1580, -67.5838),
        (Country::Ca, Some(Subdivision::NewBrunswick), true)
    );
    assert_eq!(
        tag(44.8074, -68.8281),
        (Country::Us, Some(Subdivision::Maine), true)
    ); // Bangor International Airport (the town's GeoNames point is on the Penobscot's bank)
    assert_eq!(
        tag(45.0680, -66.4550),
        (Country::Ca, Some(Subdivision::NewBrunswick), true)
    ); // Point Lepreau, on its headland (the former 0.01° land polygons put it in the sea)
    assert_eq!(
        tag(45.9454, -66.6656),
        (Country::Ca, Some(Subdivision::NewBrunswick), true)
    ); // Fredericton
}

#[test]
fn island_and_shore_towns_of_maine_are_in_maine() {
    // Eastport (Moose Island) and Lubec lie beyond the coarse 1:50m Maine outline; they are
    // Maine, not "US (other)", and on land.
    for (name, lat, lon) in [("Eastport", 44.9045, -66.9844), ("Lubec", 44.8606, -66.985)] {
        assert_eq!(
            tag(lat, lon),
            (Country::Us, Some(Subdivision::Maine), true),
            "{name}"
        );
    }
}

/// Passamaquoddy Bay: the boundary runs through Lubec Narrows, Friar Roads and Western Passage,
/// so Campobello, Deer Island and the waters east of them are Canadian and Moose Island and
/// Cobscook Bay American (found by review: Natural Earth's indicator line ran east of the
/// islands and across the bay, tagging Wilson's Beach and the water off L'Etete as US).
#[test]
fn the_border_in_passamaquoddy_bay_follows_its_channels() {
    for (place, lat, lon) in [
        ("Wilson's Beach, Campobello", 44.933, -66.931),
        ("Welshpool, Campobello", 44.885, -66.955),
        ("Head Harbour Passage", 44.95, -66.89),
        ("off L'Etete", 45.01, -66.90),
        ("Passamaquoddy Bay off St. Andrews", 45.06, -67.00),
        ("Deer Island", 44.98, -66.95),
    ] {
        assert_eq!(tag(lat, lon).0, Country::Ca, "{place}");
    }
    // On the islands, New Brunswick — also where their rough outlines overlap (Wilson's Beach,
    // found by review reading "CA (other)") and on Campobello's shore by the FDR bridge.
    for (place, lat, lon) in [
        ("Wilson's Beach, Campobello", 44.9307, -66.9387),
        ("Campobello by the FDR bridge", 44.862, -66.977),
        ("Deer Island", 44.98, -66.95),
        // Found by review: outside the island's rough outline, "CA (other)".
        ("Deer Island's west shore", 44.984, -66.998),
        ("Grand Manan, North Head", 44.764, -66.747),
        ("Grand Manan, Seal Cove", 44.650, -66.853),
    ] {
        assert_eq!(tag(lat, lon).1, Some(Subdivision::NewBrunswick), "{place}");
    }
    for (place, lat, lon) in [
        ("Cobscook Bay", 44.90, -67.05),
        ("Lubec Channel off Lubec", 44.85, -66.99),
        ("Western Passage west of the line", 44.95, -67.005),
        ("Quoddy Roads off West Quoddy Head", 44.81, -66.96),
    ] {
        assert_eq!(tag(lat, lon).0, Country::Us, "{place}");
    }
}

#[test]
fn the_border_at_calais_follows_the_st_croix_river() {
    // Found by review: Natural Earth's line left the river below the Ferry Point bridge and ran
    // up to 2.6 km north of it, so St. Stephen's north bank was tagged Maine.
    for (place, lat, lon) in [
        ("St. Stephen east of downtown", 45.200, -67.255),
        ("north bank below Calais", 45.185, -67.21),
        ("north bank above Oak Bay", 45.172, -67.18),
    ] {
        assert_eq!(
            tag(lat, lon),
            (Country::Ca, Some(Subdivision::NewBrunswick), true),
            "{place}"
        );
    }
    for (place, lat, lon) in [
        ("Calais south of the river", 45.175, -67.26),
        ("Red Beach, Calais", 45.150, -67.20),
        ("St. Croix Island", 45.1283, -67.1336),
    ] {
        assert_eq!(tag(lat, lon).0, Country::Us, "{place}");
    }
}

#[test]
fn other_provinces_states_and_the_sea_get_a_country_without_subdivision() {
    assert_eq!(tag(47.8333, -69.5333), (Country::Ca, None, true)); // Rivière-du-Loup, QC
    assert_eq!(tag(44.0, -71.15), (Country::Us, None, true)); // New Hampshire
    assert_eq!(tag(43.5, -68.5), (Country::Us, None, false)); // Gulf of Maine
    assert_eq!(tag(45.0, -65.6), (Country::Ca, None, false)); // Bay of Fundy
    assert_eq!(tag(44.265, -66.355), (Country::Ca, None, true)); // Brier Island, NS
    assert_eq!(tag(42.5, -68.0).0, Country::Unknown); // south of the region box
}

#[test]
fn every_town_has_a_population_and_a_source() {
    let r = Region::embedded();
    assert!(r.towns.len() >= 15);
    for t in &r.towns {
        assert!(t.population > 0.0 && !t.source.trim().is_empty(), "{t:?}");
    }
}

#[test]
fn inland_points_that_the_source_tiles_cut_out_are_land() {
    // The OpenStreetMap land polygons hold no lakes; their holes were triangles at the seams of
    // zoom-13 tiles (edges on lon = k·360°/8192), up to ~20 km² each, 7 070 km² in the box.
    // These points lay inside such triangles, in and around Saint John.
    for (lat, lon) in [
        (45.2701, -66.0869),
        (45.3787, -66.0489),
        (45.3090, -66.1692),
    ] {
        assert!(tag(lat, lon).2, "({lat}, {lon}) is land");
    }
    let land = Region::embedded().land();
    let holes: usize = land.iter().map(|p| p.interiors().len()).sum();
    assert_eq!(
        holes, 0,
        "the land mask has no holes: its source has no lakes"
    );
}

#[test]
fn the_border_runs_between_houlton_and_woodstock_and_out_to_sea() {
    let r = Region::embedded();
    let (land, sea): (Vec<_>, Vec<_>) = r.border().iter().partition(|b| !b.maritime);
    assert_eq!((land.len(), sea.len()), (2, 2));
    // The due-north line passes between Houlton (−67.84°) and Woodstock (−67.58°) at 46.14° N.
    let crossing = land
        .iter()
        .flat_map(|b| b.line.lines())
        .find(|l| (l.start.y - 46.14) * (l.end.y - 46.14) <= 0.0)
        .expect("a land stretch crosses 46.14° N");
    assert!((-67.84..-67.58).contains(&crossing.start.x), "{crossing:?}");
}

/// A country's sea outside its province or state reads as its waters, as the zone files and
/// alerts name it (found by review: the summary's rows said "CA (other)"); a town or site in
/// such a cell keeps its country's land label.
#[test]
fn sea_outside_the_province_or_state_is_labelled_as_the_countrys_waters() {
    use plume::geo::jurisdiction::CellTag;
    let cell = |country, subdivision, land| CellTag {
        country,
        subdivision,
        land,
    };
    assert_eq!(cell(Country::Ca, None, false).label(), "CA (waters)");
    assert_eq!(cell(Country::Us, None, false).label(), "US (waters)");
    assert_eq!(cell(Country::Ca, None, true).label(), "CA (other)");
    assert_eq!(cell(Country::Ca, None, false).place_label(), "CA (other)");
    assert_eq!(cell(Country::Us, None, false).place_label(), "US (other)");
    // A province's or state's own sea keeps its name.
    let nb = cell(Country::Ca, Some(Subdivision::NewBrunswick), false);
    assert_eq!((nb.label(), nb.place_label()), ("CA-NB", "CA-NB"));
    assert_eq!(
        cell(Country::Unknown, None, false).label(),
        "outside region"
    );
}
