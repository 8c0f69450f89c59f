//! Writing the world as twarc2 JSONL: one API response page per line. Each page is built from
//! rapport-twitter's wire models ([`TweetsResponse`], [`Tweet`], [`User`], [`Problem`]) and written
//! by their `Serialize`, so the sample has exactly the shape the importers read. Strings are escaped
//! like Python's `json.dumps` (which twarc uses) when `ascii_escape` is set: non-ASCII text arrives
//! as `\uXXXX` surrogate pairs.

use std::io;

use chrono::{DateTime, SecondsFormat, Utc};
use rapport_twitter::models::{
    ContextAnnotation, ContextEntity, Entities, Includes, MentionEntity, Meta, NoteTweet,
    OneOrMany, Problem, PublicMetrics, ReferenceType, ReferencedTweet, TagEntity, Tweet,
    TweetsResponse, UrlEntity, User, UserPublicMetrics,
};
use serde::Serialize;
use serde_json::{Value, json};

use super::SampleConfig;
use super::render::{Rendered, render_bio, render_post};
use super::rng::Rng;
use super::vocab::TOPICS;
use super::world::{Kind, NONE, World};

/// A `serde_json` formatter that escapes every non-ASCII character as `\uXXXX` (UTF-16 code units),
/// as Python's `json.dumps` does by default; ASCII is written as `serde_json` writes it.
struct AsciiFormatter;

impl serde_json::ser::Formatter for AsciiFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        // Most fragments are plain ASCII: one vectorised check, one write.
        if fragment.is_ascii() {
            return writer.write_all(fragment.as_bytes());
        }
        let bytes = fragment.as_bytes();
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if c.is_ascii() {
                continue;
            }
            writer.write_all(&bytes[start..i])?;
            let mut units = [0u16; 2];
            for &u in c.encode_utf16(&mut units).iter() {
                let esc = [
                    b'\\',
                    b'u',
                    HEX[usize::from(u >> 12)],
                    HEX[usize::from((u >> 8) & 0xF)],
                    HEX[usize::from((u >> 4) & 0xF)],
                    HEX[usize::from(u & 0xF)],
                ];
                writer.write_all(&esc)?;
            }
            start = i + c.len_utf8();
        }
        writer.write_all(&bytes[start..])
    }
}

/// Appends `value` as one JSON document to `out`, ASCII-escaped or as UTF-8.
pub(crate) fn write_json<T: Serialize>(out: &mut Vec<u8>, value: &T, ascii: bool) {
    // Writing the models into a `Vec` cannot fail: they hold only strings, numbers and maps with
    // string keys.
    let written = if ascii {
        value.serialize(&mut serde_json::Serializer::with_formatter(
            &mut *out,
            AsciiFormatter,
        ))
    } else {
        value.serialize(&mut serde_json::Serializer::new(&mut *out))
    };
    written.expect("the wire models serialize to JSON");
}

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).expect("sample times are within chrono's range")
}

/// Python's `datetime.isoformat()` of a UTC time, as twarc writes `retrieved_at`.
pub(crate) fn iso_seconds(ms: i64) -> String {
    time(ms).to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// The page layout: which emitted posts (newest first) go on each line.
#[derive(Debug)]
pub(crate) struct Plan {
    pub order: Vec<u32>,
    pub pages: Vec<(usize, usize)>,
    pub duplicates: usize,
}

pub(crate) fn plan(world: &World, cfg: &SampleConfig) -> Plan {
    let order: Vec<u32> = (0..world.posts.len() as u32)
        .rev()
        .filter(|&i| !world.posts[i as usize].ghost)
        .collect();
    let mut pages = Vec::new();
    let mut duplicates = 0;
    let mut pos = 0;
    while pos < order.len() {
        let end = (pos + cfg.page_size).min(order.len());
        pages.push((pos, end));
        // Now and then the collection resumed a little before where it stopped, so two posts
        // appear on two pages, as in real collections.
        pos = if cfg.overlap_every > 0
            && pages.len() % cfg.overlap_every == 0
            && end < order.len()
            && end - pos > 2
        {
            duplicates += 2;
            end - 2
        } else {
            end
        };
    }
    Plan {
        order,
        pages,
        duplicates,
    }
}

/// Turns the world into pages. Each account's `User` is built once and cloned onto the pages that
/// need it; `user_mark` / `post_mark` remember the last page an account or a referenced post was
/// listed on, so each appears once per page.
pub(crate) struct Writer<'w> {
    world: &'w World,
    cfg: &'w SampleConfig,
    users: Vec<User>,
    user_mark: Vec<u32>,
    post_mark: Vec<u32>,
}

impl<'w> Writer<'w> {
    pub(crate) fn new(world: &'w World, cfg: &'w SampleConfig) -> Writer<'w> {
        let users = (0..world.accts.len() as u32)
            .map(|a| user(world, cfg, a))
            .collect();
        Writer {
            world,
            cfg,
            users,
            user_mark: vec![u32::MAX; world.accts.len()],
            post_mark: vec![u32::MAX; world.posts.len()],
        }
    }

    fn render(&self, i: u32) -> Rendered {
        render_post(
            self.world,
            &self.cfg.org.name,
            &self.cfg.org.display_name,
            i,
        )
    }

    fn note_user(&mut self, page: u32, a: u32, list: &mut Vec<u32>) {
        if self.user_mark[a as usize] != page {
            self.user_mark[a as usize] = page;
            list.push(a);
        }
    }

    fn note_users_of(&mut self, page: u32, i: u32, r: &Rendered, list: &mut Vec<u32>) {
        let p = self.world.posts[i as usize];
        self.note_user(page, p.author, list);
        for m in &r.mentions {
            self.note_user(page, m.2, list);
        }
        if p.kind == Kind::Reply {
            let parent_author = self.world.posts[p.target as usize].author;
            self.note_user(page, parent_author, list);
        }
    }

    /// Page `k` as the API (and twarc) would have returned it, and the accounts whose `User` it
    /// borrowed from the cache (see [`Writer::give_back`]).
    #[allow(clippy::many_single_char_names)] // k, a, b, i: page, slice bounds, post, as in the plan
    pub(crate) fn page(&mut self, plan: &Plan, k: usize) -> (TweetsResponse, Vec<u32>) {
        let world = self.world;
        let page = k as u32;
        let (a, b) = plan.pages[k];
        let slice = &plan.order[a..b];
        let mut users = Vec::new();
        let mut refs = Vec::new();
        let mut missing = Vec::new();
        let mut data = Vec::with_capacity(slice.len());
        for &i in slice {
            let r = self.render(i);
            data.push(tweet(world, i, &r));
            self.note_users_of(page, i, &r, &mut users);
            let t = world.posts[i as usize].target;
            if t != NONE && self.post_mark[t as usize] != page {
                self.post_mark[t as usize] = page;
                if world.posts[t as usize].ghost {
                    missing.push(t);
                } else {
                    refs.push(t);
                }
            }
        }
        let mut included = Vec::with_capacity(refs.len());
        for &i in &refs {
            let r = self.render(i);
            included.push(tweet(world, i, &r));
            self.note_users_of(page, i, &r, &mut users);
        }
        let errors = missing
            .iter()
            .map(|&g| {
                let id = world.id(g).to_string();
                Problem {
                    value: Some(Value::String(id.clone())),
                    detail: Some(format!(
                        "Could not find tweet with referenced_tweets.id: [{id}]."
                    )),
                    title: Some("Not Found Error".to_owned()),
                    resource_type: Some("tweet".to_owned()),
                    parameter: Some("referenced_tweets.id".to_owned()),
                    resource_id: Some(id),
                    kind: Some("https://api.twitter.com/2/problems/resource-not-found".to_owned()),
                    ..Problem::default()
                }
            })
            .collect();
        let meta = Meta {
            newest_id: Some(world.id(slice[0]).to_string()),
            oldest_id: Some(world.id(slice[slice.len() - 1]).to_string()),
            result_count: Some(slice.len() as u64),
            next_token: (k + 1 < plan.pages.len()).then(|| next_token(world.seed, k)),
            ..Meta::default()
        };
        let end = self.cfg.end().timestamp_millis();
        let mut extra = serde_json::Map::new();
        extra.insert(
            "__twarc".to_owned(),
            json!({
                "url": self.request_url(k),
                "version": "2.14.0",
                "retrieved_at": iso_seconds(end + 600_000 + k as i64 * 1_100),
            }),
        );
        // Each account is listed once per page, so its cached `User` can be moved onto the page
        // and back instead of cloned: most of a page's bytes are its users.
        let page = TweetsResponse {
            data: Some(OneOrMany::Many(data)),
            includes: Some(Includes {
                users: users
                    .iter()
                    .map(|&u| std::mem::take(&mut self.users[u as usize]))
                    .collect(),
                tweets: included,
                ..Includes::default()
            }),
            errors,
            meta: Some(meta),
            matching_rules: Vec::new(),
            extra,
        };
        (page, users)
    }

    /// Returns the `User`s a page borrowed to the cache.
    pub(crate) fn give_back(&mut self, page: TweetsResponse, accounts: &[u32]) {
        let users = page.includes.map(|i| i.users).unwrap_or_default();
        for (&a, user) in accounts.iter().zip(users) {
            self.users[a as usize] = user;
        }
    }

    /// Page `k` as one JSONL line.
    pub(crate) fn write_page(&mut self, out: &mut Vec<u8>, plan: &Plan, k: usize) {
        let (page, accounts) = self.page(plan, k);
        write_json(out, &page, self.cfg.ascii_escape);
        out.push(b'\n');
        self.give_back(page, &accounts);
    }

    fn request_url(&self, k: usize) -> String {
        let org = &self.cfg.org;
        let start = self.cfg.start.to_rfc3339_opts(SecondsFormat::Secs, true);
        let end = self.cfg.end().to_rfc3339_opts(SecondsFormat::Secs, true);
        let mut url = format!(
            "https://api.twitter.com/2/tweets/search/all?expansions=author_id%2Cin_reply_to_user_id%2Creferenced_tweets.id%2Creferenced_tweets.id.author_id%2Centities.mentions.username\
&tweet.fields=author_id%2Cconversation_id%2Ccreated_at%2Cedit_history_tweet_ids%2Centities%2Cid%2Cin_reply_to_user_id%2Clang%2Cnote_tweet%2Cpossibly_sensitive%2Cpublic_metrics%2Creferenced_tweets%2Creply_settings%2Ctext\
&user.fields=created_at%2Cdescription%2Centities%2Cid%2Clocation%2Cname%2Cprotected%2Cpublic_metrics%2Cusername%2Cverified\
&query=%28%40{}%20OR%20%40{}%20OR%20%40{}%20OR%20%23hiring%20OR%20%23rustlang%20OR%20%23python%20OR%20%23hrtech%29&start_time={start}&end_time={end}&max_results={}",
            org.careers, org.engineering, org.people, self.cfg.page_size
        );
        if k > 0 {
            url.push_str("&next_token=");
            url.push_str(&next_token(self.world.seed, k - 1));
        }
        url
    }
}

fn next_token(seed: u64, k: usize) -> String {
    const ALPHA: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut rng = Rng::derive(seed ^ 0x70C, k as u64);
    (0..45).map(|_| ALPHA[rng.below(36)] as char).collect()
}

/// The entities of a text, or `None` when it has none (the API leaves the field out).
fn entities(world: &World, r: &Rendered) -> Option<Entities> {
    if r.tags.is_empty() && r.mentions.is_empty() && r.urls.is_empty() {
        return None;
    }
    Some(Entities {
        hashtags: r
            .tags
            .iter()
            .map(|(start, end, tag)| TagEntity {
                start: *start,
                end: *end,
                tag: tag.clone(),
            })
            .collect(),
        mentions: r
            .mentions
            .iter()
            .map(|(start, end, a)| {
                let acct = &world.accts[*a as usize];
                MentionEntity {
                    start: *start,
                    end: *end,
                    username: acct.handle.clone(),
                    id: Some(acct.id.clone()),
                }
            })
            .collect(),
        urls: r
            .urls
            .iter()
            .map(|u| UrlEntity {
                start: u.start,
                end: u.end,
                url: u.short.clone(),
                expanded_url: Some(u.expanded.clone()),
                display_url: Some(u.display.clone()),
                ..UrlEntity::default()
            })
            .collect(),
        ..Entities::default()
    })
}

/// One tweet with every field an expanded search returns.
fn tweet(world: &World, i: u32, full: &Rendered) -> Tweet {
    let p = &world.posts[i as usize];
    let author = &world.accts[p.author as usize];
    let id = world.id(i).to_string();
    let short;
    let text = if p.long {
        short = full.truncated(275);
        &short
    } else {
        full
    };
    let mut edit_history = Vec::with_capacity(2);
    if p.edited {
        edit_history.push(world.pre_edit_id(i).to_string());
    }
    edit_history.push(id.clone());
    let mut rng = Rng::derive(world.seed ^ 0x3E7, p.seed);
    let metrics = if p.kind == Kind::Repost {
        PublicMetrics {
            retweet_count: Some(u64::from(world.posts[p.target as usize].reposts)),
            reply_count: Some(0),
            like_count: Some(0),
            quote_count: Some(0),
            bookmark_count: Some(0),
            impression_count: Some(0),
        }
    } else {
        let likes = u64::from(p.replies) * 3
            + u64::from(p.reposts) * 4
            + u64::from(p.quotes) * 3
            + rng.exp(1.5 * author.weight.sqrt()) as u64;
        PublicMetrics {
            retweet_count: Some(u64::from(p.reposts)),
            reply_count: Some(u64::from(p.replies)),
            like_count: Some(likes),
            quote_count: Some(u64::from(p.quotes)),
            bookmark_count: Some(likes / 9),
            impression_count: Some(
                likes * 37 + u64::from(p.replies) * 55 + rng.below(240) as u64 + 11,
            ),
        }
    };
    let in_reply_to_user_id = (p.kind == Kind::Reply).then(|| {
        world.accts[world.posts[p.target as usize].author as usize]
            .id
            .clone()
    });
    let referenced_tweets = if p.target == NONE {
        Vec::new()
    } else {
        vec![ReferencedTweet {
            kind: match p.kind {
                Kind::Reply => ReferenceType::RepliedTo,
                Kind::Quote => ReferenceType::Quoted,
                _ => ReferenceType::Retweeted,
            },
            id: world.id(p.target).to_string(),
        }]
    };
    let topic = &TOPICS[p.topic as usize];
    // The API annotates posts about known entities; one annotation per topical post.
    let context_annotations = if p.kind != Kind::Repost
        && text
            .tags
            .iter()
            .any(|t| t.2.eq_ignore_ascii_case(topic.tag))
    {
        vec![ContextAnnotation {
            domain: ContextEntity {
                id: Some("131".to_owned()),
                name: Some("Unified Twitter Taxonomy".to_owned()),
                ..ContextEntity::default()
            },
            entity: ContextEntity {
                id: Some((848_920_371_311_001_600 + u64::from(p.topic) * 7_919).to_string()),
                name: Some(topic.label.to_owned()),
                ..ContextEntity::default()
            },
        }]
    } else {
        Vec::new()
    };
    Tweet {
        id,
        text: text.text.clone(),
        author_id: Some(author.id.clone()),
        conversation_id: Some(world.id(p.root).to_string()),
        created_at: Some(time(p.t)),
        lang: Some(p.lang.code().to_owned()),
        possibly_sensitive: Some(false),
        reply_settings: Some("everyone".to_owned()),
        edit_history_tweet_ids: edit_history,
        public_metrics: Some(metrics),
        in_reply_to_user_id,
        referenced_tweets,
        context_annotations,
        entities: entities(world, text),
        note_tweet: p.long.then(|| NoteTweet {
            text: Some(full.text.clone()),
            entities: entities(world, full),
        }),
        ..Tweet::default()
    }
}

pub(crate) fn user(world: &World, cfg: &SampleConfig, a: u32) -> User {
    let acct = &world.accts[a as usize];
    let bio = render_bio(world, &cfg.org.name, &cfg.org.display_name, a);
    let mut rng = Rng::derive(world.seed ^ 0x05E, acct.seed);
    let location = if rng.chance(0.6) {
        *rng.pick(super::vocab::CITIES)
    } else {
        ""
    };
    let followers = if acct.role.is_org() {
        20_000 + rng.below(60_000) as u64
    } else {
        (acct.weight.powf(1.3) * 30.0 * (0.2 + rng.exp(1.0))) as u64
    };
    let metrics = UserPublicMetrics {
        followers_count: Some(followers),
        following_count: Some(20 + rng.below(900) as u64),
        tweet_count: Some(u64::from(acct.posts) * 4 + rng.below(500) as u64),
        listed_count: Some(followers / 60),
        like_count: Some(rng.below(20_000) as u64),
    };
    let entities = if bio.tags.is_empty() {
        None
    } else {
        entities(world, &bio).map(|e| json!({ "description": e }))
    };
    User {
        id: acct.id.clone(),
        username: Some(acct.handle.clone()),
        name: Some(acct.name.clone()),
        created_at: Some(time(acct.created_ms)),
        description: Some(bio.text),
        location: Some(location.to_owned()),
        protected: Some(false),
        verified: Some(false),
        public_metrics: Some(metrics),
        entities,
        ..User::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_like_python_json_dumps() {
        // Python: json.dumps("a\"b\\\n é🦀") == '"a\\"b\\\\\\n \\u00e9\\ud83e\\udd80"'
        let mut o = Vec::new();
        write_json(&mut o, &"a\"b\\\n é🦀", true);
        assert_eq!(
            std::str::from_utf8(&o).unwrap(),
            r#""a\"b\\\n \u00e9\ud83e\udd80""#
        );
        let mut raw = Vec::new();
        write_json(&mut raw, &"é🦀", false);
        assert_eq!(std::str::from_utf8(&raw).unwrap(), "\"é🦀\"");
    }

    #[test]
    fn twarc_times_are_python_isoformat() {
        assert_eq!(iso_seconds(1_777_593_600_000), "2026-05-01T00:00:00+00:00");
    }
}
