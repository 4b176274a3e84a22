//! HDF5 helpers the high-level crate lacks: fixed-length text attributes (netCDF's NC_CHAR,
//! which every netCDF reader shows as text) and dimension scales (HDF5 high-level H5DS API,
//! which netCDF-4 uses for named dimensions).

use std::ffi::CString;

use hdf5_sys::h5::herr_t;
use hdf5_sys::h5a::{H5Aclose, H5Acreate2, H5Awrite};
use hdf5_sys::h5i::hid_t;
use hdf5_sys::h5p::H5P_DEFAULT;
use hdf5_sys::h5s::{H5S_class_t, H5Sclose, H5Screate};
use hdf5_sys::h5t::{
    H5T_cset_t, H5T_str_t, H5Tclose, H5Tcopy, H5Tset_cset, H5Tset_size, H5Tset_strpad, H5T_C_S1,
};

unsafe extern "C" {
    fn H5DSset_scale(dsid: hid_t, dimname: *const std::ffi::c_char) -> herr_t;
    fn H5DSattach_scale(did: hid_t, dsid: hid_t, idx: std::ffi::c_uint) -> herr_t;
}

fn check(code: i64, what: &str) -> hdf5::Result<()> {
    if code < 0 {
        Err(hdf5::Error::from(format!("HDF5 call failed: {what}")))
    } else {
        Ok(())
    }
}

/// Writes a scalar fixed-length UTF-8 string attribute on an object (file, group or dataset).
pub fn write_text_attr(loc_id: hid_t, name: &str, value: &str) -> hdf5::Result<()> {
    let cname =
        CString::new(name).map_err(|_| hdf5::Error::from("attribute name has a NUL byte"))?;
    // NUL bytes cannot live in a C string; scenario text never has them, but stay total.
    let bytes: Vec<u8> = value.bytes().filter(|&b| b != 0).collect();
    hdf5::sync::sync(|| unsafe {
        let t = H5Tcopy(*H5T_C_S1);
        check(t, "H5Tcopy")?;
        let mut result = check(H5Tset_size(t, bytes.len().max(1)) as i64, "H5Tset_size")
            .and_then(|_| {
                check(
                    H5Tset_strpad(t, H5T_str_t::H5T_STR_NULLTERM) as i64,
                    "H5Tset_strpad",
                )
            })
            .and_then(|_| {
                check(
                    H5Tset_cset(t, H5T_cset_t::H5T_CSET_UTF8) as i64,
                    "H5Tset_cset",
                )
            });
        if result.is_ok() {
            let s = H5Screate(H5S_class_t::H5S_SCALAR);
            let a = H5Acreate2(loc_id, cname.as_ptr(), t, s, H5P_DEFAULT, H5P_DEFAULT);
            result = check(a, "H5Acreate2");
            if result.is_ok() {
                let mut buf = bytes.clone();
                if buf.is_empty() {
                    buf.push(0);
                }
                result = check(H5Awrite(a, t, buf.as_ptr().cast()) as i64, "H5Awrite");
                H5Aclose(a);
            }
            H5Sclose(s);
        }
        H5Tclose(t);
        result
    })
}

/// Marks a 1-D dataset as the dimension scale `name`.
pub fn set_scale(ds: &hdf5::Dataset, name: &str) -> hdf5::Result<()> {
    let cname =
        CString::new(name).map_err(|_| hdf5::Error::from("dimension name has a NUL byte"))?;
    hdf5::sync::sync(|| unsafe {
        check(
            H5DSset_scale(ds.id(), cname.as_ptr()) as i64,
            "H5DSset_scale",
        )
    })
}

/// Attaches dimension scale `scale` to dimension `idx` of `ds`.
pub fn attach_scale(ds: &hdf5::Dataset, scale: &hdf5::Dataset, idx: u32) -> hdf5::Result<()> {
    hdf5::sync::sync(|| unsafe {
        check(
            H5DSattach_scale(ds.id(), scale.id(), idx) as i64,
            "H5DSattach_scale",
        )
    })
}
