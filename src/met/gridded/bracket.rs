//! Brackets and weights for linear interpolation between grid nodes, levels and times.

/// A fractional position between two nodes: lower index and weight of the upper one.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bracket {
    pub(super) lo: usize,
    pub(super) hi: usize,
    pub(super) w: f64,
}

/// Brackets the fractional index `f` among `n` nodes (held at the ends).
pub(super) fn bracket_uniform(f: f64, n: usize) -> Bracket {
    if n == 1 || f <= 0.0 {
        return Bracket {
            lo: 0,
            hi: 0,
            w: 0.0,
        };
    }
    if f >= (n - 1) as f64 {
        return Bracket {
            lo: n - 1,
            hi: n - 1,
            w: 0.0,
        };
    }
    let lo = f.floor() as usize;
    Bracket {
        lo,
        hi: lo + 1,
        w: f - lo as f64,
    }
}

/// Brackets `x` in increasing `xs` (held at the ends).
pub(super) fn bracket_sorted(xs: &[f64], x: f64) -> Bracket {
    let n = xs.len();
    if n == 1 || x <= xs[0] {
        return Bracket {
            lo: 0,
            hi: 0,
            w: 0.0,
        };
    }
    if x >= xs[n - 1] {
        return Bracket {
            lo: n - 1,
            hi: n - 1,
            w: 0.0,
        };
    }
    let hi = xs.partition_point(|&v| v <= x);
    Bracket {
        lo: hi - 1,
        hi,
        w: (x - xs[hi - 1]) / (xs[hi] - xs[hi - 1]),
    }
}

/// a + w·(b − a): exact when a == b, so constant fields interpolate to themselves.
#[inline]
pub(super) fn lerp(a: f64, b: f64, w: f64) -> f64 {
    a + w * (b - a)
}
