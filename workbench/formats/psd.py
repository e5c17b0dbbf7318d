"""Photoshop documents (PSD and PSB): the header and the image resources that carry metadata.

A newsroom meets Photoshop files among leaked or submitted material, and their metadata says
who edited them with what: Photoshop keeps EXIF, XMP (with its editing history), IPTC, the
ICC profile and a thumbnail as "image resources" between the header and the layers. This
reads the header (size, channels, depth, colour mode) and those resources, in one pass that
never reads past the section's declared length nor past the file, and never raises for a
malformed file (problems are returned). The pixels (layers and the merged image) are not read.

Layout (Adobe Photoshop File Formats Specification): a 26-byte header starting ``8BPS``; the
colour mode data section (a 4-byte length, then data); the image resources section (a
4-byte length, then resources, each ``8BIM``, a 2-byte id, a Pascal name padded to an even
length, a 4-byte size and the data padded to an even length).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

from workbench.formats.metadata import Exif, read_exif, read_icc, read_iim
from workbench.formats.values import MAX_ITEMS

#: Resource ids of the metadata blocks (Photoshop's ``PSResourceID``s).
IPTC = 0x0404
ICC_PROFILE = 0x040F
EXIF = 0x0422
XMP = 0x0424
THUMBNAIL = 0x040C
THUMBNAIL_OLD = 0x0409  # Photoshop 4.0 thumbnails, BGR
#: Signatures a resource block may start with (``8BIM`` from Photoshop, others from
#: ImageReady and third-party writers).
_BLOCK_SIGNATURES = (b"8BIM", b"MeSa", b"AgHg", b"PHUT", b"DCSR")
#: Colour modes of the header, by number.
COLOUR_MODES = {
    0: "bitmap",
    1: "greyscale",
    2: "indexed",
    3: "RGB",
    4: "CMYK",
    7: "multichannel",
    8: "duotone",
    9: "Lab",
}


@dataclass
class Psd:
    """What a Photoshop file's header and image resources say."""

    version: int
    channels: int
    height: int
    width: int
    depth: int
    colour_mode: str
    resources: dict[int, bytes] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def thumbnail(self) -> bytes | None:
        """The JPEG of the thumbnail resource, or None (the old BGR form included)."""
        block = self.resources.get(THUMBNAIL) or self.resources.get(THUMBNAIL_OLD)
        # 28 bytes of format, size and bit depth precede the JPEG data
        if block is None or len(block) <= 28 or block[28:31] != b"\xff\xd8\xff":
            return None
        return block[28:]


def is_psd(data: bytes) -> bool:
    """Whether `data` starts like a Photoshop document (PSD, or PSB for large documents)."""
    return data[:4] == b"8BPS" and data[4:6] in (b"\x00\x01", b"\x00\x02")


def read_psd(data: bytes) -> Psd | None:
    """The header and the image resources of a Photoshop file, or None when it is not one.

    Each resource id keeps its first block; at most `MAX_ITEMS` blocks are read. A section
    or block whose length runs past the file is kept as far as the file goes, and said so in
    ``problems``.
    """
    if not is_psd(data) or len(data) < 26:
        return None
    version, channels, height, width, depth, mode = struct.unpack(">H6xHIIHH", data[4:26])
    psd = Psd(
        version=version,
        channels=channels,
        height=height,
        width=width,
        depth=depth,
        colour_mode=COLOUR_MODES.get(mode, f"mode {mode}"),
    )
    offset = 26
    colour_data = _length(data, offset)
    if colour_data is None:
        psd.problems.append("the file ends inside its header")
        return psd
    offset += 4 + colour_data
    section = _length(data, offset)
    if section is None:
        psd.problems.append("the file ends before its image resources")
        return psd
    start = offset + 4
    end = start + section
    if end > len(data):
        psd.problems.append(
            f"the image resources section declares {section:,} bytes, past the end of the file"
        )
        end = len(data)
    _read_blocks(data, start, end, psd)
    return psd


def _length(data: bytes, offset: int) -> int | None:
    if offset + 4 > len(data):
        return None
    return int(struct.unpack(">I", data[offset : offset + 4])[0])


def _read_blocks(data: bytes, offset: int, end: int, psd: Psd) -> None:
    """Read resource blocks from `offset` to `end`; each step moves forward, so it ends."""
    count = 0
    while offset + 12 <= end:
        if data[offset : offset + 4] not in _BLOCK_SIGNATURES:
            psd.problems.append(f"an image resource at byte {offset:,} has no 8BIM signature")
            return
        count += 1
        if count > MAX_ITEMS:
            psd.problems.append(f"more than {MAX_ITEMS} image resources; the rest are not read")
            return
        (resource_id,) = struct.unpack(">H", data[offset + 4 : offset + 6])
        name_length = data[offset + 6]
        name_end = offset + 6 + 1 + name_length
        name_end += (name_end - offset) % 2  # the Pascal string is padded to an even length
        size = _length(data, name_end)
        if size is None or name_end + 4 > end:
            psd.problems.append(f"image resource {resource_id:#06x} is cut short")
            return
        body = name_end + 4
        if body + size > end:
            psd.problems.append(f"image resource {resource_id:#06x} runs past its section")
        psd.resources.setdefault(resource_id, data[body : min(body + size, end)])
        offset = body + size + (size % 2)


@dataclass
class PsdMetadata:
    """The metadata blocks of a Photoshop file, read as those of every other image are."""

    exif: Exif
    iptc: dict[str, Any]
    icc: dict[str, Any]
    xmp: bytes | None
    size: tuple[int, int] | None
    problems: list[str]


def read_psd_metadata(data: bytes) -> PsdMetadata:
    """EXIF, IPTC, ICC and XMP from a Photoshop file's image resources, and the page size.

    EXIF is the TIFF structure of resource 0x0422 (read by `read_exif`), IPTC the IIM
    datasets of 0x0404, the ICC profile 0x040F and the XMP packet 0x0424.
    """
    psd = read_psd(data)
    if psd is None:
        return PsdMetadata(Exif(), {}, {}, None, None, ["not a Photoshop file"])
    problems = [f"Photoshop resources: {p}" for p in psd.problems]
    exif = Exif()
    if EXIF in psd.resources:
        exif = read_exif(psd.resources[EXIF])
        problems += exif.problems
    iptc: dict[str, Any] = {}
    if IPTC in psd.resources:
        iptc, more = read_iim(psd.resources[IPTC])
        problems += more
    icc: dict[str, Any] = {}
    if psd.resources.get(ICC_PROFILE):
        icc, more = read_icc(psd.resources[ICC_PROFILE])
        problems += more
    size = (psd.width, psd.height) if psd.width > 0 and psd.height > 0 else None
    return PsdMetadata(exif, iptc, icc, psd.resources.get(XMP) or None, size, problems)
