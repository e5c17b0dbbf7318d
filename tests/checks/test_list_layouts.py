"""A scanned list in another layout than the samples': columns found from its word boxes."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from workbench_checks.lists.scan import _better_numbers, latin_digits, words_outside

from workbench import analyze
from workbench.imaging.layout.columns import ListColumn, ListLayout
from workbench.text.list_layout import (
    WordBox,
    ink_agrees,
    layout_from_words,
    numbered_columns,
    reads_as_numbered_list,
)
from workbench.text.lists import split_father
from workbench.text.matching import compact

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.lists_benchmark import (  # noqa: E402
    development_scan,
    independent_people,
    short_development_scan,
)

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract")


def test_fathers_name_after_the_name_is_split_from_it() -> None:
    assert split_father("۱۲ - علی رضایی (فرزند حسن)") == ("۱۲ - علی رضایی", "حسن")
    assert split_father("مریم کاظمی فرزند محمدرضا") == ("مریم کاظمی", "محمدرضا")
    assert split_father("سیاوش گلزاری") == ("سیاوش گلزاری", "")
    assert split_father("پدر: حسن") == ("", "حسن")


def test_columns_are_the_line_ups_of_row_numbers_right_to_left() -> None:
    """Two columns of «n. name» with a father's field, as a sparse OCR pass boxes them."""
    words = [WordBox("فهرست", 900, 100, 120, 40)]
    for row in range(8):
        y = 250 + 42 * row
        for right, number in ((1530, f"{row + 1}."), (820, f"{row + 9}.")):
            words.append(WordBox(number, right - 30, y, 30, 24))
            words.append(WordBox("نام", right - 120, y, 70, 28))
            words.append(WordBox("خانوادگی", right - 230, y, 95, 28))
            words.append(WordBox("پدر", right - 560, y, 60, 28))
    words.append(WordBox("۳", 1045, 300, 17, 26))  # a stray digit read inside a field
    layout = layout_from_words(words)
    assert layout is not None and len(layout.columns) == 2
    right, left = layout.columns
    assert right.numbers == (1500, 1530) and left.numbers == (790, 820)
    assert right.fields == ((1300, 1480), (970, 1062))  # the stray digit joins its field
    assert len(left.fields) == 2 and len(right.rows) == 8
    assert layout.body_top < 250


def _page(rows: int, fields: list[str], number: str = "{}.") -> list[WordBox]:
    """Words of two columns of numbered rows with `fields` beside each number, as OCR boxes them."""
    words = [WordBox("فهرست", 900, 100, 120, 40)]
    half = (rows + 1) // 2
    for k in range(rows):
        column, row = divmod(k, half)
        right, y = 1530 - 720 * column, 250 + 42 * row
        words.append(WordBox(number.format(k + 1), right - 30, y, 30, 24))
        x = right - 50
        for text in fields:
            words.append(WordBox(text, x - 90, y, 90, 28))
            x -= 130
    return words


def test_a_numbered_list_of_names_is_told_from_a_table_of_dates_and_sums() -> None:
    names = _page(40, ["مریم", "کاظمی", "پدر:", "حسن"])
    assert numbered_columns(names) == (38, 0.0)  # 19 steps down each of two columns
    assert reads_as_numbered_list(names)
    table = _page(40, ["علی", "رضایی", "۱۴۰۱/۰۲/۰۳", "۲۵۰۰۰۰"])
    assert numbered_columns(table)[1] == 0.5 and not reads_as_numbered_list(table)
    assert not reads_as_numbered_list(_page(8, ["مریم", "کاظمی"]))  # too few rows to tell
    letter = [
        WordBox(w, 1500 - 100 * i, 300 + 40 * j, 90, 28)
        for j in range(12)
        for i, w in enumerate(["در", "تاریخ", "۱۲", "جلسه"])
    ]
    assert not reads_as_numbered_list(letter)


def test_the_ink_layout_is_kept_only_where_the_row_numbers_line_up_with_it() -> None:
    words = layout_from_words(_page(40, ["مریم", "کاظمی", "پدر:", "حسن"]))
    assert words is not None and len(words.columns) == 2
    (a, b), (c, d) = words.columns[0].numbers, words.columns[1].numbers
    same = ListLayout(200, (ListColumn((1200, a), (a, b)), ListColumn((500, c), (c, d))))
    assert ink_agrees(same, words)
    # A father's column taken for a column of its own, its «پدر:» for numbers.
    four = ListLayout(
        200,
        (
            ListColumn((1350, a), (a, b)),
            ListColumn((1100, 1250), (1250, 1300)),
            ListColumn((650, c), (c, d)),
            ListColumn((400, 500), (500, 560)),
        ),
    )
    assert not ink_agrees(four, words)
    assert not ink_agrees(None, words) and ink_agrees(same, None)


def test_words_outside_the_ink_columns_show_a_column_it_missed() -> None:
    """The page's own reading says whether the ink's columns hold the whole list."""
    layout = ListLayout(200, (ListColumn((1200, 1400), (1400, 1450)),))

    def reading(*boxes: tuple[int, int, int, int]) -> SimpleNamespace:
        return SimpleNamespace(words=[SimpleNamespace(text="نام", box=b) for b in boxes])

    inside = [(1250, 300 + 40 * j, 100, 28) for j in range(10)]
    heading = [(300, 50, 200, 40)]  # above the body: not counted
    assert words_outside(reading(*inside, *heading), layout, None) == 0.0
    missed = [(500, 300 + 40 * j, 100, 28) for j in range(10)]
    assert words_outside(reading(*inside, *missed), layout, None) == 0.5
    assert words_outside(reading(*heading), layout, None) == 1.0  # no word below the heading
    # On a levelled page the words are moved by the inverse of the map to the page's pixels.
    shifted = np.array([[1.0, 0.0, -700.0], [0.0, 1.0, 0.0]])
    assert words_outside(reading(*missed), layout, shifted) == 0.0


def test_latin_row_numbers_are_taken_from_the_reading_that_counts() -> None:
    persian = [("۱)", 10.0, 80.0), ("r)", 50.0, 40.0), ("۳", 90.0, 70.0), ("ٔ", 130.0, 20.0)]
    latin = [("1)", 10.0, 90.0), ("2)", 50.0, 90.0), ("3)", 90.0, 90.0), ("4)", 130.0, 90.0)]
    assert _better_numbers(persian, latin) == latin
    assert _better_numbers(latin, persian) == latin


@needs_tesseract
@pytest.mark.slow
def test_two_column_list_in_another_face_at_200_dpi(tmp_path: Path) -> None:
    """The development list: Noto Naskh, a father's column, Latin numbers on its second half."""
    people = independent_people(n=70, seed=16)
    scan = tmp_path / "list.jpg"
    development_scan(scan, people)
    report = analyze(scan, claims={"count": 70}, only=["lists"])
    rows = report.results["lists"]["rows"]
    exact = sum(
        compact(r["full_name"]) == compact(n) for r, (n, _) in zip(rows, people, strict=False)
    )
    assert len(rows) == 70 and exact >= 63
    fathers = sum(
        compact(r["father"]) == compact(f) for r, (_, f) in zip(rows, people, strict=False)
    )
    assert fathers >= 56
    assert "lists.count_matches" in {f.code for f in report.findings}


@needs_tesseract
@pytest.mark.slow
def test_short_list_with_fathers_apart_and_latin_numbers(tmp_path: Path) -> None:
    """The second development list: 40 names, read by the page's OCR as joined lines."""
    people = independent_people(n=40, seed=17)
    scan = tmp_path / "short.jpg"
    short_development_scan(scan, people)
    report = analyze(scan, claims={"count": 40}, only=["lists"])
    result = report.results["lists"]
    assert result["source"] == "scan" and result["count"] == 40
    rows = result["rows"]
    assert sum(r["number"] == k for k, r in enumerate(rows, 1)) >= 36  # Latin numbers read
    fathers = sum(
        compact(r["father"]) == compact(f) for r, (_, f) in zip(rows, people, strict=False)
    )
    assert fathers >= 20  # «پدر:» taken off
    count = [f for f in report.findings if f.evidence.get("origin") == "claims"]
    assert [f.code for f in count] == ["lists.count_matches"]


def test_only_strips_read_in_latin_digits_are_read_again() -> None:
    """The Persian model's reading of a strip says which strips hold Latin row numbers."""
    persian = [("۱", 10.0, 90.0), ("۲", 52.0, 90.0), ("1", 94.0, 40.0), ("۴.", 136.0, 90.0)]
    latin = [("46", 10.0, 90.0), ("47", 52.0, 90.0), ("دص", 94.0, 10.0), ("۵۱", 136.0, 50.0)]
    assert not latin_digits(persian)
    assert latin_digits(latin)
    assert not latin_digits([])
