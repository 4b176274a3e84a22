//! Chemical exposure per cell: peak moving-average concentration at each AEGL duration,
//! time-integrated concentration, and toxic load ∫Cⁿ dt.
//!
//! The model output is a series of interval means C_k over [s_k, e_k]; between output times the
//! concentration is taken as constant (C_k), and zero before the run starts and after it ends.
//! The running mean over a window D, M(t) = (F(t + D) − F(t)) / D with F the cumulative
//! integral, is piecewise linear in t, so its maximum lies where t or t + D is an interval
//! boundary; those 2(N + 1) candidates are evaluated exactly.
//!
//! The toxic load uses the interval means, Σ C_kⁿ (e_k − s_k): for n > 1 this underestimates the
//! load of a fluctuating concentration (Jensen's inequality), by an amount that shrinks with the
//! output interval.
//!
//! ## References
//! - ten Berge, W.F., Zwart, A., Appelman, L.M. (1986) J. Hazard. Mater. 13:301–309 (toxic load).
//! - NRC (2001) *Standing Operating Procedures for Developing AEGLs*, National Academy Press,
//!   §2.7 (time scaling Cⁿ t = k) — the AEGL durations 10 min, 30 min, 1 h, 4 h, 8 h.

/// The cumulative integral of a piecewise-constant series, for running means over any window.
///
/// `bounds_s` holds the N + 1 interval boundaries (ascending), `values` the N interval means.
#[derive(Debug, Clone, Default)]
pub struct RunningMean {
    bounds_s: Vec<f64>,
    values: Vec<f64>,
    cum: Vec<f64>,
}

impl RunningMean {
    /// Prepares the series (reusing this value's buffers).
    pub fn set(&mut self, bounds_s: &[f64], values: &[f64]) {
        debug_assert_eq!(bounds_s.len(), values.len() + 1);
        self.bounds_s.clear();
        self.bounds_s.extend_from_slice(bounds_s);
        self.values.clear();
        self.values.extend_from_slice(values);
        self.cum.clear();
        self.cum.push(0.0);
        for k in 0..values.len() {
            let last = self.cum[k];
            self.cum
                .push(last + values[k] * (bounds_s[k + 1] - bounds_s[k]));
        }
    }

    /// ∫ C dt from the first boundary to `t_s` (zero before, constant after the run), with
    /// `k` a cursor on the interval holding the previous, smaller `t_s` (queries must ascend).
    fn integral_to(&self, t_s: f64, k: &mut usize) -> f64 {
        let b = &self.bounds_s;
        let last = b.len() - 1;
        if t_s <= b[0] {
            return 0.0;
        }
        if t_s >= b[last] {
            return self.cum[last];
        }
        while b[*k + 1] <= t_s {
            *k += 1;
        }
        self.cum[*k] + self.values[*k] * (t_s - b[*k])
    }

    /// Peak running mean over a window of `window_s`.
    ///
    /// The candidate window starts, {b_k} ∪ {b_k − D}, are visited in ascending order by merging
    /// the two sorted lists, so both window edges move forward and the cost is O(N).
    pub fn peak(&self, window_s: f64) -> f64 {
        if self.values.is_empty() || window_s <= 0.0 {
            return self.values.iter().copied().fold(0.0, f64::max);
        }
        let b = &self.bounds_s;
        let (mut i, mut j) = (0, 0); // next b_k and next b_k − D
        let (mut k_start, mut k_end) = (0, 0);
        let mut best = 0.0f64;
        while i < b.len() || j < b.len() {
            let start = if j >= b.len() || (i < b.len() && b[i] <= b[j] - window_s) {
                i += 1;
                b[i - 1]
            } else {
                j += 1;
                b[j - 1] - window_s
            };
            let m = (self.integral_to(start + window_s, &mut k_end)
                - self.integral_to(start, &mut k_start))
                / window_s;
            best = best.max(m);
        }
        best
    }
}

impl RunningMean {
    /// Peak running mean over a window of `window_s` were the last interval's value to hold
    /// after the run's end T (instead of zero): what a release still running at T would give
    /// the windows that overhang T, so that a zone cut short by the run's end can be told from
    /// one that is complete.
    ///
    /// With the series extended by its last value C_N, the mean of a window starting at
    /// s ∈ [T − D, T] is (F(T) − F(s) + C_N·(s + D − T))/D, linear between boundaries; its
    /// maximum is at a boundary b_k in that range, at s = T − D (a window inside the run, one
    /// of [`RunningMean::peak`]'s candidates) or at s = T (C_N itself).
    pub fn peak_held_after(&self, window_s: f64) -> f64 {
        self.peaks(window_s).1
    }

    /// [`RunningMean::peak`] and [`RunningMean::peak_held_after`] together, the second from
    /// the first.
    pub fn peaks(&self, window_s: f64) -> (f64, f64) {
        let peak = self.peak(window_s);
        let Some(&held) = self.values.last() else {
            return (peak, peak);
        };
        if !(held > 0.0 && window_s > 0.0) {
            return (peak, peak);
        }
        let b = &self.bounds_s;
        let last = b.len() - 1;
        let end = b[last];
        let mut best = peak.max(held);
        for k in (0..last).rev().take_while(|&k| b[k] >= end - window_s) {
            let m = (self.cum[last] - self.cum[k] + held * (b[k] + window_s - end)) / window_s;
            best = best.max(m);
        }
        (peak, best)
    }
}

/// Peak running mean over a window of `window_s` of a piecewise-constant series.
///
/// `bounds_s` holds the N + 1 interval boundaries (ascending), `values` the N interval means.
pub fn peak_running_mean(bounds_s: &[f64], values: &[f64], window_s: f64) -> f64 {
    let mut r = RunningMean::default();
    r.set(bounds_s, values);
    r.peak(window_s)
}

/// Time-integrated concentration Σ C_k (e_k − s_k) (concentration × s).
pub fn time_integral(bounds_s: &[f64], values: &[f64]) -> f64 {
    values
        .iter()
        .enumerate()
        .map(|(k, c)| c * (bounds_s[k + 1] - bounds_s[k]))
        .sum()
}

/// Toxic load Σ (C_k / 1 mg m⁻³)ⁿ (e_k − s_k)/60 in (mg m⁻³)ⁿ min, the unit of the probit and
/// AEGL time-scaling literature; `values_kg_m3` in kg m⁻³.
pub fn toxic_load_mg_m3_n_min(bounds_s: &[f64], values_kg_m3: &[f64], n: f64) -> f64 {
    // Integer exponents (most AEGL n values) take powi, several times faster than powf.
    let integer = n.fract() == 0.0 && n.abs() < 64.0;
    values_kg_m3
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0.0)
        .map(|(k, c)| {
            let mg = c * 1e6;
            let p = if integer {
                mg.powi(n as i32)
            } else {
                mg.powf(n)
            };
            p * (bounds_s[k + 1] - bounds_s[k]) / 60.0
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_held_after_the_run_fills_the_windows_that_overhang_its_end() {
        // A steady 7 arriving half-way through a one-hour run: the run's 60-min mean is 3.5,
        // the mean of the hour that starts on arrival 7 were the air to stay.
        let b = [0.0, 900.0, 1800.0, 2700.0, 3600.0];
        let v = [0.0, 0.0, 7.0, 7.0];
        let mut r = RunningMean::default();
        r.set(&b, &v);
        assert!((r.peak(3600.0) - 3.5).abs() < 1e-12);
        assert!((r.peak_held_after(3600.0) - 7.0).abs() < 1e-12);
        // Shorter windows inside the run are unchanged.
        assert!((r.peak_held_after(600.0) - 7.0).abs() < 1e-12);
        // A cloud that passed before the end holds nothing after it.
        let passed = [0.0, 9.0, 4.0, 0.0];
        r.set(&b, &passed);
        assert_eq!(r.peak_held_after(3600.0), r.peak(3600.0));
        // Against brute force on a fine lattice of window starts, the series extended by its
        // last value for a window's length.
        let b = [0.0, 300.0, 700.0, 1500.0, 1600.0, 2400.0];
        let v = [1.0, 6.0, 2.0, 8.0, 3.0];
        r.set(&b, &v);
        for window in [200.0, 600.0, 1000.0, 1800.0, 3000.0] {
            let mut ext_b = b.to_vec();
            ext_b.push(2400.0 + window);
            let mut ext_v = v.to_vec();
            ext_v.push(3.0);
            let mut brute = 0.0f64;
            for n in 0..=24000 {
                let s = -window + n as f64 * (2400.0 + window) / 24000.0;
                let f = |t: f64| -> f64 {
                    (0..ext_v.len())
                        .map(|k| ext_v[k] * (t.min(ext_b[k + 1]) - ext_b[k]).max(0.0))
                        .sum()
                };
                brute = brute.max((f(s + window) - f(s)) / window);
            }
            let got = r.peak_held_after(window);
            assert!(
                got >= brute - 1e-9 && got - brute < 1e-3,
                "{window}: {got} vs {brute}"
            );
        }
    }

    #[test]
    fn window_shorter_than_interval_gives_the_interval_peak() {
        let b = [0.0, 900.0, 1800.0, 2700.0];
        let v = [1.0, 4.0, 2.0];
        assert_eq!(peak_running_mean(&b, &v, 600.0), 4.0);
        // 30 min window: best is [900, 2700] → (4 + 2)/2 = 3.
        assert!((peak_running_mean(&b, &v, 1800.0) - 3.0).abs() < 1e-12);
        // Longer than the run: total / window.
        assert!((peak_running_mean(&b, &v, 8.0 * 3600.0) - 6300.0 / 28800.0).abs() < 1e-12);
    }
}
