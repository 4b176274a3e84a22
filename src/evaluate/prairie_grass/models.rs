//! Builds a plume scenario from a Prairie Grass run and evaluates a model on the sampling arcs.
//!
//! Each run becomes an ordinary scenario file (TOML, validated by [`Scenario::parse`]): a
//! sulphur-dioxide source at the run's release height and rate for the 10-minute sampling
//! period, uniform meteorology with the measured wind at 2 m, the run's Obukhov length (the
//! friction velocity then follows from the similarity profile through the 2 m wind; the tabulated
//! u* was derived with κ = 0.35 and would be inconsistent with the model's κ = 0.4), its mixing
//! height where one was observed (else the model's default: Zilitinkevich 1972
//! for stable air), its measured wind-direction fluctuation σθ (which sets the particle model's
//! lateral turbulence; the Briggs curves have their own), its roughness length, and the Gaussian
//! plume with Briggs (1973) open-country dispersion, whose
//! Pasquill–Gifford class the meteorology derives from L (Golder 1972). The Briggs curves
//! describe roughly 10-minute means (Turner 1970), the Prairie Grass sampling time, so no
//! averaging-time correction is applied.
//!
//! The model is then sampled on each arc at the sampler height, every 0.1° of azimuth across
//! ±90° of the plume axis, and reduced exactly as the observations are (trapezoid along the arc
//! for CWIC/Q, maximum for Cmax/Q). The observed plume direction differs from the measured wind
//! direction by up to tens of degrees, so, as is usual for Prairie Grass evaluations, the arc
//! quantities are compared without regard to direction.
//!
//! ## References
//! - Briggs, G.A. (1973): Diffusion estimation for small emissions. ATDL contribution 79,
//!   NOAA/ATDL, Oak Ridge.
//! - Golder, D. (1972): Relations among stability parameters in the surface layer.
//!   *Boundary-Layer Meteorol.* 3, 47–58. doi:10.1007/BF00769106
//! - Turner, D.B. (1970): *Workbook of Atmospheric Dispersion Estimates*. US EPA AP-26.
//! - Zilitinkevich, S.S. (1972): On the determination of the height of the Ekman boundary layer.
//!   *Boundary-Layer Meteorol.* 3, 141–145. doi:10.1007/BF02033914

use std::fmt::Write as _;
use std::path::Path;

use crate::geo::TransverseMercator;
use crate::met::UniformMet;
use crate::model::gaussian::PlumeGeometry;
use crate::scenario::{MetSpec, ModelSpec, Scenario};

use super::data::PgRun;
use crate::evaluate::EvaluateError;

/// The Prairie Grass site near O'Neill, Nebraska (42.49333° N, as in the source data set's
/// model set-up; longitude 98.57° W).
pub const SITE_LAT_DEG: f64 = 42.49333;
/// Site longitude (degrees east).
pub const SITE_LON_DEG: f64 = -98.57;

/// Angular step (degrees) at which a model is sampled along an arc.
const ARC_STEP_DEG: f64 = 0.1;

/// A model the suite can score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuiteModel {
    /// Gaussian plume, Briggs (1973) open-country sigmas, class from L.
    GaussianBriggs,
    /// Lagrangian particle model with `particles` particles, read off a grid of
    /// [`LAGRANGIAN_RESOLUTION_M`] cells in a [`SAMPLED_LAYER_DEPTH_M`] layer centred on the
    /// samplers, each arc's maximum by kernel density estimation ([`super::kernel`]).
    Lagrangian { particles: usize },
}

/// Depth (m) of the output layer centred on the sampler height that gridded models are read
/// from (no deeper than twice the sampler height): a layer mean stands for the point value at
/// its centre to second order in the depth, so it is kept thin against the near-source plume
/// (a few metres deep at 50 m).
pub const SAMPLED_LAYER_DEPTH_M: f64 = 1.0;
/// Cell size (m) of the grid the Lagrangian model is read from: the narrowest observed plume
/// (σy ≈ 2 m at 50 m in very stable air) spans a few cells.
pub const LAGRANGIAN_RESOLUTION_M: f64 = 2.0;
/// Longest Langevin step (s) of the Lagrangian runs: short against the 10-minute sampling, so
/// the particles' first seconds near the 0.46 m source are resolved.
pub const LAGRANGIAN_MAX_TIME_STEP_S: f64 = 2.0;
/// The Lagrangian runs sample the particles onto the grid every Langevin step
/// ([`LAGRANGIAN_MAX_TIME_STEP_S`]) rather than every 300 s: each particle is then seen in every
/// cell it crosses on its way through an arc (the 2 s step moves it ≤ 10 m), not at a few
/// scattered points. They run on the CPU backend, the reference, so the scores are reproducible
/// to the bit whatever GPU the machine has.
pub const LAGRANGIAN_SAMPLING_STEP_S: f64 = LAGRANGIAN_MAX_TIME_STEP_S;
/// Seed of the Lagrangian runs (results are reproducible for it).
pub const LAGRANGIAN_SEED: u64 = 1956;

impl SuiteModel {
    /// Short name used in file names and summary lines.
    pub fn name(self) -> &'static str {
        match self {
            SuiteModel::GaussianBriggs => "gaussian_briggs",
            SuiteModel::Lagrangian { .. } => "lagrangian",
        }
    }

    /// Parses a model name (`gaussian_briggs`, `lagrangian`); the Lagrangian takes `particles`.
    pub fn from_name(name: &str, particles: usize) -> Option<Self> {
        match name.trim() {
            "gaussian_briggs" => Some(SuiteModel::GaussianBriggs),
            "lagrangian" => Some(SuiteModel::Lagrangian { particles }),
            _ => None,
        }
    }
}

/// Modelled arc quantities of one run at one distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArcPrediction {
    /// Crosswind-integrated concentration per unit rate (s m⁻²).
    pub cwic_over_q_s_m2: f64,
    /// Arc-maximum concentration per unit rate (s m⁻³).
    pub max_over_q_s_m3: f64,
}

/// How the scenario's domain and clock are laid out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Layout {
    /// For models evaluated pointwise: the release and the output interval are the 10-minute
    /// sampling period, on a coarse grid that only has to validate.
    Point,
    /// For gridded models: cells of `resolution_m` covering the arcs downwind of the source
    /// (wind from the west), a release of two sampling periods, and output every sampling
    /// period; the second interval is the steady plume the samplers saw (the travel time to 800 m
    /// is under 400 s at the lightest Prairie Grass wind, 2.08 m/s at 2 m).
    Grid { resolution_m: f64 },
}

/// Downwind reach (m) of the gridded domain past the source: the 800 m arc plus a margin.
pub const GRID_DOWNWIND_M: f64 = 860.0;
/// Crosswind half-width (m) of the gridded domain: ±90° of the 50–400 m arcs and over 3σy of the
/// most unstable Briggs plume at 800 m.
pub const GRID_HALF_WIDTH_M: f64 = 600.0;

/// The scenario file text for a run, model and layout.
pub fn scenario_text(run: &PgRun, model: SuiteModel, layout: Layout) -> String {
    let avg = run.averaging_time_s;
    let (duration_s, extent, resolution, centre_lon) = match layout {
        Layout::Point => (avg, [2000.0, 2000.0], 10.0, SITE_LON_DEG),
        Layout::Grid { resolution_m } => {
            // Centre the domain east of the source so it spans −60 m … GRID_DOWNWIND_M along x.
            let length = GRID_DOWNWIND_M + 60.0;
            let east_shift_m = length / 2.0 - 60.0;
            let m_per_deg_lon = 111_320.0 * SITE_LAT_DEG.to_radians().cos();
            (
                2.0 * avg,
                [length, 2.0 * GRID_HALF_WIDTH_M],
                resolution_m,
                SITE_LON_DEG + east_shift_m / m_per_deg_lon,
            )
        }
    };
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# Project Prairie Grass run {} (Barad 1958), built by `plume evaluate`.",
        run.run
    );
    let _ = writeln!(t, "[scenario]\nname = \"Prairie Grass run {}\"", run.run);
    let _ = writeln!(
        t,
        "start = \"1956-07-01T00:00:00Z\"\nduration_s = {duration_s}"
    );
    let _ = writeln!(
        t,
        "\n[domain]\ncentre = {{ lat = {SITE_LAT_DEG}, lon = {centre_lon} }}"
    );
    let _ = writeln!(
        t,
        "extent_m = [{}, {}]\nresolution_m = {resolution}",
        extent[0], extent[1]
    );
    let _ = writeln!(
        t,
        "layers_m = [[{}, {}]]\noutput_interval_s = {avg}",
        run.sampler_height_m - 0.5 * SAMPLED_LAYER_DEPTH_M.min(2.0 * run.sampler_height_m),
        run.sampler_height_m + 0.5 * SAMPLED_LAYER_DEPTH_M.min(2.0 * run.sampler_height_m)
    );
    let _ = writeln!(t, "\n[[source]]\nname = \"SO2 release\"");
    let _ = writeln!(
        t,
        "location = {{ lat = {SITE_LAT_DEG}, lon = {SITE_LON_DEG} }}"
    );
    let _ = writeln!(
        t,
        "height_m = {}\nstart_s = 0\nduration_s = {duration_s}",
        run.source_height_m
    );
    let _ = writeln!(
        t,
        "release = [{{ substance = \"Sulfur dioxide\", rate_kg_s = {} }}]",
        run.source_rate_g_s / 1000.0
    );
    let _ = writeln!(t, "\n[meteorology]\nkind = \"uniform\"");
    let _ = writeln!(
        t,
        "wind_speed_m_s = {}\nwind_reference_height_m = 2\nwind_from_deg = 270",
        run.wind_speed_2m_m_s
    );
    let _ = writeln!(t, "obukhov_length_m = {}", run.obukhov_length_m);
    let _ = writeln!(t, "roughness_length_m = {}", run.roughness_length_m);
    if let Some(h) = run.mixing_height_m {
        let _ = writeln!(t, "mixing_height_m = {h}");
    }
    if let Some(s) = run.sigma_theta_deg {
        // Each run's σθ is over its own 10-minute sampling period.
        let _ = writeln!(t, "sigma_theta_deg = {s}\nsigma_theta_averaging_s = 600");
    }
    match model {
        SuiteModel::GaussianBriggs => {
            // The baseline is the passive Briggs plume. (A tenth of a kilogram a second of SO₂
            // screens as dense for its first ~30 m, short of the first arc.)
            let _ = writeln!(
                t,
                "\n[model]\nkind = \"gaussian_plume\"\nsigma_scheme = \"briggs\"\nreceptor_height_m = {}\ndense_gas = \"passive\"",
                run.sampler_height_m
            );
        }
        SuiteModel::Lagrangian { particles } => {
            // The samplers' means are over the sampling period, whatever the length of the
            // release that builds the steady plume: the meander they hold is that period's.
            let _ = writeln!(
                t,
                "\n[model]\nkind = \"lagrangian\"\nparticles = {particles}\nseed = {LAGRANGIAN_SEED}\nmax_time_step_s = {LAGRANGIAN_MAX_TIME_STEP_S}\nsampling_step_s = {LAGRANGIAN_SAMPLING_STEP_S}\nmeander_averaging_s = {avg}\nbackend = \"cpu\""
            );
        }
    }
    let _ = writeln!(
        t,
        "\n[output]\ndirectory = \"out/prairie-grass-{}\"",
        run.run
    );
    t
}

/// Builds and validates the scenario of a run.
pub fn scenario(run: &PgRun, model: SuiteModel, layout: Layout) -> Result<Scenario, EvaluateError> {
    let name = format!("prairie-grass-run-{}.toml", run.run);
    Scenario::parse(&scenario_text(run, model, layout), Path::new(&name)).map_err(|e| {
        EvaluateError::Model {
            model: model.name().into(),
            run: run.run.clone(),
            message: e.to_string(),
        }
    })
}

/// Runs `model` for `run` and returns its arc quantities at each of `distances_m`: pointwise for
/// the Gaussian plume, off the output grid for the particle model.
pub fn predict(
    run: &PgRun,
    model: SuiteModel,
    distances_m: &[f64],
) -> Result<Vec<ArcPrediction>, EvaluateError> {
    match model {
        SuiteModel::GaussianBriggs => predict_arcs(run, model, distances_m),
        SuiteModel::Lagrangian { .. } => {
            super::grid::predict_arcs_gridded(run, model, LAGRANGIAN_RESOLUTION_M, distances_m)
        }
    }
}

/// Evaluates a pointwise model for `run` and returns its arc quantities at each of `distances_m`.
pub fn predict_arcs(
    run: &PgRun,
    model: SuiteModel,
    distances_m: &[f64],
) -> Result<Vec<ArcPrediction>, EvaluateError> {
    let s = scenario(run, model, Layout::Point)?;
    let fail = |message: String| EvaluateError::Model {
        model: model.name().into(),
        run: run.run.clone(),
        message,
    };
    let MetSpec::Uniform(met_spec) = &s.meteorology else {
        return Err(fail(
            "the Prairie Grass scenario must use uniform meteorology".into(),
        ));
    };
    let met = UniformMet::from_spec(met_spec, s.domain.centre.lat);
    let tm = TransverseMercator::new(s.domain.centre);
    let source = s
        .sources
        .first()
        .ok_or_else(|| fail("the scenario has no source".into()))?;
    match (&s.model, model) {
        (
            ModelSpec::GaussianPlume {
                sigma_scheme,
                receptor_height_m,
                ..
            },
            SuiteModel::GaussianBriggs,
        ) => {
            let plume = PlumeGeometry::new(source, &met, *sigma_scheme, met_spec.terrain, &tm);
            let z_m = receptor_height_m.unwrap_or(run.sampler_height_m);
            Ok(distances_m
                .iter()
                .map(|&r| {
                    sample_arc(
                        r,
                        |x, y| plume.concentration_per_rate(plume.x_m + x, plume.y_m + y, z_m),
                        plume.downwind,
                    )
                })
                .collect())
        }
        // Models without a pointwise evaluation (added to `ModelSpec` later) are read off their
        // grid by `grid::predict_arcs_gridded` instead; reaching here is a wiring error.
        #[allow(unreachable_patterns)]
        (other, _) => Err(fail(format!(
            "model `{}` has no pointwise evaluation; use the gridded path",
            other.kind_name()
        ))),
    }
}

/// Samples a per-rate concentration field `c(dx, dy)` (offsets from the source, local frame)
/// along the arc of radius `r_m` across ±90° of the `downwind` unit vector.
pub(crate) fn sample_arc(
    r_m: f64,
    c: impl Fn(f64, f64) -> f64,
    downwind: (f64, f64),
) -> ArcPrediction {
    let profile = arc_profile(r_m, c, downwind);
    ArcPrediction {
        cwic_over_q_s_m2: arc_integral(&profile, arc_step_m(r_m)),
        max_over_q_s_m3: profile.iter().fold(0.0, |m: f64, &v| m.max(v)),
    }
}

/// Arc length (m) between successive samples of [`arc_profile`] on an arc of radius `r_m`.
pub(crate) fn arc_step_m(r_m: f64) -> f64 {
    r_m * ARC_STEP_DEG.to_radians()
}

/// The values of `c(dx, dy)` every [`ARC_STEP_DEG`] along the arc of radius `r_m` from −90° to
/// +90° of the `downwind` unit vector (positive angles to the left).
pub(crate) fn arc_profile(r_m: f64, c: impl Fn(f64, f64) -> f64, downwind: (f64, f64)) -> Vec<f64> {
    let (ex, ey) = downwind;
    let steps = (180.0 / ARC_STEP_DEG).round() as usize;
    (0..=steps)
        .map(|k| {
            let phi = (-90.0 + k as f64 * ARC_STEP_DEG).to_radians();
            let (along, across) = (r_m * phi.cos(), r_m * phi.sin());
            // Crosswind unit vector is the downwind vector turned left: (−ey, ex).
            c(along * ex - across * ey, along * ey + across * ex)
        })
        .collect()
}

/// Trapezoid integral of samples `step_m` apart.
pub(crate) fn arc_integral(profile: &[f64], step_m: f64) -> f64 {
    profile
        .windows(2)
        .map(|w| 0.5 * (w[0] + w[1]) * step_m)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(l_m: f64) -> PgRun {
        PgRun {
            run: "t".into(),
            source_rate_g_s: 90.0,
            source_height_m: 0.46,
            sampler_height_m: 1.5,
            obukhov_length_m: l_m,
            wind_speed_2m_m_s: 5.0,
            roughness_length_m: 0.006,
            mixing_height_m: None,
            friction_velocity_m_s: None,
            sigma_theta_deg: None,
            averaging_time_s: 600.0,
        }
    }

    #[test]
    fn every_run_builds_a_valid_scenario() {
        for l in [-10.0, -50.0, 200.0, 30.0, 8.0] {
            for layout in [Layout::Point, Layout::Grid { resolution_m: 2.0 }] {
                let s = scenario(&run(l), SuiteModel::GaussianBriggs, layout).unwrap();
                assert_eq!(s.sources.len(), 1);
            }
        }
    }

    #[test]
    fn arc_integral_of_a_gaussian_matches_its_analytic_integral() {
        // c = exp(−y²/2σ²) with σ = 5 m on a 400 m arc: ∫ c dy ≈ σ√(2π) (arc curvature is
        // negligible at σ/R = 1/80).
        let sigma = 5.0;
        let a = sample_arc(
            400.0,
            |_, y: f64| (-(y * y) / (2.0 * sigma * sigma)).exp(),
            (1.0, 0.0),
        );
        let exact = sigma * (2.0 * std::f64::consts::PI).sqrt();
        assert!(
            (a.cwic_over_q_s_m2 / exact - 1.0).abs() < 2e-3,
            "{}",
            a.cwic_over_q_s_m2
        );
        assert!((a.max_over_q_s_m3 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn stable_runs_give_higher_ground_level_cwic_than_unstable_ones() {
        let d = [100.0, 400.0];
        let unstable = predict_arcs(&run(-10.0), SuiteModel::GaussianBriggs, &d).unwrap();
        let stable = predict_arcs(&run(20.0), SuiteModel::GaussianBriggs, &d).unwrap();
        for k in 0..2 {
            assert!(stable[k].cwic_over_q_s_m2 > 2.0 * unstable[k].cwic_over_q_s_m2);
        }
        assert!(unstable[0].max_over_q_s_m3 > unstable[1].max_over_q_s_m3);
    }
}
