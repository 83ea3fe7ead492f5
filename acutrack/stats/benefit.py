"""The probability a person asks for: does real relieve at least 1 point more than sham?

Beside the exact test's verdict, a finished plan says how probable a worthwhile benefit
is. The model is deliberately simple and sceptical:

- the likelihood is normal, around the adjusted real − sham estimate, with a standard
  error that allows for drops alike from one session to the next (Newey–West, on the
  sessions in the order they were done);
- the prior on the true difference is normal, centred on no difference, with SD 1.5
  points: a difference of 3 points or more either way is thought unlikely (about 5 %)
  before any data.

How well the probability holds is measured on realistic simulated diaries with true
differences spread from 0 to 2 points (`acutrack.stats.calibration`, a reliability
table): of the diaries where it says 70–90 %, how many truly had 1 point or more.
"""

from __future__ import annotations

import math

import numpy as np

from .randomisation import Design

__all__ = ["MARGIN", "PRIOR_SD", "benefit_in_words", "prob_benefit", "standard_error"]

#: The difference that matters: real relieving at least this many points more than sham.
MARGIN = 1.0
#: SD (points) of the sceptical prior on the real − sham difference, centred on 0.
PRIOR_SD = 1.5


def standard_error(
    drops: np.ndarray, real: np.ndarray, blocks: np.ndarray, before: np.ndarray | None = None
) -> tuple[float, float]:
    """The adjusted real − sham estimate and its autocorrelation-aware standard error.

    The estimate is least squares of the drop on real, the blocks and the starting pain
    (the ANCOVA estimate, as `acutrack.stats.randomisation.estimate`). Its variance is the
    Newey–West sandwich with Bartlett weights up to lag ⌈n^(1/3)⌉, over the sessions in
    the order given, with the small-sample factor n / (n − parameters).

    Returns
    -------
    (float, float)
        Estimate and standard error; NaN when the data cannot give them.
    """
    design = Design(real, blocks, before, "adjusted")
    y = np.asarray(drops, dtype=float)
    n, k = y.size, design.basis.shape[1] + 1  # the label, the blocks and the starting pain
    if design.real.all() or not design.real.any() or n - k < 2:
        return math.nan, math.nan
    estimate = design.estimate(y)
    # The label's part of the design, the blocks and starting pain taken out (Frisch–Waugh).
    x = design.values(design.real.astype(float), 0.0)
    u = x * design.values(y, estimate)  # each session's residual, times its label's part
    lags = math.ceil(n ** (1 / 3))
    long_run = u @ u + 2 * sum((1 - h / (lags + 1)) * (u[h:] @ u[:-h]) for h in range(1, lags + 1))
    # Never below the independent-sessions variance: the labels alternate within blocks,
    # and a negative lag term would claim more certainty than the sessions hold.
    variance = max(long_run, u @ u) * n / (n - k) / (x @ x) ** 2
    return estimate, math.sqrt(variance)


def prob_benefit(estimate: float, se: float, *, margin: float = MARGIN) -> float:
    """Probability that real relieves at least ``margin`` points more than sham.

    Normal likelihood (``estimate``, ``se``) and the sceptical normal prior (mean 0,
    SD `PRIOR_SD`): the posterior is normal, with precision the sum of the two.
    """
    if not (math.isfinite(estimate) and math.isfinite(se)) or se <= 0:
        return math.nan
    precision = 1 / PRIOR_SD**2 + 1 / se**2
    mean = estimate / se**2 / precision
    return float(0.5 * math.erfc((margin - mean) * math.sqrt(precision / 2)))


def benefit_in_words(probability: float) -> str:
    """``about 8 in 10`` (rounded to tenths, with "fewer than 1" and "more than 9")."""
    tenths = round(probability * 10)
    if tenths < 1:
        return "less than 1 in 10"
    if tenths > 9:
        return "more than 9 in 10"
    return f"about {tenths} in 10"
