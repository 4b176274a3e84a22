//! The evaluation's CSV readers never panic: any text gives pairs or an error.
//!
//! Files are assembled from the real column names, stray names and awkward values (empty, NaN,
//! infinities, huge and negative numbers, quotes, dates out of range, a byte-order mark, ragged
//! rows) and fed to the pairs, observation-point and Prairie Grass readers.

use std::path::Path;

use proptest::prelude::*;

use plume::evaluate::observations::read_observations;
use plume::evaluate::prairie_grass::load_dir;
use plume::evaluate::read_pairs_csv;

const COLUMNS: &[&str] = &[
    "run",
    "observed",
    "modelled",
    "lat",
    "lon",
    "x_m",
    "y_m",
    "height_m",
    "time",
    "stability",
    "source_rate_g_s",
    "source_height_m",
    "sampler_height_m",
    "obukhov_length_m",
    "wind_speed_2m_m_s",
    "roughness_length_m",
    "averaging_time_s",
    "mixing_height_m",
    "sigma_azimuth_deg",
    "arc_distance_m",
    "azimuth_deg",
    "concentration_mg_m3",
    "bogus",
    "",
];

const VALUES: &[&str] = &[
    "",
    "0",
    "1",
    "-1",
    "5",
    "45",
    "-66.5",
    "1e-9",
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "-inf",
    "abc",
    "\"q,uoted\"",
    "\"",
    "2026-11-28T06:00:00Z",
    "2026-13-45T99:00:00Z",
    "0.46",
    "600",
    "r1",
    "50",
    "800",
];

fn csv_text() -> impl Strategy<Value = String> {
    (
        prop::bool::ANY,
        prop::collection::vec(prop::sample::select(COLUMNS), 0..8),
        prop::collection::vec(
            prop::collection::vec(prop::sample::select(VALUES), 0..9),
            0..6,
        ),
    )
        .prop_map(|(bom, header, rows)| {
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str(&header.join(","));
            text.push('\n');
            for r in rows {
                text.push_str(&r.join(","));
                text.push('\n');
            }
            text
        })
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn evaluation_readers_never_panic(a in csv_text(), b in csv_text()) {
        let dir = tempfile::tempdir().unwrap();
        let _ = read_pairs_csv(&write(dir.path(), "pairs.csv", &a));
        let _ = read_observations(&write(dir.path(), "obs.csv", &a));
        write(dir.path(), "runs.csv", &a);
        write(dir.path(), "samplers.csv", &b);
        let _ = load_dir(dir.path());
    }
}

#[test]
fn a_valid_pairs_file_among_the_generated_shapes_reads() {
    // The generator's vocabulary can form a valid file, so the property above exercises the
    // success path as well as the errors.
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "pairs.csv",
        "run,observed,modelled,stability\nr1,1,5,abc\nr1,0.46,600,\n",
    );
    let pairs = read_pairs_csv(&path).unwrap();
    assert_eq!(pairs.len(), 2);
}

/// A quote left open joins the lines after it into one run id, and their pairs vanish: refused,
/// naming the line and column (found by review).
#[test]
fn a_value_across_lines_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "pairs.csv",
        "run,observed,modelled\n\"r1,1,5\nr2,2,4\nr3\",3,3\nr4,1,1\n",
    );
    let e = read_pairs_csv(&path).unwrap_err().to_string();
    assert!(e.contains("line 2, column `run`"), "{e}");
    assert!(e.contains("a value on one line"), "{e}");
    // A quote closed at the start of the next line leaves a line break that trimming would
    // have removed (found by review).
    let path = write(
        dir.path(),
        "pairs.csv",
        "run,observed,modelled\n\"r1,1,5\n\",3,3\nr4,1,1\nr5,2,2\n",
    );
    let e = read_pairs_csv(&path).unwrap_err().to_string();
    assert!(e.contains("line 2, column `run`"), "{e}");
    let obs = write(
        dir.path(),
        "obs.csv",
        "run,x_m,y_m,observed\n\"a\n\",1,2,3\n",
    );
    let e = read_observations(&obs).unwrap_err().to_string();
    assert!(e.contains("a value on one line"), "{e}");
}
