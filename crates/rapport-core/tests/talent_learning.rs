//! The learning feed on a hand-built corpus. Days are counted from 2026-03-01; `as_of` is the newest
//! post (day 20) and the window is 10 days: current = (day 10, day 20], previous = (day 0, day 10].
//!
//! | id | day | author | tags / what |
//! |---|---|---|---|
//! | old | −5 | ada | #rust #bevy (before both windows) |
//! | p1 | 1 | ada | #rust #tokio (previous) |
//! | p1r | 3 | bob | replies to p1 |
//! | p1b | 4 | ada | replies to p1r (two-way, but the conversation ends on day 4) |
//! | p2 | 2 | bob | #rust #tokio (previous) |
//! | c1 | 12 | cy | #rust #axum |
//! | d1 | 13 | dan | #rust #axum #tokio |
//! | a1 | 14 | ada | #rust #axum |
//! | e1, e2 | 15, 16 | eve | #rust #bevy |
//! | py | 15 | bob | #python #axum (another topic) |
//! | c1r | 17 | dan | replies to c1 |
//! | c1b | 18 | cy | replies to c1r (cy and dan: two-way) |
//! | d1r | 19 | ada | replies to d1 |
//! | d1s | 20 | eve | replies to d1 |
//!
//! By hand, within #rust, current vs previous: axum 3 vs 0 (growth 4), bevy 2 vs 0 (growth 3), tokio
//! 1 vs 2 (below the minimum of 2 and not growing). Conversations with a post in the window: c1 (one
//! two-way pair, 2 turns), d1 (no pair, 2 turns); p1's thread ended on day 4.

use chrono::{Duration, TimeZone, Utc};
use rapport_core::learning::LearningOptions;
use rapport_core::mentors::Topic;
use rapport_core::{Corpus, Post};

/// (id, day, author, hashtags, replies to)
type Row = (
    &'static str,
    i64,
    &'static str,
    &'static [&'static str],
    Option<&'static str>,
);

fn corpus() -> Corpus {
    let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let mut c = Corpus::new();
    let rows: [Row; 16] = [
        ("old", -5, "ada", &["rust", "bevy"], None),
        ("p1", 1, "ada", &["rust", "tokio"], None),
        ("p1r", 3, "bob", &[], Some("p1")),
        ("p1b", 4, "ada", &[], Some("p1r")),
        ("p2", 2, "bob", &["rust", "tokio"], None),
        ("c1", 12, "cy", &["rust", "axum"], None),
        ("d1", 13, "dan", &["rust", "axum", "tokio"], None),
        ("a1", 14, "ada", &["rust", "axum"], None),
        ("e1", 15, "eve", &["rust", "bevy"], None),
        ("e2", 16, "eve", &["bevy", "rust"], None),
        ("py", 15, "bob", &["python", "axum"], None),
        ("c1r", 17, "dan", &[], Some("c1")),
        ("c1b", 18, "cy", &[], Some("c1r")),
        ("d1r", 19, "ada", &[], Some("d1")),
        ("d1s", 20, "eve", &[], Some("d1")),
        ("x", 9, "zed", &[], None),
    ];
    for (id, day, author, tags, reply) in rows {
        let mut p = Post::new(id, author, "some words", t0 + Duration::days(day));
        p.hashtags = tags.iter().map(|t| (*t).to_owned()).collect();
        p.reply_to = reply.map(Into::into);
        c.add_post(p);
    }
    c
}

fn opts() -> LearningOptions {
    LearningOptions {
        window_days: 10.0,
        ..LearningOptions::default()
    }
}

#[test]
fn rising_hashtags_and_conversations_are_the_hand_worked_ones() {
    let c = corpus();
    let feed = c
        .learning_feed(&[Topic::hashtags(["rust"])], &opts())
        .unwrap();
    assert_eq!(
        feed.as_of,
        Utc.with_ymd_and_hms(2026, 3, 21, 0, 0, 0).unwrap()
    );
    let g = &feed.goals[0];
    assert_eq!(g.goal, "#rust");
    let rising: Vec<(&str, u32, u32, f64)> = g
        .rising_hashtags
        .iter()
        .map(|r| (r.hashtag.as_str(), r.current, r.previous, r.growth))
        .collect();
    assert_eq!(rising, [("axum", 3, 0, 4.0), ("bevy", 2, 0, 3.0)]);
    assert_eq!(g.rising_hashtags[0].post_ids, ["a1", "d1", "c1"]);

    let convs: Vec<(&str, usize, usize, usize)> = g
        .conversations
        .iter()
        .map(|k| {
            (
                k.conversation_id.as_str(),
                k.two_way_pairs,
                k.turns,
                k.participants,
            )
        })
        .collect();
    assert_eq!(convs, [("c1", 1, 2, 2), ("d1", 0, 2, 3)]);
    assert_eq!(g.conversations[0].post_ids, ["c1", "c1r", "c1b"]);

    assert!(!g.mentors.is_empty() && g.mentors.len() <= 5);
    // zed posted outside the topic and nobody interacted with zed: never a mentor of #rust.
    assert!(g.mentors.iter().all(|m| m.handle != "zed"));
}

#[test]
fn an_earlier_as_of_moves_the_windows() {
    let c = corpus();
    // as_of day 10: current (0, 10] has tokio 2 (p1, p2) vs nothing before but `old` (bevy).
    let o = LearningOptions {
        as_of: Some(Utc.with_ymd_and_hms(2026, 3, 11, 0, 0, 0).unwrap()),
        ..opts()
    };
    let feed = c.learning_feed(&[Topic::hashtags(["rust"])], &o).unwrap();
    let g = &feed.goals[0];
    let rising: Vec<&str> = g
        .rising_hashtags
        .iter()
        .map(|r| r.hashtag.as_str())
        .collect();
    assert_eq!(rising, ["tokio"]);
    assert_eq!(g.conversations.len(), 1);
    assert_eq!(g.conversations[0].conversation_id, "p1");
}

#[test]
fn bad_goals_are_errors() {
    let c = corpus();
    assert!(c.learning_feed(&[], &opts()).is_err());
    assert!(
        c.learning_feed(&[Topic::hashtags(["cobol"])], &opts())
            .is_err()
    );
    let bad = LearningOptions {
        window_days: 0.0,
        ..opts()
    };
    assert!(c.learning_feed(&[Topic::Global], &bad).is_err());
}
