//! From raw sections to a validated [`Scenario`], collecting every problem on the way.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::raw::*;
use super::*;
use crate::source::{Deposition, Release, Source, Stack};
use crate::substance::{self, AmountUnit, Species};

/// Collects problems; each check records one and returns whether the value passed.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn push(
        &mut self,
        path: impl Into<String>,
        value: impl Into<String>,
        expected: impl Into<String>,
    ) {
        self.0.push(Problem {
            path: path.into(),
            value: value.into(),
            expected: expected.into(),
        });
    }

    fn missing(&mut self, path: impl Into<String>, expected: &str) {
        self.push(path, "(missing)", expected);
    }

    /// Checks that `v` is finite and within `b`.
    fn range(&mut self, path: &str, v: f64, b: Bounds) -> bool {
        let ok = b.contains(v);
        if !ok {
            self.push(path, fmt_num(v), b.describe());
        }
        ok
    }

    /// A required number within `b`; returns it when present and valid.
    fn req(&mut self, path: &str, v: Option<f64>, b: Bounds) -> Option<f64> {
        match v {
            None => {
                self.missing(path, &b.describe());
                None
            }
            Some(v) => self.range(path, v, b).then_some(v),
        }
    }

    /// An optional number within `b`, `default` when absent.
    fn opt(&mut self, path: &str, v: Option<f64>, default: f64, b: Bounds) -> f64 {
        match v {
            None => default,
            Some(v) => {
                self.range(path, v, b);
                v
            }
        }
    }
}

/// An allowed interval for a number, with its unit.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    lo: f64,
    lo_inclusive: bool,
    hi: f64,
    hi_inclusive: bool,
    unit: &'static str,
}

impl Bounds {
    const fn new(
        lo: f64,
        lo_inclusive: bool,
        hi: f64,
        hi_inclusive: bool,
        unit: &'static str,
    ) -> Self {
        Bounds {
            lo,
            lo_inclusive,
            hi,
            hi_inclusive,
            unit,
        }
    }

    fn contains(&self, v: f64) -> bool {
        v.is_finite()
            && (if self.lo_inclusive {
                v >= self.lo
            } else {
                v > self.lo
            })
            && (if self.hi_inclusive {
                v <= self.hi
            } else {
                v < self.hi
            })
    }

    fn describe(&self) -> String {
        let l = if self.lo_inclusive { "≥" } else { ">" };
        let h = if self.hi_inclusive { "≤" } else { "<" };
        format!("a number {l} {} and {h} {} {}", self.lo, self.hi, self.unit)
            .trim_end()
            .to_string()
    }
}

fn fmt_num(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else {
        format!("{v}")
    }
}

/// Deserialises one section, turning serde's error into a problem under `path`.
fn section<T: DeserializeOwned>(
    value: toml::Value,
    path: &str,
    problems: &mut Problems,
) -> Option<T> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(v) => Some(v),
        Err(e) => {
            let inner = e.path().to_string();
            let full = if inner == "." || inner.is_empty() {
                path.to_string()
            } else {
                format!("{path}.{inner}")
            };
            let msg = e.into_inner().to_string();
            let msg = msg.trim().trim_end_matches('.').to_string();
            // serde's messages already say what was found and what was expected.
            problems.push(full, "(see message)", msg);
            None
        }
    }
}

const TOP_LEVEL: [&str; 7] = [
    "scenario",
    "domain",
    "source",
    "meteorology",
    "model",
    "output",
    "consequence",
];

pub(super) fn parse(text: &str, file: &Path) -> Result<Scenario, Vec<Problem>> {
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
            return Err(p.0);
        }
    };
    for key in table.keys() {
        if !TOP_LEVEL.contains(&key.as_str()) {
            p.push(
                key.clone(),
                "(unknown section)",
                format!("one of {}", TOP_LEVEL.join(", ")),
            );
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
            DomainSection::default()
        }
    };
    let raw_sources: Vec<Option<SourceSection>> = match get("source") {
        Some(toml::Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| section(v, &format!("source[{i}]"), &mut p))
            .collect(),
        Some(_) => {
            p.push("source", "(not an array)", "one or more [[source]] tables");
            vec![]
        }
        None => {
            p.missing("source", "one or more [[source]] tables");
            vec![]
        }
    };
    let met: Option<MeteorologySection> = match get("meteorology") {
        Some(v) => section(v, "meteorology", &mut p),
        None => {
            p.missing(
                "meteorology",
                "a [meteorology] table with kind = \"uniform\", \"station\" or \"gridded\"",
            );
            None
        }
    };
    let model: Option<ModelSection> = match get("model") {
        Some(v) => section(v, "model", &mut p),
        None => Some(ModelSection::GaussianPlume(GaussianPlumeSection::default())),
    };
    let out: OutputSection = match get("output") {
        Some(v) => section(v, "output", &mut p).unwrap_or_default(),
        None => OutputSection::default(),
    };

    // [scenario]
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
    let start = match scen.start.as_deref() {
        None => {
            p.missing(
                "scenario.start",
                "an ISO 8601 UTC time such as \"2026-07-14T06:00:00Z\"",
            );
            None
        }
        Some(s) => match DateTime::parse_from_rfc3339(s.trim()) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(e) => {
                p.push(
                    "scenario.start",
                    format!("{s:?}"),
                    format!("an ISO 8601 UTC time such as \"2026-07-14T06:00:00Z\" ({e})"),
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
    let centre = match dom.centre {
        None => {
            p.missing("domain.centre", "{ lat = …, lon = … } in decimal degrees");
            None
        }
        Some(c) => {
            let a = p.range(
                "domain.centre.lat",
                c.lat,
                Bounds::new(-80.0, true, 80.0, true, "degrees"),
            );
            let b = p.range(
                "domain.centre.lon",
                c.lon,
                Bounds::new(-180.0, true, 180.0, true, "degrees"),
            );
            (a && b).then_some(c)
        }
    };
    let extent_m = match dom.extent_m {
        None => {
            p.missing(
                "domain.extent_m",
                "[east–west, south–north] extent in metres",
            );
            None
        }
        Some(e) if e.len() != 2 => {
            p.push(
                "domain.extent_m",
                format!("{e:?}"),
                "two numbers: [east–west, south–north] in metres",
            );
            None
        }
        Some(e) => {
            let a = p.range(
                "domain.extent_m[0]",
                e[0],
                Bounds::new(0.0, false, 1.0e6, true, "m"),
            );
            let b = p.range(
                "domain.extent_m[1]",
                e[1],
                Bounds::new(0.0, false, 1.0e6, true, "m"),
            );
            (a && b).then_some([e[0], e[1]])
        }
    };
    let resolution_m = p.req(
        "domain.resolution_m",
        dom.resolution_m,
        Bounds::new(0.0, false, 1.0e5, true, "m"),
    );
    if let (Some(e), Some(r)) = (extent_m, resolution_m) {
        let nx = (e[0] / r).round();
        let ny = (e[1] / r).round();
        if nx < 1.0 || ny < 1.0 || nx * ny > 2.5e7 {
            p.push(
                "domain.resolution_m",
                fmt_num(r),
                format!("a resolution giving 1 to 25 million cells per layer (extent gives {nx} × {ny})"),
            );
        }
    }
    let layers = match dom.layers_m {
        None => vec![Layer {
            bottom_m: 0.0,
            top_m: 3.0,
        }],
        Some(ls) if ls.is_empty() => {
            p.push(
                "domain.layers_m",
                "[]",
                "at least one [bottom, top] pair in metres",
            );
            vec![]
        }
        Some(ls) => {
            let mut out = vec![];
            for (i, l) in ls.iter().enumerate() {
                let path = format!("domain.layers_m[{i}]");
                if l.len() != 2
                    || !l.iter().all(|v| v.is_finite())
                    || l[0] < 0.0
                    || l[1] <= l[0]
                    || l[1] > 10_000.0
                {
                    p.push(
                        path,
                        format!("{l:?}"),
                        "[bottom, top] with 0 ≤ bottom < top ≤ 10000 m",
                    );
                } else {
                    out.push(Layer {
                        bottom_m: l[0],
                        top_m: l[1],
                    });
                }
            }
            out
        }
    };
    let output_interval_s = p.req(
        "domain.output_interval_s",
        dom.output_interval_s,
        Bounds::new(0.0, false, 30.0 * 86400.0, true, "s"),
    );
    if let (Some(d), Some(o)) = (duration_s, output_interval_s) {
        if o > d {
            p.push(
                "domain.output_interval_s",
                fmt_num(o),
                format!("at most scenario.duration_s ({d} s)"),
            );
        } else if d / o > 10_000.0 {
            p.push(
                "domain.output_interval_s",
                fmt_num(o),
                "an interval giving at most 10000 output times",
            );
        }
    }

    // [[source]]
    let mut species: Vec<Species> = vec![];
    let mut sources = vec![];
    for (i, raw) in raw_sources.into_iter().enumerate() {
        let Some(raw) = raw else { continue };
        if let Some(s) = source(raw, i, duration_s, centre, extent_m, &mut species, &mut p) {
            sources.push(s);
        }
    }

    // [meteorology]
    let meteorology = met.and_then(|m| match m {
        MeteorologySection::Uniform(u) => uniform_met(u, &mut p).map(MetSpec::Uniform),
        MeteorologySection::Station(s) => station_met(s, file, &mut p).map(MetSpec::Station),
        MeteorologySection::Gridded(g) => gridded_met(g, file, &mut p).map(MetSpec::Gridded),
    });
    let terrain = meteorology.as_ref().map(MetSpec::terrain);
    let check_scheme = |scheme: SigmaScheme, p: &mut Problems| {
        if scheme == SigmaScheme::PasquillGifford && terrain == Some(Terrain::Urban) {
            p.push(
                "model.sigma_scheme",
                "\"pasquill_gifford\"",
                "\"briggs\" for urban terrain (the ISC3 Pasquill–Gifford curves are rural only)",
            );
        }
    };

    // [model]
    let backend = match &model {
        Some(ModelSection::GaussianPlume(g)) => g.backend.unwrap_or_default(),
        Some(ModelSection::Lagrangian(l)) => l.backend.unwrap_or_default(),
        // The puff model runs on the CPU only.
        Some(ModelSection::GaussianPuff(_)) | None => Default::default(),
    };
    let model = model.map(|m| match m {
        ModelSection::GaussianPlume(g) => {
            let scheme = g.sigma_scheme.unwrap_or_default();
            check_scheme(scheme, &mut p);
            if let Some(m) = &meteorology {
                if !matches!(m, MetSpec::Uniform(_)) {
                    p.push(
                        "model.kind",
                        "\"gaussian_plume\"",
                        format!("\"gaussian_puff\" (or \"lagrangian\") with meteorology.kind = \"{}\": a steady plume needs uniform meteorology", m.kind_name()),
                    );
                }
            }
            if let Some(h) = g.receptor_height_m {
                p.range("model.receptor_height_m", h, Bounds::new(0.0, true, 10_000.0, true, "m"));
            }
            ModelSpec::GaussianPlume { sigma_scheme: scheme, receptor_height_m: g.receptor_height_m }
        }
        ModelSection::Lagrangian(l) => lagrangian_model(l, &sources, &mut p),
        ModelSection::GaussianPuff(g) => {
            let scheme = g.sigma_scheme.unwrap_or_default();
            check_scheme(scheme, &mut p);
            if let Some(h) = g.receptor_height_m {
                p.range("model.receptor_height_m", h, Bounds::new(0.0, true, 10_000.0, true, "m"));
            }
            let time_step_s = p.opt("model.time_step_s", g.time_step_s, 60.0, Bounds::new(1.0, true, 3600.0, true, "s"));
            if let Some(v) = g.split_sigma_y_m {
                p.range("model.split_sigma_y_m", v, Bounds::new(10.0, true, 1.0e6, true, "m"));
            }
            let max_puffs = match g.max_puffs {
                None => 20_000,
                Some(n) if (10..=1_000_000).contains(&n) => n as usize,
                Some(n) => {
                    p.push("model.max_puffs", n.to_string(), "a count from 10 to 1000000");
                    20_000
                }
            };
            ModelSpec::GaussianPuff(PuffSpec {
                sigma_scheme: scheme,
                receptor_height_m: g.receptor_height_m,
                time_step_s,
                split_sigma_y_m: g.split_sigma_y_m,
                shear_splitting: g.shear_splitting,
                max_puffs,
                growth: g.growth.unwrap_or_default(),
            })
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
    let formats = out
        .formats
        .unwrap_or_else(|| vec![OutputFormat::Netcdf, OutputFormat::Json]);
    if formats.is_empty() {
        p.push(
            "output.formats",
            "[]",
            "at least one of \"netcdf\", \"json\"",
        );
    }

    // [consequence] (defined and validated in crate::consequence)
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

    if !p.0.is_empty() {
        return Err(p.0);
    }
    Ok(Scenario {
        path: file.to_path_buf(),
        text: text.to_string(),
        name,
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
        meteorology: meteorology.expect("checked"),
        model: model.expect("checked"),
        backend,
        output: OutputSpec { directory, formats },
        consequence,
    })
}

fn source(
    raw: SourceSection,
    i: usize,
    duration_s: Option<f64>,
    centre: Option<LatLon>,
    extent_m: Option<[f64; 2]>,
    species: &mut Vec<Species>,
    p: &mut Problems,
) -> Option<Source> {
    let at = |k: &str| format!("source[{i}].{k}");
    let n0 = p.0.len();
    let name = raw.name.unwrap_or_else(|| format!("source {}", i + 1));
    let location = match raw.location {
        None => {
            p.missing(at("location"), "{ lat = …, lon = … } in decimal degrees");
            None
        }
        Some(l) => {
            let a = p.range(
                &at("location.lat"),
                l.lat,
                Bounds::new(-80.0, true, 80.0, true, "degrees"),
            );
            let b = p.range(
                &at("location.lon"),
                l.lon,
                Bounds::new(-180.0, true, 180.0, true, "degrees"),
            );
            (a && b).then_some(l)
        }
    };
    if let (Some(l), Some(c), Some(e)) = (location, centre, extent_m) {
        let (x, y) = crate::geo::TransverseMercator::new(c).forward(l);
        if x.abs() > e[0] / 2.0 || y.abs() > e[1] / 2.0 {
            p.push(
                at("location"),
                format!("{{ lat = {}, lon = {} }}", l.lat, l.lon),
                format!("a point inside the domain (it lies {:.0} m east, {:.0} m north of the centre; the domain reaches ±{:.0} m, ±{:.0} m)", x, y, e[0] / 2.0, e[1] / 2.0),
            );
        }
    }
    let height_m = p.opt(
        &at("height_m"),
        raw.height_m,
        0.0,
        Bounds::new(0.0, true, 2000.0, true, "m"),
    );
    let d = duration_s.unwrap_or(f64::INFINITY);
    let start_s = p.opt(
        &at("start_s"),
        raw.start_s,
        0.0,
        Bounds::new(0.0, true, d, false, "s (before the scenario ends)"),
    );
    let rel_duration_s = p.opt(
        &at("duration_s"),
        raw.duration_s,
        (d - start_s).max(0.0),
        Bounds::new(0.0, true, 1e9, true, "s"),
    );
    let stack = match (
        raw.stack_diameter_m,
        raw.exit_velocity_m_s,
        raw.exit_temperature_k,
    ) {
        (None, None, None) => None,
        (Some(dm), Some(v), Some(t)) => {
            p.range(
                &at("stack_diameter_m"),
                dm,
                Bounds::new(0.0, false, 100.0, true, "m"),
            );
            p.range(
                &at("exit_velocity_m_s"),
                v,
                Bounds::new(0.0, true, 200.0, true, "m/s"),
            );
            p.range(
                &at("exit_temperature_k"),
                t,
                Bounds::new(150.0, true, 2000.0, true, "K"),
            );
            Some(Stack {
                diameter_m: dm,
                exit_velocity_m_s: v,
                exit_temperature_k: t,
            })
        }
        _ => {
            p.push(at("stack_diameter_m"), "(partly given)", "all three of stack_diameter_m, exit_velocity_m_s, exit_temperature_k, or none (no plume rise)");
            None
        }
    };
    let mut releases = vec![];
    // An `inventory` table becomes nuclide releases (crate::source::inventory).
    let mut release_items = raw.release;
    if let Some(inv) = &raw.inventory {
        match crate::source::inventory::inventory_release_rates(
            inv,
            rel_duration_s,
            crate::substance::Library::embedded(),
        ) {
            Ok(rates) => release_items
                .get_or_insert_with(Vec::new)
                .extend(rates.into_iter().map(|r| ReleaseItem {
                    nuclide: Some(r.name),
                    rate_bq_s: Some(r.rate_per_s),
                    ..ReleaseItem::default()
                })),
            Err(e) => p.push(at("inventory"), "(see message)", e.to_string()),
        }
    }
    match release_items {
        None if raw.inventory.is_some() => {}
        None => p.missing(
            at("release"),
            "a list of { substance = …, rate_kg_s = … } or { nuclide = …, rate_bq_s = … }",
        ),
        Some(items) if items.is_empty() => p.push(
            at("release"),
            "[]",
            "at least one released substance or nuclide",
        ),
        Some(items) => {
            for (j, item) in items.into_iter().enumerate() {
                if let Some(r) = release(item, &format!("source[{i}].release[{j}]"), species, p) {
                    releases.push(r);
                }
            }
        }
    }
    (p.0.len() == n0).then(|| Source {
        name,
        location: location.expect("checked"),
        height_m,
        start_s,
        duration_s: rel_duration_s,
        releases,
        stack,
    })
}

fn release(
    item: ReleaseItem,
    path: &str,
    species: &mut Vec<Species>,
    p: &mut Problems,
) -> Option<Release> {
    let at = |k: &str| format!("{path}.{k}");
    let (name, unit, rate) = match (&item.substance, &item.nuclide) {
        (Some(s), None) => {
            if item.rate_bq_s.is_some() {
                p.push(
                    at("rate_bq_s"),
                    fmt_num(item.rate_bq_s.unwrap_or(0.0)),
                    "rate_kg_s for a substance (rate_bq_s is for nuclides)",
                );
                return None;
            }
            (
                s.trim().to_string(),
                AmountUnit::Kilogram,
                p.req(
                    &at("rate_kg_s"),
                    item.rate_kg_s,
                    Bounds::new(0.0, true, 1e9, true, "kg/s"),
                )?,
            )
        }
        (None, Some(n)) => {
            if item.rate_kg_s.is_some() {
                p.push(
                    at("rate_kg_s"),
                    fmt_num(item.rate_kg_s.unwrap_or(0.0)),
                    "rate_bq_s for a nuclide (rate_kg_s is for substances)",
                );
                return None;
            }
            (
                n.trim().to_string(),
                AmountUnit::Becquerel,
                p.req(
                    &at("rate_bq_s"),
                    item.rate_bq_s,
                    Bounds::new(0.0, true, 1e25, true, "Bq/s"),
                )?,
            )
        }
        _ => {
            p.push(
                path,
                "(substance and nuclide both given, or neither)",
                "exactly one of substance = \"…\" or nuclide = \"…\"",
            );
            return None;
        }
    };
    if name.is_empty() {
        p.push(
            at(if unit == AmountUnit::Kilogram {
                "substance"
            } else {
                "nuclide"
            }),
            "\"\"",
            "a name",
        );
        return None;
    }
    let half_life_s = match item.half_life_s {
        Some(h) => p
            .range(
                &at("half_life_s"),
                h,
                Bounds::new(0.0, false, f64::MAX, true, "s"),
            )
            .then_some(Some(h))?,
        None if unit == AmountUnit::Becquerel => match substance::nuclide_half_life_s(&name) {
            Some(h) => Some(h),
            None => {
                p.push(
                    at("nuclide"),
                    format!("{name:?}"),
                    format!(
                        "a nuclide in the library ({}) or an explicit half_life_s",
                        substance::nuclide_names().join(", ")
                    ),
                );
                return None;
            }
        },
        None => None,
    };
    let idx = match species.iter().position(|s| s.name == name) {
        Some(k) => {
            if species[k].unit != unit || species[k].half_life_s != half_life_s {
                p.push(
                    at("half_life_s"),
                    format!("{half_life_s:?}"),
                    format!("the same unit and half-life as the earlier release of {name}"),
                );
                return None;
            }
            k
        }
        None => {
            species.push(Species {
                name,
                unit,
                half_life_s,
            });
            species.len() - 1
        }
    };
    let d = Deposition::default();
    let deposition = Deposition {
        dry_velocity_m_s: p.opt(
            &at("dry_deposition_velocity_m_s"),
            item.dry_deposition_velocity_m_s,
            d.dry_velocity_m_s,
            Bounds::new(0.0, true, 1.0, true, "m/s"),
        ),
        washout_a_per_s: p.opt(
            &at("washout_a_per_s"),
            item.washout_a_per_s,
            d.washout_a_per_s,
            Bounds::new(0.0, true, 0.01, true, "s⁻¹"),
        ),
        washout_b: p.opt(
            &at("washout_b"),
            item.washout_b,
            d.washout_b,
            Bounds::new(0.0, true, 2.0, true, ""),
        ),
    };
    Some(Release {
        species: idx,
        rate_per_s: rate,
        deposition,
    })
}

fn uniform_met(u: UniformMetSection, p: &mut Problems) -> Option<UniformMetSpec> {
    let n0 = p.0.len();
    let speed = p.req(
        "meteorology.wind_speed_m_s",
        u.wind_speed_m_s,
        Bounds::new(0.0, false, 60.0, true, "m/s"),
    );
    let z0 = p.opt(
        "meteorology.roughness_length_m",
        u.roughness_length_m,
        0.1,
        Bounds::new(0.0, false, 3.0, true, "m"),
    );
    let zr = p.opt(
        "meteorology.wind_reference_height_m",
        u.wind_reference_height_m,
        10.0,
        Bounds::new(0.0, false, 500.0, true, "m"),
    );
    if zr <= z0 {
        p.push(
            "meteorology.wind_reference_height_m",
            fmt_num(zr),
            format!("a height above the roughness length ({z0} m)"),
        );
    }
    let from = p.req(
        "meteorology.wind_from_deg",
        u.wind_from_deg,
        Bounds::new(0.0, true, 360.0, true, "degrees"),
    );
    let stability = match (&u.stability, u.obukhov_length_m) {
        (Some(s), None) => {
            if u.friction_velocity_m_s.is_some() {
                p.push(
                    "meteorology.friction_velocity_m_s",
                    fmt_num(u.friction_velocity_m_s.unwrap_or(0.0)),
                    "no friction velocity with a stability class (give obukhov_length_m instead)",
                );
            }
            match StabilityClass::from_letter(s) {
                Some(c) => Some(StabilitySpec::Class(c)),
                None => {
                    p.push(
                        "meteorology.stability",
                        format!("{s:?}"),
                        "a Pasquill–Gifford class \"A\" to \"F\"",
                    );
                    None
                }
            }
        }
        (None, Some(l)) => {
            if !l.is_finite() || l.abs() < 1.0 {
                p.push("meteorology.obukhov_length_m", fmt_num(l), "a finite length with |L| ≥ 1 m (negative unstable, positive stable, large for neutral)");
            }
            let u_star = u.friction_velocity_m_s;
            if let Some(us) = u_star {
                p.range(
                    "meteorology.friction_velocity_m_s",
                    us,
                    Bounds::new(0.0, false, 3.0, true, "m/s"),
                );
            }
            Some(StabilitySpec::Obukhov {
                obukhov_length_m: l,
                friction_velocity_m_s: u_star,
            })
        }
        (Some(_), Some(l)) => {
            p.push(
                "meteorology.obukhov_length_m",
                fmt_num(l),
                "either stability or obukhov_length_m, not both",
            );
            None
        }
        (None, None) => {
            p.missing("meteorology.stability", "a Pasquill–Gifford class \"A\" to \"F\", or obukhov_length_m (with optional friction_velocity_m_s)");
            None
        }
    };
    let mixing = u.mixing_height_m.inspect(|&h| {
        p.range(
            "meteorology.mixing_height_m",
            h,
            Bounds::new(10.0, true, 6000.0, true, "m"),
        );
    });
    let temp = p.opt(
        "meteorology.air_temperature_k",
        u.air_temperature_k,
        288.15,
        Bounds::new(180.0, true, 340.0, true, "K"),
    );
    let precip = p.opt(
        "meteorology.precipitation_mm_h",
        u.precipitation_mm_h,
        0.0,
        Bounds::new(0.0, true, 500.0, true, "mm/h"),
    );
    (p.0.len() == n0).then(|| UniformMetSpec {
        wind_speed_m_s: speed.expect("checked"),
        wind_reference_height_m: zr,
        wind_from_deg: from.expect("checked"),
        stability: stability.expect("checked"),
        roughness_length_m: z0,
        mixing_height_m: mixing,
        terrain: u.terrain.unwrap_or_default(),
        air_temperature_k: temp,
        precipitation_mm_h: precip,
    })
}

/// Validates `[model] kind = "lagrangian"`; every key has a documented default.
fn lagrangian_model(l: LagrangianSection, sources: &[Source], p: &mut Problems) -> ModelSpec {
    let particles = l.particles.unwrap_or(DEFAULT_PARTICLES);
    if !(1..=MAX_PARTICLES).contains(&particles) {
        p.push(
            "model.particles",
            particles.to_string(),
            format!("an integer ≥ 1 and ≤ {MAX_PARTICLES}"),
        );
    }
    let seed = l.seed.unwrap_or(0);
    if seed < 0 {
        p.push("model.seed", seed.to_string(), "an integer ≥ 0");
    }
    let max_time_step_s = p.opt(
        "model.max_time_step_s",
        l.max_time_step_s,
        DEFAULT_MAX_TIME_STEP_S,
        Bounds::new(0.1, true, 3600.0, true, "s"),
    );
    let time_step_factor = p.opt(
        "model.time_step_factor",
        l.time_step_factor,
        DEFAULT_TIME_STEP_FACTOR,
        Bounds::new(0.0, false, 1.0, true, ""),
    );
    let sampling_step_s = p.opt(
        "model.sampling_step_s",
        l.sampling_step_s,
        DEFAULT_SAMPLING_STEP_S,
        Bounds::new(1.0, true, 86_400.0, true, "s"),
    );
    let backend = l.backend.unwrap_or_default();
    // A particle carries at most four deposition classes (distinct v_d, a, b) per source.
    for (i, src) in sources.iter().enumerate() {
        let mut classes: Vec<Deposition> = vec![];
        for r in &src.releases {
            if !classes.contains(&r.deposition) {
                classes.push(r.deposition);
            }
        }
        if classes.len() > 4 {
            p.push(
                format!("source[{i}].release"),
                format!("{} distinct deposition parameter sets", classes.len()),
                "at most 4 per source for the Lagrangian model (releases with equal dry_deposition_velocity_m_s, washout_a_per_s and washout_b share one)",
            );
        }
    }
    ModelSpec::Lagrangian {
        particles: particles.clamp(1, MAX_PARTICLES) as usize,
        seed: seed.max(0) as u64,
        max_time_step_s,
        time_step_factor,
        sampling_step_s,
        backend,
    }
}
/// Resolves a met file path against the scenario's folder and checks that it exists.
fn met_file(
    raw: Option<String>,
    scenario_file: &Path,
    what: &str,
    p: &mut Problems,
) -> Option<PathBuf> {
    match raw {
        None => {
            p.missing("meteorology.file", what);
            None
        }
        Some(f) if f.trim().is_empty() => {
            p.push("meteorology.file", "\"\"", what);
            None
        }
        Some(f) => {
            let rel = PathBuf::from(f.trim());
            let path = if rel.is_absolute() {
                rel
            } else {
                scenario_file.parent().unwrap_or(Path::new("")).join(rel)
            };
            if path.is_file() {
                Some(path)
            } else {
                p.push(
                    "meteorology.file",
                    format!("{f:?}"),
                    format!(
                        "{what} (looked for {}, relative to the scenario file)",
                        path.display()
                    ),
                );
                None
            }
        }
    }
}

fn station_met(s: StationMetSection, file: &Path, p: &mut Problems) -> Option<StationMetSpec> {
    let n0 = p.0.len();
    let path = met_file(s.file, file, "an existing station CSV file", p);
    let z0 = p.opt(
        "meteorology.roughness_length_m",
        s.roughness_length_m,
        0.1,
        Bounds::new(0.0, false, 3.0, true, "m"),
    );
    let power = p.opt(
        "meteorology.idw_power",
        s.idw_power,
        2.0,
        Bounds::new(0.5, true, 6.0, true, ""),
    );
    let weighting = match s.interpolation.unwrap_or_default() {
        StationInterpolation::InverseDistance => {
            crate::met::SpatialWeighting::InverseDistance { power }
        }
        StationInterpolation::Nearest => {
            if s.idw_power.is_some() {
                p.push(
                    "meteorology.idw_power",
                    fmt_num(power),
                    "no idw_power with interpolation = \"nearest\"",
                );
            }
            crate::met::SpatialWeighting::Nearest
        }
    };
    let max_gap_s = p.opt(
        "meteorology.max_gap_s",
        s.max_gap_s,
        10_800.0,
        Bounds::new(0.0, false, 30.0 * 86400.0, true, "s"),
    );
    (p.0.len() == n0).then(|| StationMetSpec {
        file: path.expect("checked"),
        weighting,
        roughness_length_m: z0,
        terrain: s.terrain.unwrap_or_default(),
        max_gap_s,
    })
}

fn gridded_met(g: GriddedMetSection, file: &Path, p: &mut Problems) -> Option<GriddedMetSpec> {
    let n0 = p.0.len();
    let path = met_file(g.file, file, "an existing netCDF-4 or GRIB2 file", p);
    let z0 = p.opt(
        "meteorology.roughness_length_m",
        g.roughness_length_m,
        0.1,
        Bounds::new(0.0, false, 3.0, true, "m"),
    );
    let format = match (g.format, &path) {
        (Some(f), _) => Some(f),
        (None, Some(path)) => {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            match ext.as_str() {
                "nc" | "nc4" | "h5" | "hdf5" | "netcdf" => Some(GriddedFormat::Netcdf),
                "grib2" | "grb2" | "grib" | "grb" => Some(GriddedFormat::Grib2),
                _ => {
                    p.push(
                        "meteorology.format",
                        "(missing)",
                        format!("\"netcdf\" or \"grib2\" (the extension .{ext} does not tell)"),
                    );
                    None
                }
            }
        }
        (None, None) => None,
    };
    (p.0.len() == n0).then(|| GriddedMetSpec {
        file: path.expect("checked"),
        format: format.expect("checked"),
        vertical_interpolation: g.vertical_interpolation.unwrap_or_default(),
        roughness_length_m: z0,
        terrain: g.terrain.unwrap_or_default(),
    })
}
