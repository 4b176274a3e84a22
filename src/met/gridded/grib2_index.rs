//! The first pass over a GRIB2 file: which message holds which of the reader's quantities (WMO
//! code table 4.2), at which height above ground and valid time, on which grid. Nothing is
//! decoded here: [`super::grib2::read`] then decodes only the messages the run needs.

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::met::error::MetError;

/// A GRIB2 file as the `grib` crate reads it.
pub(super) type Grib2File =
    grib::Grib2<grib::SeekableGrib2Reader<std::io::BufReader<std::fs::File>>>;

/// The quantity a message holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Role {
    U,
    V,
    W,
    Temperature,
    MixingHeight,
    FrictionVelocity,
    HeatFlux,
    Precipitation,
}

impl Role {
    pub(super) fn of(discipline: u8, category: u8, number: u8, centre: u16) -> Option<Role> {
        match (discipline, category, number) {
            (0, 2, 2) => Some(Role::U),
            (0, 2, 3) => Some(Role::V),
            (0, 2, 9) => Some(Role::W),
            (0, 0, 0) => Some(Role::Temperature),
            (0, 3, 18) => Some(Role::MixingHeight),
            // NCEP's local HPBL (GFS, NAM, HRRR), before WMO added 3/18.
            (0, 3, 196) if centre == NCEP_CENTRE => Some(Role::MixingHeight),
            (0, 2, 30) => Some(Role::FrictionVelocity),
            (0, 0, 11) => Some(Role::HeatFlux),
            (0, 1, 7) => Some(Role::Precipitation),
            _ => None,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Role::U => "u-component of wind (0/2/2)",
            Role::V => "v-component of wind (0/2/3)",
            Role::W => "geometric vertical velocity (0/2/9)",
            Role::Temperature => "temperature (0/0/0)",
            Role::MixingHeight => "planetary boundary layer height (0/3/18)",
            Role::FrictionVelocity => "friction velocity (0/2/30)",
            Role::HeatFlux => "sensible heat net flux (0/0/11)",
            Role::Precipitation => "precipitation rate (0/1/7)",
        }
    }
}

/// One message's place: its index in the file, role, height (m, 103 levels) and valid time.
pub(super) struct Entry {
    pub index: usize,
    pub role: Role,
    pub height_m: Option<f64>,
    pub valid: DateTime<Utc>,
}

/// The octet of section 4 where the end of the overall time interval begins in the statistically
/// processed product templates: 4.8 (35), 4.11 (38, after three octets of ensemble
/// information), 4.12 (37, after two); `None` for other templates.
fn interval_end_octet(template: u16) -> Option<usize> {
    match template {
        8 => Some(35),
        11 => Some(38),
        12 => Some(37),
        _ => None,
    }
}

/// For a statistically processed product, the end of its overall time interval (year in two
/// octets, then month, day, hour, minute, second) and its statistical process (code table
/// 4.10: 0 average, 1 accumulation, …), twelve octets further on. `payload` is section 4 from
/// its octet 6 on, as the crate holds it.
fn statistical_interval(template: u16, payload: &[u8]) -> Option<(DateTime<Utc>, u8)> {
    use chrono::TimeZone;
    let o = interval_end_octet(template)? - 6;
    let b = |k: usize| payload.get(o + k).copied();
    let year = u16::from_be_bytes([b(0)?, b(1)?]);
    let end = Utc
        .with_ymd_and_hms(
            i32::from(year),
            u32::from(b(2)?),
            u32::from(b(3)?),
            u32::from(b(4)?),
            u32::from(b(5)?),
            u32::from(b(6)?),
        )
        .single()?;
    Some((end, b(12)?))
}

/// WMO code of the European Centre for Medium-Range Weather Forecasts (common code table C-11),
/// which writes the surface fluxes positive downward.
pub(super) const ECMWF_CENTRE: u16 = 98;
/// WMO originating centre of NCEP (code table C-11), whose local parameter 0/3/196 is the
/// planetary boundary layer height (NCEP GRIB2 table 4.2-0-3, HPBL).
const NCEP_CENTRE: u16 = 7;

/// The error for a file that is not the GRIB2 it should be: `detail` says how.
pub(super) fn format_error(file: &Path) -> impl Fn(String) -> MetError + '_ {
    move |detail| MetError::Format {
        file: file.to_path_buf(),
        detail,
    }
}

/// What the first pass found.
pub(super) struct MessageIndex {
    pub entries: Vec<Entry>,
    /// (ni, nj) of the grid every message of a known quantity shares; `None` for a file with
    /// none.
    pub shape: Option<(usize, usize)>,
    /// The grid template and, for winds relative to the grid, whether i runs towards −x.
    pub grid_kind: Option<(u16, Option<bool>)>,
    /// Whether the file holds precipitation accumulated since the forecast start (0/1/8).
    pub accumulated_precipitation: bool,
}

/// Indexes every message of a known quantity; every such message must share the first one's
/// grid, and a heat flux must not be accumulated.
pub(super) fn index_messages(grib2: &Grib2File, file: &Path) -> Result<MessageIndex, MetError> {
    let fmt = format_error(file);
    let file = file.to_path_buf();
    let mut entries = vec![];
    let mut accumulated_precipitation = false;
    let mut shape = None;
    let mut grid_kind = None;
    for (n, (_, msg)) in grib2.iter().enumerate() {
        let discipline = msg.indicator().discipline;
        let prod = msg.prod_def();
        let (Some(cat), Some(num)) = (prod.parameter_category(), prod.parameter_number()) else {
            continue;
        };
        let centre = msg.identification().centre_id();
        if (discipline, cat, num) == (0, 1, 8) {
            accumulated_precipitation = true;
        }
        let Some(role) = Role::of(discipline, cat, num, centre) else {
            continue;
        };
        let template = msg.grid_def().grid_tmpl_num();
        let values = grib::GridDefinitionTemplateValues::try_from(msg.grid_def()).map_err(|e| {
            MetError::Invalid {
                file: file.clone(),
                variable: role.name().into(),
                problem: format!(
                    "grid definition template 3.{template} cannot be read ({e}): expected a latitude/longitude, rotated latitude/longitude, Mercator, polar stereographic, Lambert conformal or Gaussian grid"
                ),
            }
        })?;
        let relative = grid_relative_winds(&values).ok_or_else(|| MetError::Invalid {
            file: file.clone(),
            variable: role.name().into(),
            problem: format!(
                "grid definition template 3.{template}: the reader cannot tell whether its winds are relative to the grid"
            ),
        })?;
        let relative = relative.then(|| scans_negatively_for_i(&values));
        if *grid_kind.get_or_insert((template, relative)) != (template, relative) {
            return Err(MetError::Invalid {
                file,
                variable: role.name().into(),
                problem: format!("message {n} uses grid template 3.{template}: expected every message on the first message's grid"),
            });
        }
        let s = msg
            .grid_shape()
            .map_err(|e| fmt(format!("message {n}: {e}")))?;
        if *shape.get_or_insert(s) != s {
            return Err(MetError::Invalid {
                file,
                variable: role.name().into(),
                problem: format!("message {n} has a {s:?} grid: expected every message on the first message's {:?} grid", shape.unwrap_or(s)),
            });
        }
        let height_m = prod
            .fixed_surfaces()
            .filter(|(first, _)| first.surface_type == 103)
            .map(|(first, _)| first.value());
        let payload: Vec<u8> = prod.iter().copied().collect();
        let statistics = statistical_interval(prod.prod_tmpl_num(), &payload);
        if role == Role::HeatFlux && statistics.is_some_and(|(_, process)| process == 1) {
            return Err(MetError::Invalid {
                file,
                variable: role.name().into(),
                problem: format!(
                    "message {n} is an accumulated heat flux (J m-2): expected an instantaneous or averaged flux in W m-2"
                ),
            });
        }
        let valid = match statistics {
            Some((end, _)) => end,
            None => msg
                .temporal_info()
                .forecast_time_target
                .ok_or_else(|| fmt(format!("message {n} ({}) has no valid time", role.name())))?,
        };
        entries.push(Entry {
            index: n,
            role,
            height_m,
            valid,
        });
    }
    Ok(MessageIndex {
        entries,
        shape,
        grid_kind,
        accumulated_precipitation,
    })
}

/// Whether the grid's i index runs towards −x (scanning mode flag bit 1, code table 3.4): its
/// nodes i and i + 1 then step along −x, while grid-relative winds are still along +x.
pub(super) fn scans_negatively_for_i(values: &grib::GridDefinitionTemplateValues) -> bool {
    use grib::GridDefinitionTemplateValues as T;
    let mode = match values {
        T::Template0(t) => &t.lat_lon.scanning_mode,
        T::Template1(t) => &t.lat_lon.scanning_mode,
        T::Template10(t) => &t.scanning_mode,
        T::Template20(t) => &t.scanning_mode,
        T::Template30(t) => &t.scanning_mode,
        T::Template40(t) => &t.gaussian.scanning_mode,
        T::Template41(t) => &t.gaussian.scanning_mode,
        _ => return false,
    };
    !mode.scans_positively_for_i()
}

/// Whether u and v are relative to the grid's axes (flag table 3.3, bit 5) rather than to
/// true east and north; `None` for a template whose flags the reader does not know.
fn grid_relative_winds(values: &grib::GridDefinitionTemplateValues) -> Option<bool> {
    use grib::GridDefinitionTemplateValues as T;
    let flags = match values {
        T::Template0(t) => t.lat_lon.grid.resolution_and_component_flags.0,
        T::Template1(t) => t.lat_lon.grid.resolution_and_component_flags.0,
        T::Template10(t) => t.resolution_and_component_flags.0,
        T::Template20(t) => t.resolution_and_component_flags.0,
        T::Template30(t) => t.resolution_and_component_flags.0,
        T::Template40(t) => t.gaussian.grid.resolution_and_component_flags.0,
        T::Template41(t) => t.gaussian.grid.resolution_and_component_flags.0,
        _ => return None,
    };
    Some(flags & 0b0000_1000 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// Section 4 from octet 6 with `template`, zeros, and at `end_octet` the end of the overall
    /// time interval 2026-11-29 03:00:00 and, twelve octets on, statistical process `process`.
    fn payload(template: u16, end_octet: usize, process: u8) -> Vec<u8> {
        let mut p = vec![0u8; 80];
        p[2..4].copy_from_slice(&template.to_be_bytes());
        let o = end_octet - 6;
        p[o..o + 2].copy_from_slice(&2026u16.to_be_bytes());
        p[o + 2..o + 7].copy_from_slice(&[11, 29, 3, 0, 0]);
        p[o + 12] = process;
        p
    }

    #[test]
    fn a_statistically_processed_message_is_valid_at_the_end_of_its_interval() {
        let end = Utc.with_ymd_and_hms(2026, 11, 29, 3, 0, 0).unwrap();
        // WMO templates 4.8 (octet 35), 4.11 (38) and 4.12 (37); average (0), accumulation (1).
        for (template, octet) in [(8u16, 35usize), (11, 38), (12, 37)] {
            for process in [0u8, 1] {
                let p = payload(template, octet, process);
                assert_eq!(
                    statistical_interval(template, &p),
                    Some((end, process)),
                    "4.{template}"
                );
            }
        }
        // An instantaneous product has no interval; a truncated section gives none either.
        assert_eq!(statistical_interval(0, &payload(0, 35, 0)), None);
        assert_eq!(statistical_interval(8, &[0u8; 20]), None);
    }
}
