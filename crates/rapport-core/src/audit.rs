//! The audit log of ranking runs: when, which analysis, with which configuration and version, on how
//! many people, and a digest of what came out — with no personal data in clear.
//!
//! The EU AI Act (Art. 12) asks high-risk systems, which recruitment tools are, to log their events
//! automatically; NYC Local Law 144 and GDPR accountability ask the employer to show what ran on whom.
//! A [`RunRecord`] holds the cohort only as its size and a SHA-256 digest of the sorted ids, and the
//! output only as a digest: anyone holding the same output can prove it is the one logged, nobody can
//! read a person out of the log.
//!
//! The [`AuditLog`] is append-only: there is no API to change or remove a record, and each record's
//! digest covers the previous one's (a hash chain), so [`AuditLog::verify`] detects an edited or
//! dropped line in an exported file. It lives in memory and exports JSON Lines; the SQLite store
//! persists the same fields.
//!
//! Every ranking report implements [`Audited`], so logging a run is one line:
//!
//! ```
//! use rapport_core::audit::{AuditLog, Audited};
//! use rapport_core::fairness::{FairnessOptions, GroupLabels, Outcome, impact_ratios};
//! let mut labels = GroupLabels::new(["sex"]).unwrap();
//! labels.insert("1", &[Some("F")]).unwrap();
//! labels.insert("2", &[Some("M")]).unwrap();
//! let audit = impact_ratios(&["1", "2"], &Outcome::Selected(vec![true, true]), &labels,
//!                           &FairnessOptions::default()).unwrap();
//!
//! let mut log = AuditLog::new();
//! log.append(audit.run_record().unwrap());
//! let mut jsonl = Vec::new();
//! log.to_jsonl(&mut jsonl).unwrap();
//! let back = AuditLog::from_jsonl(jsonl.as_slice(), "audit.jsonl").unwrap();
//! assert_eq!(back.records(), log.records());
//! assert_eq!(back.records()[0].cohort_size, 2);
//! ```

use std::io::{BufRead, Write};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::Error;

/// The version string recorded with every run.
pub const VERSION: &str = concat!("rapport-core ", env!("CARGO_PKG_VERSION"));

/// `sha256:` + the hex SHA-256 of `bytes` (the same form as the store's digests).
///
/// ```
/// assert_eq!(
///     rapport_core::audit::digest(b"abc"),
///     "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
pub fn digest(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in d {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The digest of a cohort: SHA-256 over the ids, sorted and deduplicated, one per line. The same set
/// of people always gives the same digest, whatever the order.
pub fn cohort_digest<S: AsRef<str>>(ids: impl IntoIterator<Item = S>) -> (usize, String) {
    let mut v: Vec<String> = ids.into_iter().map(|s| s.as_ref().to_owned()).collect();
    v.sort_unstable();
    v.dedup();
    let mut h = Sha256::new();
    for id in &v {
        h.update(id.as_bytes());
        h.update(b"\n");
    }
    let mut s = String::from("sha256:");
    for b in h.finalize() {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
    }
    (v.len(), s)
}

fn to_json<T: Serialize + ?Sized>(what: &'static str, v: &T) -> Result<Value, Error> {
    serde_json::to_value(v).map_err(|e| Error::InvalidParameter {
        name: what,
        found: e.to_string(),
        expected: "a value that serialises to JSON",
    })
}

/// One ranking run, as logged. No field holds a person's id, handle or text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Position in the log, from 1 (0 before it is appended).
    pub seq: u64,
    /// When the run happened.
    pub at: DateTime<Utc>,
    /// What was done (`rank`, `audit`).
    pub action: String,
    /// The analysis (`candidates`, `mentors`, `engagement`, `fairness`, ...).
    pub analysis: String,
    /// The configuration, as JSON (weights, filters, job profile; no personal data).
    pub config: Value,
    /// The digest of `config`.
    pub config_digest: String,
    /// The library version.
    pub version: String,
    /// How many distinct people the run was about.
    pub cohort_size: usize,
    /// [`cohort_digest`] of their ids.
    pub cohort_digest: String,
    /// The digest of the output as JSON.
    pub output_digest: String,
    /// Counts and other non-personal facts about the run.
    pub details: Value,
    /// The previous record's `record_digest` (`None` for the first).
    pub previous_digest: Option<String>,
    /// The digest of this record (every field above, as JSON, chained to the previous one).
    pub record_digest: String,
}

impl RunRecord {
    /// A record of a run happening now: the configuration in clear, the cohort and the output as
    /// digests.
    pub fn new<C, O, S>(
        action: &str,
        analysis: &str,
        config: &C,
        cohort: impl IntoIterator<Item = S>,
        output: &O,
    ) -> Result<RunRecord, Error>
    where
        C: Serialize + ?Sized,
        O: Serialize + ?Sized,
        S: AsRef<str>,
    {
        let config = to_json("config", config)?;
        let out = serde_json::to_vec(output).map_err(|e| Error::InvalidParameter {
            name: "output",
            found: e.to_string(),
            expected: "a value that serialises to JSON",
        })?;
        let (cohort_size, cohort_digest) = cohort_digest(cohort);
        Ok(RunRecord {
            seq: 0,
            at: Utc::now(),
            action: action.to_owned(),
            analysis: analysis.to_owned(),
            config_digest: digest(config.to_string().as_bytes()),
            config,
            version: VERSION.to_owned(),
            cohort_size,
            cohort_digest,
            output_digest: digest(&out),
            details: Value::Object(serde_json::Map::new()),
            previous_digest: None,
            record_digest: String::new(),
        })
    }

    /// The record with details (counts, not personal data).
    pub fn with_details(mut self, details: Value) -> RunRecord {
        self.details = details;
        self
    }

    fn compute_digest(&self) -> String {
        let mut unsealed = self.clone();
        unsealed.record_digest = String::new();
        digest(
            serde_json::to_string(&unsealed)
                .unwrap_or_default()
                .as_bytes(),
        )
    }
}

/// A report of a run that can be logged.
pub trait Audited {
    /// The record of the run that produced this report.
    fn run_record(&self) -> Result<RunRecord, Error>;
}

/// The append-only log of runs, in memory, exportable as JSON Lines.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AuditLog {
    records: Vec<RunRecord>,
}

impl AuditLog {
    /// An empty log.
    pub fn new() -> AuditLog {
        AuditLog::default()
    }

    /// Appends a record: numbers it, chains it to the last one and seals its digest. Returns it.
    pub fn append(&mut self, mut record: RunRecord) -> &RunRecord {
        record.seq = self.records.len() as u64 + 1;
        record.previous_digest = self.records.last().map(|r| r.record_digest.clone());
        record.record_digest = record.compute_digest();
        self.records.push(record);
        self.records.last().expect("just pushed")
    }

    /// Every record, oldest first.
    pub fn records(&self) -> &[RunRecord] {
        &self.records
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the log is empty.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Writes one JSON object per line, oldest first; returns the number of lines.
    pub fn to_jsonl(&self, mut w: impl Write) -> std::io::Result<usize> {
        for r in &self.records {
            serde_json::to_writer(&mut w, r)?;
            w.write_all(b"\n")?;
        }
        Ok(self.records.len())
    }

    /// Reads an exported log back and [verifies](AuditLog::verify) it. `name` is used in errors.
    pub fn from_jsonl(reader: impl BufRead, name: &str) -> Result<AuditLog, Error> {
        let mut records = Vec::new();
        for (i, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| Error::AuditLog {
                file: name.to_owned(),
                line: i as u64 + 1,
                message: format!("cannot read: {e}"),
            })?;
            if line.trim().is_empty() {
                continue;
            }
            let r: RunRecord = serde_json::from_str(&line).map_err(|e| Error::AuditLog {
                file: name.to_owned(),
                line: i as u64 + 1,
                message: format!("expected a run record: {e}"),
            })?;
            records.push(r);
        }
        let log = AuditLog { records };
        log.verify().map_err(|(seq, message)| Error::AuditLog {
            file: name.to_owned(),
            line: seq,
            message,
        })?;
        Ok(log)
    }

    /// Checks the numbering and the hash chain; on failure, the 1-based record number and why.
    pub fn verify(&self) -> Result<(), (u64, String)> {
        let mut prev: Option<&str> = None;
        for (i, r) in self.records.iter().enumerate() {
            let n = i as u64 + 1;
            if r.seq != n {
                return Err((
                    n,
                    format!(
                        "expected record number {n}, found {} (a record is missing)",
                        r.seq
                    ),
                ));
            }
            if r.previous_digest.as_deref() != prev {
                return Err((
                    n,
                    "the chain is broken: the previous record was changed or removed".into(),
                ));
            }
            if r.compute_digest() != r.record_digest {
                return Err((
                    n,
                    "the record's digest does not match its content: it was changed".into(),
                ));
            }
            prev = Some(&r.record_digest);
        }
        Ok(())
    }
}

impl Audited for crate::fairness::FairnessAudit {
    fn run_record(&self) -> Result<RunRecord, Error> {
        // The cohort is not known by id here (the audit saw only labels): its size is logged.
        let mut r = RunRecord::new(
            "audit",
            "fairness",
            &self.options,
            std::iter::empty::<&str>(),
            self,
        )?;
        r.cohort_size = self.sample_size;
        Ok(r.with_details(serde_json::json!({
            "mode": self.mode,
            "positive": self.positive,
            "tables": self.tables.len(),
            "flagged": self.any_flag(),
        })))
    }
}

impl Audited for crate::mentors::MentorReport {
    fn run_record(&self) -> Result<RunRecord, Error> {
        let config = serde_json::json!({ "topic": self.topic_spec, "options": self.options });
        Ok(RunRecord::new(
            "rank",
            "mentors",
            &config,
            self.rows.iter().map(|r| r.id.as_str()),
            self,
        )?
        .with_details(serde_json::json!({
            "rows": self.rows.len(),
            "active_accounts": self.active_accounts,
            "purpose": self.purpose,
        })))
    }
}

impl Audited for crate::engagement::EngagementReport {
    fn run_record(&self) -> Result<RunRecord, Error> {
        // The organisation's own accounts are not people under assessment: logged as a count.
        let config = serde_json::json!({
            "half_life_days": self.half_life_days,
            "as_of": self.as_of,
            "weights": self.weights,
            "org_accounts": self.org.accounts.len(),
        });
        Ok(RunRecord::new(
            "rank",
            "engagement",
            &config,
            self.rows.iter().map(|r| r.id.as_str()),
            self,
        )?
        .with_details(serde_json::json!({ "rows": self.rows.len() })))
    }
}
