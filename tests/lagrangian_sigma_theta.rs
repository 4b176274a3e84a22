//! Measured lateral turbulence: `meteorology.sigma_theta_deg` sets the particle model's σv.

use std::path::Path;

use plume::met::boundary_layer::{calm_boundary_layers, CALM_REFERENCE_HEIGHT_M};
use plume::met::{turbulence, Meteorology, UniformMet};
use plume::model::lagrangian::column::Column;
use plume::scenario::{MetSpec, Scenario};

fn scenario(sigma_theta: Option<f64>) -> Scenario {
    scenario_in(sigma_theta, 5.0)
}

fn scenario_in(sigma_theta: Option<f64>, wind_speed_m_s: f64) -> Scenario {
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
wind_speed_m_s = {wind_speed_m_s}
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

#[test]
fn in_light_winds_a_measured_sigma_theta_is_taken_as_measured_and_calm_air_keeps_calm_turbulence() {
    // Below the calm threshold the column's u* is floored at a 0.5 m/s wind's. A measured σθ
    // scales the σv of the layer it was measured in, bounded below by the calm layer's: σv at
    // the anemometer is max(σθ·u, calm σv). (Found by review: the floored layer's σv times
    // the ratio gave 2× the measurement at 0.2 m/s, and a 0.001 m/s wind with σθ left 3 % of
    // the calm turbulence.)
    for (wind_m_s, sigma_theta_deg) in [(0.2, 20.0), (0.3, 40.0), (0.001, 20.0)] {
        let m = met(&scenario_in(Some(sigma_theta_deg), wind_m_s));
        let (_, calm) = calm_boundary_layers(&m.boundary_layer, CALM_REFERENCE_HEIGHT_M);
        let column = Column::from_met(&m, 0.0, 0.0, 0.0);
        for z in [2.0f32, 20.0, 200.0] {
            let measured = m.sigma_v_scale(0.0, 0.0, 0.0)
                * turbulence::hanna(&m.boundary_layer, f64::from(z)).sigma_v_m_s;
            let calm_sigma_v = turbulence::hanna(&calm, f64::from(z)).sigma_v_m_s;
            let expected = measured.max(calm_sigma_v);
            let got = f64::from(column.at(z).sigma[1]);
            assert!(
                (got / expected - 1.0).abs() < 1e-5,
                "{wind_m_s} m/s, {sigma_theta_deg}°, {z} m: σv {got} vs {expected}"
            );
        }
        let at_anemometer = sigma_theta_deg.to_radians() * wind_m_s;
        let calm_at_anemometer = turbulence::hanna(&calm, 2.0).sigma_v_m_s;
        let got = f64::from(column.at(2.0).sigma[1]);
        assert!(
            (got / at_anemometer.max(calm_at_anemometer) - 1.0).abs() < 1e-5,
            "{wind_m_s} m/s, {sigma_theta_deg}°: σv at 2 m {got}, σθ·u {at_anemometer}, calm {calm_at_anemometer}"
        );
    }
}
