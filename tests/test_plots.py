"""Each chart draws what it should, on the Axes it is given, and returns that Axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import re

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from fixtures import ratings_frame, sessions_frame

import acutrack as at
from acutrack import analysis as an
from acutrack import plots


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def sample():
    j = at.sample_journal()
    return j.sessions(), j.ratings()


def _ax():
    return plt.subplots()[1]


def test_weekly_trend_draws_mean_band_rolling_sessions_and_alerts(sample):
    sessions, ratings = sample
    weekly = an.weekly_trend(sessions, ratings)
    alerts = pd.DataFrame(
        {
            "kind": ["rising week"],
            "start": [weekly["week_start"].iloc[3]],
            "end": [weekly["week_start"].iloc[3] + pd.Timedelta(days=6)],
            "detail": [""],
            "advice": [""],
        }
    )
    ax = _ax()
    assert plots.plot_weekly_trend(weekly, alerts=alerts, ax=ax) is ax
    mean, rolling = ax.lines[0], ax.lines[1]
    assert np.allclose(mean.get_ydata(), weekly["mean"], equal_nan=True)
    assert np.allclose(rolling.get_ydata(), weekly["rolling_4w"], equal_nan=True)
    band, markers = ax.collections[0], ax.collections[1]
    assert len(markers.get_offsets()) == (weekly["sessions"] > 0).sum()
    assert band.get_paths()  # the min–max band
    assert len(ax.patches) == 1  # one pain alert shaded
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "pain alert: see a clinician" in legend
    assert "Pain" in ax.get_ylabel()
    # One kind of tick label: a day and a month, on Mondays; the year in the axis label.
    plt.gcf().canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all(re.fullmatch(r"\d\d [A-Z][a-z]{2}", label) for label in labels)
    ticks = [mdates.num2date(x).weekday() for x in ax.get_xticks()]
    assert set(ticks) == {0}
    assert "2026" in ax.get_xlabel()


def test_an_alert_stripe_is_not_drawn_into_the_future():
    # A rising week still in progress: check-ins up to Wednesday 10 June.
    ratings = ratings_frame(
        [(f"2026-06-0{d}T08:00:00+02:00", 2) for d in (1, 2, 3)]
        + [(f"2026-06-{d:02d}T08:00:00+02:00", 7) for d in (8, 9, 10)]
    )
    sessions = sessions_frame([])
    alerts = an.pain_alerts(sessions, ratings)
    assert len(alerts) == 1
    weekly = an.weekly_trend(sessions, ratings)
    for draw in (
        lambda ax: plots.plot_weekly_trend(weekly, alerts=alerts, ax=ax),
        lambda ax: plots.trend.plot_daily_pain(
            an.daily_pain(an.pain_readings(sessions, ratings)), alerts=alerts, ax=ax
        ),
    ):
        ax = _ax()
        draw(ax)
        (stripe,) = ax.patches
        right = stripe.get_x() + stripe.get_width()
        assert mdates.num2date(right).replace(tzinfo=None) <= pd.Timestamp("2026-06-11")
        assert mdates.num2date(ax.get_xlim()[1]).replace(tzinfo=None) < pd.Timestamp("2026-06-14")
        assert "pain alert: see a clinician" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_weekly_band_runs_from_each_weeks_lowest_to_its_highest_reading(sample):
    sessions, ratings = sample
    weekly = an.weekly_trend(sessions, ratings)
    ax = _ax()
    plots.plot_weekly_trend(weekly, ax=ax)
    band = ax.collections[0]
    heights = np.concatenate([path.vertices[:, 1] for path in band.get_paths()])
    assert set(weekly["max"].dropna()) <= set(heights)
    assert set(weekly["min"].dropna()) <= set(heights)
    assert (heights.min(), heights.max()) == (weekly["min"].min(), weekly["max"].max())


def test_calendar_puts_each_day_in_its_cell():
    ratings = ratings_frame(
        [
            ("2026-06-02T08:00:00+02:00", 3),
            ("2026-06-03T08:00:00+02:00", 9),
            ("2026-06-10T08:00:00+02:00", 5),
        ]
    )
    daily = an.daily_pain(an.pain_readings(sessions_frame([]), ratings))
    ax = _ax()
    assert plots.plot_calendar(daily, ax=ax) is ax
    grid = ax.images[0].get_array()
    assert grid.shape == (7, 2)
    assert (grid[1, 0], grid[2, 0], grid[2, 1]) == (3, 9, 5)  # Tue, Wed of week 1; Wed of week 2
    assert grid.mask[0, 0] and grid.mask[3, 1]  # no entry: blank, not 0


def test_an_empty_calendar_day_does_not_look_like_pain_5():
    ratings = ratings_frame([("2026-06-01T08:00:00+02:00", 5), ("2026-06-03T08:00:00+02:00", 5)])
    daily = an.daily_pain(an.pain_readings(sessions_frame([]), ratings))
    fig, ax = plt.subplots(figsize=(4, 4), dpi=50)
    plots.plot_calendar(daily, ax=ax)
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float)

    def colour(row):  # the mean colour over the middle of Monday's (row 0) or Tuesday's cell
        x, y = ax.transData.transform((0, row))
        top = pixels.shape[0] - int(y)
        return pixels[top - 3 : top + 4, int(x) - 3 : int(x) + 4].reshape(-1, 3).mean(axis=0)

    pain_5, nothing = colour(0), colour(1)
    assert np.abs(pain_5 - nothing).max() > 30  # told apart at a glance
    (patch,) = [p for p in ax.patches if p.get_gid() == "nothing-logged"]
    assert patch.get_hatch() and patch.get_facecolor()[:3] == (1, 1, 1)
    assert "nothing logged" in [t.get_text() for t in ax.get_legend().get_texts()]


@pytest.mark.parametrize(
    "draw",
    [
        lambda ax: plots.plot_weekly_trend(
            an.weekly_trend(sessions_frame([]), ratings_frame([])), ax=ax
        ),
        lambda ax: plots.plot_calendar(
            an.daily_pain(an.pain_readings(sessions_frame([]), ratings_frame([]))), ax=ax
        ),
        lambda ax: plots.plot_before_after(sessions_frame([]), ax=ax),
        lambda ax: plots.plot_routine_forest(an.compare_routines(sessions_frame([])), ax=ax),
        lambda ax: plots.plot_point_forest(an.rank_points(sessions_frame([])), ax=ax),
    ],
)
def test_empty_data_says_so(draw):
    ax = _ax()
    assert draw(ax) is ax
    assert "No" in ax.texts[0].get_text()


def test_without_ax_draws_on_the_current_axes(sample):
    sessions, _ = sample
    ax = _ax()
    plt.sca(ax)
    assert plots.plot_before_after(sessions) is ax


def test_condition_drops(sample):
    sessions, ratings = sample
    slots = at.plan_slots(at.sample_journal())
    table = an.condition_drops(sessions, ratings, plan=slots, routine="back")
    ax = _ax()
    assert plots.plot_condition_drops(table, ax=ax) is ax
    markers = [line for line in ax.lines if line.get_marker() in ("o", "s")]
    assert sorted(line.get_ydata()[0] for line in markers) == pytest.approx(
        sorted(table["mean_drop"])
    )
    assert not [t for t in ax.texts if t.get_gid() == "no-ratings"]  # both moments have data
    # Without follow-up ratings, that column says so rather than standing empty.
    ax = plots.plot_condition_drops(
        table.assign(n=table["n"].where(table["moment"] == "after the session", 0)), ax=_ax()
    )
    (said,) = [t for t in ax.texts if t.get_gid() == "no-ratings"]
    assert said.get_text() == "no ratings yet" and said.get_position()[0] == 1


def test_pain_over_time_is_by_week_or_by_day_while_weeks_are_too_few(sample):
    sessions, ratings = sample
    weekly = an.weekly_trend(sessions, ratings)
    daily = an.daily_pain(an.pain_readings(sessions, ratings))
    fig, (by_week, by_day) = plt.subplots(1, 2)
    assert plots.plot_pain_over_time(weekly, daily, None, ax=by_week) is by_week
    assert by_week.get_title() == "Pain week by week"
    too_few = "Too little data for weeks yet."
    assert plots.plot_pain_over_time(weekly, daily, too_few, ax=by_day) is by_day
    assert by_day.get_title() == "Pain day by day"
    plt.close(fig)
