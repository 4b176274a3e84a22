//! One coherent alternative weather: offsets and factors applied to every value of a uniform,
//! station or gridded meteorology (every station, node, level and time alike), as an ensemble
//! member draws them (see [`crate::ensemble`]).
//!
//! The identity perturbation changes nothing, bit for bit: each adjustment is applied only when
//! it differs from the identity.

use super::{StabilityClass, UniformMet};
use crate::scenario::{StabilitySpec, UniformMetSpec};

/// Mixing heights a perturbation may produce (m): the range `meteorology.mixing_height_m`
/// accepts.
pub const MIXING_HEIGHT_RANGE_M: (f64, f64) = (10.0, 6000.0);

/// Largest |1/L| (m⁻¹) a perturbation may produce, so that |L| ≥ 1 m as the scenario requires.
pub const MAX_INVERSE_OBUKHOV_PER_M: f64 = 1.0;

/// How one member's weather differs from the scenario's.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MetPerturbation {
    /// Added to every wind direction (degrees, clockwise: positive veers the wind).
    pub wind_from_offset_deg: f64,
    /// Multiplies every wind speed (and a given friction velocity).
    pub wind_speed_factor: f64,
    /// Multiplies every mixing height, given or defaulted (the result kept in 10–6000 m).
    pub mixing_height_factor: f64,
    /// Pasquill–Gifford classes towards stable (positive) or unstable (negative), for a stability
    /// given as a class (kept within A–F).
    pub stability_class_shift: i32,
    /// Added to 1/L (m⁻¹) where stability is an Obukhov length (uniform `obukhov_length_m`,
    /// every station record and every gridded node, which the readers hold as 1/L); |1/L| kept
    /// ≤ 1 m⁻¹.
    pub inverse_obukhov_offset_per_m: f64,
}

impl Default for MetPerturbation {
    fn default() -> Self {
        Self::IDENTITY
    }
}

impl MetPerturbation {
    /// Changes nothing.
    pub const IDENTITY: MetPerturbation = MetPerturbation {
        wind_from_offset_deg: 0.0,
        wind_speed_factor: 1.0,
        mixing_height_factor: 1.0,
        stability_class_shift: 0,
        inverse_obukhov_offset_per_m: 0.0,
    };

    /// A direction plus this member's offset, in [0, 360).
    pub fn direction_deg(&self, from_deg: f64) -> f64 {
        if self.wind_from_offset_deg == 0.0 {
            from_deg
        } else {
            (from_deg + self.wind_from_offset_deg).rem_euclid(360.0)
        }
    }

    /// A speed (or friction velocity) times this member's factor.
    pub fn speed(&self, v: f64) -> f64 {
        if self.wind_speed_factor == 1.0 {
            v
        } else {
            v * self.wind_speed_factor
        }
    }

    /// A mixing height times this member's factor, kept within [`MIXING_HEIGHT_RANGE_M`].
    pub fn mixing_height_m(&self, h: f64) -> f64 {
        if self.mixing_height_factor == 1.0 {
            h
        } else {
            let (lo, hi) = MIXING_HEIGHT_RANGE_M;
            (h * self.mixing_height_factor).clamp(lo, hi)
        }
    }

    /// 1/L plus this member's offset, |1/L| kept ≤ [`MAX_INVERSE_OBUKHOV_PER_M`].
    pub fn inverse_obukhov_per_m(&self, inv_l: f64) -> f64 {
        if self.inverse_obukhov_offset_per_m == 0.0 {
            inv_l
        } else {
            (inv_l + self.inverse_obukhov_offset_per_m)
                .clamp(-MAX_INVERSE_OBUKHOV_PER_M, MAX_INVERSE_OBUKHOV_PER_M)
        }
    }

    /// A class shifted by this member's classes, kept within A–F.
    pub fn class(&self, c: StabilityClass) -> StabilityClass {
        let i = (c as i32 + self.stability_class_shift).clamp(0, 5);
        StabilityClass::ALL[i as usize]
    }

    /// The uniform meteorology of this member; `lat_deg` is the domain centre's latitude, for
    /// the default mixing height (computed from the perturbed wind and stability, then scaled).
    pub fn uniform(&self, spec: &UniformMetSpec, lat_deg: f64) -> UniformMetSpec {
        let mut s = spec.clone();
        s.wind_from_deg = self.direction_deg(s.wind_from_deg);
        s.wind_speed_m_s = self.speed(s.wind_speed_m_s);
        s.stability = match s.stability {
            StabilitySpec::Class(c) => StabilitySpec::Class(self.class(c)),
            StabilitySpec::Obukhov {
                obukhov_length_m,
                friction_velocity_m_s,
            } => {
                let inv = self.inverse_obukhov_per_m(1.0 / obukhov_length_m);
                StabilitySpec::Obukhov {
                    // Near neutral a 1/L of exactly 0 would be an infinite L, which the
                    // scenario does not allow: 10⁶ m is neutral for every purpose here.
                    obukhov_length_m: if self.inverse_obukhov_offset_per_m == 0.0 {
                        obukhov_length_m
                    } else if inv.abs() < 1e-6 {
                        1e6_f64.copysign(inv)
                    } else {
                        1.0 / inv
                    },
                    friction_velocity_m_s: friction_velocity_m_s.map(|u| self.speed(u)),
                }
            }
        };
        if self.mixing_height_factor != 1.0 {
            let h = s.mixing_height_m.unwrap_or_else(|| {
                UniformMet::from_spec(&s, lat_deg)
                    .boundary_layer
                    .mixing_height_m
            });
            s.mixing_height_m = Some(self.mixing_height_m(h));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Terrain;

    fn spec(stability: StabilitySpec) -> UniformMetSpec {
        UniformMetSpec {
            wind_speed_m_s: 4.0,
            wind_reference_height_m: 10.0,
            wind_from_deg: 350.0,
            stability,
            roughness_length_m: 0.1,
            mixing_height_m: None,
            terrain: Terrain::Rural,
            urban_population: None,
            air_temperature_k: 288.15,
            precipitation_mm_h: 0.0,
            sigma_theta_deg: None,
            sigma_theta_averaging_s: None,
        }
    }

    #[test]
    fn identity_changes_nothing() {
        for st in [
            StabilitySpec::Class(StabilityClass::D),
            StabilitySpec::Obukhov {
                obukhov_length_m: -30.0,
                friction_velocity_m_s: Some(0.3),
            },
        ] {
            let s = spec(st);
            assert_eq!(MetPerturbation::IDENTITY.uniform(&s, 45.0), s);
        }
    }

    #[test]
    fn offsets_and_factors_apply_and_stay_in_range() {
        let p = MetPerturbation {
            wind_from_offset_deg: 20.0,
            wind_speed_factor: 1.5,
            mixing_height_factor: 1e3,
            stability_class_shift: 9,
            inverse_obukhov_offset_per_m: 0.02,
        };
        let s = p.uniform(&spec(StabilitySpec::Class(StabilityClass::D)), 45.0);
        assert!((s.wind_from_deg - 10.0).abs() < 1e-12);
        assert_eq!(s.wind_speed_m_s, 6.0);
        assert_eq!(s.stability, StabilitySpec::Class(StabilityClass::F));
        assert_eq!(s.mixing_height_m, Some(6000.0));
        let s = p.uniform(
            &spec(StabilitySpec::Obukhov {
                obukhov_length_m: 100.0,
                friction_velocity_m_s: Some(0.2),
            }),
            45.0,
        );
        match s.stability {
            StabilitySpec::Obukhov {
                obukhov_length_m,
                friction_velocity_m_s,
            } => {
                assert!((obukhov_length_m - 1.0 / 0.03).abs() < 1e-9);
                assert!((friction_velocity_m_s.unwrap() - 0.3).abs() < 1e-12);
            }
            other => panic!("{other:?}"),
        }
    }
}
