//! The particle record: one 64-byte `#[repr(C)]` layout of four 16-byte words, shared by the CPU
//! backend and (mirrored in WGSL) the GPU backend.
//!
//! | bytes | field | WGSL |
//! |---|---|---|
//! | 0–15 | `pos`: x, y, z (m, local frame), release time (s since the start) | `vec4<f32>` |
//! | 16–31 | `vel`: u′, v′, w′ turbulent velocity (m/s); `step`: the particle's own step counter | `vec3<f32>`, `u32` |
//! | 32–47 | `mass`: the undecayed share of each of the source's deposition classes (1 at release) | `vec4<f32>` |
//! | 48–63 | `id` (random-number stream), `source`, `status`, `reserved` | 4 × `u32` |
//!
//! One record is one 64-byte cache line. A class share `mass[k]` is dimensionless: the amount of
//! species s of class k the particle carries is `mass[k] · q[s] · exp(−λ_s · age)`, where `q[s]`
//! is the per-particle release of s from the source's composition table
//! ([`super::release::SourcePlan`]). Decay is thus analytic in the particle's age and a particle
//! stays 64 bytes however many species its source emits; only deposition changes `mass`.

use bytemuck::{Pod, Zeroable};

/// Deposition classes per source (one `vec4` of shares).
pub const MAX_CLASSES: usize = 4;

/// Not yet released.
pub const STATUS_WAITING: u32 = 0;
/// Released and inside the domain.
pub const STATUS_AIRBORNE: u32 = 1;
/// Left the domain (its amount is booked as exited).
pub const STATUS_EXITED: u32 = 2;
/// Spent: deposition took every class share below [`StepConfig::min_share`]; the rest was
/// booked as deposited where it happened and the particle is no longer moved.
///
/// [`StepConfig::min_share`]: super::step::StepConfig::min_share
pub const STATUS_SPENT: u32 = 3;

/// One particle (see the module table for the layout).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct Particle {
    /// x, y, z (m, local frame, z above ground) and release time (s since the scenario start).
    pub pos: [f32; 4],
    /// Turbulent velocity u′, v′, w′ (m/s).
    pub vel: [f32; 3],
    /// Langevin sub-steps taken so far: the random-number counter word 1.
    pub step: u32,
    /// Undecayed share of each deposition class (1 at release, reduced by deposition).
    pub mass: [f32; MAX_CLASSES],
    /// Random-number stream id (counter word 0); the index in the release order.
    pub id: u32,
    /// Index of the source that released it.
    pub source: u32,
    /// [`STATUS_WAITING`], [`STATUS_AIRBORNE`], [`STATUS_EXITED`] or [`STATUS_SPENT`].
    pub status: u32,
    /// Keeps the record at 64 bytes; zero between synchronisation steps. (Within one, the GPU
    /// kernel parks there the bits of the time a particle has still to go between its rounds.)
    pub reserved: u32,
}

const _: () = assert!(std::mem::size_of::<Particle>() == 64);
const _: () = assert!(std::mem::align_of::<Particle>() == 4);
const _: () = assert!(std::mem::offset_of!(Particle, vel) == 16);
const _: () = assert!(std::mem::offset_of!(Particle, step) == 28);
const _: () = assert!(std::mem::offset_of!(Particle, mass) == 32);
const _: () = assert!(std::mem::offset_of!(Particle, id) == 48);

/// Bytes each particle occupies.
pub const BYTES_PER_PARTICLE: usize = std::mem::size_of::<Particle>();

impl Particle {
    pub fn x_m(&self) -> f32 {
        self.pos[0]
    }
    pub fn y_m(&self) -> f32 {
        self.pos[1]
    }
    pub fn z_m(&self) -> f32 {
        self.pos[2]
    }
    pub fn release_time_s(&self) -> f32 {
        self.pos[3]
    }
    pub fn is_airborne(&self) -> bool {
        self.status == STATUS_AIRBORNE
    }
}
