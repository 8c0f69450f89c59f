//! The stages of rapport's side of the benchmark, shared by the `rapport-bench` binary (which the
//! comparison driver `benches/run` calls) and the divan micro-benchmarks.
//!
//! Each stage is the same work as one stage of the Python reference pipeline
//! (`benches/python/reference.py`), and returns the answers the driver compares before it times
//! anything: counts, depths, the engagement features of every account, hashtag counts per account
//! and PageRank scores.

pub mod twarc;

use std::collections::BTreeMap;

use rapport_core::context::Analysis;
use rapport_core::engagement::{EngagementOptions, EngagementReport, EngagementRow, Interactions};
use rapport_core::graph::{InteractionGraph, KindWeights, PageRankOptions};
use rapport_core::{AccountRef, Corpus, Error, PostKind};
use serde::Serialize;

/// The peak resident set size of this process so far (`VmHWM` of `/proc/self/status`), in bytes;
/// `None` where there is no such file.
pub fn peak_rss_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// CPU time this thread has run so far (`/proc/thread-self/schedstat`, nanoseconds), in seconds:
/// unlike wall time, it does not count the time other work on a shared machine took the core.
pub fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// CPU time (user + system) of the whole process so far, every thread included (`getrusage` through
/// `/proc/self/stat`), in seconds: the measure for the multi-threaded load.
pub fn process_cpu_seconds() -> Option<f64> {
    process_times().map(|(user, system)| user + system)
}

/// The process's user and system CPU time so far, every thread included, in seconds. The system
/// time is the kernel working for the process: reading the input, and faulting in (zeroing) the
/// memory it touches for the first time.
pub fn process_times() -> Option<(f64, f64)> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces: the fields start after its closing parenthesis.
    let rest = &s[s.rfind(')')? + 2..];
    let mut f = rest.split_whitespace().skip(11);
    let utime: f64 = f.next()?.parse().ok()?;
    let stime: f64 = f.next()?.parse().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some((utime / 100.0, stime / 100.0))
}

/// The key of an account in the answers: its id, else `@` and its lower-case handle.
pub fn account_key(a: &AccountRef<'_>) -> String {
    if a.id().is_empty() {
        format!("@{}", a.handle().to_lowercase())
    } else {
        a.id().to_owned()
    }
}

/// What loading produced.
#[derive(Debug, Clone, Serialize)]
pub struct LoadAnswer {
    /// Distinct posts.
    pub posts: usize,
    /// Distinct accounts.
    pub accounts: usize,
    /// Posts per kind (`original`, `quote`, `reply`, `repost`).
    pub by_kind: BTreeMap<String, usize>,
}

/// The load answer of a corpus.
pub fn load_answer(c: &Corpus) -> LoadAnswer {
    let mut by_kind = BTreeMap::new();
    for p in c.posts() {
        let k = match p.kind() {
            PostKind::Original => "original",
            PostKind::Reply => "reply",
            PostKind::Quote => "quote",
            PostKind::Repost => "repost",
        };
        *by_kind.entry(k.to_owned()).or_insert(0) += 1;
    }
    LoadAnswer {
        posts: c.num_posts(),
        accounts: c.num_accounts(),
        by_kind,
    }
}

/// Reply threads: how many, and how deep.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadsAnswer {
    /// Conversations.
    pub conversations: usize,
    /// Conversations per depth (the longest root-to-node path, in edges).
    pub depth_histogram: BTreeMap<String, usize>,
    /// The deepest conversation.
    pub max_depth: usize,
    /// Orphan and detached posts.
    pub orphans: usize,
}

/// Builds every conversation's reply tree (the indices are built on first use, inside this stage).
pub fn threads(c: &Corpus) -> ThreadsAnswer {
    let mut hist: BTreeMap<usize, usize> = BTreeMap::new();
    let mut n = 0;
    let mut orphans = 0;
    for conv in c.conversations() {
        n += 1;
        orphans += conv.num_orphans;
        *hist.entry(conv.depth).or_insert(0) += 1;
    }
    ThreadsAnswer {
        conversations: n,
        max_depth: hist.keys().next_back().copied().unwrap_or(0),
        depth_histogram: hist.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        orphans,
    }
}

/// The engagement report against the organisation, and the analysis context that built the
/// interaction list on the way (the later stages reuse it).
pub fn engagement<'c, S: AsRef<str>>(
    c: &'c Corpus,
    org: &[S],
) -> Result<(Analysis<&'c Corpus>, EngagementReport), Error> {
    let ctx = Analysis::new(c);
    let report = ctx.engagement(org, &EngagementOptions::default())?;
    Ok((ctx, report))
}

/// The engagement features the Python reference computes too, for one account.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct EngagementFeatures {
    pub replies_to_org: u32,
    pub replies_from_org: u32,
    pub mentions_to_org: u32,
    pub mentions_from_org: u32,
    pub amplification_to_org: u32,
    pub amplification_from_org: u32,
    pub interactions: u32,
    pub two_way_exchanges: u32,
    pub recent_two_way_exchanges: u32,
    pub reciprocity: f64,
    pub decayed_interactions: f64,
    pub stage: String,
}

impl From<&EngagementRow> for EngagementFeatures {
    fn from(r: &EngagementRow) -> Self {
        EngagementFeatures {
            replies_to_org: r.replies_to_org,
            replies_from_org: r.replies_from_org,
            mentions_to_org: r.mentions_to_org,
            mentions_from_org: r.mentions_from_org,
            amplification_to_org: r.amplification_to_org,
            amplification_from_org: r.amplification_from_org,
            interactions: r.interactions,
            two_way_exchanges: r.two_way_exchanges,
            recent_two_way_exchanges: r.recent_two_way_exchanges,
            reciprocity: r.reciprocity,
            decayed_interactions: r.decayed_interactions,
            stage: r.stage.as_str().to_owned(),
        }
    }
}

/// Hashtag counts per account: `(account row, tag index) → posts`, as a flat sorted list.
pub fn hashtags_per_account(c: &Corpus) -> Vec<(u32, u32, u32)> {
    let ix = c.indices();
    let mut out = Vec::new();
    let mut count: Vec<u32> = vec![0; c.num_tags()];
    let mut touched: Vec<u32> = Vec::new();
    for a in c.accounts() {
        for &row in ix.by_author(a.idx()) {
            for &t in c.post(rapport_core::PostIdx(row)).tag_idxs() {
                if count[t as usize] == 0 {
                    touched.push(t);
                }
                count[t as usize] += 1;
            }
        }
        for &t in &touched {
            out.push((a.idx().0, t, count[t as usize]));
            count[t as usize] = 0;
        }
        touched.clear();
    }
    out
}

/// The hashtag answer: number of (account, tag) pairs, total count, and the 20 largest
/// `(count, account key, tag)` in descending order.
#[derive(Debug, Clone, Serialize)]
pub struct HashtagAnswer {
    /// Distinct (account, tag) pairs.
    pub pairs: usize,
    /// Sum of the counts.
    pub total: u64,
    /// The 20 largest, descending.
    pub top: Vec<(u32, String, String)>,
}

/// The answer of [`hashtags_per_account`].
pub fn hashtag_answer(c: &Corpus, pairs: &[(u32, u32, u32)]) -> HashtagAnswer {
    let mut top: Vec<(u32, String, String)> = pairs
        .iter()
        .map(|&(a, t, n)| {
            (
                n,
                account_key(&c.account(rapport_core::AccountIdx(a))),
                c.tag(rapport_core::TagIdx(t)).to_owned(),
            )
        })
        .collect();
    top.sort_unstable_by(|x, y| y.cmp(x));
    top.truncate(20);
    HashtagAnswer {
        pairs: pairs.len(),
        total: pairs.iter().map(|p| u64::from(p.2)).sum(),
        top,
    }
}

/// PageRank scores by node, named by topic (`global` first).
pub type NamedScores = Vec<(String, Vec<f64>)>;

/// The interaction graph, global PageRank and one topic PageRank per topic (tags of a topic joined
/// by `+`). Returns the graph and the scores by topic (`global` first).
pub fn pageranks(
    c: &Corpus,
    ix: &Interactions,
    topics: &[String],
) -> Result<(InteractionGraph, NamedScores), Error> {
    let g = InteractionGraph::build(c, ix, &KindWeights::default())?;
    let opts = PageRankOptions::default();
    let mut out = vec![("global".to_owned(), g.pagerank(&opts)?.scores)];
    for t in topics {
        let tags: Vec<&str> = t.split('+').collect();
        out.push((t.clone(), g.topic_pagerank(c, &tags, &opts)?.scores));
    }
    Ok((g, out))
}
