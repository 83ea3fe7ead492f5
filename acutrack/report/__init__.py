"""A report for the clinician: a first page to read in a minute, the details after.

The first page stands alone: who and when, typical pain now against the start with its
interval, PEG-3, the global impression of change, as-needed medication, the red-flag
screen, pain alerts, the real-vs-sham verdict in one line, and the weekly chart. The
pain over time in detail, routines, points (with the body map) and, when asked for, the
person's notes follow on later pages.

The HTML page is self-contained (charts embedded as PNG, styles inline): it needs nothing
from the network and can be emailed or printed; its print stylesheet ends the first page
with a page break, and the first page fits one sheet of A4 or Letter. The PDF is drawn by
matplotlib's own PDF backend on either paper: no browser is involved.

The package, by concern: `gather` (`report_tables`, the analysis run once),
`first_page` and `details` (what the pages say), `charts` (the figures and their PNGs),
`html` (`render_html`, through the Jinja2 template in ``templates/``), `pdf`
(`render_pdf` and its page layout; `paper`, its sizes) and `write` (`write_report`, both files).
"""

from __future__ import annotations

from .first_page import CAVEAT as CAVEAT
from .first_page import NOT_ENOUGH as NOT_ENOUGH
from .first_page import TITLE as TITLE
from .first_page import FirstPage, first_page
from .gather import MIN_READINGS as MIN_READINGS
from .gather import ReportTables, report_tables
from .html import render_html
from .paper import PAPERS
from .write import write_report

__all__ = [
    "PAPERS",
    "FirstPage",
    "ReportTables",
    "first_page",
    "render_html",
    "render_pdf",
    "report_tables",
    "write_report",
]


def __getattr__(name: str):
    """`render_pdf` (and the PDF's first page, for its tests) on first use: a report
    without a PDF does not import the PDF backend."""
    if name in ("render_pdf", "_first_pdf_page"):
        from . import pdf

        return getattr(pdf, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
