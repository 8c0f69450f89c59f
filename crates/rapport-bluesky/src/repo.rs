//! The repository export (`com.atproto.sync.getRepo`): a CAR file of DAG-CBOR blocks holding the
//! signed commit, the Merkle search tree (MST) and every record of one account. It is the Bluesky
//! counterpart of the X account archive: the account's posts, reposts, likes and follows (with their
//! exact dates), and its profile.
//!
//! The CAR framing is read with `iroh-car`, the blocks decoded with `serde_ipld_dagcbor`. Each MST
//! node's entries are keyed by `collection/rkey`, prefix-compressed against the previous entry of the
//! same node; rebuilding those keys maps every record CID to its path, and so to its AT-URI
//! `at://{did}/{collection}/{rkey}`. Blocks are classified by shape (commit, MST node, record with a
//! `$type`), so their order in the file does not matter.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, Utc};
use ipld_core::cid::Cid;
use ipld_core::ipld::Ipld;
use rapport_core::Corpus;
use serde::Serialize;
use serde_json::Value;

use crate::convert::{Added, add_records};
use crate::error::ImportError;
use crate::syntax::check_tid;

/// What a repository export held.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RepoExport {
    /// The account's DID (from the commit).
    pub did: String,
    /// The commit's revision (a TID).
    pub rev: Option<String>,
    /// When the commit was made (the revision's time), used as the time the follows were seen.
    pub committed_at: Option<DateTime<Utc>>,
    /// The account's posts, reposts and profile, and its follows as dated follow records.
    pub corpus: Corpus,
    /// Likes, and records left out with why.
    pub added: Added,
    /// Records per collection.
    pub collections: BTreeMap<String, usize>,
}

/// True for a file that starts like a CAR (or is named `.car`).
pub fn looks_like_car(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("car"))
}

/// The time in a TID: 53 bits of microseconds since the Unix epoch above 10 bits of clock id.
///
/// ```
/// use rapport_bluesky::repo::tid_time;
/// assert_eq!(tid_time("3jzfcijpj2z2a").unwrap().to_rfc3339(), "2023-06-30T15:03:01.887007+00:00");
/// assert!(tid_time("not-a-tid").is_none());
/// ```
pub fn tid_time(tid: &str) -> Option<DateTime<Utc>> {
    const ALPHABET: &[u8] = b"234567abcdefghijklmnopqrstuvwxyz";
    check_tid(tid).ok()?;
    let mut v: u64 = 0;
    for c in tid.bytes() {
        let i = ALPHABET.iter().position(|a| *a == c)? as u64;
        v = (v << 5) | i;
    }
    let micros = i64::try_from(v >> 10).ok()?;
    DateTime::from_timestamp_micros(micros)
}

/// A DAG-CBOR value as JSON, the way the XRPC JSON encodes records (`$link` for a CID, `$bytes` for
/// bytes).
fn to_json(i: &Ipld) -> Value {
    match i {
        Ipld::Null => Value::Null,
        Ipld::Bool(b) => Value::Bool(*b),
        Ipld::Integer(n) => {
            i64::try_from(*n).map_or_else(|_| Value::String(n.to_string()), Value::from)
        }
        Ipld::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Ipld::String(s) => Value::String(s.clone()),
        Ipld::Bytes(b) => serde_json::json!({ "$bytes": b.len() }),
        Ipld::List(l) => Value::Array(l.iter().map(to_json).collect()),
        Ipld::Map(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
        Ipld::Link(c) => serde_json::json!({ "$link": c.to_string() }),
    }
}

/// Reads a repository export from bytes; `name` names it in errors.
///
/// # Errors
/// [`ImportError::Car`] when the bytes are not a CAR of a repository (no commit, a block that is not
/// DAG-CBOR, a malformed MST node).
pub fn read_car(bytes: &[u8], name: &str) -> Result<RepoExport, ImportError> {
    let car_err = |message: String| ImportError::Car {
        file: name.to_owned(),
        message,
    };
    let blocks: Vec<(Cid, Vec<u8>)> = futures::executor::block_on(async {
        let mut reader = iroh_car::CarReader::new(bytes)
            .await
            .map_err(|e| car_err(format!("CAR header: {e}")))?;
        let mut blocks = Vec::new();
        while let Some(b) = reader
            .next_block()
            .await
            .map_err(|e| car_err(format!("block {}: {e}", blocks.len() + 1)))?
        {
            blocks.push(b);
        }
        Ok::<_, ImportError>(blocks)
    })?;

    let mut commit: Option<(String, Option<String>)> = None;
    let mut paths: HashMap<Cid, String> = HashMap::new();
    let mut records: HashMap<Cid, Value> = HashMap::new();
    for (i, (cid, data)) in blocks.iter().enumerate() {
        let ipld: Ipld = serde_ipld_dagcbor::from_slice(data)
            .map_err(|e| car_err(format!("block {} ({cid}) is not DAG-CBOR: {e}", i + 1)))?;
        let Ipld::Map(fields) = &ipld else { continue };
        if fields.contains_key("$type") {
            records.insert(*cid, to_json(&ipld));
        } else if let (Some(Ipld::List(entries)), true) =
            (fields.get("e"), fields.contains_key("l"))
        {
            let mut key: Vec<u8> = Vec::new();
            for (j, entry) in entries.iter().enumerate() {
                let bad = |what: &str| car_err(format!("MST node {cid}, entry {j}: {what}"));
                let Ipld::Map(entry) = entry else {
                    return Err(bad("not a map"));
                };
                let prefix = match entry.get("p") {
                    Some(Ipld::Integer(n)) => {
                        usize::try_from(*n).map_err(|_| bad("bad prefix length"))?
                    }
                    _ => return Err(bad("no prefix length `p`")),
                };
                let Some(Ipld::Bytes(suffix)) = entry.get("k") else {
                    return Err(bad("no key suffix `k`"));
                };
                let Some(Ipld::Link(value)) = entry.get("v") else {
                    return Err(bad("no record link `v`"));
                };
                if prefix > key.len() {
                    return Err(bad("prefix longer than the previous key"));
                }
                key.truncate(prefix);
                key.extend_from_slice(suffix);
                let path = String::from_utf8(key.clone()).map_err(|_| bad("key is not UTF-8"))?;
                paths.insert(*value, path);
            }
        } else if let (Some(Ipld::String(did)), Some(_), Some(_)) =
            (fields.get("did"), fields.get("version"), fields.get("data"))
        {
            let rev = match fields.get("rev") {
                Some(Ipld::String(r)) => Some(r.clone()),
                _ => None,
            };
            commit = Some((did.clone(), rev));
        }
    }
    let (did, rev) =
        commit.ok_or_else(|| car_err("no commit block (with did, version, data)".to_owned()))?;
    let committed_at = rev.as_deref().and_then(tid_time);
    let mut located: Vec<(String, Value)> = Vec::new();
    let mut collections: BTreeMap<String, usize> = BTreeMap::new();
    let mut unplaced = 0usize;
    for (cid, value) in records {
        match paths.get(&cid) {
            Some(path) => {
                let collection = path.split('/').next().unwrap_or_default().to_owned();
                *collections.entry(collection).or_default() += 1;
                located.push((format!("at://{did}/{path}"), value));
            }
            None => unplaced += 1,
        }
    }
    located.sort_by(|a, b| a.0.cmp(&b.0));
    // The follows were seen at the commit; without a readable revision, at the newest record.
    let seen_at = committed_at.unwrap_or_else(|| {
        located
            .iter()
            .filter_map(|(_, v)| v.get("createdAt")?.as_str())
            .filter_map(|s| crate::syntax::parse_datetime(s).ok())
            .max()
            .unwrap_or_else(Utc::now)
    });
    let mut corpus = Corpus::new();
    let mut added = add_records(
        &mut corpus,
        located.iter().map(|(u, v)| (u.as_str(), v)),
        seen_at,
    );
    if unplaced > 0 {
        added.skipped.push(format!(
            "{unplaced} record block(s) not reachable from the MST"
        ));
    }
    Ok(RepoExport {
        did,
        rev,
        committed_at,
        corpus,
        added,
        collections,
    })
}

/// Reads a repository export file.
///
/// # Errors
/// [`ImportError::Io`], or as [`read_car`].
pub fn read_car_file(path: impl AsRef<Path>) -> Result<RepoExport, ImportError> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: name.clone(),
        source,
    })?;
    read_car(&bytes, &name)
}
