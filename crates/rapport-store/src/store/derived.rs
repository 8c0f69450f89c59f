//! Derived results about an account (a score, its evidence), stored under an analysis name.

use rusqlite::params;
use serde_json::Value;

use super::{Store, json, now_text};
use crate::error::Result;

impl Store {
    /// Stores a derived result about an account (a score, its evidence) under an analysis name,
    /// replacing the previous one. Nothing is stored for a forgotten account; returns whether it was.
    pub fn put_derived(&mut self, account_id: &str, analysis: &str, data: &Value) -> Result<bool> {
        let (tx, env) = self.begin()?;
        if env.tombstones(&tx)?.id(account_id) {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO derived (account_id, analysis, computed_at, data) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(account_id, analysis) DO UPDATE SET computed_at = excluded.computed_at,
                data = excluded.data",
            params![account_id, analysis, now_text(), data.to_string()],
        )?;
        env.commit(tx)?;
        Ok(true)
    }

    /// The derived results stored about an account, by analysis name.
    pub fn derived(&self, account_id: &str) -> Result<Vec<(String, Value)>> {
        let mut st = self.conn.prepare(
            "SELECT analysis, data FROM derived WHERE account_id = ?1 ORDER BY analysis",
        )?;
        let mut rows = st.query([account_id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let data: String = r.get(1)?;
            out.push((r.get(0)?, json("derived", "data", &data)?));
        }
        Ok(out)
    }
}
