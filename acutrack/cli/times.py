"""Times as people give them to ``--at``: ``21:00``, ``yesterday 21:00``, or a date and
time, read on this computer's clock; and the ``YYYY-MM-DD`` of ``--since`` and ``--start``.

A local time the clocks showed twice, or skipped, is refused with both readings named:
a person can be asked which they meant (`localtime.local_readings` holds the rule).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from ..errors import InvalidValue

if TYPE_CHECKING:
    from ..localtime import Readings


# Patterns compiled by `re` when ``--at`` is first read: most runs have no ``--at``.
_HH_MM = r"([0-9]{1,2}):([0-9]{2})"
_DAY_HH_MM = r"(today|yesterday)(?:\s+([0-9]{1,2}):([0-9]{2}))?"
_AT_RANGE = "expected a time after 1970 and no more than a day ahead"
_GIVE_ONE = "Give one of them to --at as it is written here."
_AT_HELP = (
    "when: HH:MM (its latest past occurrence), 'yesterday 21:00', 'today 08:00', or a "
    "date and time such as 2026-11-20T21:00 (default: now)"
)


def _time(text: str | None, now: datetime) -> datetime | str | None:
    """``--at``: ``HH:MM`` (its most recent past occurrence), ``yesterday HH:MM``,
    ``today HH:MM`` or an ISO 8601 time.

    A time without a UTC offset takes the offset this computer's time zone had then, not
    the one it has ``now``. A date without a time is refused: it would be stored as
    midnight, which is seldom when anything happened. Text with an offset, and text that is
    no time at all, go to the journal as they are, to be stored or refused there.
    """
    if text is None:
        return None
    clock = re.fullmatch(_HH_MM, text.strip())
    if clock:
        return _most_recent(text, int(clock[1]), int(clock[2]), now)
    day = re.fullmatch(_DAY_HH_MM, text.strip(), re.IGNORECASE)
    if day:
        return _on_day(text, day, now)
    try:
        alone = date.fromisoformat(text.strip())
    except ValueError:
        pass
    else:
        raise InvalidValue(
            "at",
            text,
            f"a date alone would be stored as midnight; add the time of day, e.g. '{alone} 21:00'",
        )
    try:
        given = datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    if given.tzinfo is not None:
        return text
    return _only_moment(text, given)


def _on_day(text: str, day: re.Match[str], now: datetime) -> datetime:
    """``today HH:MM`` or ``yesterday HH:MM``, by this computer's calendar ``now``."""
    if day[2] is None:
        raise InvalidValue("at", text, f"add the time of day, e.g. '{day[1]} 21:00'")
    try:
        wanted = time(int(day[2]), int(day[3]))
    except ValueError:
        raise InvalidValue("at", text, f"expected a time of day, e.g. '{day[1]} 21:00'") from None
    back = 1 if day[1].lower() == "yesterday" else 0
    moment = _only_moment(text, datetime.combine(_local(now).date() - timedelta(back), wanted))
    if moment > now:
        raise InvalidValue(
            "at", text, f"{wanted:%H:%M} today is still to come; give a time that has passed"
        )
    return moment


def _only_moment(text: str, wall: datetime) -> datetime:
    """The one moment this computer's clock showed ``wall``, or why there is not one.

    A person can be asked which moment they meant, so a time the clocks showed twice or
    skipped is refused, naming both readings (an API call would take the first, or the
    time moved forward: `localtime.local_readings`).
    """
    readings = _readings(text, wall)
    if readings.change:
        raise InvalidValue("at", text, readings.refusal(_GIVE_ONE))
    return readings.rule


def _local(now: datetime) -> datetime:
    """``now`` as this computer's wall clock shows it (naive)."""
    return now.astimezone().replace(tzinfo=None)


def _most_recent(text: str, hour: int, minute: int, now: datetime) -> datetime:
    """The latest moment up to ``now`` at which this computer's clock showed ``hour:minute``."""
    try:
        wanted = time(hour, minute)
    except ValueError:
        raise InvalidValue("at", text, "expected HH:MM or an ISO 8601 time") from None
    wall = _local(now)
    day = wall.date() - timedelta(days=1 if wanted > wall.time() else 0)
    readings = _readings(text, datetime.combine(day, wanted))
    if readings.change == "skipped":
        raise InvalidValue("at", text, readings.refusal(_GIVE_ONE))
    # The next day too: when the clocks go back, its first pass of the hour may be past.
    days = (day, day + timedelta(days=1))
    moments = [m for d in days for m in _moments(text, datetime.combine(d, wanted))]
    return max(m for m in moments if m <= now)


def _readings(text: str, wall: datetime) -> Readings:
    """`localtime.local_readings` of ``wall`` on this computer's clock."""
    from ..localtime import local_readings

    try:
        return local_readings(wall)
    except (OverflowError, OSError, ValueError):  # beyond what the C library can convert
        raise InvalidValue("at", text, _AT_RANGE) from None


def _moments(text: str, wall: datetime) -> list[datetime]:
    """Each moment this computer's clock showed ``wall``: none in a gap, two in an overlap."""
    readings = _readings(text, wall)
    if readings.change == "skipped":
        return []
    return sorted({readings.rule, readings.other})


def _date(option: str, text: str | None) -> date | None:
    """An optional ``YYYY-MM-DD`` option."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(option, text, "expected a date like 2026-12-01") from None


def _moment(when: datetime | str | None, now: datetime) -> datetime | None:
    """``--at`` as resolved by `_time`, as a moment; None when it is for the journal to judge."""
    if when is None:
        return now
    if isinstance(when, datetime):
        return when
    try:
        given = datetime.fromisoformat(when.strip())
    except ValueError:
        return None
    return given if given.tzinfo is not None else None
