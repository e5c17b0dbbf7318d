"""Letters of one template of the independent corpus, shared by the layout check's tests.

A letter with its date erased and typed again (the corpus's development page 48), an
untouched letter of the same template (page 0) and three genuine letters of it as exemplars
(pages 80-82), made once per test run (``benchmarks/forensic_corpus.py``), and the layout
check's reports of the first two against the exemplars: the word-tone and edge tests assert
on the same analyses rather than making and analysing the letters twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from workbench import analyze
from workbench.model import Report


@dataclass(frozen=True)
class TemplateLetters:
    """The letters of one template and the layout check's reports against the exemplars."""

    retyped: Any  # forensic_corpus.Entry (`tests.support.corpus`), imported on first use
    untouched: Any
    exemplars: list[Path]
    folder: Path
    retyped_report: Report
    untouched_report: Report


@pytest.fixture(scope="session")
def template_letters(tmp_path_factory: pytest.TempPathFactory) -> TemplateLetters:
    """Made and analysed on first use (the tests using it skip without the corpus fonts)."""
    from tests.support.corpus import fc

    folder = tmp_path_factory.mktemp("template")
    retyped = fc.make_entry("dev", 48, "retyped-digits", "letter", 0, folder, plain_retype=True)
    untouched = fc.make_entry("dev", 0, "none", "letter", 0, folder)
    exemplars = [
        folder / fc.make_entry("dev", i, "exemplar", "letter", 0, folder).path for i in (80, 81, 82)
    ]

    def layout(entry: Any) -> Report:
        return analyze(folder / entry.path, references=exemplars, only=["layout"], out=None)

    return TemplateLetters(
        retyped, untouched, exemplars, folder, layout(retyped), layout(untouched)
    )
