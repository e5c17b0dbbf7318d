"""The ``people`` check: who signed, to whom, with which titles and offices, against the claims.

The signatory and title are read under the closing formula, the addressee and title under the
heading (the letter convention's phrases locate both: `workbench.conventions`), the issuing
bodies from the letterhead lines, and people in the body after an honorific
(`workbench.text.people`). Every name gets its likely Latin spellings
(`workbench.text.romanize`). The claimed author, addressee and office, typed in Latin or
Persian letters, are then looked for: a name matched (both spellings shown), a name found only
elsewhere on the page, a name not found, and a post or body that differs in kind from the one
claimed («head of an office» on the page, "heads the Ministry" in the claim). Titles change
and claims simplify: which post a person held on the date is a question for a reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench import conventions
from workbench.check import Check, Need
from workbench.context import Context
from workbench.errors import WorkbenchError
from workbench.model import CheckResult, Finding, Region, Severity
from workbench.text.people import (
    ClaimedPerson,
    Title,
    bodies_in_text,
    body_of,
    clean_name_keep_joiners,
    letter_people,
    parse_claimed_person,
    parse_office_claim,
    persian_similarity,
)
from workbench.text.romanize import latin_similarity, load_romanizer, romanize

#: Similarity (0-100) at which a claimed name counts as the name on the page.
SAME_NAME = 85.0
#: Lines at the top of a page searched for the addressee and the letterhead.
TOP_LINES = 12

_KIND_WORDS = {
    "head": "head",
    "director_general": "director-general",
    "managing_director": "managing director",
    "deputy": "deputy",
    "minister": "minister",
    "director": "director",
    "president": "president",
    "secretary": "secretary",
    "expert": "expert",
    "ministry": "a ministry",
    "office": "an office",
    "organisation": "an organisation",
    "directorate_general": "a directorate-general",
    "department": "a department",
    "deputy_office": "a deputy's office",
    "company": "a company",
    "headquarters": "a headquarters",
    "council": "a council",
    "foundation": "a foundation",
    "parliament": "a parliament",
}


@dataclass
class _Line:
    text: str
    page: int | None
    box: tuple[int, int, int, int] | None


@dataclass
class _Person:
    role: str  # signatory, addressee, body
    persian: str
    honorifics: list[str]
    title: Title | None
    line: _Line
    title_line: _Line | None = None

    def regions(self) -> list[Region]:
        out = []
        for line, label in ((self.line, self.role), (self.title_line, "title")):
            if line is not None and line.box is not None:
                out.append(Region(*line.box, label=label))
        return out

    def as_dict(self) -> dict[str, Any]:
        spelling = romanize(self.persian)
        out: dict[str, Any] = {
            "role": self.role,
            "persian": self.persian,
            "honorifics": self.honorifics,
            "latin": list(spelling.latin),
            "latin_source": spelling.source,
            "title": self.title.as_dict() if self.title else None,
            "page": self.line.page,
        }
        if self.line.box is not None:
            x, y, w, h = self.line.box
            out["box"] = {"x": x, "y": y, "width": w, "height": h}
        return out


def _kind(kind: str | None) -> str:
    return _KIND_WORDS.get(kind or "", kind or "not recognised")


class PeopleCheck(Check):
    """Names, titles and offices on the page, against the claimed author, addressee, office."""

    name = "people"
    version = "2"
    title = "People, titles and offices, and the claims about them"
    explanation = (
        "Reads the signatory and title under the closing formula, the addressee and title "
        "under the heading, the issuing bodies in the letterhead and the people named after "
        "an honorific in the body, and gives each name its likely Latin spellings (from a "
        "romanizer with a dictionary of attested spellings; Seyyed, Seyed and Sayyid are one "
        "honorific). The claimed author, addressee and office, typed in Latin or Persian "
        "letters, are looked for: it reports a name matched (both spellings shown), found only "
        "elsewhere on the page, or not found, and a post or body that differs in kind from the "
        "claim. It cannot tell whether a person held a post on the date: titles change, "
        "claims simplify, and OCR may misread a name."
    )
    needs = frozenset({Need.TEXT})
    order = 75

    def warm_up(self, context: Context) -> None:
        """Load the romanizer while Tesseract reads the page, not when the first name is met.

        A page without names then holds a model it does not use; most letters name a
        signatory.
        """
        if context.document.pages or (context.document.text or "").strip():
            load_romanizer()

    def run(self, context: Context) -> CheckResult:
        """Find the people, then compare the claims."""
        try:
            lines = self._lines(context)
        except WorkbenchError as exc:
            return self.ocr_failed(exc, "so no text to read")
        persons = self._people(lines)
        addressee = next((p for p in persons if p.role == "addressee"), None)
        top = lines.index(addressee.line) if addressee is not None else TOP_LINES
        letterhead = self._letterhead(lines[: min(top, TOP_LINES)])
        findings: list[Finding] = []
        claims_out: list[dict[str, Any]] = []
        claims = context.claims
        if claims is not None:
            for field_name, role in (("author", "signatory"), ("addressee", "addressee")):
                value = getattr(claims, field_name)
                if value:
                    claimed = parse_claimed_person(value)
                    found, summary = self._match(field_name, role, claimed, persons)
                    findings += found
                    claims_out.append(summary)
            if claims.office:
                found, summary = self._office(claims.office, persons, letterhead)
                findings += found
                claims_out.append(summary)
        return self.ok(
            findings=findings,
            results={
                "persons": [p.as_dict() for p in persons],
                "bodies": self._bodies(lines),
                "letterhead": [{"text": t, "kind": k} for t, k in letterhead],
                "claims": claims_out,
            },
        )

    # -- reading -----------------------------------------------------------------------------

    def _lines(self, context: Context) -> list[_Line]:
        doc = context.document
        if not doc.pages:
            return [_Line(t, None, None) for t in (doc.text or "").splitlines() if t.strip()]
        out = []
        for page in doc.pages:
            ocr = context.ocr(page.index)
            out += [_Line(line.text, page.index, line.box) for line in ocr.lines]
        return out

    def _people(self, lines: list[_Line]) -> list[_Person]:
        convention = conventions.load()
        found = letter_people(
            [line.text for line in lines],
            convention.patterns("addressee"),
            convention.patterns("closing"),
        )
        return [
            _Person(
                p.role,
                p.name,
                list(p.honorifics),
                p.title,
                lines[p.line],
                lines[p.title_line] if p.title_line is not None else None,
            )
            for p in found
        ]

    def _bodies(self, lines: list[_Line]) -> list[dict[str, Any]]:
        """Every ministry, office, organisation ... the text names, with where."""
        out: list[dict[str, Any]] = []
        for line in lines:
            for kind, name, where in bodies_in_text(line.text):
                item: dict[str, Any] = {
                    "text": name,
                    "kind": kind,
                    "where": where,
                    "page": line.page,
                }
                if line.box is not None:
                    x, y, w, h = line.box
                    item["box"] = {"x": x, "y": y, "width": w, "height": h}
                out.append(item)
        return out

    def _letterhead(self, lines: list[_Line]) -> list[tuple[str, str]]:
        """The bodies named at the top of the page: (text, kind), the higher body first."""
        out = []
        for line in lines:
            kind, body = body_of(line.text)
            if kind is None or body is None:
                continue
            words = clean_name_keep_joiners(body)
            if words and words.split()[0] == body.split()[0] and len(words.split()) <= 6:
                out.append((words, kind))
        return out

    # -- judging -----------------------------------------------------------------------------

    def _score(self, claimed: ClaimedPerson, person: _Person) -> tuple[float, str | None]:
        if claimed.latin:
            return latin_similarity(claimed.name, romanize(person.persian).latin)
        return persian_similarity(claimed.name, person.persian), person.persian

    def _match(
        self, field_name: str, role: str, claimed: ClaimedPerson, persons: list[_Person]
    ) -> tuple[list[Finding], dict[str, Any]]:
        scored = [(self._score(claimed, p), p) for p in persons]
        scored.sort(key=lambda sp: -sp[0][0])
        in_role = [(s, p) for s, p in scored if p.role == role and s[0] >= SAME_NAME]
        anywhere = [(s, p) for s, p in scored if s[0] >= SAME_NAME]
        summary: dict[str, Any] = {"field": field_name, **claimed.as_dict(), "matched": None}
        findings: list[Finding] = []
        if in_role or anywhere:
            (score, spelling), person = (in_role or anywhere)[0]
            summary["matched"] = {
                "role": person.role,
                "persian": person.persian,
                "latin": spelling,
                "score": round(score, 1),
            }
            where = (
                "signature block"
                if person.role == "signatory"
                else ("address block" if person.role == "addressee" else "body of the letter")
            )
            if in_role:
                findings.append(
                    self.finding(
                        f"{field_name}_found",
                        Severity.INFO,
                        f"The claimed {field_name} is the {role} on the page",
                        f"The claimed {field_name} «{claimed.name}» matches the {role} read in "
                        f"the {where}: «{person.persian}» ({spelling or person.persian}), "
                        f"similarity {score:.0f} of 100.",
                        page=person.line.page,
                        regions=person.regions(),
                        evidence=summary["matched"],
                        checklist=["people.titles"],
                    )
                )
            else:
                findings.append(
                    self.finding(
                        f"{field_name}_elsewhere",
                        Severity.NOTICE,
                        f"The claimed {field_name} is named on the page, but not as its {role}",
                        f"«{claimed.name}» matches «{person.persian}» ({spelling}) in the "
                        f"{where}, not the {role}"
                        + (
                            f" («{self._role_name(persons, role)}»)"
                            if self._role_name(persons, role)
                            else ""
                        )
                        + ". A claim that confuses the people a letter names is consistent "
                        "with this; so is an OCR misreading of the block.",
                        page=person.line.page,
                        regions=person.regions(),
                        evidence=summary["matched"],
                        checklist=["people.titles"],
                    )
                )
            if person.role == role:
                findings += self._title(field_name, claimed, person)
        else:
            best = scored[0] if scored else None
            on_page = self._role_name(persons, role)
            findings.append(
                self.finding(
                    f"{field_name}_not_found",
                    Severity.WARNING if persons else Severity.NOTICE,
                    f"The claimed {field_name} was not found on the page",
                    f"No name read on the page matches «{claimed.name}»"
                    + (f"; the {role} reads «{on_page}»" if on_page else "")
                    + (
                        f" (closest: «{best[1].persian}», similarity {best[0][0]:.0f})"
                        if best
                        else ""
                    )
                    + ". A claim about another document, or a misattribution, is consistent "
                    "with this; so are an OCR misreading and an unusual Latin spelling: read "
                    "the name on the page.",
                    evidence=summary,
                    checklist=["people.titles"],
                )
            )
        return findings, summary

    def _role_name(self, persons: list[_Person], role: str) -> str | None:
        return next((p.persian for p in persons if p.role == role), None)

    def _title(self, field_name: str, claimed: ClaimedPerson, person: _Person) -> list[Finding]:
        title = person.title
        if title is None or (claimed.title_kind is None and claimed.body_kind is None):
            return []
        post_differs = claimed.title_kind and title.kind and claimed.title_kind != title.kind
        body_differs = (
            claimed.body_kind and title.body_kind and claimed.body_kind != title.body_kind
        )
        evidence = {
            "claim": claimed.role,
            "claimed_post": claimed.title_kind,
            "claimed_body": claimed.body_kind,
            "page_title": title.text,
            "page_post": title.kind,
            "page_body": title.body_kind,
        }
        if not post_differs and not body_differs:
            return [
                self.finding(
                    f"{field_name}_title_matches",
                    Severity.INFO,
                    f"The {field_name}'s title on the page agrees in kind with the claim",
                    f"The claim says «{claimed.role}»; the page reads «{title.text}» "
                    f"({_kind(title.kind)} of {_kind(title.body_kind)}). Kinds of post and body "
                    "agree; whether the named body is the claimed one is for a reader to check.",
                    page=person.line.page,
                    regions=person.regions(),
                    evidence=evidence,
                    checklist=["people.titles"],
                )
            ]
        claimed_text = f"{_kind(claimed.title_kind)} of {_kind(claimed.body_kind)}"
        page_text = f"{_kind(title.kind)} of {_kind(title.body_kind)}"
        return [
            self.finding(
                f"{field_name}_title_differs",
                Severity.NOTICE,
                f"The {field_name}'s title on the page differs from the claim",
                f"The claim says «{claimed.role}» ({claimed_text}); the page reads "
                f"«{title.text}» ({page_text}). A claim that names the parent body for one of "
                "its offices, or a post held at another time, is consistent with this; so is a "
                "title changed on the page. Which post the person held on the letter's date is "
                "a question for a reviewer.",
                page=person.line.page,
                regions=person.regions(),
                evidence=evidence,
                checklist=["people.titles"],
            )
        ]

    def _office(
        self, office: str, persons: list[_Person], letterhead: list[tuple[str, str]]
    ) -> tuple[list[Finding], dict[str, Any]]:
        kind, _ = parse_office_claim(office)
        signatory = next((p for p in persons if p.role == "signatory"), None)
        issuing = signatory.title if signatory and signatory.title else None
        summary: dict[str, Any] = {
            "field": "office",
            "claim": office,
            "body_kind": kind,
            "letterhead": [t for t, _ in letterhead],
            "signatory_body": issuing.body if issuing else None,
            "signatory_body_kind": issuing.body_kind if issuing else None,
        }
        if kind is None:
            return [], summary
        page_kind = issuing.body_kind if issuing and issuing.body_kind else None
        heads = [t for t, k in letterhead if k == kind]
        if page_kind is None or page_kind == kind:
            if not heads and page_kind is None:
                return [], summary
            return [
                self.finding(
                    "office_matches",
                    Severity.INFO,
                    "The claimed office agrees in kind with the page",
                    f"The claim names {_kind(kind)} («{office}»); the page names "
                    f"«{(issuing.body if issuing else None) or heads[0]}». Whether it is the "
                    "same body is for a reader of both languages to confirm.",
                    evidence=summary,
                    checklist=["people.titles"],
                )
            ], summary
        also = (
            f" The letterhead also names {_kind(kind)}, «{heads[0]}», above it: the signature "
            "block's office may be part of it."
            if heads
            else ""
        )
        regions = signatory.regions() if signatory else []
        return [
            self.finding(
                "office_differs",
                Severity.NOTICE,
                "The claimed office differs from the signatory's office on the page",
                f"The claim names {_kind(kind)} («{office}»); the signature block gives the "
                f"signatory's post in {_kind(page_kind)}, «{issuing.body if issuing else ''}»."
                f"{also} Claims often name the parent body of the office that wrote; a letter "
                "issued in another body's name is consistent with this too. Which post the "
                "signatory held on the date is a question for a reviewer.",
                page=signatory.line.page if signatory else None,
                regions=regions,
                evidence=summary,
                checklist=["people.titles"],
            )
        ], summary
