//! rapport's files: the Parquet corpus file, and result tables written as Parquet, CSV, JSON or JSONL.
//!
//! # The corpus file (format versions 1 and 2)
//!
//! One Parquet file (Snappy-compressed) holds a whole corpus: its accounts, its posts, its follow
//! snapshots and its X lists with their memberships. All live in one schema, told apart by the
//! `record` column; each row group holds only one kind, in this order: accounts, posts (in the
//! corpus's post order), follow snapshots, lists, list memberships. A reader that wants one table
//! filters on `record` (pyarrow: `pq.read_table(path, filters=[("record", "=", "post")])`). A column
//! that belongs to another kind is null in every row of a row group, which Parquet stores in a few
//! bytes.
//!
//! | column | type | account | post |
//! | --- | --- | --- | --- |
//! | `record` | utf8, not null | `"account"` | `"post"` |
//! | `id` | utf8, not null | the account id (empty for an account known only by handle) | the post id |
//! | `created_at` | timestamp(ms, UTC) | profile creation | post time (never null) |
//! | `handle` | utf8 | the handle as the platform spells it | |
//! | `display_name`, `bio` | utf8 | | |
//! | `followers`, `following`, `tweet_count`, `listed` | int64 | profile counts | |
//! | `platform` | utf8 | `x`, `bluesky` or `other` | |
//! | `author_id` | utf8 | | the author's account id |
//! | `text` | utf8 | | full text |
//! | `conversation_id`, `reply_to`, `reply_to_account`, `quoted`, `reposted` | utf8 | | ids (`reply_to_account` an account id) |
//! | `hashtags`, `urls` | list(utf8) | | normalised hashtags; urls as stored |
//! | `mentions` | list(struct(id utf8, handle utf8)) | | mentioned accounts |
//! | `lang` | utf8 | | |
//! | `replies`, `reposts`, `likes`, `quotes`, `impressions`, `bookmarks` | int64 | | public metrics (null: unknown) |
//! | `annotations` | list(struct(domain_id utf8, domain_name utf8, entity_id utf8, entity_name utf8)) | | context annotations (X's `context_annotations`) |
//!
//!
//! Version 2 adds three row kinds and the columns they use (null in accounts and posts):
//!
//! | column | type | `"follow_snapshot"` | `"list"` | `"list_membership"` |
//! | --- | --- | --- | --- | --- |
//! | `id` | utf8, not null | the owner's account id | the list id | the list id |
//! | `created_at` | timestamp(ms, UTC) | `observed_at`: the first page read | | |
//! | `completed_at` | timestamp(ms, UTC) | the last page read | | |
//! | `direction` | utf8 | `followers` or `following` | | |
//! | `accounts` | list(utf8) | the account ids in the list | | |
//! | `name`, `description` | utf8 | | the list's name and description | |
//! | `owner_id` | utf8 | | the owner's account id, when known | |
//! | `account_id` | utf8 | | | the account on (or owning) the list |
//! | `relation` | utf8 | | | `member` or `owner` |
//!
//! The file's key-value metadata holds `rapport.format` = `rapport-corpus`, `rapport.format_version`,
//! and the row counts `rapport.posts` / `rapport.accounts` (and, in version 2,
//! `rapport.follow_snapshots`, `rapport.lists`, `rapport.list_memberships`), checked on load. A reader
//! refuses another format or a newer version with a message that says so. A corpus with no follow
//! snapshot and no list is written as version 1 (the new columns are there, all null), so rapport
//! builds that read only version 1 still load it; one with any is version 2, which those builds refuse
//! with "upgrade rapport" instead of loading it without its follows and lists. `annotations` came
//! later within version 1: a file without the column loads with no annotations, and readers that
//! predate it read columns by name and skip it; the same holds for the version-2 columns in a
//! version-1 file.
//!
//! Loading adds the accounts in file order, then the posts, exactly as
//! [`Corpus::from_parts`] does, then the follow snapshots, lists and memberships, so the loaded corpus
//! has the same posts (in order), accounts, replies, quotes, reposts, hashtags, mentions, urls,
//! languages, metrics, annotations, bios, follow snapshots (hence follow events) and lists (hence list
//! skill evidence) as the saved one (times to the millisecond).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, Int64Array, ListArray, StringArray, StringBuilder, StructArray,
};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field, Fields, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use chrono::{TimeZone, Utc};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use rapport_core::follows::{FollowDirection, FollowSnapshot};
use rapport_core::lists::{ListRelation, XList};
use rapport_core::{
    Account, ContextAnnotation, Corpus, Mention, Platform, Post, ProfileCounts, PublicMetrics,
};

use crate::Error;
use crate::table::{StrListBuilder, i64s, str_list_type, strings, timestamp_type, timestamps};

/// The value of `rapport.format` in a corpus file.
pub const CORPUS_FORMAT: &str = "rapport-corpus";
/// The newest corpus file format version this library writes and reads (a corpus without follow
/// snapshots and lists is written as version 1, see the module docs).
pub const CORPUS_FORMAT_VERSION: u32 = 2;

/// Posts per row group: large enough for good compression, small enough to stream.
const POSTS_PER_GROUP: usize = 131_072;

fn mention_fields() -> Fields {
    Fields::from(vec![
        Field::new("id", DataType::Utf8, true),
        Field::new("handle", DataType::Utf8, false),
    ])
}

fn annotation_fields() -> Fields {
    Fields::from(vec![
        Field::new("domain_id", DataType::Utf8, false),
        Field::new("domain_name", DataType::Utf8, true),
        Field::new("entity_id", DataType::Utf8, false),
        Field::new("entity_name", DataType::Utf8, true),
    ])
}

fn annotation_item() -> Arc<Field> {
    Arc::new(Field::new(
        "item",
        DataType::Struct(annotation_fields()),
        true,
    ))
}

/// The schema of a corpus file (see the module docs).
pub fn corpus_schema() -> SchemaRef {
    let s = |n: &str| Field::new(n, DataType::Utf8, true);
    let i = |n: &str| Field::new(n, DataType::Int64, true);
    let mentions = DataType::List(Arc::new(Field::new(
        "item",
        DataType::Struct(mention_fields()),
        true,
    )));
    Arc::new(Schema::new(vec![
        Field::new("record", DataType::Utf8, false),
        Field::new("id", DataType::Utf8, false),
        Field::new("created_at", timestamp_type(), true),
        s("handle"),
        s("display_name"),
        s("bio"),
        i("followers"),
        i("following"),
        i("tweet_count"),
        i("listed"),
        s("platform"),
        s("author_id"),
        s("text"),
        s("conversation_id"),
        s("reply_to"),
        s("reply_to_account"),
        s("quoted"),
        s("reposted"),
        Field::new("hashtags", str_list_type(), true),
        Field::new("mentions", mentions, true),
        Field::new("urls", str_list_type(), true),
        s("lang"),
        i("replies"),
        i("reposts"),
        i("likes"),
        i("quotes"),
        i("impressions"),
        i("bookmarks"),
        Field::new("annotations", DataType::List(annotation_item()), true),
        Field::new("completed_at", timestamp_type(), true),
        s("direction"),
        Field::new("accounts", str_list_type(), true),
        s("name"),
        s("description"),
        s("owner_id"),
        s("account_id"),
        s("relation"),
    ]))
}

/// A batch of `n` rows of one `record` kind: the named columns, every other one null.
fn batch_of(
    schema: &SchemaRef,
    record: &str,
    n: usize,
    mut named: Vec<(&str, ArrayRef)>,
) -> Result<RecordBatch, Error> {
    named.push(("record", strings(std::iter::repeat_n(Some(record), n))));
    let cols = schema
        .fields()
        .iter()
        .map(|f| {
            named
                .iter()
                .position(|(name, _)| *name == f.name())
                .map_or_else(|| null_of(f.data_type(), n), |i| Arc::clone(&named[i].1))
        })
        .collect();
    Ok(RecordBatch::try_new(Arc::clone(schema), cols)?)
}

fn snapshots_batch(schema: &SchemaRef, snaps: &[FollowSnapshot]) -> Result<RecordBatch, Error> {
    let mut accounts = StrListBuilder::with_capacity(snaps.len());
    for s in snaps {
        accounts.push(s.accounts.iter().map(String::as_str));
    }
    batch_of(
        schema,
        "follow_snapshot",
        snaps.len(),
        vec![
            ("id", strings(snaps.iter().map(|s| Some(s.owner.as_str())))),
            (
                "created_at",
                timestamps(snaps.iter().map(|s| Some(s.observed_at.timestamp_millis()))),
            ),
            (
                "completed_at",
                timestamps(
                    snaps
                        .iter()
                        .map(|s| Some(s.completed_at.timestamp_millis())),
                ),
            ),
            (
                "direction",
                strings(snaps.iter().map(|s| Some(s.direction.as_str()))),
            ),
            ("accounts", accounts.finish()?),
        ],
    )
}

fn lists_batch(schema: &SchemaRef, lists: &[&XList]) -> Result<RecordBatch, Error> {
    batch_of(
        schema,
        "list",
        lists.len(),
        vec![
            ("id", strings(lists.iter().map(|l| Some(l.id.as_str())))),
            ("name", strings(lists.iter().map(|l| Some(l.name.as_str())))),
            (
                "description",
                strings(lists.iter().map(|l| l.description.as_deref())),
            ),
            (
                "owner_id",
                strings(lists.iter().map(|l| l.owner_id.as_deref())),
            ),
        ],
    )
}

fn memberships_batch(
    schema: &SchemaRef,
    rows: &[(&str, &XList, ListRelation)],
) -> Result<RecordBatch, Error> {
    batch_of(
        schema,
        "list_membership",
        rows.len(),
        vec![
            (
                "id",
                strings(rows.iter().map(|(_, l, _)| Some(l.id.as_str()))),
            ),
            ("account_id", strings(rows.iter().map(|(a, _, _)| Some(*a)))),
            (
                "relation",
                strings(rows.iter().map(|(_, _, r)| Some(r.as_str()))),
            ),
        ],
    )
}

fn null_strings(n: usize) -> ArrayRef {
    Arc::new(StringArray::new_null(n))
}

fn null_i64(n: usize) -> ArrayRef {
    Arc::new(Int64Array::new_null(n))
}

fn null_of(t: &DataType, n: usize) -> ArrayRef {
    arrow::array::new_null_array(t, n)
}

fn accounts_batch(schema: &SchemaRef, accounts: &[Account]) -> Result<RecordBatch, Error> {
    let n = accounts.len();
    let count = |f: fn(&ProfileCounts) -> Option<u64>| {
        i64s(
            accounts
                .iter()
                .map(|a| f(&a.counts).map(|v| i64::try_from(v).unwrap_or(i64::MAX))),
        )
    };
    let mut cols: Vec<ArrayRef> = vec![
        strings(std::iter::repeat_n(Some("account"), n)),
        strings(accounts.iter().map(|a| Some(a.id.as_str()))),
        timestamps(
            accounts
                .iter()
                .map(|a| a.created_at.map(|t| t.timestamp_millis())),
        ),
        strings(accounts.iter().map(|a| Some(a.handle.as_str()))),
        strings(accounts.iter().map(|a| a.display_name.as_deref())),
        strings(accounts.iter().map(|a| a.bio.as_deref())),
        count(|k| k.followers),
        count(|k| k.following),
        count(|k| k.posts),
        count(|k| k.listed),
        strings(accounts.iter().map(|a| Some(a.platform.as_str()))),
    ];
    for f in schema.fields().iter().skip(cols.len()) {
        cols.push(null_of(f.data_type(), n));
    }
    Ok(RecordBatch::try_new(Arc::clone(schema), cols)?)
}

fn posts_batch(schema: &SchemaRef, posts: &[Post]) -> Result<RecordBatch, Error> {
    let n = posts.len();
    let mut hashtags = StrListBuilder::with_capacity(n);
    let mut urls = StrListBuilder::with_capacity(n);
    let mut m_offsets: Vec<i32> = Vec::with_capacity(n + 1);
    m_offsets.push(0);
    let mut m_id = StringBuilder::new();
    let mut m_handle = StringBuilder::new();
    let mut m_n = 0_i32;
    for p in posts {
        hashtags.push(p.hashtags.iter().map(String::as_str));
        urls.push(p.urls.iter().map(String::as_str));
        for m in &p.mentions {
            m_id.append_option(m.id.as_deref());
            m_handle.append_value(&m.handle);
            m_n += 1;
        }
        m_offsets.push(m_n);
    }
    let mention_values = StructArray::try_new(
        mention_fields(),
        vec![Arc::new(m_id.finish()), Arc::new(m_handle.finish())],
        None,
    )?;
    let mentions = ListArray::try_new(
        Arc::new(Field::new("item", DataType::Struct(mention_fields()), true)),
        OffsetBuffer::new(m_offsets.into()),
        Arc::new(mention_values),
        None,
    )?;
    let mut a_offsets: Vec<i32> = Vec::with_capacity(n + 1);
    a_offsets.push(0);
    let (mut a_did, mut a_dname, mut a_eid, mut a_ename) = (
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
    );
    let mut a_n = 0_i32;
    for p in posts {
        for a in &p.annotations {
            a_did.append_value(&a.domain_id);
            a_dname.append_option(a.domain_name.as_deref());
            a_eid.append_value(&a.entity_id);
            a_ename.append_option(a.entity_name.as_deref());
            a_n += 1;
        }
        a_offsets.push(a_n);
    }
    let annotation_values = StructArray::try_new(
        annotation_fields(),
        vec![
            Arc::new(a_did.finish()),
            Arc::new(a_dname.finish()),
            Arc::new(a_eid.finish()),
            Arc::new(a_ename.finish()),
        ],
        None,
    )?;
    let annotations = ListArray::try_new(
        annotation_item(),
        OffsetBuffer::new(a_offsets.into()),
        Arc::new(annotation_values),
        None,
    )?;
    let metric = |f: fn(&PublicMetrics) -> Option<u32>| {
        i64s(posts.iter().map(|p| f(&p.metrics).map(i64::from)))
    };
    let cols: Vec<ArrayRef> = vec![
        strings(std::iter::repeat_n(Some("post"), n)),
        strings(posts.iter().map(|p| Some(p.id.as_str()))),
        timestamps(posts.iter().map(|p| Some(p.created_at.timestamp_millis()))),
        null_strings(n),
        null_strings(n),
        null_strings(n),
        null_i64(n),
        null_i64(n),
        null_i64(n),
        null_i64(n),
        null_strings(n),
        strings(posts.iter().map(|p| Some(p.author_id.as_str()))),
        strings(posts.iter().map(|p| Some(p.text.as_str()))),
        strings(posts.iter().map(|p| p.conversation_id.as_deref())),
        strings(posts.iter().map(|p| p.reply_to.as_deref())),
        strings(posts.iter().map(|p| p.reply_to_account.as_deref())),
        strings(posts.iter().map(|p| p.quoted.as_deref())),
        strings(posts.iter().map(|p| p.reposted.as_deref())),
        hashtags.finish()?,
        Arc::new(mentions),
        urls.finish()?,
        strings(posts.iter().map(|p| p.lang.as_deref())),
        metric(|m| m.replies),
        metric(|m| m.reposts),
        metric(|m| m.likes),
        metric(|m| m.quotes),
        metric(|m| m.impressions),
        metric(|m| m.bookmarks),
        Arc::new(annotations),
    ];
    let mut cols = cols;
    for f in schema.fields().iter().skip(cols.len()) {
        cols.push(null_of(f.data_type(), n));
    }
    Ok(RecordBatch::try_new(Arc::clone(schema), cols)?)
}

fn writer_props(c: &Corpus) -> WriterProperties {
    let kv = |k: &str, v: String| KeyValue::new(k.to_owned(), v);
    let (snaps, lists, members) = (
        c.follow_snapshots().len(),
        c.lists().count(),
        c.list_memberships().count(),
    );
    let mut meta = vec![
        kv("rapport.format", CORPUS_FORMAT.to_owned()),
        kv("rapport.posts", c.num_posts().to_string()),
        kv("rapport.accounts", c.accounts().count().to_string()),
    ];
    if snaps + lists + members == 0 {
        meta.push(kv("rapport.format_version", "1".to_owned()));
    } else {
        meta.push(kv(
            "rapport.format_version",
            CORPUS_FORMAT_VERSION.to_string(),
        ));
        meta.push(kv("rapport.follow_snapshots", snaps.to_string()));
        meta.push(kv("rapport.lists", lists.to_string()));
        meta.push(kv("rapport.list_memberships", members.to_string()));
    }
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_key_value_metadata(Some(meta))
        .build()
}

fn write_corpus<W: Write + Send>(c: &Corpus, out: W) -> Result<W, Error> {
    let schema = corpus_schema();
    let mut w = ArrowWriter::try_new(out, Arc::clone(&schema), Some(writer_props(c)))?;
    let accounts: Vec<Account> = c.accounts().map(|a| a.to_account()).collect();
    w.write(&accounts_batch(&schema, &accounts)?)?;
    // Accounts and posts never share a row group, so readers can skip a whole kind.
    w.flush()?;
    let mut chunk: Vec<Post> = Vec::with_capacity(POSTS_PER_GROUP.min(c.num_posts()));
    for p in c.posts() {
        chunk.push(p.to_post());
        if chunk.len() == POSTS_PER_GROUP {
            w.write(&posts_batch(&schema, &chunk)?)?;
            w.flush()?;
            chunk.clear();
        }
    }
    if !chunk.is_empty() {
        w.write(&posts_batch(&schema, &chunk)?)?;
        w.flush()?;
    }
    let snaps = c.follow_snapshots();
    for part in snaps.chunks(POSTS_PER_GROUP) {
        w.write(&snapshots_batch(&schema, part)?)?;
        w.flush()?;
    }
    let lists: Vec<&XList> = c.lists().collect();
    for part in lists.chunks(POSTS_PER_GROUP) {
        w.write(&lists_batch(&schema, part)?)?;
        w.flush()?;
    }
    let members: Vec<(&str, &XList, ListRelation)> = c.list_memberships().collect();
    for part in members.chunks(POSTS_PER_GROUP) {
        w.write(&memberships_batch(&schema, part)?)?;
        w.flush()?;
    }
    Ok(w.into_inner()?)
}

/// Saves a corpus as one Parquet file (the format in the module docs).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use rapport_core::{Account, Corpus, Post};
/// let mut c = Corpus::new();
/// c.add_account(Account::new("1", "acme"));
/// c.add_post(Post::new("10", "1", "We are #hiring", Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap()));
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("corpus.parquet");
/// rapport_arrow::save_corpus(&c, &path).unwrap();
/// let back = rapport_arrow::load_corpus(&path).unwrap();
/// assert_eq!(back.post_by_id("10").unwrap().text(), "We are #hiring");
/// ```
pub fn save_corpus(c: &Corpus, path: impl AsRef<Path>) -> Result<(), Error> {
    let path = path.as_ref();
    let f = File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = write_corpus(c, BufWriter::new(f))?;
    w.flush().map_err(|e| Error::io(path, e))
}

/// A corpus as the bytes of a corpus file (what pickling uses).
pub fn save_corpus_bytes(c: &Corpus) -> Result<Vec<u8>, Error> {
    write_corpus(c, Vec::new())
}

/// Loads a corpus file written by [`save_corpus`].
pub fn load_corpus(path: impl AsRef<Path>) -> Result<Corpus, Error> {
    let path = path.as_ref();
    let f = File::open(path).map_err(|e| Error::io(path, e))?;
    read_corpus(f, &path.display().to_string())
}

/// Loads a corpus from the bytes of a corpus file; `name` names the source in errors.
pub fn load_corpus_bytes(bytes: Vec<u8>, name: &str) -> Result<Corpus, Error> {
    read_corpus(bytes::Bytes::from(bytes), name)
}

fn read_corpus<R: parquet::file::reader::ChunkReader + 'static>(
    src: R,
    name: &str,
) -> Result<Corpus, Error> {
    let bad = |message: String| Error::NotACorpus {
        name: name.to_owned(),
        message,
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(src).map_err(|e| {
        bad(format!(
            "not a saved rapport corpus (not a Parquet file: {e}); save one with save_corpus / \
             corpus.save(path)"
        ))
    })?;
    let meta = builder.metadata().file_metadata().key_value_metadata();
    let get = |k: &str| {
        meta.and_then(|m| m.iter().find(|kv| kv.key == k))
            .and_then(|kv| kv.value.clone())
    };
    if get("rapport.format").as_deref() != Some(CORPUS_FORMAT) {
        return Err(bad(format!(
            "not a saved rapport corpus: a Parquet file without rapport.format = {CORPUS_FORMAT} \
             in its metadata"
        )));
    }
    let version = get("rapport.format_version").unwrap_or_default();
    match version.parse::<u32>() {
        Ok(v) if (1..=CORPUS_FORMAT_VERSION).contains(&v) => {}
        _ => {
            return Err(bad(format!(
                "corpus file format version {version:?}, but this rapport reads versions 1 to \
                 {CORPUS_FORMAT_VERSION}: upgrade rapport"
            )));
        }
    }
    let expect = |k: &str| get(k).and_then(|v| v.parse::<usize>().ok());
    let (want_posts, want_accounts) = (expect("rapport.posts"), expect("rapport.accounts"));
    let want_more = [
        expect("rapport.follow_snapshots"),
        expect("rapport.lists"),
        expect("rapport.list_memberships"),
    ];
    let reader = builder.with_batch_size(65_536).build()?;
    let mut rows = Rows::default();
    let mut row = 0_usize;
    for batch in reader {
        let batch = batch?;
        read_rows(&batch, row, &mut rows).map_err(&bad)?;
        row += batch.num_rows();
    }
    if want_posts.is_some_and(|n| n != rows.posts.len())
        || want_accounts.is_some_and(|n| n != rows.accounts.len())
    {
        return Err(bad(format!(
            "damaged corpus file: {} posts and {} accounts, but the metadata says {} and {}",
            rows.posts.len(),
            rows.accounts.len(),
            want_posts.unwrap_or(0),
            want_accounts.unwrap_or(0)
        )));
    }
    for (want, what, found) in [
        (want_more[0], "follow snapshots", rows.snapshots.len()),
        (want_more[1], "lists", rows.lists.len()),
        (want_more[2], "list memberships", rows.memberships.len()),
    ] {
        if let Some(want) = want.filter(|&n| n != found) {
            return Err(bad(format!(
                "damaged corpus file: {found} {what}, but the metadata says {want}"
            )));
        }
    }
    let mut c = Corpus::from_parts(rows.accounts, rows.posts);
    for s in rows.snapshots {
        let owner = s.owner.clone();
        c.try_add_follow_snapshot(s).map_err(|e| {
            bad(format!(
                "damaged corpus file: the follow snapshot of {owner:?}: {e}"
            ))
        })?;
    }
    let mut by_id = std::collections::HashMap::new();
    for l in rows.lists {
        by_id.insert(l.id.clone(), l.clone());
        let id = l.id.clone();
        c.try_add_list(l)
            .map_err(|e| bad(format!("damaged corpus file: list {id:?}: {e}")))?;
    }
    for (row, account, list_id, relation) in rows.memberships {
        let list = by_id.get(&list_id).cloned().ok_or_else(|| {
            bad(format!(
                "damaged corpus file: row {row}: a membership of list {list_id:?}, which has no \
                 `list` row"
            ))
        })?;
        c.try_add_list_membership(&account, list, relation)
            .map_err(|e| bad(format!("damaged corpus file: row {row}: {e}")))?;
    }
    Ok(c)
}

/// What the rows of a corpus file hold, by kind.
#[derive(Default)]
struct Rows {
    accounts: Vec<Account>,
    posts: Vec<Post>,
    snapshots: Vec<FollowSnapshot>,
    lists: Vec<XList>,
    /// (row, account id, list id, relation).
    memberships: Vec<(usize, String, String, ListRelation)>,
}

/// Typed access to the columns of one batch of a corpus file, by name.
struct Cols<'a> {
    batch: &'a RecordBatch,
}

impl<'a> Cols<'a> {
    fn col(&self, name: &str) -> Result<&'a ArrayRef, String> {
        self.batch
            .column_by_name(name)
            .ok_or_else(|| format!("damaged corpus file: no column `{name}`"))
    }

    fn str(&self, name: &str) -> Result<&'a StringArray, String> {
        self.col(name)?
            .as_string_opt::<i32>()
            .ok_or_else(|| format!("damaged corpus file: column `{name}` is not utf8"))
    }

    fn i64(&self, name: &str) -> Result<&'a Int64Array, String> {
        self.col(name)?
            .as_primitive_opt::<arrow::datatypes::Int64Type>()
            .ok_or_else(|| format!("damaged corpus file: column `{name}` is not int64"))
    }

    fn ts(&self, name: &str) -> Result<&'a arrow::array::TimestampMillisecondArray, String> {
        self.col(name)?
            .as_primitive_opt::<arrow::datatypes::TimestampMillisecondType>()
            .ok_or_else(|| {
                format!("damaged corpus file: column `{name}` is not timestamp(ms, UTC)")
            })
    }

    fn list(&self, name: &str) -> Result<&'a ListArray, String> {
        self.col(name)?
            .as_list_opt::<i32>()
            .ok_or_else(|| format!("damaged corpus file: column `{name}` is not a list"))
    }
}

/// The annotations of row `i` of the optional `annotations` column (absent in older files).
fn annotations_of(col: Option<&ListArray>, i: usize) -> Result<Vec<ContextAnnotation>, String> {
    let Some(l) = col.filter(|l| !l.is_null(i)) else {
        return Ok(Vec::new());
    };
    let v = l.value(i);
    let s = v
        .as_struct_opt()
        .ok_or("damaged corpus file: `annotations` is not a list of structs")?;
    let field = |name: &str| {
        s.column_by_name(name)
            .and_then(|a| a.as_string_opt::<i32>())
            .ok_or_else(|| format!("damaged corpus file: `annotations` has no utf8 `{name}`"))
    };
    let (did, dname, eid, ename) = (
        field("domain_id")?,
        field("domain_name")?,
        field("entity_id")?,
        field("entity_name")?,
    );
    Ok((0..s.len())
        .map(|j| ContextAnnotation {
            domain_id: opt_str(did, j).unwrap_or_default(),
            domain_name: opt_str(dname, j),
            entity_id: opt_str(eid, j).unwrap_or_default(),
            entity_name: opt_str(ename, j),
        })
        .collect())
}

/// The value of row `i`, or `None` when it is null.
pub(crate) fn opt_str(a: &StringArray, i: usize) -> Option<String> {
    (!a.is_null(i)).then(|| a.value(i).to_owned())
}

/// The platform a table names (`x`, `bluesky`, `other`); X when the name is missing or unknown.
pub(crate) fn platform_of(name: Option<&str>) -> Platform {
    match name {
        Some("other") => Platform::Other,
        Some("bluesky") => Platform::Bluesky,
        _ => Platform::X,
    }
}

fn opt_u32(a: &Int64Array, i: usize, name: &str, row: usize) -> Result<Option<u32>, String> {
    if a.is_null(i) {
        return Ok(None);
    }
    u32::try_from(a.value(i)).map(Some).map_err(|_| {
        format!(
            "damaged corpus file: row {row}, column `{name}`: {} is not a count",
            a.value(i)
        )
    })
}

fn opt_u64(a: &Int64Array, i: usize) -> Option<u64> {
    (!a.is_null(i)).then(|| u64::try_from(a.value(i)).unwrap_or(0))
}

fn str_list(l: &ListArray, i: usize) -> Result<Vec<String>, String> {
    if l.is_null(i) {
        return Ok(Vec::new());
    }
    let v = l.value(i);
    let s = v
        .as_string_opt::<i32>()
        .ok_or("damaged corpus file: a list column is not a list of utf8")?;
    Ok(s.iter().map(|x| x.unwrap_or_default().to_owned()).collect())
}

fn read_rows(batch: &RecordBatch, first_row: usize, rows: &mut Rows) -> Result<(), String> {
    let Rows {
        accounts, posts, ..
    } = rows;
    let c = Cols { batch };
    let record = c.str("record")?;
    let id = c.str("id")?;
    let created = c.ts("created_at")?;
    let time = |i: usize, row: usize| -> Result<Option<chrono::DateTime<Utc>>, String> {
        if created.is_null(i) {
            return Ok(None);
        }
        Utc.timestamp_millis_opt(created.value(i))
            .single()
            .map(Some)
            .ok_or_else(|| format!("damaged corpus file: row {row}: created_at out of range"))
    };
    let (handle, display, bio, platform) = (
        c.str("handle")?,
        c.str("display_name")?,
        c.str("bio")?,
        c.str("platform")?,
    );
    let (followers, following, tweets, listed) = (
        c.i64("followers")?,
        c.i64("following")?,
        c.i64("tweet_count")?,
        c.i64("listed")?,
    );
    let (author, text, conv, reply_to, reply_acc, quoted, reposted, lang) = (
        c.str("author_id")?,
        c.str("text")?,
        c.str("conversation_id")?,
        c.str("reply_to")?,
        c.str("reply_to_account")?,
        c.str("quoted")?,
        c.str("reposted")?,
        c.str("lang")?,
    );
    let (hashtags, urls, mentions) = (c.list("hashtags")?, c.list("urls")?, c.list("mentions")?);
    let annotations = match batch.column_by_name("annotations") {
        None => None,
        Some(a) => Some(
            a.as_list_opt::<i32>()
                .ok_or("damaged corpus file: column `annotations` is not a list")?,
        ),
    };
    let metric_names = [
        "replies",
        "reposts",
        "likes",
        "quotes",
        "impressions",
        "bookmarks",
    ];
    let metrics = metric_names
        .iter()
        .map(|n| c.i64(n))
        .collect::<Result<Vec<_>, _>>()?;
    for i in 0..batch.num_rows() {
        let row = first_row + i;
        match record.value(i) {
            "account" => accounts.push(Account {
                id: id.value(i).to_owned(),
                handle: opt_str(handle, i).unwrap_or_default(),
                display_name: opt_str(display, i),
                bio: opt_str(bio, i),
                created_at: time(i, row)?,
                counts: ProfileCounts {
                    followers: opt_u64(followers, i),
                    following: opt_u64(following, i),
                    posts: opt_u64(tweets, i),
                    listed: opt_u64(listed, i),
                },
                platform: platform_of((!platform.is_null(i)).then(|| platform.value(i))),
            }),
            "post" => {
                let created_at = time(i, row)?.ok_or_else(|| {
                    format!("damaged corpus file: row {row}: a post without created_at")
                })?;
                let mut p = Post::new(
                    id.value(i),
                    opt_str(author, i).unwrap_or_default(),
                    opt_str(text, i).unwrap_or_default(),
                    created_at,
                );
                p.conversation_id = opt_str(conv, i);
                p.reply_to = opt_str(reply_to, i);
                p.reply_to_account = opt_str(reply_acc, i);
                p.quoted = opt_str(quoted, i);
                p.reposted = opt_str(reposted, i);
                p.hashtags = str_list(hashtags, i)?;
                p.urls = str_list(urls, i)?;
                p.lang = opt_str(lang, i);
                if !mentions.is_null(i) {
                    let v = mentions.value(i);
                    let s = v
                        .as_struct_opt()
                        .ok_or("damaged corpus file: `mentions` is not a list of structs")?;
                    let mid = s
                        .column_by_name("id")
                        .and_then(|a| a.as_string_opt::<i32>())
                        .ok_or("damaged corpus file: `mentions` has no utf8 `id`")?;
                    let mh = s
                        .column_by_name("handle")
                        .and_then(|a| a.as_string_opt::<i32>())
                        .ok_or("damaged corpus file: `mentions` has no utf8 `handle`")?;
                    p.mentions = (0..s.len())
                        .map(|j| Mention {
                            id: opt_str(mid, j),
                            handle: opt_str(mh, j).unwrap_or_default(),
                        })
                        .collect();
                }
                let m = |k: usize| opt_u32(metrics[k], i, metric_names[k], row);
                p.metrics = PublicMetrics {
                    replies: m(0)?,
                    reposts: m(1)?,
                    likes: m(2)?,
                    quotes: m(3)?,
                    impressions: m(4)?,
                    bookmarks: m(5)?,
                };
                p.annotations = annotations_of(annotations, i)?;
                posts.push(p);
            }
            "follow_snapshot" | "list" | "list_membership" => {}
            other => {
                return Err(format!(
                    "damaged corpus file: row {row}: record {other:?}, expected \"account\", \
                     \"post\", \"follow_snapshot\", \"list\" or \"list_membership\""
                ));
            }
        }
    }
    read_relations(&c, record, id, first_row, rows)
}

/// The follow snapshot, list and list membership rows of a batch (version 2).
fn read_relations(
    c: &Cols<'_>,
    record: &StringArray,
    id: &StringArray,
    first_row: usize,
    rows: &mut Rows,
) -> Result<(), String> {
    let kinds = ["follow_snapshot", "list", "list_membership"];
    if !(0..record.len()).any(|i| kinds.contains(&record.value(i))) {
        return Ok(());
    }
    let need = |row: usize, name: &str, a: &StringArray, i: usize| {
        opt_str(a, i).ok_or_else(|| {
            format!(
                "damaged corpus file: row {row}: a {} row without `{name}`",
                record.value(i)
            )
        })
    };
    for i in 0..record.len() {
        let row = first_row + i;
        match record.value(i) {
            "follow_snapshot" => {
                let (created, completed) = (c.ts("created_at")?, c.ts("completed_at")?);
                let time = |a: &arrow::array::TimestampMillisecondArray, name: &str| {
                    (!a.is_null(i))
                        .then(|| Utc.timestamp_millis_opt(a.value(i)).single())
                        .flatten()
                        .ok_or_else(|| {
                            format!(
                                "damaged corpus file: row {row}: a follow_snapshot row without a \
                                 valid `{name}`"
                            )
                        })
                };
                let direction = need(row, "direction", c.str("direction")?, i)?;
                let direction = FollowDirection::parse(&direction).map_err(|_| {
                    format!(
                        "damaged corpus file: row {row}: direction {direction:?}, expected \
                         \"followers\" or \"following\""
                    )
                })?;
                let mut s = FollowSnapshot::new(
                    id.value(i),
                    direction,
                    time(created, "created_at")?,
                    str_list(c.list("accounts")?, i)?,
                );
                s.completed_at = time(completed, "completed_at")?;
                rows.snapshots.push(s);
            }
            "list" => rows.lists.push(XList {
                id: id.value(i).to_owned(),
                name: need(row, "name", c.str("name")?, i)?,
                description: opt_str(c.str("description")?, i),
                owner_id: opt_str(c.str("owner_id")?, i),
            }),
            "list_membership" => {
                let relation = match need(row, "relation", c.str("relation")?, i)?.as_str() {
                    "member" => ListRelation::Member,
                    "owner" => ListRelation::Owner,
                    other => {
                        return Err(format!(
                            "damaged corpus file: row {row}: relation {other:?}, expected \
                             \"member\" or \"owner\""
                        ));
                    }
                };
                rows.memberships.push((
                    row,
                    need(row, "account_id", c.str("account_id")?, i)?,
                    id.value(i).to_owned(),
                    relation,
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// A file format for result tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV with a header line (timestamps RFC 3339 UTC, lists joined with `;`).
    Csv,
    /// One JSON array of records.
    Json,
    /// JSON Lines: one record per line.
    Jsonl,
    /// Parquet (Snappy), with Arrow's types (timestamps as `timestamp(ms, UTC)`, lists as lists).
    Parquet,
}

impl Format {
    /// The format named `csv`, `json`, `jsonl` or `parquet`.
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "parquet" => Some(Format::Parquet),
            _ => None,
        }
    }
}

/// Writes a result table in `format` to `out` (a file or stdout).
pub fn write_table(
    batch: &RecordBatch,
    format: Format,
    out: impl Write + Send,
) -> Result<(), Error> {
    match format {
        Format::Csv => crate::table::to_csv(batch, out),
        Format::Jsonl => crate::table::to_jsonl(batch, out),
        Format::Json => {
            let mut out = out;
            serde_json::to_writer_pretty(&mut out, &crate::table::to_json_records(batch))
                .map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
            out.flush()?;
            Ok(())
        }
        Format::Parquet => {
            let props = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .build();
            let mut w = ArrowWriter::try_new(out, batch.schema(), Some(props))?;
            w.write(batch)?;
            w.into_inner()?.flush()?;
            Ok(())
        }
    }
}

/// Writes a result table in `format` to the file `path`.
pub fn write_table_file(batch: &RecordBatch, format: Format, path: &Path) -> Result<(), Error> {
    let f = File::create(path).map_err(|e| Error::io(path, e))?;
    write_table(batch, format, BufWriter::new(f)).map_err(|e| match e {
        Error::Stream(s) => Error::io(path, s),
        other => other,
    })
}
