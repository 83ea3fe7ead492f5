"""Importing from Bearable, Privacy Friendly Pain Diary and any CSV: each record once.

The files in ``tests/data/import`` are written in each app's export format (see the
README's "Import from other apps" for the versions modelled and their sources).
"""

from __future__ import annotations

import multiprocessing
import shutil
import time
from datetime import datetime
from pathlib import Path

import pytest
from test_cli import one_line_error, run

import acutrack as at
from acutrack.importing import ImportRefused, import_file, to_ten

DATA = Path(__file__).parent / "data" / "import"
JAN, FEB = DATA / "bearable-2021-01.csv", DATA / "bearable-2021-02.csv"
DIARY_DE, DIARY_US = DATA / "pain-diary-de.csv", DATA / "pain-diary-us.csv"
SHEET_4, SHEET_10 = DATA / "spreadsheet-0-4.csv", DATA / "spreadsheet-0-10.csv"


def wall(table, column="local_time"):
    """The wall-clock times of a table, as ``2021-01-04 09:00`` texts."""
    return [f"{t:%Y-%m-%d %H:%M}" for t in table[column]]


def rows(report, reason):
    return [n for n, _ in report.skipped[reason]]


def test_coarse_scales_become_0_to_10_rounded_half_up():
    assert [to_ten(v, 4) for v in range(5)] == [0, 3, 5, 8, 10]
    assert [to_ten(v, 3) for v in range(4)] == [0, 3, 7, 10]
    assert [to_ten(v, 10) for v in range(11)] == list(range(11))
    assert [to_ten(v, 5) for v in range(6)] == [0, 2, 4, 6, 8, 10]


def test_bearable_back_pain_and_medicines_come_in_the_rest_is_reported(journal):
    report = import_file(journal, "bearable", JAN)
    assert report.counts() == {"imported_ratings": 7, "medications": 2}
    # Bearable rates symptoms 0-4: their own series, never among the check-ins.
    assert journal.ratings().empty
    imported = journal.imported_ratings()
    assert imported["pain"].tolist() == [5, 3, 8, 10, 5, 0, 3]
    assert imported["original"].tolist() == ["2", "1", "3", "4", "2", "0", "1"]
    assert set(imported["scale"]) == {"0-4"} and set(imported["app"]) == {"bearable"}
    assert imported["location"].tolist()[3:5] == ["lower-back", "neck"]
    assert imported["notes"].iloc[6] == 'better after a walk, "finally"'
    meds = journal.medications()
    assert meds[["name", "dose", "unit", "use"]].values.tolist() == [
        ["Ibuprofen", 400.0, "mg", "regular"],
        ["Paracetamol", 1000.0, "mg", "regular"],
    ]
    assert wall(meds) == ["2021-01-04 14:08", "2021-01-05 09:52"]  # exact times, local time
    # Everything else is counted by reason, with its rows.
    assert report.skipped["another symptom (acutrack keeps back pain)"] == [
        (5, "'Headache'"),
        (12, "'Anxiety'"),
    ]
    assert rows(report, "'Mood' (acutrack keeps pain and medicines)") == [2, 18]
    assert rows(report, "'Sleep' (acutrack keeps pain and medicines)") == [9]
    assert rows(report, "repeats an earlier row of this file") == [17]
    damaged = dict(report.skipped["damaged (left out, the rest imported)"])
    assert sorted(damaged) == [19, 20]
    assert "31st Feb 2021" in damaged[19] and "expected 7 cells but found 5" in damaged[20]
    text = report.summary()
    assert "Added 9: 7 pain ratings on another scale" in text
    assert "row 19 date or time '31st Feb 2021 am'" in text
    assert "(a 4 on row 10)" in text


def test_parts_of_the_day_become_documented_times_with_their_precision(journal):
    import_file(journal, "bearable", JAN)
    imported = journal.imported_ratings()
    assert wall(imported) == [
        "2021-01-04 09:00",  # am
        "2021-01-04 13:00",  # mid
        "2021-01-04 22:00",  # pre (before sleep)
        "2021-01-05 09:00",
        "2021-01-05 09:00",
        "2021-01-05 12:00",  # all day
        "2021-01-06 18:00",  # pm
    ]
    assert imported["precision"].tolist() == ["part-of-day"] * 5 + ["day", "part-of-day"]
    ledger = journal.imports().set_index("entry_id")
    assert set(ledger.loc[journal.medications()["id"], "precision"]) == {"exact"}


def test_the_same_file_twice_adds_nothing(journal):
    first = import_file(journal, "bearable", JAN)
    files = {p.name: p.read_bytes() for p in journal.path.glob("*.csv")}
    again = import_file(journal, "bearable", JAN)
    assert again.added == [] and len(again.skipped[at.importing.KNOWN]) == len(first.added)
    assert {p.name: p.read_bytes() for p in journal.path.glob("*.csv")} == files
    # Even without its ledger, an entry is known by its id, which comes from its key.
    (journal.path / "imports.csv").unlink()
    assert import_file(journal, "bearable", JAN).added == []


def test_entries_whose_ledger_rows_were_lost_are_reported_and_mended(journal):
    import_file(journal, "bearable", JAN)
    ledger = journal.path / "imports.csv"
    whole = ledger.read_text(encoding="utf-8")
    header, *rows = whole.splitlines(keepends=True)
    ledger.write_text(header + "".join(rows[:3]), encoding="utf-8")  # a crash between writes
    entries = {p.name: p.read_bytes() for p in journal.path.glob("*.csv") if p != ledger}
    lost = len(rows) - 3
    problems = journal.problems()
    assert len(problems) == lost and set(problems["field"]) == {"id"}
    assert problems["why"].str.contains("import the same file again").all()
    assert journal.imported_ratings()["original"].isna().sum() > 0

    dry = import_file(journal, "bearable", JAN, dry_run=True)
    assert len(dry.mended) == lost and "Would restore where" in dry.summary()
    assert ledger.read_text(encoding="utf-8") == header + "".join(rows[:3])
    again = import_file(journal, "bearable", JAN)
    assert again.added == [] and len(again.mended) == lost
    assert f"Restored where {lost} entries" in again.summary()
    assert journal.problems().empty
    assert journal.imported_ratings()["original"].notna().all()
    assert {p.name: p.read_bytes() for p in journal.path.glob("*.csv") if p != ledger} == entries
    assert import_file(journal, "bearable", JAN).mended == []  # a third time: nothing to do


def test_a_later_overlapping_export_adds_only_its_new_records(journal):
    import_file(journal, "bearable", JAN)
    # February's export repeats 5-6 January, in a newer layout ("date formatted").
    report = import_file(journal, "bearable", FEB)
    assert report.counts() == {"imported_ratings": 3, "medications": 1}
    assert rows(report, at.importing.KNOWN) == [2, 3, 5, 6, 8]
    assert len(journal.imported_ratings()) == 10 and len(journal.medications()) == 3
    keys = journal.imports()["source_key"]
    assert keys.is_unique and len(keys) == 13


def test_a_record_deleted_after_importing_is_not_brought_back(journal):
    import_file(journal, "bearable", JAN)
    gone = journal.imported_ratings()["id"].iloc[0]
    journal.delete(gone)
    report = import_file(journal, "bearable", JAN)
    assert report.added == []
    assert gone not in set(journal.imported_ratings()["id"])
    assert gone in set(journal.imports()["entry_id"])  # the ledger remembers it


def test_pain_diary_dates_day_first_when_a_day_says_so(journal):
    report = import_file(journal, "pain-diary", DIARY_DE)
    assert "Dates read day first (DMY), as row 9 (25.03.2021) shows." in report.notes
    # One part of the day: a check-in among the others; several, or all day: the day only.
    ratings = journal.ratings()
    assert wall(ratings) == ["2021-03-01 09:00", "2021-03-02 18:00", "2021-03-25 23:00"]
    assert ratings["pain"].tolist() == [6, 4, 1]
    assert ratings["notes"].iloc[0] == "Bad night, stiff"
    day_only = journal.imported_ratings()
    assert wall(day_only) == ["2021-03-03 12:00", "2021-03-04 12:00"]
    assert day_only["location"].tolist() == ["lower-back, buttock-leg", "neck"]
    assert set(day_only["scale"]) == {"0-10"} and set(day_only["precision"]) == {"day"}
    # Drug intakes: one medicine per part of the day, the quantity times the dose.
    meds = journal.medications()
    assert meds[["name", "dose", "unit"]].values.tolist() == [
        ["Ibuprofen", 400.0, "mg"],
        ["Ibuprofen", 400.0, "mg"],
        ["Paracetamol", 1000.0, "mg"],  # 2 × 500mg at noon
    ]
    assert wall(meds) == ["2021-03-01 09:00", "2021-03-01 18:00", "2021-03-05 13:00"]
    assert rows(report, "pain elsewhere than the back (acutrack keeps back pain)") == [6]
    assert rows(report, "no pain level in the entry") == [8]
    assert rows(report, "repeats an earlier row of this file") == [11]
    damaged = dict(report.skipped["damaged (left out, the rest imported)"])
    assert sorted(damaged) == [7, 10]
    assert "'11' is not a whole number from 0 to 10" in damaged[7]
    assert "31.04.2021" in damaged[10]
    assert report.left_out == {"how you felt (Conditions)": 7, "Pain nature": 5}


def test_ambiguous_dates_need_the_date_order(journal):
    with pytest.raises(ImportRefused, match=r"--date-order DMY .* or --date-order MDY"):
        import_file(journal, "pain-diary", DIARY_US)
    assert not journal.path.exists()  # nothing written, not even the folder
    for order, days in (("MDY", "03-01 03-02 03-04 03-12"), ("dmy", "01-03 02-03 04-03 12-03")):
        other = at.Journal(journal.path.parent / order)
        import_file(other, "pain-diary", DIARY_US, date_order=order)
        assert [d[5:10] for d in wall(other.ratings())] == days.split()
    with pytest.raises(at.InvalidValue, match="date_order"):
        import_file(journal, "pain-diary", DIARY_US, date_order="YMD")


def test_dates_that_contradict_each_other_are_refused(journal, tmp_path):
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("When,Pain\n25/03/2021 08:00,3\n03/25/2021 09:00,4\n")
    with pytest.raises(ImportRefused, match=r"disagree: row 2 .* row 3"):
        import_file(journal, "csv", mixed, mapping="time=When,pain=Pain")
    # Said outright, the order wins and the row that contradicts it is damaged.
    report = import_file(journal, "csv", mixed, mapping="time=When,pain=Pain", date_order="DMY")
    assert len(report.added) == 1 and rows(report, at.importing.DAMAGED) == [3]


def test_a_csv_on_a_coarse_scale_is_converted_and_kept_apart(journal):
    mapping = "time=When,pain=Pain (0-4),location=Where,notes=Comment"
    report = import_file(journal, "csv", SHEET_4, mapping=mapping, scale="0-4")
    assert journal.ratings().empty
    imported = journal.imported_ratings()
    assert imported["pain"].tolist() == [5, 8, 3, 10]
    assert imported["original"].tolist() == ["2", "3", "1", "4"]
    assert imported["precision"].tolist() == ["exact", "part-of-day", "day", "exact"]
    assert wall(imported) == [
        "2021-03-04 08:30",
        "2021-03-04 18:00",
        "2021-03-05 12:00",
        "2021-03-06 21:00",  # its own UTC offset kept
    ]
    assert imported["rated_at"].iloc[3] == datetime.fromisoformat("2021-03-06T20:00+00:00")
    assert imported["location"].tolist() == ["lower-back", "lower-back", "lower-back", "neck"]
    damaged = dict(report.skipped[at.importing.DAMAGED])
    assert "'5' is not a whole number from 0 to 4" in damaged[6]
    assert "25:00" in damaged[7]
    assert rows(report, "no pain value") == [8]


def test_a_csv_on_0_to_10_with_times_joins_the_check_ins(journal):
    report = import_file(
        journal, "csv", SHEET_10, mapping={"time": "date", "pain": "pain level", "notes": "Notes"}
    )
    assert "as row 4 (25/03/2021) shows" in report.summary()
    ratings = journal.ratings()
    assert wall(ratings) == ["2021-03-04 18:30", "2021-03-05 08:00", "2021-03-25 19:15"]
    assert ratings["pain"].tolist() == [5, 4, 3]
    assert wall(journal.imported_ratings()) == ["2021-03-26 12:00"]  # a day, no time


def test_a_dry_run_writes_nothing_and_says_what_it_would_add(journal):
    dry = import_file(journal, "pain-diary", DIARY_DE, dry_run=True)
    assert not journal.path.exists()
    assert "Would add 8:" in dry.summary() and "Nothing was written" in dry.summary()
    done = import_file(journal, "pain-diary", DIARY_DE)
    assert [i.source_key for i in done.added] == [i.source_key for i in dry.added]
    assert import_file(journal, "pain-diary", DIARY_DE, dry_run=True).added == []


def test_the_ledger_says_where_each_entry_came_from(journal, tmp_path):
    import_file(journal, "bearable", JAN)
    ledger = journal.imports()
    assert ledger.columns.tolist() == [
        "entry_id",
        "kind",
        "source_key",
        "app",
        "source_file",
        "source_row",
        "precision",
        "scale",
        "original",
    ]
    ibuprofen = ledger[ledger["entry_id"] == journal.medications()["id"].iloc[0]].iloc[0]
    assert ibuprofen[
        ["kind", "app", "source_file", "source_row", "precision", "original"]
    ].tolist() == [
        "medications",
        "bearable",
        "bearable-2021-01.csv",
        8,
        "exact",
        "400",
    ]
    assert ledger["source_key"].str.fullmatch("[0-9a-f]{32}").all()
    # The key comes from the record's content, not its row: the same record in another
    # export (another row, another layout) has the same key.
    other = at.Journal(tmp_path / "other")
    import_file(other, "bearable", FEB)
    jan5 = set(ledger["source_key"][ledger["source_row"].between(10, 16)])
    feb = set(other.imports()["source_key"])
    assert len(jan5 & feb) == 5
    assert journal.problems().empty
    # A ledger row damaged by hand is reported, and its record still counts as imported.
    path = journal.path / "imports.csv"
    path.write_text(path.read_text().replace(",part-of-day,", ",sometime,", 1))
    assert journal.problems()[["file", "line", "field"]].values.tolist() == [
        ["imports.csv", 2, "precision"]
    ]
    assert import_file(journal, "bearable", JAN).added == []


def test_a_failed_ledger_write_takes_the_entries_back(journal, monkeypatch):
    real = at.Journal._append_held

    def failing(self, spec, records, action, not_before=None):
        if spec.name == "imports":
            raise OSError(28, "No space left on device")
        return real(self, spec, records, action, not_before)

    journal.log_rating(3, rated_at="2021-01-01T08:00")
    before = (journal.path / "ratings.csv").read_bytes()
    monkeypatch.setattr(at.Journal, "_append_held", failing)
    with pytest.raises(at.JournalError, match="No space left"):
        import_file(journal, "pain-diary", DIARY_DE)
    assert (journal.path / "ratings.csv").read_bytes() == before
    assert not (journal.path / "medications.csv").exists()
    assert not (journal.path / "imported_ratings.csv").exists()
    monkeypatch.undo()
    assert len(import_file(journal, "pain-diary", DIARY_DE).added) == 8


def test_the_final_pain_diary_export_names_its_columns_in_the_phones_language(journal, tmp_path):
    # The export's last commit takes the column names from the app's strings.
    source = DIARY_DE.read_text().splitlines()
    header = (
        '"Date","Condition:","Pain Intensity: (0-10)","Location of the pain:",'
        '"Nature of the pain:","Time of the pain:","Medication taken:","Comments:"'
    )
    localised = tmp_path / "export.csv"
    localised.write_text("\n".join([header, *source[1:]]) + "\n")
    assert len(import_file(journal, "pain-diary", localised).added) == 8
    with pytest.raises(ImportRefused, match="not a Privacy Friendly Pain Diary export"):
        import_file(journal, "pain-diary", SHEET_10)
    with pytest.raises(ImportRefused, match="not a Bearable export: its header lacks"):
        import_file(journal, "bearable", DIARY_DE)


def _import_at_once(start, folder, path, results):
    journal = at.Journal(folder)
    start.wait()
    results.put(len(import_file(journal, "bearable", path).added))


@pytest.mark.slow
def test_two_imports_of_one_file_at_once_add_each_record_once(journal, tmp_path):
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    copies = [tmp_path / f"copy{k}.csv" for k in range(2)]
    for copy in copies:
        shutil.copy(JAN, copy)
    procs = [
        ctx.Process(target=_import_at_once, args=(start, str(journal.path), str(c), results))
        for c in copies
    ]
    for p in procs:
        p.start()
    time.sleep(1.5)  # both have imported acutrack and wait at the start line
    start.set()
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sorted(results.get(timeout=10) for _ in procs) == [0, 9]
    assert len(journal.imported_ratings()) == 7 and len(journal.medications()) == 2
    assert journal.imports()["source_key"].is_unique and len(journal.imports()) == 9


def test_the_command_line(tmp_path):
    j = tmp_path / "j"
    assert run("import", "--help").stdout.startswith("usage: acutrack import")
    dry = run("import", "pain-diary", str(DIARY_DE), "--dry-run", journal=j)
    assert dry.returncode == 0, dry.stderr
    assert "Would add 8:" in dry.stdout and "row 7 pain '11'" in dry.stdout
    assert not j.exists()
    done = run(*("import", "csv", str(SHEET_10), "--map", "time=Date,pain=Pain Level"), journal=j)
    assert done.returncode == 0 and "Added 4: 3 pain ratings on 0–10" in done.stdout
    assert len(at.Journal(j).ratings()) == 3
    one_line_error(
        run("import", "pain-diary", str(DIARY_US), journal=j),
        2,
        "acutrack import: dates such as 3/1/21 (row 2)",
        "--date-order MDY",
    )
    one_line_error(run("import", "bearable", str(DIARY_DE), journal=j), 2, "not a Bearable export")
    one_line_error(
        run("import", "bearable", str(tmp_path / "nope.csv"), journal=j), 2, "cannot read"
    )
    one_line_error(run("import", "csv", str(SHEET_10), journal=j), 2, "--map 'time=COLUMN")
    one_line_error(
        run("import", "csv", str(SHEET_10), "--map", "time=Date,pain=Pains", journal=j),
        2,
        "map: 'Pains' is not allowed; expected a column of the file: 'Date, Pain Level, Notes'",
    )
    one_line_error(
        run("import", "bearable", str(JAN), "--map", "time=date", journal=j), 2, "--map is for"
    )
    one_line_error(
        run("import", "bearable", str(JAN), "--scale", "1-5", journal=j), 2, "scale: '1-5'"
    )


def test_coarse_ratings_are_drawn_apart_and_never_averaged(journal):
    import matplotlib

    matplotlib.use("Agg")
    from acutrack import analysis, plots

    mapping = "time=When,pain=Pain (0-4),location=Where,notes=Comment"
    import_file(journal, "csv", SHEET_4, mapping=mapping, scale="0-4")
    journal.log_rating(2, rated_at="2021-03-05T09:00+01:00")
    sessions, ratings = journal.sessions_and_ratings()
    weekly = analysis.weekly_trend(sessions, ratings)
    assert weekly["mean"].dropna().tolist() == [2.0]  # the check-in alone
    imported = journal.imported_ratings()
    ax = plots.plot_weekly_trend(weekly, imported=imported)
    [crosses] = [c for c in ax.collections if "imported" in c.get_label()]
    assert crosses.get_offsets()[:, 1].tolist() == [5, 8, 3, 10]
    assert (
        crosses.get_label()
        == "4 imported ratings, not averaged:\nfrom CSV, 0–4 scale shown as 0–10"
    )
