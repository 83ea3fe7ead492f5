"""The journal as a FHIR R4 ``Bundle``: one function per kind of resource, `fhir_bundle`
putting them together and `write_fhir` writing it.

The resources are plain dictionaries (JSON), so acutrack needs no FHIR library; the tests
check them against the ``fhir.resources`` R4B models. The codes and their sources are in
`acutrack.export.codes`.
"""

from __future__ import annotations

import json
import os
import uuid
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..answers import PGIC_ANSWERS
from ..errors import InvalidValue
from ..importing import APP_NAMES, scale_top
from ..importing.sources import whole_number
from .codes import PAIN, PEG_ITEMS, PEG_MEAN, PGIC, SCALE_RANGE, SURVEY, UCUM
from .common import day, load, stamps

if TYPE_CHECKING:
    import pandas as pd

    from ..journal import Journal

# Resource ids are uuid5 of the journal entry's id in this namespace (a fixed, random
# uuid), so that exporting the same journal twice gives its entries the same ids.
_NAMESPACE = uuid.UUID("e76f2127-af6e-4600-a482-51ddbbdc7b9e")


def _uuid(key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, key))


def _score(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "{score}", "system": UCUM, "code": "{score}"}


def _zero_ten(words: str) -> dict[str, Any]:
    """The code of a pain rating given on 0–10: LOINC 72514-3, with what it was in words."""
    return {"coding": [PAIN], "text": f"Pain severity 0-10, {words}"}


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


@dataclass(frozen=True)
class _Author:
    """The patient the resources are about and by, and whether the notes go out."""

    me: dict[str, str]  # a reference to the patient
    notes: bool

    def observation(self, key: str, when: str, code: dict, note: str, **fields: Any) -> dict:
        """A self-reported survey ``Observation`` of the journal entry ``key``."""
        resource = {
            "resourceType": "Observation",
            "id": _uuid(key),
            "status": "final",
            "category": [SURVEY],
            "code": code,
            "subject": self.me,
            "effectiveDateTime": when,
            "performer": [self.me],
            **fields,
        }
        if self.notes and note:
            resource["note"] = [{"text": note}]
        return resource

    def pain(
        self, key: str, when: str, code: dict, value: int, where: str, note: str, **fields: Any
    ) -> dict:
        """An ``Observation`` of pain as a score, where it hurts as its ``bodySite``."""
        site = {"bodySite": {"text": where}} if where else {}
        return self.observation(
            key, when, code, note, valueQuantity=_score(int(value)), **site, **fields
        )


def _patient(profile: dict[str, Any]) -> dict[str, Any]:
    """The ``Patient``: a new uuid each time, a name and an id only when the person set them."""
    patient: dict[str, Any] = {"resourceType": "Patient", "id": str(uuid.uuid4())}
    if profile.get("patient_id"):
        patient["identifier"] = [{"value": profile["patient_id"]}]
    if profile.get("name"):
        patient["name"] = [{"text": profile["name"]}]
    return patient


def _ratings(ratings: pd.DataFrame, by: _Author) -> list[dict]:
    """An ``Observation`` per check-in (a follow-up of a session or not), on 0–10."""
    resources = []
    for row, when in zip(
        ratings.itertuples(), stamps(ratings["rated_at"], ratings["local_time"]), strict=True
    ):
        follow_up = isinstance(row.session_id, str) and row.session_id
        words = "follow-up after a self-acupressure session" if follow_up else "check-in"
        resources.append(by.pain(row.id, when, _zero_ten(words), row.pain, row.location, row.notes))
    return resources


def _imported_ratings(imported: pd.DataFrame, by: _Author) -> list[dict]:
    """An ``Observation`` per imported rating, as rated, with its scale's ends as a component."""
    resources = []
    for row, when in zip(
        imported.itertuples(),
        stamps(imported["rated_at"], imported["local_time"]),
        strict=True,
    ):
        code, value, top = _imported_code(row)
        # FHIR's dateTime may be a day alone: a rating given only its day goes out as that
        # day, without the 12:00 the journal stands in for its time.
        when = when[:10] if row.precision == "day" else when
        scale = {
            "code": {"text": SCALE_RANGE},
            "valueRange": {"low": _score(0), "high": _score(top)},
        }
        resources.append(
            by.pain(row.id, when, code, value, row.location, row.notes, component=[scale])
        )
    return resources


def _sessions(sessions: pd.DataFrame, by: _Author) -> list[dict]:
    """Two ``Observation`` resources per session: pain before (at its start) and after (end)."""
    import pandas as pd

    duration = pd.to_timedelta(sessions["duration_min"], unit="min")
    ends = stamps(sessions["started_at"] + duration, sessions["local_time"] + duration)
    starts = stamps(sessions["started_at"], sessions["local_time"])
    resources = []
    for row, start, end in zip(sessions.itertuples(), starts, ends, strict=True):
        for part, when, value in (
            ("before", start, row.pain_before),
            ("after", end, row.pain_after),
        ):
            code = _zero_ten(f"{part} a self-acupressure session")
            resources.append(
                by.pain(f"{row.id}/{part}", when, code, value, row.location, row.notes)
            )
    return resources


def _peg(peg: pd.DataFrame, by: _Author) -> list[dict]:
    """An ``Observation`` per PEG answer: its mean score, the three items as components."""
    resources = []
    for row, when in zip(
        peg.itertuples(), stamps(peg["answered_at"], peg["local_time"]), strict=True
    ):
        components = []
        for item, coding, text in PEG_ITEMS:
            code = {"coding": [coding], "text": text} if coding else {"text": text}
            components.append({"code": code, "valueQuantity": _score(int(getattr(row, item)))})
        code = {"coding": [PEG_MEAN], "text": "PEG (pain, enjoyment, general activity) score"}
        resources.append(
            by.observation(
                row.id,
                when,
                code,
                row.notes,
                valueQuantity=_score(round(float(row.score), 2)),
                component=components,
            )
        )
    return resources


def _pgic(pgic: pd.DataFrame, by: _Author) -> list[dict]:
    """An ``Observation`` per PGIC answer: 1–7, in words, and the day it compares with."""
    resources = []
    for row, when in zip(
        pgic.itertuples(), stamps(pgic["answered_at"], pgic["local_time"]), strict=True
    ):
        change = int(row.change)
        components = [
            {"code": {"text": "Answer in words"}, "valueString": PGIC_ANSWERS[change - 1]}
        ]
        since = day(row.since)
        if since:
            components.append({"code": {"text": "Change since"}, "valueDateTime": since})
        resources.append(
            by.observation(
                row.id, when, {"text": PGIC}, row.notes, valueInteger=change, component=components
            )
        )
    return resources


def _medications(medications: pd.DataFrame, by: _Author) -> list[dict]:
    """A ``MedicationStatement`` per medicine taken: its name, dose, and if taken as needed."""
    import pandas as pd

    resources = []
    for row, when in zip(
        medications.itertuples(),
        stamps(medications["taken_at"], medications["local_time"]),
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
            "subject": by.me,
            "effectiveDateTime": when,
            "dosage": [dosage],
        }
        if by.notes and row.notes:
            statement["note"] = [{"text": row.notes}]
        resources.append(statement)
    return resources


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
    tables = load(journal)
    patient = _patient(journal.profile())
    by = _Author({"reference": f"urn:uuid:{patient['id']}"}, notes)
    resources = [
        patient,
        *_ratings(tables["ratings"], by),
        *_imported_ratings(tables["imported_ratings"], by),
        *_sessions(tables["sessions"], by),
        *_peg(tables["peg"], by),
        *_pgic(tables["pgic"], by),
        *_medications(tables["medications"], by),
    ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": journal.now().isoformat(timespec="seconds"),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }


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
