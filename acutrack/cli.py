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

from .errors import AcutrackError, InvalidValue

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
    from .journal import Journal

    folder = getattr(args, "journal", None)
    return Journal(folder) if folder else Journal.default()


_HH_MM = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_AT_RANGE = "expected a time after 1970 and no more than a day ahead"


def _time(text: str | None, now: datetime) -> datetime | str | None:
    """``--at``: ``HH:MM`` (its most recent past occurrence) or an ISO 8601 time.

    A time without a UTC offset takes the offset this computer's time zone had then, not
    the one it has ``now``. Text with an offset, and text that is no time at all, go to the
    journal as they are, to be stored or refused there.
    """
    if text is None:
        return None
    clock = _HH_MM.fullmatch(text.strip())
    if clock:
        return _most_recent(text, int(clock[1]), int(clock[2]), now)
    try:
        given = datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    if given.tzinfo is not None:
        return text
    moments = _moments(text, given)
    if not moments:
        raise _skipped(text, given)
    if len(moments) > 1:
        first, second = (m.isoformat(timespec="minutes")[16:] for m in moments)
        raise InvalidValue(
            "at",
            text,
            f"{given:%Y-%m-%d %H:%M} happened twice here (the clocks went back); add its UTC "
            f"offset: {first} for the first time, {second} for the second",
        )
    return moments[0]


def _most_recent(text: str, hour: int, minute: int, now: datetime) -> datetime:
    """The latest moment up to ``now`` at which this computer's clock showed ``hour:minute``."""
    try:
        wanted = time(hour, minute)
    except ValueError:
        raise InvalidValue("at", text, "expected HH:MM or an ISO 8601 time") from None
    wall = now.astimezone().replace(tzinfo=None)
    day = wall.date() - timedelta(days=1 if wanted > wall.time() else 0)
    if not _moments(text, datetime.combine(day, wanted)):
        raise _skipped(text, datetime.combine(day, wanted))
    # The next day too: when the clocks go back, its first pass of the hour may be past.
    days = (day, day + timedelta(days=1))
    moments = [m for d in days for m in _moments(text, datetime.combine(d, wanted))]
    return max(m for m in moments if m <= now)


def _moments(text: str, wall: datetime) -> list[datetime]:
    """Each moment this computer's clock showed ``wall``: none in a gap, two in an overlap."""
    found: list[datetime] = []
    for fold in (0, 1):
        try:
            moment = wall.replace(fold=fold).astimezone()
        except (OverflowError, OSError, ValueError):  # beyond what the C library can convert
            raise InvalidValue("at", text, _AT_RANGE) from None
        if moment.replace(tzinfo=None) == wall and moment not in found:
            found.append(moment)
    return found


def _skipped(text: str, wall: datetime) -> InvalidValue:
    return InvalidValue(
        "at",
        text,
        f"{wall:%Y-%m-%d %H:%M} did not happen here (the clocks went forward); "
        "give another time, or one with its UTC offset",
    )


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
    """Print ``text`` line by line, each line made `_printable`."""
    print("\n".join(_printable(line) for line in text.split("\n")))


def _table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    cells = [[_printable(c) for c in headers], *[[_printable(c) for c in row] for row in rows]]
    widths = [max(len(line[i]) for line in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    return "\n".join(line.rstrip() for line in lines)


def _cmd_log(args: argparse.Namespace) -> int:
    from .plan import next_slot

    journal = _journal(args)
    slot = next_slot(journal)  # what an active plan asks for next
    routine, condition = args.routine, args.condition
    points = ";".join(args.points) if args.points else None
    if args.early and not args.planned:
        raise _Usage("--early goes with --planned")
    if args.planned:
        if slot is None:
            raise _Usage("no planned session is open: log it without --planned")
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
    _say(f"stored session {session.describe()}{note}")
    return 0


def _cmd_rate(args: argparse.Namespace) -> int:
    journal = _journal(args)
    rating = journal.log_rating(
        pain=args.pain,
        rated_at=_time(args.at, journal.now()),
        location=args.location,
        session_id=args.after_session,
        stress=args.stress,
        notes=args.note,
    )
    _say(f"stored rating {rating.describe()}")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from .timeline import latest_entries

    journal = _journal(args)
    entries = latest_entries(journal, args.last)
    if not entries:
        _say(f"{journal.path} holds no entries yet; log one with `acutrack log` or `rate`.")
        return 0
    rows = [
        (f"{e.when:%Y-%m-%d %H:%M}", e.kind, e.id, e.what, e.pain, _textwrap().shorten(e.notes, 40))
        for e in entries
    ]
    _say(_table(rows, ("when", "entry", "id", "what", "pain", "notes")))
    return 0


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
    from .catalog import CAUTIONS

    for p in _journal(args).catalog.points.values():
        uses = f" — for {', '.join(p.uses)}" if p.uses else ""
        _say(f"{p.code} {p.name}{' (sham spot)' if p.sham else ''}{uses}")
        for text in (p.location, p.how, p.caution):
            if text:
                _say(_textwrap().fill(text, 88, initial_indent="    ", subsequent_indent="    "))
    _say("\nCautions:")
    _say("\n".join(f"  - {c}" for c in CAUTIONS))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    journal = _journal(args)
    problems = journal.problems()
    if problems.empty:
        _say(f"no problems in {journal.path}")
        return 0
    rows = [
        (p.file, p.line, p.field or "(line)", _textwrap().shorten(p.value, 30) or '""', p.why)
        for p in problems.itertuples()
    ]
    _say(_table(rows, ("file", "line", "field", "value", "why")))
    _say(f"{len(rows)} problem(s) in {journal.path}; the files were not changed.")
    return 1


def _cmd_sample(args: argparse.Namespace) -> int:
    from .sample import DEFAULT_SEED, write_sample

    seed = DEFAULT_SEED if args.seed is None else args.seed
    try:
        journal = write_sample(args.out, seed=seed, real_advantage=args.real_advantage)
    except FileExistsError as err:
        raise _Usage(str(err)) from None
    _say(f"wrote a sample journal to {journal.path} (seed {seed})")
    return 0


def _cmd_plan(args: argparse.Namespace) -> int:
    from .plan import make_plan, plan_slots, to_ics

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
        _say(f"wrote {len(slots)} calendar events to {args.ics}")
    return 0


def _plan_power(journal, slots) -> str:
    """What a new plan can find, planned ahead from the person's own spread of drops."""
    from .stats import drop_spread, planned_power, sessions_needed, smallest_p

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
    from .report import write_report

    since = _date("since", args.since)
    pdf = args.out.with_suffix(".pdf") if args.pdf is True else args.pdf
    out = write_report(_journal(args), args.out, since=since, pdf=pdf)
    _say(f"wrote {out}" + (f" and {pdf}" if pdf else ""))
    return 0


def _cmd_lab(args: argparse.Namespace) -> int:
    from .lab import lab_command

    argv, env, url = lab_command(port=args.port, open_browser=not args.no_browser)
    # Absolute: the kernel runs in the notebooks' folder, not here.
    env["ACUTRACK_HOME"] = str(_journal(args).path.absolute())
    _say(f"JupyterLab is starting; open {url}")
    sys.stdout.flush()
    os.execve(argv[0], argv, env)  # JupyterLab takes over this process and its signals
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
    "show",
    "routines",
    "points",
    "validate",
    "sample",
    "plan",
    "report",
    "lab",
)


class _Unused:
    """Stands in for a subcommand's parser that this run does not need (see `_parser`)."""

    def add_argument(self, *args: object, **kwargs: object) -> None:
        pass


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
    log.add_argument(
        "--at",
        help="when it started: ISO 8601, or HH:MM for its latest past occurrence (default: now)",
    )
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
    rate.add_argument("--after-session", metavar="ID", help="the session this follows up")
    rate.add_argument("--stress", help="stress now, 0-10")
    rate.add_argument(
        "--at", help="when: ISO 8601, or HH:MM for its latest past occurrence (default: now)"
    )
    rate.add_argument("--location", **where)
    rate.add_argument("--note", default="", help="any text")

    show = command("show", _cmd_show, "list the latest entries")
    show.add_argument("--last", type=_count, default=10, metavar="N", help="how many (default 10)")

    command("routines", _cmd_routines, "list the routines, built-in and your own")
    command("points", _cmd_points, "list the points: where they are and how to press them")
    command("validate", _cmd_validate, "check the journal's files; exit 1 when anything is wrong")

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

    report = command("report", _cmd_report, "write a one-page report for your clinician")
    report.add_argument("--since", help="only entries from this day on, YYYY-MM-DD")
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

    lab = command("lab", _cmd_lab, "open the kit's notebooks in JupyterLab (127.0.0.1, token)")
    lab.add_argument("--port", type=_whole, help="port to listen on (default: a free one)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser")
    return parser


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
