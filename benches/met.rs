//! Meteorology hot paths: reading a 200 × 200 × 30 × 24 gridded field and sampling it, against
//! uniform and station meteorology. The field is generated here, in a temporary folder, never
//! committed.

#[path = "../tests/common/cf_writer.rs"]
#[allow(dead_code)] // the bench writes files; naming their dimensions is for the tests
mod cf_writer;

use std::hint::black_box;
use std::path::Path;

use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use plume::geo::{LatLon, TransverseMercator};
use plume::met::gridded::cf::{self, GriddedOptions};
use plume::met::gridded::LocalBox;
use plume::met::{
    BoundaryLayer, Meteorology, StabilityClass, StationMet, StationOptions, UniformMet,
};

const CENTRE: LatLon = LatLon {
    lat: 45.07,
    lon: -66.75,
};
const NX: usize = 200;
const NY: usize = 200;
const NZ: usize = 30;
const NT: usize = 24;
const DX_M: f64 = 1000.0;

fn start() -> DateTime<Utc> {
    "2026-07-14T00:00:00Z".parse().unwrap()
}

/// Writes the bench field: 200 km × 200 km at 1 km, 30 levels to 3 km, 24 hourly times, f32.
fn write_field(path: &Path) {
    use cf_writer::{write_cf, CfVar};
    let xs: Vec<f64> = (0..NX).map(|i| (i as f64 - 99.5) * DX_M).collect();
    let ys: Vec<f64> = (0..NY).map(|j| (j as f64 - 99.5) * DX_M).collect();
    let levels: Vec<f64> = (0..NZ).map(|k| 10.0 * 1.2f64.powi(k as i32)).collect();
    let n3 = NT * NZ * NY * NX;
    let mut u = Vec::with_capacity(n3);
    let mut v = Vec::with_capacity(n3);
    for t in 0..NT {
        for &z in &levels {
            for &y in &ys {
                for &x in &xs {
                    let s = 5.0 * (z / 10.0).ln().max(0.0) / 4.6 + 2.0;
                    let a = 0.3 * t as f64 + 1e-5 * x - 2e-5 * y;
                    u.push(s * a.sin());
                    v.push(s * a.cos());
                }
            }
        }
    }
    let n2 = NT * NY * NX;
    let c = |v: f64| vec![v; n2];
    let vars = vec![
        CfVar::new(
            "time",
            &[NT],
            (0..NT).map(|t| t as f64).collect(),
            &[("units", "hours since 2026-07-14 00:00:00")],
        ),
        CfVar::new(
            "x",
            &[NX],
            xs,
            &[("units", "m"), ("standard_name", "projection_x_coordinate")],
        ),
        CfVar::new(
            "y",
            &[NY],
            ys,
            &[("units", "m"), ("standard_name", "projection_y_coordinate")],
        ),
        CfVar::new(
            "height",
            &[NZ],
            levels,
            &[("units", "m"), ("standard_name", "height")],
        ),
        CfVar::new(
            "transverse_mercator",
            &[1],
            vec![0.0],
            &[("grid_mapping_name", "transverse_mercator")],
        ),
        CfVar::new(
            "u",
            &[NT, NZ, NY, NX],
            u,
            &[
                ("units", "m s-1"),
                ("standard_name", "eastward_wind"),
                ("grid_mapping", "transverse_mercator"),
            ],
        ),
        CfVar::new(
            "v",
            &[NT, NZ, NY, NX],
            v,
            &[("units", "m s-1"), ("standard_name", "northward_wind")],
        ),
        CfVar::new(
            "t2m",
            &[NT, NY, NX],
            c(285.0),
            &[("units", "K"), ("standard_name", "air_temperature")],
        ),
        CfVar::new(
            "blh",
            &[NT, NY, NX],
            c(900.0),
            &[
                ("units", "m"),
                ("standard_name", "atmosphere_boundary_layer_thickness"),
            ],
        ),
        CfVar::new(
            "friction_velocity",
            &[NT, NY, NX],
            c(0.4),
            &[("units", "m s-1")],
        ),
        CfVar::new(
            "obukhov_length",
            &[NT, NY, NX],
            c(-300.0),
            &[("units", "m")],
        ),
    ];
    write_cf(
        path,
        &vars,
        &[
            (
                "transverse_mercator",
                "latitude_of_projection_origin",
                CENTRE.lat,
            ),
            (
                "transverse_mercator",
                "longitude_of_central_meridian",
                CENTRE.lon,
            ),
        ],
        false,
    );
}

fn region() -> LocalBox {
    LocalBox {
        x_min_m: -99_000.0,
        x_max_m: 99_000.0,
        y_min_m: -99_000.0,
        y_max_m: 99_000.0,
    }
}

/// Deterministic sample points spread over the region, heights and a day.
fn points(n: usize) -> Vec<[f64; 4]> {
    (0..n)
        .map(|k| {
            let f = |m: u64| ((k as u64 * m + 12_345) % 100_003) as f64 / 100_003.0;
            [
                -95_000.0 + 190_000.0 * f(7919),
                -95_000.0 + 190_000.0 * f(104_729),
                2.0 + 1500.0 * f(1_299_709),
                82_800.0 * f(15_485_863),
            ]
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench_field.nc");
    write_field(&path);
    let tm = TransverseMercator::new(CENTRE);
    let options = GriddedOptions {
        vertical: plume::met::VerticalInterpolation::Linear,
        ..GriddedOptions::default()
    };

    let mut g = c.benchmark_group("gridded_read");
    g.sample_size(10);
    g.bench_function("200x200x30x24_f32", |b| {
        b.iter(|| cf::read(&path, start(), 86_400.0, &tm, region(), options).unwrap())
    });
    g.finish();

    let (gridded, _) = cf::read(&path, start(), 86_400.0, &tm, region(), options).unwrap();
    let similarity = cf::read(
        &path,
        start(),
        86_400.0,
        &tm,
        region(),
        GriddedOptions::default(),
    )
    .unwrap()
    .0;
    let uniform = UniformMet {
        wind_speed_m_s: 5.0,
        reference_height_m: 10.0,
        wind_from_deg: 250.0,
        boundary_layer: BoundaryLayer {
            friction_velocity_m_s: 0.4,
            obukhov_length_m: -300.0,
            mixing_height_m: 900.0,
            roughness_length_m: 0.1,
            stability: StabilityClass::C,
        },
        precipitation_mm_h: 0.0,
        air_temperature_k: 285.0,
        sigma_theta_deg: None,
    };
    let mut csv = String::from("time,station,lat,lon,wind_speed_m_s,wind_from_deg,stability\n");
    for (s, (lat, lon)) in [(45.0, -67.0), (45.3, -66.4), (44.8, -66.5), (45.2, -67.1)]
        .iter()
        .enumerate()
    {
        for h in 0..25 {
            csv.push_str(&format!(
                "2026-07-14T{:02}:00:00Z,S{s},{lat},{lon},{},{},C\n",
                h.min(23),
                4.0 + 0.1 * h as f64,
                200.0 + 5.0 * h as f64
            ));
            if h == 23 {
                break;
            }
        }
    }
    let (station, _) = StationMet::parse(
        &csv,
        Path::new("bench.csv"),
        start(),
        86_400.0,
        &tm,
        StationOptions::default(),
    )
    .unwrap();

    let pts = points(100_000);
    // A plume-like cloud: 10 km × 4 km × 400 m over one hour, as particles sample it.
    let cloud: Vec<[f64; 4]> = pts
        .iter()
        .map(|p| {
            [
                20_000.0 + p[0] / 19.0,
                -5_000.0 + p[1] / 47.5,
                2.0 + (p[2] - 2.0) / 3.75,
                36_000.0 + p[3] / 23.0,
            ]
        })
        .collect();
    let mut g = c.benchmark_group("met_sample_cloud");
    g.throughput(Throughput::Elements(cloud.len() as u64));
    let cloud_metrics: [(&str, &dyn Meteorology); 3] = [
        ("uniform", &uniform),
        ("gridded_linear", &gridded),
        ("gridded_similarity", &similarity),
    ];
    for (name, met) in cloud_metrics {
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut acc = 0.0;
                for p in &cloud {
                    let s = met.sample(p[0], p[1], p[2], p[3]);
                    acc += s.wind_u_m_s + s.boundary_layer.mixing_height_m;
                }
                black_box(acc)
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("met_sample");
    g.throughput(Throughput::Elements(pts.len() as u64));
    let metrics: [(&str, &dyn Meteorology); 4] = [
        ("uniform", &uniform),
        ("gridded_linear", &gridded),
        ("gridded_similarity", &similarity),
        ("station_4", &station),
    ];
    for (name, met) in metrics {
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut acc = 0.0;
                for p in &pts {
                    let s = met.sample(p[0], p[1], p[2], p[3]);
                    acc += s.wind_u_m_s + s.boundary_layer.mixing_height_m;
                }
                black_box(acc)
            })
        });
    }
    g.finish();
}

/// Particle-steps per second of the Lagrangian model on the bench field against uniform
/// meteorology with a similar boundary layer: reading the field is part of the gridded cost.
fn particles(c: &mut Criterion) {
    use plume::model::lagrangian::{self, LagrangianConfig};
    use plume::scenario::Scenario;
    use std::time::Instant;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench_field.nc");
    write_field(&path);
    let text = format!(
        r#"
[scenario]
name = "particles on gridded met"
start = "2026-07-14T06:00:00Z"
duration_s = 3600
[domain]
centre = {{ lat = {}, lon = {} }}
extent_m = [100000, 100000]
resolution_m = 1000
output_interval_s = 900
[[source]]
location = {{ lat = 45.05, lon = -66.9 }}
height_m = 40
release = [{{ substance = "chlorine", rate_kg_s = 1.0 }}]
[meteorology]
kind = "uniform"
wind_speed_m_s = 5
wind_from_deg = 250
obukhov_length_m = -300
friction_velocity_m_s = 0.4
mixing_height_m = 900
"#,
        CENTRE.lat, CENTRE.lon
    );
    let s = Scenario::parse(&text, Path::new("bench.toml")).unwrap();
    let plume::scenario::MetSpec::Uniform(spec) = &s.meteorology else {
        panic!("uniform expected")
    };
    let uniform = UniformMet::from_spec(spec, CENTRE.lat);
    let tm = TransverseMercator::new(CENTRE);
    let cfg = LagrangianConfig {
        seed: 1,
        ..Default::default()
    };
    let region = LocalBox {
        x_min_m: -60_000.0,
        x_max_m: 60_000.0,
        y_min_m: -60_000.0,
        y_max_m: 60_000.0,
    };
    let n = 1_000_000;
    let t = Instant::now();
    let a = lagrangian::scenario::run_scenario(
        &s,
        &uniform,
        &TransverseMercator::new(s.domain.centre),
        n,
        &cfg,
        &mut |_| {},
    )
    .unwrap();
    let uniform_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (gridded, _) = cf::read(
        &path,
        start(),
        3600.0,
        &tm,
        region,
        GriddedOptions::default(),
    )
    .unwrap();
    let read_s = t.elapsed().as_secs_f64();
    let b = lagrangian::scenario::run_scenario(
        &s,
        &gridded,
        &TransverseMercator::new(s.domain.centre),
        n,
        &cfg,
        &mut |_| {},
    )
    .unwrap();
    let gridded_s = t.elapsed().as_secs_f64();
    eprintln!(
        "1e6 particles, 1 h: uniform {uniform_s:.2} s ({:.3e} particle-steps/s); gridded {gridded_s:.2} s including {read_s:.2} s reading ({:.3e} particle-steps/s); ratio {:.2}",
        a.stats.sub_steps as f64 / uniform_s,
        b.stats.sub_steps as f64 / gridded_s,
        gridded_s / uniform_s
    );
    let mut g = c.benchmark_group("lagrangian_met");
    g.sample_size(10);
    let n = 100_000;
    let steps = lagrangian::scenario::run_scenario(
        &s,
        &gridded,
        &TransverseMercator::new(s.domain.centre),
        n,
        &cfg,
        &mut |_| {},
    )
    .unwrap()
    .stats
    .sub_steps;
    g.throughput(Throughput::Elements(steps));
    g.bench_function("uniform_1e5", |bch| {
        bch.iter(|| {
            lagrangian::scenario::run_scenario(
                &s,
                &uniform,
                &TransverseMercator::new(s.domain.centre),
                n,
                &cfg,
                &mut |_| {},
            )
            .unwrap()
        })
    });
    g.bench_function("gridded_1e5", |bch| {
        bch.iter(|| {
            lagrangian::scenario::run_scenario(
                &s,
                &gridded,
                &TransverseMercator::new(s.domain.centre),
                n,
                &cfg,
                &mut |_| {},
            )
            .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench, particles);
criterion_main!(benches);
