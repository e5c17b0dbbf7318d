from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from tests.support.fixtures import gives_up_after, letter_image, write_png_bomb
from tests.support.hostile_files import (
    jpeg_with_exif_segments,
    pdf_metadata_bomb,
    pdf_page_tree_loop,
    pdf_page_tree_self_only,
)
from workbench.api import analyze_document
from workbench.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedDocumentError,
    FileMissingError,
    FileTooLargeError,
    NotAFileError,
    PageLimitError,
    PixelLimitError,
    UnsupportedFormatError,
)
from workbench.formats.jpeg import without_extra_exif
from workbench.limits import Limits
from workbench.loading import load_document, normalize_image
from workbench.text.html import html_to_text

SAMPLE_LETTER = (
    Path(__file__).resolve().parents[1] / "samples" / "questioned" / "letter_1380-02-24.jpg"
)


@pytest.mark.parametrize(
    ("name", "fmt", "media_type", "kwargs"),
    [
        ("a.jpg", "JPEG", "image/jpeg", {"quality": 90}),
        ("a.png", "PNG", "image/png", {}),
        ("a.tif", "TIFF", "image/tiff", {"compression": "tiff_lzw"}),
        ("a.bmp", "BMP", "image/bmp", {}),
        ("a.webp", "WEBP", "image/webp", {"quality": 90}),
    ],
)
def test_loads_each_raster_format(
    tmp_path: Path, name: str, fmt: str, media_type: str, kwargs: dict
) -> None:
    path = tmp_path / name
    source = letter_image(400, 560)
    source.save(path, format=fmt, dpi=(200, 200), **kwargs)
    doc = load_document(path)
    assert doc.media_type == media_type
    assert [(p.width, p.height) for p in doc.pages] == [(400, 560)]
    image = doc.page_image(0)
    assert image.mode == "RGB" and image.size == (400, 560)
    diff = np.abs(np.asarray(image, dtype=int) - np.asarray(source, dtype=int)).mean()
    assert diff < 3  # lossy formats stay close to the source
    if fmt != "WEBP":  # Pillow writes no resolution into WebP
        assert doc.pages[0].dpi == pytest.approx((200, 200), abs=0.5)


def test_multipage_tiff(tmp_path: Path) -> None:
    path = tmp_path / "pages.tiff"
    pages = [letter_image(300, 400, seed=i) for i in range(3)]
    pages[0].save(path, save_all=True, append_images=pages[1:], compression="tiff_deflate")
    doc = load_document(path)
    assert len(doc.pages) == 3
    for i, page in enumerate(pages):
        assert np.array_equal(np.asarray(doc.page_image(i)), np.asarray(page))


def test_pages_beyond_memory_budget_are_decoded_again(tmp_path: Path) -> None:
    path = tmp_path / "pages.tiff"
    pages = [letter_image(300, 400, seed=i) for i in range(3)]
    pages[0].save(path, save_all=True, append_images=pages[1:])
    doc = load_document(path, Limits(keep_decoded_pixels=300 * 400))
    assert len(doc._decoded) == 1
    assert np.array_equal(np.asarray(doc.page_image(2)), np.asarray(pages[2]))


def test_pdf_pages_rasterised_with_metadata(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    pages = [letter_image(850, 1100, seed=i) for i in range(2)]
    pages[0].save(
        path, save_all=True, append_images=pages[1:], resolution=100, title="A letter <script>"
    )
    doc = load_document(path, Limits(pdf_dpi=100))
    assert doc.media_type == "application/pdf"
    assert len(doc.pages) == 2
    assert (doc.pages[0].width, doc.pages[0].height) == (850, 1100)
    assert doc.pages[0].dpi == (100.0, 100.0)
    assert doc.properties["pdf_info"].get("Title") == "A letter <script>"
    assert doc.page_image(1).size == (850, 1100)


def test_huge_pdf_page_is_rendered_at_lower_resolution(tmp_path: Path) -> None:
    path = tmp_path / "poster.pdf"
    letter_image(400, 400).save(path, resolution=2)  # a 200-inch square page
    doc = load_document(path, Limits(max_pixels=4_000_000))
    page = doc.pages[0]
    assert page.width * page.height <= 4_000_000
    assert page.dpi is not None and page.dpi[0] < 300


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    letter_image(200, 200).save(plain)
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(EncryptedDocumentError, match="password"):
        load_document(locked)


def test_pdf_with_owner_password_only_opens(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    letter_image(200, 200).save(plain)
    locked = tmp_path / "restricted.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="", owner="owner"))
    assert len(load_document(locked).pages) == 1


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")
    with pytest.raises(CorruptFileError):
        load_document(path)


def test_text_and_html_documents(tmp_path: Path) -> None:
    txt = tmp_path / "translation.txt"
    txt.write_text("Translation of the letter\nline two", encoding="utf-8")
    doc = load_document(txt)
    assert doc.media_type == "text/plain" and doc.pages == () and "line two" in (doc.text or "")

    page = tmp_path / "names.html"
    page.write_text(
        '<!DOCTYPE html><html lang="fa" dir="rtl"><head><title>t</title>'
        "<script>alert(1)</script></head><body><p>فهرست نام‌ها</p><ul><li>علی</li>"
        "<li>مریم</li></ul></body></html>",
        encoding="utf-8",
    )
    doc = load_document(page)
    assert doc.media_type == "text/html"
    assert doc.text == "فهرست نام‌ها\nعلی\nمریم"
    assert doc.html is not None and "<script>" in doc.html


def test_legacy_windows_1256_text(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("نامه اداري".encode("cp1256"))
    doc = load_document(path)
    assert doc.text == "نامه اداري"
    assert doc.properties["encoding"] == "cp1256"


def test_html_to_text_skips_style_and_script() -> None:
    assert html_to_text("<style>p{}</style><p>a  b</p><script>x</script><div>c</div>") == "a b\nc"


@pytest.mark.parametrize("unclosed", ["<a ", "<a href='x", "<!--", "<p"])
def test_html_of_unclosed_tags_is_read_in_linear_time(tmp_path: Path, unclosed: str) -> None:
    # 400 KB of one unclosed tag repeated took minutes with the standard library's parser.
    page = tmp_path / "page.html"
    page.write_text("<p>before</p>" + unclosed * (400_000 // len(unclosed)), encoding="utf-8")
    with gives_up_after(30):
        doc = load_document(page)
    assert doc.media_type == "text/html"
    assert (doc.text or "").startswith("before")


def test_html_without_elements() -> None:
    assert html_to_text("") == ""
    assert html_to_text("<!-- only a comment -->") == ""
    assert html_to_text("plain words") == "plain words"


@pytest.mark.parametrize(
    ("mode", "make"),
    [
        ("CMYK", lambda: letter_image(64, 64).convert("CMYK")),
        ("P", lambda: letter_image(64, 64).convert("P")),
        ("RGBA", lambda: letter_image(64, 64).convert("RGBA")),
        ("LA", lambda: letter_image(64, 64).convert("LA")),
        ("L", lambda: letter_image(64, 64).convert("L")),
        ("1", lambda: letter_image(64, 64).convert("1")),
    ],
)
def test_colour_modes_become_rgb(tmp_path: Path, mode: str, make) -> None:  # type: ignore[no-untyped-def]
    img = make()
    assert img.mode == mode
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    path = tmp_path / f"x.{fmt.lower()}"
    img.save(path, format=fmt)
    page = load_document(path).page_image(0)
    assert page.mode == "RGB" and page.size == (64, 64)


def test_transparency_composited_over_white() -> None:
    img = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    assert normalize_image(img).getpixel((0, 0)) == (255, 255, 255)


def test_sixteen_bit_greyscale_scaled(tmp_path: Path) -> None:
    arr = np.linspace(0, 65535, 64 * 64).reshape(64, 64).astype(np.uint16)
    path = tmp_path / "deep.png"
    Image.fromarray(arr).save(path)
    assert load_document(path).properties["mode"].startswith("I")
    page = np.asarray(load_document(path).page_image(0))
    assert page[0, 0, 0] == 0 and page[-1, -1, 0] == 255
    tiff = tmp_path / "deep.tif"
    Image.fromarray(arr).save(tiff)
    assert np.asarray(load_document(tiff).page_image(0))[-1, -1, 0] == 255


def test_cmyk_colours_are_converted(tmp_path: Path) -> None:
    path = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (32, 32), (0, 255, 255, 0)).save(path, quality=95)  # pure red ink
    r, g, b = load_document(path).page_image(0).getpixel((16, 16))
    assert r > 200 and g < 60 and b < 60


# Bad inputs: each gives a specific, readable error.


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileMissingError, match="no such file"):
        load_document(tmp_path / "nope.jpg")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(NotAFileError, match="directory"):
        load_document(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(EmptyFileError, match="empty"):
        load_document(path)


def test_truncated_jpeg(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    letter_image(600, 800).save(buffer, format="JPEG", quality=90)
    path = tmp_path / "cut.jpg"
    whole = buffer.getvalue()
    path.write_bytes(whole[: len(whole) // 2])
    doc = load_document(path)  # the top half is recovered and analysed
    assert doc.pages[0].width == 600 and doc.pages[0].height == 800
    (note,) = doc.properties["unreadable"]
    assert "cut short" in note and "truncated" in note
    top = np.asarray(doc.page_image(0))[:200].astype(int)
    original = np.asarray(Image.open(io.BytesIO(whole)).convert("RGB"))[:200].astype(int)
    assert np.abs(top - original).mean() < 1
    with Image.open(io.BytesIO(whole)) as full:
        assert full.size == (600, 800)
    # only the header: no pixels to recover, the bytes are still a document to report on
    path.write_bytes(whole[:300])
    doc = load_document(path)
    assert doc.pages == () and doc.media_type == "image/jpeg"
    assert "cannot be decoded" in doc.properties["undecoded"]


def test_bigtiff_and_heic_are_read(tmp_path: Path) -> None:
    import pillow_heif
    import tifffile

    rng = np.random.default_rng(3)
    samples = rng.integers(0, 255, (120, 90, 5), dtype=np.uint8)  # five samples: Pillow refuses
    path = tmp_path / "multispectral.tif"
    tifffile.imwrite(path, samples, bigtiff=True, photometric="minisblack", planarconfig="contig")
    assert path.read_bytes().startswith(b"II+\x00")
    doc = load_document(path)
    assert doc.media_type == "image/tiff" and doc.properties["decoder"] == "tifffile"
    assert np.array_equal(np.asarray(doc.page_image(0)), samples[:, :, :3])

    heic = tmp_path / "phone.heic"
    pillow_heif.register_heif_opener()
    letter_image(300, 400).save(heic, quality=90)
    doc = load_document(heic)
    assert doc.media_type == "image/heic" and (doc.pages[0].width, doc.pages[0].height) == (
        300,
        400,
    )


def test_text_named_as_jpeg(tmp_path: Path) -> None:
    path = tmp_path / "letter.jpg"
    path.write_text("this is not an image", encoding="utf-8")
    with pytest.raises(UnsupportedFormatError, match=r"rename it to \.txt"):
        load_document(path)


def test_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "noise.bin"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnsupportedFormatError, match="not a format"):
        load_document(path)


def test_decompression_bomb_png(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    write_png_bomb(path, 30000, 30000)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(PixelLimitError, match="30000x30000"):
        load_document(path)


def test_pixel_limit_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    letter_image(200, 200).save(path)
    with pytest.raises(PixelLimitError):
        load_document(path, Limits(max_pixels=10_000))
    assert load_document(path, Limits(max_pixels=40_000)).pages[0].width == 200


def test_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    letter_image(200, 200).save(path)
    with pytest.raises(FileTooLargeError, match="file size limit"):
        load_document(path, Limits(max_file_bytes=100))


def test_page_limit(tmp_path: Path) -> None:
    path = tmp_path / "pages.tif"
    pages = [letter_image(50, 50, seed=i) for i in range(4)]
    pages[0].save(path, save_all=True, append_images=pages[1:])
    with pytest.raises(PageLimitError, match="4 pages"):
        load_document(path, Limits(max_pages=3))


def test_original_is_not_modified(jpeg_letter: Path) -> None:
    before = jpeg_letter.read_bytes()
    mtime = jpeg_letter.stat().st_mtime_ns
    doc = load_document(jpeg_letter)
    doc.page_image(0).paste((0, 0, 0), (0, 0, 50, 50))
    assert jpeg_letter.read_bytes() == before
    assert jpeg_letter.stat().st_mtime_ns == mtime
    assert doc.page_image(0).getpixel((10, 10)) != (0, 0, 0)  # callers get copies


def test_limits_from_environment() -> None:
    limits = Limits.from_env({"WORKBENCH_MAX_PIXELS": "1000", "WORKBENCH_PDF_DPI": "150"})
    assert limits.max_pixels == 1000 and limits.pdf_dpi == 150.0


@pytest.mark.parametrize("build", [pdf_page_tree_loop, pdf_page_tree_self_only])
def test_pdf_page_tree_that_loops_is_a_corrupt_file(tmp_path: Path, build) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "loop.pdf"
    path.write_bytes(build())
    with pytest.raises(CorruptFileError, match="page tree is damaged"):
        load_document(path)


def _capped(gib: float) -> None:
    cap = int(gib * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def test_pdf_metadata_bomb_is_reported_within_a_memory_cap(tmp_path: Path) -> None:
    # 1 MB whose XMP stream inflates to 1 GiB: PDFium inflated it on opening (8 GB resident).
    path = tmp_path / "bomb.pdf"
    path.write_bytes(pdf_metadata_bomb(1 << 30))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "check",
            str(path),
            "--only",
            "file,metadata",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=lambda: _capped(1.5),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["document"]["pages"][0]["width"] > 0
    (finding,) = [f for f in report["findings"] if f["code"] == "metadata.unreadable"]
    assert "decompression bomb" in finding["detail"]


def test_jpeg_with_many_exif_segments_opens_in_linear_time(tmp_path: Path) -> None:
    # Pillow concatenates Exif segments one by one: 240 s for these 1,600 of 60 KB.
    path = tmp_path / "segments.jpg"
    path.write_bytes(jpeg_with_exif_segments(1600))
    with gives_up_after(60):
        doc = load_document(path)
        report = analyze_document(doc, only=["file", "metadata", "compression"]).report
    assert doc.data() == path.read_bytes()  # the checks read the bytes as received
    assert np.asarray(doc.page_image(0)).shape == (48, 64, 3)
    assert {c.name: c.status.value for c in report.checks} == {
        "file": "ok",
        "metadata": "ok",
        "compression": "ok",
    }
    assert without_extra_exif(jpeg_with_exif_segments(1)) == jpeg_with_exif_segments(1)


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_tiff_pages_keep_their_stored_grid_whatever_the_orientation(
    tmp_path: Path, orientation: int
) -> None:
    # Pillow turns TIFF pages upright as it loads them; the workbench keeps the stored grid
    # (the orientation is metadata) as it does for JPEGs
    page = letter_image(300, 420, seed=5)
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"oriented-{orientation}.tif"
    page.save(path, compression="tiff_deflate", exif=exif)
    with Image.open(path) as check:
        assert check.tag_v2.get(0x0112) == orientation  # the file says it
    doc = load_document(path)
    assert (doc.pages[0].width, doc.pages[0].height) == (300, 420)
    assert np.array_equal(np.asarray(doc.page_image(0)), np.asarray(page))


def test_loading_registers_only_the_decoded_formats_plugins(tmp_path: Path) -> None:
    # Pillow's `Image.init()` imported some forty plugins in every process; the loader
    # registers the six it lets Pillow try, and a WebP and a TIFF page still load.
    Image.new("L", (40, 30), 200).save(tmp_path / "page.webp")
    Image.new("L", (40, 30), 200).save(tmp_path / "page.tif")
    code = (
        "import sys\n"
        "from workbench.loading import load_document\n"
        f"sample = {str(SAMPLE_LETTER)!r}\n"
        f"pages = [load_document(p).pages[0].width for p in (sample, {str(tmp_path)!r} + "
        "'/page.webp', " + f"{str(tmp_path)!r} + '/page.tif')]\n"
        "print(pages[1:], [m for m in ('PIL.EpsImagePlugin', 'PIL.DdsImagePlugin', "
        "'PIL.IcnsImagePlugin') if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["[40,", "40]", "[]"]
