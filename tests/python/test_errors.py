from __future__ import annotations

import subprocess
import sys

import pytest

import rapport
from rapport import _native


@pytest.mark.parametrize(
    "cls",
    [
        rapport.ParseError,
        rapport.ApiError,
        rapport.RateLimitError,
        rapport.AuthError,
        rapport.NotFoundError,
        rapport.ConfigError,
        rapport.TaxonomyError,
        rapport.UnknownAccountError,
    ],
)
def test_every_error_is_a_rapport_error(cls: type) -> None:
    assert issubclass(cls, rapport.RapportError)
    assert issubclass(cls, Exception)


def test_api_error_family() -> None:
    for cls in (rapport.RateLimitError, rapport.AuthError, rapport.NotFoundError):
        assert issubclass(cls, rapport.ApiError)
    assert rapport.ParseError.line is None and rapport.ParseError.json_path is None
    assert rapport.RateLimitError.reset_at is None
    assert rapport.RapportError.__module__ == "rapport._native"


def test_guarded_panic_is_a_rapport_error() -> None:
    with pytest.raises(rapport.RapportError, match="internal error.*boom"):
        _native._panic_for_tests("boom")
    # the interpreter and the module keep working afterwards
    assert rapport.Corpus().num_posts == 0


def test_unguarded_panic_does_not_end_the_process() -> None:
    # pyo3 turns a panic into pyo3_runtime.PanicException (a BaseException): the process survives it.
    code = (
        "import rapport\n"
        "from rapport import _native\n"
        "try:\n"
        "    _native._panic_for_tests('kaboom', guarded=False)\n"
        "except BaseException as e:\n"
        "    print(type(e).__name__, e)\n"
        "print('still alive', rapport.Corpus().num_posts)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "PanicException kaboom" in r.stdout
    assert "still alive 0" in r.stdout


def test_version() -> None:
    assert rapport.__version__.count(".") == 2
    assert set(rapport.__all__) <= set(dir(rapport))
