"""Calendar reminders: the plan's sessions, and the daily pain check-in and weekly PEG-3, as
iCalendar files (RFC 5545) with alarms, for a person to import into their own calendar.

What the files promise, and why:

* **Blind titles.** A planned session's event says "acupressure session — open acutrack to
  see which", never its routine nor whether it is real or sham: a calendar is seen by
  phones, lock screens, shared devices and calendar services, and the person should learn
  the condition only when they open acutrack to press.
* **Stable UIDs, rising SEQUENCE.** A slot's event is always ``<slot id>@acutrack``, the
  check-in ``checkin@acutrack`` and the PEG-3 ``peg@acutrack``. SEQUENCE is the whole minutes
  from 2020-01-01 UTC to the time of writing (`sequence`), so a file written later always
  carries a higher one and a calendar that compares them (RFC 5546 §2.1.4) takes the new
  event in place of the old instead of adding a copy. Two writes in the same minute carry
  the same SEQUENCE; RFC 5546 then orders them by DTSTAMP, which is the time of writing
  too. Whole minutes stay below 2**31 (the largest SEQUENCE some calendars store) for
  four thousand years.
* **Cancelled, not forgotten.** The events of a plan that was replaced or ended can be
  written again with STATUS:CANCELLED, in a calendar whose METHOD is PUBLISH. METHOD:CANCEL
  is an iTIP message from an organizer to attendees (RFC 5546 §3.2.5): it needs ORGANIZER,
  a person's calendar treats it as an invitation's cancellation, and a file cannot mix it
  with events that stay. PUBLISH with cancelled events is what an import of a file can
  honour; a calendar that does not removes nothing and shows the old events, marked or
  not, until the person deletes them.
* **Floating local time for the check-in.** The daily check-in's DTSTART has no TZID and no
  ``Z`` (RFC 5545 §3.3.5, form 1): it happens at 20:00 on whatever the clocks say where the
  calendar is, so it stays at 20:00 across a change to or from daylight saving time and
  when the person travels. A planned session is an instant (UTC), as the plan stores it.

``icalendar`` is imported inside the functions: `acutrack log` should not pay for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from .errors import InvalidValue

if TYPE_CHECKING:
    from icalendar import Alarm, Calendar, Event

    from .records import Slot

SESSION_TITLE = "acupressure session — open acutrack to see which"
CHECKIN_TITLE = "acutrack: pain check-in"
PEG_TITLE = "acutrack: weekly PEG-3 (pain, enjoyment, activity)"
CHECKIN_UID = "checkin@acutrack"
PEG_UID = "peg@acutrack"

_PRODID = "-//acutrack//reminders//EN"
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
# Monday first, as `date.weekday` counts; RFC 5545's two-letter day codes.
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def sequence(stamp: datetime) -> int:
    """The SEQUENCE of events written at ``stamp``: whole minutes since 2020-01-01 UTC.

    Parameters
    ----------
    stamp : datetime
        When the file is written (aware).

    Returns
    -------
    int
        0 or more; higher for every later minute.
    """
    return max(0, int((_aware(stamp) - _EPOCH).total_seconds() // 60))


def weekday_code(name: str) -> str:
    """RFC 5545's code for a day of the week as people write it.

    Parameters
    ----------
    name : str
        ``mon``, ``Monday``, ``mo`` (any case), or any start of the English name from
        two letters that names one day.

    Returns
    -------
    str
        ``MO`` … ``SU``.

    Raises
    ------
    InvalidValue
        When ``name`` names no day, or more than one (``t``).
    """
    text = name.strip().lower()
    found = {
        code
        for code, day in zip(WEEKDAY_CODES, _NAMES, strict=True)
        if len(text) >= 2 and day.startswith(text)
    }
    if len(found) != 1:
        raise InvalidValue(
            "weekday", name, "expected a day of the week: mon tue wed thu fri sat sun"
        )
    return found.pop()


def plan_calendar(
    slots: Iterable[Slot],
    *,
    stamp: datetime,
    minutes: int = 15,
    alarm_minutes: int = 10,
    cancelled: Iterable[Slot] = (),
) -> str:
    """A plan's sessions as an iCalendar file with alarms, blind to what each session is.

    Each slot is one event with UID ``<slot id>@acutrack``, titled "acupressure session —
    open acutrack to see which": neither its routine, nor its point left out, nor real or
    sham appears anywhere in the file. An open slot is CONFIRMED, with an alarm
    ``alarm_minutes`` before it. A done slot stays an event (the plan's history), titled
    "acupressure session (done)", without an alarm. Each ``cancelled`` slot (of a plan
    replaced or ended) is written with STATUS:CANCELLED and no alarm, so that a calendar
    that imported it before can drop it.

    Parameters
    ----------
    slots : iterable of Slot
        The plan's slots, e.g. from `acutrack.plan.plan_slots`; numbered in the
        description in order of when they are due.
    stamp : datetime
        When the file is written (aware; the journal's clock, `Journal.now`): DTSTAMP, and
        the SEQUENCE of every event (`sequence`).
    minutes : int
        How long each session's event lasts, 1 or more.
    alarm_minutes : int
        How many minutes before a session its alarm goes off, 0 or more.
    cancelled : iterable of Slot
        Slots no longer planned (a replaced plan's, or an ended plan's open ones); a slot
        also in ``slots`` is written once, as planned.

    Returns
    -------
    str
        The calendar (METHOD:PUBLISH), lines ending in ``\\r\\n``; write it encoded as UTF-8.

    Raises
    ------
    InvalidValue
        When ``minutes`` is below 1, ``alarm_minutes`` below 0, or there is no slot at all
        (RFC 5545 wants one event or more in a calendar).
    ValueError
        When ``stamp`` has no time zone.
    """
    from icalendar import Calendar, Event

    if minutes < 1:
        raise InvalidValue("minutes", minutes, "expected 1 or more")
    if alarm_minutes < 0:
        raise InvalidValue("alarm_minutes", alarm_minutes, "expected 0 or more")
    calendar = _calendar(Calendar)
    planned = sorted(slots, key=lambda s: (s.due, s.slot))
    ids = {s.slot for s in planned}
    gone = sorted((s for s in cancelled if s.slot not in ids), key=lambda s: (s.due, s.slot))
    if not (planned or gone):
        raise InvalidValue("slots", [], "expected a slot to write, planned or cancelled")
    for number, s in enumerate(planned, start=1):
        event = _session(Event, s, stamp, minutes)
        if s.filled:
            event.add("summary", "acupressure session (done)")
            event.add("description", f"Planned session {number} of {len(planned)}: done.")
        else:
            event.add("summary", SESSION_TITLE)
            event.add(
                "description",
                f"Planned session {number} of {len(planned)}. Start it in acutrack (the "
                "session form, or acutrack next --start) to see what to press.",
            )
            event.add_component(_alarm(-timedelta(minutes=alarm_minutes), SESSION_TITLE))
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    for s in gone:
        event = _session(Event, s, stamp, minutes)
        event.add("summary", "acupressure session (no longer planned)")
        event.add("description", "This session is no longer in your plan: see acutrack plan.")
        event.add("status", "CANCELLED")
        calendar.add_component(event)
    return _text(calendar)


def checkin_calendar(
    *,
    at: time,
    weekdays: Sequence[str] | None,
    peg_weekday: str | None,
    start: date,
    stamp: datetime,
) -> str:
    """The daily pain check-in, and the weekly PEG-3, as recurring events with alarms.

    The check-in ("acutrack: pain check-in", UID ``checkin@acutrack``) repeats every day
    (RRULE FREQ=DAILY), or on ``weekdays`` only (FREQ=WEEKLY;BYDAY=…); the PEG-3
    ("acutrack: weekly PEG-3 (pain, enjoyment, activity)", UID ``peg@acutrack``) every
    ``peg_weekday`` (FREQ=WEEKLY;BYDAY=…). Both are at ``at`` in floating local time (no
    time zone: the same wall-clock time across daylight saving changes), each with an alarm
    when it starts. Each starts on its first day from ``start`` that its rule gives, as RFC
    5545 asks of DTSTART.

    Parameters
    ----------
    at : time
        The local time of day (its seconds and time zone are ignored).
    weekdays : sequence of str or None
        The days of the check-in (``mon``, ``Tuesday``, ``we``…); None or all seven: every day.
    peg_weekday : str or None
        The day of the weekly PEG-3; None: no PEG-3 event.
    start : date
        The first day either may fall on (today, by the journal's clock, in local time).
    stamp : datetime
        When the file is written (aware): DTSTAMP and SEQUENCE (`sequence`).

    Returns
    -------
    str
        The calendar (METHOD:PUBLISH), lines ending in ``\\r\\n``; write it encoded as UTF-8.

    Raises
    ------
    InvalidValue
        When a day names no day of the week, or ``weekdays`` is empty.
    ValueError
        When ``stamp`` has no time zone.
    """
    from icalendar import Calendar, Event

    if weekdays is not None and not weekdays:
        raise InvalidValue(
            "weekdays", "", "expected one day of the week or more, or none for daily"
        )
    days = (
        WEEKDAY_CODES
        if weekdays is None
        else tuple(sorted({weekday_code(d) for d in weekdays}, key=WEEKDAY_CODES.index))
    )
    peg = weekday_code(peg_weekday) if peg_weekday is not None else None
    calendar = _calendar(Calendar)
    at = at.replace(second=0, microsecond=0, tzinfo=None)
    checkin = _recurring(Event, CHECKIN_UID, days, at, start, stamp, minutes=5)
    checkin.add("summary", CHECKIN_TITLE)
    checkin.add(
        "description",
        "Rate your pain now, 0–10: acutrack rate, or the check-in form.",
    )
    checkin.add_component(_alarm(timedelta(0), CHECKIN_TITLE))
    calendar.add_component(checkin)
    if peg:
        weekly = _recurring(Event, PEG_UID, (peg,), at, start, stamp, minutes=5)
        weekly.add("summary", PEG_TITLE)
        weekly.add(
            "description",
            "Answer the three PEG questions about the past week: acutrack peg, or the form.",
        )
        weekly.add_component(_alarm(timedelta(0), PEG_TITLE))
        calendar.add_component(weekly)
    return _text(calendar)


def _aware(stamp: datetime) -> datetime:
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise ValueError(f"expected a time with its time zone, not {stamp.isoformat()}")
    return stamp.astimezone(UTC)


def _calendar(kind: type[Calendar]) -> Calendar:
    calendar = kind()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar


def _stamped(kind: type[Event], uid: str, stamp: datetime) -> Event:
    event = kind()
    event.add("uid", uid)
    event.add("dtstamp", _aware(stamp).replace(microsecond=0))
    event.add("sequence", sequence(stamp))
    return event


def _session(kind: type[Event], slot: Slot, stamp: datetime, minutes: int) -> Event:
    event = _stamped(kind, f"{slot.slot}@acutrack", stamp)
    event.add("dtstart", slot.due.astimezone(UTC))
    event.add("duration", timedelta(minutes=minutes))
    return event


def _recurring(
    kind: type[Event],
    uid: str,
    days: tuple[str, ...],
    at: time,
    start: date,
    stamp: datetime,
    *,
    minutes: int,
) -> Event:
    first = next(
        start + timedelta(days=n)
        for n in range(7)
        if WEEKDAY_CODES[(start + timedelta(days=n)).weekday()] in days
    )
    event = _stamped(kind, uid, stamp)
    event.add("dtstart", datetime.combine(first, at))  # naive: floating local time
    event.add("duration", timedelta(minutes=minutes))
    rule = {"freq": "daily"} if len(days) == 7 else {"freq": "weekly", "byday": list(days)}
    event.add("rrule", rule)
    event.add("status", "CONFIRMED")
    return event


def _alarm(trigger: timedelta, text: str) -> Alarm:
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", trigger)
    alarm.add("description", text)
    return alarm


def _text(calendar: Calendar) -> str:
    return calendar.to_ical().decode("utf-8")
