//! Station time series: observed wind, stability, mixing height, precipitation and temperature at
//! one or more surface stations, interpolated linearly in time and by inverse distance (or nearest
//! station) in space.
//!
//! ## File format (CSV, UTF-8, one header line, `#` starts a comment line)
//! | column | required | unit / form | meaning |
//! |---|---|---|---|
//! | `time` | yes | ISO 8601 / RFC 3339, e.g. `2026-07-14T06:00:00Z` | valid time of the record |
//! | `station` | yes | text | station identifier |
//! | `lat`, `lon` | yes | decimal degrees WGS84 | station position (constant per station) |
//! | `wind_height_m` | no (10) | m above ground | anemometer height (constant per station) |
//! | `wind_speed_m_s` | yes | m/s | mean wind speed at `wind_height_m` |
//! | `wind_from_deg` | yes | degrees clockwise from true north | direction the wind blows from; ignored in a calm (speed 0), whose direction is interpolated from the records either side |
//! | `stability` | one of these two | `A`–`F` | Pasquill–Gifford class |
//! | `obukhov_length_m` | one of these two | m | Obukhov length L |
//! | `friction_velocity_m_s` | no | m/s | u*; derived from the wind profile when absent |
//! | `mixing_height_m` | no | m | boundary-layer depth; Hanna/Zilitinkevich default when absent |
//! | `precipitation_mm_h` | no (0) | mm/h | precipitation rate |
//! | `air_temperature_k` | no (288.15) | K | air temperature near the surface |
//! | `sigma_theta_deg` | no | degrees, > 0 and ≤ 60 | standard deviation of the wind direction at `wind_height_m` over the averaging time (a met tower's σθ; the scenario's `sigma_theta_averaging_s` says how long) |
//!
//! Columns may come in any order. An empty cell or `NA` is a gap: the variable is interpolated
//! across it from the neighbouring records of the same station, and a warning says so. Records of
//! a station must be in strictly increasing time. Before a station's first record and after its
//! last, values are held constant (with a warning when the run needs them); a station whose
//! records all lie more than [`MAX_HOLD_OUTSIDE_S`](super::period::MAX_HOLD_OUTSIDE_S) (3 h)
//! before the run starts or after it ends is an error, as for gridded files: its file is for
//! another period.
//!
//! ## Interpolation
//! In time, each variable is linear between the two bracketing valid records; wind direction is
//! interpolated along the shorter arc (a backing wind from 225° to 135° passes through 180°, not
//! through 0°), and speed separately, so a wind turning at a constant rate stays on its circle.
//! Stability is interpolated as 1/L, which is smooth through neutral (1/L = 0).
//!
//! In the vertical, each station's wind is carried from its anemometer height to the sampled
//! height along the Monin–Obukhov profile (see [`super::boundary_layer`]).
//!
//! In space, wind vectors (east, north) and scalars are weighted by inverse distance to the power
//! p (Shepard 1968; p = 2 by default), or taken from the nearest station.
//!
//! Where a station measures σθ, its σv = σθ·u at the anemometer sets the lateral turbulence
//! ([`Meteorology::sigma_v_scale`]): each station's ratio of that measured σv to the
//! parameterised one at the same height (1 where σθ is not measured) is weighted like any
//! other scalar.
//!
//! ## References
//! - Shepard, D. (1968) "A two-dimensional interpolation function for irregularly-spaced data",
//!   Proc. 23rd ACM National Conference, pp. 517–524, doi:10.1145/800186.810616.
//! - Golder, D. (1972) Boundary-Layer Meteorol. 3:47–58 — class ↔ L (via
//!   [`StabilityClass::inverse_obukhov_length_per_m`]).

use super::boundary_layer::{
    default_mixing_height_m, friction_velocity_from_wind, profile_shape, BoundaryLayer,
};
use super::{turbulence, MetSample, Meteorology, StabilityClass};
use crate::geo::LatLon;

/// How station values are combined in space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SpatialWeighting {
    /// Inverse-distance weights 1/d^power (Shepard 1968).
    InverseDistance { power: f64 },
    /// The nearest station's values.
    Nearest,
}

/// Choices the file does not carry.
#[derive(Debug, Clone, PartialEq)]
pub struct StationOptions {
    /// Roughness length z0 (m) used for every station's profile and for class → L.
    pub roughness_length_m: f64,
    pub weighting: SpatialWeighting,
    /// Gaps between valid records longer than this (s) are warned about.
    pub max_gap_s: f64,
}

impl Default for StationOptions {
    fn default() -> Self {
        Self {
            roughness_length_m: 0.1,
            weighting: SpatialWeighting::InverseDistance { power: 2.0 },
            max_gap_s: 3.0 * 3600.0,
        }
    }
}

/// Valid (time, value) pairs of one variable of one station, in increasing time.
#[derive(Debug, Clone, PartialEq, Default)]
struct Series {
    t_s: Vec<f64>,
    v: Vec<f64>,
}

impl Series {
    /// The bracketing records and the weight of the later one; held at the ends.
    fn bracket(&self, t_s: f64) -> (usize, usize, f64) {
        let n = self.t_s.len();
        if n == 1 || t_s <= self.t_s[0] {
            return (0, 0, 0.0);
        }
        if t_s >= self.t_s[n - 1] {
            return (n - 1, n - 1, 0.0);
        }
        let k = self.t_s.partition_point(|&x| x <= t_s);
        let (t0, t1) = (self.t_s[k - 1], self.t_s[k]);
        (k - 1, k, (t_s - t0) / (t1 - t0))
    }

    fn at(&self, t_s: f64) -> f64 {
        let (a, b, w) = self.bracket(t_s);
        self.v[a] + w * (self.v[b] - self.v[a])
    }

    /// Interpolates an angle in degrees along the shorter arc.
    fn angle_at(&self, t_s: f64) -> f64 {
        let (a, b, w) = self.bracket(t_s);
        let d = (self.v[b] - self.v[a] + 540.0).rem_euclid(360.0) - 180.0;
        (self.v[a] + w * d).rem_euclid(360.0)
    }
}

/// One station's series, positions in the local frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Station {
    pub id: String,
    pub location: LatLon,
    pub x_m: f64,
    pub y_m: f64,
    pub wind_height_m: f64,
    /// Grid convergence (rad) at the station: true north's angle east of grid north.
    convergence_rad: f64,
    speed: Series,
    from_deg: Series,
    inverse_obukhov_per_m: Series,
    friction_velocity: Option<Series>,
    mixing_height: Option<Series>,
    precipitation: Option<Series>,
    temperature: Option<Series>,
    sigma_theta_deg: Option<Series>,
}

/// Meteorology from station time series.
#[derive(Debug, Clone, PartialEq)]
pub struct StationMet {
    pub stations: Vec<Station>,
    options: StationOptions,
    /// Latitude of the domain centre, for the default mixing height.
    centre_lat_deg: f64,
    /// Multiplies every mixing height, measured or defaulted (an ensemble member's; 1 otherwise).
    mixing_height_factor: f64,
}

/// Farthest a station may lie from the domain centre (m): beyond, it says nothing about the
/// domain's weather, and the local projection loses accuracy.
pub const MAX_STATION_DISTANCE_M: f64 = 1_000_000.0;

/// Default air temperature (K) when the file has no temperature column.
pub const DEFAULT_AIR_TEMPERATURE_K: f64 = 288.15;

mod read;

impl StationMet {
    /// The options the series were read with.
    pub fn options(&self) -> &StationOptions {
        &self.options
    }

    /// Applies one ensemble member's perturbation to every station and every record alike, so
    /// that the member is a coherent alternative weather: directions offset, speeds (and any
    /// measured u*) scaled, 1/L offset, mixing heights (measured or defaulted) scaled.
    pub fn perturb(&mut self, p: &super::MetPerturbation) {
        for s in &mut self.stations {
            for v in &mut s.from_deg.v {
                *v = p.direction_deg(*v);
            }
            for v in &mut s.speed.v {
                *v = p.speed(*v);
            }
            if let Some(u) = &mut s.friction_velocity {
                for v in &mut u.v {
                    *v = p.speed(*v);
                }
            }
            for v in &mut s.inverse_obukhov_per_m.v {
                *v = p.inverse_obukhov_per_m(*v);
            }
        }
        self.mixing_height_factor *= p.mixing_height_factor;
    }

    /// One station's wind (east, north, m/s, in the local grid frame) at height `z_m` and its
    /// boundary layer at time `t_s`, plus precipitation and temperature.
    fn station_state(
        &self,
        s: &Station,
        z_m: f64,
        t_s: f64,
    ) -> (f64, f64, BoundaryLayer, f64, f64) {
        let z0 = self.options.roughness_length_m;
        let speed_ref = s.speed.at(t_s);
        let from = s.from_deg.angle_at(t_s);
        let inv_l = s.inverse_obukhov_per_m.at(t_s);
        let l_m = if inv_l == 0.0 {
            f64::INFINITY
        } else {
            1.0 / inv_l
        };
        let u_star = match &s.friction_velocity {
            Some(series) => series.at(t_s),
            None => friction_velocity_from_wind(speed_ref, s.wind_height_m, z0, l_m).max(1e-3),
        };
        let class = StabilityClass::from_obukhov_length(l_m, z0);
        let h = match &s.mixing_height {
            Some(series) => series.at(t_s),
            None => default_mixing_height_m(class, u_star, l_m, self.centre_lat_deg),
        };
        let h = if self.mixing_height_factor == 1.0 {
            h
        } else {
            let (lo, hi) = super::perturbation::MIXING_HEIGHT_RANGE_M;
            (h * self.mixing_height_factor).clamp(lo, hi)
        };
        let bl = BoundaryLayer {
            friction_velocity_m_s: u_star,
            obukhov_length_m: l_m,
            mixing_height_m: h,
            roughness_length_m: z0,
            stability: class,
        };
        let z = z_m.min(h.max(2.0 * z0));
        let speed = if z <= z0 {
            0.0
        } else {
            speed_ref * profile_shape(z, z0, l_m) / profile_shape(s.wind_height_m, z0, l_m)
        };
        // Towards = from + 180°, a true azimuth; true north lies at the grid azimuth γ, so the
        // grid azimuth is the true one plus γ.
        let to = (from + 180.0).to_radians() + s.convergence_rad;
        let precip = s.precipitation.as_ref().map_or(0.0, |p| p.at(t_s));
        let temp = s
            .temperature
            .as_ref()
            .map_or(DEFAULT_AIR_TEMPERATURE_K, |p| p.at(t_s));
        (speed * to.sin(), speed * to.cos(), bl, precip, temp)
    }
}

impl StationMet {
    /// One station's measured σv over the parameterised σv at its anemometer at `t_s` (1 where
    /// the station has no σθ).
    fn station_sigma_v_ratio(&self, s: &Station, t_s: f64) -> f64 {
        let Some(sigma_theta) = &s.sigma_theta_deg else {
            return 1.0;
        };
        let measured = sigma_theta.at(t_s).to_radians() * s.speed.at(t_s);
        let (_, _, bl, _, _) = self.station_state(s, s.wind_height_m, t_s);
        turbulence::sigma_v_scale(&bl, measured, s.wind_height_m)
    }

    /// The stations' weights at (x, y): inverse distance to the power p, or all on the nearest
    /// station (also within 1 m of a station, where the weight would diverge).
    fn weights(&self, x_m: f64, y_m: f64) -> Vec<f64> {
        let distance = |s: &Station| (s.x_m - x_m).hypot(s.y_m - y_m);
        let nearest = (0..self.stations.len())
            .min_by(|&a, &b| distance(&self.stations[a]).total_cmp(&distance(&self.stations[b])))
            .expect("a station met has at least one station");
        let one_hot = || {
            (0..self.stations.len())
                .map(|k| f64::from(u8::from(k == nearest)))
                .collect()
        };
        match self.options.weighting {
            SpatialWeighting::Nearest => one_hot(),
            _ if distance(&self.stations[nearest]) < 1.0 => one_hot(),
            SpatialWeighting::InverseDistance { power } => self
                .stations
                .iter()
                .map(|s| distance(s).powf(-power))
                .collect(),
        }
    }
}

impl Meteorology for StationMet {
    fn measures_sigma_theta(&self) -> bool {
        self.stations.iter().any(|s| s.sigma_theta_deg.is_some())
    }

    fn sigma_v_scale(&self, x_m: f64, y_m: f64, t_s: f64) -> f64 {
        if self.stations.iter().all(|s| s.sigma_theta_deg.is_none()) {
            return 1.0;
        }
        let w = self.weights(x_m, y_m);
        let total: f64 = w.iter().sum();
        self.stations
            .iter()
            .zip(&w)
            .filter(|(_, &w)| w > 0.0)
            .map(|(s, &w)| w * self.station_sigma_v_ratio(s, t_s))
            .sum::<f64>()
            / total
    }

    fn horizontal_scale_m(&self) -> Option<f64> {
        let mut closest = f64::INFINITY;
        for (k, a) in self.stations.iter().enumerate() {
            for b in &self.stations[k + 1..] {
                closest = closest.min((a.x_m - b.x_m).hypot(a.y_m - b.y_m));
            }
        }
        (closest.is_finite() && closest > 0.0).then_some(closest)
    }

    fn sample(&self, x_m: f64, y_m: f64, z_m: f64, t_s: f64) -> MetSample {
        let one = |s: &Station| {
            let (u, v, bl, p, tk) = self.station_state(s, z_m, t_s);
            MetSample {
                wind_u_m_s: u,
                wind_v_m_s: v,
                wind_w_m_s: 0.0,
                boundary_layer: bl,
                precipitation_mm_h: p,
                air_temperature_k: tk,
            }
        };
        let weights = self.weights(x_m, y_m);
        let mut weighted = weights.iter().enumerate().filter(|(_, &w)| w > 0.0);
        if let (Some((k, _)), None) = (weighted.next(), weighted.next()) {
            return one(&self.stations[k]);
        }
        let (mut wsum, mut u, mut v, mut us, mut inv_l, mut h, mut p, mut tk) =
            (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        for (s, &w) in self.stations.iter().zip(&weights) {
            let (su, sv, bl, sp, st) = self.station_state(s, z_m, t_s);
            wsum += w;
            u += w * su;
            v += w * sv;
            us += w * bl.friction_velocity_m_s;
            inv_l += w * if bl.obukhov_length_m.is_infinite() {
                0.0
            } else {
                1.0 / bl.obukhov_length_m
            };
            h += w * bl.mixing_height_m;
            p += w * sp;
            tk += w * st;
        }
        let inv_l = inv_l / wsum;
        let l_m = if inv_l == 0.0 {
            f64::INFINITY
        } else {
            1.0 / inv_l
        };
        let z0 = self.options.roughness_length_m;
        MetSample {
            wind_u_m_s: u / wsum,
            wind_v_m_s: v / wsum,
            wind_w_m_s: 0.0,
            boundary_layer: BoundaryLayer {
                friction_velocity_m_s: us / wsum,
                obukhov_length_m: l_m,
                mixing_height_m: h / wsum,
                roughness_length_m: z0,
                stability: StabilityClass::from_obukhov_length(l_m, z0),
            },
            precipitation_mm_h: p / wsum,
            air_temperature_k: tk / wsum,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(points: &[(f64, f64)]) -> Series {
        Series {
            t_s: points.iter().map(|p| p.0).collect(),
            v: points.iter().map(|p| p.1).collect(),
        }
    }

    #[test]
    fn direction_interpolates_along_the_shorter_arc() {
        let s = series(&[(0.0, 350.0), (100.0, 10.0)]);
        assert!((s.angle_at(50.0) - 0.0).abs() < 1e-9 || (s.angle_at(50.0) - 360.0).abs() < 1e-9);
        assert!((s.angle_at(25.0) - 355.0).abs() < 1e-9);
        let backing = series(&[(0.0, 225.0), (100.0, 135.0)]);
        assert!((backing.angle_at(50.0) - 180.0).abs() < 1e-9);
    }

    #[test]
    fn series_is_held_beyond_its_ends_and_linear_inside() {
        let s = series(&[(0.0, 1.0), (10.0, 3.0), (30.0, 4.0)]);
        assert_eq!(s.at(-5.0), 1.0);
        assert_eq!(s.at(40.0), 4.0);
        assert!((s.at(5.0) - 2.0).abs() < 1e-12);
        assert!((s.at(20.0) - 3.5).abs() < 1e-12);
    }
}
