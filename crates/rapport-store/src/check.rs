//! `rapport check`: is this file a sound store?

use serde::Serialize;

use crate::audit::ChainBreak;
use crate::error::Result;
use crate::schema::SCHEMA_VERSION;
use crate::store::Store;

/// What [`Store::check`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// The problems `PRAGMA integrity_check` lists (empty when it says `ok`).
    pub integrity: Vec<String>,
    /// Rows whose foreign key points nowhere (`PRAGMA foreign_key_check`), as `table rowid → parent`.
    pub foreign_keys: Vec<String>,
    /// The schema version of the file.
    pub schema_version: u32,
    /// The schema version this build writes.
    pub supported_version: u32,
    /// Rows of the audit log whose hash chain verified.
    pub audit_rows: u64,
    /// Where the audit log's hash chain breaks, if it does.
    pub audit_break: Option<ChainBreak>,
    /// Follow snapshots held (complete and unfinished).
    pub follow_snapshots: u64,
    /// What is wrong with the follow snapshots: a completion before the first page, or a forgotten
    /// account (by its tombstone) still in a list or owning one.
    pub follow_problems: Vec<String>,
    /// X lists held.
    pub lists: u64,
    /// What is wrong with the lists: a forgotten account (by its tombstone) still on a list or
    /// owning one.
    pub list_problems: Vec<String>,
}

impl CheckReport {
    /// Whether everything is sound.
    pub fn is_ok(&self) -> bool {
        self.integrity.is_empty()
            && self.foreign_keys.is_empty()
            && self.schema_version == self.supported_version
            && self.audit_break.is_none()
            && self.follow_problems.is_empty()
            && self.list_problems.is_empty()
    }
}

impl Store {
    /// Checks the whole file: SQLite's integrity check (every page, index and constraint), the
    /// foreign keys, the schema version against this build's, the audit log's hash chain, and the
    /// follow snapshots (see [`CheckReport::follow_problems`]) and the lists
    /// ([`CheckReport::list_problems`]).
    /// Slow on a large store (it reads every page); opening a store only checks the version.
    pub fn check(&self) -> Result<CheckReport> {
        let mut integrity = Vec::new();
        {
            let mut st = self.conn.prepare("PRAGMA integrity_check")?;
            for r in st.query_map([], |r| r.get::<_, String>(0))? {
                let r = r?;
                if r != "ok" {
                    integrity.push(r);
                }
            }
        }
        let mut foreign_keys = Vec::new();
        {
            let mut st = self.conn.prepare("PRAGMA foreign_key_check")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let table: String = r.get(0)?;
                let rowid: Option<i64> = r.get(1)?;
                let parent: String = r.get(2)?;
                foreign_keys.push(format!(
                    "{table} row {} points to a missing {parent} row",
                    rowid.map_or_else(|| "?".to_owned(), |n| n.to_string())
                ));
            }
        }
        let (audit_rows, audit_break) = match self.audit_verify()? {
            Ok(n) => (n, None),
            Err(b) => (0, Some(b)),
        };
        let (follow_snapshots, follow_problems) = self.check_follows()?;
        let (lists, list_problems) = self.check_lists()?;
        Ok(CheckReport {
            integrity,
            foreign_keys,
            schema_version: self.schema_version()?,
            supported_version: SCHEMA_VERSION,
            audit_rows,
            audit_break,
            follow_snapshots,
            follow_problems,
            lists,
            list_problems,
        })
    }

    /// The lists: how many, and their problems (see [`CheckReport::list_problems`]).
    fn check_lists(&self) -> Result<(u64, Vec<String>)> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM lists", [], |r| r.get(0))?;
        let mut problems = Vec::new();
        let tombs: std::collections::HashSet<String> = {
            let mut st = self.conn.prepare("SELECT digest FROM tombstones")?;
            st.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        if !tombs.is_empty() {
            let mut st = self.conn.prepare(
                "SELECT owner_id, 1 FROM lists WHERE owner_id IS NOT NULL
                 UNION SELECT account, 1 FROM list_memberships WHERE relation = 'owner'
                 UNION SELECT account, 0 FROM list_memberships WHERE relation = 'member'
                 ORDER BY 2 DESC, 1",
            )?;
            let mut rows = st.query([])?;
            let (mut owners, mut members) = (0usize, 0usize);
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                if tombs.contains(&self.pseudonym_of_id(&id)) {
                    if r.get::<_, i64>(1)? == 1 {
                        owners += 1;
                    } else {
                        members += 1;
                    }
                }
            }
            // Counts only: the check's output must not name a forgotten person.
            if owners > 0 {
                problems.push(format!("{owners} forgotten account(s) still own lists"));
            }
            if members > 0 {
                problems.push(format!("{members} forgotten account(s) are still on lists"));
            }
        }
        Ok((n.max(0) as u64, problems))
    }

    /// The follow snapshots: how many, and their problems (see [`CheckReport::follow_problems`]).
    fn check_follows(&self) -> Result<(u64, Vec<String>)> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM follow_snapshots", [], |r| r.get(0))?;
        let mut problems = Vec::new();
        {
            let mut st = self.conn.prepare(
                "SELECT id FROM follow_snapshots
                 WHERE completed_at IS NOT NULL AND completed_at < observed_at ORDER BY id",
            )?;
            for id in st.query_map([], |r| r.get::<_, i64>(0))? {
                problems.push(format!(
                    "follow snapshot {} was completed before its first page was read",
                    id?
                ));
            }
        }
        let tombs: std::collections::HashSet<String> = {
            let mut st = self.conn.prepare("SELECT digest FROM tombstones")?;
            st.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        if !tombs.is_empty() {
            let mut st = self.conn.prepare(
                "SELECT owner, 1 FROM follow_snapshots
                 UNION SELECT account, 0 FROM follow_observations ORDER BY 2 DESC, 1",
            )?;
            let mut rows = st.query([])?;
            let (mut owners, mut members) = (0usize, 0usize);
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                if tombs.contains(&self.pseudonym_of_id(&id)) {
                    if r.get::<_, i64>(1)? == 1 {
                        owners += 1;
                    } else {
                        members += 1;
                    }
                }
            }
            // Counts only: the check's output must not name a forgotten person.
            if owners > 0 {
                problems.push(format!(
                    "{owners} forgotten account(s) still own follow snapshots"
                ));
            }
            if members > 0 {
                problems.push(format!(
                    "{members} forgotten account(s) are still in follow lists"
                ));
            }
        }
        Ok((n.max(0) as u64, problems))
    }
}
