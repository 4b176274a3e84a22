//! Deposition events merged by output cell book exactly what the unmerged events book: the
//! particles end identical and every cell's fixed-point deposit, valued with one factor per
//! particle as the driver values them, is the same integer.

use std::collections::BTreeMap;

use crate::lagrangian_support;

use lagrangian_support::neutral_layer;

use plume::model::lagrangian::advance::{advance_all, ClassLoss, Loss, LossCells, StepInputs};
use plume::model::lagrangian::particle::STATUS_AIRBORNE;
use plume::model::lagrangian::tally::fixed;
use plume::model::lagrangian::{Bounds, Column, ColumnGrid, LagrangianConfig, Particle};
use plume::rng::StreamKey;

fn particles(n: u32) -> Vec<Particle> {
    (0..n)
        .map(|i| Particle {
            pos: [0.0, 0.0, 0.5 + (i % 40) as f32, 0.0],
            vel: [0.0, 0.0, 0.0],
            step: 0,
            mass: [1.0, 0.5, 0.0, 0.0],
            id: i,
            source: 0,
            status: STATUS_AIRBORNE,
            reserved: 0,
        })
        .collect()
}

/// Fixed-point deposit by (washout?, class, cell).
type Booked = BTreeMap<(bool, usize, usize), i64>;

/// Runs 20 minutes of steps and returns the particles and the deposit per (kind, class, cell).
fn deposit(cells: &LossCells, merged: bool, rain: bool) -> (Vec<Particle>, Booked, usize) {
    let precipitation_mm_h = if rain { 1.0 } else { 0.0 };
    let column = Column::from_boundary_layer(&neutral_layer(), precipitation_mm_h, |z| {
        [4.0 + 0.01 * z, 1.0, 0.0]
    });
    let columns = ColumnGrid::single(column);
    // The model's defaults: c = 0.2, Δt in [0.1 s, 60 s], a 30 m deposition layer.
    let step = LagrangianConfig::default().step;
    // Dry deposition of two classes and, in rain, washout of one, so dry and wet interleave.
    let loss = ClassLoss {
        dry_velocity_m_s: [0.01, 0.002, 0.0, 0.0],
        washout_per_s: [if rain { 1e-4 } else { 0.0 }, 0.0, 0.0, 0.0],
        settling_velocity_m_s: 0.0,
    };
    let mut ps = particles(2000);
    let durations = vec![1200.0f32; ps.len()];
    let inputs = StepInputs {
        columns: &columns,
        config: &step,
        losses: &[loss],
        bounds: &Bounds::unbounded(),
        key: StreamKey { seed: 3, member: 0 },
        loss_cells: merged.then_some(cells),
        meander: None,
    };
    let mut booked = BTreeMap::new();
    let mut events = 0;
    advance_all(&mut ps, &durations, &inputs, &mut |i, l: Loss| {
        events += 1;
        // One valuation per particle (its own factor), as the driver's end-of-step decay.
        let q = 1.0 + (i % 7) as f64 * 0.1;
        let a = fixed(f64::from(l.before) * q, 1e12) - fixed(f64::from(l.after) * q, 1e12);
        let key = (
            l.kind == plume::model::lagrangian::advance::LossKind::Wet,
            l.class,
            cells.cell(l.x_m, l.y_m),
        );
        *booked.entry(key).or_insert(0) += a;
    });
    (ps, booked, events)
}

#[test]
fn merged_deposition_events_book_exactly_the_unmerged_sums() {
    let cells = LossCells {
        x0_m: 0.0,
        y0_m: 0.0,
        inv_dx_per_m: 1.0 / 500.0,
        nx: 40,
        ny: 40,
    };
    for rain in [false, true] {
        let (a, da, na) = deposit(&cells, false, rain);
        let (b, db, nb) = deposit(&cells, true, rain);
        assert_eq!(
            a, b,
            "the particles do not depend on how their losses are reported"
        );
        assert_eq!(da, db, "rain {rain}");
        assert!(da.len() > 10 && da.values().all(|&v| v > 0));
        eprintln!("rain {rain}: {na} events unmerged, {nb} merged");
        // Without rain a particle's dry losses merge until it changes cell; in rain the washout
        // of class 0 interrupts that class's dry chain every step.
        let cut = if rain { 1 } else { 20 };
        assert!(nb * cut < na, "rain {rain}: {na} → {nb} events");
    }
}
