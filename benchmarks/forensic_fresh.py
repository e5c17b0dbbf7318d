"""A fresh-look development set: the corpus's pages in other faces, through scan chains of its own.

**What it is for.** The forensics check's rules and constants were set on the dev split of
the independent corpus (``benchmarks/forensic_corpus.py``) and hold there, but on pages of
other fonts and scan chains they can lose their footing: a page-relative normalisation may
assume dev's noise, blur or resolution, a threshold may sit just above what dev's untouched
pages reach. The test split must not be looked at to find out which. This set is a third
look, for **development only**: thresholds may be checked against it (and against dev) but
it is no reported evaluation. It is made from ingredients that neither split uses:

* **faces** that no split of the corpus uses (`FRESH_FONT_FILES`; checked against
  ``corpus_pages.FONT_FILES`` by family name, so no weight of a split's family slips in):
  farsiweb's Nazli (regular and bold), Homa and Titr, and Noto Naskh Arabic;
* **scan chains** of its own design (`CHAINS`): 200 and 240 dpi as well as 300; a scanner's
  unsharp mask, a bilateral denoiser, a gamma and a contrast curve, a photocopy-like
  threshold softening, signal-dependent noise with faint scanner streaks; JPEG 4:4:4 and
  4:2:0 at qualities 55 to 97, one to three saves before the forger's last one.

The page layouts, letter templates and text are the dev split's (`corpus_pages.render` with
``split="dev"``) and so are the edits (``benchmarks/forensic_edits.py``: copy-move, spliced
line, retyped digits with dev's four looks, foreign JPEG): only the faces and the scanning
differ, so what changes on this set is what the look of a page changes. Every page is seeded;
files and masks are written to ``out/forensic-corpus/fresh`` with a ``manifest.json`` keyed
by a stamp of the generator's source (regenerated when that changes). Its evaluation with
the forensics check (per kind, untouched pages, which method scores each untouched page) is
in ``benchmarks/fresh_benchmark.py``.

    python benchmarks/forensic_fresh.py [--per-kind N] [--untouched N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
import PIL
from PIL import ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus_pages as cp
import forensic_corpus as fc
from forensic_edits import (
    RETYPE_DIFFERENCES,
    NoRoom,
    copy_move,
    decode,
    draw_look,
    foreign_jpeg,
    jpeg_bytes,
    retyped_digits,
    spliced_line,
)

CACHE = Path(__file__).resolve().parents[1] / "out" / "forensic-corpus"
SPLIT = "fresh"
SEED = 5119
TAMPER_KINDS = fc.TAMPER_KINDS

#: Faces of this set (path of the Debian install, Debian package); none of their families is
#: in ``corpus_pages.FONT_FILES`` (`check_faces`).
FRESH_FONT_FILES: dict[str, tuple[str, str]] = {
    "nazli": ("/usr/share/fonts/truetype/farsiweb/nazli.ttf", "fonts-farsiweb"),
    "nazli-bold": ("/usr/share/fonts/truetype/farsiweb/nazlib.ttf", "fonts-farsiweb"),
    "homa": ("/usr/share/fonts/truetype/farsiweb/homa.ttf", "fonts-farsiweb"),
    "titr": ("/usr/share/fonts/truetype/farsiweb/titr.ttf", "fonts-farsiweb"),
    "noto-naskh": ("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf", "fonts-noto-core"),
}
FRESH_FONTS = cp.FontSet(
    body=("nazli", "noto-naskh"), heading="titr", foreign="homa", digits="nazli-bold"
)


def check_faces() -> list[str]:
    """Problems with `FRESH_FONT_FILES`: missing files, or a family a corpus split uses."""
    problems = []
    taken = {
        ImageFont.truetype(path).getname()[0]
        for path, _ in cp.FONT_FILES.values()
        if Path(path).exists()
    }
    for key, (path, package) in FRESH_FONT_FILES.items():
        if not Path(path).exists():
            problems.append(f"font {key} ({path}) is missing: apt-get install {package}")
        elif ImageFont.truetype(path).getname()[0] in taken:
            problems.append(f"font {key}: its family is used by a split of the corpus")
    return problems


@contextmanager
def fresh_faces() -> Iterator[None]:
    """Typeset with this set's faces where the corpus's code uses the dev split's.

    The corpus's layouts and edits take their faces from ``corpus_pages.FONTS["dev"]``; for
    the duration of the block that entry is this set's `FRESH_FONTS` (and its faces are
    known to ``corpus_pages.font``). Both are restored on leaving.
    """
    saved = cp.FONTS["dev"]
    added = [k for k in FRESH_FONT_FILES if k not in cp.FONT_FILES]
    cp.FONT_FILES.update(FRESH_FONT_FILES)
    cp.FONTS["dev"] = FRESH_FONTS
    try:
        yield
    finally:
        cp.FONTS["dev"] = saved
        for key in added:
            del cp.FONT_FILES[key]


@dataclass(frozen=True)
class Chain:
    """One print/scan/compression chain of this set (values chosen for it, not taken over).

    Lengths are in pixels at 300 dpi (scaled to the chain's resolution).
    """

    name: str
    dpi: int
    colour: bool
    saves: tuple[int, ...]  # JPEG qualities of the saves before any edit
    resave: tuple[int, ...]  # qualities the forger saves the edited page with (one is drawn)
    blur: float  # Gaussian sigma of the optics
    sharpen: float  # unsharp-mask amount (0: none)
    denoise: float  # bilateral filter's colour sigma (0: none)
    gamma: float  # tone curve exponent on 0-1 (1: none; below 1 lightens mid tones)
    contrast: float  # gain around mid grey (1: none)
    photocopy: float  # softness of a threshold curve in grey levels (0: none)
    skew: float  # largest rotation, degrees
    noise: float  # noise at full paper brightness (grey levels), shot-like
    tint: tuple[int, int, int]  # paper colour
    ink: tuple[int, int, int]  # colour of full toner
    subsampling: int  # Pillow's: 0 = 4:4:4, 2 = 4:2:0

    def for_edits(self) -> fc.Chain:
        """The corpus's chain record the edit functions read (`retyped_digits` uses its blur)."""
        return fc.Chain(
            self.name,
            self.dpi,
            self.colour,
            self.saves,
            self.resave,
            self.blur,
            self.skew,
            self.noise,
            self.tint,
            self.subsampling,
        )


CHAINS: tuple[Chain, ...] = (
    Chain(
        "fresh-200-grey-usm-q90-q72",
        200,
        False,
        (90, 72),
        (62, 80),
        1.2,
        0.9,
        0.0,
        1.0,
        1.0,
        0.0,
        0.5,
        2.0,
        (245, 245, 240),
        (30, 30, 30),
        2,
    ),
    Chain(
        "fresh-240-colour444-gamma-q96",
        240,
        True,
        (96,),
        (86, 97),
        0.8,
        0.0,
        0.0,
        0.8,
        1.0,
        0.0,
        1.0,
        1.2,
        (250, 246, 236),
        (40, 32, 44),
        0,
    ),
    Chain(
        "fresh-300-grey-copier-denoise-q58",
        300,
        False,
        (58,),
        (78, 88),
        0.7,
        0.0,
        18.0,
        1.0,
        1.0,
        22.0,
        0.3,
        3.5,
        (236, 236, 232),
        (22, 22, 22),
        2,
    ),
    Chain(
        "fresh-200-colour420-contrast-q82",
        200,
        True,
        (82,),
        (55, 68),
        1.0,
        0.4,
        0.0,
        1.0,
        1.1,
        0.0,
        0.7,
        2.5,
        (242, 238, 222),
        (34, 30, 26),
        2,
    ),
)


def scan(page: cp.Page, chain: Chain, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Print `page` and scan it through `chain`; returns (uint8 image, 2x3 affine of the skew)."""
    h, w = page.ink.shape
    scale = page.dpi / 300
    low = cv2.resize(
        rng.normal(0, 1, (h // 48 + 2, w // 48 + 2)).astype(np.float32),
        (w, h),
        interpolation=cv2.INTER_CUBIC,
    )
    darkness = np.clip(0.9 + 0.04 * low, 0.75, 0.98)  # toner a little uneven
    tint = np.array(chain.tint, np.float32)
    a = (page.ink * darkness)[..., None]
    s = (page.stamp * 0.75)[..., None]
    rgb = tint * (1 - a) + np.array(chain.ink, np.float32) * a
    rgb = rgb * (1 - s) + np.array([110, 50, 125], np.float32) * s  # violet stamp ink
    rgb += (2.0 * low)[..., None]
    angle = float(rng.uniform(-chain.skew, chain.skew))
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rgb = cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    rgb = cv2.GaussianBlur(rgb, (0, 0), chain.blur * scale)
    if chain.photocopy:  # a copier's soft threshold: ink darker, paper lighter, then toner spread
        k = chain.photocopy

        def curve(v: np.ndarray | float) -> np.ndarray:
            return 1.0 / (1.0 + np.exp(-(np.asarray(v, np.float32) - 150.0) / k))

        lo, hi = curve(0.0), curve(255.0)
        rgb = 255.0 * (curve(rgb) - lo) / (hi - lo)
        rgb = cv2.GaussianBlur(rgb, (0, 0), 0.6 * scale)
    if chain.sharpen:
        rgb = rgb + chain.sharpen * (rgb - cv2.GaussianBlur(rgb, (0, 0), 1.5 * scale))
    if chain.gamma != 1.0 or chain.contrast != 1.0:
        v = np.clip(rgb / 255.0, 0.0, 1.0) ** chain.gamma
        rgb = 255.0 * (0.5 + chain.contrast * (v - 0.5))
    shot = np.sqrt(np.clip(rgb, 1, 255) / 255)
    rgb = rgb + rng.normal(0, 1, rgb.shape).astype(np.float32) * chain.noise * shot
    rgb = rgb + rng.normal(0, 0.6, (h, 1, 1)).astype(np.float32)  # faint scanner streaks
    out = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
    if chain.denoise:
        out = cv2.bilateralFilter(out, 5, chain.denoise, 3)
    if not chain.colour:
        out = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
    return out, m


def _page(kind: str, chain: Chain, seed: int, template: int) -> fc.Scanned:
    rng = np.random.default_rng(seed)
    page = cp.render(kind, "dev", chain.dpi, rng, template)
    image, m = scan(page, chain, rng)
    data = b""
    for q in chain.saves:
        data = jpeg_bytes(image, q, chain.subsampling, chain.dpi)
        image = decode(data)
    return fc.Scanned(page, image, data, m)


def make_entry(
    index: int, tampering: str, kind: str, template: int, nth: int, folder: Path
) -> fc.Entry:
    """Generate page `index` (the `nth` of its kind), retrying other seeds when it has no room."""
    for attempt in range(8):
        seed = SEED * 1000 + index * 10 + attempt
        rng = np.random.default_rng(seed + 1)
        chain = CHAINS[(index + attempt) % len(CHAINS)]
        sc = _page(kind, chain, seed, template)
        page, scanned, m = sc.page, sc.image, sc.skew
        name = f"{SPLIT}-{index:03d}-{tampering}-{kind}"
        boxes: list[cp.Box] = []
        variant = ""
        try:
            if tampering == "copy-move":
                edited, boxes = copy_move(scanned, page, m, rng)
            elif tampering == "spliced-line":
                edited, boxes = spliced_line(scanned, page, "dev", chain.for_edits(), rng)
            elif tampering == "retyped-digits":
                look = draw_look(RETYPE_DIFFERENCES[nth % len(RETYPE_DIFFERENCES)], rng)
                edited, boxes = retyped_digits(
                    scanned, page, "dev", chain.for_edits(), m, rng, look
                )
                variant = look.name
            elif tampering == "foreign-jpeg":
                other = CHAINS[(index + attempt + 1) % len(CHAINS)]
                donor_chain = Chain(
                    **{
                        **asdict(other),
                        "dpi": chain.dpi,
                        "colour": chain.colour,
                        "tint": chain.tint,
                        "saves": (int(rng.integers(55, 98)),),
                    }
                )
                donor = _page(kind, donor_chain, seed + 500_000, template).image
                edited, boxes = foreign_jpeg(scanned, page, donor, m, rng)
            else:
                edited = scanned
        except NoRoom:
            continue
        # Every page is opened and saved once more, edited or not (as in the corpus).
        saves = [*chain.saves, int(rng.choice(chain.resave))]
        entry = fc.Entry(
            name,
            SPLIT,
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
        )
        return fc.write_entry(folder, entry, edited, chain.subsampling, chain.dpi)
    raise RuntimeError(f"{SPLIT} page {index}: no room for {tampering} on {kind} after 8 seeds")


def plan(per_kind: int, untouched: int) -> list[tuple[str, str, int, int]]:
    """(tampering, page kind, template, n-th of its kind) of every page, in index order."""
    rows = []
    for tampering in ("none", *TAMPER_KINDS):
        letters = 0
        for j in range(untouched if tampering == "none" else per_kind):
            kind = fc.PAGE_CYCLE[j % len(fc.PAGE_CYCLE)]
            rows.append((tampering, kind, letters % 2, j))
            letters += kind == "letter"
    return rows


def stamp() -> str:
    """Stamp of a cached set: this module's source, the corpus's stamp and OpenCV's version."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    return f"{fc.stamp()}-{cv2.__version__}-{PIL.__version__}-{digest.hexdigest()[:16]}"


def build(out: Path = CACHE, per_kind: int = 10, untouched: int = 16) -> list[fc.Entry]:
    """Generate the set into ``out/fresh`` (reusing it when its manifest matches) and list it."""
    problems = check_faces()
    if problems:
        raise SystemExit("the fresh-look set cannot be generated: " + "; ".join(problems))
    folder = out / SPLIT
    manifest = folder / "manifest.json"
    key = {"per_kind": per_kind, "untouched": untouched, "version": stamp()}
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("key") == key:
            return [fc.Entry(**e) for e in data["pages"]]
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{SPLIT}-*"):
        old.unlink()
    with fresh_faces():
        entries = [
            make_entry(i, tampering, kind, template, nth, folder)
            for i, (tampering, kind, template, nth) in enumerate(plan(per_kind, untouched))
        ]
    manifest.write_text(
        json.dumps(
            {"key": key, "pages": [asdict(e) for e in entries]}, ensure_ascii=False, indent=1
        ),
        encoding="utf-8",
    )
    return entries


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CACHE, help="cache folder (holds fresh/)")
    parser.add_argument("--per-kind", type=int, default=10, help="pages per tampering kind")
    parser.add_argument("--untouched", type=int, default=16, help="untouched pages")
    args = parser.parse_args(argv)
    entries = build(args.out, args.per_kind, args.untouched)
    print(f"{SPLIT}: {len(entries)} pages in {args.out / SPLIT}")


if __name__ == "__main__":
    main()
