"""Responder rates: the share of sessions (or patients) whose pain fell by at least 30 %."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidValue
from .results import Result, fmt_ci, fmt_p

__all__ = ["Responders", "compare_responders"]


@dataclass(frozen=True)
class Responders(Result):
    """Two responder rates compared.

    Attributes
    ----------
    n : int
        ``n1 + n2``.
    rate1, rate2 : float
        ``k1 / n1`` and ``k2 / n2``.
    estimate : float
        ``rate1 − rate2``, as a proportion.
    ci : (float, float)
        Its 95 % CI (Newcombe's hybrid score interval).
    odds_ratio : float
        Sample odds ratio; with a zero count, 0.5 is added to every cell first
        (Haldane–Anscombe), so that it is never infinite.
    odds_ratio_ci : (float, float)
        95 % CI of the conditional maximum-likelihood odds ratio.
    p_value : float
        Fisher's exact test, two-sided.
    """

    n: int
    k1: int
    n1: int
    k2: int
    n2: int
    rate1: float
    rate2: float
    estimate: float
    ci: tuple[float, float]
    odds_ratio: float
    odds_ratio_ci: tuple[float, float]
    p_value: float

    def summary(self) -> str:
        text = (
            f"{self.k1} of {self.n1} ({self.rate1:.1%}) against {self.k2} of {self.n2} "
            f"({self.rate2:.1%}) responded: a difference of {100 * self.estimate:.1f} "
            f"percentage points (95 % CI {fmt_ci(tuple(100 * c for c in self.ci))}), "
            f"Fisher's exact {fmt_p(self.p_value)}."
        )
        if self.ci[0] > 0 or self.ci[1] < 0:
            return text + " The interval excludes no difference."
        return text + (
            " The interval includes no difference, but also differences of "
            f"{100 * max(abs(self.ci[0]), abs(self.ci[1])):.0f} percentage points: these "
            "numbers cannot tell the rates apart, which is not the same as showing they are "
            "alike."
        )


def compare_responders(k1: int, n1: int, k2: int, n2: int) -> Responders:
    """Compare two responder rates, ``k1`` of ``n1`` against ``k2`` of ``n2``.

    Examples
    --------
    GERAC (Haake et al. 2007), responders at six months, verum against sham acupuncture:

    >>> r = compare_responders(184, 387, 171, 387)
    >>> round(r.p_value, 2), round(100 * r.estimate, 1)
    (0.39, 3.4)

    Notes
    -----
    SciPy equivalent of the test: ``scipy.stats.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]])``.
    """
    from scipy import stats as sps  # here: loading SciPy takes a second
    from statsmodels.stats.proportion import confint_proportions_2indep

    for name, k, n in (("k1", k1, n1), ("k2", k2, n2)):
        if not (isinstance(n, int) and n > 0 and isinstance(k, int) and 0 <= k <= n):
            raise InvalidValue(name, k, f"expected a whole number of responders from 0 to {n}")
    table = [[k1, n1 - k1], [k2, n2 - k2]]
    low, high = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
    cells = [k1, n1 - k1, k2, n2 - k2]
    a, b, c, d = [x + 0.5 for x in cells] if 0 in cells else cells
    sample_or = (a * d) / (b * c)
    conditional = sps.contingency.odds_ratio(table).confidence_interval(0.95)
    return Responders(
        n=n1 + n2,
        k1=k1,
        n1=n1,
        k2=k2,
        n2=n2,
        rate1=k1 / n1,
        rate2=k2 / n2,
        estimate=k1 / n1 - k2 / n2,
        ci=(float(low), float(high)),
        odds_ratio=float(sample_or),
        odds_ratio_ci=(float(conditional.low), float(conditional.high)),
        p_value=float(sps.fisher_exact(table).pvalue),
    )
