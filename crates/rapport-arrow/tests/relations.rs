//! Follow snapshots and X lists survive the corpus file (format version 2): the follow events, list
//! memberships and list skill evidence of the loaded corpus equal the saved one's; a corpus without
//! them is still written as version 1, and a version-1 file without the new columns loads.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::properties::WriterProperties;
use rapport_core::follows::{FollowDirection, FollowSnapshot};
use rapport_core::lists::{ListRelation, XList};
use rapport_core::skills::{EvidenceOptions, Matcher, Taxonomy, evidence};
use rapport_core::{Account, Corpus, Platform, Post};

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, d, 9, 0, 0).unwrap()
}

/// acme (1, X) and its follow lists on May 1, 2 and 3: following {7}, {}, {7} (an unfollow and a
/// refollow), followers {7, 8}, {7, 8, 9} read over two pages (completed 90 s after the first page),
/// {8, 9}; ada (7, Bluesky DID) posts #python and is on two python lists; 8 has platform `other`.
fn corpus() -> Corpus {
    let mut c = Corpus::new();
    c.add_account(Account::new("1", "acme"));
    let mut ada = Account::new("did:plc:ada", "ada.bsky.social");
    ada.platform = Platform::Bluesky;
    c.add_account(ada);
    let mut bob = Account::new("8", "bob");
    bob.platform = Platform::Other;
    c.add_account(bob);
    let mut p = Post::new("10", "did:plc:ada", "Notebooks all day #python", day(2));
    p.hashtags = vec!["python".into()];
    c.add_post(p);
    let ids = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let following = FollowDirection::Following;
    let followers = FollowDirection::Followers;
    for (d, list) in [
        (1, ids(&["did:plc:ada"])),
        (2, ids(&[])),
        (3, ids(&["did:plc:ada"])),
    ] {
        c.try_add_follow_snapshot(FollowSnapshot::new("1", following, day(d), list))
            .unwrap();
    }
    for (d, list) in [
        (1, ids(&["did:plc:ada", "8"])),
        (2, ids(&["did:plc:ada", "8", "9"])),
        (3, ids(&["8", "9"])),
    ] {
        let mut s = FollowSnapshot::new("1", followers, day(d), list);
        if d == 2 {
            s.completed_at = day(d) + Duration::seconds(90);
        }
        c.try_add_follow_snapshot(s).unwrap();
    }
    let mut l1 = XList::new("L1", "Python people").with_description("folks who write python");
    l1.owner_id = Some("1".into());
    let member = ListRelation::Member;
    c.try_add_list_membership("did:plc:ada", l1.clone(), member)
        .unwrap();
    c.try_add_list_membership("8", l1, member).unwrap();
    c.try_add_list_membership(
        "did:plc:ada",
        XList::new("L2", "Speakers").with_description("python and data talks"),
        member,
    )
    .unwrap();
    c.try_add_list_membership("1", XList::new("L3", "Our people"), ListRelation::Owner)
        .unwrap();
    c.try_add_list(XList::new("L4", "Nobody yet")).unwrap();
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

fn platforms(c: &Corpus) -> Vec<(String, Platform)> {
    c.accounts()
        .map(|a| (a.id().to_owned(), a.platform()))
        .collect()
}

fn version(path: &std::path::Path) -> String {
    let f = std::fs::File::open(path).unwrap();
    let b = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
    b.metadata()
        .file_metadata()
        .key_value_metadata()
        .unwrap()
        .iter()
        .find(|kv| kv.key == "rapport.format_version")
        .and_then(|kv| kv.value.clone())
        .unwrap()
}

fn assert_same(back: &Corpus, c: &Corpus) {
    assert_eq!(back.follow_snapshots(), c.follow_snapshots());
    assert_eq!(
        back.follow_events(&["1"]).unwrap(),
        c.follow_events(&["1"]).unwrap()
    );
    assert_eq!(lists(back), lists(c));
    assert_eq!(memberships(back), memberships(c));
    assert_eq!(skills(back), skills(c));
    assert_eq!(platforms(back), platforms(c));
    assert_eq!(
        back.posts().map(|p| p.to_post()).collect::<Vec<_>>(),
        c.posts().map(|p| p.to_post()).collect::<Vec<_>>()
    );
}

#[test]
fn follow_snapshots_and_lists_survive_the_corpus_file() {
    let c = corpus();
    // The comparisons below compare something: events, list evidence and every platform are there.
    let events = c.follow_events(&["1"]).unwrap();
    assert!(events.len() >= 3, "{events:?}");
    let ada = evidence(
        &c,
        &Matcher::new(&Taxonomy::builtin()),
        &EvidenceOptions::default(),
    );
    assert!(
        ada.rows
            .iter()
            .any(|r| r.account_id == "did:plc:ada" && r.evidence_list_ids == ["L1", "L2"])
    );
    let ps: Vec<Platform> = platforms(&c).into_iter().map(|(_, p)| p).collect();
    for p in [Platform::X, Platform::Bluesky, Platform::Other] {
        assert!(ps.contains(&p), "{p:?}");
    }

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.parquet");
    rapport_arrow::save_corpus(&c, &path).unwrap();
    assert_eq!(version(&path), "2");
    let back = rapport_arrow::load_corpus(&path).unwrap();
    assert_same(&back, &c);
    let bytes = rapport_arrow::save_corpus_bytes(&c).unwrap();
    let again = rapport_arrow::load_corpus_bytes(bytes, "<bytes>").unwrap();
    assert_same(&again, &c);
}

#[test]
fn a_corpus_without_follows_or_lists_is_still_version_1() {
    let mut c = Corpus::new();
    c.add_account(Account::new("1", "acme"));
    c.add_post(Post::new("10", "1", "We are #hiring", day(1)));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.parquet");
    rapport_arrow::save_corpus(&c, &path).unwrap();
    assert_eq!(version(&path), "1");
    // Drop the version-2 columns, as a file written before them: it loads the same.
    let f = std::fs::File::open(&path).unwrap();
    let b = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
    let meta = b.metadata().file_metadata().key_value_metadata().cloned();
    let batches: Vec<_> = b.build().unwrap().map(Result::unwrap).collect();
    let new_cols = [
        "completed_at",
        "direction",
        "accounts",
        "name",
        "description",
        "owner_id",
        "account_id",
        "relation",
    ];
    let keep: Vec<usize> = batches[0]
        .schema()
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| !new_cols.contains(&f.name().as_str()))
        .map(|(i, _)| i)
        .collect();
    let old = dir.path().join("old.parquet");
    let props = WriterProperties::builder()
        .set_key_value_metadata(meta)
        .build();
    let schema = Arc::new(batches[0].schema().project(&keep).unwrap());
    let mut w = ArrowWriter::try_new(
        std::fs::File::create(&old).unwrap(),
        Arc::clone(&schema),
        Some(props),
    )
    .unwrap();
    for b in &batches {
        w.write(&b.project(&keep).unwrap()).unwrap();
    }
    w.close().unwrap();
    let back = rapport_arrow::load_corpus(&old).unwrap();
    assert_eq!(back.post_by_id("10").unwrap().text(), "We are #hiring");
    assert_eq!(back.follow_snapshots().len(), 0);
    assert_eq!(back.lists().count(), 0);
}

#[test]
fn a_membership_of_a_missing_list_is_a_clear_error() {
    // A file without its `list` rows: a damaged file, said so whether or not its metadata counts them.
    let c = corpus();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.parquet");
    rapport_arrow::save_corpus(&c, &path).unwrap();
    let f = std::fs::File::open(&path).unwrap();
    let b = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
    let meta = b.metadata().file_metadata().key_value_metadata().cloned();
    let batches: Vec<_> = b.build().unwrap().map(Result::unwrap).collect();
    for (name, counted) in [("counted.parquet", true), ("uncounted.parquet", false)] {
        let mut meta = meta.clone().unwrap();
        if !counted {
            meta.retain(|kv| kv.key != "rapport.lists");
        }
        let cut = dir.path().join(name);
        write_without_lists(&batches, meta, &cut);
        let e = rapport_arrow::load_corpus(&cut).unwrap_err().to_string();
        assert!(e.contains("damaged corpus file") && e.contains(name), "{e}");
        if counted {
            assert!(e.contains("0 lists, but the metadata says 4"), "{e}");
        } else {
            assert!(
                e.contains("a membership of list") && e.contains("no `list` row"),
                "{e}"
            );
        }
    }
}

fn write_without_lists(
    batches: &[arrow::record_batch::RecordBatch],
    meta: Vec<parquet::file::metadata::KeyValue>,
    cut: &std::path::Path,
) {
    let props = WriterProperties::builder()
        .set_key_value_metadata(Some(meta))
        .build();
    let mut w = ArrowWriter::try_new(
        std::fs::File::create(cut).unwrap(),
        batches[0].schema(),
        Some(props),
    )
    .unwrap();
    for b in batches {
        let record = b
            .column_by_name("record")
            .unwrap()
            .as_any()
            .downcast_ref::<arrow::array::StringArray>()
            .unwrap();
        let keep: arrow::array::BooleanArray =
            record.iter().map(|r| Some(r != Some("list"))).collect();
        w.write(&arrow::compute::filter_record_batch(b, &keep).unwrap())
            .unwrap();
    }
    w.close().unwrap();
}
