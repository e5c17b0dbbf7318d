"""Finding the installed checks through the ``workbench.checks`` entry-point group.

Built-in checks are registered in the project's own ``pyproject.toml`` exactly like a
third-party plug-in would register one, so there is a single way in. A plug-in that fails to
import, or that is not a proper check, is reported by name rather than taking the program down.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from workbench.check import Check
from workbench.errors import UnknownCheckError

ENTRY_POINT_GROUP = "workbench.checks"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BrokenCheck:
    """A registered check that could not be loaded, and why."""

    name: str
    target: str
    error: str


@dataclass(frozen=True)
class Registry:
    """The checks available in this installation, in run order."""

    checks: tuple[type[Check], ...]
    broken: tuple[BrokenCheck, ...] = ()
    #: Every registered name, loaded or not (`discover` with `only` loads some).
    registered: tuple[str, ...] = ()

    def names(self) -> list[str]:
        """Names of the loadable checks, in run order."""
        return [c.name for c in self.checks]

    def get(self, name: str) -> type[Check]:
        """The check class called `name`."""
        for cls in self.checks:
            if cls.name == name:
                return cls
        broken = next((b for b in self.broken if b.name == name), None)
        if broken is not None:
            raise UnknownCheckError(f"check {name!r} is installed but broken: {broken.error}")
        known = sorted(set(self.registered) - {b.name for b in self.broken}) or self.names()
        raise UnknownCheckError(f"unknown check {name!r}; available: {', '.join(known) or 'none'}")

    def select(self, only: Iterable[str] | None = None) -> list[Check]:
        """Instances of the checks named in `only` (all when None), in run order."""
        if only is None:
            return [cls() for cls in self.checks]
        wanted = [n.strip() for n in only if n.strip()]
        classes = {self.get(n) for n in wanted}
        return [cls() for cls in self.checks if cls in classes]


def _validate(ep: EntryPoint, obj: object) -> type[Check]:
    if not (isinstance(obj, type) and issubclass(obj, Check)):
        raise TypeError(f"{ep.value} is not a subclass of workbench.check.Check")
    for attr in ("name", "version", "title", "explanation"):
        value = getattr(obj, attr, None)
        if not isinstance(value, str) or not value.strip():
            raise TypeError(f"{ep.value} has no {attr}")
    if obj.name != ep.name:
        raise TypeError(f"entry point {ep.name!r} names a check called {obj.name!r}")
    return obj


def discover(group: str = ENTRY_POINT_GROUP, only: Iterable[str] | None = None) -> Registry:
    """Load the checks registered in `group`, those named in `only` or all of them.

    Failures are collected, not raised. Loading a check imports its module and what that
    needs (OpenCV, the OCR layer, the language and sentence models' code): a run of a few
    cheap checks loads only those.
    """
    found: dict[str, type[Check]] = {}
    broken: list[BrokenCheck] = []
    registered = sorted(entry_points(group=group), key=lambda e: e.name)
    wanted = None if only is None else {n.strip() for n in only}
    for ep in registered:
        if wanted is not None and ep.name not in wanted:
            continue
        if ep.name in found:
            log.warning("check %s registered twice; keeping %s", ep.name, found[ep.name])
            continue
        try:
            found[ep.name] = _validate(ep, ep.load())
        except Exception as exc:  # a plug-in's import error must not stop the program
            log.warning("check %s (%s) could not be loaded: %s", ep.name, ep.value, exc)
            broken.append(BrokenCheck(ep.name, ep.value, f"{type(exc).__name__}: {exc}"))
    ordered = sorted(found.values(), key=lambda c: (c.order, c.name))
    return Registry(
        checks=tuple(ordered),
        broken=tuple(broken),
        registered=tuple(dict.fromkeys(ep.name for ep in registered)),
    )
