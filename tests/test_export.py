"""The clinic export: a FHIR R4 bundle checked against the ``fhir.resources`` R4B models, and
tidy CSV tables whose data dictionary describes every column."""

from __future__ import annotations

import csv
import itertools
import json
import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient

import acutrack as at
from acutrack.cli import main
from acutrack.export import DICTIONARY_FILE, TABLES, fhir_bundle, write_csv, write_fhir
from acutrack.importing import import_file
from acutrack.screening import QUESTIONS

CET = timezone(timedelta(hours=1))
IMPORTS = Path(__file__).parent / "data" / "import"
MODELS = {
    "Patient": Patient,
    "Observation": Observation,
    "MedicationStatement": MedicationStatement,
}
POSIX = pytest.mark.skipif(os.name == "nt", reason="Windows has no POSIX file modes")


def new_journal(tmp_path) -> at.Journal:
    """An empty journal whose clock and ids are fixed."""
    counter = itertools.count(1)
    return at.Journal(
        tmp_path / "j",
        clock=lambda: datetime(2026, 6, 10, 12, 0, tzinfo=CET),
        make_id=lambda prefix: f"{prefix}-{next(counter):04d}",
    )


@pytest.fixture
def journal(tmp_path) -> at.Journal:
    """One entry of every kind, each with a note."""
    j = new_journal(tmp_path)
    s = j.log_session(
        6, 3, routine="back", started_at="2026-06-01T09:30:00+01:00", notes="secret session"
    )
    j.log_rating(
        6, rated_at="2026-06-01T11:30:00+01:00", session_id=s.id, stress=4, notes="=SUM(A1)"
    )
    j.log_rating(5, rated_at="2026-06-02T08:00:00-05:00", location="neck")
    j.log_peg(6, 5, 4, answered_at="2026-06-03T10:00:00+02:00", notes="secret peg")
    j.log_pgic(5, since="2026-05-01", answered_at="2026-06-04T10:00:00+02:00")
    j.log_medication("ibuprofen", 400, "mg", as_needed=True, taken_at="2026-06-04T11:00+02:00")
    j.log_medication("heat pad", taken_at="2026-06-04T12:00:00+02:00", notes="secret med")
    j.log_screen({q.name: False for q in QUESTIONS}, answered_at="2026-06-04T12:00:00+02:00")
    return j


def score(value: float) -> dict:
    """A FHIR Quantity of a score, as in UCUM."""
    return {
        "value": value,
        "unit": "{score}",
        "system": "http://unitsofmeasure.org",
        "code": "{score}",
    }


def resources(bundle: dict) -> list[dict]:
    return [e["resource"] for e in bundle["entry"]]


def validated(bundle: dict) -> Bundle:
    """The bundle parsed by the R4B models: as a whole, then each resource by its class."""
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        MODELS[resource["resourceType"]].model_validate(resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
    return parsed


def by_code(bundle: dict, code: str) -> list[dict]:
    return [
        r
        for r in resources(bundle)
        if any(c.get("code") == code for c in r.get("code", {}).get("coding", []))
    ]


def read_csv(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_fhir_bundle_validates_and_counts(journal, tmp_path):
    out = tmp_path / "out.json"
    counts = write_fhir(journal, out)
    # 2 check-ins + a session's before and after + PEG + PGIC; the screen is not exported.
    assert counts == {"Patient": 1, "Observation": 6, "MedicationStatement": 2}
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert len(validated(bundle).entry) == 9
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    [patient] = [r for r in resources(bundle) if r["resourceType"] == "Patient"]
    me = f"urn:uuid:{patient['id']}"
    for r in resources(bundle)[1:]:
        assert r["subject"] == {"reference": me}
    for r in by_code(bundle, "72514-3"):
        assert r["status"] == "final"
        assert r["category"][0]["coding"][0]["code"] == "survey"


def test_pain_value_and_recorded_offset(journal):
    bundle = fhir_bundle(journal)
    pain = {r["effectiveDateTime"]: r for r in by_code(bundle, "72514-3")}
    checkin = pain["2026-06-01T11:30:00+01:00"]
    assert checkin["valueQuantity"] == score(6)
    assert pain["2026-06-02T08:00:00-05:00"]["bodySite"] == {"text": "neck"}
    # A session's pain before is at its start, after at its end (2.5 min later).
    assert pain["2026-06-01T09:30:00+01:00"]["valueQuantity"]["value"] == 6
    assert pain["2026-06-01T09:32:30+01:00"]["valueQuantity"]["value"] == 3
    assert "before" in pain["2026-06-01T09:30:00+01:00"]["code"]["text"]


def test_peg_pgic_and_medications(journal):
    bundle = fhir_bundle(journal)
    [peg] = by_code(bundle, "91147-9")
    assert peg["valueQuantity"]["value"] == 5.0
    assert peg["effectiveDateTime"] == "2026-06-03T10:00:00+02:00"
    items = [c["valueQuantity"]["value"] for c in peg["component"]]
    assert items == [6, 5, 4]
    codes = [c["code"]["coding"][0]["code"] for c in peg["component"]]
    assert codes == ["75893-8", "91145-3", "91146-1"]  # as LOINC's PEG panel 91148-7 lists them
    assert peg["component"][0]["code"]["coding"][0]["display"] == (
        "What number best describes your pain on average in the past week?"
    )
    [pgic] = [r for r in resources(bundle) if "valueInteger" in r]
    assert pgic["valueInteger"] == 5 and "PGIC" in pgic["code"]["text"]
    assert "coding" not in pgic["code"]
    words = {c["code"]["text"]: c for c in pgic["component"]}
    assert words["Change since"]["valueDateTime"] == "2026-05-01"
    assert words["Answer in words"]["valueString"].startswith("Moderately better")
    meds = {
        r["medicationCodeableConcept"]["text"]: r
        for r in resources(bundle)
        if r["resourceType"] == "MedicationStatement"
    }
    ibuprofen, heat = meds["ibuprofen"], meds["heat pad"]
    assert ibuprofen["status"] == "completed"
    assert ibuprofen["effectiveDateTime"] == "2026-06-04T11:00:00+02:00"
    assert ibuprofen["dosage"] == [
        {"asNeededBoolean": True, "doseAndRate": [{"doseQuantity": {"value": 400.0, "unit": "mg"}}]}
    ]
    assert heat["dosage"] == [{"asNeededBoolean": False}]


def test_ids_are_stable_but_the_patient_is_new_each_time(journal):
    first, second = fhir_bundle(journal), fhir_bundle(journal)
    ids = [[r["id"] for r in resources(b)] for b in (first, second)]
    assert ids[0][1:] == ids[1][1:]
    assert len(set(ids[0])) == len(ids[0])
    assert ids[0][0] != ids[1][0]  # the anonymous patient


def test_patient_is_anonymous_unless_the_person_says_otherwise(journal):
    [patient] = [r for r in resources(fhir_bundle(journal)) if r["resourceType"] == "Patient"]
    assert set(patient) == {"resourceType", "id"}
    journal.set_profile(name="Ada Lovelace")
    patient = resources(fhir_bundle(journal))[0]
    assert patient["name"] == [{"text": "Ada Lovelace"}] and "identifier" not in patient
    journal.set_profile(patient_id="NHS 123")
    bundle = fhir_bundle(journal)
    assert resources(bundle)[0]["identifier"] == [{"value": "NHS 123"}]
    validated(bundle)


def test_notes_only_when_asked(journal, tmp_path):
    write_fhir(journal, tmp_path / "plain.json")
    write_csv(journal, tmp_path / "plain")
    assert "secret" not in (tmp_path / "plain.json").read_text(encoding="utf-8")
    for path in (tmp_path / "plain").iterdir():
        assert "secret" not in path.read_text(encoding="utf-8").replace(
            "exported only when asked", ""
        )
        assert "notes" not in next(csv.reader(path.open(encoding="utf-8")))
    write_fhir(journal, tmp_path / "notes.json", notes=True)
    bundle = json.loads((tmp_path / "notes.json").read_text(encoding="utf-8"))
    notes = [n["text"] for r in resources(bundle) for n in r.get("note", [])]
    assert sorted(notes) == ["=SUM(A1)", "secret med", "secret peg", *["secret session"] * 2]
    validated(bundle)
    write_csv(journal, tmp_path / "notes", notes=True)
    ratings = read_csv(tmp_path / "notes" / "ratings.csv")
    assert ratings[0]["notes"] == "'=SUM(A1)"  # a spreadsheet shows it, never runs it


def test_csv_tables_and_a_dictionary_of_every_column(journal, tmp_path):
    # A column the person added to a file goes out with the notes.
    path = journal.path / "ratings.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([header + ",mood", *(r + ",calm" for r in rows)]) + "\n")
    for notes in (False, True):
        folder = tmp_path / f"csv-{notes}"
        written = write_csv(journal, folder, notes=notes)
        assert [p.name for p in written] == [f"{t}.csv" for t in TABLES] + [DICTIONARY_FILE]
        described = {(r["table"], r["column"]) for r in read_csv(folder / DICTIONARY_FILE)}
        for row in read_csv(folder / DICTIONARY_FILE):
            assert row["type"] and row["meaning"]
        exported = {
            (p.stem, column)
            for p in written[:-1]
            for column in next(csv.reader(p.open(encoding="utf-8")))
        }
        assert exported == described
        assert (("ratings", "mood") in exported) is notes
        assert (("ratings", "notes") in exported) is notes
    sessions = read_csv(folder / "sessions.csv")
    assert sessions == [
        {
            "id": "s-0001",
            "started_at": "2026-06-01T09:30:00+01:00",
            "routine": "back",
            "points": "BL23 BL52 GB30 CV4 BL57",
            "condition": "real",
            "duration_min": "2.5",
            "pain_before": "6",
            "pain_after": "3",
            "location": "lower-back",
            "notes": "secret session",
        }
    ]
    ratings = read_csv(folder / "ratings.csv")
    assert [r["rated_at"] for r in ratings] == [
        "2026-06-01T11:30:00+01:00",
        "2026-06-02T08:00:00-05:00",
    ]
    assert [(r["stress"], r["session_id"], r["mood"]) for r in ratings] == [
        ("4", "s-0001", "calm"),
        ("", "", "calm"),
    ]
    assert read_csv(folder / "peg.csv")[0]["score"] == "5.0"
    assert read_csv(folder / "pgic.csv")[0]["since"] == "2026-05-01"
    meds = read_csv(folder / "medications.csv")
    assert [(m["name"], m["dose"], m["unit"], m["use"]) for m in meds] == [
        ("ibuprofen", "400.0", "mg", "as-needed"),
        ("heat pad", "", "", "regular"),
    ]
    screen = read_csv(folder / "screens.csv")[0]
    assert {screen[q.name] for q in QUESTIONS} == {"no"}


@POSIX
def test_files_are_private(journal, tmp_path):
    write_fhir(journal, tmp_path / "out.json")
    paths = [tmp_path / "out.json", *write_csv(journal, tmp_path / "new" / "csv")]
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((tmp_path / "new" / "csv").stat().st_mode) == 0o700


def test_the_journal_files_are_never_written_over(journal):
    before = {p.name: p.read_bytes() for p in journal.path.iterdir()}
    for name in ("sessions.csv", "export.json"):
        with pytest.raises(at.InvalidValue, match="journal"):
            write_fhir(journal, journal.path / name)
    with pytest.raises(at.InvalidValue, match="folder"):
        write_csv(journal, journal.path)
    with pytest.raises(at.InvalidValue, match="folder"):
        write_csv(journal, journal.path / "sub" / "..")
    assert {p.name: p.read_bytes() for p in journal.path.iterdir()} == before


def test_an_empty_journal_exports_just_the_patient(tmp_path):
    journal = new_journal(tmp_path)
    out = tmp_path / "empty.json"
    assert write_fhir(journal, out) == {"Patient": 1, "Observation": 0, "MedicationStatement": 0}
    bundle = json.loads(out.read_text(encoding="utf-8"))
    validated(bundle)
    assert [r["resourceType"] for r in resources(bundle)] == ["Patient"]
    written = write_csv(journal, tmp_path / "csv")
    assert all(len(read_csv(p)) == 0 for p in written[:-1])
    assert not journal.path.exists()  # exporting wrote nothing into the journal


def test_the_sample_journal(tmp_path):
    sample = at.sample_journal()
    counts = write_fhir(sample, tmp_path / "sample.json")
    sessions, ratings = sample.sessions_and_ratings()
    assert counts["Observation"] == 2 * len(sessions) + len(ratings) + len(sample.peg()) + len(
        sample.pgic()
    )
    validated(json.loads((tmp_path / "sample.json").read_text(encoding="utf-8")))
    written = write_csv(sample, tmp_path / "csv")
    assert len(read_csv(written[0])) == len(sessions)


def test_command_line(journal, tmp_path, capsys):
    out, folder = tmp_path / "c.json", tmp_path / "clinic"
    args = ["--journal", str(journal.path), "export"]
    assert main([*args, "--fhir", str(out), "--csv", str(folder)]) == 0
    said = capsys.readouterr().out
    assert "1 Patient" in said and "6 Observation" in said and str(folder) in said
    assert "secret" not in out.read_text(encoding="utf-8")
    assert (folder / DICTIONARY_FILE).exists()
    assert main([*args, "--fhir", str(out), "--notes"]) == 0
    assert "secret" in out.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(args) == 2
    assert "--fhir" in capsys.readouterr().err
    assert main([*args, "--csv", str(journal.path)]) == 2
    assert "folder" in capsys.readouterr().err


@pytest.fixture
def imported(tmp_path) -> at.Journal:
    """Ratings imported from a sheet on 0-4 and one on 0-10 (three with a time, one a day)."""
    j = new_journal(tmp_path)
    mapping = "time=When,pain=Pain (0-4),location=Where,notes=Comment"
    import_file(j, "csv", IMPORTS / "spreadsheet-0-4.csv", mapping=mapping, scale="0-4")
    mapping = "time=Date,pain=Pain Level,notes=Notes"
    import_file(j, "csv", IMPORTS / "spreadsheet-0-10.csv", mapping=mapping, date_order="DMY")
    return j


def imported_pain(bundle: dict) -> dict[str, dict]:
    """The Observations of imported ratings (not check-ins), by the start of their time."""
    return {
        r["effectiveDateTime"][:16]: r
        for r in resources(bundle)
        if "imported from" in r.get("code", {}).get("text", "")
    }


def test_imported_ratings_go_out_on_their_own_scale(imported):
    bundle = fhir_bundle(imported, notes=True)
    validated(bundle)
    pain = imported_pain(bundle)
    # The four 0-4 ratings and the 0-10 one given only its day; the three 0-10 ratings with
    # a time are check-ins (ratings.csv), coded 72514-3 as before.
    assert len(pain) == 5 and len(by_code(bundle, "72514-3")) == 3 + 1
    coarse = [r for r in pain.values() if "0-4" in r["code"]["text"]]
    assert len(coarse) == 4
    for r in coarse:  # never under the 0-10 code: no coding at all, the app and scale in words
        assert set(r["code"]) == {"text"} and "CSV" in r["code"]["text"]
        assert r["component"] == [
            {
                "code": {"text": "Scale the rating was given on (lowest to highest)"},
                "valueRange": {"low": score(0), "high": score(4)},
            }
        ]
    # The value as rated (2 on 0-4), never acutrack's 0-10 conversion (5).
    morning = pain["2021-03-04T08:30"]
    assert morning["valueQuantity"]["value"] == 2 and morning["bodySite"] == {"text": "lower-back"}
    assert morning["note"] == [{"text": "after sleep"}]
    assert pain["2021-03-06T21:00"]["effectiveDateTime"] == "2021-03-06T21:00:00+01:00"
    assert pain["2021-03-06T21:00"]["valueQuantity"]["value"] == 4
    # A rating given only its day goes out as that day, not at the 12:00 stood in for it.
    assert pain["2021-03-05"]["effectiveDateTime"] == "2021-03-05"
    assert pain["2021-03-05"]["valueQuantity"]["value"] == 1
    # On 0-10, the rating keeps LOINC 72514-3.
    day_only = pain["2021-03-26"]
    assert day_only["code"]["coding"][0]["code"] == "72514-3"
    assert day_only["effectiveDateTime"] == "2021-03-26"
    assert day_only["valueQuantity"]["value"] == 2
    assert day_only["component"][0]["valueRange"]["high"]["value"] == 10


def test_an_imported_rating_whose_source_was_lost_is_not_coded_0_to_10(imported):
    (imported.path / "imports.csv").unlink()  # the ledger: original values and scales
    bundle = fhir_bundle(imported)
    validated(bundle)
    pain = imported_pain(bundle)
    assert len(pain) == 5 and len(by_code(bundle, "72514-3")) == 3
    for r in pain.values():
        assert set(r["code"]) == {"text"} and "converted by acutrack" in r["code"]["text"]
    # Only acutrack's conversion to 0-10 is left to export, and the text says so.
    assert pain["2021-03-04T08:30"]["valueQuantity"]["value"] == 5


def test_imported_ratings_are_a_csv_table_with_their_scale_and_original(imported, tmp_path):
    written = write_csv(imported, tmp_path / "csv")
    assert "imported_ratings.csv" in [p.name for p in written]
    rows = read_csv(tmp_path / "csv" / "imported_ratings.csv")
    # The original and its scale are text, guarded as text a spreadsheet would change.
    assert [(r["pain"], r["original"], r["scale"], r["precision"]) for r in rows] == [
        ("5", "'2", "'0-4", "exact"),
        ("8", "'3", "'0-4", "part-of-day"),
        ("3", "'1", "'0-4", "day"),
        ("10", "'4", "'0-4", "exact"),
        ("2", "'2", "'0-10", "day"),
    ]
    assert rows[3]["rated_at"] == "2021-03-06T21:00:00+01:00"
    assert {r["app"] for r in rows} == {"csv"} and rows[0]["source_row"] == "2"
    # The file's name is the person's words: it goes out with the notes only.
    assert "source_file" not in rows[0] and "notes" not in rows[0]
    dictionary = {
        r["column"]: r
        for r in read_csv(tmp_path / "csv" / DICTIONARY_FILE)
        if r["table"] == "imported_ratings"
    }
    assert set(dictionary) == set(rows[0])
    assert "original" in dictionary["pain"]["meaning"]
    write_csv(imported, tmp_path / "notes", notes=True)
    rows = read_csv(tmp_path / "notes" / "imported_ratings.csv")
    assert rows[0]["source_file"] == "spreadsheet-0-4.csv" and rows[0]["notes"] == "after sleep"
    # An entry whose ledger row was lost has empty source columns; the rest stay whole.
    ledger = imported.path / "imports.csv"
    ledger.write_text("".join(ledger.read_text().splitlines(keepends=True)[:3]))
    write_csv(imported, tmp_path / "lost")
    rows = read_csv(tmp_path / "lost" / "imported_ratings.csv")
    assert [(r["original"], r["source_row"]) for r in rows] == [("'2", "2"), ("'3", "3")] + [
        ("", "")
    ] * 3
