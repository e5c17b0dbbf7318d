"""The second reader on ONNX Runtime: the same readings as on torch, without importing torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from tests.support.text_pages import LETTER_LINES, render_page
from workbench.imaging.recognition.line_network import LineNetwork
from workbench.imaging.recognition.line_onnx import (
    COLUMNS_PER_STEP,
    onnx_path,
    onnx_runtime_available,
    step_lengths,
)
from workbench.imaging.recognition.line_recognizer import (
    ONNX,
    TORCH,
    LineRecognizer,
    model_path,
    reader_available,
)

LINES = Path(__file__).resolve().parents[4] / "shared" / "data" / "ocr-real-lines"


def _exported() -> bool:
    path = model_path()
    return path is not None and onnx_runtime_available() and onnx_path(path).is_file()


pytestmark = pytest.mark.skipif(
    not reader_available() or not _exported(),
    reason="the second reader or its ONNX export is not installed (bash scripts/dev.sh install)",
)


def line_images() -> list[np.ndarray]:
    """Rendered letter lines and, where they are beside the project, scanned book lines."""
    images = []
    for text in LETTER_LINES[:3]:
        page = np.asarray(render_page([text], size=40, width=1400, margin=40).convert("L"))
        rows = np.flatnonzero((page < 128).any(axis=1))
        cols = np.flatnonzero((page < 128).any(axis=0))
        images.append(page[rows[0] - 10 : rows[-1] + 10, cols[0] - 10 : cols[-1] + 10])
    for folder in ("fa-print-dev", "ar-print-dev"):
        for png in sorted((LINES / folder).glob("*.png"))[:3]:
            with Image.open(png) as img:
                images.append(np.asarray(img.convert("L")))
    return images


def test_the_export_is_read_by_default() -> None:
    assert LineRecognizer().backend == ONNX


def test_both_backends_read_the_same_characters() -> None:
    images = line_images()
    onnx = LineRecognizer(backend=ONNX).read(images)
    reference = LineRecognizer(backend=TORCH).read(images)
    assert all(line.text for line in onnx)
    for a, b in zip(onnx, reference, strict=True):
        assert a.text == b.text
        assert a.words == b.words
        assert a.confidence == pytest.approx(b.confidence, abs=0.02)


def test_an_export_that_does_not_load_leaves_the_reader_on_torch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import workbench.imaging.recognition.line_onnx as line_onnx

    def damaged(*args: object) -> None:
        raise RuntimeError("INVALID_PROTOBUF: the file is damaged")

    monkeypatch.setattr(line_onnx, "OnnxNetwork", damaged)
    reader = LineRecognizer(backend=ONNX)
    assert reader.backend == TORCH
    assert all(line.text for line in reader.read(line_images()[:1]))


def test_reading_with_the_export_does_not_import_torch() -> None:
    code = (
        "import sys, numpy as np\n"
        "from workbench.imaging.recognition.line_recognizer import LineRecognizer\n"
        "line = np.full((40, 300), 255, dtype=np.uint8); line[15:25, 40:260] = 0\n"
        "LineRecognizer().read([line])\n"
        "print('torch' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert done.stdout.strip() == "False"


def test_step_lengths_are_the_networks_own() -> None:
    network = LineNetwork(classes=5).eval()
    widths = np.array([512, 300, 17, 1])
    with torch.inference_mode():
        _, lengths = network(torch.zeros(4, 3, 96, 512), torch.from_numpy(widths))
    assert step_lengths(widths, 512).tolist() == lengths.tolist()
    assert step_lengths(widths, 512).max() == 512 // COLUMNS_PER_STEP
