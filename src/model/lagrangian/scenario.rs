//! Builds a particle run from a validated scenario: source plans in the local frame (with
//! Briggs plume rise for stacks), the flow column of the scenario's meteorology, the grid.

use super::driver::{simulate, Flow, LagrangianConfig, LagrangianRun, Progress};
use super::release::{share_particles, Emission, PlanError, RiseStep, SourcePlan};
use crate::field::GridSpec;
use crate::geo::TransverseMercator;
use crate::met::Meteorology;
use crate::model::gaussian::sigma::BID_RISE_RATIO;
use crate::scenario::Scenario;
use crate::source::plume_rise::RiseInputs;

/// How often a stack's plume rise is evaluated again over its release (s): the weather at the
/// stack changes the rise, and station or gridded weather changes by the hour.
pub const RISE_UPDATE_S: f64 = 600.0;

/// Plans every source of `scenario`, sharing `particles` among them; release heights include
/// the Briggs (1975) final plume rise of stacks with exit conditions (from the stack height
/// lowered by any stack-tip downwash), with the rise's own spread (buoyancy-induced dispersion,
/// Δh/3.5 about the risen centre), in the meteorology at the stack (wind at its top, air
/// temperature, stability class) when each particle is released, evaluated every
/// [`RISE_UPDATE_S`] from the release start.
pub fn plan_sources(
    scenario: &Scenario,
    met: &dyn Meteorology,
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
            let rise_at = |stack, t_s: f64| {
                let at_top = met.sample(x_m, y_m, src.height_m.max(10.0), t_s);
                let rise = RiseInputs {
                    stack,
                    air_temperature_k: at_top.air_temperature_k,
                    wind_m_s: at_top.wind_speed_m_s(),
                    stability: at_top.boundary_layer.stability,
                };
                let final_m = rise.final_rise_m();
                RiseStep {
                    from_s: t_s,
                    height_m: rise.stack_tip_downwash_m(src.height_m) + final_m,
                    spread_m: final_m / BID_RISE_RATIO,
                }
            };
            let end_s = src.end_s().min(scenario.duration_s);
            let rise: Vec<RiseStep> = src.stack.map_or(vec![], |stack| {
                let mut t = src.start_s;
                let mut out = vec![rise_at(stack, t)];
                while t + RISE_UPDATE_S < end_s {
                    t += RISE_UPDATE_S;
                    out.push(rise_at(stack, t));
                }
                out
            });
            // The particles settle in the air at the source when the release starts.
            let air_k = met
                .sample(x_m, y_m, src.height_m, src.start_s.min(scenario.duration_s))
                .air_temperature_k;
            let emissions: Vec<Emission> = src
                .releases
                .iter()
                .map(|r| Emission {
                    species: r.species,
                    rate_per_s: r.rate_per_s,
                    decay_per_s: scenario.species[r.species].decay_constant_per_s(),
                    deposition: src
                        .deposition_settling_at(&r.deposition, src.settling_velocity_in_m_s(air_k)),
                })
                .collect();
            SourcePlan::new(
                [x_m, y_m, src.height_m],
                src.start_s,
                src.duration_s,
                scenario.duration_s,
                &emissions,
                n,
            )
            .map(|plan| {
                plan.with_rise(rise)
                    .with_settling(src.settling_velocity_in_m_s(air_k))
            })
        })
        .collect()
}

/// Runs `scenario` with the particle model in `met` (local frame `tm`): `particles` particles,
/// settings `cfg`, reporting `progress` after every synchronisation step. Runs on the current
/// rayon pool.
///
/// Each particle takes its wind and turbulence from the nearest of a horizontal grid of columns
/// over the domain ([`super::ColumnGrid::from_met`]), rebuilt every synchronisation step unless
/// the meteorology is uniform (then one column serves everywhere and always).
pub fn run_scenario(
    scenario: &Scenario,
    met: &dyn Meteorology,
    tm: &TransverseMercator,
    particles: usize,
    cfg: &LagrangianConfig,
    progress: &mut dyn FnMut(&Progress),
) -> Result<LagrangianRun, PlanError> {
    let plans = plan_sources(scenario, met, tm, particles)?;
    let grid = GridSpec::from_scenario(scenario);
    let flow = Flow::Met(met);
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
