"""What the analysis notebooks open: your own journal, from its first entry.

The sample journal is shown only when asked for (``sample=True``), never in place of
yours, and then under a banner that says so.
"""

from __future__ import annotations

import html

from .journal import Journal
from .sample import sample_journal

__all__ = ["journal_for_analysis", "journal_heading", "unread_rows_note"]


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
        notes.insert(
            0, f"{rows} row{'s' if rows > 1 else ''} could not be read: run acutrack validate"
        )
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
    held = f"{len(sessions)} session(s) and {len(ratings)} check-in(s)"
    if days:
        held += f" from {days[0]:%d %b %Y} to {days[-1]:%d %b %Y}"
    path = html.escape(str(journal.path))
    if journal.path == sample_journal().path:
        return (
            '<div style="border:2px solid #d08c2c;background:#fff6e5;padding:8px 12px;'
            'border-radius:6px"><b>You are looking at the sample journal</b>: sixteen weeks '
            f"of made-up entries ({held}), because <code>USE_SAMPLE = True</code> above. Set "
            "it to <code>False</code> and run the notebook again to see your own.</div>"
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
