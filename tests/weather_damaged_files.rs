//! Damaged weather files — a truncated download, a flipped bit on disk — give an error that
//! names the file, never a panic: byte flips and truncations at a fixed seed, anywhere in the
//! shipped GRIB2 and netCDF samples.

use std::path::Path;

use chrono::{DateTime, Utc};
use plume::geo::{LatLon, TransverseMercator};
use plume::met::gridded::cf::{self, GriddedOptions};
use plume::met::gridded::{grib2, LocalBox};
use plume::met::MetError;

const CASES: usize = 240;

/// Reads `sample` damaged in [`CASES`] ways with `read` and checks each outcome; returns how
/// many reads failed. A third of the cases truncate the file, the rest flip one to four bits.
fn damaged_reads(sample: &str, read: impl Fn(&Path) -> Result<(), MetError>) -> usize {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/data")
        .join(sample);
    let bytes = std::fs::read(&src).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("damaged-{sample}"));
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: usize| {
        // xorshift64*: enough to scatter the damage.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as usize % n
    };
    let mut errors = 0;
    for case in 0..CASES {
        let mut damaged = bytes.clone();
        if case % 3 == 0 {
            damaged.truncate(next(bytes.len()));
        } else {
            for _ in 0..1 + case % 4 {
                let at = next(bytes.len());
                damaged[at] ^= 1 << next(8);
            }
        }
        std::fs::write(&path, &damaged).unwrap();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(&path))) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                errors += 1;
                let name = path.file_name().unwrap().to_str().unwrap();
                assert!(e.to_string().contains(name), "case {case}: {e}");
            }
            Err(_) => panic!("case {case}: reading {sample} damaged panicked"),
        }
    }
    errors
}

fn setting() -> (TransverseMercator, DateTime<Utc>, LocalBox) {
    let tm = TransverseMercator::new(LatLon::new(45.07, -66.75));
    let start = "2026-03-02T00:00:00Z".parse().unwrap();
    let region = LocalBox {
        x_min_m: -15_000.0,
        x_max_m: 15_000.0,
        y_min_m: -11_000.0,
        y_max_m: 11_000.0,
    };
    (tm, start, region)
}

#[test]
fn damaged_grib2_files_fail_naming_the_file_and_never_panic() {
    let (tm, start, region) = setting();
    let read = |p: &Path| {
        grib2::read(p, start, 21_600.0, &tm, region, GriddedOptions::default()).map(|_| ())
    };
    // Every truncation at least fails (a flipped bit in a value may still read).
    assert!(damaged_reads("lepreau_nwp_sample.grib2", read) >= CASES / 3);
}

#[test]
fn damaged_netcdf_files_fail_naming_the_file_and_never_panic() {
    let (tm, start, region) = setting();
    let read =
        |p: &Path| cf::read(p, start, 21_600.0, &tm, region, GriddedOptions::default()).map(|_| ());
    assert!(damaged_reads("lepreau_nwp_sample.nc", read) >= CASES / 3);
}
