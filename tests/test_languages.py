"""The one languages table: what a claim means to the classifier and to the OCR layer."""

from __future__ import annotations

from workbench.languages import (
    ARABIC_SCRIPT_LANGUAGES,
    CLAIM_CHOICES,
    LANGUAGE_RGB,
    LANGUAGES,
    TESSERACT_MODELS,
    UNDETERMINED,
    classifier_code,
    language_name,
)
from workbench.ocr import language_for_claim
from workbench.text.script import classify


def test_claim_spellings_mean_the_classifiers_languages() -> None:
    assert classifier_code("fa-IR") == "fa"
    assert classifier_code(" Farsi ") == "fa"
    assert classifier_code("ar_EG") == "ar"
    assert classifier_code("ku") == "ckb"  # the Kurdish the classifier knows is Sorani
    assert classifier_code("fr") == "fr"  # unknown: its primary tag, as given
    assert classifier_code("") is None and classifier_code(None) is None
    assert language_name("ckb") == "Kurdish (Sorani)"
    assert language_name(UNDETERMINED) == "undetermined"
    assert language_name("xx") == "xx"


def test_every_language_offered_is_classified_drawn_and_read() -> None:
    codes = [language.code for language in LANGUAGES]
    assert list(CLAIM_CHOICES) == ["", *codes]
    assert set(LANGUAGE_RGB) == set(codes)
    assert set(ARABIC_SCRIPT_LANGUAGES) < set(codes)
    assert all(code in TESSERACT_MODELS for code in codes)
    # Each claimable language maps back to itself, in the classifier and in the OCR layer.
    assert all(classifier_code(code) == code for code in codes)
    assert language_for_claim("fa") == TESSERACT_MODELS["fa"] == "fas"


def test_the_classifier_answers_in_the_tables_codes() -> None:
    persian = "این نامه برای اطلاع شما و اقدام لازم ارسال می‌شود و پاسخ آن را منتظریم."
    found = classify(persian).language
    assert found == "fa" and language_name(found) == "Persian"
