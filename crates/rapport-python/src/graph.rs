//! `Corpus.graph()`: the interaction graph (who replies to, mentions, quotes and reposts whom) as a
//! `rapport.Graph`, with its node and edge tables and a `to_networkx()` for analysts who go further.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use rapport_core::Corpus;
use rapport_core::engagement::Interactions;
use rapport_core::graph::{InteractionGraph, KindWeights};

use crate::corpus::PyCorpus;
use crate::guarded;
use crate::table::PyTable;

/// The directed, weighted interaction graph of a corpus: one node per account, one edge `src → dst`
/// per pair that interacted, weighing the interactions' kind weights (1 each by default, so an edge
/// weighs its number of replies, mentions, quotes and reposts). It is the graph the mentor ranking
/// runs PageRank on.
///
/// ```python
/// >>> g = corpus.graph()
/// >>> g
/// <rapport.Graph nodes=4 edges=2>
/// >>> g.edges().columns
/// ['src', 'dst', 'src_handle', 'dst_handle', 'weight']
///
/// ```
#[pyclass(module = "rapport._native", name = "Graph", frozen)]
pub(crate) struct PyGraph {
    corpus: Arc<Corpus>,
    graph: Arc<InteractionGraph>,
}

#[pymethods]
impl PyCorpus {
    /// The interaction graph, with a weight per interaction kind (`reply`, `mention`, `repost`,
    /// `quote`; finite, 0 or more; 1 each by default). A kind weighted 0 leaves its edges out.
    ///
    /// ```python
    /// >>> corpus.graph().num_edges, corpus.graph(reply=0.0).num_edges
    /// (2, 0)
    ///
    /// ```
    #[pyo3(signature = (*, reply = 1.0, mention = 1.0, repost = 1.0, quote = 1.0))]
    fn graph(
        &self,
        py: Python<'_>,
        reply: f64,
        mention: f64,
        repost: f64,
        quote: f64,
    ) -> PyResult<PyGraph> {
        let weights = KindWeights {
            reply,
            mention,
            repost,
            quote,
        };
        let c = Arc::clone(&self.inner);
        let graph = guarded(py, move || {
            Ok(InteractionGraph::build(
                &c,
                &Interactions::build(&c),
                &weights,
            )?)
        })?;
        Ok(PyGraph {
            corpus: Arc::clone(&self.inner),
            graph: Arc::new(graph),
        })
    }
}

#[pymethods]
impl PyGraph {
    /// Nodes: one per distinct account of the corpus, isolated ones included.
    ///
    /// ```python
    /// >>> corpus.graph().num_nodes
    /// 4
    ///
    /// ```
    #[getter]
    fn num_nodes(&self) -> usize {
        self.graph.num_nodes()
    }

    /// Distinct directed edges.
    ///
    /// ```python
    /// >>> corpus.graph().num_edges
    /// 2
    ///
    /// ```
    #[getter]
    fn num_edges(&self) -> usize {
        self.graph.num_edges()
    }

    /// The kind weights the graph was built with, as a dict.
    ///
    /// ```python
    /// >>> corpus.graph(mention=0.5).weights["mention"]
    /// 0.5
    ///
    /// ```
    #[getter]
    fn weights<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let w = &self.graph.weights;
        let d = PyDict::new(py);
        d.set_item("reply", w.reply)?;
        d.set_item("mention", w.mention)?;
        d.set_item("repost", w.repost)?;
        d.set_item("quote", w.quote)?;
        Ok(d)
    }

    /// One row per node: `id`, `handle`, `out_degree`, `in_degree`, `out_strength`, `in_strength`.
    ///
    /// ```python
    /// >>> n = {r["handle"]: r for r in corpus.graph().nodes()}
    /// >>> n["ada"]["out_degree"], n["ada"]["out_strength"]
    /// (1, 2.0)
    ///
    /// ```
    fn nodes(&self, py: Python<'_>) -> PyResult<PyTable> {
        let (c, g) = (Arc::clone(&self.corpus), Arc::clone(&self.graph));
        Ok(PyTable::new(guarded(py, move || {
            Ok(rapport_arrow::graph::nodes(&c, &g)?)
        })?))
    }

    /// One row per directed edge: `src`, `dst` (account ids), `src_handle`, `dst_handle`, `weight`.
    ///
    /// ```python
    /// >>> sorted((r["src_handle"], r["dst_handle"], r["weight"]) for r in corpus.graph().edges())[0]
    /// ('acme_careers', 'ada', 1.0)
    ///
    /// ```
    fn edges(&self, py: Python<'_>) -> PyResult<PyTable> {
        let (c, g) = (Arc::clone(&self.corpus), Arc::clone(&self.graph));
        Ok(PyTable::new(guarded(py, move || {
            Ok(rapport_arrow::graph::edges(&c, &g)?)
        })?))
    }

    /// The graph as a `networkx.DiGraph`: nodes keyed by account id with a `handle` attribute, edges
    /// with their `weight`. Needs networkx (`pip install 'rapport[plot]'` or `pip install networkx`).
    ///
    /// ```python
    /// >>> nx_graph = corpus.graph().to_networkx()
    /// >>> nx_graph.number_of_nodes(), nx_graph.number_of_edges()
    /// (4, 2)
    ///
    /// ```
    fn to_networkx<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("rapport._graph")?
            .getattr("to_networkx")?
            .call1((slf,))
    }

    fn __repr__(&self) -> String {
        format!(
            "<rapport.Graph nodes={} edges={}>",
            self.graph.num_nodes(),
            self.graph.num_edges()
        )
    }
}
