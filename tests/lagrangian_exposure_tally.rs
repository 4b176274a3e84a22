//! The particle model's exposure tally: the exposures, doses, zones and deposits of a night
//! plume are averaged over the release (or the AEGL duration they are judged by), whatever the
//! output interval, while the interval maps hold each interval's swings of the wind
//! (`plume::model::lagrangian::meander`).

use crate::lagrangian_meander::night_scenario;

use ndarray::Array3;
use plume::field::GridSpec;
use plume::geo::{LatLon, TransverseMercator};
use plume::scenario::Scenario;
use plume::{simulate, RunOptions, Simulation};
use std::path::Path;

/// The night release with output every `interval_s`, lasting `release_s`, and `keys` in its
/// `[model]` section (or sections after it).
fn scenario_text(interval_s: u32, release_s: u32, keys: &str) -> String {
    night_scenario(keys)
        .replace(
            "output_interval_s = 900",
            &format!("output_interval_s = {interval_s}"),
        )
        .replace(
            "start_s = 0\nduration_s = 3600",
            &format!("start_s = 0\nduration_s = {release_s}"),
        )
}

fn simulate_text(text: &str) -> Simulation {
    let s = Scenario::parse(text, Path::new("night.toml")).unwrap();
    simulate(&s, &RunOptions::default()).unwrap()
}

/// The `comment` attribute of variable `name` in a run's netCDF file, empty where it has none.
fn comment(dir: &Path, name: &str) -> String {
    let file = hdf5::File::open(dir.join("fields.nc")).unwrap();
    let d = file.dataset(name).unwrap();
    match d.attr("comment") {
        Ok(a) => a
            .read_scalar::<hdf5::types::FixedUnicode<256>>()
            .unwrap()
            .as_str()
            .to_string(),
        Err(_) => String::new(),
    }
}

fn run(interval_s: u32, release_s: u32, keys: &str) -> Simulation {
    simulate_text(&scenario_text(interval_s, release_s, keys))
}

/// The crosswind σ (m) of a ground-layer time integral over the columns 1.5–2.5 km downwind
/// of the valve (a 25 m column alone sees a fifteenth of the particles that cross it).
fn sigma_y_m(f: &Array3<f64>) -> f64 {
    let grid = GridSpec::from_scenario(
        &Scenario::parse(&night_scenario(""), Path::new("night.toml")).unwrap(),
    );
    let tm = TransverseMercator::new(LatLon::new(45.2, -66.5));
    let (source_x_m, _) = tm.forward(LatLon::new(45.2, -66.535));
    let (mut w, mut m2) = (0.0, 0.0);
    for i in (0..grid.nx).filter(|&i| (grid.x_m(i) - source_x_m - 2000.0).abs() <= 500.0) {
        for j in 0..grid.ny {
            let v = f[[0, j, i]];
            w += v;
            m2 += v * grid.y_m(j).powi(2);
        }
    }
    (m2 / w).sqrt()
}

/// The time integral of a run's interval maps, Σ C_n·Δt_n [layer, y, x].
fn interval_integral(sim: &Simulation) -> Array3<f64> {
    let f = &sim.fields.species[0];
    let g = &sim.fields.grid;
    let mut sum = Array3::zeros(f.time_integrated.dim());
    for n in 0..g.nt() {
        let dt = g.times_s[n] - g.interval_start_s(n);
        sum += &(&f.concentration.index_axis(ndarray::Axis(0), n) * dt);
    }
    sum
}

/// Whether two time integrals have the same width at 1.5–2.5 km (2 %) and total (0.5 %).
fn same(a: &Array3<f64>, b: &Array3<f64>) -> bool {
    let (r, t) = (sigma_y_m(a) / sigma_y_m(b), a.sum() / b.sum());
    eprintln!("σy at 1.5–2.5 km ratio {r:.4}, total ratio {t:.6}");
    (r - 1.0).abs() < 0.02 && (t - 1.0).abs() < 5e-3
}

#[test]
fn a_ten_minute_release_is_as_wide_in_hourly_as_in_quarter_hour_means() {
    // A ten-minute release holds ten minutes of swings whether its plume is written as
    // quarter-hour or hour-long means (with the interval as the averaging time the hourly
    // run's plume came out wider); no second tally is kept.
    let (quarter, hourly) = (run(900, 600, ""), run(3600, 600, ""));
    let ti = |s: &Simulation| s.fields.species[0].time_integrated.clone();
    assert!(same(&ti(&quarter), &ti(&hourly)));
    assert!(quarter.fields.species[0].exposure_concentration.is_none());
}

#[test]
fn exposures_are_averaged_over_the_release_whatever_the_output_interval() {
    // The hour-long release written as three-minute and as quarter-hour means: the exposures
    // are the same, and the same as with the averaging time given as the release's (one
    // tally); before the exposure tally the quarter-hour run's was 1.5–3 × narrower.
    let (three, quarter) = (run(180, 3600, ""), run(900, 3600, ""));
    let given = run(900, 3600, "meander_averaging_s = 3600");
    let ti = |s: &Simulation| s.fields.species[0].time_integrated.clone();
    assert!(same(&ti(&three), &ti(&quarter)));
    assert!(same(&ti(&quarter), &ti(&given)));
    assert!(given.fields.species[0].exposure_concentration.is_none());
    // The exposure is the exposure series' time integral, to rounding.
    let series = quarter.fields.species[0]
        .exposure_concentration
        .as_ref()
        .expect("a second tally");
    let integral: f64 = series.sum() * 900.0;
    let total = ti(&quarter).sum();
    assert!((integral / total - 1.0).abs() < 1e-9, "{integral} {total}");
    // The interval maps keep each interval's swings: narrower than the exposure.
    let widening = sigma_y_m(&ti(&quarter)) / sigma_y_m(&interval_integral(&quarter));
    eprintln!("σy at 1.5–2.5 km, release / quarter-hour averaging: {widening:.3}");
    assert!(widening > 1.5, "{widening}");
    // A scenario that asks for quarter-hour averaging gets it in its exposures too.
    let narrow = run(900, 3600, "meander_averaging_s = 900");
    assert!(same(&ti(&narrow), &interval_integral(&quarter)));
    // The netCDF file says which averaging each variable stands for.
    let dir = tempfile::tempdir().unwrap();
    let text = scenario_text(900, 3600, "");
    let scenario = Scenario::parse(&text, Path::new("night.toml")).unwrap();
    plume::write_outputs(&scenario, &quarter, dir.path()).unwrap();
    assert!(
        comment(dir.path(), "time_integrated_air_concentration_tracer")
            .contains("swings within the release")
    );
    assert!(comment(dir.path(), "air_concentration_tracer").contains("swings within the interval"));
    // The exposure series is written as the exposures read it: its lowest layer, whose
    // interval means times the interval add up to that layer's time integral.
    let file = hdf5::File::open(dir.path().join("fields.nc")).unwrap();
    let written: ndarray::Array3<f64> = file
        .dataset("exposure_air_concentration_tracer")
        .unwrap()
        .read()
        .unwrap();
    assert_eq!(written, series.index_axis(ndarray::Axis(1), 0));
    let ground = ti(&quarter).index_axis(ndarray::Axis(0), 0).to_owned();
    let summed = written.sum_axis(ndarray::Axis(0)) * 900.0;
    let off = (&summed - &ground).mapv(f64::abs).sum() / ground.sum();
    assert!(off < 1e-9, "{off}");
    assert!(comment(dir.path(), "exposure_air_concentration_tracer").contains("read from"));
    drop(file);
    let dir = tempfile::tempdir().unwrap();
    let text = scenario_text(900, 3600, "meander_averaging_s = 3600");
    let scenario = Scenario::parse(&text, Path::new("night.toml")).unwrap();
    plume::write_outputs(&scenario, &given, dir.path()).unwrap();
    assert_eq!(comment(dir.path(), "air_concentration_tracer"), "");
    let file = hdf5::File::open(dir.path().join("fields.nc")).unwrap();
    assert!(file.dataset("exposure_air_concentration_tracer").is_err());
    // Nothing is left to warn of.
    assert!(
        !quarter
            .warnings
            .iter()
            .any(|w| w.contains("meander_averaging_s")),
        "{:?}",
        quarter.warnings
    );
}

#[test]
fn a_chemicals_exposures_are_averaged_over_the_aegl_duration_that_judges_them() {
    // Chlorine over an hour in three-minute means: judged by its 60-minute AEGLs the exposure
    // holds the hour's swings; by its 10-minute AEGLs (aegl_duration_min = 10) ten minutes'
    // — wider than the three-minute maps, narrower than the hour's.
    let chlorine = |keys: &str| {
        let text = scenario_text(180, 3600, keys).replace(
            "substance = \"tracer\", rate_kg_s = 1.0",
            "substance = \"chlorine\", rate_kg_s = 0.01",
        );
        assert!(text.contains("chlorine"));
        simulate_text(&text)
    };
    let (hour, ten) = (
        chlorine(""),
        chlorine("\n[consequence]\naegl_duration_min = 10"),
    );
    let s_hour = sigma_y_m(&hour.fields.species[0].time_integrated);
    let s_ten = sigma_y_m(&ten.fields.species[0].time_integrated);
    let s_maps = sigma_y_m(&interval_integral(&ten));
    eprintln!("σy at 1.5–2.5 km: maps {s_maps:.1} m, 10-min {s_ten:.1} m, 60-min {s_hour:.1} m");
    assert!(s_maps * 1.05 < s_ten && s_ten * 1.05 < s_hour);
    // A tracer is judged by no AEGL: its exposure keeps the release's averaging whatever the
    // duration the zones would map.
    let ti = |s: &Simulation| s.fields.species[0].time_integrated.clone();
    let tracer = run(180, 3600, "");
    let tracer_ten = run(180, 3600, "\n[consequence]\naegl_duration_min = 10");
    assert_eq!(ti(&tracer), ti(&tracer_ten));
}

#[test]
fn every_cell_of_a_zone_has_an_arrival_though_the_interval_maps_miss_it() {
    // Chlorine over an hour in three-minute maps: the zones are judged from the exposure
    // series, wider than the maps, so many exposed cells are empty in every map; the arrival
    // is taken from the series the zones are (found by review: 398 of 817 AEGL-1 cells had none).
    let text = scenario_text(180, 3600, "").replace(
        "substance = \"tracer\", rate_kg_s = 1.0",
        "substance = \"chlorine\", rate_kg_s = 0.05",
    );
    let sim = simulate_text(&text);
    let f = &sim.fields.species[0];
    let g = &sim.fields.grid;
    let mut missed = 0;
    for j in 0..g.ny {
        for i in 0..g.nx {
            if f.time_integrated[[0, j, i]] <= 0.0 {
                continue;
            }
            if (0..g.nt()).all(|n| f.concentration[[n, 0, j, i]] == 0.0) {
                missed += 1;
            }
            assert!(
                plume::impact::arrival::arrival_interval_s(&sim.fields, 0, (i, j), true).is_some(),
                "cell ({i}, {j}) is exposed and has no arrival"
            );
        }
    }
    assert!(missed > 100, "{missed} exposed cells empty in every map");
}
