from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.shared import shared_file
from workbench.checklist import load_checklist
from workbench.errors import UsageError
from workbench.model import Finding, Severity
from workbench.registry import discover


def test_builtin_checklist_shape() -> None:
    checklist = load_checklist()
    assert checklist.answers == ("consistent", "inconsistent", "cannot_tell", "not_applicable")
    assert len(checklist.sections) == 7


def test_builtin_checklist_has_every_item_of_the_design() -> None:
    # The design's checklist lives in ../shared: skipped (with the reason) in a plain clone.
    design = shared_file("CHECKLIST.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^- `([a-z]+\.[a-z]+)`", design, re.M))
    assert documented == load_checklist().item_ids()


def test_checks_named_by_items_are_installed_checks_or_human() -> None:
    # Every check an item points the reviewer to is installed: no names of checks to come.
    installed = set(discover().names())
    named: set[str] = set()
    for item in load_checklist().items():
        assert set(item.checks) <= installed | {"human"}, item.id
        named |= set(item.checks)
    # The items point at the checks that answer them: the core checks are all named.
    core = {"file", "metadata", "compression", "forensics", "ocr", "script", "dates", "layout"}
    assert core <= named


def test_findings_grouped_by_item() -> None:
    checklist = load_checklist()
    finding = Finding(
        "file", "file.sha256", Severity.INFO, "t", "d", checklist=("prov.hash", "no.such")
    )
    grouped = checklist.linked_findings([finding])
    assert grouped["prov.hash"] == [finding]
    assert "no.such" not in grouped


def test_custom_checklist_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        'answers = ["yes", "no"]\nverdicts = ["ok"]\n[[sections]]\nid = "s"\ntitle = "S"\n'
        '[[sections.items]]\nid = "s.one"\nquestion = "Q?"\n',
        encoding="utf-8",
    )
    assert load_checklist(path).item_ids() == {"s.one"}
    path.write_text('answers = []\n[[sections]]\nid = "s"\n', encoding="utf-8")
    with pytest.raises(UsageError, match="not a checklist"):
        load_checklist(path)
