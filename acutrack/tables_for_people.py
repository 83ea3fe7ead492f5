"""Tables as a person reads them: plain words, dates without empty times, no NaN, no index.

The notebooks show tables through `people_table`; the report writes its cells with
`cell_text`, so both say a missing number, a yes/no or a date the same way. An experiment
plan is shown short (`plan_summary`, done and to do by week) with the full table on request
(`plan_table`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .plan import CONCEALED, progress, shown
from .records import Slot

if TYPE_CHECKING:
    from .journal import Journal
from .stats.results import fmt

__all__ = ["MISSING", "PeopleTable", "cell_text", "people_table", "plan_summary", "plan_table"]

MISSING = "—"  # what a table shows where there is no value


def cell_text(value: object, digits: int = 1, *, with_time: bool = True) -> str:
    """One table cell in words.

    Parameters
    ----------
    value : object
        A number, text, truth value, date or moment, or a missing value of any kind.
    digits : int
        Decimals of a fractional number.
    with_time : bool
        Whether a moment shows its time; a moment at midnight never does.

    Returns
    -------
    str
        ``MISSING`` for None, NaN, NaT or NA; ``yes``/``no`` for a truth value; a date as
        ``Tue 02 Jun 2026`` (with ``19:00`` when it has a time); a fraction with a real
        minus sign; anything else as its text.
    """
    if value is None or value is pd.NaT or value is pd.NA:
        return MISSING
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, datetime):  # a pandas Timestamp is one too
        shown = f"{value:%a %d %b %Y}"
        midnight = (value.hour, value.minute, value.second) == (0, 0, 0)
        return f"{shown} {value:%H:%M}" if with_time and not midnight else shown
    if isinstance(value, date):
        return f"{value:%a %d %b %Y}"
    if isinstance(value, float | np.floating):
        return fmt(float(value), digits, missing=MISSING)
    if isinstance(value, int | np.integer):
        return f"{value}".replace("-", "−")
    return str(value)


class PeopleTable:
    """A table for people, shown as HTML in a notebook and as text elsewhere.

    Attributes
    ----------
    frame : DataFrame
        The table as given (its index is never shown).
    text : DataFrame
        Every cell as `cell_text` writes it.
    summary : str or None
        When given, the table is folded away under this line until it is clicked.
    """

    def __init__(self, frame: pd.DataFrame, *, summary: str | None = None, digits: int = 1):
        self.frame = frame
        self.summary = summary
        # A column of moments at midnight (or of days) is a column of dates.
        times = {
            c: not _all_midnight(frame[c])
            for c in frame.columns
            if pd.api.types.is_datetime64_any_dtype(frame[c])
        }
        self.text = pd.DataFrame(
            {
                c: [cell_text(v, digits, with_time=times.get(c, True)) for v in frame[c]]
                for c in frame.columns
            },
            index=range(len(frame)),
        )
        self._numbers = [
            pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
            for c in frame.columns
        ]

    def _repr_html_(self) -> str:
        cell = "padding:2px 8px;white-space:normal;overflow-wrap:anywhere;vertical-align:top;"

        def align(number: bool, wrap: str = "anywhere") -> str:
            style = cell.replace("anywhere", wrap)
            return f'style="{style}text-align:{"right" if number else "left"}"'

        # A heading breaks between words only ("Sessions", never "Sessio/ns"); a cell's long
        # text (a note, a path) may break anywhere rather than widen the page.
        head = "".join(
            f"<th {align(n, 'break-word')}>{html.escape(str(c))}</th>"
            for c, n in zip(self.text.columns, self._numbers, strict=True)
        )
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td {align(n)}>{html.escape(v)}</td>"
                for v, n in zip(row, self._numbers, strict=True)
            )
            + "</tr>"
            for row in self.text.itertuples(index=False)
        )
        # Inline styles: JupyterLab's own table style fixes the layout and centres it.
        table = (
            '<table style="table-layout:auto;max-width:100%;margin-left:0;'
            f'border-collapse:collapse"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
        )
        if self.summary is None:
            return table
        return f"<details><summary>{html.escape(self.summary)}</summary>{table}</details>"

    def __repr__(self) -> str:
        return self.text.to_string(index=False)


def _all_midnight(column: pd.Series) -> bool:
    moments = column.dropna()
    return bool((moments == moments.dt.normalize()).all())


def people_table(
    frame: pd.DataFrame, *, summary: str | None = None, digits: int = 1
) -> PeopleTable:
    """``frame`` as a table for people (see `PeopleTable`; name the columns in words first).

    Examples
    --------
    >>> import pandas as pd
    >>> people_table(pd.DataFrame({"Pain": [4.25, float("nan")], "Done": [True, False]}))
    Pain Done
     4.2  yes
       —   no
    """
    return PeopleTable(frame, summary=summary, digits=digits)


def _monday(moment: datetime) -> date:
    day = moment.date()
    return day - timedelta(days=day.weekday())


def plan_summary(slots: Sequence[Slot], today: date) -> tuple[str, pd.DataFrame]:
    """A plan in short: a sentence on where it stands, and done / to do week by week.

    Parameters
    ----------
    slots : sequence of Slot
        One plan's slots, in order (`acutrack.plan_slots`).
    today : date
        The person's day (``journal.now().date()``): what is overdue, what comes next.

    Returns
    -------
    headline : str
        Sessions done out of planned, the next one's day and any overdue (`plan.progress`);
        never which routine or condition comes next.
    weeks : DataFrame
        One row per week of the plan: ``Week starting`` (date), ``Planned``, ``Done``
        and ``To do`` (sessions).
    """
    if not slots:
        return "No plan yet.", pd.DataFrame(columns=["Week starting", "Planned", "Done", "To do"])
    state = progress(list(slots), today)
    headline = f"Planned sessions: {state.words()}"
    headline += ": the plan is complete." if state.done == state.total else "."
    weeks = pd.DataFrame(
        {"week": [_monday(s.due) for s in slots], "done": [s.filled for s in slots]}
    )
    by_week = weeks.groupby("week", sort=True)["done"].agg(["size", "sum"])
    table = pd.DataFrame(
        {
            "Week starting": pd.to_datetime(by_week.index),
            "Planned": by_week["size"].to_numpy(),
            "Done": by_week["sum"].to_numpy(),
            "To do": (by_week["size"] - by_week["sum"]).to_numpy(),
        }
    )
    return headline, table


def plan_table(slots: Sequence[Slot], journal: Journal) -> pd.DataFrame:
    """Every slot of a plan in words: due, routine, real or sham, block, done by which session.

    Real or sham (and which point a leave-one-out slot leaves out) shows only for slots
    whose session has started or is done (`plan.shown`): knowing what comes next would
    let a person move a session to a better or worse moment. A blind plan's show their
    set (``set A``) until it ends.

    Parameters
    ----------
    slots : sequence of Slot
        One plan's slots, in order.
    journal : Journal
        Whose routines name the slots.

    Returns
    -------
    DataFrame
        ``Due`` (the day), ``Routine``, ``Real or sham``, ``Block`` (once the plan is over)
        and ``Done by session`` (``not yet`` while open), with ``Point left out`` for a
        leave-one-out plan.
    """
    seen = [shown(journal, s, list(slots)) for s in slots]
    hidden = [condition == CONCEALED for _, condition in seen]
    table = pd.DataFrame(
        {
            "Due": [f"{s.due:%a %d %b %Y}" for s in slots],
            "Routine": [routine for routine, _ in seen],
            "Real or sham": [condition for _, condition in seen],
            "Block": [s.block for s in slots],
            "Done by session": [s.session_id or "not yet" for s in slots],
        }
    )
    if any(s.open for s in slots):  # block numbers beside done slots would tell what comes
        table = table.drop(columns="Block")
    if any(s.leave_out for s in slots):  # the point gets a column of its own
        pairs = list(zip(slots, hidden, strict=True))
        table["Routine"] = [s.routine for s in slots]
        table["Point left out"] = [CONCEALED if h else (s.leave_out or "none") for s, h in pairs]
    return table
