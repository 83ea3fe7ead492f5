"""What every command uses: the usage error, the journal ``--journal`` names (and the
clock tests give it), the types of options (paths, whole numbers), and the line that
says how many rows could not be read."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..testclock import clock_from_environment

# How a module of this package declares a command: ``command(name, run, help)`` gives the
# parser to add the command's options to (see `acutrack.cli._parser`), or a stand-in that
# ignores them when this run needs another command.
Declare = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


class _Usage(Exception):
    """A mistake in how the command was called (exit status 2)."""


def _journal(args: argparse.Namespace):
    """The journal a command works on, read as one view for the whole command (each file
    once, and again after the command writes to it; see `Journal.snapshot`)."""
    from ..journal import Journal

    folder, clock = getattr(args, "journal", None), _test_clock()
    journal = Journal(folder, clock=clock) if folder else Journal.default(clock=clock)
    views = getattr(args, "views", None)  # set by `main` for the length of the command
    if views is not None:
        views.enter_context(journal.snapshot())
    return journal


def _test_clock() -> Callable[[], datetime] | None:
    """The clock tests give a command (`acutrack.testclock`); a wrong one is a usage error."""
    try:
        return clock_from_environment()
    except ValueError as err:
        raise _Usage(str(err)) from None


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
