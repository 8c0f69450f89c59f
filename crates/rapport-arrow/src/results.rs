//! The tables of the analyses whose results are nested (a report with parts, an explanation, a feed
//! per goal): each tabular part as one record batch, built here from the result's typed rows so that
//! the domain modules stay free of table code and the CLI and Python get the same columns.
//!
//! | function | one row per | columns |
//! | --- | --- | --- |
//! | [`engagement`] | account | the engagement row without the in-process `account` index; the follow columns are always `bool` |
//! | [`skills`] | account and skill | `account_id`, `handle`, `skill_id`, `label`, `strength`, `posts`, `counts.hashtag`, `counts.keyword`, `counts.bio`, `counts.list`, `peer.replies`, `peer.repliers`, `peer.strength`, `first_seen`, `last_seen`, `evidence_post_ids`, `evidence_list_ids` |
//! | [`mentors`] | mentor of a topic | the mentor row without the in-process `account` index: `rank`, `handle`, `id`, `score`, `pagerank`, `answers`, `answers_acknowledged`, `reach`, `topic_posts`, `evidence_post_ids` |
//! | [`broadcast_posts`] | post of the organisation | `post_id`, `account`, `created_at`, `month`, `hashtags`, `replies`, `replies_answered`, `quotes`, `reposts`, `answered`, `time_to_first_reply_ms`, `time_to_answer_ms`, `class` |
//! | [`broadcast_summary`] | group of posts | `scope` (`overall`, `account`, `hashtag`, `month`), `key`, then the aggregate (`posts`, `void`, …, `p90_answer_ms`) |
//! | [`explanation_components`] | component of the score | `handle`, `id`, `component`, `raw`, `normalisation`, `normalised`, `weight`, `contribution`, `post_ids` |
//! | [`learning_items`] | item of a learning feed | `goal`, `kind` (`mentor`, `rising_hashtag`, `conversation`), `rank`, `key`, `score`, `count`, `last_post_at`, `post_ids` |
//!
//! [`engagement`], [`skills`] and [`mentors`] are the tables that grow with the corpus (one row per
//! account, or per account and skill); they are built column by column from the rows, with the same
//! schema and values as [`record_batch`] gives for the same rows (`tests` compares them), at a
//! fraction of the time. Like [`record_batch`], [`skills`] and [`mentors`] type a column by what the
//! rows hold: a timestamp column that is `None` in every row is a `null` column, and a list column
//! that is empty in every row is the JSON text `[]` of each row (a `str` column).
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

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, NullArray, StringArray, StringBuilder,
    TimestampMillisecondArray,
};
use arrow::datatypes::DataType;
use chrono::{DateTime, Utc};
use rapport_core::engagement::{BroadcastAggregate, BroadcastReport, EngagementRow, Explanation};
use rapport_core::learning::LearningFeed;
use rapport_core::mentors::MentorRow;
use rapport_core::skills::SkillEvidence;
use serde::Serialize;

use crate::table::{
    StrListBuilder, UTC, batch_of, record_batch, record_batch_without, str_list_type,
    timestamp_type, with_types,
};
use crate::{Error, RecordBatch};

/// Engagement rows as a table, without the in-process `account` index (`id` and `handle` name the
/// account). Optional columns keep their type when every row lacks them: `account_word_share`,
/// `talk_balance` and the latencies are nullable `f64`, `last_interaction` a nullable timestamp, and
/// `org_follows`, `follows_org` and `mutual` nullable `bool` with or without follow snapshots.
///
/// The same table as `with_types(&record_batch_without(rows, "account")?, ..)` with those types,
/// built column by column.
pub fn engagement(rows: &[EngagementRow]) -> Result<RecordBatch, Error> {
    batch_of(vec![
        ("handle", str_column(rows, |r| &r.handle)),
        ("id", str_column(rows, |r| &r.id)),
        ("score", f64_column(rows, |r| r.score)),
        ("stage", str_column(rows, |r| r.stage.as_str())),
        ("replies_from_org", u32_column(rows, |r| r.replies_from_org)),
        ("replies_to_org", u32_column(rows, |r| r.replies_to_org)),
        (
            "mentions_from_org",
            u32_column(rows, |r| r.mentions_from_org),
        ),
        ("mentions_to_org", u32_column(rows, |r| r.mentions_to_org)),
        (
            "amplification_from_org",
            u32_column(rows, |r| r.amplification_from_org),
        ),
        (
            "amplification_to_org",
            u32_column(rows, |r| r.amplification_to_org),
        ),
        (
            "two_way_exchanges",
            u32_column(rows, |r| r.two_way_exchanges),
        ),
        (
            "recent_two_way_exchanges",
            u32_column(rows, |r| r.recent_two_way_exchanges),
        ),
        ("reciprocity", f64_column(rows, |r| r.reciprocity)),
        ("words_org", u32_column(rows, |r| r.words_org)),
        ("words_account", u32_column(rows, |r| r.words_account)),
        (
            "account_word_share",
            opt_f64_column(rows, |r| r.account_word_share),
        ),
        ("talk_balance", opt_f64_column(rows, |r| r.talk_balance)),
        ("utterances", u32_column(rows, |r| r.utterances)),
        ("turn_taking", f64_column(rows, |r| r.turn_taking)),
        (
            "latency_account_ms",
            opt_f64_column(rows, |r| r.latency_account_ms),
        ),
        ("latency_org_ms", opt_f64_column(rows, |r| r.latency_org_ms)),
        (
            "latency_pooled_ms",
            opt_f64_column(rows, |r| r.latency_pooled_ms),
        ),
        ("interactions", u32_column(rows, |r| r.interactions)),
        (
            "decayed_interactions",
            f64_column(rows, |r| r.decayed_interactions),
        ),
        (
            "last_interaction",
            timestamp_column(rows, |r| r.last_interaction),
        ),
        ("org_follows", opt_bool_column(rows, |r| r.org_follows)),
        ("follows_org", opt_bool_column(rows, |r| r.follows_org)),
        ("mutual", opt_bool_column(rows, |r| r.mutual)),
    ])
}

/// Skill evidence as a table, one row per account and skill: the source counts as `counts.*` and the
/// peer validation as `peer.*` columns, `first_seen` and `last_seen` as timestamps, the evidence ids
/// as lists of strings.
///
/// The same table as [`record_batch`] of the rows, built column by column: like it, a timestamp
/// column that is `None` in every row is a `null` column, and a list column that is empty in every
/// row is the JSON text `[]` of each row.
pub fn skills(rows: &[SkillEvidence]) -> Result<RecordBatch, Error> {
    skills_keeping(rows, usize::MAX)
}

/// [`skills`] with at most `keep` evidence post ids per row, the first ones (the best): the table of
/// the rows cut to `keep` ids ([`EvidenceOptions::max_evidence_posts`]), made from the full rows
/// without copying them.
///
/// [`EvidenceOptions::max_evidence_posts`]: rapport_core::skills::EvidenceOptions::max_evidence_posts
pub fn skills_keeping(rows: &[SkillEvidence], keep: usize) -> Result<RecordBatch, Error> {
    batch_of(vec![
        ("account_id", str_column(rows, |r| &r.account_id)),
        ("handle", str_column(rows, |r| &r.handle)),
        ("skill_id", str_column(rows, |r| &r.skill_id)),
        ("label", str_column(rows, |r| &r.label)),
        ("strength", f64_column(rows, |r| r.strength)),
        ("posts", u32_column(rows, |r| r.posts)),
        ("counts.hashtag", u32_column(rows, |r| r.counts.hashtag)),
        ("counts.keyword", u32_column(rows, |r| r.counts.keyword)),
        ("counts.bio", u32_column(rows, |r| r.counts.bio)),
        ("counts.list", u32_column(rows, |r| r.counts.list)),
        ("peer.replies", u32_column(rows, |r| r.peer.replies)),
        ("peer.repliers", u32_column(rows, |r| r.peer.repliers)),
        ("peer.strength", f64_column(rows, |r| r.peer.strength)),
        (
            "first_seen",
            traced_timestamp_column(rows, |r| r.first_seen),
        ),
        ("last_seen", traced_timestamp_column(rows, |r| r.last_seen)),
        (
            "evidence_post_ids",
            traced_str_list_column(rows, |r| {
                &r.evidence_post_ids[..keep.min(r.evidence_post_ids.len())]
            })?,
        ),
        (
            "evidence_list_ids",
            traced_str_list_column(rows, |r| &r.evidence_list_ids)?,
        ),
    ])
}

/// Mentor rows as a table, without the in-process `account` index (`id` and `handle` name the
/// account).
///
/// The same table as `record_batch_without(rows, "account")`, built column by column: like it,
/// `evidence_post_ids` is the JSON text `[]` of each row when every row's list is empty.
pub fn mentors(rows: &[MentorRow]) -> Result<RecordBatch, Error> {
    batch_of(vec![
        ("rank", usize_column(rows, |r| r.rank)),
        ("handle", str_column(rows, |r| &r.handle)),
        ("id", str_column(rows, |r| &r.id)),
        ("score", f64_column(rows, |r| r.score)),
        ("pagerank", f64_column(rows, |r| r.pagerank)),
        ("answers", u32_column(rows, |r| r.answers)),
        (
            "answers_acknowledged",
            u32_column(rows, |r| r.answers_acknowledged),
        ),
        ("reach", u32_column(rows, |r| r.reach)),
        ("topic_posts", u32_column(rows, |r| r.topic_posts)),
        (
            "evidence_post_ids",
            traced_str_list_column(rows, |r| &r.evidence_post_ids)?,
        ),
    ])
}

/// [`engagement`] through the generic path ([`record_batch`] without `account`, the optional
/// columns typed with [`with_types`]): the reference the hand-built table is tested and measured
/// against, several times slower.
pub fn engagement_generic(rows: &[EngagementRow]) -> Result<RecordBatch, Error> {
    with_types(
        &record_batch_without(rows, "account")?,
        &[
            ("account_word_share", DataType::Float64),
            ("talk_balance", DataType::Float64),
            ("latency_account_ms", DataType::Float64),
            ("latency_org_ms", DataType::Float64),
            ("latency_pooled_ms", DataType::Float64),
            ("last_interaction", timestamp_type()),
            ("org_follows", DataType::Boolean),
            ("follows_org", DataType::Boolean),
            ("mutual", DataType::Boolean),
        ],
    )
}

/// [`skills`] through the generic path ([`record_batch`]): the reference the hand-built table is
/// tested and measured against, several times slower.
pub fn skills_generic(rows: &[SkillEvidence]) -> Result<RecordBatch, Error> {
    record_batch(rows)
}

/// [`mentors`] through the generic path ([`record_batch_without`] `account`): the reference the
/// hand-built table is tested and measured against, several times slower.
pub fn mentors_generic(rows: &[MentorRow]) -> Result<RecordBatch, Error> {
    record_batch_without(rows, "account")
}

/// A `Utf8` column of one string per row, its bytes reserved up front.
fn str_column<T>(rows: &[T], f: impl Fn(&T) -> &str) -> ArrayRef {
    let bytes = rows.iter().map(|r| f(r).len()).sum();
    let mut b = StringBuilder::with_capacity(rows.len(), bytes);
    for r in rows {
        b.append_value(f(r));
    }
    Arc::new(b.finish())
}

/// An `f64` column without nulls.
fn f64_column<T>(rows: &[T], f: impl Fn(&T) -> f64) -> ArrayRef {
    Arc::new(Float64Array::from(rows.iter().map(f).collect::<Vec<f64>>()))
}

/// A nullable `f64` column.
fn opt_f64_column<T>(rows: &[T], f: impl Fn(&T) -> Option<f64>) -> ArrayRef {
    Arc::new(rows.iter().map(f).collect::<Float64Array>())
}

/// An `i64` column (every integer is `i64` in rapport's tables) of `u32` values.
fn u32_column<T>(rows: &[T], f: impl Fn(&T) -> u32) -> ArrayRef {
    Arc::new(Int64Array::from(
        rows.iter().map(|r| i64::from(f(r))).collect::<Vec<i64>>(),
    ))
}

/// An `i64` column of `usize` values; a value beyond `i64` is null, as the generic path's cast
/// makes it.
fn usize_column<T>(rows: &[T], f: impl Fn(&T) -> usize) -> ArrayRef {
    Arc::new(
        rows.iter()
            .map(|r| i64::try_from(f(r)).ok())
            .collect::<Int64Array>(),
    )
}

/// A nullable `bool` column.
fn opt_bool_column<T>(rows: &[T], f: impl Fn(&T) -> Option<bool>) -> ArrayRef {
    Arc::new(rows.iter().map(f).collect::<BooleanArray>())
}

/// A nullable `Timestamp(ms, "UTC")` column.
fn timestamp_column<T>(rows: &[T], f: impl Fn(&T) -> Option<DateTime<Utc>>) -> ArrayRef {
    Arc::new(
        rows.iter()
            .map(|r| f(r).map(|t| t.timestamp_millis()))
            .collect::<TimestampMillisecondArray>()
            .with_timezone(UTC),
    )
}

/// A timestamp column typed as [`record_batch`] types it: `null` when no row has a value.
fn traced_timestamp_column<T>(rows: &[T], f: impl Fn(&T) -> Option<DateTime<Utc>>) -> ArrayRef {
    if rows.iter().all(|r| f(r).is_none()) {
        return Arc::new(NullArray::new(rows.len()));
    }
    timestamp_column(rows, f)
}

/// A `List(Utf8)` column of one list per row, typed as [`record_batch`] types it: when every list is
/// empty no item type is seen, and the column is the JSON text `[]` of each row.
fn traced_str_list_column<T>(rows: &[T], f: impl Fn(&T) -> &[String]) -> Result<ArrayRef, Error> {
    let (mut items, mut bytes) = (0, 0);
    for r in rows {
        let l = f(r);
        items += l.len();
        bytes += l.iter().map(String::len).sum::<usize>();
    }
    if items == 0 {
        return Ok(Arc::new(StringArray::from_iter_values(
            std::iter::repeat_n("[]", rows.len()),
        )));
    }
    let mut b = StrListBuilder::with_capacities(rows.len(), items, bytes);
    for r in rows {
        b.push(f(r).iter().map(String::as_str));
    }
    b.finish()
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

    fn generic_engagement(rows: &[EngagementRow]) -> RecordBatch {
        engagement_generic(rows).unwrap()
    }

    /// `a` and `b` are the same batch; the first differing column is named when they are not.
    fn assert_same(a: &RecordBatch, b: &RecordBatch) {
        assert_eq!(a.schema(), b.schema());
        for (i, f) in a.schema().fields().iter().enumerate() {
            assert_eq!(
                a.column(i).to_data(),
                b.column(i).to_data(),
                "column {}",
                f.name()
            );
        }
        assert_eq!(a, b);
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    /// A time before 1970 with a part of a millisecond (rounding must agree) and one after.
    fn odd_times() -> [DateTime<Utc>; 2] {
        [
            Utc.timestamp_opt(-1, 999_999).unwrap(),
            Utc.timestamp_opt(1_714_554_000, 123_456_789).unwrap(),
        ]
    }

    fn engagement_rows() -> Vec<EngagementRow> {
        use rapport_core::engagement::Stage;
        let [before, after] = odd_times();
        let full = EngagementRow {
            account: rapport_core::AccountIdx(7),
            handle: "zoë_🦀".into(),
            id: "12345678901234567890".into(),
            score: 99.5,
            stage: Stage::Engaged,
            replies_from_org: u32::MAX,
            replies_to_org: 1,
            mentions_from_org: 2,
            mentions_to_org: 3,
            amplification_from_org: 4,
            amplification_to_org: 5,
            two_way_exchanges: 6,
            recent_two_way_exchanges: 7,
            reciprocity: f64::NAN,
            words_org: 8,
            words_account: 9,
            account_word_share: Some(f64::INFINITY),
            talk_balance: Some(-0.0),
            utterances: 10,
            turn_taking: f64::NEG_INFINITY,
            latency_account_ms: Some(1.5),
            latency_org_ms: Some(f64::NAN),
            latency_pooled_ms: Some(f64::MAX),
            interactions: 11,
            decayed_interactions: f64::MIN_POSITIVE,
            last_interaction: Some(before),
            org_follows: Some(true),
            follows_org: Some(false),
            mutual: Some(false),
        };
        let mut rows = vec![full.clone()];
        for (i, stage) in [
            Stage::Unaware,
            Stage::Noticed,
            Stage::Responded,
            Stage::Conversing,
        ]
        .into_iter()
        .enumerate()
        {
            rows.push(EngagementRow {
                handle: format!("h{i}"),
                stage,
                last_interaction: Some(after),
                ..EngagementRow::default()
            });
        }
        rows.push(EngagementRow {
            handle: String::new(),
            org_follows: Some(false),
            follows_org: Some(true),
            mutual: None,
            ..full
        });
        rows
    }

    #[test]
    fn engagement_is_the_generic_table() {
        let rows = engagement_rows();
        // Some in every optional column, then None in some rows.
        assert_same(&engagement(&rows).unwrap(), &generic_engagement(&rows));
        // None in every optional column.
        let none = vec![EngagementRow::default(), EngagementRow::default()];
        assert_same(&engagement(&none).unwrap(), &generic_engagement(&none));
        // No row.
        assert_same(&engagement(&[]).unwrap(), &generic_engagement(&[]));
        // A real result.
        let real = rapport_core::engagement::engagement(
            &corpus(),
            &["acme"],
            &EngagementOptions::default(),
        )
        .unwrap()
        .rows;
        assert!(!real.is_empty());
        assert_same(&engagement(&real).unwrap(), &generic_engagement(&real));
    }

    fn skill_rows() -> Vec<SkillEvidence> {
        use rapport_core::skills::{PeerValidation, SourceCounts};
        let [before, after] = odd_times();
        let full = SkillEvidence {
            account_id: "1".into(),
            handle: "ada_λ".into(),
            skill_id: "rapport:rust".into(),
            label: "Rust 🦀".into(),
            strength: f64::NAN,
            posts: u32::MAX,
            counts: SourceCounts {
                hashtag: 1,
                keyword: 2,
                bio: 1,
                list: 3,
            },
            peer: PeerValidation {
                replies: 4,
                repliers: 2,
                strength: f64::INFINITY,
            },
            first_seen: Some(before),
            last_seen: Some(after),
            evidence_post_ids: ids(&["10", "", "ünïcode"]),
            evidence_list_ids: ids(&["l1"]),
        };
        vec![
            full.clone(),
            SkillEvidence {
                strength: -0.0,
                first_seen: None,
                evidence_post_ids: Vec::new(),
                ..full.clone()
            },
            SkillEvidence {
                last_seen: None,
                evidence_list_ids: Vec::new(),
                peer: PeerValidation::default(),
                ..full
            },
            SkillEvidence::default(),
        ]
    }

    #[test]
    fn skills_is_the_generic_table() {
        let rows = skill_rows();
        assert_same(&skills(&rows).unwrap(), &record_batch(&rows).unwrap());
        // Some in every optional column and a list item in every row.
        let some = &rows[..1];
        assert_same(&skills(some).unwrap(), &record_batch(some).unwrap());
        // None in every optional column, every list empty: typed as the generic path types them.
        let none = vec![SkillEvidence::default(), SkillEvidence::default()];
        let b = skills(&none).unwrap();
        assert_eq!(type_of(&b, "first_seen"), "null");
        assert_eq!(type_of(&b, "evidence_post_ids"), "str");
        assert_same(&b, &record_batch(&none).unwrap());
        // One list empty everywhere, the other not.
        let lists = vec![SkillEvidence {
            evidence_list_ids: ids(&["l"]),
            ..SkillEvidence::default()
        }];
        assert_same(&skills(&lists).unwrap(), &record_batch(&lists).unwrap());
        // No row.
        assert_same(
            &skills(&[]).unwrap(),
            &record_batch::<SkillEvidence>(&[]).unwrap(),
        );
        // A real result.
        let real = rapport_core::skills::evidence(
            &corpus(),
            &rapport_core::skills::Matcher::new(&rapport_core::skills::Taxonomy::builtin()),
            &rapport_core::skills::EvidenceOptions::default(),
        )
        .rows;
        assert!(!real.is_empty());
        assert_same(&skills(&real).unwrap(), &record_batch(&real).unwrap());
    }

    #[test]
    fn skills_keeping_is_the_table_of_the_rows_cut() {
        let cut = |rows: &[SkillEvidence], keep: usize| -> Vec<SkillEvidence> {
            let mut v = rows.to_vec();
            for r in &mut v {
                r.evidence_post_ids.truncate(keep);
            }
            v
        };
        let rows = skill_rows();
        // 0 empties every list: the column becomes the JSON text `[]`, as for rows without ids.
        for keep in [0, 1, 2, 3, usize::MAX] {
            assert_same(
                &skills_keeping(&rows, keep).unwrap(),
                &record_batch(&cut(&rows, keep)).unwrap(),
            );
        }
        let real = rapport_core::skills::evidence(
            &corpus(),
            &rapport_core::skills::Matcher::new(&rapport_core::skills::Taxonomy::builtin()),
            &rapport_core::skills::EvidenceOptions::default().all_evidence(),
        )
        .rows;
        assert!(real.iter().any(|r| r.evidence_post_ids.len() > 1));
        for keep in [1, 2] {
            assert_same(
                &skills_keeping(&real, keep).unwrap(),
                &skills(&cut(&real, keep)).unwrap(),
            );
        }
    }

    fn mentor_rows() -> Vec<MentorRow> {
        let full = MentorRow {
            rank: 1,
            account: rapport_core::AccountIdx(3),
            handle: "mentor_名前".into(),
            id: "42".into(),
            score: 1.0,
            pagerank: f64::NAN,
            answers: u32::MAX,
            answers_acknowledged: 2,
            reach: 3,
            topic_posts: 4,
            evidence_post_ids: ids(&["1", "2", "✓"]),
        };
        vec![
            full.clone(),
            MentorRow {
                rank: 2,
                score: f64::NEG_INFINITY,
                evidence_post_ids: Vec::new(),
                ..full.clone()
            },
            MentorRow {
                rank: usize::MAX,
                handle: String::new(),
                pagerank: -0.0,
                ..full
            },
        ]
    }

    #[test]
    fn mentors_is_the_generic_table() {
        let generic = |rows: &[MentorRow]| mentors_generic(rows).unwrap();
        let rows = mentor_rows();
        assert_same(&mentors(&rows).unwrap(), &generic(&rows));
        // Every list empty.
        let empty_lists = vec![MentorRow::default(), MentorRow::default()];
        let b = mentors(&empty_lists).unwrap();
        assert_eq!(type_of(&b, "evidence_post_ids"), "str");
        assert_same(&b, &generic(&empty_lists));
        assert_same(&mentors(&[]).unwrap(), &generic(&[]));
        let real = rapport_core::mentors::mentors(
            &corpus(),
            &Topic::hashtags(["rustlang"]),
            &rapport_core::mentors::MentorOptions::default(),
        )
        .unwrap()
        .rows;
        assert!(!real.is_empty());
        assert_same(&mentors(&real).unwrap(), &generic(&real));
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
