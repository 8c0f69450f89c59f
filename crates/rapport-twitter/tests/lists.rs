//! twarc2 list pages (`owned_lists`, `list_memberships` over two pages, a list's `members`) imported
//! beside a tweet page, and the list memberships they make count as skill evidence.
//!
//! | line | page | content |
//! |---|---|---|
//! | 1 | tweets | ada (7) posts 1 "hello" |
//! | 2 | `/2/users/7/owned_lists` | 900 "Rust developers" |
//! | 3 | `/2/users/8/list_memberships` | 901 "Python people" ("folks who write python"), owner 5 |
//! | 4 | the same, next page | 902 "Cooking" |
//! | 5 | `/2/lists/901/members` | cy (9) |
//!
//! So: ada owns 900; bob (8) is on 901 and 902; cy is on 901, whose name line 3 gave. Python evidence:
//! bob and cy by list 901 (a keyword match, 0.8); ada none (owning a list is no evidence).

use rapport_core::lists::ListRelation;
use rapport_core::skills::{CONF_KEYWORD, EvidenceOptions, Matcher, Taxonomy, evidence};
use rapport_twitter::import::{ImportOptions, import_jsonl_reader};
use serde_json::json;

const PY: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";

fn twarc(url: &str) -> serde_json::Value {
    json!({"url": format!("https://api.twitter.com/2/{url}"), "version": "2.14.0",
           "retrieved_at": "2024-05-03T09:00:00+00:00"})
}

fn file() -> String {
    let lines = [
        json!({"data": [{"id": "1", "text": "hello", "author_id": "7",
                         "created_at": "2024-05-01T09:00:00.000Z"}],
               "includes": {"users": [{"id": "7", "username": "ada", "name": "Ada"}]}}),
        json!({"data": [{"id": "900", "name": "Rust developers"}],
               "meta": {"result_count": 1},
               "__twarc": twarc("users/7/owned_lists?max_results=100&list.fields=description")}),
        json!({"data": [{"id": "901", "name": "Python people",
                         "description": "folks who write python", "owner_id": "5"}],
               "meta": {"result_count": 1, "next_token": "t1"},
               "__twarc": twarc("users/8/list_memberships?max_results=100")}),
        json!({"data": [{"id": 902, "name": "Cooking", "description": ""}],
               "meta": {"result_count": 1},
               "__twarc": twarc("users/8/list_memberships?max_results=100&pagination_token=t1")}),
        json!({"data": [{"id": "9", "username": "cy", "name": "Cy"}],
               "meta": {"result_count": 1},
               "__twarc": twarc("lists/901/members?max_results=100")}),
    ];
    let mut out = String::new();
    for l in lines {
        out.push_str(&l.to_string());
        out.push('\n');
    }
    out
}

#[test]
fn list_pages_import_as_lists_and_memberships() {
    for threads in [1, 2] {
        let opts = ImportOptions::strict().with_threads(threads);
        let report = import_jsonl_reader(file().as_bytes(), "lists.jsonl", &opts).unwrap();
        let c = &report.corpus;
        assert_eq!(c.num_posts(), 1);
        let ids = |a: &str, r| c.lists_of(a, r).map(|l| l.id.as_str()).collect::<Vec<_>>();
        assert_eq!(ids("7", ListRelation::Owner), ["900"]);
        assert!(ids("7", ListRelation::Member).is_empty());
        assert_eq!(ids("8", ListRelation::Member), ["901", "902"]);
        assert_eq!(ids("9", ListRelation::Member), ["901"]);
        let l901 = c.list("901").unwrap();
        assert_eq!(l901.name, "Python people");
        assert_eq!(l901.description.as_deref(), Some("folks who write python"));
        assert_eq!(l901.owner_id.as_deref(), Some("5"));
        assert_eq!(c.list("900").unwrap().owner_id.as_deref(), Some("7"));
        assert_eq!(c.list("902").unwrap().description, None);
        // The members page's user is an account, as on any page.
        assert_eq!(c.account_by_handle("cy").unwrap().id(), "9");
        assert_eq!(c.list_memberships().count(), 4);

        let r = evidence(
            c,
            &Matcher::new(&Taxonomy::builtin()),
            &EvidenceOptions::default(),
        );
        for who in ["8", "cy"] {
            let e = r.get(who, PY).unwrap();
            assert!(
                (e.strength - CONF_KEYWORD).abs() < 1e-9,
                "{who}: {}",
                e.strength
            );
            assert_eq!((e.counts.list, e.posts), (1, 0), "{who}");
            assert_eq!(e.evidence_list_ids, ["901"], "{who}");
        }
        assert!(r.for_account("ada").is_empty());
    }
}

#[test]
fn a_list_without_an_id_is_an_error_naming_its_place() {
    let bad = json!({"data": [{"name": "no id"}],
                     "__twarc": twarc("users/8/list_memberships")})
    .to_string();
    let err =
        import_jsonl_reader(bad.as_bytes(), "bad.jsonl", &ImportOptions::strict()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("data[0]") && msg.contains("expected a list with an `id`"),
        "{msg}"
    );
    let lenient =
        import_jsonl_reader(bad.as_bytes(), "bad.jsonl", &ImportOptions::lenient()).unwrap();
    assert_eq!(lenient.skipped.len(), 1);
    assert_eq!(lenient.corpus.lists().count(), 0);
}
