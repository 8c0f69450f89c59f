//! The sample's Bluesky mode: the same simulated world, written as the XRPC answers a Bluesky
//! collection is made of (rapport-bluesky's JSONL pages), so notebooks and tests can run the
//! analyses on a Bluesky corpus without the network.
//!
//! Every account becomes `did:plc:<handle>` with the handle `<handle>.bsky.social` (underscores,
//! which Bluesky handles do not allow, become hyphens); every post an `app.bsky.feed.defs#postView`
//! at `at://did:plc:<handle>/app.bsky.feed.post/<id>`, with its reply references, its quote as an
//! `app.bsky.embed.record`, and facets at the UTF-8 byte offsets of its hashtags, mentions and links;
//! reposts become `reasonRepost` items of `app.bsky.feed.getAuthorFeed` pages.
//!
//! Bluesky dates each follow, so the mode also simulates follow records: everyone who replied to the
//! organisation followed its account two hours before their first reply, and the organisation
//! followed back an hour after its first answer to them. Those follows are part of the simulation,
//! like everything else in the sample.
//!
//! ```
//! use rapport_sample::{SampleConfig, bluesky::sample_bluesky_jsonl_string};
//! let jsonl = sample_bluesky_jsonl_string(&SampleConfig { posts: 300, ..SampleConfig::default() }).unwrap();
//! let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
//! assert_eq!(first["__rapport"]["nsid"], "app.bsky.feed.searchPosts");
//! assert!(first["posts"][0]["uri"].as_str().unwrap().starts_with("at://did:plc:"));
//! ```

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rapport_core::PostKind;
use serde_json::{Value, json};

use crate::SampleConfig;

/// The DID of a sample handle.
fn did(handle: &str) -> String {
    format!("did:plc:{}", handle.to_ascii_lowercase().replace('_', "-"))
}

/// The Bluesky handle of a sample handle.
fn bsky_handle(handle: &str) -> String {
    format!(
        "{}.bsky.social",
        handle.to_ascii_lowercase().replace('_', "-")
    )
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn post_uri(author_handle: &str, id: &str) -> String {
    format!("at://{}/app.bsky.feed.post/{id}", did(author_handle))
}

/// The facets of a text: every `#tag`, `@handle` and `http(s)://` link, at UTF-8 byte offsets.
fn facets(text: &str, mentions: &BTreeMap<String, String>) -> Vec<Value> {
    let mut out = Vec::new();
    let mut offset = 0;
    for word in text.split(' ') {
        let start = offset;
        offset += word.len() + 1;
        let w = word.trim_end_matches(['.', ',', '!', '?', ':', ';', ')']);
        let end = start + w.len();
        let feature = if let Some(tag) = w.strip_prefix('#').filter(|t| !t.is_empty()) {
            json!({"$type": "app.bsky.richtext.facet#tag", "tag": tag})
        } else if let Some(h) = w.strip_prefix('@') {
            match mentions.get(&h.to_ascii_lowercase()) {
                Some(d) => json!({"$type": "app.bsky.richtext.facet#mention", "did": d}),
                None => continue,
            }
        } else if w.starts_with("http://") || w.starts_with("https://") {
            json!({"$type": "app.bsky.richtext.facet#link", "uri": w})
        } else {
            continue;
        };
        out.push(json!({"index": {"byteStart": start, "byteEnd": end}, "features": [feature]}));
    }
    out
}

/// Writes the Bluesky mode of the sample as JSONL pages.
///
/// # Errors
/// As the X sample's generator, and I/O errors of `out`.
pub fn write_sample_bluesky_jsonl(config: &SampleConfig, mut out: impl Write) -> io::Result<()> {
    let x = crate::sample_jsonl_string(config)?;
    let report = rapport_twitter::import::import_jsonl_reader(
        x.as_bytes(),
        "sample",
        &rapport_twitter::import::ImportOptions::default(),
    )
    .map_err(|e| io::Error::other(e.to_string()))?;
    let corpus = report.corpus;
    let retrieved = corpus
        .posts()
        .map(|p| p.created_at())
        .max()
        .unwrap_or_default()
        + Duration::days(1);
    let handle_of = |id: &str| corpus.handle_of_id(id).to_owned();
    let mut mentions: BTreeMap<String, String> = BTreeMap::new();
    for a in corpus.accounts() {
        // The text keeps the X handle after `@`; the facet points at the account's DID.
        mentions.insert(a.handle().to_ascii_lowercase(), did(a.handle()));
    }
    let profile = |handle: &str, name: Option<&str>| json!({"did": did(handle), "handle": bsky_handle(handle), "displayName": name.unwrap_or(handle)});
    let view = |p: &rapport_core::PostRef<'_>| -> Value {
        let author = p.author();
        let mut record = json!({
            "$type": "app.bsky.feed.post",
            "text": p.text(),
            "createdAt": ts(p.created_at()),
            "facets": facets(p.text(), &mentions),
        });
        if let Some(l) = p.lang() {
            record["langs"] = json!([l]);
        }
        let post = p.to_post();
        if let Some(parent) = &post.reply_to {
            let parent_author = corpus.post_by_id(parent).map_or_else(
                || post.reply_to_account.clone().unwrap_or_default(),
                |q| q.author().handle().to_owned(),
            );
            let root = post
                .conversation_id
                .clone()
                .unwrap_or_else(|| parent.clone());
            let root_author = corpus
                .post_by_id(&root)
                .map_or_else(|| parent_author.clone(), |q| q.author().handle().to_owned());
            let (parent_author, root_author) = (handle_of(&parent_author), handle_of(&root_author));
            record["reply"] = json!({
                "root": {"uri": post_uri(&root_author, &root), "cid": format!("bafy{root}")},
                "parent": {"uri": post_uri(&parent_author, parent), "cid": format!("bafy{parent}")},
            });
        }
        if let Some(q) = &post.quoted
            && let Some(qp) = corpus.post_by_id(q)
        {
            record["embed"] = json!({"$type": "app.bsky.embed.record",
                "record": {"uri": post_uri(qp.author().handle(), q), "cid": format!("bafy{q}")}});
        }
        json!({
            "uri": post_uri(author.handle(), p.id()),
            "cid": format!("bafy{}", p.id()),
            "author": profile(author.handle(), author.display_name()),
            "record": record,
            "replyCount": post.metrics.replies, "repostCount": post.metrics.reposts,
            "likeCount": post.metrics.likes, "quoteCount": post.metrics.quotes,
            "indexedAt": ts(p.created_at()),
        })
    };
    let mut line = |nsid: &str, query: &str, mut body: Value| -> io::Result<()> {
        body["__rapport"] = json!({
            "nsid": nsid,
            "url": format!("https://public.api.bsky.app/xrpc/{nsid}?{query}"),
            "retrieved_at": ts(retrieved),
        });
        serde_json::to_writer(&mut out, &body)?;
        out.write_all(b"\n")
    };

    let originals: Vec<Value> = corpus
        .posts()
        .filter(|p| p.kind() != PostKind::Repost && !p.author().handle().is_empty())
        .map(|p| view(&p))
        .collect();
    for (i, chunk) in originals.chunks(100).enumerate() {
        line(
            "app.bsky.feed.searchPosts",
            &format!("q=*&cursor={i}"),
            json!({"posts": chunk}),
        )?;
    }
    let mut reposts = Vec::new();
    for p in corpus.posts().filter(|p| p.kind() == PostKind::Repost) {
        let post = p.to_post();
        let Some(orig) = post
            .reposted
            .as_deref()
            .and_then(|id| corpus.post_by_id(id))
        else {
            continue;
        };
        let by = p.author();
        reposts.push(json!({"post": view(&orig), "reason": {
            "$type": "app.bsky.feed.defs#reasonRepost",
            "by": profile(by.handle(), by.display_name()),
            "uri": format!("at://{}/app.bsky.feed.repost/{}", did(by.handle()), p.id()),
            "indexedAt": ts(p.created_at()),
        }}));
    }
    for (i, chunk) in reposts.chunks(100).enumerate() {
        line(
            "app.bsky.feed.getAuthorFeed",
            &format!("actor=reposts&cursor={i}"),
            json!({"feed": chunk}),
        )?;
    }

    // Follows: who replied to the organisation followed it before; the organisation followed back
    // those it answered.
    let org: Vec<String> = config
        .org
        .handles()
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let mut first_reply: BTreeMap<(String, String), DateTime<Utc>> = BTreeMap::new();
    for p in corpus.posts().filter(|p| p.kind() == PostKind::Reply) {
        let post = p.to_post();
        let Some(to) = post
            .reply_to_account
            .as_deref()
            .map(|id| handle_of(id).to_ascii_lowercase())
        else {
            continue;
        };
        let from = p.author().handle().to_ascii_lowercase();
        if from.is_empty() || to.is_empty() || from == to {
            continue;
        }
        if org.contains(&to) != org.contains(&from) {
            let e = first_reply.entry((from, to)).or_insert(p.created_at());
            *e = (*e).min(p.created_at());
        }
    }
    let mut records: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for ((from, to), at) in &first_reply {
        let (when, rkey) = if org.contains(to) {
            (*at - Duration::hours(2), format!("f{}", at.timestamp()))
        } else {
            (*at + Duration::hours(1), format!("b{}", at.timestamp()))
        };
        records.entry(from.clone()).or_default().push(json!({
            "uri": format!("at://{}/app.bsky.graph.follow/{rkey}", did(from)),
            "cid": format!("bafy{rkey}"),
            "value": {"$type": "app.bsky.graph.follow", "subject": did(to), "createdAt": ts(when)},
        }));
    }
    for (repo, recs) in records {
        for chunk in recs.chunks(100) {
            line(
                "com.atproto.repo.listRecords",
                &format!(
                    "repo={}&collection=app.bsky.graph.follow",
                    bsky_handle(&repo)
                ),
                json!({"records": chunk}),
            )?;
        }
    }
    out.flush()
}

/// The Bluesky mode of the sample as one string.
///
/// # Errors
/// As [`write_sample_bluesky_jsonl`].
pub fn sample_bluesky_jsonl_string(config: &SampleConfig) -> io::Result<String> {
    let mut buf = Vec::new();
    write_sample_bluesky_jsonl(config, &mut buf)?;
    String::from_utf8(buf).map_err(io::Error::other)
}

/// Writes the Bluesky mode of the sample to a file.
///
/// # Errors
/// As [`write_sample_bluesky_jsonl`], and the file's errors.
pub fn write_sample_bluesky_file(config: &SampleConfig, path: impl AsRef<Path>) -> io::Result<()> {
    let f = std::fs::File::create(path)?;
    write_sample_bluesky_jsonl(config, io::BufWriter::new(f))
}
