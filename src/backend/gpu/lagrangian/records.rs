//! The records the particle kernel reads, mirrors of the WGSL structs in
//! `shaders/lagrangian.wgsl` (sizes and offsets checked by naga in tests/gpu_shaders.rs), and
//! their packing from the source plans.

use bytemuck::{Pod, Zeroable};

use crate::model::lagrangian::column::{ColumnGrid, ColumnLevel};
use crate::model::lagrangian::particle::MAX_CLASSES;
use crate::model::lagrangian::release::SourcePlan;
use crate::model::lagrangian::tally::{fixed, Scales};

/// The uniform of one dispatch: a mirror of `StepParams` in `shaders/lagrangian.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct StepParams {
    pub t0_s: f32,
    pub t1_s: f32,
    pub sync_duration_s: f32,
    pub n_active: u32,
    pub n_levels: u32,
    pub columns_inv_spacing_per_m: f32,
    pub n_sources: u32,
    pub precipitation: u32,
    pub time_step_factor: f32,
    pub min_time_step_s: f32,
    pub max_time_step_s: f32,
    pub drift: u32,
    pub deposition_layer_m: f32,
    pub x_min_m: f32,
    pub x_max_m: f32,
    pub y_min_m: f32,
    pub y_max_m: f32,
    pub top_m: f32,
    pub grid_x0_m: f32,
    pub grid_y0_m: f32,
    pub grid_dx_m: f32,
    pub nx: u32,
    pub ny: u32,
    pub nz: u32,
    pub n_species: u32,
    pub member: u32,
    pub key: [u32; 2],
    pub exposure_offset: u32,
    pub dry_offset: u32,
    pub wet_offset: u32,
    /// Seconds a particle airborne at the part's end stands for in the grid (0: grids
    /// nothing; the driver's [`crate::model::lagrangian::driver::sampled_parts`]).
    pub sample_weight_s: f32,
    pub columns_nx: u32,
    pub columns_ny: u32,
    pub columns_x0_m: f32,
    pub columns_y0_m: f32,
    /// 1 where particles are tallied at meander images, 0 where they are.
    pub meander_on: u32,
    pub meander_inv_dln: f32,
    /// [`crate::model::lagrangian::step::StepConfig::min_share`] (here for alignment).
    pub min_share: f32,
    pub meander_pad: u32,
    /// [`crate::model::lagrangian::meander::MeanderTable::spread_m`], four to a vec4 (the
    /// last three unused).
    pub meander_spread_m: [[f32; 4]; 17],
    /// 1 where the run keeps an exposure tally: particles are gridded a second time, at
    /// images of the second table, into the words at `exposure_long_offset`, and deposits
    /// are booked there.
    pub long_on: u32,
    pub long_inv_dln: f32,
    pub exposure_long_offset: u32,
    pub long_pad: u32,
    /// The exposure tally's [`crate::model::lagrangian::meander::MeanderTable::spread_m`].
    pub long_spread_m: [[f32; 4]; 17],
}
const _: () = assert!(std::mem::size_of::<StepParams>() == 720);
const _: () = assert!(4 * 17 >= crate::model::lagrangian::meander::MEANDER_NODES);

/// A source's loss rates, entry range and settling velocity: a mirror of `SourceRec`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct SourceRec {
    pub dry_velocity_m_s: [f32; 4],
    pub washout_per_s: [f32; 4],
    /// First entry, entry count.
    pub entries: [u32; 2],
    /// [`crate::model::lagrangian::loss::ClassLoss::settling_velocity_m_s`].
    pub settling_velocity_m_s: f32,
    pub pad: u32,
}
const _: () = assert!(std::mem::size_of::<SourceRec>() == 48);

/// One emitted species at the run's fixed-point scales: a mirror of `EntryRec`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct EntryRec {
    pub class_index: u32,
    pub species: u32,
    pub decay_per_s: f32,
    pub amount_units: f32,
    pub exposure_units: f32,
    pub released_lo: u32,
    pub released_hi: u32,
    pub pad: u32,
}
const _: () = assert!(std::mem::size_of::<EntryRec>() == 32);

/// Loss rates of each source at precipitation `p_mm_h`, with their entry ranges.
pub fn source_records(plans: &[SourcePlan], precipitation_mm_h: f64) -> Vec<SourceRec> {
    let mut first = 0u32;
    plans
        .iter()
        .map(|p| {
            let mut r = SourceRec {
                entries: [first, p.entries.len() as u32],
                settling_velocity_m_s: p.settling_velocity_m_s as f32,
                ..Zeroable::zeroed()
            };
            for (k, c) in p.classes.iter().enumerate().take(MAX_CLASSES) {
                r.dry_velocity_m_s[k] = c.dry_velocity_m_s as f32;
                r.washout_per_s[k] = c.washout_per_s(precipitation_mm_h) as f32;
            }
            first += p.entries.len() as u32;
            r
        })
        .collect()
}

/// The entries of every source at the run's scales.
pub fn entry_records(plans: &[SourcePlan], scales: &Scales) -> Vec<EntryRec> {
    plans
        .iter()
        .flat_map(|p| p.entries.iter())
        .map(|e| {
            let released = fixed(e.amount_per_particle, scales.amount[e.species]) as u64;
            EntryRec {
                class_index: e.class as u32,
                species: e.species as u32,
                decay_per_s: e.decay_per_s as f32,
                amount_units: (e.amount_per_particle * scales.amount[e.species]) as f32,
                exposure_units: (e.amount_per_particle * scales.exposure[e.species]) as f32,
                released_lo: released as u32,
                released_hi: (released >> 32) as u32,
                pad: 0,
            }
        })
        .collect()
}

/// The columns as uploaded, one after another: each column's levels, its above-lid record,
/// then a header record whose `sigma` holds the level index per √m, the lid (m), the precipitation
/// (mm/h) and the scale of ⟨w³⟩ (m³ s⁻³, 0 for Gaussian turbulence), and whose `wind` is the
/// column's [`Column::above_top`](crate::model::lagrangian::Column::above_top).
///
/// # Panics
/// If the columns have different numbers of levels.
pub fn column_records(grid: &ColumnGrid) -> Vec<ColumnLevel> {
    let n = grid.columns[0].levels().len();
    let mut v = Vec::with_capacity(grid.columns.len() * (n + 2));
    for c in &grid.columns {
        assert_eq!(c.levels().len(), n, "every column has the same levels");
        v.extend_from_slice(c.levels());
        v.push(c.above_lid);
        v.push(ColumnLevel {
            sigma: [
                c.index_per_sqrt_m,
                c.lid_m,
                c.precipitation_mm_h,
                c.convective_w3_m3_s3,
            ],
            wind: c.above_top,
            ..Zeroable::zeroed()
        });
    }
    v
}

/// Loss rates of each source in each column in turn (as [`source_records`] at each column's
/// precipitation).
pub fn column_source_records(plans: &[SourcePlan], grid: &ColumnGrid) -> Vec<SourceRec> {
    grid.columns
        .iter()
        .flat_map(|c| source_records(plans, f64::from(c.precipitation_mm_h)))
        .collect()
}
