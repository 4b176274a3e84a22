//! Throughput of zone outlining (grid cells per second), the step every map, GeoJSON, KML and
//! CAP output takes for each zone: a smooth plume-shaped zone and a speckled one (a sparse
//! particle run on a fine grid, thousands of islands and holes), on a 1000 × 1000 grid; and the
//! coarsened alert outline of the plume-shaped zone. Also the jurisdiction and land/sea tagging of
//! every cell of a 600 × 600 grid over Passamaquoddy Bay (country, state or province, land by
//! the ~100 m shore, through `src/geo/polygon_index.rs`), which every run with a consequence
//! assessment takes.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ndarray::Array2;
use plume::field::GridSpec;
use plume::geo::jurisdiction::Region;
use plume::geo::outline::{outline, CellLattice};
use plume::geo::{LatLon, TransverseMercator};
use plume::output::lon_lat::alert_outline;
use plume::scenario::Layer;

const N: usize = 1000;

fn bench(c: &mut Criterion) {
    let lattice = CellLattice {
        x0_m: -50_000.0,
        y0_m: -50_000.0,
        dx_m: 100.0,
    };
    // An elongated plume: inside the ellipse whose half-width grows with downwind distance.
    let plume = Array2::from_shape_fn((N, N), |(j, i)| {
        let x = i as f64 / N as f64;
        let y = (j as f64 - N as f64 / 2.0) / N as f64;
        x > 0.02 && y.abs() < 0.15 * x.sqrt() * (1.0 - x)
    });
    let mut s = 1u64;
    let speckled = Array2::from_shape_fn((N, N), |_| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 33) % 100 < 55
    });
    let tm = TransverseMercator::new(LatLon {
        lat: 45.1,
        lon: -66.8,
    });
    let mut g = c.benchmark_group("zones");
    g.throughput(Throughput::Elements((N * N) as u64));
    g.sample_size(10);
    g.bench_function("outline_plume_1000x1000", |b| {
        b.iter(|| outline(black_box(&plume), lattice))
    });
    g.bench_function("outline_speckled_1000x1000", |b| {
        b.iter(|| outline(black_box(&speckled), lattice))
    });
    g.bench_function("alert_outline_plume_1000x1000", |b| {
        b.iter(|| alert_outline(black_box(&plume), lattice, &tm))
    });
    g.finish();

    // 600 × 600 cells of 100 m centred on Passamaquoddy Bay: shore, islands, both countries.
    let grid = GridSpec {
        nx: 600,
        ny: 600,
        x0_m: -29_950.0,
        y0_m: -29_950.0,
        dx_m: 100.0,
        layers: vec![Layer {
            bottom_m: 0.0,
            top_m: 3.0,
        }],
        times_s: vec![3600.0],
        interval_s: 3600.0,
    };
    let region = Region::embedded();
    let mut g = c.benchmark_group("jurisdiction");
    g.throughput(Throughput::Elements((grid.nx * grid.ny) as u64));
    g.sample_size(10);
    g.bench_function("tag_grid_600x600", |b| {
        b.iter(|| region.tag_grid(black_box(&grid), &tm))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
