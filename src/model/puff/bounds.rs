//! The grid's rectangle as the puff model sees it: where a puff stops touching the grid, and
//! how much of a moving puff's footprint lies on it (what falls outside has left the domain).

/// A rectangle (m) outside which a puff no longer touches the grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub x_min_m: f64,
    pub x_max_m: f64,
    pub y_min_m: f64,
    pub y_max_m: f64,
}

impl Bounds {
    /// The share of a moving puff's ground footprint that lies inside the bounds: the puff
    /// moves from `(x, y)` by `(dx, dy)` (m) at a steady pace, Gaussian with σ `sigma_along_m`
    /// along its path and `sigma_y_m` across it. Each axis takes the footprint's marginal
    /// σ² = σa²·e² + σy²·(1 − e²) (exact on one edge; the product is approximate at a corner),
    /// averaged over points spaced at most one σ along the path.
    pub fn share_inside(
        &self,
        (x_m, y_m): (f64, f64),
        (dx_m, dy_m): (f64, f64),
        sigma_along_m: f64,
        sigma_y_m: f64,
    ) -> f64 {
        let len = dx_m.hypot(dy_m);
        let (ex, ey) = if len > 0.0 {
            (dx_m / len, dy_m / len)
        } else {
            (1.0, 0.0)
        };
        let marginal = |e: f64| {
            (sigma_along_m.powi(2) * e * e + sigma_y_m.powi(2) * (1.0 - e * e))
                .sqrt()
                .max(1e-9)
        };
        let (sx, sy) = (marginal(ex), marginal(ey));
        // Φ(b) − Φ(a) for a unit normal, by erfc so that both tails keep their precision.
        let between = |lo: f64, hi: f64, c: f64, s: f64| {
            let z = |v: f64| (v - c) / (s * std::f64::consts::SQRT_2);
            0.5 * (libm::erfc(-z(hi)) - libm::erfc(-z(lo)))
        };
        let n = (len / sx.min(sy)).ceil().clamp(1.0, 64.0) as usize;
        (0..n)
            .map(|k| {
                let f = (k as f64 + 0.5) / n as f64;
                let (cx, cy) = (x_m + f * dx_m, y_m + f * dy_m);
                between(self.x_min_m, self.x_max_m, cx, sx)
                    * between(self.y_min_m, self.y_max_m, cy, sy)
            })
            .sum::<f64>()
            / n as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRID: Bounds = Bounds {
        x_min_m: 0.0,
        x_max_m: 1000.0,
        y_min_m: 0.0,
        y_max_m: 1000.0,
    };

    #[test]
    fn a_puff_inside_is_all_inside_and_one_on_an_edge_half() {
        assert_eq!(
            GRID.share_inside((500.0, 500.0), (0.0, 0.0), 10.0, 10.0),
            1.0
        );
        let edge = GRID.share_inside((1000.0, 500.0), (0.0, 0.0), 10.0, 10.0);
        assert!((edge - 0.5).abs() < 1e-12, "{edge}");
        // At a corner a quarter.
        let corner = GRID.share_inside((0.0, 0.0), (0.0, 0.0), 30.0, 30.0);
        assert!((corner - 0.25).abs() < 1e-12, "{corner}");
    }

    #[test]
    fn a_puff_crossing_the_edge_averages_its_path() {
        // From 100 m inside to 100 m outside the east edge at σ 1 m: half of the path is in.
        let crossing = GRID.share_inside((900.0, 500.0), (200.0, 0.0), 1.0, 1.0);
        assert!((crossing - 0.5).abs() < 0.01, "{crossing}");
        // Along the edge only σ across the path matters: 10 m in at σy 10 m, whatever σ along.
        let phi_1 = 0.841_344_746_068_543;
        for along in [1.0, 10.0] {
            let share = GRID.share_inside((990.0, 100.0), (0.0, 500.0), along, 10.0);
            assert!((share - phi_1).abs() < 1e-9, "{share}");
        }
    }
}
