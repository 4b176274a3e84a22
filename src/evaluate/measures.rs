//! Performance measures of a model against paired observations.
//!
//! Chang & Hanna (2004) measures, with Co the observed and Cp the predicted (modelled) value of
//! each pair, an overbar the mean over pairs, and σ a standard deviation:
//!
//! | measure | formula | perfect |
//! |---|---|---|
//! | FB   | (C̄o − C̄p) / (0.5 (C̄o + C̄p)) | 0 |
//! | NMSE | mean((Co − Cp)²) / (C̄o C̄p) | 0 |
//! | MG   | exp(mean(ln Co) − mean(ln Cp)) | 1 |
//! | VG   | exp(mean((ln Co − ln Cp)²)) | 1 |
//! | FAC2 | fraction of pairs with 0.5 ≤ Cp/Co ≤ 2 | 1 |
//! | R    | mean((Co − C̄o)(Cp − C̄p)) / (σo σp) | 1 |
//! | NAD  | mean(abs(Co − Cp)) / (C̄o + C̄p) | 0 |
//!
//! A positive FB (MG > 1) is an under-prediction. MG and VG are dominated by the smallest values,
//! so, as Chang & Hanna (2004, §3.1) recommend, both Co and Cp are raised to a lower bound (the
//! *threshold*, a detection limit) before taking logarithms. The same threshold decides FAC2 for
//! pairs in which a value is zero: a pair with both values at or below the threshold counts as
//! within a factor of two (Hanna & Chang 2012), one with only one of them below does not.
//!
//! The DATEM measures (Draxler 2006, the HYSPLIT Data Archive of Tracer Experiments and
//! Meteorology statistics; FMS after Mosca et al. 1998) use the same threshold:
//!
//! | measure | formula | perfect |
//! |---|---|---|
//! | FMS  | 100 · N(Co > t and Cp > t) / N(Co > t or Cp > t) | 100 |
//! | KS   | 100 · max over c of abs(Fo(c) − Fp(c)), F the empirical cumulative distributions | 0 |
//! | RANK | R² + (1 − abs(FB)/2) + FMS/100 + (1 − KS/100) | 4 |
//!
//! ## References
//! - Chang, J.C., Hanna, S.R. (2004): Air quality model performance evaluation. *Meteorol. Atmos.
//!   Phys.* 87, 167–196. doi:10.1007/s00703-003-0070-7
//! - Hanna, S.R., Chang, J.C. (2012): Acceptance criteria for urban dispersion model evaluation.
//!   *Meteorol. Atmos. Phys.* 116, 133–146. doi:10.1007/s00703-011-0177-1
//! - Draxler, R.R. (2006): The use of global and mesoscale meteorological model data to predict the
//!   transport and dispersion of tracer plumes over Washington, D.C. *Weather Forecast.* 21,
//!   383–394. doi:10.1175/WAF926.1 (the DATEM statistics, section 3)
//! - Mosca, S., Graziani, G., Klug, W., Bellasio, R., Bianconi, R. (1998): A statistical
//!   methodology for the evaluation of long-range dispersion models: an application to the ETEX
//!   exercise. *Atmos. Environ.* 32, 4307–4324. doi:10.1016/S1352-2310(98)00179-6

use serde::Serialize;

use super::EvaluateError;

/// The acceptance ranges of Chang & Hanna (2004, §5) for a "good" research-grade model.
pub mod criteria {
    /// Largest acceptable abs(FB).
    pub const FB_ABS_MAX: f64 = 0.3;
    /// Acceptable MG range.
    pub const MG_RANGE: (f64, f64) = (0.7, 1.3);
    /// Largest acceptable NMSE.
    pub const NMSE_MAX: f64 = 1.5;
    /// Largest acceptable VG.
    pub const VG_MAX: f64 = 4.0;
    /// Smallest acceptable FAC2.
    pub const FAC2_MIN: f64 = 0.5;
}

/// Every measure for one set of pairs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Measures {
    /// Number of pairs.
    pub n: usize,
    /// Mean observed value.
    pub mean_observed: f64,
    /// Mean modelled value.
    pub mean_modelled: f64,
    /// Fractional bias.
    pub fb: f64,
    /// Normalised mean square error.
    pub nmse: f64,
    /// Geometric mean bias.
    pub mg: f64,
    /// Geometric variance.
    pub vg: f64,
    /// Fraction within a factor of two.
    pub fac2: f64,
    /// Pearson correlation coefficient (NaN when either side has no variance).
    pub r: f64,
    /// Normalised absolute difference.
    pub nad: f64,
    /// DATEM figure of merit in space (%).
    pub fms: f64,
    /// DATEM Kolmogorov–Smirnov parameter (%).
    pub ks: f64,
    /// DATEM rank, 0–4 (R² taken as 0 when R is undefined).
    pub rank: f64,
}

impl Measures {
    /// True when the five Chang & Hanna (2004) criteria hold.
    pub fn meets_criteria(&self) -> bool {
        use criteria::*;
        self.fb.abs() <= FB_ABS_MAX
            && self.mg >= MG_RANGE.0
            && self.mg <= MG_RANGE.1
            && self.nmse <= NMSE_MAX
            && self.vg <= VG_MAX
            && self.fac2 >= FAC2_MIN
    }

    /// Returns a measure by its lower-case name (`fb`, `nmse`, `mg`, `vg`, `fac2`, `r`, `nad`,
    /// `fms`, `ks`, `rank`).
    pub fn get(&self, name: &str) -> Option<f64> {
        Some(match name {
            "fb" => self.fb,
            "nmse" => self.nmse,
            "mg" => self.mg,
            "vg" => self.vg,
            "fac2" => self.fac2,
            "r" => self.r,
            "nad" => self.nad,
            "fms" => self.fms,
            "ks" => self.ks,
            "rank" => self.rank,
            _ => return None,
        })
    }

    /// The measure names, in report order.
    pub const NAMES: [&'static str; 10] = [
        "fb", "nmse", "mg", "vg", "fac2", "r", "nad", "fms", "ks", "rank",
    ];
}

/// Computes every measure for paired `observed` and `modelled` values.
///
/// `threshold` is the lower bound applied before the logarithms of MG and VG and the detection
/// limit of FAC2 for zero pairs, FMS and nothing else; it must be positive and finite. Values
/// must be finite and non-negative, both slices of equal, non-zero length, and not both means
/// zero. A model that is zero everywhere scores FB = 2 (an observed mean of zero, −2) and NMSE
/// = ∞: the worst scores, not a refusal. Values below `threshold` are non-detects; a value equal
/// to it (by default the smallest detection) is a detection.
pub fn compute(
    observed: &[f64],
    modelled: &[f64],
    threshold: f64,
) -> Result<Measures, EvaluateError> {
    if observed.len() != modelled.len() {
        return Err(EvaluateError::Invalid(format!(
            "{} observed values but {} modelled values",
            observed.len(),
            modelled.len()
        )));
    }
    if observed.is_empty() {
        return Err(EvaluateError::Invalid("no pairs to evaluate".into()));
    }
    if !(threshold.is_finite() && threshold > 0.0) {
        return Err(EvaluateError::Invalid(format!(
            "threshold {threshold} must be positive and finite"
        )));
    }
    for (i, (&o, &p)) in observed.iter().zip(modelled).enumerate() {
        if !(o.is_finite() && o >= 0.0 && p.is_finite() && p >= 0.0) {
            return Err(EvaluateError::Invalid(format!(
                "pair {i}: observed {o}, modelled {p}; values must be finite and non-negative"
            )));
        }
    }
    // Values near the ends of the f64 range (1e308) would overflow the sums and squares
    // (found by review: NaN scores); every measure is unchanged by scaling the values and the
    // threshold together, so such data are scored scaled by a power of two, which is exact.
    let largest = observed
        .iter()
        .chain(modelled)
        .fold(0.0f64, |a, &b| a.max(b));
    if largest > 1e150 || (largest > 0.0 && largest < 1e-150) {
        let scale = 2f64.powi(largest.log2().floor() as i32);
        let scaled = |v: &[f64]| v.iter().map(|x| x / scale).collect::<Vec<f64>>();
        // A threshold that falls out of the range with them is held at its end.
        let threshold = (threshold / scale).clamp(f64::MIN_POSITIVE, f64::MAX);
        let mut m = compute(&scaled(observed), &scaled(modelled), threshold)?;
        m.mean_observed *= scale;
        m.mean_modelled *= scale;
        return Ok(m);
    }
    let n = observed.len() as f64;
    let mo = observed.iter().sum::<f64>() / n;
    let mp = modelled.iter().sum::<f64>() / n;
    if mo <= 0.0 && mp <= 0.0 {
        return Err(EvaluateError::Invalid(format!(
            "mean observed {mo} and mean modelled {mp}: at least one must be positive"
        )));
    }
    let pairs = || observed.iter().copied().zip(modelled.iter().copied());

    let fb = (mo - mp) / (0.5 * (mo + mp));
    // Σ(o − p)²/(n·C̄o·C̄p): +∞ when one mean is zero (and the other, hence a difference, not).
    let nmse = pairs().map(|(o, p)| (o - p).powi(2)).sum::<f64>() / n / (mo * mp);
    let log_diff = |(o, p): (f64, f64)| o.max(threshold).ln() - p.max(threshold).ln();
    let mg = (pairs().map(log_diff).sum::<f64>() / n).exp();
    let vg = (pairs().map(|x| log_diff(x).powi(2)).sum::<f64>() / n).exp();
    let fac2 = pairs()
        .filter(|&(o, p)| within_factor_two(o, p, threshold))
        .count() as f64
        / n;
    let nad = pairs().map(|(o, p)| (o - p).abs()).sum::<f64>() / n / (mo + mp);

    let cov = pairs().map(|(o, p)| (o - mo) * (p - mp)).sum::<f64>() / n;
    let var_o = observed.iter().map(|o| (o - mo).powi(2)).sum::<f64>() / n;
    let var_p = modelled.iter().map(|p| (p - mp).powi(2)).sum::<f64>() / n;
    let r = if var_o > 0.0 && var_p > 0.0 {
        cov / (var_o * var_p).sqrt()
    } else {
        f64::NAN
    };

    let fms = figure_of_merit_in_space(observed, modelled, threshold);
    let ks = kolmogorov_smirnov(observed, modelled);
    let r2 = if r.is_nan() { 0.0 } else { r * r };
    let rank = r2 + (1.0 - fb.abs() / 2.0) + fms / 100.0 + (1.0 - ks / 100.0);

    Ok(Measures {
        n: observed.len(),
        mean_observed: mo,
        mean_modelled: mp,
        fb,
        nmse,
        mg,
        vg,
        fac2,
        r,
        nad,
        fms,
        ks,
        rank,
    })
}

/// True when 0.5 ≤ p/o ≤ 2, or when both values are below `threshold` (both non-detects).
fn within_factor_two(o: f64, p: f64, threshold: f64) -> bool {
    if o < threshold && p < threshold {
        return true;
    }
    if o <= 0.0 || p <= 0.0 {
        return false;
    }
    let ratio = p / o;
    (0.5..=2.0).contains(&ratio)
}

/// FMS (%): the overlap of the pairs where each side reaches `threshold`, over their union;
/// 100 when neither side reaches it anywhere (identical empty footprints).
fn figure_of_merit_in_space(observed: &[f64], modelled: &[f64], threshold: f64) -> f64 {
    let mut both = 0usize;
    let mut either = 0usize;
    for (&o, &p) in observed.iter().zip(modelled) {
        let (so, sp) = (o >= threshold, p >= threshold);
        both += usize::from(so && sp);
        either += usize::from(so || sp);
    }
    if either == 0 {
        100.0
    } else {
        100.0 * both as f64 / either as f64
    }
}

/// KS (%): the largest distance between the empirical cumulative distributions of the two samples
/// (unpaired), evaluated at every value either sample takes.
fn kolmogorov_smirnov(observed: &[f64], modelled: &[f64]) -> f64 {
    let mut o = observed.to_vec();
    let mut p = modelled.to_vec();
    o.sort_by(f64::total_cmp);
    p.sort_by(f64::total_cmp);
    let (no, np) = (o.len() as f64, p.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let mut d_max: f64 = 0.0;
    while i < o.len() || j < p.len() {
        // Step past every copy of the next smallest value on both sides, then compare the CDFs.
        let next = match (o.get(i), p.get(j)) {
            (Some(&a), Some(&b)) => a.min(b),
            (Some(&a), None) => a,
            (None, Some(&b)) => b,
            (None, None) => break,
        };
        while i < o.len() && o[i] <= next {
            i += 1;
        }
        while j < p.len() && p[j] <= next {
            j += 1;
        }
        d_max = d_max.max((i as f64 / no - j as f64 / np).abs());
    }
    100.0 * d_max
}

#[cfg(test)]
mod tests {
    use super::*;

    // Hand-worked example. Co = [1, 2, 4, 8], Cp = [2, 2, 1, 8], threshold 0.5.
    //   C̄o = 15/4 = 3.75, C̄p = 13/4 = 3.25.
    //   FB   = (3.75 − 3.25)/(0.5·7) = 0.5/3.5 = 1/7.
    //   NMSE = ((−1)² + 0 + 3² + 0)/4 / (3.75·3.25) = 2.5/12.1875 = 0.205128…
    //   ln Co − ln Cp = [−ln 2, 0, ln 4, 0] → mean = ln 2/4, MG = 2^(1/4).
    //   squares = [ln²2, 0, 4 ln²2, 0] → mean = 5 ln²2/4, VG = exp(1.25 ln²2).
    //   FAC2: ratios Cp/Co = [2, 1, 0.25, 1] → 3 of 4 = 0.75.
    //   NAD  = (1 + 0 + 3 + 0)/4 / 7 = 1/7.
    //   R: deviations o = [−2.75, −1.75, 0.25, 4.25], p = [−1.25, −1.25, −2.25, 4.75];
    //      Σop = 3.4375 + 2.1875 − 0.5625 + 20.1875 = 25.25; Σo² = 28.75; Σp² = 30.75;
    //      R = 25.25/√(28.75·30.75) = 0.84921…
    //   FMS: every value > 0.5 → 4/4 → 100.
    //   KS: sorted o = [1,2,4,8], p = [1,2,2,8]; CDFs at 1: 1/4 vs 1/4; at 2: 2/4 vs 3/4 (0.25);
    //      at 4: 3/4 vs 3/4; at 8: 1 vs 1 → KS = 25.
    //   RANK = R² + (1 − FB/2) + 1 + 0.75.
    #[test]
    fn chang_hanna_and_datem_measures_match_hand_computation() {
        let m = compute(&[1.0, 2.0, 4.0, 8.0], &[2.0, 2.0, 1.0, 8.0], 0.5).unwrap();
        let ln2 = 2f64.ln();
        assert_eq!(m.n, 4);
        assert!((m.fb - 1.0 / 7.0).abs() < 1e-12);
        assert!((m.nmse - 2.5 / 12.1875).abs() < 1e-12);
        assert!((m.mg - 2f64.powf(0.25)).abs() < 1e-12);
        assert!((m.vg - (1.25 * ln2 * ln2).exp()).abs() < 1e-12);
        assert!((m.fac2 - 0.75).abs() < 1e-12);
        assert!((m.nad - 1.0 / 7.0).abs() < 1e-12);
        let r = 25.25 / (28.75f64 * 30.75).sqrt();
        assert!((m.r - r).abs() < 1e-12);
        assert!((m.fms - 100.0).abs() < 1e-12);
        assert!((m.ks - 25.0).abs() < 1e-12);
        let rank = r * r + (1.0 - 1.0 / 14.0) + 1.0 + 0.75;
        assert!((m.rank - rank).abs() < 1e-12);
    }

    // Threshold handling. Co = [0, 0.1, 3], Cp = [0.05, 0, 6], threshold 0.2.
    //   Logs use max(value, 0.2): ln Co − ln Cp = [0, 0, ln 0.5] → MG = 0.5^(1/3),
    //   VG = exp(ln²2/3).
    //   FAC2: pair 1 and 2 both < 0.2 → in; pair 3 ratio 2 → in: 1.0.
    //   FMS: only pair 3 has both ≥ 0.2 and it is the only one with either → 100.
    //   FB = (3.1/3 − 6.05/3)/(0.5·9.15/3) = −2.95/4.575.
    #[test]
    fn threshold_floors_logs_and_counts_double_non_detects() {
        let m = compute(&[0.0, 0.1, 3.0], &[0.05, 0.0, 6.0], 0.2).unwrap();
        let ln2 = 2f64.ln();
        assert!((m.mg - 0.5f64.powf(1.0 / 3.0)).abs() < 1e-12);
        assert!((m.vg - (ln2 * ln2 / 3.0).exp()).abs() < 1e-12);
        assert!((m.fac2 - 1.0).abs() < 1e-12);
        assert!((m.fms - 100.0).abs() < 1e-12);
        assert!((m.fb - (-2.95 / 4.575)).abs() < 1e-12);
    }

    // FMS and FAC2 with a miss and a false alarm. Co = [1, 0, 2, 4], Cp = [0, 1, 2, 1],
    // threshold 0.5: above-threshold sets {0, 2, 3} and {1, 2, 3} → both {2, 3}, either
    // {0, 1, 2, 3} → FMS = 50. FAC2: pairs 0 and 1 have one side zero → out; pair 2 in;
    // pair 3 ratio 0.25 → out: 0.25.
    #[test]
    fn fms_counts_overlap_of_detections() {
        let m = compute(&[1.0, 0.0, 2.0, 4.0], &[0.0, 1.0, 2.0, 1.0], 0.5).unwrap();
        assert!((m.fms - 50.0).abs() < 1e-12);
        assert!((m.fac2 - 0.25).abs() < 1e-12);
    }

    #[test]
    fn perfect_model_scores_perfectly() {
        let obs = [0.3, 1.0, 7.0, 2.5];
        let m = compute(&obs, &obs, 0.01).unwrap();
        assert_eq!(m.fb, 0.0);
        assert_eq!(m.nmse, 0.0);
        assert!((m.mg - 1.0).abs() < 1e-15 && (m.vg - 1.0).abs() < 1e-15);
        assert_eq!(m.fac2, 1.0);
        assert!((m.r - 1.0).abs() < 1e-12);
        assert!((m.rank - 4.0).abs() < 1e-12);
        assert!(m.meets_criteria());
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(compute(&[], &[], 1.0).is_err());
        assert!(compute(&[1.0], &[1.0, 2.0], 1.0).is_err());
        assert!(compute(&[1.0], &[-1.0], 1.0).is_err());
        assert!(compute(&[f64::NAN], &[1.0], 1.0).is_err());
        assert!(compute(&[1.0], &[1.0], 0.0).is_err());
        assert!(compute(&[0.0], &[0.0], 1.0).is_err());
    }

    #[test]
    fn values_at_the_ends_of_the_range_score_as_the_same_values_scaled() {
        let o = [1.0, 3.0, 0.5, 8.0];
        let p = [2.0, 2.5, 0.25, 9.0];
        let plain = compute(&o, &p, 0.1).unwrap();
        for scale in [1e307, 1e-300] {
            let big = |v: &[f64]| v.iter().map(|x| x * scale).collect::<Vec<f64>>();
            let m = compute(&big(&o), &big(&p), 0.1 * scale).unwrap();
            for name in Measures::NAMES {
                let (a, b) = (m.get(name).unwrap(), plain.get(name).unwrap());
                assert!(
                    (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                    "{name}: {a} vs {b}"
                );
            }
            assert!((m.mean_observed / (plain.mean_observed * scale) - 1.0).abs() < 1e-12);
        }
        // The review's pairs: scores, not NaN.
        let m = compute(&[1e308, 1e308], &[1e308, 1e-308], 1e-308).unwrap();
        assert!(
            m.fb.is_finite() && m.nmse.is_finite() && m.rank.is_finite(),
            "{m:?}"
        );
    }

    #[test]
    fn the_smallest_detection_is_a_detection_and_a_zero_model_scores_worst() {
        // Found by review: with the default threshold (the smallest positive observation) a
        // model of 0 where 1 was measured counted as a hit (both "at or below" it), and a model
        // that is zero everywhere was refused rather than scored.
        let m = compute(&[1.0, 10.0], &[0.0, 10.0], 1.0).unwrap();
        assert_eq!(m.fac2, 0.5);
        assert_eq!(m.fms, 50.0);
        let zero = compute(&[1.0, 2.0], &[0.0, 0.0], 0.1).unwrap();
        assert_eq!(zero.fb, 2.0);
        assert_eq!(zero.fac2, 0.0);
        assert!(zero.nmse.is_infinite());
        assert!(!zero.meets_criteria());
        assert_eq!(compute(&[0.0, 0.0], &[1.0, 2.0], 0.1).unwrap().fb, -2.0);
    }

    #[test]
    fn criteria_reject_a_factor_three_bias() {
        let obs = [1.0, 2.0, 3.0, 4.0];
        let m = compute(&obs, &obs.map(|o| o * 3.0), 0.01).unwrap();
        assert!((m.mg - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(m.fac2, 0.0);
        assert!(!m.meets_criteria());
    }
}
