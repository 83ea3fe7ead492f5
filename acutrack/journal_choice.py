"""What the analysis notebooks open: your own journal, from its first entry.

The sample journal is shown only when asked for (``sample=True``, the notebooks' chooser
or ``$ACUTRACK_SAMPLE``), never in place of yours, and then under a banner that says so.
"""

from __future__ import annotations

import html
import os

from .journal import Journal
from .sample import sample_journal
from .words import plural

__all__ = [
    "SAMPLE_VARIABLE",
    "journal_for_analysis",
    "journal_heading",
    "notebook_journal",
    "unread_rows_note",
]

#: Set to ``1`` in the environment and the notebooks' chooser starts on the sample journal.
SAMPLE_VARIABLE = "ACUTRACK_SAMPLE"
# The chooser's choice in this kernel (None: not chosen yet). It outlives the cell, so that
# Run All after a click shows what was chosen; a new kernel starts on your own journal.
_sample: bool | None = None
# The chooser shown last, which a test clicks as a person would.
_chooser = None


def journal_for_analysis(journal: Journal | None = None, *, sample: bool = False) -> Journal:
    """The journal a notebook analyses: yours, or the sample when you ask for it.

    Parameters
    ----------
    journal : Journal, optional
        Yours; defaults to `Journal.default`.
    sample : bool
        Analyse the bundled sample journal (made-up entries) instead.

    Returns
    -------
    Journal
    """
    if sample:
        return sample_journal()
    return journal or Journal.default()


def notebook_journal() -> Journal:
    """Show the chooser "Your journal / The sample" and the journal's heading; return it.

    The first cell of each analysis notebook calls this. It starts on your own journal
    (`Journal.default`), or on the sample when ``$ACUTRACK_SAMPLE`` is ``1``. Choosing the
    other button is remembered in this kernel and asks for the notebook to be run again,
    which then analyses that journal: no code is edited.

    Returns
    -------
    Journal
        The journal chosen.
    """
    import ipywidgets as widgets
    from IPython.display import HTML, display

    global _chooser
    sample = _sample if _sample is not None else os.environ.get(SAMPLE_VARIABLE) == "1"
    toggle = widgets.ToggleButtons(
        options=[("Your journal", False), ("The sample", True)],
        value=sample,
        description="Show",
        tooltips=["Your own entries", "Sixteen weeks of made-up entries"],
    )
    note = widgets.HTML()

    def chosen(change: dict) -> None:
        global _sample
        _sample = change["new"]
        shown = "the sample journal" if _sample else "your own journal"
        note.value = f"<b>Now run all cells again</b> (<i>Run → Run All Cells</i>) to see {shown}."

    toggle.observe(chosen, names="value")
    _chooser = toggle
    display(widgets.VBox([toggle, note]))
    journal = journal_for_analysis(sample=sample)
    display(HTML(journal_heading(journal)))
    return journal


def unread_rows_note(journal: Journal) -> str | None:
    """ "N rows could not be read: run acutrack validate", and a line on sync conflict
    copies that hold entries the journal lacks; None when neither applies.

    A row with several problems counts once; a file that cannot be read at all counts as
    one row.
    """
    from .conflicts import conflict_note

    problems = journal.problems()
    rows = len(problems[["file", "line"]].drop_duplicates())
    notes = [conflict_note(journal)]
    if rows:
        notes.insert(0, f"{plural(rows, 'row')} could not be read: run acutrack validate")
    return "; ".join(n for n in notes if n) or None


def journal_heading(journal: Journal) -> str:
    """HTML naming the journal shown and what it holds, and its pain alerts if any.

    For the sample journal, a banner says so. Rows that could not be read are named
    (`unread_rows_note`).
    """
    from .analysis import pain_alerts, pain_alerts_summary

    sessions, ratings = journal.sessions_and_ratings()
    alerts = pain_alerts(sessions, ratings)
    days = sorted({*sessions["local_time"].dt.date, *ratings["local_time"].dt.date})
    held = f"{plural(len(sessions), 'session')} and {plural(len(ratings), 'check-in')}"
    if days:
        held += f" from {days[0]:%d %b %Y} to {days[-1]:%d %b %Y}"
    imported = journal.imported_ratings()
    if len(imported):  # the history a person imported belongs to what the journal holds
        since = imported["local_time"].min()
        held += f", and {plural(len(imported), 'rating')} imported from another app since"
        held += f" {since:%d %b %Y}"
        days = days or [since.date()]
    path = html.escape(str(journal.path))
    if journal.path == sample_journal().path:
        return (
            '<div style="border:2px solid #d08c2c;background:#fff6e5;padding:8px 12px;'
            'border-radius:6px"><b>You are looking at the sample journal</b>: sixteen weeks '
            f"of made-up entries ({held}), because <i>The sample</i> is chosen above. Choose "
            "<i>Your journal</i> and run all cells again to see your own.</div>"
        )
    notes = [unread_rows_note(journal), pain_alerts_summary(alerts) if len(alerts) else None]
    # Shown at the top of every notebook: an alert must not hide in one section.
    warning = "".join(
        f'<br><b style="color:#b71c1c">{html.escape(note)}</b>' for note in notes if note
    )
    if not days:
        return (
            f"<p>Your journal: {path}. Nothing logged yet: log a session or a check-in "
            f"(notebook 01, or <code>acutrack rate 4</code>) and run this notebook again."
            f"{warning}</p>"
        )
    return f"<p>Your journal: {path}, {held}.{warning}</p>"
