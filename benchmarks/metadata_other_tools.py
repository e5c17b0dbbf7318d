"""Metadata summary vs ExifTool on files written by other tools than the project's code.

The independent set of the metadata benchmark (the development set is
`benchmarks/metadata_vs_exiftool.py`, whose files `tests/support/metadata_files.py` builds byte by
byte). Here the pixels come from Pillow, libheif's encoder (through pillow-heif) and
ImageMagick's ``convert`` (JPEG, PNG, TIFF and Photoshop files, when it is installed), PDFs
from pikepdf, and the camera, phone, scanner and editor tags are written by ExifTool itself
(``exiftool -Make=... -DateTimeOriginal=...``), the way those devices' own software leaves
them: maker, model, software, dates with offsets, GPS, orientation, artist, copyright,
XMP creator tool and an editing history of several events, a Canon maker note, thumbnails
(one file carries three: EXIF's, Photoshop's and XMP's). Each file's summary is compared
field by field with ``exiftool -j -n`` through the same mapping as the development set,
and each XMP history event by event (action and software agent).

    .venv/bin/python benchmarks/metadata_other_tools.py [--write]

``--write`` replaces the "Metadata vs ExifTool: files written by other tools" section of
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402

from benchmarks.metadata_vs_exiftool import compare_with_exiftool, exiftool_version  # noqa: E402
from benchmarks.results_file import write_section  # noqa: E402

SECTION = "Metadata vs ExifTool: files written by other tools"

#: Tag sets ExifTool writes, shaped like what each kind of device or program leaves.
DEVICES: dict[str, list[str]] = {
    "phone": [
        "-Make=Apple", "-Model=iPhone 13", "-Software=16.4.1",
        "-DateTimeOriginal=2023:05:14 10:21:33", "-CreateDate=2023:05:14 10:21:33",
        "-ModifyDate=2023:05:14 10:21:33", "-OffsetTimeOriginal=+03:30",
        "-GPSLatitude=35.6892", "-GPSLatitudeRef=N", "-GPSLongitude=51.3890",
        "-GPSLongitudeRef=E", "-Orientation#=6",
    ],
    "camera": [
        "-Make=Canon", "-Model=Canon EOS 80D", "-Software=Firmware Version 1.0.2",
        "-DateTimeOriginal=2019:11:02 16:40:05", "-CreateDate=2019:11:02 16:40:05",
        "-Artist=A. Photographer", "-Copyright=(c) 2019 A. Photographer",
    ],
    "scanner": [
        "-Make=EPSON", "-Model=Perfection V600", "-Software=EPSON Scan",
        "-ModifyDate=2021:01:20 09:00:00", "-XResolution=300", "-YResolution=300",
        "-ResolutionUnit=inches",
    ],
    "editor": [
        "-Software=Adobe Photoshop 24.1 (Windows)", "-ModifyDate=2022:08:30 18:12:45",
        "-XMP-xmp:CreatorTool=Adobe Photoshop 24.1 (Windows)",
        "-XMP-xmp:CreateDate=2022:08:29 11:00:00+04:30",
        "-XMP-xmp:ModifyDate=2022:08:30 18:12:45+04:30",
        "-XMP-xmpMM:HistoryAction=saved", "-XMP-xmpMM:HistoryWhen=2022:08:30 18:12:45+04:30",
        "-XMP-xmpMM:HistorySoftwareAgent=Adobe Photoshop 24.1 (Windows)",
    ],
    "plain": [],
}  # fmt: skip


def _imagemagick() -> str | None:
    """ImageMagick's ``convert`` (or ``magick``), when installed, else None.

    A stand-in that only converts PNG to PPM does not count: the version must name it.
    """
    for name in ("magick", "convert"):
        path = shutil.which(name)
        if path is None:
            continue
        done = subprocess.run([path, "-version"], capture_output=True, text=True)
        if "ImageMagick" in done.stdout.split("\n", 1)[0]:
            return path
    return None


def _writers() -> str:
    """The tools that wrote the files, with their versions."""
    import pikepdf
    import PIL
    import pillow_heif

    magick = _imagemagick()
    imagemagick = "not installed"
    if magick is not None:
        first = subprocess.run([magick, "-version"], capture_output=True, text=True).stdout
        imagemagick = first.split("\n", 1)[0].removeprefix("Version: ").split(" https")[0]
    return (
        f"Pillow {PIL.__version__}, libheif {pillow_heif.libheif_version()} (pillow-heif), "
        f"{imagemagick}, pikepdf {pikepdf.__version__}, ExifTool"
    )


def _page() -> Image.Image:
    """A page-like image drawn by Pillow's own drawing (not the project's fixtures)."""
    img = Image.new("RGB", (620, 877), (246, 244, 238))
    draw = ImageDraw.Draw(img)
    for y in range(120, 800, 40):
        draw.rectangle([80, y, 540, y + 14], fill=(30, 30, 40))
    return img


def build(folder: Path) -> list[Path]:
    """Write the files: each container from its tool, then each device's tags by ExifTool."""
    import pikepdf
    import pillow_heif

    folder.mkdir(parents=True, exist_ok=True)
    page = _page()
    bases: dict[str, Path] = {}
    for name, options in {
        "pillow.jpg": {"quality": 88, "dpi": (200, 200)},
        "pillow-progressive.jpg": {"quality": 80, "progressive": True},
        "pillow.png": {"dpi": (300, 300)},
        "pillow.tif": {"compression": "tiff_deflate"},
        "pillow.webp": {"quality": 80},
    }.items():
        target = folder / f"base-{name}"
        page.save(target, **options)
        bases[name] = target
    pillow_heif.register_heif_opener()
    target = folder / "base-libheif.heic"
    page.save(target, quality=85)
    bases["libheif.heic"] = target
    # ImageMagick's convert writes JPEG, PNG, TIFF and Photoshop files with metadata of its
    # own (PNG dates, TIFF software); when it is installed
    if _imagemagick() is not None:
        source = folder / "source.ppm"
        page.save(source)
        for name, options in {
            "imagemagick.jpg": ["-quality", "87", "-sampling-factor", "2x2"],
            "imagemagick.png": [],
            "imagemagick.tif": ["-compress", "zip"],
            "imagemagick.psd": [],
        }.items():
            target = folder / f"base-{name}"
            subprocess.run(
                [_imagemagick() or "convert", str(source), *options, str(target)],
                check=True,
                capture_output=True,
            )
            bases[name] = target
    files: list[Path] = []
    for base_name, base in bases.items():
        for device, tags in DEVICES.items():
            target = folder / f"{device}-{base_name}"
            shutil.copy(base, target)
            if tags:
                subprocess.run(
                    ["exiftool", "-q", "-overwrite_original", *tags, str(target)],
                    check=True,
                    capture_output=True,
                )
            files.append(target)
    # Thumbnails: ExifTool embeds a JPEG one (as phones and cameras do).
    thumb = folder / "thumbnail.jpg"
    page.resize((160, 226)).save(thumb, quality=70)
    for base_name in ("pillow.jpg", "pillow-progressive.jpg"):
        target = folder / f"with-thumbnail-{base_name}"
        shutil.copy(folder / f"camera-{base_name}", target)
        subprocess.run(
            ["exiftool", "-q", "-overwrite_original", f"-ThumbnailImage<={thumb}", str(target)],
            check=True,
            capture_output=True,
        )
        files.append(target)
    # Several thumbnails in one file: EXIF's (IFD1), Photoshop's (APP13) and XMP's.
    target = folder / "thumbnails-pillow.jpg"
    shutil.copy(folder / "camera-pillow.jpg", target)
    subprocess.run(
        ["exiftool", "-q", "-overwrite_original", f"-ThumbnailImage<={thumb}",
         f"-PhotoshopThumbnail<={thumb}", "-XMP-xmp:ThumbnailsFormat=JPEG",
         "-XMP-xmp:ThumbnailsWidth=160", "-XMP-xmp:ThumbnailsHeight=226", str(target)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    files.append(target)
    # An XMP editing history of several events, as an editor leaves it after a few saves.
    for base_name in ("pillow.jpg", "pillow.png", "pillow.tif", "imagemagick.psd"):
        if base_name not in bases:
            continue
        target = folder / f"history-{base_name}"
        shutil.copy(bases[base_name], target)
        events = [
            ("created", "2022:08:29 11:00:00+04:30", "Adobe Photoshop 24.1 (Windows)"),
            ("converted", "2022:08:29 11:05:10+04:30", "Adobe Photoshop 24.1 (Windows)"),
            ("saved", "2022:08:30 18:12:45+04:30", "Adobe Photoshop 24.1 (Windows)"),
            ("saved", "2023:01:04 09:30:00+03:30", "GIMP 2.10"),
        ]
        subprocess.run(
            ["exiftool", "-q", "-overwrite_original", *DEVICES["editor"][:2],
             *(f"-XMP-xmpMM:History+={{Action={a},When={w},SoftwareAgent={s},Changed=/}}"
               for a, w, s in events),
             str(target)],
            check=True,
            capture_output=True,
        )  # fmt: skip
        files.append(target)
    # Maker notes: a Canon maker note IFD written into the EXIF by Pillow, then the rest of
    # a camera's tags by ExifTool (which decodes the maker note as Canon's).
    target = folder / "makernote-pillow.jpg"
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS 80D"
    maker = struct.pack("<H", 2)
    maker += struct.pack("<HHII", 0x0010, 4, 1, 0x80000350)  # CanonModelID: EOS 80D
    maker += struct.pack("<HHII", 0x000C, 4, 1, 123456789)  # SerialNumber
    maker += struct.pack("<I", 0)
    exif.get_ifd(0x8769)[0x927C] = maker
    page.save(target, quality=90, exif=exif)
    subprocess.run(
        ["exiftool", "-q", "-overwrite_original", *DEVICES["camera"][2:], str(target)],
        check=True,
        capture_output=True,
    )
    files.append(target)
    # PDFs written by pikepdf (Info and XMP), one saved again incrementally by ExifTool.
    for label, info in {
        "word": {"/Producer": "Microsoft® Word 2016", "/Creator": "Microsoft® Word 2016",
                 "/CreationDate": "D:20200311101500+03'30'", "/ModDate": "D:20200311101500+03'30'",
                 "/Author": "Office"},
        "scanner": {"/Producer": "EPSON Scan", "/CreationDate": "D:20210120090000"},
        "plain": {},
    }.items():  # fmt: skip
        target = folder / f"pikepdf-{label}.pdf"
        buffer = io.BytesIO()
        page.save(buffer, "PDF", resolution=150)
        with pikepdf.open(io.BytesIO(buffer.getvalue())) as pdf:
            for key, value in info.items():
                pdf.docinfo[key] = value
            if info:
                with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
                    meta.load_from_docinfo(pdf.docinfo)
            pdf.save(target)
        files.append(target)
    edited = folder / "exiftool-edited.pdf"
    shutil.copy(folder / "pikepdf-word.pdf", edited)
    subprocess.run(
        ["exiftool", "-q", "-overwrite_original", "-Author=Someone Else",
         "-ModifyDate=2024:02:02 12:00:00+03:30", str(edited)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    files.append(edited)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    version = exiftool_version()
    with tempfile.TemporaryDirectory() as tmp:
        files = build(Path(tmp) / "files")
        result = compare_with_exiftool(files)
    agree, total, misses, failed = result.agree, result.total, result.misses, result.failed
    compared, agreed = sum(total.values()), sum(agree.values())
    lines = [
        f"Measured {dt.date.today().isoformat()} by `benchmarks/metadata_other_tools.py` with "
        f"ExifTool {version} (the independent set: no file written by the project's code; "
        'the development set is the section "Metadata summary vs ExifTool").',
        f"{len(files)} files, {len(failed)} without a report; {agreed}/{compared} field "
        f"comparisons agree ({100 * agreed / max(compared, 1):.1f}%).",
        f"Writers: {_writers()}. Sizes of HEIF files are compared after their clean "
        "aperture (ExifTool's CleanAperture; its ImageHeight is the coded extent, 878 for a "
        "877-pixel page encoded in 4:2:0). History: the XMP editing history, event by event.",
        "",
        "| field | agree / compared | ExifTool has a value |",
        "| --- | --- | --- |",
        *result.table(),
    ]
    if misses:
        lines += ["", "Disagreements:", "", *(f"- {m}" for m in misses[:40])]
    if failed:
        lines += ["", "No report:", "", *(f"- {f}" for f in failed)]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(SECTION, f"## {SECTION}\n\n{text}")


if __name__ == "__main__":
    main()
