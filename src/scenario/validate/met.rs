//! Validation of `[meteorology]`: uniform, station and gridded.

use super::*;

/// The lightest uniform wind a scenario may give (m/s); lighter is a calm.
const MIN_WIND_SPEED_M_S: f64 = 0.001;

pub(super) fn uniform_met(u: UniformMetSection, p: &mut Problems) -> Option<UniformMetSpec> {
    let n0 = p.count();
    // Below a millimetre a second the wind is a calm, which every model floors (0.5 m/s); a
    // subnormal speed (1e-310) sent the puff model's arithmetic to zero and its run put
    // nothing on the grid while its budget kept everything airborne over it.
    let speed = p.req(
        "meteorology.wind_speed_m_s",
        u.wind_speed_m_s,
        Bounds::new(MIN_WIND_SPEED_M_S, true, 60.0, true, "m/s"),
    );
    let z0 = p.opt(
        "meteorology.roughness_length_m",
        u.roughness_length_m,
        0.1,
        Bounds::new(0.0, false, 3.0, true, "m"),
    );
    let zr = p.opt(
        "meteorology.wind_reference_height_m",
        u.wind_reference_height_m,
        10.0,
        Bounds::new(0.0, false, 500.0, true, "m"),
    );
    // Only against a roughness length that is itself valid (one already refused would repeat
    // its own problem here, on a key the user may not have written).
    if zr <= z0 && z0 <= 3.0 {
        p.push(
            "meteorology.wind_reference_height_m",
            match u.wind_reference_height_m {
                Some(_) => fmt_num(zr),
                None => format!("{} (the default)", fmt_num(zr)),
            },
            format!("a height above the roughness length ({z0} m)"),
        );
    }
    let from = p.req(
        "meteorology.wind_from_deg",
        u.wind_from_deg,
        Bounds::new(0.0, true, 360.0, true, "degrees"),
    );
    let stability = match (&u.stability, u.obukhov_length_m) {
        (Some(s), None) => {
            if u.friction_velocity_m_s.is_some() {
                p.push(
                    "meteorology.friction_velocity_m_s",
                    fmt_num(u.friction_velocity_m_s.unwrap_or(0.0)),
                    "no friction velocity with a stability class (give obukhov_length_m instead)",
                );
            }
            match StabilityClass::from_letter(s) {
                Some(c) => Some(StabilitySpec::Class(c)),
                None => {
                    p.push(
                        "meteorology.stability",
                        format!("{s:?}"),
                        "a Pasquill–Gifford class \"A\" to \"F\"",
                    );
                    None
                }
            }
        }
        (None, Some(l)) => {
            if !l.is_finite() || l.abs() < 1.0 {
                p.push("meteorology.obukhov_length_m", fmt_num(l), "a finite length with |L| ≥ 1 m (negative unstable, positive stable, large for neutral)");
            }
            let u_star = u.friction_velocity_m_s;
            if let Some(us) = u_star {
                p.range(
                    "meteorology.friction_velocity_m_s",
                    us,
                    Bounds::new(0.0, false, 3.0, true, "m/s"),
                );
            }
            Some(StabilitySpec::Obukhov {
                obukhov_length_m: l,
                friction_velocity_m_s: u_star,
            })
        }
        (Some(_), Some(l)) => {
            p.push(
                "meteorology.obukhov_length_m",
                fmt_num(l),
                "either stability or obukhov_length_m, not both",
            );
            None
        }
        (None, None) => {
            p.missing("meteorology.stability", "a Pasquill–Gifford class \"A\" to \"F\", or obukhov_length_m (with optional friction_velocity_m_s)");
            None
        }
    };
    let mixing = u.mixing_height_m.inspect(|&h| {
        p.range(
            "meteorology.mixing_height_m",
            h,
            Bounds::new(10.0, true, 6000.0, true, "m"),
        );
    });
    let temp = p.opt(
        "meteorology.air_temperature_k",
        u.air_temperature_k,
        288.15,
        Bounds::new(180.0, true, 340.0, true, "K"),
    );
    let precip = p.opt(
        "meteorology.precipitation_mm_h",
        u.precipitation_mm_h,
        0.0,
        Bounds::new(0.0, true, 500.0, true, "mm/h"),
    );
    let sigma_theta = u.sigma_theta_deg.inspect(|&s| {
        p.range(
            "meteorology.sigma_theta_deg",
            s,
            Bounds::new(0.0, false, 60.0, true, "degrees"),
        );
    });
    let averaging = sigma_theta_averaging_s(u.sigma_theta_averaging_s, p);
    if let (Some(t), None) = (u.sigma_theta_averaging_s, sigma_theta) {
        p.push(
            "meteorology.sigma_theta_averaging_s",
            fmt_num(t),
            "no averaging time without a measured sigma_theta_deg",
        );
    }
    let population = urban_population(u.urban_population, u.terrain, p);
    (p.count() == n0).then(|| UniformMetSpec {
        wind_speed_m_s: speed.expect("checked"),
        wind_reference_height_m: zr,
        wind_from_deg: from.expect("checked"),
        stability: stability.expect("checked"),
        roughness_length_m: z0,
        mixing_height_m: mixing,
        terrain: u.terrain.unwrap_or_default(),
        urban_population: population,
        air_temperature_k: temp,
        precipitation_mm_h: precip,
        sigma_theta_deg: sigma_theta,
        sigma_theta_averaging_s: averaging,
    })
}

/// The record length (s) of a measured σθ, if given: a minute to a day.
fn sigma_theta_averaging_s(given: Option<f64>, p: &mut Problems) -> Option<f64> {
    given.inspect(|&t| {
        p.range(
            "meteorology.sigma_theta_averaging_s",
            t,
            Bounds::new(60.0, true, 86_400.0, true, "s"),
        );
    })
}

/// The population of the city whose night-time heat island the particle model adds: one
/// that AERMOD's fit holds for (at least 100; at most 10⁸, beyond any metropolis), and only
/// over urban terrain.
fn urban_population(given: Option<f64>, terrain: Option<Terrain>, p: &mut Problems) -> Option<f64> {
    let population = given?;
    p.range(
        "meteorology.urban_population",
        population,
        Bounds::new(
            crate::met::urban::MIN_POPULATION,
            true,
            1.0e8,
            true,
            "inhabitants",
        ),
    );
    if terrain != Some(Terrain::Urban) {
        p.push(
            "meteorology.urban_population",
            fmt_num(population),
            "a population only with terrain = \"urban\"",
        );
    }
    Some(population)
}

/// Validates `[model] kind = "lagrangian"`; every key has a documented default.
/// Resolves a met file path against the scenario's folder and checks that it exists.
fn met_file(
    raw: Option<String>,
    scenario_file: &Path,
    what: &str,
    p: &mut Problems,
) -> Option<PathBuf> {
    match raw {
        None => {
            p.missing("meteorology.file", what);
            None
        }
        Some(f) if f.trim().is_empty() => {
            p.push("meteorology.file", "\"\"", what);
            None
        }
        Some(f) => {
            let rel = PathBuf::from(f.trim());
            let path = if rel.is_absolute() {
                rel
            } else {
                scenario_file.parent().unwrap_or(Path::new("")).join(rel)
            };
            if path.is_file() {
                Some(path)
            } else {
                p.push(
                    "meteorology.file",
                    format!("{f:?}"),
                    format!(
                        "{what} (looked for {}, relative to the scenario file)",
                        path.display()
                    ),
                );
                None
            }
        }
    }
}

pub(super) fn station_met(
    s: StationMetSection,
    file: &Path,
    p: &mut Problems,
) -> Option<StationMetSpec> {
    let n0 = p.count();
    let path = met_file(s.file, file, "an existing station CSV file", p);
    let z0 = p.opt(
        "meteorology.roughness_length_m",
        s.roughness_length_m,
        0.1,
        Bounds::new(0.0, false, 3.0, true, "m"),
    );
    let power = p.opt(
        "meteorology.idw_power",
        s.idw_power,
        2.0,
        Bounds::new(0.5, true, 6.0, true, ""),
    );
    let weighting = match s.interpolation.unwrap_or_default() {
        StationInterpolation::InverseDistance => {
            crate::met::SpatialWeighting::InverseDistance { power }
        }
        StationInterpolation::Nearest => {
            if s.idw_power.is_some() {
                p.push(
                    "meteorology.idw_power",
                    fmt_num(power),
                    "no idw_power with interpolation = \"nearest\"",
                );
            }
            crate::met::SpatialWeighting::Nearest
        }
    };
    let max_gap_s = p.opt(
        "meteorology.max_gap_s",
        s.max_gap_s,
        10_800.0,
        Bounds::new(0.0, false, 30.0 * 86400.0, true, "s"),
    );
    let averaging = sigma_theta_averaging_s(s.sigma_theta_averaging_s, p);
    let population = urban_population(s.urban_population, s.terrain, p);
    (p.count() == n0).then(|| StationMetSpec {
        file: path.expect("checked"),
        weighting,
        roughness_length_m: z0,
        terrain: s.terrain.unwrap_or_default(),
        urban_population: population,
        max_gap_s,
        sigma_theta_averaging_s: averaging,
        perturbation: None,
    })
}

pub(super) fn gridded_met(
    g: GriddedMetSection,
    file: &Path,
    p: &mut Problems,
) -> Option<GriddedMetSpec> {
    let n0 = p.count();
    let path = met_file(g.file, file, "an existing netCDF-4 or GRIB2 file", p);
    let z0 = p.opt(
        "meteorology.roughness_length_m",
        g.roughness_length_m,
        0.1,
        Bounds::new(0.0, false, 3.0, true, "m"),
    );
    let format = match (g.format, &path) {
        (Some(f), _) => Some(f),
        (None, Some(path)) => {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            match ext.as_str() {
                "nc" | "nc4" | "h5" | "hdf5" | "netcdf" => Some(GriddedFormat::Netcdf),
                "grib2" | "grb2" | "grib" | "grb" => Some(GriddedFormat::Grib2),
                _ => {
                    p.push(
                        "meteorology.format",
                        "(missing)",
                        format!("\"netcdf\" or \"grib2\" (the extension .{ext} does not tell)"),
                    );
                    None
                }
            }
        }
        (None, None) => None,
    };
    let population = urban_population(g.urban_population, g.terrain, p);
    (p.count() == n0).then(|| GriddedMetSpec {
        file: path.expect("checked"),
        format: format.expect("checked"),
        vertical_interpolation: g.vertical_interpolation.unwrap_or_default(),
        roughness_length_m: z0,
        terrain: g.terrain.unwrap_or_default(),
        urban_population: population,
        perturbation: None,
    })
}
