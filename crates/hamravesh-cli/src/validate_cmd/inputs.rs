//! Turning PATH arguments into payload jobs: directory walking, capped reading, NDJSON
//! splitting, batching. All of it runs on the reader thread, so output starts at once.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;

use walkdir::WalkDir;

/// Jobs per batch, and bytes of payloads per batch: enough to keep every core busy, small enough
/// that memory stays flat.
const BATCH_JOBS: usize = 256;
const BATCH_BYTES: usize = 8 * 1024 * 1024;

/// Bytes of an over-long NDJSON line skipped (never stored) while looking for its end, so the
/// lines after it are still checked; past this the rest of that input is given up (`/dev/zero`).
const SKIP_LIMIT: u64 = 1 << 30;

/// Why a special file (FIFO, socket, device) a walk found under a payload's name is not read.
const NOT_REGULAR: &str =
    "not a regular file (a FIFO, socket or device, or a symlink to one); not read";

/// How inputs are read.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Read every input as NDJSON.
    pub force_ndjson: bool,
    /// Largest payload or line read, in bytes.
    pub max_size: u64,
}

/// One unit of work for a validator, or a notice to print in its place.
#[derive(Debug)]
pub enum Job {
    /// A payload read whole.
    Payload {
        source: String,
        line: Option<usize>,
        bytes: Vec<u8>,
    },
    /// A payload over the size limit; not kept.
    TooLarge {
        source: String,
        line: Option<usize>,
        size: Size,
        max: u64,
    },
    /// A regular file, read by the worker that checks it ([`Job::load`]), so that reading runs
    /// on every core and only the files being checked are in memory.
    File { source: String, path: PathBuf },
    /// An input that could not be read (or not to its end).
    Unreadable { source: String, message: String },
    /// Something skipped on purpose that the user should know of (a symlink loop).
    Warning(String),
}

impl Job {
    /// A [`Job::File`] read (at most `max` bytes) into what it holds: a payload, one over the
    /// limit, or an input that could not be read. Other jobs stay as they are.
    pub fn load(self, max: u64) -> Job {
        let Job::File { source, path } = self else {
            return self;
        };
        match open_regular(&path) {
            // A regular file's length is known: one over the limit is not read at all.
            Ok((file, length)) => read_whole(file, source, Some(length), max),
            Err(error) => Job::Unreadable {
                source,
                message: error.to_string(),
            },
        }
    }
}

/// Opens `path`, listed earlier as a regular file, with its length; an error if it is no longer
/// one. The job may be run long after the listing: a FIFO put in the file's place meanwhile must
/// not block the worker (and with it the whole run) in `open` waiting for a writer, so the file
/// is opened without blocking and checked on the open handle.
fn open_regular(path: &Path) -> io::Result<(File, u64)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // No effect on a regular file's reads.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(io::Error::other(
            "no longer a regular file (replaced since the directory was listed); not read",
        ));
    }
    Ok((file, metadata.len()))
}

/// The size of a payload over the limit: known, or known to be more than this.
#[derive(Debug, Clone, Copy)]
pub enum Size {
    /// Exactly this many bytes.
    Exactly(u64),
    /// At least this many bytes (reading stopped there).
    MoreThan(u64),
}

/// Reads every PATH (`-` is stdin; directories are walked for `*.json`, `*.ndjson` and `*.jsonl`
/// in sorted order) into batches of jobs sent in order; stops early if the receiver hangs up.
pub fn read_into_batches(paths: &[PathBuf], options: Options, sender: &SyncSender<Vec<Job>>) {
    let mut batch = Batch::new(sender);
    let mut reader = Reader {
        options,
        batch: &mut batch,
        seen: HashSet::new(),
    };
    for path in paths {
        if !reader.path(path) {
            return;
        }
    }
    batch.flush();
}

struct Reader<'b, 'a> {
    options: Options,
    batch: &'b mut Batch<'a>,
    /// Files already read during walks (device and inode), so that one reached twice through
    /// symlinks is checked once.
    seen: HashSet<(u64, u64)>,
}

impl Reader<'_, '_> {
    /// Reads one PATH argument; false when the receiver is gone.
    fn path(&mut self, path: &Path) -> bool {
        if path.as_os_str() == "-" {
            let stdin = io::stdin().lock();
            return if self.options.force_ndjson {
                self.lines(stdin, "-")
            } else {
                self.whole(stdin, "-")
            };
        }
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => self.walk(path),
            // Named explicitly, anything that is not a directory is read as it comes: a FIFO or
            // a device like stdin, within the size limit.
            Ok(metadata) => self.file(path, false, metadata.is_file()),
            // Say why: a missing file, a symlink loop and a directory not searchable differ.
            Err(error) => self.batch.push(Job::Unreadable {
                source: path.display().to_string(),
                message: error.to_string(),
            }),
        }
    }

    /// Walks a directory: sorted, symlinks followed but loops reported and not entered; special
    /// files (FIFOs, sockets, devices) named like payloads are reported unreadable, not read.
    fn walk(&mut self, dir: &Path) -> bool {
        let walker = WalkDir::new(dir).follow_links(true).sort_by_file_name();
        for entry in walker {
            let keep_going = match entry {
                Err(error) => match error.loop_ancestor() {
                    Some(ancestor) => self.batch.push(Job::Warning(format!(
                        "skipped {}: a symlink loop back to {}",
                        error.path().unwrap_or(dir).display(),
                        ancestor.display()
                    ))),
                    None => self.batch.push(Job::Unreadable {
                        source: error.path().unwrap_or(dir).display().to_string(),
                        message: error
                            .io_error()
                            .map_or_else(|| error.to_string(), io::Error::to_string),
                    }),
                },
                Ok(entry) => {
                    let kind = entry.file_type();
                    if kind.is_dir() || !is_payload_file(entry.path()) {
                        continue;
                    }
                    if !self.first_visit(&entry) {
                        continue;
                    }
                    if kind.is_file() {
                        self.file(entry.path(), true, true)
                    } else {
                        // Named like a payload but a FIFO, socket or device (or a symlink to
                        // one, such as /dev/zero): reading it could block or never end, and
                        // skipping it silently would pass a check that never looked at it.
                        self.batch.push(Job::Unreadable {
                            source: entry.path().display().to_string(),
                            message: NOT_REGULAR.to_owned(),
                        })
                    }
                }
            };
            if !keep_going {
                return false;
            }
        }
        true
    }

    /// Whether a walk reaches this file for the first time (always, where files have no inode).
    fn first_visit(&mut self, entry: &walkdir::DirEntry) -> bool {
        #[cfg(unix)]
        if let Ok(metadata) = entry.metadata() {
            use std::os::unix::fs::MetadataExt;
            return self.seen.insert((metadata.dev(), metadata.ino()));
        }
        // Metadata that cannot be read: reading the file will report the problem.
        let _ = entry; // Unused where files have no inode.
        true
    }

    /// Reads one file: `listed` when a walk found it as a regular file, which must not block if
    /// something else (a FIFO) has taken its place since; `regular` when it was one when looked
    /// at (then a worker reads it).
    fn file(&mut self, path: &Path, listed: bool, regular: bool) -> bool {
        let name = path.display().to_string();
        let ndjson = self.options.force_ndjson || is_ndjson(path);
        if !ndjson && regular {
            return self.batch.push(Job::File {
                source: name,
                path: path.to_owned(),
            });
        }
        let opened = if listed {
            open_regular(path).map(|(file, _)| file)
        } else {
            File::open(path)
        };
        let file = match opened {
            Ok(file) => file,
            Err(error) => {
                return self.batch.push(Job::Unreadable {
                    source: name,
                    message: error.to_string(),
                });
            }
        };
        if ndjson {
            return self.lines(BufReader::with_capacity(64 * 1024, file), &name);
        }
        // Named explicitly and not a regular file (a FIFO, a device): read as it comes.
        self.whole(file, &name)
    }

    /// Reads one payload of at most `max_size` bytes, its length unknown until read.
    fn whole(&mut self, reader: impl Read, source: &str) -> bool {
        let job = read_whole(reader, source.to_owned(), None, self.options.max_size);
        self.batch.push(job)
    }

    /// Splits NDJSON into one job per non-empty line, numbering lines from 1.
    fn lines(&mut self, mut reader: impl BufRead, source: &str) -> bool {
        let max = self.options.max_size;
        let mut number = 0;
        loop {
            let line = read_line_capped(&mut reader, max);
            if !matches!(line, Ok(Line::End)) {
                number += 1;
            }
            let job = match line {
                Ok(Line::End) => return true,
                Ok(Line::Payload(bytes)) if bytes.iter().all(u8::is_ascii_whitespace) => continue,
                Ok(Line::Payload(bytes)) => Job::Payload {
                    source: source.to_owned(),
                    line: Some(number),
                    bytes,
                },
                Ok(Line::TooLong { size, ended }) => {
                    let job = Job::TooLarge {
                        source: source.to_owned(),
                        line: Some(number),
                        size,
                        max,
                    };
                    if !ended {
                        return self.batch.push(job)
                            && self.batch.push(Job::Unreadable {
                                source: source.to_owned(),
                                message: format!(
                                    "stopped after line {number}: no line end in its first {SKIP_LIMIT} bytes"
                                ),
                            });
                    }
                    job
                }
                Err(error) => {
                    return self.batch.push(Job::Unreadable {
                        source: format!("{source}:{number}"),
                        message: error.to_string(),
                    });
                }
            };
            if !self.batch.push(job) {
                return false;
            }
        }
    }
}

/// One payload of at most `max` bytes from `reader`, whose `length` may be known.
fn read_whole(reader: impl Read, source: String, length: Option<u64>, max: u64) -> Job {
    if let Some(length) = length.filter(|&length| length > max) {
        return Job::TooLarge {
            source,
            line: None,
            size: Size::Exactly(length),
            max,
        };
    }
    match crate::capped::read(reader, max, length.unwrap_or(0)) {
        Ok(bytes) if bytes.len() as u64 > max => Job::TooLarge {
            source,
            line: None,
            size: Size::MoreThan(max),
            max,
        },
        Ok(bytes) => Job::Payload {
            source,
            line: None,
            bytes,
        },
        Err(error) => Job::Unreadable {
            source,
            message: error.to_string(),
        },
    }
}

fn is_ndjson(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "ndjson" || ext == "jsonl")
}

fn is_payload_file(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "json") || is_ndjson(path)
}

/// Appends `data`, growing `bytes` by doubling but never past `limit` bytes of capacity.
fn push_capped(bytes: &mut Vec<u8>, data: &[u8], limit: usize) {
    let needed = bytes.len() + data.len();
    if needed > bytes.capacity() {
        let target = bytes
            .capacity()
            .saturating_mul(2)
            .max(needed)
            .min(limit.max(needed));
        bytes.reserve_exact(target - bytes.len());
    }
    bytes.extend_from_slice(data);
}

/// One NDJSON line.
enum Line {
    /// No more input.
    End,
    /// A line (without its `\n`) of at most the limit.
    Payload(Vec<u8>),
    /// A line over the limit, skipped; `ended` is false when no line end came within
    /// [`SKIP_LIMIT`] bytes and reading stopped.
    TooLong { size: Size, ended: bool },
}

fn read_line_capped(reader: &mut impl BufRead, max: u64) -> io::Result<Line> {
    let limit = usize::try_from(max).unwrap_or(usize::MAX);
    let mut line = Vec::new();
    let mut started = false;
    // Bytes of an over-long line seen so far; `None` while the line is within the limit.
    let mut skipped: Option<u64> = None;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            return Ok(match (started, skipped) {
                (false, _) => Line::End,
                (true, None) => Line::Payload(line),
                (true, Some(size)) => Line::TooLong {
                    size: Size::Exactly(size),
                    ended: true,
                },
            });
        }
        started = true;
        // `skip_until` on the buffer finds the line end with std's fast byte search.
        let mut probe = available;
        let consumed = probe.skip_until(b'\n')?;
        let newline = (available[consumed - 1] == b'\n').then_some(consumed - 1);
        let content = &available[..newline.unwrap_or(consumed)];
        match skipped.as_mut() {
            None if line.len() + content.len() <= limit => {
                push_capped(&mut line, content, limit);
            }
            None => {
                skipped = Some((line.len() + content.len()) as u64);
                // Give the memory back now: the line will not be checked.
                line = Vec::new();
            }
            Some(size) => *size += content.len() as u64,
        }
        reader.consume(consumed);
        match (newline, skipped) {
            (Some(_), None) => return Ok(Line::Payload(line)),
            (Some(_), Some(size)) => {
                return Ok(Line::TooLong {
                    size: Size::Exactly(size),
                    ended: true,
                });
            }
            (None, Some(size)) if size > SKIP_LIMIT => {
                return Ok(Line::TooLong {
                    size: Size::MoreThan(size),
                    ended: false,
                });
            }
            (None, _) => {}
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
            jobs: Vec::new(),
            bytes: 0,
        }
    }

    /// Adds a job; false when the receiver is gone and reading should stop.
    fn push(&mut self, job: Job) -> bool {
        if let Job::Payload { bytes, .. } = &job {
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
        let jobs = std::mem::take(&mut self.jobs);
        self.sender.send(jobs).is_ok()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn lines(text: &[u8], max: u64) -> Vec<String> {
        let mut reader = BufReader::with_capacity(4, text);
        let mut out = Vec::new();
        loop {
            match read_line_capped(&mut reader, max).unwrap() {
                Line::End => return out,
                Line::Payload(bytes) => out.push(String::from_utf8(bytes).unwrap()),
                Line::TooLong { size, ended } => out.push(format!("{size:?} {ended}")),
            }
        }
    }

    #[test]
    fn lines_over_the_limit_are_skipped_and_sized() {
        assert_eq!(
            lines(b"ab\nabcdefgh\n\nxyz", 4),
            ["ab", "Exactly(8) true", "", "xyz"]
        );
        assert_eq!(lines(b"abcdefgh", 4), ["Exactly(8) true"]);
        assert_eq!(lines(b"abcd\n", 4), ["abcd"]);
    }

    /// A file listed as regular but replaced by a FIFO before its worker reads it: opening it
    /// used to wait for a writer forever, and the whole run with it.
    #[cfg(unix)]
    #[test]
    fn a_file_replaced_by_a_fifo_is_not_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        let job = Job::File {
            source: "a.json".to_owned(),
            path,
        };
        let (done, result) = std::sync::mpsc::channel();
        std::thread::spawn(move || done.send(job.load(1000)).unwrap());
        let loaded = result
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("loading a FIFO blocked");
        let Job::Unreadable { message, .. } = loaded else {
            panic!("{loaded:?}");
        };
        assert!(message.contains("no longer a regular file"), "{message}");
    }

    /// The same for an NDJSON file a walk listed, which the reader thread opens itself.
    #[cfg(unix)]
    #[test]
    fn a_listed_ndjson_file_replaced_by_a_fifo_is_not_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ndjson");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        let (sender, receiver) = std::sync::mpsc::sync_channel(1);
        std::thread::spawn(move || {
            let mut batch = Batch::new(&sender);
            {
                let mut reader = Reader {
                    options: Options {
                        force_ndjson: false,
                        max_size: 1000,
                    },
                    batch: &mut batch,
                    seen: HashSet::new(),
                };
                reader.file(&path, true, true);
            }
            batch.flush();
        });
        let jobs = receiver
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("opening a FIFO blocked");
        assert!(
            matches!(&jobs[..], [Job::Unreadable { message, .. }] if message.contains("no longer a regular file")),
            "{jobs:?}"
        );
    }
}
