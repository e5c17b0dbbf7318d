"""The translation comparison on the questioned sample's own text: meaning and input bounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.text import meaning
from workbench.text import translation as tr

needs_model = pytest.mark.skipif(
    meaning.unavailable() is not None, reason=f"no sentence model: {meaning.unavailable()}"
)

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
#: The body of the questioned sample letter, as its generator writes it (fictional text).
PARAGRAPHS_FA = [
    "پیرو جلسه روز شنبه\xa0۲۲\xa0اردیبهشت\xa0۱۳۸۰ و بنا به دستور مقام محترم وزارت، مقرر گردید "
    "بررسی قراردادهای طرح سد مخزنی کوهسار با دقت و سرعت بیشتری انجام شود.",
    "ایشان تأکید فرمودند که در این مرحله باید بسیار دقیق و هوشیار بود تا هیچ سندی که بر جایگاه "
    "و برنامه\u200cهای آینده این وزارتخانه اثر منفی بگذارد، بر جای نماند.",
    "همچنین مقرر شد ارتباط با پیمانکار طرف قرارداد مانند گذشته تنها از طریق دو نفر، آقایان "
    "کامران صدری و داوود فرزین\u200cفر، انجام گیرد و گزارش اقدامات تا پایان خرداد ماه به این "
    "دفتر ارسال شود.",
]
ORIGINAL = "\n\n".join(PARAGRAPHS_FA)
#: The sample translation's English for the same three paragraphs.
PARAGRAPHS_EN = [
    "Following the meeting of Saturday 22 Ordibehesht 1380 [12 May 2001], and by order of His "
    "Excellency the Minister, it was decided that the review of the contracts of the Kuhsar "
    "reservoir dam project be carried out with greater care and speed.",
    "He stressed that at this stage we must be very careful and very alert, so that no "
    "document is left behind that could have a negative effect on the standing and the future "
    "plans of this ministry.",
    "It was also decided that, as before, contact with the contracting firm be made only "
    "through two people, Messrs Kamran Sadri and Davoud Farzinfar, and that a report of the "
    "actions taken be sent to this office by the end of the month of Khordad.",
]
NAMES = ["کامران صدری", "داوود فرزین\u200cفر"]


def compare(paragraphs: list[str]) -> tr.Comparison:
    return tr.compare_translation(ORIGINAL, "\n\n".join(paragraphs), NAMES)


def test_sample_paragraphs_are_the_sample_translation() -> None:
    sample = (SAMPLES / "questioned" / "letter_1380-02-24.en.txt").read_text(encoding="utf-8")
    for paragraph in PARAGRAPHS_EN:
        assert " ".join(paragraph.split()) in " ".join(sample.split())


@needs_model
def test_faithful_and_reworded_translations_raise_nothing() -> None:
    faithful = compare(PARAGRAPHS_EN)
    assert faithful.differences == [] and faithful.notes == []
    assert faithful.meaning_model == meaning.MODEL
    assert faithful.alignment is not None
    assert [(len(a), len(b)) for a, b in faithful.alignment.pairs] == [(1, 1)] * 3
    assert all(s is not None and s > 0.85 for s in faithful.alignment.similarity)
    reworded = list(PARAGRAPHS_EN)
    reworded[1] = (
        "He insisted that everyone be extremely careful and watchful now, so that no paper "
        "remains that might harm the reputation or the future programmes of the ministry."
    )
    assert compare(reworded).differences == []


@needs_model
def test_replaced_sentence_without_anchors_is_reported_by_meaning() -> None:
    changed = list(PARAGRAPHS_EN)
    changed[1] = (
        "He added that the contractors had completed their work well ahead of schedule and "
        "deserved the thanks of everyone involved in this project."
    )
    result = compare(changed)
    assert [d.kind for d in result.differences] == ["meaning"]
    difference = result.differences[0]
    assert difference.value == changed[1] and difference.side == "translation"
    assert difference.context.startswith("ایشان تأکید")
    assert difference.similarity is not None and difference.similarity < 0.85
    assert "median pair" in difference.reason


def test_without_the_model_anchors_are_still_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(meaning, "unavailable", lambda: "the sentence model is not installed")
    changed = list(PARAGRAPHS_EN)
    changed[2] = changed[2].replace("Kamran Sadri", "Kamran Rostami")
    result = compare(changed)
    assert result.meaning_model is None
    assert any("not compared by meaning" in note for note in result.notes)
    assert [d.kind for d in result.differences] == ["name", "name"]


def test_without_meaning_the_result_is_the_anchors_alone() -> None:
    result = tr.compare_translation(ORIGINAL, "\n\n".join(PARAGRAPHS_EN), NAMES, use_meaning=False)
    assert result.differences == [] and result.notes == [] and result.meaning_model is None
    assert result.alignment is not None and result.alignment.similarity == ()


def test_alignment_of_a_normal_letter_is_not_cut() -> None:
    original = tr._long(tr.sentences(ORIGINAL))
    translation = tr._long(tr.sentences("\n\n".join(PARAGRAPHS_EN)))
    alignment = tr.align_sentences(original, translation)
    assert alignment.totals is None
    assert [(len(a), len(b)) for a, b in alignment.pairs] == [(1, 1)] * 3
    at_the_limit = tr.align_sentences(original * 83, translation * 83)  # 249 each
    assert at_the_limit.totals is None and len(at_the_limit.pairs) == 249


def test_huge_input_returns_with_a_too_large_note() -> None:
    """Counts that differ by thousands: aligned in their first part, and the notes say so."""
    original = "\n\n".join(PARAGRAPHS_FA * 1000)  # 3000 sentences
    translation = "\n\n".join(PARAGRAPHS_EN * 12000)  # 36000 sentences, 2.3 MB
    result = tr.compare_translation(original, translation, NAMES, use_meaning=False)
    notes = " ".join(result.notes)
    assert f"compared only the first {tr.MAX_CHARS}" in notes
    assert "Too large to align" in notes and f"compared only the first {tr.MAX_ALIGN}" in notes
    assert result.alignment is not None and result.alignment.totals is not None
    assert len([s for a, _ in result.alignment.pairs for s in a]) == tr.MAX_ALIGN


@needs_model
def test_too_many_sentences_for_the_model_are_aligned_by_length() -> None:
    original = "\n\n".join(PARAGRAPHS_FA * 30)  # 90 sentences
    translation = "\n\n".join(PARAGRAPHS_EN * 30)
    result = tr.compare_translation(original, translation, NAMES)
    limit = f"at most {tr.MAX_MEANING_ALIGN}"
    assert any(limit in note and "by length" in note for note in result.notes)
    assert result.meaning_model is None
    assert result.alignment is not None and result.alignment.similarity == ()
    assert [(len(a), len(b)) for a, b in result.alignment.pairs] == [(1, 1)] * 90
    assert result.differences == []


def test_a_person_with_the_same_given_name_is_another_name() -> None:
    assert tr.same_name("Kamran Sadri", ["Kamran Sadri", "Kamran Sadry"])
    assert tr.same_name("Seyyed Morteza Kavianpour", ["Seyyed Morteza Kavian Pour"])
    assert not tr.same_name("Kamran Saberi", ["Kamran Sadri"])  # whole names alike, surnames not
    changed = list(PARAGRAPHS_EN)
    changed[2] = changed[2].replace("Kamran Sadri", "Kamran Saberi")
    result = tr.compare_translation(ORIGINAL, "\n\n".join(changed), NAMES, use_meaning=False)
    assert ("name", "translation", "Kamran Saberi") in [
        (d.kind, d.side, d.value) for d in result.differences
    ]


@needs_model
def test_a_sentence_split_by_the_translator_is_no_addition() -> None:
    split = list(PARAGRAPHS_EN)
    split[2] = (
        "It was also decided that, as before, contact with the contracting firm be made only "
        "through two people, Messrs Kamran Sadri and Davoud Farzinfar. A report of the actions "
        "taken is to be sent to this office by the end of the month of Khordad."
    )
    result = compare(split)
    assert [d.kind for d in result.differences if d.kind == "sentence"] == []
    added = list(PARAGRAPHS_EN)
    added[1] += (
        " The representatives of the foreign company will take part in the meeting as observers "
        "without the knowledge of the board."
    )
    result = compare(added)
    (extra,) = [d for d in result.differences if d.kind in ("sentence", "meaning")]
    assert "foreign company" in extra.value and extra.side == "translation"


@needs_model
def test_two_sentences_joined_by_the_translator_raise_nothing() -> None:
    joined = [
        PARAGRAPHS_EN[0].rstrip(".") + "; he stressed" + PARAGRAPHS_EN[1][len("He stressed") :],
        PARAGRAPHS_EN[2],
    ]
    result = compare(joined)
    assert result.differences == []
    assert result.alignment is not None
    assert [(len(a), len(b)) for a, b in result.alignment.pairs] == [(2, 1), (1, 1)]


@pytest.mark.parametrize("spelling", ["Morteza Hedayat", "Mortaza Hidayat", "Mortéza Hedayat"])
def test_a_name_spelled_with_accents_or_other_vowels_is_found(spelling: str) -> None:
    """The romanizer's other candidates («Mortéza») are spellings of the name too."""
    original = ORIGINAL.replace("کامران صدری", "مرتضی هدایت")
    translation = "\n\n".join(PARAGRAPHS_EN).replace("Kamran Sadri", spelling)
    names = ["مرتضی هدایت", NAMES[1]]
    result = tr.compare_translation(original, translation, names, use_meaning=False)
    assert [d for d in result.differences if d.kind == "name"] == []
    assert tr.english_names(f"signed by Mr. {spelling} today") == [spelling]
    missing = translation.replace(spelling, "Kamran Sadri")
    result = tr.compare_translation(original, missing, names, use_meaning=False)
    assert ("name", "original") in [
        (d.kind, d.side) for d in result.differences if "مرتضی هدایت" in d.value
    ]


@needs_model
def test_a_terse_wording_of_a_sentence_tied_by_its_date_is_not_reported_by_meaning() -> None:
    """The benchmark's terse wording of a formulaic request, with the date both sides share."""
    fa = [
        PARAGRAPHS_FA[0],
        "خواهشمند است دستور فرمایید نماینده آن اداره کل در جلسه هماهنگی روز ۱۳۸۰/۱۰/۲۷ حضور یابد.",
        PARAGRAPHS_FA[1],
    ]
    en = [
        PARAGRAPHS_EN[0],
        "Your directorate-general should send someone to the coordination meeting of "
        "17 January 2002.",
        PARAGRAPHS_EN[1],
    ]
    result = tr.compare_translation("\n\n".join(fa), "\n\n".join(en), NAMES)
    assert [d for d in result.differences if d.kind == "meaning"] == []
    # The same sentence with an unrelated one beside the date is still reported.
    en[1] = "The warehouse roof will be repaired before the rains of 17 January 2002 arrive."
    result = tr.compare_translation("\n\n".join(fa), "\n\n".join(en), NAMES)
    assert result.differences


#: A development letter of the translation benchmark whose translator joined two sentences
#: and split the second one again: the boundary between them moved (fictional text).
MOVED_FA = [
    "خواهشمند است دستور فرمایید نماینده آن اداره کل در جلسه هماهنگی روز ۱۳۸۰/۰۲/۲۶ حضور یابد.",
    "از همکاری صمیمانه آن اداره کل در برگزاری بازدیدهای میدانی سپاسگزاری می‌شود.",
    "مقرر شد ارتباط با پیمانکار تنها از طریق جناب آقای فریده جهانی انجام گیرد و گزارش اقدامات "
    "به این دفتر ارسال شود.",
    "بر اساس بازدید کارشناسان این دفتر، در اجرای بخشی از کانال‌های آبرسانی تأخیر قابل توجهی "
    "مشاهده شده است.",
]
MOVED_EN = [
    "Your directorate-general should send someone to the coordination meeting of 16 May 2001.",
    "We are grateful to your directorate-general for its warm help in organising the site "
    "visits; only Mr. Farideh Jahani is to deal with the contractor. This office is to be sent "
    "an account of what is done.",
    "Our inspectors report that parts of the water canals are well behind schedule.",
]


@needs_model
def test_a_boundary_moved_between_two_sentences_is_no_addition() -> None:
    """Two sentences for two, joined and split elsewhere: one pair of two, nothing raised."""
    original = "\n\n".join(MOVED_FA)
    result = tr.compare_translation(original, "\n\n".join(MOVED_EN), ["فریده جهانی"])
    assert result.differences == []
    assert result.alignment is not None
    assert [(len(a), len(b)) for a, b in result.alignment.pairs] == [(1, 1), (2, 2), (1, 1)]
    # A sentence added after the moved clause is still one the original does not have.
    added = list(MOVED_EN)
    added[1] += (
        " All correspondence on this subject must be destroyed after reading, on the order of "
        "the Minister."
    )
    result = tr.compare_translation(original, "\n\n".join(added), ["فریده جهانی"])
    assert any(
        "destroyed" in d.value for d in result.differences if d.kind in ("sentence", "meaning")
    )
