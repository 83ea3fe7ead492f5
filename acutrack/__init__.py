"""acutrack: a private journal of self-acupressure for back pain, and honest analysis of it.

The public API is re-exported here. Heavy modules load on first use, so that logging from
the command line does not import pandas or matplotlib.
"""

from .catalog import CAUTIONS, POINTS, ROUTINES, Catalog, Point, Routine
from .errors import AcutrackError, InvalidValue, JournalError
from .journal import Journal, JournalWarning
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
    "latest_entries",
    "sample_journal",
    "write_sample",
]
__version__ = "0.1.0"
