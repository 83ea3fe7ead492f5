"""The stored answers of the outcome measures: PEG-3, the impression of change (PGIC),
medicines taken and red-flag screens (re-exported by `acutrack.records`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from .timetext import minute

__all__ = ["PGIC_ANSWERS", "Medication", "Peg", "Pgic", "Screen"]

#: The seven answers of the patient global impression of change, from 1 to 7.
PGIC_ANSWERS = (
    "No change (or condition has got worse)",
    "Almost the same, hardly any change at all",
    "A little better, but no noticeable change",
    "Somewhat better, but the change has not made any real difference",
    "Moderately better, and a slight but noticeable change",
    "Better, and a definite improvement that has made a real and worthwhile difference",
    "A great deal better, and a considerable improvement that has made all the difference",
)


@dataclass(frozen=True)
class Peg:
    """One PEG-3 answer as stored in ``peg.csv`` (each item 0–10, over the past week)."""

    id: str
    answered_at: datetime
    pain: int
    enjoyment: int
    activity: int
    notes: str

    @property
    def score(self) -> float:
        """The PEG score: the mean of its three items, 0–10."""
        return (self.pain + self.enjoyment + self.activity) / 3

    def describe(self) -> str:
        """One line for people: ``g-… 2026-11-25 09:30 PEG 6.0 (pain 6, enjoyment 5, …)``."""
        return (
            f"{self.id} {minute(self.answered_at)} PEG {self.score:.1f} (pain {self.pain}, "
            f"enjoyment {self.enjoyment}, activity {self.activity})"
        )


@dataclass(frozen=True)
class Pgic:
    """One answer to the patient global impression of change (``pgic.csv``)."""

    id: str
    answered_at: datetime
    change: int
    since: date | None
    notes: str

    @property
    def answer(self) -> str:
        """The answer in words."""
        return PGIC_ANSWERS[self.change - 1]

    def describe(self) -> str:
        since = f" since {self.since.isoformat()}" if self.since else ""
        when = minute(self.answered_at)
        return f"{self.id} {when} change {self.change} of 7{since}: {self.answer}"


@dataclass(frozen=True)
class Medication:
    """One medicine or other treatment taken (``medications.csv``)."""

    id: str
    taken_at: datetime
    name: str
    dose: float | None
    unit: str
    use: str
    notes: str

    def describe(self) -> str:
        dose = f" {self.dose:g} {self.unit}".rstrip() if self.dose is not None else ""
        return f"{self.id} {minute(self.taken_at)} {self.name}{dose} ({self.use})"


@dataclass(frozen=True)
class Screen:
    """One red-flag screen (``screens.csv``): each question's name answered yes or no."""

    id: str
    answered_at: datetime
    answers: dict[str, str] = field(default_factory=dict)
    notes: str = ""

    @classmethod
    def from_values(cls, values: dict) -> Screen:
        """A screen from a row's values (the questions are columns of their own)."""
        rest = {k: v for k, v in values.items() if k not in ("id", "answered_at", "notes")}
        return cls(values["id"], values["answered_at"], rest, values.get("notes", ""))

    @property
    def yes(self) -> list[str]:
        """The names of the questions answered yes."""
        return [k for k, v in self.answers.items() if v == "yes"]

    @property
    def seen(self) -> list[str]:
        """The questions answered "seen": the sign persists, and a clinician said go on."""
        return [k for k, v in self.answers.items() if v == "seen"]

    def describe(self) -> str:
        said = f"yes to {', '.join(self.yes)}" if self.yes else "no to all"
        if self.seen:
            seen = ", ".join(self.seen)
            said = f"{said if self.yes else 'no other'}; seen by a clinician: {seen}"
        return f"{self.id} {minute(self.answered_at)} red-flag screen: {said}"
