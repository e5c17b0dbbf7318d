"""The case service over a real store: copies of one scan, a signature pasted between letters,
case membership from a batch run, the numbering of one office's letters, ``workbench similar``."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from workbench import analyze
from workbench.batch import BatchOptions, run_batch
from workbench.case_copies import likely_earlier
from workbench.case_findings import findings
from workbench.case_letters import letter_serial, letter_series, numbered_letters
from workbench.cases import case_view, search_and_store, similar, stored_similar
from workbench.claims import parse_claims
from workbench.cli import main
from workbench.errors import StoreError
from workbench.imaging.fingerprint import HASH_BANDS
from workbench.model import Severity
from workbench.store import SCHEMA_VERSION, Store, sha256_file
from workbench.store.cases import add_to_case, case_documents, cases, cases_of
from workbench.store.fingerprints import (
    mark_fingerprints,
    mark_patch,
    mark_patches,
    pages_sharing_a_band,
)
from workbench.store.migrations import migrate, schema_version

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="module")
def leak(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A batch over a 'leak' folder: two letters, a letter carrying the other's signature
    (the samples' splice), and a cropped, downscaled JPEG copy of the first letter."""
    base = tmp_path_factory.mktemp("cases")
    folder = base / "leak"
    folder.mkdir()
    for name in ("exemplars/exemplar_01.png", "exemplars/exemplar_02.png"):
        (folder / Path(name).name).write_bytes((SAMPLES / name).read_bytes())
    splice = SAMPLES / "tampered" / "t01_splice_signature.png"
    (folder / splice.name).write_bytes(splice.read_bytes())
    page = Image.open(SAMPLES / "exemplars" / "exemplar_01.png").convert("RGB")
    w, h = page.size
    copy = page.crop((int(0.08 * w), int(0.1 * h), int(0.92 * w), int(0.95 * h)))
    copy.resize((copy.width * 6 // 10, copy.height * 6 // 10)).save(
        folder / "forwarded_copy.jpg", quality=75
    )
    store = base / "store"
    summary = run_batch(
        BatchOptions(root=folder, out=base / "out", store=store, workers=1, only=("file",))
    )
    assert summary.count("analysed") == 4
    return folder, store


def _sha(folder: Path, name: str) -> str:
    return sha256_file(folder / name)


def test_batch_fingerprints_every_page_and_files_the_case(leak: tuple[Path, Path]) -> None:
    folder, store_path = leak
    with Store.open(store_path) as store:
        assert cases(store) == [("leak", 4)]
        for name in ("exemplar_01.png", "forwarded_copy.jpg"):
            report = store.latest_report(_sha(folder, name))
            assert report is not None and report.check("fingerprint") is not None
        assert cases_of(store, _sha(folder, "exemplar_02.png")) == ["leak"]


def test_a_cropped_rescaled_copy_is_found_with_the_earlier_copy(leak: tuple[Path, Path]) -> None:
    folder, store_path = leak
    with Store.open(store_path) as store:
        found = similar(store, _sha(folder, "exemplar_01.png"))
        copy = _sha(folder, "forwarded_copy.jpg")
        assert [d.other for d in found.near_duplicates] == [copy]
        dup = found.near_duplicates[0]
        assert dup.method == "keypoints" and dup.match is not None
        assert dup.match.scale > 1.1  # the copy was downscaled to 60%
        assert dup.earlier == found.sha256
        assert any("more pixels" in r for r in dup.reasons)
        assert {"width", "height", "media_type"} <= set(dup.differences)
        # the copy's own signature is part of the same scan, not a reuse
        assert not found.shared_marks


def test_a_pasted_signature_is_found_on_both_letters(leak: tuple[Path, Path]) -> None:
    folder, store_path = leak
    with Store.open(store_path) as store:
        splice, donor = _sha(folder, "t01_splice_signature.png"), _sha(folder, "exemplar_02.png")
        for this, other in ((splice, donor), (donor, splice)):
            found = similar(store, this)
            assert not found.near_duplicates
            signatures = [m for m in found.shared_marks if m.kind == "signature"]
            assert [m.other for m in signatures] == [other]
            assert signatures[0].copy_like and signatures[0].similarity > 0.95
            # the signature sits in the lower left, where the letter puts it
            x, y, _, _ = signatures[0].box
            assert x < 700 and 1600 < y < 2000
            shared = [f for f in findings(store, found) if f.code == "case.shared_signature"]
            assert len(shared) == 1 and shared[0].severity is Severity.WARNING
            assert "forged" not in shared[0].detail.lower()
        # two genuine letters with their own signatures and seals share none
        plain = similar(store, _sha(folder, "exemplar_01.png"))
        assert not [m for m in plain.shared_marks if m.copy_like]


def test_a_search_reads_the_patches_of_its_candidates_only(leak: tuple[Path, Path]) -> None:
    _, store_path = leak
    with Store.open(store_path) as store:
        full = mark_fingerprints(store)
        light = mark_fingerprints(store, with_patches=False)
        assert len(full) == len(light) >= 6 and all(m.patch_png == b"" for m in light)
        for a, b in zip(full, light, strict=True):
            assert (a.document_sha256, a.kind, a.box, a.id) == (
                b.document_sha256,
                b.kind,
                b.box,
                b.id,
            )
            # read by id when the search picks it: the same PNG as read with the rows
            assert mark_patch(store, b) == a.patch_png == mark_patch(store, a)
            assert a.patch_png.startswith(b"\x89PNG")
        # several read together, in one query: the same PNGs, by id
        assert mark_patches(store, light) == {a.id: a.patch_png for a in full}
        assert mark_patches(store, full[:2]) == {a.id: a.patch_png for a in full[:2]}


def test_case_view_and_similar_command(leak: tuple[Path, Path]) -> None:
    folder, store_path = leak
    with Store.open(store_path) as store:
        view = case_view(store, "leak")
        assert len(view.documents) == 4
        assert sum(len(s.near_duplicates) for s in view.similar.values()) == 2
    result = CliRunner().invoke(
        main, ["similar", str(folder / "t01_splice_signature.png"), "--store", str(store_path)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["document"]["name"] == "t01_splice_signature.png"
    assert data["cases"] == ["leak"]
    region = data["shared_regions"][0]
    assert region["kind"] == "signature" and region["name"] == "exemplar_02.png"
    assert set(region["box"]) == {"x", "y", "width", "height"}
    assert region["closer_than_two_impressions"] is True
    missing = CliRunner().invoke(main, ["similar", "0123456789ab", "--store", str(store_path)])
    assert missing.exit_code == 2 and "no stored document" in missing.output


def test_letter_numbers_going_backwards_in_time_are_marked(tmp_path: Path) -> None:
    # Reports of the file check, given the letter check's reading of number and date (as it
    # reports them), so the ordering is tested without OCR.
    readings = {
        "exemplar_01.png": ("۲۲۳۱/۷۹/ب", "۱۳۷۹/۱۱/۱۶"),
        "exemplar_02.png": ("۳۳۰۷/۸۰/ب", "۱۳۸۰/۰۱/۲۷"),
        "exemplar_03.png": ("۱۰۵۰/۸۰/ب", "۱۳۸۰/۰۴/۰۵"),
    }
    with Store.open(tmp_path / "store") as store:
        for name, (number, date) in readings.items():
            path = SAMPLES / "exemplars" / name
            report = analyze(path, only=["file", "fingerprint"])
            letter = {
                "elements": [
                    {"name": "number", "value": number},
                    {"name": "date", "value": date},
                ]
            }
            report = replace(report, results={**report.results, "letter": letter})
            store.record_run(report, original=path.read_bytes())
            sha = report.document.sha256
            if name != "exemplar_03.png":  # stored with the search; the last read from its report
                search_and_store(store, sha)
            office = parse_claims({"office": "Inspection Office"})
            store.set_claims(sha, office, reviewer="Ana", expected_version=0)
            assert add_to_case(store, "ministry letters", sha, "Ana")
            assert not add_to_case(store, "ministry letters", sha, "Ana")
        shas = case_documents(store, "ministry letters")
        letters = numbered_letters(store, shas)
        stored = store.query("SELECT letter_number, letter_date FROM case_searches ORDER BY run_id")
        assert [tuple(r) for r in stored] == [
            ("۲۲۳۱/۷۹/ب", "2001-02-04"),
            ("۳۳۰۷/۸۰/ب", "2001-04-16"),
        ]
    assert [r.name for r in letters] == list(readings)
    assert [r.serial for r in letters] == [2231, 3307, 1050]
    assert [r.backwards for r in letters] == [False, False, True]
    assert letters[0].date == "2001-02-04"


def test_letter_serial_and_earlier_copy_rules() -> None:
    assert letter_serial("۲۲۳۱/۷۹/ب") == 2231
    assert letter_serial("12/4567-ق") == 4567
    assert letter_serial("ندارد") is None
    assert letter_series("۱۰۵۰/۸۰/ب") == letter_series("۳۳۰۷ / ۸۰ / ب") == "#/80/ب"
    assert letter_series("۲۲۳۱/۷۹/ب") == "#/79/ب"
    assert letter_series("12/4567-ق") == "12/#-ق"
    assert letter_series("4567") is None and letter_series("ندارد") is None
    a = {"name": "a.png", "width": 1748, "height": 2480, "saved_twice": False}
    b = {"name": "b.jpg", "width": 874, "height": 1240, "saved_twice": True}
    earlier, reasons = likely_earlier("A", a, "B", b)
    assert earlier == "A" and len(reasons) == 2
    tie, _ = likely_earlier("A", {"name": "a"}, "B", {"name": "b"})
    assert tie is None


def test_batch_stores_what_each_search_found(leak: tuple[Path, Path]) -> None:
    folder, store_path = leak
    with Store.open(store_path) as store:
        # every document the batch stored was searched as it was stored, before any reading
        assert len(store.query("SELECT * FROM case_searches")) == 4
        links = store.query("SELECT kind, document_sha256, other_sha256 FROM case_links")
        kinds = {r["kind"] for r in links}
        assert {"near_duplicate", "signature"} <= kinds
        original, copy = _sha(folder, "exemplar_01.png"), _sha(folder, "forwarded_copy.jpg")
        # one search found the pair (the later-stored document's); both sides read it
        assert stored_similar(store, copy).near_duplicates[0].other == original
        seen_from_original = stored_similar(store, original).near_duplicates[0]
        assert seen_from_original.other == copy
        assert seen_from_original.match is not None and seen_from_original.match.scale > 1.1
        assert seen_from_original.agreement is not None
        assert seen_from_original.agreement.share >= 0.9
        # a new run of a document is searched again; its older links no longer count
        before = len(store.query("SELECT * FROM case_searches"))
        path = folder / "exemplar_01.png"
        store.record_run(analyze(path, only=["file", "fingerprint"]), original=path.read_bytes())
        assert not stored_similar(store, original).near_duplicates
        assert [d.other for d in similar(store, original).near_duplicates] == [copy]
        assert len(store.query("SELECT * FROM case_searches")) == before + 1
        # a search counts each other document's pages once, from its latest run only
        splice = _sha(folder, "t01_splice_signature.png")
        store.record_run(analyze(folder / "t01_splice_signature.png", only=["file", "fingerprint"]))
        search_and_store(store, splice)
        compared = store.query(
            "SELECT pages_compared FROM case_searches WHERE document_sha256 = ? "
            "ORDER BY run_id DESC LIMIT 1",
            (splice,),
        )[0]["pages_compared"]
        assert compared == 3  # exemplar_01 (two runs), exemplar_02, the copy: one page each


def test_a_v4_store_with_fingerprints_upgrades_and_is_searched(
    leak: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, store_path = leak
    original, copy = _sha(folder, "exemplar_01.png"), _sha(folder, "forwarded_copy.jpg")
    old = tmp_path / "v4"
    shutil.copytree(store_path / "objects", old / "objects")
    conn = sqlite3.connect(old / "workbench.sqlite3", isolation_level=None)
    migrate(conn, target=4)
    conn.execute("ATTACH DATABASE ? AS new", (str(store_path / "workbench.sqlite3"),))
    wanted = f"IN ('{original}', '{copy}')"
    columns = (
        "id, run_id, document_sha256, page, width, height, phash, feature_height, points, "
        "descriptors"
    )
    conn.execute(f"INSERT INTO documents SELECT * FROM new.documents WHERE sha256 {wanted}")
    first_runs = "SELECT min(id) FROM new.runs GROUP BY document_sha256"
    conn.execute(
        f"INSERT INTO runs SELECT * FROM new.runs WHERE document_sha256 {wanted} "
        f"AND id IN ({first_runs})"
    )
    conn.execute(
        f"INSERT INTO page_fingerprints ({columns}) SELECT {columns} FROM new.page_fingerprints "
        "WHERE run_id IN (SELECT id FROM runs)"
    )
    conn.execute("DETACH DATABASE new")
    conn.close()
    with Store.open(old) as store:
        assert schema_version(store.conn) == SCHEMA_VERSION
        # the hash bands were back-filled; the pages have no reduction to check pixels against
        assert len(store.query("SELECT * FROM page_hash_bands")) == 2 * HASH_BANDS
        assert store.query("SELECT count(thumb) AS n FROM page_fingerprints")[0]["n"] == 0
        phash = store.query(
            "SELECT phash FROM page_fingerprints WHERE document_sha256 = ?", (copy,)
        )[0]["phash"]
        assert copy in {p.document_sha256 for p in pages_sharing_a_band(store, phash)}
        # never searched: the first reading searches (keypoints alone decide) and stores it
        assert not store.query("SELECT * FROM case_searches")
        found = similar(store, original)
        assert [d.other for d in found.near_duplicates] == [copy]
        assert found.near_duplicates[0].agreement is None
        assert len(store.query("SELECT * FROM case_searches")) == 1


def test_a_number_going_backwards_is_stored_on_both_letters(tmp_path: Path) -> None:
    # Three letters, given the letter check's reading (as it reports it): the last is dated
    # latest but numbered lowest. Only the second is of its series (register ب, year 80); the
    # first's year restarts the numbering. Each is searched as it is stored.
    readings = {
        "exemplar_01.png": ("۲۲۳۱/۷۹/ب", "۱۳۷۹/۱۱/۱۶"),
        "exemplar_02.png": ("۳۳۰۷/۸۰/ب", "۱۳۸۰/۰۱/۲۷"),
        "exemplar_03.png": ("۱۰۵۰/۸۰/ب", "۱۳۸۰/۰۴/۰۵"),
    }
    shas = {}
    store_path = tmp_path / "store"
    with Store.open(store_path) as store:
        for name, (number, date) in readings.items():
            path = SAMPLES / "exemplars" / name
            report = analyze(path, only=["file", "fingerprint"])
            letter = {
                "elements": [
                    {"name": "number", "value": number},
                    {"name": "date", "value": date},
                ]
            }
            report = replace(report, results={**report.results, "letter": letter})
            store.record_run(report, original=path.read_bytes())
            shas[name] = report.document.sha256
            search_and_store(store, shas[name])
            assert add_to_case(store, "office letters", shas[name], "Ana")
        kinds = [r["kind"] for r in store.query("SELECT kind FROM case_links")]
        # found by the last letter's search, against the earlier one of its series
        assert kinds.count("letter_order") == 1
        late = similar(store, shas["exemplar_03.png"])
        assert [o.other for o in late.letter_order] == [shas["exemplar_02.png"]]
        assert not similar(store, shas["exemplar_01.png"]).letter_order
        # the earlier letters read the same links, turned round
        (seen,) = similar(store, shas["exemplar_02.png"]).letter_order
        assert seen.other == shas["exemplar_03.png"]
        assert (seen.number, seen.date) == ("۳۳۰۷/۸۰/ب", "2001-04-16")
        assert (seen.other_number, seen.other_date) == ("۱۰۵۰/۸۰/ب", "2001-06-26")
        notices = [f for f in findings(store, similar(store, shas["exemplar_02.png"]))]
        order = [f for f in notices if f.code == "case.letter_order"]
        assert len(order) == 1 and order[0].severity is Severity.NOTICE
        assert "۱۰۵۰/۸۰/ب" in order[0].detail and "۳۳۰۷/۸۰/ب" in order[0].detail
        assert "forged" not in order[0].detail.lower()
        # the case view shows it without any office named by a reviewer
        view = case_view(store, "office letters")
        assert len(view.similar[shas["exemplar_02.png"]].letter_order) == 1
        assert [r.backwards for r in view.letters] == [False, False, True]
    result = CliRunner().invoke(
        main, ["similar", shas["exemplar_02.png"], "--store", str(store_path)]
    )
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.output)["letter_order"]
    assert entry["name"] == "exemplar_03.png"
    assert (entry["number"], entry["date"]) == ("۳۳۰۷/۸۰/ب", "2001-04-16")
    assert (entry["other_number"], entry["other_date"]) == ("۱۰۵۰/۸۰/ب", "2001-06-26")


def test_a_v6_store_keeps_its_links_and_takes_letter_order_links(tmp_path: Path) -> None:
    folder = tmp_path / "v6"
    folder.mkdir()
    conn = sqlite3.connect(folder / "workbench.sqlite3", isolation_level=None)
    migrate(conn, target=6)
    stamp = "2026-01-01T00:00:00+00:00"
    for sha in ("ab" * 32, "cd" * 32):
        conn.execute(
            "INSERT INTO documents VALUES (?, 'letter.png', 'image/png', 1, 1, ?, 'objects/x')",
            (sha, stamp),
        )
        conn.execute(
            "INSERT INTO runs (document_sha256, tool_name, tool_version, check_versions, started,"
            " finished, status, report_json) VALUES (?, 'workbench', 'x', '{}', ?, ?, 'ok', '{}')",
            (sha, stamp, stamp),
        )
    search = "INSERT INTO case_searches VALUES (2, ?, ?, 1, NULL, NULL, NULL)"
    conn.execute(search, ("cd" * 32, stamp))
    link = (
        "INSERT INTO case_links (run_id, document_sha256, other_run_id, other_sha256, kind, page,"
        " other_page, detail) VALUES (2, ?, 1, ?, ?, 0, 0, '{}')"
    )
    conn.execute(link, ("cd" * 32, "ab" * 32, "seal"))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(link, ("cd" * 32, "ab" * 32, "letter_order"))
    conn.close()
    with Store.open(folder) as store:
        assert schema_version(store.conn) == SCHEMA_VERSION
        assert [r["kind"] for r in store.query("SELECT kind FROM case_links")] == ["seal"]
        with store.transaction() as c:
            c.execute(link, ("cd" * 32, "ab" * 32, "letter_order"))
        with pytest.raises(StoreError, match="append-only"), store.transaction() as c:
            c.execute("UPDATE case_links SET page = 1")
