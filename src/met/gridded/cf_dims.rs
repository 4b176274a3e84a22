//! netCDF-4 dimension names, so that a variable written in another axis order is refused by name
//! rather than read transposed.
//!
//! A netCDF-4 file stores each dimension as an HDF5 dimension scale (a dataset named for the
//! dimension) and each variable's dimensions as its `DIMENSION_LIST` attribute: one object
//! reference per axis (netCDF-4 format specification, NetCDF Users Guide §"NetCDF-4 format";
//! HDF5 Dimension Scale Specification 1.0). Shapes alone cannot tell `(time, lat, lon)` from
//! `(time, lon, lat)` on a square grid; the names can.

use hdf5::types::VarLenArray;
use hdf5::{ObjectReference1, ReferencedObject};

/// The names of a dataset's dimensions, in order: those of the dimension scales attached to it,
/// or the dataset's own name when it is itself a 1-D dimension scale (a coordinate variable).
/// `None` for a plain HDF5 dataset without dimension scales, or one whose list cannot be read.
pub(super) fn dimension_names(ds: &hdf5::Dataset) -> Option<Vec<String>> {
    let own_name = || ds.name().trim_start_matches('/').to_string();
    let Ok(attr) = ds.attr("DIMENSION_LIST") else {
        let is_scale = ds.attr("CLASS").is_ok();
        return (ds.ndim() == 1 && is_scale).then(|| vec![own_name()]);
    };
    let lists = attr.read_raw::<VarLenArray<ObjectReference1>>().ok()?;
    if lists.len() != ds.ndim() {
        return None;
    }
    let file = ds.file().ok()?;
    lists
        .iter()
        .map(|refs| match file.dereference(refs.first()?).ok()? {
            ReferencedObject::Dataset(scale) => {
                Some(scale.name().trim_start_matches('/').to_string())
            }
            _ => None,
        })
        .collect()
}

/// The one dimension of a 1-D coordinate variable, or the `k`th of a multi-dimensional one.
pub(super) fn axis_name(ds: &hdf5::Dataset, k: usize) -> Option<String> {
    dimension_names(ds)?.into_iter().nth(k)
}

/// Where a variable's dimension names (when the file records them) differ from the expected
/// ones (when known), the message saying both; `None` when they agree or cannot be compared.
pub(super) fn order_problem(ds: &hdf5::Dataset, expected: &[Option<String>]) -> Option<String> {
    let found = dimension_names(ds)?;
    if found.len() != expected.len() {
        return None;
    }
    let differs = found
        .iter()
        .zip(expected)
        .any(|(f, e)| e.as_ref().is_some_and(|e| e != f));
    if !differs {
        return None;
    }
    let wanted: Vec<&str> = expected
        .iter()
        .zip(&found)
        .map(|(e, f)| e.as_deref().unwrap_or(f.as_str()))
        .collect();
    Some(format!(
        "has dimensions ({}): expected ({}), the order (time, z, y, x) of the coordinates; \
         reorder the file, for example `ncpdq -a {}`",
        found.join(", "),
        wanted.join(", "),
        wanted.join(",")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> hdf5::File {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/data/lepreau_nwp_sample.nc"
        );
        hdf5::File::open(path).unwrap()
    }

    #[test]
    fn names_come_from_a_netcdf4_python_file_as_written() {
        // The shipped sample was written by netCDF4-python (scripts/make_met_samples.py).
        let f = sample();
        let u = f.dataset("u").unwrap();
        assert_eq!(
            dimension_names(&u).unwrap(),
            ["time", "height", "lat", "lon"]
        );
        assert_eq!(axis_name(&f.dataset("lat").unwrap(), 0).unwrap(), "lat");
        assert_eq!(order_problem(&u, &[None, None, None, None]), None);
    }

    #[test]
    fn a_variable_whose_names_differ_from_the_expected_is_told_both() {
        let f = sample();
        let u = f.dataset("u").unwrap();
        let expected = ["time", "height", "lon", "lat"].map(|s| Some(s.to_string()));
        let problem = order_problem(&u, &expected).unwrap();
        assert!(
            problem.contains("has dimensions (time, height, lat, lon)")
                && problem.contains("expected (time, height, lon, lat)"),
            "{problem}"
        );
    }
}
