//! The list endpoints against a mock server: `list_members`, `list_memberships` and `owned_lists`
//! follow `pagination_token` (the X API's parameter for them; `next_token` in `meta`) across several
//! pages, a short or empty page with a token is not the end, the last page (no token) is, and the
//! collected pages, written as twarc2 JSONL, import as lists and memberships.
//!
//! The first page of `list_members` is the recorded payload `list_members_page1.json` (100 users and a
//! `next_token`; see `PROVENANCE.md` of the fixtures); no recording of `list_memberships` or
//! `owned_lists` exists, so their pages are written here in the documented shape
//! (`data: [{id, name, description, owner_id}]`).
#![allow(clippy::needless_pass_by_value)]

mod client_support;

use client_support::*;
use futures::TryStreamExt;
use rapport_core::lists::ListRelation;
use rapport_twitter::client::{Page, PageBody};
use rapport_twitter::import::{ImportOptions, import_jsonl_reader};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn body(data: Vec<serde_json::Value>, next: Option<&str>) -> ResponseTemplate {
    let mut meta = serde_json::json!({"result_count": data.len()});
    if let Some(n) = next {
        meta["next_token"] = n.into();
    }
    let mut b = serde_json::json!({"meta": meta});
    if !data.is_empty() {
        b["data"] = data.into();
    }
    ResponseTemplate::new(200).set_body_raw(b.to_string(), "application/json")
}

fn user(id: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "name": format!("User {id}"), "username": format!("user{id}")})
}

fn list(id: &str, name: &str, owner: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "name": name, "description": format!("about {name}"),
                       "owner_id": owner})
}

/// Mounts pages for GET `p`: the first without `pagination_token`, each next one answering the
/// token the previous page gave.
async fn pages_at(s: &MockServer, p: &str, pages: Vec<(ResponseTemplate, Option<&str>)>) {
    let mut given: Option<String> = None;
    for (template, next) in pages {
        let m = Mock::given(method("GET")).and(path(p));
        let m = match &given {
            Some(t) => m.and(query_param("pagination_token", t.as_str())),
            None => m.and(query_param_is_missing("pagination_token")),
        };
        m.respond_with(template).expect(1).mount(s).await;
        given = next.map(str::to_owned);
    }
}

/// The `pagination_token` of each request, in order; no request names `next_token`.
async fn tokens(s: &MockServer) -> Vec<Option<String>> {
    let reqs = s.received_requests().await.unwrap();
    assert!(
        reqs.iter()
            .all(|r| !r.url.query_pairs().any(|(k, _)| k == "next_token")),
        "a list endpoint sent next_token"
    );
    reqs.iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "pagination_token")
                .map(|(_, v)| v.into_owned())
        })
        .collect()
}

/// The pages as twarc2 JSONL, imported.
fn import<B: PageBody>(pages: &[Page<B>]) -> rapport_core::Corpus {
    let text: Vec<String> = pages.iter().map(Page::to_twarc_line).collect();
    import_jsonl_reader(
        text.join("\n").as_bytes(),
        "collected",
        &ImportOptions::strict(),
    )
    .unwrap()
    .corpus
}

#[tokio::test]
async fn list_members_follows_pagination_token_to_the_last_page() {
    let s = server().await;
    let first_token = fixture_json("list_members_page1.json")["meta"]["next_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let recorded_ids: Vec<String> = fixture_json("list_members_page1.json")["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(recorded_ids.len(), 100);
    pages_at(
        &s,
        "/2/lists/84839422/members",
        vec![
            (recorded("list_members_page1"), Some(first_token.as_str())),
            (body(vec![], Some("m3")), Some("m3")),
            (body(vec![user("501"), user("502")], None), None),
        ],
    )
    .await;
    let (c, _) = client(&s);
    let pages: Vec<_> = c
        .list_members("84839422")
        .max_results(100)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let counts: Vec<usize> = pages.iter().map(|p| p.items().len()).collect();
    assert_eq!(counts, [100, 0, 2]);
    assert_eq!(
        tokens(&s).await,
        [None, Some(first_token.clone()), Some("m3".to_owned())]
    );
    assert_eq!(pages.last().unwrap().next_token(), None);

    // Imported: every user is an account on list 84839422.
    let corpus = import(&pages);
    let mut on_list: Vec<String> = corpus
        .list_memberships()
        .filter(|(_, l, r)| l.id == "84839422" && *r == ListRelation::Member)
        .map(|(a, _, _)| a.to_owned())
        .collect();
    let mut want = recorded_ids;
    want.extend(["501".to_owned(), "502".to_owned()]);
    on_list.sort();
    want.sort();
    assert_eq!(on_list, want);
    assert_eq!(
        corpus.account_by_id("502").map(|a| a.handle().to_owned()),
        Some("user502".to_owned())
    );
}

#[tokio::test]
async fn list_memberships_follows_pagination_token_and_imports_as_memberships() {
    let s = server().await;
    pages_at(
        &s,
        "/2/users/42/list_memberships",
        vec![
            (
                body(
                    vec![
                        list("901", "Python people", "5"),
                        list("902", "Speakers", "6"),
                    ],
                    Some("lm-2"),
                ),
                Some("lm-2"),
            ),
            (body(vec![], Some("lm-3")), Some("lm-3")),
            (body(vec![list("903", "Rustaceans", "5")], None), None),
        ],
    )
    .await;
    let (c, _) = client(&s);
    let pages: Vec<_> = c
        .list_memberships("42")
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages.iter().map(|p| p.items().len()).collect::<Vec<_>>(),
        [2, 0, 1]
    );
    assert_eq!(
        tokens(&s).await,
        [None, Some("lm-2".to_owned()), Some("lm-3".to_owned())]
    );
    let corpus = import(&pages);
    let on: Vec<(&str, Option<&str>)> = corpus
        .lists_of("42", ListRelation::Member)
        .map(|l| (l.id.as_str(), l.owner_id.as_deref()))
        .collect();
    assert_eq!(
        on,
        [("901", Some("5")), ("902", Some("6")), ("903", Some("5"))]
    );
    assert_eq!(
        corpus.list("901").unwrap().description.as_deref(),
        Some("about Python people")
    );
}

#[tokio::test]
async fn owned_lists_follows_pagination_token_and_imports_as_owned() {
    let s = server().await;
    pages_at(
        &s,
        "/2/users/42/owned_lists",
        vec![
            (
                body(vec![list("950", "Our team", "42")], Some("ol-2")),
                Some("ol-2"),
            ),
            (body(vec![list("951", "Alumni", "42")], None), None),
        ],
    )
    .await;
    let (c, _) = client(&s);
    let pages: Vec<_> = c
        .owned_lists("42")
        .max_results(1)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(tokens(&s).await, [None, Some("ol-2".to_owned())]);
    let q = query_of(&s, 0).await;
    assert_eq!(param(&q, "max_results"), Some("1"));
    let corpus = import(&pages);
    let owned: Vec<&str> = corpus
        .lists_of("42", ListRelation::Owner)
        .map(|l| l.id.as_str())
        .collect();
    assert_eq!(owned, ["950", "951"]);
    assert_eq!(corpus.lists_of("42", ListRelation::Member).count(), 0);
}
