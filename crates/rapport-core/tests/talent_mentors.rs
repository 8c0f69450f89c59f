//! Mentors of a hashtag topic and the helpful participants of a conversation, on a hand-built corpus.
//!
//! | post | author | what |
//! |---|---|---|
//! | q1 | ada | "How do I pin a #rust toolchain?" (a question, topic seed) |
//! | a1 | bob | replies to q1 (an answer) |
//! | k1 | ada | replies to a1 (the asker comes back: bob's answer is acknowledged) |
//! | a2 | cy | replies to q1 (an answer, not acknowledged) |
//! | m1 | dan | replies to a2 ("+1": a2 is no question, so no answer) |
//! | q2 | eve | "Which #python web framework?" (another topic) |
//! | a3 | bob | replies to q2 (an answer, but outside #rust) |
//! | x1 | dan | "#rust is great @bob" (topic seed, mentions bob) |
//! | r1 | eve | reposts x1 (within the topic, but a repost seeds nothing) |
//!
//! Worked by hand, within #rust: answers bob 1 (acknowledged 1), cy 1; reach (distinct accounts
//! interacting through topic posts) ada {bob, cy} = 2, bob {ada, dan} = 2, cy {dan} = 1, dan {eve} = 1;
//! topic posts ada 2 (q1, k1), bob 1, cy 1, dan 2 (m1, x1); eve has no topic activity. The teleport is
//! {ada, dan}. The graph (all interactions) is bob→ada, ada→bob, cy→ada, dan→cy, bob→eve, dan→bob,
//! eve→dan, and networkx 3.6.1 gives its PageRank with that teleport:
//!
//! ```python
//! import networkx as nx
//! G = nx.DiGraph()
//! G.add_nodes_from(["ada", "bob", "cy", "dan", "eve"])
//! G.add_edges_from([("bob","ada"),("ada","bob"),("cy","ada"),("dan","cy"),("bob","eve"),
//!                   ("dan","bob"),("eve","dan")], weight=1)
//! pr = nx.pagerank(G, alpha=0.85, personalization={"ada": 1, "dan": 1}, tol=1e-14, max_iter=10000)
//! print({k: f"{v:.12f}" for k, v in sorted(pr.items())})
//! ```

use chrono::{Duration, TimeZone, Utc};
use rapport_core::Error;
use rapport_core::mentors::{MentorOptions, Topic, helpful_participants, is_question};

#[path = "common/mentors_corpus.rs"]
mod mentors_corpus;
use mentors_corpus::corpus;

#[test]
fn mentor_columns_are_the_hand_worked_ones() {
    let c = corpus();
    let r = c
        .mentors(&Topic::hashtags(["#Rust"]), &MentorOptions::default())
        .unwrap();
    assert_eq!(r.topic, "#rust");
    assert_eq!(r.purpose, "learning_and_development");
    assert_eq!(r.active_accounts, 4);
    assert_eq!(r.teleport_accounts, 2);
    let row = |h: &str| r.rows.iter().find(|x| x.handle == h).unwrap();
    let cols = |h: &str| {
        let x = row(h);
        (x.answers, x.answers_acknowledged, x.reach, x.topic_posts)
    };
    assert_eq!(cols("ada"), (0, 0, 2, 2));
    assert_eq!(cols("bob"), (1, 1, 2, 1));
    assert_eq!(cols("cy"), (1, 0, 1, 1));
    assert_eq!(cols("dan"), (0, 0, 1, 2));
    assert!(r.rows.iter().all(|x| x.handle != "eve"));

    // networkx, see the module docs.
    let nx = [
        ("ada", 0.278_193_666_675),
        ("bob", 0.317_010_659_488),
        ("cy", 0.080_546_042_815),
        ("dan", 0.189_520_100_740),
    ];
    for (h, want) in nx {
        assert!((row(h).pagerank - want).abs() < 1e-6, "{h}");
    }
    // The blend by hand: 0.5·pr/max_pr + 0.3·(answers + acknowledged)/2 + 0.2·reach/2, max_pr = bob's.
    let max_pr = 0.317_010_659_488;
    let expect = [
        ("bob", 0.5 + 0.3 + 0.2),
        ("ada", 0.5 * 0.278_193_666_675 / max_pr + 0.2),
        ("dan", 0.5 * 0.189_520_100_740 / max_pr + 0.2 * 0.5),
        (
            "cy",
            0.5 * 0.080_546_042_815 / max_pr + 0.3 * 0.5 + 0.2 * 0.5,
        ),
    ];
    for (k, (h, s)) in expect.iter().enumerate() {
        assert_eq!(r.rows[k].handle, *h, "rank {}", k + 1);
        assert_eq!(r.rows[k].rank, k + 1);
        assert!(
            (r.rows[k].score - s).abs() < 1e-6,
            "{h}: {} vs {s}",
            r.rows[k].score
        );
    }
    assert_eq!(row("bob").evidence_post_ids, ["a1"]);
    assert_eq!(row("ada").evidence_post_ids, ["q1"]); // two replies; k1 got none
    assert_eq!(row("cy").evidence_post_ids, ["a2"]);
    assert_eq!(row("dan").evidence_post_ids, ["x1"]); // reposted once
}

#[test]
fn global_topic_counts_everything_and_limit_applies() {
    let c = corpus();
    let r = c
        .mentors(&Topic::Global, &MentorOptions::with_limit(2))
        .unwrap();
    assert_eq!(r.rows.len(), 2);
    // eve now counts: q2 and bob's answer are in scope, so bob has 2 answers, eve reach {bob} = 1.
    assert_eq!(r.active_accounts, 5);
    let all = c
        .mentors(
            &Topic::Global,
            &MentorOptions {
                limit: None,
                ..MentorOptions::default()
            },
        )
        .unwrap();
    let bob = all.rows.iter().find(|x| x.handle == "bob").unwrap();
    assert_eq!((bob.answers, bob.answers_acknowledged), (2, 1));
    let pr_sum: f64 = all.rows.iter().map(|x| x.pagerank).sum();
    assert!((pr_sum - 1.0).abs() < 1e-9); // every node is active here
}

#[test]
fn unknown_topic_is_an_error() {
    let c = corpus();
    let err = c
        .mentors(&Topic::hashtags(["cobol"]), &MentorOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::EmptyTopic { .. }));
    let bad = MentorOptions {
        weights: rapport_core::mentors::MentorWeights {
            pagerank: 0.0,
            answers: 0.0,
            reach: 0.0,
        },
        ..MentorOptions::default()
    };
    assert!(c.mentors(&Topic::Global, &bad).is_err());
}

#[test]
fn helpful_participants_of_the_question_thread() {
    let c = corpus();
    let h = helpful_participants(&c, "q1").unwrap();
    assert_eq!(h.starter.as_deref(), Some("ada"));
    let got: Vec<(&str, f64, u32, u32, u32)> = h
        .rows
        .iter()
        .map(|r| {
            (
                r.handle.as_str(),
                r.score,
                r.answers,
                r.starter_replies,
                r.responders,
            )
        })
        .collect();
    // bob: answer 1 + 2·(ada came back) + responders {ada}; cy: answer 1 + responders {dan}; dan: 0.
    assert_eq!(
        got,
        [
            ("bob", 4.0, 1, 1, 1),
            ("cy", 2.0, 1, 0, 1),
            ("dan", 0.0, 0, 0, 0)
        ]
    );
    assert_eq!(h.rows[0].best_post_id, "a1");
    assert!(helpful_participants(&c, "nope").is_err());
}

#[test]
fn question_posts() {
    for q in [
        "Does anyone know a good crate",
        "@bob @cy what is the MSRV",
        "Pourquoi pas",
        "Hoe werkt dit",
        "Qual é a melhor forma",
        "ok?",
        "这个怎么用？",
    ] {
        assert!(is_question(q), "{q}");
    }
    for s in [
        "Here is how I do it",
        "Released v2 today!",
        "",
        "@whoever thanks",
        "Whatever works",
    ] {
        assert!(!is_question(s), "{s}");
    }
}

#[test]
fn skill_topics_seed_from_evidence() {
    use rapport_core::context::Analysis;
    use rapport_core::graph::{InteractionGraph, PageRankOptions, Teleport};
    use rapport_core::skills::{CONF_HASHTAG, Matcher, SkillTag, Taxonomy};
    use std::sync::Arc;
    let c = corpus();
    // A skill whose only matchable terms are #rust / #rustlang: its evidence posts are q1 (ada) and
    // x1 (dan), exactly the #rust seeds, so the skill topic equals the hashtag topic.
    let tax = Taxonomy::from_tags(
        "t",
        [SkillTag::new("t:rust", "Rust programming").hashtags(["rust", "rustlang"])],
    );
    let matcher = Arc::new(Matcher::new(&tax));
    let ctx = Analysis::new(&c);
    let g = InteractionGraph::of_corpus(&c);
    let opts = MentorOptions::default();
    let by_skill = ctx
        .mentors(&Topic::skill("t:rust"), Some(&matcher), &opts)
        .unwrap();
    let by_tag = c.mentors(&Topic::hashtags(["rust"]), &opts).unwrap();
    assert_eq!(by_skill.rows, by_tag.rows);
    assert_eq!(by_skill.topic, "skill t:rust");

    // Weighted by evidence: ada's q1 is 8 h old at as_of (r1, hour 8), dan's x1 1 h old; strength =
    // 0.95 · 2^(−age / 180 days).
    let strength = |hours: f64| CONF_HASHTAG * (-(hours / 24.0) / 180.0f64).exp2();
    let ada = c.account_by_handle("ada").unwrap().idx();
    let dan = c.account_by_handle("dan").unwrap().idx();
    let want = g
        .personalized_pagerank(
            &Teleport::weighted(&g, [(ada, strength(8.0)), (dan, strength(1.0))]).unwrap(),
            &PageRankOptions::default(),
        )
        .unwrap();
    let weighted = ctx
        .mentors(
            &Topic::skill_weighted("Rust programming"),
            Some(&matcher),
            &opts,
        )
        .unwrap();
    for row in &weighted.rows {
        assert!(
            (row.pagerank - want.score(&g, row.account)).abs() < 1e-12,
            "{}",
            row.handle
        );
    }
    let err = ctx
        .mentors(&Topic::skill("cobol"), Some(&matcher), &opts)
        .unwrap_err();
    assert!(err.to_string().contains("cobol"));
    // Three skill topics, one evidence pass.
    assert_eq!(ctx.computed().evidence_passes, 1);
}

/// Mentors of a time window: only the posts of `[since, until)` count.
///
/// Window [h0, h3): q1 (ada asks, #rust), a1 (bob answers), k1 (ada comes back). By hand: bob has 1
/// answer, acknowledged; reach ada {bob} = 1, bob {ada} = 1; topic posts ada 2, bob 1. The window's
/// graph is ada ⇄ bob and the teleport is {ada}: `pr_ada = 0.15 + 0.85·pr_bob`, `pr_bob =
/// 0.85·pr_ada`, so `pr_ada = 0.15 / 0.2775 = 20/37` and `pr_bob = 17/37`. Scores:
/// bob `0.5·(17/20) + 0.3·2/2 + 0.2·1/1 = 0.925`, ada `0.5·1 + 0 + 0.2 = 0.7`. cy, dan and eve
/// wrote nothing in the window: they are not rows (over the whole corpus cy answers, dan posts).
#[test]
fn a_time_window_counts_only_its_posts() {
    let c = corpus();
    let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    let at = |h: i64| t0 + Duration::hours(h);
    let opts = MentorOptions::default().window(Some(at(0)), Some(at(3)));
    let r = c.mentors(&Topic::hashtags(["rust"]), &opts).unwrap();
    let got: Vec<(&str, u32, u32, u32, u32)> = r
        .rows
        .iter()
        .map(|x| {
            (
                x.handle.as_str(),
                x.answers,
                x.answers_acknowledged,
                x.reach,
                x.topic_posts,
            )
        })
        .collect();
    assert_eq!(got, [("bob", 1, 1, 1, 1), ("ada", 0, 0, 1, 2)]);
    assert!((r.rows[0].pagerank - 17.0 / 37.0).abs() < 1e-9);
    assert!((r.rows[1].pagerank - 20.0 / 37.0).abs() < 1e-9);
    assert!(
        (r.rows[0].score - 0.925).abs() < 1e-9,
        "{}",
        r.rows[0].score
    );
    assert!((r.rows[1].score - 0.7).abs() < 1e-9, "{}", r.rows[1].score);
    assert_eq!(r.options.since, Some(at(0)));
    assert_eq!(r.options.until, Some(at(3)));
    // The rows point at the accounts of the whole corpus, not of the window's cut.
    assert_eq!(r.rows[0].account, c.find_account("bob").unwrap().idx());

    // [h3, h5): a2 (cy, a reply whose question is outside the window: no answer) and m1 (dan replies
    // to cy). cy and dan come first in the window's own account order, not in the corpus's.
    let r = c
        .mentors(
            &Topic::Global,
            &MentorOptions::default().window(Some(at(3)), Some(at(5))),
        )
        .unwrap();
    let mut handles: Vec<&str> = r.rows.iter().map(|x| x.handle.as_str()).collect();
    handles.sort_unstable();
    assert_eq!(handles, ["cy", "dan"]);
    for x in &r.rows {
        assert_eq!(x.account, c.find_account(&x.handle).unwrap().idx());
        assert_eq!(x.answers, 0);
    }
    let cy = r.rows.iter().find(|x| x.handle == "cy").unwrap();
    assert_eq!((cy.reach, cy.topic_posts), (1, 1));

    // Only `since`: from h5 on, #rust has x1 (dan) and its repost r1 (eve).
    let r = c
        .mentors(
            &Topic::hashtags(["rust"]),
            &MentorOptions::default().window(Some(at(5)), None),
        )
        .unwrap();
    let dan = r.rows.iter().find(|x| x.handle == "dan").unwrap();
    assert_eq!((dan.topic_posts, dan.reach), (1, 1));

    // A window without the topic, and an empty window, are errors.
    assert!(matches!(
        c.mentors(
            &Topic::hashtags(["python"]),
            &MentorOptions::default().window(None, Some(at(5)))
        ),
        Err(Error::EmptyTopic { .. })
    ));
    assert!(matches!(
        c.mentors(
            &Topic::Global,
            &MentorOptions::default().window(Some(at(3)), Some(at(3)))
        ),
        Err(Error::InvalidParameter { .. })
    ));
}
