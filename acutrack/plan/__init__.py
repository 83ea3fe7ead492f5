"""Randomised real/sham experiment plans: an N-of-1 trial in balanced blocks.

A plan is a list of slots: when, which routine, real or sham. Slots come in blocks that
each hold as many real as sham sessions in random order, so that a slow drift in pain
(better weeks, worse weeks) falls on both conditions alike, and a randomisation test that
shuffles labels only within blocks stays valid although sessions are not independent.

Plans live in ``plan.csv`` in the journal, append-only like everything else: fulfilling a
slot appends the slot again with the session's id. Pure Python (no pandas), so that
``acutrack log`` can follow the plan and stay fast.
"""

from __future__ import annotations

from ..records import Slot
from .following import log_planned, planned_words, press_words, start_planned
from .making import (
    FIRST_DAY,
    LAST_DAY,
    MIN_GAP,
    SEEDS,
    blocks_in_words,
    check_seed,
    make_plan,
    schedule,
    smallest_p,
    to_ics,
)
from .state import (
    CONCEALED,
    Due,
    Progress,
    active_plan,
    due_slot,
    next_slot,
    paused,
    plan_slots,
    progress,
    shown,
)

__all__ = [
    "CONCEALED",
    "FIRST_DAY",
    "LAST_DAY",
    "MIN_GAP",
    "SEEDS",
    "Due",
    "Progress",
    "Slot",
    "active_plan",
    "blocks_in_words",
    "check_seed",
    "due_slot",
    "log_planned",
    "make_plan",
    "next_slot",
    "paused",
    "plan_slots",
    "planned_words",
    "press_words",
    "progress",
    "schedule",
    "shown",
    "smallest_p",
    "start_planned",
    "to_ics",
]
