"""The red-flag screen: ten yes/no questions about signs that need a doctor."""

from __future__ import annotations

import html

import ipywidgets as w

from ..journal import Journal
from ..outcomes import standing_flag
from ..screening import (
    ACT_AT_ONCE,
    NOT_A_DIAGNOSIS,
    QUESTIONS,
    SCREEN_EVERY,
    SEEN,
    TIERS,
    screen_due,
    tier_of,
)
from .base import LABELS, Choice, Form
from .flags import flag_html

__all__ = ["ScreenForm"]

INTRO = (
    "Do any of these apply to you now? They are rare with back pain, but a few signs need "
    "a doctor. Answer each one yes or no."
)
SEEN_NOTE = (
    "Your last answer asked you to see a doctor. If a sign is still there but a clinician "
    "has seen you about it and said you may go on, answer it “seen”: that ends the pause of "
    "your planned sessions. A new or worse sign is a “yes”."
)
_YES_NO = (("yes", "yes"), ("no", "no"))


class ScreenForm(Form):
    """The red-flag screen: every question answered yes or no, none answered for you.

    Save refuses while a question is unanswered, naming it. After a save, any "yes"
    shows its tier's advice in ``result`` (red for an emergency). While an urgent answer
    stands, the urgent questions offer a third answer, "seen" (`acutrack.screening.SEEN`).

    Attributes
    ----------
    answers : dict of str to Choice
        Each question's name (`acutrack.screening.QUESTIONS`) with its yes/no buttons.
    due : bool
        Whether the screen is due: never answered, or last answered 4 weeks ago or more.
    status : HTML
        When it was last answered and when it is due.
    result : HTML
        The advice for the screen just saved (CSS class ``acutrack-flag``), or empty.
    save : Button
    last_saved : Screen or None
    """

    labels = LABELS | {q.name: q.text for q in QUESTIONS}

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal)
        self.answers = {
            q.name: Choice(
                list(_YES_NO),
                what=f"yes or no for “{q.text}”",
                style={"button_width": "4em"},
                layout=w.Layout(width="14em", flex="0 0 auto"),
            )
            for q in QUESTIONS
        }
        self.seen_note = w.HTML(f"<p><b>{html.escape(SEEN_NOTE)}</b></p>")
        rows: list[w.Widget] = []
        for key, tier in TIERS.items():
            rows.append(w.HTML(f"<b>{html.escape(tier.title)}</b> if yes to any of these:"))
            asked = (q for q in QUESTIONS if q.tier == key)
            rows += [_question(self.answers[q.name].widget, q.text) for q in asked]
        self.status = w.HTML()
        self.result = w.HTML()
        self.due = True
        self._lay_out(
            "Red-flag screen",
            "acutrack-screen-form",
            "Save screen",
            w.HTML(f"<p>{html.escape(INTRO)}</p>"),
            self.status,
            self.seen_note,
            *rows,
            w.HTML(
                f"<p><b>{html.escape(ACT_AT_ONCE)}</b><br><i>{html.escape(NOT_A_DIAGNOSIS)}</i></p>"
            ),
        )
        self.widget.children += (self.result,)
        self.refresh()

    def refresh(self) -> None:
        """Whether the screen is due, and whether "seen" is offered (an urgent answer stands)."""
        flag = standing_flag(self.journal)
        urgent = flag is not None and flag.urgent
        options = (*_YES_NO, ("seen", SEEN)) if urgent else _YES_NO
        for q in QUESTIONS:
            buttons = self.answers[q.name].buttons
            if TIERS[q.tier].urgent and len(buttons.options) != len(options):
                buttons.options = options  # (this clears the choice, as a refresh after save does)
        self.seen_note.layout.display = None if urgent else "none"
        last = self.journal.latest("screens")
        self.due = screen_due(last.answered_at if last else None, self.journal.now())
        if last is None:
            said = "Not answered yet: it takes a minute."
        else:
            said = f"Last answered {last.answered_at.astimezone():%d %b %Y}; " + (
                "due again now."
                if self.due
                else f"next due {(last.answered_at + SCREEN_EVERY).astimezone():%d %b %Y}."
            )
        self.status.value = f"<i>{html.escape(said)}</i>"

    def reset(self) -> None:
        """No answer to any question."""
        for choice in self.answers.values():
            choice.reset()

    def _save(self, _button: object = None) -> None:
        if self._refuse_missing(*self.answers.values()):
            return
        said = {name: choice.value for name, choice in self.answers.items()}
        screen = self._store(lambda: self.journal.log_screen(said))
        if screen is None:
            return
        tier = tier_of(screen.answers)
        flag = standing_flag(self.journal)  # what stands now, which may be an older answer
        self.result.value = flag_html(flag) if flag else ""
        # In words, not the file's column names; the advice below lists each "yes".
        said = f"Saved the red-flag screen ({screen.id}): "
        if tier:
            self.show_ok(f"{said}yes to {len(screen.yes)} of {len(QUESTIONS)}, see below.")
        elif flag is not None and flag.urgent:
            self.show_ok(f"{said}no yes in it, but an earlier answer still stands: see below.")
        else:
            self.show_ok(
                f"{said}no to every question. Nothing in it needs a doctor now; it is "
                "asked again in 4 weeks."
            )


def _question(answer: w.Widget, text: str) -> w.HBox:
    """The yes/no buttons beside their question (CSS class ``acutrack-question``: where a
    row is too narrow for both, the app puts the question first)."""
    row = w.HBox([answer, w.HTML(html.escape(text))])
    row.add_class("acutrack-question")
    return row
