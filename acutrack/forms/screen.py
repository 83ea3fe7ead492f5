"""The red-flag screen: ten yes/no questions about signs that need a doctor."""

from __future__ import annotations

import html

import ipywidgets as w

from ..journal import Journal
from ..screening import (
    ACT_AT_ONCE,
    NOT_A_DIAGNOSIS,
    QUESTIONS,
    SCREEN_EVERY,
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


class ScreenForm(Form):
    """The red-flag screen: every question answered yes or no, none answered for you.

    Save refuses while a question is unanswered, naming it. After a save, any "yes"
    shows its tier's advice in ``result`` (red for an emergency).

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
                [("yes", "yes"), ("no", "no")],
                what=f"yes or no for “{q.text}”",
                style={"button_width": "4em"},
                layout=w.Layout(width="10em", flex="0 0 auto"),
            )
            for q in QUESTIONS
        }
        rows: list[w.Widget] = []
        for key, tier in TIERS.items():
            rows.append(w.HTML(f"<b>{html.escape(tier.title)}</b> if yes to any of these:"))
            rows += [
                w.HBox([self.answers[q.name].widget, w.HTML(html.escape(q.text))])
                for q in QUESTIONS
                if q.tier == key
            ]
        self.status = w.HTML()
        self.result = w.HTML()
        self.due = True
        self._lay_out(
            "Red-flag screen",
            "acutrack-screen-form",
            "Save screen",
            w.HTML(f"<p>{html.escape(INTRO)}</p>"),
            self.status,
            *rows,
            w.HTML(
                f"<p><b>{html.escape(ACT_AT_ONCE)}</b><br><i>{html.escape(NOT_A_DIAGNOSIS)}</i></p>"
            ),
        )
        self.widget.children += (self.result,)
        self.refresh()

    def refresh(self) -> None:
        """Whether the screen is due, from the latest one in the journal."""
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
        self.result.value = flag_html(tier, screen) if tier else ""
        # In words, not the file's column names; the advice below lists each "yes".
        said = f"Saved the red-flag screen ({screen.id}): "
        if tier:
            self.show_ok(f"{said}yes to {len(screen.yes)} of {len(QUESTIONS)}, see below.")
        else:
            self.show_ok(
                f"{said}no to every question. Nothing in it needs a doctor now; it is "
                "asked again in 4 weeks."
            )
