"""Writing the report's files: the HTML page, and the PDF when asked."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import date
from pathlib import Path

from ..errors import InvalidValue
from ..journal import Journal
from .gather import report_tables
from .html import render_html
from .paper import PAPERS

__all__ = ["write_report"]


def write_report(
    journal: Journal | None = None,
    out: str | Path = "report.html",
    *,
    since: date | None = None,
    pdf: str | Path | None = None,
    paper: str = "A4",
    notes: bool = False,
    all_points: bool = False,
) -> Path:
    """Write the clinician's report: a first page to read in a minute, details after.

    Its files are readable by their owner only, and each is written whole or not at all.

    Parameters
    ----------
    journal : Journal, optional
        Defaults to `Journal.default`.
    out : str or Path
        The HTML file to write.
    since : date, optional
        Only entries on or after this day (the latest red-flag screen is shown whatever
        its day: an answer stands until the next screen).
    pdf : str or Path, optional
        Also write a PDF there (another file than ``out``).
    paper : {"A4", "Letter"}
        The PDF's paper (the HTML page prints on either).
    notes : bool
        Add the person's notes, as a dated list after the details. Off by default: notes
        may hold things a person would rather not hand over.
    all_points : bool
        List every point pressed in the points table, not only those that went
        with more relief.

    Returns
    -------
    Path
        The HTML file.

    Raises
    ------
    InvalidValue
        When ``pdf`` is the HTML file, or either is one of the journal's own files, or
        ``paper`` is not known.
    """
    journal = journal or Journal.default()
    out = Path(out)
    if pdf is not None and _same_file(out, Path(pdf)):
        raise InvalidValue("pdf", str(pdf), f"expected another file than the HTML file {out}")
    if paper not in PAPERS:
        raise InvalidValue("paper", paper, f"expected one of {', '.join(PAPERS)}")
    options = {"notes": notes, "all_points": all_points}
    # Both files are opened before either is written, and before the analysis: where one
    # cannot go, neither is made, and the person hears so at once.
    with ExitStack() as files:
        page = files.enter_context(journal.private_output(out))
        sheet = files.enter_context(journal.private_output(pdf)) if pdf else None
        tables = report_tables(journal, since=since)
        page.write(render_html(tables, **options).encode("utf-8"))
        if sheet:
            from .pdf import render_pdf  # the PDF backend only when a PDF is asked for

            render_pdf(tables, sheet, paper=paper, **options)
    return out


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` may name one file (also through links, ``..`` or letter case).

    Names that differ only in letter case count as one file everywhere: macOS and Windows
    ignore case by default, and neither file may exist yet to ask the system.
    """
    if a.exists() and b.exists():
        return a.samefile(b)
    folders = a.absolute().parent, b.absolute().parent
    if all(f.is_dir() for f in folders):
        same_folder = folders[0].samefile(folders[1])
    else:
        same_folder = folders[0].resolve() == folders[1].resolve()
    return same_folder and a.name.casefold() == b.name.casefold()
