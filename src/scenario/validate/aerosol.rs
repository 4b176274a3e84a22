//! Validation of a source's particles (`particle_diameter_m`, `particle_density_kg_m3`): their
//! size, their density, the drag law's range, and that no gas rides on them.

use super::*;
use crate::source::aerosol::{Aerosol, MAX_REYNOLDS_NUMBER};
use crate::substance::{DepositionClass, Library};

/// The source's particles, from `particle_diameter_m` and `particle_density_kg_m3` (both or
/// neither); their settling must stay within the drag law's range.
pub(super) fn aerosol(
    diameter_m: Option<f64>,
    density_kg_m3: Option<f64>,
    at: &impl Fn(&str) -> String,
    p: &mut Problems,
) -> Option<Aerosol> {
    let (d, rho) = match (diameter_m, density_kg_m3) {
        (None, None) => return None,
        (Some(d), Some(rho)) => (d, rho),
        (d, rho) => {
            // The one given is still checked: a diameter in µm says so now, not after the fix.
            if let Some(d) = d {
                p.range(&at("particle_diameter_m"), d, diameter_bounds());
            }
            if let Some(rho) = rho {
                p.range(&at("particle_density_kg_m3"), rho, density_bounds());
            }
            let (key, other) = if d.is_none() {
                ("particle_diameter_m", "particle_density_kg_m3")
            } else {
                ("particle_density_kg_m3", "particle_diameter_m")
            };
            p.missing(
                at(key),
                &format!("both particle_diameter_m and particle_density_kg_m3 (a source of particles that settle), or neither; {other} is given"),
            );
            return None;
        }
    };
    let sized = p.range(&at("particle_diameter_m"), d, diameter_bounds());
    let dense = p.range(&at("particle_density_kg_m3"), rho, density_bounds());
    let a = Aerosol {
        diameter_m: d,
        density_kg_m3: rho,
    };
    let re = a.reynolds_number();
    if sized && dense && re > MAX_REYNOLDS_NUMBER {
        p.push(
            at("particle_diameter_m"),
            fmt_num(d),
            format!(
                "particles that settle with a Reynolds number of at most {MAX_REYNOLDS_NUMBER} (the Schiller–Naumann drag law); these fall at {:.2} m/s, Re {re:.0}: smaller or lighter particles",
                a.settling_velocity_m_s()
            ),
        );
    }
    (sized && dense && re <= MAX_REYNOLDS_NUMBER).then_some(a)
}

/// Below 0.01 µm a particle is a molecular cluster that does not settle; above 1 mm drops
/// flatten and solid particles leave the drag law's range.
fn diameter_bounds() -> Bounds {
    Bounds::new(1e-8, true, 1e-3, true, "m (10 µm is 1e-5)")
}

fn density_bounds() -> Bounds {
    Bounds::new(
        100.0,
        true,
        25_000.0,
        true,
        "kg/m³ (water 1000, soil ~2600, caesium chloride ~3990)",
    )
}

/// Every release rides on the source's particles, so a gas (a nuclide of a gaseous deposition
/// class) cannot be one of them.
pub(super) fn no_gas_on_particles(
    releases: &[Release],
    species: &[Species],
    library: &Library,
    (path, value): (&str, &str),
    inventory: bool,
    p: &mut Problems,
) {
    let gas = releases.iter().find_map(|r| {
        let s = &species[r.species];
        let class = library.nuclide(&s.name)?.deposition_class;
        (s.unit == AmountUnit::Becquerel && class != DepositionClass::Particulate)
            .then_some((s.name.as_str(), class))
    });
    if let Some((name, class)) = gas {
        let fix = if inventory {
            "a reactor inventory releases its gases with its particulates: give the particulate nuclides as a `release` list in a source with the particle size, and the inventory's gases in another at the same place"
        } else {
            "particles carry everything their source releases, so release it from a [[source]] of its own at the same place"
        };
        p.push(
            path,
            value,
            format!(
                "no particle size for a source that releases {name}, a gas (deposition class {}): {fix}",
                class.name()
            ),
        );
    }
}
