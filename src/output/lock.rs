//! One command at a time per output folder. Two runs into one folder both finished and the
//! last to move its files in won, silently (found by review: of six parallel runs into one
//! folder, five results were thrown away without a word). A command holds an exclusive lock
//! on `.plume-lock` in its output folder from before its model runs until its files are in
//! place, and a second command into that folder is refused at once, saying why.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::{ensure_dir, missing_folders, remove_empty, OutputError};

/// The lock file's name inside an output folder.
pub const LOCK_FILE: &str = ".plume-lock";

/// The lock files this process holds and the folders each had to create, for an interrupt
/// ([`release_all`]), which exits without running destructors. (A lock file left by a process
/// killed outright holds nothing: the system releases its lock with the process.)
static HELD: Mutex<Vec<(PathBuf, Vec<PathBuf>)>> = Mutex::new(Vec::new());

fn held() -> MutexGuard<'static, Vec<(PathBuf, Vec<PathBuf>)>> {
    HELD.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes every lock file this process holds, and the folders they created if empty: for an
/// interrupt, after the staging folders are gone.
pub(crate) fn release_all() {
    for (path, created) in held().iter() {
        let _ = std::fs::remove_file(path);
        remove_empty(created);
    }
}

/// An output folder held by this command; released (and its lock file removed) when dropped.
/// Folders it had to create are removed again if nothing was written into them.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
    _file: File,
    created: Vec<PathBuf>,
}

impl OutputLock {
    /// Takes `dir` (creating it if missing) for this command, or refuses with
    /// [`OutputError::Busy`] when another command holds it.
    pub fn acquire(dir: &Path) -> Result<Self, OutputError> {
        let created = missing_folders(dir);
        ensure_dir(dir)?;
        let path = dir.join(LOCK_FILE);
        // An unwritable folder: nothing of this command's is left in it.
        let refused = |source| {
            remove_empty(&created);
            OutputError::NotWritable {
                dir: dir.to_path_buf(),
                source,
            }
        };
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(refused)?;
        match file.try_lock() {
            Ok(()) => {
                held().push((path.clone(), created.clone()));
                Ok(OutputLock {
                    path,
                    _file: file,
                    created,
                })
            }
            Err(TryLockError::WouldBlock) => Err(OutputError::Busy {
                dir: dir.to_path_buf(),
            }),
            Err(TryLockError::Error(source)) => Err(refused(source)),
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        held().retain(|(p, _)| p != &self.path);
        // Removed while still held, so no other command finds it unlocked and ours gone.
        let _ = std::fs::remove_file(&self.path);
        remove_empty(&self.created);
    }
}

/// Several folders held together (a comparison's and its options'), released in the reverse
/// order of taking, so that an option's folder goes before the folder that holds it.
#[derive(Debug, Default)]
pub struct OutputLocks(Vec<OutputLock>);

impl OutputLocks {
    /// Takes `dir` too (see [`OutputLock::acquire`]).
    pub fn acquire(&mut self, dir: &Path) -> Result<(), OutputError> {
        self.0.push(OutputLock::acquire(dir)?);
        Ok(())
    }
}

impl Drop for OutputLocks {
    fn drop(&mut self) {
        while let Some(lock) = self.0.pop() {
            drop(lock);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_command_into_a_held_folder_is_refused_and_the_lock_leaves_no_trace() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a").join("out");
        let first = OutputLock::acquire(&out).unwrap();
        assert!(out.join(LOCK_FILE).is_file());
        let e = OutputLock::acquire(&out).unwrap_err();
        assert!(matches!(e, OutputError::Busy { .. }), "{e}");
        assert!(e.to_string().contains("another plume command"), "{e}");
        drop(first);
        // Released: nothing left, not even the folders it made for nothing.
        assert!(!dir.path().join("a").exists());
        // Free again, and a folder with outputs in it stays.
        let second = OutputLock::acquire(&out).unwrap();
        std::fs::write(out.join("fields.nc"), "x").unwrap();
        drop(second);
        assert!(out.join("fields.nc").is_file() && !out.join(LOCK_FILE).exists());
    }

    #[test]
    fn folders_taken_together_are_released_inner_first_and_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let cmp = dir.path().join("cmp");
        let mut locks = OutputLocks::default();
        locks.acquire(&cmp).unwrap();
        locks.acquire(&cmp.join("baseline")).unwrap();
        locks.acquire(&cmp.join("option")).unwrap();
        drop(locks);
        assert!(!cmp.exists());
    }
}
