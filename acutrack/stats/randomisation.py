"""The within-block randomisation test of a planned real/sham experiment, computed exactly.

A plan assigns real and sham at random within each block (two real and two sham in a
block of four, say). Under the hypothesis that real and sham relieve alike, every other
assignment the plan could have drawn was as likely as the one it drew, so the test
compares the observed difference with the differences of all of them. Its p-value is
exact whatever pain does from day to day (drift, flares, autocorrelation), because it
rests on the plan's own coin tosses.

Two statistics are offered, both sums over the real sessions of values fixed under the
hypothesis, so that the same exact computation serves both:

- ``"raw"``: the drops themselves (real − sham mean drop);
- ``"adjusted"``: the drops with the starting pain and the blocks regressed out, the
  regression fitted without the labels. Much of a session's drop is regression to the
  mean (sessions start when pain is up); taking it out narrows the test's spread, as an
  analysis of covariance does, and the estimate it inverts to is the ANCOVA estimate.
  The pain before is rated before real or sham is shown, so it is a fair covariate.

Enumerating every assignment (6 per block of four: 6¹⁰ for ten blocks) is not needed:
the real sum is a sum over blocks of independent choices, so its distribution is the
convolution of each block's few possible sums, on a grid of twentieths of a point. The
grid only rounds the values the test sums, so the test stays exact for what it sums.
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np

from ..tables import STATISTICS

__all__ = [
    "STATISTICS",
    "Design",
    "check_statistic",
    "estimate",
    "randomisation_ci",
    "randomisation_test",
    "smallest_p",
]

ALPHA = 0.05
#: Values are summed on a grid of this many steps per point: rounding them costs no
#: exactness, and a finer grid costs time without changing a verdict.
GRID = 20
#: An interval's ends are found to this many steps per point.
RESOLUTION = 100
#: Blocks with at most this many ways to choose their real sessions are enumerated.
ENUMERATED = 256
#: Differences in drop beyond this many points cannot happen on a 0–10 scale.
LIMIT = 20.0


def _blocks(blocks: np.ndarray) -> list[np.ndarray]:
    """Positions of each block's sessions."""
    order = np.argsort(blocks, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(blocks[order])) + 1)


@functools.cache
def _choices(size: int, k: int) -> np.ndarray:
    """Every way to choose ``k`` of ``size`` positions, one row each."""
    return np.array(list(itertools.combinations(range(size), k)), dtype=np.intp).reshape(-1, k)


def _block_sums(values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each possible sum of ``k`` of ``values`` (integers) and its probability.

    A plan's small blocks are enumerated (6 choices in a block of four); a large block is
    counted by dynamic programming over the values (how many ways to choose ``j`` of the
    first ones with each sum), which costs no enumeration of its choices.
    """
    if math.comb(values.size, k) <= ENUMERATED:
        sums, counts = np.unique(values[_choices(values.size, k)].sum(axis=1), return_counts=True)
        return sums, counts / counts.sum()
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


def check_statistic(statistic: str) -> str:
    """``statistic`` if it is one of `STATISTICS`; else a ValueError that lists them."""
    if statistic not in STATISTICS:
        raise ValueError(f"statistic must be one of {STATISTICS}, not {statistic!r}")
    return statistic


class Design:
    """A plan's labels and blocks, and what the statistic takes out of the drops: one
    design serves every test, estimate and interval of the same sessions.

    For ``"adjusted"``, an orthonormal basis of the block indicators and the starting
    pain: the values summed are the drops' residuals from it. A covariate that adds
    nothing to the blocks (or leaves the labels explained) is dropped, keeping the test
    defined on any data.
    """

    def __init__(self, real, blocks, before=None, statistic: str = "raw"):
        check_statistic(statistic)
        self.real = np.asarray(real, dtype=bool)
        self.groups = _blocks(np.asarray(blocks))
        self.basis = None
        if statistic == "adjusted":
            self.basis = self._basis(before)

    def _basis(self, before) -> np.ndarray:
        n = self.real.size
        dummies = np.zeros((n, len(self.groups)))
        for j, members in enumerate(self.groups):
            dummies[members, j] = 1.0
        columns = [dummies]
        if before is not None and np.ptp(np.asarray(before, dtype=float)) > 0:
            columns.append(np.asarray(before, dtype=float)[:, None])
        u, s, _ = np.linalg.svd(np.column_stack(columns), full_matrices=False)
        basis = u[:, s > 1e-9 * s.max()]
        if self._residual(self.real.astype(float), basis) @ self.real < 1e-9:
            return self._basis(None)  # the covariate explains the labels: blocks only
        return basis

    @staticmethod
    def _residual(y: np.ndarray, basis: np.ndarray | None) -> np.ndarray:
        return y if basis is None else y - basis @ (basis.T @ y)

    def values(self, drops: np.ndarray, shift: float) -> np.ndarray:
        """What the test sums over the real sessions, under "real relieves ``shift`` more"."""
        return self._residual(np.asarray(drops, dtype=float) - shift * self.real, self.basis)

    def estimate(self, drops: np.ndarray) -> float:
        """The shift whose values balance between real and sham: the point estimate."""
        x = self._residual(self.real.astype(float), self.basis)
        if self.basis is None:
            x = self.real - self.real.mean()
        return float(self._residual(np.asarray(drops, dtype=float), self.basis) @ x / (x @ x))

    def p(self, drops: np.ndarray, shift: float = 0.0) -> float:
        """Exact two-sided p-value of the hypothesis that real relieves ``shift`` more."""
        n_real = int(self.real.sum())
        if n_real in (0, self.real.size):
            return math.nan
        values = np.round(self.values(drops, shift) * GRID).astype(np.int64)
        dist, low = _null(values, self.real, self.groups)
        # mean(real) − mean(sham) grows with the real sum T; it is 0 at T = centre.
        centre = values.sum() * n_real / self.real.size
        observed = abs(values[self.real].sum() - centre)
        t = np.arange(dist.size) + low
        return float(min(1.0, dist[np.abs(t - centre) >= observed - 1e-9].sum()))

    def interval(
        self, drops: np.ndarray, alpha: float = ALPHA, marks: tuple[float, ...] = (0, -1, 1)
    ) -> tuple[float, float]:
        """The shifts the test does not reject at ``alpha``, from end to end.

        The search outwards from the estimate first tries each of ``marks`` (no
        difference, and ±1 point) on its side, and seeks the end before the first mark the
        test rejects: so the interval excludes a mark exactly when the test rejects it,
        and a verdict read from the test agrees with the interval by construction. Ends
        are found to ``1 / RESOLUTION`` by bisection; one beyond ±`LIMIT` is infinite.
        """
        if self.real.all() or not self.real.any():
            return (math.nan, math.nan)
        centre = self.estimate(drops)

        def accepted(shift: float) -> bool:
            return self.p(drops, shift) > alpha

        def edge(direction: int) -> float:
            inside = centre
            ahead = sorted(
                (m for m in marks if (m - centre) * direction > 0), key=direction.__mul__
            )
            for outside in [*ahead, centre + direction * LIMIT]:
                if not accepted(outside):
                    break
                inside = outside
            else:
                return direction * math.inf
            while abs(outside - inside) > 1 / RESOLUTION:
                middle = (inside + outside) / 2
                inside, outside = (middle, outside) if accepted(middle) else (inside, middle)
            return inside

        return (float(edge(-1)), float(edge(1)))


def randomisation_test(
    drops: np.ndarray,
    real: np.ndarray,
    blocks: np.ndarray,
    *,
    shift: float = 0.0,
    before: np.ndarray | None = None,
    statistic: str = "raw",
) -> float:
    """Exact two-sided p-value of real against sham, shuffling labels within blocks.

    Parameters
    ----------
    drops : array
        Drop in pain of each session.
    real : array of bool
        True for real sessions.
    blocks : array
        Each session's randomisation block; every block's own count of real sessions is
        kept, as the plan kept it.
    shift : float
        Test the hypothesis that real relieves ``shift`` points more than sham (0: alike).
    before : array, optional
        Pain before each session: the covariate of the ``"adjusted"`` statistic.
    statistic : {"raw", "adjusted"}
        Sum the drops, or the drops adjusted for the starting pain and the blocks.

    Returns
    -------
    float
        The share of the plan's possible assignments whose statistic is at least as far
        from balance as the one observed (the observed one included).
    """
    return Design(real, blocks, before, statistic).p(drops, shift)


def estimate(
    drops: np.ndarray,
    real: np.ndarray,
    blocks: np.ndarray,
    *,
    before: np.ndarray | None = None,
    statistic: str = "raw",
) -> float:
    """Real − sham difference the test is centred on.

    ``"raw"``: the difference of mean drops; ``"adjusted"``: the least-squares coefficient
    of real in a regression of the drop on real, the blocks and the starting pain.
    """
    return Design(real, blocks, before, statistic).estimate(drops)


def smallest_p(real: np.ndarray, blocks: np.ndarray) -> float:
    """The smallest two-sided p-value the design can give: 2 ÷ its number of assignments."""
    real = np.asarray(real, dtype=bool)
    count = 1
    for members in _blocks(np.asarray(blocks)):
        count *= math.comb(members.size, int(real[members].sum()))
    return min(1.0, 2 / count)


def randomisation_ci(
    drops: np.ndarray,
    real: np.ndarray,
    blocks: np.ndarray,
    *,
    alpha: float = ALPHA,
    before: np.ndarray | None = None,
    statistic: str = "raw",
) -> tuple[float, float]:
    """Interval of the real − sham difference, by inverting `randomisation_test`.

    Each end is the farthest shift from the estimate that the test does not reject at
    ``alpha``, found to a hundredth of a point (`Design.interval`). An end that no
    difference within ±20 points reaches is infinite: the data cannot bound it.
    """
    return Design(real, blocks, before, statistic).interval(drops, alpha)
