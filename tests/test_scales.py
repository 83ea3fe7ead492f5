"""Honest scales on small data: no interval shown past what its quantity allows, axes that
follow the groups with intervals, page 1's chart marking what its headline compares, and
the report's points page laid out without overlap."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from html.parser import HTMLParser

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

import acutrack as at
from acutrack import analysis, plots, report
from acutrack.report import render_html, render_pdf, report_tables
from acutrack.stats.scales import DIFFERENCE, DROP, PAIN, TOO_FEW, interval_words

pytestmark = pytest.mark.slow  # reports: seconds each

START = datetime.fromisoformat("2026-10-05T08:00:00+02:00")  # a Monday
SHAM_DAYS = (3, 9)


def two_weeks(folder) -> at.Journal:
    """Two weeks of morning check-ins and a back session a day, two of them sham (one
    with a small drop, one with a large one: a huge raw interval)."""
    journal = at.Journal(folder, clock=lambda: START + timedelta(days=14))
    for day in range(14):
        morning = START + timedelta(days=day)
        journal.log_rating(6 - day // 4 + day % 2, rated_at=morning)
        before = 6 + day % 3
        if day in SHAM_DAYS:
            drop, routine = (1 if day == SHAM_DAYS[0] else 5), "back-sham"
        else:
            drop, routine = 3 - day % 2, "back"
        journal.log_session(
            before, before - drop, routine=routine, started_at=morning + timedelta(hours=6)
        )
    return journal


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    return report_tables(two_weeks(tmp_path_factory.mktemp("two") / "journal"))


@pytest.fixture(scope="module")
def pdf_pages(tables):
    """The PDF's pages as the figures saved, and the PDF's bytes."""
    saved = []

    class Recording(report.pdf.PdfPages):
        def savefig(self, figure=None, **kwargs):
            saved.append(figure)
            super().savefig(figure, **kwargs)

    original = report.pdf.PdfPages
    report.pdf.PdfPages = Recording
    try:
        render_pdf(tables, io.BytesIO())
    finally:
        report.pdf.PdfPages = original
    return saved


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def html_words(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return re.sub(r"\s+", " ", " ".join(parser.parts).replace("\u00a0", " "))


NUMBER = r"([−-]?\d+(?:\.\d+)?)"
MONTH = r" (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
#: "a to b" of numbers, not of dates ("05 Oct 2026 to 18 Oct 2026").
INTERVAL = re.compile(rf"(?<![\d.]){NUMBER} to {NUMBER}(?![\d.]|{MONTH})")


def intervals(words: str) -> list[tuple[float, float]]:
    """Every ``a to b`` of numbers in ``words``."""
    return [tuple(float(x.replace("−", "-")) for x in m.groups()) for m in INTERVAL.finditer(words)]


def test_interval_words_cut_at_the_quantitys_limits():
    assert interval_words((-25.6, 29.6), DROP) == "−10.0 to 10.0 (cut at both ends of the scale)"
    assert interval_words((-25.6, 29.6), DIFFERENCE) == (
        "−20.0 to 20.0 (cut at both ends of the scale)"
    )
    assert interval_words((1.24, 12.0), DROP) == "1.2 to 10.0 (cut at the scale's end)"
    assert interval_words((-0.5, 11.0), PAIN) == "0.0 to 10.0 (cut at both ends of the scale)"
    assert interval_words((0.4, 2.1), DROP) == "0.4 to 2.1"
    assert interval_words((0.4, 2.1), DROP, n=2) == TOO_FEW
    assert interval_words((0.4, 2.1), DROP, n=3) == "0.4 to 2.1"
    assert interval_words((np.nan, 2.1), DROP, missing="—") == "—"
    assert DROP.clip((-12.0, 3.0)) == (-10, 3.0, True, False)


def test_the_report_shows_no_interval_past_its_quantity(tables):
    raw = tables.routines.set_index("condition")
    assert raw.loc["sham", "sessions"] == 2 and raw.loc["sham", "ci_high"] > 20  # the raw one
    words = html_words(render_html(tables))
    found = intervals(words)
    assert found and all(-20 <= lo <= hi <= 20 for lo, hi in found), found
    assert TOO_FEW in words
    every = html_words(render_html(tables, all_points=True))
    assert all(-20 <= lo <= hi <= 20 for lo, hi in intervals(every))


def test_the_pdf_shows_no_interval_past_its_quantity(pdf_pages):
    words = " ".join(t.get_text().replace("\n", " ") for f in pdf_pages for t in _drawn_texts(f))
    found = intervals(words)
    assert all(-20 <= lo <= hi <= 20 for lo, hi in found), found


def _whiskers(ax, gid="ci"):
    return [line for line in ax.lines if line.get_gid() == gid]


def test_the_routines_chart_keeps_to_a_drops_scale(tables):
    fig = report.charts.figure(tables, "routines")
    FigureCanvasAgg(fig)
    (ax,) = fig.axes
    low, high = ax.get_xlim()
    # The axis follows the real routine's interval, not the sham's two sessions.
    assert -3 < low < 0 < high < 6
    (whisker,) = _whiskers(ax)  # the real routine's only
    assert all(-10 <= x <= 10 for x in whisker.get_xdata())
    said = [t.get_text() for t in ax.texts if t.get_gid() == "too-few"]
    assert said == [TOO_FEW]
    # The title is whole on the figure.
    fig.canvas.draw()
    box = ax.title.get_window_extent(fig.canvas.get_renderer())
    assert box.x0 >= 0 and box.x1 <= fig.bbox.x1


def test_an_interval_past_the_scale_is_cut_with_an_arrow():
    comparison = pd.DataFrame(
        {
            "routine": ["back", "back-sham"],
            "condition": ["real", "sham"],
            "sessions": [12, 4],
            "mean_drop": [2.5, 1.0],
            "ci_low": [1.8, -14.0],
            "ci_high": [3.2, 16.0],
            "adjusted_drop": [2.4, 1.1],
        }
    )
    comparison.attrs["common_before"] = 6.5
    ax = plots.plot_routine_forest(comparison, ax=Figure().add_subplot())
    (sham,) = [w for w in _whiskers(ax) if -10 in list(w.get_xdata())]
    assert list(sham.get_xdata()) == [-10, 10]
    arrows = _whiskers(ax, "ci-cut")
    assert sorted(a.get_marker() for a in arrows) == ["<", ">"]
    assert ax.get_xlim()[0] >= -11 and ax.get_xlim()[1] <= 11


def test_the_real_and_sham_chart_keeps_to_a_drops_scale(tables):
    sessions, ratings = tables.sessions, tables.ratings
    drops = analysis.condition_drops(sessions, ratings, routine="back")
    ax = plots.plot_condition_drops(drops, ax=Figure().add_subplot())
    low, high = ax.get_ylim()
    assert -10.7 <= low < 0 < high <= 10.7 and high - low < 8
    for whisker in _whiskers(ax):
        assert all(-10 <= y <= 10 for y in whisker.get_ydata())
    assert any(TOO_FEW in t.get_text() for t in ax.texts)


# -- page 1: the chart agrees with its headline -------------------------------------------
def test_page_one_marks_the_two_windows_of_its_headline(tables, pdf_pages):
    change = tables.change
    assert change.enough and change.days == 7
    (chart,) = [ax for ax in pdf_pages[0].axes if ax.get_gid() == "first-page-chart"]
    spans = [p for p in chart.patches if p.get_gid() == "window"]
    assert len(spans) == 2
    for span, (first, last) in zip(spans, (change.start, change.end), strict=True):
        x0, x1 = span.get_x(), span.get_x() + span.get_width()
        assert x0 == pytest.approx(mdates.date2num(pd.Timestamp(first)))
        assert x1 == pytest.approx(mdates.date2num(pd.Timestamp(last) + pd.Timedelta(days=1)))
    labels = [t.get_text() for t in chart.texts if t.get_gid() == "window-label"]
    (s0, s1), (e0, e1) = change.start, change.end
    assert labels == [
        f"first 7 days\n{s0:%d %b}–{s1:%d %b}",
        f"last 7 days\n{e0:%d %b}–{e1:%d %b}",
    ]
    # Two weeks: no 4-week average yet; the session marks have a key in words.
    assert not [line for line in chart.lines if line.get_gid() == "rolling"]
    legend = [t.get_text() for t in chart.get_legend().get_texts()]
    assert "4-week average" not in legend and "7 sessions" in legend


def test_the_4_week_average_comes_with_4_weeks():
    sample = at.sample_journal()
    weekly = analysis.weekly_trend(sample.sessions(), sample.ratings())
    ax = plots.plot_weekly_trend(weekly, ax=Figure().add_subplot())
    assert [line for line in ax.lines if line.get_gid() == "rolling"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    counts = weekly.loc[weekly["sessions"] > 0, "sessions"]
    assert {at.words.plural(int(counts.min()), "session")} <= set(legend)


# -- page 4: the points and the body map ---------------------------------------------------
def _apart(a, b) -> bool:
    return a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0


def _drawn_texts(fig) -> list[Text]:
    """The texts ``fig`` draws: its own, each Axes' title, texts and legend, and the tick
    and axis labels of the Axes whose axes are shown."""
    texts = list(fig.texts)
    for ax in fig.axes:
        texts += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        if ax.get_legend():
            texts += ax.get_legend().get_texts()
        if ax.axison:
            texts += [*ax.get_xticklabels(), *ax.get_yticklabels()]
            texts += [ax.xaxis.label, ax.yaxis.label]
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def _boxes(fig):
    """Every drawn text's box on ``fig`` (an annotation's words only, not its line)."""
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    return [(t.get_text(), Text.get_window_extent(t, renderer)) for t in _drawn_texts(fig)]


@pytest.mark.parametrize("all_points", [False, True])
def test_the_points_page_has_no_text_off_the_page_or_overlapping(tables, pdf_pages, all_points):
    # Each chart as the report draws it (the PDF places these pixels, the HTML its PNG).
    for key in ("points", "body"):
        fig = report.charts.figure(tables, key, all_points=all_points)
        FigureCanvasAgg(fig)
        boxes = _boxes(fig)
        edge = fig.bbox
        for text, box in boxes:
            assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= edge.x1 and box.y1 <= edge.y1, text
        for i, (text, box) in enumerate(boxes):
            for other, second in boxes[i + 1 :]:
                assert _apart(box, second), (key, text, other)
    # Page 4 holds the two, whole, and whatever text it has on the sheet.
    page = pdf_pages[3]
    FigureCanvasAgg(page)
    renderer = page.canvas.get_renderer()
    for ax in page.axes:
        box = ax.get_tightbbox(renderer)
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= page.bbox.x1 and box.y1 <= page.bbox.y1
    for _, box in _boxes(page):
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= page.bbox.x1 and box.y1 <= page.bbox.y1


def test_no_sham_spot_among_which_points(tables):
    words = html_words(render_html(tables, all_points=True))
    assert "SH-" not in words.split("Which points went with more relief")[1]
    shown = analysis.points_to_show(tables.points, all_points=True)
    assert len(shown) and not shown["point"].str.startswith("SH-").any()
    assert analysis.points_to_show(tables.points).empty  # none went with more relief
    ax = plots.plot_body_map(tables.points, ax=Figure().add_subplot(), labels="all")
    assert not [t for t in ax.texts if "SH-" in (t.get_gid() or "")]
    assert not [c for c in ax.collections if "SH-" in (c.get_gid() or "")]


def _crosses(p, q, r, s) -> bool:
    """Whether segments pq and rs cross (not merely touch)."""

    def side(a, b, c):
        return np.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))

    return side(p, q, r) * side(p, q, s) < 0 and side(r, s, p) * side(r, s, q) < 0


def test_the_body_maps_labels_neither_overlap_nor_cross():
    ranking = analysis.rank_points(at.sample_journal().sessions())
    fig = Figure(figsize=(8, 6), layout="tight")
    FigureCanvasAgg(fig)
    ax = plots.plot_body_map(ranking, ax=fig.add_subplot(), labels="all")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.texts if (t.get_gid() or "").startswith("label-")]
    assert len(labels) >= 8
    boxes = [Text.get_window_extent(t, renderer) for t in labels]
    for i, box in enumerate(boxes):
        assert all(_apart(box, other) for other in boxes[i + 1 :])
        assert box.x0 >= 0 and box.x1 <= fig.bbox.x1
    lines = [(t.xy, t.xyann) for t in labels]
    for i, (a, b) in enumerate(lines):
        for c, d in lines[i + 1 :]:
            assert not _crosses(a, b, c, d), (labels[i].get_text(), (a, b), (c, d))


def test_the_points_reasons_stay_on_the_figure(tables):
    fig = report.charts.figure(tables, "points", all_points=True)
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (ax,) = fig.axes
    reasons = [t for t in ax.texts if t.get_gid() == "reason"]
    assert reasons
    for text in reasons:
        box = text.get_window_extent(renderer)
        assert box.x1 <= fig.bbox.x1 and box.x0 >= 0


def test_the_points_chart_is_as_tall_as_its_rows(tables):
    shown = {e: len(analysis.points_to_show(tables.points, all_points=e)) for e in (False, True)}
    assert shown[False] < shown[True]  # this journal hides some points by default
    heights = {
        every: report.charts.figure(tables, "points", all_points=every).get_size_inches()[1]
        for every in (False, True)
    }
    assert heights[False] < heights[True] <= report.charts.CHARTS["points"][1][1]
    if not shown[False]:  # a line of words, not an empty half page
        assert heights[False] <= 1.5
