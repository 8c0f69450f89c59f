//! Micro-benchmarks of rapport's hot paths on the sample corpus (20 000 posts by default; set
//! `RAPPORT_BENCH_POSTS` for another size): `cargo bench -p rapport-benches`.
//!
//! `parse` is the limit for loading: serde_json into the importer's own structs without converting
//! or building a corpus; `import` is the whole import; the difference is conversion and the corpus.

use std::path::PathBuf;
use std::sync::OnceLock;

use divan::{Bencher, black_box};
use rapport_core::context::Analysis;
use rapport_core::engagement::{EngagementOptions, Interactions, Org};
use rapport_core::graph::{InteractionGraph, KindWeights, PageRankOptions};
use rapport_core::skills::{EvidenceOptions, Matcher, Taxonomy, evidence};
use rapport_core::{Corpus, Post};
use rapport_sample::{SampleConfig, write_sample_file};
use rapport_twitter::import::{ImportOptions, import_jsonl, parse_jsonl_only};

const ORG: [&str; 3] = ["acme_careers", "acme_eng", "acme_people"];

fn main() {
    divan::main();
}

fn posts() -> usize {
    std::env::var("RAPPORT_BENCH_POSTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000)
}

/// The sample file, written once per process into a temporary folder that lives as long as it.
fn file() -> &'static PathBuf {
    static FILE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &FILE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temporary folder");
            let path = dir.path().join("sample.jsonl");
            write_sample_file(&SampleConfig::new(posts(), 7), &path).expect("sample written");
            (dir, path)
        })
        .1
}

fn corpus() -> &'static Corpus {
    static C: OnceLock<Corpus> = OnceLock::new();
    C.get_or_init(|| {
        let c = import_jsonl(file(), &ImportOptions::default())
            .expect("sample imports")
            .corpus;
        c.indices();
        c
    })
}

fn bytes() -> u64 {
    std::fs::metadata(file()).map_or(0, |m| m.len())
}

#[divan::bench]
fn parse(b: Bencher) {
    b.counter(divan::counter::BytesCount::new(bytes()))
        .bench(|| parse_jsonl_only(black_box(file())).expect("parses"));
}

#[divan::bench]
fn import(b: Bencher) {
    b.counter(divan::counter::BytesCount::new(bytes()))
        .bench(|| import_jsonl(black_box(file()), &ImportOptions::default()).expect("imports"));
}

#[divan::bench]
fn corpus_build(b: Bencher) {
    let c = corpus();
    let accounts: Vec<_> = c.accounts().map(|a| a.to_account()).collect();
    let posts: Vec<Post> = c.posts().map(|p| p.to_post()).collect();
    b.counter(divan::counter::ItemsCount::new(posts.len()))
        .with_inputs(|| (accounts.clone(), posts.clone()))
        .bench_values(|(a, p)| Corpus::from_parts(a, p));
}

#[divan::bench]
fn indices(b: Bencher) {
    let c = corpus();
    b.with_inputs(|| c.clone())
        .bench_values(|c| c.indices().num_conversations());
}

#[divan::bench]
fn threads(b: Bencher) {
    let c = corpus();
    b.bench(|| c.conversations().map(|t| t.depth).max());
}

#[divan::bench]
fn skill_matching(b: Bencher) {
    let c = corpus();
    let m = Matcher::new(&Taxonomy::builtin());
    b.counter(divan::counter::ItemsCount::new(c.num_posts()))
        .bench(|| {
            c.posts()
                .map(|p| m.match_text(p.text()).matches.len())
                .sum::<usize>()
        });
}

#[divan::bench]
fn skill_evidence(b: Bencher) {
    let c = corpus();
    let m = Matcher::new(&Taxonomy::builtin());
    b.bench(|| evidence(c, &m, &EvidenceOptions::default()).rows.len());
}

#[divan::bench]
fn interactions(b: Bencher) {
    let c = corpus();
    b.bench(|| Interactions::build(c).len());
}

#[divan::bench]
fn engagement(b: Bencher) {
    let c = corpus();
    let ctx = Analysis::new(c);
    ctx.interactions();
    let org = Org::resolve(c, &ORG).expect("org in the sample");
    b.bench(|| {
        ctx.engagement_of(&org, &EngagementOptions::default())
            .expect("engagement")
            .rows
            .len()
    });
}

#[divan::bench]
fn broadcast(b: Bencher) {
    let c = corpus();
    b.bench(|| c.broadcast_report(&ORG).expect("broadcast").posts.len());
}

#[divan::bench]
fn graph_build(b: Bencher) {
    let c = corpus();
    let ix = Interactions::build(c);
    b.bench(|| {
        InteractionGraph::build(c, &ix, &KindWeights::default())
            .expect("graph")
            .num_edges()
    });
}

#[divan::bench]
fn pagerank_global(b: Bencher) {
    let c = corpus();
    let g = InteractionGraph::build(c, &Interactions::build(c), &KindWeights::default())
        .expect("graph");
    b.bench(|| {
        g.pagerank(&PageRankOptions::default())
            .expect("converges")
            .iterations
    });
}

#[divan::bench]
fn pagerank_topic(b: Bencher) {
    let c = corpus();
    let g = InteractionGraph::build(c, &Interactions::build(c), &KindWeights::default())
        .expect("graph");
    b.bench(|| {
        g.topic_pagerank(c, &["rustlang"], &PageRankOptions::default())
            .expect("converges")
            .iterations
    });
}
