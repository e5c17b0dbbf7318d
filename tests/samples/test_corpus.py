"""The committed samples corpus: valid manifest, decodable files, consistent ground truth, and
reproducible from ``samples/generate.py``.

The regeneration tests run the generator once per test module into a temporary folder (with the
untampered sources) and compare it with the committed files: text files byte for byte, images by
decoded pixels with a small tolerance, so that a different zlib or libjpeg does not fail the test.
"""

from __future__ import annotations

import html.parser
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import jdatetime
import jsonschema
import numpy as np
import pytest
from PIL import Image, features

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
MANIFEST = SAMPLES / "manifest.json"
SCHEMA = SAMPLES / "manifest.schema.json"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
PIXEL_KINDS = {"splice", "clone", "retype", "date", "orthography", "letterhead"}
# The generator's code: the command line and its package.
GENERATOR = {"generate.py"} | {f"generator/{p.name}" for p in (SAMPLES / "generator").glob("*.py")}
# Files in samples/ that the manifest does not list.
NOT_IN_MANIFEST = GENERATOR | {"README.md", "manifest.json", "manifest.schema.json", ".gitignore"}
CLAIM_KEYS = {"date", "author", "addressee", "office", "language", "source"}
SIZE_BUDGET = 15 * 1024 * 1024


def load_manifest(path: Path = MANIFEST) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def documents() -> list[dict]:
    return load_manifest()["documents"]


def decode(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        return np.asarray(img)


def mask_of(folder: Path, entry: dict) -> np.ndarray:
    with Image.open(folder / entry["mask"]) as img:
        return np.asarray(img.convert("L")) > 0


def box_of(mask: np.ndarray) -> list[int]:
    ys, xs = np.nonzero(mask)
    return [
        int(xs.min()),
        int(ys.min()),
        int(xs.max() - xs.min() + 1),
        int(ys.max() - ys.min() + 1),
    ]


def tampered_pixel_entries() -> Iterator[tuple[dict, dict]]:
    for doc in documents():
        for entry in doc["tampering"]:
            if entry["kind"] in PIXEL_KINDS:
                yield doc, entry


def committed_files() -> set[str]:
    return {
        p.relative_to(SAMPLES).as_posix()
        for p in SAMPLES.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.parts[len(SAMPLES.parts)] != "sources"
    }


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus generated afresh, with the untampered sources of the tampered letters."""
    out = tmp_path_factory.mktemp("samples")
    subprocess.run(
        [sys.executable, str(SAMPLES / "generate.py"), "--out", str(out), "--sources"],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return out


def test_raqm_shaping_available() -> None:
    # Persian text is shaped right to left through raqm (which loads libfribidi at run time).
    assert features.check("raqm")


def test_manifest_validates_against_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(load_manifest())


def test_manifest_lists_every_file_and_nothing_missing() -> None:
    listed: set[str] = set()
    for doc in documents():
        listed.add(doc["path"])
        listed.update(doc[key] for key in ("translation", "claims_file") if key in doc)
        listed.update(e["mask"] for e in doc["tampering"] if e["mask"])
    missing = sorted(p for p in listed if not (SAMPLES / p).is_file())
    assert not missing
    assert committed_files() - NOT_IN_MANIFEST == listed


def test_corpus_contents() -> None:
    kinds = [doc["kind"] for doc in documents()]
    assert kinds.count("exemplar") >= 4
    assert kinds.count("questioned") == 1
    assert kinds.count("tampered") >= 8
    assert kinds.count("genuine") >= 1
    tamper_kinds = {e["kind"] for doc in documents() for e in doc["tampering"]}
    assert tamper_kinds == PIXEL_KINDS | {"metadata"}


def test_size_budget() -> None:
    total = sum((SAMPLES / p).stat().st_size for p in committed_files())
    assert total < SIZE_BUDGET


@pytest.mark.parametrize("doc", documents(), ids=lambda d: d["path"])
def test_every_file_decodes(doc: dict) -> None:
    path = SAMPLES / doc["path"]
    if path.suffix in IMAGE_SUFFIXES:
        with Image.open(path) as img:
            img.load()
            assert img.width > 500 and img.height > 500
            dpi = doc["truth"].get("dpi")
            if dpi:
                assert round(img.info["dpi"][0]) == dpi
    else:
        text = path.read_text(encoding="utf-8")
        assert text.strip()


def test_tampered_documents_have_mask_and_box() -> None:
    for doc in documents():
        if doc["kind"] != "tampered":
            continue
        assert doc["tampering"], doc["path"]
        for entry in doc["tampering"]:
            if entry["kind"] == "metadata":
                assert entry["box"] is None and entry["mask"] is None
                continue
            assert entry["box"] and entry["mask"], doc["path"]


@pytest.mark.parametrize(
    ("doc", "entry"),
    list(tampered_pixel_entries()),
    ids=lambda v: v.get("mask", "") if isinstance(v, dict) else "",
)
def test_mask_is_inside_its_box(doc: dict, entry: dict) -> None:
    mask = mask_of(SAMPLES, entry)
    with Image.open(SAMPLES / doc["path"]) as img:
        assert mask.shape == (img.height, img.width)
    x, y, w, h = entry["box"]
    inside = np.zeros_like(mask)
    inside[y : y + h, x : x + w] = True
    assert not (mask & ~inside).any()
    assert np.abs(np.array(box_of(mask)) - np.array(entry["box"])).max() <= 2


def test_questioned_letter_and_its_claims() -> None:
    (doc,) = [d for d in documents() if d["kind"] == "questioned"]
    claims = json.loads((SAMPLES / doc["claims_file"]).read_text(encoding="utf-8"))
    assert set(claims) == CLAIM_KEYS
    assert claims == doc["claims"]
    assert claims["date"] == "2001-05-14" and claims["language"] == "fa"
    assert doc["truth"]["solar_hijri"] == "1380/02/24"
    assert jdatetime.date(1380, 2, 24).togregorian().isoformat() == claims["date"]
    assert doc["truth"]["weekday"] == "Monday"
    with Image.open(SAMPLES / doc["path"]) as img:
        assert img.format == "JPEG"
        assert round(img.info["dpi"][0]) == 150
    translation = (SAMPLES / doc["translation"]).read_text(encoding="utf-8")
    assert "14 May 2001" in translation


def test_printed_dates_agree_with_the_truth() -> None:
    for doc in documents():
        truth = doc["truth"]
        expected = set(truth.get("expected_findings", []))
        if "solar_hijri" in truth and "dates.impossible_date" not in expected:
            y, m, d = (int(v) for v in truth["solar_hijri"].split("/"))
            iso = jdatetime.date(y, m, d).togregorian().isoformat()
            assert iso in truth["dates"], doc["path"]
        if "dates.impossible_date" in expected:
            y, m, d = (int(v) for v in truth["solar_hijri"].split("/"))
            with pytest.raises(ValueError):
                jdatetime.date(y, m, d)
        for printed in truth.get("printed_weekdays", []):
            matches = printed["printed"] == printed["actual"]
            assert matches == ("dates.weekday_mismatch" not in expected), doc["path"]


def test_arabic_paragraph_uses_arabic_orthography() -> None:
    (entry,) = [e for d in documents() for e in d["tampering"] if e["kind"] == "orthography"]
    text = entry["new_text"]
    for ch in "يكة":
        assert ch in text
    assert any("\u0660" <= ch <= "\u0669" for ch in text)
    assert not any(ch in text for ch in "کی۰۱۲۳۴۵۶۷۸۹")


def test_metadata_variant_names_an_editor() -> None:
    (doc,) = [d for d in documents() if any(e["kind"] == "metadata" for e in d["tampering"])]
    with Image.open(SAMPLES / doc["path"]) as img:
        exif = img.getexif()
    assert exif[0x0131] == "Adobe Photoshop 7.0"
    assert exif[0x0132].startswith("2003:")


class _RtlPage(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.html_attrs: dict[str, str | None] = {}
        self.rows = 0
        self.charset = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.html_attrs = dict(attrs)
        elif tag == "meta":
            self.charset = dict(attrs).get("charset", self.charset)
        elif tag == "tr":
            self.rows += 1


def test_names_list_page() -> None:
    (doc,) = [d for d in documents() if d["path"].endswith(".html")]
    page = _RtlPage()
    page.feed((SAMPLES / doc["path"]).read_text(encoding="utf-8"))
    assert page.html_attrs.get("dir") == "rtl" and page.html_attrs.get("lang") == "fa"
    assert (page.charset or "").lower() == "utf-8"
    assert page.rows == 149 + 1  # header row
    names = doc["truth"]["names"]
    assert len(names) == len(set(names)) == 149


# ---- regeneration (runs the generator once, about 15-40 s on two cores) ----


@pytest.mark.slow
def test_regenerated_manifest_equals_committed(regenerated: Path) -> None:
    assert load_manifest(regenerated / "manifest.json") == load_manifest()


@pytest.mark.slow
def test_regenerated_files_match_committed(regenerated: Path) -> None:
    for name in sorted(committed_files() - (NOT_IN_MANIFEST - {"manifest.json"})):
        new, old = regenerated / name, SAMPLES / name
        assert new.is_file(), name
        if new.suffix not in IMAGE_SUFFIXES:
            assert new.read_bytes() == old.read_bytes(), name
            continue
        a, b = decode(new).astype(np.int16), decode(old).astype(np.int16)
        assert a.shape == b.shape, name
        diff = np.abs(a - b)
        if name.startswith("masks/"):
            assert not diff.any(), name
        else:
            assert diff.mean() < 1.0 and diff.max() <= 6, (name, diff.mean(), diff.max())


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("samples_generate", SAMPLES / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_generation_is_byte_identical_within_one_environment(tmp_path: Path) -> None:
    # Two runs write the same bytes (no timestamps, no unseeded randomness): checked on one
    # letter and the JPEG writer, in process, to keep the suite fast. The full corpus is compared
    # with the committed files (within a pixel tolerance) by the slow tests below.
    gen = load_generator()
    outputs = []
    for run in range(2):
        gen.paper_for.cache_clear()
        names = gen.Names(gen.derive_seed("letter-names"))
        spec = gen.make_spec(gen.PLANS[0], names)
        img, _, _ = gen.scan_letter(spec)
        gen.save_png(tmp_path / f"{run}.png", img)
        outputs.append(((tmp_path / f"{run}.png").read_bytes(), gen.jpeg_bytes(img, 70, 150)))
    assert outputs[0] == outputs[1]


@pytest.mark.slow
def test_tampering_stays_inside_the_mask(regenerated: Path) -> None:
    manifest = load_manifest(regenerated / "manifest.json")
    for doc in manifest["documents"]:
        if doc["kind"] != "tampered":
            continue
        tampered = decode(regenerated / doc["path"]).astype(np.int16)
        source = decode(regenerated / doc["source"]).astype(np.int16)
        (entry,) = doc["tampering"]
        if entry["kind"] == "metadata":
            # the pixels are the untampered scan, up to one JPEG compression
            assert np.abs(tampered - source).mean() < 2.0
            continue
        mask = mask_of(regenerated, entry)
        changed = tampered != source
        assert not (changed & ~mask).any(), doc["path"]
        assert changed.sum() >= 50, doc["path"]
