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
import textwrap
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from .errors import AcutrackError, InvalidValue

__all__ = ["main"]


class _Usage(Exception):
    """A mistake in how the command was called (exit status 2)."""


def _journal(args: argparse.Namespace):
    from .journal import Journal

    folder = getattr(args, "journal", None)
    return Journal(folder) if folder else Journal.default()


def _time(text: str | None) -> datetime | str | None:
    """``--at``: an ISO 8601 time, or ``HH:MM`` for today (local time when no offset)."""
    if text and re.fullmatch(r"\d{1,2}:\d\d", text.strip()):
        hour, minute = map(int, text.split(":"))
        try:
            return (
                datetime.now()
                .astimezone()
                .replace(hour=hour, minute=minute, second=0, microsecond=0)
            )
        except ValueError:
            raise InvalidValue("at", text, "expected HH:MM or an ISO 8601 time") from None
    return text


def _date(option: str, text: str | None) -> date | None:
    """An optional ``YYYY-MM-DD`` option."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(option, text, "expected a date like 2026-12-01") from None


def _table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    cells = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(line[i]) for line in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    return "\n".join(line.rstrip() for line in lines)


def _cmd_log(args: argparse.Namespace) -> int:
    from .plan import next_slot, plan_note, record

    journal = _journal(args)
    routine, condition = args.routine, args.condition
    if routine is None:
        slot = next_slot(journal)  # an active plan says what comes next
        routine = slot.routine if slot else "back"
        if slot and condition is None:
            condition = slot.condition
    session = journal.log_session(
        pain_before=args.before,
        pain_after=args.after,
        routine=routine,
        condition=condition,
        points=";".join(args.points) if args.points else None,
        duration_min=args.minutes,
        location=args.location,
        started_at=_time(args.at),
        notes=args.note,
    )
    print(f"stored session {session.describe()}{plan_note(*record(journal, session))}")
    return 0


def _cmd_rate(args: argparse.Namespace) -> int:
    rating = _journal(args).log_rating(
        pain=args.pain,
        rated_at=_time(args.at),
        location=args.location,
        session_id=args.after_session,
        stress=args.stress,
        notes=args.note,
    )
    print(f"stored rating {rating.describe()}")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from .timeline import latest_entries

    journal = _journal(args)
    entries = latest_entries(journal, args.last)
    if not entries:
        print(f"{journal.path} holds no entries yet; log one with `acutrack log` or `rate`.")
        return 0
    rows = [
        (f"{e.when:%Y-%m-%d %H:%M}", e.kind, e.id, e.what, e.pain, textwrap.shorten(e.notes, 40))
        for e in entries
    ]
    print(_table(rows, ("when", "entry", "id", "what", "pain", "notes")))
    return 0


def _cmd_routines(args: argparse.Namespace) -> int:
    catalog = _journal(args).catalog
    rows = []
    for r in catalog.routines.values():
        timing = f"{r.seconds_per_point:g} s/point x {r.rounds}" if r.points else "—"
        minutes = f"{r.default_minutes:g}" if r.default_minutes else "—"
        points = " ".join(r.points) or "(you name them)"
        rows.append((r.key, r.condition or "either", points, timing, minutes))
    print(_table(rows, ("routine", "condition", "points", "timing", "minutes")))
    return 0


def _cmd_points(args: argparse.Namespace) -> int:
    from .catalog import CAUTIONS

    for p in _journal(args).catalog.points.values():
        uses = f" — for {', '.join(p.uses)}" if p.uses else ""
        print(f"{p.code} {p.name}{' (sham spot)' if p.sham else ''}{uses}")
        for text in (p.location, p.how, p.caution):
            if text:
                print(textwrap.fill(text, 88, initial_indent="    ", subsequent_indent="    "))
    print("\nCautions:")
    print("\n".join(f"  - {c}" for c in CAUTIONS))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    journal = _journal(args)
    problems = journal.problems()
    if problems.empty:
        print(f"no problems in {journal.path}")
        return 0
    rows = [
        (p.file, p.line, p.field or "(line)", textwrap.shorten(p.value, 30) or '""', p.why)
        for p in problems.itertuples()
    ]
    print(_table(rows, ("file", "line", "field", "value", "why")))
    print(f"{len(rows)} problem(s) in {journal.path}; the files were not changed.")
    return 1


def _cmd_sample(args: argparse.Namespace) -> int:
    from .sample import DEFAULT_SEED, write_sample

    seed = DEFAULT_SEED if args.seed is None else args.seed
    try:
        journal = write_sample(args.out, seed=seed, real_advantage=args.real_advantage)
    except FileExistsError as err:
        raise _Usage(str(err)) from None
    print(f"wrote a sample journal to {journal.path} (seed {seed})")
    return 0


def _cmd_plan(args: argparse.Namespace) -> int:
    from .plan import make_plan, plan_slots, to_ics

    journal = _journal(args)
    if args.new:
        start = _date("start", args.start)
        slots = make_plan(
            journal,
            args.routine or ["back"],
            weeks=args.weeks,
            sessions_per_week=args.per_week,
            start=start,
            seed=args.seed,
        )
        print(
            f"made plan {slots[0].plan}: {len(slots)} sessions over {args.weeks} week(s), "
            f"in {len({s.block for s in slots})} blocks of real and sham in random order "
            f"(seed {slots[0].seed})"
        )
    else:
        slots = plan_slots(journal)
        if not slots:
            print("no plan yet; make one with `acutrack plan --new --weeks 4 --per-week 4`")
            return 0
    rows = [
        (s.slot, s.block, f"{s.due:%a %d %b %H:%M}", s.routine, s.condition, s.session_id or "")
        for s in slots
    ]
    print(_table(rows, ("slot", "block", "due", "routine", "condition", "done by")))
    if args.ics:
        args.ics.write_text(to_ics(slots), encoding="utf-8")
        print(f"wrote {len(slots)} calendar events to {args.ics}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import write_report

    since = _date("since", args.since)
    pdf = args.out.with_suffix(".pdf") if args.pdf is True else args.pdf
    out = write_report(_journal(args), args.out, since=since, pdf=pdf)
    print(f"wrote {out}" + (f" and {pdf}" if pdf else ""))
    return 0


def _cmd_lab(args: argparse.Namespace) -> int:
    from .lab import lab_command

    argv, env = lab_command(port=args.port, open_browser=not args.no_browser)
    env["ACUTRACK_HOME"] = str(_journal(args).path)
    sys.stdout.flush()
    os.execve(argv[0], argv, env)  # JupyterLab takes over this process and its signals
    return 0  # pragma: no cover - execve does not return


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--journal",
        metavar="DIR",
        type=Path,
        default=argparse.SUPPRESS,  # so a subcommand's default does not hide the global one
        help="journal folder (default: $ACUTRACK_HOME, else ~/acutrack)",
    )
    parser = argparse.ArgumentParser(
        prog="acutrack",
        description="Track self-acupressure for back pain and find out what helps.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace], int], help_: str):
        p = sub.add_parser(name, help=help_, description=help_, parents=[common])
        p.set_defaults(run=run)
        return p

    where = {"default": "lower-back", "help": "where it hurts (default: lower-back)"}
    log = command("log", _cmd_log, "record a session: pain before and after, routine, points")
    log.add_argument("--before", required=True, metavar="PAIN", help="pain before, 0-10")
    log.add_argument("--after", required=True, metavar="PAIN", help="pain after, 0-10")
    log.add_argument(
        "--routine", help="routine (default: the plan's next slot, else back; see `routines`)"
    )
    log.add_argument("--condition", help="real or sham (default: the routine's own, else real)")
    log.add_argument("--points", nargs="+", metavar="CODE", help="points pressed, e.g. BL23 GB30")
    log.add_argument("--minutes", help="duration (default: the routine's timing)")
    log.add_argument("--at", help="when it started: ISO 8601 or HH:MM today (default: now)")
    log.add_argument("--location", **where)
    log.add_argument("--note", default="", help="any text")

    rate = command("rate", _cmd_rate, "record how much it hurts now, 0-10")
    rate.add_argument("pain", help="pain now, 0-10")
    rate.add_argument("--after-session", metavar="ID", help="the session this follows up")
    rate.add_argument("--stress", help="stress now, 0-10")
    rate.add_argument("--at", help="when: ISO 8601 or HH:MM today (default: now)")
    rate.add_argument("--location", **where)
    rate.add_argument("--note", default="", help="any text")

    show = command("show", _cmd_show, "list the latest entries")
    show.add_argument("--last", type=int, default=10, metavar="N", help="how many (default 10)")

    command("routines", _cmd_routines, "list the routines, built-in and your own")
    command("points", _cmd_points, "list the points: where they are and how to press them")
    command("validate", _cmd_validate, "check the journal's files; exit 1 when anything is wrong")

    sample = command("sample", _cmd_sample, "write the sample journal (16 weeks) to a folder")
    sample.add_argument("--out", required=True, type=Path, metavar="DIR", help="an empty folder")
    sample.add_argument("--seed", type=int, help="random seed (default: the bundled sample's)")
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
    plan.add_argument("--weeks", type=int, default=4, help="how many weeks (default 4)")
    plan.add_argument(
        "--per-week", type=int, default=4, help="sessions of each routine a week, even (default 4)"
    )
    plan.add_argument("--start", help="first day, YYYY-MM-DD (default: tomorrow)")
    plan.add_argument("--seed", type=int, help="random seed (default: a new one)")
    plan.add_argument("--ics", type=Path, metavar="FILE", help="also write an .ics calendar file")

    report = command("report", _cmd_report, "write a one-page report for your clinician")
    report.add_argument("--since", help="only entries from this day on, YYYY-MM-DD")
    report.add_argument(
        "--out", type=Path, default=Path("report.html"), help="HTML file (default report.html)"
    )
    report.add_argument(
        "--pdf",
        nargs="?",
        const=True,
        type=Path,
        metavar="FILE",
        help="also write a PDF (default: beside the HTML file)",
    )

    lab = command("lab", _cmd_lab, "open the kit's notebooks in JupyterLab (127.0.0.1, token)")
    lab.add_argument("--port", type=int, help="port to listen on (default: a free one)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``acutrack`` command and return its exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # e.g. `acutrack points | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (InvalidValue, _Usage) as err:
        print(f"acutrack {args.command}: {err}", file=sys.stderr)
        return 2
    except (AcutrackError, OSError) as err:
        print(f"acutrack {args.command}: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
