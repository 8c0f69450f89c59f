//! A deterministic sample corpus: realistic twarc2 JSONL from a simulated world.
//!
//! rapport's quickstart, tests and benchmarks need X data with the shape of a real collection —
//! pages that overlap, referenced posts missing from `includes` with matching partial errors,
//! reply trees ten deep, emoji and non-English text whose entity offsets are code points — and they
//! need to know the right answers. Real collections cannot be shipped, and no real collection says
//! who the mentors are. So this module simulates one:
//!
//! - an **organisation** (`acme` by default) with careers, engineering and people accounts
//!   broadcasting job posts (`#hiring #jobs #nowhiring` and skill tags; most get no answer) and tech
//!   talk;
//! - a **population** of people (about four thousand per million posts) with heavy-tailed activity
//!   and interests drawn from real tech and HR hashtags with Zipf-like popularity, who post on their
//!   topics, ask questions, answer each other, debate down long reply chains, quote and repost;
//! - **mentors** per topic who answer most of the topic's questions;
//! - people in **two-way conversation** with the organisation (replies both ways, repeated over weeks
//!   for the engaged ones, who also amplify the organisation's posts), and others the organisation
//!   only notices (shout-outs) or who only speak to it (questions it never answers);
//! - a few posts with **sensitive hashtags** (health, religion, politics), deleted posts that others
//!   replied to or reposted, long posts with `note_tweet`, edited posts.
//!
//! The generator is deterministic by seed: it uses its own small PRNG (SplitMix64 and xoshiro256**),
//! never a crate's, so the world a seed makes never changes with a dependency update. The pages are
//! rapport-twitter's wire models ([`rapport_twitter::models::TweetsResponse`]) written by their
//! `Serialize`, so the sample has exactly the shape the importers read. What it planted
//! comes back as a [`SampleTruth`], so an analysis can be checked against it.
//!
//! ```
//! use rapport_sample::{SampleConfig, sample_jsonl_string};
//!
//! let config = SampleConfig { posts: 500, ..SampleConfig::default() };
//! let jsonl = sample_jsonl_string(&config).unwrap();
//! let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
//! assert_eq!(first["meta"]["result_count"], 100);
//! assert!(first["__twarc"]["url"].as_str().unwrap().contains("/2/tweets/search/all"));
//! // Same seed, same bytes.
//! assert_eq!(jsonl, sample_jsonl_string(&config).unwrap());
//! ```

pub mod bluesky;
mod follows;
mod json;
mod render;
mod rng;
mod vocab;
mod world;

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

use world::{Kind, World};

/// The organisation the sample simulates: its name (used in link domains) and its three accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgConfig {
    /// Short lower-case name, used in the organisation's link domains (`careers.<name>.example`).
    pub name: String,
    /// The name written in posts and display names.
    pub display_name: String,
    /// The careers account's handle (job posts).
    pub careers: String,
    /// The engineering account's handle (tech talk, shout-outs).
    pub engineering: String,
    /// The people/HR account's handle (HR talk, people roles).
    pub people: String,
}

impl OrgConfig {
    /// An organisation called `name`, with the handles `<name>_careers`, `<name>_eng` and
    /// `<name>_people`.
    ///
    /// ```
    /// let org = rapport_sample::OrgConfig::named("globex");
    /// assert_eq!(org.handles(), ["globex_careers", "globex_eng", "globex_people"]);
    /// assert_eq!(org.display_name, "Globex");
    /// ```
    pub fn named(name: &str) -> OrgConfig {
        let name = name.trim().to_lowercase();
        let mut display = name.clone();
        if let Some(first) = display.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        OrgConfig {
            careers: format!("{name}_careers"),
            engineering: format!("{name}_eng"),
            people: format!("{name}_people"),
            display_name: display,
            name,
        }
    }

    /// The three handles: careers, engineering, people.
    pub fn handles(&self) -> [&str; 3] {
        [&self.careers, &self.engineering, &self.people]
    }
}

impl Default for OrgConfig {
    fn default() -> Self {
        OrgConfig::named("acme")
    }
}

/// The knobs of the sample corpus. Every field has a sensible default (20 000 posts, seed 7,
/// organisation `acme`, 180 days from 2026-05-01, pages of 100).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleConfig {
    /// Distinct posts written (1 to 2 000 000). Deleted posts that others reference come on top
    /// and are never written.
    pub posts: usize,
    /// The seed: the same seed and config give the same bytes.
    pub seed: u64,
    /// The organisation.
    pub org: OrgConfig,
    /// Start of the collection window.
    pub start: DateTime<Utc>,
    /// Length of the window in days (at least 1); it ends at `start + days`.
    pub days: u32,
    /// Posts per page (line), 1 to 500 (full-archive search allows up to 500; 100 is usual).
    pub page_size: usize,
    /// Number of people; `None` means about four thousand per million posts (at least 60).
    pub people: Option<usize>,
    /// Every this many pages, the next page repeats the last two posts (0 = no overlaps).
    pub overlap_every: usize,
    /// Escape non-ASCII as `\uXXXX` like Python's `json.dumps` (twarc's output); `false` writes UTF-8.
    pub ascii_escape: bool,
}

impl Default for SampleConfig {
    fn default() -> Self {
        SampleConfig {
            posts: 20_000,
            seed: 7,
            org: OrgConfig::default(),
            start: Utc
                .with_ymd_and_hms(2026, 5, 1, 0, 0, 0)
                .single()
                .expect("valid date"),
            days: 180,
            page_size: 100,
            people: None,
            overlap_every: 50,
            ascii_escape: true,
        }
    }
}

impl SampleConfig {
    /// The default configuration with `posts` posts and the given seed.
    pub fn new(posts: usize, seed: u64) -> SampleConfig {
        SampleConfig {
            posts,
            seed,
            ..SampleConfig::default()
        }
    }

    /// The end of the collection window.
    pub fn end(&self) -> DateTime<Utc> {
        self.start + chrono::Duration::days(i64::from(self.days))
    }

    /// The number of people simulated.
    pub fn num_people(&self) -> usize {
        self.people.unwrap_or(self.posts / 100).max(150)
    }

    fn validate(&self) -> io::Result<()> {
        let bad = |msg: String| Err(io::Error::new(io::ErrorKind::InvalidInput, msg));
        if self.posts == 0 || self.posts > world::MAX_POSTS {
            return bad(format!(
                "sample posts must be between 1 and {}, got {}",
                world::MAX_POSTS,
                self.posts
            ));
        }
        if self.days == 0 || self.days > 3650 {
            return bad(format!(
                "sample days must be between 1 and 3650, got {}",
                self.days
            ));
        }
        if self.page_size == 0 || self.page_size > 500 {
            return bad(format!(
                "sample page_size must be between 1 and 500, got {}",
                self.page_size
            ));
        }
        if self.people.is_some_and(|p| p > 1_000_000) {
            return bad("sample people must be at most 1 000 000".to_owned());
        }
        if self.start.timestamp_millis() < 1_300_000_000_000
            || self.end().timestamp_millis() > 4_000_000_000_000
        {
            return bad(format!(
                "sample window {} + {} days is outside 2011..2096",
                self.start, self.days
            ));
        }
        for h in self.org.handles() {
            if h.is_empty()
                || h.len() > 15
                || !h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return bad(format!(
                    "organisation handle {h:?} is not a valid X handle (1-15 of A-Z a-z 0-9 _)"
                ));
            }
        }
        Ok(())
    }
}

/// What the generator planted, for checking analyses against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleTruth {
    /// The organisation's handles: careers, engineering, people.
    pub org_handles: Vec<String>,
    /// The organisation's account ids, in the same order.
    pub org_ids: Vec<String>,
    /// Mentors per topic: normalised hashtag → handles of the people who answer its questions.
    pub mentors: BTreeMap<String, Vec<String>>,
    /// Everyone in a two-way conversation with the organisation (they replied to it and it replied
    /// to them in the same conversation). Nobody else ever gets a reply from the organisation.
    pub two_way: Vec<String>,
    /// The subset of `two_way` with repeated exchanges in the last weeks who also reposted the
    /// organisation's posts (the funnel's "engaged" stage).
    pub engaged: Vec<String>,
    /// Distinct posts written.
    pub posts: usize,
    /// Lines (pages) of posts written.
    pub pages: usize,
    /// Lines of follow pages written after them (twarc2 `followers`/`following` pages).
    pub follow_pages: usize,
    /// Follow snapshots in those pages: one per organisation account, direction and reading.
    pub follow_snapshots: usize,
    /// Who followed an organisation account back after a snapshot had shown it following them
    /// (the `followed_back` events a reader of the snapshots must find), sorted.
    pub followed_back: Vec<String>,
    /// Extra copies of posts written on two pages (posts + duplicates = tweets in `data`).
    pub duplicates: usize,
    /// Written posts by kind: original, reply, quote, repost.
    pub by_kind: BTreeMap<String, usize>,
    /// Distinct authors of written posts.
    pub authors: usize,
    /// Distinct accounts appearing anywhere: authors, mentioned, replied to (all in `includes.users`),
    /// and in the follow snapshots.
    pub accounts: usize,
    /// Distinct conversation ids among written posts.
    pub conversations: usize,
    /// Reply-tree depth (deepest written post; a root is depth 0) → number of conversations.
    pub depth_histogram: BTreeMap<usize, usize>,
    /// Deleted posts that written posts reply to (placeholders in reply trees).
    pub missing_reply_parents: usize,
    /// Ids of deleted posts referenced by written posts; each appears in some page's `errors`.
    pub deleted_referenced: Vec<String>,
    /// The organisation's original posts and quotes.
    pub org_posts: usize,
    /// Of those, the ones with a direct reply from another account.
    pub org_posts_answered: usize,
    /// Posts carrying a sensitive hashtag.
    pub sensitive_posts: usize,
    /// The sensitive hashtags used (normalised).
    pub sensitive_hashtags: Vec<String>,
    /// Time of the oldest and the newest written post.
    pub oldest: DateTime<Utc>,
    /// See `oldest`.
    pub newest: DateTime<Utc>,
}

/// A generated sample: the simulated world, ready to be written as often as needed.
#[derive(Debug)]
pub struct Sample {
    config: SampleConfig,
    world: World,
    plan: json::Plan,
    follows: follows::Follows,
}

/// Sizes of one written copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WriteStats {
    /// Lines written.
    pub lines: usize,
    /// Bytes written.
    pub bytes: u64,
}

impl Sample {
    /// Simulates the world of `config`. Fails only on an invalid configuration.
    pub fn generate(config: &SampleConfig) -> io::Result<Sample> {
        config.validate()?;
        let world = world::simulate(config);
        let plan = json::plan(&world, config);
        let follows = follows::Follows::simulate(&world, config, &plan);
        Ok(Sample {
            config: config.clone(),
            world,
            plan,
            follows,
        })
    }

    /// The configuration it was generated from.
    pub fn config(&self) -> &SampleConfig {
        &self.config
    }

    /// Writes the twarc2 JSONL, one page per line, newest posts first.
    pub fn write_jsonl(&self, mut out: impl Write) -> io::Result<WriteStats> {
        let mut writer = json::Writer::new(&self.world, &self.config);
        let mut buf = Vec::with_capacity(1 << 20);
        let mut bytes = 0u64;
        for k in 0..self.plan.pages.len() {
            buf.clear();
            writer.write_page(&mut buf, &self.plan, k);
            out.write_all(&buf)?;
            bytes += buf.len() as u64;
        }
        let (follow_lines, follow_bytes) =
            self.follows.write(&self.world, &self.config, &mut out)?;
        out.flush()?;
        Ok(WriteStats {
            lines: self.plan.pages.len() + follow_lines,
            bytes: bytes + follow_bytes,
        })
    }

    /// What was planted, and the counts a correct importer must find.
    pub fn truth(&self) -> SampleTruth {
        let w = &self.world;
        let org: Vec<u32> = (0..w.accts.len() as u32)
            .filter(|&a| w.accts[a as usize].role.is_org())
            .collect();
        let handle = |a: u32| w.accts[a as usize].handle.clone();
        let mut by_kind: BTreeMap<String, usize> = ["original", "reply", "quote", "repost"]
            .iter()
            .map(|k| ((*k).to_owned(), 0))
            .collect();
        let mut authors = vec![false; w.accts.len()];
        let mut seen = vec![false; w.accts.len()];
        let mut conv_depth: BTreeMap<u32, usize> = BTreeMap::new();
        let mut missing_parents = HashSet::new();
        let mut deleted = Vec::new();
        let mut deleted_seen = HashSet::new();
        let mut answered = HashSet::new();
        let mut org_posts = 0;
        let mut sensitive = 0;
        let (mut oldest, mut newest) = (i64::MAX, i64::MIN);
        for p in &w.posts {
            if p.ghost {
                continue;
            }
            let kind = match p.kind {
                Kind::Original => "original",
                Kind::Reply => "reply",
                Kind::Quote => "quote",
                Kind::Repost => "repost",
            };
            *by_kind.get_mut(kind).expect("known kind") += 1;
            authors[p.author as usize] = true;
            seen[p.author as usize] = true;
            if p.mention != world::NONE {
                seen[p.mention as usize] = true;
            }
            if p.target != world::NONE {
                let t = &w.posts[p.target as usize];
                // The replied-to, quoted or reposted author is mentioned or replied to.
                seen[t.author as usize] = true;
                if t.ghost && deleted_seen.insert(p.target) {
                    deleted.push(w.id(p.target).to_string());
                }
                if p.kind == Kind::Reply {
                    if t.ghost {
                        missing_parents.insert(p.target);
                    }
                    let org_target = w.accts[t.author as usize].role.is_org();
                    if org_target
                        && !w.accts[p.author as usize].role.is_org()
                        && matches!(t.kind, Kind::Original | Kind::Quote)
                    {
                        answered.insert(p.target);
                    }
                }
            }
            if w.accts[p.author as usize].role.is_org()
                && matches!(p.kind, Kind::Original | Kind::Quote)
            {
                org_posts += 1;
            }
            if p.flavor == world::Flavor::Sensitive {
                sensitive += 1;
            }
            let d = conv_depth.entry(p.root).or_insert(0);
            *d = (*d).max(usize::from(p.depth));
            oldest = oldest.min(p.t);
            newest = newest.max(p.t);
        }
        let mut depth_histogram = BTreeMap::new();
        for d in conv_depth.values() {
            *depth_histogram.entry(*d).or_insert(0) += 1;
        }
        let at = |ms: i64| DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
        SampleTruth {
            org_handles: org.iter().map(|&a| handle(a)).collect(),
            org_ids: org
                .iter()
                .map(|&a| w.accts[a as usize].id.clone())
                .collect(),
            mentors: w
                .mentors
                .iter()
                .map(|(t, ms)| {
                    (
                        vocab::TOPICS[*t as usize].tag.to_owned(),
                        ms.iter().map(|&a| handle(a)).collect(),
                    )
                })
                .collect(),
            two_way: w.two_way.iter().map(|&a| handle(a)).collect(),
            engaged: w.engaged.iter().map(|&a| handle(a)).collect(),
            posts: self.plan.order.len(),
            pages: self.plan.pages.len(),
            follow_pages: self.follows.pages(&self.world),
            follow_snapshots: self.follows.snapshots(&self.world),
            followed_back: self.follows.followed_back(&self.world),
            duplicates: self.plan.duplicates,
            by_kind,
            authors: authors.iter().filter(|&&b| b).count(),
            accounts: {
                for a in self.follows.accounts() {
                    seen[a as usize] = true;
                }
                seen.iter().filter(|&&b| b).count()
            },
            conversations: conv_depth.len(),
            depth_histogram,
            missing_reply_parents: missing_parents.len(),
            deleted_referenced: deleted,
            org_posts,
            org_posts_answered: answered.len(),
            sensitive_posts: sensitive,
            sensitive_hashtags: vocab::SENSITIVE_TAGS
                .iter()
                .map(|t| t.to_lowercase())
                .collect(),
            oldest: at(oldest),
            newest: at(newest),
        }
    }
}

/// Writes the sample corpus of `config` as twarc2 JSONL to `out` and returns its ground truth.
///
/// ```
/// use rapport_sample::{SampleConfig, write_sample_jsonl};
///
/// let mut buf = Vec::new();
/// let truth = write_sample_jsonl(&SampleConfig::new(1_000, 1), &mut buf).unwrap();
/// assert_eq!(truth.posts, 1_000);
/// assert_eq!(truth.org_handles, ["acme_careers", "acme_eng", "acme_people"]);
/// // One line per page: ten pages of 100, plus none repeated at this size (overlaps every 50 pages),
/// // then the pages of the follow snapshots.
/// assert_eq!(truth.pages, 10);
/// assert_eq!(buf.iter().filter(|&&b| b == b'\n').count(), truth.pages + truth.follow_pages);
/// ```
pub fn write_sample_jsonl(config: &SampleConfig, out: impl Write) -> io::Result<SampleTruth> {
    let sample = Sample::generate(config)?;
    sample.write_jsonl(out)?;
    Ok(sample.truth())
}

/// The sample corpus of `config` as one JSONL string (for small sizes; 1M posts is about 1.4 GB).
pub fn sample_jsonl_string(config: &SampleConfig) -> io::Result<String> {
    let sample = Sample::generate(config)?;
    let mut buf = Vec::new();
    sample.write_jsonl(&mut buf)?;
    // The writer emits only valid UTF-8 (ASCII when `ascii_escape` is set).
    String::from_utf8(buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Writes the sample corpus of `config` to a file at `path` (created or truncated).
pub fn write_sample_file(config: &SampleConfig, path: impl AsRef<Path>) -> io::Result<SampleTruth> {
    let path = path.as_ref();
    let sample = Sample::generate(config)?;
    let file = std::fs::File::create(path)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot create {}: {e}", path.display())))?;
    sample.write_jsonl(io::BufWriter::with_capacity(1 << 20, file))?;
    Ok(sample.truth())
}

// The code blocks of the sample-corpus guide run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/sample-corpus.md")]
struct SampleGuide;
