//! A readable overview of a corpus: the first thing the quickstart prints.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::corpus::{AccountIdx, Corpus, PostIdx};
use crate::model::PostKind;

/// Counts that describe a corpus at a glance.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CorpusSummary {
    /// Distinct posts.
    pub posts: usize,
    /// Distinct accounts.
    pub accounts: usize,
    /// Accounts that wrote at least one post.
    pub authors: usize,
    /// Posts by kind: original, reply, quote, repost.
    pub by_kind: BTreeMap<String, usize>,
    /// Conversations (every post is in exactly one).
    pub conversations: usize,
    /// Conversations with at least one reply.
    pub threads: usize,
    /// Reply-tree depth → number of conversations.
    pub depth_histogram: BTreeMap<usize, usize>,
    /// Placeholders for missing posts across all trees.
    pub missing_parents: usize,
    /// The most used hashtags with their post counts.
    pub top_hashtags: Vec<(String, usize)>,
    /// The first and last post times (RFC 3339).
    pub span: Option<(String, String)>,
    /// The organisation's own posts, when an organisation was given.
    pub org: Option<OrgPostSummary>,
}

/// The organisation's own original posts: how many got a reply from someone else.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OrgPostSummary {
    /// Handles of the organisation's accounts found in the corpus.
    pub accounts: Vec<String>,
    /// Original posts (not replies, not reposts) by the organisation.
    pub posts: usize,
    /// Of those, posts that got at least one reply from another account.
    pub answered: usize,
    /// Of those, posts no other account replied to.
    pub unanswered: usize,
}

impl CorpusSummary {
    /// Summarises a corpus; `org` lists the organisation's accounts (handles or ids; unknown ones are
    /// ignored here — the engagement analysis reports them).
    pub fn of(corpus: &Corpus, org: &[&str], top: usize) -> CorpusSummary {
        let ix = corpus.indices();
        let mut by_kind = BTreeMap::new();
        for k in [
            PostKind::Original,
            PostKind::Reply,
            PostKind::Quote,
            PostKind::Repost,
        ] {
            by_kind.insert(k.as_str().to_owned(), 0);
        }
        let mut authors = HashSet::new();
        for p in corpus.posts() {
            *by_kind.entry(p.kind().as_str().to_owned()).or_insert(0) += 1;
            authors.insert(p.author_idx());
        }
        let mut depth_histogram = BTreeMap::new();
        let mut threads = 0;
        let mut missing = 0;
        for conv in corpus.conversations() {
            *depth_histogram.entry(conv.depth).or_insert(0) += 1;
            if conv.num_posts > 1 || conv.depth > 0 {
                threads += 1;
            }
            missing += conv.num_placeholders;
        }
        let mut tags: Vec<(String, usize)> = (0..corpus.num_tags() as u32)
            .map(|t| {
                let t = crate::corpus::TagIdx(t);
                (corpus.tag(t).to_owned(), ix.by_tag(t).len())
            })
            .filter(|(_, n)| *n > 0)
            .collect();
        tags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        tags.truncate(top);
        let span = corpus
            .oldest()
            .zip(corpus.newest())
            .map(|(a, b)| (a.to_rfc3339(), b.to_rfc3339()));

        let org_accounts: Vec<AccountIdx> = org
            .iter()
            .filter_map(|h| corpus.find_account(h).map(|a| a.idx()))
            .collect();
        let org = (!org.is_empty()).then(|| {
            let set: HashSet<AccountIdx> = org_accounts.iter().copied().collect();
            let mut posts = 0;
            let mut answered = 0;
            for &a in &org_accounts {
                for &row in ix.by_author(a) {
                    let p = corpus.post(PostIdx(row));
                    if !matches!(p.kind(), PostKind::Original | PostKind::Quote) {
                        continue;
                    }
                    posts += 1;
                    let got = ix
                        .replies_to(corpus, p.idx())
                        .iter()
                        .any(|&r| !set.contains(&corpus.post(PostIdx(r)).author_idx()));
                    if got {
                        answered += 1;
                    }
                }
            }
            OrgPostSummary {
                accounts: org_accounts
                    .iter()
                    .map(|&a| corpus.account(a).handle_or_id().to_owned())
                    .collect(),
                posts,
                answered,
                unanswered: posts - answered,
            }
        });
        CorpusSummary {
            posts: corpus.num_posts(),
            accounts: corpus.num_accounts(),
            authors: authors.len(),
            by_kind,
            conversations: ix.num_conversations(),
            threads,
            depth_histogram,
            missing_parents: missing,
            top_hashtags: tags,
            span,
            org,
        }
    }

    /// The summary as readable text.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "Corpus");
        let _ = writeln!(s, "  posts            {:>10}", self.posts);
        for (k, n) in &self.by_kind {
            let _ = writeln!(s, "    {k:<14} {n:>10}");
        }
        let _ = writeln!(
            s,
            "  accounts         {:>10}  ({} wrote posts)",
            self.accounts, self.authors
        );
        let _ = writeln!(
            s,
            "  conversations    {:>10}  ({} with replies)",
            self.conversations, self.threads
        );
        let _ = writeln!(
            s,
            "  missing parents  {:>10}  (placeholders in reply trees)",
            self.missing_parents
        );
        if let Some((a, b)) = &self.span {
            let _ = writeln!(s, "  from {a} to {b}");
        }
        let _ = writeln!(s, "\nReply-tree depth (conversations with replies)");
        let max = self
            .depth_histogram
            .iter()
            .filter(|(d, _)| **d > 0)
            .map(|(_, n)| *n)
            .max()
            .unwrap_or(1)
            .max(1);
        for (d, n) in self.depth_histogram.iter().filter(|(d, _)| **d > 0) {
            let bar = "#".repeat((n * 40).div_ceil(max));
            let _ = writeln!(s, "  {d:>3} {n:>9}  {bar}");
        }
        let _ = writeln!(s, "\nTop hashtags");
        for (t, n) in &self.top_hashtags {
            let _ = writeln!(s, "  #{t:<24} {n:>8}");
        }
        if let Some(o) = &self.org {
            let _ = writeln!(s, "\nThe organisation's posts ({})", o.accounts.join(", "));
            let pct = |x: usize| {
                if o.posts == 0 {
                    0.0
                } else {
                    100.0 * x as f64 / o.posts as f64
                }
            };
            let _ = writeln!(s, "  original posts   {:>10}", o.posts);
            let _ = writeln!(
                s,
                "  answered         {:>10}  ({:.1}%)",
                o.answered,
                pct(o.answered)
            );
            let _ = writeln!(
                s,
                "  unanswered       {:>10}  ({:.1}%)",
                o.unanswered,
                pct(o.unanswered)
            );
        }
        s
    }
}
