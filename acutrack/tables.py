"""The journal's files: which columns each CSV file holds, and its format version.

Each file is a `TableSpec`: its name, id prefix, time column and fields (the rules of
each column are in `acutrack.fields`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .catalog import Catalog, Routine
from .errors import InvalidValue
from .fields import (
    CODE_PATTERN,
    CONDITIONS,
    KEY_PATTERN,
    ChoiceField,
    DateField,
    Field,
    IdField,
    IntField,
    LabelField,
    PointCodeField,
    PointsField,
    PositiveField,
    RoutineField,
    TextField,
    TimeField,
)

SCHEMA_VERSION = 1


@dataclass(frozen=True, eq=False)  # compared by identity; quicker to create at import
class TableSpec:
    """One CSV file of the journal: its name, id prefix, time column and fields.

    ``added_later`` names optional columns that the format gained after files were
    written without them: an older file that lacks one is no problem (each row reads it
    as empty), so the format version need not change.
    """

    name: str
    id_prefix: str
    time: str | None
    fields: tuple[Field, ...]
    key: str = "id"
    added_later: tuple[str, ...] = ()

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> tuple[str, ...]:
        """Header of a new file: the data fields, then the bookkeeping columns."""
        return (*(f.name for f in self.fields), "action", "recorded_at")

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> Field:
        """The field called ``name``; `InvalidValue` when the table has none."""
        for f in self.fields:
            if f.name == name:
                return f
        raise InvalidValue("field", name, f"expected one of {', '.join(self.columns[:-2])}")


# Minutes of a session; also what a routine's timing must give (`check_routine`).
_DURATION = PositiveField("duration_min")


def session_spec(catalog: Catalog) -> TableSpec:
    """Columns of ``sessions.csv``."""
    return TableSpec(
        "sessions",
        "s",
        "started_at",
        (
            IdField("id"),
            TimeField("started_at"),
            RoutineField("routine", catalog=catalog),
            PointsField("points", catalog=catalog),
            ChoiceField("condition", choices=CONDITIONS),
            _DURATION,
            IntField("pain_before"),
            IntField("pain_after"),
            LabelField("location", default="lower-back", max_length=200),
            TextField("notes"),
        ),
    )


def rating_spec() -> TableSpec:
    """Columns of ``ratings.csv``."""
    return TableSpec(
        "ratings",
        "r",
        "rated_at",
        (
            IdField("id"),
            TimeField("rated_at"),
            IntField("pain"),
            LabelField("location", default="lower-back", max_length=200),
            IdField("session_id", required=False),
            IntField("stress", required=False),
            TextField("notes"),
        ),
    )


def point_spec(catalog: Catalog | None = None) -> TableSpec:
    """Columns of ``points.csv``: points the user declares beside the built-in ones.

    With ``catalog``, a code is spelt as the catalog spells it (see `PointCodeField`);
    without, as the built-in points do.
    """
    return TableSpec(
        "points",
        "",
        None,
        (
            PointCodeField("code", catalog=catalog or Catalog()),
            TextField("name", max_length=100),
            TextField("location", max_length=500),
            TextField("how", max_length=500),
        ),
        key="code",
    )


def routine_spec(catalog: Catalog) -> TableSpec:
    """Columns of ``routines.csv``: the user's own routines (see also `check_routine`)."""
    allowed = "expected lower-case letters, digits, '-' or '_' (at most 40)"
    return TableSpec(
        "routines",
        "",
        None,
        (
            IdField("key", allowed=allowed, pattern=KEY_PATTERN),
            TextField("title", max_length=200),
            PointsField("points", catalog=catalog),
            # At least a second on each point, so that a session always lasts long enough
            # to be logged (see `_DURATION`).
            PositiveField("seconds_per_point", high=3600, unit="seconds", least=1),
            IntField("rounds", low=1, high=100),
            ChoiceField("condition", choices=CONDITIONS, required=False),
        ),
        key="key",
    )


def check_routine(values: Mapping[str, Any]) -> None:
    """Refuse a routine whose sessions could not be logged at its own timing.

    Parameters
    ----------
    values : mapping
        A routine's fields, each already parsed by `routine_spec`'s fields.

    Raises
    ------
    InvalidValue
        Naming ``seconds_per_point`` when points × seconds × rounds is not a session
        length that ``duration_min`` accepts (more than 600 minutes, say).
    """
    routine = Routine(**values)
    minutes = routine.default_minutes or 0
    if not _DURATION.least <= minutes <= _DURATION.high:
        raise InvalidValue(
            "seconds_per_point",
            routine.seconds_per_point,
            f"expected a timing whose sessions last from {_DURATION.least:.3g} to "
            f"{_DURATION.high:g} minutes: {len(routine.points)} points × "
            f"{routine.seconds_per_point:g} s × {routine.rounds} rounds is {minutes:g} minutes",
        )


def plan_spec(catalog: Catalog) -> TableSpec:
    """Columns of ``plan.csv``: the slots of randomised experiment plans.

    A real/sham plan's slots say which routine and condition; a leave-one-out plan's say
    which point to leave out of the routine (``leave_out``, empty for the whole routine).
    """
    allowed = "expected a point code of letters, digits, '-' or '_' (≤ 20), or nothing"
    return TableSpec(
        "plan",
        "",
        "due",
        (
            IdField("slot"),
            IdField("plan"),
            IntField("block", low=1, high=100_000),
            TimeField("due"),
            RoutineField("routine", catalog=catalog),
            ChoiceField("condition", choices=CONDITIONS),
            IntField("seed", low=0, high=2**31 - 1),
            IdField("session_id", required=False),
            IdField("leave_out", required=False, allowed=allowed, pattern=CODE_PATTERN),
            IntField("reopened", low=0, high=1000, required=False),
            TimeField("closed_at", required=False),
            TimeField("started_at", required=False),
            IntField("pain_before", required=False),
            TimeField("revealed_at", required=False),
            ChoiceField("blind_set", choices=BLIND_SETS, required=False),
            ChoiceField("guess", choices=GUESSES, required=False),
            TimeField("guessed_at", required=False),
            ChoiceField("statistic", choices=STATISTICS, required=False),
        ),
        key="slot",
        added_later=(
            "leave_out",
            "reopened",
            "closed_at",
            "started_at",
            "pain_before",
            "revealed_at",
            "blind_set",
            "guess",
            "guessed_at",
            "statistic",
        ),
    )


#: The names a blind plan gives its two sets of spots (stored in lower case), and the
#: answers to "which set do you think is the real one?".
BLIND_SETS = ("a", "b")
GUESSES = ("a", "b", "unsure")
#: What a plan's real/sham test sums (`acutrack.stats.randomisation`), fixed when it is made.
STATISTICS = ("adjusted", "raw")


#: How a medication was taken: on a schedule, or when needed (rescue medication).
MEDICATION_USES = ("regular", "as-needed")
PROFILE_KEYS = ("name", "patient_id")


def peg_spec() -> TableSpec:
    """Columns of ``peg.csv``: the PEG-3 scale, each item 0–10 over the past week.

    ``pain`` is average pain, ``enjoyment`` and ``activity`` how much pain interfered
    with enjoyment of life and with general activity (Krebs et al. 2009).
    """
    return TableSpec(
        "peg",
        "g",
        "answered_at",
        (
            IdField("id"),
            TimeField("answered_at"),
            IntField("pain"),
            IntField("enjoyment"),
            IntField("activity"),
            TextField("notes"),
        ),
    )


def pgic_spec() -> TableSpec:
    """Columns of ``pgic.csv``: the patient's global impression of change (1–7).

    ``since`` is the day the question asked about ("since you started on …").
    """
    return TableSpec(
        "pgic",
        "c",
        "answered_at",
        (
            IdField("id"),
            TimeField("answered_at"),
            IntField("change", low=1, high=7),
            DateField("since", required=False),
            TextField("notes"),
        ),
    )


def medication_spec() -> TableSpec:
    """Columns of ``medications.csv``: medicines and other treatments taken."""
    return TableSpec(
        "medications",
        "m",
        "taken_at",
        (
            IdField("id"),
            TimeField("taken_at"),
            LabelField("name", required=True, max_length=100),
            PositiveField("dose", high=100_000, unit="a dose", least=0.001, required=False),
            LabelField("unit", max_length=20),
            ChoiceField("use", choices=MEDICATION_USES),
            TextField("notes"),
        ),
    )


#: The red-flag screen's questions, as the columns of ``screens.csv`` name them, in order;
#: their words, tiers and advice are `acutrack.screening`'s, which builds on these.
SCREEN_QUESTIONS = (
    "bladder_bowel",
    "saddle_numbness",
    "sexual_function",
    "leg_weakness",
    "fever",
    "injury",
    "cancer_history",
    "weight_loss",
    "steroids",
    "night_pain",
)
#: What each may answer: ``seen`` is a sign still there that a clinician has seen.
SCREEN_ANSWERS = ("yes", "no", "seen")


def screen_spec() -> TableSpec:
    """Columns of ``screens.csv``: answers to the red-flag screen (`acutrack.screening`)."""
    return TableSpec(
        "screens",
        "f",
        "answered_at",
        (
            IdField("id"),
            TimeField("answered_at"),
            *(ChoiceField(name, choices=SCREEN_ANSWERS) for name in SCREEN_QUESTIONS),
            TextField("notes"),
        ),
    )


def profile_spec() -> TableSpec:
    """Columns of ``profile.csv``: the name or id the person chose to show on reports."""
    return TableSpec(
        "profile",
        "",
        None,
        (
            ChoiceField("key", choices=PROFILE_KEYS),
            TextField("value", max_length=200),
        ),
        key="key",
    )


def imported_rating_spec() -> TableSpec:
    """Columns of ``imported_ratings.csv``: pain ratings imported on a coarser footing.

    The columns of ``ratings.csv``; the rows are ratings brought in from another app
    (see `acutrack.importing`) on a scale coarser than 0–10, or with no time of day.
    Kept apart so that trends, verdicts and pain alerts, which read ``ratings.csv``,
    never mistake them for check-ins.
    """
    return replace(rating_spec(), name="imported_ratings", id_prefix="i")


#: The apps `acutrack.importing` reads, and how precisely a source gave an entry's time:
#: to the minute, as a part of the day (``am``, ``evening``), or only the day.
IMPORT_APPS = ("bearable", "pain-diary", "csv")
TIME_PRECISIONS = ("exact", "part-of-day", "day")
IMPORTED_KINDS = ("ratings", "imported_ratings", "medications")


def import_spec() -> TableSpec:
    """Columns of ``imports.csv``: the import ledger, one row per imported entry.

    ``entry_id`` is the entry made (in the file ``kind``); ``source_key`` identifies the
    source record by its content (never its row number), so that the same record in a
    later, overlapping export is known, even after its entry was deleted. ``app``,
    ``source_file`` and ``source_row`` say where it came from; ``precision`` how exactly
    the source gave its time; ``scale`` and ``original`` the rating as the source wrote it.
    """
    return TableSpec(
        "imports",
        "",
        None,
        (
            IdField("entry_id"),
            ChoiceField("kind", choices=IMPORTED_KINDS),
            IdField("source_key", allowed="expected 32 hexadecimal digits", pattern="[0-9a-f]{32}"),
            ChoiceField("app", choices=IMPORT_APPS),
            TextField("source_file", max_length=255),
            IntField("source_row", low=2, high=10**9),
            ChoiceField("precision", choices=TIME_PRECISIONS),
            TextField("scale", max_length=20),
            TextField("original", max_length=500),
        ),
        key="entry_id",
    )
