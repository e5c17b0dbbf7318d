"""The columns of a page typed as a list: where the heading ends and each column's parts lie.

A list of names typed on a page in several right-to-left columns («۱. سیاوش گلزاری» repeated
down each column) defeats a reader that segments the whole page: it joins neighbouring columns
or drops short lines. Found here from ink projections alone: the heading ends at the rule
under it (or at the last text row that crosses a column gap), columns are separated by wide
vertical gaps, and inside each column a narrow gap separates the row numbers (on the right)
from the names. The list check then reads each part on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Pixels darker than this count as ink.
INK_LEVEL = 140
#: A vertical gap this wide (share of the page width) separates two columns.
COLUMN_GAP = 0.06
#: Runs of ink narrower than this (pixels) are specks, not text.
MIN_RUN = 10
#: A rule is a row of ink at least this share of the page width.
RULE_WIDTH = 0.2


@dataclass(frozen=True)
class ListColumn:
    """One column: the x-range of its names and of its row numbers (None when unnumbered)."""

    names: tuple[int, int]
    numbers: tuple[int, int] | None


@dataclass(frozen=True)
class ListLayout:
    """The heading's bottom edge and the columns, right to left (reading order)."""

    body_top: int
    columns: tuple[ListColumn, ...]


def _runs(mask: np.ndarray, min_length: int = 1) -> list[tuple[int, int]]:
    """Start and end (exclusive) of each run of True in a 1-D mask."""
    padded = np.concatenate([[False], mask.astype(bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    starts, ends = edges[::2], edges[1::2]
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True) if b - a >= min_length]


def _body_top(ink: np.ndarray) -> int:
    """The first row below the heading: under the widest rule in the top third, if any."""
    height, width = ink.shape
    top = ink[: height // 3]
    best, row = 0, -1
    for y in range(top.shape[0]):
        runs = _runs(top[y])
        longest = max((b - a for a, b in runs), default=0)
        if longest > best:
            best, row = longest, y
    if best >= RULE_WIDTH * width:
        below = ink[row:].any(axis=1)
        blank = np.flatnonzero(~below)
        return int(row + blank[0]) if blank.size else row + 1
    return 0


def find_list_columns(gray: np.ndarray, *, rtl: bool = True) -> ListLayout | None:
    """The list layout of a greyscale page, or None when it has no columns of text.

    `rtl`: numbers stand on the right of names (Persian, Arabic); otherwise on the left.
    """
    ink = np.asarray(gray) < INK_LEVEL
    width = ink.shape[1]
    body_top = _body_top(ink)
    profile = ink[body_top:].sum(axis=0)
    runs = [r for r in _runs(profile > 2) if r[1] - r[0] >= MIN_RUN]
    groups: list[list[tuple[int, int]]] = []
    for run in runs:
        if groups and run[0] - groups[-1][-1][1] < COLUMN_GAP * width:
            groups[-1].append(run)
        else:
            groups.append([run])
    columns = []
    for parts in groups:
        span = parts[-1][1] - parts[0][0]
        if span < 0.05 * width:
            continue
        numbers: tuple[int, int] | None = None
        names = (parts[0][0], parts[-1][1])
        if len(parts) > 1:
            # The numbers stand beyond the widest gap inside the column («۱۲.» may itself
            # split into runs: digits and the full stop).
            gaps = [parts[i + 1][0] - parts[i][1] for i in range(len(parts) - 1)]
            cut = int(np.argmax(gaps))
            left, right = parts[: cut + 1], parts[cut + 1 :]
            edge = (right[0][0], right[-1][1]) if rtl else (left[0][0], left[-1][1])
            if edge[1] - edge[0] < 0.35 * span:
                mid = (left[-1][1] + right[0][0]) // 2
                if rtl:
                    names, numbers = (parts[0][0], mid), (mid, parts[-1][1])
                else:
                    names, numbers = (mid, parts[-1][1]), (parts[0][0], mid)
        columns.append(ListColumn(names=names, numbers=numbers))
    if not columns:
        return None
    if rtl:
        columns.reverse()
    return ListLayout(body_top=body_top, columns=tuple(columns))
