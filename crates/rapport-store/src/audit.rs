//! The append-only audit log: who ran what, on which cohort (pseudonymised), with which configuration
//! and version, and the digest of what came out (EU AI Act Art. 12 event logging, GDPR accountability).
//!
//! Append-only is enforced by the database itself: triggers abort any `UPDATE` or `DELETE` on the
//! table, and the store has no API for either.

use std::io::Write;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::store::{Env, Store, json, now_text, parse_time};

/// One event to log. Ids in `cohort` are given in clear and stored only as pseudonymous keys
/// (`p:` + random hex), whose mapping to ids erasure deletes.
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
    /// Their pseudonymous keys ([`Store::audit_key_of`]); once a person is forgotten, nothing in the
    /// store links their key to them.
    pub cohort: Vec<String>,
    /// The output digest.
    pub output_digest: Option<String>,
    /// Details.
    pub details: Value,
    /// The hash of the row before (empty for the first): the chain `rapport check` verifies.
    pub prev_hash: String,
    /// SHA-256 of `prev_hash`, a newline and the row's columns.
    pub hash: String,
}

/// The pseudonymous key of an account in the audit log: the one already mapped, or a new random one
/// with its mapping row (inside the caller's transaction).
pub(crate) fn person_key(conn: &Connection, account_id: &str) -> rusqlite::Result<String> {
    if let Some(k) = conn
        .query_row(
            "SELECT pkey FROM audit_people WHERE account_id = ?1",
            [account_id],
            |r| r.get::<_, String>(0),
        )
        .optional()?
    {
        return Ok(k);
    }
    let k = random_key(conn)?;
    conn.execute(
        "INSERT INTO audit_people (pkey, account_id) VALUES (?1, ?2)",
        params![k, account_id],
    )?;
    Ok(k)
}

/// `p:` + 32 random hex digits (SQLite's `randomblob` reads the operating system's random source).
pub(crate) fn random_key(conn: &Connection) -> rusqlite::Result<String> {
    conn.query_row("SELECT 'p:' || lower(hex(randomblob(16)))", [], |r| {
        r.get(0)
    })
}

/// The columns a row's hash covers, in order.
const SEALED: &str = "seq, at, actor, action, analysis, config, version, cohort_size, cohort, \
                      output_digest, details";

/// The hash of one row: SHA-256 of the previous row's hash, a newline and the row's sealed columns as
/// a JSON array (the stored text of each, so nothing depends on how JSON is re-serialised).
fn seal(prev: &str, columns: Vec<Value>) -> String {
    let d = Sha256::new()
        .chain_update(prev.as_bytes())
        .chain_update(b"\n")
        .chain_update(Value::Array(columns).to_string().as_bytes())
        .finalize();
    crate::key::hex(&d)
}

fn row_hash(prev: &str, r: &rusqlite::Row<'_>) -> rusqlite::Result<String> {
    Ok(seal(
        prev,
        vec![
            r.get::<_, i64>(0)?.into(),
            r.get::<_, String>(1)?.into(),
            r.get::<_, String>(2)?.into(),
            r.get::<_, String>(3)?.into(),
            r.get::<_, Option<String>>(4)?.into(),
            r.get::<_, String>(5)?.into(),
            r.get::<_, String>(6)?.into(),
            r.get::<_, i64>(7)?.into(),
            r.get::<_, String>(8)?.into(),
            r.get::<_, Option<String>>(9)?.into(),
            r.get::<_, String>(10)?.into(),
        ],
    ))
}

/// Seals every row from the first (the v3 migration, with the triggers dropped).
pub(crate) fn seal_all(conn: &Connection) -> rusqlite::Result<()> {
    let mut hashes = Vec::new();
    {
        let mut st = conn.prepare(&format!("SELECT {SEALED} FROM audit_log ORDER BY seq"))?;
        let mut rows = st.query([])?;
        let mut prev = String::new();
        while let Some(r) = rows.next()? {
            let h = row_hash(&prev, r)?;
            hashes.push((r.get::<_, i64>(0)?, prev.clone(), h.clone()));
            prev = h;
        }
    }
    for (seq, prev, h) in hashes {
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?2, hash = ?3 WHERE seq = ?1",
            params![seq, prev, h],
        )?;
    }
    Ok(())
}

/// Where the hash chain of the audit log breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    /// The first row that does not verify.
    pub seq: i64,
    /// Why.
    pub reason: String,
}

/// Verifies the hash chain: every row's `prev_hash` is the previous row's `hash`, and every `hash`
/// is the hash of the row. Returns the number of rows, or where it breaks.
pub(crate) fn verify(conn: &Connection) -> Result<std::result::Result<u64, ChainBreak>> {
    let mut st = conn.prepare(&format!(
        "SELECT {SEALED}, prev_hash, hash FROM audit_log ORDER BY seq"
    ))?;
    let mut rows = st.query([])?;
    let mut prev = String::new();
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let stored_prev: Option<String> = r.get(11)?;
        let stored: Option<String> = r.get(12)?;
        if stored_prev.as_deref() != Some(prev.as_str()) {
            return Ok(Err(ChainBreak {
                seq,
                reason: "its prev_hash is not the hash of the row before it (a row was removed \
                         or inserted)"
                    .into(),
            }));
        }
        let h = row_hash(&prev, r)?;
        if stored.as_deref() != Some(h.as_str()) {
            return Ok(Err(ChainBreak {
                seq,
                reason: "its content does not match its hash (the row was changed)".into(),
            }));
        }
        prev = h;
        n += 1;
    }
    Ok(Ok(n))
}

/// Appends inside the caller's transaction, which must be a write transaction (`BEGIN IMMEDIATE`,
/// so no other writer can append between reading the last hash and inserting). The ids of `cohort`
/// are replaced by their pseudonymous keys; a forgotten id gets a fresh key linked to nothing (a
/// mapping row would put the id back in the file).
pub(crate) fn append(conn: &Connection, env: &Env<'_>, entry: &AuditEntry) -> Result<i64> {
    let actor = env.actor;
    let version = if entry.version.is_empty() {
        concat!("rapport-store ", env!("CARGO_PKG_VERSION")).to_owned()
    } else {
        entry.version.clone()
    };
    let tomb = env.tombstones(conn)?;
    let mut cohort = Vec::with_capacity(entry.cohort.len());
    for id in &entry.cohort {
        cohort.push(if tomb.id(id) {
            random_key(conn)?
        } else {
            person_key(conn, id)?
        });
    }
    let (seq, prev): (i64, String) = conn.query_row(
        "SELECT coalesce(max(seq), 0) + 1,
                coalesce((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '')
         FROM audit_log",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let at = now_text();
    let config = entry.config.to_string();
    let cohort = serde_json::to_string(&cohort).unwrap_or_default();
    let details = entry.details.to_string();
    let n = i64::try_from(entry.cohort.len()).unwrap_or(i64::MAX);
    let hash = seal(
        &prev,
        vec![
            seq.into(),
            at.clone().into(),
            actor.into(),
            entry.action.clone().into(),
            entry.analysis.clone().into(),
            config.clone().into(),
            version.clone().into(),
            n.into(),
            cohort.clone().into(),
            entry.output_digest.clone().into(),
            details.clone().into(),
        ],
    );
    conn.execute(
        "INSERT INTO audit_log (seq, at, actor, action, analysis, config, version, cohort_size,
            cohort, output_digest, details, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,
            ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            seq,
            at,
            actor,
            entry.action,
            entry.analysis,
            config,
            version,
            n,
            cohort,
            entry.output_digest,
            details,
            prev,
            hash,
        ],
    )?;
    Ok(seq)
}

impl Store {
    /// Appends an event to the audit log under this store's actor ([`Store::set_actor`]) and returns
    /// its sequence number. There is no way to change or delete it afterwards.
    pub fn audit_append(&mut self, entry: &AuditEntry) -> Result<i64> {
        let (tx, env) = self.begin()?;
        let seq = append(&tx, &env, entry)?;
        env.commit(tx)?;
        Ok(seq)
    }

    /// The pseudonymous key the audit log uses for an account id, if it has one (it gets one the
    /// first time it is in a logged cohort; erasure deletes it).
    pub fn audit_key_of(&self, account_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT pkey FROM audit_people WHERE account_id = ?1",
                [account_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Verifies the audit log's hash chain: the number of rows, or the first row that breaks it.
    pub fn audit_verify(&self) -> Result<std::result::Result<u64, ChainBreak>> {
        verify(&self.conn)
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
                    output_digest, details, prev_hash, hash FROM audit_log ORDER BY seq",
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
                prev_hash: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
                hash: r.get::<_, Option<String>>(12)?.unwrap_or_default(),
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
