"""JPEG structure parsing on files Pillow (libjpeg-turbo) writes, and on damaged ones."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.fixtures import letter_image
from workbench.formats.jpeg import (
    ANNEX_K_LUMINANCE,
    NotJpegError,
    estimate_quality,
    from_zigzag,
    parse_jpeg,
    scale_table,
    standard_tables,
    subsampling,
    to_zigzag,
)


def jpeg(image: Image.Image, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", **options)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return letter_image(480, 360)


def test_zigzag_round_trip() -> None:
    table = np.arange(64, dtype=np.uint16).reshape(8, 8)
    assert np.array_equal(from_zigzag(to_zigzag(table)), table)
    # The first zigzag entries walk the top-left corner: (0,0) (0,1) (1,0) (2,0) (1,1) (0,2).
    assert to_zigzag(table)[:6].tolist() == [0, 1, 8, 16, 9, 2]


def test_libjpeg_scaling_matches_known_values() -> None:
    # Quality 50 is the Annex K table itself; quality 100 is all ones; quality 75 halves it.
    assert np.array_equal(scale_table(ANNEX_K_LUMINANCE, 50), ANNEX_K_LUMINANCE)
    assert (scale_table(ANNEX_K_LUMINANCE, 100) == 1).all()
    assert scale_table(ANNEX_K_LUMINANCE, 75)[0, :4].tolist() == [8, 6, 5, 8]
    assert scale_table(ANNEX_K_LUMINANCE, 1).max() == 255


@pytest.mark.parametrize("quality", [5, 30, 50, 70, 85, 92, 100])
def test_tables_and_quality_of_pillow_files(page: Image.Image, quality: int) -> None:
    data = jpeg(page, quality=quality)
    structure = parse_jpeg(data)
    lum, chroma = standard_tables(quality)
    assert np.array_equal(structure.quantization_tables[0], lum)
    assert np.array_equal(structure.quantization_tables[1], chroma)
    # Pillow hands the same tables out in natural order.
    pillow = Image.open(io.BytesIO(data)).quantization  # type: ignore[attr-defined]
    assert np.array_equal(np.array(pillow[0]).reshape(8, 8), lum)
    estimate = estimate_quality(structure.quantization_tables)
    assert estimate is not None
    assert (estimate.quality, estimate.exact, estimate.error) == (quality, True, 0.0)


def test_frame_subsampling_progressive_restart(page: Image.Image) -> None:
    s = parse_jpeg(jpeg(page, quality=80))
    assert s.frame is not None and s.frame.process == "baseline" and not s.frame.progressive
    assert (s.frame.width, s.frame.height) == (480, 360)
    assert subsampling(s.frame) == "4:2:0" and s.scans == 1 and s.end_of_image
    assert [a.kind for a in s.app_segments] == ["JFIF"] and not s.truncated

    p = parse_jpeg(jpeg(page, quality=80, progressive=True, subsampling=0))
    assert p.frame is not None and p.frame.progressive and p.scans > 1
    assert subsampling(p.frame) == "4:4:4"
    assert subsampling(parse_jpeg(jpeg(page, quality=80, subsampling=1)).frame) == "4:2:2"

    grey = parse_jpeg(jpeg(page.convert("L"), quality=60, restart_marker_blocks=4))
    assert grey.frame is not None and len(grey.frame.components) == 1
    assert subsampling(grey.frame) is None and grey.restart_interval == 4
    assert grey.restart_markers > 10 and set(grey.quantization_tables) == {0}


def test_app_segments_are_named(page: Image.Image) -> None:
    exif = Image.Exif()
    exif[0x0131] = "Scanner 1.0"
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>'
    data = jpeg(page, quality=80, exif=exif.tobytes(), xmp=xmp, icc_profile=b"\0" * 200)
    kinds = [a.kind for a in parse_jpeg(data).app_segments]
    assert {"JFIF", "Exif", "XMP", "ICC profile"} <= set(kinds)


def test_damaged_files_do_not_raise(page: Image.Image) -> None:
    data = jpeg(page, quality=80)
    for cut in (3, 20, 200, len(data) // 2, len(data) - 2):
        assert parse_jpeg(data[:cut]).truncated
    garbled = bytearray(data)
    garbled[4:6] = b"\x00\x01"  # the APP0 length becomes 1
    assert parse_jpeg(bytes(garbled)).problems
    with pytest.raises(NotJpegError):
        parse_jpeg(b"\x89PNG\r\n\x1a\n")
    # Bytes after the end-of-image marker (MPO frames, appended data) are counted.
    assert parse_jpeg(data + b"tail").trailing_bytes == 4


def test_sixteen_bit_tables() -> None:
    # A DQT with 16-bit precision (Pq = 1), written by hand: libjpeg writes one when a step
    # exceeds 255 (quality below about 10 without force-baseline).
    values = np.full(64, 300, dtype=">u2").tobytes()
    dqt = b"\xff\xdb" + (2 + 1 + 128).to_bytes(2, "big") + b"\x10" + values
    s = parse_jpeg(b"\xff\xd8" + dqt + b"\xff\xd9")
    assert s.table_precision == {0: 16} and int(s.quantization_tables[0][3, 3]) == 300


@pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool is not installed")
@pytest.mark.parametrize("quality", [40, 75, 95])
def test_quality_agrees_with_exiftool(page: Image.Image, tmp_path: Path, quality: int) -> None:
    path = tmp_path / "page.jpg"
    path.write_bytes(jpeg(page, quality=quality))
    out = subprocess.run(
        ["exiftool", "-s3", "-JPEGQualityEstimate", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not out:
        pytest.skip("this exiftool does not estimate JPEG quality")
    estimate = estimate_quality(parse_jpeg(path.read_bytes()).quantization_tables)
    assert estimate is not None and estimate.quality == int(out)
