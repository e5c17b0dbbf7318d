"""The OCR page benchmark's pages: sentences, faces, page kinds, and the samples' letters.

`build_pages` renders Persian and Arabic sentences (fictional content) as A4 pages in three
kinds (``clean300``, ``large300``, ``web150``); `sample_pages` crops the body of each letter
of the samples corpus. `benchmarks.ocr_benchmark` reads them; `benchmarks.line_benchmark`
takes its rendered lines' sentences and its cost pages from here.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent

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
