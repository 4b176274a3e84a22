//! The Lagrangian particle model on real-weather inputs: a gridded file that holds a uniform
//! input's profile gives that input's grids, and particle centroids follow a turning wind's
//! circle.

use crate::common;

use std::path::Path;

use chrono::{DateTime, Utc};
use common::cf_writer::{write_cf, CfVar};
use plume::field::GridSpec;
use plume::geo::{LatLon, TransverseMercator};
use plume::met::gridded::cf::{self, GriddedOptions};
use plume::met::gridded::LocalBox;
use plume::met::{BoundaryLayer, MetSample, Meteorology, StabilityClass, UniformMet};
use plume::model::lagrangian::{self, LagrangianConfig};
use plume::scenario::{MetSpec, Scenario};

const CENTRE: LatLon = LatLon {
    lat: 45.07,
    lon: -66.75,
};

fn scenario(
    met: &str,
    duration_s: f64,
    extent_m: f64,
    resolution_m: f64,
    source: &str,
) -> Scenario {
    let text = format!(
        r#"
[scenario]
name = "lagrangian on real weather"
start = "2026-07-14T06:00:00Z"
duration_s = {duration_s}
[domain]
centre = {{ lat = {}, lon = {} }}
extent_m = [{extent_m}, {extent_m}]
resolution_m = {resolution_m}
layers_m = [[0, 3], [3, 50], [50, 200]]
output_interval_s = 1800
[[source]]
{source}
release = [{{ substance = "chlorine", rate_kg_s = 1.0 }}]
[meteorology]
{met}
[model]
kind = "lagrangian"
particles = 20000
seed = 3
"#,
        CENTRE.lat, CENTRE.lon
    );
    Scenario::parse(&text, Path::new("lagrangian_weather.toml")).unwrap()
}

/// Writes a gridded file, constant in space and time, holding `uniform`'s wind profile on its
/// levels (as true east/north components, turned back by the convergence at each node) and its
/// boundary layer.
fn gridded_copy(uniform: &UniformMet, path: &Path) {
    let tm = TransverseMercator::new(CENTRE);
    let xs: Vec<f64> = (0..13).map(|i| -30_000.0 + 5000.0 * i as f64).collect();
    let ys = xs.clone();
    let levels = [2.0, 10.0, 30.0, 60.0, 100.0, 200.0, 400.0, 800.0, 1500.0];
    let hours = [0.0, 3.0, 6.0];
    let (nx, ny, nz, nt) = (xs.len(), ys.len(), levels.len(), hours.len());
    let (mut u, mut v) = (vec![], vec![]);
    for _ in hours {
        for &z in &levels {
            for &y in &ys {
                for &x in &xs {
                    let s = uniform.sample(x, y, z, 0.0);
                    let gamma = tm.convergence_deg(tm.inverse(x, y)).to_radians();
                    let (sn, c) = gamma.sin_cos();
                    u.push(s.wind_u_m_s * c - s.wind_v_m_s * sn);
                    v.push(s.wind_u_m_s * sn + s.wind_v_m_s * c);
                }
            }
        }
    }
    let bl = uniform.boundary_layer;
    let c = |val: f64| vec![val; nt * ny * nx];
    let wind = ("units", "m s-1");
    let vars = vec![
        CfVar::new(
            "time",
            &[nt],
            hours.to_vec(),
            &[("units", "hours since 2026-07-14 06:00:00")],
        ),
        CfVar::new(
            "x",
            &[nx],
            xs.clone(),
            &[("units", "m"), ("standard_name", "projection_x_coordinate")],
        ),
        CfVar::new(
            "y",
            &[ny],
            ys.clone(),
            &[("units", "m"), ("standard_name", "projection_y_coordinate")],
        ),
        CfVar::new(
            "height",
            &[nz],
            levels.to_vec(),
            &[("units", "m"), ("standard_name", "height")],
        ),
        CfVar::new(
            "tm",
            &[1],
            vec![0.0],
            &[("grid_mapping_name", "transverse_mercator")],
        ),
        CfVar::new(
            "u",
            &[nt, nz, ny, nx],
            u,
            &[
                wind,
                ("standard_name", "eastward_wind"),
                ("grid_mapping", "tm"),
            ],
        ),
        CfVar::new(
            "v",
            &[nt, nz, ny, nx],
            v,
            &[wind, ("standard_name", "northward_wind")],
        ),
        CfVar::new(
            "t2m",
            &[nt, ny, nx],
            c(uniform.air_temperature_k),
            &[("units", "K"), ("standard_name", "air_temperature")],
        ),
        CfVar::new(
            "blh",
            &[nt, ny, nx],
            c(bl.mixing_height_m),
            &[
                ("units", "m"),
                ("standard_name", "atmosphere_boundary_layer_thickness"),
            ],
        ),
        CfVar::new("ustar", &[nt, ny, nx], c(bl.friction_velocity_m_s), &[wind]),
        CfVar::new(
            "obukhov_length",
            &[nt, ny, nx],
            c(bl.obukhov_length_m),
            &[("units", "m")],
        ),
    ];
    write_cf(
        path,
        &vars,
        &[
            ("tm", "latitude_of_projection_origin", CENTRE.lat),
            ("tm", "longitude_of_central_meridian", CENTRE.lon),
        ],
        true,
    );
}

#[test]
fn lagrangian_on_a_gridded_copy_of_uniform_met_gives_the_same_grids() {
    let s = scenario(
        "kind = \"uniform\"\nwind_speed_m_s = 5\nwind_from_deg = 250\nobukhov_length_m = 200\nfriction_velocity_m_s = 0.3\nmixing_height_m = 800",
        7200.0,
        40_000.0,
        500.0,
        "location = { lat = 45.03, lon = -66.90 }\nheight_m = 30",
    );
    let MetSpec::Uniform(spec) = &s.meteorology else {
        panic!("uniform expected")
    };
    let uniform = UniformMet::from_spec(spec, CENTRE.lat);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.nc");
    gridded_copy(&uniform, &path);
    let tm = TransverseMercator::new(CENTRE);
    let region = LocalBox {
        x_min_m: -25_000.0,
        x_max_m: 25_000.0,
        y_min_m: -25_000.0,
        y_max_m: 25_000.0,
    };
    let start: DateTime<Utc> = "2026-07-14T06:00:00Z".parse().unwrap();
    let options = GriddedOptions {
        default_roughness_length_m: spec.roughness_length_m,
        ..GriddedOptions::default()
    };
    let (gridded, warnings) = cf::read(&path, start, s.duration_s, &tm, region, options).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let cfg = LagrangianConfig {
        seed: 3,
        ..Default::default()
    };
    let a = lagrangian::scenario::run_scenario(
        &s,
        &uniform,
        &TransverseMercator::new(s.domain.centre),
        20_000,
        &cfg,
        &mut |_| {},
    )
    .unwrap();
    let b = lagrangian::scenario::run_scenario(
        &s,
        &gridded,
        &TransverseMercator::new(s.domain.centre),
        20_000,
        &cfg,
        &mut |_| {},
    )
    .unwrap();
    let (fa, fb) = (&a.fields.species[0], &b.fields.species[0]);
    let peak = fa.concentration.iter().cloned().fold(0.0, f64::max);
    assert!(peak > 0.0);
    let worst = fa
        .concentration
        .iter()
        .zip(fb.concentration.iter())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max);
    assert!(
        worst <= 1e-9 * peak,
        "largest difference {worst} of peak {peak}"
    );
    let (ba, bb) = (fa.budget.unwrap(), fb.budget.unwrap());
    assert!((ba.airborne - bb.airborne).abs() <= 1e-9 * ba.released);
    assert!((ba.exited - bb.exited).abs() <= 1e-9 * ba.released);
}

/// A wind the same everywhere and at every height, turning at a constant rate.
struct TurningWind {
    speed_m_s: f64,
    to0_rad: f64,
    omega_rad_s: f64,
    boundary_layer: BoundaryLayer,
}

impl Meteorology for TurningWind {
    fn sample(&self, _x: f64, _y: f64, _z: f64, t_s: f64) -> MetSample {
        let to = self.to0_rad - self.omega_rad_s * t_s;
        MetSample {
            wind_u_m_s: self.speed_m_s * to.sin(),
            wind_v_m_s: self.speed_m_s * to.cos(),
            wind_w_m_s: 0.0,
            boundary_layer: self.boundary_layer,
            precipitation_mm_h: 0.0,
            air_temperature_k: 288.0,
        }
    }
}

#[test]
fn particle_centroid_follows_the_circle_of_a_uniformly_turning_wind() {
    let met = TurningWind {
        speed_m_s: 5.0,
        to0_rad: 120f64.to_radians(),
        omega_rad_s: (15.0f64 / 1800.0).to_radians(),
        boundary_layer: BoundaryLayer {
            friction_velocity_m_s: 0.35,
            obukhov_length_m: f64::INFINITY,
            mixing_height_m: 900.0,
            roughness_length_m: 0.1,
            stability: StabilityClass::D,
        },
    };
    let radius = met.speed_m_s / met.omega_rad_s;
    let mut last = None;
    for hours in [1.0, 2.0, 4.0] {
        let duration = hours * 3600.0;
        let s = scenario(
            "kind = \"uniform\"\nwind_speed_m_s = 5\nwind_from_deg = 0\nstability = \"D\"",
            duration,
            200_000.0,
            4000.0,
            &format!(
                "location = {{ lat = {}, lon = {} }}\nheight_m = 10\nduration_s = 60",
                CENTRE.lat, CENTRE.lon
            ),
        );
        let cfg = LagrangianConfig {
            seed: 11,
            ..Default::default()
        };
        let run = lagrangian::scenario::run_scenario(
            &s,
            &met,
            &TransverseMercator::new(s.domain.centre),
            20_000,
            &cfg,
            &mut |_| {},
        )
        .unwrap();
        let airborne: Vec<_> = run.particles.iter().filter(|p| p.is_airborne()).collect();
        assert!(airborne.len() > 19_000);
        let n = airborne.len() as f64;
        let cx = airborne.iter().map(|p| f64::from(p.x_m())).sum::<f64>() / n;
        let cy = airborne.iter().map(|p| f64::from(p.y_m())).sum::<f64>() / n;
        // Released uniformly over the first minute: the mean release time is 30 s.
        let t = duration - 30.0;
        let (th0, w) = (met.to0_rad, met.omega_rad_s);
        let x = radius * ((th0 - w * t).cos() - th0.cos());
        let y = -radius * ((th0 - w * t).sin() - th0.sin());
        let err = (cx - x).hypot(cy - y);
        assert!(
            err < 0.01 * radius,
            "after {hours} h: centroid ({cx:.0}, {cy:.0}) vs circle ({x:.0}, {y:.0}), {err:.0} m of R = {radius:.0} m"
        );
        last = Some(GridSpec::from_scenario(&s).nx);
    }
    assert_eq!(last, Some(50));
}
