"""The ``forensics`` check: local traces of pixel editing on each page.

Adapts the array functions of `workbench.imaging` (error level analysis, noise-level
inconsistency, keypoint and block copy-move, JPEG ghosts, text copy-move, glyph and line
consistency, and their fusion in `workbench.imaging.forensic.tamper`) to documents: one tamper
heatmap and score per page, each method's own map as an artifact for the viewer, and findings
with the regions a reviewer should look at. Finding codes, each naming the method that saw it:
``forensics.clone`` (copy-move, keypoints or blocks), ``forensics.splice`` (JPEG ghosts),
``forensics.noise_inconsistency`` (noise level), ``forensics.text_copy_move`` (words that are
pixel copies of other words, noise included), ``forensics.glyph_inconsistency`` (words or
lines printed differently, and numbers read by OCR printed differently from the page's other
numbers: `workbench.imaging.forensic.digits`) and ``forensics.paper_step`` (paper tone steps).
The numbers come from the context's OCR reading, shared with the ``ocr`` check: free in a
whole check, one Tesseract pass per page when the check runs alone.

When genuine exemplars of the same source are given (``--reference``), the text methods'
thresholds are set from them (`workbench.imaging.forensic.calibration`); otherwise each page is
its own reference.

Text on paper is not a photograph: printed glyphs, ruled lines and rubber stamps repeat, and
scanners and publishers recompress whole pages. Every method therefore compares a region with
the rest of its own page, and clones are verified on the paper texture around the ink, so a
clean scan of a printed letter stays quiet. What remains is evidence to weigh, never a verdict.

`check` holds the check and its page loop; `findings` the findings it builds from each page's
traces, with their thresholds.
"""

from __future__ import annotations

from .check import ForensicsCheck

__all__ = ["ForensicsCheck"]
