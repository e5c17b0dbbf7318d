"""What ``workbench check`` imports before a document's analysis starts.

Everything imported before the analysis is imported on one core with nothing else running,
so the command imports what the chosen checks need to run, and the checks that run beside
the page's reading (``forensics``, ``layout``) import their methods when they run. Each case
runs a fresh interpreter, as a user's command does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

LETTER = Path(__file__).resolve().parents[1] / "samples" / "questioned" / "letter_1380-02-24.jpg"
COMMAND = [sys.executable, "-X", "importtime", "-m", "workbench"]
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def test_a_few_chosen_checks_do_not_import_the_ocr_layer() -> None:
    """``--only file`` asks Tesseract nothing and imports neither the OCR layer nor OpenCV."""
    done = subprocess.run(
        [*COMMAND, "check", str(LETTER), "--only", "file", "--format", "json"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["checks"][0]["name"] == "file"
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "workbench.registry" in imported  # the measure sees the command's imports
    assert not {"workbench.ocr", "workbench.ocr.probe", "cv2"} & imported


def test_discovering_every_check_leaves_the_beside_checks_methods_for_their_run() -> None:
    code = (
        "import json, sys\n"
        "from workbench.registry import discover\n"
        "print(json.dumps([discover().names(), sorted(sys.modules)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=ENV, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names, modules = json.loads(done.stdout)
    assert {"forensics", "layout"} <= set(names)
    assert "workbench_checks.forensics.check" in modules
    deferred = {
        "workbench.imaging.forensic.tamper",
        "workbench.imaging.forensic.calibration",
        "workbench.imaging.forensic.dq_map",
        "workbench_checks.layout.exemplars",
        "workbench_checks.layout.line_compare",
    }
    assert not deferred & set(modules)
