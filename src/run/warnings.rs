//! Warnings a run gives about its own physics before the model runs: dense releases that
//! slump near their source, and the particle model's stable-air narrowness.

use crate::field::{Fields, GridSpec};
use crate::geo::jurisdiction::JurisdictionGrid;
use crate::geo::TransverseMercator;
use crate::impact::{TownExposure, ZoneSummary};
use crate::met::{ReleaseWind, UniformMet};
use crate::model::gaussian::dense;
use crate::model::gaussian::sigma::PassiveSigmas;
use crate::model::lagrangian::meander::MeanderConfig;
use crate::model::lagrangian::release::SourcePlan;
use crate::scenario::{ModelSpec, Scenario};
use crate::source::Source;

/// A warning when the particle model runs in stable air at the release (classes E and F)
/// without the wind's meander (`model.meander_sigma_m_s = 0`) and without a measured σθ: its
/// crosswind spread is then Hanna's (1982) turbulence alone. (A measured σθ sets the spread
/// itself, with the swings up to its record; the meander adds only longer ones.)
pub(super) fn stable_particle_warning(
    release_wind: Option<&ReleaseWind>,
    meander: &MeanderConfig,
) -> Option<String> {
    if meander.sigma_m_s > 0.0 || meander.resolved_s > 0.0 {
        return None;
    }
    let w = release_wind.filter(|w| matches!(w.stability, 'E' | 'F'))?;
    Some(format!(
        "stable air at the release (class {}) and no meander of the wind added to the \
         particle model (model.meander_sigma_m_s = 0) nor a measured σθ: \
         its crosswind spread is Hanna's (1982) turbulence alone, so \
         at night its plume is narrower and its centreline higher than observed far out \
         (in a reviewed class F case at 2 m/s, σy 33 m at 5 km against 75–160 m by \
         Briggs, Irwin and AERMOD; README, Lagrangian particles): compare the Gaussian \
         plume's zones before narrowing an evacuation",
        w.stability
    ))
}

/// A warning when uniform weather gives a mixing height in stable air (classes E and F), where
/// the Gaussian models' curves apply none (ISC3: the stable σz curves level off by themselves;
/// [`crate::met::BoundaryLayer::gaussian_lid_m`]): a scenario entering a low inversion would
/// otherwise see it silently ignored (found by review).
pub(super) fn stable_lid_warning(
    given_mixing_height_m: Option<f64>,
    met: &UniformMet,
) -> Option<String> {
    let h = given_mixing_height_m?;
    if met.boundary_layer.gaussian_lid_m().is_some() {
        return None;
    }
    Some(format!(
        "meteorology.mixing_height_m = {h} m in stable air (class {:?}) is no lid for the \
         Gaussian curves: as in ISC3, the stable σz curves level off by themselves and are not \
         reflected (a lid on them kept the Saint John rail car's AEGL-2 zone going past 98 km); \
         the particle model, and puffs grown by turbulence, keep the layer",
        met.boundary_layer.stability
    ))
}

/// A warning when a σθ's record, as `given` by the scenario, does not fit the particle
/// model's `meander`: given where the weather `measures` no σθ (a station file without the
/// column: the key is ignored), or longer than the plume's averaging time (the σθ then holds
/// swings the means do not, and the plume comes out as wide as a mean over the σθ's record).
pub(super) fn sigma_theta_record_warning(
    given: Option<f64>,
    measures: bool,
    meander: &MeanderConfig,
) -> Option<String> {
    if !measures {
        return given.map(|t| {
            format!(
                "meteorology.sigma_theta_averaging_s = {t} is ignored: the weather gives no \
                 sigma_theta_deg"
            )
        });
    }
    // An instantaneous release (T_a = 0) is moved whole by the swings: no record fits it
    // better, and no key widens it.
    (meander.averaging_s > 0.0 && meander.resolved_s > meander.averaging_s).then(|| {
        format!(
            "the measured σθ is taken over {} s, longer than the {} s the particle model's \
             plume is averaged over (the output interval, or the release where shorter, \
             unless model.meander_averaging_s says): it holds the wind's swings between the \
             two, which those means do not, so the plume comes out about as wide as a {} s mean (give \
             model.meander_averaging_s ≥ {} s, or a σθ over a shorter record)",
            meander.resolved_s, meander.averaging_s, meander.resolved_s, meander.resolved_s
        )
    })
}

/// Whether some source of `scenario` is at grade with a dense release under uniform `met`: the
/// Gaussian plume then models it with the workbook's near field.
pub(super) fn any_dense_at_grade(scenario: &Scenario, met: &UniformMet) -> bool {
    scenario
        .sources
        .iter()
        .any(|s| dense::near_field_release(s, &scenario.species, met).is_some())
}

/// A warning for each release of a vapour heavier than air that slumps under gravity near its
/// source ([`crate::source::dense_gas`]) over at least half a grid cell. With `near_field` (the
/// Gaussian plume's default) a release at grade is modelled by the workbook's near field and
/// the warning says so; otherwise the model treats it as passive, and within the distance given
/// the real cloud is wider and shallower than modelled. (By the criterion almost any chlorine
/// release is dense at the source, but a gram a second is passive within 4 m, which no grid
/// resolves.) Sources for which `skip(source, wind, air temperature)` holds get none; the 10 m
/// wind is taken as at least `wind_floor_m_s`, as the model screens it.
pub(super) fn dense_gas_warnings(
    scenario: &Scenario,
    met: &dyn crate::met::Meteorology,
    tm: &TransverseMercator,
    near_field: bool,
    skip: impl Fn(&Source, f64, f64) -> bool,
    wind_floor_m_s: f64,
) -> Vec<String> {
    let mut out = vec![];
    for source in &scenario.sources {
        let (x, y) = tm.forward(source.location);
        let m = met.sample(x, y, dense::WORKBOOK_WIND_HEIGHT_M, source.start_s);
        let wind_m_s = m.wind_u_m_s.hypot(m.wind_v_m_s).max(wind_floor_m_s);
        if skip(source, wind_m_s, m.air_temperature_k) {
            continue;
        }
        let Some((mix, s)) =
            dense::dense_release(source, &scenario.species, wind_m_s, m.air_temperature_k)
                .filter(|(_, s)| s.passive_beyond_m >= 0.5 * scenario.domain.resolution_m)
        else {
            continue;
        };
        // Two significant figures, so that ensemble members under slightly different winds
        // give the same warning (the distance barely depends on the wind).
        let round2 = |x: f64| {
            let unit = 10f64.powf(x.log10().floor() - 1.0);
            (x / unit).round() * unit
        };
        let what = format!(
            "{} from '{}' ({} kg/s) is a dense gas, {:.1} × as dense as air: by Britter & McQuaid's (1988) correlations it slumps and spreads under gravity to about {} m, where it is down to 0.2 % of its source concentration",
            mix.label(),
            source.name,
            mix.rate_kg_s,
            s.density_ratio,
            round2(s.passive_beyond_m),
        );
        let workbook = near_field && dense::applies(source, &s);
        let mut text = if workbook {
            let beyond = match scenario.model {
                ModelSpec::GaussianPuff(_) => "passive puffs",
                _ => "a passive plume from virtual sources",
            };
            format!(
                "{what}; model {} follows their workbook there (ground-level centreline concentration and gravity-spread width; {}) and {beyond} beyond",
                scenario.model.kind_name(),
                dense::vapour_note(source),
            )
        } else {
            format!(
                "{what}; model {} treats it as passive, so within that distance the real cloud is wider and shallower than modelled",
                scenario.model.kind_name(),
            )
        };
        if s.outside_fit() {
            text += " (outside the correlations' fitted range of α, −1 to 1)";
        }
        if workbook {
            text += ". ";
            text += crate::model::gaussian::crosswind::PLUME_EDGE_NOTE;
        }
        out.push(text);
        // The continuous-release correlations hold where u·T_release/x ≥ 2.5. Its own warning,
        // not a clause at the end of the one above: it says the numbers are too high.
        let continuous_to_m = wind_m_s * source.duration_s / dense::CONTINUOUS_MIN_RATIO;
        if workbook && continuous_to_m < s.passive_beyond_m {
            let puff = match scenario.model {
                ModelSpec::GaussianPuff(_) => String::new(),
                _ => " (model.kind = \"gaussian_puff\" follows a short release as a cloud)".into(),
            };
            out.push(format!(
                "{} from '{}' is a dense gas released for {:.0} s, continuous for Britter & McQuaid's correlations (u·T/x ≥ 2.5) only to about {} m: beyond, the real cloud is a puff that dilutes faster, so concentrations there are overstated{puff}",
                mix.label(),
                source.name,
                source.duration_s,
                round2(continuous_to_m),
            ));
        }
    }
    out
}

/// The time-integrated concentration one particle snapshot adds to a breathing-layer cell, for
/// each species (kg s m⁻³ or Bq s m⁻³): the largest amount a particle of any source carries of
/// it, standing for a whole sampling step `step_s`, over the volume of a cell of the lowest
/// layer. A cell's time-integrated concentration over it counts the snapshots behind the
/// cell's value (fewer where the amount decayed or deposited on the way).
pub(super) fn particle_sample_quanta(
    plans: &[SourcePlan],
    grid: &GridSpec,
    species: usize,
    step_s: f64,
) -> Vec<f64> {
    let layer = &grid.layers[0];
    let volume_m3 = grid.dx_m * grid.dx_m * (layer.top_m - layer.bottom_m);
    let mut quanta = vec![0.0f64; species];
    for e in plans
        .iter()
        .filter(|p| p.particles > 0)
        .flat_map(|p| &p.entries)
    {
        quanta[e.species] = quanta[e.species].max(e.amount_per_particle * step_s / volume_m3);
    }
    quanta
}

/// Fewest particle snapshots behind a town's breathing-layer exposure for which no warning is
/// given: the relative error of a count N is about 1/√N, a third at 10.
pub const FEW_SAMPLES: f64 = 10.0;

/// A warning naming the exposed towns whose breathing-layer exposure in the particle model
/// rests on fewer than [`FEW_SAMPLES`] particle snapshots (`quanta` from
/// [`particle_sample_quanta`]; the count of the species with most), and those with none where
/// the layer above holds the plume. Found by review: a 20 000-particle stack run gave Calais
/// and St. Stephen no inhalation dose at all — only groundshine — while the air 3–50 m above them
/// and their deposit showed the plume had passed; at 100 000 particles their thyroid dose was
/// 2.7 mSv.
pub(super) fn particle_sample_warning(
    fields: &Fields,
    jurisdictions: &JurisdictionGrid,
    exposed: &[TownExposure],
    quanta: &[f64],
) -> Option<String> {
    let mut few = vec![];
    for town in exposed {
        let Some((i, j)) = jurisdictions
            .towns
            .iter()
            .find(|(t, _)| t.name == town.town)
            .and_then(|(_, cell)| *cell)
        else {
            continue;
        };
        let count = |layer: usize| {
            fields
                .species
                .iter()
                .zip(quanta)
                .filter(|(_, &q)| q > 0.0)
                .map(|(f, &q)| f.time_integrated[[layer, j, i]] / q)
                .fold(0.0f64, f64::max)
        };
        let samples = count(0);
        let above = fields.grid.nz() > 1 && count(1) > 0.0;
        if samples < FEW_SAMPLES && (samples > 0.0 || above) {
            few.push(format!("{} ({:.0})", town.town, samples.floor()));
        }
    }
    if few.is_empty() {
        return None;
    }
    let layer = &fields.grid.layers[0];
    Some(format!(
        "the particle model's exposure in the breathing layer ({}–{} m) rests on few particle \
         samples at {} (samples in brackets): a count N is uncertain by about 1/√N (a town with 0 got its dose from \
         the deposit alone while the layer above held the plume); raise model.particles (10 \
         samples give about ±30 %) or compare the Gaussian puff model",
        layer.bottom_m,
        layer.top_m,
        few.join(", ")
    ))
}

/// Share of the centreline concentration below which a zone's reach is said to be cut short.
pub const AXIS_CELL_SHARE: f64 = 0.9;

/// A warning naming the Gaussian plume's zones whose reach lies where the plume is too narrow
/// for the grid: a cell on the plume's axis holds its mean, √(2π)·σy/Δ·erf(Δ/(2√2·σy)) of the
/// centreline concentration (Δ the cell size, σy the passive plume's at the zone's reach), and
/// a zone ends where that mean, not the centreline, falls below its threshold. Found by review:
/// ammonia's AEGL-3 reach in class F was 0.78 km on 100 m cells against 1.02 km on 25 m ones,
/// where σy ≈ 38 m makes a 100 m cell 0.77 of the centreline. `None` where every cell holds at
/// least [`AXIS_CELL_SHARE`] of it (Δ ≤ about 1.5 σy).
pub(super) fn coarse_grid_warning(
    sigmas: &PassiveSigmas,
    dx_m: f64,
    zones: &[ZoneSummary],
) -> Option<String> {
    let mut short = vec![];
    for z in zones {
        let Some(reach) = z.reach.as_ref().filter(|r| r.distance_m > dx_m) else {
            continue;
        };
        let (sigma_y_m, _) = sigmas.at(reach.distance_m);
        let share = (2.0 * std::f64::consts::PI).sqrt() * sigma_y_m / dx_m
            * libm::erf(dx_m / (2.0 * std::f64::consts::SQRT_2 * sigma_y_m));
        if share < AXIS_CELL_SHARE {
            short.push(format!(
                "{} (reaches {:.2} km, σy {:.0} m there, an axis cell {:.2} × the centreline)",
                z.zone,
                reach.distance_m / 1000.0,
                sigma_y_m,
                share
            ));
        }
    }
    if short.is_empty() {
        return None;
    }
    Some(format!(
        "the plume is narrower than the {dx_m} m cells where these zones end, so a cell's mean \
         falls below the threshold before the centreline does and the zones stop short: {}; \
         resolution_m of about 1.5 σy keeps an axis cell within 10 % of the centreline",
        short.join("; ")
    ))
}

/// A warning when the scenario asks for CAP alerts (`output.formats` has "cap") and the run
/// has none to write: none of its substances has protective-action criteria (a tracer), or no
/// zone's threshold is reached on the grid. Found by review: such a run wrote no alert and
/// said nothing, so a missing file looked like a failed write.
pub(super) fn cap_warning(
    scenario: &Scenario,
    consequence: &crate::consequence::Consequence,
) -> Option<String> {
    use crate::consequence::AssessedAs;
    if !scenario
        .output
        .formats
        .contains(&crate::scenario::OutputFormat::Cap)
    {
        return None;
    }
    if consequence
        .assessed_as
        .iter()
        .all(|a| *a == AssessedAs::Unassessed)
    {
        let names: Vec<&str> = scenario.species.iter().map(|s| s.name.as_str()).collect();
        return Some(format!(
            "output.formats asks for \"cap\", but no substance of the run ({}) has \
             protective-action criteria (an AEGL of the chemical library, or a nuclide's dose \
             criteria): no zone is drawn and no CAP alert is written",
            names.join(", ")
        ));
    }
    let reached = consequence
        .outdoor_zones()
        .any(|z| z.exceeded.iter().any(|&e| e));
    (!reached).then(|| {
        "output.formats asks for \"cap\", but no zone's threshold is reached anywhere on the \
         grid: there is nothing to alert, and no CAP alert is written"
            .to_string()
    })
}

/// A warning when a particle run is given `terrain = "urban"` without a population: the key
/// picks the Gaussian models' urban Briggs curves (McElroy & Pooler's St. Louis fits), while
/// the particles' turbulence then follows the stability class, the roughness length and the
/// mixing height alone, with no city's heat island (found by review: the rail car's particle
/// run was the rural one to the bit, 8–21× the urban Gaussian plume at 3–12 km). With a
/// population the particles take the urban night layer (`met::urban`), and a measured σθ of
/// the weather (`measures_sigma_theta`) is not used.
pub(super) fn urban_particle_warning(
    scenario: &Scenario,
    measures_sigma_theta: bool,
) -> Option<String> {
    if scenario.meteorology.terrain() != crate::scenario::Terrain::Urban {
        return None;
    }
    match scenario.meteorology.urban_population() {
        None => Some(
            "meteorology.terrain = \"urban\" sets the Gaussian models' urban Briggs curves; \
             without meteorology.urban_population the particle model's turbulence follows the \
             stability class, roughness_length_m and the mixing height alone and holds no \
             city's heat island, so over a city at night its plume is narrower and its \
             centreline higher than the urban curves' (in a reviewed class F ground release, \
             8–21× the urban Gaussian plume at 3–12 km): give the city's population for \
             AERMOD's urban night layer, or compare the Gaussian plume's zones before \
             narrowing an evacuation"
                .to_string(),
        ),
        Some(_) if measures_sigma_theta => Some(
            "meteorology.urban_population: the measured σθ is not used — where the rural air is \
             stable the city's night layer replaces it, and by day the parameterised profile \
             stands (a σθ measured in the city at night already holds its heat island: leave \
             urban_population out to use it)"
                .to_string(),
        ),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meander(resolved_s: f64, averaging_s: f64) -> MeanderConfig {
        MeanderConfig {
            sigma_m_s: 0.5,
            time_scale_s: 7200.0,
            averaging_s,
            resolved_s,
            exposure_averaging_s: averaging_s,
        }
    }

    #[test]
    fn an_instantaneous_release_under_a_measured_sigma_theta_is_not_warned_of() {
        // T_a = 0: the meander moves the puff whole, and no averaging time would widen it.
        assert_eq!(
            sigma_theta_record_warning(None, true, &meander(600.0, 0.0)),
            None
        );
        assert!(sigma_theta_record_warning(None, true, &meander(600.0, 300.0)).is_some());
    }

    #[test]
    fn a_sigma_theta_record_is_warned_of_where_it_is_ignored_or_longer_than_the_means() {
        // A station file without σθ: the key does nothing, and says so.
        let ignored = sigma_theta_record_warning(Some(900.0), false, &meander(0.0, 900.0));
        assert!(ignored.is_some_and(|w| w.contains("= 900 is ignored")));
        assert_eq!(
            sigma_theta_record_warning(None, false, &meander(0.0, 900.0)),
            None
        );
        // Within the means (or equal to them): nothing to say.
        for (given, resolved_s) in [(None, 600.0), (Some(900.0), 900.0)] {
            let w = sigma_theta_record_warning(given, true, &meander(resolved_s, 900.0));
            assert_eq!(w, None, "{given:?}");
        }
        let longer = sigma_theta_record_warning(Some(3600.0), true, &meander(3600.0, 900.0));
        assert!(longer.is_some_and(|w| w.contains("3600 s, longer than") && w.contains("900 s")));
    }
}
