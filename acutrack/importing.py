"""Bringing a history in from other apps: Bearable, Privacy Friendly Pain Diary, any CSV.

A source file is read into *items* (one per entry to make: a pain rating or a medicine),
each with a ``source_key`` that names the source record by its content, and handed to
`Journal.import_records`, which adds each record once, however often, and however
overlapping, the exports it comes in. Everything not brought in is counted by reason,
with the rows it was on.

Conventions (the README's "Import from other apps" gives them to people):

- A time given as a part of the day becomes a representative time (`PART_OF_DAY`); a time
  missing, or "all day", becomes 12:00. The precision (``exact``, ``part-of-day``,
  ``day``) is kept with the entry in the ledger, ``imports.csv``. Times without a UTC
  offset are the computer's local time, as everywhere in the journal.
- A rating on a 0-to-N scale other than 0–10 becomes 0–10 by `to_ten`; the original value
  and its scale are kept in the ledger. Such ratings, and ratings given only a day, go to
  ``imported_ratings.csv`` (`Journal.imported_ratings`): trends, verdicts and pain alerts
  read check-ins alone.
- Dates such as ``03/04/21`` need to know whether the day or the month comes first: from
  the file itself when one of its dates has a number above 12 there, else from
  ``date_order``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .csvstore import read_records
from .errors import AcutrackError, InvalidValue, shown
from .tables import IMPORT_APPS

if TYPE_CHECKING:
    from .journal import Journal

__all__ = [
    "PART_OF_DAY",
    "WHOLE_DAY",
    "ImportRefused",
    "ImportReport",
    "import_file",
    "to_ten",
]

#: The time an entry gets when its source names only a part of the day. Bearable's
#: segments are ``am``, ``mid``, ``pm`` and ``pre`` (before sleep); Privacy Friendly Pain
#: Diary's times of pain are morning, afternoon, evening and at night, and its drug
#: intakes morning, noon, evening and night.
PART_OF_DAY: dict[str, time] = {
    "am": time(9),
    "morning": time(9),
    "mid": time(13),
    "noon": time(13),
    "afternoon": time(15),
    "pm": time(18),
    "evening": time(18),
    "pre": time(22),
    "night": time(23),
    "at night": time(23),
}
#: The time of an entry whose source gives only its day ("all day", or no time at all).
WHOLE_DAY = time(12)

# Bearable symptoms that are back pain (or where acutrack's locations reach), by name.
_BEARABLE_PAIN = {
    "back (lower) pain": "lower-back",
    "lower back pain": "lower-back",
    "back pain": "lower-back",
    "back (mid) pain": "mid-back",
    "back (upper) pain": "upper-back",
    "upper back pain": "upper-back",
    "neck pain": "neck",
    "sciatica": "buttock-leg",
}
_BEARABLE_SYMPTOMS = ("symptom", "symptoms")
_BEARABLE_MEDS = ("meds/supplements", "meds", "medication", "medications")
# Privacy Friendly Pain Diary's body regions (its BodyRegion names) on acutrack's locations;
# the rest (head, arms, the front of the body, knees, feet) is not back pain.
_DIARY_REGIONS = {
    "ABDOMEN_LEFT_BACK": "lower-back",
    "ABDOMEN_RIGHT_BACK": "lower-back",
    "GROIN_LEFT_BACK": "buttock-leg",
    "GROIN_RIGHT_BACK": "buttock-leg",
    "THIGH_LEFT_BACK": "buttock-leg",
    "THIGH_RIGHT_BACK": "buttock-leg",
    "CHEST_LEFT_BACK": "upper-back",
    "CHEST_RIGHT_BACK": "upper-back",
    "NECK": "neck",
    "NECK_BACK": "neck",
}
_DIARY_HEADER = (
    "Date",
    "Conditions",
    "Pain Level (0-10)",
    "Body Regions",
    "Pain nature",
    "Times of pain",
    "Drug Intakes",
    "Comment",
)
# One drug intake as the diary writes it: [drug:[name:N,doseD],quantityMorning:1,...].
_INTAKE = re.compile(
    r"\[(?:drug:\[name:(?P<name>.*?),dose(?P<dose>.*?)\],)?quantityMorning:(?P<morning>\d+),"
    r"quantityNoon:(?P<noon>\d+),quantityEvening:(?P<evening>\d+),quantityNight:(?P<night>\d+)\]"
)
_MAP_KEYS = ("time", "pain", "location", "notes")
_LOCATIONS = ("lower-back", "upper-back", "neck", "buttock-leg")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE_PATTERNS = (
    r"\d{4}-\d{1,2}-\d{1,2}",  # ISO
    r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}",  # 3/4/21, 04.03.2021, 2021/03/04
    rf"\d{{1,2}}{_ORDINAL}\s+[A-Za-z]{{3,9}}\.?,?\s+\d{{4}}",  # 22nd Sep 2020
    rf"[A-Za-z]{{3,9}}\.?\s+\d{{1,2}}{_ORDINAL},?\s+\d{{4}}",  # Sep 22, 2020
)
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?", re.IGNORECASE)
_SCALE = re.compile(r"\s*0\s*[-–]\s*(\d{1,3})\s*")
_EXAMPLES = 3  # examples shown for each reason a row was skipped
_DAMAGED_SHOWN = 10
DAMAGED = "damaged (left out, the rest imported)"
KNOWN = "imported before (also when you deleted the entry since)"
REPEATED = "repeats an earlier row of this file"


class ImportRefused(AcutrackError, ValueError):
    """A file that cannot be imported as asked; the message says why and what to do."""


def to_ten(value: int, top: int) -> int:
    """A rating on a 0-to-``top`` scale as a whole number on 0–10, rounded half up.

    ``value × 10 / top``: on 0–4, 0 1 2 3 4 become 0 3 5 8 10; on 0–3, 0 1 2 3 become
    0 3 7 10.
    """
    return (20 * value + top) // (2 * top)  # exact integer arithmetic: no float ties


@dataclass(frozen=True)
class Item:
    """One entry to make from a source record (see `Journal.import_records`)."""

    kind: str
    values: dict[str, Any]
    source_key: str
    source_row: int
    precision: str
    scale: str
    original: str
    word: str = ""  # the part of the day its time stands for, if it is not exact


@dataclass
class ImportReport:
    """What an import added (or, in a dry run, would add) and what it left out, and why.

    Attributes
    ----------
    app, file : str
        The source's app and the file's name.
    rows : int
        Records read from the file (its header aside).
    dry_run : bool
        Nothing was written.
    added : list of Item
        The entries made (or that would be), each with its source row.
    skipped : dict
        Reason → list of ``(row, what)``: every row (or part of one) not imported.
    left_out : dict
        A column of the source that acutrack has no place for → how many rows had it.
    notes : list of str
        How dates, times and scales were read.
    """

    app: str
    file: str
    rows: int = 0
    dry_run: bool = False
    added: list[Item] = field(default_factory=list)
    skipped: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    left_out: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many entries of each kind were added: ``ratings``, ``imported_ratings``, ..."""
        return dict(Counter(item.kind for item in self.added))

    def skip(self, reason: str, row: int, what: str = "") -> None:
        self.skipped.setdefault(reason, []).append((row, what))

    def summary(self) -> str:
        """The report in a few lines for people (what ``acutrack import`` prints)."""
        lines = [f"{_APP_NAMES[self.app]} file {self.file}: {self.rows} rows read.", *self.notes]
        lines += _times_used(self.added)
        counts = self.counts()
        made = [
            f"{counts[kind]} {one if counts[kind] == 1 else many}{where}"
            for kind, (one, many, where) in _KIND_WORDS.items()
            if counts.get(kind)
        ]
        verb = "Would add" if self.dry_run else "Added"
        lines.append(f"{verb} {len(self.added)}" + (f": {', '.join(made)}." if made else "."))
        if self.skipped:
            lines.append(f"Not imported: {sum(map(len, self.skipped.values()))}")
        for reason, rows in self.skipped.items():
            cut = _DAMAGED_SHOWN if reason == DAMAGED else _EXAMPLES
            examples = "; ".join(f"row {n}{f' {what}' if what else ''}" for n, what in rows[:cut])
            more = f"; … {len(rows) - cut} more" if len(rows) > cut else ""
            lines.append(f"  {len(rows)} {reason}: {examples}{more}")
        if self.left_out:
            parts = ", ".join(f"{name} on {n} rows" for name, n in self.left_out.items())
            lines.append(f"Not kept from any row (acutrack has no place for it): {parts}.")
        if self.dry_run:
            lines.append("Nothing was written (dry run).")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


_APP_NAMES = {"bearable": "Bearable", "pain-diary": "Privacy Friendly Pain Diary", "csv": "CSV"}
_KIND_WORDS = {  # (one, more, where they go)
    "ratings": ("pain rating", "pain ratings", " on 0–10 (with your check-ins)"),
    "imported_ratings": (
        "pain rating",
        "pain ratings",
        " on another scale or without a time of day (their own series: Journal.imported_ratings())",
    ),
    "medications": ("medicine", "medicines", ""),
}


def _times_used(items: list[Item]) -> list[str]:
    """A line saying which representative times were used, if any."""
    words = Counter(item.word for item in items if item.precision != "exact")
    if not words:
        return []
    parts = [
        f"{word} → {(PART_OF_DAY.get(word) or WHOLE_DAY):%H:%M} ({n})"
        for word, n in sorted(words.items(), key=lambda kv: PART_OF_DAY.get(kv[0], WHOLE_DAY))
    ]
    return ["Times given as a part of the day or not at all: " + ", ".join(parts) + "."]


@dataclass
class _Draft:
    """An entry read from a source row before its date is read (which may need the file)."""

    line: int
    kind: str  # "rating" or "medications"
    day: str
    when: str
    identity: tuple[str, ...]
    values: dict[str, Any]
    original: str = ""
    value: int | None = None  # a rating's value on its source's scale


def import_file(
    journal: Journal,
    app: str,
    path: str | Path,
    *,
    mapping: str | dict[str, str] | None = None,
    scale: str | None = None,
    date_order: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import pain ratings and medicines from another app's export into ``journal``.

    Parameters
    ----------
    journal : Journal
    app : {"bearable", "pain-diary", "csv"}
        Bearable's CSV export (long format: ``date, weekday, time of day, category,
        rating/amount, detail, notes``, or with ``date formatted`` after ``date``);
        Privacy Friendly Pain Diary's CSV export (the export of its pull request #18:
        ``Date, Conditions, Pain Level (0-10), Body Regions, Pain nature, Times of pain,
        Drug Intakes, Comment``); or any CSV file with ``mapping``.
    path : str or Path
        The file.
    mapping : str or dict, optional
        For ``csv`` only: which column holds what, ``"time=Date,pain=Pain Level"``, with
        ``location=`` and ``notes=`` optional.
    scale : str, optional
        The source's pain scale, ``"0-4"`` style: for ``csv`` (default 0-10) and
        ``bearable`` (default 0-4, its symptom scale; ``0-3`` for an export rated so).
    date_order : {"DMY", "MDY"}, optional
        Whether ``03/04/21`` is 3 April or March 4. Required when the file's own dates do
        not tell (no date in it has a day above 12).
    dry_run : bool
        Report what would be added and write nothing.

    Returns
    -------
    ImportReport
        What was added (or would be) and what was not, with reasons and row numbers.

    Raises
    ------
    ImportRefused
        When the file cannot be imported as asked: unreadable, not the app's format,
        dates that need ``date_order``. Nothing is written then.
    InvalidValue
        For a bad ``mapping``, ``scale`` or ``date_order``.

    Notes
    -----
    Each source record is imported once: its ``source_key`` (a hash of what identifies
    it, never its row number) goes into ``imports.csv`` with the entry it made, so the
    same file imported again adds nothing, a later overlapping export adds only its new
    records, and a record whose entry you deleted is not brought back. A record repeated
    within one file is imported once. A damaged row (a date that does not exist, pain 11
    on 0–10, a wrong number of cells) is reported with its line; the rest is imported.

    Examples
    --------
    >>> report = import_file(j, "csv", "sheet.csv", mapping="time=Date,pain=Pain")  # doctest: +SKIP
    >>> report.counts()                                                   # doctest: +SKIP
    {'ratings': 41, 'imported_ratings': 3}
    """
    if app not in IMPORT_APPS:
        raise InvalidValue("app", app, f"expected one of {', '.join(IMPORT_APPS)}")
    order = _date_order(date_order)
    if mapping is not None and app != "csv":
        raise ImportRefused(f"--map is for `import csv`; a {_APP_NAMES[app]} file has its own")
    if scale is not None and app == "pain-diary":
        raise ImportRefused("--scale is not for the Pain Diary: its pain levels are 0-10")
    path = Path(path)
    header, records, report = _read(path, app, dry_run)
    if app == "bearable":
        top = _top(scale, 4)
        drafts = _bearable(header, records, report, top, scale is not None)
    elif app == "pain-diary":
        top = 10
        drafts = _pain_diary(header, records, report)
    else:
        top = _top(scale, 10)
        drafts = _generic(header, records, report, _mapping(mapping, header), top)
    items = _items(drafts, report, app, top, _resolve_order(drafts, order, report, path.name))
    added, known, invalid = journal.import_records(
        items, app=app, source_file=path.name[:255], dry_run=dry_run
    )
    report.added = added
    for item in known:
        report.skip(KNOWN, item.source_row)
    for item, err in invalid:
        report.skip(DAMAGED, item.source_row, f"{err.field}: {err.allowed} ({shown(err.value)})")
    report.skipped = {
        reason: sorted(rows)
        for reason, rows in sorted(report.skipped.items(), key=lambda kv: -len(kv[1]))
    }
    return report


def _date_order(text: str | None) -> str | None:
    if text is None:
        return None
    if text.strip().upper() in ("DMY", "MDY"):
        return text.strip().upper()
    raise InvalidValue("date_order", text, "expected DMY (day first) or MDY (month first)")


def _top(text: str | None, default: int) -> int:
    """The top of a 0-to-N scale given as ``"0-4"``."""
    if text is None:
        return default
    match = _SCALE.fullmatch(text)
    if not match or not 1 <= int(match[1]) <= 100:
        raise InvalidValue("scale", text, "expected a scale such as 0-4 or 0-10 (0 to 1–100)")
    return int(match[1])


def _read(path: Path, app: str, dry_run: bool) -> tuple[list[str], list[Any], ImportReport]:
    """The file's header and records, and a report that already holds its damaged rows."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ImportRefused(f"cannot read {path}: {err.strerror or err}") from None
    report = ImportReport(app, path.name, dry_run=dry_run)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # a spreadsheet's "CSV" on Windows
        text = data.decode("cp1252", errors="replace")
        report.notes.append("The file is not UTF-8; it was read as Windows-1252.")
    header, good, broken = read_records(text)
    if not any(header):
        raise ImportRefused(f"{path.name} is empty: there is no header line")
    if len(header) == 1 and header[0].count(";") >= 1:
        raise ImportRefused(
            f"the cells of {path.name} are separated by ';'; save it again as CSV with commas"
        )
    for record in broken:
        why = f"expected {len(header)} cells but found {len(record.cells)}"
        report.skip(DAMAGED, record.line, why)
    report.rows = len(good) + len(broken)
    return header, good, report


def _columns(header: list[str], wanted: tuple[str, ...], what: str) -> dict[str, int]:
    """Where each wanted column is (names compared without case); refuse when one lacks."""
    at = {name.strip().lower(): i for i, name in enumerate(header)}
    missing = [name for name in wanted if name not in at]
    if missing:
        raise ImportRefused(
            f"this is not {what}: its header lacks {', '.join(missing)} "
            f"(it has {shown(', '.join(header))})"
        )
    return at


def _bearable(
    header: list[str], records: list[Any], report: ImportReport, top: int, scale_given: bool
) -> list[_Draft]:
    """Drafts from Bearable's long CSV export: back-pain symptoms and medicines."""
    wanted = ("date", "time of day", "category", "rating/amount", "detail")
    at = _columns(header, wanted, "a Bearable export")
    drafts = []
    highest = None
    for record in records:
        cell = {name: record.cells[i].strip() for name, i in at.items()}
        day = cell.get("date formatted") or cell["date"]
        category = cell["category"]
        detail, amount = cell["detail"], cell["rating/amount"]
        notes = record.cells[at["notes"]] if "notes" in at else ""
        kind = category.lower()
        if kind in _BEARABLE_SYMPTOMS:
            name, _, severity = _name_and_bracket(detail)
            location = _BEARABLE_PAIN.get(name.lower())
            if location is None:
                report.skip("another symptom (acutrack keeps back pain)", record.line, shown(name))
                continue
            value = _whole(amount)
            if value is not None and (value == 4 or severity.lower() == "unbearable"):
                highest = highest or record.line
            draft = _Draft(
                record.line,
                "rating",
                day,
                cell["time of day"],
                ("symptom", name.lower()),
                {"location": location, "notes": notes},
                amount,
                value,
            )
            drafts.append(draft)
        elif kind in _BEARABLE_MEDS:
            drafts += _bearable_meds(
                record.line, day, cell["time of day"], detail, amount, notes, report
            )
        else:
            reason = f"{category or 'no category'} (acutrack keeps pain and medicines)"
            report.skip(reason, record.line)
    if top == 4 and not scale_given and any(d.kind == "rating" for d in drafts):
        seen = (
            f"(a 4 on row {highest})" if highest else "(no 4 in this file: --scale 0-3 if yours is)"
        )
        report.notes.append(
            f"Symptoms read on Bearable's 0-4 scale, None to Unbearable {seen}; "
            "0-10 = value × 10 / 4."
        )
    return drafts


def _bearable_meds(
    line: int, day: str, when: str, detail: str, amount: str, notes: str, report: ImportReport
) -> list[_Draft]:
    """One medicine row of Bearable (``Ibuprofen (mg)``, ``600``)."""
    details, amounts = detail.split("|"), amount.split("|") if amount else [""]
    if len(details) != len(amounts):
        report.skip(
            DAMAGED, line, f"{shown(detail)}: {len(amounts)} amounts for {len(details)} medicines"
        )
        return []
    drafts = []
    for one, dose in zip(details, amounts, strict=True):
        name, _, unit = _name_and_bracket(one.strip())
        values = {
            "name": name,
            "dose": dose.strip() or None,
            "unit": unit,
            "use": "regular",
            "notes": notes,
        }
        drafts.append(
            _Draft(
                line,
                "medications",
                day,
                when,
                ("medicine", name.lower(), unit.lower()),
                values,
                dose.strip(),
            )
        )
    return drafts


def _name_and_bracket(text: str) -> tuple[str, str, str]:
    """``Back (lower) pain (Moderate)`` → ``("Back (lower) pain", "(", "Moderate")``."""
    match = re.fullmatch(r"(.*?)\s*\(([^()]*)\)\s*", text)
    return (match[1], "(", match[2]) if match else (text.strip(), "", "")


def _pain_diary(header: list[str], records: list[Any], report: ImportReport) -> list[_Draft]:
    """Drafts from Privacy Friendly Pain Diary's CSV export: its pain level and drug intakes."""
    # The export's final commit names the columns in the phone's language ("Pain
    # Intensity: (0-10)"), so they are taken by position once the pain column is found.
    if len(header) != len(_DIARY_HEADER) or "(0-10)" not in header[2]:
        raise ImportRefused(
            "this is not a Privacy Friendly Pain Diary export: expected the columns "
            f"{', '.join(_DIARY_HEADER)} (found {shown(', '.join(header))})"
        )
    drafts = []
    for record in records:
        day, condition, pain, regions, nature, times, drugs, comment = record.cells
        drafts += _diary_intakes(record.line, day, drugs, report)
        if not pain.strip():
            report.skip("no pain level in the entry", record.line)
            continue
        names = [n.strip().upper() for n in regions.strip(" []").split(",") if n.strip()]
        places = list(dict.fromkeys(_DIARY_REGIONS[n] for n in names if n in _DIARY_REGIONS))
        if names and not places:
            report.skip(
                "pain elsewhere than the back (acutrack keeps back pain)",
                record.line,
                shown(", ".join(names).lower()),
            )
            continue
        words = [w.strip().lower() for w in times.strip(" []").split(",") if w.strip()]
        when = words[0] if len(words) == 1 else ""  # several parts of the day: only the day
        values = {"location": ", ".join(places) or None, "notes": comment}
        drafts.append(
            _Draft(record.line, "rating", day, when, ("pain",), values, pain, _whole(pain))
        )
        for column, text in (("how you felt (Conditions)", condition), ("Pain nature", nature)):
            if text.strip(" []"):
                report.left_out[column] += 1
    return drafts


def _diary_intakes(line: int, day: str, text: str, report: ImportReport) -> list[_Draft]:
    """Medicines from a Drug Intakes cell: one per part of the day with a quantity."""
    intakes = list(_INTAKE.finditer(text))
    if text.strip(" [],") and not intakes:
        report.skip(DAMAGED, line, f"Drug Intakes: cannot read {shown(text)}")
    drafts = []
    for intake in intakes:
        name, dose = (intake["name"] or "").strip(), (intake["dose"] or "").strip()
        if not name:
            report.skip(DAMAGED, line, "Drug Intakes: an intake without a drug name")
            continue
        amount = re.fullmatch(r"(\d+(?:[.,]\d+)?)\s*(.*)", "" if dose == "null" else dose)
        for part in ("morning", "noon", "evening", "night"):
            quantity = int(intake[part])
            if not quantity:
                continue
            if amount:  # "400 mg" taken twice is 800 mg
                number = float(amount[1].replace(",", "."))
                values = {"dose": quantity * number, "unit": amount[2], "notes": ""}
            else:
                values = {"dose": None, "unit": "", "notes": f"{quantity} × {dose}".strip(" ×")}
            values |= {"name": name, "use": "regular"}
            identity = ("medicine", name.lower(), dose.lower(), part)
            drafts.append(
                _Draft(line, "medications", day, part, identity, values, f"{quantity} × {dose}")
            )
    return drafts


def _mapping(mapping: str | dict[str, str] | None, header: list[str]) -> dict[str, int]:
    """``time=Date,pain=Pain Level`` → the position of each mapped column."""
    allowed = "expected time=COLUMN,pain=COLUMN and optionally location=COLUMN,notes=COLUMN"
    if mapping is None:
        raise ImportRefused("say which columns hold what: --map 'time=COLUMN,pain=COLUMN'")
    if isinstance(mapping, str):
        pairs = [part.partition("=") for part in mapping.split(",") if part.strip()]
        if any(not sep for _, sep, _ in pairs):
            raise InvalidValue("map", mapping, allowed)
        mapping = {key.strip().lower(): column.strip() for key, _, column in pairs}
    unknown = [key for key in mapping if key not in _MAP_KEYS]
    if unknown or not {"time", "pain"} <= mapping.keys():
        raise InvalidValue("map", mapping, allowed)
    names = [name.strip() for name in header]
    lowered = [name.lower() for name in names]
    at = {}
    for key, column in mapping.items():
        if column in names:
            at[key] = names.index(column)
        elif column.lower() in lowered:
            at[key] = lowered.index(column.lower())
        else:
            raise InvalidValue("map", column, f"expected a column of the file: {', '.join(names)}")
    return at


def _generic(
    header: list[str], records: list[Any], report: ImportReport, at: dict[str, int], top: int
) -> list[_Draft]:
    """Drafts from any CSV file whose columns ``at`` names."""
    drafts = []
    for record in records:
        cell = {key: record.cells[i] for key, i in at.items()}
        pain = cell["pain"].strip()
        if not pain:
            report.skip("no pain value", record.line)
            continue
        day, when = _split_moment(cell["time"])
        location = _location(cell.get("location", ""))
        values = {"location": location or None, "notes": cell.get("notes", "")}
        identity = ("rating", pain, location, values["notes"])  # all of it: rows have no id
        drafts.append(
            _Draft(record.line, "rating", day, when, identity, values, pain, _whole(pain))
        )
    if top != 10:
        report.notes.append(f"Pain read on a 0-{top} scale; 0-10 = value × 10 / {top}.")
    return drafts


def _location(text: str) -> str:
    """Where it hurts as written, or acutrack's own word when it is one (``Lower back``)."""
    word = re.sub(r"[\s_]+", "-", text.strip().lower())
    return word if word in _LOCATIONS else text.strip()


def _split_moment(text: str) -> tuple[str, str]:
    """A cell holding a date and perhaps a time → its date part and its time part."""
    text = text.strip()
    for pattern in _DATE_PATTERNS:
        match = re.match(pattern, text)
        if match:
            return match[0], text[match.end() :].strip().lstrip("T,").strip()
    return text, ""


def _whole(text: str) -> int | None:
    """A whole number as written (``4``, ``4.0``), or None."""
    match = re.fullmatch(r"\s*(\d+)(?:\.0*)?\s*", text)
    return int(match[1]) if match else None


def _numeric(day: str) -> tuple[int, int] | None:
    """The first two numbers of a date such as ``03/04/21`` (not year-first), else None."""
    match = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})", day.strip())
    return (int(match[1]), int(match[2])) if match else None


def _resolve_order(
    drafts: list[_Draft], given: str | None, report: ImportReport, name: str
) -> str | None:
    """Day or month first: as given, or as the file shows; refuse when nothing tells."""
    first = {"DMY": None, "MDY": None}
    unclear = None
    for draft in drafts:
        numbers = _numeric(draft.day)
        if numbers is None:
            continue
        a, b = numbers
        if a > 12 and b <= 12:
            first["DMY"] = first["DMY"] or draft
        elif b > 12 and a <= 12:
            first["MDY"] = first["MDY"] or draft
        elif a != b:
            unclear = unclear or draft
    if given:
        if unclear or first["DMY"] or first["MDY"]:
            report.notes.append(
                f"Dates read {_ORDER_WORDS[given]}, as you said (--date-order {given})."
            )
        return given
    dmy, mdy = first["DMY"], first["MDY"]
    if dmy and mdy:
        raise ImportRefused(
            f"the dates of {name} disagree: row {dmy.line} ({dmy.day}) has the day first, "
            f"row {mdy.line} ({mdy.day}) the month; say which with --date-order DMY or MDY"
        )
    if dmy or mdy:
        order, draft = ("DMY", dmy) if dmy else ("MDY", mdy)
        report.notes.append(
            f"Dates read {_ORDER_WORDS[order]}, as row {draft.line} ({draft.day}) shows."
        )
        return order
    if unclear:
        a, b = _numeric(unclear.day)  # type: ignore[misc]
        raise ImportRefused(
            f"dates such as {unclear.day} (row {unclear.line}) can be day-first or "
            f"month-first and no date in {name} tells which: add --date-order DMY "
            f"(day {a} of month {b}) or --date-order MDY (day {b} of month {a})"
        )
    return None


_ORDER_WORDS = {"DMY": "day first (DMY)", "MDY": "month first (MDY)"}


def _day(text: str, order: str | None) -> date:
    """A date as sources write it; ValueError saying why when it is none."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        y, m, d = map(int, text.split("-"))
    elif match := re.fullmatch(r"(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})", text):
        a, b, c = (int(match[i]) for i in (1, 2, 3))
        if len(match[1]) == 4:
            y, m, d = a, b, c
        else:
            d, m = (a, b) if order == "DMY" else (b, a)  # order None: day and month are equal
            y = c + 2000 if len(match[3]) == 2 else c
    elif match := re.fullmatch(
        rf"(\d{{1,2}}){_ORDINAL}\s+([A-Za-z]{{3,9}})\.?,?\s+(\d{{4}})", text
    ):
        d, m, y = int(match[1]), _month(match[2]), int(match[3])
    elif match := re.fullmatch(
        rf"([A-Za-z]{{3,9}})\.?\s+(\d{{1,2}}){_ORDINAL},?\s+(\d{{4}})", text
    ):
        m, d, y = _month(match[1]), int(match[2]), int(match[3])
    else:
        raise ValueError("expected a date such as 2021-03-04, 04/03/2021 or 4th Mar 2021")
    return date(y, m, d)  # ValueError for 31 February


def _month(name: str) -> int:
    month = _MONTHS.get(name[:3].lower())
    if month is None:
        raise ValueError(f"{name!r} is not an English month")
    return month


def _clock(text: str) -> tuple[time, str, str]:
    """A time of day as written → the time, its precision and the word it stood for."""
    word = text.strip().lower()
    if not word or word == "all day":
        return WHOLE_DAY, "day", "whole day"
    if word in PART_OF_DAY:
        return PART_OF_DAY[word], "part-of-day", word
    match = _CLOCK.fullmatch(word)
    if not match:
        raise ValueError("expected a time such as 14:08, or am, mid, pm, pre, morning, evening")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            raise ValueError("expected an hour from 1 to 12 before am or pm")
        hour = hour % 12 + (12 if match[4][0] == "p" else 0)
    return time(hour, minute, second), "exact", ""  # ValueError for 25:00


def _moment(draft: _Draft, order: str | None) -> tuple[datetime, str, str]:
    """When the draft's entry was: its moment (naive: local time), precision and word."""
    if draft.when:
        with_offset = _aware(f"{draft.day}T{draft.when}")
        if with_offset is not None:
            return with_offset, "exact", ""
    clock, precision, word = _clock(draft.when)
    return datetime.combine(_day(draft.day, order), clock), precision, word


def _aware(text: str) -> datetime | None:
    """An ISO time with its UTC offset (``2021-03-04T08:30+01:00``), else None."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None


def _items(
    drafts: list[_Draft], report: ImportReport, app: str, top: int, order: str | None
) -> list[Item]:
    """The drafts as items for the journal: dated, keyed, converted; in-file repeats once."""
    items = []
    first: dict[str, int] = {}
    for draft in drafts:
        try:
            moment, precision, word = _moment(draft, order)
        except ValueError as err:
            what = draft.day if not draft.when else f"{draft.day} {draft.when}"
            report.skip(DAMAGED, draft.line, f"date or time {shown(what)}: {err}")
            continue
        when = moment.isoformat() if precision == "exact" else f"{moment.date()} {precision} {word}"
        key = hashlib.sha256("\x1f".join((app, when, *draft.identity)).encode()).hexdigest()[:32]
        if key in first:
            report.skip(REPEATED, draft.line, f"(row {first[key]})")
            continue
        first[key] = draft.line
        values = dict(draft.values)
        if draft.kind == "medications":
            values["taken_at"] = moment
            kind, scale = "medications", ""
        else:
            if draft.value is None or draft.value > top:
                report.skip(
                    DAMAGED,
                    draft.line,
                    f"pain {shown(draft.original)} is not a whole number from 0 to {top}",
                )
                continue
            values["rated_at"] = moment
            values["pain"] = to_ten(draft.value, top)
            joins = top == 10 and precision != "day"
            kind, scale = ("ratings" if joins else "imported_ratings"), f"0-{top}"
        items.append(Item(kind, values, key, draft.line, precision, scale, draft.original, word))
    return items
