"""Comparing routines: how much each routine, real or sham, relieved during sessions."""

from __future__ import annotations

import pandas as pd

from ..stats import before_after, holm

__all__ = ["compare_routines"]


def compare_routines(sessions: pd.DataFrame) -> pd.DataFrame:
    """Before/after statistics for each routine and condition.

    Parameters
    ----------
    sessions : DataFrame
        As `Journal.sessions` returns it.

    Returns
    -------
    DataFrame
        One row per routine and condition that has sessions, ordered by mean drop:

        - ``routine``, ``condition``, ``sessions``;
        - ``mean_before``, ``mean_after``: mean pain before and after;
        - ``mean_drop``, ``median_drop``: of before − after (positive is relief);
        - ``ci_low``, ``ci_high``: 95 % bootstrap CI of the mean drop (NaN with < 2 sessions);
        - ``meaningful_share``: share of sessions with a drop ≥ 2 points or ≥ 30 %;
        - ``p_value``: Wilcoxon signed-rank test with Pratt's zeros (1 when nothing changed);
        - ``p_holm``: ``p_value`` Holm-adjusted across the rows, since several are tested.

    Notes
    -----
    A drop during a session mixes the pressing with expectation, regression to the mean
    and natural ups and downs; compare a routine with its sham twin to separate them.
    """
    rows = []
    for (routine, condition), group in sessions.groupby(["routine", "condition"], observed=True):
        r = before_after(group)
        rows.append(
            {
                "routine": routine,
                "condition": condition,
                "sessions": r.n,
                "mean_before": r.mean_before,
                "mean_after": r.mean_after,
                "mean_drop": r.estimate,
                "median_drop": r.median,
                "ci_low": r.ci[0],
                "ci_high": r.ci[1],
                "meaningful_share": r.meaningful_share,
                "p_value": r.p_value,
            }
        )
    table = pd.DataFrame(
        rows,
        columns=[
            "routine",
            "condition",
            "sessions",
            "mean_before",
            "mean_after",
            "mean_drop",
            "median_drop",
            "ci_low",
            "ci_high",
            "meaningful_share",
            "p_value",
        ],
    )
    table["p_holm"] = holm(table["p_value"])
    table = table.sort_values("mean_drop", ascending=False, kind="stable")
    return table.reset_index(drop=True)
