"""The layers of ARCHITECTURE.md hold: no import runs up them, checks stay apart.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``) and are checked by
import-linter's ``lint-imports``, which follows indirect imports too; its report names the
import chain that breaks a contract.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lint_imports() -> str:
    beside = Path(sys.executable).with_name("lint-imports")
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    assert found, "lint-imports is missing: install the dev extra (bash scripts/dev.sh install)"
    return found


def test_import_contracts_are_kept() -> None:
    result = subprocess.run(
        [lint_imports(), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The three contracts of pyproject.toml were all checked, none skipped.
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_pure_modules_load_neither_opencv_nor_tesseract() -> None:
    # The acceptance of the layering: the text layer is plain Python, importable alone.
    code = (
        "import sys, workbench.text.script, workbench.geometry, workbench.model\n"
        "print(sorted({'cv2', 'pytesseract'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
