//! Turning PATH arguments into payload jobs: directory walking, NDJSON splitting, batching.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;

/// Jobs per batch, and bytes of inline payloads per batch: enough to keep every core busy,
/// small enough that memory stays flat.
const BATCH_JOBS: usize = 2048;
const BATCH_BYTES: usize = 8 * 1024 * 1024;

/// One input after expansion.
#[derive(Debug)]
pub enum Source {
    /// A file holding one payload.
    Json(PathBuf),
    /// A file holding one payload per non-empty line.
    Ndjson(PathBuf),
    /// Standard input, as one payload or (with `ndjson`) one per line.
    Stdin { ndjson: bool },
    /// A path that could not be read or listed.
    Unreadable { name: String, message: String },
}

/// One unit of work for a validator.
#[derive(Debug)]
pub enum Job {
    /// Read and check a whole file.
    File(PathBuf),
    /// Check bytes already read.
    Bytes {
        source: String,
        line: Option<usize>,
        bytes: Vec<u8>,
    },
    /// An input that could not be read.
    Unreadable { source: String, message: String },
}

/// Expands PATHs: `-` is stdin, directories are walked for `*.json`, `*.ndjson` and `*.jsonl`
/// (sorted), files are taken as they are.
pub fn expand(paths: &[PathBuf], force_ndjson: bool) -> Vec<Source> {
    let mut sources = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(Source::Stdin {
                ndjson: force_ndjson,
            });
        } else if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found, &mut sources);
            found.sort();
            sources.extend(found.into_iter().map(|file| classify(file, force_ndjson)));
        } else if path.exists() {
            sources.push(classify(path.clone(), force_ndjson));
        } else {
            sources.push(Source::Unreadable {
                name: path.display().to_string(),
                message: "no such file or directory".to_owned(),
            });
        }
    }
    sources
}

fn classify(path: PathBuf, force_ndjson: bool) -> Source {
    if force_ndjson || is_ndjson(&path) {
        Source::Ndjson(path)
    } else {
        Source::Json(path)
    }
}

fn is_ndjson(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "ndjson" || ext == "jsonl")
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>, errors: &mut Vec<Source>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            errors.push(Source::Unreadable {
                name: dir.display().to_string(),
                message: error.to_string(),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, found, errors);
        } else if path.extension().is_some_and(|ext| ext == "json") || is_ndjson(&path) {
            found.push(path);
        }
    }
}

/// Reads every source into batches of jobs and sends them in order; stops early if the
/// receiver hangs up.
pub fn read_into_batches(sources: Vec<Source>, sender: &SyncSender<Vec<Job>>) {
    let mut batch = Batch::new(sender);
    for source in sources {
        let keep_going = match source {
            Source::Json(path) => batch.push(Job::File(path)),
            Source::Unreadable { name, message } => batch.push(Job::Unreadable {
                source: name,
                message,
            }),
            Source::Ndjson(path) => match File::open(&path) {
                Ok(file) => read_lines(
                    BufReader::new(file),
                    &path.display().to_string(),
                    &mut batch,
                ),
                Err(error) => batch.push(Job::Unreadable {
                    source: path.display().to_string(),
                    message: error.to_string(),
                }),
            },
            Source::Stdin { ndjson: true } => read_lines(std::io::stdin().lock(), "-", &mut batch),
            Source::Stdin { ndjson: false } => {
                let mut bytes = Vec::new();
                match std::io::stdin().lock().read_to_end(&mut bytes) {
                    Ok(_) => batch.push(Job::Bytes {
                        source: "-".to_owned(),
                        line: None,
                        bytes,
                    }),
                    Err(error) => batch.push(Job::Unreadable {
                        source: "-".to_owned(),
                        message: error.to_string(),
                    }),
                }
            }
        };
        if !keep_going {
            return;
        }
    }
    batch.flush();
}

/// Splits NDJSON into one job per non-empty line, numbering lines from 1.
fn read_lines(mut reader: impl BufRead, source: &str, batch: &mut Batch<'_>) -> bool {
    let mut line_number = 0;
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return true,
            Ok(_) => {
                line_number += 1;
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let job = Job::Bytes {
                    source: source.to_owned(),
                    line: Some(line_number),
                    bytes: line,
                };
                if !batch.push(job) {
                    return false;
                }
            }
            Err(error) => {
                return batch.push(Job::Unreadable {
                    source: format!("{source}:{}", line_number + 1),
                    message: error.to_string(),
                });
            }
        }
    }
}

/// Jobs collected until a batch is full, then sent.
struct Batch<'a> {
    sender: &'a SyncSender<Vec<Job>>,
    jobs: Vec<Job>,
    bytes: usize,
}

impl<'a> Batch<'a> {
    fn new(sender: &'a SyncSender<Vec<Job>>) -> Self {
        Self {
            sender,
            jobs: Vec::with_capacity(BATCH_JOBS),
            bytes: 0,
        }
    }

    /// Adds a job; false when the receiver is gone and reading should stop.
    fn push(&mut self, job: Job) -> bool {
        if let Job::Bytes { bytes, .. } = &job {
            self.bytes += bytes.len();
        }
        self.jobs.push(job);
        if self.jobs.len() >= BATCH_JOBS || self.bytes >= BATCH_BYTES {
            return self.flush();
        }
        true
    }

    fn flush(&mut self) -> bool {
        if self.jobs.is_empty() {
            return true;
        }
        self.bytes = 0;
        let jobs = std::mem::replace(&mut self.jobs, Vec::with_capacity(BATCH_JOBS));
        self.sender.send(jobs).is_ok()
    }
}
