//! Follow tables: every follow observation, and the follow events of an organisation.

use arrow::record_batch::RecordBatch;
use rapport_core::Corpus;
use rapport_core::follows::FollowEvent;

use crate::Error;
use crate::table::{batch_of, strings, timestamps};

/// One row per account per follow snapshot.
///
/// Columns: `owner` and `account` (handles, or ids for accounts without one), `owner_id`,
/// `account_id`, `direction` (`followers`: `account` follows `owner`; `following`: `owner` follows
/// `account`), `observed_at` (the snapshot's start) and `completed_at` (its end).
///
/// ```
/// use rapport_core::Corpus;
/// use rapport_core::follows::{FollowDirection, FollowSnapshot};
/// use chrono::{TimeZone, Utc};
/// let mut c = Corpus::new();
/// let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
/// c.try_add_follow_snapshot(FollowSnapshot::new("1", FollowDirection::Followers, t, vec!["7".into(), "8".into()])).unwrap();
/// let b = rapport_arrow::follows::follows(&c).unwrap();
/// assert_eq!((b.num_rows(), b.num_columns()), (2, 7));
/// ```
pub fn follows(c: &Corpus) -> Result<RecordBatch, Error> {
    let rows: Vec<_> = c
        .follow_snapshots()
        .iter()
        .flat_map(|s| s.accounts.iter().map(move |a| (s, a.as_str())))
        .collect();
    batch_of(vec![
        (
            "owner",
            strings(rows.iter().map(|(s, _)| Some(c.handle_of_id(&s.owner)))),
        ),
        (
            "direction",
            strings(rows.iter().map(|(s, _)| Some(s.direction.as_str()))),
        ),
        (
            "account",
            strings(rows.iter().map(|(_, a)| Some(c.handle_of_id(a)))),
        ),
        (
            "observed_at",
            timestamps(
                rows.iter()
                    .map(|(s, _)| Some(s.observed_at.timestamp_millis())),
            ),
        ),
        (
            "completed_at",
            timestamps(
                rows.iter()
                    .map(|(s, _)| Some(s.completed_at.timestamp_millis())),
            ),
        ),
        (
            "owner_id",
            strings(rows.iter().map(|(s, _)| Some(s.owner.as_str()))),
        ),
        ("account_id", strings(rows.iter().map(|(_, a)| Some(*a)))),
    ])
}

/// The follow events of [`Corpus::follow_events`] as a table.
///
/// Columns: `handle` (the other account), `event` (`followed`, `followed_back`, `unfollowed`), `by`
/// (`org` or `account`), `observed_after`, `observed_before`, `org` (the organisation's account),
/// `id` and `org_id`.
pub fn follow_events(c: &Corpus, events: &[FollowEvent]) -> Result<RecordBatch, Error> {
    batch_of(vec![
        (
            "handle",
            strings(events.iter().map(|e| Some(c.handle_of_id(&e.account)))),
        ),
        (
            "event",
            strings(events.iter().map(|e| Some(e.kind.as_str()))),
        ),
        ("by", strings(events.iter().map(|e| Some(e.by.as_str())))),
        (
            "observed_after",
            timestamps(
                events
                    .iter()
                    .map(|e| Some(e.observed_after.timestamp_millis())),
            ),
        ),
        (
            "observed_before",
            timestamps(
                events
                    .iter()
                    .map(|e| Some(e.observed_before.timestamp_millis())),
            ),
        ),
        (
            "org",
            strings(events.iter().map(|e| Some(c.handle_of_id(&e.org)))),
        ),
        (
            "id",
            strings(events.iter().map(|e| Some(e.account.as_str()))),
        ),
        (
            "org_id",
            strings(events.iter().map(|e| Some(e.org.as_str()))),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{dtype_name, timestamp_type};
    use chrono::{TimeZone, Utc};
    use rapport_core::Account;
    use rapport_core::follows::{FollowDirection, FollowSnapshot};

    #[test]
    fn events_table_has_the_python_columns() {
        let mut c = Corpus::new();
        c.add_account(Account::new("1", "acme"));
        c.add_account(Account::new("7", "ada"));
        let d = |n| Utc.with_ymd_and_hms(2024, 5, n, 9, 0, 0).unwrap();
        for (n, l) in [(1, vec![]), (2, vec!["7".to_owned()])] {
            c.try_add_follow_snapshot(FollowSnapshot::new(
                "1",
                FollowDirection::Followers,
                d(n),
                l,
            ))
            .unwrap();
        }
        let ev = c.follow_events(&["acme"]).unwrap();
        let b = follow_events(&c, &ev).unwrap();
        let names: Vec<_> = b
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(
            names,
            [
                "handle",
                "event",
                "by",
                "observed_after",
                "observed_before",
                "org",
                "id",
                "org_id"
            ]
        );
        assert_eq!(b.num_rows(), 1);
        assert_eq!(b.schema().field(3).data_type(), &timestamp_type());
        assert_eq!(
            dtype_name(b.schema().field(0).data_type()),
            dtype_name(&arrow::datatypes::DataType::Utf8)
        );
        let f = follows(&c).unwrap();
        assert_eq!(f.num_rows(), 1);
    }
}
