//! The big result tables as Arrow record batches, the generic serde path against the hand-built
//! columns, on synthetic rows (100 000 by default; set `RAPPORT_BENCH_ROWS` for another count):
//! `cargo bench -p rapport-benches --bench tables`.
//!
//! The rows look like the analyses' own: ids and handles of realistic length, about a third of the
//! optional values missing, zero to five evidence ids per row.

use std::sync::OnceLock;

use chrono::{DateTime, Duration, TimeZone, Utc};
use divan::{Bencher, black_box};
use rapport_arrow::results;
use rapport_core::engagement::{EngagementRow, Stage};
use rapport_core::mentors::MentorRow;
use rapport_core::skills::{PeerValidation, SkillEvidence, SourceCounts};

fn main() {
    // The synthetic rows give the same table both ways, or there is nothing to compare.
    assert!(
        results::engagement(engagement_rows()).ok()
            == results::engagement_generic(engagement_rows()).ok(),
        "engagement tables differ"
    );
    assert!(
        results::skills(skill_rows()).ok() == results::skills_generic(skill_rows()).ok(),
        "skills tables differ"
    );
    assert!(
        results::mentors(mentor_rows()).ok() == results::mentors_generic(mentor_rows()).ok(),
        "mentors tables differ"
    );
    divan::main();
}

fn rows() -> usize {
    std::env::var("RAPPORT_BENCH_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000)
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap()
}

/// Some of the row's evidence post ids: `i % 6` of them.
fn post_ids(i: usize) -> Vec<String> {
    (0..i % 6).map(|k| format!("17{:017}", i * 7 + k)).collect()
}

/// `Some(v)` in two rows of three.
fn some<T>(i: usize, v: T) -> Option<T> {
    (!i.is_multiple_of(3)).then_some(v)
}

fn engagement_rows() -> &'static [EngagementRow] {
    static R: OnceLock<Vec<EngagementRow>> = OnceLock::new();
    R.get_or_init(|| {
        let stages = [
            Stage::Unaware,
            Stage::Noticed,
            Stage::Responded,
            Stage::Conversing,
            Stage::Engaged,
        ];
        (0..rows())
            .map(|i| {
                let n = u32::try_from(i % 1000).unwrap_or(0);
                EngagementRow {
                    account: rapport_core::AccountIdx(u32::try_from(i).unwrap_or(0)),
                    handle: format!("user_{i}"),
                    id: format!("{:019}", 1_000_000_007 * i),
                    score: f64::from(n) / 10.0,
                    stage: stages[i % stages.len()],
                    replies_from_org: n % 7,
                    replies_to_org: n % 5,
                    mentions_from_org: n % 3,
                    mentions_to_org: n % 11,
                    amplification_from_org: n % 2,
                    amplification_to_org: n % 4,
                    two_way_exchanges: n % 3,
                    recent_two_way_exchanges: n % 2,
                    reciprocity: f64::from(n % 10) / 10.0,
                    words_org: n * 3,
                    words_account: n * 2,
                    account_word_share: some(i, 0.4),
                    talk_balance: some(i, 0.6),
                    utterances: n % 13,
                    turn_taking: 0.5,
                    latency_account_ms: some(i, f64::from(n) * 1000.0),
                    latency_org_ms: some(i + 1, f64::from(n) * 2000.0),
                    latency_pooled_ms: some(i, f64::from(n) * 1500.0),
                    interactions: n % 17,
                    decayed_interactions: f64::from(n % 17) * 0.8,
                    last_interaction: some(i, t0() + Duration::minutes(i64::from(n))),
                    org_follows: some(i, i % 2 == 0),
                    follows_org: some(i, i % 5 == 0),
                    mutual: some(i, i % 10 == 0),
                }
            })
            .collect()
    })
}

fn skill_rows() -> &'static [SkillEvidence] {
    static R: OnceLock<Vec<SkillEvidence>> = OnceLock::new();
    R.get_or_init(|| {
        let skills = [
            ("rapport:rust", "Rust"),
            ("rapport:python", "Python"),
            ("rapport:kubernetes", "Kubernetes"),
            ("rapport:data-engineering", "Data engineering"),
        ];
        (0..rows())
            .map(|i| {
                let n = u32::try_from(i % 1000).unwrap_or(0);
                let (skill_id, label) = skills[i % skills.len()];
                SkillEvidence {
                    account_id: format!("{:019}", 1_000_000_007 * (i / 3)),
                    handle: format!("user_{}", i / 3),
                    skill_id: skill_id.into(),
                    label: label.into(),
                    strength: f64::from(n) / 7.0,
                    posts: n % 9,
                    counts: SourceCounts {
                        hashtag: n % 4,
                        keyword: n % 6,
                        bio: n % 2,
                        list: 0,
                    },
                    peer: PeerValidation {
                        replies: n % 5,
                        repliers: n % 3,
                        strength: f64::from(n % 5) * 0.7,
                    },
                    first_seen: some(i, t0() - Duration::days(i64::from(n))),
                    last_seen: some(i, t0()),
                    evidence_post_ids: post_ids(i),
                    evidence_list_ids: if i % 10 == 0 {
                        vec![format!("list_{i}")]
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect()
    })
}

fn mentor_rows() -> &'static [MentorRow] {
    static R: OnceLock<Vec<MentorRow>> = OnceLock::new();
    R.get_or_init(|| {
        (0..rows())
            .map(|i| {
                let n = u32::try_from(i % 1000).unwrap_or(0);
                MentorRow {
                    rank: i + 1,
                    account: rapport_core::AccountIdx(u32::try_from(i).unwrap_or(0)),
                    handle: format!("user_{i}"),
                    id: format!("{:019}", 1_000_000_007 * i),
                    score: 1.0 / (1.0 + f64::from(n)),
                    pagerank: 1e-5 * f64::from(n),
                    answers: n % 8,
                    answers_acknowledged: n % 3,
                    reach: n % 40,
                    topic_posts: n % 25,
                    evidence_post_ids: post_ids(i),
                }
            })
            .collect()
    })
}

#[divan::bench]
fn engagement_generic(b: Bencher) {
    let r = engagement_rows();
    b.counter(divan::counter::ItemsCount::new(r.len()))
        .bench(|| results::engagement_generic(black_box(r)).expect("table"));
}

#[divan::bench]
fn engagement_hand_built(b: Bencher) {
    let r = engagement_rows();
    b.counter(divan::counter::ItemsCount::new(r.len()))
        .bench(|| results::engagement(black_box(r)).expect("table"));
}

#[divan::bench]
fn skills_generic(b: Bencher) {
    let r = skill_rows();
    b.counter(divan::counter::ItemsCount::new(r.len()))
        .bench(|| results::skills_generic(black_box(r)).expect("table"));
}

#[divan::bench]
fn skills_hand_built(b: Bencher) {
    let r = skill_rows();
    b.counter(divan::counter::ItemsCount::new(r.len()))
        .bench(|| results::skills(black_box(r)).expect("table"));
}

#[divan::bench]
fn mentors_generic(b: Bencher) {
    let r = mentor_rows();
    b.counter(divan::counter::ItemsCount::new(r.len()))
        .bench(|| results::mentors_generic(black_box(r)).expect("table"));
}

#[divan::bench]
fn mentors_hand_built(b: Bencher) {
    let r = mentor_rows();
    b.counter(divan::counter::ItemsCount::new(r.len()))
        .bench(|| results::mentors(black_box(r)).expect("table"));
}
