//! The panel beside a map: the colour bar of its field, under the field's name and unit, and
//! the legend of its outlines, wrapped to the panel's width. Kept off the map so that neither
//! hides a town.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;

use super::map::{Hazard, Scale, DASH_PX, GAP_PX};

/// Characters per line of the side panel's texts (about its width).
const LEGEND_WRAP_CHARS: usize = 32;

/// A legend entry: a line sample and its label.
pub(crate) struct Key {
    pub colour: RGBColor,
    pub width: u32,
    pub dashed: bool,
    pub label: String,
}

/// Colour of a map's note (a run cut off with its cloud still over the map).
pub(crate) const NOTE: RGBColor = RGBColor(178, 24, 43);

/// Type sizes of the side panel's texts: font (px), line pitch (px) and characters per line.
#[derive(Clone, Copy)]
struct Type {
    font_px: u32,
    line_px: i32,
    wrap_chars: usize,
}

/// The panel's usual type, then a smaller one for a legend that would not fit in it (found by
/// review: "… 2 more zones" left two zones drawn on the map out of the legend).
const TYPES: [Type; 3] = [
    Type {
        font_px: 12,
        line_px: 15,
        wrap_chars: LEGEND_WRAP_CHARS,
    },
    Type {
        font_px: 10,
        line_px: 12,
        wrap_chars: LEGEND_WRAP_CHARS + 6,
    },
    Type {
        font_px: 9,
        line_px: 10,
        wrap_chars: LEGEND_WRAP_CHARS + 10,
    },
];

/// Vertical gap (px) after each legend entry and after the note.
const ENTRY_GAP_PX: i32 = 6;

/// The legend: `note` first, in [`NOTE`] red, then a line of each entry's colour and width and
/// its label wrapped to the panel, in order, in the largest of [`TYPES`] that fits them all;
/// entries that still do not fit, zones as the caller puts them last, are counted in a last
/// line.
pub(crate) fn legend(
    area: &DrawingArea<BitMapBackend, Shift>,
    note: Option<&str>,
    outlines: &[Key],
) -> Result<(), String> {
    let bottom = area.dim_in_pixel().1 as i32 - 10;
    let labels: Vec<&str> = outlines.iter().map(|o| o.label.as_str()).collect();
    let t = TYPES[type_that_fits(note, &labels, bottom)];
    let font = ("sans-serif", t.font_px);
    let mut y = 10;
    if let Some(note) = note {
        let style = font.into_font().color(&NOTE);
        for line in wrap(note, t.wrap_chars + 4) {
            area.draw(&Text::new(line, (6, y), style.clone()))
                .map_err(|e| e.to_string())?;
            y += t.line_px;
        }
        y += 10;
    }
    for (k, o) in outlines.iter().enumerate() {
        let lines = wrap(&o.label, t.wrap_chars);
        let left = outlines.len() - k;
        // Room for this entry, and for the "more" line below it unless it is the last.
        let needed = lines.len() as i32 * t.line_px
            + if left > 1 {
                t.line_px + ENTRY_GAP_PX
            } else {
                0
            };
        if y + needed > bottom {
            let more = format!("… {left} more zones: see zones.geojson / .kml");
            area.draw(&Text::new(more, (6, y), font))
                .map_err(|e| e.to_string())?;
            break;
        }
        let style = o.colour.stroke_width(o.width);
        let mid = y + t.line_px / 2;
        let sample = vec![(6, mid), (32, mid)];
        if o.dashed {
            area.draw(&DashedPathElement::new(sample, DASH_PX, GAP_PX, style))
        } else {
            area.draw(&PathElement::new(sample, style))
        }
        .map_err(|e| e.to_string())?;
        for line in lines {
            area.draw(&Text::new(line, (38, y), font))
                .map_err(|e| e.to_string())?;
            y += t.line_px;
        }
        y += ENTRY_GAP_PX;
    }
    Ok(())
}

/// The index in [`TYPES`] of the largest type in which `note` and the legend's `labels` fit
/// above `bottom` (px); the smallest when none does.
fn type_that_fits(note: Option<&str>, labels: &[&str], bottom: i32) -> usize {
    let height = |t: &Type| {
        let note_px = note.map_or(0, |n| {
            wrap(n, t.wrap_chars + 4).len() as i32 * t.line_px + 10
        });
        10 + note_px
            + labels
                .iter()
                .map(|l| wrap(l, t.wrap_chars).len() as i32 * t.line_px + ENTRY_GAP_PX)
                .sum::<i32>()
    };
    TYPES
        .iter()
        .position(|t| height(t) <= bottom)
        .unwrap_or(TYPES.len() - 1)
}

/// `text` in lines of about `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![];
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// A vertical colour bar over the field's scale, labelled at every decade ([`Scale::Log`]) or
/// every 20 % ([`Scale::Fraction`]), under the field's name and unit, with the criterion that
/// anchors a logarithmic scale marked on it.
pub(crate) fn colour_bar(
    area: &DrawingArea<BitMapBackend, Shift>,
    hz: &Hazard,
    lo: f64,
    hi: f64,
) -> Result<(), String> {
    let mut bar = ChartBuilder::on(area)
        .margin_top(120)
        .margin_bottom(20)
        .margin_right(130)
        .margin_left(0)
        .y_label_area_size(75)
        .build_cartesian_2d(0.0..1.0, lo..hi)
        .map_err(|e| e.to_string())?;
    let steps = 200;
    bar.draw_series((0..steps).map(|k| {
        let (a, b) = (
            lo + (hi - lo) * k as f64 / steps as f64,
            lo + (hi - lo) * (k + 1) as f64 / steps as f64,
        );
        Rectangle::new(
            [(0.0, a), (1.0, b)],
            ViridisRGB::get_color((k as f64 + 0.5) / steps as f64).filled(),
        )
    }))
    .map_err(|e| e.to_string())?;
    let unit = hz.unit;
    let decade = move |v: &f64| decade_label(v.round() as i32, unit);
    let (labels, format): (usize, &dyn Fn(&f64) -> String) = match hz.scale {
        Scale::Log => ((hi - lo).round() as usize + 1, &decade),
        Scale::Fraction => (6, &|v| format!("{:.0} %", 100.0 * v)),
    };
    // The criterion that anchors the scale, marked across the bar and named beside it.
    if let Some(c) = hz.criterion.as_ref().filter(|_| hz.scale == Scale::Log) {
        let y = c.value.log10();
        bar.draw_series(std::iter::once(PathElement::new(
            vec![(-0.1, y), (1.1, y)],
            BLACK.stroke_width(2),
        )))
        .map_err(|e| e.to_string())?;
        // (The chart's coordinates are the bitmap's; the panel's texts are placed in its own.)
        let (px, py) = bar.backend_coord(&(1.0, y));
        let (ox, oy) = area.get_base_pixel();
        let lines = wrap(&c.label, 17);
        let top = py - oy - 7 * lines.len() as i32;
        for (k, line) in lines.into_iter().enumerate() {
            area.draw(&Text::new(
                line,
                (px - ox + 10, top + 14 * k as i32),
                ("sans-serif", 12),
            ))
            .map_err(|e| e.to_string())?;
        }
    }
    bar.configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_labels(labels)
        .y_label_formatter(format)
        .label_style(("sans-serif", 13))
        .draw()
        .map_err(|e| e.to_string())?;
    // The field's name, a line per clause, and its unit.
    let mut lines: Vec<String> = hz
        .name
        .split(": ")
        .flat_map(|c| c.split(", "))
        .flat_map(|clause| wrap(clause, LEGEND_WRAP_CHARS))
        .collect();
    lines.push(format!("({})", hz.unit));
    lines.extend(hz.unit_note.iter().flat_map(|n| wrap(n, LEGEND_WRAP_CHARS)));
    draw_lines(area, &lines, (8, 30), 18)
}

/// The label of the decade 10^`exponent` of a field in `unit`, as a reader says it: doses in
/// Sv, mSv or µSv ("100 mSv", "1 µSv"), other units as plain numbers from 0.001 to 10 000
/// ("0.01", "1000"), powers of ten beyond ("1e-5").
pub(crate) fn decade_label(exponent: i32, unit: &str) -> String {
    let plain = |e: i32| {
        if (0..=4).contains(&e) {
            format!("{}", 10u32.pow(e as u32))
        } else if (-3..0).contains(&e) {
            format!("{:.*}", (-e) as usize, 10f64.powi(e))
        } else {
            format!("1e{e}")
        }
    };
    if unit == "Sv" {
        let (shift, prefix) = match exponent {
            e if e >= 0 => (0, ""),
            -3..=-1 => (3, "m"),
            _ => (6, "µ"),
        };
        let e = exponent + shift;
        if (0..=2).contains(&e) {
            return format!("{} {prefix}Sv", 10u32.pow(e as u32));
        }
        return format!("{} Sv", plain(exponent));
    }
    plain(exponent)
}

/// Draws `lines` of 13 px text, the first at `(x, y)` of `area`, each `line_px` below the last.
pub(crate) fn draw_lines(
    area: &DrawingArea<BitMapBackend, Shift>,
    lines: &[String],
    (x, y): (i32, i32),
    line_px: i32,
) -> Result<(), String> {
    for (k, line) in lines.iter().enumerate() {
        area.draw(&Text::new(
            line.clone(),
            (x, y + line_px * k as i32),
            ("sans-serif", 13),
        ))
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_bar_decades_read_in_the_units_a_reader_uses() {
        let sv = |e| decade_label(e, "Sv");
        assert_eq!(
            (-8..=2).map(sv).collect::<Vec<_>>(),
            [
                "1e-8 Sv", "1e-7 Sv", "1 µSv", "10 µSv", "100 µSv", "1 mSv", "10 mSv", "100 mSv",
                "1 Sv", "10 Sv", "100 Sv"
            ]
        );
        let mg = |e| decade_label(e, "mg m-3");
        assert_eq!(
            (-5..=5).map(mg).collect::<Vec<_>>(),
            ["1e-5", "1e-4", "0.001", "0.01", "0.1", "1", "10", "100", "1000", "10000", "1e5"]
        );
    }

    #[test]
    fn panel_texts_wrap_at_spaces_near_the_panel_width() {
        let lines = wrap(
            "Chlorine: AEGL-2 (60 min) exceeded, serious or lasting health effects",
            24,
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 26), "{lines:?}");
        assert_eq!(
            lines.join(" "),
            "Chlorine: AEGL-2 (60 min) exceeded, serious or lasting health effects"
        );
        assert_eq!(wrap("short", 24), vec!["short".to_string()]);
    }

    #[test]
    fn a_long_legend_takes_a_smaller_type_before_it_leaves_a_zone_out() {
        // The east-wind release ×30 towards Eastport: border, distance rings and eight zones
        // of both countries, under the 400 px left below the colour bar.
        let label = "Iodine thyroid blocking: projected thyroid dose at least 50 mSv over 7 \
                     days (Health Canada 2018)";
        let few = vec![label; 3];
        let many = vec![label; 10];
        assert_eq!(type_that_fits(None, &few, 400), 0);
        let t = type_that_fits(None, &many, 400);
        assert!(t > 0, "the usual type does not hold ten entries");
        let lines = wrap(label, TYPES[t].wrap_chars).len() as i32;
        let used = 10 + 10 * (lines * TYPES[t].line_px + ENTRY_GAP_PX);
        assert!(used <= 400, "{used} px");
        // Too many for any type: the smallest, and the last line counts the rest.
        assert_eq!(type_that_fits(None, &[label; 40], 400), TYPES.len() - 1);
    }
}
