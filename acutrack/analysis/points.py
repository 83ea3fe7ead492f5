"""Which points helped most: each point's own share of the relief, where it can be told."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..catalog import POINTS
from ..stats import holm

__all__ = ["rank_points"]

_COLUMNS = [
    "point",
    "name",
    "sessions_with",
    "sessions_without",
    "separable",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "p_holm",
    "note",
]


def _rank(matrix: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(matrix)) if matrix.size else 0


def rank_points(sessions: pd.DataFrame, *, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Estimate each point's own contribution to the drop in pain.

    A linear model of the drop (before − after) with one 0/1 column per point, the
    starting pain (higher starting pain tends to fall further: regression to the mean)
    and the days since the first session (pain may ease over time anyway), fitted by
    ordinary least squares (statsmodels).

    A point's effect can only be told apart when it was sometimes pressed without the
    others it usually goes with. Points always pressed together, pressed in every
    session, or otherwise not varied independently are reported as not separable,
    without a number.

    Parameters
    ----------
    sessions : DataFrame
        As `Journal.sessions` returns it.
    names : dict, optional
        Point names by code (default: the built-in catalog's).

    Returns
    -------
    DataFrame
        One row per point pressed in any session; separable points first, by estimate:

        - ``point``, ``name``;
        - ``sessions_with``, ``sessions_without``;
        - ``separable``: whether the point's own effect can be estimated;
        - ``estimate``: extra drop in points when this point is pressed, the others, the
          starting pain and the date held equal; ``ci_low``, ``ci_high``: its 95 % CI;
        - ``p_value`` and ``p_holm`` (Holm-adjusted across the separable points);
        - ``note``: why a point is not separable, or that too few sessions were logged.
    """
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import SingularMatrixWarning

    names = names or {code: p.name for code, p in POINTS.items()}
    codes = sorted({code for pts in sessions["points"] for code in pts})
    if not codes:
        return pd.DataFrame(columns=_COLUMNS)
    pressed = pd.DataFrame(
        {code: sessions["points"].map(lambda pts, c=code: c in pts) for code in codes}
    ).astype(float)
    drop = (sessions["pain_before"] - sessions["pain_after"]).to_numpy(dtype=float)
    before = sessions["pain_before"].to_numpy(dtype=float)
    days = (sessions["started_at"] - sessions["started_at"].min()).dt.total_seconds() / 86400
    covariates = np.column_stack(
        [np.ones(len(sessions)), before - before.mean(), days.to_numpy() - days.mean()]
    )

    notes: dict[str, str] = {}
    columns = pressed.to_numpy()
    twins = {
        code: [o for o in codes if o != code and pressed[o].equals(pressed[code])] for code in codes
    }
    full = np.column_stack([covariates, columns])
    full_rank = _rank(full)
    for i, code in enumerate(codes):
        if pressed[code].all():
            notes[code] = "pressed in every session"
        elif twins[code]:
            notes[code] = f"always pressed together with {', '.join(twins[code])}"
        elif _rank(np.delete(full, covariates.shape[1] + i, axis=1)) == full_rank:
            notes[code] = "not varied independently of the other points"
    separable = [c for c in codes if c not in notes]

    estimates = {c: (np.nan, np.nan, np.nan, np.nan) for c in codes}
    if separable and len(drop) - full_rank >= 2:
        # Every point stays in the model so that each separable one is judged with the
        # others held equal. statsmodels solves by pseudo-inverse, under which the
        # coefficients that can be told apart are estimated exactly as in a full-rank fit.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SingularMatrixWarning)  # expected: see above
            fit = sm.OLS(drop, full).fit()
        ci = fit.conf_int(0.05)
        for code in separable:
            j = covariates.shape[1] + codes.index(code)
            estimates[code] = (fit.params[j], ci[j][0], ci[j][1], fit.pvalues[j])
    elif separable:
        for code in separable:
            notes[code] = "too few sessions to estimate"

    table = pd.DataFrame(
        {
            "point": codes,
            "name": [names.get(c, c) for c in codes],
            "sessions_with": [int(pressed[c].sum()) for c in codes],
            "sessions_without": [int((1 - pressed[c]).sum()) for c in codes],
            "separable": [c not in notes for c in codes],
            "estimate": [estimates[c][0] for c in codes],
            "ci_low": [estimates[c][1] for c in codes],
            "ci_high": [estimates[c][2] for c in codes],
            "p_value": [estimates[c][3] for c in codes],
            "note": [notes.get(c, "") for c in codes],
        }
    )
    table.insert(9, "p_holm", holm(table["p_value"]))
    table = table.sort_values(["separable", "estimate"], ascending=[False, False], kind="stable")
    return table.reset_index(drop=True)[_COLUMNS]
