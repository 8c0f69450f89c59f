//! Saves and loads a synthetic corpus of a million posts and prints the times (a measurement, not a
//! test). Run: `cargo bench -p rapport-store --bench million` (`RAPPORT_BENCH_POSTS=100000` for less).
#![allow(clippy::print_stdout)]

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use rapport_core::{Account, Corpus, Mention, Post, PublicMetrics};
use rapport_store::Store;

/// Deterministic: 20,000 accounts; every third post a reply, every fifth has a mention, every post one
/// or two hashtags, every seventh a URL. Texts of about 100 characters.
fn synthetic(n: u64) -> Corpus {
    let accounts = 20_000u64;
    let t0 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let mut c = Corpus::new();
    for a in 0..accounts {
        let mut acc = Account::new(format!("{}", 1_000_000 + a), format!("user_{a}"));
        acc.display_name = Some(format!("User {a}"));
        c.add_account(acc);
    }
    let tags = [
        "rustlang", "hiring", "python", "devops", "remote", "ai", "jobs", "career",
    ];
    for i in 0..n {
        let author = 1_000_000 + (i * 7919) % accounts;
        let mut p = Post::new(
            format!("{}", 1_800_000_000_000_000_000u64 + i),
            format!("{author}"),
            format!(
                "post number {i} about #{} and things people talk about when they talk about work",
                tags[(i % 8) as usize]
            ),
            t0 + Duration::seconds(i as i64 * 20),
        );
        p.hashtags.push(tags[(i % 8) as usize].into());
        if i % 2 == 0 {
            p.hashtags.push(tags[((i / 2) % 8) as usize].into());
        }
        if i % 3 == 1 {
            let parent = 1_800_000_000_000_000_000u64 + i - 1;
            p.reply_to = Some(parent.to_string());
            p.conversation_id = Some(parent.to_string());
        }
        if i % 5 == 0 {
            let m = (i * 31) % accounts;
            p.mentions.push(Mention {
                id: Some(format!("{}", 1_000_000 + m)),
                handle: format!("user_{m}"),
            });
        }
        if i % 7 == 0 {
            p.urls.push(format!("https://example.com/a/{i}"));
        }
        p.lang = Some("en".into());
        p.metrics = PublicMetrics {
            replies: Some((i % 5) as u32),
            likes: Some((i % 50) as u32),
            ..PublicMetrics::default()
        };
        c.add_post(p);
    }
    c
}

fn main() {
    let n: u64 = std::env::var("RAPPORT_BENCH_POSTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let t = Instant::now();
    let corpus = synthetic(n);
    println!("generate {n} posts: {:.2?}", t.elapsed());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let mut store = Store::open(&path).unwrap();
    let t = Instant::now();
    store.save_corpus(&corpus).unwrap();
    println!("save_corpus: {:.2?}", t.elapsed());
    store.checkpoint().unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    println!("file size: {:.1} MB", size as f64 / 1e6);
    drop(store);
    for round in 0..3 {
        let store = Store::open(&path).unwrap();
        let t = Instant::now();
        let loaded = store.load_corpus().unwrap();
        println!(
            "load_corpus #{round}: {:.2?} ({} posts, {} accounts)",
            t.elapsed(),
            loaded.num_posts(),
            loaded.num_accounts()
        );
        assert_eq!(loaded.num_posts(), corpus.num_posts());
    }
}
