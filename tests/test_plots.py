"""Each chart draws what it should, on the Axes it is given, and returns that Axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

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


def test_weekly_trend_draws_mean_band_rolling_sessions_and_flags(sample):
    sessions, ratings = sample
    weekly = an.weekly_trend(sessions, ratings)
    flags = pd.DataFrame(
        {
            "kind": ["rising week"],
            "start": [weekly["week_start"].iloc[3]],
            "end": [weekly["week_start"].iloc[3] + pd.Timedelta(days=6)],
            "detail": [""],
            "advice": [""],
        }
    )
    ax = _ax()
    assert plots.plot_weekly_trend(weekly, flags=flags, ax=ax) is ax
    mean, rolling = ax.lines[0], ax.lines[1]
    assert np.allclose(mean.get_ydata(), weekly["mean"], equal_nan=True)
    assert np.allclose(rolling.get_ydata(), weekly["rolling_4w"], equal_nan=True)
    band, markers = ax.collections[0], ax.collections[1]
    assert len(markers.get_offsets()) == (weekly["sessions"] > 0).sum()
    assert band.get_paths()  # the min–max band
    assert len(ax.patches) == 1  # one red flag shaded
    assert "red flag" in " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "Pain" in ax.get_ylabel()


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


def test_condition_drops_and_responders(sample):
    sessions, ratings = sample
    slots = at.plan_slots(at.sample_journal())
    table = an.condition_drops(sessions, ratings, plan=slots, routine="back")
    ax = _ax()
    assert plots.plot_condition_drops(table, ax=ax) is ax
    markers = [line for line in ax.lines if line.get_marker() in ("o", "s")]
    assert sorted(line.get_ydata()[0] for line in markers) == pytest.approx(
        sorted(table["mean_drop"])
    )
    rates = an.responder_rates(sessions, plan=slots, routine="back")
    ax = _ax()
    assert plots.plot_responders(rates, ax=ax) is ax
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == pytest.approx(list(100 * rates["rate"]))
    assert "GERAC verum acupuncture (184/387)" in [t.get_text() for t in ax.get_yticklabels()]
