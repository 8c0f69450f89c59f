//! The hand-built corpus of `talent_mentors.rs` (see its module docs for the worked numbers), shared
//! with `talent_entities.rs`.

use chrono::{Duration, TimeZone, Utc};
use rapport_core::{Account, Corpus, Mention, Post};

/// The corpus of the table in `talent_mentors.rs`.
pub(crate) fn corpus() -> Corpus {
    let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    let at = |h: i64| t0 + Duration::hours(h);
    let mut c = Corpus::new();
    for (i, n) in ["ada", "bob", "cy", "dan", "eve"].iter().enumerate() {
        c.add_account(Account::new((i + 1).to_string(), *n));
    }
    let post = |id: &str, author: &str, text: &str, h: i64, reply: Option<&str>, tags: &[&str]| {
        let mut p = Post::new(id, author, text, at(h));
        p.reply_to = reply.map(Into::into);
        p.hashtags = tags.iter().map(|t| (*t).to_owned()).collect();
        p
    };
    c.add_post(post(
        "q1",
        "1",
        "How do I pin a #rust toolchain?",
        0,
        None,
        &["rust"],
    ));
    c.add_post(post(
        "a1",
        "2",
        "Use rust-toolchain.toml",
        1,
        Some("q1"),
        &[],
    ));
    c.add_post(post("k1", "1", "thanks, that works", 2, Some("a1"), &[]));
    c.add_post(post(
        "a2",
        "3",
        "rustup override set stable",
        3,
        Some("q1"),
        &[],
    ));
    c.add_post(post("m1", "4", "+1", 4, Some("a2"), &[]));
    c.add_post(post(
        "q2",
        "5",
        "Which #python web framework?",
        5,
        None,
        &["python"],
    ));
    c.add_post(post("a3", "2", "Django", 6, Some("q2"), &[]));
    let mut x1 = post("x1", "4", "#rust is great @bob", 7, None, &["rust"]);
    x1.mentions = vec![Mention {
        id: Some("2".into()),
        handle: "bob".into(),
    }];
    c.add_post(x1);
    let mut r1 = post(
        "r1",
        "5",
        "RT @dan: #rust is great @bob",
        8,
        None,
        &["rust"],
    );
    r1.reposted = Some("x1".into());
    c.add_post(r1);
    c
}
