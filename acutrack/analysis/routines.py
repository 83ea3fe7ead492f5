"""Routines described side by side: how much pain dropped during each routine's sessions.

People choose a routine by the day they are having (a bad day, a stressful one), so the
routines' drops are not a fair comparison: this describes each routine, it never ranks
them or calls one better. Only a plan that assigns routines at random could.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..fields import CONDITIONS
from ..stats import before_after

__all__ = ["compare_routines"]

_COLUMNS = [
    "routine",
    "condition",
    "sessions",
    "mean_before",
    "mean_after",
    "mean_drop",
    "ci_low",
    "ci_high",
    "median_drop",
    "adjusted_drop",
]


def _common_slope(before: np.ndarray, drop: np.ndarray, group: np.ndarray) -> float:
    """Slope of drop on starting pain within routines (0 when pain never varied in one)."""
    centred_before = before - _group_means(before, group)
    centred_drop = drop - _group_means(drop, group)
    spread = float(centred_before @ centred_before)
    return float(centred_before @ centred_drop) / spread if spread > 1e-12 else 0.0


def _group_means(x: np.ndarray, group: np.ndarray) -> np.ndarray:
    return (np.bincount(group, weights=x) / np.bincount(group))[group]


def compare_routines(sessions: pd.DataFrame) -> pd.DataFrame:
    """Each routine's drop in pain, described, and at a common starting pain.

    Parameters
    ----------
    sessions : DataFrame
        As `Journal.sessions` returns it (in time order).

    Returns
    -------
    DataFrame
        One row per routine and condition (real or sham: a blind plan's sessions are left
        out until it ends) that has sessions, ordered by routine name and
        condition (never by effect). Its ``attrs["common_before"]`` holds the starting
        pain that ``adjusted_drop`` refers to.

        - ``routine``, ``condition``, ``sessions``;
        - ``mean_before``, ``mean_after``: mean pain before and after;
        - ``mean_drop``: mean of before − after (positive is relief);
        - ``ci_low``, ``ci_high``: 95 % interval of the mean drop, allowing for
          autocorrelated sessions (`acutrack.stats.mean_drop_interval`, as in
          `acutrack.stats.before_after`); NaN with fewer than 2 sessions or drops that
          never vary;
        - ``median_drop``;
        - ``adjusted_drop``: the routine's mean drop at the common starting pain (the
          mean over all sessions), from a regression of the drop on starting pain with
          one intercept per routine and condition.

    Notes
    -----
    Sessions started when pain is high tend to show larger drops whatever is pressed
    (regression to the mean), so a routine kept for bad days looks better than it is.
    ``adjusted_drop`` is ``d̄ᵣ − b (x̄ᵣ − x̄)``: the routine's mean drop ``d̄ᵣ`` moved along
    the slope ``b`` of drop on starting pain, estimated within routines, from its mean
    starting pain ``x̄ᵣ`` to the overall mean ``x̄``. Both columns describe; neither is a
    test of one routine against another, so the table has no p-values.
    """
    keys = ["routine", "condition"]
    # A blind plan's sessions (condition "set A", "set B") are compared when it ends.
    data = sessions[sessions["condition"].isin(CONDITIONS)]
    before = data["pain_before"].to_numpy(dtype=float)
    drop = before - data["pain_after"].to_numpy(dtype=float)
    group = data.groupby(keys, observed=True, sort=False).ngroup().to_numpy()
    slope = _common_slope(before, drop, group) if len(data) else 0.0
    common = float(before.mean()) if len(data) else np.nan

    rows = []
    for (routine, condition), part in data.groupby(keys, observed=True):
        r = before_after(part)
        rows.append(
            {
                "routine": routine,
                "condition": condition,
                "sessions": r.n,
                "mean_before": r.mean_before,
                "mean_after": r.mean_after,
                "mean_drop": r.estimate,
                "ci_low": r.ci[0],
                "ci_high": r.ci[1],
                "median_drop": r.median,
                "adjusted_drop": r.estimate - slope * (r.mean_before - common),
            }
        )
    table = pd.DataFrame(rows, columns=_COLUMNS)
    table = table.sort_values(keys, kind="stable").reset_index(drop=True)
    table.attrs["common_before"] = common
    return table
