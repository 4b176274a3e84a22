//! The crosswind profile of the Gaussian plume: the Gaussian itself, or — for a dense gas — a
//! flat core with Gaussian edges.
//!
//! A passive plume's concentration falls off across the wind as exp(−y²/(2σy²)). A dense-gas
//! cloud is a gravity current: it slumps into a wide, flat-topped layer with sharp fronts whose
//! edges are smeared only by the atmosphere's turbulence. HEGADAS (Colenbrander 1980) and
//! DEGADIS (Spicer & Havens 1989) write it as a uniform core of half-width b with Gaussian
//! edges, C ∝ exp(−(|y| − b)²/S_y²) beyond b, whose effective half-width b + (√π/2)·S_y is the
//! gravity-spread half-width and whose edges spread as a passive plume's do (equations recalled
//! from those reports, not checked against them here). The workbook plume of
//! [`super::dense`] has the centreline concentration and crosswind integral of a top-hat of
//! half-width L_H, standing in for such a cloud; drawn as a Gaussian of σy = √(2/π)·L_H, its
//! tails reached 1.7–2.4 L_H at a tenth to a hundredth of the peak (found by review), where a
//! gravity current stops near L_H.
//!
//! [`Crosswind::with_edges`] keeps the Gaussian's centreline value and crosswind integral
//! √(2π)·σy, so the plume's normalisation Q/(2π·u·σy·σz) is unchanged, and gives it edges of
//! width σe ≤ σy: a core of half-width b = √(π/2)·(σy − σe), since 2b + √(2π)·σe = √(2π)·σy.
//! For σe = σy it is the Gaussian, bit for bit.
//!
//! ## References
//! - Colenbrander, G.W. (1980) *A mathematical model for the transient behaviour of dense vapour
//!   clouds*, 3rd Int. Symp. Loss Prevention and Safety Promotion in the Process Industries, Basel.
//! - Spicer, T.O., Havens, J.A. (1989) *User's guide for the DEGADIS 2.1 dense gas dispersion
//!   model*, EPA-450/4-89-019.

use std::f64::consts::{FRAC_PI_2, SQRT_2, TAU};

use super::sigma::Sigmas;

/// The crosswind profile at downwind `x_m` of a plume with `sigmas`, whose σy there is
/// `sigma_y_m`: for a dense gas ([`Sigmas::DenseGas`]) a flat core whose edges have the passive
/// scheme's σy at the same distance — the spread the atmosphere's turbulence alone gives over
/// that travel, which HEGADAS's edges grow by (taking it as the passive curve's is this
/// engine's simplification) — and the Gaussian otherwise. Near the source the edges are a
/// metre or so wide and the core is the gravity-spread cloud; far downwind the passive σy at x
/// and at x's virtual distance draw together and the profile tends to the Gaussian, and at the
/// hand-over to the passive phase it is continuous (both σ are continuous there).
#[inline(always)]
pub fn profile(sigmas: &Sigmas, x_m: f64, sigma_y_m: f64) -> Crosswind {
    match sigmas {
        Sigmas::DenseGas(d) => Crosswind::with_edges(sigma_y_m, d.passive.at(x_m).0),
        _ => Crosswind::gaussian(sigma_y_m),
    }
}

/// [`profile`] with σy of `sigmas` at `x_m`.
pub fn at(sigmas: &Sigmas, x_m: f64) -> Crosswind {
    profile(sigmas, x_m, sigmas.at(x_m).0)
}

/// What a dense plume (the steady one, or the puff model's slices of it) does at its
/// crosswind edges, which its dense-gas warning says: a flat core with Gaussian edges of the
/// passive σy (this module), whose half-width b = L_H − √(π/2)·σe puts C_m/k at
/// b + √(2 ln k)·σe = L_H + (√(2 ln k) − √(π/2))·σe: L_H + 0.9 σe at k = 10, L_H + 1.8 σe at
/// k = 100 (in the dense phase, where σy = √(2/π)·L_H; "about" beyond it).
pub const PLUME_EDGE_NOTE: &str = "Across the wind the cloud is drawn as a flat core with Gaussian edges that spread as a passive plume's do (as HEGADAS draws a gravity current), with the workbook cloud's peak and crosswind integral: a zone whose threshold is 10–100 times below the cloud's peak reaches about the workbook's half-width plus 0.9–1.8 times the passive plume's σy sideways";

/// A crosswind profile, 1 on the plume's axis: flat over |y| ≤ `core_m`, then Gaussian with
/// standard deviation `edge_m` (m).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Crosswind {
    /// Half-width of the flat core (m); 0 for a Gaussian plume.
    pub core_m: f64,
    /// Standard deviation of the Gaussian edges (m); σy for a Gaussian plume.
    pub edge_m: f64,
}

impl Crosswind {
    /// The Gaussian of standard deviation `sigma_m`.
    pub fn gaussian(sigma_m: f64) -> Self {
        Crosswind {
            core_m: 0.0,
            edge_m: sigma_m,
        }
    }

    /// The profile with the centreline value and crosswind integral of the Gaussian of width
    /// `sigma_m` and edges of width `edge_m` (at most `sigma_m`: wider edges give the Gaussian).
    pub fn with_edges(sigma_m: f64, edge_m: f64) -> Self {
        let e = edge_m.min(sigma_m);
        Crosswind {
            core_m: FRAC_PI_2.sqrt() * (sigma_m - e),
            edge_m: e,
        }
    }

    /// The profile of width `sigma_m` (its crosswind integral √(2π)·σ) with a core of
    /// half-width `core_m`: edges of σ − √(2/π)·core, the inverse of [`Crosswind::with_edges`].
    pub fn with_core(sigma_m: f64, core_m: f64) -> Self {
        Crosswind {
            core_m,
            edge_m: sigma_m - core_m * std::f64::consts::FRAC_2_PI.sqrt(),
        }
    }

    /// The exponent of the profile at crosswind `y_m`: max(|y| − b, 0)²/(2σe²), so the profile is
    /// exp(−exponent). Written as the Gaussian's y²/(2σ²) when the core is empty.
    #[inline(always)]
    pub fn exponent(&self, y_m: f64) -> f64 {
        let c = (y_m.abs() - self.core_m).max(0.0);
        c * c / (2.0 * self.edge_m * self.edge_m)
    }

    /// The profile's value at crosswind `y_m` (1 on the axis).
    pub fn factor(&self, y_m: f64) -> f64 {
        (-self.exponent(y_m)).exp()
    }

    /// The whole crosswind integral ∫ profile dy (m): √(2π)·σy of the Gaussian it stands for.
    pub fn integral_m(&self) -> f64 {
        2.0 * self.core_m + TAU.sqrt() * self.edge_m
    }

    /// The share of the crosswind integral between `a_m` and `b_m` (a ≤ b), without
    /// cancellation where both lie in one tail.
    pub fn fraction(&self, a_m: f64, b_m: f64) -> f64 {
        let (core, e) = (self.core_m, self.edge_m);
        if core == 0.0 {
            return gaussian_fraction(a_m, b_m, e);
        }
        let tails = TAU.sqrt() * e / self.integral_m();
        if a_m >= core {
            tails * gaussian_fraction(a_m - core, b_m - core, e)
        } else if b_m <= -core {
            tails * gaussian_fraction(a_m + core, b_m + core, e)
        } else {
            (self.share_below(b_m) - self.share_below(a_m)).max(0.0)
        }
    }

    /// The share of the crosswind integral below `y_m`.
    fn share_below(&self, y_m: f64) -> f64 {
        let (core, e) = (self.core_m, self.edge_m);
        let tail = TAU.sqrt() * e;
        let k = SQRT_2 * e;
        let mass = if y_m <= -core {
            0.5 * tail * libm::erfc(-(y_m + core) / k)
        } else if y_m <= core {
            0.5 * tail + (y_m + core)
        } else {
            0.5 * tail + 2.0 * core + 0.5 * tail * libm::erf((y_m - core) / k)
        };
        mass / self.integral_m()
    }

    /// The mean of the profile over the projection, centred at `y_m`, of a square whose sides
    /// project to `w1_m` and `w2_m` (m) on this axis (a grid cell crossed at an angle: the
    /// trapezoid box(w1) ⊛ box(w2)): the second difference of the profile's second integral,
    /// [F₂(y + p) − F₂(y + q) − F₂(y − q) + F₂(y − p)]/(w1·w2), p = (w1 + w2)/2,
    /// q = (w1 − w2)/2; a plain box mean where one width vanishes.
    pub fn mean_over_projected_square(&self, y_m: f64, w1_m: f64, w2_m: f64) -> f64 {
        let (w1, w2) = (w1_m.max(w2_m), w1_m.min(w2_m));
        if w2 <= 1e-6 * w1 {
            return self.fraction(y_m - 0.5 * w1, y_m + 0.5 * w1) * self.integral_m() / w1;
        }
        // The profile is even: evaluate on the left, where F₂ is small, for precision.
        let y = -y_m.abs();
        let (p, q) = (0.5 * (w1 + w2), 0.5 * (w1 - w2));
        let f2 = |v: f64| self.second_integral(v);
        ((f2(y + p) - f2(y + q) - f2(y - q) + f2(y - p)) / (w1 * w2)).max(0.0)
    }

    /// F₂(y) = ∫_{−∞}^{y} ∫_{−∞}^{s} profile (m²), from ψ(t) = t·Φ(t) + φ(t), the second integral
    /// of the unit normal density, on the edges.
    fn second_integral(&self, y_m: f64) -> f64 {
        let (b, e) = (self.core_m, self.edge_m);
        let tail = TAU.sqrt() * e;
        let psi = |t: f64| t * 0.5 * libm::erfc(-t / SQRT_2) + (-0.5 * t * t).exp() / TAU.sqrt();
        if y_m <= -b {
            return tail * e * psi((y_m + b) / e);
        }
        // F₂(−b) = tail·e·ψ(0) = e².
        let s = (y_m + b).min(2.0 * b);
        let inside = e * e + 0.5 * tail * s + 0.5 * s * s;
        if y_m <= b {
            return inside;
        }
        let t = (y_m - b) / e;
        inside + (0.5 * tail + 2.0 * b) * (y_m - b) + tail * e * (psi(t) - psi(0.0) - 0.5 * t)
    }

    /// How far from the axis (m) the profile falls to exp(−`exponent`).
    pub fn reach_m(&self, exponent: f64) -> f64 {
        self.core_m + (2.0 * exponent).sqrt() * self.edge_m
    }
}

/// ∫ from `a_m` to `b_m` of the unit Gaussian of width `sigma_m`: ½[erf(b/√2σ) − erf(a/√2σ)], in
/// the form without cancellation in the tails.
fn gaussian_fraction(a_m: f64, b_m: f64, sigma_m: f64) -> f64 {
    let k = SQRT_2 * sigma_m;
    let (p, q) = (b_m / k, a_m / k);
    0.5 * if q > 0.0 {
        libm::erfc(q) - libm::erfc(p)
    } else if p < 0.0 {
        libm::erfc(-p) - libm::erfc(-q)
    } else {
        libm::erf(p) - libm::erf(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ∫ of the profile from `a` to `b` by the midpoint rule.
    fn integral(c: &Crosswind, a: f64, b: f64) -> f64 {
        let n = 200_000;
        let h = (b - a) / n as f64;
        (0..n).map(|k| c.factor(a + (k as f64 + 0.5) * h) * h).sum()
    }

    #[test]
    fn flat_core_keeps_the_gaussians_peak_and_crosswind_integral() {
        let sigma = 100.0;
        for edge in [100.0, 60.0, 20.0, 1.0] {
            let c = Crosswind::with_edges(sigma, edge);
            assert_eq!(c.factor(0.0), 1.0);
            let whole = integral(&c, -c.reach_m(40.0), c.reach_m(40.0));
            let gaussian = TAU.sqrt() * sigma;
            assert!((whole / gaussian - 1.0).abs() < 1e-6, "{edge}: {whole}");
            assert!((c.integral_m() / gaussian - 1.0).abs() < 1e-12);
        }
        // σe = 20 m: the core is √(π/2)·80 = 100.27 m, flat to its end, then the edge's Gaussian.
        let c = Crosswind::with_edges(sigma, 20.0);
        assert!((c.core_m - 100.265).abs() < 1e-3, "{}", c.core_m);
        assert_eq!(c.factor(100.0), 1.0);
        let one_edge_out = c.factor(c.core_m + 20.0);
        assert!((one_edge_out - (-0.5f64).exp()).abs() < 1e-12);
        // The Gaussian of σ = 100 m is at e^(−1/2) at 100 m and at a hundredth at 303 m; the
        // flat-cored profile at a hundredth at b + 3.03σe = 161 m.
        assert!((c.reach_m(100f64.ln()) - 160.96).abs() < 0.01);
    }

    #[test]
    fn the_plume_edge_note_states_where_the_flat_cored_cloud_reaches_a_tenth_and_a_hundredth() {
        // The profile at 300 m from the rail car: C_m/k at L_H + (√(2 ln k) − √(π/2))·σe.
        use crate::met::StabilityClass;
        use crate::model::gaussian::dense::DenseGasSigmas;
        use crate::model::gaussian::sigma::PassiveSigmas;
        use crate::scenario::{SigmaScheme, Terrain};
        use crate::source::dense_gas::{screen, DensePlume};
        // 10 kg/s of chlorine in 2.5 m/s, F, urban (the Saint John rail car).
        let s = screen(10.0, 0.0709, [288.15; 2], 2.5).unwrap();
        let passive = PassiveSigmas::new(SigmaScheme::Briggs, StabilityClass::F, Terrain::Urban);
        let d = DenseGasSigmas::new(DensePlume::new(&s), s.volume_rate_m3_s, 2.5, passive);
        let x = 300.0;
        let l_h = DensePlume::new(&s).half_width_m(x);
        let edge = d.passive.at(x).0;
        let profile = at(&Sigmas::DenseGas(d), x);
        assert!((profile.edge_m / edge - 1.0).abs() < 1e-12);
        let mut said = vec![];
        for k in [10f64, 100.0] {
            let reach = profile.reach_m(k.ln());
            let in_edges = (reach - l_h) / edge;
            assert!((profile.factor(reach) * k - 1.0).abs() < 1e-9);
            said.push(format!("{in_edges:.1}"));
        }
        let said = format!(
            "reaches about the workbook's half-width plus {}–{} times the passive plume's σy",
            said[0], said[1]
        );
        assert!(PLUME_EDGE_NOTE.contains(&said), "{said}");
    }

    #[test]
    fn the_mean_over_a_turned_cell_is_the_profile_averaged_over_its_projection() {
        // A 100 m cell at 30° to the axis projects to the trapezoid box(50) ⊛ box(86.6):
        // brute force over the square itself against the closed form, on the core, across the
        // edge and in the tail, for a Gaussian and a flat-cored profile.
        let d = 100.0;
        let (c, s) = (30f64.to_radians().cos(), 30f64.to_radians().sin());
        for profile in [Crosswind::gaussian(40.0), Crosswind::with_edges(80.0, 10.0)] {
            for y in [0.0, 35.0, 80.0, -95.0, 140.0, 260.0] {
                let n = 400;
                let h = d / n as f64;
                let mut sum = 0.0;
                for i in 0..n {
                    for j in 0..n {
                        let (u, v) = (
                            (i as f64 + 0.5) * h - 0.5 * d,
                            (j as f64 + 0.5) * h - 0.5 * d,
                        );
                        sum += profile.factor(y + u * s + v * c);
                    }
                }
                let brute = sum / (n * n) as f64;
                let closed = profile.mean_over_projected_square(y, d * s, d * c);
                assert!(
                    (closed - brute).abs() < 2e-4 * brute.max(1e-3),
                    "{profile:?} at {y}: {closed} vs {brute}"
                );
            }
            // Along the axis the projection is the cell's width.
            let box_mean = profile.fraction(-20.0, 80.0) * profile.integral_m() / d;
            assert!((profile.mean_over_projected_square(30.0, d, 0.0) - box_mean).abs() < 1e-15);
        }
    }

    #[test]
    fn edges_as_wide_as_the_plume_give_the_gaussian_bit_for_bit() {
        let c = Crosswind::with_edges(37.0, 50.0);
        assert_eq!(c, Crosswind::gaussian(37.0));
        for y in [-200.0, -37.0, 0.0, 12.5, 111.0] {
            let e: f64 = y * y / (2.0 * 37.0 * 37.0);
            assert_eq!(c.exponent(y).to_bits(), e.to_bits());
        }
    }

    #[test]
    fn fractions_tile_the_crosswind_integral_and_match_the_profile() {
        let c = Crosswind::with_edges(100.0, 25.0);
        // Cells of 30 m from −600 m to +600 m add up to one.
        let total: f64 = (0..40)
            .map(|k| {
                let a = -600.0 + 30.0 * k as f64;
                c.fraction(a, a + 30.0)
            })
            .sum();
        assert!((total - 1.0).abs() < 1e-12, "{total}");
        // Each piece, in the core, across its edge or in a tail, against the midpoint rule.
        for (a, b) in [
            (-50.0, 10.0),
            (90.0, 130.0),
            (-140.0, -95.0),
            (150.0, 175.0),
            (-300.0, -200.0),
            (-400.0, 400.0),
        ] {
            let exact = integral(&c, a, b) / c.integral_m();
            let f = c.fraction(a, b);
            assert!(
                (f - exact).abs() < 1e-9 * exact.max(1e-12) + 1e-15,
                "({a}, {b}): {f} vs {exact}"
            );
        }
        // Far in a tail the share stays accurate where 1 − erf would have cancelled to zero.
        let far = c.fraction(c.core_m + 9.0 * 25.0, c.core_m + 10.0 * 25.0);
        let tails = TAU.sqrt() * 25.0 / c.integral_m();
        let expect = tails * 0.5 * (libm::erfc(9.0 / SQRT_2) - libm::erfc(10.0 / SQRT_2));
        assert!(far > 0.0 && (far / expect - 1.0).abs() < 1e-12, "{far}");
    }
}
