"""Latin spellings of Persian names: how often the romanizer gives the spelling people use.

The list below was written for this benchmark: well-known Iranian public figures
(politicians, scientists, film-makers, writers, musicians, athletes) in Persian with the
spelling English-language encyclopedias and newspapers most commonly use. It is not an
independent gold standard: one spelling is chosen where several are in use, and the
romanizer's dictionary is built from Wikidata, which holds many of these people, so the
figures are an upper bound for famous names. A second list, the names of the samples' own
fictional letter with the spellings its translation uses, shows the other end: names no
dictionary can hold.

Measures, for the top candidate and the top three: *exact* (the same letters, ignoring case
and the difference between a hyphen and a space) and *variant* (equal under
`workbench.text.romanize.latin_key`, which folds accents, the dotless ı, ou/oo/u, e/a, q/gh,
doubled letters, spaces, hyphens; what claims matching uses).
Run: ``python benchmarks/romanizer_benchmark.py [--write]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results_file import write_section  # noqa: E402
from workbench.text.romanize import latin_key, romanize  # noqa: E402

PUBLIC = """\
محمد خاتمی	Mohammad Khatami
حسن روحانی	Hassan Rouhani
محمود احمدی‌نژاد	Mahmoud Ahmadinejad
اکبر هاشمی رفسنجانی	Akbar Hashemi Rafsanjani
علی خامنه‌ای	Ali Khamenei
روح‌الله خمینی	Ruhollah Khomeini
ابراهیم رئیسی	Ebrahim Raisi
محمدجواد ظریف	Mohammad Javad Zarif
علی لاریجانی	Ali Larijani
محمدباقر قالیباف	Mohammad Bagher Ghalibaf
مسعود پزشکیان	Masoud Pezeshkian
علی‌اکبر ناطق نوری	Ali Akbar Nateq-Nouri
میرحسین موسوی	Mir-Hossein Mousavi
مهدی کروبی	Mehdi Karroubi
عباس عراقچی	Abbas Araghchi
قاسم سلیمانی	Qasem Soleimani
شیرین عبادی	Shirin Ebadi
مریم میرزاخانی	Maryam Mirzakhani
عباس کیارستمی	Abbas Kiarostami
اصغر فرهادی	Asghar Farhadi
جعفر پناهی	Jafar Panahi
محسن مخملباف	Mohsen Makhmalbaf
گلشیفته فراهانی	Golshifteh Farahani
ترانه علیدوستی	Taraneh Alidoosti
شهاب حسینی	Shahab Hosseini
علی دایی	Ali Daei
مهدی طارمی	Mehdi Taremi
سردار آزمون	Sardar Azmoun
کریم باقری	Karim Bagheri
هادی ساعی	Hadi Saei
حسن یزدانی	Hassan Yazdani
محمدرضا شجریان	Mohammad-Reza Shajarian
شهرام ناظری	Shahram Nazeri
حسین علیزاده	Hossein Alizadeh
کیهان کلهر	Kayhan Kalhor
فروغ فرخزاد	Forugh Farrokhzad
صادق هدایت	Sadegh Hedayat
احمد شاملو	Ahmad Shamlou
سهراب سپهری	Sohrab Sepehri
سیمین دانشور	Simin Daneshvar
جلال آل‌احمد	Jalal Al-e-Ahmad
محمد مصدق	Mohammad Mosaddegh
امیرعباس هویدا	Amir-Abbas Hoveyda
مهدی بازرگان	Mehdi Bazargan
ابوالحسن بنی‌صدر	Abolhassan Banisadr
محمدعلی رجایی	Mohammad-Ali Rajai
اکبر گنجی	Akbar Ganji
نسرین ستوده	Nasrin Sotoudeh
نرگس محمدی	Narges Mohammadi
عبدالکریم سروش	Abdolkarim Soroush
فیروز نادری	Firouz Naderi
انوشه انصاری	Anousheh Ansari
پرویز مشکاتیان	Parviz Meshkatian
ابراهیم گلستان	Ebrahim Golestan
بهرام بیضایی	Bahram Beyzaie
داریوش مهرجویی	Dariush Mehrjui
مجید مجیدی	Majid Majidi
رخشان بنی‌اعتماد	Rakhshan Banietemad
علیرضا فغانی	Alireza Faghani
بهروز وثوقی	Behrouz Vossoughi
علی کریمی	Ali Karimi
جواد نکونام	Javad Nekounam
حمید سوریان	Hamid Sourian
محسن فخری‌زاده	Mohsen Fakhrizadeh
علی شمخانی	Ali Shamkhani
محمد باقری	Mohammad Bagheri
حسین امیرعبداللهیان	Hossein Amir-Abdollahian
مصطفی پورمحمدی	Mostafa Pourmohammadi
علی‌اکبر ولایتی	Ali Akbar Velayati
محمدرضا عارف	Mohammad Reza Aref
اسحاق جهانگیری	Eshaq Jahangiri
"""

#: The fictional names of the questioned sample with the spellings of its translation.
SAMPLES = """\
سیدمرتضی کاویان‌پور	Seyyed Morteza Kavianpour
بهروز آذرمهر	Behrouz Azarmehr
کامران صدری	Kamran Sadri
داوود فرزین‌فر	Davoud Farzinfar
"""


def _pairs(text: str) -> list[tuple[str, str]]:
    return [tuple(line.split("\t")) for line in text.splitlines() if line.strip()]  # type: ignore[misc]


def _plain(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


def score(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Exact and variant matches of the first and of the top three candidates."""
    counts = {"exact@1": 0, "exact@3": 0, "variant@1": 0, "variant@3": 0}
    misses = []
    for persian, expected in pairs:
        latin = romanize(persian, top_k=3).latin
        exact = [_plain(c) == _plain(expected) for c in latin]
        variant = [latin_key(c) == latin_key(expected) for c in latin]
        counts["exact@1"] += bool(exact[:1] and exact[0])
        counts["exact@3"] += any(exact)
        counts["variant@1"] += bool(variant[:1] and variant[0])
        counts["variant@3"] += any(variant)
        if not any(variant):
            misses.append(f"{expected} -> {', '.join(latin)}")
    n = len(pairs)
    out: dict[str, float] = {k: v / n for k, v in counts.items()}
    out["n"] = n
    print(f"{n} names; not matched even as a variant:", *misses, sep="\n  ")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write RESULTS.md's section")
    args = parser.parse_args()
    public = score(_pairs(PUBLIC))
    samples = score(_pairs(SAMPLES))
    rows = ["| list | names | exact, top 1 | exact, top 3 | variant, top 1 | variant, top 3 |"]
    rows.append("| --- | --- | --- | --- | --- | --- |")
    for name, s in (("well-known public names", public), ("the samples' fictional names", samples)):
        rows.append(
            f"| {name} | {int(s['n'])} | {s['exact@1']:.0%} | {s['exact@3']:.0%} | "
            f"{s['variant@1']:.0%} | {s['variant@3']:.0%} |"
        )
    text = (
        "## Latin spellings of Persian names (`people`, `lists`)\n\n"
        f"Measured {dt.date.today().isoformat()} by `benchmarks/romanizer_benchmark.py`, with "
        "`arabic-name-romanizer` 0.2 (Persian "
        "model and dictionary, offline). The list of well-known public names was written for "
        "this benchmark (Iranian politicians, scientists, artists and athletes with the "
        "spelling English-language encyclopedias and newspapers most use); the romanizer's "
        "dictionary comes from Wikidata, which holds many of these people, so its figures are "
        "an upper bound for famous names. The samples' names are fictional, with the "
        "spellings of the sample translation. *Exact*: same letters, case and hyphens aside; "
        "*variant*: equal once the usual variation of Persian spellings is folded "
        "(`latin_key`: accents, the dotless ı read as i, ou/oo/u, e/a, q/gh, doubled "
        "letters, spaces), as claims are matched. "
        "The folding was corrected after a first run on this list (spaces and hyphens are now "
        "dropped before vowels are folded, so «Bani-Etemad» and «Banietemad» agree), so the "
        "variant figures are not independent of it. Re-run after the dotless ı was folded "
        "into i (a change made for the translation comparison's names): the figures did not "
        "move.\n\n" + "\n".join(rows) + "\n"
    )
    print(text)
    if args.write:
        write_section("Latin spellings of Persian names (`people`, `lists`)", text)


if __name__ == "__main__":
    main()
