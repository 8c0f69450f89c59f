//! X lists and list memberships through the store: saved with a corpus, loaded back equal, with the
//! skill evidence they give (`counts.list`, `evidence_list_ids`) unchanged; a version-8 file gains
//! the tables.

use chrono::{TimeZone, Utc};
use rapport_core::lists::{ListRelation, XList};
use rapport_core::skills::{EvidenceOptions, Matcher, Taxonomy, evidence};
use rapport_core::{Account, Corpus, Post};
use rapport_store::Store;

/// Python in the built-in taxonomy (an ESCO skill).
const PY: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";

/// ada (1) posts #python and is on L1 "Python people" and L2 "Speakers" ("python and data talks")
/// and L3 "Cooking", owns L4; bob (2) is on L1; 9 (no profile) is on L2; L5 has no one.
fn corpus() -> Corpus {
    let t = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    let mut c = Corpus::new();
    c.add_account(Account::new("1", "ada"));
    c.add_account(Account::new("2", "bob"));
    let mut p = Post::new("10", "1", "Notebooks all day #python", t);
    p.hashtags = vec!["python".into()];
    c.add_post(p);
    let l1 = || {
        let mut l = XList::new("L1", "Python people").with_description("folks who write python");
        l.owner_id = Some("3".into());
        l
    };
    let l2 = || XList::new("L2", "Speakers").with_description("python and data talks");
    let member = ListRelation::Member;
    c.try_add_list_membership("1", l1(), member).unwrap();
    c.try_add_list_membership("1", l2(), member).unwrap();
    c.try_add_list_membership("1", XList::new("L3", "Cooking"), member)
        .unwrap();
    c.try_add_list_membership(
        "1",
        XList::new("L4", "Python learners"),
        ListRelation::Owner,
    )
    .unwrap();
    c.try_add_list_membership("2", l1(), member).unwrap();
    c.try_add_list_membership("9", l2(), member).unwrap();
    c.try_add_list(XList::new("L5", "Empty for now")).unwrap();
    c
}

fn lists(c: &Corpus) -> Vec<XList> {
    c.lists().cloned().collect()
}

fn memberships(c: &Corpus) -> Vec<(String, String, ListRelation)> {
    c.list_memberships()
        .map(|(a, l, r)| (a.to_owned(), l.id.clone(), r))
        .collect()
}

fn skills(c: &Corpus) -> serde_json::Value {
    let r = evidence(
        c,
        &Matcher::new(&Taxonomy::builtin()),
        &EvidenceOptions::default(),
    );
    serde_json::to_value(&r).unwrap()
}

#[test]
fn lists_and_their_skill_evidence_survive_the_store() {
    let before = corpus();
    let mut s = Store::open_in_memory().unwrap();
    let r = s.save_corpus(&before).unwrap();
    assert_eq!((r.lists_written, r.list_memberships_written), (5, 6));
    let after = s.load_corpus().unwrap();
    assert_eq!(lists(&after), lists(&before));
    assert_eq!(memberships(&after), memberships(&before));
    assert_eq!(
        after.list("L1").unwrap().owner_id.as_deref(),
        Some("3"),
        "the owner id is kept"
    );
    // The account known only by a membership is there, as an id.
    assert!(after.account_by_id("9").is_some());
    let (b, a) = (skills(&before), skills(&after));
    assert_eq!(a, b);
    // The check above compares something: ada's list evidence is in both.
    let ada = evidence(
        &after,
        &Matcher::new(&Taxonomy::builtin()),
        &EvidenceOptions::default(),
    );
    let ada = ada.get("ada", PY).unwrap();
    assert_eq!(ada.counts.list, 2);
    assert_eq!(ada.evidence_list_ids, ["L1", "L2"]);
    assert!(s.check().unwrap().is_ok(), "{:?}", s.check().unwrap());
}

#[test]
fn a_later_copy_of_a_list_updates_it_without_wiping_what_is_known() {
    let mut s = Store::open_in_memory().unwrap();
    s.save_corpus(&corpus()).unwrap();
    // The same list read again: a new name, no description, no owner.
    let mut c = Corpus::new();
    c.try_add_list_membership("2", XList::new("L1", "Pythonistas"), ListRelation::Member)
        .unwrap();
    let r = s.save_corpus(&c).unwrap();
    assert_eq!((r.lists_written, r.list_memberships_written), (1, 1));
    let back = s.load_corpus().unwrap();
    let l1 = back.list("L1").unwrap();
    assert_eq!(l1.name, "Pythonistas");
    assert_eq!(l1.description.as_deref(), Some("folks who write python"));
    assert_eq!(l1.owner_id.as_deref(), Some("3"));
    // What the store holds is what the two corpora merged in memory hold.
    let mut merged = corpus();
    merged.merge(&c);
    assert_eq!(lists(&back), lists(&merged));
    assert_eq!(memberships(&back), memberships(&merged));
}

#[test]
fn a_version_8_file_gains_lists_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v8.db");
    {
        let mut s = Store::open(&path).unwrap();
        let mut c = Corpus::new();
        c.add_account(Account::new("1", "ada"));
        c.add_post(Post::new(
            "10",
            "1",
            "hello",
            Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap(),
        ));
        s.save_corpus(&c).unwrap();
        drop(s);
        // Back to version 8: no list tables.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TABLE list_memberships; DROP TABLE lists; PRAGMA user_version = 8;",
        )
        .unwrap();
    }
    let mut s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), 9);
    assert_eq!(rapport_store::SCHEMA_VERSION, 9);
    let c = s.load_corpus().unwrap();
    assert_eq!(c.post_by_id("10").unwrap().text(), "hello");
    assert_eq!(c.lists().count(), 0);
    s.save_corpus(&corpus()).unwrap();
    let back = s.load_corpus().unwrap();
    assert_eq!(lists(&back), lists(&corpus()));
    assert_eq!(memberships(&back), memberships(&corpus()));
    assert!(s.check().unwrap().is_ok(), "{:?}", s.check().unwrap());
}

#[test]
fn a_compliance_event_removes_the_lists_and_memberships_of_the_account() {
    use rapport_core::compliance::{ComplianceAction, ComplianceEvent, ComplianceTarget};
    let mut s = Store::open_in_memory().unwrap();
    s.save_corpus(&corpus()).unwrap();
    // ada (1) deactivates: L4, which she owns, goes; her places on L1, L2, L3 go. The owner of L1
    // (3), known to the store only as an owner id, is deleted too: L1 goes with bob's place on it.
    let r = s
        .apply_compliance(&[
            ComplianceEvent::new("1", ComplianceTarget::Account, ComplianceAction::Deactivate),
            ComplianceEvent::new("3", ComplianceTarget::Account, ComplianceAction::Delete),
        ])
        .unwrap();
    assert_eq!((r.lists_deleted, r.list_memberships_deleted), (2, 3));
    let back = s.load_corpus().unwrap();
    assert_eq!(
        back.lists().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        ["L2", "L3", "L5"]
    );
    assert_eq!(
        memberships(&back),
        [("9".to_owned(), "L2".to_owned(), ListRelation::Member)]
    );
    assert!(s.check().unwrap().is_ok(), "{:?}", s.check().unwrap());
}
