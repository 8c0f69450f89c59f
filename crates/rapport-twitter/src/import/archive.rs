//! The X account archive ("Download an archive of your data").
//!
//! Layout: `data/tweets.js` (older archives: `data/tweet.js`), split into `data/tweets-part1.js`, … for
//! large accounts; each starts with `window.YTD.tweets.part0 = [` (or `window.YTD.tweet.part0 = [`) and
//! holds a JSON array of `{"tweet": {…}}` in the v1.1 shape, mostly with numbers as strings. The owner
//! (the author of every tweet) is in `data/account.js`, the bio in `data/profile.js`. The JavaScript
//! is never evaluated: the prefix up to the first `[` and a trailing `;` are cut off.
//!
//! The archive has no conversation ids and does not name the original of a retweet: retweets keep their
//! `RT @x: …` text and are not marked as reposts; replies keep `reply_to` and `reply_to_account`.

use super::jsonl::{json_error, path_error};
use super::{ImportOptions, ImportReport, SkipReason, file_name, strip_bom};
use crate::TwitterError;
use crate::convert::unescape;
use crate::models::{de_id, de_opt_id, de_time};
use chrono::{DateTime, Utc};
use rapport_core::{Account, Mention, Platform, Post, PublicMetrics};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Imports an X account archive: the `.zip` as downloaded, the unpacked folder (or its `data/`
/// folder), or a single `tweets.js` next to its `account.js`.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use rapport_twitter::import::{ImportOptions, import_archive};
/// let dir = tempfile::tempdir()?;
/// std::fs::create_dir(dir.path().join("data"))?;
/// std::fs::write(dir.path().join("data/account.js"),
///     r#"window.YTD.account.part0 = [{"account":{"accountId":"42","username":"ada","accountDisplayName":"Ada"}}]"#)?;
/// std::fs::write(dir.path().join("data/tweets.js"), r#"window.YTD.tweets.part0 = [
///   {"tweet":{"id_str":"7","full_text":"Hello #Rust","created_at":"Wed Oct 10 20:19:24 +0000 2018",
///             "entities":{"hashtags":[{"text":"Rust","indices":["6","11"]}]},"favorite_count":"3"}}
/// ]"#)?;
/// let report = import_archive(dir.path(), &ImportOptions::default())?;
/// let post = report.corpus.post_by_id("7").unwrap();
/// assert_eq!(post.author().handle(), "ada");
/// assert_eq!(post.metrics().likes, Some(3));
/// # Ok(()) }
/// ```
pub fn import_archive(
    path: impl AsRef<Path>,
    opts: &ImportOptions,
) -> Result<ImportReport, TwitterError> {
    let path = path.as_ref();
    let mut archive = Archive::open(path, opts)?;
    let mut tweets: Vec<(usize, usize)> = archive
        .entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| tweet_part(&e.base).map(|p| (p, i)))
        .collect();
    if tweets.is_empty() {
        return Err(TwitterError::Archive {
            path: path.to_owned(),
            message: "no `data/tweets.js` (or `tweet.js`, `tweets-part1.js`, …) found".to_owned(),
        });
    }
    tweets.sort_unstable();
    let Some(account) = archive.find("account.js") else {
        let message = if archive.single {
            "this is the tweets file of an X account archive (`window.YTD.tweets`); the author of its \
             tweets is in the archive's `account.js`, which is not beside it: import the whole archive \
             (the .zip or its folder), or put `account.js` next to this file"
        } else {
            "no `data/account.js`: the archive's owner (the author of its tweets) is unknown"
        };
        return Err(TwitterError::Archive {
            path: path.to_owned(),
            message: message.to_owned(),
        });
    };
    let account = archive.read(account)?;
    let mut owner = parse_account(&account)?;
    if let Some(profile) = archive.find("profile.js") {
        owner.bio = parse_bio(&archive.read(profile)?)?.or(owner.bio);
    }

    let mut report = ImportReport::default();
    let owner_id = if owner.id.is_empty() {
        // A handle alone would do for another account, not for the author of every tweet.
        Err(rapport_core::Error::InvalidId {
            field: "account id",
            found: String::new(),
            expected: "the archive owner's non-empty `accountId`",
        })
    } else {
        report.corpus.try_add_account(owner.clone())
    };
    owner_id.map_err(|e| TwitterError::Parse {
        file: account.name.clone(),
        line: 1,
        column: 0,
        path: "[0].account.accountId".to_owned(),
        message: e.to_string(),
    })?;
    report.stats.accounts += 1;
    // One part at a time: a large account's archive is split in parts so that no reader has to hold
    // them all.
    for (_, i) in tweets {
        let f = archive.read(i)?;
        import_tweets_file(&f, &owner, opts, &mut report)?;
    }
    follows(&mut archive, &owner.id, opts, &mut report)?;
    report.owner = Some(owner);
    Ok(report)
}

pub(crate) struct ArchiveFile {
    /// Shown in errors: the file, or `archive.zip!data/tweets.js`.
    pub(crate) name: String,
    pub(crate) text: String,
}

/// A file of the archive, not read yet.
struct Entry {
    /// Shown in errors.
    name: String,
    /// The file name without folders, lower case.
    base: String,
    at: EntryAt,
}

enum EntryAt {
    File(PathBuf),
    Zip(usize),
}

/// An opened archive: its wanted files listed, read one at a time.
struct Archive {
    path: PathBuf,
    zip: Option<zip::ZipArchive<std::io::BufReader<std::fs::File>>>,
    entries: Vec<Entry>,
    /// A lone tweets file (not a folder or a zip).
    single: bool,
    max_entry: u64,
    max_ratio: u64,
}

/// `tweets.js` → 0, `tweets-part3.js` → 3; `None` for other files.
pub(crate) fn tweet_part(base: &str) -> Option<usize> {
    let stem = base.strip_suffix(".js")?;
    let rest = stem
        .strip_prefix("tweets")
        .or_else(|| stem.strip_prefix("tweet"))?;
    if rest.is_empty() {
        return Some(0);
    }
    rest.strip_prefix("-part")?.parse().ok()
}

fn wanted(base: &str) -> bool {
    tweet_part(base).is_some()
        || matches!(
            base,
            "account.js" | "profile.js" | "follower.js" | "following.js" | "manifest.js"
        )
}

/// `follower.js` and `following.js` as two snapshots of the owner, dated by the archive's generation
/// date in `manifest.js` (see `follows.rs`).
fn follows(
    archive: &mut Archive,
    owner: &str,
    opts: &ImportOptions,
    report: &mut ImportReport,
) -> Result<(), TwitterError> {
    use rapport_core::follows::FollowDirection;
    for dir in [FollowDirection::Followers, FollowDirection::Following] {
        let base = format!("{}.js", super::follows::direction_key(dir));
        let Some(i) = archive.find(&base) else {
            continue;
        };
        let f = archive.read(i)?;
        let date = match archive.find("manifest.js") {
            Some(m) => archive
                .read(m)
                .and_then(|m| super::follows::manifest_date(&m)),
            None => Err(TwitterError::Archive {
                path: archive.path.clone(),
                message: format!(
                    "`{base}` needs the archive's date and there is no `manifest.js`: expected \
                     `data/manifest.js` with `archiveInfo.generationDate`"
                ),
            }),
        };
        let res = date.and_then(|at| {
            let (items, ..) = parse_array(&f)?;
            let snap = super::follows::archive_snapshot(&items, owner, dir, at, &f.name)?;
            report
                .corpus
                .try_add_follow_snapshot(snap)
                .map_err(|e| TwitterError::Archive {
                    path: archive.path.clone(),
                    message: e.to_string(),
                })
        });
        match res {
            Ok(()) => {}
            Err(e) if opts.strict => return Err(e),
            Err(e) => report.skip(&f.name, 1, &e),
        }
    }
    Ok(())
}

/// Entries below this size skip the compression ratio check: small, repetitive files (an
/// `account.js`) compress very well without being bombs.
const RATIO_FLOOR: u64 = 1 << 20;

/// Whether a zip entry name is a plain relative path: no absolute path, drive letter, backslash, `.`,
/// `..` or empty component. Anything else could name a file outside the archive.
fn safe_entry_name(name: &str) -> bool {
    !name.starts_with('/')
        && !name.contains('\\')
        && name
            .split('/')
            .enumerate()
            .all(|(i, c)| !(matches!(c, "" | "." | "..") || i == 0 && c.contains(':')))
}

impl Archive {
    fn open(path: &Path, opts: &ImportOptions) -> Result<Archive, TwitterError> {
        let io = |p: &Path| {
            let p = p.to_owned();
            move |e| TwitterError::io(p, e)
        };
        let mut archive = Archive {
            path: path.to_owned(),
            zip: None,
            entries: Vec::new(),
            single: false,
            max_entry: opts.max_entry_bytes,
            max_ratio: opts.max_compression_ratio,
        };
        let meta = std::fs::metadata(path).map_err(io(path))?;
        if meta.is_dir() {
            let data = path.join("data");
            let dir = if data.is_dir() { data } else { path.to_owned() };
            for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
                let entry = entry.map_err(io(&dir))?;
                let base = entry.file_name().to_string_lossy().to_ascii_lowercase();
                if wanted(&base) {
                    let p = entry.path();
                    archive.entries.push(Entry {
                        name: file_name(&p),
                        base,
                        at: EntryAt::File(p),
                    });
                }
            }
            return Ok(archive);
        }
        let mut magic = [0u8; 4];
        let n = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut magic))
            .map_err(io(path))?;
        if n == 4 && &magic == b"PK\x03\x04" {
            archive.list_zip()?;
            return Ok(archive);
        }
        // A single tweets.js: its siblings account.js and profile.js come along.
        archive.single = true;
        let dir = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_owned);
        let own_base = path
            .file_name()
            .map(|b| b.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        archive.entries.push(Entry {
            name: file_name(path),
            base: if tweet_part(&own_base).is_some() {
                own_base
            } else {
                "tweets.js".to_owned()
            },
            at: EntryAt::File(path.to_owned()),
        });
        for sib in ["account.js", "profile.js"] {
            let p = dir.join(sib);
            if p.is_file() {
                archive.entries.push(Entry {
                    name: file_name(&p),
                    base: sib.to_owned(),
                    at: EntryAt::File(p),
                });
            }
        }
        Ok(archive)
    }

    fn zip_error(&self, e: &zip::result::ZipError) -> TwitterError {
        TwitterError::Archive {
            path: self.path.clone(),
            message: format!("cannot read the zip: {e}"),
        }
    }

    fn list_zip(&mut self) -> Result<(), TwitterError> {
        let f = std::fs::File::open(&self.path).map_err(|e| TwitterError::io(&self.path, e))?;
        let mut zip =
            zip::ZipArchive::new(std::io::BufReader::new(f)).map_err(|e| self.zip_error(&e))?;
        for i in 0..zip.len() {
            let entry = zip.by_index_raw(i).map_err(|e| self.zip_error(&e))?;
            if !entry.is_file() {
                continue;
            }
            let full = entry.name().to_owned();
            let base = full
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            if !wanted(&base) {
                continue;
            }
            if !safe_entry_name(&full) {
                return Err(TwitterError::Archive {
                    path: self.path.clone(),
                    message: format!(
                        "unsafe entry name `{}` in the zip: expected a relative path like \
                         `data/tweets.js` (an absolute path or `..` names a file outside the \
                         archive)",
                        rapport_core::error::cut(&full)
                    ),
                });
            }
            // Archive data is `data/<file>`, possibly under one top folder (an unpacked and re-zipped
            // archive).
            let parts: Vec<&str> = full.split('/').collect();
            let in_data = matches!(parts.as_slice(), ["data", _] | [_, "data", _]);
            if in_data {
                self.entries.push(Entry {
                    name: format!("{}!{full}", file_name(&self.path)),
                    base,
                    at: EntryAt::Zip(i),
                });
            }
        }
        self.zip = Some(zip);
        Ok(())
    }

    fn find(&self, base: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.base == base)
    }

    /// Reads one entry, within the size and ratio limits.
    fn read(&mut self, i: usize) -> Result<ArchiveFile, TwitterError> {
        let entry = &self.entries[i];
        let name = entry.name.clone();
        let too_big = |size: u64| TwitterError::Archive {
            path: PathBuf::from(&name),
            message: format!(
                "{size} bytes uncompressed, over the limit of {} bytes (raise `max_entry_bytes` \
                 if the archive is trusted)",
                self.max_entry
            ),
        };
        let bytes = match &entry.at {
            EntryAt::File(p) => {
                let len = std::fs::metadata(p)
                    .map_err(|e| TwitterError::io(p, e))?
                    .len();
                if len > self.max_entry {
                    return Err(too_big(len));
                }
                std::fs::read(p).map_err(|e| TwitterError::io(p, e))?
            }
            EntryAt::Zip(index) => {
                let zip = self.zip.as_mut().ok_or_else(|| TwitterError::Archive {
                    path: self.path.clone(),
                    message: "the zip is not open".to_owned(),
                })?;
                let zerr = |e: zip::result::ZipError| TwitterError::Archive {
                    path: self.path.clone(),
                    message: format!("cannot read the zip: {e}"),
                };
                let file = zip.by_index(*index).map_err(zerr)?;
                let (size, packed) = (file.size(), file.compressed_size());
                if size > self.max_entry {
                    return Err(too_big(size));
                }
                let ratio_cap = packed.saturating_mul(self.max_ratio).max(RATIO_FLOOR);
                if size > ratio_cap {
                    return Err(TwitterError::Archive {
                        path: PathBuf::from(&name),
                        message: format!(
                            "{size} bytes uncompressed from {packed} compressed, a ratio over the \
                             limit of {} (a zip bomb?; raise `max_compression_ratio` if the \
                             archive is trusted)",
                            self.max_ratio
                        ),
                    });
                }
                // The declared size can lie: the reading itself stops at the limits.
                let limit = self.max_entry.min(ratio_cap);
                let mut buf = Vec::with_capacity(usize::try_from(size.min(limit)).unwrap_or(0));
                file.take(limit + 1)
                    .read_to_end(&mut buf)
                    .map_err(|e| TwitterError::Archive {
                        path: PathBuf::from(&name),
                        message: format!("cannot read it from the zip: {e}"),
                    })?;
                if buf.len() as u64 > limit {
                    return Err(TwitterError::Archive {
                        path: PathBuf::from(&name),
                        message: format!(
                            "inflates past {limit} bytes although the zip declares {size}: \
                             refused (the entry size or compression ratio limit)"
                        ),
                    });
                }
                buf
            }
        };
        let text = String::from_utf8(bytes).map_err(|e| TwitterError::Archive {
            path: PathBuf::from(&name),
            message: format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        })?;
        Ok(ArchiveFile { name, text })
    }
}

/// The JSON array of a `window.YTD.<name>.partN = [...]` file and the line/column its `[` is at.
fn ytd_array(f: &ArchiveFile) -> Result<(&str, u64, u64), TwitterError> {
    let text = std::str::from_utf8(strip_bom(f.text.as_bytes())).unwrap_or(&f.text);
    let start = text.trim_start();
    if start.starts_with('[') {
        // The array alone, its `window.YTD` prefix cut off by hand.
        let open = text.len() - start.len();
        let before = &text[..open];
        let line = 1 + memchr::memchr_iter(b'\n', before.as_bytes()).count() as u64;
        let col = open - before.rfind('\n').map_or(0, |i| i + 1);
        let body = start.trim_end().trim_end_matches(';');
        return Ok((body, line, col as u64));
    }
    if !start.starts_with("window.YTD.") {
        return Err(TwitterError::Parse {
            file: f.name.clone(),
            line: 1,
            column: 1,
            path: ".".to_owned(),
            message: "expected `window.YTD.<name>.part0 = [` at the start of an archive file"
                .to_owned(),
        });
    }
    let Some(open) = text.find('[') else {
        return Err(TwitterError::Parse {
            file: f.name.clone(),
            line: 1,
            column: 1,
            path: ".".to_owned(),
            message: "expected a JSON array after `window.YTD.<name>.part0 =`, found no `[`"
                .to_owned(),
        });
    };
    let before = &text[..open];
    let line = 1 + memchr::memchr_iter(b'\n', before.as_bytes()).count() as u64;
    let col = open - before.rfind('\n').map_or(0, |i| i + 1);
    let body = text[open..].trim_end().trim_end_matches(';');
    Ok((body, line, col as u64))
}

fn parse_array(f: &ArchiveFile) -> Result<(Vec<&RawValue>, &str, u64, u64), TwitterError> {
    let (body, line, col) = ytd_array(f)?;
    match serde_json::from_str::<Vec<&RawValue>>(body) {
        Ok(v) => Ok((v, body, line, col)),
        Err(e) => Err(json_error(&e, ".", &f.name, line, col)),
    }
}

#[derive(Deserialize)]
struct AccountEntry {
    account: AccountJs,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccountJs {
    #[serde(deserialize_with = "de_id")]
    account_id: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    account_display_name: Option<String>,
    #[serde(default, deserialize_with = "de_time")]
    created_at: Option<DateTime<Utc>>,
}

fn parse_account(f: &ArchiveFile) -> Result<Account, TwitterError> {
    let (items, body, line, col) = parse_array(f)?;
    let Some(first) = items.first() else {
        return Err(TwitterError::Archive {
            path: PathBuf::from(&f.name),
            message: "`account.js` holds no account".to_owned(),
        });
    };
    let (l, c) = position(body, first.get(), line, col);
    let entry: AccountEntry = serde_json::from_str(first.get()).map_err(|e| {
        prefixed(
            path_error::<AccountEntry>(first.get().as_bytes(), e, &f.name, l, c),
            0,
        )
    })?;
    let a = entry.account;
    Ok(Account {
        id: a.account_id,
        handle: a.username,
        display_name: a.account_display_name,
        bio: None,
        created_at: a.created_at,
        counts: rapport_core::ProfileCounts::default(),
        platform: Platform::X,
    })
}

fn parse_bio(f: &ArchiveFile) -> Result<Option<String>, TwitterError> {
    #[derive(Deserialize)]
    struct Entry {
        #[serde(default)]
        profile: Profile,
    }
    #[derive(Deserialize, Default)]
    struct Profile {
        #[serde(default)]
        description: Description,
    }
    #[derive(Deserialize, Default)]
    struct Description {
        #[serde(default)]
        bio: Option<String>,
    }
    let (items, body, line, col) = parse_array(f)?;
    let Some(first) = items.first() else {
        return Ok(None);
    };
    let (l, c) = position(body, first.get(), line, col);
    let e: Entry = serde_json::from_str(first.get()).map_err(|e| {
        prefixed(
            path_error::<Entry>(first.get().as_bytes(), e, &f.name, l, c),
            0,
        )
    })?;
    Ok(e.profile.description.bio.filter(|b| !b.is_empty()))
}

/// Line and column (1-based) in the file of `inner`, a sub-slice of `body` whose `[` is at
/// (`line`, `col` 0-based column).
fn position(body: &str, inner: &str, line: u64, col: u64) -> (u64, u64) {
    let offset = inner.as_ptr() as usize - body.as_ptr() as usize;
    let before = &body.as_bytes()[..offset];
    let nl = memchr::memchr_iter(b'\n', before).count() as u64;
    match memchr::memrchr(b'\n', before) {
        None => (line, col + offset as u64),
        Some(i) => (line + nl, (offset - i - 1) as u64),
    }
}

/// Puts the array index in front of the JSON path of an element's parse error.
fn prefixed(e: TwitterError, index: usize) -> TwitterError {
    match e {
        TwitterError::Parse {
            file,
            line,
            column,
            path,
            message,
        } => TwitterError::Parse {
            file,
            line,
            column,
            path: if path == "." {
                format!("[{index}]")
            } else {
                format!("[{index}].{path}")
            },
            message,
        },
        other => other,
    }
}

fn import_tweets_file(
    f: &ArchiveFile,
    owner: &Account,
    opts: &ImportOptions,
    report: &mut ImportReport,
) -> Result<(), TwitterError> {
    report.pages += 1;
    report.bytes += f.text.len() as u64;
    report.lines += f.text.lines().count() as u64;
    let (items, body, line, col) = parse_array(f)?;
    for (i, raw) in items.iter().enumerate() {
        let (l, c) = position(body, raw.get(), line, col);
        let invalid = |kind, message: String| TwitterError::Invalid {
            file: f.name.clone(),
            line: l,
            path: format!("[{i}].tweet"),
            kind,
            message,
        };
        let res = serde_json::from_str::<ArchiveEntry>(raw.get()).map_err(|e| {
            prefixed(
                path_error::<ArchiveEntry>(raw.get().as_bytes(), e, &f.name, l, c),
                i,
            )
        });
        let post = res.and_then(|entry| {
            entry
                .into_post(owner)
                .map_err(|(kind, message)| invalid(kind, message.to_owned()))
        });
        let added = post.and_then(|p| {
            report.corpus.try_add_post(p).map_err(|e| {
                let kind = if matches!(e, rapport_core::Error::ConflictingCopy { .. }) {
                    SkipReason::ConflictingCopy
                } else {
                    SkipReason::InvalidId
                };
                invalid(kind, e.to_string())
            })
        });
        match added {
            Ok(_) => report.stats.posts += 1,
            Err(e) if !opts.strict => report.skip(&f.name, e.line().unwrap_or(line), &e),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct ArchiveEntry {
    #[serde(default)]
    tweet: Option<ArchiveTweet>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ArchiveTweet {
    #[serde(deserialize_with = "de_opt_id")]
    id_str: Option<String>,
    #[serde(deserialize_with = "de_opt_id")]
    id: Option<String>,
    full_text: Option<String>,
    text: Option<String>,
    #[serde(deserialize_with = "archive_time")]
    created_at: Option<DateTime<Utc>>,
    lang: Option<String>,
    #[serde(deserialize_with = "de_opt_id")]
    in_reply_to_status_id_str: Option<String>,
    #[serde(deserialize_with = "de_opt_id")]
    in_reply_to_user_id_str: Option<String>,
    entities: ArchiveEntities,
    #[serde(deserialize_with = "count")]
    favorite_count: Option<u64>,
    #[serde(deserialize_with = "count")]
    retweet_count: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ArchiveEntities {
    hashtags: Vec<ArchiveTag>,
    user_mentions: Vec<ArchiveMention>,
    urls: Vec<ArchiveUrl>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ArchiveTag {
    text: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ArchiveMention {
    screen_name: String,
    #[serde(deserialize_with = "de_opt_id")]
    id_str: Option<String>,
    #[serde(deserialize_with = "de_opt_id")]
    id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ArchiveUrl {
    url: String,
    expanded_url: Option<String>,
}

/// `"Wed Oct 10 20:19:24 +0000 2018"` (also accepts RFC 3339).
fn archive_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let Some(s) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    DateTime::parse_from_str(&s, "%a %b %d %H:%M:%S %z %Y")
        .or_else(|_| DateTime::parse_from_rfc3339(&s))
        .map(|t| Some(t.with_timezone(&Utc)))
        .map_err(|_| {
            serde::de::Error::custom(format!(
                "invalid date `{}`, expected like `Wed Oct 10 20:19:24 +0000 2018`",
                rapport_core::error::cut(&s)
            ))
        })
}

/// A count given as `"42"` or `42`.
fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum C {
        N(u64),
        S(String),
    }
    match Option::<C>::deserialize(d)? {
        None => Ok(None),
        Some(C::N(n)) => Ok(Some(n)),
        Some(C::S(s)) => s.trim().parse().map(Some).map_err(|_| {
            serde::de::Error::custom(format!(
                "expected a count, found `{}`",
                rapport_core::error::cut(&s)
            ))
        }),
    }
}

impl ArchiveEntry {
    fn into_post(self, owner: &Account) -> Result<Post, (SkipReason, &'static str)> {
        let t = self
            .tweet
            .ok_or((SkipReason::Malformed, "expected an object with a `tweet`"))?;
        let id = t.id_str.or(t.id).filter(|s| !s.is_empty()).ok_or((
            SkipReason::InvalidId,
            "expected a tweet with a non-empty `id_str` (or `id`)",
        ))?;
        let created_at = t
            .created_at
            .ok_or((SkipReason::NoTime, "expected a tweet with `created_at`"))?;
        let clamp = |v: Option<u64>| v.map(|v| u32::try_from(v).unwrap_or(u32::MAX));
        Ok(Post {
            text: unescape(t.full_text.as_deref().or(t.text.as_deref()).unwrap_or("")).into_owned(),
            author_id: owner.id.clone(),
            created_at,
            conversation_id: None,
            reply_to: t.in_reply_to_status_id_str,
            reply_to_account: t.in_reply_to_user_id_str,
            quoted: None,
            reposted: None,
            hashtags: t
                .entities
                .hashtags
                .into_iter()
                .map(|h| h.text)
                .filter(|h| !h.is_empty())
                .collect(),
            mentions: t
                .entities
                .user_mentions
                .into_iter()
                .filter(|m| !m.screen_name.is_empty() || m.id_str.is_some())
                .map(|m| Mention {
                    id: m.id_str.or(m.id).filter(|i| !i.is_empty() && i != "-1"),
                    handle: m.screen_name,
                })
                .collect(),
            urls: t
                .entities
                .urls
                .into_iter()
                .map(|u| u.expanded_url.filter(|e| !e.is_empty()).unwrap_or(u.url))
                .filter(|u| !u.is_empty())
                .collect(),
            lang: t.lang,
            metrics: PublicMetrics {
                likes: clamp(t.favorite_count),
                reposts: clamp(t.retweet_count),
                ..PublicMetrics::default()
            },
            // The archive's tweet.js carries no context annotations.
            annotations: Vec::new(),
            id,
        })
    }
}
