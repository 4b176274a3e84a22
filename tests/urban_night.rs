//! The particle and turbulence-grown puff models over a city at night
//! (`meteorology.urban_population`, AERMOD's urban layer, `met::urban`): a ground release in
//! the convective-like urban layer mixes through it, so that far downwind its
//! crosswind-integrated ground concentration is the well-mixed one, Q/∫₀ʰ u dz for particles —
//! the mass flux through the layer equals the emission rate — where the same release in the
//! rural stable night stays in a shallow layer at the ground.

use plume::met::urban::urban_layer_depth_m;
use plume::met::UniformMet;
use plume::scenario::{MetSpec, Scenario};
use plume::{simulate, RunOptions, Simulation};
use std::path::Path;

const POPULATION: f64 = 1.3e5;
const RATE_KG_S: f64 = 1.0;
const RESOLUTION_M: f64 = 250.0;

/// A 1 kg/s tracer released 2 m above a city's ground for 3 h in a class F night wind of
/// 2.5 m/s, with the city's `population` where given, followed by particles.
fn night_release(population: Option<f64>) -> Scenario {
    night_release_by(
        population,
        "kind = \"lagrangian\"\nparticles = 20000\nsampling_step_s = 60\nbackend = \"cpu\"",
        3,
    )
}

/// [`night_release`] for `hours`, followed by the `[model]` given.
fn night_release_by(population: Option<f64>, model: &str, hours: u32) -> Scenario {
    let key = population.map_or(String::new(), |p| format!("urban_population = {p}\n"));
    let duration_s = hours * 3600;
    let text = format!(
        r#"
[scenario]
name = "urban night"
start = "2026-01-15T02:00:00Z"
duration_s = {duration_s}
[domain]
centre = {{ lat = 45.27, lon = -66.06 }}
extent_m = [32000, 16000]
resolution_m = {RESOLUTION_M}
layers_m = [[0, 10]]
output_interval_s = 3600
[[source]]
name = "release"
location = {{ lat = 45.27, lon = -66.24 }}
height_m = 2
start_s = 0
duration_s = {duration_s}
release = [{{ substance = "tracer", rate_kg_s = {RATE_KG_S} }}]
[meteorology]
kind = "uniform"
wind_speed_m_s = 2.5
wind_from_deg = 270
stability = "F"
roughness_length_m = 1.0
air_temperature_k = 268
terrain = "urban"
{key}
[model]
{model}
"#
    );
    Scenario::parse(&text, Path::new("urban.toml")).unwrap()
}

/// The run of `scenario` on the default options.
fn run(scenario: &Scenario) -> Simulation {
    simulate(scenario, &RunOptions::default()).unwrap()
}

/// The last hour's crosswind-integrated ground-layer concentration (kg/m²) of `run`, averaged
/// over the columns `downwind_m` of the source of `scenario`.
fn ground_cwic(scenario: &Scenario, run: &Simulation, downwind_m: std::ops::Range<f64>) -> f64 {
    let grid = &run.fields.grid;
    let c = &run.fields.species[0].concentration;
    let last = grid.nt() - 1;
    let (source_x_m, _) = run.projection.forward(scenario.sources[0].location);
    let columns: Vec<usize> = (0..grid.nx)
        .filter(|&i| downwind_m.contains(&(grid.x_m(i) - source_x_m)))
        .collect();
    let cwic: f64 = columns
        .iter()
        .map(|&i| (0..grid.ny).map(|j| c[[last, 0, j, i]]).sum::<f64>() * grid.dx_m)
        .sum();
    cwic / columns.len() as f64
}

/// [`ground_cwic`] 8–12 km downwind, where the urban layer is well mixed.
fn far_ground_cwic(scenario: &Scenario, run: &Simulation) -> f64 {
    ground_cwic(scenario, run, 8_000.0..12_000.0)
}

/// Whether `run` warns that the particles hold no city's heat island.
fn warns_of_no_heat_island(run: &Simulation) -> bool {
    run.warnings
        .iter()
        .any(|w| w.contains("without meteorology.urban_population"))
}

#[test]
fn an_urban_night_mixes_a_ground_release_through_the_city_layer() {
    let urban = night_release(Some(POPULATION));
    let MetSpec::Uniform(spec) = &urban.meteorology else {
        unreachable!()
    };
    let met = UniformMet::from_spec(spec, urban.domain.centre.lat);
    // The urban layer is z_iuc deep (201 m for 130 000 inhabitants), deeper than the rural
    // night layer, and the particles move in the weather's own wind.
    let depth_m = urban_layer_depth_m(POPULATION).max(met.boundary_layer.mixing_height_m);
    assert!((depth_m - 201.8).abs() < 0.5, "{depth_m}");
    let steps = 2000;
    let wind_through_layer_m2_s: f64 = (0..steps)
        .map(|k| met.wind_speed_at_m_s((k as f64 + 0.5) * depth_m / steps as f64))
        .sum::<f64>()
        * depth_m
        / steps as f64;
    let well_mixed = RATE_KG_S / wind_through_layer_m2_s;
    let rural = night_release(None);
    let (urban_run, rural_run) = (run(&urban), run(&rural));
    let urban_cwic = far_ground_cwic(&urban, &urban_run);
    let rural_cwic = far_ground_cwic(&rural, &rural_run);
    let ratio = urban_cwic / well_mixed;
    assert!((0.8..1.2).contains(&ratio), "urban/well-mixed {ratio}");
    assert!(
        rural_cwic > 2.0 * urban_cwic,
        "rural {rural_cwic} urban {urban_cwic}"
    );
    // Only the run without a population warns that it holds no heat island.
    assert!(warns_of_no_heat_island(&rural_run));
    assert!(!warns_of_no_heat_island(&urban_run));
}

#[test]
fn a_city_population_needs_urban_terrain_and_at_least_a_hundred_inhabitants() {
    use crate::scenario_files::{fails_with, problems, VALID};
    let with =
        |keys: &str| VALID.replace("stability = \"D\"", &format!("stability = \"D\"\n{keys}"));
    assert_eq!(
        problems(&with("terrain = \"urban\"\nurban_population = 70000")),
        Vec::<String>::new()
    );
    fails_with(
        &with("urban_population = 70000"),
        &[
            "meteorology.urban_population",
            "70000",
            "terrain = \"urban\"",
        ],
    );
    fails_with(
        &with("terrain = \"urban\"\nurban_population = 50"),
        &["meteorology.urban_population", "50", "100"],
    );
}

#[test]
fn a_measured_sigma_theta_is_not_used_with_a_population_and_the_run_says_so() {
    let mut measured = night_release(Some(POPULATION));
    if let MetSpec::Uniform(u) = &mut measured.meteorology {
        u.sigma_theta_deg = Some(8.0);
    }
    let run = run(&measured);
    assert!(
        run.warnings
            .iter()
            .any(|w| w.contains("the measured σθ is not used")),
        "{:?}",
        run.warnings
    );
}

#[test]
fn turbulence_grown_puffs_take_the_urban_night_and_curve_grown_puffs_keep_the_curves() {
    // Two hours, read 4–7 km out, where puffs carried at the 2.5 m/s wind arrived within the
    // first hour and the urban layer has mixed (h/w* ≈ 4.5 minutes).
    let puffs = |population, growth: &str| {
        let model = format!("kind = \"gaussian_puff\"\ngrowth = \"{growth}\"");
        let mut scenario = night_release_by(population, &model, 2);
        // 1 km cells: the puffs' sampling costs by the cell.
        scenario.domain.resolution_m = 1000.0;
        ground_cwic(&scenario, &run(&scenario), 4_000.0..7_000.0)
    };
    let urban = puffs(Some(POPULATION), "turbulence");
    let rural = puffs(None, "turbulence");
    assert!(rural > 2.0 * urban, "rural {rural} urban {urban}");
    // The urban Briggs curves hold the city's night already: the population changes nothing.
    assert_eq!(puffs(Some(POPULATION), "distance"), puffs(None, "distance"));
}

/// The GPU builds its columns from the same urban weather: its urban night run matches the
/// CPU's (same counter-based random numbers; f32 arithmetic).
#[cfg(feature = "gpu")]
#[test]
fn the_urban_night_runs_on_the_gpu_as_on_the_cpu() {
    use plume::backend::BackendChoice;
    let name = "the_urban_night_runs_on_the_gpu_as_on_the_cpu";
    if crate::support::gpu_or_skip(name).is_none() {
        return;
    }
    let s = night_release_by(
        Some(POPULATION),
        "kind = \"lagrangian\"\nparticles = 4000\nsampling_step_s = 60",
        2,
    );
    let on = |backend| {
        let options = RunOptions {
            backend: Some(backend),
            ..Default::default()
        };
        simulate(&s, &options).unwrap()
    };
    let (gpu, cpu) = (on(BackendChoice::Gpu), on(BackendChoice::Cpu));
    assert!(gpu.backend.starts_with("gpu ("), "{}", gpu.backend);
    let (g, c) = (&gpu.fields.species[0], &cpu.fields.species[0]);
    let (bg, bc) = (g.budget.unwrap(), c.budget.unwrap());
    assert!((bg.released - bc.released).abs() <= 1e-9 * bc.released);
    assert!(bg.relative_imbalance().abs() < 1e-12, "{bg:?}");
    // Each cell of the ground layer's time-integrated air, within 1 % of the peak.
    let peak = c.time_integrated.iter().cloned().fold(0.0, f64::max);
    let worst = g
        .time_integrated
        .iter()
        .zip(c.time_integrated.iter())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(worst <= 1e-2 * peak, "worst {worst} of peak {peak}");
}
