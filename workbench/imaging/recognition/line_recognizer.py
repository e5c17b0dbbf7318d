"""Reading text-line images with ParisaOCR's Persian recognizer, on the CPU.

The model (``parisaocr-fa-0.1.safetensors``) ships inside the ``parisaocr`` wheel, which
`scripts/dev.sh install` installs without its dependencies (Kraken, torchvision and a GPU
build of torch are not needed: the network is rebuilt in
`workbench.imaging.recognition.line_network`).
Its codec, input height and variant are read from the file's own metadata. The install also
exports the network to ONNX (`workbench.imaging.recognition.line_onnx`), which ONNX Runtime
reads without importing torch, seconds faster to load; torch reads it where there is no
export.

What the model expects, as Kraken prepares it for bounding-box lines: the line in RGB,
scaled to 96 px high with Lanczos, 16 white pixels added left and right, values in 0..1
inverted (ink high), and the batch padded on the right to a common width. The model was
trained on lines right-padded to 2,560 px; `pad_to` chooses how far lines are padded here
(the line benchmark measured the accuracy each width gives and what it costs).

The network writes characters in display order (left to right as printed); they are put in
reading order with the Unicode bidirectional algorithm (``python-bidi``), the base direction
being right to left unless Latin letters outnumber Arabic-script ones.
"""

from __future__ import annotations

import json
import struct
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import util
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from workbench.errors import ToolUnavailableError
from workbench.imaging.recognition.line_onnx import onnx_path, onnx_runtime_available
from workbench.runtime import library_threads

if TYPE_CHECKING:
    from collections.abc import Callable

    #: A network call: (N, 3, H, W) batch and real widths -> (N, steps, classes) logits and
    #: each line's steps.
    Network = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

#: The model file inside the ``parisaocr`` package.
MODEL_FILE = "models/parisaocr-fa-0.1.safetensors"
#: The network's backends: ONNX Runtime on the exported graph, or torch.
ONNX = "onnx"
TORCH = "torch"
#: White pixels added left and right of every line (Kraken's default).
SIDE_PADDING = 16
#: Lines are padded on the right to at least this width; 0 pads to the widest line of the
#: batch (rounded up to `WIDTH_STEP`). The model was trained on lines padded to 2,560, but it
#: masks padded columns: on the line benchmark padding to 2,560 read no better and cost 15%
#: more CPU than padding to the batch's widest.
DEFAULT_PAD_TO = 0
#: Batches are padded to a multiple of this many columns (see `LineRecognizer._batch`).
WIDTH_STEP = 256
#: Lines read in one network call at most (memory stays under a few hundred MB).
BATCH_LINES = 16
#: ZWNJ, which the model writes between letters of one word that do not join.
ZWNJ = "\u200c"
#: A stand-in for ZWNJ while the bidirectional algorithm runs: a neutral that stays in place.
_ZWNJ_STAND_IN = "\u00a6"

_INSTALL_HINT = (
    "the Persian line reader needs torch (CPU build), safetensors, python-bidi and the "
    "parisaocr model: run 'bash scripts/dev.sh install', or "
    "pip install torch==2.13.0 safetensors python-bidi && pip install --no-deps parisaocr"
)


@dataclass(frozen=True)
class RecognizedWord:
    """One word of a recognized line: its text (reading order), confidence and x-extent.

    ``x0``/``x1`` are columns of the line image that was read (CTC places each character at
    one column; a word spans from its first to its last character's column).
    """

    text: str
    confidence: float
    x0: int
    x1: int


@dataclass(frozen=True)
class RecognizedLine:
    """One line as the recognizer read it.

    ``text`` is in reading order; ``confidences`` are the per-character probabilities
    (0-1, in display order) whose mean, times 100, is ``confidence``; ``words`` are in
    reading order.
    """

    text: str
    confidence: float | None
    confidences: tuple[float, ...]
    words: tuple[RecognizedWord, ...] = ()

    @property
    def min_confidence(self) -> float | None:
        """The least certain character, 0-100 (None for an empty reading)."""
        return round(100 * min(self.confidences), 2) if self.confidences else None


def model_path() -> Path | None:
    """Where the ``parisaocr`` package keeps the recognizer, or None when it is not installed.

    The package is located without being imported (its own imports need Kraken).
    """
    spec = util.find_spec("parisaocr")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / MODEL_FILE
        if candidate.is_file():
            return candidate
    return None


def _torch_available() -> bool:
    return all(util.find_spec(name) is not None for name in ("torch", "safetensors"))


def reader_available() -> bool:
    """Whether the model file and the libraries to run it are installed.

    To run it: python-bidi, and ONNX Runtime with the model's export (`line_onnx.onnx_path`)
    or torch with safetensors.
    """
    path = model_path()
    if path is None or util.find_spec("bidi") is None:
        return False
    exported = onnx_runtime_available() and onnx_path(path).is_file()
    return exported or _torch_available()


def _round_up(width: int) -> int:
    """`width` rounded up to a multiple of `WIDTH_STEP`."""
    return -(-width // WIDTH_STEP) * WIDTH_STEP


def read_metadata(path: Path) -> dict[str, Any]:
    """The model's own description (codec, height, variant) from the safetensors header."""
    with path.open("rb") as handle:
        (size,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(size))
    meta = json.loads(header.get("__metadata__", {}).get("kraken_meta", "{}"))
    if len(meta) != 1:
        raise ToolUnavailableError(f"{path.name} does not describe exactly one model")
    (prefix, description) = next(iter(meta.items()))
    return {"prefix": prefix, **description}


def base_direction(text: str) -> str:
    """``"L"`` for a line with more Latin than Arabic-script letters, else ``"R"``."""
    latin = sum(1 for c in text if c.isalpha() and unicodedata.bidirectional(c) == "L")
    arabic = sum(1 for c in text if unicodedata.bidirectional(c) in ("R", "AL"))
    return "L" if latin > arabic else "R"


def to_reading_order(display: str) -> str:
    """A line written left to right as printed, in reading order (ZWNJ kept in place).

    The model names each glyph by its look: on a right-to-left line, the bracket printed at
    the right of ``[را]`` looks like ``]`` and opens it. Putting the line in reading order
    therefore also mirrors brackets and guillemets in right-to-left runs (rule L4 of the
    bidirectional algorithm). The Rust-backed ``bidi.get_display`` reorders without
    mirroring and turned every bracket of the scanned book lines around (``]را[``);
    python-bidi's pure-Python algorithm (``bidi.algorithm``, from which Kraken's own bidi
    code, used to train the model, was taken) mirrors.
    """
    from bidi.algorithm import get_display

    protected = display.replace(ZWNJ, _ZWNJ_STAND_IN)
    logical = get_display(protected, base_dir=base_direction(display))
    return str(logical).replace(_ZWNJ_STAND_IN, ZWNJ)


def prepare_line(gray: np.ndarray, height: int) -> np.ndarray:
    """A (height, w) float32 array of one line, scaled, side-padded and inverted (ink high)."""
    h, w = gray.shape[:2]
    width = max(1, int(w * height / max(h, 1)))
    scaled = Image.fromarray(gray).resize((width, height), Image.Resampling.LANCZOS)
    padded = np.full((height, width + 2 * SIDE_PADDING), 255, dtype=np.uint8)
    padded[:, SIDE_PADDING : SIDE_PADDING + width] = np.asarray(scaled)
    values = padded.astype(np.float32) / 255.0
    return np.asarray(values.max() - values, dtype=np.float32)


class LineRecognizer:
    """ParisaOCR's recognizer on the CPU: ``read(lines)`` for a batch of line images.

    Args:
        path: the safetensors file (default: the one in the installed ``parisaocr``).
        pad_to: width every line is padded to on the right (see `DEFAULT_PAD_TO`).
        threads: the runtime's intra-op threads. By default the thread policy's count
            (`workbench.runtime.library_threads`, one unless ``WORKBENCH_THREADS`` says
            otherwise), as Tesseract runs: parallelism comes from pages and documents, and
            on two busy cores torch's extra threads spent more time waiting than working.
        backend: `ONNX` (ONNX Runtime on the export `workbench.imaging.recognition.line_onnx`
            keeps) or `TORCH`; by default ONNX Runtime when the export is there. Both give
            the same characters; loading torch costs seconds more.

    Calls are serialised (one network, one lock).

    Raises:
        ToolUnavailableError: the model or a library to run it is missing.

    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        pad_to: int = DEFAULT_PAD_TO,
        threads: int | None = None,
        backend: str | None = None,
    ) -> None:
        found = path or model_path()
        if found is None or not reader_available():
            raise ToolUnavailableError(_INSTALL_HINT)
        self.path = found
        self.pad_to = pad_to
        meta = read_metadata(found)
        if meta.get("_model") != "PPOCRv6Model" or meta.get("variant") != "small":
            raise ToolUnavailableError(
                f"{found.name} is a {meta.get('_model')} {meta.get('variant')} model; only "
                "PP-OCRv6 'small' recognizers can be read"
            )
        self.height = int(meta["height"])
        self.labels = {int(v[0]): k for k, v in meta["codec"].items()}
        self.backend, self._network = self._load(found, meta, threads, backend)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LineRecognizer({self.path.name}, pad_to={self.pad_to}, {self.backend})"

    @staticmethod
    def _load(
        path: Path, meta: dict[str, Any], threads: int | None, backend: str | None
    ) -> tuple[str, Network]:
        """The network to call, and its backend: ONNX Runtime when its export is there."""
        count = threads if threads is not None else library_threads()
        exported = onnx_path(path)
        if backend is None:
            backend = ONNX if onnx_runtime_available() and exported.is_file() else TORCH
        if backend == ONNX:
            if not exported.is_file():
                raise ToolUnavailableError(
                    f"no ONNX export of {path.name}: run 'bash scripts/dev.sh install'"
                )
            try:
                from workbench.imaging.recognition.line_onnx import OnnxNetwork

                return ONNX, OnnxNetwork(exported, count)
            except Exception as exc:  # a damaged export or a broken ONNX Runtime
                if not _torch_available():
                    raise ToolUnavailableError(
                        f"the ONNX export of {path.name} does not load ({exc}): "
                        "run 'bash scripts/dev.sh install' again"
                    ) from exc
                backend = TORCH
        if not _torch_available():
            raise ToolUnavailableError(_INSTALL_HINT)
        import torch

        from workbench.imaging.recognition.line_network import load_network

        torch.set_num_threads(count)
        network = load_network(path, meta)

        def run(batch: np.ndarray, widths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            with torch.inference_mode():
                logits, lengths = network(torch.from_numpy(batch), torch.from_numpy(widths))
            return logits.numpy(), lengths.numpy()

        return TORCH, run

    def read(self, lines: Sequence[np.ndarray]) -> list[RecognizedLine]:
        """Read each (h, w) uint8 greyscale line image; one result per image, in order.

        Lines are sorted by width and read `BATCH_LINES` at a time, so short lines are not
        padded to the longest of the page.
        """
        prepared = [
            prepare_line(line, self.height) if line.size and line.shape[0] > 1 else None
            for line in lines
        ]
        results: list[RecognizedLine] = [RecognizedLine("", None, ())] * len(lines)
        order = sorted(
            (i for i, p in enumerate(prepared) if p is not None and float(p.max()) > 0),
            key=lambda i: prepared[i].shape[1],  # type: ignore[union-attr]
        )
        for start in range(0, len(order), BATCH_LINES):
            chunk = order[start : start + BATCH_LINES]
            images = [prepared[i] for i in chunk]
            originals = [lines[i] for i in chunk]
            for i, line in zip(chunk, self._batch(images, originals), strict=True):  # type: ignore[arg-type]
                results[i] = line
        return results

    def _batch(
        self, images: Sequence[np.ndarray], lines: Sequence[np.ndarray]
    ) -> list[RecognizedLine]:
        widths = [img.shape[1] for img in images]
        # Widths rounded up to a multiple of WIDTH_STEP: the runtime prepares its kernels once
        # per input shape, and a handful of shapes are reused from line to line and page to page.
        width = _round_up(max(max(widths), self.pad_to))
        batch = np.zeros((len(images), 3, self.height, width), dtype=np.float32)
        for k, img in enumerate(images):
            batch[k, :, :, : img.shape[1]] = img
        with self._lock:
            logits, lengths = self._network(batch, np.asarray(widths, dtype=np.int64))
        labels = logits.argmax(axis=2)
        # The most likely class's probability: 1 / sum(exp(logit - its maximum)).
        best = 1.0 / np.exp(logits - logits.max(axis=2, keepdims=True)).sum(axis=2)
        scale = width / max(int(logits.shape[1]), 1)
        return [
            self._decode(
                labels[k, : int(n)].tolist(),
                best[k, : int(n)].tolist(),
                (scale, lines[k].shape[0] / self.height),
            )
            for k, n in enumerate(lengths.tolist())
        ]

    def _decode(
        self, labels: list[int], best: list[float], scale: tuple[float, float]
    ) -> RecognizedLine:
        """Greedy CTC decoding: collapse repeats, drop blanks, keep each character's best.

        `scale` is (input columns per output step, line-image pixels per input pixel), to
        place each character at a column of the line image.
        """
        chars: list[tuple[str, float, int]] = []
        previous = 0
        for step, (label, p) in enumerate(zip(labels, best, strict=True)):
            if label != previous and label != 0:
                column = (step + 0.5) * scale[0] - SIDE_PADDING
                chars.append((self.labels.get(label, ""), p, max(0, round(column * scale[1]))))
            elif label == previous and label != 0:
                text, q, column_at = chars[-1]
                chars[-1] = (text, max(p, q), column_at)
            previous = label
        confidences = tuple(round(p, 4) for ch, p, _ in chars if not ch.isspace())
        if not confidences:
            return RecognizedLine("", None, ())
        words = _words(chars)
        if base_direction("".join(ch for ch, _, _ in chars)) == "R":
            words.reverse()
        mean = round(100 * sum(confidences) / len(confidences), 2)
        text = " ".join(w.text for w in words)
        return RecognizedLine(text, mean, confidences, tuple(words))


def _words(chars: Sequence[tuple[str, float, int]]) -> list[RecognizedWord]:
    """The space-separated words of a display-order line, left to right, each in reading order."""
    words: list[RecognizedWord] = []
    current: list[tuple[str, float, int]] = []
    for item in [*chars, (" ", 0.0, 0)]:
        if not item[0].isspace():
            current.append(item)
            continue
        if current:
            display = "".join(ch for ch, _, _ in current)
            words.append(
                RecognizedWord(
                    to_reading_order(display),
                    round(100 * sum(p for _, p, _ in current) / len(current), 2),
                    min(c for _, _, c in current),
                    max(c for _, _, c in current),
                )
            )
        current = []
    return words


_SHARED: dict[int, LineRecognizer] = {}
_SHARED_LOCK = threading.Lock()


def shared_recognizer(pad_to: int = DEFAULT_PAD_TO) -> LineRecognizer:
    """One recognizer per process and padding (loading the weights once)."""
    with _SHARED_LOCK:
        if pad_to not in _SHARED:
            _SHARED[pad_to] = LineRecognizer(pad_to=pad_to)
        return _SHARED[pad_to]
