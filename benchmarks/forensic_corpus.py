"""The independent forensic evaluation corpus: scanned pages, edited as a forger edits a scan.

Every page is typeset by ``benchmarks/corpus_pages.py`` (fonts, layouts and text of its own),
"printed and scanned" by one of its split's scan chains, saved as JPEG once or twice, and then,
for the tampered pages, edited **in the decoded scan** the way a forger edits a published
JPEG, and saved again (often at another quality):

* ``copy-move``: a word or a whole line copied to a blank place on the same page;
* ``spliced-line``: a line typeset in another font and scanned with its own look (paper tone,
  blur, noise, JPEG quality), cut out and pasted into a blank band of the page (as a
  rectangle with its paper, or darken-blended so that only its ink lands);
* ``retyped-digits``: a number or date erased with the paper's colour and typed again with
  other digits;
* ``foreign-jpeg``: a block of text replaced by the same place of another document, scanned
  by another chain, saved at another quality, and taken off the 8 x 8 grid.

A mask marks every changed region (both ends of a copy-move). Untampered pages go through
the same chains and are saved again like the edited ones (opened and re-saved unchanged), so
a page saved once more than its chain is no sign of editing.

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
import io
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
import PIL
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus_pages as cp

TAMPER_KINDS = ("copy-move", "spliced-line", "retyped-digits", "foreign-jpeg")
#: Page kinds cycled over the pages of each kind of tampering (letters twice: they carry the
#: templates the layout check is run on).
PAGE_CYCLE = ("letter", "form", "letter", "table", "list", "receipt", "book", "letter")
SPLIT_SEED = {"dev": 7001, "test": 9413}


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


def jpeg_bytes(img: np.ndarray, quality: int, subsampling: int, dpi: int) -> bytes:
    buf = io.BytesIO()
    options = {"subsampling": subsampling} if img.ndim == 3 else {}
    Image.fromarray(img).save(buf, format="JPEG", quality=quality, dpi=(dpi, dpi), **options)
    return buf.getvalue()


def decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data))).copy()


def moved(box: cp.Box, m: np.ndarray, shape: tuple[int, ...], pad: int = 3) -> cp.Box:
    """Bounding box of `box` after the skew `m`, padded and clipped to the image."""
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], np.float64) @ m.T
    h, w = shape[:2]
    return (
        max(0, int(pts[:, 0].min()) - pad),
        max(0, int(pts[:, 1].min()) - pad),
        min(w, int(np.ceil(pts[:, 0].max())) + pad),
        min(h, int(np.ceil(pts[:, 1].max())) + pad),
    )


# -- tampering ------------------------------------------------------------------------------------


class NoRoom(RuntimeError):
    """The page has no place for this edit (another seed is tried)."""


def _ink_map(img: np.ndarray) -> np.ndarray:
    gray = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    paper = float(np.median(gray))
    return (gray < paper - 35).astype(np.uint8)


def blank_spot(
    img: np.ndarray, size: tuple[int, int], rng: np.random.Generator, avoid: cp.Box | None = None
) -> cp.Box:
    """A (w, h) rectangle of the page with no ink in or near it, inside the page margins."""
    bw, bh = size
    ink = cv2.dilate(_ink_map(img), np.ones((9, 9), np.uint8))
    integral = cv2.integral(ink)
    h, w = ink.shape
    mx, my = w // 12, h // 14
    for _ in range(3000):
        x = int(rng.integers(mx, max(mx + 1, w - mx - bw)))
        y = int(rng.integers(my, max(my + 1, h - my - bh)))
        if x + bw > w or y + bh > h:
            continue
        total = (
            integral[y + bh, x + bw] - integral[y, x + bw] - integral[y + bh, x] + integral[y, x]
        )
        if total:
            continue
        if avoid and not (x + bw < avoid[0] or x > avoid[2] or y + bh < avoid[1] or y > avoid[3]):
            continue
        return (x, y, x + bw, y + bh)
    raise NoRoom(f"no blank {bw}x{bh} place")


def _paper(img: np.ndarray, box: cp.Box) -> tuple[np.ndarray, float]:
    """Paper colour around `box` (median of the light pixels of a ring) and its noise level."""
    x0, y0, x1, y1 = box
    pad = 12
    ring = img[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad].reshape(
        -1, 1 if img.ndim == 2 else 3
    )
    lum = ring.mean(axis=1)
    light = ring[lum >= np.percentile(lum, 60)].astype(np.float32)
    return np.median(light, axis=0), float(light.std(axis=0).mean())


def copy_move(
    img: np.ndarray, page: cp.Page, m: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, list[cp.Box]]:
    pool = page.lines if rng.random() < 0.4 else page.words
    src = moved(pool[int(rng.integers(len(pool)))], m, img.shape)
    sw, sh = src[2] - src[0], src[3] - src[1]
    dst = blank_spot(img, (sw, sh), rng, avoid=src)
    out = img.copy()
    out[dst[1] : dst[3], dst[0] : dst[2]] = img[src[1] : src[3], src[0] : src[2]]
    return out, [src, dst]


def _typed_patch(
    text: list[str],
    key: str,
    size: int,
    shape: tuple[int, ...],
    paper: np.ndarray,
    rng: np.random.Generator,
    look: bool,
) -> np.ndarray:
    """`text` typeset alone; with `look`, printed and scanned with a look of its own."""
    t = cp.Typesetter("patch", (400, 40), 300)
    box = t.line(t.width - 20, size * 1.4, text, key, size)
    ink = (
        np.asarray(t.image, np.float32)[
            max(0, box[1] - 6) : box[3] + 6, max(0, box[0] - 6) : box[2] + 6
        ]
        / 255.0
    )
    darkness = float(rng.uniform(0.75, 0.98))
    colour = shape[2] if len(shape) == 3 else 1
    tone = paper.reshape(1, 1, -1).astype(np.float32)
    if look:
        tone = tone + rng.uniform(-8, 8, (1, 1, colour)).astype(np.float32)
    patch = tone * (1 - darkness * ink[..., None]) + 25 * darkness * ink[..., None]
    if look:
        patch = cv2.GaussianBlur(patch, (0, 0), float(rng.uniform(0.4, 1.5)))
        patch = patch + rng.normal(0, rng.uniform(0.5, 4), patch.shape).astype(np.float32)
        patch = np.clip(np.rint(patch), 0, 255).astype(np.uint8).reshape(*patch.shape[:2], -1)
        q = int(rng.integers(55, 96))
        patch = decode(jpeg_bytes(patch[..., 0] if colour == 1 else patch, q, 2, 300))
    else:
        patch = np.clip(np.rint(patch), 0, 255).astype(np.uint8)
    return patch.reshape(*patch.shape[:2], -1) if colour == 3 else patch.reshape(patch.shape[:2])


def spliced_line(
    img: np.ndarray, page: cp.Page, split: str, chain: Chain, rng: np.random.Generator
) -> tuple[np.ndarray, list[cp.Box]]:
    size = round(page.body_size * float(rng.uniform(0.9, 1.15)))
    paper, _ = _paper(img, (0, 0, img.shape[1], img.shape[0]))
    words = cp.sentence(rng, int(rng.integers(3, 7)))
    patch = _typed_patch(words, cp.FONTS[split].foreign, size, img.shape, paper, rng, True)
    ph, pw = patch.shape[:2]
    if pw > img.shape[1] * 0.8:
        raise NoRoom("spliced line too long")
    x0, y0, x1, y1 = blank_spot(img, (pw, ph), rng)
    out = img.copy()
    if rng.random() < 0.5:  # cut out with its paper
        out[y0:y1, x0:x1] = patch
    else:  # darken-blended: only its ink lands
        out[y0:y1, x0:x1] = np.minimum(out[y0:y1, x0:x1], patch)
    return out, [(x0, y0, x1, y1)]


def retyped_digits(
    img: np.ndarray,
    page: cp.Page,
    split: str,
    chain: Chain,
    m: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, list[cp.Box]]:
    numbers = [n for n in page.numbers if sum(c in cp.FA_DIGITS for c in n[1]) >= 3]
    if not numbers:
        raise NoRoom("no number on the page")
    box, text, key = numbers[int(rng.integers(len(numbers)))]
    x0, y0, x1, y1 = moved(box, m, img.shape, pad=4)
    paper, noise = _paper(img, (x0, y0, x1, y1))
    out = img.copy()
    region = out[y0:y1, x0:x1].astype(np.float32)
    fill = np.broadcast_to(paper, region.shape) + rng.normal(0, max(noise, 0.5), region.shape)
    # New digits: change two of them, keep the others.
    chars = list(text)
    where = [i for i, c in enumerate(chars) if c in cp.FA_DIGITS]
    for i in rng.choice(where, size=min(2, len(where)), replace=False):
        chars[i] = cp.FA_DIGITS[(cp.FA_DIGITS.index(chars[i]) + int(rng.integers(1, 9))) % 10]
    size = round(page.body_size * float(rng.uniform(0.95, 1.08)))
    retype_font = cp.FONTS[split].digits if rng.random() < 0.6 else key
    patch = _typed_patch(["".join(chars)], retype_font, size, img.shape, paper, rng, False)
    ph, pw = min(patch.shape[0], y1 - y0), min(patch.shape[1], x1 - x0)
    fill = np.clip(np.rint(fill), 0, 255).astype(np.uint8)
    oy, ox = (y1 - y0 - ph) // 2, (x1 - x0) - pw
    fill[oy : oy + ph, ox : ox + pw] = np.minimum(fill[oy : oy + ph, ox : ox + pw], patch[:ph, :pw])
    out[y0:y1, x0:x1] = fill
    return out, [(x0, y0, x1, y1)]


def _row(boxes: Sequence[cp.Box], box: cp.Box) -> cp.Box:
    """The union of the boxes whose vertical middle lies within `box`'s height (a table row)."""
    same = [b for b in boxes if box[1] <= (b[1] + b[3]) / 2 <= box[3]] or [box]
    return (
        min(b[0] for b in same),
        min(b[1] for b in same),
        max(b[2] for b in same),
        max(b[3] for b in same),
    )


def foreign_jpeg(
    img: np.ndarray, page: cp.Page, donor: np.ndarray, m: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, list[cp.Box]]:
    """Replace one to three lines by the same place of `donor`, moved off the 8 x 8 grid."""
    lines = [b for b in page.lines if b[2] - b[0] > img.shape[1] * 0.25]
    if not lines:  # a table: its cells, a row at a time
        lines = [_row(page.lines, b) for b in page.lines]
    k = int(rng.integers(len(lines)))
    chosen = lines[k : k + int(rng.integers(1, 4))]
    x0, y0, x1, y1 = moved(
        (
            min(b[0] for b in chosen),
            min(b[1] for b in chosen),
            max(b[2] for b in chosen),
            max(b[3] for b in chosen),
        ),
        m,
        img.shape,
        pad=10,
    )
    dx, dy = (int(v) for v in rng.integers(1, 8, size=2))
    h, w = img.shape[:2]
    x1, y1 = min(x1, w - dx), min(y1, h - dy)
    if x1 - x0 < 32 or y1 - y0 < 16:
        raise NoRoom("block too small")
    out = img.copy()
    out[y0:y1, x0:x1] = donor[y0 + dy : y1 + dy, x0 + dx : x1 + dx]
    return out, [(x0, y0, x1, y1)]


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
    split: str, index: int, tampering: str, kind: str, template: int, folder: Path
) -> Entry:
    """Generate one page (retrying other seeds when a page has no room for the edit)."""
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
        try:
            if tampering == "copy-move":
                edited, boxes = copy_move(scanned, page, m, rng)
            elif tampering == "spliced-line":
                edited, boxes = spliced_line(scanned, page, split, chain, rng)
            elif tampering == "retyped-digits":
                edited, boxes = retyped_digits(scanned, page, split, chain, m, rng)
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
        data = jpeg_bytes(edited, saves[-1], chain.subsampling, chain.dpi)
        path = folder / f"{name}.jpg"
        path.write_bytes(data)
        mask_rel = None
        if boxes:
            mask = np.zeros(edited.shape[:2], np.uint8)
            for x0, y0, x1, y1 in boxes:
                mask[y0:y1, x0:x1] = 255
            mask_rel = f"{name}.mask.png"
            Image.fromarray(mask).save(folder / mask_rel)
        return Entry(
            name,
            split,
            tampering,
            kind,
            page.template,
            page.body_font,
            chain.name,
            saves,
            path.name,
            mask_rel,
            [list(b) for b in boxes],
        )
    raise RuntimeError(f"{split} page {index}: no room for {tampering} on {kind} after 8 seeds")


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
SOURCES = ("forensic_corpus.py", "corpus_pages.py", "corpus_text.py")


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
