"""``acutrack remind``: a calendar file with the daily pain check-in and the weekly PEG-3 as
recurring events with alarms, to import into a calendar."""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING

from .common import _journal, _path, _Usage
from .terminal import _line

if TYPE_CHECKING:
    from .common import Declare

_HH_MM = re.compile(r"([0-9]{1,2}):([0-9]{2})")


def add_parsers(command: Declare) -> None:
    """Declare ``remind``."""
    remind = command(
        "remind",
        _cmd_remind,
        "write a calendar file that reminds you of the daily check-in and the weekly PEG-3",
    )
    remind.add_argument(
        "--ics", type=_path, metavar="FILE", required=True, help="the .ics calendar file to write"
    )
    remind.add_argument(
        "--at", default="20:00", metavar="HH:MM", help="local time of day (default 20:00)"
    )
    remind.add_argument(
        "--weekdays",
        nargs="+",
        metavar="DAY",
        help="the check-in's days, e.g. mon wed fri (default: every day)",
    )
    remind.add_argument(
        "--peg-day",
        default="sun",
        metavar="DAY",
        help="the weekly PEG-3's day, or none for no PEG-3 reminder (default sun)",
    )


def _cmd_remind(args: argparse.Namespace) -> int:
    from datetime import time

    from ..reminders import checkin_calendar

    clock = _HH_MM.fullmatch(args.at.strip())
    if not clock or int(clock[1]) > 23 or int(clock[2]) > 59:
        raise _Usage(f"--at: expected a time of day as HH:MM, e.g. 20:00, not {args.at!r}")
    at = time(int(clock[1]), int(clock[2]))
    days = _days("--weekdays", args.weekdays) if args.weekdays else None
    peg_day = args.peg_day.strip().lower()
    peg = None if peg_day == "none" else _days("--peg-day", [peg_day])[0]
    journal = _journal(args)
    now = journal.now()
    text = checkin_calendar(
        at=at, weekdays=days, peg_weekday=peg, start=now.astimezone().date(), stamp=now
    )
    with journal.private_output(args.ics) as calendar:
        calendar.write(text.encode("utf-8"))
    when = (
        "every day" if days is None or len(days) == 7 else "on " + " ".join(_name(d) for d in days)
    )
    peg_words = f" and the PEG-3 every {_name(peg)}" if peg else ""
    _line(
        f"wrote the pain check-in {when} at {at:%H:%M}{peg_words} to {args.ics}: "
        "import it into your calendar (open the file, or the calendar's Import)"
    )
    return 0


def _days(option: str, names: list[str]) -> list[str]:
    """RFC 5545's codes of these days (Monday first, each once), or a usage error."""
    from ..errors import InvalidValue
    from ..reminders import WEEKDAY_CODES, weekday_code

    try:
        codes = {weekday_code(name) for name in names}
    except InvalidValue as err:
        raise _Usage(f"{option}: {err.value!r} is no day of the week; {err.allowed}") from None
    return sorted(codes, key=WEEKDAY_CODES.index)


def _name(code: str) -> str:
    return {"MO": "Mon", "TU": "Tue", "WE": "Wed", "TH": "Thu", "FR": "Fri", "SA": "Sat"}.get(
        code, "Sun"
    )
