"""People, titles and offices in the text of a Persian letter, and claims about them.

An official letter names its addressee under the heading («جناب آقای مهندس بهروز آذرمهر /
مدیرکل محترم امور طرح‌های استانی»), its signatory and title under the closing formula
(«سیدمرتضی کاویان‌پور / رئیس دفتر بازرسی و نظارت»), its issuing bodies in the letterhead
(«وزارت آب و آبادانی / دفتر بازرسی و نظارت»), and people in the body after an honorific
(«آقایان کامران صدری و داوود فرزین‌فر»). Honorifics, titles and kinds of bodies come from a
data file (``workbench/data/people.toml``) with their English renderings, so a claim typed in
English ("heads the Ministry of ...") is compared with the page by kind of post and body.

Everything here is a pure function of text; the ``people`` check places the results on the page.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from rapidfuzz import fuzz

from workbench.text.matching import compact, find_phrase, normalize

__all__ = [
    "ClaimedPerson",
    "Lexicon",
    "Title",
    "bodies_in_line",
    "bodies_in_text",
    "body_of",
    "clean_name",
    "letter_people",
    "lexicon",
    "names_in_line",
    "parse_claimed_person",
    "parse_office_claim",
    "parse_title",
    "persian_similarity",
    "split_honorifics",
]

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
_WORD = re.compile(r"^[\u0621-\u064a\u0670\u067e\u0686\u0698\u06a9\u06af\u06cc\u06c0\u200c]+$")
#: Words that end a name read after an honorific in running text.
_STOP = frozenset(
    re.split(r"\s+", "و در به از با که را تا برای این آن جهت نیز هم طی ضمن انجام است شد شود بود")
)


@dataclass(frozen=True)
class Entry:
    """One group of synonymous words: Persian forms, English forms, a kind."""

    persian: tuple[str, ...]
    english: tuple[str, ...]
    kind: str = ""
    plural: bool = False


@dataclass(frozen=True)
class Lexicon:
    """Honorifics, titles and kinds of bodies, longest Persian forms first."""

    honorifics: tuple[Entry, ...]
    titles: tuple[Entry, ...]
    bodies: tuple[Entry, ...]

    def english_kinds(self, text: str, entries: Sequence[Entry]) -> list[tuple[str, int]]:
        """Kinds named in English text, with the position of each mention."""
        low = " " + re.sub(r"[^a-z\- ]+", " ", text.lower()) + " "
        found: list[tuple[str, int]] = []
        for entry in entries:
            for word in sorted(entry.english, key=len, reverse=True):
                pos = low.find(f" {word.lower().rstrip('.')} ")
                if pos >= 0 and all(k != entry.kind for k, _ in found):
                    found.append((entry.kind, pos))
        return sorted(found, key=lambda kp: kp[1])


def _entries(raw: list[dict[str, Any]]) -> tuple[Entry, ...]:
    return tuple(
        Entry(
            persian=tuple(sorted((normalize(p) for p in r.get("persian", [])), key=len)[::-1]),
            english=tuple(r.get("english", [])),
            kind=str(r.get("kind", "")),
            plural=bool(r.get("plural", False)),
        )
        for r in raw
    )


@cache
def lexicon() -> Lexicon:
    """The shipped lexicon of honorifics, titles and bodies."""
    text = resources.files("workbench.data").joinpath("people.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return Lexicon(
        _entries(data.get("honorifics", [])),
        _entries(data.get("titles", [])),
        _entries(data.get("bodies", [])),
    )


def _starts(words: list[str], form: str) -> int:
    """How many of `words` the Persian form `form` covers at their start (0 if it does not)."""
    parts = form.split()
    if len(words) < len(parts):
        return 0
    joined = [compact(w) for w in words[: len(parts)]]
    return len(parts) if joined == [compact(p) for p in parts] else 0


def split_honorifics(words: list[str]) -> tuple[list[str], list[str], bool]:
    """(honorifics, rest, plural) of words that begin with honorifics («جناب آقای مهندس ...»)."""
    found: list[str] = []
    plural = False
    rest = list(words)
    progress = True
    while rest and progress:
        progress = False
        for entry in lexicon().honorifics:
            for form in entry.persian:
                n = _starts(rest, form)
                if n:
                    found.append(" ".join(rest[:n]))
                    rest = rest[n:]
                    plural = plural or entry.plural
                    progress = True
                    break
            if progress:
                break
    return found, rest, plural


def clean_name(text: str) -> str:
    """A name as OCR gives it, without stray marks, digits and one-letter fragments."""
    words = [w.strip(".,،:;-_()[]«»\"'|") for w in text.split()]
    kept = [w for w in words if len(w) > 1 and _WORD.match(w)]
    return " ".join(kept)


@dataclass(frozen=True)
class Title:
    """A post and the body it belongs to, as printed («رئیس دفتر بازرسی و نظارت»)."""

    text: str
    kind: str | None  # kind of post (head, director_general, ...), None if not recognised
    body_kind: str | None  # kind of body (office, ministry, ...)
    body: str | None  # the body's name as printed

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "text": self.text,
            "kind": self.kind,
            "body_kind": self.body_kind,
            "body": self.body,
        }


def body_of(text: str) -> tuple[str | None, str | None]:
    """(kind, name) of the first body a Persian text names: «دفتر بازرسی و نظارت» -> office."""
    words = text.split()
    for i in range(len(words)):
        for entry in lexicon().bodies:
            for form in entry.persian:
                if _starts(words[i:], form):
                    return entry.kind, " ".join(words[i:])
    return None, None


def _body_at(words: list[str], i: int) -> tuple[str, int] | None:
    """The kind of body whose name starts at ``words[i]`` and how many words that name has."""
    for entry in lexicon().bodies:
        n = next((_starts(words[i:], f) for f in entry.persian if _starts(words[i:], f)), 0)
        if n:
            return entry.kind, n
    return None


def bodies_in_line(line: str, *, max_words: int = 5, max_start: int = 2) -> list[tuple[str, str]]:
    """The body a name line gives, as (kind, name): «- دفتر مقام محترم وزارت» -> office.

    Only a body named near the start of its line (at most `max_start` words in: a letterhead
    line, a title «رئیس دفتر ...», a copies entry) is taken: inside running text the words
    after «وزارت» are as often a verb as part of the name. The name runs up to `max_words`
    words, stopping at punctuation or a function word other than «و»; «این دفتر» (this office)
    names no body.
    """
    words = line.split()
    found: list[tuple[str, str]] = []
    i = 0
    while i <= min(max_start, len(words) - 1):
        if i > 0 and words[i - 1] in ("این", "آن", "همین"):
            i += 1
            continue
        hit = _body_at(words, i)
        if hit is None:
            i += 1
            continue
        kind, n = hit
        taken = words[i : i + n]
        for word in words[i + n : i + max_words]:
            bare = word.strip(".,،:;()«»")
            if not bare or (bare in _STOP and bare != "و") or not _WORD.match(bare):
                break
            taken.append(bare)
            if word != bare:
                break
        while taken and taken[-1] == "و":
            taken.pop()
        found.append((kind, " ".join(w.strip(".,،:;()«»") for w in taken)))
        i += max(len(taken), 1)
    return found


#: Words that end a body's name in running text besides `_STOP`: verbs, and words that point
#: back to a body already named («ذیربط», «مربوط», «مذکور») rather than name one.
_RUNNING_STOP = frozenset(
    re.split(
        r"\s+",
        "است نیست هست شد شدند شده شود شوند گردید گردد گردیده گردند نمود نماید نمایند نموده کرد کند "
        "کنند کرده کردند کننده کنندگان دارد دارند داشت باشد باشند بود بودند خواهد خواهند "
        "ذیربط ذیربطه ذی‌ربط مربوط مربوطه مذکور یادشده متبوع فوق مورد محل",
    )
)
#: Words before a body word that make it a reference, not a name («این دفتر», «هر سازمان»).
_REFERRING = frozenset({"این", "آن", "همین", "همان", "هر", "کدام", "چند", "دیگر"})
#: Words inside a body's name that are left out of it (courtesy, not name).
_COURTESY = frozenset({"محترم", "معظم"})


#: Words into a line up to which a body is read as the line's subject (letterhead, title, copies).
LINE_START = 2
#: Verbs that join a body's name to what is said of it, so the word before them is still name.
_COPULAS = frozenset({"است", "نیست", "هست", "بود", "بودند", "باشد", "باشند"})


def _body_word(words: list[str]) -> bool:
    """Whether `words` begin with a kind of body («سازمان ...», «اداره کل ...»)."""
    return any(_starts(words, f) for entry in lexicon().bodies for f in entry.persian)


def _is_verb(word: str) -> bool:
    """Whether a word is a verb form a body's name cannot contain («می‌شود», «نمی‌گردد»)."""
    return word in _RUNNING_STOP or bool(re.match(r"^(?:ن?می)[\u200c ]?\S", word))


def bodies_in_text(line: str, *, max_words: int = 5) -> list[tuple[str, str, str]]:
    """Every body a line names, as (kind, name, where): where is "line start" or "running text".

    A body within `LINE_START` words of its line's start is a letterhead line, a title or a
    copies entry; further in it is named in running text. Either way the words after
    «وزارت», «سازمان», «اداره کل», «دفتر» ... are taken as its name only while they can be
    one: the name stops at a verb («اداره می‌شود»: is run), a function word, a word that
    points back («اداره کل ذیربط»: the relevant directorate-general) or punctuation, and
    a body word after «این», «آن», «هر» ... refers to a body and names none. A body word with
    no name word after it («شرکت در جلسه»: taking part in the meeting) is not a body.
    """
    found: list[tuple[str, str, str]] = []
    words = line.split()
    i = 0
    while i < len(words):
        if i > 0 and words[i - 1] in _REFERRING:
            i += 1
            continue
        hit = _body_at(words, i)
        if hit is None:
            i += 1
            continue
        kind, n = hit
        taken = words[i : i + n]
        following = words[i + n : i + n + max_words + 1]
        for k, word in enumerate(following):
            bare = word.strip(".,،:;()«»")
            if bare and _is_verb(bare):
                # «... هماهنگ کند», «... ارسال می‌شود»: the word before a verb other than «است»
                # is the first half of a compound verb, not part of the name.
                if bare not in _COPULAS and len(taken) > n:
                    taken.pop()
                break
            if not bare or (bare in _STOP and bare != "و") or not _WORD.match(bare):
                break
            if k == max_words:
                break  # the name is long enough; this word was read only to see if it is a verb
            if bare == "و" and k + 1 < len(following) and _body_word(following[k + 1 :]):
                break  # «وزارت امور خارجه و سازمان ...»: a second body begins
            if bare not in _COURTESY:
                taken.append(bare)
            if word != bare:
                break
        while taken and taken[-1] == "و":
            taken.pop()
        if len(taken) > n:
            where = "line start" if i <= LINE_START else "running text"
            found.append((kind, " ".join(w.strip(".,،:;()«»") for w in taken), where))
        i += max(len(taken), 1)
    return found


def parse_title(text: str) -> Title | None:
    """The post and body named by a title line, or None when it names neither."""
    words = clean_name_keep_joiners(text).split()
    kind = None
    start = 0
    for i in range(min(len(words), 3)):
        for entry in lexicon().titles:
            if any(_starts(words[i:], form) for form in entry.persian):
                kind, start = entry.kind, i
                break
        if kind:
            break
    body_kind, body = body_of(" ".join(words))
    if kind is None and body_kind is None:
        return None
    if kind is None and body is not None:
        start = len(words) - len(body.split())
    # Words before the post or body are OCR debris (a stroke of the signature, a bracket).
    return Title(" ".join(words[start:]), kind, body_kind, body)


def clean_name_keep_joiners(text: str) -> str:
    """`clean_name` for title lines (keeps «و», the only one-letter word titles use)."""
    words = [w.strip(".,،:;-_()[]«»\"'|") for w in text.split()]
    return " ".join(w for w in words if (len(w) > 1 or w == "و") and _WORD.match(w))


def names_in_line(line: str) -> list[tuple[list[str], str]]:
    """Names that follow an honorific in a line of running text: ``[(honorifics, name)]``.

    A plural honorific («آقایان») takes every name joined by «و»; a singular one takes up to
    three words, stopping at punctuation or a function word.
    """
    words = line.split()
    out: list[tuple[list[str], str]] = []
    i = 0
    while i < len(words):
        honorifics, rest, plural = split_honorifics(words[i:])
        if not honorifics:
            i += 1
            continue
        consumed = len(words) - i - len(rest)
        taken: list[str] = []
        names: list[list[str]] = [[]]
        for word in rest:
            bare = word.strip(".,،:;()«»")
            if not bare or bare in _STOP or not _WORD.match(bare):
                if plural and bare == "و" and names[-1]:
                    names.append([])
                    taken.append(word)
                    continue
                break
            names[-1].append(bare)
            taken.append(word)
            if word.endswith(("،", ",", ".")):
                if plural:
                    names.append([])
                    continue
                break
            if not plural and len(names[-1]) >= 3:
                break
        for name in names:
            if len(name) >= 2:
                out.append((honorifics, " ".join(name)))
        i += consumed + max(len(taken), 1)
    return out


def persian_similarity(a: str, b: str) -> float:
    """Similarity (0-100) of two Persian names in their compact forms."""
    ca, cb = compact(a), compact(b)
    if not ca or not cb:
        return 0.0
    return float(fuzz.ratio(ca, cb))


# -- claims -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimedPerson:
    """A claim about a person: the name, and the post and body said to be theirs."""

    raw: str
    name: str
    latin: bool  # typed in Latin letters (compared through spellings), else Persian
    role: str  # the rest of the claim («who heads the Ministry of ...»)
    title_kind: str | None
    body_kind: str | None
    honorifics: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "claim": self.raw,
            "name": self.name,
            "script": "latin" if self.latin else "persian",
            "role": self.role or None,
            "title_kind": self.title_kind,
            "body_kind": self.body_kind,
        }


_LATIN_HONORIFIC = re.compile(
    r"^(?:(?:mr|mrs|ms|dr|eng|engineer|doctor|messrs|his excellency|hojjatoleslam|"
    r"hojatoleslam|ayatollah|general)\.?\s+)+",
    re.IGNORECASE,
)


def parse_claimed_person(text: str) -> ClaimedPerson:
    """Split a claim such as "Seyyed Morteza Kavianpour, who heads the Ministry of X".

    The name ends at the first comma, parenthesis, dash or "who"; the rest is the role, whose
    post and body are recognised by kind (English or Persian words of the lexicon).
    """
    raw = text.strip()
    latin = not _ARABIC_SCRIPT.search(raw)
    if latin:
        parts = re.split(r",|\(|\s[-–—]\s|\swho\s|\swhose\s|;", raw, maxsplit=1)
        name = _LATIN_HONORIFIC.sub("", parts[0].strip())
        role = parts[1].strip(" )") if len(parts) > 1 else ""
        titles = lexicon().english_kinds(role, lexicon().titles)
        bodies = lexicon().english_kinds(role, lexicon().bodies)
        return ClaimedPerson(
            raw,
            name,
            True,
            role,
            titles[0][0] if titles else None,
            bodies[0][0] if bodies else None,
        )
    parts = re.split(r"[،,(]|\s[-–—]\s", normalize(raw), maxsplit=1)
    honorifics, rest, _ = split_honorifics(parts[0].split())
    role = parts[1].strip(" )") if len(parts) > 1 else ""
    title = parse_title(role) if role else None
    return ClaimedPerson(
        raw,
        " ".join(rest),
        False,
        role,
        title.kind if title else None,
        title.body_kind if title else None,
        tuple(honorifics),
    )


def parse_office_claim(text: str) -> tuple[str | None, bool]:
    """(kind of body, typed in Latin) of a claimed office («Ministry of X», «دفتر ...»)."""
    latin = not _ARABIC_SCRIPT.search(text)
    if latin:
        kinds = lexicon().english_kinds(text, lexicon().bodies)
        return (kinds[0][0] if kinds else None), True
    return body_of(text)[0], False


# -- a letter's people --------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedPerson:
    """A person a letter names: role, name as printed, honorifics, title, and line numbers."""

    role: str  # "signatory", "addressee" or "body"
    name: str
    honorifics: tuple[str, ...]
    title: Title | None
    line: int
    title_line: int | None


def _title_below(lines: Sequence[str], n: int) -> tuple[Title | None, int | None]:
    if n + 1 < len(lines):
        title = parse_title(lines[n + 1])
        if title is not None:
            return title, n + 1
    return None, None


def find_addressee(
    lines: Sequence[str], patterns: Sequence[str], *, top: int = 12
) -> NamedPerson | None:
    """The addressee: the first top line with an honorific or an addressee phrase, and a name."""
    for n, line in enumerate(lines[:top]):
        words = line.split()
        honorifics, rest, _ = split_honorifics(words)
        labelled = any(find_phrase(p, words, min_score=90) for p in patterns)
        name = clean_name(" ".join(rest))
        if len(name.split()) < 2 or parse_title(name) is not None:
            continue
        if not honorifics and not labelled:
            continue
        title, title_line = _title_below(lines, n)
        return NamedPerson("addressee", name, tuple(honorifics), title, n, title_line)
    return None


def find_signatory(
    lines: Sequence[str], closing_patterns: Sequence[str], *, window: int = 6
) -> NamedPerson | None:
    """The signatory: the first name line under the last closing formula, with its title."""
    start = None
    for n in range(len(lines) - 1, -1, -1):
        if any(find_phrase(p, lines[n].split(), min_score=88) for p in closing_patterns):
            start = n + 1
            break
    if start is None:
        return None
    candidates = []
    for n in range(start, min(len(lines), start + window)):
        honorifics, rest, _ = split_honorifics(lines[n].split())
        name = clean_name(" ".join(rest))
        if len(name.split()) < 2 or parse_title(name) is not None:
            continue
        title, title_line = _title_below(lines, n)
        candidates.append(NamedPerson("signatory", name, tuple(honorifics), title, n, title_line))
    # The name stands above the title; lines read from the seal's ring text come first.
    titled = [c for c in candidates if c.title is not None]
    return next(iter(titled or candidates), None)


def letter_people(
    lines: Sequence[str], addressee_patterns: Sequence[str], closing_patterns: Sequence[str]
) -> list[NamedPerson]:
    """Addressee, signatory and the people named after an honorific in the other lines."""
    people: list[NamedPerson] = []
    used: set[int] = set()
    for person in (
        find_addressee(lines, addressee_patterns),
        find_signatory(lines, closing_patterns),
    ):
        if person is not None:
            people.append(person)
            used.add(person.line)
            if person.title_line is not None:
                used.add(person.title_line)
    for n, line in enumerate(lines):
        if n not in used:
            for honorifics, name in names_in_line(line):
                people.append(NamedPerson("body", name, tuple(honorifics), None, n, None))
    return people
