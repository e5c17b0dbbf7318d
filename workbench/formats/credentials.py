"""Content Credentials (C2PA): read a file's manifest store and summarise what it claims.

A C2PA manifest is a signed record, embedded in the file, of who made the file with what
program, what was done to it (the actions, with the IPTC digital source type that marks media
made by a generative model) and from which other files (the ingredients). The maintained
``c2pa-python`` bindings of the reference implementation read and validate it. Reading is
local: fetching remote manifests and certificate status (OCSP) is switched off, so the
workbench makes no network request, and a signer's certificate is reported as the manifest
names it, not checked against a trust list.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

#: IPTC digital source types that declare media made wholly or partly by a generative model.
GENERATIVE_SOURCE_TYPES = (
    "trainedAlgorithmicMedia",
    "compositeWithTrainedAlgorithmicMedia",
    "compositeSynthetic",
    "algorithmicMedia",
)
#: Reading settings: no network, no remote manifests, no certificate-status fetches.
READ_SETTINGS = {"verify": {"ocsp_fetch": False, "remote_manifest_fetch": False}}
#: Validation codes that only say the signer is not on a trust list (none is configured).
TRUST_ONLY_CODES = ("signingCredential.untrusted",)


class CredentialsUnavailable(Exception):
    """The ``c2pa-python`` package (or its native library) cannot be loaded here."""


@dataclass(frozen=True)
class Credentials:
    """What a file's active C2PA manifest says, in plain fields."""

    present: bool
    validation_state: str | None = None
    claim_generator: str | None = None
    title: str | None = None
    signer: dict[str, Any] = field(default_factory=dict)
    actions: tuple[dict[str, Any], ...] = ()
    ingredients: tuple[dict[str, Any], ...] = ()
    failures: tuple[dict[str, str], ...] = ()
    untrusted: bool = False
    manifests: int = 0

    @property
    def generative(self) -> tuple[dict[str, Any], ...]:
        """The actions whose digital source type names a generative model."""
        return tuple(
            a
            for a in self.actions
            if str(a.get("digitalSourceType") or "").rsplit("/", 1)[-1] in GENERATIVE_SOURCE_TYPES
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for a check's results."""
        return {
            "present": self.present,
            "validation_state": self.validation_state,
            "claim_generator": self.claim_generator,
            "title": self.title,
            "signer": self.signer,
            "actions": list(self.actions),
            "generative_actions": list(self.generative),
            "ingredients": list(self.ingredients),
            "failures": list(self.failures),
            "signer_untrusted": self.untrusted,
            "manifest_count": self.manifests,
        }


def _generator(manifest: dict[str, Any]) -> str | None:
    infos = manifest.get("claim_generator_info") or []
    if infos and isinstance(infos[0], dict):
        info = infos[0]
        return " ".join(str(v) for v in (info.get("name"), info.get("version")) if v) or None
    value = manifest.get("claim_generator")
    return str(value) if value else None


def _actions(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for assertion in manifest.get("assertions") or []:
        if not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        for action in (assertion.get("data") or {}).get("actions") or []:
            keep = ("action", "digitalSourceType", "softwareAgent", "when", "description")
            out.append({k: action[k] for k in keep if k in action})
    return out


def summarise(store: dict[str, Any], state: str | None) -> Credentials:
    """Turn a manifest store (the reader's JSON) into `Credentials`."""
    manifests = store.get("manifests") or {}
    active = manifests.get(store.get("active_manifest") or "") or {}
    statuses = store.get("validation_status") or []
    failures = tuple(
        {"code": str(s.get("code")), "explanation": str(s.get("explanation") or "")}
        for s in statuses
        if str(s.get("code")) not in TRUST_ONLY_CODES
    )
    untrusted = any(str(s.get("code")) in TRUST_ONLY_CODES for s in statuses)
    ingredients = tuple(
        {
            "title": i.get("title"),
            "format": i.get("format"),
            "relationship": i.get("relationship"),
            "has_manifest": bool(i.get("active_manifest") or i.get("manifest_data")),
        }
        for i in active.get("ingredients") or []
    )
    return Credentials(
        present=True,
        validation_state=state,
        claim_generator=_generator(active),
        title=active.get("title"),
        signer=dict(active.get("signature_info") or {}),
        actions=tuple(_actions(active)),
        ingredients=ingredients,
        failures=failures,
        untrusted=untrusted,
        manifests=len(manifests),
    )


def read_credentials(data: bytes, media_type: str) -> Credentials:
    """Read and validate the C2PA manifest store embedded in `data`.

    Raises:
        CredentialsUnavailable: the c2pa package or its native library is missing.
        ValueError: the type cannot carry Content Credentials for this reader, or the
            manifest is unreadable (its message says why).

    """
    try:
        import c2pa
    except (ImportError, OSError) as exc:
        raise CredentialsUnavailable(f"c2pa-python cannot be loaded ({exc})") from None
    if media_type not in c2pa.Reader.get_supported_mime_types():
        raise ValueError(f"Content Credentials are not read from {media_type} files")
    context = c2pa.Context(c2pa.Settings.from_dict(READ_SETTINGS))
    try:
        reader = c2pa.Reader.try_create(media_type, io.BytesIO(data), context=context)
    except c2pa.C2paError as exc:
        raise ValueError(f"the C2PA data could not be read: {exc}") from None
    if reader is None:
        return Credentials(present=False)
    with reader:
        return summarise(json.loads(reader.json()), reader.get_validation_state())
