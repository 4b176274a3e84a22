//! Transverse Mercator on an ellipsoid by Krüger's series to sixth order in n.
//!
//! x = k0·A·η, y = k0·A·(ξ − ξ0), with the conformal latitude and the series of
//! Karney, C.F.F. (2011) "Transverse Mercator with an accuracy of a few nanometers",
//! J. Geodesy 85:475–485, doi:10.1007/s00190-011-0445-3, eqs (7)–(12), (35)–(36).
//! Within 4000 km of the central meridian the error is below 5 nm, far below anything the engine
//! needs; the inverse uses Newton's method on the conformal latitude (Karney 2011, eqs 19–21).

use super::{LatLon, WGS84_A_M, WGS84_F};

/// A transverse Mercator projection centred on one point (central meridian through it, northing 0
/// at its latitude, no false easting).
#[derive(Debug, Clone)]
pub struct TransverseMercator {
    origin: LatLon,
    k0: f64,
    /// Rectifying radius A (m), times k0.
    k0_a_m: f64,
    e: f64,
    e2: f64,
    alpha: [f64; 6],
    beta: [f64; 6],
    /// ξ of the origin latitude on the central meridian.
    xi0: f64,
}

impl TransverseMercator {
    /// Builds the projection for WGS84, scale factor 1 on the central meridian through `origin`.
    pub fn new(origin: LatLon) -> Self {
        Self::with_ellipsoid(origin, WGS84_A_M, WGS84_F, 1.0)
    }

    /// Builds the projection for any ellipsoid (semi-major axis `a_m`, flattening `f`) and scale.
    pub fn with_ellipsoid(origin: LatLon, a_m: f64, f: f64, k0: f64) -> Self {
        let n = f / (2.0 - f);
        let (n2, n3, n4, n5, n6) = (n * n, n.powi(3), n.powi(4), n.powi(5), n.powi(6));
        let a_rect = a_m / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0 + n6 / 256.0);
        let alpha = [
            n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0 - 127.0 * n5 / 288.0
                + 7891.0 * n6 / 37800.0,
            13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0 + 281.0 * n5 / 630.0
                - 1983433.0 * n6 / 1935360.0,
            61.0 * n3 / 240.0 - 103.0 * n4 / 140.0
                + 15061.0 * n5 / 26880.0
                + 167603.0 * n6 / 181440.0,
            49561.0 * n4 / 161280.0 - 179.0 * n5 / 168.0 + 6601661.0 * n6 / 7257600.0,
            34729.0 * n5 / 80640.0 - 3418889.0 * n6 / 1995840.0,
            212378941.0 * n6 / 319334400.0,
        ];
        let beta = [
            n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0 - n4 / 360.0 - 81.0 * n5 / 512.0
                + 96199.0 * n6 / 604800.0,
            n2 / 48.0 + n3 / 15.0 - 437.0 * n4 / 1440.0 + 46.0 * n5 / 105.0
                - 1118711.0 * n6 / 3870720.0,
            17.0 * n3 / 480.0 - 37.0 * n4 / 840.0 - 209.0 * n5 / 4480.0 + 5569.0 * n6 / 90720.0,
            4397.0 * n4 / 161280.0 - 11.0 * n5 / 504.0 - 830251.0 * n6 / 7257600.0,
            4583.0 * n5 / 161280.0 - 108847.0 * n6 / 3991680.0,
            20648693.0 * n6 / 638668800.0,
        ];
        let e2 = f * (2.0 - f);
        let mut tm = Self {
            origin,
            k0,
            k0_a_m: k0 * a_rect,
            e: e2.sqrt(),
            e2,
            alpha,
            beta,
            xi0: 0.0,
        };
        let (xi0, _) = tm.xi_eta(origin.lat.to_radians(), 0.0);
        tm.xi0 = xi0;
        tm
    }

    /// Returns the origin (domain centre).
    pub fn origin(&self) -> LatLon {
        self.origin
    }

    /// Returns the scale factor on the central meridian.
    pub fn k0(&self) -> f64 {
        self.k0
    }

    /// Conformal τ' = tan χ from τ = tan φ (Karney 2011, eq 7–9).
    fn tau_prime(&self, tau: f64) -> f64 {
        let sig = (self.e * (self.e * tau / tau.hypot(1.0)).atanh()).sinh();
        tau * sig.hypot(1.0) - sig * tau.hypot(1.0)
    }

    /// Gauss–Krüger ξ, η (dimensionless) for latitude φ and longitude offset λ (radians).
    fn xi_eta(&self, phi: f64, lam: f64) -> (f64, f64) {
        let taup = self.tau_prime(phi.tan());
        let xip = taup.atan2(lam.cos());
        let etap = (lam.sin() / taup.hypot(lam.cos())).asinh();
        let (mut xi, mut eta) = (xip, etap);
        for (j, a) in self.alpha.iter().enumerate() {
            let k = 2.0 * (j as f64 + 1.0);
            xi += a * (k * xip).sin() * (k * etap).cosh();
            eta += a * (k * xip).cos() * (k * etap).sinh();
        }
        (xi, eta)
    }

    /// Projects a latitude/longitude to local metres (x east, y north).
    pub fn forward(&self, p: LatLon) -> (f64, f64) {
        let lam = ((p.lon - self.origin.lon + 540.0).rem_euclid(360.0) - 180.0).to_radians();
        let (xi, eta) = self.xi_eta(p.lat.to_radians(), lam);
        (self.k0_a_m * eta, self.k0_a_m * (xi - self.xi0))
    }

    /// Returns the latitude/longitude of local metres (x east, y north).
    pub fn inverse(&self, x_m: f64, y_m: f64) -> LatLon {
        let xi = y_m / self.k0_a_m + self.xi0;
        let eta = x_m / self.k0_a_m;
        let (mut xip, mut etap) = (xi, eta);
        for (j, b) in self.beta.iter().enumerate() {
            let k = 2.0 * (j as f64 + 1.0);
            xip -= b * (k * xi).sin() * (k * eta).cosh();
            etap -= b * (k * xi).cos() * (k * eta).sinh();
        }
        let taup = xip.sin() / etap.sinh().hypot(xip.cos());
        let lam = etap.sinh().atan2(xip.cos());
        // Newton iteration for τ from τ' (Karney 2011, eqs 19–21); converges in 2–3 steps.
        let mut tau = taup / (1.0 - self.e2);
        for _ in 0..8 {
            let tp = self.tau_prime(tau);
            let dtau = (taup - tp) / tp.hypot(1.0) * (1.0 + (1.0 - self.e2) * tau * tau)
                / ((1.0 - self.e2) * tau.hypot(1.0));
            tau += dtau;
            if dtau.abs() < 1e-15 * tau.abs().max(1.0) {
                break;
            }
        }
        LatLon {
            lat: tau.atan().to_degrees(),
            lon: self.origin.lon + lam.to_degrees(),
        }
    }

    /// Returns the grid convergence γ (degrees, grid north's angle east of true north) at a point,
    /// needed to turn a wind direction from true north into the grid frame.
    pub fn convergence_deg(&self, p: LatLon) -> f64 {
        let (x0, y0) = self.forward(p);
        let north = self.forward(LatLon::new(p.lat + 1e-5, p.lon));
        (north.0 - x0).atan2(north.1 - y0).to_degrees()
    }
}
