"""OCR benchmark: character error rate and seconds per page, raw Tesseract versus the workbench.

Pages are rendered from real Persian and Arabic sentences (fictional content) in several
fonts, in three kinds:

- ``clean300``: clean 300-dpi A4 pages with body type (about 11 pt);
- ``large300``: clean 300-dpi pages with large type (about 20 pt), as in headings and
  short notices;
- ``web150``: degraded 150-dpi web JPEGs: scanned at 300 dpi, slightly blurred, noisy and
  tilted, halved, saved at JPEG quality 70 and recompressed at 75.

"Raw" is plain ``pytesseract.image_to_string(page, lang)``; "workbench" is
``workbench.ocr.Tesseract().recognize(page, lang)`` with its default steps (preprocessing,
and after reading the recovery of skipped lines and of misread Persian commas). Both run
Tesseract single-threaded. The step study runs the workbench with each step alone, and
with each default step left out, so each step's effect is measured on its own and in
company; a small set of turned pages measures orientation detection.

Character error rate = Levenshtein distance / reference length, after collapsing whitespace
(line breaks count as one space) and NFC normalisation.

Usage: ``python benchmarks/ocr_benchmark.py [--pages N] [--no-steps] [--write]``; ``--write``
replaces the OCR section of ``benchmarks/RESULTS.md``. On a busy machine the pages can be read
in parts side by side (``--part K/N --dump part-K.json``, one process each) and reported
together with ``--merge part-*.json`` (with ``--write`` if wanted), reading nothing again.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import json
import os
import platform
import random
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytesseract
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.ocr_measure import Measure, load_tables, normalise, save_tables  # noqa: E402
from workbench.imaging.recognition.ocr_preprocess import Steps  # noqa: E402
from workbench.ocr import Tesseract  # noqa: E402
from workbench.reading import read_page_text  # noqa: E402

FARSIWEB = Path("/usr/share/fonts/truetype/farsiweb")
NOTO = Path("/usr/share/fonts/truetype/noto")

PERSIAN = [
    "به استحضار می‌رساند، جلسه هماهنگی روز دوشنبه در سالن اجتماعات برگزار خواهد شد.",
    "خواهشمند است دستور فرمایید نسبت به بررسی درخواست ایشان اقدام لازم به عمل آید.",
    "گزارش عملکرد سه ماهه نخست سال به پیوست این نامه تقدیم می‌گردد.",
    "کتابخانه شهر از ساعت هشت صبح تا شش بعدازظهر پذیرای مراجعان است.",
    "باران دیشب خیابان‌های مرکز شهر را شست و هوا کمی خنک‌تر شد.",
    "دانشجویان سال اول باید تا پایان هفته فرم ثبت‌نام را تکمیل کنند.",
    "مدیر مدرسه از همکاری صمیمانه اولیا در برگزاری نمایشگاه سپاسگزاری کرد.",
    "لطفاً رونوشت این مکاتبه را برای اطلاع به دفتر حقوقی ارسال کنید.",
    "قطار تهران به مشهد به دلیل تعمیرات ریل با دو ساعت تأخیر حرکت کرد.",
    "در این طرح پژوهشی، کیفیت آب چاه‌های روستایی در دو فصل مقایسه شده است.",
    "همکاران محترم می‌توانند پیشنهادهای خود را تا پایان ماه به واحد آموزش بفرستند.",
    "نمایشگاه کتاب امسال با حضور ناشران داخلی و خارجی در محل همیشگی برپا شد.",
    "پدربزرگم هر روز صبح در باغچه کوچک خانه گل‌های شمعدانی را آب می‌داد.",
    "بر اساس مصوبه هیئت مدیره، ساعت کاری کارکنان در تابستان تغییر می‌کند.",
    "این دستورالعمل از تاریخ ابلاغ لازم‌الاجرا است و نسخه‌های پیشین لغو می‌شود.",
    "شرکت‌کنندگان در دوره باید گواهی پایان دوره را از دبیرخانه دریافت کنند.",
    "به منظور صرفه‌جویی در مصرف انرژی، چراغ‌های راهرو پس از ساعت اداری خاموش شوند.",
    "کودکان در پارک محله با شادی بادبادک‌های رنگارنگ خود را هوا می‌کردند.",
    "مسئولیت حفظ و نگهداری اسناد بایگانی بر عهده کارشناس مربوط خواهد بود.",
    "از جنابعالی دعوت می‌شود در مراسم بزرگداشت روز معلم شرکت فرمایید.",
    "پرونده مورد اشاره پس از تکمیل مدارک برای رسیدگی به کمیسیون ارجاع شد.",
    "هوای کوهستان در بهار بسیار دل‌انگیز است و گردشگران زیادی به آنجا می‌روند.",
    "نتایج آزمون ورودی هفته آینده در تابلوی اعلانات دانشکده اعلام می‌شود.",
    "بودجه پیشنهادی واحد فنی برای خرید تجهیزات جدید به تصویب رسید.",
    "خانم احمدی به عنوان نماینده اداره در کارگروه استانی معرفی می‌گردد.",
    "در صورت نیاز به اطلاعات بیشتر با شماره داخلی دفتر تماس بگیرید.",
    "ساختمان قدیمی اداره پست پس از مرمت به موزه تاریخ شهر تبدیل شد.",
    "والسلام، با تشکر از همکاری صمیمانه شما.",
    "جناب آقای دکتر کریمی، معاون محترم پژوهشی دانشگاه",
    "موضوع: درخواست تمدید مهلت ارائه گزارش نهایی طرح",
    "شماره: ۴۵۸۲ تاریخ: ۱۴۰۱/۰۷/۱۲ پیوست: ندارد",
    "جلسه بعدی کمیته در ساعت ۱۰ صبح روز ۲۴ اردیبهشت تشکیل می‌شود.",
    "مادربزرگ برای نوه‌هایش از سفرهای دور و روزهای قدیم قصه می‌گفت.",
    "کارکنان بخش مالی موظف‌اند صورت‌حساب‌ها را پیش از پایان سال تسویه کنند.",
    "سرویس رفت و آمد کارکنان از شنبه آینده از میدان اصلی حرکت خواهد کرد.",
    "شهرداری منطقه برای کاشت درخت در حاشیه بزرگراه از داوطلبان دعوت کرد.",
]

ARABIC = [
    "يسرنا أن ندعوكم لحضور الاجتماع السنوي للجمعية في قاعة المؤتمرات.",
    "تم افتتاح المكتبة العامة الجديدة في وسط المدينة يوم الخميس الماضي.",
    "يرجى إرسال الوثائق المطلوبة قبل نهاية الشهر الحالي إلى مكتب الشؤون الإدارية.",
    "هطلت أمطار غزيرة على المناطق الساحلية خلال عطلة نهاية الأسبوع.",
    "أعلنت الجامعة عن بدء التسجيل في برامج الدراسات العليا للعام القادم.",
    "نشكركم على تعاونكم الدائم ونتطلع إلى مزيد من العمل المشترك.",
    "يقع المتحف الوطني بالقرب من الحديقة الكبيرة على ضفة النهر.",
    "قررت اللجنة تأجيل النظر في الطلب حتى استكمال جميع المستندات.",
    "يحتفل الطلاب في نهاية العام الدراسي بتوزيع الجوائز على المتفوقين.",
    "تقدم الشركة خدمات الصيانة لعملائها على مدار الساعة طوال أيام الأسبوع.",
    "كانت جدتي تروي لنا الحكايات القديمة في ليالي الشتاء الطويلة.",
    "يجب على جميع الموظفين الالتزام بمواعيد العمل الرسمية.",
    "وصل الوفد الزائر إلى المطار صباح اليوم واستقبله مدير المدينة.",
    "تهدف هذه الدراسة إلى تحسين جودة المياه في القرى الصغيرة.",
    "مع خالص التحيات والتقدير.",
    "السيد المدير العام المحترم",
    "الموضوع: طلب تمديد مهلة تقديم التقرير النهائي",
    "تبدأ الدورة التدريبية الأولى في الأسبوع القادم وتستمر ثلاثة أيام.",
]

#: The frame of a letter around the body sentences: (heading, lines before, lines after).
FRAMES = {
    "fa": (
        "بسمه تعالی",
        ["جناب آقای مهندس صادقی", "مدیر کل محترم امور اداری", "با سلام و احترام"],
        ["با تشکر", "محمدرضا نوری", "معاون اداری و مالی"],
    ),
    "ar": (
        "بسم الله الرحمن الرحيم",
        ["السيد المدير العام المحترم", "تحية طيبة وبعد"],
        ["مع خالص التحيات", "سمير الحداد", "مدير الشؤون الإدارية"],
    ),
}

#: (font file, language of the sentences, Tesseract language); Noto Naskh has no '/' glyph.
FONTS: list[tuple[Path, str, str]] = [
    (FARSIWEB / "nazli.ttf", "fa", "fas"),
    (FARSIWEB / "homa.ttf", "fa", "fas"),
    (FARSIWEB / "titr.ttf", "fa", "fas"),
    (NOTO / "NotoNaskhArabic-Regular.ttf", "fa", "fas"),
    (NOTO / "NotoNaskhArabic-Regular.ttf", "ar", "ara"),
    (NOTO / "NotoSansArabic-Regular.ttf", "ar", "ara"),
]
A4_300 = (2480, 3508)
#: Every step of `Steps`, in the order the step study reports them.
ALL_STEPS = (
    "keep_noisy_rows",
    "deskew",
    "rescale",
    "denoise",
    "binarise",
    "recover_lines",
    "fix_commas",
)


@dataclass(frozen=True)
class Page:
    """One benchmark page: the image, its text, the language to read it in."""

    name: str
    kind: str
    image: Image.Image
    truth: str
    language: str


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    draw = ImageDraw.Draw(Image.new("L", (1, 1)))
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and draw.textlength(trial, font=font, direction="rtl") > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def render(
    sentences: Sequence[str],
    lang: str,
    font_path: Path,
    size: int,
    page: tuple[int, int],
    margin: int,
) -> tuple[Image.Image, str]:
    """A letter: centred heading, short addressee lines, body paragraphs, short closing lines.

    Short isolated lines matter: Tesseract's layout analysis drops some of them.
    """
    font = ImageFont.truetype(str(font_path), size, layout_engine=ImageFont.Layout.RAQM)
    width, height = page
    img = Image.new("L", page, 255)
    draw = ImageDraw.Draw(img)
    heading, before, after = FRAMES[lang]
    written: list[str] = []
    y = margin

    def put(line: str, align: str) -> None:
        nonlocal y
        length = draw.textlength(line, font=font, direction="rtl")
        x = {"right": width - margin - length, "centre": (width - length) / 2, "left": margin}
        draw.text((x[align], y), line, font=font, fill=0, direction="rtl")
        written.append(line)
        y += int(size * 1.9)

    put(heading, "centre")
    y += size
    for line in before:
        put(line, "right")
    body_end = height - margin - int(size * 1.9) * (len(after) + 1)
    for sentence in sentences:
        lines = wrap(sentence, font, width - 2 * margin)
        if y + int(size * 1.9) * len(lines) > body_end:
            break
        for line in lines:
            put(line, "right")
        y += int(size * 0.6)
    y += size
    for n, line in enumerate(after):
        put(line, "right" if n == 0 else "left")
    return img, "\n".join(written)


def degrade(img: Image.Image, rng: random.Random) -> Image.Image:
    """A 300-dpi page turned into a 150-dpi web JPEG saved twice."""
    angle = rng.choice([-1.2, -0.7, 0.6, 1.0])
    tilted = img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    blurred = tilted.filter(ImageFilter.GaussianBlur(0.8))
    arr = np.asarray(blurred, dtype=np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 7, arr.shape)
    noisy = Image.fromarray(np.clip(arr * 0.92 + 12 + noise, 0, 255).astype(np.uint8))
    half = noisy.resize((img.width // 2, img.height // 2), Image.Resampling.BILINEAR)
    first = io.BytesIO()
    half.save(first, "JPEG", quality=70, dpi=(150, 150))
    second = io.BytesIO()
    Image.open(first).save(second, "JPEG", quality=75, dpi=(150, 150))
    return Image.open(io.BytesIO(second.getvalue())).convert("RGB")


def build_pages(per_kind: int, seed: int = 4) -> list[Page]:
    rng = random.Random(seed)
    pages: list[Page] = []
    for kind in ("clean300", "large300", "web150"):
        for n in range(per_kind):
            font, lang, tess = FONTS[n % len(FONTS)]
            pool = PERSIAN if lang == "fa" else ARABIC
            if "Noto" in font.name:
                pool = [s for s in pool if "/" not in s]
            sentences = rng.sample(pool, min(len(pool), 14))
            size = 84 if kind == "large300" else rng.choice([44, 48, 52])
            img, truth = render(sentences, lang, font, size, A4_300, 220)
            image = degrade(img, rng) if kind == "web150" else img.convert("RGB")
            name = f"{kind}-{n:02d}-{font.stem}-{lang}"
            pages.append(Page(name, kind, image, truth, tess))
    return pages


def sample_pages() -> list[Page]:
    """The body paragraph of each letter in the samples corpus, cropped by its manifest box.

    The corpus (``samples/``) renders letters through scanner profiles; its manifest holds
    each letter's body lines and the body's box, so the crop's text is known exactly.
    """
    manifest = ROOT / "samples" / "manifest.json"
    if not manifest.exists():
        return []
    pages = []
    for doc in json.loads(manifest.read_text(encoding="utf-8"))["documents"]:
        truth = doc.get("truth") or {}
        box = (truth.get("regions") or {}).get("body")
        lines = truth.get("body_lines")
        # Tampered letters' body text may differ from the manifest's lines on purpose.
        if doc["kind"] == "tampered" or not box or not lines or truth.get("language") != "fa":
            continue
        path = ROOT / "samples" / doc["path"]
        if path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".tif", ".tiff"):
            continue
        x, y, w, h = box
        with Image.open(path) as img:
            pad = 20
            crop = img.convert("RGB").crop((x - pad, y - pad, x + w + pad, y + h + pad))
        pages.append(Page(f"samples-{path.stem}", "samples", crop, "\n".join(lines), "fas"))
    return pages


def cer(truth: str, read: str) -> float:
    ref, hyp = normalise(truth), normalise(read)
    return Levenshtein.distance(ref, hyp) / max(len(ref), 1)


Reader = Callable[[Page], str]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the tesseract runs)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(reader: Reader, page: Page) -> tuple[str, float, float]:
    started, cpu = time.perf_counter(), cpu_seconds()
    text = reader(page)
    return text, time.perf_counter() - started, cpu_seconds() - cpu


def raw_reader(page: Page) -> str:
    return str(pytesseract.image_to_string(page.image, lang=page.language))


def workbench_reader(engine: Tesseract, steps: Steps | None = None) -> Reader:
    def read(page: Page) -> str:
        if steps is None:
            return engine.recognize(page.image, page.language).page.text
        return engine.recognize(page.image, page.language, steps=steps).page.text

    return read


def report_reader(engine: Tesseract, *, claimed: bool, mode: str = "auto") -> Reader:
    """The ``ocr`` check's text: `workbench.reading.read_page_text`, with or without a claim."""

    def read(page: Page) -> str:
        gray = np.asarray(page.image.convert("L"))
        result, _ = read_page_text(
            lambda language: engine.recognize(gray, language),
            gray,
            engine=engine,
            language=page.language if claimed else None,
            mode=mode,
        )
        return result.page.text

    return read


def run(
    pages: Sequence[Page], readers: dict[str, Reader], verbose: bool
) -> dict[tuple[str, str], Measure]:
    table: dict[tuple[str, str], Measure] = {}
    for page in pages:
        for name, reader in readers.items():
            text, seconds, cpu = timed(reader, page)
            for kind in (page.kind, "all", f"lang-{page.language}"):
                table.setdefault((name, kind), Measure()).add(page.truth, text, seconds, cpu)
            if verbose:
                print(
                    f"  {page.name:40s} {name:18s} CER {cer(page.truth, text):6.2%} "
                    f"{seconds:5.2f} s {cpu:5.2f} cpu",
                    flush=True,
                )
    return table


def turned_pages(pages: Sequence[Page]) -> list[Page]:
    """Clean pages turned by 90 and 180 degrees, and tilted by about 3 degrees."""
    out = []
    for page in [p for p in pages if p.kind == "clean300"][:2]:
        for angle in (90, 180):
            image = page.image.rotate(angle, expand=True)
            out.append(
                Page(f"{page.name}-rot{angle}", f"turned{angle}", image, page.truth, page.language)
            )
        for angle in (3.0, -2.5):
            image = page.image.rotate(
                angle, expand=True, fillcolor="white", resample=Image.Resampling.BICUBIC
            )
            out.append(Page(f"{page.name}-tilt{angle}", "tilted", image, page.truth, page.language))
    return out


def markdown(
    table: dict[tuple[str, str], Measure],
    rows: Sequence[str],
    kinds: Sequence[str],
) -> list[str]:
    head = "| reader | " + " | ".join(f"{k} CER | {k} CPU s/page" for k in kinds) + " |"
    sep = "| --- |" + " ---: | ---: |" * len(kinds)
    lines = [head, sep]
    for row in rows:
        cells = []
        for kind in kinds:
            m = table.get((row, kind))
            cells += ["-", "-"] if m is None else [f"{m.cer:.2%}", f"{m.cpu_per_page:.2f}"]
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    return lines


def compared(
    table: dict[tuple[str, str], Measure], names: Sequence[str], against: Measure
) -> list[str]:
    """One line per reader in `names`: its CER and CPU time over all pages, and `against`'s."""
    lines = []
    for name in names:
        m = table[(name, "all")]
        lines.append(
            f"- {name}: CER {m.cer:.2%} vs {against.cer:.2%}, "
            f"{m.cpu_per_page:.2f} vs {against.cpu_per_page:.2f} CPU s/page"
        )
    return lines


def write_section(text: str) -> None:
    path = ROOT / "benchmarks" / "RESULTS.md"
    start, end = "<!-- ocr-benchmark:start -->", "<!-- ocr-benchmark:end -->"
    block = f"{start}\n{text.rstrip()}\n{end}\n"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        updated = before + block + ("\n" + after if after else "")
    else:
        updated = current.rstrip("\n") + "\n\n" + block
    path.write_text(updated, encoding="utf-8")


def build_readers(engine: Tesseract, steps: bool) -> dict[str, Reader]:
    """The readers compared: raw, the workbench, the report's text, and the step study."""
    readers: dict[str, Reader] = {
        "raw tesseract": raw_reader,
        "workbench": workbench_reader(engine),
        "report text, claimed language": report_reader(engine, claimed=True),
        "report text, no claim": report_reader(engine, claimed=False),
        "report text, no claim, tesseract only": report_reader(
            engine, claimed=False, mode="tesseract"
        ),
    }
    if steps:
        none = Steps.none()
        readers["no preprocessing"] = workbench_reader(engine, none)
        for step in ALL_STEPS:
            alone = dataclasses.replace(none, **{step: True})
            readers[f"{step.replace('_', ' ')} only"] = workbench_reader(engine, alone)
        for step in ALL_STEPS:
            if getattr(Steps(), step):
                without = dataclasses.replace(Steps(), **{step: False})
                readers[f"default without {step.replace('_', ' ')}"] = workbench_reader(
                    engine, without
                )
        readers["default + denoise"] = workbench_reader(engine, Steps(denoise=True))
        readers["default + binarise"] = workbench_reader(engine, Steps(binarise=True))
    return readers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10, help="pages per kind")
    parser.add_argument("--no-steps", action="store_true", help="skip the step study")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--language", help="only pages read in this model (fas or ara)")
    parser.add_argument(
        "--part",
        default=None,
        metavar="K/N",
        help="read only pages K, K+N, K+2N, ... (parts run side by side; with --dump)",
    )
    parser.add_argument("--no-turned", action="store_true", help="skip the turned and tilted pages")
    parser.add_argument("--dump", type=Path, default=None, help="save the measures as JSON")
    parser.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        default=None,
        metavar="JSON",
        help="report the parts saved with --dump, reading nothing",
    )
    args = parser.parse_args()

    engine = Tesseract()
    engine.check("fas+ara")
    readers = build_readers(engine, not args.no_steps)
    if args.merge:
        table, turned_table = load_tables(args.merge)
        count = max(m.pages for (r, k), m in table.items() if k == "all")
    else:
        pages = build_pages(args.pages) + sample_pages()
        if args.language:
            pages = [p for p in pages if p.language == args.language]
        turned = [] if args.no_turned else turned_pages(pages)
        if args.part:
            k, n = (int(x) for x in args.part.split("/"))
            pages, turned = pages[k::n], turned[k::n]
        count = len(pages)
        print(f"{len(pages)} pages, {len(readers)} readers", flush=True)
        table = run(pages, readers, args.verbose)
        turned_table = run(
            turned,
            {
                "raw tesseract": raw_reader,
                "workbench": workbench_reader(engine),
                "no preprocessing": workbench_reader(engine, Steps.none()),
            },
            args.verbose,
        )
        if args.dump:
            save_tables(args.dump, [table, turned_table])
    readers = {name: readers[name] for name in readers if (name, "all") in table}
    kinds = ["clean300", "large300", "web150", "samples", "all"]
    kinds = [k for k in kinds if ("raw tesseract", k) in table]

    raw, wb = table[("raw tesseract", "all")], table[("workbench", "all")]
    lines = [
        "## OCR (`benchmarks/ocr_benchmark.py`)",
        "",
        f"Measured {dt.date.today().isoformat()} on a 2-core machine shared with other work "
        f"(timings are noisy), Tesseract {'.'.join(map(str, engine.version))} single-threaded, "
        f"Python {platform.python_version()}. {count} pages ({args.pages} per kind) of "
        "Persian (`fas`) and Arabic (`ara`) sentences in Nazli, Homa, Titr, Noto Naskh Arabic "
        "and Noto Sans Arabic; CER = edit distance / reference characters, whitespace collapsed.",
        "",
        *markdown(table, list(readers), kinds),
        "",
        "Orientation and skew (clean pages turned by 90 and 180 degrees, tilted by 2.5-3 degrees):",
        "",
        *markdown(
            turned_table,
            ["raw tesseract", "workbench", "no preprocessing"],
            ["turned90", "turned180", "tilted"],
        ),
        "",
        f"Overall: workbench CER {wb.cer:.2%} vs raw {raw.cer:.2%} "
        f"({(1 - wb.cer / raw.cer) if raw.cer else 0:.0%} lower), "
        f"{wb.cpu_per_page:.2f} vs {raw.cpu_per_page:.2f} CPU seconds per page "
        f"({wb.cpu_per_page / raw.cpu_per_page:.2f}x); wall clock {wb.per_page:.2f} s vs "
        f"{raw.per_page:.2f} s ({wb.per_page / raw.per_page:.2f}x).",
    ]
    lines += [
        "",
        "Targets (CER at most 2%, at least a third lower than raw, at most 1.5x raw's time):",
        "",
    ]
    for kind in kinds:
        r, w = table[("raw tesseract", kind)], table[("workbench", kind)]
        drop = 1 - w.cer / r.cer if r.cer else 0.0
        ratio = w.cpu_per_page / r.cpu_per_page if r.cpu_per_page else 0.0
        verdict = [
            "CER <= 2%: " + ("met" if w.cer <= 0.02 else "MISSED"),
            "a third lower: " + ("met" if drop >= 1 / 3 else "MISSED"),
            "<= 1.5x time: " + ("met" if ratio <= 1.5 else "MISSED"),
        ]
        lines.append(
            f"- {kind}: {w.cer:.2%} vs raw {r.cer:.2%} ({drop:.0%} lower), "
            f"{ratio:.2f}x raw's CPU time; " + "; ".join(verdict)
        )
    report_rows = [n for n in readers if n.startswith("report text")]
    lines += [
        "",
        "The `ocr` check's text (`workbench.reading`: the page language chosen from the text when "
        "none is claimed, and on Persian pages the second reader within about one raw Tesseract "
        "pass, a budget computed from the page's size and lines), "
        "by language of the page:",
        "",
        *markdown(table, ["raw tesseract", "workbench", *report_rows], ["lang-fas", "lang-ara"]),
    ]
    if not args.no_steps:
        base = table[("no preprocessing", "all")]
        lines += ["", "Each step alone, against no preprocessing (all pages):", ""]
        lines += compared(table, [n for n in readers if n.endswith(" only")], base)
        lines += ["", "Each default step left out, and each other step added (all pages):", ""]
        lines += compared(table, [n for n in readers if n.startswith("default ")], wb)
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    main()
