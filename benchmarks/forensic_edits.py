"""The edits of the independent forensic corpus: what a forger does to a decoded scan.

`forensic_corpus` scans every page and calls one of these on the decoded scan of a tampered
page; each returns the edited image and the boxes its mask covers (both ends of a copy-move):

* `copy_move`: a word or a whole line copied to a blank place on the same page;
* `spliced_line`: a line typeset in another font with a look of its own, pasted into a blank
  band (with its paper, or darken-blended so that only its ink lands);
* `retyped_digits`: a number or date erased and typed again with other digits;
* `foreign_jpeg`: a block of text replaced by the same place of another scan, off the 8 x 8 grid.

Also the JPEG and box functions the edits and the corpus share. Kept apart from the corpus
module so that each stays readable; both are hashed into the corpus's cache stamp.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import corpus_pages as cp
import cv2
import numpy as np
from PIL import Image

if TYPE_CHECKING:
    from forensic_corpus import Chain


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


def _typeset(text: list[str], key: str, size: int) -> np.ndarray:
    """`text` in font `key` at `size` pixels, alone on a canvas: its ink (0-1) with a margin."""
    t = cp.Typesetter("patch", (400, 40), 300)
    box = t.line(t.width - 20, size * 1.4, text, key, size)
    return (
        np.asarray(t.image, np.float32)[
            max(0, box[1] - 6) : box[3] + 6, max(0, box[0] - 6) : box[2] + 6
        ]
        / 255.0
    )


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
    ink = _typeset(text, key, size)
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


@dataclass(frozen=True)
class RetypeLook:
    """How a forger's retyped digits differ from the page's print (the dev split's edits).

    A number retyped into a published scan is typed in a font, printed (or pasted straight
    into the file) and laid on the erased place; each way leaves it a little unlike the
    page's print in one respect: lighter or darker ink, sharper edges (pasted without the
    scan's blur) or softer ones (printed by another printer and scanned again). Its type size
    is never exactly the page's, and the erased place is filled with the paper's median colour
    or with a patch of paper cloned from nearby (whose grain came along).
    """

    difference: str  # one of RETYPE_DIFFERENCES
    darkness: float  # ink coverage of the new digits (the page's print: 0.80-0.92)
    ink: float  # grey level of full ink (the page's: 28)
    blur: float  # Gaussian sigma as a multiple of the chain's scan blur; 0 = not blurred
    size: float  # type size as a multiple of the page's body size
    same_font: bool  # the number's own font (else the split's bold digits font)
    clone_paper: bool  # erased with paper cloned from nearby (else the paper's median)

    @property
    def name(self) -> str:
        font = "same-font" if self.same_font else "digits-font"
        return f"{self.difference}/{font}/{'cloned' if self.clone_paper else 'median'}"


#: The one respect in which a retyped number's print differs from the page's (dev split).
RETYPE_DIFFERENCES = ("lighter", "darker", "sharper", "softer")


def draw_look(difference: str, rng: np.random.Generator) -> RetypeLook:
    """A retyped number's look that differs by `difference`, the rest drawn from `rng`.

    Every value is drawn whatever the difference, so the page's generator stays in step.
    """
    lighter, darker, usual = (float(v) for v in rng.uniform((0.5, 0.95, 0.8), (0.68, 1.0, 0.92)))
    soft, matched = (float(v) for v in rng.uniform((1.8, 0.85), (2.6, 1.15)))
    size = float(rng.uniform(0.92, 1.08))
    same_font, clone = (bool(v) for v in rng.random(2) < (0.7, 0.5))
    return RetypeLook(
        difference,
        lighter if difference == "lighter" else darker if difference == "darker" else usual,
        8.0 if difference == "darker" else 28.0,
        0.0 if difference == "sharper" else soft if difference == "softer" else matched,
        size,
        same_font,
        clone,
    )


def _nearby_paper(img: np.ndarray, box: cp.Box, rng: np.random.Generator) -> np.ndarray | None:
    """A blank patch of paper of `box`'s size near it (above, below or beside), or None."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    ink = cv2.dilate(_ink_map(img), np.ones((5, 5), np.uint8))
    integral = cv2.integral(ink)
    h, w = ink.shape
    spots = []
    for dy in range(-6 * bh, 6 * bh + 1, max(1, bh // 4)):
        for dx in range(-2 * bw, 2 * bw + 1, max(1, bw // 4)):
            x, y = x0 + dx, y0 + dy
            if (dx, dy) == (0, 0) or x < 0 or y < 0 or x + bw > w or y + bh > h:
                continue
            if abs(dx) < bw and abs(dy) < bh:  # overlaps the number itself
                continue
            total = (
                integral[y + bh, x + bw]
                - integral[y, x + bw]
                - integral[y + bh, x]
                + integral[y, x]
            )
            if not total:
                spots.append((dx * dx + dy * dy, x, y))
    if not spots:
        return None
    spots.sort()
    _, x, y = spots[int(rng.integers(min(4, len(spots))))]
    return img[y : y + bh, x : x + bw].astype(np.float32)


def _retyped_ink(
    text: list[str], key: str, size: int, look: RetypeLook, sigma: float
) -> np.ndarray:
    """How much ink (0 to `look.darkness`) each pixel of `text` printed with `look` holds.

    The typed glyphs blurred by `sigma` pixels (0: laid into the file as typed, with no blur).
    """
    ink = _typeset(text, key, size) * look.darkness
    return cv2.GaussianBlur(ink, (0, 0), sigma) if sigma > 0 else ink


def retyped_digits(
    img: np.ndarray,
    page: cp.Page,
    split: str,
    chain: Chain,
    m: np.ndarray,
    rng: np.random.Generator,
    look: RetypeLook | None = None,
) -> tuple[np.ndarray, list[cp.Box]]:
    """Erase a number of three digits or more and type it again with two digits changed.

    Without `look` (the test split), the number is typed sharp in ink about as dark as the
    page's, in its own font or the split's bold digits font, on the paper's median colour.
    With `look` (the dev split, `draw_look`), it is typed as `look` says.
    """
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
    if look is None:
        patch = _typed_patch(["".join(chars)], retype_font, size, img.shape, paper, rng, False)
        ph, pw = min(patch.shape[0], y1 - y0), min(patch.shape[1], x1 - x0)
        fill = np.clip(np.rint(fill), 0, 255).astype(np.uint8)
        oy, ox = (y1 - y0 - ph) // 2, (x1 - x0) - pw
        fill[oy : oy + ph, ox : ox + pw] = np.minimum(
            fill[oy : oy + ph, ox : ox + pw], patch[:ph, :pw]
        )
    else:
        cloned = _nearby_paper(img, (x0, y0, x1, y1), rng) if look.clone_paper else None
        if cloned is not None:
            fill = cloned
        sigma = look.blur * chain.blur * page.dpi / 300
        font = key if look.same_font else cp.FONTS[split].digits
        alpha = _retyped_ink(["".join(chars)], font, round(page.body_size * look.size), look, sigma)
        ph, pw = min(alpha.shape[0], y1 - y0), min(alpha.shape[1], x1 - x0)
        oy, ox = (y1 - y0 - ph) // 2, (x1 - x0) - pw
        fill = np.array(fill, np.float32)
        under = fill[oy : oy + ph, ox : ox + pw]
        a = alpha[:ph, :pw, None] if under.ndim == 3 else alpha[:ph, :pw]
        # The ink laid over the erased place: its paper is the fill, untouched. Printed and
        # scanned, its ink has a grain of its own; typed into the file, it is one flat tone.
        inked = under * (1 - a) + look.ink * a
        if sigma > 0:
            inked += a * rng.normal(0, max(noise, 0.5), under.shape).astype(np.float32)
        fill[oy : oy + ph, ox : ox + pw] = inked
        fill = np.clip(np.rint(fill), 0, 255).astype(np.uint8)
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
