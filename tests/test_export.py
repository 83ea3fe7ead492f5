"""The clinic export: a FHIR R4 bundle checked against the ``fhir.resources`` R4B models, and
tidy CSV tables whose data dictionary describes every column."""

from __future__ import annotations

import csv
import itertools
import json
import os
import stat
from datetime import datetime, timedelta, timezone

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient

import acutrack as at
from acutrack.cli import main
from acutrack.export import DICTIONARY_FILE, TABLES, fhir_bundle, write_csv, write_fhir
from acutrack.screening import QUESTIONS

CET = timezone(timedelta(hours=1))
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
    assert checkin["valueQuantity"] == {
        "value": 6,
        "unit": "{score}",
        "system": "http://unitsofmeasure.org",
        "code": "{score}",
    }
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
    codes = [c["code"].get("coding", [{}])[0].get("code") for c in peg["component"]]
    assert codes == [None, "91145-3", "91146-1"]  # item 1 has no confirmed LOINC code
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
    sessions, ratings = sample.entries()
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
