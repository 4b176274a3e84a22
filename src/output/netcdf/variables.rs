//! The netCDF file's data variables: each species' air concentration, time-integrated
//! concentration, exposure series and deposits, and the extra fields (exposure, dose, zones…),
//! each with its dimension scales, grid mapping, coordinates and CF attributes.

use hdf5::{Dataset, Group};
use ndarray::ArrayD;

use super::axes::Axes;
use super::{
    chunk, num_attr, text, variable_name, ExtraField, Provenance, DEFLATE_LEVEL, EXPOSURE_HEIGHT,
    INTERVAL_PREFIX, RUN_TIME,
};
use crate::field::Fields;
use crate::output::strings::{attach_scale, write_text_attr};

/// Writes gridded variables into `root` on the file's `axes`.
pub(super) struct Writer<'a> {
    pub root: &'a Group,
    pub axes: &'a Axes,
}

impl Writer<'_> {
    /// Writes one variable on `dims`, compressed, with its scales, `grid_mapping`,
    /// `coordinates` and `attrs`. `in_layer`: read from the lowest layer, at
    /// [`EXPOSURE_HEIGHT`]; a variable without `time` whose `cell_methods` sum over time
    /// lists [`RUN_TIME`].
    fn put(
        &self,
        name: &str,
        dims: &[&str],
        data: ArrayD<f64>,
        attrs: &[(&str, &str)],
        in_layer: bool,
    ) -> hdf5::Result<Dataset> {
        let shape: Vec<usize> = data.shape().to_vec();
        let ds = self
            .root
            .new_dataset_builder()
            .with_data(&data)
            .chunk(chunk(&shape))
            .shuffle()
            .deflate(DEFLATE_LEVEL)
            .create(name)?;
        for (i, d) in dims.iter().enumerate() {
            attach_scale(&ds, self.axes.scale(d), i as u32)?;
        }
        let over_run = !dims.contains(&"time")
            && attrs
                .iter()
                .any(|(k, v)| *k == "cell_methods" && v.contains("time: sum"));
        let mut coordinates = "lat lon".to_string();
        if over_run {
            coordinates += &format!(" {RUN_TIME}");
        }
        if in_layer {
            coordinates += &format!(" {EXPOSURE_HEIGHT}");
        }
        text(
            ds.id(),
            &[("grid_mapping", "crs"), ("coordinates", &coordinates)],
        )?;
        text(ds.id(), attrs)?;
        Ok(ds)
    }

    /// Each species' model fields.
    pub fn species(&self, fields: &Fields, prov: &Provenance) -> hdf5::Result<()> {
        // Every model gives cell means across the grid; particles are counted through the whole
        // layer, while the Gaussian models evaluate the layer at one height (its mid-height or
        // `receptor_height_m`).
        let (conc_methods, tic_methods) = if prov.model == "lagrangian" {
            (
                "time: mean area: mean z: mean",
                "time: sum area: mean z: mean",
            )
        } else {
            (
                "time: mean area: mean z: point",
                "time: sum area: mean z: point",
            )
        };
        for sf in &fields.species {
            let v = variable_name(&sf.species.name);
            let u = sf.species.unit.symbol();
            let name = &sf.species.name;
            // Where the particle model kept an exposure tally the interval means and the run's
            // totals stand for different averaging times; each says which.
            let (conc_comment, total_comment) = match sf.exposure_concentration {
                Some(_) => (
                    "the plume as wide as the wind's swings within the interval make it; the \
                 time-integrated concentration, deposits, zones and doses take those within the \
                 release (or the AEGL duration), a wider plume",
                    "the plume as wide as the wind's swings within the release (or the AEGL \
                 duration) make it: wider and lower on its axis than the sum of the interval \
                 means",
                ),
                None => ("", ""),
            };
            let ds = self.put(
                &format!("air_concentration_{v}"),
                &["time", "z", "y", "x"],
                sf.concentration.clone().into_dyn(),
                &with_comment(
                    &[
                        (
                            "long_name",
                            &format!(
                                "air concentration of {name}, mean over the averaging interval"
                            ),
                        ),
                        ("units", &format!("{u} m-3")),
                        ("cell_methods", conc_methods),
                        ("species", name),
                    ],
                    conc_comment,
                ),
                false,
            )?;
            if let Some(h) = sf.species.half_life_s {
                num_attr(&ds, "half_life_s", h)?;
            }
            if let Some(b) = sf.budget {
                for (k, val) in [
                    ("mass_budget_released", b.released),
                    ("mass_budget_airborne", b.airborne),
                    ("mass_budget_dry_deposited", b.dry_deposited),
                    ("mass_budget_wet_deposited", b.wet_deposited),
                    ("mass_budget_decayed", b.decayed),
                    ("mass_budget_exited", b.exited),
                ] {
                    num_attr(&ds, k, val)?;
                }
                write_text_attr(ds.id(), "mass_budget_units", u)?;
            }
            self.put(
                &format!("time_integrated_air_concentration_{v}"),
                &["z", "y", "x"],
                sf.time_integrated.clone().into_dyn(),
                &with_comment(
                    &[
                        (
                            "long_name",
                            &format!("time-integrated air concentration of {name} over the run"),
                        ),
                        ("units", &format!("{u} s m-3")),
                        ("cell_methods", tic_methods),
                        ("species", name),
                    ],
                    total_comment,
                ),
                false,
            )?;
            if let Some(exposure) = &sf.exposure_concentration {
                // The series the exposures are read from, in the layer they are read from.
                self.put(
                &format!("exposure_air_concentration_{v}"),
                &["time", "y", "x"],
                exposure
                    .slice(ndarray::s![.., 0, .., ..])
                    .to_owned()
                    .into_dyn(),
                &[
                    (
                        "long_name",
                        &format!(
                            "air concentration of {name} in the lowest layer, mean over the \
                             averaging interval, as the exposures take it"
                        ),
                    ),
                    ("units", &format!("{u} m-3")),
                    (
                        "cell_methods",
                        "time: mean area: mean exposure_height: mean",
                    ),
                    ("species", name),
                    (
                        "comment",
                        "the plume as wide as the wind's swings within the release (or the AEGL \
                         duration) make it: the series the exposures, running means, toxic \
                         loads, zones, doses and arrival times are read from; its interval means \
                         times the interval add up to the lowest layer of the time-integrated \
                         concentration",
                    ),
                ],
                true,
            )?;
            }
            for (kind, data) in [("dry", &sf.dry_deposition), ("wet", &sf.wet_deposition)] {
                self.put(
                    &format!("{kind}_deposition_{v}"),
                    &["y", "x"],
                    data.clone().into_dyn(),
                    &[
                        (
                            "long_name",
                            &format!("{kind} deposition of {name} accumulated over the run"),
                        ),
                        ("units", &format!("{u} m-2")),
                        ("cell_methods", "time: sum"),
                        ("species", name),
                    ],
                    false,
                )?;
            }
            if let Some(by) = &sf.deposition_by_interval {
                for (kind, data) in [("dry", &by.dry), ("wet", &by.wet)] {
                    self.put(
                        &format!("{INTERVAL_PREFIX}{kind}_deposition_{v}"),
                        &["time", "y", "x"],
                        data.clone().into_dyn(),
                        &[
                            (
                                "long_name",
                                &format!(
                                    "{kind} deposition of {name} during the averaging interval"
                                ),
                            ),
                            ("units", &format!("{u} m-2")),
                            ("cell_methods", "time: sum"),
                            ("species", name),
                        ],
                        false,
                    )?;
                }
            }
        }
        Ok(())
    }

    /// The extra fields (exposure, dose, zones…).
    pub fn extra(&self, extra: &[ExtraField]) -> hdf5::Result<()> {
        for e in extra {
            // All text attributes go through `put`, which reads `cell_methods` for the coordinates.
            let mut attrs = vec![("long_name", e.long_name.as_str()), ("units", &e.units)];
            attrs.extend(e.attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let in_layer = self.axes.exposure_layer && e.dims == ["y", "x"];
            let ds = self.put(&e.name, &e.dims, e.data.clone(), &attrs, in_layer)?;
            for (k, v) in &e.numeric_attributes {
                ds.new_attr::<f64>()
                    .shape(v.len())
                    .create(k.as_str())?
                    .write_raw(v)?;
            }
        }
        Ok(())
    }
}

/// `attrs` with a `comment` attribute added, unless `comment` is empty.
fn with_comment<'a>(attrs: &[(&'a str, &'a str)], comment: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut attrs = attrs.to_vec();
    if !comment.is_empty() {
        attrs.push(("comment", comment));
    }
    attrs
}
