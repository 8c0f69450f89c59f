//! A throwaway measurement, not a test: the interaction graph, global PageRank and three topic
//! PageRanks on a synthetic 1M-post corpus (the engagement benchmark's generator, plus a hashtag from a
//! list of 20 on 60% of the originals). Run it in release:
//!
//! ```text
//! cargo test --release -p rapport-core --test talent_bench -- --ignored --nocapture
//! ```

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use rapport_core::engagement::Interactions;
use rapport_core::engagement::Org;
use rapport_core::graph::{InteractionGraph, KindWeights, PageRankOptions};
use rapport_core::mentors::{MentorOptions, Topic, mentors_with};
use rapport_core::ranking::{CandidateOptions, rank_candidates_with, rank_with_evidence};
use rapport_core::skills::{JobProfile, Matcher, Taxonomy};
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
pub fn synthetic(n: usize, accounts: u64) -> Corpus {
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

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn one_million_posts() {
    let t = Instant::now();
    let c = synthetic(1_000_000, 50_000);
    eprintln!("build corpus: {:?} ({} posts)", t.elapsed(), c.num_posts());
    let t = Instant::now();
    let _ = c.indices();
    eprintln!("indices (shared, built once per corpus): {:?}", t.elapsed());
    let opts = PageRankOptions::default();
    for round in 0..3 {
        let t = Instant::now();
        let ix = Interactions::build(&c);
        let t_ix = t.elapsed();
        let t = Instant::now();
        let graph = InteractionGraph::build(&c, &ix, &KindWeights::default()).unwrap();
        let t_g = t.elapsed();
        let t = Instant::now();
        let pr = graph.pagerank(&opts).unwrap();
        let t_pr = t.elapsed();
        let mut t_topics = std::time::Duration::ZERO;
        let mut iters = vec![pr.iterations];
        for topic in ["rust", "python", "kubernetes"] {
            let t = Instant::now();
            let tp = graph.topic_pagerank(&c, &[topic], &opts).unwrap();
            t_topics += t.elapsed();
            iters.push(tp.iterations);
        }
        eprintln!(
            "round {round}: interactions {t_ix:?} ({} rows), graph {t_g:?} ({} nodes, {} edges, {} MB), \
             global PageRank {t_pr:?}, 3 topic PageRanks {t_topics:?}, iterations {iters:?}; \
             graph + 4 PageRanks {:?}, with interactions {:?}",
            ix.len(),
            graph.num_nodes(),
            graph.num_edges(),
            graph.heap_bytes() / 1_000_000,
            t_g + t_pr + t_topics,
            t_ix + t_g + t_pr + t_topics
        );
    }
    let ix = Interactions::build(&c);
    let graph = InteractionGraph::build(&c, &ix, &KindWeights::default()).unwrap();
    let t = Instant::now();
    let mentor_report = mentors_with(
        &c,
        &ix,
        &graph,
        &Topic::hashtags(["rust"]),
        &MentorOptions::default(),
    )
    .unwrap();
    eprintln!(
        "mentors of #rust: {:?} ({} active accounts)",
        t.elapsed(),
        mentor_report.active_accounts
    );

    let t = Instant::now();
    let matcher = Matcher::new(&Taxonomy::builtin());
    eprintln!("built-in matcher: {:?}", t.elapsed());
    let job = JobProfile::new("Platform engineer")
        .require("rust", 2.0)
        .require("python", 1.0)
        .require("kubernetes", 1.0)
        .require("sql", 1.0)
        .require("aws", 1.0)
        .nice_to_have("golang", 0.5)
        .nice_to_have("react", 0.5)
        .nice_to_have("typescript", 0.5)
        .nice_to_have("java", 0.5)
        .nice_to_have("linux", 0.5);
    let org = Org::resolve(&c, &["user0", "user1", "user2"]).unwrap();
    let t = Instant::now();
    let ev = rapport_core::skills::evidence(
        &c,
        &matcher,
        &rapport_core::skills::EvidenceOptions::default(),
    );
    eprintln!(
        "of which skill evidence (skills module, whole taxonomy): {:?} ({} rows)",
        t.elapsed(),
        ev.rows.len()
    );
    let t = Instant::now();
    let _ = rapport_core::engagement::engagement_with(
        &c,
        &ix,
        &org,
        &rapport_core::engagement::EngagementOptions::default(),
    )
    .unwrap();
    eprintln!("of which engagement: {:?}", t.elapsed());
    for round in 0..3 {
        let t = Instant::now();
        let report =
            rank_candidates_with(&c, &ix, &org, &job, &matcher, &CandidateOptions::default())
                .unwrap();
        eprintln!(
            "round {round}: rank candidates for a {}-skill job ({} mapped): {:?} ({} considered, {} rows)",
            job.skills.len(),
            report.job.mapped.len(),
            t.elapsed(),
            report.considered,
            report.rows.len()
        );
    }
    for round in 0..3 {
        let t = Instant::now();
        let report = rank_with_evidence(
            &c,
            &ix,
            &org,
            job.map_onto(&matcher),
            &ev,
            &CandidateOptions::default(),
        )
        .unwrap();
        eprintln!(
            "round {round}: rank candidates from evidence computed once: {:?} ({} rows)",
            t.elapsed(),
            report.rows.len()
        );
    }
}
