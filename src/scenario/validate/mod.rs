//! From raw sections to a validated [`Scenario`], collecting every problem on the way.

use std::path::{Path, PathBuf};

use super::raw::*;
use super::*;
use crate::source::{Deposition, Release, Source, Stack};
use crate::substance::{self, AmountUnit, Species};

mod location;
mod met;
mod model;
mod read;
mod source;

use met::{gridded_met, station_met, uniform_met};
use model::lagrangian_model;
use read::section;
use source::{source, Site};

/// Collects problems; each check records one and returns whether the value passed.
#[derive(Default)]
struct Problems {
    list: Vec<Problem>,
    /// Paths whose value could not be read (a wrong type, a table missing a key, an unknown key
    /// that names them): their problem is already reported, so they are not also "missing".
    unread: Vec<String>,
    /// Missing values left unreported because they were unread.
    quiet: usize,
    /// What is valid but probably not what was meant; reported without stopping the run.
    warnings: Vec<String>,
}

impl Problems {
    fn push(
        &mut self,
        path: impl Into<String>,
        value: impl Into<String>,
        expected: impl Into<String>,
    ) {
        self.list.push(Problem {
            path: path.into(),
            value: value.into(),
            expected: expected.into(),
        });
    }

    /// Problems found so far, counting the quiet ones: a check compares it before and after to
    /// tell whether everything it read was valid.
    fn count(&self) -> usize {
        self.list.len() + self.quiet
    }

    /// Marks `path` (and everything under it) as already reported unreadable.
    fn unread(&mut self, path: impl Into<String>) {
        self.unread.push(path.into());
    }

    fn is_unread(&self, path: &str) -> bool {
        self.unread.iter().any(|u| {
            path.strip_prefix(u.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
    }

    fn missing(&mut self, path: impl Into<String>, expected: &str) {
        let path = path.into();
        if self.is_unread(&path) {
            self.quiet += 1;
        } else {
            self.push(path, "(missing)", expected);
        }
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
        if self.hi == f64::MAX {
            // No upper bound: do not print 309 digits of f64::MAX.
            return format!("a number {l} {} {}", fmt_num(self.lo), self.unit)
                .trim_end()
                .to_string();
        }
        // 1e25 rather than its 26 digits (found by review).
        format!(
            "a number {l} {} and {h} {} {}",
            fmt_num(self.lo),
            fmt_num(self.hi),
            self.unit
        )
        .trim_end()
        .to_string()
    }
}

/// A receptor height puts every layer at that height: with several layers the file would hold
/// copies said to lie at their own heights. One layer only.
fn one_layer_for_a_receptor_height(h: f64, layers: usize, p: &mut Problems) {
    if layers > 1 {
        p.push(
            "model.receptor_height_m",
            fmt_num(h),
            format!("no receptor height with {layers} layers in domain.layers_m: it evaluates every layer at {} m, so give one layer, or leave receptor_height_m out to evaluate each layer at its middle", fmt_num(h)),
        );
    }
}

fn fmt_num(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v != 0.0 && v.is_finite() && !(1e-5..1e16).contains(&v.abs()) {
        // 1e300 rather than its 301 digits.
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Most memory (bytes) a run's grids may take, half of the 24 GB machines the project runs
/// on (the rest for the models, the met and the operating system).
const MAX_RUN_BYTES: f64 = 12.0e9;

/// Memory (bytes) a run holds at once for `cells` per layer, `values_per_cell` (layers × output
/// times) and `species`: 16 B per concentration value (the f64 grid and its copy on the way
/// to the file), and per ground cell 300 B of the run's own fields (deposits, zones, people)
/// plus 320 B per species (its exposure and dose fields by window and pathway). Measured
/// (found by review): one nuclide on 25 million cells, one output time, 14.6 GB (this gives
/// 15.9); chlorine at 10 times on 25 million cells, 11 GB (19.5).
fn run_memory_bytes(cells: f64, values_per_cell: f64, species: f64) -> f64 {
    cells * (16.0 * values_per_cell * species + 300.0 + 320.0 * species)
}

/// Memory (bytes) of one particle of the Lagrangian model, held beside the grids: its 64-byte
/// record and the run's per-particle bookkeeping. Measured (found by review): 3·10⁷ particles
/// on a small grid, 2.42 GB.
const PARTICLE_BYTES: f64 = 80.0;

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
            return Err(p.list);
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
                let why = if reads("%Y-%m-%dT%H:%M:%S%.f") || reads("%Y-%m-%d %H:%M:%S%.f") {
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
    let centre = match dom.centre {
        None => {
            p.missing("domain.centre", "{ lat = …, lon = … } in decimal degrees");
            None
        }
        Some(c) => location::position("domain.centre", c, &mut p),
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
        let nx = crate::field::cells_covering(e[0], r) as f64;
        let ny = crate::field::cells_covering(e[1], r) as f64;
        // An extent under half a cell is a resolution given for the extent, or the reverse.
        let tiny = e[0] < 0.5 * r || e[1] < 0.5 * r;
        if tiny || nx * ny > 2.5e7 {
            p.push(
                "domain.resolution_m",
                fmt_num(r),
                if tiny {
                    format!(
                        "a resolution at most twice the extent ({} × {} m), so that the grid has cells",
                        fmt_num(e[0]),
                        fmt_num(e[1])
                    )
                } else {
                    format!("a resolution giving 1 to 25 million cells per layer (extent gives {nx} × {ny})")
                },
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
                } else if let Some(below) = out.last().filter(|b: &&Layer| l[0] < b.top_m) {
                    // Layers go up without overlapping: the vertical coordinate must be
                    // monotonic (CF), and the consequences read the lowest layer, listed first.
                    p.push(
                        path,
                        format!("{l:?}"),
                        format!(
                            "a layer above the one before it: bottom ≥ {} m (layers from the ground up, not overlapping)",
                            fmt_num(below.top_m)
                        ),
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
    for (i, raw) in raw_sources.into_iter().enumerate() {
        let Some(raw) = raw else { continue };
        let site = Site {
            duration_s,
            centre,
            extent_m,
        };
        if let Some(s) = source(raw, i, site, library, &mut species, &mut p) {
            sources.push(s);
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
                one_layer_for_a_receptor_height(h, layers.len(), &mut p);
            }
            ModelSpec::GaussianPlume {
                sigma_scheme: scheme,
                receptor_height_m: g.receptor_height_m,
                dense_gas: g.dense_gas.unwrap_or_default(),
            }
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
            let scheme = g.sigma_scheme.unwrap_or_default();
            check_scheme(scheme, &mut p);
            if let Some(h) = g.receptor_height_m {
                p.range("model.receptor_height_m", h, Bounds::new(0.0, true, 10_000.0, true, "m"));
                one_layer_for_a_receptor_height(h, layers.len(), &mut p);
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
                dense_gas: g.dense_gas.unwrap_or_default(),
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
        return Err(p.list);
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
        meteorology: meteorology.expect("checked"),
        model: model.expect("checked"),
        backend,
        output: OutputSpec { directory, formats },
        consequence,
        ensemble,
        warnings: p.warnings,
    })
}
