"""Files with known metadata, built from code: camera-, scanner- and editor-shaped, and ugly ones.

Used by the metadata check's tests and by ``benchmarks/metadata_vs_exiftool.py``. EXIF blocks
are written by a small TIFF writer here (Pillow's Exif API writes no IFD1 thumbnail), the rest
through Pillow, ImageCms and pikepdf.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pikepdf
from PIL import Image, ImageCms, PngImagePlugin, TiffImagePlugin

from tests.support.scanned import scanned_letter

ASCII, SHORT, LONG, RATIONAL, UNDEFINED = 2, 3, 4, 5, 7
Entry = tuple[int, int, Any]  # tag, type, value(s)


def _encode(kind: int, value: Any) -> bytes:
    if kind == ASCII:
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return raw + b"\x00"
    if kind == UNDEFINED:
        return bytes(value)
    values = value if isinstance(value, list | tuple) else [value]
    if kind == SHORT:
        return b"".join(struct.pack("<H", v) for v in values)
    if kind == LONG:
        return b"".join(struct.pack("<I", v) for v in values)
    if kind == RATIONAL:
        return b"".join(struct.pack("<II", n, d) for n, d in values)
    raise ValueError(kind)


def _count(kind: int, value: Any) -> int:
    if kind in (ASCII, UNDEFINED):
        return len(_encode(kind, value))
    if kind == RATIONAL:
        return len(value) if isinstance(value[0], tuple) else 1
    return len(value) if isinstance(value, list | tuple) else 1


def _ifd(entries: Sequence[Entry], start: int, next_ifd: int) -> bytes:
    entries = sorted(entries, key=lambda e: e[0])
    data_start = start + 2 + 12 * len(entries) + 4
    table = struct.pack("<H", len(entries))
    data = b""
    for tag, kind, value in entries:
        payload = _encode(kind, value)
        count = _count(kind, value)
        if len(payload) <= 4:
            field = payload.ljust(4, b"\x00")
        else:
            field = struct.pack("<I", data_start + len(data))
            data += payload + (b"\x00" if len(payload) % 2 else b"")
        table += struct.pack("<HHI", tag, kind, count) + field
    return table + struct.pack("<I", next_ifd) + data


def _size(entries: Sequence[Entry]) -> int:
    return len(_ifd(entries, 0, 0))


def exif_block(
    ifd0: Sequence[Entry],
    exif: Sequence[Entry] = (),
    gps: Sequence[Entry] = (),
    thumbnail: bytes | None = None,
) -> bytes:
    """An APP1 EXIF payload (``Exif\\0\\0`` + little-endian TIFF) with optional IFD1 thumbnail."""
    ifd0 = list(ifd0)
    if exif:
        ifd0.append((0x8769, LONG, 0))
    if gps:
        ifd0.append((0x8825, LONG, 0))
    o0 = 8
    o_exif = o0 + _size(ifd0)
    o_gps = o_exif + (_size(exif) if exif else 0)
    o_ifd1 = o_gps + (_size(gps) if gps else 0)
    ifd0 = [(t, k, o_exif if t == 0x8769 else o_gps if t == 0x8825 else v) for t, k, v in ifd0]
    ifd1: list[Entry] = []
    if thumbnail is not None:
        ifd1 = [(0x0103, SHORT, 6), (0x0201, LONG, 0), (0x0202, LONG, len(thumbnail))]
        thumb_at = o_ifd1 + _size(ifd1)
        ifd1 = [(0x0103, SHORT, 6), (0x0201, LONG, thumb_at), (0x0202, LONG, len(thumbnail))]
    body = _ifd(ifd0, o0, o_ifd1 if ifd1 else 0)
    if exif:
        body += _ifd(exif, o_exif, 0)
    if gps:
        body += _ifd(gps, o_gps, 0)
    if ifd1:
        body += _ifd(ifd1, o_ifd1, 0) + (thumbnail or b"")
    return b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + body


def dms(value: float) -> list[tuple[int, int]]:
    """Degrees, minutes, seconds (as EXIF rationals) of an absolute decimal angle."""
    value = abs(value)
    deg = int(value)
    minutes = int((value - deg) * 60)
    seconds = round(((value - deg) * 60 - minutes) * 60 * 1000)
    return [(deg, 1), (minutes, 1), (seconds, 1000)]


def jpeg(image: Image.Image, quality: int = 85, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, **options)
    return buffer.getvalue()


def thumbnail_of(image: Image.Image, size: tuple[int, int] = (160, 120)) -> bytes:
    thumb = image.copy()
    thumb.thumbnail(size)
    return jpeg(thumb.convert("RGB"), quality=75)


def xmp_packet(
    creator_tool: str | None,
    history: Sequence[tuple[str, str, str]] = (),
    create: str | None = None,
    modify: str | None = None,
) -> bytes:
    """An XMP packet with CreatorTool, dates and xmpMM:History events (action, when, agent)."""
    events = "".join(
        f'<rdf:li stEvt:action="{a}" stEvt:when="{w}" stEvt:softwareAgent="{s}" stEvt:changed="/"/>'
        for a, w, s in history
    )
    attrs = ""
    if creator_tool:
        attrs += f' xmp:CreatorTool="{creator_tool}"'
    if create:
        attrs += f' xmp:CreateDate="{create}"'
    if modify:
        attrs += f' xmp:ModifyDate="{modify}"'
    hist = f"<xmpMM:History><rdf:Seq>{events}</rdf:Seq></xmpMM:History>" if history else ""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        'xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" '
        'xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"'
        f"{attrs}>{hist}</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def page(seed: int = 0, size: tuple[int, int] = (620, 877)) -> Image.Image:
    return scanned_letter(size[0], size[1], seed=seed)


def camera_jpeg(path: Path) -> dict[str, Any]:
    """Camera-shaped: make, model, three dates with offsets, orientation, GPS, thumbnail."""
    image = page(1)
    exif = exif_block(
        [
            (0x010F, ASCII, "Canon"),
            (0x0110, ASCII, "Canon EOS 300D DIGITAL"),
            (0x0112, SHORT, 6),
            (0x0132, ASCII, "2003:06:21 16:42:10"),
            (0x013B, ASCII, "Reza Tehrani"),
            (0x8298, ASCII, "(c) 2003 Example News"),
        ],
        exif=[
            (0x9003, ASCII, "2003:06:20 09:15:00"),
            (0x9004, ASCII, "2003:06:20 09:15:00"),
            (0x9010, ASCII, "+04:30"),
            (0x9011, ASCII, "+04:30"),
            (0x9012, ASCII, "+04:30"),
        ],
        gps=[
            (0x0001, ASCII, "S"),
            (0x0002, RATIONAL, dms(33.8688)),
            (0x0003, ASCII, "W"),
            (0x0004, RATIONAL, dms(151.2093)),
        ],
        thumbnail=thumbnail_of(image),
    )
    path.write_bytes(jpeg(image, exif=exif))
    return {"latitude": -33.8688, "longitude": -151.2093}


def scanner_jpeg(path: Path) -> None:
    exif = exif_block(
        [(0x0131, ASCII, "EPSON Scan 3.9.3.0"), (0x0132, ASCII, "2001:05:20 10:02:33"),
         (0x010F, ASCII, "EPSON"), (0x0110, ASCII, "Perfection 1250")]
    )  # fmt: skip
    path.write_bytes(jpeg(page(2), exif=exif, dpi=(150, 150)))


def photoshop_jpeg(path: Path) -> None:
    history = [
        ("created", "2003-06-21T16:30:00+04:30", "Adobe Photoshop CS Windows"),
        ("saved", "2003-06-21T16:42:10+04:30", "Adobe Photoshop CS Windows"),
    ]
    xmp = xmp_packet(
        "Adobe Photoshop CS Windows",
        history,
        "2003-06-21T16:30:00+04:30",
        "2003-06-21T16:42:10+04:30",
    )
    exif = exif_block([(0x0131, ASCII, "Adobe Photoshop CS Windows"),
                       (0x0132, ASCII, "2003:06:21 16:42:10")])  # fmt: skip
    path.write_bytes(jpeg(page(3), exif=exif, xmp=xmp))


def gimp_jpeg(path: Path) -> None:
    xmp = xmp_packet("GIMP 2.10", [("saved", "2019-02-01T11:00:00+01:00", "GIMP 2.10 (Linux)")])
    path.write_bytes(jpeg(page(4), xmp=xmp))


def icc_jpeg(path: Path) -> str:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path.write_bytes(jpeg(page(5), icc_profile=profile))
    return "sRGB built-in"


def thumbnail_mismatch_jpeg(path: Path) -> None:
    image = page(6)
    other = Image.fromarray((np.indices((877, 620)).sum(axis=0) % 256).astype(np.uint8)).convert(
        "RGB"
    )
    exif = exif_block([(0x0131, ASCII, "Camera firmware 1.0")], thumbnail=thumbnail_of(other))
    path.write_bytes(jpeg(image, exif=exif))


def png_with_text(path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "Adobe ImageReady")
    info.add_text("Copyright", "Example News 2003")
    info.add_text("Creation Time", "2003:06:21 16:42:10")
    info.add_itxt("XML:com.adobe.xmp", xmp_packet("Adobe ImageReady").decode("utf-8"))
    page(7).save(path, pnginfo=info)


def plain_png(path: Path) -> None:
    page(8).save(path)


def tiff_16bit(path: Path) -> None:
    arr = (np.asarray(page(9).convert("L"), dtype=np.uint16) * 257).astype(np.uint16)
    image = Image.fromarray(arr)  # uint16 -> mode I;16
    tags = TiffImagePlugin.ImageFileDirectory_v2()
    tags[0x0131] = "HP Scanjet 5590 TWAIN 1.0"
    tags[0x0132] = "2001:05:20 10:02:33"
    tags[0x013B] = "Registry office"
    image.save(path, tiffinfo=tags)


def pdf_with_info(path: Path) -> None:
    buffer = io.BytesIO()
    page(10).save(buffer, format="PDF", resolution=75)
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as pdf:
        pdf.docinfo["/Creator"] = "Microsoft Word 2000"
        pdf.docinfo["/Producer"] = "Acrobat Distiller 5.0 (Windows)"
        pdf.docinfo["/Author"] = "Secretariat"
        pdf.docinfo["/CreationDate"] = "D:20010514093000+04'30'"
        pdf.docinfo["/ModDate"] = "D:20010514094500+04'30'"
        pdf.save(path)


def pdf_saved_twice(path: Path) -> None:
    """A PDF with one incremental update appended by hand (a new Info and trailer)."""
    pdf_with_info(path)
    data = path.read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        size = len(pdf.objects) + 1
        root = pdf.trailer.Root.objgen[0]
    startxref = int(data.rsplit(b"startxref", 1)[1].split()[0])
    obj = size
    body = (
        f"{obj} 0 obj\n<< /Producer (Edited later) /ModDate (D:20030621164210+04'30') >>\nendobj\n"
    ).encode()
    offset = len(data)
    xref_at = offset + len(body)
    xref = f"xref\n{obj} 1\n{offset:010d} 00000 n \n".encode()
    trailer = (
        f"trailer\n<< /Size {obj + 1} /Root {root} 0 R /Info {obj} 0 R /Prev {startxref} >>\n"
        f"startxref\n{xref_at}\n%%EOF\n"
    ).encode()
    path.write_bytes(data + body + xref + trailer)


def _psd_resource(resource_id: int, data: bytes) -> bytes:
    """One Photoshop image resource: ``8BIM``, id, empty Pascal name, size, padded data."""
    return (
        b"8BIM"
        + struct.pack(">H", resource_id)
        + b"\x00\x00"
        + struct.pack(">I", len(data))
        + data
        + b"\x00" * (len(data) % 2)
    )


def psd_file(
    image: Image.Image,
    *,
    software: str | None = None,
    xmp: bytes | None = None,
    iptc_byline: str | None = None,
) -> bytes:
    """A Photoshop document (PSD version 1, RGB, 8 bits, raw merged image, no layers).

    Written by the layout of Adobe's file format specification: EXIF (resource 0x0422, a
    TIFF block with IFD0 Software), XMP (0x0424) and IPTC (0x0404) image resources.
    """
    rgb = image.convert("RGB")
    width, height = rgb.size
    resources = b""
    if software is not None:
        block = exif_block([(0x0131, ASCII, software)])
        resources += _psd_resource(0x0422, block.removeprefix(b"Exif\x00\x00"))
    if xmp is not None:
        resources += _psd_resource(0x0424, xmp)
    if iptc_byline is not None:
        value = iptc_byline.encode("utf-8")
        resources += _psd_resource(0x0404, b"\x1c\x02\x50" + struct.pack(">H", len(value)) + value)
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, height, width, 8, 3)
    planes = np.asarray(rgb).transpose(2, 0, 1).tobytes()  # channel by channel
    return (
        header
        + struct.pack(">I", 0)  # colour mode data
        + struct.pack(">I", len(resources))
        + resources
        + struct.pack(">I", 0)  # layer and mask information
        + struct.pack(">H", 0)  # raw image data
        + planes
    )


def photoshop_psd(path: Path) -> None:
    """A Photoshop document with EXIF Software, XMP history and an IPTC by-line."""
    history = [("created", "2022-08-29T11:00:00+04:30", "Adobe Photoshop 24.1 (Windows)")]
    path.write_bytes(
        psd_file(
            page(9, (300, 420)),
            software="Adobe Photoshop 24.1 (Windows)",
            xmp=xmp_packet("Adobe Photoshop 24.1 (Windows)", history, modify="2022-08-30T18:12:45"),
            iptc_byline="A. Editor",
        )
    )


def build_folder(folder: Path) -> dict[str, dict[str, Any]]:
    """Write every file above into `folder`; returns {name: facts known by construction}."""
    folder.mkdir(parents=True, exist_ok=True)
    facts: dict[str, dict[str, Any]] = {}
    facts["camera.jpg"] = camera_jpeg(folder / "camera.jpg")
    scanner_jpeg(folder / "scanner.jpg")
    photoshop_jpeg(folder / "photoshop.jpg")
    gimp_jpeg(folder / "gimp.jpg")
    facts["icc.jpg"] = {"icc": icc_jpeg(folder / "icc.jpg")}
    thumbnail_mismatch_jpeg(folder / "thumbnail_mismatch.jpg")
    png_with_text(folder / "text.png")
    plain_png(folder / "plain.png")
    tiff_16bit(folder / "scan16.tif")
    pdf_with_info(folder / "info.pdf")
    pdf_saved_twice(folder / "saved_twice.pdf")
    photoshop_psd(folder / "photoshop.psd")
    for name in [p.name for p in folder.iterdir()]:
        facts.setdefault(name, {})
    return facts


# --------------------------------------------------------------------------------------------
# Comparison with ExifTool (``exiftool -j -n``)
# --------------------------------------------------------------------------------------------

SUMMARY_FIELDS = (
    "make", "model", "software", "creator_tool", "created", "digitized", "modified", "width",
    "height", "orientation", "gps_latitude", "gps_longitude", "icc_profile", "has_thumbnail",
    "artist", "copyright",
)  # fmt: skip


def exiftool_iso(value: Any) -> str | None:
    """ExifTool's ``YYYY:MM:DD HH:MM:SS[.ss][+hh:mm]`` as our ISO 8601 form."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    date, _, rest = value.partition(" ")
    iso = date.replace(":", "-")
    if rest:
        time = rest.split(".")[0] if "." in rest[:9] else rest
        tz = ""
        for sign in ("+", "-", "Z"):
            if sign in rest[8:]:
                tz = rest[8:][rest[8:].index(sign) :]
        iso += "T" + time[:8] + tz
    return iso


def _aperture(record: dict[str, Any], axis: int) -> int | None:
    """Width (axis 0) or height (1) of a HEIF's clean aperture in ``exiftool -n`` output."""
    parts = str(record.get("CleanAperture") or "").split()
    try:
        return int(float(parts[axis])) if len(parts) >= 2 else None
    except ValueError:
        return None


def exiftool_history(record: dict[str, Any]) -> list[tuple[Any, Any]] | None:
    """(action, software agent) of each XMP history event ExifTool lists, or None."""
    actions = record.get("HistoryAction")
    if actions is None:
        return None
    agents = record.get("HistorySoftwareAgent")
    actions = actions if isinstance(actions, list) else [actions]
    agents = agents if isinstance(agents, list) else [agents] * len(actions)
    return list(zip(actions, agents, strict=False))


def exiftool_expected(record: dict[str, Any]) -> dict[str, Any]:
    """The summary fields as ExifTool reports them, by the mapping this project documents."""
    pdf = record.get("FileType") == "PDF"

    def first(*keys: str) -> Any:
        for key in keys:
            value = record.get(key)
            if value not in (None, ""):
                return value
        return None

    def text(*keys: str) -> str | None:
        value = first(*keys)
        return str(value).strip() if value is not None else None

    return {
        "make": text("Make"),
        "model": text("Model"),
        "software": text("Software", "Producer") if not pdf else text("Producer"),
        "creator_tool": text("CreatorTool", "Creator"),
        "created": exiftool_iso(
            first("CreateDate") if pdf else first("SubSecDateTimeOriginal", "DateTimeOriginal")
        ),
        "digitized": None if pdf else exiftool_iso(first("SubSecCreateDate", "CreateDate")),
        "modified": exiftool_iso(first("SubSecModifyDate", "ModifyDate")),
        # HEIF: the size after the clean aperture (what a decoder shows), when ExifTool
        # reports one; ImageWidth and ImageHeight are the coded extent (even, for 4:2:0)
        "width": None if pdf else _aperture(record, 0) or first("ImageWidth"),
        "height": None if pdf else _aperture(record, 1) or first("ImageHeight"),
        "orientation": first("Orientation"),
        "gps_latitude": first("GPSLatitude"),
        "gps_longitude": first("GPSLongitude"),
        "icc_profile": text("ProfileDescription"),
        "has_thumbnail": None
        if pdf
        else ("ThumbnailImage" in record or "ThumbnailOffset" in record),
        "artist": text("Artist", "Author"),
        "copyright": text("Copyright", "Rights"),
    }


def compare_summary(
    ours: dict[str, Any], record: dict[str, Any]
) -> list[tuple[str, Any, Any, bool]]:
    """(field, ours, ExifTool's, agree) for every summary field; PDFs skip pixel fields."""
    expected = exiftool_expected(record)
    rows = []
    for name in SUMMARY_FIELDS:
        mine, theirs = ours.get(name), expected[name]
        if record.get("FileType") == "PDF" and name in ("width", "height", "has_thumbnail"):
            continue
        if isinstance(mine, float) or isinstance(theirs, float):
            agree = (
                mine is not None and theirs is not None and abs(float(mine) - float(theirs)) < 1e-5
            )
        else:
            agree = mine == theirs
        rows.append((name, mine, theirs, agree))
    return rows
