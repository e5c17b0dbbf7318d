"""The tampered letters: one function per manipulation, each with its mask, box and note.

Each recipe renders and scans its base letter, applies one manipulation the way an image
editor or a careful forger would, and records it in the manifest with its ground truth.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import jdatetime
import numpy as np
from PIL import Image

from generator.conventions import (
    A5,
    DPI,
    NBSP,
    TEMPLATE,
    WEEKDAYS_EN,
    CorpusError,
    ar_digits,
    box_xywh,
    fa_digits,
    jalali_ascii,
    jalali_numeric,
    jalali_words,
    mask_bbox,
    pad,
    union,
)
from generator.letters import ARABIC_PARAGRAPH, MIDDLES, LetterSpec, Mods
from generator.manifest import Corpus, letter_truth, plain, tampering_entry
from generator.rendering import (
    BODY_SIZE,
    LEFT,
    RIGHT,
    SEAL_CENTER,
    SEAL_RADIUS,
    SIGNATURE_ZONE,
    Rendered,
    font,
    render_letter,
    wrap,
)
from generator.scanning import OFFICE_SCANNER, polygon_mask, scan_letter, scan_matrix, transform_box
from generator.writers import decode, jpeg_bytes, save_mask, save_png, write_bytes


def rerender_edit(
    spec: LetterSpec, mods: Mods
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Rendered]:
    """Build a tampered scan by editing the page and scanning it with the base letter's randomness.

    This stands for a careful forger who retyped part of a page: outside the edited area the
    result is the untampered scan, pixel for pixel (checked here), inside it the new text is
    scanned the same way. Returns (tampered, untampered, mask, rendering of the tampered page).
    """
    base_img, m, base = scan_letter(spec)
    mod_img, _, mod = scan_letter(spec, mods)
    changed = np.zeros(base.layers.text.shape, bool)
    for a, b in (
        (base.layers.text, mod.layers.text),
        (base.layers.signature, mod.layers.signature),
        (base.layers.seal, mod.layers.seal),
    ):
        changed |= a != b
    page_box = pad(mask_bbox(changed), 10, A5)
    mask = polygon_mask(page_box, m, A5)
    leak = (mod_img != base_img) & ~mask
    if leak.any():
        raise CorpusError(
            f"{spec.slug}: the edit changed {int(leak.sum())} pixels outside its mask"
        )
    return np.where(mask, mod_img, base_img), base_img, mask, mod


def disk_alpha(
    size: tuple[int, int], center: tuple[float, float], radius: float, feather: float
) -> np.ndarray:
    """Soft circular selection, as an image editor's feathered elliptical marquee makes."""
    yy, xx = np.ogrid[0 : size[1], 0 : size[0]]
    dist = np.hypot(xx - center[0], yy - center[1]).astype(np.float32)
    return np.clip((radius + feather - dist) / (2 * feather), 0.0, 1.0)


def finish(
    corpus: Corpus,
    specs: dict[str, LetterSpec],
    name: str,
    slug: str,
    tampered: np.ndarray,
    base: np.ndarray,
    mask: np.ndarray,
    rendered: Rendered,
    entry: dict[str, object],
    truth_kw: dict[str, object],
    ext: str = "png",
) -> None:
    """Write a tampered letter, its mask and (with ``--sources``) its source; list it."""
    size = A5
    spec = specs[slug]
    path = f"tampered/{name}.{ext}"
    if ext == "png":
        save_png(corpus.out / path, tampered)
    save_mask(corpus.out / f"masks/{name}.png", mask)
    source = corpus.write_source(name, base)
    m = scan_matrix(spec.slug, OFFICE_SCANNER, size)
    truth = letter_truth(spec, rendered, m, size, OFFICE_SCANNER, **truth_kw)  # type: ignore[arg-type]
    corpus.add(path, "tampered", TEMPLATE, truth, tampering=[entry], source=source)


def splice_signature(
    corpus: Corpus, specs: dict[str, LetterSpec], exemplar_scans: dict[str, np.ndarray]
) -> None:
    """t01: splice: the signature area cut from a JPEG copy of exemplar_02 (same signatory)."""
    size = A5
    spec = specs["t01"]
    base, m, rendered = scan_letter(spec)
    donor_m = scan_matrix("exemplar_02", OFFICE_SCANNER, size)
    rect = pad(
        union(
            [transform_box(SIGNATURE_ZONE, m, size), transform_box(SIGNATURE_ZONE, donor_m, size)]
        ),
        14,
        size,
    )
    donor = decode(jpeg_bytes(exemplar_scans["exemplar_02"], 75, DPI))
    tampered = base.copy()
    x0, y0, x1, y1 = rect
    tampered[y0:y1, x0:x1] = donor[y0:y1, x0:x1]
    mask = np.zeros(base.shape, bool)
    mask[y0:y1, x0:x1] = True
    entry = tampering_entry(
        "splice",
        mask,
        "masks/t01_splice_signature.png",
        "The signature area was cut from a JPEG copy (quality 75) of exemplars/exemplar_02.png, a "
        "genuine letter by the same signatory, and pasted over this letter's own signature. The "
        "pasted signature is identical to the exemplar's; its "
        "paper texture and JPEG blocking differ "
        "from the rest of the page.",
        donor={"path": "exemplars/exemplar_02.png", "box": box_xywh(rect), "jpeg_quality": 75},
    )
    finish(
        corpus,
        specs,
        "t01_splice_signature",
        "t01",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["forensics.splice"]},
    )


def clone_seal(corpus: Corpus, specs: dict[str, LetterSpec]) -> None:
    """t02: copy-move: the seal copied, rotated and rescaled, to a second place on the page."""
    size = A5
    spec = specs["t02"]
    base, m, rendered = scan_letter(spec)
    src = m[:, :2] @ np.array(SEAL_CENTER, np.float64) + m[:, 2]
    dst = m[:, :2] @ np.array((1330.0, 1900.0)) + m[:, 2]
    angle, scale = 7.0, 0.96
    move = cv2.getRotationMatrix2D((float(src[0]), float(src[1])), angle, scale)
    move[:, 2] += dst - src
    warped = cv2.warpAffine(
        base.astype(np.float32), move, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    radius = (SEAL_RADIUS + 6) * scale
    alpha = disk_alpha(size, (float(dst[0]), float(dst[1])), radius, 3.0)
    tampered = np.clip(np.rint(alpha * warped + (1 - alpha) * base), 0, 255).astype(np.uint8)
    mask = alpha > 0
    src_box = (
        int(src[0] - SEAL_RADIUS - 6),
        int(src[1] - SEAL_RADIUS - 6),
        int(src[0] + SEAL_RADIUS + 7),
        int(src[1] + SEAL_RADIUS + 7),
    )
    entry = tampering_entry(
        "clone",
        mask,
        "masks/t02_clone_seal.png",
        "The seal was copied from the signature block with a feathered round selection, rotated by "
        "7 degrees, scaled to 96% and pasted a second time to "
        "the right of the signature block. The "
        "box and mask cover the pasted copy; source_box is where it came from.",
        source_box=box_xywh(src_box),
        rotation_degrees=angle,
        scale=scale,
    )
    finish(
        corpus,
        specs,
        "t02_clone_seal",
        "t02",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["forensics.clone"]},
    )


def retype_date(corpus: Corpus, specs: dict[str, LetterSpec]) -> None:
    """t03: the date value retyped in another font and size (and changed by ten days)."""
    spec = specs["t03"]
    new_date = spec.date + jdatetime.timedelta(days=10)
    mods = Mods(date_text=jalali_numeric(new_date), date_font=("homa", 1.15))
    tampered, base, mask, rendered = rerender_edit(spec, mods)
    entry = tampering_entry(
        "retype",
        mask,
        "masks/t03_retype_date.png",
        f"The date value {jalali_ascii(spec.date)} was erased and "
        f"retyped as {jalali_ascii(new_date)} "
        "in Homa at 115% of the header's size (the template uses Nazli).",
        original_text=jalali_numeric(spec.date),
        new_text=jalali_numeric(new_date),
        font="Homa",
        size_factor=1.15,
    )
    finish(
        corpus,
        specs,
        "t03_retype_date",
        "t03",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["layout.line_typography"], "printed_date": jalali_ascii(new_date)},
    )


def retype_line(corpus: Corpus, specs: dict[str, LetterSpec]) -> None:
    """t04: one body line retyped in another font and size, with a different amount."""
    spec = specs["t04"]
    lines = render_letter(spec).lines
    index = next(i for i, line in enumerate(lines) if "٬" in str(line["text"]))
    old = str(lines[index]["text"])
    old_amount = next(w for w in old.split(" ") if "٬" in w)
    new_amount = fa_digits("4") + old_amount[1:] if old_amount[0] != "۴" else "۵" + old_amount[1:]
    new = old.replace(old_amount, new_amount)
    mods = Mods(line_overrides=((index, new, "naskh", 0.8),))
    tampered, base, mask, rendered = rerender_edit(spec, mods)
    entry = tampering_entry(
        "retype",
        mask,
        "masks/t04_retype_line.png",
        f"Body line {index + 1} was erased and retyped in Noto "
        "Naskh Arabic at 80% of the body size "
        "(the template uses Nazli), changing the amount "
        f"{plain(old_amount)} to {plain(new_amount)}.",
        line=index,
        original_text=plain(old),
        new_text=plain(new),
        font="Noto Naskh Arabic",
        size_factor=0.8,
    )
    finish(
        corpus,
        specs,
        "t04_retype_line",
        "t04",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["layout.line_typography"]},
    )


def weekday_mismatch(corpus: Corpus, specs: dict[str, LetterSpec]) -> None:
    """t05: the date in the body altered so that its weekday no longer matches."""
    spec = specs["t05"]
    lines = render_letter(spec).lines
    old_phrase = jalali_words(spec.meeting).replace(" ", NBSP)
    index = next(i for i, line in enumerate(lines) if old_phrase in str(line["text"]))
    shifted = spec.meeting + jdatetime.timedelta(days=2)
    if shifted.month != spec.meeting.month:
        raise CorpusError("t05: pick a meeting date that stays in its month when moved")
    new_phrase = jalali_words(shifted, weekday=spec.meeting.weekday()).replace(" ", NBSP)
    new = str(lines[index]["text"]).replace(old_phrase, new_phrase)
    mods = Mods(line_overrides=((index, new, "nazli", 1.0),))
    tampered, base, mask, rendered = rerender_edit(spec, mods)
    t05 = replace(spec, meeting=shifted)
    entry = tampering_entry(
        "date",
        mask,
        "masks/t05_weekday_mismatch.png",
        f"The date in the body was changed from «{plain(jalali_words(spec.meeting))}» to "
        f"«{plain(new_phrase)}» in the same font: {jalali_ascii(shifted)} is a "
        f"{WEEKDAYS_EN[shifted.weekday()]}, not a {WEEKDAYS_EN[spec.meeting.weekday()]}.",
        original_text=plain(old_phrase),
        new_text=plain(new_phrase),
    )
    specs["t05"] = t05
    finish(
        corpus,
        specs,
        "t05_weekday_mismatch",
        "t05",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["dates.weekday_mismatch"], "meeting_weekday": spec.meeting.weekday()},
    )


def impossible_date(corpus: Corpus, specs: dict[str, LetterSpec]) -> None:
    """t06: the date block altered to a date that does not exist (Mehr has 30 days)."""
    spec = specs["t06"]
    impossible = f"{spec.date.year}/07/31"
    mods = Mods(date_text=fa_digits(impossible))
    tampered, base, mask, rendered = rerender_edit(spec, mods)
    entry = tampering_entry(
        "date",
        mask,
        "masks/t06_impossible_date.png",
        f"The date value {jalali_ascii(spec.date)} was changed to {impossible} in the same font: "
        "the seventh month (Mehr) has 30 days, so the date does not exist.",
        original_text=jalali_numeric(spec.date),
        new_text=fa_digits(impossible),
    )
    finish(
        corpus,
        specs,
        "t06_impossible_date",
        "t06",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["dates.impossible_date"], "printed_date": impossible},
    )


def arabic_paragraph(corpus: Corpus, specs: dict[str, LetterSpec]) -> None:
    """t07: a paragraph in Arabic (orthography, digits and words) inside the Persian letter."""
    spec = specs["t07"]
    para = spec.paragraphs.index(fa_digits(MIDDLES[2]))
    arabic = ar_digits(ARABIC_PARAGRAPH)
    body = font("nazli", BODY_SIZE)
    before = len(wrap(spec.paragraphs[para], body, RIGHT - LEFT))
    after = len(wrap(arabic, body, RIGHT - LEFT))
    if before != after:
        raise CorpusError(f"t07: the Arabic paragraph wraps to {after} lines, not {before}")
    mods = Mods(paragraph_override=(para, arabic))
    tampered, base, mask, rendered = rerender_edit(spec, mods)
    entry = tampering_entry(
        "orthography",
        mask,
        "masks/t07_arabic_paragraph.png",
        "The second paragraph was replaced by an Arabic "
        "paragraph in the same font: Arabic yeh (ي), "
        "kaf (ك) and teh marbuta (ة), Arabic-Indic digits (١٥) and Arabic function words "
        "(على، هذا، في، من).",
        paragraph=para,
        new_text=arabic,
    )
    finish(
        corpus,
        specs,
        "t07_arabic_paragraph",
        "t07",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["script.arabic_orthography"], "optional": ["script.mixed_digits"]},
    )
    corpus.documents[-1]["truth"]["languages"] = ["fa", "ar"]  # type: ignore[index]


def letterhead_shift(corpus: Corpus, specs: dict[str, LetterSpec]) -> None:
    """t08: the letterhead shifted and rescaled."""
    spec = specs["t08"]
    mods = Mods(letterhead=(-24, -12, 1.07))
    tampered, base, mask, rendered = rerender_edit(spec, mods)
    entry = tampering_entry(
        "letterhead",
        mask,
        "masks/t08_letterhead_shift.png",
        "The letterhead (emblem, ministry and office names) was enlarged to 107% and moved 24 px "
        "left and 12 px up relative to the template.",
        offset=[-24, -12],
        scale=1.07,
    )
    finish(
        corpus,
        specs,
        "t08_letterhead_shift",
        "t08",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["layout.letterhead_changed"]},
    )


def metadata_editor(corpus: Corpus, specs: dict[str, LetterSpec]) -> None:
    """t09: forged metadata: pixels untouched, EXIF says an image editor saved the file in 2003."""
    size = A5
    spec = specs["t09"]
    base, m, rendered = scan_letter(spec)
    exif = Image.Exif()
    exif[0x0131] = "Adobe Photoshop 7.0"  # Software
    exif[0x0132] = "2003:06:21 16:42:10"  # DateTime
    path = "tampered/t09_metadata_editor.jpg"
    write_bytes(corpus.out / path, jpeg_bytes(base, 92, DPI, exif.tobytes()))
    source = corpus.write_source("t09_metadata_editor", base)
    entry = tampering_entry(
        "metadata",
        None,
        None,
        "The pixels are an untampered scan saved as JPEG "
        "(quality 92); the EXIF block was written to "
        "say the file was saved by Adobe Photoshop 7.0 on 2003-06-21. Metadata lives in the file, "
        "not in the pixels, so box and mask are null.",
        exif={"Software": "Adobe Photoshop 7.0", "DateTime": "2003:06:21 16:42:10"},
    )
    truth = letter_truth(
        spec, rendered, m, size, OFFICE_SCANNER, expected=["metadata.editor_software"]
    )
    corpus.add(path, "tampered", TEMPLATE, truth, tampering=[entry], source=source)


def build_tampered(
    corpus: Corpus, specs: dict[str, LetterSpec], exemplar_scans: dict[str, np.ndarray]
) -> None:
    """Make the tampered variants, one manipulation each, with masks, boxes and notes."""
    splice_signature(corpus, specs, exemplar_scans)
    clone_seal(corpus, specs)
    retype_date(corpus, specs)
    retype_line(corpus, specs)
    weekday_mismatch(corpus, specs)
    impossible_date(corpus, specs)
    arabic_paragraph(corpus, specs)
    letterhead_shift(corpus, specs)
    metadata_editor(corpus, specs)
