"""The independent forensic evaluation corpus: scanned pages, edited as a forger edits a scan.

Every page is typeset by ``benchmarks/corpus_pages.py`` (fonts, layouts and text of its own),
"printed and scanned" by one of its split's scan chains, saved as JPEG once or twice, and then,
for the tampered pages, edited **in the decoded scan** the way a forger edits a published
JPEG, and saved again (often at another quality):

* ``copy-move``: a word or a whole line copied to a blank place on the same page;
* ``spliced-line``: a line typeset in another font and scanned with its own look (paper tone,
  blur, noise, JPEG quality), cut out and pasted into a blank band of the page (as a
  rectangle with its paper, or darken-blended so that only its ink lands);
* ``retyped-digits``: a number or date erased and typed again with other digits; on the test
  split typed sharp on the paper's median colour, on the dev split printed a little lighter,
  darker, sharper or softer than the page (four pages each), at a slightly other size, in its
  own font or a bold one, on the paper's median or on paper cloned from nearby
  (`forensic_edits.RetypeLook`);
* ``foreign-jpeg``: a block of text replaced by the same place of another document, scanned
  by another chain, saved at another quality, and taken off the 8 x 8 grid.

The edits themselves are in ``benchmarks/forensic_edits.py``. A mask marks every changed
region (both ends of a copy-move). Untampered pages go through the same chains and are saved
again like the edited ones (opened and re-saved unchanged), so a page saved once more than
its chain is no sign of editing.

Two splits from disjoint ingredients: ``dev`` (the one thresholds may be tuned on) and
``test`` (reported on, never tuned on). They differ in fonts and letter templates (see
`corpus_pages`), in the variants of the other page kinds, and in their scan chains (`CHAINS`):
other resolutions-and-colour combinations, qualities, blur kernels (Gaussian against a
defocus disc with scanner sharpening), noise (additive against signal-dependent), skew, tint
and chroma subsampling. Each split also holds genuine letters of its templates
(``exemplar``), so the layout check can compare a questioned letter with its own issuer's.

Deterministic: every page has its own seed; files are written to a cache folder, with a
``manifest.json`` describing each page. Generation of both splits takes a few minutes.

    python benchmarks/forensic_corpus.py OUT [--split dev|test] [--per-kind N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import cv2
import numpy as np
import PIL
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus_pages as cp
from forensic_edits import (
    RETYPE_DIFFERENCES,
    NoRoom,
    copy_move,
    decode,
    draw_look,
    foreign_jpeg,
    jpeg_bytes,
    moved,  # noqa: F401  (the corpus tests reach it as fc.moved)
    retyped_digits,
    spliced_line,
)

TAMPER_KINDS = ("copy-move", "spliced-line", "retyped-digits", "foreign-jpeg")
#: Page kinds cycled over the pages of each kind of tampering (letters twice: they carry the
#: templates the layout check is run on).
PAGE_CYCLE = ("letter", "form", "letter", "table", "list", "receipt", "book", "letter")
SPLIT_SEED = {"dev": 7001, "test": 9413}


def retype_difference(index: int) -> str:
    """How dev page `index`'s retyped digits differ from the page's print (`RetypeLook`).

    Each difference falls on four of every 16 consecutive pages (so on four of a split's 16
    retyped pages), in an order drawn once from the split's seed: drawn per page, a split
    could hold one lighter retyped number or none.
    """
    order = np.random.default_rng(SPLIT_SEED["dev"]).permutation(16) % len(RETYPE_DIFFERENCES)
    return RETYPE_DIFFERENCES[int(order[index % 16])]


@dataclass(frozen=True)
class Chain:
    """One print/scan/compression chain."""

    name: str
    dpi: int
    colour: bool
    saves: tuple[int, ...]  # JPEG qualities of the saves before any edit
    resave: tuple[int, ...]  # qualities a forger saves the edited page with (one is drawn)
    blur: float  # Gaussian sigma (dev) or defocus-disc radius (test), pixels at 300 dpi
    skew: float  # largest rotation, degrees
    noise: float  # noise level (grey levels)
    tint: tuple[int, int, int]  # paper colour
    subsampling: int  # Pillow's: 0 = 4:4:4, 2 = 4:2:0


CHAINS: dict[str, tuple[Chain, ...]] = {
    "dev": (
        Chain("dev-300-grey-q85", 300, False, (85,), (75, 90), 0.9, 0.6, 2.5, (246, 242, 232), 2),
        Chain(
            "dev-150-colour-q90-q75",
            150,
            True,
            (90, 75),
            (85, 95),
            0.7,
            0.4,
            2.0,
            (250, 249, 244),
            2,
        ),
        Chain("dev-150-grey-q70", 150, False, (70,), (80, 90), 1.1, 0.0, 3.0, (238, 238, 236), 2),
        Chain(
            "dev-300-colour-q95-q80",
            300,
            True,
            (95, 80),
            (70, 90),
            0.8,
            0.8,
            1.5,
            (244, 240, 226),
            2,
        ),
    ),
    "test": (
        Chain("test-300-colour-q92", 300, True, (92,), (80, 65), 1.4, 0.9, 2.0, (236, 240, 245), 0),
        Chain(
            "test-150-grey-q65-q88",
            150,
            False,
            (65, 88),
            (70, 92),
            1.0,
            0.3,
            1.5,
            (243, 243, 243),
            2,
        ),
        Chain("test-150-colour-q80", 150, True, (80,), (60, 88), 1.2, 0.7, 2.5, (248, 244, 236), 0),
        Chain(
            "test-300-grey-q60-q93",
            300,
            False,
            (60, 93),
            (75, 85),
            1.6,
            0.2,
            3.0,
            (240, 236, 230),
            2,
        ),
    ),
}


# -- scanning -----------------------------------------------------------------------------------


def _blur(img: np.ndarray, split: str, amount: float) -> np.ndarray:
    if split == "dev":
        return cv2.GaussianBlur(img, (0, 0), amount)
    # A defocus disc, then the unsharp mask scanner drivers apply.
    r = max(1, round(amount))
    disc = np.zeros((2 * r + 1, 2 * r + 1), np.float32)
    cv2.circle(disc, (r, r), r, 1.0, -1)
    out = cv2.filter2D(img, -1, disc / disc.sum())
    return out + 0.6 * (out - cv2.GaussianBlur(out, (0, 0), 2.0))


def scan(
    page: cp.Page, chain: Chain, split: str, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Print `page` on tinted paper and scan it; returns (uint8 image, 2x3 affine of the skew)."""
    h, w = page.ink.shape
    low = cv2.resize(rng.normal(0, 1, (h // 64 + 2, w // 64 + 2)).astype(np.float32), (w, h))
    darkness = np.clip(0.86 + 0.06 * low, 0.7, 0.97)  # uneven toner
    tint = np.array(chain.tint, np.float32)
    ink_rgb = np.array([28, 28, 34] if split == "dev" else [20, 24, 30], np.float32)
    stamp_rgb = np.array([60, 70, 170], np.float32)
    a = (page.ink * darkness)[..., None]
    s = (page.stamp * 0.8)[..., None]
    rgb = tint * (1 - a) + ink_rgb * a
    rgb = rgb * (1 - s) + stamp_rgb * s
    rgb += (3.0 * low)[..., None]  # paper that is not flat
    angle = float(rng.uniform(-chain.skew, chain.skew))
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    scale = page.dpi / 300
    if split == "dev":
        rgb = cv2.warpAffine(
            rgb,
            m,
            (w, h),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=tuple(map(float, tint)),
        )
        rgb = _blur(rgb, split, chain.blur * scale)
        rgb += rng.normal(0, chain.noise, rgb.shape).astype(np.float32)
    else:
        rgb = _blur(rgb, split, chain.blur * scale)
        rgb = cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
        rgb += rng.normal(0, 1, rgb.shape).astype(np.float32) * (
            chain.noise * np.sqrt(np.clip(rgb, 1, 255) / 255)
        )
    out = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
    if not chain.colour:
        out = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
    return out, m


# -- building the corpus ---------------------------------------------------------------------------


@dataclass
class Entry:
    """One page of the corpus, as recorded in the manifest."""

    name: str
    split: str
    tampering: str  # "none", "exemplar" or one of TAMPER_KINDS
    page_kind: str
    template: str | None
    font: str
    chain: str
    saves: list[int]
    path: str
    mask: str | None
    boxes: list[list[int]]
    variant: str = ""  # how a dev page's retyped digits were made (`forensic_edits.RetypeLook`)


@dataclass
class Scanned:
    page: cp.Page
    image: np.ndarray  # decoded last save
    data: bytes  # the last save's file
    skew: np.ndarray  # 2 x 3 affine from the typeset page to the scan


def _page(kind: str, split: str, chain: Chain, seed: int, template: int) -> Scanned:
    rng = np.random.default_rng(seed)
    page = cp.render(kind, split, chain.dpi, rng, template)
    image, m = scan(page, chain, split, rng)
    data = b""
    for q in chain.saves:
        data = jpeg_bytes(image, q, chain.subsampling, chain.dpi)
        image = decode(data)
    return Scanned(page, image, data, m)


def make_entry(
    split: str,
    index: int,
    tampering: str,
    kind: str,
    template: int,
    folder: Path,
    plain_retype: bool = False,
) -> Entry:
    """Generate one page (retrying other seeds when a page has no room for the edit).

    With `plain_retype`, retyped digits are typed as the test split types them (sharp, on the
    paper's median colour) whatever the split: the dev pages of that kind as they were before
    dev's retyped digits were given other looks, for tests that need digits typed into the file.
    """
    chains = CHAINS[split]
    for attempt in range(8):
        seed = SPLIT_SEED[split] * 1000 + index * 10 + attempt
        rng = np.random.default_rng(seed + 1)
        chain = chains[(index + attempt) % len(chains)]
        sc = _page(kind, split, chain, seed, template)
        page, scanned, m = sc.page, sc.image, sc.skew
        name = f"{split}-{index:03d}-{tampering}-{kind}"
        boxes: list[cp.Box] = []
        saves = list(chain.saves)
        variant = ""
        try:
            if tampering == "copy-move":
                edited, boxes = copy_move(scanned, page, m, rng)
            elif tampering == "spliced-line":
                edited, boxes = spliced_line(scanned, page, split, chain, rng)
            elif tampering == "retyped-digits":
                # Dev's retyped numbers each differ from the page's print in one way of
                # several (lighter, darker, sharper, softer); test's are made as they were.
                drawn = split == "dev" and not plain_retype
                look = draw_look(retype_difference(index), rng) if drawn else None
                edited, boxes = retyped_digits(scanned, page, split, chain, m, rng, look)
                variant = look.name if look else ""
            elif tampering == "foreign-jpeg":
                other = chains[(index + attempt + 1) % len(chains)]
                donor_chain = Chain(
                    other.name,
                    chain.dpi,
                    chain.colour,
                    (int(rng.integers(60, 96)),),
                    (),
                    other.blur,
                    other.skew,
                    other.noise,
                    chain.tint,
                    other.subsampling,
                )
                donor = _page(kind, split, donor_chain, seed + 500_000, template).image
                edited, boxes = foreign_jpeg(scanned, page, donor, m, rng)
            else:
                edited = scanned
        except NoRoom:
            continue
        # Every page is opened and saved once more, edited or not: otherwise an untouched
        # page of a chain with one save would be the only kind of page saved once, and the
        # number of saves alone (which the double-quantisation map sees) would tell them apart.
        saves.append(int(rng.choice(chain.resave)))
        return write_entry(
            folder,
            Entry(
                name,
                split,
                tampering,
                kind,
                page.template,
                page.body_font,
                chain.name,
                saves,
                f"{name}.jpg",
                None,
                [list(b) for b in boxes],
                variant,
            ),
            edited,
            chain.subsampling,
            chain.dpi,
        )
    raise RuntimeError(f"{split} page {index}: no room for {tampering} on {kind} after 8 seeds")


def write_entry(
    folder: Path, entry: Entry, edited: np.ndarray, subsampling: int, dpi: int
) -> Entry:
    """Save `edited` as the entry's JPEG (its last save's quality, the chain's `subsampling`
    and `dpi`) and its edits' mask.

    The entry comes back with its mask's file name when it has edited boxes.
    """
    data = jpeg_bytes(edited, entry.saves[-1], subsampling, dpi)
    (folder / entry.path).write_bytes(data)
    if not entry.boxes:
        return entry
    mask = np.zeros(edited.shape[:2], np.uint8)
    for x0, y0, x1, y1 in entry.boxes:
        mask[y0:y1, x0:x1] = 255
    mask_rel = f"{entry.name}.mask.png"
    Image.fromarray(mask).save(folder / mask_rel)
    return replace(entry, mask=mask_rel)


def plan(split: str, per_kind: int) -> list[tuple[str, str, int]]:
    """(tampering, page kind, template) of every page of `split`, in index order."""
    rows: list[tuple[str, str, int]] = []
    for tampering in ("none", *TAMPER_KINDS):
        letters = 0
        for j in range(per_kind):
            kind = PAGE_CYCLE[j % len(PAGE_CYCLE)]
            rows.append((tampering, kind, letters % 2))
            letters += kind == "letter"
    for template in range(len(cp.TEMPLATES[split])):
        rows += [("exemplar", "letter", template)] * EXEMPLARS
    return rows


#: Genuine letters per template, for the layout check's comparison with exemplars.
EXEMPLARS = 3


def build(out: Path, split: str, per_kind: int = 16) -> list[Entry]:
    """Generate `split` into ``out/split`` (reusing it when its manifest matches) and list it."""
    missing = cp.missing_fonts(split)
    if missing:
        raise SystemExit(f"the {split} split cannot be generated: " + "; ".join(missing))
    folder = out / split
    manifest = folder / "manifest.json"
    key = {"split": split, "per_kind": per_kind, "version": stamp()}
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("key") == key:
            return [Entry(**e) for e in data["pages"]]
    folder.mkdir(parents=True, exist_ok=True)
    entries = [
        make_entry(split, i, tampering, kind, template, folder)
        for i, (tampering, kind, template) in enumerate(plan(split, per_kind))
    ]
    manifest.write_text(
        json.dumps(
            {"key": key, "pages": [asdict(e) for e in entries]}, ensure_ascii=False, indent=1
        ),
        encoding="utf-8",
    )
    return entries


#: Bump when generation changes in a way the source stamp below cannot see (fonts, data).
VERSION = 1
#: The generator's source files (in this folder), hashed into the cache stamp.
SOURCES = ("forensic_corpus.py", "forensic_edits.py", "corpus_pages.py", "corpus_text.py")


def stamp() -> str:
    """Version stamp of a cached corpus: `VERSION`, the generator's source and Pillow's version.

    Any edit of this module, ``corpus_pages.py`` or ``corpus_text.py``, or another Pillow (its
    JPEG encoder and text layout make the pixels), gives another stamp, so a cache made by other
    code is generated again instead of being measured as if it were current.
    """
    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update((Path(__file__).resolve().parent / name).read_bytes())
    return f"{VERSION}-{PIL.__version__}-{digest.hexdigest()[:16]}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="cache folder (one subfolder per split)")
    parser.add_argument("--split", choices=sorted(CHAINS), action="append")
    parser.add_argument("--per-kind", type=int, default=16, help="pages per tampering kind")
    args = parser.parse_args(argv)
    for split in args.split or sorted(CHAINS):
        entries = build(args.out, split, args.per_kind)
        print(f"{split}: {len(entries)} pages in {args.out / split}")


if __name__ == "__main__":
    main()
