//! Validation of the `[model]` keys of the Gaussian plume, the Gaussian puffs and the particles.

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
    // σ_m up to 2 m/s: NAME's is 0.5, hourly meander in light winds 0.2–1 (Hanna 1983;
    // Anfossi et al. 2005); τ from 10 min to 2 days.
    let meander_sigma_m_s = p.opt(
        "model.meander_sigma_m_s",
        l.meander_sigma_m_s,
        DEFAULT_MEANDER_SIGMA_M_S,
        Bounds::new(0.0, true, 2.0, true, "m/s"),
    );
    let meander_time_scale_s = p.opt(
        "model.meander_time_scale_s",
        l.meander_time_scale_s,
        DEFAULT_MEANDER_TIME_SCALE_S,
        Bounds::new(600.0, true, 172_800.0, true, "s"),
    );
    // From a second (a fast sampler's mean) to ten days.
    let meander_averaging_s = l.meander_averaging_s.inspect(|&t| {
        p.range(
            "model.meander_averaging_s",
            t,
            Bounds::new(1.0, true, 864_000.0, true, "s"),
        );
    });
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
        meander_sigma_m_s,
        meander_time_scale_s,
        meander_averaging_s,
    }
}

/// Checks a Gaussian plume's keys: it needs uniform meteorology (a steady plume).
pub(super) fn gaussian_plume_model(
    g: GaussianPlumeSection,
    meteorology: Option<&MetSpec>,
    layers: usize,
    p: &mut Problems,
) -> ModelSpec {
    let terrain = meteorology.map(MetSpec::terrain);
    let scheme = g.sigma_scheme.unwrap_or_default();
    check_scheme(scheme, terrain, p);
    if let Some(m) = meteorology {
        if !matches!(m, MetSpec::Uniform(_)) {
            p.push(
                "model.kind",
                "\"gaussian_plume\"",
                format!("\"gaussian_puff\" (or \"lagrangian\") with meteorology.kind = \"{}\": a steady plume needs uniform meteorology", m.kind_name()),
            );
        }
    }
    receptor_height(g.receptor_height_m, layers, p);
    ModelSpec::GaussianPlume {
        sigma_scheme: scheme,
        receptor_height_m: g.receptor_height_m,
        dense_gas: g.dense_gas.unwrap_or_default(),
    }
}

/// Checks the Gaussian puff model's keys: time step, puff splitting and the puff budget.
pub(super) fn gaussian_puff_model(
    g: GaussianPuffSection,
    terrain: Option<Terrain>,
    layers: usize,
    p: &mut Problems,
) -> ModelSpec {
    let scheme = g.sigma_scheme.unwrap_or_default();
    check_scheme(scheme, terrain, p);
    receptor_height(g.receptor_height_m, layers, p);
    let time_step_s = p.opt(
        "model.time_step_s",
        g.time_step_s,
        60.0,
        Bounds::new(1.0, true, 3600.0, true, "s"),
    );
    if let Some(v) = g.split_sigma_y_m {
        p.range(
            "model.split_sigma_y_m",
            v,
            Bounds::new(10.0, true, 1.0e6, true, "m"),
        );
    }
    let max_puffs = match g.max_puffs {
        None => 20_000,
        Some(n) if (10..=1_000_000).contains(&n) => n as usize,
        Some(n) => {
            p.push(
                "model.max_puffs",
                n.to_string(),
                "a count from 10 to 1000000",
            );
            20_000
        }
    };
    ModelSpec::GaussianPuff(PuffSpec {
        sigma_scheme: scheme,
        receptor_height_m: g.receptor_height_m,
        time_step_s,
        split_sigma_y_m: g.split_sigma_y_m,
        shear_splitting: g.shear_splitting,
        max_puffs,
        growth: g.growth.unwrap_or_default(),
        dense_gas: g.dense_gas.unwrap_or_default(),
    })
}

/// The ISC3 Pasquill–Gifford curves are rural only: refused over urban terrain.
fn check_scheme(scheme: SigmaScheme, terrain: Option<Terrain>, p: &mut Problems) {
    if scheme == SigmaScheme::PasquillGifford && terrain == Some(Terrain::Urban) {
        p.push(
            "model.sigma_scheme",
            "\"pasquill_gifford\"",
            "\"briggs\" for urban terrain (the ISC3 Pasquill–Gifford curves are rural only)",
        );
    }
}

/// A receptor height, 0–10 km, puts every layer at that height: with several layers the file
/// would hold copies said to lie at their own heights. One layer only.
fn receptor_height(h: Option<f64>, layers: usize, p: &mut Problems) {
    let Some(h) = h else { return };
    let bounds = Bounds::new(0.0, true, 10_000.0, true, "m");
    if p.range("model.receptor_height_m", h, bounds) && layers > 1 {
        p.push(
            "model.receptor_height_m",
            fmt_num(h),
            format!("no receptor height with {layers} layers in domain.layers_m: it evaluates every layer at {} m, so give one layer, or leave receptor_height_m out to evaluate each layer at its middle", fmt_num(h)),
        );
    }
}
