"""What the notebooks show, so that each reads like a page: words as HTML, and the tables
that would otherwise take a long cell each.

A notebook cell calls one of these in a line or two; its code stays folded away
(``metadata.jupyter.source_hidden``) and the reader sees words, tables and charts.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import pandas as pd

from .stats.results import fmt
from .stats.scales import DIFFERENCE, DROP, interval_words
from .tables_for_people import PeopleTable, people_table
from .words import plural

if TYPE_CHECKING:
    from .journal import Journal
    from .plan import Slot

__all__ = [
    "plan_overview",
    "points_table",
    "points_words",
    "routines_table",
    "show",
    "weekly_table",
    "words_html",
]


def words_html(text: str, *, lead: str | None = None) -> str:
    """``text`` as HTML paragraphs that wrap between words, like the rest of the page.

    Parameters
    ----------
    text : str
        Plain words (not HTML: every character is shown as written). A blank line starts
        a new paragraph; a single line break stays a line break.
    lead : str, optional
        Words shown in bold before the text, such as ``"Verdict:"``.

    Returns
    -------
    str
        A ``<div>`` of ``<p>`` elements.

    Examples
    --------
    >>> words_html("Pain 6 → 3 & calmer", lead="Today:")
    '<div class="acutrack-words"><p><b>Today:</b> Pain 6 → 3 &amp; calmer</p></div>'
    """
    paragraphs = [p for p in text.strip().split("\n\n") if p.strip()] or [""]
    shown = [html.escape(p.strip()).replace("\n", "<br>") for p in paragraphs]
    if lead:
        shown[0] = f"<b>{html.escape(lead)}</b> {shown[0]}".rstrip()
    body = "".join(f"<p>{p}</p>" for p in shown)
    return f'<div class="acutrack-words">{body}</div>'


def show(content: object, *, lead: str | None = None) -> None:
    """Show ``content`` in the notebook as HTML: the one way the notebooks show results.

    Words become paragraphs (`words_html`) that wrap between words, never monospace
    print; a result or a table is shown through its own HTML display; None shows
    nothing, so a table that has no rows yet can be passed as it is.

    Parameters
    ----------
    content : str, object with ``_repr_html_``, or None
        Plain words, or a result (`acutrack.stats`) or table (`people_table`).
    lead : str, optional
        Bold words before the content, such as ``"Verdict:"``.
    """
    from IPython.display import HTML, display

    if content is None:
        return
    if isinstance(content, str):
        display(HTML(words_html(content, lead=lead)))
        return
    if lead:
        display(HTML(words_html("", lead=lead)))
    display(content)


def weekly_table(
    weekly: pd.DataFrame, daily: pd.DataFrame, shortfall: str | None
) -> PeopleTable | None:
    """The numbers behind the weekly chart: week by week, or day by day until two weeks.

    Parameters
    ----------
    weekly : DataFrame
        From `acutrack.analysis.weekly_trend`.
    daily : DataFrame
        From `acutrack.analysis.daily_pain`.
    shortfall : str or None
        From `acutrack.analysis.weekly_shortfall`: set while a weekly trend needs more data.

    Returns
    -------
    PeopleTable or None
        Columns ``Week starting``, ``Average pain``, ``Lowest``, ``Highest``,
        ``Readings``, ``4-week average`` (once `rolling_shown`) and ``Sessions``; or,
        while ``shortfall`` is set,
        ``Day``, ``Average pain``, ``Highest`` and ``Readings`` for each day with a
        reading. None when there is nothing to list.
    """
    from .analysis.trend import rolling_shown

    if not shortfall:
        columns = {
            "Week starting": weekly["week_start"],
            "Average pain": weekly["mean"],
            "Lowest": weekly["min"],
            "Highest": weekly["max"],
            "Readings": weekly["count"],
            "4-week average": weekly["rolling_4w"],
            "Sessions": weekly["sessions"],
        }
        if not rolling_shown(weekly):  # as the chart: no 4-week average before 4 weeks
            del columns["4-week average"]
        return people_table(pd.DataFrame(columns))
    shown = daily[daily["count"] > 0]
    if shown.empty:
        return None
    return people_table(
        pd.DataFrame(
            {
                "Day": shown["day"],
                "Average pain": shown["mean"],
                "Highest": shown["max"],
                "Readings": shown["count"],
            }
        )
    )


def routines_table(comparison: pd.DataFrame) -> PeopleTable | None:
    """Each routine and condition described, in words (`acutrack.analysis.compare_routines`).

    Parameters
    ----------
    comparison : DataFrame
        From `acutrack.analysis.compare_routines`.

    Returns
    -------
    PeopleTable or None
        Columns ``Routine``, ``Real or sham``, ``Sessions``, ``Pain before``, ``Pain
        after``, ``Average drop``, ``95 % interval``, ``Drop from a start of X`` (X the
        common starting pain) and ``Median drop``; None without sessions.
    """
    if comparison.empty:
        return None
    common = comparison.attrs.get("common_before", float("nan"))
    return people_table(
        pd.DataFrame(
            {
                "Routine": comparison["routine"],
                "Real or sham": comparison["condition"].astype(str),
                "Sessions": comparison["sessions"],
                "Pain before": comparison["mean_before"],
                "Pain after": comparison["mean_after"],
                "Average drop": comparison["mean_drop"],
                "95 % interval": [
                    interval_words((lo, hi), DROP, n=n, missing="not enough sessions yet")
                    for lo, hi, n in zip(
                        comparison["ci_low"],
                        comparison["ci_high"],
                        comparison["sessions"],
                        strict=True,
                    )
                ],
                f"Drop from a start of {fmt(common, missing='—')}": comparison["adjusted_drop"],
                "Median drop": comparison["median_drop"],
            }
        )
    )


def points_words(ranking: pd.DataFrame, sessions: pd.DataFrame) -> str:
    """What the points ranking shows, in words: too few sessions, none, or which points.

    Parameters
    ----------
    ranking : DataFrame
        From `acutrack.analysis.rank_points`.
    sessions : DataFrame
        The sessions it was ranked from.

    Returns
    -------
    str
        Paragraphs for `show`.
    """
    from .analysis import LEAVE_ONE_OUT
    from .analysis.points import MIN_WITHOUT

    said = []
    if len(sessions) < MIN_WITHOUT:
        said.append(
            f"A point can be judged once {MIN_WITHOUT} sessions of its routine went without "
            f"it; you have {plural(len(sessions), 'session')} so far."
        )
    more_relief = ranking[ranking["more_relief"]]
    if more_relief.empty:
        said.append("No point went with more relief yet: each point's reason is in the table.")
    else:
        named = ", ".join(f"{p.point} ({p.name})" for p in more_relief.itertuples())
        said += [f"Went with more relief: {named}", LEAVE_ONE_OUT]
    return "\n\n".join(said)


def points_table(ranking: pd.DataFrame) -> PeopleTable | None:
    """Each point's own effect and what the diary shows about it, in words.

    Parameters
    ----------
    ranking : DataFrame
        From `acutrack.analysis.rank_points`.

    Returns
    -------
    PeopleTable or None
        Columns ``Point``, ``Name``, ``Sessions with it``, ``Without it, same routine``,
        ``Own effect``, ``Interval`` (with its level, wider than 95 % when several points
        are judged) and ``What the diary shows``, for every point pressed but the sham
        spots; None when there is none.
    """
    from .analysis import points_to_show

    ranking = points_to_show(ranking, all_points=True)  # every point pressed, no sham spot
    if ranking.empty:
        return None
    levels = zip(ranking["ci_low"], ranking["ci_high"], ranking["ci_level"], strict=True)
    return people_table(
        pd.DataFrame(
            {
                "Point": ranking["point"],
                "Name": ranking["name"],
                "Sessions with it": ranking["sessions_with"],
                "Without it, same routine": ranking["sessions_without"],
                "Own effect": ranking["estimate"],
                "Interval": [
                    f"{interval_words((lo, hi), DIFFERENCE)} ({100 * level:.3g} %)"
                    if pd.notna(lo)
                    else "—"
                    for lo, hi, level in levels
                ],
                "What the diary shows": ranking["reason"],
            }
        )
    )


def plan_overview(journal: Journal) -> list[Slot]:
    """Show the newest real/sham plan in short, week by week, with the full plan folded.

    Without a plan, a two-week preview of one is shown (nothing is stored).

    Parameters
    ----------
    journal : Journal
        The journal shown.

    Returns
    -------
    list of Slot
        The plan's slots; empty without a plan.
    """
    from .plan import plan_slots, schedule
    from .tables_for_people import plan_summary, plan_table

    slots = plan_slots(journal, kind="real/sham")
    if slots:
        opening = f"Plan begun {slots[0].due:%a %d %b %Y}"
        shown = slots
    else:
        opening = "No plan in this journal yet. A preview (nothing is stored):"
        shown = schedule(journal, ["back"], weeks=2, sessions_per_week=4, seed=1)
    headline, by_week = plan_summary(shown, journal.now().date())
    show(f"{opening}\n\n{headline}")
    show(people_table(by_week))
    full = plan_table(shown, journal)
    show(people_table(full, summary="The full plan, session by session (click to open)"))
    return slots
