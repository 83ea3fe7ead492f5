"""Real against sham: two groups of sessions compared fairly.

With a randomised plan, the randomisation test shuffles the real/sham labels only within
the plan's blocks, exactly as the plan could have fallen out; it is valid although pain on
nearby days is correlated. Without a plan all sessions form one block: a permutation test
that assumes sessions are exchangeable, which is weaker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .paired import SEED, bootstrap_ci, resamples_for
from .results import Result, fmt, fmt_ci, fmt_p

__all__ = [
    "RealVsSham",
    "compared_sessions",
    "hedges_g",
    "randomisation_p",
    "real_vs_sham",
    "sessions_for_power",
]

RESAMPLES = 9999
POWER, ALPHA = 0.8, 0.05


def _mean_difference(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(a, axis=axis) - np.mean(b, axis=axis)


def _groups(blocks: np.ndarray) -> list[np.ndarray]:
    """Positions of each block's sessions."""
    order = np.argsort(blocks, kind="stable")
    edges = np.flatnonzero(np.diff(blocks[order])) + 1
    return np.split(order, edges)


def randomisation_p(
    drops: np.ndarray,
    real: np.ndarray,
    blocks: np.ndarray | None = None,
    *,
    resamples: int | None = None,
    seed: int = SEED,
) -> float:
    """Two-sided p-value of mean(real) − mean(sham), shuffling labels within blocks.

    Parameters
    ----------
    drops : array of float
    real : array of bool
        True for real sessions.
    blocks : array, optional
        Block of each session; one block (a plain permutation test) when None.
    resamples : int, optional
        Random relabellings (Monte Carlo); p is ``(1 + hits) / (1 + resamples)``. By
        default 9,999, fewer (at least 1,999) for very long diaries.
    """
    drops = np.asarray(drops, dtype=float)
    real = np.asarray(real, dtype=bool)
    n = drops.size
    if real.all() or not real.any():
        return np.nan
    resamples = resamples or resamples_for(n, RESAMPLES)
    groups = [np.arange(n)] if blocks is None else _groups(np.asarray(blocks))
    rng = np.random.default_rng(seed)
    n_real = real.sum()
    observed = drops[real].mean() - drops[~real].mean()
    hits = 0
    batch = max(1, 2_000_000 // n)  # bounded memory however long the diary
    for start in range(0, resamples, batch):
        size = min(batch, resamples - start)
        labels = np.empty((size, n), dtype=bool)
        for members in groups:  # shuffle the labels within each block, all resamples at once
            labels[:, members] = rng.permuted(np.tile(real[members], (size, 1)), axis=1)
        sums = labels @ drops
        stats = sums / n_real - (drops.sum() - sums) / (n - n_real)
        hits += np.count_nonzero(np.abs(stats) >= abs(observed) - 1e-12)
    return float((1 + hits) / (1 + resamples))


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


def sessions_for_power(effect_size: float, power: float = POWER, alpha: float = ALPHA) -> float:
    """Sessions per group a two-sample t-test needs to detect ``effect_size`` (Cohen's d)."""
    from statsmodels.stats.power import TTestIndPower

    if not np.isfinite(effect_size) or abs(effect_size) < 1e-6:
        return np.nan
    return float(
        TTestIndPower().solve_power(effect_size=abs(effect_size), alpha=alpha, power=power)
    )


@dataclass(frozen=True)
class RealVsSham(Result):
    """Real against sham sessions.

    Attributes
    ----------
    n, n_real, n_sham : int
        Sessions compared.
    estimate : float
        Mean drop of real minus mean drop of sham (positive: real relieved more).
    ci : (float, float)
        95 % bootstrap CI of ``estimate``.
    p_value : float
        Randomisation test (within plan blocks) or permutation test (no plan).
    method : str
        Which test, in words.
    mean_real, mean_sham : float
        Mean drop in each group.
    adjusted_estimate, adjusted_ci : float, (float, float)
        Real − sham adjusted for the starting pain (and the plan's blocks), by OLS.
    durability_estimate, durability_ci : float, (float, float)
        Real − sham in the drop still present at the first follow-up rating.
    n_followup_real, n_followup_sham : int
    hedges_g : float
        Standardised difference of the drops.
    sessions_needed : float
        Sessions per group for 80 % power to detect a difference as large as the one seen.
    more_real, more_sham : float
        How many more sessions of each kind that means (0 when already there).
    note : str
    """

    n: int
    n_real: int
    n_sham: int
    estimate: float
    ci: tuple[float, float]
    p_value: float
    method: str
    mean_real: float
    mean_sham: float
    adjusted_estimate: float
    adjusted_ci: tuple[float, float]
    durability_estimate: float
    durability_ci: tuple[float, float]
    n_followup_real: int
    n_followup_sham: int
    hedges_g: float
    sessions_needed: float
    more_real: float
    more_sham: float
    note: str = ""

    def summary(self) -> str:
        if self.n_real == 0 or self.n_sham == 0:
            missing = "real" if self.n_real == 0 else "sham"
            return (
                f"No {missing} sessions yet ({self.n_real} real, {self.n_sham} sham), so real "
                "and sham cannot be compared. A randomised plan (acutrack plan) sets them up."
            )
        parts = [
            f"Real sessions lowered pain by {fmt(self.mean_real)} points on average and sham "
            f"sessions by {fmt(self.mean_sham)} ({self.n_real} real, {self.n_sham} sham): "
            f"real minus sham is {fmt(self.estimate)} points (95 % CI {fmt_ci(self.ci)})."
        ]
        if np.isfinite(self.ci[0]) and self.ci[0] > 0:
            parts.append(
                "The interval lies above zero: in this diary real pressure relieved more than "
                f"sham ({self.method}, {fmt_p(self.p_value)})."
            )
        elif np.isfinite(self.ci[1]) and self.ci[1] < 0:
            parts.append(
                "The interval lies below zero: in this diary sham relieved more than real "
                f"({self.method}, {fmt_p(self.p_value)})."
            )
        else:
            parts.append(
                "The interval includes zero, so these data are not enough to tell whether real "
                f"and sham differ ({self.method}, {fmt_p(self.p_value)})."
            )
        if np.isfinite(self.more_real) and (self.more_real > 0 or self.more_sham > 0):
            parts.append(
                f"To detect a difference this large with 80 % power would take about "
                f"{self.sessions_needed:.0f} sessions of each kind: {self.more_real:.0f} more "
                f"real and {self.more_sham:.0f} more sham."
            )
        if self.n_followup_real and self.n_followup_sham:
            parts.append(
                f"At the follow-up ratings, real minus sham was {fmt(self.durability_estimate)} "
                f"points (95 % CI {fmt_ci(self.durability_ci)}; {self.n_followup_real} real, "
                f"{self.n_followup_sham} sham follow-ups)."
            )
        if self.note:
            parts.append(self.note)
        return " ".join(parts)


def _adjusted(drops, real, before, blocks) -> tuple[float, tuple[float, float]]:
    """OLS of the drop on real/sham, the starting pain and (with a plan) the blocks."""
    import statsmodels.api as sm

    columns = [np.ones_like(drops), real.astype(float)]
    if np.ptp(before) > 0:  # a starting pain that never varies explains nothing
        columns.append(before - before.mean())
    if blocks is not None:
        dummies = pd.get_dummies(blocks, drop_first=True, dtype=float).to_numpy()
        columns += list(dummies.T)
    design = np.column_stack(columns)
    rank = np.linalg.matrix_rank(design)
    if rank < design.shape[1] or drops.size - rank < 2:
        return np.nan, (np.nan, np.nan)
    fit = sm.OLS(drops, design).fit()
    low, high = fit.conf_int(0.05)[1]
    return float(fit.params[1]), (float(low), float(high))


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
    slots = plan if isinstance(plan, pd.DataFrame) else pd.DataFrame([vars(s) for s in plan])
    if slots.empty:
        return data.iloc[:0], np.array([]), len(data)
    done = slots.dropna(subset=["session_id"]).set_index("session_id")["block"]
    on_plan = data["id"].isin(done.index)
    data = data[on_plan]
    return data, data["id"].map(done).to_numpy(), int((~on_plan).sum())


def real_vs_sham(
    sessions: pd.DataFrame,
    *,
    ratings: pd.DataFrame | None = None,
    plan: pd.DataFrame | list | None = None,
    routine: str | None = None,
    resamples: int | None = None,
    seed: int = SEED,
) -> RealVsSham:
    """Compare the drop in pain of real and sham sessions.

    Parameters
    ----------
    sessions : DataFrame
        As `Journal.sessions` returns it.
    ratings : DataFrame, optional
        As `Journal.ratings` returns it; follow-up ratings measure durability.
    plan : DataFrame or list of Slot, optional
        The experiment plan's slots (``session_id``, ``block``): only the sessions that
        fulfilled a slot are compared, with the randomisation test within blocks. Without
        a plan every real and sham session is compared by a permutation test.
    routine : str, optional
        Keep only this routine and its sham twin (``back`` keeps ``back`` and
        ``back-sham``).
    resamples, seed : int
        For the randomisation test.

    Returns
    -------
    RealVsSham
    """
    data, blocks, off = compared_sessions(sessions, plan=plan, routine=routine)
    note = []
    if blocks is not None:
        method = "randomisation test within the plan's blocks"
        if off:
            note.append(f"{off} session(s) outside the plan were left out of this comparison.")
    else:
        method = "permutation test"
        note.append(
            "These sessions were not assigned by a randomised plan, so the comparison is "
            "weaker: real and sham may differ in when and why they were chosen."
        )
    real = (data["condition"] == "real").to_numpy()
    before = data["pain_before"].to_numpy(dtype=float)
    drops = before - data["pain_after"].to_numpy(dtype=float)
    real_drops, sham_drops = drops[real], drops[~real]
    nan = float("nan")
    n_real, n_sham = int(real.sum()), int((~real).sum())
    if min(n_real, n_sham) < 2:
        note.append("At least two sessions of each kind are needed for an interval and a test.")

    follow_real = follow_sham = np.array([])
    if ratings is not None and len(data):
        first = ratings.dropna(subset=["session_id"]).drop_duplicates("session_id")
        merged = data.merge(first[["session_id", "pain"]], left_on="id", right_on="session_id")
        kept = (merged["pain_before"] - merged["pain"]).to_numpy(dtype=float)
        is_real = (merged["condition"] == "real").to_numpy()
        follow_real, follow_sham = kept[is_real], kept[~is_real]

    g = hedges_g(real_drops, sham_drops)
    needed = sessions_for_power(g)
    adjusted, adjusted_ci = (
        _adjusted(drops, real, before, blocks) if min(n_real, n_sham) >= 2 else (nan, (nan, nan))
    )
    return RealVsSham(
        n=int(drops.size),
        n_real=n_real,
        n_sham=n_sham,
        estimate=float(real_drops.mean() - sham_drops.mean()) if n_real and n_sham else nan,
        ci=bootstrap_ci(real_drops, sham_drops, statistic=_mean_difference),
        p_value=randomisation_p(drops, real, blocks, resamples=resamples, seed=seed)
        if min(n_real, n_sham) >= 2
        else nan,
        method=method,
        mean_real=float(real_drops.mean()) if n_real else nan,
        mean_sham=float(sham_drops.mean()) if n_sham else nan,
        adjusted_estimate=adjusted,
        adjusted_ci=adjusted_ci,
        durability_estimate=float(follow_real.mean() - follow_sham.mean())
        if follow_real.size and follow_sham.size
        else nan,
        durability_ci=bootstrap_ci(follow_real, follow_sham, statistic=_mean_difference),
        n_followup_real=int(follow_real.size),
        n_followup_sham=int(follow_sham.size),
        hedges_g=g,
        sessions_needed=math.ceil(needed) if np.isfinite(needed) else nan,
        more_real=max(0, math.ceil(needed) - n_real) if np.isfinite(needed) else nan,
        more_sham=max(0, math.ceil(needed) - n_sham) if np.isfinite(needed) else nan,
        note=" ".join(note),
    )
