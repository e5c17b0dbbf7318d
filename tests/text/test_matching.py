from __future__ import annotations

from workbench.text.matching import compact, find_phrase, normalize


def test_normalisation_unifies_letters_joiners_and_diacritics() -> None:
    assert normalize("كتابي") == "کتابی"
    assert compact("بسمه\u200cتعالی") == compact("بسمه تعالی") == "بسمهتعالی"
    assert compact("شمارهٔ:") == compact("شماره")


def test_phrase_found_across_words_with_noise() -> None:
    match = find_phrase("بسمه تعالی", ["بسمه", "تعالى"])
    assert match is not None and (match.start, match.end) == (0, 2) and match.score >= 95
    truncated = find_phrase("با تشکر", ["با", "تشک"], min_score=88)
    assert truncated is not None


def test_a_short_word_does_not_match_a_longer_phrase() -> None:
    assert find_phrase("موضوع", ["و"]) is None
    assert find_phrase("با احترام", ["احترام."], min_score=88) is None


def test_whole_words_keeps_short_marks_exact() -> None:
    assert find_phrase("سری", ["سریع", "ارسال"], whole_words=True) is None
    match = find_phrase("سری", ["طبقه", "سری"], whole_words=True)
    assert match is not None and match.start == 1
    split = find_phrase("محرمانه", ["محر", "مانه"], whole_words=True)
    assert split is not None and (split.start, split.end) == (0, 2)
