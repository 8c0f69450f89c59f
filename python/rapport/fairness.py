"""Bias audits of a ranking's outcome: selection rates and impact ratios per group (the four-fifths
rule of the EEOC guidelines and NYC Local Law 144), per category and for their intersection.

Group labels are the employer's own data: rapport never infers them. Pass plain lists, numpy arrays,
pandas Series or a DataFrame of categories.

>>> from rapport import fairness
>>> audit = fairness.impact_ratios(
...     [True, True, False, True, False, False],
...     {"sex": ["F", "F", "F", "M", "M", "M"]},
...     min_group_size=1,
... )
>>> t = audit["tables"]["sex"]
>>> t["group"], t["rate"], t["impact_ratio"], t["below_four_fifths"]
(['F', 'M'], [0.6666666666666666, 0.3333333333333333], [1.0, 0.5], [False, True])
>>> audit["any_flag"]
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Optional, Union

from rapport import _native

__all__ = ["impact_ratios"]


def _as_list(values: Any) -> list[Any]:
    if hasattr(values, "tolist"):
        out: list[Any] = values.tolist()
        return out
    return list(values)


def _label(v: Any) -> Optional[str]:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return str(v)


def impact_ratios(
    outcome: Union[Sequence[bool], Sequence[float], Any],
    groups: Union[Mapping[str, Sequence[Any]], Any],
    *,
    top_k: Optional[int] = None,
    threshold: Optional[float] = None,
    flag_below: float = 0.8,
    min_group_size: int = 30,
    exclude_below_share: Optional[float] = None,
    intersections: bool = True,
) -> dict[str, Any]:
    """The bias audit of an outcome.

    ``outcome`` holds one value per person: bools (selected or not) or scores. Scores are rated by the
    share above the median, unless ``top_k`` (the k best selected) or ``threshold`` (scores at least
    this selected) turn them into a selection. ``groups`` maps each category to one label per person
    (``None``, ``NaN`` or ``""`` for unknown) and may be a pandas DataFrame.

    Returns a dict: ``mode`` (``selection`` or ``scoring``), ``sample_size``, ``positive``, ``median``,
    ``any_flag``, ``warnings``, ``summary`` (a Table, one row per category) and ``tables`` (category →
    Table with ``group``, ``count``, ``positive``, ``rate``, ``impact_ratio``, ``below_four_fifths``,
    ``small_group``, ``excluded``, ``share``).

    >>> a = impact_ratios([0.9, 0.8, 0.1, 0.7, 0.2, 0.3], {"age": ["<40", "<40", "<40", "40+", "40+", "40+"]},
    ...                   top_k=3, min_group_size=1)
    >>> a["mode"], a["tables"]["age"]["group"], a["tables"]["age"]["impact_ratio"]
    ('selection', ['40+', '<40'], [0.5, 1.0])
    """
    if hasattr(groups, "columns") and hasattr(groups, "__getitem__") and not isinstance(groups, Mapping):
        groups = {str(c): groups[c] for c in groups.columns}
    labels = {str(k): [_label(v) for v in _as_list(vals)] for k, vals in groups.items()}
    values = _as_list(outcome)
    if values and all(isinstance(v, bool) for v in values):
        out: Union[list[bool], list[float]] = [bool(v) for v in values]
    else:
        out = [float(v) for v in values]
    return _native.impact_ratios(
        out,
        labels,
        top_k=top_k,
        threshold=threshold,
        flag_below=flag_below,
        min_group_size=min_group_size,
        exclude_below_share=exclude_below_share,
        intersections=intersections,
    )
