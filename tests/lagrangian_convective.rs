//! Skewed turbulence in the convective boundary layer (Luhar, Hibberd & Hurley 1996): the
//! particles keep the prescribed skewed velocity distribution, and the plumes behave as in Willis
//! & Deardorff's convective tank where Gaussian turbulence does not: the updrafts lift a
//! release near the ground quickly, and the line of maximum concentration of an elevated one
//! descends to the ground within one convective time scale, X = x·w*/(U·h) ≈ 1.

use plume::met::turbulence::hanna;
use plume::met::{BoundaryLayer, StabilityClass};
use plume::model::lagrangian::advance::{advance_all, ClassLoss, StepInputs};
use plume::model::lagrangian::convective::third_moment;
use plume::model::lagrangian::particle::STATUS_AIRBORNE;
use plume::model::lagrangian::{Bounds, Column, ColumnGrid, LagrangianConfig, Particle};
use plume::rng::StreamKey;

const H_M: f64 = 1000.0;

/// −h/L = 100: fully convective, w* = 1.89 m/s.
fn convective() -> BoundaryLayer {
    BoundaryLayer {
        friction_velocity_m_s: 0.3,
        obukhov_length_m: -10.0,
        mixing_height_m: H_M,
        roughness_length_m: 0.1,
        stability: StabilityClass::A,
    }
}

/// The convective column, skewed or (negative control) with Gaussian turbulence.
fn column(skewed: bool) -> Column {
    let mut c = Column::from_boundary_layer(&convective(), 0.0, |_| [0.0; 3]);
    assert!(c.convective_w3_m3_s3 > 0.0, "a convective column is skewed");
    if !skewed {
        c.convective_w3_m3_s3 = 0.0;
    }
    c
}

/// `n` particles released at `z_m` (each at a height `z_m(i)`), velocities from the column's
/// PDF there.
fn release(column: &Column, n: u32, key: StreamKey, z_m: impl Fn(u32) -> f32) -> Vec<Particle> {
    (0..n)
        .map(|i| {
            let z = z_m(i);
            let wn = column.initial_wn(z, key.normals4(i, 0, 1));
            Particle {
                pos: [0.0, 0.0, z, 0.0],
                vel: [0.0, 0.0, wn],
                step: 1,
                mass: [1.0, 0.0, 0.0, 0.0],
                id: i,
                source: 0,
                status: STATUS_AIRBORNE,
                reserved: 0,
            }
        })
        .collect()
}

/// Advances the particles by `duration_s` in the column.
fn advance(particles: &mut [Particle], column: &Column, key: StreamKey, duration_s: f32) {
    let grid = ColumnGrid::single(column.clone());
    let config = LagrangianConfig::default().step;
    let loss = ClassLoss {
        dry_velocity_m_s: [0.0; 4],
        washout_per_s: [0.0; 4],
        settling_velocity_m_s: 0.0,
    };
    let inputs = StepInputs {
        columns: &grid,
        config: &config,
        losses: &[loss],
        bounds: &Bounds::unbounded(),
        key,
        loss_cells: None,
        meander: None,
    };
    let durations = vec![duration_s; particles.len()];
    advance_all(particles, &durations, &inputs, &mut |_, _| {});
}

/// Dimensionless crosswind-integrated concentration C^y·U·h/Q in 20 layers: the fraction of
/// the particles in each, over its depth (a continuous source in a uniform wind U, read at
/// x = U·t).
fn profile(particles: &[Particle]) -> [f64; 20] {
    let mut c = [0.0; 20];
    for p in particles {
        let k = ((f64::from(p.pos[2]) / H_M * 20.0) as usize).min(19);
        c[k] += 20.0 / particles.len() as f64;
    }
    c
}

/// X = t·w*/h at each of `steps` equal steps to `x_max`, with the profile there.
fn evolve(skewed: bool, z_release_m: f32, x_max: f64, steps: usize) -> Vec<(f64, [f64; 20])> {
    let column = column(skewed);
    let key = StreamKey {
        seed: 1981,
        member: 0,
    };
    let mut particles = release(&column, 40_000, key, |_| z_release_m);
    let w_star = convective().convective_velocity_m_s();
    let dt_s = x_max / steps as f64 * H_M / w_star;
    (1..=steps)
        .map(|k| {
            advance(&mut particles, &column, key, dt_s as f32);
            (k as f64 * x_max / steps as f64, profile(&particles))
        })
        .collect()
}

fn argmax(c: &[f64; 20]) -> usize {
    (0..20).fold(0, |b, k| if c[k] > c[b] { k } else { b })
}

#[test]
fn particles_keep_the_prescribed_skewed_velocity_distribution() {
    // Uniform in the layer with velocities from the PDF, then 10 T_Lw(h/2): the velocity
    // moments of the particles in the layer 0.3–0.5 h are those the column prescribes.
    let column = column(true);
    let key = StreamKey {
        seed: 1996,
        member: 0,
    };
    let n = 200_000;
    let mut particles = release(&column, n, key, |i| {
        ((i as f64 + 0.5) / f64::from(n) * H_M) as f32
    });
    let t_s = 10.0 * hanna(&convective(), 0.5 * H_M).time_scale_w_s;
    advance(&mut particles, &column, key, t_s as f32);
    let (mut sums, mut expected) = ([0.0f64; 4], [0.0f64; 3]);
    for p in &particles {
        let z = p.pos[2];
        if !(0.3 * H_M as f32..0.5 * H_M as f32).contains(&z) {
            continue;
        }
        let sw = column.at(z).sigma[2];
        let w = f64::from(sw * p.vel[2]);
        let (m3, _) = third_moment(z, H_M as f32, column.convective_w3_m3_s3);
        sums[0] += 1.0;
        sums[1] += w;
        sums[2] += w * w;
        sums[3] += w * w * w;
        expected[1] += f64::from(sw).powi(2);
        expected[2] += f64::from(m3);
    }
    let n = sums[0];
    assert!(n > 30_000.0, "{n} particles in the layer");
    let (mean, var, third) = (sums[1] / n, sums[2] / n, sums[3] / n);
    let (var_expected, third_expected) = (expected[1] / n, expected[2] / n);
    let skew = third / var.powf(1.5);
    let skew_expected = third_expected / var_expected.powf(1.5);
    eprintln!(
        "mean {mean:.3} m/s, variance {var:.3} (expected {var_expected:.3}), skewness {skew:.3} \
         (expected {skew_expected:.3})"
    );
    assert!(skew_expected > 0.5, "mid-layer skewness {skew_expected}");
    assert!(mean.abs() < 0.03 * var_expected.sqrt(), "mean {mean}");
    assert!(
        (var / var_expected - 1.0).abs() < 0.05,
        "variance {var} vs {var_expected}"
    );
    assert!(
        (skew - skew_expected).abs() < 0.12,
        "skewness {skew} vs {skew_expected}"
    );
}

/// Fraction of the particles in the upper half of the layer.
fn upper_half(c: &[f64; 20]) -> f64 {
    c[10..].iter().sum::<f64>() / 20.0
}

#[test]
fn a_release_near_the_ground_lifts_off_as_in_the_convective_tank() {
    // Willis & Deardorff (1976), source at 0.067 h: the updrafts carry the plume up, its
    // maximum leaves the ground and rises to the upper half of the layer by X ≈ 1.5, and the
    // ground-level crosswind-integrated concentration falls below its well-mixed value (1)
    // before it recovers. With Hanna's mixed-layer time scales (3× shorter than Luhar &
    // Britter's) the maximum stayed on the ground to X = 2, with 1.4 there.
    let skewed = evolve(true, 0.067 * H_M as f32, 2.4, 24);
    for (x, s) in &skewed {
        eprintln!(
            "X {x:.1}: ground {:.2}, maximum at layer {}, upper half {:.2}",
            s[0],
            argmax(s),
            upper_half(s)
        );
    }
    assert_eq!(
        argmax(&skewed[2].1),
        0,
        "the maximum is on the ground at X 0.3"
    );
    let lifted = &skewed[14].1;
    assert!(
        argmax(lifted) >= 10,
        "maximum at layer {} at X 1.5",
        argmax(lifted)
    );
    let ground_min = skewed[14..]
        .iter()
        .map(|(_, s)| s[0])
        .fold(f64::MAX, f64::min);
    assert!(
        (0.5..0.85).contains(&ground_min),
        "least ground-level concentration {ground_min} over X 1.5–2.4"
    );
}

#[test]
fn an_elevated_plume_comes_down_to_the_ground_within_one_convective_time_scale() {
    // Willis & Deardorff (1978, 1981), Lamb (1978): from z_s ≈ 0.24 h the line of maximum
    // concentration descends, carried by the broad downdrafts, and meets the ground within
    // X ≈ 1. Under Gaussian turbulence the maximum stays at the release height until the plume
    // has spread over it.
    let z_s = 0.24 * H_M as f32;
    let skewed = evolve(true, z_s, 1.0, 10);
    let gaussian = evolve(false, z_s, 1.0, 10);
    let release_layer = 4;
    for ((x, s), (_, g)) in skewed.iter().zip(&gaussian) {
        eprintln!(
            "X {x:.1}: maximum at layer {} / {}, ground {:.2} / {:.2}",
            argmax(s),
            argmax(g),
            s[0],
            g[0]
        );
    }
    // X = 0.3: the skewed maximum is below the release layer, the Gaussian one at it.
    assert!(
        argmax(&skewed[2].1) < release_layer,
        "skewed maximum at X 0.3"
    );
    assert_eq!(
        argmax(&gaussian[2].1),
        release_layer,
        "Gaussian maximum at X 0.3"
    );
    // The skewed maximum never rises, and is in the lowest tenth of the layer by X = 1.
    assert!(
        skewed
            .windows(2)
            .all(|w| argmax(&w[1].1) <= argmax(&w[0].1)),
        "the skewed maximum descends monotonically"
    );
    assert!(argmax(&skewed[9].1) <= 1, "skewed maximum at X 1");
}

/// A 100 m stack in a convective (class A) uniform wind, with the particle model's
/// `convective_turbulence` set to `choice` (absent when `None`).
fn stack_scenario(choice: Option<&str>) -> String {
    let key = choice.map_or(String::new(), |c| {
        format!("convective_turbulence = \"{c}\"\n")
    });
    format!(
        r#"
[scenario]
name = "convective stack"
start = "2026-07-01T15:00:00Z"
duration_s = 3600
[domain]
centre = {{ lat = 45.2, lon = -66.5 }}
extent_m = [12000, 12000]
resolution_m = 500
layers_m = [[0, 10]]
output_interval_s = 1800
[[source]]
name = "stack"
location = {{ lat = 45.2, lon = -66.55 }}
height_m = 100
start_s = 0
duration_s = 3600
release = [{{ substance = "tracer", rate_kg_s = 1.0 }}]
[meteorology]
kind = "uniform"
wind_speed_m_s = 3.0
wind_from_deg = 270
stability = "A"
roughness_length_m = 0.1
mixing_height_m = 1200
[model]
kind = "lagrangian"
particles = 20000
backend = "cpu"
{key}"#
    )
}

#[test]
fn scenarios_choose_skewed_or_gaussian_convective_turbulence_and_default_to_skewed() {
    use plume::scenario::{ConvectiveTurbulence, ModelSpec, Scenario};
    use plume::{simulate, RunOptions};
    use std::path::Path;
    let choice = |c: Option<&str>| {
        let s = Scenario::parse(&stack_scenario(c), Path::new("stack.toml")).unwrap();
        match s.model {
            ModelSpec::Lagrangian {
                convective_turbulence,
                ..
            } => (s, convective_turbulence),
            _ => unreachable!(),
        }
    };
    let (default, d) = choice(None);
    let (skewed, s) = choice(Some("skewed"));
    let (gaussian, g) = choice(Some("gaussian"));
    assert_eq!(d, ConvectiveTurbulence::Skewed);
    assert_eq!(s, ConvectiveTurbulence::Skewed);
    assert_eq!(g, ConvectiveTurbulence::Gaussian);
    let err = Scenario::parse(&stack_scenario(Some("lumpy")), Path::new("stack.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("convective_turbulence") && err.contains("lumpy"),
        "{err}"
    );
    let ground = |sc: &Scenario| {
        simulate(sc, &RunOptions::default()).unwrap().fields.species[0]
            .time_integrated
            .clone()
    };
    let (a, b, c) = (ground(&default), ground(&skewed), ground(&gaussian));
    assert_eq!(a, b, "the default is the skewed scheme");
    assert_ne!(a, c, "the Gaussian choice changes the run");
}

#[test]
fn the_skewed_update_is_finite_for_any_convective_layer_height_and_velocity() {
    // 20 000 random cases: u* 0.02–1.5 m/s, −h/L 5–10⁴, h 50–4000 m, z anywhere in the layer
    // (the ground and the lid included), ŵ ±12 and the model's Δt = c·T_Lw in [0.1 s, 60 s]
    // for c in (0, 1]: the new ŵ is finite and within 15 (a velocity drawn anew or relaxed
    // towards the PDF, never blown up).
    use plume::met::atmosphere::density_log_gradient_per_m;
    use plume::model::lagrangian::convective::update;
    let key = StreamKey {
        seed: 42,
        member: 0,
    };
    let mut worst = 0.0f32;
    for i in 0..20_000u32 {
        let u = key
            .normals4(i, 0, 0)
            .map(|x| 0.5 * (1.0 + (x / 3.0).tanh()));
        let v = key.normals4(i, 1, 0);
        let h = 50.0 + 3950.0 * f64::from(u[0]);
        let instability = 5.0 * 2000f64.powf(f64::from(u[1]));
        let bl = BoundaryLayer {
            friction_velocity_m_s: 0.02 + 1.48 * f64::from(u[2]),
            obukhov_length_m: -h / instability,
            mixing_height_m: h,
            roughness_length_m: 0.1,
            stability: StabilityClass::A,
        };
        let column = Column::from_boundary_layer(&bl, 0.0, |_| [0.0; 3])
            .with_air_density(|z| density_log_gradient_per_m(288.15, z));
        let lid = column.lid_m;
        let z = match i % 4 {
            0 => 0.0,
            1 => lid * 0.999_999,
            _ => lid * u[3],
        };
        let lv = column.at(z);
        let (m3, dm3) = third_moment(z, lid, column.convective_w3_m3_s3);
        let wn = 4.0 * v[0];
        let c = 0.5 + 0.5 * (v[1] / 3.0).tanh();
        let dt = (c * lv.inv_time_scale[3]).clamp(0.1, 60.0);
        let out = update(
            wn,
            lv.sigma[2],
            lv.sigma[3],
            lv.inv_time_scale[2],
            m3,
            dm3,
            lv.wind[3],
            dt,
            [0.0, 0.0, v[2], v[3]],
            true,
        );
        assert!(
            out.is_finite() && out.abs() < 15.0,
            "case {i}: {bl:?}, z {z}, ŵ {wn}, Δt {dt}: {out}"
        );
        worst = worst.max(out.abs());
    }
    eprintln!("largest |ŵ| after one update: {worst}");
}
