//! Validation of the particle model's `[model]` keys.

use super::*;

pub(super) fn lagrangian_model(
    l: LagrangianSection,
    sources: &[Source],
    p: &mut Problems,
) -> ModelSpec {
    let particles = l.particles.unwrap_or(DEFAULT_PARTICLES);
    if !(1..=MAX_PARTICLES).contains(&particles) {
        p.push(
            "model.particles",
            particles.to_string(),
            format!("a whole number ≥ 1 and ≤ {MAX_PARTICLES}"),
        );
    } else if (particles as usize) < sources.len() {
        // Particles are shared equally among the sources: one without any releases nothing.
        p.push(
            "model.particles",
            particles.to_string(),
            format!(
                "at least one particle per source ({} sources share the particles)",
                sources.len()
            ),
        );
    }
    let seed = l.seed.unwrap_or(0);
    if seed < 0 {
        p.push("model.seed", seed.to_string(), "a whole number ≥ 0");
    }
    let max_time_step_s = p.opt(
        "model.max_time_step_s",
        l.max_time_step_s,
        DEFAULT_MAX_TIME_STEP_S,
        Bounds::new(0.1, true, 3600.0, true, "s"),
    );
    let time_step_factor = p.opt(
        "model.time_step_factor",
        l.time_step_factor,
        DEFAULT_TIME_STEP_FACTOR,
        Bounds::new(0.0, false, 1.0, true, ""),
    );
    let sampling_step_s = p.opt(
        "model.sampling_step_s",
        l.sampling_step_s,
        DEFAULT_SAMPLING_STEP_S,
        Bounds::new(1.0, true, 86_400.0, true, "s"),
    );
    let backend = l.backend.unwrap_or_default();
    // A particle carries at most four deposition classes (distinct v_d, a, b) per source.
    for (i, src) in sources.iter().enumerate() {
        let mut classes: Vec<Deposition> = vec![];
        for r in &src.releases {
            if !classes.contains(&r.deposition) {
                classes.push(r.deposition);
            }
        }
        if classes.len() > 4 {
            p.push(
                format!("source[{i}].release"),
                format!("{} distinct deposition parameter sets", classes.len()),
                "at most 4 per source for the Lagrangian model (releases with equal dry_deposition_velocity_m_s, washout_a_per_s and washout_b share one; a library nuclide without these keys takes its deposition class's defaults, src/substance/data/deposition_defaults.csv)",
            );
        }
    }
    ModelSpec::Lagrangian {
        particles: particles.clamp(1, MAX_PARTICLES) as usize,
        seed: seed.max(0) as u64,
        max_time_step_s,
        time_step_factor,
        sampling_step_s,
        convective_turbulence: l.convective_turbulence.unwrap_or_default(),
        backend,
    }
}
