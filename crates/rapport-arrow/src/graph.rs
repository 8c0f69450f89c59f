//! The interaction graph of a corpus as two tables, nodes and edges, for analysts who take it
//! further (networkx, igraph, a graph database).
//!
//! The tables are exactly [`InteractionGraph`]: one node row per distinct account (isolated accounts
//! included), one edge row per directed edge with its merged weight (the sum of the kind weights of
//! the interactions from `src` to `dst`).
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use rapport_core::graph::InteractionGraph;
//! use rapport_core::{Account, Corpus, Post};
//!
//! let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
//! let mut c = Corpus::new();
//! c.add_account(Account::new("1", "ada"));
//! c.add_account(Account::new("2", "bob"));
//! c.add_post(Post::new("10", "1", "Anyone tried async traits?", t));
//! let mut r = Post::new("11", "2", "Yes", t);
//! r.reply_to = Some("10".into());
//! c.add_post(r);
//! let g = InteractionGraph::of_corpus(&c);
//! let edges = rapport_arrow::graph::edges(&c, &g).unwrap();
//! assert_eq!(edges.num_rows(), 1);
//! assert_eq!(rapport_arrow::graph::nodes(&c, &g).unwrap().num_rows(), 2);
//! ```

use rapport_core::Corpus;
use rapport_core::graph::InteractionGraph;

use crate::table::{batch_of, f64s, i64s, strings};
use crate::{Error, RecordBatch};

/// One row per node: `id`, `handle`, `out_degree`, `in_degree`, `out_strength`, `in_strength`
/// (the sums of the out- and in-edge weights).
pub fn nodes(c: &Corpus, g: &InteractionGraph) -> Result<RecordBatch, Error> {
    let accounts: Vec<_> = g.accounts().iter().map(|&a| c.account(a)).collect();
    let n = g.num_nodes();
    batch_of(vec![
        ("id", strings(accounts.iter().map(|a| Some(a.id())))),
        (
            "handle",
            strings(
                accounts
                    .iter()
                    .map(|a| Some(a.handle()).filter(|h| !h.is_empty())),
            ),
        ),
        (
            "out_degree",
            i64s((0..n).map(|u| Some(g.out_edges(u).len() as i64))),
        ),
        (
            "in_degree",
            i64s((0..n).map(|u| Some(g.in_edges(u).len() as i64))),
        ),
        (
            "out_strength",
            f64s((0..n).map(|u| Some(g.out_strength(u)))),
        ),
        ("in_strength", f64s((0..n).map(|u| Some(g.in_strength(u))))),
    ])
}

/// One row per directed edge: `src`, `dst` (account ids), `src_handle`, `dst_handle` and `weight`,
/// by source then target.
pub fn edges(c: &Corpus, g: &InteractionGraph) -> Result<RecordBatch, Error> {
    let mut pairs: Vec<(usize, usize, f64)> = Vec::with_capacity(g.num_edges());
    for u in 0..g.num_nodes() {
        pairs.extend(g.out_edges(u).map(|(v, w)| (u, v, w)));
    }
    let acc = |node: usize| c.account(g.account(node));
    batch_of(vec![
        ("src", strings(pairs.iter().map(|p| Some(acc(p.0).id())))),
        ("dst", strings(pairs.iter().map(|p| Some(acc(p.1).id())))),
        (
            "src_handle",
            strings(
                pairs
                    .iter()
                    .map(|p| Some(acc(p.0).handle()).filter(|h| !h.is_empty())),
            ),
        ),
        (
            "dst_handle",
            strings(
                pairs
                    .iter()
                    .map(|p| Some(acc(p.1).handle()).filter(|h| !h.is_empty())),
            ),
        ),
        ("weight", f64s(pairs.iter().map(|p| Some(p.2)))),
    ])
}
