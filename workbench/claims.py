"""Reading the claims made about a document from a JSON file or a mapping.

Claims are what a fact-checker was told: the date the document bears, who signed it, to whom,
from which office, in which language, where it came from, and for a list how many entries it
has (``count``). Values are checked for form
(an ISO date, an ISO 639-1 language code) so that a typo is reported before analysis, not
silently ignored by the checks that compare against it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workbench.errors import ClaimsError
from workbench.model import Claims
from workbench.serialize import CLAIM_FIELDS, claims_from_dict

_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2})?$")


def parse_claims(data: Mapping[str, Any], where: str = "claims") -> Claims:
    """Validated `Claims` from a mapping; raises `ClaimsError` naming the bad field."""
    if not isinstance(data, Mapping):
        raise ClaimsError(f"{where}: expected a JSON object of claims, got {type(data).__name__}")
    for name in CLAIM_FIELDS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise ClaimsError(f"{where}: {name!r} must be a string, not {type(value).__name__}")
    date = data.get("date")
    if date is not None and not _PARTIAL_DATE.match(date):
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            raise ClaimsError(
                f"{where}: date {date!r} is not an ISO 8601 date (YYYY-MM-DD, YYYY-MM or YYYY)"
            ) from None
    count = data.get("count")
    if count is not None:
        if isinstance(count, str) and count.strip().isdigit():
            data = {**data, "count": int(count)}
        elif isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ClaimsError(
                f"{where}: count {count!r} must be a whole number of entries (e.g. 149)"
            )
    language = data.get("language")
    if language is not None and not _LANGUAGE.match(language):
        raise ClaimsError(
            f"{where}: language {language!r} is not an ISO 639 code such as 'fa', 'ar' or 'en'"
        )
    return claims_from_dict(dict(data))


def load_claims(path: str | Path) -> Claims:
    """Claims from a JSON file (UTF-8)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ClaimsError(f"{path}: claims file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ClaimsError(f"{path}: claims file cannot be read ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ClaimsError(f"{path}: claims file is not valid JSON ({exc})") from None
    return parse_claims(data, where=str(path))
