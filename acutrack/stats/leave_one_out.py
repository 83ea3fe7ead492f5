"""A point left out: does it add to its routine's relief? The verdict of a leave-one-out plan.

The plan (``acutrack plan --new --leave-out POINT``) randomises, within blocks, sessions
with all of a routine's points and sessions without one of them; the same exact
within-block randomisation test as real against sham (`real_sham`) judges it, under the
same rules for interim looks and plans left unfinished. The person knows which sessions
left the point out (the plan is open-label), so expectation can account for part of any
difference; the summary says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from .benefit import MARGIN
from .planned import _planned, _slots, _statistic
from .randomisation import estimate, smallest_p
from .real_sham import _interval, sham_verdict
from .results import Result, fmt, fmt_p

__all__ = ["LeaveOneOut", "leave_one_out"]

OPEN_LABEL = (
    "You knew which sessions left {point} out, so expectation can account for part of "
    "any difference."
)


@dataclass(frozen=True)
class LeaveOneOut(Result):
    """A leave-one-out plan: does a point add to the relief of its routine?

    Attributes
    ----------
    verdict : str
        ``"helps"`` (sessions with the point relieved more than those without it),
        ``"better without"``, ``"no difference"`` (of 1 point or more), ``"unclear"`` or
        ``"too early"``; only a finished (or ended-early) plan gives the first three.
    point : str
        The point left out.
    plan_state, n, blocks_done, blocks_planned, p_value, alpha, smallest_p
        As in `RealVsSham`.
    n_with, n_without : int
        Sessions of the whole routine, and without the point.
    estimate : float
        Drop with the point minus drop without it (adjusted for the starting pain, with
        the plan's ``"adjusted"`` statistic).
    ci : (float, float)
        Interval of ``estimate`` from inverting the randomisation test.
    note : str
    """

    verdict: str
    point: str
    plan_state: str
    n: int
    n_with: int
    n_without: int
    blocks_done: int
    blocks_planned: int
    estimate: float
    ci: tuple[float, float]
    p_value: float
    alpha: float
    smallest_p: float
    note: str = ""

    def summary(self) -> str:
        head = (
            f"Leaving out {self.point}: sessions with it lowered pain {fmt(self.estimate)} "
            f"points more than sessions without it ({self.n_with} with, {self.n_without} "
            "without)"
        )
        if self.plan_state == "interim":
            text = (
                f"Interim look ({self.blocks_done} of {self.blocks_planned} blocks done): "
                f"{head}. The plan gives its verdict when it is done."
            )
        elif self.n_with == 0 or self.n_without == 0:
            text = "No block of the plan is complete yet."
        else:
            test = f"randomisation test, {fmt_p(self.p_value)}"
            text = f"{head} {_interval(self.ci, self.alpha, test)}. "
            text += {
                "helps": f"In this experiment {self.point} added to the relief.",
                "better without": f"In this experiment the routine relieved more without "
                f"{self.point}.",
                "no difference": f"The whole interval lies within ±{MARGIN:g} point: in this "
                f"experiment {self.point} did not change the relief by {MARGIN:g} point or "
                "more either way.",
                "too early": "This design cannot reach a verdict yet: no verdict.",
                "unclear": f"These data cannot tell whether {self.point} adds to the relief.",
            }[self.verdict]
            if self.verdict != "too early":
                text += f" {OPEN_LABEL.format(point=self.point)}"
        return f"{text} {self.note}".strip()


def leave_one_out(
    sessions: pd.DataFrame,
    *,
    plan: pd.DataFrame | list,
    today: datetime | None = None,
    statistic: str | None = None,
) -> LeaveOneOut:
    """The verdict of a leave-one-out plan (``acutrack plan --new --leave-out POINT``).

    The same exact randomisation test within blocks as `real_vs_sham`, comparing the
    sessions of the whole routine with those that left the plan's point out.

    Parameters
    ----------
    sessions : DataFrame
        As `Journal.sessions` returns it.
    plan : DataFrame or list of Slot
        The leave-one-out plan's slots (with ``leave_out`` set on half of them).
    today : datetime, optional
        To tell an unfinished plan from one that ended early (default: now).
    statistic : {"adjusted", "raw"}, optional
        What the test sums; by default the plan's own, as in `real_vs_sham`.
    """
    slots = _slots(plan)
    statistic = _statistic(slots, statistic)
    point = str(slots["leave_out"].dropna().iloc[0])
    data, blocks, state, planned, note = _planned(
        sessions, slots, None, today or datetime.now().astimezone()
    )
    left_out = slots.set_index(slots["session_id"].fillna(""))["leave_out"]
    full = data["id"].map(left_out).isna().to_numpy()
    before = data["pain_before"].to_numpy(dtype=float)
    drops = before - data["pain_after"].to_numpy(dtype=float)
    test = {"before": before, "statistic": statistic}
    verdict, p, ci, alpha = sham_verdict(
        drops, full, blocks, state=state, planned_blocks=planned, **test
    )
    both = full.any() and (~full).any()
    judged = both and state in ("done", "ended early")
    return LeaveOneOut(
        verdict={"real": "helps", "sham": "better without"}.get(verdict, verdict),
        point=point,
        plan_state=state,
        n=int(drops.size),
        n_with=int(full.sum()),
        n_without=int((~full).sum()),
        blocks_done=len(np.unique(blocks)),
        blocks_planned=planned,
        estimate=(
            estimate(drops, full, blocks, **test)
            if judged
            else float(drops[full].mean() - drops[~full].mean())
        )
        if both
        else math.nan,
        ci=ci,
        p_value=p,
        alpha=alpha,
        smallest_p=smallest_p(full, blocks) if both else math.nan,
        note=" ".join(note),
    )
