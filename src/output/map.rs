//! A map of the run that an emergency manager can read at a glance (`map.png`): the hazard field
//! in the lowest layer on a logarithmic colour scale, the zones outlined in their alert colours
//! (dashed for US criteria, so a US zone stays distinct from the Canadian zone of the same
//! action), land and sea, the Canada–US border, towns and sources, range rings around the
//! source, a scale bar and the wind the release began in (`map_marks`), with a title; the
//! colour bar and the legend are in a panel beside the map (`map_panel`), so neither hides a
//! town. [`render`] draws any field under any outlines the same way (the ensemble's
//! probability map, `ensemble_map.png`, is one).
//!
//! The field and its colour scale are `map_hazard`'s. Axes are longitude and latitude with the
//! pixel aspect of the domain's mid-latitude, so distances read true.

use geo::{LineString, MultiPolygon};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;

use super::font::ensure_font;
use super::map_hazard::{hazard, scale_position, scale_range};
pub use super::map_hazard::{Hazard, MapCriterion, Scale};
use super::map_labels::{self, place_labels, Mark};
use super::map_marks;
use super::map_panel::{colour_bar, legend, Key};
use super::zones::MappedZone;
use crate::field::{Fields, GridSpec};
use crate::geo::jurisdiction::{Country, Region};
use crate::geo::{geodesic_distance_m, LatLon, TransverseMercator};
use crate::met::release_wind::first_source;
use crate::met::ReleaseWind;
use crate::scenario::Scenario;

/// Height (px) of the map; the width follows the domain's aspect.
const MAP_HEIGHT_PX: u32 = 900;
/// Width (px) of the colour-bar panel.
const BAR_WIDTH_PX: u32 = 250;
/// Height (px) of the top of the side panel, which holds the colour bar; the legend is below.
const BAR_PANEL_HEIGHT_PX: u32 = 470;
/// Colour of the Canada–US border.
const BORDER: RGBColor = RGBColor(60, 60, 60);
/// Colour of the thin edge drawn under each zone outline.
const HALO: RGBColor = RGBColor(40, 40, 40);
/// Dash and gap (px) of a dashed outline.
pub(crate) const DASH_PX: i32 = 9;
pub(crate) const GAP_PX: i32 = 5;

/// An outline on the map, with its legend entry.
pub struct Outline {
    pub geometry: MultiPolygon<f64>,
    pub colour: RGBColor,
    /// Line width (px).
    pub width: u32,
    /// Drawn dashed: the zones of US criteria, so that they stay distinct from the Canadian
    /// zone of the same action, which has the same colour.
    pub dashed: bool,
    pub label: String,
}

/// What a map shows: a field under outlines, with a title.
pub struct MapContent {
    pub title: String,
    pub field: Option<Hazard>,
    /// Drawn in order, so the last is on top; the legend lists them last first, so that one too
    /// long for its panel leaves out the first drawn, the least grave (found by review: the
    /// Lepreau map's legend left out the US shelter-or-evacuate zone, drawn last).
    pub outlines: Vec<Outline>,
    /// What the reader must know before reading the field (a run cut off with its cloud still
    /// over the map), at the head of the legend in red.
    pub note: Option<String>,
    /// The wind the release began in, drawn as an arrow; `None` where no one wind stands for
    /// the map (an ensemble's).
    pub wind: Option<ReleaseWind>,
}

/// Map colour of a zone: its KML colour (`aabbggrr`) as RGB.
fn zone_colour(z: &MappedZone) -> RGBColor {
    let c = z.text.kml_colour;
    let byte = |k: usize| u8::from_str_radix(&c[k..k + 2], 16).unwrap_or(128);
    RGBColor(byte(6), byte(4), byte(2))
}

/// The start of the first release in the local time where it is (Atlantic in New Brunswick,
/// Eastern in Maine), with UTC, as map titles give it.
pub fn local_release_start(scenario: &Scenario) -> String {
    let clocks = first_source(scenario).and_then(|s| super::local_time::zone_at(s.location));
    super::local_time::english_in(scenario.release_start(), clocks)
}

/// Renders the map of a run as PNG bytes: its hazard field under its zones.
pub fn map_png(
    scenario: &Scenario,
    fields: &Fields,
    projection: &TransverseMercator,
    consequence: &crate::consequence::Consequence,
    zones: &[MappedZone],
    wind: Option<&ReleaseWind>,
) -> Result<Vec<u8>, String> {
    let content = MapContent {
        title: format!("{} — {}", scenario.name, local_release_start(scenario)),
        field: hazard(consequence, fields),
        // Gravest zones last, so they are drawn on top.
        outlines: zones
            .iter()
            .rev()
            .map(|z| Outline {
                geometry: z.geometry.clone(),
                colour: zone_colour(z),
                width: 3,
                dashed: z.country == Some(Country::Us),
                label: z.text.title_en.clone(),
            })
            .collect(),
        note: crate::impact::coverage::map_note(scenario, fields, &consequence.last_intervals()),
        wind: wind.cloned(),
    };
    render(scenario, &fields.grid, projection, &content)
}

/// The legend entries of `outlines`, the last drawn (the gravest, on top) first.
fn outline_keys(outlines: &[Outline]) -> impl Iterator<Item = Key> + '_ {
    outlines.iter().rev().map(|o| Key {
        colour: o.colour,
        width: o.width,
        dashed: o.dashed,
        label: o.label.clone(),
    })
}

/// Renders `content` over the domain of `grid` as PNG bytes: sea, land, the field, the
/// Maine and New Brunswick outlines, the outlines of `content`, towns and sources; a colour bar
/// and the legend in the panel on the right, so that neither hides a town.
pub fn render(
    scenario: &Scenario,
    g: &GridSpec,
    projection: &TransverseMercator,
    content: &MapContent,
) -> Result<Vec<u8>, String> {
    ensure_font()?;
    let half = 0.5 * g.dx_m;
    let (x_lo, x_hi) = (g.x0_m - half, g.x0_m + (g.nx as f64 - 0.5) * g.dx_m);
    let (y_lo, y_hi) = (g.y0_m - half, g.y0_m + (g.ny as f64 - 0.5) * g.dx_m);
    let corners = [(x_lo, y_lo), (x_hi, y_lo), (x_lo, y_hi), (x_hi, y_hi)]
        .map(|(x, y)| projection.inverse(x, y));
    let lon_lo = corners.iter().map(|c| c.lon).fold(f64::INFINITY, f64::min);
    let lon_hi = corners
        .iter()
        .map(|c| c.lon)
        .fold(f64::NEG_INFINITY, f64::max);
    let lat_lo = corners.iter().map(|c| c.lat).fold(f64::INFINITY, f64::min);
    let lat_hi = corners
        .iter()
        .map(|c| c.lat)
        .fold(f64::NEG_INFINITY, f64::max);
    let aspect =
        (lon_hi - lon_lo) * (0.5 * (lat_lo + lat_hi)).to_radians().cos() / (lat_hi - lat_lo);
    let map_w = ((MAP_HEIGHT_PX as f64 - 120.0) * aspect + 120.0).clamp(500.0, 1800.0) as u32;
    let (w, h) = (map_w + BAR_WIDTH_PX, MAP_HEIGHT_PX);
    let mut buf = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (map_area, panel) = root.split_horizontally(map_w);
        let (bar_area, legend_area) = panel.split_vertically(BAR_PANEL_HEIGHT_PX);
        let field = content
            .field
            .as_ref()
            .and_then(|hz| scale_range(hz).map(|r| (hz, r)));
        let mut chart = ChartBuilder::on(&map_area)
            .caption(
                super::map_sheet::fitted(
                    &content.title,
                    &("sans-serif", 20).into_font(),
                    map_w as i32 - 24,
                )?,
                ("sans-serif", 20),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(lon_lo..lon_hi, lat_lo..lat_hi)
            .map_err(|e| e.to_string())?;
        let sea = RGBColor(214, 234, 248);
        chart
            .plotting_area()
            .fill(&sea)
            .map_err(|e| e.to_string())?;
        let region = Region::embedded();
        let lon_ref = 0.5 * (lon_lo + lon_hi);
        draw_land(
            &mut chart,
            region.land(),
            RGBColor(242, 239, 230),
            sea,
            lon_ref,
        )?;
        if let Some((hz, range)) = field {
            let cells = hz.values.indexed_iter().filter_map(|((j, i), &v)| {
                let t = scale_position(hz.scale, range, v)?;
                let (cx, cy) = (g.x0_m + i as f64 * g.dx_m, g.y0_m + j as f64 * g.dx_m);
                // 10 % wider than the cell, so the grid's small turn against the
                // meridians leaves no hairline gaps between neighbours.
                let a = projection.inverse(cx - 1.1 * half, cy - 1.1 * half);
                let b = projection.inverse(cx + 1.1 * half, cy + 1.1 * half);
                Some(Rectangle::new(
                    [(a.lon, a.lat), (b.lon, b.lat)],
                    ViridisRGB::get_color(t).filled(),
                ))
            });
            chart.draw_series(cells).map_err(|e| e.to_string())?;
        }
        let bounds = geo::Rect::new((lon_lo, lat_lo), (lon_hi, lat_hi));
        let mut border_shown = false;
        for b in region.border() {
            for piece in map_marks::clip_to(&bounds, ring_points(&b.line, lon_ref)) {
                border_shown = true;
                if b.maritime {
                    chart.draw_series([DashedPathElement::new(
                        piece,
                        12,
                        5,
                        BORDER.stroke_width(2),
                    )])
                } else {
                    chart.draw_series([PathElement::new(piece, BORDER.stroke_width(2))])
                }
                .map_err(|e| e.to_string())?;
            }
        }
        for o in &content.outlines {
            // A dark edge under each outline, so a yellow zone stays visible on the yellow
            // top of the colour scale and on the pale land.
            for style in [
                HALO.stroke_width(o.width + 2),
                o.colour.stroke_width(o.width),
            ] {
                draw_outlines(&mut chart, &o.geometry, style, o.dashed, lon_ref)?;
            }
        }
        let ring_centre = first_source(scenario);
        if let Some(s) = ring_centre {
            let wind_from = content.wind.as_ref().map(|w| w.from_deg);
            map_marks::draw_range_rings(&mut chart, s.location, &bounds, wind_from)?;
        }
        let inside = |lon: f64, lat: f64| {
            (lon_lo..=lon_hi).contains(&lon) && (lat_lo..=lat_hi).contains(&lat)
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("longitude (°E)")
            .y_desc("latitude (°N)")
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(|e| e.to_string())?;
        let width_m = geodesic_distance_m(LatLon::new(lat_lo, lon_lo), LatLon::new(lat_lo, lon_hi));
        let mut obstacles: Vec<map_labels::Box> = map_marks::draw_scale_bar(&mut chart, width_m)?
            .into_iter()
            .collect();
        if let Some(w) = &content.wind {
            // In the corner the coloured field leaves most free.
            let coloured = field.iter().flat_map(|(hz, range)| {
                hz.values.indexed_iter().filter_map(move |((j, i), &v)| {
                    scale_position(hz.scale, *range, v)?;
                    let c =
                        projection.inverse(g.x0_m + i as f64 * g.dx_m, g.y0_m + j as f64 * g.dx_m);
                    Some((
                        (c.lon - lon_lo) / (lon_hi - lon_lo),
                        (lat_hi - c.lat) / (lat_hi - lat_lo),
                    ))
                })
            });
            let towns = region
                .towns
                .iter()
                .filter(|t| inside(t.location.lon, t.location.lat))
                .map(|t| {
                    (
                        (t.location.lon - lon_lo) / (lon_hi - lon_lo),
                        (lat_hi - t.location.lat) / (lat_hi - lat_lo),
                    )
                });
            let corner = map_marks::Corner::least_covered(coloured, towns, (0.4, 0.15));
            obstacles.push(map_marks::draw_wind_box(&mut chart, w, corner)?);
        }
        // The places last, on top of the boxes, their names kept off them.
        let mut towns: Vec<_> = region
            .towns
            .iter()
            .filter(|t| inside(t.location.lon, t.location.lat))
            .collect();
        towns.sort_by(|a, b| b.population.total_cmp(&a.population));
        draw_places(&mut chart, &scenario.sources, &towns, &obstacles)?;
        if let Some((hz, (lo, hi))) = field {
            colour_bar(&bar_area, hz, lo, hi)?;
        }
        // The border and the range rings first: a legend too long for the panel then leaves
        // out zones alone, which its last line counts and sends to the zone files (found by
        // review: "5 more" where 3 zones and these 2 were left out).
        let mut keys: Vec<Key> = vec![];
        if border_shown {
            keys.push(Key {
                colour: BORDER,
                width: 2,
                dashed: false,
                label: "Canada–US border (at sea: dashed, indicative only)".into(),
            });
        }
        if let Some(s) = ring_centre {
            keys.push(Key {
                colour: map_marks::RING_GREY,
                width: 1,
                dashed: true,
                label: format!("distance from {}", s.name),
            });
        }
        keys.extend(outline_keys(&content.outlines));
        legend(&legend_area, content.note.as_deref(), &keys)?;
        root.present().map_err(|e| e.to_string())?;
    }
    encode_png(&buf, w, h)
}

/// The sources (red triangles) and towns (dots) with their names, placed by `map_labels` so
/// that no name covers another, a marker or one of the boxes `obstacles` (pixels of the
/// plotting area): sources first, then `towns` in their order (largest first).
fn draw_places(
    chart: &mut Chart,
    sources: &[crate::source::Source],
    towns: &[&crate::geo::jurisdiction::Town],
    obstacles: &[map_labels::Box],
) -> Result<(), String> {
    const SOURCE_FONT: u32 = 14;
    const TOWN_FONT: u32 = 13;
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    // Held within a few map widths, so that no sum over a place off the map overflows.
    let pixel = |p: LatLon| {
        let (x, y) = chart.backend_coord(&(p.lon, p.lat));
        let far = 100_000;
        (x.clamp(-far, far) - xs.start, y.clamp(-far, far) - ys.start)
    };
    let size = |text: &str, font: u32| {
        ("sans-serif", font)
            .into_font()
            .box_size(text)
            .map(|(w, h)| (w as i32, h as i32))
            .map_err(|e| e.to_string())
    };
    let mut marks = vec![];
    for s in sources {
        marks.push(Mark {
            at: pixel(s.location),
            radius_px: 8,
            size_px: size(&s.name, SOURCE_FONT)?,
        });
    }
    for t in towns {
        marks.push(Mark {
            at: pixel(t.location),
            radius_px: 3,
            size_px: size(&t.name, TOWN_FONT)?,
        });
    }
    let offsets = place_labels(&marks, obstacles, (xs.end - xs.start, ys.end - ys.start));
    let (source_offsets, town_offsets) = offsets.split_at(sources.len());
    // A pale ground under each name, so that a zone outline or the field does not strike it
    // through.
    let ground = |(dx, dy): (i32, i32), m: &Mark| {
        Rectangle::new(
            [
                (dx - 1, dy - 1),
                (dx + m.size_px.0 + 1, dy + m.size_px.1 + 1),
            ],
            WHITE.mix(0.5).filled(),
        )
    };
    let (source_marks, town_marks) = marks.split_at(sources.len());
    for ((t, &off), m) in towns.iter().zip(town_offsets).zip(town_marks) {
        chart
            .draw_series([EmptyElement::at((t.location.lon, t.location.lat))
                + ground(off, m)
                + Circle::new((0, 0), 3, BLACK.filled())
                + Text::new(t.name.clone(), off, ("sans-serif", TOWN_FONT))])
            .map_err(|e| e.to_string())?;
    }
    for ((s, &off), m) in sources.iter().zip(source_offsets).zip(source_marks) {
        chart
            .draw_series([EmptyElement::at((s.location.lon, s.location.lat))
                + ground(off, m)
                + TriangleMarker::new((0, 0), 8, RED.filled())
                + Text::new(s.name.clone(), off, ("sans-serif", SOURCE_FONT))])
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

pub(crate) type Chart<'a, 'b> = ChartContext<
    'a,
    BitMapBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The ring's points, each longitude moved by a multiple of 360° to within 180° of `lon_ref`
/// (the map's centre), so a zone cut at the antimeridian is drawn whole on a map across it.
fn ring_points(r: &LineString<f64>, lon_ref: f64) -> Vec<(f64, f64)> {
    r.coords()
        .map(|c| (c.x + 360.0 * ((lon_ref - c.x) / 360.0).round(), c.y))
        .collect()
}

/// Fills the land polygons over the sea, any holes (lakes) in the sea colour. Polygons are
/// drawn largest first, each exterior before its holes, so an island in a lake of a larger
/// polygon is drawn after that lake and stays land.
fn draw_land(
    chart: &mut Chart,
    land: &MultiPolygon<f64>,
    land_colour: RGBColor,
    sea_colour: RGBColor,
    lon_ref: f64,
) -> Result<(), String> {
    for p in largest_first(land) {
        let fills = std::iter::once(Polygon::new(
            ring_points(p.exterior(), lon_ref),
            land_colour.filled(),
        ))
        .chain(
            p.interiors()
                .iter()
                .map(|r| Polygon::new(ring_points(r, lon_ref), sea_colour.filled())),
        );
        chart.draw_series(fills).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The polygons of `mp` by the area inside their exteriors, largest first: a polygon inside
/// another's hole (an island in a lake) comes after it.
fn largest_first(mp: &MultiPolygon<f64>) -> Vec<&geo::Polygon<f64>> {
    let mut polygons: Vec<(&geo::Polygon<f64>, f64)> = mp
        .iter()
        .map(|p| {
            let shell = geo::Polygon::new(p.exterior().clone(), vec![]);
            (p, geo::Area::unsigned_area(&shell))
        })
        .collect();
    polygons.sort_by(|a, b| b.1.total_cmp(&a.1));
    polygons.into_iter().map(|(p, _)| p).collect()
}

fn draw_outlines(
    chart: &mut Chart,
    mp: &MultiPolygon<f64>,
    style: ShapeStyle,
    dashed: bool,
    lon_ref: f64,
) -> Result<(), String> {
    let rings = mp
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    if dashed {
        chart
            .draw_series(
                rings.map(|r| {
                    DashedPathElement::new(ring_points(r, lon_ref), DASH_PX, GAP_PX, style)
                }),
            )
            .map_err(|e| e.to_string())?;
    } else {
        chart
            .draw_series(rings.map(|r| PathElement::new(ring_points(r, lon_ref), style)))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Encodes an 8-bit RGB buffer of `w` × `h` pixels as PNG.
pub(crate) fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(rgb).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_legend_longer_than_its_panel_still_renders() {
        // Twenty long labels do not fit below the colour bar: the map is still drawn, with the
        // entries that fit and a line counting the rest.
        let text = r#"
[scenario]
name = "legend test"
start = "2026-07-14T06:00:00Z"
duration_s = 3600
[domain]
centre = { lat = 45.10, lon = -67.20 }
extent_m = [8000, 6000]
resolution_m = 1000
output_interval_s = 600
[[source]]
location = { lat = 45.10, lon = -67.20 }
duration_s = 600
release = [{ substance = "Chlorine", rate_kg_s = 1.0 }]
[meteorology]
kind = "uniform"
wind_speed_m_s = 5
wind_from_deg = 270
stability = "D"
[model]
kind = "gaussian_plume"
"#;
        let scenario = Scenario::parse(text, std::path::Path::new("legend.toml")).unwrap();
        let grid = GridSpec::from_scenario(&scenario);
        let projection = TransverseMercator::new(scenario.domain.centre);
        let square = MultiPolygon(vec![geo::Polygon::new(
            LineString::from(vec![
                (-67.21, 45.09),
                (-67.19, 45.09),
                (-67.19, 45.11),
                (-67.21, 45.11),
                (-67.21, 45.09),
            ]),
            vec![],
        )]);
        let content = MapContent {
            title: "legend test".into(),
            field: Some(Hazard {
                values: ndarray::Array2::from_shape_fn((grid.ny, grid.nx), |(j, i)| {
                    ((i + j) % 5) as f64 / 4.0
                }),
                name: "probability".into(),
                unit: "fraction of members",
                unit_note: None,
                scale: Scale::Fraction,
                criterion: None,
            }),
            outlines: (0..20)
                .map(|k| Outline {
                    geometry: square.clone(),
                    colour: RGBColor(200, 0, 0),
                    width: 2,
                    dashed: k % 2 == 1,
                    label: format!(
                        "Zone {k}: projected dose at least 100 mSv over the first year (a long criterion text)"
                    ),
                })
                .collect(),
            note: None,
            wind: None,
        };
        let png = render(&scenario, &grid, &projection, &content).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    }

    #[test]
    fn the_legend_lists_the_outline_drawn_last_first() {
        let outline = |label: &str| Outline {
            geometry: MultiPolygon::new(vec![]),
            colour: RGBColor(0, 0, 0),
            width: 1,
            dashed: false,
            label: label.into(),
        };
        let labels: Vec<String> = outline_keys(&[outline("least grave"), outline("gravest")])
            .map(|k| k.label)
            .collect();
        assert_eq!(labels, ["gravest", "least grave"]);
    }

    #[test]
    fn an_island_in_a_lake_is_drawn_after_the_land_around_the_lake() {
        let square = |x0: f64, size: f64| {
            LineString::from(vec![
                (x0, x0),
                (x0 + size, x0),
                (x0 + size, x0 + size),
                (x0, x0 + size),
                (x0, x0),
            ])
        };
        let island = geo::Polygon::new(square(4.0, 1.0), vec![]);
        let land = geo::Polygon::new(square(0.0, 10.0), vec![square(3.0, 3.0)]);
        // The island first in the file; its 1 × 1 is smaller than the 10 × 10 around the lake
        // (whose hole does not count: the lake is painted over the land's own fill).
        let both = MultiPolygon(vec![island.clone(), land.clone()]);
        assert_eq!(largest_first(&both), vec![&land, &island]);
    }
}
