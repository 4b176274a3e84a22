//! From concentration to exposure: per grid cell, the peak mean concentration at each AEGL
//! duration, the time-integrated concentration and toxic load of chemicals, and the radiological
//! dose of each pathway over each dose window, projected (outdoors) and sheltered; for chemicals
//! also the peak means and toxic load indoors, for people who shelter in place ([`indoor`]).
//!
//! [`compute`] takes the fields of any model and the substance library; species that are not in
//! the library are listed in [`Exposure::unassessed`] rather than failing the run.

pub mod chemical;
pub mod dose;
pub mod indoor;

use ndarray::{Array2, Array3};
use rayon::prelude::*;

pub use dose::{DoseSettings, RadiologicalDose, ShelterFactors};

use crate::field::Fields;
use crate::substance::{AmountUnit, Library, AEGL_DURATIONS_S};

/// Seconds in a day and in a (Julian) year.
pub const DAY_S: f64 = 86_400.0;
pub const YEAR_S: f64 = 365.25 * DAY_S;

/// The standard dose windows: 2 d, 4 d, 7 d and 1 y from the release start.
pub const DOSE_WINDOWS_S: [f64; 4] = [2.0 * DAY_S, 4.0 * DAY_S, 7.0 * DAY_S, YEAR_S];

/// Adult breathing rate (m³ s⁻¹): 1.2 m³ h⁻¹ (20 L/min), the light-activity rate of ICRP
/// Publication 23 (1975) Reference Man that US dose projection uses (RASCAL's 3.33 × 10⁻⁴
/// m³/s, EPA PAG Manual); ICRP 66 (1994) gives 1.5 m³ h⁻¹ for an adult male at light exercise
/// (1.25 for a female). Recalled, UNVERIFIED (a review corrected the attribution to ICRP 66);
/// scenario files may set their own.
pub const ADULT_BREATHING_RATE_M3_S: f64 = 1.2 / 3600.0;

/// Breathing rate of a 1-year-old child (m³ s⁻¹): 0.35 m³ h⁻¹, the ICRP Publication 66 (1994)
/// light-exercise ventilation rate of the 1-year-old, the activity the adult rate assumes
/// (recalled, UNVERIFIED; the daily mean of ICRP 66/71, 5.16 m³ d⁻¹ = 0.22 m³ h⁻¹, is lower).
/// With the 1-year-old's thyroid coefficient it gives the child thyroid dose on which the US
/// potassium-iodide PAG is set.
pub const CHILD_BREATHING_RATE_M3_S: f64 = 0.35 / 3600.0;

/// What the exposure computation needs besides the fields and library.
#[derive(Debug, Clone, PartialEq)]
pub struct ExposureOptions {
    /// Output layer that people breathe and stand in (index into the grid's layers).
    pub layer: usize,
    pub breathing_rate_m3_s: f64,
    /// Breathing rate of the 1-year-old child whose thyroid dose is projected.
    pub child_breathing_rate_m3_s: f64,
    pub shelter: ShelterFactors,
    /// Multiplies FGR-15 groundshine (1 = smooth plane; about 0.7 is common for real ground).
    pub ground_roughness_factor: f64,
    /// Release start (s since the scenario start), the origin of in-air daughter ingrowth.
    pub release_start_s: f64,
    /// Dose windows (s), each counted from the release start (the PAGs' "first four days" of a
    /// release); the criteria's windows are added.
    pub windows_s: Vec<f64>,
    /// Air changes per second of a closed building, for chemical exposure indoors.
    pub air_exchange_per_s: f64,
    /// When the people sheltering in it end sheltering.
    pub shelter_exit: indoor::ShelterExit,
}

impl Default for ExposureOptions {
    fn default() -> Self {
        ExposureOptions {
            layer: 0,
            breathing_rate_m3_s: ADULT_BREATHING_RATE_M3_S,
            child_breathing_rate_m3_s: CHILD_BREATHING_RATE_M3_S,
            shelter: ShelterFactors::default(),
            ground_roughness_factor: 1.0,
            release_start_s: 0.0,
            windows_s: DOSE_WINDOWS_S.to_vec(),
            air_exchange_per_s: indoor::DEFAULT_AIR_EXCHANGE_PER_H / 3600.0,
            shelter_exit: indoor::ShelterExit::Never,
        }
    }
}

/// Why exposure could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum ExposureError {
    #[error("exposure option {field} = {value}: expected {expected}")]
    Invalid {
        field: &'static str,
        value: String,
        expected: String,
    },
}

/// Exposure to one chemical on the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct ChemicalExposure {
    /// Library name.
    pub name: String,
    pub toxic_load_n: f64,
    /// Peak running-mean concentration for each AEGL duration [duration, y, x] (kg m⁻³).
    pub peak_mean_kg_m3: Array3<f64>,
    /// The same were the last interval's air to stay after the run's end
    /// ([`chemical::RunningMean::peak_held_after`]): the most a zone cut short by the end of a
    /// release still running then could become.
    pub held_after_peak_mean_kg_m3: Array3<f64>,
    /// Time-integrated concentration over the run [y, x] (kg s m⁻³).
    pub tic_kg_s_m3: Array2<f64>,
    /// Toxic load ∫Cⁿ dt [y, x] ((mg m⁻³)ⁿ min).
    pub toxic_load: Array2<f64>,
    /// Air changes per second of the building the indoor fields are for.
    pub air_exchange_per_s: f64,
    /// When its occupants end sheltering.
    pub shelter_exit: indoor::ShelterExit,
    /// Peak running-mean concentration indoors for each AEGL duration [duration, y, x]
    /// (kg m⁻³), over the run and [`indoor::TAIL_S`] after it.
    pub indoor_peak_mean_kg_m3: Array3<f64>,
    /// Toxic load indoors over the run and [`indoor::TAIL_S`] after it [y, x].
    pub indoor_toxic_load: Array2<f64>,
    /// The highest concentration of the run's last interval in the layer assessed (kg m⁻³):
    /// a cloud still above a threshold when the run ends may still grow its zones.
    pub last_interval_peak_kg_m3: f64,
}

/// All exposure fields of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposure {
    pub radiological: Option<RadiologicalDose>,
    pub chemicals: Vec<ChemicalExposure>,
    /// Species that could not be assessed (not in the library), with the reason.
    pub unassessed: Vec<String>,
}

fn check(field: &'static str, v: f64, ok: bool, expected: &str) -> Result<f64, ExposureError> {
    if v.is_finite() && ok {
        Ok(v)
    } else {
        Err(ExposureError::Invalid {
            field,
            value: v.to_string(),
            expected: expected.to_string(),
        })
    }
}

/// Computes exposure and dose fields from model fields.
pub fn compute(
    fields: &Fields,
    library: &Library,
    opts: &ExposureOptions,
) -> Result<Exposure, ExposureError> {
    let grid = &fields.grid;
    if opts.layer >= grid.nz() {
        return Err(ExposureError::Invalid {
            field: "layer",
            value: opts.layer.to_string(),
            expected: format!("a layer index below {}", grid.nz()),
        });
    }
    for (name, v) in [
        ("breathing_rate_m3_s", opts.breathing_rate_m3_s),
        ("child_breathing_rate_m3_s", opts.child_breathing_rate_m3_s),
    ] {
        check(name, v, v > 0.0 && v <= 0.01, "a rate in (0, 0.01] m3/s")?;
    }
    let f = opts.shelter;
    for (name, v) in [
        ("shelter.cloudshine", f.cloudshine),
        ("shelter.groundshine", f.groundshine),
        ("shelter.inhalation", f.inhalation),
    ] {
        check(
            name,
            v,
            (0.0..=1.0).contains(&v),
            "a dose-reduction factor in [0, 1]",
        )?;
    }
    check(
        "air_exchange_per_s",
        opts.air_exchange_per_s,
        opts.air_exchange_per_s >= 0.0,
        "an air exchange rate >= 0 per second",
    )?;
    check(
        "ground_roughness_factor",
        opts.ground_roughness_factor,
        (0.0..=1.0).contains(&opts.ground_roughness_factor),
        "a factor in [0, 1]",
    )?;
    let mut windows = opts.windows_s.clone();
    for &w in &windows {
        check("windows_s", w, w > 0.0, "window ends > 0 s")?;
    }
    windows.sort_by(f64::total_cmp);
    windows.dedup();

    let bounds: Vec<f64> = std::iter::once(0.0)
        .chain(grid.times_s.iter().copied())
        .collect();
    let settings = DoseSettings {
        breathing_rate_m3_s: opts.breathing_rate_m3_s,
        child_breathing_rate_m3_s: opts.child_breathing_rate_m3_s,
        ground_roughness_factor: opts.ground_roughness_factor,
        release_start_s: opts.release_start_s,
        windows_s: windows.clone(),
        shelter: opts.shelter,
    };
    let (ny, nx, nw) = (grid.ny, grid.nx, windows.len());
    let layer_depths_m: Vec<f64> = grid.layers.iter().map(|l| l.top_m - l.bottom_m).collect();
    let mut rad: Option<RadiologicalDose> = None;
    let mut chemicals = vec![];
    // Species that name the same library chemical ("Chlorine", "chlorine", its CAS number) are
    // one exposure: thresholds and toxic load are not additive, so their series are summed.
    let mut chemical_parts: Vec<(
        &crate::substance::Chemical,
        Vec<&crate::field::SpeciesFields>,
    )> = vec![];
    let mut unassessed = vec![];
    for sf in &fields.species {
        let name = &sf.species.name;
        match sf.species.unit {
            AmountUnit::Becquerel => {
                let Some(n) = library.nuclide(name) else {
                    unassessed.push(format!("{name}: not in the nuclide library, no dose"));
                    continue;
                };
                let c = dose::coefficients(n, library, &bounds, &settings);
                let d = rad.get_or_insert_with(|| RadiologicalDose {
                    windows_s: windows.clone(),
                    inhalation_sv: Array3::zeros((nw, ny, nx)),
                    cloudshine_sv: Array3::zeros((nw, ny, nx)),
                    groundshine_sv: Array3::zeros((nw, ny, nx)),
                    thyroid_sv: Array3::zeros((nw, ny, nx)),
                    thyroid_child_sv: Array3::zeros((nw, ny, nx)),
                    by_nuclide: vec![],
                    shelter: opts.shelter,
                });
                dose::accumulate(d, &n.name, sf, opts.layer, &layer_depths_m, &c);
            }
            AmountUnit::Kilogram => {
                let Some(ch) = library.chemical(name) else {
                    unassessed.push(format!(
                        "{name}: not in the chemical library, no thresholds"
                    ));
                    continue;
                };
                match chemical_parts.iter_mut().find(|(c, _)| c.name == ch.name) {
                    Some((_, parts)) => parts.push(sf),
                    None => chemical_parts.push((ch, vec![sf])),
                }
            }
        }
    }
    for (ch, parts) in chemical_parts {
        let combined;
        let sf = match parts.as_slice() {
            [one] => *one,
            [first, rest @ ..] => {
                let mut sum = (*first).clone();
                for p in rest {
                    if sum.exposure_concentration.is_some() || p.exposure_concentration.is_some() {
                        sum.exposure_concentration =
                            Some(sum.exposure_series() + p.exposure_series());
                    }
                    sum.concentration += &p.concentration;
                }
                combined = sum;
                &combined
            }
            [] => unreachable!("a chemical is listed with the species that named it"),
        };
        chemicals.push(chemical_exposure(
            &ch.name,
            ch.toxic_load_n,
            sf,
            opts.layer,
            &bounds,
            (opts.air_exchange_per_s, opts.shelter_exit),
        ));
    }
    Ok(Exposure {
        radiological: rad,
        chemicals,
        unassessed,
    })
}

/// Chemical exposure of one species' fields, outdoors and in a building exchanging its air at
/// `air_exchange_per_s`, sheltered in until `shelter_exit`.
pub fn chemical_exposure(
    name: &str,
    toxic_load_n: f64,
    sf: &crate::field::SpeciesFields,
    layer: usize,
    bounds_s: &[f64],
    (air_exchange_per_s, shelter_exit): (f64, indoor::ShelterExit),
) -> ChemicalExposure {
    let (nt, _, ny, nx) = sf.exposure_series().dim();
    let nd = AEGL_DURATIONS_S.len();
    // Per row, in parallel: [peak for each duration, tic, load, indoor peak for each
    // duration, indoor load, held-after peak for each duration] × nx.
    let width = 3 * nd + 3;
    let held = 2 * nd + 3;
    let kernel = indoor::IndoorKernel::new(bounds_s, air_exchange_per_s, shelter_exit);
    let rows: Vec<Vec<f64>> = (0..ny)
        .into_par_iter()
        .map(|j| {
            let mut out = vec![0.0; width * nx];
            let mut series = vec![0.0; nt];
            let (mut in_series, mut later_max) = (vec![], vec![]);
            let mut rm = chemical::RunningMean::default();
            // The row's series, time-major: block[k * nx + i].
            let mut block = vec![0.0; nt * nx];
            for k in 0..nt {
                for (b, c) in block[k * nx..(k + 1) * nx]
                    .iter_mut()
                    .zip(sf.exposure_series().slice(ndarray::s![k, layer, j, ..]))
                {
                    *b = *c;
                }
            }
            for i in 0..nx {
                for (k, v) in series.iter_mut().enumerate() {
                    *v = block[k * nx + i];
                }
                if series.iter().all(|&v| v == 0.0) {
                    continue;
                }
                rm.set(bounds_s, &series);
                for (d, &dur) in AEGL_DURATIONS_S.iter().enumerate() {
                    (out[d * nx + i], out[(held + d) * nx + i]) = rm.peaks(dur);
                }
                out[nd * nx + i] = chemical::time_integral(bounds_s, &series);
                out[(nd + 1) * nx + i] =
                    chemical::toxic_load_mg_m3_n_min(bounds_s, &series, toxic_load_n);
                kernel.fill(&series, &mut in_series, &mut later_max);
                rm.set(&kernel.bounds_s, &in_series);
                for (d, &dur) in AEGL_DURATIONS_S.iter().enumerate() {
                    out[(nd + 2 + d) * nx + i] = rm.peak(dur);
                }
                out[(2 * nd + 2) * nx + i] =
                    chemical::toxic_load_mg_m3_n_min(&kernel.bounds_s, &in_series, toxic_load_n);
            }
            out
        })
        .collect();
    let mut peak = Array3::zeros((nd, ny, nx));
    let mut held_peak = Array3::zeros((nd, ny, nx));
    let mut tic = Array2::zeros((ny, nx));
    let mut load = Array2::zeros((ny, nx));
    let mut indoor_peak = Array3::zeros((nd, ny, nx));
    let mut indoor_load = Array2::zeros((ny, nx));
    for (j, row) in rows.iter().enumerate() {
        for i in 0..nx {
            for d in 0..nd {
                peak[[d, j, i]] = row[d * nx + i];
                indoor_peak[[d, j, i]] = row[(nd + 2 + d) * nx + i];
                held_peak[[d, j, i]] = row[(held + d) * nx + i];
            }
            tic[[j, i]] = row[nd * nx + i];
            load[[j, i]] = row[(nd + 1) * nx + i];
            indoor_load[[j, i]] = row[(2 * nd + 2) * nx + i];
        }
    }
    ChemicalExposure {
        name: name.to_string(),
        toxic_load_n,
        peak_mean_kg_m3: peak,
        held_after_peak_mean_kg_m3: held_peak,
        tic_kg_s_m3: tic,
        toxic_load: load,
        air_exchange_per_s,
        shelter_exit,
        indoor_peak_mean_kg_m3: indoor_peak,
        indoor_toxic_load: indoor_load,
        last_interval_peak_kg_m3: match nt {
            0 => 0.0,
            _ => sf
                .exposure_series()
                .slice(ndarray::s![nt - 1, layer, .., ..])
                .fold(0.0, |m: f64, &c| m.max(c)),
        },
    }
}
