//! One ensemble member's weather from gridded fields: the member's perturbation applied to every
//! node, level and time alike, as [`crate::met::StationMet::perturb`] applies it to every station
//! and record — a coherent alternative weather, not independent noise at each node.
//!
//! - Winds: every horizontal wind vector turned clockwise by the direction offset (a positive
//!   offset veers the wind, as `wind_from_deg` + offset does for uniform weather) and scaled by
//!   the speed factor; vertical winds are left alone.
//! - Friction velocity: scaled by the speed factor. Mixing height: scaled, kept within
//!   [`MIXING_HEIGHT_RANGE_M`]. 1/L: offset, |1/L| ≤ 1 m⁻¹ ([`MetPerturbation`]).
//! - In similarity interpolation the stored winds are the level winds divided by the profile
//!   shape, which depends on L and h; they are re-divided by the member's shape, so that the wind
//!   at every level height is exactly the file's wind turned and scaled, whatever L and h do.
//!
//! [`MIXING_HEIGHT_RANGE_M`]: crate::met::perturbation::MIXING_HEIGHT_RANGE_M

use super::{inv_to_l, shape_m, GriddedMet, Levels, VerticalInterpolation};
use super::{S_INV_L, S_MIXING, S_USTAR, S_Z0};
use crate::met::MetPerturbation;

impl GriddedMet {
    /// Applies `p` to every node, level and time (see the module docs); the identity changes
    /// nothing, bit for bit.
    pub fn perturb(&mut self, p: &MetPerturbation) {
        if *p == MetPerturbation::IDENTITY {
            return;
        }
        let n2 = self.nx * self.ny;
        let nt = self.times_s.len();
        let old_surface = self.surface.clone();
        for s in &mut self.surface {
            s[S_INV_L] = p.inverse_obukhov_per_m(s[S_INV_L]);
            s[S_MIXING] = p.mixing_height_m(s[S_MIXING]);
            s[S_USTAR] = p.speed(s[S_USTAR]);
        }
        // Clockwise by θ: (x, y) → (x cos θ + y sin θ, −x sin θ + y cos θ), the same angle in
        // the local grid frame as in true east/north (rotations commute).
        let (sin, cos) = p.wind_from_offset_deg.to_radians().sin_cos();
        let factor = p.speed(1.0);
        for t in 0..nt {
            for k in 0..self.nz {
                for c in 0..n2 {
                    let s2 = t * n2 + c;
                    let reshape = match self.vertical {
                        VerticalInterpolation::Linear => 1.0,
                        VerticalInterpolation::Similarity => {
                            let z = match &self.levels {
                                Levels::Fixed(z) => z[k],
                                Levels::Columns(z) => z[k * n2 + c],
                            };
                            let shape = |s: &[f64; 6]| {
                                shape_m(z, s[S_Z0], inv_to_l(s[S_INV_L]), s[S_MIXING])
                            };
                            let (old, new) = (shape(&old_surface[s2]), shape(&self.surface[s2]));
                            if new > 0.0 {
                                old / new
                            } else {
                                0.0
                            }
                        }
                    };
                    let w = &mut self.wind[(t * self.nz + k) * n2 + c];
                    let (x, y) = (w[0], w[1]);
                    let f = factor * reshape;
                    w[0] = (x * cos + y * sin) * f;
                    w[1] = (y * cos - x * sin) * f;
                    w[2] *= reshape;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::{
        HorizontalGrid, IndexMap, LocalBox, RawGrid, StabilityField, VerticalInterpolation,
    };
    use super::*;
    use crate::geo::{LatLon, TransverseMercator};
    use crate::met::Meteorology;

    const NX: usize = 3;
    const NY: usize = 2;
    const LEVELS_M: [f64; 3] = [10.0, 80.0, 400.0];
    const TIMES_S: [f64; 2] = [0.0, 3600.0];

    /// A 3 × 2 latitude/longitude grid over the Saint John area, three levels, two times, with
    /// winds, L, u* and h that differ at every node, level and time.
    fn raw(p: Option<&MetPerturbation>) -> RawGrid {
        let engine = TransverseMercator::new(LatLon::new(45.25, -66.05));
        let grid = HorizontalGrid::LatLon {
            lat_deg: vec![45.2, 45.3],
            lon_deg: vec![-66.15, -66.05, -65.95],
        };
        let region = LocalBox {
            x_min_m: -6000.0,
            x_max_m: 6000.0,
            y_min_m: -4000.0,
            y_max_m: 4000.0,
        };
        let map = IndexMap::build(&grid, &engine, region, 250.0);
        let (n2, nt, nz) = (NX * NY, TIMES_S.len(), LEVELS_M.len());
        let p = p.copied().unwrap_or(MetPerturbation::IDENTITY);
        let (mut u, mut v, mut w) = (vec![], vec![], vec![]);
        for t in 0..nt {
            for k in 0..nz {
                for c in 0..n2 {
                    let speed = p.speed(3.0 + k as f64 + 0.5 * c as f64 + t as f64);
                    let from = p.direction_deg(200.0 + 10.0 * c as f64 + 25.0 * t as f64);
                    let to = (from + 180.0).to_radians();
                    u.push(speed * to.sin());
                    v.push(speed * to.cos());
                    w.push(0.01 * (c as f64 - 2.0));
                }
            }
        }
        let (mut l, mut h, mut u_star) = (vec![], vec![], vec![]);
        for t in 0..nt {
            for c in 0..n2 {
                let inv_l = [-0.02, 0.004, 0.0, 0.015, -0.004, 0.03][c] * (1.0 + t as f64);
                let inv_l = p.inverse_obukhov_per_m(inv_l);
                l.push(if inv_l == 0.0 { 1e12 } else { 1.0 / inv_l });
                h.push(p.mixing_height_m(300.0 + 150.0 * c as f64 + 100.0 * t as f64));
                u_star.push(p.speed(0.2 + 0.05 * c as f64));
            }
        }
        RawGrid {
            file: PathBuf::from("test.nc"),
            nx: NX,
            ny: NY,
            nz,
            times_s: TIMES_S.to_vec(),
            levels: Levels::Fixed(LEVELS_M.to_vec()),
            map,
            convergence_rad: vec![0.01; n2],
            eastward_wind_m_s: u,
            northward_wind_m_s: v,
            upward_wind_m_s: Some(w),
            air_temperature_k: vec![285.0; nt * n2],
            mixing_height_m: h,
            friction_velocity_m_s: u_star,
            stability: StabilityField::ObukhovLengthM(l),
            precipitation_mm_h: None,
            roughness_length_m: None,
        }
    }

    fn met(p: Option<&MetPerturbation>, vertical: VerticalInterpolation) -> GriddedMet {
        GriddedMet::new(raw(p), vertical, 0.05).unwrap()
    }

    /// Points between nodes, at, between and below levels, and between times.
    fn samples(m: &GriddedMet) -> Vec<[f64; 6]> {
        let mut out = vec![];
        for (x, y) in [(-3000.0, -1500.0), (1234.0, 987.0), (4000.0, 2500.0)] {
            for z in [2.0, 10.0, 35.0, 80.0, 250.0] {
                for t in [0.0, 1800.0, 3600.0] {
                    let s = m.sample(x, y, z, t);
                    let bl = s.boundary_layer;
                    out.push([
                        s.wind_u_m_s,
                        s.wind_v_m_s,
                        s.wind_w_m_s,
                        bl.friction_velocity_m_s,
                        1.0 / bl.obukhov_length_m,
                        bl.mixing_height_m,
                    ]);
                }
            }
        }
        out
    }

    fn member() -> MetPerturbation {
        MetPerturbation {
            wind_from_offset_deg: 35.0,
            wind_speed_factor: 1.4,
            mixing_height_factor: 0.6,
            stability_class_shift: 0,
            inverse_obukhov_offset_per_m: 0.01,
        }
    }

    /// A file whose u* is 0 in a convective cell (a calm analysis) still gives the free-convection
    /// w* = (gHh/ρc_pT)^⅓, and a file's L = 0 (a fill value) is neutral, not extreme stability.
    /// Found by review: w* came out 0 and 1/L = +1000 m⁻¹. (The grid builder is this module's.)
    #[test]
    fn calm_u_star_and_zero_obukhov_length_in_a_file_are_read_sensibly() {
        let mut r = raw(None);
        let n2t = r.friction_velocity_m_s.len();
        r.friction_velocity_m_s = vec![0.0; n2t];
        r.mixing_height_m = vec![1000.0; n2t];
        r.stability = StabilityField::SensibleHeatFluxWM2(vec![200.0; n2t]);
        let m = GriddedMet::new(r, VerticalInterpolation::Linear, 0.05).unwrap();
        let bl = m.sample(0.0, 0.0, 10.0, 0.0).boundary_layer;
        // ρc_p = 101 325·1005/(287.05·285) for the grid’s 285 K air.
        let rho_cp: f64 = 101_325.0 / (287.05 * 285.0) * 1005.0;
        let free = (9.80665 * 200.0 * 1000.0 / (rho_cp * 285.0)).cbrt();
        let w_star = bl.convective_velocity_m_s();
        assert!((w_star / free - 1.0).abs() < 0.02, "{w_star} vs {free}");

        let mut r = raw(None);
        let n2t = r.friction_velocity_m_s.len();
        r.stability = StabilityField::ObukhovLengthM(vec![0.0; n2t]);
        let m = GriddedMet::new(r, VerticalInterpolation::Linear, 0.05).unwrap();
        let l = m
            .sample(0.0, 0.0, 10.0, 0.0)
            .boundary_layer
            .obukhov_length_m;
        assert!(l.abs() > 1e6, "L = {l}");
    }

    #[test]
    fn a_perturbed_grid_equals_the_file_with_every_value_changed_by_hand() {
        let p = member();
        for vertical in [
            VerticalInterpolation::Similarity,
            VerticalInterpolation::Linear,
        ] {
            let mut perturbed = met(None, vertical);
            perturbed.perturb(&p);
            let by_hand = samples(&met(Some(&p), vertical));
            let plain = samples(&met(None, vertical));
            for ((a, b), c) in samples(&perturbed).iter().zip(&by_hand).zip(&plain) {
                for q in 0..6 {
                    assert!(
                        (a[q] - b[q]).abs() <= 1e-9 * (1.0 + b[q].abs()),
                        "{vertical:?} quantity {q}: {a:?} vs by hand {b:?}"
                    );
                }
                assert_ne!(a, c, "{vertical:?}: the member changed nothing");
            }
        }
    }

    #[test]
    fn the_identity_leaves_every_sample_bit_for_bit() {
        let mut m = met(None, VerticalInterpolation::Similarity);
        let before = samples(&m);
        m.perturb(&MetPerturbation::IDENTITY);
        assert_eq!(samples(&m), before);
    }

    #[test]
    fn a_direction_offset_alone_turns_the_wind_and_keeps_its_speed() {
        let p = MetPerturbation {
            wind_from_offset_deg: 90.0,
            ..MetPerturbation::IDENTITY
        };
        let plain = met(None, VerticalInterpolation::Similarity);
        let mut turned = plain.clone();
        turned.perturb(&p);
        for (a, b) in samples(&turned).iter().zip(&samples(&plain)) {
            // Veered by 90°: the wind blowing towards (x, y) now blows towards (y, −x).
            assert!((a[0] - b[1]).abs() < 1e-12 && (a[1] + b[0]).abs() < 1e-12);
            assert_eq!(a[2..], b[2..]);
        }
    }
}
