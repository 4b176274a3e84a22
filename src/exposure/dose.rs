//! Radiological dose per cell and pathway: inhalation (committed effective dose, and committed
//! thyroid dose for iodines), cloudshine (submersion) and groundshine (deposit), each over the
//! dose windows (2 d, 4 d, 7 d, 1 y by default) measured from the release start.
//!
//! - Inhalation: E = B · Σ_k C_k Δt_k · e_inh, with B the breathing rate (m³ s⁻¹), C_k the
//!   interval-mean air activity (Bq m⁻³) in the breathing layer and Δt_k the part of interval k
//!   inside the window; thyroid the same with h_T, and the thyroid of a 1-year-old child with
//!   the child's h_T and breathing rate (the dose of the US potassium-iodide PAG).
//! - Cloudshine: E = Σ_k C_k Δt_k · c_cloud (FGR-15 semi-infinite cloud).
//! - Groundshine: the deposit D_k (Bq m⁻²) that fell during output interval k, which every
//!   model keeps, irradiates from the interval's middle t_k. Fields that hold only the run's
//!   deposit D are timed by a proxy: D is taken to
//!   fall in proportion to the air that deposits it, a share C_k Δt_k / Σ C_j Δt_j at the
//!   middle t_k of each output interval: the dry deposit with the breathing layer's air (flux
//!   v_d·C at the ground), the wet deposit with the column's, Σ_layers C·depth (washout Λ·∫C dz
//!   takes air at every height, so rain under an elevated plume deposits before, and where, the
//!   ground air sees it; found by review: such deposits were timed at the run's end). Each
//!   falls back on the other's timing where its own air is nil, and on the run's end where
//!   both are. Each share irradiates
//!   from t_k to the end of the window W, with decay and daughter ingrowth integrated in closed
//!   form: E = r · Σ_k D_k [g_p I(λp, W − t_k) + Σ_d g_d ∫ A_d dt / D_k] (D_k = share_k D by the
//!   proxy),
//!   I(λ, τ) = (1 − e^{−λτ})/λ, r the ground-roughness factor (FGR-15 assumes a smooth infinite
//!   plane). Noble-gas daughters (Xe-133 of I-133) leave the ground as they are born and add
//!   no groundshine.
//! - Daughters in air: a parent released at `release_start_s` carries its library daughters in
//!   the Bateman ratio at the interval's mid-time age; this is the oldest possible age, an upper
//!   bound for daughters that grow in (Te-132 → I-132). A daughter of at most an hour's
//!   half-life under a parent a hundred times longer-lived (Cs-137 → Ba-137m, Ru-106 → Rh-106,
//!   Ru-103 → Rh-103m) is carried at its equilibrium ratio b·λd/(λd − λp) from the release on
//!   ([`daughter_ratio`]). Daughters of daughters are not followed; the table folds
//!   a short-lived intermediate into its parent's branch instead (I-135 → Xe-135m → Xe-135,
//!   `data/README.md`).
//! - Sheltering: the dose indoors is the outdoor dose of each pathway times its dose-reduction
//!   factor; the averted dose is outdoor minus indoor.
//!
//! ## References
//! - ICRP (2012) Publication 119; ICRP (1996) Publication 72 (inhalation coefficients).
//! - US EPA (2025) Federal Guidance Report 15, EPA 402-R-25-001, revised July 2025 (external
//!   coefficients).
//! - US EPA (2017) PAG Manual, EPA-400/R-17/001, §2 and Appendix (projected and averted dose).

use ndarray::{s, Array2, Array3};
use rayon::prelude::*;
use serde::Serialize;

use crate::field::SpeciesFields;
use crate::substance::bateman::{daughter_activity_integral, decay_integral_s, ingrowth_ratio};
use crate::substance::{DepositionClass, Library, Nuclide};

/// Fraction of the outdoor dose of each pathway received indoors (dose-reduction factors).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ShelterFactors {
    pub cloudshine: f64,
    pub groundshine: f64,
    pub inhalation: f64,
}

impl Default for ShelterFactors {
    /// A wood-frame house without basement: cloudshine 0.9, groundshine 0.4 (US EPA
    /// 400-R-92-001 (1992) §5 shielding factors for a wood-frame house, recalled and UNVERIFIED),
    /// and no credit for inhalation
    /// (1.0), since an unsealed house only delays the intake. Scenario files should set these.
    fn default() -> Self {
        ShelterFactors {
            cloudshine: 0.9,
            groundshine: 0.4,
            inhalation: 1.0,
        }
    }
}

/// Radiological dose of every pathway on the grid, for each window.
#[derive(Debug, Clone, PartialEq)]
pub struct RadiologicalDose {
    /// Window lengths (s), each counted from the release start.
    pub windows_s: Vec<f64>,
    /// Committed effective dose from inhalation [window, y, x] (Sv).
    pub inhalation_sv: Array3<f64>,
    /// Effective dose from submersion [window, y, x] (Sv).
    pub cloudshine_sv: Array3<f64>,
    /// Effective dose from the deposit [window, y, x] (Sv).
    pub groundshine_sv: Array3<f64>,
    /// Committed equivalent dose to the thyroid from inhalation [window, y, x] (Sv).
    pub thyroid_sv: Array3<f64>,
    /// Committed equivalent dose to the thyroid of a 1-year-old child from inhalation
    /// [window, y, x] (Sv).
    pub thyroid_child_sv: Array3<f64>,
    /// Outdoor effective dose of each assessed nuclide (with its ingrown daughters)
    /// [window, y, x] (Sv), for provenance of the values that decide a zone.
    pub by_nuclide: Vec<(String, Array3<f64>)>,
    pub shelter: ShelterFactors,
}

impl RadiologicalDose {
    /// Index of the window ending at `window_s`, if computed.
    pub fn window_index(&self, window_s: f64) -> Option<usize> {
        self.windows_s
            .iter()
            .position(|&w| (w - window_s).abs() <= 1e-9 * window_s.max(1.0))
    }

    /// Projected outdoor effective dose (all pathways) for window `w` (Sv).
    pub fn effective_sv(&self, w: usize) -> Array2<f64> {
        let mut e = self.inhalation_sv.slice(s![w, .., ..]).to_owned();
        e += &self.cloudshine_sv.slice(s![w, .., ..]);
        e += &self.groundshine_sv.slice(s![w, .., ..]);
        e
    }

    /// Effective dose while sheltered for the whole window (Sv).
    pub fn sheltered_effective_sv(&self, w: usize) -> Array2<f64> {
        let f = self.shelter;
        &self.inhalation_sv.slice(s![w, .., ..]) * f.inhalation
            + &self.cloudshine_sv.slice(s![w, .., ..]) * f.cloudshine
            + &self.groundshine_sv.slice(s![w, .., ..]) * f.groundshine
    }

    /// Dose averted by sheltering for the whole window (Sv).
    pub fn averted_sv(&self, w: usize) -> Array2<f64> {
        self.effective_sv(w) - self.sheltered_effective_sv(w)
    }

    /// Projected thyroid dose for window `w`; inhalation only, as the thyroid criteria intend.
    pub fn thyroid_projected_sv(&self, w: usize) -> Array2<f64> {
        self.thyroid_sv.slice(s![w, .., ..]).to_owned()
    }

    /// Projected thyroid dose of a 1-year-old child for window `w`; inhalation only.
    pub fn thyroid_child_projected_sv(&self, w: usize) -> Array2<f64> {
        self.thyroid_child_sv.slice(s![w, .., ..]).to_owned()
    }
}

/// Per-window coefficients of one transported nuclide, independent of the cell.
#[derive(Debug, Clone)]
pub(crate) struct NuclideCoefficients {
    /// [window][interval] Sv per (Bq m⁻³) of interval-mean concentration.
    pub inhalation: Vec<Vec<f64>>,
    pub thyroid: Vec<Vec<f64>>,
    pub thyroid_child: Vec<Vec<f64>>,
    pub cloudshine: Vec<Vec<f64>>,
    /// Length of each output interval (s).
    pub interval_s: Vec<f64>,
    /// [window][k] Sv per (Bq m⁻²) deposited at the middle of interval k (k < N), or at the end
    /// of the run (k = N).
    pub groundshine: Vec<Vec<f64>>,
}

/// Inputs of the dose computation besides the fields.
#[derive(Debug, Clone, PartialEq)]
pub struct DoseSettings {
    pub breathing_rate_m3_s: f64,
    pub child_breathing_rate_m3_s: f64,
    pub ground_roughness_factor: f64,
    pub release_start_s: f64,
    pub windows_s: Vec<f64>,
    pub shelter: ShelterFactors,
}

/// Builds the cell-independent coefficients of nuclide `n` for output intervals `bounds_s`.
pub(crate) fn coefficients(
    n: &Nuclide,
    library: &Library,
    bounds_s: &[f64],
    settings: &DoseSettings,
) -> NuclideCoefficients {
    let lp = n.decay_constant_per_s();
    let daughters: Vec<(&Nuclide, f64)> = n
        .daughters
        .iter()
        .filter_map(|d| library.nuclide(&d.name).map(|dn| (dn, d.branching)))
        .collect();
    let nk = bounds_s.len() - 1;
    let t_end = bounds_s[nk];
    let br = settings.breathing_rate_m3_s;
    // The child's intake per unit adult intake.
    let child = settings.child_breathing_rate_m3_s / br;
    let mut c = NuclideCoefficients {
        interval_s: bounds_s.windows(2).map(|b| b[1] - b[0]).collect(),
        inhalation: vec![],
        thyroid: vec![],
        thyroid_child: vec![],
        cloudshine: vec![],
        groundshine: vec![],
    };
    for &length in &settings.windows_s {
        // A window runs from the release start (EPA's "first four days" of a release).
        let w = settings.release_start_s + length;
        let (mut inh, mut thy, mut cloud) = (vec![0.0; nk], vec![0.0; nk], vec![0.0; nk]);
        let mut thy_child = vec![0.0; nk];
        for k in 0..nk {
            let dt = (bounds_s[k + 1].min(w) - bounds_s[k]).max(0.0);
            if dt == 0.0 {
                continue;
            }
            let age = (0.5 * (bounds_s[k] + bounds_s[k + 1]) - settings.release_start_s).max(0.0);
            // Intake per becquerel inhaled: 1.5 for tritiated water (skin absorption).
            let intake = br * dt * n.intake_per_inhaled_bq();
            inh[k] = intake * n.inh_effective_sv_per_bq.unwrap_or(0.0);
            thy[k] = intake * n.inh_thyroid_sv_per_bq.unwrap_or(0.0);
            thy_child[k] = child * intake * n.inh_thyroid_child_sv_per_bq.unwrap_or(0.0);
            cloud[k] = dt * n.cloudshine_sv_m3_per_bq_s;
            for &(d, b) in &daughters {
                let r = daughter_ratio(lp, d.decay_constant_per_s(), b, age);
                // A parent much shorter-lived than its daughter: past e^{(λp − λd)t} ≈ 1e308 the
                // ratio overflows, and the parent's own concentration has underflowed to zero,
                // so there is nothing left to carry the daughter (∞ × 0 would poison the cell).
                if !r.is_finite() {
                    continue;
                }
                let intake = br * dt * r * d.intake_per_inhaled_bq();
                inh[k] += intake * d.inh_effective_sv_per_bq.unwrap_or(0.0);
                thy[k] += intake * d.inh_thyroid_sv_per_bq.unwrap_or(0.0);
                thy_child[k] += child * intake * d.inh_thyroid_child_sv_per_bq.unwrap_or(0.0);
                cloud[k] += dt * r * d.cloudshine_sv_m3_per_bq_s;
            }
        }
        let deposit_times = (0..nk)
            .map(|k| 0.5 * (bounds_s[k] + bounds_s[k + 1]))
            .chain(std::iter::once(t_end));
        let ground: Vec<f64> = deposit_times
            .map(|t_dep| {
                let tau = (w - t_dep).max(0.0);
                let age_dep = (t_dep - settings.release_start_s).max(0.0);
                let mut g = n.groundshine_sv_m2_per_bq_s * decay_integral_s(lp, tau);
                // A noble-gas daughter (Xe-133 of a deposited I-133) escapes the ground as it
                // is born: it adds no groundshine.
                let on_ground = daughters
                    .iter()
                    .filter(|(d, _)| d.deposition_class != DepositionClass::NobleGas);
                for &(d, b) in on_ground {
                    let ld = d.decay_constant_per_s();
                    let d0 = daughter_ratio(lp, ld, b, age_dep);
                    let integral = daughter_activity_integral(1.0, d0, lp, ld, b, tau);
                    if integral.is_finite() {
                        g += d.groundshine_sv_m2_per_bq_s * integral;
                    }
                }
                settings.ground_roughness_factor * g
            })
            .collect();
        c.inhalation.push(inh);
        c.thyroid.push(thy);
        c.thyroid_child.push(thy_child);
        c.cloudshine.push(cloud);
        c.groundshine.push(ground);
    }
    c
}

/// The longest half-life (s) of a daughter taken in equilibrium with its parent from the
/// release on ([`daughter_ratio`]): an hour.
pub const EQUILIBRIUM_DAUGHTER_MAX_HALF_LIFE_S: f64 = 3600.0;

/// How many times longer-lived than such a daughter its parent must be.
pub const EQUILIBRIUM_PARENT_FACTOR: f64 = 100.0;

/// Activity of a daughter per unit activity of its parent (decay constants λp, λd, branching
/// b) in air `age_s` after the release start.
///
/// Grown from none at the release (Bateman, [`ingrowth_ratio`]) — except a daughter of at most
/// [`EQUILIBRIUM_DAUGHTER_MAX_HALF_LIFE_S`] under a parent [`EQUILIBRIUM_PARENT_FACTOR`] times
/// longer-lived, which stands at its equilibrium b·λd/(λd − λp) from the start: any real source
/// of such a parent (an aged caesium source, a core) holds the daughter in equilibrium, and a
/// separation during the release (barium and caesium leave a core in different fractions)
/// regrows within a few of the daughter's half-lives, minutes. Grown from none, Ba-137m had
/// stood at 0.12 of the parent in a release's first 1-minute interval, and a Cs-137 cloud's
/// gamma at half its value within 400 m (found by review). Longer-lived daughters (Y-90 of
/// Sr-90, La-140 of Ba-140) grow in: a core releases their elements in other fractions, and
/// they would take days to regrow.
pub fn daughter_ratio(lambda_p_per_s: f64, lambda_d_per_s: f64, branching: f64, age_s: f64) -> f64 {
    equilibrium_ratio(lambda_p_per_s, lambda_d_per_s, branching)
        .unwrap_or_else(|| ingrowth_ratio(lambda_p_per_s, lambda_d_per_s, branching, age_s))
}

/// The ratio b·λd/(λd − λp) at which a daughter rides with its parent from the release on, for
/// a daughter [`daughter_ratio`] carries in equilibrium (at most
/// [`EQUILIBRIUM_DAUGHTER_MAX_HALF_LIFE_S`], under a parent [`EQUILIBRIUM_PARENT_FACTOR`] times
/// longer-lived); `None` for one that grows in. A scenario that also releases such a daughter
/// beside its parent has it folded into the parent's (`scenario::validate::daughters`).
pub fn equilibrium_ratio(lambda_p_per_s: f64, lambda_d_per_s: f64, branching: f64) -> Option<f64> {
    let ln2 = std::f64::consts::LN_2;
    let short = lambda_d_per_s * EQUILIBRIUM_DAUGHTER_MAX_HALF_LIFE_S >= ln2;
    (short && lambda_d_per_s >= EQUILIBRIUM_PARENT_FACTOR * lambda_p_per_s)
        .then(|| branching * lambda_d_per_s / (lambda_d_per_s - lambda_p_per_s))
}

/// Adds the dose of one nuclide's fields to `dose` (layer `layer` is the breathing layer).
///
/// Rows are computed independently (in parallel) into row buffers that stay in cache: for each
/// output interval the row of concentrations is read once and added, with its per-window
/// coefficients, to every pathway. The result does not depend on the thread count.
pub(crate) fn accumulate(
    dose: &mut RadiologicalDose,
    name: &str,
    f: &SpeciesFields,
    layer: usize,
    layer_depths_m: &[f64],
    c: &NuclideCoefficients,
) {
    let (nw, ny, nx) = dose.inhalation_sv.dim();
    let nk = c.inhalation.first().map_or(0, Vec::len);
    // Windows that end after the run share their air coefficients: compute each distinct set
    // once (`source[w]` is the first window with the same coefficients as w).
    let source: Vec<usize> = (0..nw)
        .map(|w| {
            (0..w)
                .find(|&v| {
                    c.inhalation[v] == c.inhalation[w]
                        && c.thyroid[v] == c.thyroid[w]
                        && c.thyroid_child[v] == c.thyroid_child[w]
                        && c.cloudshine[v] == c.cloudshine[w]
                })
                .unwrap_or(w)
        })
        .collect();
    let dt = &c.interval_s;
    // Per row: [pathway][window][x] with the AIR_PATHWAYS (inhalation, adult and child
    // thyroid, cloudshine), then the deposit-time-weighted groundshine numerator [window][x],
    // then the TIC weight [x]; then the same two for the column's air (the wet deposit's).
    const AIR_PATHWAYS: usize = 4;
    let ground_at = AIR_PATHWAYS;
    let tic_at = (AIR_PATHWAYS + 1) * nw * nx;
    let column_ground_at = tic_at + nx;
    let column_tic_at = column_ground_at + nw * nx;
    let rows: Vec<Vec<f64>> = (0..ny)
        .into_par_iter()
        .map(|j| {
            let mut buf = vec![0.0; column_tic_at + nx];
            let mut row = vec![0.0; nx];
            // Every row with a deposit, so that a dry deposit's fallback on the column does
            // not hang on rain elsewhere in the row (found by review); fields that keep each
            // interval's deposit need no timing weights.
            let deposits = f.deposition_by_interval.is_none()
                && (f.wet_deposition.row(j).iter().any(|&d| d > 0.0)
                    || f.dry_deposition.row(j).iter().any(|&d| d > 0.0));
            for (k, &dt_k) in dt.iter().enumerate() {
                if deposits {
                    row.fill(0.0);
                    for (l, &depth) in layer_depths_m.iter().enumerate() {
                        for (v, c) in row
                            .iter_mut()
                            .zip(f.exposure_series().slice(s![k, l, j, ..]))
                        {
                            *v += depth * c;
                        }
                    }
                    weigh_deposit(&mut buf[column_ground_at..], dt_k, k, c, &row);
                }
                for (v, c) in row
                    .iter_mut()
                    .zip(f.exposure_series().slice(s![k, layer, j, ..]))
                {
                    *v = *c;
                }
                if row.iter().all(|&v| v == 0.0) {
                    continue;
                }
                for w in (0..nw).filter(|&w| source[w] == w) {
                    let coefs: [f64; AIR_PATHWAYS] = [
                        c.inhalation[w][k],
                        c.thyroid[w][k],
                        c.thyroid_child[w][k],
                        c.cloudshine[w][k],
                    ];
                    for (p, &coef) in coefs.iter().enumerate() {
                        if coef == 0.0 {
                            continue;
                        }
                        let out = &mut buf[(p * nw + w) * nx..(p * nw + w + 1) * nx];
                        for (o, &v) in out.iter_mut().zip(&row) {
                            *o += coef * v;
                        }
                    }
                }
                if f.deposition_by_interval.is_none() {
                    weigh_deposit(&mut buf[ground_at * nw * nx..], dt_k, k, c, &row);
                }
            }
            for w in (0..nw).filter(|&w| source[w] != w) {
                for p in 0..AIR_PATHWAYS {
                    let from = (p * nw + source[w]) * nx;
                    buf.copy_within(from..from + nx, (p * nw + w) * nx);
                }
            }
            buf
        })
        .collect();
    let mut mine = Array3::<f64>::zeros((nw, ny, nx));
    for (j, buf) in rows.iter().enumerate() {
        for w in 0..nw {
            for i in 0..nx {
                let at = |p: usize| buf[(p * nw + w) * nx + i];
                let ground = match &f.deposition_by_interval {
                    // Each interval's deposit at the interval's middle.
                    Some(by) => (0..dt.len())
                        .map(|k| c.groundshine[w][k] * (by.dry[[k, j, i]] + by.wet[[k, j, i]]))
                        .sum(),
                    None => {
                        // Groundshine per Bq m⁻² deposited with the breathing layer's air, and
                        // with the column's.
                        let (tic, column_tic) = (buf[tic_at + i], buf[column_tic_at + i]);
                        let by_ground = (tic > 0.0).then(|| at(ground_at) / tic);
                        let by_column = (column_tic > 0.0)
                            .then(|| buf[column_ground_at + w * nx + i] / column_tic);
                        let at_end = c.groundshine[w][nk];
                        let dry = by_ground.or(by_column).unwrap_or(at_end);
                        let wet = by_column.or(by_ground).unwrap_or(at_end);
                        dry * f.dry_deposition[[j, i]] + wet * f.wet_deposition[[j, i]]
                    }
                };
                dose.inhalation_sv[[w, j, i]] += at(0);
                dose.thyroid_sv[[w, j, i]] += at(1);
                dose.thyroid_child_sv[[w, j, i]] += at(2);
                dose.cloudshine_sv[[w, j, i]] += at(3);
                dose.groundshine_sv[[w, j, i]] += ground;
                mine[[w, j, i]] = at(0) + at(3) + ground;
            }
        }
    }
    dose.by_nuclide.push((name.to_string(), mine));
}

/// Adds interval k's air `row` [x] to a deposit's timing weights `buf`: the groundshine
/// numerator Δt_k·g_w(k)·C [window][x], then the weight Δt_k·C [x].
fn weigh_deposit(buf: &mut [f64], dt_k: f64, k: usize, c: &NuclideCoefficients, row: &[f64]) {
    let nx = row.len();
    let nw = c.groundshine.len();
    for w in 0..nw {
        let coef = dt_k * c.groundshine[w][k];
        for (o, &v) in buf[w * nx..(w + 1) * nx].iter_mut().zip(row) {
            *o += coef * v;
        }
    }
    for (o, &v) in buf[nw * nx..(nw + 1) * nx].iter_mut().zip(row) {
        *o += dt_k * v;
    }
}
