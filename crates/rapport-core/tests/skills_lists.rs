//! Lists as skill evidence, on a hand-built corpus.
//!
//! | account | posts | on lists | owns |
//! |---|---|---|---|
//! | ada (1) | "Notebooks all day #python" at as_of | L1 "Python people" ("folks who write python"), L2 "Speakers" ("python and data talks"), L3 "Cooking" | L4 "Python learners" |
//! | bob (2) | none | L1 | |
//!
//! Worked by hand for Python: ada's post is a hashtag match (0.95, weight 1 at
//! as_of); L1 and L2 name python as a keyword (0.8 each), so the lists add 0.8 once: strength 1.75,
//! 1 post, `list` 2, list ids [L1, L2] (equal confidence, by id). L3 names no skill; L4 is owned, not
//! evidence. bob: no post, L1 only: strength 0.8, `list` 1, [L1].

use chrono::{TimeZone, Utc};
use rapport_core::lists::{ListRelation, XList};
use rapport_core::skills::{
    CONF_HASHTAG, CONF_KEYWORD, EvidenceOptions, Matcher, Taxonomy, evidence,
};
use rapport_core::{Account, Corpus, Post};

/// Python in the built-in taxonomy (an ESCO skill).
const PY: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";

fn corpus() -> Corpus {
    let t = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    let mut c = Corpus::new();
    c.add_account(Account::new("1", "ada"));
    c.add_account(Account::new("2", "bob"));
    let mut p = Post::new("10", "1", "Notebooks all day #python", t);
    p.hashtags = vec!["python".into()];
    c.add_post(p);
    let l1 = || XList::new("L1", "Python people").with_description("folks who write python");
    let member = ListRelation::Member;
    c.try_add_list_membership("1", l1(), member).unwrap();
    c.try_add_list_membership(
        "1",
        XList::new("L2", "Speakers").with_description("python and data talks"),
        member,
    )
    .unwrap();
    c.try_add_list_membership("1", XList::new("L3", "Cooking"), member)
        .unwrap();
    c.try_add_list_membership(
        "1",
        XList::new("L4", "Python learners"),
        ListRelation::Owner,
    )
    .unwrap();
    c.try_add_list_membership("2", l1(), member).unwrap();
    c
}

#[test]
fn lists_are_evidence_of_their_own_kind() {
    let c = corpus();
    let r = evidence(
        &c,
        &Matcher::new(&Taxonomy::builtin()),
        &EvidenceOptions::default(),
    );
    let ada = r.get("ada", PY).unwrap();
    assert!(
        (ada.strength - (CONF_HASHTAG + CONF_KEYWORD)).abs() < 1e-9,
        "{}",
        ada.strength
    );
    assert_eq!((ada.posts, ada.counts.hashtag, ada.counts.list), (1, 1, 2));
    assert_eq!(ada.evidence_post_ids, ["10"]);
    assert_eq!(ada.evidence_list_ids, ["L1", "L2"]);
    let bob = r.get("bob", PY).unwrap();
    assert!(
        (bob.strength - CONF_KEYWORD).abs() < 1e-9,
        "{}",
        bob.strength
    );
    assert_eq!((bob.posts, bob.counts.list), (0, 1));
    assert_eq!(bob.evidence_list_ids, ["L1"]);
    assert!(bob.evidence_post_ids.is_empty() && bob.first_seen.is_none());
    // Nothing else for bob: the lists name only python.
    assert_eq!(r.for_account("bob").len(), 1);
}

#[test]
fn lists_survive_merge_and_serde_and_later_copies_update_them() {
    let c = corpus();
    let mut m = Corpus::new();
    m.merge(&c);
    let json = serde_json::to_string(&m).unwrap();
    let mut back: Corpus = serde_json::from_str(&json).unwrap();
    let ids = |c: &Corpus, rel| {
        c.lists_of("1", rel)
            .map(|l| l.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&back, ListRelation::Member), ["L1", "L2", "L3"]);
    assert_eq!(ids(&back, ListRelation::Owner), ["L4"]);
    assert_eq!(back.list_memberships().count(), 5);
    back.try_add_list(XList::new("L3", "Rust and Python cooks"))
        .unwrap();
    assert_eq!(back.list("L3").unwrap().name, "Rust and Python cooks");
    assert!(back.try_add_list(XList::new("", "no id")).is_err());
    assert!(
        back.try_add_list_membership("", XList::new("L9", "x"), ListRelation::Member)
            .is_err()
    );
    // An account only known from a membership becomes a stub.
    back.try_add_list_membership("77", XList::new("L1", ""), ListRelation::Member)
        .unwrap();
    assert_eq!(back.account_by_id("77").unwrap().id(), "77");
    assert_eq!(back.list("L1").unwrap().name, "Python people"); // an empty name wipes nothing
}

#[test]
fn a_corpus_without_lists_has_no_list_evidence() {
    let mut c = corpus();
    c = {
        let mut plain = Corpus::new();
        for a in c.accounts() {
            plain.add_account(a.to_account());
        }
        for p in c.posts() {
            plain.add_post(p.to_post());
        }
        plain
    };
    let r = evidence(
        &c,
        &Matcher::new(&Taxonomy::builtin()),
        &EvidenceOptions::default(),
    );
    let ada = r.get("ada", PY).unwrap();
    assert_eq!((ada.counts.list, ada.evidence_list_ids.len()), (0, 0));
    assert!((ada.strength - CONF_HASHTAG).abs() < 1e-9);
    assert!(r.get("bob", PY).is_none());
    // The columns are there all the same (tables keep one shape whatever the data).
    let v = serde_json::to_value(ada).unwrap();
    assert_eq!(
        (v["counts"]["list"].clone(), v["evidence_list_ids"].clone()),
        (serde_json::json!(0), serde_json::json!([]))
    );
}
