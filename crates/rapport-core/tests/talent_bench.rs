//! A throwaway measurement, not a test: the interaction graph, global PageRank and three topic
//! PageRanks on a synthetic 1M-post corpus (the engagement benchmark's generator, plus a hashtag from a
//! list of 20 on 60% of the originals). Run it in release:
//!
//! ```text
//! cargo test --release -p rapport-core --test talent_bench -- --ignored --nocapture
//! ```

use std::time::Instant;

use rapport_core::context::Analysis;
use rapport_core::engagement::Interactions;
use rapport_core::engagement::Org;
use rapport_core::graph::{InteractionGraph, KindWeights, PageRankOptions};
use rapport_core::mentors::{MentorOptions, Topic};
use rapport_core::ranking::{CandidateOptions, rank_candidates, rank_with_evidence};
use rapport_core::skills::{JobProfile, Matcher, Taxonomy};

mod common;
use common::synthetic;

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
    let ctx = Analysis::new(&c);
    let ix = ctx.interactions();
    let t = Instant::now();
    let mentor_report = ctx
        .mentors(&Topic::hashtags(["rust"]), None, &MentorOptions::default())
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
    let _ = ctx
        .engagement_of(
            &org,
            &rapport_core::engagement::EngagementOptions::default(),
        )
        .unwrap();
    eprintln!("of which engagement: {:?}", t.elapsed());
    for round in 0..3 {
        let t = Instant::now();
        let report = rank_candidates(
            &c,
            &job,
            &["user0", "user1", "user2"],
            &matcher,
            &CandidateOptions::default(),
        )
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
            ix,
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
