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
mod reduce;
pub mod shard;
mod spec;

use std::ops::Range;
use std::path::PathBuf;
use std::time::Instant;

use ndarray::{Array2, Array3};

pub use output::{
    run_file, run_file_with_progress, summarise, write_outputs, EnsembleOutcome, EnsembleSummary,
    SpeciesSummary, ZoneSummary,
};
use reduce::count_warning;
pub use reduce::{mean_and_p90, reduce, MemberWarning, Shard};
pub use shard::ShardSummary;
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
    /// A shard file that cannot be merged, or a folder without any.
    #[error("{0}")]
    Shard(String),
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
    /// Whether the user's input is at fault (exit code 2): the scenario, an option, an
    /// ensemble too large for its grid (found by review: it exited 1), or a member's weather
    /// input.
    pub fn is_invalid_input(&self) -> bool {
        match self {
            EnsembleError::Scenario(_)
            | EnsembleError::Option { .. }
            | EnsembleError::Shard(_)
            | EnsembleError::TooLarge { .. } => true,
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
    /// Run shard `k` of `n` of the members only (1 ≤ k ≤ n ≤ members) and write it to
    /// `ensemble_shard_k_of_n.nc` ([`shard`]), for one job of a cluster.
    pub shard: Option<(usize, usize)>,
    /// Run no member: read these shard files (or folders of them) and write the ensemble's
    /// outputs from them.
    pub merge: Vec<PathBuf>,
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
    /// Seconds the members took (summed over the shards' jobs when merged), and the reduction.
    pub elapsed_s: f64,
    /// How many shards the members were run in (1 unless merged from `--shard` jobs).
    pub shards: usize,
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
    check_stored_values(scenario, spec.members)?;
    let all = run_members(scenario, &spec, 0..spec.members, options, progress)?;
    let mut e = reduce(scenario, spec, vec![all])?;
    e.elapsed_s = started.elapsed().as_secs_f64();
    Ok(e)
}

/// Refuses an ensemble whose stored lowest-layer fields would pass [`MAX_STORED_VALUES`].
pub(crate) fn check_stored_values(
    scenario: &Scenario,
    members: usize,
) -> Result<(), EnsembleError> {
    let grid = GridSpec::from_scenario(scenario);
    let n_species = scenario.species.len();
    let values = (members * grid.ny * grid.nx * n_species) as f64;
    if values > MAX_STORED_VALUES {
        return Err(EnsembleError::TooLarge {
            members,
            cells: grid.ny * grid.nx,
            species: n_species,
            values,
            max: MAX_STORED_VALUES,
        });
    }
    Ok(())
}

/// The members of shard `k` of `n` (1 ≤ k ≤ n ≤ members): the `k`-th of `n` contiguous runs
/// of nearly equal length, members ⌊(k−1)·M/n⌋ to ⌊k·M/n⌋ − 1.
pub fn shard_members(members: usize, k: usize, n: usize) -> Range<usize> {
    (k - 1) * members / n..k * members / n
}

/// Runs `members` of the ensemble `spec` (a range of 0..spec.members), each through exactly
/// the pipeline of `plume run`, and keeps what the reduction needs.
pub fn run_members(
    scenario: &Scenario,
    spec: &EnsembleSpec,
    members: Range<usize>,
    options: &EnsembleOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<Shard, EnsembleError> {
    let started = Instant::now();
    let mut run_options = RunOptions {
        output_dir: None,
        threads: options.threads,
        seed: None,
        backend: options.backend,
    };
    let grid = GridSpec::from_scenario(scenario);
    let (ny, nx) = (grid.ny, grid.nx);
    let count = members.len();
    let cell_area_km2 = grid.cell_area_m2() / 1e6;
    let mut tic: Vec<Array3<f64>> = (0..scenario.species.len())
        .map(|_| Array3::zeros((count, ny, nx)))
        .collect();
    let mut zones: Vec<ZoneProbability> = vec![];
    let mut warnings: Vec<MemberWarning> = vec![];
    let mut first: Option<(String, String)> = None;
    for (i, k) in members.clone().enumerate() {
        let member = member_scenario(scenario, &spec.member(k))?;
        let sim = simulate(&member, &run_options).map_err(|source| EnsembleError::Member {
            member: k,
            source: Box::new(source),
        })?;
        // The run's warnings and its consequences' (a deciding value unverified, an AEGL of
        // another duration exceeded beyond the zone: found by review, they were dropped).
        for w in sim.warnings.iter().chain(&sim.consequence.summary.warnings) {
            count_warning(&mut warnings, w, k);
        }
        for (s, sf) in sim.fields.species.iter().enumerate() {
            tic[s]
                .index_axis_mut(ndarray::Axis(0), i)
                .assign(&sf.time_integrated.index_axis(ndarray::Axis(0), 0));
        }
        progress((i + 1) as f64 / count as f64);
        let these = run_zones(&sim);
        if i == 0 {
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
                "member {k} assessed zones {:?}, member {} {:?}",
                these.iter().map(|(z, _, _)| &z.label).collect::<Vec<_>>(),
                members.start,
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
            first = Some((sim.model, sim.backend));
        }
    }
    let (model, backend) = first.unwrap_or_default();
    Ok(Shard {
        members,
        tic,
        zones,
        warnings,
        model,
        backend,
        elapsed_s: started.elapsed().as_secs_f64(),
    })
}
