//! Writes small CF netCDF-4/HDF5 meteorology files for tests, with every piece optional so
//! that malformed files can be made on purpose.

use std::path::Path;

use hdf5::types::VarLenUnicode;

/// One variable: name, dims' shape, data, string attributes.
pub struct CfVar {
    pub name: String,
    pub shape: Vec<usize>,
    pub data: Vec<f64>,
    pub attrs: Vec<(String, String)>,
}

impl CfVar {
    pub fn new(name: &str, shape: &[usize], data: Vec<f64>, attrs: &[(&str, &str)]) -> Self {
        assert_eq!(shape.iter().product::<usize>(), data.len(), "{name}");
        CfVar {
            name: name.into(),
            shape: shape.to_vec(),
            data,
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }
}

/// Writes the variables to an HDF5 file (f32 data, as NWP files usually hold) plus numeric
/// attributes given as `("name", value)` on a variable named in `num_attrs`.
pub fn write_cf(path: &Path, vars: &[CfVar], num_attrs: &[(&str, &str, f64)], f64_data: bool) {
    let f = hdf5::File::create(path).unwrap();
    f.new_attr::<VarLenUnicode>()
        .create("Conventions")
        .unwrap()
        .write_scalar(&"CF-1.10".parse::<VarLenUnicode>().unwrap())
        .unwrap();
    for v in vars {
        let ds = if f64_data {
            let ds = f
                .new_dataset::<f64>()
                .shape(v.shape.clone())
                .create(v.name.as_str())
                .unwrap();
            ds.write_raw(&v.data).unwrap();
            ds
        } else {
            let data: Vec<f32> = v.data.iter().map(|&x| x as f32).collect();
            let ds = f
                .new_dataset::<f32>()
                .shape(v.shape.clone())
                .create(v.name.as_str())
                .unwrap();
            ds.write_raw(&data).unwrap();
            ds
        };
        for (k, val) in &v.attrs {
            ds.new_attr::<VarLenUnicode>()
                .create(k.as_str())
                .unwrap()
                .write_scalar(&val.parse::<VarLenUnicode>().unwrap())
                .unwrap();
        }
        for (var, k, val) in num_attrs {
            if *var == v.name {
                ds.new_attr::<f64>()
                    .create(*k)
                    .unwrap()
                    .write_scalar(val)
                    .unwrap();
            }
        }
    }
}

/// Names the dimensions of variables in a file written by [`write_cf`], as netCDF-4 does: each
/// listed coordinate variable becomes the dimension scale of its own name, and each variable in
/// `dims` gets those scales attached in the order given.
pub fn name_dimensions(path: &Path, scales: &[&str], dims: &[(&str, &[&str])]) {
    let f = hdf5::File::open_rw(path).unwrap();
    for name in scales {
        plume::output::set_scale(&f.dataset(name).unwrap(), name).unwrap();
    }
    for (var, names) in dims {
        let ds = f.dataset(var).unwrap();
        for (k, name) in names.iter().enumerate() {
            plume::output::attach_scale(&ds, &f.dataset(name).unwrap(), k as u32).unwrap();
        }
    }
}
