"""The letters and words that tell the Arabic-script languages apart.

Persian, Arabic, Urdu, Pashto and Kurdish Sorani share one script; what separates them is
which letters they use and how often (`LETTER_CLASSES`, with a rough rate per language for
the naive Bayes letter model of `workbench.text.script`), the code points of yeh and kaf,
and their function words (`VOCABULARY`). The tables and the word splitting live here; the
classifier weighs them.
"""

from __future__ import annotations

import math
import re

#: Letter classes that separate the Arabic-script languages, with their members.
LETTER_CLASSES: dict[str, str] = {
    "persian_letters": "پچژگ",
    "teh_marbuta": "ة",
    "alef_maksura": "ى",
    "urdu_letters": "ٹڈڑںےۓہۂ",
    "heh_doachashmee": "ھ",
    "pashto_letters": "ټډړږښګڼۍېځڅ",
    "sorani_letters": "ڕڵۆێە",
    "heh": "ه",
    "yeh_kaf": "یکيك",
}
CLASS_OF: dict[str, str] = {ch: cls for cls, chars in LETTER_CLASSES.items() for ch in chars}

#: Rough share of each letter class among the Arabic-script letters of running text in each
#: language (the rest is "other"). Only the ratios between languages matter; they are
#: deliberately blunt (a tenth of a percent stands for "rare: loanwords and typos") so that
#: one stray letter never decides a long text.
CLASS_RATES: dict[str, dict[str, float]] = {
    "fa": {
        "persian_letters": 0.03,
        "teh_marbuta": 0.001,
        "alef_maksura": 0.001,
        "urdu_letters": 0.0005,
        "heh_doachashmee": 0.0005,
        "pashto_letters": 0.0003,
        "sorani_letters": 0.0003,
        "heh": 0.07,
        "yeh_kaf": 0.12,
    },
    "ar": {
        "persian_letters": 0.0005,
        "teh_marbuta": 0.025,
        "alef_maksura": 0.01,
        "urdu_letters": 0.0003,
        "heh_doachashmee": 0.001,
        "pashto_letters": 0.0003,
        "sorani_letters": 0.0005,
        "heh": 0.04,
        "yeh_kaf": 0.09,
    },
    "ur": {
        "persian_letters": 0.02,
        "teh_marbuta": 0.0005,
        "alef_maksura": 0.0005,
        "urdu_letters": 0.09,
        "heh_doachashmee": 0.015,
        "pashto_letters": 0.0005,
        "sorani_letters": 0.0005,
        "heh": 0.005,
        "yeh_kaf": 0.13,
    },
    "ps": {
        "persian_letters": 0.015,
        "teh_marbuta": 0.001,
        "alef_maksura": 0.001,
        "urdu_letters": 0.002,
        "heh_doachashmee": 0.001,
        "pashto_letters": 0.07,
        "sorani_letters": 0.001,
        "heh": 0.06,
        "yeh_kaf": 0.11,
    },
    "ckb": {
        "persian_letters": 0.02,
        "teh_marbuta": 0.0003,
        "alef_maksura": 0.0003,
        "urdu_letters": 0.001,
        "heh_doachashmee": 0.02,
        "pashto_letters": 0.0005,
        "sorani_letters": 0.12,
        "heh": 0.01,
        "yeh_kaf": 0.09,
    },
}
CLASS_LOGP: dict[str, dict[str, float]] = {
    lang: {
        **{cls: math.log(p) for cls, p in rates.items()},
        "other": math.log(1.0 - sum(rates.values())),
    }
    for lang, rates in CLASS_RATES.items()
}
#: Prior log-odds of the languages: Persian and Arabic are what the workbench mostly meets;
#: Pashto and Sorani must show their own letters or words before they win.
PRIORS: dict[str, float] = {"fa": 0.0, "ar": 0.0, "ur": 0.0, "ps": -2.0, "ckb": -2.0}
#: The letter model is a simplification (letters are not independent): temper it so that
#: vocabulary and the statistical detector still count on long lines.
LETTER_WEIGHT = 0.6

PERSIAN_YEH_KAF = "یک"  # U+06CC, U+06A9
ARABIC_YEH_KAF = "يك"  # U+064A, U+0643

#: Marks that carry no evidence and are removed before vocabulary look-up: harakat,
#: superscript alef, tatweel, and the bidi controls that copy-paste leaves behind.
STRIP = dict.fromkeys(
    [
        *range(0x064B, 0x0660),
        0x0670,
        0x0640,
        0x200E,
        0x200F,
        0x202A,
        0x202B,
        0x202C,
        0x202D,
        0x202E,
        0x2066,
        0x2067,
        0x2068,
        0x2069,
        0xFEFF,
    ]
)
FOLD_YEH_KAF = str.maketrans({"ي": "ی", "ك": "ک"})
WORD_RE = re.compile(r"[^\W\d_]+(?:[\u200c\u200d][^\W\d_]+)*")


#: Function words and formulae, in Persian code points (yeh and kaf folded), per language.
#: Chosen to be frequent in their language and rare as whole words in the others.
def _wordlist(words: str) -> frozenset[str]:
    return frozenset(words.split())


VOCABULARY: dict[str, frozenset[str]] = {
    "fa": _wordlist(
        """است این آن را که با برای به از در هم شد شده می نمی های ها بود کرد کرده کند
        نیز اما تا خود شما ایشان وی اینکه آنها باید نامه جناب آقای محترم شماره پیوست
        دارد ندارد بر روی همه چون اگر هر نیست هست بسیار سال پس شود شوند بوده گردد
        گردید کنید نمایید فرمایید خواهد خواهشمند اینجانب موضوع احتراما رونوشت
        ریاست اداره سازمان وزارت جمهوری اسلامی ایران دوشنبه سه‌شنبه چهارشنبه
        پنجشنبه یکشنبه شنبه جمعه خیلی محرمانه فوری بسمه تعالی باسمه آیا چرا کجا
        والسلام ولی زیرا بنابراین همچنین درباره مورد توسط طی جهت لطفا"""
    ),
    "ar": _wordlist(
        """فی على إلى الى التی الذی هذا هذه ذلک تلک عن مع أن إن کان کانت لم لن قد حتى
        ثم هو هی لیس أو أی عند لقد منذ هناک وفی ولا فیه فیها علیه علیها التى الذین
        یکون یجب یرجى وقد کما إذا اذا لذلک هؤلاء أیضا ایضا بأن لأن وهو وهی الله"""
    ),
    "ur": _wordlist(
        """ہے ہیں کے کی کا میں سے نے کو اور یہ وہ پر تھا تھی تھے گیا ہو ہوں جو بھی نہیں کہ
        ایک لیے لئے کر رہا رہی رہے گئی گئے ہوا ہوئی ہوئے اپنے اپنی ساتھ بعد والے"""
    ),
    "ps": _wordlist(
        """د په چې چی دا له ته کې کی یې وو دي ده څه هغه دې شو کړ کړی کړې کوي دی ولې
        پر سره لپاره ځکه"""
    ),
    "ckb": _wordlist(
        """لە بە کە ئەم ئەو بۆ لەگەڵ دەکات یان ئێمە ئێوە ئەوان بوو دەبێت هەیە نییە
        کرد لەسەر"""
    ),
}
# «کی» is Urdu "of" and colloquial Persian "when"; «که» is Persian only (Urdu writes کہ).
VOCAB_INDEX: dict[str, tuple[str, ...]] = {}
for _lang, _words in VOCABULARY.items():
    for _w in _words:
        VOCAB_INDEX[_w] = (*VOCAB_INDEX.get(_w, ()), _lang)
VOCABULARY_WEIGHT = 1.5
#: An Arabic definite article on a longer word: frequent in Arabic, rarer in Persian
#: (where it appears in loan phrases such as «حجت‌الاسلام»).
ARTICLE_WEIGHT = 0.8
#: Persian verbs with «می‌»/«نمی‌» joined by a zero-width non-joiner.
PERSIAN_PREFIX_WEIGHT = 1.5


def words(text: str) -> list[str]:
    """The words of `text`: runs of letters, kept whole across zero-width (non-)joiners."""
    return WORD_RE.findall(text.translate(STRIP))
