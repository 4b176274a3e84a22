//! Every WGSL module parses and validates with naga (no GPU needed), its workgroup sizes and
//! shared constants equal the Rust constants, and every record mirrored in WGSL has the size
//! and member offsets of its `#[repr(C)]` Rust twin.
#![cfg(feature = "gpu")]

use std::mem::{offset_of, size_of};

use naga::valid::{Capabilities, ValidationFlags, Validator};
use plume::backend::gpu::gaussian::{GridParams, PlumeRec};
use plume::backend::gpu::lagrangian::{EntryRec, SourceRec, StepParams, LAST_ROUND, WORK_QUEUE};
use plume::backend::gpu::{
    shaders, BUDGET_COUNTERS, EXITED_COUNTER, MAX_GPU_SPECIES, MAX_GROUPS_PER_DIMENSION,
    SATURATED_WORD, SUB_STEPS_COUNTER, UNFINISHED_WORD, WORKGROUP_SIZE,
};
use plume::model::lagrangian::column::ColumnLevel;
use plume::model::lagrangian::Particle;

fn parse(name: &str, src: &str) -> naga::Module {
    let module = naga::front::wgsl::parse_str(src)
        .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(src)));
    Validator::new(ValidationFlags::all(), Capabilities::empty())
        .validate(&module)
        .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(src)));
    module
}

fn u32_constant(module: &naga::Module, name: &str) -> Option<u32> {
    module
        .constants
        .iter()
        .find(|(_, c)| c.name.as_deref() == Some(name))
        .map(|(_, c)| match module.global_expressions[c.init] {
            naga::Expression::Literal(naga::Literal::U32(v)) => v,
            ref other => panic!("{name} is not a u32 literal: {other:?}"),
        })
}

/// The value of the WGSL `const name: f32`, if the module has it.
fn f32_constant(module: &naga::Module, name: &str) -> Option<f32> {
    module
        .constants
        .iter()
        .find(|(_, c)| c.name.as_deref() == Some(name))
        .map(|(_, c)| match module.global_expressions[c.init] {
            naga::Expression::Literal(naga::Literal::F32(v)) => v,
            ref other => panic!("{name} is not an f32 literal: {other:?}"),
        })
}

/// (size, [(member, offset)]) of the WGSL struct `name`.
fn layout(module: &naga::Module, name: &str) -> (u32, Vec<(String, u32)>) {
    let (_, ty) = module
        .types
        .iter()
        .find(|(_, t)| t.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no struct {name}"));
    match &ty.inner {
        naga::TypeInner::Struct { members, span } => (
            *span,
            members
                .iter()
                .map(|m| (m.name.clone().unwrap_or_default(), m.offset))
                .collect(),
        ),
        other => panic!("{name} is not a struct: {other:?}"),
    }
}

fn offset(members: &[(String, u32)], name: &str) -> usize {
    members
        .iter()
        .find(|m| m.0 == name)
        .unwrap_or_else(|| panic!("no member {name}"))
        .1 as usize
}

#[test]
fn every_shader_module_parses_and_validates() {
    let common = parse("common", shaders::COMMON);
    assert!(common.entry_points.is_empty());
    for (name, src) in shaders::ALL {
        let m = parse(name, src);
        assert!(!m.entry_points.is_empty(), "{name} has no entry point");
    }
}

#[test]
fn workgroup_sizes_and_shared_constants_match_the_rust_constants() {
    for (name, src) in shaders::ALL {
        let m = parse(name, src);
        assert_eq!(
            u32_constant(&m, "WORKGROUP_SIZE"),
            Some(WORKGROUP_SIZE),
            "{name}"
        );
        for ep in &m.entry_points {
            assert_eq!(
                ep.workgroup_size,
                [WORKGROUP_SIZE, 1, 1],
                "{name}::{}",
                ep.name
            );
        }
    }
    let m = parse("lagrangian", shaders::LAGRANGIAN);
    assert_eq!(u32_constant(&m, "LAST_ROUND"), Some(LAST_ROUND));
    assert_eq!(u32_constant(&m, "WORK_QUEUE"), Some(WORK_QUEUE as u32));
    assert_eq!(
        u32_constant(&m, "MAX_GROUPS_PER_DIMENSION"),
        Some(MAX_GROUPS_PER_DIMENSION)
    );
    assert_eq!(
        u32_constant(&m, "MAX_GPU_SPECIES"),
        Some(MAX_GPU_SPECIES as u32)
    );
    assert_eq!(
        u32_constant(&m, "BUDGET_COUNTERS"),
        Some(BUDGET_COUNTERS as u32)
    );
    assert_eq!(
        u32_constant(&m, "SATURATED_WORD"),
        Some(SATURATED_WORD as u32)
    );
    assert_eq!(
        u32_constant(&m, "UNFINISHED_WORD"),
        Some(UNFINISHED_WORD as u32)
    );
    assert_eq!(
        u32_constant(&m, "SUB_STEPS_COUNTER"),
        Some(SUB_STEPS_COUNTER as u32)
    );
    assert_eq!(
        u32_constant(&m, "EXITED_COUNTER"),
        Some(EXITED_COUNTER as u32)
    );
    use plume::model::lagrangian::particle as pt;
    for (name, value) in [
        ("STATUS_WAITING", pt::STATUS_WAITING),
        ("STATUS_AIRBORNE", pt::STATUS_AIRBORNE),
        ("STATUS_EXITED", pt::STATUS_EXITED),
        ("STATUS_SPENT", pt::STATUS_SPENT),
    ] {
        assert_eq!(u32_constant(&m, name), Some(value), "{name}");
    }
    // The skewed convective turbulence: the WGSL twin's constants are the Rust ones, bit for bit.
    use plume::model::lagrangian::convective as cv;
    for (name, value) in [
        ("THIRD_MOMENT_COEFF", cv::THIRD_MOMENT_COEFF),
        ("MIN_SKEWNESS", cv::MIN_SKEWNESS),
        ("SPREAD_TO_MEAN", cv::SPREAD_TO_MEAN),
        ("REDRAW_SPREADS", cv::REDRAW_SPREADS),
        ("MAX_EXPLICIT_STEP", cv::MAX_EXPLICIT_STEP),
        ("STEP_FRACTION", cv::STEP_FRACTION),
        ("INV_SQRT_2PI", cv::INV_SQRT_2PI),
        ("INV_SQRT_2", cv::INV_SQRT_2),
    ] {
        assert_eq!(
            f32_constant(&m, name).map(f32::to_bits),
            Some(value.to_bits()),
            "{name}"
        );
    }
    // The workgroup budget array holds every counter as two words.
    let wg = m
        .global_variables
        .iter()
        .find(|(_, g)| g.name.as_deref() == Some("wg_budget"))
        .expect("wg_budget")
        .1;
    match m.types[wg.ty].inner {
        naga::TypeInner::Array {
            size: naga::ArraySize::Constant(n),
            ..
        } => assert_eq!(n.get() as usize, 2 * BUDGET_COUNTERS),
        ref other => panic!("wg_budget is {other:?}"),
    }
}

#[test]
fn wgsl_records_have_the_rust_sizes_and_offsets() {
    let m = parse("lagrangian", shaders::LAGRANGIAN);
    let (size, members) = layout(&m, "Particle");
    assert_eq!(size as usize, size_of::<Particle>());
    assert_eq!(offset(&members, "pos"), offset_of!(Particle, pos));
    assert_eq!(offset(&members, "vel"), offset_of!(Particle, vel));
    assert_eq!(offset(&members, "step"), offset_of!(Particle, step));
    assert_eq!(offset(&members, "mass"), offset_of!(Particle, mass));
    assert_eq!(offset(&members, "id"), offset_of!(Particle, id));
    assert_eq!(offset(&members, "source"), offset_of!(Particle, source));
    assert_eq!(offset(&members, "status"), offset_of!(Particle, status));
    let (size, members) = layout(&m, "ColumnLevel");
    assert_eq!(size as usize, size_of::<ColumnLevel>());
    assert_eq!(offset(&members, "wind"), offset_of!(ColumnLevel, wind));
    let (size, members) = layout(&m, "StepParams");
    assert_eq!(size as usize, size_of::<StepParams>());
    for (name, off) in [
        ("n_active", offset_of!(StepParams, n_active)),
        ("drift", offset_of!(StepParams, drift)),
        ("top_m", offset_of!(StepParams, top_m)),
        ("key", offset_of!(StepParams, key)),
        ("wet_offset", offset_of!(StepParams, wet_offset)),
        ("sample_weight_s", offset_of!(StepParams, sample_weight_s)),
        ("min_share", offset_of!(StepParams, min_share)),
        ("long_on", offset_of!(StepParams, long_on)),
        ("long_spread_m", offset_of!(StepParams, long_spread_m)),
    ] {
        assert_eq!(offset(&members, name), off, "StepParams.{name}");
    }
    let (size, members) = layout(&m, "SourceRec");
    assert_eq!(size as usize, size_of::<SourceRec>());
    assert_eq!(offset(&members, "entries"), offset_of!(SourceRec, entries));
    let (size, members) = layout(&m, "EntryRec");
    assert_eq!(size as usize, size_of::<EntryRec>());
    assert_eq!(
        offset(&members, "released_hi"),
        offset_of!(EntryRec, released_hi)
    );
    let g = parse("gaussian", shaders::GAUSSIAN);
    let (size, members) = layout(&g, "PlumeRec");
    assert_eq!(size as usize, size_of::<PlumeRec>());
    assert_eq!(offset(&members, "scheme"), offset_of!(PlumeRec, scheme));
    let (size, members) = layout(&g, "GridParams");
    assert_eq!(size as usize, size_of::<GridParams>());
    assert_eq!(offset(&members, "dx_m"), offset_of!(GridParams, dx_m));
}
