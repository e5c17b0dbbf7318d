"""A third-party check's declared layers are drawn by the app and the HTML export.

The check is installed the way any plug-in is, as a distribution with a ``workbench.checks``
entry point, and declares a heatmap and a layer of boxes; nothing in the app or the exports
names it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, QUESTIONED, Case, analyse_questioned
from workbench.casework import load_review, stored_artifact, stored_pages
from workbench.cli import main
from workbench.export.casefile import export_review
from workbench.export.html import page_previews
from workbench.export.layers import page_layers, page_pictures
from workbench.store import Store

PLUGIN = """
import numpy as np

from workbench.check import Check, Layer, LayerKind, Need


class StainCheck(Check):
    name = "stain"
    version = "1"
    title = "A test plug-in drawing a heatmap"
    explanation = (
        "Writes a heatmap that is brightest in the top-left quarter of every page and marks "
        "that quarter with a box, to show that declared layers are drawn everywhere."
    )
    needs = frozenset({Need.PAGES})
    layers = (
        Layer(LayerKind.HEATMAP, "Stain heatmap", default=True, artifact="stain_map"),
        Layer(
            LayerKind.RESULT_BOXES,
            "Stain marks",
            default=True,
            colour=(0, 160, 0),
            rows="marks",
            caption=("note",),
        ),
    )

    def run(self, context):
        artifacts, marks = [], []
        for page in context.document.pages:
            heat = np.zeros((page.height, page.width), np.uint8)
            heat[: page.height // 2, : page.width // 2] = 255
            artifacts.append(
                context.artifacts.write_png(
                    f"stain{page.index + 1}", heat, kind="stain_map", page=page.index
                )
            )
            box = [0, 0, page.width // 2, page.height // 2]
            marks.append({"page": page.index, "box": box, "note": "stained quarter"})
        return self.ok(results={"marks": marks}, artifacts=artifacts)
"""


@pytest.fixture
def stain_plugin(tmp_path: Path) -> Iterator[Path]:
    """The plug-in as an installed distribution on sys.path for the test."""
    folder = tmp_path / "plugin"
    folder.mkdir()
    (folder / "stain_plugin.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    info = folder / "stain_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: stain-plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[workbench.checks]\nstain = stain_plugin:StainCheck\n", encoding="utf-8"
    )
    sys.path.insert(0, str(folder))
    try:
        yield folder
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop("stain_plugin", None)


@pytest.fixture
def stained(stain_plugin: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Case]:
    """A store holding the questioned sample analysed by the plug-in."""
    folder = tmp_path / "store"
    with Store.open(folder) as store:
        sha = analyse_questioned(store, ["file", "stain"])
    monkeypatch.setenv("WORKBENCH_STORE", str(folder))
    yield Case(folder, sha)


def test_declared_layers_are_computed_from_the_report(stained: Case) -> None:
    with Store.open(stained.store_path) as store:
        report = load_review(store, stained.sha).report
    assert report is not None
    (marks,) = [layer for layer in page_layers(report, 0) if layer.label == "Stain marks"]
    assert marks.default and marks.boxes[0].label == "stained quarter"
    assert marks.boxes[0].colour == (0, 160, 0)
    (picture,) = page_pictures(report, 0)
    assert picture.artifact.kind == "stain_map" and picture.layer.label == "Stain heatmap"


def test_app_draws_the_plugin_heatmap_and_boxes(stained: Case) -> None:
    with Store.open(stained.store_path) as store:
        report = load_review(store, stained.sha).report
    assert report is not None
    (heatmap,) = [a for a in report.artifacts if a.kind == "stain_map"]
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["doc"] = stained.sha
    at.run()
    at.switch_page("views/document.py")
    at.run()
    assert not at.exception, at.exception
    overlays = at.multiselect(key=f"layers-{stained.sha}")
    assert "Stain marks" in overlays.options and "Stain marks" in overlays.value
    background = at.radio(key=f"background-{stained.sha}")
    # the declared heatmap is offered beside the page, and drawn by default as declared
    assert background.options == ["the page", heatmap.id.split("/", 1)[-1]]
    assert background.value == heatmap.id
    assert not at.warning, [w.value for w in at.warning]
    assert len(at.get("image")) == 1


def test_html_export_draws_the_plugin_heatmap_and_boxes(stained: Case) -> None:
    with Store.open(stained.store_path) as store:
        review = load_review(store, stained.sha)
        assert review.report is not None
        pages = stored_pages(store, stained.sha)
        previews = page_previews(
            review.report, pages, lambda a: stored_artifact(store, stained.sha, a.id)
        )
        html = export_review(review, "html", previews)[0].decode("utf-8")
    page, heat = previews
    assert page.label is None and [b.label for b in page.boxes] == ["stained quarter"]
    assert heat.label == "Stain heatmap" and heat.data_uri != page.data_uri
    assert "<figcaption>Page 1: Stain heatmap</figcaption>" in html
    assert 'stroke="rgb(0, 160, 0)"' in html and "<title>stained quarter</title>" in html
    assert html.count("<svg ") == 2


def test_command_line_report_draws_the_plugin_heatmap(stain_plugin: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(stain_plugin), "PYTHONIOENCODING": "utf-8"}
    argv = ["check", str(QUESTIONED), "--only", "stain", "--out", str(out)]
    result = subprocess.run(
        [sys.executable, "-m", "workbench", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (folder,) = out.iterdir()
    html = (folder / "report.html").read_text("utf-8")
    assert "<figcaption>Page 1: Stain heatmap</figcaption>" in html
    assert "<title>stained quarter</title>" in html


def test_html_export_leaves_out_a_picture_whose_stored_file_is_damaged(stained: Case) -> None:
    # A heatmap whose object no longer matches its hash is left out with a warning, as a
    # picture that cannot be read is; the report itself is still exported.
    with Store.open(stained.store_path) as store:
        (record,) = [a for a in store.artifacts(stained.sha) if a.kind == "stain_map"]
        damaged = store.objects.path(record.object_sha256)
    damaged.chmod(0o644)
    damaged.write_bytes(b"not the heatmap")
    result = CliRunner().invoke(
        main, ["export", stained.sha, "--store", str(stained.store_path), "--format", "html"]
    )
    assert result.exit_code == 0, result.output
    assert "<title>stained quarter</title>" in result.output
    assert "<figcaption>Page 1: Stain heatmap</figcaption>" not in result.output
    assert (
        "<figcaption>Page 1: Stain heatmap &mdash; left out: its stored file could not be read"
        in result.output
    )


def test_app_warns_when_the_default_heatmap_file_is_damaged(stained: Case) -> None:
    # The declared heatmap is drawn as soon as the page opens; a stored file that changed
    # since it was stored is a warning beside the page, not a failed page.
    with Store.open(stained.store_path) as store:
        (record,) = [a for a in store.artifacts(stained.sha) if a.kind == "stain_map"]
        damaged = store.objects.path(record.object_sha256)
    damaged.chmod(0o644)
    damaged.write_bytes(b"not the heatmap")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["doc"] = stained.sha
    at.run()
    at.switch_page("views/document.py")
    at.run()
    assert not at.exception, at.exception
    assert any("could not be read from the store" in w.value for w in at.warning)
    assert len(at.get("image")) == 1
