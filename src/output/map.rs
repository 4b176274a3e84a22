//! A map of the run that an emergency manager can read at a glance (`map.png`): the hazard field
//! in the lowest layer on a logarithmic colour scale, the zones outlined in their alert colours
//! (dashed for US criteria, so a US zone stays distinct from the Canadian zone of the same
//! action), land and sea, the Canada–US border, towns and sources, range rings around the
//! source, a scale bar and the wind the release began in (`map_marks`), with a title; the
//! colour bar and the legend are in a panel beside the map (`map_panel`), so neither hides a
//! town. [`render`] draws any field under any outlines the same way (the ensemble's
//! probability map, `ensemble_map.png`, is one).
//!
//! The field is the one the zones are judged on: for nuclides the projected effective dose over
//! 7 days (Health Canada's evacuation window), for a chemical its peak running mean at the AEGL
//! duration, else the time-integrated air concentration of the first species. Axes are longitude
//! and latitude with the pixel aspect of the domain's mid-latitude, so distances read true.

use geo::{LineString, MultiPolygon};
use ndarray::Array2;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;

use super::font::ensure_font;
use super::map_marks;
use super::map_panel::{colour_bar, legend, Key};
use super::zones::MappedZone;
use crate::exposure::{RadiologicalDose, DOSE_WINDOWS_S};
use crate::field::{Fields, GridSpec};
use crate::geo::jurisdiction::{Country, Region};
use crate::geo::{geodesic_distance_m, LatLon, TransverseMercator};
use crate::impact::criteria::{threshold_text, Criterion, DoseQuantity};
use crate::met::release_wind::first_source;
use crate::met::ReleaseWind;
use crate::scenario::Scenario;
use crate::substance::AEGL_DURATIONS_S;

/// Height (px) of the map; the width follows the domain's aspect.
const MAP_HEIGHT_PX: u32 = 900;
/// Width (px) of the colour-bar panel.
const BAR_WIDTH_PX: u32 = 250;
/// Decades of a colour scale set by the field's maximum.
const DECADES: f64 = 4.0;
/// Decades of a colour scale anchored to a criterion below it and above it: 10⁻³ to 10² times
/// the criterion, so a plume a hundred times weaker than another is still drawn, in colours
/// comparable with the other's, and values of no concern (a thousandth of a criterion) are
/// left uncoloured.
const BELOW_CRITERION_DECADES: f64 = 3.0;
const ABOVE_CRITERION_DECADES: f64 = 2.0;
/// Decades of a colour scale at most: a field above the criterion's scale stretches its top.
const MAX_DECADES: f64 = 8.0;
/// Height (px) of the top of the side panel, which holds the colour bar; the legend is below.
const BAR_PANEL_HEIGHT_PX: u32 = 470;
/// Colour of the Canada–US border.
const BORDER: RGBColor = RGBColor(60, 60, 60);
/// Colour of the thin edge drawn under each zone outline.
const HALO: RGBColor = RGBColor(40, 40, 40);
/// Dash and gap (px) of a dashed outline.
pub(crate) const DASH_PX: i32 = 9;
pub(crate) const GAP_PX: i32 = 5;

/// How a map's field is coloured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// Logarithmic. With a [`Hazard::criterion`] the scale is that criterion's, whatever the
    /// run: 10⁻³ to 10² times it, its top raised to the whole decade above the field's
    /// maximum where that is higher (a dense gas's near field; 8 decades at most). Two runs of
    /// one substance — the options a planner compares — are then coloured alike, and a
    /// filtered vent is drawn in the colours of its doses, not in those of the unfiltered
    /// run's (a scale set by each run's maximum drew both alike). Without one: the 4 whole
    /// decades below the one above the field's maximum.
    Log,
    /// Linear from 0 to 1, labelled in per cent (a probability).
    Fraction,
}

/// The field drawn under the outlines, its name and unit.
pub struct Hazard {
    /// [y, x] on the run's grid.
    pub values: Array2<f64>,
    pub name: String,
    pub unit: &'static str,
    pub scale: Scale,
    /// The criterion of the field's own quantity and averaging time, reached or not — the
    /// chemical's lowest AEGL at the map's duration, the lowest projected effective dose over
    /// the field's window — which sets a [`Scale::Log`] scale and is marked on the colour bar.
    pub criterion: Option<MapCriterion>,
}

/// A criterion marked on the colour bar.
#[derive(Debug, Clone, PartialEq)]
pub struct MapCriterion {
    /// In the field's unit.
    pub value: f64,
    /// What it is, e.g. "AEGL-1 (60 min) 1.45 mg m-3".
    pub label: String,
}

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
    /// Drawn in order, so the last is on top.
    pub outlines: Vec<Outline>,
    /// The wind the release began in, drawn as an arrow; `None` where no one wind stands for
    /// the map (an ensemble's).
    pub wind: Option<ReleaseWind>,
}

/// The field a map shows (see the module docs).
fn hazard(consequence: &crate::consequence::Consequence, fields: &Fields) -> Option<Hazard> {
    if let Some(d) = &consequence.exposure.radiological {
        let h = dose_hazard(d)?;
        let criteria = consequence
            .radiological
            .as_ref()
            .map(|r| r.criteria.as_slice());
        let criterion = dose_criterion(criteria.unwrap_or_default(), h.window_s);
        return Some(Hazard {
            criterion,
            ..h.hazard
        });
    }
    if let Some(ce) = consequence.exposure.chemicals.first() {
        let k = AEGL_DURATIONS_S
            .iter()
            .position(|&x| (x - consequence.spec.aegl_duration_s).abs() < 1e-9)?;
        // Its lowest AEGL at the map's duration (AEGL-1 where there is one), in mg m-3.
        let minutes = consequence.spec.aegl_duration_s / 60.0;
        let criterion = consequence
            .chemical
            .iter()
            .find(|c| c.chemical == ce.name)
            .and_then(|c| {
                c.thresholds
                    .iter()
                    .enumerate()
                    .find_map(|(k, t)| Some((k, t.as_ref()?)))
            })
            .map(|(k, t)| MapCriterion {
                value: t.value_kg_m3 * 1e6,
                label: format!(
                    "AEGL-{} ({minutes} min) {}",
                    k + 1,
                    threshold_text(t.value_kg_m3, "kg m-3")
                ),
            });
        return Some(Hazard {
            values: ce
                .peak_mean_kg_m3
                .index_axis(ndarray::Axis(0), k)
                .mapv(|v| v * 1e6),
            name: format!(
                "{}: peak {} min mean concentration",
                ce.name,
                consequence.spec.aegl_duration_s / 60.0
            ),
            unit: "mg m-3",
            scale: Scale::Log,
            criterion,
        });
    }
    let s = fields.species.first()?;
    Some(Hazard {
        values: s.time_integrated.index_axis(ndarray::Axis(0), 0).to_owned(),
        name: format!("{}: time-integrated air concentration", s.species.name),
        unit: match s.species.unit {
            crate::substance::AmountUnit::Becquerel => "Bq s m-3",
            crate::substance::AmountUnit::Kilogram => "kg s m-3",
        },
        scale: Scale::Log,
        criterion: None,
    })
}

/// The dose field of a map and its window (s).
struct DoseHazard {
    hazard: Hazard,
    window_s: f64,
}

fn dose_hazard(d: &RadiologicalDose) -> Option<DoseHazard> {
    let seven_days = 7.0 * 86_400.0;
    let w = d
        .window_index(seven_days)
        .or_else(|| d.window_index(*DOSE_WINDOWS_S.last()?))?;
    Some(DoseHazard {
        hazard: Hazard {
            values: d.effective_sv(w),
            name: format!("projected effective dose, {} d", d.windows_s[w] / 86_400.0),
            unit: "Sv",
            scale: Scale::Log,
            criterion: None,
        },
        window_s: d.windows_s[w],
    })
}

/// The lowest projected effective-dose criterion over the field's window (Health Canada's
/// 100 mSv in 7 days for evacuation), else over any window: the quantity the map shows,
/// not an averted or a thyroid dose.
fn dose_criterion(criteria: &[Criterion], window_s: f64) -> Option<MapCriterion> {
    let projected = || {
        criteria
            .iter()
            .filter(|c| c.quantity == DoseQuantity::EffectiveProjected && c.threshold_sv > 0.0)
    };
    let same_window = projected().filter(|c| (c.window_s - window_s).abs() < 1.0);
    let lowest = |it: &mut dyn Iterator<Item = &Criterion>| {
        it.min_by(|a, b| a.threshold_sv.total_cmp(&b.threshold_sv))
            .cloned()
    };
    let c = lowest(&mut same_window.into_iter()).or_else(|| lowest(&mut projected()))?;
    Some(MapCriterion {
        value: c.threshold_sv,
        label: format!(
            "{} {} ({} d, {})",
            c.action.replace('_', " "),
            threshold_text(c.threshold_sv, "Sv"),
            c.window_s / 86_400.0,
            c.set.replace('_', " ")
        ),
    })
}

/// Map colour of a zone: its KML colour (`aabbggrr`) as RGB.
fn zone_colour(z: &MappedZone) -> RGBColor {
    let c = z.text.kml_colour;
    let byte = |k: usize| u8::from_str_radix(&c[k..k + 2], 16).unwrap_or(128);
    RGBColor(byte(6), byte(4), byte(2))
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
    // The start in the local time where the first release is (Atlantic in New Brunswick,
    // Eastern in Maine), with UTC.
    let country = first_source(scenario).map_or(Country::Unknown, |s| {
        Region::embedded().tag(s.location).country
    });
    let content = MapContent {
        title: format!(
            "{} — {}",
            scenario.name,
            super::local_time::english(scenario.start, country)
        ),
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
        wind: wind.cloned(),
    };
    render(scenario, &fields.grid, projection, &content)
}

/// The colour-scale range of a field: (lo, hi) in log10 units for [`Scale::Log`], [0, 1] for
/// [`Scale::Fraction`]; `None` when there is nothing to show.
fn scale_range(hz: &Hazard) -> Option<(f64, f64)> {
    let max = hz.values.iter().cloned().fold(0.0f64, f64::max);
    if !(max > 0.0 && max.is_finite()) {
        return None;
    }
    Some(match hz.scale {
        Scale::Log => {
            // (A maximum of exactly 10ⁿ tops its own decade, however log10 rounds.)
            let top = (max.log10() - 1e-9).ceil();
            match hz
                .criterion
                .as_ref()
                .map(|c| c.value)
                .filter(|c| *c > 0.0 && c.is_finite())
            {
                Some(c) => {
                    let lo = c.log10() - BELOW_CRITERION_DECADES;
                    let hi = (c.log10() + ABOVE_CRITERION_DECADES).max(top);
                    (lo.max(hi - MAX_DECADES), hi)
                }
                None => (top - DECADES, top),
            }
        }
        Scale::Fraction => (0.0, 1.0),
    })
}

/// Position of `v` on the colour scale [0, 1], or `None` below it.
fn scale_position(scale: Scale, (lo, hi): (f64, f64), v: f64) -> Option<f64> {
    if v <= 0.0 {
        return None;
    }
    let t = match scale {
        Scale::Log => v.log10(),
        Scale::Fraction => v,
    };
    (t >= lo).then(|| ((t - lo) / (hi - lo)).clamp(0.0, 1.0))
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
            .caption(content.title.clone(), ("sans-serif", 20))
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
        for t in region
            .towns
            .iter()
            .filter(|t| inside(t.location.lon, t.location.lat))
        {
            let p = (t.location.lon, t.location.lat);
            chart
                .draw_series([EmptyElement::at(p)
                    + Circle::new((0, 0), 3, BLACK.filled())
                    + Text::new(t.name.clone(), (5, -12), ("sans-serif", 13))])
                .map_err(|e| e.to_string())?;
        }
        for s in &scenario.sources {
            let p = (s.location.lon, s.location.lat);
            chart
                .draw_series([EmptyElement::at(p)
                    + TriangleMarker::new((0, 0), 8, RED.filled())
                    + Text::new(s.name.clone(), (8, 2), ("sans-serif", 14))])
                .map_err(|e| e.to_string())?;
        }
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("longitude (°E)")
            .y_desc("latitude (°N)")
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(|e| e.to_string())?;
        let width_m = geodesic_distance_m(LatLon::new(lat_lo, lon_lo), LatLon::new(lat_lo, lon_hi));
        map_marks::draw_scale_bar(&mut chart, width_m)?;
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
            let corner = map_marks::Corner::least_covered(coloured, (0.4, 0.15));
            map_marks::draw_wind_box(&mut chart, w, corner)?;
        }
        if let Some((hz, (lo, hi))) = field {
            colour_bar(&bar_area, hz, lo, hi)?;
        }
        let mut keys: Vec<Key> = content
            .outlines
            .iter()
            .map(|o| Key {
                colour: o.colour,
                width: o.width,
                dashed: o.dashed,
                label: o.label.clone(),
            })
            .collect();
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
        legend(&legend_area, &keys)?;
        root.present().map_err(|e| e.to_string())?;
    }
    encode_png(&buf, w, h)
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
                values: Array2::from_shape_fn((grid.ny, grid.nx), |(j, i)| {
                    ((i + j) % 5) as f64 / 4.0
                }),
                name: "probability".into(),
                unit: "fraction of members",
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
            wind: None,
        };
        let png = render(&scenario, &grid, &projection, &content).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
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

    #[test]
    fn a_dose_map_is_anchored_on_the_projected_effective_dose_criterion_of_its_window() {
        // Not the US PAG's 10 mSv over 4 days, nor Health Canada's 10 mSv averted over 2
        // days, nor a thyroid dose: the 7-day projected effective dose that the map shows.
        let all = crate::impact::criteria::radiological_criteria();
        let c = dose_criterion(all, 7.0 * 86_400.0).unwrap();
        assert_eq!(c.value, 0.1);
        assert_eq!(c.label, "evacuate 100 mSv (7 d, HC 2018)");
        // A field over another window takes the lowest projected criterion of any window.
        let c = dose_criterion(all, 86_400.0).unwrap();
        assert_eq!(
            c.label,
            "shelter or evacuate 10.0 mSv (4 d, US EPA PAG 2017)"
        );
        assert!(dose_criterion(&[], 86_400.0).is_none());
    }

    #[test]
    fn probability_colours_are_linear_and_log_colours_span_the_decades() {
        let field = |values: Vec<f64>, scale| Hazard {
            values: Array2::from_shape_vec((1, values.len()), values).unwrap(),
            name: String::new(),
            unit: "1",
            scale,
            criterion: None,
        };
        let p = field(vec![0.0, 0.05, 0.5], Scale::Fraction);
        let r = scale_range(&p).unwrap();
        assert_eq!(r, (0.0, 1.0));
        assert_eq!(scale_position(Scale::Fraction, r, 0.0), None);
        assert_eq!(scale_position(Scale::Fraction, r, 0.05), Some(0.05));
        assert_eq!(scale_position(Scale::Fraction, r, 0.5), Some(0.5));
        let close = |r: (f64, f64), want: (f64, f64)| {
            assert!(
                (r.0 - want.0).abs() < 1e-12 && (r.1 - want.1).abs() < 1e-12,
                "{r:?} vs {want:?}"
            );
        };
        // Without a criterion: the 4 whole decades under the one above the maximum.
        let d = field(vec![1e-3, 1e-6, 1e-8], Scale::Log);
        let r = scale_range(&d).unwrap();
        close(r, (-7.0, -3.0));
        assert_eq!(scale_position(Scale::Log, r, 1e-3), Some(1.0));
        assert!((scale_position(Scale::Log, r, 1e-5).unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(scale_position(Scale::Log, r, 1e-8), None, "below the scale");
        assert!(scale_range(&field(vec![0.0], Scale::Log)).is_none());
        close(
            scale_range(&field(vec![3e-3], Scale::Log)).unwrap(),
            (-6.0, -2.0),
        );
        // With a criterion the scale is 10⁻³ to 10² times it, whatever the field: a run a
        // hundred times weaker keeps the same colour for the same value, and is still drawn.
        let criterion = |value: f64| {
            Some(MapCriterion {
                value,
                label: String::new(),
            })
        };
        let mut run = field(vec![1e-2, 1e-9], Scale::Log);
        run.criterion = criterion(1e-1);
        let mut weaker = field(vec![1e-4, 1e-11], Scale::Log);
        weaker.criterion = criterion(1e-1);
        let r = scale_range(&run).unwrap();
        close(r, (-4.0, 1.0));
        assert_eq!(scale_range(&weaker), Some(r));
        assert!((scale_position(Scale::Log, r, 1e-2).unwrap() - 0.4).abs() < 1e-12);
        assert!((scale_position(Scale::Log, r, 1e-4).unwrap()).abs() < 1e-12);
        assert_eq!(scale_position(Scale::Log, r, 1e-5), None, "below the scale");
        // A field above the criterion's scale raises its top to the field's whole decade, up
        // to 8 decades in all (a dense gas's near field).
        let mut dense = field(vec![3e3, 1.0], Scale::Log);
        dense.criterion = criterion(1e-1);
        close(scale_range(&dense).unwrap(), (-4.0, 4.0));
        dense.values[[0, 0]] = 3e6;
        close(scale_range(&dense).unwrap(), (-1.0, 7.0));
    }
}
