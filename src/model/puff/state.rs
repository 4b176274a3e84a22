//! One puff: where it is, how wide, what it carries; how it grows and how it splits.
//!
//! Growth follows the same σy(x), σz(x) curves as the Gaussian plume, indexed by the puff's
//! travel distance. When the stability class changes along the way, the puff continues from a
//! *virtual distance* at which the new class's curve gives its present width (the virtual-source
//! method of CALPUFF: Scire, Strimaitis & Yamartino 2000, *A User's Guide for the CALPUFF
//! Dispersion Model*, Earth Tech, §2.1.2), so a puff never shrinks when the air stabilises.
//!
//! Splitting replaces one puff by daughters that keep its mass and its first and second moments
//! exactly (RIMPUFF's puff splitting: Mikkelsen, Larsen & Thykier-Nielsen 1984, Atmos. Environ.
//! 18:1829, doi:10.1016/0004-6981(84)90364-5; CALPUFF §2.1.6):
//! - horizontally, when σy outgrows the scale over which the wind varies, into five puffs of
//!   width σ/2 — weight ½ at the centre and ⅛ at ±√3·σ along and across the wind
//!   (per axis: σ²/4 + 2·⅛·3σ² = σ²);
//! - vertically, when the crosswind shear across ±σz has displaced the puff's top from its
//!   bottom by more than its width, into three puffs of depth σz/2 — weight ½ at the centre and ¼ at
//!   ±√(3/2)·σz (σz²/4 + 2·¼·(3/2)σz² = σz²); a daughter centre beyond the ground, or beyond
//!   the lid of a puff below it, is reflected back, as the profile's images are.

use crate::met::boundary_layer::CALM_WIND_M_S;
use crate::met::StabilityClass;
use crate::model::gaussian::Sigmas;
use crate::scenario::{SigmaScheme, Terrain};
use crate::source::plume_rise::RiseInputs;

/// A Gaussian puff.
#[derive(Debug, Clone, PartialEq)]
pub struct Puff {
    /// Centre (m, local frame).
    pub x_m: f64,
    pub y_m: f64,
    /// Height of the centre above ground, before plume rise (m); the centre with rise is
    /// [`Puff::effective_height_m`] (a daughter split below a risen centre may have `z_m` < 0).
    pub z_m: f64,
    pub sigma_y_m: f64,
    pub sigma_z_m: f64,
    /// Distance travelled since release (m): drives plume rise.
    pub travel_m: f64,
    /// Plume-rise inputs fixed at release, for stacks with exit conditions.
    pub rise: Option<RiseInputs>,
    /// Virtual distances (m) on the current class's σy and σz curves.
    pub virtual_y_m: f64,
    pub virtual_z_m: f64,
    /// The class the virtual distances refer to.
    pub class: StabilityClass,
    /// Mass (or activity) of each species, in the species' unit.
    pub mass: Vec<f64>,
    /// The puff's own clock (s since the scenario start).
    pub t_s: f64,
    /// Index of the source it came from (for plume rise).
    pub source: usize,
    /// Shear displacement accumulated since release or the last vertical split (m).
    pub shear_m: f64,
    /// Time since release (s), for growth by turbulence and dense clouds.
    pub age_s: f64,
    /// The workbook phase of a dense cloud ([`super::dense`]); `None` once passive.
    pub dense: Option<super::dense::DensePhase>,
    /// Reported at ground level in every layer: a puff that was a dense cloud or plume (the
    /// workbook's concentrations are at the ground, and the steady dense plume is reported so
    /// beyond its hand-over too), and its daughters.
    pub ground_level: bool,
    /// σy² (m²) at the hand-over of a slice of a dense plume, which has no along-wind spread:
    /// its σ along the path is √(σy² − this) from then on (0 for every other puff).
    pub along_deficit_m2: f64,
    /// Settling velocity of the source's particles (m/s; 0 for a gas).
    pub settling_velocity_m_s: f64,
    /// How far (m) the centre has settled since release or its last split: v_s times the time
    /// moved ([`Puff::effective_height_m`]).
    pub settled_m: f64,
}

/// σ (m) along the path of a puff of width `sigma_y_m` across it, in the `dense` phase with
/// [`Puff::along_deficit_m2`] `deficit_m2`: a slice of a dense plume has none of its own
/// ([`super::dense`]), a passive puff that was one only what it has grown since, every other
/// puff σy.
pub fn sigma_along_m(
    dense: Option<super::dense::DensePhase>,
    deficit_m2: f64,
    sigma_y_m: f64,
) -> f64 {
    if matches!(dense, Some(super::dense::DensePhase::Plume { .. })) {
        return MIN_SIGMA_M.min(sigma_y_m);
    }
    if deficit_m2 > 0.0 {
        return (sigma_y_m * sigma_y_m - deficit_m2)
            .max(MIN_SIGMA_M * MIN_SIGMA_M)
            .sqrt()
            .min(sigma_y_m);
    }
    sigma_y_m
}

/// The distance (m) along the σ curves that a puff grows over in `tau_s` when the wind carries
/// it `travel_m`: the travel, but never less than [`CALM_WIND_M_S`]·τ.
///
/// The σ curves index growth by travel distance, x = u·t, so in calm air (u → 0) a puff that
/// does not travel would not grow at all and stay a 0.1 m point that no receptor sees, its mass
/// airborne but on no grid. Turbulence does not vanish with the mean wind — calm nights keep
/// meandering, lateral motions that a u*-scaled profile (Hanna 1982) misses — and puff models
/// grow calm puffs with time. CALPUFF treats winds below WSCALM = 0.5 m/s as calm and grows
/// its puffs there with time from minimum turbulence velocities (SVMIN = 0.5 m/s, SWMIN =
/// 0.016–0.2 m/s by class): Scire, Strimaitis & Yamartino (2000), *A User's Guide for the
/// CALPUFF Dispersion Model (Version 5)*, Earth Tech, Input Group 12. Here a puff keeps
/// moving with the wind it has, however slow, but grows along its class's σ curves as if it
/// travelled at least at that threshold, σ(x) with dx/dt ≥ 0.5 m/s — the same floor the steady
/// plume puts on its wind speed ([`CALM_WIND_M_S`]). The result is continuous in the wind
/// speed (the maximum of two continuous functions), equals the calm one as u → 0, and is
/// unchanged in winds at or above the threshold. Mass is untouched: only the width changes.
pub fn calm_growth_distance_m(travel_m: f64, tau_s: f64) -> f64 {
    travel_m.max(CALM_WIND_M_S * tau_s)
}

/// Smallest σ a puff starts with (m), the σ at 1 m downwind being smaller still.
pub const MIN_SIGMA_M: f64 = 0.1;

/// How puffs grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrowthMode {
    /// Along the σ curves by travel distance (virtual distances across class changes).
    #[default]
    Distance,
    /// By the boundary layer's turbulence and the puff's age ([`Puff::grow_turbulent`]).
    Turbulence,
}

/// The σ curves of one scheme for every class, and how puffs grow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Growth {
    pub scheme: SigmaScheme,
    pub terrain: Terrain,
    pub mode: GrowthMode,
}

impl Growth {
    fn sigmas(&self, class: StabilityClass) -> Sigmas {
        Sigmas::new(self.scheme, class, self.terrain)
    }

    /// (σy, σz) at distance `x_m` on the curves of `class`.
    pub fn at(&self, class: StabilityClass, x_m: f64) -> (f64, f64) {
        let (a, b) = self.sigmas(class).at(x_m);
        (a.max(MIN_SIGMA_M), b.max(MIN_SIGMA_M))
    }

    /// The distance at which `class`'s curve (y if `horizontal`, else z) reaches `sigma_m`:
    /// bisection in log distance on the monotone curve, to 1e-9 relative.
    pub fn virtual_distance_m(&self, class: StabilityClass, sigma_m: f64, horizontal: bool) -> f64 {
        let s = self.sigmas(class);
        let f = |x: f64| {
            let (a, b) = s.at(x);
            if horizontal {
                a
            } else {
                b
            }
        };
        // log10 of 1 m and 1000 km: the fits are monotone there (the ISC3 σy formula turns over
        // only at absurd distances, its angle going negative beyond ~10⁴ km for class A).
        let (mut lo, mut hi) = (0.0f64, 6.0f64);
        if f(1.0) >= sigma_m {
            return sigma_m / f(1.0);
        }
        if f(1e6) <= sigma_m {
            return 1e6;
        }
        for _ in 0..80 {
            let mid = 0.5 * (lo + hi);
            if f(10f64.powf(mid)) < sigma_m {
                lo = mid;
            } else {
                hi = mid;
            }
            if hi - lo < 1e-10 {
                break;
            }
        }
        10f64.powf(0.5 * (lo + hi))
    }
}

impl Puff {
    /// Grows the puff over `ds_m` of travel in `class`: re-anchors the virtual distances when
    /// the class changed, then steps along the curves. Returns the (σy, σz) at the middle of the
    /// step, for sampling.
    pub fn grow(&mut self, growth: &Growth, class: StabilityClass, ds_m: f64) -> (f64, f64) {
        if class != self.class {
            self.virtual_y_m = growth.virtual_distance_m(class, self.sigma_y_m, true);
            self.virtual_z_m = growth.virtual_distance_m(class, self.sigma_z_m, false);
            self.class = class;
        }
        let (sy_mid, _) = growth.at(class, self.virtual_y_m + 0.5 * ds_m);
        let (_, sz_mid) = growth.at(class, self.virtual_z_m + 0.5 * ds_m);
        self.virtual_y_m += ds_m;
        self.virtual_z_m += ds_m;
        self.travel_m += ds_m;
        let (sy, _) = growth.at(class, self.virtual_y_m);
        let (_, sz) = growth.at(class, self.virtual_z_m);
        // A puff never shrinks (the curves are monotone; this guards the ISC3 cap).
        self.sigma_y_m = sy.max(self.sigma_y_m);
        self.sigma_z_m = sz.max(self.sigma_z_m);
        (sy_mid.max(MIN_SIGMA_M), sz_mid.max(MIN_SIGMA_M))
    }

    /// Grows the puff by turbulence over `dt_s`: Taylor's (1921) single-particle dispersion
    /// with the Hanna (1982) σv, σw and Lagrangian time scales at the puff's height,
    /// σ²(τ + Δt) − σ²(τ) = 2σ²ᵥT_L·[Δt − T_L·(e^(−τ/T_L) − e^(−(τ+Δt)/T_L))], exact for steady
    /// turbulence and used step by step when it changes. Returns (σy, σz) at mid-step.
    pub fn grow_turbulent(
        &mut self,
        turbulence: &crate::met::turbulence::Turbulence,
        dt_s: f64,
        ds_m: f64,
    ) -> (f64, f64) {
        let increment = |sigma: f64, t_l: f64, from: f64, to: f64| {
            let t_l = t_l.max(1e-3);
            2.0 * sigma
                * sigma
                * t_l
                * ((to - from) - t_l * ((-from / t_l).exp() - (-to / t_l).exp()))
        };
        let (a, m, b) = (self.age_s, self.age_s + 0.5 * dt_s, self.age_s + dt_s);
        let t = turbulence;
        let vy = self.sigma_y_m.powi(2);
        let vz = self.sigma_z_m.powi(2);
        let mid = (
            (vy + increment(t.sigma_v_m_s, t.time_scale_v_s, a, m)).sqrt(),
            (vz + increment(t.sigma_w_m_s, t.time_scale_w_s, a, m)).sqrt(),
        );
        self.sigma_y_m = (vy + increment(t.sigma_v_m_s, t.time_scale_v_s, a, b)).sqrt();
        self.sigma_z_m = (vz + increment(t.sigma_w_m_s, t.time_scale_w_s, a, b)).sqrt();
        self.age_s = b;
        self.travel_m += ds_m;
        (mid.0.max(MIN_SIGMA_M), mid.1.max(MIN_SIGMA_M))
    }

    /// A daughter with `weight` of the mass, moved by (dx, dy, dz) and narrowed to the given σ;
    /// its centre is reflected at the ground and, for a puff below the lid `lid_m`, at the lid,
    /// as the image sum of [`crate::model::gaussian::vertical_factor`] reflects its profile.
    fn daughter(
        &self,
        weight: f64,
        d: (f64, f64, f64),
        sigma_y_m: f64,
        sigma_z_m: f64,
        lid_m: Option<f64>,
    ) -> Puff {
        let mut p = self.clone();
        p.x_m += d.0;
        p.y_m += d.1;
        // The risen centre is reflected (not the stack height `z_m`, which would put a daughter
        // below a risen puff's centre above it); rise then continues from there.
        let h = self.effective_height_m();
        let rise = h - self.z_m;
        let moved = match lid_m {
            Some(lid) if h < lid => {
                // Fold into [0, lid]: reflections at the ground and the lid alternate.
                let r = (h + d.2).rem_euclid(2.0 * lid);
                if r > lid {
                    2.0 * lid - r
                } else {
                    r
                }
            }
            _ => (h + d.2).abs(),
        };
        p.z_m = moved - rise;
        if self.settled_m > 0.0 {
            // A settled daughter starts its count again from its own centre, which the parent's
            // count, held at the ground, would otherwise lower.
            p.z_m = moved - self.rise.map_or(0.0, |r| r.rise_at_m(self.travel_m));
            p.settled_m = 0.0;
        }
        p.sigma_y_m = sigma_y_m;
        p.sigma_z_m = sigma_z_m;
        p.mass.iter_mut().for_each(|m| *m *= weight);
        p.shear_m = 0.0;
        // The daughters' spread stands for the whole of the parent's.
        p.along_deficit_m2 = 0.0;
        p
    }

    /// Splits horizontally into five daughters (see the module doc); `along` is the unit
    /// vector of the wind. The daughters continue from the virtual distance of their width.
    pub fn split_horizontal(&self, growth: &Growth, along: (f64, f64)) -> Vec<Puff> {
        let s = self.sigma_y_m;
        let a = 3f64.sqrt() * s;
        let (ex, ey) = along;
        let sy = 0.5 * s;
        let vy = growth.virtual_distance_m(self.class, sy, true);
        let mk = |w: f64, dx: f64, dy: f64| {
            let mut p = self.daughter(w, (dx, dy, 0.0), sy, self.sigma_z_m, None);
            p.virtual_y_m = vy;
            p
        };
        vec![
            mk(0.5, 0.0, 0.0),
            mk(0.125, a * ex, a * ey),
            mk(0.125, -a * ex, -a * ey),
            mk(0.125, -a * ey, a * ex),
            mk(0.125, a * ey, -a * ex),
        ]
    }

    /// Splits vertically into three daughters (see the module doc), reflected at the ground
    /// and, for a puff below the mixing lid `lid_m`, at the lid.
    pub fn split_vertical(&self, growth: &Growth, lid_m: Option<f64>) -> Vec<Puff> {
        let s = self.sigma_z_m;
        let b = 1.5f64.sqrt() * s;
        let sz = 0.5 * s;
        let vz = growth.virtual_distance_m(self.class, sz, false);
        [(0.5, 0.0), (0.25, b), (0.25, -b)]
            .iter()
            .map(|&(w, dz)| {
                let mut p = self.daughter(w, (0.0, 0.0, dz), self.sigma_y_m, sz, lid_m);
                p.virtual_z_m = vz;
                p
            })
            .collect()
    }

    /// Height of the centre with plume rise, less what its particles have settled, never
    /// below the ground (m): the puffs' form of the Gaussian plume's tilted axis
    /// ([`crate::model::gaussian::PlumeGeometry::effective_height_m`]).
    pub fn effective_height_m(&self) -> f64 {
        let risen = self.z_m + self.rise.map_or(0.0, |r| r.rise_at_m(self.travel_m));
        if self.settled_m > 0.0 {
            (risen - self.settled_m).max(0.0)
        } else {
            risen
        }
    }

    /// Total mass over species (for budgets and centroids).
    pub fn total_mass(&self) -> f64 {
        self.mass.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn puff() -> Puff {
        Puff {
            x_m: 100.0,
            y_m: -50.0,
            z_m: 300.0,
            sigma_y_m: 400.0,
            sigma_z_m: 80.0,
            travel_m: 5000.0,
            rise: None,
            virtual_y_m: 5000.0,
            virtual_z_m: 5000.0,
            class: StabilityClass::D,
            mass: vec![2.0, 6.0],
            t_s: 0.0,
            source: 0,
            shear_m: 0.0,
            age_s: 600.0,
            dense: None,
            ground_level: false,
            along_deficit_m2: 0.0,
            settling_velocity_m_s: 0.0,
            settled_m: 0.0,
        }
    }

    fn moments(ps: &[Puff]) -> (f64, [f64; 3], [f64; 3]) {
        let m: f64 = ps.iter().map(|p| p.mass[1]).sum();
        let mean = |f: &dyn Fn(&Puff) -> f64| ps.iter().map(|p| p.mass[1] * f(p)).sum::<f64>() / m;
        let mx = mean(&|p| p.x_m);
        let my = mean(&|p| p.y_m);
        let mz = mean(&|p| p.z_m);
        let vx = mean(&|p| (p.x_m - mx).powi(2) + p.sigma_y_m.powi(2));
        let vy = mean(&|p| (p.y_m - my).powi(2) + p.sigma_y_m.powi(2));
        let vz = mean(&|p| (p.z_m - mz).powi(2) + p.sigma_z_m.powi(2));
        (m, [mx, my, mz], [vx, vy, vz])
    }

    #[test]
    fn splits_keep_mass_and_first_and_second_moments() {
        let g = Growth {
            scheme: SigmaScheme::Briggs,
            terrain: Terrain::Rural,
            mode: GrowthMode::Distance,
        };
        let p = puff();
        let (m0, c0, v0) = moments(std::slice::from_ref(&p));
        let dir = (0.6f64, 0.8f64);
        for parts in [p.split_horizontal(&g, dir), p.split_vertical(&g, None)] {
            let (m, c, v) = moments(&parts);
            assert!((m - m0).abs() < 1e-12 * m0);
            for k in 0..3 {
                assert!(
                    (c[k] - c0[k]).abs() < 1e-9,
                    "centre {k}: {} vs {}",
                    c[k],
                    c0[k]
                );
                assert!(
                    (v[k] - v0[k]).abs() < 1e-9 * v0[k],
                    "variance {k}: {} vs {}",
                    v[k],
                    v0[k]
                );
            }
        }
    }

    #[test]
    fn virtual_distance_inverts_the_curves() {
        let g = Growth {
            scheme: SigmaScheme::PasquillGifford,
            terrain: Terrain::Rural,
            mode: GrowthMode::Distance,
        };
        for class in StabilityClass::ALL {
            for x in [50.0, 800.0, 12_000.0] {
                let (sy, sz) = g.at(class, x);
                let xy = g.virtual_distance_m(class, sy, true);
                assert!((xy - x).abs() < 1e-6 * x, "{class:?} y {x}: {xy}");
                if sz < 4999.0 {
                    let xz = g.virtual_distance_m(class, sz, false);
                    assert!(
                        (g.at(class, xz).1 - sz).abs() < 1e-6 * sz,
                        "{class:?} z {x}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_puff_moving_into_stabler_air_keeps_its_width_and_grows_slower() {
        let g = Growth {
            scheme: SigmaScheme::Briggs,
            terrain: Terrain::Rural,
            mode: GrowthMode::Distance,
        };
        let mut p = puff();
        let (sy0, sz0) = (p.sigma_y_m, p.sigma_z_m);
        p.grow(&g, StabilityClass::F, 1.0);
        assert!(p.sigma_y_m >= sy0 && p.sigma_y_m < sy0 * 1.001);
        assert!(p.sigma_z_m >= sz0 && p.sigma_z_m < sz0 * 1.001);
        assert!(
            p.virtual_y_m > p.travel_m,
            "F needs a longer virtual distance for the same σy"
        );
    }
}
