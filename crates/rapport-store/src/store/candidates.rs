//! Candidate records, upserted by HRIS id.

use rapport_core::candidates::Candidate;
use rusqlite::params;
use serde::Serialize;

use super::{Store, json, now_text};
use crate::error::Result;

/// What a candidate upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct CandidateUpsertReport {
    /// Candidates inserted or updated.
    pub written: usize,
    /// Candidates not written because one of their handles was forgotten.
    pub skipped_forgotten: usize,
}

impl Store {
    /// Inserts or replaces candidates by HRIS id, in one transaction. A candidate with a forgotten
    /// handle is not written (the HRIS asked for that person to be forgotten) and is counted.
    pub fn upsert_candidates(&mut self, candidates: &[Candidate]) -> Result<CandidateUpsertReport> {
        let (tx, env) = self.begin()?;
        let tomb = env.tombstones(&tx)?;
        let mut report = CandidateUpsertReport::default();
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO candidates (hris_id, name, stage, handles, labels, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(hris_id) DO UPDATE SET name = excluded.name, stage = excluded.stage,
                    handles = excluded.handles, labels = excluded.labels,
                    updated_at = excluded.updated_at",
            )?;
            let now = now_text();
            for c in candidates {
                if c.handles.iter().any(|h| tomb.handle(&h.handle)) {
                    report.skipped_forgotten += 1;
                    continue;
                }
                let handles = serde_json::to_string(&c.handles).unwrap_or_default();
                let labels = serde_json::to_string(&c.labels).unwrap_or_default();
                st.execute(params![c.hris_id, c.name, c.stage, handles, labels, now])?;
                report.written += 1;
            }
        }
        drop(tomb);
        env.commit(tx)?;
        Ok(report)
    }

    /// Every stored candidate, by HRIS id.
    pub fn candidates(&self) -> Result<Vec<Candidate>> {
        let mut st = self.conn.prepare(
            "SELECT hris_id, name, stage, handles, labels FROM candidates ORDER BY hris_id",
        )?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(candidate_row(r)?);
        }
        Ok(out)
    }

    /// One candidate by HRIS id.
    pub fn candidate(&self, hris_id: &str) -> Result<Option<Candidate>> {
        let mut st = self.conn.prepare(
            "SELECT hris_id, name, stage, handles, labels FROM candidates WHERE hris_id = ?1",
        )?;
        let mut rows = st.query([hris_id])?;
        match rows.next()? {
            Some(r) => Ok(Some(candidate_row(r)?)),
            None => Ok(None),
        }
    }

    /// Removes a candidate record (the person left the pipeline). This is not erasure: their posts
    /// stay and no tombstone is written; use [`Store::forget_candidate`] for that.
    pub fn remove_candidate(&mut self, hris_id: &str) -> Result<bool> {
        let (tx, env) = self.begin()?;
        let n = tx.execute("DELETE FROM candidates WHERE hris_id = ?1", [hris_id])?;
        env.commit(tx)?;
        Ok(n > 0)
    }
}

fn candidate_row(r: &rusqlite::Row<'_>) -> Result<Candidate> {
    let handles: String = r.get(3)?;
    let labels: String = r.get(4)?;
    Ok(Candidate {
        hris_id: r.get(0)?,
        name: r.get(1)?,
        stage: r.get(2)?,
        handles: json("candidates", "handles", &handles)?,
        labels: json("candidates", "labels", &labels)?,
    })
}
