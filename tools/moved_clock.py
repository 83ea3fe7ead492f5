"""The moment `make test-clock` starts the test suite at: far ahead, on a daylight-saving day.

Prints a local time in Europe/London for ``faketime -f "@..."``: three minutes before the
clocks go forward on the first such day at least 400 days from today, so the suite runs
over a year ahead and across the change. Tests take "now" from clocks they control; this
run shows that none reads the wall clock instead.
"""

from __future__ import annotations

from datetime import date, timedelta


def spring_forward_after(day: date) -> date:
    """The first last Sunday of March (the UK's change) on or after ``day``."""
    for year in range(day.year, day.year + 2):
        last = date(year, 3, 31)
        change = last - timedelta(days=(last.weekday() + 1) % 7)
        if change >= day:
            return change
    raise AssertionError("unreachable: every year has a last Sunday of March")


if __name__ == "__main__":
    print(f"{spring_forward_after(date.today() + timedelta(days=400))} 00:57:00")
