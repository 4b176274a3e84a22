//! The flow column: mean wind and turbulence tabulated by height for one meteorological time,
//! read by every particle sub-step with one linear interpolation.
//!
//! Evaluating the Hanna (1982) profiles costs several `powf`/`exp` per call; a table of
//! [`COLUMN_LEVELS`] levels from the ground to the mixing height costs a square root, a multiply,
//! a floor and two 48-byte reads, and it is the same data the GPU backend uploads once per met
//! time. The levels are evenly spaced in √z — level k at z_k = top·(k/(N−1))² — so they are
//! millimetres apart at the ground, where the wind is logarithmic and T_Lw ∝ z, and a few metres
//! apart at the top of the layer, where the profiles change on the scale of h. Between levels
//! each quantity is interpolated linearly in √z; ∂σw/∂z is the analytic gradient interpolated
//! the same way, so drift and variance agree to O(Δz²). (Levels evenly spaced in z, 1.2 m
//! apart under a 1270 m lid, interpolated the wind linearly from zero at the ground to its
//! 1.2 m value: a particle released at 0.5 m moved at half the wind it should, and a
//! near-ground plume spread sideways over twice the travel time.)
//! Above the lid one extra record holds the free-troposphere turbulence and the wind at the lid,
//! and [`Column::above_top`] the wind at [`above_lid_top_m`]: between the two the wind is
//! linear in z, and constant beyond, so that particles above the lid (a stack plume over the
//! night boundary layer, the residual layer after the evening transition) keep the met's shear
//! and veer instead of all moving with the wind at the lid.

use bytemuck::{Pod, Zeroable};

pub use super::column_grid::ColumnGrid;
use super::convective;
use crate::met::atmosphere;
use crate::met::boundary_layer::calm_boundary_layers;
use crate::met::turbulence::{self, Turbulence};
use crate::met::{BoundaryLayer, Meteorology};

/// Levels from the ground to the mixing height (inclusive). 1025 levels evenly spaced in √z
/// under an 800 m lid are 0.8 mm apart at the ground, 0.09 m at 1 m, 0.17 m at 5 m and 1.6 m at
/// the lid, so linear interpolation of the Hanna profiles is exact to < 0.1 % above 1 m.
pub const COLUMN_LEVELS: usize = 1025;

/// One tabulated level: three 16-byte words (a `vec4` each in WGSL).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct ColumnLevel {
    /// σu, σv, σw (m/s), ∂σw/∂z (s⁻¹) = (∂σw²/∂z)/(2σw).
    pub sigma: [f32; 4],
    /// 1/T_Lu, 1/T_Lv, 1/T_Lw (s⁻¹), T_Lw (s).
    pub inv_time_scale: [f32; 4],
    /// Mean wind u, v, w (m/s), and ∂lnρ/∂z (m⁻¹) of the air density, which adds the drift
    /// σw·∂lnρ/∂z to ŵ (Stohl & Thomson 1999; zero for air of constant density,
    /// [`Column::with_air_density`]).
    pub wind: [f32; 4],
}

const _: () = assert!(std::mem::size_of::<ColumnLevel>() == 48);
const _: () = assert!(COLUMN_LEVELS >= 2);

impl ColumnLevel {
    /// Packs turbulence and wind into a level of air of constant density.
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
    /// Levels at heights z_k = (k / `index_per_sqrt_m`)², k = 0..len; always at least two
    /// (the table reads rely on it), so private: [`Column::levels`] and [`Column::levels_mut`]
    /// give them as slices.
    levels: Vec<ColumnLevel>,
    /// Fractional level index per √m: the level index of height z is √z · this,
    /// (N − 1)/√top for N levels up to `top`.
    pub index_per_sqrt_m: f32,
    /// Mixing height (m): particles reflect here; `f32::INFINITY` for no lid.
    pub lid_m: f32,
    /// Used above the lid (its wind is the wind at the lid).
    pub above_lid: ColumnLevel,
    /// The wind u, v, w (m/s) at the height in the fourth word (m), above the lid: the wind
    /// above the lid is linear in z from `above_lid`'s to this, and this one beyond.
    pub above_top: [f32; 4],
    /// Precipitation rate (mm/h), the same over the column.
    pub precipitation_mm_h: f32,
    /// Scale of the third moment of the vertical velocity, w*³ times the convective transition
    /// (m³ s⁻³, [`convective::third_moment_scale_m3_s3`]): inside the lid of a convective
    /// column the vertical velocity follows the skewed PDF of [`convective`]; 0 keeps it
    /// Gaussian.
    pub convective_w3_m3_s3: f32,
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
        // Until a wind above the lid is given (`Column::from_boundary_layer_scaled`), the
        // lid's holds above it.
        let top_wind = [above.wind[0], above.wind[1], above.wind[2], lid_m as f32];
        let top = if lid_m.is_finite() { lid_m } else { span_m };
        let last = (COLUMN_LEVELS - 1) as f64;
        let levels = (0..COLUMN_LEVELS)
            .map(|k| {
                let (t, w) = profile(top * (k as f64 / last).powi(2));
                ColumnLevel::new(&t, w)
            })
            .collect();
        Column {
            levels,
            index_per_sqrt_m: (last / top.sqrt()) as f32,
            lid_m: lid_m as f32,
            above_lid: above,
            above_top: top_wind,
            precipitation_mm_h: precipitation_mm_h as f32,
            convective_w3_m3_s3: 0.0,
        }
    }

    /// Homogeneous turbulence and a uniform wind everywhere, with an optional lid: the
    /// analytic test cases (Taylor 1921, the Gaussian limit).
    pub fn homogeneous(t: Turbulence, wind_m_s: [f64; 3], lid_m: Option<f64>) -> Self {
        let level = ColumnLevel::new(&t, wind_m_s);
        let lid_m = lid_m.map_or(f32::INFINITY, |h| h as f32);
        Column {
            levels: vec![level; 2],
            index_per_sqrt_m: 1.0,
            lid_m,
            above_lid: level,
            above_top: [level.wind[0], level.wind[1], level.wind[2], lid_m],
            precipitation_mm_h: 0.0,
            convective_w3_m3_s3: 0.0,
        }
    }

    /// Hanna (1982) turbulence of a boundary layer with the given wind profile, skewed in a
    /// convective layer ([`convective`]).
    pub fn from_boundary_layer(
        bl: &BoundaryLayer,
        precipitation_mm_h: f64,
        wind: impl Fn(f64) -> [f64; 3],
    ) -> Self {
        Column::from_boundary_layer_scaled(bl, precipitation_mm_h, 1.0, wind)
    }

    /// As [`Column::from_boundary_layer`], with σv in the boundary layer multiplied by
    /// `sigma_v_scale` (measured lateral turbulence, [`Meteorology::sigma_v_scale`]).
    pub fn from_boundary_layer_scaled(
        bl: &BoundaryLayer,
        precipitation_mm_h: f64,
        sigma_v_scale: f64,
        wind: impl Fn(f64) -> [f64; 3],
    ) -> Self {
        Column::from_turbulence(bl, precipitation_mm_h, wind, |z| {
            let mut t = turbulence::hanna(bl, z);
            t.sigma_v_m_s *= sigma_v_scale;
            t
        })
    }

    /// The column of boundary layer `bl` (its depth, convective skewness and above-lid air)
    /// with the turbulence `turbulence(z)` inside it.
    fn from_turbulence(
        bl: &BoundaryLayer,
        precipitation_mm_h: f64,
        wind: impl Fn(f64) -> [f64; 3],
        turbulence: impl Fn(f64) -> Turbulence,
    ) -> Self {
        let h = bl.mixing_height_m;
        let above_wind = wind(h);
        let z_top = above_lid_top_m(h);
        let top_wind = wind(z_top);
        let mut column = Column::tabulate(
            h,
            h,
            precipitation_mm_h,
            |z| (turbulence(z), wind(z)),
            ColumnLevel::new(&turbulence::free_troposphere(), above_wind),
        );
        column.convective_w3_m3_s3 = convective::third_moment_scale_m3_s3(bl) as f32;
        column.above_top = [
            top_wind[0] as f32,
            top_wind[1] as f32,
            top_wind[2] as f32,
            z_top as f32,
        ];
        column
    }

    /// The column of `met` above (x, y) at time t: its boundary layer, precipitation and wind
    /// profile, with Hanna (1982) turbulence (σv scaled to any measured σθ). In calm air the
    /// turbulence is never below that of a 0.5 m/s wind at 10 m
    /// ([`calm_boundary_layers`], the puff model's and CALPUFF's calm treatment): u* falls with
    /// the wind, and particles released at 10 m in a 0.001 m/s wind stayed within a metre of
    /// their height for an hour, their mass airborne and on no output layer.
    ///
    /// A measured σθ scales the σv of the weather's own boundary layer (the one it was measured
    /// in), and the calm layer's σv bounds it from below: in light winds the floored layer's
    /// σv times the ratio would overstate the measurement (×2 at 0.2 m/s and 20°), and a calm
    /// record (σθ·0) would leave no lateral turbulence at all (found by review).
    pub fn from_met(met: &dyn Meteorology, x_m: f64, y_m: f64, t_s: f64) -> Self {
        let s0 = met.sample(x_m, y_m, 0.0, t_s);
        let scale = met.sigma_v_scale(x_m, y_m, t_s);
        let measured = &s0.boundary_layer;
        let (floored, calm) = calm_boundary_layers(measured, CALM_REFERENCE_HEIGHT_M);
        let wind = |z| {
            let s = met.sample(x_m, y_m, z, t_s);
            [s.wind_u_m_s, s.wind_v_m_s, s.wind_w_m_s]
        };
        let column = if scale == 1.0 {
            Column::from_boundary_layer(&floored, s0.precipitation_mm_h, wind)
        } else {
            Column::from_turbulence(&floored, s0.precipitation_mm_h, wind, |z| {
                let mut t = turbulence::hanna(&floored, z);
                t.sigma_v_m_s = (scale * turbulence::hanna(measured, z).sigma_v_m_s)
                    .max(turbulence::hanna(&calm, z).sigma_v_m_s);
                t
            })
        };
        column.with_air_density(|z| atmosphere::density_log_gradient_per_m(s0.air_temperature_k, z))
    }

    /// The column with the air density falling with height at ∂lnρ/∂z = `log_gradient(z)`
    /// (m⁻¹) — at each level's height, and at the lid above it — so that the particles mix
    /// in proportion to ρ rather than uniformly (Stohl & Thomson 1999). The columns built from
    /// the met ([`Column::from_met`]) have it; the analytic cases keep air of constant
    /// density.
    pub fn with_air_density(mut self, log_gradient: impl Fn(f64) -> f64) -> Self {
        let per_sqrt_m = f64::from(self.index_per_sqrt_m);
        for (k, level) in self.levels.iter_mut().enumerate() {
            level.wind[3] = log_gradient((k as f64 / per_sqrt_m).powi(2)) as f32;
        }
        let lid = f64::from(self.lid_m);
        let last = (self.levels.len() - 1) as f64;
        let top = if lid.is_finite() {
            lid
        } else {
            (last / per_sqrt_m).powi(2)
        };
        self.above_lid.wind[3] = log_gradient(top) as f32;
        self
    }

    /// The tabulated levels, from the ground up.
    pub fn levels(&self) -> &[ColumnLevel] {
        &self.levels
    }

    /// The tabulated levels, to be edited in place (their number is fixed).
    pub fn levels_mut(&mut self) -> &mut [ColumnLevel] {
        &mut self.levels
    }

    /// Returns the levels around `z_m` and the interpolation weight of the upper one.
    #[inline(always)]
    fn bracket(&self, z_m: f32) -> (&ColumnLevel, &ColumnLevel, f32) {
        let last = self.levels.len() - 1;
        // `max` before `min` maps NaN to 0 as well.
        let f = (z_m.max(0.0).sqrt() * self.index_per_sqrt_m).min(last as f32);
        // SAFETY: f ∈ [0, last] is finite and non-negative, so it converts exactly; the
        // unchecked conversion skips the saturation checks of `as` in the hot loop.
        let k: u32 = unsafe { f.to_int_unchecked() };
        let k = (k as usize).min(last - 1);
        // SAFETY: a column has at least two levels (`tabulate`, `homogeneous`; the field is
        // private and `levels_mut` cannot change their number), so
        // k ≤ last − 1 and k + 1 ≤ last are in bounds; skipping the checks keeps the lanes'
        // table reads free of branches.
        let (a, b) = unsafe {
            (
                self.levels.get_unchecked(k),
                self.levels.get_unchecked(k + 1),
            )
        };
        (a, b, f - k as f32)
    }

    /// Returns the interpolated level at height `z_m` (above the lid, the lid record with the
    /// wind of [`Column::above_wind`]).
    #[inline(always)]
    pub fn at(&self, z_m: f32) -> ColumnLevel {
        // Both sides are computed and one selected, so the lanes' reads carry no branch.
        let (a, b, w) = self.bracket(z_m);
        let inside = ColumnLevel::lerp(a, b, w);
        let above = ColumnLevel {
            wind: self.above_wind(z_m),
            ..self.above_lid
        };
        if z_m > self.lid_m {
            above
        } else {
            inside
        }
    }

    /// The wind above the lid at `z_m`: linear from the lid's to [`Column::above_top`]'s, that
    /// one beyond, with the above-lid record's ∂lnρ/∂z in the fourth word (twin: `above_wind`
    /// in `langevin.wgsl`).
    #[inline(always)]
    pub fn above_wind(&self, z_m: f32) -> [f32; 4] {
        let (a, top) = (self.above_lid.wind, self.above_top);
        let span = top[3] - self.lid_m;
        let t = if span > 0.0 {
            ((z_m - self.lid_m) / span).clamp(0.0, 1.0)
        } else {
            0.0
        };
        [
            a[0] + t * (top[0] - a[0]),
            a[1] + t * (top[1] - a[1]),
            a[2] + t * (top[2] - a[2]),
            a[3],
        ]
    }

    /// ŵ = w/σw of a particle released at `z_m` with the normals `xi`: `xi[2]` under Gaussian
    /// turbulence, inside a convective layer a draw from the skewed PDF ([`convective`]) with
    /// `xi[2]` and `xi[3]`.
    pub fn initial_wn(&self, z_m: f32, xi: [f32; 4]) -> f32 {
        if self.convective_w3_m3_s3 > 0.0 && z_m < self.lid_m {
            let sw = self.at(z_m).sigma[2];
            let (m3, _) = convective::third_moment(z_m, self.lid_m, self.convective_w3_m3_s3);
            convective::initial(sw, m3, xi[2], xi[3])
        } else {
            xi[2]
        }
    }

    /// Returns T_Lw (s), σw (m/s) and the mean vertical wind W (m/s) at `z_m`, interpolated as
    /// [`Column::at`] does (the same values, three instead of twelve).
    #[inline(always)]
    pub fn vertical_at(&self, z_m: f32) -> [f32; 3] {
        let (a, b, w) = self.bracket(z_m);
        let mix = |x: f32, y: f32| x + w * (y - x);
        let inside = [
            mix(a.inv_time_scale[3], b.inv_time_scale[3]),
            mix(a.sigma[2], b.sigma[2]),
            mix(a.wind[2], b.wind[2]),
        ];
        let above = &self.above_lid;
        if z_m > self.lid_m {
            [
                above.inv_time_scale[3],
                above.sigma[2],
                self.above_wind(z_m)[2],
            ]
        } else {
            inside
        }
    }
}

/// The height (m) of the second wind above a lid at `lid_m`: 3 km (the top of the layer a
/// release reaches within a day), or 1 km above a lid higher than 2 km.
pub fn above_lid_top_m(lid_m: f64) -> f64 {
    (lid_m + 1000.0).max(3000.0)
}

pub use crate::met::boundary_layer::CALM_REFERENCE_HEIGHT_M;

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
            // T_Lw ∝ z near the ground is resolved by the √z spacing (0.25 m at 5 m here).
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

    #[test]
    fn above_the_lid_the_wind_keeps_the_mets_shear_and_veer() {
        // A wind turning from west to south-west and strengthening with height, over a 200 m
        // night layer: above the lid the column's wind runs linearly from the wind at 200 m to
        // the wind at 3 km (above_lid_top_m), and stays there beyond, with free-troposphere
        // turbulence throughout.
        let bl = BoundaryLayer {
            friction_velocity_m_s: 0.2,
            obukhov_length_m: 60.0,
            mixing_height_m: 200.0,
            roughness_length_m: 0.1,
            stability: StabilityClass::E,
        };
        let wind = |z: f64| [3.0 + z / 500.0, z / 1000.0, 0.0];
        let col = Column::from_boundary_layer(&bl, 0.0, wind);
        assert_eq!(above_lid_top_m(200.0), 3000.0);
        for z in [250.0f64, 1000.0, 2999.0, 4000.0] {
            let t = ((z - 200.0) / 2800.0).min(1.0);
            let (lo, hi) = (wind(200.0), wind(3000.0));
            let want = [lo[0] + t * (hi[0] - lo[0]), lo[1] + t * (hi[1] - lo[1])];
            let got = col.at(z as f32);
            assert!((f64::from(got.wind[0]) - want[0]).abs() < 1e-5, "z {z}");
            assert!((f64::from(got.wind[1]) - want[1]).abs() < 1e-5, "z {z}");
            assert_eq!(got.sigma, col.above_lid.sigma);
            assert_eq!(got.inv_time_scale, col.above_lid.inv_time_scale);
        }
    }

    #[test]
    fn near_ground_wind_follows_the_logarithmic_profile() {
        // A 0.46 m release under a 1270 m lid (Prairie Grass): the tabulated wind must be the
        // log-law wind at the particle's height, not a straight line from zero at the ground.
        let bl = BoundaryLayer {
            friction_velocity_m_s: 0.4,
            obukhov_length_m: f64::INFINITY,
            mixing_height_m: 1270.0,
            roughness_length_m: 0.006,
            stability: StabilityClass::D,
        };
        let log_law = |z: f64| 0.4 / 0.4 * (z / 0.006).ln();
        let col = Column::from_boundary_layer(&bl, 0.0, |z| [log_law(z.max(0.006)), 0.0, 0.0]);
        for z in [0.05, 0.2, 0.46, 1.0, 1.5, 3.0] {
            let got = f64::from(col.at(z as f32).wind[0]);
            assert!(
                (got / log_law(z) - 1.0).abs() < 5e-3,
                "z {z}: {got} vs {}",
                log_law(z)
            );
        }
    }

    #[test]
    fn columns_from_the_met_carry_the_air_density_gradient() {
        let bl = BoundaryLayer {
            friction_velocity_m_s: 0.3,
            obukhov_length_m: -50.0,
            mixing_height_m: 1500.0,
            roughness_length_m: 0.1,
            stability: StabilityClass::B,
        };
        let met = crate::met::UniformMet {
            wind_speed_m_s: 4.0,
            reference_height_m: 10.0,
            wind_from_deg: 270.0,
            boundary_layer: bl,
            precipitation_mm_h: 0.0,
            air_temperature_k: 263.15,
            sigma_theta_deg: None,
        };
        let col = Column::from_met(&met, 0.0, 0.0, 0.0);
        for z in [0.0f32, 10.0, 700.0, 1499.0, 2500.0] {
            let want = atmosphere::density_log_gradient_per_m(263.15, f64::from(z).min(1500.0));
            let got = f64::from(col.at(z).wind[3]);
            assert!((got / want - 1.0).abs() < 1e-5, "z {z}: {got} vs {want}");
        }
        // The analytic columns keep air of constant density.
        let plain = Column::from_boundary_layer(&bl, 0.0, |_| [4.0, 0.0, 0.0]);
        assert_eq!(plain.at(700.0).wind[3], 0.0);
    }

    #[test]
    fn calm_air_keeps_the_turbulence_of_the_calm_threshold_wind() {
        // Found by review: a 0.001 m/s wind gave u* at its 1e-4 floor, and particles released at
        // 10 m never reached the ground in an hour.
        let met = |wind_m_s: f64| crate::met::UniformMet {
            wind_speed_m_s: wind_m_s,
            reference_height_m: 10.0,
            wind_from_deg: 270.0,
            boundary_layer: BoundaryLayer {
                friction_velocity_m_s: crate::met::boundary_layer::friction_velocity_from_wind(
                    wind_m_s,
                    10.0,
                    0.1,
                    f64::INFINITY,
                ),
                obukhov_length_m: f64::INFINITY,
                mixing_height_m: 800.0,
                roughness_length_m: 0.1,
                stability: StabilityClass::D,
            },
            precipitation_mm_h: 0.0,
            air_temperature_k: 288.15,
            sigma_theta_deg: None,
        };
        let sigma_w = |wind_m_s: f64| {
            Column::from_met(&met(wind_m_s), 0.0, 0.0, 0.0)
                .at(10.0)
                .sigma[2]
        };
        let threshold = sigma_w(0.5);
        assert!(threshold > 0.05, "{threshold}");
        assert_eq!(sigma_w(0.001), threshold);
        assert_eq!(sigma_w(0.2), threshold);
        // A wind above the threshold keeps its own, larger turbulence.
        assert!(sigma_w(3.0) > 5.0 * threshold);
    }
}
