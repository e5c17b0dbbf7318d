"""The metadata fields a reviewer asks about, normalised across EXIF, XMP, ICC, PNG and PDF.

Make, model, software, creation and modification dates, GPS position, author and copyright
are each recorded by several standards; these functions pick the first that records each
field, in the order a camera, a scanner or an editor writes them, so that one summary serves
every file type.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workbench.formats.metadata import Exif, gps_decimal
from workbench.formats.values import clean_text, first_present, iso_date, pdf_date
from workbench.formats.xmp import xmp_text
from workbench.model import PageInfo


def tiff_fields(pages: int, exif: Exif) -> dict[str, Any]:
    """The TIFF tags a reviewer reads, with the page count the loader found."""
    # the loader's page count: Pillow's n_frames walks every directory again and raises
    # on a damaged chain
    keys = (
        "ImageWidth",
        "ImageLength",
        "BitsPerSample",
        "Compression",
        "PhotometricInterpretation",
        "XResolution",
        "YResolution",
        "ResolutionUnit",
        "Software",
        "DateTime",
        "Artist",
        "HostComputer",
        "DocumentName",
        "ImageDescription",
        "PageName",
    )
    out: dict[str, Any] = {"pages": pages}
    for key in keys:
        text = exif.text(f"Image {key}")
        if text is not None:
            out[key] = text
    return out


def summary_fields(
    exif: Exif,
    xmp: dict[str, Any],
    icc: dict[str, Any],
    pdf: dict[str, Any],
    png: dict[str, str],
    pages: Sequence[PageInfo],
    *,
    image: bool | None = None,
    size: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """The fields every reviewer asks about, each from the first standard that records it.

    `pages` are the document's decoded pages (none for a text document): the first gives the
    size, or `size` (from the file's header) when no page was decoded. Only an image can
    carry an EXIF thumbnail: `image` says whether the document is one (by default, whether
    it has pages; an image whose pixels could not be decoded has none).
    """
    info = pdf.get("info") or {}
    orientation = None
    values = exif.values("Image Orientation")
    if values and isinstance(values[0], int) and 1 <= values[0] <= 8:
        orientation = int(values[0])
    page = pages[0] if pages else None
    width, height = (page.width, page.height) if page else (size or (None, None))
    image = bool(pages) if image is None else image
    return {
        "make": exif.text("Image Make") or xmp_text(xmp, "tiff:Make"),
        "model": exif.text("Image Model") or xmp_text(xmp, "tiff:Model"),
        "software": first_present(
            [
                exif.text("Image Software"),
                clean_text(png["Software"]) if "Software" in png else None,
                xmp_text(xmp, "tiff:Software"),
                info.get("Producer"),
            ]
        ),
        "creator_tool": xmp_text(xmp, "xmp:CreatorTool") or info.get("Creator"),
        "created": first_present(
            [
                iso_date(exif.text("EXIF DateTimeOriginal"), exif.text("EXIF OffsetTimeOriginal")),
                iso_date(xmp_text(xmp, "exif:DateTimeOriginal")),
                iso_date(xmp_text(xmp, "photoshop:DateCreated")),
                pdf_date(info.get("CreationDate")),
            ]
        ),
        "digitized": first_present(
            [
                iso_date(
                    exif.text("EXIF DateTimeDigitized"), exif.text("EXIF OffsetTimeDigitized")
                ),
                # in a PDF, xmp:CreateDate is the document's creation, not a digitization
                None if pdf else iso_date(xmp_text(xmp, "xmp:CreateDate")),
            ]
        ),
        "modified": first_present(
            [
                iso_date(exif.text("Image DateTime"), exif.text("EXIF OffsetTime")),
                iso_date(png.get("tIME")),
                iso_date(xmp_text(xmp, "xmp:ModifyDate")),
                pdf_date(info.get("ModDate")),
            ]
        ),
        "width": width,
        "height": height,
        "orientation": orientation,
        "gps_latitude": gps_decimal(exif, "Latitude"),
        "gps_longitude": gps_decimal(exif, "Longitude"),
        "icc_profile": icc.get("description"),
        "has_thumbnail": exif.thumbnail is not None if image else None,
        "artist": exif.text("Image Artist") or info.get("Author"),
        "copyright": exif.text("Image Copyright")
        or (clean_text(png["Copyright"]) if "Copyright" in png else None)
        or xmp_text(xmp, "dc:rights"),
    }
