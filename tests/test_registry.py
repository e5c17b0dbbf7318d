from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.errors import UnknownCheckError
from workbench.registry import discover

PLUGIN = """
from workbench.check import Check
from workbench.model import Severity


class ShoutCheck(Check):
    name = "shout"
    version = "3"
    title = "A test plug-in"
    explanation = "Reports one notice for every document, to prove plug-ins are found."

    def run(self, context):
        return self.ok(findings=[self.finding("hello", Severity.NOTICE, "Hello", "from a plug-in")])


class NotACheck:
    name = "imposter"
"""


@pytest.fixture
def plugin_dist(tmp_path: Path) -> Iterator[Path]:
    """A real installed distribution with entry points, on sys.path for the test."""
    (tmp_path / "shout_plugin.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    info = tmp_path / "shout_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: shout-plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[workbench.checks]\n"
        "shout = shout_plugin:ShoutCheck\n"
        "imposter = shout_plugin:NotACheck\n"
        "missing = shout_plugin_gone:Nothing\n",
        encoding="utf-8",
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("shout_plugin", None)


def test_builtin_file_check_is_registered() -> None:
    registry = discover()
    assert "file" in registry.names()
    cls = registry.get("file")
    assert cls.__module__ == "workbench_checks.file"


def test_every_check_documents_itself() -> None:
    for cls in discover().checks:
        assert cls.version and cls.title and len(cls.explanation) > 80, cls.name


def test_third_party_plugin_found_through_entry_points(
    plugin_dist: Path, jpeg_letter: Path
) -> None:
    registry = discover()
    assert "shout" in registry.names()
    broken = {b.name: b.error for b in registry.broken}
    assert "not a subclass" in broken["imposter"]
    assert "ModuleNotFoundError" in broken["missing"]
    with pytest.raises(UnknownCheckError, match="broken"):
        registry.get("missing")

    from workbench import analyze

    report = analyze(jpeg_letter, only=["shout"])
    assert [f.code for f in report.findings] == ["shout.hello"]


def test_unknown_check_named() -> None:
    with pytest.raises(UnknownCheckError, match=r"available: .*file"):
        discover().select(["nonesuch"])


def test_chosen_checks_alone_are_loaded() -> None:
    registry = discover(only=["metadata", "file"])
    assert set(registry.names()) == {"file", "metadata"}
    assert {"ocr", "script", "forensics"} <= set(registry.registered)
    # An unknown name among the chosen ones still lists every registered check.
    with pytest.raises(UnknownCheckError, match=r"available: .*forensics"):
        discover(only=["file", "nonesuch"]).select(["file", "nonesuch"])
