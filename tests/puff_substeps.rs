//! How finely the puff model cuts its steps: each sub-step lets σ grow by at most
//! `MAX_SIGMA_GROWTH`, so a young puff takes many and an old one few — whether it grows along
//! the σ curves by distance or by turbulence with its age. (Counted from where a
//! turbulence-grown puff was released, every minute of its life took ~250 sub-steps, and a
//! 2 h convective run 100 × as long as with curve-grown puffs, to within 7·10⁻⁵ of the same
//! fields.)

use plume::geo::TransverseMercator;
use plume::model::puff::{Bounds, GrowthMode, PuffRun, MAX_SUBSTEPS};

use crate::weather_puff::{scenario, steady_setup, uniform};

/// The segments (sub-steps) each one-minute step of a one-minute release's first puff takes
/// over 40 minutes, growing by `mode`.
fn segments_per_step(mode: GrowthMode) -> Vec<usize> {
    let s = scenario(
        "[[0, 3]]",
        r#"{ substance = "chlorine", rate_kg_s = 1.0 }"#,
        2400.0,
        600.0,
        "start_s = 0\nduration_s = 60",
    );
    let met = uniform(&s);
    let tm = TransverseMercator::new(s.domain.centre);
    let mut setup = steady_setup();
    setup.growth.mode = mode;
    let far = Bounds {
        x_min_m: -1e6,
        x_max_m: 1e6,
        y_min_m: -1e6,
        y_max_m: 1e6,
    };
    let mut run = PuffRun::new(&s.sources, &s.species, &met, &tm, setup, vec![1.5], far);
    (0..40).map(|_| run.step(60.0).len()).collect()
}

#[test]
fn an_old_puff_takes_few_sub_steps_whether_grown_by_distance_or_by_turbulence() {
    for mode in [GrowthMode::Distance, GrowthMode::Turbulence] {
        let n = segments_per_step(mode);
        // The first minute is cut finely (σ grows from its release size) …
        assert!(n[0] > 50, "{mode:?}: {n:?}");
        assert!(n[0] <= MAX_SUBSTEPS, "{mode:?}: {n:?}");
        // … and after half an hour a minute takes a few sub-steps: σ grows by a few per cent.
        assert!(n[30..].iter().all(|&k| k <= 4), "{mode:?}: {n:?}");
        assert!(n.windows(2).all(|w| w[1] <= w[0]), "{mode:?}: {n:?}");
    }
}
