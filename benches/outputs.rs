//! Throughput of the puff model and of the netCDF writer, the two hot paths that the other
//! benches leave out. The puffs: the shipped Saint John rail-car rupture (one dense cloud, then
//! a passive puff), the Lepreau backing-wind release (a puff train in a turning wind), the
//! rail-car leak in near-calm air (slices of a slumped dense plume) and at night as puffs grown
//! by turbulence in the city's night layer, each a
//! whole `simulate` (puff steps, sampling onto the grid, consequences), quoted in grid cells ×
//! output times per second. The writer: the Lepreau stack run's `fields.nc` (every species,
//! dose and zone field, chunked and deflated), in grid cells × layers × times per second.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use plume::output::netcdf::{self, Provenance};
use plume::{simulate, RunOptions, Scenario};

fn scenario(name: &str) -> Scenario {
    Scenario::load(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name),
    )
    .expect("a shipped scenario")
}

fn bench(c: &mut Criterion) {
    let options = RunOptions {
        threads: Some(2),
        ..Default::default()
    };
    let mut g = c.benchmark_group("puff");
    g.sample_size(10);
    for name in [
        "saint_john_chlorine_rupture.toml",
        "lepreau_backing_wind.toml",
    ] {
        let s = scenario(name);
        let grid = plume::field::GridSpec::from_scenario(&s);
        g.throughput(Throughput::Elements((grid.nx * grid.ny * grid.nt()) as u64));
        g.bench_function(name.trim_end_matches(".toml"), |b| {
            b.iter(|| simulate(black_box(&s), &options).expect("the puff run"))
        });
    }
    // The rail-car leak in near-calm air (0.3 m/s), as puffs: slices of a slumped dense plume
    // σ ≈ 2.5 km wide and narrow along the wind, the widest segments the sampler meets.
    let railcar = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join("saint_john_chlorine_railcar.toml");
    let text = std::fs::read_to_string(&railcar)
        .expect("the rail-car scenario")
        .replace("wind_speed_m_s = 2.5", "wind_speed_m_s = 0.3")
        .replace("kind = \"gaussian_plume\"", "kind = \"gaussian_puff\"")
        .replace("duration_s = 7200", "duration_s = 3600");
    let s = Scenario::parse(&text, &railcar).expect("the calm rail-car scenario");
    let grid = plume::field::GridSpec::from_scenario(&s);
    g.throughput(Throughput::Elements((grid.nx * grid.ny * grid.nt()) as u64));
    g.bench_function("saint_john_chlorine_railcar_calm", |b| {
        b.iter(|| simulate(black_box(&s), &options).expect("the calm puff run"))
    });
    // The rail-car leak at night as puffs grown by turbulence in the city's night layer
    // (130 000 inhabitants): convective σ near the release, the finest sub-steps.
    let text = std::fs::read_to_string(&railcar)
        .expect("the rail-car scenario")
        .replace(
            "kind = \"gaussian_plume\"",
            "kind = \"gaussian_puff\"\ngrowth = \"turbulence\"",
        )
        .replace(
            "terrain = \"urban\"",
            "terrain = \"urban\"\nurban_population = 130000",
        );
    let s = Scenario::parse(&text, &railcar).expect("the urban rail-car scenario");
    let grid = plume::field::GridSpec::from_scenario(&s);
    g.throughput(Throughput::Elements((grid.nx * grid.ny * grid.nt()) as u64));
    g.bench_function("saint_john_chlorine_railcar_urban_turbulence", |b| {
        b.iter(|| simulate(black_box(&s), &options).expect("the urban puff run"))
    });
    g.finish();

    let s = scenario("lepreau_stack_east_wind.toml");
    let sim = simulate(&s, &options).expect("the Lepreau run");
    let grid = &sim.fields.grid;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("fields.nc");
    let prov = Provenance::now(&sim.model, sim.seed, &sim.backend);
    let (global, extra) = (
        sim.consequence.global_attributes(),
        sim.consequence.extra_fields(),
    );
    let mut g = c.benchmark_group("netcdf");
    g.sample_size(10);
    g.throughput(Throughput::Elements(
        (grid.nx * grid.ny * grid.nz() * grid.nt()) as u64,
    ));
    g.bench_function("write_lepreau_fields", |b| {
        b.iter(|| {
            netcdf::write(
                &path,
                &s,
                black_box(&sim.fields),
                &sim.projection,
                &prov,
                &global,
                &extra,
            )
            .expect("the file is written")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
