"""What each quantity can be, and its intervals shown within that: the one rule for every
chart, table and sentence that shows an interval.

A 95 % interval from a t distribution or a long-run variance knows nothing of the 0–10
scale: with two sessions it can run from −25 to 30. The statistics keep the raw interval;
what is shown is cut at the quantity's limits (a pain 0…10, a drop −10…10, a difference
of two drops −20…20), with the cut said, and a group of fewer than `MIN_FOR_INTERVAL`
sessions shows no interval at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .results import fmt_ci

__all__ = [
    "DIFFERENCE",
    "DROP",
    "MIN_FOR_INTERVAL",
    "PAIN",
    "TOO_FEW",
    "Scale",
    "interval_words",
]

#: Sessions a group needs before its interval is shown.
MIN_FOR_INTERVAL = 3
TOO_FEW = "too few sessions for an interval"


@dataclass(frozen=True)
class Scale:
    """The limits of a quantity on the 0–10 pain scale.

    Attributes
    ----------
    low, high : float
    """

    low: float
    high: float

    def clip(self, ci: tuple[float, float]) -> tuple[float, float, bool, bool]:
        """``ci`` cut at the limits: ``(low, high, low_cut, high_cut)``.

        NaN ends stay NaN (and are not cut).
        """
        low, high = (float(end) for end in ci)
        low_cut, high_cut = low < self.low, high > self.high
        return (
            self.low if low_cut else low,
            self.high if high_cut else high,
            low_cut,
            high_cut,
        )


PAIN = Scale(0, 10)
DROP = Scale(-10, 10)
#: A difference of two drops (real − sham, with a point − without it).
DIFFERENCE = Scale(-20, 20)


def interval_words(
    ci: tuple[float, float],
    scale: Scale,
    *,
    n: int | None = None,
    missing: str = "n/a",
) -> str:
    """An interval for people, within what its quantity allows.

    Parameters
    ----------
    ci : (float, float)
        The raw interval.
    scale : Scale
        `PAIN`, `DROP` or `DIFFERENCE`.
    n : int, optional
        Sessions in the group (the smaller group for a difference): below
        `MIN_FOR_INTERVAL`, `TOO_FEW` is said instead of an interval.
    missing : str
        Said when either end is missing.

    Returns
    -------
    str
        ``0.4 to 2.1``; ``−10 to 7.2 (cut at the scale's end)`` when an end was cut.

    Examples
    --------
    >>> interval_words((-25.6, 29.6), DROP)
    '−10.0 to 10.0 (cut at both ends of the scale)'
    >>> interval_words((-25.6, 29.6), DROP, n=2)
    'too few sessions for an interval'
    """
    if n is not None and n < MIN_FOR_INTERVAL:
        return TOO_FEW
    if any(end is None or math.isnan(float(end)) for end in ci):
        return missing
    low, high, low_cut, high_cut = scale.clip(ci)
    words = fmt_ci((low, high), missing=missing)
    if low_cut and high_cut:
        return f"{words} (cut at both ends of the scale)"
    if low_cut or high_cut:
        return f"{words} (cut at the scale's end)"
    return words
