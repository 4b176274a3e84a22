//! Command-line arguments beyond what the parser checks: a whole number of something, within
//! the bounds that keep a run sane, and the scenario among the shards of a merge, refused in
//! words that say what was expected.

use std::ops::RangeInclusive;
use std::path::PathBuf;

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

/// The scenario file and the shard paths of `plume ensemble [FILE] --merge PATH…`. `--merge`
/// takes every path after it, so a scenario written last (`--merge shards/ scenario.toml`, as
/// a cluster script may) lands among the shards: a `.toml` path there is the scenario when no
/// FILE came before (found by review: clap said only that FILE was missing).
pub fn scenario_and_shards(
    file: Option<PathBuf>,
    merge: Vec<PathBuf>,
) -> Result<(PathBuf, Vec<PathBuf>), String> {
    let is_toml = |p: &PathBuf| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    };
    let (tomls, shards): (Vec<PathBuf>, Vec<PathBuf>) = merge.into_iter().partition(is_toml);
    match (file, tomls.as_slice()) {
        (Some(file), []) => Ok((file, shards)),
        (None, [one]) if !shards.is_empty() => Ok((one.clone(), shards)),
        (None, []) => {
            Err("the scenario FILE is missing: plume ensemble FILE [--merge PATH…]".into())
        }
        (_, more) => Err(format!(
            "--merge takes shard files or folders, not scenario files ({}): give one scenario \
             FILE, before --merge or after the shards",
            more.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_written_after_the_shards_of_a_merge_is_the_scenario() {
        let p = |s: &str| PathBuf::from(s);
        let shards = vec![p("out/ensemble_shard_1_of_2.nc"), p("out/more")];
        // Before --merge, as the README writes it.
        assert_eq!(
            scenario_and_shards(Some(p("s.toml")), shards.clone()),
            Ok((p("s.toml"), shards.clone()))
        );
        // After the shards, where --merge swallowed it.
        let mut swallowed = shards.clone();
        swallowed.push(p("s.TOML"));
        assert_eq!(
            scenario_and_shards(None, swallowed),
            Ok((p("s.TOML"), shards.clone()))
        );
        // Two scenarios, or none, are refused in words.
        let mut two = shards.clone();
        two.push(p("b.toml"));
        let err = scenario_and_shards(Some(p("a.toml")), two).unwrap_err();
        assert!(err.contains("not scenario files (b.toml)"), "{err}");
        let err = scenario_and_shards(None, shards).unwrap_err();
        assert!(err.contains("the scenario FILE is missing"), "{err}");
        // A scenario alone after --merge leaves no shard: not taken as the scenario.
        let err = scenario_and_shards(None, vec![p("s.toml")]).unwrap_err();
        assert!(err.contains("not scenario files"), "{err}");
    }

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
