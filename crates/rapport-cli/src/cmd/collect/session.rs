//! One collection run: where its pages go (a file, stdout or the store), the resume state kept beside
//! the output, and the progress shown on a terminal.
//!
//! The state file (`OUTPUT.resume.json`, or `STORE.<command>-<key>.resume.json` with `--store`) is
//! rewritten after every page, once the page is on disk: it holds the token of the next page and
//! the output's length at that moment. `--resume` cuts the output back to that length (dropping a
//! line a kill may have cut in half) and continues from the token, so nothing is fetched twice and
//! nothing is lost. A run that ends (the last page, or `--limit`) removes it.

use std::io::{IsTerminal, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rapport_core::Corpus;
use rapport_store::{DuplicatePolicy, Store};
use rapport_twitter::client::{Clock, Page, PageBody, SleepFuture, SystemClock};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::cmd::CmdError;

/// What a run has done so far, saved after every page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct State {
    /// The command, e.g. `search`.
    pub command: String,
    /// What was asked (the command's arguments that decide the pages), to refuse resuming another
    /// collection into the same file.
    pub request: String,
    /// Where the next page starts (a pagination token, or a batch number for lookups); `None`
    /// before the first page.
    pub cursor: Option<String>,
    /// Pages written.
    pub pages: u64,
    /// Items (posts, users, lists, buckets) written.
    pub items: u64,
    /// The output's length after the last page written (files only).
    pub bytes: u64,
    /// Anything else a command needs to continue (the conversation id, a resolved user id).
    #[serde(default)]
    pub extra: Value,
    /// When the run started.
    pub started_at: DateTime<Utc>,
}

/// Where pages go.
enum Sink {
    Stdout(std::io::Stdout),
    File {
        file: std::io::BufWriter<std::fs::File>,
        bytes: u64,
    },
    Store {
        store: Box<Store>,
        posts_written: usize,
        accounts_written: usize,
        conflicts_skipped: usize,
    },
}

/// One collection run.
pub(crate) struct Session {
    sink: Sink,
    state_path: Option<PathBuf>,
    pub state: State,
    /// Whether this run continues an interrupted one.
    pub resumed: bool,
    progress: Progress,
    noun: &'static str,
}

/// Where the output of a collection goes, from the common arguments.
pub(crate) enum Target<'a> {
    Stdout,
    File(&'a Path),
    Store(&'a Path),
}

impl Session {
    /// Opens the output (and the resume state) for `command` asking `request`.
    pub(crate) fn open(
        target: &Target<'_>,
        command: &str,
        request: &str,
        resume: bool,
        noun: &'static str,
    ) -> Result<Self, CmdError> {
        let fresh = State {
            command: command.to_owned(),
            request: request.to_owned(),
            cursor: None,
            pages: 0,
            items: 0,
            bytes: 0,
            extra: Value::Null,
            started_at: Utc::now(),
        };
        let state_path = match target {
            Target::Stdout => {
                if resume {
                    return Err("--resume needs an output file (-o FILE) or --store: \
                                stdout cannot be continued"
                        .into());
                }
                None
            }
            Target::File(p) => Some(sibling(p, "resume.json")),
            Target::Store(p) => Some(sibling(
                p,
                &format!("{command}-{}.resume.json", short_hash(request)),
            )),
        };
        let saved = match &state_path {
            Some(sp) if sp.exists() => Some(read_state(sp)?),
            _ => None,
        };
        let (state, resumed) = match (saved, resume) {
            (Some(s), true) => {
                if s.command != command || s.request != request {
                    return Err(format!(
                        "{}: it continues `rapport {} {}`, not this collection; \
                         use another output file, or delete it to start over",
                        shown(state_path.as_deref()),
                        s.command,
                        s.request
                    )
                    .into());
                }
                (s, true)
            }
            (Some(s), false) => {
                return Err(format!(
                    "{}: an interrupted collection ({} page(s) of `rapport {} {}`) can be \
                     continued: add --resume, or delete that file to start over",
                    shown(state_path.as_deref()),
                    s.pages,
                    s.command,
                    s.request
                )
                .into());
            }
            (None, true) => {
                eprintln!(
                    "rapport: nothing to resume ({} does not exist); starting from the first page",
                    shown(state_path.as_deref())
                );
                (fresh, false)
            }
            (None, false) => (fresh, false),
        };
        let sink = match target {
            Target::Stdout => Sink::Stdout(std::io::stdout()),
            Target::File(p) => open_file(p, resumed.then_some(state.bytes))?,
            Target::Store(p) => {
                let mut store = super::super::StoreArg {
                    store: p.to_path_buf(),
                }
                .open()?;
                // The API is the source: a later copy that disagrees with a stored one is counted.
                store.set_duplicate_policy(DuplicatePolicy::Lenient);
                Sink::Store {
                    store: Box::new(store),
                    posts_written: 0,
                    accounts_written: 0,
                    conflicts_skipped: 0,
                }
            }
        };
        let progress = Progress::new(command);
        let s = Self {
            sink,
            state_path,
            state,
            resumed,
            progress,
            noun,
        };
        if s.resumed {
            s.progress.note(&format!(
                "resuming after {} page(s), {} {}",
                s.state.pages, s.state.items, s.noun
            ));
        }
        Ok(s)
    }

    /// The clock the client should use: it tells the progress bar when the client waits.
    pub(crate) fn clock(&self) -> Arc<dyn Clock> {
        Arc::new(ReportingClock {
            inner: SystemClock,
            bar: self.progress.bar.clone(),
            last: self.progress.last.clone(),
        })
    }

    /// Writes one page, then saves `next` as where to continue.
    pub(crate) fn page<B: PageBody>(
        &mut self,
        page: &Page<B>,
        next: Option<String>,
    ) -> Result<(), CmdError> {
        self.write_line(
            &page.to_twarc_line(),
            page.items().len(),
            |c| {
                page.add_to(c);
            },
            next,
        )
    }

    /// Writes one twarc2 line holding `items` items (`add` puts its posts and accounts in a corpus
    /// for the store), then saves `next`.
    pub(crate) fn write_line(
        &mut self,
        line: &str,
        items: usize,
        add: impl FnOnce(&mut Corpus),
        next: Option<String>,
    ) -> Result<(), CmdError> {
        match &mut self.sink {
            Sink::Stdout(out) => {
                let mut out = out.lock();
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")?;
                out.flush()?;
            }
            Sink::File { file, bytes } => {
                file.write_all(line.as_bytes())?;
                file.write_all(b"\n")?;
                file.flush()?;
                file.get_ref().sync_data()?;
                *bytes += line.len() as u64 + 1;
                self.state.bytes = *bytes;
            }
            Sink::Store {
                store,
                posts_written,
                accounts_written,
                conflicts_skipped,
            } => {
                let mut corpus = Corpus::new();
                add(&mut corpus);
                let r = store.save_corpus(&corpus)?;
                *posts_written += r.posts_written;
                *accounts_written += r.accounts_written;
                *conflicts_skipped += r.conflicts_skipped;
            }
        }
        self.state.pages += 1;
        self.state.items += items as u64;
        self.state.cursor = next;
        self.save_state()?;
        self.progress.set(&format!(
            "{} page(s), {} {}",
            self.state.pages, self.state.items, self.noun
        ));
        Ok(())
    }

    /// Saves the state now (after setting `extra`, before the first page).
    pub(crate) fn save_state(&self) -> Result<(), CmdError> {
        if let Some(p) = &self.state_path {
            let bytes = serde_json::to_vec_pretty(&self.state)?;
            super::super::write_atomic(p, &bytes)?;
        }
        Ok(())
    }

    /// A line on stderr that does not break the bar.
    pub(crate) fn note(&self, msg: &str) {
        self.progress.note(msg);
    }

    /// Ends the run. `Ok(None)`: complete (the state file goes); `Ok(Some(why))`: partial, the state
    /// stays for `--resume`. Logs a `collect` audit entry when the pages went into the store.
    pub(crate) fn finish(mut self, stopped: Option<String>) -> Result<Option<String>, CmdError> {
        self.progress.bar.finish_and_clear();
        if let Sink::File { file, .. } = &mut self.sink {
            file.flush()?;
        }
        if let Sink::Store {
            store,
            posts_written,
            accounts_written,
            conflicts_skipped,
        } = &mut self.sink
        {
            let mut entry = super::super::audit_entry("collect");
            entry.config = json!({ "command": self.state.command });
            entry.details = json!({
                "pages": self.state.pages,
                "items": self.state.items,
                "posts_written": posts_written,
                "accounts_written": accounts_written,
                "conflicts_skipped": conflicts_skipped,
                "complete": stopped.is_none(),
            });
            store.audit_append(&entry)?;
        }
        let summary = format!(
            "{}: {} page(s), {} {}",
            self.state.command, self.state.pages, self.state.items, self.noun
        );
        match stopped {
            None => {
                if let Some(p) = &self.state_path
                    && p.exists()
                {
                    std::fs::remove_file(p).map_err(|e| format!("{}: {e}", p.display()))?;
                }
                eprintln!("rapport: {summary}");
                Ok(None)
            }
            Some(why) => {
                let how = match &self.state_path {
                    Some(p) => format!("; continue with --resume (state in {})", p.display()),
                    None => String::new(),
                };
                Ok(Some(format!("{summary}, then stopped: {why}{how}")))
            }
        }
    }
}

/// `FILE.suffix` beside `path`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(suffix);
    path.with_file_name(name)
}

fn shown(p: Option<&Path>) -> String {
    p.map_or_else(|| "stdout".to_owned(), |p| p.display().to_string())
}

/// A short, stable name for a request (FNV-1a, hex).
fn short_hash(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", h >> 32)
}

fn read_state(path: &Path) -> Result<State, CmdError> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: not a rapport resume state ({e}); delete it to start over",
            path.display()
        )
        .into()
    })
}

/// Opens the output: new (truncated), or for a resume cut back to `keep` bytes and appended to.
fn open_file(path: &Path, keep: Option<u64>) -> Result<Sink, CmdError> {
    let err = |e: std::io::Error| format!("{}: {e}", path.display());
    match keep {
        None => {
            let f = std::fs::File::create(path).map_err(err)?;
            Ok(Sink::File {
                file: std::io::BufWriter::new(f),
                bytes: 0,
            })
        }
        Some(keep) => {
            let mut f = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(path)
                .map_err(err)?;
            let len = f.metadata().map_err(err)?.len();
            if len < keep {
                return Err(format!(
                    "{}: {len} bytes, but the resume state says {keep} were written; \
                     the file was changed since, so it cannot be continued",
                    path.display()
                )
                .into());
            }
            f.set_len(keep).map_err(err)?;
            f.seek(std::io::SeekFrom::End(0)).map_err(err)?;
            Ok(Sink::File {
                file: std::io::BufWriter::new(f),
                bytes: keep,
            })
        }
    }
}

/// The progress bar: drawn only when stderr is a terminal.
struct Progress {
    bar: ProgressBar,
    last: Arc<Mutex<String>>,
}

impl Progress {
    fn new(command: &str) -> Self {
        let bar = ProgressBar::new_spinner();
        if std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
        } else {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix}: {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(command.to_owned());
        bar.set_message("fetching");
        Self {
            bar,
            last: Arc::new(Mutex::new(String::from("fetching"))),
        }
    }

    fn set(&self, msg: &str) {
        msg.clone_into(
            &mut self
                .last
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        self.bar.set_message(msg.to_owned());
    }

    fn note(&self, msg: &str) {
        if self.bar.is_hidden() {
            eprintln!("rapport: {msg}");
        } else {
            self.bar.println(format!("rapport: {msg}"));
        }
    }
}

/// The system clock, telling the bar while the client sleeps (a rate-limit wait, pacing, a retry's
/// backoff).
#[derive(Debug)]
struct ReportingClock {
    inner: SystemClock,
    bar: ProgressBar,
    last: Arc<Mutex<String>>,
}

impl Clock for ReportingClock {
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }

    fn sleep(&self, duration: Duration) -> SleepFuture {
        if duration >= Duration::from_secs(1) {
            let last = self
                .last
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone();
            self.bar.set_message(format!(
                "{last}; waiting {}s for the rate limit",
                duration.as_secs()
            ));
        }
        let bar = self.bar.clone();
        let last = self.last.clone();
        let sleep = self.inner.sleep(duration);
        Box::pin(async move {
            sleep.await;
            let msg = last
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone();
            bar.set_message(msg);
        })
    }
}
