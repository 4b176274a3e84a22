//! Bateman ingrowth of a daughter in air against the textbook solution and an independent ODE
//! integration, and its stability where half-lives nearly coincide.

use plume::substance::bateman::{daughter_activity, daughter_activity_integral};
use plume::substance::Library;

const DAY: f64 = 86_400.0;

#[test]
fn bateman_ingrowth_of_iodine_132_from_tellurium_132_matches_the_analytic_solution() {
    let lib = Library::embedded();
    let te = lib.nuclide("Te-132").unwrap();
    let i = lib.nuclide("I-132").unwrap();
    let (lp, ld) = (te.decay_constant_per_s(), i.decay_constant_per_s());
    let (ap0, ad0) = (1.0e12, 3.0e11);
    // Textbook form (Bateman 1910) for a pure-parent start plus the daughter's own decay.
    let textbook =
        |t: f64| ad0 * (-ld * t).exp() + ld / (ld - lp) * ap0 * ((-lp * t).exp() - (-ld * t).exp());
    // Independent check: RK4 on dA_p/dt = -λp A_p, dA_d/dt = λd (A_p - A_d), step 1 s.
    let mut y = [ap0, ad0];
    let mut t = 0.0;
    let f = |y: [f64; 2]| [-lp * y[0], ld * (y[0] - y[1])];
    for target in [600.0, 3600.0, 6.0 * 3600.0, DAY, 5.0 * DAY] {
        let got = daughter_activity(ap0, ad0, lp, ld, 1.0, target);
        let want = textbook(target);
        assert!(
            ((got - want) / want).abs() < 1e-9,
            "t={target}: {got} vs {want}"
        );
        while t < target - 1e-9 {
            let h = 1.0f64.min(target - t);
            let k1 = f(y);
            let k2 = f([y[0] + h / 2.0 * k1[0], y[1] + h / 2.0 * k1[1]]);
            let k3 = f([y[0] + h / 2.0 * k2[0], y[1] + h / 2.0 * k2[1]]);
            let k4 = f([y[0] + h * k3[0], y[1] + h * k3[1]]);
            for q in 0..2 {
                y[q] += h / 6.0 * (k1[q] + 2.0 * k2[q] + 2.0 * k3[q] + k4[q]);
            }
            t += h;
        }
        assert!(
            ((y[1] - got) / got).abs() < 1e-9,
            "RK4 t={target}: {} vs {got}",
            y[1]
        );
    }
    // Transient equilibrium after many daughter half-lives: A_d/A_p → λd/(λd − λp).
    let t = 3.0 * DAY;
    let ratio = daughter_activity(ap0, 0.0, lp, ld, 1.0, t) / (ap0 * (-lp * t).exp());
    assert!((ratio - ld / (ld - lp)).abs() < 1e-9);
    // The integral is the antiderivative of the activity: compare with a fine Simpson sum.
    let tt = 2.0 * DAY;
    let n = 100_000;
    let h = tt / n as f64;
    let mut s = ad0 + daughter_activity(ap0, ad0, lp, ld, 1.0, tt);
    for k in 1..n {
        s += daughter_activity(ap0, ad0, lp, ld, 1.0, k as f64 * h)
            * if k % 2 == 1 { 4.0 } else { 2.0 };
    }
    let num = s * h / 3.0;
    let ana = daughter_activity_integral(ap0, ad0, lp, ld, 1.0, tt);
    assert!(((num - ana) / ana).abs() < 1e-9, "{num} vs {ana}");
}

#[test]
fn bateman_is_stable_when_half_lives_nearly_coincide() {
    let lp: f64 = 1e-5;
    for ld in [
        1e-5 * (1.0 + 1e-12),
        1e-5 * (1.0 + 1e-7),
        1e-5 * (1.0 + 1e-3),
    ] {
        let t: f64 = 2.0e5;
        let exact_limit = lp * t * (-lp * t).exp(); // λ t e^{-λt} for λd = λp
        let got = daughter_activity(1.0, 0.0, lp, ld, 1.0, t);
        assert!(
            ((got - exact_limit) / exact_limit).abs() < 2e-3,
            "{ld}: {got}"
        );
        let i = daughter_activity_integral(1.0, 0.0, lp, ld, 1.0, t);
        let x = lp * t;
        let limit = (1.0 - (-x).exp() * (1.0 + x)) / lp;
        assert!(((i - limit) / limit).abs() < 2e-3, "{ld}: {i} vs {limit}");
    }
}
