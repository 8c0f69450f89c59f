//! The corpus file and the twarc2 JSONL export read back to an equal corpus, on a generated sample
//! corpus with replies, quotes, reposts, hashtags, mentions, urls, languages, metrics and bios, and on
//! hand-made edge cases.

use chrono::{TimeZone, Utc};
use rapport_core::{
    Account, ContextAnnotation, Corpus, Mention, Platform, Post, ProfileCounts, PublicMetrics,
};
use rapport_sample::{SampleConfig, sample_jsonl_string};
use rapport_twitter::import::{ImportOptions, import_jsonl_reader};

fn sample(posts: usize) -> Corpus {
    let text = sample_jsonl_string(&SampleConfig::new(posts, 7)).unwrap();
    import_jsonl_reader(text.as_bytes(), "sample", &ImportOptions::strict())
        .unwrap()
        .corpus
}

/// Everything a corpus holds, in a comparable form: posts in order, accounts in order with their
/// stub flag and post count.
fn contents(c: &Corpus) -> (Vec<Post>, Vec<(Account, bool, usize)>) {
    (
        c.posts().map(|p| p.to_post()).collect(),
        c.accounts()
            .map(|a| (a.to_account(), a.is_stub(), a.posts().len()))
            .collect(),
    )
}

fn edge_cases() -> Corpus {
    let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
    let mut c = Corpus::new();
    c.add_account(Account {
        id: "1".into(),
        handle: "Acme_Careers".into(),
        display_name: Some("Acme <Careers>".into()),
        bio: Some("We hire #Rust & #Go people".into()),
        created_at: Some(t - chrono::Duration::days(900)),
        counts: ProfileCounts {
            followers: Some(12_000),
            following: Some(3),
            posts: None,
            listed: Some(0),
        },
        platform: Platform::X,
    });
    c.add_account(Account::new("2", "ada"));
    let mut root = Post::new(
        "10",
        "1",
        "We are #hiring: <Rust> & more &amp; https://t.co/x",
        t,
    );
    root.conversation_id = Some("10".into());
    root.hashtags = vec!["hiring".into()];
    root.urls = vec!["https://acme.example/jobs".into()];
    root.lang = Some("en".into());
    root.annotations = vec![
        ContextAnnotation::new(
            "66",
            "Programming Language",
            "e-rust",
            "Rust <lang> & \"co\"",
        ),
        ContextAnnotation {
            domain_id: "131".into(),
            domain_name: None,
            entity_id: "e-hiring".into(),
            entity_name: None,
        },
    ];
    root.metrics = PublicMetrics {
        replies: Some(1),
        reposts: Some(0),
        likes: Some(5),
        quotes: None,
        impressions: Some(u32::MAX),
        bookmarks: Some(2),
    };
    c.add_post(root);
    let mut reply = Post::new(
        "11",
        "2",
        "@Acme_Careers me! cc @grace",
        t + chrono::Duration::milliseconds(1_250),
    );
    reply.conversation_id = Some("10".into());
    reply.reply_to = Some("10".into());
    reply.reply_to_account = Some("1".into());
    reply.mentions = vec![
        Mention {
            id: Some("1".into()),
            handle: "Acme_Careers".into(),
        },
        Mention {
            id: None,
            handle: "grace".into(),
        },
    ];
    c.add_post(reply);
    let mut quote = Post::new("12", "2", "look", t + chrono::Duration::hours(1));
    quote.quoted = Some("10".into());
    c.add_post(quote);
    let mut repost = Post::new(
        "13",
        "2",
        "RT @Acme_Careers: We are #hiring",
        t + chrono::Duration::hours(2),
    );
    repost.reposted = Some("10".into());
    repost.hashtags = vec!["hiring".into()];
    c.add_post(repost);
    // a reply whose parent is not in the corpus
    let mut orphan = Post::new("14", "2", "", t + chrono::Duration::hours(3));
    orphan.reply_to = Some("999".into());
    orphan.conversation_id = Some("998".into());
    c.add_post(orphan);
    c
}

#[test]
fn parquet_round_trip_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    for c in [edge_cases(), sample(3_000), Corpus::new()] {
        let path = dir.path().join("c.parquet");
        rapport_arrow::save_corpus(&c, &path).unwrap();
        let back = rapport_arrow::load_corpus(&path).unwrap();
        assert_eq!(contents(&back), contents(&c));
        assert_eq!(back.conversations().count(), c.conversations().count());
        let bytes = rapport_arrow::save_corpus_bytes(&c).unwrap();
        let again = rapport_arrow::load_corpus_bytes(bytes, "<bytes>").unwrap();
        assert_eq!(contents(&again), contents(&c));
    }
}

#[test]
fn the_sample_has_every_kind_of_field() {
    // Guards the round-trip test above against a sample that would prove nothing.
    let c = sample(3_000);
    let posts: Vec<Post> = c.posts().map(|p| p.to_post()).collect();
    assert!(posts.iter().any(|p| p.reply_to.is_some()));
    assert!(posts.iter().any(|p| p.quoted.is_some()));
    assert!(posts.iter().any(|p| p.reposted.is_some()));
    assert!(posts.iter().any(|p| !p.hashtags.is_empty()));
    assert!(posts.iter().any(|p| !p.mentions.is_empty()));
    assert!(posts.iter().any(|p| !p.urls.is_empty()));
    assert!(posts.iter().any(|p| p.lang.is_some()));
    assert!(posts.iter().any(|p| !p.annotations.is_empty()));
    assert!(posts.iter().any(|p| p.metrics.likes.is_some()));
    assert!(c.accounts().any(|a| a.bio().is_some()));
}

#[test]
fn jsonl_export_imports_back_equal() {
    for c in [edge_cases(), sample(3_000)] {
        let mut out = Vec::new();
        let lines = rapport_arrow::corpus_to_jsonl(&c, &mut out).unwrap();
        assert!(lines >= 1);
        let back = import_jsonl_reader(out.as_slice(), "export", &ImportOptions::strict())
            .unwrap()
            .corpus;
        let (posts, accounts) = contents(&c);
        let (back_posts, back_accounts) = contents(&back);
        assert_eq!(back_posts, posts);
        // Account order follows the pages; the accounts themselves are the same.
        let key = |v: &mut Vec<(Account, bool, usize)>| {
            v.sort_by(|a, b| (&a.0.id, &a.0.handle).cmp(&(&b.0.id, &b.0.handle)));
        };
        let (mut a, mut b) = (accounts, back_accounts);
        key(&mut a);
        key(&mut b);
        assert_eq!(b, a);
    }
}

#[test]
fn a_file_that_is_not_a_corpus_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.parquet");
    std::fs::write(&path, b"{}").unwrap();
    let e = rapport_arrow::load_corpus(&path).unwrap_err().to_string();
    assert!(e.contains("not a saved rapport corpus"), "{e}");
    // A Parquet results table is not a corpus either.
    let t = rapport_arrow::corpus::posts(&edge_cases()).unwrap();
    let f = std::fs::File::create(&path).unwrap();
    rapport_arrow::write_table(&t, rapport_arrow::Format::Parquet, f).unwrap();
    let e = rapport_arrow::load_corpus(&path).unwrap_err().to_string();
    assert!(e.contains("rapport.format"), "{e}");
    let e = rapport_arrow::load_corpus(dir.path().join("missing")).unwrap_err();
    assert!(matches!(e, rapport_arrow::Error::Io { .. }));
}

#[test]
fn results_tables_write_every_format() {
    let t = rapport_arrow::corpus::posts(&edge_cases()).unwrap();
    let mut csv = Vec::new();
    rapport_arrow::write_table(&t, rapport_arrow::Format::Csv, &mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("id,author_id,author,created_at,kind,text"));
    assert!(csv.contains("2024-05-01T09:00:01.250Z"));
    let mut json = Vec::new();
    rapport_arrow::write_table(&t, rapport_arrow::Format::Json, &mut json).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(
        v[1]["mentions"],
        serde_json::json!(["Acme_Careers", "grace"])
    );
    let mut pq = Vec::new();
    rapport_arrow::write_table(&t, rapport_arrow::Format::Parquet, &mut pq).unwrap();
    let r = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        bytes::Bytes::from(pq),
    )
    .unwrap()
    .build()
    .unwrap();
    let batches: Vec<_> = r.map(Result::unwrap).collect();
    assert_eq!(batches[0].num_rows(), 5);
    assert_eq!(
        batches[0]
            .schema()
            .field_with_name("created_at")
            .unwrap()
            .data_type(),
        &rapport_arrow::table::timestamp_type()
    );
}

#[test]
fn skill_rows_with_and_without_lists_make_one_table() {
    use rapport_core::lists::{ListRelation, XList};
    use rapport_core::skills::{EvidenceOptions, Matcher, Taxonomy, evidence};
    let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
    let mut c = Corpus::new();
    c.add_account(Account::new("1", "ada"));
    c.add_account(Account::new("2", "bob"));
    let mut p = Post::new("10", "1", "more #python", t);
    p.hashtags = vec!["python".into()];
    c.add_post(p);
    c.try_add_list_membership("2", XList::new("L1", "Python people"), ListRelation::Member)
        .unwrap();
    let r = evidence(
        &c,
        &Matcher::new(&Taxonomy::builtin()),
        &EvidenceOptions::default(),
    );
    assert_eq!(r.rows.len(), 2);
    let batch = rapport_arrow::record_batch(&r.rows).unwrap();
    assert_eq!(batch.num_rows(), 2);
    let empty = rapport_arrow::record_batch::<rapport_core::skills::SkillEvidence>(&[]).unwrap();
    assert_eq!(empty.schema().fields().len(), batch.schema().fields().len());
}
