//! The Gaussian plume model with its concentration field evaluated on the GPU
//! (`shaders/gaussian.wgsl`): the twin of [`crate::model::gaussian::run`].
//!
//! The shader evaluates the steady concentration per unit rate C/Q of every plume at every
//! receptor height and cell in f32 (σ from the Briggs or ISC3 fits, ground and lid images or
//! the Fourier form, gradual plume rise); the host then applies exactly the CPU model's
//! release-window overlaps, travel-time decay and rates in f64. Against the f64 CPU model
//! the field agrees to a relative 1e-4 wherever C/Q is above 10⁻⁶ of its maximum (f32
//! exponentials of arguments up to 60 lose ~60 ulp; see tests/gpu_gaussian.rs).

use bytemuck::{Pod, Zeroable};

use super::context::{GpuContext, GpuError};
use super::shaders;
use crate::field::{Fields, GridSpec};
use crate::geo::TransverseMercator;
use crate::met::UniformMet;
use crate::model::gaussian::sigma::{
    isc3_sigma_y_coefficients, isc3_sigma_z_segments, BID_RISE_RATIO,
};
use crate::model::gaussian::{self, PlumeGeometry, Setup, Sigmas};
use crate::source::Source;
use crate::substance::Species;

/// A plume as the shader reads it: a mirror of `PlumeRec` in `shaders/gaussian.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct PlumeRec {
    pub geometry: [f32; 4],
    pub flow: [f32; 4],
    pub rise: [f32; 4],
    pub briggs_y: [f32; 4],
    pub briggs_z: [f32; 4],
    pub isc3_y: [f32; 4],
    pub scheme: [u32; 4],
    /// The source's nearest grid cell (i, j) as whole numbers and its offset from that cell's
    /// centre (m), set by [`steady_grids`] for its grid (f32 absolute coordinates lose
    /// millimetres tens of kilometres from the frame origin, too much for cells near the source).
    pub cell: [f32; 4],
}
const _: () = assert!(std::mem::size_of::<PlumeRec>() == 128);

/// The grid of one dispatch: a mirror of `GridParams`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct GridParams {
    pub nx: u32,
    pub ny: u32,
    pub n_plumes: u32,
    pub n_heights: u32,
    pub x0_m: f32,
    pub y0_m: f32,
    pub dx_m: f32,
    pub pad: u32,
}
const _: () = assert!(std::mem::size_of::<GridParams>() == 32);

/// Packs `plumes` for the shader, appending their ISC3 σz segments to `segments`.
pub fn plume_records(plumes: &[PlumeGeometry], segments: &mut Vec<[f32; 4]>) -> Vec<PlumeRec> {
    plumes
        .iter()
        .map(|p| {
            let mut r = PlumeRec {
                geometry: [
                    p.x_m as f32,
                    p.y_m as f32,
                    p.downwind.0 as f32,
                    p.downwind.1 as f32,
                ],
                flow: [
                    p.u_m_s as f32,
                    p.stack_height_m as f32,
                    p.lid_m.map_or(-1.0, |h| h as f32),
                    0.0,
                ],
                ..Zeroable::zeroed()
            };
            if let Some(rise) = p.rise {
                // Gradual rise c·x^p (Briggs 1975): p = ⅔ buoyant, ⅓ momentum; c read off the
                // model's own rise far inside the gradual phase. A stable momentum jet's
                // (a·sin(k·x))^⅓ is stored as c = a and p = −k (the sign marks it).
                let (coef, power) = match rise.stable_jet() {
                    Some((a, k)) => (a, -k),
                    None => {
                        let power = if rise.is_buoyant() {
                            2.0 / 3.0
                        } else {
                            1.0 / 3.0
                        };
                        let x_ref: f64 = 1.0e-6;
                        (rise.rise_at_m(x_ref) / x_ref.powf(power), power)
                    }
                };
                r.rise = [
                    rise.final_rise_m() as f32,
                    rise.distance_to_final_rise_m() as f32,
                    coef as f32,
                    power as f32,
                ];
            }
            // The axis descends by v_s·x/u (twin: PlumeGeometry::effective_height_m).
            r.isc3_y[2] = (p.settling_velocity_m_s / p.u_m_s) as f32;
            if matches!(p.sigmas, Sigmas::Rising { .. }) {
                // Buoyancy-induced dispersion: σ² + (rise/3.5)² (twin: Sigmas::at).
                r.flow[3] = (1.0 / BID_RISE_RATIO) as f32;
            }
            match p.sigmas.passive_form() {
                // Refused by `steady_grids` before the records are built.
                Sigmas::DenseGas(_) | Sigmas::Rising { .. } => {}
                Sigmas::Briggs { y, z } => {
                    r.briggs_y = [y.a as f32, y.b as f32, y.p as f32, 0.0];
                    r.briggs_z = [z.a as f32, z.b as f32, z.p as f32, 0.0];
                }
                Sigmas::Isc3 { class } => {
                    let (c, d) = isc3_sigma_y_coefficients(class);
                    r.isc3_y[0] = c as f32;
                    r.isc3_y[1] = d as f32;
                    let segs = isc3_sigma_z_segments(class);
                    r.scheme = [1, segments.len() as u32, segs.len() as u32, 0];
                    segments.extend(segs.iter().map(|&(to, a, b)| {
                        [
                            if to.is_finite() { to as f32 } else { 3.0e38 },
                            a as f32,
                            b as f32,
                            0.0,
                        ]
                    }));
                }
            }
            r
        })
        .collect()
}

/// C/Q (s m⁻³) of every plume at every height of `heights_m` on the `nx × ny` grid of cells
/// centred at (x0 + i·dx, y0 + j·dx): `out[(plume · heights + k) · nx·ny + j·nx + i]`.
#[allow(clippy::too_many_arguments)]
pub fn steady_grids(
    ctx: &GpuContext,
    plumes: &[PlumeGeometry],
    nx: usize,
    ny: usize,
    x0_m: f64,
    y0_m: f64,
    dx_m: f64,
    heights_m: &[f64],
) -> Result<Vec<f32>, GpuError> {
    if plumes
        .iter()
        .any(|p| matches!(p.sigmas, Sigmas::DenseGas(_)))
    {
        return Err(GpuError::Unsupported(
            "dense-gas plumes (the kernel has the passive σ schemes; they run on the CPU)".into(),
        ));
    }
    let n = nx * ny * plumes.len() * heights_m.len();
    if n == 0 {
        return Ok(vec![]);
    }
    let bytes = (n * 4) as u64;
    if bytes > ctx.limits.max_storage_buffer_binding_size || n > u32::MAX as usize {
        return Err(GpuError::TooLarge {
            needed: format!("{bytes} bytes of plume grids"),
            allowed: format!(
                "{} bytes per binding",
                ctx.limits.max_storage_buffer_binding_size
            ),
        });
    }
    let pipeline = ctx.pipeline("gaussian", shaders::GAUSSIAN, "steady_grid")?;
    let mut segments = vec![];
    let mut recs = plume_records(plumes, &mut segments);
    for (r, p) in recs.iter_mut().zip(plumes) {
        let i = ((p.x_m - x0_m) / dx_m).round();
        let j = ((p.y_m - y0_m) / dx_m).round();
        r.cell = [
            i as f32,
            j as f32,
            (p.x_m - (x0_m + i * dx_m)) as f32,
            (p.y_m - (y0_m + j * dx_m)) as f32,
        ];
    }
    if segments.is_empty() {
        segments.push([0.0; 4]);
    }
    let params = GridParams {
        nx: nx as u32,
        ny: ny as u32,
        n_plumes: plumes.len() as u32,
        n_heights: heights_m.len() as u32,
        x0_m: x0_m as f32,
        y0_m: y0_m as f32,
        dx_m: dx_m as f32,
        pad: 0,
    };
    let heights: Vec<f32> = heights_m.iter().map(|&h| h as f32).collect();
    let ub = ctx.uniform_init("grid params", bytemuck::bytes_of(&params));
    let pb = ctx.storage_init("plumes", bytemuck::cast_slice(&recs));
    let sb = ctx.storage_init("isc3 segments", bytemuck::cast_slice(&segments));
    let hb = ctx.storage_init("heights", bytemuck::cast_slice(&heights));
    let ob = ctx.storage_zeroed("plume grids", bytes);
    let bind = ctx.bind_at(
        &pipeline,
        &[(0, &ub), (1, &pb), (2, &sb), (3, &hb), (4, &ob)],
    );
    let mut enc = ctx.device.create_command_encoder(&Default::default());
    GpuContext::dispatch(&mut enc, &pipeline, &bind, n as u32);
    ctx.queue.submit([enc.finish()]);
    let data = ctx.read_back(&ob, 0, bytes)?;
    Ok(bytemuck::pod_collect_to_vec(&data[..n * 4]))
}

/// Length of the overlap of `[a0, a1]` and `[b0, b1]` (s) (twin of the CPU model's).
fn overlap_s(a0: f64, a1: f64, b0: f64, b1: f64) -> f64 {
    (a1.min(b1) - a0.max(b0)).max(0.0)
}

/// Runs the Gaussian plume model with the field on the GPU: the same arguments and fields
/// as [`crate::model::gaussian::run`].
#[allow(clippy::too_many_arguments)]
pub fn run(
    ctx: &GpuContext,
    sources: &[Source],
    species: &[Species],
    met: &UniformMet,
    grid: &GridSpec,
    tm: &TransverseMercator,
    setup: &Setup,
    run_end_s: f64,
) -> Result<Fields, GpuError> {
    let mut plumes: Vec<PlumeGeometry> = sources
        .iter()
        .map(|s| PlumeGeometry::new(s, met, setup.scheme, setup.terrain, tm))
        .collect();
    if setup.dense_gas {
        // A dense plume is refused by `steady_grids`, as the CPU must compute it.
        gaussian::dense::apply(&mut plumes, sources, species, met);
    }
    let heights: Vec<f64> = grid
        .layers
        .iter()
        .map(|l| setup.receptor_height_m.unwrap_or(l.mid_m()))
        .collect();
    let (nt, nz, nx, ny) = (grid.nt(), grid.nz(), grid.nx, grid.ny);
    let lambdas: Vec<f64> = species.iter().map(|s| s.decay_constant_per_s()).collect();
    let removals = gaussian::removals(&plumes, sources, met, grid);
    let steady = steady_grids(
        ctx, &plumes, nx, ny, grid.x0_m, grid.y0_m, grid.dx_m, &heights,
    )?;
    let mut fields = Fields::zeros_by_interval(grid.clone(), species);
    let n_cells = nx * ny;
    for (pi, ((p, src), rm)) in plumes.iter().zip(sources).zip(&removals).enumerate() {
        // Deposition is computed on the host from the plume's depletion, as on the CPU.
        if rm.iter().any(Option::is_some) {
            for cell in 0..n_cells {
                let (i, j) = (cell % nx, cell / nx);
                let at = (grid.x_m(i), grid.y_m(j));
                let add = |s: usize, d: f64, w: f64, (on, off)| {
                    for (n, share) in grid.interval_shares(on, off, run_end_s) {
                        fields.species[s].book_deposit(n, j, i, share * d, share * w);
                    }
                };
                gaussian::deposit_at(p, src, rm, &lambdas, at, grid.dx_m, run_end_s, add);
            }
        }
        for k in 0..nz {
            let plane = &steady[(pi * nz + k) * n_cells..(pi * nz + k + 1) * n_cells];
            for (cell, &c) in plane.iter().enumerate() {
                if c == 0.0 {
                    continue;
                }
                let (i, j) = (cell % nx, cell / nx);
                // The cell holding the source may have its centre upwind of it.
                let xd = p.plume_frame(grid.x_m(i), grid.y_m(j)).0.max(0.0);
                let tau = xd / p.u_m_s;
                let (on, off) = (src.start_s + tau, src.end_s() + tau);
                for (ri, r) in src.releases.iter().enumerate() {
                    let f = &mut fields.species[r.species];
                    let amp = r.rate_per_s
                        * f64::from(c)
                        * (-lambdas[r.species] * tau).exp()
                        * gaussian::airborne_fraction(rm, ri, xd);
                    f.time_integrated[[k, j, i]] += amp * overlap_s(0.0, run_end_s, on, off);
                    for n in 0..nt {
                        let (a, b) = (grid.interval_start_s(n), grid.times_s[n]);
                        let w = overlap_s(a, b, on, off) / (b - a);
                        if w > 0.0 {
                            f.concentration[[n, k, j, i]] += amp * w;
                        }
                    }
                }
            }
        }
    }
    Ok(fields)
}
