"""Did pain go down during sessions? The paired before/after comparison."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .paired import bootstrap_ci, hodges_lehmann, meaningful, rank_biserial, signed_rank_p
from .results import Result, fmt, fmt_ci, fmt_p

__all__ = ["BeforeAfter", "before_after"]

TOO_FEW = 5


@dataclass(frozen=True)
class BeforeAfter(Result):
    """Paired drop in pain (before − after; positive is relief).

    Attributes
    ----------
    n : int
        Sessions.
    estimate : float
        Mean drop.
    ci : (float, float)
        95 % bootstrap confidence interval of the mean drop.
    p_value : float
        Two-sided Wilcoxon signed-rank test (Pratt's zeros); 1 when nothing changed.
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
        text = (
            f"{head} (95 % CI {fmt_ci(self.ci)}). "
            f"{round(self.meaningful_share * self.n)} of {self.n} "
            f"({self.meaningful_share:.0%}) brought a clinically meaningful drop "
            f"(≥ 2 points or ≥ 30 %)."
        )
        if self.n < TOO_FEW:
            return text + f" With fewer than {TOO_FEW} sessions this is too little to tell."
        if self.p_value < 0.05:
            text += (
                f" Drops this consistent would be unlikely if pain were as likely to rise as to "
                f"fall during a session (signed-rank {fmt_p(self.p_value)})."
            )
        else:
            text += (
                f" The data are not enough to tell a change from chance "
                f"(signed-rank {fmt_p(self.p_value)})."
            )
        return text + (
            " A before/after drop also includes expectation, regression to the mean and "
            "natural ups and downs; only a comparison with sham separates the pressing itself."
        )


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
    SciPy equivalent of the test: ``scipy.stats.wilcoxon(before - after, zero_method="pratt")``.
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
    return BeforeAfter(
        n=n,
        estimate=float(drops.mean()) if n else nan,
        ci=bootstrap_ci(drops),
        p_value=signed_rank_p(drops) if n >= 2 else nan,
        median=float(np.median(drops)) if n else nan,
        hodges_lehmann=hodges_lehmann(drops),
        rank_biserial=rank_biserial(drops),
        meaningful_share=float(meaningful(before, after).mean()) if n else nan,
        mean_before=float(before.mean()) if n else nan,
        mean_after=float(after.mean()) if n else nan,
        note=note,
    )
