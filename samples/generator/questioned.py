"""The questioned letter: a colour scan, downscaled, JPEG-compressed twice, with its claims."""

from __future__ import annotations

import cv2
from hijridate import Gregorian

from generator.conventions import A5, TEMPLATE
from generator.letters import QUESTIONED_CLAIMS, QUESTIONED_TRANSLATION, questioned_spec
from generator.manifest import Corpus, letter_truth
from generator.rendering import render_letter
from generator.scanning import OLD_SCANNER, scan, scan_matrix
from generator.writers import decode, dump_json, jpeg_bytes, write_bytes, write_text


def build_questioned(corpus: Corpus) -> None:
    """The questioned letter: a colour scan, downscaled to 150 dpi, JPEG 70, recompressed at 85."""
    spec = questioned_spec()
    rendered = render_letter(spec)
    rgb = scan(rendered.layers, spec.slug, OLD_SCANNER, colour=True)
    m = scan_matrix(spec.slug, OLD_SCANNER, A5)
    small = cv2.resize(rgb, (A5[0] // 2, A5[1] // 2), interpolation=cv2.INTER_AREA)
    first = jpeg_bytes(small, 70, 150)
    second = jpeg_bytes(decode(first), 85, 150)
    stem = "questioned/letter_1380-02-24"
    write_bytes(corpus.out / f"{stem}.jpg", second)
    write_text(corpus.out / f"{stem}.en.txt", QUESTIONED_TRANSLATION)
    write_text(corpus.out / f"{stem}.claims.json", dump_json(QUESTIONED_CLAIMS))
    size = (A5[0] // 2, A5[1] // 2)
    truth = letter_truth(
        spec,
        rendered,
        m,
        size,
        OLD_SCANNER,
        dpi=150,
        scale=0.5,
        expected=["compression.double_compression"],
        optional=["dates.holiday"],
    )
    hijri = Gregorian(2001, 5, 14).to_hijri()
    truth.update(
        {
            "colour": True,
            "jpeg_history": [{"quality": 70, "dpi": 150}, {"quality": 85, "dpi": 150}],
            "lunar_hijri": f"{hijri.year}/{hijri.month:02d}/{hijri.day:02d}",
            "holiday": "20 Safar 1422 (Arbaeen), an official "
            "holiday in Iran; sighting can move it a day",
            "claims_vs_page": {
                "office": "The claims name the ministry; the "
                "letterhead and signature block name its "
                "inspection office. Which post the signatory held on that date is a question "
                "for a reviewer, not something the page can settle.",
                "date": "The printed date 1380/02/24 is 2001-05-14, the claimed date.",
            },
        }
    )
    corpus.add(
        f"{stem}.jpg",
        "questioned",
        TEMPLATE,
        truth,
        claims=dict(QUESTIONED_CLAIMS),
        translation=f"{stem}.en.txt",
        claims_file=f"{stem}.claims.json",
    )
    corpus.add(
        f"{stem}.en.txt",
        "text",
        "translation",
        {
            "language": "en",
            "dates": ["2001-05-12", "2001-05-14"],
            "translation_of": f"{stem}.jpg",
            "expected_findings": [],
            "optional_findings": [],
        },
    )
