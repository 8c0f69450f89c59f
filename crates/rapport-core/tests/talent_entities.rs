//! Context annotations (X's `context_annotations`) on posts, and entity topics of mentors and of the
//! learning feed, on the hand-built corpus of `talent_mentors.rs` with annotations added.
//!
//! The two #rust seeds (q1 by ada, x1 by dan) are annotated with the entity `e-rust` "Rust" in the
//! domain `66` "Programming Language"; r1 (eve's repost of x1) is annotated too but, as a repost,
//! seeds nothing. q2 (#python) is annotated with `e-py` "Python". So the entity topic `e-rust` has the
//! same seeds, conversations and teleport {ada, dan} as the hashtag topic #rust, and its mentor rows
//! must be exactly those worked out by hand there.

use chrono::{Duration, TimeZone, Utc};
use rapport_core::learning::LearningOptions;
use rapport_core::mentors::{MentorOptions, Topic};
use rapport_core::{ContextAnnotation, Corpus, Error, Post};

#[path = "common/mentors_corpus.rs"]
mod mentors;

fn rust() -> ContextAnnotation {
    ContextAnnotation::new("66", "Programming Language", "e-rust", "Rust")
}

fn annotated() -> Corpus {
    let base = mentors::corpus();
    let mut c = Corpus::new();
    for a in base.accounts() {
        c.add_account(a.to_account());
    }
    for p in base.posts() {
        let mut post: Post = p.to_post();
        match post.id.as_str() {
            "q1" | "x1" | "r1" => post.annotations = vec![rust(), rust()],
            "q2" => {
                post.annotations = vec![ContextAnnotation::new(
                    "66",
                    "Programming Language",
                    "e-py",
                    "Python",
                )];
            }
            _ => {}
        }
        c.add_post(post);
    }
    c
}

#[test]
fn annotations_are_kept_once_per_post_and_updated_by_later_copies() {
    let c = annotated();
    let q1 = c.post_by_id("q1").unwrap();
    assert_eq!(q1.annotations().collect::<Vec<_>>(), [&rust()]);
    assert_eq!(q1.to_post().annotations, [rust()]);
    assert_eq!(c.post_by_id("a1").unwrap().annotations().len(), 0);
    assert_eq!(c.annotations().len(), 2);

    // A later copy without annotations wipes nothing; one with a renamed entity renames it everywhere.
    let mut c = c;
    let t = c.post_by_id("q1").unwrap().created_at();
    c.add_post(Post::new("q1", "1", "", t));
    assert_eq!(c.post_by_id("q1").unwrap().annotations().len(), 1);
    let mut renamed = Post::new("x1", "4", "", c.post_by_id("x1").unwrap().created_at());
    renamed.annotations = vec![ContextAnnotation::new("66", "", "e-rust", "Rust language")];
    c.add_post(renamed);
    let q1 = c.post_by_id("q1").unwrap().to_post();
    assert_eq!(
        q1.annotations[0].entity_name.as_deref(),
        Some("Rust language")
    );
    assert_eq!(
        q1.annotations[0].domain_name.as_deref(),
        Some("Programming Language")
    );
    // An annotation without an entity id is not kept.
    let mut p = Post::new("z9", "1", "no entity", t);
    p.annotations = vec![ContextAnnotation::new(
        "66",
        "Programming Language",
        " ",
        "",
    )];
    c.add_post(p);
    assert_eq!(c.post_by_id("z9").unwrap().annotations().len(), 0);
}

#[test]
fn annotations_survive_serde_and_filter() {
    let c = annotated();
    let json = serde_json::to_string(&c).unwrap();
    let back: Corpus = serde_json::from_str(&json).unwrap();
    for p in c.posts() {
        assert_eq!(back.post_by_id(p.id()).unwrap().to_post(), p.to_post());
    }
    let cut = c.filter(&rapport_core::filter::Filter::default());
    assert_eq!(
        cut.post_by_id("q2").unwrap().to_post(),
        c.post_by_id("q2").unwrap().to_post()
    );
}

#[test]
fn a_corpus_saved_before_annotations_loads_with_none() {
    let c = mentors::corpus();
    let mut v: serde_json::Value = serde_json::to_value(&c).unwrap();
    let o = v.as_object_mut().unwrap();
    for k in ["annotations", "annotation_keys", "annotation_table"] {
        assert!(o.remove(k).is_some(), "{k}");
    }
    let back: Corpus = serde_json::from_value(v).unwrap();
    assert_eq!(back.num_posts(), c.num_posts());
    assert!(back.posts().all(|p| p.annotations().len() == 0));
}

#[test]
fn entity_topic_has_the_hand_worked_mentors_of_its_hashtag() {
    let c = annotated();
    let by_tag = c
        .mentors(&Topic::hashtags(["rust"]), &MentorOptions::default())
        .unwrap();
    for spec in ["entity:e-rust", "entity:RUST", "entity: rust "] {
        let topic = Topic::parse(spec);
        let r = c.mentors(&topic, &MentorOptions::default()).unwrap();
        assert_eq!(r.teleport_accounts, 2, "{spec}");
        assert_eq!(r.rows.len(), by_tag.rows.len(), "{spec}");
        for (a, b) in r.rows.iter().zip(&by_tag.rows) {
            assert_eq!(
                (
                    &a.handle,
                    a.answers,
                    a.answers_acknowledged,
                    a.reach,
                    a.topic_posts
                ),
                (
                    &b.handle,
                    b.answers,
                    b.answers_acknowledged,
                    b.reach,
                    b.topic_posts
                ),
                "{spec}"
            );
            assert!((a.pagerank - b.pagerank).abs() < 1e-12, "{spec}");
            assert_eq!(a.evidence_post_ids, b.evidence_post_ids, "{spec}");
        }
    }
    // The order of the hand-worked ranking in talent_mentors.rs.
    let r = c
        .mentors(&Topic::entity("e-rust"), &MentorOptions::default())
        .unwrap();
    let handles: Vec<&str> = r.rows.iter().map(|x| x.handle.as_str()).collect();
    assert_eq!(handles, ["bob", "ada", "dan", "cy"]);
    assert_eq!(r.topic, "entity e-rust");

    // Python's entity: q2 (eve) seeds, bob answers it.
    let py = c
        .mentors(&Topic::parse("entity:e-py"), &MentorOptions::default())
        .unwrap();
    assert_eq!(py.teleport_accounts, 1);
    let bob = py.rows.iter().find(|x| x.handle == "bob").unwrap();
    assert_eq!(
        (bob.answers, bob.evidence_post_ids.clone()),
        (1, vec!["a3".to_owned()])
    );
}

#[test]
fn a_bare_name_the_taxonomy_does_not_know_is_an_entity_name() {
    let mut c = annotated();
    let t = Utc.with_ymd_and_hms(2026, 3, 1, 20, 0, 0).unwrap();
    let mut p = Post::new("w1", "3", "Shipping on the new platform", t);
    p.annotations = vec![ContextAnnotation::new(
        "46",
        "Brand Category",
        "e-zq",
        "Zorquil Widgets",
    )];
    c.add_post(p);
    let r = c
        .mentors(&Topic::parse("zorquil widgets"), &MentorOptions::default())
        .unwrap();
    assert_eq!(r.teleport_accounts, 1);
    assert_eq!(r.rows[0].handle, "cy");
}

#[test]
fn an_unknown_entity_is_an_error_naming_it() {
    let c = annotated();
    let err = c
        .mentors(&Topic::parse("entity:nope"), &MentorOptions::default())
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidParameter { name: "topic", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("entity:nope"), "{err}");
}

#[test]
fn the_learning_feed_takes_entity_goals() {
    let c = annotated();
    let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    let opts = LearningOptions {
        as_of: Some(t0 + Duration::hours(9)),
        ..LearningOptions::default()
    };
    let feed = c
        .learning_feed(
            &[Topic::parse("entity:e-rust"), Topic::hashtags(["rust"])],
            &opts,
        )
        .unwrap();
    let (e, h) = (&feed.goals[0], &feed.goals[1]);
    assert_eq!(e.goal, "entity e-rust");
    let ids = |g: &rapport_core::learning::GoalFeed| {
        g.conversations
            .iter()
            .map(|c| c.conversation_id.clone())
            .collect::<Vec<_>>()
    };
    assert!(!e.conversations.is_empty());
    assert_eq!(ids(e), ids(h));
    let handles = |g: &rapport_core::learning::GoalFeed| {
        g.mentors
            .iter()
            .map(|m| m.handle.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(handles(e), handles(h));
}
