"""Was pain lower after sessions? The paired before/after description.

A drop during a session mixes the pressing with expectation, rest and regression to the
mean (sessions tend to start when pain is up), so this describes, it does not show that
pressing helped: only a randomised comparison with sham can come closer to that.

Its interval allows for drops that are alike from one session to the next (good and bad
spells): a t interval whose standard error is widened for autocorrelation. Its coverage
is measured on realistic simulated diaries (`acutrack.stats.calibration`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .paired import hodges_lehmann, meaningful, rank_biserial, signed_rank_p
from .results import Result, fmt, fmt_ci, fmt_p

__all__ = [
    "BeforeAfter",
    "autocorrelation",
    "autocorrelation_inflation",
    "before_after",
    "mean_drop_interval",
]

TOO_FEW = 5
LEVEL = 0.95
#: The least autocorrelation the interval allows for. Relief comes in spells that last
#: several sessions, which a lag-1 estimate from a short diary understates; with this
#: floor the interval covered 94–96 % of realistic simulated diaries of 10 to 200
#: sessions (91–93 % at 0.6, 96–97 % at 0.7).
RHO_FLOOR = 0.65
NOT_A_TEST = (
    "This describes the sessions; it is not evidence that the pressing helped: a drop "
    "during a session also holds expectation, rest, regression to the mean (sessions often "
    "start when pain is up) and natural ups and downs. A randomised plan against sham "
    "comes closer to the pressing itself, though sham acupressure is not blind either."
)


#: Lag-1 autocorrelations beyond this are not trusted from one short diary.
RHO_CAP = 0.9


def autocorrelation(values: np.ndarray, *, floor: float = RHO_FLOOR) -> float:
    """Lag-1 autocorrelation for widening an interval: bias-corrected, floored and capped.

    Marriott and Pope's correction (``ρ̂ + (1 + 4ρ̂) / n``), kept between ``floor`` and
    0.9. A series that never varies has ρ̂ = 0.
    """
    x = np.asarray(values, dtype=float)
    centred = x - x.mean()
    denominator = float(centred @ centred)
    raw = float(centred[1:] @ centred[:-1]) / denominator if denominator else 0.0
    return min(max(raw + (1 + 4 * raw) / x.size, floor), RHO_CAP)


def autocorrelation_inflation(values: np.ndarray) -> float:
    """How much autocorrelation widens the variance of a mean: ``(1 + ρ) / (1 − ρ)``."""
    rho = autocorrelation(values)
    return (1 + rho) / (1 - rho)


def mean_drop_interval(drops: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    """Interval of the mean drop that allows for autocorrelated sessions.

    Parameters
    ----------
    drops : array
        Drops in session order.
    level : float
        Confidence level.

    Returns
    -------
    (float, float)
        NaN when there are fewer than two drops or they do not vary (no interval can be
        given then; never one of zero width).

    Notes
    -----
    The standard error is ``s / √n`` widened by `autocorrelation_inflation`, with the t
    quantile of ``n − 1`` degrees of freedom.
    """
    from scipy.stats import t

    drops = np.asarray(drops, dtype=float)
    n = drops.size
    if n < 2 or np.all(drops == drops[0]):
        return (math.nan, math.nan)
    se = drops.std(ddof=1) / math.sqrt(n) * math.sqrt(autocorrelation_inflation(drops))
    half = t.ppf(0.5 + level / 2, n - 1) * se
    return (float(drops.mean() - half), float(drops.mean() + half))


@dataclass(frozen=True)
class BeforeAfter(Result):
    """Paired drop in pain (before − after; positive is relief), described.

    Attributes
    ----------
    verdict : str
        ``"lower after"`` (the interval of the mean drop lies above 0), ``"no change
        detected"`` or ``"too few"`` (fewer than 5 sessions). It says whether pain was
        lower after the sessions, never that pressing helped.
    n : int
        Sessions.
    estimate : float
        Mean drop.
    ci : (float, float)
        95 % interval of the mean drop, allowing for autocorrelation
        (`mean_drop_interval`); NaN when the drops do not vary.
    p_value : float
        Two-sided Wilcoxon signed-rank test (Pratt's zeros), as a description; 1 when
        nothing changed.
    median, hodges_lehmann : float
        Median drop, and the Hodges–Lehmann estimate (median of Walsh averages).
    rank_biserial : float
        Matched-pairs rank-biserial correlation, −1 to 1, positive when pain went down.
    meaningful_share : float
        Share of sessions with a drop of ≥ 2 points or ≥ 30 %.
    mean_before, mean_after : float
    note : str
        Why numbers are missing or weak, if they are.
    """

    verdict: str
    n: int
    estimate: float
    ci: tuple[float, float]
    p_value: float
    median: float
    hodges_lehmann: float
    rank_biserial: float
    meaningful_share: float
    mean_before: float
    mean_after: float
    note: str = ""

    def summary(self) -> str:
        if self.n == 0:
            return "No sessions to compare yet."
        head = (
            f"Over {self.n} session{'s' if self.n != 1 else ''}, pain went from "
            f"{fmt(self.mean_before)} to {fmt(self.mean_after)} on average: a mean drop of "
            f"{fmt(self.estimate)} points"
        )
        if self.n < 2:
            return head + ". One session cannot show how much drops vary: log more."
        interval = (
            f"95 % CI {fmt_ci(self.ci)}"
            if all(np.isfinite(self.ci))
            else "the drops did not vary, so there is not enough variation to give an interval"
        )
        text = (
            f"{head} ({interval}). {round(self.meaningful_share * self.n)} of {self.n} "
            f"({self.meaningful_share:.0%}) brought a clinically meaningful drop (at least "
            f"2 points or at least 30 % of the starting pain)."
        )
        if self.verdict == "too few":
            text += f" With fewer than {TOO_FEW} sessions this is too little to tell."
        elif self.verdict == "lower after":
            text += (
                " Pain was lower after the sessions than before them "
                f"(signed-rank test of the median drop: {fmt_p(self.p_value)})."
            )
        else:
            text += " These sessions do not show pain lower after than before."
        return f"{text} {NOT_A_TEST}"


def _verdict(n: int, drops: np.ndarray, ci: tuple[float, float]) -> str:
    if n < TOO_FEW:
        return "too few"
    if np.isfinite(ci[0]):
        return "lower after" if ci[0] > 0 else "no change detected"
    # Drops that never vary: pain was lower after every session, or never.
    return "lower after" if drops[0] > 0 else "no change detected"


def before_after(
    sessions: pd.DataFrame, *, routine: str | None = None, condition: str | None = None
) -> BeforeAfter:
    """Paired before/after statistics of sessions.

    Parameters
    ----------
    sessions : DataFrame
        With ``pain_before`` and ``pain_after`` (as `Journal.sessions` returns).
    routine, condition : str, optional
        Keep only these sessions.

    Returns
    -------
    BeforeAfter

    Notes
    -----
    Sessions are taken in the order of the table (`Journal.sessions` sorts them by
    time), which the interval's allowance for autocorrelation needs. SciPy equivalent of
    the signed-rank test: ``scipy.stats.wilcoxon(before - after, zero_method="pratt")``.
    """
    data = sessions
    if routine is not None:
        data = data[data["routine"] == routine]
    if condition is not None:
        data = data[data["condition"] == condition]
    before = data["pain_before"].to_numpy(dtype=float)
    after = data["pain_after"].to_numpy(dtype=float)
    drops = before - after
    n = drops.size
    note = ""
    if n == 0:
        note = "no sessions"
    elif n < 2:
        note = "one session: no interval or test"
    nan = float("nan")
    ci = mean_drop_interval(drops)
    return BeforeAfter(
        verdict=_verdict(n, drops, ci),
        n=n,
        estimate=float(drops.mean()) if n else nan,
        ci=ci,
        p_value=signed_rank_p(drops) if n >= 2 else nan,
        median=float(np.median(drops)) if n else nan,
        hodges_lehmann=hodges_lehmann(drops),
        rank_biserial=rank_biserial(drops),
        meaningful_share=float(meaningful(before, after).mean()) if n else nan,
        mean_before=float(before.mean()) if n else nan,
        mean_after=float(after.mean()) if n else nan,
        note=note,
    )
