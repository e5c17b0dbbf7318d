"""Genuine letters of another layout than the exemplars', checked against the exemplars.

The layout check's exemplar rules were set on the dev split's template letters, whose body is
always right-aligned, justified text of two or three paragraphs, and whose scans differ only by
their chain. A reviewer's exemplars are other letters of the same issuer, which need not be
laid out alike: this makes **untouched** letters of the dev generator's templates (dev-a at even
indices, dev-b at odd ones; other seeds than the dev split's) with one departure each from the
exemplars' layout, and runs the layout check on each with the dev split's three genuine letters
of its template as exemplars. No edit is made, so every warning is a false alarm. Variants
(`VARIANTS`):

* ``ragged``: the body set ragged (not justified);
* ``centred``: every body line centred in the text width;
* ``longer`` / ``shorter``: a body about 1.6 times / a third as long as the generator's;
* ``note``: a handwritten-like note in coloured ink, slanted, in the left margin beside the body;
* ``stamp``: a second round stamp over the body's text;
* ``table``: the first body paragraph set as a ruled table of amounts (three columns);
* ``second-page``: everything above the body (letterhead, fields, addressee) left blank, as on
  a letter's second page;
* ``rotated``: the scan turned by 1.5 degrees and rescaled by 0.96 after scanning;
* ``fresh-chain``: the letter scanned through one of the fresh-look set's chains
  (`forensic_fresh.CHAINS`) instead of the dev split's.

Chains are the dev split's, in turn (``fresh-chain``: the fresh-look set's). Letters are cached
under ``out/forensic-corpus/layout-variants`` and made again when the generators' source or this
file changes. They are for finding false alarms of rules set on dev, never for setting a limit.

    python benchmarks/layout_variants.py [--count 2] [--only note,stamp]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import cv2
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import corpus_pages as cp  # noqa: E402
import forensic_corpus as fc  # noqa: E402
import forensic_fresh as ff  # noqa: E402
from forensic_edits import decode, jpeg_bytes  # noqa: E402

from workbench import analyze  # noqa: E402
from workbench.model import Severity  # noqa: E402

CACHE = HERE.parent / "out" / "forensic-corpus"
FOLDER = CACHE / "layout-variants"
#: Seeds of these letters (the dev split's are 7001 * 1000 + index * 10 + attempt).
SEED = 8123
VARIANTS = (
    "ragged",
    "centred",
    "longer",
    "shorter",
    "note",
    "stamp",
    "rotated",
    "fresh-chain",
    "table",
    "second-page",
)
#: Variants made by setting the body otherwise (`_Body`), with how.
BODY_VARIANTS = {"ragged", "centred", "longer", "shorter", "table"}


class _Body(cp.Typesetter):
    """The generator's typesetter with its body paragraphs set another way (`mode`)."""

    mode = ""
    tabled = False  # the table is set in place of the first paragraph only

    def paragraph(
        self,
        x_right: float,
        top: float,
        width: float,
        words: Sequence[str],
        key: str,
        size: int,
        leading: float,
        justify: bool = True,
    ) -> float:
        words = list(words)
        if self.mode == "table" and not self.tabled:
            self.tabled = True
            return self._table(x_right, top, width, key, size, leading)
        if self.mode == "longer":
            words = words + words[: max(1, round(len(words) * 0.6))]
        elif self.mode == "shorter":
            words = words[: max(3, len(words) // 3)]
        if self.mode != "centred":
            return super().paragraph(
                x_right, top, width, words, key, size, leading, self.mode not in {"ragged"}
            )
        space = cp.font(key, size).getlength(" ")
        lines: list[list[str]] = [[]]
        used = [0.0]
        for text in words:
            length = self.advance(text, key, size)
            if lines[-1] and used[-1] + space + length > width:
                lines.append([])
                used.append(0.0)
            used[-1] += (space if lines[-1] else 0.0) + length
            lines[-1].append(text)
        y = top + size
        for line, length in zip(lines, used, strict=True):
            self.line(x_right - (width - length) / 2, y, line, key, size)
            y += leading
        return y

    def _table(
        self, x_right: float, top: float, width: float, key: str, size: int, leading: float
    ) -> float:
        """A ruled table of four rows (a label and two amounts each); returns the next baseline."""
        labels = ("ردیف", "هزینه", "اعتبار", "مانده")
        col = width / 3
        row = leading * 1.2
        y = top
        for k, label in enumerate(labels):
            cells = [label, cp.fa(f"{(k + 2) * 1375:,}"), cp.fa(f"{(k + 3) * 911:,}")]
            for c, text in enumerate(cells):
                self.line(x_right - c * col - size * 0.4, y + size + row * 0.15, [text], key, size)
            y += row
        lw = max(1, round(self.dpi / 150))
        for k in range(len(labels) + 1):
            self.rule(x_right - width, top + k * row - size * 0.2, x_right, lw)
        for c in range(4):
            x = x_right - c * col
            self.draw.line(
                [(x, top - size * 0.2), (x, top + len(labels) * row - size * 0.2)],
                fill=255,
                width=lw,
            )
        return y + size


@contextmanager
def _body(mode: str) -> Iterator[None]:
    """Letters typeset with `_Body` in `mode` for the duration of the block."""
    saved = cp.Typesetter
    _Body.mode = mode
    _Body.tabled = False
    cp.Typesetter = _Body  # type: ignore[misc]
    try:
        yield
    finally:
        cp.Typesetter = saved  # type: ignore[misc]


def _note(page: cp.Page, rng: np.random.Generator) -> None:
    """A slanted note in coloured ink in the left margin, level with the body."""
    h, w = page.ink.shape
    note = np.zeros((h, w), np.uint8)
    px = page.dpi / 25.4
    size = round(page.body_size * 0.9)
    from PIL import Image, ImageDraw

    img = Image.fromarray(note)
    d = ImageDraw.Draw(img)
    x, y = round(16 * px), round(h * float(rng.uniform(0.45, 0.6)))
    for k, text in enumerate(("اقدام شود", "بایگانی")):
        d.text(
            (x + round(30 * px), y + k * size * 1.5),
            text,
            font=cp.font(cp.FONTS["dev"].heading, size),
            fill=230,
            anchor="rs",
            direction="rtl",
            language="fa",
        )
    m = cv2.getRotationMatrix2D((x, y), float(rng.uniform(8, 14)), 1.0)
    slanted = cv2.warpAffine(np.asarray(img), m, (w, h))
    page.stamp = np.maximum(page.stamp, slanted.astype(np.float32) / 255.0)


def _stamp(page: cp.Page, rng: np.random.Generator) -> None:
    """A second round stamp over the body's text (the middle of its lines)."""
    t = cp.Typesetter("letter", (148, 210), page.dpi)
    body = page.lines[5:-1] or page.lines
    x0, y0, x1, y1 = body[len(body) // 2]
    t.round_stamp(
        (x0 + x1) / 2 + float(rng.uniform(-0.1, 0.1)) * (x1 - x0),
        (y0 + y1) / 2,
        t.px(13),
        "دبیرخانه",
        page.body_font,
    )
    stamp = np.asarray(t.stamp_image, np.float32)[: page.stamp.shape[0], : page.stamp.shape[1]]
    page.stamp = np.maximum(page.stamp, stamp / 255.0)


def _rotated(image: np.ndarray) -> np.ndarray:
    """The scan turned by 1.5 degrees and rescaled by 0.96, paper filled in around it."""
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), 1.5, 0.96)
    border = np.median(image.reshape(-1, image.shape[2] if image.ndim == 3 else 1), axis=0)
    return np.asarray(
        cv2.warpAffine(
            image,
            m,
            (w, h),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=tuple(float(v) for v in border),
        )
    )


def make(index: int, variant: str, folder: Path = FOLDER) -> fc.Entry:
    """Untouched letter `index` of `variant`, written into `folder`."""
    template = index % 2
    seed = SEED * 1000 + index * 10 + VARIANTS.index(variant)
    rng = np.random.default_rng(seed)
    name = f"variant-{index:03d}-{variant}"
    if variant == "fresh-chain":
        chain = ff.CHAINS[index % len(ff.CHAINS)]
        page = cp.render("letter", "dev", chain.dpi, rng, template)
        image, _ = ff.scan(page, chain, rng)
        saves, resave, subsampling, dpi = (
            list(chain.saves),
            chain.resave,
            chain.subsampling,
            chain.dpi,
        )
        chain_name = chain.name
    else:
        dchain = fc.CHAINS["dev"][index % len(fc.CHAINS["dev"])]
        if variant in BODY_VARIANTS:
            with _body(variant):
                page = cp.render("letter", "dev", dchain.dpi, rng, template)
        else:
            page = cp.render("letter", "dev", dchain.dpi, rng, template)
        if variant == "second-page":
            # Blank above the body, whose first line is the sixth recorded (after the three
            # fields, the addressee and the subject).
            top = page.lines[5][1] if len(page.lines) > 6 else 0
            page.ink[: max(0, top - 4)] = 0.0
        if variant == "note":
            _note(page, rng)
        elif variant == "stamp":
            _stamp(page, rng)
        image, _ = fc.scan(page, dchain, "dev", rng)
        saves, resave, subsampling, dpi = (
            list(dchain.saves),
            dchain.resave,
            dchain.subsampling,
            dchain.dpi,
        )
        chain_name = dchain.name
    # Saved as the chain saves, then opened and saved once more, as every corpus page is.
    saves.append(int(rng.choice(resave)))
    for q in saves[:-1]:
        image = decode(jpeg_bytes(image, q, subsampling, dpi))
    if variant == "rotated":
        image = _rotated(image)
    entry = fc.Entry(
        name,
        "dev",
        "none",
        "letter",
        page.template,
        page.body_font,
        chain_name,
        saves,
        f"{name}.jpg",
        None,
        [],
    )
    return fc.write_entry(folder, entry, image, subsampling, dpi)


def stamp() -> str:
    """The generators' and this file's source, hashed: letters are made again when it changes."""
    digest = hashlib.sha256(fc.stamp().encode())
    for name in ("forensic_fresh.py", Path(__file__).name):
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:16]


def letters(count: int, variants: Sequence[str]) -> list[fc.Entry]:
    """`count` letters of each variant (indices 0 .. count - 1), cached in `FOLDER`."""
    manifest = FOLDER / "manifest.json"
    key = {"stamp": stamp()}
    cached: dict[str, fc.Entry] = {}
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("key") == key:
            cached = {e["name"]: fc.Entry(**e) for e in data["pages"]}
    FOLDER.mkdir(parents=True, exist_ok=True)
    out = []
    for variant in variants:
        for i in range(count):
            name = f"variant-{i:03d}-{variant}"
            cached[name] = cached.get(name) or make(i, variant)
            out.append(cached[name])
    manifest.write_text(
        json.dumps({"key": key, "pages": [asdict(e) for e in cached.values()]}, indent=1),
        encoding="utf-8",
    )
    return out


def run(count: int, variants: Sequence[str]) -> list[str]:
    """Each letter's worst layout finding and its warnings (code and region), one line each."""
    exemplars: dict[str, list[Path]] = {}
    for e in fc.build(CACHE, "dev"):
        if e.tampering == "exemplar" and e.template:
            exemplars.setdefault(e.template, []).append(CACHE / "dev" / e.path)
    out = []
    for e in letters(count, variants):
        report = analyze(
            FOLDER / e.path, references=exemplars[e.template or ""], only=["layout"], out=None
        )
        found = [f for f in report.findings if f.check == "layout"]
        worst = max(found, key=lambda f: f.severity, default=None)
        warned = [
            f"{f.code}@{','.join(f'{r.x},{r.y},{r.width},{r.height}' for r in f.regions)}"
            for f in found
            if f.severity >= Severity.WARNING
        ]
        level = worst.severity.name.lower() if worst else "nothing"
        out.append(f"{e.name} {e.template} {e.chain} {level} {' '.join(warned)}")
        print(out[-1], flush=True)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2, help="letters of each variant")
    parser.add_argument("--only", default="", help="comma-separated variants (default: all)")
    args = parser.parse_args(argv)
    variants = [v for v in args.only.split(",") if v] or list(VARIANTS)
    lines = run(args.count, variants)
    levels = [line.split()[3] for line in lines]
    print({k: levels.count(k) for k in sorted(set(levels))})


if __name__ == "__main__":
    main()
