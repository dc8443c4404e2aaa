//! The folder walk of a batch: which files a run converts (folders recursively, in name
//! order, readable extensions only, `--glob` / `--exclude`), which it leaves out and says so
//! (hidden files, special files, broken symlinks, symlink loops), the output name each file
//! takes, and `--shard`.

use super::batch::Job;
use super::display;
use crate::error::Error;
use crate::ingest::InputFormat;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A path the folder walk did not take, and why; listed in `report.json` (`skipped`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
    /// Whether the skip loses input (an unreadable folder, a special file, a broken
    /// symlink): then the run's exit status is 1. A symlink loop loses nothing (its folder
    /// is walked already).
    pub failed: bool,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Collected {
    /// The files to convert, in order.
    pub jobs: Vec<Job>,
    /// Hidden files left out.
    pub hidden: Vec<Job>,
    /// Paths that could not be walked or read (unreadable folders, FIFOs, devices, sockets,
    /// broken symlinks, symlink loops).
    pub skipped: Vec<Skipped>,
    /// Whether a folder was among the inputs.
    pub any_folder: bool,
}

/// The name standard input gets below the output folder (`-` as an input).
pub const STDIN_NAME: &str = "stdin";

/// Walk the inputs: files as given, folders recursively (readable extensions only, hidden
/// entries and `skip` — the output folder — left out), filtered by `--glob` / `--exclude` on
/// the path below the folder; sorted, and each file's output name made unique. Beside the
/// jobs, everything the walk left out: hidden files and skipped paths. Symlinked
/// folders are followed; one that leads back to a folder being walked (a loop) is skipped.
pub fn collect_all(
    inputs: &[PathBuf],
    globs: &[String],
    excludes: &[String],
    skip: Option<&Path>,
) -> Result<Collected, Error> {
    let filter = Filter {
        include: globset(globs)?,
        exclude: globset(excludes)?,
    };
    let skip = skip.and_then(|s| std::fs::canonicalize(s).ok());
    let many_roots = inputs.len() > 1;
    let mut c = Collected::default();
    if inputs.iter().filter(|i| i.as_os_str() == "-").count() > 1 {
        return Err(Error::Usage(
            "standard input (`-`) can be given only once".into(),
        ));
    }
    for input in inputs {
        if input.as_os_str() == "-" {
            c.jobs.push(Job {
                input: input.clone(),
                rel: PathBuf::from(STDIN_NAME),
            });
        } else if input.is_dir() {
            c.any_folder = true;
            collect_folder(&mut c, input, many_roots, skip.as_deref(), &filter);
        } else {
            // A file named on the command line is converted whatever its extension.
            let name = input
                .file_name()
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("input"));
            c.jobs.push(Job {
                input: input.clone(),
                rel: name,
            });
        }
    }
    number_repeated_names(&mut c.jobs);
    Ok(c)
}

/// `--glob` and `--exclude`, matched against a file's path below its folder.
struct Filter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

/// Walk the folder `input` and add its files (and hidden files, and skipped paths) to `c`.
fn collect_folder(
    c: &mut Collected,
    input: &Path,
    many_roots: bool,
    skip: Option<&Path>,
    filter: &Filter,
) {
    let mut w = Walk {
        skip,
        files: Vec::new(),
        hidden: Vec::new(),
        skipped: Vec::new(),
        ancestors: Vec::new(),
    };
    w.walk(input, false);
    w.files.sort();
    w.hidden.sort();
    c.skipped.append(&mut w.skipped);
    // With several inputs each folder keeps its own name, so two trees never mix.
    let prefix = if many_roots {
        input
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("input"))
    } else {
        PathBuf::new()
    };
    for (f, is_hidden) in w
        .files
        .into_iter()
        .map(|f| (f, false))
        .chain(w.hidden.into_iter().map(|f| (f, true)))
    {
        let below = f.strip_prefix(input).unwrap_or(&f).to_path_buf();
        let key = below.to_string_lossy().replace('\\', "/");
        if filter.include.as_ref().is_some_and(|g| !g.is_match(&key))
            || filter.exclude.as_ref().is_some_and(|g| g.is_match(&key))
        {
            continue;
        }
        let job = Job {
            rel: prefix.join(&below),
            input: f,
        };
        if is_hidden {
            c.hidden.push(job);
        } else {
            c.jobs.push(job);
        }
    }
}

/// Two inputs with one output name (x/a.pdf and y/a.pdf named as files): the later ones get
/// `~2`, `~3`, … so no output overwrites another.
fn number_repeated_names(jobs: &mut [Job]) {
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for j in jobs {
        if !seen.insert(j.rel.clone()) {
            let base = j.rel.clone().into_os_string();
            let mut n = 2;
            loop {
                let mut cand = base.clone();
                cand.push(format!("~{n}"));
                let cand = PathBuf::from(cand);
                if seen.insert(cand.clone()) {
                    j.rel = cand;
                    break;
                }
                n += 1;
            }
        }
    }
}

fn globset(patterns: &[String]) -> Result<Option<GlobSet>, Error> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| Error::Usage(format!("bad glob {p}: {e}")))?);
    }
    b.build()
        .map(Some)
        .map_err(|e| Error::Usage(format!("bad glob: {e}")))
}

/// The state of one folder walk.
struct Walk<'a> {
    /// The output folder (canonical), never walked.
    skip: Option<&'a Path>,
    files: Vec<PathBuf>,
    hidden: Vec<PathBuf>,
    skipped: Vec<Skipped>,
    /// The canonical folders from the root down to the one being walked: a symlink to one of
    /// them is a loop.
    ancestors: Vec<PathBuf>,
}

impl Walk<'_> {
    fn skip_path(&mut self, path: &Path, reason: String, failed: bool) {
        self.skipped.push(Skipped {
            path: display(path),
            reason,
            failed,
        });
    }

    /// Walk `dir`: readable files into `files`, those that are hidden (a name starting with
    /// `.`, or inside such a folder) into `hidden`, what cannot be read into `skipped`.
    /// `in_hidden`: `dir` itself is below a hidden folder.
    fn walk(&mut self, dir: &Path, in_hidden: bool) {
        let canon = match std::fs::canonicalize(dir) {
            Ok(c) => c,
            Err(e) => {
                self.skip_path(dir, format!("cannot read the folder: {e}"), true);
                return;
            }
        };
        let rd = match std::fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => {
                self.skip_path(dir, format!("cannot read the folder: {e}"), true);
                return;
            }
        };
        self.ancestors.push(canon);
        let mut entries = Vec::new();
        for e in rd {
            match e {
                Ok(e) => entries.push(e),
                Err(e) => self.skip_path(
                    dir,
                    format!("cannot read an entry of the folder: {e}"),
                    true,
                ),
            }
        }
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            self.entry(&e, in_hidden);
        }
        self.ancestors.pop();
    }

    /// One entry of a folder: a folder is walked, a readable file kept, anything else skipped.
    fn entry(&mut self, e: &std::fs::DirEntry, in_hidden: bool) {
        let path = e.path();
        let name = e.file_name();
        let is_hidden = in_hidden || name.to_string_lossy().starts_with('.');
        let Some((meta, link)) = self.what_is(e, &path, is_hidden) else {
            return;
        };
        if meta.is_dir() {
            self.folder(&path, link, is_hidden);
        } else if meta.is_file() {
            if readable(&path) {
                if is_hidden {
                    self.hidden.push(path);
                } else {
                    self.files.push(path);
                }
            }
        } else if !is_hidden {
            self.skip_path(
                &path,
                format!("not a regular file ({})", crate::write::special_kind(&meta)),
                true,
            );
        }
    }

    /// What the entry is, following a symlink (and whether it was one); `None`, and skipped,
    /// when that cannot be told.
    fn what_is(
        &mut self,
        e: &std::fs::DirEntry,
        path: &Path,
        is_hidden: bool,
    ) -> Option<(std::fs::Metadata, bool)> {
        let Ok(ft) = e.file_type() else {
            self.skip_path(path, "cannot tell what it is".into(), true);
            return None;
        };
        if ft.is_symlink() {
            match std::fs::metadata(path) {
                Ok(m) => Some((m, true)),
                Err(err) => {
                    if !is_hidden {
                        self.skip_path(path, format!("broken symlink: {err}"), true);
                    }
                    None
                }
            }
        } else {
            match e.metadata() {
                Ok(m) => Some((m, false)),
                Err(err) => {
                    self.skip_path(path, format!("cannot read it: {err}"), true);
                    None
                }
            }
        }
    }

    /// A folder below the one being walked: walked in turn, unless it is the output folder or
    /// a symlink back to a folder being walked (a loop).
    fn folder(&mut self, path: &Path, link: bool, is_hidden: bool) {
        let real = std::fs::canonicalize(path).ok();
        // Never read our own outputs back as inputs (tables.csv is a readable extension).
        if self.skip.is_some() && real.as_deref() == self.skip {
            return;
        }
        if link
            && let Some(r) = &real
            && self.ancestors.contains(r)
        {
            self.skip_path(
                path,
                format!(
                    "symlink loop: it leads back to {}, which is being walked",
                    r.display()
                ),
                false,
            );
            return;
        }
        self.walk(path, is_hidden);
    }
}

fn readable(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| InputFormat::EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Parse `--shard K/N` (1 ≤ K ≤ N).
pub fn parse_shard(s: &str) -> Result<(u64, u64), Error> {
    let bad = || Error::Usage(format!("--shard takes K/N with 1 ≤ K ≤ N, not {s}"));
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let k: u64 = k.trim().parse().map_err(|_| bad())?;
    let n: u64 = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || k == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// Keep this shard's share: a file belongs to shard `hash(output name) mod N`, so the split
/// is the same on every machine and a file keeps its shard as the archive grows.
pub fn shard(jobs: Vec<Job>, k: u64, n: u64) -> Vec<Job> {
    jobs.into_iter()
        .filter(|j| {
            let h = Sha256::digest(j.rel.to_string_lossy().replace('\\', "/").as_bytes());
            let mut b = [0u8; 8];
            b.copy_from_slice(&h[..8]);
            u64::from_be_bytes(b) % n == k - 1
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_everything_once() {
        let jobs: Vec<Job> = (0..50)
            .map(|i| Job {
                input: PathBuf::from(format!("x/{i}.pdf")),
                rel: PathBuf::from(format!("{i}.pdf")),
            })
            .collect();
        let mut total = 0;
        for k in 1..=3 {
            total += shard(jobs.clone(), k, 3).len();
        }
        assert_eq!(total, 50);
        assert!(parse_shard("0/3").is_err());
        assert!(parse_shard("4/3").is_err());
        assert_eq!(parse_shard("2/3").unwrap(), (2, 3));
    }

    #[test]
    fn colliding_names_get_suffixes() {
        let dir = std::env::temp_dir().join(format!("perfnorm-collide-{}", std::process::id()));
        let a = dir.join("x").join("a.txt");
        let b = dir.join("y").join("a.txt");
        let jobs = collect_all(&[a, b], &[], &[], None).unwrap().jobs;
        assert_eq!(jobs[0].rel, PathBuf::from("a.txt"));
        assert_eq!(jobs[1].rel, PathBuf::from("a.txt~2"));
    }
}
