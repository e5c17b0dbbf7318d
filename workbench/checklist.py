"""The reviewer checklist, loaded from data so a newsroom can adapt it without code.

The default is ``workbench/data/checklist.toml`` (the checklist of the project's design);
another file with the same shape can be loaded instead. Findings name checklist item ids;
`Checklist.linked_findings` groups a report's findings under the items they bear on.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from workbench.errors import UsageError
from workbench.model import Finding


@dataclass(frozen=True)
class ChecklistItem:
    """One question a reviewer answers about a document."""

    id: str
    section: str
    question: str
    checks: tuple[str, ...] = ()
    filled_by_workbench: bool = False


@dataclass(frozen=True)
class ChecklistSection:
    """A titled group of items (Provenance, File and metadata, ...)."""

    id: str
    title: str
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class Checklist:
    """The whole checklist with its allowed answers and verdicts."""

    sections: tuple[ChecklistSection, ...]
    answers: tuple[str, ...]
    verdicts: tuple[str, ...]

    def items(self) -> list[ChecklistItem]:
        """Every item, in order."""
        return [item for section in self.sections for item in section.items]

    def item_ids(self) -> set[str]:
        """The ids of every item."""
        return {item.id for item in self.items()}

    def linked_findings(self, findings: Iterable[Finding]) -> dict[str, list[Finding]]:
        """Findings grouped under each item id they name (unknown ids are left out)."""
        grouped: dict[str, list[Finding]] = {item.id: [] for item in self.items()}
        for finding in findings:
            for item_id in finding.checklist:
                if item_id in grouped:
                    grouped[item_id].append(finding)
        return grouped


def _parse(data: dict[str, Any], where: str) -> Checklist:
    try:
        sections = []
        seen: set[str] = set()
        for raw in data["sections"]:
            items = []
            for item in raw["items"]:
                if item["id"] in seen:
                    raise UsageError(f"{where}: checklist item {item['id']!r} appears twice")
                seen.add(item["id"])
                items.append(
                    ChecklistItem(
                        id=str(item["id"]),
                        section=str(raw["id"]),
                        question=str(item["question"]),
                        checks=tuple(item.get("checks", ())),
                        filled_by_workbench=bool(item.get("filled_by_workbench", False)),
                    )
                )
            sections.append(ChecklistSection(str(raw["id"]), str(raw["title"]), tuple(items)))
        return Checklist(
            sections=tuple(sections),
            answers=tuple(data["answers"]),
            verdicts=tuple(data["verdicts"]),
        )
    except (KeyError, TypeError) as exc:
        raise UsageError(f"{where}: not a checklist file (missing {exc})") from None


def load_checklist(path: str | Path | None = None) -> Checklist:
    """The checklist at `path`, or the built-in one when `path` is None."""
    if path is None:
        text = resources.files("workbench.data").joinpath("checklist.toml").read_text("utf-8")
        where = "built-in checklist"
    else:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise UsageError(f"{path}: checklist cannot be read ({exc})") from None
        where = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{where}: not valid TOML ({exc})") from None
    return _parse(data, where)
