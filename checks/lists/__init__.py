"""The ``lists`` check: a list of people read into rows, counted, and checked for repeats.

`check` holds the check and its findings; `scan` the reading of a scanned list page typed in
columns.
"""

from __future__ import annotations

from .check import ListsCheck
from .scan import read_list_page

__all__ = ["ListsCheck", "read_list_page"]
