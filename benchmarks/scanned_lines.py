"""An independent set of scanned lines: Persian and Arabic running text, printed and scanned.

The real scanned lines beside the project (``fa-print-dev``, ``ar-print-dev``) are the
development set of the line benchmark: its reader's padding, fixes and thresholds were set on
them. This set is what the line benchmark reports as independent, so nothing in it comes from
them or from the samples:

- **Text**: running text made of the language benchmark's sentences (`language_data.CORPUS`,
  written for the project; not the page benchmark's sentences, not the dev lines'
  transcriptions), shuffled and set as a book column, so lines start and end mid-sentence.
- **Faces**: those of the Debian font packages below that neither the page or line benchmark
  nor the samples use (they use Nazli, Homa, Titr and the Noto Arabic faces): Amiri, Lateef
  and Scheherazade, regular, bold and slanted. (The KACST faces of ``fonts-kacst`` were
  left out: they have no full stop, no پ چ ژ گ and no Persian yeh; `uncovered` finds such
  gaps, and `build` refuses a line its face cannot set.)
- **Print and scan**: unlike the page benchmark's chain (blur, Gaussian noise, halving, JPEG)
  and the rendered lines' (rescale, blur, noise, threshold or JPEG): the type is set at
  600 dpi, the ink spreads or erodes (a print), the sheet lies slightly rotated on the
  glass, and it is sampled at 200-300 dpi with the scanner's blur, paper grain and dust
  specks, then thresholded to one bit (most lines), thresholded and saved as a JPEG (a
  bitonal scan put on the web) or kept grey as a JPEG.

Lines are cached under ``out/scanned-lines/v<VERSION>/`` (``NAME.png``, ``NAME.gt.txt`` and
``manifest.json`` with each line's face and chain); images are never committed.

Usage: ``python benchmarks/scanned_lines.py [--folder DIR]`` writes the set and prints what it
holds; the line benchmark builds it itself when the folder is missing.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import random
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.language_data import CORPUS  # noqa: E402

#: Raised whenever the text, the faces or the chain change, so a stale cache is not reused.
VERSION = 1
CACHE = ROOT / "out" / "scanned-lines" / f"v{VERSION}"
#: The resolution the type is set at before it is "printed" and "scanned".
PRINT_DPI = 600
_FONTS = Path("/usr/share/fonts")
_AMIRI, _LATEEF = "opentype/fonts-hosny-amiri", "opentype/lateef"
_SCHEHERAZADE = "truetype/scheherazade"
#: Every face the set uses: name -> (file, Debian package).
_FACE_FILES: dict[str, tuple[Path, str]] = {
    "amiri": (_FONTS / _AMIRI / "Amiri-Regular.ttf", "fonts-hosny-amiri"),
    "amiri-bold": (_FONTS / _AMIRI / "Amiri-Bold.ttf", "fonts-hosny-amiri"),
    "amiri-slanted": (_FONTS / _AMIRI / "Amiri-Slanted.ttf", "fonts-hosny-amiri"),
    "lateef": (_FONTS / _LATEEF / "Lateef-Regular.ttf", "fonts-sil-lateef"),
    "lateef-bold": (_FONTS / _LATEEF / "Lateef-Bold.ttf", "fonts-sil-lateef"),
    "scheherazade": (_FONTS / _SCHEHERAZADE / "Scheherazade-Regular.ttf", "fonts-sil-scheherazade"),
    "scheherazade-bold": (
        _FONTS / _SCHEHERAZADE / "Scheherazade-Bold.ttf",
        "fonts-sil-scheherazade",
    ),
}
_FACE_NAMES = {
    "fa": ["amiri", "amiri-bold", "lateef", "scheherazade", "scheherazade-bold"],
    "ar": [
        "amiri",
        "lateef",
        "scheherazade",
        "scheherazade-bold",
        "lateef-bold",
        "amiri-slanted",
    ],
}
#: Faces per language, in the order the set cycles through them: (name, file, Debian package).
FACES: dict[str, list[tuple[str, Path, str]]] = {
    language: [(name, *_FACE_FILES[name]) for name in names]
    for language, names in _FACE_NAMES.items()
}
#: Scheherazade's letters are small for its em (tall ascenders and deep descenders): a book
#: setting it as body type sets it larger, as here.
SIZE_FACTOR = {"scheherazade": 1.25}
LINES_PER_FACE = {"fa": 10, "ar": 6}
SEED = 1313


@dataclass(frozen=True)
class Chain:
    """One line's print and scan: what was done to it, in order."""

    point: float  # type size in points
    spread: int  # ink at print: +1 spreads (bleeds), -1 erodes (starved), 0 neither
    angle: float  # degrees the sheet lies rotated on the glass
    dpi: int  # scanning resolution
    blur: float  # the scanner's blur, Gaussian radius in scanned pixels
    grain: float  # paper grain, grey levels (standard deviation)
    specks: int  # dust specks per line
    output: str  # "bitonal" (PNG), "bitonal-jpeg" or "grey-jpeg"
    threshold: int  # the one-bit threshold (bitonal outputs)
    quality: int  # JPEG quality (JPEG outputs)


@dataclass(frozen=True)
class ScannedLine:
    name: str
    language: str  # "fa" or "ar"
    face: str
    truth: str
    chain: Chain
    path: Path

    def image(self) -> np.ndarray:
        """The scanned line as an 8-bit greyscale array."""
        with Image.open(self.path) as img:
            return np.asarray(img.convert("L"))


def missing_faces() -> list[str]:
    """Faces of the set whose files are not installed, with the package that has them."""
    faces = {(path, package) for faces in FACES.values() for _, path, package in faces}
    return sorted(f"{path.name} ({package})" for path, package in faces if not path.exists())


def uncovered(font: ImageFont.FreeTypeFont, text: str) -> str:
    """The characters of `text` that `font` draws as its "missing glyph" box."""
    box = font.getmask("\U000f0000")
    missing = (bytes(box), box.size)
    masks = {c: font.getmask(c) for c in set(text) if not c.isspace()}
    return "".join(sorted(c for c, m in masks.items() if (bytes(m), m.size) == missing))


def running_text(language: str, rng: random.Random) -> list[str]:
    """The words of the language's sentences in a shuffled order, NFC."""
    sentences = list(CORPUS[language])
    rng.shuffle(sentences)
    return unicodedata.normalize("NFC", " ".join(sentences)).split()


def set_lines(words: Sequence[str], font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """The words broken into lines no wider than `width` pixels, as a book column is set."""
    lines: list[str] = []
    current: list[str] = []
    for word in words:
        trial = " ".join([*current, word])
        if current and font.getlength(trial, direction="rtl") > width:
            lines.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def print_line(text: str, font: ImageFont.FreeTypeFont, spread: int) -> Image.Image:
    """The line set at `PRINT_DPI` in black on white, its ink spread or eroded."""
    left, top, right, bottom = font.getbbox(text, direction="rtl")
    margin = int(font.size * 0.35)
    img = Image.new("L", (right - left + 2 * margin, bottom - top + 2 * margin), 255)
    ImageDraw.Draw(img).text(
        (margin - left, margin - top), text, font=font, fill=0, direction="rtl"
    )
    # Ink on paper: the type's edges soften, and where the press cut the blur is what spreads
    # (more ink) or erodes (less) a stroke by a fraction of its width.
    soft = np.asarray(img.filter(ImageFilter.GaussianBlur(1.5)), dtype=np.float32)
    level = {1: 190.0, 0: 128.0, -1: 96.0}[spread]
    img = Image.fromarray(np.where(soft < level, 0, 255).astype(np.uint8))
    return img


def scan(printed: Image.Image, chain: Chain, rng: random.Random) -> Image.Image:
    """The printed line scanned as `chain` says."""
    tilted = printed.rotate(
        chain.angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255
    )
    factor = chain.dpi / PRINT_DPI
    size = (max(1, round(tilted.width * factor)), max(1, round(tilted.height * factor)))
    sampled = tilted.resize(size, Image.Resampling.BOX)
    sampled = sampled.filter(ImageFilter.GaussianBlur(chain.blur))
    noise = np.random.default_rng(rng.randrange(1 << 30))
    arr = np.asarray(sampled, dtype=np.float32) * rng.uniform(0.86, 0.96) + rng.uniform(4, 22)
    arr = arr + noise.normal(0.0, chain.grain, arr.shape)
    for _ in range(chain.specks):
        y, x = noise.integers(0, arr.shape[0]), noise.integers(0, arr.shape[1])
        r = int(noise.integers(1, 3))
        arr[max(0, y - r // 2) : y + r, max(0, x - r // 2) : x + r] = noise.uniform(0, 60)
    grey = np.clip(arr, 0, 255).astype(np.uint8)
    if chain.output == "grey-jpeg":
        return _jpeg(Image.fromarray(grey), chain.quality)
    bitonal = Image.fromarray(np.where(grey < chain.threshold, 0, 255).astype(np.uint8))
    return bitonal if chain.output == "bitonal" else _jpeg(bitonal, chain.quality)


def _jpeg(img: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return decoded.convert("L")


def draw_chain(rng: random.Random) -> Chain:
    output = rng.choices(["bitonal", "bitonal-jpeg", "grey-jpeg"], weights=[6, 2, 2])[0]
    return Chain(
        point=round(rng.uniform(10.5, 13.0), 1),
        spread=rng.choice([-1, 0, 0, 1]),
        angle=round(rng.uniform(-1.2, 1.2), 2),
        dpi=rng.choice([200, 240, 300]),
        blur=round(rng.uniform(0.3, 0.9), 2),
        grain=round(rng.uniform(3.0, 10.0), 1),
        specks=rng.randint(0, 12),
        output=output,
        threshold=rng.randint(125, 170),
        quality=rng.randint(40, 80),
    )


def build(
    folder: Path = CACHE, per_face: dict[str, int] | None = None, seed: int = SEED
) -> list[ScannedLine]:
    """Write the set into `folder` (images, transcriptions, manifest) and return its lines.

    Each face takes its lines from its own stretch of running text, so no two faces share a
    line; each line gets its own chain. Deterministic for a given `seed`.
    """
    counts = per_face or LINES_PER_FACE
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    out: list[ScannedLine] = []
    for language, faces in FACES.items():
        words = running_text(language, rng)
        start = 0
        for face, path, _ in faces:
            if not path.exists():
                continue
            for k in range(counts.get(language, 0)):
                chain = draw_chain(rng)
                size = chain.point * PRINT_DPI / 72 * SIZE_FACTOR.get(face.split("-")[0], 1.0)
                font = ImageFont.truetype(str(path), round(size))
                column = rng.uniform(9.0, 12.0) / 2.54 * PRINT_DPI  # a 9-12 cm book column
                lines = set_lines(words[start : start + 60], font, column)
                text = lines[0] if len(lines) > 1 else " ".join(words[start : start + 8])
                if gaps := uncovered(font, text):
                    raise ValueError(f"{face} cannot set {gaps!r}: leave it out of FACES")
                start = (start + len(text.split())) % max(len(words) - 60, 1)
                name = f"{language}-{face}-{k:02d}"
                image = scan(print_line(text, font, chain.spread), chain, rng)
                image.save(folder / f"{name}.png")
                (folder / f"{name}.gt.txt").write_text(text + "\n", encoding="utf-8")
                out.append(ScannedLine(name, language, face, text, chain, folder / f"{name}.png"))
    manifest = [
        {
            "name": line.name,
            "language": line.language,
            "face": line.face,
            "truth": line.truth,
            "chain": dataclasses.asdict(line.chain),
        }
        for line in out
    ]
    (folder / "manifest.json").write_text(
        json.dumps(
            {"version": VERSION, "seed": seed, "lines": manifest}, ensure_ascii=False, indent=1
        ),
        encoding="utf-8",
    )
    return out


def load(folder: Path = CACHE) -> list[ScannedLine]:
    """The set as written in `folder`, each truth read back from its ``.gt.txt``."""
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    lines = []
    for record in data["lines"]:
        truth = (folder / f"{record['name']}.gt.txt").read_text(encoding="utf-8").strip()
        lines.append(
            ScannedLine(
                record["name"],
                record["language"],
                record["face"],
                truth,
                Chain(**record["chain"]),
                folder / f"{record['name']}.png",
            )
        )
    return lines


def scanned_lines(folder: Path = CACHE) -> list[ScannedLine]:
    """The cached set, written first if it is not there yet."""
    if not (folder / "manifest.json").exists():
        build(folder)
    return load(folder)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    if missing := missing_faces():
        print("not installed (their lines are left out): " + ", ".join(missing))
    lines = build(args.folder)
    for language in FACES:
        mine = [line for line in lines if line.language == language]
        outputs = sorted({line.chain.output for line in mine})
        print(
            f"{language}: {len(mine)} lines in {len({line.face for line in mine})} faces, "
            f"{sum(len(line.truth) for line in mine)} characters, outputs {', '.join(outputs)}"
        )
    print(f"written to {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
