//! The analysis context: what it caches equals what the one-shot functions compute, each shared piece
//! is computed once, and a changed corpus gives fresh results.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use rapport_core::candidates::{Candidate, Handle};
use rapport_core::context::{Analysis, builtin_matcher, builtin_taxonomy};
use rapport_core::engagement::{EngagementOptions, Org, engagement, explain};
use rapport_core::hris::{ScoreOptions, score_candidates};
use rapport_core::inbox::{InboxOptions, inbox};
use rapport_core::learning::{LearningOptions, learning_feed};
use rapport_core::mentors::{MentorOptions, Topic, mentors};
use rapport_core::ranking::{CandidateOptions, rank_candidates};
use rapport_core::skills::{EvidenceOptions, JobProfile, Matcher, SkillTag, Taxonomy, evidence};
use rapport_core::{Account, Post};
use serde_json::{Value, to_value};

mod common;
use common::synthetic;

const ORG: [&str; 3] = ["user0", "user1", "user2"];

fn json<T: serde::Serialize>(v: &T) -> Value {
    to_value(v).expect("serialisable")
}

fn topics() -> Vec<Topic> {
    vec![
        Topic::Global,
        Topic::hashtags(["rust"]),
        Topic::skill("rust"),
        Topic::skill("python"),
        Topic::skill("kubernetes"),
        Topic::skill_weighted("python"),
    ]
}

#[test]
fn cached_results_equal_fresh_results() {
    let c = synthetic(20_000, 400);
    let ctx = Analysis::new(&c);
    let eopts = EngagementOptions::default();
    let org = Org::resolve(&c, &ORG).unwrap();

    // Twice through the context (the second from the caches), once fresh.
    for _ in 0..2 {
        assert_eq!(
            json(&ctx.engagement(&ORG, &eopts).unwrap()),
            json(&engagement(&c, &ORG, &eopts).unwrap())
        );
        assert_eq!(
            json(&ctx.explain(&ORG, "user10", &eopts).unwrap()),
            json(&explain(&c, &ORG, "user10", &eopts).unwrap())
        );
        for t in topics() {
            let o = MentorOptions::with_limit(50);
            assert_eq!(
                json(&ctx.mentors(&t, None, &o).unwrap()),
                json(&mentors(&c, &t, &o).unwrap()),
                "{}",
                t.label()
            );
        }
        let fresh_matcher = Matcher::new(&Taxonomy::builtin());
        for opts in [
            EvidenceOptions::default(),
            EvidenceOptions::default().all_evidence(),
            EvidenceOptions::default().half_life_days(30.0),
        ] {
            assert_eq!(
                *ctx.skills(&builtin_matcher(), &opts),
                evidence(&c, &fresh_matcher, &opts)
            );
        }
        let job = JobProfile::new("platform")
            .require("rust", 2.0)
            .nice_to_have("python", 1.0);
        let copts = CandidateOptions::with_limit(30);
        assert_eq!(
            json(
                &ctx.rank_candidates(&job, &ORG, &builtin_matcher(), &copts)
                    .unwrap()
            ),
            json(&rank_candidates(&c, &job, &ORG, &fresh_matcher, &copts).unwrap())
        );
        let lopts = LearningOptions::default();
        let goals = [Topic::skill("rust"), Topic::hashtags(["python"])];
        assert_eq!(
            json(&ctx.learning_feed(&goals, None, &lopts).unwrap()),
            json(&learning_feed(&c, &goals, &lopts).unwrap())
        );
        let iopts = InboxOptions::default();
        assert_eq!(
            json(&ctx.inbox(&ORG, &iopts).unwrap()),
            json(&inbox(&c, &ORG, &iopts).unwrap())
        );
        let mut cand = Candidate::new("E1");
        cand.handles = vec![Handle::parse_x("@user42").unwrap()];
        let sopts = ScoreOptions::default();
        assert_eq!(
            json(
                &ctx.score_candidates(std::slice::from_ref(&cand), &org, None, &sopts)
                    .unwrap()
            ),
            json(&score_candidates(&c, &[cand], &org, &sopts).unwrap())
        );
    }
    let n = ctx.computed();
    assert_eq!(n.interactions, 1);
    assert_eq!(n.graphs, 1);
    // Evidence passes: the defaults (skills, mentors, the feed, ranking and HRIS scoring share the
    // full result), and the 30-day half-life; never again on the second round.
    assert_eq!(n.evidence_passes, 2, "{n:?}");
    assert_eq!(
        n.matchers, 0,
        "the built-in matcher is shared by the process"
    );
}

#[test]
fn a_second_skill_topic_reuses_the_evidence_pass() {
    let c = synthetic(5_000, 200);
    let ctx = Analysis::new(&c);
    let o = MentorOptions::default();
    ctx.mentors(&Topic::skill("rust"), None, &o).unwrap();
    assert_eq!(ctx.computed().evidence_passes, 1);
    ctx.mentors(&Topic::skill("python"), None, &o).unwrap();
    ctx.mentors(&Topic::skill("kubernetes"), None, &o).unwrap();
    ctx.skills(&builtin_matcher(), &EvidenceOptions::default());
    assert_eq!(ctx.computed().evidence_passes, 1);
}

#[test]
fn taxonomies_are_told_apart_by_identity() {
    let c = synthetic(3_000, 100);
    let ctx = Analysis::new(&c);
    let mine = Arc::new(Taxonomy::from_tags(
        "mine",
        [SkillTag::new("t:rust", "Rust programming").hashtags(["rust"])],
    ));
    let m1 = ctx.matcher(&mine);
    let m2 = ctx.matcher(&mine);
    assert!(Arc::ptr_eq(&m1, &m2));
    assert_eq!(ctx.computed().matchers, 1);
    assert!(Arc::ptr_eq(
        &ctx.matcher(&builtin_taxonomy()),
        &builtin_matcher()
    ));
    // Another taxonomy object, even with the same content, is compiled and evaluated on its own.
    let other = Arc::new(Taxonomy::from_tags(
        "mine",
        [SkillTag::new("t:rust", "Rust programming").hashtags(["rust"])],
    ));
    let m3 = ctx.matcher(&other);
    assert!(!Arc::ptr_eq(&m1, &m3));
    let opts = EvidenceOptions::default();
    let a = ctx.skills(&m1, &opts);
    let b = ctx.skills(&m3, &opts);
    assert_eq!(*a, *b);
    assert_eq!(ctx.computed().evidence_passes, 2);
    // The small taxonomy knows only rust; the built-in one knows kubernetes too.
    let builtin = ctx.skills(&builtin_matcher(), &opts);
    assert!(a.rows.iter().all(|r| r.skill_id == "t:rust"));
    assert!(
        builtin
            .rows
            .iter()
            .any(|r| r.skill_id == "rapport:kubernetes")
    );
}

#[test]
#[allow(clippy::many_single_char_names)]
fn a_changed_corpus_gives_fresh_results() {
    let mut c = synthetic(5_000, 200);
    let topic = Topic::skill("rust");
    let o = MentorOptions::with_limit(1000);
    let before = {
        let ctx = Analysis::new(&c);
        let m = ctx.mentors(&topic, None, &o).unwrap();
        let s = ctx.skills(&builtin_matcher(), &EvidenceOptions::default());
        (m, s)
    };
    // A newcomer who answers a question about rust, and whose answer is acknowledged.
    let t = c.newest().unwrap() + Duration::hours(1);
    c.add_account(Account::new("9000", "newcomer"));
    let mut q = Post::new("q-new", "5", "How do I pin a #rust toolchain?", t);
    q.hashtags = vec!["rust".into()];
    c.add_post(q);
    let mut a = Post::new(
        "a-new",
        "9000",
        "rust-toolchain.toml, #rust",
        t + Duration::minutes(5),
    );
    a.reply_to = Some("q-new".into());
    a.hashtags = vec!["rust".into()];
    c.add_post(a);

    // The context holds the corpus by reference: a new one sees the change.
    let ctx = Analysis::new(&c);
    let after = ctx.mentors(&topic, None, &o).unwrap();
    assert_eq!(json(&after), json(&mentors(&c, &topic, &o).unwrap()));
    assert_ne!(json(&after), json(&before.0));
    assert!(after.rows.iter().any(|r| r.handle == "newcomer"));
    assert!(!before.0.rows.iter().any(|r| r.handle == "newcomer"));
    let skills = ctx.skills(&builtin_matcher(), &EvidenceOptions::default());
    assert!(skills.get("newcomer", "rapport:rust").is_some());
    assert!(before.1.get("newcomer", "rapport:rust").is_none());

    // The same with an owned corpus: changing it means a new `Arc` and a new context.
    let shared = Arc::new(c);
    let owned = Analysis::new(Arc::clone(&shared));
    let first = owned
        .engagement(&ORG, &EngagementOptions::default())
        .unwrap();
    drop(owned);
    let mut changed = Arc::try_unwrap(shared).expect("the context was the only other owner");
    let mut m = Post::new(
        "m-new",
        "9000",
        "hello @user0",
        Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap(),
    );
    m.mentions = vec![rapport_core::Mention {
        id: Some("0".into()),
        handle: "user0".into(),
    }];
    changed.add_post(m);
    let again = Analysis::new(Arc::new(changed));
    let second = again
        .engagement(&ORG, &EngagementOptions::default())
        .unwrap();
    assert_ne!(json(&first), json(&second));
    assert_eq!(
        json(&second),
        json(&engagement(again.corpus(), &ORG, &EngagementOptions::default()).unwrap())
    );
}

#[test]
fn evidence_is_the_same_on_any_number_of_threads() {
    let c = synthetic(30_000, 600);
    let m = builtin_matcher();
    for opts in [
        EvidenceOptions::default(),
        EvidenceOptions::default().all_evidence(),
    ] {
        let one = rapport_core::skills::evidence_on(&c, &m, &opts, 1);
        assert!(one.rows.len() > 100, "{}", one.rows.len());
        for n in [2, 3] {
            assert_eq!(rapport_core::skills::evidence_on(&c, &m, &opts, n), one);
        }
    }
}
