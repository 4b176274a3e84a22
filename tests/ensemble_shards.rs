//! Ensembles on a cluster (`plume ensemble --shard K/N`, `--merge`, `src/ensemble/shard.rs`):
//! shards merged in any split give the ensemble of one job bit for bit — probabilities, member
//! areas, mean, 90th percentile and the members' warnings — and a merge refuses a missing or
//! repeated shard, shards of another split, other settings or an edited scenario file.

use std::path::{Path, PathBuf};

use plume::backend::BackendChoice;
use plume::ensemble::{self, EnsembleError, EnsembleOptions, EnsembleOutcome};
use plume::scenario::Scenario;

/// A chlorine release in a light wind whose speed the members perturb widely, so that some
/// members warn of calm air and others do not.
const SCENARIO: &str = r#"
[scenario]
name = "shard test"
start = "2026-07-14T06:00:00Z"
duration_s = 3600
[domain]
centre = { lat = 45.30, lon = -66.00 }
extent_m = [16000, 16000]
resolution_m = 400
output_interval_s = 600
[[source]]
location = { lat = 45.30, lon = -66.00 }
height_m = 1
duration_s = 1800
release = [{ substance = "Chlorine", rate_kg_s = 5.0 }]
[meteorology]
kind = "uniform"
wind_speed_m_s = 1.5
wind_from_deg = 270
stability = "D"
[model]
kind = "gaussian_plume"
backend = "cpu"
[ensemble]
members = 7
seed = 3
wind_speed_log_sd = 0.8
"#;

fn folder(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("plume-shard-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn scenario_in(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("shard_test.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn options() -> EnsembleOptions {
    EnsembleOptions {
        threads: Some(2),
        backend: Some(BackendChoice::Cpu),
        ..Default::default()
    }
}

/// Runs shards `ks` of `n` of the scenario at `file` into `dir`.
fn run_shards(file: &Path, dir: &Path, ks: &[usize], n: usize, extra: &EnsembleOptions) {
    for &k in ks {
        let outcome = ensemble::run_file(
            file,
            &EnsembleOptions {
                output_dir: Some(dir.to_path_buf()),
                shard: Some((k, n)),
                ..extra.clone()
            },
        )
        .unwrap();
        let EnsembleOutcome::Shard(s) = outcome else {
            panic!("a shard job writes a shard");
        };
        assert_eq!(
            s.output,
            dir.join(format!("ensemble_shard_{k}_of_{n}.nc"))
                .display()
                .to_string()
        );
        assert!(s.to_text().contains("--merge"), "{}", s.to_text());
    }
}

/// Asserts that `err` is the user's mistake (exit 2) and its message holds every one of
/// `parts`.
fn refused(err: EnsembleError, parts: &[&str]) {
    assert!(err.is_invalid_input(), "{err}");
    let err = err.to_string();
    for part in parts {
        assert!(err.contains(part), "{part:?} not in: {err}");
    }
}

fn merge(file: &Path, shards: &Path) -> Result<ensemble::Ensemble, EnsembleError> {
    let scenario = Scenario::load(file).unwrap();
    let spec = ensemble::effective_spec(&scenario, &options())?;
    let parts = ensemble::shard::read_all(&scenario, &spec, &[shards.to_path_buf()])?;
    ensemble::reduce(&scenario, spec, parts)
}

#[test]
fn shards_merged_in_any_split_equal_one_job_bit_for_bit() {
    let dir = folder("equal");
    let file = scenario_in(&dir, SCENARIO);
    let scenario = Scenario::load(&file).unwrap();
    let whole = ensemble::run(&scenario, &options()).unwrap();
    assert!(
        whole.zones.iter().any(|z| z.count.iter().any(|&c| c > 0)),
        "the test needs zones to count"
    );
    // Some members warn and some do not, so the warnings' counts are tested too.
    assert!(
        whole
            .warnings
            .iter()
            .any(|w| w.contains(" of 7 members") && !w.contains("(7 of 7")),
        "{:?}",
        whole.warnings
    );
    for n in [1, 3, 7] {
        let shards = dir.join(format!("split_{n}"));
        // Written in reverse order: the merge orders them by their members.
        let ks: Vec<usize> = (1..=n).rev().collect();
        run_shards(&file, &shards, &ks, n, &options());
        let merged = merge(&file, &shards).unwrap();
        for (m, w) in merged.zones.iter().zip(&whole.zones) {
            assert_eq!(m.count, w.count, "{}: {n} shards", w.label);
            assert_eq!(
                m.member_area_km2, w.member_area_km2,
                "{}: {n} shards",
                w.label
            );
        }
        assert_eq!(merged.zones, whole.zones, "{n} shards");
        assert_eq!(merged.species, whole.species, "{n} shards");
        assert_eq!(merged.warnings, whole.warnings, "{n} shards");
        assert_eq!(merged.members, whole.members, "{n} shards");
        assert_eq!(merged.shards, n);
    }
    // The command's merge writes the outputs, and says it merged.
    let out = dir.join("merged");
    let outcome = ensemble::run_file(
        &file,
        &EnsembleOptions {
            output_dir: Some(out.clone()),
            merge: vec![dir.join("split_3")],
            ..options()
        },
    )
    .unwrap();
    let EnsembleOutcome::Ensemble(summary) = outcome else {
        panic!("a merge writes the ensemble");
    };
    assert_eq!(summary.shards, 3);
    assert!(summary.to_text().contains("in 3 shards' jobs"));
    for name in ["ensemble.nc", "ensemble_summary.json", "ensemble_map.png"] {
        assert!(out.join(name).is_file(), "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_merge_refuses_missing_repeated_foreign_or_edited_shards() {
    let dir = folder("refuse");
    let file = scenario_in(&dir, SCENARIO);
    let shards = dir.join("shards");
    run_shards(&file, &shards, &[1, 3], 3, &options());
    let err = merge(&file, &shards).unwrap_err();
    assert!(matches!(err, EnsembleError::Shard(_)), "{err}");
    assert!(err.to_string().contains("shard 2 of 3 missing"), "{err}");
    assert!(err.is_invalid_input());

    // A shard of another split in the same folder.
    run_shards(&file, &shards, &[2], 4, &options());
    let err = merge(&file, &shards).unwrap_err().to_string();
    assert!(
        err.contains("shards of different splits do not merge"),
        "{err}"
    );
    std::fs::remove_file(shards.join("ensemble_shard_2_of_4.nc")).unwrap();

    // The same shard named twice.
    run_shards(&file, &shards, &[2], 3, &options());
    let scenario = Scenario::load(&file).unwrap();
    let spec = ensemble::effective_spec(&scenario, &options()).unwrap();
    // A folder and a file in it name one shard once; a copy elsewhere is a repeat.
    let scenario_copy = dir.join("copy");
    std::fs::create_dir_all(&scenario_copy).unwrap();
    std::fs::copy(
        shards.join("ensemble_shard_1_of_3.nc"),
        scenario_copy.join("ensemble_shard_1_of_3.nc"),
    )
    .unwrap();
    let err = ensemble::shard::read_all(
        &scenario,
        &spec,
        &[
            shards.clone(),
            scenario_copy.join("ensemble_shard_1_of_3.nc"),
        ],
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("shard 1 of 3 again"), "{err}");
    assert!(ensemble::shard::read_all(
        &scenario,
        &spec,
        &[shards.clone(), shards.join("ensemble_shard_1_of_3.nc")],
    )
    .is_ok());
    assert!(merge(&file, &shards).is_ok(), "all three shards merge");

    // Other settings: another seed than the shards were made with.
    let other_seed = EnsembleOptions {
        seed: Some(4),
        ..options()
    };
    let spec = ensemble::effective_spec(&scenario, &other_seed).unwrap();
    let err = ensemble::shard::read_all(&scenario, &spec, std::slice::from_ref(&shards))
        .unwrap_err()
        .to_string();
    assert!(err.contains("give the same --members and --seed"), "{err}");

    // The scenario file edited between the shards and the merge.
    scenario_in(
        &dir,
        &SCENARIO.replace("rate_kg_s = 5.0", "rate_kg_s = 6.0"),
    );
    let err = merge(&file, &shards).unwrap_err().to_string();
    assert!(
        err.contains("another version of the scenario file"),
        "{err}"
    );

    // A folder with no shard, and a file that is not one.
    let empty = folder("refuse-empty");
    let err = merge(&file, &empty).unwrap_err().to_string();
    assert!(err.contains("holds no shard file"), "{err}");
    let err = merge(&file, &empty.join("absent")).unwrap_err().to_string();
    assert!(err.contains("no such shard file or folder"), "{err}");
    let not_shard = empty.join("ensemble_shard_1_of_1.nc");
    std::fs::write(&not_shard, b"not HDF5").unwrap();
    let err = merge(&file, &not_shard).unwrap_err().to_string();
    assert!(err.contains("not a readable shard file"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&empty);
}

/// Found by review: a weather file rewritten while the array jobs ran (a "latest forecast")
/// mixed two weathers in one ensemble without a word.
#[test]
fn a_merge_refuses_shards_made_with_another_weather_file() {
    let dir = folder("weather");
    let csv = |from_deg: f64| {
        format!(
            "time,station,lat,lon,wind_height_m,wind_speed_m_s,wind_from_deg,stability,mixing_height_m,precipitation_mm_h,air_temperature_k\n\
             2026-07-14T05:00:00Z,S1,45.30,-66.00,10,3.0,{from_deg},D,800,0.0,290.0\n\
             2026-07-14T08:00:00Z,S1,45.30,-66.00,10,3.0,{from_deg},D,800,0.0,290.0\n"
        )
    };
    std::fs::write(dir.join("stations.csv"), csv(270.0)).unwrap();
    let text = SCENARIO.replace(
        "kind = \"uniform\"\nwind_speed_m_s = 1.5\nwind_from_deg = 270\nstability = \"D\"",
        "kind = \"station\"\nfile = \"stations.csv\"",
    );
    let text = text.replace(
        "kind = \"gaussian_plume\"\nbackend = \"cpu\"",
        "kind = \"gaussian_puff\"",
    );
    assert!(text.contains("stations.csv"));
    let file = scenario_in(&dir, &text);
    let shards = dir.join("shards");
    run_shards(&file, &shards, &[1, 2], 2, &options());
    assert!(merge(&file, &shards).is_ok());
    std::fs::write(dir.join("stations.csv"), csv(180.0)).unwrap();
    let err = merge(&file, &shards).unwrap_err().to_string();
    assert!(
        err.contains("stations.csv") && err.contains("weather file rewritten"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_shard_out_of_range_is_refused_before_any_member_runs() {
    let dir = folder("range");
    let file = scenario_in(&dir, SCENARIO);
    for (k, n) in [(2, 8), (0, 3), (4, 3)] {
        let err = ensemble::run_file(
            &file,
            &EnsembleOptions {
                output_dir: Some(dir.join("out")),
                shard: Some((k, n)),
                ..options()
            },
        )
        .unwrap_err();
        assert!(err.is_invalid_input(), "{err}");
        assert!(err.to_string().contains("--shard"), "{err}");
    }
    assert!(!dir.join("out").exists(), "nothing written");
    // A shard of an ensemble too large to merge is refused before its members run (found by
    // review: every job of the array ran, then the merge refused): 1000 members × 800 × 800
    // cells is past the stored-values limit, whatever one shard holds.
    let big = scenario_in(
        &dir,
        &SCENARIO
            .replace("extent_m = [16000, 16000]", "extent_m = [160000, 160000]")
            .replace("resolution_m = 400", "resolution_m = 200"),
    );
    let err = ensemble::run_file(
        &big,
        &EnsembleOptions {
            output_dir: Some(dir.join("out")),
            members: Some(1000),
            shard: Some((1, 1000)),
            ..options()
        },
    )
    .unwrap_err();
    assert!(matches!(err, EnsembleError::TooLarge { .. }), "{err}");
    // The user's input: exit code 2, as any other.
    assert!(err.is_invalid_input());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Found by review: shards made before and after an edit of the substance file merged, their
/// members counted against two sets of thresholds; a manifest whose zones had been edited
/// merged, or failed later without naming its file.
#[test]
fn a_merge_refuses_shards_made_with_another_substance_file_or_other_zones() {
    let dir = folder("substances");
    let substances = |aegl1: f64| {
        format!(
            "[[chemical]]\nname = \"Foo\"\nmw_g_per_mol = 70.0\ntoxic_load_n = 1.0\n\
             aegl1_mg_m3 = [{aegl1}, {aegl1}, {aegl1}, {aegl1}, {aegl1}]\nsource = \"test\"\n"
        )
    };
    std::fs::write(dir.join("mine.toml"), substances(1.0)).unwrap();
    let text = SCENARIO.replace("substance = \"Chlorine\"", "substance = \"Foo\"")
        + "[consequence]\nsubstance_file = \"mine.toml\"\n";
    let file = scenario_in(&dir, &text);
    let shards = dir.join("shards");
    run_shards(&file, &shards, &[1], 2, &options());
    std::fs::write(dir.join("mine.toml"), substances(1000.0)).unwrap();
    run_shards(&file, &shards, &[2], 2, &options());
    refused(
        merge(&file, &shards).unwrap_err(),
        &[
            "ensemble_shard_1_of_2.nc",
            "mine.toml",
            "substance file edited",
        ],
    );
    // Both shards made with one substance file merge.
    run_shards(&file, &shards, &[1], 2, &options());
    assert!(merge(&file, &shards).is_ok());

    // A manifest whose zone threshold was edited is refused, naming its file.
    let second = shards.join("ensemble_shard_2_of_2.nc");
    {
        let f = hdf5::File::open_rw(&second).unwrap();
        let attr = f.attr("plume_ensemble_shard").unwrap();
        let text: hdf5::types::VarLenUnicode = attr.read_scalar().unwrap();
        let mut manifest: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
        manifest["zones"][0]["threshold"] = serde_json::json!(1.0);
        drop(attr);
        f.delete_attr("plume_ensemble_shard").unwrap();
        let edited: hdf5::types::VarLenUnicode = manifest.to_string().parse().unwrap();
        f.new_attr::<hdf5::types::VarLenUnicode>()
            .shape(())
            .create("plume_ensemble_shard")
            .unwrap()
            .write_scalar(&edited)
            .unwrap();
    }
    refused(
        merge(&file, &shards).unwrap_err(),
        &[
            "ensemble_shard_2_of_2.nc",
            "zones [",
            "count members against the same zones",
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Found by review: a shard whose array was rewritten without its checksum (holding NaN), or
/// with an array its manifest does not describe, merged.
#[test]
fn a_merge_refuses_arrays_rewritten_without_their_checksum_or_not_in_the_manifest() {
    let dir = folder("arrays");
    let file = scenario_in(&dir, SCENARIO);
    let shards = dir.join("shards");
    run_shards(&file, &shards, &[1, 2], 2, &options());
    assert!(merge(&file, &shards).is_ok());
    let second = shards.join("ensemble_shard_2_of_2.nc");
    let original = std::fs::read(&second).unwrap();
    {
        let f = hdf5::File::open_rw(&second).unwrap();
        let shape = f.dataset("time_integrated_0").unwrap().shape();
        f.unlink("time_integrated_0").unwrap();
        let mut values = ndarray::Array3::<f64>::zeros((shape[0], shape[1], shape[2]));
        values[[0, 0, 0]] = f64::NAN;
        f.new_dataset_builder()
            .with_data(&values)
            .create("time_integrated_0")
            .unwrap();
    }
    refused(
        merge(&file, &shards).unwrap_err(),
        &[
            "ensemble_shard_2_of_2.nc",
            "time_integrated_0",
            "Fletcher-32",
        ],
    );
    std::fs::write(&second, &original).unwrap();
    {
        let f = hdf5::File::open_rw(&second).unwrap();
        f.new_dataset_builder()
            .with_data(&[1u32, 2, 3])
            .create("zone_count_99")
            .unwrap();
    }
    refused(
        merge(&file, &shards).unwrap_err(),
        &[
            "ensemble_shard_2_of_2.nc",
            "zone_count_99",
            "manifest does not describe",
        ],
    );
    std::fs::write(&second, &original).unwrap();
    assert!(merge(&file, &shards).is_ok());
    let _ = std::fs::remove_dir_all(&dir);
}
