//! PageRank by power iteration: global, personalised, topic-sensitive.
//!
//! With `d` the damping, `p` the teleport (personalisation) vector, `S(u)` the out-strength of `u` and
//! `D` the dangling nodes (no out-edges):
//!
//! ```text
//! x'(v) = d · Σ_{u→v} x(u) · w(u,v) / S(u)  +  (d · Σ_{u∈D} x(u) + 1 − d) · p(v)
//! ```
//!
//! so the mass of dangling nodes is redistributed like the teleport, exactly as networkx's `pagerank`
//! does when `dangling` is not given. The iteration starts from the uniform vector and stops when the
//! L1 change `Σ|x' − x|` falls below the tolerance. (networkx stops at `N · tol`: its `tol` is per
//! node, ours is total.) Every iterate sums to 1.

use serde::Serialize;

use super::InteractionGraph;
use crate::corpus::{AccountIdx, Corpus};
use crate::error::Error;

/// The knobs of PageRank.
///
/// ```
/// use rapport_core::graph::PageRankOptions;
/// let o = PageRankOptions::default();
/// assert_eq!((o.damping, o.tolerance, o.max_iterations), (0.85, 1e-9, 1000));
/// assert!(PageRankOptions { damping: 1.0, ..o }.validate().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PageRankOptions {
    /// The probability of following an edge rather than teleporting (default 0.85), in [0, 1).
    pub damping: f64,
    /// Stop when the L1 change between iterates is below this (default 1e-9).
    pub tolerance: f64,
    /// Give up after this many iterations (default 1000) with [`Error::NotConverged`].
    ///
    /// Each iteration shrinks the L1 change by at least the damping `d`, so about
    /// `ln(tolerance / 2) / ln(d)` iterations always suffice: the default 1000 covers every damping up to
    /// 0.979 at the default tolerance; a graph with a cycle at damping 0.99 can need about 2,130.
    pub max_iterations: u32,
}

impl Default for PageRankOptions {
    fn default() -> Self {
        PageRankOptions {
            damping: 0.85,
            tolerance: 1e-9,
            max_iterations: 1000,
        }
    }
}

impl PageRankOptions {
    /// Checks the ranges.
    pub fn validate(&self) -> Result<(), Error> {
        if !(self.damping.is_finite() && (0.0..1.0).contains(&self.damping)) {
            return Err(Error::InvalidParameter {
                name: "damping",
                found: self.damping.to_string(),
                expected: "a number in [0, 1)",
            });
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(Error::InvalidParameter {
                name: "tolerance",
                found: self.tolerance.to_string(),
                expected: "a finite number greater than 0",
            });
        }
        if self.max_iterations == 0 {
            return Err(Error::InvalidParameter {
                name: "max_iterations",
                found: "0".into(),
                expected: "at least 1",
            });
        }
        Ok(())
    }
}

/// A teleport (personalisation) distribution over the nodes of a graph: non-negative, summing to 1.
///
/// ```
/// use rapport_core::Corpus;
/// use rapport_core::graph::{InteractionGraph, Teleport};
/// let g = InteractionGraph::of_corpus(&Corpus::new());
/// assert!(Teleport::weighted(&g, std::iter::empty()).is_err()); // nothing to teleport to
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Teleport {
    /// Probability per node.
    pub p: Vec<f64>,
}

impl Teleport {
    /// Uniform over every node (global PageRank).
    pub fn uniform(graph: &InteractionGraph) -> Result<Teleport, Error> {
        let n = graph.num_nodes();
        if n == 0 {
            return Err(Error::EmptyTeleport);
        }
        Ok(Teleport {
            p: vec![1.0 / n as f64; n],
        })
    }

    /// Uniform over the given accounts (duplicates count once; indices not in the graph are ignored).
    pub fn over_accounts(
        graph: &InteractionGraph,
        accounts: impl IntoIterator<Item = AccountIdx>,
    ) -> Result<Teleport, Error> {
        Teleport::from_node_weights(
            graph.num_nodes(),
            accounts
                .into_iter()
                .filter_map(|a| graph.node(a))
                .map(|n| (n, 1.0)),
            true,
        )
    }

    /// Proportional to the given weights (weights of the same account add up; indices not in the
    /// graph are ignored). Weights must be finite and not negative, and not all zero.
    pub fn weighted(
        graph: &InteractionGraph,
        weights: impl IntoIterator<Item = (AccountIdx, f64)>,
    ) -> Result<Teleport, Error> {
        let mut bad = None;
        let it = weights.into_iter().filter_map(|(a, w)| {
            if !(w.is_finite() && w >= 0.0) {
                bad.get_or_insert(w);
            }
            graph.node(a).map(|n| (n, w))
        });
        let t = Teleport::from_node_weights(graph.num_nodes(), it.collect::<Vec<_>>(), false);
        if let Some(w) = bad {
            return Err(Error::InvalidParameter {
                name: "teleport weight",
                found: w.to_string(),
                expected: "finite weights that are 0 or more",
            });
        }
        t
    }

    fn from_node_weights(
        n: usize,
        weights: impl IntoIterator<Item = (usize, f64)>,
        set: bool,
    ) -> Result<Teleport, Error> {
        let mut p = vec![0.0; n];
        for (i, w) in weights {
            if set {
                p[i] = w;
            } else {
                p[i] += w;
            }
        }
        let total: f64 = p.iter().sum();
        if !(total > 0.0 && total.is_finite()) {
            return Err(Error::EmptyTeleport);
        }
        for x in &mut p {
            *x /= total;
        }
        Ok(Teleport { p })
    }

    /// Number of nodes with a positive probability.
    pub fn support(&self) -> usize {
        self.p.iter().filter(|&&x| x > 0.0).count()
    }
}

/// PageRank scores, one per node of the graph they were computed on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageRank {
    /// The score of each node (sums to 1).
    pub scores: Vec<f64>,
    /// Iterations run.
    pub iterations: u32,
    /// The L1 change of the last iteration.
    pub residual: f64,
    /// The options used.
    pub options: PageRankOptions,
    /// Nodes the teleport reaches (all of them for global PageRank).
    pub teleport_support: usize,
}

impl PageRank {
    /// The score of an account (0 for an index that is not a node of `graph`).
    pub fn score(&self, graph: &InteractionGraph, a: AccountIdx) -> f64 {
        graph.node(a).map_or(0.0, |n| self.scores[n])
    }

    /// The `k` best nodes, (node, score), best first, ties by node.
    pub fn top(&self, k: usize) -> Vec<(usize, f64)> {
        let mut v: Vec<(usize, f64)> = self.scores.iter().copied().enumerate().collect();
        let k = k.min(v.len());
        let by = |a: &(usize, f64), b: &(usize, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if k < v.len() && k > 0 {
            v.select_nth_unstable_by(k - 1, by);
        }
        v.truncate(k);
        v.sort_unstable_by(by);
        v
    }
}

/// Nodes whose in-sums one pass of the power iteration adds side by side.
const LANES: usize = 4;

/// The in-edges regrouped for the power iteration.
///
/// A node's in-sum is a chain of additions, each waiting for the one before: summed one node at a
/// time, the iteration waits on that chain, an addition's latency per edge. Here
/// the nodes with in-edges, by in-degree (most first), go side by side in groups of [`LANES`], and
/// their in-edges are interleaved step by step, so that the processor runs `LANES` chains at once.
/// Each node still adds its own in-edges in the same order from the same 0, so the sums are the same
/// bits. A lane shorter than its group's longest is padded with weight 0 from the share entry past
/// the last node, which is always 0: the padding adds +0 to a sum that is never negative.
#[derive(Debug, Clone)]
pub(super) struct Lanes {
    /// Each group's nodes; [`Lanes::NONE`] pads the last group.
    nodes: Vec<[u32; LANES]>,
    /// Where each group's steps start in `src` and `w` (one more entry than groups).
    start: Vec<usize>,
    /// Each step's source node per lane.
    src: Vec<[u32; LANES]>,
    /// Each step's edge weight per lane.
    w: Weights,
}

/// The lanes' edge weights. A graph's weights are sums of a few kind weights, so they take few
/// distinct values: each step then stores small numbers into a table of them, and the pass streams
/// 6 bytes an edge instead of 12 (the same speed on the graphs measured, half the memory).
#[derive(Debug, Clone)]
enum Weights {
    /// Each step's weight per lane as a position in the table.
    Table(Vec<[u16; LANES]>, Vec<f64>),
    /// Each step's weight per lane (more distinct weights than a `u16` numbers).
    Direct(Vec<[f64; LANES]>),
}

impl Lanes {
    const NONE: u32 = u32::MAX;

    pub(super) fn build(g: &InteractionGraph) -> Lanes {
        Lanes::build_with(g, 1 << 16)
    }

    /// [`Lanes::build`] with at most `table_max` distinct weights in a table.
    fn build_with(g: &InteractionGraph, table_max: usize) -> Lanes {
        let n = g.num_nodes();
        let span =
            |v: u32| g.in_offsets[v as usize] as usize..g.in_offsets[v as usize + 1] as usize;
        let mut order: Vec<u32> = (0..n as u32).filter(|&v| !span(v).is_empty()).collect();
        order.sort_by_key(|&v| std::cmp::Reverse(span(v).len()));
        let groups = order.len().div_ceil(LANES);
        let mut nodes_of = Vec::with_capacity(groups);
        let mut start = Vec::with_capacity(groups + 1);
        let mut src_of = Vec::new();
        let mut w_of = Vec::new();
        start.push(0);
        let pad = n as u32;
        for group in order.chunks(LANES) {
            let mut nodes = [Self::NONE; LANES];
            nodes[..group.len()].copy_from_slice(group);
            // The first node has the most in-edges.
            for k in 0..span(group[0]).len() {
                let mut src = [pad; LANES];
                let mut w = [0.0; LANES];
                for (j, &v) in group.iter().enumerate() {
                    let r = span(v);
                    if k < r.len() {
                        src[j] = g.in_sources[r.start + k];
                        w[j] = g.in_weights[r.start + k];
                    }
                }
                src_of.push(src);
                w_of.push(w);
            }
            start.push(src_of.len());
            nodes_of.push(nodes);
        }
        Lanes {
            nodes: nodes_of,
            start,
            src: src_of,
            w: Weights::of(w_of, table_max),
        }
    }

    /// Writes each node's in-sum `Σ w(u,v) · share[u]` into `sums` (nodes without in-edges are left
    /// alone); `share` has one entry past the last node, 0.
    fn sum_in(&self, share: &[f64], sums: &mut [f64]) {
        for (g, nodes) in self.nodes.iter().enumerate() {
            let steps = self.start[g]..self.start[g + 1];
            let src = &self.src[steps.clone()];
            let mut acc = [0.0f64; LANES];
            match &self.w {
                Weights::Table(ids, table) => {
                    for (src, id) in src.iter().zip(&ids[steps]) {
                        for j in 0..LANES {
                            acc[j] += table[id[j] as usize] * share[src[j] as usize];
                        }
                    }
                }
                Weights::Direct(w) => {
                    for (src, w) in src.iter().zip(&w[steps]) {
                        for j in 0..LANES {
                            acc[j] += w[j] * share[src[j] as usize];
                        }
                    }
                }
            }
            for (&v, &a) in nodes.iter().zip(&acc) {
                if v != Self::NONE {
                    sums[v as usize] = a;
                }
            }
        }
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.nodes.capacity() * 4 * LANES
            + self.start.capacity() * 8
            + self.src.capacity() * 4 * LANES
            + match &self.w {
                Weights::Table(ids, table) => ids.capacity() * 2 * LANES + table.capacity() * 8,
                Weights::Direct(w) => w.capacity() * 8 * LANES,
            }
    }
}

impl Weights {
    /// The table form when the distinct weights (by bits) are at most `table_max` (up to 2^16),
    /// else the weights themselves.
    fn of(w: Vec<[f64; LANES]>, table_max: usize) -> Weights {
        let mut table: Vec<f64> = Vec::new();
        let mut id_of: hashbrown::HashMap<u64, u16> = hashbrown::HashMap::new();
        let mut ids = Vec::with_capacity(w.len());
        for step in &w {
            let mut id = [0u16; LANES];
            for (slot, &x) in id.iter_mut().zip(step) {
                *slot = match id_of.get(&x.to_bits()) {
                    Some(&k) => k,
                    None => {
                        let k = match u16::try_from(table.len()) {
                            Ok(k) if table.len() < table_max => k,
                            _ => return Weights::Direct(w),
                        };
                        id_of.insert(x.to_bits(), k);
                        table.push(x);
                        k
                    }
                };
            }
            ids.push(id);
        }
        Weights::Table(ids, table)
    }
}

impl InteractionGraph {
    /// Global PageRank (uniform teleport).
    pub fn pagerank(&self, opts: &PageRankOptions) -> Result<PageRank, Error> {
        self.personalized_pagerank(&Teleport::uniform(self)?, opts)
    }

    /// PageRank with a teleport vector (topic-sensitive or personalised PageRank); dangling mass
    /// follows the teleport.
    pub fn personalized_pagerank(
        &self,
        teleport: &Teleport,
        opts: &PageRankOptions,
    ) -> Result<PageRank, Error> {
        opts.validate()?;
        let nodes = self.num_nodes();
        if teleport.p.len() != nodes {
            return Err(Error::InvalidParameter {
                name: "teleport",
                found: format!("{} entries", teleport.p.len()),
                expected: "one entry per node of the graph",
            });
        }
        let damping = opts.damping;
        let tele = &teleport.p;
        let inv_strength: Vec<f64> = self
            .out_strength
            .iter()
            .map(|&s| if s > 0.0 { 1.0 / s } else { 0.0 })
            .collect();
        let lanes = self.lanes.get_or_init(|| Lanes::build(self));
        let mut rank = vec![1.0 / nodes as f64; nodes];
        // rank(u) / S(u): what u sends along each unit of edge weight; the next iterate's is
        // written beside it while this one is read. One more entry, always 0, is what the lanes'
        // padding reads.
        let mut share: Vec<f64> = rank
            .iter()
            .zip(&inv_strength)
            .map(|(r, i)| r * i)
            .chain([0.0])
            .collect();
        let mut next_share = vec![0.0; nodes + 1];
        let mut next = vec![0.0; nodes];
        // Each node's in-sum Σ w(u,v) · share(u); nodes without in-edges keep 0.
        let mut sums = vec![0.0; nodes];
        // Σ over dangling nodes of rank, in node order (as a separate pass would add them).
        let dangling_sum = |rank: &[f64]| -> f64 {
            let mut m = -0.0;
            for (&r, &s) in rank.iter().zip(&self.out_strength) {
                if s <= 0.0 {
                    m += r;
                }
            }
            m
        };
        let mut dangling_mass = dangling_sum(&rank);
        let mut residual = f64::INFINITY;
        for it in 1..=opts.max_iterations {
            let jump = damping * dangling_mass + (1.0 - damping);
            lanes.sum_in(&share, &mut sums);
            // One pass computes the iterate, the L1 change, the next shares and the next dangling
            // mass, each sum in node order as separate passes would: the results are the same bits.
            let mut change = -0.0;
            let mut next_dangling = -0.0;
            let cur = rank.iter().zip(&inv_strength);
            let node = tele.iter().zip(&self.out_strength);
            let out = next.iter_mut().zip(next_share.iter_mut());
            for (((x_out, sh_out), (&old, &inv)), ((&t, &s), &acc)) in
                out.zip(cur).zip(node.zip(&sums))
            {
                let x = damping * acc + jump * t;
                change += (old - x).abs();
                if s <= 0.0 {
                    next_dangling += x;
                }
                *sh_out = x * inv;
                *x_out = x;
            }
            residual = change;
            dangling_mass = next_dangling;
            std::mem::swap(&mut rank, &mut next);
            std::mem::swap(&mut share, &mut next_share);
            if residual < opts.tolerance {
                return Ok(PageRank {
                    scores: rank,
                    iterations: it,
                    residual,
                    options: *opts,
                    teleport_support: teleport.support(),
                });
            }
        }
        Err(Error::NotConverged {
            iterations: opts.max_iterations,
            residual,
            tolerance: opts.tolerance,
        })
    }

    /// Topic-sensitive PageRank: teleport uniform over the accounts that used any of the hashtags in
    /// their own non-repost posts (see [`topic_accounts`]).
    pub fn topic_pagerank<S: AsRef<str>>(
        &self,
        corpus: &Corpus,
        hashtags: &[S],
        opts: &PageRankOptions,
    ) -> Result<PageRank, Error> {
        self.personalized_pagerank(&topic_teleport(corpus, self, hashtags)?, opts)
    }
}

/// The accounts that used any of the hashtags (any case, with or without `#`) in their own non-repost
/// posts, with the number of such posts, by account index. Errors when none did.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use rapport_core::{Account, Corpus, Post};
/// let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
/// let mut c = Corpus::new();
/// let mut p = Post::new("1", "a", "#RustLang rocks", t);
/// p.hashtags = vec!["RustLang".into()];
/// c.add_post(p);
/// let who = rapport_core::graph::topic_accounts(&c, &["#rustlang"]).unwrap();
/// assert_eq!(who.len(), 1);
/// assert!(rapport_core::graph::topic_accounts(&c, &["python"]).is_err());
/// ```
pub fn topic_accounts<S: AsRef<str>>(
    corpus: &Corpus,
    hashtags: &[S],
) -> Result<Vec<(AccountIdx, u32)>, Error> {
    let idx = corpus.indices();
    let mut count = vec![0u32; corpus.account_capacity()];
    let mut order = Vec::new();
    let mut seen_rows = hashbrown::HashSet::new();
    for t in hashtags {
        let Some(tag) = corpus.tag_idx(t.as_ref().trim().trim_start_matches('#')) else {
            continue;
        };
        for &row in idx.by_tag(tag) {
            let p = corpus.post(crate::corpus::PostIdx(row));
            if p.is_repost() || !seen_rows.insert(row) {
                continue;
            }
            let a = p.author_idx().index();
            if count[a] == 0 {
                order.push(p.author_idx());
            }
            count[a] += 1;
        }
    }
    if order.is_empty() {
        return Err(Error::EmptyTopic {
            hashtags: hashtags.iter().map(|h| h.as_ref().to_owned()).collect(),
        });
    }
    order.sort_unstable();
    Ok(order.into_iter().map(|a| (a, count[a.index()])).collect())
}

/// The teleport of topic-sensitive PageRank: uniform over [`topic_accounts`].
pub fn topic_teleport<S: AsRef<str>>(
    corpus: &Corpus,
    graph: &InteractionGraph,
    hashtags: &[S],
) -> Result<Teleport, Error> {
    let who = topic_accounts(corpus, hashtags)?;
    Teleport::over_accounts(graph, who.into_iter().map(|(a, _)| a))
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::engagement::Interactions;
    use crate::graph::KindWeights;
    use crate::{Account, Post};

    /// The power iteration as three passes per iterate (shares, dangling mass, then the iterate
    /// and its change): what the fused loop must reproduce bit for bit.
    fn reference(g: &InteractionGraph, tele: &[f64], opts: &PageRankOptions) -> (Vec<f64>, u32) {
        let n = g.num_nodes();
        let dangling: Vec<usize> = (0..n).filter(|&u| g.out_strength[u] <= 0.0).collect();
        let inv: Vec<f64> = g
            .out_strength
            .iter()
            .map(|&s| if s > 0.0 { 1.0 / s } else { 0.0 })
            .collect();
        let mut rank = vec![1.0 / n as f64; n];
        for it in 1..=opts.max_iterations {
            let share: Vec<f64> = rank.iter().zip(&inv).map(|(r, i)| r * i).collect();
            let dm: f64 = dangling.iter().map(|&u| rank[u]).sum();
            let jump = opts.damping * dm + (1.0 - opts.damping);
            let next: Vec<f64> = (0..n)
                .map(|v| {
                    let (lo, hi) = (g.in_offsets[v] as usize, g.in_offsets[v + 1] as usize);
                    let mut acc = 0.0;
                    for k in lo..hi {
                        acc += g.in_weights[k] * share[g.in_sources[k] as usize];
                    }
                    opts.damping * acc + jump * tele[v]
                })
                .collect();
            let change: f64 = rank.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
            rank = next;
            if change < opts.tolerance {
                return (rank, it);
            }
        }
        panic!("the reference did not converge");
    }

    /// A fixed pseudo-random corpus: replies, quotes and reposts of earlier posts; some accounts
    /// only post (dangling nodes), some never interact.
    fn random_corpus() -> Corpus {
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut c = Corpus::new();
        for a in 0..60 {
            c.add_account(Account::new(a.to_string(), format!("u{a}")));
        }
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut rnd = |m: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % m
        };
        for i in 0..900u64 {
            let author = rnd(60);
            let mut p = Post::new(
                i.to_string(),
                author.to_string(),
                "x",
                t + Duration::minutes(i as i64),
            );
            if i > 0 && author % 7 != 0 {
                let target = rnd(i).to_string();
                match rnd(4) {
                    0 => p.quoted = Some(target),
                    1 => p.reposted = Some(target),
                    _ => p.reply_to = Some(target),
                }
            }
            c.add_post(p);
        }
        c
    }

    #[test]
    fn lanes_sum_each_node_in_order_with_a_table_or_without() {
        let c = random_corpus();
        let ix = Interactions::build(&c);
        // Kind weights with fractions: edge weights of many distinct values.
        let kw = KindWeights {
            reply: 0.3,
            mention: 1.0,
            repost: 0.7,
            quote: 2.5,
        };
        let g = InteractionGraph::build(&c, &ix, &kw).unwrap();
        let n = g.num_nodes();
        let share: Vec<f64> = (0..n)
            .map(|u| 1.0 / (u as f64 + 3.0))
            .chain([0.0])
            .collect();
        let want: Vec<f64> = (0..n)
            .map(|v| {
                let mut acc = 0.0;
                for (u, w) in g.in_edges(v) {
                    acc += w * share[u];
                }
                acc
            })
            .collect();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for table_max in [1 << 16, 3] {
            let lanes = Lanes::build_with(&g, table_max);
            assert_eq!(
                matches!(lanes.w, Weights::Table(..)),
                table_max > 3,
                "{table_max}"
            );
            let mut sums = vec![0.0; n];
            lanes.sum_in(&share, &mut sums);
            assert_eq!(bits(&sums), bits(&want), "{table_max}");
        }
    }

    #[test]
    fn fused_iteration_is_bit_identical_to_separate_passes() {
        let c = random_corpus();
        let ix = Interactions::build(&c);
        let g = InteractionGraph::build(&c, &ix, &KindWeights::default()).unwrap();
        let opts = PageRankOptions::default();
        let uniform = Teleport::uniform(&g).unwrap();
        let topic = Teleport::weighted(
            &g,
            g.accounts()
                .iter()
                .take(9)
                .enumerate()
                .map(|(k, &a)| (a, k as f64)),
        )
        .unwrap();
        for tele in [uniform, topic] {
            let pr = g.personalized_pagerank(&tele, &opts).unwrap();
            let (want, iterations) = reference(&g, &tele.p, &opts);
            assert_eq!(pr.iterations, iterations);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&pr.scores), bits(&want));
        }
    }
}
