//! A weather file's period against the run's: how far outside the run a file's first or last
//! values may be held before the file is taken to be for another period (a wrong date, a wrong
//! file). Gridded and station readers apply the same rule.

use chrono::{DateTime, Utc};

/// Longest time (s) a file's first or last values may be held to reach a run that its times do
/// not overlap; a file further away is for another period.
pub const MAX_HOLD_OUTSIDE_S: f64 = 3.0 * 3600.0;

/// Whether times from `first_s` to `last_s` (s since the run start) lie wholly more than
/// [`MAX_HOLD_OUTSIDE_S`] before the run `[0, run_s]` starts or after it ends.
pub(crate) fn beyond_hold(first_s: f64, last_s: f64, run_s: f64) -> bool {
    last_s < -MAX_HOLD_OUTSIDE_S || first_s > run_s + MAX_HOLD_OUTSIDE_S
}

/// "A to B, the run from C to D", the two periods as UTC times, for the message refusing a file
/// [`beyond_hold`].
pub(crate) fn both_periods(first_s: f64, last_s: f64, start: DateTime<Utc>, run_s: f64) -> String {
    let at = |s: f64| {
        (start + chrono::Duration::milliseconds((s * 1000.0).round() as i64))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    format!(
        "{} to {}, the run from {} to {}",
        at(first_s),
        at(last_s),
        at(0.0),
        at(run_s)
    )
}
