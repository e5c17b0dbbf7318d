"""The ``dates`` check: the dates a document bears, in its calendars, against what is claimed.

`check` holds the check and its findings; `found` the dates as found and located on the
page, the claimed date, and how a date is described and reported.
"""

from __future__ import annotations

from .check import DatesCheck, file_timestamps, iran_holiday
from .found import parse_claimed

__all__ = ["DatesCheck", "file_timestamps", "iran_holiday", "parse_claimed"]
