"""A blind plan's guesses of which set is real, described when the plan ends."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..records import present, still_blind

#: The answers to "which set do you think is the real one?", as stored and as said.
GUESS_WORDS = {"a": "set A", "b": "set B", "unsure": "can't tell"}


@dataclass(frozen=True)
class Guesses:
    """A blind plan's guesses of which set is real, described (no test: see `summary`).

    Attributes
    ----------
    asked : int
        Done sessions of the plan (each could have a guess).
    right, wrong, unsure : int
        Guesses that named the real set, the sham set, or "can't tell".
    early_right, early_guessed, late_right, late_guessed : int
        Right guesses and all guesses in the first and the second half of the sessions.
    bang_real, bang_sham : float or None
        Bang's blinding index of the guesses after real and after sham sessions:
        (right − wrong) / guesses, from −1 to 1, 0 as often right as wrong; None without
        a guess.
    real_set : str
        Which set was real (``set A``), once the plan is no longer blind.
    """

    asked: int
    right: int
    wrong: int
    unsure: int
    early_right: int
    early_guessed: int
    late_right: int
    late_guessed: int
    bang_real: float | None
    bang_sham: float | None
    real_set: str

    @property
    def guessed(self) -> int:
        """How many sessions have a guess, "can't tell" included."""
        return self.right + self.wrong + self.unsure

    def summary(self) -> str:
        """The guesses in words, with why they describe and do not test the blinding."""
        if not self.guessed:
            return (
                f"The plan was blind ({self.real_set} was real); no guess of which set was "
                "real was recorded."
            )

        def share(k: int, n: int) -> str:
            return f"{k} of {n}" + (f" ({100 * k / n:.0f} %)" if n else "")

        def index(value: float | None) -> str:
            return "—" if value is None else f"{value:+.2f}"

        return (
            f"The plan was blind: {self.real_set} was real. You guessed after "
            f"{self.guessed} of {self.asked} sessions: right {share(self.right, self.guessed)}, "
            f"wrong {self.wrong}, can't tell {self.unsure}; right in the first half "
            f"{share(self.early_right, self.early_guessed)}, in the second half "
            f"{share(self.late_right, self.late_guessed)}. Bang's index (right minus wrong, "
            f"over guesses): after real sessions {index(self.bang_real)}, after sham "
            f"{index(self.bang_sham)}. These describe your guesses; they do not test the "
            "blinding: one person's guesses are not independent of each other, and follow "
            "the relief each session brought."
        )


def guesses(plan: Iterable[Any]) -> Guesses | None:
    """The guesses of a blind plan's done sessions, or None for an open-label plan or one
    still blind (its guesses would say nothing it may show).

    ``plan``: its slots, as `acutrack.records.Slot` records or a table's rows.
    """
    slots = list(plan)
    if not any(present(s.blind_set) for s in slots) or still_blind(slots):
        return None
    real_set = next(s.blind_set for s in slots if present(s.blind_set) and s.condition == "real")
    done = sorted(
        (s for s in slots if present(s.session_id)),
        key=lambda s: (s.started_at if present(s.started_at) else s.due, s.slot),
    )
    half = (len(done) + 1) // 2

    def counted(some: list[Any]) -> tuple[int, int, int]:
        right = sum(s.guess == real_set for s in some)
        unsure = sum(s.guess == "unsure" for s in some)
        return right, sum(present(s.guess) for s in some) - right - unsure, unsure

    def bang(condition: str) -> float | None:
        right, wrong, unsure = counted([s for s in done if s.condition == condition])
        total = right + wrong + unsure
        return (right - wrong) / total if total else None

    right, wrong, unsure = counted(done)
    early, late = done[:half], done[half:]
    return Guesses(
        asked=len(done),
        right=right,
        wrong=wrong,
        unsure=unsure,
        early_right=counted(early)[0],
        early_guessed=sum(present(s.guess) for s in early),
        late_right=counted(late)[0],
        late_guessed=sum(present(s.guess) for s in late),
        bang_real=bang("real"),
        bang_sham=bang("sham"),
        real_set=f"set {real_set.upper()}",
    )
