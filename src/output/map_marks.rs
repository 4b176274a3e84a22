//! The marks that let a map be read without a GIS: a scale bar, range rings around the source
//! and an arrow for the wind the release began in. Responders give protective actions as
//! distances from the source ("evacuate to 2 km, shelter to 5 km downwind"; ERG 2024), so the
//! rings and the bar carry the distances the zones are read against; the arrow lets them check
//! the run's weather against the weather outside.
//!
//! Distances are geodesic (WGS84, Karney's direct problem): a ring is the set of points at that
//! distance from the source, drawn through 2° steps of azimuth.

use geo::{BooleanOps, LineString, MultiLineString, Rect};
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::map::Chart;
use super::map_labels::Box;
use super::map_panel::draw_lines;
use crate::geo::{compass_point, geodesic_destination, LatLon};
use crate::met::ReleaseWind;

/// Range rings drawn at most; the step grows until this many cover the map.
const MAX_RINGS: usize = 6;
/// Colour of the ring labels and the wind box's frame.
pub const MARK_GREY: RGBColor = RGBColor(70, 70, 70);
/// Colour of the range rings: lighter than the border, which is dashed at sea too.
pub const RING_GREY: RGBColor = RGBColor(120, 120, 120);

/// The "nice" length (1, 2 or 5 × 10ⁿ) at most `x`; `x` itself when it is not positive.
pub fn nice_floor(x: f64) -> f64 {
    if !(x > 0.0 && x.is_finite()) {
        return x;
    }
    let decade = 10f64.powf(x.log10().floor());
    let mantissa = x / decade;
    // A small tolerance, so that 5.0 computed as 4.999… is still 5.
    let m = [5.0, 2.0, 1.0]
        .into_iter()
        .find(|&m| mantissa >= m * (1.0 - 1e-9))
        .unwrap_or(1.0);
    m * decade
}

/// The ring radii (m) for a map whose farthest corner lies `reach_m` from the source: equal
/// nice steps, the smallest step that needs no more than [`MAX_RINGS`] rings, every ring inside
/// `reach_m`.
pub fn ring_radii_m(reach_m: f64) -> Vec<f64> {
    if !(reach_m > 0.0 && reach_m.is_finite()) {
        return vec![];
    }
    let mut step = nice_floor(reach_m / MAX_RINGS as f64);
    while reach_m / step > MAX_RINGS as f64 + 1e-9 {
        step = nice_floor(2.5 * step);
    }
    (1..)
        .map(|k| k as f64 * step)
        .take_while(|&r| r <= reach_m * (1.0 + 1e-9))
        .collect()
}

/// Formats a distance in metres as a short map label: "500 m", "2 km", "2.5 km".
pub fn distance_label(d_m: f64) -> String {
    if d_m < 1000.0 {
        format!("{d_m:.0} m")
    } else {
        let km = d_m / 1000.0;
        if (km - km.round()).abs() < 1e-9 {
            format!("{km:.0} km")
        } else {
            format!("{km} km")
        }
    }
}

/// The parts of a line (lon, lat) inside `bounds`: the chart does not clip lines, it pins
/// their outside points to its frame.
pub fn clip_to(bounds: &Rect<f64>, points: Vec<(f64, f64)>) -> Vec<Vec<(f64, f64)>> {
    let lines = MultiLineString::new(vec![LineString::from(points)]);
    bounds
        .to_polygon()
        .clip(&lines, false)
        .into_iter()
        .map(|l| l.coords().map(|c| (c.x, c.y)).collect())
        .collect()
}

/// Draws dashed geodesic circles around `centre` at [`ring_radii_m`] for the map's farthest
/// corner, each labelled with its radius crosswind of the wind that blows from `wind_from_deg`
/// (where the plume is not), else upwind, wherever the label falls inside the map.
pub fn draw_range_rings(
    chart: &mut Chart,
    centre: LatLon,
    bounds: &Rect<f64>,
    wind_from_deg: Option<f64>,
) -> Result<(), String> {
    let reach_m = bounds
        .to_polygon()
        .exterior()
        .coords()
        .map(|c| crate::geo::geodesic_distance_m(centre, LatLon::new(c.y, c.x)))
        .fold(0.0, f64::max);
    let style = RING_GREY.stroke_width(1);
    // Label azimuths by preference: crosswind, upwind, between; never downwind.
    let label_azimuths: Vec<f64> = match wind_from_deg {
        Some(w) => [90.0, -90.0, 0.0, 45.0, -45.0, 135.0, -135.0]
            .iter()
            .map(|d| w + d)
            .collect(),
        None => vec![45.0, 135.0, 225.0, 315.0, 0.0, 90.0, 180.0, 270.0],
    };
    // Inside by a margin of 4 % of the map (8 % on the right, where the text runs), so that
    // the label is not cut by the frame.
    let (w, h) = (bounds.width(), bounds.height());
    let inner = Rect::new(
        (bounds.min().x + 0.04 * w, bounds.min().y + 0.04 * h),
        (bounds.max().x - 0.08 * w, bounds.max().y - 0.04 * h),
    );
    for r in ring_radii_m(reach_m) {
        let points: Vec<(f64, f64)> = (0..=180)
            .map(|k| {
                let p = geodesic_destination(centre, 2.0 * k as f64, r);
                (p.lon, p.lat)
            })
            .collect();
        chart
            .draw_series(
                clip_to(bounds, points)
                    .into_iter()
                    .map(|piece| DashedPathElement::new(piece, 3, 5, style)),
            )
            .map_err(|e| e.to_string())?;
        let Some(at) = label_azimuths
            .iter()
            .map(|&az| geodesic_destination(centre, az, r))
            .find(|p| geo::Intersects::intersects(&inner, &geo::Point::new(p.lon, p.lat)))
        else {
            continue;
        };
        chart
            .draw_series([EmptyElement::at((at.lon, at.lat))
                + Text::new(
                    distance_label(r),
                    (3, -6),
                    ("sans-serif", 12).into_font().color(&MARK_GREY),
                )])
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Draws a scale bar in the lower left of the plotting area: a nice length near a fifth of
/// `map_width_m`, measured along the geodesic east from the bar's start. Returns its box
/// (pixels of the plotting area), if drawn.
pub fn draw_scale_bar(chart: &mut Chart, map_width_m: f64) -> Result<Option<Box>, String> {
    let length_m = nice_floor(map_width_m / 5.0);
    if length_m.is_nan() || length_m <= 0.0 {
        return Ok(None);
    }
    let (w, h) = chart.plotting_area().dim_in_pixel();
    let (px, py) = (20, h as i32 - 24);
    let start = pixel_to_lonlat(chart, (px, py));
    let end = geodesic_destination(start, 90.0, length_m);
    let bar_px = (lonlat_to_pixel(chart, end).0 - px).clamp(10, w as i32 - 2 * px);
    let label = distance_label(length_m);
    let area = chart.plotting_area().strip_coord_spec();
    let frame = (
        px - 8,
        py - 22,
        px + bar_px + 12 + 7 * label.len() as i32,
        py + 12,
    );
    area.draw(&Rectangle::new(
        [(frame.0, frame.1), (frame.2, frame.3)],
        WHITE.mix(0.8).filled(),
    ))
    .map_err(|e| e.to_string())?;
    // A bar in two halves, black and white, as on a topographic map.
    let half = bar_px / 2;
    for (k, colour) in [(0, BLACK), (1, WHITE)] {
        area.draw(&Rectangle::new(
            [(px + k * half, py - 4), (px + (k + 1) * half, py + 4)],
            colour.filled(),
        ))
        .map_err(|e| e.to_string())?;
    }
    area.draw(&Rectangle::new(
        [(px, py - 4), (px + bar_px, py + 4)],
        BLACK.stroke_width(1),
    ))
    .map_err(|e| e.to_string())?;
    for (x, text) in [(px, "0".to_string()), (px + bar_px, label)] {
        area.draw(&Text::new(text, (x - 3, py - 20), ("sans-serif", 13)))
            .map_err(|e| e.to_string())?;
    }
    Ok(Some(frame))
}

/// The longitude and latitude under a pixel of the plotting area (pixels from its upper
/// left): the chart's axes are linear in longitude and latitude.
fn pixel_to_lonlat(chart: &Chart, (px, py): (i32, i32)) -> LatLon {
    let (w, h) = chart.plotting_area().dim_in_pixel();
    let (x, y) = (
        chart.plotting_area().get_x_range(),
        chart.plotting_area().get_y_range(),
    );
    let lon = x.start + px as f64 / w as f64 * (x.end - x.start);
    let lat = y.end - py as f64 / h as f64 * (y.end - y.start);
    LatLon::new(lat, lon)
}

/// The pixel of the plotting area (from its upper left) under a longitude and latitude.
fn lonlat_to_pixel(chart: &Chart, p: LatLon) -> (i32, i32) {
    let (w, h) = chart.plotting_area().dim_in_pixel();
    let (x, y) = (
        chart.plotting_area().get_x_range(),
        chart.plotting_area().get_y_range(),
    );
    (
        ((p.lon - x.start) / (x.end - x.start) * w as f64).round() as i32,
        ((y.end - p.lat) / (y.end - y.start) * h as f64).round() as i32,
    )
}

/// A corner of the map for the wind box (the scale bar holds the lower left).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    TopLeft,
    TopRight,
    BottomRight,
}

impl Corner {
    /// The corner whose box region (`share` of the map's width and height from its corner)
    /// hides least: of `points`, the hazard's coloured cells, as a share of them all, plus
    /// [`TOWN_SHARE`] for each of `towns` there (positions as fractions of the width from the
    /// left and of the height from the top, 0–1). The top left among equals.
    pub fn least_covered(
        points: impl Iterator<Item = (f64, f64)>,
        towns: impl Iterator<Item = (f64, f64)>,
        share: (f64, f64),
    ) -> Corner {
        let corners = [Corner::TopLeft, Corner::TopRight, Corner::BottomRight];
        let within = |(fx, fy): (f64, f64)| {
            let left = fx <= share.0;
            let right = fx >= 1.0 - share.0;
            let top = fy <= share.1;
            let bottom = fy >= 1.0 - share.1;
            [left && top, right && top, right && bottom].map(f64::from)
        };
        let mut cells = [0.0; 3];
        let mut all = 0.0;
        for p in points {
            all += 1.0;
            cells.iter_mut().zip(within(p)).for_each(|(c, w)| *c += w);
        }
        let mut hidden = cells.map(|c| c / f64::max(all, 1.0));
        for t in towns {
            hidden
                .iter_mut()
                .zip(within(t))
                .for_each(|(h, w)| *h += TOWN_SHARE * w);
        }
        let k = (0..3)
            .min_by(|&a, &b| hidden[a].total_cmp(&hidden[b]).then(a.cmp(&b)))
            .unwrap_or(0);
        corners[k]
    }
}

/// What hiding a town under the wind box weighs, as a share of the hazard's cells hidden: two
/// towns as much as a tenth of the hazard.
pub const TOWN_SHARE: f64 = 0.05;

/// The colour of the turned wind's arrow in the wind box.
const TURN_GREY: RGBColor = RGBColor(140, 140, 140);

/// Draws the wind the release began in, in a box in `corner` of the plotting area: an arrow
/// pointing the way the wind blows, and "Wind from SW (225°), 5.0 m/s at 10 m, class D" with
/// the time and the source. Returns its box (pixels of the plotting area).
pub fn draw_wind_box(chart: &mut Chart, wind: &ReleaseWind, corner: Corner) -> Result<Box, String> {
    let (w, h) = chart.plotting_area().dim_in_pixel();
    let area = chart.plotting_area().strip_coord_spec();
    let first = if wind.is_calm() {
        format!("Wind calm ({:.1} m/s)", wind.speed_m_s)
    } else {
        format!(
            "Wind from {} ({:.0}°), {:.1} m/s",
            compass_point(wind.from_deg),
            wind.from_deg,
            wind.speed_m_s
        )
    };
    let mut lines = vec![
        first,
        format!(
            "at {:.0} m, class {}, {}",
            wind.height_m,
            wind.stability,
            wind.clock_local()
        ),
        format!("at {}", wind.source),
    ];
    // A wind that turns takes the plume away from the arrow: say where it goes.
    if let Some(turn) = wind.turn_text() {
        lines.push(format!("{turn} (grey)"));
    }
    let box_h = 11 + 17 * lines.len() as i32;
    let text_w = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0) as i32 * 7;
    let (x, y) = match corner {
        Corner::TopLeft => (10, 10),
        Corner::TopRight => (w as i32 - 80 - text_w, 10),
        Corner::BottomRight => (w as i32 - 80 - text_w, h as i32 - 10 - box_h),
    };
    area.draw(&Rectangle::new(
        [(x, y), (x + 70 + text_w, y + box_h)],
        WHITE.mix(0.85).filled(),
    ))
    .map_err(|e| e.to_string())?;
    area.draw(&Rectangle::new(
        [(x, y), (x + 70 + text_w, y + box_h)],
        MARK_GREY.stroke_width(1),
    ))
    .map_err(|e| e.to_string())?;
    // An arrow points downwind: towards from + 180°. Screen y grows downwards. The start wind
    // black; the farthest turn, where there is one, grey and beneath it.
    let (c, r) = ((x + 32, y + 31), 22.0);
    let arrow = |from_deg: f64, colour: RGBColor, width: u32| -> Result<(), String> {
        let to = (from_deg + 180.0).to_radians();
        let tip = (c.0 + (r * to.sin()) as i32, c.1 - (r * to.cos()) as i32);
        let tail = (c.0 - (r * to.sin()) as i32, c.1 + (r * to.cos()) as i32);
        area.draw(&PathElement::new(
            vec![tail, tip],
            colour.stroke_width(width),
        ))
        .map_err(|e| e.to_string())?;
        let head = |side: f64| {
            let a = to + std::f64::consts::PI + side * 0.45;
            (
                tip.0 + (11.0 * a.sin()) as i32,
                tip.1 - (11.0 * a.cos()) as i32,
            )
        };
        area.draw(&Polygon::new(
            vec![tip, head(1.0), head(-1.0)],
            colour.filled(),
        ))
        .map_err(|e| e.to_string())
    };
    if let Some(turn) = wind.largest_turn() {
        arrow(turn.from_deg, TURN_GREY, 2)?;
    }
    // A calm has no direction: no black arrow.
    if !wind.is_calm() {
        arrow(wind.from_deg, BLACK, 3)?;
    }
    draw_lines(&area, &lines, (x + 64, y + 8), 17)?;
    Ok((x, y, x + 70 + text_w, y + box_h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_lengths_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_floor(7.3), 5.0);
        assert_eq!(nice_floor(5.0), 5.0);
        assert_eq!(nice_floor(4.99), 2.0);
        assert_eq!(nice_floor(19_999.0), 10_000.0);
        assert_eq!(nice_floor(0.25), 0.2);
        assert_eq!(nice_floor(0.0), 0.0);
    }

    #[test]
    fn rings_are_equal_nice_steps_inside_the_map() {
        // A map reaching 27 km: 5 km steps (5 rings), not 2 km (13).
        assert_eq!(
            ring_radii_m(27_000.0),
            vec![5000.0, 10_000.0, 15_000.0, 20_000.0, 25_000.0]
        );
        // 6 rings of 1 km fit 6 km exactly.
        assert_eq!(ring_radii_m(6000.0).len(), 6);
        for reach in [900.0, 3_100.0, 47_000.0, 260_000.0] {
            let r = ring_radii_m(reach);
            assert!((1..=MAX_RINGS).contains(&r.len()), "{reach}: {r:?}");
            assert!(*r.last().unwrap() <= reach);
            assert_eq!(nice_floor(r[0]), r[0]);
        }
        assert!(ring_radii_m(0.0).is_empty());
    }

    #[test]
    fn distance_labels_read_in_metres_or_kilometres() {
        assert_eq!(distance_label(500.0), "500 m");
        assert_eq!(distance_label(2000.0), "2 km");
        assert_eq!(distance_label(2500.0), "2.5 km");
        assert_eq!(distance_label(50_000.0), "50 km");
    }

    #[test]
    fn the_wind_box_goes_to_the_corner_the_plume_leaves_free() {
        // A plume from the lower left to the upper left: the right corners are free.
        let plume = (0..50).map(|k| (0.1, k as f64 / 50.0));
        let none = std::iter::empty;
        assert_eq!(
            Corner::least_covered(plume.clone(), none(), (0.4, 0.15)),
            Corner::TopRight
        );
        // One to the upper right: the upper left is free.
        let ne = (0..50).map(|k| (k as f64 / 50.0, 1.0 - k as f64 / 50.0));
        assert_eq!(
            Corner::least_covered(ne.clone(), none(), (0.4, 0.15)),
            Corner::TopLeft
        );
        // Everywhere: the top left.
        let all = (0..100).map(|k| ((k % 10) as f64 / 9.0, (k / 10) as f64 / 9.0));
        assert_eq!(
            Corner::least_covered(all, none(), (0.4, 0.15)),
            Corner::TopLeft
        );
        // Found by review: the box hid St. Stephen and Calais. Two towns in the upper left
        // send it to the lower right, which the plume also leaves free.
        let towns = [(0.1, 0.05), (0.2, 0.06)];
        assert_eq!(
            Corner::least_covered(ne, towns.into_iter(), (0.4, 0.15)),
            Corner::BottomRight
        );
        // But a town does not send it over a sixth of the hazard (8 of the 50 cells upper left).
        let towns = [(0.9, 0.05), (0.9, 0.95)];
        assert_eq!(
            Corner::least_covered(plume, towns.into_iter(), (0.4, 0.15)),
            Corner::TopRight
        );
    }

    #[test]
    fn lines_are_cut_at_the_map_frame_not_pinned_to_it() {
        let frame = Rect::new((0.0, 0.0), (1.0, 1.0));
        // In, out across the right edge, back in across the top: two pieces inside.
        let pieces = clip_to(&frame, vec![(0.5, 0.5), (1.5, 0.5), (1.5, 1.5), (0.5, 0.8)]);
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        for (x, y) in pieces.iter().flatten() {
            assert!(
                (0.0..=1.0).contains(x) && (0.0..=1.0).contains(y),
                "({x}, {y})"
            );
        }
        assert!(pieces.iter().flatten().any(|&(x, y)| x == 1.0 && y == 0.5));
        assert!(clip_to(&frame, vec![(2.0, 2.0), (3.0, 2.0)]).is_empty());
    }

    #[test]
    fn a_ring_point_lies_at_its_radius_from_the_source() {
        let lepreau = LatLon::new(45.0689, -66.4557);
        for az in [0.0, 47.0, 180.0, 291.0] {
            let p = geodesic_destination(lepreau, az, 20_000.0);
            let d = crate::geo::geodesic_distance_m(lepreau, p);
            assert!((d - 20_000.0).abs() < 1e-6, "{az}: {d}");
            let back = crate::geo::geodesic_azimuth_deg(lepreau, p);
            assert!((back - az).abs() < 1e-9, "{az}: {back}");
        }
    }
}
