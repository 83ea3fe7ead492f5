"""Which points went with more relief: each point's own share of the relief, where the
data can tell.

A point's own effect can only be told from sessions of the same routine with and without
it. The sessions decide which points are left out (often a sore point on a bad day), so
this is an association, not a cause. The way to know whether a point adds to the relief
is a plan that randomly leaves it out (``acutrack plan --new --leave-out POINT``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..catalog import POINTS
from ..stats.before_after import autocorrelation

__all__ = [
    "LEAVE_ONE_OUT",
    "MIN_WITHOUT",
    "SHAM_SPOT",
    "points_to_show",
    "rank_points",
    "why_not_more_relief",
]

#: Sessions without a point, within its routines, needed before it is judged at all. On
#: realistic simulated diaries with no point mattering (`acutrack.stats.calibration`;
#: a point skipped at random or only on bad days; 20 to 160 sessions), a claim either way
#: (more or less relief) was made in up to 5.2 % of diaries with a minimum of 3 and
#: 4.8 % with 5, when a few left-out sessions carried the contrast; with 8, in at most
#: 3.2 % (more relief: at most 1.4 %).
MIN_WITHOUT = 8
ALPHA = 0.05  # shared by all the points judged in one table (Bonferroni)
_COLUMNS = [
    "point",
    "name",
    "routines",
    "sessions_with",
    "sessions_without",
    "estimate",
    "ci_low",
    "ci_high",
    "ci_level",
    "more_relief",
    "reason",
]
MORE_RELIEF = "went with more relief (its interval lies above no effect)"
LESS_RELIEF = "went with less relief (its interval lies below no effect)"
#: Said wherever a point's association is named: the diary chose when a point was left
#: out, so only a randomised plan can tell whether the point itself adds to the relief.
LEAVE_ONE_OUT = (
    "Points left out by choice (often on a bad day) show an association, not a cause; to "
    "know whether a point adds to the relief, make a leave-one-out plan: "
    "acutrack plan --new --leave-out POINT."
)


def _pressed(sessions: pd.DataFrame, codes: list[str]) -> np.ndarray:
    """Sessions × points, True where the point was pressed."""
    return np.array([[c in pts for c in codes] for pts in sessions["points"]], dtype=bool).reshape(
        len(sessions), len(codes)
    )


def _covariates(sessions: pd.DataFrame, group: np.ndarray) -> np.ndarray:
    """One column per routine (and condition), then starting pain and days, centred."""
    before = sessions["pain_before"].to_numpy(dtype=float)
    days = (sessions["started_at"] - sessions["started_at"].min()).dt.total_seconds() / 86400
    days = days.to_numpy(dtype=float)
    dummies = (group[:, None] == np.arange(group.max() + 1)).astype(float)
    return np.column_stack([dummies, before - before.mean(), days - days.mean()])


def _in_words(names: list[str]) -> str:
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)


def _structure(
    pressed: np.ndarray, group: np.ndarray, codes: list[str], routines: np.ndarray
) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """Where each point can be contrasted, and why some never can.

    Returns
    -------
    contrast : bool array (sessions × points)
        Sessions of the routines in which the point is sometimes left out.
    varied : bool array (points,)
        Whether the point is ever left out within a routine that presses it.
    reasons : dict
        Point index → reason, for points pressed in every session of their routines.
    """
    labels = np.arange(group.max() + 1)
    counts = np.array([pressed[group == g].sum(axis=0) for g in labels])
    sizes = np.bincount(group)[:, None]
    varies = (counts > 0) & (counts < sizes)  # routines × points
    contrast = varies[group]
    reasons = {}
    for j in np.flatnonzero(~varies.any(axis=0)):
        used = sorted(set(routines[pressed[:, j]]))
        kind = "routine" if len(used) == 1 else "routines"
        reasons[j] = f"pressed in every session of the {_in_words(used)} {kind}"
    return contrast, varies.any(axis=0), reasons


def _not_separable(
    design: np.ndarray, first: int, varied: list[int], codes: list[str], contrast: np.ndarray
) -> dict[int, str]:
    """Points whose column lies in the span of the others: no own effect can be told."""
    full_rank = np.linalg.matrix_rank(design)
    reasons = {}
    for k, j in enumerate(varied):
        if np.linalg.matrix_rank(np.delete(design, first + k, axis=1)) < full_rank:
            continue
        rows = contrast[:, j]
        column = design[rows, first + k]
        twins = [
            codes[o]
            for m, o in enumerate(varied)
            if o != j and np.array_equal(design[rows, first + m], column)
        ]
        reasons[j] = (
            f"always pressed together with {_in_words(twins)}"
            if twins
            else "not left out independently of the other points"
        )
    return reasons


class _Fit(NamedTuple):
    """An OLS fit: what `_degenerate` and `_interval` read."""

    params: np.ndarray
    bse: np.ndarray  # standard errors
    resid: np.ndarray
    ssr: float  # sum of squared residuals
    df_resid: float
    pinv: np.ndarray  # the design's pseudo-inverse, coefficients × sessions
    endog: np.ndarray  # the drops


def _fit(drop: np.ndarray, design: np.ndarray) -> _Fit:
    """OLS by pseudo-inverse: the coefficients that can be told apart are exact.

    Points that cannot be told apart stay in the model, so that each point judged is
    judged with all the others held equal; they are reported without a number. The same
    arithmetic as statsmodels' ``OLS(drop, design).fit()`` (its ``pinv_extended``, rank
    and nonrobust covariance), in NumPy alone: importing statsmodels took longer than
    the report's whole analysis.
    """
    u, s, vt = np.linalg.svd(design, full_matrices=False)
    inverse = np.where(s > 1e-15 * np.maximum.reduce(s), 1.0 / np.where(s > 0, s, 1.0), 0.0)
    pinv = np.dot(np.transpose(vt), np.multiply(inverse[:, np.newaxis], np.transpose(u)))
    params = np.dot(pinv, drop)
    resid = drop - np.dot(design, params)
    ssr = np.dot(resid, resid)
    df_resid = float(design.shape[0]) - np.linalg.matrix_rank(np.diag(s))
    with np.errstate(divide="ignore", invalid="ignore"):  # no residual degrees of freedom
        scale = ssr / df_resid
        bse = np.sqrt(np.diag(np.dot(pinv, np.transpose(pinv)) * scale))
    return _Fit(params, bse, resid, ssr, df_resid, pinv, drop)


def _degenerate(fit: _Fit) -> bool:
    """No residual variation: every interval would have zero width."""
    return fit.df_resid < 1 or fit.ssr <= 1e-9 * max(1.0, float(fit.endog @ fit.endog))


def _interval(fit: _Fit, column: int, level: float) -> tuple[float, float, float]:
    """Estimate and interval of one coefficient, widened for autocorrelated sessions.

    Relief comes in good and bad spells, so neighbouring residuals are alike, and the
    plain OLS standard error is too small when the point's own column is alike from one
    session to the next too (a sore point skipped for a week). With AR(1) residuals (ρₑ)
    and regressor (ρₓ, the point's column with the other terms partialled out) the
    variance of a slope grows by ``(1 + ρₑρₓ) / (1 − ρₑρₓ)`` (Bartlett). ρₑ is
    bias-corrected and floored at `RHO_FLOOR`, as for the mean drop, because a short
    diary's lag-1 estimate understates spells: with a point skipped in week-long spells
    and no point mattering, plain OLS claimed a difference in 20–26 % of simulated diaries,
    this interval in 3.5–5.8 % (at 40 to 160 sessions). A point skipped at random
    (ρₓ ≈ 0) keeps its plain OLS interval.
    """
    from scipy.stats import t

    partial = fit.pinv[column]  # ∝ the column with the others partialled out
    rho = autocorrelation(fit.resid) * autocorrelation(partial, floor=0.0)
    half = t.ppf(0.5 + level / 2, fit.df_resid) * fit.bse[column] * math.sqrt((1 + rho) / (1 - rho))
    estimate = fit.params[column]
    return (estimate, estimate - half, estimate + half)


def _not_judged(candidates: list[int], without: np.ndarray, degenerate: bool) -> dict[int, str]:
    """Why points that could be told apart still get no interval."""
    if degenerate:
        return dict.fromkeys(candidates, "no variation left to judge")
    return {
        j: f"too few sessions without it ({without[j]} of the {MIN_WITHOUT} needed)"
        for j in candidates
        if without[j] < MIN_WITHOUT
    }


def _verdict(low: float, high: float) -> str:
    if low > 0:
        return MORE_RELIEF
    if high < 0:
        return LESS_RELIEF
    return "its interval includes no effect"


def rank_points(sessions: pd.DataFrame, *, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Each point's own share of the relief, and whether the point went with more relief.

    A linear model of the drop (before − after) with one 0/1 column per point, one
    intercept per routine (and condition), the starting pain (higher starting pain tends
    to fall further: regression to the mean) and the days since the first session (pain
    may ease over time anyway), fitted by ordinary least squares (`_fit`). With an
    intercept per routine, a point's effect rests only on sessions of the same routine
    with and without it.

    Parameters
    ----------
    sessions : DataFrame
        As `Journal.sessions` returns it (in time order).
    names : dict, optional
        Point names by code (default: the built-in catalog's).

    Returns
    -------
    DataFrame
        One row per point pressed in any session; points that went with more relief
        first (largest estimate first), then the others by code:

        - ``point``, ``name``;
        - ``routines``: the routines in which the point is sometimes left out (its
          contrast), comma-separated; empty when there is none;
        - ``sessions_with``: sessions in which the point was pressed;
        - ``sessions_without``: sessions of ``routines`` without the point: the sessions
          its contrast rests on;
        - ``estimate``: extra drop in points when this point is pressed, the other points,
          the routine, the starting pain and the date held equal; NaN unless the point is
          judged (see ``reason``);
        - ``ci_low``, ``ci_high``: its interval at level ``ci_level``;
        - ``ci_level``: ``1 − 0.05 / m`` for the ``m`` points judged (Bonferroni), so that
          the chance of any point wrongly shown with more relief stays at 5 % or less;
        - ``more_relief``: True only when the point has at least `MIN_WITHOUT` sessions
          without it, its fit has residual variation, and its interval lies above 0;
        - ``reason``: in words, what the diary shows for the point: "pressed in every
          session of the … routine", "always pressed together with …", "not left out
          independently of the other points", "no variation left to judge", "too few
          sessions without it (3 of the 8 needed)", "its interval includes no effect",
          "went with less relief (…)" or "went with more relief (…)".

    Notes
    -----
    A point is *judged* (given an estimate and an interval) when it was left out within
    a routine, its effect can be told apart from the other points', the fit has residual
    variation and it has at least `MIN_WITHOUT` sessions without it. The interval is the
    OLS t interval widened for autocorrelation (see `_interval`).
    Its false-claim rate on realistic simulated diaries is measured by
    `acutrack.stats.calibration`. The points left out are chosen by the person (often on
    bad days), so even a point that went with more relief is an association, not a
    cause (`LEAVE_ONE_OUT`); a plan that randomly leaves one point out
    (``acutrack plan --new --leave-out POINT``) is the fair test.

    Examples
    --------
    >>> import acutrack as at
    >>> from acutrack.analysis import rank_points
    >>> table = rank_points(at.sample_journal().sessions())
    >>> table.loc[table["point"] == "PC6", "reason"].item()
    'pressed in every session of the stress routine'
    """
    names = names or {code: p.name for code, p in POINTS.items()}
    sessions = sessions.reset_index(drop=True)  # a filtered table keeps its old row labels
    codes = sorted({code for pts in sessions["points"] for code in pts})
    if not codes:
        return pd.DataFrame(columns=_COLUMNS)
    found = _contrasts(sessions, codes)
    return _ranking_table(codes, names, found, _judge(sessions, codes, found))


class _Contrasts(NamedTuple):
    """What `_contrasts` finds in the sessions, for judging the points and for the table."""

    pressed: np.ndarray  # sessions × points
    routines: np.ndarray  # each session's routine
    group: np.ndarray  # each session's routine and condition, numbered
    contrast: np.ndarray  # sessions × points, see `_structure`
    varied: list[int]  # the points ever left out within a routine that presses them
    without: np.ndarray  # per point: sessions of its contrast without it
    reasons: dict[int, str]  # why a point is never left out within its routines


def _contrasts(sessions: pd.DataFrame, codes: list[str]) -> _Contrasts:
    """Which points each session pressed, and which sessions each point's contrast rests on."""
    pressed = _pressed(sessions, codes)
    routines = sessions["routine"].astype(str).to_numpy()
    group = pd.factorize(pd.Series(routines) + "\0" + sessions["condition"].astype(str))[0]
    contrast, varied, reasons = _structure(pressed, group, codes, routines)
    without = (contrast & ~pressed).sum(axis=0)
    varied_idx = list(np.flatnonzero(varied))
    return _Contrasts(pressed, routines, group, contrast, varied_idx, without, reasons)


class _Judged(NamedTuple):
    """The points judged, at which level, their estimates and intervals, and every reason."""

    judged: list[int]
    level: float
    estimates: np.ndarray  # points × (estimate, low, high); NaN unless judged
    reasons: dict[int, str]


def _judge(sessions: pd.DataFrame, codes: list[str], found: _Contrasts) -> _Judged:
    """Fit the drop on the points; give each point that can be judged an interval and a verdict."""
    varied_idx, contrast, without = found.varied, found.contrast, found.without
    covariates = _covariates(sessions, found.group)
    design = np.column_stack([covariates, found.pressed[:, varied_idx].astype(float)])
    first = covariates.shape[1]
    reasons = found.reasons | _not_separable(design, first, varied_idx, codes, contrast)
    drop = (sessions["pain_before"] - sessions["pain_after"]).to_numpy(dtype=float)
    fit = _fit(drop, design)
    candidates = [j for j in varied_idx if j not in reasons]
    reasons |= _not_judged(candidates, without, _degenerate(fit))

    judged = [j for j in candidates if j not in reasons]
    level = 1 - ALPHA / len(judged) if judged else math.nan
    estimates = np.full((len(codes), 3), math.nan)
    for j in judged:
        estimates[j] = _interval(fit, first + varied_idx.index(j), level)
        reasons[j] = _verdict(*estimates[j, 1:])
    return _Judged(judged, level, estimates, reasons)


def _ranking_table(
    codes: list[str], names: dict[str, str], found: _Contrasts, verdicts: _Judged
) -> pd.DataFrame:
    """The `rank_points` table: more relief first, the largest first; the others by code."""
    routines, contrast, pressed = found.routines, found.contrast, found.pressed
    judged, level, estimates, reasons = verdicts
    table = pd.DataFrame(
        {
            "point": codes,
            "name": [names.get(c, c) for c in codes],
            "routines": [
                ", ".join(sorted(set(routines[contrast[:, j]]))) for j in range(len(codes))
            ],
            "sessions_with": pressed.sum(axis=0),
            "sessions_without": found.without,
            "estimate": estimates[:, 0],
            "ci_low": estimates[:, 1],
            "ci_high": estimates[:, 2],
            "ci_level": [level if j in judged else math.nan for j in range(len(codes))],
            "more_relief": [reasons[j] == MORE_RELIEF for j in range(len(codes))],
            "reason": [reasons[j] for j in range(len(codes))],
        }
    )
    # More relief first, the largest first; the others by code, not by estimate.
    order = np.where(table["more_relief"], -table["estimate"], np.inf)
    table = table.assign(order=order).sort_values(["order", "point"], kind="stable")
    return table.reset_index(drop=True)[_COLUMNS]


#: Why points are not shown with more relief, grouped for a summary: each group's words, and the
#: beginnings of the `rank_points` reasons it holds.
_REASON_GROUPS = (
    (
        "could not be separated from the rest of their routine",
        ("pressed in every session", "always pressed together", "not left out independently"),
    ),
    ("had too few sessions without them", ("too few sessions without",)),
    ("left no variation to judge", ("no variation left",)),
    ("had an interval that includes no effect", ("its interval includes no effect",)),
    ("went with less relief", (LESS_RELIEF,)),
)


def why_not_more_relief(ranking: pd.DataFrame) -> list[tuple[str, int]]:
    """How many points are not shown with more relief, by kind of reason, for a sentence.

    Parameters
    ----------
    ranking : DataFrame
        From `rank_points`.

    Returns
    -------
    list of (str, int)
        Each kind of reason in words ("could not be separated from the rest of their
        routine", "had too few sessions without them", ...) with its number of points;
        kinds without points are left out.
    """
    reasons = ranking.loc[~ranking["more_relief"].astype(bool), "reason"].astype(str)
    counts = [
        (words, int(reasons.str.startswith(starts).sum())) for words, starts in _REASON_GROUPS
    ]
    return [(words, n) for words, n in counts if n]


#: The codes of sham spots: pressed by a sham routine, never an acupoint to recommend.
SHAM_SPOT = "SH-"


def points_to_show(ranking: pd.DataFrame, *, all_points: bool = False) -> pd.DataFrame:
    """The points a page names under "which points": those that went with more relief,
    or with ``all_points`` every point pressed; never a sham spot.

    Parameters
    ----------
    ranking : DataFrame
        From `rank_points`.
    all_points : bool

    Returns
    -------
    DataFrame
        The rows of ``ranking`` to show, in its order.
    """
    shown = ranking[~ranking["point"].astype(str).str.startswith(SHAM_SPOT)]
    if not all_points:
        shown = shown[shown["more_relief"].astype(bool)]
    return shown.reset_index(drop=True)
