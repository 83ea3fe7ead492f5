"""Importing, round two: files that are not exports, huge cells and files, slow patterns,
encodings, repeated columns, odd digits and daylight saving (issue 20, items 3, 6, 7, 8, 12,
16, 17 and 19).
"""

from __future__ import annotations

import csv
import os
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_cli import one_line_error, run
from test_hostile_values import berlin  # noqa: F401 - a fixture, used by name
from test_import import JAN, SHEET_10

import acutrack as at
from acutrack.errors import InvalidValue
from acutrack.importing import ImportRefused, import_file, reading
from acutrack.importing.common import DAMAGED

NOW = datetime(2022, 1, 1, 12, tzinfo=UTC)  # the journals' "now": never the wall clock
MAP = "time=Date,pain=Pain Level,notes=Notes"
DIARY_HEADER = (
    '"Date","Conditions","Pain Level (0-10)","Body Regions","Pain nature","Times of pain",'
    '"Drug Intakes","Comment"'
)
BEARABLE_HEADER = "date,weekday,time of day,category,rating/amount,detail,notes"


@pytest.fixture
def journal(tmp_path) -> at.Journal:
    return at.Journal(tmp_path / "journal", clock=lambda: NOW)


def write(path: Path, *lines: str, encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding, newline="")
    return path


def diary_row(day: str, pain: str = "5", drugs: str = "[]", comment: str = "") -> str:
    cells = [day, "", pain, "[ABDOMEN_LEFT_BACK]", "", "[morning]", drugs, comment]
    return ",".join(f'"{c}"' for c in cells)


def test_the_journals_own_files_are_refused_whatever_their_name(journal, tmp_path):
    journal.log_rating(4, rated_at="2021-12-30T09:00+01:00")
    own = journal.path / "ratings.csv"
    odd = tmp_path / "my ratings – Rücken ✓.csv"
    odd.symlink_to(own)
    hard = tmp_path / "hard link.csv"
    os.link(own, hard)
    for path in (own, odd, hard, journal.path / "." / "ratings.csv"):
        with pytest.raises(ImportRefused, match="is one of the journal's files"):
            import_file(journal, "csv", path, mapping="time=rated_at,pain=pain")
    assert len(journal.ratings()) == 1
    # Any file in the journal's folder, and in folders inside it.
    inside = journal.path / "aside" / "copy.csv"
    inside.parent.mkdir()
    inside.write_bytes(own.read_bytes())
    with pytest.raises(ImportRefused, match="inside the journal's folder"):
        import_file(journal, "csv", inside, mapping="time=rated_at,pain=pain")


def test_only_regular_files_are_read(journal, tmp_path):
    with pytest.raises(ImportRefused, match="is a folder, not a regular file"):
        import_file(journal, "bearable", tmp_path)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    started = time.perf_counter()
    with pytest.raises(ImportRefused, match=r"is a pipe \(FIFO\), not a regular file"):
        import_file(journal, "bearable", fifo)  # refused, not waiting for a writer
    assert time.perf_counter() - started < 1
    if Path("/dev/zero").exists():
        with pytest.raises(ImportRefused, match="is a device, not a regular file"):
            import_file(journal, "bearable", "/dev/zero")


def test_a_file_above_the_size_limit_is_refused_before_reading(journal, tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.write((BEARABLE_HEADER + "\n").encode())
        fh.truncate(reading.MAX_BYTES + 1)  # sparse: no time or disk spent
    limit = f"{reading.MAX_BYTES // 1_000_000} MB"
    with pytest.raises(ImportRefused, match=f"acutrack imports files of up to {limit}"):
        import_file(journal, "bearable", big)


def test_a_file_is_streamed_not_read_whole(journal, tmp_path):
    note = "x" * 1000
    lines = [BEARABLE_HEADER]
    lines += [f'"4th Jan 2021","Monday","am","Mood","6","Meh","{note}"' for _ in range(5000)]
    lines.append('"5th Jan 2021","Tuesday","am","Symptom","2","Back (lower) pain (Moderate)",""')
    path = write(tmp_path / "moods.csv", *lines)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        report = import_file(journal, "bearable", path, dry_run=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.counts() == {"imported_ratings": 1} and report.rows == 5001
    assert peak < size / 2, f"{peak:,} bytes at the peak for a file of {size:,}"


def test_a_cell_over_the_csv_limit_is_one_damaged_row(journal, tmp_path):
    huge = "y" * (reading.CELL_LIMIT + 1)
    path = write(
        tmp_path / "sheet.csv",
        "Date,Pain Level,Notes",
        "14/03/2021 18:30,5,",
        f"15/03/2021 08:00,4,{huge}",
        f'16/03/2021 08:00,3,"a quoted note\nover lines {huge}\nand on"',
        "17/03/2021 08:00,2,",
    )
    report = import_file(journal, "csv", path, mapping=MAP)
    assert report.counts() == {"ratings": 2} and report.rows == 4
    damaged = dict(report.skipped[DAMAGED])
    assert sorted(damaged) == [3, 4]
    assert "'Notes' holds 131,073 characters (at most 131,072)" in damaged[3]
    assert len(damaged[3]) < 200
    assert journal.ratings()["pain"].tolist() == [5, 2]


def _best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


_MB = 1_000_000
_ADVERSARIAL = {  # app, mapping, row with {} for the 1 MB cell, plain cell, adversarial cell
    "bearable symptom": (
        "bearable",
        None,
        [BEARABLE_HEADER, '"4th Jan 2021","Monday","am","Symptom","2","{}",""'],
        "a" * _MB,
        "Ibu" + " " * _MB + "(x",
    ),
    "bearable medicine": (
        "bearable",
        None,
        [BEARABLE_HEADER, '"4th Jan 2021","Monday","am","Meds","2","{}",""'],
        "a" * _MB,
        "Ibu" + " " * _MB + "(x",
    ),
    "pain diary intakes": (
        "pain-diary",
        None,
        [DIARY_HEADER, diary_row("13.03.2021", drugs="{}")],
        "a" * _MB,
        "[drug:[name:,dose" * (_MB // 17),
    ),
    "csv time": ("csv", MAP, ["Date,Pain Level,Notes", "{},4,"], "1" * _MB, "1 " + " " * _MB + "x"),
    "csv pain": (
        "csv",
        MAP,
        ["Date,Pain Level,Notes", "25/03/2021 18:30,{},"],
        "1" * _MB,
        "1." + "0" * _MB + "x",
    ),
}


@pytest.mark.parametrize("case", _ADVERSARIAL)
def test_patterns_take_linear_time_on_a_1_mb_adversarial_cell(case, journal, tmp_path, monkeypatch):
    app, mapping, lines, plain, adversarial = _ADVERSARIAL[case]
    monkeypatch.setattr(reading, "CELL_LIMIT", 2 * _MB)  # let the cell reach the patterns
    files = {}
    for name, cell in (("plain", plain), ("adversarial", adversarial)):
        files[name] = write(tmp_path / f"{name}.csv", lines[0], lines[1].replace("{}", cell))
    times = {
        name: _best_of(
            3, lambda p=path: import_file(journal, app, p, mapping=mapping, dry_run=True)
        )
        for name, path in files.items()
    }
    assert times["adversarial"] <= 5 * times["plain"], times


def test_a_utf16_file_is_read_as_such(journal, tmp_path):
    lines = ["Date,Pain Level,Notes", "04/03/2021 18:30,5,Rücken steif", "25/03/2021 7:15 PM,3,"]
    path = write(tmp_path / "utf16.csv", *lines, encoding="utf-16")  # with its byte-order mark
    report = import_file(journal, "csv", path, mapping=MAP)
    assert report.counts() == {"ratings": 2}
    assert "UTF-16" in report.summary()
    assert journal.ratings()["notes"].tolist() == ["Rücken steif", ""]
    bare = write(tmp_path / "bare.csv", *lines, encoding="utf-16-le")  # without the mark
    with pytest.raises(ImportRefused, match=r"this file is UTF-16.*save it as UTF-8"):
        import_file(journal, "csv", bare, mapping=MAP)


def test_excels_unicode_text_is_tab_separated_and_refused_plainly(journal, tmp_path):
    path = write(tmp_path / "unicode.txt", "Date\tPain Level", "04/03/2021 18:30\t5")
    with pytest.raises(ImportRefused, match="separated by tabs; save it again as CSV"):
        import_file(journal, "csv", path, mapping=MAP)


def test_messages_quote_at_most_60_characters_of_a_header(journal, tmp_path):
    header = ",".join(f"c{i}" for i in range(300_000))
    path = write(tmp_path / "wide.csv", header, ",".join("1" * 300_000))
    for app, mapping in (("csv", "time=Date,pain=Pain"), ("bearable", None), ("pain-diary", None)):
        with pytest.raises((ImportRefused, InvalidValue)) as info:
            import_file(journal, app, path, mapping=mapping)
        assert len(str(info.value)) < 300, str(info.value)[:400]
    long_name = tmp_path / ("n" * 200 + ".csv")
    with pytest.raises(ImportRefused, match="cannot read") as info:
        import_file(journal, "csv", long_name, mapping=MAP)
    assert len(str(info.value)) < 300


def test_a_field_mapped_twice_is_refused(journal):
    with pytest.raises(InvalidValue, match="pain is mapped twice"):
        import_file(journal, "csv", SHEET_10, mapping="time=Date,pain=Pain Level,pain=Notes")


def test_two_columns_of_one_name_are_refused(journal, tmp_path):
    path = write(tmp_path / "two.csv", "Date,Pain,Notes,pain", "04/03/2021 18:30,5,,6")
    with pytest.raises(ImportRefused, match=r"2 columns named 'Pain' \(columns 2, 4\)"):
        import_file(journal, "csv", path, mapping="time=Date,pain=Pain")
    # A repeated column nobody asked for is no matter.
    assert import_file(journal, "csv", path, mapping="time=Date,pain=Notes", dry_run=True).rows == 1
    source = JAN.read_text().splitlines()
    bearable = write(tmp_path / "b.csv", source[0] + ",detail", *(f"{s},x" for s in source[1:3]))
    with pytest.raises(ImportRefused, match=r"2 columns named 'detail' \(columns 6, 8\)"):
        import_file(journal, "bearable", bearable)


def test_an_intake_without_a_dose_says_so_not_null(journal, tmp_path):
    drugs = (
        "[[drug:[name:Ibuprofen,dosenull],quantityMorning:1,quantityNoon:0,"
        "quantityEvening:2,quantityNight:0],]"
    )
    path = write(tmp_path / "diary.csv", DIARY_HEADER, diary_row("13.03.2021", drugs=drugs))
    import_file(journal, "pain-diary", path)
    meds = journal.medications()
    assert meds["notes"].tolist() == ["1 taken (no dose given)", "2 taken (no dose given)"]
    assert meds["dose"].isna().all()


@pytest.mark.parametrize(
    "app, row, field",
    [
        ("csv", "25/03/2021 18:30,٤,", "'٤'"),
        ("csv", "٠٤/٠٣/٢٠٢١ 18:30,4,", "'٠٤/٠٣/٢٠٢١ 18:30'"),
        ("csv", "25/03/2021 １８:30,4,", "'１８:30'"),
        ("bearable", '"4th Jan 2021","Monday","am","Meds","٤٠٠","Ibuprofen (mg)",""', "'٤٠٠'"),
    ],
)
def test_digits_of_other_scripts_are_reported_not_read(app, row, field, journal, tmp_path):
    header = BEARABLE_HEADER if app == "bearable" else "Date,Pain Level,Notes"
    path = write(tmp_path / "digits.csv", header, row)
    report = import_file(journal, app, path, mapping=MAP if app == "csv" else None)
    assert not report.added
    [(line, why)] = report.skipped[DAMAGED]
    assert line == 2 and field in why and "digits other than 0-9" in why


def test_an_intake_in_other_digits_is_reported(journal, tmp_path):
    drugs = (
        "[[drug:[name:Ibuprofen,dose٤٠٠ mg],quantityMorning:1,quantityNoon:0,"
        "quantityEvening:0,quantityNight:0],]"
    )
    path = write(tmp_path / "diary.csv", DIARY_HEADER, diary_row("13.03.2021", drugs=drugs))
    report = import_file(journal, "pain-diary", path)
    assert report.counts() == {"ratings": 1}
    assert "digits other than 0-9" in dict(report.skipped[DAMAGED])[2]


@pytest.mark.usefixtures("berlin")
def test_daylight_saving_first_of_a_repeated_time_gap_moved_forward(journal, tmp_path):
    path = write(
        tmp_path / "dst.csv",
        "Date,Pain Level,Notes",
        "2021-10-31 02:30,5,twice",
        "2021-03-28 02:30,4,skipped",
        "2021-03-28 03:30,3,after",
        "2021-10-31 02:30+01:00,2,the second: its offset says so",
    )
    report = import_file(journal, "csv", path, mapping=MAP)
    assert report.counts() == {"ratings": 4}
    with (journal.path / "ratings.csv").open(newline="") as fh:
        stored = {r["notes"]: r["rated_at"] for r in csv.DictReader(fh)}
    assert stored == {
        "twice": "2021-10-31T02:30:00+02:00",
        "skipped": "2021-03-28T03:30:00+02:00",
        "after": "2021-03-28T03:30:00+02:00",
        "the second: its offset says so": "2021-10-31T02:30:00+01:00",
    }
    summary = report.summary()
    assert "Daylight saving: 2 local times" in summary
    assert "row 2 2021-10-31 02:30 happened twice (the clocks went back): the first" in summary
    assert "row 3 2021-03-28 02:30 did not happen (the clocks went forward): 03:30" in summary
    # Imported again: nothing is added, and the same file gives the same keys.
    assert not import_file(journal, "csv", path, mapping=MAP).added


def test_the_command_line_refuses_in_one_line(tmp_path):
    j = tmp_path / "j"
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    one_line_error(run("import", "bearable", str(fifo), journal=j), 2, "not a regular file")
    one_line_error(
        run("import", "csv", str(SHEET_10), "--map", "time=Date,pain=Pain Level,pain=Notes"),
        2,
        "pain is mapped twice",
    )
