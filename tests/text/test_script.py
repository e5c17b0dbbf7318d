from __future__ import annotations

import json

import pytest

from workbench.text.script import (
    DigitCounts,
    char_script,
    classify,
    classify_lines,
    classify_words,
    count_digits,
    words,
)

PERSIAN = "این نامه برای اطلاع شما و اقدام لازم ارسال می‌شود و پاسخ آن را منتظریم."
PERSIAN_OLD_KEYBOARD = "اين نامه براي اطلاع شما و اقدام لازم ارسال مي‌شود و پاسخ آن را منتظريم."
ARABIC = "يسرنا أن نعلمكم بأن الاجتماع السنوي سيعقد في مقر الشركة يوم الخميس المقبل."
URDU = "یہ خط آپ کی اطلاع اور ضروری کارروائی کے لیے بھیجا جا رہا ہے۔"
PASHTO = "زه په کابل کې اوسېږم او هره ورځ ښوونځي ته ځم."
SORANI = "ئەم نامەیە لە لایەن وەزارەتی پەروەردەوە نێردراوە بۆ هەموو قوتابخانەکان."
ENGLISH = "The ministry sent the letter to every provincial office last week."
FRENCH = "Le ministère a envoyé la lettre à tous les bureaux la semaine dernière."
RUSSIAN = "Министерство отправило письмо во все региональные отделения."


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (PERSIAN, "fa"),
        (ARABIC, "ar"),
        (URDU, "ur"),
        (PASHTO, "ps"),
        (SORANI, "ckb"),
        (ENGLISH, "en"),
        (FRENCH, "fr"),
        (RUSSIAN, "ru"),
        ("بسمه تعالی", "fa"),
        ("وعلى هذا الأساس، يرجى من الإدارة العامة تسليم الملفات", "ar"),
        ("خواهشمند است دستور فرمایید بررسی لازم انجام شود", "fa"),
    ],
)
def test_sentences(text: str, language: str) -> None:
    c = classify(text)
    assert c.language == language, c.as_dict()
    assert c.confidence > (0.6 if len(text) < 20 else 0.9)
    assert c.decided_by


@pytest.mark.parametrize(
    ("text", "script"),
    [(PERSIAN, "Arabic"), (ENGLISH, "Latin"), (RUSSIAN, "Cyrillic"), ("Καλημέρα σας", "Greek")],
)
def test_script_names_are_iso15924(text: str, script: str) -> None:
    assert classify(text).script == script


def test_persian_orthography_and_zwnj_are_evidence() -> None:
    c = classify(PERSIAN)
    assert c.orthography == "persian" and c.arabic_forms == 0
    signals = {e.signal for e in c.evidence}
    assert {"persian_yeh_kaf", "zwnj", "vocabulary_fa", "persian_verb_prefix"} <= signals
    assert c.probabilities["fa"] > 0.99


def test_arabic_orthography_reported_separately_from_language() -> None:
    # Old Persian keyboards typed Arabic ي/ك: the language stays Persian, the orthography
    # says Arabic, so a check can report it as a period trait rather than as Arabic text.
    c = classify(PERSIAN_OLD_KEYBOARD)
    assert c.language == "fa"
    assert c.orthography == "arabic" and c.arabic_forms >= 4
    a = classify(ARABIC)
    assert a.orthography == "arabic" and a.language == "ar"
    assert {"arabic_yeh_kaf", "vocabulary_ar", "arabic_article"} <= {e.signal for e in a.evidence}


def test_mixed_orthography() -> None:
    assert classify("این کتاب و آن كتاب").orthography == "mixed"


def test_untrusted_code_points_still_find_arabic() -> None:
    # Tesseract's fas model writes Arabic text with Persian yeh/kaf; the language must still
    # come out Arabic when the code points are not trusted.
    as_fas_reads_it = "وعلی هذا الأساس، یرجى من الإدارة العامة تسلیم الملفات المکتملة الى الأرشیف"
    c = classify(as_fas_reads_it, code_points_trusted=False)
    assert c.language == "ar"
    assert "persian_yeh_kaf" not in {e.signal for e in c.evidence}


@pytest.mark.parametrize(
    ("word", "language"),
    [("ہے", "ur"), ("می‌گویند", "fa"), ("الذي", "ar"), ("ښوونځي", "ps"), ("نامەیە", "ckb")],
)
def test_single_words_with_decisive_letters(word: str, language: str) -> None:
    c = classify(word)
    assert c.language == language
    assert c.confidence < 0.8  # one word is never full evidence


@pytest.mark.parametrize("text", ["۱۳۸۰/۰۲/۲۴", "2001-05-14", "١٤٢٢", "", "   ", "...", "و", "x"])
def test_insufficient_evidence(text: str) -> None:
    c = classify(text)
    assert c.language == "und"
    assert c.confidence < 0.4
    assert not c.decided_by


def test_scripts_of_letterless_text() -> None:
    assert classify("۱۳۸۰/۰۲/۲۴").script == "Arabic"
    assert classify("2001-05-14").script == "Common"
    assert classify("").script == "Unknown"


def test_digits() -> None:
    assert count_digits("۱۳۸۰/۰۲/۲۴") == DigitCounts(persian=8)
    assert count_digits("١٥ يوماً") == DigitCounts(arabic_indic=2)
    mixed = count_digits("شماره ۱۲۳ مورخ 1380/2/24 و ١٥")
    assert mixed.as_dict() == {"persian": 3, "arabic_indic": 2, "western": 7}
    assert mixed.systems == ("western", "persian", "arabic_indic")
    assert classify("نامه شماره ۴۵۶ مورخ ٤٥٦").digits.systems == ("persian", "arabic_indic")


def test_char_script() -> None:
    assert char_script("ی") == "Arabic" and char_script("۴") == "Arabic"
    assert char_script("a") == "Latin" and char_script("ж") == "Cyrillic"
    assert char_script("4") == "Common" and char_script("،") == "Common"


def test_words_keep_zwnj_compounds_and_drop_marks() -> None:
    assert words("می‌شود، کتاب‌ها!") == ["می‌شود", "کتاب‌ها"]
    assert words("كِتَابٌ") == ["كتاب"]
    assert words("۱۲۳ abc") == ["abc"]


def test_lines_and_words() -> None:
    lines = classify_lines(f"{PERSIAN}\n{ARABIC}\n\n۱۳۸۰/۰۲/۲۴")
    assert [c.language for c in lines] == ["fa", "ar", "und", "und"]
    pairs = list(classify_words("این نامه الذي"))
    assert [w for w, _ in pairs] == ["این", "نامه", "الذي"]
    assert pairs[2][1].language == "ar"


def test_mixed_scripts_take_the_majority() -> None:
    c = classify("گزارش جلسه‌ی هیئت مدیره درباره‌ی پروژه‌ی ERP و هزینه‌های آن")
    assert c.script == "Arabic" and c.language == "fa"
    e = classify("The word نامه means letter in Persian")
    assert e.script == "Latin" and e.language == "en"


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02\x1b[31m",
        "\ud800\udfff نامه \udc80",  # lone surrogates, as from undecodable input
        "\u202eاین\u202c \u200f نامه \ufeff است",  # bidi controls and BOM
        "\u200c\u200c\u200c",
        "ی" * 10_000,
        "\U0001f600" * 50,
        "a\u0301\u0302\u0303" * 100,
    ],
)
def test_hostile_input_never_raises(text: str) -> None:
    c = classify(text)
    json.dumps(c.as_dict(), ensure_ascii=False).encode("utf-8")
    assert 0.0 <= c.confidence <= 1.0


def test_megabyte_string() -> None:
    text = (PERSIAN + "\n") * (1_000_000 // len(PERSIAN))
    assert len(text) > 1_000_000
    c = classify(text)
    assert c.language == "fa" and c.confidence > 0.99
    assert c.letters > 700_000


def test_as_dict_contract_fields() -> None:
    brief = classify(PERSIAN).as_dict(detail=False)
    assert set(brief) == {"script", "language", "confidence", "digits"}
    assert set(brief["digits"]) == {"persian", "arabic_indic", "western"}
    full = classify(PERSIAN).as_dict()
    assert {"evidence", "decided_by", "orthography", "probabilities"} <= set(full)
