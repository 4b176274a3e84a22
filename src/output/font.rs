//! The embedded DejaVu Sans font for drawn outputs (the evaluation scatter plot, the run map), so
//! images look the same on every machine and need no system fonts.

use std::sync::OnceLock;

use plotters::style::FontStyle;

/// Registers the embedded font as "sans-serif" once per process.
pub fn ensure_font() -> Result<(), String> {
    static FONT: OnceLock<Result<(), String>> = OnceLock::new();
    FONT.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
            .map_err(|_| "the embedded DejaVu Sans font could not be loaded".to_string())
    })
    .clone()
}
