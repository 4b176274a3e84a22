//! From a scenario's `[meteorology]` to something models can sample.

use crate::geo::TransverseMercator;
use crate::scenario::{GriddedFormat, MetSpec, Scenario};

use super::gridded::cf::GriddedOptions;
use super::gridded::{cf, grib2, LocalBox};
use super::{MetError, MetWarning, Meteorology, StationMet, StationOptions, UniformMet};

/// Margin (m) added around the output domain when reading gridded fields, so that puffs and
/// particles near the edge still see the wind beyond it.
pub const GRID_MARGIN_M: f64 = 10_000.0;

/// Builds the scenario's meteorology in the local frame of `tm`, reading files where needed;
/// non-fatal problems come back as warnings.
pub fn load(
    scenario: &Scenario,
    tm: &TransverseMercator,
) -> Result<(Box<dyn Meteorology>, Vec<MetWarning>), MetError> {
    let run_s = scenario.duration_s;
    match &scenario.meteorology {
        MetSpec::Uniform(u) => Ok((
            Box::new(UniformMet::from_spec(u, scenario.domain.centre.lat)),
            vec![],
        )),
        MetSpec::Station(s) => {
            let options = StationOptions {
                roughness_length_m: s.roughness_length_m,
                weighting: s.weighting,
                max_gap_s: s.max_gap_s,
            };
            let (mut met, warnings) =
                StationMet::from_path(&s.file, scenario.start, run_s, tm, options)?;
            if let Some(p) = &s.perturbation {
                met.perturb(p);
            }
            Ok((Box::new(met), warnings))
        }
        MetSpec::Gridded(g) => {
            let [ex, ey] = scenario.domain.extent_m;
            let region = LocalBox {
                x_min_m: -0.5 * ex,
                x_max_m: 0.5 * ex,
                y_min_m: -0.5 * ey,
                y_max_m: 0.5 * ey,
            };
            let options = GriddedOptions {
                vertical: g.vertical_interpolation,
                default_roughness_length_m: g.roughness_length_m,
                margin_m: GRID_MARGIN_M,
                ..GriddedOptions::default()
            };
            let (mut met, warnings) = match g.format {
                GriddedFormat::Netcdf => {
                    cf::read(&g.file, scenario.start, run_s, tm, region, options)?
                }
                GriddedFormat::Grib2 => {
                    grib2::read(&g.file, scenario.start, run_s, tm, region, options)?
                }
            };
            if let Some(p) = &g.perturbation {
                met.perturb(p);
            }
            Ok((Box::new(met), warnings))
        }
    }
}

/// Opens and checks the weather file a scenario names as a run reads it — its format, columns
/// or variables, units, order and values, and its coverage of the run's period and region — and
/// returns the warnings the run would give (uniform weather has no file). What `plume check`
/// adds to the scenario's own validation, so that a bad file fails before a run, not during it.
pub fn check(scenario: &Scenario) -> Result<Vec<MetWarning>, MetError> {
    let tm = TransverseMercator::new(scenario.domain.centre);
    load(scenario, &tm).map(|(_, warnings)| warnings)
}
