"""The layout check's comparison of a page with genuine exemplars of the same issuer.

The page is registered onto each exemplar, the template the exemplars share (letterhead,
labels, rules, footer) is compared block by block, and a moved, rescaled or redrawn block is
reported with where it lies; each text line is also compared with the exemplars' line at the
same place (without one, by tone and edges with the exemplar's nearest text row in the same
weight of type; the figures are measured in `line_compare`) and judged here against every
exemplar. Body text differs between letters and is not part of the template, so it raises
nothing by being different. Used by the check in `check`.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import cv2
import numpy as np

from workbench import conventions
from workbench.check import Check
from workbench.context import Context
from workbench.imaging.layout.comparison import difference_map, ink_overlay
from workbench.imaging.layout.registration import Registration, register, transform_box, warp_to
from workbench.imaging.layout.template import (
    BlockComparison,
    TemplateBlock,
    compare_block,
    ink_constancy,
    ink_mask,
    soft_ink,
    template_blocks,
)
from workbench.imaging.layout.word_shape import SHARPER_LIMIT
from workbench.loading import Document
from workbench.loading.fill import box_decoded
from workbench.model import Artifact, Finding, Region, Severity
from workbench.serialize import region_to_dict

from .block_findings import block_finding
from .line_compare import compare_lines
from .line_findings import (
    agreed,
    body_sharper_finding,
    line_vs_exemplar_finding,
    other_ink_finding,
    sharper_finding,
    shift_finding,
    tone_vs_exemplar_finding,
)
from .lines import (
    PageLines,
    box_region,
    letterhead_lines,
)
from .word_rules import (
    body_sharper_than_rows,
    body_stands_out,
    edges_sharper,
    judge_words,
    other_ink_judge,
    sharper_stands_out,
    shift_stands_out,
    tone_shifted,
)


def _union(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(a[0] + a[2], b[0] + b[2]), max(a[1] + a[3], b[1] + b[3])
    return x0, y0, x1 - x0, y1 - y0


def _for_display(rgb: np.ndarray, max_width: int = 1240) -> np.ndarray:
    """Shrink an artifact picture to a screen-sized width (they are for looking at)."""
    if rgb.shape[1] <= max_width:
        return rgb
    factor = max_width / rgb.shape[1]
    return np.asarray(
        cv2.resize(rgb, (max_width, round(rgb.shape[0] * factor)), interpolation=cv2.INTER_AREA)
    )


def _template(
    context: Context, exemplars: list[Document], convention: conventions.Convention
) -> tuple[list[TemplateBlock], dict[str, Registration], str]:
    """Template blocks in the first exemplar's frame, with each exemplar's registration."""

    def compute() -> tuple[list[TemplateBlock], dict[str, Registration], str]:
        primary = exemplars[0]
        fixed = np.asarray(context.page_gray(0, document=primary))
        fixed_ink = ink_mask(fixed)
        regs: dict[str, Registration] = {}
        others = []
        for other in exemplars[1:]:
            reg = register(np.asarray(context.page_gray(0, document=other)), fixed)
            regs[other.sha256] = reg
            if reg.registered and reg.matrix is not None:
                aligned = warp_to(
                    np.asarray(context.page_gray(0, document=other)), reg.matrix, fixed.shape
                )
                others.append(ink_mask(aligned))
        tolerance = max(2, round(fixed.shape[1] * 0.002))
        if others:
            constancy = ink_constancy(fixed_ink, others, tolerance)
            blocks = template_blocks(fixed_ink, constancy)
            source = f"ink shared by {len(others) + 1} registered exemplars"
        else:
            h, w = fixed.shape
            allowed = np.zeros(fixed.shape, dtype=bool)
            for element in convention.elements:
                if element.template:
                    for z in element.zones:
                        allowed[int(z[1] * h) : int(z[3] * h), int(z[0] * w) : int(z[2] * w)] = True
            blocks = template_blocks(
                fixed_ink, ink_constancy(fixed_ink, [], tolerance), allowed=allowed
            )
            source = (
                "one exemplar: its ink inside the convention's fixed zones (a second "
                "exemplar would show which ink is truly constant)"
            )
        h, w = fixed.shape
        blocks = [
            b
            for b in blocks
            if not convention.ignored((b.box[0] + b.box[2] / 2) / w, (b.box[1] + b.box[3] / 2) / h)
        ]
        return blocks, regs, source

    key = ("layout.template", tuple(d.sha256 for d in exemplars))
    return context.cached(key, compute)


def compare_with_exemplars(
    check: Check, context: Context, convention: conventions.Convention, qlines: PageLines
) -> tuple[list[Finding], list[dict[str, Any]], list[Artifact | None], str | None]:
    """Compare page 1 (its lines `qlines`) with each exemplar in `context.references`.

    Returns the findings (each block or line seen against several exemplars becomes one
    finding), a comparison row per exemplar, the overlay and difference pictures, and a note
    when nothing could be compared. `check` makes the findings.
    """
    exemplars = [d for d in context.references if d.pages]
    comparisons: list[dict[str, Any]] = []
    findings: list[Finding] = []
    artifacts: list[Artifact | None] = []
    for ref in context.references:
        if not ref.pages:
            comparisons.append(
                {
                    "reference": ref.sha256,
                    "registered": False,
                    "similarity": None,
                    "changed_regions": [],
                    "reason": "the exemplar has no page image",
                }
            )
    if not exemplars:
        return findings, comparisons, artifacts, "No exemplar has a page image to compare."
    blocks, exemplar_regs, source = _template(context, exemplars, convention)
    multi = len(exemplars) > 1 and any(r.registered for r in exemplar_regs.values())
    questioned = np.asarray(context.page_gray(0))
    # A partly decoded page: its decoder's fill is neither ink nor paper of the page.
    decoded = context.decoded_pixels(0)
    page = context.document.pages[0]
    mm_per_px = 25.4 / page.dpi[0] if page.dpi and page.dpi[0] > 0 else None
    # Observations of the same block or line against several exemplars become one finding.
    block_hits: dict[int, list[tuple[Document, BlockComparison, str, Region]]] = {}
    line_hits: dict[int, list[dict[str, Any]]] = {}
    tone_hits: dict[int, list[dict[str, Any]]] = {}
    tone_seen: dict[int, int] = {}
    # Each line's comparisons judged by a word (a line's extreme or sharpest word) and its
    # rule: a comparison whose word is in a pen's or a stamp's ink is left out (`_word_rule`).
    shift_rows: dict[int, list[dict[str, Any]]] = {}
    sharp_rows: dict[int, list[dict[str, Any]]] = {}
    body_rows: dict[int, list[dict[str, Any]]] = {}
    # Lines an exemplar's line or row compared by edges found within the sharper rule's limit.
    sharp_within: set[int] = set()
    tone_placed: dict[int, int] = {}  # the same, counting comparisons at the same place only
    line_seen: dict[int, int] = {}
    lines_compared = 0  # exemplars whose lines were compared with the page's
    for k, ref in enumerate(exemplars):
        fixed = np.asarray(context.page_gray(0, document=ref))
        reg = register(questioned, fixed)
        entry: dict[str, Any] = {
            "reference": ref.sha256,
            "reference_path": ref.path.name,
            "registered": reg.registered,
            "similarity": None,
            "changed_regions": [],
            "transform": reg.to_dict(),
            "template_source": source,
        }
        comparisons.append(entry)
        if not reg.registered or reg.matrix is None:
            entry["reason"] = reg.reason
            findings.append(
                check.finding(
                    "not_registered",
                    Severity.INFO,
                    "The page could not be registered onto an exemplar",
                    f"The page and the exemplar {ref.path.name} could not be aligned: "
                    f"{reg.reason}. They do not appear to share a template (letterhead, "
                    "field labels, rules), so no template comparison was made. That is "
                    "expected for an exemplar of another office or form; for an exemplar "
                    "of the same form it means the layout differs throughout.",
                    page=0,
                    evidence={"reference": ref.sha256, **reg.to_dict()},
                    checklist=["form.template"],
                )
            )
            continue
        # Template blocks in this exemplar's frame.
        if k == 0:
            kblocks = blocks
        else:
            ereg = exemplar_regs.get(ref.sha256)
            if ereg is None or not ereg.registered:
                entry["reason"] = "this exemplar does not share the first exemplar's template"
                continue
            inv = ereg.inverse()
            kblocks = [
                TemplateBlock(transform_box(b.box, inv), b.constancy, b.ink_pixels) for b in blocks
            ]
        aligned = warp_to(questioned, reg.matrix, fixed.shape)
        sigma = max(1.0, fixed.shape[1] / 900)

        def exemplar_ink(
            page: np.ndarray = fixed, blur: float = sigma
        ) -> tuple[np.ndarray, np.ndarray]:
            ink = ink_mask(page)
            return ink, soft_ink(ink, blur)

        fixed_ink, f_soft = context.cached(("layout.ink", ref.sha256), exemplar_ink)
        # Outside the questioned page is paper (as `warp_to` fills it); on a partly decoded
        # page only what the decoder read is, and a block reaching its fill is not compared.
        where = (
            None
            if decoded is None
            else warp_to(decoded.view(np.uint8) * np.uint8(255), reg.matrix, fixed.shape) == 255
        )
        q_ink = ink_mask(aligned, where)
        q_soft = soft_ink(q_ink, sigma)
        search = max(20, round(fixed.shape[1] * 0.04))
        results = [
            compare_block(b, fixed, aligned, f_soft, q_soft, q_ink, search=search)
            if box_decoded(where, b.box)
            else None
            for b in kblocks
        ]
        compared = [r for r in results if r is not None]
        if where is not None:
            entry["blocks_on_fill"] = len(results) - len(compared)
        inv_q = reg.inverse()
        total = sum(r.block.ink_pixels for r in compared) or 1
        entry["similarity"] = (
            round(min(1.0, sum(r.score * r.block.ink_pixels for r in compared) / total), 4)
            if compared
            else None
        )
        zone_rows = []
        h, w = fixed.shape
        for b_index, r in enumerate(results):
            if r is None:
                continue  # on the decoder's fill: nothing of the page to compare
            x, y, bw, bh = r.block.box
            label = convention.zone_name((x + bw / 2) / w, (y + bh / 2) / h) or "template"
            row = dict(r.to_dict(), zone=label)
            zone_rows.append(row)
            if r.status == "same":
                continue
            if r.status in {"changed", "missing"} and not multi:
                row["note"] = "one exemplar cannot show whether this ink is fixed"
                continue
            found_box = r.found_box or r.block.box
            q_box = transform_box(_union(r.block.box, found_box), inv_q)
            region = box_region(q_box, label, 1.0 - r.score)
            entry["changed_regions"].append(region_to_dict(region))
            block_hits.setdefault(b_index, []).append((ref, r, label, region))
        entry["blocks"] = zone_rows
        line_rows = compare_lines(context, ref, reg, qlines)
        lines_compared += bool(line_rows)
        # The shifted word is for the finding's region; the results hold its figures only.
        entry["lines"] = [
            {k: v for k, v in r.items() if k not in {"shifted_word", "sharpest_word"}}
            for r in line_rows
        ]
        for row in line_rows:
            if row["match"] == "place":
                # Only a line at the same place is compared by size (`line_typography`), and
                # its place comparisons alone are judged too (`agreed`): a row compared where
                # one exemplar has no line at the place must not outvote them.
                line_seen[row["line"]] = line_seen.get(row["line"], 0) + 1
                if row["tone_step"] is not None:
                    tone_placed[row["line"]] = tone_placed.get(row["line"], 0) + 1
            if row["tone_step"] is not None:
                tone_seen[row["line"]] = tone_seen.get(row["line"], 0) + 1
                if row["tone_different"]:
                    tone_hits.setdefault(row["line"], []).append(dict(row, reference=ref))
            if row["tone_shift"] is not None:
                shift_rows.setdefault(row["line"], []).append(dict(row, reference=ref))
            if row["sharper"] is not None:
                sharp_rows.setdefault(row["line"], []).append(dict(row, reference=ref))
                if row["sharper"] < SHARPER_LIMIT:
                    sharp_within.add(row["line"])
            if row["different"]:
                line_hits.setdefault(row["line"], []).append(dict(row, reference=ref))
            if row["match"] == "body":
                body_rows.setdefault(row["line"], []).append(dict(row, reference=ref))
        stem = f"page1_vs_{k + 1}_{ref.sha256[:8]}"
        if context.artifacts.enabled:
            artifacts.append(
                context.artifacts.write_png(
                    f"overlay_{stem}.png",
                    _for_display(ink_overlay(fixed_ink, q_ink)),
                    kind="layout_overlay",
                    page=0,
                )
            )
            artifacts.append(
                context.artifacts.write_png(
                    f"difference_{stem}.png",
                    _for_display(difference_map(f_soft, q_soft, [b.box for b in kblocks])),
                    kind="layout_difference",
                    page=0,
                )
            )
    for block_list in block_hits.values():
        findings.append(block_finding(check, block_list, mm_per_px))
    by_index = {m.index: m for m in qlines.lines}
    for index, line_list in sorted(line_hits.items()):
        # Content differs between letters: a line counts only when it stands out against
        # at least half of the exemplars it could be matched with.
        if len(line_list) * 2 >= line_seen.get(index, 0) and index in by_index:
            findings.append(line_vs_exemplar_finding(check, by_index[index], line_list, qlines))
    toned: set[int] = set()
    for index, line_list in sorted(tone_hits.items()):
        # A line's tone pattern counts only against every exemplar it could be compared with,
        # two at least.
        if agreed(line_list, tone_seen.get(index, 0), tone_placed.get(index, 0)) and (
            index in by_index
        ):
            findings.append(tone_vs_exemplar_finding(check, by_index[index], line_list, qlines))
            toned.add(index)
    # The letterhead (lines in the convention's letterhead or heading zone) is printed with the
    # stationery, apart from the letter, or set in a heading type whose tone moves with the
    # scan otherwise than the body's (on letters of the dev generator made at seeds the dev
    # split does not hold, three untouched letters' letterhead line was 28-38 grey levels
    # darker than two exemplars', after the pages' overall difference, and the third
    # exemplar's had no line at the place). Such a line counts only against every exemplar
    # the page's lines were compared with.
    above = letterhead_lines(qlines, convention)
    other_ink = other_ink_judge(context, qlines)
    inked_lines: set[int] = set()  # lines given a notice for a word in another ink (one each)

    def notice(index: int, inked: list[dict[str, Any]], key: str) -> None:
        # One notice per line. Not only within a line of type: a number in dark blue ink may
        # stand on a line of its own, as a note's words do (the dev generator's page 403: its
        # retyped number's line, recoloured, measured all in the other ink, as did variant 3's
        # note); size and slant do not tell them apart either (RESULTS.md).
        if index not in inked_lines:
            findings.append(other_ink_finding(check, by_index[index], inked, key, qlines))
            inked_lines.add(index)

    for index, rows in sorted(shift_rows.items()):
        # A line already reported for its tones is not again.
        if index in by_index and index not in toned:
            rule = partial(tone_shifted, letterhead=index in above, compared=lines_compared)
            hits, seen, inked = judge_words(rows, "shifted_word", rule, shift_stands_out, other_ink)
            if hits:
                findings.append(shift_finding(check, by_index[index], hits, qlines, seen))
            elif inked:
                notice(index, inked, "shifted_word")
    sharpened: set[int] = set()
    for index, rows in sorted(sharp_rows.items()):
        if index in by_index:
            hits, _, inked = judge_words(
                rows, "sharpest_word", edges_sharper, sharper_stands_out, other_ink
            )
            if hits:
                findings.append(sharper_finding(check, by_index[index], hits, qlines))
                sharpened.add(index)
            elif inked:
                notice(index, inked, "sharpest_word")
    for index, rows in sorted(body_rows.items()):
        # Not again for a line already reported for its edges, and not for a line an
        # exemplar's line or row near it showed within the sharper rule's limit (a closer
        # comparison than a whole page's rows).
        if index in by_index and index not in sharpened and index not in sharp_within:
            hits, _, inked = judge_words(
                rows, "sharpest_word", body_sharper_than_rows, body_stands_out, other_ink
            )
            if hits:
                findings.append(body_sharper_finding(check, by_index[index], hits, qlines))
            elif inked:
                notice(index, inked, "sharpest_word")
    return findings, comparisons, artifacts, None
