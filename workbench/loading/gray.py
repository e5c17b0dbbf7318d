"""Pages in grey without the memory of a colour page: what the checks read pixels from.

Every check that reads a page's pixels reads it in grey (ITU-R 601 luminance, Pillow's
``convert("L")``). At the pixel limit a page is 100 million pixels: 400 MB as an RGB image
(Pillow keeps four bytes a pixel), 100 MB in grey. Converting a whole RGB page at once, and
then copying the grey image into an array, held the colour page, the grey image, its bytes
and the array together (about 700 MB at the limit). Here the grey page is written into its
array one band of rows at a time, so only the array and one band are added to the image
being converted; a page stored in grey is decoded in grey, without a colour page at all.

A colour JPEG is still decoded in colour and converted. libjpeg can decode its luma
directly (Pillow's ``draft("L")``), a quarter of the memory, but that grey is rounded
before the colours are: on the questioned sample letter 275 of its 1.08 million pixels
differ by 1 or 2 grey levels, and that is enough to move findings (the keypoints of the
fingerprint and the copy-move matches of the forensics check), so the same page would
be reported differently depending on how it was decoded.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

#: Bytes of the colour image converted at a time (a band of whole rows).
BAND_BYTES = 4 * 2**20


def gray_array(image: Image.Image) -> np.ndarray:
    """`image` in grey as a new ``(height, width)`` uint8 array, converted band by band.

    The values are those of ``np.asarray(image.convert("L"))``: the conversion to grey is
    made pixel by pixel, so a band converts as it would within the whole image. For an
    image already in grey the bands are copied as they are.
    """
    width, height = image.size
    out = np.empty((height, width), dtype=np.uint8)
    if width == 0 or height == 0:
        return out
    rows = max(1, BAND_BYTES // (4 * width))
    for top in range(0, height, rows):
        bottom = min(height, top + rows)
        band = image.crop((0, top, width, bottom))
        if band.mode != "L":
            band = band.convert("L")
        out[top:bottom] = np.frombuffer(band.tobytes(), dtype=np.uint8).reshape(bottom - top, width)
    return out
