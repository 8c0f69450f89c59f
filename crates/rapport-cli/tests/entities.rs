//! `rapport mentors --topic entity:<id>` end to end, as the built binary: the importer keeps the
//! posts' `context_annotations`, the store keeps them, and the topic string selects the annotated
//! posts.
//!
//! The file: @ada (2) asks 100 "How do I pin a toolchain?" annotated with the entity `e-rust`
//! "Rust"; @bob (3) answers 101; @ada thanks him 102. @cy (4) posts 200 about something else, with
//! no annotation, and @dan (5) replies 201 to it. Within the topic: bob answers 1 question (ada
//! acknowledged it), the teleport is {ada}; cy and dan have no topic activity.

use std::path::Path;

use serde_json::{Value, json};

mod common;
use common::{ok, rapport};

fn write_file(dir: &Path) -> String {
    let users = [("2", "ada"), ("3", "bob"), ("4", "cy"), ("5", "dan")]
        .map(|(id, h)| json!({"id": id, "username": h, "name": h}));
    let tweet = |id: &str, author: &str, text: &str, min: u32, reply: Option<&str>, conv: &str| {
        let mut t = json!({
            "id": id, "author_id": author, "text": text, "conversation_id": conv,
            "created_at": format!("2024-05-02T10:{min:02}:00.000Z"),
        });
        if let Some(r) = reply {
            t["referenced_tweets"] = json!([{"type": "replied_to", "id": r}]);
        }
        t
    };
    let mut q = tweet("100", "2", "How do I pin a toolchain?", 0, None, "100");
    q["context_annotations"] = json!([
        {"domain": {"id": "66", "name": "Programming Language"}, "entity": {"id": "e-rust", "name": "Rust"}}
    ]);
    let page = json!({
        "data": [
            q,
            tweet("101", "3", "Use a toolchain file", 5, Some("100"), "100"),
            tweet("102", "2", "thanks, that works", 10, Some("101"), "100"),
            tweet("200", "4", "Lunch was great", 20, None, "200"),
            tweet("201", "5", "Where did you go?", 25, Some("200"), "200"),
        ],
        "includes": {"users": users},
    });
    let path = dir.join("annotated.jsonl");
    std::fs::write(&path, format!("{page}\n")).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn mentors_of_an_entity_topic() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path());
    let store = dir.path().join("hr.db");
    let store = store.to_str().unwrap();
    ok(&["import", &file, "--store", store]);
    for topic in ["entity:e-rust", "entity:RUST"] {
        let run = ok(&["mentors", "--store", store, "--topic", topic, "--json"]);
        let v: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(v["teleport_accounts"], 1, "{topic}: {}", run.stdout);
        let rows = v["rows"].as_array().unwrap();
        let handles: Vec<&str> = rows.iter().map(|r| r["handle"].as_str().unwrap()).collect();
        assert!(
            !handles.contains(&"cy") && !handles.contains(&"dan"),
            "{topic}: {handles:?}"
        );
        let bob = rows.iter().find(|r| r["handle"] == "bob").unwrap();
        assert_eq!(
            (bob["answers"].clone(), bob["answers_acknowledged"].clone()),
            (json!(1), json!(1))
        );
        assert_eq!(bob["evidence_post_ids"], json!(["101"]));
    }
    let bad = rapport(&["mentors", "--store", store, "--topic", "entity:nope"]);
    assert_ne!(bad.code, 0);
    assert!(bad.stderr.contains("entity:nope"), "{}", bad.stderr);
}
