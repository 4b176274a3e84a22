//! An output directory that never mixes runs. A run writes all its files into a fresh hidden
//! folder inside the output directory ([`Staging`]); only when every one was written are they
//! moved into place, each by a rename (atomic per file), and plume's own output files of an
//! earlier run that this run did not write are removed. A run that fails before that point
//! leaves the previous run's outputs untouched and complete; files that plume does not name
//! are never touched.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::{ensure_dir, missing_folders, remove_empty, OutputError};

/// Prefix of the staging folders and write probes inside an output directory.
const STAGING_PREFIX: &str = ".plume-staging-";

/// Checks that `dir` can take outputs named `names`: creates it if missing, writes and removes
/// a probe file in it, and refuses a directory that stands where an output would go. Run it
/// before the model, so that an unwritable directory is reported before the work, not after.
/// The folders it had to create are removed again ([`Staging::new`] makes them when there is
/// something to write): a run that fails later leaves no empty output folder behind.
pub fn check_output_dir(dir: &Path, names: &[&str]) -> Result<(), OutputError> {
    let created = missing_folders(dir);
    let checked = ensure_dir(dir).and_then(|()| {
        tempfile::Builder::new()
            .prefix(STAGING_PREFIX)
            .tempfile_in(dir)
            .map_err(not_writable(dir))?;
        check_targets(dir, names)
    });
    // A folder something else wrote into meanwhile is not empty and stays.
    remove_empty(&created);
    checked
}

/// The error of a directory that takes no new file: the reason without the temporary file's
/// name, which the user never asked for ("… ro: permission denied").
fn not_writable(dir: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |e| OutputError::NotWritable {
        dir: dir.to_path_buf(),
        source: e.kind().into(),
    }
}

/// Refuses a directory standing at the final path of any of `names` (a file cannot replace it).
fn check_targets(dir: &Path, names: &[&str]) -> Result<(), OutputError> {
    for name in names {
        let path = dir.join(name);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            return Err(OutputError::InTheWay { path });
        }
    }
    Ok(())
}

/// A run's outputs on their way into an output directory: written into a fresh hidden folder
/// inside it, then moved into place together by [`Staging::commit`]. Dropped without a
/// commit (a failed run), it removes the folder and everything in it.
pub struct Staging {
    dir: PathBuf,
    folder: tempfile::TempDir,
    /// The names staged so far, in the order they were written.
    staged: Vec<String>,
    /// Listed in [`LIVE`] while it exists (declared after `folder`, so it is dropped after it).
    _live: Live,
}

/// The staging folders of this process that exist now, so that an interrupted command
/// ([`remove_live_and_exit`]) removes them rather than leave them for a day. A commit holds the
/// lock while it moves files, so an interrupt waits for it and never takes the folder that
/// holds the earlier outputs it set aside.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// A staging folder's place in [`LIVE`], given up when it is dropped.
struct Live(PathBuf);

impl Drop for Live {
    fn drop(&mut self) {
        live().retain(|p| p != &self.0);
    }
}

/// The staging folders that exist now.
pub fn live_folders() -> Vec<PathBuf> {
    live().clone()
}

/// For an interrupt (Ctrl-C, SIGTERM): removes every staging folder of this process, then its
/// output-folder locks ([`super::lock`]), and exits with `code`, holding the lock so that no
/// commit starts meanwhile. The output directories
/// keep the earlier run's files, whole.
pub fn remove_live_and_exit(code: i32) -> ! {
    let folders = live();
    for folder in folders.iter() {
        let _ = std::fs::remove_dir_all(folder);
    }
    super::lock::release_all();
    std::process::exit(code)
}

/// A staging folder untouched this long (s) was left by a run that was killed (a crash, a
/// SIGKILL, a power cut skip the folder's removal): the next run removes it. A day is far
/// longer than any run writes its outputs, so a live run's folder is never taken.
pub const STALE_STAGING_S: u64 = 86_400;

/// Removes the staging folders in `dir` not modified for [`STALE_STAGING_S`]; failures are
/// ignored (the folder is only clutter: it is hidden and its files were never put in place).
fn remove_stale_staging(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let stale = std::time::Duration::from_secs(STALE_STAGING_S);
    for e in entries.flatten() {
        let name = e.file_name();
        let is_staging = name.to_str().is_some_and(|n| n.starts_with(STAGING_PREFIX));
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > stale);
        if is_staging && old && e.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

impl Staging {
    /// Opens a fresh staging folder in `dir` (created if missing), removing stale ones that
    /// killed runs left there.
    pub fn new(dir: &Path) -> Result<Self, OutputError> {
        ensure_dir(dir)?;
        remove_stale_staging(dir);
        let folder = tempfile::Builder::new()
            .prefix(STAGING_PREFIX)
            .tempdir_in(dir)
            .map_err(not_writable(dir))?;
        let path = folder.path().to_path_buf();
        live().push(path.clone());
        Ok(Staging {
            dir: dir.to_path_buf(),
            folder,
            staged: vec![],
            _live: Live(path),
        })
    }

    /// Where to write the output `name` now (inside the staging folder); it will be moved to
    /// [`Staging::final_path`] on commit.
    pub fn stage(&mut self, name: &str) -> PathBuf {
        self.staged.push(name.to_string());
        self.folder.path().join(name)
    }

    /// Where the output `name` is until the commit, if it was staged.
    pub fn staged_path(&self, name: &str) -> Option<PathBuf> {
        self.staged
            .iter()
            .any(|n| n == name)
            .then(|| self.folder.path().join(name))
    }

    /// Where the output `name` will be once committed.
    pub fn final_path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Where every output staged so far will be once committed, in staging order.
    pub fn final_paths(&self) -> Vec<PathBuf> {
        self.staged.iter().map(|n| self.final_path(n)).collect()
    }

    /// Moves every staged output into the output directory, replacing a file of the same name,
    /// then removes each file named in `owned` (the names this kind of run may write) that
    /// this run did not stage, so the directory holds this run's outputs and no older ones.
    /// Everything is checked before anything moves: a directory in the way of an output fails
    /// the commit with the earlier outputs untouched. The files it replaces or removes are first
    /// set aside in the staging folder, so that a rename that fails midway is undone — the new
    /// files taken out, the old ones put back — and the directory never mixes two runs. Returns
    /// the final paths, in staging order.
    pub fn commit(self, owned: &[&str]) -> Result<Vec<PathBuf>, OutputError> {
        // An interrupt waits until the files have moved (see [`LIVE`]).
        let _moving = live();
        let staged: Vec<&str> = self.staged.iter().map(String::as_str).collect();
        check_targets(&self.dir, &staged)?;
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| OutputError::Io { path, source }
        };
        let aside_dir = self.folder.path().join(".replaced");
        std::fs::create_dir(&aside_dir).map_err(io(&aside_dir))?;
        let mut aside: Vec<&str> = vec![];
        let mut moved: Vec<&str> = vec![];
        let replaced = staged
            .iter()
            .chain(owned.iter().filter(|n| !staged.contains(n)));
        let mut result = Ok(());
        for name in replaced {
            let path = self.final_path(name);
            // Only a file (or a link) of that name: a directory is not plume's output.
            if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir()) {
                if let Err(e) = std::fs::rename(&path, aside_dir.join(name)).map_err(io(&path)) {
                    result = Err(e);
                    break;
                }
                aside.push(name);
            }
        }
        if result.is_ok() {
            for name in &staged {
                let to = self.final_path(name);
                if let Err(e) = std::fs::rename(self.folder.path().join(name), &to).map_err(io(&to))
                {
                    result = Err(e);
                    break;
                }
                moved.push(name);
            }
        }
        if let Err(e) = result {
            // Undo: the new files out, the old ones back.
            for name in moved {
                let _ = std::fs::remove_file(self.final_path(name));
            }
            for name in aside {
                let _ = std::fs::rename(aside_dir.join(name), self.final_path(name));
            }
            return Err(e);
        }
        Ok(staged.iter().map(|n| self.final_path(n)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }

    /// Found by review: a killed run's staging folder (with a partial fields.nc) stayed for
    /// good. A day-old one is removed by the next run; a fresh one (a run in progress) is kept.
    #[test]
    fn a_new_staging_removes_the_stale_folders_of_killed_runs_only() {
        let dir = tempfile::tempdir().unwrap();
        let (old, live) = (
            dir.path().join(format!("{STAGING_PREFIX}old")),
            dir.path().join(format!("{STAGING_PREFIX}live")),
        );
        for d in [&old, &live] {
            std::fs::create_dir(d).unwrap();
            std::fs::write(d.join("fields.nc"), "partial").unwrap();
        }
        let two_days = std::time::Duration::from_secs(2 * STALE_STAGING_S);
        std::fs::File::open(&old)
            .unwrap()
            .set_modified(std::time::SystemTime::now() - two_days)
            .unwrap();
        let s = Staging::new(dir.path()).unwrap();
        assert!(!old.exists());
        assert!(live.join("fields.nc").exists());
        drop(s);
    }

    #[test]
    fn a_staging_folder_is_listed_for_an_interrupt_while_it_exists() {
        let dir = tempfile::tempdir().unwrap();
        let a = Staging::new(dir.path()).unwrap();
        let mut b = Staging::new(dir.path()).unwrap();
        let (pa, pb) = (a.folder.path().to_path_buf(), b.folder.path().to_path_buf());
        let listed = live_folders();
        assert!(listed.contains(&pa) && listed.contains(&pb), "{listed:?}");
        drop(a);
        assert!(!live_folders().contains(&pa) && !pa.exists());
        std::fs::write(b.stage("a.txt"), "new").unwrap();
        b.commit(&["a.txt"]).unwrap();
        assert!(!live_folders().contains(&pb) && !pb.exists());
    }

    #[test]
    fn the_check_leaves_no_folder_it_created_and_refuses_an_unwritable_one() {
        // Found by review: a run refused after the check (an ensemble of one member) left
        // an empty output folder behind.
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a").join("b").join("out");
        check_output_dir(&nested, &["fields.nc"]).unwrap();
        assert!(!dir.path().join("a").exists());
        // An existing folder is left where it was, with what it holds.
        std::fs::write(dir.path().join("keep.txt"), "x").unwrap();
        check_output_dir(dir.path(), &["fields.nc"]).unwrap();
        assert!(dir.path().join("keep.txt").is_file());
        // A file where a folder should be is still refused.
        let file = dir.path().join("keep.txt").join("out");
        assert!(check_output_dir(&file, &["fields.nc"]).is_err());
        assert!(dir.path().join("keep.txt").is_file());
    }

    #[test]
    fn a_commit_replaces_owned_files_and_leaves_other_files_alone() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("a.txt", "old a"),
            ("b.txt", "old b"),
            ("notes.txt", "mine"),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let mut s = Staging::new(dir.path()).unwrap();
        std::fs::write(s.stage("a.txt"), "new a").unwrap();
        let written = s.commit(&["a.txt", "b.txt"]).unwrap();
        assert_eq!(written, vec![dir.path().join("a.txt")]);
        assert_eq!(names(dir.path()), ["a.txt", "notes.txt"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.txt")).unwrap(),
            "new a"
        );
    }

    #[test]
    fn a_directory_in_the_way_fails_the_commit_before_anything_moves() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "old a").unwrap();
        let mut s = Staging::new(dir.path()).unwrap();
        std::fs::write(s.stage("a.txt"), "new a").unwrap();
        std::fs::write(s.stage("b.txt"), "new b").unwrap();
        std::fs::create_dir(dir.path().join("b.txt")).unwrap();
        let e = s.commit(&["a.txt", "b.txt"]).unwrap_err();
        assert!(matches!(e, OutputError::InTheWay { .. }), "{e}");
        assert_eq!(names(dir.path()), ["a.txt", "b.txt"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.txt")).unwrap(),
            "old a"
        );
    }

    #[test]
    fn a_rename_that_fails_midway_puts_every_earlier_output_back() {
        // Found by review: files were moved in one by one, so a failure after the first left
        // the directory with one new file and the other old ones.
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [("a.txt", "old a"), ("b.txt", "old b"), ("c.txt", "old c")] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let mut s = Staging::new(dir.path()).unwrap();
        std::fs::write(s.stage("a.txt"), "new a").unwrap();
        // b.txt is staged but gone by the time of the commit: its rename fails.
        let b = s.stage("b.txt");
        let e = s.commit(&["a.txt", "b.txt", "c.txt"]).unwrap_err();
        assert!(!b.exists());
        assert!(matches!(e, OutputError::Io { .. }), "{e}");
        let read = |n: &str| std::fs::read_to_string(dir.path().join(n)).unwrap();
        assert_eq!(
            (read("a.txt"), read("b.txt"), read("c.txt")),
            ("old a".into(), "old b".into(), "old c".into())
        );
        assert_eq!(names(dir.path()), ["a.txt", "b.txt", "c.txt"]);
    }

    #[test]
    fn a_staging_dropped_without_commit_leaves_the_directory_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "old a").unwrap();
        let mut s = Staging::new(dir.path()).unwrap();
        std::fs::write(s.stage("a.txt"), "new a").unwrap();
        drop(s);
        assert_eq!(names(dir.path()), ["a.txt"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.txt")).unwrap(),
            "old a"
        );
    }
}
