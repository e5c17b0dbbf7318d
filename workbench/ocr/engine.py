"""The one wrapper around Tesseract: find it, check it, run it, and read its words.

Everything in the workbench that reads text from pixels goes through `Tesseract`, so there is
one place that knows where the binary is, which version and language data it has, how it is
run, and how its output becomes `OcrPage` objects. Checks do not call this module directly:
they ask the context (`Context.ocr`), which runs OCR once per page and language and shares
the result with every check that asks.

Choices, and why:

- pytesseract drives the system ``tesseract`` binary. The ``tesserocr`` wheel on PyPI bundles
  its own Tesseract (5.5.4) that dropped every other body line of clean 300-dpi Persian pages
  here; a source-built ``tesserocr`` costs the same time as pytesseract.
- Tesseract runs single-threaded (``OMP_THREAD_LIMIT=1``): on two cores its OpenMP threads
  made a page 4x slower, mostly spinning. Parallelism comes from pages and documents instead.
  The limit is set in this process's environment at import unless the user set one.
- Word order within a line is Tesseract's, which is the logical (reading) order: right to left
  for Persian and Arabic, with embedded left-to-right runs kept in their own order.
- Boxes are always in pixels of the decoded page, whatever the preprocessing did (rotation,
  deskew, rescaling): each box is mapped back through the inverse transform.
- After the page is read, line-shaped ink that no word box covers is read again line by
  line, and misread Persian commas are restored
  (`workbench.imaging.recognition.ocr_postprocess`): both repair Tesseract's page analysis, not its
  model, and both are measured steps that `Steps` can turn off.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytesseract
from PIL import Image

from workbench.errors import ToolUnavailableError, WorkbenchError
from workbench.geometry import union_box
from workbench.imaging.recognition.ocr_postprocess import (
    arabic_comma_fixes,
    continues_a_line,
    uncovered_text_regions,
)
from workbench.imaging.recognition.ocr_preprocess import (
    DEFAULT_STEPS,
    Steps,
    estimate_text_height,
    looks_like_one_line,
    looks_sideways,
    prepare_for_ocr,
)

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

#: The oldest Tesseract whose LSTM models we rely on.
MIN_VERSION = (4, 1)
#: Seconds one page may take before Tesseract is stopped.
DEFAULT_TIMEOUT_S = 180
#: A first reading with a lower mean word confidence triggers orientation detection.
RETRY_BELOW = 50.0
#: Orientation detection below this confidence is ignored.
MIN_ORIENTATION_CONFIDENCE = 2.0
#: A line read again from ink Tesseract skipped is kept only with at least this mean word
#: confidence: seals, signatures and rules read as low-confidence letters (below 62 on the
#: samples corpus), the skipped headings, closings and names at 77-96.
RECOVER_MIN_CONFIDENCE = 70.0
#: Each skipped line is read at these scales in turn until one reading is confident enough:
#: a line image of a few dozen pixels reads differently at slightly different sizes (a
#: bold heading shrunk with the body text read at 66 and, a quarter larger, at 88).
RECOVER_SCALES = (1.0, 1.25, 0.8)
#: A reading with a mean confidence under this is ink that is not text (a seal, a
#: signature, a rule): it is not tried again at the other scales.
RECOVER_GIVE_UP = 40.0
#: At most this many single-line readings per page (each costs about 0.05 s).
MAX_RECOVER_READS = 40
#: Debian package holding each language's data, for the error message.
_PACKAGE = "tesseract-ocr-{}"
_VERSION = re.compile(r"tesseract\s+v?(\d+)\.(\d+)(?:\.(\d+))?", re.IGNORECASE)
_LANG_PART = re.compile(r"^[A-Za-z_]+$")
# pytesseract keeps the binary's path in a module global; engines with their own binary
# swap it under this lock.
_COMMAND_LOCK = threading.Lock()


class OcrFailedError(WorkbenchError):
    """Tesseract was found and ran, but failed on this page (crash, timeout, bad image)."""


@dataclass(frozen=True)
class OcrWord:
    """One word as Tesseract read it."""

    text: str
    confidence: float | None  # 0-100 as Tesseract reports it, None when it gives none
    box: tuple[int, int, int, int]  # x, y, width, height in pixels of the decoded page
    line: int  # index of its line within the page, in reading order
    block: int


@dataclass(frozen=True)
class OcrLine:
    """One text line: its words in reading order (right to left for RTL text)."""

    index: int
    box: tuple[int, int, int, int]
    text: str  # words joined in right-to-left reading order for RTL text
    words: tuple[int, ...]  # indices into OcrPage.words


@dataclass(frozen=True)
class OcrPage:
    """The text of one page in one Tesseract language, with word boxes and confidences."""

    index: int
    language: str  # Tesseract language string used, e.g. "fas" or "fas+eng"
    text: str  # lines in reading order joined by "\n"
    words: tuple[OcrWord, ...]
    lines: tuple[OcrLine, ...]
    mean_confidence: float | None


@dataclass(frozen=True)
class OcrResult:
    """An `OcrPage` with how it was obtained: the preprocessed image and the steps taken.

    ``steps`` is JSON-ready (rotation, skew angle, scale, binarisation...) so a report can
    say what was done to the pixels before they were read.
    """

    page: OcrPage
    preprocessed: np.ndarray = field(repr=False)
    steps: dict[str, Any]
    seconds: float
    #: CPU seconds of this process and of Tesseract's (its child processes) for the reading:
    #: steadier than wall-clock time on a busy machine, the budget of a second reader.
    cpu_seconds: float | None = None


def split_language(language: str) -> tuple[str, ...]:
    """The model names in a Tesseract language string (``"fas+eng"`` -> ``("fas", "eng")``)."""
    parts = tuple(p for p in language.split("+") if p)
    if not parts or not all(_LANG_PART.match(p) for p in parts):
        raise ValueError(f"not a Tesseract language string: {language!r}")
    return parts


class Tesseract:
    """A Tesseract installation: its binary, version and language data.

    Args:
        command: the binary (a name on ``PATH`` or a path). Default: the environment variable
            ``WORKBENCH_TESSERACT``, else ``tesseract``.
        tessdata: folder of ``*.traineddata`` (default: Tesseract's own, or ``TESSDATA_PREFIX``).
        timeout_s: seconds one page may take.

    Nothing runs at construction; `check` (called before every recognition) finds the
    binary and raises `ToolUnavailableError` with what to install when something is missing.

    """

    def __init__(
        self,
        command: str | None = None,
        tessdata: str | Path | None = None,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.command = command or os.environ.get("WORKBENCH_TESSERACT") or "tesseract"
        self.tessdata = Path(tessdata) if tessdata is not None else None
        self.timeout_s = timeout_s

    def __repr__(self) -> str:
        return f"Tesseract(command={self.command!r}, tessdata={self.tessdata!r})"

    # -- installation -------------------------------------------------------------------

    @cached_property
    def path(self) -> str:
        """Absolute path of the binary; raises `ToolUnavailableError` when it is not found."""
        found = shutil.which(self.command)
        if found is None:
            raise ToolUnavailableError(
                f"the tesseract program ({self.command!r}) was not found: "
                "apt-get install tesseract-ocr (or set WORKBENCH_TESSERACT to its path)"
            )
        return found

    def _run(self, *args: str) -> str:
        try:
            proc = subprocess.run(
                [self.path, *args], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ToolUnavailableError(f"tesseract ({self.path}) cannot be run: {exc}") from None
        return proc.stdout + proc.stderr

    @cached_property
    def version(self) -> tuple[int, int, int]:
        """Tesseract's version; raises `ToolUnavailableError` when it is older than 4.1."""
        output = self._run("--version")
        match = _VERSION.search(output)
        if match is None:
            raise ToolUnavailableError(
                f"{self.path} did not report a Tesseract version; is it Tesseract?"
            )
        found = (int(match[1]), int(match[2]), int(match[3] or 0))
        if found[:2] < MIN_VERSION:
            raise ToolUnavailableError(
                f"tesseract {'.'.join(map(str, found))} is too old; the workbench needs "
                f"{'.'.join(map(str, MIN_VERSION))} or newer (apt-get install tesseract-ocr)"
            )
        return found

    @cached_property
    def languages(self) -> frozenset[str]:
        """The language models installed (``fas``, ``ara``, ``eng``, ``osd``, ...)."""
        args = ["--list-langs"]
        if self.tessdata is not None:
            args = ["--tessdata-dir", str(self.tessdata), *args]
        output = self._run(*args)
        names = set()
        for line in output.splitlines()[1:]:
            name = line.strip()
            if name and _LANG_PART.match(name):
                names.add(name)
        return frozenset(names)

    def has_language(self, language: str) -> bool:
        """Whether every model of `language` (e.g. ``"fas+eng"``) is installed."""
        try:
            return all(p in self.languages for p in split_language(language))
        except (ToolUnavailableError, ValueError):
            return False

    def check(self, language: str = "fas") -> None:
        """Raise `ToolUnavailableError` unless the binary, its version and `language` are usable.

        The message names what to install, e.g. "tesseract language data for 'fas' is
        missing: apt-get install tesseract-ocr-fas".
        """
        _ = self.version
        try:
            parts = split_language(language)
        except ValueError as exc:
            raise ToolUnavailableError(str(exc)) from None
        for part in parts:
            if part not in self.languages:
                where = f" in {self.tessdata}" if self.tessdata is not None else ""
                raise ToolUnavailableError(
                    f"tesseract language data for {part!r} is missing{where}: "
                    f"apt-get install {_PACKAGE.format(part.lower().replace('_', '-'))}"
                )

    # -- running ------------------------------------------------------------------------

    def _config(self, *, psm: int, dpi: int | None, extra: str = "") -> str:
        config = f"--psm {psm}" + (f" {extra}" if extra else "")
        if dpi is not None:
            config += f" --dpi {dpi}"
        if self.tessdata is not None:
            config += f" --tessdata-dir {self.tessdata}"
        return config

    def _call(self, function: Any, image: Image.Image, **kwargs: Any) -> Any:
        """Call a pytesseract function with this engine's binary; map failures to our errors."""
        try:
            if self.path == shutil.which(pytesseract.pytesseract.tesseract_cmd):
                # pytesseract already runs this binary: no need to serialise calls.
                return function(image, timeout=self.timeout_s, **kwargs)
            with _COMMAND_LOCK:
                saved = pytesseract.pytesseract.tesseract_cmd
                pytesseract.pytesseract.tesseract_cmd = self.path
                try:
                    return function(image, timeout=self.timeout_s, **kwargs)
                finally:
                    pytesseract.pytesseract.tesseract_cmd = saved
        except pytesseract.TesseractNotFoundError:
            raise ToolUnavailableError(
                f"the tesseract program ({self.command!r}) was not found: "
                "apt-get install tesseract-ocr"
            ) from None
        except pytesseract.TesseractError as exc:
            raise OcrFailedError(f"tesseract failed: {exc.message}".strip()) from None
        except RuntimeError as exc:  # pytesseract's timeout
            raise OcrFailedError(f"tesseract stopped after {self.timeout_s:g} s: {exc}") from None

    def data(
        self,
        image: Image.Image,
        language: str,
        *,
        psm: int = 3,
        dpi: int | None = None,
        keep_noisy_rows: bool = False,
    ) -> dict[str, list[Any]]:
        """Tesseract's TSV output for `image` as columns (``text``, ``conf``, ``left``...).

        `keep_noisy_rows` turns off Tesseract's rejection of text rows it takes for noise,
        which drops short Persian and Arabic lines (see `Steps.keep_noisy_rows`).
        """
        self.check(language)
        extra = "-c textord_noise_rejrows=0" if keep_noisy_rows else ""
        result: dict[str, list[Any]] = self._call(
            pytesseract.image_to_data,
            image,
            lang=language,
            config=self._config(psm=psm, dpi=dpi, extra=extra),
            output_type=pytesseract.Output.DICT,
        )
        return result

    def orientation(self, image: Image.Image) -> tuple[int, float] | None:
        """Tesseract's orientation detection: (clockwise degrees to rotate, confidence).

        None when the ``osd`` data is missing or the page has too little text to decide.
        """
        if "osd" not in self.languages:
            return None
        try:
            result = self._call(
                pytesseract.image_to_osd,
                image,
                config=self._config(psm=0, dpi=None),
                output_type=pytesseract.Output.DICT,
            )
        except OcrFailedError:  # "Too few characters": nothing to orient by
            return None
        return int(result["rotate"]), float(result["orientation_conf"])

    def recognize(
        self,
        image: Image.Image | np.ndarray,
        language: str = "fas",
        *,
        index: int = 0,
        dpi: float | None = None,
        preprocess: bool = True,
        steps: Steps = DEFAULT_STEPS,
    ) -> OcrResult:
        """Read one page.

        Args:
            image: the decoded page (PIL image in any mode, or a ``(h, w)`` / ``(h, w, 3)``
                uint8 array).
            language: Tesseract language string, e.g. ``"fas"`` or ``"fas+eng"``.
            index: the page's index, recorded in the result.
            dpi: the resolution the file declares, if any (a hint for rescaling).
            preprocess: orientation, deskew, rescaling and cleaning before reading
                (`workbench.imaging.recognition.ocr_preprocess`); off, the page is read as it is.
            steps: which preprocessing steps run (the measured defaults).

        Orientation detection (Tesseract's OSD, about 0.3 s a page) runs only when the page
        looks turned by 90 degrees, or when the first reading has a mean confidence under
        `RETRY_BELOW` (an upside-down page); the rotated reading is kept if it reads better.

        Raises:
            ToolUnavailableError: Tesseract or the language data is missing.
            OcrFailedError: Tesseract failed on this page.

        """
        self.check(language)
        started = time.perf_counter()
        cpu_started = cpu_time()
        gray = _as_gray(image)
        if preprocess and looks_like_one_line(gray):
            line = self._read_single_line(gray, language, index=index)
            return replace(
                line,
                seconds=round(time.perf_counter() - started, 4),
                cpu_seconds=round(cpu_time() - cpu_started, 4),
            )
        steps = steps if preprocess else Steps.none()
        rotation = 0
        osd_runs = 0
        if preprocess and looks_sideways(gray):
            osd_runs += 1
            rotation = self._rotation(gray)
        result = self._read(gray, language, index=index, dpi=dpi, rotation=rotation, steps=steps)
        confidence = result.page.mean_confidence
        if preprocess and osd_runs == 0 and (confidence is None or confidence < RETRY_BELOW):
            # An upside-down page reads as low-confidence noise: ask for the orientation.
            osd_runs += 1
            rotation = self._rotation(gray)
            if rotation:
                again = self._read(
                    gray, language, index=index, dpi=dpi, rotation=rotation, steps=steps
                )
                if (again.page.mean_confidence or 0.0) > (confidence or 0.0):
                    result = again
        return OcrResult(
            page=result.page,
            preprocessed=result.preprocessed,
            steps={**result.steps, "orientation_checked": osd_runs > 0},
            seconds=round(time.perf_counter() - started, 4),
            cpu_seconds=round(cpu_time() - cpu_started, 4),
        )

    def _read_single_line(self, gray: np.ndarray, language: str, *, index: int) -> OcrResult:
        """An image of one line of text, read as one line (``--psm 7``) as it is.

        Page segmentation finds several lines or none in a lone line, and the page steps
        (rescaling to a letter height tuned on pages) made scanned book lines read worse.
        """
        data = self.data(Image.fromarray(gray), language, psm=7)
        page = page_from_data(data, index=index, language=language, size=gray.shape[::-1])
        return OcrResult(page=page, preprocessed=gray, steps={"single_line": True}, seconds=0.0)

    def _rotation(self, gray: np.ndarray) -> int:
        """Clockwise degrees that make the page upright, 0 when unsure."""
        found = self.orientation(Image.fromarray(gray))
        if found is None or found[1] < MIN_ORIENTATION_CONFIDENCE:
            return 0
        return found[0]

    def _read(
        self,
        gray: np.ndarray,
        language: str,
        *,
        index: int,
        dpi: float | None,
        rotation: int,
        steps: Steps,
    ) -> OcrResult:
        prepared = prepare_for_ocr(gray, dpi=dpi, rotation=rotation, steps=steps)
        declared = prepared.effective_dpi
        dpi_hint = round(declared) if declared else None
        data = self.data(
            Image.fromarray(prepared.image),
            language,
            dpi=dpi_hint,
            keep_noisy_rows=steps.keep_noisy_rows,
        )
        done: dict[str, Any] = {**prepared.steps, "keep_noisy_rows": steps.keep_noisy_rows}
        if steps.recover_lines or steps.fix_commas:
            text_height = _prepared_text_height(prepared.image, prepared.steps)
            if steps.recover_lines:
                recovered = 0
                if text_height is not None:
                    data, recovered = self._recover_lines(
                        prepared.image, data, language, text_height, dpi_hint
                    )
                done["recovered_lines"] = recovered
            if steps.fix_commas:
                data, fixed = _fix_commas(prepared.image, data, text_height)
                done["commas_fixed"] = fixed
        height, width = gray.shape
        page = page_from_data(
            data, index=index, language=language, to_page=prepared.to_page, size=(width, height)
        )
        return OcrResult(page=page, preprocessed=prepared.image, steps=done, seconds=0.0)

    def _recover_lines(
        self,
        image: np.ndarray,
        data: dict[str, list[Any]],
        language: str,
        text_height: float,
        dpi: int | None,
    ) -> tuple[dict[str, list[Any]], int]:
        """Read, one line at a time, the line-shaped ink the page reading skipped.

        Each region of `uncovered_text_regions` that does not continue a line already read
        (`continues_a_line`) is cropped with a margin, the words already read in the crop
        painted out, and read as a single line (``--psm 7``) at the scales of
        `RECOVER_SCALES`; the first reading whose mean confidence reaches
        `RECOVER_MIN_CONFIDENCE`, with at least two letters or digits, is kept. A reading
        far below that (under `RECOVER_GIVE_UP`) is not tried at other scales, at most
        `MAX_RECOVER_READS` readings are made per page, and a region Tesseract fails on is
        skipped. Kept lines are placed in reading order (`_insert_lines`). Returns the new
        columns and how many lines were added.
        """
        boxes = list(_word_rows(data).values())
        regions = uncovered_text_regions(image, boxes, text_height)
        read_lines = list(_line_boxes(data).values())
        pad = max(1, round(0.4 * text_height))
        lines: list[list[tuple[str, float, tuple[int, int, int, int]]]] = []
        reads = 0
        for x, y, w, h in regions:
            if continues_a_line((x, y, w, h), read_lines, text_height):
                continue
            x0, y0 = max(x - pad, 0), max(y - pad, 0)
            crop = _paint_out(image[y0 : y + h + pad, x0 : x + w + pad], boxes, (x0, y0))
            for factor in RECOVER_SCALES:
                if reads >= MAX_RECOVER_READS:
                    break
                reads += 1
                try:
                    words = self._read_line(crop, language, factor, dpi)
                except OcrFailedError:
                    break
                if not words:
                    continue
                mean = sum(conf for _, conf, _ in words) / len(words)
                signs = sum(ch.isalnum() for text, _, _ in words for ch in text)
                if mean >= RECOVER_MIN_CONFIDENCE and signs >= 2:
                    lines.append(
                        [
                            (text, conf, (left + x0, top + y0, width, height))
                            for text, conf, (left, top, width, height) in words
                        ]
                    )
                    break
                if mean < RECOVER_GIVE_UP:
                    break
        if not lines:
            return data, 0
        return _insert_lines(data, lines), len(lines)

    def _read_line(
        self, crop: np.ndarray, language: str, factor: float, dpi: int | None
    ) -> list[tuple[str, float, tuple[int, int, int, int]]]:
        """The words of one line image read at `factor` times its size, boxes in its pixels."""
        scaled = crop
        if factor != 1.0:
            interpolation = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
            scaled = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=interpolation)
        found = self.data(
            Image.fromarray(scaled),
            language,
            psm=7,
            dpi=round(dpi * factor) if dpi else None,
            keep_noisy_rows=True,
        )
        height, width = crop.shape[:2]
        words = []
        for text, conf, (left, top, w, h) in _words_of(found):
            x0, y0 = min(int(left / factor), width), min(int(top / factor), height)
            x1 = min(int(np.ceil((left + w) / factor)), width)
            y1 = min(int(np.ceil((top + h) / factor)), height)
            words.append((text, conf, (x0, y0, x1 - x0, y1 - y0)))
        return words


def cpu_time() -> float:
    """CPU seconds used so far by this process and its finished child processes (Tesseract).

    Children are counted when they end, so the difference around a reading includes the
    Tesseract processes it ran (and any other child another thread reaped meanwhile).
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _prepared_text_height(image: np.ndarray, steps: dict[str, Any]) -> float | None:
    """Letter-body height on the prepared image: measured before rescaling, or now."""
    measured = steps.get("text_height_px")
    if measured:
        return float(measured) * float(steps.get("scale", 1.0))
    return estimate_text_height(image)


def _is_word(data: dict[str, list[Any]], i: int) -> bool:
    raw = data["text"][i]
    return int(data["level"][i]) == 5 and raw is not None and bool(str(raw).strip())


def _box_of(data: dict[str, list[Any]], i: int) -> tuple[int, int, int, int]:
    return (
        int(data["left"][i]),
        int(data["top"][i]),
        int(data["width"][i]),
        int(data["height"][i]),
    )


def _line_key(data: dict[str, list[Any]], i: int) -> tuple[int, int, int]:
    """The (block, paragraph, line) numbers of row `i`: which line a word is on."""
    return int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i])


def _word_rows(data: dict[str, list[Any]]) -> dict[int, tuple[int, int, int, int]]:
    """Row index -> box of every non-empty word in Tesseract's columns."""
    return {i: _box_of(data, i) for i in range(len(data.get("text", []))) if _is_word(data, i)}


def _words_of(
    data: dict[str, list[Any]],
) -> list[tuple[str, float, tuple[int, int, int, int]]]:
    """(text, confidence, box) of every non-empty word, in Tesseract's order."""
    return [
        (str(data["text"][i]).strip(), float(data["conf"][i]), box)
        for i, box in _word_rows(data).items()
    ]


def _line_boxes(
    data: dict[str, list[Any]],
) -> dict[tuple[int, int, int], tuple[int, int, int, int]]:
    """(block, paragraph, line) -> box of the line's words, in Tesseract's reading order."""
    members: dict[tuple[int, int, int], list[tuple[int, int, int, int]]] = {}
    for i, box in _word_rows(data).items():
        members.setdefault(_line_key(data, i), []).append(box)
    return {key: union_box(boxes) for key, boxes in members.items()}


def _columns(
    line_box: dict[tuple[int, int, int], tuple[int, int, int, int]],
) -> dict[tuple[int, int, int], int]:
    """Line -> column number, for lines whose horizontal extents overlap, however chained.

    On a letter the full-width body lines overlap every short line (addressee, closing),
    so the page is one column; two columns of text never overlap and stay two.
    """
    keys = list(line_box)
    spans = sorted((line_box[k][0], line_box[k][0] + line_box[k][2], k) for k in keys)
    column: dict[tuple[int, int, int], int] = {}
    number, reach = -1, None
    for start, end, key in spans:  # a sweep: overlapping spans chain into one column
        if reach is None or start >= reach:
            number += 1
            reach = end
        reach = max(reach, end)
        column[key] = number
    return column


def _paint_out(
    crop: np.ndarray, boxes: Iterable[tuple[int, int, int, int]], origin: tuple[int, int]
) -> np.ndarray:
    """A copy of `crop` (taken at `origin` of the page) with the words already read in white.

    The crop's margin reaches into neighbouring words; reading them again would add
    fragments of them to the recovered line.
    """
    out = crop.copy()
    ox, oy = origin
    height, width = out.shape[:2]
    for x, y, w, h in boxes:
        x0, y0 = max(x - ox, 0), max(y - oy, 0)
        x1, y1 = min(x + w - ox, width), min(y + h - oy, height)
        if x0 < x1 and y0 < y1:
            out[y0:y1, x0:x1] = 255
    return out


def _insert_lines(
    data: dict[str, list[Any]],
    lines: list[list[tuple[str, float, tuple[int, int, int, int]]]],
) -> dict[str, list[Any]]:
    """Tesseract's columns with `lines` added as word rows, each in its own block.

    A new line goes among the lines of its column (`_columns`; all lines when it overlaps
    no column or several, as a centred heading may): before the first of them, in reading
    order, whose middle is lower on the page, or else after the last of them. The page
    text then reads top to bottom within each column.
    """
    keys = list(data)
    n = len(data.get("text", []))
    rows = [{k: data[k][i] for k in keys} for i in range(n)]
    line_box = _line_boxes(data)
    first_row: dict[tuple[int, int, int], int] = {}
    for i in _word_rows(data):
        first_row.setdefault(_line_key(data, i), i)
    order = sorted(first_row, key=first_row.__getitem__)
    columns = _columns(line_box)
    block = max((int(b) for b in data.get("block_num", [0])), default=0)
    inserts: dict[int, list[dict[str, Any]]] = {}
    for words in lines:
        block += 1
        x0, y0, w, h = union_box(box for _, _, box in words)
        middle = y0 + h / 2
        touched = {
            columns[k]
            for k in order
            if line_box[k][0] < x0 + w and x0 < line_box[k][0] + line_box[k][2]
        }
        column = [k for k in order if columns[k] in touched] if len(touched) == 1 else order
        below = [k for k in column if line_box[k][1] + line_box[k][3] / 2 > middle]
        if below:
            at = first_row[below[0]]
        elif column:
            after = order.index(column[-1]) + 1
            at = first_row[order[after]] if after < len(order) else n
        else:
            at = n
        new_rows = []
        for number, (text, conf, (left, top, width, height)) in enumerate(words, start=1):
            row: dict[str, Any] = dict.fromkeys(keys, 0)
            row.update(
                level=5,
                block_num=block,
                par_num=1,
                line_num=1,
                word_num=number,
                left=left,
                top=top,
                width=width,
                height=height,
                conf=conf,
                text=text,
            )
            new_rows.append(row)
        inserts.setdefault(at, []).extend(new_rows)
    merged: list[dict[str, Any]] = []
    for i in range(n + 1):
        merged.extend(inserts.get(i, []))
        if i < n:
            merged.append(rows[i])
    return {k: [row.get(k, 0) for row in merged] for k in keys}


def _fix_commas(
    image: np.ndarray, data: dict[str, list[Any]], text_height: float | None
) -> tuple[dict[str, list[Any]], int]:
    """Tesseract's columns with misread Persian commas put back (`arabic_comma_fixes`)."""
    rows = list(_word_rows(data))
    words = [(str(data["text"][i]).strip(), _box_of(data, i), _line_key(data, i)) for i in rows]
    fixes = arabic_comma_fixes(image, words, text_height)
    if not fixes:
        return data, 0
    text = list(data["text"])
    for position, corrected in fixes.items():
        text[rows[position]] = corrected
    return {**data, "text": text}, len(fixes)


def _as_gray(image: Image.Image | np.ndarray) -> np.ndarray:
    """A ``(h, w)`` uint8 luminance array of `image`."""
    if isinstance(image, Image.Image):
        if image.mode in ("RGBA", "LA", "PA") or (
            image.mode == "P" and "transparency" in image.info
        ):
            background = Image.new("RGB", image.size, (255, 255, 255))
            background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
            image = background
        return np.asarray(image.convert("L"), dtype=np.uint8)
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image array, got {arr.dtype}")
    if arr.ndim == 3 and arr.shape[2] in (3, 4):
        return np.asarray(Image.fromarray(arr[:, :, :3]).convert("L"), dtype=np.uint8)
    if arr.ndim != 2:
        raise ValueError(f"expected a (h, w) or (h, w, 3) array, got shape {arr.shape}")
    return arr


def _box_to_page(
    box: tuple[int, int, int, int],
    to_page: np.ndarray,
    size: tuple[int, int],
) -> tuple[int, int, int, int]:
    """Map an (x, y, w, h) box through the 2x3 affine `to_page`, clipped to the page."""
    x, y, w, h = box
    corners = np.array([[x, y, 1], [x + w, y, 1], [x, y + h, 1], [x + w, y + h, 1]], float)
    mapped = corners @ to_page.T
    width, height = size
    x0 = int(np.clip(np.floor(mapped[:, 0].min()), 0, width))
    y0 = int(np.clip(np.floor(mapped[:, 1].min()), 0, height))
    x1 = int(np.clip(np.ceil(mapped[:, 0].max()), 0, width))
    y1 = int(np.clip(np.ceil(mapped[:, 1].max()), 0, height))
    return x0, y0, max(x1 - x0, 0), max(y1 - y0, 0)


def page_from_data(
    data: dict[str, list[Any]],
    *,
    index: int,
    language: str,
    to_page: np.ndarray | None = None,
    size: tuple[int, int] | None = None,
) -> OcrPage:
    """An `OcrPage` from Tesseract's TSV columns.

    Lines are Tesseract's (block, paragraph, line) triples in its output order, which is the
    reading order; words keep Tesseract's order within a line. `to_page` maps boxes from the
    image Tesseract read back to the decoded page of `size` (width, height).
    """
    affine = to_page if to_page is not None else np.array([[1.0, 0, 0], [0, 1.0, 0]])
    bounds = size or (2**31 - 1, 2**31 - 1)
    words: list[OcrWord] = []
    line_keys: dict[tuple[int, int, int], int] = {}
    line_words: list[list[int]] = []
    for i, box in _word_rows(data).items():
        key = _line_key(data, i)
        if key not in line_keys:
            line_keys[key] = len(line_words)
            line_words.append([])
        conf = float(data["conf"][i])
        line_words[line_keys[key]].append(len(words))
        words.append(
            OcrWord(
                text=str(data["text"][i]).strip(),
                confidence=round(conf, 2) if conf >= 0 else None,
                box=_box_to_page(box, affine, bounds),
                line=line_keys[key],
                block=key[0],
            )
        )
    lines = tuple(
        OcrLine(
            index=n,
            box=union_box(words[w].box for w in members),
            text=" ".join(words[w].text for w in members),
            words=tuple(members),
        )
        for n, members in enumerate(line_words)
    )
    confidences = [w.confidence for w in words if w.confidence is not None]
    mean = round(sum(confidences) / len(confidences), 2) if confidences else None
    return OcrPage(
        index=index,
        language=language,
        text="\n".join(line.text for line in lines),
        words=tuple(words),
        lines=lines,
        mean_confidence=mean,
    )


_DEFAULT: Tesseract | None = None
_DEFAULT_LOCK = threading.Lock()


def default_engine() -> Tesseract:
    """The process-wide engine (binary from ``WORKBENCH_TESSERACT`` or ``PATH``)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Tesseract()
        return _DEFAULT


#: ISO 639-1 (or -3) claim codes to Tesseract models; see `language_for_claim`.
CLAIM_LANGUAGES: dict[str, str] = {
    "fa": "fas",
    "fas": "fas",
    "per": "fas",
    "prs": "fas",  # Dari is written and read like Persian
    "ar": "ara",
    "ara": "ara",
    "en": "eng",
    "eng": "eng",
    "ur": "urd",
    "urd": "urd",
    "ps": "pus",
    "pus": "pus",
    "ku": "kur",
    "ckb": "ckb",
    "kmr": "kmr",
    "ug": "uig",
    "sd": "snd",
    "fr": "fra",
    "de": "deu",
    "es": "spa",
    "ru": "rus",
    "tr": "tur",
    "az": "aze",
}
#: The language the workbench reads when nothing better is known: its documents are
#: mostly Persian letters.
FALLBACK_LANGUAGE = "fas"


def language_for_claim(claimed: str | None, engine: Tesseract | None = None) -> str:
    """The Tesseract language to read a document claimed to be in `claimed` (ISO 639).

    The rule: the claimed language's own model when it is known and installed (``fa`` ->
    ``fas``, ``ar`` -> ``ara``, ``en`` -> ``eng``, ``ur`` -> ``urd``...); otherwise, and when
    nothing is claimed, ``fas``. Persian is the fallback because the workbench's documents
    are mostly Persian letters and the ``fas`` model reads Arabic-script text of related
    languages (Urdu, Pashto, Dari) better than no text at all.
    """
    if not claimed:
        return FALLBACK_LANGUAGE
    model = CLAIM_LANGUAGES.get(claimed.strip().lower())
    if model is None:
        return FALLBACK_LANGUAGE
    if model == FALLBACK_LANGUAGE:
        return model
    return model if (engine or default_engine()).has_language(model) else FALLBACK_LANGUAGE
