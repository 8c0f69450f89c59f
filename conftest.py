"""Doctest namespace for the examples in python/rapport/*.py and docs/*.md: ``rapport``, ``plot``,
``corpus`` (the hand-checked example corpus of tests/python/conftest.py) and matplotlib's Agg
backend.

tests/python/conftest.py is loaded under its own module name; its ``POSTS`` and ``ACCOUNTS`` are
re-exported here so ``from conftest import POSTS`` works whichever ``conftest`` Python finds first.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

_spec = importlib.util.spec_from_file_location(
    "_rapport_example_corpus", Path(__file__).parent / "tests" / "python" / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
_example = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_example)
POSTS: list[dict[str, Any]] = _example.POSTS
ACCOUNTS: list[dict[str, Any]] = _example.ACCOUNTS


@pytest.fixture(autouse=True)
def _rapport_doctest_namespace(doctest_namespace: dict[str, Any]) -> None:
    import rapport

    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        pass
    doctest_namespace["rapport"] = rapport
    doctest_namespace["plot"] = rapport.plot
    doctest_namespace["corpus"] = rapport.Corpus.from_records(POSTS, ACCOUNTS)
