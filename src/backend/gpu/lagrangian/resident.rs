//! The device buffers of one particle run, resident from upload to the last read-back, and
//! the dispatch over them (split over several storage bindings when the particles do not fit
//! one).

use super::records::{column_records, EntryRec, SourceRec, StepParams};
use crate::backend::gpu::context::{GpuContext, GpuError};
use crate::backend::gpu::shaders;
use crate::model::lagrangian::column::ColumnGrid;
use crate::model::lagrangian::particle::{Particle, BYTES_PER_PARTICLE};
use bytemuck::Zeroable;

/// Words of the rounds buffer before its queues: the two queues' lengths, the round number,
/// round 0's cap on sub-steps; `WORK_QUEUE` in `shaders/lagrangian.wgsl`.
pub const WORK_QUEUE: usize = 4;

/// Sub-steps a particle may take in round 0 of a synchronisation step by default: most
/// particles of a step finish within it (the median takes 3 in a 60 s step of the GPU bench's
/// convective layer), the rest go on in later rounds. The bench's model of the schedule puts a
/// 32-wide warp 66 % busy with 4, 42 % with 8, 28 % with 16.
pub const FIRST_ROUND_SUB_STEPS: u32 = 4;

/// Rounds after the first in a synchronisation step; `LAST_ROUND` in `shaders/lagrangian.wgsl`
/// (the round whose particles may take any number of sub-steps).
pub const LAST_ROUND: u32 = 8;

/// Everything the kernels read and write, resident for the run.
pub struct Resident {
    step: wgpu::ComputePipeline,
    cont: wgpu::ComputePipeline,
    prepare: wgpu::ComputePipeline,
    airborne: wgpu::ComputePipeline,
    particles: Vec<wgpu::Buffer>,
    chunk: usize,
    first_round_sub_steps: u32,
    params: Vec<wgpu::Buffer>,
    /// Per chunk: the rounds' queues, and the next round's indirect dispatch size.
    work: Vec<wgpu::Buffer>,
    round_args: Vec<wgpu::Buffer>,
    step_binds: Vec<wgpu::BindGroup>,
    cont_binds: Vec<wgpu::BindGroup>,
    prepare_binds: Vec<wgpu::BindGroup>,
    airborne_binds: Vec<wgpu::BindGroup>,
    pub column: wgpu::Buffer,
    pub sources: wgpu::Buffer,
    pub acc: wgpu::Buffer,
}

impl Resident {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        ctx: &GpuContext,
        particles: &[Particle],
        columns: &ColumnGrid,
        sources: &[SourceRec],
        entries: &[EntryRec],
        layers: &[[f32; 2]],
        acc_words: usize,
        max_per_binding: Option<usize>,
        first_round_sub_steps: u32,
    ) -> Result<Self, GpuError> {
        let step = ctx.pipeline("lagrangian", shaders::LAGRANGIAN, "step_particles")?;
        let cont = ctx.pipeline("lagrangian", shaders::LAGRANGIAN, "continue_particles")?;
        let prepare = ctx.pipeline("lagrangian", shaders::LAGRANGIAN, "prepare_round")?;
        let airborne = ctx.pipeline("lagrangian", shaders::LAGRANGIAN, "airborne_amounts")?;
        let per_binding = (ctx
            .max_particles_per_binding(BYTES_PER_PARTICLE as u64)
            .min(u64::from(u32::MAX)) as usize)
            .min(max_per_binding.unwrap_or(usize::MAX));
        let acc_bytes = (acc_words * 4) as u64;
        if acc_bytes > ctx.limits.max_storage_buffer_binding_size || per_binding == 0 {
            return Err(GpuError::TooLarge {
                needed: format!("{acc_bytes} bytes of grids"),
                allowed: format!(
                    "{} bytes per storage binding",
                    ctx.limits.max_storage_buffer_binding_size
                ),
            });
        }
        let chunk = per_binding.min(particles.len().max(1));
        let column_buf = ctx.storage_init("column", bytemuck::cast_slice(&column_records(columns)));
        let sources_buf = ctx.storage_init("sources", bytemuck::cast_slice(sources));
        let entry_data: Vec<EntryRec> = if entries.is_empty() {
            vec![Zeroable::zeroed()]
        } else {
            entries.to_vec()
        };
        let entries_buf = ctx.storage_init("entries", bytemuck::cast_slice(&entry_data));
        let layer_data: Vec<[f32; 2]> = if layers.is_empty() {
            vec![[0.0; 2]]
        } else {
            layers.to_vec()
        };
        let layers_buf = ctx.storage_init("layers", bytemuck::cast_slice(&layer_data));
        let acc = ctx.storage_zeroed("accumulators", acc_bytes);
        let mut r = Resident {
            step,
            cont,
            prepare,
            airborne,
            particles: vec![],
            chunk,
            first_round_sub_steps: first_round_sub_steps.max(1),
            params: vec![],
            work: vec![],
            round_args: vec![],
            step_binds: vec![],
            cont_binds: vec![],
            prepare_binds: vec![],
            airborne_binds: vec![],
            column: column_buf,
            sources: sources_buf,
            acc,
        };
        for ps in particles.chunks(chunk) {
            let pb = ctx.storage_init("particles", bytemuck::cast_slice(ps));
            let ub = ctx.uniform_init("step params", bytemuck::bytes_of(&StepParams::zeroed()));
            let work = ctx.storage_zeroed("rounds", (4 * (WORK_QUEUE + 2 * ps.len())) as u64);
            let args = ctx.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("round size"),
                size: 16,
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::INDIRECT,
                mapped_at_creation: false,
            });
            let stepping = [
                (0, &ub),
                (1, &pb),
                (2, &r.column),
                (3, &r.sources),
                (4, &entries_buf),
                (5, &layers_buf),
                (6, &r.acc),
                (7, &work),
            ];
            r.step_binds.push(ctx.bind_at(&r.step, &stepping));
            r.cont_binds.push(ctx.bind_at(&r.cont, &stepping));
            r.prepare_binds
                .push(ctx.bind_at(&r.prepare, &[(7, &work), (8, &args)]));
            r.airborne_binds.push(ctx.bind_at(
                &r.airborne,
                &[
                    (0, &ub),
                    (1, &pb),
                    (3, &r.sources),
                    (4, &entries_buf),
                    (6, &r.acc),
                ],
            ));
            r.particles.push(pb);
            r.params.push(ub);
            r.work.push(work);
            r.round_args.push(args);
        }
        ctx.check("uploading the particle run")?;
        Ok(r)
    }

    /// Dispatches the step (or, when `airborne`, the airborne-amount) kernel over the first
    /// `n_active` particles with `params`, chunk by chunk: the step as round 0 and LAST_ROUND
    /// rounds over the particles each round leaves unfinished.
    pub fn run(&self, ctx: &GpuContext, airborne: bool, params: &StepParams, n_active: usize) {
        let mut enc = ctx.device.create_command_encoder(&Default::default());
        for (c, ub) in self.params.iter().enumerate() {
            let local = n_active.saturating_sub(c * self.chunk).min(self.chunk);
            if local == 0 {
                break;
            }
            // Each chunk has its own uniform, so all writes land before the one submit.
            let p = StepParams {
                n_active: local as u32,
                ..*params
            };
            ctx.queue.write_buffer(ub, 0, bytemuck::bytes_of(&p));
            if airborne {
                GpuContext::dispatch(
                    &mut enc,
                    &self.airborne,
                    &self.airborne_binds[c],
                    local as u32,
                );
                continue;
            }
            // Round 0 over the released particles, then the rounds over what each leaves.
            let head = [0, 0, 0, self.first_round_sub_steps];
            ctx.queue
                .write_buffer(&self.work[c], 0, bytemuck::cast_slice(&head));
            GpuContext::dispatch(&mut enc, &self.step, &self.step_binds[c], local as u32);
            for _ in 0..LAST_ROUND {
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor::default());
                pass.set_pipeline(&self.prepare);
                pass.set_bind_group(0, &self.prepare_binds[c], &[]);
                pass.dispatch_workgroups(1, 1, 1);
                drop(pass);
                let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor::default());
                pass.set_pipeline(&self.cont);
                pass.set_bind_group(0, &self.cont_binds[c], &[]);
                pass.dispatch_workgroups_indirect(&self.round_args[c], 0);
            }
        }
        ctx.queue.submit([enc.finish()]);
    }

    pub fn read_particles(&self, ctx: &GpuContext, n: usize) -> Result<Vec<Particle>, GpuError> {
        let mut out = Vec::with_capacity(n);
        for (c, b) in self.particles.iter().enumerate() {
            let len = n.saturating_sub(c * self.chunk).min(self.chunk);
            let bytes = ctx.read_back(b, 0, (len * BYTES_PER_PARTICLE) as u64)?;
            out.extend(bytemuck::pod_collect_to_vec::<u8, Particle>(
                &bytes[..len * BYTES_PER_PARTICLE],
            ));
        }
        Ok(out)
    }
}
