//! Weather ensembles (`plume ensemble`, `src/ensemble/`): an unperturbed ensemble is the plain
//! run, members depend on (seed, member) only, a direction-only ensemble of a Gaussian plume
//! has a symmetric probability field whose 50 % area is close to the deterministic zone's, and
//! bad `[ensemble]` values name their field (members on weather files: `ensemble_weather`); the probability outlines (`ensemble_zones.geojson`) nest and carry the
//! summary's areas.

use std::path::{Path, PathBuf};

use plume::backend::BackendChoice;
use plume::ensemble::{self, EnsembleError, EnsembleOptions};
use plume::output::zones::mapped_zones;
use plume::scenario::Scenario;
use plume::{simulate, RunOptions};

/// A ground-level chlorine release at the domain centre under a west wind (towards +x), on a
/// coarse grid; `ensemble` is the `[ensemble]` section (or nothing).
fn chlorine_text(ensemble: &str, resolution_m: f64) -> String {
    format!(
        r#"
[scenario]
name = "ensemble test"
start = "2026-07-14T06:00:00Z"
duration_s = 7200
[domain]
centre = {{ lat = 45.30, lon = -66.00 }}
extent_m = [24000, 24000]
resolution_m = {resolution_m}
output_interval_s = 600
[[source]]
location = {{ lat = 45.30, lon = -66.00 }}
height_m = 1
duration_s = 3600
release = [{{ substance = "Chlorine", rate_kg_s = 20.0 }}]
[meteorology]
kind = "uniform"
wind_speed_m_s = 5
wind_from_deg = 270
stability = "D"
[model]
kind = "gaussian_plume"
backend = "cpu"
{ensemble}
"#
    )
}

fn parse(text: &str) -> Scenario {
    Scenario::parse(text, Path::new("ensemble_test.toml")).unwrap()
}

pub(crate) fn run_options(threads: usize) -> RunOptions {
    RunOptions {
        threads: Some(threads),
        backend: Some(BackendChoice::Cpu),
        ..Default::default()
    }
}

pub(crate) fn ens_options(threads: usize) -> EnsembleOptions {
    EnsembleOptions {
        threads: Some(threads),
        backend: Some(BackendChoice::Cpu),
        ..Default::default()
    }
}

pub(crate) fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("plume-ensemble-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

const NO_PERTURBATION: &str = "[ensemble]\nmembers = 3\nseed = 5\nwind_from_sd_deg = 0\nwind_speed_log_sd = 0\nmixing_height_log_sd = 0\nstability_class_sd = 0\ninverse_obukhov_length_sd_per_m = 0\n";

#[test]
fn zero_perturbation_members_equal_the_plain_run_and_probabilities_are_its_zones() {
    let s = parse(&chlorine_text(NO_PERTURBATION, 300.0));
    let plain = simulate(&s, &run_options(2)).unwrap();
    let spec = s.ensemble.unwrap();
    for k in 0..spec.members {
        let member = ensemble::member_scenario(&s, &spec.member(k)).unwrap();
        assert_eq!(member.meteorology, s.meteorology, "member {k}");
        let sim = simulate(&member, &run_options(2)).unwrap();
        assert_eq!(sim.fields, plain.fields, "member {k}");
    }
    // The progress the command's bar shows: once per member, in order, ending at 1.
    let mut reported = vec![];
    let e = ensemble::run_with_progress(&s, &ens_options(2), &mut |f| reported.push(f)).unwrap();
    assert_eq!(reported, [1.0 / 3.0, 2.0 / 3.0, 1.0]);
    let det: Vec<_> = plain.consequence.chemical[0].zones.clone();
    assert_eq!(e.zones.len(), 3, "AEGL-1, -2 and -3 of chlorine");
    let cell_km2 = e.grid.cell_area_m2() / 1e6;
    for (z, d) in e.zones.iter().zip(&det) {
        assert_eq!(z.label, d.label);
        let p = z.probability(spec.members);
        let n_det = d.exceeded.iter().filter(|&&x| x).count();
        assert!(
            n_det > 0,
            "{}: the deterministic zone is not empty",
            z.label
        );
        eprintln!("{}: {n_det} cells", z.label);
        for (pp, &x) in p.iter().zip(d.exceeded.iter()) {
            assert_eq!(*pp, if x { 1.0 } else { 0.0 }, "{}", z.label);
        }
        for pct in [10, 50, 90] {
            assert_eq!(
                z.area_km2_at_least(pct, spec.members, cell_km2),
                n_det as f64 * cell_km2
            );
        }
    }
    let tic = plain.fields.species[0]
        .time_integrated
        .index_axis(ndarray::Axis(0), 0);
    let st = &e.species[0];
    assert_eq!(
        st.p90, tic,
        "the 90th percentile of identical members is the member"
    );
    for (m, t) in st.mean.iter().zip(tic.iter()) {
        assert!((m - t).abs() <= 1e-15 * t.abs(), "mean {m} vs {t}");
    }

    // The files: ensemble.nc with the probability and statistics variables, the outlines, the
    // map and the summary.
    let dir = out_dir("zero");
    let (summary, written) = ensemble::write_outputs(&s, &e, &dir).unwrap();
    assert_eq!(
        written,
        vec![
            dir.join("ensemble.nc"),
            dir.join("ensemble_zones.geojson"),
            dir.join("ensemble_zones.kml"),
            dir.join("ensemble_map.png"),
            dir.join("ensemble_summary.json")
        ]
    );
    let f = hdf5::File::open(dir.join("ensemble.nc")).unwrap();
    let p2: ndarray::Array2<f64> = f
        .dataset("probability_Chlorine_AEGL_2_60_min")
        .unwrap()
        .read_2d()
        .unwrap();
    assert_eq!(p2, e.zones[1].probability(spec.members));
    // Its quantity and window, in both languages, as the run's zone variables give them.
    let ds = f.dataset("probability_Chlorine_AEGL_2_60_min").unwrap();
    let text = |name: &str| crate::common::text_attr(&ds, name);
    assert_eq!(text("description"), e.zones[1].title_en);
    // It is read from the lowest layer, which its coordinates say by a scalar height (CF §5.7).
    assert_eq!(text("coordinates"), "lat lon exposure_height");
    let height = f.dataset("exposure_height").unwrap();
    let layer = &plain.fields.grid.layers[0];
    assert_eq!(height.read_scalar::<f64>().unwrap(), layer.mid_m());
    let bottom: f64 = height.attr("layer_bottom").unwrap().read_scalar().unwrap();
    let top: f64 = height.attr("layer_top").unwrap().read_scalar().unwrap();
    assert_eq!((bottom, top), (layer.bottom_m, layer.top_m));
    assert_eq!(text("description_fr"), e.zones[1].title_fr);
    assert!(
        text("description").contains("60"),
        "{}",
        text("description")
    );
    for v in [
        "lat",
        "lon",
        "x",
        "y",
        "crs",
        "ensemble_mean_time_integrated_air_concentration_Chlorine",
        "ensemble_p90_time_integrated_air_concentration_Chlorine",
    ] {
        assert!(f.dataset(v).is_ok(), "{v} in ensemble.nc");
    }
    // Its settings as numbers (found by review: strings an analyst had to cast).
    let members: u64 = f.attr("ensemble_members").unwrap().read_scalar().unwrap();
    assert_eq!(members, spec.members as u64);
    let seed: u64 = f.attr("ensemble_seed").unwrap().read_scalar().unwrap();
    assert_eq!(seed, spec.seed);
    let sd: f64 = f
        .attr("ensemble_wind_from_sd_deg")
        .unwrap()
        .read_scalar()
        .unwrap();
    assert_eq!(sd, spec.wind_from_sd_deg);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("ensemble_summary.json")).unwrap()).unwrap();
    assert_eq!(json["ensemble"]["members"], 3);
    let a50 = json["zones"][1]["area_km2_probability_ge_50"]
        .as_f64()
        .unwrap();
    assert!((a50 - summary.zones[1].area_km2_probability_ge_50).abs() < 1e-9);
    assert!(a50 > 0.0);

    // The GeoJSON: with identical members every level of a zone is the run's own zone outline.
    let gj: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("ensemble_zones.geojson")).unwrap())
            .unwrap();
    let features = gj["features"].as_array().unwrap();
    assert_eq!(features.len(), 3 * 3, "three zones at three levels");
    let run_zones = mapped_zones(&plain.consequence, &plain.fields.grid, &plain.projection);
    for (z, mapped) in e.zones.iter().zip(&run_zones) {
        for pct in [10, 50, 90] {
            let id = format!("{}_ge_{pct}", z.variable);
            let f = features.iter().find(|f| f["id"] == id.as_str()).unwrap();
            assert_eq!(f["properties"]["zone"], z.label.as_str());
            // Titles in words, each in its own language, as the run's zones are (found by
            // review: "Chlorine AEGL-2 60 min dans au moins 10 % des météos").
            let (en, fr) = (
                f["properties"]["title_en"].as_str().unwrap(),
                f["properties"]["title_fr"].as_str().unwrap(),
            );
            assert_eq!(
                en,
                format!(
                    "{}, in at least {pct} % of the weathers",
                    mapped.text.title_en
                )
            );
            assert!(fr.starts_with(&mapped.text.title_fr) && fr.contains("dans au moins"));
            assert!(fr.contains("Chlore") && !fr.contains('_'), "{fr}");
            assert_eq!(
                f["properties"]["probability_at_least"],
                f64::from(pct) / 100.0
            );
            let area = f["properties"]["area_km2"].as_f64().unwrap();
            assert!((area - mapped.area_km2).abs() < 1e-9, "{id}: {area}");
            let geometry: geojson::Geometry =
                serde_json::from_value(f["geometry"].clone()).unwrap();
            assert_eq!(
                geometry,
                geojson::Geometry::new(geojson::GeometryValue::from(&mapped.geometry)),
                "{id}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn probability_outlines_nest_and_carry_the_summary_areas() {
    let s = parse(&chlorine_text(
        "[ensemble]\nmembers = 10\nseed = 3\n",
        300.0,
    ));
    let e = ensemble::run(&s, &ens_options(2)).unwrap();
    let dir = out_dir("nest");
    let (summary, _) = ensemble::write_outputs(&s, &e, &dir).unwrap();
    let gj: geojson::FeatureCollection =
        std::fs::read_to_string(dir.join("ensemble_zones.geojson"))
            .unwrap()
            .parse::<geojson::GeoJson>()
            .unwrap()
            .try_into()
            .unwrap();
    // The KML holds the same outlines, one styled Placemark per GeoJSON Feature.
    let kml = std::fs::read_to_string(dir.join("ensemble_zones.kml")).unwrap();
    let doc = roxmltree::Document::parse(&kml).unwrap();
    let placemarks: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("Placemark"))
        .collect();
    assert_eq!(placemarks.len(), gj.features.len());
    for (pm, f) in placemarks.iter().zip(&gj.features) {
        let Some(geojson::feature::Id::String(id)) = &f.id else {
            panic!("feature without an id")
        };
        assert_eq!(pm.attribute("id"), Some(id.as_str()));
        let style = pm
            .descendants()
            .find(|n| n.has_tag_name("styleUrl"))
            .and_then(|n| n.text())
            .unwrap();
        assert!(
            doc.descendants()
                .any(|n| n.has_tag_name("Style") && n.attribute("id") == style.strip_prefix('#')),
            "{style} resolves"
        );
        let rings = pm
            .descendants()
            .filter(|n| n.has_tag_name("LinearRing"))
            .count();
        let mp: geo::MultiPolygon<f64> = f.geometry.clone().unwrap().try_into().unwrap();
        let expected: usize = mp.iter().map(|p| 1 + p.interiors().len()).sum();
        assert_eq!(rings, expected, "{id}");
    }
    let polygon = |f: &geojson::Feature| -> geo::MultiPolygon<f64> {
        f.geometry.clone().unwrap().try_into().unwrap()
    };
    for z in &summary.zones {
        let level = |pct: u32| {
            gj.features.iter().find(|f| {
                f.property("variable").and_then(|v| v.as_str()) == Some(&z.variable)
                    && f.property("probability_at_least").and_then(|v| v.as_f64())
                        == Some(f64::from(pct) / 100.0)
            })
        };
        let areas = [10, 50, 90].map(|pct| {
            level(pct).map_or(0.0, |f| {
                f.property("area_km2").and_then(|v| v.as_f64()).unwrap()
            })
        });
        let expected = [
            z.area_km2_probability_ge_10,
            z.area_km2_probability_ge_50,
            z.area_km2_probability_ge_90,
        ];
        for (a, b) in areas.iter().zip(expected) {
            // serde_json's default float parsing may be one ulp off.
            assert!(
                (a - b).abs() <= 1e-12 * b,
                "{}: {areas:?} vs {expected:?}",
                z.label
            );
        }
        assert!(
            areas[0] > areas[2],
            "{}: a spread ensemble, {areas:?}",
            z.label
        );
        // Each level lies inside the one below it, up to centimetres: an edge straight on the
        // grid is drawn as a chord in longitude and latitude, which a vertex of the other
        // outline in its middle misses by ~1 cm (and coordinates are rounded to 1e-7°). What
        // lies outside is a sliver along the outline, under 5·10⁻⁷° (~5 cm) times its length,
        // where one 300 m cell out of place would be ~10⁻⁵ deg².
        use geo::{Area, BooleanOps};
        let perimeter_deg = |m: &geo::MultiPolygon<f64>| -> f64 {
            m.iter()
                .flat_map(|p| p.exterior().lines())
                .map(|l| l.dx().hypot(l.dy()))
                .sum()
        };
        for (inner, outer) in [(50, 10), (90, 50)] {
            if let (Some(i), Some(o)) = (level(inner), level(outer)) {
                let outside = polygon(i).difference(&polygon(o)).unsigned_area();
                assert!(
                    outside < 5e-7 * perimeter_deg(&polygon(i)),
                    "{}: {inner} % outside {outer} % over {outside} deg²",
                    z.label
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn results_do_not_depend_on_threads_and_follow_the_seed() {
    let s = parse(&chlorine_text(
        "[ensemble]\nmembers = 6\nseed = 11\n",
        600.0,
    ));
    let one = ensemble::run(&s, &ens_options(1)).unwrap();
    let two = ensemble::run(&s, &ens_options(2)).unwrap();
    assert_eq!(one.members, two.members);
    assert_eq!(one.zones, two.zones);
    assert_eq!(one.species, two.species);
    let again = ensemble::run(&s, &ens_options(2)).unwrap();
    assert_eq!(again.zones, one.zones);

    // The members really differ from each other, and another seed gives another ensemble.
    assert!(one.members.windows(2).all(|w| w[0] != w[1]));
    let other = ensemble::run(
        &s,
        &EnsembleOptions {
            seed: Some(12),
            ..ens_options(2)
        },
    )
    .unwrap();
    assert!(other.members.iter().zip(&one.members).all(|(a, b)| a != b));
    assert_ne!(other.zones, one.zones);
    assert_ne!(other.species, one.species);
}

/// Direction perturbations only (σ = 3°), 100 members, on the Gaussian plume: the probability
/// field is close to its mirror image across the plume axis, and the area exceeded in at least
/// half the members is close to the deterministic zone's. Measured (300 m cells): P ≥ 50 %
/// areas 1.009, 0.987 and 1.000 × the deterministic AEGL-1/2/3 areas (20.16, 14.22, 1.26 km²),
/// mirror asymmetry Σ|P − P_mirror| / 2ΣP of 0.038, 0.043, 0.073; asserted within 5 % and
/// below 0.10. The agreement holds because 3° is below the zones' angular half-widths; with
/// σ = 10° the AEGL-1 zone of a 5 kg/s release kept only 0.24 of its area at P ≥ 50 %.
#[test]
fn direction_only_probability_is_symmetric_and_its_median_zone_matches_the_deterministic_area() {
    // A passive plume, whose zones are wider than 3° all along (the dense-gas near field leaves
    // a long narrow tip to the AEGL-2 zone: ratio 0.93).
    let ens = "dense_gas = \"passive\"\n[ensemble]\nmembers = 100\nseed = 3\nwind_from_sd_deg = 3\nwind_speed_log_sd = 0\nmixing_height_log_sd = 0\nstability_class_sd = 0\n";
    let s = parse(&chlorine_text(ens, 300.0));
    let plain = simulate(&s, &run_options(2)).unwrap();
    let e = ensemble::run(&s, &ens_options(2)).unwrap();
    let m = e.spec.members;
    let cell_km2 = e.grid.cell_area_m2() / 1e6;
    for (z, d) in e.zones.iter().zip(&plain.consequence.chemical[0].zones) {
        let p = z.probability(m);
        let ny = p.nrows();
        let mut diff = 0.0;
        let mut total = 0.0;
        for ((j, i), &v) in p.indexed_iter() {
            diff += (v - p[[ny - 1 - j, i]]).abs();
            total += v;
        }
        let asymmetry = diff / (2.0 * total);
        let a_det = d.exceeded.iter().filter(|&&x| x).count() as f64 * cell_km2;
        let a50 = z.area_km2_at_least(50, m, cell_km2);
        let ratio = a50 / a_det;
        eprintln!(
            "{}: deterministic {a_det:.2} km², P ≥ 50 % {a50:.2} km² (ratio {ratio:.3}), P ≥ 10 % {:.2}, P ≥ 90 % {:.2}, asymmetry {asymmetry:.3}",
            z.label,
            z.area_km2_at_least(10, m, cell_km2),
            z.area_km2_at_least(90, m, cell_km2),
        );
        assert!(asymmetry < 0.10, "{}: asymmetry {asymmetry}", z.label);
        assert!((ratio - 1.0).abs() < 0.05, "{}: ratio {ratio}", z.label);
        // Spread widens the 10 % zone and narrows the 90 % one around the deterministic zone.
        assert!(z.area_km2_at_least(10, m, cell_km2) > a_det);
        assert!(z.area_km2_at_least(90, m, cell_km2) < a_det);
    }
}

#[test]
fn bad_ensemble_values_give_errors_naming_the_field() {
    let cases = [
        ("[ensemble]\nmembers = 1\n", "ensemble.members = 1"),
        ("[ensemble]\nmembers = 1001\n", "ensemble.members = 1001"),
        ("[ensemble]\nseed = -1\n", "ensemble.seed = -1"),
        (
            "[ensemble]\nwind_from_sd_deg = -5\n",
            "ensemble.wind_from_sd_deg = -5",
        ),
        (
            "[ensemble]\nwind_speed_log_sd = 3\n",
            "ensemble.wind_speed_log_sd = 3",
        ),
        (
            "[ensemble]\nmixing_height_log_sd = nan\n",
            "ensemble.mixing_height_log_sd = NaN",
        ),
        (
            "[ensemble]\nstability_class_sd = 4\n",
            "ensemble.stability_class_sd = 4",
        ),
        ("[ensemble]\nwind_direction_sd = 5\n", "wind_direction_sd"),
        ("[ensemble]\nmembers = \"many\"\n", "ensemble.members"),
    ];
    for (section, expected) in cases {
        let err = Scenario::parse(&chlorine_text(section, 600.0), Path::new("bad.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.toml"), "{err}");
        assert!(err.contains(expected), "{section:?}: {err}");
        assert!(err.contains("expected"), "{err}");
    }
    // The command line's member count is checked too.
    let s = parse(&chlorine_text("", 600.0));
    let err = ensemble::run(
        &s,
        &EnsembleOptions {
            members: Some(1),
            ..ens_options(1)
        },
    )
    .unwrap_err();
    assert!(matches!(err, EnsembleError::Option { .. }));
    assert!(err.to_string().contains("--members = 1"), "{err}");
}

/// Gridded NWP fields are perturbed like station files (every node, level and time alike; the
/// exactness of that is unit-tested in `src/met/gridded/perturb.rs`): the identity member is the
/// plain run bit for bit, a veered member moves the plume, and a perturbed ensemble of the
/// Point Lepreau nor'easter scenario runs end to end with members that disagree.

#[test]
fn the_ensemble_command_writes_its_files_and_prints_the_zone_table() {
    let dir = out_dir("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("chlorine.toml");
    std::fs::write(&file, chlorine_text("[ensemble]\nmembers = 4\n", 800.0)).unwrap();
    let out_dir = dir.join("out");
    let plume = env!("CARGO_BIN_EXE_plume");
    let out = std::process::Command::new(plume)
        .args([
            "ensemble",
            file.to_str().unwrap(),
            "--seed",
            "2",
            "--threads",
            "1",
            "-o",
        ])
        .arg(&out_dir)
        .args(["--backend", "cpu"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("ensemble of 4 members (seed 2)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("probability ≥ 10 % / 50 % / 90 %"),
        "{stdout}"
    );
    assert!(stdout.contains("Chlorine AEGL-2 60 min"), "{stdout}");
    assert!(out_dir.join("ensemble_summary.json").is_file());
    assert!(out_dir.join("ensemble_zones.geojson").is_file());
    let png = std::fs::read(out_dir.join("ensemble_map.png")).unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "ensemble_map.png is a PNG"
    );
    // The file's history names the command and the settings that made it.
    let nc = hdf5::File::open(out_dir.join("ensemble.nc")).unwrap();
    let history = nc
        .attr("history")
        .unwrap()
        .read_scalar::<hdf5::types::FixedUnicode<1024>>()
        .unwrap();
    let expected = format!(
        " ensemble {} with members = 4, seed = 2, wind_from_sd_deg = 30,",
        file.display()
    );
    assert!(history.as_str().contains(&expected), "{}", history.as_str());
    // `-q`: nothing but errors, the files still written.
    let quiet_dir = dir.join("quiet");
    let quiet = std::process::Command::new(plume)
        .args([
            "ensemble",
            file.to_str().unwrap(),
            "--threads",
            "1",
            "-q",
            "-o",
        ])
        .arg(&quiet_dir)
        .args(["--backend", "cpu"])
        .output()
        .unwrap();
    assert!(quiet.status.success(), "{quiet:?}");
    assert!(
        quiet.stdout.is_empty() && quiet.stderr.is_empty(),
        "{quiet:?}"
    );
    assert!(quiet_dir.join("ensemble.nc").is_file());
    let bad = std::process::Command::new(plume)
        .args(["ensemble", file.to_str().unwrap(), "--members", "1", "-o"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--members = 1"));
    let _ = std::fs::remove_dir_all(&dir);
}
