//! A corpus as twarc2-style JSONL: one X API v2 search page per line (`data` with the posts,
//! `includes.users` with the accounts they name), the research community's exchange format.
//!
//! rapport-twitter's importer reads such a file back to an equal corpus (the same posts with the
//! same fields, the same accounts). Two choices make that exact:
//!
//! - every post goes into `data` and no page has `includes.tweets`, so a repost keeps the text and
//!   entities the corpus holds (the importer would otherwise rebuild them from the original);
//! - `&`, `<` and `>` in a text are escaped as the API escapes them (`&amp;`, `&lt;`, `&gt;`), since
//!   the importer unescapes them.
//!
//! Accounts known only by handle (no id) cannot be `includes.users` entries; they come back from the
//! mentions that name them.

use std::io::Write;

use rapport_core::{Account, Corpus, Post};
use serde_json::{Map, Value, json};

use crate::Error;

/// Posts per line (an API page holds up to 100).
const PAGE: usize = 100;

/// Writes the corpus as twarc2-style JSONL to `out`; returns the number of lines (pages) written.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use rapport_core::{Account, Corpus, Post};
/// let mut c = Corpus::new();
/// c.add_account(Account::new("1", "acme"));
/// c.add_post(Post::new("10", "1", "Fish & chips", Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap()));
/// let mut out = Vec::new();
/// assert_eq!(rapport_arrow::corpus_to_jsonl(&c, &mut out).unwrap(), 1);
/// let line: serde_json::Value = serde_json::from_slice(&out).unwrap();
/// assert_eq!(line["data"][0]["text"], "Fish &amp; chips");
/// assert_eq!(line["includes"]["users"][0]["username"], "acme");
/// ```
pub fn corpus_to_jsonl(c: &Corpus, mut out: impl Write) -> Result<usize, Error> {
    let posts: Vec<_> = c.posts().collect();
    let mut lines = 0;
    // Accounts with no post (mentioned only, or looked up): one users-only page first, so they are
    // not lost.
    let silent: Vec<Account> = c
        .accounts()
        .filter(|a| a.posts().len() == 0 && !a.id().is_empty())
        .map(|a| a.to_account())
        .collect();
    if !silent.is_empty() {
        let page =
            json!({"data": [], "includes": {"users": silent.iter().map(user).collect::<Vec<_>>()}});
        serde_json::to_writer(&mut out, &page).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
        lines += 1;
    }
    for chunk in posts.chunks(PAGE) {
        let mut seen = std::collections::HashSet::new();
        let mut users = Vec::new();
        let mut data = Vec::with_capacity(chunk.len());
        for p in chunk {
            let named = std::iter::once(p.author())
                .chain(p.reply_to_account())
                .chain(p.mentions());
            for a in named {
                if !a.id().is_empty() && seen.insert(a.idx()) {
                    users.push(user(&a.to_account()));
                }
            }
            data.push(tweet(&p.to_post()));
        }
        let page = json!({"data": data, "includes": {"users": users}});
        serde_json::to_writer(&mut out, &page).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
        lines += 1;
    }
    out.flush()?;
    Ok(lines)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn user(a: &Account) -> Value {
    let mut u = Map::new();
    u.insert("id".into(), json!(a.id));
    u.insert("username".into(), json!(a.handle));
    if let Some(n) = &a.display_name {
        u.insert("name".into(), json!(n));
    }
    if let Some(b) = &a.bio {
        u.insert("description".into(), json!(b));
    }
    if let Some(t) = a.created_at {
        u.insert("created_at".into(), json!(time(t)));
    }
    let mut m = Map::new();
    let k = a.counts;
    for (name, v) in [
        ("followers_count", k.followers),
        ("following_count", k.following),
        ("tweet_count", k.posts),
        ("listed_count", k.listed),
    ] {
        if let Some(v) = v {
            m.insert(name.into(), json!(v));
        }
    }
    if !m.is_empty() {
        u.insert("public_metrics".into(), Value::Object(m));
    }
    Value::Object(u)
}

fn tweet(p: &Post) -> Value {
    let mut t = Map::new();
    t.insert("id".into(), json!(p.id));
    t.insert("author_id".into(), json!(p.author_id));
    t.insert("text".into(), json!(escape(&p.text)));
    t.insert("created_at".into(), json!(time(p.created_at)));
    if let Some(c) = &p.conversation_id {
        t.insert("conversation_id".into(), json!(c));
    }
    if let Some(a) = &p.reply_to_account {
        t.insert("in_reply_to_user_id".into(), json!(a));
    }
    let refs: Vec<Value> = [
        ("replied_to", &p.reply_to),
        ("quoted", &p.quoted),
        ("retweeted", &p.reposted),
    ]
    .into_iter()
    .filter_map(|(kind, id)| id.as_ref().map(|id| json!({"type": kind, "id": id})))
    .collect();
    if !refs.is_empty() {
        t.insert("referenced_tweets".into(), Value::Array(refs));
    }
    let mut e = Map::new();
    if !p.hashtags.is_empty() {
        e.insert(
            "hashtags".into(),
            p.hashtags.iter().map(|h| json!({"tag": h})).collect(),
        );
    }
    if !p.mentions.is_empty() {
        e.insert(
            "mentions".into(),
            p.mentions
                .iter()
                .map(|m| match &m.id {
                    Some(id) => json!({"username": m.handle, "id": id}),
                    None => json!({"username": m.handle}),
                })
                .collect(),
        );
    }
    if !p.urls.is_empty() {
        e.insert(
            "urls".into(),
            p.urls
                .iter()
                .map(|u| json!({"url": u, "expanded_url": u}))
                .collect(),
        );
    }
    if !e.is_empty() {
        t.insert("entities".into(), Value::Object(e));
    }
    if let Some(l) = &p.lang {
        t.insert("lang".into(), json!(l));
    }
    if !p.annotations.is_empty() {
        let named = |id: &str, name: &Option<String>| {
            let mut o = Map::new();
            o.insert("id".into(), json!(id));
            if let Some(n) = name {
                o.insert("name".into(), json!(n));
            }
            Value::Object(o)
        };
        let list: Vec<Value> = p
            .annotations
            .iter()
            .map(|a| {
                json!({
                    "domain": named(&a.domain_id, &a.domain_name),
                    "entity": named(&a.entity_id, &a.entity_name),
                })
            })
            .collect();
        t.insert("context_annotations".into(), Value::Array(list));
    }
    let m = p.metrics;
    let mut pm = Map::new();
    for (name, v) in [
        ("reply_count", m.replies),
        ("retweet_count", m.reposts),
        ("like_count", m.likes),
        ("quote_count", m.quotes),
        ("impression_count", m.impressions),
        ("bookmark_count", m.bookmarks),
    ] {
        if let Some(v) = v {
            pm.insert(name.into(), json!(v));
        }
    }
    if !pm.is_empty() {
        t.insert("public_metrics".into(), Value::Object(pm));
    }
    Value::Object(t)
}
