"""Iran's holidays loaded alone match the ``holidays`` package's own lookup."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import holidays
from workbench_checks.dates import iran_holiday
from workbench_checks.dates.iran_calendar import iran_holidays


def test_same_days_and_names_as_the_package_lookup() -> None:
    for year in (1980, 1999, 2001, 2024, 2039):
        expected = holidays.country_holidays("IR", years=year, language="en_US")
        assert dict(iran_holidays(year)) == {d: str(n) for d, n in expected.items()}
    assert iran_holiday(dt.date(2001, 5, 14)) == "Arbaeen"
    assert iran_holiday(dt.date(2001, 5, 15)) is None


def test_other_countries_are_not_imported() -> None:
    code = (
        "import sys, datetime as dt\n"
        "from workbench_checks.dates import iran_holiday\n"
        "assert iran_holiday(dt.date(2024, 3, 20)) is not None\n"
        "print('holidays.countries' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
