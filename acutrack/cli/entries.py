"""The commands on entries already stored: ``show``, ``correct``, ``delete`` and
``validate`` (the journal's files checked, and sync apps' conflict copies merged)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from ..errors import shown
from ..words import plural
from .common import _count, _journal, _unread, _Usage
from .recording import _followed_up
from .terminal import _line, _printable, _say, _table, _textwrap
from .times import _time

if TYPE_CHECKING:
    from .common import Declare


def add_parsers(command: Declare) -> None:
    """Declare ``correct``, ``delete``, ``show`` and ``validate``."""
    _correct_options(
        command(
            "correct",
            _cmd_correct,
            "change an entry (session, check-in, PEG, PGIC, medicine, screen): only the values "
            "given change, the rest stay",
        )
    )
    delete = command("delete", _cmd_delete, "delete an entry (asks first)")
    delete.add_argument("id", help="its id, as `acutrack show` lists it")
    delete.add_argument("--yes", action="store_true", help="do not ask; needed without a terminal")

    show = command("show", _cmd_show, "list the latest entries")
    show.add_argument("--last", type=_count, default=10, metavar="N", help="how many (default 10)")

    validate = command(
        "validate", _cmd_validate, "check the journal's files; exit 1 when anything is wrong"
    )
    validate.add_argument(
        "--repair",
        action="store_true",
        help="first merge the conflict copies sync apps made of journal files (then moved "
        "aside into conflict-copies/); changes no entry",
    )


def _correct_options(correct) -> None:
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
    _line(f"corrected {_as_it_stands(journal, journal.correct(entry.id, **changes))}")
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
    _line(f"corrected {_as_it_stands(journal, journal.correct(entry.id, **changes))}")
    return 0


def _as_it_stands(journal, record) -> str:
    """A corrected entry in one line, with where it hurts and its note."""
    from ..records import Session

    text = journal.as_shown(record).describe()
    if isinstance(record, Session):  # a check-in's own line names where it hurts already
        text += f", {record.location}"
    if record.notes:
        text += f" · note: {_textwrap().shorten(record.notes, 60)}"
    return text


def _cmd_delete(args: argparse.Namespace) -> int:
    journal = _journal(args)
    entry = _existing(journal, args.id)
    said = journal.as_shown(entry).describe()
    what = f"{entry.id} ({said.removeprefix(entry.id + ' ')})"
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
    _line(f"{plural(len(rows), 'problem')} in {journal.path}; the files were not changed.")
    return 1
