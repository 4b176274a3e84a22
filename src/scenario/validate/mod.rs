//! From raw sections to a validated [`Scenario`], collecting every problem on the way.

use std::path::{Path, PathBuf};

use super::raw::*;
use super::*;
use crate::source::{Deposition, Release, Source, Stack};
use crate::substance::{self, AmountUnit, Species};

mod aerosol;
mod daughters;
mod domain;
mod inventory;
mod location;
mod met;
mod model;
mod problems;
mod read;
mod source;

use domain::{domain, run_memory_bytes, DomainParts, MAX_RUN_BYTES, PARTICLE_BYTES};
use met::{gridded_met, station_met, uniform_met};
use model::{gaussian_plume_model, gaussian_puff_model, lagrangian_model};
use problems::{fmt_num, Bounds, Problems};
use read::section;
use source::{source, Site};

/// Longest output interval, as a fraction of the shortest AEGL duration (10 min), that resolves
/// the AEGL peak means without a warning: 60 s, a tenth of the window.
const AEGL_INTERVAL_FRACTION: f64 = 0.1;

const TOP_LEVEL: [&str; 8] = [
    "scenario",
    "domain",
    "source",
    "meteorology",
    "model",
    "output",
    "consequence",
    "ensemble",
];

/// The `kind`s of `[meteorology]`, in the order of [`MeteorologySection`]'s variants.
const MET_KINDS: [&str; 3] = ["uniform", "station", "gridded"];
/// The `kind`s of `[model]`, in the order of [`ModelSection`]'s variants.
const MODEL_KINDS: [&str; 3] = ["gaussian_plume", "lagrangian", "gaussian_puff"];

pub(super) fn parse(text: &str, file: &Path) -> Result<Scenario, (Vec<Problem>, Vec<String>)> {
    let mut p = Problems::default();
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let (path, value) = match e.span() {
                Some(sp) => {
                    let start = sp.start.min(text.len());
                    let line = text[..start].matches('\n').count() + 1;
                    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
                    let column = text[line_start..start].chars().count() + 1;
                    let line_text = text[line_start..].lines().next().unwrap_or("").trim();
                    (
                        format!("(syntax) line {line}, column {column}"),
                        format!("{line_text:?}"),
                    )
                }
                None => ("(syntax)".to_string(), "(unknown position)".to_string()),
            };
            p.push(path, value, format!("valid TOML ({})", e.message().trim()));
            return Err((p.list, p.warnings));
        }
    };
    for key in table.keys() {
        if !TOP_LEVEL.contains(&key.as_str()) {
            let expected = match read::closest(key, &TOP_LEVEL) {
                Some(guess) => format!("a known section (did you mean [{guess}]?)"),
                None => format!("one of {}", TOP_LEVEL.join(", ")),
            };
            p.push(key.clone(), "(unknown section)", expected);
        }
    }
    let get = |k: &str| table.get(k).cloned();

    let scen: ScenarioSection = match get("scenario") {
        Some(v) => section(v, "scenario", &mut p).unwrap_or_default(),
        None => {
            p.missing(
                "scenario",
                "a [scenario] table with name, start and duration_s",
            );
            // Said once for the section, not again for each of its keys.
            p.unread("scenario");
            ScenarioSection::default()
        }
    };
    let dom: DomainSection = match get("domain") {
        Some(v) => section(v, "domain", &mut p).unwrap_or_default(),
        None => {
            p.missing(
                "domain",
                "a [domain] table with centre, extent_m, resolution_m, layers_m, output_interval_s",
            );
            p.unread("domain");
            DomainSection::default()
        }
    };
    let raw_sources: Vec<Option<SourceSection>> = match get("source") {
        Some(toml::Value::Array(items)) if items.is_empty() => {
            p.push("source", "[]", "one or more [[source]] tables");
            vec![]
        }
        Some(toml::Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| section(v, &format!("source[{i}]"), &mut p))
            .collect(),
        Some(v) => {
            let (written, got) = match v {
                toml::Value::Table(_) => ("[source]", "a single table"),
                _ => ("(not a table)", "something else"),
            };
            p.push(
                "source",
                written,
                format!("one or more [[source]] tables, in double brackets; got {got}"),
            );
            p.unread("source");
            vec![]
        }
        None => {
            p.missing("source", "one or more [[source]] tables");
            vec![]
        }
    };
    let met: Option<MeteorologySection> = match get("meteorology") {
        Some(v) => read::kind(v, "meteorology", &MET_KINDS, &mut p).and_then(|(kind, rest)| {
            let path = "meteorology";
            match kind {
                "uniform" => section(rest, path, &mut p).map(MeteorologySection::Uniform),
                "station" => section(rest, path, &mut p).map(MeteorologySection::Station),
                _ => section(rest, path, &mut p).map(MeteorologySection::Gridded),
            }
        }),
        None => {
            p.missing(
                "meteorology",
                "a [meteorology] table with kind = \"uniform\", \"station\" or \"gridded\"",
            );
            None
        }
    };
    let model: Option<ModelSection> = match get("model") {
        Some(v) => read::kind(v, "model", &MODEL_KINDS, &mut p).and_then(|(kind, rest)| {
            let path = "model";
            match kind {
                "gaussian_plume" => section(rest, path, &mut p).map(ModelSection::GaussianPlume),
                "lagrangian" => section(rest, path, &mut p).map(ModelSection::Lagrangian),
                _ => section(rest, path, &mut p).map(ModelSection::GaussianPuff),
            }
        }),
        None => Some(ModelSection::GaussianPlume(GaussianPlumeSection::default())),
    };
    let out: OutputSection = match get("output") {
        Some(v) => section(v, "output", &mut p).unwrap_or_default(),
        None => OutputSection::default(),
    };

    // [scenario]
    let name_fr = match scen.name_fr {
        Some(n) if n.trim().is_empty() => {
            p.push(
                "scenario.name_fr",
                format!("{n:?}"),
                "a non-empty name, or no key",
            );
            None
        }
        other => other,
    };
    let name = match scen.name {
        Some(n) if !n.trim().is_empty() => n,
        Some(n) => {
            p.push("scenario.name", format!("{n:?}"), "a non-empty name");
            String::new()
        }
        None => {
            p.missing("scenario.name", "a non-empty name");
            String::new()
        }
    };
    /// The UTC offsets of the time zones of the region and its neighbours, by abbreviation.
    const ZONE_OFFSETS: [(&str, &str); 8] = [
        ("UTC", "Z"),
        ("GMT", "Z"),
        ("NDT", "-02:30"),
        ("NST", "-03:30"),
        ("ADT", "-03:00"),
        ("AST", "-04:00"),
        ("EDT", "-04:00"),
        ("EST", "-05:00"),
    ];
    /// What `scenario.start` accepts: RFC 3339 (ISO 8601 with seconds and an offset), any
    /// offset, stored as UTC.
    const START_TIME: &str = "an ISO 8601 date and time with seconds and any UTC offset, such as \
        \"2026-07-14T06:00:00Z\" or \"2026-07-14T03:00:00-03:00\"";
    let start = match scen.start.as_deref() {
        None => {
            p.missing("scenario.start", START_TIME);
            None
        }
        Some(s) => match DateTime::parse_from_rfc3339(s.trim()) {
            Ok(t) => {
                // Runs, but a year far from now is more likely a typo than a study (found by
                // the fuzz review: "0000-01-01T00:00:00Z" ran without a word).
                let year = chrono::Datelike::year(&t.with_timezone(&Utc));
                if !(1900..=2200).contains(&year) {
                    p.warnings.push(format!(
                        "scenario.start = {s:?}: the year {year} is far from any weather a release is modelled in; check the date (local times, sunrise and the weather file's period follow it)"
                    ));
                }
                Some(t.with_timezone(&Utc))
            }
            Err(e) => {
                // Say what is missing where chrono only says "premature end of input".
                let t = s.trim();
                let reads = |f: &str| chrono::NaiveDateTime::parse_from_str(t, f).is_ok();
                // A zone's abbreviation after the time (found by review: "… ADT" read as
                // "input contains invalid characters"): its offset, for the region's zones.
                let abbreviation = t.rsplit_once(' ').and_then(|(_, z)| {
                    ZONE_OFFSETS
                        .iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case(z))
                });
                let why = if let Some((name, offset)) = abbreviation {
                    format!("a time zone is written as its UTC offset: for {name}, end the time with {offset}")
                } else if reads("%Y-%m-%dT%H:%M:%S%.f") || reads("%Y-%m-%d %H:%M:%S%.f") {
                    "no UTC offset: add Z for UTC or the local offset, such as -03:00 (ADT) or -04:00 (EDT)".to_string()
                } else if reads("%Y-%m-%dT%H:%M") || reads("%Y-%m-%d %H:%M") {
                    "no seconds and no UTC offset: write hh:mm:ss and Z or the offset".to_string()
                } else {
                    e.to_string()
                };
                p.push(
                    "scenario.start",
                    format!("{s:?}"),
                    format!("{START_TIME} ({why})"),
                );
                None
            }
        },
    };
    let duration_s = p.req(
        "scenario.duration_s",
        scen.duration_s,
        Bounds::new(0.0, false, 30.0 * 86400.0, true, "s"),
    );

    // [domain]
    let DomainParts {
        centre,
        extent_m,
        resolution_m,
        layers,
        output_interval_s,
    } = domain(dom, duration_s, &mut p);

    // [consequence] (defined and validated in crate::consequence), before the sources: its
    // substance_file adds chemicals that release names may refer to.
    let consequence = match get("consequence") {
        Some(v) => section::<crate::consequence::ConsequenceSection>(v, "consequence", &mut p)
            .map(|c| {
                crate::consequence::validate(c, file, &mut |path, value, expected| {
                    p.push(path, value, expected)
                })
            })
            .unwrap_or_default(),
        None => crate::consequence::ConsequenceSpec::default(),
    };

    let user_library = consequence
        .substance_file
        .as_ref()
        .and_then(|f| substance::Library::with_user_file(f).ok());
    let library = user_library
        .as_ref()
        .unwrap_or_else(|| substance::Library::embedded());

    // [[source]]
    let mut species: Vec<Species> = vec![];
    let mut sources = vec![];
    let mut source_names_fr = vec![];
    for (i, raw) in raw_sources.into_iter().enumerate() {
        let Some(raw) = raw else { continue };
        let site = Site {
            duration_s,
            centre,
            extent_m,
        };
        let name_fr = match &raw.name_fr {
            Some(n) if n.trim().is_empty() => {
                p.push(
                    format!("source[{i}].name_fr"),
                    format!("{n:?}"),
                    "a non-empty name, or no key",
                );
                None
            }
            other => other.as_ref().map(|n| n.trim().to_string()),
        };
        if let Some(s) = source(raw, i, site, library, &mut species, &mut p) {
            sources.push(s);
            source_names_fr.push(name_fr);
        }
    }

    // Unless written, the AEGL zones judge exposures as long as the longest chemical release
    // (at most an hour).
    let mut consequence = consequence;
    consequence.judges_chemicals = species
        .iter()
        .any(|s| s.unit == AmountUnit::Kilogram && library.chemical(&s.name).is_some());
    if !consequence.aegl_duration_written {
        let longest = longest_chemical_release_s(&sources, &species, library, duration_s);
        if let Some(d) = crate::consequence::release_matched_aegl_duration_s(longest) {
            consequence.aegl_duration_s = d;
        }
    }

    // AEGL peak means and toxic loads are taken over whole output intervals: a cloud that
    // passes a receptor within one interval is averaged over all of it.
    if let Some(o) = output_interval_s {
        let shortest_s = substance::AEGL_DURATIONS_S[0];
        let assessed = species
            .iter()
            .any(|s| s.unit == AmountUnit::Kilogram && library.chemical(&s.name).is_some());
        if assessed && o > AEGL_INTERVAL_FRACTION * shortest_s {
            // A steady cloud arriving mid-interval is smeared over that interval (and so is its
            // departure): a window W of whole-interval means misses up to o/2W of it; a puff
            // shorter than an interval longer than W is diluted by W/o.
            let low = if o <= shortest_s {
                o / (2.0 * shortest_s)
            } else {
                1.0 - shortest_s / o
            };
            p.warnings.push(format!(
                "domain.output_interval_s = {}: the peak {} min means that AEGLs are judged on, and the toxic loads, are taken over whole output intervals, so they are low where the concentration changes within an interval (a cloud's arrival and departure, a short puff) — by up to {:.0} % here; an interval of at most {} s keeps that under 5 %",
                fmt_num(o),
                shortest_s / 60.0,
                100.0 * low,
                AEGL_INTERVAL_FRACTION * shortest_s
            ));
        }
    }

    // The grids are held in memory: bound what they take together, which the limits on cells
    // per layer and output times do not.
    let mut grid_bytes = None;
    if let (Some(e), Some(r), Some(d), Some(o)) =
        (extent_m, resolution_m, duration_s, output_interval_s)
    {
        let nx = crate::field::cells_covering(e[0], r) as f64;
        let ny = crate::field::cells_covering(e[1], r) as f64;
        let nt = (d / o).ceil().max(1.0);
        let (nz, ns) = (layers.len() as f64, species.len() as f64);
        let bytes = run_memory_bytes(nx * ny, nz * nt, ns);
        grid_bytes = Some(bytes);
        if bytes > MAX_RUN_BYTES {
            p.push(
                "domain",
                format!("{nx} × {ny} cells × {nz} layers × {nt} times × {ns} species"),
                format!("grids that fit in memory: these take about {:.0} GB, at most {:.0} GB (a coarser resolution_m, a smaller extent_m, fewer layers_m or a longer output_interval_s)", bytes / 1e9, MAX_RUN_BYTES / 1e9),
            );
        }
    }

    // [meteorology]
    let meteorology = met.and_then(|m| match m {
        MeteorologySection::Uniform(u) => uniform_met(u, &mut p).map(MetSpec::Uniform),
        MeteorologySection::Station(s) => station_met(s, file, &mut p).map(MetSpec::Station),
        MeteorologySection::Gridded(g) => gridded_met(g, file, &mut p).map(MetSpec::Gridded),
    });
    // [model]
    let backend = match &model {
        Some(ModelSection::GaussianPlume(g)) => g.backend.unwrap_or_default(),
        Some(ModelSection::Lagrangian(l)) => l.backend.unwrap_or_default(),
        // The puff model runs on the CPU only.
        Some(ModelSection::GaussianPuff(_)) | None => Default::default(),
    };
    let model = model.map(|m| match m {
        ModelSection::GaussianPlume(g) => {
            gaussian_plume_model(g, meteorology.as_ref(), layers.len(), &mut p)
        }
        ModelSection::Lagrangian(l) => {
            let spec = lagrangian_model(l, &sources, &mut p);
            // The particles are held beside the grids: together they must fit.
            if let (ModelSpec::Lagrangian { particles, .. }, Some(grids)) = (&spec, grid_bytes) {
                let own = *particles as f64 * PARTICLE_BYTES;
                if grids <= MAX_RUN_BYTES && grids + own > MAX_RUN_BYTES {
                    p.push(
                        "model.particles",
                        particles.to_string(),
                        format!("particles that fit in memory beside the grids: these take about {:.1} GB ({PARTICLE_BYTES:.0} B each) and the grids {:.1} GB, at most {:.0} GB together", own / 1e9, grids / 1e9, MAX_RUN_BYTES / 1e9),
                    );
                }
            }
            spec
        }
        ModelSection::GaussianPuff(g) => {
            let terrain = meteorology.as_ref().map(MetSpec::terrain);
            gaussian_puff_model(g, terrain, layers.len(), &mut p)
        }
    });

    // [output]
    let default_dir = PathBuf::from("out").join(file.file_stem().unwrap_or_default());
    let directory = match out.directory {
        Some(d) if d.trim().is_empty() => {
            p.push("output.directory", "\"\"", "a directory path");
            default_dir
        }
        Some(d) => PathBuf::from(d),
        None => default_dir,
    };
    let formats = out.formats.unwrap_or_else(|| {
        vec![
            OutputFormat::Netcdf,
            OutputFormat::Json,
            OutputFormat::Geojson,
            OutputFormat::Kml,
            OutputFormat::Cap,
            OutputFormat::Png,
        ]
    });
    if formats.is_empty() {
        p.push(
            "output.formats",
            "[]",
            "at least one of \"netcdf\", \"json\"",
        );
    }

    // [ensemble] (defined and validated in crate::ensemble)
    let ensemble = get("ensemble").and_then(|v| {
        section::<crate::ensemble::EnsembleSection>(v, "ensemble", &mut p).map(|e| {
            crate::ensemble::validate(e, &mut |path, value, expected| {
                p.push(path, value, expected)
            })
        })
    });

    if p.count() > 0 {
        return Err((p.list, p.warnings));
    }
    Ok(Scenario {
        path: file.to_path_buf(),
        text: text.to_string(),
        name,
        name_fr,
        start: start.expect("checked"),
        duration_s: duration_s.expect("checked"),
        domain: Domain {
            centre: centre.expect("checked"),
            extent_m: extent_m.expect("checked"),
            resolution_m: resolution_m.expect("checked"),
            layers,
            output_interval_s: output_interval_s.expect("checked"),
        },
        species,
        sources,
        source_names_fr,
        meteorology: meteorology.expect("checked"),
        model: model.expect("checked"),
        backend,
        output: OutputSpec { directory, formats },
        consequence,
        ensemble,
        warnings: p.warnings,
    })
}

/// The longest span (s) over which library chemicals are released, phases that follow or
/// overlap each other taken as one release (a declining release written as back-to-back
/// sources, found by review); infinite where the span reaches the run's end `run_s`, as the
/// release may go on. `None` without a chemical release.
fn longest_chemical_release_s(
    sources: &[Source],
    species: &[Species],
    library: &substance::Library,
    run_s: Option<f64>,
) -> Option<f64> {
    let mut spans: Vec<(f64, f64)> = sources
        .iter()
        .filter(|s| {
            s.releases.iter().any(|r| {
                let sp = &species[r.species];
                r.rate_per_s > 0.0
                    && sp.unit == AmountUnit::Kilogram
                    && library.chemical(&sp.name).is_some()
            })
        })
        .map(|s| match run_s {
            Some(run) if s.end_s() >= run => (s.start_s, f64::INFINITY),
            _ => (s.start_s, s.end_s()),
        })
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f64, f64)> = vec![];
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 + 1e-6 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
        .iter()
        .map(|(start, end)| end - start)
        .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.max(d))))
}
