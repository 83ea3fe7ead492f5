"""A standing red-flag answer, shown at the top of the logging kit and of the notebooks.

An urgent "yes" stands until a screen written after it clears it (`acutrack.standing`):
an emergency in red, a same-day answer or a screen row that cannot be read in orange, a
"see your doctor soon" as a calmer note; nothing at all without a screen or with "no" to
every question.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from ..outcomes import standing_flag
from .base import Form

if TYPE_CHECKING:
    from IPython.display import HTML

    from ..journal import Journal
    from ..standing import Standing

__all__ = ["RedFlagBanner", "flag_html", "red_flag_banner", "red_flag_html"]

# Tier key -> border, background, sign. Red is kept for the emergency alone.
_LOOKS = {
    "emergency": ("#b00020", "#fdecea", "⚠"),
    "same-day": ("#e65100", "#fff3e0", "⚠"),
    "unreadable": ("#e65100", "#fff3e0", "⚠"),
    "soon": ("#78909c", "#f5f7f8", "ℹ"),
}
STANDS = (
    "This stays until you answer the red-flag screen again (the Red flags tab of the "
    "logging kit, notebook 01)."
)
PAUSED = "Planned sessions and new plans are paused while it stands."


def flag_html(flag: Standing) -> str:
    """A standing red-flag answer as a box of HTML: heading, what was answered, the advice.

    Parameters
    ----------
    flag : Standing
        What stands (`acutrack.outcomes.standing_flag`): an answer with a "yes", a screen
        row that cannot be read, or both.

    Returns
    -------
    str
        A ``div`` of CSS class ``acutrack-flag acutrack-flag-<tier key>`` (``unreadable``
        for a row that cannot be read); urgent ones have ``role="alert"``, a larger
        heading and say that planned sessions are paused.
    """
    key = flag.tier.key if flag.tier is not None else "unreadable"
    border, background, sign = _LOOKS[key]
    heading, text = (html.escape(part) for part in flag.words())
    size, role = ("1.25em", ' role="alert"') if flag.urgent else ("1em", "")
    after = f"{PAUSED} {STANDS}" if flag.urgent else STANDS
    return (
        f'<div class="acutrack-flag acutrack-flag-{key}"{role} style="border:'
        f"{'3px' if flag.urgent else '1px'} solid {border};background:{background};"
        f'padding:8px 12px;border-radius:6px;margin:4px 0">'
        f'<div style="font-size:{size};font-weight:bold;color:{border}">{sign} {heading}</div>'
        f"<div>{text}</div><div><small>{html.escape(after)}</small></div></div>"
    )


def red_flag_html(journal: Journal) -> str:
    """The standing red-flag answer of ``journal`` as HTML, or ``""`` when none stands.

    For any page that shows HTML (a report, another notebook); see `flag_html`.

    Examples
    --------
    >>> import acutrack as at
    >>> red_flag_html(at.sample_journal())
    ''
    """
    flag = standing_flag(journal)
    return flag_html(flag) if flag else ""


def red_flag_banner(journal: Journal) -> HTML | None:
    """The standing red-flag answer for a notebook cell, or None (the cell shows nothing).

    Put ``red_flag_banner(journal)`` as the last line of a cell near the top of a
    notebook: it shows what `red_flag_html` returns, as it stood when the cell ran.

    Parameters
    ----------
    journal : Journal

    Returns
    -------
    IPython.display.HTML or None
    """
    from IPython.display import HTML

    shown = red_flag_html(journal)
    return HTML(shown) if shown else None


class RedFlagBanner(Form):
    """The standing red-flag answer as a widget that keeps up with the journal.

    A screen saved by any form on the same journal folder, in this kernel, updates it at
    once (see `Form`); it is empty while nothing stands.

    Attributes
    ----------
    widget : HTML
        CSS class ``acutrack-flag-banner``; holds `red_flag_html`, or why the journal
        could not be read.
    """

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal)
        self.widget = self.feedback  # a failed read is shown where the banner would be
        self.widget.add_class("acutrack-flag-banner")
        self._attempt(self.refresh)

    def refresh(self) -> None:
        """Read the latest screen again."""
        self.widget.value = red_flag_html(self.journal)
