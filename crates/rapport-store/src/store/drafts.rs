//! Drafts: replies written in rapport that are sent only after a person approved them, one at a time.
//!
//! A draft answers one stored post. Sending it is two steps around the network call, each its own
//! transaction: [`Store::begin_send`] moves the draft from `draft` (or `failed`) to `sending`, so no
//! second command can send it meanwhile; [`Store::finish_send`] records what X answered (`sent` with
//! the new post's id, `failed`, or `unknown_outcome`) together with its audit entry. A draft that is
//! `sending` (the process stopped before it could record the answer) or `unknown_outcome` (the request
//! left and its answer was lost) may have been published: it is never sent again. A person checks the
//! account and, if the reply is not there, writes a new draft.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;
use serde_json::json;

use super::{Store, now_text, parse_time};
use crate::audit::{self, AuditEntry};
use crate::error::{Result, StoreError};

/// Where a draft is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftState {
    /// Written, not sent.
    Draft,
    /// A send started and has not recorded its answer (or the process stopped before it could): it
    /// may have been published, so it is not sent again.
    Sending,
    /// X published it; `post_id` is the new post.
    Sent,
    /// X refused it or it never left (a 403, a 429, a missing scope, a refused connection): nothing
    /// was published, and it may be sent again after a person approves again.
    Failed,
    /// The request left and its answer was lost (a timeout, a dropped connection, a 5xx): it may
    /// have been published. Never sent again.
    UnknownOutcome,
}

impl DraftState {
    /// The name stored and shown: `draft`, `sending`, `sent`, `failed`, `unknown_outcome`.
    pub fn as_str(self) -> &'static str {
        match self {
            DraftState::Draft => "draft",
            DraftState::Sending => "sending",
            DraftState::Sent => "sent",
            DraftState::Failed => "failed",
            DraftState::UnknownOutcome => "unknown_outcome",
        }
    }

    /// The state of a stored name.
    pub fn parse(s: &str) -> Option<DraftState> {
        Some(match s {
            "draft" => DraftState::Draft,
            "sending" => DraftState::Sending,
            "sent" => DraftState::Sent,
            "failed" => DraftState::Failed,
            "unknown_outcome" => DraftState::UnknownOutcome,
            _ => return None,
        })
    }

    /// Whether a draft in this state may be sent: only `draft` and `failed` (nothing was published).
    pub fn can_send(self) -> bool {
        matches!(self, DraftState::Draft | DraftState::Failed)
    }
}

impl std::fmt::Display for DraftState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    /// Its id (increasing, never reused).
    pub id: i64,
    /// The text of the reply.
    pub text: String,
    /// The post it answers.
    pub in_reply_to: String,
    /// That post's author (account id), when the store knew it.
    pub in_reply_to_author: Option<String>,
    /// Who wrote the draft (the person operating rapport, not an X account).
    pub author: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Where it is.
    pub state: DraftState,
    /// The id X returned for the reply, once sent.
    pub post_id: Option<String>,
    /// Why the last attempt failed or has an unknown outcome.
    pub error: Option<String>,
    /// How many times a send was started.
    pub attempts: u32,
    /// When the last send started.
    pub attempted_at: Option<DateTime<Utc>>,
    /// Who approved the last send.
    pub sent_by: Option<String>,
}

/// What one send attempt came to, as [`Store::finish_send`] records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// Published; the id X returned (absent only if X's answer had none).
    Sent {
        /// The new post's id.
        post_id: Option<String>,
    },
    /// Not published.
    Failed {
        /// A short, stable name for the audit log: `not_permitted`, `rate_limited`,
        /// `missing_scope`, `http_401`, `not_sent`, …
        kind: String,
        /// The message, for the person (kept with the draft, not in the audit log).
        error: String,
    },
    /// The request left and its answer was lost.
    UnknownOutcome {
        /// The message, for the person.
        error: String,
    },
}

const COLUMNS: &str = "id, text, in_reply_to, in_reply_to_author, author, created_at, state, post_id, \
                       error, attempts, attempted_at, sent_by";

fn draft_of(r: &Row<'_>) -> Result<Draft> {
    let created: String = r.get(5)?;
    let state: String = r.get(6)?;
    let attempted: Option<String> = r.get(10)?;
    Ok(Draft {
        id: r.get(0)?,
        text: r.get(1)?,
        in_reply_to: r.get(2)?,
        in_reply_to_author: r.get(3)?,
        author: r.get(4)?,
        created_at: parse_time("drafts", "created_at", &created)?,
        state: DraftState::parse(&state).ok_or(StoreError::BadValue {
            table: "drafts",
            column: "state",
            value: state.clone(),
            expected: "one of draft, sending, sent, failed, unknown_outcome",
        })?,
        post_id: r.get(7)?,
        error: r.get(8)?,
        attempts: u32::try_from(r.get::<_, i64>(9)?).unwrap_or(0),
        attempted_at: attempted
            .map(|a| parse_time("drafts", "attempted_at", &a))
            .transpose()?,
        sent_by: r.get(11)?,
    })
}

fn load(conn: &rusqlite::Connection, id: i64) -> Result<Option<Draft>> {
    let mut st = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM drafts WHERE id = ?1"))?;
    let mut rows = st.query([id])?;
    match rows.next()? {
        Some(r) => Ok(Some(draft_of(r)?)),
        None => Ok(None),
    }
}

fn check_person(what: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(StoreError::BadArgument(format!(
            "a draft needs {what}: it names who is responsible for it"
        )));
    }
    Ok(())
}

impl Store {
    /// Stores a draft reply to the stored post `in_reply_to`, written by `author` (the person
    /// operating rapport). Nothing is sent: see [`Store::begin_send`].
    ///
    /// ```
    /// use rapport_store::{DraftState, Store};
    /// use rapport_core::{Account, Corpus, Post};
    /// use chrono::{TimeZone, Utc};
    /// let mut store = Store::open_in_memory().unwrap();
    /// let t = Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap();
    /// store.save_corpus(&Corpus::from_parts(
    ///     [Account::new("2", "ada")],
    ///     [Post::new("11", "2", "@acme_careers is the role remote?", t)],
    /// )).unwrap();
    /// let d = store.add_draft("11", "Hi @ada, yes: fully remote within the EU.", "maria").unwrap();
    /// assert_eq!((d.id, d.state, d.in_reply_to_author.as_deref()), (1, DraftState::Draft, Some("2")));
    /// assert!(store.add_draft("99", "hello", "maria").is_err()); // not a stored post
    /// ```
    pub fn add_draft(&mut self, in_reply_to: &str, text: &str, author: &str) -> Result<Draft> {
        if text.trim().is_empty() {
            return Err(StoreError::BadArgument(
                "the draft's text is empty".to_owned(),
            ));
        }
        check_person("an author", author)?;
        let (tx, env) = self.begin()?;
        let target: Option<String> = tx
            .query_row(
                "SELECT author_id FROM posts WHERE id = ?1",
                [in_reply_to.trim()],
                |r| r.get(0),
            )
            .optional()?;
        let Some(target_author) = target else {
            return Err(StoreError::UnknownPost(in_reply_to.trim().to_owned()));
        };
        tx.execute(
            "INSERT INTO drafts (text, in_reply_to, in_reply_to_author, author, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                text,
                in_reply_to.trim(),
                Some(target_author).filter(|a| !a.is_empty()),
                author.trim(),
                now_text()
            ],
        )?;
        let id = tx.last_insert_rowid();
        let draft = load(&tx, id)?.ok_or(StoreError::UnknownDraft(id))?;
        env.commit(tx)?;
        Ok(draft)
    }

    /// The draft with this id.
    pub fn draft(&self, id: i64) -> Result<Option<Draft>> {
        load(&self.conn, id)
    }

    /// Every draft, oldest first.
    pub fn drafts(&self) -> Result<Vec<Draft>> {
        let mut st = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM drafts ORDER BY id"))?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(draft_of(r)?);
        }
        Ok(out)
    }

    /// Starts sending a draft that a person (`approved_by`) approved: moves it from `draft` or
    /// `failed` to `sending` and returns it. Any other state is refused with
    /// [`StoreError::DraftNotSendable`], so a draft that was sent, or may have been, is never sent
    /// again, and two commands cannot send the same draft.
    ///
    /// ```
    /// use rapport_store::{DraftState, SendOutcome, Store, StoreError};
    /// # use rapport_core::{Corpus, Post};
    /// # use chrono::{TimeZone, Utc};
    /// let mut store = Store::open_in_memory().unwrap();
    /// # let t = Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap();
    /// # store.save_corpus(&Corpus::from_parts([], [Post::new("11", "2", "is the role remote?", t)])).unwrap();
    /// let d = store.add_draft("11", "Yes, fully remote.", "maria").unwrap();
    /// let d = store.begin_send(d.id, "maria").unwrap();
    /// assert_eq!(d.state, DraftState::Sending);
    /// // ... send it, then record what X answered:
    /// let d = store.finish_send(d.id, &SendOutcome::Sent { post_id: Some("1790000000000000001".into()) }).unwrap();
    /// assert_eq!(d.post_id.as_deref(), Some("1790000000000000001"));
    /// assert!(matches!(store.begin_send(d.id, "maria"), Err(StoreError::DraftNotSendable { .. })));
    /// assert_eq!(store.audit_log().unwrap().last().unwrap().details["post_id"], "1790000000000000001");
    /// ```
    pub fn begin_send(&mut self, id: i64, approved_by: &str) -> Result<Draft> {
        check_person("an approver", approved_by)?;
        let (tx, env) = self.begin()?;
        let draft = load(&tx, id)?.ok_or(StoreError::UnknownDraft(id))?;
        if !draft.state.can_send() {
            return Err(StoreError::DraftNotSendable {
                id,
                state: draft.state.as_str(),
                post_id: draft.post_id,
            });
        }
        tx.execute(
            "UPDATE drafts SET state = 'sending', attempts = attempts + 1, attempted_at = ?2,
                sent_by = ?3, error = NULL WHERE id = ?1",
            params![id, now_text(), approved_by.trim()],
        )?;
        let draft = load(&tx, id)?.ok_or(StoreError::UnknownDraft(id))?;
        env.commit(tx)?;
        Ok(draft)
    }

    /// Records what the send started by [`Store::begin_send`] came to, and logs the attempt in the
    /// audit log in the same transaction: action `send`, the approver as actor, the answered post's
    /// author as the cohort (a pseudonymous key), the draft id, the outcome, the id X returned and
    /// the digest of the text; never the text, the answered post or an error message.
    pub fn finish_send(&mut self, id: i64, outcome: &SendOutcome) -> Result<Draft> {
        let (tx, env) = self.begin()?;
        let draft = load(&tx, id)?.ok_or(StoreError::UnknownDraft(id))?;
        if draft.state != DraftState::Sending {
            return Err(StoreError::BadArgument(format!(
                "draft {id} is {}, not sending: only a send started with begin_send can be recorded",
                draft.state
            )));
        }
        let (state, post_id, error, kind) = match outcome {
            SendOutcome::Sent { post_id } => (DraftState::Sent, post_id.clone(), None, None),
            SendOutcome::Failed { kind, error } => (
                DraftState::Failed,
                None,
                Some(error.clone()),
                Some(kind.clone()),
            ),
            SendOutcome::UnknownOutcome { error } => (
                DraftState::UnknownOutcome,
                None,
                Some(error.clone()),
                Some("unknown_outcome".to_owned()),
            ),
        };
        tx.execute(
            "UPDATE drafts SET state = ?2, post_id = ?3, error = ?4 WHERE id = ?1",
            params![id, state.as_str(), post_id, error],
        )?;
        let mut e = AuditEntry::new("send");
        e.cohort = draft.in_reply_to_author.iter().cloned().collect();
        e.output_digest = Some(AuditEntry::digest(draft.text.as_bytes()));
        e.details = json!({
            "draft": id,
            "outcome": state.as_str(),
            "post_id": post_id,
            "error": kind,
            "attempt": draft.attempts,
            "draft_author": draft.author,
        });
        let actor = draft
            .sent_by
            .clone()
            .unwrap_or_else(|| env.actor.to_owned());
        let env = super::Env {
            actor: &actor,
            ..env
        };
        audit::append(&tx, &env, &e)?;
        let draft = load(&tx, id)?.ok_or(StoreError::UnknownDraft(id))?;
        env.commit(tx)?;
        Ok(draft)
    }
}
