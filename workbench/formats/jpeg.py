"""JPEG file structure: markers, quantization tables, frame header, and libjpeg quality scaling.

Pure functions over the bytes of a JPEG file (ITU-T T.81 | ISO/IEC 10918-1); nothing here
decodes pixels. Shared by the ``compression`` check and by forensic methods that need the
quantization steps of the file's own grid.

API
---
``parse_jpeg(data) -> JpegStructure``
    Walks the marker segments of the first image in `data`. Never raises for damaged input
    other than "not a JPEG at all" (`NotJpegError`); a truncated or garbled file yields what
    could be read, with ``truncated`` or ``problems`` set.
``JpegStructure.quantization_tables``
    ``{table_id: (8, 8) uint16 array}`` in **natural (row-major) order**: ``table[v, u]`` is
    the step of the DCT coefficient of vertical frequency ``v`` and horizontal frequency ``u``.
    In the file (DQT segments) the 64 steps are stored in **zigzag order**; `from_zigzag` /
    `to_zigzag` convert between the two. (Pillow 8.3 and later hand out
    ``Image.quantization`` already in natural order, as flat lists of 64.)
``scale_table(base, quality)``, ``standard_tables(quality)``
    The IJG libjpeg quality scaling (``jpeg_quality_scaling`` and ``jpeg_add_quant_table``
    in libjpeg's ``jcparam.c``) of the example tables of T.81 Annex K (Tables K.1 and K.2).
``estimate_quality(tables) -> QualityEstimate``
    The libjpeg quality 1-100 whose scaled tables are closest to the file's, with the mean
    absolute difference of the steps (0 means the file's tables *are* libjpeg's at that
    quality).
``subsampling(frame)``
    The chroma subsampling notation (``"4:2:0"``, ``"4:4:4"``, ...) of a frame.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

#: Zigzag scan order (T.81 Figure A.6): ``ZIGZAG[k]`` is the natural (row-major) index of the
#: k-th coefficient in zigzag order.
ZIGZAG: np.ndarray = np.array(
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ],
    dtype=np.intp,
)  # fmt: skip

#: T.81 Annex K, Table K.1: example luminance quantization table, natural order.
ANNEX_K_LUMINANCE: np.ndarray = np.array(
    [
        [16, 11, 10, 16, 24, 40, 51, 61],
        [12, 12, 14, 19, 26, 58, 60, 55],
        [14, 13, 16, 24, 40, 57, 69, 56],
        [14, 17, 22, 29, 51, 87, 80, 62],
        [18, 22, 37, 56, 68, 109, 103, 77],
        [24, 35, 55, 64, 81, 104, 113, 92],
        [49, 64, 78, 87, 103, 121, 120, 101],
        [72, 92, 95, 98, 112, 100, 103, 99],
    ],
    dtype=np.uint16,
)

#: T.81 Annex K, Table K.2: example chrominance quantization table, natural order.
ANNEX_K_CHROMINANCE: np.ndarray = np.array(
    [
        [17, 18, 24, 47, 99, 99, 99, 99],
        [18, 21, 26, 66, 99, 99, 99, 99],
        [24, 26, 56, 99, 99, 99, 99, 99],
        [47, 66, 99, 99, 99, 99, 99, 99],
        [99, 99, 99, 99, 99, 99, 99, 99],
        [99, 99, 99, 99, 99, 99, 99, 99],
        [99, 99, 99, 99, 99, 99, 99, 99],
        [99, 99, 99, 99, 99, 99, 99, 99],
    ],
    dtype=np.uint16,
)

#: Start-of-frame markers and the coding process each announces (T.81 Table B.1).
SOF_PROCESSES: dict[int, str] = {
    0xC0: "baseline",
    0xC1: "extended sequential",
    0xC2: "progressive",
    0xC3: "lossless",
    0xC5: "differential sequential",
    0xC6: "differential progressive",
    0xC7: "differential lossless",
    0xC9: "extended sequential, arithmetic",
    0xCA: "progressive, arithmetic",
    0xCB: "lossless, arithmetic",
    0xCD: "differential sequential, arithmetic",
    0xCE: "differential progressive, arithmetic",
    0xCF: "differential lossless, arithmetic",
}

_STANDALONE = frozenset({0x01, 0xD8, 0xD9, *range(0xD0, 0xD8)})
#: End of entropy-coded data: 0xFF followed by a marker byte that is not a stuffed zero, a
#: restart marker or a fill byte.
_SCAN_END = re.compile(rb"\xff[\x01-\xcf\xd8-\xfe]")
_RESTART = re.compile(rb"\xff[\xd0-\xd7]")
#: How many segments are recorded before the walk stops (a hostile file can hold millions).
MAX_SEGMENTS = 4096


class NotJpegError(ValueError):
    """The bytes do not start with a JPEG start-of-image marker."""


@dataclass(frozen=True)
class Segment:
    """One marker segment: its marker byte, offset of the 0xFF, and payload length."""

    marker: int
    offset: int
    length: int

    @property
    def name(self) -> str:
        """Conventional marker name (``SOI``, ``APP1``, ``DQT``, ``SOF2``, ...)."""
        return marker_name(self.marker)


@dataclass(frozen=True)
class AppSegment:
    """An application (APPn) segment and what it carries, identified by its signature."""

    marker: int
    offset: int
    length: int
    identifier: str
    kind: str


@dataclass(frozen=True)
class Component:
    """A frame component: id, sampling factors and the quantization table it uses."""

    id: int
    h: int
    v: int
    table: int


@dataclass(frozen=True)
class Frame:
    """The start-of-frame header: coding process, sample precision, size and components."""

    marker: int
    precision: int
    width: int
    height: int
    components: tuple[Component, ...]

    @property
    def process(self) -> str:
        """Coding process named by the SOF marker (``baseline``, ``progressive``, ...)."""
        return SOF_PROCESSES.get(self.marker, f"SOF 0x{self.marker:02X}")

    @property
    def progressive(self) -> bool:
        """Whether the image is coded progressively."""
        return self.marker in (0xC2, 0xC6, 0xCA, 0xCE)


@dataclass(frozen=True)
class JpegStructure:
    """What the marker walk of one JPEG file found.

    ``quantization_tables`` maps table id (0-3) to an ``(8, 8)`` uint16 array in natural
    order; when a table id is redefined (allowed between scans) the first definition is kept
    and the redefinition is listed in ``problems``. ``table_precision`` gives 8 or 16 bits per
    table id. ``restart_markers`` counts RSTn markers inside the entropy-coded data.
    """

    segments: tuple[Segment, ...]
    quantization_tables: dict[int, np.ndarray]
    table_precision: dict[int, int]
    frame: Frame | None
    app_segments: tuple[AppSegment, ...]
    restart_interval: int | None
    restart_markers: int
    scans: int
    comments: tuple[bytes, ...]
    end_of_image: bool
    trailing_bytes: int
    truncated: bool
    problems: tuple[str, ...] = field(default=())


def marker_name(marker: int) -> str:
    """Conventional name of a marker byte (the byte after 0xFF)."""
    if 0xE0 <= marker <= 0xEF:
        return f"APP{marker - 0xE0}"
    if 0xD0 <= marker <= 0xD7:
        return f"RST{marker - 0xD0}"
    if marker in SOF_PROCESSES:
        return f"SOF{marker - 0xC0}"
    names = {
        0xD8: "SOI",
        0xD9: "EOI",
        0xDA: "SOS",
        0xDB: "DQT",
        0xC4: "DHT",
        0xCC: "DAC",
        0xDD: "DRI",
        0xDC: "DNL",
        0xDE: "DHP",
        0xDF: "EXP",
        0xFE: "COM",
        0x01: "TEM",
    }
    return names.get(marker, f"0x{marker:02X}")


def from_zigzag(values: np.ndarray | list[int] | bytes) -> np.ndarray:
    """An ``(8, 8)`` natural-order table from 64 values in zigzag order (as in DQT, Pillow)."""
    flat = np.asarray(list(values) if isinstance(values, bytes) else values, dtype=np.uint16)
    if flat.size != 64:
        raise ValueError(f"a quantization table has 64 entries, not {flat.size}")
    natural = np.empty(64, dtype=np.uint16)
    natural[ZIGZAG] = flat.ravel()
    return natural.reshape(8, 8)


def to_zigzag(table: np.ndarray) -> np.ndarray:
    """The 64 steps of an ``(8, 8)`` natural-order table, in zigzag order."""
    out: np.ndarray = np.asarray(table).ravel()[ZIGZAG]
    return out


def _app_kind(marker: int, payload: bytes) -> tuple[str, str]:
    """(identifier, kind) of an APPn payload from its leading signature."""
    nul = payload.find(b"\x00", 0, 64)
    raw = payload[: nul if nul >= 0 else min(len(payload), 32)]
    identifier = raw.decode("latin-1", "replace")
    identifier = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in identifier)
    n = marker - 0xE0
    if n == 0 and payload.startswith(b"JFIF\x00"):
        return identifier, "JFIF"
    if n == 0 and payload.startswith(b"JFXX\x00"):
        return identifier, "JFIF extension"
    if n == 1 and payload.startswith(b"Exif\x00"):
        return identifier, "Exif"
    if n == 1 and payload.startswith(b"http://ns.adobe.com/xap/1.0/\x00"):
        return identifier, "XMP"
    if n == 1 and payload.startswith(b"http://ns.adobe.com/xmp/extension/\x00"):
        return identifier, "Extended XMP"
    if n == 2 and payload.startswith(b"ICC_PROFILE\x00"):
        return identifier, "ICC profile"
    if n == 2 and payload.startswith(b"MPF\x00"):
        return identifier, "Multi-picture format"
    if n == 2 and payload.startswith(b"FPXR\x00"):
        return identifier, "FlashPix"
    if n == 13 and payload.startswith(b"Photoshop 3.0\x00"):
        return identifier, "Photoshop IRB"
    if n == 14 and payload.startswith(b"Adobe"):
        return identifier, "Adobe"
    if n == 12 and payload.startswith(b"Ducky"):
        return identifier, "Ducky (Save for Web)"
    return identifier, "unknown"


def parse_jpeg(data: bytes) -> JpegStructure:
    """Walk the marker segments of the first image in `data`.

    Parameters
    ----------
    data : bytes
        The whole file.

    Returns
    -------
    JpegStructure
        Everything read before the end-of-image marker, the end of the data, or damage that
        makes further reading meaningless.

    Raises
    ------
    NotJpegError
        When `data` does not start with the start-of-image marker ``FF D8``.

    """
    if not data.startswith(b"\xff\xd8"):
        raise NotJpegError("not a JPEG file (no start-of-image marker)")
    segments: list[Segment] = [Segment(0xD8, 0, 0)]
    tables: dict[int, np.ndarray] = {}
    precision: dict[int, int] = {}
    apps: list[AppSegment] = []
    comments: list[bytes] = []
    problems: list[str] = []
    frame: Frame | None = None
    restart_interval: int | None = None
    restarts = scans = 0
    end = truncated = False
    pos = 2
    n = len(data)
    while pos < n:
        if len(segments) >= MAX_SEGMENTS:
            problems.append(f"more than {MAX_SEGMENTS} segments; the rest was not read")
            break
        if data[pos] != 0xFF:
            # Garbage between segments: resynchronise on the next marker, as decoders do.
            nxt = data.find(b"\xff", pos)
            problems.append(f"{(nxt if nxt >= 0 else n) - pos} stray bytes at offset {pos}")
            if nxt < 0:
                truncated = True
                break
            pos = nxt
            continue
        while pos + 1 < n and data[pos + 1] == 0xFF:  # fill bytes
            pos += 1
        if pos + 1 >= n:
            truncated = True
            break
        marker = data[pos + 1]
        start = pos
        pos += 2
        if marker == 0xD9:
            segments.append(Segment(marker, start, 0))
            end = True
            break
        if marker in _STANDALONE:
            segments.append(Segment(marker, start, 0))
            continue
        if pos + 2 > n:
            truncated = True
            break
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        if length < 2:
            problems.append(f"{marker_name(marker)} at offset {start} has invalid length {length}")
            truncated = True
            break
        payload = data[pos + 2 : pos + length]
        if len(payload) < length - 2:
            truncated = True
        segments.append(Segment(marker, start, length - 2))
        pos += length
        if marker == 0xDB:
            _read_dqt(payload, tables, precision, problems)
        elif marker in SOF_PROCESSES:
            parsed = _read_sof(marker, payload)
            if parsed is None:
                problems.append(f"{marker_name(marker)} header is too short")
            elif frame is None:
                frame = parsed
        elif marker == 0xDD and len(payload) >= 2:
            (restart_interval,) = struct.unpack(">H", payload[:2])
        elif 0xE0 <= marker <= 0xEF:
            identifier, kind = _app_kind(marker, payload)
            apps.append(AppSegment(marker, start, length - 2, identifier, kind))
        elif marker == 0xFE:
            comments.append(payload)
        elif marker == 0xDA:
            scans += 1
            match = _SCAN_END.search(data, pos)
            scan_end = match.start() if match else n
            restarts += len(_RESTART.findall(data, pos, scan_end))
            if match is None:
                truncated = True
            pos = scan_end
        if truncated:
            break
    trailing = 0
    if end:
        trailing = n - (segments[-1].offset + 2)
    return JpegStructure(
        segments=tuple(segments),
        quantization_tables=tables,
        table_precision=precision,
        frame=frame,
        app_segments=tuple(apps),
        restart_interval=restart_interval,
        restart_markers=restarts,
        scans=scans,
        comments=tuple(comments),
        end_of_image=end,
        trailing_bytes=trailing,
        truncated=truncated or not end,
        problems=tuple(problems),
    )


def _read_dqt(
    payload: bytes, tables: dict[int, np.ndarray], precision: dict[int, int], problems: list[str]
) -> None:
    i = 0
    while i < len(payload):
        pq, tq = payload[i] >> 4, payload[i] & 0x0F
        i += 1
        size = 128 if pq else 64
        chunk = payload[i : i + size]
        if len(chunk) < size or pq > 1 or tq > 3:
            problems.append("a quantization table (DQT) is malformed")
            return
        values = np.frombuffer(chunk, dtype=">u2" if pq else np.uint8).astype(np.uint16)
        i += size
        if tq in tables:
            if not np.array_equal(tables[tq], from_zigzag(values)):
                problems.append(f"quantization table {tq} is redefined with other values")
            continue
        tables[tq] = from_zigzag(values)
        precision[tq] = 16 if pq else 8


def _read_sof(marker: int, payload: bytes) -> Frame | None:
    if len(payload) < 6:
        return None
    p, y, x, nf = struct.unpack(">BHHB", payload[:6])
    comps = []
    for k in range(nf):
        rec = payload[6 + 3 * k : 9 + 3 * k]
        if len(rec) < 3:
            return None
        comps.append(Component(id=rec[0], h=rec[1] >> 4, v=rec[1] & 0x0F, table=rec[2]))
    return Frame(marker, p, x, y, tuple(comps))


def subsampling(frame: Frame | None) -> str | None:
    """Chroma subsampling notation of a frame, or None for one-component (grey) images.

    Three-component frames give the J:a:b notation (``4:4:4``, ``4:2:2``, ``4:2:0``,
    ``4:4:0``, ``4:1:1``); other layouts give the sampling factors, e.g. ``"2x2,1x1,1x1,2x2"``.
    """
    if frame is None or len(frame.components) < 2:
        return None
    factors = [(c.h, c.v) for c in frame.components]
    if len(factors) == 3 and factors[1] == factors[2] == (1, 1):
        known = {
            (1, 1): "4:4:4",
            (2, 1): "4:2:2",
            (2, 2): "4:2:0",
            (1, 2): "4:4:0",
            (4, 1): "4:1:1",
        }
        if factors[0] in known:
            return known[factors[0]]
    return ",".join(f"{h}x{v}" for h, v in factors)


def quality_scaling(quality: int) -> int:
    """Quality 1-100 to a percentage of the Annex K tables (libjpeg's ``jpeg_quality_scaling``)."""
    q = min(max(int(quality), 1), 100)
    return 5000 // q if q < 50 else 200 - 2 * q


def scale_table(base: np.ndarray, quality: int, *, force_baseline: bool = True) -> np.ndarray:
    """A base table scaled to `quality` as libjpeg's ``jpeg_add_quant_table`` does.

    ``step = clip((base * scale + 50) // 100, 1, 255 if force_baseline else 32767)``, with
    ``scale = quality_scaling(quality)``. Returns an ``(8, 8)`` uint16 array.
    """
    scale = quality_scaling(quality)
    steps = (np.asarray(base, dtype=np.int64) * scale + 50) // 100
    return np.clip(steps, 1, 255 if force_baseline else 32767).astype(np.uint16)


def standard_tables(quality: int) -> tuple[np.ndarray, np.ndarray]:
    """(luminance, chrominance) tables libjpeg writes at `quality` (``cjpeg -quality``)."""
    return scale_table(ANNEX_K_LUMINANCE, quality), scale_table(ANNEX_K_CHROMINANCE, quality)


@dataclass(frozen=True)
class QualityEstimate:
    """The libjpeg quality closest to a file's tables.

    ``error`` is the mean absolute difference between the file's steps and libjpeg's at
    ``quality`` over the compared tables; ``exact`` is true when every step agrees, i.e. the
    file was written with the standard tables (libjpeg, libjpeg-turbo, and what uses them).
    """

    quality: int
    error: float
    exact: bool
    tables_compared: int


def estimate_quality(tables: Mapping[int, np.ndarray]) -> QualityEstimate | None:
    """Estimate the libjpeg quality (1-100) of a file from its quantization tables.

    Table 0 is compared with the scaled Annex K luminance table and table 1 (when present)
    with the chrominance one. For non-standard tables the answer is the nearest libjpeg
    quality, a common yardstick (tables of cameras and editors are compared on that scale);
    ``error`` says how far they are from it.

    Parameters
    ----------
    tables : mapping of int to (8, 8) array
        Quantization tables in natural order, as in `JpegStructure.quantization_tables`.

    Returns
    -------
    QualityEstimate or None
        None when there is no table 0.

    """
    if 0 not in tables:
        return None
    lum = np.asarray(tables[0], dtype=np.float64)
    chroma = np.asarray(tables[1], dtype=np.float64) if 1 in tables else None
    force_baseline = bool(lum.max() <= 255 and (chroma is None or chroma.max() <= 255))
    best: tuple[float, int] | None = None
    for q in range(1, 101):
        err = np.abs(lum - scale_table(ANNEX_K_LUMINANCE, q, force_baseline=force_baseline))
        total = float(err.sum())
        count = 64
        if chroma is not None:
            ref = scale_table(ANNEX_K_CHROMINANCE, q, force_baseline=force_baseline)
            total += float(np.abs(chroma - ref).sum())
            count += 64
        # Ties (several qualities give the same tables near 100) go to the higher quality.
        if best is None or total / count <= best[0]:
            best = (total / count, q)
    assert best is not None
    return QualityEstimate(
        quality=best[1],
        error=round(best[0], 4),
        exact=best[0] == 0.0,
        tables_compared=2 if chroma is not None else 1,
    )


def without_extra_exif(data: bytes) -> bytes:
    """`data`, or for a JPEG with several Exif segments a copy keeping only the first.

    Pillow joins a JPEG's Exif segments by repeated concatenation, quadratic in their number
    (240 s to open a file of 1,600 segments of 60 KB). Give the copy to Pillow: its pixels,
    tables and other segments are the same; Exif is read from the original elsewhere.
    """
    if not data.startswith(b"\xff\xd8"):
        return data
    exif = [a for a in parse_jpeg(data).app_segments if a.kind == "Exif"]
    if len(exif) <= 1:
        return data
    kept = bytearray()
    pos = 0
    for segment in exif[1:]:
        kept += data[pos : segment.offset]
        pos = segment.offset + 4 + segment.length
    kept += data[pos:]
    return bytes(kept)
