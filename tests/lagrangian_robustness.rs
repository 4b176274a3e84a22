//! The particle step finishes whatever the turbulence tables hold.

use std::sync::mpsc;
use std::time::Duration;

use plume::met::boundary_layer::{BoundaryLayer, StabilityClass};
use plume::model::lagrangian::advance::{advance_all, ClassLoss, StepInputs};
use plume::model::lagrangian::particle::STATUS_AIRBORNE;
use plume::model::lagrangian::{Bounds, Column, ColumnGrid, LagrangianConfig, Particle};
use plume::rng::StreamKey;

#[test]
fn a_nan_time_scale_takes_the_minimum_step_and_the_step_finishes() {
    // A column whose T_Lw is NaN at every level (a corrupt table; no input is known to make
    // one). Before, the clamped time step was NaN, the lane took Δt = 0 and never finished.
    let bl = BoundaryLayer {
        friction_velocity_m_s: 0.4,
        obukhov_length_m: f64::INFINITY,
        mixing_height_m: 600.0,
        roughness_length_m: 0.1,
        stability: StabilityClass::D,
    };
    let mut column = Column::from_boundary_layer(&bl, 0.0, |_| [4.0, 0.0, 0.0]);
    for level in column.levels_mut() {
        level.inv_time_scale[3] = f32::NAN;
    }
    column.above_lid.inv_time_scale[3] = f32::NAN;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let columns = ColumnGrid::single(column);
        // The model's defaults: c = 0.2, Δt in [0.1 s, 60 s], a 30 m deposition layer.
        let step = LagrangianConfig::default().step;
        let inputs = StepInputs {
            columns: &columns,
            config: &step,
            losses: &[ClassLoss::default()],
            bounds: &Bounds::unbounded(),
            key: StreamKey { seed: 1, member: 0 },
            loss_cells: None,
            meander: None,
        };
        let mut ps: Vec<Particle> = (0..16)
            .map(|i| Particle {
                pos: [0.0, 0.0, 10.0, 0.0],
                vel: [0.0; 3],
                step: 0,
                mass: [1.0, 0.0, 0.0, 0.0],
                id: i,
                source: 0,
                status: STATUS_AIRBORNE,
                reserved: 0,
            })
            .collect();
        let steps = advance_all(&mut ps, &[1.0; 16], &inputs, &mut |_, _| {});
        tx.send(steps).unwrap();
    });
    let steps = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the step finishes");
    // 1 s in steps of the 0.1 s default minimum (the last may absorb a remainder under 0.05 s).
    assert!((16 * 9..=16 * 11).contains(&steps), "{steps} sub-steps");
}
