"""The commands that record: ``log`` (a session), ``rate`` (a check-in), ``peg``, ``pgic``,
``med`` (a medicine), ``screen`` (the red-flag screen) and ``profile``.

``log`` and ``rate`` must start fast: nothing here imports pandas or matplotlib unless a
check-in is linked to a session (``rate --after-last``), which reads the sessions.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from ..errors import shown
from .common import _journal, _Usage
from .terminal import _line, _printable, _say
from .times import _AT_HELP, _date, _moment, _time

if TYPE_CHECKING:
    from .common import Declare

_WHERE = {"default": "lower-back", "help": "where it hurts (default: lower-back)"}


def add_parsers(command: Declare) -> None:
    """Declare ``log``, ``rate``, ``peg``, ``pgic``, ``med``, ``screen`` and ``profile``."""
    _log_options(
        command("log", _cmd_log, "record a session: pain before and after, routine, points")
    )
    _rate_options(command("rate", _cmd_rate, "record how much it hurts now, 0-10"))
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

    _screen_options(
        command(
            "screen",
            _cmd_screen,
            "answer the red-flag screen: signs that need a doctor soon or now",
        )
    )
    profile = command("profile", _cmd_profile, "show or set the name or id shown on reports")
    profile.add_argument("--name", help="your name as reports show it ('' to clear)")
    profile.add_argument("--id", help="an id your clinic uses ('' to clear)")


def _log_options(log) -> None:
    log.add_argument(
        "--before",
        metavar="PAIN",
        help="pain before, 0-10 (with --planned after acutrack next --start: as given there)",
    )
    log.add_argument("--after", required=True, metavar="PAIN", help="pain after, 0-10")
    log.add_argument("--routine", help="routine (default: back, or the planned one with --planned)")
    log.add_argument("--condition", help="real or sham (default: the routine's own, else real)")
    log.add_argument("--points", nargs="+", metavar="CODE", help="points pressed, e.g. BL23 GB30")
    log.add_argument("--minutes", help="duration (default: the routine's timing)")
    log.add_argument("--at", help=_AT_HELP.replace("when:", "when it started:"))
    log.add_argument("--location", **_WHERE)
    log.add_argument("--note", default="", help="any text")
    log.add_argument(
        "--planned",
        action="store_true",
        help="this session is the plan's next one: it fills that slot (routine and "
        "condition from the plan)",
    )
    log.add_argument(
        "--guess",
        type=str.lower,
        choices=("a", "b", "unsure"),
        help="with --planned in a blind plan: which set you think is the real one (optional)",
    )


def _rate_options(rate) -> None:
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
    rate.add_argument("--location", **_WHERE)
    rate.add_argument("--note", default="", help="any text")


def _screen_options(screen) -> None:
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


def _cmd_log(args: argparse.Namespace) -> int:
    journal = _journal(args)
    points = ";".join(args.points) if args.points else None
    if args.before is None and not args.planned:
        raise _Usage("--before is required: your pain before the session, 0-10")
    fields = dict(
        pain_before=args.before,
        pain_after=args.after,
        routine=args.routine,
        condition=args.condition,
        points=points,
        duration_min=args.minutes,
        location=args.location,
        # A planned session started with `acutrack next --start` keeps its start time.
        started_at=_time(args.at, journal.now()) if args.at or not args.planned else None,
        notes=args.note,
    )
    if args.planned:
        from ..plan import log_planned

        session = log_planned(journal, **fields, started=True, guess=args.guess)
    elif args.guess:
        raise _Usage("--guess goes with --planned, in a blind plan")
    else:
        session = journal.log_session(**{**fields, "routine": args.routine or "back"})
    shown = journal.as_shown(session)
    _line(f"stored session {shown.describe()}{_plan_note(journal, session)}")
    _remind(journal)
    return 0


def _plan_note(journal, session) -> str:
    """What the active plan says after ``session``: the slot it filled and the plan's
    progress, or that a planned session waits; never a later slot's real or sham."""
    from ..plan import Due, next_slot, planned_words

    if session.slot:
        return f" · {planned_words(journal, session)}"
    day = session.started_at.date()
    waiting = next_slot(journal, day=day)
    if waiting is None or waiting.due.date() > day:
        return ""
    if waiting.started:
        return (
            f" · off the plan; the planned session started {waiting.started_at:%a %H:%M} is "
            "not logged: if this was it, log it with acutrack log --planned --after N"
        )
    return (
        f" · off the plan; the plan has a session {Due(waiting, day).words()}: start it "
        "with acutrack next --start --before N"
    )


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
            from ..timeline import session_words

            follows = f" · that session: {session_words(session)}"
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
        sessions = journal.blinded(journal.sessions())  # said back: a blind plan's by set
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
