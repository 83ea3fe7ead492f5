"""acutrack: a private journal of self-acupressure for back pain, and honest analysis of it.

The public API is re-exported here. The statistics, analysis, plots and forms live in
``acutrack.stats``, ``acutrack.analysis``, ``acutrack.plots`` and ``acutrack.forms`` and load
on first use, so that logging from the command line does not import pandas or matplotlib.
"""

from .catalog import CAUTIONS, POINTS, ROUTINES, Catalog, Point, Routine
from .errors import AcutrackError, InvalidValue, JournalError
from .journal import Journal, JournalWarning
from .notebook import journal_for_analysis
from .plan import Slot, make_plan, plan_slots
from .records import Problem, Rating, Session
from .sample import sample_journal, write_sample
from .timeline import Entry, latest_entries

__all__ = [
    "CAUTIONS",
    "POINTS",
    "ROUTINES",
    "AcutrackError",
    "Catalog",
    "Entry",
    "InvalidValue",
    "Journal",
    "JournalError",
    "JournalWarning",
    "Point",
    "Problem",
    "Rating",
    "Routine",
    "Session",
    "Slot",
    "journal_for_analysis",
    "latest_entries",
    "make_plan",
    "plan_slots",
    "sample_journal",
    "write_sample",
]
__version__ = "0.1.0"

_LAZY = ("analysis", "forms", "plots", "stats")


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
