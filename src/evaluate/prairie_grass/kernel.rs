//! The crosswind peak of a particle model's arc profile, by kernel density estimation.
//!
//! A particle model's concentration in a small cell is a count of particles, so the largest of
//! the cells along an arc is biased high by counting noise — the more so the fewer particles
//! cross the arc, i.e. the farther downwind (the maximum of a few hundred noisy cells is several
//! standard deviations above their mean). The unbiased way to read a peak from particles is a
//! kernel density estimate (de Haan 1999; Silverman 1986): the crosswind profile, a histogram of
//! the particles that crossed the arc, is smoothed by a Gaussian kernel whose width shrinks as
//! n^(−1/5) with the number n of particles, so the estimate converges to the model's true peak
//! as particles are added, and the smoothing bias stays a few per cent (for a Gaussian profile
//! sampled by n particles, Silverman's bandwidth lowers the peak by (1 + h²/σ²)^(−½): 4 % at
//! n = 300, 1.5 % at n = 3000). Smoothing leaves the crosswind integral unchanged.
//!
//! ## References
//! - Silverman, B.W. (1986) *Density Estimation for Statistics and Data Analysis*, Chapman &
//!   Hall, §3.4.2 eq. (3.31): h = 0.9·min(σ, IQR/1.34)·n^(−1/5).
//! - de Haan, P. (1999) "On the use of density kernels for concentration estimations within
//!   particle and puff dispersion models", Atmos. Environ. 33:2007–2021,
//!   doi:10.1016/S1352-2310(98)00424-5.

/// Silverman's (1986, eq. 3.31) rule-of-thumb bandwidth (m) for the weighted profile `values`
/// sampled `step_m` apart, as the density of `n` particles.
pub fn silverman_bandwidth_m(values: &[f64], step_m: f64, n: f64) -> f64 {
    let total: f64 = values.iter().sum();
    if total <= 0.0 || n < 1.0 {
        return 0.0;
    }
    let position = |k: usize| k as f64 * step_m;
    let mean = values
        .iter()
        .enumerate()
        .map(|(k, v)| v * position(k))
        .sum::<f64>()
        / total;
    let var = values
        .iter()
        .enumerate()
        .map(|(k, v)| v * (position(k) - mean).powi(2))
        .sum::<f64>()
        / total;
    let quantile = |q: f64| {
        let mut cumulative = 0.0;
        for (k, v) in values.iter().enumerate() {
            cumulative += v;
            if cumulative >= q * total {
                return position(k);
            }
        }
        position(values.len() - 1)
    };
    let iqr = quantile(0.75) - quantile(0.25);
    let spread = if iqr > 0.0 {
        var.sqrt().min(iqr / 1.34)
    } else {
        var.sqrt()
    };
    0.9 * spread * n.powf(-0.2)
}

/// The largest value of `values` (samples `step_m` apart) smoothed by a Gaussian kernel of
/// standard deviation `bandwidth_m` (discrete weights normalised to one, so the integral is
/// kept); the plain maximum when the bandwidth is below half a step.
pub fn smoothed_peak(values: &[f64], step_m: f64, bandwidth_m: f64) -> f64 {
    let plain = values.iter().fold(0.0, |m: f64, &v| m.max(v));
    if bandwidth_m.is_nan() || bandwidth_m <= 0.5 * step_m {
        return plain;
    }
    let reach = (4.0 * bandwidth_m / step_m).ceil() as usize;
    let weights: Vec<f64> = (0..=2 * reach)
        .map(|m| {
            let d = (m as f64 - reach as f64) * step_m / bandwidth_m;
            (-0.5 * d * d).exp()
        })
        .collect();
    let norm: f64 = weights.iter().sum();
    (0..values.len())
        .map(|j| {
            weights
                .iter()
                .enumerate()
                .filter_map(|(m, w)| {
                    (j + m)
                        .checked_sub(reach)
                        .and_then(|k| values.get(k))
                        .map(|v| w * v)
                })
                .sum::<f64>()
                / norm
        })
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaussian(sigma_m: f64, step_m: f64) -> Vec<f64> {
        (0..2001)
            .map(|k| {
                let y = (k as f64 - 1000.0) * step_m;
                (-0.5 * (y / sigma_m).powi(2)).exp()
            })
            .collect()
    }

    #[test]
    fn bandwidth_follows_silvermans_rule_for_a_gaussian_profile() {
        // σ = 20 m: IQR/1.34 = 1.349σ/1.34 > σ, so h = 0.9σ·n^(−1/5).
        let p = gaussian(20.0, 0.25);
        let h = silverman_bandwidth_m(&p, 0.25, 1000.0);
        let expected = 0.9 * 20.0 * 1000f64.powf(-0.2);
        assert!((h / expected - 1.0).abs() < 0.01, "{h} vs {expected}");
    }

    #[test]
    fn smoothing_a_gaussian_lowers_its_peak_by_the_convolution_factor() {
        let (sigma, h) = (20.0, 6.0);
        let p = gaussian(sigma, 0.25);
        let peak = smoothed_peak(&p, 0.25, h);
        let expected = (1.0 + (h / sigma).powi(2)).powf(-0.5);
        // Exact but for the kernel's truncation at ±4h (6·10⁻⁵ of its weight).
        assert!((peak / expected - 1.0).abs() < 1e-4, "{peak} vs {expected}");
    }

    #[test]
    fn smoothing_removes_most_of_the_counting_noise_bias_of_the_maximum() {
        // 400 particles drawn from N(0, 20 m) binned in 1 m cells: the largest cell overstates
        // the true peak several-fold; the kernel estimate is within 20 %.
        let mut rng = crate::evaluate::SplitMix64::new(7);
        let n = 400;
        let step = 1.0;
        let mut counts = vec![0.0; 401];
        for _ in 0..n {
            let mut uniform = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            let (u1, u2) = (uniform().max(1e-300), uniform());
            let y = 20.0 * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            let k = (y / step + 200.5).floor();
            if (0.0..401.0).contains(&k) {
                counts[k as usize] += 1.0 / (n as f64 * step);
            }
        }
        let truth = 1.0 / (20.0 * std::f64::consts::TAU.sqrt());
        let plain = counts.iter().fold(0.0, |m: f64, &v| m.max(v));
        let h = silverman_bandwidth_m(&counts, step, n as f64);
        let smooth = smoothed_peak(&counts, step, h);
        assert!(plain > 1.5 * truth, "plain {plain} truth {truth}");
        assert!((smooth / truth - 1.0).abs() < 0.2, "{smooth} vs {truth}");
    }

    #[test]
    fn narrow_bandwidths_and_empty_profiles_leave_the_plain_maximum() {
        let p = [0.0, 1.0, 3.0, 2.0];
        assert_eq!(smoothed_peak(&p, 1.0, 0.4), 3.0);
        assert_eq!(silverman_bandwidth_m(&[0.0; 5], 1.0, 100.0), 0.0);
        assert_eq!(smoothed_peak(&[0.0; 5], 1.0, 2.0), 0.0);
    }
}
