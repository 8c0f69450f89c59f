"""Every public class, method and property of rapport carries an example, and every example runs.

The native classes get their docstrings from the Rust `///` comments, which pytest's
``--doctest-modules`` cannot see (they live in the extension, not in a .py file): this test collects
them and runs them with ``rapport`` and ``corpus`` (the example corpus of conftest.py and
docs/python.md) in scope.
"""

from __future__ import annotations

import doctest
import inspect
from typing import Any

import pytest

import rapport

from conftest import ACCOUNTS, POSTS

CLASSES = [rapport.Corpus, rapport.Table, rapport.TableRows, rapport.Taxonomy, rapport.JobProfile, rapport.XClient, rapport.AsyncXClient, rapport.OAuth2PKCE, rapport.XUserClient, rapport.AsyncXUserClient]


def _public_members(cls: type) -> list[tuple[str, Any]]:
    out = [(cls.__name__, cls)]
    for name in vars(cls):
        if name.startswith("_"):
            continue
        out.append((f"{cls.__name__}.{name}", getattr(cls, name)))
    return out


MEMBERS = [m for cls in CLASSES for m in _public_members(cls)] + [
    ("write_sample", rapport.write_sample),
    ("score_candidates", rapport.score_candidates),
    ("impact_ratios", rapport._native.impact_ratios),
]


@pytest.mark.parametrize("name,member", MEMBERS, ids=[n for n, _ in MEMBERS])
def test_docstring_has_a_running_example(name: str, member: Any) -> None:
    doc = inspect.getdoc(member) or ""
    assert ">>>" in doc, f"{name} has no example in its docstring"
    globs = {"rapport": rapport, "corpus": rapport.Corpus.from_records(POSTS, ACCOUNTS)}
    test = doctest.DocTestParser().get_doctest(doc, globs, name, None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0
    assert result.failed == 0, f"{name}: {result.failed} example(s) failed (see the output above)"
