//! Results depend on the seed and nothing else: 1, 2 and 3 threads give bit-identical grids,
//! budgets and particles; the same seed twice is identical; another seed differs.

use crate::lagrangian_support;

use lagrangian_support::*;
use plume::model::lagrangian::{LagrangianConfig, LagrangianRun};

fn run_with(threads: usize, seed: u64) -> LagrangianRun {
    let (plans, species, g, run_s) = all_processes_case(20_000);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    pool.install(|| {
        run(
            &plans,
            &species,
            &g,
            rainy_neutral_column(),
            &LagrangianConfig {
                seed,
                ..Default::default()
            },
            run_s,
        )
    })
}

#[test]
fn one_two_and_three_threads_give_bit_identical_results() {
    let one = run_with(1, 42);
    for threads in [2, 3] {
        let many = run_with(threads, 42);
        assert_eq!(
            one.fields, many.fields,
            "{threads} threads changed the fields"
        );
        assert_eq!(
            one.particles, many.particles,
            "{threads} threads changed the particles"
        );
        assert_eq!(one.stats, many.stats);
    }
    assert!(one.fields.species[1].dry_deposition.sum() > 0.0);
}

#[test]
fn the_same_seed_repeats_and_another_seed_differs() {
    let a = run_with(2, 42);
    let b = run_with(2, 42);
    let c = run_with(2, 43);
    assert_eq!(a.fields, b.fields);
    assert_eq!(a.particles, b.particles);
    assert_ne!(
        a.fields.species[0].concentration,
        c.fields.species[0].concentration
    );
    assert_ne!(a.particles, c.particles);
}
