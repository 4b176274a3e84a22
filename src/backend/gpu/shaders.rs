//! The WGSL sources, each module with `shaders/common.wgsl` prepended (WGSL has no includes).

/// Shared records, random numbers, polynomial exp and fixed point.
pub const COMMON: &str = include_str!("../../../shaders/common.wgsl");
/// The particle step and gridding ([`super::lagrangian`]): the bindings, accounting and entry
/// points of `shaders/lagrangian.wgsl`, the sub-steps of `shaders/langevin.wgsl`, the skewed
/// convective turbulence of `shaders/convective.wgsl` and the tally's meander of
/// `shaders/meander.wgsl`.
pub const LAGRANGIAN: &str = concat!(
    include_str!("../../../shaders/common.wgsl"),
    include_str!("../../../shaders/convective.wgsl"),
    include_str!("../../../shaders/meander.wgsl"),
    include_str!("../../../shaders/lagrangian.wgsl"),
    include_str!("../../../shaders/langevin.wgsl")
);
/// The Gaussian plume grid ([`super::gaussian`]).
pub const GAUSSIAN: &str = concat!(
    include_str!("../../../shaders/common.wgsl"),
    include_str!("../../../shaders/gaussian.wgsl")
);
/// Random-number streams for parity tests ([`super::diagnostics`]).
pub const DIAGNOSTICS: &str = concat!(
    include_str!("../../../shaders/common.wgsl"),
    include_str!("../../../shaders/diagnostics.wgsl")
);

/// Every compute module by name, as compiled (for validation tests).
pub const ALL: [(&str, &str); 3] = [
    ("lagrangian", LAGRANGIAN),
    ("gaussian", GAUSSIAN),
    ("diagnostics", DIAGNOSTICS),
];
