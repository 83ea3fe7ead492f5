"""What the kit brings: ``routines``, ``points`` (where each is and how to press it) and
``sample`` (a sample journal to try the analysis on)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .common import _journal, _path, _Usage, _whole
from .terminal import _line, _say, _table, _textwrap

if TYPE_CHECKING:
    from .common import Declare


def add_parsers(command: Declare) -> None:
    """Declare ``routines``, ``points`` and ``sample``."""
    command("routines", _cmd_routines, "list the routines, built-in and your own")
    command("points", _cmd_points, "list the points: where they are and how to press them")
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


def _cmd_sample(args: argparse.Namespace) -> int:
    from ..sample import DEFAULT_SEED, write_sample

    seed = DEFAULT_SEED if args.seed is None else args.seed
    try:
        journal = write_sample(args.out, seed=seed, real_advantage=args.real_advantage)
    except FileExistsError as err:
        raise _Usage(str(err)) from None
    _line(f"wrote a sample journal to {journal.path} (seed {seed})")
    return 0
