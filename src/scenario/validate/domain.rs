//! Validation of the `[domain]` grid, and the memory a run's grids and particles take.

use super::*;

/// Most memory (bytes) a run's grids may take, half of the 24 GB machines the project runs
/// on (the rest for the models, the met and the operating system).
pub(super) const MAX_RUN_BYTES: f64 = 12.0e9;

/// Memory (bytes) a run holds at once for `cells` per layer, `values_per_cell` (layers × output
/// times) and `species`: 16 B per concentration value (the f64 grid and its copy on the way
/// to the file), and per ground cell 300 B of the run's own fields (deposits, zones, people)
/// plus 320 B per species (its exposure and dose fields by window and pathway). Measured
/// (found by review): one nuclide on 25 million cells, one output time, 14.6 GB (this gives
/// 15.9); chlorine at 10 times on 25 million cells, 11 GB (19.5).
pub(super) fn run_memory_bytes(cells: f64, values_per_cell: f64, species: f64) -> f64 {
    cells * (16.0 * values_per_cell * species + 300.0 + 320.0 * species)
}

/// Memory (bytes) of one particle of the Lagrangian model, held beside the grids: its 64-byte
/// record and the run's per-particle bookkeeping. Measured (found by review): 3·10⁷ particles
/// on a small grid, 2.42 GB.
pub(super) const PARTICLE_BYTES: f64 = 80.0;

/// The `[domain]` values, each `None` (or no layer) where it was missing or invalid.
pub(super) struct DomainParts {
    pub(super) centre: Option<LatLon>,
    pub(super) extent_m: Option<[f64; 2]>,
    pub(super) resolution_m: Option<f64>,
    pub(super) layers: Vec<Layer>,
    pub(super) output_interval_s: Option<f64>,
}

/// Checks `[domain]`: a grid of 1 to 25 million cells per layer, layers from the ground up,
/// and an output interval within the run's `duration_s` giving at most 10 000 output times.
pub(super) fn domain(dom: DomainSection, duration_s: Option<f64>, p: &mut Problems) -> DomainParts {
    let centre = match dom.centre {
        None => {
            p.missing("domain.centre", "{ lat = …, lon = … } in decimal degrees");
            None
        }
        Some(c) => location::position("domain.centre", c, p),
    };
    if let Some(w) = centre.and_then(location::far_from_region_warning) {
        p.warnings.push(w);
    }
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
    DomainParts {
        centre,
        extent_m,
        resolution_m,
        layers,
        output_interval_s,
    }
}
