//! Several maps on one sheet, side by side (`compare.png`): each option of a comparison as its
//! own `map.png` shows it — field, zones, colour bar, legend, wind — two to a row, each under a
//! band that names the option, so that a planner sees at a glance what an option changes
//! where. The maps are copied pixel for pixel, not redrawn: every panel keeps its own colour bar,
//! which is the same for options that map the same quantity (the scale is fixed by the
//! quantity's criterion, `map_hazard`), and its own extent (the same for options on one grid).

use plotters::prelude::*;

use super::font::ensure_font;
use super::map::encode_png;

/// Maps per row.
const COLUMNS: usize = 2;
/// Height (px) of the sheet's title band and of each panel's name band.
const BAND_PX: u32 = 40;
/// Space (px) between and around the panels.
const GAP_PX: u32 = 12;
/// Colour of the bands behind the names.
const BAND: RGBColor = RGBColor(235, 235, 235);

/// One map of the sheet: an 8-bit RGB image and the name it is shown under.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub name: String,
    pub width: u32,
    pub height: u32,
    /// Row by row from the top, three bytes a pixel.
    pub rgb: Vec<u8>,
}

impl Panel {
    /// The panel of a PNG file's bytes (8-bit RGB or RGBA, as plume writes its maps).
    pub fn from_png(name: &str, bytes: &[u8]) -> Result<Self, String> {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .map_err(|e| e.to_string())?;
        let size = reader
            .output_buffer_size()
            .ok_or("the image is too large to decode")?;
        let mut buf = vec![0; size];
        let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
        let channels = match (info.color_type, info.bit_depth) {
            (png::ColorType::Rgb, png::BitDepth::Eight) => 3,
            (png::ColorType::Rgba, png::BitDepth::Eight) => 4,
            (c, d) => return Err(format!("a {c:?} image of depth {d:?}; expected 8-bit RGB")),
        };
        let rgb = buf[..info.buffer_size()]
            .chunks_exact(channels)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        Ok(Panel {
            name: name.to_string(),
            width: info.width,
            height: info.height,
            rgb,
        })
    }
}

/// Where each panel's image goes on a sheet of `panels`: its top-left pixel, with the sheet's
/// width and height. Panels fill rows of two, each cell as large as the largest panel
/// plus its name band.
pub fn layout(panels: &[Panel]) -> (Vec<(u32, u32)>, u32, u32) {
    let cell_w = panels.iter().map(|p| p.width).max().unwrap_or(0);
    let cell_h = panels.iter().map(|p| p.height).max().unwrap_or(0) + BAND_PX;
    let columns = panels.len().clamp(1, COLUMNS) as u32;
    let rows = panels.len().div_ceil(COLUMNS) as u32;
    let origins = (0..panels.len() as u32)
        .map(|k| {
            let (col, row) = (k % columns, k / columns);
            (
                GAP_PX + col * (cell_w + GAP_PX),
                BAND_PX + GAP_PX + row * (cell_h + GAP_PX) + BAND_PX,
            )
        })
        .collect();
    let width = GAP_PX + columns * (cell_w + GAP_PX);
    let height = BAND_PX + GAP_PX + rows * (cell_h + GAP_PX);
    (origins, width, height)
}

/// `text` as it fits in `width_px` in `font`: whole, or cut with "…" (found by review: a long
/// option name ran past its band, over the next panel's or off the sheet; a narrow map's
/// title was cut at both ends).
pub(crate) fn fitted(text: &str, font: &FontDesc, width_px: i32) -> Result<String, String> {
    let width = |t: &str| -> Result<i32, String> {
        Ok(font.box_size(t).map_err(|e| e.to_string())?.0 as i32)
    };
    if width(text)? <= width_px {
        return Ok(text.to_string());
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let cut = format!("{}…", chars.iter().collect::<String>().trim_end());
        if width(&cut)? <= width_px {
            return Ok(cut);
        }
    }
    Ok("…".into())
}

/// The sheet of `panels` under `title`, as PNG bytes: each panel's image copied unchanged at
/// its [`layout`] origin, its name in the band above it.
pub fn sheet_png(title: &str, panels: &[Panel]) -> Result<Vec<u8>, String> {
    ensure_font()?;
    let (origins, w, h) = layout(panels);
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        let text = ("sans-serif", 22).into_font();
        root.draw(&Rectangle::new(
            [(0, 0), (w as i32, BAND_PX as i32)],
            BAND.filled(),
        ))
        .map_err(|e| e.to_string())?;
        let title = fitted(title, &text, w as i32 - 2 * GAP_PX as i32)?;
        root.draw_text(
            &title,
            &text.clone().into_text_style(&root),
            (GAP_PX as i32, 9),
        )
        .map_err(|e| e.to_string())?;
        for (p, &(x, y)) in panels.iter().zip(&origins) {
            let top = (y - BAND_PX) as i32;
            root.draw(&Rectangle::new(
                [(x as i32, top), ((x + p.width) as i32, y as i32)],
                BAND.filled(),
            ))
            .map_err(|e| e.to_string())?;
            let name = fitted(&p.name, &text, p.width as i32 - 16)?;
            root.draw_text(
                &name,
                &text.clone().into_text_style(&root),
                (x as i32 + 8, top + 9),
            )
            .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    for (p, &(x, y)) in panels.iter().zip(&origins) {
        let row_bytes = (p.width * 3) as usize;
        for r in 0..p.height {
            let to = (((y + r) * w + x) * 3) as usize;
            let from = r as usize * row_bytes;
            buf[to..to + row_bytes].copy_from_slice(&p.rgb[from..from + row_bytes]);
        }
    }
    encode_png(&buf, w, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel(name: &str, width: u32, height: u32, shade: u8) -> Panel {
        let rgb = (0..width * height)
            .flat_map(|k| [shade, (k % 251) as u8, (k / width) as u8])
            .collect();
        Panel {
            name: name.into(),
            width,
            height,
            rgb,
        }
    }

    #[test]
    fn panels_fill_rows_of_two_each_under_its_band() {
        let panels = [
            panel("a", 30, 20, 1),
            panel("b", 50, 10, 2),
            panel("c", 40, 25, 3),
        ];
        let (origins, w, h) = layout(&panels);
        // Cells 50 wide and 25 + 40 high; two columns, two rows.
        assert_eq!(w, 12 + 2 * (50 + 12));
        assert_eq!(h, 40 + 12 + 2 * (25 + 40 + 12));
        assert_eq!(origins, [(12, 92), (74, 92), (12, 92 + 77)]);
        let one = layout(&panels[..1]);
        assert_eq!((one.1, one.2), (12 + 30 + 12, 40 + 12 + 20 + 40 + 12));
    }

    #[test]
    fn each_map_is_on_the_sheet_pixel_for_pixel() {
        let panels = [
            panel("Baseline", 120, 80, 10),
            panel("Option 2", 100, 90, 20),
            panel("Option 3", 60, 40, 30),
        ];
        let png = sheet_png("Three options", &panels).unwrap();
        let sheet = Panel::from_png("sheet", &png).unwrap();
        let (origins, w, h) = layout(&panels);
        assert_eq!((sheet.width, sheet.height), (w, h));
        for (p, &(x, y)) in panels.iter().zip(&origins) {
            for r in 0..p.height {
                let at = (((y + r) * w + x) * 3) as usize;
                let row = (p.width * 3) as usize;
                assert_eq!(
                    sheet.rgb[at..at + row],
                    p.rgb[r as usize * row..(r as usize + 1) * row],
                    "{} row {r}",
                    p.name
                );
            }
            // The name is written in its band: dark pixels just above the map.
            let band_dark = (y - BAND_PX..y)
                .flat_map(|yy| (x..x + p.width).map(move |xx| (yy, xx)))
                .filter(|&(yy, xx)| sheet.rgb[((yy * w + xx) * 3) as usize] < 100)
                .count();
            assert!(band_dark > 20, "{}: {band_dark} dark pixels", p.name);
        }
    }

    #[test]
    fn a_long_name_is_cut_to_its_band() {
        ensure_font().unwrap();
        let font = ("sans-serif", 22).into_font();
        let long = "Option 2: a scenario whose name goes on and on past any band";
        let cut = fitted(long, &font, 300).unwrap();
        assert!(cut.ends_with('…') && cut.len() < long.len(), "{cut}");
        assert!(font.box_size(&cut).unwrap().0 <= 300);
        assert_eq!(fitted("Baseline", &font, 300).unwrap(), "Baseline");
        // The sheet's bands hold only their own names: a long left-hand name leaves the
        // right-hand band's pixels as a short name leaves them.
        let band_pixels = |name: &str| {
            let panels = [panel(name, 200, 30, 10), panel("b", 200, 30, 20)];
            let sheet = Panel::from_png("s", &sheet_png("t", &panels).unwrap()).unwrap();
            let (origins, w, _) = layout(&panels);
            let (x, y) = origins[1];
            (y - BAND_PX..y)
                .flat_map(|yy| (x..x + 200).map(move |xx| (yy, xx)))
                .map(|(yy, xx)| sheet.rgb[((yy * w + xx) * 3) as usize])
                .collect::<Vec<u8>>()
        };
        assert_eq!(band_pixels(long), band_pixels("a"));
    }

    #[test]
    fn a_file_that_is_not_an_rgb_png_is_refused_with_a_reason() {
        assert!(Panel::from_png("x", b"not a png").is_err());
        let mut grey = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut grey, 2, 2);
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc.write_header().unwrap();
            w.write_image_data(&[0, 1, 2, 3]).unwrap();
        }
        let e = Panel::from_png("x", &grey).unwrap_err();
        assert!(e.contains("expected 8-bit RGB"), "{e}");
    }
}
