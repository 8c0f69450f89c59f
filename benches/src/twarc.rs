//! The second benchmark corpus shape: a twarc2 search dump as a new user brings one (issue 13).
//!
//! Unlike the sample corpus (`rapport_sample`, written through rapport's own wire models), this is
//! written here, field by field, the way `twarc2 search` saves what the API returns with every
//! expansion and field requested: pages of 100 tweets, `includes.users` for every author and
//! mentioned account, `includes.tweets` for the referenced tweets, `__twarc` metadata, multilingual
//! text (English, Spanish, Japanese, emoji) escaped the way Python's `json.dumps` writes it
//! (`ensure_ascii`: every non-ASCII character as `\uXXXX`, emoji as surrogate pairs), and every field
//! rapport ignores: `public_metrics` with bookmark and impression counts, `edit_history_tweet_ids`,
//! `context_annotations`, `entities.urls` with `expanded_url` and `display_url`, `entities.annotations`,
//! `reply_settings`, `possibly_sensitive`, `note_tweet`, and the users' profile fields. Measured: about
//! 2.7 KB per post at 2,000 posts, heavier than the 1.4 KB of the dump in issue 13 (fewer fields or
//! fewer included users per page would bring it down; not tuned yet).
//! Deterministic from the seed.
//!
//! Every referenced tweet is an earlier tweet of the dump, so the file holds exactly
//! [`TwarcConfig::posts`] distinct posts (the included copies are duplicates, which a later copy
//! replaces), and [`TwarcTruth::accounts`] distinct accounts.

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{self, Write};
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct TwarcConfig {
    /// Distinct posts (the `data` tweets; pages of 100).
    pub posts: usize,
    /// The seed: the same seed and size give the same bytes.
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct TwarcTruth {
    /// Distinct posts.
    pub posts: usize,
    /// Pages (lines).
    pub pages: usize,
    /// Distinct accounts (authors and mentioned accounts).
    pub accounts: usize,
    /// Bytes written.
    pub bytes: u64,
}

/// splitmix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    /// A skewed pick in `0..n`: a few accounts write most of the posts, as on the real platform.
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * u) * n as f64) as usize % n
    }
}

const FIRST: &[&str] = &[
    "Ana",
    "Lucía",
    "José",
    "María",
    "Pablo",
    "Carmen",
    "Ken",
    "Yuki",
    "Haruto",
    "さくら",
    "翔太",
    "Emma",
    "Liam",
    "Olivia",
    "Noah",
    "Zoë",
    "Björn",
    "Chloé",
    "Mateo",
    "Sofía",
];
const LAST: &[&str] = &[
    "García",
    "Martínez",
    "López",
    "Sánchez",
    "Pérez",
    "Tanaka",
    "Suzuki",
    "佐藤",
    "高橋",
    "Smith",
    "Johnson",
    "Müller",
    "Dubois",
    "Rossi",
    "Kowalski",
    "Nguyen",
];
const ROLES: &[&str] = &[
    "Ingeniera de software 👩‍💻 | Rust y Python",
    "ソフトウェアエンジニア。Rustが好き🦀",
    "Backend engineer. Distributed systems, coffee ☕ and bad puns.",
    "Data scientist · ML en producción · opiniones propias",
    "Tech recruiter @ a startup. DMs open for 🚀 roles",
    "フロントエンド開発者 / TypeScript / 東京",
    "Staff engineer, OSS maintainer, speaker. She/her 🌈",
    "Desarrollador full-stack en Madrid 🇪🇸 | #hrtech",
];
const PLACES: &[&str] = &[
    "Madrid, España",
    "Ciudad de México",
    "東京都",
    "大阪",
    "Buenos Aires",
    "Berlin",
    "London, UK",
    "San Francisco, CA",
    "Remote 🌍",
];
const TAGS: &[&str] = &[
    "rustlang",
    "python",
    "hrtech",
    "empleo",
    "remoto",
    "プログラミング",
    "求人",
    "MachineLearning",
    "devops",
    "opensource",
    "TypeScript",
    "DataScience",
];
const SENTENCES: &[&str] = &[
    "Just shipped a new release of our parser, 3x faster than last week 🚀",
    "¿Alguien tiene experiencia migrando de Python a Rust en producción? Me interesa saber cómo os fue.",
    "今日はRustの非同期処理について勉強しました。難しいけど楽しい！🦀",
    "Estamos contratando: buscamos ingenieras e ingenieros backend con ganas de aprender 💼",
    "Hot take: most performance problems are allocation problems in disguise.",
    "新しいプロジェクトでTypeScriptとPythonを使っています。チームは最高です😊",
    "Gran charla hoy sobre observabilidad y trazas distribuidas, ¡gracias a todos los que vinieron! 🙌",
    "Reading the borrow checker errors slowly is the fastest way to learn Rust.",
    "リモートワーク3年目。集中できる環境づくりが大切ですね☕",
    "Our team is growing! Looking for a data engineer who loves SQL and clean pipelines 📊",
    "Pequeño truco: perfila antes de optimizar. Siempre. Sin excepciones. 🔥",
    "コードレビューで学ぶことが一番多い気がする。",
];
const DOMAINS: &[(&str, &str, &str)] = &[
    (
        "46",
        "Business Taxonomy",
        "Categories within Brand Verticals that narrow down the scope of Brands",
    ),
    ("47", "Brand", "Brands and Companies"),
    (
        "66",
        "Interests and Hobbies Category",
        "A grouping of interests and hobbies entities, like Novelty Food or Destinations",
    ),
    (
        "131",
        "Unified Twitter Taxonomy",
        "A taxonomy of user interests.",
    ),
    ("165", "Technology", "Technology and computing"),
];
const ENTITIES: &[(&str, &str)] = &[
    ("848920371311001600", "Technology"),
    ("1004117538315833344", "Programming languages"),
    ("1027953391237349376", "Software development"),
    ("1280535694290587648", "Careers"),
    ("898673391980261376", "Web development"),
    ("1039251484234498048", "Data science"),
];
const SETTINGS: &[&str] = &[
    "everyone",
    "everyone",
    "everyone",
    "mentionedUsers",
    "following",
];
const APPS: &[&str] = &[
    "Twitter Web App",
    "Twitter for iPhone",
    "Twitter for Android",
];

/// One simulated account.
struct Account {
    id: String,
    username: String,
    name: String,
    description: String,
    location: &'static str,
    created_ms: i64,
    followers: u64,
}

/// An earlier tweet that later ones can reply to, quote or retweet.
struct Earlier {
    id: String,
    author: usize,
    conversation: String,
    json: Value,
}

/// 2025-01-01T00:00:00Z.
const START_MS: i64 = 1_735_689_600_000;
const TWITTER_EPOCH_MS: i64 = 1_288_834_974_657;

fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

fn snowflake(ms: i64, seq: u64) -> String {
    ((((ms - TWITTER_EPOCH_MS) as u64) << 22) | (seq & 0x3F_FFFF)).to_string()
}

/// Writes strings the way Python's `json.dumps` does by default: non-ASCII as `\uXXXX` escapes.
struct AsciiFormatter;

impl serde_json::ser::Formatter for AsciiFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if c.is_ascii() {
                continue;
            }
            w.write_all(&fragment.as_bytes()[start..i])?;
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                write!(w, "\\u{u:04x}")?;
            }
            start = i + c.len_utf8();
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
}

/// Writes the corpus to `path` (see the module docs).
pub fn write_twarc_file(cfg: &TwarcConfig, path: &Path) -> io::Result<TwarcTruth> {
    let f = std::fs::File::create(path)?;
    let mut w = io::BufWriter::with_capacity(1 << 20, f);
    let truth = write_twarc(cfg, &mut w)?;
    w.flush()?;
    Ok(truth)
}

/// Writes the corpus to `w` (see the module docs).
pub fn write_twarc(cfg: &TwarcConfig, w: &mut impl Write) -> io::Result<TwarcTruth> {
    let mut rng = Rng(cfg.seed ^ 0x7477_6172_6332);
    let n_accounts = (cfg.posts / 12).clamp(60, 200_000);
    let accounts: Vec<Account> = (0..n_accounts)
        .map(|i| {
            let first = *rng.pick(FIRST);
            let last = *rng.pick(LAST);
            let handle: String = first
                .chars()
                .chain(last.chars())
                .filter(char::is_ascii_alphanumeric)
                .collect();
            Account {
                id: (1_000_000_000 + i as u64 * 7919).to_string(),
                username: format!("{}_{i}", if handle.is_empty() { "user" } else { &handle }),
                name: format!("{first} {last}"),
                description: format!("{} {}", rng.pick(ROLES), rng.pick(PLACES)),
                location: PLACES[rng.below(PLACES.len())],
                created_ms: START_MS - 86_400_000 * (30 + rng.below(4000) as i64),
                followers: (rng.next() % 50_000) + rng.below(20) as u64,
            }
        })
        .collect();
    let mut used = vec![false; n_accounts];
    let mut ring: VecDeque<Earlier> = VecDeque::with_capacity(2048);
    let mut written = 0u64;
    let mut pages = 0;
    let mut done = 0;
    let mut ms = START_MS;
    while done < cfg.posts {
        let n = (cfg.posts - done).min(100);
        let mut data = Vec::with_capacity(n);
        let mut inc_tweets: Vec<Value> = Vec::new();
        let mut inc_users: Vec<usize> = Vec::new();
        for _ in 0..n {
            ms += 200 + rng.below(1500) as i64;
            let id = snowflake(ms, done as u64);
            let author = rng.skewed(n_accounts);
            inc_users.push(author);
            let roll = rng.below(100);
            let target = if ring.is_empty() {
                None
            } else {
                Some(ring.len() - 1 - rng.skewed(ring.len()))
            };
            let (kind, target) = match (roll, target) {
                (0..55, _) | (_, None) => ("original", None),
                (55..80, Some(t)) => ("replied_to", Some(t)),
                (80..90, Some(t)) => ("quoted", Some(t)),
                (_, Some(t)) => ("retweeted", Some(t)),
            };
            let mut mentioned: Vec<usize> = Vec::new();
            let mut text = String::new();
            let (conversation, referenced, reply_user) = match target {
                Some(t) => {
                    let e = &ring[t];
                    inc_tweets.push(e.json.clone());
                    inc_users.push(e.author);
                    let conv = if kind == "replied_to" {
                        e.conversation.clone()
                    } else {
                        id.clone()
                    };
                    if kind != "quoted" {
                        mentioned.push(e.author);
                    }
                    let ru = (kind == "replied_to").then(|| accounts[e.author].id.clone());
                    (conv, vec![json!({"type": kind, "id": e.id})], ru)
                }
                None => (id.clone(), Vec::new(), None),
            };
            for _ in 0..rng.below(3) {
                mentioned.push(rng.below(n_accounts));
            }
            mentioned.dedup();
            let mut mentions = Vec::new();
            let mut hashtags = Vec::new();
            let mut urls = Vec::new();
            let mut annotations = Vec::new();
            let cp = |s: &str| s.chars().count();
            if kind == "retweeted" {
                text.push_str("RT ");
            }
            for &m in &mentioned {
                let h = &accounts[m].username;
                let start = cp(&text);
                text.push('@');
                text.push_str(h);
                mentions.push(json!({"start": start, "end": start + 1 + cp(h),
                    "username": h, "id": accounts[m].id}));
                text.push_str(if kind == "retweeted" { ": " } else { " " });
                inc_users.push(m);
            }
            let s1 = *rng.pick(SENTENCES);
            let s2 = *rng.pick(SENTENCES);
            text.push_str(s1);
            text.push(' ');
            if rng.below(3) == 0 {
                let start = cp(&text);
                let name = accounts[author].name.as_str();
                text.push_str(name);
                annotations.push(json!({"start": start, "end": start + cp(name) - 1,
                    "probability": 0.5 + (rng.below(500) as f64) / 1000.0, "type": "Person",
                    "normalized_text": name}));
                text.push(' ');
            }
            for _ in 0..=rng.below(3) {
                let tag = *rng.pick(TAGS);
                let start = cp(&text);
                text.push('#');
                text.push_str(tag);
                text.push(' ');
                hashtags.push(json!({"start": start, "end": start + 1 + cp(tag), "tag": tag}));
            }
            if kind == "quoted" || rng.below(3) == 0 {
                let start = cp(&text);
                let code: String = (0..10)
                    .map(|_| char::from(*rng.pick(b"abcdefghijkLMNOPQRS0123456789")))
                    .collect();
                let tco = format!("https://t.co/{code}");
                let expanded = match (kind, target) {
                    ("quoted", Some(t)) => format!(
                        "https://twitter.com/{}/status/{}",
                        accounts[ring[t].author].username, ring[t].id
                    ),
                    _ => format!("https://blog.example.com/{}/posts/{code}", rng.below(1000)),
                };
                let display: String = expanded
                    .trim_start_matches("https://")
                    .chars()
                    .take(24)
                    .chain("…".chars())
                    .collect();
                text.push_str(&tco);
                urls.push(json!({"start": start, "end": start + cp(&tco), "url": tco,
                    "expanded_url": expanded, "display_url": display}));
            }
            let long = rng.below(20) == 0;
            let full = if long {
                format!("{text}\n\n{s2} {s1} {s2}")
            } else {
                String::new()
            };
            let mut entities = json!({"mentions": mentions, "hashtags": hashtags});
            if !urls.is_empty() {
                entities["urls"] = Value::Array(urls);
            }
            if !annotations.is_empty() {
                entities["annotations"] = Value::Array(annotations);
            }
            let shown = if long {
                let t: String = full.chars().take(270).collect();
                format!("{t}…")
            } else {
                text.clone()
            };
            let lang = if s1.is_ascii() {
                "en"
            } else if s1.chars().any(|c| ('\u{3040}'..='\u{9fff}').contains(&c)) {
                "ja"
            } else {
                "es"
            };
            let mut t = json!({
                "id": id,
                "text": shown,
                "author_id": accounts[author].id,
                "created_at": iso(ms),
                "conversation_id": conversation,
                "lang": lang,
                "source": rng.pick(APPS),
                "possibly_sensitive": rng.below(50) == 0,
                "reply_settings": rng.pick(SETTINGS),
                "edit_history_tweet_ids": [id],
                "edit_controls": {"edits_remaining": 5, "is_edit_eligible": kind == "original",
                    "editable_until": iso(ms + 3_600_000)},
                "public_metrics": {"retweet_count": rng.below(40), "reply_count": rng.below(20),
                    "like_count": rng.below(400), "quote_count": rng.below(5),
                    "bookmark_count": rng.below(30), "impression_count": rng.below(40_000)},
                "entities": entities,
                "context_annotations": (0..=rng.below(3)).map(|_| {
                    let d = rng.pick(DOMAINS);
                    let e = rng.pick(ENTITIES);
                    json!({"domain": {"id": d.0, "name": d.1, "description": d.2},
                           "entity": {"id": e.0, "name": e.1}})
                }).collect::<Vec<_>>(),
            });
            if !referenced.is_empty() {
                t["referenced_tweets"] = Value::Array(referenced);
            }
            if let Some(u) = reply_user {
                t["in_reply_to_user_id"] = Value::String(u);
            }
            if long {
                t["note_tweet"] = json!({"text": full, "entities": t["entities"].clone()});
            }
            if kind != "retweeted" {
                if ring.len() == ring.capacity() {
                    ring.pop_front();
                }
                ring.push_back(Earlier {
                    id: id.clone(),
                    author,
                    conversation: t["conversation_id"].as_str().unwrap_or("").to_owned(),
                    json: t.clone(),
                });
            }
            data.push(t);
            done += 1;
        }
        inc_users.sort_unstable();
        inc_users.dedup();
        let users: Vec<Value> = inc_users
            .iter()
            .map(|&u| {
                used[u] = true;
                let a = &accounts[u];
                json!({
                    "id": a.id, "name": a.name, "username": a.username,
                    "created_at": iso(a.created_ms), "description": a.description,
                    "location": a.location, "protected": false, "verified": false,
                    "verified_type": "none",
                    "url": "",
                    "profile_image_url": format!("https://pbs.twimg.com/profile_images/{}/x_normal.jpg", a.id),
                    "public_metrics": {"followers_count": a.followers, "following_count": a.followers / 3 + 12,
                        "tweet_count": a.followers * 2 + 40, "listed_count": a.followers / 100,
                        "like_count": a.followers * 3}
                })
            })
            .collect();
        let newest = data.last().map(|t| t["id"].clone()).unwrap_or_default();
        let oldest = data.first().map(|t| t["id"].clone()).unwrap_or_default();
        // The page's keys in the order twarc2 writes them (the API's order, then `__twarc` appended
        // last); the objects inside are written with sorted keys.
        let parts = [
            ("data", json!(data)),
            ("includes", json!({"users": users, "tweets": inc_tweets})),
            (
                "meta",
                json!({"newest_id": newest, "oldest_id": oldest, "result_count": n,
                     "next_token": format!("b26v89c19zqg8o3f{pages:08x}")}),
            ),
            (
                "__twarc",
                json!({"url": "https://api.twitter.com/2/tweets/search/all?expansions=author_id%2Centities.mentions.username%2Creferenced_tweets.id&max_results=100",
                        "version": "2.14.0", "retrieved_at": iso(ms + 60_000)}),
            ),
        ];
        let mut line = Vec::with_capacity(200_000);
        for (i, (key, value)) in parts.iter().enumerate() {
            line.extend_from_slice(if i == 0 { b"{\"" } else { b",\"" });
            line.extend_from_slice(key.as_bytes());
            line.extend_from_slice(b"\":");
            value
                .serialize(&mut serde_json::Serializer::with_formatter(
                    &mut line,
                    AsciiFormatter,
                ))
                .map_err(io::Error::other)?;
        }
        line.push(b'}');
        line.push(b'\n');
        w.write_all(&line)?;
        written += line.len() as u64;
        pages += 1;
    }
    Ok(TwarcTruth {
        posts: cfg.posts,
        pages,
        accounts: used.iter().filter(|&&u| u).count(),
        bytes: written,
    })
}

use serde::Serialize as _;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes_and_python_style_escapes() {
        let cfg = TwarcConfig {
            posts: 250,
            seed: 3,
        };
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let ta = write_twarc(&cfg, &mut a).unwrap();
        write_twarc(&cfg, &mut b).unwrap();
        assert_eq!(a, b);
        assert_eq!((ta.posts, ta.pages), (250, 3));
        assert!(a.is_ascii(), "non-ASCII must be escaped as json.dumps does");
        let text = String::from_utf8(a).unwrap();
        // A Japanese character and an emoji as a surrogate pair.
        assert!(text.contains("\\u") && text.contains("\\ud83d"));
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            assert!(v["data"].as_array().unwrap().len() <= 100);
            assert!(v["includes"]["users"].as_array().unwrap().len() > 1);
        }
    }
}
