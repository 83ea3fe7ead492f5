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


def test_before_after_draws_a_line_per_session_and_per_routine(sample):
    sessions, _ = sample
    ax = _ax()
    assert plots.plot_before_after(sessions, ax=ax) is ax
    means = [line for line in ax.lines if line.get_gid() == "routine-mean"]
    groups = sessions.groupby(["routine", "condition"], observed=True)
    assert len(means) == groups.ngroups
    assert len(ax.lines) == len(sessions) + groups.ngroups
    back = next(line for line in means if line.get_label().startswith("back (real)"))
    real_back = sessions[sessions["routine"] == "back"]
    assert back.get_ydata() == pytest.approx(
        [real_back["pain_before"].mean(), real_back["pain_after"].mean()]
    )


def test_routine_forest_marks_estimates_cis_and_two_points(sample):
    sessions, _ = sample
    table = an.compare_routines(sessions)
    ax = _ax()
    assert plots.plot_routine_forest(table, ax=ax) is ax
    squares = [line for line in ax.lines if line.get_marker() == "s"]
    assert sorted(line.get_xdata()[0] for line in squares) == pytest.approx(
        sorted(table["mean_drop"])
    )
    intervals = [
        line for line in ax.lines if len(line.get_xdata()) == 2 and line.get_marker() != "s"
    ]
    assert sorted(
        tuple(line.get_xdata()) for line in intervals if line.get_ydata()[0] == line.get_ydata()[1]
    )
    assert any(list(line.get_xdata()) == [2, 2] for line in ax.lines)  # the 2-point line
    assert [t.get_text().split(" (")[0] for t in ax.get_yticklabels()][::-1] == list(
        table["routine"]
    )


def test_point_forest_and_body_map(sample):
    sessions, _ = sample
    ranking = an.rank_points(sessions)
    ax = _ax()
    assert plots.plot_point_forest(ranking, ax=ax) is ax
    diamonds = [line for line in ax.lines if line.get_marker() == "D"]
    assert len(diamonds) == ranking["separable"].sum()
    grey = [t for t in ax.texts if "cannot be separated" in t.get_text()]
    assert len(grey) == (~ranking["separable"]).sum()

    ax = _ax()
    assert plots.plot_body_map(ranking, ax=ax) is ax
    by_gid = {c.get_gid(): c for c in ax.collections}
    separable = ranking[ranking["separable"]]["point"].iloc[0]
    inseparable = ranking[~ranking["separable"]]["point"].iloc[0]
    never = "BL40"  # in the catalog, never pressed in the sample
    assert never not in set(ranking["point"])
    grey = matplotlib.colors.to_rgba("#9e9e9e")
    assert tuple(by_gid[f"point-{inseparable}"].get_facecolor()[0]) == grey
    assert tuple(by_gid[f"point-{separable}"].get_facecolor()[0]) != grey
    assert by_gid[f"point-{never}"].get_facecolor().size == 0  # hollow
    assert len(by_gid[f"point-{separable}"].get_offsets()) == 1
    assert sum(len(p.map) for p in at.POINTS.values()) == len(
        [c for c in ax.collections if (c.get_gid() or "").startswith("point-")]
    )


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
