//! Builds a particle run from a validated scenario: source plans in the local frame (with
//! Briggs plume rise for stacks), the flow column of the scenario's meteorology, the grid.

use super::driver::{simulate, Flow, LagrangianConfig, LagrangianRun, Progress};
use super::release::{share_particles, Emission, PlanError, SourcePlan};
use crate::field::GridSpec;
use crate::geo::TransverseMercator;
use crate::met::UniformMet;
use crate::scenario::Scenario;
use crate::source::plume_rise::RiseInputs;

/// Plans every source of `scenario`, sharing `particles` among them; release heights include
/// the Briggs (1975) final plume rise of stacks with exit conditions, in `met`.
pub fn plan_sources(
    scenario: &Scenario,
    met: &UniformMet,
    tm: &TransverseMercator,
    particles: usize,
) -> Result<Vec<SourcePlan>, PlanError> {
    let shares = share_particles(particles, scenario.sources.len());
    scenario
        .sources
        .iter()
        .zip(shares)
        .map(|(src, n)| {
            let (x_m, y_m) = tm.forward(src.location);
            let rise_m = src.stack.map_or(0.0, |stack| {
                RiseInputs {
                    stack,
                    air_temperature_k: met.air_temperature_k,
                    wind_m_s: met
                        .wind_speed_at_m_s(src.height_m.max(met.reference_height_m.min(10.0))),
                    stability: met.boundary_layer.stability,
                }
                .final_rise_m()
            });
            let emissions: Vec<Emission> = src
                .releases
                .iter()
                .map(|r| Emission {
                    species: r.species,
                    rate_per_s: r.rate_per_s,
                    decay_per_s: scenario.species[r.species].decay_constant_per_s(),
                    deposition: r.deposition,
                })
                .collect();
            SourcePlan::new(
                [x_m, y_m, src.height_m + rise_m],
                src.start_s,
                src.duration_s,
                scenario.duration_s,
                &emissions,
                n,
            )
        })
        .collect()
}

/// Runs `scenario` with the particle model: `particles` particles, settings `cfg`, reporting
/// `progress` after every synchronisation step. Runs on the current rayon pool.
pub fn run_scenario(
    scenario: &Scenario,
    met: &UniformMet,
    particles: usize,
    cfg: &LagrangianConfig,
    progress: &mut dyn FnMut(&Progress),
) -> Result<LagrangianRun, PlanError> {
    let tm = TransverseMercator::new(scenario.domain.centre);
    let plans = plan_sources(scenario, met, &tm, particles)?;
    let grid = GridSpec::from_scenario(scenario);
    let flow = Flow::Met {
        met,
        x_m: 0.0,
        y_m: 0.0,
    };
    Ok(simulate(
        &plans,
        &scenario.species,
        &grid,
        &flow,
        cfg,
        scenario.duration_s,
        progress,
    ))
}
