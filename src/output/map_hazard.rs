//! The field a map shows and how it is coloured: for nuclides the projected effective dose over
//! 7 days (Health Canada's evacuation window), for a chemical its peak running mean at the AEGL
//! duration, else the time-integrated air concentration of the first species — on a colour
//! scale tied to the criterion of that quantity and window ([`Scale::Log`]), so that the maps
//! of two options of one release are coloured alike.

use ndarray::Array2;

use crate::exposure::{RadiologicalDose, DOSE_WINDOWS_S};
use crate::field::Fields;
use crate::impact::criteria::{ppm_text, threshold_text, Criterion, DoseQuantity};
use crate::substance::{Threshold, AEGL_DURATIONS_S};

/// Decades of a colour scale set by the field's maximum.
const DECADES: f64 = 4.0;
/// Decades of a colour scale anchored to a criterion below it and above it: 10⁻³ to 10² times
/// the criterion, so a plume a hundred times weaker than another is still drawn, in colours
/// comparable with the other's, and values of no concern (a thousandth of a criterion) are
/// left uncoloured.
const BELOW_CRITERION_DECADES: f64 = 3.0;
const ABOVE_CRITERION_DECADES: f64 = 2.0;
/// Decades of a colour scale at most: a field above the criterion's scale stretches its top.
const MAX_DECADES: f64 = 8.0;
/// How a map's field is coloured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// Logarithmic. With a [`Hazard::criterion`] the scale is that criterion's, whatever the
    /// run: 10⁻³ to 10² times it, its top raised to the whole decade above the field's
    /// maximum where that is higher (a dense gas's near field; 8 decades at most). Two runs of
    /// one substance — the options a planner compares — are then coloured alike, and a
    /// filtered vent is drawn in the colours of its doses, not in those of the unfiltered
    /// run's (a scale set by each run's maximum drew both alike). Without one: the 4 whole
    /// decades below the one above the field's maximum.
    Log,
    /// Linear from 0 to 1, labelled in per cent (a probability).
    Fraction,
}

/// The field drawn under the outlines, its name and unit.
pub struct Hazard {
    /// [y, x] on the run's grid.
    pub values: Array2<f64>,
    pub name: String,
    pub unit: &'static str,
    /// A line under the unit: what one ppm of a chemical is in mg m-3.
    pub unit_note: Option<String>,
    pub scale: Scale,
    /// The criterion of the field's own quantity and averaging time, reached or not — the
    /// chemical's lowest AEGL at the map's duration, the lowest projected effective dose over
    /// the field's window — which sets a [`Scale::Log`] scale and is marked on the colour bar.
    pub criterion: Option<MapCriterion>,
}

/// A criterion marked on the colour bar.
#[derive(Debug, Clone, PartialEq)]
pub struct MapCriterion {
    /// In the field's unit.
    pub value: f64,
    /// What it is, e.g. "AEGL-1 (60 min) 1.45 mg m-3".
    pub label: String,
}

/// The field a map shows (see the module docs).
pub(crate) fn hazard(
    consequence: &crate::consequence::Consequence,
    fields: &Fields,
) -> Option<Hazard> {
    if let Some(d) = &consequence.exposure.radiological {
        let h = dose_hazard(d)?;
        let criteria = consequence
            .radiological
            .as_ref()
            .map(|r| r.criteria.as_slice());
        let criterion = dose_criterion(criteria.unwrap_or_default(), h.window_s);
        return Some(Hazard {
            criterion,
            ..h.hazard
        });
    }
    if let Some(ce) = consequence.exposure.chemicals.first() {
        let k = AEGL_DURATIONS_S
            .iter()
            .position(|&x| (x - consequence.spec.aegl_duration_s).abs() < 1e-9)?;
        let criterion = consequence
            .chemical
            .iter()
            .find(|c| c.chemical == ce.name)
            .and_then(|c| {
                aegl_criterion(
                    &c.thresholds,
                    consequence.spec.aegl_duration_s,
                    c.mw_g_per_mol,
                )
            });
        let mw = consequence
            .chemical
            .iter()
            .find(|c| c.chemical == ce.name)
            .map(|c| c.mw_g_per_mol);
        return Some(Hazard {
            values: ce
                .peak_mean_kg_m3
                .index_axis(ndarray::Axis(0), k)
                .mapv(|v| v * 1e6),
            name: format!(
                "{}: peak {} min mean concentration",
                ce.name,
                consequence.spec.aegl_duration_s / 60.0
            ),
            unit: "mg m-3",
            unit_note: mw.map(chemical_unit_note),
            scale: Scale::Log,
            criterion,
        });
    }
    let s = fields.species.first()?;
    Some(Hazard {
        values: s.time_integrated.index_axis(ndarray::Axis(0), 0).to_owned(),
        name: format!("{}: time-integrated air concentration", s.species.name),
        unit: match s.species.unit {
            crate::substance::AmountUnit::Becquerel => "Bq s m-3",
            crate::substance::AmountUnit::Kilogram => "kg s m-3",
        },
        unit_note: None,
        scale: Scale::Log,
        criterion: None,
    })
}

/// The dose field of a map and its window (s).
struct DoseHazard {
    hazard: Hazard,
    window_s: f64,
}

fn dose_hazard(d: &RadiologicalDose) -> Option<DoseHazard> {
    let seven_days = 7.0 * 86_400.0;
    let w = d
        .window_index(seven_days)
        .or_else(|| d.window_index(*DOSE_WINDOWS_S.last()?))?;
    Some(DoseHazard {
        hazard: Hazard {
            values: d.effective_sv(w),
            name: format!("projected effective dose, {} d", d.windows_s[w] / 86_400.0),
            unit: "Sv",
            unit_note: None,
            scale: Scale::Log,
            criterion: None,
        },
        window_s: d.windows_s[w],
    })
}

/// The lowest projected effective-dose criterion over the field's window (Health Canada's
/// 100 mSv in 7 days for evacuation), else over any window: the quantity the map shows,
/// not an averted or a thyroid dose.
fn dose_criterion(criteria: &[Criterion], window_s: f64) -> Option<MapCriterion> {
    let lowest = |same_window: bool| {
        criteria
            .iter()
            .filter(|c| c.quantity == DoseQuantity::EffectiveProjected && c.threshold_sv > 0.0)
            .filter(|c| !same_window || (c.window_s - window_s).abs() < 1.0)
            .min_by(|a, b| a.threshold_sv.total_cmp(&b.threshold_sv))
    };
    let c = lowest(true).or_else(|| lowest(false))?;
    Some(MapCriterion {
        value: c.threshold_sv,
        label: format!(
            "{} {} ({} d, {})",
            c.action.replace('_', " "),
            threshold_text(c.threshold_sv, "Sv"),
            c.window_s / 86_400.0,
            c.set.replace('_', " ")
        ),
    })
}

/// A chemical's lowest AEGL at the map's duration (AEGL-1 where there is one), in mg m-3,
/// named with its mixing ratio too: the AEGL tables give ppm first.
fn aegl_criterion(
    thresholds: &[Option<Threshold>; 3],
    duration_s: f64,
    mw_g_per_mol: f64,
) -> Option<MapCriterion> {
    let (k, t) = thresholds
        .iter()
        .enumerate()
        .find_map(|(k, t)| Some((k, t.as_ref()?)))?;
    Some(MapCriterion {
        value: t.value_kg_m3 * 1e6,
        label: format!(
            "AEGL-{} ({} min) {} = {}",
            k + 1,
            duration_s / 60.0,
            threshold_text(t.value_kg_m3, "kg m-3"),
            ppm_text(t.value_kg_m3 * 1e6 / mg_m3_per_ppm(mw_g_per_mol))
        ),
    })
}

/// The concentration (mg m-3) of one ppm by volume of a gas of molar mass `mw_g_per_mol` at
/// 25 °C and 1 atm (molar volume 24.45 L mol⁻¹), the AEGL tables' conversion.
fn mg_m3_per_ppm(mw_g_per_mol: f64) -> f64 {
    mw_g_per_mol / 24.45
}

/// The unit line of a chemical map: mg m-3 and what one ppm of the chemical is in it.
fn chemical_unit_note(mw_g_per_mol: f64) -> String {
    format!(
        "1 ppm = {} at 25 °C",
        threshold_text(mg_m3_per_ppm(mw_g_per_mol) * 1e-6, "kg m-3")
    )
}

/// The colour-scale range of a field: (lo, hi) in log10 units for [`Scale::Log`], [0, 1] for
/// [`Scale::Fraction`]; `None` when there is nothing to show.
pub(crate) fn scale_range(hz: &Hazard) -> Option<(f64, f64)> {
    let max = hz.values.iter().cloned().fold(0.0f64, f64::max);
    if !(max > 0.0 && max.is_finite()) {
        return None;
    }
    Some(match hz.scale {
        Scale::Log => {
            // (A maximum of exactly 10ⁿ tops its own decade, however log10 rounds.)
            let top = (max.log10() - 1e-9).ceil();
            match hz
                .criterion
                .as_ref()
                .map(|c| c.value)
                .filter(|c| *c > 0.0 && c.is_finite())
            {
                Some(c) => {
                    let lo = c.log10() - BELOW_CRITERION_DECADES;
                    let hi = (c.log10() + ABOVE_CRITERION_DECADES).max(top);
                    (lo.max(hi - MAX_DECADES), hi)
                }
                None => (top - DECADES, top),
            }
        }
        Scale::Fraction => (0.0, 1.0),
    })
}

/// Position of `v` on the colour scale [0, 1], or `None` below it.
pub(crate) fn scale_position(scale: Scale, (lo, hi): (f64, f64), v: f64) -> Option<f64> {
    if v <= 0.0 {
        return None;
    }
    let t = match scale {
        Scale::Log => v.log10(),
        Scale::Fraction => v,
    };
    (t >= lo).then(|| ((t - lo) / (hi - lo)).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chemical_map_is_anchored_on_its_lowest_aegl_at_the_map_duration() {
        let t = |value_kg_m3: f64| Threshold {
            value_kg_m3,
            source: String::new(),
            verification: String::new(),
            verified: true,
        };
        // Chlorine (70.9 g/mol): AEGL-1 0.50 ppm, AEGL-2 2.0 ppm, AEGL-3 20 ppm.
        let chlorine = 70.906;
        let c = aegl_criterion(
            &[Some(t(1.45e-6)), Some(t(5.8e-6)), Some(t(5.8e-5))],
            3600.0,
            chlorine,
        );
        let c = c.unwrap();
        assert!((c.value - 1.45).abs() < 1e-12);
        assert_eq!(c.label, "AEGL-1 (60 min) 1.45 mg m-3 = 0.500 ppm");
        // No AEGL-1 recommended: the AEGL-2 anchors the scale, named as such.
        let c = aegl_criterion(&[None, Some(t(5.8e-6)), Some(t(5.8e-5))], 600.0, chlorine);
        assert_eq!(c.unwrap().label, "AEGL-2 (10 min) 5.80 mg m-3 = 2.00 ppm");
        assert!(aegl_criterion(&[None, None, None], 600.0, chlorine).is_none());
        assert_eq!(chemical_unit_note(chlorine), "1 ppm = 2.90 mg m-3 at 25 °C");
    }

    #[test]
    fn a_dose_map_is_anchored_on_the_projected_effective_dose_criterion_of_its_window() {
        // Not the US PAG's 10 mSv over 4 days, nor Health Canada's 10 mSv averted over 2
        // days, nor a thyroid dose: the 7-day projected effective dose that the map shows.
        let all = crate::impact::criteria::radiological_criteria();
        let c = dose_criterion(all, 7.0 * 86_400.0).unwrap();
        assert_eq!(c.value, 0.1);
        assert_eq!(c.label, "evacuate 100 mSv (7 d, HC 2018)");
        // A field over another window takes the lowest projected criterion of any window.
        let c = dose_criterion(all, 86_400.0).unwrap();
        assert_eq!(
            c.label,
            "shelter or evacuate 10.0 mSv (4 d, US EPA PAG 2017)"
        );
        assert!(dose_criterion(&[], 86_400.0).is_none());
    }

    #[test]
    fn probability_colours_are_linear_and_log_colours_span_the_decades() {
        let field = |values: Vec<f64>, scale| Hazard {
            values: Array2::from_shape_vec((1, values.len()), values).unwrap(),
            name: String::new(),
            unit: "1",
            unit_note: None,
            scale,
            criterion: None,
        };
        let p = field(vec![0.0, 0.05, 0.5], Scale::Fraction);
        let r = scale_range(&p).unwrap();
        assert_eq!(r, (0.0, 1.0));
        assert_eq!(scale_position(Scale::Fraction, r, 0.0), None);
        assert_eq!(scale_position(Scale::Fraction, r, 0.05), Some(0.05));
        assert_eq!(scale_position(Scale::Fraction, r, 0.5), Some(0.5));
        let close = |r: (f64, f64), want: (f64, f64)| {
            assert!(
                (r.0 - want.0).abs() < 1e-12 && (r.1 - want.1).abs() < 1e-12,
                "{r:?} vs {want:?}"
            );
        };
        // Without a criterion: the 4 whole decades under the one above the maximum.
        let d = field(vec![1e-3, 1e-6, 1e-8], Scale::Log);
        let r = scale_range(&d).unwrap();
        close(r, (-7.0, -3.0));
        assert_eq!(scale_position(Scale::Log, r, 1e-3), Some(1.0));
        assert!((scale_position(Scale::Log, r, 1e-5).unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(scale_position(Scale::Log, r, 1e-8), None, "below the scale");
        assert!(scale_range(&field(vec![0.0], Scale::Log)).is_none());
        close(
            scale_range(&field(vec![3e-3], Scale::Log)).unwrap(),
            (-6.0, -2.0),
        );
        // With a criterion the scale is 10⁻³ to 10² times it, whatever the field: a run a
        // hundred times weaker keeps the same colour for the same value, and is still drawn.
        let criterion = |value: f64| {
            Some(MapCriterion {
                value,
                label: String::new(),
            })
        };
        let mut run = field(vec![1e-2, 1e-9], Scale::Log);
        run.criterion = criterion(1e-1);
        let mut weaker = field(vec![1e-4, 1e-11], Scale::Log);
        weaker.criterion = criterion(1e-1);
        let r = scale_range(&run).unwrap();
        close(r, (-4.0, 1.0));
        assert_eq!(scale_range(&weaker), Some(r));
        assert!((scale_position(Scale::Log, r, 1e-2).unwrap() - 0.4).abs() < 1e-12);
        assert!((scale_position(Scale::Log, r, 1e-4).unwrap()).abs() < 1e-12);
        assert_eq!(scale_position(Scale::Log, r, 1e-5), None, "below the scale");
        // A field above the criterion's scale raises its top to the field's whole decade, up
        // to 8 decades in all (a dense gas's near field).
        let mut dense = field(vec![3e3, 1.0], Scale::Log);
        dense.criterion = criterion(1e-1);
        close(scale_range(&dense).unwrap(), (-4.0, 4.0));
        dense.values[[0, 0]] = 3e6;
        close(scale_range(&dense).unwrap(), (-1.0, 7.0));
    }
}
