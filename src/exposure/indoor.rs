//! Indoor air: what people who shelter in place breathe while a chemical cloud passes.
//!
//! A closed building exchanges its air with the outdoors at λ air changes per second through
//! leaks and ventilation. Its indoor concentration follows the single-zone mass balance
//!
//! `dC_in/dt = λ (C_out − C_in)`,
//!
//! the model of shelter-in-place assessments and of ALOHA's indoor concentration (Wilson 1987;
//! Chan et al. 2007). From clean air at the start, over an interval of length Δ with outdoor
//! C and indoor C₀ at its start, C_in(t) = C + (C₀ − C)·e^{−λt}, whose mean over the interval
//! is C + (C₀ − C)(1 − e^{−λΔ})/(λΔ): exact for the piecewise-constant outdoor series the
//! models give. After the run the outdoor air is clean and the indoor air clears as e^{−λt}; the
//! series continues over [`TAIL_S`] after the run (the longest AEGL duration) so that what the
//! occupants still breathe counts.
//!
//! Sheltering lowers the peak and the toxic load of a passing cloud, not the dose of one that
//! stays: over all time ∫C_in dt = ∫C_out dt, so the time-integrated concentration indoors
//! equals the outdoor one unless people air the building or leave once the cloud has passed.
//! For a cloud passing in τ ≪ 1/λ the indoor peak is about λ·∫C_out dt.
//!
//! Shelter-in-place guidance ends with that step: once the cloud has passed, open the windows
//! or go outside (Chan et al. 2007 show that when sheltering ends decides much of what it
//! achieves). [`ShelterExit::WhenCloudHasPassed`] models it with hindsight, as an all-clear
//! given from measurements would: the occupants air the building at the first moment the
//! indoor air is dirtier than the outdoor air will ever be again (C_in(t) > max C_out over
//! [t, ∞)), and breathe the outdoor air from then on. Before that moment the building is
//! closed; after it, nothing they breathe is above what they left indoors.
//!
//! ## References
//! - Wilson, D.J. (1987) "Stay indoors or evacuate to avoid exposure to toxic gas?", Emergency
//!   Preparedness Digest 14(1):19–24 — the single-zone model for toxic-gas sheltering.
//! - Chan, W.R., Nazaroff, W.W., Price, P.N., Gadgil, A.J. (2007) "Effectiveness of urban
//!   shelter-in-place—I: Idealized conditions", Atmos. Environ. 41:4962–4976,
//!   doi:10.1016/j.atmosenv.2007.01.050.
//! - Jones, R., Lehr, W., Simecek-Beatty, D., Reynolds, R.M. (2013) *ALOHA 5.4.4: Technical
//!   Documentation*, NOAA Technical Memorandum NOS OR&R 43 — indoor concentration from the
//!   building's air exchange rate.
//! - US EPA (2011) *Exposure Factors Handbook: 2011 Edition*, EPA/600/R-09/052F, ch. 19,
//!   Table 19-1 — residential air exchange rate, central 0.45 h⁻¹, 10th percentile 0.18 h⁻¹
//!   (after Koontz & Rector 1995); recalled, to be checked against the table.

/// When people sheltering in a building end it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShelterExit {
    /// They stay in the closed building (ALOHA's indoor concentration): the indoor air clears
    /// only by air exchange, over the run and [`TAIL_S`] after it.
    #[default]
    Never,
    /// They air the building (or leave it) once the indoor air is dirtier than the outdoor air
    /// will ever be again, and breathe the outdoor air from then on.
    WhenCloudHasPassed,
}

impl ShelterExit {
    /// The scenario's spelling (`[consequence] shelter_exit`).
    pub fn name(self) -> &'static str {
        match self {
            ShelterExit::Never => "never",
            ShelterExit::WhenCloudHasPassed => "when_cloud_has_passed",
        }
    }
}

/// Default air exchange rate (h⁻¹): the US residential central value (see the references).
pub const DEFAULT_AIR_EXCHANGE_PER_H: f64 = 0.45;

/// How long (s) after the run the indoor series continues: 8 h, the longest AEGL duration.
pub const TAIL_S: f64 = 8.0 * 3600.0;

/// Intervals into which [`TAIL_S`] is divided: pieces of [`MAX_PIECE_S`], as in the run.
pub const TAIL_INTERVALS: usize = 96;

/// Longest piece (s) of the indoor series: the outdoor intervals are cut into pieces no longer
/// than this, half the shortest AEGL duration, since the indoor air changes within an interval
/// of constant outdoor air and the running means are taken over piecewise-constant series.
pub const MAX_PIECE_S: f64 = 300.0;

/// (1 − e^{−x})/x, accurate as x → 0 (where it tends to 1).
fn mean_decay(x: f64) -> f64 {
    if x < 1e-8 {
        1.0 - 0.5 * x
    } else {
        -(-x).exp_m1() / x
    }
}

/// The indoor response of one building to any outdoor series on the given boundaries: the
/// pieces and their decay factors, computed once and used for every cell.
#[derive(Debug, Clone, PartialEq)]
pub struct IndoorKernel {
    /// Boundaries of the pieces: the run's intervals, each cut into equal pieces of at most
    /// [`MAX_PIECE_S`], then [`TAIL_INTERVALS`] more over [`TAIL_S`].
    pub bounds_s: Vec<f64>,
    /// Per piece: the outdoor interval it lies in (`None` in the tail), e^{−λΔ} and
    /// (1 − e^{−λΔ})/(λΔ).
    pieces: Vec<(Option<usize>, f64, f64)>,
    /// When the occupants end sheltering.
    exit: ShelterExit,
}

impl IndoorKernel {
    /// The kernel for outdoor interval means over `bounds_s` (N + 1 ascending boundaries) in a
    /// building exchanging its air at `air_exchange_per_s`, sheltered in until `exit`.
    pub fn new(bounds_s: &[f64], air_exchange_per_s: f64, exit: ShelterExit) -> Self {
        let mut out_bounds: Vec<f64> = bounds_s.first().copied().into_iter().collect();
        let mut pieces = vec![];
        let factors = |dt: f64| {
            let x = air_exchange_per_s * dt;
            ((-x).exp(), mean_decay(x))
        };
        for (k, w) in bounds_s.windows(2).enumerate() {
            let (a, b) = (w[0], w[1]);
            let n = ((b - a) / MAX_PIECE_S).ceil().max(1.0) as usize;
            let dt = (b - a) / n as f64;
            let (decay, mean) = factors(dt);
            for p in 1..=n {
                out_bounds.push(if p == n { b } else { a + dt * p as f64 });
                pieces.push((Some(k), decay, mean));
            }
        }
        let end = *bounds_s.last().unwrap_or(&0.0);
        let dt = TAIL_S / TAIL_INTERVALS as f64;
        let (decay, mean) = factors(dt);
        for k in 1..=TAIL_INTERVALS {
            out_bounds.push(end + dt * k as f64);
            pieces.push((None, decay, mean));
        }
        IndoorKernel {
            bounds_s: out_bounds,
            pieces,
            exit,
        }
    }

    /// Fills `out` with the means of what the occupants breathe over the pieces of
    /// [`IndoorKernel::bounds_s`] for the outdoor interval means `outdoor`, from clean indoor
    /// air: the indoor air while they shelter, the outdoor air once they have ended it
    /// ([`ShelterExit`]). `later_max` is scratch space.
    pub fn fill(&self, outdoor: &[f64], out: &mut Vec<f64>, later_max: &mut Vec<f64>) {
        out.clear();
        // The largest outdoor mean from each interval on (0 in the tail, after the run).
        later_max.clear();
        later_max.resize(outdoor.len() + 1, 0.0);
        for k in (0..outdoor.len()).rev() {
            later_max[k] = later_max[k + 1].max(outdoor[k]);
        }
        let mut indoor = 0.0;
        let mut sheltering = true;
        for &(k, decay, mean) in &self.pieces {
            let c_out = k.map_or(0.0, |k| outdoor[k]);
            if sheltering
                && self.exit == ShelterExit::WhenCloudHasPassed
                && indoor > later_max[k.unwrap_or(outdoor.len())]
            {
                sheltering = false;
            }
            if sheltering {
                out.push(c_out + (indoor - c_out) * mean);
                indoor = c_out + (indoor - c_out) * decay;
            } else {
                out.push(c_out);
            }
        }
    }
}

/// The series of what people sheltering until `exit` breathe for `outdoor` (see
/// [`IndoorKernel`]): its piece boundaries into `out_bounds` and means into `out_values`.
pub fn indoor_series(
    bounds_s: &[f64],
    outdoor: &[f64],
    (air_exchange_per_s, exit): (f64, ShelterExit),
    out_bounds: &mut Vec<f64>,
    out_values: &mut Vec<f64>,
) {
    let kernel = IndoorKernel::new(bounds_s, air_exchange_per_s, exit);
    kernel.fill(outdoor, out_values, &mut vec![]);
    *out_bounds = kernel.bounds_s;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposure::chemical::{peak_running_mean, time_integral};

    const PER_H: f64 = 1.0 / 3600.0;

    #[test]
    fn a_steady_outdoor_concentration_is_approached_as_one_minus_e_to_the_minus_lambda_t() {
        // 1 kg/m³ outside for 4 h in 1-h intervals at 0.5 h⁻¹, cut into 5-min pieces: the
        // indoor mean over hour k is 1 − (e^{−0.5(k−1)} − e^{−0.5k})/0.5.
        let b = [0.0, 3600.0, 7200.0, 10800.0, 14400.0];
        let (mut ob, mut ov) = (vec![], vec![]);
        indoor_series(
            &b,
            &[1.0; 4],
            (0.5 * PER_H, ShelterExit::Never),
            &mut ob,
            &mut ov,
        );
        assert_eq!(TAIL_S / TAIL_INTERVALS as f64, MAX_PIECE_S);
        assert_eq!(ob.len(), 1 + 48 + TAIL_INTERVALS);
        assert_eq!(ov.len(), 48 + TAIL_INTERVALS);
        assert!(ob.windows(2).all(|w| w[1] > w[0]) && ob[48] == 14400.0);
        for k in 1..=4 {
            let kf = f64::from(k);
            let exact = 1.0 - ((-0.5 * (kf - 1.0)).exp() - (-0.5 * kf).exp()) / 0.5;
            let hour = &ov[12 * (k as usize - 1)..12 * k as usize];
            let mean = hour.iter().sum::<f64>() / 12.0;
            assert!((mean - exact).abs() < 1e-12, "hour {k}");
        }
        // After the run the indoor air clears from 1 − e^{−2} as e^{−λt}.
        let c_end = 1.0 - (-2.0f64).exp();
        let x: f64 = 0.5 / 12.0; // λ·300 s
        let first_tail = c_end * (1.0 - (-x).exp()) / x;
        assert!((ov[48] - first_tail).abs() < 1e-12);
    }

    #[test]
    fn sheltering_keeps_all_the_mass_but_flattens_a_passing_cloud() {
        // A 10-minute cloud of 1 kg/m³ in 5-minute intervals, then clean air for 2 h.
        let mut b: Vec<f64> = (0..=26).map(|k| 300.0 * f64::from(k)).collect();
        b.push(b[26] + 3600.0);
        let mut out = vec![0.0; 27];
        out[0] = 1.0;
        out[1] = 1.0;
        let (mut ob, mut ov) = (vec![], vec![]);
        for ach in [0.18, 0.45, 2.0] {
            indoor_series(
                &b,
                &out,
                (ach * PER_H, ShelterExit::Never),
                &mut ob,
                &mut ov,
            );
            // Mass balance: ∫C_in dt = ∫C_out dt − C_in(T)/λ, with C_in(T) what is still
            // indoors at the end of the tail.
            let lambda = ach * PER_H;
            let t_end = ob[ob.len() - 1];
            let still_in = (1.0 - (-lambda * 600.0).exp()) * (-lambda * (t_end - 600.0)).exp();
            let tic_in = time_integral(&ob, &ov);
            assert!(
                (tic_in - (600.0 - still_in / lambda)).abs() < 1e-9 * 600.0,
                "{ach}: {tic_in}"
            );
            // The 10-min peak indoors is about λ·∫C_out dt = λ·600 s for a short cloud
            // (exactly 1 − e^{−λ·600 s}, the value reached as the cloud leaves, less the
            // interval averaging).
            let peak10 = peak_running_mean(&ob, &ov, 600.0);
            let reached = 1.0 - (-ach * 600.0 / 3600.0).exp();
            assert!(
                peak10 < reached && peak10 > 0.6 * reached,
                "{ach}: {peak10}"
            );
            // Outdoors the 10-min peak is 1: shelter divides it by 1/reached.
            assert!(peak_running_mean(&b, &out, 600.0) == 1.0);
        }
    }

    #[test]
    fn no_air_exchange_keeps_the_outdoor_air_out() {
        let (mut ob, mut ov) = (vec![], vec![]);
        indoor_series(
            &[0.0, 600.0],
            &[1.0],
            (0.0, ShelterExit::Never),
            &mut ob,
            &mut ov,
        );
        assert!(ov.iter().all(|&v| v == 0.0));
        assert!((mean_decay(1e-10) - 1.0).abs() < 1e-9);
        assert!((mean_decay(1.0) - (1.0 - (-1.0f64).exp())).abs() < 1e-15);
    }
}
