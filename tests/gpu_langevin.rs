//! One Langevin step from identical inputs on the GPU and the CPU: the particle states agree
//! within 1e-5·(|value| + natural scale), the same polynomial log/cos/exp on both sides
//! leaving only f32 rounding and fused multiply-adds to differ.
#![cfg(feature = "gpu")]

use crate::support;

use plume::backend::gpu::lagrangian::advance_particles;
use plume::met::atmosphere::density_log_gradient_per_m;
use plume::met::boundary_layer::{BoundaryLayer, StabilityClass};
use plume::model::lagrangian::advance::{advance_all, ClassLoss, StepInputs};
use plume::model::lagrangian::particle::STATUS_AIRBORNE;
use plume::model::lagrangian::{Bounds, Column, ColumnGrid, Particle, StepConfig};
use plume::rng::StreamKey;

fn convective_column() -> Column {
    let bl = BoundaryLayer {
        friction_velocity_m_s: 0.4,
        obukhov_length_m: -25.0,
        mixing_height_m: 1200.0,
        roughness_length_m: 0.1,
        stability: StabilityClass::B,
    };
    // Air whose density falls with height, so that both sides' density drift is compared.
    Column::from_boundary_layer(&bl, 0.0, |z| [3.0 + 0.002 * z, -1.0, 0.0])
        .with_air_density(|z| density_log_gradient_per_m(288.15, z))
}

fn particles(n: u32, lid_m: f32) -> Vec<Particle> {
    let key = StreamKey { seed: 5, member: 9 };
    (0..n)
        .map(|i| {
            let u = key.normals4(i, 1000, 3);
            // Heights across the column, some inside the deposition layer, a few above the lid.
            let z = (i as f32 + 0.5) / n as f32 * 1.05 * lid_m;
            Particle {
                pos: [100.0 * u[0], 50.0 * u[1], z, 0.0],
                vel: [0.8 * u[2], 0.8 * u[3], u[0] * u[1]],
                step: i % 17,
                mass: [1.0, 0.7, 0.0, 0.0],
                id: i,
                source: 0,
                status: STATUS_AIRBORNE,
                reserved: 0,
            }
        })
        .collect()
}

#[test]
fn one_langevin_step_matches_the_cpu_within_1e_5() {
    let Some(ctx) = support::gpu_or_skip("one_langevin_step_matches_the_cpu_within_1e_5") else {
        return;
    };
    let column = convective_column();
    let step = twin_step();
    // The particles also settle (a 40 µm aerosol of soil density).
    let loss = ClassLoss {
        dry_velocity_m_s: [0.01, 0.002, 0.0, 0.0],
        washout_per_s: [0.0; 4],
        settling_velocity_m_s: 0.12,
    };
    let bounds = Bounds::unbounded();
    let key = StreamKey {
        seed: 0x1234_5678_9ABC,
        member: 2,
    };
    // Δt = c·T_Lw is never below the 0.1 s minimum, so a 0.1 s step is exactly one sub-step
    // on both sides wherever the particle is (T_Lw has no 30 s floor: near the ground it is
    // under a second).
    let duration_s = 0.1;
    let start = particles(20_000, column.lid_m);
    let columns = ColumnGrid::single(column.clone());
    let inputs = StepInputs {
        columns: &columns,
        config: &step,
        losses: &[loss],
        bounds: &bounds,
        key,
        loss_cells: None,
        meander: None,
    };
    let gpu = advance_particles(&ctx, &start, &inputs, duration_s).expect("GPU step");
    let mut cpu = start.clone();
    let durations = vec![duration_s; cpu.len()];
    let steps = advance_all(&mut cpu, &durations, &inputs, &mut |_, _| {});
    assert_eq!(steps, cpu.len() as u64, "one sub-step per particle");
    let mut worst = (0.0f32, String::new());
    for (i, (g, c)) in gpu.iter().zip(&cpu).enumerate() {
        assert_eq!(
            (g.step, g.status, g.id),
            (c.step, c.status, c.id),
            "particle {i}"
        );
        // Natural scales: 1 m for positions, 1 m/s (≈ σ) for velocities, 1 for shares.
        let fields: [(&str, f32, f32, f32); 9] = [
            ("x", g.pos[0], c.pos[0], 1.0),
            ("y", g.pos[1], c.pos[1], 1.0),
            ("z", g.pos[2], c.pos[2], 1.0),
            ("u'", g.vel[0], c.vel[0], 1.0),
            ("v'", g.vel[1], c.vel[1], 1.0),
            ("w/σw", g.vel[2], c.vel[2], 1.0),
            ("mass0", g.mass[0], c.mass[0], 1.0),
            ("mass1", g.mass[1], c.mass[1], 1.0),
            ("t", g.pos[3], c.pos[3], 1.0),
        ];
        for (name, a, b, scale) in fields {
            let rel = (a - b).abs() / (b.abs() + scale);
            assert!(rel <= 1e-5, "particle {i} {name}: GPU {a} CPU {b}");
            if rel > worst.0 {
                worst = (rel, format!("particle {i} {name}"));
            }
        }
    }
    eprintln!("worst relative difference {:e} ({})", worst.0, worst.1);
    // Deposition happened, so the step exercised the loss path too.
    assert!(gpu.iter().any(|p| p.mass[0] < 1.0));
}

#[test]
fn dry_deposition_uses_the_loss_rates_of_the_column_the_particle_is_in() {
    let Some(ctx) =
        support::gpu_or_skip("dry_deposition_uses_the_loss_rates_of_the_column_the_particle_is_in")
    else {
        return;
    };
    let column = convective_column();
    let step = twin_step();
    // Two columns 2 km apart with the same flow; class 0 deposits only in the western one,
    // class 1 only in the eastern one.
    let columns = ColumnGrid {
        columns: vec![column.clone(), column.clone()],
        nx: 2,
        ny: 1,
        x0_m: 0.0,
        y0_m: 0.0,
        inv_spacing_per_m: 1.0 / 2000.0,
    };
    let losses = [
        ClassLoss {
            dry_velocity_m_s: [0.01, 0.0, 0.0, 0.0],
            washout_per_s: [0.0; 4],
            settling_velocity_m_s: 0.0,
        },
        ClassLoss {
            dry_velocity_m_s: [0.0, 0.02, 0.0, 0.0],
            washout_per_s: [0.0; 4],
            settling_velocity_m_s: 0.0,
        },
    ];
    let bounds = Bounds::unbounded();
    let key = StreamKey { seed: 3, member: 0 };
    // Every other particle in the eastern column, all inside the 30 m deposition layer.
    let start: Vec<Particle> = particles(2_000, 28.0)
        .into_iter()
        .enumerate()
        .map(|(i, mut p)| {
            p.pos[0] += if i % 2 == 0 { 0.0 } else { 2000.0 };
            p.mass = [1.0, 1.0, 0.0, 0.0];
            p
        })
        .collect();
    let inputs = StepInputs {
        columns: &columns,
        config: &step,
        losses: &losses,
        bounds: &bounds,
        key,
        loss_cells: None,
        meander: None,
    };
    let gpu = advance_particles(&ctx, &start, &inputs, 0.1).expect("GPU step");
    let mut cpu = start.clone();
    let durations = vec![0.1; cpu.len()];
    advance_all(&mut cpu, &durations, &inputs, &mut |_, _| {});
    for (i, (g, c)) in gpu.iter().zip(&cpu).enumerate() {
        for k in 0..2 {
            assert!(
                (g.mass[k] - c.mass[k]).abs() <= 1e-5,
                "particle {i} (column {}) class {k}: GPU {} CPU {}",
                i % 2,
                g.mass[k],
                c.mass[k]
            );
        }
    }
    // Both classes deposited somewhere, each only in its own column.
    assert!(cpu.iter().step_by(2).all(|p| p.mass[1] == 1.0));
    assert!(cpu.iter().skip(1).step_by(2).all(|p| p.mass[0] == 1.0));
    assert!(cpu.iter().any(|p| p.mass[0] < 1.0) && cpu.iter().any(|p| p.mass[1] < 1.0));
}

/// The step settings of the twin comparisons.
fn twin_step() -> StepConfig {
    StepConfig {
        time_step_factor: 0.2,
        min_time_step_s: 0.1,
        max_time_step_s: 60.0,
        drift: true,
        deposition_layer_m: 30.0,
        min_share: 1e-6,
    }
}
