//! A corpus from Arrow tables shaped like [`corpus::posts`](crate::corpus::posts) and
//! [`corpus::accounts`](crate::corpus::accounts): the way back from the display tables, so a corpus
//! can travel as two Arrow tables (a Spark group, a Parquet dataset, a polars frame) and become a
//! corpus again wherever it lands.
//!
//! # Columns read
//!
//! | table | column | type | required |
//! | --- | --- | --- | --- |
//! | posts | `id`, `author_id` | utf8 | yes (never null) |
//! | posts | `created_at` | timestamp (never null) | yes |
//! | posts | `text` | utf8 | yes (null reads as empty) |
//! | posts | `conversation_id`, `reply_to`, `quoted`, `reposted`, `lang` | utf8 | no |
//! | posts | `reply_to_account` | utf8: the account's handle, or its id when it has no handle | no |
//! | posts | `hashtags`, `urls` | list(utf8) | no |
//! | posts | `mentions` | list(utf8): handles, or ids of accounts without a handle | no |
//! | posts | `replies`, `reposts`, `quotes`, `likes`, `impressions`, `bookmarks` | integer, 0 to 2³²−1 | no |
//! | posts | `author` | utf8: the author's handle (used only for authors the accounts table lacks) | no |
//! | accounts | `id`, `handle` | utf8 (one of them non-empty in each row) | yes |
//! | accounts | `display_name`, `bio`, `platform` | utf8 | no |
//! | accounts | `created_at` | timestamp | no |
//! | accounts | `followers`, `following`, `tweet_count`, `listed` | integer, 0 or more | no |
//!
//! Other columns (`kind`, an account's `posts` and `is_stub`, which the corpus derives, or a Spark
//! job's `tenant`) are ignored. Close types are converted: `large_utf8` and `utf8_view` to utf8, any
//! integer width to int64, a timestamp of any unit and time zone to milliseconds UTC (a timestamp
//! without a time zone is read as UTC), `large_list` to list, and a column of nulls to nulls of the
//! expected type. Anything else is an [`Error::Column`] naming the table, the column and the
//! expected type.
//!
//! Mentions and `reply_to_account` name accounts the way the display table does (the handle, or the
//! id of an account without a handle); they are resolved against the accounts table, and a name it
//! does not hold is read as a handle (a mention) or an id (`reply_to_account`).
//!
//! The corpus adds the accounts in table order, then the posts, as [`Corpus::try_from_parts`] does;
//! a row the corpus refuses (an empty or control-character id, a second copy of a post by another
//! author) is an error naming the table and the row.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int64Array, ListArray, StringArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Int64Type, TimestampMillisecondType};
use arrow::record_batch::RecordBatch;
use chrono::{DateTime, TimeZone, Utc};
use rapport_core::{Account, Corpus, Mention, Post, ProfileCounts, PublicMetrics};

use crate::Error;
use crate::files::{opt_str, platform_of};
use crate::table::{str_list_type, timestamp_type};

/// The column types `from_arrow` reads.
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Int,
    Time,
    StrList,
}

impl Kind {
    fn expected(self) -> &'static str {
        match self {
            Kind::Str => "utf8",
            Kind::Int => "an integer type (int64)",
            Kind::Time => "timestamp (ms, UTC; any unit or time zone is converted)",
            Kind::StrList => "list<utf8>",
        }
    }

    fn target(self) -> DataType {
        match self {
            Kind::Str => DataType::Utf8,
            Kind::Int => DataType::Int64,
            Kind::Time => timestamp_type(),
            Kind::StrList => str_list_type(),
        }
    }

    /// Whether a column of type `t` can be read as this kind without guessing.
    fn accepts(self, t: &DataType) -> bool {
        let stringy = |t: &DataType| {
            matches!(
                t,
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null
            )
        };
        match (self, t) {
            (_, DataType::Null) => true,
            (Kind::Str, t) => stringy(t),
            (Kind::Int, t) => matches!(
                t,
                DataType::Int8
                    | DataType::Int16
                    | DataType::Int32
                    | DataType::Int64
                    | DataType::UInt8
                    | DataType::UInt16
                    | DataType::UInt32
                    | DataType::UInt64
            ),
            (Kind::Time, t) => matches!(t, DataType::Timestamp(_, _)),
            (Kind::StrList, DataType::List(f) | DataType::LargeList(f)) => stringy(f.data_type()),
            (Kind::StrList, _) => false,
        }
    }
}

/// The columns of one batch, converted to the types the reader expects.
struct Columns<'a> {
    table: &'static str,
    batch: &'a RecordBatch,
}

impl Columns<'_> {
    fn error(&self, column: &str, message: String) -> Error {
        Error::Column {
            table: self.table,
            column: column.to_owned(),
            message,
        }
    }

    /// Column `name` converted to `kind`; `None` when absent and not `required`.
    fn get(&self, name: &str, kind: Kind, required: bool) -> Result<Option<ArrayRef>, Error> {
        let Some(col) = self.batch.column_by_name(name) else {
            if required {
                return Err(self.error(
                    name,
                    format!("missing (expected a column of {})", kind.expected()),
                ));
            }
            return Ok(None);
        };
        let found = col.data_type();
        if !kind.accepts(found) {
            return Err(self.error(name, format!("is {found}, expected {}", kind.expected())));
        }
        let target = kind.target();
        if found == &target {
            return Ok(Some(Arc::clone(col)));
        }
        let converted = match (kind, found) {
            // A timestamp without a zone is UTC; the cast keeps the instant for zoned ones.
            (Kind::Time, DataType::Timestamp(unit, None)) => {
                let utc = DataType::Timestamp(*unit, Some(crate::table::UTC.into()));
                cast(col, &utc).and_then(|c| cast(&c, &target))
            }
            _ => cast(col, &target),
        };
        converted.map(Some).map_err(|e| {
            self.error(
                name,
                format!("is {found} and cannot become {}: {e}", kind.expected()),
            )
        })
    }

    fn str(&self, name: &str, required: bool) -> Result<Option<StringArray>, Error> {
        Ok(self
            .get(name, Kind::Str, required)?
            .map(|c| c.as_string::<i32>().clone()))
    }

    fn int(&self, name: &str) -> Result<Option<Int64Array>, Error> {
        Ok(self
            .get(name, Kind::Int, false)?
            .map(|c| c.as_primitive::<Int64Type>().clone()))
    }

    fn list(&self, name: &str) -> Result<Option<ListArray>, Error> {
        Ok(self
            .get(name, Kind::StrList, false)?
            .map(|c| c.as_list::<i32>().clone()))
    }

    fn time(&self, name: &str, required: bool) -> Result<Option<Vec<Option<i64>>>, Error> {
        let Some(c) = self.get(name, Kind::Time, required)? else {
            return Ok(None);
        };
        Ok(Some(
            c.as_primitive::<TimestampMillisecondType>()
                .iter()
                .collect(),
        ))
    }

    /// A required string column's value that may not be null.
    fn value<'s>(
        &self,
        a: &'s StringArray,
        name: &str,
        i: usize,
        row: usize,
    ) -> Result<&'s str, Error> {
        if a.is_null(i) {
            return Err(self.error(name, format!("is null at row {row}, expected a value")));
        }
        Ok(a.value(i))
    }

    fn instant(&self, ms: i64, name: &str, row: usize) -> Result<DateTime<Utc>, Error> {
        Utc.timestamp_millis_opt(ms)
            .single()
            .ok_or_else(|| self.error(name, format!("at row {row}: {ms} ms is out of range")))
    }

    /// A count that must fit `T` (`range` says which values do, for the error).
    fn count<T: TryFrom<i64>>(
        &self,
        a: Option<&Int64Array>,
        name: &str,
        range: &str,
        i: usize,
        row: usize,
    ) -> Result<Option<T>, Error> {
        let Some(a) = a.filter(|a| !a.is_null(i)) else {
            return Ok(None);
        };
        let v = a.value(i);
        T::try_from(v)
            .map(Some)
            .map_err(|_| self.error(name, format!("at row {row}: {v} is not a count ({range})")))
    }
}

fn str_items(l: Option<&ListArray>, i: usize) -> Vec<String> {
    let Some(l) = l.filter(|l| !l.is_null(i)) else {
        return Vec::new();
    };
    let v = l.value(i);
    let s = v.as_string::<i32>();
    s.iter().map(|x| x.unwrap_or_default().to_owned()).collect()
}

/// How the display table names an account: its handle, or its id when it has no handle. Handles win
/// over ids when one account's handle is another's id, as in the table itself.
#[derive(Default)]
struct Names {
    by_name: HashMap<String, (String, String)>,
}

impl Names {
    fn new(accounts: &[Account]) -> Self {
        let mut by_name = HashMap::with_capacity(accounts.len());
        for a in accounts.iter().filter(|a| !a.handle.is_empty()) {
            by_name
                .entry(a.handle.clone())
                .or_insert_with(|| (a.id.clone(), a.handle.clone()));
        }
        for a in accounts.iter().filter(|a| a.handle.is_empty()) {
            by_name
                .entry(a.id.clone())
                .or_insert_with(|| (a.id.clone(), String::new()));
        }
        Names { by_name }
    }

    fn mention(&self, name: &str) -> Mention {
        match self.by_name.get(name) {
            Some((id, handle)) => Mention {
                id: (!id.is_empty()).then(|| id.clone()),
                handle: handle.clone(),
            },
            None => Mention {
                id: None,
                handle: name.to_owned(),
            },
        }
    }

    fn account_id(&self, name: &str) -> String {
        match self.by_name.get(name) {
            Some((id, _)) if !id.is_empty() => id.clone(),
            _ => name.to_owned(),
        }
    }
}

fn read_accounts(
    batch: &RecordBatch,
    first_row: usize,
    out: &mut Vec<Account>,
) -> Result<(), Error> {
    let c = Columns {
        table: "accounts",
        batch,
    };
    let id = c
        .str("id", true)?
        .unwrap_or_else(|| StringArray::new_null(0));
    let handle = c
        .str("handle", true)?
        .unwrap_or_else(|| StringArray::new_null(0));
    let (display, bio, platform) = (
        c.str("display_name", false)?,
        c.str("bio", false)?,
        c.str("platform", false)?,
    );
    let created = c.time("created_at", false)?;
    let (followers, following, tweets, listed) = (
        c.int("followers")?,
        c.int("following")?,
        c.int("tweet_count")?,
        c.int("listed")?,
    );
    let s = |a: &Option<StringArray>, i: usize| a.as_ref().and_then(|a| opt_str(a, i));
    for i in 0..batch.num_rows() {
        let row = first_row + i;
        let created_at = match created.as_ref().and_then(|t| t[i]) {
            Some(ms) => Some(c.instant(ms, "created_at", row)?),
            None => None,
        };
        out.push(Account {
            id: opt_str(&id, i).unwrap_or_default(),
            handle: opt_str(&handle, i).unwrap_or_default(),
            display_name: s(&display, i),
            bio: s(&bio, i),
            created_at,
            counts: ProfileCounts {
                followers: c.count(followers.as_ref(), "followers", "0 or more", i, row)?,
                following: c.count(following.as_ref(), "following", "0 or more", i, row)?,
                posts: c.count(tweets.as_ref(), "tweet_count", "0 or more", i, row)?,
                listed: c.count(listed.as_ref(), "listed", "0 or more", i, row)?,
            },
            platform: platform_of(s(&platform, i).as_deref()),
        });
    }
    Ok(())
}

const METRICS: [&str; 6] = [
    "replies",
    "reposts",
    "likes",
    "quotes",
    "impressions",
    "bookmarks",
];

fn read_posts(
    batch: &RecordBatch,
    first_row: usize,
    names: &Names,
    authors: &mut Vec<(Account, usize)>,
    known: &mut std::collections::HashSet<String>,
    out: &mut Vec<Post>,
) -> Result<(), Error> {
    let c = Columns {
        table: "posts",
        batch,
    };
    let required = |name: &str| -> Result<StringArray, Error> {
        Ok(c.str(name, true)?
            .unwrap_or_else(|| StringArray::new_null(0)))
    };
    let (id, author_id) = (required("id")?, required("author_id")?);
    let created = c.time("created_at", true)?.unwrap_or_default();
    let text = required("text")?;
    let author = c.str("author", false)?;
    let opt = |name: &str| c.str(name, false);
    let (conv, reply_to, reply_acc, quoted, reposted, lang) = (
        opt("conversation_id")?,
        opt("reply_to")?,
        opt("reply_to_account")?,
        opt("quoted")?,
        opt("reposted")?,
        opt("lang")?,
    );
    let (hashtags, mentions, urls) = (c.list("hashtags")?, c.list("mentions")?, c.list("urls")?);
    let metrics = METRICS
        .iter()
        .map(|n| c.int(n))
        .collect::<Result<Vec<_>, _>>()?;
    let s = |a: &Option<StringArray>, i: usize| a.as_ref().and_then(|a| opt_str(a, i));
    for (i, ms) in created.iter().enumerate() {
        let row = first_row + i;
        let ms = ms.ok_or_else(|| {
            c.error(
                "created_at",
                format!("is null at row {row}, expected the post's time"),
            )
        })?;
        let mut p = Post::new(
            c.value(&id, "id", i, row)?,
            c.value(&author_id, "author_id", i, row)?,
            opt_str(&text, i).unwrap_or_default(),
            c.instant(ms, "created_at", row)?,
        );
        // An author the accounts table lacks keeps the handle the posts table shows.
        if let Some(handle) = s(&author, i)
            && handle != p.author_id
            && !known.contains(&p.author_id)
        {
            known.insert(p.author_id.clone());
            authors.push((Account::new(p.author_id.clone(), handle), row));
        }
        p.conversation_id = s(&conv, i);
        p.reply_to = s(&reply_to, i);
        p.reply_to_account = s(&reply_acc, i).map(|name| names.account_id(&name));
        p.quoted = s(&quoted, i);
        p.reposted = s(&reposted, i);
        p.hashtags = str_items(hashtags.as_ref(), i);
        p.urls = str_items(urls.as_ref(), i);
        p.mentions = str_items(mentions.as_ref(), i)
            .iter()
            .map(|m| names.mention(m))
            .collect();
        p.lang = s(&lang, i);
        let m =
            |k: usize| c.count::<u32>(metrics[k].as_ref(), METRICS[k], "0 to 4294967295", i, row);
        p.metrics = PublicMetrics {
            replies: m(0)?,
            reposts: m(1)?,
            likes: m(2)?,
            quotes: m(3)?,
            impressions: m(4)?,
            bookmarks: m(5)?,
        };
        out.push(p);
    }
    Ok(())
}

/// A corpus from batches shaped like [`corpus::posts`](crate::corpus::posts) and
/// [`corpus::accounts`](crate::corpus::accounts) (the columns are listed in the [module
/// docs](self)). `from_arrow(&[posts(&c)?], &[accounts(&c)?])` gives back a corpus equal to `c`.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use rapport_core::{Account, Corpus, Post};
/// let mut c = Corpus::new();
/// c.add_account(Account::new("1", "acme"));
/// let mut p = Post::new("10", "1", "hello #Rust", Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap());
/// p.hashtags = vec!["Rust".into()];
/// c.add_post(p);
/// let posts = rapport_arrow::corpus::posts(&c).unwrap();
/// let accounts = rapport_arrow::corpus::accounts(&c).unwrap();
/// let back = rapport_arrow::from_arrow(&[posts.clone()], &[accounts]).unwrap();
/// assert_eq!(back.post_by_id("10").unwrap().hashtags().collect::<Vec<_>>(), ["rust"]);
/// assert_eq!(back.account_by_id("1").unwrap().handle(), "acme");
///
/// // A missing or mistyped column is an error that names it and the type it needs.
/// let e = rapport_arrow::from_arrow(&[posts.project(&[0, 1]).unwrap()], &[]).unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "posts: column `created_at` missing (expected a column of timestamp (ms, UTC; any unit or \
///      time zone is converted))"
/// );
/// ```
pub fn from_arrow(posts: &[RecordBatch], accounts: &[RecordBatch]) -> Result<Corpus, Error> {
    let mut account_rows = Vec::with_capacity(accounts.iter().map(RecordBatch::num_rows).sum());
    let mut row = 0;
    for b in accounts {
        read_accounts(b, row, &mut account_rows)?;
        row += b.num_rows();
    }
    let names = Names::new(&account_rows);
    let mut known: std::collections::HashSet<String> =
        account_rows.iter().map(|a| a.id.clone()).collect();
    let mut authors = Vec::new();
    let mut post_rows = Vec::with_capacity(posts.iter().map(RecordBatch::num_rows).sum());
    let mut row = 0;
    for b in posts {
        read_posts(b, row, &names, &mut authors, &mut known, &mut post_rows)?;
        row += b.num_rows();
    }
    let n_accounts = account_rows.len();
    let author_rows: Vec<usize> = authors.iter().map(|(_, row)| *row).collect();
    account_rows.extend(authors.into_iter().map(|(a, _)| a));
    Corpus::try_from_parts(account_rows, post_rows).map_err(|e| match e {
        rapport_core::Error::Record {
            what,
            index,
            source,
        } => {
            let (table, index) = match what {
                "accounts" if index >= n_accounts => ("posts", author_rows[index - n_accounts]),
                "accounts" => ("accounts", index),
                _ => ("posts", index),
            };
            Error::Row {
                table,
                row: index,
                message: source.to_string(),
            }
        }
        other => Error::Row {
            table: "posts",
            row: 0,
            message: other.to_string(),
        },
    })
}
