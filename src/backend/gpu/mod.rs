//! The wgpu compute backend: the Lagrangian particle model and the Gaussian plume grid as
//! WGSL compute shaders (`shaders/`), computing the same physics as the CPU backend on the
//! same particle layout with the same random numbers.
//!
//! | file | what |
//! |---|---|
//! | [`context`] | adapter choice, device with the adapter's own limits, buffers, read-back |
//! | [`shaders`] | the WGSL sources (`common.wgsl` prepended to each module) |
//! | [`fixed`] | 64-bit fixed point as two `u32` words with a carry (twins of the WGSL) |
//! | [`lagrangian`] | the particle run: particles resident on the device, grids read back |
//! | [`gaussian`] | the steady Gaussian plume per unit rate on the output grid |
//! | [`diagnostics`] | the WGSL random-number streams, for parity tests |
//!
//! Every WGSL function has a Rust twin that is its test oracle: the random numbers in
//! [`crate::rng`] (same names), `exp_neg_poly` in [`crate::model::lagrangian`], the fixed
//! point in [`fixed`], `column_at` ↔ [`crate::model::lagrangian::Column::at`], `advance` ↔
//! [`crate::model::lagrangian::advance::advance_all`] (one lane of it), `reflect` ↔ its `reflect`,
//! `process` ↔ `begin`/`finish` of the CPU's per-particle accounting (`account.rs`) around
//! it, and the Gaussian functions ↔ [`crate::model::gaussian`] (same names).

pub mod context;
pub mod diagnostics;
pub mod fixed;
pub mod gaussian;
pub mod lagrangian;
pub mod shaders;

pub use context::{AdapterSummary, GpuContext, GpuError};

/// Threads per workgroup of every kernel; `WORKGROUP_SIZE` in `shaders/common.wgsl`.
// 64 is the wavefront/warp multiple every vendor schedules fully (AMD 64, NVIDIA 2×32) and keeps
// the per-workgroup budget flush (322 counters, most zero and skipped) to six passes.
pub const WORKGROUP_SIZE: u32 = 64;

/// Most species a GPU run may have (the workgroup budget block is sized by it);
/// `MAX_GPU_SPECIES` in `shaders/lagrangian.wgsl`. A reactor inventory releases 22 nuclides and
/// iodine forms (16 refused it); 64 keep the block at 2.6 KB of workgroup memory, and the
/// counters of species a run lacks stay zero, which the flush skips.
pub const MAX_GPU_SPECIES: usize = 64;

/// Budget terms per species in the accumulator: released, dry, wet, decayed, exited.
pub const BUDGET_TERMS: usize = 5;

/// 64-bit counters at the head of the accumulator: the budget terms, the sub-step count and
/// the count of particles that left the domain (`BUDGET_COUNTERS` in the shader).
pub const BUDGET_COUNTERS: usize = MAX_GPU_SPECIES * BUDGET_TERMS + 2;
/// Counter of the Langevin sub-steps taken.
pub const SUB_STEPS_COUNTER: usize = MAX_GPU_SPECIES * BUDGET_TERMS;
/// Counter of the particles that left the domain.
pub const EXITED_COUNTER: usize = SUB_STEPS_COUNTER + 1;

/// The word of the accumulator that the shaders set when a sum overflows `i64`.
pub const SATURATED_WORD: usize = 2 * BUDGET_COUNTERS;
/// The word the particle step sets when its last round (which has no cap on sub-steps) ends with
/// a particle short of the step's end: only a driver that cuts loops short does that, as
/// lavapipe does after 65535 loop iterations.
pub const UNFINISHED_WORD: usize = SATURATED_WORD + 1;

/// Largest workgroup count along one dispatch dimension (WebGPU's guaranteed minimum);
/// larger launches fold into a second dimension.
pub const MAX_GROUPS_PER_DIMENSION: u32 = 65_535;

/// Workgroup counts `(x, y)` covering `threads` threads; shaders index
/// `gid.y · n_groups.x · WORKGROUP_SIZE + gid.x`.
pub fn dispatch_size(threads: u32) -> (u32, u32) {
    let groups = threads.div_ceil(WORKGROUP_SIZE).max(1);
    if groups <= MAX_GROUPS_PER_DIMENSION {
        (groups, 1)
    } else {
        (
            MAX_GROUPS_PER_DIMENSION,
            groups.div_ceil(MAX_GROUPS_PER_DIMENSION),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatch_covers_every_thread_within_the_dimension_limit() {
        for n in [1u32, 64, 65, 4_194_240, 4_194_241, 10_000_000, 50_000_000] {
            let (x, y) = dispatch_size(n);
            assert!(x <= MAX_GROUPS_PER_DIMENSION && y <= MAX_GROUPS_PER_DIMENSION);
            assert!(u64::from(x) * u64::from(y) * u64::from(WORKGROUP_SIZE) >= u64::from(n));
        }
    }
}
