//! Writing a finished run: its summary and its output files, staged and moved into place
//! together.

use std::path::{Path, PathBuf};

use super::{RunError, Simulation};
use crate::output::cap::{zones_cap, ALERTS};
use crate::output::geojson::zones_geojson;
use crate::output::kml::zones_kml;
use crate::output::map::map_png;
use crate::output::netcdf::{self, Provenance};
use crate::output::staging::Staging;
use crate::output::summary::{species_summaries, RunSummary};
use crate::output::zones::{mapped_zones, MappedZone};
use crate::output::{write_bytes_atomically, OutputError};
use crate::scenario::{OutputFormat, Scenario};

/// Summarises a simulation.
pub fn summarise(scenario: &Scenario, sim: &Simulation, outputs: Vec<String>) -> RunSummary {
    let g = &sim.fields.grid;
    RunSummary {
        scenario: scenario.name.clone(),
        scenario_file: scenario.path.display().to_string(),
        model: sim.model.clone(),
        backend: sim.backend.clone(),
        seed: sim.seed,
        grid_nx: g.nx,
        grid_ny: g.ny,
        grid_layers: g.nz(),
        grid_times: g.nt(),
        resolution_m: g.dx_m,
        elapsed_s: sim.elapsed_s,
        write_elapsed_s: None,
        species: species_summaries(scenario, &sim.fields, &sim.projection),
        outputs,
        scenario_warnings: scenario.warnings.clone(),
        warnings: sim.warnings.clone(),
        consequence: Some(sim.consequence.summary.clone()),
        release_wind: sim.release_wind.clone(),
    }
}

/// A writer of the zones in one format.
type ZoneWriter = fn(&Scenario, &[MappedZone], &Provenance) -> String;

/// Every output format, in the order a run writes them (the summary last, as it lists the
/// others).
const ALL_FORMATS: [OutputFormat; 6] = [
    OutputFormat::Netcdf,
    OutputFormat::Geojson,
    OutputFormat::Kml,
    OutputFormat::Cap,
    OutputFormat::Png,
    OutputFormat::Json,
];

/// Every file a run may write into its output directory.
pub fn all_output_names() -> Vec<&'static str> {
    output_names(&ALL_FORMATS)
}

/// The files a run with `formats` writes into its output directory, in writing order.
pub fn output_names(formats: &[OutputFormat]) -> Vec<&'static str> {
    let mut names = vec![];
    for format in ALL_FORMATS.iter().filter(|f| formats.contains(f)) {
        match format {
            OutputFormat::Netcdf => names.push("fields.nc"),
            OutputFormat::Geojson => names.push("zones.geojson"),
            OutputFormat::Kml => names.push("zones.kml"),
            OutputFormat::Cap => names.extend(ALERTS.iter().map(|(name, _)| *name)),
            OutputFormat::Png => names.push("map.png"),
            OutputFormat::Json => names.push("summary.json"),
        }
    }
    names
}

/// Writes the scenario's requested outputs into `dir` and returns their paths. All are written
/// first into a staging folder in `dir` and moved into place together, and the files of an
/// earlier run that this one does not write are removed ([`crate::output::staging`]): the
/// directory holds one run's outputs, and a failed write leaves the earlier run's as they were.
pub fn write_outputs(
    scenario: &Scenario,
    sim: &Simulation,
    dir: &Path,
) -> Result<Vec<PathBuf>, RunError> {
    Ok(stage_outputs(scenario, sim, dir)?.commit()?)
}

/// A run's outputs written into a staging folder of their directory but not yet in place:
/// [`StagedOutputs::commit`] moves them there; dropped, they are removed and the directory is
/// as it was. `plume compare` stages every option before it commits any.
pub struct StagedOutputs {
    staging: Staging,
}

impl StagedOutputs {
    /// The paths the outputs will have once committed, in the order they were written.
    pub fn final_paths(&self) -> Vec<PathBuf> {
        self.staging.final_paths()
    }

    /// Where the output `name` is until the commit, if this run wrote it.
    pub fn staged_path(&self, name: &str) -> Option<PathBuf> {
        self.staging.staged_path(name)
    }

    /// Moves the outputs into place and removes the earlier run's that this one did not write
    /// ([`Staging::commit`]); returns their paths.
    pub fn commit(self) -> Result<Vec<PathBuf>, OutputError> {
        self.staging.commit(&output_names(&ALL_FORMATS))
    }
}

/// [`write_outputs`] without the last step: the outputs are written into a staging folder in
/// `dir` and wait there for [`StagedOutputs::commit`].
pub fn stage_outputs(
    scenario: &Scenario,
    sim: &Simulation,
    dir: &Path,
) -> Result<StagedOutputs, RunError> {
    let started = std::time::Instant::now();
    let mut staging = Staging::new(dir)?;
    let formats = &scenario.output.formats;
    let prov = Provenance::now(&sim.model, sim.seed, &sim.backend);
    if formats.contains(&OutputFormat::Netcdf) {
        netcdf::write(
            &staging.stage("fields.nc"),
            scenario,
            &sim.fields,
            &sim.projection,
            &prov,
            &sim.consequence.global_attributes(),
            &sim.consequence.extra_fields(),
        )?;
    }
    let wants_zones = [
        OutputFormat::Geojson,
        OutputFormat::Kml,
        OutputFormat::Cap,
        OutputFormat::Png,
    ]
    .iter()
    .any(|f| formats.contains(f));
    if wants_zones {
        let zones = mapped_zones(&sim.consequence, &sim.fields.grid, &sim.projection);
        let writers: [(OutputFormat, &str, ZoneWriter); 2] = [
            (OutputFormat::Geojson, "zones.geojson", zones_geojson),
            (OutputFormat::Kml, "zones.kml", zones_kml),
        ];
        for (format, name, write) in writers {
            if formats.contains(&format) {
                let text = write(scenario, &zones, &prov);
                write_bytes_atomically(&staging.stage(name), text.as_bytes())?;
            }
        }
        if formats.contains(&OutputFormat::Cap) {
            // One alert per country that a zone reaches; an earlier run's alert for a country
            // this run does not reach is removed with the commit.
            for (name, country) in ALERTS {
                if let Some(xml) = zones_cap(scenario, &zones, &prov, country) {
                    write_bytes_atomically(&staging.stage(name), xml.as_bytes())?;
                }
            }
        }
        if formats.contains(&OutputFormat::Png) {
            let path = staging.stage("map.png");
            let png = map_png(
                scenario,
                &sim.fields,
                &sim.projection,
                &sim.consequence,
                &zones,
                sim.release_wind.as_ref(),
            )
            .map_err(|message| OutputError::Image {
                path: staging.final_path("map.png"),
                message,
            })?;
            write_bytes_atomically(&path, &png)?;
        }
    }
    if formats.contains(&OutputFormat::Json) {
        let names = staging
            .final_paths()
            .into_iter()
            .chain([staging.final_path("summary.json")])
            .map(|p| p.display().to_string())
            .collect();
        let mut summary = summarise(scenario, sim, names);
        summary.write_elapsed_s = Some(started.elapsed().as_secs_f64());
        let json = serde_json::to_vec_pretty(&summary).expect("summary serialises");
        write_bytes_atomically(&staging.stage("summary.json"), &json)?;
    }
    Ok(StagedOutputs { staging })
}
