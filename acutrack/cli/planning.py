"""``acutrack plan``: the experiment plan shown, or a new randomised one made (real
against sham, or leave-one-out), with what it can find and its calendar file; ``acutrack
next``: the next planned session, started (pain before first, then what to press)."""

from __future__ import annotations

import argparse
from contextlib import nullcontext
from typing import TYPE_CHECKING

from ..words import plural
from .common import _journal, _path, _Usage, _whole
from .terminal import _line, _say, _table
from .times import _AT_HELP, _date, _time

if TYPE_CHECKING:
    from .common import Declare


def add_parsers(command: Declare) -> None:
    """Declare ``plan`` and ``next``."""
    _next_options(
        command("next", _cmd_next, "the next planned session: start it to see what to press")
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
    plan.add_argument(
        "--reveal",
        action="store_true",
        help="show real or sham of every slot now (recorded: the verdict will say so)",
    )
    plan.add_argument(
        "--blind",
        action="store_true",
        help="with --new: show real and sham as set A and set B, pressed alike, until the "
        "plan ends",
    )
    plan.add_argument(
        "--unblind",
        action="store_true",
        help="end a blind plan's blinding now (recorded): which set is real is shown",
    )
    plan.add_argument(
        "--guess",
        type=str.lower,
        choices=("a", "b", "unsure"),
        help="in a blind plan: which set you think is real, after your latest session",
    )
    plan.add_argument(
        "--replace",
        action="store_true",
        help="end the open plan (its sessions are kept; it counts as ended early) and make "
        "this one",
    )
    plan.add_argument(
        "--anyway",
        action="store_true",
        help="make the plan although it starts before today or can never reach a verdict",
    )
    plan.add_argument("--ics", type=_path, metavar="FILE", help="also write an .ics calendar file")
    plan.add_argument(
        "--leave-out",
        metavar="POINT",
        help="make a leave-one-out plan instead: real sessions with and without this point",
    )


def _next_options(following) -> None:
    following.add_argument(
        "--start",
        action="store_true",
        help="start it: record the pain before, then see the routine (real or sham) to press",
    )
    following.add_argument("--before", metavar="PAIN", help="with --start: pain before, 0-10")
    following.add_argument("--at", help=_AT_HELP.replace("when:", "when it starts:"))
    following.add_argument(
        "--early", action="store_true", help="with --start: a session due on a later day"
    )


def _cmd_next(args: argparse.Namespace) -> int:
    from ..plan import Due, active_plan, next_slot, paused, press_words, progress, start_planned

    journal = _journal(args)
    if (args.before is not None or args.early) and not args.start:
        raise _Usage("--before and --early go with --start")
    slots = active_plan(journal)
    day = journal.now().date()
    begun = next((s for s in slots if s.started), None)
    if args.start:
        if args.before is None:
            raise _Usage("--start needs --before: your pain now, 0-10, before you press")
        when = _time(args.at, journal.now()) if args.at else None
        begun = start_planned(journal, args.before, started_at=when, early=args.early)
    elif begun is None:
        waiting = next_slot(journal, plan=slots)
        if waiting is None:
            _say(f"planned sessions wait: {paused(journal)}" if slots else "no plan is open")
            return 0
        hidden = "Which set, A or B," if waiting.blind_set else "Real or sham"
        _say(
            f"Next planned session: {Due(waiting, day).words()}. Plan: "
            f"{progress(slots, day).words()}. {hidden} is shown when you start it: "
            "acutrack next --start --before N (your pain now, 0-10)."
        )
        return 0
    due = Due(begun, begun.started_at.date()).words(now=begun.started_at.date() == day)
    _say(
        f"Started {begun.started_at:%a %d %b %H:%M} (the planned session {due}), pain before "
        f"{begun.pain_before}. Now {press_words(journal, begun)}. Then log it: acutrack log "
        "--planned --after N"
    )
    return 0


def _cmd_plan(args: argparse.Namespace) -> int:
    from ..plan import (
        active_plan,
        blocks_in_words,
        make_plan,
        plan_slots,
        progress,
        shown,
        to_ics,
    )

    journal = _journal(args)
    slots = [] if args.new else plan_slots(journal)
    if not (args.new or slots):
        _say("no plan yet; make one with `acutrack plan --new --weeks 4 --per-week 4`")
        return 0
    if args.blind and not args.new:
        raise _Usage("--blind goes with --new: a plan is blind from its first session")
    if args.new and (args.reveal or args.unblind or args.guess):
        raise _Usage("--reveal, --unblind and --guess are for the plan there is, not a new one")
    if args.guess:
        return _guess(journal, slots, args.guess)
    if args.reveal or args.unblind:
        blind = any(s.blind_set for s in slots)
        if args.unblind and not blind:
            raise _Usage("--unblind ends a blind plan's blinding; this plan is open-label")
        marked = journal.reveal_plan(slots[0].plan)
        slots = plan_slots(journal, slots[0].plan)
        real = next(s for s in slots if s.condition == "real")
        _say(
            f"Blinding ended: {real.arm} is real, the other set sham. Recorded: the verdict "
            "will say blinding ended early."
            if blind
            else f"Real or sham of {plural(marked, 'session')} to come is shown below, and "
            "recorded: the verdict will say the sessions after today were done knowing it."
        )
    # The calendar file is opened first, so that a place it cannot be written stops a new
    # plan from being stored; it takes its name only once the plan is stored.
    replaced = [s for s in active_plan(journal) if s.open] if args.new and args.replace else []
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
                blind=args.blind,
                anyway=args.anyway,
                replace=args.replace,
            )
        if calendar:
            ics = to_ics(slots, stamp=journal.now(), cancelled=replaced)
            calendar.write(ics.encode("utf-8"))
    if args.new:
        arms = f"sessions with and without {args.leave_out}" if args.leave_out else "real and sham"
        if args.blind:
            arms += " (blind: shown as set A and set B, which is real said when the plan ends)"
        _say(
            f"made plan {slots[0].plan}: {plural(len(slots), 'session')} over "
            f"{plural(args.weeks, 'week')}, "
            f"in {blocks_in_words(slots)} of {arms} in random order "
            f"(seed {slots[0].seed})"
        )
        _say(_plan_power(slots, args.leave_out))
    _say(f"Progress: {progress(slots, journal.now().date()).words()}")
    # No block numbers: beside the conditions of done slots they would tell what comes next.
    rows = [
        (f"{s.due:%a %d %b %H:%M}", *shown(journal, s, slots), _state(s), s.slot) for s in slots
    ]
    _say(_table(rows, ("due", "routine", "real or sham", "done", "slot")))
    if args.ics:
        _line(f"wrote {len(slots)} calendar events to {args.ics}")
    return 0


def _guess(journal, slots, guess: str) -> int:
    """Store a guess of which set is real with the blind plan's latest done session."""
    from ..records import still_blind
    from ..stats.blinding import GUESS_WORDS

    done = [s for s in slots if s.filled]
    if not still_blind(slots) or not done:
        raise _Usage("--guess goes with a blind plan still running, after one of its sessions")
    if any(s.started for s in slots):  # the guess would land on the session before it
        raise _Usage(
            "a session of the plan is started: log it with its guess (acutrack log --planned "
            "--after N --guess A|B|unsure)"
        )
    latest = max(done, key=lambda s: s.started_at or s.due)
    journal.record_guess(latest.slot, guess)
    when = latest.started_at or latest.due
    _say(
        f"Stored your guess for the session of {when:%a %d %b %H:%M}: {GUESS_WORDS[guess]}. "
        "Which set is real is shown when the plan ends."
    )
    return 0


def _state(slot) -> str:
    """A slot's state in words, for the plan's table."""
    if slot.filled:
        return f"by {slot.session_id}"
    if slot.closed_at is not None:
        return "plan ended"
    return f"started {slot.started_at:%a %H:%M}" if slot.started else "not yet"


def _plan_power(slots, leave_out: str | None) -> str:
    """What a new plan can find, looked up in the simulated table (`acutrack.stats.power`)."""
    from ..plan import MIN_GAP, blocks_in_words, smallest_p
    from ..stats.power import power_words

    gap = f"Planned sessions lie at least {MIN_GAP.total_seconds() / 3600:g} h apart. "
    if smallest_p(slots) > 0.05:
        return gap + (
            f"WARNING: this plan can never reach a verdict: with {blocks_in_words(slots)} "
            f"its smallest possible p-value is {smallest_p(slots):.3g}. "
            "Make it longer (more weeks or sessions a week)."
        )
    what = (
        f"sessions with {leave_out} relieve 1 point more than those without it"
        if leave_out
        else "real relieves 1 point more than sham"
    )
    return f"{gap}{power_words(len(slots), what)} The verdict comes when the plan is done."
