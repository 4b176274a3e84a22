//! Ensemble outputs: `ensemble.nc` (CF-1.10, the conventions and writer of `fields.nc`),
//! `ensemble_zones.geojson` and `ensemble_zones.kml` (the 10/50/90 % probability outlines of
//! every zone),
//! `ensemble_map.png` (the probability of each country's widest zone) and
//! `ensemble_summary.json`, all staged and moved into place together, and the text the CLI
//! prints.

use std::path::{Path, PathBuf};

use ndarray::Array2;
use serde::Serialize;

use super::{Ensemble, EnsembleError, EnsembleSpec};
use crate::field::Fields;
use crate::geo::outline::CellLattice;
use crate::met::MetPerturbation;
use crate::output::lon_lat::lon_lat;
use crate::output::map::{local_release_start, render, Hazard, MapContent, Outline, Scale};
use crate::output::netcdf::{self, variable_name, ExtraField, Provenance};
use crate::output::staging::{check_output_dir, Staging};
use crate::output::write_bytes_atomically;
use crate::scenario::Scenario;
use plotters::style::RGBColor;

/// The ensemble's grids.
const ENSEMBLE_NC: &str = "ensemble.nc";
/// The probability outlines of the zones, for GIS and for Google Earth.
const ENSEMBLE_GEOJSON: &str = "ensemble_zones.geojson";
const ENSEMBLE_KML: &str = "ensemble_zones.kml";
/// The probability map of each country's widest zone.
const ENSEMBLE_MAP: &str = "ensemble_map.png";
/// The ensemble's summary.
const ENSEMBLE_SUMMARY: &str = "ensemble_summary.json";
/// Everything an ensemble writes: its files go beside the outputs of `plume run` in the same
/// directory and never replace or remove them.
const ENSEMBLE_OUTPUTS: [&str; 5] = [
    ENSEMBLE_NC,
    ENSEMBLE_GEOJSON,
    ENSEMBLE_KML,
    ENSEMBLE_MAP,
    ENSEMBLE_SUMMARY,
];

/// One zone criterion across the members.
#[derive(Debug, Clone, Serialize)]
pub struct ZoneSummary {
    pub label: String,
    /// Its probability variable in `ensemble.nc`.
    pub variable: String,
    /// "US", "CA", or null for AEGL tiers (both countries).
    pub country: Option<&'static str>,
    pub threshold: f64,
    pub unit: &'static str,
    /// Area (km², land and water) of the cells exceeded in at least 10 %, 50 % and 90 % of
    /// the members.
    pub area_km2_probability_ge_10: f64,
    pub area_km2_probability_ge_50: f64,
    pub area_km2_probability_ge_90: f64,
    /// The zone's area in each member: mean, smallest, largest (km²).
    pub member_area_km2_mean: f64,
    pub member_area_km2_min: f64,
    pub member_area_km2_max: f64,
}

/// One species across the members.
#[derive(Debug, Clone, Serialize)]
pub struct SpeciesSummary {
    pub name: String,
    pub units: String,
    /// Largest cell value of the ensemble mean and of the 90th percentile of the
    /// time-integrated concentration in the lowest layer.
    pub peak_mean_time_integrated: f64,
    pub peak_p90_time_integrated: f64,
}

/// The whole ensemble, machine-readable.
#[derive(Debug, Clone, Serialize)]
pub struct EnsembleSummary {
    pub scenario: String,
    pub scenario_file: String,
    pub model: String,
    pub meteorology: String,
    pub backend: String,
    pub ensemble: EnsembleSpec,
    pub grid_nx: usize,
    pub grid_ny: usize,
    pub resolution_m: f64,
    pub elapsed_s: f64,
    /// How many `--shard` jobs ran the members (1: this command ran them all).
    pub shards: usize,
    pub zones: Vec<ZoneSummary>,
    pub species: Vec<SpeciesSummary>,
    /// Each member's perturbation, in member order.
    pub members: Vec<MetPerturbation>,
    pub outputs: Vec<String>,
    /// The scenario file's own warnings ([`crate::output::summary::RunSummary`]'s).
    pub scenario_warnings: Vec<String>,
    pub warnings: Vec<String>,
}

fn max(a: &Array2<f64>) -> f64 {
    a.iter().copied().fold(0.0, f64::max)
}

/// Summarises an ensemble.
pub fn summarise(scenario: &Scenario, e: &Ensemble, outputs: Vec<String>) -> EnsembleSummary {
    let m = e.spec.members;
    let cell_km2 = e.grid.cell_area_m2() / 1e6;
    EnsembleSummary {
        scenario: scenario.name.clone(),
        scenario_file: scenario.path.display().to_string(),
        model: e.model.clone(),
        meteorology: scenario.meteorology.kind_name().into(),
        backend: e.backend.clone(),
        ensemble: e.spec,
        grid_nx: e.grid.nx,
        grid_ny: e.grid.ny,
        resolution_m: e.grid.dx_m,
        elapsed_s: e.elapsed_s,
        shards: e.shards,
        zones: e
            .zones
            .iter()
            .map(|z| {
                let a = &z.member_area_km2;
                ZoneSummary {
                    label: z.label.clone(),
                    variable: z.variable.clone(),
                    country: z.country,
                    threshold: z.threshold,
                    unit: z.unit,
                    area_km2_probability_ge_10: z.area_km2_at_least(10, m, cell_km2),
                    area_km2_probability_ge_50: z.area_km2_at_least(50, m, cell_km2),
                    area_km2_probability_ge_90: z.area_km2_at_least(90, m, cell_km2),
                    member_area_km2_mean: a.iter().sum::<f64>() / a.len().max(1) as f64,
                    member_area_km2_min: a.iter().copied().fold(f64::INFINITY, f64::min),
                    member_area_km2_max: a.iter().copied().fold(0.0, f64::max),
                }
            })
            .collect(),
        species: e
            .species
            .iter()
            .map(|s| SpeciesSummary {
                name: s.name.clone(),
                units: format!("{} s m-3", s.unit),
                peak_mean_time_integrated: max(&s.mean),
                peak_p90_time_integrated: max(&s.p90),
            })
            .collect(),
        members: e.members.clone(),
        outputs,
        scenario_warnings: scenario.warnings.clone(),
        warnings: e.warnings.clone(),
    }
}

impl EnsembleSummary {
    /// A few lines for a terminal.
    pub fn to_text(&self) -> String {
        let e = &self.ensemble;
        let mut s = format!(
            "{}\n  ensemble of {} members (seed {}) of {} on {} meteorology, {}, grid {} × {} at {} m, {:.2} s{}\n  perturbations (σ): direction {}°, ln speed {}, ln mixing height {}, stability {} class / {} m-1 in 1/L\n",
            self.scenario,
            e.members,
            e.seed,
            self.model,
            self.meteorology,
            self.backend,
            self.grid_nx,
            self.grid_ny,
            self.resolution_m,
            self.elapsed_s,
            if self.shards > 1 {
                format!(" in {} shards' jobs", self.shards)
            } else {
                String::new()
            },
            e.wind_from_sd_deg,
            e.wind_speed_log_sd,
            e.mixing_height_log_sd,
            e.stability_class_sd,
            e.inverse_obukhov_length_sd_per_m,
        );
        for sp in &self.species {
            s += &format!(
                "  {}: peak time-integrated concentration, ensemble mean {:.3e}, 90th percentile {:.3e} {}\n",
                sp.name, sp.peak_mean_time_integrated, sp.peak_p90_time_integrated, sp.units
            );
        }
        if self.zones.is_empty() {
            s += "  no zone criteria apply to these species\n";
        } else {
            s += "  zone area (km²) exceeded with probability ≥ 10 % / 50 % / 90 %  (member range)\n";
        }
        for z in &self.zones {
            s += &format!(
                "    {:<34} {:>9.2} {:>9.2} {:>9.2}  ({:.2}–{:.2})\n",
                z.label,
                z.area_km2_probability_ge_10,
                z.area_km2_probability_ge_50,
                z.area_km2_probability_ge_90,
                z.member_area_km2_min,
                z.member_area_km2_max
            );
        }
        for w in &self.warnings {
            s += &format!("WARNING: {w}\n");
        }
        for o in &self.outputs {
            s += &format!("  wrote {o}\n");
        }
        s
    }
}

/// The probability and statistics variables of `ensemble.nc`.
fn extra_fields(e: &Ensemble) -> Vec<ExtraField> {
    let m = e.spec.members;
    let mut out = vec![];
    for z in &e.zones {
        // The zone's title says which quantity and window the threshold is on ("projected
        // dose … over 7 days"), as the run's zone variables do (found by review: the label alone
        // did not).
        let mut attributes = vec![
            ("zone".to_string(), z.label.clone()),
            ("description".to_string(), z.title_en.clone()),
            ("description_fr".to_string(), z.title_fr.clone()),
            ("threshold_units".to_string(), z.unit.to_string()),
        ];
        if let Some(c) = z.country {
            attributes.push(("country".into(), format!("{c} cells only")));
        }
        out.push(ExtraField {
            name: z.variable.clone(),
            long_name: format!(
                "fraction of ensemble members in which the cell exceeds {}",
                z.label
            ),
            units: "1".into(),
            dims: vec!["y", "x"],
            data: z.probability(m).into_dyn(),
            attributes,
            numeric_attributes: vec![
                ("valid_range".into(), vec![0.0, 1.0]),
                ("threshold".into(), vec![z.threshold]),
                ("ensemble_members".into(), vec![m as f64]),
            ],
        });
    }
    for s in &e.species {
        let v = variable_name(&s.name);
        for (what, prefix, data) in [
            ("ensemble mean", "ensemble_mean", &s.mean),
            (
                "90th percentile over the members (linear between order statistics)",
                "ensemble_p90",
                &s.p90,
            ),
        ] {
            out.push(ExtraField {
                name: format!("{prefix}_time_integrated_air_concentration_{v}"),
                long_name: format!(
                    "{what} of the time-integrated air concentration of {} in the lowest layer",
                    s.name
                ),
                units: format!("{} s m-3", s.unit),
                dims: vec!["y", "x"],
                data: data.clone().into_dyn(),
                attributes: vec![
                    ("species".into(), s.name.clone()),
                    ("cell_methods".into(), "time: sum area: mean".into()),
                ],
                numeric_attributes: vec![],
            });
        }
    }
    out
}

/// The ensemble's settings as `key = value` pairs, for the file's history.
pub(super) fn settings(sp: &EnsembleSpec) -> String {
    format!(
        "members = {}, seed = {}, wind_from_sd_deg = {}, wind_speed_log_sd = {}, \
         mixing_height_log_sd = {}, stability_class_sd = {}, inverse_obukhov_length_sd_per_m = {}",
        sp.members,
        sp.seed,
        sp.wind_from_sd_deg,
        sp.wind_speed_log_sd,
        sp.mixing_height_log_sd,
        sp.stability_class_sd,
        sp.inverse_obukhov_length_sd_per_m
    )
}

/// Writes `ensemble.nc`, `ensemble_zones.geojson`, `ensemble_zones.kml`, `ensemble_map.png` and
/// `ensemble_summary.json` into `dir` and returns the summary (which lists them).
pub fn write_outputs(
    scenario: &Scenario,
    e: &Ensemble,
    dir: &Path,
) -> Result<(EnsembleSummary, Vec<PathBuf>), EnsembleError> {
    let mut staging = Staging::new(dir)?;
    let sp = &e.spec;
    let merged = if e.shards > 1 {
        format!(", merged from {} shards", e.shards)
    } else {
        String::new()
    };
    let prov = Provenance::now(&e.model, scenario.model.seed(), &e.backend)
        .of_command("ensemble", format!("{}{merged}", settings(sp)));
    // Numbers as numbers (found by review: an analyst had to cast "10" to read the members).
    use netcdf::GlobalAttr::{Count, Number, Text};
    let global: Vec<(String, netcdf::GlobalAttr)> = [
        ("ensemble_members", Count(sp.members as u64)),
        ("ensemble_seed", Count(sp.seed)),
        ("ensemble_wind_from_sd_deg", Number(sp.wind_from_sd_deg)),
        ("ensemble_wind_speed_log_sd", Number(sp.wind_speed_log_sd)),
        ("ensemble_mixing_height_log_sd", Number(sp.mixing_height_log_sd)),
        ("ensemble_stability_class_sd", Number(sp.stability_class_sd)),
        (
            "ensemble_inverse_obukhov_length_sd_per_m",
            Number(sp.inverse_obukhov_length_sd_per_m),
        ),
        (
            "ensemble_method",
            Text("each member perturbs the whole meteorology coherently (direction offset, lognormal speed and mixing-height factors, stability shift) from Philox4x32-10 keyed by (seed, member); probabilities are fractions of members (Galmarini et al. 2004)".into()),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    // No model fields: the grid, its coordinates and the CRS, then the ensemble's variables.
    let fields = Fields {
        grid: e.grid.clone(),
        species: vec![],
    };
    netcdf::write(
        &staging.stage(ENSEMBLE_NC),
        scenario,
        &fields,
        &e.projection,
        &prov,
        &global,
        &extra_fields(e),
    )?;
    write_bytes_atomically(
        &staging.stage(ENSEMBLE_GEOJSON),
        super::outlines::probability_geojson(scenario, e, &prov).as_bytes(),
    )?;
    write_bytes_atomically(
        &staging.stage(ENSEMBLE_KML),
        super::outlines::probability_kml(scenario, e, &prov).as_bytes(),
    )?;
    let png = probability_map(scenario, e).map_err(|message| {
        EnsembleError::Output(crate::output::OutputError::Image {
            path: staging.final_path(ENSEMBLE_MAP),
            message,
        })
    })?;
    write_bytes_atomically(&staging.stage(ENSEMBLE_MAP), &png)?;
    let summary = summarise(
        scenario,
        e,
        ENSEMBLE_OUTPUTS
            .iter()
            .map(|n| staging.final_path(n).display().to_string())
            .collect(),
    );
    let bytes = serde_json::to_vec_pretty(&summary).expect("summary serialises");
    write_bytes_atomically(&staging.stage(ENSEMBLE_SUMMARY), &bytes)?;
    let outputs = staging.commit(&ENSEMBLE_OUTPUTS)?;
    Ok((summary, outputs))
}

/// The map of the ensemble: for each country's criteria (and the AEGL tiers, which are both
/// countries'), the probability of its zone that reaches widest (the largest area exceeded in
/// at least 10 % of the members), with its 10, 50 and 90 % outlines; the sources, towns and
/// border alone when no member reaches any zone. Each country's zones count only its own
/// cells, so one zone alone left the other side of the border blank, however certain its
/// zones there (found by review: the US KI zone hid a Canadian evacuation zone at ≥ 90 %).
fn probability_map(scenario: &Scenario, e: &Ensemble) -> Result<Vec<u8>, String> {
    let m = e.spec.members;
    let cell_km2 = e.grid.cell_area_m2() / 1e6;
    let shown = widest_of_each_country(&e.zones, m, cell_km2);
    let level_styles = [
        (10, RGBColor(255, 140, 0), 2),
        (50, RGBColor(0, 0, 0), 2),
        (90, RGBColor(220, 0, 0), 3),
    ];
    let content = MapContent {
        title: format!(
            "{} — {} — ensemble of {m} weathers",
            scenario.name,
            local_release_start(scenario)
        ),
        // The zones lie in different countries; where both apply (outside the bundled
        // region) the map shows the larger probability.
        field: shown.first().map(|first| Hazard {
            values: shown.iter().skip(1).fold(first.probability(m), |acc, z| {
                ndarray::Zip::from(&acc)
                    .and(&z.probability(m))
                    .map_collect(|&a, &b| a.max(b))
            }),
            // The zones are named in the legend by their titles; a colour bar title naming
            // them all ran into the bar.
            name: if shown.len() == 1 {
                "probability of the zone".into()
            } else {
                "probability of the zones (the larger where both apply)".into()
            },
            unit: "fraction of members",
            unit_note: None,
            scale: Scale::Fraction,
            criterion: None,
        }),
        outlines: shown
            .iter()
            .enumerate()
            .flat_map(|(k, z)| {
                level_styles
                    .into_iter()
                    .filter_map(move |(pct, colour, width)| {
                        let mask = z.at_least(pct, m);
                        mask.iter().any(|&x| x).then(|| Outline {
                            geometry: lon_lat(&mask, CellLattice::of_grid(&e.grid), &e.projection),
                            colour,
                            width,
                            // The second country's zone dashed, so the two read apart.
                            dashed: k > 0,
                            label: format!("{} in ≥ {pct} % of members", legend_text(z)),
                        })
                    })
            })
            .collect(),
        // Each member has its own weather.
        note: None,
        wind: None,
    };
    render(scenario, &e.grid, &e.projection, &content)
}

/// A zone as the ensemble map's legend names it: its title, as the run's maps and alerts give
/// it ("Evacuate: projected dose at least 100 mSv over 7 days (Health Canada 2018)"), not its
/// code ("HC_2018 evacuate"; found by review), which stays for a zone without a title.
fn legend_text(z: &super::ZoneProbability) -> &str {
    if z.title_en.is_empty() {
        &z.label
    } else {
        &z.title_en
    }
}

/// Of each country's zones (Canada's, the United States', then the AEGL tiers of both), the
/// one with the largest area exceeded in at least 10 % of the `members`.
fn widest_of_each_country(
    zones: &[super::ZoneProbability],
    members: usize,
    cell_km2: f64,
) -> Vec<&super::ZoneProbability> {
    [Some("CA"), Some("US"), None]
        .into_iter()
        .filter_map(|country| {
            zones
                .iter()
                .filter(|z| z.country == country)
                .map(|z| (z, z.area_km2_at_least(10, members, cell_km2)))
                .filter(|(_, a)| *a > 0.0)
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(z, _)| z)
        })
        .collect()
}

/// What `plume ensemble` did: a whole ensemble (run, or merged from shards), or one shard.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum EnsembleOutcome {
    Ensemble(EnsembleSummary),
    Shard(super::ShardSummary),
}

impl EnsembleOutcome {
    /// A few lines for a terminal.
    pub fn to_text(&self) -> String {
        match self {
            EnsembleOutcome::Ensemble(s) => s.to_text(),
            EnsembleOutcome::Shard(s) => s.to_text(),
        }
    }
}

/// Loads a scenario file, runs its ensemble and writes the outputs: what `plume ensemble` does
/// (with `options.shard`, one shard's members and its shard file; with `options.merge`, no
/// member, the outputs from the shard files).
pub fn run_file(
    path: &Path,
    options: &super::EnsembleOptions,
) -> Result<EnsembleOutcome, EnsembleError> {
    run_file_with_progress(path, options, &mut |_| {})
}

/// [`run_file`], calling `progress` with the fraction of members done.
pub fn run_file_with_progress(
    path: &Path,
    options: &super::EnsembleOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<EnsembleOutcome, EnsembleError> {
    let scenario = Scenario::load(path)?;
    let dir = options
        .output_dir
        .clone()
        .unwrap_or_else(|| scenario.output.directory.clone());
    if let Some(k_n) = options.shard {
        return super::shard::run(&scenario, options, k_n, &dir, progress)
            .map(EnsembleOutcome::Shard);
    }
    // Before the members run: an unwritable or busy directory is reported before the work.
    let _lock = crate::output::lock::OutputLock::acquire(&dir)?;
    check_output_dir(&dir, &ENSEMBLE_OUTPUTS)?;
    let e = if options.merge.is_empty() {
        super::run_with_progress(&scenario, options, progress)?
    } else {
        let started = std::time::Instant::now();
        let spec = super::effective_spec(&scenario, options)?;
        super::check_stored_values(&scenario, spec.members)?;
        let shards = super::shard::read_all(&scenario, &spec, &options.merge)?;
        let mut e = super::reduce(&scenario, spec, shards)?;
        // The members' time in their jobs, and this merge's.
        e.elapsed_s += started.elapsed().as_secs_f64();
        e
    };
    Ok(EnsembleOutcome::Ensemble(
        write_outputs(&scenario, &e, &dir)?.0,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_shows_each_countrys_widest_zone_not_only_the_widest_overall() {
        // Found by review: the US KI zone (1664 km²) was drawn alone and hid the Canadian
        // evacuation zone at ≥ 90 % around the plant.
        let zone = |label: &str, country, cells: usize| super::super::ZoneProbability {
            label: label.into(),
            variable: String::new(),
            title_en: String::new(),
            title_fr: String::new(),
            country,
            threshold: 0.1,
            unit: "Sv",
            count: ndarray::Array2::from_shape_fn((10, 10), |(j, i)| {
                u32::from(j * 10 + i < cells) * 4
            }),
            member_area_km2: vec![],
        };
        let zones = vec![
            zone("HC_2018 evacuate", Some("CA"), 4),
            zone("HC_2018 shelter", Some("CA"), 9),
            zone("PAG_2017 KI", Some("US"), 60),
            zone("PAG_2017 evacuate", Some("US"), 0),
        ];
        let shown: Vec<&str> = widest_of_each_country(&zones, 4, 1.0)
            .iter()
            .map(|z| z.label.as_str())
            .collect();
        assert_eq!(shown, ["HC_2018 shelter", "PAG_2017 KI"]);
        // The legend names a zone by its title, the code only where it has none.
        let mut titled = zones[0].clone();
        titled.title_en = "Evacuate: projected dose at least 100 mSv over 7 days".into();
        assert_eq!(legend_text(&titled), titled.title_en);
        assert_eq!(legend_text(&zones[1]), "HC_2018 shelter");
    }
}
