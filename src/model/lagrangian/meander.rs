//! Horizontal meander of the mean wind: the slow swings of the wind direction that neither the
//! weather input (hourly) nor the turbulence profile (Hanna 1982, scaled by u*, or a measured
//! σθ over its own averaging time) carries, and that widen a plume averaged over an output
//! interval — most of all at night, when the turbulence alone leaves a particle plume a
//! quarter of Briggs's class F width at 10 km.
//!
//! The meander is a velocity u_m(t), the same for the whole plume, Gaussian with variance σ_m²
//! and autocorrelation e^(−|Δ|/τ) (NAME's unresolved mesoscale motions: σ_m = 0.5 m/s, τ = 2 h;
//! Webster, Thomson & Maryon 2003, Met Office Turbulence and Diffusion Note 288; Maryon 1998,
//! Atmos. Environ. 32:115). A particle released at r has moved X(t; r) = ∫ᵣ^{r+t} u_m by age t,
//! whose variance is Taylor's D(t) = 2σ_m²τ²(t/τ − 1 + e^(−t/τ)). A plume averaged over a
//! window T spreads about its own centroid by s_f²(t; T) = D(t) − Var(X̄), X̄ the window's mean
//! of X (Pasquill & Smith 1983, §4.3: the meanders slower than the window only move the
//! averaged plume; the faster ones widen it):
//!
//! Var(X̄) = (2/T²)·∫₀ᵀ (T − d)·½[D(d + t) + D(|d − t|) − 2D(d)] dd.
//!
//! The spread the particles miss is the band between the longest meander the turbulence
//! already holds and the averaging time T_a of the exposure: s² = s_f²(t; T_a) − s_f²(t; T_s),
//! with T_s the averaging time of a measured σθ (the σθ holds everything faster; the
//! scenario's `sigma_theta_averaging_s`) and 0 without one. It is 0 when T_s ≥ T_a: Prairie
//! Grass's 10-minute σθ against its 10-minute samples. T_a is the output interval, or the
//! release's length where that is shorter ([`release_stretch_s`]), unless the scenario gives
//! its own (`[model] meander_averaging_s`).
//!
//! One tally has one averaging time, and the interval means are not what someone downwind
//! breathes: a mean over the release holds the swings within the release, which the means
//! of shorter intervals do not, so exposures summed from them come out narrower and higher on
//! a night plume's centreline the shorter the interval (the rail car's AEGL-3 zone reached
//! 21.9 km with one-minute output and 13.9 km with quarter-hour output, 7.4 km averaged over
//! its release). Where the exposure's averaging time T_e is longer than T_a, the run
//! therefore keeps a second tally ([`MeanderConfig::exposure`]): the same particles imaged
//! with the spread for T_e, from which the exposures, running means, doses, zones and
//! deposits are taken (`SpeciesFields::exposure_concentration`), while the interval maps keep
//! T_a. T_e is the release's length, or the AEGL duration the zones judge where that is
//! shorter (a running mean over it holds the swings within it), never below the interval.
//!
//! The meander is a rigid displacement of the whole plume, so no particle's path changes: each
//! particle is *tallied* at its position offset by (ξx, ξy)·s(age), ξ two standard normals of
//! its own counter-based stream ([`MEANDER_BLOCK`]), fixed for its life. The offset ensemble
//! has the variance s² about each particle's position, the plume's crosswind (and along-wind)
//! variance grows to σ_turb² + s², and nothing about the particle — height, deposition share,
//! budget — changes. The tally drops an image that falls off the grid; a particle's exit
//! from the domain still follows its own position.
//!
//! s(age) is tabulated once per run in f64 ([`MeanderTable`], nodes uniform in ln age) and
//! read by linear interpolation with the exact `ln_poly` twin, so the CPU and GPU read the
//! same numbers (twins: `meander_spread` and `meander_normals` in shaders/meander.wgsl).

use crate::rng::{ln_poly, StreamKey};

/// Draw block of a particle's meander normals: counter (id, 0, member, 3), used once per
/// particle (blocks 0–2: the sub-steps, the first velocity, the release spread).
pub const MEANDER_BLOCK: u32 = 3;

/// Nodes of the table: at ages e^(k/inv_dln) s, k = 0…64, from 1 s to the run's length
/// (interpolation error in s ≤ 0.45 % for a 2-day run, ≤ 0.6 % for 10 days).
pub const MEANDER_NODES: usize = 65;

/// NAME's σ_m of unresolved mesoscale motions (m/s) and their time scale τ (s).
pub const DEFAULT_MEANDER_SIGMA_M_S: f64 = 0.5;
pub const DEFAULT_MEANDER_TIME_SCALE_S: f64 = 7200.0;

/// The averaging time (s) taken for a measured σθ unless a scenario gives its own
/// (`sigma_theta_averaging_s`): 10 minutes, Prairie Grass's and the shortest record in common
/// use (a σθ over a longer record already holds part of the band the meander then adds).
pub const SIGMA_THETA_AVERAGING_S: f64 = 600.0;

/// The longest stretch of continuous release (s): sources whose `[start, end]` spans overlap
/// or touch merge into one, cut to the run's `[0, run_s]`.
///
/// A point downwind is exposed for as long as the release lasts: only the swings of the wind
/// within that time sweep the plume across it, the slower ones move the whole plume (the
/// module's s_f²(t; T), T the release's length). A mean over an interval longer than the
/// release therefore holds the release's swings, not the interval's; an instantaneous
/// release none (the meander moves a puff whole: relative, not absolute, dispersion).
pub fn release_stretch_s(spans_s: impl IntoIterator<Item = (f64, f64)>, run_s: f64) -> f64 {
    let mut spans: Vec<(f64, f64)> = spans_s
        .into_iter()
        .map(|(a, b)| (a.max(0.0), b.min(run_s)))
        .filter(|(a, b)| b > a)
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut longest = 0.0f64;
    let mut current: Option<(f64, f64)> = None;
    for (a, b) in spans {
        current = match current {
            Some((s, e)) if a <= e => Some((s, e.max(b))),
            Some((s, e)) => {
                longest = longest.max(e - s);
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    current.map_or(longest, |(s, e)| longest.max(e - s))
}

/// The meander of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanderConfig {
    /// σ_m (m/s); 0 turns the meander off.
    pub sigma_m_s: f64,
    /// τ (s).
    pub time_scale_s: f64,
    /// The averaging time T_a (s) the tallied concentrations stand for: by default the output
    /// interval or the release's length ([`release_stretch_s`]), the shorter.
    pub averaging_s: f64,
    /// T_s (s): the averaging time of a measured σθ that the turbulence holds, 0 without one.
    pub resolved_s: f64,
    /// T_e (s): the averaging time of the exposures, doses, zones and deposits — the release's
    /// length, or the AEGL duration the zones judge where that is shorter. Where it is longer
    /// than T_a the run keeps a second tally at images spread for T_e
    /// ([`MeanderConfig::exposure`]); equal to T_a (or shorter) keeps one.
    pub exposure_averaging_s: f64,
}

impl MeanderConfig {
    /// No meander (the library default: the particles' turbulence alone).
    pub const OFF: MeanderConfig = MeanderConfig {
        sigma_m_s: 0.0,
        time_scale_s: DEFAULT_MEANDER_TIME_SCALE_S,
        averaging_s: 0.0,
        resolved_s: 0.0,
        exposure_averaging_s: 0.0,
    };

    /// Whether any spread is added: σ_m > 0, τ > 0 and T_s < T_a.
    pub fn is_on(&self) -> bool {
        self.sigma_m_s > 0.0 && self.time_scale_s > 0.0 && self.resolved_s < self.averaging_s
    }

    /// The meander of the exposure tally, averaged over T_e: `Some` where it spreads more
    /// than the interval's (T_e > T_a and T_s < T_e), `None` where the interval means serve
    /// the exposures too.
    pub fn exposure(&self) -> Option<MeanderConfig> {
        let e = MeanderConfig {
            averaging_s: self.exposure_averaging_s,
            ..*self
        };
        (self.exposure_averaging_s > self.averaging_s && e.is_on()).then_some(e)
    }
}

/// Taylor's displacement variance of the meander over a time |t| (m²):
/// D(t) = 2σ²τ²(x − 1 + e^(−x)), x = |t|/τ, by its series below x = 10⁻³ (the closed form
/// cancels there).
fn displacement_variance_m2(t_s: f64, sigma_m_s: f64, tau_s: f64) -> f64 {
    let x = t_s.abs() / tau_s;
    let shape = if x < 1e-3 {
        x * x * (0.5 - x * (1.0 / 6.0 - x / 24.0))
    } else {
        x - 1.0 + (-x).exp()
    };
    2.0 * sigma_m_s * sigma_m_s * tau_s * tau_s * shape
}

/// Intervals of the Simpson rule for Var(X̄): the integrand is smooth but for a jump in its
/// third derivative at d = t, so the rule converges as h⁴ (checked against the small-age
/// limit in the tests).
const SIMPSON_INTERVALS: usize = 4096;

/// Var(X̄) of the window-T mean of the displacement at age t (m²; the module's equation), and
/// D(t) for T = 0 (no averaging).
fn window_mean_variance_m2(t_s: f64, window_s: f64, sigma_m_s: f64, tau_s: f64) -> f64 {
    let d = |u: f64| displacement_variance_m2(u, sigma_m_s, tau_s);
    if window_s <= 0.0 {
        return d(t_s);
    }
    let h = window_s / SIMPSON_INTERVALS as f64;
    let f = |u: f64| (window_s - u) * 0.5 * (d(u + t_s) + d(u - t_s) - 2.0 * d(u));
    let mut sum = f(0.0) + f(window_s);
    for k in 1..SIMPSON_INTERVALS {
        sum += if k % 2 == 1 { 4.0 } else { 2.0 } * f(k as f64 * h);
    }
    2.0 / (window_s * window_s) * sum * h / 3.0
}

/// The meander's spread s(t) (m) at age `t_s` that the tally adds: √(s_f²(t; T_a) −
/// s_f²(t; T_s)) = √(Var(X̄_{T_s}) − Var(X̄_{T_a})) (the module's equations).
pub fn meander_spread_m(cfg: &MeanderConfig, t_s: f64) -> f64 {
    if !cfg.is_on() || t_s <= 0.0 {
        return 0.0;
    }
    let (sigma, tau) = (cfg.sigma_m_s, cfg.time_scale_s);
    let v_s = window_mean_variance_m2(t_s, cfg.resolved_s, sigma, tau);
    let v_a = window_mean_variance_m2(t_s, cfg.averaging_s, sigma, tau);
    (v_s - v_a).max(0.0).sqrt()
}

/// s(age) of a run at [`MEANDER_NODES`] ages uniform in ln age from 1 s to the longest age;
/// the layout the GPU uniform carries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanderTable {
    /// s (m) at age e^(k / inv_dln) s.
    pub spread_m: [f32; MEANDER_NODES],
    /// Nodes per unit of ln age.
    pub inv_dln: f32,
}

impl MeanderTable {
    /// The table of `cfg` for ages up to `longest_age_s`; `None` when the meander is off.
    pub fn new(cfg: &MeanderConfig, longest_age_s: f64) -> Option<MeanderTable> {
        if !cfg.is_on() {
            return None;
        }
        let ln_max = longest_age_s.max(2.0).ln();
        let inv_dln = (MEANDER_NODES - 1) as f64 / ln_max;
        let mut spread_m = [0.0f32; MEANDER_NODES];
        for (k, s) in spread_m.iter_mut().enumerate() {
            *s = meander_spread_m(cfg, (k as f64 / inv_dln).exp()) as f32;
        }
        Some(MeanderTable {
            spread_m,
            inv_dln: inv_dln as f32,
        })
    }

    /// s (m) at `age_s`: linear in ln age between nodes, s(1 s)·age below 1 s (s ∝ t for
    /// t ≪ τ), the last node's value beyond the table.
    #[inline]
    pub fn spread_at_m(&self, age_s: f32) -> f32 {
        if age_s <= 0.0 {
            return 0.0;
        }
        if age_s < 1.0 {
            return self.spread_m[0] * age_s;
        }
        let k = ln_poly(age_s) * self.inv_dln;
        let last = (MEANDER_NODES - 1) as f32;
        if k >= last {
            return self.spread_m[MEANDER_NODES - 1];
        }
        let i = k as usize;
        let w = k - i as f32;
        self.spread_m[i] + w * (self.spread_m[i + 1] - self.spread_m[i])
    }
}

/// The two standard normals (ξx, ξy) that place particle `id`'s tally image.
#[inline]
pub fn meander_normals(key: StreamKey, id: u32) -> [f32; 2] {
    let xi = key.normals4(id, 0, MEANDER_BLOCK);
    [xi[0], xi[1]]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(averaging_s: f64, resolved_s: f64) -> MeanderConfig {
        MeanderConfig {
            sigma_m_s: DEFAULT_MEANDER_SIGMA_M_S,
            time_scale_s: DEFAULT_MEANDER_TIME_SCALE_S,
            averaging_s,
            resolved_s,
            exposure_averaging_s: averaging_s,
        }
    }

    /// Pasquill & Smith's share of an OU variance inside a record T long:
    /// F(T) = 1 − 2(τ/T)²(T/τ − 1 + e^(−T/τ)).
    fn share_inside(window_s: f64, tau_s: f64) -> f64 {
        let x = window_s / tau_s;
        1.0 - 2.0 / (x * x) * (x - 1.0 + (-x).exp())
    }

    #[test]
    fn young_particles_spread_at_the_band_passed_velocity_variance() {
        // For t ≪ T_s, T_a the displacement is u_m·t with u_m's variance inside the band:
        // s² → σ_m²·[F(T_a) − F(T_s)]·t², an independent closed form.
        for (ta, ts) in [(600.0, 0.0), (3600.0, 600.0), (900.0, 600.0)] {
            let cfg = name(ta, ts);
            let t = 5.0;
            let band = share_inside(ta, 7200.0)
                - if ts > 0.0 {
                    share_inside(ts, 7200.0)
                } else {
                    0.0
                };
            let expected = 0.5 * band.sqrt() * t;
            let got = meander_spread_m(&cfg, t);
            assert!(
                (got / expected - 1.0).abs() < 0.01,
                "T_a {ta}, T_s {ts}: s(5 s) {got} m, σ_m·√ΔF·t {expected} m"
            );
        }
    }

    #[test]
    fn old_particles_spread_as_the_whole_window_meander() {
        // The window's spread is the part of D(t) its mean does not hold: below √D, and for
        // t ≫ τ the two ends' spread over the window (≈ 2·σ_m²T_a²/12 for T_a ≪ τ).
        let cfg = name(600.0, 0.0);
        for t in [3600.0, 36_000.0, 172_800.0] {
            let s = meander_spread_m(&cfg, t);
            let full = displacement_variance_m2(t, 0.5, 7200.0).sqrt();
            assert!(s < full, "s {s} m must stay below √D {full} m");
            assert!(s > 0.0);
        }
        let far = meander_spread_m(&cfg, 172_800.0);
        let ends = (2.0 * 0.25 * 600.0f64.powi(2) / 12.0).sqrt();
        assert!(
            (far / ends - 1.0).abs() < 0.1,
            "s(2 d) {far} m, ends' {ends} m"
        );
        // Design check (a separate numpy integration, session 33): 31 / 64 / 91 m at
        // 600 / 2500 / 6000 s for NAME's set with T_a = 10 min.
        for (t, want) in [(600.0, 31.0), (2500.0, 64.0), (6000.0, 91.0)] {
            let s = meander_spread_m(&cfg, t);
            assert!(
                (s - want).abs() < 1.0,
                "s({t} s) = {s} m, expected {want} m"
            );
        }
    }

    #[test]
    fn the_band_is_empty_when_the_turbulence_holds_the_averaging_time() {
        assert!(!name(600.0, 600.0).is_on());
        assert!(!name(600.0, 900.0).is_on());
        assert!(MeanderTable::new(&name(600.0, 600.0), 3600.0).is_none());
        assert!(MeanderTable::new(&MeanderConfig::OFF, 3600.0).is_none());
        assert_eq!(meander_spread_m(&name(600.0, 600.0), 1000.0), 0.0);
        // A longer averaging time spreads more; a measured σθ takes its share away.
        let t = 1800.0;
        let (s10, s60) = (
            meander_spread_m(&name(600.0, 0.0), t),
            meander_spread_m(&name(3600.0, 0.0), t),
        );
        let s60_measured = meander_spread_m(&name(3600.0, 600.0), t);
        assert!(
            s10 < s60 && s60_measured < s60,
            "{s10} {s60} {s60_measured}"
        );
    }

    #[test]
    fn an_exposure_tally_is_kept_only_where_it_spreads_more_than_the_intervals() {
        let over_the_hour = |cfg: MeanderConfig| MeanderConfig {
            exposure_averaging_s: 3600.0,
            ..cfg
        };
        let e = over_the_hour(name(900.0, 0.0)).exposure().expect("kept");
        assert_eq!((e.averaging_s, e.resolved_s), (3600.0, 0.0));
        assert!(name(900.0, 0.0).exposure().is_none());
        // A σθ over the interval leaves the interval maps nothing to add, and the exposures
        // the swings between the interval and the hour; a σθ over the hour leaves neither.
        let held = over_the_hour(name(900.0, 900.0));
        assert!(!held.is_on() && held.exposure().is_some());
        assert!(over_the_hour(name(900.0, 3600.0)).exposure().is_none());
        assert!(over_the_hour(MeanderConfig::OFF).exposure().is_none());
    }

    #[test]
    fn the_table_reads_the_exact_spread_within_half_a_percent() {
        let cfg = name(900.0, 0.0);
        let table = MeanderTable::new(&cfg, 48.0 * 3600.0).unwrap();
        assert_eq!(table.spread_at_m(0.0), 0.0);
        for age in [
            0.5f32, 1.0, 3.7, 42.0, 600.0, 901.0, 7000.0, 86_400.0, 172_000.0,
        ] {
            let exact = meander_spread_m(&cfg, f64::from(age));
            let got = f64::from(table.spread_at_m(age));
            assert!(
                (got / exact - 1.0).abs() < 0.005,
                "age {age} s: table {got} m, exact {exact} m"
            );
        }
        // Beyond the table the last node holds.
        assert_eq!(table.spread_at_m(1e7), table.spread_m[MEANDER_NODES - 1]);
    }

    #[test]
    fn the_exposure_lasts_the_longest_stretch_of_continuous_release() {
        // One source: its duration, cut to the run.
        assert_eq!(release_stretch_s([(0.0, 1800.0)], 7200.0), 1800.0);
        assert_eq!(release_stretch_s([(600.0, 9000.0)], 7200.0), 6600.0);
        // Phases back to back or overlapping are one release; a gap splits them.
        let phases = [(0.0, 600.0), (600.0, 1500.0), (1200.0, 2400.0)];
        assert_eq!(release_stretch_s(phases, 7200.0), 2400.0);
        let apart = [(3600.0, 4200.0), (0.0, 900.0), (900.0, 1200.0)];
        assert_eq!(release_stretch_s(apart, 7200.0), 1200.0);
        // An instantaneous release, or one after the run, holds no swing.
        assert_eq!(release_stretch_s([(100.0, 100.0)], 7200.0), 0.0);
        assert_eq!(release_stretch_s([(8000.0, 9000.0)], 7200.0), 0.0);
        assert!(!name(0.0, 0.0).is_on());
    }

    #[test]
    fn each_particle_has_its_own_fixed_normals() {
        let key = StreamKey { seed: 5, member: 0 };
        let n = 20_000u32;
        let (mut sum, mut sum2) = ([0.0f64; 2], [0.0f64; 2]);
        for id in 0..n {
            let xi = meander_normals(key, id);
            assert_eq!(xi, meander_normals(key, id));
            for k in 0..2 {
                sum[k] += f64::from(xi[k]);
                sum2[k] += f64::from(xi[k]).powi(2);
            }
        }
        for k in 0..2 {
            let mean = sum[k] / f64::from(n);
            let var = sum2[k] / f64::from(n) - mean * mean;
            assert!(
                mean.abs() < 0.03 && (var - 1.0).abs() < 0.04,
                "{mean} {var}"
            );
        }
        let other = StreamKey { seed: 5, member: 1 };
        assert_ne!(meander_normals(key, 7), meander_normals(other, 7));
    }
}
