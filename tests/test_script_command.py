from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each call starts the command (a few seconds)

WORKBENCH = Path(sys.executable).with_name("workbench")


def run(*args: str, stdin: bytes | None = None) -> list[dict[str, object]]:
    cmd = [str(WORKBENCH)] if WORKBENCH.exists() else [sys.executable, "-m", "workbench"]
    done = subprocess.run(
        [*cmd, "script", *args], input=stdin, capture_output=True, check=True, timeout=120
    )
    return [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]


def test_argument() -> None:
    (item,) = run("این نامه برای اطلاع شما ارسال می‌شود")
    assert set(item) == {"text", "script", "language", "confidence", "digits"}
    assert item["script"] == "Arabic" and item["language"] == "fa"
    assert item["digits"] == {"persian": 0, "arabic_indic": 0, "western": 0}


def test_stdin_lines_one_object_each_in_order() -> None:
    lines = [
        "يسرنا أن نعلمكم بأن الاجتماع السنوي سيعقد يوم الخميس",
        "یہ خط آپ کی اطلاع کے لیے بھیجا جا رہا ہے",
        "۱۳۸۰/۰۲/۲۴",
        "",
        "The letter was sent to the ministry last week",
        "شماره ۱۲۳ و ١٥",
    ]
    stdin = ("\r\n".join(lines) + "\n").encode("utf-8") + b"\xff\xfe broken bytes\n"
    items = run(stdin=stdin)
    assert [i["text"] for i in items[:-1]] == lines
    assert [i["language"] for i in items[:6]] == ["ar", "ur", "und", "und", "en", "fa"]
    assert items[2]["digits"] == {"persian": 8, "arabic_indic": 0, "western": 0}
    assert items[5]["digits"] == {"persian": 3, "arabic_indic": 2, "western": 0}
    assert "\ufffd" in str(items[6]["text"])  # undecodable bytes replaced, not a crash


def test_evidence_option() -> None:
    (item,) = run("--evidence", "هذا الكتاب")
    assert item["language"] == "ar"
    assert item["orthography"] == "arabic"
    signals = {e["signal"] for e in item["evidence"]}  # type: ignore[attr-defined]
    assert "arabic_yeh_kaf" in signals
