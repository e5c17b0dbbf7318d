"""The command line as a user runs it: a real subprocess, real files, real exit codes."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from tests.support.fixtures import letter_image, write_png_bomb
from workbench.serialize import validate_report

WORKBENCH = [sys.executable, "-m", "workbench"]


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command line; `check` runs only the cheap `file` check unless told otherwise."""
    argv = [str(a) for a in args]
    if argv and argv[0] == "check" and "--only" not in argv:
        argv += ["--only", "file"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [*WORKBENCH, *argv], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


@pytest.fixture
def bad_inputs(tmp_path: Path) -> dict[str, Path]:
    bad = tmp_path / "bad"
    bad.mkdir()
    empty = bad / "empty.jpg"
    empty.write_bytes(b"")
    text = bad / "text.jpg"
    text.write_text("not an image\n", encoding="utf-8")
    bomb = bad / "bomb.png"
    write_png_bomb(bomb, 30000, 30000)
    plain = tmp_path / "plain.pdf"
    letter_image(200, 200).save(plain)
    encrypted = bad / "encrypted.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(encrypted, encryption=pikepdf.Encryption(user="pw", owner="pw2"))
    corrupt = bad / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n%%EOF garbage")
    directory = bad / "folder"
    directory.mkdir()
    return {
        "empty": empty,
        "text": text,
        "bomb": bomb,
        "encrypted": encrypted,
        "corrupt": corrupt,
        "directory": directory,
        "missing": bad / "missing.png",
    }


def test_json_report_validates(jpeg_letter: Path) -> None:
    result = run("check", jpeg_letter, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    validate_report(report)
    assert report["document"]["media_type"] == "image/jpeg"
    assert report["results"]["file"]["sha256"] == report["document"]["sha256"]


def test_several_paths_give_an_array(jpeg_letter: Path, png_letter: Path) -> None:
    result = run("check", jpeg_letter, png_letter, "--format", "json")
    assert result.returncode == 0
    reports = json.loads(result.stdout)
    assert [r["document"]["media_type"] for r in reports] == ["image/jpeg", "image/png"]
    for r in reports:
        validate_report(r)


def test_bad_inputs_fail_one_line_each_while_good_ones_are_reported(
    jpeg_letter: Path, png_letter: Path, bad_inputs: dict[str, Path]
) -> None:
    paths = [jpeg_letter, *bad_inputs.values(), png_letter]
    result = run("check", *paths, "--format", "json")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len(bad_inputs), result.stderr
    for name, path in bad_inputs.items():
        (line,) = [ln for ln in lines if str(path) in ln]
        assert line.startswith("workbench: error: "), (name, line)
    joined = result.stderr
    assert "empty" in joined and "cannot be opened" in joined and "rename it to .txt" in joined
    assert "30000x30000" in joined and "password" in joined and "directory" in joined
    assert "no such file" in joined
    reports = json.loads(result.stdout)
    assert [Path(r["document"]["path"]).name for r in reports] == ["letter.jpg", "letter.png"]


def test_truncated_jpeg_is_reported_from_its_recovered_part(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    letter_image(600, 800).save(buffer, format="JPEG")
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(buffer.getvalue()[:5000])
    result = run("check", truncated, "--only", "file,metadata,compression", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    (finding,) = [f for f in report["findings"] if f["code"] == "file.partly_decoded"]
    assert "truncated" in finding["detail"]
    assert report["document"]["pages"][0]["width"] == 600


def test_jpeg_cut_before_its_pixels_is_reported_from_its_bytes(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    letter_image(600, 800).save(buffer, format="JPEG", quality=80)
    header_only = tmp_path / "header-only.jpg"
    header_only.write_bytes(buffer.getvalue()[:300])
    result = run(
        "check", header_only, "--only", "file,metadata,compression,forensics", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    validate_report(report)
    assert report["document"]["pages"] == []
    codes = [f["code"] for f in report["findings"]]
    assert "file.not_decoded" in codes
    status = {c["name"]: c["status"] for c in report["checks"]}
    assert status == {"file": "ok", "metadata": "ok", "compression": "ok", "forensics": "skipped"}


def test_a_document_over_the_memory_budget_is_one_line_and_the_others_go_on(
    jpeg_letter: Path, png_letter: Path, tmp_path: Path
) -> None:
    # a 20,000 x 20,000 page (allowed by --max-pixels) is 1.2 GB as RGB: past a budget of
    # 1 GiB of address space whatever the interpreter and its libraries take of it
    large = tmp_path / "large.png"
    write_png_bomb(large, 20_000, 20_000)
    result = run(
        *("check", jpeg_letter, large, png_letter, "--format", "json"),
        *("--max-memory-bytes", str(2**30), "--max-pixels", str(400_000_000)),
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"workbench: error: {large}") and "1,024 MiB" in line, line
    reports = json.loads(result.stdout)
    assert [Path(r["document"]["path"]).name for r in reports] == ["letter.jpg", "letter.png"]


def test_text_output_and_out_folder(jpeg_letter: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("check", jpeg_letter, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "image/jpeg" in result.stdout and "file ok" in result.stdout
    (folder,) = out.iterdir()
    validate_report(json.loads((folder / "report.json").read_text("utf-8")))
    html = (folder / "report.html").read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "data:image/jpeg;base64," in html


def test_html_escapes_document_strings(tmp_path: Path) -> None:
    path = tmp_path / "<script>alert(1)<%2Fscript>.png"
    letter_image(300, 300).save(path)
    claims = tmp_path / "claims.json"
    claims.write_text(
        json.dumps({"author": "<img src=x onerror=alert(1)>", "language": "fa"}), encoding="utf-8"
    )
    result = run("check", path, "--format", "html", "--claims", claims)
    assert result.returncode == 0, result.stderr
    assert "<script>alert" not in result.stdout and "<img src=x" not in result.stdout
    assert "&lt;script&gt;alert(1)" in result.stdout
    assert "&lt;img src=x onerror=alert(1)&gt;" in result.stdout
    # Self-contained: nothing is loaded from outside the file.
    assert not re.findall(r'(?:src|href)="(?!data:)', result.stdout)


def test_extension_mismatch_reported(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    letter_image(1300, 1300).save(path, format="JPEG")
    result = run("check", path)
    assert result.returncode == 0
    assert "file.extension_mismatch" in result.stdout


def test_usage_errors_exit_2(jpeg_letter: Path, tmp_path: Path) -> None:
    assert run("check", jpeg_letter, "--only", "nonesuch").returncode == 2
    assert run("check").returncode == 2
    assert run("check", jpeg_letter, "--format", "pdf").returncode == 2
    bad_claims = tmp_path / "claims.json"
    bad_claims.write_text('{"date": "14 May 2001"}', encoding="utf-8")
    result = run("check", jpeg_letter, "--claims", bad_claims)
    assert result.returncode == 2 and "ISO 8601" in result.stderr
    missing = run("check", jpeg_letter, "--claims", tmp_path / "nope.json")
    assert missing.returncode == 2 and "not found" in missing.stderr
    assert "Traceback" not in result.stderr + missing.stderr


def test_claims_are_carried_into_the_report(jpeg_letter: Path, tmp_path: Path) -> None:
    claims = tmp_path / "claims.json"
    claims.write_text(
        json.dumps(
            {
                "date": "2001-05-14",
                "author": "نام امضاکننده",
                "language": "fa",
                "source": "a magazine",
            }
        ),
        encoding="utf-8",
    )
    report = json.loads(run("check", jpeg_letter, "--claims", claims, "--format", "json").stdout)
    assert report["claims"] == {
        "date": "2001-05-14",
        "author": "نام امضاکننده",
        "language": "fa",
        "source": "a magazine",
    }


def test_checks_lists_file_check() -> None:
    result = run("checks")
    assert result.returncode == 0
    assert result.stdout.startswith("file 1  File identity")
    data = json.loads(run("checks", "--format", "json").stdout)
    (file_check,) = [c for c in data["checks"] if c["name"] == "file"]
    assert file_check["version"] == "1" and "SHA-256" in file_check["explanation"]


def test_bad_exemplar_is_reported_and_analysis_goes_on(jpeg_letter: Path, tmp_path: Path) -> None:
    result = run("check", jpeg_letter, "--reference", tmp_path / "missing.png")
    assert result.returncode == 1
    assert "exemplar" in result.stderr and "no such file" in result.stderr
    assert "image/jpeg" in result.stdout


def test_limits_on_the_command_line(png_letter: Path) -> None:
    result = run("check", png_letter, "--max-pixels", "1000")
    assert result.returncode == 1 and "--max-pixels" in result.stderr


def test_help_mentions_every_documented_option() -> None:
    text = run("check", "--help").stdout
    for option in ("--reference", "--claims", "--only", "--format", "--out"):
        assert option in text
