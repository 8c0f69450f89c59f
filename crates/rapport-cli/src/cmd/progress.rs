//! Progress on stderr for work that takes more than a second: a spinner that says what is being
//! done, drawn only when stderr is a terminal and `--quiet` was not given. Scripts, pipes and tests
//! (no terminal) see nothing of it; quick work never flashes a bar.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

static QUIET: AtomicBool = AtomicBool::new(false);

/// How long work runs before its spinner shows.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// `--quiet`: no progress at all.
pub(crate) fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether progress may be drawn: stderr is a terminal and `--quiet` is off.
pub(crate) fn enabled() -> bool {
    !QUIET.load(Ordering::Relaxed) && std::io::stderr().is_terminal()
}

/// A spinner for one piece of work. Hidden at first; shown once the work has run for a second
/// (when [`enabled`]); cleared when dropped or finished.
pub(crate) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Starts the work `message` (e.g. "importing tweets.jsonl").
    pub(crate) fn start(message: impl Into<String>) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message.into());
        if enabled() {
            let b = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(SHOW_AFTER);
                if !b.is_finished() {
                    b.set_draw_target(ProgressDrawTarget::stderr());
                    b.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        Progress { bar }
    }

    /// Says what is being done now.
    pub(crate) fn set_message(&self, message: impl Into<String>) {
        self.bar.set_message(message.into());
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
