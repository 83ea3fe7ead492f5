"""acutrack: a private journal of self-acupressure for back pain, and honest analysis of it.

The public API is re-exported here. The statistics, analysis, plots and forms live in
``acutrack.stats``, ``acutrack.analysis``, ``acutrack.plots`` and ``acutrack.forms`` and load
on first use, so that logging from the command line does not import pandas or matplotlib.
"""

_HOMES = {
    "CAUTIONS": "catalog",
    "POINTS": "catalog",
    "ROUTINES": "catalog",
    "Catalog": "catalog",
    "Point": "catalog",
    "Routine": "catalog",
    "AcutrackError": "errors",
    "InvalidValue": "errors",
    "JournalError": "errors",
    "Journal": "journal",
    "JournalWarning": "journal",
    "journal_for_analysis": "journal_choice",
    "journal_heading": "journal_choice",
    "notebook_journal": "journal_choice",
    "Slot": "plan",
    "make_plan": "plan",
    "plan_slots": "plan",
    "Problem": "records",
    "Rating": "records",
    "Session": "records",
    "sample_journal": "sample",
    "show": "notebook_page",
    "people_table": "tables_for_people",
    "write_sample": "sample",
    "Entry": "timeline",
    "latest_entries": "timeline",
}

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
    "journal_heading",
    "latest_entries",
    "make_plan",
    "notebook_journal",
    "people_table",
    "plan_slots",
    "sample_journal",
    "show",
    "write_sample",
]
__version__ = "0.1.0"

_MODULES = ("analysis", "forms", "plan", "plots", "report", "stats")


def __getattr__(name: str):
    # Everything loads on first use: `acutrack log` imports only what logging needs.
    import importlib

    if name in _HOMES:
        return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_MODULES])
