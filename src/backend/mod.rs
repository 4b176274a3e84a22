//! Where a model runs: CPU threads (rayon) or GPU compute shaders (wgpu), and how the choice
//! `backend = "cpu" | "gpu" | "auto"` is resolved against the machine.
//!
//! `auto` takes a hardware GPU when one exists and the CPU otherwise: a software Vulkan
//! driver (Mesa's lavapipe) computes the right answer but more slowly than the CPU backend,
//! so `auto` passes it over, while `gpu` accepts it (that is how CI runs the GPU tests).
//! No adapter under `gpu` is an error with a clear message; under `auto` it means the CPU.

#[cfg(feature = "gpu")]
pub mod gpu;

use serde::{Deserialize, Serialize};

/// The backend a scenario or the command line asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendChoice {
    /// CPU threads.
    Cpu,
    /// The GPU; any adapter, software included. Fails when there is none.
    Gpu,
    /// A hardware GPU if there is one, else the CPU.
    #[default]
    Auto,
}

impl std::str::FromStr for BackendChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "cpu" => Ok(BackendChoice::Cpu),
            "gpu" => Ok(BackendChoice::Gpu),
            "auto" => Ok(BackendChoice::Auto),
            other => Err(format!(
                "unknown backend `{other}`, expected one of `cpu`, `gpu`, `auto`"
            )),
        }
    }
}

impl std::fmt::Display for BackendChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BackendChoice::Cpu => "cpu",
            BackendChoice::Gpu => "gpu",
            BackendChoice::Auto => "auto",
        })
    }
}

/// What the machine offers, as far as the choice is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpuAvailability {
    /// This build has no GPU backend (cargo feature `gpu` off).
    NotBuilt,
    /// No adapter was found.
    None,
    /// Only a software adapter (lavapipe, WARP, SwiftShader).
    Software,
    /// A hardware adapter.
    Hardware,
}

/// The backend that runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    Cpu,
    Gpu,
}

/// Why the requested backend cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    #[error("backend \"gpu\" was requested but this build of plume has no GPU support (rebuild with the cargo feature `gpu`)")]
    NotBuilt,
    #[error("backend \"gpu\" was requested but no GPU adapter was found (install a Vulkan driver, e.g. Debian's mesa-vulkan-drivers for the lavapipe software GPU, or use backend = \"cpu\" or \"auto\")")]
    NoAdapter,
}

/// Resolves `choice` against what the machine offers (see the module doc).
pub fn resolve(choice: BackendChoice, gpu: GpuAvailability) -> Result<Resolved, BackendError> {
    match (choice, gpu) {
        (BackendChoice::Cpu, _) => Ok(Resolved::Cpu),
        (BackendChoice::Gpu, GpuAvailability::NotBuilt) => Err(BackendError::NotBuilt),
        (BackendChoice::Gpu, GpuAvailability::None) => Err(BackendError::NoAdapter),
        (BackendChoice::Gpu, _) => Ok(Resolved::Gpu),
        (BackendChoice::Auto, GpuAvailability::Hardware) => Ok(Resolved::Gpu),
        (BackendChoice::Auto, _) => Ok(Resolved::Cpu),
    }
}

/// What this machine offers: probes the adapters (no device is opened).
pub fn gpu_availability() -> GpuAvailability {
    #[cfg(feature = "gpu")]
    {
        match gpu::context::probe() {
            Ok(a) if a.software => GpuAvailability::Software,
            Ok(_) => GpuAvailability::Hardware,
            Err(_) => GpuAvailability::None,
        }
    }
    #[cfg(not(feature = "gpu"))]
    {
        GpuAvailability::NotBuilt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_takes_hardware_only_and_gpu_takes_software_too() {
        use GpuAvailability::*;
        assert_eq!(resolve(BackendChoice::Auto, Hardware), Ok(Resolved::Gpu));
        assert_eq!(resolve(BackendChoice::Auto, Software), Ok(Resolved::Cpu));
        assert_eq!(resolve(BackendChoice::Auto, None), Ok(Resolved::Cpu));
        assert_eq!(resolve(BackendChoice::Auto, NotBuilt), Ok(Resolved::Cpu));
        assert_eq!(resolve(BackendChoice::Gpu, Software), Ok(Resolved::Gpu));
        assert_eq!(
            resolve(BackendChoice::Gpu, None),
            Err(BackendError::NoAdapter)
        );
        assert_eq!(
            resolve(BackendChoice::Gpu, NotBuilt),
            Err(BackendError::NotBuilt)
        );
        assert_eq!(resolve(BackendChoice::Cpu, Hardware), Ok(Resolved::Cpu));
    }

    #[test]
    fn backend_names_parse_and_typos_are_refused() {
        assert_eq!("gpu".parse::<BackendChoice>(), Ok(BackendChoice::Gpu));
        assert!("gpuu"
            .parse::<BackendChoice>()
            .unwrap_err()
            .contains("expected one of"));
        for c in [BackendChoice::Cpu, BackendChoice::Gpu, BackendChoice::Auto] {
            assert_eq!(c.to_string().parse::<BackendChoice>(), Ok(c));
        }
    }
}
