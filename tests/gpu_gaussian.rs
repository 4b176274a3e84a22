//! The Gaussian plume grid on the GPU (f32) against the f64 CPU model: cell by cell for
//! every σ scheme, terrain, lid form (images and Fourier) and plume rise, and whole runs.
#![cfg(feature = "gpu")]

use crate::common;
use crate::support;

use plume::backend::gpu::gaussian::{run as gpu_run, steady_grids};
use plume::geo::{LatLon, TransverseMercator};
use plume::met::boundary_layer::{friction_velocity_from_wind, BoundaryLayer, StabilityClass};
use plume::met::UniformMet;
use plume::model::gaussian::cell_mean::{cell_mean, subsamples};
use plume::model::gaussian::{run as cpu_run, PlumeGeometry, Setup};
use plume::scenario::{SigmaScheme, Terrain};
use plume::source::aerosol::Aerosol;
use plume::source::{Deposition, Release, Source, Stack};
use plume::substance::{AmountUnit, Species};

const CENTRE: LatLon = LatLon {
    lat: 45.07,
    lon: -66.75,
};

fn met(class: StabilityClass, mixing_height_m: f64) -> UniformMet {
    let z0 = 0.1;
    let inv = class.inverse_obukhov_length_per_m(z0);
    let l = if inv == 0.0 { f64::INFINITY } else { 1.0 / inv };
    UniformMet {
        wind_speed_m_s: 4.0,
        reference_height_m: 10.0,
        wind_from_deg: 250.0,
        boundary_layer: BoundaryLayer {
            friction_velocity_m_s: friction_velocity_from_wind(4.0, 10.0, z0, l),
            obukhov_length_m: l,
            mixing_height_m,
            roughness_length_m: z0,
            stability: class,
        },
        precipitation_mm_h: 0.0,
        air_temperature_k: 288.15,
        sigma_theta_deg: None,
    }
}

fn sources(tm: &TransverseMercator) -> Vec<Source> {
    let release = |species, rate_per_s| Release {
        species,
        rate_per_s,
        deposition: Deposition::default(),
    };
    vec![
        Source {
            name: "stack".into(),
            location: tm.inverse(-6000.0, -2000.0),
            height_m: 60.0,
            start_s: 0.0,
            duration_s: 5400.0,
            releases: vec![release(0, 1.0e12), release(1, 2.0)],
            stack: Some(Stack {
                diameter_m: 3.0,
                exit_velocity_m_s: 12.0,
                exit_temperature_k: 420.0,
            }),
            release_temperature_k: None,
            reactor: false,
            aerosol: None,
        },
        Source {
            name: "ground".into(),
            location: tm.inverse(-2000.0, 3000.0),
            height_m: 1.0,
            start_s: 1200.0,
            duration_s: 1800.0,
            releases: vec![release(1, 0.5)],
            stack: None,
            release_temperature_k: None,
            reactor: false,
            aerosol: None,
        },
    ]
}

fn species() -> Vec<Species> {
    vec![
        Species {
            name: "I-131".into(),
            unit: AmountUnit::Becquerel,
            half_life_s: Some(8.02 * 86_400.0),
            molar_mass_kg_mol: None,
        },
        support::gas("Cl2"),
    ]
}

/// A cold momentum jet (colder than the air, so no buoyancy) 30 m up.
fn cold_jet(tm: &TransverseMercator) -> Source {
    Source {
        name: "cold jet".into(),
        location: tm.inverse(-4000.0, 0.0),
        height_m: 30.0,
        start_s: 0.0,
        duration_s: 5400.0,
        releases: vec![Release {
            species: 1,
            rate_per_s: 1.0,
            deposition: Deposition::default(),
        }],
        stack: Some(Stack {
            diameter_m: 1.0,
            exit_velocity_m_s: 15.0,
            exit_temperature_k: 280.0,
        }),
        release_temperature_k: None,
        reactor: false,
        aerosol: None,
    }
}

/// The CPU's value of the cell of side `dx` centred at (x, y): its mean where the plume is
/// narrow, else the centre value (`model::gaussian::cell_mean`).
fn cpu_cell(p: &PlumeGeometry, x: f64, y: f64, dx: f64, z: f64) -> f64 {
    let (xd, yd) = p.plume_frame(x, y);
    match subsamples(p, xd, yd, dx) {
        n if n > 1 => cell_mean(p, x, y, dx, z),
        _ => p.concentration_per_rate(x, y, z),
    }
}

/// Worst relative difference of GPU and CPU C/Q over cells above 10⁻⁶ of the maximum.
fn worst_cell_difference(
    ctx: &plume::backend::gpu::GpuContext,
    plumes: &[PlumeGeometry],
    heights: &[f64],
) -> f64 {
    let (n, dx, x0) = (120usize, 150.0, -9000.0);
    let gpu = steady_grids(ctx, plumes, n, n, x0, x0, dx, heights).expect("GPU grid");
    let mut worst = 0.0f64;
    for (pi, p) in plumes.iter().enumerate() {
        for (k, &z) in heights.iter().enumerate() {
            let cpu: Vec<f64> = (0..n * n)
                .map(|c| cpu_cell(p, x0 + (c % n) as f64 * dx, x0 + (c / n) as f64 * dx, dx, z))
                .collect();
            let max = cpu.iter().cloned().fold(0.0, f64::max);
            assert!(max > 0.0);
            let plane = &gpu[(pi * heights.len() + k) * n * n..][..n * n];
            for (c, (&g, &r)) in plane.iter().zip(&cpu).enumerate() {
                if r > 1e-6 * max {
                    worst = worst.max((f64::from(g) - r).abs() / r);
                } else {
                    assert!(
                        f64::from(g) <= 2e-6 * max,
                        "cell {c}: GPU {g} where CPU {r}"
                    );
                }
            }
        }
    }
    worst
}

#[test]
fn gpu_plume_grid_matches_the_cpu_for_every_scheme_and_lid_form() {
    let Some(ctx) =
        support::gpu_or_skip("gpu_plume_grid_matches_the_cpu_for_every_scheme_and_lid_form")
    else {
        return;
    };
    let tm = TransverseMercator::new(CENTRE);
    let srcs = sources(&tm);
    // Class B's σz passes 0.6·h inside the grid, so its far cells take the Fourier form; D and
    // F stay with the image sum. The heights cover the ground, mid-layer and near the lid.
    for (class, lid) in [
        (StabilityClass::B, 1500.0),
        (StabilityClass::D, 600.0),
        (StabilityClass::F, 150.0),
    ] {
        for (scheme, terrain) in [
            (SigmaScheme::Briggs, Terrain::Rural),
            (SigmaScheme::Briggs, Terrain::Urban),
            (SigmaScheme::PasquillGifford, Terrain::Rural),
        ] {
            let m = met(class, lid);
            let mut plumes: Vec<PlumeGeometry> = srcs
                .iter()
                .map(|s| PlumeGeometry::new(s, &m, scheme, terrain, &tm))
                .collect();
            // A cold jet: in class F it rises along the stable sine, (a·sin(k·x))^⅓.
            let jet = cold_jet(&tm);
            plumes.push(PlumeGeometry::new(&jet, &m, scheme, terrain, &tm));
            // 50 µm droplets from 80 m: the axis descends 7 cm per metre over 1 m/s.
            let dust = Source {
                name: "dust".into(),
                height_m: 80.0,
                stack: None,
                aerosol: Some(Aerosol {
                    diameter_m: 50e-6,
                    density_kg_m3: 1000.0,
                }),
                ..jet.clone()
            };
            plumes.push(PlumeGeometry::new(&dust, &m, scheme, terrain, &tm));
            assert!(plumes[3].settling_velocity_m_s > 0.05);
            // And from 200 m: above class F's 150 m lid, its axis comes back under it.
            let high = Source {
                height_m: 200.0,
                ..dust
            };
            plumes.push(PlumeGeometry::new(&high, &m, scheme, terrain, &tm));
            if class == StabilityClass::F {
                let rise = plumes[2].rise.expect("the jet rises");
                assert!(rise.stable_jet().is_some());
            }
            let worst = worst_cell_difference(&ctx, &plumes, &[1.5, 0.5 * lid, 0.9 * lid]);
            eprintln!("{class:?} {scheme:?} {terrain:?}: worst relative difference {worst:.2e}");
            assert!(worst < 1e-4, "{class:?} {scheme:?} {terrain:?}: {worst}");
        }
    }
}

#[test]
fn gpu_gaussian_run_matches_the_cpu_fields() {
    let Some(ctx) = support::gpu_or_skip("gpu_gaussian_run_matches_the_cpu_fields") else {
        return;
    };
    let tm = TransverseMercator::new(CENTRE);
    let mut srcs = sources(&tm);
    // The stack's iodine deposits dry and is washed out by 2 mm/h of rain.
    srcs[0].releases[0].deposition = Deposition {
        dry_velocity_m_s: 0.001,
        washout_a_per_s: 8e-5,
        washout_b: 0.8,
    };
    let sp = species();
    let mut m = met(StabilityClass::D, 800.0);
    m.precipitation_mm_h = 2.0;
    let grid = support::grid(
        100,
        200.0,
        &[(0.0, 3.0), (3.0, 50.0), (50.0, 200.0)],
        900.0,
        7200.0,
    );
    let setup = Setup {
        scheme: SigmaScheme::Briggs,
        terrain: Terrain::Rural,
        receptor_height_m: None,
        // The passive kernels compared (a dense-gas plume runs on the CPU only).
        dense_gas: false,
    };
    let cpu = cpu_run(&srcs, &sp, &m, &grid, &tm, &setup, 7200.0);
    let gpu = gpu_run(&ctx, &srcs, &sp, &m, &grid, &tm, &setup, 7200.0).expect("GPU run");
    for (c, g) in cpu.species.iter().zip(&gpu.species) {
        let r: Vec<f64> = c.concentration.iter().cloned().collect();
        let v: Vec<f64> = g.concentration.iter().cloned().collect();
        let (nmse, fac2, n) = support::nmse_fac2(&r, &v, 0.01);
        eprintln!(
            "{}: NMSE {nmse:.2e} FAC2 {fac2} over {n} cells",
            c.species.name
        );
        assert!(
            n > 100 && nmse < 1e-6 && fac2 == 1.0,
            "{}: NMSE {nmse} FAC2 {fac2} n {n}",
            c.species.name
        );
        let tc: f64 = c.time_integrated.sum();
        let tg: f64 = g.time_integrated.sum();
        assert!(
            (tc - tg).abs() < 1e-4 * tc,
            "{}: TIC {tc} vs {tg}",
            c.species.name
        );
        for (what, dc, dg) in [
            ("dry", &c.dry_deposition, &g.dry_deposition),
            ("wet", &c.wet_deposition, &g.wet_deposition),
        ] {
            let (sc, sg) = (dc.sum(), dg.sum());
            eprintln!(
                "{} {what} deposition: CPU {sc:.4e}, GPU {sg:.4e}",
                c.species.name
            );
            assert!((sc - sg).abs() <= 1e-4 * sc, "{what}: {sc} vs {sg}");
            // Each interval's deposit is computed on the host, alike on both.
            let (bc, bg) = (
                c.deposition_by_interval.as_ref().unwrap(),
                g.deposition_by_interval.as_ref().unwrap(),
            );
            let (pc, pg) = if what == "dry" {
                (&bc.dry, &bg.dry)
            } else {
                (&bc.wet, &bg.wet)
            };
            let worst = pc
                .iter()
                .zip(pg)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            assert!(
                worst <= 1e-12 * dc.iter().cloned().fold(0.0, f64::max),
                "{what}: {worst}"
            );
            if sc > 0.0 {
                let r: Vec<f64> = dc.iter().cloned().collect();
                let v: Vec<f64> = dg.iter().cloned().collect();
                let (nmse, fac2, n) = support::nmse_fac2(&r, &v, 0.01);
                assert!(
                    n > 100 && nmse < 1e-6 && fac2 == 1.0,
                    "{what}: {nmse} {fac2} {n}"
                );
            }
        }
    }
    // Only the iodine deposits.
    assert!(cpu.species[0].dry_deposition.sum() > 0.0 && cpu.species[0].wet_deposition.sum() > 0.0);
    assert_eq!(cpu.species[1].dry_deposition.sum(), 0.0);
}

#[test]
fn a_plume_that_rises_through_the_lid_leaves_nothing_below_it_and_is_above_it_on_both() {
    let Some(ctx) = support::gpu_or_skip(
        "a_plume_that_rises_through_the_lid_leaves_nothing_below_it_and_is_above_it_on_both",
    ) else {
        return;
    };
    let tm = TransverseMercator::new(CENTRE);
    let srcs = sources(&tm);
    // The hot stack rises well above a 100 m lid in the end, but is still below it for its
    // first few hundred metres; the ISC3 convention (and the CPU kernel) zero the whole plume.
    let m = met(StabilityClass::D, 100.0);
    let p = PlumeGeometry::new(&srcs[0], &m, SigmaScheme::Briggs, Terrain::Rural, &tm);
    assert!(p.effective_height_m(f64::INFINITY) > 100.0 && p.effective_height_m(100.0) < 100.0);
    // 10 m cells from the source out to 600 m downwind (the wind blows towards 70°).
    let (x0, y0) = (p.x_m - 100.0, p.y_m - 300.0);
    let grids = |p: &PlumeGeometry, heights: &[f64]| {
        steady_grids(&ctx, std::slice::from_ref(p), 70, 70, x0, y0, 10.0, heights).unwrap()
    };
    let gpu = grids(&p, &[1.5, 50.0]);
    // Without the lid the same plume reaches these cells.
    let mut free = p.clone();
    free.lid_m = None;
    assert!(grids(&free, &[1.5, 50.0]).iter().any(|&c| c > 0.0));
    assert!(gpu.iter().all(|&c| c == 0.0));
    // Above the lid the penetrated plume is there, reflected by the lid, the same on both
    // (cell centres: neither refines a penetrated plume's cells).
    let above = grids(&p, &[180.0]);
    let cpu: Vec<f64> = (0..70 * 70)
        .map(|c| {
            p.concentration_per_rate(
                x0 + (c % 70) as f64 * 10.0,
                y0 + (c / 70) as f64 * 10.0,
                180.0,
            )
        })
        .collect();
    let max = cpu.iter().cloned().fold(0.0, f64::max);
    assert!(max > 0.0);
    for (&g, &r) in above.iter().zip(&cpu) {
        assert!(
            (f64::from(g) - r).abs() <= 1e-4 * max,
            "GPU {g} against CPU {r}"
        );
    }
}

#[test]
fn gpu_plume_grid_near_a_source_far_from_the_frame_origin_matches_the_cpu() {
    let Some(ctx) = support::gpu_or_skip(
        "gpu_plume_grid_near_a_source_far_from_the_frame_origin_matches_the_cpu",
    ) else {
        return;
    };
    // A ground source 40 km from the domain centre on a fine 10 m grid around it: cells a few
    // metres from the source must not lose their distance to f32 rounding of the absolute
    // coordinates (ulp 4 mm at 40 km).
    let tm = TransverseMercator::new(CENTRE);
    let m = met(StabilityClass::F, 150.0);
    let src = Source {
        name: "far".into(),
        location: tm.inverse(40_003.3, 39_998.3),
        height_m: 1.0,
        start_s: 0.0,
        duration_s: 600.0,
        releases: vec![],
        stack: None,
        release_temperature_k: None,
        reactor: false,
        aerosol: None,
    };
    let p = PlumeGeometry::new(&src, &m, SigmaScheme::Briggs, Terrain::Rural, &tm);
    let (n, dx) = (80usize, 10.0);
    let (x0, y0) = (p.x_m - 203.713, p.y_m - 398.517);
    let gpu =
        steady_grids(&ctx, std::slice::from_ref(&p), n, n, x0, y0, dx, &[1.5]).expect("GPU grid");
    let cpu: Vec<f64> = (0..n * n)
        .map(|c| {
            cpu_cell(
                &p,
                x0 + (c % n) as f64 * dx,
                y0 + (c / n) as f64 * dx,
                dx,
                1.5,
            )
        })
        .collect();
    let max = cpu.iter().cloned().fold(0.0, f64::max);
    let mut worst = 0.0f64;
    for (&g, &r) in gpu.iter().zip(&cpu) {
        if r > 1e-6 * max {
            worst = worst.max((f64::from(g) - r).abs() / r);
        }
    }
    eprintln!("worst relative difference {worst:.2e}");
    assert!(worst < 1e-4, "worst relative difference {worst:e}");
}

#[test]
fn a_dense_gas_plume_asked_of_the_gpu_runs_on_the_cpu_and_says_so() {
    use plume::backend::BackendChoice;
    use plume::model::gaussian::dense::DenseGasSigmas;
    use plume::model::gaussian::Sigmas;
    use plume::source::dense_gas::{screen, DensePlume};
    let Some(ctx) = support::gpu_or_skip("a_dense_gas_plume_asked_of_the_gpu_runs_on_the_cpu")
    else {
        return;
    };
    // The kernel refuses a dense-gas plume rather than compute it as a passive one.
    let tm = TransverseMercator::new(CENTRE);
    let m = met(StabilityClass::D, 800.0);
    let src = &sources(&tm)[0];
    let mut p = PlumeGeometry::new(src, &m, SigmaScheme::Briggs, Terrain::Rural, &tm);
    let s = screen(10.0, 0.0709, [288.15; 2], 4.0).unwrap();
    let passive = p.sigmas.passive();
    p.sigmas = Sigmas::DenseGas(DenseGasSigmas::new(
        DensePlume::new(&s),
        s.volume_rate_m3_s,
        p.u_m_s,
        passive,
    ));
    let err = steady_grids(&ctx, &[p], 10, 10, 0.0, 0.0, 50.0, &[1.5]).unwrap_err();
    assert!(err.to_string().contains("dense-gas"), "{err}");
    // A run asked of the GPU computes the dense plume on the CPU, says so, and gets the CPU's
    // fields.
    let s = plume::Scenario::parse(
        &common::CalaisChlorine::default().text(),
        std::path::Path::new("calais.toml"),
    )
    .unwrap();
    let on = |backend| {
        let options = plume::RunOptions {
            backend: Some(backend),
            ..Default::default()
        };
        plume::simulate(&s, &options).unwrap()
    };
    let (gpu, cpu) = (on(BackendChoice::Gpu), on(BackendChoice::Cpu));
    let notice = |w: &[String]| w.iter().any(|w| w.contains("computed on the CPU"));
    assert!(notice(&gpu.warnings), "{:?}", gpu.warnings);
    assert!(!notice(&cpu.warnings));
    assert_eq!(
        gpu.fields.species[0].concentration,
        cpu.fields.species[0].concentration
    );
}
