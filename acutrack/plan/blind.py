"""A blind plan's sets: real and sham shown as set A and set B, pressed alike, until the
plan ends (what the guesses of which set is real show: `acutrack.stats.blinding`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import CAUTIONS, Point
from ..records import Slot

if TYPE_CHECKING:
    from ..journal import Journal

#: How both sets are pressed: the real routine's firmness for both, so that a light touch
#: does not tell the sham.
ALIKE = "Press firmly but gently, in small circles."


def set_spots(journal: Journal, slot: Slot) -> list[Point]:
    """The spots a blind slot asks to press, named by set and number ("A1", "Set A, spot
    1"): where each is and its picture, with one way of pressing for both sets."""
    letter = slot.blind_set.upper()
    routine = journal.catalog.routine(slot.routine)
    return [
        Point(
            f"{letter}{i}",
            f"Set {letter}, spot {i}",
            journal.catalog.points[code].location,
            ALIKE,
            caution=CAUTIONS[0],
            map=journal.catalog.points[code].map,
        )
        for i, code in enumerate(slot.points_of(routine.points), start=1)
    ]


def set_words(journal: Journal, slot: Slot) -> str:
    """What a blind slot asks to press, in words: its set, timing and each spot's place."""
    routine = journal.catalog.routine(slot.routine)
    spots = set_spots(journal, slot)
    minutes = routine.default_minutes
    timing = f", about {minutes:g} min in all" if minutes else ""
    each = f"{routine.seconds_per_point:g} s each" if routine.seconds_per_point else ""
    rounds = f", {routine.rounds} rounds" if routine.rounds > 1 else ""
    places = "; ".join(f"({i}) {s.location.rstrip('.')}" for i, s in enumerate(spots, start=1))
    return (
        f"{slot.arm}: press {len(spots)} spots firmly but gently in small circles "
        f"({each}{rounds}{timing}): {places}"
    )
