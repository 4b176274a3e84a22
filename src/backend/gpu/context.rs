//! The device: adapter choice, a device with the adapter's own limits, pipelines, buffers and
//! read-back — with every failure returned as a [`GpuError`], never a panic.
//!
//! wgpu's default limits cap a storage binding at 128 MiB (2·10⁶ particles of 64 B); the device
//! here is requested with the adapter's own limits, so on a GPU with a 2–4 GiB binding limit
//! 10⁷ particles (640 MB) fit in one binding. Where they do not, the particle model splits the
//! particles over several bindings ([`GpuContext::max_particles_per_binding`]).

use std::sync::{Arc, Mutex};

use wgpu::util::DeviceExt;

/// Why the GPU backend cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GpuError {
    #[error(
        "no GPU adapter with compute shaders found (no Vulkan, Metal or DX12 device; on Debian \
         install mesa-vulkan-drivers for the lavapipe software GPU)"
    )]
    NoAdapter,
    #[error("the GPU adapter {adapter} refused a device: {message}")]
    Device { adapter: String, message: String },
    #[error("GPU error in {during}: {message}")]
    Validation { during: String, message: String },
    #[error("GPU read-back failed: {0}")]
    ReadBack(String),
    #[error("the run needs {needed} but the GPU allows {allowed}")]
    TooLarge { needed: String, allowed: String },
    #[error("a fixed-point sum overflowed the 64-bit range on the GPU (saturated)")]
    Saturated,
    #[error(
        "the GPU driver stopped particles short of the end of a step (lavapipe ends a shader's \
         loops after 65535 iterations: a longer minimum time step or a shorter sampling step \
         needs fewer), so the run is not trusted; it runs on the CPU with --backend cpu"
    )]
    Unfinished,
    #[error("the GPU backend does not compute {0}")]
    Unsupported(String),
}

/// What ran: the adapter's name, backend and kind, for summaries and output provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdapterSummary {
    pub name: String,
    /// Vulkan, Metal, Dx12, Gl.
    pub backend: String,
    /// DiscreteGpu, IntegratedGpu, VirtualGpu, Cpu, Other.
    pub device_type: String,
    pub driver: String,
    /// A software rasteriser (lavapipe, WARP, SwiftShader): correct, not fast.
    pub software: bool,
}

impl std::fmt::Display for AdapterSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "gpu ({}, {}, {}",
            self.name, self.backend, self.device_type
        )?;
        if self.software {
            write!(f, ", software")?;
        }
        write!(f, ")")
    }
}

impl AdapterSummary {
    fn of(info: &wgpu::AdapterInfo) -> Self {
        AdapterSummary {
            name: info.name.clone(),
            backend: format!("{:?}", info.backend),
            device_type: format!("{:?}", info.device_type),
            driver: format!("{} {}", info.driver, info.driver_info)
                .trim()
                .to_string(),
            software: info.device_type == wgpu::DeviceType::Cpu,
        }
    }
}

/// Preference order of adapter kinds: hardware first, software last.
fn rank(t: wgpu::DeviceType) -> u8 {
    match t {
        wgpu::DeviceType::DiscreteGpu => 4,
        wgpu::DeviceType::IntegratedGpu => 3,
        wgpu::DeviceType::VirtualGpu => 2,
        wgpu::DeviceType::Other => 1,
        wgpu::DeviceType::Cpu => 0,
    }
}

fn best_adapter() -> Result<wgpu::Adapter, GpuError> {
    let instance =
        wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
    let adapters = pollster::block_on(instance.enumerate_adapters(wgpu::Backends::all()));
    adapters
        .into_iter()
        .filter(|a| {
            a.get_downlevel_capabilities()
                .flags
                .contains(wgpu::DownlevelFlags::COMPUTE_SHADERS)
        })
        .max_by_key(|a| {
            let info = a.get_info();
            // Among adapters of one kind, a native compute API before OpenGL ES.
            (rank(info.device_type), info.backend != wgpu::Backend::Gl)
        })
        .ok_or(GpuError::NoAdapter)
}

/// Describes the adapter [`GpuContext::new`] would take, without opening a device.
pub fn probe() -> Result<AdapterSummary, GpuError> {
    best_adapter().map(|a| AdapterSummary::of(&a.get_info()))
}

/// An open device and queue.
pub struct GpuContext {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub adapter: AdapterSummary,
    pub limits: wgpu::Limits,
    errors: Arc<Mutex<Vec<String>>>,
}

impl std::fmt::Debug for GpuContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpuContext")
            .field("adapter", &self.adapter)
            .finish()
    }
}

impl GpuContext {
    /// Opens the best adapter (discrete, integrated, virtual, then software) with its own limits.
    pub fn new() -> Result<Self, GpuError> {
        let adapter = best_adapter()?;
        let summary = AdapterSummary::of(&adapter.get_info());
        let limits = adapter.limits();
        let desc = wgpu::DeviceDescriptor {
            label: Some("plume"),
            required_limits: limits.clone(),
            ..Default::default()
        };
        let (device, queue) =
            pollster::block_on(adapter.request_device(&desc)).map_err(|e| GpuError::Device {
                adapter: summary.name.clone(),
                message: e.to_string(),
            })?;
        let errors = Arc::new(Mutex::new(Vec::new()));
        let sink = errors.clone();
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            if let Ok(mut v) = sink.lock() {
                v.push(e.to_string());
            }
        }));
        Ok(GpuContext {
            device,
            queue,
            adapter: summary,
            limits,
            errors,
        })
    }

    /// Returns the first error the device reported since the last call, as `during`.
    pub fn check(&self, during: &str) -> Result<(), GpuError> {
        let mut v = self.errors.lock().map_err(|e| GpuError::Validation {
            during: during.into(),
            message: e.to_string(),
        })?;
        let first = v.drain(..).next();
        match first {
            Some(message) => Err(GpuError::Validation {
                during: during.into(),
                message,
            }),
            None => Ok(()),
        }
    }

    /// Compiles `source` and returns the compute pipeline of `entry` (layout from the shader).
    pub fn pipeline(
        &self,
        label: &str,
        source: &str,
        entry: &str,
    ) -> Result<wgpu::ComputePipeline, GpuError> {
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let module = self
            .device
            .create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(label),
                source: wgpu::ShaderSource::Wgsl(source.into()),
            });
        let pipeline = self
            .device
            .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(label),
                layout: None,
                module: &module,
                entry_point: Some(entry),
                compilation_options: Default::default(),
                cache: None,
            });
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(GpuError::Validation {
                during: format!("compiling {label}::{entry}"),
                message: e.to_string(),
            });
        }
        Ok(pipeline)
    }

    /// A storage buffer holding `data`, readable back (COPY_SRC) and rewritable (COPY_DST).
    pub fn storage_init(&self, label: &str, data: &[u8]) -> wgpu::Buffer {
        self.device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents: data,
                usage: wgpu::BufferUsages::STORAGE
                    | wgpu::BufferUsages::COPY_SRC
                    | wgpu::BufferUsages::COPY_DST,
            })
    }

    /// A zeroed storage buffer of `bytes` (at least 16).
    pub fn storage_zeroed(&self, label: &str, bytes: u64) -> wgpu::Buffer {
        self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: bytes.max(16).next_multiple_of(4),
            usage: wgpu::BufferUsages::STORAGE
                | wgpu::BufferUsages::COPY_SRC
                | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// A uniform buffer holding `data`, rewritable each step.
    pub fn uniform_init(&self, label: &str, data: &[u8]) -> wgpu::Buffer {
        self.device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents: data,
                usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            })
    }

    /// A bind group of group 0 of `pipeline` with each `(binding, buffer)` of `buffers` (an
    /// entry point's layout holds only the bindings it uses).
    pub fn bind_at(
        &self,
        pipeline: &wgpu::ComputePipeline,
        buffers: &[(u32, &wgpu::Buffer)],
    ) -> wgpu::BindGroup {
        let entries: Vec<wgpu::BindGroupEntry> = buffers
            .iter()
            .map(|&(binding, b)| wgpu::BindGroupEntry {
                binding,
                resource: b.as_entire_binding(),
            })
            .collect();
        self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &pipeline.get_bind_group_layout(0),
            entries: &entries,
        })
    }

    /// Records one dispatch of `threads` threads of `pipeline` into `encoder`.
    pub fn dispatch(
        encoder: &mut wgpu::CommandEncoder,
        pipeline: &wgpu::ComputePipeline,
        bind: &wgpu::BindGroup,
        threads: u32,
    ) {
        let (x, y) = super::dispatch_size(threads);
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: None,
            timestamp_writes: None,
        });
        pass.set_pipeline(pipeline);
        pass.set_bind_group(0, bind, &[]);
        pass.dispatch_workgroups(x, y, 1);
    }

    /// Copies `bytes` bytes of `buffer` from `offset` to the host, waiting for the queue.
    pub fn read_back(
        &self,
        buffer: &wgpu::Buffer,
        offset: u64,
        bytes: u64,
    ) -> Result<Vec<u8>, GpuError> {
        let bytes = bytes.next_multiple_of(4);
        let staging = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("read-back"),
            size: bytes.max(4),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut enc = self.device.create_command_encoder(&Default::default());
        enc.copy_buffer_to_buffer(buffer, offset, &staging, 0, bytes);
        self.queue.submit([enc.finish()]);
        let (tx, rx) = std::sync::mpsc::channel();
        staging.slice(..).map_async(wgpu::MapMode::Read, move |r| {
            let _ = tx.send(r);
        });
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| GpuError::ReadBack(e.to_string()))?;
        rx.recv()
            .map_err(|e| GpuError::ReadBack(e.to_string()))?
            .map_err(|e| GpuError::ReadBack(e.to_string()))?;
        let data = staging
            .slice(..)
            .get_mapped_range()
            .map_err(|e| GpuError::ReadBack(e.to_string()))?
            .to_vec();
        staging.unmap();
        self.check("read-back")?;
        Ok(data)
    }

    /// Most particles one storage binding holds on this device.
    pub fn max_particles_per_binding(&self, bytes_per_particle: u64) -> u64 {
        let binding = self
            .limits
            .max_storage_buffer_binding_size
            .min(self.limits.max_buffer_size);
        binding / bytes_per_particle
    }
}
