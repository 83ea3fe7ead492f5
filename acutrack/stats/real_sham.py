"""Real against sham, and a point left out: verdicts of randomised plans, none without one.

Only a plan that assigned real and sham at random, in blocks, can show that real
pressure relieved more than sham: the within-block randomisation test (see
`randomisation`) is then exact, however pain drifts from day to day. The plan's length is
fixed when it is made and its verdict is given when it is done; a look before that is an
interim look and carries no verdict, because looking after every block and stopping at
the first small p-value would claim a difference far more often than 5 % of the time.
A plan left unfinished (its last slot due more than 14 days ago) is analysed on its
completed blocks at a stricter level, ``0.05 ÷ planned blocks``, which holds its error
rate whenever the person stopped. Without a plan, the sessions are described, never
judged: real and sham were then chosen by the day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from ..words import plural
from .benefit import MARGIN, PRIOR_SD, benefit_in_words, prob_benefit, standard_error
from .blinding import guesses
from .planned import _planned, _real_sham_slots, _statistic
from .randomisation import Design, estimate, smallest_p
from .results import Result, fmt, fmt_p
from .scales import DIFFERENCE, interval_words

__all__ = [
    "RealVsSham",
    "carry_over",
    "first_follow_ups",
    "hedges_g",
    "real_vs_sham",
    "sham_verdict",
]

ALPHA = 0.05
SHAM_NOT_BLIND = (
    "Sham acupressure is not blind: you knew which sessions were sham, so expectation can "
    "account for part of any difference."
)


def hedges_g(a: np.ndarray, b: np.ndarray) -> float:
    """Standardised mean difference (a − b) / pooled SD, with Hedges' small-sample correction."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n1, n2 = a.size, b.size
    if n1 < 2 or n2 < 2:
        return np.nan
    pooled = math.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    if pooled == 0:
        return np.nan
    return float((a.mean() - b.mean()) / pooled * (1 - 3 / (4 * (n1 + n2) - 9)))


def sham_verdict(
    drops: np.ndarray,
    real: np.ndarray,
    blocks: np.ndarray,
    *,
    state: str,
    planned_blocks: int,
    before: np.ndarray | None = None,
    statistic: str = "adjusted",
    interval: bool = True,
) -> tuple[str, float, tuple[float, float], float]:
    """The real-vs-sham verdict of a plan's completed blocks, and what it rests on.

    Parameters
    ----------
    drops, real, blocks : arrays
        The sessions of the plan's completed blocks: drop, real or not, block.
    state : {"done", "ended early", "interim", "blind", "no plan"}
        Where the plan stands ("blind": a blind plan still running).
    planned_blocks : int
        How many blocks the plan has.
    before : array, optional
        Pain before each session, for the ``"adjusted"`` statistic.
    statistic : {"adjusted", "raw"}
        What the randomisation test sums (`acutrack.stats.randomisation`).
    interval : bool
        Also compute the interval (the verdict does not need it).

    Returns
    -------
    verdict : str
        ``"real"`` or ``"sham"`` (which relieved more), ``"no difference"`` (the whole
        interval within ±1 point), ``"unclear"`` or ``"too early"``.
    p_value : float
        Exact randomisation test of no difference (NaN for an interim look or without a
        plan).
    ci : (float, float)
        The interval of real − sham that inverts the same test, at the level the verdict
        uses; infinite where the data cannot bound it.
    alpha : float
        The level: 0.05, or 0.05 ÷ planned blocks for a plan that ended early.

    Notes
    -----
    The verdict and the interval come from the same test: a difference is claimed when
    the test rejects no difference, and "no difference of 1 point or more" when it
    rejects both +1 and −1 point (two one-sided tests at 2.5 % each, for the 95 %
    level). `randomisation_ci` tries those same points before it searches for an end,
    so the interval excludes 0 exactly when a difference is claimed and lies within
    ±1 point exactly when no difference is.
    """
    nan = math.nan
    if state == "no plan":
        return "unclear", nan, (nan, nan), ALPHA
    alpha = ALPHA if state == "done" else ALPHA / max(planned_blocks, 1)
    real = np.asarray(real, dtype=bool)
    if state in ("interim", "blind") or real.all() or not real.any():
        return "too early", nan, (nan, nan), alpha
    design = Design(real, blocks, before, statistic)
    p = design.p(drops)
    ci = design.interval(drops, alpha) if interval else (nan, nan)
    if smallest_p(real, blocks) > alpha:
        return "too early", p, ci, alpha
    middle = design.estimate(drops)
    if p <= alpha:
        return ("real" if middle > 0 else "sham"), p, ci, alpha
    if abs(middle) < MARGIN and all(design.p(drops, side * MARGIN) <= alpha for side in (-1, 1)):
        return "no difference", p, ci, alpha
    return "unclear", p, ci, alpha


def carry_over(drops: np.ndarray, real: np.ndarray) -> tuple[float, float, int, int]:
    """Real − sham mean drop after a real session and after a sham one.

    The sessions in the order they were done; the first has no session before it. Relief
    that lingers from a real session into the next would show as a gap between the two.

    Returns
    -------
    (float, float, int, int)
        The difference after a real session, after a sham one, and how many sessions
        each rests on (NaN where one condition is missing).
    """
    drops, real = np.asarray(drops, dtype=float)[1:], np.asarray(real, dtype=bool)
    previous, real = real[:-1], real[1:]
    out = []
    for after in (previous, ~previous):
        here, kind = drops[after], real[after]
        both = kind.any() and (~kind).any()
        out.append(float(here[kind].mean() - here[~kind].mean()) if both else math.nan)
    return out[0], out[1], int(previous.sum()), int((~previous).sum())


@dataclass(frozen=True)
class RealVsSham(Result):
    """Real against sham sessions.

    Attributes
    ----------
    verdict : str
        ``"real"`` (real relieved more), ``"sham"``, ``"no difference"`` (of 1 point or
        more: the whole interval within ±1 point), ``"unclear"`` or ``"too early"``:
        what the words, colours and report say. Only a finished (or ended-early) plan
        gives one of the first three.
    plan_state : str
        ``"no plan"``, ``"interim"``, ``"done"``, ``"ended early"`` or ``"blind"`` (a
        blind plan still running: nothing of its sessions is compared or shown).
    n, n_real, n_sham : int
        Sessions compared (with a plan: those of its completed blocks).
    blocks_done, blocks_planned : int
    estimate : float
        Real minus sham (positive: real relieved more): with the ``"adjusted"``
        statistic, the difference in drop adjusted for the starting pain and the blocks
        (least squares); with ``"raw"``, the difference of mean drops.
    statistic : str
        What the test sums: ``"adjusted"`` or ``"raw"`` (a plan made before the choice
        was recorded); fixed when the plan was made.
    ci : (float, float)
        Interval of ``estimate`` from inverting the randomisation test, at level
        ``1 − alpha``; infinite ends where the data cannot bound it; NaN for an interim
        look or without a plan.
    p_value : float
        Exact randomisation test within the plan's blocks.
    alpha : float
        The level of the verdict and interval.
    smallest_p : float
        The smallest p-value this design could give.
    method : str
    mean_real, mean_sham : float
        Mean drop in each group.
    prob_benefit : float
        Probability that real relieves at least 1 point more than sham, from the adjusted
        estimate and a sceptical prior (`acutrack.stats.benefit`); NaN until the plan is
        done or ended early.
    after_real, after_sham : float
        Real − sham mean drop among sessions that followed a real session, and a sham
        one (`carry_over`): relief lingering from real sessions would part them.
    n_after_real, n_after_sham : int
    durability_estimate : float
        Real − sham in the drop still present at the first follow-up rating.
    n_followup_real, n_followup_sham : int
    hedges_g : float
        Standardised difference of the drops.
    note : str
    blinding : str
        For a blind plan that has ended, what the person's guesses of which set was real
        showed (`acutrack.stats.blinding.guesses`): said in place of "not blind".
    """

    verdict: str
    plan_state: str
    n: int
    n_real: int
    n_sham: int
    blocks_done: int
    blocks_planned: int
    estimate: float
    statistic: str
    ci: tuple[float, float]
    p_value: float
    alpha: float
    smallest_p: float
    method: str
    mean_real: float
    mean_sham: float
    prob_benefit: float
    after_real: float
    after_sham: float
    n_after_real: int
    n_after_sham: int
    durability_estimate: float
    n_followup_real: int
    n_followup_sham: int
    hedges_g: float
    note: str = ""
    blinding: str = ""

    def summary(self) -> str:
        means = (
            f"Real sessions lowered pain by {fmt(self.mean_real)} points on average and sham "
            f"sessions by {fmt(self.mean_sham)} ({self.n_real} real, {self.n_sham} sham)"
        )
        if self.plan_state == "blind":
            parts = [
                f"The plan is blind and still running ({self.blocks_planned} blocks): which "
                "set is real, and how the two sets compare, are shown when it ends (or after "
                "acutrack plan --unblind)."
            ]
        elif self.n == 0 and self.plan_state != "no plan":
            parts = [
                f"No block of the plan is complete yet (0 of {self.blocks_planned}): real and "
                "sham are compared block by block, once every session of a block is done."
            ]
        elif self.n_real == 0 or self.n_sham == 0:
            missing = "real" if self.n_real == 0 else "sham"
            parts = [f"No {missing} sessions yet ({self.n_real} real, {self.n_sham} sham)."]
        elif self.plan_state == "no plan":
            parts = [
                f"{means}. These sessions were not assigned by a randomised plan: real and "
                "sham were chosen by the day, so this difference cannot be judged. A plan "
                "(acutrack plan --new) decides at random which sessions are real, and then "
                "gives a verdict when it is done."
            ]
        elif self.plan_state == "interim":
            parts = [
                f"Interim look ({self.blocks_done} of {self.blocks_planned} blocks done): "
                f"{means}. The plan gives its verdict when it is done; a verdict at every "
                "look would claim a difference too often."
            ]
        else:
            test = f"{self.method}, {fmt_p(self.p_value)}"
            interval = _interval(self.ci, self.alpha, test)
            adjusted = ", allowing for the pain each session started from," * (
                self.statistic == "adjusted"
            )
            parts = [
                f"{means}: real minus sham{adjusted} is {fmt(self.estimate)} points {interval}."
            ]
            if self.plan_state == "ended early":
                parts.insert(
                    0,
                    f"The plan ended early ({self.blocks_done} of {self.blocks_planned} blocks "
                    f"done), so it is judged at the stricter level p < {self.alpha:.3g}.",
                )
            parts += [self._words(), self._benefit(), self._carry_over()]
        if self.note:
            parts.append(self.note)
        if self.blinding:
            parts.append(self.blinding)
        return " ".join(part for part in parts if part)

    def _words(self) -> str:
        if self.verdict == "too early":
            return (
                f"With {plural(self.blocks_done, 'block')} this design cannot reach "
                f"p < {self.alpha:.3g} whatever the data (its smallest possible p is "
                f"{self.smallest_p:.3g}): no verdict."
            )
        if self.verdict in ("real", "sham"):
            better, worse = ("real", "sham") if self.verdict == "real" else ("sham", "real")
            claim = f"In this experiment {better} pressure relieved more than {worse}."
            return claim if self.blinding else f"{claim} {SHAM_NOT_BLIND}"
        if self.verdict == "no difference":
            level = f"{100 * (1 - self.alpha):.3g} %"
            claim = (
                f"Real and sham relieved about the same (real by {fmt(self.mean_real)} points, "
                f"sham by {fmt(self.mean_sham)}): the whole {level} interval lies within "
                f"±{MARGIN:g} point, so in this experiment they did not differ by "
                f"{MARGIN:g} point or more (two one-sided tests, each at "
                f"{50 * self.alpha:.3g} %)."
            )
            return claim if self.blinding else f"{claim} {SHAM_NOT_BLIND}"
        return (
            "These data cannot tell whether real and sham differ: the interval includes no "
            "difference, and also differences that would matter. Absence of evidence is not "
            "evidence of no difference."
        )

    def _benefit(self) -> str:
        """The probability of a worthwhile benefit in words ("" when there is none)."""
        if not math.isfinite(self.prob_benefit):
            return ""
        return (
            "Starting from a sceptical view (no difference most likely, and a difference of "
            f"3 points or more either way unlikely: a normal prior with SD {PRIOR_SD:g}), the "
            f"chance that real relieves at least {MARGIN:g} point more than sham is "
            f"{benefit_in_words(self.prob_benefit)}."
        )

    def _carry_over(self) -> str:
        """Real − sham split by the session before, when both splits exist."""
        if not (math.isfinite(self.after_real) and math.isfinite(self.after_sham)):
            return ""
        return (
            f"Split by the session before: after a real session real minus sham was "
            f"{fmt(self.after_real)} points ({self.n_after_real} sessions), after a sham one "
            f"{fmt(self.after_sham)} ({self.n_after_sham}); relief lingering from real "
            "sessions into the next would part these two."
        )


def _interval(ci: tuple[float, float], alpha: float, test: str) -> str:
    """``(95 % CI [low, high]; test)`` in words, or that the data cannot bound one yet."""
    level = f"{100 * (1 - alpha):.3g} %"
    if not all(np.isfinite(ci)):
        return f"(the data cannot yet bound a {level} interval; {test})"
    return f"({level} CI {interval_words(ci, DIFFERENCE)}; {test})"


def first_follow_ups(ratings: pd.DataFrame) -> pd.DataFrame:
    """Each session's first follow-up rating (``session_id``, ``pain``), by its time."""
    linked = ratings.dropna(subset=["session_id"]).sort_values("rated_at", kind="stable")
    return linked.drop_duplicates("session_id")[["session_id", "pain"]]


def _follow_up_drops(
    data: pd.DataFrame, ratings: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray]:
    """The drop still present at each compared session's first follow-up: real, then sham."""
    follow_real = follow_sham = np.array([])
    if ratings is not None and len(data):
        merged = data.merge(first_follow_ups(ratings), left_on="id", right_on="session_id")
        kept = (merged["pain_before"] - merged["pain"]).to_numpy(dtype=float)
        is_real = (merged["condition"] == "real").to_numpy()
        follow_real, follow_sham = kept[is_real], kept[~is_real]
    return follow_real, follow_sham


def real_vs_sham(
    sessions: pd.DataFrame,
    *,
    ratings: pd.DataFrame | None = None,
    plan: pd.DataFrame | list | None = None,
    routine: str | None = None,
    today: datetime | None = None,
    statistic: str | None = None,
) -> RealVsSham:
    """Compare the drop in pain of real and sham sessions; a verdict only from a plan.

    Parameters
    ----------
    sessions : DataFrame
        As `Journal.sessions` returns it.
    ratings : DataFrame, optional
        As `Journal.ratings` returns it; follow-up ratings measure durability.
    plan : DataFrame or list of Slot, optional
        The plan's slots, one per planned session (``block``, ``session_id`` — empty
        until done — and ``due``), so that its length is known. Only sessions that
        fulfilled a slot, in blocks whose every slot was done, are compared.
    routine : str, optional
        Keep only this routine and its sham twin (``back`` keeps ``back`` and
        ``back-sham``), and only its slots of the plan.
    today : datetime, optional
        To tell an unfinished plan from one that ended early (default: now).
    statistic : {"adjusted", "raw"}, optional
        What the test sums. By default the plan's own (its slots' ``statistic``, fixed
        when it was made; a plan from before that choice keeps ``"raw"``), and
        ``"adjusted"`` for slots without that column.

    Returns
    -------
    RealVsSham

    Notes
    -----
    The verdict comes from `sham_verdict`: its false-claim rate and the coverage of its
    interval are measured on realistic simulated diaries by `acutrack.stats.calibration`.
    """
    today = today or datetime.now().astimezone()
    slots = _real_sham_slots(plan, routine) if plan is not None else None
    statistic = _statistic(slots, statistic)
    data, blocks, state, planned, note = _planned(sessions, slots, routine, today)
    if "started_at" in data and len(data):  # in the order done, for lingering relief
        order = np.argsort(data["started_at"].to_numpy(), kind="stable")
        data, blocks = data.iloc[order], None if blocks is None else blocks[order]
    method = "randomisation test within the plan's blocks" if slots is not None else "none"
    real = (data["condition"] == "real").to_numpy()
    before = data["pain_before"].to_numpy(dtype=float)
    drops = before - data["pain_after"].to_numpy(dtype=float)
    n_real, n_sham = int(real.sum()), int((~real).sum())
    layout = blocks if blocks is not None else np.zeros(len(drops))
    verdict, p, ci, alpha = sham_verdict(
        drops,
        real,
        layout,
        state=state,
        planned_blocks=planned,
        before=before,
        statistic=statistic,
    )
    follow_real, follow_sham = _follow_up_drops(data, ratings)
    nan = math.nan
    both = n_real > 0 and n_sham > 0
    judged = both and state in ("done", "ended early")
    after_real, after_sham, n_after_real, n_after_sham = (
        carry_over(drops, real) if judged else (nan, nan, 0, 0)
    )
    return RealVsSham(
        verdict=verdict,
        plan_state=state,
        n=int(drops.size),
        n_real=n_real,
        n_sham=n_sham,
        blocks_done=len(np.unique(blocks)) if blocks is not None else 0,
        blocks_planned=planned,
        estimate=(
            estimate(drops, real, layout, before=before, statistic=statistic)
            if judged
            else float(drops[real].mean() - drops[~real].mean())
        )
        if both
        else nan,
        statistic=statistic,
        ci=ci,
        p_value=p,
        alpha=alpha,
        smallest_p=smallest_p(real, blocks) if blocks is not None and both else nan,
        method=method,
        mean_real=float(drops[real].mean()) if n_real else nan,
        mean_sham=float(drops[~real].mean()) if n_sham else nan,
        prob_benefit=prob_benefit(*standard_error(drops, real, layout, before)) if judged else nan,
        after_real=after_real,
        after_sham=after_sham,
        n_after_real=n_after_real,
        n_after_sham=n_after_sham,
        durability_estimate=float(follow_real.mean() - follow_sham.mean())
        if follow_real.size and follow_sham.size
        else nan,
        n_followup_real=int(follow_real.size),
        n_followup_sham=int(follow_sham.size),
        hedges_g=hedges_g(drops[real], drops[~real]),
        note=" ".join(note),
        blinding=_blinding(slots),
    )


def _blinding(slots: pd.DataFrame | None) -> str:
    """What a blind plan's guesses showed, once it has ended; "" for any other plan."""
    if slots is None or "blind_set" not in slots:
        return ""
    said = guesses(slots.itertuples())
    return said.summary() if said else ""
