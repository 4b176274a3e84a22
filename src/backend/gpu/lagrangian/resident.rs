//! The device buffers of one particle run, resident from upload to the last read-back, and
//! the dispatch over them (split over several storage bindings when the particles do not fit
//! one).

use super::records::{column_records, EntryRec, SourceRec, StepParams};
use crate::backend::gpu::context::{GpuContext, GpuError};
use crate::backend::gpu::shaders;
use crate::model::lagrangian::column::Column;
use crate::model::lagrangian::particle::{Particle, BYTES_PER_PARTICLE};
use bytemuck::Zeroable;

/// Everything the kernels read and write, resident for the run.
pub struct Resident {
    step: wgpu::ComputePipeline,
    airborne: wgpu::ComputePipeline,
    particles: Vec<wgpu::Buffer>,
    chunk: usize,
    params: Vec<wgpu::Buffer>,
    step_binds: Vec<wgpu::BindGroup>,
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
        column: &Column,
        sources: &[SourceRec],
        entries: &[EntryRec],
        layers: &[[f32; 2]],
        acc_words: usize,
        max_per_binding: Option<usize>,
    ) -> Result<Self, GpuError> {
        let step = ctx.pipeline("lagrangian", shaders::LAGRANGIAN, "step_particles")?;
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
        let column_buf = ctx.storage_init("column", bytemuck::cast_slice(&column_records(column)));
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
            airborne,
            particles: vec![],
            chunk,
            params: vec![],
            step_binds: vec![],
            airborne_binds: vec![],
            column: column_buf,
            sources: sources_buf,
            acc,
        };
        for ps in particles.chunks(chunk) {
            let pb = ctx.storage_init("particles", bytemuck::cast_slice(ps));
            let ub = ctx.uniform_init("step params", bytemuck::bytes_of(&StepParams::zeroed()));
            r.step_binds.push(ctx.bind_at(
                &r.step,
                &[
                    (0, &ub),
                    (1, &pb),
                    (2, &r.column),
                    (3, &r.sources),
                    (4, &entries_buf),
                    (5, &layers_buf),
                    (6, &r.acc),
                ],
            ));
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
        }
        ctx.check("uploading the particle run")?;
        Ok(r)
    }

    /// Dispatches `pipeline` over the first `n_active` particles with `params` (chunk by chunk).
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
            let (pipeline, bind) = if airborne {
                (&self.airborne, &self.airborne_binds[c])
            } else {
                (&self.step, &self.step_binds[c])
            };
            GpuContext::dispatch(&mut enc, pipeline, bind, local as u32);
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
