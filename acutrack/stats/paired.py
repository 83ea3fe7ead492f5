"""Statistics of paired pain ratings (before and after a session).

Pain on the 0–10 scale is a small integer: drops tie often and are often zero, so
confidence intervals come from the bootstrap rather than from a normal approximation, and
the rank-biserial correlation leaves zero drops out of the ranking.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = [
    "bootstrap_ci",
    "hodges_lehmann",
    "rank_biserial",
]

LEVEL = 0.95
RESAMPLES = 9999
SEED = 20070
# Resampling work is capped for long diaries: 9,999 resamples up to 500 values, fewer
# (never under 1,999, ample for a 95 % interval) beyond, so ten years take seconds.
WORK = 5_000_000


def resamples_for(n: int, wanted: int = RESAMPLES) -> int:
    """How many resamples to draw for ``n`` values."""
    return int(min(wanted, max(1999, WORK // max(n, 1))))


def bootstrap_ci(
    *samples: np.ndarray, statistic=np.mean, level: float = LEVEL, seed: int = SEED
) -> tuple[float, float]:
    """Bootstrap confidence interval (BCa, percentile where BCa is undefined).

    One sample with ``statistic`` (default: its mean), or several resampled independently
    (e.g. two groups and the difference of their means). A sample with fewer than two
    values gives ``(nan, nan)``; samples that do not vary give the statistic twice.
    """
    from scipy import stats as sps  # here: loading SciPy takes a second

    samples = tuple(np.asarray(s, dtype=float) for s in samples)
    if any(s.size < 2 for s in samples):
        return (np.nan, np.nan)
    if all(np.all(s == s[0]) for s in samples):
        value = float(statistic(*samples, axis=-1))
        return (value, value)
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # BCa on very discrete data may be degenerate
            res = sps.bootstrap(
                samples,
                statistic,
                confidence_level=level,
                n_resamples=resamples_for(max(s.size for s in samples)),
                method=method,
                rng=np.random.default_rng(seed),
                vectorized=True,
                batch=max(1, 2_000_000 // max(s.size for s in samples)),  # bounded memory
            )
        low, high = res.confidence_interval
        if np.isfinite(low) and np.isfinite(high):
            return (float(low), float(high))
    return (np.nan, np.nan)


def hodges_lehmann(drops: np.ndarray) -> float:
    """Median of the Walsh averages: the signed-rank test's own estimate of the typical drop.

    Computed exactly from the distinct values and their counts, so a diary of thousands of
    integer drops needs no table of millions of pairs.
    """
    drops = np.asarray(drops, dtype=float)
    if drops.size == 0:
        return np.nan
    values, counts = np.unique(drops, return_counts=True)
    i, j = np.triu_indices(values.size)
    averages = (values[i] + values[j]) / 2
    # pairs (a, b) with a <= b by position: c_i * c_j across values, c (c + 1) / 2 within one
    weights = np.where(i == j, counts[i] * (counts[i] + 1) // 2, counts[i] * counts[j])
    order = np.argsort(averages, kind="stable")
    averages, cumulative = averages[order], np.cumsum(weights[order])
    total = cumulative[-1]
    lower = averages[np.searchsorted(cumulative, (total - 1) // 2, side="right")]
    upper = averages[np.searchsorted(cumulative, total // 2, side="right")]
    return float((lower + upper) / 2)


def rank_biserial(drops: np.ndarray) -> float:
    """Matched-pairs rank-biserial correlation (Kerby 2014), positive when pain went down.

    ``(R+ − R−) / (R+ + R−)`` with the ranks of the absolute non-zero drops; 0 when every
    drop is zero, NaN when there are none.
    """
    from scipy import stats as sps  # here: loading SciPy takes a second

    drops = np.asarray(drops, dtype=float)
    nonzero = drops[drops != 0]
    if drops.size == 0:
        return np.nan
    if nonzero.size == 0:
        return 0.0
    ranks = sps.rankdata(np.abs(nonzero))
    return float((ranks[nonzero > 0].sum() - ranks[nonzero < 0].sum()) / ranks.sum())
