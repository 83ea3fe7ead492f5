"""The ``acutrack`` command.

Each command imports what it needs when it runs, so that ``acutrack log`` and
``acutrack rate`` start without pandas or matplotlib.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import AcutrackError

__all__ = ["main"]


def _journal(args: argparse.Namespace):
    from .journal import Journal

    folder = getattr(args, "journal", None)
    return Journal(folder) if folder else Journal.default()


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

    lab = command("lab", _cmd_lab, "open the kit's notebooks in JupyterLab (127.0.0.1, token)")
    lab.add_argument("--port", type=int, help="port to listen on (default: a free one)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``acutrack`` command; returns the exit status (2 usage, 1 data problems)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except AcutrackError as err:
        print(f"acutrack: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
