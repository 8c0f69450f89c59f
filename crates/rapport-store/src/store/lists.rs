//! X lists and list memberships (`lists`, `list_memberships`): written with a corpus by
//! `save_corpus` (and `add_page`), read back by `load_corpus`.
//!
//! Forgotten people never enter: a list owned by a forgotten account (its `owner_id`, or an account
//! with the `owner` relation) is left out with all its memberships, since its name and description
//! can identify its owner; a forgotten account's memberships are left out; `@handle` of a forgotten
//! person in a list's name or description is replaced as in bios.

use rapport_core::Corpus;
use rapport_core::lists::{ListRelation, XList};
use rusqlite::{Transaction, params};

use super::follows::forgotten;
use super::{Store, Tombstones, redact};
use crate::error::{Result, StoreError};

/// What writing the lists of a corpus did.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ListWrite {
    pub(crate) lists_written: usize,
    pub(crate) lists_skipped: usize,
    pub(crate) memberships_written: usize,
    pub(crate) memberships_skipped: usize,
}

// What a later copy knows overrides, what it lacks never wipes (as `Corpus::try_add_list`).
const LIST_UPSERT: &str =
    "INSERT INTO lists (id, name, description, owner_id) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT(id) DO UPDATE SET
    name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE lists.name END,
    description = coalesce(excluded.description, lists.description),
    owner_id = coalesce(excluded.owner_id, lists.owner_id)";

fn parse_relation(s: &str) -> Result<ListRelation> {
    match s {
        "member" => Ok(ListRelation::Member),
        "owner" => Ok(ListRelation::Owner),
        other => Err(StoreError::BadValue {
            table: "list_memberships",
            column: "relation",
            value: other.to_owned(),
            expected: "member or owner",
        }),
    }
}

/// Writes the lists and memberships of `corpus` inside the caller's transaction.
pub(crate) fn write_lists(
    tx: &Transaction<'_>,
    tomb: &Tombstones<'_>,
    corpus: &Corpus,
) -> Result<ListWrite> {
    let mut w = ListWrite::default();
    let is_forgotten = |id: &str| forgotten(tomb, id, Some(corpus));
    // Lists owned by a forgotten account, by the owner id or an `owner` membership.
    let mut blocked: std::collections::HashSet<&str> = std::collections::HashSet::new();
    if !tomb.is_empty() {
        for l in corpus.lists() {
            if l.owner_id.as_deref().is_some_and(is_forgotten) {
                blocked.insert(l.id.as_str());
            }
        }
        for (a, l, r) in corpus.list_memberships() {
            if r == ListRelation::Owner && is_forgotten(a) {
                blocked.insert(l.id.as_str());
            }
        }
    }
    let mut upsert = tx.prepare_cached(LIST_UPSERT)?;
    for l in corpus.lists() {
        if blocked.contains(l.id.as_str()) {
            w.lists_skipped += 1;
            continue;
        }
        let clean = |s: &str| {
            if !tomb.is_empty() && s.contains('@') {
                redact(s, |h| tomb.handle(h)).0
            } else {
                s.to_owned()
            }
        };
        upsert.execute(params![
            l.id,
            clean(&l.name),
            l.description.as_deref().map(clean),
            l.owner_id
        ])?;
        w.lists_written += 1;
    }
    let mut member = tx.prepare_cached(
        "INSERT INTO list_memberships (account, list_id, relation) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
    )?;
    for (a, l, r) in corpus.list_memberships() {
        if blocked.contains(l.id.as_str()) || is_forgotten(a) {
            w.memberships_skipped += 1;
            continue;
        }
        member.execute(params![a, l.id, r.as_str()])?;
        w.memberships_written += 1;
    }
    Ok(w)
}

impl Store {
    /// Adds the stored lists and memberships to `corpus` (accounts known only by a membership
    /// become id-only accounts, as in [`Corpus::try_add_list_membership`]).
    /// `keep` is asked with each list's owner id whether the list (and its memberships) is loaded.
    pub(super) fn load_lists(
        &self,
        corpus: &mut Corpus,
        keep: impl Fn(Option<&str>) -> bool,
    ) -> Result<()> {
        let bad = |table: &'static str, column: &'static str, value: String| StoreError::BadValue {
            table,
            column,
            value,
            expected: "a list the corpus accepts (a valid id)",
        };
        let mut lists = std::collections::HashMap::new();
        let mut st = self
            .conn
            .prepare("SELECT id, name, description, owner_id FROM lists ORDER BY id")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let l = XList {
                id: r.get(0)?,
                name: r.get(1)?,
                description: r.get(2)?,
                owner_id: r.get(3)?,
            };
            if !keep(l.owner_id.as_deref()) {
                continue;
            }
            corpus
                .try_add_list(l.clone())
                .map_err(|e| bad("lists", "id", format!("{}: {e}", l.id)))?;
            lists.insert(l.id.clone(), l);
        }
        let mut st = self.conn.prepare(
            "SELECT account, list_id, relation FROM list_memberships ORDER BY account, list_id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let account: String = r.get(0)?;
            let list_id: String = r.get(1)?;
            let relation: String = r.get(2)?;
            let relation = parse_relation(&relation)?;
            // A membership of a missing list is what `rapport check` reports as a foreign key.
            let Some(l) = lists.get(&list_id) else {
                continue;
            };
            corpus
                .try_add_list_membership(&account, l.clone(), relation)
                .map_err(|e| bad("list_memberships", "account", format!("{account}: {e}")))?;
        }
        Ok(())
    }
}
