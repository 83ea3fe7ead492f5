"""Logging inside notebooks: ipywidgets forms that write to the journal.

Each form is a plain class that owns its widgets and displays itself in a notebook cell.
Tests and scripts drive them like a person does: set the controls' ``value`` and
``click()`` the buttons.
"""

from .change import ChangeForm
from .checkin import CheckInForm, PegQuestions
from .correct import CorrectionForm
from .flags import RedFlagBanner, red_flag_banner, red_flag_html
from .guided import GuidedSession
from .kit import LoggingKit
from .medication import MedicationForm
from .screen import ScreenForm
from .session import SessionForm, Suggestion

__all__ = [
    "ChangeForm",
    "CheckInForm",
    "CorrectionForm",
    "GuidedSession",
    "LoggingKit",
    "MedicationForm",
    "PegQuestions",
    "RedFlagBanner",
    "ScreenForm",
    "SessionForm",
    "Suggestion",
    "red_flag_banner",
    "red_flag_html",
]
