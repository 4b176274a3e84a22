//! Prairie Grass through the Gaussian plume: a physics regression shows up here.
//!
//! The bounds are wide enough for honest model changes and narrow enough that a broken model
//! fails: doubling σz, a wrong wind height or a lost reflection moves MG by a factor of about 2,
//! and swapping stable and unstable dispersion drops FAC2 far below 0.7.

use std::path::{Path, PathBuf};

use plume::evaluate::prairie_grass::{load_dir, pair_model, Quantity, SuiteModel};
use plume::evaluate::{compute, Measures, Pair};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/prairie-grass")
}

fn score(pairs: &[Pair]) -> Measures {
    let o: Vec<f64> = pairs.iter().map(|p| p.observed).collect();
    let m: Vec<f64> = pairs.iter().map(|p| p.modelled).collect();
    let floor = o
        .iter()
        .copied()
        .filter(|&x| x > 0.0)
        .fold(f64::INFINITY, f64::min);
    compute(&o, &m, floor).unwrap()
}

/// Writes a data directory with only `keep` runs, to prove any directory with the same files and
/// columns is read.
fn subset(keep: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["runs.csv", "samplers.csv"] {
        let text = std::fs::read_to_string(data_dir().join(name)).unwrap();
        let mut lines = text.lines();
        let mut out = format!("{}\n", lines.next().unwrap());
        for line in lines {
            if keep.contains(&line.split(',').next().unwrap()) {
                out.push_str(line);
                out.push('\n');
            }
        }
        std::fs::write(dir.path().join(name), out).unwrap();
    }
    dir
}

#[test]
fn observed_arcs_reduce_to_published_magnitudes() {
    let data = load_dir(&data_dir()).unwrap();
    assert_eq!(data.runs.len(), 53);
    // 264 arcs transcribed; two have more than a tenth of their samplers missing.
    assert_eq!(data.arcs.len(), 262);
    assert_eq!(data.excluded.len(), 2);
    // Run 11, 50 m arc (Q = 95.9 g/s, 2° samplers): the peak sampler reads 273 mg m⁻³.
    let arc = data
        .arcs
        .iter()
        .find(|a| a.run == "11" && a.distance_m == 50.0)
        .unwrap();
    assert!((arc.max_over_q_s_m3 - 273.0 / 95_900.0).abs() < 1e-12);
    // Near-neutral ground-level CWIC/Q at 100 m is of order 1e-2 s m⁻² (van Ulden 1978).
    let arc = data
        .arcs
        .iter()
        .find(|a| a.run == "22" && a.distance_m == 100.0)
        .unwrap();
    assert!(
        arc.cwic_over_q_s_m2 > 5e-3 && arc.cwic_over_q_s_m2 < 5e-2,
        "{arc:?}"
    );
}

#[test]
fn gaussian_briggs_scores_within_bounds_on_a_subset() {
    // Two unstable, one neutral, one stable and the very stable run.
    let dir = subset(&["11", "26", "22", "28", "32"]);
    let data = load_dir(dir.path()).unwrap();
    assert_eq!(data.runs.len(), 5);
    let paired = pair_model(&data, SuiteModel::GaussianBriggs).unwrap();
    for (quantity, pairs) in &paired.by_quantity {
        assert_eq!(pairs.len(), 25);
        let m = score(pairs);
        assert!(m.fac2 >= 0.7, "{quantity:?}: FAC2 {}", m.fac2);
        assert!(m.mg > 0.7 && m.mg < 1.6, "{quantity:?}: MG {}", m.mg);
        assert!(m.fb.abs() < 0.5, "{quantity:?}: FB {}", m.fb);
        assert!(m.vg < 2.0, "{quantity:?}: VG {}", m.vg);
    }
}

#[test]
fn gaussian_briggs_reproduces_the_known_baseline_on_the_development_set() {
    // The Briggs Gaussian baseline on Prairie Grass is FAC2 ≈ 0.9 on CWIC/Q (issue 4).
    let data = load_dir(&data_dir()).unwrap();
    let paired = pair_model(&data, SuiteModel::GaussianBriggs).unwrap();
    let cwic = &paired
        .by_quantity
        .iter()
        .find(|(q, _)| *q == Quantity::Cwic)
        .unwrap()
        .1;
    let m = score(cwic);
    assert!(m.fac2 >= 0.85, "FAC2 {}", m.fac2);
    assert!(m.mg > 0.9 && m.mg < 1.4, "MG {}", m.mg);
    assert!(m.r > 0.9, "R {}", m.r);
}

#[test]
fn lagrangian_runs_through_the_suite_on_one_run() {
    // Wiring check, not a score: the particle model runs from the generated scenario and its
    // arcs, read off the grid, are positive; CWIC (an integral over many cells) is within a
    // factor of ten of the observations. The arc maximum of 2 m cells with 20 000 particles is
    // dominated by counting noise, so only its sign is checked here.
    let dir = subset(&["22"]);
    let data = load_dir(dir.path()).unwrap();
    let paired = pair_model(&data, SuiteModel::Lagrangian { particles: 20_000 }).unwrap();
    for (quantity, pairs) in &paired.by_quantity {
        assert_eq!(pairs.len(), 5);
        for p in pairs {
            let ratio = p.modelled / p.observed;
            assert!(p.modelled > 0.0, "{quantity:?}: {}", p.modelled);
            if *quantity != Quantity::Cwic {
                continue;
            }
            assert!(
                ratio > 0.1 && ratio < 10.0,
                "{quantity:?} {}: ratio {ratio}",
                p.strata["distance_m"]
            );
        }
    }
}
