"""Logging inside notebooks: ipywidgets forms that write to the journal.

Each form is a plain class that owns its widgets and displays itself in a notebook cell.
Tests and scripts drive them like a person does: set the controls' ``value`` and
``click()`` the buttons.
"""

from .checkin import CheckInForm
from .correct import CorrectionForm
from .guided import GuidedSession
from .kit import LoggingKit
from .session import SessionForm, Suggestion

__all__ = [
    "CheckInForm",
    "CorrectionForm",
    "GuidedSession",
    "LoggingKit",
    "SessionForm",
    "Suggestion",
]
