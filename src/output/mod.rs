//! Outputs in the formats the field already uses. Every file is written atomically: to a
//! temporary file in the target directory, then renamed, so a crash never leaves a half-written
//! file under the final name; a run's files are first written together into a staging folder
//! and moved into place only when all were written ([`staging`]), so an output directory never
//! mixes runs.

pub(crate) mod alert_text;
pub mod cap;
pub mod font;
pub mod geojson;
pub mod kml;
pub mod local_time;
pub mod lock;
pub mod lon_lat;
pub mod map;
mod map_hazard;
mod map_labels;
mod map_marks;
mod map_panel;
pub mod map_sheet;
pub mod netcdf;
pub mod provenance;
pub(crate) mod reach_text;
pub mod staging;
mod strings;
pub mod summary;

/// netCDF-4 named dimensions (HDF5 dimension scales), for writers of netCDF-4 files.
pub use strings::{attach_scale, set_scale};
pub(crate) mod wording;
mod xml;
pub mod zones;

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write into the output directory {}: {source}", dir.display())]
    NotWritable {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}: a directory of that name is in the way", path.display())]
    InTheWay { path: PathBuf },
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write outputs to {}: expected a directory, {} is a file", path.display(), file.display())]
    NotADirectory { path: PathBuf, file: PathBuf },
    #[error("cannot draw {}: {message}", path.display())]
    Image { path: PathBuf, message: String },
    #[error("another plume command is writing into {}: wait for it to finish or choose another output folder (-o)", dir.display())]
    Busy { dir: PathBuf },
    #[error("cannot write HDF5 file {}: {source}", path.display())]
    Hdf5 {
        path: PathBuf,
        #[source]
        source: hdf5::Error,
    },
}

/// `dir` and those of its ancestors that do not exist yet, deepest first: the folders that
/// creating `dir` makes, which a command that ends up writing nothing removes again
/// ([`remove_empty`]).
pub(crate) fn missing_folders(dir: &Path) -> Vec<PathBuf> {
    dir.ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && std::fs::symlink_metadata(a).is_err())
        .map(Path::to_path_buf)
        .collect()
}

/// Removes each of `folders` (deepest first) that is empty; one that holds anything stays.
pub(crate) fn remove_empty(folders: &[PathBuf]) {
    for folder in folders {
        let _ = std::fs::remove_dir(folder);
    }
}

/// Checks that `dir` can be an output directory: neither it nor its nearest existing ancestor
/// is a file. Run before a model, so that `-o afile` is refused before the run, not after it.
pub fn check_dir(dir: &Path) -> Result<(), OutputError> {
    for a in dir.ancestors().filter(|a| !a.as_os_str().is_empty()) {
        match std::fs::metadata(a) {
            Ok(m) if m.is_dir() => return Ok(()),
            Ok(_) => {
                return Err(OutputError::NotADirectory {
                    path: dir.to_path_buf(),
                    file: a.to_path_buf(),
                })
            }
            Err(_) => continue,
        }
    }
    Ok(())
}

/// Creates `dir` (and parents) if missing.
pub fn ensure_dir(dir: &Path) -> Result<(), OutputError> {
    check_dir(dir)?;
    std::fs::create_dir_all(dir).map_err(|source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

/// Writes `path` atomically: `write` fills a temporary file beside it (given by path), which is
/// renamed over `path` only when `write` succeeds; on failure the temporary file is removed.
pub fn write_atomically<E>(path: &Path, write: impl FnOnce(&Path) -> Result<(), E>) -> Result<(), E>
where
    E: From<OutputError>,
{
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("output");
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // Temporary files are created private (0600); outputs are for sharing, so create this one
    // as any new file is, 0666 less the user's umask (0644 under the usual 022, 0600 under 077).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir).map_err(|source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    write(tmp.path())?;
    // Flush the contents to disk before the rename, so that a power loss cannot leave a
    // truncated file under the final name (any handle of the inode flushes what the writer
    // wrote through its own).
    tmp.as_file().sync_all().map_err(|source| OutputError::Io {
        path: tmp.path().to_path_buf(),
        source,
    })?;
    tmp.persist(path).map_err(|e| OutputError::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

/// Writes bytes to `path` atomically.
pub fn write_bytes_atomically(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_atomically(path, |tmp| {
        let mut f = std::fs::File::create(tmp).map_err(|source| OutputError::Io {
            path: tmp.to_path_buf(),
            source,
        })?;
        f.write_all(bytes)
            .and_then(|_| f.sync_all())
            .map_err(|source| OutputError::Io {
                path: tmp.to_path_buf(),
                source,
            })
    })
}
