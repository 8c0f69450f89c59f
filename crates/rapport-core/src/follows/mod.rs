//! Follows: snapshots of follower and following lists, the follow state of each (organisation, account)
//! pair, and the follow events derived between snapshots.
//!
//! The X API never tells when a follow began: a list of followers is only true at the moment it was
//! read. So rapport keeps each list as a [`FollowSnapshot`] and derives events only *between* two
//! snapshots that disagree, each event carrying the interval that bounds it (`observed_after`,
//! `observed_before`). The first snapshot of a pair establishes its state and yields no event; no date
//! is ever invented. See `docs/relationships.md`.
//!
//! ```
//! use rapport_core::Corpus;
//! use rapport_core::follows::{FollowDirection, FollowEventKind, FollowSnapshot};
//! use chrono::{TimeZone, Utc};
//! let day = |d| Utc.with_ymd_and_hms(2024, 5, d, 9, 0, 0).unwrap();
//! let mut c = Corpus::new();
//! // @acme (id 1) follows nobody on day 1, follows account 7 on day 3.
//! c.try_add_follow_snapshot(FollowSnapshot::new("1", FollowDirection::Following, day(1), vec![])).unwrap();
//! c.try_add_follow_snapshot(FollowSnapshot::new("1", FollowDirection::Following, day(3), vec!["7".into()])).unwrap();
//! let events = c.follow_events(&["1"]).unwrap();
//! assert_eq!(events.len(), 1);
//! assert_eq!(events[0].kind, FollowEventKind::Followed);
//! assert_eq!((events[0].observed_after, events[0].observed_before), (day(1), day(3)));
//! ```

pub(crate) mod engagement;
mod records;
mod timeline;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::corpus::Corpus;
use crate::error::check_id;

pub(crate) use engagement::{annotate_row, component_scale, follow_component};

pub use records::FollowRecord;
pub use timeline::{Relationship, RelationshipStep, StepKind};

/// Which list of its owner a snapshot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowDirection {
    /// The accounts that follow the owner.
    Followers,
    /// The accounts the owner follows.
    Following,
}

impl FollowDirection {
    /// The lower-case name used in tables and the store (`followers`, `following`).
    pub fn as_str(self) -> &'static str {
        match self {
            FollowDirection::Followers => "followers",
            FollowDirection::Following => "following",
        }
    }

    /// Parses `followers` or `following`.
    ///
    /// ```
    /// use rapport_core::follows::FollowDirection;
    /// assert_eq!(FollowDirection::parse("following").unwrap(), FollowDirection::Following);
    /// assert!(FollowDirection::parse("friends").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<FollowDirection, Error> {
        match s {
            "followers" => Ok(FollowDirection::Followers),
            "following" => Ok(FollowDirection::Following),
            other => Err(Error::InvalidParameter {
                name: "follow direction",
                found: format!("{other:?}"),
                expected: "\"followers\" or \"following\"",
            }),
        }
    }
}

/// One complete reading of one account's followers or following list.
///
/// A list read in several pages is one snapshot: `observed_at` is when its first page was read and
/// `completed_at` when its last page was, so every account of it was seen somewhere in between.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowSnapshot {
    /// The id of the account whose list this is.
    pub owner: String,
    /// Which of its lists.
    pub direction: FollowDirection,
    /// When the first page was read.
    pub observed_at: DateTime<Utc>,
    /// When the last page was read (`observed_at` for a one-page list).
    pub completed_at: DateTime<Utc>,
    /// The ids of the accounts in the list, sorted and without duplicates once in the corpus.
    pub accounts: Vec<String>,
}

impl FollowSnapshot {
    /// A snapshot read at one instant.
    pub fn new(
        owner: impl Into<String>,
        direction: FollowDirection,
        observed_at: DateTime<Utc>,
        accounts: Vec<String>,
    ) -> Self {
        FollowSnapshot {
            owner: owner.into(),
            direction,
            observed_at,
            completed_at: observed_at,
            accounts,
        }
    }

    fn contains(&self, id: &str) -> bool {
        self.accounts
            .binary_search_by(|a| a.as_str().cmp(id))
            .is_ok()
    }

    /// Whether the list shows that `a` follows `b`: `Some(true)` or `Some(false)` when the list covers
    /// the edge `a → b` (a following list of `a`, a followers list of `b`), `None` otherwise.
    fn says(&self, a: &str, b: &str) -> Option<bool> {
        match self.direction {
            FollowDirection::Following if self.owner == a => Some(self.contains(b)),
            FollowDirection::Followers if self.owner == b => Some(self.contains(a)),
            _ => None,
        }
    }
}

/// Every follow snapshot of a corpus, ordered by (owner, direction, `observed_at`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct FollowLog {
    snapshots: Vec<FollowSnapshot>,
    /// Dated follow records (Bluesky's `app.bsky.graph.follow`), ordered and deduplicated.
    #[serde(default)]
    records: Vec<FollowRecord>,
}

impl FollowLog {
    fn add(&mut self, mut s: FollowSnapshot) -> Result<(), Error> {
        check_id("follow snapshot owner", &s.owner)?;
        for a in &s.accounts {
            check_id("follow snapshot account", a)?;
        }
        if s.completed_at < s.observed_at {
            return Err(Error::InvalidParameter {
                name: "follow snapshot completed_at",
                found: s.completed_at.to_rfc3339(),
                expected: "a time at or after the snapshot's observed_at",
            });
        }
        s.accounts.sort_unstable();
        s.accounts.dedup();
        let key = |x: &FollowSnapshot| (x.owner.clone(), x.direction, x.observed_at);
        match self.snapshots.binary_search_by_key(&key(&s), key) {
            // Another page of a snapshot already held: the lists add up.
            Ok(i) => {
                let old = &mut self.snapshots[i];
                old.completed_at = old.completed_at.max(s.completed_at);
                old.accounts.extend(s.accounts);
                old.accounts.sort_unstable();
                old.accounts.dedup();
            }
            Err(i) => self.snapshots.insert(i, s),
        }
        Ok(())
    }

    /// Adds every snapshot of `other` (snapshots already held are joined page-wise, as by `add`).
    pub(crate) fn merge(&mut self, other: &FollowLog) {
        for s in &other.snapshots {
            // Snapshots of a log were checked when they entered it.
            let _ = self.add(s.clone());
        }
        for r in &other.records {
            let _ = self.add_record(r.clone());
        }
    }
}

/// A follow event between two snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowEventKind {
    /// One side started following the other, which did not follow it yet.
    Followed,
    /// One side started following the other, which already followed it.
    FollowedBack,
    /// One side stopped following the other.
    Unfollowed,
}

impl FollowEventKind {
    /// The lower-case name used in tables (`followed`, `followed_back`, `unfollowed`).
    pub fn as_str(self) -> &'static str {
        match self {
            FollowEventKind::Followed => "followed",
            FollowEventKind::FollowedBack => "followed_back",
            FollowEventKind::Unfollowed => "unfollowed",
        }
    }
}

/// Which side of an (organisation, account) pair acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The organisation's account.
    Org,
    /// The other account.
    Account,
}

impl Side {
    /// `org` or `account`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Org => "org",
            Side::Account => "account",
        }
    }
}

/// A follow event of one (organisation account, account) pair, bounded by two snapshots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowEvent {
    /// The id of the organisation's account.
    pub org: String,
    /// The id of the other account.
    pub account: String,
    /// What happened.
    pub kind: FollowEventKind,
    /// Who did it.
    pub by: Side,
    /// The event happened after this time (the start of the last snapshot that did not show it).
    pub observed_after: DateTime<Utc>,
    /// ... and at or before this one (the end of the first snapshot that showed it).
    pub observed_before: DateTime<Utc>,
}

/// The follow state of a pair, as the latest snapshot covering each direction shows it; `None` when no
/// snapshot covers that direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PairState {
    /// The organisation follows the account.
    pub o_follows_x: Option<bool>,
    /// The account follows the organisation.
    pub x_follows_o: Option<bool>,
}

impl PairState {
    /// Both follow each other; `Some(false)` as soon as one side is known not to follow.
    pub fn mutual(&self) -> Option<bool> {
        match (self.o_follows_x, self.x_follows_o) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        }
    }

    /// The state of an organisation of several accounts: a direction holds when it holds for any of
    /// them, and is unknown only when no snapshot covers it for any of them.
    pub fn or(self, other: PairState) -> PairState {
        let or = |a: Option<bool>, b: Option<bool>| match (a, b) {
            (None, x) | (x, None) => x,
            (Some(x), Some(y)) => Some(x || y),
        };
        PairState {
            o_follows_x: or(self.o_follows_x, other.o_follows_x),
            x_follows_o: or(self.x_follows_o, other.x_follows_o),
        }
    }
}

/// One reading of one follow edge: present or not, seen somewhere in `[start, end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Obs {
    pub(crate) start: DateTime<Utc>,
    pub(crate) end: DateTime<Utc>,
    pub(crate) present: bool,
}

impl Corpus {
    /// Adds a follow snapshot. A snapshot with the same owner, direction and `observed_at` as one held
    /// is another page of it: the account lists are joined and `completed_at` is the later one.
    ///
    /// # Errors
    /// [`Error::InvalidId`] for a bad owner or account id, [`Error::InvalidParameter`] when
    /// `completed_at` is before `observed_at`.
    pub fn try_add_follow_snapshot(&mut self, snapshot: FollowSnapshot) -> Result<(), Error> {
        self.follow_log_mut().add(snapshot)
    }

    /// Every follow snapshot, ordered by (owner id, direction, `observed_at`).
    pub fn follow_snapshots(&self) -> &[FollowSnapshot] {
        &self.follow_log().snapshots
    }

    /// The number of follow observations (one per account per snapshot).
    pub fn num_follow_observations(&self) -> usize {
        self.follow_snapshots()
            .iter()
            .map(|s| s.accounts.len())
            .sum()
    }

    /// The handle of an account id when the corpus knows it, else the id.
    pub fn handle_of_id<'a>(&'a self, id: &'a str) -> &'a str {
        self.account_by_id(id).map_or(id, |a| a.handle_or_id())
    }

    /// Resolves handles or ids to account ids for the follow analyses: an account of the corpus, or an
    /// id that owns a follow snapshot (an archive's owner may be known by id only).
    ///
    /// # Errors
    /// [`Error::EmptyOrg`], or [`Error::UnknownOrgAccounts`] listing every name that matches nothing.
    pub fn resolve_follow_org<S: AsRef<str>>(&self, org: &[S]) -> Result<Vec<String>, Error> {
        if org.is_empty() {
            return Err(Error::EmptyOrg);
        }
        let mut ids: Vec<String> = Vec::new();
        let mut unknown = Vec::new();
        for h in org {
            let h = h.as_ref();
            let id = match self.find_account(h) {
                Some(a) => Some(a.id().to_owned()),
                None => (self.follow_snapshots().iter().any(|s| s.owner == h)
                    || self
                        .follow_records()
                        .iter()
                        .any(|r| r.follower == h || r.subject == h))
                .then(|| h.to_owned()),
            };
            match id {
                Some(id) if !ids.contains(&id) => ids.push(id),
                Some(_) => {}
                None => unknown.push(h.to_owned()),
            }
        }
        if unknown.is_empty() {
            Ok(ids)
        } else {
            Err(Error::UnknownOrgAccounts { unknown })
        }
    }

    /// The readings of the edge `a → b` in every snapshot that covers it, in time order.
    pub(crate) fn edge_observations(&self, a: &str, b: &str) -> Vec<Obs> {
        let mut obs: Vec<Obs> = self
            .owner_snapshots(a)
            .chain(self.owner_snapshots(b))
            .filter_map(|s| {
                s.says(a, b).map(|present| Obs {
                    start: s.observed_at,
                    end: s.completed_at,
                    present,
                })
            })
            .collect();
        obs.extend(self.record_observations(a, b));
        obs.sort_unstable_by_key(|o| (o.start, o.end, o.present));
        obs.dedup();
        obs
    }

    fn owner_snapshots<'a>(&'a self, owner: &'a str) -> impl Iterator<Item = &'a FollowSnapshot> {
        let snaps = self.follow_snapshots();
        let lo = snaps.partition_point(|s| s.owner.as_str() < owner);
        snaps[lo..].iter().take_while(move |s| s.owner == owner)
    }

    /// The follow state of one organisation account and one account (ids).
    pub fn follow_state(&self, org_id: &str, account_id: &str) -> PairState {
        let last = |o: Vec<Obs>| o.iter().max_by_key(|o| (o.end, o.start)).map(|o| o.present);
        PairState {
            o_follows_x: last(self.edge_observations(org_id, account_id)),
            x_follows_o: last(self.edge_observations(account_id, org_id)),
        }
    }

    /// The accounts that share a follow snapshot with `org_id`: the members of its lists and the
    /// owners of lists it appears in.
    pub(crate) fn follow_partners(&self, org_id: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for s in self.follow_snapshots() {
            if s.owner == org_id {
                out.extend(s.accounts.iter().cloned());
            } else if s.contains(org_id) {
                out.insert(s.owner.clone());
            }
        }
        for r in self.follow_records() {
            if r.follower == org_id {
                out.insert(r.subject.clone());
            } else if r.subject == org_id {
                out.insert(r.follower.clone());
            }
        }
        out.remove(org_id);
        out
    }

    /// The follow events between the organisation's accounts and every account that shares a
    /// snapshot with them, ordered by `observed_before`, `observed_after`, then account. Follows
    /// among the organisation's own accounts are left out.
    ///
    /// An edge that a snapshot shows and the one before it did not is `followed` (or `followed_back`
    /// when the other direction was already seen at or before the start of that earlier snapshot); an
    /// edge that disappears is `unfollowed`. Each event spans from the start of the earlier snapshot to
    /// the end of the later one.
    ///
    /// # Errors
    /// As [`Corpus::resolve_follow_org`].
    pub fn follow_events<S: AsRef<str>>(&self, org: &[S]) -> Result<Vec<FollowEvent>, Error> {
        let org = self.resolve_follow_org(org)?;
        let mut out = Vec::new();
        for o in &org {
            for x in self.follow_partners(o) {
                if org.contains(&x) {
                    continue;
                }
                out.extend(self.pair_events(o, &x));
            }
        }
        out.sort_by(|a, b| {
            (
                a.observed_before,
                a.observed_after,
                &a.account,
                &a.org,
                a.by,
            )
                .cmp(&(
                    b.observed_before,
                    b.observed_after,
                    &b.account,
                    &b.org,
                    b.by,
                ))
        });
        Ok(out)
    }

    /// The follow events of one pair (ids), in time order.
    pub fn pair_events(&self, org_id: &str, account_id: &str) -> Vec<FollowEvent> {
        let out_edge = self.edge_observations(org_id, account_id);
        let in_edge = self.edge_observations(account_id, org_id);
        let mut events = Vec::new();
        for (edge, other, by) in [
            (&out_edge, &in_edge, Side::Org),
            (&in_edge, &out_edge, Side::Account),
        ] {
            for w in edge.windows(2) {
                let (prev, cur) = (w[0], w[1]);
                if prev.present == cur.present {
                    continue;
                }
                let kind = if cur.present {
                    // The other direction counts as earlier only when seen before this follow could
                    // have begun.
                    let before = other
                        .iter()
                        .filter(|o| o.end <= prev.start)
                        .max_by_key(|o| (o.end, o.start));
                    if before.is_some_and(|o| o.present) {
                        FollowEventKind::FollowedBack
                    } else {
                        FollowEventKind::Followed
                    }
                } else {
                    FollowEventKind::Unfollowed
                };
                events.push(FollowEvent {
                    org: org_id.to_owned(),
                    account: account_id.to_owned(),
                    kind,
                    by,
                    observed_after: prev.start,
                    observed_before: cur.end,
                });
            }
        }
        events.sort_by_key(|e| (e.observed_before, e.observed_after, e.by));
        events
    }

    /// The follow state of every account sharing a snapshot with the organisation, by account id (the
    /// organisation's accounts combined as in [`PairState::or`]).
    ///
    /// # Errors
    /// As [`Corpus::resolve_follow_org`].
    pub fn follow_states<S: AsRef<str>>(
        &self,
        org: &[S],
    ) -> Result<BTreeMap<String, PairState>, Error> {
        let org = self.resolve_follow_org(org)?;
        let mut out: BTreeMap<String, PairState> = BTreeMap::new();
        for o in &org {
            for x in self.follow_partners(o) {
                if org.contains(&x) {
                    continue;
                }
                let st = self.follow_state(o, &x);
                let e = out.entry(x).or_default();
                *e = e.or(st);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
