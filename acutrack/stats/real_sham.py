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
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from ..records import still_blind
from .blinding import guesses
from .randomisation import RESOLUTION, randomisation_ci, randomisation_test, smallest_p
from .results import Result, fmt, fmt_ci, fmt_p

__all__ = [
    "DEFAULT_DROP_SD",
    "RealVsSham",
    "compared_sessions",
    "drop_spread",
    "first_follow_ups",
    "hedges_g",
    "planned_power",
    "real_vs_sham",
    "sessions_needed",
    "sham_verdict",
]

ALPHA = 0.05
POWER = 0.8
#: Spread (SD, points) of drops assumed before a person has 10 sessions of their own: the
#: spread of drops in the realistic simulated diaries (`acutrack.stats.simulate`).
DEFAULT_DROP_SD = 1.6
ABANDONED_AFTER = timedelta(days=14)
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
    interval : bool
        Also compute the interval (the verdict does not need it).

    Returns
    -------
    verdict : str
        ``"real"`` or ``"sham"`` (which relieved more), ``"unclear"`` or ``"too early"``.
    p_value : float
        Exact randomisation test (NaN for an interim look or without a plan).
    ci : (float, float)
        The interval of real − sham that inverts the same test, at the level the verdict
        uses; infinite where the data cannot bound it.
    alpha : float
        The level: 0.05, or 0.05 ÷ planned blocks for a plan that ended early.

    Notes
    -----
    A difference is claimed when the test rejects both no difference and a difference
    of a tenth of a point in the direction of the estimate, so that the interval (found
    on a grid of tenths and widened by one) excludes zero whenever the words claim a
    difference.
    """
    nan = math.nan
    if state == "no plan":
        return "unclear", nan, (nan, nan), ALPHA
    alpha = ALPHA if state == "done" else ALPHA / max(planned_blocks, 1)
    real = np.asarray(real, dtype=bool)
    if state in ("interim", "blind") or real.all() or not real.any():
        return "too early", nan, (nan, nan), alpha
    p = randomisation_test(drops, real, blocks)
    ci = randomisation_ci(drops, real, blocks, alpha=alpha) if interval else (nan, nan)
    if smallest_p(real, blocks) > alpha:
        return "too early", p, ci, alpha
    sign = 1 if drops[real].mean() > drops[~real].mean() else -1
    if p <= alpha and randomisation_test(drops, real, blocks, shift=sign / RESOLUTION) <= alpha:
        return ("real" if sign > 0 else "sham"), p, ci, alpha
    return "unclear", p, ci, alpha


def planned_power(
    block_size: int, blocks: int, *, drop_sd: float = DEFAULT_DROP_SD, effect: float = 1.0
) -> float:
    """Chance that a plan finds a real − sham difference of ``effect`` points.

    A normal approximation of the randomisation test (the difference of two means of
    sessions whose drops spread by ``drop_sd``); 0 when the design can never reach
    p < 0.05, whatever the data.
    """
    from scipy.stats import norm

    n = block_size * blocks
    layout = np.repeat(np.arange(blocks), block_size)
    if smallest_p(np.arange(n) % block_size < block_size // 2, layout) > ALPHA:
        return 0.0
    se = drop_sd * math.sqrt(4 / n)
    return float(norm.cdf(effect / se - norm.ppf(1 - ALPHA / 2)))


def sessions_needed(
    *, drop_sd: float = DEFAULT_DROP_SD, effect: float = 1.0, power: float = POWER
) -> int:
    """Sessions of each kind a plan needs to find ``effect`` points with ``power``.

    ``2 (z₀.₉₇₅ + z_power)² σ² / effect²`` for the difference of two means: planned
    ahead from the spread of drops, never from a diary's own observed difference.
    """
    from scipy.stats import norm

    z = norm.ppf(1 - ALPHA / 2) + norm.ppf(power)
    return math.ceil(2 * z**2 * drop_sd**2 / effect**2)


def drop_spread(sessions: pd.DataFrame) -> tuple[float, str]:
    """The spread (SD) of a person's drops for planning, and where it comes from, in words.

    Their own with at least 10 sessions, else `DEFAULT_DROP_SD`.
    """
    drops = (sessions["pain_before"] - sessions["pain_after"]).to_numpy(dtype=float)
    if drops.size >= 10 and drops.std(ddof=1) > 0:
        return float(drops.std(ddof=1)), f"your own day-to-day variation ({drops.size} sessions)"
    return DEFAULT_DROP_SD, "a typical diary's variation (fewer than 10 sessions of your own)"


@dataclass(frozen=True)
class RealVsSham(Result):
    """Real against sham sessions.

    Attributes
    ----------
    verdict : str
        ``"real"`` (real relieved more), ``"sham"``, ``"unclear"`` or ``"too early"``:
        what the words, colours and report say. Only a finished (or ended-early) plan
        gives ``"real"`` or ``"sham"``.
    plan_state : str
        ``"no plan"``, ``"interim"``, ``"done"``, ``"ended early"`` or ``"blind"`` (a
        blind plan still running: nothing of its sessions is compared or shown).
    n, n_real, n_sham : int
        Sessions compared (with a plan: those of its completed blocks).
    blocks_done, blocks_planned : int
    estimate : float
        Mean drop of real minus mean drop of sham (positive: real relieved more).
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
    adjusted_estimate : float
        Real − sham adjusted for the starting pain (and the blocks), by least squares: a
        description.
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
    ci: tuple[float, float]
    p_value: float
    alpha: float
    smallest_p: float
    method: str
    mean_real: float
    mean_sham: float
    adjusted_estimate: float
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
            parts = [f"{means}: real minus sham is {fmt(self.estimate)} points {interval}."]
            if self.plan_state == "ended early":
                parts.insert(
                    0,
                    f"The plan ended early ({self.blocks_done} of {self.blocks_planned} blocks "
                    f"done), so it is judged at the stricter level p < {self.alpha:.3g}.",
                )
            parts.append(self._words())
        if self.note:
            parts.append(self.note)
        if self.blinding:
            parts.append(self.blinding)
        return " ".join(parts)

    def _words(self) -> str:
        if self.verdict == "too early":
            return (
                f"With {self.blocks_done} block(s) this design cannot reach p < {self.alpha:.3g} "
                f"whatever the data (its smallest possible p is {self.smallest_p:.3g}): no "
                "verdict."
            )
        if self.verdict in ("real", "sham"):
            better, worse = ("real", "sham") if self.verdict == "real" else ("sham", "real")
            claim = f"In this experiment {better} pressure relieved more than {worse}."
            return claim if self.blinding else f"{claim} {SHAM_NOT_BLIND}"
        return (
            "These data cannot tell whether real and sham differ: the interval includes no "
            "difference, and also differences that would matter. Absence of evidence is not "
            "evidence of no difference."
        )


def _interval(ci: tuple[float, float], alpha: float, test: str) -> str:
    """``(95 % CI [low, high]; test)`` in words, or that the data cannot bound one yet."""
    level = f"{100 * (1 - alpha):.3g} %"
    if not all(np.isfinite(ci)):
        return f"(the data cannot yet bound a {level} interval; {test})"
    return f"({level} CI {fmt_ci(ci)}; {test})"


def first_follow_ups(ratings: pd.DataFrame) -> pd.DataFrame:
    """Each session's first follow-up rating (``session_id``, ``pain``), by its time."""
    linked = ratings.dropna(subset=["session_id"]).sort_values("rated_at", kind="stable")
    return linked.drop_duplicates("session_id")[["session_id", "pain"]]


def _adjusted(drops, real, before, blocks) -> float:
    """OLS of the drop on real/sham, the starting pain and (with a plan) the blocks."""
    columns = [np.ones_like(drops), real.astype(float)]
    if np.ptp(before) > 0:  # a starting pain that never varies explains nothing
        columns.append(before - before.mean())
    if blocks is not None:
        dummies = pd.get_dummies(blocks, drop_first=True, dtype=float).to_numpy()
        columns += list(dummies.T)
    design = np.column_stack(columns)
    rank = np.linalg.matrix_rank(design)
    if rank < design.shape[1] or drops.size - rank < 1:
        return np.nan
    return float(np.linalg.lstsq(design, drops, rcond=None)[0][1])


def _slots(plan: pd.DataFrame | list) -> pd.DataFrame:
    frame = plan if isinstance(plan, pd.DataFrame) else pd.DataFrame([vars(s) for s in plan])
    return frame.reset_index(drop=True)


def compared_sessions(
    sessions: pd.DataFrame,
    *,
    plan: pd.DataFrame | list | None = None,
    routine: str | None = None,
) -> tuple[pd.DataFrame, np.ndarray | None, int]:
    """The sessions a real/sham comparison uses.

    Returns
    -------
    sessions : DataFrame
        Of ``routine`` and its sham twin (all when None) and, with a plan, only those that
        fulfilled one of its slots.
    blocks : array or None
        Each session's plan block (None without a plan).
    off_plan : int
        Sessions of the routine left out because they were not part of the plan.
    """
    data = sessions
    if routine is not None:
        base = routine.removesuffix("-sham")
        data = data[data["routine"].isin([base, f"{base}-sham"])]
    if plan is None:
        return data, None, 0
    slots = _slots(plan)
    if slots.empty or _blind(slots):  # a blind plan's sets are compared when it ends
        return data.iloc[:0], np.array([]), 0 if len(slots) else len(data)
    done = slots.dropna(subset=["session_id"]).set_index("session_id")["block"]
    on_plan = data["id"].isin(done.index)
    data = data[on_plan]
    return data, data["id"].map(done).to_numpy(), int((~on_plan).sum())


def _blind(slots: pd.DataFrame) -> bool:
    """Whether the slots are a blind plan still running (`acutrack.records.still_blind`)."""
    return "blind_set" in slots and still_blind(slots.itertuples())


def _plan_state(slots: pd.DataFrame, today: datetime) -> str:
    if _blind(slots):
        return "blind"
    if slots["session_id"].notna().all():
        return "done"
    if "closed_at" in slots and slots["closed_at"].notna().any():
        return "ended early"  # replaced by a new plan
    last_due = pd.Timestamp(slots["due"].max()) if "due" in slots else None
    if last_due is not None and pd.Timestamp(today) - last_due > ABANDONED_AFTER:
        return "ended early"
    return "interim"


def _complete_blocks(data: pd.DataFrame, blocks: np.ndarray, slots: pd.DataFrame) -> np.ndarray:
    """Which of ``data``'s sessions belong to blocks whose every slot was done."""
    per_block = slots.groupby("block")["session_id"].size()
    found = pd.Series(blocks).value_counts()
    complete = found.index[found.to_numpy() == per_block.reindex(found.index).to_numpy()]
    return np.isin(blocks, complete)


def _planned(
    sessions: pd.DataFrame, slots: pd.DataFrame | None, routine: str | None, today: datetime
) -> tuple[pd.DataFrame, np.ndarray | None, str, int, list[str]]:
    """The sessions of a plan's completed blocks, their blocks, the plan's state and notes."""
    if slots is None:
        data, _, _ = compared_sessions(sessions, routine=routine)
        return data, None, "no plan", 0, []
    state = _plan_state(slots, today) if len(slots) else "interim"
    planned = int(slots["block"].nunique()) if len(slots) else 0
    data, blocks, off = compared_sessions(sessions, plan=slots, routine=routine)
    note = []
    if off:
        note.append(f"{off} session(s) outside the plan were left out of this comparison.")
    complete = _complete_blocks(data, blocks, slots) if len(data) else np.array([], bool)
    if (~complete).any():
        note.append(f"{int((~complete).sum())} session(s) of unfinished blocks are not compared.")
    if "reopened" in slots and (redone := int((slots["reopened"].fillna(0) > 0).sum())):
        note.append(
            f"{redone} slot(s) were done again after their first session was deleted or "
            "changed into another kind of session."
        )
    if "revealed_at" in slots and slots["revealed_at"].notna().any() and state != "blind":
        when = pd.Timestamp(slots["revealed_at"].dropna().min())
        blind = "blind_set" in slots and slots["blind_set"].notna().any()
        note.append(
            f"Which set was real was shown on {when:%d %b %Y} (acutrack plan --unblind, or a "
            "session done again after the plan had ended): sessions after that were done "
            "knowing it."
            if blind
            else f"Real or sham of the plan's sessions to come was shown on {when:%d %b %Y} "
            "(acutrack plan --reveal): sessions after that were done knowing it."
        )
    if "started_at" in slots:  # real or sham was shown, and the session never logged
        unfinished = int((slots["started_at"].notna() & slots["session_id"].isna()).sum())
        if unfinished:
            note.append(
                f"{unfinished} planned session(s) were started (real or sham shown) and "
                "never logged: they count as not done."
            )
    return data[complete], blocks[complete], state, planned, note


def _real_sham_slots(plan: pd.DataFrame | list, routine: str | None) -> pd.DataFrame:
    """The plan's real/sham slots: no leave-one-out plan's, and only ``routine``'s if given."""
    slots = _slots(plan)
    if "leave_out" in slots:  # a leave-one-out plan's slots are no real/sham test
        left = slots["leave_out"].notna()
        if "plan" in slots:
            left = slots["plan"].isin(slots.loc[left, "plan"])
        slots = slots[~left]
    if routine is not None and "routine" in slots:
        base = routine.removesuffix("-sham")
        slots = slots[slots["routine"].isin([base, f"{base}-sham"])]
    return slots


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
    data, blocks, state, planned, note = _planned(sessions, slots, routine, today)
    method = "randomisation test within the plan's blocks" if slots is not None else "none"
    real = (data["condition"] == "real").to_numpy()
    before = data["pain_before"].to_numpy(dtype=float)
    drops = before - data["pain_after"].to_numpy(dtype=float)
    n_real, n_sham = int(real.sum()), int((~real).sum())
    verdict, p, ci, alpha = sham_verdict(
        drops,
        real,
        blocks if blocks is not None else np.zeros(len(drops)),
        state=state,
        planned_blocks=planned,
    )
    follow_real, follow_sham = _follow_up_drops(data, ratings)
    nan = math.nan
    both = n_real > 0 and n_sham > 0
    return RealVsSham(
        verdict=verdict,
        plan_state=state,
        n=int(drops.size),
        n_real=n_real,
        n_sham=n_sham,
        blocks_done=len(np.unique(blocks)) if blocks is not None else 0,
        blocks_planned=planned,
        estimate=float(drops[real].mean() - drops[~real].mean()) if both else nan,
        ci=ci,
        p_value=p,
        alpha=alpha,
        smallest_p=smallest_p(real, blocks) if blocks is not None and both else nan,
        method=method,
        mean_real=float(drops[real].mean()) if n_real else nan,
        mean_sham=float(drops[~real].mean()) if n_sham else nan,
        adjusted_estimate=_adjusted(drops, real, before, blocks) if both else nan,
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
