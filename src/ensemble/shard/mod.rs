//! Ensembles on a cluster: one job per shard of the members (`plume ensemble FILE --shard K/N`)
//! writes its members' results to `ensemble_shard_K_of_N.nc`, and `plume ensemble FILE --merge
//! DIR` reads every shard and writes the outputs of `plume ensemble`, bit for bit the same as
//! one job running all the members (`tests/ensemble_shards.rs`).
//!
//! A shard file is HDF5 (what netCDF-4 is built on; `h5dump` and h5py read it). Its root
//! attribute `plume_ensemble_shard` holds a JSON manifest — plume's version, the SHA-256 of the
//! scenario file and of its weather file, the ensemble's settings, the shard's members, the
//! zones and the members' warnings — and its datasets (Fletcher-32 checksummed) hold the
//! numbers: `time_integrated_<s>` (member, y, x; the lowest layer's time-integrated
//! concentration of species `s`, kg s m-3 or Bq s m-3), `zone_count_<z>` (y, x; how many of
//! the shard's members exceed zone `z` in each cell) and `zone_member_area_km2_<z>` (member).
//! A merge reads every manifest first and refuses shards of another plume, scenario or weather
//! file, other settings, another grid, a missing or repeated shard, or shards of different
//! splits, before it reads any array.
//!
//! The shard files are not outputs of a run: no folder lock (the jobs of one ensemble write
//! into one folder at once), each written atomically under its own name.

use std::path::{Path, PathBuf};

use hdf5::types::VarLenUnicode;
use ndarray::{Array1, Array2, Array3};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{EnsembleError, EnsembleSpec, MemberWarning, Shard, ZoneProbability};
use crate::field::GridSpec;
use crate::output::{write_atomically, OutputError};
use crate::scenario::{MetSpec, Scenario};

mod read;
pub use read::{find, read_all};

/// The root attribute that holds the manifest.
const MANIFEST: &str = "plume_ensemble_shard";
/// The manifest's format, checked on reading.
const FORMAT: &str = "plume ensemble shard 1";

/// The file name of shard `k` of `n`.
pub fn file_name(k: usize, n: usize) -> String {
    format!("ensemble_shard_{k}_of_{n}.nc")
}

/// `(k, n)` from a shard file's name, or `None` if it is not one.
fn parse_file_name(name: &str) -> Option<(usize, usize)> {
    let rest = name.strip_prefix("ensemble_shard_")?.strip_suffix(".nc")?;
    let (k, n) = rest.split_once("_of_")?;
    Some((k.parse().ok()?, n.parse().ok()?))
}

/// SHA-256 of a file as it is on disk, in hex.
fn sha256(path: &Path) -> Result<String, EnsembleError> {
    let mut file = std::fs::File::open(path)
        .map_err(|e| EnsembleError::Shard(format!("cannot read {}: {e}", path.display())))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)
        .map_err(|e| EnsembleError::Shard(format!("cannot read {}: {e}", path.display())))?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// SHA-256 of the scenario file as it is on disk, in hex: the shards of one ensemble must come
/// from the same file.
pub fn scenario_sha256(scenario: &Scenario) -> Result<String, EnsembleError> {
    sha256(&scenario.path)
}

/// The weather file the scenario reads (station CSV, netCDF or GRIB2) and its SHA-256, if it
/// reads one: a "latest forecast" rewritten while the array jobs run would otherwise mix two
/// weathers in one ensemble (found by review).
fn weather_sha256(scenario: &Scenario) -> Result<Option<(String, String)>, EnsembleError> {
    let file = match &scenario.meteorology {
        MetSpec::Uniform(_) => return Ok(None),
        MetSpec::Station(s) => &s.file,
        MetSpec::Gridded(g) => &g.file,
    };
    Ok(Some((file.display().to_string(), sha256(file)?)))
}

/// The substance file the scenario reads (`consequence.substance_file`) and its SHA-256, if
/// it reads one: its thresholds decide the zones, so shards made before and after an edit of it
/// would count members against two sets of thresholds (found by review).
fn substances_sha256(scenario: &Scenario) -> Result<Option<(String, String)>, EnsembleError> {
    scenario
        .consequence
        .substance_file
        .as_ref()
        .map(|file| Ok((file.display().to_string(), sha256(file)?)))
        .transpose()
}

/// One zone's description, as a shard keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ZoneEntry {
    label: String,
    variable: String,
    title_en: String,
    title_fr: String,
    country: Option<String>,
    threshold: f64,
    unit: String,
}

/// What a shard file says of itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Manifest {
    format: String,
    plume_version: String,
    scenario_file: String,
    scenario_sha256: String,
    /// The weather file (as the scenario names it, resolved) and its SHA-256.
    weather_sha256: Option<(String, String)>,
    /// The substance file and its SHA-256 (absent in the manifests of older shards, which are
    /// refused then).
    #[serde(default)]
    substances_sha256: Option<(String, String)>,
    ensemble: EnsembleSpec,
    shard: usize,
    shards: usize,
    first_member: usize,
    members_in_shard: usize,
    grid_nx: usize,
    grid_ny: usize,
    resolution_m: f64,
    species: Vec<String>,
    zones: Vec<ZoneEntry>,
    warnings: Vec<MemberWarning>,
    model: String,
    backend: String,
    elapsed_s: f64,
}

/// Writes shard `k` of `n` of the ensemble `spec` into `dir` (atomically) and returns its path.
pub fn write(
    scenario: &Scenario,
    spec: &EnsembleSpec,
    (k, n): (usize, usize),
    shard: &Shard,
    dir: &Path,
) -> Result<PathBuf, EnsembleError> {
    let grid = GridSpec::from_scenario(scenario);
    let manifest = Manifest {
        format: FORMAT.into(),
        plume_version: env!("CARGO_PKG_VERSION").into(),
        scenario_file: scenario.path.display().to_string(),
        scenario_sha256: scenario_sha256(scenario)?,
        weather_sha256: weather_sha256(scenario)?,
        substances_sha256: substances_sha256(scenario)?,
        ensemble: *spec,
        shard: k,
        shards: n,
        first_member: shard.members.start,
        members_in_shard: shard.members.len(),
        grid_nx: grid.nx,
        grid_ny: grid.ny,
        resolution_m: grid.dx_m,
        species: scenario.species.iter().map(|s| s.name.clone()).collect(),
        zones: shard
            .zones
            .iter()
            .map(|z| ZoneEntry {
                label: z.label.clone(),
                variable: z.variable.clone(),
                title_en: z.title_en.clone(),
                title_fr: z.title_fr.clone(),
                country: z.country.map(str::to_string),
                threshold: z.threshold,
                unit: z.unit.to_string(),
            })
            .collect(),
        warnings: shard.warnings.clone(),
        model: shard.model.clone(),
        backend: shard.backend.clone(),
        elapsed_s: shard.elapsed_s,
    };
    let json = serde_json::to_string(&manifest).expect("the manifest serialises");
    std::fs::create_dir_all(dir).map_err(|source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let path = dir.join(file_name(k, n));
    write_atomically(&path, |tmp| {
        write_hdf5(tmp, &json, shard).map_err(|source| {
            EnsembleError::Output(OutputError::Hdf5 {
                path: path.clone(),
                source,
            })
        })
    })?;
    Ok(path)
}

fn write_hdf5(path: &Path, manifest: &str, shard: &Shard) -> hdf5::Result<()> {
    let file = hdf5::File::create(path)?;
    let text: VarLenUnicode = manifest.parse().expect("no NUL in JSON");
    file.new_attr::<VarLenUnicode>()
        .create(MANIFEST)?
        .write_scalar(&text)?;
    for (s, t) in shard.tic.iter().enumerate() {
        let (m, ny, nx) = t.dim();
        file.new_dataset_builder()
            .with_data(t)
            .chunk((1, ny.max(1), nx.max(1)))
            .shuffle()
            .deflate(1)
            .fletcher32()
            .create(format!("time_integrated_{s}").as_str())?;
        debug_assert_eq!(m, shard.members.len());
    }
    for (z, zone) in shard.zones.iter().enumerate() {
        // Checksummed (Fletcher-32): a damaged shard is refused, not merged (found by review:
        // one flipped double of an uncompressed area went through).
        file.new_dataset_builder()
            .with_data(&zone.count)
            .chunk(zone.count.dim())
            .shuffle()
            .deflate(1)
            .fletcher32()
            .create(format!("zone_count_{z}").as_str())?;
        let areas = Array1::from(zone.member_area_km2.clone());
        file.new_dataset_builder()
            .with_data(&areas)
            .chunk(areas.len().max(1))
            .fletcher32()
            .create(format!("zone_member_area_km2_{z}").as_str())?;
    }
    file.close()
}

/// What one shard job did, for the terminal and `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct ShardSummary {
    /// "ensemble_shard", so a workflow tool reading `--json` tells it from a whole ensemble.
    pub kind: &'static str,
    pub scenario: String,
    pub scenario_file: String,
    pub shard: usize,
    pub shards: usize,
    /// The members it ran, first and last (0-based, inclusive), of `members`.
    pub first_member: usize,
    pub last_member: usize,
    pub members: usize,
    pub seed: u64,
    pub backend: String,
    pub elapsed_s: f64,
    /// The shard file it wrote.
    pub output: String,
    pub warnings: Vec<String>,
}

impl ShardSummary {
    /// A few lines for a terminal, ending with the command that merges the shards.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{}\n  shard {} of {}: members {}–{} of {} (seed {}) on {}, {:.2} s\n  wrote {}\n",
            self.scenario,
            self.shard,
            self.shards,
            self.first_member,
            self.last_member,
            self.members,
            self.seed,
            self.backend,
            self.elapsed_s,
            self.output
        );
        for w in &self.warnings {
            s += &format!("WARNING: {w}\n");
        }
        let dir = Path::new(&self.output)
            .parent()
            .map_or(".".into(), |d| d.display().to_string());
        s += &format!(
            "  when all {} shards are written: plume ensemble {} --members {} --seed {} --merge {} -o {}\n",
            self.shards, self.scenario_file, self.members, self.seed, dir, dir
        );
        s
    }
}

/// Runs shard `k` of `n` of the scenario's ensemble and writes its shard file into `dir`.
pub fn run(
    scenario: &Scenario,
    options: &super::EnsembleOptions,
    (k, n): (usize, usize),
    dir: &Path,
    progress: &mut dyn FnMut(f64),
) -> Result<ShardSummary, EnsembleError> {
    let spec = super::effective_spec(scenario, options)?;
    if !(1..=spec.members).contains(&n) || !(1..=n).contains(&k) {
        return Err(EnsembleError::Option {
            option: "--shard",
            value: format!("{k}/{n}"),
            expected: format!(
                "K/N with 1 ≤ K ≤ N ≤ {} (the members), e.g. --shard 1/4 to --shard 4/4",
                spec.members
            ),
        });
    }
    if !options.merge.is_empty() {
        return Err(EnsembleError::Option {
            option: "--shard",
            value: format!("{k}/{n}"),
            expected: "no --merge with it: a job either runs a shard or merges them".into(),
        });
    }
    let name = file_name(k, n);
    crate::output::staging::check_output_dir(dir, &[name.as_str()])?;
    let members = super::shard_members(spec.members, k, n);
    // The whole ensemble's size, not the shard's: the merge holds every member (found by
    // review: every job of an array ran, and the merge then refused the ensemble).
    super::check_stored_values(scenario, spec.members)?;
    let shard = super::run_members(scenario, &spec, members.clone(), options, progress)?;
    let path = write(scenario, &spec, (k, n), &shard, dir)?;
    Ok(ShardSummary {
        kind: "ensemble_shard",
        scenario: scenario.name.clone(),
        scenario_file: scenario.path.display().to_string(),
        shard: k,
        shards: n,
        first_member: members.start,
        last_member: members.end - 1,
        members: spec.members,
        seed: spec.seed,
        backend: shard.backend.clone(),
        elapsed_s: shard.elapsed_s,
        output: path.display().to_string(),
        warnings: shard
            .warnings
            .iter()
            .map(|w| w.describe(members.len()))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_file_names_round_trip_and_others_are_not_shards() {
        assert_eq!(file_name(3, 10), "ensemble_shard_3_of_10.nc");
        assert_eq!(parse_file_name("ensemble_shard_3_of_10.nc"), Some((3, 10)));
        assert_eq!(parse_file_name("ensemble.nc"), None);
        assert_eq!(parse_file_name("ensemble_shard_x_of_10.nc"), None);
        assert_eq!(parse_file_name("ensemble_shard_3_of_10.nc.tmp"), None);
    }
}
