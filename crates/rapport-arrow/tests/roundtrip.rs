//! The corpus file and the twarc2 JSONL export read back to an equal corpus, on a generated sample
//! corpus with replies, quotes, reposts, hashtags, mentions, urls, languages, metrics and bios, and on
//! hand-made edge cases.

use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
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
/// What the display tables carry: the contents without the posts' context annotations, which the
/// posts table leaves out (the corpus file keeps them).
fn table_contents(c: &Corpus) -> (Vec<Post>, Vec<(Account, bool, usize)>) {
    let (mut posts, accounts) = contents(c);
    for p in &mut posts {
        p.annotations.clear();
    }
    (posts, accounts)
}

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

/// The display tables of a corpus, each cut into batches of `chunk` rows (as a Spark group or a
/// Parquet dataset hands them over).
fn display_tables(
    c: &Corpus,
    chunk: usize,
) -> (
    Vec<rapport_arrow::RecordBatch>,
    Vec<rapport_arrow::RecordBatch>,
) {
    let cut = |b: rapport_arrow::RecordBatch| {
        if b.num_rows() == 0 {
            return vec![b];
        }
        (0..b.num_rows())
            .step_by(chunk)
            .map(|at| b.slice(at, chunk.min(b.num_rows() - at)))
            .collect()
    };
    (
        cut(rapport_arrow::corpus::posts(c).unwrap()),
        cut(rapport_arrow::corpus::accounts(c).unwrap()),
    )
}

#[test]
fn from_arrow_reads_the_display_tables_back_exactly() {
    for c in [edge_cases(), sample(3_000), Corpus::new()] {
        for chunk in [1_000_000, 7] {
            let (posts, accounts) = display_tables(&c, chunk);
            let back = rapport_arrow::from_arrow(&posts, &accounts).unwrap();
            assert_eq!(
                table_contents(&back),
                table_contents(&c),
                "batches of {chunk} rows"
            );
            assert_eq!(back.conversations().count(), c.conversations().count());
            // And the tables of the copy are the tables of the original.
            assert_eq!(
                rapport_arrow::corpus::posts(&back).unwrap(),
                rapport_arrow::corpus::posts(&c).unwrap()
            );
        }
    }
}

/// `batch` with every column cast as `to` says (the types Spark, pandas or polars hand over).
fn recast(
    batch: &rapport_arrow::RecordBatch,
    to: impl Fn(&str, &DataType) -> Option<DataType>,
) -> rapport_arrow::RecordBatch {
    let mut fields = Vec::new();
    let mut cols = Vec::new();
    for (f, c) in batch.schema().fields().iter().zip(batch.columns()) {
        let t = to(f.name(), f.data_type()).unwrap_or_else(|| f.data_type().clone());
        cols.push(arrow::compute::cast(c, &t).unwrap());
        fields.push(Field::new(f.name(), t, true));
    }
    rapport_arrow::RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).unwrap()
}

#[test]
fn from_arrow_converts_the_types_spark_and_pandas_use() {
    let c = edge_cases();
    let (posts, accounts) = display_tables(&c, 1_000_000);
    // Spark: microseconds in the session's time zone, large strings, int32 counts; a `tenant` column.
    let spark = |name: &str, t: &DataType| match t {
        DataType::Timestamp(_, _) => Some(DataType::Timestamp(
            TimeUnit::Microsecond,
            Some("America/New_York".into()),
        )),
        DataType::Utf8 => Some(DataType::LargeUtf8),
        DataType::Int64 if name != "impressions" => Some(DataType::Int32),
        DataType::List(_) => Some(DataType::LargeList(Arc::new(Field::new(
            "element",
            DataType::Utf8View,
            true,
        )))),
        _ => None,
    };
    let with_tenant = |b: rapport_arrow::RecordBatch| {
        let mut fields: Vec<Field> = vec![Field::new("tenant", DataType::Utf8, false)];
        fields.extend(b.schema().fields().iter().map(|f| f.as_ref().clone()));
        let mut cols: Vec<ArrayRef> = vec![Arc::new(StringArray::from(vec!["t1"; b.num_rows()]))];
        cols.extend(b.columns().iter().cloned());
        rapport_arrow::RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).unwrap()
    };
    let p = with_tenant(recast(&posts[0], spark));
    let a = with_tenant(recast(&accounts[0], spark));
    let back = rapport_arrow::from_arrow(&[p], &[a]).unwrap();
    assert_eq!(table_contents(&back), table_contents(&c));
    // Naive timestamps (pandas without a zone) are UTC.
    let naive = |_: &str, t: &DataType| match t {
        DataType::Timestamp(_, _) => Some(DataType::Timestamp(TimeUnit::Nanosecond, None)),
        _ => None,
    };
    let back =
        rapport_arrow::from_arrow(&[recast(&posts[0], naive)], &[recast(&accounts[0], naive)])
            .unwrap();
    assert_eq!(table_contents(&back), table_contents(&c));
}

#[test]
fn from_arrow_reads_posts_without_an_accounts_table() {
    let c = edge_cases();
    let (posts, _) = display_tables(&c, 1_000_000);
    let back = rapport_arrow::from_arrow(&posts, &[]).unwrap();
    assert_eq!(back.num_posts(), c.num_posts());
    // The authors keep the handles the posts table shows; the mentions resolve by handle.
    assert_eq!(back.account_by_id("1").unwrap().handle(), "Acme_Careers");
    let reply = back.post_by_id("11").unwrap();
    assert_eq!(reply.reply_to_account().unwrap().id(), "1");
    let mentioned: Vec<_> = reply.mentions().map(|a| a.handle_or_id()).collect();
    assert_eq!(mentioned, ["Acme_Careers", "grace"]);
    // Only the required columns.
    let minimal = posts[0].project(&[0, 1, 3, 5]).unwrap();
    let back = rapport_arrow::from_arrow(&[minimal], &[]).unwrap();
    assert_eq!(
        back.post_by_id("10").unwrap().text(),
        c.post_by_id("10").unwrap().text()
    );
}

#[test]
fn from_arrow_errors_name_the_column_and_the_expected_type() {
    let c = edge_cases();
    let (posts, accounts) = display_tables(&c, 1_000_000);
    let err = |p: rapport_arrow::RecordBatch, a: &[rapport_arrow::RecordBatch]| {
        rapport_arrow::from_arrow(&[p], a).unwrap_err().to_string()
    };
    let without = |b: &rapport_arrow::RecordBatch, name: &str| {
        let keep: Vec<usize> = (0..b.num_columns())
            .filter(|&i| b.schema().field(i).name() != name)
            .collect();
        b.project(&keep).unwrap()
    };
    assert_eq!(
        err(without(&posts[0], "author_id"), &accounts),
        "posts: column `author_id` missing (expected a column of utf8)"
    );
    assert_eq!(
        err(posts[0].clone(), &[without(&accounts[0], "handle")]),
        "accounts: column `handle` missing (expected a column of utf8)"
    );
    let text_time = recast(&posts[0], |n, _| {
        (n == "created_at").then_some(DataType::Utf8)
    });
    assert_eq!(
        err(text_time, &accounts),
        "posts: column `created_at` is Utf8, expected timestamp (ms, UTC; any unit or time zone \
         is converted)"
    );
    let float_likes = recast(&posts[0], |n, _| {
        (n == "likes").then_some(DataType::Float64)
    });
    assert_eq!(
        err(float_likes, &accounts),
        "posts: column `likes` is Float64, expected an integer type (int64)"
    );
    let tags_as_text = recast(&posts[0], |n, _| {
        (n == "hashtags").then_some(DataType::Utf8)
    });
    assert_eq!(
        err(tags_as_text, &accounts),
        "posts: column `hashtags` is Utf8, expected list<utf8>"
    );
    // Values: a null id, a negative count, an id the corpus refuses.
    let with_column = |b: &rapport_arrow::RecordBatch, name: &str, col: ArrayRef| {
        let i = b.schema().index_of(name).unwrap();
        let mut cols = b.columns().to_vec();
        cols[i] = col;
        rapport_arrow::RecordBatch::try_new(b.schema(), cols).unwrap()
    };
    let n = posts[0].num_rows();
    let mut ids: Vec<Option<&str>> = vec![Some("10"), Some("11"), Some("12"), None, Some("14")];
    assert_eq!(ids.len(), n);
    let null_id = with_column(&posts[0], "id", Arc::new(StringArray::from(ids.clone())));
    assert_eq!(
        err(null_id, &accounts),
        "posts: column `id` is null at row 3, expected a value"
    );
    ids[3] = Some("bad\nid");
    let bad_id = with_column(&posts[0], "id", Arc::new(StringArray::from(ids)));
    let e = err(bad_id, &accounts);
    assert!(e.starts_with("posts: row 3: invalid post id"), "{e}");
    let likes = Int64Array::from(vec![Some(1), Some(-4), None, None, None]);
    let negative = with_column(&posts[0], "likes", Arc::new(likes));
    assert_eq!(
        err(negative, &accounts),
        "posts: column `likes` at row 1: -4 is not a count (0 to 4294967295)"
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
