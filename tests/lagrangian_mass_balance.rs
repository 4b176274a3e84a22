//! The mass budget closes: released = airborne + dry + wet + decayed + exited, with every term
//! booked as `before − after` of the process that removed it.

use crate::lagrangian_support;

use lagrangian_support::*;
use plume::model::lagrangian::LagrangianConfig;

#[test]
fn budget_closes_to_1e_9_with_decay_dry_and_wet_deposition_and_exits() {
    let (plans, species, g, run_s) = all_processes_case(40_000);
    let out = run(
        &plans,
        &species,
        &g,
        rainy_neutral_column(),
        &LagrangianConfig {
            seed: 7,
            ..Default::default()
        },
        run_s,
    );
    for (s, f) in out.fields.species.iter().enumerate() {
        let b = f.budget.expect("the particle model keeps a budget");
        eprintln!("{}: {b:?}", f.species.name);
        assert!(
            b.relative_imbalance().abs() < 1e-9,
            "{}: imbalance {:e}",
            f.species.name,
            b.relative_imbalance()
        );
        assert!(
            b.released > 0.0 && b.airborne > 0.0 && b.exited > 0.0,
            "{b:?}"
        );
        // Each process acts exactly where it should.
        assert_eq!(b.decayed > 0.0, s == 1, "decay of {}", f.species.name);
        assert_eq!(
            b.dry_deposited > 0.0,
            s != 0,
            "dry deposition of {}",
            f.species.name
        );
        assert_eq!(
            b.wet_deposited > 0.0,
            s != 0,
            "wet deposition of {}",
            f.species.name
        );
        // The deposition grids hold what the budget says was deposited.
        let area = g.cell_area_m2();
        let dry: f64 = f.dry_deposition.sum() * area;
        let wet: f64 = f.wet_deposition.sum() * area;
        assert!(
            (dry - b.dry_deposited).abs() <= 1e-9 * b.released,
            "{dry} vs {}",
            b.dry_deposited
        );
        assert!(
            (wet - b.wet_deposited).abs() <= 1e-9 * b.released,
            "{wet} vs {}",
            b.wet_deposited
        );
        // Each interval holds its share, and the shares add up to the run's deposits.
        let by = f.deposition_by_interval.as_ref().unwrap();
        for (per, total) in [(&by.dry, &f.dry_deposition), (&by.wet, &f.wet_deposition)] {
            let summed = per.sum_axis(ndarray::Axis(0));
            for (a, b) in summed.iter().zip(total) {
                assert!((a - b).abs() <= 1e-12 * b.abs(), "{a} vs {b}");
            }
            let first_and_last = (
                per.index_axis(ndarray::Axis(0), 0).sum(),
                per.index_axis(ndarray::Axis(0), g.nt() - 1).sum(),
            );
            if s != 0 {
                assert!(
                    first_and_last.0 > 0.0 && first_and_last.1 > 0.0,
                    "{first_and_last:?}"
                );
            }
        }
    }
    // The released amount is what the source emitted: rate × duration.
    let released = out.fields.species[0].budget.unwrap().released;
    assert!(
        (released / (1.5 * 3_600.0) - 1.0).abs() < 1e-12,
        "{released}"
    );
}
