"""The package as users get it: the wheel's contents, its entry points, the Dockerfile."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (path,) = out.glob("workbench-*.whl")
    return path


@pytest.mark.slow
def test_wheel_contains_checks_contract_and_templates(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "workbench_checks/file.py" in names
    assert "workbench/contract/report.schema.json" in names
    assert "workbench/export/templates/summary.html" in names
    assert not any(n.startswith(("checks/", "tests/", "samples/")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "file = workbench_checks.file:FileCheck" in text


@pytest.mark.slow
def test_wheel_contains_every_package_folder(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in (ROOT / "workbench").rglob("*"):
        if folder.is_dir() and folder.name != "__pycache__":
            files = [f for f in folder.iterdir() if f.is_file() and f.suffix != ".pyc"]
            for f in files:
                assert f.relative_to(ROOT).as_posix() in names, f


@pytest.mark.slow
def test_wheel_install_finds_builtin_checks(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    probe = (
        "import workbench, workbench_checks.file as f; from workbench.registry import discover;"
        "r = discover(); c = r.get('file');"
        "print(workbench.__file__); print(f.__file__); print(c.__module__)"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    )
    pkg, module, check_module = result.stdout.split()
    assert pkg.startswith(str(target)) and module.startswith(str(target))
    assert check_module == "workbench_checks.file"


def test_editable_install_finds_builtin_checks() -> None:
    import workbench_checks.file

    from workbench.registry import discover

    assert Path(workbench_checks.file.__file__).resolve() == ROOT / "checks" / "file.py"
    assert discover().get("file") is workbench_checks.file.FileCheck


def test_dockerfile_lints_clean() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.fail("hadolint is not installed (it is part of the dev extra)")
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_uses_the_ci_install_script() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "bash scripts/dev.sh install" in text
    assert "bash scripts/dev.sh test" in (ROOT / ".ci" / "run").read_text()
