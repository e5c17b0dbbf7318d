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
  The limit is put in the environment of every Tesseract process (`tesseract_environment`)
  unless the user set one; this process's own environment is left as it is.
- Word order within a line is Tesseract's, which is the logical (reading) order: right to left
  for Persian and Arabic, with embedded left-to-right runs kept in their own order.
- Boxes are always in pixels of the decoded page, whatever the preprocessing did (rotation,
  deskew, rescaling): each box is mapped back through the inverse transform
  (`workbench.ocr.tsv.page_from_data`).
- After the page is read, line-shaped ink that no word box covers is read again line by
  line, and misread Persian commas are restored
  (`workbench.imaging.recognition.ocr_postprocess`): both repair Tesseract's page analysis, not its
  model, and both are measured steps that `Steps` can turn off.
"""

from __future__ import annotations

import importlib
import importlib.abc
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import ItemsView, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from PIL import Image

from workbench.errors import ToolUnavailableError
from workbench.imaging.recognition.ocr_preprocess import (
    DEFAULT_STEPS,
    Steps,
    estimate_text_height,
    looks_like_one_line,
    looks_sideways,
    prepare_for_ocr,
)
from workbench.ocr.activity import cpu_time, tesseract_running
from workbench.ocr.image_files import PNM_MODES, pnm_file
from workbench.ocr.model import OcrFailedError, OcrPage, OcrResult
from workbench.ocr.recovery import recover_lines
from workbench.ocr.regions import stack_regions
from workbench.ocr.tsv import fix_commas, page_from_data


class _NoPandasForPytesseract(importlib.abc.MetaPathFinder):
    """Refuses ``import pandas`` to pytesseract's own module code, and to nothing else."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            frame = sys._getframe(1)
            while frame is not None:
                if frame.f_globals.get("__name__") == "pytesseract.pytesseract":
                    raise ModuleNotFoundError("pandas is not used through pytesseract")
                frame = frame.f_back  # type: ignore[assignment]
        return None


def _import_pytesseract() -> ModuleType:
    """pytesseract, imported without pandas.

    pytesseract imports pandas whenever it is installed (Streamlit brings it) for a
    DataFrame output never used here: 1.45 s of the 3.1 s before ``workbench --help``
    answered on a loaded machine. A finder refuses pandas to pytesseract's own code only
    (another thread importing pandas meanwhile is not affected).
    """
    if "pytesseract" in sys.modules or "pandas" in sys.modules:
        return importlib.import_module("pytesseract")
    finder = _NoPandasForPytesseract()
    sys.meta_path.insert(0, finder)
    try:
        return importlib.import_module("pytesseract")
    finally:
        sys.meta_path.remove(finder)


pytesseract = _import_pytesseract()


#: The oldest Tesseract whose LSTM models we rely on.
MIN_VERSION = (4, 1)
#: Seconds one page may take before Tesseract is stopped.
DEFAULT_TIMEOUT_S = 180
#: A first reading with a lower mean word confidence triggers orientation detection.
RETRY_BELOW = 50.0
#: Orientation detection below this confidence is ignored.
MIN_ORIENTATION_CONFIDENCE = 2.0
#: Percentile of a page's grey levels taken as its paper tone (text is a small dark share).
PAPER_PERCENTILE = 90
#: The steps of a reading of chosen regions (`Tesseract.recognize_regions`): the page's,
#: without reading again, line by line, ink the stacked reading skipped (`recover_lines`).
#: The regions are lines a page reading already found; on the script benchmark's 21 pages
#: that recovery cost up to three more Tesseract processes a page and changed no line's
#: evidence (`benchmarks/RESULTS.md`, "Cost of the ocr and script checks' Tesseract
#: readings").
REGION_STEPS = replace(DEFAULT_STEPS, recover_lines=False)
#: Debian package holding each language's data, for the error message.
_PACKAGE = "tesseract-ocr-{}"
_VERSION = re.compile(r"tesseract\s+v?(\d+)\.(\d+)(?:\.(\d+))?", re.IGNORECASE)
_LANG_PART = re.compile(r"^[A-Za-z_]+$")
# pytesseract keeps the binary's path in a module global; engines with their own binary
# swap it under this lock.
_COMMAND_LOCK = threading.Lock()


class _TesseractEnvironment(Mapping[str, str]):
    """The environment of Tesseract processes: this process's, with the thread limit.

    A live view of ``os.environ`` (a variable set later still reaches Tesseract) with
    ``OMP_THREAD_LIMIT=1`` added unless the user set a limit of their own.
    """

    def _current(self) -> dict[str, str]:
        current = dict(os.environ)
        current.setdefault("OMP_THREAD_LIMIT", "1")
        return current

    def __getitem__(self, key: str) -> str:
        return self._current()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())

    def items(self) -> ItemsView[str, str]:
        """All variables at once (what `subprocess` reads), built once, not per key."""
        return self._current().items()


def tesseract_environment() -> Mapping[str, str]:
    """The environment a Tesseract process runs with: this one's, single-threaded."""
    return _TESSERACT_ENVIRONMENT


_TESSERACT_ENVIRONMENT = _TesseractEnvironment()
# pytesseract starts every Tesseract process with its module's ``environ`` (it takes no
# environment argument): give it the view with the thread limit.
pytesseract.pytesseract.environ = _TESSERACT_ENVIRONMENT


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
                [self.path, *args],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
                env=tesseract_environment(),
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

    def _call(self, function: Any, image: Image.Image | str, **kwargs: Any) -> Any:
        """Call a pytesseract function on an image or image file; map failures to our errors.

        An image in a mode PNM holds (grey, RGB, bilevel) is handed to Tesseract as an
        uncompressed PNM file (`pnm_file`) rather than the PNG pytesseract would compress.
        """
        if isinstance(image, Image.Image) and image.mode in PNM_MODES:
            with pnm_file(image) as path, tesseract_running():
                return self._call_tesseract(function, path, **kwargs)
        with tesseract_running():
            return self._call_tesseract(function, image, **kwargs)

    def _call_tesseract(self, function: Any, image: Image.Image | str, **kwargs: Any) -> Any:
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
        orientation: bool = True,
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
            orientation: whether orientation detection may run (off when the page is
                known to be upright).

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
        if preprocess and orientation and looks_sideways(gray):
            osd_runs += 1
            rotation = self._rotation(gray)
        result = self._read(gray, language, index=index, dpi=dpi, rotation=rotation, steps=steps)
        confidence = result.page.mean_confidence
        if (
            preprocess
            and orientation
            and osd_runs == 0
            and (confidence is None or confidence < RETRY_BELOW)
        ):
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

    def recognize_regions(
        self,
        image: Image.Image | np.ndarray,
        language: str,
        boxes: Sequence[tuple[int, int, int, int]],
        *,
        index: int = 0,
        dpi: float | None = None,
    ) -> OcrResult:
        """Read only the regions `boxes` (``(x, y, w, h)``, page pixels) of one upright page.

        For evidence wanted on a few lines of a page already read once. Each region (widened
        by a third of its height for dots a line box may cut) keeps its band of rows, the
        rest of the band painted with the paper tone; the bands are stacked with blank gaps,
        so Tesseract's cost follows these lines, not the page. The stack is read as
        `recognize` reads a page, without orientation detection (the page is upright) and
        without the recovery of skipped ink (`REGION_STEPS`): one Tesseract process. Every
        box is moved back to page pixels. With no boxes nothing is read.
        """
        gray = _as_gray(image)
        if not boxes:
            page = OcrPage(index, language, "", (), (), None)
            return OcrResult(page=page, preprocessed=gray, steps={"regions": 0}, seconds=0.0)
        stack, offsets = stack_regions(gray, boxes, PAPER_PERCENTILE)
        result = self.recognize(
            stack, language, index=index, dpi=dpi, steps=REGION_STEPS, orientation=False
        )

        def to_page(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
            middle = box[1] + box[3] / 2
            start, _, page_top = min(offsets, key=lambda o: _distance(middle, o[0], o[1]))
            return (box[0], box[1] - start + page_top, box[2], box[3])

        page = replace(
            result.page,
            words=tuple(replace(w, box=to_page(w.box)) for w in result.page.words),
            lines=tuple(replace(ln, box=to_page(ln.box)) for ln in result.page.lines),
        )
        return replace(result, page=page, steps={**result.steps, "regions": len(boxes)})

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
                    data, recovered = recover_lines(
                        self, prepared.image, data, language, text_height, dpi_hint
                    )
                done["recovered_lines"] = recovered
            if steps.fix_commas:
                data, fixed = fix_commas(prepared.image, data, text_height)
                done["commas_fixed"] = fixed
        height, width = gray.shape
        page = page_from_data(
            data, index=index, language=language, to_page=prepared.to_page, size=(width, height)
        )
        return OcrResult(page=page, preprocessed=prepared.image, steps=done, seconds=0.0)


def _distance(value: float, low: int, high: int) -> float:
    """How far `value` lies outside ``[low, high)`` (0 inside)."""
    return max(0.0, low - value, value - high)


def _prepared_text_height(image: np.ndarray, steps: dict[str, Any]) -> float | None:
    """Letter-body height on the prepared image: measured before rescaling, or now."""
    measured = steps.get("text_height_px")
    if measured:
        return float(measured) * float(steps.get("scale", 1.0))
    return estimate_text_height(image)


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


_DEFAULT: Tesseract | None = None
_DEFAULT_LOCK = threading.Lock()


def default_engine() -> Tesseract:
    """The process-wide engine (binary from ``WORKBENCH_TESSERACT`` or ``PATH``)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Tesseract()
        return _DEFAULT
