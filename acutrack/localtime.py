"""What a wall-clock time without a UTC offset means where the clocks change for daylight
saving: one moment, two (the clocks went back) or none (they went forward). The one rule,
used by the fields (an API call), the command line's ``--at`` and the forms (which ask),
and the importer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import NamedTuple

__all__ = ["Readings", "local_readings"]


class Readings(NamedTuple):
    """What a wall-clock time means where the clocks change for daylight saving.

    Made by `local_readings`. ``change`` is ``""`` when the time names one moment (then
    ``rule`` and ``other`` are that moment), ``"twice"`` when the clocks showed it twice
    (they went back) and ``"skipped"`` when they never showed it (they went forward).
    ``rule`` is the reading an API call and an import take: the first of a time shown
    twice, and a skipped time moved forward by the gap (02:30 to 03:30 where an hour was
    skipped). ``other`` is the second of a time shown twice, or a skipped time moved back
    by the gap (01:30). Both have fixed UTC offsets.
    """

    wall: datetime
    change: str
    rule: datetime
    other: datetime

    def refusal(self, then: str) -> str:
        """Why the time is not one moment, naming both readings, then what to do.

        E.g. ``2026-03-29 02:30 did not happen here (the clocks went forward): did you mean
        2026-03-29T03:30+02:00 (1 hour later) or 2026-03-29T01:30+01:00 (1 hour earlier)?``
        followed by ``then``.
        """
        first, second = (m.isoformat(timespec="minutes") for m in (self.rule, self.other))
        first_words, second_words = self.words()
        what = (
            "happened twice here (the clocks went back)"
            if self.change == "twice"
            else "did not happen here (the clocks went forward)"
        )
        return (
            f"{self.wall:%Y-%m-%d %H:%M} {what}: did you mean {first} ({first_words}) or "
            f"{second} ({second_words})? {then}"
        )

    def words(self) -> tuple[str, str]:
        """What tells ``rule`` and ``other`` apart, in words: when the clocks changed."""
        if self.change == "twice":
            return "the first time", "the second time"
        gap = _duration(self.rule.replace(tzinfo=None) - self.wall)
        return f"{gap} later", f"{gap} earlier"


def _duration(span: timedelta) -> str:
    """``1 hour``, ``30 minutes`` or ``1 hour 30 minutes``: a daylight-saving gap."""
    hours, minutes = divmod(span // timedelta(minutes=1), 60)
    counts = ((hours, "hour"), (minutes, "minute"))
    return " ".join(f"{n} {unit}{'s' * (n != 1)}" for n, unit in counts if n)


def local_readings(wall: datetime, zone: tzinfo | None = None) -> Readings:
    """The moments a wall-clock time names, and whether the clocks changed there.

    The one rule for daylight saving: interactive input (the command line's ``--at``, the
    forms) refuses a time shown twice or skipped and offers both readings
    (`Readings.refusal`); an API call and an import take `Readings.rule`.

    Parameters
    ----------
    wall : datetime
        A date and time as a clock showed it (its own ``tzinfo`` and ``fold`` are ignored).
    zone : tzinfo, optional
        The clock's time zone; None (the default) is this computer's.

    Raises
    ------
    OverflowError, ValueError or OSError
        For a time this computer cannot convert (years such as 1 or 9999).
    """
    naive = wall.replace(tzinfo=None, fold=0)
    readings = []
    for fold in (0, 1):  # Python's two readings, in an order that differs by zone kind
        moment = naive.replace(tzinfo=zone, fold=fold).astimezone(UTC).astimezone(zone)
        readings.append(moment.replace(tzinfo=timezone(moment.utcoffset())))  # type: ignore[arg-type]
    shown_as = [m for m in readings if m.replace(tzinfo=None) == naive]
    if not shown_as:
        return Readings(naive, "skipped", max(readings), min(readings))
    if min(shown_as) != max(shown_as):
        return Readings(naive, "twice", min(shown_as), max(shown_as))
    return Readings(naive, "", shown_as[0], shown_as[0])
