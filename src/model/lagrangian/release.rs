//! Release: how many particles each source emits, when, where, and what each one carries.
//!
//! Each source gets an equal share of the particles (the first sources take the remainder).
//! Its particles leave at evenly spaced times `start + (i + ½)·D/N` over the part `D` of its
//! release window that falls inside the run, so a constant-rate release is followed exactly in
//! time; each particle carries `q_s = rate_s · D / N` of every species s the source emits.
//! The species are grouped into deposition classes (identical v_d, a, b), at most
//! [`MAX_CLASSES`] per source: the particle holds one share per class (1 at release) and the
//! source's table [`SourcePlan::entries`] maps shares to species amounts.

use super::particle::{Particle, MAX_CLASSES, STATUS_WAITING};
#[cfg(doc)]
use crate::model::gaussian::sigma::BID_RISE_RATIO;
use crate::rng::StreamKey;

/// The random-number block of a particle's release spread (block 0 drives its sub-steps, 1
/// its first velocity).
pub const RELEASE_SPREAD_BLOCK: u32 = 2;
pub use crate::source::Deposition as DepositionParams;

/// One species a source emits: which class carries it and how much each particle holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    /// Deposition class (index into the particle's shares).
    pub class: usize,
    /// Index into the scenario's species.
    pub species: usize,
    /// Amount per particle at release (species unit: kg or Bq).
    pub amount_per_particle: f64,
    /// Decay constant λ (s⁻¹).
    pub decay_per_s: f64,
}

/// A species released by a source, as the model needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Emission {
    pub species: usize,
    /// Rate in the species' unit per second.
    pub rate_per_s: f64,
    pub decay_per_s: f64,
    pub deposition: DepositionParams,
}

/// The plume rise of a stack in force from a time on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiseStep {
    /// From this time on (s since start).
    pub from_s: f64,
    /// Height added to the stack's (m): the final rise less any stack-tip downwash (negative
    /// where the downwash outweighs the rise, never below the ground).
    pub height_m: f64,
    /// The spread of the rise itself, σ = Δh/3.5 (m): buoyancy-induced dispersion, as the
    /// Gaussian models add it ([`BID_RISE_RATIO`]). Particles start that far about the risen
    /// centre, in each direction.
    pub spread_m: f64,
}

/// A point source in the local frame, ready for release.
#[derive(Debug, Clone, PartialEq)]
pub struct SourcePlan {
    /// Release position (m, local frame); `z_m` is the release height before any plume rise.
    pub x_m: f64,
    pub y_m: f64,
    pub z_m: f64,
    /// Plume rise from each time on (ascending): a particle released at t starts around
    /// `z_m` + the height of the last entry at or before t (none: no rise).
    pub rise: Vec<RiseStep>,
    /// Release window inside the run (s since start).
    pub start_s: f64,
    pub duration_s: f64,
    /// Particles this source emits.
    pub particles: usize,
    /// Deposition parameters of each class.
    pub classes: Vec<DepositionParams>,
    /// What each particle carries.
    pub entries: Vec<Entry>,
    /// The settling velocity of the source's particles (m/s, downward; 0 for a gas): each
    /// sub-step moves them down by v_s·Δt ([`super::step`]).
    pub settling_velocity_m_s: f64,
}

/// Why a source cannot be planned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "a source has {0} distinct deposition classes; a particle carries at most {MAX_CLASSES}"
    )]
    TooManyClasses(usize),
}

impl SourcePlan {
    /// Plans a source at (x, y, z) emitting `emissions` over `[start_s, start_s + duration_s]`
    /// clipped to the run `[0, run_s]`, with `particles` particles.
    pub fn new(
        position_m: [f64; 3],
        start_s: f64,
        duration_s: f64,
        run_s: f64,
        emissions: &[Emission],
        particles: usize,
    ) -> Result<Self, PlanError> {
        let start = start_s.clamp(0.0, run_s);
        let window = ((start_s + duration_s).min(run_s) - start).max(0.0);
        let mut classes: Vec<DepositionParams> = vec![];
        let mut entries = vec![];
        for e in emissions {
            let class = match classes.iter().position(|c| *c == e.deposition) {
                Some(k) => k,
                None => {
                    classes.push(e.deposition);
                    classes.len() - 1
                }
            };
            let amount = if particles == 0 {
                0.0
            } else {
                e.rate_per_s * window / particles as f64
            };
            entries.push(Entry {
                class,
                species: e.species,
                amount_per_particle: amount,
                decay_per_s: e.decay_per_s,
            });
        }
        if classes.len() > MAX_CLASSES {
            return Err(PlanError::TooManyClasses(classes.len()));
        }
        Ok(SourcePlan {
            x_m: position_m[0],
            y_m: position_m[1],
            z_m: position_m[2],
            rise: vec![],
            start_s: start,
            duration_s: window,
            particles,
            classes,
            entries,
            settling_velocity_m_s: 0.0,
        })
    }

    /// The same plan with the plume rise schedule `rise` (ascending in time).
    pub fn with_rise(mut self, rise: Vec<RiseStep>) -> Self {
        self.rise = rise;
        self
    }

    /// The same plan with its particles settling at `velocity_m_s` (downward).
    pub fn with_settling(mut self, velocity_m_s: f64) -> Self {
        self.settling_velocity_m_s = velocity_m_s;
        self
    }

    /// The plume rise in force at `t_s`, if any.
    pub fn rise_at(&self, t_s: f64) -> Option<&RiseStep> {
        self.rise.iter().take_while(|r| r.from_s <= t_s).last()
    }

    /// Height (m) of the centre that a particle released at `t_s` starts about: the plan's
    /// height plus the plume rise then in force.
    pub fn release_height_m(&self, t_s: f64) -> f64 {
        self.z_m + self.rise_at(t_s).map_or(0.0, |r| r.height_m)
    }

    /// True when any species of this source decays.
    pub fn decays(&self) -> bool {
        self.entries.iter().any(|e| e.decay_per_s > 0.0)
    }

    /// Release time of this source's `i`-th particle (s since start).
    pub fn release_time_s(&self, i: usize) -> f64 {
        self.start_s + (i as f64 + 0.5) / self.particles as f64 * self.duration_s
    }

    /// Total amount of each species this source releases, added into `totals`.
    pub fn add_released(&self, totals: &mut [f64]) {
        for e in &self.entries {
            totals[e.species] += e.amount_per_particle * self.particles as f64;
        }
    }
}

/// Splits `total` particles equally among `n_sources` (the first take the remainder).
pub fn share_particles(total: usize, n_sources: usize) -> Vec<usize> {
    if n_sources == 0 {
        return vec![];
    }
    (0..n_sources)
        .map(|i| total / n_sources + usize::from(i < total % n_sources))
        .collect()
}

/// Creates every particle of every source, waiting, in order of release time (ties by source,
/// then index); the index in that order is each particle's random-number id. A stack's
/// particles start about the risen centre with the rise's own spread (Gaussian, σ =
/// [`RiseStep::spread_m`] each way, reflected at the ground), drawn from the key's stream
/// [`RELEASE_SPREAD_BLOCK`] of the particle, so the positions are the same on any backend.
pub fn create_particles(plans: &[SourcePlan], key: StreamKey) -> Vec<Particle> {
    let mut order: Vec<(f32, u32, usize)> = plans
        .iter()
        .enumerate()
        .flat_map(|(s, plan)| {
            (0..plan.particles).map(move |i| (plan.release_time_s(i) as f32, s as u32, i))
        })
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    order
        .into_iter()
        .enumerate()
        .map(|(id, (t, s, i))| {
            let plan = &plans[s as usize];
            let mut mass = [0.0; MAX_CLASSES];
            mass[..plan.classes.len()].fill(1.0);
            let t_rel = plan.release_time_s(i);
            let (mut x, mut y, mut z) = (plan.x_m, plan.y_m, plan.release_height_m(t_rel));
            if let Some(spread) = plan.rise_at(t_rel).map(|r| r.spread_m).filter(|&s| s > 0.0) {
                let xi = key.normals4(id as u32, 0, RELEASE_SPREAD_BLOCK);
                x += spread * f64::from(xi[0]);
                y += spread * f64::from(xi[1]);
                z = (z + spread * f64::from(xi[2])).abs();
            }
            Particle {
                pos: [x as f32, y as f32, z as f32, t],
                vel: [0.0; 3],
                step: 0,
                mass,
                id: id as u32,
                source: s,
                status: STATUS_WAITING,
                reserved: 0,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emission(species: usize, rate: f64, vd: f64) -> Emission {
        Emission {
            species,
            rate_per_s: rate,
            decay_per_s: 0.0,
            deposition: DepositionParams {
                dry_velocity_m_s: vd,
                washout_a_per_s: 0.0,
                washout_b: 0.8,
            },
        }
    }

    #[test]
    fn species_with_the_same_deposition_share_a_class() {
        let plan = SourcePlan::new(
            [0.0, 0.0, 10.0],
            100.0,
            1000.0,
            3600.0,
            &[
                emission(0, 2.0, 0.0),
                emission(1, 5.0, 0.01),
                emission(2, 1.0, 0.0),
            ],
            500,
        )
        .unwrap();
        assert_eq!(plan.classes.len(), 2);
        assert_eq!(plan.entries[2].class, 0);
        assert!((plan.entries[1].amount_per_particle - 5.0 * 1000.0 / 500.0).abs() < 1e-12);
        let mut totals = vec![0.0; 3];
        plan.add_released(&mut totals);
        assert!((totals[0] - 2000.0).abs() < 1e-9);
    }

    #[test]
    fn release_window_is_clipped_to_the_run_and_times_are_evenly_spaced() {
        let plan = SourcePlan::new(
            [0.0; 3],
            3000.0,
            7200.0,
            3600.0,
            &[emission(0, 1.0, 0.0)],
            60,
        )
        .unwrap();
        assert_eq!(plan.duration_s, 600.0);
        assert_eq!(plan.release_time_s(0), 3005.0);
        assert_eq!(plan.release_time_s(59), 3595.0);
    }

    #[test]
    fn five_deposition_classes_are_refused() {
        let em: Vec<_> = (0..5).map(|k| emission(k, 1.0, 0.001 * k as f64)).collect();
        assert_eq!(
            SourcePlan::new([0.0; 3], 0.0, 1.0, 1.0, &em, 10),
            Err(PlanError::TooManyClasses(5))
        );
    }

    #[test]
    fn particles_are_ordered_by_release_time_with_ids_in_that_order() {
        let a = SourcePlan::new([0.0; 3], 0.0, 100.0, 100.0, &[emission(0, 1.0, 0.0)], 4).unwrap();
        let b = SourcePlan::new([1.0; 3], 10.0, 20.0, 100.0, &[emission(0, 1.0, 0.0)], 3).unwrap();
        let ps = create_particles(&[a, b], StreamKey { seed: 1, member: 0 });
        assert_eq!(ps.len(), 7);
        assert!(ps.windows(2).all(|w| w[0].pos[3] <= w[1].pos[3]));
        assert!(ps.iter().enumerate().all(|(i, p)| p.id == i as u32));
        assert_eq!(share_particles(10, 3), vec![4, 3, 3]);
    }
}
