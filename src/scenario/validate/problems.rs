//! The problems a scenario file has, collected as they are found, and the bounds its numbers
//! are checked against.

use super::Problem;

/// Collects problems; each check records one and returns whether the value passed.
#[derive(Default)]
pub(super) struct Problems {
    pub(super) list: Vec<Problem>,
    /// Paths whose value could not be read (a wrong type, a table missing a key, an unknown key
    /// that names them): their problem is already reported, so they are not also "missing".
    unread: Vec<String>,
    /// Missing values left unreported because they were unread.
    quiet: usize,
    /// What is valid but probably not what was meant; reported without stopping the run.
    pub(super) warnings: Vec<String>,
}

impl Problems {
    pub(super) fn push(
        &mut self,
        path: impl Into<String>,
        value: impl Into<String>,
        expected: impl Into<String>,
    ) {
        self.list.push(Problem {
            path: path.into(),
            value: value.into(),
            expected: expected.into(),
        });
    }

    /// Problems found so far, counting the quiet ones: a check compares it before and after to
    /// tell whether everything it read was valid.
    pub(super) fn count(&self) -> usize {
        self.list.len() + self.quiet
    }

    /// Marks `path` (and everything under it) as already reported unreadable.
    pub(super) fn unread(&mut self, path: impl Into<String>) {
        self.unread.push(path.into());
    }

    pub(super) fn is_unread(&self, path: &str) -> bool {
        self.unread.iter().any(|u| {
            path.strip_prefix(u.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
    }

    pub(super) fn missing(&mut self, path: impl Into<String>, expected: &str) {
        let path = path.into();
        if self.is_unread(&path) {
            self.quiet += 1;
        } else {
            self.push(path, "(missing)", expected);
        }
    }

    /// Checks that `v` is finite and within `b`.
    pub(super) fn range(&mut self, path: &str, v: f64, b: Bounds) -> bool {
        let ok = b.contains(v);
        if !ok {
            self.push(path, fmt_num(v), b.describe());
        }
        ok
    }

    /// A required number within `b`; returns it when present and valid.
    pub(super) fn req(&mut self, path: &str, v: Option<f64>, b: Bounds) -> Option<f64> {
        match v {
            None => {
                self.missing(path, &b.describe());
                None
            }
            Some(v) => self.range(path, v, b).then_some(v),
        }
    }

    /// An optional number within `b`, `default` when absent.
    pub(super) fn opt(&mut self, path: &str, v: Option<f64>, default: f64, b: Bounds) -> f64 {
        match v {
            None => default,
            Some(v) => {
                self.range(path, v, b);
                v
            }
        }
    }
}

/// An allowed interval for a number, with its unit.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bounds {
    lo: f64,
    lo_inclusive: bool,
    hi: f64,
    hi_inclusive: bool,
    unit: &'static str,
}

impl Bounds {
    pub(super) const fn new(
        lo: f64,
        lo_inclusive: bool,
        hi: f64,
        hi_inclusive: bool,
        unit: &'static str,
    ) -> Self {
        Bounds {
            lo,
            lo_inclusive,
            hi,
            hi_inclusive,
            unit,
        }
    }

    pub(super) fn contains(&self, v: f64) -> bool {
        v.is_finite()
            && (if self.lo_inclusive {
                v >= self.lo
            } else {
                v > self.lo
            })
            && (if self.hi_inclusive {
                v <= self.hi
            } else {
                v < self.hi
            })
    }

    pub(super) fn describe(&self) -> String {
        let l = if self.lo_inclusive { "≥" } else { ">" };
        let h = if self.hi_inclusive { "≤" } else { "<" };
        if self.hi == f64::MAX {
            // No upper bound: do not print 309 digits of f64::MAX.
            return format!("a number {l} {} {}", fmt_num(self.lo), self.unit)
                .trim_end()
                .to_string();
        }
        // 1e25 rather than its 26 digits (found by review).
        format!(
            "a number {l} {} and {h} {} {}",
            fmt_num(self.lo),
            fmt_num(self.hi),
            self.unit
        )
        .trim_end()
        .to_string()
    }
}

pub(super) fn fmt_num(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v != 0.0 && v.is_finite() && !(1e-5..1e16).contains(&v.abs()) {
        // 1e300 rather than its 301 digits.
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}
