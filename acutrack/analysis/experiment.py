"""Tables for the real/sham experiment: drops by condition, GERAC's responders in words
(context, not a comparison), and the verdict again without the sessions that followed
as-needed medication."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..outcomes import RESCUE_WINDOW, after_rescue
from ..stats import RealVsSham, compared_sessions, mean_drop_interval, real_vs_sham
from ..stats.benefit import benefit_in_words
from ..stats.real_sham import first_follow_ups
from ..stats.results import fmt_p
from ..stats.scales import DIFFERENCE, interval_words
from .trend import fmt_signed

__all__ = [
    "GERAC_RESPONDER",
    "condition_drops",
    "real_vs_sham_line",
    "real_vs_sham_rescue",
]

#: GERAC low-back-pain trial (Haake et al., Arch Intern Med 2007), as context: its
#: responders are patients judged after six months, so no rate of one person's sessions
#: (relief over minutes) is set beside them.
GERAC_RESPONDER = (
    "GERAC counted a patient as a responder after six months when pain improved by at "
    "least 33 % on three pain items of the Von Korff Chronic Pain Grade Scale, or function "
    "by at least 12 % on the Hanover Functional Ability Questionnaire; patients who found "
    "out which treatment they had were counted as non-responders. It published 47.6 % "
    "(verum), 44.2 % (sham) and 27.4 % (conventional care); counts such as 184 of 387 are "
    "reconstructed from those percentages."
)
RESPONSE = 0.3  # a session's drop of at least 30 % of its starting pain is meaningful


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


#: The two rows of `real_vs_sham_rescue`.
ALL_SESSIONS = "all sessions"
WITHOUT_RESCUE = "without sessions after as-needed medication"


def real_vs_sham_rescue(
    sessions: pd.DataFrame,
    medications: pd.DataFrame,
    *,
    ratings: pd.DataFrame | None = None,
    plan=None,
    routine: str | None = None,
    today=None,
) -> pd.DataFrame:
    """Real against sham with every session, and again without those after rescue medication.

    A session started within `acutrack.outcomes.RESCUE_WINDOW` (4 hours) after as-needed
    medication may owe part of its relief to the medicine; if such sessions fell more
    often on real (or sham) days, they could tilt the comparison. The second row shows
    the comparison without them.

    Parameters
    ----------
    sessions, ratings : DataFrame
        As the journal returns them.
    medications : DataFrame
        As `Journal.medications` returns it.
    plan, routine, today
        As for `acutrack.stats.real_vs_sham`.

    Returns
    -------
    DataFrame
        Two rows, ``sessions`` `ALL_SESSIONS` and `WITHOUT_RESCUE`: ``left_out``
        (sessions after rescue medication taken out), ``n_real``, ``n_sham``,
        ``plan_state``, ``verdict``, ``estimate`` (real − sham), ``ci_low``, ``ci_high``
        and ``p_value``, as `acutrack.stats.RealVsSham` has them;
        ``table.attrs["results"]`` holds the two `RealVsSham`.

    Notes
    -----
    With a plan, a block that loses a session is left out whole (its sessions are no
    longer a complete randomised block), so the test stays the exact randomisation test
    of the blocks that remain. This is a check on the verdict of the first row, not a
    second verdict to choose from.
    """
    compared, _, _ = compared_sessions(sessions, plan=plan, routine=routine)
    rescued = after_rescue(compared, medications)
    kept = sessions[~sessions["id"].isin(compared.loc[rescued, "id"])]
    rows, results = [], []
    for label, frame, left in (
        (ALL_SESSIONS, sessions, 0),
        (WITHOUT_RESCUE, kept, int(rescued.sum())),
    ):
        r = real_vs_sham(frame, ratings=ratings, plan=plan, routine=routine, today=today)
        results.append(r)
        rows.append(
            (label, left, r.n_real, r.n_sham, r.plan_state, r.verdict, r.estimate, *r.ci, r.p_value)
        )
    columns = ["sessions", "left_out", "n_real", "n_sham", "plan_state", "verdict"]
    table = pd.DataFrame(rows, columns=[*columns, "estimate", "ci_low", "ci_high", "p_value"])
    table.attrs["results"] = tuple(results)
    return table


_VERDICT_WORDS = {
    "real": "Real relieved more than sham",
    "sham": "Sham relieved more than real",
    "no difference": "Real and sham did not differ by 1 point or more",
    "unclear": "Cannot tell real from sham",
    "too early": "Too early for a verdict",
}


def _test_words(r: RealVsSham) -> str:
    """``+1.2 points (95 % CI 0.4 to 2.1; p = 0.005)``: the estimate, interval and test."""
    level = f"{100 * (1 - r.alpha):.3g} %"
    interval = (
        f"{level} CI {interval_words(r.ci, DIFFERENCE)}"
        if all(math.isfinite(x) for x in r.ci)
        else f"{level} interval not bounded yet"
    )
    # No-break spaces keep "p = 0.005" and "95 % CI" whole when the line wraps.
    words = f"{fmt_signed(r.estimate)} points ({interval}; {fmt_p(r.p_value)})"
    return (
        words.replace(" = ", "\u00a0=\u00a0")
        .replace(" < ", "\u00a0<\u00a0")
        .replace(" % CI", "\u00a0%\u00a0CI")
    )


def real_vs_sham_line(check: pd.DataFrame) -> str:
    """The verdict of `real_vs_sham_rescue` in one line, with and without rescue sessions.

    Parameters
    ----------
    check : DataFrame
        From `real_vs_sham_rescue`.

    Returns
    -------
    str
        The verdict in words, real − sham with its interval and p-value (``p < 0.001``
        below a thousandth), the sessions compared, and the same without the sessions
        that followed as-needed medication; without a finished plan, why there is no
        verdict.
    """
    every, without = check.attrs["results"]
    counts = f"{every.n_real} real, {every.n_sham} sham"
    if every.plan_state == "no plan":
        if not (every.n_real and every.n_sham):
            return f"No comparison: {counts} sessions of the back routine, and no plan."
        return (
            f"Not judged: no randomised plan; {counts} sessions chosen by the day are only "
            "described."
        )
    if every.plan_state == "interim":
        return (
            f"No verdict yet: {every.blocks_done} of {every.blocks_planned} blocks of the "
            "randomised plan done; the verdict comes when it is done."
        )
    if every.plan_state == "blind":
        return (
            "No verdict yet: the plan is blind (sets A and B) and still running; which set "
            "is real, and the comparison, come when it ends."
        )
    if not (every.n_real and every.n_sham):
        return "No complete block of the randomised plan to compare."
    early = (
        f", ended early (judged at p < {every.alpha:.3g})"
        if every.plan_state == "ended early"
        else ""
    )
    line = (
        f"{_VERDICT_WORDS[every.verdict]}: real − sham {_test_words(every)}; {counts} "
        f"sessions of a randomised plan{early}."
    )
    if math.isfinite(every.prob_benefit):
        line += (
            f" Chance that real relieves at least 1 point more: "
            f"{benefit_in_words(every.prob_benefit)} (from a sceptical start)."
        )
    if every.blinding:
        line += " The plan was blind: your guesses of the real set are in the full comparison."
    elif every.verdict in ("real", "sham", "no difference"):
        line += " Sham is not blind."
    left = int(check["left_out"].iloc[1])
    hours = RESCUE_WINDOW.total_seconds() / 3600
    if not left:
        return f"{line} No session followed as-needed medication (within {hours:g} h)."
    session, block = ("session", "its block") if left == 1 else ("sessions", "their blocks")
    found = (
        f"{without.verdict}, {_test_words(without)}"
        if without.n_real and without.n_sham
        else "no complete block left"
    )
    return (
        f"{line} Without the {left} {session} within {hours:g} h after as-needed medication "
        f"(and the rest of {block}): {found}."
    )
