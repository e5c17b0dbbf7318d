"""How soon the app's queue shows an upload's first findings, and how long the whole analysis takes.

The questioned sample is submitted to the queue of a fresh store (the app's `JobQueue`, its
worker process started with the queue, every check), one upload at a time, and the queue's
own record says when each check ended relative to the submission. The first upload meets a
worker still loading the checks (the app just started); the later ones a warm worker. The
page polls the queue twice a second, so a reviewer sees the first findings up to half a
second after they are recorded.

    python benchmarks/queue_benchmark.py [--rounds 5] [--browser] [--write]

``--browser`` also times the whole path a reviewer sees, in headless Chromium.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results_file import write_section  # noqa: E402
from workbench.batch.jobqueue import Job, JobQueue  # noqa: E402
from workbench.casework import Upload  # noqa: E402
from workbench.store import Store  # noqa: E402

QUESTIONED = ROOT / "samples" / "questioned" / "letter_1380-02-24.jpg"
TITLE = "App queue: first findings after an upload"


def _wait(queue: JobQueue, job_id: str) -> Job:
    while True:
        job = queue.job(job_id)
        if job is not None and job.finished:
            return job
        time.sleep(0.05)


def measure(rounds: int) -> list[dict[str, float]]:
    """Per upload: seconds to the first check's end, to the first findings, to the end."""
    out = []
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "store") as store:
        queue = JobQueue(store).start()
        try:
            for i in range(rounds):
                upload = Upload(QUESTIONED.name, QUESTIONED.read_bytes())
                job = _wait(queue, queue.submit(upload, reviewer="benchmark"))
                if job.status != "done":
                    raise SystemExit(f"round {i}: {job.error}")
                with_findings = [e.after_s for e in job.ended if e.findings]
                out.append(
                    {
                        "first_check_s": job.ended[0].after_s,
                        "first_findings_s": with_findings[0] if with_findings else float("nan"),
                        "first_check": job.ended[0].check,
                        "checks": len(job.ended),
                        "all_s": job.ended[-1].after_s,
                        "load": os.getloadavg()[0],
                    }
                )
                print(out[-1], flush=True)
        finally:
            queue.close()
    return out


def measure_in_browser(rounds: int) -> list[float]:
    """Seconds from the Analyse click to the first findings on the page, per upload.

    The app runs as ``workbench app`` on a fresh store; headless Chromium uploads the
    questioned sample and clicks Analyse again once the previous upload is done. The
    clock includes the page's script run, the queue and the page's polling.
    """
    from playwright.sync_api import expect, sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        store = Path(tmp) / "store"
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "workbench", "app", "--no-seed"),
                *("--port", str(port), "--store", str(store)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=tmp,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                        break
                except OSError:
                    time.sleep(0.5)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1400, "height": 1100})
                page.set_default_timeout(600_000)
                expect.set_options(timeout=600_000)
                page.goto(url)
                page.get_by_label("Reviewer", exact=True).fill("benchmark")
                page.keyboard.press("Enter")
                page.get_by_role("link", name="Analyse").click()
                page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(
                    str(QUESTIONED)
                )
                analyse = page.get_by_role("button", name="Analyse", exact=True)
                expect(analyse).to_be_enabled()
                finding = page.get_by_text("SHA-256 of the file as received").locator(
                    "visible=true"
                )
                done = page.get_by_text(f"{QUESTIONED.name}: analysed")
                for i in range(rounds):
                    analyse.click()
                    clicked = time.monotonic()
                    finding.first.wait_for()
                    times.append(round(time.monotonic() - clicked, 2))
                    print(f"browser round {i}: {times[-1]} s", flush=True)
                    while done.count() < i + 1:
                        time.sleep(0.5)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return times


def report(rows: list[dict[str, float]], browser: list[float] | None = None) -> str:
    """The RESULTS.md section."""
    warm = rows[1:] or rows
    first = [r["first_findings_s"] for r in warm]
    total = [r["all_s"] for r in warm]
    loads = [r["load"] for r in rows]
    return _wrapped(
        [
            f"## {TITLE}",
            "",
            "`benchmarks/queue_benchmark.py`: the questioned sample "
            f"(`samples/questioned/{QUESTIONED.name}`, 150 dpi) submitted {len(rows)} times to "
            "the app's queue (every check, one worker process), one after another; times from "
            "the submission, as the queue recorded them. The page polls twice a second, so a "
            "reviewer sees them up to 0.5 s later.",
            "",
            "| upload | first check ends | first findings | all checks end |",
            "| --- | --- | --- | --- |",
            f"| first, worker still loading the checks | {rows[0]['first_check_s']:.2f} s | "
            f"{rows[0]['first_findings_s']:.2f} s | {rows[0]['all_s']:.1f} s |",
            f"| later ones, median of {len(warm)} | "
            f"{statistics.median(r['first_check_s'] for r in warm):.2f} s | "
            f"{statistics.median(first):.2f} s (max {max(first):.2f} s) | "
            f"{statistics.median(total):.1f} s |",
            "",
            f"Checks, in the order they end: {int(rows[0]['checks'])}, `file` first. Machine: "
            f"{os.cpu_count()} cores shared with other work, load average "
            f"{min(loads):.1f}-{max(loads):.1f} during the run.",
            *(_browser_lines(browser) if browser else []),
        ]
    )


def _wrapped(lines: list[str]) -> str:
    """The section with its prose wrapped like the rest of RESULTS.md (tables left alone)."""
    return "\n".join(
        line if line.startswith(("|", "#")) else textwrap.fill(line, 95) for line in lines
    )


def _browser_lines(times: list[float]) -> list[str]:
    later = times[1:] or times
    return [
        "",
        f"As a reviewer sees it (`--browser`: `workbench app` in headless Chromium, {len(times)} "
        "uploads of the same sample, each after the previous one is done, from the click on "
        "Analyse to the first finding drawn on the page): the first upload "
        f"{times[0]:.1f} s, the later ones median {statistics.median(later):.1f} s "
        f"(max {max(later):.1f} s).",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--browser", action="store_true", help="also time it in Chromium")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    rows = measure(args.rounds)
    browser = measure_in_browser(args.rounds) if args.browser else None
    text = report(rows, browser)
    print(text)
    if args.write:
        write_section(TITLE, text)


if __name__ == "__main__":
    main()
