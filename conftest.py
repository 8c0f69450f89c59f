"""Doctest namespace for the examples in python/rapport/*.py and docs/*.md: ``rapport``, ``corpus``
(the hand-checked example corpus of tests/python/conftest.py) and matplotlib's Agg backend."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent / "tests" / "python"))


@pytest.fixture(autouse=True)
def _rapport_doctest_namespace(doctest_namespace: dict[str, Any]) -> None:
    import rapport
    from conftest import ACCOUNTS, POSTS  # tests/python/conftest.py

    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        pass
    doctest_namespace["rapport"] = rapport
    doctest_namespace["plot"] = rapport.plot
    doctest_namespace["corpus"] = rapport.Corpus.from_records(POSTS, ACCOUNTS)
