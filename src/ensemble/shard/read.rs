//! Reading shards back for a merge: every manifest checked against the scenario, its weather,
//! the settings and the other shards before any array is read, then the members' arrays.

use std::path::{Path, PathBuf};

use super::*;

/// The shard files among `paths`: each a shard file, or a folder whose shard files are taken.
pub fn find(paths: &[PathBuf]) -> Result<Vec<PathBuf>, EnsembleError> {
    let mut out = vec![];
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|e| {
                EnsembleError::Shard(format!("cannot read the folder {}: {e}", p.display()))
            })?;
            let mut here: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.file_name()
                        .and_then(|n| n.to_str())
                        .and_then(parse_file_name)
                        .is_some()
                })
                .collect();
            if here.is_empty() {
                return Err(EnsembleError::Shard(format!(
                    "{} holds no shard file (ensemble_shard_K_of_N.nc, written by `plume ensemble FILE --shard K/N`)",
                    p.display()
                )));
            }
            here.sort();
            out.extend(here);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(EnsembleError::Shard(format!(
                "{}: no such shard file or folder",
                p.display()
            )));
        }
    }
    Ok(out)
}

/// Reads the shard files at `paths` (files or folders of them), checks that they are the `n`
/// shards of the ensemble `spec` of this scenario and weather, made by this version of plume,
/// each once — all from their manifests, before any array is read — and returns their
/// members' results in member order.
pub fn read_all(
    scenario: &Scenario,
    spec: &EnsembleSpec,
    paths: &[PathBuf],
) -> Result<Vec<Shard>, EnsembleError> {
    let mut files = find(paths)?;
    // One file named twice (a folder and a file in it) is one shard, not a repeat.
    let mut seen = vec![];
    files.retain(|f| {
        let key = f.canonicalize().unwrap_or_else(|_| f.clone());
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    let sha = scenario_sha256(scenario)?;
    let weather = weather_sha256(scenario)?;
    let substances = substances_sha256(scenario)?;
    let grid = GridSpec::from_scenario(scenario);
    let version = env!("CARGO_PKG_VERSION");
    let mut manifests: Vec<(PathBuf, Manifest)> = vec![];
    for f in &files {
        let m = read_manifest(f)?;
        let bad = |what: String| EnsembleError::Shard(format!("{}: {what}", f.display()));
        if m.plume_version != version {
            return Err(bad(format!(
                "made by plume {}, this is plume {version}: run every shard and the merge with one version",
                m.plume_version
            )));
        }
        if m.scenario_sha256 != sha {
            return Err(bad(format!(
                "made from another version of the scenario file ({} had SHA-256 {}…, {} has {}…)",
                m.scenario_file,
                &m.scenario_sha256[..12.min(m.scenario_sha256.len())],
                scenario.path.display(),
                &sha[..12]
            )));
        }
        let name = |w: &Option<(String, String)>, none: &str| {
            w.as_ref().map_or(none.to_string(), |(f, h)| {
                format!("{f} (SHA-256 {}…)", &h[..12.min(h.len())])
            })
        };
        if m.weather_sha256 != weather {
            return Err(bad(format!(
                "made with the weather {}, this merge has {}: was the weather file rewritten while the jobs ran?",
                name(&m.weather_sha256, "no weather file"),
                name(&weather, "no weather file")
            )));
        }
        if m.substances_sha256 != substances {
            return Err(bad(format!(
                "made with the substances of {}, this merge has {}: was the substance file edited while the jobs ran?",
                name(&m.substances_sha256, "no substance file"),
                name(&substances, "no substance file")
            )));
        }
        if m.ensemble != *spec {
            return Err(bad(format!(
                "made with ensemble settings {}, this merge has {} (give the same --members and --seed as the shards)",
                crate::ensemble::output::settings(&m.ensemble),
                crate::ensemble::output::settings(spec)
            )));
        }
        if (m.grid_nx, m.grid_ny) != (grid.nx, grid.ny) || m.resolution_m != grid.dx_m {
            return Err(bad(format!(
                "grid {} × {} at {} m, the scenario's is {} × {} at {} m",
                m.grid_nx, m.grid_ny, m.resolution_m, grid.nx, grid.ny, grid.dx_m
            )));
        }
        if let Some((f0, m0)) = manifests.first() {
            // The same inputs give the same species and zones; a manifest that lists others
            // was edited, or made by another build.
            if m.species != m0.species {
                return Err(bad(format!(
                    "species {:?}, but {} has {:?}: shards of one ensemble model the same species",
                    m.species,
                    f0.display(),
                    m0.species
                )));
            }
            if m.zones != m0.zones {
                let labels = |z: &[ZoneEntry]| {
                    z.iter()
                        .map(|z| format!("{} ≥ {} {}", z.label, z.threshold, z.unit))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                return Err(bad(format!(
                    "zones [{}], but {} has [{}]: shards of one ensemble count members against the same zones",
                    labels(&m.zones),
                    f0.display(),
                    labels(&m0.zones)
                )));
            }
            if m.shards != m0.shards {
                return Err(bad(format!(
                    "shard {} of {}, but {} is a shard of {}: shards of different splits do not merge (name the files of one split, e.g. DIR/ensemble_shard_*_of_{}.nc)",
                    m.shard,
                    m.shards,
                    f0.display(),
                    m0.shards,
                    m0.shards
                )));
            }
        }
        if let Some((f0, _)) = manifests.iter().find(|(_, o)| o.shard == m.shard) {
            return Err(bad(format!(
                "shard {} of {} again (also {})",
                m.shard,
                m.shards,
                f0.display()
            )));
        }
        manifests.push((f.clone(), m));
    }
    let n = manifests.first().map_or(0, |(_, m)| m.shards);
    let missing: Vec<String> = (1..=n)
        .filter(|k| !manifests.iter().any(|(_, m)| m.shard == *k))
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(EnsembleError::Shard(format!(
            "shard{} {} of {n} missing (looked in {})",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    manifests.sort_by_key(|(_, m)| m.first_member);
    manifests.iter().map(|(f, m)| read_arrays(f, m)).collect()
}

/// Reads one shard file's manifest and checks that it describes a shard of its ensemble.
fn read_manifest(path: &Path) -> Result<Manifest, EnsembleError> {
    let bad = |what: String| EnsembleError::Shard(format!("{}: {what}", path.display()));
    let file =
        hdf5::File::open(path).map_err(|e| bad(format!("not a readable shard file ({e})")))?;
    let text: VarLenUnicode = file
        .attr(MANIFEST)
        .and_then(|a| a.read_scalar())
        .map_err(|_| {
            bad(format!(
                "no `{MANIFEST}` attribute: not a shard file of plume"
            ))
        })?;
    let m: Manifest = serde_json::from_str(text.as_str())
        .map_err(|e| bad(format!("its manifest cannot be read ({e})")))?;
    if m.format != FORMAT {
        return Err(bad(format!(
            "format \"{}\", expected \"{FORMAT}\"",
            m.format
        )));
    }
    let count = m.members_in_shard;
    let last = m.first_member + count;
    if m.shard == 0
        || m.shard > m.shards
        || count == 0
        || last > m.ensemble.members
        || crate::ensemble::shard_members(m.ensemble.members, m.shard, m.shards)
            != (m.first_member..last)
    {
        return Err(bad(format!(
            "shard {} of {} says it holds members {}–{} of {}, not that shard's",
            m.shard,
            m.shards,
            m.first_member,
            last.saturating_sub(1),
            m.ensemble.members
        )));
    }
    Ok(m)
}

/// Reads the arrays of the shard file `path` whose manifest is `m`.
fn read_arrays(path: &Path, m: &Manifest) -> Result<Shard, EnsembleError> {
    let bad = |what: String| EnsembleError::Shard(format!("{}: {what}", path.display()));
    let file =
        hdf5::File::open(path).map_err(|e| bad(format!("not a readable shard file ({e})")))?;
    let (count, ny, nx) = (m.members_in_shard, m.grid_ny, m.grid_nx);
    let last = m.first_member + count;
    // Every array plume writes is checksummed (Fletcher-32, which HDF5 checks as it reads): an
    // array without the filter was rewritten by something else (found by review: one holding
    // NaN merged).
    let dataset = |name: String| {
        let ds = file
            .dataset(&name)
            .map_err(|_| bad(format!("no dataset {name}")))?;
        if !ds.filters().contains(&hdf5::filters::Filter::Fletcher32) {
            return Err(bad(format!(
                "{name} has no Fletcher-32 checksum: expected the array as plume wrote it"
            )));
        }
        Ok(ds)
    };
    // And nothing else: an extra array (a zone_count_99) means a manifest and arrays that do
    // not belong together.
    let expected: Vec<String> = (0..m.species.len())
        .map(|s| format!("time_integrated_{s}"))
        .chain((0..m.zones.len()).flat_map(|z| {
            [
                format!("zone_count_{z}"),
                format!("zone_member_area_km2_{z}"),
            ]
        }))
        .collect();
    let names = file
        .member_names()
        .map_err(|e| bad(format!("cannot list its arrays ({e})")))?;
    if let Some(extra) = names.iter().find(|n| !expected.contains(n)) {
        return Err(bad(format!(
            "holds an array {extra} its manifest does not describe: expected only {}",
            expected.join(", ")
        )));
    }
    let mut tic = vec![];
    for s in 0..m.species.len() {
        let name = format!("time_integrated_{s}");
        let t: Array3<f64> = dataset(name.clone())?
            .read()
            .map_err(|e| bad(format!("{name}: {e}")))?;
        if t.dim() != (count, ny, nx) {
            return Err(bad(format!(
                "{name} is {:?}, expected ({count}, {ny}, {nx})",
                t.dim()
            )));
        }
        if let Some(v) = t.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
            return Err(bad(format!(
                "{name} holds {v}: expected finite, non-negative time-integrated concentrations"
            )));
        }
        tic.push(t);
    }
    let mut zones = vec![];
    for (z, e) in m.zones.iter().enumerate() {
        let name = format!("zone_count_{z}");
        let c: Array2<u32> = dataset(name.clone())?
            .read()
            .map_err(|e| bad(format!("{name}: {e}")))?;
        let name = format!("zone_member_area_km2_{z}");
        let a: Vec<f64> = dataset(name.clone())?
            .read_raw()
            .map_err(|e| bad(format!("{name}: {e}")))?;
        if c.dim() != (ny, nx) || a.len() != count || c.iter().any(|&n| n as usize > count) {
            return Err(bad(format!(
                "zone {z}'s arrays do not fit the grid or members"
            )));
        }
        zones.push(ZoneProbability {
            label: e.label.clone(),
            variable: e.variable.clone(),
            title_en: e.title_en.clone(),
            title_fr: e.title_fr.clone(),
            country: match e.country.as_deref() {
                None => None,
                Some("CA") => Some("CA"),
                Some("US") => Some("US"),
                Some(other) => return Err(bad(format!("zone country \"{other}\""))),
            },
            threshold: e.threshold,
            unit: match e.unit.as_str() {
                "Sv" => "Sv",
                "kg m-3" => "kg m-3",
                other => return Err(bad(format!("zone unit \"{other}\""))),
            },
            count: c,
            member_area_km2: a,
        });
    }
    Ok(Shard {
        members: m.first_member..last,
        tic,
        zones,
        warnings: m.warnings.clone(),
        model: m.model.clone(),
        backend: m.backend.clone(),
        elapsed_s: m.elapsed_s,
    })
}
