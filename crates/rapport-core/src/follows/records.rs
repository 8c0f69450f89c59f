//! Dated follow records: a platform that stores each follow as a record with its creation time
//! (Bluesky's `app.bsky.graph.follow`) says exactly when a follow began, where a list of followers
//! only says who follows at the moment it was read.
//!
//! A record `a → b` created at `t` and seen at `seen_at` is read as two observations of the edge: absent
//! just before `t` and present from `t` (so the follow event it yields has
//! `observed_after = observed_before = t`), and present again at `seen_at`. Records and snapshots of
//! the same edge mix: a snapshot that did not show the follow before `t` and one that shows it later
//! yield one event, the record's.
//!
//! ```
//! use rapport_core::Corpus;
//! use rapport_core::follows::{FollowEventKind, FollowRecord};
//! use chrono::{TimeZone, Utc};
//! let t = |d, h| Utc.with_ymd_and_hms(2024, 5, d, h, 0, 0).unwrap();
//! let mut c = Corpus::new();
//! // did:plc:ada follows the organisation on 2 May at 10:00; it follows back on 3 May at 08:00.
//! c.try_add_follow_record(FollowRecord::new("did:plc:ada", "did:plc:acme", t(2, 10), t(9, 0))).unwrap();
//! c.try_add_follow_record(FollowRecord::new("did:plc:acme", "did:plc:ada", t(3, 8), t(9, 0))).unwrap();
//! let events = c.follow_events(&["did:plc:acme"]).unwrap();
//! assert_eq!(events.len(), 2);
//! assert_eq!(events[0].kind, FollowEventKind::Followed);
//! assert_eq!((events[0].observed_after, events[0].observed_before), (t(2, 10), t(2, 10)));
//! assert_eq!(events[1].kind, FollowEventKind::FollowedBack);
//! assert_eq!(events[1].observed_before, t(3, 8));
//! assert_eq!(c.follow_state("did:plc:acme", "did:plc:ada").mutual(), Some(true));
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{FollowLog, Obs};
use crate::Error;
use crate::corpus::Corpus;
use crate::error::check_id;

/// One dated follow: `follower` follows `subject` since `created_at`, as a record read at `seen_at`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FollowRecord {
    /// The id of the account that follows.
    pub follower: String,
    /// The id of the account followed.
    pub subject: String,
    /// When the follow began (the record's creation time).
    pub created_at: DateTime<Utc>,
    /// When the record was read (it still existed then).
    pub seen_at: DateTime<Utc>,
}

impl FollowRecord {
    /// A record of `follower → subject` created at `created_at`, read at `seen_at`.
    pub fn new(
        follower: impl Into<String>,
        subject: impl Into<String>,
        created_at: DateTime<Utc>,
        seen_at: DateTime<Utc>,
    ) -> Self {
        FollowRecord {
            follower: follower.into(),
            subject: subject.into(),
            created_at,
            seen_at,
        }
    }
}

impl FollowLog {
    pub(super) fn add_record(&mut self, r: FollowRecord) -> Result<(), Error> {
        check_id("follow record follower", &r.follower)?;
        check_id("follow record subject", &r.subject)?;
        if r.seen_at < r.created_at {
            return Err(Error::InvalidParameter {
                name: "follow record seen_at",
                found: r.seen_at.to_rfc3339(),
                expected: "a time at or after the record's created_at",
            });
        }
        if let Err(i) = self.records.binary_search(&r) {
            self.records.insert(i, r);
        }
        Ok(())
    }
}

impl Corpus {
    /// Adds a dated follow record (kept once; the same follow read twice is two records only when
    /// read at different times).
    ///
    /// # Errors
    /// [`Error::InvalidId`] for a bad follower or subject id, [`Error::InvalidParameter`] when
    /// `seen_at` is before `created_at`.
    pub fn try_add_follow_record(&mut self, record: FollowRecord) -> Result<(), Error> {
        self.follow_log_mut().add_record(record)
    }

    /// Every dated follow record, ordered by (follower, subject, `created_at`, `seen_at`).
    pub fn follow_records(&self) -> &[FollowRecord] {
        &self.follow_log().records
    }

    /// The readings of the edge `a → b` that the records of `a` give.
    pub(super) fn record_observations(&self, a: &str, b: &str) -> Vec<Obs> {
        let recs = self.follow_records();
        let lo = recs.partition_point(|r| r.follower.as_str() < a);
        let mut out = Vec::new();
        for r in recs[lo..]
            .iter()
            .take_while(|r| r.follower == a)
            .filter(|r| r.subject == b)
        {
            let at = |t, present| Obs {
                start: t,
                end: t,
                present,
            };
            // Absent just before the creation, present from it; sorted (false before true), the pair
            // makes one transition at exactly `created_at`.
            out.push(at(r.created_at, false));
            out.push(at(r.created_at, true));
            out.push(at(r.seen_at, true));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::follows::{FollowDirection, FollowEventKind, FollowSnapshot, Side};
    use chrono::TimeZone;

    fn t(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, d, 9, 0, 0).unwrap()
    }

    #[test]
    fn a_record_inside_a_snapshot_interval_gives_one_exact_event() {
        let mut c = Corpus::new();
        c.try_add_follow_snapshot(FollowSnapshot::new(
            "org",
            FollowDirection::Followers,
            t(1),
            vec![],
        ))
        .unwrap();
        c.try_add_follow_snapshot(FollowSnapshot::new(
            "org",
            FollowDirection::Followers,
            t(5),
            vec!["x".into()],
        ))
        .unwrap();
        c.try_add_follow_record(FollowRecord::new("x", "org", t(3), t(6)))
            .unwrap();
        let ev = c.follow_events(&["org"]).unwrap();
        assert_eq!(ev.len(), 1, "{ev:?}");
        assert_eq!(ev[0].kind, FollowEventKind::Followed);
        assert_eq!(ev[0].by, Side::Account);
        assert_eq!((ev[0].observed_after, ev[0].observed_before), (t(3), t(3)));
    }

    #[test]
    fn records_merge_deduplicate_and_are_checked() {
        let mut a = Corpus::new();
        let r = FollowRecord::new("x", "org", t(3), t(6));
        a.try_add_follow_record(r.clone()).unwrap();
        a.try_add_follow_record(r.clone()).unwrap();
        assert_eq!(a.follow_records().len(), 1);
        let mut b = Corpus::new();
        b.merge(&a);
        assert_eq!(b.follow_records(), &[r]);
        assert!(matches!(
            b.try_add_follow_record(FollowRecord::new("", "org", t(3), t(6))),
            Err(Error::InvalidId { .. })
        ));
        assert!(matches!(
            b.try_add_follow_record(FollowRecord::new("x", "org", t(6), t(3))),
            Err(Error::InvalidParameter { .. })
        ));
        let rel = b
            .relationship(
                &["org"],
                "x",
                &crate::engagement::EngagementOptions::default(),
            )
            .unwrap();
        let step = rel
            .steps
            .iter()
            .find(|s| s.step == crate::follows::StepKind::AccountFollowed)
            .unwrap();
        assert_eq!(step.at, Some(t(3)));
    }
}
