"""The translation benchmark's letters: sentence templates, their wordings and added sentences.

Each template is a Persian sentence with its English translation, with slots (``{date}``,
``{amount}``, ``{count}``, ``{name}``) that `benchmarks/translation_benchmark.py` fills. The
development set's templates (D1-D8) and the independent set's (T1-T8) have other subjects and
wording, and each has other translators' wordings and its own pool of added sentences.
"""

from __future__ import annotations

DEV = [
    (
        "پیرو جلسه مورخ {date} مقرر گردید گزارش پیشرفت طرح حداکثر تا پایان ماه جاری به این "
        "دفتر ارسال شود.",
        "Following the meeting of {date}, it was decided that the progress report of the "
        "project be sent to this office by the end of the current month at the latest.",
    ),
    (
        "اعتبار مصوب سال جاری برای این طرح مبلغ {amount} ریال تعیین شده است و هزینه‌ها باید در "
        "چارچوب موافقت‌نامه انجام شود.",
        "The approved budget of the current year for this project has been set at {amount} "
        "rials, and expenses must be made within the framework of the agreement.",
    ),
    (
        "مقرر شد ارتباط با پیمانکار تنها از طریق جناب آقای {name} انجام گیرد و گزارش اقدامات "
        "به این دفتر ارسال شود.",
        "It was decided that contact with the contractor be made only through Mr. {name}, and "
        "that a report of the actions be sent to this office.",
    ),
    (
        "بر اساس بازدید کارشناسان این دفتر، در اجرای بخشی از کانال‌های آبرسانی تأخیر قابل "
        "توجهی مشاهده شده است.",
        "According to the inspection by the experts of this office, a considerable delay has "
        "been observed in building part of the water supply canals.",
    ),
    (
        "خواهشمند است دستور فرمایید نماینده آن اداره کل در جلسه هماهنگی روز {date} حضور یابد.",
        "Please instruct that a representative of that directorate-general attend the "
        "coordination meeting of {date}.",
    ),
    (
        "تعداد {count} نفر از کارکنان برای شرکت در دوره آموزشی معرفی شده‌اند که فهرست آنان "
        "پیوست است.",
        "{count} members of staff have been nominated to attend the training course, and "
        "their list is attached.",
    ),
    (
        "از همکاری صمیمانه آن اداره کل در برگزاری بازدیدهای میدانی سپاسگزاری می‌شود.",
        "The sincere cooperation of that directorate-general in holding the field visits is "
        "appreciated.",
    ),
    (
        "لازم است اسناد مربوط به قرارداد شماره {amount} نزد سرکار خانم {name} نگهداری شود.",
        "The documents of contract number {amount} must be kept with Ms. {name}.",
    ),
]

TEST = [
    (
        "به استحضار می‌رساند در تاریخ {date} نامه شماره {amount} از سوی جناب آقای {name} "
        "دریافت گردید.",
        "We inform you that on {date} letter number {amount} was received from Mr. {name}.",
    ),
    (
        "با توجه به کمبود اعتبارات، اجرای مرحله دوم طرح تا اطلاع ثانوی متوقف خواهد شد و "
        "پیمانکاران در جریان قرار خواهند گرفت.",
        "In view of the shortage of funds, the second phase of the project will be halted "
        "until further notice, and the contractors will be informed.",
    ),
    (
        "هزینه تعمیرات ساختمان مرکزی و تأسیسات وابسته به آن بالغ بر {amount} ریال برآورد شده است.",
        "The cost of repairs to the central building and its installations is estimated at "
        "{amount} rials.",
    ),
    (
        "جلسه بعدی کمیته فنی روز {date} ساعت ۱۰ صبح در سالن اجتماعات ساختمان مرکزی برگزار می‌شود.",
        "The next meeting of the technical committee will be held on {date} at 10 a.m. in the "
        "assembly hall of the central building.",
    ),
    (
        "مسئولیت پیگیری این موضوع و تهیه گزارش نهایی بر عهده سرکار خانم {name} خواهد بود.",
        "Responsibility for following up this matter and preparing the final report will rest "
        "with Ms. {name}.",
    ),
    (
        "طبق گزارش واصله، {count} دستگاه خودرو برای بازدید از مناطق سیل‌زده استان اختصاص یافته است.",
        "According to the report received, {count} vehicles have been assigned for visits to "
        "the flooded areas of the province.",
    ),
    (
        "خواهشمند است نتیجه اقدامات انجام‌شده را در اسرع وقت به این معاونت اعلام فرمایید.",
        "Please report the results of the actions taken to this deputy office as soon as possible.",
    ),
    (
        "نسخه‌ای از این نامه جهت اطلاع برای جناب آقای دکتر {name} ارسال شده است.",
        "A copy of this letter has been sent to Dr. {name} for his information.",
    ),
]

#: A second translator's English for the development set's templates (same slots, other words
#: and order); each sentence of a development letter takes one of the two at random.
DEV_FREE = [
    "At the meeting held on {date} it was agreed that this office should receive the "
    "project's progress report no later than the end of this month.",
    "This year's approved funding for the project is {amount} rials; all spending has to stay "
    "within the terms of the agreement.",
    "Only Mr. {name} is to deal with the contractor, and this office is to be sent an account "
    "of what is done.",
    "Experts from this office who inspected the site found that work on some of the water "
    "supply canals is considerably behind schedule.",
    "Kindly arrange for someone from your directorate-general to be present at the "
    "coordination meeting on {date}.",
    "A list of the {count} employees put forward for the training course is enclosed.",
    "We are grateful to your directorate-general for its warm help in organising the site visits.",
    "Ms. {name} is to hold the files of contract no. {amount}.",
]

#: A second translator's English for the independent set's templates (same slots, other
#: words and order); each sentence of an independent letter takes one of the two at random.
TEST_FREE = [
    "Please be advised that letter no. {amount} from Mr. {name} reached us on {date}.",
    "Because funding is short, work on the project's second stage is suspended until further "
    "notice, and the contractors will be told so.",
    "Repairing the head office building and its facilities is expected to cost {amount} rials.",
    "The technical committee will next meet at 10 a.m. on {date}, in the assembly hall of the "
    "head office.",
    "Ms. {name} will be responsible for pursuing this matter and for writing the final report.",
    "The report we received states that {count} cars have been allocated for visiting the "
    "flood-hit areas of the province.",
    "Kindly inform this deputy office at your earliest convenience of the outcome of the "
    "measures taken.",
    "For his information, Dr. {name} has been sent a copy of this letter.",
]

#: A third translator's English for the development set's templates: terse, reordered, with
#: the letter's formulas dropped. Only the development set has it, so that thresholds chosen
#: there have seen freer renderings than either set's second wording.
DEV_TERSE = [
    "Progress report on the project due at this office by month's end, as agreed at the "
    "{date} meeting.",
    "Budget approved for the project this year: {amount} rials, to be spent only as the "
    "agreement allows.",
    "Dealings with the contractor go through Mr. {name} alone, who reports back to this office.",
    "Our inspectors report that parts of the water canals are well behind schedule.",
    "Your directorate-general should send someone to the coordination meeting of {date}.",
    "{count} staff nominated for the training course; names attached.",
    "Thanks to the directorate-general for its help with the field visits.",
    "Files for contract {amount} stay with Ms. {name}.",
]

INSERT_A = [
    "The Minister has also approved an additional payment to the contractor for its "
    "cooperation in this matter.",
    "All correspondence on this subject must be destroyed after reading, on the order of the "
    "Minister.",
    "The representatives of the foreign company will take part in the meeting as observers "
    "without the knowledge of the board.",
]
INSERT_B = [
    "It should be stressed that no record of these arrangements may be kept in the files of "
    "the ministry.",
    "The head of the office has personally guaranteed the safety of the visitors during their "
    "stay in the country.",
    "Any delay in carrying out these instructions will be reported directly to the security "
    "services without notice.",
]
