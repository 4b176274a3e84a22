//! The release of puffs: one per source and step, or one dense cloud per instantaneous dense
//! release ([`super::dense`]).

use super::dense::{self, DensePhase};
use super::{state, Puff, PuffRun};
use crate::geo::TransverseMercator;
use crate::model::gaussian::dense::WORKBOOK_WIND_HEIGHT_M;
use crate::source::dense_cloud::DenseCloud;
use crate::source::dense_gas::DensePlume;
use crate::source::plume_rise::RiseInputs;
use crate::source::{Deposition, Source, Stack};

/// A source set up in the local frame.
#[derive(Debug, Clone)]
pub(super) struct Emitter {
    /// The release point (m, local frame).
    pub(super) x_m: f64,
    pub(super) y_m: f64,
    height_m: f64,
    start_s: f64,
    end_s: f64,
    /// Release rate of each species (species unit per s).
    rate_per_s: Vec<f64>,
    stack: Option<Stack>,
    /// How each species deposits (dry velocity, washout), from the source's releases.
    pub(super) deposition: Vec<Deposition>,
    /// The source as written, for the dense-gas screening.
    pub(super) source: Source,
    /// Set once the whole release has left as one dense cloud.
    released_whole: bool,
}

impl Emitter {
    /// `source` in the local frame of `tm`, with its rates by species (of `n_species`).
    pub(super) fn new(source: &Source, n_species: usize, tm: &TransverseMercator) -> Self {
        let (x_m, y_m) = tm.forward(source.location);
        let mut rate_per_s = vec![0.0; n_species];
        let mut deposition = vec![Deposition::default(); n_species];
        for r in &source.releases {
            rate_per_s[r.species] += r.rate_per_s;
            deposition[r.species] = r.deposition;
        }
        Emitter {
            x_m,
            y_m,
            height_m: source.height_m,
            start_s: source.start_s,
            end_s: source.end_s(),
            rate_per_s,
            stack: source.stack,
            deposition,
            source: source.clone(),
            released_whole: false,
        }
    }
}

impl PuffRun<'_> {
    /// Releases one puff per source active in `[t0, t1]`, carrying what it released there —
    /// or, for an instantaneous dense release, its whole release as one workbook cloud.
    pub(super) fn release(&mut self, t0: f64, t1: f64) {
        for idx in 0..self.emitters.len() {
            let e = &self.emitters[idx];
            let (a, b) = (e.start_s.max(t0), e.end_s.min(t1));
            if b <= a || e.released_whole {
                continue;
            }
            let cloud = if self.setup.dense_gas && a == e.start_s {
                self.dense_cloud(idx)
            } else {
                None
            };
            let e = &self.emitters[idx];
            // A dense cloud carries the whole release, from its start (even a part that would
            // fall after the run's end: the release is instantaneous, at most about a minute).
            let whole = cloud.is_some();
            let b = if whole { e.end_s } else { b };
            let mass: Vec<f64> = e.rate_per_s.iter().map(|r| r * (b - a)).collect();
            for (s, m) in mass.iter().enumerate() {
                self.budget[s].released += m;
            }
            let t_rel = if whole { a } else { 0.5 * (a + b) };
            let dense = match cloud {
                Some(c) => Some(c),
                None if self.setup.dense_gas => self.dense_plume(idx, t_rel),
                None => None,
            };
            let e = &self.emitters[idx];
            let at = self.met.sample(
                e.x_m,
                e.y_m,
                e.height_m.max(self.setup.transport_height_floor_m),
                t_rel,
            );
            let rise = e.stack.map(|stack| RiseInputs {
                stack,
                air_temperature_k: at.air_temperature_k,
                wind_m_s: at.wind_speed_m_s(),
                stability: at.boundary_layer.stability,
            });
            let (sigma_y_m, sigma_z_m) = dense
                .map_or((state::MIN_SIGMA_M, state::MIN_SIGMA_M), |d| {
                    d.sigmas(0.0, 0.0)
                });
            self.puffs.push(Puff {
                x_m: e.x_m,
                y_m: e.y_m,
                z_m: if dense.is_some() {
                    0.0
                } else {
                    e.height_m + rise.map_or(0.0, |r| r.stack_tip_downwash_m(e.height_m))
                },
                sigma_y_m,
                sigma_z_m,
                travel_m: 0.0,
                rise,
                virtual_y_m: 0.0,
                virtual_z_m: 0.0,
                class: at.boundary_layer.stability,
                mass,
                t_s: t_rel,
                source: idx,
                shear_m: 0.0,
                age_s: 0.0,
                dense,
                ground_level: dense.is_some(),
                along_deficit_m2: 0.0,
                settling_velocity_m_s: e.source.settling_velocity_in_m_s(at.air_temperature_k),
                settled_m: 0.0,
            });
            self.emitters[idx].released_whole = whole;
        }
    }

    /// The workbook cloud of emitter `idx` if its release is an instantaneous dense one in the
    /// 10 m wind and the air at its start ([`dense::instantaneous_release`]); says so in the
    /// warnings.
    fn dense_cloud(&mut self, idx: usize) -> Option<DensePhase> {
        let e = &self.emitters[idx];
        let at = self
            .met
            .sample(e.x_m, e.y_m, WORKBOOK_WIND_HEIGHT_M, e.start_s);
        let (mix, s) = dense::instantaneous_release(
            &e.source,
            &self.species,
            at.wind_speed_m_s(),
            at.air_temperature_k,
        )?;
        self.warnings.push(dense::warning(&e.source, &mix, &s));
        Some(DensePhase::Cloud(DenseCloud::new(&s)))
    }

    /// The slice of the workbook's continuous plume that emitter `idx` sheds at `t_s`, if its
    /// release is a continuous dense one at grade in the 10 m wind and the air there and then
    /// ([`dense::continuous_release`]).
    fn dense_plume(&self, idx: usize, t_s: f64) -> Option<DensePhase> {
        let e = &self.emitters[idx];
        let at = self.met.sample(e.x_m, e.y_m, WORKBOOK_WIND_HEIGHT_M, t_s);
        let (_, s) = dense::continuous_release(
            &e.source,
            &self.species,
            at.wind_speed_m_s(),
            at.air_temperature_k,
        )?;
        Some(DensePhase::Plume {
            plume: DensePlume::new(&s),
            continuity_m2: s.volume_rate_m3_s / (std::f64::consts::PI * s.wind_speed_m_s),
        })
    }
}
