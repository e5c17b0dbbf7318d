"""The ``layout`` check: the page against genuine exemplars, and its lines against each other.

Two parts. Line consistency always runs: the text lines of each page are measured (size,
stroke, baseline, margins) and a line whose type differs from the other lines of its block is
reported, since a retyped date or sentence is usually set a little differently. Exemplar
comparison (`exemplars`) runs when genuine exemplars of the same issuer are
given (``--reference``): the page is registered onto each exemplar, the template the exemplars
share (letterhead, labels, rules, footer) is compared block by block, and a moved, rescaled or
redrawn block is reported with where it lies. Body text differs between letters and is not
part of the template, so it raises nothing by being different.

How each word is *printed* (ink darkness, edge sharpness, stroke width, paper grain) is the
``forensics`` check's glyph consistency; it is reported there once, not here as well.

`check` holds the check and its line findings; `lines` the measured lines of a page;
`exemplars` the comparison with genuine exemplars.
"""

from __future__ import annotations

from .check import LayoutCheck

__all__ = ["LayoutCheck"]
