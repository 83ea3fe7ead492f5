"""Tables for the real/sham experiment: drops by condition, and responder rates beside GERAC."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..stats import compared_sessions, mean_drop_interval
from ..stats.before_after import autocorrelation_inflation
from ..stats.real_sham import first_follow_ups

__all__ = ["GERAC", "GERAC_PUBLISHED", "GERAC_RESPONDER", "condition_drops", "responder_rates"]

# GERAC low-back-pain trial (Haake et al., Arch Intern Med 2007): responders at six months,
# as published (percentages of each arm), and the counts reconstructed from them.
GERAC_PUBLISHED = {
    "GERAC verum acupuncture": 0.476,
    "GERAC sham acupuncture": 0.442,
    "GERAC conventional care": 0.274,
}
GERAC = {
    "GERAC verum acupuncture": (184, 387),
    "GERAC sham acupuncture": (171, 387),
    "GERAC conventional care": (106, 388),
}
GERAC_RESPONDER = (
    "GERAC counted a patient as a responder after six months when pain improved by at "
    "least 33 % on three pain items of the Von Korff Chronic Pain Grade Scale, or function "
    "by at least 12 % on the Hanover Functional Ability Questionnaire; patients who found "
    "out which treatment they had were counted as non-responders. It published 47.6 % "
    "(verum), 44.2 % (sham) and 27.4 % (conventional care); counts such as 184 of 387 are "
    "reconstructed from those percentages."
)
RESPONSE = 0.3  # a session responds when pain falls by at least 30 %


def condition_drops(
    sessions: pd.DataFrame,
    ratings: pd.DataFrame | None = None,
    *,
    plan=None,
    routine: str | None = None,
) -> pd.DataFrame:
    """Mean drop in pain for real and sham, right after the session and at follow-up.

    Parameters
    ----------
    sessions, ratings : DataFrame
        As the journal returns them; ratings linked to a session are its follow-ups.
    plan : list of Slot or DataFrame, optional
        Keep only sessions that fulfilled the plan's slots.
    routine : str, optional
        Keep only this routine and its sham twin.

    Returns
    -------
    DataFrame
        ``condition`` (real, sham), ``moment`` ("after the session", "at follow-up"),
        ``n``, ``mean_drop`` and its 95 % interval ``ci_low``, ``ci_high``
        (`acutrack.stats.mean_drop_interval`, which allows for sessions alike from one
        to the next). The follow-up drop is pain before the session minus the first
        follow-up rating.
    """
    data, _, _ = compared_sessions(sessions, plan=plan, routine=routine)
    drops = {"after the session": data.assign(drop=data["pain_before"] - data["pain_after"])}
    if ratings is not None:
        merged = data.merge(first_follow_ups(ratings), left_on="id", right_on="session_id")
        drops["at follow-up"] = merged.assign(drop=merged["pain_before"] - merged["pain"])
    rows = []
    for moment, frame in drops.items():
        for condition in ("real", "sham"):
            values = frame.loc[frame["condition"] == condition, "drop"].to_numpy(dtype=float)
            low, high = mean_drop_interval(values)
            mean = float(values.mean()) if values.size else np.nan
            rows.append((condition, moment, values.size, mean, low, high))
    columns = ["condition", "moment", "n", "mean_drop", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns)


def responder_rates(
    sessions: pd.DataFrame, *, plan=None, routine: str | None = None
) -> pd.DataFrame:
    """Responder rates of your real and sham sessions beside the GERAC trial's.

    A session responds when pain fell by at least 30 % (from a starting pain above 0).

    Returns
    -------
    DataFrame
        ``group``, ``responders``, ``n``, ``rate`` and its 95 % Wilson interval
        ``ci_low``, ``ci_high``; ``source`` is "you" or "GERAC 2007". GERAC counted
        patients after six months (see `GERAC_RESPONDER`), you count sessions: the rates
        sit side by side, they do not measure the same thing. Your sessions are not
        independent (good and bad spells), so their interval is computed on the
        effective number of independent sessions.
    """
    data, _, _ = compared_sessions(sessions, plan=plan, routine=routine)
    before = data["pain_before"].to_numpy(dtype=float)
    drop = before - data["pain_after"].to_numpy(dtype=float)
    responded = (before > 0) & (drop >= RESPONSE * before)
    yours = {
        f"your {c} sessions": responded[(data["condition"] == c).to_numpy()]
        for c in ("real", "sham")
    }
    rows = []
    for group, hits in yours.items():
        k, n = int(hits.sum()), hits.size
        effective = n / autocorrelation_inflation(hits.astype(float)) if n > 1 else n
        low, high = _wilson(k / n * effective, effective) if n else (np.nan, np.nan)
        rows.append((group, k, n, k / n if n else np.nan, low, high, "you"))
    for group, (k, n) in GERAC.items():
        low, high = _wilson(k, n)
        rows.append((group, k, n, GERAC_PUBLISHED[group], low, high, "GERAC 2007"))
    columns = ["group", "responders", "n", "rate", "ci_low", "ci_high", "source"]
    return pd.DataFrame(rows, columns=columns)


def _wilson(k: float, n: float) -> tuple[float, float]:
    """95 % Wilson score interval of ``k`` of ``n`` (both may be effective, not whole)."""
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(k, n, method="wilson")
    return float(low), float(high)
