//! Runs every model on every run of a Prairie Grass data set and pairs the results with the
//! observations, one pair per run, arc and quantity.

use std::collections::BTreeMap;

use super::data::{stability_stratum, Dataset};
use super::models::{predict, SuiteModel};
use crate::evaluate::{EvaluateError, Pair};
use std::fmt::Write as _;

/// The two quantities compared on every arc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Crosswind-integrated concentration per unit release rate (s m⁻²).
    Cwic,
    /// Arc-maximum concentration per unit release rate (s m⁻³).
    ArcMax,
}

impl Quantity {
    /// Both quantities, in report order.
    pub const ALL: [Quantity; 2] = [Quantity::Cwic, Quantity::ArcMax];

    /// Short name used in file names and summary lines.
    pub fn name(self) -> &'static str {
        match self {
            Quantity::Cwic => "cwic_over_q",
            Quantity::ArcMax => "arcmax_over_q",
        }
    }

    /// UDUNITS unit of the quantity.
    pub fn unit(self) -> &'static str {
        match self {
            Quantity::Cwic => "s m-2",
            Quantity::ArcMax => "s m-3",
        }
    }
}

/// Pairs of one model, by quantity.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelPairs {
    /// The model.
    pub model: SuiteModel,
    /// Pairs per quantity; strata `distance_m` and `stability`.
    pub by_quantity: Vec<(Quantity, Vec<Pair>)>,
}

/// Runs `model` on every run of `data` and pairs its arc quantities with the observations.
pub fn pair_model(data: &Dataset, model: SuiteModel) -> Result<ModelPairs, EvaluateError> {
    let mut cwic = Vec::new();
    let mut max = Vec::new();
    for run in &data.runs {
        let arcs: Vec<_> = data.arcs.iter().filter(|a| a.run == run.run).collect();
        if arcs.is_empty() {
            continue;
        }
        let distances: Vec<f64> = arcs.iter().map(|a| a.distance_m).collect();
        let predicted = predict(run, model, &distances)?;
        for (obs, pred) in arcs.iter().zip(&predicted) {
            let strata = BTreeMap::from([
                ("distance_m".to_string(), format!("{}", obs.distance_m)),
                (
                    "stability".to_string(),
                    stability_stratum(run.obukhov_length_m).to_string(),
                ),
            ]);
            // An arc that ends inside the plume has lost part of its crosswind integral.
            if obs.spans_the_plume() {
                cwic.push(Pair {
                    run: run.run.clone(),
                    strata: strata.clone(),
                    observed: obs.cwic_over_q_s_m2,
                    modelled: pred.cwic_over_q_s_m2,
                });
            }
            max.push(Pair {
                run: run.run.clone(),
                strata,
                observed: obs.max_over_q_s_m3,
                modelled: pred.max_over_q_s_m3,
            });
        }
    }
    Ok(ModelPairs {
        model,
        by_quantity: vec![(Quantity::Cwic, cwic), (Quantity::ArcMax, max)],
    })
}

/// Renders pairs as CSV (run, strata, observed, modelled), readable by `plume evaluate pairs`.
pub fn pairs_csv(pairs: &[Pair]) -> String {
    let mut out = String::from("run,distance_m,stability,observed,modelled\n");
    for p in pairs {
        out.push_str(&format!(
            "{},{},{},{:e},{:e}\n",
            // A run id is the user's text: quoted where it holds a comma.
            crate::evaluate::write::csv_field(&p.run),
            p.strata.get("distance_m").map_or("", String::as_str),
            p.strata.get("stability").map_or("", String::as_str),
            p.observed,
            p.modelled
        ));
    }
    out
}

/// Renders the observed arc quantities as CSV, one line per arc kept.
pub fn observed_arcs_csv(data: &Dataset) -> String {
    let mut out = String::from(
        "run,distance_m,stability,obukhov_length_m,samplers,missing,cwic_over_q_s_m2,max_over_q_s_m3,edge_fraction\n",
    );
    for a in &data.arcs {
        let Some(run) = data.runs.iter().find(|r| r.run == a.run) else {
            continue;
        };
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{:e},{:e},{}",
            a.run,
            a.distance_m,
            stability_stratum(run.obukhov_length_m),
            run.obukhov_length_m,
            a.samplers,
            a.missing,
            a.cwic_over_q_s_m2,
            a.max_over_q_s_m3,
            a.edge_fraction
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_id_with_a_comma_survives_writing_and_reading_back() {
        // Found by review: the suite's pair file did not quote the user's run ids.
        let pair = Pair {
            run: "7,b".into(),
            strata: BTreeMap::from([
                ("distance_m".to_string(), "50".to_string()),
                ("stability".to_string(), "unstable".to_string()),
            ]),
            observed: 1.5,
            modelled: 2.0,
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pairs.csv");
        std::fs::write(&path, pairs_csv(std::slice::from_ref(&pair))).unwrap();
        let back = crate::evaluate::read_pairs_csv(&path).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].run, "7,b");
        assert_eq!((back[0].observed, back[0].modelled), (1.5, 2.0));
        assert_eq!(back[0].strata["stability"], "unstable");
    }
}
