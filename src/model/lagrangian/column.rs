//! The flow column: mean wind and turbulence tabulated by height for one meteorological time,
//! read by every particle sub-step with one linear interpolation.
//!
//! Evaluating the Hanna (1982) profiles costs several `powf`/`exp` per call; a table of
//! [`COLUMN_LEVELS`] evenly spaced levels from the ground to the mixing height costs one
//! multiply, a floor and two 48-byte reads, and it is the same data the GPU backend uploads
//! once per met time. Between levels each quantity is interpolated linearly; ∂σw/∂z is the
//! analytic gradient interpolated the same way, so drift and variance agree to O(Δz²).
//! Above the lid one extra record holds the free-troposphere values.

use bytemuck::{Pod, Zeroable};

use crate::met::turbulence::{self, Turbulence};
use crate::met::{BoundaryLayer, Meteorology};

/// Levels from the ground to the mixing height (inclusive). 1025 levels put one every 0.8 m in
/// an 800 m layer, so linear interpolation of the Hanna profiles is exact to < 0.1 % above 5 m.
pub const COLUMN_LEVELS: usize = 1025;

/// One tabulated level: three 16-byte words (a `vec4` each in WGSL).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct ColumnLevel {
    /// σu, σv, σw (m/s), ∂σw/∂z (s⁻¹) = (∂σw²/∂z)/(2σw).
    pub sigma: [f32; 4],
    /// 1/T_Lu, 1/T_Lv, 1/T_Lw (s⁻¹), T_Lw (s).
    pub inv_time_scale: [f32; 4],
    /// Mean wind u, v, w (m/s); the fourth word is zero.
    pub wind: [f32; 4],
}

const _: () = assert!(std::mem::size_of::<ColumnLevel>() == 48);

impl ColumnLevel {
    /// Packs turbulence and wind into a level.
    pub fn new(t: &Turbulence, wind_m_s: [f64; 3]) -> Self {
        ColumnLevel {
            sigma: [
                t.sigma_u_m_s as f32,
                t.sigma_v_m_s as f32,
                t.sigma_w_m_s as f32,
                (t.dsigma_w2_dz_m_s2 / (2.0 * t.sigma_w_m_s)) as f32,
            ],
            inv_time_scale: [
                (1.0 / t.time_scale_u_s) as f32,
                (1.0 / t.time_scale_v_s) as f32,
                (1.0 / t.time_scale_w_s) as f32,
                t.time_scale_w_s as f32,
            ],
            wind: [
                wind_m_s[0] as f32,
                wind_m_s[1] as f32,
                wind_m_s[2] as f32,
                0.0,
            ],
        }
    }

    #[inline(always)]
    fn lerp(a: &Self, b: &Self, w: f32) -> Self {
        let mix = |x: [f32; 4], y: [f32; 4]| std::array::from_fn(|i| x[i] + w * (y[i] - x[i]));
        ColumnLevel {
            sigma: mix(a.sigma, b.sigma),
            inv_time_scale: mix(a.inv_time_scale, b.inv_time_scale),
            wind: mix(a.wind, b.wind),
        }
    }
}

/// Wind and turbulence by height, plus the lid and the precipitation of one met time.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Levels at heights `k · dz_m`, k = 0..len.
    pub levels: Vec<ColumnLevel>,
    /// Spacing of the levels (m).
    pub dz_m: f32,
    /// Mixing height (m): particles reflect here; `f32::INFINITY` for no lid.
    pub lid_m: f32,
    /// Used above the lid.
    pub above_lid: ColumnLevel,
    /// Precipitation rate (mm/h), the same over the column.
    pub precipitation_mm_h: f32,
}

impl Column {
    /// Tabulates `profile(z)` (turbulence and wind at height z) from 0 to `lid_m`, with
    /// `above(…)` above it. With no lid (`lid_m` infinite) the table spans `span_m`.
    pub fn tabulate(
        lid_m: f64,
        span_m: f64,
        precipitation_mm_h: f64,
        profile: impl Fn(f64) -> (Turbulence, [f64; 3]),
        above: ColumnLevel,
    ) -> Self {
        let top = if lid_m.is_finite() { lid_m } else { span_m };
        let dz = top / (COLUMN_LEVELS - 1) as f64;
        let levels = (0..COLUMN_LEVELS)
            .map(|k| {
                let (t, w) = profile(k as f64 * dz);
                ColumnLevel::new(&t, w)
            })
            .collect();
        Column {
            levels,
            dz_m: dz as f32,
            lid_m: lid_m as f32,
            above_lid: above,
            precipitation_mm_h: precipitation_mm_h as f32,
        }
    }

    /// Homogeneous turbulence and a uniform wind everywhere, with an optional lid: the
    /// analytic test cases (Taylor 1921, the Gaussian limit).
    pub fn homogeneous(t: Turbulence, wind_m_s: [f64; 3], lid_m: Option<f64>) -> Self {
        let level = ColumnLevel::new(&t, wind_m_s);
        Column {
            levels: vec![level; 2],
            dz_m: 1.0,
            lid_m: lid_m.map_or(f32::INFINITY, |h| h as f32),
            above_lid: level,
            precipitation_mm_h: 0.0,
        }
    }

    /// Hanna (1982) turbulence of a boundary layer with the given wind profile.
    pub fn from_boundary_layer(
        bl: &BoundaryLayer,
        precipitation_mm_h: f64,
        wind: impl Fn(f64) -> [f64; 3],
    ) -> Self {
        let h = bl.mixing_height_m;
        let above_wind = wind(h);
        Column::tabulate(
            h,
            h,
            precipitation_mm_h,
            |z| (turbulence::hanna(bl, z), wind(z)),
            ColumnLevel::new(&turbulence::free_troposphere(), above_wind),
        )
    }

    /// The column of `met` above (x, y) at time t: its boundary layer, precipitation and wind
    /// profile, with Hanna (1982) turbulence.
    pub fn from_met(met: &dyn Meteorology, x_m: f64, y_m: f64, t_s: f64) -> Self {
        let s0 = met.sample(x_m, y_m, 0.0, t_s);
        Column::from_boundary_layer(&s0.boundary_layer, s0.precipitation_mm_h, |z| {
            let s = met.sample(x_m, y_m, z, t_s);
            [s.wind_u_m_s, s.wind_v_m_s, s.wind_w_m_s]
        })
    }

    /// Returns the levels around `z_m` and the interpolation weight of the upper one.
    #[inline(always)]
    fn bracket(&self, z_m: f32) -> (&ColumnLevel, &ColumnLevel, f32) {
        let last = self.levels.len() - 1;
        // `max` before `min` maps NaN to 0 as well.
        let f = (z_m / self.dz_m).max(0.0).min(last as f32);
        // SAFETY: f ∈ [0, last] is finite and non-negative, so it converts exactly; the
        // unchecked conversion skips the saturation checks of `as` in the hot loop.
        let k: u32 = unsafe { f.to_int_unchecked() };
        let k = (k as usize).min(last - 1);
        (&self.levels[k], &self.levels[k + 1], f - k as f32)
    }

    /// Returns the interpolated level at height `z_m` (the lid record above the lid).
    #[inline(always)]
    pub fn at(&self, z_m: f32) -> ColumnLevel {
        if z_m > self.lid_m {
            return self.above_lid;
        }
        let (a, b, w) = self.bracket(z_m);
        ColumnLevel::lerp(a, b, w)
    }

    /// Returns T_Lw (s), σw (m/s) and the mean vertical wind W (m/s) at `z_m`, interpolated as
    /// [`Column::at`] does (the same values, three instead of twelve).
    #[inline(always)]
    pub fn vertical_at(&self, z_m: f32) -> [f32; 3] {
        let (a, b, w) = if z_m > self.lid_m {
            (&self.above_lid, &self.above_lid, 0.0)
        } else {
            self.bracket(z_m)
        };
        let mix = |x: f32, y: f32| x + w * (y - x);
        [
            mix(a.inv_time_scale[3], b.inv_time_scale[3]),
            mix(a.sigma[2], b.sigma[2]),
            mix(a.wind[2], b.wind[2]),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::met::StabilityClass;

    #[test]
    fn interpolated_column_reproduces_the_hanna_profile() {
        let bl = BoundaryLayer {
            friction_velocity_m_s: 0.35,
            obukhov_length_m: -30.0,
            mixing_height_m: 1200.0,
            roughness_length_m: 0.1,
            stability: StabilityClass::B,
        };
        let col = Column::from_boundary_layer(&bl, 0.0, |_| [3.0, -1.0, 0.0]);
        for z in [5.3, 47.0, 333.3, 800.1, 1190.0] {
            let exact = turbulence::hanna(&bl, z);
            let got = col.at(z as f32);
            let rel = |a: f32, b: f64| (f64::from(a) - b).abs() / b.abs();
            assert!(rel(got.sigma[2], exact.sigma_w_m_s) < 1e-3, "z {z}");
            assert!(
                rel(got.inv_time_scale[3], exact.time_scale_w_s) < 1e-3,
                "z {z}"
            );
            let dsw_dz = exact.dsigma_w2_dz_m_s2 / (2.0 * exact.sigma_w_m_s);
            assert!(rel(got.sigma[3], dsw_dz) < 1e-2, "z {z}");
            assert_eq!(got.wind[0], 3.0);
        }
        assert_eq!(col.at(1300.0), col.above_lid);
    }
}
