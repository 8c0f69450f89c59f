//! Tests that need the failure injection only a test build has.

use chrono::{Duration, TimeZone, Utc};
use rapport_core::{Account, Corpus, Mention, Post};

use crate::store::{at_tokens, redact, redact_urls, url_handle};
use crate::{Cursor, Store, StoreError, Watch, WatchKind};

/// Page `n` (0-based) of a search: posts n*4+1 ..= n*4+5 — five posts, so consecutive pages overlap by
/// one post, as real pages do when new posts arrive between requests.
fn page(n: u64) -> (Corpus, Cursor) {
    let t0 = Utc.with_ymd_and_hms(2026, 2, 1, 8, 0, 0).unwrap();
    let mut c = Corpus::new();
    c.add_account(Account::new("1", "acme_careers"));
    for i in n * 4 + 1..=n * 4 + 5 {
        let author = format!("{}", 100 + i % 3);
        let mut p = Post::new(
            format!("{i}"),
            author,
            format!("post {i} for @acme_careers"),
            t0 + Duration::minutes(i as i64),
        );
        p.mentions.push(Mention {
            id: Some("1".into()),
            handle: "acme_careers".into(),
        });
        p.hashtags.push("Hiring".into());
        c.add_post(p);
    }
    let cursor = Cursor {
        newest_id: Some("5".into()),
        next_token: Some(format!("token-after-page-{n}")),
    };
    (c, cursor)
}

fn sorted_posts(c: &Corpus) -> Vec<Post> {
    let mut v: Vec<Post> = c.posts().map(|p| p.to_post()).collect();
    v.sort_by(|a, b| a.id.cmp(&b.id));
    v
}

fn count_rows(s: &Store) -> (i64, i64) {
    s.conn
        .query_row("SELECT count(*), count(DISTINCT id) FROM posts", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
}

#[test]
fn an_interrupted_page_leaves_nothing_and_the_rerun_matches_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let watch = Watch::new("jobs", WatchKind::Search, "#hiring");

    // The uninterrupted run: pages 0, 1, 2.
    let mut clean = Store::open(dir.path().join("clean.db")).unwrap();
    clean.add_watch(&watch).unwrap();
    for n in 0..3 {
        let (c, cur) = page(n);
        clean.add_page(&c, "jobs", &cur).unwrap();
    }

    // The interrupted run: page 0 stored, page 1 fails after 2 of its 5 posts.
    let mut s = Store::open(dir.path().join("crash.db")).unwrap();
    s.add_watch(&watch).unwrap();
    let (c0, cur0) = page(0);
    s.add_page(&c0, "jobs", &cur0).unwrap();
    s.fail_after_posts = Some(2);
    let (c1, cur1) = page(1);
    let err = s.add_page(&c1, "jobs", &cur1).unwrap_err();
    assert!(matches!(err, StoreError::Injected(2)), "{err}");
    s.fail_after_posts = None;

    // Nothing of page 1 is visible, also from another connection, and the cursor did not move.
    let other = Store::open(dir.path().join("crash.db")).unwrap();
    assert_eq!(other.num_posts().unwrap(), 5, "page 0 has posts 1..=5");
    assert_eq!(
        other
            .cursor("jobs")
            .unwrap()
            .unwrap()
            .cursor
            .next_token
            .as_deref(),
        Some("token-after-page-0")
    );
    assert!(other.load_corpus().unwrap().post_by_id("6").is_none());

    // The rerun resumes from the cursor: page 1 again, then page 2.
    for n in 1..3 {
        let (c, cur) = page(n);
        s.add_page(&c, "jobs", &cur).unwrap();
    }
    let a = s.load_corpus().unwrap();
    let b = clean.load_corpus().unwrap();
    assert_eq!(sorted_posts(&a), sorted_posts(&b));
    // Pages cover posts 1..=5, 5..=9, 9..=13: 13 distinct posts, each stored once.
    assert_eq!(count_rows(&s), (13, 13));
    assert_eq!(count_rows(&clean), (13, 13));
    assert_eq!(
        s.cursor("jobs").unwrap().unwrap().cursor,
        clean.cursor("jobs").unwrap().unwrap().cursor
    );
}

#[test]
fn a_failed_save_corpus_writes_no_accounts_either() {
    let mut s = Store::open_in_memory().unwrap();
    s.fail_after_posts = Some(1);
    let (c, _) = page(0);
    assert!(s.save_corpus(&c).is_err());
    let accounts: i64 = s
        .conn
        .query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(accounts, 0);
    assert_eq!(s.num_posts().unwrap(), 0);
}

#[test]
fn at_tokens_find_handles_at_word_starts_only() {
    let t = "hi @Ada_1, mail ada@example.com or @ @bob!";
    let found: Vec<&str> = at_tokens(t).into_iter().map(|(_, _, h)| h).collect();
    assert_eq!(found, ["Ada_1", "bob"]);
    let (r, n) = redact(t, |h| h.eq_ignore_ascii_case("ada_1"));
    assert_eq!(n, 1);
    assert_eq!(r, "hi @[forgotten], mail ada@example.com or @ @bob!");
    // A longer handle that starts with the forgotten one is somebody else.
    let (r, n) = redact("@ada_10 and @ada_1", |h| h == "ada_1");
    assert_eq!((r.as_str(), n), ("@ada_10 and @[forgotten]", 1));
}

#[test]
fn add_page_with_options_moves_page_cursor_and_options_together_or_not_at_all() {
    let mut s = Store::open_in_memory().unwrap();
    s.add_watch(&Watch::new("jobs", WatchKind::Search, "#hiring"))
        .unwrap();
    let (c0, cur0) = page(0);
    let opts0 = serde_json::json!({"sync": {"sweep_newest": "5"}});
    s.add_page_with_options(&c0, "jobs", &cur0, &opts0).unwrap();
    assert_eq!(s.watch("jobs").unwrap().unwrap().options, opts0);
    assert_eq!(s.cursor("jobs").unwrap().unwrap().cursor, cur0);

    // A failure half-way through page 1 leaves page 0's posts, cursor and options as they were.
    s.fail_after_posts = Some(2);
    let (c1, cur1) = page(1);
    let opts1 = serde_json::json!({"sync": {"sweep_newest": "9"}});
    assert!(s.add_page_with_options(&c1, "jobs", &cur1, &opts1).is_err());
    s.fail_after_posts = None;
    assert_eq!(s.num_posts().unwrap(), 5);
    assert_eq!(s.watch("jobs").unwrap().unwrap().options, opts0);
    assert_eq!(s.cursor("jobs").unwrap().unwrap().cursor, cur0);
}

#[test]
fn x_urls_that_name_a_forgotten_handle_are_found_and_redacted() {
    assert_eq!(url_handle("https://twitter.com/Ada/status/1"), Some("Ada"));
    assert_eq!(url_handle("http://www.x.com/ada?s=20"), Some("ada"));
    assert_eq!(url_handle("https://mobile.twitter.com/ada"), Some("ada"));
    assert_eq!(url_handle("https://dropbox.com/ada"), None);
    assert_eq!(url_handle("https://x.com/"), None);
    let (t, n) = redact_urls(
        "see https://x.com/Ada/status/9 and dropbox.com/ada and twitter.com/ada_10",
        |h| h.eq_ignore_ascii_case("ada"),
    );
    assert_eq!(n, 1);
    assert_eq!(
        t,
        "see https://x.com/[forgotten]/status/9 and dropbox.com/ada and twitter.com/ada_10"
    );
}
