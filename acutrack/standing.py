"""Which red-flag answer stands: the rule that keeps an urgent answer from hiding.

An emergency or same-day answer pauses every planned session and new plans. It is cleared
only by a screen written after it in ``screens.csv`` (appends are made under the file's
lock, so the order of the file is the order the answers were given) whose time is not
earlier than the urgent answer's, or by a later screen that records a persisting sign as
``seen``: "a clinician has seen me about this and said I may go on". A screen whose time is
earlier than the answer it follows does not clear it (the computer's clock was wrong for
one of them, and it cannot be told which): the more urgent answer stands until the person
answers again with the clock right.

A row of ``screens.csv`` that cannot be read (a hand edit, a torn write) could be anything,
so it counts as urgent too, until a readable screen is written after it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from .loading import latest_rows
from .records import Problem
from .screening import ACT_AT_ONCE, QUESTIONS, SEEN, TIERS, Tier, tier_of
from .tables import screen_spec

if TYPE_CHECKING:
    from .answers import Screen
    from .journal import Journal

__all__ = ["Standing", "standing"]

_UNREAD_ADVICE = (
    "answer the screen again (acutrack screen, or the Red flags tab of the logging kit). "
    "Until a screen can be read, planned sessions are paused, as for an urgent answer."
)

# The first date on an unreadable row's line (see `_day`; searched, and so compiled, only
# when there is such a row).
_ISO_DAY = r"(?<![0-9])([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]"


# Compared by identity, never changed once made, and not shown: a dataclass without the
# generated __eq__, __repr__ and frozen __setattr__ and __delattr__ (each compiled from
# source at import, which every cold `acutrack log` pays) is several times quicker to make.
@dataclass(eq=False, repr=False)
class Standing:
    """The red-flag state of a journal: what a banner, a reminder or a report shows.

    Attributes
    ----------
    tier : Tier or None
        The most urgent tier with a "yes" of the answer that stands; None when no screen
        has a "yes" that stands.
    screen : Screen or None
        The screen that answer comes from.
    unreadable : Problem or None
        A row of ``screens.csv`` that cannot be read and that no readable screen follows.
    unread_day : str
        That row's date as written (``""`` when it cannot be read either).
    kept_by_clock : Screen or None
        A later screen that did not clear the urgent answer because its time is earlier.
    """

    tier: Tier | None = None
    screen: Screen | None = None
    unreadable: Problem | None = None
    unread_day: str = ""
    kept_by_clock: Screen | None = None

    @property
    def urgent(self) -> bool:
        """Whether planned sessions and new plans wait: an urgent answer or an unread row."""
        return self.unreadable is not None or (self.tier is not None and self.tier.urgent)

    def __bool__(self) -> bool:
        """Whether there is anything to show."""
        return self.unreadable is not None or self.tier is not None

    def words(self) -> tuple[str, str]:
        """A heading and the text under it, for people (the most urgent part first)."""
        if self.tier is None:  # only an unreadable row stands
            words = self.unread_words()
            return "A red-flag screen could not be read", words[0].upper() + words[1:]
        said = "; ".join(q.text for q in QUESTIONS if q.name in self.screen.yes)
        heading = f"{self.tier.title} (red-flag screen of {self.screen.answered_at:%d %b %Y})"
        text = f"Answered yes: {said}. {self.tier.advice} {ACT_AT_ONCE}"
        if self.kept_by_clock is not None:
            text += (
                f" The screen of {self.kept_by_clock.answered_at:%d %b %Y %H:%M} did not clear "
                "this answer: its time is earlier than this one's. Check this computer's "
                "clock, then answer the screen again."
            )
        if self.unreadable is not None:
            text += f" Also, {self.unread_words()}"
        return heading, text

    def unread_words(self) -> str:
        """One sentence on the unreadable row: which, where and what to do."""
        p = self.unreadable
        which = f"the screen of {self.unread_day}" if self.unread_day else "a screen"
        which = "the red-flag " + which.removeprefix("the ").removeprefix("a ")
        return f"{which} could not be read ({p.file} line {p.line}): {_UNREAD_ADVICE}"

    def reminder(self) -> str:
        """One line for `acutrack log` and `rate`."""
        if self.tier is not None and self.tier.urgent:
            line = (
                f"Your red-flag screen of {self.screen.answered_at:%d %b} said: {self.tier.advice}"
            )
            return line + (f" Also, {self.unread_words()}" if self.unreadable else "")
        return f"Red-flag screen: {self.unread_words()}"


def standing(journal: Journal) -> Standing:
    """Which red-flag answer stands in ``journal`` (see the module's rule).

    Parameters
    ----------
    journal : Journal

    Returns
    -------
    Standing
        Empty (false) when no screen has a "yes" that stands and every row can be read.
    """
    spec = screen_spec()
    versions, problems = journal.versions(spec)
    if versions:
        # Imported here: a journal without screens (the common `acutrack log`) needs
        # neither the screen's record nor the ledger of merged conflict copies.
        from .answers import Screen
        from .conflicts import merged_versions

        # A version merged from a sync conflict copy may raise an alarm but never clear
        # one: across devices, which answer came first cannot be known.
        merged = merged_versions(journal, spec.filename)
        versions = [
            v
            for v in versions
            if (v.key, v.action, v.recorded) not in merged
            or (v.action != "delete" and _tier(Screen.from_values(v.values), urgent=True))
        ]
    # With no readable row, a problem on the header line stops every row.
    unread = [p for p in problems if p.line > 1 or not versions]
    standing_at = latest_rows((i, v.key, v.action, v.recorded) for i, v in enumerate(versions))[0]
    first: dict[str, int] = {}
    for v in versions:
        first.setdefault(v.key, v.line)
    # Each standing screen at the line its first version was written on; file order is
    # the order answers were given, whatever the clock said.
    events: list[tuple[int, Screen | Problem]] = [
        (first[key], Screen.from_values(versions[i].values)) for key, i in standing_at.items()
    ]
    events += [(p.line, p) for p in unread]
    urgent: Screen | None = None
    last: Screen | None = None
    kept = unreadable = None
    for _, item in sorted(events, key=lambda e: e[0]):
        if isinstance(item, Problem):
            unreadable = item
            continue
        unreadable, last = None, item
        if urgent is None or _replaces(item, urgent):
            urgent, kept = (item if _tier(item, urgent=True) else None), None
        else:
            kept = item
    if urgent is not None:
        return Standing(_tier(urgent), urgent, unreadable, _day(journal, unreadable), kept)
    tier = _tier(last) if last is not None else None
    return Standing(tier, last if tier else None, unreadable, _day(journal, unreadable))


def _tier(screen: Screen, *, urgent: bool = False) -> Tier | None:
    """The screen's most urgent tier with a "yes" (only an urgent one when ``urgent``)."""
    tier = tier_of(screen.answers)
    return tier if tier is not None and (tier.urgent or not urgent) else None


def _replaces(later: Screen, urgent: Screen) -> bool:
    """Whether a screen written after an urgent answer takes its place."""
    if later.answered_at >= urgent.answered_at or SEEN in later.answers.values():
        return True
    # An earlier time: only a more urgent answer, which stands either way.
    order = list(TIERS)
    new = _tier(later)
    return new is not None and order.index(new.key) < order.index(_tier(urgent).key)


def _day(journal: Journal, problem: Problem | None) -> str:
    """The first date written on an unreadable row's line (its ``answered_at``), if any."""
    if problem is None:
        return ""
    import re

    with open(journal.file(screen_spec()), encoding="utf-8", errors="replace") as f:
        line = next(itertools.islice(f, problem.line - 1, None), "")
    found = re.search(_ISO_DAY, line[:200])
    try:
        return f"{date.fromisoformat(found[1]):%d %b %Y}" if found else ""
    except ValueError:  # a date that does not exist, such as 2026-02-30
        return ""
