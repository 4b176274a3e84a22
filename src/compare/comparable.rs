//! What makes two options' numbers answer different questions: a comparison says so when an
//! option starts at another time, runs for another duration, or is read on another grid or by
//! another model than the baseline, since its differences are then not the option's alone.

use crate::output::summary::RunSummary;
use crate::scenario::{Domain, Layer, Scenario};

/// One warning for each way an option differs from the baseline (`scenarios[0]`) in its start,
/// run duration, output grid, output interval or model; none when all agree.
pub fn comparability_warnings(scenarios: &[Scenario]) -> Vec<String> {
    let Some((base, options)) = scenarios.split_first() else {
        return vec![];
    };
    let mut warnings = vec![];
    for (k, s) in options.iter().enumerate() {
        let who = format!("option [{}] ({})", k + 1, s.path.display());
        if s.start != base.start {
            warnings.push(format!(
                "{who} starts at {}, the baseline at {}: its differences include those of the other time's weather and local times",
                s.start.format("%Y-%m-%d %H:%M UTC"),
                base.start.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        if s.duration_s != base.duration_s {
            warnings.push(format!(
                "{who} runs {} s, the baseline {} s: doses and exposures add up over different times",
                s.duration_s, base.duration_s
            ));
        }
        let (d, b) = (&s.domain, &base.domain);
        let grid = grid_differences(d, b);
        if !grid.is_empty() {
            warnings.push(format!(
                "{who} is read on another grid ({}): peak values are cell means of other cells, and areas are counted in other cells",
                grid.join("; ")
            ));
        }
        if d.output_interval_s != b.output_interval_s {
            warnings.push(format!(
                "{who} averages over {} s output intervals, the baseline over {} s: peak means and AEGL tiers are taken over different intervals",
                d.output_interval_s, b.output_interval_s
            ));
        }
        let aegl_min = |s: &Scenario| s.consequence.aegl_duration_s / 60.0;
        if aegl_min(s) != aegl_min(base) {
            warnings.push(format!(
                "{who} maps its AEGL zones for {} min exposures, the baseline for {} min: its AEGL zones and towns' AEGL tiers are judged against other thresholds",
                aegl_min(s),
                aegl_min(base)
            ));
        }
        if s.model.kind_name() != base.model.kind_name() {
            warnings.push(format!(
                "{who} runs the {} model, the baseline the {}: part of each difference is the model's",
                s.model.kind_name(),
                base.model.kind_name()
            ));
        }
    }
    warnings
}

/// Gives the options that leave `aegl_duration_min` unwritten one AEGL duration, so that their
/// zones are judged against the same thresholds: unwritten, each scenario's duration follows
/// its own release (a 10-min release maps the 10-min AEGLs, a 60-min one the hour's), and a
/// planner comparing a shorter release would read the change of criterion as the option's. The
/// duration is the baseline's where it is written, else the longest the options' releases
/// would choose (judging a long release by a short one's AEGLs would understate it). Returns a
/// note naming the options so changed, or nothing.
pub fn align_aegl_durations(scenarios: &mut [Scenario]) -> Option<String> {
    let base = &scenarios.first()?.consequence;
    let target_s = if base.aegl_duration_written {
        base.aegl_duration_s
    } else {
        scenarios
            .iter()
            .filter(|s| !s.consequence.aegl_duration_written)
            .map(|s| s.consequence.aegl_duration_s)
            .fold(0.0, f64::max)
    };
    let mut aligned = vec![];
    for (k, s) in scenarios.iter_mut().enumerate() {
        let c = &mut s.consequence;
        if !c.aegl_duration_written && c.aegl_duration_s != target_s {
            aligned.push(format!("[{k}] ({} min)", c.aegl_duration_s / 60.0));
            c.aegl_duration_s = target_s;
        }
    }
    (!aligned.is_empty()).then(|| {
        format!(
            "{}: their releases would map the AEGLs of other durations; every option without aegl_duration_min maps the {} min AEGLs, so that their zones are judged against the same thresholds (write [consequence] aegl_duration_min to choose)",
            aligned.join(", "),
            target_s / 60.0
        )
    })
}

/// What differs between an option's grid `d` and the baseline's `b`, each as "its …, the
/// baseline's …".
fn grid_differences(d: &Domain, b: &Domain) -> Vec<String> {
    let mut out = vec![];
    if d.centre != b.centre {
        out.push(format!(
            "centred at {}°, {}°, the baseline at {}°, {}°",
            d.centre.lat, d.centre.lon, b.centre.lat, b.centre.lon
        ));
    }
    if d.extent_m != b.extent_m {
        out.push(format!(
            "{} × {} m, the baseline {} × {} m",
            d.extent_m[0], d.extent_m[1], b.extent_m[0], b.extent_m[1]
        ));
    }
    if d.resolution_m != b.resolution_m {
        out.push(format!(
            "{} m cells, the baseline {} m",
            d.resolution_m, b.resolution_m
        ));
    }
    if d.layers != b.layers {
        let layers = |ls: &[Layer]| -> String {
            ls.iter()
                .map(|l| format!("{}–{} m", l.bottom_m, l.top_m))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push(format!(
            "layers {}, the baseline {}",
            layers(&d.layers),
            layers(&b.layers)
        ));
    }
    out
}

/// The options' run warnings (a cloud cut off by the run's end, a zone at the domain's edge, a
/// town on few particle samples, …) and their consequences' warnings, each wording once, led
/// by the options that gave it (`"[0], [2]: …"`): a difference in the table may be an artefact
/// of one of them (found by review: a comparison of three options, each with all 90 t still
/// airborne at the end, printed none of it).
pub fn option_warnings(runs: &[RunSummary]) -> Vec<String> {
    let mut seen: Vec<(&str, Vec<usize>)> = vec![];
    for (k, run) in runs.iter().enumerate() {
        let consequence = run.consequence.iter().flat_map(|c| &c.warnings);
        for w in run.warnings.iter().chain(consequence) {
            match seen.iter_mut().find(|(text, _)| *text == w.as_str()) {
                Some((_, options)) if !options.contains(&k) => options.push(k),
                Some(_) => {}
                None => seen.push((w, vec![k])),
            }
        }
    }
    seen.into_iter()
        .map(|(text, options)| {
            let tags: Vec<String> = options.iter().map(|k| format!("[{k}]")).collect();
            format!("{}: {text}", tags.join(", "))
        })
        .collect()
}
