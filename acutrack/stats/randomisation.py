"""The within-block randomisation test of a planned real/sham experiment, computed exactly.

A plan assigns real and sham at random within each block (two real and two sham in a
block of four, say). Under the hypothesis that real and sham relieve alike, every other
assignment the plan could have drawn was as likely as the one it drew, so the test
compares the observed difference with the differences of all of them. Its p-value is
exact whatever pain does from day to day (drift, flares, autocorrelation), because it
rests on the plan's own coin tosses.

Enumerating every assignment (6 per block of four: 6¹⁰ for ten blocks) is not needed:
the sum of the real sessions' drops is a sum over blocks of independent choices, so its
distribution is the convolution of each block's few possible sums. Drops of whole
points (and, for intervals, shifts of a tenth of a point) make that distribution a short
array of integers' probabilities.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["RESOLUTION", "randomisation_ci", "randomisation_test", "smallest_p"]

ALPHA = 0.05
#: Intervals are found on a grid of this many steps per point, and widened by one step.
RESOLUTION = 10
#: Differences in drop beyond this many points cannot happen on a 0–10 scale.
LIMIT = 20.0


def _blocks(blocks: np.ndarray) -> list[np.ndarray]:
    """Positions of each block's sessions."""
    order = np.argsort(blocks, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(blocks[order])) + 1)


def _block_sums(values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each possible sum of ``k`` of ``values`` (integers) and its probability.

    Counted by dynamic programming over the values (how many ways to choose ``j`` of the
    first ones with each sum), so a large block costs no enumeration of its choices.
    """
    low = int(values.min())
    shifted = values - low
    ways = np.zeros((k + 1, int(shifted.sum()) + 1))
    ways[0, 0] = 1
    for x in shifted.tolist():
        ways[1:, x:] = ways[1:, x:] + ways[:-1, : ways.shape[1] - x]
    sums = np.flatnonzero(ways[k])
    return sums + k * low, ways[k, sums] / ways[k].sum()


def _null(values: np.ndarray, real: np.ndarray, groups: list[np.ndarray]) -> tuple[np.ndarray, int]:
    """Probabilities of each possible real-sum of integer ``values``, and the lowest sum."""
    dist = np.ones(1)
    low = 0
    for members in groups:
        sums, weights = _block_sums(values[members], int(real[members].sum()))
        offsets = sums - sums.min()
        out = np.zeros(dist.size + int(offsets.max()))
        for offset, weight in zip(offsets.tolist(), weights.tolist(), strict=True):
            out[offset : offset + dist.size] += weight * dist  # a block has only a few sums
        dist = out
        low += int(sums.min())
    return dist, low


def randomisation_test(
    drops: np.ndarray, real: np.ndarray, blocks: np.ndarray, *, shift: float = 0.0
) -> float:
    """Exact two-sided p-value of mean(real) − mean(sham), shuffling labels within blocks.

    Parameters
    ----------
    drops : array
        Drop in pain of each session (whole points).
    real : array of bool
        True for real sessions.
    blocks : array
        Each session's randomisation block; every block's own count of real sessions is
        kept, as the plan kept it.
    shift : float
        Test the hypothesis that real relieves ``shift`` points more than sham (0: alike).
        Rounded to a tenth of a point.

    Returns
    -------
    float
        The share of the plan's possible assignments whose difference is at least as far
        from ``shift`` as the one observed (the observed one included).
    """
    drops = np.asarray(drops, dtype=float)
    real = np.asarray(real, dtype=bool)
    n_real = int(real.sum())
    if n_real in (0, real.size):
        return math.nan
    scale = RESOLUTION if shift or not np.all(drops == np.round(drops)) else 1
    values = np.round((drops - real * shift) * scale).astype(np.int64)
    dist, low = _null(values, real, _blocks(np.asarray(blocks)))
    # mean(real) − mean(sham) grows with the real sum T; it is 0 at T = centre.
    centre = values.sum() * n_real / real.size
    observed = abs(values[real].sum() - centre)
    t = np.arange(dist.size) + low
    return float(min(1.0, dist[np.abs(t - centre) >= observed - 1e-9].sum()))


def smallest_p(real: np.ndarray, blocks: np.ndarray) -> float:
    """The smallest two-sided p-value the design can give: 2 ÷ its number of assignments."""
    real = np.asarray(real, dtype=bool)
    count = 1
    for members in _blocks(np.asarray(blocks)):
        count *= math.comb(members.size, int(real[members].sum()))
    return min(1.0, 2 / count)


def randomisation_ci(
    drops: np.ndarray, real: np.ndarray, blocks: np.ndarray, *, alpha: float = ALPHA
) -> tuple[float, float]:
    """Interval of the real − sham difference, by inverting `randomisation_test`.

    Every shift of the real sessions' drops that the test does not reject at ``alpha``
    is in the interval; its ends are found to a tenth of a point and widened by one
    tenth, so the interval covers at least as often as the test promises. An end that
    no difference within ±20 points reaches is infinite: the data cannot bound it.
    """
    drops = np.asarray(drops, dtype=float)
    real = np.asarray(real, dtype=bool)
    if real.all() or not real.any():
        return (math.nan, math.nan)
    step = 1 / RESOLUTION
    estimate = drops[real].mean() - drops[~real].mean()
    centre = round(estimate * RESOLUTION) / RESOLUTION

    def accepted(shift: float) -> bool:
        return randomisation_test(drops, real, blocks, shift=shift) > alpha

    def edge(direction: int) -> float:
        """The farthest accepted shift from the estimate in ``direction``, by bisection."""
        inside, outside = 0, round(LIMIT * RESOLUTION)
        if accepted(centre + direction * outside * step):
            return direction * math.inf
        while outside - inside > 1:
            middle = (inside + outside) // 2
            if accepted(centre + direction * middle * step):
                inside = middle
            else:
                outside = middle
        return centre + direction * (inside + 1) * step

    return (float(edge(-1)), float(edge(1)))
