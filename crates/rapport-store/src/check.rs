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
}

impl CheckReport {
    /// Whether everything is sound.
    pub fn is_ok(&self) -> bool {
        self.integrity.is_empty()
            && self.foreign_keys.is_empty()
            && self.schema_version == self.supported_version
            && self.audit_break.is_none()
    }
}

impl Store {
    /// Checks the whole file: SQLite's integrity check (every page, index and constraint), the
    /// foreign keys, the schema version against this build's, and the audit log's hash chain.
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
        Ok(CheckReport {
            integrity,
            foreign_keys,
            schema_version: self.schema_version()?,
            supported_version: SCHEMA_VERSION,
            audit_rows,
            audit_break,
        })
    }
}
