"""The red-flag screen: questions about signs of serious disease behind back pain.

Back pain is rarely a sign of anything serious, but a few signs need a doctor at once
(possible cauda equina syndrome), the same day (infection, fracture) or soon (cancer and
other causes). The questions and tiers follow published guidance for low back pain (see
the README's "Red-flag screen" for the sources); they were not written by a clinician and
should be reviewed by one. The screen is not a diagnosis.

This module is plain data and small functions: the command line reads it without pandas.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from .tables import SCREEN_ANSWERS, SCREEN_QUESTIONS

__all__ = [
    "ACT_AT_ONCE",
    "ANSWERS",
    "NOT_A_DIAGNOSIS",
    "QUESTIONS",
    "SCREEN_EVERY",
    "SEEN",
    "TIERS",
    "Question",
    "Tier",
    "screen_due",
    "tier_of",
]

#: How often the screen is asked again.
SCREEN_EVERY = timedelta(days=28)
#: A sign that persists after a clinician has seen the person about it and said they may
#: go on: offered while an urgent answer stands, so that the person is not stuck with a
#: pause they have already acted on (see `acutrack.standing`).
SEEN = "seen"
ANSWERS = SCREEN_ANSWERS


# Plain classes rather than dataclasses: `acutrack log` imports this module to remind of a
# due screen, and making dataclasses at import costs it milliseconds.
class Tier:
    """How urgent a "yes" is, and what to do about it.

    ``urgent`` tiers pause new plans and planned sessions while they stand (see
    `acutrack.plan.paused`).
    """

    __slots__ = ("advice", "key", "title", "urgent")

    def __init__(self, key: str, title: str, advice: str, *, urgent: bool) -> None:
        self.key, self.title, self.advice, self.urgent = key, title, advice, urgent

    def __repr__(self) -> str:
        return f"Tier({self.key!r})"


TIERS = {
    "emergency": Tier(
        "emergency",
        "Emergency: act now",
        "Call your local emergency number or go to an emergency department now. Tell them "
        "you have back pain with these symptoms: they can be signs of cauda equina "
        "syndrome, which needs treatment within hours.",
        urgent=True,
    ),
    "same-day": Tier(
        "same-day",
        "See a doctor today",
        "See a doctor today: your own doctor, an urgent care service or an out-of-hours line.",
        urgent=True,
    ),
    "soon": Tier(
        "soon",
        "See your doctor soon",
        "See your doctor soon, within a week or two, and tell them about this answer.",
        urgent=False,
    ),
}


class Question:
    """One question: its column in ``screens.csv``, its tier and its words."""

    __slots__ = ("name", "text", "tier")

    def __init__(self, name: str, tier: str, text: str) -> None:
        self.name, self.tier, self.text = name, tier, text

    def __repr__(self) -> str:
        return f"Question({self.name!r})"


QUESTIONS = (
    Question(
        "bladder_bowel",
        "emergency",
        "New problems passing urine (trouble starting, not emptying, not feeling it, or "
        "leaking), or controlling your bowels",
    ),
    Question(
        "saddle_numbness",
        "emergency",
        "Numbness, tingling or altered feeling around your genitals, buttocks or inner "
        "thighs (the saddle area), or when you wipe after the toilet",
    ),
    Question("sexual_function", "emergency", "New problems with sexual function"),
    Question(
        "leg_weakness",
        "emergency",
        "Weakness or numbness in a leg that is getting worse, or in both legs",
    ),
    Question("fever", "same-day", "A fever with your back pain, or feeling very unwell"),
    Question("injury", "same-day", "A significant fall, accident or injury recently"),
    Question("cancer_history", "soon", "You have had cancer, and this back pain is new"),
    Question("weight_loss", "soon", "Weight loss that you cannot explain"),
    Question("steroids", "soon", "Long-term use of steroid tablets (such as prednisolone)"),
    Question("night_pain", "soon", "Pain at night that does not ease, however you lie"),
)

if tuple(q.name for q in QUESTIONS) != SCREEN_QUESTIONS:  # one list of columns, in storage
    raise AssertionError("the screen's questions must be the columns of screens.csv, in order")

ACT_AT_ONCE = (
    "If any of these signs appear between screens, act at once as it says: do not wait "
    "for the next screen."
)
NOT_A_DIAGNOSIS = (
    "This screen is not a diagnosis. It was written from published guidance, not by a "
    "clinician; when in doubt, ask one."
)


def tier_of(answers: Mapping[str, str]) -> Tier | None:
    """The most urgent tier with a "yes" among ``answers`` (question name → yes/no)."""
    for key, tier in TIERS.items():  # most urgent first
        if any(answers.get(q.name) == "yes" for q in QUESTIONS if q.tier == key):
            return tier
    return None


def screen_due(last: datetime | None, now: datetime) -> bool:
    """Whether the screen should be asked: never answered, or last answered 4 weeks ago."""
    return last is None or now - last >= SCREEN_EVERY
