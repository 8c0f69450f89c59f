//! A throwaway measurement, not a test: engagement plus the broadcast report on a synthetic
//! 1M-post corpus. Run it in release:
//!
//! ```text
//! cargo test --release -p rapport-core --test engagement_bench -- --ignored --nocapture
//! ```

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use rapport_core::engagement::{
    EngagementOptions, Interactions, Org, broadcast_report, engagement_with,
};
use rapport_core::{Account, Corpus, Mention, Post};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// 1M posts by 50k accounts over a year; accounts 0..3 are the organisation and write 2% of the posts.
/// Of the rest: 40% replies (a third of them to the organisation's posts or replies), 10% reposts, 5%
/// quotes, 45% originals, a fifth of which mention an organisation account.
fn synthetic(n: usize, accounts: u64) -> Corpus {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let t0 = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let mut c = Corpus::new();
    for a in 0..accounts {
        c.add_account(Account::new(a.to_string(), format!("user{a}")));
    }
    let mut org_posts: Vec<usize> = Vec::new();
    let mut convs: Vec<u32> = Vec::with_capacity(n);
    for i in 0..n {
        let org = rng.below(50) == 0;
        let author = if org {
            rng.below(3)
        } else {
            3 + rng.below(accounts - 3)
        };
        let when = t0 + Duration::seconds((i as i64) * 31);
        let mut p = Post::new(
            i.to_string(),
            author.to_string(),
            "a few words of text about #rust and jobs",
            when,
        );
        let roll = rng.below(100);
        let mut conv = i as u32;
        if i > 10 && (org && roll < 50 || !org && roll < 40) {
            let target = if !org_posts.is_empty() && rng.below(3) == 0 {
                org_posts[rng.below(org_posts.len() as u64) as usize]
            } else {
                i - 1 - rng.below(i.min(5000) as u64) as usize
            };
            p.reply_to = Some(target.to_string());
            conv = convs[target];
        } else if i > 10 && roll < 50 {
            p.reposted = Some((i - 1 - rng.below(i.min(5000) as u64) as usize).to_string());
        } else if i > 10 && roll < 55 {
            p.quoted = Some((i - 1 - rng.below(i.min(5000) as u64) as usize).to_string());
        } else if rng.below(5) == 0 {
            let m = rng.below(3);
            p.mentions = vec![Mention {
                id: Some(m.to_string()),
                handle: format!("user{m}"),
            }];
        }
        if org && p.reply_to.is_none() {
            p.hashtags = vec![["hiring", "jobs", "nowhiring"][rng.below(3) as usize].into()];
        }
        p.conversation_id = Some(conv.to_string());
        convs.push(conv);
        if org {
            org_posts.push(i);
        }
        c.add_post(p);
    }
    c
}

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn one_million_posts() {
    let t = Instant::now();
    let c = synthetic(1_000_000, 50_000);
    eprintln!("build corpus: {:?} ({} posts)", t.elapsed(), c.num_posts());
    let t = Instant::now();
    let _ = c.indices();
    eprintln!("indices (shared, built once per corpus): {:?}", t.elapsed());

    let org = Org::resolve(&c, &["user0", "user1", "user2"]).unwrap();
    let opts = EngagementOptions::default();
    for round in 0..3 {
        let t = Instant::now();
        let ix = Interactions::build(&c);
        let t_ix = t.elapsed();
        let t = Instant::now();
        let r = engagement_with(&c, &ix, &org, &opts).unwrap();
        let t_eng = t.elapsed();
        let t = Instant::now();
        let b = broadcast_report(&c, &["user0", "user1", "user2"]).unwrap();
        let t_b = t.elapsed();
        eprintln!(
            "round {round}: interactions {t_ix:?} ({} rows, {} MB), engagement {t_eng:?} ({} rows), \
             broadcast {t_b:?} ({} posts, void rate {:.3}); total {:?}",
            ix.len(),
            ix.heap_bytes() / 1_000_000,
            r.rows.len(),
            b.posts.len(),
            b.overall.void_rate,
            t_ix + t_eng + t_b
        );
        eprintln!("funnel {:?}", r.funnel);
    }
}
