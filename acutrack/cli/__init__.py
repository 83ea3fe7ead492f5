"""The ``acutrack`` command.

Each command imports what it needs when it runs, so that ``acutrack log`` and
``acutrack rate`` start without pandas or matplotlib. Exit status: 0 done, 1 a problem
with the journal's data or files, 2 a usage error (including a value acutrack does not
accept); errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AcutrackError, InvalidValue, shown

if TYPE_CHECKING:
    from ..fields import Readings

__all__ = ["main"]


def _textwrap():
    """The textwrap module, imported when text is shown (`log` and `rate` show none)."""
    import textwrap

    return textwrap


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, sized by ``os`` rather than shutil (and its compressors),
    which argparse would import for every command, even one that shows no help."""

    def __init__(self, prog: str) -> None:
        try:
            columns = os.get_terminal_size().columns
        except OSError:  # not a terminal
            columns = 80
        super().__init__(prog, width=max(columns - 2, 40))


class _Usage(Exception):
    """A mistake in how the command was called (exit status 2)."""


def _journal(args: argparse.Namespace):
    from ..journal import Journal

    folder, clock = getattr(args, "journal", None), _test_clock()
    return Journal(folder, clock=clock) if folder else Journal.default(clock=clock)


def _test_clock() -> Callable[[], datetime] | None:
    """A fixed "now" from ``$ACUTRACK_TEST_NOW``, which only the test suite sets.

    Tests run the command in a subprocess; this is how they choose its clock, so that a
    test passes on any date. Unset (as it always is for people), the computer's clock rules.
    """
    text = os.environ.get("ACUTRACK_TEST_NOW")
    if not text:
        return None
    try:
        now = datetime.fromisoformat(text)
    except ValueError:
        now = None
    if now is None or now.tzinfo is None:
        raise _Usage(f"ACUTRACK_TEST_NOW: expected a time with its UTC offset, not {text!r}")
    return lambda: now


_HH_MM = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_DAY_HH_MM = re.compile(r"(today|yesterday)(?:\s+([0-9]{1,2}):([0-9]{2}))?", re.IGNORECASE)
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
    clock = _HH_MM.fullmatch(text.strip())
    if clock:
        return _most_recent(text, int(clock[1]), int(clock[2]), now)
    day = _DAY_HH_MM.fullmatch(text.strip())
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
    time moved forward: `fields.local_readings`).
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
    """`fields.local_readings` of ``wall`` on this computer's clock."""
    from ..fields import local_readings

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


# What a terminal would obey rather than show: C0 and C1 controls (colours, clearing the
# screen, a window title), DEL, bidirectional overrides (text shown reversed), and the lone
# surrogates that stand for bytes of a file that were not UTF-8.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as ``surrogateescape`` keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _printable(text: object) -> str:
    """``text`` safe for a terminal: what it would obey is written out, e.g. ``\\x1b``."""
    return _UNPRINTABLE.sub(_escape, str(text))


def _say(text: str = "") -> None:
    """Print ``text`` line by line, each line made `_printable`: for text the kit wrote."""
    print("\n".join(_printable(line) for line in text.split("\n")))


def _line(text: str) -> None:
    """Print ``text`` as one line, its line breaks written out (``\\x0a``) like any
    control character: for anything holding a value someone typed (a medicine's name, a
    note), so that a value cannot make a line of its own that looks like the kit's."""
    print(_printable(text))


def _table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    cells = [[_printable(c) for c in headers], *[[_printable(c) for c in row] for row in rows]]
    widths = [max(len(line[i]) for line in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    return "\n".join(line.rstrip() for line in lines)


def _cmd_log(args: argparse.Namespace) -> int:
    from ..plan import next_slot

    journal = _journal(args)
    slot = next_slot(journal)  # what an active plan asks for next
    routine, condition = args.routine, args.condition
    points = ";".join(args.points) if args.points else None
    if args.early and not args.planned:
        raise _Usage("--early goes with --planned")
    if args.planned:
        if slot is None:
            from ..plan import paused

            why = paused(journal)
            raise _Usage(why or "no planned session is open: log it without --planned")
        if slot.due.date() > journal.now().date() and not args.early:
            raise _Usage(
                f"the next planned session, {slot.describe()}, is due on {slot.due:%a %d %b}; "
                "add --early to log it before its day"
            )
        routine = routine or slot.routine
        condition = condition or slot.condition
        if slot.leave_out and points is None:
            kept = journal.catalog.routine(routine).points
            points = ";".join(p for p in kept if p != slot.leave_out)
    session = journal.log_session(
        pain_before=args.before,
        pain_after=args.after,
        routine=routine or "back",
        condition=condition,
        points=points,
        duration_min=args.minutes,
        location=args.location,
        started_at=_time(args.at, journal.now()),
        notes=args.note,
        slot=slot.slot if args.planned else None,
    )
    note = ""
    if session.slot:
        note = f" · {slot.describe()}"
    elif slot:
        note = (
            f" · off-plan; the plan's next session is {slot.describe()}, due "
            f"{slot.due:%a %d %b}: log it with --planned"
        )
    _line(f"stored session {session.describe()}{note}")
    _remind(journal)
    return 0


def _remind(journal) -> None:
    """One line when the red-flag screen is due or an urgent answer stands; never a prompt."""
    from ..outcomes import screen_reminder

    line = screen_reminder(journal)
    if line:
        _say(line)


def _cmd_rate(args: argparse.Namespace) -> int:
    journal = _journal(args)
    when = _time(args.at, journal.now())
    session_id, follows = args.after_session, ""
    # Only a link reads sessions.csv: a plain check-in stays one append, however long the
    # journal.
    if args.after_last or (session_id and session_id.strip()):
        session = _followed_up(journal, None if args.after_last else session_id, when)
        session_id = session.id
        if args.after_last:
            follows = f" · that session: {_session_words(session)}"
    rating = journal.log_rating(
        pain=args.pain,
        rated_at=when,
        location=args.location,
        session_id=session_id,
        stress=args.stress,
        notes=args.note,
    )
    _line(f"stored rating {rating.describe()}{follows}")
    _remind(journal)
    return 0


def _cmd_peg(args: argparse.Namespace) -> int:
    journal = _journal(args)
    when = _time(args.at, journal.now())
    peg = journal.log_peg(args.pain, args.enjoyment, args.activity, when, notes=args.note)
    _line(f"stored {peg.describe()}")
    return 0


def _cmd_pgic(args: argparse.Namespace) -> int:
    from ..answers import PGIC_ANSWERS

    journal = _journal(args)
    if args.change is None:
        _say("How has your back pain changed since you started? Answer with its number:")
        _say("\n".join(f"  {k}  {text}" for k, text in enumerate(PGIC_ANSWERS, 1)))
        return 0
    since = _date("since", args.since)
    when = _time(args.at, journal.now())
    answer = journal.log_pgic(args.change, since=since, answered_at=when, notes=args.note)
    _line(f"stored {answer.describe()}")
    return 0


def _cmd_med(args: argparse.Namespace) -> int:
    journal = _journal(args)
    when = _time(args.at, journal.now())
    taken = journal.log_medication(
        args.name,
        args.dose,
        args.unit or "",
        as_needed=args.as_needed,
        taken_at=when,
        notes=args.note,
    )
    _line(f"stored {taken.describe()}")
    return 0


def _cmd_screen(args: argparse.Namespace) -> int:
    from ..outcomes import standing_flag
    from ..screening import ACT_AT_ONCE, NOT_A_DIAGNOSIS, QUESTIONS, SEEN, TIERS, tier_of

    journal = _journal(args)
    before = standing_flag(journal)
    offer_seen = before is not None and before.urgent
    names = [q.name for q in QUESTIONS]
    yes, seen = args.yes or [], args.seen or []
    if args.yes is not None or args.none or seen:
        wrong = [n for n in yes + seen if n not in names]
        if wrong:
            raise _Usage(f"no question is called {shown(wrong[0])}; they are: {', '.join(names)}")
        if set(yes) & set(seen):
            raise _Usage(f"{sorted(set(yes) & set(seen))[0]} is given to both --yes and --seen")
        if seen and not offer_seen:
            raise _Usage(
                "--seen is for a sign an urgent answer sent you to a doctor about, and no "
                "urgent answer stands: answer it with --yes or leave it out"
            )
        answers = {n: SEEN if n in seen else n in yes for n in names}
    elif sys.stdin is not None and sys.stdin.isatty():
        answers = _ask(QUESTIONS, TIERS, offer_seen)
    else:
        raise _Usage(
            "there is no terminal to ask the questions: give --none, or --yes with the names "
            f"of the signs you have ({', '.join(names)})"
        )
    screen = journal.log_screen(answers, answered_at=_time(args.at, journal.now()))
    tier = tier_of(screen.answers)
    if tier is None:
        _line(f"stored {screen.describe()}: no warning signs today.")
    else:
        _line(f"stored {screen.describe()}")
        _line(f"{tier.title.upper()}: {tier.advice}")
    after = standing_flag(journal)
    if after is not None and after.urgent and getattr(after.screen, "id", "") != screen.id:
        heading, text = after.words()
        _line(f"STILL STANDING: {heading}. {text}")
    _say(ACT_AT_ONCE)
    _say(NOT_A_DIAGNOSIS)
    return 0


_SEEN_HELP = (
    "While your last answer asks you to see a doctor, an urgent sign that is still there "
    "but that a clinician has seen you about (and said you may go on) is answered s, for "
    "seen."
)


def _ask(questions, tiers, offer_seen: bool) -> dict[str, bool | str]:
    """Each question on the terminal, by tier; yes or no to each (or seen, when offered)."""
    from ..screening import SEEN

    answers: dict[str, bool | str] = {}
    _say("Red-flag screen: answer y or n. Have you now, or had since the last screen:")
    if offer_seen:
        _say(_SEEN_HELP)
    for key, tier in tiers.items():
        _say(f"\n{tier.title}:")
        seen = offer_seen and tier.urgent
        for q in (q for q in questions if q.tier == key):
            while True:
                keys = "y/n/s" if seen else "y/n"
                print(_printable(f"  {q.text}? [{keys}] "), end="", file=sys.stderr, flush=True)
                line = sys.stdin.readline()
                if not line:  # end of input (Ctrl-D): asking again would never end
                    raise _Usage("the screen was not finished; nothing was stored")
                said = line.strip().lower()
                if said in ("y", "yes", "n", "no") or (seen and said in ("s", SEEN)):
                    break
            answers[q.name] = SEEN if said[0] == "s" else said.startswith("y")
    return answers


def _cmd_profile(args: argparse.Namespace) -> int:
    journal = _journal(args)
    if args.name is not None or args.id is not None:
        journal.set_profile(name=args.name, patient_id=args.id)
    profile = journal.profile()
    if not profile:
        _say("no name or id is set: reports and exports are anonymous")
    for key, value in profile.items():
        _line(f"{key.replace('_', ' ')}: {value}")
    return 0


def _followed_up(journal, wanted: str | None, when: datetime | str | None):
    """The session a check-in at ``when`` follows up: ``wanted``, or else the latest one
    started by then; its row of `Journal.sessions`.

    Raises `_Usage` naming ``wanted`` when no standing session has that id, or when the
    session started after the check-in.
    """
    import warnings

    from ..journal import JournalWarning

    with warnings.catch_warnings():  # unreadable rows are `validate`'s to report
        warnings.simplefilter("ignore", JournalWarning)
        sessions = journal.sessions()
    moment = _moment(when, journal.now())
    if wanted is None:
        before = sessions if moment is None else sessions[sessions["started_at"] <= moment]
        if before.empty:
            whose = "this check-in's time" if len(sessions) else "now"
            raise _Usage(
                f"--after-last: no session was logged before {whose}; log it with `acutrack log`"
            )
        return before.iloc[-1]
    found = sessions[sessions["id"] == wanted.strip()]
    if found.empty:
        raise _Usage(
            f"--after-session: no session in this journal has the id {shown(wanted)}; "
            "`acutrack show` lists the ids"
        )
    session = found.iloc[0]
    if moment is not None and session["started_at"] > moment:
        raise _Usage(
            f"--after-session: session {session['id']} started at "
            f"{session['local_time']:%Y-%m-%d %H:%M}, after this check-in; a follow-up comes "
            "after its session"
        )
    return session


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


def _session_words(session) -> str:
    """``2026-11-25 09:30 back (real), pain 6 → 3`` for a row of `Journal.sessions`."""
    return (
        f"{session['local_time']:%Y-%m-%d %H:%M} {session['routine']} ({session['condition']}), "
        f"pain {session['pain_before']} → {session['pain_after']}"
    )


# The options of `acutrack correct`, by the journal field each one changes.
_SESSION_OPTIONS = {
    "before": "pain_before",
    "after": "pain_after",
    "routine": "routine",
    "condition": "condition",
    "points": "points",
    "minutes": "duration_min",
}
_RATING_OPTIONS = {"pain": "pain", "stress": "stress", "after_session": "session_id"}
_SHARED_OPTIONS = {"location": "location", "note": "notes"}


def _existing(journal, entry_id: str):
    """The standing entry with this id; `_Usage` naming it if none."""
    entry = journal.find(entry_id)
    if entry is None:
        raise _Usage(
            f"no entry in this journal has the id {shown(entry_id)}; "
            "`acutrack show` lists sessions and check-ins, and each command prints the id "
            "of what it stored"
        )
    return entry


def _settings(texts: list[str] | None, now: datetime) -> dict[str, object]:
    """``--set FIELD=VALUE`` options as a dict; a time (``taken_at=…``) is read as ``--at``
    reads it, so a time the clocks showed twice or skipped is refused here too."""
    changes: dict[str, object] = {}
    for text in texts or []:
        field, is_set, value = text.partition("=")
        if not is_set or not field.strip():
            raise _Usage(f"--set takes FIELD=VALUE, e.g. --set enjoyment=4, not {shown(text)}")
        field = field.strip()
        changes[field] = _time(value, now) if field.endswith("_at") and value.strip() else value
    return changes


def _cmd_correct(args: argparse.Namespace) -> int:
    from ..records import Rating, Session

    journal = _journal(args)
    entry = _existing(journal, args.id)
    if not isinstance(entry, Session | Rating):
        return _correct_answer(journal, entry, args)
    is_session = hasattr(entry, "pain_before")
    kind = "session" if is_session else "check-in"
    own, other = (
        (_SESSION_OPTIONS, _RATING_OPTIONS) if is_session else (_RATING_OPTIONS, _SESSION_OPTIONS)
    )
    misplaced = [name for name in other if getattr(args, name) is not None]
    if misplaced:
        option = "--" + misplaced[0].replace("_", "-")
        mine = ", ".join("--" + name.replace("_", "-") for name in (*own, "at", *_SHARED_OPTIONS))
        raise _Usage(f"{option} is not for a {kind}; {entry.id} takes {mine}")
    changes = {
        field: getattr(args, name)
        for name, field in {**own, **_SHARED_OPTIONS}.items()
        if getattr(args, name) is not None
    } | _settings(args.set, journal.now())
    if args.at is not None:
        changes["started_at" if is_session else "rated_at"] = _time(args.at, journal.now())
    if not changes:
        raise _Usage("nothing to change: give the new values, e.g. --after 4 or --pain 3")
    if "points" in changes:
        changes["points"] = ";".join(changes["points"])
    if "routine" in changes and "condition" not in changes:
        # A sham routine's sessions are sham: its condition comes with it, as when logging.
        fixed = journal.catalog.routine(changes["routine"]).condition
        if fixed:
            changes["condition"] = fixed
    if not is_session and changes.get("session_id", "").strip():
        changes["session_id"] = _followed_up(journal, changes["session_id"], None)["id"]
    _line(f"corrected {_as_it_stands(journal.correct(entry.id, **changes))}")
    return 0


def _correct_answer(journal, entry, args: argparse.Namespace) -> int:
    """Correct a PEG or PGIC answer, a medicine or a screen: ``--set``, ``--at``, ``--note``."""
    used = [n for n in (*_SESSION_OPTIONS, *_RATING_OPTIONS, "location") if getattr(args, n)]
    if used:
        option = "--" + used[0].replace("_", "-")
        raise _Usage(f"{option} is not for {entry.id}; it takes --set FIELD=VALUE, --at, --note")
    changes = _settings(args.set, journal.now())
    if args.note is not None:
        changes["notes"] = args.note
    if args.at is not None:
        when = "taken_at" if hasattr(entry, "taken_at") else "answered_at"
        changes[when] = _time(args.at, journal.now())
    if not changes:
        raise _Usage("nothing to change: give the new values, e.g. --set enjoyment=4")
    _line(f"corrected {_as_it_stands(journal.correct(entry.id, **changes))}")
    return 0


def _as_it_stands(record) -> str:
    """A corrected entry in one line, with where it hurts and its note."""
    from ..records import Session

    text = record.describe()
    if isinstance(record, Session):  # a check-in's own line names where it hurts already
        text += f", {record.location}"
    if record.notes:
        text += f" · note: {_textwrap().shorten(record.notes, 60)}"
    return text


def _cmd_delete(args: argparse.Namespace) -> int:
    journal = _journal(args)
    entry = _existing(journal, args.id)
    what = f"{entry.id} ({entry.describe().removeprefix(entry.id + ' ')})"
    if not args.yes:
        if sys.stdin is None or not sys.stdin.isatty():
            # A script or a pipe has no one to answer: waiting would hang it.
            raise _Usage(f"there is no terminal to ask whether to delete {what}: add --yes")
        print(_printable(f"Delete {what}? [y/N] "), end="", file=sys.stderr, flush=True)
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            _line(f"kept {entry.id}; nothing was deleted")
            return 0
    journal.delete(entry.id)
    _line(f"deleted {what}")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from ..conflicts import conflict_note
    from ..timeline import entries_of, newest, other_entries

    journal = _journal(args)
    sessions, ratings, problems = journal.review()  # the files read once
    entries = entries_of(sessions, ratings, args.last) + other_entries(journal, args.last)
    entries = newest(entries, args.last)
    unread = _unread(problems)
    if not entries:
        _say(
            f"{journal.path} holds no entries that can be read."
            if unread
            else f"{journal.path} holds no entries yet; log one with `acutrack log` or `rate`."
        )
    else:
        rows = [
            (
                f"{e.when:%Y-%m-%d %H:%M}",
                e.kind,
                e.id,
                e.what,
                e.location,
                e.pain,
                _textwrap().shorten(e.notes, 40),
            )
            for e in entries
        ]
        _say(_table(rows, ("when", "entry", "id", "what", "where", "pain", "notes")))
    for note in (unread, conflict_note(journal)):
        if note:
            _line(note)
    return 0


def _unread(problems) -> str | None:
    """``3 rows could not be read: run acutrack validate``, or None when all can be.

    Counted from `Journal.problems`: a row with several bad cells counts once; a problem
    with a file as a whole (line 0) or its header (line 1) counts as a file.
    """
    if problems.empty:
        return None
    in_rows = problems["line"] > 1
    rows = len(problems.loc[in_rows, ["file", "line"]].drop_duplicates())
    files = problems.loc[~in_rows, "file"].nunique()
    counts = [
        f"{n} {word if n == 1 else word + 's'}" for n, word in ((rows, "row"), (files, "file")) if n
    ]
    return f"{' and '.join(counts)} could not be read: run acutrack validate"


def _cmd_routines(args: argparse.Namespace) -> int:
    catalog = _journal(args).catalog
    rows = []
    for r in catalog.routines.values():
        timing = f"{r.seconds_per_point:g} s/point x {r.rounds}" if r.points else "—"
        minutes = f"{r.default_minutes:g}" if r.default_minutes else "—"
        points = " ".join(r.points) or "(you name them)"
        rows.append((r.key, r.condition or "either", points, timing, minutes))
    _say(_table(rows, ("routine", "condition", "points", "timing", "minutes")))
    return 0


def _cmd_points(args: argparse.Namespace) -> int:
    from ..catalog import CAUTIONS

    for p in _journal(args).catalog.points.values():
        uses = f" — for {', '.join(p.uses)}" if p.uses else ""
        _line(f"{p.code} {p.name}{' (sham spot)' if p.sham else ''}{uses}")
        for text in (p.location, p.how, p.caution):
            if text:
                _say(_textwrap().fill(text, 88, initial_indent="    ", subsequent_indent="    "))
    _say("\nCautions:")
    _say("\n".join(f"  - {c}" for c in CAUTIONS))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from ..conflicts import find_copies, merge_copies

    journal = _journal(args)
    if args.repair:
        for line in merge_copies(journal) or ["no sync conflict copies to merge"]:
            _line(line)
    problems = journal.problems()
    copies = find_copies(journal)
    for copy in copies:
        _line(copy.describe())
    if copies:
        _line("Merge them with `acutrack validate --repair`: nothing is lost or doubled.")
    if problems.empty:
        _line(f"no problems in {journal.path}")
        return 1 if any(c.versions for c in copies) else 0
    rows = [
        (p.file, p.line, p.field or "(line)", _textwrap().shorten(p.value, 30) or '""', p.why)
        for p in problems.itertuples()
    ]
    _say(_table(rows, ("file", "line", "field", "value", "why")))
    _line(f"{len(rows)} problem(s) in {journal.path}; the files were not changed.")
    return 1


def _cmd_sample(args: argparse.Namespace) -> int:
    from ..sample import DEFAULT_SEED, write_sample

    seed = DEFAULT_SEED if args.seed is None else args.seed
    try:
        journal = write_sample(args.out, seed=seed, real_advantage=args.real_advantage)
    except FileExistsError as err:
        raise _Usage(str(err)) from None
    _line(f"wrote a sample journal to {journal.path} (seed {seed})")
    return 0


def _cmd_plan(args: argparse.Namespace) -> int:
    from ..plan import make_plan, plan_slots, to_ics

    journal = _journal(args)
    slots = [] if args.new else plan_slots(journal)
    if not (args.new or slots):
        _say("no plan yet; make one with `acutrack plan --new --weeks 4 --per-week 4`")
        return 0
    # The calendar file is opened first, so that a place it cannot be written stops a new
    # plan from being stored; it takes its name only once the plan is stored.
    with journal.private_output(args.ics) if args.ics else nullcontext() as calendar:
        if args.new:
            slots = make_plan(
                journal,
                args.routine or ["back"],
                weeks=args.weeks,
                sessions_per_week=args.per_week,
                start=_date("start", args.start),
                seed=args.seed,
                leave_out=args.leave_out,
            )
        if calendar:
            calendar.write(to_ics(slots).encode("utf-8"))
    if args.new:
        arms = f"sessions with and without {args.leave_out}" if args.leave_out else "real and sham"
        _say(
            f"made plan {slots[0].plan}: {len(slots)} sessions over {args.weeks} week(s), "
            f"in {len({s.block for s in slots})} blocks of {arms} in random order "
            f"(seed {slots[0].seed})"
        )
        _say(_plan_power(journal, slots))
    rows = [
        (
            s.slot,
            s.block,
            f"{s.due:%a %d %b %H:%M}",
            f"{s.routine} without {s.leave_out}" if s.leave_out else s.routine,
            s.condition,
            s.session_id or "",
        )
        for s in slots
    ]
    _say(_table(rows, ("slot", "block", "due", "routine", "condition", "done by")))
    if args.ics:
        _line(f"wrote {len(slots)} calendar events to {args.ics}")
    return 0


def _plan_power(journal, slots) -> str:
    """What a new plan can find, planned ahead from the person's own spread of drops."""
    from ..stats import drop_spread, planned_power, sessions_needed, smallest_p

    blocks = [s.block for s in slots]
    size = blocks.count(blocks[0])
    first_arm = [s.condition == "real" and s.leave_out is None for s in slots]
    sd, source = drop_spread(journal.sessions())
    if smallest_p(first_arm, blocks) > 0.05:
        return (
            f"WARNING: this plan can never reach a verdict: with {len(set(blocks))} blocks of "
            f"{size} its smallest possible p-value is {smallest_p(first_arm, blocks):.3g}. "
            "Make it longer (more weeks or sessions a week)."
        )
    power = planned_power(size, len(set(blocks)), drop_sd=sd)
    return (
        f"Chance to find a difference of 1 point if there is one: about {power:.0%}, given "
        f"{source}; about {sessions_needed(drop_sd=sd)} sessions of each kind would give 80 %. "
        "The verdict comes when the plan is done."
    )


def _cmd_report(args: argparse.Namespace) -> int:
    from ..report import write_report

    since = _date("since", args.since)
    pdf = args.out.with_suffix(".pdf") if args.pdf is True else args.pdf
    journal = _journal(args)
    out = write_report(
        journal,
        args.out,
        since=since,
        pdf=pdf,
        paper=args.paper,
        notes=args.notes,
        all_points=args.all_points,
    )
    _line(f"wrote {out}" + (f" and {pdf}" if pdf else ""))
    unread = _unread(journal.problems())  # the report leaves such rows out
    if unread:
        _say(unread)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from ..export import write_csv, write_fhir

    if not (args.fhir or args.csv):
        raise _Usage("say what to write: --fhir FILE, --csv DIR, or both")
    journal = _journal(args)
    left_out = "" if args.notes else "; notes left out (--notes adds them)"
    if args.fhir:
        counts = write_fhir(journal, args.fhir, notes=args.notes)
        made = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        _line(f"wrote {args.fhir} (FHIR R4): {made}{left_out}")
    if args.csv:
        written = write_csv(journal, args.csv, notes=args.notes)
        where = f"{args.csv}, described in {written[-1].name}"
        _line(f"wrote {len(written)} CSV files to {where}{left_out}")
    unread = _unread(journal.problems())  # the export leaves such rows out
    if unread:
        _say(unread)
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from ..importing import ImportRefused, import_file

    options = dict(mapping=args.map, scale=args.scale, date_order=args.date_order)
    try:
        report = import_file(_journal(args), args.app, args.file, dry_run=args.dry_run, **options)
    except ImportRefused as err:  # the file, not the journal: a usage error
        raise _Usage(str(err)) from None
    _say(report.summary())
    return 0


def _cmd_lab(args: argparse.Namespace) -> int:
    from ..lab import lab_command

    argv, env, url = lab_command(port=args.port, open_browser=not args.no_browser)
    # Absolute: the kernel runs in the notebooks' folder, not here.
    env["ACUTRACK_HOME"] = str(_journal(args).path.absolute())
    _line(f"JupyterLab is starting; open {url}")
    sys.stdout.flush()
    os.execve(argv[0], argv, env)  # JupyterLab takes over this process and its signals
    return 0  # pragma: no cover - execve does not return


def _cmd_app(args: argparse.Namespace) -> int:
    from ..app import app_command

    argv, env, url = app_command(
        _journal(args).path, port=args.port, open_browser=not args.no_browser
    )
    _line(f"The acutrack app is starting; open {url}")
    sys.stdout.flush()
    os.execve(argv[0], argv, env)  # Voilà takes over this process and its signals
    return 0  # pragma: no cover - execve does not return


def _path(text: str) -> Path:
    """A file or folder option (an empty one would mean the current folder unnoticed)."""
    if not text:
        raise argparse.ArgumentTypeError("expected a path, not an empty one")
    return Path(text)


def _whole(text: str) -> int:
    """A whole number as people write it: digits, perhaps a sign (not ``1_0`` nor ``1e3``)."""
    if not re.fullmatch(r"[+-]?[0-9]{1,30}", text.strip()):
        raise argparse.ArgumentTypeError("expected a whole number")
    return int(text)


def _count(text: str) -> int:
    """How many entries to show: 1 or more."""
    number = _whole(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, not {number}")
    return number


_COMMANDS = (
    "log",
    "rate",
    "correct",
    "delete",
    "show",
    "routines",
    "points",
    "validate",
    "sample",
    "plan",
    "report",
    "export",
    "lab",
    "peg",
    "pgic",
    "med",
    "screen",
    "profile",
    "app",
    "import",
)


class _Unused:
    """Stands in for a subcommand's parser that this run does not need (see `_parser`)."""

    def add_argument(self, *args: object, **kwargs: object) -> None:
        pass

    def add_mutually_exclusive_group(self, **kwargs: object) -> _Unused:
        return self


def _wanted(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names, if it surely names one (for a parser of it alone)."""
    tokens = iter(argv)
    for token in tokens:
        if token == "--journal":
            next(tokens, None)  # its value, which may look like a command
        elif not token.startswith("-"):
            return token if token in _COMMANDS else None
        elif not token.startswith("--journal="):
            return None  # e.g. --help before any command: the whole parser
    return None


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``only``, that subcommand alone.

    Building every subcommand's options costs argparse a few milliseconds of message
    lookups, which a cold `acutrack log` would pay for nothing.
    """
    common = argparse.ArgumentParser(add_help=False, formatter_class=_Formatter)
    common.add_argument(
        "--journal",
        metavar="DIR",
        type=_path,
        default=argparse.SUPPRESS,  # so a subcommand's default does not hide the global one
        help="journal folder (default: $ACUTRACK_HOME, else ~/acutrack)",
    )
    parser = argparse.ArgumentParser(
        formatter_class=_Formatter,
        prog="acutrack",
        description="Track self-acupressure for back pain and find out what helps.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace], int], help_: str):
        if only is not None and name != only:
            return _Unused()
        p = sub.add_parser(
            name, help=help_, description=help_, parents=[common], formatter_class=_Formatter
        )
        p.set_defaults(run=run)
        return p

    where = {"default": "lower-back", "help": "where it hurts (default: lower-back)"}
    log = command("log", _cmd_log, "record a session: pain before and after, routine, points")
    log.add_argument("--before", required=True, metavar="PAIN", help="pain before, 0-10")
    log.add_argument("--after", required=True, metavar="PAIN", help="pain after, 0-10")
    log.add_argument("--routine", help="routine (default: back, or the planned one with --planned)")
    log.add_argument("--condition", help="real or sham (default: the routine's own, else real)")
    log.add_argument("--points", nargs="+", metavar="CODE", help="points pressed, e.g. BL23 GB30")
    log.add_argument("--minutes", help="duration (default: the routine's timing)")
    log.add_argument("--at", help=_AT_HELP.replace("when:", "when it started:"))
    log.add_argument("--location", **where)
    log.add_argument("--note", default="", help="any text")
    log.add_argument(
        "--planned",
        action="store_true",
        help="this session is the plan's next one: it fills that slot (routine and "
        "condition from the plan)",
    )
    log.add_argument(
        "--early", action="store_true", help="with --planned: before the slot's due day"
    )

    rate = command("rate", _cmd_rate, "record how much it hurts now, 0-10")
    rate.add_argument("pain", help="pain now, 0-10")
    follows = rate.add_mutually_exclusive_group()
    follows.add_argument("--after-session", metavar="ID", help="the session this follows up")
    follows.add_argument(
        "--after-last",
        action="store_true",
        help="this follows up the latest session (the latest before --at, if given)",
    )
    rate.add_argument("--stress", help="stress now, 0-10")
    rate.add_argument("--at", help=_AT_HELP)
    rate.add_argument("--location", **where)
    rate.add_argument("--note", default="", help="any text")

    correct = command(
        "correct",
        _cmd_correct,
        "change an entry (session, check-in, PEG, PGIC, medicine, screen): only the values "
        "given change, the rest stay",
    )
    correct.add_argument("id", help="its id, as `acutrack show` lists it")
    for flag, text in (
        ("--before", "a session's pain before, 0-10"),
        ("--after", "a session's pain after, 0-10"),
        ("--routine", "a session's routine"),
        ("--condition", "a session's condition: real or sham"),
        ("--minutes", "a session's duration"),
        ("--pain", "a check-in's pain, 0-10"),
        ("--stress", "a check-in's stress, 0-10 ('' for none)"),
        ("--after-session", "the session a check-in follows up ('' for none)"),
        ("--at", "when: as for log and rate"),
        ("--location", "where it hurts"),
        ("--note", "any text (replaces the note; '' for none)"),
    ):
        correct.add_argument(flag, help=text, metavar="ID" if flag == "--after-session" else None)
    correct.add_argument("--points", nargs="+", metavar="CODE", help="a session's points pressed")
    correct.add_argument(
        "--set",
        action="append",
        metavar="FIELD=VALUE",
        help="any field by its column name, e.g. --set enjoyment=4 for a PEG answer, "
        "--set dose=200 for a medicine, --set fever=no for a screen (repeatable)",
    )

    delete = command("delete", _cmd_delete, "delete an entry (asks first)")
    delete.add_argument("id", help="its id, as `acutrack show` lists it")
    delete.add_argument("--yes", action="store_true", help="do not ask; needed without a terminal")

    show = command("show", _cmd_show, "list the latest entries")
    show.add_argument("--last", type=_count, default=10, metavar="N", help="how many (default 10)")

    command("routines", _cmd_routines, "list the routines, built-in and your own")
    command("points", _cmd_points, "list the points: where they are and how to press them")
    validate = command(
        "validate", _cmd_validate, "check the journal's files; exit 1 when anything is wrong"
    )
    validate.add_argument(
        "--repair",
        action="store_true",
        help="first merge the conflict copies sync apps made of journal files (then moved "
        "aside into conflict-copies/); changes no entry",
    )

    sample = command("sample", _cmd_sample, "write the sample journal (16 weeks) to a folder")
    sample.add_argument("--out", required=True, type=_path, metavar="DIR", help="an empty folder")
    sample.add_argument("--seed", type=_whole, help="random seed (default: the bundled sample's)")
    sample.add_argument(
        "--real-advantage",
        type=float,
        default=1.0,
        metavar="POINTS",
        help="how much more real pressure relieves than sham (0: no difference)",
    )

    plan = command("plan", _cmd_plan, "show the experiment plan, or make a randomised one")
    plan.add_argument("--new", action="store_true", help="make a new plan (it becomes active)")
    plan.add_argument(
        "--routine", action="append", help="routine to test against its sham (repeatable)"
    )
    plan.add_argument("--weeks", type=_whole, default=4, help="how many weeks (default 4)")
    plan.add_argument(
        "--per-week",
        type=_whole,
        default=4,
        help="sessions of each routine a week, even (default 4)",
    )
    plan.add_argument("--start", help="first day, YYYY-MM-DD (default: tomorrow)")
    plan.add_argument("--seed", type=_whole, help="random seed (default: a new one)")
    plan.add_argument("--ics", type=_path, metavar="FILE", help="also write an .ics calendar file")
    plan.add_argument(
        "--leave-out",
        metavar="POINT",
        help="make a leave-one-out plan instead: real sessions with and without this point",
    )

    report = command(
        "report",
        _cmd_report,
        "write a report for your clinician: a first page to read in a minute, details after",
    )
    report.add_argument("--since", help="only entries from this day on, YYYY-MM-DD")
    report.add_argument(
        "--notes", action="store_true", help="add your notes, as a dated list (off by default)"
    )
    report.add_argument(
        "--paper", choices=("A4", "Letter"), default="A4", help="the PDF's paper (default A4)"
    )
    report.add_argument(
        "--all-points",
        action="store_true",
        help="list every point pressed, not only those the data show as helpful",
    )
    report.add_argument(
        "--out", type=_path, default=Path("report.html"), help="HTML file (default report.html)"
    )
    report.add_argument(
        "--pdf",
        nargs="?",
        const=True,
        type=_path,
        metavar="FILE",
        help="also write a PDF (default: beside the HTML file)",
    )

    peg = command("peg", _cmd_peg, "record the PEG-3 scale: three 0-10 answers about the past week")
    peg.add_argument("pain", help="average pain in the past week, 0-10")
    peg.add_argument("enjoyment", help="how much pain got in the way of enjoying life, 0-10")
    peg.add_argument("activity", help="how much pain got in the way of general activity, 0-10")
    peg.add_argument("--at", help=_AT_HELP)
    peg.add_argument("--note", default="", help="any text")

    pgic = command(
        "pgic", _cmd_pgic, "record how your back pain has changed since you started (1-7)"
    )
    pgic.add_argument("change", nargs="?", help="1 (no change or worse) to 7 (a great deal better)")
    pgic.add_argument("--since", help="the day you started, YYYY-MM-DD (default: first entry)")
    pgic.add_argument("--at", help=_AT_HELP)
    pgic.add_argument("--note", default="", help="any text")

    med = command("med", _cmd_med, "record a medicine taken, e.g. med ibuprofen 400 mg --as-needed")
    med.add_argument("name", help="what you took")
    med.add_argument("dose", nargs="?", help="how much, e.g. 400")
    med.add_argument("unit", nargs="?", help="e.g. mg")
    med.add_argument(
        "--as-needed", action="store_true", help="taken because of pain, not on a schedule"
    )
    med.add_argument("--at", help=_AT_HELP)
    med.add_argument("--note", default="", help="any text")

    screen = command(
        "screen", _cmd_screen, "answer the red-flag screen: signs that need a doctor soon or now"
    )
    said = screen.add_mutually_exclusive_group()
    said.add_argument("--none", action="store_true", help="no to every question")
    said.add_argument(
        "--yes", nargs="+", metavar="NAME", help="the signs you have by name (no to the rest)"
    )
    screen.add_argument(
        "--seen",
        nargs="+",
        metavar="NAME",
        help="signs still there that a clinician has seen you about and said you may go on "
        "(only while an urgent answer stands)",
    )
    screen.add_argument("--at", help=_AT_HELP)

    profile = command("profile", _cmd_profile, "show or set the name or id shown on reports")
    profile.add_argument("--name", help="your name as reports show it ('' to clear)")
    profile.add_argument("--id", help="an id your clinic uses ('' to clear)")

    export = command("export", _cmd_export, "export the journal for a clinic: FHIR or CSV")
    export.add_argument("--fhir", type=_path, metavar="FILE", help="write a FHIR R4 bundle (JSON)")
    export.add_argument(
        "--csv", type=_path, metavar="DIR", help="write CSV tables and a data dictionary to DIR"
    )
    export.add_argument("--notes", action="store_true", help="also export your notes")

    app = command(
        "app", _cmd_app, "open the kit as an app in your browser: no code (127.0.0.1, token)"
    )
    _server_options(app)

    imp = command(
        "import",
        _cmd_import,
        "import pain ratings and medicines from Bearable, Privacy Friendly Pain Diary or a CSV "
        "file (each record once; --dry-run first to see what it would add)",
    )
    imp.add_argument("app", choices=("bearable", "pain-diary", "csv"), help="where FILE comes from")
    imp.add_argument("file", type=_path, metavar="FILE", help="the exported CSV file")
    imp.add_argument(
        "--map",
        metavar="KEY=COLUMN,...",
        help="csv: which columns hold what, e.g. 'time=Date,pain=Pain Level' (location= and "
        "notes= optional)",
    )
    imp.add_argument(
        "--scale",
        metavar="0-N",
        help="the source's pain scale, e.g. 0-4 (csv: 0-10, bearable: 0-4)",
    )
    imp.add_argument(
        "--date-order",
        metavar="DMY|MDY",
        help="whether 03/04/21 is day-first (DMY) or month-first (MDY); needed when the file "
        "does not tell",
    )
    imp.add_argument("--dry-run", action="store_true", help="show what it would add; write nothing")

    lab = command("lab", _cmd_lab, "open the kit's notebooks in JupyterLab (127.0.0.1, token)")
    _server_options(lab)
    return parser


def _server_options(command) -> None:
    """The options of a command that starts a local server (`lab`, `app`)."""
    command.add_argument("--port", type=_whole, help="port to listen on (default: a free one)")
    command.add_argument("--no-browser", action="store_true", help="do not open a browser")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``acutrack`` command and return its exit status."""
    for stream in (sys.stdout, sys.stderr):
        # A console or pipe that cannot show a character (a Windows code page, an ASCII
        # locale) gets it as an escape such as \u2192 instead of a crash.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser(_wanted(argv)).parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # e.g. `acutrack points | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:  # Ctrl-C; writes are whole rows under a lock, so none is half
        print(f"\nacutrack {args.command}: interrupted", file=sys.stderr)
        return 130
    except (InvalidValue, _Usage) as err:
        return _fail(args.command, err, 2)
    except (AcutrackError, OSError) as err:
        return _fail(args.command, err, 1)


def _fail(command: str, err: Exception, status: int) -> int:
    """Say what went wrong in one line on stderr; return the exit status."""
    print(f"acutrack {command}: {_printable(err)}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
