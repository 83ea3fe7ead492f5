"""Every whisker a chart draws is the interval its table holds (nothing recomputed)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import acutrack as at
from acutrack import analysis as an
from acutrack import plots
from acutrack.plan import plan_slots


@pytest.fixture(scope="module")
def sample():
    j = at.sample_journal()
    return j.sessions(), j.ratings(), plan_slots(j, kind="real/sham")


def test_condition_drop_whiskers_are_the_tables_intervals(sample):
    sessions, ratings, slots = sample
    table = an.condition_drops(sessions, ratings, plan=slots, routine="back")
    fig, ax = plt.subplots()
    plots.plot_condition_drops(table, ax=ax)
    whiskers = sorted(
        tuple(np.round(line.get_ydata(), 9))
        for line in ax.lines
        if len(line.get_xdata()) == 2 and line.get_xdata()[0] == line.get_xdata()[1]
    )
    shown = table[(table["n"] > 0) & np.isfinite(table["ci_low"])]
    ends = zip(np.round(shown["ci_low"], 9), np.round(shown["ci_high"], 9), strict=True)
    expected = sorted(ends)
    assert whiskers == expected and len(expected) == 4
    # No 2-point line on a chart of mean drops: that threshold is for single sessions.
    assert not [line for line in ax.lines if np.allclose(line.get_ydata(), 2)]
    plt.close(fig)
