"""The ``acutrack`` command: the parser put together, and errors turned into exit codes.

Each group of commands lives in a module of its own, which declares each command's
options beside the function that runs it (its ``add_parsers``): `recording` (log, rate,
peg, pgic, med, screen, profile), `entries` (show, correct, delete, validate), `planning`
(plan), `sharing` (report, export, import), `kit` (routines, points, sample) and `servers`
(lab, app). `times` reads ``--at``; `terminal` prints safely; `common` holds what every
command uses.

A run imports only the module of the command it names, and each command imports what it
needs when it runs, so that ``acutrack log`` and ``acutrack rate`` start without pandas or
matplotlib. Exit status: 0 done, 1 a problem with the journal's data or files, 2 a usage
error (including a value acutrack does not accept); errors are one line on stderr, never
a traceback.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from ..errors import AcutrackError, InvalidValue
from .common import _path, _Usage
from .terminal import _Formatter, _printable

__all__ = ["main"]

# Every command, in the order help lists them, and the module of this package that
# declares and runs it. The one list of commands: a run that names one imports its module
# alone, and a module that declares a command missing here (or listed under another
# module) stops the parser (`_declarer`).
_HOMES = {
    "log": "recording",
    "rate": "recording",
    "correct": "entries",
    "delete": "entries",
    "show": "entries",
    "routines": "kit",
    "points": "kit",
    "validate": "entries",
    "sample": "kit",
    "plan": "planning",
    "next": "planning",
    "remind": "reminding",
    "report": "sharing",
    "peg": "recording",
    "pgic": "recording",
    "med": "recording",
    "screen": "recording",
    "profile": "recording",
    "export": "sharing",
    "app": "servers",
    "import": "sharing",
    "lab": "servers",
}
_COMMANDS = tuple(_HOMES)


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
    lookups, and importing every command's module more, which a cold `acutrack log`
    would pay for nothing. The whole parser asks each command's module for that command
    alone, in `_COMMANDS` order, so that help lists them in that order.
    """
    parser = argparse.ArgumentParser(
        formatter_class=_Formatter,
        prog="acutrack",
        description="Track self-acupressure for back pain and find out what helps.",
    )
    _journal_option(parser)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in _COMMANDS if only is None else (only,):
        home = _HOMES[name]
        declared: list[str] = []
        importlib.import_module(f"{__name__}.{home}").add_parsers(
            _declarer(sub, name, home, declared)
        )
        if name not in declared:
            raise LookupError(f"acutrack.cli.{home} does not declare the command {name!r}")
    return parser


def _journal_option(parser: argparse.ArgumentParser) -> None:
    """Give ``parser`` the option every command takes, before or after the command's name.

    Added to each parser rather than inherited from a parent parser, which would cost
    argparse one more parser (and its message lookups) on every run.
    """
    parser.add_argument(
        "--journal",
        metavar="DIR",
        type=_path,
        default=argparse.SUPPRESS,  # so a subcommand's default does not hide the global one
        help="journal folder (default: $ACUTRACK_HOME, else ~/acutrack)",
    )


def _declarer(sub, name: str, home: str, declared: list[str]):
    """The ``command(name, run, help)`` a module's ``add_parsers`` declares each command
    with: the parser of ``name``, a stand-in for the module's other commands."""

    def command(wanted: str, run: Callable[[argparse.Namespace], int], help_: str):
        if _HOMES.get(wanted) != home:
            listed = _HOMES.get(wanted, "no module")
            raise LookupError(f"acutrack.cli.{home} declares {wanted!r}; _HOMES gives it {listed}")
        if wanted != name:
            return _Unused()
        declared.append(name)
        p = sub.add_parser(name, help=help_, description=help_, formatter_class=_Formatter)
        _journal_option(p)
        p.set_defaults(run=run)
        return p

    return command


def __getattr__(name: str) -> object:
    """A private name of `cli.py`, before it became this package (``_time``, ``_cmd_log``,
    ``_ask``...), from the module that holds it now: a command's module is imported only
    when one of its names is asked for."""
    if name.startswith("_") and not name.startswith("__"):
        for home in ("common", "terminal", "times", *dict.fromkeys(_HOMES.values())):
            module = importlib.import_module(f"{__name__}.{home}")
            if hasattr(module, name):
                return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``acutrack`` command and return its exit status."""
    for stream in (sys.stdout, sys.stderr):
        # A console or pipe that cannot show a character (a Windows code page, an ASCII
        # locale) gets it as an escape such as \u2192 instead of a crash.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    if argv is None:  # run as the command (the console script, python -m acutrack)
        # At exit the interpreter searches every object left for reference cycles: a
        # tenth of a cold `acutrack log`. A finished command's files are closed and its
        # locks released, so no such cycle matters: gc.freeze, run among the exit
        # handlers, spares the search.
        atexit.register(gc.freeze)
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser(_wanted(argv)).parse_args(argv)
    try:
        with contextlib.ExitStack() as args.views:
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
