//! The synthetic corpus the throwaway measurements (`*_bench.rs`, ignored tests) share.

use chrono::{Duration, TimeZone, Utc};
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

const TAGS: [&str; 20] = [
    "rust",
    "python",
    "golang",
    "devops",
    "kubernetes",
    "ml",
    "datascience",
    "react",
    "typescript",
    "java",
    "sql",
    "security",
    "cloud",
    "aws",
    "linux",
    "hiring",
    "jobs",
    "nowhiring",
    "ux",
    "design",
];

/// 1M posts by 50k accounts over a year; accounts 0..3 are the organisation and write 2% of the posts.
/// Of the rest: 40% replies, 10% reposts, 5% quotes, 45% originals (a fifth mention the organisation;
/// 60% carry one hashtag).
pub(crate) fn synthetic(n: usize, accounts: u64) -> Corpus {
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
            "How do I start with this? a few words",
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
        } else {
            if rng.below(5) == 0 {
                let m = rng.below(3);
                p.mentions = vec![Mention {
                    id: Some(m.to_string()),
                    handle: format!("user{m}"),
                }];
            }
            if rng.below(10) < 6 {
                p.hashtags = vec![TAGS[rng.below(TAGS.len() as u64) as usize].into()];
            }
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
