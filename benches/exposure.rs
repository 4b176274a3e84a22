//! Throughput of the per-cell exposure computation (grid cells per second): radiological dose
//! of three nuclides over the four standard windows, and chemical exposure (AEGL running-mean
//! peaks, TIC, toxic load) of one chemical, on a 200 × 200 grid with 48 output intervals.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use plume::exposure::{chemical_exposure, compute, ExposureOptions};
use plume::field::{Fields, GridSpec};
use plume::scenario::Layer;
use plume::substance::{AmountUnit, Library, Species};

const N: usize = 200;
const NT: usize = 48;

fn fields(species: &[(&str, AmountUnit)]) -> Fields {
    let grid = GridSpec {
        nx: N,
        ny: N,
        x0_m: 0.0,
        y0_m: 0.0,
        dx_m: 250.0,
        layers: vec![Layer {
            bottom_m: 0.0,
            top_m: 3.0,
        }],
        times_s: (1..=NT).map(|k| k as f64 * 900.0).collect(),
        interval_s: 900.0,
    };
    let sp: Vec<Species> = species
        .iter()
        .map(|(n, u)| Species {
            name: n.to_string(),
            unit: *u,
            half_life_s: Library::embedded().nuclide(n).map(|x| x.half_life_s),
            molar_mass_kg_mol: None,
        })
        .collect();
    let mut f = Fields::zeros(grid, &sp);
    for s in &mut f.species {
        for ((k, _, j, i), c) in s.concentration.indexed_iter_mut() {
            // A pulse passing each cell at a time that grows with distance.
            let arrival = (i + j) as f64 / (2 * N) as f64 * NT as f64;
            *c = 1e-3 * (-((k as f64 - arrival) / 4.0).powi(2)).exp();
        }
        s.dry_deposition.fill(1e4);
    }
    f
}

fn bench(c: &mut Criterion) {
    let lib = Library::embedded();
    let mut g = c.benchmark_group("exposure");
    g.throughput(Throughput::Elements((N * N) as u64));
    g.sample_size(10);

    let rad = fields(&[
        ("I-131", AmountUnit::Becquerel),
        ("Cs-137", AmountUnit::Becquerel),
        ("Te-132", AmountUnit::Becquerel),
    ]);
    let opts = ExposureOptions::default();
    g.bench_function("dose_3_nuclides_4_windows", |b| {
        b.iter(|| black_box(compute(black_box(&rad), lib, &opts).unwrap()))
    });

    let chem = fields(&[("Chlorine", AmountUnit::Kilogram)]);
    let bounds: Vec<f64> = std::iter::once(0.0)
        .chain(chem.grid.times_s.iter().copied())
        .collect();
    g.bench_function("chemical_aegl_peaks_tic_toxic_load", |b| {
        b.iter(|| {
            black_box(chemical_exposure(
                "Chlorine",
                2.0,
                &chem.species[0],
                0,
                &bounds,
                (
                    plume::exposure::indoor::DEFAULT_AIR_EXCHANGE_PER_H / 3600.0,
                    plume::exposure::indoor::ShelterExit::Never,
                ),
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
