//! Posts' context annotations survive the store (schema version 8), and a later copy without them
//! wipes nothing.

use chrono::{TimeZone, Utc};
use rapport_core::{Account, ContextAnnotation, Corpus, Post};
use rapport_store::Store;

fn annotated() -> Post {
    let t = Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap();
    let mut p = Post::new("500", "7", "ownership in #rust", t);
    p.annotations = vec![
        ContextAnnotation::new("66", "Programming Language", "e-rust", "Rust"),
        ContextAnnotation {
            domain_id: "131".into(),
            domain_name: None,
            entity_id: "e-tech".into(),
            entity_name: None,
        },
    ];
    p
}

#[test]
fn annotations_are_stored_and_kept_by_a_sparse_later_copy() {
    let mut s = Store::open_in_memory().unwrap();
    assert_eq!(s.schema_version().unwrap(), rapport_store::SCHEMA_VERSION);
    let t = annotated().created_at;
    s.save_corpus(&Corpus::from_parts(
        [Account::new("7", "ada")],
        [annotated(), Post::new("501", "7", "plain", t)],
    ))
    .unwrap();
    let c = s.load_corpus().unwrap();
    assert_eq!(
        c.post_by_id("500").unwrap().to_post().annotations,
        annotated().annotations
    );
    assert_eq!(c.post_by_id("501").unwrap().annotations().len(), 0);

    s.save_corpus(&Corpus::from_parts([], [Post::new("500", "7", "", t)]))
        .unwrap();
    let c = s.load_corpus().unwrap();
    assert_eq!(c.post_by_id("500").unwrap().to_post(), annotated());
}
