"""The independent forensic corpus: disjoint splits, masks that cover every edit, determinism."""

from __future__ import annotations

import ast
import hashlib
import sys
from pathlib import Path

import cv2
import numpy as np
import PIL
import pytest
from PIL import Image

from workbench.imaging.forensic.glyphs import glyph_consistency

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import corpus_pages as cp
import forensic_corpus as fc

pytestmark = pytest.mark.skipif(
    bool(cp.missing_fonts("dev") + cp.missing_fonts("test")),
    reason="the corpus fonts are not installed: " + "; ".join(cp.missing_fonts("dev")),
)


def test_splits_share_no_font_template_or_chain() -> None:
    assert not cp.FONTS["dev"].keys() & cp.FONTS["test"].keys()
    dev = {t.name for t in cp.TEMPLATES["dev"]}
    assert dev.isdisjoint(t.name for t in cp.TEMPLATES["test"])
    assert {c.name for c in fc.CHAINS["dev"]}.isdisjoint(c.name for c in fc.CHAINS["test"])
    # Every kind of tampering has as many untampered pages to be compared with.
    rows = fc.plan("dev", 4)
    for kind in ("none", *fc.TAMPER_KINDS):
        assert sum(r[0] == kind for r in rows) == 4


@pytest.fixture(scope="module")
def scanned() -> fc.Scanned:
    chain = fc.CHAINS["dev"][2]  # 150 dpi, grey, one save
    return fc._page("letter", "dev", chain, seed=11, template=0)


def _outside(edited: np.ndarray, original: np.ndarray, boxes: list[cp.Box]) -> int:
    changed = np.any(edited != original, axis=-1) if edited.ndim == 3 else edited != original
    for x0, y0, x1, y1 in boxes:
        changed[y0:y1, x0:x1] = False
    return int(changed.sum())


def test_every_edit_stays_inside_its_mask(scanned: fc.Scanned) -> None:
    img, page, m = scanned.image, scanned.page, scanned.skew
    chain = fc.CHAINS["dev"][2]
    donor = fc._page("letter", "dev", chain, seed=12, template=0).image  # another letter
    edits = {
        "copy-move": fc.copy_move(img, page, m, np.random.default_rng(1)),
        "spliced-line": fc.spliced_line(img, page, "dev", chain, np.random.default_rng(2)),
        "retyped-digits": fc.retyped_digits(img, page, "dev", chain, m, np.random.default_rng(3)),
        "foreign-jpeg": fc.foreign_jpeg(img, page, donor, m, np.random.default_rng(4)),
    }
    for kind, (edited, boxes) in edits.items():
        assert boxes, kind
        assert np.any(edited != img), f"{kind} changed nothing"
        assert _outside(edited, img, boxes) == 0, f"{kind} changed pixels outside its mask"
    # A copy-move's mask holds both ends, with the same pixels.
    edited, (src, dst) = edits["copy-move"]
    assert src != dst
    assert np.array_equal(
        edited[dst[1] : dst[3], dst[0] : dst[2]], img[src[1] : src[3], src[0] : src[2]]
    )


def test_pages_are_the_same_on_every_run(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = fc.make_entry("test", 5, "retyped-digits", "receipt", 0, tmp_path / "a")
    b = fc.make_entry("test", 5, "retyped-digits", "receipt", 0, tmp_path / "b")
    assert a.boxes and a.boxes == b.boxes and a.saves == b.saves
    assert (tmp_path / "a" / a.path).read_bytes() == (tmp_path / "b" / b.path).read_bytes()


def test_untouched_pages_are_saved_once_more_like_edited_ones(tmp_path: Path) -> None:
    # Otherwise the number of saves alone would tell edited pages from untouched ones.
    untouched = fc.make_entry("dev", 1, "none", "receipt", 0, tmp_path)
    edited = fc.make_entry("dev", 1, "retyped-digits", "receipt", 0, tmp_path)
    chain = next(c for c in fc.CHAINS["dev"] if c.name == untouched.chain)
    assert len(untouched.saves) == len(chain.saves) + 1 == len(edited.saves)
    assert untouched.saves[-1] in chain.resave and untouched.mask is None


def test_the_cache_stamp_follows_the_generator_source() -> None:
    # A cache made by other generator code or another Pillow has another stamp.
    folder = Path(fc.__file__).parent
    digest = hashlib.sha256()
    for name in fc.SOURCES:
        digest.update((folder / name).read_bytes())
    assert fc.stamp() == f"{fc.VERSION}-{PIL.__version__}-{digest.hexdigest()[:16]}"
    # Every module of this folder that generation imports is among the hashed sources.
    local = {path.stem for path in folder.glob("*.py")}
    imported = set()
    for name in fc.SOURCES:
        tree = ast.parse((folder / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in local:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(a.name for a in node.names if a.name in local)
    assert {f"{m}.py" for m in imported} <= set(fc.SOURCES)


def test_a_genuine_letters_larger_bold_heading_is_not_printed_differently(
    tmp_path: Path,
) -> None:
    # A genuine letter of a test template at 150 dpi: its issuer line, set larger in the bold
    # face, has a darker ink core than the body while its strokes stay below the weight step
    # (line darkness z +6.9). Another size of type explains that darkness; the line is not a
    # print outlier.
    entry = fc.make_entry("test", 82, "exemplar", "letter", 0, tmp_path)
    gray = np.asarray(Image.open(tmp_path / entry.path).convert("L"))
    scan = glyph_consistency(gray)
    assert scan.lines >= 4
    assert max((o.strength for o in scan.outliers), default=0.0) < 0.5


def test_retyped_digits_on_a_150_dpi_letter_are_found_where_they_were_typed(
    tmp_path: Path,
) -> None:
    # Dev letters of one template through one 150-dpi grey chain: an untouched one, and one
    # whose number was erased and typed again. At this resolution the retyped digits differ
    # from the page and from their own line by z 3 to 4 in darkness, sharpness and stroke.
    plain = fc.make_entry("dev", 2, "none", "letter", 1, tmp_path)
    edited = fc.make_entry("dev", 50, "retyped-digits", "letter", 1, tmp_path, plain_retype=True)
    assert plain.chain == edited.chain and plain.template == edited.template
    untouched = glyph_consistency(np.asarray(Image.open(tmp_path / plain.path).convert("L")))
    assert max((o.strength for o in untouched.outliers), default=0.0) < 0.5
    scan = glyph_consistency(np.asarray(Image.open(tmp_path / edited.path).convert("L")))
    ((x0, y0, x1, y1),) = edited.boxes
    on_edit = [
        o
        for o in scan.outliers
        if o.box.x < x1
        and o.box.x + o.box.width > x0
        and o.box.y < y1
        and o.box.y + o.box.height > y0
    ]
    assert on_edit and max(o.strength for o in on_edit) >= 0.5
    assert all(o.strength < 0.5 for o in scan.outliers if o not in on_edit)


def test_lone_letters_of_a_genuine_letter_are_not_judged_alone(tmp_path: Path) -> None:
    # A genuine letter of a test template whose lone upright letters (5 to 6 px wide at
    # 150 dpi) measured as strokes wider and edges softer than the page's words (stroke z
    # +5.3, sharpness z -2.9). Words narrower than a glyph height are not judged alone.
    entry = fc.make_entry("test", 84, "exemplar", "letter", 1, tmp_path)
    scan = glyph_consistency(np.asarray(Image.open(tmp_path / entry.path).convert("L")))
    assert scan.lines >= 4
    assert max((o.strength for o in scan.outliers), default=0.0) < 0.5


def test_retyped_digits_as_light_as_the_page_are_found_by_their_edges(tmp_path: Path) -> None:
    # A dev letter at 300 dpi whose number was erased and typed again, and an untouched letter
    # of the same template and chain. The retyped digits are then lightened to 60% of their
    # contrast, so they are no darker than the page's print: only their edges, which lack the
    # scan's blur, still differ (sharpness z about 15, against the page and their own line).
    plain = fc.make_entry("dev", 8, "none", "letter", 1, tmp_path)
    edited = fc.make_entry("dev", 56, "retyped-digits", "letter", 1, tmp_path, plain_retype=True)
    assert plain.chain == edited.chain and plain.template == edited.template
    untouched = glyph_consistency(np.asarray(Image.open(tmp_path / plain.path).convert("L")))
    assert max((o.strength for o in untouched.outliers), default=0.0) < 0.5
    gray = np.asarray(Image.open(tmp_path / edited.path).convert("L")).astype(np.float32)
    ((x0, y0, x1, y1),) = edited.boxes
    region = gray[y0:y1, x0:x1]
    paper = float(np.median(region))
    gray[y0:y1, x0:x1] = paper - np.maximum(paper - region, 0.0) * 0.6
    scan = glyph_consistency(np.clip(np.rint(gray), 0, 255).astype(np.uint8))
    on_edit = [
        o
        for o in scan.outliers
        if o.box.x < x1
        and o.box.x + o.box.width > x0
        and o.box.y < y1
        and o.box.y + o.box.height > y0
    ]
    assert on_edit and max(o.strength for o in on_edit) >= 0.5
    assert all(set(o.deviations) == {"sharpness"} for o in on_edit if o.level == "word")
    assert all(o.strength < 0.5 for o in scan.outliers if o not in on_edit)


def test_dev_retyped_digits_differ_from_the_page_in_each_way_on_four_pages() -> None:
    # Drawn page by page, a split of 16 retyped numbers could hold one lighter number or none.
    rows = fc.plan("dev", 16)
    ways = [fc.retype_difference(i) for i, row in enumerate(rows) if row[0] == "retyped-digits"]
    assert sorted(ways) == sorted(fc.RETYPE_DIFFERENCES * 4)


def _contrast_and_edges(region: np.ndarray) -> tuple[float, float]:
    """A number's ink contrast (paper minus its darkest ink) and its steepest edges per contrast."""
    paper = float(np.median(region))
    contrast = paper - float(np.percentile(region, 2))
    gx = cv2.Sobel(region, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(region, cv2.CV_32F, 0, 1)
    return contrast, float(np.percentile(np.hypot(gx, gy), 99)) / contrast


def test_a_dev_number_retyped_lighter_darker_sharper_or_softer_is_so_in_its_pixels(
    scanned: fc.Scanned,
) -> None:
    # The same number of a 150-dpi dev letter retyped in each of the four looks (all else of
    # the look the same): against the number as the page printed it, the lighter one's ink has
    # less contrast and the darker one's more, the sharper one's edges are steeper for their
    # contrast and the softer one's less steep.
    img, page, m = scanned.image, scanned.page, scanned.skew
    chain = fc.CHAINS["dev"][2]
    measured = {}
    for way in fc.RETYPE_DIFFERENCES:
        look = fc.draw_look(way, np.random.default_rng(5))
        edited, [(x0, y0, x1, y1)] = fc.retyped_digits(
            img, page, "dev", chain, m, np.random.default_rng(3), look
        )
        assert _outside(edited, img, [(x0, y0, x1, y1)]) == 0
        measured[way] = _contrast_and_edges(edited[y0:y1, x0:x1].astype(np.float32))
    contrast, edges = _contrast_and_edges(img[y0:y1, x0:x1].astype(np.float32))
    assert measured["lighter"][0] < 0.85 * contrast < 0.85 * measured["darker"][0]
    assert measured["softer"][1] < edges < measured["sharper"][1]
