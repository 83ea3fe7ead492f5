"""Export the journal for a clinic: a FHIR R4 bundle, and tidy CSV tables with a data dictionary.

`write_fhir` writes one JSON ``Bundle`` (type ``collection``) that an electronic health
record can import: an anonymous ``Patient``, every pain rating as an ``Observation`` (LOINC
72514-3 when it was given on 0–10; a rating imported on another scale as rated, under a
text code naming its app and scale), PEG and PGIC answers as ``Observation`` resources, and
medicines as ``MedicationStatement`` resources. `write_csv` writes the journal's tables as
typed, tidy CSV files with ``data-dictionary.csv`` describing every column, for a clinic
(or a statistician) that wants the numbers rather than a record.

Both leave out what the person wrote in words (notes, columns they added to the files
themselves, the names of files they imported) unless asked with ``notes=True``: an export
leaves the person's computer, and a note may say anything. The red-flag screen is in the
CSV export only (see `fhir_bundle`). Every file is written readable by its owner only,
whole or not at all, and never over one of the journal's own files.

The FHIR resources are plain dictionaries (JSON), so acutrack needs no FHIR library; the
tests check them against the ``fhir.resources`` R4B models.
"""

from __future__ import annotations

import json
import os
import uuid
import warnings
from contextlib import ExitStack, suppress
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .answers import PGIC_ANSWERS
from .csvstore import ensure_private_dir
from .errors import InvalidValue
from .fields import escape_text
from .importing import APP_NAMES, scale_top
from .importing.sources import whole_number
from .journal import Journal, JournalWarning
from .screening import QUESTIONS, TIERS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DICTIONARY_FILE", "TABLES", "fhir_bundle", "write_csv", "write_fhir"]

#: The journal's tables that are exported, by the name of their `Journal` loader and file.
TABLES = ("sessions", "ratings", "imported_ratings", "peg", "pgic", "medications", "screens")
DICTIONARY_FILE = "data-dictionary.csv"

# Resource ids are uuid5 of the journal entry's id in this namespace (a fixed, random
# uuid), so that exporting the same journal twice gives its entries the same ids.
_NAMESPACE = uuid.UUID("e76f2127-af6e-4600-a482-51ddbbdc7b9e")

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
_SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
# LOINC 72514-3, confirmed in HL7 Belgium's Patient Monitoring IG, ValueSet "Pain severity
# - 0-10 verbal numeric rating" (https://build.fhir.org/ig/hl7-be/patient-monitoring/
# ValueSet-pain-scale.html: "See https://loinc.org/72514-3") and on the code's LOINC
# listing (https://www.healthassure.in/codes/loinc-72514-3-pain-severity-0-10-verbal-
# numeric-rating-score-reported).
_PAIN = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
# PEG codes. LOINC's panel 91148-7 "PEG pain screening/assessment" (https://loinc.org/91148-7)
# lists its three items as 75893-8 (pain on average in the past week), 91145-3 and 91146-1,
# and 91147-9 "Mean score [PEG]" as its score. Items 2 and 3 carry the same codes in LOINC's
# FHIR Questionnaire for the panel (http://loinc.org/q/91148-7, kept verbatim in
# github.com/jmandel/ktc-questionnaire-starters, fhir-loinc/91148-7.json), which leaves item
# 1's code out: the panel is the source for 75893-8. 91147-9 is also confirmed by its LOINC
# listing (https://www.healthassure.in/codes/loinc-91147-9-mean-score-peg, method "Pain
# intensity, Enjoyment of life, General activity (PEG)") and the CDS for Chronic Pain
# Management IG's data elements.
_PEG_MEAN = {"system": LOINC, "code": "91147-9", "display": "Mean score [PEG]"}
_PEG_ITEMS = (
    (
        "pain",
        {
            "system": LOINC,
            "code": "75893-8",
            "display": "What number best describes your pain on average in the past week?",
        },
        "PEG item 1: pain on average in the past week (0 no pain to 10 worst)",
    ),
    (
        "enjoyment",
        {
            "system": LOINC,
            "code": "91145-3",
            "display": "What number best describes how, during the past week, pain has "
            "interfered with your enjoyment of life?",
        },
        "PEG item 2: pain's interference with enjoyment of life in the past week (0 to 10)",
    ),
    (
        "activity",
        {
            "system": LOINC,
            "code": "91146-1",
            "display": "What number best describes how, during the past week, pain has "
            "interfered with your general activity?",
        },
        "PEG item 3: pain's interference with general activity in the past week (0 to 10)",
    ),
)
# A rating imported on a scale other than 0–10 goes out as rated, under a text code naming
# its app and scale, never under 72514-3, which means the 0–10 scale; its 0–10 conversion
# (3 on 0–4 → 8) is acutrack's arithmetic, not the person's answer. The scale's ends are a
# component with a valueRange: FHIR R4 has no element for an instrument's range, and
# Observation.referenceRange means a normal range, which 0 to 4 is not.
_SCALE_RANGE = "Scale the rating was given on (lowest to highest)"

# No LOINC code for the PGIC could be confirmed (CDISC notes that no single standard
# version of it exists), so its Observation has a text code.
_PGIC = (
    "Patient Global Impression of Change (PGIC), 1 (no change, or worse) to 7 (a great deal better)"
)


def _uuid(key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, key))


def _score(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "{score}", "system": UCUM, "code": "{score}"}


def _zero_ten(words: str) -> dict[str, Any]:
    """The code of a pain rating given on 0–10: LOINC 72514-3, with what it was in words."""
    return {"coding": [_PAIN], "text": f"Pain severity 0-10, {words}"}


def _imported_code(row: Any) -> tuple[dict[str, Any], int, int]:
    """The code, value and top of the scale of a row of `Journal.imported_ratings`.

    On 0–10 the code is LOINC 72514-3; on another scale it is text naming the app and scale.
    """
    source = APP_NAMES.get(row.app, "another app")
    top = value = None
    if isinstance(row.scale, str) and isinstance(row.original, str):  # NaN: ledger row lost
        with suppress(InvalidValue):  # a hand-edited scale reads as a lost one
            top = scale_top(row.scale, 10)
        value = whole_number(row.original)
    if top is None or value is None or value > top:
        # Its ledger row is lost (`acutrack validate` reports it) or its value or scale
        # cannot be read: all that is left is the rating converted to 0–10, which is not a
        # rating the person gave on 0–10.
        text = (
            f"Pain severity imported from {source}, converted by acutrack to 0-10 "
            "(the value as rated and its scale were not recorded)"
        )
        return {"text": text}, int(row.pain), 10
    if top == 10:
        return _zero_ten(f"imported from {source}"), value, 10
    return {"text": f"Pain severity 0-{top}, imported from {source}"}, value, top


def _stamps(utc: pd.Series, local: pd.Series) -> list[str]:
    """ISO 8601 times with the UTC offset they were recorded with, e.g. ``…T09:30:00+01:00``."""
    offsets = (local - utc.dt.tz_convert(None)).dt.total_seconds()
    texts = []
    for wall, seconds in zip(local, offsets, strict=True):
        minutes = round(seconds / 60)
        hours, rest = divmod(abs(minutes), 60)
        sign = "-" if minutes < 0 else "+"
        texts.append(f"{wall:%Y-%m-%dT%H:%M:%S}{sign}{hours:02d}:{rest:02d}")
    return texts


def _load(journal: Journal) -> dict[str, pd.DataFrame]:
    """The exported tables, read once; unreadable rows are left out quietly, as by
    `Journal.entries` (`Journal.problems` and ``acutrack validate`` report them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JournalWarning)
        return {name: getattr(journal, name)() for name in TABLES}


def fhir_bundle(journal: Journal, *, notes: bool = False) -> dict[str, Any]:
    """The journal as a FHIR R4 ``Bundle`` of type ``collection`` (a JSON-ready dict).

    Parameters
    ----------
    journal : Journal
    notes : bool
        Also export the notes written with each entry (``Observation.note``,
        ``MedicationStatement.note``). Off by default: notes may say anything.

    Returns
    -------
    dict
        The bundle. Its entries, each with a ``fullUrl`` ``urn:uuid:…`` and a resource
        whose ``id`` is the same uuid:

        - one ``Patient``, anonymous: a new uuid at each export; a ``name`` only when the
          person set one (`Journal.set_profile`), an ``identifier`` only when they set a
          patient id;
        - an ``Observation`` for each check-in and for each session's pain before (at its
          start) and after (at its end): LOINC 72514-3, pain 0–10 as a ``valueQuantity``
          in ``{score}``, where it hurts as ``bodySite``;
        - an ``Observation`` for each rating imported on another scale or with only its
          day (`Journal.imported_ratings`): the value as the app rated it, with the scale's
          ends as a component (``valueRange``); coded LOINC 72514-3 when the scale was
          0–10, else a text code naming the app and the scale (never 72514-3); a rating
          given only its day has that day as its time;
        - an ``Observation`` for each PEG answer: LOINC 91147-9 (mean score) with the
          three items as components, coded 75893-8, 91145-3 and 91146-1;
        - an ``Observation`` for each PGIC answer: a text code, ``valueInteger`` 1–7, the
          answer in words and the day it compares with as components;
        - a ``MedicationStatement`` for each medicine taken: the name as text, the dose
          when given, and whether it was taken as needed.

        Every resource but the patient has an id derived from its journal entry's id, so
        exporting the same journal again gives the same ids. Times keep the UTC offset
        they were recorded with. Red-flag screens are not exported: a yes/no screen
        written for the person, not validated as a clinical instrument, does not belong
        in a health record as an observation (`write_csv` includes them).

    Notes
    -----
    The resources follow FHIR R4 (4.0.1) and are checked against the ``fhir.resources``
    R4B models in the tests. Observations have status ``final`` and category ``survey``;
    the patient is their subject and performer (self-reported).
    """
    import pandas as pd

    tables = _load(journal)
    profile = journal.profile()
    patient_uuid = str(uuid.uuid4())
    patient: dict[str, Any] = {"resourceType": "Patient", "id": patient_uuid}
    if profile.get("patient_id"):
        patient["identifier"] = [{"value": profile["patient_id"]}]
    if profile.get("name"):
        patient["name"] = [{"text": profile["name"]}]
    me = {"reference": f"urn:uuid:{patient_uuid}"}
    resources = [patient]

    def observation(key: str, when: str, code: dict, note: str, **fields: Any) -> dict:
        resource = {
            "resourceType": "Observation",
            "id": _uuid(key),
            "status": "final",
            "category": [_SURVEY],
            "code": code,
            "subject": me,
            "effectiveDateTime": when,
            "performer": [me],
            **fields,
        }
        if notes and note:
            resource["note"] = [{"text": note}]
        return resource

    def pain(
        key: str, when: str, code: dict, value: int, where: str, note: str, **fields: Any
    ) -> dict:
        site = {"bodySite": {"text": where}} if where else {}
        return observation(
            key, when, code, note, valueQuantity=_score(int(value)), **site, **fields
        )

    ratings = tables["ratings"]
    for row, when in zip(
        ratings.itertuples(), _stamps(ratings["rated_at"], ratings["local_time"]), strict=True
    ):
        follow_up = isinstance(row.session_id, str) and row.session_id
        words = "follow-up after a self-acupressure session" if follow_up else "check-in"
        resources.append(pain(row.id, when, _zero_ten(words), row.pain, row.location, row.notes))

    imported = tables["imported_ratings"]
    for row, when in zip(
        imported.itertuples(),
        _stamps(imported["rated_at"], imported["local_time"]),
        strict=True,
    ):
        code, value, top = _imported_code(row)
        # FHIR's dateTime may be a day alone: a rating given only its day goes out as that
        # day, without the 12:00 the journal stands in for its time.
        when = when[:10] if row.precision == "day" else when
        scale = {
            "code": {"text": _SCALE_RANGE},
            "valueRange": {"low": _score(0), "high": _score(top)},
        }
        resources.append(
            pain(row.id, when, code, value, row.location, row.notes, component=[scale])
        )

    sessions = tables["sessions"]
    ends = sessions["started_at"] + pd.to_timedelta(sessions["duration_min"], unit="min")
    local_ends = sessions["local_time"] + pd.to_timedelta(sessions["duration_min"], unit="min")
    starts = _stamps(sessions["started_at"], sessions["local_time"])
    for row, start, end in zip(
        sessions.itertuples(), starts, _stamps(ends, local_ends), strict=True
    ):
        for part, when, value in (
            ("before", start, row.pain_before),
            ("after", end, row.pain_after),
        ):
            code = _zero_ten(f"{part} a self-acupressure session")
            resources.append(pain(f"{row.id}/{part}", when, code, value, row.location, row.notes))

    peg = tables["peg"]
    for row, when in zip(
        peg.itertuples(), _stamps(peg["answered_at"], peg["local_time"]), strict=True
    ):
        components = []
        for item, coding, text in _PEG_ITEMS:
            code = {"coding": [coding], "text": text} if coding else {"text": text}
            components.append({"code": code, "valueQuantity": _score(int(getattr(row, item)))})
        code = {"coding": [_PEG_MEAN], "text": "PEG (pain, enjoyment, general activity) score"}
        resources.append(
            observation(
                row.id,
                when,
                code,
                row.notes,
                valueQuantity=_score(round(float(row.score), 2)),
                component=components,
            )
        )

    pgic = tables["pgic"]
    for row, when in zip(
        pgic.itertuples(), _stamps(pgic["answered_at"], pgic["local_time"]), strict=True
    ):
        change = int(row.change)
        components = [
            {"code": {"text": "Answer in words"}, "valueString": PGIC_ANSWERS[change - 1]}
        ]
        since = _day(row.since)
        if since:
            components.append({"code": {"text": "Change since"}, "valueDateTime": since})
        resources.append(
            observation(
                row.id, when, {"text": _PGIC}, row.notes, valueInteger=change, component=components
            )
        )

    medications = tables["medications"]
    for row, when in zip(
        medications.itertuples(),
        _stamps(medications["taken_at"], medications["local_time"]),
        strict=True,
    ):
        dosage: dict[str, Any] = {"asNeededBoolean": row.use == "as-needed"}
        if pd.notna(row.dose):  # NaN when no dose was given
            quantity: dict[str, Any] = {"value": float(row.dose)}
            if row.unit:
                quantity["unit"] = row.unit
            dosage["doseAndRate"] = [{"doseQuantity": quantity}]
        statement = {
            "resourceType": "MedicationStatement",
            "id": _uuid(row.id),
            "status": "completed",
            "medicationCodeableConcept": {"text": row.name},
            "subject": me,
            "effectiveDateTime": when,
            "dosage": [dosage],
        }
        if notes and row.notes:
            statement["note"] = [{"text": row.notes}]
        resources.append(statement)

    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": journal.now().isoformat(timespec="seconds"),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }


def _day(value: object) -> str | None:
    """A day as ``YYYY-MM-DD`` (from a date, or text as stored), or None when missing."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def write_fhir(
    journal: Journal, path: str | os.PathLike[str], *, notes: bool = False
) -> dict[str, int]:
    """Write the journal as a FHIR R4 bundle (JSON) for a clinic's health record.

    The file is readable by its owner only and written whole or not at all.

    Parameters
    ----------
    journal : Journal
    path : str or Path
        The JSON file to write (e.g. ``acutrack-fhir.json``).
    notes : bool
        Also export the notes (see `fhir_bundle`).

    Returns
    -------
    dict
        How many resources of each type were written: ``Patient`` (always 1),
        ``Observation``, ``MedicationStatement``.

    Raises
    ------
    InvalidValue
        When ``path`` is one of the journal's own files.

    Examples
    --------
    >>> write_fhir(at.Journal.default(), "acutrack-fhir.json")  # doctest: +SKIP
    {'Patient': 1, 'Observation': 212, 'MedicationStatement': 3}
    """
    with journal.private_output(path) as file:  # refused before the journal is read
        bundle = fhir_bundle(journal, notes=notes)
        text = json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
        file.write(text.encode("utf-8"))
    counts = dict.fromkeys(("Patient", "Observation", "MedicationStatement"), 0)
    for entry in bundle["entry"]:
        counts[entry["resource"]["resourceType"]] += 1
    return counts


# -- CSV ------------------------------------------------------------------------------------
_TIME = ("text", "ISO 8601 with UTC offset", "{what}, local time with its UTC offset")
_ID = ("text", "", "the entry's id, the same in the journal and in every export")
_NOTES = ("text", "", "what the person wrote with the entry (exported only when asked)")
_WHERE = ("text", "", "where it hurt: lower-back, upper-back, neck, buttock-leg, or own words")
_ZERO_TEN = "0 to 10"
# The name of a file imported from: the person's words, like a note (a name may say anything).
_SOURCE_FILE = (
    "text",
    "",
    "the name of the file it was imported from (exported only when asked)",
)
_RATINGS = {
    "id": _ID,
    "rated_at": _TIME,
    "pain": ("whole number", _ZERO_TEN, "pain at a check-in (0 none, 10 worst imaginable)"),
    "location": _WHERE,
    "session_id": (
        "text",
        "",
        "the session this check-in follows up (e.g. two hours later); empty if none",
    ),
    "stress": (
        "whole number",
        _ZERO_TEN,
        "stress at the check-in (0 none, 10 worst); empty when not recorded",
    ),
    "notes": _NOTES,
}

# table → column → (type, unit or range, meaning). A dictionary entry per exported column;
# a test checks that none is missing.
_COLUMNS: dict[str, dict[str, tuple[str, str, str]]] = {
    "sessions": {
        "id": _ID,
        "started_at": _TIME,
        "routine": ("text", "", "the acupressure routine followed (built-in or the person's own)"),
        "points": ("text", "point codes, space-separated", "the points pressed, e.g. BL23 GB30"),
        "condition": (
            "text",
            "real or sham",
            "real acupressure, or sham (light touch on non-points)",
        ),
        "duration_min": ("number", "minutes", "how long the session lasted"),
        "pain_before": (
            "whole number",
            _ZERO_TEN,
            "pain just before the session (0 none, 10 worst imaginable)",
        ),
        "pain_after": (
            "whole number",
            _ZERO_TEN,
            "pain just after the session (0 none, 10 worst imaginable)",
        ),
        "location": _WHERE,
        "notes": _NOTES,
    },
    "ratings": _RATINGS,
    # Ratings imported from another app on another scale or with only their day (see
    # `acutrack.importing`): the columns of ratings, then where each came from.
    "imported_ratings": {
        **_RATINGS,
        "rated_at": (
            "text",
            "ISO 8601 with UTC offset",
            "when it was rated, local time with its UTC offset; a time the app gave as a "
            "part of the day (am, evening) or not at all is the one acutrack stands in for it "
            "(see precision)",
        ),
        "pain": (
            "whole number",
            _ZERO_TEN,
            "the rating converted to 0 to 10 by acutrack: original × 10 / the top of the "
            "scale, rounded half up; the person did not rate it on 0 to 10 unless scale is 0-10",
        ),
        "original": ("text", "on the scale of the next column", "the rating as the app wrote it"),
        "scale": ("text", "0-N", "the app's pain scale, from 0 to its top, e.g. 0-4"),
        "precision": (
            "text",
            "exact, part-of-day or day",
            "how exactly the app gave the time: to the minute, as a part of the day, or only "
            "the day",
        ),
        "app": (
            "text",
            "bearable, pain-diary or csv",
            "the app it was imported from: Bearable, Privacy Friendly Pain Diary, or any CSV "
            "file read with a column map",
        ),
        "source_file": _SOURCE_FILE,
        "source_row": (
            "whole number",
            "2 or more",
            "the row of that file it came from (1 is the header)",
        ),
    },
    "peg": {
        "id": _ID,
        "answered_at": _TIME,
        "pain": ("whole number", _ZERO_TEN, "PEG item 1: pain on average in the past week"),
        "enjoyment": (
            "whole number",
            _ZERO_TEN,
            "PEG item 2: how much pain interfered with enjoyment of life in the past week",
        ),
        "activity": (
            "whole number",
            _ZERO_TEN,
            "PEG item 3: how much pain interfered with general activity in the past week",
        ),
        "notes": _NOTES,
        "score": (
            "number",
            _ZERO_TEN,
            "PEG score: the mean of the three items (Krebs et al. 2009)",
        ),
    },
    "pgic": {
        "id": _ID,
        "answered_at": _TIME,
        "change": (
            "whole number",
            "1 to 7",
            "patient global impression of change: "
            + "; ".join(f"{i} {words.lower()}" for i, words in enumerate(PGIC_ANSWERS, 1)),
        ),
        "since": (
            "date",
            "YYYY-MM-DD",
            "the day the change is compared with; empty when not given",
        ),
        "notes": _NOTES,
    },
    "medications": {
        "id": _ID,
        "taken_at": _TIME,
        "name": ("text", "", "the medicine or other treatment taken"),
        "dose": (
            "number",
            "in the unit of the next column",
            "how much was taken; empty when not given",
        ),
        "unit": ("text", "", "the unit of the dose, e.g. mg; may be empty"),
        "use": (
            "text",
            "regular or as-needed",
            "taken on a schedule (regular) or because of pain (as-needed)",
        ),
        "notes": _NOTES,
    },
    "screens": {
        "id": _ID,
        "answered_at": _TIME,
        **{
            q.name: (
                "text",
                "yes, no or seen" if TIERS[q.tier].urgent else "yes or no",
                f"red-flag screen: {q.text} (a yes means: {TIERS[q.tier].title.lower()}"
                + (
                    "; seen: still there, and a clinician said the person may go on)"
                    if TIERS[q.tier].urgent
                    else ")"
                ),
            )
            for q in QUESTIONS
        },
        "notes": _NOTES,
    },
}
_OWN_COLUMN = (
    "text",
    "",
    "a column the person added to the file; as written (exported only when asked)",
)
_TIME_WHAT = {
    "started_at": "when the session started",
    "rated_at": "when the check-in was made",
    "answered_at": "when it was answered",
    "taken_at": "when it was taken",
}
# Columns of the person's own words, exported only with the notes.
_WORDS = (_NOTES, _OWN_COLUMN, _SOURCE_FILE)


def _tidy(name: str, table: pd.DataFrame, notes: bool) -> tuple[pd.DataFrame, list[tuple]]:
    """``table`` as written to CSV, and its dictionary rows."""
    import pandas as pd

    known = _COLUMNS[name]
    time = next(c for c in known if c in _TIME_WHAT)
    out = pd.DataFrame(index=table.index)
    rows = []
    for column in table.columns:
        if column == "local_time":  # its wall-clock time is in the time column's text
            continue
        described = known.get(column, _OWN_COLUMN)
        if not notes and described in _WORDS:
            continue
        values = table[column]
        if described[0] == "whole number":  # whole even with a gap (NaN makes them floats)
            values = values.astype("Int64")
        if column == time:
            cells = _stamps(values, table["local_time"])
        elif column == "points":
            cells = [" ".join(p) for p in values]
        elif column == "since":
            cells = [_day(v) or "" for v in values]
        elif described[0] == "text":
            # Guarded like the journal's own cells, so a spreadsheet shows them as written.
            cells = ["" if pd.isna(v) else escape_text(str(v)) for v in values]
        else:
            cells = values.astype(object).where(values.notna(), "")
            if column == "score":
                cells = [c if c == "" else round(c, 2) for c in cells]
        out[column] = list(cells)
        kind, unit, meaning = described
        if described is _TIME:
            meaning = meaning.format(what=_TIME_WHAT[column])
        rows.append((name, column, kind, unit, meaning))
    return out, rows


def write_csv(
    journal: Journal, folder: str | os.PathLike[str], *, notes: bool = False
) -> list[Path]:
    """Write the journal's tables as tidy CSV files, with a data dictionary.

    One file per table (``sessions.csv``, ``ratings.csv``, ``imported_ratings.csv``,
    ``peg.csv``, ``pgic.csv``, ``medications.csv``, ``screens.csv``), each as loaded: one
    row per entry as it stands (corrections applied, deletions left out), times in ISO
    8601 with the UTC offset they were recorded with, points separated by spaces, and
    nothing where a value is missing. Imported ratings keep their value as the app wrote
    it, its scale, how exactly the app gave the time, and the app and row they came from.
    ``data-dictionary.csv`` describes every column written: ``table``, ``column``,
    ``type``, ``unit_or_range`` and ``meaning``. Text that a spreadsheet would take for a
    formula or a number starts with an apostrophe, as in the journal's own files.

    Parameters
    ----------
    journal : Journal
    folder : str or Path
        Where to write; created (readable by its owner only) if missing. Files of the same
        names there are replaced.
    notes : bool
        Also export the notes, any columns the person added to the files themselves, and
        the names of the files ratings were imported from.

    Returns
    -------
    list of Path
        The files written, the dictionary last.

    Raises
    ------
    InvalidValue
        When ``folder`` is the journal's own folder.

    Examples
    --------
    >>> write_csv(at.Journal.default(), "for-my-clinic")  # doctest: +SKIP
    [PosixPath('for-my-clinic/sessions.csv'), ..., PosixPath('for-my-clinic/data-dictionary.csv')]
    """
    import pandas as pd

    folder = Path(folder)
    if journal.owns(folder / DICTIONARY_FILE):
        raise InvalidValue(
            "folder", str(folder), f"expected a folder other than the journal's own, {journal.path}"
        )
    tables = _load(journal)
    texts, dictionary = {}, []
    for name, table in tables.items():
        tidy, rows = _tidy(name, table, notes)
        texts[f"{name}.csv"] = tidy.to_csv(index=False, lineterminator="\n")
        dictionary += rows
    columns = ["table", "column", "type", "unit_or_range", "meaning"]
    frame = pd.DataFrame(dictionary, columns=columns).map(escape_text)
    texts[DICTIONARY_FILE] = frame.to_csv(index=False, lineterminator="\n")
    ensure_private_dir(folder)
    paths = [folder / name for name in texts]
    # Every file is opened before any is written: where one cannot go, none is replaced.
    with ExitStack() as stack:
        files = [stack.enter_context(journal.private_output(p)) for p in paths]
        for file, text in zip(files, texts.values(), strict=True):
            file.write(text.encode("utf-8"))
    return paths
