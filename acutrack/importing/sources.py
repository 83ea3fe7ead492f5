"""The apps acutrack imports from, one reader each: Bearable, Privacy Friendly Pain Diary
and any CSV file with a mapping of its columns. Each reads a file's records into drafts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..errors import InvalidValue, shown
from .common import DAMAGED, Draft, ImportRefused
from .moments import split_moment

if TYPE_CHECKING:
    from ..csvstore import Record
    from . import ImportReport

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
# One drug intake as the diary writes it: [drug:[name:N,doseD],quantityMorning:1,...]. The
# name runs to the first ",dose", the dose to the first "],quantity"; neither holds a "[",
# so that a match tried at each "[" reads on only to the next: linear time, whatever the cell
# (the possessive quantifiers never go back).
_INTAKE = re.compile(
    r"\[(?:drug:\[name:(?P<name>[^,\[]*+(?:,(?!dose)[^,\[]*+)*+),"
    r"dose(?P<dose>[^\]\[]*+(?:\](?!,quantity)[^\]\[]*+)*+)\],)?"
    r"quantityMorning:(?P<morning>[0-9]{1,9}+),quantityNoon:(?P<noon>[0-9]{1,9}+),"
    r"quantityEvening:(?P<evening>[0-9]{1,9}+),quantityNight:(?P<night>[0-9]{1,9}+)\]"
)
# A dose that starts with a number ("400 mg", "2,5 mg"): the number and the rest.
_AMOUNT = re.compile(r"([0-9]++(?:[.,][0-9]++)?+)\s*+(.*+)")
_MAP_KEYS = ("time", "pain", "location", "notes")
_SHOWN_COLUMNS = 5  # positions a message lists of columns that share a name
_LOCATIONS = ("lower-back", "upper-back", "neck", "buttock-leg")


def _column(header: list[str], name: str) -> int | None:
    """Where the column ``name`` is (compared without case), if anywhere.

    A file with two columns of that name is refused: which one holds the values?
    """
    wanted = name.strip().lower()
    found = [i for i, column in enumerate(header) if column.strip().lower() == wanted]
    if len(found) > 1:
        where = ", ".join(str(i + 1) for i in found[:_SHOWN_COLUMNS])
        raise ImportRefused(
            f"the file has {len(found)} columns named {shown(header[found[0]])} (columns "
            f"{where}{', …' if len(found) > _SHOWN_COLUMNS else ''}): rename all but one, "
            "so that it is clear which to read"
        )
    return found[0] if found else None


def _columns(
    header: list[str], wanted: tuple[str, ...], optional: tuple[str, ...], what: str
) -> dict[str, int]:
    """Where each wanted column is, and each optional one the file has; refuse when one lacks."""
    at = {name: _column(header, name) for name in (*wanted, *optional)}
    missing = [name for name in wanted if at[name] is None]
    if missing:
        raise ImportRefused(
            f"this is not {what}: its header lacks {', '.join(missing)} "
            f"(it has {shown(', '.join(header))})"
        )
    return {name: i for name, i in at.items() if i is not None}


def bearable(
    header: list[str], records: Iterable[Record], report: ImportReport, top: int, scale_given: bool
) -> list[Draft]:
    """Drafts from Bearable's long CSV export: back-pain symptoms and medicines."""
    wanted = ("date", "time of day", "category", "rating/amount", "detail")
    at = _columns(header, wanted, ("date formatted", "notes"), "a Bearable export")
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
            value = whole_number(amount)
            if value is not None and (value == 4 or severity.lower() == "unbearable"):
                highest = highest or record.line
            draft = Draft(
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
            what = shown(category) if category else "no category"
            reason = f"{what} (acutrack keeps pain and medicines)"
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
) -> list[Draft]:
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
            Draft(
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
    # Not a pattern: its lazy name before optional spaces took quadratic time on long spaces.
    body = text.rstrip()
    start = body.rfind("(")
    if body.endswith(")") and start >= 0 and ")" not in body[start + 1 : -1]:
        return body[:start].rstrip(), "(", body[start + 1 : -1]
    return text.strip(), "", ""


def pain_diary(header: list[str], records: Iterable[Record], report: ImportReport) -> list[Draft]:
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
            Draft(record.line, "rating", day, when, ("pain",), values, pain, whole_number(pain))
        )
        for column, text in (("how you felt (Conditions)", condition), ("Pain nature", nature)):
            if text.strip(" []"):
                report.left_out[column] += 1
    return drafts


def _diary_intakes(line: int, day: str, text: str, report: ImportReport) -> list[Draft]:
    """Medicines from a Drug Intakes cell: one per part of the day with a quantity."""
    intakes = list(_INTAKE.finditer(text))
    if text.strip(" [],") and not intakes:
        report.skip(DAMAGED, line, f"Drug Intakes: cannot read {shown(text)}")
    drafts = []
    for intake in intakes:
        name, written = (intake["name"] or "").strip(), (intake["dose"] or "").strip()
        if not name:
            report.skip(DAMAGED, line, "Drug Intakes: an intake without a drug name")
            continue
        dose = "" if written == "null" else written  # the app's word for a drug without a dose
        amount = _AMOUNT.fullmatch(dose)
        for part in ("morning", "noon", "evening", "night"):
            quantity = int(intake[part])
            if not quantity:
                continue
            taken = f"{quantity} × {dose}" if dose else f"{quantity} taken (no dose given)"
            if amount:  # "400 mg" taken twice is 800 mg
                number = float(amount[1].replace(",", "."))
                values = {"dose": quantity * number, "unit": amount[2], "notes": ""}
            else:
                values = {"dose": None, "unit": "", "notes": taken}
            values |= {"name": name, "use": "regular"}
            # The dose as written: the keys of intakes imported before stay the same.
            identity = ("medicine", name.lower(), written.lower(), part)
            drafts.append(Draft(line, "medications", day, part, identity, values, taken))
    return drafts


def mapping(mapping: str | dict[str, str] | None, header: list[str]) -> dict[str, int]:
    """``time=Date,pain=Pain Level`` → the position of each mapped column."""
    allowed = "expected time=COLUMN,pain=COLUMN and optionally location=COLUMN,notes=COLUMN"
    if mapping is None:
        raise ImportRefused("say which columns hold what: --map 'time=COLUMN,pain=COLUMN'")
    if isinstance(mapping, str):
        pairs = [part.partition("=") for part in mapping.split(",") if part.strip()]
        if any(not sep for _, sep, _ in pairs):
            raise InvalidValue("map", mapping, allowed)
        keys = [key.strip().lower() for key, _, _ in pairs]
        twice = next((key for key, n in Counter(keys).items() if n > 1), None)
        if twice:
            raise InvalidValue("map", mapping, f"{twice} is mapped twice; {allowed}, each once")
        mapping = {key.strip().lower(): column.strip() for key, _, column in pairs}
    unknown = [key for key in mapping if key not in _MAP_KEYS]
    if unknown or not {"time", "pain"} <= mapping.keys():
        raise InvalidValue("map", mapping, allowed)
    at = {}
    for key, column in mapping.items():
        found = _column(header, column)
        if found is None:
            raise InvalidValue(
                "map", column, f"expected a column of the file: {shown(', '.join(header))}"
            )
        at[key] = found
    return at


def generic(
    header: list[str], records: Iterable[Record], report: ImportReport, at: dict[str, int], top: int
) -> list[Draft]:
    """Drafts from any CSV file whose columns ``at`` names."""
    drafts = []
    for record in records:
        cell = {key: record.cells[i] for key, i in at.items()}
        pain = cell["pain"].strip()
        if not pain:
            report.skip("no pain value", record.line)
            continue
        day, when = split_moment(cell["time"])
        location = _location(cell.get("location", ""))
        values = {"location": location or None, "notes": cell.get("notes", "")}
        identity = ("rating", pain, location, values["notes"])  # all of it: rows have no id
        drafts.append(
            Draft(record.line, "rating", day, when, identity, values, pain, whole_number(pain))
        )
    if top != 10:
        report.notes.append(f"Pain read on a 0-{top} scale; 0-10 = value × 10 / {top}.")
    return drafts


def _location(text: str) -> str:
    """Where it hurts as written, or acutrack's own word when it is one (``Lower back``)."""
    word = re.sub(r"[\s_]+", "-", text.strip().lower())
    return word if word in _LOCATIONS else text.strip()


def whole_number(text: str) -> int | None:
    """A whole number as written (``4``, ``4.0``), or None."""
    # At most 9 digits: no scale goes higher, and int() refuses more than 4,300.
    match = re.fullmatch(r"\s*+([0-9]{1,9}+)(?:\.0*+)?+\s*+", text)
    return int(match[1]) if match else None
