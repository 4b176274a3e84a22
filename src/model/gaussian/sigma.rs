//! Horizontal and vertical dispersion coefficients σy(x), σz(x) of the Gaussian models.
//!
//! - Briggs (1973) open-country (rural) and urban fits, σ = a·x·(1 + b·x)^p with x in metres
//!   (Briggs, G.A. 1973, *Diffusion Estimation for Small Emissions*, ATDL Contribution 79;
//!   tabulated in Hanna, Briggs & Hosker 1982, DOE/TIC-11223, Table 4.5; transcription checked
//!   against Griffiths 1994, Atmos. Environ. 28:2861).
//! - ISC3 closed forms of the Pasquill–Gifford–Turner curves (US EPA 1995, EPA-454/B-95-003b,
//!   Vol. II, eqs 1-32/1-33, Tables 1-1 and 1-2): σy = 465.11628·x_km·tan(0.017453293·(c − d·ln x_km)),
//!   σz = a·x_km^b piecewise in x, capped at 5000 m.
//!
//! ## Range of validity
//! The fits were drawn for 100 m ≤ x ≤ 10 km. The engine evaluates the published formulas as
//! written at every x ≥ [`MIN_DISTANCE_M`] (1 m): below 100 m they extrapolate the near-source
//! linear growth (σ ∝ x, as Taylor's short-time limit requires), beyond 10 km they extrapolate the
//! fitted power laws, and the ISC3 σz keeps its last segment and its 5000 m cap. Closer than 1 m
//! downwind the value at 1 m is used (a point source has no meaning inside its own stack).

use super::dense::DenseGasSigmas;
use crate::met::StabilityClass;
use crate::scenario::{SigmaScheme, Terrain};
use crate::source::plume_rise::RiseInputs;

/// Smallest downwind distance at which σ is evaluated (m).
pub const MIN_DISTANCE_M: f64 = 1.0;

/// Briggs coefficients (a, b, p) of σ = a·x·(1+b·x)^p.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BriggsFit {
    pub a: f64,
    pub b: f64,
    pub p: f64,
}

impl BriggsFit {
    const fn new(a: f64, b: f64, p: f64) -> Self {
        Self { a, b, p }
    }

    /// σ (m) at downwind distance `x_m`; the exponents ±½, −1 and 0 avoid `powf`.
    #[inline(always)]
    pub fn sigma_m(&self, x_m: f64) -> f64 {
        let base = 1.0 + self.b * x_m;
        let f = if self.p == -0.5 {
            1.0 / base.sqrt()
        } else if self.p == 0.5 {
            base.sqrt()
        } else if self.p == -1.0 {
            1.0 / base
        } else if self.p == 0.0 {
            1.0
        } else {
            base.powf(self.p)
        };
        self.a * x_m * f
    }
}

/// Briggs (1973) σy and σz fits for a class and terrain.
pub fn briggs(class: StabilityClass, terrain: Terrain) -> (BriggsFit, BriggsFit) {
    use StabilityClass::*;
    let f = BriggsFit::new;
    match terrain {
        Terrain::Rural => {
            let y = f(
                match class {
                    A => 0.22,
                    B => 0.16,
                    C => 0.11,
                    D => 0.08,
                    E => 0.06,
                    F => 0.04,
                },
                0.0001,
                -0.5,
            );
            let z = match class {
                A => f(0.20, 0.0, 0.0),
                B => f(0.12, 0.0, 0.0),
                C => f(0.08, 0.0002, -0.5),
                D => f(0.06, 0.0015, -0.5),
                E => f(0.03, 0.0003, -1.0),
                F => f(0.016, 0.0003, -1.0),
            };
            (y, z)
        }
        Terrain::Urban => match class {
            A | B => (f(0.32, 0.0004, -0.5), f(0.24, 0.001, 0.5)),
            C => (f(0.22, 0.0004, -0.5), f(0.20, 0.0, 0.0)),
            D => (f(0.16, 0.0004, -0.5), f(0.14, 0.0003, -0.5)),
            E | F => (f(0.11, 0.0004, -0.5), f(0.08, 0.0015, -0.5)),
        },
    }
}

/// ISC3 σy coefficients (c, d) in degrees.
pub fn isc3_sigma_y_coefficients(class: StabilityClass) -> (f64, f64) {
    use StabilityClass::*;
    match class {
        A => (24.1670, 2.5334),
        B => (18.3330, 1.8096),
        C => (12.5000, 1.0857),
        D => (8.3330, 0.72382),
        E => (6.2500, 0.54287),
        F => (4.1667, 0.36191),
    }
}

/// ISC3 σz segments: (upper bound of x in km, a, b); the last segment is unbounded.
pub fn isc3_sigma_z_segments(class: StabilityClass) -> &'static [(f64, f64, f64)] {
    use StabilityClass::*;
    match class {
        A => &[
            (0.10, 122.800, 0.94470),
            (0.15, 158.080, 1.05420),
            (0.20, 170.220, 1.09320),
            (0.25, 179.520, 1.12620),
            (0.30, 217.410, 1.26440),
            (0.40, 258.890, 1.40940),
            (0.50, 346.750, 1.72830),
            (f64::INFINITY, 453.850, 2.11660),
        ],
        B => &[
            (0.20, 90.673, 0.93198),
            (0.40, 98.483, 0.98332),
            (f64::INFINITY, 109.300, 1.09710),
        ],
        C => &[(f64::INFINITY, 61.141, 0.91465)],
        D => &[
            (0.30, 34.459, 0.86974),
            (1.00, 32.093, 0.81066),
            (3.00, 32.093, 0.64403),
            (10.00, 33.504, 0.60486),
            (30.00, 36.650, 0.56589),
            (f64::INFINITY, 44.053, 0.51179),
        ],
        E => &[
            (0.10, 24.260, 0.83660),
            (0.30, 23.331, 0.81956),
            (1.00, 21.628, 0.75660),
            (2.00, 21.628, 0.63077),
            (4.00, 22.534, 0.57154),
            (10.00, 24.703, 0.50527),
            (20.00, 26.970, 0.46713),
            (40.00, 35.420, 0.37615),
            (f64::INFINITY, 47.618, 0.29592),
        ],
        F => &[
            (0.20, 15.209, 0.81558),
            (0.70, 14.457, 0.78407),
            (1.00, 13.953, 0.68465),
            (2.00, 13.953, 0.63227),
            (3.00, 14.823, 0.54503),
            (7.00, 16.187, 0.46490),
            (15.00, 17.836, 0.41507),
            (30.00, 22.651, 0.32681),
            (60.00, 27.074, 0.27436),
            (f64::INFINITY, 34.219, 0.21716),
        ],
    }
}

/// ISC3 cap on σz (m).
pub const ISC3_SIGMA_Z_CAP_M: f64 = 5000.0;

/// ISC3 Pasquill–Gifford σy (m) at `x_m`.
pub fn isc3_sigma_y_m(class: StabilityClass, x_m: f64) -> f64 {
    let (c, d) = isc3_sigma_y_coefficients(class);
    let x_km = x_m / 1000.0;
    let th = 0.017453293 * (c - d * x_km.ln());
    465.11628 * x_km * th.tan()
}

/// ISC3 Pasquill–Gifford σz (m) at `x_m`: segment `[from, to)` in km, capped at 5000 m.
pub fn isc3_sigma_z_m(class: StabilityClass, x_m: f64) -> f64 {
    let x_km = x_m / 1000.0;
    let segs = isc3_sigma_z_segments(class);
    let &(_, a, b) = segs
        .iter()
        .find(|s| x_km < s.0)
        .unwrap_or(&segs[segs.len() - 1]);
    (a * x_km.powf(b)).min(ISC3_SIGMA_Z_CAP_M)
}

/// A chosen σ scheme for one class and terrain, evaluated at any downwind distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sigmas {
    Briggs {
        y: BriggsFit,
        z: BriggsFit,
    },
    Isc3 {
        class: StabilityClass,
    },
    /// A dense gas: the gravity-spread cloud of Britter & McQuaid, then a passive plume from
    /// virtual sources ([`super::dense`]).
    DenseGas(DenseGasSigmas),
    /// A stack plume that rises: the passive scheme with buoyancy-induced dispersion,
    /// σ_e = (σ² + (Δh(x)/3.5)²)^½ for σy and σz, Δh(x) the rise at x ([`BID_RISE_RATIO`]).
    Rising {
        passive: PassiveSigmas,
        rise: RiseInputs,
    },
}

/// Δh/σ of buoyancy-induced dispersion: the turbulence of the rising plume's own entrainment
/// spreads it by σ = Δh/3.5 about its centre line (Pasquill 1976, *Atmospheric dispersion
/// parameters in Gaussian plume modeling, part II*, EPA-600/4-76-030b), added in quadrature to
/// the ambient σy and σz by default in ISC3 (US EPA 1995, EPA-454/B-95-003b, vol. II, §1.1.5)
/// and, as σ_b = 0.4·Δh/√2 = Δh/3.54, in AERMOD (Cimorelli et al. 2005, J. Appl. Meteorol.
/// 44:682). Without it a stack plume's ground concentration within ~2 km was too low by up to
/// ×50 (found by review).
pub const BID_RISE_RATIO: f64 = 3.5;

/// The passive schemes, which a dense-gas plume continues into.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PassiveSigmas {
    Briggs { y: BriggsFit, z: BriggsFit },
    Isc3 { class: StabilityClass },
}

impl PassiveSigmas {
    /// Selects the scheme; ISC3 ignores terrain (its curves are rural).
    pub fn new(scheme: SigmaScheme, class: StabilityClass, terrain: Terrain) -> Self {
        match scheme {
            SigmaScheme::Briggs => {
                let (y, z) = briggs(class, terrain);
                PassiveSigmas::Briggs { y, z }
            }
            SigmaScheme::PasquillGifford => PassiveSigmas::Isc3 { class },
        }
    }

    /// (σy, σz) in metres at downwind distance `x_m` (floored at [`MIN_DISTANCE_M`]).
    #[inline(always)]
    pub fn at(&self, x_m: f64) -> (f64, f64) {
        let x = x_m.max(MIN_DISTANCE_M);
        match self {
            PassiveSigmas::Briggs { y, z } => (y.sigma_m(x), z.sigma_m(x)),
            PassiveSigmas::Isc3 { class } => (isc3_sigma_y_m(*class, x), isc3_sigma_z_m(*class, x)),
        }
    }
}

impl Sigmas {
    /// Selects the scheme; ISC3 ignores terrain (its curves are rural).
    pub fn new(scheme: SigmaScheme, class: StabilityClass, terrain: Terrain) -> Self {
        match PassiveSigmas::new(scheme, class, terrain) {
            PassiveSigmas::Briggs { y, z } => Sigmas::Briggs { y, z },
            PassiveSigmas::Isc3 { class } => Sigmas::Isc3 { class },
        }
    }

    /// The scheme without buoyancy-induced dispersion (a rising plume's ambient curves); any
    /// other scheme as it is.
    pub fn passive_form(&self) -> Sigmas {
        match *self {
            Sigmas::Rising {
                passive: PassiveSigmas::Briggs { y, z },
                ..
            } => Sigmas::Briggs { y, z },
            Sigmas::Rising {
                passive: PassiveSigmas::Isc3 { class },
                ..
            } => Sigmas::Isc3 { class },
            s => s,
        }
    }

    /// The passive scheme (for a dense gas, the one it continues into).
    pub fn passive(&self) -> PassiveSigmas {
        match *self {
            Sigmas::Briggs { y, z } => PassiveSigmas::Briggs { y, z },
            Sigmas::Isc3 { class } => PassiveSigmas::Isc3 { class },
            Sigmas::DenseGas(d) => d.passive,
            Sigmas::Rising { passive, .. } => passive,
        }
    }

    /// (σy, σz) in metres at downwind distance `x_m` (floored at [`MIN_DISTANCE_M`]).
    #[inline(always)]
    pub fn at(&self, x_m: f64) -> (f64, f64) {
        match self {
            Sigmas::DenseGas(d) => d.at(x_m),
            Sigmas::Rising { passive, rise } => {
                let (sy, sz) = passive.at(x_m);
                let b = rise.rise_at_m(x_m) / BID_RISE_RATIO;
                (sy.hypot(b), sz.hypot(b))
            }
            _ => self.passive().at(x_m),
        }
    }
}
