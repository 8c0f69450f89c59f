//! Compliance events: the platform telling a collector that a post or an account changed state
//! (deleted, protected, suspended, …), and applying them to a [`Corpus`].
//!
//! The X developer terms ask collectors to honour these events: a deleted or protected post, and every
//! post of a deleted, protected, suspended or deactivated account, must leave the stored data. The
//! events come from X's batch compliance jobs (one JSON line per id: `id`, `action`, `created_at`,
//! `redacted_at`, `reason`), which twarc2 downloads as JSONL; the adapter's importer recognises those
//! lines and returns them as [`ComplianceEvent`]s.
//!
//! ```
//! use rapport_core::{Account, Corpus, Post};
//! use rapport_core::compliance::{ComplianceAction, ComplianceEvent, ComplianceTarget};
//! use chrono::{TimeZone, Utc};
//! let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
//! let mut corpus = Corpus::from_parts(
//!     [Account::new("1", "ada"), Account::new("2", "bob")],
//!     [Post::new("10", "1", "hello", t), Post::new("11", "2", "hi", t), Post::new("12", "2", "again", t)],
//! );
//! let events = [
//!     ComplianceEvent::new("10", ComplianceTarget::Post, ComplianceAction::Delete),
//!     ComplianceEvent::new("2", ComplianceTarget::Account, ComplianceAction::Suspend),
//! ];
//! let report = corpus.apply_compliance(&events);
//! assert_eq!((report.posts_removed, report.accounts_removed), (3, 1));
//! assert_eq!(corpus.num_posts(), 0);
//! assert!(corpus.account_by_handle("bob").is_none());
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Corpus;

/// What a compliance event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceTarget {
    /// A post (a tweet compliance job).
    Post,
    /// An account (a user compliance job).
    Account,
    /// Not said by the event (a `delete` line without a type): applied to the post with the id when
    /// the corpus holds one, else to the account.
    Unknown,
}

/// What happened to the post or account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceAction {
    /// Deleted by its author (post) or the account closed (account).
    Delete,
    /// The account made its posts private.
    Protect,
    /// The account made its posts public again.
    Unprotect,
    /// The account was suspended.
    Suspend,
    /// The suspension was lifted.
    Unsuspend,
    /// Withheld in some countries.
    Withhold,
    /// Location data must be removed (rapport stores none).
    ScrubGeo,
    /// The account was deactivated.
    Deactivate,
    /// The account was reactivated.
    Reactivate,
    /// A deletion was undone.
    Undelete,
}

impl ComplianceAction {
    /// Every action, in the order of the wire names of [`ComplianceAction::as_str`].
    pub const ALL: [ComplianceAction; 10] = [
        ComplianceAction::Delete,
        ComplianceAction::Protect,
        ComplianceAction::Unprotect,
        ComplianceAction::Suspend,
        ComplianceAction::Unsuspend,
        ComplianceAction::Withhold,
        ComplianceAction::ScrubGeo,
        ComplianceAction::Deactivate,
        ComplianceAction::Reactivate,
        ComplianceAction::Undelete,
    ];

    /// The wire name (`delete`, `scrub_geo`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ComplianceAction::Delete => "delete",
            ComplianceAction::Protect => "protect",
            ComplianceAction::Unprotect => "unprotect",
            ComplianceAction::Suspend => "suspend",
            ComplianceAction::Unsuspend => "unsuspend",
            ComplianceAction::Withhold => "withhold",
            ComplianceAction::ScrubGeo => "scrub_geo",
            ComplianceAction::Deactivate => "deactivate",
            ComplianceAction::Reactivate => "reactivate",
            ComplianceAction::Undelete => "undelete",
        }
    }

    /// The action with this wire name (case-insensitive; `withheld`, `deleted`, `protected`,
    /// `suspended`, `deactivated` are accepted too).
    ///
    /// ```
    /// use rapport_core::compliance::ComplianceAction;
    /// assert_eq!(ComplianceAction::parse("SCRUB_GEO"), Some(ComplianceAction::ScrubGeo));
    /// assert_eq!(ComplianceAction::parse("deleted"), Some(ComplianceAction::Delete));
    /// assert_eq!(ComplianceAction::parse("like"), None);
    /// ```
    pub fn parse(name: &str) -> Option<ComplianceAction> {
        let n = name.trim().to_ascii_lowercase();
        let n = match n.as_str() {
            "deleted" => "delete",
            "protected" => "protect",
            "suspended" => "suspend",
            "withheld" => "withhold",
            "deactivated" => "deactivate",
            other => other,
        };
        Self::ALL.into_iter().find(|a| a.as_str() == n)
    }

    /// Whether a post this action is about must leave the corpus (deleted or protected).
    pub fn removes_post(self) -> bool {
        matches!(self, ComplianceAction::Delete | ComplianceAction::Protect)
    }

    /// Whether an account this action is about must leave the corpus with its posts (deleted,
    /// protected, suspended or deactivated).
    pub fn removes_account(self) -> bool {
        matches!(
            self,
            ComplianceAction::Delete
                | ComplianceAction::Protect
                | ComplianceAction::Suspend
                | ComplianceAction::Deactivate
        )
    }
}

/// One compliance event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceEvent {
    /// The post or account id.
    pub id: String,
    /// Whether `id` is a post or an account.
    pub target: ComplianceTarget,
    /// What happened.
    pub action: ComplianceAction,
    /// When the post or account was created, when the event says.
    pub created_at: Option<DateTime<Utc>>,
    /// When the platform redacted it, when the event says.
    pub redacted_at: Option<DateTime<Utc>>,
    /// The platform's reason (`deleted`, `suspended`, `protected`, `deactivated`, `scrub_geo`, …).
    pub reason: Option<String>,
}

impl ComplianceEvent {
    /// An event with only an id, a target and an action.
    pub fn new(id: impl Into<String>, target: ComplianceTarget, action: ComplianceAction) -> Self {
        ComplianceEvent {
            id: id.into(),
            target,
            action,
            created_at: None,
            redacted_at: None,
            reason: None,
        }
    }
}

/// What applying compliance events did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceReport {
    /// Events given.
    pub events: u64,
    /// Events per action (wire name).
    pub by_action: BTreeMap<String, u64>,
    /// Posts removed: deleted or protected posts, and the posts of removed accounts.
    pub posts_removed: u64,
    /// Accounts removed (deleted, protected, suspended or deactivated).
    pub accounts_removed: u64,
    /// Events about an id the corpus does not hold.
    pub not_found: u64,
    /// Events about a held id whose action removes nothing (`unprotect`, `unsuspend`, `reactivate`,
    /// `undelete`: a corpus cannot restore what it no longer has; `withhold`; `scrub_geo`: rapport
    /// keeps no location).
    pub unchanged: u64,
}

impl Corpus {
    /// Applies compliance events: removes deleted and protected posts, and deleted, protected,
    /// suspended and deactivated accounts with all their posts. An account that other posts still
    /// mention or reply to stays as a bare stub (its id and handle, as those posts show them); its
    /// profile is gone. See the [module docs](crate::compliance).
    pub fn apply_compliance(&mut self, events: &[ComplianceEvent]) -> ComplianceReport {
        let mut report = ComplianceReport {
            events: events.len() as u64,
            ..ComplianceReport::default()
        };
        let mut drop_post = vec![false; self.num_posts()];
        let mut drop_account = vec![false; self.account_capacity()];
        for e in events {
            *report
                .by_action
                .entry(e.action.as_str().to_owned())
                .or_default() += 1;
            let post = self.post_by_id(&e.id).map(|p| p.idx().index());
            let account = self.account_by_id(&e.id).map(|a| a.idx().index());
            let (post, account) = match e.target {
                ComplianceTarget::Post => (post, None),
                ComplianceTarget::Account => (None, account),
                ComplianceTarget::Unknown => match post {
                    Some(p) => (Some(p), None),
                    None => (None, account),
                },
            };
            match (post, account) {
                (Some(p), _) if e.action.removes_post() => drop_post[p] = true,
                (_, Some(a)) if e.action.removes_account() => drop_account[a] = true,
                (None, None) => report.not_found += 1,
                _ => report.unchanged += 1,
            }
        }
        if !drop_post.contains(&true) && !drop_account.contains(&true) {
            return report;
        }
        let mut kept_posts = Vec::with_capacity(self.num_posts());
        for p in self.posts() {
            let row = p.idx().index();
            if drop_post[row] || drop_account[p.author().idx().index()] {
                report.posts_removed += 1;
            } else {
                kept_posts.push(p.to_post());
            }
        }
        let mut kept_accounts = Vec::with_capacity(self.num_accounts());
        for a in self.accounts() {
            if drop_account[a.idx().index()] {
                report.accounts_removed += 1;
            } else {
                kept_accounts.push(a.to_account());
            }
        }
        let replaced = self.num_replaced();
        let refused = self.num_refused();
        // Rebuilt from what stays: the columns hold no trace of what left.
        let mut next = Corpus::from_parts(kept_accounts, kept_posts);
        next.set_counters(replaced, refused);
        *self = next;
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Account, Mention, Post};
    use chrono::TimeZone;

    fn corpus() -> Corpus {
        let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
        let mut mention = Post::new("13", "3", "thanks @bob", t);
        mention.mentions.push(Mention {
            id: Some("2".into()),
            handle: "bob".into(),
        });
        let mut bob = Account::new("2", "bob");
        bob.bio = Some("private bio".into());
        Corpus::from_parts(
            [Account::new("1", "ada"), bob, Account::new("3", "cy")],
            [
                Post::new("10", "1", "a", t),
                Post::new("11", "2", "b", t),
                Post::new("12", "2", "c", t),
                mention,
            ],
        )
    }

    #[test]
    fn each_action_counts_and_removes_what_it_should() {
        let mut c = corpus();
        let ev = |id: &str, target, action| ComplianceEvent::new(id, target, action);
        let report = c.apply_compliance(&[
            ev("10", ComplianceTarget::Unknown, ComplianceAction::Delete),
            ev("2", ComplianceTarget::Account, ComplianceAction::Deactivate),
            ev("3", ComplianceTarget::Account, ComplianceAction::Unprotect),
            ev("3", ComplianceTarget::Account, ComplianceAction::ScrubGeo),
            ev("99", ComplianceTarget::Post, ComplianceAction::Delete),
            // A post id given as an account: not found as an account.
            ev("13", ComplianceTarget::Account, ComplianceAction::Suspend),
        ]);
        assert_eq!(report.events, 6);
        assert_eq!(report.posts_removed, 3); // 10, and bob's 11 and 12
        assert_eq!(report.accounts_removed, 1);
        assert_eq!(report.not_found, 2);
        assert_eq!(report.unchanged, 2);
        assert_eq!(report.by_action["delete"], 2);
        assert_eq!(c.num_posts(), 1);
        assert!(c.post_by_id("13").is_some());
        // bob stays only as the mention in cy's post: no profile.
        let bob = c.account_by_id("2").unwrap();
        assert!(bob.is_stub() && bob.bio().is_none());
        assert_eq!(bob.posts().len(), 0);
    }

    #[test]
    fn no_removing_event_leaves_the_corpus_as_it_was() {
        let mut c = corpus();
        let before = c.num_posts();
        let r = c.apply_compliance(&[ComplianceEvent::new(
            "1",
            ComplianceTarget::Account,
            ComplianceAction::Reactivate,
        )]);
        assert_eq!(
            (r.unchanged, r.posts_removed, c.num_posts()),
            (1, 0, before)
        );
    }
}
