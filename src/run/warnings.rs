//! Warnings a run gives about its own physics before the model runs: dense releases that
//! slump near their source, and the particle model's stable-air narrowness.

use crate::geo::TransverseMercator;
use crate::met::{ReleaseWind, UniformMet};
use crate::model::gaussian::dense;
use crate::scenario::{ModelSpec, Scenario};
use crate::source::Source;

/// A warning when the particle model runs in stable air at the release (classes E and F): its
/// crosswind spread is Hanna's (1982) turbulence alone, with no slow meander of the wind.
pub(super) fn stable_particle_warning(release_wind: Option<&ReleaseWind>) -> Option<String> {
    let w = release_wind.filter(|w| matches!(w.stability, 'E' | 'F'))?;
    Some(format!(
        "stable air at the release (class {}): the particle model's crosswind spread \
         is Hanna's (1982) turbulence alone, with no slow meander of the wind, so at \
         night its plume is narrower and its centreline higher than observed far \
         out (in a reviewed class F case at 2 m/s, σy 33 m at 5 km against 75–160 m \
         by Briggs, Irwin and AERMOD; README, Lagrangian particles): compare the \
         Gaussian plume's zones before narrowing an evacuation",
        w.stability
    ))
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
