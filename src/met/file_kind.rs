//! What a file is, from its first bytes: lets a reader say "this is a GRIB2 file" or "this is
//! text" when handed a file in another format, instead of only that it cannot parse it.

use std::io::Read;
use std::path::Path;

/// The format a file's first bytes announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// HDF5, which every netCDF-4 file is.
    Hdf5,
    /// Classic netCDF (versions 1, 2 and 5 of the CDF format), which is not HDF5.
    NetCdf3,
    Grib,
    /// UTF-8 text without NUL bytes (a CSV file, a TOML file, …).
    Text,
    Empty,
    /// Anything else, or a file that cannot be read.
    Unknown,
}

/// Bytes looked at: enough to tell text from binary.
const SNIFF_BYTES: u64 = 512;

/// Reads the first bytes of `path` and says what they announce.
pub(crate) fn sniff(path: &Path) -> FileKind {
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(SNIFF_BYTES).read_to_end(&mut head));
    if read.is_err() {
        return FileKind::Unknown;
    }
    if head.is_empty() {
        FileKind::Empty
    } else if head.starts_with(b"\x89HDF\r\n\x1a\n") {
        FileKind::Hdf5
    } else if head.starts_with(b"CDF") {
        FileKind::NetCdf3
    } else if head.starts_with(b"GRIB") {
        FileKind::Grib
    } else if !head.contains(&0) && is_utf8_prefix(&head) {
        FileKind::Text
    } else {
        FileKind::Unknown
    }
}

/// Whether `bytes` are UTF-8, allowing a character cut at the end.
fn is_utf8_prefix(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

impl FileKind {
    /// What the file is, for a message: "a GRIB2 file", "text", …; `None` where unknown.
    pub(crate) fn describe(self) -> Option<&'static str> {
        match self {
            FileKind::Hdf5 => Some("a netCDF-4/HDF5 file"),
            FileKind::NetCdf3 => Some("a classic netCDF-3 file"),
            FileKind::Grib => Some("a GRIB2 file"),
            FileKind::Text => Some("text"),
            FileKind::Empty => Some("empty"),
            FileKind::Unknown => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_bytes_tell_the_format() {
        let dir = tempfile::tempdir().unwrap();
        let cases: [(&[u8], FileKind); 6] = [
            (b"\x89HDF\r\n\x1a\n\0\0\0", FileKind::Hdf5),
            (b"CDF\x01\0\0\0\x01", FileKind::NetCdf3),
            (b"GRIB\0\0\0\x02", FileKind::Grib),
            (
                "time,station,lat\n2026-07-14T06:00:00Z,Ç".as_bytes(),
                FileKind::Text,
            ),
            (b"", FileKind::Empty),
            (b"\x00\x01\x02\xff", FileKind::Unknown),
        ];
        for (n, (bytes, kind)) in cases.iter().enumerate() {
            let path = dir.path().join(format!("f{n}"));
            std::fs::write(&path, bytes).unwrap();
            assert_eq!(sniff(&path), *kind, "case {n}");
        }
    }
}
