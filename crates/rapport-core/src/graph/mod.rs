//! The interaction graph over accounts, and PageRank on it.
//!
//! Every [`Interaction`](crate::engagement::Interaction) (reply, mention, repost, quote, as defined in
//! `docs/engagement.md`) becomes weight on a directed edge `src → dst`: the edge's weight is the sum,
//! over the interactions from `src` to `dst`, of the weight of their kind ([`KindWeights`], 1 each by
//! default, so by default an edge weighs its number of interactions). The graph is stored twice in
//! compressed sparse rows: by source (to read an account's out-edges) and by target (PageRank pulls
//! along in-edges, which streams memory in order and needs no atomic writes).
//!
//! Nodes are every distinct account of the corpus (accounts without interactions are isolated nodes),
//! numbered densely in the order of [`Corpus::accounts`]; [`InteractionGraph::node`] and
//! [`InteractionGraph::account`] translate.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use rapport_core::{Account, Corpus, Post};
//! use rapport_core::engagement::Interactions;
//! use rapport_core::graph::{InteractionGraph, KindWeights, PageRankOptions};
//!
//! let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
//! let mut c = Corpus::new();
//! c.add_account(Account::new("1", "ada"));
//! c.add_account(Account::new("2", "bob"));
//! c.add_post(Post::new("10", "1", "Anyone tried #rustlang async traits?", t));
//! let mut r = Post::new("11", "2", "Yes, since 1.75", t);
//! r.reply_to = Some("10".into());
//! c.add_post(r);
//!
//! let g = InteractionGraph::build(&c, &Interactions::build(&c), &KindWeights::default()).unwrap();
//! assert_eq!((g.num_nodes(), g.num_edges()), (2, 1));
//! let pr = g.pagerank(&PageRankOptions::default()).unwrap();
//! // bob → ada; bob is dangling-free, ada is dangling: ada collects more.
//! let ada = c.account_by_handle("ada").unwrap().idx();
//! let bob = c.account_by_handle("bob").unwrap().idx();
//! assert!(pr.score(&g, ada) > pr.score(&g, bob));
//! assert!((pr.scores.iter().sum::<f64>() - 1.0).abs() < 1e-12);
//! ```

mod pagerank;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::corpus::{AccountIdx, Corpus};
use crate::engagement::{InteractionKind, Interactions};
use crate::error::Error;

pub use pagerank::{PageRank, PageRankOptions, Teleport, topic_accounts, topic_teleport};

/// The weight of one interaction of each kind on the graph's edges (1 each by default).
///
/// ```
/// use rapport_core::graph::KindWeights;
/// let replies_only = KindWeights { reply: 1.0, mention: 0.0, repost: 0.0, quote: 0.0 };
/// assert!(replies_only.validate().is_ok());
/// assert!(KindWeights { reply: -1.0, ..KindWeights::default() }.validate().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KindWeights {
    /// A reply.
    pub reply: f64,
    /// A mention.
    pub mention: f64,
    /// A repost.
    pub repost: f64,
    /// A quote.
    pub quote: f64,
}

impl Default for KindWeights {
    fn default() -> Self {
        KindWeights {
            reply: 1.0,
            mention: 1.0,
            repost: 1.0,
            quote: 1.0,
        }
    }
}

impl KindWeights {
    /// The weight of a kind.
    pub fn get(&self, k: InteractionKind) -> f64 {
        match k {
            InteractionKind::Reply => self.reply,
            InteractionKind::Mention => self.mention,
            InteractionKind::Repost => self.repost,
            InteractionKind::Quote => self.quote,
        }
    }

    /// Checks that every weight is finite and not negative.
    pub fn validate(&self) -> Result<(), Error> {
        for k in InteractionKind::ALL {
            let w = self.get(k);
            if !(w.is_finite() && w >= 0.0) {
                return Err(Error::InvalidParameter {
                    name: "kind weights",
                    found: format!("{} = {w}", k.as_str()),
                    expected: "finite weights that are 0 or more",
                });
            }
        }
        Ok(())
    }
}

/// The directed, weighted interaction graph of a corpus, in compressed sparse rows.
///
/// Parallel interactions are merged into one edge whose weight is the sum of their kind weights; edges
/// of weight 0 (kinds weighted 0) are left out. Self-loops never occur (the interaction list drops them).
#[derive(Debug, Clone, Serialize)]
pub struct InteractionGraph {
    /// Node → account.
    accounts: Vec<AccountIdx>,
    /// Account index → node (`u32::MAX` for merged-away account rows).
    #[serde(skip)]
    node_of: Vec<u32>,
    /// Out-edges: `out_targets[out_offsets[u]..out_offsets[u + 1]]`, targets ascending.
    out_offsets: Vec<u32>,
    out_targets: Vec<u32>,
    out_weights: Vec<f64>,
    /// In-edges: `in_sources[in_offsets[v]..in_offsets[v + 1]]`, sources ascending.
    in_offsets: Vec<u32>,
    in_sources: Vec<u32>,
    in_weights: Vec<f64>,
    /// Σ of each node's out-edge weights.
    out_strength: Vec<f64>,
    /// The kind weights the graph was built with.
    pub weights: KindWeights,
    /// The in-edges regrouped for PageRank, built by its first run.
    #[serde(skip)]
    lanes: OnceLock<pagerank::Lanes>,
}

const NO_NODE: u32 = u32::MAX;

impl InteractionGraph {
    /// Builds the graph of a corpus from its interaction list; the weights are checked first.
    pub fn build(
        corpus: &Corpus,
        ix: &Interactions,
        weights: &KindWeights,
    ) -> Result<InteractionGraph, Error> {
        weights.validate()?;
        let mut node_of = vec![NO_NODE; corpus.account_capacity()];
        let mut accounts = Vec::with_capacity(corpus.num_accounts());
        for a in corpus.accounts() {
            node_of[a.idx().index()] = accounts.len() as u32;
            accounts.push(a.idx());
        }
        let n = accounts.len();
        let kw: [f64; 4] = InteractionKind::ALL.map(|k| weights.get(k));

        // Counting sort of the interactions by source node.
        let mut offsets = vec![0u32; n + 1];
        let mut kept = 0usize;
        for i in 0..ix.len() {
            if kw[ix.kind[i] as usize] > 0.0 {
                offsets[node_of[ix.src[i].index()] as usize + 1] += 1;
                kept += 1;
            }
        }
        for i in 1..=n {
            offsets[i] += offsets[i - 1];
        }
        let mut fill = offsets.clone();
        let mut raw_dst = vec![0u32; kept];
        let mut raw_w = vec![0f64; kept];
        for i in 0..ix.len() {
            let w = kw[ix.kind[i] as usize];
            if w > 0.0 {
                let s = node_of[ix.src[i].index()] as usize;
                let slot = fill[s] as usize;
                raw_dst[slot] = node_of[ix.dst[i].index()];
                raw_w[slot] = w;
                fill[s] += 1;
            }
        }

        // Merge parallel edges per source with a "where did I put dst" marker, then sort each row.
        let mut out_offsets = Vec::with_capacity(n + 1);
        out_offsets.push(0u32);
        let mut out_targets = Vec::with_capacity(kept);
        let mut out_weights = Vec::with_capacity(kept);
        let mut at = vec![NO_NODE; n];
        let mut row: Vec<(u32, f64)> = Vec::new();
        for u in 0..n {
            row.clear();
            for slot in offsets[u] as usize..offsets[u + 1] as usize {
                let v = raw_dst[slot];
                match at[v as usize] {
                    NO_NODE => {
                        at[v as usize] = row.len() as u32;
                        row.push((v, raw_w[slot]));
                    }
                    j => row[j as usize].1 += raw_w[slot],
                }
            }
            for &(v, _) in &row {
                at[v as usize] = NO_NODE;
            }
            row.sort_unstable_by_key(|&(v, _)| v);
            for &(v, w) in &row {
                out_targets.push(v);
                out_weights.push(w);
            }
            out_offsets.push(out_targets.len() as u32);
        }
        drop((raw_dst, raw_w, at));

        let out_strength: Vec<f64> = (0..n)
            .map(|u| {
                out_weights[out_offsets[u] as usize..out_offsets[u + 1] as usize]
                    .iter()
                    .sum()
            })
            .collect();

        // Transpose: sources come out ascending because we walk sources in order.
        let m = out_targets.len();
        let mut in_offsets = vec![0u32; n + 1];
        for &v in &out_targets {
            in_offsets[v as usize + 1] += 1;
        }
        for i in 1..=n {
            in_offsets[i] += in_offsets[i - 1];
        }
        let mut fill = in_offsets.clone();
        let mut in_sources = vec![0u32; m];
        let mut in_weights = vec![0f64; m];
        for u in 0..n {
            for e in out_offsets[u] as usize..out_offsets[u + 1] as usize {
                let v = out_targets[e] as usize;
                let slot = fill[v] as usize;
                in_sources[slot] = u as u32;
                in_weights[slot] = out_weights[e];
                fill[v] += 1;
            }
        }

        Ok(InteractionGraph {
            accounts,
            node_of,
            out_offsets,
            out_targets,
            out_weights,
            in_offsets,
            in_sources,
            in_weights,
            out_strength,
            weights: *weights,
            lanes: OnceLock::new(),
        })
    }

    /// Number of nodes (distinct accounts of the corpus).
    pub fn num_nodes(&self) -> usize {
        self.accounts.len()
    }

    /// Number of distinct directed edges.
    pub fn num_edges(&self) -> usize {
        self.out_targets.len()
    }

    /// The node of an account (`None` for an index that is not a distinct account of the corpus).
    pub fn node(&self, a: AccountIdx) -> Option<usize> {
        match self.node_of.get(a.index()) {
            Some(&n) if n != NO_NODE => Some(n as usize),
            _ => None,
        }
    }

    /// The account of a node. Panics when out of range.
    pub fn account(&self, node: usize) -> AccountIdx {
        self.accounts[node]
    }

    /// Every node's account, by node.
    pub fn accounts(&self) -> &[AccountIdx] {
        &self.accounts
    }

    /// The out-edges of a node: (target node, weight), targets ascending.
    pub fn out_edges(&self, node: usize) -> impl ExactSizeIterator<Item = (usize, f64)> + '_ {
        let r = self.out_offsets[node] as usize..self.out_offsets[node + 1] as usize;
        self.out_targets[r.clone()]
            .iter()
            .zip(&self.out_weights[r])
            .map(|(&v, &w)| (v as usize, w))
    }

    /// The in-edges of a node: (source node, weight), sources ascending.
    pub fn in_edges(&self, node: usize) -> impl ExactSizeIterator<Item = (usize, f64)> + '_ {
        let r = self.in_offsets[node] as usize..self.in_offsets[node + 1] as usize;
        self.in_sources[r.clone()]
            .iter()
            .zip(&self.in_weights[r])
            .map(|(&u, &w)| (u as usize, w))
    }

    /// The weight of the edge `from → to` between two accounts (0 when there is none).
    pub fn edge_weight(&self, from: AccountIdx, to: AccountIdx) -> f64 {
        let (Some(u), Some(v)) = (self.node(from), self.node(to)) else {
            return 0.0;
        };
        let r = self.out_offsets[u] as usize..self.out_offsets[u + 1] as usize;
        match self.out_targets[r.clone()].binary_search(&(v as u32)) {
            Ok(i) => self.out_weights[r.start + i],
            Err(_) => 0.0,
        }
    }

    /// The sum of a node's out-edge weights (0 for a dangling node).
    pub fn out_strength(&self, node: usize) -> f64 {
        self.out_strength[node]
    }

    /// The sum of a node's in-edge weights.
    pub fn in_strength(&self, node: usize) -> f64 {
        self.in_edges(node).map(|(_, w)| w).sum()
    }

    /// Heap bytes of the arrays (with PageRank's regrouped in-edges once a PageRank has run).
    pub fn heap_bytes(&self) -> usize {
        self.lanes.get().map_or(0, pagerank::Lanes::heap_bytes)
            + (self.accounts.capacity()
                + self.node_of.capacity()
                + self.out_offsets.capacity()
                + self.out_targets.capacity()
                + self.in_offsets.capacity()
                + self.in_sources.capacity())
                * 4
            + (self.out_weights.capacity()
                + self.in_weights.capacity()
                + self.out_strength.capacity())
                * 8
    }

    /// The graph of a corpus with default weights, building the interaction list.
    pub fn of_corpus(corpus: &Corpus) -> InteractionGraph {
        InteractionGraph::build(
            corpus,
            &Interactions::build(corpus),
            &KindWeights::default(),
        )
        .expect("the default kind weights are valid")
    }
}
