"""The sessions a plan's comparison uses: those that did its slots, in its completed
blocks, with where the plan stands, the notes a verdict must carry and the statistic the
plan was made with. Shared by real against sham (`real_sham`) and a point left out
(`leave_one_out`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from ..records import still_blind
from ..words import plural
from .randomisation import check_statistic

__all__ = ["ABANDONED_AFTER", "compared_sessions"]

#: A plan whose last slot was due longer ago than this has ended early.
ABANDONED_AFTER = timedelta(days=14)


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
        note.append(f"{plural(off, 'session')} outside the plan left out of this comparison.")
    complete = _complete_blocks(data, blocks, slots) if len(data) else np.array([], bool)
    if (~complete).any():
        note.append(
            f"{plural(int((~complete).sum()), 'session')} of unfinished blocks not compared."
        )
    if "reopened" in slots and (redone := int((slots["reopened"].fillna(0) > 0).sum())):
        note.append(
            f"{plural(redone, 'slot')} done again after their first session was deleted or "
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
                f"{plural(unfinished, 'planned session')} started (real or sham shown) and "
                "never logged: counted as not done."
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


def _statistic(slots: pd.DataFrame | None, statistic: str | None) -> str:
    """The statistic asked for, else the plan's own (`real_vs_sham`'s ``statistic``)."""
    if statistic is not None:
        return check_statistic(statistic)
    if slots is None or "statistic" not in slots:
        return "adjusted"
    chosen = slots["statistic"].dropna()
    return str(chosen.iloc[0]) if len(chosen) else "raw"
