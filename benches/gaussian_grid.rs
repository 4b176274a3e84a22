//! Gaussian plume over a 1000 × 1000 ground grid: receptor-source evaluations per second for one
//! and ten sources, with ground and mixing-lid reflection, on 1 and 2 threads, and for one
//! dense-gas plume and one plume of settling particles; and the near field of one plume on a
//! fine grid, where most cells hold cell means.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use plume::geo::{LatLon, TransverseMercator};
use plume::met::boundary_layer::{BoundaryLayer, StabilityClass};
use plume::met::UniformMet;
use plume::model::gaussian::dense::DenseGasSigmas;
use plume::model::gaussian::{steady_field, PlumeGeometry, Sigmas};
use plume::scenario::{SigmaScheme, Terrain};
use plume::source::dense_gas::{self, DensePlume};
use plume::source::Source;

const N: usize = 1000;
const DX_M: f64 = 50.0;

fn plumes(count: usize) -> Vec<PlumeGeometry> {
    let centre = LatLon::new(45.07, -66.75);
    let tm = TransverseMercator::new(centre);
    let met = UniformMet {
        wind_speed_m_s: 5.0,
        reference_height_m: 10.0,
        wind_from_deg: 250.0,
        boundary_layer: BoundaryLayer {
            friction_velocity_m_s: 0.35,
            obukhov_length_m: f64::INFINITY,
            mixing_height_m: 800.0,
            roughness_length_m: 0.1,
            stability: StabilityClass::D,
        },
        precipitation_mm_h: 0.0,
        air_temperature_k: 288.15,
        sigma_theta_deg: None,
    };
    (0..count)
        .map(|k| {
            // Sources spread over the western half of the grid.
            let (x, y) = (
                -20_000.0 + 2_000.0 * k as f64,
                -5_000.0 + 1_000.0 * k as f64,
            );
            let src = Source {
                name: format!("s{k}"),
                location: tm.inverse(x, y),
                height_m: 40.0,
                start_s: 0.0,
                duration_s: 3600.0,
                releases: vec![],
                stack: None,
                release_temperature_k: None,
                reactor: false,
                aerosol: None,
            };
            PlumeGeometry::new(&src, &met, SigmaScheme::Briggs, Terrain::Rural, &tm)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let x0 = -(N as f64 - 1.0) / 2.0 * DX_M;
    let mut out = vec![0.0; N * N];
    let mut g = c.benchmark_group("gaussian_grid_1000x1000");
    g.sample_size(20);
    for sources in [1usize, 10] {
        let ps = plumes(sources);
        for threads in [1usize, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            g.throughput(Throughput::Elements((N * N * sources) as u64));
            g.bench_function(format!("{sources}_source_{threads}_thread"), |b| {
                b.iter(|| pool.install(|| steady_field(&ps, N, x0, x0, DX_M, 1.5, &mut out)))
            });
        }
    }
    // One dense-gas plume (10 kg/s of chlorine): the workbook's σ, evaluated cell by cell.
    let mut dense = plumes(1);
    let s = dense_gas::screen(10.0, 0.0709, [288.15; 2], 5.0).unwrap();
    let passive = dense[0].sigmas.passive();
    dense[0].sigmas = Sigmas::DenseGas(DenseGasSigmas::new(
        DensePlume::new(&s),
        s.volume_rate_m3_s,
        dense[0].u_m_s,
        passive,
    ));
    dense[0].ground_level = true;
    g.throughput(Throughput::Elements((N * N) as u64));
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    g.bench_function("1_dense_gas_source_2_thread", |b| {
        b.iter(|| two.install(|| steady_field(&dense, N, x0, x0, DX_M, 1.5, &mut out)))
    });
    // One plume of settling particles (50 µm droplets, v_s ≈ 0.07 m/s): its axis descends, so
    // every cell takes the exact path.
    let mut settling = plumes(1);
    settling[0].settling_velocity_m_s = 0.07;
    g.bench_function("1_settling_source_2_thread", |b| {
        b.iter(|| two.install(|| steady_field(&settling, N, x0, x0, DX_M, 1.5, &mut out)))
    });
    g.finish();

    // The first 4 km of one plume on 20 m cells, where the plume is narrower than three cells
    // out to about 1 km: the cell means (exact across the wind, Gauss–Legendre along it).
    let mut near = c.benchmark_group("gaussian_cell_means_200x200_20m");
    near.sample_size(20);
    let one = plumes(1);
    let mut window = vec![0.0; 200 * 200];
    near.throughput(Throughput::Elements(200 * 200));
    near.bench_function("1_source_2_thread", |b| {
        b.iter(|| {
            two.install(|| steady_field(&one, 200, -20_100.0, -5_100.0, 20.0, 1.5, &mut window))
        })
    });
    near.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
