//! Weather ensembles: the same scenario run under many perturbed weathers, reduced to the
//! probability that each cell exceeds each zone's criterion and to the spread of the
//! time-integrated concentration.
//!
//! ```toml
//! [ensemble]                              # all optional; used by `plume ensemble` only
//! members = 50                            # 2–1000
//! seed = 0                                # member k's weather depends on (seed, k) only
//! wind_from_sd_deg = 30                   # additive normal offset of every wind direction
//! wind_speed_log_sd = 0.4                 # lognormal factor (median 1) on every wind speed
//! mixing_height_log_sd = 0.3              # lognormal factor on every mixing height
//! stability_class_sd = 0.5                # class shift round(σ·z), for a class
//! inverse_obukhov_length_sd_per_m = 0.01  # additive 1/L offset, for L and station files
//! ```
//!
//! Each member is one coherent alternative weather: a single draw of four standard normals
//! (Philox4x32-10 keyed by the seed and the member, see [`crate::rng`]) perturbs uniform
//! meteorology, every station and every record of a station file alike, or every node, level
//! and time of gridded NWP fields alike ([`crate::met::MetPerturbation`]; winds turned and
//! scaled, u* scaled, 1/L offset, mixing heights scaled); the perturbed scenario then runs
//! through [`crate::run::simulate`], exactly as `plume run` would run it. The same draw `z₃`
//! drives the class shift and the 1/L offset. (HYSPLIT's ensemble instead shifts the whole NWP
//! field by a grid cell in each direction, Draxler 2003; that samples position error, this one
//! the direction, speed and mixing errors of Hanna & Yang 2001.)
//!
//! The probability of a zone in a cell is the fraction of members in which the cell exceeds the
//! zone's criterion (the "agreement in threshold level" of Galmarini et al. 2004); the ensemble
//! mean and 90th percentile (linear between order statistics, Hyndman & Fan 1996 type 7) of
//! the time-integrated concentration are taken per cell in the lowest layer.
//!
//! ## References
//! - Draxler, R.R. (2003) "Evaluation of an ensemble dispersion calculation", J. Appl. Meteor.
//!   42:308–317 — HYSPLIT's meteorological ensemble.
//! - Galmarini, S. et al. (2004) "Ensemble dispersion forecasting — Part I: concept, approach
//!   and indicators", Atmos. Environ. 38:4607–4617, doi:10.1016/j.atmosenv.2004.05.030.
//! - Hanna, S.R., Yang, R. (2001) J. Appl. Meteor. 40:1095–1104 — wind and mixing-depth errors.
//! - Seibert, P. et al. (2000) Atmos. Environ. 34:1001–1027 — mixing-height uncertainty.
//! - Mohan, M., Siddiqui, T.A. (1998) Atmos. Environ. 32:3775–3781 — stability-class schemes.
//! - Hyndman, R.J., Fan, Y. (1996) "Sample quantiles in statistical packages", Am. Stat. 50:361.

mod outlines;
mod output;
mod spec;

use std::path::PathBuf;
use std::time::Instant;

use ndarray::{Array2, Array3};

pub use output::{
    run_file, run_file_with_progress, summarise, write_outputs, EnsembleSummary, SpeciesSummary,
    ZoneSummary,
};
pub use spec::*;

use crate::backend::BackendChoice;
use crate::field::GridSpec;
use crate::geo::TransverseMercator;
use crate::met::MetPerturbation;
use crate::output::alert_text::{self, ZoneText};
use crate::output::netcdf::variable_name;
use crate::run::{simulate, RunError, RunOptions, Simulation};
use crate::scenario::{MetSpec, Scenario};

/// Why an ensemble could not run.
#[derive(Debug, thiserror::Error)]
pub enum EnsembleError {
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    #[error("{option} = {value}: expected {expected}")]
    Option {
        option: &'static str,
        value: String,
        expected: String,
    },
    #[error("ensemble member {member}: {source}")]
    Member {
        member: usize,
        #[source]
        source: Box<RunError>,
    },
    #[error("ensemble members disagree: {0}")]
    Inconsistent(String),
    #[error("{members} members × {cells} cells × {species} species = {values} stored values: expected at most {max} (fewer members, a coarser grid or a smaller domain)")]
    TooLarge {
        members: usize,
        cells: usize,
        species: usize,
        values: f64,
        max: f64,
    },
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
}

impl EnsembleError {
    /// Whether the user's input is at fault (exit code 2): the scenario, an option, or a
    /// member's weather input.
    pub fn is_invalid_input(&self) -> bool {
        match self {
            EnsembleError::Scenario(_) | EnsembleError::Option { .. } => true,
            EnsembleError::Member { source, .. } => source.is_invalid_input(),
            _ => false,
        }
    }
}

/// Most member × cell × species values of the lowest-layer time-integrated concentration an
/// ensemble keeps for its percentiles (4 GB).
pub const MAX_STORED_VALUES: f64 = 5.0e8;

/// How to run, beyond what the scenario says.
#[derive(Debug, Clone, Default)]
pub struct EnsembleOptions {
    /// Overrides `output.directory`.
    pub output_dir: Option<PathBuf>,
    /// Overrides `ensemble.members`.
    pub members: Option<usize>,
    /// Overrides `ensemble.seed`.
    pub seed: Option<u64>,
    /// Worker threads of each member's run (default: all cores); results do not depend on it.
    pub threads: Option<usize>,
    /// Overrides the scenario's `model.backend`.
    pub backend: Option<BackendChoice>,
}

/// The probability field of one zone criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneProbability {
    /// The zone's label in the run's outputs ("HC_2018 evacuate", "Chlorine AEGL-2 60 min").
    pub label: String,
    /// netCDF variable of the probability ("probability_zone_HC_2018_evacuate").
    pub variable: String,
    /// The zone's title in English and French, as in the run's alerts and maps ("Evacuate:
    /// projected dose at least 100 mSv over 7 days (Health Canada 2018)").
    pub title_en: String,
    pub title_fr: String,
    /// "US", "CA", or `None` for AEGL tiers (both countries).
    pub country: Option<&'static str>,
    pub threshold: f64,
    pub unit: &'static str,
    /// Members in which each cell exceeds the criterion [y, x].
    pub count: Array2<u32>,
    /// The zone's area (km²) in each member.
    pub member_area_km2: Vec<f64>,
}

impl ZoneProbability {
    /// count / members [y, x].
    pub fn probability(&self, members: usize) -> Array2<f64> {
        self.count.mapv(|c| f64::from(c) / members as f64)
    }

    /// The cells exceeded in at least `percent` % of `members` [y, x].
    pub fn at_least(&self, percent: u32, members: usize) -> Array2<bool> {
        self.count
            .mapv(|c| u64::from(c) * 100 >= u64::from(percent) * members as u64)
    }

    /// Area (km²) of the cells exceeded in at least `percent` % of `members`.
    pub fn area_km2_at_least(&self, percent: u32, members: usize, cell_area_km2: f64) -> f64 {
        let n = self
            .at_least(percent, members)
            .iter()
            .filter(|&&m| m)
            .count();
        n as f64 * cell_area_km2
    }
}

/// Ensemble statistics of one species' time-integrated concentration, lowest layer.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeciesStatistics {
    pub name: String,
    /// "kg" or "Bq".
    pub unit: &'static str,
    /// [y, x]
    pub mean: Array2<f64>,
    /// [y, x]
    pub p90: Array2<f64>,
}

/// A finished ensemble, before anything is written.
#[derive(Debug, Clone)]
pub struct Ensemble {
    pub spec: EnsembleSpec,
    pub grid: GridSpec,
    pub projection: TransverseMercator,
    pub model: String,
    pub backend: String,
    pub members: Vec<MetPerturbation>,
    pub zones: Vec<ZoneProbability>,
    pub species: Vec<SpeciesStatistics>,
    /// Distinct warnings of the members, each with how many members gave it.
    pub warnings: Vec<String>,
    pub elapsed_s: f64,
}

/// The scenario of one member: its meteorology perturbed, everything else the same.
pub fn member_scenario(
    scenario: &Scenario,
    p: &MetPerturbation,
) -> Result<Scenario, EnsembleError> {
    let mut s = scenario.clone();
    s.meteorology = match &scenario.meteorology {
        MetSpec::Uniform(u) => MetSpec::Uniform(p.uniform(u, scenario.domain.centre.lat)),
        MetSpec::Station(st) => {
            let mut st = st.clone();
            st.perturbation = Some(*p);
            MetSpec::Station(st)
        }
        MetSpec::Gridded(g) => {
            let mut g = g.clone();
            g.perturbation = Some(*p);
            MetSpec::Gridded(g)
        }
    };
    Ok(s)
}

/// The scenario's ensemble options with the command line's overrides.
pub fn effective_spec(
    scenario: &Scenario,
    options: &EnsembleOptions,
) -> Result<EnsembleSpec, EnsembleError> {
    let mut spec = scenario.ensemble.unwrap_or_default();
    if let Some(m) = options.members {
        let (lo, hi) = MEMBERS_RANGE;
        if !(lo..=hi).contains(&m) {
            return Err(EnsembleError::Option {
                option: "--members",
                value: m.to_string(),
                expected: format!("a count from {lo} to {hi}"),
            });
        }
        spec.members = m;
    }
    if let Some(s) = options.seed {
        spec.seed = s;
    }
    Ok(spec)
}

/// One zone of a run, with its variable name and its texts.
fn run_zones(sim: &Simulation) -> Vec<(&crate::impact::Zone, String, ZoneText)> {
    let c = &sim.consequence;
    let mut out = vec![];
    if let Some(r) = &c.radiological {
        for (cr, z) in r.criteria.iter().zip(&r.zones) {
            out.push((
                z,
                format!("probability_zone_{}_{}", cr.set, cr.action),
                alert_text::radiological(cr),
            ));
        }
    }
    for ch in &c.chemical {
        // One zone per AEGL level that has a threshold, in order.
        let levels = ch
            .thresholds
            .iter()
            .enumerate()
            .filter_map(|(k, t)| t.as_ref().map(|_| k as u8 + 1));
        for (level, z) in levels.zip(&ch.zones) {
            // "Chlorine AEGL-2 60 min" → "probability_Chlorine_AEGL_2_60_min".
            out.push((
                z,
                format!("probability_{}", variable_name(&z.label)),
                alert_text::chemical(&ch.chemical, level, ch.duration_s / 60.0),
            ));
        }
    }
    out
}

/// Runs every member of the scenario's ensemble and reduces them.
pub fn run(scenario: &Scenario, options: &EnsembleOptions) -> Result<Ensemble, EnsembleError> {
    run_with_progress(scenario, options, &mut |_| {})
}

/// [`run`], calling `progress` with the fraction of members done after each one (members run
/// one after another, each on every thread).
pub fn run_with_progress(
    scenario: &Scenario,
    options: &EnsembleOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<Ensemble, EnsembleError> {
    let started = Instant::now();
    let spec = effective_spec(scenario, options)?;
    let mut run_options = RunOptions {
        output_dir: None,
        threads: options.threads,
        seed: None,
        backend: options.backend,
    };
    let members: Vec<MetPerturbation> = (0..spec.members).map(|k| spec.member(k)).collect();
    let grid = GridSpec::from_scenario(scenario);
    let (ny, nx) = (grid.ny, grid.nx);
    let n_species = scenario.species.len();
    let values = (spec.members * ny * nx * n_species) as f64;
    if values > MAX_STORED_VALUES {
        return Err(EnsembleError::TooLarge {
            members: spec.members,
            cells: ny * nx,
            species: n_species,
            values,
            max: MAX_STORED_VALUES,
        });
    }
    let cell_area_km2 = grid.cell_area_m2() / 1e6;
    // Lowest-layer time-integrated concentration of every member [species][member, y, x].
    let mut tic: Vec<Array3<f64>> = (0..n_species)
        .map(|_| Array3::zeros((spec.members, ny, nx)))
        .collect();
    let mut zones: Vec<ZoneProbability> = vec![];
    let mut warnings: Vec<MemberWarning> = vec![];
    let mut first: Option<(TransverseMercator, String, String)> = None;
    for (k, p) in members.iter().enumerate() {
        let member = member_scenario(scenario, p)?;
        let sim = simulate(&member, &run_options).map_err(|source| EnsembleError::Member {
            member: k,
            source: Box::new(source),
        })?;
        for w in &sim.warnings {
            let kind = warning_kind(w);
            match warnings.iter_mut().find(|x| x.kind == kind) {
                Some(x) => {
                    x.members += 1;
                    x.varies |= x.text != *w;
                }
                None => warnings.push(MemberWarning {
                    kind,
                    text: w.clone(),
                    first_member: k,
                    members: 1,
                    varies: false,
                }),
            }
        }
        for (s, sf) in sim.fields.species.iter().enumerate() {
            tic[s]
                .index_axis_mut(ndarray::Axis(0), k)
                .assign(&sf.time_integrated.index_axis(ndarray::Axis(0), 0));
        }
        progress((k + 1) as f64 / spec.members as f64);
        let these = run_zones(&sim);
        if k == 0 {
            zones = these
                .iter()
                .map(|(z, var, text)| ZoneProbability {
                    label: z.label.clone(),
                    variable: var.clone(),
                    title_en: text.title_en.clone(),
                    title_fr: text.title_fr.clone(),
                    country: z.country.map(|c| c.code()),
                    threshold: z.threshold,
                    unit: z.unit,
                    count: Array2::zeros((ny, nx)),
                    member_area_km2: vec![],
                })
                .collect();
        }
        if these.len() != zones.len()
            || these
                .iter()
                .zip(&zones)
                .any(|((z, _, _), p)| z.label != p.label)
        {
            return Err(EnsembleError::Inconsistent(format!(
                "member {k} assessed zones {:?}, member 0 {:?}",
                these.iter().map(|(z, _, _)| &z.label).collect::<Vec<_>>(),
                zones.iter().map(|z| &z.label).collect::<Vec<_>>()
            )));
        }
        for ((z, _, _), acc) in these.iter().zip(zones.iter_mut()) {
            let mut n = 0usize;
            for (c, &e) in acc.count.iter_mut().zip(z.exceeded.iter()) {
                if e {
                    *c += 1;
                    n += 1;
                }
            }
            acc.member_area_km2.push(n as f64 * cell_area_km2);
        }
        if first.is_none() {
            // Every member runs where the first one ran: `auto` probes for a GPU once, not
            // once per member, and the members never mix backends.
            run_options.backend = Some(if sim.backend.starts_with("cpu") {
                BackendChoice::Cpu
            } else {
                BackendChoice::Gpu
            });
            first = Some((sim.projection, sim.model, sim.backend));
        }
    }
    let (projection, model, backend) = first.expect("at least two members");
    let species = scenario
        .species
        .iter()
        .zip(&tic)
        .map(|(sp, t)| {
            let (mean, p90) = mean_and_p90(t);
            SpeciesStatistics {
                name: sp.name.clone(),
                unit: sp.unit.symbol(),
                mean,
                p90,
            }
        })
        .collect();
    Ok(Ensemble {
        spec,
        grid,
        projection,
        model,
        backend,
        members,
        zones,
        species,
        warnings: warnings
            .into_iter()
            .map(|w| {
                let numbers = if w.varies {
                    format!(
                        "; its numbers are member {}'s, the first to give it",
                        w.first_member
                    )
                } else {
                    String::new()
                };
                format!(
                    "{} ({} of {} members{numbers})",
                    w.text, w.members, spec.members
                )
            })
            .collect(),
        elapsed_s: started.elapsed().as_secs_f64(),
    })
}

/// Per cell of `v` [member, y, x]: the mean over members and the 90th percentile (linear
/// between order statistics: position 0.9·(n − 1), Hyndman & Fan type 7).
pub fn mean_and_p90(v: &Array3<f64>) -> (Array2<f64>, Array2<f64>) {
    let (n, ny, nx) = v.dim();
    let mut mean = Array2::zeros((ny, nx));
    let mut p90 = Array2::zeros((ny, nx));
    let mut buf = vec![0.0; n];
    let pos = 0.9 * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let w = pos - lo as f64;
    for j in 0..ny {
        for i in 0..nx {
            for (k, b) in buf.iter_mut().enumerate() {
                *b = v[[k, j, i]];
            }
            mean[[j, i]] = buf.iter().sum::<f64>() / n as f64;
            buf.sort_by(f64::total_cmp);
            let a = buf[lo];
            let b = buf[(lo + 1).min(n - 1)];
            p90[[j, i]] = if w == 0.0 || a == b {
                a
            } else {
                a + w * (b - a)
            };
        }
    }
    (mean, p90)
}

/// One kind of warning that members gave: its first wording, and how many members gave it.
struct MemberWarning {
    kind: String,
    text: String,
    first_member: usize,
    members: usize,
    /// Whether the members' wordings differ (in their numbers).
    varies: bool,
}

/// A warning with its numbers taken out: the members' warnings of one kind differ only in
/// their numbers (a wind speed, an area, a share), and are counted together (found by
/// review: 36 members' low-wind warnings were 31 lines, most "1 of 200 members").
fn warning_kind(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    let mut in_number = false;
    for c in w.chars() {
        if c.is_ascii_digit() || (in_number && c == '.') {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_of_one_kind_are_counted_together_whatever_their_numbers() {
        let a = "wind speed 0.8 m/s is below 1 m/s at 2026-07-14T06:00:00Z";
        let b = "wind speed 0.35 m/s is below 1 m/s at 2026-07-14T07:00:00Z";
        assert_eq!(warning_kind(a), warning_kind(b));
        assert_ne!(
            warning_kind(a),
            warning_kind("mixing height 80 m is below 100 m")
        );
        assert_eq!(warning_kind("Cs-137 over 12.5 km²"), "Cs-# over # km²");
    }
}
