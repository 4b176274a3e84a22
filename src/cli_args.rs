//! Command-line numbers: a whole number of something, within the bounds that keep a run sane,
//! refused in words that say what was expected.

use std::ops::RangeInclusive;

/// Parses `text` as a whole number of `what` (plural noun) within `range`.
pub fn whole_number_in(
    text: &str,
    what: &str,
    range: RangeInclusive<usize>,
) -> Result<usize, String> {
    let n: usize = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number of {what}"))?;
    if !range.contains(&n) {
        return Err(format!(
            "{n} {what}: from {} to {}",
            range.start(),
            range.end()
        ));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_outside_their_bounds_are_refused_in_words() {
        assert_eq!(whole_number_in("8", "threads", 1..=1024), Ok(8));
        assert_eq!(
            whole_number_in("0", "threads", 1..=1024),
            Err("0 threads: from 1 to 1024".into())
        );
        assert!(whole_number_in("2.5", "replicates", 0..=9)
            .unwrap_err()
            .contains("not a whole number of replicates"));
    }
}
