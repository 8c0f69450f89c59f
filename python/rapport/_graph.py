"""The interaction graph to networkx: :meth:`rapport.Graph.to_networkx` lives here, where the optional
import and its error message belong."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rapport._native import Graph


def to_networkx(graph: Graph) -> Any:
    """A ``networkx.DiGraph`` with every node (keyed by account id, with its ``handle``) and every
    edge (with its ``weight``), exactly as rapport built them."""
    try:
        nx = importlib.import_module("networkx")
    except ImportError as e:
        raise ImportError(
            "Graph.to_networkx() needs networkx, which is not installed: "
            "pip install 'rapport[plot]' (or pip install networkx)"
        ) from e
    g = nx.DiGraph()
    g.graph["weights"] = graph.weights
    nodes = graph.nodes()
    g.add_nodes_from(
        (i, {"handle": h, "out_strength": o, "in_strength": n})
        for i, h, o, n in zip(nodes["id"], nodes["handle"], nodes["out_strength"], nodes["in_strength"])
    )
    edges = graph.edges()
    g.add_weighted_edges_from(zip(edges["src"], edges["dst"], edges["weight"]))
    return g
