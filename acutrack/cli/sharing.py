"""The journal shared: ``report`` (for a clinician, HTML and PDF), ``export`` (FHIR or
CSV), and ``import`` (from Bearable, Privacy Friendly Pain Diary or a CSV file)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from .common import _journal, _path, _unread, _Usage
from .terminal import _line, _say
from .times import _date

if TYPE_CHECKING:
    from .common import Declare


def add_parsers(command: Declare) -> None:
    """Declare ``report``, ``export`` and ``import``."""
    _report_options(
        command(
            "report",
            _cmd_report,
            "write a report for your clinician: a first page to read in a minute, details after",
        )
    )
    export = command("export", _cmd_export, "export the journal for a clinic: FHIR or CSV")
    export.add_argument("--fhir", type=_path, metavar="FILE", help="write a FHIR R4 bundle (JSON)")
    export.add_argument(
        "--csv", type=_path, metavar="DIR", help="write CSV tables and a data dictionary to DIR"
    )
    export.add_argument("--notes", action="store_true", help="also export your notes")
    _import_options(
        command(
            "import",
            _cmd_import,
            "import pain ratings and medicines from Bearable, Privacy Friendly Pain Diary or a "
            "CSV file (each record once; --dry-run first to see what it would add)",
        )
    )


def _report_options(report) -> None:
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
        help=(
            "list every point pressed, not only those that went with more relief (an "
            "association: `acutrack plan --new --leave-out POINT` tests a point)"
        ),
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


def _import_options(imp) -> None:
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
