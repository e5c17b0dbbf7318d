"""Letter conventions as data: which elements a kind of letter has, how to find them, and where.

A convention file (TOML, shipped in this package) describes one letter tradition: each element's
name, how it is detected (``text``: a phrase; ``label``: a labelled field with a value after it;
``below``: the lines under another element; ``circle``: a round stamp; ``template``: found only
by comparison with exemplars), the phrases that announce it, the zones of the page where it is
expected (relative coordinates, origin top-left) and whether a letter normally has it. The
`letter` check reads these, and the `layout` check names template blocks after their zones, so a
newsroom can add Arabic letters or English memos without code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from workbench.errors import UsageError

DEFAULT = "persian_official_letter"
DETECTORS = frozenset({"text", "label", "below", "circle", "template"})

Zone = tuple[float, float, float, float]


@dataclass(frozen=True)
class Element:
    """One conventional element of a letter."""

    name: str
    title: str
    detector: str
    zones: tuple[Zone, ...]
    patterns: tuple[str, ...] = ()
    required: bool = False
    template: bool = False
    value: str | None = None  # "date", "number" or "text" for labelled fields
    anchor: str | None = None  # for "below": the element whose lines it follows
    max_lines: int = 2
    exact_words: bool = False  # patterns must match whole words (short marks like «سری»)
    misplaced_note: str | None = None
    #: Where this element's ink differs from letter to letter by nature (a stamp's impression
    #: lands a little differently each time), so template comparison ignores it.
    ignore_zones: tuple[Zone, ...] = ()

    def zone_contains(self, rx: float, ry: float, margin: float = 0.0) -> bool:
        """Whether the relative point ``(rx, ry)`` lies in one of the element's zones."""
        return any(
            z[0] - margin <= rx <= z[2] + margin and z[1] - margin <= ry <= z[3] + margin
            for z in self.zones
        )


@dataclass(frozen=True)
class Convention:
    """A letter tradition: its name, language, reading direction and elements."""

    name: str
    title: str
    language: str
    direction: str
    elements: tuple[Element, ...]

    def element(self, name: str) -> Element | None:
        """The element called `name`, if the convention has one."""
        return next((e for e in self.elements if e.name == name), None)

    def patterns(self, name: str) -> tuple[str, ...]:
        """The text patterns of the element called `name` (none when it has no such element)."""
        found = self.element(name)
        return found.patterns if found is not None else ()

    def zone_name(self, rx: float, ry: float, *, template_only: bool = True) -> str | None:
        """The element(s) whose smallest zone holds the relative point, joined by ``/``.

        Elements sharing one zone (the number, date and attachment fields) are named together:
        ``"number/date/attachment"``.
        """
        best_area: float | None = None
        names: list[str] = []
        for element in self.elements:
            if template_only and not element.template:
                continue
            for z in element.zones:
                if z[0] <= rx <= z[2] and z[1] <= ry <= z[3]:
                    area = round((z[2] - z[0]) * (z[3] - z[1]), 9)
                    if best_area is None or area < best_area:
                        best_area, names = area, [element.name]
                    elif area == best_area and element.name not in names:
                        names.append(element.name)
        return "/".join(names) if names else None

    def ignored(self, rx: float, ry: float) -> bool:
        """Whether the relative point lies where ink varies by nature (see `Element`)."""
        return any(
            z[0] <= rx <= z[2] and z[1] <= ry <= z[3]
            for element in self.elements
            for z in element.ignore_zones
        )


def _zone(value: Any, where: str) -> Zone:
    if (
        not isinstance(value, list)
        or len(value) != 4
        or not all(isinstance(v, int | float) for v in value)
    ):
        raise UsageError(f"{where}: a zone is four numbers [x0, y0, x1, y1] between 0 and 1")
    x0, y0, x1, y1 = (float(v) for v in value)
    if not (0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1):
        raise UsageError(f"{where}: zone {value} is not inside the page (0-1) or is empty")
    return x0, y0, x1, y1


def parse(data: dict[str, Any], origin: str = "conventions") -> Convention:
    """Build a `Convention` from parsed TOML, with messages that name the faulty entry."""
    elements: list[Element] = []
    for i, raw in enumerate(data.get("elements", [])):
        where = f"{origin}: element {i + 1} ({raw.get('name', '?')})"
        name = raw.get("name")
        detector = raw.get("detector")
        if not isinstance(name, str) or not name:
            raise UsageError(f"{where}: every element needs a name")
        if detector not in DETECTORS:
            raise UsageError(f"{where}: detector must be one of {sorted(DETECTORS)}")
        zones = tuple(_zone(z, where) for z in raw.get("zones", []))
        if not zones:
            raise UsageError(f"{where}: at least one zone is needed")
        patterns = tuple(str(p) for p in raw.get("patterns", []))
        if detector in {"text", "label"} and not patterns:
            raise UsageError(f"{where}: a {detector} element needs patterns")
        if detector == "below" and not raw.get("anchor"):
            raise UsageError(f"{where}: a below element needs an anchor")
        elements.append(
            Element(
                name=name,
                title=str(raw.get("title", name)),
                detector=str(detector),
                zones=zones,
                patterns=patterns,
                required=bool(raw.get("required", False)),
                template=bool(raw.get("template", False)),
                value=raw.get("value"),
                anchor=raw.get("anchor"),
                max_lines=int(raw.get("max_lines", 2)),
                exact_words=bool(raw.get("exact_words", False)),
                misplaced_note=raw.get("misplaced_note"),
                ignore_zones=tuple(_zone(z, where) for z in raw.get("ignore_zones", [])),
            )
        )
    if not elements:
        raise UsageError(f"{origin}: no elements")
    return Convention(
        name=str(data.get("name", origin)),
        title=str(data.get("title", origin)),
        language=str(data.get("language", "")),
        direction=str(data.get("direction", "rtl")),
        elements=tuple(elements),
    )


def load(name_or_path: str | Path = DEFAULT) -> Convention:
    """Load a shipped convention by name, or a convention file by path.

    Raises:
        UsageError: the name is unknown or the file is not a valid convention.

    """
    path = Path(name_or_path)
    try:
        if path.suffix == ".toml" and path.is_file():
            text, origin = path.read_text(encoding="utf-8"), str(path)
        else:
            resource = resources.files(__name__).joinpath(f"{name_or_path}.toml")
            text, origin = resource.read_text(encoding="utf-8"), f"{name_or_path}.toml"
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"no letter convention called {name_or_path!r}: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{origin} is not valid TOML: {exc}") from None
    return parse(data, origin)
