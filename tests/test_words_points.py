"""The words about points and responders (issue 23, item 7).

A point left out by choice shows an association with relief, not a cause: nothing a
person reads calls a point "helpful", and everything that names a point's association
offers the leave-one-out plan that tests it. GERAC's responders are patients judged after
six months, so no per-session responder rate is set beside them.
"""

from __future__ import annotations

import re
from dataclasses import replace

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest
from conftest import ROOT
from fixtures import sessions_frame

import acutrack as at
from acutrack import analysis, plots
from acutrack.analysis import experiment
from acutrack.cli import main
from acutrack.report import render_html, report_tables
from acutrack.report.details import POINTS_INTRO

PLAN = "acutrack plan --new --leave-out POINT"
#: "helpful" or "helped" said of points (the before/after text may say that a drop
#: is "not evidence that the pressing helped": that is not about a point).
CAUSAL = re.compile(r"\bhelp(ful|ed)\b", re.IGNORECASE)
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _more_relief_diary() -> pd.DataFrame:
    """24 daily back sessions; GB30 left out every third day, with 3 points less relief."""
    start = pd.Timestamp("2026-06-01T09:00:00+02:00")
    rows = []
    for i in range(24):
        pressed = i % 3 != 0
        before = (5, 7, 6, 8)[i % 4]
        drop = 3 * pressed + (0, 1, -1, 1, 0, -1, 0)[i % 7]
        points = ("BL23", "GB30") if pressed else ("BL23",)
        rows.append(
            (
                (start + pd.Timedelta(days=i)).isoformat(),
                "back",
                "real",
                points,
                before,
                before - drop,
            )
        )
    return sessions_frame(rows)


@pytest.fixture(scope="module")
def ranking() -> pd.DataFrame:
    table = analysis.rank_points(_more_relief_diary())
    assert table["more_relief"].tolist() == [True, False]  # GB30 first, BL23 never left out
    return table


def _words(table: pd.DataFrame) -> str:
    return " ".join(map(str, [*table.columns, *table.to_numpy().ravel()]))


def test_the_points_table_says_more_relief_not_helpful(ranking):
    sample = analysis.rank_points(at.sample_journal().sessions())
    for table in (ranking, sample):
        assert "more_relief" in table.columns and "helpful" not in table.columns
        assert not CAUSAL.search(_words(table))
    assert ranking.loc[0, "reason"].startswith("went with more relief")


def test_points_not_shown_are_counted_by_reason_in_plain_words(ranking):
    assert analysis.why_not_more_relief(ranking) == [
        ("could not be separated from the rest of their routine", 1)
    ]
    assert not hasattr(analysis, "not_helpful")


def test_the_charts_name_the_leave_one_out_plan(ranking):
    forest = plots.plot_point_forest(ranking, ax=plt.subplots()[1])
    body = plots.plot_body_map(ranking, ax=plt.subplots()[1])
    for ax in (forest, body):
        assert PLAN in ax.get_title()
        assert not CAUSAL.search(ax.get_title())
    legend = [t.get_text() for t in body.get_legend().get_texts()]
    assert legend[0] == "went with more relief" and not CAUSAL.search(" ".join(legend))
    named = [t.get_text() for t in body.texts]
    # By default only the points that went with more relief are named, in the column.
    assert "GB30 Huantiao" in named and not any(n.startswith("BL23") for n in named)
    with pytest.raises(ValueError, match="'more_relief', 'all'"):
        plots.plot_body_map(ranking, labels="helpful")


def test_the_points_text_offers_the_leave_one_out_plan():
    assert PLAN in analysis.LEAVE_ONE_OUT
    assert PLAN in POINTS_INTRO and not CAUSAL.search(POINTS_INTRO)


@pytest.mark.slow
def test_the_sample_report_never_calls_a_point_helpful(ranking):
    tables = report_tables(at.sample_journal())
    pages = [
        render_html(tables),
        render_html(tables, all_points=True),
        render_html(replace(tables, points=ranking)),  # a point that went with more relief
    ]
    for page in pages:
        text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
        assert not CAUSAL.search(text)
        points = text[text.index("Which points went with more relief") :]
        assert PLAN in points[: points.index("</section>")]
    assert "Only the points that went with more relief are listed" in pages[2]


def test_the_report_command_help_says_more_relief(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "not only those that went with more relief" in help_text
    assert "--leave-out POINT" in help_text and not CAUSAL.search(help_text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_say_more_relief_and_offer_the_plan(path):
    cells = nbformat.read(path, as_version=4).cells
    source = "\n".join(cell.source for cell in cells)
    assert "helpful" not in source.lower()
    assert not re.search(r"points? (help|helped)\b", source, re.IGNORECASE)
    if "rank_points" in source or "went with more relief" in source:
        assert PLAN in source


def test_no_per_session_responder_rate_beside_gerac():
    assert not hasattr(analysis, "responder_rates") and not hasattr(experiment, "responder_rates")
    assert not hasattr(plots, "plot_responders")
    assert "six months" in analysis.GERAC_RESPONDER  # GERAC stays, as context in words
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            assert "responder_rates" not in cell.source and "plot_responders" not in cell.source
            if "GERAC" in cell.source and cell.cell_type == "code":
                # Only GERAC's own published arms, never the person's sessions.
                assert "sessions" not in cell.source and "slots" not in cell.source


def test_a_point_is_named_once_wherever_it_is_listed(tmp_path):
    from acutrack.catalog import point_label
    from acutrack.forms import SessionForm

    assert point_label("BL23", "Shenshu") == "BL23 Shenshu"
    assert point_label("Yintang", "Yintang (EX-HN3)") == "Yintang (EX-HN3)"
    assert point_label("BL23", "Shenshu", " · ") == "BL23 · Shenshu"  # the guided heading
    labels = [label for label, _ in SessionForm(at.Journal(tmp_path / "j")).points.options]
    assert "Yintang (EX-HN3)" in labels
    assert not [label for label in labels if label.split()[0] == label.split()[1]]
