//! The append-only audit log: who ran what, on which cohort (pseudonymised), with which configuration
//! and version, and the digest of what came out (EU AI Act Art. 12 event logging, GDPR accountability).
//!
//! Append-only is enforced by the database itself: triggers abort any `UPDATE` or `DELETE` on the
//! table, and the store has no API for either.

use std::io::Write;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::store::{Store, json, now_text, parse_time, pseudonym};

/// One event to log. Ids in `cohort` are given in clear and stored only as salted pseudonyms.
///
/// ```
/// use rapport_store::{AuditEntry, Store};
/// let mut store = Store::open_in_memory().unwrap();
/// let mut e = AuditEntry::new("score");
/// e.analysis = Some("engagement".into());
/// e.config = serde_json::json!({"half_life_days": 30});
/// e.cohort = vec!["42".into(), "43".into()];
/// e.output_digest = Some(AuditEntry::digest(b"the scores as written"));
/// store.audit_append(&e).unwrap();
/// let log = store.audit_log().unwrap();
/// assert_eq!(log[0].cohort_size, 2);
/// assert!(!log[0].cohort.contains(&"42".to_string()));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AuditEntry {
    /// What was done: `score`, `report`, `forget`, `retain`, `import`, …
    pub action: String,
    /// The analysis, when the action ran one (`engagement`, `skills`, …).
    pub analysis: Option<String>,
    /// The configuration used, as JSON. Must not hold personal data.
    pub config: Value,
    /// The version of what ran (crate version, config hash). Empty means this store's version.
    pub version: String,
    /// The account ids the action was about, in clear; stored as pseudonyms.
    pub cohort: Vec<String>,
    /// A digest of the output ([`AuditEntry::digest`]).
    pub output_digest: Option<String>,
    /// Anything else, as JSON (counts, parameters). Must not hold personal data.
    pub details: Value,
}

impl AuditEntry {
    /// An entry for an action, with everything else empty.
    pub fn new(action: impl Into<String>) -> Self {
        AuditEntry {
            action: action.into(),
            config: Value::Object(serde_json::Map::new()),
            details: Value::Object(serde_json::Map::new()),
            ..AuditEntry::default()
        }
    }

    /// `sha256:` + the hex SHA-256 of `bytes`: the digest to log for an output.
    pub fn digest(bytes: &[u8]) -> String {
        let d = Sha256::digest(bytes);
        let mut s = String::from("sha256:");
        for b in d {
            use std::fmt::Write as _;
            let _ = write!(s, "{b:02x}");
        }
        s
    }
}

/// One logged event as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Its sequence number (increasing, never reused).
    pub seq: i64,
    /// When it was logged.
    pub at: DateTime<Utc>,
    /// Who did it.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// The analysis.
    pub analysis: Option<String>,
    /// The configuration.
    pub config: Value,
    /// The version.
    pub version: String,
    /// How many accounts the action was about.
    pub cohort_size: u64,
    /// Their salted pseudonyms ([`Store::pseudonym_of_id`]).
    pub cohort: Vec<String>,
    /// The output digest.
    pub output_digest: Option<String>,
    /// Details.
    pub details: Value,
}

/// Appends inside the caller's transaction; `cohort` is already pseudonymised.
pub(crate) fn append(
    conn: &Connection,
    actor: &str,
    entry: &AuditEntry,
    cohort: &[String],
) -> Result<i64> {
    let version = if entry.version.is_empty() {
        concat!("rapport-store ", env!("CARGO_PKG_VERSION")).to_owned()
    } else {
        entry.version.clone()
    };
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, analysis, config, version, cohort_size, cohort,
            output_digest, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            now_text(),
            actor,
            entry.action,
            entry.analysis,
            entry.config.to_string(),
            version,
            cohort.len() as i64,
            serde_json::to_string(cohort).unwrap_or_default(),
            entry.output_digest,
            entry.details.to_string(),
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

impl Store {
    /// Appends an event to the audit log under this store's actor ([`Store::set_actor`]) and returns
    /// its sequence number. There is no way to change or delete it afterwards.
    pub fn audit_append(&mut self, entry: &AuditEntry) -> Result<i64> {
        let cohort: Vec<String> = entry
            .cohort
            .iter()
            .map(|id| pseudonym(&self.salt, &format!("id:{id}")))
            .collect();
        append(&self.conn, &self.actor, entry, &cohort)
    }

    /// Every logged event, oldest first.
    pub fn audit_log(&self) -> Result<Vec<AuditRecord>> {
        let mut out = Vec::new();
        self.audit_each(|r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    fn audit_each(&self, mut f: impl FnMut(AuditRecord) -> Result<()>) -> Result<()> {
        let mut st = self.conn.prepare(
            "SELECT seq, at, actor, action, analysis, config, version, cohort_size, cohort,
                    output_digest, details FROM audit_log ORDER BY seq",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let at: String = r.get(1)?;
            let config: String = r.get(5)?;
            let cohort: String = r.get(8)?;
            let details: String = r.get(10)?;
            f(AuditRecord {
                seq: r.get(0)?,
                at: parse_time("audit_log", "at", &at)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                analysis: r.get(4)?,
                config: json("audit_log", "config", &config)?,
                version: r.get(6)?,
                cohort_size: r.get::<_, i64>(7)?.max(0) as u64,
                cohort: json("audit_log", "cohort", &cohort)?,
                output_digest: r.get(9)?,
                details: json("audit_log", "details", &details)?,
            })?;
        }
        Ok(())
    }

    /// Writes the audit log as JSON Lines (one [`AuditRecord`] per line, oldest first) and returns the
    /// number of lines.
    pub fn audit_export_jsonl<W: Write>(&self, mut writer: W) -> Result<usize> {
        let mut n = 0;
        self.audit_each(|r| {
            serde_json::to_writer(&mut writer, &r).map_err(std::io::Error::from)?;
            writer.write_all(b"\n")?;
            n += 1;
            Ok(())
        })?;
        writer.flush()?;
        Ok(n)
    }
}
