"""What the app's browser tests share: Chromium, the app served over a fresh store, an upload.

The tests drive ``workbench app`` in headless Chromium through Playwright; every wait is long
(a loaded machine) and none is timed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The app's root while no script run is in progress: the page has settled.
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
SCREENSHOTS = Path(os.environ.get("WORKBENCH_SCREENSHOTS", ROOT / "out" / "screenshots"))


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, seconds: float = 120) -> None:
    """Wait until the app at `url` answers its health check; fail the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the app did not become healthy within {seconds:g} s")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``workbench app`` over an empty store in `tmp_path`, without the samples; its URL."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed (scripts/dev.sh installs Debian's chromium)")
    port = free_port()
    env = {**os.environ, "WORKBENCH_STORE": str(tmp_path / "store")}
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "workbench", "app", "--no-seed"),
            *("--port", str(port), "--store", str(tmp_path / "store")),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
        start_new_session=True,  # the app and the queue's worker, ended together below
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        yield url
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def idle(page: Any) -> None:
    """Wait until the page has settled after an action (the app's script run has ended)."""
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE)


def upload(page: Any, files: Sequence[Path], *, claimed_date: str | None = None) -> None:
    """On the Analyse page, choose `files` (and the date claimed) and press Analyse."""
    page.get_by_role("link", name="Analyse").click()
    idle(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(
        [str(f) for f in files]
    )
    idle(page)
    if claimed_date is not None:
        page.get_by_label("Date the document bears (YYYY-MM-DD)", exact=True).fill(claimed_date)
        page.keyboard.press("Enter")
        idle(page)
    page.get_by_role("button", name="Analyse", exact=True).click()
