//! The tables of the analyses whose results are nested (a report with parts, an explanation, a feed
//! per goal): each tabular part as one record batch, built here from the result's typed rows so that
//! the domain modules stay free of table code and the CLI and Python get the same columns.
//!
//! | function | one row per | columns |
//! | --- | --- | --- |
//! | [`engagement`] | account | the engagement row without the in-process `account` index; the follow columns are always `bool` |
//! | [`broadcast_posts`] | post of the organisation | `post_id`, `account`, `created_at`, `month`, `hashtags`, `replies`, `replies_answered`, `quotes`, `reposts`, `answered`, `time_to_first_reply_ms`, `time_to_answer_ms`, `class` |
//! | [`broadcast_summary`] | group of posts | `scope` (`overall`, `account`, `hashtag`, `month`), `key`, then the aggregate (`posts`, `void`, …, `p90_answer_ms`) |
//! | [`explanation_components`] | component of the score | `handle`, `id`, `component`, `raw`, `normalisation`, `normalised`, `weight`, `contribution`, `post_ids` |
//! | [`learning_items`] | item of a learning feed | `goal`, `kind` (`mentor`, `rising_hashtag`, `conversation`), `rank`, `key`, `score`, `count`, `last_post_at`, `post_ids` |
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use rapport_core::{Corpus, Post};
//! use rapport_core::engagement::broadcast_report;
//!
//! let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
//! let mut c = Corpus::new();
//! c.add_account(rapport_core::Account::new("1", "acme"));
//! let mut p = Post::new("10", "1", "We are #hiring", t);
//! p.hashtags = vec!["hiring".into()];
//! c.add_post(p);
//! let report = broadcast_report(&c, &["acme"]).unwrap();
//! let summary = rapport_arrow::results::broadcast_summary(&report).unwrap();
//! // The overall row, one per account, per hashtag and per month.
//! assert_eq!(summary.num_rows(), 4);
//! ```

use arrow::datatypes::DataType;
use chrono::{DateTime, Utc};
use rapport_core::engagement::{BroadcastAggregate, BroadcastReport, EngagementRow, Explanation};
use rapport_core::learning::LearningFeed;
use serde::Serialize;

use crate::table::{record_batch, record_batch_without, str_list_type, timestamp_type, with_types};
use crate::{Error, RecordBatch};

/// The columns of an engagement row that are `None` in every row of some results (no follow
/// snapshot, no latency to measure), with the type they always have.
fn engagement_types() -> Vec<(&'static str, DataType)> {
    vec![
        ("account_word_share", DataType::Float64),
        ("talk_balance", DataType::Float64),
        ("latency_account_ms", DataType::Float64),
        ("latency_org_ms", DataType::Float64),
        ("latency_pooled_ms", DataType::Float64),
        ("last_interaction", timestamp_type()),
        ("org_follows", DataType::Boolean),
        ("follows_org", DataType::Boolean),
        ("mutual", DataType::Boolean),
    ]
}

/// Engagement rows as a table, without the in-process `account` index (`id` and `handle` name the
/// account). Optional columns keep their type when every row lacks them: `org_follows`,
/// `follows_org` and `mutual` are nullable `bool` with or without follow snapshots.
pub fn engagement(rows: &[EngagementRow]) -> Result<RecordBatch, Error> {
    with_types(&record_batch_without(rows, "account")?, &engagement_types())
}

/// The broadcast report's posts: each post of the organisation with its replies, quotes, reposts,
/// whether the organisation answered, and its class (`void`, `broadcast`, `conversation`).
pub fn broadcast_posts(report: &BroadcastReport) -> Result<RecordBatch, Error> {
    with_types(
        &record_batch(&report.posts)?,
        &[
            ("time_to_first_reply_ms", DataType::Float64),
            ("time_to_answer_ms", DataType::Float64),
            ("hashtags", str_list_type()),
        ],
    )
}

/// The broadcast report's aggregates in one table: the `overall` row first, then one row per
/// `account`, `hashtag` and `month` (the `scope` column), each keyed by `key`.
pub fn broadcast_summary(report: &BroadcastReport) -> Result<RecordBatch, Error> {
    let rows: Vec<BroadcastAggregate> = std::iter::once(&report.overall)
        .chain(&report.by_account)
        .chain(&report.by_hashtag)
        .chain(&report.by_month)
        .cloned()
        .collect();
    let scopes: Vec<&str> = std::iter::once("overall")
        .chain(report.by_account.iter().map(|_| "account"))
        .chain(report.by_hashtag.iter().map(|_| "hashtag"))
        .chain(report.by_month.iter().map(|_| "month"))
        .collect();
    let batch = with_types(
        &record_batch(&rows)?,
        &[
            ("answered_rate", DataType::Float64),
            ("median_first_reply_ms", DataType::Float64),
            ("p90_first_reply_ms", DataType::Float64),
            ("median_answer_ms", DataType::Float64),
            ("p90_answer_ms", DataType::Float64),
        ],
    )?;
    crate::table::prepend_str_column(&batch, "scope", &scopes)
}

#[derive(Serialize, Default)]
struct ComponentRow<'a> {
    handle: &'a str,
    id: &'a str,
    component: &'a str,
    raw: f64,
    normalisation: &'a str,
    normalised: f64,
    weight: f64,
    contribution: f64,
    post_ids: &'a [String],
}

/// An engagement explanation's components, one row each: the measured `raw` value, how it is
/// normalised, its `weight`, the points it adds (`contribution`; they sum to the score) and the
/// posts behind it.
pub fn explanation_components(e: &Explanation) -> Result<RecordBatch, Error> {
    let rows: Vec<ComponentRow<'_>> = e
        .components
        .iter()
        .map(|c| ComponentRow {
            handle: &e.handle,
            id: &e.id,
            component: c.name,
            raw: c.raw,
            normalisation: c.normalisation,
            normalised: c.normalised,
            weight: c.weight,
            contribution: c.contribution,
            post_ids: &c.post_ids,
        })
        .collect();
    with_types(&record_batch(&rows)?, &[("post_ids", str_list_type())])
}

#[derive(Serialize, Default)]
struct LearningItem<'a> {
    goal: &'a str,
    kind: &'static str,
    rank: usize,
    key: &'a str,
    score: f64,
    count: Option<u32>,
    last_post_at: Option<DateTime<Utc>>,
    post_ids: &'a [String],
}

/// A learning feed's items over all goals, in the feed's order: per goal its mentors (`key` the
/// handle, `score` the mentor score, `count` the answers), rising hashtags (`key` the hashtag,
/// `score` the growth, `count` the posts in the window) and conversations (`key` the conversation
/// id, `score` its two-way pairs, `count` its posts, `last_post_at`). `post_ids` are the evidence.
pub fn learning_items(feed: &LearningFeed) -> Result<RecordBatch, Error> {
    let mut rows: Vec<LearningItem<'_>> = Vec::new();
    for g in &feed.goals {
        for m in &g.mentors {
            rows.push(LearningItem {
                goal: &g.goal,
                kind: "mentor",
                rank: m.rank,
                key: &m.handle,
                score: m.score,
                count: Some(m.answers),
                last_post_at: None,
                post_ids: &m.evidence_post_ids,
            });
        }
        for (i, h) in g.rising_hashtags.iter().enumerate() {
            rows.push(LearningItem {
                goal: &g.goal,
                kind: "rising_hashtag",
                rank: i + 1,
                key: &h.hashtag,
                score: h.growth,
                count: Some(h.current),
                last_post_at: None,
                post_ids: &h.post_ids,
            });
        }
        for (i, c) in g.conversations.iter().enumerate() {
            rows.push(LearningItem {
                goal: &g.goal,
                kind: "conversation",
                rank: i + 1,
                key: &c.conversation_id,
                score: c.two_way_pairs as f64,
                count: Some(u32::try_from(c.posts).unwrap_or(u32::MAX)),
                last_post_at: Some(c.last_post_at),
                post_ids: &c.post_ids,
            });
        }
    }
    with_types(
        &record_batch(&rows)?,
        &[
            ("count", DataType::Int64),
            ("last_post_at", timestamp_type()),
            ("post_ids", str_list_type()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Cell, cell, dtype_name};
    use chrono::TimeZone;
    use rapport_core::engagement::{EngagementOptions, broadcast_report, explain};
    use rapport_core::learning::{LearningOptions, learning_feed};
    use rapport_core::mentors::Topic;
    use rapport_core::{Account, Corpus, Post};

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 1, h, 0, 0).unwrap()
    }

    /// acme posts 10 (#hiring) and 20; ada replies to 10, acme answers; 20 is void.
    fn corpus() -> Corpus {
        let mut c = Corpus::new();
        c.add_account(Account::new("1", "acme"));
        c.add_account(Account::new("2", "ada"));
        let mut p = Post::new("10", "1", "We are #hiring #rustlang", t(9));
        p.hashtags = vec!["hiring".into(), "rustlang".into()];
        p.conversation_id = Some("10".into());
        c.add_post(p);
        c.add_post(Post::new("20", "1", "Lunch", t(9)));
        let mut r = Post::new("11", "2", "@acme how do I apply? #rustlang", t(10));
        r.reply_to = Some("10".into());
        r.conversation_id = Some("10".into());
        r.reply_to_account = Some("1".into());
        r.hashtags = vec!["rustlang".into()];
        c.add_post(r);
        let mut a = Post::new("12", "1", "@ada with the form #rustlang", t(11));
        a.reply_to = Some("11".into());
        a.conversation_id = Some("10".into());
        a.reply_to_account = Some("2".into());
        a.hashtags = vec!["rustlang".into()];
        c.add_post(a);
        c
    }

    fn type_of(b: &RecordBatch, name: &str) -> &'static str {
        dtype_name(b.schema().field_with_name(name).unwrap().data_type())
    }

    #[test]
    fn follow_columns_are_bool_without_snapshots() {
        let rows = rapport_core::engagement::engagement(
            &corpus(),
            &["acme"],
            &EngagementOptions::default(),
        )
        .unwrap()
        .rows;
        assert!(rows.iter().all(|r| r.org_follows.is_none()));
        for b in [engagement(&rows).unwrap(), engagement(&[]).unwrap()] {
            for c in ["org_follows", "follows_org", "mutual"] {
                assert_eq!(type_of(&b, c), "bool", "{c}");
            }
            assert_eq!(type_of(&b, "latency_org_ms"), "f64");
            assert_eq!(type_of(&b, "last_interaction"), "timestamp[ms, UTC]");
            assert!(b.schema().index_of("account").is_err());
        }
    }

    #[test]
    fn follow_columns_are_bool_with_snapshots() {
        let rows = vec![
            EngagementRow {
                handle: "ada".into(),
                org_follows: Some(true),
                follows_org: Some(false),
                mutual: Some(false),
                ..EngagementRow::default()
            },
            EngagementRow {
                handle: "bob".into(),
                ..EngagementRow::default()
            },
        ];
        let b = engagement(&rows).unwrap();
        let i = b.schema().index_of("org_follows").unwrap();
        assert_eq!(type_of(&b, "org_follows"), "bool");
        assert_eq!(cell(b.column(i), 0), Cell::Bool(true));
        assert_eq!(cell(b.column(i), 1), Cell::Null);
        let m = b.schema().index_of("mutual").unwrap();
        assert_eq!(cell(b.column(m), 0), Cell::Bool(false));
    }

    #[test]
    fn broadcast_tables() {
        let r = broadcast_report(&corpus(), &["acme"]).unwrap();
        let posts = broadcast_posts(&r).unwrap();
        assert_eq!(posts.num_rows(), 2);
        let class = posts.schema().index_of("class").unwrap();
        let classes: Vec<Cell<'_>> = (0..2).map(|i| cell(posts.column(class), i)).collect();
        assert!(classes.contains(&Cell::Str("void")));
        assert!(classes.contains(&Cell::Str("conversation")));
        assert_eq!(type_of(&posts, "created_at"), "timestamp[ms, UTC]");

        let s = broadcast_summary(&r).unwrap();
        // overall, one account, #hiring and #rustlang, one month.
        assert_eq!(s.num_rows(), 1 + 1 + r.by_hashtag.len() + 1);
        assert_eq!(s.schema().field(0).name(), "scope");
        assert_eq!(cell(s.column(0), 0), Cell::Str("overall"));
        assert_eq!(cell(s.column(0), 1), Cell::Str("account"));
        assert_eq!(cell(s.column(0), s.num_rows() - 1), Cell::Str("month"));
        let posts_col = s.schema().index_of("posts").unwrap();
        assert_eq!(cell(s.column(posts_col), 0), Cell::I64(2));
        let void_rate = s.schema().index_of("void_rate").unwrap();
        assert_eq!(cell(s.column(void_rate), 0), Cell::F64(0.5));
    }

    #[test]
    fn explanation_rows_sum_to_the_score() {
        let e = explain(&corpus(), &["acme"], "ada", &EngagementOptions::default()).unwrap();
        let b = explanation_components(&e).unwrap();
        assert_eq!(b.num_rows(), e.components.len());
        let i = b.schema().index_of("contribution").unwrap();
        let sum: f64 = (0..b.num_rows())
            .map(|r| match cell(b.column(i), r) {
                Cell::F64(x) => x,
                other => panic!("{other:?}"),
            })
            .sum();
        assert!((sum - e.score).abs() < 1e-9);
        assert_eq!(type_of(&b, "post_ids"), "list[str]");
        assert_eq!(cell(b.column(0), 0), Cell::Str("ada"));
    }

    #[test]
    fn learning_items_cover_every_goal_and_kind() {
        let feed = learning_feed(
            &corpus(),
            &[Topic::hashtags(["rustlang"])],
            &LearningOptions::default(),
        )
        .unwrap();
        let b = learning_items(&feed).unwrap();
        let g = &feed.goals[0];
        assert_eq!(
            b.num_rows(),
            g.mentors.len() + g.rising_hashtags.len() + g.conversations.len()
        );
        assert!(b.num_rows() > 0);
        assert_eq!(type_of(&b, "last_post_at"), "timestamp[ms, UTC]");
        assert_eq!(type_of(&b, "count"), "i64");
        let kind = b.schema().index_of("kind").unwrap();
        assert_eq!(cell(b.column(kind), 0), Cell::Str("mentor"));
        // An empty feed keeps its columns and types.
        let empty = learning_items(&LearningFeed {
            as_of: t(12),
            window_days: 30.0,
            goals: Vec::new(),
        })
        .unwrap();
        assert_eq!(empty.num_rows(), 0);
        assert_eq!(type_of(&empty, "last_post_at"), "timestamp[ms, UTC]");
        assert_eq!(type_of(&empty, "post_ids"), "list[str]");
    }
}
