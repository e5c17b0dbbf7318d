"""The ``layout`` check: the page against genuine exemplars, and its lines against each other.

Two parts. Line consistency always runs: the text lines of each page are measured (size,
stroke, baseline, margins) and a line whose type differs from the other lines of its block is
reported, since a retyped date or sentence is usually set a little differently. Exemplar
comparison (`exemplars`) runs when genuine exemplars of the same issuer are
given (``--reference``): the page is registered onto each exemplar, the template the exemplars
share (letterhead, labels, rules, footer) is compared block by block, and a moved, rescaled or
redrawn block is reported with where it lies. Body text differs between letters and is not
part of the template, so it raises nothing by being different.

Each line's words are also compared with each other by ink tone
(`workbench.imaging.layout.word_tone`): the words of a printed line share their tone, and a
word that does not (digits erased and typed again) is reported; with exemplars, a field's
line whose words differ in tone more than in the exemplars' line at the same place is too,
and so is a line whose sharpest word has steeper edges (against its own page) than the
sharpest word of the exemplars' line (`workbench.imaging.layout.word_shape`): a word put into
the image after the scan lacks the scan's blur.
How each word is printed against the whole page's print (ink darkness, edge sharpness,
stroke width, paper grain) remains the ``forensics`` check's glyph consistency.

`check` holds the check and its line findings; `lines` the measured lines of a page;
`exemplars` the comparison with genuine exemplars; `word_rules` its rules on a line's
extreme and sharpest words, which leave out a word in a pen's or a stamp's coloured ink (a
notice instead); `line_findings` the findings on a line compared with the exemplars' same
line.
"""

from __future__ import annotations

from .check import LayoutCheck

__all__ = ["LayoutCheck"]
