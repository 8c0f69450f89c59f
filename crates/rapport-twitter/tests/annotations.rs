//! `context_annotations` of tweets reach the core post: through the JSONL importer's lean structs and
//! through the full models (`tweet_to_post`), each (domain, entity) pair once, annotations without an
//! entity id left out.

use rapport_core::ContextAnnotation;
use rapport_twitter::convert::tweet_to_post;
use rapport_twitter::import::{ImportOptions, import_jsonl_reader};
use rapport_twitter::models::Tweet;

const TWEET: &str = r#"{"id":"10","text":"Ownership in #rust","author_id":"7","created_at":"2024-05-01T09:00:00.000Z","context_annotations":[{"domain":{"id":"66","name":"Interests and Hobbies Category","description":"x"},"entity":{"id":"1220701888179359745","name":"Rust"}},{"domain":{"id":"66","name":"Interests and Hobbies Category"},"entity":{"id":"1220701888179359745","name":"Rust"}},{"domain":{"id":131,"name":"Unified Twitter Taxonomy"},"entity":{"id":848920371311001600,"name":"Technology"}},{"domain":{"id":"46","name":"Brand Category"},"entity":{"name":"no id"}},{"domain":null,"entity":null}]}"#;

fn expected() -> Vec<ContextAnnotation> {
    vec![
        ContextAnnotation::new(
            "66",
            "Interests and Hobbies Category",
            "1220701888179359745",
            "Rust",
        ),
        ContextAnnotation::new(
            "131",
            "Unified Twitter Taxonomy",
            "848920371311001600",
            "Technology",
        ),
    ]
}

#[test]
fn the_importer_keeps_annotations_on_the_post() {
    let page = format!(
        "{{\"data\":[{TWEET},{{\"id\":\"11\",\"text\":\"plain\",\"author_id\":\"7\",\"created_at\":\"2024-05-01T09:01:00.000Z\"}}]}}\n"
    );
    for threads in [1, 2] {
        let opts = ImportOptions::strict().with_threads(threads);
        let report = import_jsonl_reader(page.as_bytes(), "a.jsonl", &opts).unwrap();
        let c = &report.corpus;
        let got: Vec<ContextAnnotation> =
            c.post_by_id("10").unwrap().annotations().cloned().collect();
        assert_eq!(got, expected(), "threads {threads}");
        assert_eq!(c.post_by_id("11").unwrap().annotations().len(), 0);
    }
}

#[test]
fn the_full_models_keep_annotations_too() {
    // The full models want objects for `domain` and `entity` (the API never sends null there).
    let t: Tweet =
        serde_json::from_str(&TWEET.replace(r#",{"domain":null,"entity":null}"#, "")).unwrap();
    let p = tweet_to_post(&t, None).unwrap();
    assert_eq!(p.annotations, expected());
}
