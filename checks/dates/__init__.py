"""The ``dates`` check: the dates a document bears, in its calendars, against what is claimed."""

from __future__ import annotations

from .check import DatesCheck, file_timestamps, iran_holiday, parse_claimed

__all__ = ["DatesCheck", "file_timestamps", "iran_holiday", "parse_claimed"]
