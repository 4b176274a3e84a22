//! Draws the evaluation scatter plot: modelled against observed on log–log axes, with the 1:1
//! line and the factor-of-two lines (Cp = 2·Co and Cp = Co/2) that bound FAC2.
//!
//! Text uses DejaVu Sans embedded through the `dejavu` crate, so the plot looks the same on every
//! machine and needs no system fonts.

use std::path::Path;

use plotters::prelude::*;

use super::EvaluateError;
use crate::output::font::ensure_font;

/// Colours for successive series (colour-blind-safe Okabe–Ito palette).
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

/// One labelled set of (observed, modelled) points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// (observed, modelled) points.
    pub points: Vec<(f64, f64)>,
}

/// Draws a log–log scatter of `series` to a PNG at `path` (written whole, then renamed into
/// place). Values below `floor` are drawn at `floor`, the same lower bound MG and VG use.
pub fn scatter_png(
    path: &Path,
    title: &str,
    axis_unit: &str,
    series: &[Series],
    floor: f64,
) -> Result<(), EvaluateError> {
    let fail = |message: String| EvaluateError::Plot {
        path: path.display().to_string(),
        message,
    };
    ensure_font().map_err(fail)?;
    if !(floor.is_finite() && floor > 0.0) {
        return Err(fail(format!("floor {floor} must be positive")));
    }
    let values = series
        .iter()
        .flat_map(|s| s.points.iter().flat_map(|&(o, m)| [o, m]))
        .filter(|v| v.is_finite())
        .map(|v| v.max(floor));
    let (lo, hi) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !(lo.is_finite() && hi > 0.0) {
        return Err(fail("no finite points to plot".into()));
    }
    // Pad by a factor of 2 each side so the factor-of-two lines are visible at the ends. The
    // axes stop at MAX_AXIS: a value near f64::MAX padded to infinity hung the log axis, and
    // start at MIN_AXIS: a subnormal one (a threshold of 1e-308) hung it too.
    let hi = if hi > lo { hi * 2.0 } else { lo * 4.0 };
    let (lo, hi) = (
        (lo / 2.0).clamp(MIN_AXIS, MAX_AXIS / 4.0),
        hi.clamp(MIN_AXIS * 4.0, MAX_AXIS),
    );
    let on_axes = |v: f64| v.max(floor).clamp(MIN_AXIS, MAX_AXIS);

    let (width, height) = (900u32, 860u32);
    let mut rgb = vec![0u8; 3 * width as usize * height as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(16)
            .x_label_area_size(56)
            .y_label_area_size(72)
            .build_cartesian_2d((lo..hi).log_scale(), (lo..hi).log_scale())
            .map_err(|e| fail(e.to_string()))?;
        chart
            .configure_mesh()
            .x_desc(format!("observed ({axis_unit})"))
            .y_desc(format!("modelled ({axis_unit})"))
            .x_label_formatter(&|v| format!("{v:.0e}"))
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .label_style(("sans-serif", 15))
            .axis_desc_style(("sans-serif", 17))
            .draw()
            .map_err(|e| fail(e.to_string()))?;
        let line = |k: f64| vec![(lo, lo * k), (hi, hi * k)];
        chart
            .draw_series(LineSeries::new(line(1.0), BLACK.stroke_width(2)))
            .map_err(|e| fail(e.to_string()))?
            .label("1:1")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(2)));
        let dashed = BLACK.mix(0.6).stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new(line(2.0), 8, 6, dashed))
            .map_err(|e| fail(e.to_string()))?
            .label("factor of 2")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], dashed));
        chart
            .draw_series(DashedLineSeries::new(line(0.5), 8, 6, dashed))
            .map_err(|e| fail(e.to_string()))?;
        for (i, s) in series.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            chart
                .draw_series(
                    s.points
                        .iter()
                        .filter(|(o, m)| o.is_finite() && m.is_finite())
                        .map(|&(o, m)| Circle::new((on_axes(o), on_axes(m)), 4, colour.filled())),
                )
                .map_err(|e| fail(e.to_string()))?
                .label(format!("{} (n = {})", s.label, s.points.len()))
                .legend(move |(x, y)| Circle::new((x + 10, y), 4, colour.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 15))
            .draw()
            .map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    let png = crate::output::map::encode_png(&rgb, width, height).map_err(fail)?;
    crate::output::ensure_dir(
        path.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    )?;
    crate::output::write_bytes_atomically(path, &png)?;
    Ok(())
}

/// Largest value on the axes: points beyond it are drawn on the edge.
const MAX_AXIS: f64 = 1e300;
/// The smallest value on a scatter plot's axes.
const MIN_AXIS: f64 = 1e-300;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_near_the_largest_float_are_drawn_on_the_edge_not_hung_on() {
        // Found by review: 1e308 padded to infinity and the log axis never finished.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.png");
        let series = vec![Series {
            label: "all".into(),
            points: vec![(1e308, 1e-3), (1e-3, 1e308), (2.0, 3.0)],
        }];
        scatter_png(&path, "huge", "u", &series, 1e-6).unwrap();
        scatter_png(&path, "floor", "u", &series, 1e308).unwrap();
        // Found by the fuzz review: a subnormal floor (the default threshold of an observed
        // 1e-308) hung the log axis too.
        scatter_png(&path, "tiny", "u", &series, 1e-308).unwrap();
        let tiny = vec![Series {
            label: "all".into(),
            points: vec![(5e-324, 1.0), (1.0, 1.0)],
        }];
        scatter_png(&path, "tiny", "u", &tiny, 5e-324).unwrap();
        assert_eq!(&std::fs::read(&path).unwrap()[..4], b"\x89PNG");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Shared like every other output (0666 less the umask), not a private temp file.
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_ne!(mode & 0o044, 0, "{mode:o}");
        }
    }

    #[test]
    fn draws_a_png_with_points_and_reference_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scatter.png");
        let series = vec![
            Series {
                label: "unstable".into(),
                points: vec![(1e-3, 2e-3), (5e-4, 4e-4), (1e-5, 0.0)],
            },
            Series {
                label: "stable".into(),
                points: vec![(2e-2, 1e-2)],
            },
        ];
        scatter_png(&path, "test", "s m-2", &series, 1e-6).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert!(
            bytes.len() > 5_000,
            "a blank image would compress to very little"
        );
        assert!(scatter_png(&path, "t", "u", &[], 1e-6).is_err());
    }
}
