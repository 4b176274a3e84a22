//! The reduction of an ensemble's members: the [`Shard`]s of one job or of many put back in
//! member order, each zone's count of members per cell, the members' warnings counted by
//! kind, and per cell the mean and 90th percentile of the time-integrated concentration.

use std::ops::Range;

use ndarray::{Array2, Array3};

use super::{Ensemble, EnsembleError, EnsembleSpec, SpeciesStatistics, ZoneProbability};
use crate::field::GridSpec;
use crate::geo::TransverseMercator;
use crate::scenario::Scenario;

/// The results of a contiguous run of members before they are reduced: what one job of a
/// cluster computes (`plume ensemble --shard K/N`), and what `--merge` puts back together.
#[derive(Debug, Clone)]
pub struct Shard {
    /// The members it holds, in order.
    pub members: Range<usize>,
    /// Lowest-layer time-integrated concentration of each member [species][member, y, x].
    pub tic: Vec<Array3<f64>>,
    /// Each zone, counted over these members only (`count`, `member_area_km2`).
    pub zones: Vec<ZoneProbability>,
    pub warnings: Vec<MemberWarning>,
    pub model: String,
    pub backend: String,
    /// Wall-clock seconds its members took.
    pub elapsed_s: f64,
}

/// Adds member `k`'s warning `w` to the count of its kind.
pub(super) fn count_warning(warnings: &mut Vec<MemberWarning>, w: &str, k: usize) {
    let kind = warning_kind(w);
    match warnings.iter_mut().find(|x| x.kind == kind) {
        Some(x) => {
            if x.last_member != k {
                x.members += 1;
                x.last_member = k;
            }
            x.varies |= x.text != w;
        }
        None => warnings.push(MemberWarning {
            kind,
            text: w.to_string(),
            first_member: k,
            last_member: k,
            members: 1,
            varies: false,
        }),
    }
}

/// Puts the shards of the ensemble `spec` together — every member exactly once, in any
/// order of the shards — and reduces them to probabilities, mean and 90th percentile. One
/// shard of every member gives the same [`Ensemble`], bit for bit, as any split of them.
pub fn reduce(
    scenario: &Scenario,
    spec: EnsembleSpec,
    mut shards: Vec<Shard>,
) -> Result<Ensemble, EnsembleError> {
    shards.sort_by_key(|s| s.members.start);
    let mut next = 0;
    for s in &shards {
        if s.members.start > next {
            return Err(EnsembleError::Inconsistent(format!(
                "members {next}–{} are in no shard",
                s.members.start - 1
            )));
        }
        if s.members.start < next {
            return Err(EnsembleError::Inconsistent(format!(
                "member {} is in two shards",
                s.members.start
            )));
        }
        next = s.members.end;
    }
    if next != spec.members {
        return Err(EnsembleError::Inconsistent(format!(
            "the shards hold members 0–{} of {}",
            next.saturating_sub(1),
            spec.members
        )));
    }
    super::check_stored_values(scenario, spec.members)?;
    let n_shards = shards.len();
    let mut it = shards.into_iter();
    let mut all = it.next().expect("members ≥ 2, so a shard");
    let mut backends = vec![all.backend.clone()];
    // Every member's field in one array, each shard's copied in once (appending shard after
    // shard copied the whole ensemble again at each: quadratic in the shards, found by review).
    let first_tic = std::mem::take(&mut all.tic);
    let mut tic: Vec<Array3<f64>> = first_tic
        .into_iter()
        .map(|t| {
            let (n, ny, nx) = t.dim();
            let mut full = Array3::zeros((spec.members, ny, nx));
            full.slice_mut(ndarray::s![..n, .., ..]).assign(&t);
            full
        })
        .collect();
    for s in it {
        if s.model != all.model {
            return Err(EnsembleError::Inconsistent(format!(
                "members {}–{} ran the {} model, members {}–{} the {} model",
                all.members.start,
                all.members.end - 1,
                all.model,
                s.members.start,
                s.members.end - 1,
                s.model
            )));
        }
        if s.zones.len() != all.zones.len()
            || s.zones
                .iter()
                .zip(&all.zones)
                .any(|(a, b)| a.label != b.label)
        {
            return Err(EnsembleError::Inconsistent(format!(
                "members {}–{} assessed zones {:?}, member 0 {:?}",
                s.members.start,
                s.members.end - 1,
                s.zones.iter().map(|z| &z.label).collect::<Vec<_>>(),
                all.zones.iter().map(|z| &z.label).collect::<Vec<_>>()
            )));
        }
        for (acc, z) in all.zones.iter_mut().zip(s.zones) {
            acc.count += &z.count;
            acc.member_area_km2.extend(z.member_area_km2);
        }
        for (acc, t) in tic.iter_mut().zip(s.tic) {
            acc.slice_mut(ndarray::s![s.members.clone(), .., ..])
                .assign(&t);
        }
        for w in s.warnings {
            match all.warnings.iter_mut().find(|x| x.kind == w.kind) {
                Some(x) => {
                    x.members += w.members;
                    x.varies |= w.varies || x.text != w.text;
                }
                None => all.warnings.push(w),
            }
        }
        if !backends.contains(&s.backend) {
            backends.push(s.backend);
        }
        all.elapsed_s += s.elapsed_s;
        all.members.end = s.members.end;
    }
    let species = scenario
        .species
        .iter()
        .zip(&tic)
        .map(|(sp, t)| {
            let (mean, p90) = mean_and_p90(t);
            SpeciesStatistics {
                name: sp.name.clone(),
                unit: sp.unit.symbol(),
                mean,
                p90,
            }
        })
        .collect();
    Ok(Ensemble {
        spec,
        grid: GridSpec::from_scenario(scenario),
        projection: TransverseMercator::new(scenario.domain.centre),
        model: all.model,
        backend: backends.join("; "),
        members: (0..spec.members).map(|k| spec.member(k)).collect(),
        zones: all.zones,
        species,
        warnings: all
            .warnings
            .iter()
            .map(|w| w.describe(spec.members))
            .collect(),
        elapsed_s: all.elapsed_s,
        shards: n_shards,
    })
}

/// Per cell of `v` [member, y, x]: the mean over members and the 90th percentile (linear
/// between order statistics: position 0.9·(n − 1), Hyndman & Fan type 7).
pub fn mean_and_p90(v: &Array3<f64>) -> (Array2<f64>, Array2<f64>) {
    let (n, ny, nx) = v.dim();
    let mut mean = Array2::zeros((ny, nx));
    let mut p90 = Array2::zeros((ny, nx));
    let mut buf = vec![0.0; n];
    let pos = 0.9 * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let w = pos - lo as f64;
    for j in 0..ny {
        for i in 0..nx {
            for (k, b) in buf.iter_mut().enumerate() {
                *b = v[[k, j, i]];
            }
            mean[[j, i]] = buf.iter().sum::<f64>() / n as f64;
            buf.sort_by(f64::total_cmp);
            let a = buf[lo];
            let b = buf[(lo + 1).min(n - 1)];
            p90[[j, i]] = if w == 0.0 || a == b {
                a
            } else {
                a + w * (b - a)
            };
        }
    }
    (mean, p90)
}

/// One kind of warning that members gave: its first wording, and how many members gave it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MemberWarning {
    kind: String,
    text: String,
    first_member: usize,
    /// The last member counted, so that a member giving two warnings of one kind (a low wind
    /// at two hours) counts once.
    #[serde(default)]
    last_member: usize,
    members: usize,
    /// Whether the members' wordings differ (in their numbers).
    varies: bool,
}

impl MemberWarning {
    /// The warning with how many of `members` gave it ("… (3 of 50 members)").
    pub fn describe(&self, members: usize) -> String {
        let numbers = if self.varies {
            format!(
                "; its numbers are member {}'s, the first to give it",
                self.first_member
            )
        } else {
            String::new()
        };
        format!(
            "{} ({} of {members} members{numbers})",
            self.text, self.members
        )
    }
}

/// A warning with its numbers taken out: the members' warnings of one kind differ only in
/// their numbers (a wind speed, an area, a share, a time), and are counted together (found by
/// review: 36 members' low-wind warnings were 31 lines, most "1 of 200 members"). The digits
/// of a name are kept: a number right after a word, or after a word and a hyphen (AEGL-2,
/// Cs-137, CO2), unless that word follows a digit itself (the T of 2026-07-14T06:00) — found by
/// review: the AEGL-1 and AEGL-2 edge warnings of one member were counted as one kind, "3 of 2
/// members", and the AEGL-2 one was lost.
fn warning_kind(w: &str) -> String {
    let cs: Vec<char> = w.chars().collect();
    let digit = |i: usize| cs.get(i).is_some_and(|c| c.is_ascii_digit());
    let mut out = String::with_capacity(w.len());
    let mut i = 0;
    while i < cs.len() {
        if !digit(i) {
            out.push(cs[i]);
            i += 1;
            continue;
        }
        // The word before the number, past one hyphen.
        let mut b = i;
        if b >= 2 && cs[b - 1] == '-' && cs[b - 2].is_alphabetic() {
            b -= 1;
        }
        let word_end = b;
        while b > 0 && cs[b - 1].is_alphabetic() {
            b -= 1;
        }
        let named = b < word_end && !(b > 0 && cs[b - 1].is_ascii_digit());
        // The number: digits, a decimal point between digits, an exponent.
        let start = i;
        while i < cs.len() {
            if digit(i) || (cs[i] == '.' && digit(i + 1)) {
                i += 1;
            } else if matches!(cs[i], 'e' | 'E')
                && (digit(i + 1) || (matches!(cs.get(i + 1), Some('-' | '+')) && digit(i + 2)))
            {
                i += if digit(i + 1) { 1 } else { 2 };
            } else {
                break;
            }
        }
        if named {
            out.extend(&cs[start..i]);
        } else {
            out.push('#');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_of_one_kind_are_counted_together_whatever_their_numbers() {
        let a = "wind speed 0.8 m/s is below 1 m/s at 2026-07-14T06:00:00Z";
        let b = "wind speed 0.35 m/s is below 1 m/s at 2026-07-14T07:00:00Z";
        assert_eq!(warning_kind(a), warning_kind(b));
        assert_ne!(
            warning_kind(a),
            warning_kind("mixing height 80 m is below 100 m")
        );
        assert_eq!(warning_kind("Cs-137 over 12.5 km²"), "Cs-137 over # km²");
        // Names keep their digits; values, exponents and times do not.
        assert_ne!(
            warning_kind("zone 'Chlorine AEGL-1 60 min' reaches the edge"),
            warning_kind("zone 'Chlorine AEGL-2 60 min' reaches the edge")
        );
        assert_eq!(
            warning_kind("I-131 at 2.5e-7 Bq m-3 and 1E+12 Bq"),
            "I-131 at # Bq m-3 and # Bq"
        );
        assert_eq!(
            warning_kind("at 2026-07-14T06:00:00Z"),
            warning_kind("at 2026-07-15T17:30:00Z")
        );
    }

    #[test]
    fn a_member_giving_two_warnings_of_one_kind_counts_once() {
        let mut w = vec![];
        count_warning(&mut w, "wind speed 0.8 m/s at 06:00", 0);
        count_warning(&mut w, "wind speed 0.3 m/s at 07:00", 0);
        count_warning(&mut w, "wind speed 0.5 m/s at 06:00", 1);
        assert_eq!(w.len(), 1);
        assert!(w[0].describe(2).contains("(2 of 2 members"), "{w:?}");
    }
}
