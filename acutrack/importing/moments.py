"""Reading the dates and times of other apps' exports: day or month first, parts of the
day, UTC offsets.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from ..errors import InvalidValue, shown
from ..localtime import local_readings
from .common import Draft, ImportRefused

if TYPE_CHECKING:
    from . import ImportReport

#: The time an entry gets when its source names only a part of the day. Bearable's
#: segments are ``am``, ``mid``, ``pm`` and ``pre`` (before sleep); Privacy Friendly Pain
#: Diary's times of pain are morning, afternoon, evening and at night, and its drug
#: intakes morning, noon, evening and night.
PART_OF_DAY: dict[str, time] = {
    "am": time(9),
    "morning": time(9),
    "mid": time(13),
    "noon": time(13),
    "afternoon": time(15),
    "pm": time(18),
    "evening": time(18),
    "pre": time(22),
    "night": time(23),
    "at night": time(23),
}
#: The time of an entry whose source gives only its day ("all day", or no time at all).
WHOLE_DAY = time(12)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
# Digits are 0-9 only, as on the command line: ٤ or ４ is not read as 4. Runs of spaces are
# matched possessively, so that no pattern goes back over them: linear time on any cell.
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE_PATTERNS = (
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",  # ISO
    r"[0-9]{1,4}[./-][0-9]{1,2}[./-][0-9]{1,4}",  # 3/4/21, 04.03.2021, 2021/03/04
    rf"[0-9]{{1,2}}{_ORDINAL}\s++[A-Za-z]{{3,9}}\.?,?\s++[0-9]{{4}}",  # 22nd Sep 2020
    rf"[A-Za-z]{{3,9}}\.?\s++[0-9]{{1,2}}{_ORDINAL},?\s++[0-9]{{4}}",  # Sep 22, 2020
)
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?\s*+([ap]\.?m\.?)?", re.IGNORECASE)


def date_order(text: str | None) -> str | None:
    if text is None:
        return None
    if text.strip().upper() in ("DMY", "MDY"):
        return text.strip().upper()
    raise InvalidValue("date_order", text, "expected DMY (day first) or MDY (month first)")


def split_moment(text: str) -> tuple[str, str]:
    """A cell holding a date and perhaps a time → its date part and its time part."""
    text = text.strip()
    for pattern in _DATE_PATTERNS:
        match = re.match(pattern, text)
        if match:
            return match[0], text[match.end() :].strip().lstrip("T,").strip()
    return text, ""


def _numeric(day: str) -> tuple[int, int] | None:
    """The first two numbers of a date such as ``03/04/21`` (not year-first), else None."""
    match = re.fullmatch(r"([0-9]{1,2})[./-]([0-9]{1,2})[./-]([0-9]{2}|[0-9]{4})", day.strip())
    return (int(match[1]), int(match[2])) if match else None


def resolve_order(
    drafts: list[Draft], given: str | None, report: ImportReport, name: str
) -> str | None:
    """Day or month first: as given, or as the file shows; refuse when nothing tells."""
    first = {"DMY": None, "MDY": None}
    unclear = None
    for draft in drafts:
        numbers = _numeric(draft.day)
        if numbers is None:
            continue
        a, b = numbers
        if a > 12 and b <= 12:
            first["DMY"] = first["DMY"] or draft
        elif b > 12 and a <= 12:
            first["MDY"] = first["MDY"] or draft
        elif a != b:
            unclear = unclear or draft
    if given:
        if unclear or first["DMY"] or first["MDY"]:
            report.notes.append(
                f"Dates read {_ORDER_WORDS[given]}, as you said (--date-order {given})."
            )
        return given
    dmy, mdy = first["DMY"], first["MDY"]
    if dmy and mdy:
        raise ImportRefused(
            f"the dates of {shown(name)} disagree: row {dmy.line} ({dmy.day}) has the day first, "
            f"row {mdy.line} ({mdy.day}) the month; say which with --date-order DMY or MDY"
        )
    if dmy or mdy:
        order, draft = ("DMY", dmy) if dmy else ("MDY", mdy)
        report.notes.append(
            f"Dates read {_ORDER_WORDS[order]}, as row {draft.line} ({draft.day}) shows."
        )
        return order
    if unclear:
        a, b = _numeric(unclear.day)  # type: ignore[misc]
        raise ImportRefused(
            f"dates such as {unclear.day} (row {unclear.line}) can be day-first or "
            f"month-first and no date in {shown(name)} tells which: add --date-order DMY "
            f"(day {a} of month {b}) or --date-order MDY (day {b} of month {a})"
        )
    return None


_ORDER_WORDS = {"DMY": "day first (DMY)", "MDY": "month first (MDY)"}


def _day(text: str, order: str | None) -> date:
    """A date as sources write it; ValueError saying why when it is none."""
    text = text.strip()
    if re.fullmatch(_DATE_PATTERNS[0], text):
        y, m, d = map(int, text.split("-"))
    elif match := re.fullmatch(r"([0-9]{1,4})[./-]([0-9]{1,2})[./-]([0-9]{1,4})", text):
        a, b, c = (int(match[i]) for i in (1, 2, 3))
        if len(match[1]) == 4:
            y, m, d = a, b, c
        else:
            d, m = (a, b) if order == "DMY" else (b, a)  # order None: day and month are equal
            y = c + 2000 if len(match[3]) == 2 else c
    elif match := re.fullmatch(
        rf"([0-9]{{1,2}}){_ORDINAL}\s++([A-Za-z]{{3,9}})\.?,?\s++([0-9]{{4}})", text
    ):
        d, m, y = int(match[1]), _month(match[2]), int(match[3])
    elif match := re.fullmatch(
        rf"([A-Za-z]{{3,9}})\.?\s++([0-9]{{1,2}}){_ORDINAL},?\s++([0-9]{{4}})", text
    ):
        m, d, y = _month(match[1]), int(match[2]), int(match[3])
    else:
        raise ValueError("expected a date such as 2021-03-04, 04/03/2021 or 4th Mar 2021")
    return date(y, m, d)  # ValueError for 31 February


def _month(name: str) -> int:
    month = _MONTHS.get(name[:3].lower())
    if month is None:
        raise ValueError(f"{name!r} is not an English month")
    return month


def _clock(text: str) -> tuple[time, str, str]:
    """A time of day as written → the time, its precision and the word it stood for."""
    word = text.strip().lower()
    if not word or word == "all day":
        return WHOLE_DAY, "day", "whole day"
    if word in PART_OF_DAY:
        return PART_OF_DAY[word], "part-of-day", word
    match = _CLOCK.fullmatch(word)
    if not match:
        raise ValueError("expected a time such as 14:08, or am, mid, pm, pre, morning, evening")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            raise ValueError("expected an hour from 1 to 12 before am or pm")
        hour = hour % 12 + (12 if match[4][0] == "p" else 0)
    return time(hour, minute, second), "exact", ""  # ValueError for 25:00


def moment(draft: Draft, order: str | None) -> tuple[datetime, str, str]:
    """When the draft's entry was: its moment (naive: local time), precision and word."""
    if draft.when:
        with_offset = _aware(f"{draft.day}T{draft.when}")
        if with_offset is not None:
            return with_offset, "exact", ""
    clock, precision, word = _clock(draft.when)
    return datetime.combine(_day(draft.day, order), clock), precision, word


def _aware(text: str) -> datetime | None:
    """An ISO time with its UTC offset (``2021-03-04T08:30+01:00``), else None."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None


def local(moment: datetime) -> tuple[datetime, str]:
    """A time read from a file as one moment of this computer's local time, and what had
    to be decided to make it one (``""`` when nothing had to be).

    The import's rule for daylight saving, since a file cannot be asked: a local time that
    the clocks showed twice (when they went back) is the first of the two; one they skipped
    (when they went forward) is moved forward by the gap, 02:30 to 03:30 where they skipped
    an hour. A time with its UTC offset stays as it is.
    """
    if moment.utcoffset() is not None:
        return moment, ""
    try:
        read = local_readings(moment)
    except (OverflowError, OSError, ValueError):  # beyond what this computer converts: the
        return moment, ""  # journal refuses it, saying which dates it takes
    wall = f"{moment:%Y-%m-%d %H:%M}"
    if read.change == "skipped":
        return (
            read.rule,
            f"{wall} did not happen (the clocks went forward): {read.rule:%H:%M} taken",
        )
    if read.change == "twice":
        offset = read.rule.isoformat(timespec="minutes")[16:]
        return (
            read.rule,
            f"{wall} happened twice (the clocks went back): the first ({offset}) taken",
        )
    return read.rule, ""
