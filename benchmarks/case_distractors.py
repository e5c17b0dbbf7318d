"""Stored pages as hard to tell from a copy as a real leak's: other letters of the same template.

The case benchmark measures its search over a store of about a thousand fingerprinted pages.
Those pages are not random: each is the fingerprint of a real rendered letter of the samples'
template (``samples/generate.py``: the same letterhead, typeface, closing and paragraph pools as
the letters searched for) or of a copy of one (re-saved, rescaled, cropped), with its own
keypoints, descriptors, hash and page reduction. A few dozen such pages are re-used across
the rows, each row a separate document, so that every filter and check in the search meets
candidates sharing the template, the typeface and often whole paragraphs with the query,
but none that is a copy of it.
"""

from __future__ import annotations

import base64
import io
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import generate  # samples/generate.py (the benchmark puts samples/ on the path)
import numpy as np
from PIL import Image

from workbench.imaging.fingerprint import (
    encode_thumb,
    hash_bands,
    page_features,
    page_hash,
    page_thumb,
)
from workbench.imaging.page_words import page_words, words_to_bytes

STAMP = "2026-01-01T00:00:00+00:00"


@dataclass(frozen=True)
class SourcePage:
    """One rendered page's fingerprints, as the ``fingerprint`` check computes them."""

    name: str
    width: int
    height: int
    phash: str
    feature_height: int
    points: bytes
    descriptors: bytes
    thumb: bytes
    words: bytes


def fingerprint_image(name: str, image: Image.Image) -> SourcePage:
    """The fingerprints of one page image (the grey page, as the check reads it)."""
    gray = np.asarray(image.convert("L"))
    features = page_features(gray)
    return SourcePage(
        name,
        image.width,
        image.height,
        page_hash(gray),
        features.height,
        np.round(features.points).astype(np.int16).tobytes(),
        features.descriptors.tobytes(),
        encode_thumb(page_thumb(gray)),
        words_to_bytes(page_words(features.descriptors)),
    )


def copies(image: Image.Image) -> dict[str, Image.Image]:
    """A few copies of a page, as a leak holds them: re-saved, rescaled, cropped."""
    w, h = image.size
    out = {"original": image}
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=70)
    out["jpeg70"] = Image.open(io.BytesIO(buffer.getvalue()))
    out["scale75"] = image.resize((round(w * 0.75), round(h * 0.75)), Image.Resampling.LANCZOS)
    out["crop10"] = image.crop((round(w * 0.05), round(h * 0.05), round(w * 0.95), round(h * 0.95)))
    out["crop20"] = image.crop((round(w * 0.2), round(h * 0.2), w, h))
    return out


def rendered_letters(count: int) -> list[tuple[str, Image.Image]]:
    """`count` letters of the samples' template, none of them a letter the benchmark searches.

    Their plans (numbers, dates, paragraph choices) and names are drawn apart from those of
    the samples and of the independent letters.
    """
    names = generate.Names(generate.derive_seed("benchmark-distractor-names"))
    out: list[tuple[str, Image.Image]] = []
    i = 0
    while len(out) < count and i < 4 * count:
        plan = generate.Plan(
            f"distractor_{i:02d}",
            (1381, 1 + (5 * i) % 12, 2 + (7 * i) % 25),
            8300 + 53 * i,
            generate.DEPUTY if i % 2 else generate.HEAD,
            (i + 1) % 5,
            (2 * i + 3) % 5,
            i % 3,
            (3 * i + 4) % 6,
        )
        i += 1
        try:
            spec = generate.make_spec(plan, names)
        except generate.CorpusError:
            continue  # a Friday: letters are not issued then
        profile = generate.OLD_SCANNER if i % 2 else generate.OFFICE_SCANNER
        img, _, _ = generate.scan_letter(spec, profile=profile)
        out.append((plan.slug, Image.fromarray(img)))
    return out


def source_pages(count: int) -> list[SourcePage]:
    """The fingerprints of `count` rendered letters and of a few copies of each."""
    return [
        fingerprint_image(f"{slug}.{kind}", copy)
        for slug, image in rendered_letters(count)
        for kind, copy in copies(image).items()
    ]


def add_rows(
    conn: sqlite3.Connection, sources: list[SourcePage], count: int, rng: np.random.Generator
) -> list[tuple[str, int, str]]:
    """Store `count` documents, one page each, whose fingerprints are those of `sources`.

    The sources are re-used in turn; returns each row's (document, run, source name).
    """
    out = []
    for i in range(count):
        source = sources[int(rng.integers(0, len(sources)))] if i >= len(sources) else sources[i]
        sha = secrets.token_hex(32)
        conn.execute(
            "INSERT INTO documents VALUES (?, ?, 'image/png', 1, 1, ?, ?)",
            (sha, f"distractor-{i}.png", STAMP, f"objects/{sha}"),
        )
        run = conn.execute(
            "INSERT INTO runs (document_sha256, tool_name, tool_version, check_versions,"
            " started, finished, status, report_json) VALUES (?, 'workbench', 'x', '{}',"
            " ?, ?, 'ok', '{}')",
            (sha, STAMP, STAMP),
        ).lastrowid
        fid = conn.execute(
            "INSERT INTO page_fingerprints (run_id, document_sha256, page, width, height, phash,"
            " feature_height, points, descriptors, thumb, words)"
            " VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run,
                sha,
                source.width,
                source.height,
                source.phash,
                source.feature_height,
                source.points,
                source.descriptors,
                source.thumb,
                source.words,
            ),
        ).lastrowid
        conn.executemany(
            "INSERT INTO page_hash_bands (fingerprint_id, band, value) VALUES (?, ?, ?)",
            [(fid, b, v) for b, v in enumerate(hash_bands(source.phash))],
        )
        out.append((sha, int(run or 0), source.name))
    return out


def to_json(sources: list[SourcePage]) -> list[dict[str, object]]:
    """A JSON-ready form, so that separate parts of a benchmark run render them once."""
    return [
        {
            k: base64.b64encode(v).decode() if isinstance(v, bytes) else v
            for k, v in s.__dict__.items()
        }
        for s in sources
    ]


def from_json(data: list[dict[str, object]]) -> list[SourcePage]:
    """Read back what `to_json` wrote."""
    binary = {"points", "descriptors", "thumb", "words"}
    return [
        SourcePage(
            **{k: base64.b64decode(str(v)) if k in binary else v for k, v in d.items()}  # type: ignore[arg-type]
        )
        for d in data
    ]


def cached_sources(count: int, folder: Path | None) -> list[SourcePage]:
    """`source_pages`, read from `folder` when an earlier part of the run rendered them."""
    import json

    saved = folder / f"distractors-{count}.json" if folder else None
    if saved is not None and saved.exists():
        return from_json(json.loads(saved.read_text(encoding="utf-8")))
    sources = source_pages(count)
    if saved is not None:
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(to_json(sources)), encoding="utf-8")
    return sources
