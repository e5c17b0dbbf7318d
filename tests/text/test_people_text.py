from __future__ import annotations

from dataclasses import replace

from workbench.text.lists import (
    numbering_problems,
    parse_html_table,
    parse_text_rows,
    stated_counts,
)
from workbench.text.people import names_in_line, parse_claimed_person, parse_title
from workbench.text.romanize import latin_key, latin_similarity, romanize, split_seyyed


def test_seyyed_split_and_spellings() -> None:
    assert split_seyyed("سیدمرتضی کاویان‌پور") == ("سید", "مرتضی کاویانپور")
    assert split_seyyed("بهرام سیدی")[0] is None
    spelling = romanize("سیدمرتضی کاویان‌پور")
    assert spelling.best == "Seyyed Morteza Kavianpour"


def test_latin_variants_compare_equal() -> None:
    assert latin_key("Seyed Morteza Kavian-Pour") == latin_key("Sayyid Morteza Kavianpoor")
    score, _ = latin_similarity("Morteza Kavianpour", ["Seyyed Morteza Kavianpour"])
    assert score == 100.0


def test_titles_and_claims() -> None:
    title = parse_title("رئیس دفتر بازرسی و نظارت")
    assert title is not None and (title.kind, title.body_kind) == ("head", "office")
    claim = parse_claimed_person("Seyyed Morteza Kavianpour, who heads the Ministry of Water")
    assert claim.name == "Seyyed Morteza Kavianpour"
    assert (claim.title_kind, claim.body_kind) == ("head", "ministry")


def test_names_after_plural_honorific() -> None:
    line = "آقایان کامران صدری و داوود فرزین‌فر، انجام گیرد"
    assert [n for _, n in names_in_line(line)] == ["کامران صدری", "داوود فرزین‌فر"]


def test_list_text_helpers() -> None:
    rows = parse_text_rows(["۱. سیاوش گلزاری", "۲. الناز یزدانی", "۴. هما رحیمی"])
    assert [r.number for r in rows] == [1, 2, 4]
    assert [p.kind for p in numbering_problems(rows)] == ["gap"]
    # A row whose number OCR did not read stands for the number between its neighbours.
    unread = [replace(r, number=None) if r.index == 2 else r for r in rows]
    assert [p.kind for p in numbering_problems(unread)] == ["gap"]  # 1, ?, 4: still one short
    unread[2] = replace(unread[2], number=3)
    assert numbering_problems(unread) == []  # 1, ?, 3
    assert stated_counts("دفتر بازرسی و نظارت، سال ۱۳۸۰ (۱۴۹ نفر)")[0][0] == 149


def test_html_table_with_omitted_end_tags_and_nested_table() -> None:
    """Cells and rows may leave their end tags out; a nested table keeps its own rows."""
    rows = parse_html_table(
        "<table><tr><th>ردیف<th>نام<th>نام خانوادگی"
        "<tr><td>۱<td>علی<td>رضایی<tr><td>۲<td>حسن<td>کریمی</table>"
        "<table><tr><td>x</td></tr></table>"
    )
    assert [(r.number, r.name, r.surname) for r in rows] == [
        (1, "علی", "رضایی"),
        (2, "حسن", "کریمی"),
    ]


def test_html_table_in_unclosed_markup() -> None:
    """Thousands of unclosed tags (a hostile upload) parse as no list rather than stall."""
    assert parse_html_table("<table><tr><td>" + "<a " * 130_000) == []


def test_bodies_named_in_running_text() -> None:
    from workbench.text.people import bodies_in_text

    line = "به استحضار می‌رساند گزارش وزارت امور خارجه و سازمان برنامه و بودجه کشور مطرح شد."
    assert bodies_in_text(line) == [
        ("ministry", "وزارت امور خارجه", "running text"),
        ("organisation", "سازمان برنامه و بودجه کشور", "running text"),
    ]
    # the first half of a compound verb is not part of the name
    line = "مقرر شد این دفتر با اداره کل امور مالیاتی استان تهران هماهنگ کند."
    assert bodies_in_text(line) == [
        ("directorate_general", "اداره کل امور مالیاتی استان تهران", "running text")
    ]
    assert bodies_in_text("پرونده به دفتر حقوقی وزارت نیرو فرستاده شد.") == [
        ("office", "دفتر حقوقی وزارت نیرو", "line start")
    ]
    # «است» joins the name to what is said of it
    assert bodies_in_text("متولی این امر سازمان حج و زیارت است.") == [
        ("organisation", "سازمان حج و زیارت", "running text")
    ]


def test_body_words_that_name_no_body() -> None:
    from workbench.text.people import bodies_in_text

    # taking part (شرکت در), a body referred back to (ذیربط), "this office", "is run" (اداره)
    assert bodies_in_text("تعداد ۲۰ نفر برای شرکت در دوره آموزشی معرفی شدند.") == []
    assert bodies_in_text("موضوع به اطلاع اداره کل ذیربط رسید.") == []
    assert bodies_in_text("گزارش به این دفتر ارسال شود.") == []
    assert bodies_in_text("این سازمان توسط هیئت مدیره اداره می‌شود.") == []
