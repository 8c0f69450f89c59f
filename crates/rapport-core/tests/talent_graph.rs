//! The interaction graph and PageRank, against networkx on a small hand-built corpus.
//!
//! The corpus (accounts a..f, ids 1..6) gives these interactions, worked out by hand from the
//! definitions in `docs/engagement.md`:
//!
//! | post | author | what | edge |
//! |---|---|---|---|
//! | p1 | a | `#rust` original, mentions e | a→e (mention) |
//! | p2, p3 | b | two replies to p1 | b→a ×2 (reply) |
//! | p4 | c | `#rust` original, mentions a and b | c→a, c→b (mention) |
//! | p5 | a | quotes p4 | a→c (quote) |
//! | p6 | d | reposts p1 (carries `#rust`) | d→a (repost) |
//! | p7 | d | replies to p4 | d→c (reply) |
//! | p8 | f | an original, no interaction | — |
//!
//! So the weighted digraph is b→a 2, c→a 1, c→b 1, a→c 1, a→e 1, d→a 1, d→c 1; e and f are dangling
//! (f is isolated). The `#rust` topic is {a, c}: d's repost carries the hashtag but reposts do not
//! count.
//!
//! Expected values come from networkx 3.6.1, computed outside the repository with:
//!
//! ```python
//! import networkx as nx
//! G = nx.DiGraph()
//! G.add_nodes_from(["a", "b", "c", "d", "e", "f"])
//! G.add_weighted_edges_from([("b","a",2),("c","a",1),("c","b",1),("a","c",1),("a","e",1),
//!                            ("d","a",1),("d","c",1)])
//! def show(name, pr):
//!     print(name, {k: f"{v:.12f}" for k, v in sorted(pr.items())})
//! show("global", nx.pagerank(G, alpha=0.85, tol=1e-14, max_iter=10000))
//! show("topic_rust", nx.pagerank(G, alpha=0.85, personalization={"a":1,"c":1}, tol=1e-14,
//!                                max_iter=10000))
//! H = G.copy(); H["b"]["a"]["weight"] = 4; H["d"]["c"]["weight"] = 2   # replies weigh 2
//! show("reply_x2", nx.pagerank(H, alpha=0.85, tol=1e-14, max_iter=10000))
//! show("weighted_teleport", nx.pagerank(G, alpha=0.85, personalization={"a":3,"d":1}, tol=1e-14,
//!                                       max_iter=10000))
//! ```

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use rapport_core::engagement::Interactions;
use rapport_core::graph::{
    InteractionGraph, KindWeights, PageRankOptions, Teleport, topic_accounts,
};
use rapport_core::{Account, Corpus, Error, Mention, Post};

const NAMES: [&str; 6] = ["a", "b", "c", "d", "e", "f"];

fn mention(id: &str, handle: &str) -> Mention {
    Mention {
        id: Some(id.into()),
        handle: handle.into(),
    }
}

fn corpus() -> Corpus {
    let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    let at = |h: i64| t0 + Duration::hours(h);
    let mut c = Corpus::new();
    for (i, n) in NAMES.iter().enumerate() {
        c.add_account(Account::new((i + 1).to_string(), *n));
    }
    let mut p1 = Post::new("p1", "1", "Learning #rust today with @e", at(0));
    p1.hashtags = vec!["rust".into()];
    p1.mentions = vec![mention("5", "e")];
    let mut p2 = Post::new("p2", "2", "nice", at(1));
    p2.reply_to = Some("p1".into());
    let mut p3 = Post::new("p3", "2", "more please", at(2));
    p3.reply_to = Some("p1".into());
    let mut p4 = Post::new("p4", "3", "#rust tips @a @b", at(3));
    p4.hashtags = vec!["rust".into()];
    p4.mentions = vec![mention("1", "a"), mention("2", "b")];
    let mut p5 = Post::new("p5", "1", "good thread", at(4));
    p5.quoted = Some("p4".into());
    let mut p6 = Post::new("p6", "4", "RT @a: Learning #rust today with @e", at(5));
    p6.reposted = Some("p1".into());
    p6.hashtags = vec!["rust".into()];
    let mut p7 = Post::new("p7", "4", "agreed", at(6));
    p7.reply_to = Some("p4".into());
    let p8 = Post::new("p8", "6", "hello world", at(7));
    for p in [p1, p2, p3, p4, p5, p6, p7, p8] {
        c.add_post(p);
    }
    c
}

fn idx(c: &Corpus, h: &str) -> rapport_core::AccountIdx {
    c.account_by_handle(h).unwrap().idx()
}

fn tight() -> PageRankOptions {
    PageRankOptions {
        tolerance: 1e-13,
        ..PageRankOptions::default()
    }
}

fn assert_matches(c: &Corpus, g: &InteractionGraph, scores: &[f64], expected: [f64; 6]) {
    for (name, want) in NAMES.iter().zip(expected) {
        let got = scores[g.node(idx(c, name)).unwrap()];
        assert!(
            (got - want).abs() < 1e-6,
            "{name}: got {got}, networkx {want}"
        );
    }
}

#[test]
fn graph_edges_are_the_hand_worked_ones() {
    let c = corpus();
    let g = InteractionGraph::build(&c, &Interactions::build(&c), &KindWeights::default()).unwrap();
    assert_eq!(g.num_nodes(), 6);
    assert_eq!(g.num_edges(), 7);
    let w = |from: &str, to: &str| g.edge_weight(idx(&c, from), idx(&c, to));
    assert_eq!(w("b", "a"), 2.0);
    assert_eq!(w("c", "a"), 1.0);
    assert_eq!(w("c", "b"), 1.0);
    assert_eq!(w("a", "c"), 1.0);
    assert_eq!(w("a", "e"), 1.0);
    assert_eq!(w("d", "a"), 1.0);
    assert_eq!(w("d", "c"), 1.0);
    assert_eq!(w("a", "b"), 0.0);
    let node_e = g.node(idx(&c, "e")).unwrap();
    let node_a = g.node(idx(&c, "a")).unwrap();
    assert_eq!(g.out_strength(node_e), 0.0);
    // In-edges of a: from b (2), c (1), d (1) = 4.
    assert_eq!(g.in_strength(node_a), 4.0);
    assert_eq!(g.in_edges(node_a).len(), 3);
}

#[test]
fn global_pagerank_agrees_with_networkx_including_dangling_nodes() {
    let c = corpus();
    let g = InteractionGraph::of_corpus(&c);
    let pr = g.pagerank(&tight()).unwrap();
    assert_matches(
        &c,
        &g,
        &pr.scores,
        [
            0.311_212_484_303,
            0.154_202_745_540,
            0.219_231_899_244,
            0.061_029_188_361,
            0.193_294_494_190,
            0.061_029_188_361,
        ],
    );
    assert!(pr.residual < 1e-13);
    assert_eq!(pr.teleport_support, 6);
}

#[test]
fn topic_pagerank_teleports_to_the_topic_authors_only() {
    let c = corpus();
    let g = InteractionGraph::of_corpus(&c);
    let who = topic_accounts(&c, &["#Rust"]).unwrap();
    // a wrote p1, c wrote p4; d's repost does not count.
    assert_eq!(who, vec![(idx(&c, "a"), 1), (idx(&c, "c"), 1)]);
    let pr = g.topic_pagerank(&c, &["rust"], &tight()).unwrap();
    assert_matches(
        &c,
        &g,
        &pr.scores,
        [
            0.390_349_169_928,
            0.132_347_216_816,
            0.311_405_216_037,
            0.0,
            0.165_898_397_219,
            0.0,
        ],
    );
    assert_eq!(pr.teleport_support, 2);
}

#[test]
fn weighted_teleport_and_kind_weights_agree_with_networkx() {
    let c = corpus();
    let g = InteractionGraph::of_corpus(&c);
    let t = Teleport::weighted(&g, [(idx(&c, "a"), 3.0), (idx(&c, "d"), 1.0)]).unwrap();
    let pr = g.personalized_pagerank(&t, &tight()).unwrap();
    assert_matches(
        &c,
        &g,
        &pr.scores,
        [
            0.431_961_208_129,
            0.091_842_882_293,
            0.216_100_899_514,
            0.076_511_496_609,
            0.183_583_513_455,
            0.0,
        ],
    );

    let replies_x2 = KindWeights {
        reply: 2.0,
        ..KindWeights::default()
    };
    let g2 = InteractionGraph::build(&c, &Interactions::build(&c), &replies_x2).unwrap();
    assert_eq!(g2.edge_weight(idx(&c, "b"), idx(&c, "a")), 4.0);
    let pr = g2.pagerank(&tight()).unwrap();
    assert_matches(
        &c,
        &g2,
        &pr.scores,
        [
            0.306_389_003_411,
            0.156_330_926_907,
            0.225_192_863_594,
            0.060_623_959_880,
            0.190_839_286_329,
            0.060_623_959_880,
        ],
    );
}

#[test]
fn a_kind_weighted_zero_drops_its_edges() {
    let c = corpus();
    let no_mentions = KindWeights {
        mention: 0.0,
        ..KindWeights::default()
    };
    let g = InteractionGraph::build(&c, &Interactions::build(&c), &no_mentions).unwrap();
    // a→e, c→a, c→b were mentions.
    assert_eq!(g.num_edges(), 4);
    assert_eq!(g.edge_weight(idx(&c, "c"), idx(&c, "a")), 0.0);
}

#[test]
fn bad_input_gives_clear_errors() {
    let c = corpus();
    let g = InteractionGraph::of_corpus(&c);
    let err = g.topic_pagerank(&c, &["cobol"], &tight()).unwrap_err();
    assert!(matches!(err, Error::EmptyTopic { .. }));
    assert!(err.to_string().contains("cobol"));
    let err = g
        .pagerank(&PageRankOptions {
            damping: 1.2,
            ..tight()
        })
        .unwrap_err();
    assert!(err.to_string().contains("damping"));
    let err = g
        .pagerank(&PageRankOptions {
            tolerance: 1e-300,
            max_iterations: 3,
            ..tight()
        })
        .unwrap_err();
    assert!(matches!(err, Error::NotConverged { iterations: 3, .. }));
    let err = Teleport::weighted(&g, [(idx(&c, "a"), f64::NAN)]).unwrap_err();
    assert!(err.to_string().contains("teleport weight"));
    let bad = KindWeights {
        quote: f64::INFINITY,
        ..KindWeights::default()
    };
    assert!(InteractionGraph::build(&c, &Interactions::build(&c), &bad).is_err());
    assert!(matches!(
        InteractionGraph::of_corpus(&Corpus::new()).pagerank(&tight()),
        Err(Error::EmptyTeleport)
    ));
}

#[test]
fn top_orders_by_score_then_node() {
    let c = corpus();
    let g = InteractionGraph::of_corpus(&c);
    let pr = g.pagerank(&tight()).unwrap();
    let top = pr.top(3);
    let names: Vec<&str> = top
        .iter()
        .map(|&(n, _)| c.account(g.account(n)).handle())
        .collect();
    // From the networkx numbers above: a 0.311, c 0.219, e 0.193.
    assert_eq!(names, ["a", "c", "e"]);
}

fn arb_corpus() -> impl Strategy<Value = Corpus> {
    (
        2usize..12,
        proptest::collection::vec((0usize..12, 0usize..12, 0u8..4), 0..40),
    )
        .prop_map(|(n, edges)| {
            let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
            let mut c = Corpus::new();
            for i in 0..n {
                c.add_account(Account::new(i.to_string(), format!("u{i}")));
            }
            for (k, (s, d, kind)) in edges.into_iter().enumerate() {
                let (s, d) = (s % n, d % n);
                let mut p = Post::new(
                    format!("p{k}"),
                    s.to_string(),
                    "x",
                    t0 + Duration::minutes(k as i64),
                );
                p.mentions = vec![mention(&d.to_string(), &format!("u{d}"))];
                if kind == 1 {
                    p.hashtags = vec!["topic".into()];
                }
                c.add_post(p);
            }
            c
        })
}

proptest! {
    #[test]
    fn pagerank_is_a_distribution(c in arb_corpus(), damping in 0.0f64..0.99) {
        let g = InteractionGraph::of_corpus(&c);
        // The L1 change after k iterations is at most 2·d^k (each step contracts by the damping d),
        // so a periodic graph at d near 1 needs more than the default 1000 iterations: give it the
        // bound, and check that the iteration really does converge within it.
        let defaults = PageRankOptions::default();
        let needed = if damping > 0.0 {
            ((defaults.tolerance / 2.0).ln() / damping.ln()).ceil() as u32 + 2
        } else {
            2
        };
        let opts = PageRankOptions {
            damping,
            max_iterations: needed.max(defaults.max_iterations),
            ..defaults
        };
        let pr = g.pagerank(&opts).unwrap();
        prop_assert!(pr.scores.iter().all(|&x| x >= 0.0));
        prop_assert!((pr.scores.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        if let Ok(t) = g.topic_pagerank(&c, &["topic"], &opts) {
            prop_assert!(t.scores.iter().all(|&x| x >= 0.0));
            prop_assert!((t.scores.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn edge_weights_add_up_to_the_interactions(c in arb_corpus()) {
        let ix = Interactions::build(&c);
        let g = InteractionGraph::of_corpus(&c);
        let total: f64 = (0..g.num_nodes()).map(|u| g.out_strength(u)).sum();
        prop_assert_eq!(total, ix.len() as f64);
        let total_in: f64 = (0..g.num_nodes()).map(|u| g.in_strength(u)).sum();
        prop_assert_eq!(total_in, ix.len() as f64);
    }
}
