//! Measured lateral turbulence: `meteorology.sigma_theta_deg` sets the particle model's σv.

use std::path::Path;

use plume::met::{Meteorology, UniformMet};
use plume::model::lagrangian::column::Column;
use plume::scenario::{MetSpec, Scenario};

fn scenario(sigma_theta: Option<f64>) -> Scenario {
    let extra = sigma_theta.map_or(String::new(), |s| format!("sigma_theta_deg = {s}\n"));
    let text = format!(
        r#"
[scenario]
name = "sigma theta"
start = "2026-07-14T06:00:00Z"
duration_s = 1800

[domain]
centre = {{ lat = 45.1, lon = -66.5 }}
extent_m = [4000, 4000]
resolution_m = 50
layers_m = [[0, 3]]
output_interval_s = 900

[[source]]
name = "s"
location = {{ lat = 45.1, lon = -66.5 }}
height_m = 1
start_s = 0
duration_s = 1800
release = [{{ substance = "Sulfur dioxide", rate_kg_s = 1.0 }}]

[meteorology]
kind = "uniform"
wind_speed_m_s = 5
wind_reference_height_m = 2
wind_from_deg = 270
obukhov_length_m = -30
roughness_length_m = 0.01
mixing_height_m = 900
{extra}
[model]
kind = "lagrangian"
particles = 1000
"#
    );
    Scenario::parse(&text, Path::new("sigma-theta.toml")).unwrap()
}

fn met(s: &Scenario) -> UniformMet {
    let MetSpec::Uniform(u) = &s.meteorology else {
        panic!("uniform")
    };
    UniformMet::from_spec(u, s.domain.centre.lat)
}

#[test]
fn measured_sigma_theta_sets_sigma_v_at_the_wind_height() {
    let plain = met(&scenario(None));
    let measured = met(&scenario(Some(8.0)));
    assert_eq!(plain.sigma_v_scale(0.0, 0.0, 0.0), 1.0);
    let a = Column::from_met(&plain, 0.0, 0.0, 0.0);
    let b = Column::from_met(&measured, 0.0, 0.0, 0.0);
    // σv at 2 m = σθ (rad) × the 2 m wind; σu and σw are the parameterised ones.
    let expected = 8f64.to_radians() * 5.0;
    let got = f64::from(b.at(2.0).sigma[1]);
    assert!((got / expected - 1.0).abs() < 1e-5, "{got} vs {expected}");
    for z in [0.5f32, 2.0, 40.0, 300.0] {
        let (pa, pb) = (a.at(z), b.at(z));
        assert_eq!(pa.sigma[0], pb.sigma[0], "σu at {z} m");
        assert_eq!(pa.sigma[2], pb.sigma[2], "σw at {z} m");
        assert_eq!(pa.inv_time_scale, pb.inv_time_scale, "time scales at {z} m");
        // The profile keeps its shape: the same ratio at every height.
        let ratio = f64::from(pb.sigma[1]) / f64::from(pa.sigma[1]);
        let scale = measured.sigma_v_scale(0.0, 0.0, 0.0);
        assert!(
            (ratio / scale - 1.0).abs() < 1e-5,
            "{z} m: {ratio} vs {scale}"
        );
    }
    assert!(
        measured.sigma_v_scale(0.0, 0.0, 0.0) < 1.0,
        "8° is below Panofsky's σv here"
    );
}
