//! The sync lock: one `rapport sync` per store at a time.
//!
//! SQLite's own lock serialises single transactions, not a whole sync: two syncs of the same watches
//! would each fetch the same pages (paying the API twice) and interleave their cursors. The lock is a
//! row of `sync_lock`, taken in a write transaction, naming the process and a random token. A second
//! sync finds the row and fails with [`StoreError::SyncLocked`], naming the process. A row left by a
//! process that died (on Linux: no `/proc/<pid>`) is taken over.

use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::store::{Store, now_text};

/// A held sync lock; give it back with [`Store::release_sync_lock`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncLock {
    /// This process.
    pub pid: u32,
    /// What tells this holder from another one in the same process.
    pub token: String,
}

/// Whether a process is alive, where the system can tell (`None` elsewhere).
fn alive(pid: u32) -> Option<bool> {
    if cfg!(target_os = "linux") {
        Some(std::path::Path::new(&format!("/proc/{pid}")).exists())
    } else {
        None
    }
}

impl Store {
    /// Takes the sync lock, or fails with [`StoreError::SyncLocked`] naming the process that holds
    /// it. A lock left by a process that no longer runs is taken over.
    pub fn acquire_sync_lock(&mut self) -> Result<SyncLock> {
        let pid = std::process::id();
        let (tx, env) = self.begin()?;
        let held: Option<(u32, String)> = {
            use rusqlite::OptionalExtension;
            tx.query_row(
                "SELECT pid, started_at FROM sync_lock WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
        };
        if let Some((holder, since)) = held
            && alive(holder) != Some(false)
        {
            return Err(StoreError::SyncLocked {
                path: env.shown.to_owned(),
                pid: holder,
                since,
            });
        }
        let token: String = tx.query_row("SELECT lower(hex(randomblob(16)))", [], |r| r.get(0))?;
        tx.execute(
            "INSERT INTO sync_lock (id, pid, token, started_at) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET pid = excluded.pid, token = excluded.token,
                started_at = excluded.started_at",
            rusqlite::params![pid, token, now_text()],
        )?;
        env.commit(tx)?;
        Ok(SyncLock { pid, token })
    }

    /// Gives the sync lock back (a lock that is no longer this holder's is left alone).
    pub fn release_sync_lock(&mut self, lock: &SyncLock) -> Result<()> {
        let (tx, env) = self.begin()?;
        tx.execute("DELETE FROM sync_lock WHERE token = ?1", [&lock.token])?;
        env.commit(tx)
    }

    /// Removes the sync lock whoever holds it (`rapport sync --break-lock`, after a crash on a
    /// system where a dead holder cannot be detected). Returns the process it named, if any.
    pub fn break_sync_lock(&mut self) -> Result<Option<u32>> {
        let (tx, env) = self.begin()?;
        let pid: Option<u32> = {
            use rusqlite::OptionalExtension;
            tx.query_row("SELECT pid FROM sync_lock WHERE id = 1", [], |r| r.get(0))
                .optional()?
        };
        tx.execute("DELETE FROM sync_lock", [])?;
        env.commit(tx)?;
        Ok(pid)
    }
}
