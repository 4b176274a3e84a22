//! The puff model's vertical split: daughters about the risen centre, reflected at the ground
//! and kept under the mixing lid, so that a split puff's column is its parent's.

use plume::model::gaussian;
use plume::model::puff::{Growth, GrowthMode};
use plume::scenario::{SigmaScheme, Terrain};

#[test]
fn a_vertical_split_places_the_daughters_about_the_risen_centre_reflected_at_the_ground() {
    // A puff whose centre is at H = stack + rise splits into daughters at H and H ± √(3/2)·σz,
    // a daughter below the ground being reflected to |H − √(3/2)·σz| (its ground-reflected
    // profile is the same). The reflection is of the risen centre, not of the stack height:
    // the daughters depend only on where the puff is, not on how it got there.
    use plume::met::StabilityClass;
    use plume::model::puff::Puff;
    use plume::source::plume_rise::RiseInputs;
    use plume::source::Stack;
    let g = Growth {
        scheme: SigmaScheme::Briggs,
        terrain: Terrain::Rural,
        mode: GrowthMode::Distance,
    };
    let rise = RiseInputs {
        stack: Stack {
            diameter_m: 2.0,
            exit_velocity_m_s: 10.0,
            exit_temperature_k: 350.0,
        },
        air_temperature_k: 293.0,
        wind_m_s: 3.0,
        stability: StabilityClass::C,
    };
    let risen = Puff {
        x_m: 0.0,
        y_m: 0.0,
        z_m: 30.0,
        sigma_y_m: 300.0,
        sigma_z_m: 100.0,
        travel_m: 5000.0,
        rise: Some(rise),
        virtual_y_m: 5000.0,
        virtual_z_m: 5000.0,
        class: StabilityClass::C,
        mass: vec![1.0],
        t_s: 0.0,
        source: 0,
        shear_m: 0.0,
        age_s: 1000.0,
        dense: None,
        ground_level: false,
        along_deficit_m2: 0.0,
        settling_velocity_m_s: 0.0,
        settled_m: 0.0,
    };
    // Final rise 57.06 m (F_b = 15.97 m⁴/s³ < 55, Δh = 21.425·F_b^¾/u): H = 87.06 m.
    let h = risen.effective_height_m();
    assert!((h - 87.055).abs() < 0.01, "{h}");
    let b = 1.5f64.sqrt() * 100.0;
    let mut got: Vec<f64> = risen
        .split_vertical(&g, None)
        .iter()
        .map(|p| p.effective_height_m())
        .collect();
    got.sort_by(f64::total_cmp);
    let mut expected = vec![h, h + b, (h - b).abs()];
    expected.sort_by(f64::total_cmp);
    for (a, e) in got.iter().zip(&expected) {
        assert!(
            (a - e).abs() < 1e-9,
            "daughters at {got:?}, expected {expected:?}"
        );
    }
    // The same puff without rise, released at H, splits the same way.
    let level = Puff {
        z_m: h,
        rise: None,
        ..risen.clone()
    };
    let mut same: Vec<f64> = level
        .split_vertical(&g, None)
        .iter()
        .map(|p| p.effective_height_m())
        .collect();
    same.sort_by(f64::total_cmp);
    for (a, e) in got.iter().zip(&same) {
        assert!((a - e).abs() < 1e-9, "{got:?} vs {same:?}");
    }
}

#[test]
fn a_vertical_split_under_the_lid_keeps_the_whole_column_inside_the_lid() {
    // The puff's vertical profile reflects at the ground and at the lid h (image sum), so a
    // daughter split above the lid is reflected into the layer at 2h − z, as one split below the
    // ground is at −z; a daughter left above the lid would be counted as having penetrated it,
    // and a quarter of the mass would vanish from the concentrations.
    // H = 400 m, σz = 400 m, h = 800 m: daughters at 400, 400 + 489.9 → 710.1 and 400 − 489.9 → 89.9.
    use plume::met::StabilityClass;
    use plume::model::puff::Puff;
    let g = Growth {
        scheme: SigmaScheme::Briggs,
        terrain: Terrain::Rural,
        mode: GrowthMode::Distance,
    };
    let lid = 800.0;
    let p = Puff {
        x_m: 0.0,
        y_m: 0.0,
        z_m: 400.0,
        sigma_y_m: 900.0,
        sigma_z_m: 400.0,
        travel_m: 20_000.0,
        rise: None,
        virtual_y_m: 20_000.0,
        virtual_z_m: 20_000.0,
        class: StabilityClass::B,
        mass: vec![1.0],
        t_s: 0.0,
        source: 0,
        shear_m: 0.0,
        age_s: 4000.0,
        dense: None,
        ground_level: false,
        along_deficit_m2: 0.0,
        settling_velocity_m_s: 0.0,
        settled_m: 0.0,
    };
    let daughters = p.split_vertical(&g, Some(lid));
    let b = 1.5f64.sqrt() * 400.0;
    let mut heights: Vec<f64> = daughters.iter().map(|d| d.effective_height_m()).collect();
    heights.sort_by(f64::total_cmp);
    let expected = [b - 400.0, 400.0, 2.0 * lid - (400.0 + b)];
    for (h, e) in heights.iter().zip(&expected) {
        assert!((h - e).abs() < 1e-9, "{heights:?} vs {expected:?}");
    }
    // Column mass ∫₀ʰ V/(√(2π)σz) dz of the daughters is the parent's (1).
    let column = |d: &Puff| {
        let n = 8000;
        let dz = lid / n as f64;
        (0..n)
            .map(|k| {
                let z = (k as f64 + 0.5) * dz;
                gaussian::vertical_factor(z, d.effective_height_m(), d.sigma_z_m, Some(lid))
                    / ((std::f64::consts::TAU).sqrt() * d.sigma_z_m)
                    * dz
            })
            .sum::<f64>()
            * d.mass[0]
    };
    let total: f64 = daughters.iter().map(column).sum();
    assert!((column(&p) - 1.0).abs() < 1e-6);
    assert!(
        (total - 1.0).abs() < 1e-6,
        "daughters keep {total} of the column"
    );
    // Without a lid only the ground reflects.
    let free: Vec<f64> = p
        .split_vertical(&g, None)
        .iter()
        .map(|d| d.effective_height_m())
        .collect();
    assert!(free.iter().any(|&h| (h - (400.0 + b)).abs() < 1e-9));
}
