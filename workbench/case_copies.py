"""Copies of one scan told apart: what differs between them and which is likely the earlier.

Used by the case service (`workbench.cases`) for each near-duplicate it finds.
"""

from __future__ import annotations

from typing import Any

from workbench.store.service import Store


def copy_profile(store: Store, sha256: str) -> dict[str, Any]:
    """What tells copies of one scan apart: size, pixels, compression, metadata times."""
    record = store.document(sha256)
    report = store.latest_report(sha256)
    results = report.results if report is not None else {}
    compression = results.get("compression") or {}
    summary = (results.get("metadata") or {}).get("summary") or {}
    pages = (results.get("file") or {}).get("pages") or []
    first = pages[0] if pages else {}
    double = compression.get("double_compression") or {}
    return {
        "name": record.original_name,
        "media_type": record.media_type,
        "size_bytes": record.size_bytes,
        "width": first.get("width"),
        "height": first.get("height"),
        "jpeg_quality": compression.get("quality_estimate"),
        "saved_twice": double.get("detected"),
        "software": summary.get("software"),
        "timestamp": summary.get("created") or summary.get("digitized") or summary.get("modified"),
    }


def likely_earlier(
    a: str, pa: dict[str, Any], b: str, pb: dict[str, Any]
) -> tuple[str | None, list[str]]:
    """Which of two copies is likely the earlier, and why (None when nothing tells).

    A copy with more pixels, fewer saves and an earlier recorded time is the likelier
    source: cropping, downscaling and re-saving only lose information. Every sign is weak
    alone (a publisher may upscale, metadata may be rewritten), so they are counted.
    """
    votes = {a: 0, b: 0}
    reasons: list[str] = []

    def pixels(p: dict[str, Any]) -> int:
        return int(p.get("width") or 0) * int(p.get("height") or 0)

    if (
        pixels(pa)
        and pixels(pb)
        and max(pixels(pa), pixels(pb)) > 1.02 * min(pixels(pa), pixels(pb))
    ):
        big = a if pixels(pa) > pixels(pb) else b
        votes[big] += 1
        reasons.append(f"{(pa if big == a else pb).get('name')} has more pixels")
    twice = (pa.get("saved_twice"), pb.get("saved_twice"))
    if None not in twice and twice[0] != twice[1]:
        once = b if twice[0] else a
        votes[once] += 1
        reasons.append(
            f"{(pa if once == a else pb).get('name')} shows no sign of a second JPEG save"
        )
    ta, tb = pa.get("timestamp"), pb.get("timestamp")
    if ta and tb and ta != tb:
        early = a if str(ta) < str(tb) else b
        votes[early] += 1
        reasons.append(f"{(pa if early == a else pb).get('name')} records an earlier time")
    if votes[a] == votes[b]:
        return None, reasons
    return (a if votes[a] > votes[b] else b), reasons


def differences(pa: dict[str, Any], pb: dict[str, Any]) -> dict[str, Any]:
    """The profile entries (`copy_profile`) in which two copies differ, as [a's, b's]."""
    keys = ("media_type", "size_bytes", "width", "height", "jpeg_quality", "saved_twice")
    diff = {k: [pa.get(k), pb.get(k)] for k in (*keys, "software", "timestamp")}
    return {k: v for k, v in diff.items() if v[0] != v[1]}
