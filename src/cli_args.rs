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

/// Parses `K/N`, one of N parts (1 ≤ K ≤ N ≤ `max_n`), as `--shard 3/10` gives it.
pub fn part_of(text: &str, max_n: usize) -> Result<(usize, usize), String> {
    let expected = "K/N, the K-th of N shards, e.g. 3/10";
    let (k, n) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}`: expected {expected}"))?;
    let n = whole_number_in(n.trim(), "shards", 1..=max_n)?;
    let k = k
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|k| (1..=n).contains(k))
        .ok_or_else(|| format!("`{text}`: expected {expected}, K from 1 to N"))?;
    Ok((k, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_k_of_n_and_anything_else_is_refused_in_words() {
        assert_eq!(part_of("3/10", 1000), Ok((3, 10)));
        assert_eq!(part_of("10/10", 1000), Ok((10, 10)));
        assert!(part_of("0/10", 1000).unwrap_err().contains("K from 1 to N"));
        assert!(part_of("11/10", 1000)
            .unwrap_err()
            .contains("K from 1 to N"));
        assert!(part_of("3", 1000).unwrap_err().contains("expected K/N"));
        assert!(part_of("1/0", 1000).unwrap_err().contains("0 shards"));
        assert!(part_of("1/2000", 1000)
            .unwrap_err()
            .contains("from 1 to 1000"));
    }

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
